/* xb.c - error records, warnings, number parsing. */
#include "xb.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <unistd.h>

void xb_shorten(char *dst, size_t cap, const char *s)
{
	static const char cut[] = " ... ";
	size_t n = strlen(s), keep, head;

	if (cap == 0)
		return;
	if (n < cap || cap < sizeof(cut) + 2) {
		snprintf(dst, cap, "%s", s);
		return;
	}
	keep = cap - sizeof(cut); /* bytes of s kept, NUL counted */
	head = keep / 2;
	memcpy(dst, s, head);
	memcpy(dst + head, cut, sizeof(cut) - 1);
	memcpy(dst + head + sizeof(cut) - 1, s + n - (keep - head),
	       keep - head);
	dst[cap - 1] = '\0';
}

/* Format into e->msg; a message too long for it loses its middle, never
 * its end, which says what went wrong (a long path must not hide
 * "File name too long"). */
__attribute__((format(printf, 2, 0))) static void
set_msg(struct xb_err *e, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void set_msg(struct xb_err *e, const char *fmt, va_list ap)
{
	char *full = NULL;
	va_list aq;

	va_copy(aq, ap);
	if (vasprintf(&full, fmt, aq) < 0) {
		full = NULL;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	} else {
		xb_shorten(e->msg, sizeof(e->msg), full);
	}
	va_end(aq);
	free(full);
}

int xb_fail(struct xb_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -code;
	if (e->code) /* keep the innermost cause */
		return -e->code;
	e->code = code;
	va_start(ap, fmt);
	set_msg(e, fmt, ap);
	va_end(ap);
	return -code;
}

int xb_prefix(struct xb_err *e, const char *fmt, ...)
{
	char pre[256], old[XB_MSG_MAX];
	int code = e->code;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	e->code = 0;
	return xb_fail(e, code, "%s: %s", pre, old);
}

void xb_err_clear(struct xb_err *e)
{
	e->code = 0;
	e->msg[0] = '\0';
}

/*
 * Warnings.  Each kept message is allocated once with room for the longest
 * count suffix, so that a repeat only rewrites the suffix in place.
 */
#define WARN_MSG_MAX 512
#define WARN_SUFFIX_MAX 48 /* " (and 18,446,744,073,709,551,615 more times)" */
#define WARN_KEY_MAX 96

struct xb_warn_meta {
	char key[WARN_KEY_MAX]; /* "" when not coalesced */
	size_t base; /* length of the message without the suffix */
	uint64_t times;
};

const char *xb_fmt_count(uint64_t n, char *buf, size_t size)
{
	char digits[24];
	int nd =
		snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	size_t o = 0;

	for (int i = 0; i < nd && o + 2 < size; i++) {
		if (i && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Rewrite the count suffix of message i. */
static void warn_render(struct xb_warnings *w, size_t i)
{
	const struct xb_warn_meta *m = &w->meta[i];
	char num[32];

	w->v[i][m->base] = '\0';
	if (m->times > 1)
		snprintf(w->v[i] + m->base, WARN_SUFFIX_MAX,
			 " (and %s more time%s)",
			 xb_fmt_count(m->times - 1, num, sizeof(num)),
			 m->times == 2 ? "" : "s");
}

/* Append a message slot holding text; its index or -1 (no memory). */
static long warn_push(struct xb_warnings *w, const char *key, const char *text,
		      uint64_t times)
{
	size_t len = strlen(text);
	char *msg;

	if (w->n == w->cap) {
		/* Doubling; never more than XB_WARN_KEEP + 1 slots. */
		size_t nc = w->cap ? w->cap * 2 : 8;
		char **nv;
		struct xb_warn_meta *nm;

		if (nc > XB_WARN_KEEP + 1)
			nc = XB_WARN_KEEP + 1;
		nv = realloc(w->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		w->v = nv;
		nm = realloc(w->meta, nc * sizeof(*nm));
		if (!nm)
			return -1;
		w->meta = nm;
		w->cap = nc;
	}
	msg = malloc(len + WARN_SUFFIX_MAX);
	if (!msg)
		return -1;
	memcpy(msg, text, len + 1);
	w->v[w->n] = msg;
	snprintf(w->meta[w->n].key, WARN_KEY_MAX, "%s", key ? key : "");
	w->meta[w->n].base = len;
	w->meta[w->n].times = times;
	warn_render(w, w->n);
	return (long)w->n++;
}

/* Count warnings past the cap in one last message. */
static int warn_drop(struct xb_warnings *w, uint64_t times)
{
	char num[32], text[128];

	if (xb_add_ovf(w->dropped, times, &w->dropped))
		w->dropped = UINT64_MAX;
	snprintf(text, sizeof(text),
		 "... and %s more warning%s (only the first "
		 "%d distinct ones are shown)",
		 xb_fmt_count(w->dropped, num, sizeof(num)),
		 w->dropped == 1 ? "" : "s", XB_WARN_KEEP);
	if (w->n == XB_WARN_KEEP)
		return warn_push(w, NULL, text, 1) < 0 ? -XB_EINTERNAL : 0;
	/* The summary is the last slot; rewrite it (same length or longer by
	 * a few digits, which its suffix room covers). */
	snprintf(w->v[w->n - 1], w->meta[w->n - 1].base + WARN_SUFFIX_MAX, "%s",
		 text);
	return 0;
}

static int vwarn(struct xb_warnings *w, const char *key, uint64_t times,
		 const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static int vwarn(struct xb_warnings *w, const char *key, uint64_t times,
		 const char *fmt, va_list ap)
{
	char buf[WARN_MSG_MAX];

	if (!times)
		return 0;
	if (key && *key) {
		/* The latest message first: floods repeat one key in a row. */
		for (size_t k = w->n; k-- > 0;) {
			struct xb_warn_meta *m = &w->meta[k];

			if (strcmp(m->key, key))
				continue;
			if (xb_add_ovf(m->times, times, &m->times))
				m->times = UINT64_MAX;
			warn_render(w, k);
			return 0;
		}
	}
	if (w->n >= XB_WARN_KEEP)
		return warn_drop(w, times);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	return warn_push(w, key, buf, times) < 0 ? -XB_EINTERNAL : 0;
}

int xb_warn(struct xb_warnings *w, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vwarn(w, NULL, 1, fmt, ap);
	va_end(ap);
	return r;
}

int xb_warn_key(struct xb_warnings *w, const char *key, uint64_t times,
		const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vwarn(w, key, times, fmt, ap);
	va_end(ap);
	return r;
}

const char *xb_warning_key(const struct xb_warnings *w, size_t i)
{
	return i < w->n && w->meta[i].key[0] ? w->meta[i].key : NULL;
}

void xb_warnings_free(struct xb_warnings *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	free(w->meta);
	memset(w, 0, sizeof(*w));
}

int xb_parse_u64(const char *s, size_t len, unsigned flags, uint64_t max,
		 uint64_t *out)
{
	unsigned base = 10;
	uint64_t r = 0;
	size_t i = 0;
	bool range = false;

	if (!len)
		return XB_NUM_EMPTY;
	if ((flags & XB_NUM_C) && s[0] == '0' && len > 1) {
		if (s[1] == 'x' || s[1] == 'X') {
			base = 16;
			i = 2;
			if (len == 2)
				return XB_NUM_SYNTAX; /* "0x" */
		} else {
			base = 8;
			i = 1;
		}
	}
	for (; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		unsigned d;

		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'f')
			d = ch - 'a' + 10u;
		else if (ch >= 'A' && ch <= 'F')
			d = ch - 'A' + 10u;
		else
			return XB_NUM_SYNTAX;
		if (d >= base)
			return XB_NUM_SYNTAX;
		/* Keep reading after an overflow: "99...9x" is a syntax error. */
		if (xb_mul_ovf(r, (uint64_t)base, &r) ||
		    xb_add_ovf(r, (uint64_t)d, &r))
			range = true;
	}
	if (range || r > max)
		return XB_NUM_RANGE;
	*out = r;
	return 0;
}

const char *xb_num_strerror(int r)
{
	switch (r) {
	case 0: return "no error";
	case XB_NUM_EMPTY: return "empty";
	case XB_NUM_SYNTAX: return "not a number";
	case XB_NUM_RANGE: return "too large";
	}
	return "invalid";
}

bool xb_unit_scale(const char *u, size_t len, uint64_t *scale)
{
	static const char prefixes[] = "kmgtpe";
	uint64_t base = 1024, s = 1;
	const char *p;

	if ((len == 1 && (u[0] == 'b' || u[0] == 'B')) ||
	    (len == 4 && !strncasecmp(u, "byte", 4)) ||
	    (len == 5 && !strncasecmp(u, "bytes", 5))) {
		*scale = 1;
		return true;
	}
	if (len == 3 && !strncasecmp(u + 1, "iB", 2))
		base = 1024;
	else if (len == 2 && (u[1] == 'B' || u[1] == 'b'))
		base = 1000;
	else if (len != 1)
		return false;
	p = u[0] ? strchr(prefixes, tolower((unsigned char)u[0])) : NULL;
	if (!p)
		return false;
	for (long i = 0; i <= p - prefixes; i++)
		s *= base;
	*scale = s;
	return true;
}

int xb_hex_digit(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, as libxl_uuid_from_string. */
bool xb_uuid_parse(const char *s, uint8_t uuid[16])
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	unsigned k = 0;

	for (unsigned g = 0; g < XB_ARRAY_SIZE(groups); g++) {
		if (g && *s++ != '-')
			return false;
		for (int i = 0; i < groups[g]; i += 2) {
			int hi = xb_hex_digit((unsigned char)s[0]), lo;

			if (hi < 0)
				return false;
			lo = xb_hex_digit((unsigned char)s[1]);
			if (lo < 0)
				return false;
			uuid[k++] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
	}
	return *s == '\0';
}

void xb_uuid_str(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* read(2) (wr false) or write(2) all n bytes at p, again after EINTR. */
static int io_all(int fd, uint8_t *p, size_t n, bool wr)
{
	while (n) {
		ssize_t r = wr ? write(fd, p, n) : read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int xb_write_all(int fd, const void *p, size_t n)
{
	return io_all(fd, (uint8_t *)(uintptr_t)p, n, true);
}

int xb_read_all(int fd, void *p, size_t n)
{
	return io_all(fd, p, n, false);
}
