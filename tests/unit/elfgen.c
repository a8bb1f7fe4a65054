/* elfgen.c - see elfgen.h. */
#include "elfgen.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include <xen/elfnote.h>

#define NOTES_OFF 0x200
#define DATA_OFF 0x1000

static size_t note(uint8_t *p, uint32_t type, const void *desc, uint32_t dlen)
{
	Elf64_Nhdr h = { .n_namesz = 4, .n_descsz = dlen, .n_type = type };

	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), "Xen", 4);
	memcpy(p + sizeof(h) + 4, desc, dlen);
	return sizeof(h) + 4 + ((dlen + 3) & ~3u);
}

static size_t note_u64(uint8_t *p, uint32_t type, uint64_t v)
{
	return note(p, type, &v, sizeof(v));
}

static size_t note_str(uint8_t *p, uint32_t type, const char *s)
{
	return note(p, type, s, (uint32_t)strlen(s) + 1);
}

uint8_t *elfgen_build(const struct elfgen *g, size_t *len)
{
	size_t total = DATA_OFF + g->text_len, n = 0;
	uint8_t *b = calloc(1, total), *notes;
	uint64_t vaddr = g->virt_base + g->paddr;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)b;
	Elf64_Phdr *ph;

	if (!b)
		return NULL;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = vaddr + g->entry_off;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 2;

	notes = b + NOTES_OFF;
	n += note_str(notes + n, XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
	n += note_str(notes + n, XEN_ELFNOTE_GUEST_OS, g->guest_os ? g->guest_os : "linux");
	n += note_str(notes + n, XEN_ELFNOTE_LOADER, "generic");
	n += note_u64(notes + n, XEN_ELFNOTE_VIRT_BASE, g->virt_base);
	n += note_u64(notes + n, XEN_ELFNOTE_PADDR_OFFSET, 0);
	n += note_u64(notes + n, XEN_ELFNOTE_ENTRY, vaddr + g->entry_off);
	if (g->hypercall_page)
		n += note_u64(notes + n, XEN_ELFNOTE_HYPERCALL_PAGE, vaddr + 0x1000);
	if (g->init_p2m)
		n += note_u64(notes + n, XEN_ELFNOTE_INIT_P2M, g->init_p2m);
	if (g->mod_start_pfn)
		n += note_u64(notes + n, XEN_ELFNOTE_MOD_START_PFN, 1);

	ph = (Elf64_Phdr *)(b + eh->e_phoff);
	ph[0].p_type = PT_LOAD;
	ph[0].p_flags = PF_R | PF_W | PF_X;
	ph[0].p_offset = DATA_OFF;
	ph[0].p_vaddr = vaddr;
	ph[0].p_paddr = g->paddr;
	ph[0].p_filesz = g->text_len;
	ph[0].p_memsz = g->text_len + g->bss_len;
	ph[0].p_align = 0x1000;
	ph[1].p_type = PT_NOTE;
	ph[1].p_flags = PF_R;
	ph[1].p_offset = NOTES_OFF;
	ph[1].p_filesz = n;
	ph[1].p_align = 4;
	for (size_t i = 0; i < g->text_len; i++)
		b[DATA_OFF + i] = elfgen_byte(i);
	*len = total;
	return b;
}
