/*
 * sim_pin.c - the checks Xen makes when it validates a pinned root table
 * (MMUEXT_PIN_L4_TABLE / MMUEXT_PIN_L3_TABLE, xen/arch/x86/mm.c): every
 * table reachable from the root is a frame the domain owns, no frame is
 * used at two levels, no superpage entries, no reserved bits, no
 * page-table frame is mapped writable by an L1 entry, and none is still
 * mapped by the builder.  Afterwards a page-table frame can no longer be
 * mapped (sim_mem.c); a refused pin leaves no frame typed.
 *
 * Memory stays small at any guest size: writable L1 targets are kept as
 * ranges of consecutive frames (an L1 of the p2m mapping is one range).
 */
#include "sim_int.h"

#include <inttypes.h>
#include <stdlib.h>

#include "../x86.h"

struct pin_ctx {
	struct sim *h;
	struct sim_dom *d;
	unsigned levels;
	struct xb_err *e;
	/* frames L1 entries map writable, as [from, to) ranges */
	struct sim_range *rw;
	size_t nrw, caprw;
	/* the tables validated by this pin, in order */
	uint64_t *tabs;
	size_t ntabs, captabs;
};

/* Append to a growable array of elements of size sz. */
static int grow(void **v, size_t *n, size_t *cap, size_t sz)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		void *nv = realloc(*v, nc * sz);

		if (!nv)
			return -1;
		*v = nv;
		*cap = nc;
	}
	return 0;
}

static int add_writable(struct pin_ctx *c, uint64_t idx)
{
	if (c->nrw && c->rw[c->nrw - 1].to == idx) {
		c->rw[c->nrw - 1].to++;
		return 0;
	}
	if (grow((void **)&c->rw, &c->nrw, &c->caprw, sizeof(*c->rw)) < 0)
		return xb_fail(c->e, XB_EINTERNAL, "pin: out of memory");
	c->rw[c->nrw++] = (struct sim_range){ idx, idx + 1 };
	return 0;
}

/* Validate the table at idx as level lv (1-based), recursively. */
static int pin_table(struct pin_ctx *c, uint64_t idx, unsigned lv)
{
	struct sim *h = c->h;
	struct sim_frame *f = sim_frame_find(h, idx);
	unsigned nent = (c->levels == 3 && lv == 3) ? 4 : 512;
	uint64_t tab[512];

	if (f && f->type == lv)
		return 0; /* shared table, validated already */
	if (f && f->type != T_NONE)
		return xb_fail(c->e, XB_EHV,
			       "pin: mfn %#" PRIx64
			       " used as L%u and L%u table",
			       sim_idx_to_mfn(idx), f->type, lv);
	if (!sim_frame_read(h, idx, tab))
		return xb_fail(c->e, XB_EHV,
			       "pin: L%u table mfn %#" PRIx64
			       ": its bytes were not kept (the lean simulator "
			       "keeps only frames mapped as HV_MAP_BOOT)",
			       lv, sim_idx_to_mfn(idx));
	if (!(f = sim_frame_get(h, idx)) ||
	    grow((void **)&c->tabs, &c->ntabs, &c->captabs, sizeof(*c->tabs)) <
		    0)
		return xb_fail(c->e, XB_EINTERNAL, "pin: out of memory");
	f->type = (uint8_t)lv;
	c->tabs[c->ntabs++] = idx;
	for (unsigned i = 0; i < nent; i++) {
		uint64_t ent = tab[i], mfn, tidx;

		if (!(ent & PT_PRESENT))
			continue;
		mfn = (ent & PT_ADDR_MASK) >> XB_PAGE_SHIFT;
		tidx = sim_mfn_to_idx(h, mfn);
		if (tidx == UINT64_MAX ||
		    sim_owner_of(h, tidx) != sim_slot(h, c->d))
			return xb_fail(c->e, XB_EHV,
				       "pin: L%u entry %u of mfn %#" PRIx64
				       " points at mfn %#" PRIx64
				       ", not a frame of the domain",
				       lv, i, sim_idx_to_mfn(idx), mfn);
		if (lv > 1 && (ent & PT_PSE))
			return xb_fail(c->e, XB_EHV,
				       "pin: L%u entry %u is a superpage", lv,
				       i);
		if (ent & 0x7ff0000000000000ULL)
			return xb_fail(
				c->e, XB_EHV,
				"pin: L%u entry %u has reserved bits (%#" PRIx64
				")",
				lv, i, ent);
		if (lv > 1) {
			int rc = pin_table(c, tidx, lv - 1);

			if (rc < 0)
				return rc;
		} else if (ent & PT_RW) {
			int rc = add_writable(c, tidx);

			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct sim_range *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* Is idx inside one of the n ranges r, sorted and disjoint? */
static bool in_ranges(const struct sim_range *r, size_t n, uint64_t idx)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first range starting above idx */
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].from <= idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && idx < r[lo - 1].to;
}

/* Merge the sorted ranges r in place; returns how many are left. */
static size_t merge(struct sim_range *r, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k && r[i].from <= r[k - 1].to) {
			if (r[i].to > r[k - 1].to)
				r[k - 1].to = r[i].to;
		} else {
			r[k++] = r[i];
		}
	}
	return k;
}

int sim_pin_root(struct hv *hv, uint32_t domid, unsigned levels, uint64_t mfn,
		 struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct pin_ctx c = { .h = h, .levels = levels, .e = e };
	int rc;

	if (!(c.d = sim_enter_dom(h, domid, "pin_root", &rc, e)))
		return rc;
	if (levels != (c.d->pae ? 3u : 4u))
		return xb_fail(e, XB_EHV, "pin: L%u root for a %s guest",
			       levels, c.d->pae ? "PAE" : "64-bit");
	if (!sim_owns(h, c.d, mfn))
		return xb_fail(e, XB_EHV,
			       "pin: root mfn %#" PRIx64
			       " is not a frame of dom %u",
			       mfn, domid);
	rc = pin_table(&c, sim_mfn_to_idx(h, mfn), levels);
	/* A frame cannot be a page table and writable at once. */
	if (rc == 0 && c.nrw) {
		qsort(c.rw, c.nrw, sizeof(*c.rw), cmp_range);
		c.nrw = merge(c.rw, c.nrw);
	}
	for (size_t i = 0; rc == 0 && i < c.ntabs; i++)
		if (in_ranges(c.rw, c.nrw, c.tabs[i]))
			rc = xb_fail(e, XB_EHV,
				     "pin: page-table frame mfn %#" PRIx64
				     " (L%u) is mapped writable",
				     sim_idx_to_mfn(c.tabs[i]),
				     sim_frame_find(h, c.tabs[i])->type);
	/* ... nor mapped by the builder (its mapping is writable). */
	for (unsigned m = 0; rc == 0 && m < h->nmaps; m++)
		for (size_t j = 0; rc == 0 && j < h->maps[m].n; j++) {
			uint64_t idx = sim_map_idx(&h->maps[m], j);
			const struct sim_frame *f = sim_frame_find(h, idx);

			if (f && f->type != T_NONE)
				rc = xb_fail(e, XB_EHV,
					     "pin: page-table frame mfn %#" PRIx64
					     " is still mapped by the builder",
					     sim_idx_to_mfn(idx));
		}
	if (rc < 0) {
		/* Xen undoes the partial validation. */
		for (size_t i = 0; i < c.ntabs; i++) {
			struct sim_frame *f = sim_frame_find(h, c.tabs[i]);

			if (f)
				f->type = T_NONE;
		}
	} else {
		c.d->pinned = true;
		c.d->root_mfn = mfn;
		c.d->pinned_tables = c.ntabs;
	}
	free(c.rw);
	free(c.tabs);
	return rc;
}
