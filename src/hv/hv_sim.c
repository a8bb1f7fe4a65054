/*
 * hv_sim.c - the simulated hypervisor.
 *
 * Guest frames live in one large sparse anonymous mapping (only touched
 * frames cost memory).  MFNs are handed out scattered: frame index i gets
 * mfn SIM_MFN_BASE + (i * SIM_MUL mod 2^SIM_BITS), so mfn != pfn always and
 * consecutive pfns get far-apart mfns: every p2m mix-up shows.
 *
 * map() hands out a private copy of the frames and writes it back at
 * unmap(), so the sim knows exactly which frames are mapped at any time.
 * pin_root() makes the checks Xen makes when it validates a root table:
 * every table reachable from the root is a frame the domain owns, no
 * frame is used at two levels, no superpage entries, no page-table frame
 * is mapped writable by an L1 entry, and none is still mapped by the
 * builder.  Afterwards a page-table frame can no longer be mapped.
 */
#include "hv_sim.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hv_perms.h"
#include "../x86.h"

#define SIM_BITS 26			/* 2^26 frames = 256 GiB of guests */
#define SIM_CAP (1ULL << SIM_BITS)
#define SIM_MFN_BASE (1ULL << 30)	/* above every pfn we hand out */
#define SIM_MUL 0x9e3779b97f4a7c15ULL	/* odd: a bijection mod 2^k */
#define SIM_MAX_DOMS 8
#define SIM_MAX_MAPS 64
#define SIM_MAX_CALLS 256

enum { T_NONE = 0, T_PT1 = 1, T_PT4 = 4 };

struct sim_map {
	uint8_t *addr;
	size_t n;
	uint64_t *idx;		/* frame indices */
};

struct sim_dom {
	bool used;
	uint32_t domid;
	bool pae, pinned, running, introduced, has_vcpu;
	uint64_t root_mfn, pinned_tables;
	uint64_t shinfo_idx;
	uint64_t nr_frames;
	uint64_t max_kb;
	uint32_t next_port;
	struct hv_vcpu vcpu;
	uint64_t hypercall_mfn;
	uint64_t grant_frame[2];
	uint32_t grant_domid[2];
};

struct xs_ent {
	char *path, *value, *perms;
};

struct sim {
	struct hv hv;		/* first: the interface view of this state */
	struct hv_sim_opts o;
	uint8_t *pool;		/* SIM_CAP frames, sparse */
	int16_t *owner;		/* per frame: domain slot, -1 free */
	uint8_t *type;		/* per frame: page-table level when pinned */
	uint64_t next_idx;	/* frames are handed out sequentially */
	uint64_t mul_inv;
	struct sim_dom doms[SIM_MAX_DOMS];
	uint32_t next_domid;
	struct sim_map maps[SIM_MAX_MAPS];
	unsigned nmaps;
	struct xs_ent *xs;
	size_t nxs;
	unsigned calls;
	const char *call_names[SIM_MAX_CALLS];
	char last_op[32];
};

static struct sim *sim_of(struct hv *hv)
{
	return (struct sim *)hv;
}

static uint64_t idx_to_mfn(const struct sim *h, uint64_t idx)
{
	(void)h;
	return SIM_MFN_BASE + ((idx * SIM_MUL) & (SIM_CAP - 1));
}

/* Frame index of mfn, or UINT64_MAX when mfn was never handed out. */
static uint64_t mfn_to_idx(const struct sim *h, uint64_t mfn)
{
	uint64_t idx;

	if (mfn < SIM_MFN_BASE || mfn >= SIM_MFN_BASE + SIM_CAP)
		return UINT64_MAX;
	idx = ((mfn - SIM_MFN_BASE) * h->mul_inv) & (SIM_CAP - 1);
	return idx < h->next_idx ? idx : UINT64_MAX;
}

static struct sim_dom *dom_of(struct sim *h, uint32_t domid)
{
	for (unsigned i = 0; i < SIM_MAX_DOMS; i++)
		if (h->doms[i].used && h->doms[i].domid == domid)
			return &h->doms[i];
	return NULL;
}

static int slot_of(struct sim *h, const struct sim_dom *d)
{
	return (int)(d - h->doms);
}

/* Fault injection and call accounting: every op starts here. */
static int enter(struct sim *h, const char *op, struct xb_err *e)
{
	h->calls++;
	snprintf(h->last_op, sizeof(h->last_op), "%s", op);
	if (h->calls <= SIM_MAX_CALLS)
		h->call_names[h->calls - 1] = op;
	if ((h->o.fail_call && (unsigned)h->o.fail_call == h->calls) ||
	    (h->o.fail_op && !strcmp(h->o.fail_op, op))) {
		if (h->o.fail_op)
			h->o.fail_op = NULL;	/* the first call only */
		return xb_fail(e, XB_EHV, "%s: simulated failure (call %u)",
			       op, h->calls);
	}
	return 0;
}

static struct sim_dom *need_dom(struct sim *h, uint32_t domid, const char *op,
				struct xb_err *e)
{
	struct sim_dom *d = dom_of(h, domid);

	if (!d)
		xb_fail(e, XB_EHV, "%s: no domain %u", op, domid);
	return d;
}

static int sim_caps(struct hv *hv, char *buf, size_t len, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	int rc;

	if ((rc = enter(h, "caps", e)) < 0)
		return rc;
	snprintf(buf, len, "xen-3.0-x86_64 xen-3.0-x86_32p");
	return 0;
}

static int sim_domain_create(struct hv *hv, const struct hv_create *c,
			     uint32_t *domid, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d = NULL;
	int rc;

	if ((rc = enter(h, "domain_create", e)) < 0)
		return rc;
	for (unsigned i = 0; i < SIM_MAX_DOMS && !d; i++)
		if (!h->doms[i].used)
			d = &h->doms[i];
	if (!d)
		return xb_fail(e, XB_EHV, "domain_create: too many domains");
	if (!c->max_vcpus)
		return xb_fail(e, XB_EHV, "domain_create: max_vcpus 0");
	if (h->next_idx >= SIM_CAP)
		return xb_fail(e, XB_EHV, "domain_create: out of frames");
	memset(d, 0, sizeof(*d));
	d->used = true;
	d->domid = h->next_domid++;
	d->pae = c->pae;
	d->next_port = 1;
	/* The shared-info frame belongs to the domain, outside its p2m. */
	d->shinfo_idx = h->next_idx++;
	h->owner[d->shinfo_idx] = (int16_t)slot_of(h, d);
	memset(h->pool + (d->shinfo_idx << XB_PAGE_SHIFT), 0xa5, XB_PAGE_SIZE);
	*domid = d->domid;
	return 0;
}

static int sim_set_max_mem(struct hv *hv, uint32_t domid, uint64_t kb,
			   struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if ((rc = enter(h, "set_max_mem", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "set_max_mem", e)))
		return -XB_EHV;
	d->max_kb = kb;
	return 0;
}

static int sim_populate(struct hv *hv, uint32_t domid, uint64_t nr_pages,
			uint64_t *mfns, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if ((rc = enter(h, "populate", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "populate", e)))
		return -XB_EHV;
	if (d->max_kb && (d->nr_frames + nr_pages) * 4 > d->max_kb)
		return xb_fail(e, XB_EHV, "populate(dom %u, %" PRIu64
			       " pages): exceeds max memory %" PRIu64 " KiB",
			       domid, nr_pages, d->max_kb);
	if ((h->o.max_pages && nr_pages > h->o.max_pages) ||
	    nr_pages > SIM_CAP - h->next_idx)
		return xb_fail(e, XB_EHV, "populate(dom %u, %" PRIu64
			       " pages): out of memory (the simulated "
			       "hypervisor holds %llu GiB)", domid, nr_pages,
			       SIM_CAP >> 18);
	for (uint64_t pfn = 0; pfn < nr_pages; pfn++) {
		uint64_t idx = h->next_idx++;

		h->owner[idx] = (int16_t)slot_of(h, d);
		mfns[pfn] = idx_to_mfn(h, idx);
	}
	d->nr_frames += nr_pages;
	return 0;
}

static void *sim_map(struct hv *hv, uint32_t domid, const uint64_t *mfns,
		     size_t n, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	struct sim_map *m;

	if (enter(h, "map", e) < 0)
		return NULL;
	if (!(d = need_dom(h, domid, "map", e)))
		return NULL;
	if (!n || n > (SIZE_MAX >> XB_PAGE_SHIFT)) {
		xb_fail(e, XB_EHV, "map(dom %u): %zu frames", domid, n);
		return NULL;
	}
	if (h->nmaps == SIM_MAX_MAPS) {
		xb_fail(e, XB_EHV, "map(dom %u): too many mappings", domid);
		return NULL;
	}
	m = &h->maps[h->nmaps];
	m->idx = malloc(n * sizeof(*m->idx));
	m->addr = malloc(n << XB_PAGE_SHIFT);
	if (!m->idx || !m->addr) {
		free(m->idx);
		free(m->addr);
		xb_fail(e, XB_EINTERNAL, "map: out of memory (%zu frames)", n);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t idx = mfn_to_idx(h, mfns[i]);

		if (idx == UINT64_MAX || h->owner[idx] != slot_of(h, d) ||
		    h->type[idx] != T_NONE) {
			xb_fail(e, XB_EHV, "map(dom %u): frame %zu (mfn %#" PRIx64
				") is %s", domid, i, mfns[i],
				idx == UINT64_MAX ? "not a frame" :
				h->owner[idx] != slot_of(h, d) ?
				"not owned by the domain" :
				"a pinned page table");
			free(m->idx);
			free(m->addr);
			return NULL;
		}
		m->idx[i] = idx;
		memcpy(m->addr + (i << XB_PAGE_SHIFT),
		       h->pool + (idx << XB_PAGE_SHIFT), XB_PAGE_SIZE);
	}
	m->n = n;
	h->nmaps++;
	return m->addr;
}

static void sim_unmap(struct hv *hv, void *addr, size_t n)
{
	struct sim *h = sim_of(hv);
	for (unsigned i = 0; i < h->nmaps; i++) {
		struct sim_map *m = &h->maps[i];

		if (m->addr != addr)
			continue;
		if (n > m->n)
			n = m->n;
		for (size_t j = 0; j < n; j++)
			memcpy(h->pool + (m->idx[j] << XB_PAGE_SHIFT),
			       m->addr + (j << XB_PAGE_SHIFT), XB_PAGE_SIZE);
		free(m->addr);
		free(m->idx);
		h->maps[i] = h->maps[--h->nmaps];
		return;
	}
}

struct pin_ctx {
	struct sim *h;
	struct sim_dom *d;
	unsigned levels;
	uint64_t tables;
	struct xb_err *e;
	/* writable L1 targets, checked against the tables afterwards */
	uint64_t *writable;
	size_t nw, capw;
};

/* Validate the table at idx as level lv (1-based), recursively. */
static int pin_table(struct pin_ctx *c, uint64_t idx, unsigned lv)
{
	struct sim *h = c->h;
	const uint64_t *tab = (const uint64_t *)(h->pool + (idx << XB_PAGE_SHIFT));
	unsigned nent = (c->levels == 3 && lv == 3) ? 4 : 512;

	if (h->type[idx] == lv)
		return 0;	/* shared table, validated already */
	if (h->type[idx] != T_NONE)
		return xb_fail(c->e, XB_EHV, "pin: mfn %#" PRIx64
			       " used as L%u and L%u table",
			       idx_to_mfn(h, idx), h->type[idx], lv);
	h->type[idx] = (uint8_t)lv;
	c->tables++;
	for (unsigned i = 0; i < nent; i++) {
		uint64_t ent = tab[i], mfn, tidx;

		if (!(ent & PT_PRESENT))
			continue;
		mfn = (ent & PT_ADDR_MASK) >> XB_PAGE_SHIFT;
		tidx = mfn_to_idx(h, mfn);
		if (tidx == UINT64_MAX || h->owner[tidx] != slot_of(h, c->d))
			return xb_fail(c->e, XB_EHV,
				       "pin: L%u entry %u of mfn %#" PRIx64
				       " points at mfn %#" PRIx64
				       ", not a frame of the domain",
				       lv, i, idx_to_mfn(h, idx), mfn);
		if (lv > 1 && (ent & PT_PSE))
			return xb_fail(c->e, XB_EHV,
				       "pin: L%u entry %u is a superpage", lv, i);
		if (ent & 0x7ff0000000000000ULL)
			return xb_fail(c->e, XB_EHV,
				       "pin: L%u entry %u has reserved bits (%#"
				       PRIx64 ")", lv, i, ent);
		if (lv > 1) {
			int rc = pin_table(c, tidx, lv - 1);

			if (rc < 0)
				return rc;
		} else if (ent & PT_RW) {
			if (c->nw == c->capw) {
				size_t nc = c->capw ? c->capw * 2 : 1024;
				uint64_t *nv = realloc(c->writable, nc * sizeof(*nv));

				if (!nv)
					return xb_fail(c->e, XB_EINTERNAL,
						       "pin: out of memory");
				c->writable = nv;
				c->capw = nc;
			}
			c->writable[c->nw++] = tidx;
		}
	}
	return 0;
}

static int sim_pin_root(struct hv *hv, uint32_t domid, unsigned levels,
			uint64_t mfn, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct pin_ctx c = { .h = h, .levels = levels, .e = e };
	uint64_t idx;
	int rc;

	if ((rc = enter(h, "pin_root", e)) < 0)
		return rc;
	if (!(c.d = need_dom(h, domid, "pin_root", e)))
		return -XB_EHV;
	if (levels != (c.d->pae ? 3u : 4u))
		return xb_fail(e, XB_EHV, "pin: L%u root for a %s guest", levels,
			       c.d->pae ? "PAE" : "64-bit");
	idx = mfn_to_idx(h, mfn);
	if (idx == UINT64_MAX || h->owner[idx] != slot_of(h, c.d))
		return xb_fail(e, XB_EHV, "pin: root mfn %#" PRIx64
			       " is not a frame of dom %u", mfn, domid);
	rc = pin_table(&c, idx, levels);
	/* A frame cannot be a page table and writable at once. */
	for (size_t i = 0; rc == 0 && i < c.nw; i++)
		if (h->type[c.writable[i]] != T_NONE)
			rc = xb_fail(e, XB_EHV, "pin: page-table frame mfn %#"
				     PRIx64 " (L%u) is mapped writable",
				     idx_to_mfn(h, c.writable[i]),
				     h->type[c.writable[i]]);
	/* ... nor mapped by the builder (its mapping is writable). */
	for (unsigned m = 0; rc == 0 && m < h->nmaps; m++)
		for (size_t j = 0; rc == 0 && j < h->maps[m].n; j++)
			if (h->type[h->maps[m].idx[j]] != T_NONE)
				rc = xb_fail(e, XB_EHV, "pin: page-table frame mfn %#"
					     PRIx64 " is still mapped by the builder",
					     idx_to_mfn(h, h->maps[m].idx[j]));
	free(c.writable);
	if (rc < 0) {
		/* Xen undoes the partial validation. */
		for (uint64_t i = 0; i < h->next_idx; i++)
			if (h->owner[i] == slot_of(h, c.d))
				h->type[i] = T_NONE;
		return rc;
	}
	c.d->pinned = true;
	c.d->root_mfn = mfn;
	c.d->pinned_tables = c.tables;
	return 0;
}

static int sim_shared_info_mfn(struct hv *hv, uint32_t domid, uint64_t *mfn,
			       struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if ((rc = enter(h, "shared_info_mfn", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "shared_info_mfn", e)))
		return -XB_EHV;
	*mfn = idx_to_mfn(h, d->shinfo_idx);
	return 0;
}

static int sim_hypercall_init(struct hv *hv, uint32_t domid, uint64_t mfn,
			      struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	uint64_t idx;
	int rc;

	if ((rc = enter(h, "hypercall_init", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "hypercall_init", e)))
		return -XB_EHV;
	idx = mfn_to_idx(h, mfn);
	if (idx == UINT64_MAX || h->owner[idx] != slot_of(h, d))
		return xb_fail(e, XB_EHV, "hypercall_init: mfn %#" PRIx64
			       " is not a frame of dom %u", mfn, domid);
	/* Xen writes 32-byte stubs; the sim writes a recognisable fill. */
	memset(h->pool + (idx << XB_PAGE_SHIFT), 0xcc, XB_PAGE_SIZE);
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

	if ((rc = enter(h, "set_vcpu", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "set_vcpu", e)))
		return -XB_EHV;
	if (vcpu != 0)
		return xb_fail(e, XB_EHV, "set_vcpu: vcpu %u", vcpu);
	if (!d->pinned || v->cr3_mfn != d->root_mfn)
		return xb_fail(e, XB_EHV, "set_vcpu: cr3 mfn %#" PRIx64
			       " is not the pinned root", v->cr3_mfn);
	if (v->is64 == d->pae || !canonical(v->rip) || !canonical(v->rsp))
		return xb_fail(e, XB_EHV, "set_vcpu: bad context (rip %#" PRIx64
			       ", rsp %#" PRIx64 ")", v->rip, v->rsp);
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

	if ((rc = enter(h, "seed_grants", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "seed_grants", e)))
		return -XB_EHV;
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
	if ((rc = enter(h, "evtchn_alloc", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "evtchn_alloc", e)))
		return -XB_EHV;
	*port = d->next_port++;
	return 0;
}

static int sim_unpause(struct hv *hv, uint32_t domid, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if ((rc = enter(h, "unpause", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "unpause", e)))
		return -XB_EHV;
	if (!d->has_vcpu)
		return xb_fail(e, XB_EHV, "unpause: vcpu 0 has no context");
	d->running = true;
	return 0;
}

static int sim_destroy(struct hv *hv, uint32_t domid, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc, slot;

	if ((rc = enter(h, "destroy", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "destroy", e)))
		return -XB_EHV;
	slot = slot_of(h, d);
	for (uint64_t i = 0; i < h->next_idx; i++)
		if (h->owner[i] == slot) {
			h->owner[i] = -1;
			h->type[i] = T_NONE;
		}
	d->used = false;
	return 0;
}

static struct xs_ent *xs_find(struct sim *h, const char *path)
{
	for (size_t i = 0; i < h->nxs; i++)
		if (!strcmp(h->xs[i].path, path))
			return &h->xs[i];
	return NULL;
}

static int sim_xs_read(struct hv *hv, const char *path, char **value,
		       struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct xs_ent *x;
	int rc;

	if ((rc = enter(h, "xs_read", e)) < 0)
		return rc;
	if (!(x = xs_find(h, path)))
		return -XB_EHV;
	if (!(*value = strdup(x->value)))
		return xb_fail(e, XB_EINTERNAL, "xs_read: out of memory");
	return 0;
}

static int sim_xs_dir(struct hv *hv, const char *path, char ***names,
		      unsigned *n, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	size_t len = strlen(path), count = 0, bytes = 0;
	const char **kids = NULL;
	char **out, *str;
	int rc;

	*names = NULL;
	*n = 0;
	if ((rc = enter(h, "xs_dir", e)) < 0)
		return rc;
	if (h->nxs && !(kids = calloc(h->nxs, sizeof(*kids))))
		return xb_fail(e, XB_EINTERNAL, "xs_dir: out of memory");
	/* Distinct first components below path/. */
	for (size_t i = 0; i < h->nxs; i++) {
		const char *p = h->xs[i].path, *k;
		size_t kl;
		bool seen = false;

		if (strncmp(p, path, len) || p[len] != '/')
			continue;
		k = p + len + 1;
		kl = strcspn(k, "/");
		for (size_t j = 0; j < count && !seen; j++)
			seen = !strncmp(kids[j], k, kl) && (kids[j][kl] == '/' || !kids[j][kl]);
		if (!seen && kl) {
			kids[count++] = k;
			bytes += kl + 1;
		}
	}
	if (!count && !xs_find(h, path)) {
		free(kids);
		return -XB_EHV;
	}
	out = malloc(count * sizeof(*out) + bytes + 1);
	if (!out) {
		free(kids);
		return xb_fail(e, XB_EINTERNAL, "xs_dir: out of memory");
	}
	str = (char *)(out + count);
	for (size_t j = 0; j < count; j++) {
		size_t kl = strcspn(kids[j], "/");

		out[j] = str;
		memcpy(str, kids[j], kl);
		str[kl] = '\0';
		str += kl + 1;
	}
	free(kids);
	*names = out;
	*n = (unsigned)count;
	return 0;
}

static int sim_xs_write(struct hv *hv, const char *path, const char *value,
			const char *perms, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct hv_perm pp[HV_PERMS_MAX];
	struct xs_ent *x, *nv;
	size_t np;
	int rc;

	if ((rc = enter(h, "xs_write", e)) < 0)
		return rc;
	if (path[0] != '/')
		return xb_fail(e, XB_EHV, "xs_write %s: not an absolute path", path);
	if (!perms || hv_perms_parse(perms, pp, &np, e) < 0)
		return xb_fail(e, XB_EINTERNAL, "xs_write %s: bad perms", path);
	if (!(x = xs_find(h, path))) {
		nv = realloc(h->xs, (h->nxs + 1) * sizeof(*nv));
		if (!nv)
			return xb_fail(e, XB_EINTERNAL, "xs_write: out of memory");
		h->xs = nv;
		x = &h->xs[h->nxs++];
		memset(x, 0, sizeof(*x));
		x->path = strdup(path);
	}
	free(x->value);
	free(x->perms);
	x->value = strdup(value);
	x->perms = strdup(perms);
	if (!x->path || !x->value || !x->perms)
		return xb_fail(e, XB_EINTERNAL, "xs_write: out of memory");
	return 0;
}

static int sim_xs_rm(struct hv *hv, const char *path, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	size_t len = strlen(path);
	int rc;

	if ((rc = enter(h, "xs_rm", e)) < 0)
		return rc;
	for (size_t i = 0; i < h->nxs;) {
		const char *p = h->xs[i].path;

		if (!strncmp(p, path, len) && (p[len] == '\0' || p[len] == '/')) {
			free(h->xs[i].path);
			free(h->xs[i].value);
			free(h->xs[i].perms);
			h->xs[i] = h->xs[--h->nxs];
		} else {
			i++;
		}
	}
	return 0;
}

static int sim_xs_introduce(struct hv *hv, uint32_t domid, uint64_t store_mfn,
			    uint32_t store_evtchn, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if ((rc = enter(h, "xs_introduce", e)) < 0)
		return rc;
	if (!(d = need_dom(h, domid, "xs_introduce", e)))
		return -XB_EHV;
	if (!store_evtchn || mfn_to_idx(h, store_mfn) == UINT64_MAX ||
	    h->owner[mfn_to_idx(h, store_mfn)] != slot_of(h, d))
		return xb_fail(e, XB_EHV, "xs_introduce(dom %u): bad store mfn %#"
			       PRIx64 " or port %u", domid, store_mfn, store_evtchn);
	d->introduced = true;
	return 0;
}

static void sim_close(struct hv *hv)
{
	struct sim *h = sim_of(hv);
	if (!h)
		return;
	while (h->nmaps) {
		free(h->maps[h->nmaps - 1].addr);
		free(h->maps[h->nmaps - 1].idx);
		h->nmaps--;
	}
	for (size_t i = 0; i < h->nxs; i++) {
		free(h->xs[i].path);
		free(h->xs[i].value);
		free(h->xs[i].perms);
	}
	free(h->xs);
	munmap(h->pool, SIM_CAP << XB_PAGE_SHIFT);
	munmap(h->owner, SIM_CAP * sizeof(*h->owner));
	munmap(h->type, SIM_CAP);
	free(h);
}

static const struct hv_ops sim_ops = {
	.name = "sim",
	.caps = sim_caps,
	.domain_create = sim_domain_create,
	.set_max_mem = sim_set_max_mem,
	.populate = sim_populate,
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
	.xs_read = sim_xs_read,
	.xs_dir = sim_xs_dir,
	.xs_write = sim_xs_write,
	.xs_rm = sim_xs_rm,
	.xs_introduce = sim_xs_introduce,
	.close = sim_close,
};

static void *sparse(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

int hv_sim_open(const struct hv_sim_opts *o, struct hv **hv, struct xb_err *e)
{
	struct sim *h = calloc(1, sizeof(*h));
	uint64_t inv = 1;

	if (!h)
		return xb_fail(e, XB_EINTERNAL, "sim: out of memory");
	if (o)
		h->o = *o;
	h->pool = sparse(SIM_CAP << XB_PAGE_SHIFT);
	h->owner = sparse(SIM_CAP * sizeof(*h->owner));
	h->type = sparse(SIM_CAP);
	if (!h->pool || !h->owner || !h->type) {
		if (h->pool)
			munmap(h->pool, SIM_CAP << XB_PAGE_SHIFT);
		if (h->owner)
			munmap(h->owner, SIM_CAP * sizeof(*h->owner));
		if (h->type)
			munmap(h->type, SIM_CAP);
		free(h);
		return xb_fail(e, XB_EINTERNAL,
			       "sim: cannot reserve guest memory");
	}
	/* owner[] starts at 0 (zero pages): frames are handed out in order
	 * and owner is set for each, so untouched entries are never read. */
	/* Inverse of SIM_MUL mod 2^64 by Newton's iteration. */
	for (int i = 0; i < 6; i++)
		inv *= 2 - SIM_MUL * inv;
	h->mul_inv = inv;
	h->next_domid = 1;
	h->hv.ops = &sim_ops;
	*hv = &h->hv;
	return 0;
}

void *hv_sim_frame(struct hv *hv, uint64_t mfn)
{
	struct sim *h = sim_of(hv);
	uint64_t idx = mfn_to_idx(h, mfn);

	return idx == UINT64_MAX ? NULL : h->pool + (idx << XB_PAGE_SHIFT);
}

int hv_sim_owner(struct hv *hv, uint64_t mfn)
{
	struct sim *h = sim_of(hv);
	uint64_t idx = mfn_to_idx(h, mfn);

	if (idx == UINT64_MAX || h->owner[idx] < 0 ||
	    !h->doms[h->owner[idx]].used)
		return -1;
	return (int)h->doms[h->owner[idx]].domid;
}

const struct hv_vcpu *hv_sim_vcpu(struct hv *hv, uint32_t domid)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d = dom_of(h, domid);

	return d && d->has_vcpu ? &d->vcpu : NULL;
}

const char *hv_sim_xs(struct hv *hv, const char *path, const char **perms)
{
	struct sim *h = sim_of(hv);
	struct xs_ent *x = xs_find(h, path);

	if (perms)
		*perms = x ? x->perms : NULL;
	return x ? x->value : NULL;
}

size_t hv_sim_xs_count(struct hv *hv, const char *prefix)
{
	struct sim *h = sim_of(hv);
	size_t n = 0, len = strlen(prefix);

	for (size_t i = 0; i < h->nxs; i++)
		n += !strncmp(h->xs[i].path, prefix, len);
	return n;
}

void hv_sim_stats(struct hv *hv, struct hv_sim_stats *s)
{
	struct sim *h = sim_of(hv);
	const struct sim_dom *last = NULL;

	memset(s, 0, sizeof(*s));
	s->calls = h->calls;
	s->mappings = h->nmaps;
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
		memcpy(s->grant_frame, last->grant_frame, sizeof(s->grant_frame));
		memcpy(s->grant_domid, last->grant_domid, sizeof(s->grant_domid));
	}
	snprintf(s->last_op, sizeof(s->last_op), "%s", h->last_op);
}

const char *hv_sim_call_name(struct hv *hv, unsigned k)
{
	struct sim *h = sim_of(hv);
	return k >= 1 && k <= h->calls && k <= SIM_MAX_CALLS ?
	       h->call_names[k - 1] : NULL;
}
