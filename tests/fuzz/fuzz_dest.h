/*
 * fuzz_dest.h - a sink's destination in host memory, shared by the fuzz
 * targets that decode into one: windows of at most 4099 bytes, so that
 * they end everywhere, never past the buffer.
 */
#ifndef XB_FUZZ_DEST_H
#define XB_FUZZ_DEST_H

#include <stdbool.h>
#include <stdint.h>

#include "../../src/loaders/loader.h"

struct fuzz_dest {
	uint8_t *b;
	uint64_t len;
	bool end_ok; /* the decoder's last call (p NULL) is expected */
};

static inline int fuzz_dest_window(void *ctx, uint64_t pos, uint8_t **p,
				   size_t *n, struct xb_err *e)
{
	struct fuzz_dest *d = ctx;

	if (!p && d->end_ok)
		return 0;
	if (!p || pos >= d->len)
		return xb_fail(e, XB_EINTERNAL, "dest: offset %llu",
			       (unsigned long long)pos);
	*p = d->b + pos;
	*n = d->len - pos < 4099 ? (size_t)(d->len - pos) : 4099;
	return 0;
}

#endif
