/*
 * loader_int.h - what the loader modules (elf.c, bzimage.c, decompress.c,
 * kernel.c) share with each other and with nobody else.  The public
 * contract is loader.h.
 */
#ifndef XB_LOADER_INT_H
#define XB_LOADER_INT_H

#include "loader.h"

#include <string.h>

/* True when buf starts with the ELF magic. */
bool elf_probe(const uint8_t *buf, size_t len);
/*
 * Take ownership of a decompressed image (out, out_len, malloc'd) for img:
 * refuse it unless it is an ELF ("NAME: WHAT is not an ELF image"), else
 * record it with the given format and compression names.  out is freed
 * on failure.
 */
int elf_adopt(struct kernel_image *img, uint8_t *out, size_t out_len,
	      const char *format, const char *compression, const char *name,
	      const char *what, struct xb_err *e);

/*
 * Parse the ELF image img->elf[0, img->elf_len): header, PT_LOAD segments,
 * Xen notes, and the derived addresses, applying every acceptance rule of
 * DESIGN.md.  Fills the ELF, segment, note and address fields of img and
 * leaves format, compression, file_len and owned alone.  Messages are
 * "name: ELF: ...".  Returns 0 or -XB_EINPUT.
 */
int elf_parse(const char *name, struct kernel_image *img, struct xb_err *e);

/* What elf_head() finds at the start of an ELF image. */
struct elf_head {
	uint64_t end; /* end of the program header table */
	struct {
		uint64_t off, end;
	} notes[XB_MAX_SEGS]; /* PT_NOTE file ranges */
	unsigned nnotes;
};

/*
 * The ELF header and program headers from the first len bytes of an image
 * whose whole length is not known yet (a kernel being decoded): the same
 * checks as elf_parse, except that segment file ranges are checked against
 * the whole image later (elf_parse).  Fills img's segments, pstart, pend,
 * elf_class, machine and the guest type the class implies.
 */
int elf_head(const char *name, const uint8_t *buf, size_t len,
	     struct kernel_image *img, struct elf_head *h, struct xb_err *e);

/* True when buf looks like a Linux bzImage ("HdrS" at 0x202). */
bool bz_probe(const uint8_t *buf, size_t len);

/*
 * Find, decompress (at most cap bytes) and parse the bzImage payload.
 * On success img->owned holds the decompressed ELF, img->compression the
 * payload format.  On failure nothing is left allocated.
 */
int bz_parse(const char *name, const uint8_t *buf, size_t len, uint64_t cap,
	     struct kernel_image *img, struct xb_err *e);
/*
 * The bzImage payload: its format, bytes and the decompressed size its
 * trailer declares (checked against the cap).  bz_parse's checks and
 * messages.
 */
int bz_payload(const char *name, const uint8_t *buf, size_t len, uint64_t cap,
	       const struct dc_format **fmt, const uint8_t **pl, size_t *plen,
	       uint32_t *declared, struct xb_err *e);

/* ---- decompressor internals (decompress.c), shared with initrd.c ---- */

/*
 * A growing output buffer: at most cap bytes, grown geometrically (never on
 * a size the input declares).  limit = cap + 1: holding that many bytes
 * means "more than the cap".  name and fmt start every message ("NAME:
 * FMT: ..."); a caller decoding several streams into one buffer may change
 * them between streams.
 */
struct dc_out {
	uint8_t *p;
	size_t len; /* bytes produced */
	size_t base; /* len when the current stream started */
	size_t size; /* bytes allocated */
	size_t populated; /* p[0, populated) is faulted in already */
	size_t limit; /* cap + 1 */
	size_t hint; /* first allocation: a guess from the input size */
	/* The decompressed size the container declares (the bzImage payload's
	 * trailer), 0 when unknown.  Untrusted: it sizes the first allocation
	 * (never beyond the cap), nothing else. */
	uint64_t expect;
	uint64_t cap;
	bool over_cap; /* the last failure was the cap */
	bool huge; /* a decoder that wants huge pages wrote into it */
	/* p[0, size) is the caller's (dc_decompress_into): never grown,
	 * freed or advised; output beyond it is refused. */
	bool fixed;
	/* Sink mode (dc_decompress_sink): the output goes into the windows
	 * the sink hands out, never into p; win_used bytes of the current
	 * window win[0, win_len) are written. */
	const struct dc_sink *sink;
	uint8_t *win;
	size_t win_len, win_used;
	const char *name, *fmt;
	struct xb_err *e;
};

void dc_out_init(struct dc_out *o, const char *name, const char *fmt,
		 size_t in_len, uint64_t cap, struct xb_err *e);
/* Room for at least min(want, limit - len) more bytes (want >= 1); the cap
 * message when the buffer already holds more than the cap. */
int dc_out_reserve(struct dc_out *o, size_t want);
/* Append n bytes; the cap message when they do not fit under the cap. */
int dc_out_append(struct dc_out *o, const void *p, size_t n);
/* Record "NAME: FMT: decompressed size exceeds limit (CAP bytes)". */
int dc_out_too_big(struct dc_out *o);
/* rc < 0: free the buffer and return rc.  Else hand it over trimmed, as
 * *out (never NULL, even when empty) and *out_len. */
int dc_out_finish(struct dc_out *o, int rc, uint8_t **out, size_t *out_len);

/*
 * Decode the one stream of format f that starts at in[0] (see dc_stream in
 * loader.h), appending to o; o->fmt is set to f->name.  *used: the bytes
 * of in that the stream took.
 */
int dc_run_one(const struct dc_format *f, struct dc_out *o, const uint8_t *in,
	       size_t in_len, size_t *used);

/* True when b starts with a newc cpio header magic ("070701", or "070702"
 * with checksums), the only ones Linux's initramfs unpacker reads. */
static inline bool cpio_newc_magic(const uint8_t *b, size_t len)
{
	return len >= 6 && !memcmp(b, "07070", 5) &&
	       (b[5] == '1' || b[5] == '2');
}

/* Read little-endian values from possibly unaligned bytes. */
static inline uint16_t xb_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t xb_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t xb_le64(const uint8_t *p)
{
	return (uint64_t)xb_le32(p) | (uint64_t)xb_le32(p + 4) << 32;
}

static inline uint32_t xb_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint16_t xb_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

#endif
