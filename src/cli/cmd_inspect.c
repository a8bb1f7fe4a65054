/*
 * cmd_inspect.c - `xbuild inspect KERNEL`: what the loader sees.
 */
#include "cli.h"

#include <stdlib.h>

#include "print.h"

int cmd_inspect(struct cli *c)
{
	struct loader_opts lo = { .max_decompressed = c->max_dec_mb << 20 };
	struct kernel_image k;
	uint8_t *buf;
	size_t len;
	int rc;

	if (!lo.max_decompressed)
		lo.max_decompressed = XB_DEFAULT_MAX_DECOMP;
	rc = xb_read_file(c->arg, lo.max_decompressed, &buf, &len, &c->err);
	if (rc < 0)
		return rc;
	rc = kernel_parse(c->arg, buf, len, &lo, &k, &c->err);
	if (rc == 0) {
		print_inspect(c, &k);
		kernel_image_free(&k);
	}
	free(buf);
	return rc;
}
