/* test_layout.c - layout arithmetic against the reference layout measured
 * on real Xen (DESIGN.md) and against independent counts at many sizes. */
#include "harness.h"

#include "../../src/builder/layout.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* Debian's linux-image-6.1.0-56-amd64 as the loader reports it. */
static void debian_kernel(struct kernel_image *k, bool modern)
{
	memset(k, 0, sizeof(*k));
	k->guest = XB_GUEST_X86_64;
	k->virt_base = 0xffffffff80000000ULL;
	k->virt_kstart = 0xffffffff81000000ULL;
	k->virt_kend = 0xffffffff81000000ULL + 14848ULL * 4096 - 123;
	k->virt_entry = 0xffffffff830791c0ULL;
	k->virt_hypercall = XB_UNSET;
	k->p2m_base = modern ? 0x8000000000ULL : XB_UNSET;
	k->notes.mod_start_pfn = modern;
	strcpy(k->notes.guest_os, "linux");
}

static int plan(const struct kernel_image *k, uint64_t mem, uint64_t initrd,
		uint64_t initrd_file, struct layout *l, struct xb_err *e)
{
	struct layout_in in = {
		.k = k,
		.has_initrd = initrd != 0,
		.initrd_len = initrd,
		.initrd_file_len = initrd_file,
		.nr_pages = mem >> 12,
	};

	memset(e, 0, sizeof(*e));
	return layout_compute(&in, l, e);
}

static void reference_128m(void)
{
	struct kernel_image k;
	struct layout l;
	struct xb_err e;

	debian_kernel(&k, true);
	REQUIRE(plan(&k, 128 * MiB, 1984512, 1028406, &l, &e) == 0);
	CHECK_EQ(l.kernel.vstart, 0xffffffff81000000ULL);
	CHECK_EQ(l.kernel.pfn, 0x1000);
	CHECK_EQ(l.kernel.pages, 14848);
	CHECK_EQ(l.start_info.vstart, 0xffffffff84a00000ULL);
	CHECK_EQ(l.start_info.pfn, 0x4a00);
	CHECK_EQ(l.xenstore.pfn, 0x4a01);
	CHECK_EQ(l.console.pfn, 0x4a02);
	CHECK_EQ(l.pgtables.vstart, 0xffffffff84a03000ULL);
	CHECK_EQ(l.pgtables.pfn, 0x4a03);
	CHECK_EQ(l.pgtables.pages, 41);
	CHECK_EQ(l.maps[0].lvls[3].pgtables, 1);
	CHECK_EQ(l.maps[0].lvls[2].pgtables, 1);
	CHECK_EQ(l.maps[0].lvls[1].pgtables, 1);
	CHECK_EQ(l.maps[0].lvls[0].pgtables, 38);
	CHECK_EQ(l.stack.vstart, 0xffffffff84a2c000ULL);
	CHECK_EQ(l.stack.pfn, 0x4a2c);
	CHECK_EQ(l.virt_pgtab_end, 0xffffffff84c00000ULL);
	CHECK(l.initrd_unmapped);
	CHECK_EQ(l.initrd.pfn, 0x4c00);
	CHECK_EQ(l.initrd.pages, 485);
	CHECK_EQ(l.p2m.pfn, 0x4de5);
	CHECK_EQ(l.p2m.pages, 67);
	CHECK_EQ(l.p2m.vstart, 0x8000000000ULL);
	/* start_info fields */
	CHECK_EQ(l.si_flags, 0x8);
	CHECK_EQ(l.pt_base, 0xffffffff84a03000ULL);
	CHECK_EQ(l.nr_pt_frames, 41);
	CHECK_EQ(l.mfn_list, 0x8000000000ULL);
	CHECK_EQ(l.mod_start, 0x4c00);
	CHECK_EQ(l.mod_len, 1984512); /* exact bytes; reference: 1986560 */
	CHECK_EQ(l.first_p2m_pfn, 0x4de5);
	CHECK_EQ(l.nr_p2m_frames, 67);
}

/* "The page-table count stays 41 at 512 MiB and 2 GiB." */
static void reference_sizes(void)
{
	static const uint64_t sizes[] = { 512 * MiB, 2 * GiB, 16 * GiB,
					  64 * GiB };
	struct kernel_image k;
	struct layout l;
	struct xb_err e;

	debian_kernel(&k, true);
	for (size_t i = 0; i < XB_ARRAY_SIZE(sizes); i++) {
		REQUIRE(plan(&k, sizes[i], 1984512, 1028406, &l, &e) == 0);
		CHECK_EQ(l.nr_pt_frames, 41);
		CHECK_EQ(l.virt_pgtab_end, 0xffffffff84c00000ULL);
		CHECK_EQ(l.p2m.pfn, 0x4de5);
		/* p2m: 8 bytes a page, plus its own L1s, L2s and one L3 */
		uint64_t p2m_pages = (sizes[i] >> 12) * 8 / 4096;
		uint64_t l1 = (p2m_pages + 511) / 512, l2 = (l1 + 511) / 512;
		CHECK_EQ(l.p2m.pages, p2m_pages + l1 + l2 + 1);
	}
}

/* Independent count: tables touched by [from, to] at each level. */
static uint64_t tables(uint64_t from, uint64_t to, unsigned shift)
{
	return (to >> shift) - (from >> shift) + 1;
}

static void check_props(const struct layout *l, const char *what)
{
	uint64_t mask = (1ULL << 48) - 1;
	uint64_t from = l->virt_base & mask,
		 to = (l->virt_pgtab_end - 1) & mask;
	uint64_t want = 1 + tables(from, to, 21) + tables(from, to, 30) +
			tables(from, to, 39);

	printf("  %s: %" PRIu64 " page tables, mapped %#" PRIx64 "\n", what,
	       l->nr_pt_frames, l->virt_pgtab_end - l->virt_base);
	CHECK_EQ(l->nr_pt_frames, want);
	CHECK_EQ(l->virt_pgtab_end & (4 * MiB - 1), 0);
	CHECK(l->virt_pgtab_end - l->stack.vend >= 512 * 1024);
	CHECK_EQ(l->stack.vend, l->virt_alloc_end);
	/* elements in order, page aligned, non-overlapping */
	CHECK(l->kernel.vend <= l->start_info.vstart);
	CHECK_EQ(l->start_info.vend, l->xenstore.vstart);
	CHECK_EQ(l->xenstore.vend, l->console.vstart);
	CHECK_EQ(l->console.vend, l->pgtables.vstart);
	CHECK_EQ(l->pgtables.vend, l->stack.vstart);
	CHECK_EQ(l->pgtables.pages, l->nr_pt_frames);
	CHECK(l->pfn_alloc_end <= l->nr_pages);
}

static void classic_sizes(void)
{
	static const uint64_t sizes[] = { 32 * MiB,  64 * MiB, 128 * MiB,
					  256 * MiB, 1 * GiB,  2 * GiB,
					  16 * GiB,  64 * GiB };
	struct kernel_image k;
	struct layout l;
	struct xb_err e;

	/* A small classic kernel (no INIT_P2M / MOD_START_PFN). */
	memset(&k, 0, sizeof(k));
	k.guest = XB_GUEST_X86_64;
	k.virt_base = 0xffffffff80000000ULL;
	k.virt_kstart = 0xffffffff80000000ULL;
	k.virt_kend = k.virt_kstart + 300 * 1024;
	k.virt_entry = k.virt_kstart + 0x1000;
	k.virt_hypercall = XB_UNSET;
	k.p2m_base = XB_UNSET;
	for (size_t i = 0; i < XB_ARRAY_SIZE(sizes); i++) {
		char what[64];

		REQUIRE(plan(&k, sizes[i], 1 * MiB, 1 * MiB, &l, &e) == 0);
		snprintf(what, sizeof(what), "classic %" PRIu64 " MiB",
			 sizes[i] >> 20);
		check_props(&l, what);
		CHECK(!l.initrd_unmapped);
		/* classic order: kernel, initrd, p2m, start_info */
		CHECK_EQ(l.kernel.vend, l.initrd.vstart);
		CHECK_EQ(l.initrd.vend, l.p2m.vstart);
		CHECK_EQ(l.p2m.vend, l.start_info.vstart);
		CHECK_EQ(l.p2m.pages, ((sizes[i] >> 12) * 8 + 4095) / 4096);
		CHECK_EQ(l.mfn_list, l.p2m.vstart);
		CHECK_EQ(l.mod_start, l.initrd.vstart);
		CHECK_EQ(l.si_flags, 0);
		CHECK_EQ(l.nr_p2m_frames, 0);
	}
}

static void modern_sizes(void)
{
	static const uint64_t sizes[] = { 128 * MiB, 256 * MiB, 1 * GiB,
					  16 * GiB,  64 * GiB,	512 * GiB };
	struct kernel_image k;
	struct layout l;
	struct xb_err e;

	debian_kernel(&k, true);
	for (size_t i = 0; i < XB_ARRAY_SIZE(sizes); i++) {
		char what[64];

		REQUIRE(plan(&k, sizes[i], 50 * MiB, 20 * MiB, &l, &e) == 0);
		snprintf(what, sizeof(what), "modern %" PRIu64 " MiB",
			 sizes[i] >> 20);
		check_props(&l, what);
		CHECK_EQ(l.initrd.pfn, (l.virt_pgtab_end - l.virt_base) >> 12);
		CHECK_EQ(l.p2m.pfn, l.initrd.pfn + l.initrd.pages);
		CHECK_EQ(l.initrd.pages, 50 * MiB / 4096);
	}
}

static void too_small(void)
{
	struct kernel_image k;
	struct layout l;
	struct xb_err e;

	debian_kernel(&k, true);
	/* 32 MiB cannot hold Debian's 58 MiB kernel. */
	CHECK(plan(&k, 32 * MiB, 1984512, 1028406, &l, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "memory too small");
	CHECK_CONTAINS(e.msg, "8192 pages");
	/* 80 MiB holds the kernel and the mapping but not the initrd. */
	CHECK(plan(&k, 80 * MiB, 64 * MiB, 1 * MiB, &l, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "initrd");
	CHECK(plan(&k, 0, 0, 0, &l, &e) == -XB_EINPUT);
}

static void mapping_limit(void)
{
	struct kernel_image k;
	struct layout_in in = { .k = &k,
				.has_initrd = true,
				.initrd_len = 1000 * MiB,
				.initrd_file_len = 1000 * MiB,
				.nr_pages = (4 * GiB) >> 12,
				.max_mapping = 1 * GiB };
	struct layout l;
	struct xb_err e = { 0 };

	debian_kernel(&k, false); /* classic: initrd and p2m mapped */
	CHECK(layout_compute(&in, &l, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "more than the 1024 MiB the kernel can map");
	/* the same with MOD_START_PFN + INIT_P2M fits */
	debian_kernel(&k, true);
	memset(&e, 0, sizeof(e));
	CHECK(layout_compute(&in, &l, &e) == 0);
}

static void pae_layout(void)
{
	struct kernel_image k;
	struct layout l;
	struct xb_err e;

	memset(&k, 0, sizeof(k));
	k.guest = XB_GUEST_X86_32P;
	k.virt_base = 0xc0000000ULL;
	k.virt_kstart = 0xc0000000ULL;
	k.virt_kend = k.virt_kstart + 2 * MiB;
	k.virt_entry = k.virt_kstart;
	k.virt_hypercall = XB_UNSET;
	k.p2m_base = 0x40000000ULL; /* ignored: PAE has no INIT_P2M */
	REQUIRE(plan(&k, 256 * MiB, 0, 0, &l, &e) == 0);
	CHECK_EQ(l.p2m_base, XB_UNSET);
	CHECK_EQ(l.p2m.pages, (65536 * 4) / 4096); /* 4-byte entries */
	/* root L3 + one L2 (slot 3) + L1s over [0xc0000000, end) */
	CHECK_EQ(l.maps[0].lvls[2].pgtables, 1);
	CHECK_EQ(l.maps[0].lvls[1].pgtables, 1);
	CHECK_EQ(l.nr_pt_frames,
		 2 + ((l.virt_pgtab_end - 0xc0000000ULL) >> 21));
	CHECK_STR(l.gp->magic, "xen-3.0-x86_32p");
	/* below 0xc0000000 the extra L2 for slot 3 is counted too */
	k.virt_base = k.virt_kstart = 0x80000000ULL;
	k.virt_kend = k.virt_kstart + 2 * MiB;
	k.virt_entry = k.virt_kstart;
	REQUIRE(plan(&k, 256 * MiB, 0, 0, &l, &e) == 0);
	CHECK_EQ(l.maps[0].lvls[1].pgtables, 2);
}

static void address_space(void)
{
	struct kernel_image k;
	struct layout l;
	struct xb_err e;

	/* a kernel right below the top: the mapping would wrap */
	memset(&k, 0, sizeof(k));
	k.guest = XB_GUEST_X86_64;
	k.virt_base = 0xffffffffffe00000ULL;
	k.virt_kstart = k.virt_base;
	k.virt_kend = k.virt_base + 4096;
	k.virt_entry = k.virt_base;
	k.virt_hypercall = XB_UNSET;
	k.p2m_base = XB_UNSET;
	CHECK(plan(&k, 128 * MiB, 0, 0, &l, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "address space");
	/* Xen's own slots */
	k.virt_base = k.virt_kstart = 0xffff800000000000ULL;
	k.virt_kend = k.virt_base + 4096;
	k.virt_entry = k.virt_base;
	CHECK(plan(&k, 128 * MiB, 0, 0, &l, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "guest-usable");
	/* unaligned INIT_P2M is ignored, as libxenguest does */
	debian_kernel(&k, true);
	k.p2m_base = 0x8000000800ULL;
	REQUIRE(plan(&k, 128 * MiB, 0, 0, &l, &e) == 0);
	CHECK_EQ(l.p2m_base, XB_UNSET);
}

/*
 * INIT_P2M just below virt_base: a p2m list that ends on the last byte
 * before the start-of-day mapping is accepted, one that reaches a page
 * into it is refused, in the lower and in the upper (canonical) half.
 */
static void init_p2m_overlap(void)
{
	static const uint64_t bases[] = { 0x80000000ULL,
					  0xffffffff80000000ULL };
	const uint64_t mem = 128 * MiB,
		       p2m_size = (mem >> 12) * 8; /* 256 KiB */

	for (size_t i = 0; i < XB_ARRAY_SIZE(bases); i++) {
		struct kernel_image k;
		struct layout l;
		struct xb_err e;

		debian_kernel(&k, true);
		k.virt_base = bases[i];
		k.virt_kstart = bases[i] + 16 * MiB;
		k.virt_kend = k.virt_kstart + 2 * MiB;
		k.virt_entry = k.virt_kstart;
		/* touching: ends at virt_base - 1 */
		k.p2m_base = bases[i] - p2m_size;
		REQUIRE(plan(&k, mem, 0, 0, &l, &e) == 0);
		CHECK_EQ(l.p2m_base, bases[i] - p2m_size);
		CHECK_EQ(l.mfn_list, bases[i] - p2m_size);
		/* one page over */
		k.p2m_base = bases[i] - p2m_size + 4096;
		CHECK_EQ(plan(&k, mem, 0, 0, &l, &e), -XB_EINPUT);
		CHECK_CONTAINS(e.msg, "overlaps the start-of-day mapping");
		/* all of it but one page over */
		k.p2m_base = bases[i] - 4096;
		CHECK_EQ(plan(&k, mem, 0, 0, &l, &e), -XB_EINPUT);
		CHECK_CONTAINS(e.msg, "overlaps the start-of-day mapping");
		/* far below: accepted */
		k.p2m_base = bases[i] - 1024 * MiB;
		CHECK_EQ(plan(&k, mem, 0, 0, &l, &e), 0);
	}
}

const struct test tests[] = {
	{ "layout_reference_128m", reference_128m },
	{ "layout_reference_sizes", reference_sizes },
	{ "layout_classic_sizes", classic_sizes },
	{ "layout_modern_sizes", modern_sizes },
	{ "layout_too_small", too_small },
	{ "layout_mapping_limit", mapping_limit },
	{ "layout_pae", pae_layout },
	{ "layout_address_space", address_space },
	{ "layout_init_p2m_overlap", init_p2m_overlap },
	{ NULL, NULL },
};
