/*
 * pagetable.c - bootstrap page tables (DESIGN.md: root first, then each
 * lower level; L1 entries present|rw|accessed, without rw for frames that
 * hold page tables; upper levels present|rw|accessed|dirty|user; PAE L3
 * entries present only).
 */
#include "pagetable.h"

#include <inttypes.h>

static uint64_t umax(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}
static uint64_t umin(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Is pfn one of the page-table frames of any map? */
static bool is_pt_frame(const struct layout *l, uint64_t pfn)
{
	for (unsigned m = 0; m < l->nmaps; m++) {
		const struct pt_map *map = &l->maps[m];
		uint64_t s = map->lvls[l->gp->levels - 1].pfn;

		if (pfn >= s && pfn < s + map->pgtables)
			return true;
	}
	return false;
}

static uint64_t prot_of(const struct layout *l, unsigned lv, uint64_t pfn)
{
	uint64_t prot = l->gp->lvl_prot[lv];

	if (lv == 0 && is_pt_frame(l, pfn))
		prot &= ~PT_RW;
	return prot;
}

/*
 * For level lv (0 = L1) of every map, the tables of map m1 hold entries
 * for the lower-level tables (or, at L1, the pages) of every map m2 that
 * falls in their range.
 */
int pt_write(const struct layout *l, pt_mfn_fn mfn, pt_frame_fn frame,
	     void *ctx, struct xb_err *e)
{
	const struct guest_params *gp = l->gp;

	for (int lv = (int)gp->levels - 1; lv >= 0; lv--) {
		unsigned shift = XB_PAGE_SHIFT + (unsigned)lv * PT_LEVEL_SHIFT;

		for (unsigned m1 = 0; m1 < l->nmaps; m1++) {
			const struct pt_level *own = &l->maps[m1].lvls[lv];
			uint64_t from = own->from, to = own->to;

			for (unsigned m2 = 0; m2 < l->nmaps; m2++) {
				const struct pt_map *map2 = &l->maps[m2];
				uint64_t lfrom, lto, lpfn, p, p_s, p_e, pfn;

				if (lv > 0) {
					if (!map2->lvls[lv - 1].pgtables)
						continue;
					lfrom = map2->lvls[lv - 1].from;
					lto = map2->lvls[lv - 1].to;
					lpfn = map2->lvls[lv - 1].pfn;
				} else {
					lfrom = map2->from;
					lto = map2->to;
					lpfn = map2->pfn;
				}
				if (lfrom >= to || lto <= from)
					continue;
				p_s = (umax(from, lfrom) - from) >> shift;
				p_e = (umin(to, lto) - from) >> shift;
				pfn = ((umax(from, lfrom) - lfrom) >> shift) +
				      lpfn;
				for (p = p_s; p <= p_e; p++, pfn++) {
					/* Entry p of table number p / 512. */
					uint64_t tpfn = own->pfn +
							(p >> PT_LEVEL_SHIFT);
					uint64_t *tab = frame(ctx, tpfn), m;
					int rc;

					if (!tab || pfn >= l->nr_pages)
						return xb_fail(
							e, XB_EINTERNAL,
							"page tables: no frame for pfn %#" PRIx64
							" (level %d entry %" PRIu64
							")",
							tab ? pfn : tpfn,
							lv + 1, p);
					if ((rc = mfn(ctx, pfn, &m)) < 0)
						return rc;
					tab[p & 511] =
						(m << XB_PAGE_SHIFT) |
						prot_of(l, (unsigned)lv, pfn);
				}
			}
		}
	}
	return 0;
}

int pt_walk(unsigned levels, uint64_t root_mfn, uint64_t va, pt_mframe_fn frame,
	    void *ctx, uint64_t *pte)
{
	uint64_t mfn = root_mfn, rw = PT_RW, ent = 0;

	for (int lv = (int)levels - 1; lv >= 0; lv--) {
		const uint64_t *tab = frame(ctx, mfn);
		unsigned shift = XB_PAGE_SHIFT + (unsigned)lv * PT_LEVEL_SHIFT;
		unsigned idx = (unsigned)(va >> shift) & 511;

		if (levels == 3 && lv == 2)
			idx &= 3; /* PAE: 4 L3 entries */
		if (!tab)
			return -1;
		ent = tab[idx];
		if (!(ent & PT_PRESENT) || (lv > 0 && (ent & PT_PSE)))
			return -1;
		/* PAE L3 entries have no RW bit; it does not restrict. */
		if (!(levels == 3 && lv == 2))
			rw &= ent;
		mfn = (ent & PT_ADDR_MASK) >> XB_PAGE_SHIFT;
	}
	*pte = (ent & ~PT_RW) | (rw & PT_RW);
	return 0;
}
