/*
 * cmd_run.c - `xbuild run DOMAIN.CFG`: create, build and start a domain in
 * a toolstack's place (DESIGN.md, "Division of labour with toolstacks").
 */
#include "cli.h"

#include <stdio.h>

#include "print.h"

int create_domain(struct dom *d)
{
	int rc;

	if ((rc = dom_find_backends(d)) < 0)
		return rc;
	if ((rc = dom_mark(d)) < 0 || (rc = dom_create(d)) < 0 ||
	    (rc = dom_claim_name(d)) < 0)
		dom_abort(d);
	return rc;
}

int start_domain(struct dom *d, bool paused)
{
	int rc;

	if ((rc = dom_alloc_evtchns(d)) < 0 ||
	    (rc = dom_build(d)) < 0 ||
	    (rc = dom_write_xenstore(d)) < 0 ||
	    (rc = dom_introduce(d)) < 0 ||
	    (!paused && (rc = dom_unpause(d)) < 0) ||
	    (rc = dom_handover(d)) < 0)
		dom_abort(d);
	return rc;
}

int run_domain(struct dom *d, bool paused)
{
	int rc = create_domain(d);

	return rc ? rc : start_domain(d, paused);
}

/* Destroy what killed builds left behind (xbuild gc); -v names them. */
int reap_orphans(struct cli *c, struct hv *hv, unsigned *n)
{
	uint32_t ids[64];
	int rc = dom_reap(hv, host_builder_gone, NULL, ids, XB_ARRAY_SIZE(ids),
			  n, &c->err);

	for (unsigned i = 0; c->verbose && i < *n && i < XB_ARRAY_SIZE(ids); i++)
		fprintf(stderr, "xbuild: destroyed domain %u: its builder is gone\n",
			ids[i]);
	return rc;
}

int cmd_run(struct cli *c)
{
	struct session s;
	char mark[128];
	unsigned reaped;
	int lock = -1, rc;

	if ((rc = session_prepare(c, &s)) < 0 ||
	    (rc = session_open_backend(c, &s, c->use_sim)) < 0 ||
	    (rc = host_mark(mark, sizeof(mark), &c->err)) < 0)
		return session_end(c, &s, rc);
	s.d.mark = mark;
	*c->defer = 1;
	/* Creation under xl's lock: the name check and claim, and the
	 * collection of orphans, exclude every xl and xbuild. */
	if (!c->use_sim && (rc = host_lock(&lock, &c->err)) < 0)
		return session_end(c, &s, rc);
	say(c, "creating and building the domain");
	if ((rc = reap_orphans(c, s.d.hv, &reaped)) == 0)
		rc = create_domain(&s.d);
	host_unlock(&lock);
	if (rc == 0)
		rc = start_domain(&s.d, c->paused);
	if (rc == 0)
		print_run(c, &s);
	else if (s.d.destroyed)
		fprintf(stderr, "xbuild: domain %u destroyed\n", s.d.domid);
	return session_end(c, &s, rc);
}
