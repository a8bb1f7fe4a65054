/* xb.c - error records, warnings, file reading. */
#include "xb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xb_fail(struct xb_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -code;
	if (e->code)		/* keep the innermost cause */
		return -e->code;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -code;
}

int xb_prefix(struct xb_err *e, const char *fmt, ...)
{
	char pre[256], old[XB_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	/* Truncation is acceptable: the message is for people. */
	if (snprintf(e->msg, sizeof(e->msg), "%s: %.*s", pre,
		     (int)(sizeof(e->msg) / 2), old) < 0)
		e->msg[0] = '\0';
	return -e->code;
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
