/*
 * cmd_run.c - `xbuild run DOMAIN.CFG`: create, build and start a domain in
 * a toolstack's place (DESIGN.md, "Division of labour with toolstacks").
 */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "print.h"

/* One step of a build (build.h), and what -v says once it is done. */
struct step {
	const char *name;
	int (*fn)(struct dom *d);
	void (*what)(const struct dom *d, char *buf, size_t len);
	bool unpause; /* left out when the domain stays paused */
};

static void what_backends(const struct dom *d, char *buf, size_t len)
{
	snprintf(buf, len, "xenstored in domain %u, xenconsoled in domain %u",
		 d->store_domid, d->console_domid);
}

static void what_create(const struct dom *d, char *buf, size_t len)
{
	snprintf(buf, len, "domain %u (%u vCPU%s, %" PRIu64 " MiB)", d->domid,
		 d->cfg->maxvcpus, d->cfg->maxvcpus == 1 ? "" : "s",
		 d->cfg->maxmem_mb);
}

static void what_name(const struct dom *d, char *buf, size_t len)
{
	snprintf(buf, len, "domain %u is '%s'", d->domid, d->cfg->name);
}

static void what_evtchns(const struct dom *d, char *buf, size_t len)
{
	snprintf(buf, len, "store port %u, console port %u", d->store_evtchn,
		 d->console_evtchn);
}

static void what_build(const struct dom *d, char *buf, size_t len)
{
	if (d->cfg->type == XB_DOM_PVH) {
		snprintf(buf, len,
			 "PVH, %" PRIu64 " pages, store gfn %#" PRIx64
			 ", console gfn %#" PRIx64 ", entry %#" PRIx64,
			 d->pvh.populated_pages, d->store_mfn, d->console_mfn,
			 d->pvh.entry);
		return;
	}
	snprintf(buf, len,
		 "%" PRIu64 " pages, store mfn %" PRIu64
		 ", console mfn %" PRIu64,
		 d->layout.nr_pages, d->store_mfn, d->console_mfn);
}

static void what_domain(const struct dom *d, char *buf, size_t len)
{
	snprintf(buf, len, "domain %u", d->domid);
}

static void what_mark(const struct dom *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s",
		 d->mark ? "the builder's mark written" : "no mark");
}

static void what_handover(const struct dom *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s",
		 d->mark ? "the builder's mark removed" : "done");
}

/*
 * Run steps in order, stopping at the first failure; with c (and -v) one
 * line per step: "NAME: WHAT in TIME".  CLOCK_MONOTONIC, in src/cli only.
 */
static int run_steps(const struct cli *c, struct dom *d, const struct step *st,
		     size_t n, bool paused)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = cli_now();
		char what[160] = "", t[32];
		int rc;

		if (paused && st[i].unpause)
			continue;
		if ((rc = st[i].fn(d)) < 0)
			return rc;

		/* dom_build times its own parts (d->phase). */
		if (c && st[i].fn != dom_build)
			timing(c, st[i].name);
		if (!c || !c->verbose)
			continue;
		if (st[i].what)
			st[i].what(d, what, sizeof(what));
		say(c, "%s: %s%sin %s", st[i].name, what, *what ? " " : "",
		    human_time(cli_now() - t0, t, sizeof(t)));
	}
	return 0;
}

static const struct step create_steps[] = {
	{ "backends", dom_find_backends, what_backends, false },
	{ "mark", dom_mark, what_mark, false },
	{ "create", dom_create, what_create, false },
	{ "name", dom_claim_name, what_name, false },
};

static const struct step start_steps[] = {
	{ "event channels", dom_alloc_evtchns, what_evtchns, false },
	{ "build", dom_build, what_build, false },
	{ "xenstore", dom_write_xenstore, what_domain, false },
	{ "introduce", dom_introduce, what_domain, false },
	{ "unpause", dom_unpause, what_domain, true },
	{ "handover", dom_handover, what_handover, false },
};

/* A failure aborts: dom_abort removes whatever the steps made (nothing
 * when the first step fails). */
static int create_steps_run(const struct cli *c, struct dom *d)
{
	int rc = run_steps(c, d, create_steps, XB_ARRAY_SIZE(create_steps),
			   false);

	if (rc < 0)
		dom_abort(d);
	return rc;
}

static int start_steps_run(const struct cli *c, struct dom *d, bool paused)
{
	int rc = run_steps(c, d, start_steps, XB_ARRAY_SIZE(start_steps),
			   paused);

	if (rc < 0)
		dom_abort(d);
	return rc;
}

int create_domain(struct dom *d)
{
	return create_steps_run(NULL, d);
}

int start_domain(struct dom *d, bool paused)
{
	return start_steps_run(NULL, d, paused);
}

int run_domain(struct dom *d, bool paused)
{
	return run_domain_v(NULL, d, paused);
}

int run_domain_v(const struct cli *c, struct dom *d, bool paused)
{
	int rc = create_steps_run(c, d);

	return rc ? rc : start_steps_run(c, d, paused);
}

/* Destroy what killed builds left behind (xbuild gc); -v names them. */
int reap_orphans(struct cli *c, struct hv *hv, unsigned *n)
{
	uint32_t ids[64];
	int rc = dom_reap(hv, host_builder_gone, NULL, ids, XB_ARRAY_SIZE(ids),
			  n, &c->err);

	for (unsigned i = 0; i < *n && i < XB_ARRAY_SIZE(ids); i++)
		say(c, "destroyed domain %u: its builder is gone", ids[i]);
	return rc;
}

/* -c: the guest's console, as `xl create -c` gives it: xl's own console
 * client takes over this process (it returns when the console closes). */
static int attach_console(struct cli *c, uint32_t domid)
{
	char id[16];
	int err;

	snprintf(id, sizeof(id), "%u", domid);
	fflush(stdout);
	execlp("xl", "xl", "console", id, (char *)NULL);
	err = errno;
	return xb_fail(&c->err, XB_EHV,
		       "domain %u runs, but its console cannot be attached: "
		       "xl console: %s (`xl console %u` later)",
		       domid, strerror(err), domid);
}

int run_build(struct cli *c, struct session *s, bool paused)
{
	int lock = -1, rc;

	/* Creation under xl's lock: the name check and claim exclude every
	 * xl and xbuild. */
	if (!c->use_sim && (rc = host_lock(&lock, &c->err)) < 0)
		return rc;
	timing(c, "lock");
	rc = create_steps_run(c, &s->d);
	host_unlock(&lock);
	return rc ? rc : start_steps_run(c, &s->d, paused);
}

int cmd_run(struct cli *c)
{
	struct session s;
	uint32_t domid;
	char mark[128];
	unsigned reaped;
	int lock = -1, rc;

	if ((rc = session_prepare(c, &s)) < 0 ||
	    (rc = c->foreground ? foreground_check(c, &s) :
				  foreground_warn(c, &s)) < 0 ||
	    (rc = session_open_backend(c, &s, c->use_sim)) < 0 ||
	    (rc = host_mark(mark, sizeof(mark), &c->err)) < 0)
		return session_end(c, &s, rc);
	s.d.mark = mark;
	*c->defer = 1;
	/* Creation under xl's lock: the name check and claim, and the
	 * collection of orphans, exclude every xl and xbuild. */
	if (!c->use_sim && (rc = host_lock(&lock, &c->err)) < 0)
		return session_end(c, &s, rc);
	timing(c, "lock");
	rc = reap_orphans(c, s.d.hv, &reaped);
	timing(c, "gc");
	if (rc == 0)
		rc = create_steps_run(c, &s.d);
	host_unlock(&lock);
	if (rc == 0)
		rc = start_steps_run(c, &s.d, c->paused);
	if (rc == 0)
		print_run(c, &s);
	else if (s.d.destroyed)
		fprintf(stderr, "xbuild: domain %u destroyed\n", s.d.domid);
	/* -F: stay until the guest's end; its exit code. */
	if (rc == 0 && c->foreground)
		rc = run_foreground(c, &s);
	domid = s.d.domid;
	rc = session_end(c, &s, rc);
	return rc == 0 && c->console ? attach_console(c, domid) : rc;
}
