/*
 * elfgen.h - test kernels made in memory, for the unit tests and for
 * build/tests/mkkernel: ELF32/ELF64 images with Xen notes in a PT_NOTE
 * segment, an SHT_NOTE section or the legacy __xen_guest string, payloads
 * compressed by the command-line tools (gzip, bzip2, xz, lzma, lzop, lz4,
 * zstd), bzImages around them.
 *
 * Two levels: struct eg_elf sets every header field the loader tests vary;
 * struct elfgen is the one-segment kernel the build tests and mkkernel use.
 * Functions returning a buffer return malloc'd memory the caller frees, or
 * NULL when malloc or a tool failed.  Nothing here touches src/.
 */
#ifndef XB_ELFGEN_H
#define XB_ELFGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- little-endian writers ---- */

static inline void eg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void eg_put32(uint8_t *p, uint32_t v)
{
	eg_put16(p, (uint16_t)v);
	eg_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void eg_put64(uint8_t *p, uint64_t v)
{
	eg_put32(p, (uint32_t)v);
	eg_put32(p + 4, (uint32_t)(v >> 32));
}

/* ---- Xen note blobs ---- */

struct eg_notes {
	uint8_t b[2048];
	size_t len;
	uint8_t pad; /* byte used for alignment padding (0 normally) */
};

/* Append one note (name NUL-terminated in the blob, desc as given, both
 * padded to 4 bytes with n->pad).  Aborts when the blob is full. */
void eg_note_raw(struct eg_notes *n, const char *name, uint32_t type,
		 const void *desc, uint32_t dlen);
/* "Xen" notes: a NUL-terminated string, a 32-bit or a 64-bit number. */
void eg_note_str(struct eg_notes *n, uint32_t type, const char *s);
void eg_note_u32(struct eg_notes *n, uint32_t type, uint32_t v);
void eg_note_u64(struct eg_notes *n, uint32_t type, uint64_t v);

/* The Linux-like x86_64 kernel of eg_notes_linux64/eg_elf_linux64. */
#define EG_VB64 0xffffffff80000000ULL
#define EG_PSTART 0x1000000ULL
#define EG_KSTART (EG_VB64 + EG_PSTART)

/* The notes of Linux's xen-head.S: a GNU note first (ignored), GUEST_OS
 * "linux", XEN_VERSION, VIRT_BASE EG_VB64, PADDR_OFFSET 0, ENTRY
 * EG_KSTART + 0x10, HYPERCALL_PAGE EG_KSTART + 0x1000, FEATURES,
 * SUPPORTED_FEATURES, PAE_MODE, LOADER, SUSPEND_CANCEL, INIT_P2M
 * 0x8000000000, MOD_START_PFN. */
void eg_notes_linux64(struct eg_notes *n);

/* ---- ELF images ---- */

#define EG_MAX_SEGS 24

struct eg_seg {
	uint64_t paddr, vaddr, filesz, memsz;
	uint32_t flags;
	uint32_t type; /* 0 = PT_LOAD */
};

enum eg_where {
	EG_PHDR, /* a PT_NOTE program header after the segments' */
	EG_SHDR, /* an SHT_NOTE section ".note.Xen" */
	EG_LEGACY, /* a "__xen_guest" section holding legacy */
	EG_NONE,
};

struct eg_elf {
	bool is64;
	uint64_t entry;
	struct eg_seg segs[EG_MAX_SEGS];
	unsigned nsegs;
	const struct eg_notes *notes; /* EG_PHDR, EG_SHDR */
	enum eg_where where;
	const char *legacy; /* EG_LEGACY: the __xen_guest string */
	/* Each segment's data at a file offset congruent to its p_paddr
	 * modulo 4 KiB, as Linux's linker places them (else 16-byte
	 * aligned). */
	bool congruent;
};

/* Where eg_elf_build put things, for tests that corrupt them. */
struct eg_out {
	uint8_t *b; /* malloc'd image */
	size_t len;
	size_t phoff, note_off, seg_off[EG_MAX_SEGS];
};

/* The byte at offset i of segment s's file data. */
static inline uint8_t eg_seg_byte(unsigned s, uint64_t i)
{
	return (uint8_t)(s * 31 + i * 7 + 1);
}

/*
 * Layout: ELF header, program headers, [notes], segment data (file bytes
 * of each segment, filled with eg_seg_byte), then, with sections,
 * shstrtab + the note or __xen_guest data + three section headers.  With
 * PT_NOTE notes the last segment's data ends the file, so any truncation
 * breaks it.  Returns 0, or -1 (o->b NULL) when malloc fails.
 */
int eg_elf_build(const struct eg_elf *s, struct eg_out *o);

/* A Linux-like x86_64 kernel: text (0x2000 bytes at EG_PSTART, r-x) and
 * data + bss (0x100 of 0x2000 bytes at EG_PSTART + 0x3000, rw-), e_entry
 * EG_KSTART + 0x20, notes n placed as w. */
void eg_elf_linux64(struct eg_elf *s, const struct eg_notes *n,
		    enum eg_where w);

/* ---- the one-segment kernel of the build tests and mkkernel ---- */

struct elfgen {
	uint64_t virt_base; /* VIRT_BASE note */
	uint64_t paddr; /* p_paddr of the segment */
	uint64_t entry_off; /* ENTRY = virt_base + paddr + entry_off */
	size_t text_len; /* file bytes of the segment */
	size_t bss_len; /* p_memsz - p_filesz */
	bool hypercall_page; /* HYPERCALL_PAGE at the segment's 2nd page */
	uint64_t init_p2m; /* INIT_P2M note when non-zero */
	bool mod_start_pfn; /* MOD_START_PFN note */
	const char *guest_os; /* default "linux" */
	uint64_t phys32_entry; /* PHYS32_ENTRY note (PVH) when non-zero */
	/* PADDR_OFFSET note (0 by default): p_paddr is paddr + paddr_offset,
	 * the virtual addresses stay virt_base + paddr. */
	uint64_t paddr_offset;
	bool congruent; /* as eg_elf.congruent */
	/* The segment's file bytes [zero_from, zero_from + zero_len) are
	 * zeros instead of the pattern. */
	size_t zero_from, zero_len;
};

/* The pattern byte at offset i of the segment. */
static inline uint8_t elfgen_byte(size_t i)
{
	return eg_seg_byte(0, i);
}

/* The byte at offset i of g's segment in memory: the file's (pattern or
 * zeros), then zeros (bss). */
static inline uint8_t elfgen_want(const struct elfgen *g, size_t i)
{
	if (i >= g->text_len ||
	    (i >= g->zero_from && i - g->zero_from < g->zero_len))
		return 0;
	return elfgen_byte(i);
}

/* A malloc'd ELF64 image (one rwx PT_LOAD, notes XEN_VERSION, GUEST_OS,
 * LOADER, VIRT_BASE, PADDR_OFFSET 0, ENTRY and the optional ones in a
 * PT_NOTE); *len receives its size. */
uint8_t *elfgen_build(const struct elfgen *g, size_t *len);

/* ---- compression and bzImage ---- */

/* A payload format of Linux's arch/x86/boot/compressed, the command that
 * makes it (stdin to stdout) and whether Linux appends the decompressed
 * size (LE32) to it: every format but gzip, whose ISIZE says it. */
struct eg_format {
	const char *name, *cmd;
	bool size_trailer;
};
/* gzip, bzip2, xz, lzma, lzo, lz4 (legacy frame), zstd; ends with NULL. */
extern const struct eg_format eg_formats[];
const struct eg_format *eg_format(const char *name);

/* "cmd < in > out" through temporary files: the output, or NULL when the
 * command fails (a missing tool, for one). */
uint8_t *eg_filter(const char *cmd, const uint8_t *in, size_t len,
		   size_t *out_len);

/* A bzImage around payload: setup_sects (0 means 4) sectors of setup,
 * "HdrS" with the given boot protocol version, the payload payload_off
 * bytes after the setup (payload_offset/payload_length set). */
uint8_t *eg_bzimage(const uint8_t *payload, size_t plen, uint8_t setup_sects,
		    uint32_t payload_off, uint16_t version, size_t *len);

/* elf compressed as Linux compresses vmlinux (fmt's tool, then the size
 * trailer if fmt has one), in a bzImage (protocol 2.15, 0x100 bytes of
 * padding before the payload, like the decompressor stub). */
uint8_t *eg_bzimage_of(const uint8_t *elf, size_t len,
		       const struct eg_format *fmt, size_t *out_len);

#endif
