/*
 * sim.c - the simulated hypervisor: its ops table, open/close, domains and
 * vCPUs, fault injection and call accounting, and the inspection calls of
 * hv_sim.h.  Guest frames are in sim_mem.c, the pin-time checks in
 * sim_pin.c, xenstore in sim_xs.c (sim_int.h lists them).
 */
#include "sim_int.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sim_enter(struct sim *h, const char *op, struct xb_err *e)
{
	h->calls++;
	snprintf(h->last_op, sizeof(h->last_op), "%s", op);
	if (h->calls <= SIM_MAX_CALLS)
		h->call_names[h->calls - 1] = op;
	if (h->oom)
		return xb_fail(e, XB_EINTERNAL,
			       "%s: the simulated hypervisor "
			       "ran out of host memory for guest frames",
			       op);
	if ((h->o.fail_call && (unsigned)h->o.fail_call == h->calls) ||
	    (h->o.fail_op && !strcmp(h->o.fail_op, op))) {
		if (h->o.fail_op)
			h->o.fail_op = NULL; /* the first call only */
		return xb_fail(e, XB_EHV, "%s: simulated failure (call %u)", op,
			       h->calls);
	}
	return 0;
}

struct sim_dom *sim_dom_of(struct sim *h, uint32_t domid)
{
	for (unsigned i = 0; i < SIM_MAX_DOMS; i++)
		if (h->doms[i].used && h->doms[i].domid == domid)
			return &h->doms[i];
	return NULL;
}

struct sim_dom *sim_need_dom(struct sim *h, uint32_t domid, const char *op,
			     struct xb_err *e)
{
	struct sim_dom *d = sim_dom_of(h, domid);

	if (!d)
		xb_fail(e, XB_EHV, "%s: no domain %u", op, domid);
	return d;
}

struct sim_dom *sim_enter_dom(struct sim *h, uint32_t domid, const char *op,
			      int *rc, struct xb_err *e)
{
	struct sim_dom *d;

	if ((*rc = sim_enter(h, op, e)) < 0)
		return NULL;
	d = sim_need_dom(h, domid, op, e);
	*rc = d ? 0 : -XB_EHV;
	return d;
}

static int sim_caps(struct hv *hv, char *buf, size_t len, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	int rc;

	if ((rc = sim_enter(h, "caps", e)) < 0)
		return rc;
	snprintf(buf, len,
		 "xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 "
		 "hvm-3.0-x86_32p hvm-3.0-x86_64");
	return 0;
}

static int sim_domain_create(struct hv *hv, const struct hv_create *c,
			     uint32_t *domid, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d = NULL;
	uint8_t *p;
	int rc;

	if ((rc = sim_enter(h, "domain_create", e)) < 0)
		return rc;
	for (unsigned i = 0; i < SIM_MAX_DOMS && !d; i++)
		if (!h->doms[i].used)
			d = &h->doms[i];
	if (!d)
		return xb_fail(e, XB_EHV, "domain_create: too many domains");
	if (!c->max_vcpus)
		return xb_fail(e, XB_EHV, "domain_create: max_vcpus 0");
	if (!sim_frames_left(h))
		return xb_fail(e, XB_EHV, "domain_create: out of frames");
	memset(d, 0, sizeof(*d));
	d->used = true;
	d->domid = h->next_domid;
	d->pae = c->pae;
	d->hvm = c->hvm;
	memcpy(d->uuid, c->uuid, sizeof(d->uuid));
	d->next_port = 1;
	/* The shared-info frame belongs to the domain, outside its p2m. */
	d->shinfo_idx = sim_frames_take(h, 1);
	if (!(p = sim_frame_raw(h, d->shinfo_idx))) {
		d->used = false;
		return xb_fail(e, XB_EINTERNAL, "domain_create: out of memory");
	}
	memset(p, 0xa5, XB_PAGE_SIZE);
	h->next_domid++;
	*domid = d->domid;
	return 0;
}

static int sim_domain_by_uuid(struct hv *hv, const uint8_t uuid[16],
			      uint32_t *domid, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	int rc;

	if ((rc = sim_enter(h, "domain_by_uuid", e)) < 0)
		return rc;
	for (unsigned i = 0; i < SIM_MAX_DOMS; i++)
		if (h->doms[i].used && !memcmp(h->doms[i].uuid, uuid, 16)) {
			*domid = h->doms[i].domid;
			return 0;
		}
	return -XB_EHV; /* hv.h: e unset */
}

static int sim_set_max_mem(struct hv *hv, uint32_t domid, uint64_t kb,
			   struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "set_max_mem", &rc, e)))
		return rc;
	d->max_kb = kb;
	return 0;
}

static int sim_shared_info_mfn(struct hv *hv, uint32_t domid, uint64_t *mfn,
			       struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "shared_info_mfn", &rc, e)))
		return rc;
	*mfn = sim_idx_to_mfn(d->shinfo_idx);
	return 0;
}

static int sim_hypercall_init(struct hv *hv, uint32_t domid, uint64_t mfn,
			      struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	uint8_t *p;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "hypercall_init", &rc, e)))
		return rc;
	if (!sim_owns(h, d, mfn))
		return xb_fail(e, XB_EHV,
			       "hypercall_init: mfn %#" PRIx64
			       " is not a frame of dom %u",
			       mfn, domid);
	/* Xen writes 32-byte stubs; the sim writes a recognisable fill. */
	if (!(p = sim_frame_raw(h, sim_mfn_to_idx(h, mfn))))
		return xb_fail(e, XB_EINTERNAL,
			       "hypercall_init: out of memory");
	memset(p, 0xcc, XB_PAGE_SIZE);
	d->hypercall_mfn = mfn;
	return 0;
}

static bool canonical(uint64_t va)
{
	return va < 0x0000800000000000ULL || va >= 0xffff800000000000ULL;
}

static int sim_set_vcpu(struct hv *hv, uint32_t domid, unsigned vcpu,
			const struct hv_vcpu *v, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "set_vcpu", &rc, e)))
		return rc;
	if (d->hvm)
		return xb_fail(e, XB_EHV,
			       "set_vcpu: dom %u is an HVM container", domid);
	if (vcpu != 0)
		return xb_fail(e, XB_EHV, "set_vcpu: vcpu %u", vcpu);
	if (!d->pinned || v->cr3_mfn != d->root_mfn)
		return xb_fail(e, XB_EHV,
			       "set_vcpu: cr3 mfn %#" PRIx64
			       " is not the pinned root",
			       v->cr3_mfn);
	if (v->is64 == d->pae || !canonical(v->rip) || !canonical(v->rsp))
		return xb_fail(e, XB_EHV,
			       "set_vcpu: bad context (rip %#" PRIx64
			       ", rsp %#" PRIx64 ")",
			       v->rip, v->rsp);
	d->vcpu = *v;
	d->has_vcpu = true;
	return 0;
}

static int sim_seed_grants(struct hv *hv, uint32_t domid, uint64_t console_mfn,
			   uint32_t console_domid, uint64_t store_mfn,
			   uint32_t store_domid, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "seed_grants", &rc, e)))
		return rc;
	d->grant_frame[0] = console_mfn;
	d->grant_domid[0] = console_domid;
	d->grant_frame[1] = store_mfn;
	d->grant_domid[1] = store_domid;
	return 0;
}

static int sim_evtchn_alloc(struct hv *hv, uint32_t domid, uint32_t remote,
			    uint32_t *port, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	(void)remote;
	if (!(d = sim_enter_dom(h, domid, "evtchn_alloc", &rc, e)))
		return rc;
	*port = d->next_port++;
	return 0;
}

static int sim_unpause(struct hv *hv, uint32_t domid, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "unpause", &rc, e)))
		return rc;
	if (!d->has_vcpu)
		return xb_fail(e, XB_EHV, "unpause: vcpu 0 has no context");
	if (!d->running) {
		/* A new boot: the script's next word (the last repeats). */
		unsigned k = h->boots < h->nscript ? h->boots : h->nscript - 1;

		d->action = h->nscript ? h->script[k] : G_RUN;
		h->boots++;
	}
	d->running = true;
	return 0;
}

static int sim_set_handle(struct hv *hv, uint32_t domid, const uint8_t uuid[16],
			  struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "set_handle", &rc, e)))
		return rc;
	memcpy(d->uuid, uuid, sizeof(d->uuid));
	return 0;
}

static int sim_domain_info(struct hv *hv, uint32_t domid,
			   struct hv_dominfo *info, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	memset(info, 0, sizeof(*info));
	if ((rc = sim_enter(h, "domain_info", e)) < 0)
		return rc;
	if (!(d = sim_dom_of(h, domid))) {
		info->state = HV_DOM_GONE;
	} else if (d->shutdown) {
		info->state = HV_DOM_SHUTDOWN;
		info->reason = d->reason;
	} else {
		info->state = HV_DOM_RUNNING;
		info->paused = !d->running;
	}
	return 0;
}

/* The guest of d does what it was told to, now: 1 when its state changed. */
static int guest_act(struct sim *h, struct sim_dom *d)
{
	if (!d->running || d->shutdown)
		return 0;
	if (d->action == G_VANISH) {
		sim_frames_release(h, d);
		d->used = false;
		return 1;
	}
	if (d->action == G_RUN && d->asked) {
		d->shutdown = true;
		d->reason = HV_SHUTDOWN_POWEROFF;
		return 1;
	}
	if (d->action < G_RUN) {
		d->shutdown = true;
		d->reason = d->action;
		return 1;
	}
	return 0;
}

/*
 * The simulated guests act when somebody waits for them: a scripted
 * shutdown is seen by the first wait after unpause.  A guest that just
 * runs lets the wait sleep, in real time and with sigmask, so that tests
 * can signal the waiter.
 */
static int sim_wait_domains(struct hv *hv, int timeout_ms,
			    const sigset_t *sigmask, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct timespec ts = { timeout_ms / 1000,
			       (long)(timeout_ms % 1000) * 1000000L };
	int rc, changed = 0;

	if ((rc = sim_enter(h, "wait_domains", e)) < 0)
		return rc;
	for (unsigned i = 0; i < SIM_MAX_DOMS; i++)
		if (h->doms[i].used)
			changed |= guest_act(h, &h->doms[i]);
	if (changed)
		return 1;
	if (ppoll(NULL, 0, &ts, sigmask) < 0 && errno != EINTR)
		return xb_fail(e, XB_EINTERNAL, "wait_domains: ppoll: %s",
			       strerror(errno));
	return 0;
}

void sim_guest_xs_written(struct sim *h, const char *path, const char *value)
{
	unsigned id;
	int end = 0;

	if (sscanf(path, "/local/domain/%u/control/shutdown%n", &id, &end) ==
		    1 &&
	    !path[end] && !strcmp(value, "poweroff")) {
		struct sim_dom *d = sim_dom_of(h, id);

		if (d)
			d->asked = true;
	}
}

/* hv_sim_opts.guest into h->script. */
static int parse_script(struct sim *h, const char *s, struct xb_err *e)
{
	while (s && *s) {
		size_t n = strcspn(s, ",");
		unsigned w = UINT32_MAX;

		for (unsigned i = 0; hv_shutdown_name(i); i++)
			if (strlen(hv_shutdown_name(i)) == n &&
			    !strncmp(s, hv_shutdown_name(i), n))
				w = i;
		if (n == 3 && !strncmp(s, "run", 3))
			w = G_RUN;
		else if (n == 4 && !strncmp(s, "deaf", 4))
			w = G_DEAF;
		else if (n == 6 && !strncmp(s, "vanish", 6))
			w = G_VANISH;
		if (w == UINT32_MAX || h->nscript == SIM_MAX_SCRIPT)
			return xb_fail(e, XB_EINTERNAL,
				       "sim: bad guest script \"%s\"", s);
		h->script[h->nscript++] = w;
		s += n + (s[n] == ',');
	}
	return 0;
}

static int sim_destroy(struct hv *hv, uint32_t domid, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "destroy", &rc, e)))
		return rc;
	sim_frames_release(h, d);
	d->used = false;
	return 0;
}

/* ---- HVM containers (PVH) ---- */

/* Enter op (sim_enter) on the live HVM container domid: the domain, or
 * NULL with *rc and "op: ..." recorded. */
static struct sim_dom *enter_hvm(struct sim *h, uint32_t domid, const char *op,
				 int *rc, struct xb_err *e)
{
	struct sim_dom *d = sim_enter_dom(h, domid, op, rc, e);

	if (d && !d->hvm) {
		*rc = xb_fail(e, XB_EHV, "%s: dom %u is not an HVM container",
			      op, domid);
		return NULL;
	}
	return d;
}

/* The simulated hardware always offers HAP. */
static int sim_hvm_hap(struct hv *hv, uint32_t domid, bool *hap,
		       struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	int rc;

	if (!enter_hvm(h, domid, "hvm_hap", &rc, e))
		return rc;
	*hap = true;
	return 0;
}

static int sim_set_paging_pool(struct hv *hv, uint32_t domid, uint64_t bytes,
			       struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = enter_hvm(h, domid, "set_paging_pool", &rc, e)))
		return rc;
	if (bytes % XB_PAGE_SIZE)
		return xb_fail(e, XB_EHV,
			       "set_paging_pool: %" PRIu64
			       " bytes is not a whole number of pages",
			       bytes);
	d->paging_pool = bytes;
	return 0;
}

static int sim_set_tsc_info(struct hv *hv, uint32_t domid, uint32_t mode,
			    struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = enter_hvm(h, domid, "set_tsc_info", &rc, e)))
		return rc;
	if (mode > 3) /* default, always emulate, native, native paravirt */
		return xb_fail(e, XB_EHV, "set_tsc_info: mode %u", mode);
	d->tsc_set = true;
	d->tsc_mode = mode;
	return 0;
}

/* A register's override: 32 of '0', '1', 'x', 'k', 's' (xenctrl.h). */
static bool cpuid_reg_ok(const char *p)
{
	if (!p)
		return true;
	for (unsigned i = 0; i < 32; i++)
		if (!p[i] || !strchr("01xks", p[i]))
			return false;
	return p[32] == '\0';
}

static int sim_set_cpuid(struct hv *hv, uint32_t domid,
			 const struct hv_cpuid *ov, unsigned n,
			 struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = enter_hvm(h, domid, "set_cpuid", &rc, e)))
		return rc;
	for (unsigned i = 0; i < n; i++)
		for (unsigned r = 0; r < 4; r++)
			if (!cpuid_reg_ok(ov[i].policy[r]))
				return xb_fail(
					e, XB_EHV,
					"set_cpuid: leaf %#x: register %u: "
					"bad policy string",
					ov[i].leaf, r);
	d->cpuid_set = true;
	d->nr_cpuid = n;
	d->nr_cpuid_regs = 0;
	for (unsigned i = 0; i < n; i++)
		for (unsigned r = 0; r < 4; r++)
			d->nr_cpuid_regs += ov[i].policy[r] != NULL;
	return 0;
}

static int sim_set_memory_map(struct hv *hv, uint32_t domid,
			      const struct hv_e820 *map, unsigned n,
			      struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = enter_hvm(h, domid, "set_memory_map", &rc, e)))
		return rc;
	if (n == 0 || n > HV_E820_MAX)
		return xb_fail(e, XB_EHV, "set_memory_map: %u entries", n);
	memcpy(d->e820, map, n * sizeof(*map));
	d->nr_e820 = n;
	return 0;
}

static int sim_set_hvm_param(struct hv *hv, uint32_t domid, uint32_t param,
			     uint64_t value, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = enter_hvm(h, domid, "set_hvm_param", &rc, e)))
		return rc;
	if (param >= SIM_NR_PARAMS)
		return xb_fail(e, XB_EHV, "set_hvm_param: param %u", param);
	d->params[param] = value;
	d->params_set |= 1ULL << param;
	return 0;
}

static int sim_set_hvm_vcpu(struct hv *hv, uint32_t domid,
			    const struct hv_hvm_vcpu *v, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = enter_hvm(h, domid, "set_hvm_vcpu", &rc, e)))
		return rc;
	/* Paging off: the entry and start_info are 32-bit physical
	 * addresses in populated memory. */
	if (v->rip > UINT32_MAX || v->rbx > UINT32_MAX ||
	    sim_pfn_idx(d, v->rip >> XB_PAGE_SHIFT, 1) == UINT64_MAX ||
	    sim_pfn_idx(d, v->rbx >> XB_PAGE_SHIFT, 1) == UINT64_MAX)
		return xb_fail(e, XB_EHV,
			       "set_hvm_vcpu: rip %#" PRIx64 " or rbx %#" PRIx64
			       " outside populated memory below 4 GiB",
			       v->rip, v->rbx);
	d->hvm_vcpu = *v;
	d->has_vcpu = true;
	return 0;
}

static int sim_seed_grants_gfn(struct hv *hv, uint32_t domid,
			       uint64_t console_gfn, uint32_t console_domid,
			       uint64_t store_gfn, uint32_t store_domid,
			       struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = enter_hvm(h, domid, "seed_grants_gfn", &rc, e)))
		return rc;
	if (sim_pfn_idx(d, console_gfn, 1) == UINT64_MAX ||
	    sim_pfn_idx(d, store_gfn, 1) == UINT64_MAX)
		return xb_fail(e, XB_EHV,
			       "seed_grants_gfn: gfn %#" PRIx64 " or %#" PRIx64
			       " is not populated",
			       console_gfn, store_gfn);
	d->grant_frame[0] = console_gfn;
	d->grant_domid[0] = console_domid;
	d->grant_frame[1] = store_gfn;
	d->grant_domid[1] = store_domid;
	d->grants_by_gfn = true;
	return 0;
}

static void sim_close(struct hv *hv)
{
	struct sim *h = sim_of(hv);

	if (!h)
		return;
	sim_mem_close(h);
	sim_xs_close(h);
	free(h);
}

static const struct hv_ops sim_ops = {
	.name = "sim",
	.caps = sim_caps,
	.domain_create = sim_domain_create,
	.domain_by_uuid = sim_domain_by_uuid,
	.set_max_mem = sim_set_max_mem,
	.populate = sim_populate,
	.mfns = sim_mfns,
	.map_pfns = sim_map_pfns,
	.map_pfns_at = sim_map_pfns_at,
	.map = sim_map,
	.unmap = sim_unmap,
	.pin_root = sim_pin_root,
	.shared_info_mfn = sim_shared_info_mfn,
	.hypercall_init = sim_hypercall_init,
	.set_vcpu = sim_set_vcpu,
	.seed_grants = sim_seed_grants,
	.evtchn_alloc = sim_evtchn_alloc,
	.unpause = sim_unpause,
	.destroy = sim_destroy,
	.set_handle = sim_set_handle,
	.domain_info = sim_domain_info,
	.wait_domains = sim_wait_domains,
	.xs_read = sim_xs_read,
	.xs_dir = sim_xs_dir,
	.xs_write = sim_xs_write,
	.xs_rm = sim_xs_rm,
	.xs_begin = sim_xs_begin,
	.xs_end = sim_xs_end,
	.xs_introduce = sim_xs_introduce,
	.hvm_hap = sim_hvm_hap,
	.set_paging_pool = sim_set_paging_pool,
	.set_tsc_info = sim_set_tsc_info,
	.set_cpuid = sim_set_cpuid,
	.populate_range = sim_populate_range,
	.set_memory_map = sim_set_memory_map,
	.set_hvm_param = sim_set_hvm_param,
	.set_hvm_vcpu = sim_set_hvm_vcpu,
	.seed_grants_gfn = sim_seed_grants_gfn,
	.close = sim_close,
};

int hv_sim_open(const struct hv_sim_opts *o, struct hv **hv, struct xb_err *e)
{
	struct sim *h = calloc(1, sizeof(*h));
	int rc;

	if (!h)
		return xb_fail(e, XB_EINTERNAL, "sim: out of memory");
	if (o)
		h->o = *o;
	if ((rc = parse_script(h, h->o.guest, e)) < 0 ||
	    (rc = sim_mem_open(h, e)) < 0) {
		free(h);
		return rc;
	}
	h->next_domid = 1;
	h->hv.ops = &sim_ops;
	*hv = &h->hv;
	return 0;
}

const struct hv_vcpu *hv_sim_vcpu(struct hv *hv, uint32_t domid)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d = sim_dom_of(h, domid);

	return d && d->has_vcpu ? &d->vcpu : NULL;
}

void hv_sim_stats(struct hv *hv, struct hv_sim_stats *s)
{
	struct sim *h = sim_of(hv);
	const struct sim_dom *last = NULL;

	memset(s, 0, sizeof(*s));
	s->calls = h->calls;
	s->mappings = h->nmaps;
	s->stored_frames = h->store_n;
	s->stored_bytes = h->store_bytes;
	for (size_t i = 0; i < h->ngone; i++)
		s->dropped_frames += h->gone[i].to - h->gone[i].from;
	for (unsigned i = 0; i < SIM_MAX_DOMS; i++) {
		const struct sim_dom *d = &h->doms[i];

		if (!d->used)
			continue;
		s->live_domains++;
		s->frames += d->nr_frames + 1;
		if (!last || d->domid > last->domid)
			last = d;
	}
	if (last) {
		s->pinned = last->pinned;
		s->running = last->running;
		s->introduced = last->introduced;
		s->pinned_tables = last->pinned_tables;
		s->hypercall_mfn = last->hypercall_mfn;
		memcpy(s->grant_frame, last->grant_frame,
		       sizeof(s->grant_frame));
		memcpy(s->grant_domid, last->grant_domid,
		       sizeof(s->grant_domid));
	}
	snprintf(s->last_op, sizeof(s->last_op), "%s", h->last_op);
}

const char *hv_sim_call_name(struct hv *hv, unsigned k)
{
	struct sim *h = sim_of(hv);

	return k >= 1 && k <= h->calls && k <= SIM_MAX_CALLS ?
		       h->call_names[k - 1] :
		       NULL;
}

int hv_sim_hvm(struct hv *hv, uint32_t domid, struct hv_sim_hvm *o)
{
	struct sim *h = sim_of(hv);
	const struct sim_dom *d = sim_dom_of(h, domid);

	memset(o, 0, sizeof(*o));
	if (!d)
		return -1;
	o->hvm = d->hvm;
	o->paging_pool = d->paging_pool;
	o->tsc_set = d->tsc_set;
	o->tsc_mode = d->tsc_mode;
	o->cpuid_set = d->cpuid_set;
	o->nr_cpuid = d->nr_cpuid;
	o->nr_cpuid_regs = d->nr_cpuid_regs;
	memcpy(o->e820, d->e820, sizeof(o->e820));
	o->nr_e820 = d->nr_e820;
	memcpy(o->params, d->params, sizeof(o->params));
	o->params_set = d->params_set;
	o->has_vcpu = d->hvm && d->has_vcpu;
	o->vcpu = d->hvm_vcpu;
	o->nr_ranges = d->nrng;
	for (unsigned i = 0; i < d->nrng && i < XB_ARRAY_SIZE(o->ranges); i++) {
		o->ranges[i].pfn = d->rng[i].pfn;
		o->ranges[i].n = d->rng[i].n;
	}
	memcpy(o->grant_frame, d->grant_frame, sizeof(o->grant_frame));
	memcpy(o->grant_domid, d->grant_domid, sizeof(o->grant_domid));
	o->grants_by_gfn = d->grants_by_gfn;
	return 0;
}

void *hv_sim_pfn_frame(struct hv *hv, uint32_t domid, uint64_t pfn)
{
	struct sim *h = sim_of(hv);
	const struct sim_dom *d = sim_dom_of(h, domid);
	uint64_t idx = d ? sim_pfn_idx(d, pfn, 1) : UINT64_MAX;

	return idx == UINT64_MAX ? NULL : hv_sim_frame(hv, sim_idx_to_mfn(idx));
}
