/*
 * pvh.h - PVH guests: an HVM container entered at the kernel's 32-bit
 * physical entry point (XEN_ELFNOTE_PHYS32_ENTRY) with hvm_start_info in
 * ebx, no page tables, no p2m (DESIGN.md "PVH guests";
 * xen/arch-x86/hvm/start_info.h; docs/misc/pvh.pandoc).
 *
 * The layout is a pure function, like the PV one, and follows what
 * libxl/libxenguest 4.17 give a PVH guest, measured on real Xen (`xl
 * create -p`, tests/e2e pvh-compare):
 *   RAM from 0 up to the MMIO hole at 0xFC000000, the rest from 4 GiB;
 *   the kernel's segments at their physical addresses; hvm_start_info in
 *   the page(s) right after the kernel (its command line, a module list
 *   with room for two modules and their command lines, the memory map);
 *   the initrd page-aligned after that;
 *   eight special pages at gfns 0xFEFF8-0xFEFFF (paging, monitor and
 *   sharing rings, buffered ioreq, xenstore, ioreq, the identity page
 *   table, console), RESERVED in the memory map;
 *   ACPI tables, when there are some, from 0xFC001000 and the RSDP in the
 *   page after them, one ACPI entry each in the memory map.
 */
#ifndef XB_PVH_H
#define XB_PVH_H

#include "../config.h"
#include "../hv/hv.h"
#include "../loaders/loader.h"

#define PVH_MMIO_START 0xFC000000ULL /* start of the hole below 4 GiB */
#define PVH_4G (1ULL << 32)
#define PVH_SPECIAL_PFN 0xFEFF8ULL /* xenguest.h: 0xff000 - 8 */
#define PVH_NR_SPECIAL 8
/* The special pages, in the order of their pfns. */
enum pvh_special {
	PVH_SP_PAGING,
	PVH_SP_MONITOR,
	PVH_SP_SHARING,
	PVH_SP_BUFIOREQ,
	PVH_SP_XENSTORE,
	PVH_SP_IOREQ,
	PVH_SP_IDENT_PT,
	PVH_SP_CONSOLE,
};
#define PVH_ACPI_TABLES 0xFC001000ULL
#define PVH_RSDP_LEN 64 /* what the memory map reserves for the RSDP */
#define PVH_MAX_VCPUS 128 /* Xen's HVM_MAX_VCPUS */
/* hvm_start_info's module list: room for two modules and a 1 KiB command
 * line each, whatever the number of modules (as measured on xl). */
#define PVH_MODLIST_ROOM (2 * (32 + 1024))

/* The e820 types the memory map uses (start_info.h XEN_HVM_MEMMAP_TYPE_*). */
#define PVH_E820_RAM 1
#define PVH_E820_RESERVED 2
#define PVH_E820_ACPI 3

struct pvh_in {
	const struct kernel_image *k;
	bool has_initrd;
	uint64_t initrd_len; /* bytes to load, after any decompression */
	uint64_t memory_mb; /* guest RAM */
	bool has_cmdline;
	size_t cmdline_len; /* without its NUL */
	uint64_t acpi_len; /* bytes of ACPI tables; 0: none */
};

/* A range of gfns to populate. */
struct pvh_range {
	uint64_t pfn, pages;
};
#define PVH_MAX_RANGES 5

struct pvh_layout {
	uint64_t ram_pages; /* memory_mb in pages */
	uint64_t lowmem_end; /* RAM [0, lowmem_end) */
	uint64_t highmem_end; /* RAM [4 GiB, highmem_end); 0: none */
	uint64_t entry; /* PHYS32_ENTRY: vCPU 0's eip */
	uint64_t kernel_pfn, kernel_pages;
	/* hvm_start_info and what follows it in its pages. */
	uint64_t si_pfn, si_pages, si_paddr;
	uint64_t cmdline_paddr; /* 0: no command line */
	uint64_t cmdline_size; /* bytes reserved: length + NUL, to 8 */
	uint64_t modlist_paddr, memmap_paddr;
	bool has_initrd;
	uint64_t mod_pfn, mod_pages, mod_len;
	uint64_t end_pfn; /* first pfn after the loaded segments */
	struct hv_e820 memmap[HV_E820_MAX];
	unsigned nr_memmap;
	uint64_t special_pfn, store_pfn, console_pfn, ident_pt_pfn;
	bool has_acpi;
	uint64_t acpi_paddr, acpi_len, acpi_pages, rsdp_paddr;
	/* What to populate, in this order. */
	struct pvh_range ranges[PVH_MAX_RANGES];
	unsigned nr_ranges;
	uint64_t populated_pages; /* in all ranges */
};

/*
 * The layout of a PVH guest.  -XB_EINPUT with the numbers when the
 * kernel has no PVH entry, is not where PVH can load it, or memory is too
 * small.  The kernel's notes must have been parsed (kernel_parse).
 */
int pvh_layout_compute(const struct pvh_in *in, struct pvh_layout *l,
		       struct xb_err *e);

/* The paging pool libxl gives an HVM container, in bytes: 4 KiB per
 * (256 per vCPU + 1 per MiB of maximum memory with HAP, 2 with shadow). */
uint64_t pvh_paging_pool(unsigned max_vcpus, uint64_t maxmem_mb, bool hap);

/*
 * Write hvm_start_info (version 1), the command line, the module list and
 * the memory map into buf, the host view of the si_pages pages at si_pfn
 * (len bytes, zeroed here first).  cmdline may be NULL when the layout
 * has none.  -XB_EINTERNAL if buf is smaller than the layout says.
 */
int pvh_write_start_info(const struct pvh_layout *l, const char *cmdline,
			 void *buf, size_t len, struct xb_err *e);

/* The identity page table for a vCPU that runs with paging off where the
 * hardware needs paging on (VMX without unrestricted guest;
 * HVM_PARAM_IDENT_PT): 1024 4-MiB PSE entries mapping 4 GiB 1:1. */
void pvh_write_ident_pt(void *page);

#endif
