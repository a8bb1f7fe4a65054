/*
 * pagetable.h - write the bootstrap page tables of a layout into guest
 * frames, and walk page tables the way the CPU does (for checks).
 */
#ifndef XB_PAGETABLE_H
#define XB_PAGETABLE_H

#include "layout.h"

#include "../x86.h"

/* Host pointer to the 4 KiB frame of guest pfn, or NULL (e may be set).
 * Only valid until the next call. */
typedef void *(*pt_frame_fn)(void *ctx, uint64_t pfn);
/* The machine frame of guest pfn into *mfn: 0, or a negative exit class
 * with the message on e.  Called with ascending pfns mostly. */
typedef int (*pt_mfn_fn)(void *ctx, uint64_t pfn, uint64_t *mfn);

/*
 * Fill every page-table frame of l (the start-of-day tables in
 * l->pgtables, and the INIT_P2M tables after the p2m list), looking the
 * frames up with mfn and reaching the tables with frame (both get ctx).
 * Entries of L1 tables that map a page-table frame lack the RW bit.  The
 * frames must be zeroed beforehand.
 */
int pt_write(const struct layout *l, pt_mfn_fn mfn, pt_frame_fn frame,
	     void *ctx, struct xb_err *e);

/* Host pointer to the 4 KiB frame of machine frame mfn, or NULL. */
typedef void *(*pt_mframe_fn)(void *ctx, uint64_t mfn);

/*
 * Translate va through the tables rooted at machine frame root_mfn
 * (levels 4 or 3) like the CPU: returns 0 and the final entry (mfn |
 * flags, with RW cleared when any level lacks it) or -1 when not mapped.
 */
int pt_walk(unsigned levels, uint64_t root_mfn, uint64_t va, pt_mframe_fn frame,
	    void *ctx, uint64_t *pte);

#endif
