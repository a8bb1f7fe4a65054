/*
 * kernel.c - kernel_parse(): the ordered loader table, and kernel_load().
 * Each loader turns the file into an ELF image (decompressing as needed);
 * elf_parse() then applies the same rules to all of them.
 */
#include "loader_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

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
	if (img->view)
		munmap(img->view, img->view_size);
	img->view = NULL;
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
	if (img->streamed)
		return xb_fail(e, XB_EINTERNAL,
			       "kernel_load: the kernel was decoded into guest "
			       "memory, its bytes are not here");
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

/* ---- a kernel decoded straight into its destination ---- */

/* The start decoded by kernel_stream_open: the ELF and program headers
 * must lie in it. */
#define KS_HEAD (64u << 10)
/* Where bytes outside the PT_LOAD segments go on their way. */
#define KS_SCRATCH (64u << 10)

/* kernel_stream_open's sink: one window, the head buffer, then stop. */
struct ks_head {
	uint8_t *buf;
	bool stopped;
};

static int ks_head_window(void *ctx, uint64_t pos, uint8_t **p, size_t *n,
			  struct xb_err *e)
{
	struct ks_head *h = ctx;

	if (!p)
		return 0;
	if (pos == 0) {
		*p = h->buf;
		*n = KS_HEAD;
		return 0;
	}
	h->stopped = true;
	return xb_fail(e, XB_EINTERNAL, "head decoded");
}

/* The file-ordered path for an ELF of n bytes: the view's size, or 1
 * (the host path) when n is unknown (0) or beyond the cap. */
static int ks_direct(struct kernel_image *img, uint64_t n, uint64_t cap)
{
	if (n == 0 || n > cap || n > SIZE_MAX - 2 * XB_PAGE_SIZE)
		return 1;
	img->src.declared = n;
	img->direct_size = (size_t)xb_pages(n + DC_OUT_SLACK) << XB_PAGE_SHIFT;
	return 0;
}

/* The compressed stream of a kernel file: 0 with *img->src set, or 1 when
 * the file is not a compressed kernel that streams.  A one-shot format
 * (zstd, lz4, lzo) whose size is known, or an uncompressed ELF: 0 with
 * img->direct_size set.  scan (kernel_scan, nothing kept): lz4 streams
 * too (dc_into_sink), whatever its size. */
static int ks_source(const char *name, const uint8_t *b, size_t len,
		     uint64_t cap, bool scan, struct kernel_image *img,
		     struct xb_err *e)
{
	const struct dc_format *f;
	uint64_t n;
	int rc;

	if (bz_probe(b, len)) {
		const uint8_t *pl;
		size_t plen;
		uint32_t declared;

		rc = bz_payload(name, b, len, cap, &f, &pl, &plen, &declared,
				e);
		if (rc < 0)
			return rc;
		img->src.in = pl;
		img->src.in_len = plen;
		img->src.declared = declared;
		img->src.bz = true;
		snprintf(img->format, sizeof(img->format), "bzImage");
	} else if ((f = dc_probe(b, len)) != NULL) {
		img->src.in = b;
		img->src.in_len = len;
		snprintf(img->format, sizeof(img->format), "elf");
	} else if (elf_probe(b, len)) {
		img->src.in = b;
		img->src.in_len = len;
		snprintf(img->format, sizeof(img->format), "elf");
		snprintf(img->compression, sizeof(img->compression), "none");
		return ks_direct(img, len, cap);
	} else {
		return 1;
	}
	if (!(scan ? dc_into_sink(f) : dc_streams(f))) {
		n = img->src.declared;
		if (!img->src.bz && !dc_size(f, b, len, &n))
			return 1;
		if ((rc = ks_direct(img, n, cap)) != 0)
			return rc;
	}
	img->src.fmt = f;
	snprintf(img->compression, sizeof(img->compression), "%s", f->name);
	return 0;
}

/* What the decoded bytes are called in messages, as elf_adopt says it. */
static void ks_what(const struct kernel_image *img, char *buf, size_t len)
{
	if (img->src.bz)
		snprintf(buf, len, "bzImage: %s payload", img->src.fmt->name);
	else
		snprintf(buf, len, "%s data", img->src.fmt->name);
}

/* True when two segments' file bytes overlap: each byte of the stream
 * then belongs in two places, which one pass cannot write. */
static bool ks_file_overlap(const struct kernel_image *img)
{
	for (unsigned i = 0; i < img->nsegs; i++)
		for (unsigned j = i + 1; j < img->nsegs; j++) {
			const struct kernel_seg *a = &img->segs[i],
						*b = &img->segs[j];

			if (a->filesz && b->filesz &&
			    a->offset < b->offset + b->filesz &&
			    b->offset < a->offset + a->filesz)
				return true;
		}
	return false;
}

/* Do bytes [a, a + an) and [b, b + bn) (an, bn >= 1) share a page? */
static bool share_page(uint64_t a, uint64_t an, uint64_t b, uint64_t bn)
{
	return a >> XB_PAGE_SHIFT <= (b + bn - 1) >> XB_PAGE_SHIFT &&
	       b >> XB_PAGE_SHIFT <= (a + an - 1) >> XB_PAGE_SHIFT;
}

/*
 * The file-ordered path needs every segment's file pages to be the pages
 * it loads into: each p_offset congruent to its place in the kernel
 * (pstart page aligned), inside the n bytes of the ELF, no file page and
 * no guest page shared by two segments.
 */
static bool ks_direct_ok(const struct kernel_image *img, uint64_t n)
{
	if (img->pstart & XB_PAGE_MASK)
		return false;
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct kernel_seg *a = &img->segs[i];

		if (!a->filesz)
			continue;
		if ((a->offset & XB_PAGE_MASK) != (a->paddr & XB_PAGE_MASK) ||
		    !xb_range_ok(a->offset, a->filesz, n))
			return false;
		for (unsigned j = 0; j < i; j++) {
			const struct kernel_seg *b = &img->segs[j];

			if (b->filesz && (share_page(a->offset, a->filesz,
						     b->offset, b->filesz) ||
					  share_page(a->paddr, a->filesz,
						     b->paddr, b->filesz)))
				return false;
		}
	}
	return true;
}

/* The head of a kernel for the file-ordered path: its first KS_HEAD bytes
 * (decoded, or as they are), then whether the path fits (1) or the host
 * path is taken (0: whatever is wrong, kernel_parse says it). */
static int ks_direct_open(const char *name, struct kernel_image *img,
			  uint8_t *head, struct xb_err *e)
{
	const uint8_t *in = img->src.in;
	struct elf_head eh;
	size_t got;

	if (img->src.fmt) {
		got = dc_head(img->src.fmt, in, img->src.in_len, head, KS_HEAD);
	} else {
		got = img->src.in_len < KS_HEAD ? img->src.in_len : KS_HEAD;
		memcpy(head, in, got);
	}
	if (!elf_probe(head, got) ||
	    elf_head(name, head, got, img, &eh, e) < 0) {
		xb_err_clear(e);
		return 0;
	}
	return eh.end <= got && ks_direct_ok(img, img->src.declared);
}

int kernel_stream_open(const char *name, const void *buf, size_t len,
		       const struct loader_opts *o, struct kernel_image *img,
		       struct xb_err *e)
{
	struct ks_head h = { 0 };
	struct dc_sink sink = { ks_head_window, &h };
	struct elf_head eh;
	char what[48];
	uint64_t got = 0;
	int rc;

	memset(img, 0, sizeof(*img));
	img->file_len = len;
	rc = ks_source(name, buf, len, o->max_decompressed, false, img, e);
	if (rc != 0) {
		memset(img, 0, sizeof(*img));
		return rc < 0 ? rc : 0;
	}
	if (!(h.buf = malloc(KS_HEAD)))
		return xb_fail(e, XB_EINTERNAL, "%s: out of memory", name);
	if (img->direct_size) {
		rc = ks_direct_open(name, img, h.buf, e);
		free(h.buf);
		if (rc != 1)
			memset(img, 0, sizeof(*img));
		return rc;
	}
	rc = dc_decompress_sink(img->src.fmt, name, img->src.in,
				img->src.in_len, o->max_decompressed,
				img->src.declared, &sink, &got, e);
	if (rc < 0 && h.stopped) {
		xb_err_clear(e);
		rc = 0;
		got = KS_HEAD;
	}
	ks_what(img, what, sizeof(what));
	if (rc == 0 && !elf_probe(h.buf, (size_t)got))
		rc = xb_fail(e, XB_EINPUT, "%s: %s is not an ELF image", name,
			     what);
	if (rc == 0)
		rc = elf_head(name, h.buf, (size_t)got, img, &eh, e);
	/* The headers must lie in the head; segments that share file bytes
	 * are loaded the usual way. */
	if (rc == 0 && (eh.end > got || ks_file_overlap(img)))
		rc = 1;
	free(h.buf);
	if (rc != 0) {
		memset(img, 0, sizeof(*img));
		return rc < 0 ? rc : 0;
	}
	return 1;
}

/* A bzImage's payload decoded to total bytes: what its trailer says? */
static int ks_trailer(const char *name, const struct kernel_image *img,
		      uint64_t total, struct xb_err *e)
{
	if (img->src.bz && total != img->src.declared)
		return xb_fail(
			e, XB_EINPUT,
			"%s: bzImage: %s: decompressed %llu bytes, the payload trailer says %llu",
			name, img->src.fmt->name, (unsigned long long)total,
			(unsigned long long)img->src.declared);
	return 0;
}

/* The whole ELF is elf[0, len) now: parse it (its notes, as kernel_parse). */
static int ks_parse(const char *name, struct kernel_image *img,
		    const uint8_t *elf, uint64_t len, struct xb_err *e)
{
	img->elf = elf;
	img->elf_len = len;
	img->streamed = true;
	return elf_parse(name, img, e);
}

/* kernel_stream_load's sink: ELF offsets to kernel-image offsets. */
struct ks {
	struct kernel_image *img;
	const struct dc_sink *dest;
	struct elf_head h;
	uint8_t *scratch;
	/* The last window handed out: its bytes are written once the next
	 * one is asked for. */
	uint8_t *last;
	uint64_t last_pos;
	size_t last_n;
	bool last_load;
	bool have_head; /* h is set */
	/* kernel_scan: not opened (no head decoded before), the image's
	 * segments come from the head once it is in the view. */
	bool lazy;
};

static void ks_keep(struct ks *k, uint64_t from, uint64_t to)
{
	if (from < to)
		memcpy(k->img->view + from, k->last + (from - k->last_pos),
		       (size_t)(to - from));
}

/* Sixty-four bytes at a time: inspect checks every byte outside the
 * segments (megabytes of a kernel), the file-ordered copy every page. */
static bool all_zero(const uint8_t *p, size_t n)
{
	for (; n >= 64; p += 64, n -= 64) {
		uint64_t w[8], acc = 0;

		memcpy(w, p, sizeof(w));
		for (unsigned i = 0; i < 8; i++)
			acc |= w[i];
		if (acc)
			return false;
	}
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* The bytes [last_pos, end) of the last window are written: keep in the
 * view what the ELF parser reads - every byte outside the segments (its
 * pages stay untouched where they are zero), the head (ELF and program
 * headers) and the notes. */
static void ks_capture(struct ks *k, uint64_t end)
{
	uint64_t a = k->last_pos, z;

	if (!k->last)
		return;
	z = end < a + k->last_n ? end : a + k->last_n;
	if (!k->last_load) {
		if (!all_zero(k->last, (size_t)(z - a)))
			ks_keep(k, a, z);
		return;
	}
	ks_keep(k, a, z < KS_HEAD ? z : KS_HEAD);
	for (unsigned i = 0; i < k->h.nnotes; i++) {
		uint64_t f = k->h.notes[i].off > a ? k->h.notes[i].off : a;
		uint64_t t = k->h.notes[i].end < z ? k->h.notes[i].end : z;

		ks_keep(k, f, t);
	}
}

/* Once the head is in the view: where the notes are.  kernel_stream_open
 * parsed the same bytes, so this cannot fail but on memory. */
static int ks_notes(struct ks *k, struct xb_err *e)
{
	struct kernel_image tmp;

	k->have_head = true;
	if (k->lazy) {
		/* What kernel_stream_open would have found, or stop. */
		if (!elf_probe(k->img->view, KS_HEAD) ||
		    elf_head("kernel", k->img->view, KS_HEAD, k->img, &k->h,
			     e) < 0 ||
		    k->h.end > KS_HEAD || ks_file_overlap(k->img))
			return xb_fail(e, XB_EINPUT, "kernel: not streamed");
		return 0;
	}
	memset(&tmp, 0, sizeof(tmp));
	return elf_head("kernel", k->img->view, KS_HEAD, &tmp, &k->h, e);
}

static int ks_window(void *ctx, uint64_t pos, uint8_t **p, size_t *n,
		     struct xb_err *e)
{
	struct ks *k = ctx;
	const struct kernel_image *img = k->img;
	uint64_t next = UINT64_MAX;

	ks_capture(k, pos);
	k->last = NULL;
	if (!k->have_head && pos >= KS_HEAD) {
		int rc = ks_notes(k, e);

		if (rc < 0)
			return rc;
	}
	if (!p)
		return 0;
	if (pos >= k->img->view_size)
		return xb_fail(e, XB_EINTERNAL, "kernel stream: offset %llu",
			       (unsigned long long)pos);
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct kernel_seg *s = &img->segs[i];

		if (pos - s->offset < s->filesz) {
			uint64_t left = s->offset + s->filesz - pos;
			int rc = k->dest->window(k->dest->ctx,
						 s->paddr - img->pstart +
							 (pos - s->offset),
						 p, n, e);

			if (rc < 0)
				return rc;
			if (*n > left)
				*n = (size_t)left;
			k->last_load = true;
			goto out;
		}
		if (s->filesz && s->offset > pos && s->offset < next)
			next = s->offset;
	}
	*p = k->scratch;
	*n = next - pos < KS_SCRATCH ? (size_t)(next - pos) : KS_SCRATCH;
	k->last_load = false;
out:
	/* Never past the view: the decoder's cap is below its size.  No
	 * window spans the end of the head, which is kept whole before the
	 * notes' place is known. */
	if (*n > k->img->view_size - pos)
		*n = (size_t)(k->img->view_size - pos);
	if (pos<KS_HEAD && * n> KS_HEAD - pos)
		*n = (size_t)(KS_HEAD - pos);
	k->last = *p;
	k->last_pos = pos;
	k->last_n = *n;
	return 0;
}

/* Copy the segments' file bytes back from dest into the view, which then
 * holds the whole image. */
static int ks_refill(struct ks *k, struct xb_err *e)
{
	const struct kernel_image *img = k->img;

	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct kernel_seg *s = &img->segs[i];

		for (uint64_t done = 0, left; done < s->filesz; done += left) {
			uint8_t *p;
			size_t n = 0;
			int rc = k->dest->window(k->dest->ctx,
						 s->paddr - img->pstart + done,
						 &p, &n, e);

			if (rc < 0)
				return rc;
			left = s->filesz - done < n ? s->filesz - done : n;
			memcpy(img->view + s->offset + done, p, (size_t)left);
		}
	}
	return 0;
}

/* kernel_stream_load's decode: the view reserved, the stream through
 * k's windows; *total the bytes decoded. */
static int ks_decode(const char *name, struct ks *k, const struct dc_sink *sink,
		     uint64_t cap, uint64_t *total, struct xb_err *e)
{
	struct kernel_image *img = k->img;
	int rc;

	img->view_size = (size_t)(cap >= SIZE_MAX - XB_PAGE_SIZE ?
					  SIZE_MAX & ~(size_t)XB_PAGE_MASK :
					  xb_pages(cap + 1) << XB_PAGE_SHIFT);
	img->view = mmap(NULL, img->view_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	k->scratch = malloc(KS_SCRATCH);
	if (img->view == MAP_FAILED || !k->scratch) {
		if (img->view == MAP_FAILED)
			img->view = NULL;
		free(k->scratch);
		return xb_fail(e, XB_EINTERNAL,
			       "%s: out of memory (%zu bytes of address space)",
			       name, img->view_size);
	}
	rc = dc_decompress_sink(img->src.fmt, name, img->src.in,
				img->src.in_len, cap, img->src.declared, sink,
				total, e);
	free(k->scratch);
	return rc;
}

/* kernel_stream_load without a destination: every segment byte goes to
 * the same window (ctx), to be gone with the next one. */
#define KS_DISCARD (256u << 10)
static int ks_discard(void *ctx, uint64_t pos, uint8_t **p, size_t *n,
		      struct xb_err *e)
{
	(void)pos;
	(void)e;
	*p = ctx;
	*n = KS_DISCARD;
	return 0;
}

/* kernel_stream_load; with dest NULL kernel_scan's decode: not opened,
 * the segments' bytes discarded, 1 where they would be read back. */
static int ks_load(const char *name, struct kernel_image *img, uint64_t cap,
		   const struct dc_sink *dest, struct xb_err *e)
{
	struct ks k = { .img = img, .dest = dest, .lazy = !dest };
	struct dc_sink sink = { ks_window, &k }, discard = { ks_discard, NULL };
	uint64_t total = 0;
	int rc;

	if (!img->src.fmt || img->view)
		return xb_fail(e, XB_EINTERNAL,
			       "%s: kernel_stream_load: not opened", name);
	if (!dest) {
		if (!(discard.ctx = malloc(KS_DISCARD)))
			return xb_fail(e, XB_EINTERNAL, "%s: out of memory",
				       name);
		k.dest = &discard;
	}
	rc = ks_decode(name, &k, &sink, cap, &total, e);
	free(discard.ctx);
	if (rc < 0)
		return rc;
	if ((rc = ks_trailer(name, img, total, e)) < 0)
		return rc;
	rc = ks_parse(name, img, img->view, total, e);
	if (rc == 0 && !strcmp(img->notes.source, "PT_NOTE"))
		return 0;
	/* Notes in sections or the legacy string, or an error: the parser
	 * may have read bytes that are in guest memory.  Decide on the whole
	 * image. */
	xb_err_clear(e);
	if (!dest)
		return 1;
	if ((rc = ks_refill(&k, e)) < 0)
		return rc;
	return elf_parse(name, img, e);
}

int kernel_stream_load(const char *name, struct kernel_image *img, uint64_t cap,
		       const struct dc_sink *dest, struct xb_err *e)
{
	if (!dest)
		return xb_fail(e, XB_EINTERNAL,
			       "%s: kernel_stream_load: no destination", name);
	return ks_load(name, img, cap, dest, e);
}

int kernel_scan(const char *name, const void *buf, size_t len,
		const struct loader_opts *o, struct kernel_image *img,
		struct xb_err *e)
{
	int rc;

	/* Decoded once: the head is parsed when it is in the view. */
	memset(img, 0, sizeof(*img));
	img->file_len = len;
	rc = ks_source(name, buf, len, o->max_decompressed, true, img, e);
	if (rc == 0 && !img->direct_size && !dc_whole_faster(img->src.fmt) &&
	    ks_load(name, img, o->max_decompressed, NULL, e) == 0)
		return 0;
	kernel_image_free(img);
	xb_err_clear(e);
	return kernel_parse(name, buf, len, o, img, e);
}

int kernel_direct_load(const char *name, struct kernel_image *img, uint64_t cap,
		       uint8_t *view, struct xb_err *e)
{
	char what[48];
	uint64_t total;
	int rc;

	if (!img->direct_size || img->streamed || !img->src.fmt)
		return xb_fail(e, XB_EINTERNAL,
			       "%s: kernel_direct_load: not opened", name);
	rc = dc_decompress_into(img->src.fmt, name, img->src.in,
				img->src.in_len, cap, img->src.declared, view,
				img->direct_size, &total, e);
	if (rc < 0)
		return rc;
	ks_what(img, what, sizeof(what));
	if ((rc = ks_trailer(name, img, total, e)) < 0)
		return rc;
	if (!elf_probe(view, (size_t)total))
		return xb_fail(e, XB_EINPUT, "%s: %s is not an ELF image", name,
			       what);
	return ks_parse(name, img, view, total, e);
}

/* A zero page among copied ones: runs of fewer zero pages than this are
 * copied with their neighbours (cheaper than a mapping of their own). */
#define KD_ZERO_RUN 16u
/* File pages faulted in, scanned and copied at a time (8 MiB). */
#define KD_WINDOW 2048u

/* The bytes of segment s in file pages [first, end): [*a, *b). */
static void kd_span(const struct kernel_seg *s, uint64_t first, uint64_t end,
		    uint64_t *a, uint64_t *b)
{
	*a = first << XB_PAGE_SHIFT;
	*b = end << XB_PAGE_SHIFT;
	if (*a < s->offset)
		*a = s->offset;
	if (*b > s->offset + s->filesz)
		*b = s->offset + s->filesz;
}

static bool kd_page_zero(const struct kernel_image *img,
			 const struct kernel_seg *s, uint64_t page)
{
	uint64_t a, b;

	kd_span(s, page, page + 1, &a, &b);
	return all_zero(img->src.in + a, (size_t)(b - a));
}

/* madvise over the file's bytes [a, b), from the page holding a; a hint,
 * so failures (bytes that are not a mapping) are of no consequence. */
static void kd_advise(const struct kernel_image *img, uint64_t a, uint64_t b,
		      int advice)
{
	uintptr_t lo = (uintptr_t)(img->src.in + a) & ~(uintptr_t)XB_PAGE_MASK;

	(void)madvise((void *)lo, (uintptr_t)(img->src.in + b) - lo, advice);
}

/* Copy segment i's pages [w, we) that hold more than zeros. */
static int kd_window(struct kernel_image *img, unsigned i, uint64_t w,
		     uint64_t we, uint8_t *view, const struct kernel_mapper *m,
		     struct xb_err *e)
{
	const struct kernel_seg *s = &img->segs[i];

	for (uint64_t p = w; p < we;) {
		uint64_t r0, last, q, a, b;
		int rc;

		if (kd_page_zero(img, s, p)) {
			p++;
			continue;
		}
		/* A run from r0: up to KD_ZERO_RUN zero pages in a row, at
		 * most m->chunk pages; it ends at its last non-zero page. */
		r0 = last = p;
		for (q = p + 1;
		     q < we && q - r0 < m->chunk && q - last < KD_ZERO_RUN; q++)
			if (!kd_page_zero(img, s, q))
				last = q;
		if ((rc = m->map(m->ctx, i, r0, (size_t)(last + 1 - r0), e)) <
		    0)
			return rc;
		kd_span(s, r0, last + 1, &a, &b);
		memcpy(view + a, img->src.in + a, (size_t)(b - a));
		m->unmap(m->ctx, r0, (size_t)(last + 1 - r0));
		p = last + 1;
	}
	return 0;
}

int kernel_direct_copy(const char *name, struct kernel_image *img,
		       uint8_t *view, const struct kernel_mapper *m,
		       struct xb_err *e)
{
	if (!img->direct_size || img->streamed || img->src.fmt || !m->chunk)
		return xb_fail(e, XB_EINTERNAL,
			       "%s: kernel_direct_copy: not opened", name);
	for (unsigned i = 0; i < img->nsegs; i++) {
		const struct kernel_seg *s = &img->segs[i];
		uint64_t first = s->offset >> XB_PAGE_SHIFT;
		uint64_t end = xb_pages(s->offset + s->filesz);

		if (!s->filesz) /* p_offset is anything */
			continue;
		for (uint64_t w = first; w < end; w += KD_WINDOW) {
			uint64_t we = w + KD_WINDOW < end ? w + KD_WINDOW : end;
			uint64_t a, b;
			int rc;

			/*
			 * One call faults the window's pages in, instead of
			 * a fault per page.  They stay mapped until the
			 * process ends: on a PV dom0, taking them away again
			 * (MADV_DONTNEED) costs as much as mapping them,
			 * tearing down a whole process is cheap; and they are
			 * the page cache's, not memory of our own.
			 */
			kd_span(s, w, we, &a, &b);
#ifdef MADV_POPULATE_READ
			kd_advise(img, a, b, MADV_POPULATE_READ);
#endif
			if ((rc = kd_window(img, i, w, we, view, m, e)) < 0)
				return rc;
		}
	}
	return ks_parse(name, img, img->src.in, img->src.in_len, e);
}
