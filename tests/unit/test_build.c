/*
 * test_build.c - whole builds on the simulated hypervisor, checked from
 * the guest's point of view: walk the page tables from cr3 like the CPU,
 * find every byte of the kernel at its virtual address, the p2m list at
 * mfn_list, start_info as the layout says, the initrd at mod_start.
 */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

#include <xen/xen.h>
#include <xen/foreign/x86_64.h>
#include <xen/hvm/params.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "../../src/builder/build.h"
#include "../../src/cli/cli.h"
#include "../../src/hv/sim_inspect.h"
#include "../../src/builder/pagetable.h"
#include "elfgen.h"

#define MiB (1ULL << 20)

struct guest {
	struct dom_config cfg;
	struct dom d;
	uint8_t *elf, *initrd;
	size_t elf_len;
	/* bytes after a compressed initrd (build_z) */
	const uint8_t *initrd_tail;
	size_t initrd_tail_len;
	uint64_t root;
};

static void *mframe(void *ctx, uint64_t mfn)
{
	return hv_sim_frame(ctx, mfn);
}

/* The final entry for guest virtual va through the guest's own tables
 * (0 when unmapped). */
static uint64_t walk(struct guest *g, uint64_t va)
{
	uint64_t e;

	if (pt_walk(g->d.layout.gp->levels, g->root, va, mframe, g->d.hv, &e) <
	    0)
		return 0;
	return e;
}

/* Host pointer to guest virtual va through the guest's own tables. */
static uint8_t *gva(struct guest *g, uint64_t va, uint64_t *pte)
{
	uint64_t e = walk(g, va);
	uint8_t *f;

	if (!e)
		return NULL;
	if (pte)
		*pte = e;
	f = hv_sim_frame(g->d.hv, (e & PT_ADDR_MASK) >> 12);
	return f ? f + (va & 0xfff) : NULL;
}

/* The backend's mfn of pfn (UINT64_MAX, and a failure, if none). */
static uint64_t p2m(struct guest *g, uint64_t pfn)
{
	struct xb_err e = { 0 };
	uint64_t mfn = UINT64_MAX;

	if (hv_mfns(g->d.hv, g->d.domid, pfn, 1, &mfn, &e) < 0)
		t_fail(__FILE__, __LINE__, "mfns(%#" PRIx64 "): %s", pfn,
		       e.msg);
	return mfn;
}

static uint8_t *gpfn(struct guest *g, uint64_t pfn)
{
	return hv_sim_frame(g->d.hv, p2m(g, pfn));
}

/* Byte i of the test initrd. */
static uint8_t initrd_byte(size_t i)
{
	return (uint8_t)(i * 13 + 5);
}

/* The test initrd (len bytes, named test-initrd in the config), kept in
 * g->initrd; NULL when out of memory. */
static uint8_t *test_initrd(struct guest *g, size_t len)
{
	g->cfg.ramdisk = strdup("test-initrd");
	g->initrd = malloc(len);
	if (!g->cfg.ramdisk || !g->initrd)
		return NULL;
	for (size_t i = 0; i < len; i++)
		g->initrd[i] = initrd_byte(i);
	return g->initrd;
}

/* Build and run a guest on a fresh simulated hypervisor (opts: fault
 * injection, may be NULL); zcmd: compress the kernel with this command
 * and decode it straight into guest memory (NULL: a plain ELF, parsed
 * on the host), and the initrd too, followed by tail[0, tail_len) (zero
 * padding, another member, ...). */
static int build_z(struct guest *g, const struct elfgen *eg, uint64_t mem_mb,
		   size_t initrd_len, bool bad_pte,
		   const struct hv_sim_opts *opts, const char *zcmd,
		   const uint8_t *tail, size_t tail_len);

static int build(struct guest *g, const struct elfgen *eg, uint64_t mem_mb,
		 size_t initrd_len, bool bad_pte,
		 const struct hv_sim_opts *opts)
{
	return build_z(g, eg, mem_mb, initrd_len, bad_pte, opts, NULL, NULL, 0);
}

static int build_z(struct guest *g, const struct elfgen *eg, uint64_t mem_mb,
		   size_t initrd_len, bool bad_pte,
		   const struct hv_sim_opts *opts, const char *zcmd,
		   const uint8_t *tail, size_t tail_len)
{
	struct dom_input kernel = { .name = "test-kernel" };
	struct dom_input initrd = { .name = "test-initrd", .len = initrd_len };
	const struct eg_format *zfmt = NULL;
	int rc;

	memset(g, 0, sizeof(*g));
	g->initrd_tail = tail;
	g->initrd_tail_len = tail_len;
	cfg_init(&g->cfg);
	strcpy(g->cfg.name, "test");
	g->cfg.memory_mb = g->cfg.maxmem_mb = mem_mb;
	g->cfg.vcpus = g->cfg.maxvcpus = 1;
	g->cfg.kernel = strdup("test-kernel");
	g->cfg.cmdline = strdup("console=hvc0 xbuild=test");
	dom_init(&g->d, &g->cfg);
	g->d.test_bad_pte = bad_pte;
	g->elf = elfgen_build(eg, &g->elf_len);
	if (!g->elf)
		return -1;
	/* zcmd: a command (stdin to stdout), "bz:FORMAT" for a bzImage
	 * with a FORMAT payload, "cat" for the ELF as it is. */
	if (zcmd && !strncmp(zcmd, "bz:", 3)) {
		zfmt = eg_format(zcmd + 3);
		zcmd = zfmt ? zfmt->cmd : "false";
	}
	if (zcmd) {
		size_t zlen;
		uint8_t *z =
			zfmt ? eg_bzimage_of(g->elf, g->elf_len, zfmt, &zlen) :
			       eg_filter(zcmd, g->elf, g->elf_len, &zlen);

		free(g->elf);
		if (!(g->elf = z))
			return -1;
		g->elf_len = zlen;
		g->d.stream = true;
	}
	kernel.buf = g->elf;
	kernel.len = g->elf_len;
	if (initrd_len) {
		if (!(initrd.buf = test_initrd(g, initrd_len)))
			return -1;
		/* compressed the same way (streamed when the kernel is),
		 * followed by tail (zero padding, another member...) */
		if (zcmd) {
			size_t zlen;
			uint8_t *z =
				eg_filter(zcmd, g->initrd, initrd_len, &zlen);

			if (!z || !(z = realloc(z, zlen + g->initrd_tail_len)))
				return -1;
			if (g->initrd_tail_len)
				memcpy(z + zlen, g->initrd_tail,
				       g->initrd_tail_len);
			free(g->initrd);
			initrd.buf = g->initrd = z;
			initrd.len = zlen + g->initrd_tail_len;
		}
	}
	if (dom_load(&g->d, &kernel, initrd_len ? &initrd : NULL) < 0)
		return -2;
	if ((rc = dom_plan(&g->d)) < 0)
		return rc;
	if ((rc = hv_sim_open(opts, &g->d.hv, &g->d.err)) < 0)
		return rc;
	rc = run_domain(&g->d, false);
	if (rc == 0)
		g->root = hv_sim_vcpu(g->d.hv, g->d.domid)->cr3_mfn;
	return rc;
}

static void done(struct guest *g)
{
	if (g->d.hv)
		hv_close(g->d.hv);
	dom_free(&g->d);
	cfg_free(&g->cfg);
	free(g->elf);
	free(g->initrd);
}

static bool is_pt_pfn(const struct layout *l, uint64_t pfn)
{
	for (unsigned m = 0; m < l->nmaps; m++) {
		uint64_t s = l->maps[m].lvls[l->gp->levels - 1].pfn;

		if (pfn >= s && pfn < s + l->maps[m].pgtables)
			return true;
	}
	return false;
}

/* The page tables alone, as the CPU walks them (a lean simulator keeps
 * them): every page of the region mapped to its pfn's mfn, read-only iff
 * it holds a page table; nothing just outside. */
static void check_region(struct guest *g)
{
	const struct layout *l = &g->d.layout;
	uint64_t va, pte, nro = 0;
	int bad = 0;

	for (va = l->virt_base; va < l->virt_pgtab_end; va += 4096) {
		uint64_t pfn = (va - l->virt_base) >> 12;

		if (!(pte = walk(g, va))) {
			if (bad++ < 3)
				t_fail(__FILE__, __LINE__,
				       "va %#" PRIx64 " unmapped", va);
			continue;
		}
		if (((pte & PT_ADDR_MASK) >> 12) != p2m(g, pfn) && bad++ < 3)
			t_fail(__FILE__, __LINE__,
			       "va %#" PRIx64 " -> wrong mfn", va);
		if (!!(pte & PT_RW) == is_pt_pfn(l, pfn) && bad++ < 3)
			t_fail(__FILE__, __LINE__, "va %#" PRIx64 " rw=%d", va,
			       !!(pte & PT_RW));
		nro += !(pte & PT_RW);
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(nro, l->nr_pt_frames);
	/* nothing mapped right after the region */
	CHECK(walk(g, l->virt_pgtab_end) == 0);
	CHECK(walk(g, l->virt_base - 4096) == 0);
}

/* The INIT_P2M mapping, every step-th page and the last: page k of the
 * list at mfn_list + k pages, writable; nothing after it. */
static void check_p2m_page(struct guest *g, uint64_t k, int *bad)
{
	const struct layout *l = &g->d.layout;
	uint64_t pte = walk(g, l->mfn_list + (k << 12));

	if ((((pte & PT_ADDR_MASK) >> 12) != p2m(g, l->p2m.pfn + k) ||
	     !(pte & PT_RW)) &&
	    (*bad)++ < 3)
		t_fail(__FILE__, __LINE__,
		       "p2m page %#" PRIx64 ": pte %#" PRIx64, k, pte);
}

static void check_p2m_map(struct guest *g, uint64_t step)
{
	const struct layout *l = &g->d.layout;
	uint64_t list = l->p2m.pages - l->maps[1].pgtables;
	int bad = 0;

	for (uint64_t k = 0; k < list; k += step)
		check_p2m_page(g, k, &bad);
	check_p2m_page(g, list - 1, &bad);
	CHECK_EQ(bad, 0);
	CHECK(walk(g, l->mfn_list + (list << 12)) == 0);
}

static void check_guest(struct guest *g, const struct elfgen *eg,
			size_t initrd_len)
{
	const struct layout *l = &g->d.layout;
	const start_info_x86_64_t *si;
	const struct hv_vcpu *v = hv_sim_vcpu(g->d.hv, g->d.domid);
	struct hv_sim_stats st;
	int bad = 0;

	REQUIRE(v);
	check_region(g);

	/* the kernel's bytes at their virtual addresses, then zeroed bss
	 * and the rest of the last page */
	uint64_t kv = eg->virt_base + eg->paddr;
	bad = 0;
	for (size_t i = 0; i < xb_pages(eg->text_len + eg->bss_len) << 12;
	     i++) {
		const uint8_t *p = gva(g, kv + i, NULL);
		uint8_t want = elfgen_want(eg, i);

		/* the hypercall page is Xen's to fill (the sim: 0xcc) */
		if (eg->hypercall_page && i >= 4096 && i < 8192)
			want = 0xcc;

		if ((!p || *p != want) && bad++ < 3)
			t_fail(__FILE__, __LINE__, "kernel byte %zu", i);
	}
	CHECK_EQ(bad, 0);

	/* start_info, through the guest's mapping at rsi */
	si = (const void *)gva(g, v->rsi, NULL);
	REQUIRE(si);
	CHECK_STR(si->magic, "xen-3.0-x86_64");
	CHECK_EQ(si->nr_pages, l->nr_pages);
	CHECK_EQ(si->pt_base, l->pgtables.vstart);
	CHECK_EQ(si->nr_pt_frames, l->nr_pt_frames);
	CHECK_EQ(si->mfn_list, l->mfn_list);
	CHECK_EQ(si->store_mfn, p2m(g, l->xenstore.pfn));
	CHECK_EQ(si->console.domU.mfn, p2m(g, l->console.pfn));
	CHECK(si->store_evtchn != 0 && si->console.domU.evtchn != 0);
	CHECK_EQ(si->shared_info >> 12, g->d.shared_info_mfn);
	CHECK_STR((const char *)si->cmd_line, "console=hvc0 xbuild=test");
	CHECK_EQ(si->mod_len, initrd_len);

	/* the p2m list at mfn_list, read through the guest's mapping */
	bad = 0;
	for (uint64_t pfn = 0; pfn < l->nr_pages; pfn++) {
		const uint64_t *e =
			(const void *)gva(g, si->mfn_list + pfn * 8, NULL);

		if ((!e || *e != p2m(g, pfn) ||
		     hv_sim_owner(g->d.hv, *e) != (int)g->d.domid) &&
		    bad++ < 3)
			t_fail(__FILE__, __LINE__, "mfn_list[%#" PRIx64 "]",
			       pfn);
	}
	CHECK_EQ(bad, 0);

	/* the initrd at mod_start (virtual or pfn) */
	bad = 0;
	for (size_t i = 0; i < initrd_len; i++) {
		const uint8_t *p;

		if (si->flags & SIF_MOD_START_PFN)
			p = gpfn(g, si->mod_start + (i >> 12)) + (i & 0xfff);
		else
			p = gva(g, si->mod_start + i, NULL);
		if ((!p || *p != initrd_byte(i)) && bad++ < 3)
			t_fail(__FILE__, __LINE__, "initrd byte %zu", i);
	}
	CHECK_EQ(bad, 0);

	/* vCPU 0 */
	CHECK_EQ(v->rip, l->virt_entry);
	CHECK_EQ(v->rsp, l->stack.vend);
	CHECK_EQ(v->kernel_sp, v->rsp);
	CHECK_EQ(v->cr3_mfn, p2m(g, l->pgtables.pfn));
	CHECK_EQ(v->rflags, 0x200);
	CHECK(v->is64);

	/* backend state: pinned, running, introduced, no mapping left */
	hv_sim_stats(g->d.hv, &st);
	CHECK(st.pinned && st.running && st.introduced);
	CHECK_EQ(st.mappings, 0);
	CHECK_EQ(st.pinned_tables,
		 l->nr_pt_frames + (l->nmaps > 1 ? l->maps[1].pgtables : 0));
	CHECK_EQ(st.grant_frame[0], si->console.domU.mfn);
	CHECK_EQ(st.grant_frame[1], si->store_mfn);
	CHECK_EQ(st.hypercall_mfn ? 1 : 0, eg->hypercall_page ? 1 : 0);
}

static const struct elfgen classic = {
	.virt_base = 0xffffffff80000000ULL,
	.paddr = 0x200000,
	.entry_off = 0x10,
	.text_len = 3 * 4096 + 100,
	.bss_len = 5000,
	.hypercall_page = true,
};

static void build_classic(void)
{
	struct guest g;

	REQUIRE(build(&g, &classic, 64, 100000, false, NULL) == 0);
	CHECK(!(g.d.layout.si_flags & SIF_MOD_START_PFN));
	check_guest(&g, &classic, 100000);
	done(&g);
}

static void build_modern(void)
{
	struct elfgen m = classic;
	struct guest g;

	m.init_p2m = 0x8000000000ULL;
	m.mod_start_pfn = true;
	m.hypercall_page = false;
	REQUIRE(build(&g, &m, 256, 3 * 4096 + 7, false, NULL) == 0);
	CHECK(g.d.layout.si_flags & SIF_MOD_START_PFN);
	CHECK_EQ(g.d.layout.mfn_list, 0x8000000000ULL);
	check_guest(&g, &m, 3 * 4096 + 7);
	done(&g);
}

/* Mapped a few pages at a time (hv.h map_chunk): kernel, initrd, p2m and
 * page tables cross piece boundaries everywhere; the guest is the same. */
static void build_pieces(void)
{
	struct elfgen m = classic;
	struct guest g;

	for (size_t chunk = 1; chunk <= 7; chunk += 2) {
		struct hv_sim_opts o = { .map_chunk = chunk };

		REQUIRE(build(&g, &classic, 64, 100000, false, &o) == 0);
		CHECK_EQ(g.d.hv->map_chunk, chunk);
		check_guest(&g, &classic, 100000);
		done(&g);
	}
	m.init_p2m = 0x8000000000ULL;
	m.mod_start_pfn = true;
	m.hypercall_page = false;
	for (size_t chunk = 2; chunk <= 6; chunk += 4) {
		struct hv_sim_opts o = { .map_chunk = chunk };

		REQUIRE(build(&g, &m, 1024, 5 * 4096 + 1, false, &o) == 0);
		check_guest(&g, &m, 5 * 4096 + 1);
		check_p2m_map(&g, 1);
		done(&g);
	}
}

/*
 * The lean simulator (what `xbuild plan` uses) against the store-all one:
 * the same guest (start_info, vCPU, pinned tables, page tables walked like
 * the CPU), while it holds only the page tables and boot pages: the
 * kernel, initrd and p2m list are dropped.
 */
static void lean_vs_full(const struct elfgen *eg, uint64_t mem_mb,
			 size_t initrd_len)
{
	struct hv_sim_opts lean = { .lean = true, .map_chunk = 3 };
	const struct layout *l;
	struct hv_sim_stats sa, sb;
	struct guest a, b;
	uint64_t kpfn;

	REQUIRE(build(&a, eg, mem_mb, initrd_len, false, NULL) == 0);
	REQUIRE(build(&b, eg, mem_mb, initrd_len, false, &lean) == 0);
	l = &b.d.layout;
	CHECK(!memcmp(&a.d.si, &b.d.si, sizeof(a.d.si)));
	CHECK(!memcmp(&a.d.vcpu, &b.d.vcpu, sizeof(a.d.vcpu)));
	CHECK(!memcmp(hv_sim_vcpu(a.d.hv, a.d.domid),
		      hv_sim_vcpu(b.d.hv, b.d.domid), sizeof(struct hv_vcpu)));
	hv_sim_stats(a.d.hv, &sa);
	hv_sim_stats(b.d.hv, &sb);
	CHECK(sb.pinned && sb.running && sb.introduced);
	CHECK_EQ(sb.pinned_tables, sa.pinned_tables);
	CHECK_EQ(sb.mappings, 0);
	CHECK_EQ(sa.dropped_frames, 0);
	/* kernel, initrd, p2m list, stack: dropped, not stored */
	CHECK_EQ(sb.dropped_frames,
		 l->kernel.pages + l->initrd.pages + l->p2m.pages -
			 (l->nmaps > 1 ? l->maps[1].pgtables : 0) + 1);
	kpfn = l->kernel.pfn + l->kernel.pages / 2;
	CHECK(hv_sim_frame(a.d.hv, p2m(&a, kpfn)) != NULL);
	CHECK(hv_sim_frame(b.d.hv, p2m(&b, kpfn)) == NULL);
	/* tables as runs: far less than a page each */
	CHECK(sb.stored_bytes < sa.stored_bytes / 4);
	CHECK(sb.stored_frames < sb.pinned_tables + 8);
	printf("  %" PRIu64 " MiB: full sim %" PRIu64 " KiB in %" PRIu64
	       " frames, lean %" PRIu64 " KiB in %" PRIu64 "\n",
	       mem_mb, sa.stored_bytes >> 10, sa.stored_frames,
	       sb.stored_bytes >> 10, sb.stored_frames);
	check_region(&b);
	if (l->nmaps > 1)
		check_p2m_map(&b, 1);
	done(&a);
	done(&b);
}

static void build_lean(void)
{
	struct elfgen m = classic;

	lean_vs_full(&classic, 64, 100000);
	m.init_p2m = 0x8000000000ULL;
	m.mod_start_pfn = true;
	m.hypercall_page = false;
	lean_vs_full(&m, 2048, 3 * 4096 + 7);
}

/* A lean build at 1 TiB: bounded host memory, the INIT_P2M numbers of an
 * independent count, the tables right where the guest looks. */
static void build_lean_1t(void)
{
	struct hv_sim_opts lean = { .lean = true };
	struct elfgen m = classic;
	struct hv_sim_stats st;
	struct guest g;
	uint64_t nr = 1ULL << 28, list = nr * 8 / 4096;
	uint64_t l1 = (list + 511) / 512, l2 = (l1 + 511) / 512;

	m.init_p2m = 0x8000000000ULL;
	m.mod_start_pfn = true;
	REQUIRE(build(&g, &m, 1ULL << 20, 4096, false, &lean) == 0);
	CHECK_EQ(g.d.si.nr_pages, nr);
	CHECK_EQ(g.d.si.nr_p2m_frames, list + l1 + l2 + 1);
	CHECK_EQ(g.d.si.first_p2m_pfn, g.d.layout.p2m.pfn);
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.pinned_tables, g.d.layout.nr_pt_frames + l1 + l2 + 1);
	CHECK(st.stored_bytes < (256 << 10));
	CHECK(st.dropped_frames > list);
	check_region(&g);
	check_p2m_map(&g, 4099);
	done(&g);
}

/* The lean simulator refuses a bad entry at pin like the full one. */
static void build_lean_bad_pte(void)
{
	struct hv_sim_opts lean = { .lean = true };
	struct hv_sim_stats st;
	struct guest g;

	CHECK(build(&g, &classic, 64, 0, true, &lean) == -XB_EHV);
	CHECK_CONTAINS(g.d.err.msg, "mapped writable");
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.live_domains, 0);
	CHECK_EQ(st.stored_frames, 0);
	CHECK_EQ(st.dropped_frames, 0);
	done(&g);
}

/*
 * A compressed kernel decoded straight into guest memory: the guest is
 * the same as from the host path, in every format (those that do not
 * stream are decoded on the host and copied), mapped in pieces or whole.
 */
static void build_streamed(void)
{
	static const char *const cmds[] = {
		"gzip -n -c", "xz -2 --check=crc32 -c",
		"lzma -2 -c", "bzip2 -c",
		"zstd -q -c",
	};
	struct elfgen m = classic;

	m.text_len = 300 * 1024 + 77; /* more than the 64 KiB head */
	for (size_t c = 0; c < XB_ARRAY_SIZE(cmds); c++)
		for (size_t chunk = 3; chunk <= 48; chunk *= 4) {
			struct hv_sim_opts o = { .map_chunk = chunk };
			struct guest g;

			REQUIRE(build_z(&g, &m, 64, 100000, false, &o, cmds[c],
					NULL, 0) == 0);
			CHECK_EQ(g.d.kernel_streamed, c < 4);
			CHECK_EQ(g.d.layout.kernel.pfn, m.paddr >> 12);
			check_guest(&g, &m, 100000);
			done(&g);
		}
}

/* A whole-file zstd with its content size (zstd reading stdin writes
 * none). */
#define ZSTD_SIZED "{ f=$(mktemp); cat >$f; zstd -q -c $f; rm -f $f; }"

/*
 * The file-ordered path: zstd, lz4 and lzo kernels of known size and an
 * uncompressed one decoded (copied) straight into guest memory through a
 * view of the ELF whose segment pages are the guest's; the guest is the
 * same as from the host path, mapped in pieces or whole.  Segments not
 * congruent to their pages, a zstd without its size or a whole-file lz4:
 * the host path.
 */
static void build_direct(void)
{
	static const struct {
		const char *cmd;
		bool congruent, direct;
	} cases[] = {
		{ "cat", true, true },		 { "bz:zstd", true, true },
		{ "bz:lz4", true, true },	 { "bz:lzo", true, true },
		{ ZSTD_SIZED, true, true },	 { "cat", false, false },
		{ "bz:zstd", false, false },	 { "zstd -q -c", true, false },
		{ "lz4 -l -q -c", true, false },
	};

	for (size_t c = 0; c < XB_ARRAY_SIZE(cases); c++)
		for (size_t chunk = 3; chunk <= 48; chunk *= 4) {
			struct hv_sim_opts o = { .map_chunk = chunk };
			struct elfgen m = classic;
			struct hv_sim_stats st;
			struct guest g;

			m.text_len = 300 * 1024 + 77; /* more than the head */
			m.congruent = cases[c].congruent;
			REQUIRE(build_z(&g, &m, 64, 100000, false, &o,
					cases[c].cmd, NULL, 0) == 0);
			CHECK_EQ(g.d.kernel_streamed, cases[c].direct);
			CHECK_EQ(g.d.kernel.direct_size != 0, cases[c].direct);
			CHECK_EQ(g.d.layout.kernel.pfn, m.paddr >> 12);
			check_guest(&g, &m, 100000);
			hv_sim_stats(g.d.hv, &st);
			CHECK_EQ(st.mappings, 0);
			done(&g);
		}
}

/* A build that failed after creating its domain left nothing behind. */
static void check_destroyed(struct guest *g)
{
	struct hv_sim_stats st;

	CHECK(g->d.destroyed && !g->d.created);
	hv_sim_stats(g->d.hv, &st);
	CHECK_EQ(st.live_domains, 0);
	CHECK_EQ(st.mappings, 0);
	CHECK_EQ(hv_sim_xs_count(g->d.hv, "/local"), 0);
}

/*
 * An uncompressed kernel's pages of zeros are neither mapped nor copied
 * (the domain's frames are zero already), and its bytes are right all
 * the same.  The segment is one mapping (100 pages); a long run of zeros
 * in it makes two, a short one is copied with its neighbours (still one),
 * a segment of zeros none.
 */
static void build_direct_zero(void)
{
	static const struct {
		size_t from, len;
		int maps; /* mapping calls more than the reference */
	} cases[] = {
		{ 0, 0, 0 }, /* the reference */
		{ 20 * 4096 + 100, 40 * 4096, 1 }, /* a long run, unaligned */
		{ 30 * 4096, 5 * 4096, 0 }, /* short: copied */
		{ 0, 100 * 4096 + 5, -1 }, /* the whole segment */
	};
	unsigned calls0 = 0;

	for (size_t i = 0; i < XB_ARRAY_SIZE(cases); i++) {
		struct elfgen m = classic;
		struct guest g;
		struct hv_sim_stats st;

		m.congruent = true;
		m.hypercall_page = false;
		m.text_len = 100 * 4096 + 5;
		m.zero_from = cases[i].from;
		m.zero_len = cases[i].len;
		REQUIRE(build_z(&g, &m, 64, 5000, false, NULL, "cat", NULL,
				0) == 0);
		CHECK(g.d.kernel.direct_size != 0);
		hv_sim_stats(g.d.hv, &st);
		if (i == 0)
			calls0 = st.calls;
		CHECK_EQ(st.calls, calls0 + cases[i].maps);
		check_guest(&g, &m, 5000);
		done(&g);
	}
}

/*
 * Kernels whose notes put them elsewhere than p_paddr says (PADDR_OFFSET):
 * decoded at p_paddr's pfn, then moved where the layout puts them - down,
 * up, overlapping or not, in pieces; the pages left behind are zeroed.
 */
static void build_streamed_moved(void)
{
	static const struct {
		uint64_t paddr, off;
	} cases[] = {
		{ 0x200000, 0x1000 }, /* down one page, overlapping */
		{ 0x200000, 0x200000 }, /* down, apart */
		/* p_paddr beyond the guest: decoded at pfn 0, moved up */
		{ 0x3000, 0x7f000000 },
		{ 0x100000, 0x7f000000 },
	};

	for (size_t k = 0; k < 2 * XB_ARRAY_SIZE(cases); k++)
		for (size_t chunk = 2; chunk <= 512; chunk *= 16) {
			struct hv_sim_opts o = { .map_chunk = chunk };
			struct elfgen m = classic;
			size_t i = k / 2;
			uint64_t spec, pages;
			struct guest g;
			int bad = 0;

			m.paddr = cases[i].paddr;
			m.paddr_offset = cases[i].off;
			m.text_len = 40 * 4096 + 5;
			/* streamed, and through the file-ordered view */
			m.congruent = k % 2;
			REQUIRE(build_z(&g, &m, 64, 5000, false, &o,
					k % 2 ? "bz:zstd" : "gzip -n -c", NULL,
					0) == 0);
			CHECK(g.d.kernel_streamed);
			CHECK_EQ(g.d.kernel.direct_size != 0, k % 2);
			spec = g.d.kernel_spec_pfn;
			pages = g.d.layout.kernel.pages;
			CHECK_EQ(g.d.layout.kernel.pfn, m.paddr >> 12);
			CHECK(spec != g.d.layout.kernel.pfn);
			check_guest(&g, &m, 5000);
			/* left behind: zero, unless the layout reused it */
			for (uint64_t pfn = spec; pfn < spec + pages; pfn++) {
				const uint8_t *f = gpfn(&g, pfn);
				const struct layout *l = &g.d.layout;

				if (pfn - l->kernel.pfn < pages ||
				    pfn >= l->kernel.pfn + pages)
					continue;
				for (size_t b = 0; f && b < 4096; b++)
					if (f[b] && bad++ < 3)
						t_fail(__FILE__, __LINE__,
						       "pfn %#" PRIx64, pfn);
			}
			(void)bad;
			done(&g);
		}
}

/* The initrd's one stream decoded into guest memory; zero padding after
 * it; another member after it: unpacked on the host after all (which
 * refuses members that are not cpio archives, as Linux would, and the
 * domain made for it is destroyed). */
static void build_streamed_initrd(void)
{
	static const uint8_t pad[600];
	static const uint8_t member[] = { 0x1f, 0x8b, 8, 0, 0, 0 };
	struct elfgen m = classic;
	struct hv_sim_stats st;
	struct guest g;

	m.init_p2m = 0x8000000000ULL;
	m.mod_start_pfn = true;
	m.hypercall_page = false;
	for (int modern = 0; modern < 2; modern++) {
		const struct elfgen *k = modern ? &m : &classic;

		REQUIRE(build_z(&g, k, 64, 300000, false, NULL, "xz -c", NULL,
				0) == 0);
		CHECK(g.d.initrd_streamed);
		CHECK_STR(g.d.initrd_format, "xz");
		CHECK_EQ(g.d.initrd_len, 300000);
		check_guest(&g, k, 300000);
		done(&g);
		REQUIRE(build_z(&g, k, 64, 5000, false, NULL, "gzip -n -c", pad,
				sizeof(pad)) == 0);
		CHECK(g.d.initrd_streamed);
		check_guest(&g, k, 5000);
		done(&g);
	}
	CHECK_EQ(build_z(&g, &classic, 64, 5000, false, NULL, "gzip -n -c",
			 member, sizeof(member)),
		 -XB_EINPUT);
	CHECK(!g.d.initrd_streamed);
	CHECK_CONTAINS(g.d.err.msg, "test-initrd: member 2");
	CHECK(g.d.destroyed);
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.live_domains, 0);
	CHECK_EQ(st.mappings, 0);
	done(&g);
	/* larger than the guest once decoded: after creation, destroyed */
	CHECK_EQ(build_z(&g, &classic, 4, 5u << 20, false, NULL, "gzip -n -c",
			 NULL, 0),
		 -XB_EINPUT);
	CHECK_CONTAINS(g.d.err.msg, "test-initrd: memory too small");
	CHECK(g.d.destroyed);
	done(&g);
}

/* Decode errors after the domain exists destroy it; nothing is left. */
static void build_streamed_errors(void)
{
	struct elfgen m = classic;
	struct guest g;

	m.text_len = 2 * 1024 * 1024;
	/* memory too small for the kernel: refused before creation */
	CHECK_EQ(build_z(&g, &m, 1, 0, false, NULL, "gzip -n -c", NULL, 0),
		 -XB_EINPUT);
	CHECK_CONTAINS(g.d.err.msg, "memory too small");
	CHECK(!g.d.created);
	done(&g);
	/* no room for the rest once the notes are known: after creation */
	m.paddr = 0x100000;
	m.text_len = 16 * 4096;
	CHECK_EQ(build_z(&g, &m, 2, 300 * 4096, false, NULL, "xz -c", NULL, 0),
		 -XB_EINPUT);
	CHECK_CONTAINS(g.d.err.msg, "memory too small");
	check_destroyed(&g);
	done(&g);
}

static void build_no_initrd_large(void)
{
	struct guest g;

	REQUIRE(build(&g, &classic, 2048, 0, false, NULL) == 0);
	check_guest(&g, &classic, 0);
	done(&g);
}

static void xenstore_keys(void)
{
	struct guest g;
	const char *perms;
	char path[128];

	REQUIRE(build(&g, &classic, 64, 0, false, NULL) == 0);
	snprintf(path, sizeof(path), "/local/domain/%u/name", g.d.domid);
	CHECK_STR(hv_sim_xs(g.d.hv, path, &perms), "test");
	snprintf(path, sizeof(path), "n0,r%u", g.d.domid);
	CHECK_STR(perms, path);
	snprintf(path, sizeof(path), "/local/domain/%u/store/ring-ref",
		 g.d.domid);
	REQUIRE(hv_sim_xs(g.d.hv, path, NULL));
	CHECK_EQ(strtoull(hv_sim_xs(g.d.hv, path, NULL), NULL, 10),
		 g.d.store_mfn);
	snprintf(path, sizeof(path), "/local/domain/%u/console/type",
		 g.d.domid);
	CHECK_STR(hv_sim_xs(g.d.hv, path, NULL), "xenconsoled");
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown",
		 g.d.domid);
	CHECK_STR(hv_sim_xs(g.d.hv, path, &perms), "");
	snprintf(path, sizeof(path), "n%u", g.d.domid);
	CHECK_STR(perms, path);
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target",
		 g.d.domid);
	CHECK_STR(hv_sim_xs(g.d.hv, path, NULL), "65536");
	done(&g);
}

/* A second domain, named name, on g's simulated hypervisor and kernel;
 * only its first phase (create and claim the name) when !whole. */
static int second_dom(struct guest *g, const char *name, const char *mark,
		      bool whole, struct xb_err *e)
{
	struct dom d2;
	int rc;

	strcpy(g->cfg.name, name);
	dom_init(&d2, &g->cfg);
	d2.kernel = g->d.kernel; /* shared, not freed twice */
	d2.gp = g->d.gp;
	d2.layout = g->d.layout;
	d2.hv = g->d.hv;
	d2.mark = mark;
	rc = whole ? run_domain(&d2, false) : create_domain(&d2);
	*e = d2.err;
	return rc;
}

static int second_run(struct guest *g, const char *name, struct xb_err *e)
{
	return second_dom(g, name, NULL, true, e);
}

/* A second domain with the same name loses the claim and leaves nothing;
 * another name is fine. */
static void name_in_use(void)
{
	struct hv_sim_stats st;
	struct xb_err e;
	struct guest g;

	REQUIRE(build(&g, &classic, 64, 0, false, NULL) == 0);
	CHECK(second_run(&g, "test", &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "name \"test\" is already used by domain 1");
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.live_domains, 1);
	CHECK_EQ(hv_sim_xs_count(g.d.hv, "/local/domain/2"), 0);
	CHECK_STR(hv_sim_xs(g.d.hv, "/local/domain/1/name", NULL), "test");
	CHECK(second_run(&g, "other", &e) == 0);
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.live_domains, 2);
	done(&g);
}

/* A domain's life after the build (run -F): the simulated guest's script,
 * domain_info and wait_domains, the shutdown request, dom_preserve's
 * rename and dom_destroy's removal of keys and domain. */
static void life(void)
{
	struct hv_sim_opts o = { .guest = "run,reboot" };
	struct hv_dominfo info;
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	sigset_t none;
	uint8_t uuid[16];
	struct guest g;
	char path[96];

	sigemptyset(&none);
	REQUIRE(build(&g, &classic, 64, 0, false, &o) == 0);
	REQUIRE(hv_domain_info(g.d.hv, 1, &info, &e) == 0);
	CHECK_EQ(info.state, HV_DOM_RUNNING);
	CHECK(!info.paused);
	/* "run": nothing happens until it is asked to power off */
	CHECK_EQ(hv_wait_domains(g.d.hv, 10, &none, &e), 0);
	REQUIRE(dom_request_shutdown(&g.d) == 0);
	CHECK_STR(hv_sim_xs(g.d.hv, "/local/domain/1/control/shutdown", NULL),
		  "poweroff");
	CHECK_EQ(hv_wait_domains(g.d.hv, 10, &none, &e), 1);
	REQUIRE(hv_domain_info(g.d.hv, 1, &info, &e) == 0);
	CHECK_EQ(info.state, HV_DOM_SHUTDOWN);
	CHECK_EQ(info.reason, HV_SHUTDOWN_POWEROFF);

	/* rename: the old domain keeps its keys under a new name and vm */
	memset(uuid, 0x11, sizeof(uuid));
	REQUIRE(dom_preserve(&g.d, "-20261128T2040Z", uuid) == 0);
	CHECK_STR(hv_sim_xs(g.d.hv, "/local/domain/1/name", NULL),
		  "test-20261128T2040Z");
	CHECK_STR(hv_sim_xs(g.d.hv, "/local/domain/1/vm", NULL),
		  "/vm/11111111-1111-1111-1111-111111111111");
	CHECK_STR(hv_sim_xs(g.d.hv,
			    "/vm/11111111-1111-1111-1111-111111111111/name",
			    NULL),
		  "test-20261128T2040Z");
	CHECK(!g.d.created);
	{ /* Xen's handle follows (hv_domain_by_uuid reads it) */
		uint32_t id = 0;

		CHECK(hv_domain_by_uuid(g.d.hv, uuid, &id, &e) == 0);
		CHECK_EQ(id, 1);
	}
	/* the name is free again: a second domain takes it; its guest is
	 * the script's second ("reboot") */
	CHECK(second_run(&g, "test", &e) == 0);
	CHECK_EQ(hv_wait_domains(g.d.hv, 10, &none, &e), 1);
	REQUIRE(hv_domain_info(g.d.hv, 2, &info, &e) == 0);
	CHECK_EQ(info.state, HV_DOM_SHUTDOWN);
	CHECK_EQ(info.reason, HV_SHUTDOWN_REBOOT);
	/* a name another domain has is refused (here: domain 2's) */
	g.d.created = true;
	CHECK(dom_preserve(&g.d, "", uuid) == -XB_EHV);
	CHECK_CONTAINS(
		g.d.err.msg,
		"cannot keep domain 1 as \"test\": domain 2 has that name");
	CHECK_STR(hv_sim_xs(g.d.hv, "/local/domain/1/name", NULL),
		  "test-20261128T2040Z");

	/* destroy: keys and domain go */
	xb_err_clear(&g.d.err);
	REQUIRE(dom_destroy(&g.d) == 0);
	CHECK_EQ(hv_sim_xs_count(g.d.hv, "/local/domain/1"), 0);
	REQUIRE(hv_domain_info(g.d.hv, 1, &info, &e) == 0);
	CHECK_EQ(info.state, HV_DOM_GONE);
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.live_domains, 1);
	snprintf(path, sizeof(path), "/local/domain/2/name");
	CHECK_STR(hv_sim_xs(g.d.hv, path, NULL), "test");
	done(&g);

	/* a bad script is refused when the simulator opens */
	o.guest = "run,explode";
	{
		struct hv *h = NULL;

		CHECK(hv_sim_open(&o, &h, &e) == -XB_EINTERNAL);
		CHECK_CONTAINS(e.msg, "bad guest script \"explode\"");
	}
}

static bool mark_4242_gone(const char *mark, void *ctx)
{
	(*(int *)ctx)++;
	return !strncmp(mark, "4242 ", 5);
}

/* A build killed between creation and hand-over leaves a marked domain;
 * dom_reap destroys it and nothing else.  A finished build has no mark. */
static void orphan_reaped(void)
{
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct guest g;
	uint32_t ids[4];
	unsigned n;
	int asked = 0;

	REQUIRE(build(&g, &classic, 64, 0, false, NULL) == 0);
	/* killed after the claim: domain 2 marked */
	REQUIRE(second_dom(&g, "killed", "4242 77 boot", false, &e) == 0);
	CHECK_STR(hv_sim_xs(g.d.hv, "/local/domain/2/" XB_MARK_KEY, NULL),
		  "4242 77 boot");
	/* finished with a mark of a live builder: handed over, no mark */
	REQUIRE(second_dom(&g, "alive", "1 2 boot", true, &e) == 0);
	CHECK(hv_sim_xs(g.d.hv, "/local/domain/3/" XB_MARK_KEY, NULL) == NULL);
	CHECK_STR(hv_sim_xs(g.d.hv, "/local/domain/3/name", NULL), "alive");
	REQUIRE(dom_reap(g.d.hv, mark_4242_gone, &asked, ids, 4, &n, &e) == 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(ids[0], 2);
	CHECK_EQ(asked, 1); /* only marked domains are judged */
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.live_domains, 2);
	CHECK_EQ(hv_sim_xs_count(g.d.hv, "/local/domain/2"), 0);
	CHECK_STR(hv_sim_xs(g.d.hv, "/local/domain/1/name", NULL), "test");
	/* killed between creation and the claim: found by its UUID */
	{
		struct dom d4;

		dom_init(&d4, &g.cfg);
		d4.kernel = g.d.kernel;
		d4.gp = g.d.gp;
		d4.hv = g.d.hv;
		d4.mark = "4242 78 boot";
		REQUIRE(dom_mark(&d4) == 0 && dom_create(&d4) == 0);
		CHECK_EQ(hv_sim_xs_count(g.d.hv, XB_PENDING_DIR), 1);
		/* and one killed before it created anything */
		dom_init(&d4, &g.cfg);
		d4.hv = g.d.hv;
		d4.mark = "4242 79 boot";
		REQUIRE(dom_mark(&d4) == 0);
		CHECK_EQ(hv_sim_xs_count(g.d.hv, XB_PENDING_DIR), 2);
	}
	REQUIRE(dom_reap(g.d.hv, mark_4242_gone, &asked, ids, 4, &n, &e) == 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(ids[0], 4);
	CHECK_EQ(hv_sim_xs_count(g.d.hv, XB_PENDING_DIR), 0);
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.live_domains, 2);
	/* nothing more to reap */
	REQUIRE(dom_reap(g.d.hv, mark_4242_gone, &asked, ids, 4, &n, &e) == 0);
	CHECK_EQ(n, 0);
	done(&g);
}

/* A wrong page-table entry must be refused at pin time, and the failed
 * build must leave nothing behind. */
static void bad_pte_refused(void)
{
	struct hv_sim_stats st;
	struct guest g;

	CHECK(build(&g, &classic, 64, 0, true, NULL) == -XB_EHV);
	CHECK_CONTAINS(g.d.err.msg, "mapped writable");
	hv_sim_stats(g.d.hv, &st);
	CHECK_EQ(st.live_domains, 0);
	CHECK_EQ(st.mappings, 0);
	CHECK_EQ(hv_sim_xs_count(g.d.hv, "/local/domain"), 0);
	CHECK_EQ(hv_sim_xs_count(g.d.hv, "/vm"), 0);
	done(&g);
}

static int open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* One build of a walk below: a fresh simulator with opts (NULL: no
 * fault); ctx is the walk's own. */
typedef int (*walk_build_fn)(struct guest *g, const struct hv_sim_opts *opts,
			     const void *ctx);

/* Fail every backend call of make in turn: each failure is reported with
 * its step, the domain is gone, nothing stays mapped, open or in xenstore
 * (leaks show under `make SAN=1 unit`, which runs this with LSan).  what
 * names the run; a run makes more than min_calls calls. */
static void fault_walk_each(walk_build_fn make, const void *ctx,
			    const char *what, unsigned min_calls)
{
	unsigned total, k;
	struct guest g;
	struct hv_sim_stats st;

	REQUIRE(make(&g, NULL, ctx) == 0);
	hv_sim_stats(g.d.hv, &st);
	total = st.calls;
	done(&g);
	printf("  %u backend calls in %s\n", total, what);
	CHECK(total > min_calls);
	for (k = 1; k <= total; k++) {
		struct hv_sim_opts o = { .fail_call = (int)k };
		int rc, fds = open_fds();

		rc = make(&g, &o, ctx);
		hv_sim_stats(g.d.hv, &st);
		if (rc == 0 || !strstr(g.d.err.msg, "simulated failure") ||
		    st.live_domains != 0 || st.mappings != 0 ||
		    hv_sim_xs_count(g.d.hv, "/local") ||
		    hv_sim_xs_count(g.d.hv, "/vm"))
			t_fail(__FILE__, __LINE__,
			       "fault at call %u (%s): rc %d, "
			       "domains %u, mappings %u, msg '%s'",
			       k, hv_sim_call_name(g.d.hv, k), rc,
			       st.live_domains, st.mappings, g.d.err.msg);
		done(&g);
		if (open_fds() != fds)
			t_fail(__FILE__, __LINE__,
			       "fault at call %u: %d fds open, %d before", k,
			       open_fds(), fds);
	}
}

/* The classic test kernel, 64 MiB, an initrd; ctx: the command that
 * compresses the kernel, or NULL. */
static int walk_build_pv(struct guest *g, const struct hv_sim_opts *opts,
			 const void *zcmd)
{
	return build_z(g, &classic, 64, 5000, false, opts, zcmd, NULL, 0);
}

/* ---- PVH ---- */

static const struct elfgen pvh_kernel = {
	.virt_base = 0xffffffff80000000ULL,
	.paddr = 0x1000000,
	.entry_off = 0x10,
	.text_len = 3 * 4096 + 100,
	.bss_len = 5000,
	.phys32_entry = 0x1000040,
};

/* A PVH guest of mem_mb MiB with vcpus vCPUs built and run on a fresh
 * simulated hypervisor (opts may be NULL). */
static int build_pvh(struct guest *g, const struct elfgen *eg, uint64_t mem_mb,
		     unsigned vcpus, size_t initrd_len,
		     const struct hv_sim_opts *opts)
{
	struct dom_input kernel = { .name = "test-kernel" };
	struct dom_input initrd = { .name = "test-initrd", .len = initrd_len };
	int rc;

	memset(g, 0, sizeof(*g));
	cfg_init(&g->cfg);
	strcpy(g->cfg.name, "test");
	g->cfg.type = XB_DOM_PVH;
	g->cfg.memory_mb = g->cfg.maxmem_mb = mem_mb;
	g->cfg.vcpus = g->cfg.maxvcpus = vcpus;
	g->cfg.kernel = strdup("test-kernel");
	g->cfg.cmdline = strdup("console=hvc0 xbuild=pvh");
	g->cfg.nr_cpuid = 1;
	g->cfg.cpuid[0].leaf = 0x80000001;
	g->cfg.cpuid[0].subleaf = XB_CPUID_ANY_SUBLEAF;
	/* As the config parser leaves them: registers not named all 'x'. */
	for (unsigned r = 0; r < 3; r++)
		memset(g->cfg.cpuid[0].policy[r], 'x', 32);
	strcpy(g->cfg.cpuid[0].policy[3], "xxxx0xxxxxxxxxxxxxxxxxxxxxxxxxxx");
	dom_init(&g->d, &g->cfg);
	g->elf = elfgen_build(eg, &g->elf_len);
	if (!g->elf)
		return -1;
	kernel.buf = g->elf;
	kernel.len = g->elf_len;
	if (initrd_len) {
		if (!(initrd.buf = test_initrd(g, initrd_len)))
			return -1;
	}
	if (dom_load(&g->d, &kernel, initrd_len ? &initrd : NULL) < 0)
		return -2;
	if ((rc = dom_plan(&g->d)) < 0)
		return rc;
	if ((rc = hv_sim_open(opts, &g->d.hv, &g->d.err)) < 0)
		return rc;
	return run_domain(&g->d, false);
}

/* Guest physical address pa of the PVH guest, through its gfn. */
static uint8_t *gpa(struct guest *g, uint64_t pa)
{
	uint8_t *f = hv_sim_pfn_frame(g->d.hv, g->d.domid, pa >> 12);

	return f ? f + (pa & 0xfff) : NULL;
}

static void check_pvh(struct guest *g, const struct elfgen *eg,
		      size_t initrd_len, unsigned vcpus)
{
	const struct pvh_layout *l = &g->d.pvh;
	struct hv_sim_hvm h;
	struct hv_sim_stats st;
	struct hvm_start_info si;
	struct hvm_modlist_entry m;
	char path[96];
	const char *v;
	uint8_t *p;
	uint64_t mem = g->cfg.memory_mb << 20;

	REQUIRE(hv_sim_hvm(g->d.hv, g->d.domid, &h) == 0);
	CHECK(h.hvm);
	CHECK_EQ(h.paging_pool,
		 (256ULL * vcpus + g->cfg.memory_mb) * 4096); /* HAP */
	CHECK(h.tsc_set);
	CHECK_EQ(h.tsc_mode, 0);
	CHECK(h.cpuid_set);
	CHECK_EQ(h.nr_cpuid, 1);
	/* Only the register the key names gets a string (as xl). */
	CHECK_EQ(h.nr_cpuid_regs, 1);
	CHECK_EQ(h.nr_e820, l->nr_memmap);
	CHECK(!memcmp(h.e820, l->memmap, l->nr_memmap * sizeof(h.e820[0])));
	CHECK_EQ(h.nr_ranges, l->nr_ranges);
	for (unsigned i = 0; i < l->nr_ranges; i++) {
		CHECK_EQ(h.ranges[i].pfn, l->ranges[i].pfn);
		CHECK_EQ(h.ranges[i].n, l->ranges[i].pages);
	}
	/* HVM params of the special pages and event channels. */
	CHECK_EQ(h.params[HVM_PARAM_STORE_PFN], 0xfeffc);
	CHECK_EQ(h.params[HVM_PARAM_CONSOLE_PFN], 0xfefff);
	CHECK_EQ(h.params[HVM_PARAM_IOREQ_PFN], 0xfeffd);
	CHECK_EQ(h.params[HVM_PARAM_BUFIOREQ_PFN], 0xfeffb);
	CHECK_EQ(h.params[HVM_PARAM_PAGING_RING_PFN], 0xfeff8);
	CHECK_EQ(h.params[HVM_PARAM_MONITOR_RING_PFN], 0xfeff9);
	CHECK_EQ(h.params[HVM_PARAM_SHARING_RING_PFN], 0xfeffa);
	CHECK_EQ(h.params[HVM_PARAM_IDENT_PT], 0xfeffe000);
	CHECK_EQ(h.params[HVM_PARAM_TIMER_MODE], 1);
	CHECK(h.params_set & (1ULL << HVM_PARAM_ALTP2M));
	CHECK_EQ(h.params[HVM_PARAM_STORE_EVTCHN], g->d.store_evtchn);
	CHECK_EQ(h.params[HVM_PARAM_CONSOLE_EVTCHN], g->d.console_evtchn);
	CHECK(g->d.store_evtchn && g->d.console_evtchn);
	/* vCPU 0: flat 32-bit protected mode at PHYS32_ENTRY. */
	CHECK(h.has_vcpu);
	CHECK_EQ(h.vcpu.rip, eg->phys32_entry);
	CHECK_EQ(h.vcpu.rbx, l->si_paddr);
	CHECK_EQ(h.vcpu.cr0, 0x11);
	CHECK_EQ(h.vcpu.cs_ar, 0xc9b);
	CHECK_EQ(h.vcpu.ds_ar, 0xc93);
	CHECK_EQ(h.vcpu.tr_ar, 0x8b);
	CHECK_EQ(h.vcpu.mtrr_def_type, 0x806);
	/* Grant entries name gfns. */
	CHECK(h.grants_by_gfn);
	CHECK_EQ(h.grant_frame[0], 0xfefff);
	CHECK_EQ(h.grant_frame[1], 0xfeffc);
	/* The kernel's bytes at their physical addresses, bss zero. */
	for (size_t i = 0; i < eg->text_len + eg->bss_len; i++) {
		p = gpa(g, eg->paddr + i);
		if (!p || *p != elfgen_want(eg, i)) {
			t_fail(__FILE__, __LINE__, "kernel byte %zu", i);
			break;
		}
	}
	/* hvm_start_info at rbx, as the guest reads it. */
	REQUIRE((p = gpa(g, h.vcpu.rbx)));
	memcpy(&si, p, sizeof(si));
	CHECK_EQ(si.magic, XEN_HVM_START_MAGIC_VALUE);
	CHECK_EQ(si.version, 1);
	CHECK_EQ(si.nr_modules, initrd_len ? 1u : 0u);
	REQUIRE(si.cmdline_paddr);
	CHECK_STR((char *)gpa(g, si.cmdline_paddr), "console=hvc0 xbuild=pvh");
	CHECK_EQ(si.memmap_entries, l->nr_memmap);
	for (unsigned i = 0; i < si.memmap_entries; i++) {
		struct hvm_memmap_table_entry e;

		memcpy(&e, gpa(g, si.memmap_paddr + i * sizeof(e)), sizeof(e));
		CHECK_EQ(e.addr, l->memmap[i].addr);
		CHECK_EQ(e.size, l->memmap[i].size);
	}
	if (initrd_len) {
		memcpy(&m, gpa(g, si.modlist_paddr), sizeof(m));
		CHECK_EQ(m.size, initrd_len);
		CHECK_EQ(m.paddr & 0xfff, 0);
		CHECK(m.paddr >= eg->paddr + eg->text_len + eg->bss_len);
		for (size_t i = 0; i < initrd_len; i++) {
			p = gpa(g, m.paddr + i);
			if (!p || *p != initrd_byte(i)) {
				t_fail(__FILE__, __LINE__, "initrd byte %zu",
				       i);
				break;
			}
		}
	}
	/* ACPI: the RSDP where hvm_start_info says, its checksums, the XSDT
	 * it names leads to a MADT with one enabled local APIC per vCPU. */
	REQUIRE(si.rsdp_paddr == l->rsdp_paddr && l->has_acpi);
	REQUIRE((p = gpa(g, si.rsdp_paddr)));
	{
		uint8_t sum20 = 0, sum36 = 0, *x, *madt = NULL;
		uint64_t xsdt, ent;
		uint32_t xlen, mlen;
		unsigned enabled = 0;

		CHECK(!memcmp(p, "RSD PTR ", 8));
		for (unsigned i = 0; i < 36; i++) {
			sum36 += p[i];
			if (i < 20)
				sum20 += p[i];
		}
		CHECK_EQ(sum20, 0);
		CHECK_EQ(sum36, 0);
		memcpy(&xsdt, p + 24, 8);
		CHECK(xsdt >= l->acpi_paddr &&
		      xsdt < l->acpi_paddr + l->acpi_len);
		REQUIRE((x = gpa(g, xsdt)));
		CHECK(!memcmp(x, "XSDT", 4));
		memcpy(&xlen, x + 4, 4);
		for (uint32_t o = 36; o + 8 <= xlen; o += 8) {
			uint8_t *t;

			memcpy(&ent, x + o, 8);
			if ((t = gpa(g, ent)) && !memcmp(t, "APIC", 4))
				madt = t;
		}
		REQUIRE(madt);
		memcpy(&mlen, madt + 4, 4);
		for (uint32_t o = 44; o + 2 <= mlen; o += madt[o + 1]) {
			if (madt[o + 1] == 0)
				break;
			if (madt[o] == 0 && (madt[o + 4] & 1))
				enabled++;
		}
		CHECK_EQ(enabled, vcpus);
	}
	/* Special pages: the identity page table, the rings zeroed. */
	REQUIRE((p = gpa(g, 0xfeffe000)));
	CHECK_EQ(((uint32_t *)p)[1], 0x4000e7);
	REQUIRE((p = gpa(g, 0xfeffc000)));
	CHECK(p[0] == 0 && p[4095] == 0);
	/* RAM in the memory map adds up to the config's memory. */
	{
		uint64_t ram = 0;

		for (unsigned i = 0; i < l->nr_memmap; i++)
			if (l->memmap[i].type == 1)
				ram += l->memmap[i].size;
		CHECK_EQ(ram, mem);
	}
	/* xenstore: ring-refs are gfns; no /vm image keys (as xl). */
	snprintf(path, sizeof(path), "/local/domain/%u/store/ring-ref",
		 g->d.domid);
	v = hv_sim_xs(g->d.hv, path, NULL);
	CHECK_STR(v ? v : "", "1044476");
	snprintf(path, sizeof(path), "/local/domain/%u/console/ring-ref",
		 g->d.domid);
	v = hv_sim_xs(g->d.hv, path, NULL);
	CHECK_STR(v ? v : "", "1044479");
	CHECK_EQ(hv_sim_xs_count(g->d.hv, "/vm"),
		 4); /* dir, name, uuid, time */
	hv_sim_stats(g->d.hv, &st);
	CHECK(st.running && st.introduced && !st.pinned);
	CHECK_EQ(st.mappings, 0);
}

static void pvh_build_small(void)
{
	struct guest g;

	REQUIRE(build_pvh(&g, &pvh_kernel, 128, 1, 3 * 4096 + 7, NULL) == 0);
	CHECK_EQ(g.d.pvh.nr_memmap, 4); /* RAM, special, RSDP, tables */
	check_pvh(&g, &pvh_kernel, 3 * 4096 + 7, 1);
	done(&g);
}

/* Above the hole: RAM from 4 GiB too; no initrd; two vCPUs. */
static void pvh_build_high(void)
{
	struct guest g;

	REQUIRE(build_pvh(&g, &pvh_kernel, 4200, 2, 0, NULL) == 0);
	CHECK_EQ(g.d.pvh.nr_memmap, 5);
	CHECK_EQ(g.d.pvh.highmem_end, (1ULL << 32) + (4200 - 4032) * MiB);
	check_pvh(&g, &pvh_kernel, 0, 2);
	done(&g);
}

/* A kernel without PHYS32_ENTRY is refused before any hypervisor call. */
static void pvh_no_entry(void)
{
	struct elfgen k = pvh_kernel;
	struct guest g;

	k.phys32_entry = 0;
	CHECK_EQ(build_pvh(&g, &k, 128, 1, 0, NULL), -2);
	CHECK_CONTAINS(g.d.err.msg, "test-kernel: the kernel has no PVH entry");
	CHECK(g.d.hv == NULL);
	done(&g);
	/* Xen's HVM limit: 128 vCPUs, checked by the plan. */
	CHECK_EQ(build_pvh(&g, &pvh_kernel, 128, 129, 0, NULL), -XB_EINPUT);
	CHECK_CONTAINS(g.d.err.msg, "a PVH guest has at most 128 vCPUs");
	CHECK(g.d.hv == NULL);
	done(&g);
}

/* A PVH guest of 128 MiB, 2 vCPUs and an initrd. */
static int walk_build_pvh(struct guest *g, const struct hv_sim_opts *opts,
			  const void *ctx)
{
	(void)ctx;
	return build_pvh(g, &pvh_kernel, 128, 2, 5000, opts);
}

static void pvh_fault_walk(void)
{
	fault_walk_each(walk_build_pvh, NULL, "a PVH run", 30);
}

static void fault_walk(void)
{
	fault_walk_each(walk_build_pv, NULL, "a run", 20);
}

/* The same with the kernel decoded straight into guest memory. */
static void fault_walk_streamed(void)
{
	fault_walk_each(walk_build_pv, "gzip -n -c", "a streamed run", 20);
}

/* The classic test kernel, its segment congruent to its pages, through
 * the file-ordered view (zstd bzImage, uncompressed). */
static int walk_build_direct(struct guest *g, const struct hv_sim_opts *opts,
			     const void *zcmd)
{
	struct elfgen m = classic;
	int rc;

	m.congruent = true;
	m.text_len = 40 * 4096 + 5;
	rc = build_z(g, &m, 64, 5000, false, opts, zcmd, NULL, 0);
	if (!g->d.kernel.direct_size)
		t_fail(__FILE__, __LINE__, "%s: not the file-ordered path",
		       (const char *)zcmd);
	return rc;
}

static void fault_walk_direct(void)
{
	fault_walk_each(walk_build_direct, "bz:zstd", "a zstd run", 20);
	fault_walk_each(walk_build_direct, "cat", "an uncompressed run", 20);
}

const struct test tests[] = {
	{ "build_classic", build_classic },
	{ "build_modern", build_modern },
	{ "build_pieces", build_pieces },
	{ "build_lean", build_lean },
	{ "build_lean_1t", build_lean_1t },
	{ "build_lean_bad_pte", build_lean_bad_pte },
	{ "build_no_initrd_2g", build_no_initrd_large },
	{ "build_streamed", build_streamed },
	{ "build_streamed_moved", build_streamed_moved },
	{ "build_direct", build_direct },
	{ "build_direct_zero", build_direct_zero },
	{ "build_streamed_errors", build_streamed_errors },
	{ "build_streamed_initrd", build_streamed_initrd },
	{ "build_xenstore_keys", xenstore_keys },
	{ "build_name_in_use", name_in_use },
	{ "build_orphan_reaped", orphan_reaped },
	{ "build_bad_pte_refused", bad_pte_refused },
	{ "build_fault_walk", fault_walk },
	{ "build_life", life },
	{ "pvh_build_small", pvh_build_small },
	{ "pvh_build_high", pvh_build_high },
	{ "pvh_no_entry", pvh_no_entry },
	{ "pvh_fault_walk", pvh_fault_walk },
	{ "build_fault_walk_streamed", fault_walk_streamed },
	{ "build_fault_walk_direct", fault_walk_direct },
	{ NULL, NULL },
};
