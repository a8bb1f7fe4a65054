/* fuzz_elf.c - libFuzzer target: kernel_parse() on ELF (and anything else),
 * then kernel_load() of what was accepted, checking the result's invariants. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/loaders/loader.h"

#define FUZZ_CAP (16u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What kernel_parse promises about an accepted image. */
static void check_image(const struct kernel_image *img)
{
	if (img->nsegs == 0 || img->nsegs > XB_MAX_SEGS ||
	    img->virt_base > img->virt_kstart ||
	    img->virt_kstart > img->virt_entry ||
	    img->virt_entry >= img->virt_kend ||
	    (img->virt_base & XB_PAGE_MASK) || img->pstart > img->pend)
		abort();
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct kernel_seg *s = &img->segs[i];

		if (s->filesz > s->memsz ||
		    !xb_range_ok(s->offset, s->filesz, img->elf_len) ||
		    s->paddr < img->pstart || s->paddr + s->memsz > img->pend)
			abort();
	}
	if (img->p2m_base != UINT64_MAX && img->p2m_base >= img->virt_kstart &&
	    img->p2m_base < img->virt_kend)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loader_opts o = { .max_decompressed = FUZZ_CAP };
	struct kernel_image img;
	struct xb_err e = { 0 };
	int r = kernel_parse("fuzz", data, size, &o, &img, &e);

	if (r && (r != -XB_EINPUT && r != -XB_EINTERNAL))
		abort();
	if (r && !e.msg[0])
		abort();
	if (r)
		return 0;
	check_image(&img);
	/* Load when small enough to allocate. */
	if (img.virt_kend - img.virt_kstart <= FUZZ_CAP) {
		uint64_t span = img.virt_kend - img.virt_kstart;
		uint8_t *dst = malloc(span ? span : 1);

		if (dst) {
			if (kernel_load(&img, dst, span, &e) != 0)
				abort();
			free(dst);
		}
	}
	kernel_image_free(&img);
	return 0;
}
