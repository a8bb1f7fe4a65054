/* fuzz_initrd.c - libFuzzer target: the initrd walker (initrd_unpack) on
 * arbitrary bytes.  The first byte picks the cap (1 byte to 16 MiB), the
 * rest is the file.  Besides no crash: failures leave a message and nothing
 * allocated, the result is within the cap unless it is the file itself, and
 * what a multi-member initrd becomes walks again as it is (nothing
 * compressed left in it, no error). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/loaders/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initrd_image img, again;
	struct xb_err e = { 0 };
	uint64_t cap;
	int r;

	if (size < 1)
		return 0;
	cap = 1ULL << (data[0] % 25);
	r = initrd_unpack("fuzz", data + 1, size - 1, cap, &img, &e);
	if (r && r != -XB_EINPUT && r != -XB_EINTERNAL)
		abort();
	if (r) {
		if (!e.msg[0] || img.data || img.owned)
			abort();
		return 0;
	}
	if (!img.owned) {
		if (img.data != data + 1 || img.len != size - 1 ||
		    strcmp(img.format, "none"))
			abort();
		return 0;
	}
	if (img.data != img.owned || img.len > cap || !img.members)
		abort();
	{ /* the length must be true */
		volatile uint8_t x = 0;

		for (size_t i = 0; i < img.len; i++)
			x ^= img.data[i];
		(void)x;
	}
	if (img.members > 1) {
		xb_err_clear(&e);
		if (initrd_unpack("again", img.data, img.len, cap, &again,
				  &e) ||
		    again.owned)
			abort();
	}
	initrd_image_free(&img);
	return 0;
}
