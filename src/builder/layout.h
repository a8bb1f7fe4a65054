/*
 * layout.h - the start-of-day layout of a PV guest, computed as a pure
 * function (no hypervisor) from the kernel image, the initrd size and the
 * memory size.  It follows libxenguest 4.17 page for page (DESIGN.md).
 */
#ifndef XB_LAYOUT_H
#define XB_LAYOUT_H

#include "guest.h"

#define XB_PT_MAX_MAPS 2 /* the start-of-day region, the INIT_P2M list */

struct layout_seg {
	uint64_t vstart, vend; /* virtual; vend exclusive */
	uint64_t pfn, pages;
};

/* Page tables of one mapped area: [from, to] inclusive, virtual masked to
 * vaddr_mask; lvls[l] are the tables of level l+1 (0 = L1). */
struct pt_level {
	uint64_t from, to; /* range covered by this level's tables */
	uint64_t pfn; /* first table frame */
	uint64_t pgtables; /* number of tables */
};
struct pt_map {
	uint64_t from, to; /* the mapped virtual area, inclusive */
	uint64_t pfn; /* pfn mapped at from */
	uint64_t pgtables; /* total tables of this map */
	struct pt_level lvls[XB_PT_MAX_LEVELS];
};

struct layout {
	const struct guest_params *gp;
	uint64_t nr_pages; /* total guest pages = p2m size */
	uint64_t virt_base, virt_entry, virt_kstart, virt_kend;
	uint64_t virt_hypercall; /* XB_UNSET when the kernel has none */
	uint64_t p2m_base; /* INIT_P2M address used, XB_UNSET if classic */
	/* virt_alloc_end: end of the boot stack, the last mapped allocation
	 * (what libxenguest logs); virt_pgtab_end: end of the mapped region;
	 * pfn_alloc_end: pfns used in all. */
	uint64_t virt_alloc_end, virt_pgtab_end, pfn_alloc_end;

	struct layout_seg kernel, initrd, p2m, start_info, xenstore, console,
		pgtables, stack;
	bool has_initrd;
	bool initrd_unmapped; /* MOD_START_PFN placement */
	uint64_t initrd_len; /* bytes that will be loaded */

	struct pt_map maps[XB_PT_MAX_MAPS];
	unsigned nmaps;

	/* start_info fields that follow from the layout. */
	uint32_t si_flags;
	uint64_t mod_start, mod_len;
	uint64_t pt_base, nr_pt_frames, mfn_list;
	uint64_t first_p2m_pfn, nr_p2m_frames;
};

struct layout_in {
	const struct kernel_image *k;
	bool has_initrd;
	uint64_t initrd_len; /* bytes to load, after any decompression */
	uint64_t initrd_file_len; /* bytes of the file; the segment spans
				     max(initrd_len, initrd_file_len) as in
				     libxenguest */
	uint64_t nr_pages; /* guest memory in 4 KiB pages */
	/* Largest start-of-day mapping the kernel can take (bytes from
	 * virt_base to virt_pgtab_end); 0 = no limit beyond the address
	 * space.  Linux x86_64 maps at most 1 GiB there. */
	uint64_t max_mapping;
};

/* Compute the layout.  -XB_EINPUT with the numbers when it does not fit. */
int layout_compute(const struct layout_in *in, struct layout *l,
		   struct xb_err *e);

#endif
