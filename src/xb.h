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
	XB_EUSAGE = 1,    /* the command line was wrong */
	XB_EINPUT = 2,    /* bad config, kernel or initrd: input the user must fix */
	XB_EHV = 3,       /* the hypervisor refused or failed */
	XB_EINTERNAL = 4, /* a bug or a host resource failure (out of memory) */
};

#define XB_MSG_MAX 1024

struct xb_err {
	int code;		/* an enum xb_exit value, 0 while no error */
	char msg[XB_MSG_MAX];	/* "file: what: field (numbers)" */
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

/* A growable list of warnings (config keys that are not acted on, ...). */
struct xb_warnings {
	char **v;
	size_t n;
};
int xb_warn(struct xb_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void xb_warnings_free(struct xb_warnings *w);

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

#define XB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
