/*
 * xb.h - things every part of xbuild shares: the error record, exit-code
 * classes, page constants and overflow-checked arithmetic.
 *
 * Library code (src/loaders, src/builder, the config parsers) never prints
 * and never exits: a failing function records one message on a struct xb_err
 * and returns a negative exit class (-XB_EINPUT, -XB_EHV, -XB_EINTERNAL).
 * Only src/cli turns that into output and an exit code.
 */
#ifndef XB_H
#define XB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit codes, stable (documented in xbuild(1)). */
enum xb_exit {
	XB_OK = 0,
	XB_EUSAGE = 1, /* the command line was wrong */
	XB_EINPUT =
		2, /* bad config, kernel or initrd: input the user must fix */
	XB_EHV = 3, /* the hypervisor refused or failed */
	XB_EINTERNAL = 4, /* a bug or a host resource failure (out of memory) */
};

#define XB_MSG_MAX 1024

struct xb_err {
	int code; /* an enum xb_exit value, 0 while no error */
	char msg[XB_MSG_MAX]; /* "file: what: field (numbers)" */
};

/*
 * Record an error and return -code.  The first error recorded wins: a caller
 * that fails because a callee failed returns the callee's code unchanged, so
 * the message names the innermost cause.  Use xb_prefix() to add context.
 */
int xb_fail(struct xb_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepend "prefix: " to the recorded message; returns -e->code. */
int xb_prefix(struct xb_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xb_err_clear(struct xb_err *e);
/* Copy s into dst[cap]; when it does not fit, its middle is replaced by
 * " ... " so that both its beginning and its end survive. */
void xb_shorten(char *dst, size_t cap, const char *s);

/*
 * Warnings (config keys that are not acted on, ...): the messages to show
 * are v[0..n), in the order they first occurred.  Storage is bounded
 * whatever the input: warnings with the same key are coalesced into one
 * message that ends "(and N more times)", at most XB_WARN_KEEP distinct
 * messages are kept, and past that one last message counts the rest ("...
 * and N more warnings").  A zeroed struct is an empty list.
 */
#define XB_WARN_KEEP 100

struct xb_warn_meta; /* xb.c */
struct xb_warnings {
	char **v; /* the messages, NUL-terminated */
	size_t n;
	/* internal to xb.c */
	struct xb_warn_meta *meta; /* per message: key, repeat count */
	size_t cap;
	uint64_t dropped; /* warnings beyond XB_WARN_KEEP distinct ones */
};
/* Record a warning that is not coalesced.  0 or -XB_EINTERNAL (no memory). */
int xb_warn(struct xb_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Record a warning that happened `times` (>= 1) times, coalesced with the
 * earlier ones of the same key (e.g. "again:disk"): the first message is
 * kept and its count grows.  A repeat costs no allocation and does not
 * format fmt.  key NULL: as xb_warn().  0 or -XB_EINTERNAL.
 */
int xb_warn_key(struct xb_warnings *w, const char *key, uint64_t times,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void xb_warnings_free(struct xb_warnings *w);
/* The key message i was recorded with (xb_warn_key), NULL when none
 * (xb_warn, the summary of dropped warnings).  For --json output. */
const char *xb_warning_key(const struct xb_warnings *w, size_t i);

/* "Not given" for a uint64_t address or size (INIT_P2M absent, ...). */
#define XB_UNSET UINT64_MAX

/*
 * The one number parser.  s need not be NUL-terminated: exactly len bytes
 * must form the number (no sign, no blanks, no suffix).  flags:
 *   XB_NUM_DEC  decimal digits only (libvirt XML, xenstore values);
 *   XB_NUM_C    also 0x hex and 0-prefixed octal, as strtoul(s, NULL, 0)
 *               and xl.cfg (libxlutil) accept.
 * Returns 0 with *out set, or a negative enum xb_num_err; *out is left
 * alone on failure.  xb_num_strerror() names a failure for messages.
 */
#define XB_NUM_DEC 0u
#define XB_NUM_C 1u
enum xb_num_err {
	XB_NUM_EMPTY = -1, /* no characters */
	XB_NUM_SYNTAX = -2, /* not a number of the accepted form */
	XB_NUM_RANGE = -3, /* a number, larger than max */
};
int xb_parse_u64(const char *s, size_t len, unsigned flags, uint64_t max,
		 uint64_t *out);
const char *xb_num_strerror(int r);
/*
 * Bytes per unit for a size unit as libvirt writes them (virScaleInteger):
 * "b", "byte(s)"; "k"/"KiB" = 1024, "KB" = 1000, ... up to "E"/"EiB"/"EB";
 * case-insensitive.  u of len bytes; false when unknown.
 */
bool xb_unit_scale(const char *u, size_t len, uint64_t *scale);
/* n with thousands separators ("69,999"); returns buf (>= 27 bytes). */
const char *xb_fmt_count(uint64_t n, char *buf, size_t size);

#define XB_PAGE_SHIFT 12
#define XB_PAGE_SIZE (1ULL << XB_PAGE_SHIFT)
#define XB_PAGE_MASK (XB_PAGE_SIZE - 1)

/* Overflow-checked arithmetic: true when the result overflowed. */
#define xb_add_ovf(a, b, r) __builtin_add_overflow((a), (b), (r))
#define xb_sub_ovf(a, b, r) __builtin_sub_overflow((a), (b), (r))
#define xb_mul_ovf(a, b, r) __builtin_mul_overflow((a), (b), (r))

/* Pages needed for len bytes (len must be < 2^64 - 4095). */
static inline uint64_t xb_pages(uint64_t len)
{
	return (len + XB_PAGE_MASK) >> XB_PAGE_SHIFT;
}

/* The low b bits set (b <= 64). */
static inline uint64_t xb_mask_bits(unsigned b)
{
	return b >= 64 ? UINT64_MAX : (1ULL << b) - 1;
}

/* Checked range test: [off, off+len) lies inside a buffer of size total. */
static inline bool xb_range_ok(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

/* The value of hex digit ch, or -1. */
int xb_hex_digit(int ch);
/* UUID text (8-4-4-4-12 hex digits) to bytes; false when malformed. */
bool xb_uuid_parse(const char *s, uint8_t uuid[16]);
void xb_uuid_str(const uint8_t u[16], char out[37]);

#define XB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* write(2) all of p[0, n), again after EINTR: 0, or -errno (-EIO when
 * nothing is written). */
int xb_write_all(int fd, const void *p, size_t n);
/* read(2) exactly n bytes into p, again after EINTR: 0, or -errno (-EIO at
 * the end of the file). */
int xb_read_all(int fd, void *p, size_t n);

#endif
