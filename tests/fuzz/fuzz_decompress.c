/* fuzz_decompress.c - libFuzzer target: every decompressor on arbitrary
 * bytes.  The first byte picks the format (bypassing the magic probe), the
 * second the cap; the rest is the stream. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/loaders/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
