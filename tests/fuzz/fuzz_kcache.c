/* fuzz_kcache.c - libFuzzer target: the kernel cache's entry header parser
 * and entry check (src/cli/cache.c), with the header's own key, so that
 * inputs that get past the header reach the content checks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kc_header h, g;
	struct xb_err e = { 0 };
	uint8_t *copy;
	int r;

	/* An exact-size copy: ASan catches reads past it. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	r = kc_header_parse("fuzz", copy, size, &h, &e);
	if (r && (r != -XB_EINPUT || !e.msg[0]))
		abort();
	if (!r) {
		if (h.elf_len != size - KC_HDR || h.elf_len > h.cap ||
		    !h.format[0] || !h.compression[0])
			abort();
		memset(&e, 0, sizeof(e));
		r = kc_entry_check("fuzz", copy, size, h.key, &g, &e);
		if (r && (r != -XB_EINPUT || !e.msg[0]))
			abort();
		if (!r && memcmp(copy + KC_HDR,
				 "\x7f"
				 "ELF",
				 4))
			abort();
	}
	free(copy);
	return 0;
}
