/*
 * layout.c - the start-of-day layout of a PV guest (DESIGN.md), as a pure
 * function.  The order and arithmetic follow the reference builder
 * (libxenguest 4.17) so that a guest sees the same pfns and addresses
 * whichever builder made it:
 *   kernel (after padding from virt_base), mapped initrd, classic p2m,
 *   start_info, xenstore, console, page tables, boot stack, padding to
 *   virt_pgtab_end, unmapped initrd (MOD_START_PFN), INIT_P2M list + its
 *   own page tables.
 */
#include "layout.h"

#include <inttypes.h>
#include <string.h>

#include "../x86.h"

/* Allocation state while the layout is being laid out. */
struct alloc {
	struct layout *l;
	struct xb_err *e;
	uint64_t max_mapping; /* layout_in.max_mapping */
};

static int too_small(struct alloc *a, const char *what, uint64_t pages)
{
	const struct layout *l = a->l;

	return xb_fail(a->e, XB_EINPUT,
		       "memory too small: %s needs %" PRIu64
		       " pages at pfn %#" PRIx64 ", but the guest has %" PRIu64
		       " pages (%" PRIu64 " MiB); "
		       "raise memory",
		       what, pages, l->pfn_alloc_end, l->nr_pages,
		       l->nr_pages >> (20 - XB_PAGE_SHIFT));
}

/* Take pages from the allocation front (libxenguest's chk_alloc_pages). */
static int take_pages(struct alloc *a, const char *what, uint64_t pages)
{
	struct layout *l = a->l;
	uint64_t va;

	if (l->pfn_alloc_end > l->nr_pages ||
	    pages > l->nr_pages - l->pfn_alloc_end)
		return too_small(a, what, pages);
	/* Past the start-of-day mapping (unmapped initrd, INIT_P2M list)
	 * virtual addresses do not matter: only pfns are handed out. */
	if (pages > (UINT64_MAX >> XB_PAGE_SHIFT) ||
	    (xb_add_ovf(l->virt_alloc_end, pages << XB_PAGE_SHIFT, &va) &&
	     !(l->virt_pgtab_end && l->virt_alloc_end >= l->virt_pgtab_end)))
		return xb_fail(a->e, XB_EINPUT,
			       "%s: %" PRIu64 " pages at %#" PRIx64
			       " run past the end of the address space",
			       what, pages, l->virt_alloc_end);
	l->pfn_alloc_end += pages;
	l->virt_alloc_end = va;
	return 0;
}

/* Pad the allocation front up to the virtual address boundary. */
static int pad_to(struct alloc *a, const char *what, uint64_t boundary)
{
	struct layout *l = a->l;

	if (boundary & XB_PAGE_MASK)
		return xb_fail(a->e, XB_EINPUT,
			       "%s: start %#" PRIx64 " is not page aligned",
			       what, boundary);
	if (boundary < l->virt_alloc_end)
		return xb_fail(a->e, XB_EINPUT,
			       "%s: start %#" PRIx64
			       " lies below the allocation front %#" PRIx64,
			       what, boundary, l->virt_alloc_end);
	/* Padding from virt_base alone larger than the guest: the cause is
	 * where the kernel lies, not (only) how much memory there is. */
	if (l->pfn_alloc_end == 0 &&
	    (boundary - l->virt_alloc_end) >> XB_PAGE_SHIFT >= l->nr_pages)
		return xb_fail(a->e, XB_EINPUT,
			       "%s starts at %#" PRIx64 ", %" PRIu64
			       " bytes (%" PRIu64
			       " MiB) above VIRT_BASE %#" PRIx64
			       ": the pfns below it "
			       "are padding, %" PRIu64
			       " pages, and the guest has %" PRIu64
			       " pages (%" PRIu64
			       " MiB); check the kernel's VIRT_BASE "
			       "(and PADDR_OFFSET) notes, or raise memory",
			       what, boundary, boundary - l->virt_alloc_end,
			       (boundary - l->virt_alloc_end) >> 20,
			       l->virt_alloc_end,
			       (boundary - l->virt_alloc_end) >> XB_PAGE_SHIFT,
			       l->nr_pages,
			       l->nr_pages >> (20 - XB_PAGE_SHIFT));
	return take_pages(a, what,
			  (boundary - l->virt_alloc_end) >> XB_PAGE_SHIFT);
}

/* A segment of len bytes at the allocation front; vstart pads first. */
static int alloc_seg(struct alloc *a, struct layout_seg *s, const char *what,
		     uint64_t vstart, uint64_t len)
{
	struct layout *l = a->l;
	uint64_t pages;
	int rc;

	if (vstart && (rc = pad_to(a, what, vstart)) < 0)
		return rc;
	if (len > UINT64_MAX - XB_PAGE_MASK)
		return xb_fail(a->e, XB_EINPUT,
			       "%s: size %#" PRIx64 " too large", what, len);
	pages = xb_pages(len);
	s->vstart = l->virt_alloc_end;
	s->pfn = l->pfn_alloc_end;
	if ((rc = take_pages(a, what, pages)) < 0)
		return rc;
	s->pages = pages;
	s->vend = l->virt_alloc_end;
	return 0;
}

static int alloc_page(struct alloc *a, struct layout_seg *s, const char *what)
{
	return alloc_seg(a, s, what, 0, XB_PAGE_SIZE);
}

/*
 * Count the page tables that map [from, to] (inclusive) with pfn at from,
 * sharing upper-level tables with the maps already made (libxenguest's
 * count_pgtables).  Tables are numbered from the allocation front: root
 * first (first map only), then each lower level.
 */
static int count_pgtables(struct alloc *a, uint64_t from, uint64_t to,
			  uint64_t pfn)
{
	struct layout *l = a->l;
	const struct guest_params *gp = l->gp;
	struct pt_map *map;
	uint64_t pfn_end;

	if (l->nmaps == XB_PT_MAX_MAPS)
		return xb_fail(a->e, XB_EINTERNAL, "layout: too many mappings");
	map = &l->maps[l->nmaps];

	pfn_end = pfn + ((to - from) >> XB_PAGE_SHIFT);
	if (pfn_end < pfn || pfn_end >= l->nr_pages)
		return xb_fail(a->e, XB_EINPUT,
			       "memory too small: the initial mapping %#" PRIx64
			       "-%#" PRIx64 " needs pfns up to %#" PRIx64
			       " but the guest has %" PRIu64 " pages (%" PRIu64
			       " MiB); raise memory",
			       from, to, pfn_end, l->nr_pages,
			       l->nr_pages >> (20 - XB_PAGE_SHIFT));
	/* Earlier maps hold canonical-less (vaddr_mask) addresses: compare
	 * this one the same way, or an upper-half kernel's mapping is never
	 * seen.  Both ends are inclusive. */
	for (unsigned m = 0; m < l->nmaps; m++)
		if ((from & gp->vaddr_mask) <= l->maps[m].to &&
		    (to & gp->vaddr_mask) >= l->maps[m].from)
			return xb_fail(a->e, XB_EINPUT,
				       "INIT_P2M area %#" PRIx64 "-%#" PRIx64
				       " overlaps the start-of-day mapping",
				       from, to);

	memset(map, 0, sizeof(*map));
	map->from = from & gp->vaddr_mask;
	map->to = to & gp->vaddr_mask;

	for (int lv = (int)gp->levels - 1; lv >= 0; lv--) {
		struct pt_level *pl = &map->lvls[lv];
		unsigned bits;
		uint64_t mask;

		pl->pfn = l->pfn_alloc_end + map->pgtables;
		if (lv == (int)gp->levels - 1) {
			/* One root, owned by the first map. */
			if (l->nmaps == 0) {
				pl->from = 0;
				pl->to = gp->vaddr_mask;
				pl->pgtables = 1;
				map->pgtables++;
			}
			continue;
		}
		bits = XB_PAGE_SHIFT + (unsigned)(lv + 1) * PT_LEVEL_SHIFT;
		mask = xb_mask_bits(bits);
		pl->from = map->from & ~mask;
		pl->to = map->to | mask;
		/* PAE: Xen needs the L2 of L3 slot 3 (its own mappings live
		 * there), so the first map always covers it. */
		if (gp->levels == 3 && l->nmaps == 0 && to < 0xc0000000ULL &&
		    lv == 1)
			pl->to = gp->vaddr_mask;

		/* Drop what an earlier map's tables already cover. */
		for (unsigned m = 0; m < l->nmaps; m++) {
			const struct pt_level *o = &l->maps[m].lvls[lv];

			if (o->from == o->to)
				continue;
			if (pl->from >= o->from && pl->to <= o->to) {
				pl->from = pl->to = 0;
				break;
			}
			if (pl->from >= o->from && pl->from <= o->to)
				pl->from = o->to + 1;
			if (pl->to >= o->from && pl->to <= o->to)
				pl->to = o->from - 1;
		}
		if (pl->from < pl->to)
			pl->pgtables = ((pl->to - pl->from) >> bits) + 1;
		map->pgtables += pl->pgtables;
	}
	return 0;
}

/* Page tables of the start-of-day region: iterate until the count settles
 * on a 4 MiB boundary with 512 KiB + boot stack free after them. */
static int alloc_pgtables(struct alloc *a)
{
	struct layout *l = a->l;
	const uint64_t extra = 1 + (512 * 1024) / XB_PAGE_SIZE;
	uint64_t pages = extra, try_end = 0;
	int rc;

	for (int iter = 0; iter < 64; iter++) {
		uint64_t end;

		if (xb_add_ovf(l->virt_alloc_end, pages << XB_PAGE_SHIFT, &end))
			goto wrap;
		try_end = end |
			  xb_mask_bits(22); /* last byte, 4 MiB aligned end */
		if (try_end == UINT64_MAX)
			goto wrap;
		if ((rc = count_pgtables(a, l->virt_base, try_end, 0)) < 0)
			return rc;
		pages = l->maps[0].pgtables + extra;
		if (l->virt_alloc_end + (pages << XB_PAGE_SHIFT) <= try_end + 1)
			break;
		if (iter == 63)
			return xb_fail(
				a->e, XB_EINTERNAL,
				"layout: page-table count does not settle");
	}
	l->maps[0].pfn = 0;
	l->nmaps = 1;
	l->virt_pgtab_end = try_end + 1;
	return alloc_seg(a, &l->pgtables, "page tables", 0,
			 l->maps[0].pgtables << XB_PAGE_SHIFT);
wrap:
	return xb_fail(a->e, XB_EINPUT,
		       "the start-of-day mapping from %#" PRIx64
		       " runs past the end of the address space",
		       l->virt_base);
}

/* Guest-usable virtual address space (x86.h). */

/* Exclusive end of the usable range that holds va, 0 standing for 2^64;
 * va itself when va is not usable. */
static uint64_t usable_end(const struct guest_params *gp, uint64_t va)
{
	if (va < gp->low_end)
		return gp->low_end;
	return gp->high_start && va >= gp->high_start ? 0 : va;
}

/* p2m list: classic (inside the mapping) or INIT_P2M (own tables). */
static int alloc_p2m(struct alloc *a)
{
	struct layout *l = a->l;
	uint64_t size = l->nr_pages * l->gp->pfn_size;

	size = (size + XB_PAGE_MASK) & ~XB_PAGE_MASK;
	if (l->p2m_base == XB_UNSET) {
		uint64_t top = usable_end(l->gp, l->virt_base);
		uint64_t room = top - l->virt_base; /* top 0: 2^64 */

		/* Classic: the list sits in the start-of-day mapping.  When
		 * it alone cannot fit there, memory is what to change (an
		 * unusable virt_base is check_range's to report). */
		if (a->max_mapping && a->max_mapping < room)
			room = a->max_mapping;
		if (top != l->virt_base && size > room)
			return xb_fail(a->e, XB_EINPUT,
				       "memory %" PRIu64
				       " MiB: its p2m list (%" PRIu64
				       " MiB) does not fit in the start-of-day "
				       "mapping at %#" PRIx64
				       " (the kernel can map %" PRIu64
				       " MiB); use less memory or a kernel "
				       "with INIT_P2M",
				       l->nr_pages >> (20 - XB_PAGE_SHIFT),
				       size >> 20, l->virt_alloc_end,
				       room >> 20);
	} else {
		struct pt_map *map = &l->maps[l->nmaps];
		uint64_t to;
		int rc;

		if (xb_add_ovf(l->p2m_base, size - 1, &to))
			return xb_fail(a->e, XB_EINPUT,
				       "INIT_P2M %#" PRIx64
				       ": p2m list of %#" PRIx64 " bytes wraps",
				       l->p2m_base, size);
		if ((rc = count_pgtables(a, l->p2m_base, to,
					 l->pfn_alloc_end)) < 0)
			return rc;
		map->pfn = l->pfn_alloc_end;
		for (unsigned lv = 0; lv < XB_PT_MAX_LEVELS; lv++)
			map->lvls[lv].pfn += size >> XB_PAGE_SHIFT;
		l->nmaps++;
		size += map->pgtables << XB_PAGE_SHIFT;
	}
	return alloc_seg(a, &l->p2m, "p2m list", 0, size);
}

static int alloc_initrd(struct alloc *a, const struct layout_in *in)
{
	struct layout *l = a->l;
	uint64_t len = in->initrd_len > in->initrd_file_len ?
			       in->initrd_len :
			       in->initrd_file_len;

	return alloc_seg(a, &l->initrd, "initrd", 0, len);
}

/* The address range [start, end) must be one the guest can map. */
static int check_range(struct alloc *a, const char *what, uint64_t start,
		       uint64_t end)
{
	const struct guest_params *gp = a->l->gp;
	uint64_t top = usable_end(gp, start);

	if (top != start && (top == 0 || end <= top))
		return 0;
	if (gp->high_start)
		return xb_fail(a->e, XB_EINPUT,
			       "%s %#" PRIx64 "-%#" PRIx64
			       " is not in guest-usable address space",
			       what, start, end);
	return xb_fail(a->e, XB_EINPUT,
		       "%s %#" PRIx64 "-%#" PRIx64
		       " reaches Xen's area at %#" PRIx64,
		       what, start, end, gp->low_end);
}

int layout_compute(const struct layout_in *in, struct layout *l,
		   struct xb_err *e)
{
	const struct kernel_image *k = in->k;
	struct alloc a = { .l = l, .e = e, .max_mapping = in->max_mapping };
	uint64_t alloc_end;
	int rc;

	memset(l, 0, sizeof(*l));
	l->gp = guest_params_get(k->guest);
	if (!l->gp)
		return xb_fail(e, XB_EINTERNAL, "layout: unknown guest type");
	l->nr_pages = in->nr_pages;
	l->virt_base = k->virt_base;
	l->virt_entry = k->virt_entry;
	l->virt_kstart = k->virt_kstart;
	l->virt_kend = k->virt_kend;
	l->virt_hypercall = k->virt_hypercall;
	l->virt_alloc_end = k->virt_base;
	l->has_initrd = in->has_initrd;
	l->initrd_len = in->has_initrd ? in->initrd_len : 0;

	/* INIT_P2M is honoured when the guest type supports it and the
	 * address is page aligned and below virt_base (libxenguest). */
	l->p2m_base = k->p2m_base;
	if (!l->gp->p2m_base_supported || l->p2m_base >= l->virt_base ||
	    (l->p2m_base & XB_PAGE_MASK))
		l->p2m_base = XB_UNSET;
	l->initrd_unmapped = in->has_initrd && k->notes.mod_start_pfn;

	if (in->nr_pages == 0)
		return xb_fail(e, XB_EINPUT, "memory: 0 pages");

	/* 1. kernel, after padding from virt_base */
	if ((rc = alloc_seg(&a, &l->kernel, "kernel", k->virt_kstart,
			    k->virt_kend - k->virt_kstart)) < 0)
		return rc;
	/* 2. initrd inside the mapping */
	if (l->has_initrd && !l->initrd_unmapped &&
	    (rc = alloc_initrd(&a, in)) < 0)
		return rc;
	/* 3. classic p2m */
	if (l->p2m_base == XB_UNSET && (rc = alloc_p2m(&a)) < 0)
		return rc;
	/* 4. start_info, xenstore, console */
	if ((rc = alloc_page(&a, &l->start_info, "start_info")) < 0 ||
	    (rc = alloc_page(&a, &l->xenstore, "xenstore page")) < 0 ||
	    (rc = alloc_page(&a, &l->console, "console page")) < 0)
		return rc;
	/* 5. page tables, 6. boot stack */
	if ((rc = alloc_pgtables(&a)) < 0 ||
	    (rc = alloc_page(&a, &l->stack, "boot stack")) < 0)
		return rc;
	if ((rc = check_range(&a, "the start-of-day mapping", l->virt_base,
			      l->virt_pgtab_end)) < 0)
		return rc;
	if (in->max_mapping &&
	    l->virt_pgtab_end - l->virt_base > in->max_mapping)
		return xb_fail(e, XB_EINPUT,
			       "the start-of-day mapping needs %" PRIu64
			       " MiB (%#" PRIx64 "-%#" PRIx64
			       "), more than the %" PRIu64
			       " MiB the kernel can map; use less memory "
			       "or a smaller initrd, or a kernel with INIT_P2M "
			       "and MOD_START_PFN",
			       (l->virt_pgtab_end - l->virt_base) >> 20,
			       l->virt_base, l->virt_pgtab_end,
			       in->max_mapping >> 20);
	alloc_end = l->virt_alloc_end;
	/* Everything the tables map must exist. */
	if ((rc = pad_to(&a, "start-of-day mapping", l->virt_pgtab_end)) < 0)
		return rc;
	/* 7. unmapped initrd, 8. INIT_P2M list */
	if (l->initrd_unmapped && (rc = alloc_initrd(&a, in)) < 0)
		return rc;
	if (l->p2m_base != XB_UNSET) {
		if ((rc = alloc_p2m(&a)) < 0)
			return rc;
		if ((rc = check_range(&a, "the INIT_P2M mapping", l->p2m_base,
				      l->p2m_base + (l->p2m.pages
						     << XB_PAGE_SHIFT))) < 0)
			return rc;
		l->p2m.vend = l->p2m_base + (l->p2m.pages << XB_PAGE_SHIFT);
		l->p2m.vstart = l->p2m_base;
	}

	l->virt_alloc_end = alloc_end;

	/* start_info fields */
	l->pt_base = l->pgtables.vstart;
	l->nr_pt_frames = l->maps[0].pgtables;
	l->mfn_list = l->p2m.vstart;
	if (l->p2m_base != XB_UNSET) {
		l->first_p2m_pfn = l->p2m.pfn;
		l->nr_p2m_frames = l->p2m.pages;
	}
	if (l->has_initrd) {
		l->mod_len = l->initrd_len;
		if (l->initrd_unmapped) {
			l->si_flags |= 1u << 3; /* SIF_MOD_START_PFN */
			l->mod_start = l->initrd.pfn;
		} else {
			l->mod_start = l->initrd.vstart;
		}
	}
	return 0;
}
