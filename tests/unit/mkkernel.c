/*
 * mkkernel.c - write a test kernel made by elfgen to a file, for the CLI
 * tests (build/tests/mkkernel): an ELF64 Xen PV kernel with one rwx
 * PT_LOAD segment (its bytes elfgen_byte(i)) and the Xen notes
 * XEN_VERSION, GUEST_OS, LOADER, VIRT_BASE, PADDR_OFFSET, ENTRY, with
 * options for the others and for a bzImage around it.
 *
 * Usage: mkkernel [OPTIONS] OUT; sizes take a K, M or G suffix.
 *   --virt-base ADDR      VIRT_BASE (default 0xffffffff80000000)
 *   --paddr ADDR          p_paddr of the segment (default 0x1000000)
 *   --text SIZE           file bytes of the segment (default 0x3000)
 *   --bss SIZE            p_memsz - p_filesz (default 0)
 *   --entry-off N         ENTRY = VIRT_BASE + paddr + N (default 0x10)
 *   --hypercall-page      HYPERCALL_PAGE at the segment's second page
 *   --init-p2m ADDR       INIT_P2M note
 *   --mod-start-pfn       MOD_START_PFN note
 *   --linux               what Linux has: --init-p2m 0x8000000000 --mod-start-pfn
 *   --guest-os NAME       GUEST_OS (default linux)
 *   --phys32-entry ADDR   PHYS32_ENTRY note (4 bytes; the PVH entry)
 *   --bzimage FORMAT      a bzImage whose payload is the ELF compressed as
 *                         Linux does: gzip, bzip2, xz, lzma, lzo, lz4, zstd
 * Exit 0, 1 on a usage error, 2 when the image cannot be made or written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elfgen.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: mkkernel [--virt-base ADDR] [--paddr ADDR] [--text SIZE] [--bss SIZE]\n"
		"                [--entry-off N] [--hypercall-page] [--init-p2m ADDR]\n"
		"                [--mod-start-pfn] [--linux] [--guest-os NAME] [--phys32-entry ADDR]\n"
		"                [--bzimage gzip|bzip2|xz|lzma|lzo|lz4|zstd] OUT\n");
	exit(1);
}

static uint64_t number(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	switch (*end) {
	case 'K':
		shift = 10;
		end++;
		break;
	case 'M':
		shift = 20;
		end++;
		break;
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (errno || end == s || *end || (shift && v >> (64 - shift))) {
		fprintf(stderr, "mkkernel: %s: bad number '%s'\n", opt, s);
		exit(1);
	}
	return (uint64_t)v << shift;
}

int main(int argc, char **argv)
{
	enum {
		O_VB = 1,
		O_PADDR,
		O_TEXT,
		O_BSS,
		O_ENTRY,
		O_HC,
		O_P2M,
		O_MSP,
		O_LINUX,
		O_OS,
		O_BZ,
		O_P32
	};
	static const struct option opts[] = {
		{ "virt-base", required_argument, NULL, O_VB },
		{ "paddr", required_argument, NULL, O_PADDR },
		{ "text", required_argument, NULL, O_TEXT },
		{ "bss", required_argument, NULL, O_BSS },
		{ "entry-off", required_argument, NULL, O_ENTRY },
		{ "hypercall-page", no_argument, NULL, O_HC },
		{ "init-p2m", required_argument, NULL, O_P2M },
		{ "mod-start-pfn", no_argument, NULL, O_MSP },
		{ "linux", no_argument, NULL, O_LINUX },
		{ "guest-os", required_argument, NULL, O_OS },
		{ "bzimage", required_argument, NULL, O_BZ },
		{ "phys32-entry", required_argument, NULL, O_P32 },
		{ NULL, 0, NULL, 0 },
	};
	struct elfgen g = {
		.virt_base = 0xffffffff80000000ULL,
		.paddr = 0x1000000,
		.entry_off = 0x10,
		.text_len = 0x3000,
	};
	const struct eg_format *fmt = NULL;
	uint8_t *elf, *out;
	size_t len, out_len;
	FILE *f;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_VB: g.virt_base = number("--virt-base", optarg); break;
		case O_PADDR: g.paddr = number("--paddr", optarg); break;
		case O_TEXT: g.text_len = number("--text", optarg); break;
		case O_BSS: g.bss_len = number("--bss", optarg); break;
		case O_ENTRY:
			g.entry_off = number("--entry-off", optarg);
			break;
		case O_HC: g.hypercall_page = true; break;
		case O_P2M: g.init_p2m = number("--init-p2m", optarg); break;
		case O_MSP: g.mod_start_pfn = true; break;
		case O_LINUX:
			g.init_p2m = 0x8000000000ULL;
			g.mod_start_pfn = true;
			break;
		case O_OS: g.guest_os = optarg; break;
		case O_P32:
			g.phys32_entry = number("--phys32-entry", optarg);
			break;
		case O_BZ:
			fmt = eg_format(optarg);
			if (!fmt) {
				fprintf(stderr,
					"mkkernel: --bzimage: unknown format '%s'\n",
					optarg);
				return 1;
			}
			break;
		default: usage();
		}
	}
	if (optind != argc - 1)
		usage();
	elf = elfgen_build(&g, &len);
	if (!elf) {
		fprintf(stderr, "mkkernel: out of memory\n");
		return 2;
	}
	out = elf;
	out_len = len;
	if (fmt) {
		out = eg_bzimage_of(elf, len, fmt, &out_len);
		if (!out) {
			fprintf(stderr,
				"mkkernel: '%s' failed (is it installed? scripts/deps.sh test)\n",
				fmt->cmd);
			free(elf);
			return 2;
		}
		free(elf);
	}
	f = fopen(argv[optind], "wb");
	if (!f || fwrite(out, 1, out_len, f) != out_len || fclose(f) != 0) {
		perror(argv[optind]);
		free(out);
		return 2;
	}
	free(out);
	return 0;
}
