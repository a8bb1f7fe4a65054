/*
 * test_initrd.c - multi-member initrds (initrd_unpack) and the one-stream
 * decompressor API (dc_stream): cpio archives built here, compressed with
 * the libraries in every format Linux reads (legacy lz4 framing and the
 * lzop header made by hand), concatenated the way initramfs-tools and
 * dracut do, and checked byte for byte against the concatenation of the
 * members' cpio archives.  Also the decoders' limit messages.
 */
#include "harness.h"
#include "../../src/loaders/loader.h"

#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

/* ---- a growable byte buffer ---- */

struct buf {
	uint8_t *p;
	size_t len, size;
};

static void b_put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->size) {
		b->size = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->size);
		if (!b->p)
			abort();
	}
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void b_zero(struct buf *b, size_t n)
{
	static const uint8_t z[4096];

	while (n) {
		size_t k = n < sizeof(z) ? n : sizeof(z);

		b_put(b, z, k);
		n -= k;
	}
}

static void b_be32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 8), (uint8_t)v };

	b_put(b, x, 4);
}

static void b_le32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	b_put(b, x, 4);
}

/* ---- newc cpio archives ---- */

static void cpio_add(struct buf *b, const char *name, const void *data,
		     size_t len, uint32_t mode)
{
	static unsigned ino = 1000;
	char hdr[128];
	size_t ns = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ino++, mode, 0u, 0u, 1u, 0u, (unsigned)len, 0u, 0u, 0u, 0u,
		 (unsigned)ns, 0u);
	b_put(b, hdr, 110);
	b_put(b, name, ns);
	b_zero(b, -b->len & 3);
	b_put(b, data, len);
	b_zero(b, -b->len & 3);
}

/* An archive with a directory, a file "DIR/NAME" of len bytes (text, or
 * random when noisy) and a trailer, padded to 512 bytes as cpio does. */
static struct buf cpio_archive(const char *dir, size_t len, bool noisy)
{
	struct buf b = { 0 };
	char path[64];
	uint8_t *d = malloc(len + 1);
	uint32_t x = (uint32_t)len * 2654435761u + (uint8_t)dir[0];

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		d[i] = noisy ? (uint8_t)(x >> 24) :
			       (uint8_t)("member data\n"[i % 12] +
					 (i / 4096) % 7);
	}
	cpio_add(&b, dir, NULL, 0, 040755);
	snprintf(path, sizeof(path), "%s/marker", dir);
	cpio_add(&b, path, d, len, 0100644);
	cpio_add(&b, "TRAILER!!!", NULL, 0, 0);
	b_zero(&b, -b.len & 511);
	free(d);
	return b;
}

/* ---- compressors, as the tools would write them ---- */

static void c_gzip(struct buf *o, const uint8_t *in, size_t n)
{
	z_stream z;

	memset(&z, 0, sizeof(z));
	REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
			     Z_DEFAULT_STRATEGY) == Z_OK);
	o->size = deflateBound(&z, n) + 64;
	o->p = malloc(o->size);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = o->p;
	z.avail_out = (uInt)o->size;
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	o->len = z.total_out;
	deflateEnd(&z);
}

static void c_bzip2(struct buf *o, const uint8_t *in, size_t n)
{
	unsigned dl = (unsigned)(n + n / 100 + 600);

	o->p = malloc(dl);
	o->size = dl;
	CHECK(BZ2_bzBuffToBuffCompress((char *)o->p, &dl, (char *)(uintptr_t)in,
				       (unsigned)n, 9, 0, 0) == BZ_OK);
	o->len = dl;
}

/* xz through the streaming encoder (block headers without sizes, as
 * `xz` writes them); lzma through the .lzma ("alone") encoder. */
static void c_liblzma(struct buf *o, const uint8_t *in, size_t n, bool alone)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_options_lzma opt;

	if (alone) {
		lzma_lzma_preset(&opt, 6);
		REQUIRE(lzma_alone_encoder(&s, &opt) == LZMA_OK);
	} else {
		REQUIRE(lzma_easy_encoder(&s, 6, LZMA_CHECK_CRC32) == LZMA_OK);
	}
	o->size = n + n / 2 + 4096;
	o->p = malloc(o->size);
	s.next_in = in;
	s.avail_in = n;
	s.next_out = o->p;
	s.avail_out = o->size;
	CHECK(lzma_code(&s, LZMA_FINISH) == LZMA_STREAM_END);
	o->len = o->size - s.avail_out;
	lzma_end(&s);
}

static void c_zstd(struct buf *o, const uint8_t *in, size_t n)
{
	o->size = ZSTD_compressBound(n);
	o->p = malloc(o->size);
	o->len = ZSTD_compress(o->p, o->size, in, n, 3);
	CHECK(!ZSTD_isError(o->len));
}

/* Linux's legacy lz4 frame (lz4 -l): magic, then LE32 size + block of at
 * most 8 MiB, no end marker. */
static void c_lz4(struct buf *o, const uint8_t *in, size_t n)
{
	const size_t blk = 8u << 20;
	char *t = malloc((size_t)LZ4_compressBound((int)blk));

	b_le32(o, 0x184C2102u);
	for (size_t at = 0; at < n; at += blk) {
		int k = (int)(n - at < blk ? n - at : blk);
		int c = LZ4_compress_default((const char *)in + at, t, k,
					     LZ4_compressBound(k));

		REQUIRE(c > 0);
		b_le32(o, (uint32_t)c);
		b_put(o, t, (size_t)c);
	}
	free(t);
}

/* lzop's file format: header (version 0x1030, LZO1X-1, no name, adler32
 * of the uncompressed data), 256 KiB blocks, a zero-length end block. */
static void c_lzo(struct buf *o, const uint8_t *in, size_t n)
{
	static const uint8_t magic[9] = { 0x89, 'L',  'Z',  'O', 0,
					  '\r', '\n', 0x1a, '\n' };
	const size_t blk = 256u << 10;
	uint8_t *wrk = malloc(LZO1X_1_MEM_COMPRESS),
		*t = malloc(blk + blk / 16 + 64 + 3);
	size_t h;

	REQUIRE(lzo_init() == LZO_E_OK);
	b_put(o, magic, sizeof(magic));
	h = o->len;
	b_put(o, "\x10\x30", 2); /* version */
	b_put(o, "\x20\xa0", 2); /* library version */
	b_put(o, "\x09\x40", 2); /* version needed */
	b_put(o, "\x01\x05", 2); /* method LZO1X-1, level */
	b_be32(o, 0x00000001u); /* flags: F_ADLER32_D */
	b_be32(o, 0100644); /* mode */
	b_be32(o, 0); /* mtime */
	b_be32(o, 0);
	b_put(o, "", 1); /* name length 0 */
	b_be32(o, (uint32_t)lzo_adler32(1, o->p + h, o->len - h));
	for (size_t at = 0; at < n; at += blk) {
		size_t k = n - at < blk ? n - at : blk;
		lzo_uint cl = 0;

		REQUIRE(lzo1x_1_compress(in + at, k, t, &cl, wrk) == LZO_E_OK);
		b_be32(o, (uint32_t)k);
		b_be32(o, (uint32_t)(cl < k ? cl : k));
		b_be32(o, (uint32_t)lzo_adler32(1, in + at, k));
		if (cl < k)
			b_put(o, t, cl);
		else
			b_put(o, in + at, k); /* stored */
	}
	b_be32(o, 0);
	free(wrk);
	free(t);
}

static const char *const fmts[] = { "cpio", "gzip", "bzip2", "xz",
				    "lzma", "lzo",  "lz4",   "zstd" };

/* Member bytes: the archive as it is ("cpio") or compressed. */
static struct buf member(const char *fmt, const struct buf *a)
{
	struct buf o = { 0 };

	if (!strcmp(fmt, "cpio"))
		b_put(&o, a->p, a->len);
	else if (!strcmp(fmt, "gzip"))
		c_gzip(&o, a->p, a->len);
	else if (!strcmp(fmt, "bzip2"))
		c_bzip2(&o, a->p, a->len);
	else if (!strcmp(fmt, "xz"))
		c_liblzma(&o, a->p, a->len, false);
	else if (!strcmp(fmt, "lzma"))
		c_liblzma(&o, a->p, a->len, true);
	else if (!strcmp(fmt, "lzo"))
		c_lzo(&o, a->p, a->len);
	else if (!strcmp(fmt, "lz4"))
		c_lz4(&o, a->p, a->len);
	else if (!strcmp(fmt, "zstd"))
		c_zstd(&o, a->p, a->len);
	return o;
}

/* ---- running the unpacker ---- */

struct res {
	int rc;
	struct initrd_image img;
	struct xb_err e;
};

static struct res unpack(const struct buf *f, uint64_t cap)
{
	struct res r;

	memset(&r, 0, sizeof(r));
	r.rc = initrd_unpack("initrd.img", f->p, f->len, cap, &r.img, &r.e);
	if (r.rc == 0 && r.img.owned && r.img.members > 1) {
		/* What the guest gets unpacks as it is: nothing in it is
		 * compressed any more, and it walks without an error. */
		struct initrd_image again;
		struct xb_err e2 = { 0 };

		CHECK_EQ(initrd_unpack("again", r.img.data, r.img.len, 0,
				       &again, &e2),
			 0);
		CHECK(again.owned == NULL);
		initrd_image_free(&again);
	}
	return r;
}

static void res_free(struct res *r)
{
	initrd_image_free(&r->img);
}

/*
 * An initrd of n members: archive i in format fmt[i], followed by pad[i]
 * zero bytes, plus what a plain cpio member needs to start 4-byte aligned
 * in the file.  *want is what the guest must get: each archive (as it is,
 * or decompressed) 4-byte aligned, the zero padding of the file kept
 * (Linux skips it).
 */
static struct buf initrd_of(unsigned n, const char *const *fmt,
			    const struct buf *const *a, const size_t *pad,
			    struct buf *want)
{
	struct buf f = { 0 };

	memset(want, 0, sizeof(*want));
	for (unsigned i = 0; i < n; i++) {
		struct buf m = member(fmt[i], a[i]);

		if (!strcmp(fmt[i], "cpio")) {
			size_t k = -f.len & 3;

			b_zero(&f, k);
			b_zero(want, k);
		}
		b_zero(want, -want->len & 3);
		b_put(&f, m.p, m.len);
		b_put(want, a[i]->p, a[i]->len);
		b_zero(&f, pad ? pad[i] : 0);
		b_zero(want, pad ? pad[i] : 0);
		free(m.p);
	}
	return f;
}

static bool same(const struct res *r, const struct buf *want)
{
	return r->rc == 0 && r->img.len == want->len &&
	       !memcmp(r->img.data, want->p, want->len);
}

static void expect_format(const struct res *r, const char *a, const char *b)
{
	char want[64];

	if (!strcmp(a, "cpio") && !strcmp(b, "cpio"))
		snprintf(want, sizeof(want),
			 "none"); /* nothing to decompress */
	else if (!strcmp(a, b))
		snprintf(want, sizeof(want), "%s", a);
	else
		snprintf(want, sizeof(want), "%s+%s", a, b);
	CHECK_STR(r->img.format, want);
}

/* ---- tests ---- */

/* Every ordered pair of formats (plain cpio and the seven compressed),
 * back to back and with zero padding between the members: 0 or 512 bytes
 * after a plain archive (it must stay aligned), 0, 1, 2, 3 or 7 after a
 * stream (a legacy lz4 stream has no end marker: padding must end it). */
static void pairs(void)
{
	struct buf a = cpio_archive("m1", 3000, false),
		   b = cpio_archive("m2", 70000, false);
	struct buf ma[XB_ARRAY_SIZE(fmts)], mb[XB_ARRAY_SIZE(fmts)];
	unsigned ok = 0, n = 0;

	for (unsigned i = 0; i < XB_ARRAY_SIZE(fmts); i++) {
		ma[i] = member(fmts[i], &a);
		mb[i] = member(fmts[i], &b);
	}
	for (unsigned i = 0; i < XB_ARRAY_SIZE(fmts); i++) {
		static const size_t after_cpio[] = { 0, 512 },
				    after_stream[] = { 0, 1, 2, 3, 7 };
		const size_t *pads = i ? after_stream : after_cpio;
		size_t npads = i ? XB_ARRAY_SIZE(after_stream) :
				   XB_ARRAY_SIZE(after_cpio);

		for (unsigned j = 0; j < XB_ARRAY_SIZE(fmts); j++) {
			for (size_t k = 0; k < npads; k++) {
				struct buf f = { 0 }, want = { 0 };
				struct res r;

				/* the file: A, padding, (alignment for a plain cpio), B */
				b_put(&f, ma[i].p, ma[i].len);
				b_zero(&f, pads[k]);
				if (j == 0)
					b_zero(&f, -f.len & 3);
				b_put(&f, mb[j].p, mb[j].len);
				/* the image: A, the same zeros up to 4-byte alignment, B */
				b_put(&want, a.p, a.len);
				b_zero(&want, (f.len - mb[j].len - ma[i].len +
					       3) & ~(size_t)3);
				b_put(&want, b.p, b.len);
				r = unpack(&f, 1 << 20);
				n++;
				if (i == 0 && j == 0) {
					/* plain cpio only: the file itself */
					CHECK(r.rc == 0 && r.img.data == f.p &&
					      r.img.len == f.len);
					ok += r.rc == 0;
				} else if (!same(&r, &want)) {
					t_fail(__FILE__, __LINE__,
					       "%s, %zu zeros, %s: rc %d, %zu bytes: %s",
					       fmts[i], pads[k], fmts[j], r.rc,
					       r.img.len, r.e.msg);
				} else {
					ok++;
				}
				if (r.rc == 0) {
					CHECK_EQ(r.img.members, 2);
					expect_format(&r, fmts[i], fmts[j]);
				}
				/* back to back, the image is exactly the two archives */
				if (f.len == ma[i].len + mb[j].len &&
				    r.rc == 0 && (i || j))
					CHECK(r.img.len == a.len + b.len &&
					      !memcmp(r.img.data, a.p, a.len) &&
					      !memcmp(r.img.data + a.len, b.p,
						      b.len));
				res_free(&r);
				free(want.p);
				free(f.p);
			}
		}
	}
	printf("  %u of %u pairs unpacked to both archives\n", ok, n);
	for (unsigned i = 0; i < XB_ARRAY_SIZE(fmts); i++) {
		free(ma[i].p);
		free(mb[i].p);
	}
	free(a.p);
	free(b.p);
}

/* A plain cpio between two compressed members, and every format in one
 * file (how the e2e case builds its initrd). */
static void plain_in_the_middle(void)
{
	struct buf a = cpio_archive("m1", 5000, false),
		   b = cpio_archive("m2", 100, false),
		   c = cpio_archive("m3", 9000, true);
	const struct buf *abc[3] = { &a, &b, &c };
	const char *fm[3] = { "zstd", "cpio", "xz" };
	size_t pad[3] = { 1, 0, 13 }; /* 13: trailing padding, kept */
	struct buf want, f = initrd_of(3, fm, abc, pad, &want);
	struct res r = unpack(&f, 1 << 20);

	CHECK(same(&r, &want));
	CHECK_EQ(r.img.members, 3);
	CHECK_STR(r.img.format, "zstd+cpio+xz");
	res_free(&r);
	free(want.p);
	free(f.p);

	/* eight members, one of each format, as the e2e case builds them */
	{
		struct buf arch[8];
		const struct buf *ap[8];
		size_t pads[8];

		for (unsigned i = 0; i < 8; i++) {
			char d[8];

			snprintf(d, sizeof(d), "d%u", i);
			arch[i] = cpio_archive(d, 1000 + 777 * i, i & 1);
			ap[i] = &arch[i];
			pads[i] = i;
		}
		f = initrd_of(8, fmts, ap, pads, &want);
		r = unpack(&f, 1 << 20);
		CHECK(same(&r, &want));
		CHECK_EQ(r.img.members, 8);
		CHECK_STR(r.img.format, "cpio+gzip+bzip2+xz+lzma+lzo+lz4+zstd");
		res_free(&r);
		for (unsigned i = 0; i < 8; i++)
			free(arch[i].p);
		free(want.p);
		free(f.p);
	}
	free(a.p);
	free(b.p);
	free(c.p);
}

/* One member: exactly what the whole-input decompressor gives, as before. */
static void single_member(void)
{
	struct buf a = cpio_archive("only", 20000, false);

	for (unsigned i = 1; i < XB_ARRAY_SIZE(fmts); i++) {
		struct buf m = member(fmts[i], &a), f = { 0 };
		const struct dc_format *d = dc_probe(m.p, m.len);
		uint8_t *old = NULL;
		size_t old_len = 0;
		struct xb_err e = { 0 };
		struct res r;

		REQUIRE(d);
		b_put(&f, m.p, m.len);
		b_zero(&f, 100); /* padding after it is dropped, as before */
		CHECK_EQ(d->decompress("x", f.p, f.len, 1 << 20, &old, &old_len,
				       &e),
			 0);
		r = unpack(&f, 1 << 20);
		CHECK_EQ(r.rc, 0);
		CHECK(r.img.owned != NULL);
		CHECK_EQ(r.img.len, old_len);
		CHECK(old && r.img.len == old_len &&
		      !memcmp(r.img.data, old, old_len));
		CHECK_EQ(r.img.members, 1);
		CHECK_STR(r.img.format, fmts[i]);
		res_free(&r);
		free(old);
		free(m.p);
		free(f.p);
	}
	/* a single compressed member may hold anything (an old initrd image) */
	{
		struct buf txt = { 0 }, m, f = { 0 };
		struct res r;

		b_put(&txt, "not a cpio archive, an ext2 image say\n", 38);
		m = member("gzip", &txt);
		b_put(&f, m.p, m.len);
		r = unpack(&f, 1 << 20);
		CHECK_EQ(r.rc, 0);
		CHECK(r.img.len == 38 && !memcmp(r.img.data, txt.p, 38));
		res_free(&r);
		/* ...but not next to another member: Linux refuses it there */
		b_put(&f, m.p, m.len);
		r = unpack(&f, 1 << 20);
		CHECK_EQ(r.rc, -XB_EINPUT);
		CHECK_CONTAINS(
			r.e.msg,
			"initrd.img: member 1 (gzip) at byte offset 0: its data is not cpio");
		CHECK_CONTAINS(r.e.msg, "ramdisk_decompress = 0");
		res_free(&r);
		free(txt.p);
		free(m.p);
		free(f.p);
	}
	free(a.p);
}

/* Files that are not initramfs archives are loaded as they are. */
static void as_it_is(void)
{
	static const uint8_t ext2ish[] =
		"\0\0\0\0\0\0\0\0\0\0\0\0SQSH this is no archive";
	struct buf f = { 0 };
	struct res r;

	b_put(&f, ext2ish, sizeof(ext2ish));
	r = unpack(&f, 1 << 20);
	CHECK_EQ(r.rc, 0);
	CHECK(r.img.data == f.p && r.img.len == f.len && !r.img.owned);
	CHECK_STR(r.img.format, "none");
	res_free(&r);
	f.len = 5; /* zeros only */
	r = unpack(&f, 1 << 20);
	CHECK(r.rc == 0 && r.img.data == f.p && !r.img.owned);
	f.len = 0;
	r = unpack(&f, 1 << 20);
	CHECK(r.rc == 0 && r.img.len == 0 && !r.img.owned);
	free(f.p);
}

/* A second member cut short, in every format: refused, never half loaded. */
static void truncated_second(void)
{
	struct buf a = cpio_archive("m1", 3000, false),
		   b = cpio_archive("m2", 40000, true);

	for (unsigned j = 0; j < XB_ARRAY_SIZE(fmts); j++) {
		struct buf ma = member("gzip", &a), mb = member(fmts[j], &b),
			   f = { 0 };
		struct res r;

		b_put(&f, ma.p, ma.len);
		b_zero(&f, -f.len & 3);
		b_put(&f, mb.p, mb.len / 2);
		r = unpack(&f, 1 << 20);
		if (r.rc != -XB_EINPUT)
			t_fail(__FILE__, __LINE__, "%s cut short: rc %d",
			       fmts[j], r.rc);
		CHECK_CONTAINS(r.e.msg, "initrd.img: member 2 at byte offset");
		CHECK(r.img.data == NULL && r.img.owned == NULL);
		res_free(&r);
		free(ma.p);
		free(mb.p);
		free(f.p);
	}
	free(a.p);
	free(b.p);
}

/* Bytes after a member that are none of padding, cpio or a stream. */
static void junk_after(void)
{
	struct buf a = cpio_archive("m1", 3000, false);

	for (unsigned i = 0; i < XB_ARRAY_SIZE(fmts); i++) {
		struct buf m = member(fmts[i], &a), f = { 0 };
		char want[128];
		struct res r;
		size_t at;

		b_put(&f, m.p, m.len);
		b_zero(&f, 8);
		at = f.len;
		b_put(&f, "JUNK!junk", 9);
		r = unpack(&f, 1 << 20);
		CHECK_EQ(r.rc, -XB_EINPUT);
		snprintf(
			want, sizeof(want),
			"initrd.img: member 2 at byte offset %zu: neither zero "
			"padding, a cpio archive nor a compressed stream (bytes 4a 55 4e 4b)",
			at);
		CHECK_CONTAINS(r.e.msg, want);
		CHECK_CONTAINS(
			r.e.msg,
			"`ramdisk_decompress = 0` loads the file as it is");
		CHECK(!strchr(r.e.msg, '\n'));
		res_free(&r);
		free(m.p);
		free(f.p);
	}
	/* a plain cpio right after a stream but not 4-byte aligned: Linux
	 * takes its "0" for a compressed stream and fails */
	{
		struct buf m = member("gzip", &a), f = { 0 };
		struct res r;

		b_put(&f, m.p, m.len);
		b_zero(&f, (-f.len & 3) + 1);
		b_put(&f, a.p, a.len);
		r = unpack(&f, 1 << 20);
		CHECK_EQ(r.rc, -XB_EINPUT);
		CHECK_CONTAINS(r.e.msg, "member 2 at byte offset");
		res_free(&r);
		free(m.p);
		free(f.p);
	}
	/* zero padding after a cpio archive that does not end 4-byte aligned
	 * (Linux: "broken padding") */
	{
		struct buf m = member("xz", &a), f = { 0 };
		struct res r;

		b_put(&f, a.p, a.len);
		b_zero(&f, 2);
		b_put(&f, m.p, m.len);
		r = unpack(&f, 1 << 20);
		CHECK_EQ(r.rc, -XB_EINPUT);
		CHECK_CONTAINS(r.e.msg, "not a multiple of 4");
		res_free(&r);
		free(m.p);
		free(f.p);
	}
	free(a.p);
}

/* Broken cpio headers in a plain member, each with its cause. */
static void bad_cpio(void)
{
	static const struct {
		size_t at; /* offset in the first header */
		const char *put, *want;
	} cases[] = {
		{ 5, "7", "no newc cpio magic" },
		{ 0, "070707", "odc format" },
		{ 6 + 8 * 11, "00000000", "cpio namesize 0" },
		{ 6 + 8 * 11, "00001001", "cpio namesize 4097" },
		{ 6 + 8 * 6, "0000z000", "field filesize is not 8 hex digits" },
		{ 6 + 8 * 6, "7FFFFFFF", "runs past the end" },
		{ 6 + 8 * 11, "00000002", "without its NUL" },
	};
	struct buf a = cpio_archive("m1", 300, false);

	for (size_t i = 0; i < XB_ARRAY_SIZE(cases); i++) {
		struct buf f = { 0 }, z = member("zstd", &a);
		struct res r;

		b_put(&f, a.p, a.len);
		memcpy(f.p + cases[i].at, cases[i].put, strlen(cases[i].put));
		b_put(&f, z.p, z.len);
		r = unpack(&f, 1 << 20);
		CHECK_EQ(r.rc, -XB_EINPUT);
		CHECK_CONTAINS(
			r.e.msg,
			"initrd.img: member 1 at byte offset 0: cpio entry at byte offset 0");
		CHECK_CONTAINS(r.e.msg, cases[i].want);
		res_free(&r);
		free(f.p);
		free(z.p);
	}
	/* a file cut inside its cpio archive's data */
	{
		struct buf f = { 0 }, z = member("gzip", &a);
		struct res r;

		b_put(&f, z.p, z.len);
		b_zero(&f, -f.len & 3);
		b_put(&f, a.p, 300);
		r = unpack(&f, 1 << 20);
		CHECK_EQ(r.rc, -XB_EINPUT);
		CHECK_CONTAINS(r.e.msg, "member 2");
		CHECK_CONTAINS(r.e.msg, "runs past the end");
		res_free(&r);
		free(f.p);
		free(z.p);
	}
	free(a.p);
}

/* The cap holds for all members together, whichever member crosses it. */
static void cap_across(void)
{
	struct buf a = cpio_archive("m1", 10000, false),
		   b = cpio_archive("m2", 10000, false);
	const struct buf *both[2] = { &a, &b };

	for (unsigned i = 0; i < XB_ARRAY_SIZE(fmts); i++) {
		const char *fm[2] = { "lz4", fmts[i] };
		struct buf want, f = initrd_of(2, fm, both, NULL, &want);
		struct res r;

		r = unpack(&f, want.len);
		CHECK(same(&r, &want));
		res_free(&r);
		r = unpack(&f, want.len - 1);
		CHECK_EQ(r.rc, -XB_EINPUT);
		CHECK_CONTAINS(r.e.msg, "initrd.img: member 2 (");
		CHECK_CONTAINS(r.e.msg,
			       "the members decompress to more than the limit");
		CHECK_CONTAINS(
			r.e.msg,
			"raise xbuild_max_decompressed (--max-decompressed)");
		CHECK(r.img.owned == NULL && r.img.data == NULL);
		res_free(&r);
		/* the first member alone over the cap: its decoder says so */
		r = unpack(&f, a.len - 1);
		CHECK_EQ(r.rc, -XB_EINPUT);
		CHECK_CONTAINS(
			r.e.msg,
			"initrd.img: lz4: decompressed size exceeds limit");
		res_free(&r);
		free(want.p);
		free(f.p);
	}
	free(a.p);
	free(b.p);
}

/* dc_stream: one stream, and how many bytes it took, in every format. */
static void stream_consumed(void)
{
	struct buf a = cpio_archive("s", 50000, true);

	for (unsigned i = 1; i < XB_ARRAY_SIZE(fmts); i++) {
		struct buf m = member(fmts[i], &a), f = { 0 };
		const struct dc_format *d = dc_find(fmts[i]);
		struct xb_err e = { 0 };
		uint8_t *out = NULL;
		size_t out_len = 0, used = 0;

		REQUIRE(d);
		b_put(&f, m.p, m.len);
		b_put(&f, "\0\0\0\0TAIL", 8);
		CHECK_EQ(dc_stream(d, "s", f.p, f.len, 1 << 20, &out, &out_len,
				   &used, &e),
			 0);
		CHECK_EQ(used, m.len);
		CHECK(out_len == a.len && !memcmp(out, a.p, a.len));
		free(out);
		/* the same stream twice: the first only */
		f.len = 0;
		b_put(&f, m.p, m.len);
		b_put(&f, m.p, m.len);
		out = NULL;
		CHECK_EQ(dc_stream(d, "s", f.p, f.len, 1 << 20, &out, &out_len,
				   &used, &e),
			 0);
		CHECK_EQ(used, m.len);
		CHECK_EQ(out_len, a.len);
		free(out);
		/* cut short */
		out = NULL;
		CHECK_EQ(dc_stream(d, "s", m.p, m.len - 1, 1 << 20, &out,
				   &out_len, &used, &e),
			 -XB_EINPUT);
		CHECK(out == NULL);
		xb_err_clear(&e);
		free(m.p);
		free(f.p);
	}
	/* legacy lz4 with the kernel build's appended size: it belongs to it */
	{
		struct buf m = member("lz4", &a);
		const struct dc_format *d = dc_find("lz4");
		struct xb_err e = { 0 };
		uint8_t *out = NULL;
		size_t out_len, used;

		b_le32(&m, (uint32_t)a.len);
		CHECK_EQ(dc_stream(d, "s", m.p, m.len, 1 << 20, &out, &out_len,
				   &used, &e),
			 0);
		CHECK_EQ(used, m.len);
		free(out);
		free(m.p);
	}
	free(a.p);
}

/* A legacy lz4 member followed by a large gzip member whose header reads
 * as a plausible lz4 block size (1f 8b 08 00 = 560927 bytes). */
static void lz4_then_big_gzip(void)
{
	struct buf a = cpio_archive("m1", 4000, false),
		   b = cpio_archive("m2", 800000, true);
	const struct buf *both[2] = { &a, &b };
	const char *fm[2] = { "lz4", "gzip" };
	struct buf want, f = initrd_of(2, fm, both, NULL, &want),
			 mb = member("gzip", &b);
	struct res r;

	REQUIRE(mb.len > 560927 + 16 && mb.p[3] == 0);
	r = unpack(&f, 4 << 20);
	CHECK(same(&r, &want));
	CHECK_STR(r.img.format, "lz4+gzip");
	res_free(&r);
	free(mb.p);
	free(want.p);
	free(f.p);
	free(a.p);
	free(b.p);
}

/* ---- the decoders' limits: named, with the knob that raises them ---- */

static void dict_limits(void)
{
	struct buf a = cpio_archive("d", 1000, false);
	struct xb_err e = { 0 };
	uint8_t *out = NULL;
	size_t out_len, used;

	/* .lzma: LE32 dictionary size at byte 1, 384 MiB */
	{
		struct buf m = member("lzma", &a);

		m.p[1] = 0;
		m.p[2] = 0;
		m.p[3] = 0;
		m.p[4] = 0x18;
		CHECK_EQ(dc_stream(dc_find("lzma"), "k", m.p, m.len, 1ULL << 20,
				   &out, &out_len, &used, &e),
			 -XB_EINPUT);
		CHECK_CONTAINS(
			e.msg,
			"k: lzma: the stream's dictionary needs 385 MiB of decoder "
			"memory, more than the limit of 256 MiB (the larger of 256 MiB "
			"and the decompression cap): raise xbuild_max_decompressed "
			"(--max-decompressed)");
		/* a cap above it raises the limit: then it decodes (liblzma only
		 * touches the dictionary it fills) */
		xb_err_clear(&e);
		CHECK_EQ(dc_stream(dc_find("lzma"), "k", m.p, m.len,
				   512ULL << 20, &out, &out_len, &used, &e),
			 0);
		CHECK_EQ(out_len, a.len);
		free(out);
		out = NULL;
		xb_err_clear(&e);
		free(m.p);
	}
	/* xz: the LZMA2 dictionary byte of the first block header (right
	 * after the 12-byte stream header: size, flags, id 0x21, props size
	 * 1, props), 38 = 2 GiB, with the header's CRC32 redone */
	{
		struct buf m = member("xz", &a);
		uint32_t crc;

		REQUIRE(m.p[12] == 2 && m.p[14] == 0x21 && m.p[15] == 1);
		m.p[16] = 38;
		crc = lzma_crc32(m.p + 12, 8, 0);
		for (int i = 0; i < 4; i++)
			m.p[20 + i] = (uint8_t)(crc >> (8 * i));
		CHECK_EQ(dc_find("xz")->decompress("k", m.p, m.len, 1 << 20,
						   &out, &out_len, &e),
			 -XB_EINPUT);
		CHECK_CONTAINS(e.msg,
			       "k: xz: the stream's dictionary needs 2049 MiB");
		CHECK_CONTAINS(
			e.msg,
			"the limit of 256 MiB (the larger of 256 MiB and the "
			"decompression cap)");
		xb_err_clear(&e);
		free(m.p);
	}
	/* zstd: a frame without content size has a window descriptor at byte
	 * 5 (exponent << 3 | mantissa, window 2^(10 + exponent)) */
	{
		ZSTD_CCtx *cc = ZSTD_createCCtx();
		struct buf m = { 0 };

		m.size = ZSTD_compressBound(a.len);
		m.p = malloc(m.size);
		ZSTD_CCtx_setParameter(cc, ZSTD_c_contentSizeFlag, 0);
		m.len = ZSTD_compress2(cc, m.p, m.size, a.p, a.len);
		REQUIRE(!ZSTD_isError(m.len) && !(m.p[4] & 0x20));
		m.p[5] = 21 << 3; /* 2 GiB */
		CHECK_EQ(dc_find("zstd")->decompress("k", m.p, m.len, 1 << 20,
						     &out, &out_len, &e),
			 -XB_EINPUT);
		CHECK_CONTAINS(
			e.msg,
			"k: zstd: the frame needs a window of 2048 MiB, more than "
			"the limit of 128 MiB");
		CHECK_CONTAINS(e.msg, "xbuild_max_decompressed");
		xb_err_clear(&e);
		m.p[5] = 18 << 3; /* 256 MiB: over the default limit... */
		CHECK_EQ(dc_find("zstd")->decompress("k", m.p, m.len, 1 << 20,
						     &out, &out_len, &e),
			 -XB_EINPUT);
		CHECK_CONTAINS(
			e.msg,
			"window of 256 MiB, more than the limit of 128 MiB");
		xb_err_clear(&e);
		/* ...within a 256 MiB cap */
		CHECK_EQ(dc_find("zstd")->decompress("k", m.p, m.len, 256 << 20,
						     &out, &out_len, &e),
			 0);
		CHECK_EQ(out_len, a.len);
		free(out);
		ZSTD_freeCCtx(cc);
		free(m.p);
	}
	free(a.p);
}

/* lzop header fields of 4 GiB: named, with their unit. */
static void lzo_fields(void)
{
	struct buf a = cpio_archive("l", 1000, false), m = member("lzo", &a);
	struct xb_err e = { 0 };
	uint8_t *out = NULL;
	size_t out_len, blk = 9 + 25 + 4; /* magic, header, its checksum */

	/* the first block's uncompressed size */
	m.p[blk] = m.p[blk + 1] = m.p[blk + 2] = m.p[blk + 3] = 0xff;
	CHECK_EQ(dc_find("lzo")->decompress("k", m.p, m.len, 1 << 20, &out,
					    &out_len, &e),
		 -XB_EINPUT);
	CHECK_CONTAINS(
		e.msg,
		"k: lzo: block 0 at offset 38: uncompressed size beyond lzop's "
		"64 MiB block limit");
	CHECK_CONTAINS(e.msg, "-> 4294967295 bytes, limit 67108864 bytes");
	xb_err_clear(&e);
	free(m.p);
	/* an extra field of 4 GiB - 1 (flag F_H_EXTRA_FIELD 0x40) */
	m = member("lzo", &a);
	m.p[9 + 8 + 3] |= 0x40;
	{
		uint32_t s = (uint32_t)lzo_adler32(1, m.p + 9, 25);

		for (int i = 0; i < 4; i++)
			m.p[34 + i] = (uint8_t)(s >> (24 - 8 * i));
	}
	m.p[38] = m.p[39] = m.p[40] = m.p[41] = 0xff;
	CHECK_EQ(dc_find("lzo")->decompress("k", m.p, m.len, 1 << 20, &out,
					    &out_len, &e),
		 -XB_EINPUT);
	CHECK_CONTAINS(
		e.msg,
		"k: lzo: header: extra field of 4294967295 bytes (+ 4 bytes of "
		"checksum) runs past the end of the input");
	free(m.p);
	free(a.p);
}

/* ---- fuzz seeds ---- */

/* With XB_WRITE_SEEDS=DIR, write DIR/initrd/ seeds for fuzz_initrd (first
 * byte: the cap selector; then the file). */
static void fuzz_seeds(void)
{
	static const char *const combos[][3] = {
		{ "cpio", "gzip", NULL },    { "lz4", "xz", NULL },
		{ "zstd", "cpio", "bzip2" }, { "lzma", "lzo", NULL },
		{ "gzip", "gzip", NULL },    { "lz4", "lz4", "cpio" },
	};
	const char *dir = getenv("XB_WRITE_SEEDS");
	struct buf a;

	if (!dir)
		return;
	a = cpio_archive("s", 200, false);
	for (size_t i = 0; i < XB_ARRAY_SIZE(combos); i++) {
		struct buf f = { 0 };
		char path[4096];
		FILE *fp;

		b_put(&f, "\x14", 1); /* cap 1 MiB */
		for (int k = 0; k < 3 && combos[i][k]; k++) {
			struct buf m = member(combos[i][k], &a);

			b_zero(&f, -(f.len - 1) & 3);
			b_put(&f, m.p, m.len);
			free(m.p);
		}
		snprintf(path, sizeof(path), "%s/initrd/%s-%s%s%s", dir,
			 combos[i][0], combos[i][1], combos[i][2] ? "-" : "",
			 combos[i][2] ? combos[i][2] : "");
		fp = fopen(path, "wb");
		REQUIRE(fp);
		CHECK_EQ(fwrite(f.p, 1, f.len, fp), f.len);
		fclose(fp);
		free(f.p);
	}
	free(a.p);
}

const struct test tests[] = {
	{ "initrd_pairs", pairs },
	{ "initrd_plain_in_the_middle", plain_in_the_middle },
	{ "initrd_single_member", single_member },
	{ "initrd_as_it_is", as_it_is },
	{ "initrd_truncated_second", truncated_second },
	{ "initrd_junk_after", junk_after },
	{ "initrd_bad_cpio", bad_cpio },
	{ "initrd_cap_across", cap_across },
	{ "initrd_lz4_then_big_gzip", lz4_then_big_gzip },
	{ "dc_stream_consumed", stream_consumed },
	{ "dc_dict_limits", dict_limits },
	{ "dc_lzo_fields", lzo_fields },
	{ "initrd_fuzz_seeds", fuzz_seeds },
	{ NULL, NULL },
};
