/*
 * build_int.h - what build.c lends the other builder files (pvh_build.c):
 * writing guest frames piece by piece.  Not for src/cli.
 */
#ifndef XB_BUILD_INT_H
#define XB_BUILD_INT_H

#include "build.h"

static inline uint64_t umin(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Fill the host mapping p of pages frames, the piece that starts first
 * pages into the range being written; 0 or a negative exit class. */
typedef int (*fill_fn)(struct dom *d, uint8_t *p, uint64_t first,
		       uint64_t pages);

/* Write frames [pfn, pfn + pages) of the domain piece by piece (at most
 * hv->map_chunk at once), each mapped, filled by fill, unmapped.  The
 * backend refuses frames the domain does not have. */
int dom_write_pieces(struct dom *d, uint64_t pfn, uint64_t pages,
		     enum hv_map_use use, fill_fn fill);

/* Fillers of the kernel image (from its lowest segment's first page, zeros
 * past its end) and of the initrd (zeros past its end). */
int dom_fill_kernel(struct dom *d, uint8_t *p, uint64_t first, uint64_t pages);
int dom_fill_initrd(struct dom *d, uint8_t *p, uint64_t first, uint64_t pages);

#endif
