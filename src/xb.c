/* xb.c - error records, warnings, file reading. */
#include "xb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int xb_read_file(const char *path, size_t cap, uint8_t **buf, size_t *len,
		 struct xb_err *e)
{
	struct stat st;
	uint8_t *b;
	size_t got = 0;
	int fd;

	*buf = NULL;
	*len = 0;
	/* O_NONBLOCK so that opening a FIFO cannot hang; checked below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return xb_fail(e, XB_EINPUT, "%s: cannot open: %s", path,
			       strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return xb_fail(e, XB_EINPUT, "%s: cannot stat: %s", path,
			       strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return xb_fail(e, XB_EINPUT, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > cap) {
		close(fd);
		return xb_fail(e, XB_EINPUT,
			       "%s: file too large (%lld bytes > limit %zu)",
			       path, (long long)st.st_size, cap);
	}
	b = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!b) {
		close(fd);
		return xb_fail(e, XB_EINTERNAL, "%s: out of memory (%lld bytes)",
			       path, (long long)st.st_size);
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, b + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r < 0 ? errno : EIO;

			free(b);
			close(fd);
			return xb_fail(e, XB_EINPUT, "%s: read failed: %s",
				       path, strerror(err));
		}
		got += (size_t)r;
	}
	close(fd);
	*buf = b;
	*len = got;
	return 0;
}
