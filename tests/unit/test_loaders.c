/*
 * test_loaders.c - the kernel loaders: ELF64/ELF32 images with Xen notes
 * built in memory (elfgen.h), every rejection rule, every decompressor
 * (streams made by the command-line tools), bzImages around every payload
 * format, and the real Debian kernels when tests/fetch-kernel.sh has
 * fetched them (a skip without them; a failure under CI=true).
 */
#include "harness.h"
#include "elfgen.h"
#include "../../src/cli/cli.h"
#include "../../src/loaders/loader.h"

#include <elf.h>
#include <lzma.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <xen/elfnote.h>

struct parsed {
	struct kernel_image img;
	struct xb_err e;
	int rc;
};

static int parse_buf(struct parsed *p, const void *b, size_t len, uint64_t cap)
{
	struct loader_opts o = { .max_decompressed =
					 cap ? cap : XB_DEFAULT_MAX_DECOMP };

	memset(p, 0, sizeof(*p));
	p->rc = kernel_parse("vmlinuz", b, len, &o, &p->img, &p->e);
	return p->rc;
}

/* Build, parse, free the bytes (the image must not need them on failure). */
static int parse_spec(struct parsed *p, const struct eg_elf *s)
{
	struct eg_out o;

	eg_elf_build(s, &o);
	parse_buf(p, o.b, o.len, 0);
	if (p->rc == 0)
		kernel_image_free(&p->img);
	free(o.b);
	return p->rc;
}

/* Parse the Linux-like kernel with one extra/changed note. */
static int parse_with(struct parsed *p, void (*tweak)(struct eg_notes *))
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;

	eg_notes_linux64(&n);
	tweak(&n);
	eg_elf_linux64(&s, &n, EG_PHDR);
	return parse_spec(p, &s);
}

#define CHECK_FAILS(p, needle)                      \
	do {                                        \
		CHECK_EQ((p)->rc, -XB_EINPUT);      \
		CHECK_CONTAINS((p)->e.msg, needle); \
	} while (0)

/* ---- ELF: accepted images ---- */

static void test_elf64_ptnote(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;
	struct parsed p;

	eg_notes_linux64(&n);
	eg_elf_linux64(&s, &n, EG_PHDR);
	eg_elf_build(&s, &o);
	REQUIRE(parse_buf(&p, o.b, o.len, 0) == 0);
	CHECK_STR(p.img.format, "elf");
	CHECK_STR(p.img.compression, "none");
	CHECK(p.img.elf == o.b);
	CHECK(p.img.owned == NULL);
	CHECK_EQ(p.img.file_len, o.len);
	CHECK_EQ(p.img.elf_class, 64);
	CHECK_EQ(p.img.machine, EM_X86_64);
	CHECK_EQ(p.img.guest, XB_GUEST_X86_64);
	CHECK_STR(p.img.notes.source, "PT_NOTE");
	CHECK_STR(p.img.notes.xen_version, "xen-3.0");
	CHECK_STR(p.img.notes.guest_os, "linux");
	CHECK_STR(p.img.notes.guest_version, "2.6");
	CHECK_STR(p.img.notes.loader, "generic");
	CHECK_STR(p.img.notes.pae_mode, "yes");
	CHECK_STR(p.img.notes.features,
		  "!writable_page_tables|pae_pgdir_above_4gb");
	CHECK_EQ(p.img.notes.feat_required[0], 1u << 0);
	CHECK_EQ(p.img.notes.feat_supported[0],
		 (1u << 0) | (1u << 4) | (1u << 11));
	CHECK(p.img.notes.has_features);
	CHECK(p.img.notes.mod_start_pfn);
	CHECK(p.img.notes.has_init_p2m);
	CHECK_EQ(p.img.nsegs, 2);
	CHECK_EQ(p.img.segs[1].paddr, EG_PSTART + 0x3000);
	CHECK_EQ(p.img.segs[1].filesz, 0x100);
	CHECK_EQ(p.img.segs[1].memsz, 0x2000);
	CHECK_EQ(p.img.segs[1].flags, PF_R | PF_W);
	CHECK_EQ(p.img.pstart, EG_PSTART);
	CHECK_EQ(p.img.pend, EG_PSTART + 0x5000);
	CHECK_EQ(p.img.virt_base, EG_VB64);
	CHECK_EQ(p.img.paddr_offset, 0);
	CHECK_EQ(p.img.virt_kstart, EG_KSTART);
	CHECK_EQ(p.img.virt_kend, EG_KSTART + 0x5000);
	CHECK_EQ(p.img.virt_entry,
		 EG_KSTART + 0x10); /* the note, not e_entry */
	CHECK_EQ(p.img.virt_hypercall, EG_KSTART + 0x1000);
	CHECK_EQ(p.img.p2m_base, 0x8000000000ULL);
	kernel_image_free(&p.img);
	free(o.b);
}

/* The notes a PV build does not act on are recorded for inspect, and a
 * malformed one is never a reason to refuse the kernel. */
static void test_elf_info_notes(void)
{
	static const uint8_t l1[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 1 };
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;
	struct parsed p;

	eg_notes_linux64(&n);
	eg_note_u64(&n, XEN_ELFNOTE_HV_START_LOW, 0xffff800000000000ULL);
	eg_note_raw(&n, "Xen", XEN_ELFNOTE_L1_MFN_VALID, l1, sizeof(l1));
	eg_note_u32(&n, XEN_ELFNOTE_PHYS32_ENTRY, 0x1000850);
	eg_note_str(&n, XEN_ELFNOTE_BSD_SYMTAB, "yes");
	eg_note_u32(&n, 42, 7);
	eg_elf_linux64(&s, &n, EG_PHDR);
	eg_elf_build(&s, &o);
	REQUIRE(parse_buf(&p, o.b, o.len, 0) == 0);
	CHECK(p.img.notes.has_hv_start_low);
	CHECK_EQ(p.img.notes.hv_start_low, 0xffff800000000000ULL);
	CHECK(p.img.notes.has_l1_mfn_valid);
	CHECK_EQ(p.img.notes.l1_mfn_valid[0], 1);
	CHECK_EQ(p.img.notes.l1_mfn_valid[1], 1);
	CHECK_EQ(p.img.notes.l1_mfn_valid_pairs, 1);
	CHECK(p.img.notes.has_suspend_cancel); /* eg_notes_linux64 */
	CHECK_EQ(p.img.notes.suspend_cancel, 1);
	CHECK(p.img.notes.has_phys32_entry);
	CHECK_EQ(p.img.notes.phys32_entry, 0x1000850);
	CHECK_STR(p.img.notes.bsd_symtab, "yes");
	CHECK_EQ(p.img.notes.nr_other, 1);
	CHECK_EQ(p.img.notes.other_types[0], 42);
	kernel_image_free(&p.img);
	free(o.b);

	/* a 3-byte PHYS32_ENTRY and an odd L1_MFN_VALID: accepted, not set */
	n.len = 0;
	eg_notes_linux64(&n);
	eg_note_raw(&n, "Xen", XEN_ELFNOTE_PHYS32_ENTRY, "abc", 3);
	eg_note_raw(&n, "Xen", XEN_ELFNOTE_L1_MFN_VALID, l1, 5);
	eg_elf_linux64(&s, &n, EG_PHDR);
	eg_elf_build(&s, &o);
	REQUIRE(parse_buf(&p, o.b, o.len, 0) == 0);
	CHECK(!p.img.notes.has_phys32_entry);
	CHECK(!p.img.notes.has_l1_mfn_valid);
	CHECK(!p.img.notes.has_hv_start_low);
	kernel_image_free(&p.img);
	free(o.b);
}

static void test_elf64_shtnote(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct parsed p;
	struct eg_out o;

	eg_note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	eg_note_str(&n, XEN_ELFNOTE_LOADER, "generic");
	eg_note_u64(&n, XEN_ELFNOTE_VIRT_BASE, EG_VB64);
	eg_elf_linux64(&s, &n, EG_SHDR);
	eg_elf_build(&s, &o);
	REQUIRE(parse_buf(&p, o.b, o.len, 0) == 0);
	CHECK_STR(p.img.notes.source, "SHT_NOTE");
	CHECK_EQ(p.img.virt_entry, EG_KSTART + 0x20); /* e_entry */
	CHECK_EQ(p.img.paddr_offset, 0);
	CHECK_EQ(p.img.virt_kstart, EG_KSTART);
	CHECK_EQ(p.img.virt_hypercall, UINT64_MAX);
	CHECK_EQ(p.img.p2m_base, UINT64_MAX);
	CHECK(!p.img.notes.mod_start_pfn);
	kernel_image_free(&p.img);
	free(o.b);
}

/* An old 32-bit PAE kernel: only the __xen_guest string, p_paddr == vaddr. */
static void test_elf32_legacy(void)
{
	struct eg_elf s = {
		.is64 = false,
		.entry = 0xC0100000,
		.segs = { { 0xC0100000, 0xC0100000, 0x3000, 0x4000,
			    PF_R | PF_X | PF_W, 0 } },
		.nsegs = 1,
		.where = EG_LEGACY,
		.legacy =
			"GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,"
			"HYPERCALL_PAGE=0x101,VIRT_BASE=0xC0000000,LOADER=generic,"
			"PAE=yes[extended-cr3],FEATURES=writable_page_tables|!pae_pgdir_above_4gb,"
			"BSD_SYMTAB",
	};
	struct parsed p;
	struct eg_out o;

	eg_elf_build(&s, &o);
	REQUIRE(parse_buf(&p, o.b, o.len, 0) == 0);
	CHECK_STR(p.img.notes.source, "__xen_guest");
	CHECK_EQ(p.img.elf_class, 32);
	CHECK_EQ(p.img.machine, EM_386);
	CHECK_EQ(p.img.guest, XB_GUEST_X86_32P);
	CHECK_EQ(p.img.virt_base, 0xC0000000);
	CHECK_EQ(p.img.paddr_offset, 0xC0000000); /* legacy default */
	CHECK_EQ(p.img.virt_kstart, 0xC0100000);
	CHECK_EQ(p.img.virt_kend, 0xC0104000);
	CHECK_EQ(p.img.virt_entry, 0xC0100000);
	/* a page number relative to VIRT_BASE, given before VIRT_BASE */
	CHECK_EQ(p.img.virt_hypercall, 0xC0101000);
	CHECK_EQ(p.img.notes.hypercall_page, 0xC0101000);
	CHECK_EQ(p.img.notes.feat_required[0], 1u << 4);
	CHECK_STR(p.img.notes.pae_mode, "yes[extended-cr3]");
	kernel_image_free(&p.img);
	free(o.b);
}

static void test_elf32_notes(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s = {
		.is64 = false,
		.entry = 0xC1000000,
		.segs = { { 0x1000000, 0xC1000000, 0x1000, 0x1000, PF_R | PF_X,
			    0 } },
		.nsegs = 1,
		.notes = &n,
		.where = EG_PHDR,
	};
	struct parsed p;

	eg_note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	eg_note_str(&n, XEN_ELFNOTE_GUEST_OS, "linux");
	eg_note_u32(&n, XEN_ELFNOTE_VIRT_BASE, 0xC0000000);
	eg_note_u32(&n, XEN_ELFNOTE_PADDR_OFFSET, 0);
	eg_note_str(&n, XEN_ELFNOTE_PAE_MODE, "bimodal");
	REQUIRE(parse_spec(&p, &s) == 0);
	CHECK_EQ(p.img.guest, XB_GUEST_X86_32P);
	CHECK_EQ(p.img.virt_kstart, 0xC1000000);

	/* without PAE there is no 32-bit PV */
	n.len = 0;
	eg_note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	eg_note_str(&n, XEN_ELFNOTE_GUEST_OS, "linux");
	eg_note_u32(&n, XEN_ELFNOTE_VIRT_BASE, 0xC0000000);
	eg_note_str(&n, XEN_ELFNOTE_PAE_MODE, "no");
	parse_spec(&p, &s);
	CHECK_FAILS(&p, "32-bit kernel without PAE");
}

/* ---- ELF: rejected notes ---- */

static void no_notes(struct eg_notes *n)
{
	n->len = 0;
	eg_note_raw(n, "GNU", 3, "x", 1);
}
static void bad_version(struct eg_notes *n)
{
	eg_note_str(n, XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
}
static void neither(struct eg_notes *n)
{
	eg_note_str(n, XEN_ELFNOTE_LOADER, "elf");
	eg_note_str(n, XEN_ELFNOTE_GUEST_OS, "plan9");
}
static void need_dom0(struct eg_notes *n)
{
	eg_note_str(n, XEN_ELFNOTE_FEATURES, "writable_page_tables|!dom0");
}
static void need_xlat(struct eg_notes *n)
{
	eg_note_str(n, XEN_ELFNOTE_FEATURES, "!auto_translated_physmap");
}
static void need_unknown(struct eg_notes *n)
{
	eg_note_str(n, XEN_ELFNOTE_FEATURES, "!frobnicate");
}
static void want_unknown(struct eg_notes *n)
{
	eg_note_str(n, XEN_ELFNOTE_FEATURES, "frobnicate|dom0||");
}
static void vb_unaligned(struct eg_notes *n)
{
	eg_note_u64(n, XEN_ELFNOTE_VIRT_BASE, EG_VB64 + 0x800);
}
static void size3(struct eg_notes *n)
{
	eg_note_raw(n, "Xen", XEN_ELFNOTE_ENTRY, "abc", 3);
}
static void entry_end(struct eg_notes *n)
{
	eg_note_u64(n, XEN_ELFNOTE_ENTRY, EG_KSTART + 0x5000);
}
static void entry_low(struct eg_notes *n)
{
	eg_note_u64(n, XEN_ELFNOTE_ENTRY, EG_KSTART - 1);
}
static void kstart_low(struct eg_notes *n)
{
	eg_note_u64(n, XEN_ELFNOTE_PADDR_OFFSET, 0x2000000);
}
static void wraps(struct eg_notes *n)
{
	eg_note_u64(n, XEN_ELFNOTE_VIRT_BASE, 0xfffffffffff00000ULL);
	eg_note_u64(n, XEN_ELFNOTE_ENTRY, 0xfffffffffff00000ULL);
}
static void hc_unaligned(struct eg_notes *n)
{
	eg_note_u64(n, XEN_ELFNOTE_HYPERCALL_PAGE, EG_KSTART + 0x1008);
}
static void hc_outside(struct eg_notes *n)
{
	eg_note_u64(n, XEN_ELFNOTE_HYPERCALL_PAGE, EG_KSTART + 0x5000);
}
static void p2m_inside(struct eg_notes *n)
{
	eg_note_u64(n, XEN_ELFNOTE_INIT_P2M, EG_KSTART + 0x2000);
}
static void str_too_long(struct eg_notes *n)
{
	char s[200];

	memset(s, 'a', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	eg_note_str(n, XEN_ELFNOTE_GUEST_VERSION, s);
}

static void test_elf_note_rejections(void)
{
	struct parsed p;

	parse_with(&p, no_notes);
	CHECK_FAILS(&p, "vmlinuz: not a Xen PV kernel (no Xen ELF notes)");
	parse_with(&p, bad_version);
	CHECK_FAILS(&p, "XEN_VERSION is \"xen-2.0\" (want \"xen-3.0\")");
	parse_with(&p, neither);
	CHECK_FAILS(&p, "neither LOADER \"generic\" nor GUEST_OS \"linux\"");
	parse_with(&p, need_dom0);
	CHECK_FAILS(&p, "kernel requires feature dom0");
	parse_with(&p, need_xlat);
	CHECK_FAILS(&p, "requires feature auto_translated_physmap");
	parse_with(&p, need_unknown);
	CHECK_FAILS(&p, "requires unknown feature \"frobnicate\"");
	CHECK_EQ(parse_with(&p, want_unknown), 0); /* supported only: fine */
	parse_with(&p, vb_unaligned);
	CHECK_FAILS(&p, "VIRT_BASE 0xffffffff80000800 is not page aligned");
	parse_with(&p, size3);
	CHECK_FAILS(&p, "Xen note ENTRY: descsz 3 (want 4 or 8)");
	parse_with(&p, entry_end);
	CHECK_FAILS(&p, "entry 0xffffffff81005000 outside the kernel");
	parse_with(&p, entry_low);
	CHECK_FAILS(&p, "entry 0xffffffff80ffffff outside the kernel");
	parse_with(&p, kstart_low);
	CHECK_FAILS(&p, "kernel start 0xffffffff7f000000 below VIRT_BASE");
	parse_with(&p, wraps);
	CHECK_FAILS(&p, "wraps");
	parse_with(&p, hc_unaligned);
	CHECK_FAILS(&p,
		    "HYPERCALL_PAGE 0xffffffff81001008 is not page aligned");
	parse_with(&p, hc_outside);
	CHECK_FAILS(&p, "HYPERCALL_PAGE 0xffffffff81005000 outside the kernel");
	parse_with(&p, p2m_inside);
	CHECK_FAILS(&p, "INIT_P2M 0xffffffff81002000 inside the kernel");
	parse_with(&p, str_too_long);
	CHECK_FAILS(&p, "GUEST_VERSION: string too long");
}

static void test_elf_paddr_offset_without_virt_base(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct parsed p;

	eg_note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	eg_note_str(&n, XEN_ELFNOTE_GUEST_OS, "linux");
	eg_note_u64(&n, XEN_ELFNOTE_PADDR_OFFSET, 0);
	eg_elf_linux64(&s, &n, EG_PHDR);
	parse_spec(&p, &s);
	CHECK_FAILS(&p, "PADDR_OFFSET (0x0) set but VIRT_BASE not");

	/* neither: virt_base 0, kernel at its physical address */
	n.len = 0;
	eg_note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	eg_note_str(&n, XEN_ELFNOTE_GUEST_OS, "linux");
	eg_elf_linux64(&s, &n, EG_PHDR);
	s.entry = EG_PSTART;
	REQUIRE(parse_spec(&p, &s) == 0);
	CHECK_EQ(p.img.virt_base, 0);
	CHECK_EQ(p.img.virt_kstart, EG_PSTART);
}

/* A string note without a NUL ends at descsz (Linux's FEATURES is written
 * that way); nothing past the descriptor is read. */
static void test_elf_unterminated_string(void)
{
	struct eg_notes n = { .len = 0, .pad = 'X' };
	struct eg_elf s;
	struct parsed p;

	eg_note_raw(&n, "Xen", XEN_ELFNOTE_XEN_VERSION, "xen-3.0",
		    7); /* "X" follows */
	eg_note_raw(&n, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 5);
	eg_note_raw(&n, "Xen", XEN_ELFNOTE_FEATURES, "!writable_page_tables",
		    21);
	eg_note_u64(&n, XEN_ELFNOTE_VIRT_BASE, EG_VB64);
	eg_elf_linux64(&s, &n, EG_PHDR);
	REQUIRE(parse_spec(&p, &s) == 0);
	CHECK_STR(p.img.notes.xen_version, "xen-3.0");
	CHECK_STR(p.img.notes.guest_os, "linux");
	CHECK_EQ(p.img.notes.feat_required[0], 1);

	n.len = 0;
	eg_note_raw(&n, "Xen", XEN_ELFNOTE_XEN_VERSION, "xen-3.0X", 8);
	eg_note_raw(&n, "Xen", XEN_ELFNOTE_GUEST_OS, "linux", 5);
	parse_spec(&p, &s);
	CHECK_FAILS(&p, "XEN_VERSION is \"xen-3.0X\"");
}

static void test_elf_note_past_end(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;
	struct parsed p;

	eg_notes_linux64(&n);
	eg_elf_linux64(&s, &n, EG_PHDR);
	eg_elf_build(&s, &o);
	/* the first note's descsz runs past the PT_NOTE segment */
	eg_put32(o.b + o.note_off + 4, (uint32_t)n.len);
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "program header 2: note 0 (namesz 4, descsz");
	CHECK_CONTAINS(p.e.msg, "runs past the end");
	/* and with a wrapping size */
	eg_put32(o.b + o.note_off + 4, 0xfffffffc);
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "runs past the end");
	free(o.b);

	/* same in a section */
	eg_elf_linux64(&s, &n, EG_SHDR);
	eg_elf_build(&s, &o);
	eg_put32(o.b + o.note_off, 0xfffffff0); /* namesz */
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "section 2: note 0");
	/* a note section past the end of the file */
	eg_put64(o.b + o.len - 64 + 24, o.len - 8); /* sh_offset of section 2 */
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "ELF: section 2: range");
	free(o.b);

	/* __xen_guest without its NUL inside the section */
	{
		struct eg_elf l = {
			.entry = 0xC0100000,
			.segs = { { 0xC0100000, 0xC0100000, 0x40, 0x4000, PF_R,
				    0 } },
			.nsegs = 1,
			.where = EG_LEGACY,
			.legacy = "XEN_VER=xen-3.0,LOADER=generic,PAE=yes",
		};

		eg_elf_build(&l, &o);
		eg_put32(o.b + o.len - 40 + 20,
			 38); /* sh_size without the NUL */
		parse_buf(&p, o.b, o.len, 0);
		CHECK_FAILS(
			&p,
			"__xen_guest: string not NUL-terminated (section size 38)");
		eg_put32(o.b + o.len - 40 + 20, 39);
		CHECK_EQ(parse_buf(&p, o.b, o.len, 0), 0);
		free(o.b);
		l.legacy =
			"XEN_VER=xen-3.0,LOADER=generic,PAE=yes,VIRT_BASE=0xC00000000x";
		eg_elf_build(&l, &o);
		parse_buf(&p, o.b, o.len, 0);
		CHECK_FAILS(
			&p,
			"__xen_guest: VIRT_BASE: bad number \"0xC00000000x\"");
		free(o.b);
	}
}

/* ---- ELF: rejected structure ---- */

static void test_elf_truncated(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;
	struct parsed p;
	unsigned bad = 0;

	eg_notes_linux64(&n);
	eg_elf_linux64(&s, &n, EG_PHDR);
	eg_elf_build(&s, &o);
	/* every length short of the whole file, including each header
	 * boundary, is refused as bad input, never a crash */
	for (size_t len = 0; len < o.len; len++) {
		uint8_t *copy = malloc(len ? len : 1);

		memcpy(copy, o.b,
		       len); /* exact-size copy: ASan sees overreads */
		parse_buf(&p, copy, len, 0);
		if (p.rc != -XB_EINPUT || !p.e.msg[0])
			bad++;
		if (len == 63)
			CHECK_CONTAINS(
				p.e.msg,
				"file too short for the ELF header (63 bytes < 64)");
		if (len == 64 + 56 * 3 - 1)
			CHECK_CONTAINS(
				p.e.msg,
				"program header table (offset 0x40, 3 entries of 56 bytes) past end of file");
		if (len == o.len - 1)
			CHECK_CONTAINS(p.e.msg, "program header 1: file range");
		free(copy);
	}
	CHECK_EQ(bad, 0);
	parse_buf(&p, o.b, o.len, 0);
	CHECK_EQ(p.rc, 0);
	free(o.b);
}

static void test_elf_bad_headers(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;
	struct parsed p;

	eg_notes_linux64(&n);
	eg_elf_linux64(&s, &n, EG_PHDR);
	eg_elf_build(&s, &o);

	eg_put64(o.b + 32, o.len - 10); /* e_phoff */
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "program header table (offset");
	eg_put64(o.b + 32, UINT64_MAX - 8);
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "past end of file");
	eg_put64(o.b + 32, o.phoff);

	o.b[EI_DATA] = ELFDATA2MSB;
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "not little-endian");
	o.b[EI_DATA] = ELFDATA2LSB;

	eg_put16(o.b + 18, EM_386);
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "e_machine 3 is not EM_X86_64 (62) for ELF64");
	eg_put16(o.b + 18, EM_X86_64);

	eg_put16(o.b + 54, 40); /* e_phentsize */
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "e_phentsize 40 (want 56)");
	eg_put16(o.b + 54, 56);

	eg_put64(o.b + 40, o.len - 10); /* e_shoff, with one section */
	eg_put16(o.b + 60, 1);
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "section header table (offset");
	eg_put64(o.b + 40, UINT64_MAX - 8);
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "section header table (offset");
	eg_put64(o.b + 40, 0);
	eg_put16(o.b + 60, 0);

	eg_put16(o.b + 56, 0xffff); /* PN_XNUM */
	parse_buf(&p, o.b, o.len, 0);
	CHECK_FAILS(&p, "e_phnum 65535");
	eg_put16(o.b + 56, 3);

	parse_buf(&p, o.b, o.len, 0);
	CHECK_EQ(p.rc, 0);
	free(o.b);
}

static void test_elf_bad_segments(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct parsed p;

	eg_notes_linux64(&n);

	eg_elf_linux64(&s, &n, EG_PHDR);
	s.segs[1].filesz = 0x2000;
	s.segs[1].memsz = 0x1000;
	parse_spec(&p, &s);
	CHECK_FAILS(
		&p,
		"vmlinuz: ELF: program header 1: p_filesz 0x2000 > p_memsz 0x1000");

	eg_elf_linux64(&s, &n, EG_PHDR);
	s.segs[1].paddr = EG_PSTART + 0x1fff; /* overlaps the text */
	parse_spec(&p, &s);
	CHECK_FAILS(&p, "program headers 0 and 1 overlap");

	eg_elf_linux64(&s, &n, EG_PHDR);
	s.segs[1].paddr = 0xfffffffffffff000ULL;
	parse_spec(&p, &s);
	CHECK_FAILS(
		&p,
		"program header 1: p_paddr 0xfffffffffffff000 + p_memsz 0x2000 wraps");

	eg_elf_linux64(&s, &n, EG_PHDR);
	s.segs[0].type = PT_PHDR;
	s.segs[1].type = PT_GNU_STACK;
	parse_spec(&p, &s);
	CHECK_FAILS(&p, "no PT_LOAD segments");

	/* XB_MAX_SEGS is the limit */
	eg_elf_linux64(&s, &n, EG_PHDR);
	for (unsigned i = 0; i < XB_MAX_SEGS + 1; i++)
		s.segs[i] = (struct eg_seg){ EG_PSTART + i * 0x1000ULL,
					     EG_KSTART + i * 0x1000ULL,
					     0x10,
					     0x1000,
					     PF_R,
					     0 };
	s.nsegs = XB_MAX_SEGS;
	CHECK_EQ(parse_spec(&p, &s), 0);
	s.nsegs = XB_MAX_SEGS + 1;
	parse_spec(&p, &s);
	CHECK_FAILS(&p, "too many PT_LOAD segments (17 > 16)");

	/* a PT_LOAD of nothing is skipped */
	eg_elf_linux64(&s, &n, EG_PHDR);
	s.segs[2] = (struct eg_seg){ 0, 0, 0, 0, PF_R, 0 };
	s.nsegs = 3;
	REQUIRE(parse_spec(&p, &s) == 0);
	CHECK_EQ(p.img.nsegs, 2);
	CHECK_EQ(p.img.pstart, EG_PSTART);
}

static void test_elf_not_elf(void)
{
	static const uint8_t junk[64] = "MZ this is not a kernel";
	struct parsed p;

	parse_buf(&p, junk, sizeof(junk), 0);
	CHECK_FAILS(
		&p,
		"vmlinuz: not a kernel: neither ELF, bzImage nor compressed ELF (first bytes 4d 5a 20 74");
	parse_buf(&p, junk, 0, 0);
	CHECK_FAILS(&p, "not a kernel");
	parse_buf(&p, ELFMAG, 4, 0);
	CHECK_FAILS(&p, "ELF: bad magic");
}

static void test_kernel_load(void)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;
	struct parsed p;
	struct xb_err e = { 0 };
	uint8_t *dst;
	uint64_t span;
	unsigned bad = 0;

	eg_notes_linux64(&n);
	eg_elf_linux64(&s, &n, EG_PHDR);
	/* out of order in the file, with a gap between */
	s.segs[2] = s.segs[1];
	s.segs[1] = (struct eg_seg){
		EG_PSTART + 0x6000, EG_KSTART + 0x6000, 0x80, 0x1000, PF_R, 0
	};
	s.nsegs = 3;
	eg_elf_build(&s, &o);
	REQUIRE(parse_buf(&p, o.b, o.len, 0) == 0);
	span = p.img.virt_kend - p.img.virt_kstart;
	CHECK_EQ(span, 0x7000);
	dst = malloc(span + 16);
	memset(dst, 0xee, span + 16);
	CHECK_EQ(kernel_load(&p.img, dst, span - 1, &e), -XB_EINTERNAL);
	xb_err_clear(&e);
	REQUIRE(kernel_load(&p.img, dst, span, &e) == 0);
	for (uint64_t a = 0; a < span; a++) {
		uint8_t want = 0;

		for (unsigned i = 0; i < 3; i++) {
			uint64_t off = s.segs[i].paddr - EG_PSTART;

			if (a >= off && a < off + s.segs[i].filesz)
				want = eg_seg_byte(i, a - off);
		}
		bad += dst[a] != want;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(dst[span], 0xee); /* nothing written past the kernel */
	/* Windows of every alignment, also past the kernel's end: each byte
	 * written (stale bytes replaced) and equal to the whole load. */
	{
		uint64_t whole = span + 0x2000;
		uint8_t *ref = calloc(1, whole), *w = malloc(whole + 1);
		static const uint64_t lens[] = { 1, 0x7f, 0x1000, 0x2345,
						 0x9000 };

		REQUIRE(ref && w);
		memcpy(ref, dst, span);
		bad = 0;
		for (uint64_t off = 0; off < whole; off += 0x3e1) {
			for (unsigned k = 0; k < XB_ARRAY_SIZE(lens); k++) {
				uint64_t len = lens[k] < whole - off ?
						       lens[k] :
						       whole - off;

				memset(w, 0xee, len + 1);
				REQUIRE(kernel_load_part(&p.img, w, off, len,
							 &e) == 0);
				bad += memcmp(w, ref + off, len) != 0 ||
				       w[len] != 0xee;
			}
		}
		CHECK_EQ(bad, 0);
		free(ref);
		free(w);
	}
	free(dst);
	kernel_image_free(&p.img);
	free(o.b);
}

/* ---- compression through the command-line tools ---- */

/* Compressible, non-trivial test data. */
static uint8_t *sample(size_t len)
{
	uint8_t *b = malloc(len);
	uint32_t x = 12345;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		b[i] = (i % 97 < 60) ? (uint8_t)(i / 13) : (uint8_t)(x >> 24);
	}
	return b;
}

/* A sink over the buffer ctx, in windows that end inside blocks. */
static int small_window(void *ctx, uint64_t pos, uint8_t **p, size_t *n,
			struct xb_err *e)
{
	uint8_t *b = ctx;

	(void)e;
	if (p) {
		*p = b + pos;
		*n = 777;
	}
	return 0;
}

/*
 * The formats that decode into a sink (dc_into_sink) against their whole
 * decode of the same input, cap and all: the same result and bytes, and
 * for lz4 the same message (a decoder that streams says where the input
 * went wrong by how much it had taken, which depends on the window).
 * Others are left alone (they decode whole for a sink).
 */
static void sink_vs_whole(const uint8_t *z, size_t zlen, uint64_t cap,
			  const char *what)
{
	const struct dc_format *f = dc_probe(z, zlen);
	struct xb_err e = { 0 }, es = { 0 };
	uint8_t *out = NULL, *sb;
	size_t olen = 0;
	uint64_t slen = 0;
	int rc, rs;

	if (!f || !dc_into_sink(f))
		return;
	sb = malloc(cap + 1 + 777); /* a window may start at cap */
	REQUIRE(sb);
	rc = f->decompress("x", z, zlen, cap, &out, &olen, &e);
	rs = dc_decompress_sink(f, "x", z, zlen, cap, 0,
				&(struct dc_sink){ small_window, sb }, &slen,
				&es);
	if (rs != rc || (rc < 0 && !dc_streams(f) && strcmp(es.msg, e.msg)))
		t_fail(__FILE__, __LINE__, "%s: sink %d '%s', whole %d '%s'",
		       what, rs, es.msg, rc, e.msg);
	else if (rc == 0 && (slen != olen || memcmp(sb, out, olen)))
		t_fail(__FILE__, __LINE__, "%s: sink output differs", what);
	if (rc == 0)
		free(out);
	free(sb);
}

static const struct {
	const char *fmt, *cmd;
} tools[] = {
	{ "gzip", "gzip -n -c" },
	{ "xz", "xz -2 --check=crc32 -c" },
	{ "lzma", "lzma -2 -c" },
	{ "bzip2", "bzip2 -c" },
	{ "zstd", "zstd -q -c" },
	{ "lz4", "lz4 -l -q -c" }, /* Linux's legacy frame */
	{ "lz4", "lz4 -q -c" }, /* modern frame */
	{ "lzo", "lzop -c" }, /* Adler-32 of the data */
	{ "lzo", "lzop --crc32 -c" }, /* CRC-32 instead */
};

static void test_decompress_roundtrip(void)
{
	size_t len = 1u << 20; /* several lzo (256 KiB) blocks */
	uint8_t *data = sample(len);
	unsigned done = 0;

	for (size_t t = 0; t < XB_ARRAY_SIZE(tools); t++) {
		const struct dc_format *f;
		struct xb_err e = { 0 };
		uint8_t *z, *out = NULL;
		size_t zlen, olen = 0;
		int rc;

		z = eg_filter(tools[t].cmd, data, len, &zlen);
		if (!z) {
			printf("  note: %s not available\n", tools[t].cmd);
			continue;
		}
		f = dc_probe(z, zlen);
		if (!f || strcmp(f->name, tools[t].fmt)) {
			t_fail(__FILE__, __LINE__, "%s: probed as %s",
			       tools[t].cmd, f ? f->name : "nothing");
			free(z);
			continue;
		}
		CHECK(dc_find(tools[t].fmt) == f);
		/* exact */
		rc = f->decompress("initrd", z, zlen, len, &out, &olen, &e);
		if (rc != 0)
			t_fail(__FILE__, __LINE__, "%s: %s", tools[t].cmd,
			       e.msg);
		else if (olen != len || memcmp(out, data, len))
			t_fail(__FILE__, __LINE__, "%s: output differs",
			       tools[t].cmd);
		free(out);
		sink_vs_whole(z, zlen, len, tools[t].cmd);
		sink_vs_whole(z, zlen, len - 1, tools[t].cmd);
		/* one byte over the cap */
		xb_err_clear(&e);
		out = NULL;
		rc = f->decompress("initrd", z, zlen, len - 1, &out, &olen, &e);
		CHECK_EQ(rc, -XB_EINPUT);
		CHECK(out == NULL);
		{
			char want[128];

			snprintf(want, sizeof(want),
				 "initrd: %s: decompressed size exceeds limit (%zu bytes)",
				 f->name, len - 1);
			CHECK_CONTAINS(e.msg, want);
		}
		/* truncated at several points */
		for (size_t cut = 0; cut < 8; cut++) {
			size_t tl = cut < 4 ? zlen * cut / 4 :
					      zlen - (cut - 3) * 5;
			uint8_t *tz = malloc(tl ? tl : 1);

			memcpy(tz, z, tl);
			xb_err_clear(&e);
			rc = f->decompress("initrd", tz, tl, len, &out, &olen,
					   &e);
			sink_vs_whole(tz, tl, len, tools[t].cmd);
			if (rc != -XB_EINPUT)
				t_fail(__FILE__, __LINE__,
				       "%s: truncated to %zu of %zu: rc %d",
				       tools[t].cmd, tl, zlen, rc);
			if (rc == 0)
				free(out);
			free(tz);
		}
		free(z);
		done++;
	}
	CHECK(done >= 6);
	free(data);
}

/* Bit flips must give an error or (formats without checksums) other data,
 * never a crash; with checksums they must be caught. */
static void test_decompress_corrupt(void)
{
	size_t len = 200000;
	uint8_t *data = sample(len);

	for (size_t t = 0; t < XB_ARRAY_SIZE(tools); t++) {
		size_t zlen;
		uint8_t *z = eg_filter(tools[t].cmd, data, len, &zlen);
		const struct dc_format *f;
		bool checked = strcmp(tools[t].fmt, "lzma") &&
			       strcmp(tools[t].cmd, "lz4 -l -q -c");

		if (!z)
			continue;
		f = dc_probe(z, zlen);
		REQUIRE(f);
		for (size_t k = 1; k < 40; k++) {
			struct xb_err e = { 0 };
			uint8_t *out = NULL;
			size_t olen, at = zlen / 2 + k * 7;
			int rc;

			if (at >= zlen)
				break;
			z[at] ^= 0x10;
			rc = f->decompress("x", z, zlen, len, &out, &olen, &e);
			sink_vs_whole(z, zlen, len, tools[t].cmd);
			z[at] ^= 0x10;
			if (rc == 0) {
				if (checked && olen == len &&
				    memcmp(out, data, len))
					t_fail(__FILE__, __LINE__,
					       "%s: flip at %zu undetected",
					       tools[t].cmd, at);
				free(out);
			} else {
				CHECK_EQ(rc, -XB_EINPUT);
			}
		}
		free(z);
	}
	free(data);
}

static void test_decompress_cap_big(void)
{
	/* 20 MiB of zeros compress to almost nothing; a 1 MiB cap refuses
	 * them without decompressing everything into memory. */
	size_t len = 20u << 20;
	uint8_t *zero = calloc(1, len);

	for (size_t t = 0; t < XB_ARRAY_SIZE(tools); t++) {
		size_t zlen, olen;
		uint8_t *z = eg_filter(tools[t].cmd, zero, len, &zlen),
			*out = NULL;
		struct xb_err e = { 0 };
		const struct dc_format *f;

		if (!z)
			continue;
		f = dc_probe(z, zlen);
		REQUIRE(f);
		CHECK_EQ(f->decompress("big", z, zlen, 1u << 20, &out, &olen,
				       &e),
			 -XB_EINPUT);
		CHECK_CONTAINS(
			e.msg,
			"decompressed size exceeds limit (1048576 bytes)");
		free(z);
	}
	free(zero);
}

/* Where the second block's data starts in a legacy lz4 frame z (magic,
 * the first block's LE32 size and data, the second's size). */
static size_t lz4_block2(const uint8_t *z)
{
	return 4 + 4 +
	       ((size_t)z[4] | (size_t)z[5] << 8 | (size_t)z[6] << 16 |
		(size_t)z[7] << 24) +
	       4;
}

/* Linux's lz4 legacy frame holds 8 MiB blocks: more than one here. */
static void test_decompress_lz4_blocks(void)
{
	size_t len = 17u << 20, zlen, olen;
	uint8_t *data = sample(len), *out;
	uint8_t *z = eg_filter("lz4 -l -1 -q -c", data, len, &zlen);
	struct xb_err e = { 0 };

	if (!z) {
		free(data);
		SKIP("no lz4");
	}
	REQUIRE(dc_find("lz4")->decompress("x", z, zlen, len, &out, &olen,
					   &e) == 0);
	CHECK_EQ(olen, len);
	CHECK(!memcmp(out, data, len));
	free(out);
	/* the cap falls inside the last block */
	CHECK_EQ(dc_find("lz4")->decompress("x", z, zlen, len - 100, &out,
					    &olen, &e),
		 -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "exceeds limit");
	/* Through a sink, a block at a time: the same bytes; the cap inside
	 * a block, at its end, after it; a block cut short, a bad one. */
	sink_vs_whole(z, zlen, len, "lz4 -l");
	sink_vs_whole(z, zlen, len - 100, "lz4 -l");
	sink_vs_whole(z, zlen, 8u << 20, "lz4 -l");
	sink_vs_whole(z, zlen, (8u << 20) - 1, "lz4 -l");
	sink_vs_whole(z, zlen, (8u << 20) + 1, "lz4 -l");
	sink_vs_whole(z, zlen - 1000, len, "lz4 -l");
	{
		/* the second block's data, from its middle on */
		size_t b2 = lz4_block2(z);

		REQUIRE(b2 + 1000 < zlen);
		memset(z + b2 + 500, 0xff, 500);
		xb_err_clear(&e);
		CHECK_EQ(dc_find("lz4")->decompress("x", z, zlen, len, &out,
						    &olen, &e),
			 -XB_EINPUT);
		CHECK_CONTAINS(e.msg, "(bad lz4 block)");
		sink_vs_whole(z, zlen, len, "lz4 -l, a bad block");
	}
	free(z);
	/* the modern frame, 64 KiB blocks */
	z = eg_filter("lz4 -B4 -1 -q -c", data, len, &zlen);
	REQUIRE(z);
	sink_vs_whole(z, zlen, len, "lz4 -B4");
	sink_vs_whole(z, zlen, len - 100, "lz4 -B4");
	sink_vs_whole(z, zlen - 1000, len, "lz4 -B4");
	free(z);
	free(data);
}

static void test_decompress_concat_and_trailer(void)
{
	uint8_t a[] = "hello ", b2[] = "world";
	size_t la, lb, olen;
	uint8_t *za = eg_filter("gzip -c", a, 6, &la),
		*zb = eg_filter("gzip -c", b2, 5, &lb);
	uint8_t *cat, *out;
	struct xb_err e = { 0 };

	REQUIRE(za && zb);
	cat = malloc(la + 8 + lb + 4);
	memcpy(cat, za, la);
	memset(cat + la, 0, 8); /* padding between members */
	memcpy(cat + la + 8, zb, lb);
	memcpy(cat + la + 8 + lb, "\x0b\x00\x00\x00", 4); /* ignored trailer */
	REQUIRE(dc_find("gzip")->decompress("x", cat, la + 8 + lb + 4, 100,
					    &out, &olen, &e) == 0);
	CHECK_EQ(olen, 11);
	CHECK(!memcmp(out, "hello world", 11));
	free(out);
	free(cat);
	free(za);
	free(zb);

	/* empty input: probe fails, decoders refuse */
	CHECK(dc_probe((const uint8_t *)"", 0) == NULL);
	for (const struct dc_format *f = dc_formats; f->name; f++) {
		xb_err_clear(&e);
		CHECK_EQ(f->decompress("x", (const uint8_t *)"", 0, 100, &out,
				       &olen, &e),
			 -XB_EINPUT);
	}
}

/*
 * zstd frames without a content size (the tool reading a pipe): one that
 * fits the decoder's guess of eight times its compressed size, one that
 * compresses far better (decoded again by the streaming decoder), in one
 * file; the bytes exact, the cap still the cap, and a single stream's end
 * found.
 */
static void test_decompress_zstd_unsized(void)
{
	size_t len = 1u << 20, la, lb, olen, used;
	uint8_t *a = sample(len), *b = calloc(1, len), *za, *zb, *cat, *out;
	const struct dc_format *f = dc_find("zstd");
	struct xb_err e = { 0 };

	for (size_t i = 0; i < len; i += 4096)
		b[i] = (uint8_t)(i >> 12);
	za = eg_filter("zstd -q -c", a, len, &la);
	zb = eg_filter("zstd -q -c", b, len, &lb);
	if (!za || !zb) {
		t_fail(__FILE__, __LINE__, "zstd not available");
		goto out;
	}
	CHECK(la * 8 > len); /* fits the guess */
	CHECK(lb * 8 < len); /* does not */
	cat = malloc(la + lb);
	memcpy(cat, za, la);
	memcpy(cat + la, zb, lb);
	REQUIRE(f->decompress("x", cat, la + lb, 2 * len, &out, &olen, &e) ==
		0);
	CHECK_EQ(olen, 2 * len);
	CHECK(!memcmp(out, a, len) && !memcmp(out + len, b, len));
	free(out);
	for (int i = 0; i < 2; i++) {
		const uint8_t *z = i ? zb : za;
		size_t zl = i ? lb : la;

		xb_err_clear(&e);
		out = NULL;
		CHECK_EQ(f->decompress("x", z, zl, len - 1, &out, &olen, &e),
			 -XB_EINPUT);
		CHECK(out == NULL);
		CHECK_CONTAINS(e.msg,
			       "x: zstd: decompressed size exceeds limit");
		xb_err_clear(&e);
		REQUIRE(dc_stream(f, "x", cat + (i ? la : 0), i ? lb : la + lb,
				  len, &out, &olen, &used, &e) == 0);
		CHECK_EQ(olen, len);
		CHECK_EQ(used, zl);
		CHECK(!memcmp(out, i ? b : a, len));
		free(out);
	}
	free(cat);
out:
	free(za);
	free(zb);
	free(a);
	free(b);
}

/*
 * xz streams whose CRC-32 checks the decoder sums itself (one stream,
 * --check=crc32): several blocks, each check field found through the index
 * and a flipped one caught, by its block; through a sink as well.  A CRC-64
 * stream and two streams in a row are left to liblzma's own checks.
 */

static void test_decompress_xz_crc(void)
{
	size_t len = 1u << 20, zl, z64l, olen;
	uint8_t *a = sample(len), *out;
	uint8_t *z = eg_filter("xz -2 --check=crc32 --block-size=300000 -c", a,
			       len, &zl);
	uint8_t *z64 = eg_filter("xz -2 -c", a, len, &z64l);
	const struct dc_format *f = dc_find("xz");
	struct xb_err e = { 0 };
	uint64_t slen;

	if (!z || !z64) {
		t_fail(__FILE__, __LINE__, "xz not available");
		goto out;
	}
	REQUIRE(f->decompress("x", z, zl, len, &out, &olen, &e) == 0);
	CHECK(olen == len && !memcmp(out, a, len));
	free(out);
	{
		uint8_t *sb = malloc(len + 1024);

		REQUIRE(dc_decompress_sink(f, "x", z, zl, len, 0,
					   &(struct dc_sink){ small_window,
							      sb },
					   &slen, &e) == 0);
		CHECK(slen == len && !memcmp(sb, a, len));
		free(sb);
	}
	/* Each block's check field: the last 4 bytes before the next
	 * block's header (or the index, 0x00).  Flip a bit in each. */
	{
		lzma_stream_flags fl;
		lzma_index *idx = NULL;
		lzma_index_iter it;
		uint64_t ml = 1 << 20;
		size_t pos, blocks = 0;

		REQUIRE(lzma_stream_footer_decode(&fl, z + zl - 12) == LZMA_OK);
		pos = zl - 12 - (size_t)fl.backward_size;
		REQUIRE(lzma_index_buffer_decode(&idx, &ml, NULL, z, &pos,
						 zl - 12) == LZMA_OK);
		lzma_index_iter_init(&it, idx);
		while (!lzma_index_iter_next(&it, LZMA_INDEX_ITER_BLOCK)) {
			size_t at = (size_t)(it.block.compressed_file_offset +
					     it.block.total_size - 4);

			blocks++;
			z[at] ^= 0x10;
			xb_err_clear(&e);
			out = NULL;
			CHECK_EQ(f->decompress("x", z, zl, len, &out, &olen,
					       &e),
				 -XB_EINPUT);
			CHECK(out == NULL);
			CHECK_CONTAINS(e.msg, "(CRC32 mismatch)");
			z[at] ^= 0x10;
		}
		CHECK_EQ(blocks, 4);
		/* with a bzImage payload's size trailer after the stream */
		{
			uint8_t *zt = malloc(zl + 4);
			size_t at = (size_t)(it.block.compressed_file_offset +
					     it.block.total_size - 4);

			memcpy(zt, z, zl);
			memcpy(zt + zl, "\x00\x00\x10\x00", 4);
			xb_err_clear(&e);
			REQUIRE(f->decompress("x", zt, zl + 4, len, &out, &olen,
					      &e) == 0);
			CHECK(olen == len && !memcmp(out, a, len));
			free(out);
			zt[at] ^= 1;
			out = NULL;
			CHECK_EQ(f->decompress("x", zt, zl + 4, len, &out,
					       &olen, &e),
				 -XB_EINPUT);
			CHECK_CONTAINS(e.msg, "(CRC32 mismatch)");
			free(zt);
		}
		lzma_index_end(idx, NULL);
	}
	/* CRC-64 alone, and the CRC-32 stream after it: both exact. */
	{
		uint8_t *cat = malloc(z64l + zl);

		memcpy(cat, z64, z64l);
		memcpy(cat + z64l, z, zl);
		xb_err_clear(&e);
		REQUIRE(f->decompress("x", cat, z64l + zl, 2 * len, &out, &olen,
				      &e) == 0);
		CHECK(olen == 2 * len && !memcmp(out, a, len) &&
		      !memcmp(out + len, a, len));
		free(out);
		REQUIRE(f->decompress("x", z64, z64l, len, &out, &olen, &e) ==
			0);
		CHECK(olen == len && !memcmp(out, a, len));
		free(out);
		free(cat);
	}
out:
	free(z);
	free(z64);
	free(a);
}

/* ---- bzImage and compressed whole files ---- */

/* The Linux-like kernel with its notes in a PT_NOTE. */
static uint8_t *small_kernel(size_t *len)
{
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;

	eg_notes_linux64(&n);
	eg_elf_linux64(&s, &n, EG_PHDR);
	eg_elf_build(&s, &o);
	*len = o.len;
	return o.b;
}

static void test_bzimage(void)
{
	size_t klen, zlen, blen;
	uint8_t *k = small_kernel(&klen), *z, *bz;
	struct parsed p;

	z = eg_filter("gzip -9 -n -c", k, klen, &zlen);
	REQUIRE(z);
	bz = eg_bzimage(z, zlen, 0, 0x1234, 0x20f, &blen);
	REQUIRE(parse_buf(&p, bz, blen, 0) == 0);
	CHECK_STR(p.img.format, "bzImage");
	CHECK_STR(p.img.compression, "gzip");
	CHECK(p.img.owned != NULL && p.img.elf == p.img.owned);
	CHECK_EQ(p.img.elf_len, klen);
	CHECK_EQ(p.img.file_len, blen);
	CHECK_EQ(p.img.virt_kstart, EG_KSTART);
	CHECK_EQ(p.img.virt_entry, EG_KSTART + 0x10);
	kernel_image_free(&p.img);
	CHECK(p.img.owned == NULL);

	/* the cap applies to the payload (declared size checked first) */
	parse_buf(&p, bz, blen, klen - 1);
	CHECK_FAILS(&p, "vmlinuz: bzImage: gzip: declared decompressed size");

	/* wrong trailer size */
	bz[blen - 4] ^= 1;
	parse_buf(&p, bz, blen, 0);
	CHECK_EQ(p.rc, -XB_EINPUT); /* gzip's own ISIZE check, or ours */
	bz[blen - 4] ^= 1;

	/* payload past the end of the file */
	eg_put32(bz + 0x24c, (uint32_t)zlen + 1);
	parse_buf(&p, bz, blen, 0);
	CHECK_FAILS(&p, "bzImage: payload 0x1c34+0x");
	CHECK_CONTAINS(p.e.msg, "past end of file");
	eg_put32(bz + 0x24c, (uint32_t)zlen);

	/* old boot protocol */
	eg_put16(bz + 0x206, 0x207);
	parse_buf(&p, bz, blen, 0);
	CHECK_FAILS(&p, "boot protocol 2.07 < 2.08");
	eg_put16(bz + 0x206, 0x20f);

	/* uncompressed payload */
	free(bz);
	bz = eg_bzimage(k, klen, 3, 0, 0x20f, &blen);
	parse_buf(&p, bz, blen, 0);
	CHECK_FAILS(&p,
		    "bzImage: payload: unknown compression (magic 7f 45 4c 46)");
	free(bz);

	/* short file */
	parse_buf(&p, bz = eg_bzimage(z, 0, 1, 0, 0x20f, &blen), 0x240, 0);
	CHECK_FAILS(&p, "file too short for the setup header");
	free(bz);
	free(z);

	/* xz + Linux's appended size, as arch/x86/boot/compressed makes it */
	z = eg_filter("xz --check=crc32 -c", k, klen, &zlen);
	REQUIRE(z);
	z = realloc(z, zlen + 4);
	eg_put32(z + zlen, (uint32_t)klen);
	bz = eg_bzimage(z, zlen + 4, 0x1f, 0, 0x20f, &blen);
	REQUIRE(parse_buf(&p, bz, blen, 0) == 0);
	CHECK_STR(p.img.compression, "xz");
	kernel_image_free(&p.img);
	eg_put32(bz + blen - 4, (uint32_t)klen + 1);
	parse_buf(&p, bz, blen, 0);
	CHECK_FAILS(&p, "bzImage: xz: decompressed");
	CHECK_CONTAINS(p.e.msg, "the payload trailer says");
	free(bz);
	free(z);

	/* a compressed payload that is not an ELF */
	z = eg_filter("xz -c", (const uint8_t *)"hello, world, not elf", 21,
		      &zlen);
	REQUIRE(z);
	z = realloc(z, zlen + 4);
	eg_put32(z + zlen, 21);
	bz = eg_bzimage(z, zlen + 4, 2, 0, 0x20f, &blen);
	parse_buf(&p, bz, blen, 0);
	CHECK_FAILS(&p, "bzImage: xz payload is not an ELF image");
	free(bz);
	free(z);
	free(k);
}

/* Every payload format as Linux's arch/x86/boot/compressed makes it (the
 * size trailer after all but gzip), in a bzImage. */
static void test_bzimage_every_format(void)
{
	size_t klen;
	uint8_t *k = small_kernel(&klen);
	unsigned missing = 0;

	for (const struct eg_format *f = eg_formats; f->name; f++) {
		size_t blen;
		uint8_t *bz = eg_bzimage_of(k, klen, f, &blen);
		struct parsed p;

		if (!bz) {
			printf("  note: %s not available\n", f->cmd);
			missing++;
			continue;
		}
		if (parse_buf(&p, bz, blen, 0) != 0) {
			t_fail(__FILE__, __LINE__, "bzImage/%s: %s", f->name,
			       p.e.msg);
		} else {
			CHECK_STR(p.img.format, "bzImage");
			CHECK_STR(p.img.compression, f->name);
			CHECK_EQ(p.img.elf_len, klen);
			CHECK(!memcmp(p.img.elf, k, klen));
			CHECK_EQ(p.img.virt_entry, EG_KSTART + 0x10);
			kernel_image_free(&p.img);
		}
		/* the cap is one byte short of the kernel */
		parse_buf(&p, bz, blen, klen - 1);
		CHECK_EQ(p.rc, -XB_EINPUT);
		CHECK_CONTAINS(p.e.msg, "exceeds limit");
		free(bz);
	}
	free(k);
	if (missing)
		SKIP("compression tools missing (scripts/deps.sh test)");
}

static void test_compressed_elf(void)
{
	size_t klen;
	uint8_t *k = small_kernel(&klen);

	for (size_t t = 0; t < XB_ARRAY_SIZE(tools); t++) {
		size_t zlen;
		uint8_t *z = eg_filter(tools[t].cmd, k, klen, &zlen);
		struct parsed p;

		if (!z)
			continue;
		if (parse_buf(&p, z, zlen, 0) != 0) {
			t_fail(__FILE__, __LINE__, "%s: %s", tools[t].cmd,
			       p.e.msg);
		} else {
			CHECK_STR(p.img.format, "elf");
			CHECK_STR(p.img.compression, tools[t].fmt);
			CHECK_EQ(p.img.virt_kstart, EG_KSTART);
			CHECK(p.img.elf != z);
			kernel_image_free(&p.img);
		}
		free(z);
	}
	{
		size_t zlen;
		uint8_t *z = eg_filter("zstd -q -c", (const uint8_t *)"text", 4,
				       &zlen);
		struct parsed p;

		REQUIRE(z);
		parse_buf(&p, z, zlen, 0);
		CHECK_FAILS(&p, "vmlinuz: zstd data is not an ELF image");
		free(z);
	}
	free(k);
}

/* kernel_unwrap(): the ELF kernel_parse() would parse, without parsing
 * it, for every loader; kernel_probe() names the loader. */
static void test_kernel_unwrap(void)
{
	struct loader_opts o = { .max_decompressed = 1u << 30 };
	struct xb_err e = { 0 };
	struct kernel_payload p;
	size_t klen, blen;
	uint8_t *k = small_kernel(&klen), *bz;
	uint8_t junk[600] = { 0 };

	REQUIRE(kernel_unwrap("vmlinux", k, klen, &o, &p, &e) == 0);
	CHECK(p.elf == k && p.owned == NULL && p.elf_len == klen);
	CHECK_STR(p.format, "elf");
	CHECK_STR(p.compression, "none");
	CHECK_STR(kernel_probe(k, klen), "elf");
	bz = eg_bzimage_of(k, klen, eg_format("gzip"), &blen);
	REQUIRE(bz);
	CHECK_STR(kernel_probe(bz, blen), "bzImage");
	REQUIRE(kernel_unwrap("vmlinuz", bz, blen, &o, &p, &e) == 0);
	CHECK(p.owned != NULL && p.elf == p.owned);
	CHECK_EQ(p.elf_len, klen);
	CHECK(!memcmp(p.elf, k, klen));
	CHECK_STR(p.format, "bzImage");
	CHECK_STR(p.compression, "gzip");
	free(p.owned);
	/* the caps apply as in kernel_parse() */
	o.max_decompressed = klen - 1;
	CHECK(kernel_unwrap("vmlinuz", bz, blen, &o, &p, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "exceeds limit");
	CHECK(p.owned == NULL && p.elf == NULL);
	CHECK(kernel_probe(junk, sizeof(junk)) == NULL);
	memset(&e, 0, sizeof(e));
	CHECK(kernel_unwrap("junk", junk, sizeof(junk), &o, &p, &e) ==
	      -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "junk: not a kernel");
	free(bz);
	free(k);
}

/* ---- a kernel decoded straight into its destination ---- */

/* A destination in kernel offsets: a host buffer handed out in windows of
 * at most max bytes, so that windows end everywhere. */
struct dest {
	uint8_t *b;
	uint64_t len;
	size_t max;
	unsigned calls;
};

static int dest_window(void *ctx, uint64_t pos, uint8_t **p, size_t *n,
		       struct xb_err *e)
{
	struct dest *d = ctx;

	d->calls++;
	if (!p || pos >= d->len)
		return xb_fail(e, XB_EINTERNAL, "dest: offset %#" PRIx64, pos);
	*p = d->b + pos;
	*n = d->len - pos < d->max ? (size_t)(d->len - pos) : d->max;
	return 0;
}

/* An image parsed another way (streamed, scanned) against kernel_parse's
 * of the same file: every field a build or inspect reads. */
static void same_image(const struct kernel_image *a,
		       const struct kernel_image *b)
{
	CHECK_STR(a->format, b->format);
	CHECK_STR(a->compression, b->compression);
	CHECK_EQ(a->file_len, b->file_len);
	CHECK_EQ(a->elf_len, b->elf_len);
	CHECK_EQ(a->elf_class, b->elf_class);
	CHECK_EQ(a->guest, b->guest);
	CHECK_EQ(a->pstart, b->pstart);
	CHECK_EQ(a->pend, b->pend);
	CHECK_EQ(a->nsegs, b->nsegs);
	CHECK(!memcmp(a->segs, b->segs, sizeof(a->segs)));
	CHECK(!memcmp(&a->notes, &b->notes, sizeof(a->notes)));
	CHECK_EQ(a->virt_base, b->virt_base);
	CHECK_EQ(a->paddr_offset, b->paddr_offset);
	CHECK_EQ(a->virt_kstart, b->virt_kstart);
	CHECK_EQ(a->virt_kend, b->virt_kend);
	CHECK_EQ(a->virt_entry, b->virt_entry);
	CHECK_EQ(a->virt_hypercall, b->virt_hypercall);
	CHECK_EQ(a->p2m_base, b->p2m_base);
}

/*
 * Stream kernel z (the compressed s) into a host destination and compare
 * with kernel_parse and kernel_load: the same fields, the same bytes where
 * the segments' file bytes go, nothing written elsewhere.  want_stream:
 * whether kernel_stream_open takes it.
 */
static void stream_vs_parse(const uint8_t *z, size_t zlen, bool want_stream,
			    size_t max, const char *what)
{
	struct loader_opts o = { .max_decompressed = XB_DEFAULT_MAX_DECOMP };
	struct kernel_image si;
	struct xb_err e = { 0 };
	struct parsed p;
	struct dest d = { .max = max };
	uint8_t *ref;
	uint64_t span;
	int rc;

	if (parse_buf(&p, z, zlen, 0) != 0) {
		t_fail(__FILE__, __LINE__, "%s: parse: %s", what, p.e.msg);
		return;
	}
	rc = kernel_stream_open("vmlinuz", z, zlen, &o, &si, &e);
	CHECK_EQ(rc, want_stream ? 1 : 0);
	if (rc != 1) {
		kernel_image_free(&p.img);
		return;
	}
	CHECK_STR(si.format, p.img.format);
	CHECK_STR(si.compression, p.img.compression);
	CHECK_EQ(si.pstart, p.img.pstart);
	CHECK_EQ(si.pend, p.img.pend);
	CHECK_EQ(si.nsegs, p.img.nsegs);
	CHECK_EQ(si.guest, p.img.guest);
	span = p.img.pend - p.img.pstart;
	d.len = span;
	d.b = malloc(span);
	ref = malloc(span);
	REQUIRE(d.b && ref);
	memset(d.b, 0xee, span);
	CHECK(kernel_load(&p.img, ref, span, &e) == 0);
	rc = kernel_stream_load("vmlinuz", &si, XB_DEFAULT_MAX_DECOMP,
				&(struct dc_sink){ dest_window, &d }, &e);
	if (rc != 0)
		t_fail(__FILE__, __LINE__, "%s: stream: %s", what, e.msg);
	CHECK(si.streamed);
	same_image(&si, &p.img);
	/* Segment bytes as kernel_load puts them; the rest untouched (the
	 * builder zeroes it). */
	for (uint64_t a = 0, bad = 0; a < span && bad < 3; a++) {
		bool in = false;

		for (unsigned i = 0; i < p.img.nsegs; i++)
			in |= a - (p.img.segs[i].paddr - p.img.pstart) <
			      p.img.segs[i].filesz;
		if (d.b[a] != (in ? ref[a] : 0xee)) {
			t_fail(__FILE__, __LINE__, "%s: byte %#" PRIx64, what,
			       a);
			bad++;
		}
	}
	/* kernel_load refuses an image whose bytes are elsewhere. */
	xb_err_clear(&e);
	CHECK_EQ(kernel_load(&si, ref, span, &e), -XB_EINTERNAL);
	kernel_image_free(&si);
	kernel_image_free(&p.img);
	free(d.b);
	free(ref);
}

/*
 * kernel_scan (inspect) against kernel_parse on the same file: the same
 * image in every field inspect prints; scanned (a sparse view, nothing
 * held whole) exactly where the decoder streams at its best and the notes
 * are in a PT_NOTE segment.  The same file cut short: the same error.
 */
static void scan_vs_parse(const uint8_t *z, size_t zlen, bool want_scan,
			  const char *what)
{
	struct loader_opts o = { .max_decompressed = XB_DEFAULT_MAX_DECOMP };
	struct kernel_image si;
	struct xb_err e = { 0 };
	struct parsed p;

	if (parse_buf(&p, z, zlen, 0) != 0) {
		t_fail(__FILE__, __LINE__, "%s: parse: %s", what, p.e.msg);
		return;
	}
	if (kernel_scan("vmlinuz", z, zlen, &o, &si, &e) != 0) {
		t_fail(__FILE__, __LINE__, "%s: scan: %s", what, e.msg);
		kernel_image_free(&p.img);
		return;
	}
	if (si.streamed != want_scan || (si.owned == NULL) != want_scan)
		t_fail(__FILE__, __LINE__, "%s: scanned %d, want %d", what,
		       si.streamed, want_scan);
	same_image(&si, &p.img);
	kernel_image_free(&si);
	kernel_image_free(&p.img);
	/* cut short */
	REQUIRE(parse_buf(&p, z, zlen - 9, 0) < 0);
	CHECK_EQ(kernel_scan("vmlinuz", z, zlen - 9, &o, &si, &e), -XB_EINPUT);
	CHECK_STR(e.msg, p.e.msg);
}

static void test_kernel_stream(void)
{
	static const char *const legacy =
		"GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,"
		"ELF_PADDR_OFFSET=0xffffffff80000000,LOADER=generic";
	/* streams: into the builder's destination; scans: inspect's window
	 * (gzip decodes whole faster, lz4 through a block of its own). */
	const struct {
		const char *fmt, *cmd;
		bool streams, scans;
	} fmts[] = {
		{ "gzip", "gzip -n -c", true, false },
		{ "xz", "xz -2 --check=crc32 -c", true, true },
		{ "lzma", "lzma -2 -c", true, true },
		{ "bzip2", "bzip2 -c", true, true },
		{ "zstd", "zstd -q -c", false, false },
		{ "lz4", "lz4 -l -q -c", false, true },
		{ "lz4", "lz4 -q -c", false, true }, /* modern frame */
	};
	struct eg_notes n = { .len = 0 };
	enum eg_where where[] = { EG_PHDR, EG_SHDR, EG_LEGACY };

	eg_notes_linux64(&n);
	for (size_t w = 0; w < XB_ARRAY_SIZE(where); w++) {
		struct eg_elf s;
		struct eg_out o;

		eg_elf_linux64(&s, &n, where[w]);
		/* out of order in the file, a gap, a large segment (more
		 * than the 64 KiB head), bss */
		s.segs[2] = s.segs[1];
		s.segs[1] = (struct eg_seg){ EG_PSTART + 0x6000,
					     EG_KSTART + 0x6000,
					     0x30000,
					     0x31000,
					     PF_R,
					     0 };
		s.nsegs = 3;
		if (where[w] == EG_LEGACY) {
			for (unsigned i = 0; i < s.nsegs; i++)
				s.segs[i].paddr = s.segs[i].vaddr;
			s.legacy = legacy;
		}
		REQUIRE(eg_elf_build(&s, &o) == 0);
		for (size_t f = 0; f < XB_ARRAY_SIZE(fmts); f++) {
			const struct eg_format *ef = eg_format(fmts[f].fmt);
			size_t zlen, blen;
			uint8_t *z = eg_filter(fmts[f].cmd, o.b, o.len, &zlen);
			uint8_t *bz;
			char what[64];
			bool scans = fmts[f].scans && where[w] == EG_PHDR;

			if (!z)
				continue;
			snprintf(what, sizeof(what), "%s, notes %zu",
				 fmts[f].cmd, w);
			for (size_t max = 1; max <= 1u << 20; max *= 64)
				stream_vs_parse(z, zlen, fmts[f].streams, max,
						what);
			scan_vs_parse(z, zlen, scans, what);
			bz = ef ? eg_bzimage_of(o.b, o.len, ef, &blen) : NULL;
			if (bz) {
				stream_vs_parse(bz, blen, fmts[f].streams, 4096,
						what);
				scan_vs_parse(bz, blen, scans, what);
			}
			free(bz);
			free(z);
		}
		/* Not compressed: parsed whole, from the file's bytes. */
		{
			struct loader_opts lo = { .max_decompressed = 1 << 30 };
			struct kernel_image si;
			struct xb_err e = { 0 };

			CHECK_EQ(kernel_stream_open("vmlinuz", o.b, o.len, &lo,
						    &si, &e),
				 0);
		}
		free(o.b);
	}
}

/* kernel_scan and kernel_parse of z with cap: both fail, with the same
 * message, which says want. */
static void scan_fails_as_parse(const uint8_t *z, size_t zlen, uint64_t cap,
				const char *want, const char *what)
{
	struct loader_opts o = { .max_decompressed = cap };
	struct kernel_image si;
	struct xb_err e = { 0 };
	struct parsed p;

	CHECK_EQ(parse_buf(&p, z, zlen, cap), -XB_EINPUT);
	if (kernel_scan("vmlinuz", z, zlen, &o, &si, &e) != -XB_EINPUT ||
	    strcmp(e.msg, p.e.msg) || !strstr(e.msg, want))
		t_fail(__FILE__, __LINE__, "%s: scan '%s', parse '%s'", what,
		       e.msg, p.e.msg);
}

/*
 * inspect of lz4 kernels of several blocks (a legacy block is 8 MiB):
 * scanned through the window, the same image as kernel_parse's; a bad
 * block and a cap inside the image: kernel_parse's messages.
 */
static void test_kernel_scan_lz4(void)
{
	static const char *const cmds[] = { "lz4 -l -1 -q -c",
					    "lz4 -B7 -1 -q -c" };
	const uint64_t big = 20u << 20;
	struct eg_notes n = { .len = 0 };
	struct eg_elf s;
	struct eg_out o;

	eg_notes_linux64(&n);
	eg_elf_linux64(&s, &n, EG_PHDR);
	s.segs[0].filesz = s.segs[0].memsz = big;
	s.segs[1].paddr += big;
	s.segs[1].vaddr += big;
	REQUIRE(eg_elf_build(&s, &o) == 0);
	for (size_t c = 0; c < XB_ARRAY_SIZE(cmds); c++) {
		size_t zlen, at;
		uint8_t *z = eg_filter(cmds[c], o.b, o.len, &zlen);

		if (!z) {
			free(o.b);
			SKIP("no lz4");
		}
		scan_vs_parse(z, zlen, true, cmds[c]);
		scan_fails_as_parse(z, zlen, 12u << 20, "exceeds limit",
				    cmds[c]);
		/* Zeros in the data (legacy: the second block's): a match at
		 * offset 0, which no block has. */
		at = c == 0 ? lz4_block2(z) + 500 : zlen / 2;
		REQUIRE(at + 500 < zlen);
		memset(z + at, 0, 500);
		scan_fails_as_parse(z, zlen, XB_DEFAULT_MAX_DECOMP,
				    c == 0 ? "(bad lz4 block)" : "lz4: corrupt",
				    cmds[c]);
		free(z);
	}
	free(o.b);
}

/* Errors while streaming: the messages of the host path. */
static void test_kernel_stream_errors(void)
{
	struct loader_opts o = { .max_decompressed = XB_DEFAULT_MAX_DECOMP };
	struct eg_notes n = { .len = 0 };
	struct xb_err e = { 0 };
	struct kernel_image si;
	struct dest d = { .max = 4096 };
	struct eg_elf s;
	struct eg_out out;
	size_t zlen;
	uint8_t *z;

	/* not an ELF */
	z = eg_filter("gzip -n -c", (const uint8_t *)"text", 4, &zlen);
	REQUIRE(z);
	CHECK_EQ(kernel_stream_open("vmlinuz", z, zlen, &o, &si, &e),
		 -XB_EINPUT);
	CHECK_STR(e.msg, "vmlinuz: gzip data is not an ELF image");
	free(z);
	/* no Xen notes: found only once decoded */
	eg_elf_linux64(&s, &n, EG_NONE);
	s.segs[0].filesz = s.segs[0].memsz = 0x30000; /* past the head */
	s.segs[1].paddr += 0x30000;
	s.segs[1].vaddr += 0x30000;
	REQUIRE(eg_elf_build(&s, &out) == 0);
	z = eg_filter("xz -2 --check=crc32 -c", out.b, out.len, &zlen);
	REQUIRE(z);
	xb_err_clear(&e);
	REQUIRE(kernel_stream_open("vmlinuz", z, zlen, &o, &si, &e) == 1);
	d.len = si.pend - si.pstart;
	d.b = calloc(1, d.len);
	CHECK_EQ(kernel_stream_load("vmlinuz", &si, XB_DEFAULT_MAX_DECOMP,
				    &(struct dc_sink){ dest_window, &d }, &e),
		 -XB_EINPUT);
	CHECK_STR(e.msg, "vmlinuz: not a Xen PV kernel (no Xen ELF notes)");
	kernel_image_free(&si);
	/* truncated stream: the decoder's message */
	xb_err_clear(&e);
	REQUIRE(kernel_stream_open("vmlinuz", z, zlen - 40, &o, &si, &e) == 1);
	CHECK(kernel_stream_load("vmlinuz", &si, XB_DEFAULT_MAX_DECOMP,
				 &(struct dc_sink){ dest_window, &d },
				 &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "vmlinuz: xz: ");
	kernel_image_free(&si);
	/* over the cap */
	xb_err_clear(&e);
	o.max_decompressed = 0x20000; /* above the head, below the image */
	REQUIRE(kernel_stream_open("vmlinuz", z, zlen, &o, &si, &e) == 1);
	CHECK_EQ(kernel_stream_load("vmlinuz", &si, 0x20000,
				    &(struct dc_sink){ dest_window, &d }, &e),
		 -XB_EINPUT);
	CHECK_STR(e.msg,
		  "vmlinuz: xz: decompressed size exceeds limit (131072 bytes)");
	kernel_image_free(&si);
	free(d.b);
	free(z);
	free(out.b);
}

/* ---- the real Debian kernel ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool read_kernel(const char *path, struct cli_file *f)
{
	struct xb_err e = { 0 };

	return access(path, R_OK) == 0 &&
	       xb_read_file(path, 1 << 30, f, &e) == 0;
}

/* Properties every PV-capable Linux kernel has. */
static void check_linux_props(const struct kernel_image *img)
{
	CHECK_STR(img->format, "bzImage");
	CHECK_EQ(img->guest, XB_GUEST_X86_64);
	CHECK_STR(img->notes.xen_version, "xen-3.0");
	CHECK_STR(img->notes.guest_os, "linux");
	CHECK_STR(img->notes.source, "PT_NOTE");
	CHECK_EQ(img->virt_base & XB_PAGE_MASK, 0);
	CHECK_EQ(img->virt_kstart & XB_PAGE_MASK, 0);
	CHECK(img->virt_base <= img->virt_kstart);
	CHECK(img->virt_kstart <= img->virt_entry &&
	      img->virt_entry < img->virt_kend);
	CHECK(img->nsegs >= 1 && img->nsegs <= XB_MAX_SEGS);
	CHECK_EQ(img->notes.feat_required[0] & (1u << 11), 0);
}

static void test_real_kernel_ref(void)
{
	struct cli_file f;
	struct parsed p;
	double t0, t1;

	if (!read_kernel(".cache/kernel/vmlinuz-ref", &f))
		SKIP_DOWNLOAD(
			"no .cache/kernel/vmlinuz-ref (tests/fetch-kernel.sh)");
	t0 = now();
	parse_buf(&p, f.buf, f.len, 0);
	t1 = now();
	printf("  vmlinuz-ref: %zu bytes, parsed in %.3f s\n", f.len, t1 - t0);
	if (p.rc)
		printf("  %s\n", p.e.msg);
	REQUIRE(p.rc == 0);
	check_linux_props(&p.img);
	CHECK_STR(p.img.compression, "xz");
	CHECK_EQ(p.img.elf_class, 64);
	CHECK_EQ(p.img.virt_base, 0xffffffff80000000ULL);
	CHECK_EQ(p.img.virt_entry, 0xffffffff830791c0ULL);
	CHECK_EQ(p.img.notes.entry, 0xffffffff830791c0ULL);
	CHECK_EQ(p.img.p2m_base, 0x8000000000ULL);
	CHECK_EQ(p.img.notes.init_p2m, 0x8000000000ULL);
	CHECK(p.img.notes.mod_start_pfn);
	CHECK_EQ(p.img.virt_kstart, 0xffffffff81000000ULL);
	CHECK_EQ(xb_pages(p.img.virt_kend - p.img.virt_kstart), 14848);
	CHECK_EQ(p.img.virt_hypercall, UINT64_MAX);
	CHECK_EQ(p.img.paddr_offset, 0);
	kernel_image_free(&p.img);
	xb_file_free(&f);
}

static void test_real_kernel_current(void)
{
	struct cli_file f;
	struct parsed p;

	if (!read_kernel(".cache/kernel/vmlinuz-current", &f))
		SKIP_DOWNLOAD(
			"no .cache/kernel/vmlinuz-current (tests/fetch-kernel.sh)");
	parse_buf(&p, f.buf, f.len, 0);
	if (p.rc)
		printf("  %s\n", p.e.msg);
	REQUIRE(p.rc == 0);
	check_linux_props(&p.img);
	CHECK(dc_find(p.img.compression) != NULL);
	/* too small a cap is refused with the numbers */
	kernel_image_free(&p.img);
	parse_buf(&p, f.buf, f.len, 1u << 20);
	CHECK_FAILS(&p, "exceeds limit (1048576 bytes)");
	xb_file_free(&f);
}

const struct test tests[] = {
	{ "elf64_ptnote", test_elf64_ptnote },
	{ "elf64_shtnote", test_elf64_shtnote },
	{ "elf_info_notes", test_elf_info_notes },
	{ "elf32_legacy", test_elf32_legacy },
	{ "elf32_notes", test_elf32_notes },
	{ "elf_note_rejections", test_elf_note_rejections },
	{ "elf_paddr_offset_without_virt_base",
	  test_elf_paddr_offset_without_virt_base },
	{ "elf_unterminated_string", test_elf_unterminated_string },
	{ "elf_note_past_end", test_elf_note_past_end },
	{ "elf_truncated", test_elf_truncated },
	{ "elf_bad_headers", test_elf_bad_headers },
	{ "elf_bad_segments", test_elf_bad_segments },
	{ "elf_not_elf", test_elf_not_elf },
	{ "kernel_load", test_kernel_load },
	{ "decompress_roundtrip", test_decompress_roundtrip },
	{ "decompress_corrupt", test_decompress_corrupt },
	{ "decompress_cap_big", test_decompress_cap_big },
	{ "decompress_lz4_blocks", test_decompress_lz4_blocks },
	{ "decompress_concat_and_trailer", test_decompress_concat_and_trailer },
	{ "decompress_zstd_unsized", test_decompress_zstd_unsized },
	{ "decompress_xz_crc", test_decompress_xz_crc },
	{ "bzimage", test_bzimage },
	{ "bzimage_every_format", test_bzimage_every_format },
	{ "compressed_elf", test_compressed_elf },
	{ "kernel_unwrap", test_kernel_unwrap },
	{ "kernel_stream", test_kernel_stream },
	{ "kernel_stream_errors", test_kernel_stream_errors },
	{ "kernel_scan_lz4", test_kernel_scan_lz4 },
	{ "real_kernel_ref", test_real_kernel_ref },
	{ "real_kernel_current", test_real_kernel_current },
	{ NULL, NULL },
};
