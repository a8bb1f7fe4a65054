/* xb.c - error records, warnings, file reading. */
#include "xb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	keep = cap - sizeof(cut);	/* bytes of s kept, NUL counted */
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
	if (e->code)		/* keep the innermost cause */
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

int xb_warn(struct xb_warnings *w, const char *fmt, ...)
{
	char buf[512], **nv;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nv = realloc(w->v, (w->n + 1) * sizeof(*nv));
	if (!nv)
		return -XB_EINTERNAL;
	w->v = nv;
	w->v[w->n] = strdup(buf);
	if (!w->v[w->n])
		return -XB_EINTERNAL;
	w->n++;
	return 0;
}

void xb_warnings_free(struct xb_warnings *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	w->v = NULL;
	w->n = 0;
}
