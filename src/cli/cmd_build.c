/*
 * cmd_build.c - `xbuild build --domid N ...`: only the builder step, into
 * a domain a toolstack created; hands back the store and console MFNs
 * (text, --json, or XenServer's result: line on --control-fd).
 */
#include "cli.h"

#include <inttypes.h>

#include "print.h"

int cmd_build(struct cli *c)
{
	struct session s;
	struct dom *d = &s.d;
	char t[32];
	uint64_t t0;
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
	t0 = cli_now();
	rc = c->use_sim ? dom_create(d) : dom_check_caps(d);
	timing(c, c->use_sim ? "create" : "caps");
	if (rc == 0) {
		if (c->use_sim)
			say(c, "create: domain %u (simulated) in %s", d->domid,
			    human_time(cli_now() - t0, t, sizeof(t)));
		t0 = cli_now();
		rc = dom_build(d);
	}
	if (rc == 0)
		say(c,
		    "build: domain %u, %" PRIu64 " pages, store mfn %" PRIu64
		    ", console mfn %" PRIu64 " in %s",
		    d->domid, d->layout.nr_pages, d->store_mfn, d->console_mfn,
		    human_time(cli_now() - t0, t, sizeof(t)));
	if (rc == 0)
		print_build(c, &s);
	return session_end(c, &s, rc);
}
