/*
 * input_stdin.c - `xbuild COMMAND -`: the config read from standard input
 * (a pipe, a file or a terminal), as `xl create -` does, bounded like a
 * config file.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int xb_read_stdin(size_t cap, uint8_t **buf, size_t *len, struct xb_err *e)
{
	size_t got = 0, size = 4096;
	uint8_t *b = malloc(size);

	*buf = NULL;
	*len = 0;
	if (!b)
		return xb_fail(e, XB_EINTERNAL, "<stdin>: out of memory");
	for (;;) {
		ssize_t r;

		if (got == size) {
			/* One byte past cap tells "too large" from "exactly cap". */
			size_t ns = size * 2 > cap + 1 ? cap + 1 : size * 2;
			uint8_t *nb;

			if (ns == size) {
				free(b);
				return xb_fail(e, XB_EINPUT,
					       "<stdin>: config is more "
					       "than %zu bytes, the limit",
					       cap);
			}
			if (!(nb = realloc(b, ns))) {
				free(b);
				return xb_fail(e, XB_EINTERNAL,
					       "<stdin>: out of memory");
			}
			b = nb;
			size = ns;
		}
		r = read(STDIN_FILENO, b + got, size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			free(b);
			return xb_fail(e, XB_EINPUT, "<stdin>: read failed: %s",
				       strerror(err));
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*buf = b;
	*len = got;
	return 0;
}
