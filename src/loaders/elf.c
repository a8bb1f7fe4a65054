/*
 * elf.c - the ELF part of the kernel loader: ELF32/ELF64 little-endian x86
 * images, their PT_LOAD segments and their Xen notes (xen/elfnote.h), and
 * the address rules a PV build depends on (DESIGN.md, "The PV boot
 * protocol"; the same rules as libelf's elf_xen_addr_calc_check).
 *
 * Every offset and size comes from the input, so every one is range-checked
 * with overflow-safe arithmetic before it is used, and every loop is bounded
 * by a checked count.  Fields are read byte by byte (little-endian), never
 * through casts to structure pointers, so alignment does not matter.
 */
#include "loader_int.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#include <xen/elfnote.h>

/* Upper bound on notes walked in one file, so that many sections pointing
 * at the same large note area cannot make parsing quadratic. */
#define ELF_MAX_NOTES 65536u

/* The ELF header and table entries, widened to 64 bits. */
struct ehdr {
	bool is64;
	uint16_t type, machine;
	uint64_t entry, phoff, shoff;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct shdr {
	uint32_t name, type;
	uint64_t offset, size, addralign;
};

/* Parsing state that is not part of the result. */
struct elf_ctx {
	const char *name;
	const uint8_t *b;
	uint64_t len;
	struct ehdr eh;
	struct xb_err *e;
	bool prefix; /* b holds the start of the image only (elf_head) */
	unsigned notes_walked;
	unsigned xen_notes; /* Xen notes seen in the current source */
	bool legacy_hypercall_pfn; /* __xen_guest HYPERCALL_PAGE is a pfn */
};

bool elf_probe(const uint8_t *buf, size_t len)
{
	return len >= SELFMAG && !memcmp(buf, ELFMAG, SELFMAG);
}

/* ---- headers ---- */

static int read_ehdr(struct elf_ctx *c)
{
	const uint8_t *b = c->b;
	struct ehdr *h = &c->eh;
	uint64_t need, tbl;

	if (c->len < EI_NIDENT || !elf_probe(b, c->len))
		return xb_fail(c->e, XB_EINPUT, "%s: ELF: bad magic", c->name);
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: unknown class (EI_CLASS %u)", c->name,
			       b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB)
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: not little-endian (EI_DATA %u)",
			       c->name, b[EI_DATA]);
	if (b[EI_VERSION] != EV_CURRENT)
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: unknown version (EI_VERSION %u)",
			       c->name, b[EI_VERSION]);
	h->is64 = b[EI_CLASS] == ELFCLASS64;
	need = h->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (c->len < need)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: file too short for the ELF header (%llu bytes < %llu)",
			c->name, (unsigned long long)c->len,
			(unsigned long long)need);
	h->type = xb_le16(b + 16);
	h->machine = xb_le16(b + 18);
	if (h->is64) {
		h->entry = xb_le64(b + 24);
		h->phoff = xb_le64(b + 32);
		h->shoff = xb_le64(b + 40);
		b += 52; /* e_ehsize onwards */
	} else {
		h->entry = xb_le32(b + 24);
		h->phoff = xb_le32(b + 28);
		h->shoff = xb_le32(b + 32);
		b += 40;
	}
	h->ehsize = xb_le16(b);
	h->phentsize = xb_le16(b + 2);
	h->phnum = xb_le16(b + 4);
	h->shentsize = xb_le16(b + 6);
	h->shnum = xb_le16(b + 8);
	h->shstrndx = xb_le16(b + 10);

	if (h->type != ET_EXEC && h->type != ET_DYN)
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: not an executable (e_type %u)",
			       c->name, h->type);
	if (h->is64 ? h->machine != EM_X86_64 : h->machine != EM_386)
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: e_machine %u is not %s for ELF%d",
			       c->name, h->machine,
			       h->is64 ? "EM_X86_64 (62)" : "EM_386 (3)",
			       h->is64 ? 64 : 32);
	if (h->ehsize < need)
		return xb_fail(c->e, XB_EINPUT, "%s: ELF: e_ehsize %u < %llu",
			       c->name, h->ehsize, (unsigned long long)need);
	/* PN_XNUM (extended numbering) has no place in a kernel. */
	if (h->phnum == 0 || h->phnum == PN_XNUM)
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: e_phnum %u: no program headers",
			       c->name, h->phnum);
	need = h->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (h->phentsize != need)
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: e_phentsize %u (want %llu)", c->name,
			       h->phentsize, (unsigned long long)need);
	/* e_phoff 0 is how ELF says "no program header table"; anything
	 * below the ELF header's end would read the header as segments. */
	if (h->phoff == 0)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: e_phoff 0: the file has no program header table "
			"(a kernel needs its PT_LOAD segments)",
			c->name);
	if (h->phoff < h->ehsize)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: e_phoff 0x%llx: the program header table overlaps "
			"the ELF header (%u bytes)",
			c->name, (unsigned long long)h->phoff, h->ehsize);
	tbl = (uint64_t)h->phnum * h->phentsize;
	if (!xb_range_ok(h->phoff, tbl, c->len))
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: program header table (offset 0x%llx, %u entries of %u bytes) past end of file (%llu bytes)",
			c->name, (unsigned long long)h->phoff, h->phnum,
			h->phentsize, (unsigned long long)c->len);
	return 0;
}

/* Entry i of the (range-checked) program header table. */
static void read_phdr(const struct elf_ctx *c, unsigned i, struct phdr *p)
{
	const uint8_t *b = c->b + c->eh.phoff + (uint64_t)i * c->eh.phentsize;

	p->type = xb_le32(b);
	if (c->eh.is64) {
		p->flags = xb_le32(b + 4);
		p->offset = xb_le64(b + 8);
		p->vaddr = xb_le64(b + 16);
		p->paddr = xb_le64(b + 24);
		p->filesz = xb_le64(b + 32);
		p->memsz = xb_le64(b + 40);
		p->align = xb_le64(b + 48);
	} else {
		p->offset = xb_le32(b + 4);
		p->vaddr = xb_le32(b + 8);
		p->paddr = xb_le32(b + 12);
		p->filesz = xb_le32(b + 16);
		p->memsz = xb_le32(b + 20);
		p->flags = xb_le32(b + 24);
		p->align = xb_le32(b + 28);
	}
}

/*
 * The section header table, or *n = 0 when the file has none.  The table
 * itself must lie inside the file (a malformed file is refused whether or
 * not its sections are needed); the data of each section is checked only
 * when it is read.
 */
static int check_shdrs(struct elf_ctx *c, unsigned *n)
{
	const struct ehdr *h = &c->eh;
	uint64_t need = h->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);

	*n = 0;
	if (h->shoff == 0 || h->shnum == 0) /* none, or extended numbering */
		return 0;
	if (h->shentsize != need)
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: e_shentsize %u (want %llu)", c->name,
			       h->shentsize, (unsigned long long)need);
	if (!xb_range_ok(h->shoff, (uint64_t)h->shnum * h->shentsize, c->len))
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: section header table (offset 0x%llx, %u entries of %u bytes) past end of file (%llu bytes)",
			c->name, (unsigned long long)h->shoff, h->shnum,
			h->shentsize, (unsigned long long)c->len);
	*n = h->shnum;
	return 0;
}

/* Section i (< the count check_shdrs returned). */
static void read_shdr(const struct elf_ctx *c, unsigned i, struct shdr *s)
{
	const uint8_t *b = c->b + c->eh.shoff + (uint64_t)i * c->eh.shentsize;

	s->name = xb_le32(b);
	s->type = xb_le32(b + 4);
	if (c->eh.is64) {
		s->offset = xb_le64(b + 24);
		s->size = xb_le64(b + 32);
		s->addralign = xb_le64(b + 48);
	} else {
		s->offset = xb_le32(b + 16);
		s->size = xb_le32(b + 20);
		s->addralign = xb_le32(b + 32);
	}
}

/* Only the sections actually read (notes, names, __xen_guest) must lie
 * inside the file: debug sections of a stripped file may not. */
static int check_shdr_range(struct elf_ctx *c, unsigned i, const struct shdr *s)
{
	if (!xb_range_ok(s->offset, s->size, c->len))
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: section %u: range 0x%llx+0x%llx past end of file (%llu bytes)",
			c->name, i, (unsigned long long)s->offset,
			(unsigned long long)s->size,
			(unsigned long long)c->len);
	return 0;
}

/* ---- features ---- */

/* XENFEAT_* names and bits (xen/features.h) and whether Xen can give the
 * feature to an x86 PV domU (xen/common/kernel.c, XENVER_get_features). */
static const struct {
	const char *name;
	unsigned bit;
	bool pv_ok;
} feat_names[] = {
	{ "writable_page_tables", 0, true },
	{ "writable_descriptor_tables", 1, true },
	{ "auto_translated_physmap", 2, false },
	{ "supervisor_mode_kernel", 3, false },
	{ "pae_pgdir_above_4gb", 4, true },
	{ "mmu_pt_update_preserve_ad", 5, true },
	{ "highmem_assist", 6, true },
	{ "gnttab_map_avail_bits", 7, true },
	{ "hvm_callback_vector", 8, false },
	{ "hvm_safe_pvclock", 9, false },
	{ "hvm_pirqs", 10, false },
	{ "dom0", 11, false },
	{ "grant_map_identity", 12, false },
	{ "memory_op_vnode_supported", 13, true },
	{ "ARM_SMCCC_supported", 14, false },
	{ "linux_rsdp_unrestricted", 15, true },
	{ "not_direct_mapped", 16, true },
	{ "direct_mapped", 17, false },
};

/*
 * Parse a FEATURES string: names separated by '|', "!name" = required.
 * Unknown names are ignored unless required (like libelf): a kernel may
 * know features this builder does not.  A required feature a PV domU
 * cannot have is refused here, naming it.
 */
static int parse_features(struct elf_ctx *c, const char *s, struct xen_notes *n)
{
	while (*s) {
		const char *end = strchr(s, '|');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		bool req = len > 0 && s[0] == '!';
		const char *nm = s + req;
		size_t nlen = len - req;
		size_t i;

		for (i = 0; i < XB_ARRAY_SIZE(feat_names); i++)
			if (strlen(feat_names[i].name) == nlen &&
			    !memcmp(feat_names[i].name, nm, nlen))
				break;
		if (i < XB_ARRAY_SIZE(feat_names)) {
			uint32_t bit = 1u << feat_names[i].bit;

			n->feat_supported[0] |= bit;
			if (req) {
				n->feat_required[0] |= bit;
				if (!feat_names[i].pv_ok)
					return xb_fail(
						c->e, XB_EINPUT,
						"%s: ELF: Xen note FEATURES: kernel requires feature %s, which a PV domU cannot have",
						c->name, feat_names[i].name);
			}
		} else if (req) {
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: Xen note FEATURES: kernel requires unknown feature \"%.*s\"",
				c->name, (int)(nlen > 64 ? 64 : nlen), nm);
		}
		s += len + (end != NULL);
	}
	n->has_features = true;
	return 0;
}

/* ---- Xen notes ---- */

static const char *note_name(uint32_t type)
{
	static const char *const names[] = {
		[XEN_ELFNOTE_INFO] = "INFO",
		[XEN_ELFNOTE_ENTRY] = "ENTRY",
		[XEN_ELFNOTE_HYPERCALL_PAGE] = "HYPERCALL_PAGE",
		[XEN_ELFNOTE_VIRT_BASE] = "VIRT_BASE",
		[XEN_ELFNOTE_PADDR_OFFSET] = "PADDR_OFFSET",
		[XEN_ELFNOTE_XEN_VERSION] = "XEN_VERSION",
		[XEN_ELFNOTE_GUEST_OS] = "GUEST_OS",
		[XEN_ELFNOTE_GUEST_VERSION] = "GUEST_VERSION",
		[XEN_ELFNOTE_LOADER] = "LOADER",
		[XEN_ELFNOTE_PAE_MODE] = "PAE_MODE",
		[XEN_ELFNOTE_FEATURES] = "FEATURES",
		[XEN_ELFNOTE_BSD_SYMTAB] = "BSD_SYMTAB",
		[XEN_ELFNOTE_HV_START_LOW] = "HV_START_LOW",
		[XEN_ELFNOTE_L1_MFN_VALID] = "L1_MFN_VALID",
		[XEN_ELFNOTE_SUSPEND_CANCEL] = "SUSPEND_CANCEL",
		[XEN_ELFNOTE_INIT_P2M] = "INIT_P2M",
		[XEN_ELFNOTE_MOD_START_PFN] = "MOD_START_PFN",
		[XEN_ELFNOTE_SUPPORTED_FEATURES] = "SUPPORTED_FEATURES",
		[XEN_ELFNOTE_PHYS32_ENTRY] = "PHYS32_ENTRY",
	};

	return type < XB_ARRAY_SIZE(names) && names[type] ? names[type] : "?";
}

/*
 * A string note: desc[0, dlen) up to its first NUL.  The descriptor's end
 * also ends the string: Linux (arch/x86/xen/xen-head.S) writes FEATURES
 * with .ascii, without a NUL, relying on the zero padding after it; this
 * reads neither the padding nor anything else past descsz.
 */
static int note_str(struct elf_ctx *c, uint32_t type, const uint8_t *desc,
		    uint64_t dlen, char *dst, size_t dsize)
{
	/* Look for the NUL only as far as the field could hold the string,
	 * so the work is bounded by the field, not by the descriptor. */
	uint64_t scan = dlen < dsize ? dlen : dsize;
	const uint8_t *nul = memchr(desc, 0, (size_t)scan);
	size_t slen = nul ? (size_t)(nul - desc) : (size_t)scan;

	if (slen >= dsize)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: Xen note %s: string too long (more than %zu bytes)",
			c->name, note_name(type), dsize - 1);
	memcpy(dst, desc, slen);
	dst[slen] = '\0';
	return 0;
}

static int note_num(struct elf_ctx *c, uint32_t type, const uint8_t *desc,
		    uint64_t dlen, uint64_t *v)
{
	if (dlen == 4)
		*v = xb_le32(desc);
	else if (dlen == 8)
		*v = xb_le64(desc);
	else
		return xb_fail(c->e, XB_EINPUT,
			       "%s: ELF: Xen note %s: descsz %llu (want 4 or 8)",
			       c->name, note_name(type),
			       (unsigned long long)dlen);
	return 0;
}

/* A number of a note that is only reported: false unless 4 or 8 bytes. */
static bool info_num(const uint8_t *desc, uint64_t dlen, uint64_t *v)
{
	if (dlen != 4 && dlen != 8)
		return false;
	*v = dlen == 4 ? xb_le32(desc) : xb_le64(desc);
	return true;
}

/* A string of a note that is only reported: up to its NUL or the end of
 * the descriptor, cut to fit dst (never an error). */
static void info_str(const uint8_t *desc, uint64_t dlen, char *dst,
		     size_t dsize)
{
	size_t scan = dlen < dsize - 1 ? (size_t)dlen : dsize - 1;
	const uint8_t *nul = memchr(desc, 0, scan);
	size_t slen = nul ? (size_t)(nul - desc) : scan;

	memcpy(dst, desc, slen);
	dst[slen] = '\0';
}

/* One note whose name is "Xen". */
static int xen_note(struct elf_ctx *c, uint32_t type, const uint8_t *desc,
		    uint64_t dlen, struct xen_notes *n)
{
	uint64_t v;
	int rc;

	c->xen_notes++;
	switch (type) {
	case XEN_ELFNOTE_ENTRY:
		n->has_entry = true;
		return note_num(c, type, desc, dlen, &n->entry);
	case XEN_ELFNOTE_HYPERCALL_PAGE:
		n->has_hypercall_page = true;
		return note_num(c, type, desc, dlen, &n->hypercall_page);
	case XEN_ELFNOTE_VIRT_BASE:
		n->has_virt_base = true;
		return note_num(c, type, desc, dlen, &n->virt_base);
	case XEN_ELFNOTE_PADDR_OFFSET:
		n->has_paddr_offset = true;
		return note_num(c, type, desc, dlen, &n->paddr_offset);
	case XEN_ELFNOTE_INIT_P2M:
		n->has_init_p2m = true;
		return note_num(c, type, desc, dlen, &n->init_p2m);
	case XEN_ELFNOTE_MOD_START_PFN:
		rc = note_num(c, type, desc, dlen, &v);
		n->mod_start_pfn = v != 0;
		return rc;
	case XEN_ELFNOTE_SUPPORTED_FEATURES:
		/* A bitmap of XENFEAT_* bits; only the first 32 are defined. */
		rc = note_num(c, type, desc, dlen, &v);
		n->feat_supported[0] |= (uint32_t)v;
		return rc;
	case XEN_ELFNOTE_XEN_VERSION:
		return note_str(c, type, desc, dlen, n->xen_version,
				sizeof(n->xen_version));
	case XEN_ELFNOTE_GUEST_OS:
		return note_str(c, type, desc, dlen, n->guest_os,
				sizeof(n->guest_os));
	case XEN_ELFNOTE_GUEST_VERSION:
		return note_str(c, type, desc, dlen, n->guest_version,
				sizeof(n->guest_version));
	case XEN_ELFNOTE_LOADER:
		return note_str(c, type, desc, dlen, n->loader,
				sizeof(n->loader));
	case XEN_ELFNOTE_PAE_MODE:
		return note_str(c, type, desc, dlen, n->pae_mode,
				sizeof(n->pae_mode));
	case XEN_ELFNOTE_FEATURES:
		rc = note_str(c, type, desc, dlen, n->features,
			      sizeof(n->features));
		return rc < 0 ? rc : parse_features(c, n->features, n);
	/* The rest do not change a PV build: recorded for inspect, never
	 * refused (info_num, info_str). */
	case XEN_ELFNOTE_HV_START_LOW:
		n->has_hv_start_low = info_num(desc, dlen, &n->hv_start_low);
		return 0;
	case XEN_ELFNOTE_SUSPEND_CANCEL:
		n->has_suspend_cancel =
			info_num(desc, dlen, &n->suspend_cancel);
		return 0;
	case XEN_ELFNOTE_PHYS32_ENTRY:
		/* Linux has written it as 4 and as 8 bytes. */
		n->has_phys32_entry = info_num(desc, dlen, &n->phys32_entry);
		return 0;
	case XEN_ELFNOTE_L1_MFN_VALID: {
		/* maddr_t-sized (8-byte) mask/value pairs; 4-byte words in
		 * a note whose size allows only those. */
		uint64_t w = dlen && dlen % 16 == 0 ? 8 :
			     dlen && dlen % 8 == 0  ? 4 :
						      0;

		if (!w)
			return 0;
		n->l1_mfn_valid[0] = w == 8 ? xb_le64(desc) : xb_le32(desc);
		n->l1_mfn_valid[1] = w == 8 ? xb_le64(desc + 8) :
					      xb_le32(desc + 4);
		n->l1_mfn_valid_pairs = (unsigned)(dlen / (2 * w) > UINT32_MAX ?
							   UINT32_MAX :
							   dlen / (2 * w));
		n->has_l1_mfn_valid = true;
		return 0;
	}
	case XEN_ELFNOTE_BSD_SYMTAB:
		info_str(desc, dlen, n->bsd_symtab, sizeof(n->bsd_symtab));
		return 0;
	case XEN_ELFNOTE_INFO:
		info_str(desc, dlen, n->info, sizeof(n->info));
		return 0;
	default:
		/* Anything newer than xen/elfnote.h. */
		if (n->nr_other < XB_ARRAY_SIZE(n->other_types))
			n->other_types[n->nr_other] = type;
		if (n->nr_other < UINT32_MAX)
			n->nr_other++;
		return 0;
	}
}

static bool note_is_string(uint32_t type)
{
	return type == XEN_ELFNOTE_XEN_VERSION ||
	       type == XEN_ELFNOTE_GUEST_OS ||
	       type == XEN_ELFNOTE_GUEST_VERSION ||
	       type == XEN_ELFNOTE_LOADER || type == XEN_ELFNOTE_PAE_MODE ||
	       type == XEN_ELFNOTE_FEATURES;
}

/*
 * Walk the notes in b[off, off+len) (range already checked against the
 * file).  Name and descriptor are padded to 4 bytes whatever the class and
 * the container's alignment, as Xen's own loader (libelf) reads them:
 * GRUB's PV images put 4-aligned notes in a PT_NOTE with p_align 8.  A note
 * that does not fit is an error; fewer than 12 trailing bytes are padding.
 */
static int walk_notes(struct elf_ctx *c, uint64_t off, uint64_t len,
		      const char *what, unsigned idx, struct xen_notes *n)
{
	const uint8_t *p = c->b + off;
	const uint64_t a = 4;
	uint64_t pos = 0;
	unsigned k;

	for (k = 0; len - pos >= 12; k++) {
		uint32_t namesz = xb_le32(p + pos),
			 descsz = xb_le32(p + pos + 4);
		uint32_t type = xb_le32(p + pos + 8);
		uint64_t name_off = pos + 12;
		uint64_t desc_off = name_off + ((namesz + a - 1) & ~(a - 1));
		uint64_t next = desc_off + ((descsz + a - 1) & ~(a - 1));
		int rc;

		if (++c->notes_walked > ELF_MAX_NOTES)
			return xb_fail(c->e, XB_EINPUT,
				       "%s: ELF: more than %u notes", c->name,
				       ELF_MAX_NOTES);
		/* No overflow: all terms are < 2^34 and len < 2^64. */
		if (desc_off > len || descsz > len - desc_off) {
			/* One exception, for a file cut short inside its last
			 * note: a container that ends the file may end in a
			 * string note whose NUL is present.  libelf reads
			 * strings up to their NUL, and GRUB's i386 PV image
			 * ends so in its PAE_MODE note ("yes\0" of descsz 12).
			 * The string is read to its NUL, nothing after it. */
			uint64_t fdesc = off + desc_off;
			const uint8_t *nul = NULL;

			if (off + len == c->len && namesz == 4 &&
			    desc_off <= len && fdesc < c->len &&
			    !memcmp(p + name_off, "Xen", 4) &&
			    note_is_string(type))
				nul = memchr(c->b + fdesc, 0,
					     (size_t)(c->len - fdesc < descsz ?
							      c->len - fdesc :
							      descsz));
			if (!nul)
				return xb_fail(
					c->e, XB_EINPUT,
					"%s: ELF: %s %u: note %u (namesz %u, descsz %u) runs past the end of its container (%llu bytes)",
					c->name, what, idx, k, namesz, descsz,
					(unsigned long long)len);
			return xen_note(c, type, c->b + fdesc,
					(uint64_t)(nul - (c->b + fdesc)) + 1,
					n);
		}
		if (namesz == 4 && !memcmp(p + name_off, "Xen", 4)) {
			rc = xen_note(c, type, p + desc_off, descsz, n);
			if (rc < 0)
				return rc;
		}
		if (next >= len)
			break;
		pos = next;
	}
	return 0;
}

static int notes_from_phdrs(struct elf_ctx *c, struct xen_notes *n)
{
	for (unsigned i = 0; i < c->eh.phnum; i++) {
		struct phdr ph;
		int rc;

		read_phdr(c, i, &ph);
		if (ph.type != PT_NOTE)
			continue;
		if (!xb_range_ok(ph.offset, ph.filesz, c->len))
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: program header %u: PT_NOTE range 0x%llx+0x%llx past end of file (%llu bytes)",
				c->name, i, (unsigned long long)ph.offset,
				(unsigned long long)ph.filesz,
				(unsigned long long)c->len);
		rc = walk_notes(c, ph.offset, ph.filesz, "program header", i,
				n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int notes_from_shdrs(struct elf_ctx *c, unsigned nsh,
			    struct xen_notes *n)
{
	for (unsigned i = 0; i < nsh; i++) {
		struct shdr sh;
		int rc;

		read_shdr(c, i, &sh);
		if (sh.type != SHT_NOTE)
			continue;
		rc = check_shdr_range(c, i, &sh);
		if (rc < 0)
			return rc;
		rc = walk_notes(c, sh.offset, sh.size, "section", i, n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Strict number: decimal, or hex with 0x; the whole of s[0, len). */
static bool parse_u64(const char *s, size_t len, uint64_t *v)
{
	unsigned base = 10;
	uint64_t r = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return false;
		if (xb_mul_ovf(r, base, &r) || xb_add_ovf(r, d, &r))
			return false;
	}
	*v = r;
	return true;
}

/* Copy a value of the legacy string into a fixed field. */
static int legacy_str(struct elf_ctx *c, const char *key, const char *v,
		      size_t vlen, char *dst, size_t dsize)
{
	if (vlen >= dsize)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: __xen_guest: %s value too long (%zu bytes, max %zu)",
			c->name, key, vlen, dsize - 1);
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
	return 0;
}

/*
 * The legacy "__xen_guest" section: one NUL-terminated string of
 * comma-separated KEY=VALUE pairs (the pre-3.0.3 interface; elfnote.h lists
 * the legacy name of each note).  Numbers are strict: decimal or 0x hex.
 */
static int notes_from_legacy(struct elf_ctx *c, unsigned nsh,
			     struct xen_notes *n, bool *found)
{
	struct shdr strtab, sh;
	const char *s;
	size_t slen;
	int rc;

	*found = false;
	if (nsh == 0 || c->eh.shstrndx >= nsh)
		return 0;
	read_shdr(c, c->eh.shstrndx, &strtab);
	if (strtab.type != SHT_STRTAB)
		return 0;
	rc = check_shdr_range(c, c->eh.shstrndx, &strtab);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < nsh; i++) {
		static const char want[] = "__xen_guest";

		read_shdr(c, i, &sh);
		if (sh.type == SHT_NOBITS || sh.type == SHT_NULL ||
		    sh.name >= strtab.size ||
		    strtab.size - sh.name < sizeof(want) ||
		    memcmp(c->b + strtab.offset + sh.name, want, sizeof(want)))
			continue;
		rc = check_shdr_range(c, i, &sh);
		if (rc < 0)
			return rc;
		*found = true;
		break;
	}
	if (!*found)
		return 0;

	s = (const char *)c->b + sh.offset;
	slen = strnlen(s, (size_t)sh.size);
	if (slen == sh.size)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: __xen_guest: string not NUL-terminated (section size %llu)",
			c->name, (unsigned long long)sh.size);

	for (size_t pos = 0; pos < slen;) {
		const char *item = s + pos,
			   *comma = memchr(item, ',', slen - pos);
		size_t ilen = comma ? (size_t)(comma - item) : slen - pos;
		const char *eq = memchr(item, '=', ilen);
		size_t klen = eq ? (size_t)(eq - item) : ilen;
		const char *v = eq ? eq + 1 : item + ilen;
		size_t vlen = eq ? ilen - klen - 1 : 0;
		uint64_t num = 0;
		bool isnum = parse_u64(v, vlen, &num);

		rc = 0;

#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(item, k, klen))
#define NUM(k, has, field)                                                       \
	do {                                                                     \
		if (!isnum)                                                      \
			return xb_fail(                                          \
				c->e, XB_EINPUT,                                 \
				"%s: ELF: __xen_guest: %s: bad number \"%.*s\"", \
				c->name, k, (int)(vlen > 32 ? 32 : vlen), v);    \
		n->has = true;                                                   \
		n->field = num;                                                  \
	} while (0)

		if (KEY("GUEST_OS"))
			rc = legacy_str(c, "GUEST_OS", v, vlen, n->guest_os,
					sizeof(n->guest_os));
		else if (KEY("GUEST_VER"))
			rc = legacy_str(c, "GUEST_VER", v, vlen,
					n->guest_version,
					sizeof(n->guest_version));
		else if (KEY("XEN_VER"))
			rc = legacy_str(c, "XEN_VER", v, vlen, n->xen_version,
					sizeof(n->xen_version));
		else if (KEY("LOADER"))
			rc = legacy_str(c, "LOADER", v, vlen, n->loader,
					sizeof(n->loader));
		else if (KEY("PAE"))
			rc = legacy_str(c, "PAE", v, vlen, n->pae_mode,
					sizeof(n->pae_mode));
		else if (KEY("FEATURES")) {
			rc = legacy_str(c, "FEATURES", v, vlen, n->features,
					sizeof(n->features));
			if (rc == 0)
				rc = parse_features(c, n->features, n);
		} else if (KEY("VIRT_BASE"))
			NUM("VIRT_BASE", has_virt_base, virt_base);
		else if (KEY("VIRT_ENTRY"))
			NUM("VIRT_ENTRY", has_entry, entry);
		else if (KEY("ELF_PADDR_OFFSET"))
			NUM("ELF_PADDR_OFFSET", has_paddr_offset, paddr_offset);
		else if (KEY("HYPERCALL_PAGE")) {
			/* A page number relative to VIRT_BASE, resolved once
			 * every key is known (they may come in any order). */
			NUM("HYPERCALL_PAGE", has_hypercall_page,
			    hypercall_page);
			c->legacy_hypercall_pfn = true;
		}
		/* Other keys (BSD_SYMTAB, ...) do not change a PV build. */
#undef KEY
#undef NUM
		if (rc < 0)
			return rc;
		c->xen_notes++;
		pos += ilen + (comma != NULL);
	}
	return 0;
}

/* Find the Xen notes: PT_NOTE, else SHT_NOTE, else __xen_guest.  nsh is
 * the number of (range-checked) section headers. */
static int find_notes(struct elf_ctx *c, unsigned nsh, struct xen_notes *n)
{
	bool legacy;
	int rc;

	memset(n, 0, sizeof(*n));
	c->xen_notes = 0;
	rc = notes_from_phdrs(c, n);
	if (rc < 0)
		return rc;
	if (c->xen_notes) {
		n->source = "PT_NOTE";
		return 0;
	}
	memset(n, 0, sizeof(*n));
	rc = notes_from_shdrs(c, nsh, n);
	if (rc < 0)
		return rc;
	if (c->xen_notes) {
		n->source = "SHT_NOTE";
		return 0;
	}
	memset(n, 0, sizeof(*n));
	rc = notes_from_legacy(c, nsh, n, &legacy);
	if (rc < 0)
		return rc;
	if (legacy) {
		n->source = "__xen_guest";
		return 0;
	}
	return xb_fail(c->e, XB_EINPUT,
		       "%s: not a Xen PV kernel (no Xen ELF notes)", c->name);
}

/* ---- segments ---- */

static int read_segments(struct elf_ctx *c, struct kernel_image *img)
{
	unsigned nload = 0;
	unsigned idx[XB_MAX_SEGS];

	img->nsegs = 0;
	for (unsigned i = 0; i < c->eh.phnum; i++) {
		struct phdr ph;
		uint64_t end;

		read_phdr(c, i, &ph);
		if (ph.type != PT_LOAD)
			continue;
		if (ph.filesz > ph.memsz)
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: program header %u: p_filesz 0x%llx > p_memsz 0x%llx",
				c->name, i, (unsigned long long)ph.filesz,
				(unsigned long long)ph.memsz);
		if (!c->prefix && !xb_range_ok(ph.offset, ph.filesz, c->len))
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: program header %u: file range 0x%llx+0x%llx past end of file (%llu bytes)",
				c->name, i, (unsigned long long)ph.offset,
				(unsigned long long)ph.filesz,
				(unsigned long long)c->len);
		if (xb_add_ovf(ph.paddr, ph.memsz, &end) ||
		    (!c->eh.is64 && end > UINT32_MAX + 1ULL))
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: program header %u: p_paddr 0x%llx + p_memsz 0x%llx wraps",
				c->name, i, (unsigned long long)ph.paddr,
				(unsigned long long)ph.memsz);
		if (ph.memsz == 0)
			continue; /* loads nothing */
		if (nload == XB_MAX_SEGS) {
			unsigned total = nload;

			for (unsigned j = i; j < c->eh.phnum; j++) {
				read_phdr(c, j, &ph);
				total += ph.type == PT_LOAD && ph.memsz;
			}
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: too many PT_LOAD segments (%u > %d)",
				c->name, total, XB_MAX_SEGS);
		}
		/* Segments are loaded by p_paddr: they must not overlap. */
		for (unsigned k = 0; k < nload; k++) {
			const struct kernel_seg *o = &img->segs[k];

			if (ph.paddr < o->paddr + o->memsz && o->paddr < end)
				return xb_fail(
					c->e, XB_EINPUT,
					"%s: ELF: program headers %u and %u overlap (p_paddr 0x%llx+0x%llx and 0x%llx+0x%llx)",
					c->name, idx[k], i,
					(unsigned long long)o->paddr,
					(unsigned long long)o->memsz,
					(unsigned long long)ph.paddr,
					(unsigned long long)ph.memsz);
		}
		idx[nload] = i;
		img->segs[nload] = (struct kernel_seg){
			.paddr = ph.paddr,
			.vaddr = ph.vaddr,
			.offset = ph.offset,
			.filesz = ph.filesz,
			.memsz = ph.memsz,
			.flags = ph.flags,
		};
		if (nload == 0 || ph.paddr < img->pstart)
			img->pstart = ph.paddr;
		if (nload == 0 || end > img->pend)
			img->pend = end;
		nload++;
	}
	if (!nload)
		return xb_fail(c->e, XB_EINPUT, "%s: ELF: no PT_LOAD segments",
			       c->name);
	img->nsegs = nload;
	return 0;
}

/* ---- acceptance rules ---- */

static int check_notes(struct elf_ctx *c, struct kernel_image *img)
{
	const struct xen_notes *n = &img->notes;

	if (strcmp(n->xen_version, "xen-3.0"))
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: Xen note XEN_VERSION is \"%s\" (want \"xen-3.0\")",
			c->name, n->xen_version);
	/* libelf compares prefixes here. */
	if (strncmp(n->loader, "generic", 7) &&
	    strncmp(n->guest_os, "linux", 5))
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: Xen notes: neither LOADER \"generic\" nor GUEST_OS \"linux\" (LOADER \"%s\", GUEST_OS \"%s\")",
			c->name, n->loader, n->guest_os);
	if (c->eh.is64) {
		img->guest = XB_GUEST_X86_64;
		return 0;
	}
	/* 32-bit PV exists only with PAE.  "yes" implies extended-cr3 for
	 * notes; the legacy string says "yes[extended-cr3]"; "bimodal" and
	 * "yes,bimodal" kernels run PAE too (elfnote.h). */
	if (!strncmp(n->pae_mode, "yes", 3) || strstr(n->pae_mode, "bimodal") ||
	    !strcmp(n->pae_mode, "extended-cr3")) {
		img->guest = XB_GUEST_X86_32P;
		return 0;
	}
	return xb_fail(
		c->e, XB_EINPUT,
		"%s: ELF: 32-bit kernel without PAE (PAE_MODE \"%s\"): only PAE 32-bit PV guests exist",
		c->name, n->pae_mode);
}

#define HX(v) ((unsigned long long)(v))

static int check_addresses(struct elf_ctx *c, struct kernel_image *img)
{
	struct xen_notes *n = &img->notes;
	uint64_t off, hc;
	bool neg;

	if (n->has_paddr_offset && !n->has_virt_base)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: Xen notes: PADDR_OFFSET (0x%llx) set but VIRT_BASE not",
			c->name, HX(n->paddr_offset));
	img->virt_base = n->has_virt_base ? n->virt_base : 0;
	if (img->virt_base & XB_PAGE_MASK)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: Xen note VIRT_BASE 0x%llx is not page aligned",
			c->name, HX(img->virt_base));
	/* Old (__xen_guest) kernels have physical addresses equal to virtual
	 * ones unless they say otherwise. */
	if (n->has_paddr_offset)
		img->paddr_offset = n->paddr_offset;
	else
		img->paddr_offset =
			strcmp(n->source, "__xen_guest") ? 0 : img->virt_base;

	/* virt = paddr + (virt_base - paddr_offset), the difference taken
	 * with its sign so that no intermediate wraps. */
	neg = img->paddr_offset > img->virt_base;
	off = neg ? img->paddr_offset - img->virt_base :
		    img->virt_base - img->paddr_offset;
	if (neg ? xb_sub_ovf(img->pstart, off, &img->virt_kstart) ||
			    xb_sub_ovf(img->pend, off, &img->virt_kend) :
		  xb_add_ovf(img->pstart, off, &img->virt_kstart) ||
			    xb_add_ovf(img->pend, off, &img->virt_kend))
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: kernel range 0x%llx-0x%llx + VIRT_BASE 0x%llx - PADDR_OFFSET 0x%llx wraps",
			c->name, HX(img->pstart), HX(img->pend),
			HX(img->virt_base), HX(img->paddr_offset));
	if (!c->eh.is64 && img->virt_kend > UINT32_MAX + 1ULL)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: 32-bit kernel ends at 0x%llx, above 4 GiB",
			c->name, HX(img->virt_kend));
	img->virt_entry = n->has_entry ? n->entry : c->eh.entry;

	if (img->virt_base > img->virt_kstart)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: kernel start 0x%llx below VIRT_BASE 0x%llx",
			c->name, HX(img->virt_kstart), HX(img->virt_base));
	if (img->virt_entry < img->virt_kstart ||
	    img->virt_entry >= img->virt_kend)
		return xb_fail(
			c->e, XB_EINPUT,
			"%s: ELF: entry 0x%llx outside the kernel 0x%llx-0x%llx",
			c->name, HX(img->virt_entry), HX(img->virt_kstart),
			HX(img->virt_kend));

	img->virt_hypercall = XB_UNSET;
	if (n->has_hypercall_page) {
		hc = n->hypercall_page;
		if (c->legacy_hypercall_pfn &&
		    (hc > (UINT64_MAX >> XB_PAGE_SHIFT) ||
		     xb_add_ovf(hc << XB_PAGE_SHIFT, img->virt_base, &hc)))
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: __xen_guest: HYPERCALL_PAGE 0x%llx + VIRT_BASE wraps",
				c->name, HX(n->hypercall_page));
		if (hc & XB_PAGE_MASK)
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: Xen note HYPERCALL_PAGE 0x%llx is not page aligned",
				c->name, HX(hc));
		if (hc < img->virt_kstart || hc >= img->virt_kend)
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: Xen note HYPERCALL_PAGE 0x%llx outside the kernel 0x%llx-0x%llx",
				c->name, HX(hc), HX(img->virt_kstart),
				HX(img->virt_kend));
		/* Xen writes a whole page of stubs there. */
		if (img->virt_kend - hc < XB_PAGE_SIZE)
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: Xen note HYPERCALL_PAGE 0x%llx: the page "
				"0x%llx-0x%llx is cut off by the end of the kernel at "
				"0x%llx (%llu bytes of it past the last segment)",
				c->name, HX(hc), HX(hc), HX(hc + XB_PAGE_SIZE),
				HX(img->virt_kend),
				HX(hc + XB_PAGE_SIZE - img->virt_kend));
		img->virt_hypercall = hc;
		n->hypercall_page = hc; /* the address, whatever the source */
	}

	img->p2m_base = XB_UNSET;
	if (n->has_init_p2m) {
		if (n->init_p2m >= img->virt_kstart &&
		    n->init_p2m < img->virt_kend)
			return xb_fail(
				c->e, XB_EINPUT,
				"%s: ELF: Xen note INIT_P2M 0x%llx inside the kernel 0x%llx-0x%llx",
				c->name, HX(n->init_p2m), HX(img->virt_kstart),
				HX(img->virt_kend));
		img->p2m_base = n->init_p2m;
	}
	return 0;
}

int elf_parse(const char *name, struct kernel_image *img, struct xb_err *e)
{
	struct elf_ctx c = { .name = name,
			     .b = img->elf,
			     .len = img->elf_len,
			     .e = e };
	unsigned nsh;
	int rc;

	rc = read_ehdr(&c);
	if (rc < 0)
		return rc;
	rc = check_shdrs(&c, &nsh);
	if (rc < 0)
		return rc;
	img->elf_class = c.eh.is64 ? 64 : 32;
	img->machine = c.eh.machine;
	rc = read_segments(&c, img);
	if (rc < 0)
		return rc;
	rc = find_notes(&c, nsh, &img->notes);
	if (rc < 0)
		return rc;
	rc = check_notes(&c, img);
	if (rc < 0)
		return rc;
	return check_addresses(&c, img);
}

int elf_head(const char *name, const uint8_t *buf, size_t len,
	     struct kernel_image *img, struct elf_head *h, struct xb_err *e)
{
	struct elf_ctx c = { .name = name,
			     .b = buf,
			     .len = len,
			     .e = e,
			     .prefix = true };
	int rc;

	memset(h, 0, sizeof(*h));
	if ((rc = read_ehdr(&c)) < 0 || (rc = read_segments(&c, img)) < 0)
		return rc;
	img->elf_class = c.eh.is64 ? 64 : 32;
	img->machine = c.eh.machine;
	/* What the notes will say: 64-bit is x86_64; 32-bit must be PAE,
	 * which check_notes enforces once the notes are there. */
	img->guest = c.eh.is64 ? XB_GUEST_X86_64 : XB_GUEST_X86_32P;
	h->end = c.eh.phoff + (uint64_t)c.eh.phnum * c.eh.phentsize;
	for (unsigned i = 0; i < c.eh.phnum; i++) {
		struct phdr ph;

		read_phdr(&c, i, &ph);
		if (ph.type != PT_NOTE || ph.filesz == 0)
			continue;
		if (h->nnotes == XB_MAX_SEGS)
			return xb_fail(e, XB_EINPUT,
				       "%s: ELF: more than %d PT_NOTE segments",
				       name, XB_MAX_SEGS);
		if (xb_add_ovf(ph.offset, ph.filesz, &h->notes[h->nnotes].end))
			return xb_fail(
				e, XB_EINPUT,
				"%s: ELF: program header %u: PT_NOTE range 0x%llx+0x%llx wraps",
				name, i, (unsigned long long)ph.offset,
				(unsigned long long)ph.filesz);
		h->notes[h->nnotes++].off = ph.offset;
	}
	return 0;
}
