/*
 * cmd_check.c - `xbuild check DOMAIN.CFG`: the config, the files it names
 * and the layout, everything before the first hypercall.
 */
#include "cli.h"

#include "print.h"

int cmd_check(struct cli *c)
{
	struct session s;
	int rc = session_prepare(c, &s);

	if (rc == 0)
		print_check(c, &s);
	return session_end(c, &s, rc);
}
