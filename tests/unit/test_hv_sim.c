/*
 * test_hv_sim.c - the simulated hypervisor on its own, call by call: what
 * test_build.c's whole builds do not reach (every pin-time refusal, the
 * copy-in/copy-out of mappings, the xenstore model's directory and removal
 * rules, fault injection by operation name, the limits).
 */
#include "harness.h"

#include <stdlib.h>
#include <sys/mman.h>

#include "../../src/hv/sim_inspect.h"
#include "../../src/x86.h"

#define SIM_FIRST_MFN (1ULL << 30) /* hv_sim.h: every mfn is above pfns */

static struct hv *sim_new(const struct hv_sim_opts *o)
{
	struct xb_err e = { 0 };
	struct hv *h = NULL;

	if (hv_sim_open(o, &h, &e) < 0) {
		t_fail(__FILE__, __LINE__, "hv_sim_open: %s", e.msg);
		return NULL;
	}
	return h;
}

/* A domain with n populated frames; mfns[] receives them. */
static uint32_t dom_new(struct hv *h, bool pae, uint64_t n, uint64_t *mfns)
{
	struct hv_create c = { .pae = pae, .max_vcpus = 1 };
	struct xb_err e = { 0 };
	uint32_t domid = 0;

	if (hv_domain_create(h, &c, &domid, &e) < 0 ||
	    (n && (hv_populate(h, domid, n, &e) < 0 ||
		   hv_mfns(h, domid, 0, n, mfns, &e) < 0)))
		t_fail(__FILE__, __LINE__, "domain: %s", e.msg);
	return domid;
}

static uint64_t *frame64(struct hv *h, uint64_t mfn)
{
	return hv_sim_frame(h, mfn);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void sim_frames(void)
{
	enum { N = 1024 };
	uint64_t mfns[N], sorted[N], shinfo = 0;
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(NULL);
	uint32_t domid;
	char caps[128];
	int near = 0;

	REQUIRE(h);
	CHECK_STR(h->ops->name, "sim");
	REQUIRE(hv_caps(h, caps, sizeof(caps), &e) == 0);
	CHECK_STR(caps, "xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 "
			"hvm-3.0-x86_32p hvm-3.0-x86_64");
	domid = dom_new(h, false, N, mfns);
	CHECK_EQ(domid, 1);
	/* Scattered: all distinct, never the pfn, neighbours far apart. */
	memcpy(sorted, mfns, sizeof(sorted));
	qsort(sorted, N, sizeof(sorted[0]), cmp_u64);
	for (size_t i = 1; i < N; i++)
		CHECK(sorted[i] != sorted[i - 1]);
	for (uint64_t pfn = 0; pfn < N; pfn++) {
		CHECK(mfns[pfn] >= SIM_FIRST_MFN);
		CHECK_EQ(hv_sim_owner(h, mfns[pfn]), domid);
		CHECK(hv_sim_frame(h, mfns[pfn]) != NULL);
		if (pfn && (mfns[pfn] - mfns[pfn - 1] < 16 ||
			    mfns[pfn - 1] - mfns[pfn] < 16))
			near++;
	}
	CHECK_EQ(near, 0);
	/* Fresh frames are zero. */
	CHECK_EQ(frame64(h, mfns[7])[0], 0);
	CHECK_EQ(frame64(h, mfns[7])[511], 0);
	/* Not frames at all. */
	CHECK(hv_sim_frame(h, 5) == NULL);
	CHECK_EQ(hv_sim_owner(h, 5), -1);
	CHECK(hv_sim_frame(h, UINT64_MAX) == NULL);

	/* The shared-info frame is the domain's, outside the p2m, filled. */
	REQUIRE(hv_shared_info_mfn(h, domid, &shinfo, &e) == 0);
	CHECK_EQ(hv_sim_owner(h, shinfo), domid);
	for (size_t i = 0; i < N; i++)
		CHECK(mfns[i] != shinfo);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, shinfo))[100], 0xa5);

	hv_sim_stats(h, &st);
	CHECK_EQ(st.live_domains, 1);
	CHECK_EQ(st.frames, N + 1);
	CHECK_EQ(st.mappings, 0);
	CHECK(!st.pinned && !st.running && !st.introduced);

	/* A second domain gets the next id and its own frames. */
	{
		uint64_t m2[4];
		uint32_t d2 = dom_new(h, true, 4, m2);

		CHECK_EQ(d2, 2);
		CHECK_EQ(hv_sim_owner(h, m2[3]), d2);
		hv_sim_stats(h, &st);
		CHECK_EQ(st.live_domains, 2);
		CHECK_EQ(st.frames, N + 1 + 4 + 1);
		REQUIRE(hv_destroy(h, d2, &e) == 0);
		CHECK_EQ(hv_sim_owner(h, m2[3]), -1);
	}

	/* Destroy frees the frames; the domain is gone for every call. */
	REQUIRE(hv_destroy(h, domid, &e) == 0);
	CHECK_EQ(hv_sim_owner(h, mfns[0]), -1);
	CHECK_EQ(hv_sim_owner(h, shinfo), -1);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.live_domains, 0);
	CHECK_EQ(st.frames, 0);
	CHECK(hv_map(h, domid, mfns, 1, &e) == NULL);
	CHECK_EQ(e.code, XB_EHV);
	CHECK_STR(e.msg, "map: no domain 1");
	xb_err_clear(&e);
	CHECK_EQ(hv_destroy(h, domid, &e), -XB_EHV);
	CHECK_STR(e.msg, "destroy: no domain 1");
	hv_close(h);
}

static void sim_limits(void)
{
	struct hv_sim_opts o = { .max_pages = 100 };
	struct hv_create c = { .max_vcpus = 1 };
	struct xb_err e = { 0 };
	uint64_t mfns[200];
	struct hv *h = sim_new(&o);
	uint32_t domid, ids[8];
	unsigned n = 0;

	REQUIRE(h);
	domid = dom_new(h, false, 0, NULL);
	CHECK_EQ(hv_populate(h, domid, 101, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "populate(dom 1, 101 pages): out of memory");
	xb_err_clear(&e);
	/* max memory in KiB: 50 pages. */
	REQUIRE(hv_set_max_mem(h, domid, 200, &e) == 0);
	CHECK_EQ(hv_populate(h, domid, 51, &e), -XB_EHV);
	CHECK_STR(e.msg,
		  "populate(dom 1, 51 pages): exceeds max memory 200 KiB");
	xb_err_clear(&e);
	REQUIRE(hv_populate(h, domid, 50, &e) == 0);
	REQUIRE(hv_mfns(h, domid, 0, 50, mfns, &e) == 0);
	CHECK_EQ(hv_sim_owner(h, mfns[49]), domid);
	/* Once per domain; lookups stay inside what was populated. */
	CHECK_EQ(hv_populate(h, domid, 1, &e), -XB_EINTERNAL);
	CHECK_STR(e.msg, "populate(dom 1): already populated");
	xb_err_clear(&e);
	CHECK_EQ(hv_mfns(h, domid, 49, 2, mfns, &e), -XB_EINTERNAL);
	CHECK_STR(e.msg, "mfns(dom 1): pfns 0x31+2 outside the 50 populated");
	xb_err_clear(&e);
	CHECK_EQ(hv_mfns(h, 9, 0, 1, mfns, &e), -XB_EHV);
	CHECK_STR(e.msg, "mfns: no domain 9");
	xb_err_clear(&e);

	/* max_vcpus 0 and more than eight live domains are refused. */
	c.max_vcpus = 0;
	CHECK_EQ(hv_domain_create(h, &c, &ids[0], &e), -XB_EHV);
	CHECK_STR(e.msg, "domain_create: max_vcpus 0");
	xb_err_clear(&e);
	c.max_vcpus = 1;
	while (hv_domain_create(h, &c, &ids[n], &e) == 0)
		n++;
	CHECK_EQ(n, 7);
	CHECK_STR(e.msg, "domain_create: too many domains");
	hv_close(h);
}

static void sim_map_copy(void)
{
	uint64_t mfns[4], two[2], other;
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(NULL);
	uint32_t domid, d2;
	uint8_t *p, *maps[64];

	REQUIRE(h);
	domid = dom_new(h, false, 4, mfns);
	d2 = dom_new(h, false, 1, &other);

	/* Copy-in: what the frame holds when mapped. */
	memset(hv_sim_frame(h, mfns[2]), 0x11, XB_PAGE_SIZE);
	two[0] = mfns[2];
	two[1] = mfns[0];
	p = hv_map(h, domid, two, 2, &e);
	REQUIRE(p);
	CHECK_EQ(p[0], 0x11);
	CHECK_EQ(p[XB_PAGE_SIZE - 1], 0x11);
	CHECK_EQ(p[XB_PAGE_SIZE], 0);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.mappings, 1);
	/* Copy-out happens at unmap, in the order of the mfn list. */
	memset(p, 0x22, XB_PAGE_SIZE);
	memset(p + XB_PAGE_SIZE, 0x33, XB_PAGE_SIZE);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, mfns[2]))[0], 0x11);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, mfns[0]))[0], 0);
	hv_unmap(h, p, 2);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, mfns[2]))[5], 0x22);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, mfns[0]))[5], 0x33);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, mfns[1]))[5], 0);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.mappings, 0);
	/* Unmapping an unknown address does nothing. */
	hv_unmap(h, two, 1);

	/* Refusals. */
	CHECK(hv_map(h, domid, &other, 1, &e) == NULL);
	CHECK_CONTAINS(e.msg, ") is not owned by the domain");
	CHECK_CONTAINS(e.msg, "map(dom 1): frame 0 (mfn 0x");
	xb_err_clear(&e);
	two[0] = mfns[1];
	two[1] = 12345;
	CHECK(hv_map(h, domid, two, 2, &e) == NULL);
	CHECK_STR(e.msg, "map(dom 1): frame 1 (mfn 0x3039) is not a frame");
	xb_err_clear(&e);
	CHECK(hv_map(h, domid, mfns, 0, &e) == NULL);
	CHECK_STR(e.msg, "map(dom 1): 0 frames");
	xb_err_clear(&e);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.mappings, 0);

	/* At most 64 outstanding mappings. */
	for (unsigned i = 0; i < 64; i++) {
		maps[i] = hv_map(h, d2, &other, 1, &e);
		REQUIRE(maps[i]);
	}
	CHECK(hv_map(h, d2, &other, 1, &e) == NULL);
	CHECK_STR(e.msg, "map(dom 2): too many mappings");
	hv_sim_stats(h, &st);
	CHECK_EQ(st.mappings, 64);
	for (unsigned i = 0; i < 32; i++)
		hv_unmap(h, maps[i], 1);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.mappings, 32);
	hv_close(h); /* frees the 32 left */
}

/*
 * A four-level table over frames m[0..5] of a 64-bit domain:
 * L4 m0 -> L3 m1 -> L2 m2 -> L1 m3; the L1 maps m4 writable and the L4
 * read-only; m5 is spare.
 */
#define PTE(mfn, fl) (((mfn) << XB_PAGE_SHIFT) | PT_PRESENT | (fl))

static void tables(struct hv *h, const uint64_t *m)
{
	for (int i = 0; i < 4; i++)
		memset(hv_sim_frame(h, m[i]), 0, XB_PAGE_SIZE);
	frame64(h, m[0])[0] = PTE(m[1], PT_RW);
	frame64(h, m[0])[511] = PTE(m[1], PT_RW); /* shared, same level */
	frame64(h, m[1])[0] = PTE(m[2], PT_RW);
	frame64(h, m[2])[3] = PTE(m[3], PT_RW);
	frame64(h, m[3])[0] = PTE(m[4], PT_RW);
	frame64(h, m[3])[1] = PTE(m[0], 0);
}

/* Pin must fail with msg; afterwards no frame is a page table any more. */
static void pin_refused(struct hv *h, uint32_t domid, unsigned levels,
			uint64_t root, const uint64_t *m, const char *msg)
{
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	void *p;

	CHECK_EQ(hv_pin_root(h, domid, levels, root, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, msg);
	hv_sim_stats(h, &st);
	CHECK(!st.pinned);
	/* Xen undid the partial validation: every table maps again. */
	xb_err_clear(&e);
	p = hv_map(h, domid, m, 4, &e);
	CHECK(p != NULL);
	if (p)
		hv_unmap(h, p, 4);
}

static void sim_pin(void)
{
	struct hv_vcpu v = { .is64 = true,
			     .rip = 0xffffffff80001000ULL,
			     .rsp = 0xffffffff80400000ULL };
	uint64_t m[6], other, pm[8];
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(NULL);
	uint32_t domid, d2, pae;
	char msg[160];
	void *p;

	REQUIRE(h);
	domid = dom_new(h, false, 6, m);
	d2 = dom_new(h, false, 1, &other);

	tables(h, m);
	pin_refused(h, domid, 3, m[0], m, "pin: L3 root for a 64-bit guest");
	pin_refused(h, domid, 4, other, m, "is not a frame of dom 1");
	/* An entry naming another domain's frame. */
	frame64(h, m[2])[7] = PTE(other, 0);
	snprintf(msg, sizeof(msg),
		 "pin: L2 entry 7 of mfn %#" PRIx64 " points at mfn %#" PRIx64
		 ", not a frame of the domain",
		 m[2], other);
	pin_refused(h, domid, 4, m[0], m, msg);
	REQUIRE(hv_destroy(h, d2, &e) == 0); /* other: nobody's now */
	pin_refused(h, domid, 4, m[0], m, msg);
	frame64(h, m[2])[7] = PTE(m[5], PT_PSE);
	pin_refused(h, domid, 4, m[0], m, "pin: L2 entry 7 is a superpage");
	frame64(h, m[2])[7] = PTE(m[5], 0) | (1ULL << 60);
	pin_refused(h, domid, 4, m[0], m, "pin: L2 entry 7 has reserved bits");
	/* The same frame at two levels: m3 is an L1 and would be an L2. */
	frame64(h, m[2])[7] = 0;
	frame64(h, m[1])[1] = PTE(m[3], 0);
	snprintf(msg, sizeof(msg),
		 "pin: mfn %#" PRIx64 " used as L1 and L2 table", m[3]);
	pin_refused(h, domid, 4, m[0], m, msg);
	frame64(h, m[1])[1] = 0;
	/* An L1 entry mapping a table writable. */
	frame64(h, m[3])[1] = PTE(m[0], PT_RW);
	snprintf(msg, sizeof(msg),
		 "pin: page-table frame mfn %#" PRIx64
		 " (L4) is mapped writable",
		 m[0]);
	pin_refused(h, domid, 4, m[0], m, msg);
	frame64(h, m[3])[1] = PTE(m[0], 0);
	/* A table the builder still maps (its mapping is writable). */
	p = hv_map(h, domid, &m[2], 1, &e);
	REQUIRE(p);
	snprintf(msg, sizeof(msg),
		 "pin: page-table frame mfn %#" PRIx64
		 " is still mapped by the builder",
		 m[2]);
	pin_refused(h, domid, 4, m[0], m, msg);
	hv_unmap(h, p, 1);

	/* No vCPU context before the pin; no unpause before a context. */
	v.cr3_mfn = m[0];
	CHECK_EQ(hv_set_vcpu(h, domid, 0, &v, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "is not the pinned root");
	xb_err_clear(&e);
	CHECK_EQ(hv_unpause(h, domid, &e), -XB_EHV);
	CHECK_STR(e.msg, "unpause: vcpu 0 has no context");
	xb_err_clear(&e);

	/* The good pin; the shared L3 counts once. */
	REQUIRE(hv_pin_root(h, domid, 4, m[0], &e) == 0);
	hv_sim_stats(h, &st);
	CHECK(st.pinned);
	CHECK_EQ(st.pinned_tables, 4);
	/* Page tables no longer map; data frames do. */
	CHECK(hv_map(h, domid, &m[1], 1, &e) == NULL);
	CHECK_CONTAINS(e.msg, ") is a pinned page table");
	xb_err_clear(&e);
	p = hv_map(h, domid, &m[4], 1, &e);
	REQUIRE(p);
	hv_unmap(h, p, 1);

	/* vCPU context checks. */
	v.cr3_mfn = m[1];
	CHECK_EQ(hv_set_vcpu(h, domid, 0, &v, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "is not the pinned root");
	xb_err_clear(&e);
	v.cr3_mfn = m[0];
	CHECK_EQ(hv_set_vcpu(h, domid, 1, &v, &e), -XB_EHV);
	CHECK_STR(e.msg, "set_vcpu: vcpu 1");
	xb_err_clear(&e);
	v.rip = 0x0000900000000000ULL;
	CHECK_EQ(hv_set_vcpu(h, domid, 0, &v, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "set_vcpu: bad context (rip 0x900000000000");
	xb_err_clear(&e);
	v.rip = 0xffffffff80001000ULL;
	v.is64 = false;
	CHECK_EQ(hv_set_vcpu(h, domid, 0, &v, &e), -XB_EHV);
	xb_err_clear(&e);
	v.is64 = true;
	CHECK(hv_sim_vcpu(h, domid) == NULL);
	REQUIRE(hv_set_vcpu(h, domid, 0, &v, &e) == 0);
	REQUIRE(hv_sim_vcpu(h, domid));
	CHECK_EQ(hv_sim_vcpu(h, domid)->rip, v.rip);
	CHECK_EQ(hv_sim_vcpu(h, domid)->cr3_mfn, m[0]);
	REQUIRE(hv_unpause(h, domid, &e) == 0);

	/* hypercall_init fills the frame; only the domain's own. */
	CHECK_EQ(hv_hypercall_init(h, domid, other, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "is not a frame of dom 1");
	xb_err_clear(&e);
	REQUIRE(hv_hypercall_init(h, domid, m[5], &e) == 0);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, m[5]))[4095], 0xcc);

	hv_sim_stats(h, &st);
	CHECK(st.pinned && st.running);
	CHECK_EQ(st.hypercall_mfn, m[5]);

	/* PAE: an L3 root, of which only the 4 first entries count. */
	pae = dom_new(h, true, 4, pm);
	for (int i = 0; i < 3; i++)
		memset(hv_sim_frame(h, pm[i]), 0, XB_PAGE_SIZE);
	frame64(h, pm[0])[0] = PTE(pm[1], 0);
	frame64(h, pm[0])[3] = PTE(pm[1], 0);
	frame64(h, pm[0])[4] = PTE(other, 0); /* beyond the 4: ignored */
	frame64(h, pm[1])[0] = PTE(pm[2], PT_RW);
	frame64(h, pm[2])[0] = PTE(pm[3], PT_RW);
	pin_refused(h, pae, 4, pm[0], pm, "pin: L4 root for a PAE guest");
	REQUIRE(hv_pin_root(h, pae, 3, pm[0], &e) == 0);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.pinned_tables, 3);
	v.cr3_mfn = pm[0];
	CHECK_EQ(hv_set_vcpu(h, pae, 0, &v, &e), -XB_EHV); /* 64-bit ctx */
	xb_err_clear(&e);
	v.is64 = false;
	v.rip = 0xc0001000;
	v.rsp = 0xc0400000;
	REQUIRE(hv_set_vcpu(h, pae, 0, &v, &e) == 0);
	/* Destroy forgets the tables with the frames. */
	REQUIRE(hv_destroy(h, pae, &e) == 0);
	CHECK_EQ(hv_sim_owner(h, pm[0]), -1);
	hv_close(h);
}

static void sim_xenstore(void)
{
	struct xb_err e = { 0 };
	struct hv *h = sim_new(NULL);
	const char *perms = "x";
	char *v = NULL, **names = NULL;
	unsigned n = 99;

	REQUIRE(h);
	REQUIRE(hv_xs_write(h, "/a/b", "1", "n0,r5", &e) == 0);
	REQUIRE(hv_xs_read(h, "/a/b", &v, &e) == 0);
	CHECK_STR(v, "1");
	free(v);
	CHECK_STR(hv_sim_xs(h, "/a/b", &perms), "1");
	CHECK_STR(perms, "n0,r5");
	/* Overwrite: value and perms replaced, no second entry. */
	REQUIRE(hv_xs_write(h, "/a/b", "two", "b3", &e) == 0);
	CHECK_STR(hv_sim_xs(h, "/a/b", &perms), "two");
	CHECK_STR(perms, "b3");
	CHECK_EQ(hv_sim_xs_count(h, ""), 1);

	/* Refusals. */
	CHECK_EQ(hv_xs_write(h, "a/c", "1", "n0", &e), -XB_EHV);
	CHECK_STR(e.msg, "xs_write a/c: not an absolute path");
	xb_err_clear(&e);
	CHECK_EQ(hv_xs_write(h, "/a/c", "1", NULL, &e), -XB_EINTERNAL);
	CHECK_STR(e.msg, "xs_write /a/c: bad perms");
	xb_err_clear(&e);
	CHECK_EQ(hv_xs_write(h, "/a/c", "1", "q0", &e), -XB_EINTERNAL);
	CHECK_CONTAINS(e.msg, "xenstore permissions \"q0\"");
	xb_err_clear(&e);
	CHECK(hv_sim_xs(h, "/a/c", &perms) == NULL);
	CHECK(perms == NULL);
	/* Absent: -XB_EHV with e unset. */
	CHECK_EQ(hv_xs_read(h, "/a/c", &v, &e), -XB_EHV);
	CHECK_EQ(e.code, 0);
	CHECK_EQ(hv_xs_dir(h, "/nope", &names, &n, &e), -XB_EHV);
	CHECK_EQ(e.code, 0);
	CHECK(names == NULL);
	CHECK_EQ(n, 0);

	/* Directories: distinct first components, in order of creation. */
	REQUIRE(hv_xs_write(h, "/a/b/c", "", "n0", &e) == 0);
	REQUIRE(hv_xs_write(h, "/a/d", "", "n0", &e) == 0);
	REQUIRE(hv_xs_write(h, "/a/bb/x/y", "", "n0", &e) == 0);
	REQUIRE(hv_xs_write(h, "/a/b/e", "", "n0", &e) == 0);
	REQUIRE(hv_xs_write(h, "/ab", "", "n0", &e) == 0);
	REQUIRE(hv_xs_dir(h, "/a", &names, &n, &e) == 0);
	REQUIRE(n == 3);
	CHECK_STR(names[0], "b");
	CHECK_STR(names[1], "d");
	CHECK_STR(names[2], "bb");
	free(names);
	REQUIRE(hv_xs_dir(h, "/a/b", &names, &n, &e) == 0);
	REQUIRE(n == 2);
	CHECK_STR(names[0], "c");
	CHECK_STR(names[1], "e");
	free(names);
	/* An implicit parent (never written) has children. */
	REQUIRE(hv_xs_dir(h, "/a/bb", &names, &n, &e) == 0);
	REQUIRE(n == 1);
	CHECK_STR(names[0], "x");
	free(names);
	/* A leaf: present, no children. */
	REQUIRE(hv_xs_dir(h, "/a/d", &names, &n, &e) == 0);
	CHECK_EQ(n, 0);
	free(names);
	CHECK_EQ(hv_sim_xs_count(h, "/a"), 6); /* /ab too: a string prefix */
	CHECK_EQ(hv_sim_xs_count(h, "/a/"), 5);

	/* rm takes the subtree, not its string-prefixed neighbours. */
	REQUIRE(hv_xs_rm(h, "/a/b", &e) == 0);
	CHECK(hv_sim_xs(h, "/a/b", NULL) == NULL);
	CHECK(hv_sim_xs(h, "/a/b/c", NULL) == NULL);
	CHECK(hv_sim_xs(h, "/a/b/e", NULL) == NULL);
	CHECK(hv_sim_xs(h, "/a/bb/x/y", NULL) != NULL);
	CHECK_EQ(hv_sim_xs_count(h, ""), 3);
	REQUIRE(hv_xs_rm(h, "/not/there", &e) == 0);
	REQUIRE(hv_xs_rm(h, "/a", &e) == 0);
	CHECK_EQ(hv_sim_xs_count(h, ""), 1);
	CHECK_STR(hv_sim_xs(h, "/ab", NULL), "");
	CHECK_EQ(e.code, 0);
	hv_close(h); /* frees what is left */
}

static void sim_introduce_grants(void)
{
	uint64_t m[2], other;
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(NULL);
	uint32_t domid, d2, port = 0;

	REQUIRE(h);
	domid = dom_new(h, false, 2, m);
	d2 = dom_new(h, false, 1, &other);
	for (uint32_t want = 1; want <= 3; want++) {
		REQUIRE(hv_evtchn_alloc(h, domid, 0, &port, &e) == 0);
		CHECK_EQ(port, want);
	}
	REQUIRE(hv_evtchn_alloc(h, d2, 0, &port, &e) == 0);
	CHECK_EQ(port, 1);

	CHECK_EQ(hv_xs_introduce(h, domid, other, 1, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "xs_introduce(dom 1): bad store mfn");
	xb_err_clear(&e);
	CHECK_EQ(hv_xs_introduce(h, domid, m[1], 0, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "or port 0");
	xb_err_clear(&e);
	CHECK_EQ(hv_xs_introduce(h, 9, m[1], 1, &e), -XB_EHV);
	CHECK_STR(e.msg, "xs_introduce: no domain 9");
	xb_err_clear(&e);
	hv_sim_stats(h, &st);
	CHECK(!st.introduced);
	REQUIRE(hv_xs_introduce(h, domid, m[1], 3, &e) == 0);
	REQUIRE(hv_seed_grants(h, domid, m[0], 0, m[1], 7, &e) == 0);
	/* The stats describe the newest live domain: d2 until it goes. */
	hv_sim_stats(h, &st);
	CHECK(!st.introduced);
	CHECK_EQ(st.grant_frame[0], 0);
	REQUIRE(hv_destroy(h, d2, &e) == 0);
	hv_sim_stats(h, &st);
	CHECK(st.introduced);
	CHECK_EQ(st.grant_frame[0], m[0]);
	CHECK_EQ(st.grant_domid[0], 0);
	CHECK_EQ(st.grant_frame[1], m[1]);
	CHECK_EQ(st.grant_domid[1], 7);
	hv_close(h);
}

static void sim_fault_injection(void)
{
	struct hv_sim_opts o = { .fail_op = "populate" };
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(&o);
	uint64_t m[2];
	uint32_t domid;
	char caps[64];

	REQUIRE(h);
	domid = dom_new(h, false, 0, NULL);
	/* The first call of the named op fails, the next one not. */
	CHECK_EQ(hv_populate(h, domid, 2, &e), -XB_EHV);
	CHECK_STR(e.msg, "populate: simulated failure (call 2)");
	xb_err_clear(&e);
	REQUIRE(hv_populate(h, domid, 2, &e) == 0);
	/* Lookups are not calls: nothing to inject there. */
	REQUIRE(hv_mfns(h, domid, 0, 2, m, &e) == 0);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.calls, 3);
	CHECK_STR(st.last_op, "populate");
	CHECK_STR(hv_sim_call_name(h, 1), "domain_create");
	CHECK_STR(hv_sim_call_name(h, 2), "populate");
	CHECK(hv_sim_call_name(h, 0) == NULL);
	CHECK(hv_sim_call_name(h, 4) == NULL);
	/* The caller's options are copied, not consumed. */
	CHECK_STR(o.fail_op, "populate");
	hv_close(h);

	/* The k-th call fails, whatever it is; xenstore calls count too. */
	o.fail_op = NULL;
	o.fail_call = 3;
	h = sim_new(&o);
	REQUIRE(h);
	REQUIRE(hv_caps(h, caps, sizeof(caps), &e) == 0);
	REQUIRE(hv_xs_write(h, "/x", "1", "n0", &e) == 0);
	CHECK_EQ(hv_xs_rm(h, "/x", &e), -XB_EHV);
	CHECK_STR(e.msg, "xs_rm: simulated failure (call 3)");
	CHECK_STR(hv_sim_xs(h, "/x", NULL), "1");
	xb_err_clear(&e);
	REQUIRE(hv_xs_rm(h, "/x", &e) == 0);
	CHECK(hv_sim_xs(h, "/x", NULL) == NULL);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.calls, 4);
	CHECK_STR(hv_sim_call_name(h, 3), "xs_rm");
	hv_close(h);
}

/*
 * map_pfns_at: the frames copied to the caller's address and back at
 * unmap, that memory never freed by the sim and left poisoned (Xen leaves
 * a hole); the same refusals as map_pfns, and an address that is not a
 * page.
 */
static void sim_map_at(void)
{
	struct hv_sim_opts o = { .map_chunk = 4 };
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(&o);
	uint64_t m[8];
	uint8_t *r;
	uint32_t domid;

	REQUIRE(h);
	domid = dom_new(h, false, 8, m);
	r = mmap(NULL, 8 * XB_PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(r != MAP_FAILED);
	memset(r, 0x77, 8 * XB_PAGE_SIZE);
	memset(hv_sim_frame(h, m[5]), 0x11, XB_PAGE_SIZE);
	/* pfns 4-6 at the range's pages 1-3: pfn 5 shows at page 2. */
	CHECK_EQ(hv_map_pfns_at(h, domid, 4, 3, r + XB_PAGE_SIZE, HV_MAP_DATA,
				&e),
		 0);
	CHECK_EQ(r[0], 0x77);
	CHECK_EQ(r[XB_PAGE_SIZE], 0);
	CHECK_EQ(r[2 * XB_PAGE_SIZE + 9], 0x11);
	CHECK_EQ(r[4 * XB_PAGE_SIZE], 0x77);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.mappings, 1);
	memset(r + XB_PAGE_SIZE, 0x22, XB_PAGE_SIZE);
	memset(r + 3 * XB_PAGE_SIZE, 0x33, XB_PAGE_SIZE);
	hv_unmap(h, r + XB_PAGE_SIZE, 3);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.mappings, 0);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, m[4]))[7], 0x22);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, m[5]))[7], 0x11);
	CHECK_EQ(((uint8_t *)hv_sim_frame(h, m[6]))[7], 0x33);
	CHECK_EQ(r[XB_PAGE_SIZE], 0xdb); /* unusable after unmap */
	CHECK_EQ(r[0], 0x77);

	/* Refusals: the range, the chunk, the address. */
	CHECK_EQ(hv_map_pfns_at(h, domid, 6, 3, r, HV_MAP_DATA, &e), -XB_EHV);
	CHECK_STR(e.msg, "map(dom 1): pfns 0x6+3 outside the 8 populated");
	xb_err_clear(&e);
	CHECK_EQ(hv_map_pfns_at(h, domid, 0, 5, r, HV_MAP_DATA, &e),
		 -XB_EINTERNAL);
	CHECK_CONTAINS(e.msg, "5 frames, more than the 4");
	xb_err_clear(&e);
	CHECK_EQ(hv_map_pfns_at(h, domid, 0, 1, r + 8, HV_MAP_BOOT, &e),
		 -XB_EINTERNAL);
	CHECK_CONTAINS(e.msg, "not a page");
	xb_err_clear(&e);
	CHECK_EQ(hv_map_pfns_at(h, domid, 0, 1, NULL, HV_MAP_BOOT, &e),
		 -XB_EINTERNAL);
	xb_err_clear(&e);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.mappings, 0);
	munmap(r, 8 * XB_PAGE_SIZE);
	hv_close(h);
}

/*
 * Lean mode: what is written through HV_MAP_DATA is dropped (a reused
 * scratch window), the rest kept - page tables as runs, other bytes raw -
 * and read back exactly; a pin cannot use dropped bytes.
 */
static void sim_lean(void)
{
	struct hv_sim_opts o = { .lean = true, .map_chunk = 8 };
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(&o);
	uint64_t m[16], want[2][512];
	uint8_t *p, *q;
	uint32_t domid;
	char msg[160];

	REQUIRE(h);
	domid = dom_new(h, false, 16, m);
	CHECK_EQ(h->map_chunk, 8);
	CHECK(hv_map_pfns(h, domid, 0, 9, HV_MAP_DATA, &e) == NULL);
	CHECK_EQ(e.code, XB_EINTERNAL);
	CHECK_CONTAINS(e.msg, "map(dom 1): 9 frames, more than the 8");
	xb_err_clear(&e);
	CHECK(hv_map_pfns(h, domid, 10, 7, HV_MAP_BOOT, &e) == NULL);
	CHECK_STR(e.msg, "map(dom 1): pfns 0xa+7 outside the 16 populated");
	xb_err_clear(&e);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.stored_frames, 1); /* the shared-info frame */
	CHECK_EQ(st.stored_bytes, XB_PAGE_SIZE);

	/* DATA: dropped; the next window reuses the same memory. */
	p = hv_map_pfns(h, domid, 0, 4, HV_MAP_DATA, &e);
	REQUIRE(p);
	memset(p, 0x5a, 4 * XB_PAGE_SIZE);
	hv_unmap(h, p, 4);
	CHECK(hv_sim_frame(h, m[0]) == NULL);
	CHECK(hv_sim_frame(h, m[3]) == NULL);
	CHECK_EQ(hv_sim_owner(h, m[3]), domid);
	q = hv_map_pfns(h, domid, 4, 4, HV_MAP_DATA, &e);
	CHECK(q == p);
	hv_unmap(h, q, 4);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.dropped_frames, 8);
	CHECK_EQ(st.stored_frames, 1);

	/* BOOT: a table over consecutive frames is a few runs; other bytes
	 * (here: present entries naming no frame) stay raw. */
	p = hv_map_pfns(h, domid, 8, 2, HV_MAP_BOOT, &e);
	REQUIRE(p);
	CHECK_EQ(p[0], 0); /* copy-in of a fresh frame */
	memset(want, 0, sizeof(want));
	for (int k = 0; k < 6; k++)
		want[0][k] = PTE(m[k], PT_RW);
	want[0][7] = PTE(m[0], 0);
	want[0][9] = 0x1234; /* not present: kept as it is */
	want[0][511] = PTE(m[15], PT_RW | PT_ACCESSED);
	for (int k = 0; k < 512; k++)
		want[1][k] = ((uint64_t)k * SIM_FIRST_MFN * 4097) | PT_PRESENT;
	memcpy(p, want, sizeof(want));
	hv_unmap(h, p, 2);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.stored_frames, 3);
	CHECK(st.stored_bytes > 2 * XB_PAGE_SIZE &&
	      st.stored_bytes < 2 * XB_PAGE_SIZE + 256);
	REQUIRE(hv_sim_frame(h, m[8]) && hv_sim_frame(h, m[9]));
	CHECK(!memcmp(hv_sim_frame(h, m[8]), want[0], XB_PAGE_SIZE));
	CHECK(!memcmp(hv_sim_frame(h, m[9]), want[1], XB_PAGE_SIZE));

	/* A table whose lower level was dropped cannot be pinned. */
	p = hv_map_pfns(h, domid, 10, 1, HV_MAP_BOOT, &e);
	REQUIRE(p);
	memset(p, 0, XB_PAGE_SIZE);
	((uint64_t *)p)[0] = PTE(m[2], PT_RW);
	hv_unmap(h, p, 1);
	CHECK_EQ(hv_pin_root(h, domid, 4, m[10], &e), -XB_EHV);
	snprintf(msg, sizeof(msg),
		 "pin: L3 table mfn %#" PRIx64 ": its bytes "
		 "were not kept",
		 m[2]);
	CHECK_CONTAINS(e.msg, msg);
	xb_err_clear(&e);
	hv_sim_stats(h, &st);
	CHECK(!st.pinned);

	/* Rewritten as BOOT, a dropped frame is known again (its old bytes
	 * read as 0xdb while mapped); DATA drops a kept one. */
	p = hv_map_pfns(h, domid, 2, 1, HV_MAP_BOOT, &e);
	REQUIRE(p);
	CHECK_EQ(p[100], 0xdb);
	memset(p, 0, XB_PAGE_SIZE);
	hv_unmap(h, p, 1);
	REQUIRE(hv_sim_frame(h, m[2]));
	CHECK_EQ(frame64(h, m[2])[0], 0);
	p = hv_map_pfns(h, domid, 8, 1, HV_MAP_DATA, &e);
	REQUIRE(p);
	hv_unmap(h, p, 1);
	CHECK(hv_sim_frame(h, m[8]) == NULL);
	CHECK(hv_sim_frame(h, m[9]) != NULL);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.dropped_frames, 9);

	/* Destroy forgets the dropped ranges with the frames. */
	REQUIRE(hv_destroy(h, domid, &e) == 0);
	hv_sim_stats(h, &st);
	CHECK_EQ(st.dropped_frames, 0);
	CHECK_EQ(st.stored_frames, 0);
	CHECK_EQ(st.stored_bytes, 0);
	hv_close(h);
}

/* 16 TiB costs nothing until written; mfns stay distinct and owned across
 * 256 GiB blocks; a 32-bit guest only gets frames below 2^32. */
static void sim_huge(void)
{
	struct hv_sim_stats st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(NULL);
	uint64_t m[4], b[2], p32[64];
	uint32_t big, pae;

	REQUIRE(h);
	big = dom_new(h, false, 0, NULL);
	REQUIRE(hv_populate(h, big, 1ULL << 32, &e) == 0);
	REQUIRE(hv_mfns(h, big, (1ULL << 32) - 4, 4, m, &e) == 0);
	REQUIRE(hv_mfns(h, big, (1ULL << 26) - 2, 2, b, &e) == 0);
	for (int i = 0; i < 4; i++) {
		CHECK(m[i] > UINT32_MAX);
		CHECK_EQ(hv_sim_owner(h, m[i]), big);
		CHECK(i == 0 || m[i] != m[i - 1]);
	}
	CHECK_EQ(hv_sim_owner(h, b[0]), big);
	CHECK_EQ(hv_sim_owner(h, b[1]), big);
	CHECK(b[0] >> 26 != b[1] >> 26); /* the block boundary */
	hv_sim_stats(h, &st);
	CHECK_EQ(st.frames, (1ULL << 32) + 1);
	CHECK_EQ(st.stored_frames, 1);
	pae = dom_new(h, true, 0, NULL);
	CHECK_EQ(hv_populate(h, pae, 1, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "no frames below 16 TiB left for a 32-bit guest");
	xb_err_clear(&e);
	REQUIRE(hv_destroy(h, big, &e) == 0);
	CHECK_EQ(hv_sim_owner(h, m[0]), -1);
	hv_close(h);

	h = sim_new(NULL);
	REQUIRE(h);
	pae = dom_new(h, true, 64, p32);
	for (int i = 0; i < 64; i++)
		CHECK(p32[i] <= UINT32_MAX &&
		      hv_sim_owner(h, p32[i]) == (int)pae);
	hv_close(h);
}

/*
 * HVM containers (PVH): gfn ranges populated one by one and mapped by
 * gfn, the calls that only an HVM container takes (and a PV domain
 * refuses), what each leaves behind, and fault injection by name.
 */
static void sim_hvm(void)
{
	struct hv_create c = { .hvm = true, .max_vcpus = 2 };
	struct hv_cpuid ov = { 0x80000001,
			       0xffffffffu,
			       { NULL, NULL, NULL,
				 "xxxx0xxxxxxxxxxxxxxxxxxxxxxxxxxx" } };
	struct hv_e820 map[2] = { { 0, 0x100000, 1 },
				  { 0xfeff8000, 0x8000, 2 } };
	struct hv_hvm_vcpu v = { .rip = 0x1000850, .rbx = 0x4a000 };
	struct hv_sim_hvm st;
	struct xb_err e = { 0 };
	struct hv *h = sim_new(NULL);
	uint32_t domid = 0, pv;
	uint8_t *p;
	bool hap = false;

	REQUIRE(h);
	REQUIRE(hv_domain_create(h, &c, &domid, &e) == 0);
	REQUIRE(hv_set_max_mem(h, domid, 1024 + 64, &e) == 0);
	REQUIRE(hv_hvm_hap(h, domid, &hap, &e) == 0);
	CHECK(hap);
	REQUIRE(hv_set_paging_pool(h, domid, 512 * 4096, &e) == 0);
	CHECK_EQ(hv_set_paging_pool(h, domid, 100, &e), -XB_EHV);
	xb_err_clear(&e);
	REQUIRE(hv_set_tsc_info(h, domid, 0, &e) == 0);
	REQUIRE(hv_set_cpuid(h, domid, &ov, 1, &e) == 0);
	ov.policy[0] = "short";
	CHECK_EQ(hv_set_cpuid(h, domid, &ov, 1, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "bad policy string");
	xb_err_clear(&e);
	/* Two ranges far apart; an overlap and the PV populate refused. */
	REQUIRE(hv_populate_range(h, domid, 0, 256, &e) == 0);
	REQUIRE(hv_populate_range(h, domid, 0xfeff8, 8, &e) == 0);
	CHECK_EQ(hv_populate_range(h, domid, 0xfeffc, 8, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "populated already");
	xb_err_clear(&e);
	CHECK_EQ(hv_populate(h, domid, 16, &e), -XB_EINTERNAL);
	xb_err_clear(&e);
	/* Beyond max memory and its 1 MiB of slack (1088 KiB = 272 + 256
	 * pages; 264 populated). */
	CHECK_EQ(hv_populate_range(h, domid, 0x100000, 265, &e), -XB_EHV);
	xb_err_clear(&e);
	REQUIRE(hv_populate_range(h, domid, 0x100000, 264, &e) == 0);
	xb_err_clear(&e);
	/* Mapped by gfn; what is written there is what the frame holds. */
	REQUIRE((p = hv_map_pfns(h, domid, 0xfeffc, 1, HV_MAP_BOOT, &e)));
	p[5] = 0x5a;
	hv_unmap(h, p, 1);
	p = hv_sim_pfn_frame(h, domid, 0xfeffc);
	REQUIRE(p);
	CHECK_EQ(p[5], 0x5a);
	CHECK(hv_sim_pfn_frame(h, domid, 0xfeff7) == NULL);
	CHECK(hv_map_pfns(h, domid, 256, 1, HV_MAP_BOOT, &e) == NULL);
	xb_err_clear(&e);
	REQUIRE(hv_set_memory_map(h, domid, map, 2, &e) == 0);
	CHECK_EQ(hv_set_memory_map(h, domid, map, 0, &e), -XB_EHV);
	xb_err_clear(&e);
	REQUIRE(hv_set_hvm_param(h, domid, 1, 0xfeffc, &e) == 0);
	CHECK_EQ(hv_set_hvm_param(h, domid, 64, 1, &e), -XB_EHV);
	xb_err_clear(&e);
	/* vCPU 0's entry must lie in populated memory. */
	CHECK_EQ(hv_set_hvm_vcpu(h, domid, &v, &e), -XB_EHV);
	xb_err_clear(&e);
	v.rip = 0x850;
	REQUIRE(hv_set_hvm_vcpu(h, domid, &v, &e) == 0);
	REQUIRE(hv_seed_grants_gfn(h, domid, 0xfefff, 0, 0xfeffc, 0, &e) == 0);
	CHECK_EQ(hv_seed_grants_gfn(h, domid, 0x100, 0, 0xfeffc, 0, &e),
		 -XB_EHV);
	xb_err_clear(&e);
	REQUIRE(hv_sim_hvm(h, domid, &st) == 0);
	CHECK(st.hvm);
	CHECK_EQ(st.paging_pool, 512 * 4096);
	CHECK(st.tsc_set && st.cpuid_set);
	CHECK_EQ(st.nr_cpuid, 1);
	CHECK_EQ(st.nr_e820, 2);
	CHECK_EQ(st.e820[1].addr, 0xfeff8000);
	CHECK_EQ(st.params[1], 0xfeffc);
	CHECK_EQ(st.params_set, 2);
	CHECK(st.has_vcpu);
	CHECK_EQ(st.vcpu.rip, 0x850);
	CHECK_EQ(st.nr_ranges, 3);
	CHECK_EQ(st.ranges[1].pfn, 0xfeff8);
	CHECK(st.grants_by_gfn);
	CHECK_EQ(st.grant_frame[0], 0xfefff);
	CHECK_EQ(st.grant_frame[1], 0xfeffc);
	REQUIRE(hv_unpause(h, domid, &e) == 0);

	/* A PV domain takes none of the HVM calls. */
	pv = dom_new(h, false, 4, (uint64_t[4]){ 0 });
	CHECK_EQ(hv_set_paging_pool(h, pv, 4096, &e), -XB_EHV);
	CHECK_CONTAINS(e.msg, "not an HVM container");
	xb_err_clear(&e);
	CHECK_EQ(hv_populate_range(h, pv, 8, 1, &e), -XB_EINTERNAL);
	xb_err_clear(&e);
	CHECK_EQ(hv_set_hvm_vcpu(h, pv, &v, &e), -XB_EHV);
	xb_err_clear(&e);
	REQUIRE(hv_destroy(h, domid, &e) == 0);
	CHECK_EQ(hv_sim_hvm(h, domid, &st), -1);
	hv_close(h);

	/* Fault injection reaches each of them by name. */
	static const char *const ops[] = {
		"hvm_hap",	 "set_paging_pool", "set_tsc_info",
		"set_cpuid",	 "populate_range",  "set_memory_map",
		"set_hvm_param", "set_hvm_vcpu",    "seed_grants_gfn",
	};
	for (size_t i = 0; i < XB_ARRAY_SIZE(ops); i++) {
		struct hv_sim_opts o = { .fail_op = ops[i] };
		int rc[9];

		h = sim_new(&o);
		REQUIRE(h);
		REQUIRE(hv_domain_create(h, &c, &domid, &e) == 0);
		rc[0] = hv_hvm_hap(h, domid, &hap, &e);
		rc[1] = hv_set_paging_pool(h, domid, 4096, &e);
		rc[2] = hv_set_tsc_info(h, domid, 0, &e);
		rc[3] = hv_set_cpuid(h, domid, NULL, 0, &e);
		rc[4] = hv_populate_range(h, domid, 0, 128, &e);
		rc[5] = hv_set_memory_map(h, domid, map, 1, &e);
		rc[6] = hv_set_hvm_param(h, domid, 2, 1, &e);
		rc[7] = hv_set_hvm_vcpu(h, domid, &v, &e);
		rc[8] = hv_seed_grants_gfn(h, domid, 1, 0, 2, 0, &e);
		/* What follows a failed populate_range fails on its own. */
		for (size_t k = 0; k <= i; k++)
			CHECK_EQ(rc[k], (k == i ? -XB_EHV : 0));
		CHECK_CONTAINS(e.msg, "simulated failure");
		CHECK_CONTAINS(e.msg, ops[i]);
		xb_err_clear(&e);
		hv_close(h);
	}
}

const struct test tests[] = {
	{ "sim_frames", sim_frames },
	{ "sim_limits", sim_limits },
	{ "sim_map_copy", sim_map_copy },
	{ "sim_map_at", sim_map_at },
	{ "sim_pin", sim_pin },
	{ "sim_xenstore", sim_xenstore },
	{ "sim_introduce_grants", sim_introduce_grants },
	{ "sim_fault_injection", sim_fault_injection },
	{ "sim_lean", sim_lean },
	{ "sim_huge", sim_huge },
	{ "sim_hvm", sim_hvm },
	{ NULL, NULL },
};
