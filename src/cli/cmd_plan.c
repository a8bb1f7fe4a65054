/*
 * cmd_plan.c - `xbuild plan DOMAIN.CFG`: the whole build on the simulated
 * hypervisor; prints the layout and the start_info the build wrote.
 */
#include "cli.h"

#include "print.h"

int cmd_plan(struct cli *c)
{
	struct session s;
	int rc;

	if ((rc = session_prepare(c, &s)) < 0 ||
	    (rc = session_open_backend(c, &s, true)) < 0)
		return session_end(c, &s, rc);
	rc = run_domain_v(c, &s.d, true);
	if (rc == 0) {
		print_plan(c, &s);
		dom_abort(&s.d);
	}
	return session_end(c, &s, rc);
}
