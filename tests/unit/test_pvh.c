/*
 * test_pvh.c - the PVH layout (pvh_layout_compute) at memory sizes below,
 * at and above the MMIO hole below 4 GiB, with and without initrd, command
 * line and ACPI tables; the hvm_start_info writer read back field by field
 * (xen/arch-x86/hvm/start_info.h); the identity page table; the refusals.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "../../src/builder/pvh.h"

#define MiB (1ULL << 20)

/* A kernel as kernel_parse leaves it for Debian's vmlinuz: segments from
 * 16 MiB to 0x4a00000, PHYS32_ENTRY inside. */
static struct kernel_image kernel(void)
{
	struct kernel_image k;

	memset(&k, 0, sizeof(k));
	k.pstart = 0x1000000;
	k.pend = 0x49ff123;
	k.notes.has_phys32_entry = true;
	k.notes.phys32_entry = 0x1000850;
	return k;
}

/* RAM in the memory map and pages populated, for any layout. */
static void sums(const struct pvh_layout *l, uint64_t *ram, uint64_t *pop)
{
	*ram = *pop = 0;
	for (unsigned i = 0; i < l->nr_memmap; i++)
		if (l->memmap[i].type == PVH_E820_RAM)
			*ram += l->memmap[i].size;
	for (unsigned i = 0; i < l->nr_ranges; i++)
		*pop += l->ranges[i].pages;
}

static void pvh_sizes(void)
{
	static const uint64_t mbs[] = { 96, 256, 2048, 4031, 4032, 4033, 8192 };
	struct kernel_image k = kernel();

	for (size_t i = 0; i < XB_ARRAY_SIZE(mbs); i++) {
		struct pvh_in in = {
			.k = &k,
			.has_initrd = true,
			.initrd_len = 1984016,
			.memory_mb = mbs[i],
			.has_cmdline = true,
			.cmdline_len = 63,
		};
		struct pvh_layout l;
		struct xb_err e = { 0 };
		uint64_t ram, pop, mem = mbs[i] * MiB;
		bool high = mem > PVH_MMIO_START;

		REQUIRE(pvh_layout_compute(&in, &l, &e) == 0);
		CHECK_EQ(l.ram_pages, mbs[i] * 256);
		CHECK_EQ(l.lowmem_end, high ? PVH_MMIO_START : mem);
		CHECK_EQ(l.highmem_end,
			 high ? PVH_4G + mem - PVH_MMIO_START : 0);
		/* RAM low, the special pages, RAM high: as xl orders them. */
		CHECK_EQ(l.nr_memmap, high ? 3u : 2u);
		CHECK_EQ(l.memmap[0].addr, 0);
		CHECK_EQ(l.memmap[0].size, l.lowmem_end);
		CHECK_EQ(l.memmap[1].addr, 0xfeff8000);
		CHECK_EQ(l.memmap[1].size, 0x8000);
		CHECK_EQ(l.memmap[1].type, PVH_E820_RESERVED);
		if (high) {
			CHECK_EQ(l.memmap[2].addr, PVH_4G);
			CHECK_EQ(l.memmap[2].type, PVH_E820_RAM);
		}
		sums(&l, &ram, &pop);
		CHECK_EQ(ram, mem);
		CHECK_EQ(pop, mbs[i] * 256 + PVH_NR_SPECIAL);
		CHECK_EQ(l.populated_pages, pop);
		CHECK_EQ(l.nr_ranges, high ? 3u : 2u);
		CHECK_EQ(l.ranges[1].pfn, 0xfeff8);
		/* Kernel at its paddr, start_info right after, then the
		 * initrd (measured on xl: 0x4a00000, 0x4a01000). */
		CHECK_EQ(l.entry, 0x1000850);
		CHECK_EQ(l.kernel_pfn, 0x1000);
		CHECK_EQ(l.kernel_pages, 0x3a00);
		CHECK_EQ(l.si_paddr, 0x4a00000);
		CHECK_EQ(l.cmdline_paddr, 0x4a00038);
		CHECK_EQ(l.modlist_paddr, 0x4a00078);
		CHECK_EQ(l.memmap_paddr, 0x4a008b8);
		CHECK_EQ(l.si_pages, 1);
		CHECK_EQ(l.mod_pfn, 0x4a01);
		CHECK_EQ(l.mod_len, 1984016);
		CHECK_EQ(l.mod_pages, 485);
		CHECK_EQ(l.end_pfn, 0x4a01 + 485);
		CHECK_EQ(l.store_pfn, 0xfeffc);
		CHECK_EQ(l.console_pfn, 0xfefff);
		CHECK_EQ(l.ident_pt_pfn, 0xfeffe);
		CHECK(!l.has_acpi);
	}
}

/* ACPI tables from 0xFC001000, the RSDP in the page after them, each an
 * ACPI entry of the memory map and populated. */
static void pvh_acpi(void)
{
	struct kernel_image k = kernel();
	struct pvh_in in = { .k = &k, .memory_mb = 5000, .acpi_len = 0x1234 };
	struct pvh_layout l;
	struct xb_err e = { 0 };
	uint64_t ram, pop;

	REQUIRE(pvh_layout_compute(&in, &l, &e) == 0);
	CHECK(l.has_acpi);
	CHECK_EQ(l.acpi_paddr, 0xfc001000);
	CHECK_EQ(l.acpi_pages, 2);
	CHECK_EQ(l.rsdp_paddr, 0xfc003000);
	CHECK_EQ(l.nr_memmap, 5);
	CHECK_EQ(l.memmap[2].addr, 0xfc003000);
	CHECK_EQ(l.memmap[2].size, PVH_RSDP_LEN);
	CHECK_EQ(l.memmap[2].type, PVH_E820_ACPI);
	CHECK_EQ(l.memmap[3].addr, 0xfc001000);
	CHECK_EQ(l.memmap[3].size, 0x2000);
	CHECK_EQ(l.memmap[4].addr, PVH_4G);
	sums(&l, &ram, &pop);
	CHECK_EQ(ram, 5000 * MiB);
	CHECK_EQ(pop, 5000 * 256 + PVH_NR_SPECIAL + 3);
	CHECK_EQ(l.ranges[2].pfn, 0xfc001);
	CHECK_EQ(l.ranges[2].pages, 3);
	/* No command line, no initrd: the module list stays. */
	CHECK_EQ(l.cmdline_paddr, 0);
	CHECK_EQ(l.modlist_paddr, l.si_paddr + 56);
	CHECK(!l.has_initrd);
	CHECK_EQ(l.end_pfn, l.si_pfn + 1);
}

static void pvh_refused(void)
{
	struct kernel_image k = kernel();
	struct pvh_in in = { .k = &k, .memory_mb = 128 };
	struct pvh_layout l;
	struct xb_err e = { 0 };

	k.notes.has_phys32_entry = false;
	CHECK_EQ(pvh_layout_compute(&in, &l, &e), -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "no PVH entry");
	xb_err_clear(&e);
	k = kernel();
	k.notes.phys32_entry = 0x800;
	CHECK_EQ(pvh_layout_compute(&in, &l, &e), -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "outside the kernel");
	xb_err_clear(&e);
	k = kernel();
	k.pstart = 0x1000010;
	CHECK_EQ(pvh_layout_compute(&in, &l, &e), -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "not page aligned");
	xb_err_clear(&e);
	k = kernel();
	k.pend = 0xFC000001;
	CHECK_EQ(pvh_layout_compute(&in, &l, &e), -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "MMIO hole");
	xb_err_clear(&e);
	/* 64 MiB: the kernel ends at 74 MiB. */
	k = kernel();
	in.memory_mb = 64;
	CHECK_EQ(pvh_layout_compute(&in, &l, &e), -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "memory too small for a PVH guest: the kernel");
	xb_err_clear(&e);
	/* The initrd does not fit: named. */
	in.memory_mb = 80;
	in.has_initrd = true;
	in.initrd_len = 8 * MiB;
	CHECK_EQ(pvh_layout_compute(&in, &l, &e), -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "the initrd ends at");
	xb_err_clear(&e);
	in.memory_mb = 128;
	in.has_cmdline = true;
	in.cmdline_len = 1024;
	CHECK_EQ(pvh_layout_compute(&in, &l, &e), -XB_EINPUT);
	xb_err_clear(&e);
}

static void pvh_start_info(void)
{
	struct kernel_image k = kernel();
	const char *cl = "console=hvc0 rdinit=/init loglevel=4";
	struct pvh_in in = { .k = &k,
			     .memory_mb = 6000,
			     .has_initrd = true,
			     .initrd_len = 12345,
			     .has_cmdline = true,
			     .cmdline_len = strlen(cl),
			     .acpi_len = 100 };
	struct pvh_layout l;
	struct xb_err e = { 0 };
	struct hvm_start_info si;
	struct hvm_modlist_entry m;
	struct hvm_memmap_table_entry mm;
	uint8_t *buf = malloc(4096);
	uint64_t base;

	REQUIRE(buf);
	REQUIRE(pvh_layout_compute(&in, &l, &e) == 0);
	REQUIRE(l.si_pages == 1);
	memset(buf, 0xee, 4096);
	CHECK_EQ(pvh_write_start_info(&l, cl, buf, 100, &e), -XB_EINTERNAL);
	xb_err_clear(&e);
	REQUIRE(pvh_write_start_info(&l, cl, buf, 4096, &e) == 0);
	base = l.si_paddr;
	memcpy(&si, buf, sizeof(si));
	CHECK_EQ(si.magic, 0x336ec578);
	CHECK_EQ(si.version, 1);
	CHECK_EQ(si.flags, 0);
	CHECK_EQ(si.nr_modules, 1);
	CHECK_EQ(si.cmdline_paddr, base + 56);
	CHECK_STR((char *)buf + 56, cl);
	/* NUL and zeros up to the module list, which is 8-aligned. */
	CHECK_EQ(si.modlist_paddr, base + 56 + 40);
	CHECK_EQ(buf[56 + strlen(cl)], 0);
	CHECK_EQ(si.rsdp_paddr, l.rsdp_paddr);
	CHECK_EQ(si.rsdp_paddr, 0xfc002000);
	CHECK_EQ(si.memmap_paddr, si.modlist_paddr + 2 * (32 + 1024));
	CHECK_EQ(si.memmap_entries, l.nr_memmap);
	CHECK_EQ(si.reserved, 0);
	memcpy(&m, buf + (si.modlist_paddr - base), sizeof(m));
	CHECK_EQ(m.paddr, l.mod_pfn << 12);
	CHECK_EQ(m.size, 12345);
	CHECK_EQ(m.cmdline_paddr, 0);
	CHECK_EQ(m.reserved, 0);
	for (unsigned i = 0; i < l.nr_memmap; i++) {
		memcpy(&mm, buf + (si.memmap_paddr - base) + i * sizeof(mm),
		       sizeof(mm));
		CHECK_EQ(mm.addr, l.memmap[i].addr);
		CHECK_EQ(mm.size, l.memmap[i].size);
		CHECK_EQ(mm.type, l.memmap[i].type);
		CHECK_EQ(mm.reserved, 0);
	}
	/* Nothing after the last entry. */
	for (size_t i = si.memmap_paddr - base + l.nr_memmap * 24; i < 4096;
	     i++)
		if (buf[i]) {
			t_fail(__FILE__, __LINE__, "byte %zu is %#x", i,
			       buf[i]);
			break;
		}
	free(buf);
}

static void pvh_ident_pt(void)
{
	uint32_t pd[1024];

	pvh_write_ident_pt(pd);
	CHECK_EQ(pd[0], 0xe7);
	CHECK_EQ(pd[1], 0x4000e7);
	CHECK_EQ(pd[1023], 0xffc000e7);
}

static void pvh_pool(void)
{
	/* Measured: 1 vCPU, 256 MiB, HAP: 2 MiB. */
	CHECK_EQ(pvh_paging_pool(1, 256, true), 2 * MiB);
	CHECK_EQ(pvh_paging_pool(2, 256, false), (512 + 512) * 4096);
}

const struct test tests[] = {
	{ "pvh_sizes", pvh_sizes },
	{ "pvh_acpi", pvh_acpi },
	{ "pvh_refused", pvh_refused },
	{ "pvh_start_info", pvh_start_info },
	{ "pvh_ident_pt", pvh_ident_pt },
	{ "pvh_pool", pvh_pool },
	{ NULL, NULL },
};
