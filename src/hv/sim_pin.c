/*
 * sim_pin.c - the checks Xen makes when it validates a pinned root table
 * (MMUEXT_PIN_L4_TABLE / MMUEXT_PIN_L3_TABLE, xen/arch/x86/mm.c): every
 * table reachable from the root is a frame the domain owns, no frame is
 * used at two levels, no superpage entries, no reserved bits, no
 * page-table frame is mapped writable by an L1 entry, and none is still
 * mapped by the builder.  Afterwards a page-table frame can no longer be
 * mapped (sim_mem.c); a refused pin leaves no frame typed.
 */
#include "sim_int.h"

#include <inttypes.h>
#include <stdlib.h>

#include "../x86.h"

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
	const uint64_t *tab = (const uint64_t *)sim_frame_at(h, idx);
	unsigned nent = (c->levels == 3 && lv == 3) ? 4 : 512;

	if (h->type[idx] == lv)
		return 0;	/* shared table, validated already */
	if (h->type[idx] != T_NONE)
		return xb_fail(c->e, XB_EHV, "pin: mfn %#" PRIx64
			       " used as L%u and L%u table",
			       sim_idx_to_mfn(h, idx), h->type[idx], lv);
	h->type[idx] = (uint8_t)lv;
	c->tables++;
	for (unsigned i = 0; i < nent; i++) {
		uint64_t ent = tab[i], mfn, tidx;

		if (!(ent & PT_PRESENT))
			continue;
		mfn = (ent & PT_ADDR_MASK) >> XB_PAGE_SHIFT;
		tidx = sim_mfn_to_idx(h, mfn);
		if (tidx == UINT64_MAX || h->owner[tidx] != sim_slot(h, c->d))
			return xb_fail(c->e, XB_EHV,
				       "pin: L%u entry %u of mfn %#" PRIx64
				       " points at mfn %#" PRIx64
				       ", not a frame of the domain",
				       lv, i, sim_idx_to_mfn(h, idx), mfn);
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

int sim_pin_root(struct hv *hv, uint32_t domid, unsigned levels,
		 uint64_t mfn, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct pin_ctx c = { .h = h, .levels = levels, .e = e };
	int rc;

	if ((rc = sim_enter(h, "pin_root", e)) < 0)
		return rc;
	if (!(c.d = sim_need_dom(h, domid, "pin_root", e)))
		return -XB_EHV;
	if (levels != (c.d->pae ? 3u : 4u))
		return xb_fail(e, XB_EHV, "pin: L%u root for a %s guest", levels,
			       c.d->pae ? "PAE" : "64-bit");
	if (!sim_owns(h, c.d, mfn))
		return xb_fail(e, XB_EHV, "pin: root mfn %#" PRIx64
			       " is not a frame of dom %u", mfn, domid);
	rc = pin_table(&c, sim_mfn_to_idx(h, mfn), levels);
	/* A frame cannot be a page table and writable at once. */
	for (size_t i = 0; rc == 0 && i < c.nw; i++)
		if (h->type[c.writable[i]] != T_NONE)
			rc = xb_fail(e, XB_EHV, "pin: page-table frame mfn %#"
				     PRIx64 " (L%u) is mapped writable",
				     sim_idx_to_mfn(h, c.writable[i]),
				     h->type[c.writable[i]]);
	/* ... nor mapped by the builder (its mapping is writable). */
	for (unsigned m = 0; rc == 0 && m < h->nmaps; m++)
		for (size_t j = 0; rc == 0 && j < h->maps[m].n; j++)
			if (h->type[h->maps[m].idx[j]] != T_NONE)
				rc = xb_fail(e, XB_EHV, "pin: page-table frame mfn %#"
					     PRIx64 " is still mapped by the builder",
					     sim_idx_to_mfn(h, h->maps[m].idx[j]));
	free(c.writable);
	if (rc < 0) {
		/* Xen undoes the partial validation. */
		for (uint64_t i = 0; i < h->next_idx; i++)
			if (h->owner[i] == sim_slot(h, c.d))
				h->type[i] = T_NONE;
		return rc;
	}
	c.d->pinned = true;
	c.d->root_mfn = mfn;
	c.d->pinned_tables = c.tables;
	return 0;
}
