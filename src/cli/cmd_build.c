/*
 * cmd_build.c - `xbuild build --domid N ...`: only the builder step, into
 * a domain a toolstack created; hands back the store and console MFNs
 * (text, --json, or XenServer's result: line on --control-fd).
 */
#include "cli.h"

#include "print.h"

int cmd_build(struct cli *c)
{
	struct session s;
	struct dom *d = &s.d;
	int rc;

	if ((rc = session_prepare(c, &s)) < 0 ||
	    (rc = session_open_backend(c, &s, c->use_sim)) < 0)
		return session_end(c, &s, rc);
	*c->defer = 1;
	d->domid = (uint32_t)c->domid;
	d->store_evtchn = (uint32_t)c->store_evtchn;
	d->console_evtchn = (uint32_t)c->console_evtchn;
	d->store_domid = (uint32_t)c->store_domid;
	d->console_domid = (uint32_t)c->console_domid;
	/* The simulated hypervisor has no toolstack-made domain: make one in
	 * its place (its domid wins).  On Xen the domain exists: check that
	 * the hypervisor runs this guest kind before touching it. */
	rc = c->use_sim ? dom_create(d) : dom_check_caps(d);
	if (rc == 0) {
		say(c, "building");
		rc = dom_build(d);
	}
	if (rc == 0)
		print_build(c, &s);
	return session_end(c, &s, rc);
}
