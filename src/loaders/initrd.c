/*
 * initrd.c - an initrd file as Linux's initramfs unpacker reads it
 * (init/initramfs.c, unpack_to_rootfs): a sequence of members, each a newc
 * cpio archive or a compressed stream, zero padding between them.  Linux
 * skips zero bytes, parses a "0" at a 4-byte aligned offset as cpio entries,
 * and hands anything else to the decompressor its magic names, going on
 * after the bytes that decompressor consumed.  Inside a compressed member
 * it accepts only cpio entries and zero padding, and the member must end
 * after a whole entry.
 *
 * The builder hands the guest one image that unpacks to the same files:
 * cpio entries and zero padding as they are, compressed members
 * decompressed, each member 4-byte aligned (the cpio entries of a
 * compressed member are aligned relative to its own start: the zeros that
 * align it are more padding, which Linux skips).  A file that is one
 * compressed member gives its decompressed bytes alone, as one
 * decompressor call always did.
 *
 * newc header (Documentation/driver-api/early-userspace/buffer-format.rst):
 * "070701" or "070702", then 13 fields of 8 hex digits (ino, mode, uid,
 * gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
 * namesize, check); the name (namesize bytes with its NUL) follows, padded
 * so that header + name is a multiple of 4, then filesize bytes of data,
 * padded to 4.  "TRAILER!!!" ends an archive.
 */
#include "loader_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define CPIO_HDR 110
#define CPIO_FIELDS 13
#define CPIO_FILESIZE 6
#define CPIO_NAMESIZE 11
#define CPIO_NAME_MAX 4096 /* Linux refuses names beyond PATH_MAX */

#define HINT "`ramdisk_decompress = 0` loads the file as it is"

static uint64_t align4(uint64_t v)
{
	return (v + 3) & ~3ULL;
}

/* One 8-digit hex field of a newc header; false when it is not hex. */
static bool hex8(const uint8_t *p, uint32_t *v)
{
	uint32_t r = 0;

	for (unsigned i = 0; i < 8; i++) {
		uint8_t c = p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		r = r << 4 | d;
	}
	*v = r;
	return true;
}

static const char *const field_name[CPIO_FIELDS] = {
	"ino",	     "mode",	 "uid",	     "gid",	 "nlink",
	"mtime",     "filesize", "devmajor", "devminor", "rdevmajor",
	"rdevminor", "namesize", "check",
};

/*
 * The newc entry at b[off] (off a multiple of 4 relative to where its
 * archive's alignment counts from, i.e. to b): *end is the offset of what
 * follows it (header, name and data with their padding), *trailer whether
 * it is "TRAILER!!!".  Returns false with the reason in why.
 */
static bool cpio_entry(const uint8_t *b, size_t len, size_t off, size_t *end,
		       bool *trailer, char *why, size_t why_len)
{
	uint32_t f[CPIO_FIELDS];
	uint64_t name_end, data, stop;

	if (len - off < CPIO_HDR) {
		snprintf(why, why_len,
			 "cpio header cut short (%zu of %d bytes)", len - off,
			 CPIO_HDR);
		return false;
	}
	if (!cpio_newc_magic(b + off, len - off)) {
		snprintf(why, why_len, "no newc cpio magic (%s)",
			 !memcmp(b + off, "070707", 6) ?
				 "\"070707\" is the odc format: Linux reads only cpio -H newc" :
				 "want \"070701\" or \"070702\"");
		return false;
	}
	for (unsigned i = 0; i < CPIO_FIELDS; i++)
		if (!hex8(b + off + 6 + 8 * i, &f[i])) {
			snprintf(why, why_len,
				 "cpio header field %s is not 8 hex digits",
				 field_name[i]);
			return false;
		}
	if (f[CPIO_NAMESIZE] == 0 || f[CPIO_NAMESIZE] > CPIO_NAME_MAX) {
		snprintf(why, why_len, "cpio namesize %u (1 to %d bytes)",
			 f[CPIO_NAMESIZE], CPIO_NAME_MAX);
		return false;
	}
	/* off < len <= SIZE_MAX and both sizes < 2^32: no 64-bit overflow. */
	name_end = (uint64_t)off + CPIO_HDR + f[CPIO_NAMESIZE];
	data = align4(name_end);
	stop = align4(data + f[CPIO_FILESIZE]);
	if (stop > len) {
		snprintf(why, why_len,
			 "cpio entry of %llu bytes (name %u bytes, data %u bytes) runs "
			 "past the end (%zu bytes left)",
			 (unsigned long long)(stop - off), f[CPIO_NAMESIZE],
			 f[CPIO_FILESIZE], len - off);
		return false;
	}
	if (b[name_end - 1] != '\0') {
		snprintf(why, why_len, "cpio name of %u bytes without its NUL",
			 f[CPIO_NAMESIZE]);
		return false;
	}
	*trailer = f[CPIO_NAMESIZE] == 11 &&
		   !memcmp(b + off + CPIO_HDR, "TRAILER!!!", 11);
	*end = (size_t)stop;
	return true;
}

/*
 * What Linux accepts inside a compressed member: cpio entries, each at a
 * 4-byte aligned offset of the member's data, and zero padding; the data
 * ends after a whole entry or in padding.
 */
static bool member_is_cpio(const uint8_t *c, size_t n, char *why,
			   size_t why_len)
{
	size_t p = 0, end;
	bool trailer;
	char sub[256];

	while (p < n) {
		if (c[p] == 0) {
			while (p < n && c[p] == 0)
				p++;
			if (p < n && (p & 3)) {
				snprintf(why, why_len,
					 "zero padding in its data ends at offset %zu, "
					 "not a multiple of 4",
					 p);
				return false;
			}
			continue;
		}
		if (c[p] != '0' || (p & 3)) {
			snprintf(why, why_len,
				 "its data is not cpio: byte 0x%02x at offset %zu",
				 c[p], p);
			return false;
		}
		if (!cpio_entry(c, n, p, &end, &trailer, sub, sizeof(sub))) {
			snprintf(why, why_len, "its data at offset %zu: %s", p,
				 sub);
			return false;
		}
		p = end;
	}
	return true;
}

struct walk {
	const char *name;
	const uint8_t *b;
	size_t len;
	uint64_t cap;
	struct dc_out out;
	bool copying; /* out holds the file's image up to pos */
	unsigned member; /* number of the current member, from 1 */
	unsigned ncompressed;
	size_t first_start, first_end; /* the first compressed member in out */
	char label[XB_MSG_MAX / 2];
	char format[XB_INITRD_FORMAT_MAX];
	char bad[XB_MSG_MAX]; /* the first compressed member that is not cpio */
	struct xb_err *e;
};

static void add_format(struct walk *w, const char *f)
{
	size_t n = strlen(f), have = strlen(w->format);
	const char *p = w->format;

	while ((p = strstr(p, f))) { /* already listed? */
		if ((p == w->format || p[-1] == '+') && (p[n] == '+' || !p[n]))
			return;
		p += n;
	}
	if (have + !!have + n >= sizeof(w->format))
		return; /* cannot happen: room for every format once */
	if (have)
		w->format[have++] = '+';
	memcpy(w->format + have, f, n + 1);
}

static int fail_at(struct walk *w, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "NAME: member N at byte offset X: ...; <hint>" */
static int fail_at(struct walk *w, size_t at, const char *fmt, ...)
{
	char what[XB_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return xb_fail(w->e, XB_EINPUT,
		       "%s: member %u at byte offset %zu: %s; " HINT, w->name,
		       w->member, at, what);
}

/* The cap, reached by member w->member (fmt) at byte offset at. */
static int over_cap(struct walk *w, const char *fmt, size_t at)
{
	xb_err_clear(w->e);
	return xb_fail(
		w->e, XB_EINPUT,
		"%s: member %u (%s) at byte offset %zu: the members decompress "
		"to more than the limit (%llu bytes): raise "
		"xbuild_max_decompressed (--max-decompressed)",
		w->name, w->member, fmt, at, (unsigned long long)w->cap);
}

/* Append file bytes [from, to) to the image, 4-byte aligned first when
 * they start a member. */
static int copy(struct walk *w, size_t from, size_t to, bool member_start)
{
	static const uint8_t zero[4];
	int rc = 0;

	if (member_start)
		rc = dc_out_append(&w->out, zero, (size_t)(-w->out.len & 3));
	if (rc == 0)
		rc = dc_out_append(&w->out, w->b + from, to - from);
	if (rc < 0 && w->out.over_cap)
		return over_cap(w, "cpio", from);
	return rc;
}

/* Plain cpio entries from *pos up to a trailer, a zero byte or another
 * member; *pos ends after the last entry, *trailer tells whether it was
 * "TRAILER!!!". */
static int plain_member(struct walk *w, size_t *pos, bool *trailer)
{
	size_t p = *pos, end;
	char why[512];
	int rc;

	*trailer = false;
	while (p < w->len && !(p & 3) && w->b[p] == '0' && !*trailer) {
		if (!cpio_entry(w->b, w->len, p, &end, trailer, why,
				sizeof(why)))
			return fail_at(w, *pos,
				       "cpio entry at byte offset %zu: %s", p,
				       why);
		p = end;
	}
	if (w->copying && (rc = copy(w, *pos, p, true)) < 0)
		return rc;
	*pos = p;
	return 0;
}

static int compressed_member(struct walk *w, const struct dc_format *f,
			     size_t *pos)
{
	static const uint8_t zero[4];
	size_t used, start;
	int rc;

	if (!w->copying) {
		/* The first one: the file before it, as it is. */
		w->copying = true;
		if ((rc = copy(w, 0, *pos, false)) < 0)
			return rc;
	}
	if ((rc = dc_out_append(&w->out, zero, (size_t)(-w->out.len & 3))) < 0)
		return w->out.over_cap ? over_cap(w, f->name, *pos) : rc;
	start = w->out.len;
	if (w->member == 1 && *pos == 0)
		snprintf(w->label, sizeof(w->label), "%s", w->name);
	else
		snprintf(w->label, sizeof(w->label),
			 "%s: member %u at byte offset %zu", w->name, w->member,
			 *pos);
	w->out.name = w->label;
	rc = dc_run_one(f, &w->out, w->b + *pos, w->len - *pos, &used);
	/* A decoder may fill the buffer to cap + 1 bytes: that is over too. */
	if (rc == 0 && w->out.len > w->cap)
		rc = dc_out_too_big(&w->out);
	if (rc < 0)
		return w->out.over_cap && w->member > 1 ?
			       over_cap(w, f->name, *pos) :
			       rc;
	if (used == 0 || used > w->len - *pos)
		return xb_fail(w->e, XB_EINTERNAL, "%s: %s took %zu bytes",
			       w->label, f->name, used);
	if (w->ncompressed == 1) {
		w->first_start = start;
		w->first_end = w->out.len;
	}
	if (!w->bad[0]) {
		char why[XB_MSG_MAX / 2];
		/* A member that decodes to nothing may leave no buffer yet. */
		const uint8_t *data = w->out.p ? w->out.p + start : NULL;

		if (!member_is_cpio(data, w->out.len - start, why, sizeof(why)))
			snprintf(w->bad, sizeof(w->bad),
				 "%s: member %u (%s) at byte offset %zu: %s, which Linux "
				 "refuses next to another member; " HINT,
				 w->name, w->member, f->name, *pos, why);
	}
	*pos += used;
	return 0;
}

static int walk(struct walk *w, size_t pos)
{
	bool after_entry = false; /* Linux checks the padding after an entry */
	bool in_cpio = false; /* inside a plain archive (no trailer yet) */
	const struct dc_format *f;
	int rc;

	while (pos < w->len) {
		const uint8_t *p = w->b + pos;

		if (*p == 0) {
			size_t z = pos;

			while (z < w->len && w->b[z] == 0)
				z++;
			if (z < w->len && after_entry && (z & 3))
				return fail_at(
					w, z,
					"zero padding after the cpio archive "
					"of member %u ends at byte offset %zu, not a "
					"multiple of 4",
					w->member, z);
			if (w->copying && (rc = copy(w, pos, z, false)) < 0)
				return rc;
			pos = z;
			in_cpio = after_entry = false;
			continue;
		}
		if (*p == '0' && !(pos & 3)) {
			bool trailer;

			if (!in_cpio) {
				w->member++;
				add_format(w, "cpio");
			}
			if ((rc = plain_member(w, &pos, &trailer)) < 0)
				return rc;
			/* After a trailer, an entry starts another archive. */
			in_cpio = !trailer;
			after_entry = true;
			continue;
		}
		f = dc_probe(p, w->len - pos);
		w->member++;
		if (!f)
			return fail_at(
				w, pos,
				"neither zero padding, a cpio archive nor a "
				"compressed stream (bytes %02x %02x %02x %02x)",
				p[0], w->len - pos > 1 ? p[1] : 0,
				w->len - pos > 2 ? p[2] : 0,
				w->len - pos > 3 ? p[3] : 0);
		w->ncompressed++;
		add_format(w, f->name);
		if ((rc = compressed_member(w, f, &pos)) < 0)
			return rc;
		in_cpio = after_entry = false;
	}
	return 0;
}

int initrd_unpack(const char *name, const uint8_t *buf, size_t len,
		  uint64_t cap, struct initrd_image *img, struct xb_err *e)
{
	struct walk w = { .name = name,
			  .b = buf,
			  .len = len,
			  .cap = cap,
			  .e = e };
	size_t pos = 0;
	uint8_t *out;
	size_t out_len;
	int rc;

	memset(img, 0, sizeof(*img));
	while (pos < len && buf[pos] == 0)
		pos++;
	/* Not an initramfs (nothing, or a filesystem image): as it is. */
	if (pos == len || (!(buf[pos] == '0' && !(pos & 3)) &&
			   !dc_probe(buf + pos, len - pos)))
		goto as_it_is;

	dc_out_init(&w.out, name, "initrd", len, cap, e);
	rc = walk(&w, pos);
	if (rc == 0 && w.ncompressed == 0) {
		/* Nothing to decompress (the output was not made). */
		dc_out_finish(&w.out, -1, &out, &out_len);
		img->members = w.member;
		goto as_it_is;
	}
	if (rc == 0 && w.member > 1 && w.bad[0])
		rc = xb_fail(e, XB_EINPUT, "%s", w.bad);
	if (rc == 0 && w.member == 1) {
		/* One compressed member: its bytes alone, as one decompressor
		 * call gives them (padding around it dropped). */
		if (w.out.p)
			memmove(w.out.p, w.out.p + w.first_start,
				w.first_end - w.first_start);
		w.out.len = w.first_end - w.first_start;
	}
	rc = dc_out_finish(&w.out, rc, &out, &out_len);
	if (rc < 0)
		return rc;
	img->data = img->owned = out;
	img->len = out_len;
	img->members = w.member;
	memcpy(img->format, w.format, sizeof(img->format));
	return 0;
as_it_is:
	img->data = buf;
	img->len = len;
	strcpy(img->format, "none");
	return 0;
}

void initrd_image_free(struct initrd_image *img)
{
	free(img->owned);
	memset(img, 0, sizeof(*img));
}
