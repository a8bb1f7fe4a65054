/*
 * cmd_run.c - `xbuild run DOMAIN.CFG`: create, build and start a domain in
 * a toolstack's place (DESIGN.md, "Division of labour with toolstacks").
 */
#include "cli.h"

#include <stdio.h>

#include "print.h"

int run_domain(struct dom *d, bool paused)
{
	int rc;

	if ((rc = dom_claim_name(d)) < 0 ||
	    (rc = dom_find_backends(d)) < 0)
		return rc;
	if ((rc = dom_create(d)) < 0 ||
	    (rc = dom_alloc_evtchns(d)) < 0 ||
	    (rc = dom_build(d)) < 0 ||
	    (rc = dom_write_xenstore(d)) < 0 ||
	    (rc = dom_introduce(d)) < 0 ||
	    (!paused && (rc = dom_unpause(d)) < 0))
		dom_abort(d);
	return rc;
}

int cmd_run(struct cli *c)
{
	struct session s;
	int rc;

	if ((rc = session_prepare(c, &s)) < 0 ||
	    (rc = session_open_backend(c, &s, c->use_sim)) < 0)
		return session_end(c, &s, rc);
	*c->defer = 1;
	say(c, "creating and building the domain");
	rc = run_domain(&s.d, c->paused);
	if (rc == 0)
		print_run(c, &s);
	else if (s.d.destroyed)
		fprintf(stderr, "xbuild: domain %u destroyed\n", s.d.domid);
	return session_end(c, &s, rc);
}
