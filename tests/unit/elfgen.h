/*
 * elfgen.h - make small Xen PV ELF kernels in memory for tests: one
 * PT_LOAD segment with a known byte pattern, a PT_NOTE segment with the
 * Xen notes asked for.
 */
#ifndef XB_ELFGEN_H
#define XB_ELFGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elfgen {
	uint64_t virt_base;	/* VIRT_BASE note */
	uint64_t paddr;		/* p_paddr of the segment */
	uint64_t entry_off;	/* ENTRY = virt_base + paddr + entry_off */
	size_t text_len;	/* file bytes of the segment */
	size_t bss_len;		/* p_memsz - p_filesz */
	bool hypercall_page;	/* HYPERCALL_PAGE at the segment's 2nd page */
	uint64_t init_p2m;	/* INIT_P2M note when non-zero */
	bool mod_start_pfn;	/* MOD_START_PFN note */
	const char *guest_os;	/* default "linux" */
};

/* The pattern byte at offset i of the segment. */
static inline uint8_t elfgen_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* A malloc'd ELF64 image; *len receives its size. */
uint8_t *elfgen_build(const struct elfgen *g, size_t *len);

#endif
