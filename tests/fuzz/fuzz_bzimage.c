/* fuzz_bzimage.c - libFuzzer target: kernel_parse() with the bzImage setup
 * header forced, so every input exercises the payload path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/loaders/loader.h"

#define FUZZ_CAP (16u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loader_opts o = { .max_decompressed = FUZZ_CAP };
	struct kernel_image img;
	struct xb_err e = { 0 };
	uint8_t *copy;
	int r;

	/* An exact-size copy (ASan catches reads past it) with "HdrS" in
	 * place when the input is long enough to hold it. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size >= 0x206)
		memcpy(copy + 0x202, "HdrS", 4);
	r = kernel_parse("fuzz", copy, size, &o, &img, &e);
	if (r && (r != -XB_EINPUT && r != -XB_EINTERNAL))
		abort();
	if (r && !e.msg[0])
		abort();
	if (!r) {
		if (!img.owned && strcmp(img.compression, "none"))
			abort();
		if (img.elf_len > FUZZ_CAP && img.owned)
			abort();
		kernel_image_free(&img);
	}
	free(copy);
	return 0;
}
