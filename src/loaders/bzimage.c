/*
 * bzimage.c - Linux bzImage: find the compressed payload through the setup
 * header (Documentation/arch/x86/boot.rst, protocol >= 2.08) and hand back
 * the decompressed ELF (vmlinux) inside it.
 */
#include "loader_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Setup header offsets (boot protocol). */
#define BZ_SETUP_SECTS 0x1f1 /* u8: 512-byte setup sectors, 0 means 4 */
#define BZ_MAGIC 0x202 /* "HdrS" */
#define BZ_VERSION 0x206 /* u16: boot protocol version */
#define BZ_PAYLOAD_OFFSET \
	0x248 /* u32, protocol 2.08: from the protected-mode code */
#define BZ_PAYLOAD_LENGTH 0x24c /* u32 */
#define BZ_HDR_END 0x250

bool bz_probe(const uint8_t *buf, size_t len)
{
	return len >= BZ_MAGIC + 4 && !memcmp(buf + BZ_MAGIC, "HdrS", 4);
}

int bz_payload(const char *name, const uint8_t *buf, size_t len, uint64_t cap,
	       const struct dc_format **fmtp, const uint8_t **plp,
	       size_t *plenp, uint32_t *declaredp, struct xb_err *e)
{
	const struct dc_format *fmt;
	const uint8_t *pl;
	uint64_t off, plen;
	uint32_t declared;
	uint16_t version;
	unsigned sects;

	if (len < BZ_HDR_END)
		return xb_fail(
			e, XB_EINPUT,
			"%s: bzImage: file too short for the setup header (%zu bytes < %u)",
			name, len, BZ_HDR_END);
	version = xb_le16(buf + BZ_VERSION);
	if (version < 0x208)
		return xb_fail(
			e, XB_EINPUT,
			"%s: bzImage: boot protocol %u.%02u < 2.08 (no payload fields)",
			name, version >> 8, version & 0xff);
	sects = buf[BZ_SETUP_SECTS] ? buf[BZ_SETUP_SECTS] : 4;
	/* (sects + 1) * 512 < 2^17 and payload_offset < 2^32: no overflow. */
	off = (uint64_t)(sects + 1) * 512 + xb_le32(buf + BZ_PAYLOAD_OFFSET);
	plen = xb_le32(buf + BZ_PAYLOAD_LENGTH);
	if (!xb_range_ok(off, plen, len))
		return xb_fail(
			e, XB_EINPUT,
			"%s: bzImage: payload 0x%llx+0x%llx past end of file (%zu bytes)",
			name, (unsigned long long)off, (unsigned long long)plen,
			len);
	if (plen < 8)
		return xb_fail(e, XB_EINPUT,
			       "%s: bzImage: payload_length %llu too small",
			       name, (unsigned long long)plen);
	pl = buf + off;
	fmt = dc_probe(pl, plen);
	if (!fmt)
		return xb_fail(
			e, XB_EINPUT,
			"%s: bzImage: payload: unknown compression (magic %02x %02x %02x %02x)",
			name, pl[0], pl[1], pl[2], pl[3]);
	/* Linux appends the decompressed size (LE32) to every payload (for
	 * gzip it is the gzip trailer's ISIZE).  Refuse early when it is over
	 * the cap; the decoder enforces the cap on the real output anyway and
	 * takes it only as the size of its output buffer. */
	declared = xb_le32(pl + plen - 4);
	if (declared > cap)
		return xb_fail(
			e, XB_EINPUT,
			"%s: bzImage: %s: declared decompressed size %u exceeds limit (%llu bytes)",
			name, fmt->name, declared, (unsigned long long)cap);
	*fmtp = fmt;
	*plp = pl;
	*plenp = (size_t)plen;
	*declaredp = declared;
	return 0;
}

int bz_parse(const char *name, const uint8_t *buf, size_t len, uint64_t cap,
	     struct kernel_image *img, struct xb_err *e)
{
	const struct dc_format *fmt;
	const uint8_t *pl;
	size_t plen;
	uint32_t declared;
	char what[48];
	uint8_t *out;
	size_t out_len;
	int rc;

	rc = bz_payload(name, buf, len, cap, &fmt, &pl, &plen, &declared, e);
	if (rc < 0)
		return rc;
	rc = dc_decompress(fmt, name, pl, (size_t)plen, cap, declared, &out,
			   &out_len, e);
	if (rc < 0)
		return rc;
	if (out_len != declared) {
		free(out);
		return xb_fail(
			e, XB_EINPUT,
			"%s: bzImage: %s: decompressed %zu bytes, the payload trailer says %u",
			name, fmt->name, out_len, declared);
	}
	snprintf(what, sizeof(what), "bzImage: %s payload", fmt->name);
	return elf_adopt(img, out, out_len, "bzImage", fmt->name, name, what,
			 e);
}
