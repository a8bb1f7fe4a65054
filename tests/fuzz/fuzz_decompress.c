/* fuzz_decompress.c - libFuzzer target: every decompressor on arbitrary
 * bytes.  The first byte picks the format (bypassing the magic probe), the
 * second the cap; the rest is the stream.  A format that decodes into a
 * sink (dc_into_sink) does that too, in small windows: the same result and
 * bytes as its whole decode, and for lz4 the same message (a decoder that
 * streams says where the input went wrong by how much it had taken then,
 * which depends on the window). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_dest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink_vs_whole(const struct dc_format *f, const uint8_t *in,
			  size_t len, uint64_t cap, int r, const uint8_t *out,
			  size_t out_len, const char *msg)
{
	/* cap + 1 bytes: what the decoder may write to see the cap */
	struct fuzz_dest w = { malloc(cap + 1), cap + 1, true };
	struct xb_err e = { 0 };
	uint64_t n = 0;
	int rs;

	if (!w.b)
		abort();
	rs = dc_decompress_sink(f, "fuzz", in, len, cap, 0,
				&(struct dc_sink){ fuzz_dest_window, &w }, &n,
				&e);
	if (rs != r || (r < 0 && !dc_streams(f) && strcmp(e.msg, msg)) ||
	    (r == 0 && (n != out_len || memcmp(w.b, out, out_len))))
		abort();
	free(w.b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct dc_format *f;
	struct xb_err e = { 0 };
	size_t nfmt = 0, out_len = 0;
	uint64_t cap;
	uint8_t *out = NULL;
	int r;

	if (size < 2)
		return 0;
	while (dc_formats[nfmt].name)
		nfmt++;
	f = &dc_formats[data[0] % nfmt];
	/* caps from 1 byte to 16 MiB, so the cap paths get exercised */
	cap = 1ULL << (data[1] % 25);
	r = f->decompress("fuzz", data + 2, size - 2, cap, &out, &out_len, &e);
	if (r && (r != -XB_EINPUT && r != -XB_EINTERNAL))
		abort();
	if (r && (!e.msg[0] || out))
		abort();
	if (dc_into_sink(f) && r != -XB_EINTERNAL)
		sink_vs_whole(f, data + 2, size - 2, cap, r, out, out_len,
			      e.msg);
	if (!r) {
		if (!out || out_len > cap)
			abort();
		/* touch every byte: the length must be true */
		volatile uint8_t x = 0;
		for (size_t i = 0; i < out_len; i++)
			x ^= out[i];
		(void)x;
		free(out);
	}
	return 0;
}
