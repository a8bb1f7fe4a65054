/*
 * kernel.c - kernel_parse(): the ordered loader table, and kernel_load().
 * Each loader turns the file into an ELF image (decompressing as needed);
 * elf_parse() then applies the same rules to all of them.
 */
#include "loader_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loader {
	const char *name;
	bool (*probe)(const uint8_t *buf, size_t len);
	/* Set img->elf, elf_len, owned, format and compression. */
	int (*parse)(const char *name, const uint8_t *buf, size_t len,
		     uint64_t cap, struct kernel_image *img, struct xb_err *e);
};

static bool compressed_probe(const uint8_t *buf, size_t len)
{
	return dc_probe(buf, len) != NULL;
}

/* A whole-file compressed ELF (vmlinux.gz, vmlinux.xz, ...). */
static int compressed_parse(const char *name, const uint8_t *buf, size_t len,
			    uint64_t cap, struct kernel_image *img,
			    struct xb_err *e)
{
	const struct dc_format *fmt = dc_probe(buf, len);
	char what[48];
	uint8_t *out;
	size_t out_len;
	int rc;

	rc = fmt->decompress(name, buf, len, cap, &out, &out_len, e);
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "%s data", fmt->name);
	return elf_adopt(img, out, out_len, "elf", fmt->name, name, what, e);
}

int elf_adopt(struct kernel_image *img, uint8_t *out, size_t out_len,
	      const char *format, const char *compression, const char *name,
	      const char *what, struct xb_err *e)
{
	if (!elf_probe(out, out_len)) {
		free(out);
		return xb_fail(e, XB_EINPUT, "%s: %s is not an ELF image", name,
			       what);
	}
	img->owned = out;
	img->elf = out;
	img->elf_len = out_len;
	snprintf(img->format, sizeof(img->format), "%s", format);
	snprintf(img->compression, sizeof(img->compression), "%s", compression);
	return 0;
}

static int plain_parse(const char *name, const uint8_t *buf, size_t len,
		       uint64_t cap, struct kernel_image *img, struct xb_err *e)
{
	(void)name;
	(void)cap;
	(void)e;
	img->elf = buf;
	img->elf_len = len;
	snprintf(img->format, sizeof(img->format), "elf");
	snprintf(img->compression, sizeof(img->compression), "none");
	return 0;
}

/* bzImage first: its setup code is not ELF, but test the specific magic
 * before the generic ones all the same. */
static const struct loader loaders[] = {
	{ "bzImage", bz_probe, bz_parse },
	{ "compressed", compressed_probe, compressed_parse },
	{ "elf", elf_probe, plain_parse },
};

int kernel_parse(const char *name, const void *buf, size_t len,
		 const struct loader_opts *o, struct kernel_image *img,
		 struct xb_err *e)
{
	uint64_t cap = o->max_decompressed;
	const uint8_t *b = buf;
	const struct loader *l = NULL;
	int rc;

	memset(img, 0, sizeof(*img));
	img->file_len = len;
	for (size_t i = 0; i < XB_ARRAY_SIZE(loaders); i++) {
		if (loaders[i].probe(b, len)) {
			l = &loaders[i];
			break;
		}
	}
	if (!l) {
		uint8_t m[4] = { 0 };

		memcpy(m, b, len < 4 ? len : 4);
		return xb_fail(
			e, XB_EINPUT,
			"%s: not a kernel: neither ELF, bzImage nor compressed ELF (first bytes %02x %02x %02x %02x, %zu bytes)",
			name, m[0], m[1], m[2], m[3], len);
	}
	rc = l->parse(name, b, len, cap, img, e);
	if (rc == 0)
		rc = elf_parse(name, img, e);
	if (rc < 0) {
		kernel_image_free(img);
		memset(img, 0, sizeof(*img));
	}
	return rc;
}

/* The loader kernel_parse() would pick for buf[0, len), or NULL. */
static const struct loader *kernel_loader(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < XB_ARRAY_SIZE(loaders); i++)
		if (loaders[i].probe(buf, len))
			return &loaders[i];
	return NULL;
}

const char *kernel_probe(const void *buf, size_t len)
{
	const struct loader *l = kernel_loader(buf, len);

	return l ? l->name : NULL;
}

int kernel_unwrap(const char *name, const void *buf, size_t len,
		  const struct loader_opts *o, struct kernel_payload *p,
		  struct xb_err *e)
{
	const struct loader *l = kernel_loader(buf, len);
	struct kernel_image img;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!l)
		return xb_fail(e, XB_EINPUT,
			       "%s: not a kernel: neither ELF, bzImage nor "
			       "compressed ELF (%zu bytes)",
			       name, len);
	memset(&img, 0, sizeof(img));
	img.file_len = len;
	/* The loaders' own first step, without the ELF parse that follows it
	 * in kernel_parse(). */
	rc = l->parse(name, buf, len, o->max_decompressed, &img, e);
	if (rc < 0)
		return rc;
	p->elf = img.elf;
	p->elf_len = (size_t)img.elf_len;
	p->owned = img.owned;
	snprintf(p->format, sizeof(p->format), "%s", img.format);
	snprintf(p->compression, sizeof(p->compression), "%s", img.compression);
	return 0;
}

void kernel_image_free(struct kernel_image *img)
{
	if (!img)
		return;
	free(img->owned);
	img->owned = NULL;
	img->elf = NULL;
	img->elf_len = 0;
}

int kernel_load_part(const struct kernel_image *img, uint8_t *dst, uint64_t off,
		     uint64_t len, struct xb_err *e)
{
	unsigned order[XB_MAX_SEGS];
	uint64_t span, pos = 0, end, z;
	unsigned n = img->nsegs;

	if (n == 0 || n > XB_MAX_SEGS || img->pend < img->pstart)
		return xb_fail(e, XB_EINTERNAL,
			       "kernel_load: image not parsed");
	span = img->pend - img->pstart;
	if (xb_add_ovf(off, len, &end))
		return xb_fail(e, XB_EINTERNAL,
			       "kernel_load: window 0x%llx+0x%llx wraps",
			       (unsigned long long)off,
			       (unsigned long long)len);
	/* In p_paddr order, so that overlapping segments are caught. */
	for (unsigned i = 0; i < n; i++) {
		unsigned j = i;

		while (j > 0 &&
		       img->segs[order[j - 1]].paddr > img->segs[i].paddr) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	/* Gaps between segments, p_memsz beyond p_filesz and everything past
	 * the kernel are zero: the guest must not see stale bytes.  Only those
	 * are zeroed (z: the window is written below it), not the bytes the
	 * segments' file data then overwrites. */
	z = off;
	for (unsigned k = 0; k < n; k++) {
		const struct kernel_seg *s = &img->segs[order[k]];
		uint64_t soff = s->paddr - img->pstart, from, to;

		/* Re-checked here: img is the caller's to keep intact, but a
		 * bad one must not become a wild write. */
		if (s->paddr < img->pstart || soff < pos ||
		    s->filesz > s->memsz ||
		    !xb_range_ok(soff, s->memsz, span) ||
		    !xb_range_ok(s->offset, s->filesz, img->elf_len))
			return xb_fail(
				e, XB_EINTERNAL,
				"kernel_load: segment %u (p_paddr 0x%llx) inconsistent with the image",
				order[k], (unsigned long long)s->paddr);
		pos = soff + s->memsz;
		/* The file bytes of this segment that fall in the window. */
		from = soff > off ? soff : off;
		to = soff + s->filesz < end ? soff + s->filesz : end;
		if (from < to) {
			/* from >= z: segments in p_paddr order do not overlap. */
			memset(dst + (z - off), 0, (size_t)(from - z));
			memcpy(dst + (from - off),
			       img->elf + s->offset + (from - soff),
			       (size_t)(to - from));
			z = to;
		}
	}
	memset(dst + (z - off), 0, (size_t)(end - z));
	return 0;
}

int kernel_load(const struct kernel_image *img, uint8_t *dst, uint64_t dst_len,
		struct xb_err *e)
{
	uint64_t span;

	if (img->nsegs == 0 || img->pend < img->pstart)
		return xb_fail(e, XB_EINTERNAL,
			       "kernel_load: image not parsed");
	span = img->pend - img->pstart;
	if (dst_len < span)
		return xb_fail(
			e, XB_EINTERNAL,
			"kernel_load: destination 0x%llx bytes < kernel 0x%llx bytes",
			(unsigned long long)dst_len, (unsigned long long)span);
	return kernel_load_part(img, dst, 0, span, e);
}
