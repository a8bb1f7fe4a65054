/*
 * cmd_gc.c - `xbuild gc`: destroy the domains whose builder was killed
 * before it finished (SIGKILL, the OOM killer).  A build marks its domain
 * (XB_MARK_KEY) from the moment it claims the name until it hands the
 * domain over; a mark whose process is gone is an orphan.  `run` does the
 * same before it creates a domain.
 */
#include "cli.h"

#include "print.h"

int cmd_gc(struct cli *c)
{
	struct session s = { 0 };
	unsigned n = 0;
	int lock = -1, rc;

	*c->defer = 1;
	if ((rc = session_open_backend(c, &s, c->use_sim)) < 0 ||
	    (!c->use_sim && (rc = host_lock(&lock, &c->err)) < 0))
		return session_end(c, &s, rc);
	rc = reap_orphans(c, s.d.hv, &n);
	host_unlock(&lock);
	if (rc == 0)
		print_gc(c, n);
	return session_end(c, &s, rc);
}
