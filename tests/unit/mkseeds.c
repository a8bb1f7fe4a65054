/*
 * mkseeds.c - write seed inputs for the fuzz targets (`make fuzz-seeds`):
 * DIR/elf (ELF64 with PT_NOTE and SHT_NOTE notes, an ELF32 __xen_guest
 * kernel), DIR/bzimage (a bzImage of every payload format) and
 * DIR/decompress (every format's stream behind the target's format-index
 * and cap bytes), DIR/stream (kernels whose segments are congruent to
 * their pages, for the file-ordered path: uncompressed, whole-file zstd
 * with its content size, a bzImage of every format; and whole-file lz4,
 * legacy and modern frame, which inspect scans), all made by elfgen.  Used by whoever regenerates the
 * corpora; merging them into tests/fuzz/corpus is a separate step.
 *
 * Usage: mkseeds DIR.  Exit 0, or 1 with a message (a missing compression
 * tool is a message, not a failure: that format has no seed).
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "elfgen.h"
#include "../../src/loaders/loader.h"

static int write_seed(const char *dir, const char *sub, const char *name,
		      const uint8_t *b, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "mkseeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The Linux-like kernel, made small: seeds should be short. */
static void small_spec(struct eg_elf *s, const struct eg_notes *n,
		       enum eg_where w)
{
	eg_elf_linux64(s, n, w);
	s->segs[0].filesz = s->segs[0].memsz = 0x100;
	s->segs[1].paddr = EG_PSTART + 0x1000;
	s->entry = EG_KSTART;
}

static int decompress_seed(const char *dir, const char *fmt, const char *name,
			   const uint8_t *z, size_t zlen)
{
	uint8_t *d = malloc(zlen + 2);
	int rc;

	if (!d)
		return -1;
	/* the target's input: format index byte, cap byte (1 MiB), stream */
	for (d[0] = 0; dc_formats[d[0]].name; d[0]++)
		if (!strcmp(dc_formats[d[0]].name, fmt))
			break;
	d[1] = 20;
	memcpy(d + 2, z, zlen);
	rc = write_seed(dir, "decompress", name, d, zlen + 2);
	free(d);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dir = argc == 2 ? argv[1] : NULL;
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;
	struct eg_elf l = {
		.entry = 0xC0100000,
		.segs = { { 0xC0100000, 0xC0100000, 0x40, 0x4000, PF_R | PF_X,
			    0 } },
		.nsegs = 1,
		.where = EG_LEGACY,
		.legacy =
			"GUEST_OS=linux,XEN_VER=xen-3.0,HYPERCALL_PAGE=0x101,"
			"VIRT_BASE=0xC0000000,ELF_PADDR_OFFSET=0xC0000000,"
			"LOADER=generic,PAE=yes[extended-cr3],FEATURES=!writable_page_tables|dom0",
	};
	int bad = 0;

	if (!dir) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 1;
	}
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "mkseeds: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	eg_notes_linux64(&n);
	small_spec(&s, &n, EG_PHDR);
	if (eg_elf_build(&s, &o) < 0)
		return 1;
	bad |= write_seed(dir, "elf", "linux64-ptnote", o.b, o.len);
	free(o.b);
	small_spec(&s, &n, EG_SHDR);
	s.segs[0].filesz = 0x40;
	if (eg_elf_build(&s, &o) < 0)
		return 1;
	bad |= write_seed(dir, "elf", "linux64-shtnote", o.b, o.len);
	free(o.b);
	if (eg_elf_build(&l, &o) < 0)
		return 1;
	bad |= write_seed(dir, "elf", "elf32-legacy", o.b, o.len);
	free(o.b);

	small_spec(&s, &n, EG_PHDR);
	if (eg_elf_build(&s, &o) < 0)
		return 1;
	for (const struct eg_format *f = eg_formats; f->name; f++) {
		char name[64];
		size_t zlen, blen;
		uint8_t *z = eg_filter(f->cmd, o.b, o.len, &zlen);
		uint8_t *bz = eg_bzimage_of(o.b, o.len, f, &blen);

		if (!z || !bz) {
			fprintf(stderr, "mkseeds: no %s seeds: '%s' failed\n",
				f->name, f->cmd);
			free(z);
			free(bz);
			continue;
		}
		snprintf(name, sizeof(name), "bz-%s", f->name);
		bad |= write_seed(dir, "bzimage", name, bz, blen);
		bad |= decompress_seed(dir, f->name, f->name, z, zlen);
		free(z);
		free(bz);
	}
	{
		/* lz4's modern frame too (initrds use it); both lz4 frames
		 * of the whole ELF for the stream target (inspect scans them
		 * through its window, a block at a time) */
		size_t zlen;
		uint8_t *z = eg_filter("lz4 -q -c", o.b, o.len, &zlen);

		if (z) {
			bad |= decompress_seed(dir, "lz4", "lz4-frame", z,
					       zlen);
			bad |= write_seed(dir, "stream", "lz4-frame", z, zlen);
		}
		free(z);
		z = eg_filter("lz4 -l -q -c", o.b, o.len, &zlen);
		if (z)
			bad |= write_seed(dir, "stream", "lz4-legacy", z, zlen);
		free(z);
	}
	free(o.b);

	/* the file-ordered path */
	small_spec(&s, &n, EG_PHDR);
	s.congruent = true;
	if (eg_elf_build(&s, &o) < 0)
		return 1;
	bad |= write_seed(dir, "stream", "congruent-elf", o.b, o.len);
	for (const struct eg_format *f = eg_formats; f->name; f++) {
		char name[64];
		size_t blen;
		uint8_t *bz = eg_bzimage_of(o.b, o.len, f, &blen);

		if (!bz)
			continue;
		snprintf(name, sizeof(name), "congruent-bz-%s", f->name);
		bad |= write_seed(dir, "stream", name, bz, blen);
		free(bz);
	}
	{
		/* zstd reading a file writes the content size */
		size_t zlen;
		uint8_t *z = eg_filter(
			"{ f=$(mktemp); cat >$f; zstd -q -c $f; rm -f $f; }",
			o.b, o.len, &zlen);

		if (z)
			bad |= write_seed(dir, "stream", "congruent-zstd-sized",
					  z, zlen);
		free(z);
	}
	free(o.b);
	return bad ? 1 : 0;
}
