/* elfgen.c - see elfgen.h. */
#include "elfgen.h"

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/elfnote.h>

/* ---- Xen note blobs ---- */

void eg_note_raw(struct eg_notes *n, const char *name, uint32_t type,
		 const void *desc, uint32_t dlen)
{
	uint32_t nlen = (uint32_t)strlen(name) + 1;
	size_t at = n->len;

	if (at + 12 + ((nlen + 3) & ~3u) + ((dlen + 3ull) & ~3ull) >
	    sizeof(n->b))
		abort();
	eg_put32(n->b + at, nlen);
	eg_put32(n->b + at + 4, dlen);
	eg_put32(n->b + at + 8, type);
	at += 12;
	memset(n->b + at, n->pad, (nlen + 3) & ~3u);
	memcpy(n->b + at, name, nlen);
	at += (nlen + 3) & ~3u;
	memset(n->b + at, n->pad, (dlen + 3) & ~3u);
	memcpy(n->b + at, desc, dlen);
	n->len = at + ((dlen + 3) & ~3u);
}

void eg_note_str(struct eg_notes *n, uint32_t type, const char *s)
{
	eg_note_raw(n, "Xen", type, s, (uint32_t)strlen(s) + 1);
}

void eg_note_u32(struct eg_notes *n, uint32_t type, uint32_t v)
{
	uint8_t d[4];

	eg_put32(d, v);
	eg_note_raw(n, "Xen", type, d, 4);
}

void eg_note_u64(struct eg_notes *n, uint32_t type, uint64_t v)
{
	uint8_t d[8];

	eg_put64(d, v);
	eg_note_raw(n, "Xen", type, d, 8);
}

void eg_notes_linux64(struct eg_notes *n)
{
	eg_note_raw(n, "GNU", 3, "buildid!", 8); /* ignored: not "Xen" */
	eg_note_str(n, XEN_ELFNOTE_GUEST_OS, "linux");
	eg_note_str(n, XEN_ELFNOTE_GUEST_VERSION, "2.6");
	eg_note_str(n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	eg_note_u64(n, XEN_ELFNOTE_VIRT_BASE, EG_VB64);
	eg_note_u64(n, XEN_ELFNOTE_PADDR_OFFSET, 0);
	eg_note_u64(n, XEN_ELFNOTE_ENTRY, EG_KSTART + 0x10);
	eg_note_u64(n, XEN_ELFNOTE_HYPERCALL_PAGE, EG_KSTART + 0x1000);
	eg_note_str(n, XEN_ELFNOTE_FEATURES,
		    "!writable_page_tables|pae_pgdir_above_4gb");
	eg_note_u32(n, XEN_ELFNOTE_SUPPORTED_FEATURES, (1u << 0) | (1u << 11));
	eg_note_str(n, XEN_ELFNOTE_PAE_MODE, "yes");
	eg_note_str(n, XEN_ELFNOTE_LOADER, "generic");
	eg_note_u32(n, XEN_ELFNOTE_SUSPEND_CANCEL, 1);
	eg_note_u64(n, XEN_ELFNOTE_INIT_P2M, 0x8000000000ULL);
	eg_note_u32(n, XEN_ELFNOTE_MOD_START_PFN, 1);
}

/* ---- ELF images ---- */

static const char shstr[] = "\0.shstrtab\0.note.Xen\0__xen_guest";

int eg_elf_build(const struct eg_elf *s, struct eg_out *o)
{
	size_t eh = s->is64 ? 64 : 52, phe = s->is64 ? 56 : 32,
	       she = s->is64 ? 64 : 40;
	unsigned nph = s->nsegs + (s->where == EG_PHDR);
	size_t pos, cap;
	uint8_t *b;
	size_t shstr_off = 0, data_off = 0, data_len = 0;
	unsigned nsh = 0;

	memset(o, 0, sizeof(*o));
	if (s->nsegs > EG_MAX_SEGS)
		return -1;
	/* an upper bound of what is written below */
	cap = eh + nph * phe + 8 + sizeof(shstr) + 8 + 3 * she;
	if (s->where == EG_PHDR || s->where == EG_SHDR)
		cap += s->notes->len;
	if (s->where == EG_LEGACY)
		cap += strlen(s->legacy) + 1;
	for (unsigned i = 0; i < s->nsegs; i++)
		cap += 4095 + s->segs[i].filesz;
	b = calloc(1, cap);
	if (!b)
		return -1;
	o->b = b;
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = s->is64 ? ELFCLASS64 : ELFCLASS32;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	eg_put16(b + 16, ET_EXEC);
	eg_put16(b + 18, s->is64 ? EM_X86_64 : EM_386);
	eg_put32(b + 20, EV_CURRENT);
	o->phoff = eh;
	pos = eh + nph * phe;
	if (s->where == EG_PHDR || s->where == EG_SHDR) {
		pos = (pos + 7) & ~(size_t)7;
		o->note_off = pos;
		memcpy(b + pos, s->notes->b, s->notes->len);
		pos += s->notes->len;
	}
	for (unsigned i = 0; i < s->nsegs; i++) {
		pos = (pos + 15) & ~(size_t)15;
		if (s->congruent)
			pos += (s->segs[i].paddr - pos) & 4095;
		o->seg_off[i] = pos;
		for (uint64_t k = 0; k < s->segs[i].filesz; k++)
			b[pos + k] = eg_seg_byte(i, k);
		pos += s->segs[i].filesz;
	}
	/* program headers */
	for (unsigned i = 0; i < nph; i++) {
		uint8_t *p = b + eh + i * phe;
		uint32_t type = PT_NOTE, flags = PF_R;
		uint64_t off, va = 0, pa = 0, fsz, msz, al = 4;

		if (i < s->nsegs) {
			const struct eg_seg *g = &s->segs[i];

			type = g->type ? g->type : PT_LOAD;
			flags = g->flags;
			off = o->seg_off[i];
			va = g->vaddr;
			pa = g->paddr;
			fsz = g->filesz;
			msz = g->memsz;
			al = 0x1000;
		} else {
			off = o->note_off;
			fsz = msz = s->notes->len;
		}
		eg_put32(p, type);
		if (s->is64) {
			eg_put32(p + 4, flags);
			eg_put64(p + 8, off);
			eg_put64(p + 16, va);
			eg_put64(p + 24, pa);
			eg_put64(p + 32, fsz);
			eg_put64(p + 40, msz);
			eg_put64(p + 48, al);
		} else {
			eg_put32(p + 4, (uint32_t)off);
			eg_put32(p + 8, (uint32_t)va);
			eg_put32(p + 12, (uint32_t)pa);
			eg_put32(p + 16, (uint32_t)fsz);
			eg_put32(p + 20, (uint32_t)msz);
			eg_put32(p + 24, flags);
			eg_put32(p + 28, (uint32_t)al);
		}
	}
	/* sections */
	if (s->where == EG_SHDR || s->where == EG_LEGACY) {
		shstr_off = pos;
		memcpy(b + pos, shstr, sizeof(shstr));
		pos += sizeof(shstr);
		if (s->where == EG_SHDR) {
			data_off = o->note_off;
			data_len = s->notes->len;
		} else {
			data_off = pos;
			data_len = strlen(s->legacy) + 1;
			memcpy(b + pos, s->legacy, data_len);
			pos += data_len;
		}
		pos = (pos + 7) & ~(size_t)7;
		nsh = 3;
		for (unsigned i = 0; i < nsh; i++) {
			uint8_t *p = b + pos + i * she;
			uint32_t name = 0, type = SHT_NULL;
			uint64_t off = 0, size = 0;

			if (i == 1) {
				name = 1;
				type = SHT_STRTAB;
				off = shstr_off;
				size = sizeof(shstr);
			} else if (i == 2) {
				name = s->where == EG_SHDR ? 11 : 21;
				type = s->where == EG_SHDR ? SHT_NOTE :
							     SHT_PROGBITS;
				off = data_off;
				size = data_len;
			}
			eg_put32(p, name);
			eg_put32(p + 4, type);
			if (s->is64) {
				eg_put64(p + 24, off);
				eg_put64(p + 32, size);
				eg_put64(p + 48, 4);
			} else {
				eg_put32(p + 16, (uint32_t)off);
				eg_put32(p + 20, (uint32_t)size);
				eg_put32(p + 32, 4);
			}
		}
	}
	/* ELF header words */
	if (s->is64) {
		eg_put64(b + 24, s->entry);
		eg_put64(b + 32, o->phoff);
		eg_put64(b + 40, nsh ? pos : 0);
		eg_put16(b + 52, 64);
		eg_put16(b + 54, 56);
		eg_put16(b + 56, (uint16_t)nph);
		eg_put16(b + 58, 64);
		eg_put16(b + 60, (uint16_t)nsh);
		eg_put16(b + 62, nsh ? 1 : 0);
	} else {
		eg_put32(b + 24, (uint32_t)s->entry);
		eg_put32(b + 28, (uint32_t)o->phoff);
		eg_put32(b + 32, nsh ? (uint32_t)pos : 0);
		eg_put16(b + 40, 52);
		eg_put16(b + 42, 32);
		eg_put16(b + 44, (uint16_t)nph);
		eg_put16(b + 46, 40);
		eg_put16(b + 48, (uint16_t)nsh);
		eg_put16(b + 50, nsh ? 1 : 0);
	}
	o->len = pos + nsh * she;
	return 0;
}

void eg_elf_linux64(struct eg_elf *s, const struct eg_notes *n, enum eg_where w)
{
	memset(s, 0, sizeof(*s));
	s->is64 = true;
	s->entry = EG_KSTART + 0x20;
	s->segs[0] = (struct eg_seg){ EG_PSTART, EG_KSTART,   0x2000,
				      0x2000,	 PF_R | PF_X, 0 };
	s->segs[1] = (struct eg_seg){ EG_PSTART + 0x3000,
				      EG_KSTART + 0x3000,
				      0x100,
				      0x2000,
				      PF_R | PF_W,
				      0 };
	s->nsegs = 2;
	s->notes = n;
	s->where = w;
}

/* ---- the one-segment kernel ---- */

uint8_t *elfgen_build(const struct elfgen *g, size_t *len)
{
	uint64_t vaddr = g->virt_base + g->paddr;
	struct eg_notes n = { .len = 0 };
	struct eg_elf s = {
		.is64 = true,
		.entry = vaddr + g->entry_off,
		.segs = { { g->paddr + g->paddr_offset, vaddr, g->text_len,
			    g->text_len + g->bss_len, PF_R | PF_W | PF_X, 0 } },
		.nsegs = 1,
		.notes = &n,
		.where = EG_PHDR,
		.congruent = g->congruent,
	};
	struct eg_out o;

	eg_note_str(&n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	eg_note_str(&n, XEN_ELFNOTE_GUEST_OS,
		    g->guest_os ? g->guest_os : "linux");
	eg_note_str(&n, XEN_ELFNOTE_LOADER, "generic");
	eg_note_u64(&n, XEN_ELFNOTE_VIRT_BASE, g->virt_base);
	eg_note_u64(&n, XEN_ELFNOTE_PADDR_OFFSET, g->paddr_offset);
	eg_note_u64(&n, XEN_ELFNOTE_ENTRY, vaddr + g->entry_off);
	if (g->hypercall_page)
		eg_note_u64(&n, XEN_ELFNOTE_HYPERCALL_PAGE, vaddr + 0x1000);
	if (g->init_p2m)
		eg_note_u64(&n, XEN_ELFNOTE_INIT_P2M, g->init_p2m);
	if (g->mod_start_pfn)
		eg_note_u64(&n, XEN_ELFNOTE_MOD_START_PFN, 1);
	if (g->phys32_entry)
		eg_note_u32(&n, XEN_ELFNOTE_PHYS32_ENTRY,
			    (uint32_t)g->phys32_entry);
	if (eg_elf_build(&s, &o) < 0)
		return NULL;
	for (size_t i = g->zero_from;
	     i < g->text_len && i - g->zero_from < g->zero_len; i++)
		o.b[o.seg_off[0] + i] = 0;
	*len = o.len;
	return o.b;
}

/* ---- compression and bzImage ---- */

const struct eg_format eg_formats[] = {
	{ "gzip", "gzip -n -9 -c", false },
	{ "bzip2", "bzip2 -9 -c", true },
	{ "xz", "xz --check=crc32 -c", true },
	{ "lzma", "lzma -c", true },
	{ "lzo", "lzop -9 -c", true },
	{ "lz4", "lz4 -l -9 -q -c", true }, /* Linux's legacy frame */
	{ "zstd", "zstd -19 -q -c", true },
	{ NULL, NULL, false },
};

const struct eg_format *eg_format(const char *name)
{
	for (const struct eg_format *f = eg_formats; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

static uint8_t *read_all(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *b = malloc(cap), *nb;

	while (b && (got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			nb = realloc(b, cap *= 2);
			if (!nb)
				free(b);
			b = nb;
		}
	}
	if (b && ferror(f)) {
		free(b);
		b = NULL;
	}
	*len = n;
	return b;
}

uint8_t *eg_filter(const char *cmd, const uint8_t *in, size_t len,
		   size_t *out_len)
{
	char ip[] = "/tmp/xbtestXXXXXX", op[] = "/tmp/xbtestXXXXXX", sh[512];
	uint8_t *out = NULL;
	int fd = mkstemp(ip), fo = mkstemp(op);
	FILE *f;

	if (fd < 0 || fo < 0) {
		if (fd >= 0) {
			close(fd);
			unlink(ip);
		}
		if (fo >= 0) {
			close(fo);
			unlink(op);
		}
		return NULL;
	}
	close(fo);
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		goto out;
	}
	if (fwrite(in, 1, len, f) != len) {
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0)
		goto out;
	snprintf(sh, sizeof(sh), "%s < %s > %s 2>/dev/null", cmd, ip, op);
	if (system(sh) == 0 && (f = fopen(op, "rb"))) {
		out = read_all(f, out_len);
		fclose(f);
	}
out:
	unlink(ip);
	unlink(op);
	return out;
}

uint8_t *eg_bzimage(const uint8_t *payload, size_t plen, uint8_t setup_sects,
		    uint32_t payload_off, uint16_t version, size_t *len)
{
	size_t setup = (size_t)((setup_sects ? setup_sects : 4) + 1) * 512;
	uint8_t *b = calloc(1, setup + payload_off + plen);

	if (!b)
		return NULL;
	b[0x1f1] = setup_sects;
	eg_put16(b + 0x1fe, 0xaa55);
	memcpy(b + 0x202, "HdrS", 4);
	eg_put16(b + 0x206, version);
	eg_put32(b + 0x248, payload_off);
	eg_put32(b + 0x24c, (uint32_t)plen);
	if (plen)
		memcpy(b + setup + payload_off, payload, plen);
	*len = setup + payload_off + plen;
	return b;
}

uint8_t *eg_bzimage_of(const uint8_t *elf, size_t len,
		       const struct eg_format *fmt, size_t *out_len)
{
	size_t zlen;
	uint8_t *z = eg_filter(fmt->cmd, elf, len, &zlen), *nz, *bz;

	if (!z)
		return NULL;
	if (fmt->size_trailer) {
		nz = realloc(z, zlen + 4);
		if (!nz) {
			free(z);
			return NULL;
		}
		z = nz;
		eg_put32(z + zlen, (uint32_t)len);
		zlen += 4;
	}
	bz = eg_bzimage(z, zlen, 0, 0x100, 0x20f, out_len);
	free(z);
	return bz;
}
