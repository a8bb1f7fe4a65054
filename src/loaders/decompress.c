/*
 * decompress.c - the decompressor table: every format Linux can compress a
 * kernel payload or an initrd with (lib/decompress.c's list), each run
 * into an output buffer that never grows beyond the cap (+1 byte, which is
 * how "more than the cap" is detected without trusting any size the input
 * declares).
 *
 * Every format has one decoder, run in one of two modes:
 *  - one stream (dc_stream, dc_run_one): decode the stream that starts the
 *    input and report how many input bytes it took, as Linux's decompressors
 *    report *pos to the initramfs unpacker; what follows is the caller's.
 *  - whole input (dc_format.decompress): gzip, xz, bzip2, zstd and lz4
 *    streams may follow one another (concatenated parts), optionally
 *    separated by zero padding.  Anything else after the last complete
 *    stream is ignored: a bzImage payload ends with a 4-byte size that is
 *    not part of the stream.
 *
 * When a size is known before decoding (the bzImage trailer, gzip's ISIZE,
 * a zstd frame's content size, the xz index, the lzma header), the output
 * buffer is allocated once at that size, never beyond the cap; else it
 * grows geometrically.  The field is untrusted: it sizes memory and picks a
 * faster path (libdeflate, zstd's one-shot decoder), and whatever it says,
 * the streaming decoders decide what the data is, with the same messages.
 */
#include "loader_int.h"

#include <bzlib.h>
#include <libdeflate.h>
#include <limits.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zlib.h>
/* ZSTD_d_stableOutBuffer (zstd.h's advanced parameters, in libzstd since
 * 1.4.5; a library that refuses it leaves the streaming decoder). */
#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

/* Decoder memory (dictionary) limit for xz and lzma: Linux uses 32 MiB
 * dictionaries for kernels, lzma -9 uses 64 MiB.  A larger cap raises it:
 * the limit is the larger of the two, so the cap is the one knob. */
#define DC_MEMLIMIT (256ULL << 20)
/* zstd's default window limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT, 128 MiB) and
 * the largest window a 64-bit decoder takes (ZSTD_WINDOWLOG_MAX_64). */
#define DC_ZSTD_WLOG_MIN 27
#define DC_ZSTD_WLOG_MAX 31
#define DC_MIN_ALLOC (64u << 10)
/* Room past a known size, so that a decoder that checks for the end of its
 * stream with output space left finds some without the buffer doubling. */
#define DC_SLACK DC_OUT_SLACK

/* ---- output buffer ---- */

static void dc_out_huge(struct dc_out *o);

/*
 * Sink mode: the next window, once the current one is full.  The sink is
 * told that everything before o->len is written, and hands out where the
 * bytes from o->len on go; never more than the cap leaves (+1 byte, so
 * that output beyond the cap is seen).
 */
static int dc_out_window(struct dc_out *o)
{
	size_t n = 0;
	int rc;

	if (o->win_used < o->win_len)
		return 0;
	rc = o->sink->window(o->sink->ctx, o->len, &o->win, &n, o->e);
	if (rc < 0)
		return rc;
	if (!o->win || n == 0)
		return xb_fail(o->e, XB_EINTERNAL,
			       "%s: %s: empty output window", o->name, o->fmt);
	o->win_len = n < o->limit - o->len ? n : o->limit - o->len;
	o->win_used = 0;
	return 0;
}

/* Where the decoder writes next, how much room is there, and what it
 * wrote there. */
static uint8_t *dc_out_dst(struct dc_out *o)
{
	return o->sink ? o->win + o->win_used : o->p + o->len;
}

static size_t dc_out_room(const struct dc_out *o)
{
	return o->sink ? o->win_len - o->win_used : o->size - o->len;
}

static void dc_out_wrote(struct dc_out *o, size_t n)
{
	o->len += n;
	if (o->sink)
		o->win_used += n;
}

void dc_out_init(struct dc_out *o, const char *name, const char *fmt,
		 size_t in_len, uint64_t cap, struct xb_err *e)
{
	memset(o, 0, sizeof(*o));
	o->cap = cap;
	o->limit = cap >= SIZE_MAX - 1 ? SIZE_MAX : (size_t)cap + 1;
	/* Kernels compress about 4:1; a wrong guess costs a few reallocs.
	 * Declared sizes in the input are deliberately not used. */
	o->hint = in_len > SIZE_MAX / 4 ? SIZE_MAX : in_len * 4;
	if (o->hint < DC_MIN_ALLOC)
		o->hint = DC_MIN_ALLOC;
	o->name = name;
	o->fmt = fmt;
	o->e = e;
}

int dc_out_too_big(struct dc_out *o)
{
	o->over_cap = true;
	return xb_fail(o->e, XB_EINPUT,
		       "%s: %s: decompressed size exceeds limit (%llu bytes)",
		       o->name, o->fmt, (unsigned long long)o->cap);
}

/*
 * Make room for at least min(want, limit - len) more bytes (want >= 1), at
 * least doubling the allocation when it grows.  Fails with the cap message
 * when the buffer already holds limit bytes, i.e. more than the cap.
 */
int dc_out_reserve(struct dc_out *o, size_t want)
{
	size_t need, nsize;
	uint8_t *np;

	if (o->len >= o->limit)
		return dc_out_too_big(o);
	if (o->sink)
		return dc_out_window(o);
	if (want > o->limit - o->len)
		want = o->limit - o->len;
	if (o->size - o->len >= want)
		return 0;
	if (o->fixed)
		return xb_fail(o->e, XB_EINPUT,
			       "%s: %s: decompresses to more than the %zu bytes "
			       "the input declares",
			       o->name, o->fmt, o->size);
	need = o->len + want;
	if (!o->size)
		nsize = o->hint;
	else
		nsize = o->size > SIZE_MAX / 2 ? SIZE_MAX : o->size * 2;
	while (nsize < need)
		nsize = nsize > SIZE_MAX / 2 ? SIZE_MAX : nsize * 2;
	if (nsize > o->limit)
		nsize = o->limit;
	np = realloc(o->p, nsize);
	if (!np)
		return xb_fail(o->e, XB_EINTERNAL,
			       "%s: %s: out of memory (%zu bytes)", o->name,
			       o->fmt, nsize);
	o->p = np;
	o->size = nsize;
	dc_out_huge(o);
	return 0;
}

/*
 * Fault in the pages of p[len, len + n) (within the allocation) in one
 * system call, just before a decoder writes them.  perf showed faulting
 * fresh output pages one by one as the largest cost after the decoders
 * themselves (70% of `inspect` on an lz4 vmlinux): MADV_POPULATE_WRITE
 * (Linux 5.14) takes a quarter off that, on pages about to be written
 * anyway, never beyond the allocation (so never beyond the cap).  An older
 * kernel refuses it and the pages fault as before.
 */
static void dc_out_populate(struct dc_out *o, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	size_t from = o->len > o->populated ? o->len : o->populated;
	size_t to = o->len + (n < o->size - o->len ? n : o->size - o->len);
	uintptr_t a = ((uintptr_t)o->p + from + XB_PAGE_MASK) &
		      ~(uintptr_t)XB_PAGE_MASK;
	uintptr_t z = ((uintptr_t)o->p + to) & ~(uintptr_t)XB_PAGE_MASK;

	if (o->sink || o->fixed || to <= from)
		return;
	if (z > a)
		madvise((void *)a, z - a, MADV_POPULATE_WRITE);
	o->populated = to;
#else
	(void)o;
	(void)n;
#endif
}

/*
 * Ask for transparent huge pages on a large buffer: where the kernel has
 * them, one fault per 2 MiB instead of 512 (`make bench`: lz4 twice as
 * fast, zstd and gzip a quarter faster); elsewhere (a Xen PV dom0 has
 * none) a no-op.  The whole pages the
 * allocation spans are advised, its malloc header too: advising part of a
 * mapping splits it, and realloc() can then no longer move it with
 * mremap() but copies it (seen as a doubled peak RSS).
 */
static void huge_advise(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)XB_PAGE_MASK;
	uintptr_t z = ((uintptr_t)p + n + XB_PAGE_MASK) &
		      ~(uintptr_t)XB_PAGE_MASK;

	if (p && n >= (4u << 20))
		madvise((void *)a, z - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

static void dc_out_huge(struct dc_out *o)
{
	if (o->huge && !o->fixed)
		huge_advise(o->p, o->size);
}

/* A decoder that writes its output in large pieces at once (one-shot
 * calls, blocks of up to 8 MiB): huge pages for it.  Streaming decoders
 * (zlib, bzip2, liblzma) write slowly; a 2 MiB page zeroed in one go is out
 * of the cache before they reach its end (`make bench`: bzip2 and xz a few
 * per cent slower with it), so they keep small pages. */
static void dc_out_want_huge(struct dc_out *o)
{
	o->huge = true;
	dc_out_huge(o);
}

/*
 * Before a one-shot decoder writes the n bytes an untrusted field announces
 * from in_len bytes of input: populate no more than DC_RATIO times the
 * input (kernels compress 4:1 to 8:1), so that a lying field cannot make
 * memory resident before the data shows it (the rest faults as usual).
 */
#define DC_RATIO 64u
static void dc_out_populate_for(struct dc_out *o, uint64_t n, size_t in_len)
{
	uint64_t most = (uint64_t)in_len * DC_RATIO;

	dc_out_populate(o, (size_t)(n < most ? n : most));
}

/* Output room for one call of a streaming decoder: at most DC_STEP bytes,
 * populated, so that they are written while still in the cache. */
#define DC_STEP (1u << 20)
static size_t dc_out_step(struct dc_out *o)
{
	size_t n = dc_out_room(o);

	if (n > DC_STEP)
		n = DC_STEP;
	dc_out_populate(o, n);
	return n;
}

/*
 * The current stream says it decompresses to n bytes: make the buffer hold
 * that many more (and DC_SLACK) in one allocation, unless n is 0 or more
 * than the cap leaves (the decoder will find out), or the allocation fails
 * (a lie, or no memory: the buffer grows as it would have).  True when the
 * room is there.
 */
static bool dc_out_expect(struct dc_out *o, uint64_t n)
{
	size_t left, want;
	uint8_t *np;

	if (o->sink || n == 0 || o->len >= o->limit)
		return false;
	left = o->limit - o->len;
	if (n > left)
		return false;
	if (o->fixed)
		return o->size - o->len >= n;
	want = (size_t)n +
	       (left - (size_t)n > DC_SLACK ? DC_SLACK : left - (size_t)n);
	if (o->size - o->len >= want)
		return true;
	np = realloc(o->p, o->len + want);
	if (!np)
		return false;
	o->p = np;
	o->size = o->len + want;
	dc_out_huge(o);
	return true;
}

int dc_out_append(struct dc_out *o, const void *p, size_t n)
{
	int rc;

	if (n == 0)
		return 0;
	if (n > o->cap || o->len > o->cap - n)
		return dc_out_too_big(o);
	rc = dc_out_reserve(o, n);
	if (rc < 0)
		return rc;
	memcpy(o->p + o->len, p, n);
	o->len += n;
	return 0;
}

/* Sink mode: hand p[0, n) to the windows, for output a decoder has in a
 * buffer of its own; the cap message when n is more than it leaves. */
static int dc_out_put(struct dc_out *o, const uint8_t *p, size_t n)
{
	if (o->len > o->limit || n > o->limit - o->len)
		return dc_out_too_big(o);
	while (n > 0) {
		size_t k;
		int rc = dc_out_window(o);

		if (rc < 0)
			return rc;
		k = n < dc_out_room(o) ? n : dc_out_room(o);
		memcpy(dc_out_dst(o), p, k);
		dc_out_wrote(o, k);
		p += k;
		n -= k;
	}
	return 0;
}

/* Hand the buffer to the caller, trimmed; or free it on error. */
int dc_out_finish(struct dc_out *o, int rc, uint8_t **out, size_t *out_len)
{
	if (rc < 0) {
		free(o->p);
		o->p = NULL;
		return rc;
	}
	if (o->len > o->cap) {
		free(o->p);
		o->p = NULL;
		return dc_out_too_big(o);
	}
	if (!o->p) { /* empty output: still hand back a valid pointer */
		o->p = malloc(1);
		if (!o->p)
			return xb_fail(o->e, XB_EINTERNAL,
				       "%s: %s: out of memory", o->name,
				       o->fmt);
	} else if (o->size > o->len + DC_MIN_ALLOC) {
		uint8_t *np = realloc(o->p, o->len ? o->len : 1);

		if (np)
			o->p = np;
	}
	*out = o->p;
	*out_len = o->len;
	o->p = NULL;
	return 0;
}

static int dc_truncated(struct dc_out *o)
{
	return xb_fail(o->e, XB_EINPUT,
		       "%s: %s: truncated stream (%zu bytes decompressed)",
		       o->name, o->fmt, o->len - o->base);
}

static int dc_corrupt(struct dc_out *o, const char *why, size_t in_off)
{
	return xb_fail(o->e, XB_EINPUT,
		       "%s: %s: corrupt data at input offset %zu (%s)", o->name,
		       o->fmt, in_off, why);
}

/* Streaming APIs take 32-bit lengths (zlib, bzip2). */
static unsigned chunk32(size_t n)
{
	return n > UINT_MAX ? UINT_MAX : (unsigned)n;
}

/*
 * After a complete stream ending at *pos: skip zero padding and report
 * whether another stream of the same format (magic) follows.
 */
static bool next_stream(const uint8_t *in, size_t len, size_t *pos,
			bool (*probe)(const uint8_t *, size_t))
{
	size_t p = *pos;

	while (p < len && in[p] == 0)
		p++;
	if (p < len && probe(in + p, len - p)) {
		*pos = p;
		return true;
	}
	return false;
}

/* One decoder: appends to o; one = the first stream only (see above);
 * *used = input bytes taken. */
typedef int (*dc_run_fn)(struct dc_out *o, const uint8_t *in, size_t in_len,
			 bool one, size_t *used);

/* The cap, as a message says how to raise it: the config key and option. */
#define DC_RAISE "raise xbuild_max_decompressed (--max-decompressed)"

static unsigned long long mib_up(uint64_t n)
{
	return (unsigned long long)(n >> 20) + ((n & ((1u << 20) - 1)) != 0);
}

/* ---- gzip (zlib) ---- */

static bool gzip_probe(const uint8_t *b, size_t len)
{
	return len >= 3 && b[0] == 0x1f && b[1] == 0x8b && b[2] == 8;
}

/*
 * The first member in one libdeflate call, when the output size is known:
 * the container's, else the ISIZE that ends the input (the last member's
 * size mod 2^32: right for a vmlinux.gz, a guess for an initrd member that
 * more follow).  libdeflate decodes about twice as fast as zlib (`make
 * bench`) but only into a buffer large enough for the whole member.  True
 * with *ipos after the member on success; false when the size was wrong or
 * the data is bad: zlib then decodes the member from its start, and says
 * what is wrong with the messages it always had.
 */
static bool gzip_deflate(struct dc_out *o, const uint8_t *in, size_t in_len,
			 size_t *ipos)
{
	struct libdeflate_decompressor *d;
	uint64_t n = o->expect;
	size_t in_used, out_used;
	enum libdeflate_result r;

	if (!n && in_len >= 18) /* 10-byte header, empty deflate, trailer */
		n = xb_le32(in + in_len - 4);
	/* Deflate expands at most 1032:1 (a 258-byte match in 2 bits): a
	 * larger size is not this member's. */
	if (n / 1032 > in_len || !dc_out_expect(o, n) ||
	    !(d = libdeflate_alloc_decompressor()))
		return false;
	dc_out_want_huge(o);
	dc_out_populate_for(o, n, in_len);
	r = libdeflate_gzip_decompress_ex(d, in, in_len, o->p + o->len,
					  o->size - o->len, &in_used,
					  &out_used);
	libdeflate_free_decompressor(d);
	if (r != LIBDEFLATE_SUCCESS)
		return false;
	o->len += out_used;
	*ipos = in_used;
	return true;
}

static int gzip_run(struct dc_out *o, const uint8_t *in, size_t in_len,
		    bool one, size_t *used)
{
	z_stream z;
	size_t ipos = 0;
	int rc = 0, zr;

	if (!o->sink && gzip_deflate(o, in, in_len, &ipos) &&
	    (one || !next_stream(in, in_len, &ipos, gzip_probe))) {
		*used = ipos;
		return 0;
	}
	/* zlib: every member the first call did not take. */
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return xb_fail(o->e, XB_EINTERNAL,
			       "%s: %s: cannot initialise zlib", o->name,
			       o->fmt);
	for (;;) {
		unsigned ain, aout;

		rc = dc_out_reserve(o, 1);
		if (rc < 0)
			break;
		ain = chunk32(in_len - ipos);
		aout = (unsigned)dc_out_step(o);
		z.next_in = (Bytef *)(uintptr_t)(in + ipos);
		z.avail_in = ain;
		z.next_out = dc_out_dst(o);
		z.avail_out = aout;
		zr = inflate(&z, Z_NO_FLUSH);
		ipos += ain - z.avail_in;
		dc_out_wrote(o, aout - z.avail_out);
		if (zr == Z_STREAM_END) {
			if (one || !next_stream(in, in_len, &ipos, gzip_probe))
				break;
			if (inflateReset(&z) != Z_OK) {
				rc = dc_corrupt(o, "inflateReset", ipos);
				break;
			}
			continue;
		}
		if (zr == Z_MEM_ERROR) {
			rc = xb_fail(o->e, XB_EINTERNAL,
				     "%s: %s: out of memory", o->name, o->fmt);
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			rc = dc_corrupt(o, z.msg ? z.msg : "inflate failed",
					ipos);
			break;
		}
		if (ipos == in_len && z.avail_out > 0) {
			rc = dc_truncated(o);
			break;
		}
	}
	inflateEnd(&z);
	*used = ipos;
	return rc;
}

/* ---- xz and lzma (liblzma) ---- */

static bool xz_probe(const uint8_t *b, size_t len)
{
	static const uint8_t m[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	return len >= sizeof(m) && !memcmp(b, m, sizeof(m));
}

/*
 * Legacy .lzma ("LZMA_Alone"): properties byte, LE32 dictionary size, LE64
 * uncompressed size (13 bytes).  The magic is Linux's (lib/decompress.c):
 * 5d 00, the default properties and a dictionary size whose low byte is 0.
 */
static bool lzma_probe(const uint8_t *b, size_t len)
{
	return len >= 13 && b[0] == 0x5d && b[1] == 0;
}

static const char *lzma_why(lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR: return "not the expected format";
	case LZMA_OPTIONS_ERROR: return "unsupported options";
	case LZMA_DATA_ERROR: return "data error";
	case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
	default: return "decoder error";
	}
}

/* The uncompressed size an .lzma header states, 0 when unknown. */
static uint64_t lzma_alone_size(const uint8_t *in, size_t len)
{
	uint64_t n = len >= 13 ? xb_le64(in + 5) : 0;

	return n == UINT64_MAX ? 0 : n;
}

/*
 * The index of the xz stream that ends the input (after any stream
 * padding), from its footer; NULL when they do not parse.  *end: where
 * that stream ends.
 */
static lzma_index *xz_index(const uint8_t *in, size_t len, size_t *end)
{
	lzma_stream_flags f;
	lzma_index *idx = NULL;
	uint64_t memlimit = 1u << 20;
	size_t pos, at;

	*end = len;
	while (*end >= 4 && !xb_le32(in + *end - 4))
		*end -= 4;
	if (*end < 2 * LZMA_STREAM_HEADER_SIZE ||
	    lzma_stream_footer_decode(&f,
				      in + *end - LZMA_STREAM_HEADER_SIZE) !=
		    LZMA_OK ||
	    f.backward_size > *end - 2 * LZMA_STREAM_HEADER_SIZE)
		return NULL;
	at = *end - LZMA_STREAM_HEADER_SIZE;
	pos = at - (size_t)f.backward_size;
	if (lzma_index_buffer_decode(&idx, &memlimit, NULL, in, &pos, at) !=
	    LZMA_OK)
		return NULL;
	if (lzma_index_stream_flags(idx, &f) != LZMA_OK) {
		lzma_index_end(idx, NULL);
		return NULL;
	}
	return idx;
}

/*
 * The uncompressed size of the xz stream that ends the input: for one
 * stream alone that is its size; else a guess.  0 when unknown.
 */
static uint64_t xz_index_size(const uint8_t *in, size_t len)
{
	size_t end;
	lzma_index *idx = xz_index(in, len, &end);
	uint64_t n = idx ? lzma_index_uncompressed_size(idx) : 0;

	lzma_index_end(idx, NULL);
	return n;
}

/*
 * The CRC-32 check of an xz stream, done here instead of in liblzma: its
 * table-driven CRC-32 took 5% of a kernel's decode (perf), libdeflate's
 * vector code a fraction of that.  For an input that is exactly one
 * stream (and stream padding, or a bzImage's size trailer) whose check
 * is CRC-32 (Linux's xz --check=crc32): its index, read before decoding,
 * says where each block's output ends and where its check field is.  liblzma then decodes
 * with LZMA_IGNORE_CHECK, still checking everything else, the index
 * against the blocks included; each block's output is summed as it comes
 * and compared with its field.
 */
struct xz_crc {
	lzma_index *idx; /* NULL: liblzma checks */
	lzma_index_iter it;
	const uint8_t *in;
	size_t in_len;
	uint64_t pos; /* output bytes summed */
	uint64_t end; /* where the current block's output ends; UINT64_MAX
			 after the last block */
	uint32_t crc;
};

/* Take the next block from the index: its output's end. */
static void xz_crc_next(struct xz_crc *c)
{
	c->crc = 0;
	c->end = lzma_index_iter_next(&c->it, LZMA_INDEX_ITER_BLOCK) ?
			 UINT64_MAX :
			 c->it.block.uncompressed_file_offset +
				 c->it.block.uncompressed_size;
}

static void xz_crc_init(struct xz_crc *c, const uint8_t *in, size_t in_len)
{
	lzma_stream_flags h;
	size_t end;

	memset(c, 0, sizeof(*c));
	if (!xz_probe(in, in_len) || in_len < LZMA_STREAM_HEADER_SIZE ||
	    lzma_stream_header_decode(&h, in) != LZMA_OK ||
	    h.check != LZMA_CHECK_CRC32)
		return;
	/* The stream ends the input, or all of it but a bzImage payload's
	 * 4-byte size trailer. */
	if (!(c->idx = xz_index(in, in_len, &end)) &&
	    !(c->idx = xz_index(in, in_len - 4, &end)))
		return;
	if (lzma_index_checks(c->idx) != 1u << LZMA_CHECK_CRC32 ||
	    lzma_index_stream_size(c->idx) != end) {
		lzma_index_end(c->idx, NULL);
		c->idx = NULL;
		return;
	}
	c->in = in;
	c->in_len = in_len;
	lzma_index_iter_init(&c->it, c->idx);
	xz_crc_next(c);
}

/* Sum p[0, n), the next output bytes; false on a block whose CRC-32
 * is not its check field's (or output past the last block). */
static bool xz_crc_feed(struct xz_crc *c, const uint8_t *p, size_t n)
{
	for (;;) {
		while (c->pos == c->end) {
			/* the field follows the block's padding to 4 bytes */
			uint64_t at = c->it.block.compressed_file_offset +
				      ((c->it.block.unpadded_size - 1) & ~3ULL);

			if (at > c->in_len - 4 || xb_le32(c->in + at) != c->crc)
				return false;
			xz_crc_next(c);
		}
		if (n == 0)
			return true;
		if (c->end == UINT64_MAX)
			return false;
		{
			size_t k = c->end - c->pos < n ?
					   (size_t)(c->end - c->pos) :
					   n;

			c->crc = (uint32_t)libdeflate_crc32(c->crc, p, k);
			c->pos += k;
			p += k;
			n -= k;
		}
	}
}

static int lzma_common(struct dc_out *o, bool alone, const uint8_t *in,
		       size_t in_len, bool one, size_t *used)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint64_t memlimit = o->cap > DC_MEMLIMIT ? o->cap : DC_MEMLIMIT;
	struct xz_crc crc = { 0 };
	size_t ipos = 0;
	lzma_ret lr;
	int rc = 0;

	dc_out_expect(o, o->expect ? o->expect :
			 alone	   ? lzma_alone_size(in, in_len) :
				     xz_index_size(in, in_len));
	if (!alone)
		xz_crc_init(&crc, in, in_len);

restart:
	lr = alone ? lzma_alone_decoder(&s, memlimit) :
		     lzma_stream_decoder(&s, memlimit,
					 crc.idx ? LZMA_IGNORE_CHECK : 0);
	if (lr != LZMA_OK) {
		lzma_end(&s);
		*used = ipos;
		return xb_fail(o->e, XB_EINTERNAL,
			       "%s: %s: cannot initialise liblzma", o->name,
			       o->fmt);
	}
	for (;;) {
		size_t ain, aout;

		rc = dc_out_reserve(o, 1);
		if (rc < 0)
			break;
		ain = in_len - ipos;
		aout = dc_out_step(o);
		s.next_in = in + ipos;
		s.avail_in = ain;
		s.next_out = dc_out_dst(o);
		s.avail_out = aout;
		lr = lzma_code(&s, LZMA_RUN);
		ipos += ain - s.avail_in;
		if (crc.idx &&
		    !xz_crc_feed(&crc, dc_out_dst(o), aout - s.avail_out)) {
			rc = dc_corrupt(o, "CRC32 mismatch", ipos);
			break;
		}
		dc_out_wrote(o, aout - s.avail_out);
		if (lr == LZMA_STREAM_END) {
			if (crc.idx && crc.end != UINT64_MAX) {
				rc = dc_corrupt(o, "CRC32 mismatch", ipos);
				break;
			}
			if (!one && !alone &&
			    next_stream(in, in_len, &ipos, xz_probe)) {
				lzma_end(&s);
				/* one stream was all there was to check */
				lzma_index_end(crc.idx, NULL);
				crc.idx = NULL;
				goto restart;
			}
			break;
		}
		if (lr == LZMA_MEM_ERROR) {
			rc = xb_fail(o->e, XB_EINTERNAL,
				     "%s: %s: out of memory", o->name, o->fmt);
			break;
		}
		if (lr == LZMA_MEMLIMIT_ERROR) {
			/* Not corrupt: the dictionary is larger than we allow. */
			rc = xb_fail(
				o->e, XB_EINPUT,
				"%s: %s: the stream's dictionary needs %llu MiB of "
				"decoder memory, more than the limit of %llu MiB (the "
				"larger of %llu MiB and the decompression cap): %s",
				o->name, o->fmt, mib_up(lzma_memusage(&s)),
				mib_up(memlimit), mib_up(DC_MEMLIMIT),
				DC_RAISE);
			break;
		}
		if (lr != LZMA_OK && lr != LZMA_BUF_ERROR) {
			rc = dc_corrupt(o, lzma_why(lr), ipos);
			break;
		}
		if (ipos == in_len && s.avail_out > 0) {
			rc = dc_truncated(o);
			break;
		}
	}
	lzma_end(&s);
	lzma_index_end(crc.idx, NULL);
	*used = ipos;
	return rc;
}

static int xz_run(struct dc_out *o, const uint8_t *in, size_t in_len, bool one,
		  size_t *used)
{
	return lzma_common(o, false, in, in_len, one, used);
}

static int lzma_run(struct dc_out *o, const uint8_t *in, size_t in_len,
		    bool one, size_t *used)
{
	return lzma_common(o, true, in, in_len, one, used);
}

/* ---- bzip2 ---- */

static bool bzip2_probe(const uint8_t *b, size_t len)
{
	return len >= 4 && b[0] == 'B' && b[1] == 'Z' && b[2] == 'h' &&
	       b[3] >= '1' && b[3] <= '9';
}

static int bzip2_run(struct dc_out *o, const uint8_t *in, size_t in_len,
		     bool one, size_t *used)
{
	bz_stream s;
	size_t ipos = 0;
	int rc = 0, br;

restart:
	memset(&s, 0, sizeof(s));
	if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) {
		*used = ipos;
		return xb_fail(o->e, XB_EINTERNAL,
			       "%s: %s: cannot initialise libbz2", o->name,
			       o->fmt);
	}
	for (;;) {
		unsigned ain, aout;

		rc = dc_out_reserve(o, 1);
		if (rc < 0)
			break;
		ain = chunk32(in_len - ipos);
		aout = (unsigned)dc_out_step(o);
		s.next_in = (char *)(uintptr_t)(in + ipos);
		s.avail_in = ain;
		s.next_out = (char *)dc_out_dst(o);
		s.avail_out = aout;
		br = BZ2_bzDecompress(&s);
		ipos += ain - s.avail_in;
		dc_out_wrote(o, aout - s.avail_out);
		if (br == BZ_STREAM_END) {
			if (!one &&
			    next_stream(in, in_len, &ipos, bzip2_probe)) {
				BZ2_bzDecompressEnd(&s);
				goto restart;
			}
			break;
		}
		if (br == BZ_MEM_ERROR) {
			rc = xb_fail(o->e, XB_EINTERNAL,
				     "%s: %s: out of memory", o->name, o->fmt);
			break;
		}
		if (br != BZ_OK) {
			rc = dc_corrupt(o,
					br == BZ_DATA_ERROR_MAGIC ?
						"bad magic" :
						"data error",
					ipos);
			break;
		}
		if (ipos == in_len && s.avail_out > 0) {
			rc = dc_truncated(o);
			break;
		}
	}
	BZ2_bzDecompressEnd(&s);
	*used = ipos;
	return rc;
}

/* ---- zstd ---- */

static bool zstd_probe(const uint8_t *b, size_t len)
{
	return len >= 4 && xb_le32(b) == 0xFD2FB528u;
}

/*
 * The window a zstd frame header asks for (RFC 8878, 3.1.1.1): from the
 * window descriptor, or for a single-segment frame its content size.
 * False when the header is cut short.
 */
static bool zstd_window(const uint8_t *b, size_t len, uint64_t *w)
{
	static const unsigned did_size[4] = { 0, 1, 2, 4 };
	static const unsigned fcs_size[4] = { 1, 2, 4, 8 };
	unsigned fhd, at, n;
	uint64_t v = 0;

	if (len < 6)
		return false;
	fhd = b[4];
	if (!(fhd & 0x20)) { /* Window_Descriptor: exponent, mantissa */
		uint64_t base = 1ULL << (10 + (b[5] >> 3));

		*w = base + (base >> 3) * (b[5] & 7);
		return true;
	}
	at = 5 + did_size[fhd & 3];
	n = fcs_size[fhd >> 6];
	if (len < at + n)
		return false;
	for (unsigned i = n; i-- > 0;)
		v = v << 8 | b[at + i];
	*w = n == 2 ? v + 256 : v;
	return true;
}

/* What a zstd frame that does not declare its size is taken to
 * decompress to at most: this many times its compressed size (kernels
 * and initrds compress 3:1 to 8:1). */
#define DC_ZSTD_GUESS 8u

/*
 * A frame without a content size (zstd reading a pipe, as Linux's build and
 * the initramfs tools run it): decode it in one call into output room for
 * DC_ZSTD_GUESS times its compressed size, with ZSTD_d_stableOutBuffer, so
 * that the decoder reads its matches back from the output instead of
 * copying every byte through a window buffer of its own (128 MiB for
 * Linux's zstd -22 --ultra: `make bench` showed the frame's pages faulted
 * in twice).  False when the frame does not fit (or is bad): the caller
 * decodes it again from its start, with the streaming decoder.
 */
static bool zstd_stable(struct dc_out *o, ZSTD_DCtx *dc, const uint8_t *in,
			size_t csize, size_t *took)
{
	uint64_t guess = (uint64_t)csize * DC_ZSTD_GUESS;
	ZSTD_inBuffer ib = { in, csize, 0 };
	ZSTD_outBuffer ob;
	size_t r;

	if (o->len >= o->limit)
		return false;
	if (guess > o->limit - o->len)
		guess = o->limit - o->len;
	if (o->fixed) /* the caller's buffer: all of its room */
		guess = o->size - o->len;
	if (!dc_out_expect(o, guess) ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(dc, ZSTD_d_stableOutBuffer, 1)))
		return false;
	dc_out_want_huge(o);
	dc_out_populate_for(o, (uint64_t)csize * (DC_ZSTD_GUESS / 2), csize);
	ob.dst = o->p + o->len;
	ob.size = o->size - o->len;
	ob.pos = 0;
	r = ZSTD_decompressStream(dc, &ob, &ib);
	ZSTD_DCtx_reset(dc, ZSTD_reset_session_only);
	ZSTD_DCtx_setParameter(dc, ZSTD_d_stableOutBuffer, 0);
	if (r != 0) /* an error, or the frame not done: the output is full */
		return false;
	o->len += ob.pos;
	*took = ib.pos;
	return true;
}

/*
 * The frame at in[0] in one call straight into the output, when its size is
 * known (the frame's content size, else for the first frame the
 * container's) and its window within the limit.  The streaming decoder
 * copies every byte through a window buffer as large as the frame's window
 * (64 MiB for Linux's zstd -22 --ultra), which perf showed as page faults
 * and copies; a frame whose size is not known goes to zstd_stable.  True
 * with *took = the frame's bytes on success; false for the streaming
 * decoder to decode the frame from its start and say what is wrong.
 */
static bool zstd_oneshot(struct dc_out *o, ZSTD_DCtx *dc, const uint8_t *in,
			 size_t len, int wlog, bool first, size_t *took)
{
	unsigned long long n = ZSTD_getFrameContentSize(in, len);
	uint64_t w;
	size_t csize, r;

	if (n == ZSTD_CONTENTSIZE_ERROR)
		return false;
	if (n == ZSTD_CONTENTSIZE_UNKNOWN)
		n = first ? o->expect : 0;
	if (!zstd_window(in, len, &w) || w > (1ULL << wlog))
		return false;
	csize = ZSTD_findFrameCompressedSize(in, len);
	if (ZSTD_isError(csize) || o->sink)
		return false;
	if (n == 0)
		return zstd_stable(o, dc, in, csize, took);
	if (!dc_out_expect(o, n))
		return false;
	dc_out_want_huge(o);
	dc_out_populate_for(o, n, csize);
	r = ZSTD_decompressDCtx(dc, o->p + o->len, o->size - o->len, in, csize);
	if (ZSTD_isError(r))
		return false;
	o->len += r;
	*took = csize;
	return true;
}

static int zstd_run(struct dc_out *o, const uint8_t *in, size_t in_len,
		    bool one, size_t *used)
{
	ZSTD_DStream *ds;
	size_t ipos = 0, frame = 0, took;
	int rc = 0, wlog = DC_ZSTD_WLOG_MIN;
	bool fresh = true; /* at the start of a frame */

	/* The window bounds the decoder's memory: zstd's default (128 MiB,
	 * enough for Linux's zstd -22 --ultra), or the cap when larger. */
	while (wlog < DC_ZSTD_WLOG_MAX && (1ULL << wlog) < o->cap)
		wlog++;
	ds = ZSTD_createDStream();
	if (!ds) {
		*used = 0;
		return xb_fail(o->e, XB_EINTERNAL, "%s: %s: out of memory",
			       o->name, o->fmt);
	}
	if (ZSTD_isError(
		    ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, wlog))) {
		ZSTD_freeDStream(ds);
		*used = 0;
		return xb_fail(o->e, XB_EINTERNAL,
			       "%s: %s: cannot set the window limit", o->name,
			       o->fmt);
	}
	for (;;) {
		ZSTD_inBuffer ib;
		ZSTD_outBuffer ob;
		size_t r;

		if (fresh) {
			fresh = false;
			if (zstd_oneshot(o, ds, in + ipos, in_len - ipos, wlog,
					 ipos == 0, &took)) {
				ipos += took;
				if (one ||
				    !next_stream(in, in_len, &ipos, zstd_probe))
					break;
				frame = ipos;
				fresh = true;
				continue;
			}
			ZSTD_DCtx_reset(ds, ZSTD_reset_session_only);
		}
		rc = dc_out_reserve(o, 1);
		if (rc < 0)
			break;
		ib.src = in;
		ib.size = in_len;
		ib.pos = ipos;
		ob.dst = o->p;
		ob.size = o->len + dc_out_step(o);
		ob.pos = o->len;
		r = ZSTD_decompressStream(ds, &ob, &ib);
		ipos = ib.pos;
		o->len = ob.pos;
		if (ZSTD_isError(r)) {
			uint64_t w;

			if (ZSTD_getErrorCode(r) ==
				    ZSTD_error_frameParameter_windowTooLarge &&
			    zstd_window(in + frame, in_len - frame, &w)) {
				rc = xb_fail(
					o->e, XB_EINPUT,
					"%s: %s: the frame needs a window of %llu MiB, "
					"more than the limit of %llu MiB (the larger of "
					"%llu MiB and the decompression cap): %s",
					o->name, o->fmt, mib_up(w),
					mib_up(1ULL << wlog),
					mib_up(1ULL << DC_ZSTD_WLOG_MIN),
					DC_RAISE);
				break;
			}
			rc = dc_corrupt(o, ZSTD_getErrorName(r), ipos);
			break;
		}
		if (r == 0) { /* a frame is complete */
			if (one || !next_stream(in, in_len, &ipos, zstd_probe))
				break;
			frame = ipos;
			fresh = true;
			continue; /* the context starts the next frame */
		}
		if (ipos == in_len && ob.pos < ob.size) {
			rc = dc_truncated(o);
			break;
		}
	}
	ZSTD_freeDStream(ds);
	*used = ipos;
	return rc;
}

/* ---- lz4: Linux's legacy frame (lz4 -l), and the modern frame ---- */

#define LZ4_LEGACY_MAGIC 0x184C2102u
#define LZ4_FRAME_MAGIC 0x184D2204u
#define LZ4_LEGACY_BLOCK (8u << 20) /* uncompressed bytes per legacy block */

static bool lz4_probe(const uint8_t *b, size_t len)
{
	return len >= 4 && (xb_le32(b) == LZ4_LEGACY_MAGIC ||
			    xb_le32(b) == LZ4_FRAME_MAGIC);
}

/* What may follow a legacy lz4 stream in an initrd: zero padding up to
 * another member, or to the end. */
static bool member_next(const uint8_t *b, size_t len)
{
	size_t z = 0;

	while (z < len && b[z] == 0)
		z++;
	return z == len || dc_probe(b + z, len - z) ||
	       cpio_newc_magic(b + z, len - z);
}

/*
 * Legacy frame: magic, then blocks of LE32 compressed size + data, each
 * decompressing to at most 8 MiB.  The format has no end marker.
 * Whole input: the magic may repeat (concatenated frames), a zero size is
 * padding, the last 4 bytes of a bzImage payload are the decompressed size,
 * not a block.
 * One stream: it ends at a repeated magic (the next member, as Linux's unlz4
 * would take it), at zero padding, at the end of the input (a last 4 bytes
 * equal to the decompressed size, as the kernel's build appends, belong to
 * it), or where a block size cannot be one (too large or not decodable)
 * and zero padding, another member's magic or the end stands instead.
 */
/*
 * An upper bound of what the legacy blocks from in[4] decompress to: a whole
 * block per block header, up to the first that cannot be one (zero
 * padding, a size beyond the bound or the input).  Block headers are a few
 * per 8 MiB, so the walk is cheap; the result only sizes the buffer.
 */
static uint64_t lz4_legacy_bound(const uint8_t *in, size_t in_len, size_t bound)
{
	uint64_t n = 0;
	size_t pos = 4;

	while (in_len - pos >= 4) {
		uint32_t csize = xb_le32(in + pos);

		pos += 4;
		if (csize == LZ4_LEGACY_MAGIC)
			continue;
		if (csize == 0 || csize > bound || csize > in_len - pos)
			break;
		pos += csize;
		n += LZ4_LEGACY_BLOCK;
	}
	return n;
}

/*
 * One legacy block of csize bytes at src into a buffer: *n as
 * LZ4_decompress_safe returns it (negative: a bad block, or more output
 * than the room), *room the room it had (at most a block).  last: no block
 * follows.  0, or a negative class when the buffer cannot grow.
 */
static int lz4_block_buf(struct dc_out *o, const uint8_t *src, uint32_t csize,
			 bool last, size_t *room, int *n)
{
	size_t want = LZ4_LEGACY_BLOCK;

	/* A whole block's room, or with a declared size only what it leaves
	 * (the last block is short): a buffer of the exact size does not
	 * double for it. */
	if (o->expect > o->len - o->base &&
	    o->expect - (o->len - o->base) < LZ4_LEGACY_BLOCK - DC_SLACK)
		want = (size_t)(o->expect - (o->len - o->base)) + DC_SLACK;
	if (dc_out_reserve(o, want) < 0)
		return -o->e->code;
	*room = o->size - o->len;
	if (*room > LZ4_LEGACY_BLOCK)
		*room = LZ4_LEGACY_BLOCK;
	/* Every block but the last fills a whole block. */
	if (want < LZ4_LEGACY_BLOCK || !last)
		dc_out_populate_for(o, want < *room ? want : *room, csize);
	*n = LZ4_decompress_safe((const char *)src, (char *)o->p + o->len,
				 (int)csize, (int)*room);
	if (*n < 0 && *room < LZ4_LEGACY_BLOCK && want < LZ4_LEGACY_BLOCK) {
		/* The declared size was wrong: a whole block's room. */
		if (dc_out_reserve(o, LZ4_LEGACY_BLOCK) < 0)
			return -o->e->code;
		*room = o->size - o->len;
		if (*room > LZ4_LEGACY_BLOCK)
			*room = LZ4_LEGACY_BLOCK;
		*n = LZ4_decompress_safe((const char *)src,
					 (char *)o->p + o->len, (int)csize,
					 (int)*room);
	}
	return 0;
}

/*
 * The same into a sink: the block API cannot stop inside a block and go
 * on, so the block is decoded into scratch (a block's size, reused), with
 * the room the cap leaves, as into a buffer.  The caller hands *n bytes
 * on (dc_out_put).
 */
static int lz4_block_sink(struct dc_out *o, uint8_t *scratch,
			  const uint8_t *src, uint32_t csize, size_t *room,
			  int *n)
{
	if (o->len >= o->limit)
		return dc_out_too_big(o);
	*room = o->limit - o->len;
	if (*room > LZ4_LEGACY_BLOCK)
		*room = LZ4_LEGACY_BLOCK;
	*n = LZ4_decompress_safe((const char *)src, (char *)scratch, (int)csize,
				 (int)*room);
	return 0;
}

/* A block that did not decode into room bytes (at in_off): too big when
 * it decodes into a whole block's room, which the cap did not leave (only
 * on this error path), else corrupt.  scratch: a block's memory, or NULL. */
static int lz4_block_bad(struct dc_out *o, uint8_t *scratch, const uint8_t *src,
			 uint32_t csize, size_t room, size_t in_off)
{
	if (room < LZ4_LEGACY_BLOCK) {
		char *tmp = scratch ? (char *)scratch :
				      malloc(LZ4_LEGACY_BLOCK);
		int m;

		if (!tmp)
			return xb_fail(o->e, XB_EINTERNAL,
				       "%s: %s: out of memory", o->name,
				       o->fmt);
		m = LZ4_decompress_safe((const char *)src, tmp, (int)csize,
					LZ4_LEGACY_BLOCK);
		if (!scratch)
			free(tmp);
		if (m >= 0)
			return dc_out_too_big(o);
	}
	return dc_corrupt(o, "bad lz4 block", in_off);
}

static int lz4_legacy(struct dc_out *o, const uint8_t *in, size_t in_len,
		      bool one, size_t *used)
{
	size_t ipos = 4;
	unsigned nblocks = 0;
	const size_t bound = (size_t)LZ4_compressBound(LZ4_LEGACY_BLOCK);
	uint8_t *scratch = NULL;
	int rc = 0;

	*used = 4;
	if (o->sink) {
		if (!(scratch = malloc(LZ4_LEGACY_BLOCK)))
			return xb_fail(o->e, XB_EINTERNAL,
				       "%s: %s: out of memory", o->name,
				       o->fmt);
		/* Written a whole block at once, as a buffer is. */
		huge_advise(scratch, LZ4_LEGACY_BLOCK);
	} else if (!o->expect) {
		dc_out_expect(o, lz4_legacy_bound(in, in_len, bound));
	}
	while (in_len - ipos >= 4) {
		uint32_t csize = xb_le32(in + ipos);
		size_t room = 0;
		int n = -1;

		if (csize == LZ4_LEGACY_MAGIC && !(one && nblocks)) {
			ipos += 4;
			continue;
		}
		if (one && (csize == LZ4_LEGACY_MAGIC || csize == 0))
			break;
		if (csize == 0) {
			ipos += 4;
			continue;
		}
		if (in_len - ipos == 4 && nblocks > 0) {
			if (one && csize == (uint32_t)(o->len - o->base))
				ipos += 4; /* the appended size */
			break;
		}
		if (one && nblocks &&
		    (csize > bound || csize > in_len - ipos - 4) &&
		    member_next(in + ipos, in_len - ipos))
			break;
		ipos += 4;
		if (csize > bound || csize > in_len - ipos) {
			rc = xb_fail(
				o->e, XB_EINPUT,
				"%s: %s: block %u: size %u bytes exceeds %s (%zu bytes)",
				o->name, o->fmt, nblocks, csize,
				csize > bound ? "the block bound" : "the input",
				csize > bound ? bound : in_len - ipos);
			break;
		}
		if (scratch)
			rc = lz4_block_sink(o, scratch, in + ipos, csize, &room,
					    &n);
		else
			rc = lz4_block_buf(o, in + ipos, csize,
					   in_len - ipos - csize < 4, &room,
					   &n);
		if (rc < 0)
			break;
		if (n < 0) {
			if (one && nblocks &&
			    member_next(in + ipos - 4, in_len - ipos + 4)) {
				ipos -= 4;
				break;
			}
			rc = lz4_block_bad(o, scratch, in + ipos, csize, room,
					   ipos);
			break;
		}
		if (scratch)
			rc = dc_out_put(o, scratch, (size_t)n);
		else
			o->len += (size_t)n; /* decoded in place */
		if (rc < 0)
			break;
		ipos += csize;
		nblocks++;
	}
	free(scratch);
	*used = ipos;
	if (rc == 0 && !nblocks)
		return dc_truncated(o);
	return rc;
}

static int lz4_frame(struct dc_out *o, const uint8_t *in, size_t in_len,
		     bool one, size_t *used)
{
	LZ4F_dctx *dc;
	size_t ipos = 0, frame = 0;
	int rc = 0;

	*used = 0;
	if (LZ4F_isError(LZ4F_createDecompressionContext(&dc, LZ4F_VERSION)))
		return xb_fail(o->e, XB_EINTERNAL, "%s: %s: out of memory",
			       o->name, o->fmt);
	for (;;) {
		size_t isz, osz, r;

		rc = dc_out_reserve(o, 1);
		if (rc < 0)
			break;
		isz = in_len - ipos;
		osz = dc_out_room(o);
		r = LZ4F_decompress(dc, dc_out_dst(o), &osz, in + ipos, &isz,
				    NULL);
		ipos += isz;
		dc_out_wrote(o, osz);
		if (LZ4F_isError(r)) {
			/* liblz4 says it took no input then, whatever it
			 * read: the offset is the frame's, not that of the
			 * call (which depends on the output's room). */
			rc = dc_corrupt(o, LZ4F_getErrorName(r), frame);
			break;
		}
		if (r == 0) { /* frame complete; the context is reset */
			size_t p = ipos;

			if (one)
				break;
			while (p < in_len && in[p] == 0)
				p++;
			if (in_len - p >= 4 &&
			    xb_le32(in + p) == LZ4_FRAME_MAGIC) {
				ipos = frame = p;
				continue;
			}
			break;
		}
		if (ipos == in_len && dc_out_room(o) > 0) {
			rc = dc_truncated(o);
			break;
		}
	}
	LZ4F_freeDecompressionContext(dc);
	*used = ipos;
	return rc;
}

static int lz4_run(struct dc_out *o, const uint8_t *in, size_t in_len, bool one,
		   size_t *used)
{
	dc_out_want_huge(o);
	if (in_len >= 4 && xb_le32(in) == LZ4_LEGACY_MAGIC)
		return lz4_legacy(o, in, in_len, one, used);
	return lz4_frame(o, in, in_len, one, used);
}

/* ---- lzo: the lzop file format, as Linux's unlzo reads it ---- */

static const uint8_t lzop_magic[9] = { 0x89, 'L',  'Z',	 'O', 0,
				       '\r', '\n', 0x1a, '\n' };

/* lzop header and block flags (lzop's conf.h). */
#define LZOP_ADLER32_D 0x00000001u
#define LZOP_ADLER32_C 0x00000002u
#define LZOP_EXTRA_FIELD 0x00000040u
#define LZOP_CRC32_D 0x00000100u
#define LZOP_CRC32_C 0x00000200u
#define LZOP_FILTER 0x00000800u
#define LZOP_H_CRC32 0x00001000u
#define LZOP_MAX_BLOCK (64u << 20) /* lzop's MAX_BLOCK_SIZE */

static bool lzo_probe(const uint8_t *b, size_t len)
{
	return len >= sizeof(lzop_magic) &&
	       !memcmp(b, lzop_magic, sizeof(lzop_magic));
}

/* A bounded reader over the input. */
struct rd {
	const uint8_t *b;
	size_t len, pos;
};

static bool rd_take(struct rd *r, size_t n, const uint8_t **p)
{
	if (n > r->len - r->pos)
		return false;
	*p = r->b + r->pos;
	r->pos += n;
	return true;
}

static bool rd_be32(struct rd *r, uint32_t *v)
{
	const uint8_t *p;

	if (!rd_take(r, 4, &p))
		return false;
	*v = xb_be32(p);
	return true;
}

/* Check one lzop checksum of data against the stored value.  The sums
 * are zlib's Adler-32 and CRC-32, computed by libdeflate's vector code
 * (`make bench`: liblzo's own took 15% of `lzop -dc` on a kernel). */
static bool lzop_sum_ok(struct rd *r, bool crc, const uint8_t *data, size_t n)
{
	uint32_t want, got;

	if (!rd_be32(r, &want))
		return false;
	got = crc ? libdeflate_crc32(0, data, n) :
		    libdeflate_adler32(1, data, n);
	return want == got;
}

/* The lzop header up to the first block; r->pos ends there. */
static int lzop_header(struct dc_out *o, struct rd *r, uint32_t *flags)
{
	const uint8_t *p, *hdr = r->b + r->pos;
	uint16_t version;
	unsigned m;

	if (!rd_take(r, 2, &p))
		return dc_truncated(o);
	version = xb_be16(p);
	if (!rd_take(r, version >= 0x0940 ? 5 : 3, &p))
		return dc_truncated(o);
	m = p[version >= 0x0940 ? 4 : 2];
	if (m < 1 || m > 3)
		return dc_corrupt(o, "unknown method", r->pos);
	if (version >= 0x0940 && !rd_take(r, 1, &p)) /* level */
		return dc_truncated(o);
	if (!rd_be32(r, flags))
		return dc_truncated(o);
	if (*flags & LZOP_FILTER)
		return xb_fail(o->e, XB_EINPUT,
			       "%s: %s: filtered lzop files are not supported",
			       o->name, o->fmt);
	if (!rd_take(r, version >= 0x0940 ? 12 : 8, &p)) /* mode, mtime */
		return dc_truncated(o);
	if (!rd_take(r, 1, &p) || !rd_take(r, p[0], &p)) /* name */
		return dc_truncated(o);
	if (r->len - r->pos < 4)
		return dc_truncated(o);
	if (!lzop_sum_ok(r, *flags & LZOP_H_CRC32, hdr,
			 (size_t)(r->b + r->pos - hdr)))
		return dc_corrupt(o, "header checksum", r->pos - 4);
	if (*flags & LZOP_EXTRA_FIELD) {
		uint32_t xlen;

		if (!rd_be32(r, &xlen))
			return dc_truncated(o);
		if (xlen > r->len - r->pos || r->len - r->pos - xlen < 4)
			return xb_fail(
				o->e, XB_EINPUT,
				"%s: %s: header: extra field of %u bytes (+ 4 bytes "
				"of checksum) runs past the end of the input "
				"(%zu bytes left at offset %zu)",
				o->name, o->fmt, xlen, r->len - r->pos, r->pos);
		r->pos += (size_t)xlen + 4;
	}
	return 0;
}

/*
 * The sum of the uncompressed sizes the blocks from r->pos declare, up to
 * the end marker or the first block header that does not fit the input:
 * only the size of the output buffer (the blocks are checked as they are
 * decoded).  lzop's 256 KiB blocks make this a walk of a few hundred
 * headers.
 */
static uint64_t lzop_total(const struct rd *at, uint32_t flags)
{
	struct rd r = *at;
	size_t dsums = (flags & LZOP_ADLER32_D ? 4 : 0) +
		       (flags & LZOP_CRC32_D ? 4 : 0);
	size_t csums = (flags & LZOP_ADLER32_C ? 4 : 0) +
		       (flags & LZOP_CRC32_C ? 4 : 0);
	const uint8_t *p;
	uint32_t dlen, clen;
	uint64_t n = 0;

	while (rd_be32(&r, &dlen) && dlen != 0 && dlen <= LZOP_MAX_BLOCK &&
	       rd_be32(&r, &clen) && clen != 0 && clen <= dlen &&
	       rd_take(&r, dsums + (clen < dlen ? csums : 0), &p) &&
	       rd_take(&r, clen, &p))
		n += dlen;
	return n;
}

static int lzo_run(struct dc_out *o, const uint8_t *in, size_t in_len, bool one,
		   size_t *used)
{
	struct rd r = { in, in_len, sizeof(lzop_magic) };
	const uint8_t *p;
	uint32_t flags, dlen, clen;
	unsigned nblock = 0;
	int rc;

	(void)one; /* one lzop file either way; what follows is ignored */
	*used = 0;
	dc_out_want_huge(o);
	if (lzo_init() != LZO_E_OK)
		return xb_fail(o->e, XB_EINTERNAL,
			       "%s: %s: cannot initialise liblzo2", o->name,
			       o->fmt);
	if (!lzo_probe(in, in_len))
		return dc_corrupt(o, "bad magic", 0);
	rc = lzop_header(o, &r, &flags);
	if (rc == 0 && !o->expect)
		dc_out_expect(o, lzop_total(&r, flags));
	for (; rc == 0; nblock++) {
		const uint8_t *dsum_at, *data;
		size_t dsum_pos, blk = r.pos;

		if (!rd_be32(&r, &dlen)) {
			rc = dc_truncated(o);
			break;
		}
		if (dlen == 0)
			break; /* end of file */
		if (!rd_be32(&r, &clen)) {
			rc = dc_truncated(o);
			break;
		}
		if (dlen > LZOP_MAX_BLOCK || clen == 0 || clen > dlen) {
			rc = xb_fail(
				o->e, XB_EINPUT,
				"%s: %s: block %u at offset %zu: %s (%u bytes -> %u bytes%s)",
				o->name, o->fmt, nblock, blk,
				dlen > LZOP_MAX_BLOCK ?
					"uncompressed size beyond "
					"lzop's 64 MiB block limit" :
				clen == 0 ?
					"compressed size 0" :
					"compressed size larger than uncompressed",
				clen, dlen,
				dlen > LZOP_MAX_BLOCK ?
					", limit 67108864 bytes" :
					"");
			break;
		}
		/* Checksums of the uncompressed data, then (only for
		 * compressed blocks) of the compressed data. */
		dsum_pos = r.pos;
		dsum_at = in + r.pos;
		if (!rd_take(&r,
			     (flags & LZOP_ADLER32_D ? 4 : 0) +
				     (flags & LZOP_CRC32_D ? 4 : 0),
			     &p)) {
			rc = dc_truncated(o);
			break;
		}
		if (clen < dlen) {
			struct rd cs = r;

			if (!rd_take(&r,
				     (flags & LZOP_ADLER32_C ? 4 : 0) +
					     (flags & LZOP_CRC32_C ? 4 : 0),
				     &p) ||
			    !rd_take(&r, clen, &data)) {
				rc = dc_truncated(o);
				break;
			}
			if (((flags & LZOP_ADLER32_C) &&
			     !lzop_sum_ok(&cs, false, data, clen)) ||
			    ((flags & LZOP_CRC32_C) &&
			     !lzop_sum_ok(&cs, true, data, clen))) {
				rc = dc_corrupt(o, "block checksum", dsum_pos);
				break;
			}
		} else if (!rd_take(&r, clen, &data)) {
			rc = dc_truncated(o);
			break;
		}
		if (dlen > o->cap || o->len > o->cap - dlen) {
			rc = dc_out_too_big(o);
			break;
		}
		rc = dc_out_reserve(o, dlen);
		if (rc < 0)
			break;
		dc_out_populate_for(o, dlen, clen);
		if (clen == dlen) {
			memcpy(o->p + o->len, data, dlen); /* stored block */
		} else {
			lzo_uint got = dlen;

			if (lzo1x_decompress_safe(data, clen, o->p + o->len,
						  &got, NULL) != LZO_E_OK ||
			    got != dlen) {
				rc = dc_corrupt(o, "bad lzo block", dsum_pos);
				break;
			}
		}
		{
			struct rd ds = { in, in_len, (size_t)(dsum_at - in) };

			if (((flags & LZOP_ADLER32_D) &&
			     !lzop_sum_ok(&ds, false, o->p + o->len, dlen)) ||
			    ((flags & LZOP_CRC32_D) &&
			     !lzop_sum_ok(&ds, true, o->p + o->len, dlen))) {
				rc = dc_corrupt(o, "data checksum", dsum_pos);
				break;
			}
		}
		o->len += dlen;
	}
	*used = r.pos;
	return rc;
}

/* ---- the table ---- */

/* Decode all of in with run; expect: the declared size or 0. */
static int dc_whole(dc_run_fn run, const char *fmt, const char *name,
		    const uint8_t *in, size_t in_len, uint64_t cap,
		    uint64_t expect, uint8_t **out, size_t *out_len,
		    struct xb_err *e)
{
	struct dc_out o;
	size_t used;

	dc_out_init(&o, name, fmt, in_len, cap, e);
	o.expect = expect;
	dc_out_expect(&o, expect);
	return dc_out_finish(&o, run(&o, in, in_len, false, &used), out,
			     out_len);
}

#define DC_WHOLE(f)                                                           \
	static int f##_decompress(const char *name, const uint8_t *in,        \
				  size_t in_len, uint64_t cap, uint8_t **out, \
				  size_t *out_len, struct xb_err *e)          \
	{                                                                     \
		return dc_whole(f##_run, #f, name, in, in_len, cap, 0, out,   \
				out_len, e);                                  \
	}
DC_WHOLE(gzip)
DC_WHOLE(xz)
DC_WHOLE(zstd)
DC_WHOLE(lz4)
DC_WHOLE(bzip2)
DC_WHOLE(lzo)
DC_WHOLE(lzma)

/* Ordered by how likely each is for a kernel; magics do not overlap. */
const struct dc_format dc_formats[] = {
	{ "gzip", gzip_probe, gzip_decompress },
	{ "xz", xz_probe, xz_decompress },
	{ "zstd", zstd_probe, zstd_decompress },
	{ "lz4", lz4_probe, lz4_decompress },
	{ "bzip2", bzip2_probe, bzip2_decompress },
	{ "lzo", lzo_probe, lzo_decompress },
	{ "lzma", lzma_probe, lzma_decompress },
	{ NULL, NULL, NULL },
};

/* The decoders, in the order of dc_formats. */
static const dc_run_fn dc_runs[] = {
	gzip_run, xz_run, zstd_run, lz4_run, bzip2_run, lzo_run, lzma_run,
};
_Static_assert(XB_ARRAY_SIZE(dc_runs) + 1 == XB_ARRAY_SIZE(dc_formats),
	       "dc_runs follows dc_formats");

const struct dc_format *dc_probe(const uint8_t *buf, size_t len)
{
	for (const struct dc_format *f = dc_formats; f->name; f++)
		if (f->probe(buf, len))
			return f;
	return NULL;
}

const struct dc_format *dc_find(const char *name)
{
	for (const struct dc_format *f = dc_formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* The decoder of f, or NULL. */
static dc_run_fn dc_run_of(const struct dc_format *f)
{
	for (size_t i = 0; i < XB_ARRAY_SIZE(dc_runs); i++)
		if (&dc_formats[i] == f)
			return dc_runs[i];
	return NULL;
}

int dc_decompress(const struct dc_format *f, const char *name,
		  const uint8_t *in, size_t in_len, uint64_t cap,
		  uint64_t expect, uint8_t **out, size_t *out_len,
		  struct xb_err *e)
{
	dc_run_fn run = dc_run_of(f);

	if (!run)
		return xb_fail(e, XB_EINTERNAL, "%s: unknown decompressor",
			       name);
	return dc_whole(run, f->name, name, in, in_len, cap, expect, out,
			out_len, e);
}

/* Formats whose decoder streams through a small state of its own
 * (zlib's 32 KiB window, liblzma's and libbz2's dictionaries): they write
 * into the sink's windows.  The others are fastest (and, for zstd, no
 * larger) decoding into one buffer the size of the output. */
bool dc_streams(const struct dc_format *f)
{
	dc_run_fn run = dc_run_of(f);

	return run == gzip_run || run == xz_run || run == lzma_run ||
	       run == bzip2_run;
}

bool dc_whole_faster(const struct dc_format *f)
{
	return dc_run_of(f) == gzip_run;
}

/* Formats that also decode through the sink's windows, without the whole
 * output in memory: those that stream, and lz4 (a legacy block at a time
 * through one block of scratch; a frame through liblz4's own buffer). */
bool dc_into_sink(const struct dc_format *f)
{
	return dc_streams(f) || dc_run_of(f) == lz4_run;
}

int dc_decompress_sink(const struct dc_format *f, const char *name,
		       const uint8_t *in, size_t in_len, uint64_t cap,
		       uint64_t expect, const struct dc_sink *sink,
		       uint64_t *out_len, struct xb_err *e)
{
	dc_run_fn run = dc_run_of(f);
	struct dc_out o;
	size_t used;
	int rc;

	if (!run)
		return xb_fail(e, XB_EINTERNAL, "%s: unknown decompressor",
			       name);
	dc_out_init(&o, name, f->name, in_len, cap, e);
	o.sink = sink;
	if (dc_into_sink(f)) {
		rc = run(&o, in, in_len, false, &used);
	} else {
		/* Decoded whole, then copied out. */
		uint8_t *out;
		size_t n;

		rc = dc_decompress(f, name, in, in_len, cap, expect, &out, &n,
				   e);
		if (rc == 0) {
			rc = dc_out_put(&o, out, n);
			free(out);
		}
	}
	if (rc == 0 && o.len > o.cap)
		rc = dc_out_too_big(&o);
	if (rc == 0)
		rc = sink->window(sink->ctx, o.len, NULL, NULL, e);
	*out_len = o.len;
	return rc;
}

int dc_stream_sink(const struct dc_format *f, const char *name,
		   const uint8_t *in, size_t in_len, uint64_t cap,
		   const struct dc_sink *sink, uint64_t *out_len,
		   size_t *in_used, struct xb_err *e)
{
	struct dc_out o;
	int rc;

	*out_len = 0;
	*in_used = 0;
	if (!dc_streams(f))
		return xb_fail(e, XB_EINTERNAL, "%s: %s does not stream", name,
			       f->name);
	dc_out_init(&o, name, f->name, in_len, cap, e);
	o.sink = sink;
	rc = dc_run_one(f, &o, in, in_len, in_used);
	if (rc == 0 && o.len > o.cap)
		rc = dc_out_too_big(&o);
	if (rc == 0)
		rc = sink->window(sink->ctx, o.len, NULL, NULL, e);
	*out_len = o.len;
	return rc;
}

int dc_run_one(const struct dc_format *f, struct dc_out *o, const uint8_t *in,
	       size_t in_len, size_t *used)
{
	dc_run_fn run = dc_run_of(f);

	*used = 0;
	if (!run)
		return xb_fail(o->e, XB_EINTERNAL, "%s: unknown decompressor",
			       o->name);
	o->fmt = f->name;
	o->base = o->len;
	o->over_cap = false;
	o->expect = 0;
	return run(o, in, in_len, true, used);
}

int dc_stream(const struct dc_format *f, const char *name, const uint8_t *in,
	      size_t in_len, uint64_t cap, uint8_t **out, size_t *out_len,
	      size_t *in_used, struct xb_err *e)
{
	struct dc_out o;
	size_t used;
	int rc;

	dc_out_init(&o, name, f->name, in_len, cap, e);
	rc = dc_out_finish(&o, dc_run_one(f, &o, in, in_len, &used), out,
			   out_len);
	if (rc == 0)
		*in_used = used;
	return rc;
}

/* ---- into the caller's buffer (a kernel's file-ordered view) ---- */

int dc_decompress_into(const struct dc_format *f, const char *name,
		       const uint8_t *in, size_t in_len, uint64_t cap,
		       uint64_t expect, uint8_t *out, size_t size,
		       uint64_t *out_len, struct xb_err *e)
{
	dc_run_fn run = dc_run_of(f);
	struct dc_out o;
	size_t used;
	int rc;

	*out_len = 0;
	if (!run || dc_streams(f))
		return xb_fail(e, XB_EINTERNAL,
			       "%s: %s: not a one-shot decoder", name, f->name);
	dc_out_init(&o, name, f->name, in_len, cap, e);
	o.fixed = true;
	o.p = out;
	o.size = size;
	o.expect = expect;
	rc = run(&o, in, in_len, false, &used);
	if (rc == 0 && o.len > o.cap)
		rc = dc_out_too_big(&o);
	*out_len = o.len;
	return rc;
}

/* The frames zstd_run would decode from in[0], each with its content
 * size. */
static bool zstd_size(const uint8_t *in, size_t in_len, uint64_t *n)
{
	size_t pos = 0;

	*n = 0;
	do {
		unsigned long long fcs =
			ZSTD_getFrameContentSize(in + pos, in_len - pos);
		size_t csize =
			ZSTD_findFrameCompressedSize(in + pos, in_len - pos);

		if (fcs == ZSTD_CONTENTSIZE_ERROR ||
		    fcs == ZSTD_CONTENTSIZE_UNKNOWN || ZSTD_isError(csize) ||
		    xb_add_ovf(*n, fcs, n))
			return false;
		pos += csize;
	} while (next_stream(in, in_len, &pos, zstd_probe));
	return true;
}

bool dc_size(const struct dc_format *f, const uint8_t *in, size_t in_len,
	     uint64_t *n)
{
	return dc_run_of(f) == zstd_run && zstd_size(in, in_len, n);
}

/* The first bytes of a zstd frame, through the streaming decoder (whose
 * window buffer is only touched as far as it decodes). */
static size_t zstd_head(const uint8_t *in, size_t in_len, uint8_t *out,
			size_t want)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, in_len, 0 };
	ZSTD_outBuffer ob = { out, want, 0 };

	if (!ds)
		return 0;
	if (ZSTD_isError(ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax,
						DC_ZSTD_WLOG_MIN)))
		ob.pos = 0;
	else
		while (ob.pos < want) {
			size_t r = ZSTD_decompressStream(ds, &ob, &ib);

			if (ZSTD_isError(r) || r == 0 ||
			    (ib.pos == in_len && ob.pos < want))
				break;
		}
	ZSTD_freeDStream(ds);
	return ob.pos;
}

/* The first bytes of a legacy lz4 frame, block by block, each decoded
 * only as far as needed. */
static size_t lz4_head(const uint8_t *in, size_t in_len, uint8_t *out,
		       size_t want)
{
	size_t ipos = 4, got = 0;

	if (in_len < 4 || xb_le32(in) != LZ4_LEGACY_MAGIC)
		return 0;
	while (got < want && in_len - ipos >= 4) {
		uint32_t csize = xb_le32(in + ipos);
		int n;

		ipos += 4;
		if (csize == 0 || csize > in_len - ipos ||
		    csize > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK))
			break;
		n = LZ4_decompress_safe_partial((const char *)in + ipos,
						(char *)out + got, (int)csize,
						(int)(want - got),
						(int)(want - got));
		if (n <= 0)
			break;
		got += (size_t)n;
		ipos += csize;
	}
	return got;
}

/* The first bytes of an lzop file, block by block (checksums are left to
 * the whole decode). */
static size_t lzo_head(const uint8_t *in, size_t in_len, uint8_t *out,
		       size_t want)
{
	struct rd r = { in, in_len, sizeof(lzop_magic) };
	struct xb_err e = { 0 };
	struct dc_out o;
	const uint8_t *p, *data;
	uint32_t flags, dlen, clen;
	size_t got = 0, dsums, csums;
	uint8_t *tmp = NULL;

	dc_out_init(&o, "", "lzo", in_len, 0, &e);
	if (!lzo_probe(in, in_len) || lzo_init() != LZO_E_OK ||
	    lzop_header(&o, &r, &flags) < 0)
		return 0;
	dsums = (flags & LZOP_ADLER32_D ? 4 : 0) +
		(flags & LZOP_CRC32_D ? 4 : 0);
	csums = (flags & LZOP_ADLER32_C ? 4 : 0) +
		(flags & LZOP_CRC32_C ? 4 : 0);
	while (got < want && rd_be32(&r, &dlen) && dlen != 0 &&
	       dlen <= LZOP_MAX_BLOCK && rd_be32(&r, &clen) && clen != 0 &&
	       clen <= dlen &&
	       rd_take(&r, dsums + (clen < dlen ? csums : 0), &p) &&
	       rd_take(&r, clen, &data)) {
		size_t n = dlen < want - got ? dlen : want - got;
		lzo_uint len = dlen;

		if (clen < dlen) {
			uint8_t *t = realloc(tmp, dlen);

			if (!t)
				break;
			tmp = t;
			if (lzo1x_decompress_safe(data, clen, tmp, &len,
						  NULL) != LZO_E_OK ||
			    len != dlen)
				break;
			data = tmp;
		}
		memcpy(out + got, data, n);
		got += n;
	}
	free(tmp);
	return got;
}

size_t dc_head(const struct dc_format *f, const uint8_t *in, size_t in_len,
	       uint8_t *out, size_t want)
{
	dc_run_fn run = dc_run_of(f);

	if (run == zstd_run)
		return zstd_head(in, in_len, out, want);
	if (run == lz4_run)
		return lz4_head(in, in_len, out, want);
	if (run == lzo_run)
		return lzo_head(in, in_len, out, want);
	return 0;
}
