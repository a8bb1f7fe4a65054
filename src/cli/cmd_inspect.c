/*
 * cmd_inspect.c - `xbuild inspect KERNEL`: what the loader sees, and the
 * version string of a bzImage's header.
 */
#include "cli.h"

#include <string.h>

#include "print.h"

#define KVER_MAX 512 /* Linux's string is about 150 bytes */

/*
 * The kernel_version string of a Linux bzImage (Documentation/arch/x86/
 * boot.rst): the 16-bit field at 0x20e, when not 0, plus 0x200 is the
 * file offset of a NUL-terminated string (boot protocol 2.00 and later,
 * "HdrS" at 0x202).  Pure over (b, len); NULL unless the string and its
 * NUL lie inside the file within KVER_MAX bytes.
 */
static const char *bz_kernel_version(const uint8_t *b, size_t len, char *out)
{
	uint64_t off;
	const uint8_t *nul;
	size_t room;

	if (len < 0x210 || memcmp(b + 0x202, "HdrS", 4) ||
	    (b[0x206] | b[0x207] << 8) < 0x200)
		return NULL;
	off = (uint64_t)(b[0x20e] | b[0x20f] << 8);
	if (!off)
		return NULL;
	off += 0x200;
	if (off >= len)
		return NULL;
	room = len - off < KVER_MAX ? len - off : KVER_MAX;
	nul = memchr(b + off, 0, room);
	if (!nul)
		return NULL;
	memcpy(out, b + off, (size_t)(nul - (b + off)) + 1);
	return out;
}

int cmd_inspect(struct cli *c)
{
	struct loader_opts lo = { .max_decompressed = c->max_dec_mb << 20 };
	struct kernel_image k;
	char kver[KVER_MAX], h1[32], h2[32], t[32], what[256];
	struct progress pg;
	struct cli_file f;
	uint64_t t0;
	int rc;

	if (!lo.max_decompressed)
		lo.max_decompressed = XB_DEFAULT_MAX_DECOMP;
	t0 = cli_now();
	rc = xb_read_file(c->arg, lo.max_decompressed, &f, &c->err);
	if (rc < 0)
		return rc;
	say(c, "read kernel %s (%s) in %s", c->arg,
	    human_size(f.len, h1, sizeof(h1)),
	    human_time(cli_now() - t0, t, sizeof(t)));
	t0 = cli_now();
	progress_what(what, sizeof(what), c->arg, f.len, NULL, 0);
	progress_start(&pg, c, what);
	rc = kernel_scan(c->arg, f.buf, f.len, &lo, &k, &c->err);
	progress_end(&pg);
	if (rc == 0) {
		say(c, "loaded: %s, %s, %s ELF in %s", k.format, k.compression,
		    human_size(k.elf_len, h2, sizeof(h2)),
		    human_time(cli_now() - t0, t, sizeof(t)));
		print_inspect(c, &k,
			      strcmp(k.format, "bzImage") ?
				      NULL :
				      bz_kernel_version(f.buf, f.len, kver));
		kernel_image_free(&k);
	}
	xb_file_free(&f);
	return rc;
}
