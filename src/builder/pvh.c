/*
 * pvh.c - the PVH layout (pure) and the writers of what a PVH guest reads
 * at start of day: hvm_start_info with its command line, module list and
 * memory map (xen/arch-x86/hvm/start_info.h), and the identity page table.
 * The build steps that use them are in pvh_build.c.
 */
#include "pvh.h"

#include <inttypes.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

_Static_assert(sizeof(struct hvm_start_info) == 56, "hvm_start_info v1");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist entry");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap entry");

static uint64_t pages_of(uint64_t bytes)
{
	return (bytes + XB_PAGE_SIZE - 1) >> XB_PAGE_SHIFT;
}

uint64_t pvh_paging_pool(unsigned max_vcpus, uint64_t maxmem_mb, bool hap)
{
	return (256ULL * max_vcpus + (hap ? 1 : 2) * maxmem_mb)
	       << XB_PAGE_SHIFT;
}

static void memmap_add(struct pvh_layout *l, uint64_t addr, uint64_t size,
		       uint32_t type)
{
	l->memmap[l->nr_memmap++] = (struct hv_e820){ addr, size, type };
}

static void range_add(struct pvh_layout *l, uint64_t pfn, uint64_t pages)
{
	l->ranges[l->nr_ranges++] = (struct pvh_range){ pfn, pages };
	l->populated_pages += pages;
}

static int too_small(struct xb_err *e, const char *what, uint64_t end,
		     const struct pvh_layout *l)
{
	return xb_fail(e, XB_EINPUT,
		       "memory too small for a PVH guest: %s ends at %#" PRIx64
		       ", RAM below 4 GiB ends at %#" PRIx64 " (%" PRIu64
		       " MiB of memory)",
		       what, end, l->lowmem_end, l->ram_pages >> 8);
}

int pvh_layout_compute(const struct pvh_in *in, struct pvh_layout *l,
		       struct xb_err *e)
{
	const struct kernel_image *k = in->k;
	uint64_t ram, si_size, kend, end;

	memset(l, 0, sizeof(*l));
	if (!k->notes.has_phys32_entry)
		return xb_fail(e, XB_EINPUT,
			       "the kernel has no PVH entry (no "
			       "XEN_ELFNOTE_PHYS32_ENTRY note): it cannot "
			       "boot with type = \"pvh\"");
	l->entry = k->notes.phys32_entry;
	/* Segments load at their physical addresses (virt_base and
	 * paddr_offset do not apply); the kernel runs from there with
	 * paging off, so all of it lies below 4 GiB. */
	if (k->pstart & (XB_PAGE_SIZE - 1))
		return xb_fail(e, XB_EINPUT,
			       "PVH: the kernel's first segment (paddr %#" PRIx64
			       ") is not page aligned",
			       k->pstart);
	if (k->pend > PVH_MMIO_START || k->pend <= k->pstart)
		return xb_fail(e, XB_EINPUT,
			       "PVH: the kernel's segments [%#" PRIx64
			       ", %#" PRIx64 ") do not lie below the MMIO hole "
			       "at %#llx",
			       k->pstart, k->pend, PVH_MMIO_START);
	if (l->entry < k->pstart || l->entry >= k->pend)
		return xb_fail(e, XB_EINPUT,
			       "PVH: PHYS32_ENTRY %#" PRIx64
			       " is outside the kernel [%#" PRIx64 ", %#" PRIx64
			       ")",
			       l->entry, k->pstart, k->pend);
	if (in->memory_mb == 0 || in->memory_mb > XB_MEMORY_MAX_MB)
		return xb_fail(e, XB_EINPUT, "PVH: memory %" PRIu64 " MiB",
			       in->memory_mb);

	/* RAM: below the hole, the rest from 4 GiB. */
	l->ram_pages = in->memory_mb << (20 - XB_PAGE_SHIFT);
	ram = in->memory_mb << 20;
	l->lowmem_end = ram < PVH_MMIO_START ? ram : PVH_MMIO_START;
	if (ram > l->lowmem_end)
		l->highmem_end = PVH_4G + (ram - l->lowmem_end);

	/* The special pages and their roles. */
	l->special_pfn = PVH_SPECIAL_PFN;
	l->store_pfn = PVH_SPECIAL_PFN + PVH_SP_XENSTORE;
	l->console_pfn = PVH_SPECIAL_PFN + PVH_SP_CONSOLE;
	l->ident_pt_pfn = PVH_SPECIAL_PFN + PVH_SP_IDENT_PT;

	/* ACPI: tables from PVH_ACPI_TABLES, the RSDP in the page after. */
	if (in->acpi_len) {
		if (in->acpi_len > PVH_SPECIAL_PFN * XB_PAGE_SIZE -
					   PVH_ACPI_TABLES - XB_PAGE_SIZE)
			return xb_fail(e, XB_EINPUT,
				       "PVH: %" PRIu64
				       " bytes of ACPI tables do not fit",
				       in->acpi_len);
		l->has_acpi = true;
		l->acpi_paddr = PVH_ACPI_TABLES;
		l->acpi_len = in->acpi_len;
		l->acpi_pages = pages_of(in->acpi_len);
		l->rsdp_paddr =
			l->acpi_paddr + (l->acpi_pages << XB_PAGE_SHIFT);
	}

	/* The memory map, as xl orders it. */
	memmap_add(l, 0, l->lowmem_end, PVH_E820_RAM);
	memmap_add(l, PVH_SPECIAL_PFN << XB_PAGE_SHIFT,
		   PVH_NR_SPECIAL << XB_PAGE_SHIFT, PVH_E820_RESERVED);
	if (l->has_acpi) {
		memmap_add(l, l->rsdp_paddr, PVH_RSDP_LEN, PVH_E820_ACPI);
		memmap_add(l, l->acpi_paddr, l->acpi_pages << XB_PAGE_SHIFT,
			   PVH_E820_ACPI);
	}
	if (l->highmem_end)
		memmap_add(l, PVH_4G, l->highmem_end - PVH_4G, PVH_E820_RAM);

	/* The kernel at its physical addresses. */
	l->kernel_pfn = k->pstart >> XB_PAGE_SHIFT;
	l->kernel_pages = pages_of(k->pend - k->pstart);
	kend = (l->kernel_pfn + l->kernel_pages) << XB_PAGE_SHIFT;
	if (kend > l->lowmem_end)
		return too_small(e, "the kernel", kend, l);

	/* hvm_start_info in the pages after the kernel: the structure, the
	 * command line (NUL included, to 8 bytes), the module list's room,
	 * the memory map. */
	l->si_pfn = l->kernel_pfn + l->kernel_pages;
	l->si_paddr = l->si_pfn << XB_PAGE_SHIFT;
	if (in->has_cmdline) {
		if (in->cmdline_len >= XB_CMDLINE_MAX)
			return xb_fail(e, XB_EINPUT,
				       "PVH: command line of %zu bytes",
				       in->cmdline_len);
		l->cmdline_size = (in->cmdline_len + 1 + 7) & ~7ULL;
		l->cmdline_paddr = l->si_paddr + sizeof(struct hvm_start_info);
	}
	l->modlist_paddr =
		l->si_paddr + sizeof(struct hvm_start_info) + l->cmdline_size;
	l->memmap_paddr = l->modlist_paddr + PVH_MODLIST_ROOM;
	si_size = l->memmap_paddr - l->si_paddr +
		  l->nr_memmap * sizeof(struct hvm_memmap_table_entry);
	l->si_pages = pages_of(si_size);
	l->end_pfn = l->si_pfn + l->si_pages;

	/* The initrd, page-aligned after it. */
	if (in->has_initrd) {
		if (in->initrd_len == 0 || in->initrd_len >= PVH_4G)
			return xb_fail(e, XB_EINPUT,
				       "PVH: an initrd of %" PRIu64 " bytes",
				       in->initrd_len);
		l->has_initrd = true;
		l->mod_pfn = l->end_pfn;
		l->mod_len = in->initrd_len;
		l->mod_pages = pages_of(in->initrd_len);
		l->end_pfn = l->mod_pfn + l->mod_pages;
	}
	end = l->end_pfn << XB_PAGE_SHIFT;
	if (end > l->lowmem_end)
		return too_small(e,
				 l->has_initrd ? "the initrd" :
						 "hvm_start_info",
				 end, l);

	/* What to populate: RAM below the hole, the special pages, the
	 * ACPI pages (tables and RSDP), RAM above 4 GiB. */
	range_add(l, 0, l->lowmem_end >> XB_PAGE_SHIFT);
	range_add(l, PVH_SPECIAL_PFN, PVH_NR_SPECIAL);
	if (l->has_acpi)
		range_add(l, l->acpi_paddr >> XB_PAGE_SHIFT, l->acpi_pages + 1);
	if (l->highmem_end)
		range_add(l, PVH_4G >> XB_PAGE_SHIFT,
			  (l->highmem_end - PVH_4G) >> XB_PAGE_SHIFT);
	return 0;
}

int pvh_write_start_info(const struct pvh_layout *l, const char *cmdline,
			 void *buf, size_t len, struct xb_err *e)
{
	uint8_t *p = buf;
	struct hvm_start_info si;

	if (len < l->si_pages << XB_PAGE_SHIFT)
		return xb_fail(e, XB_EINTERNAL,
			       "hvm_start_info: %zu bytes for %" PRIu64
			       " pages",
			       len, l->si_pages);
	memset(p, 0, len);
	memset(&si, 0, sizeof(si));
	si.magic = XEN_HVM_START_MAGIC_VALUE;
	si.version = 1;
	si.flags = 0;
	if (l->cmdline_paddr && cmdline) {
		size_t n = strlen(cmdline);

		if (n + 1 > l->cmdline_size)
			return xb_fail(e, XB_EINTERNAL,
				       "hvm_start_info: command line of %zu "
				       "bytes, room for %" PRIu64,
				       n, l->cmdline_size);
		memcpy(p + (l->cmdline_paddr - l->si_paddr), cmdline, n);
		si.cmdline_paddr = l->cmdline_paddr;
	}
	si.modlist_paddr = l->modlist_paddr;
	if (l->has_initrd) {
		struct hvm_modlist_entry m = {
			.paddr = l->mod_pfn << XB_PAGE_SHIFT,
			.size = l->mod_len,
		};

		memcpy(p + (l->modlist_paddr - l->si_paddr), &m, sizeof(m));
		si.nr_modules = 1;
	}
	si.rsdp_paddr = l->has_acpi ? l->rsdp_paddr : 0;
	si.memmap_paddr = l->memmap_paddr;
	si.memmap_entries = l->nr_memmap;
	for (unsigned i = 0; i < l->nr_memmap; i++) {
		struct hvm_memmap_table_entry m = {
			.addr = l->memmap[i].addr,
			.size = l->memmap[i].size,
			.type = l->memmap[i].type,
		};

		memcpy(p + (l->memmap_paddr - l->si_paddr) + i * sizeof(m), &m,
		       sizeof(m));
	}
	memcpy(p, &si, sizeof(si));
	return 0;
}

void pvh_write_ident_pt(void *page)
{
	uint32_t *pd = page;

	/* present, writable, user, accessed, dirty, 4 MiB page */
	for (uint32_t i = 0; i < 1024; i++)
		pd[i] = (i << 22) | 0xe7;
}
