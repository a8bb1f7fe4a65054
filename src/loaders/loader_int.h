/*
 * loader_int.h - what the loader modules (elf.c, bzimage.c, decompress.c,
 * kernel.c) share with each other and with nobody else.  The public
 * contract is loader.h.
 */
#ifndef XB_LOADER_INT_H
#define XB_LOADER_INT_H

#include "loader.h"

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

/* True when buf looks like a Linux bzImage ("HdrS" at 0x202). */
bool bz_probe(const uint8_t *buf, size_t len);

/*
 * Find, decompress (at most cap bytes) and parse the bzImage payload.
 * On success img->owned holds the decompressed ELF, img->compression the
 * payload format.  On failure nothing is left allocated.
 */
int bz_parse(const char *name, const uint8_t *buf, size_t len, uint64_t cap,
	     struct kernel_image *img, struct xb_err *e);

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
