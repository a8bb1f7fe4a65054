/*
 * fuzz_cfg.h - the body shared by the config front-end fuzz targets: any
 * input must give 0 and a complete, consistent config, or a clean error
 * with a message.  The front ends leave the final checks to cfg_finish().
 */
#ifndef XB_FUZZ_CFG_H
#define XB_FUZZ_CFG_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/cli/config_int.h"

typedef int (*fuzz_cfg_parser)(const char *fname, const char *buf, size_t len,
			       struct dom_config *c, struct xb_err *e);

static inline int fuzz_cfg(fuzz_cfg_parser parse, const char *fname,
			   const uint8_t *data, size_t size)
{
	struct dom_config c;
	struct xb_err e;
	int r;

	cfg_init(&c);
	xb_err_clear(&e);
	r = parse(fname, (const char *)data, size, &c, &e);
	if (!r)
		r = cfg_finish(&c, &e);
	/* The contract: a failure always has a message and an input class. */
	if (r && (r != -XB_EINPUT && r != -XB_EINTERNAL))
		abort();
	if (r && !e.msg[0])
		abort();
	if (!r && (!c.name[0] || !c.kernel || c.maxmem_mb < c.memory_mb ||
		   c.maxvcpus < c.vcpus ||
		   (c.cmdline && strlen(c.cmdline) >= XB_CMDLINE_MAX)))
		abort();
	/* Never 0 ("0 means the default" is gone); bounded warnings whatever
	 * the input; a bootloader config never succeeds. */
	if (!r && (!c.max_decompressed || !c.memory_mb || !c.vcpus))
		abort();
	if (c.warnings.n > XB_WARN_KEEP + 1)
		abort();
	for (size_t i = 0; i < c.warnings.n; i++)
		if (!c.warnings.v[i] || !c.warnings.v[i][0])
			abort();
	if (!r && c.origin && c.origin->line[CK_BOOTLOADER])
		abort();
	cfg_free(&c);
	return 0;
}

#endif
