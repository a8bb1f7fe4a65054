/*
 * sidump DOMID: print, as key=value lines, what a paused 64-bit PV guest was
 * given by its builder: vCPU 0's registers, start_info (found through rsi and
 * the guest's own page tables from cr3), the page-table layout in pfns, and
 * grant entries 0 and 1.  The e2e compare case diffs the output for a guest
 * built by `xl create -p` and one built by `xbuild run -p`; machine frame
 * numbers are printed under keys it filters out (cr3, *_mfn, shared_info),
 * everything else is in pfns and virtual addresses so it can be compared.
 * Runs in dom0 (libxenctrl + libxenforeignmemory).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#define PAGE 4096UL
#define PTE_P 1UL
#define PTE_RW 2UL
#define PTE_PSE 0x80UL
#define PTE_MFN(e) (((e) >> 12) & ((1UL << 40) - 1))

static xenforeignmemory_handle *fmem;
static uint32_t domid;

struct pair {
	uint64_t mfn, pfn;
};
static struct pair *inv;	/* p2m sorted by mfn */
static uint64_t nr_pages;

static void die(const char *what)
{
	fprintf(stderr, "sidump: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Copy one guest frame (by mfn: a PV guest's gfn is its mfn). */
static int read_frame(uint64_t mfn, void *buf)
{
	xen_pfn_t f = mfn;
	int err = 0;
	void *p = xenforeignmemory_map(fmem, domid, PROT_READ, 1, &f, &err);

	if (!p || err)
		return -1;
	memcpy(buf, p, PAGE);
	xenforeignmemory_unmap(fmem, p, 1);
	return 0;
}

static uint64_t root_mfn;

/* Guest virtual -> mfn through its page tables; ~0 if unmapped. */
static uint64_t translate(uint64_t va)
{
	uint64_t t[512], mfn = root_mfn;

	for (int lvl = 3; lvl >= 0; lvl--) {
		if (read_frame(mfn, t))
			return ~0ULL;
		uint64_t e = t[(va >> (12 + 9 * lvl)) & 511];

		if (!(e & PTE_P) || (lvl && (e & PTE_PSE)))
			return ~0ULL;
		mfn = PTE_MFN(e);
	}
	return mfn;
}

static int read_virt(uint64_t va, void *buf, size_t len)
{
	uint8_t page[PAGE];

	while (len) {
		uint64_t mfn = translate(va & ~(PAGE - 1));
		size_t off = va & (PAGE - 1), n = PAGE - off < len ? PAGE - off : len;

		if (mfn == ~0ULL || read_frame(mfn, page))
			return -1;
		memcpy(buf, page + off, n);
		buf = (uint8_t *)buf + n;
		va += n;
		len -= n;
	}
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return x->mfn < y->mfn ? -1 : x->mfn > y->mfn;
}

static int64_t pfn_of(uint64_t mfn)
{
	size_t lo = 0, hi = nr_pages;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (inv[mid].mfn == mfn)
			return inv[mid].pfn;
		if (inv[mid].mfn < mfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Leaf mappings printed as runs: va, pfn and rw advancing together. */
static struct {
	uint64_t va, pfn, n;
	int rw, open;
} run;

static void run_flush(void)
{
	if (run.open)
		printf("map.%#" PRIx64 "=pfn %#" PRIx64 " pages %" PRIu64 " %s\n", run.va, run.pfn, run.n,
		       run.rw ? "rw" : "ro");
	run.open = 0;
}

static void leaf(uint64_t va, uint64_t e)
{
	int64_t pfn = pfn_of(PTE_MFN(e));
	int rw = !!(e & PTE_RW);

	if (run.open && va == run.va + run.n * PAGE && pfn == (int64_t)(run.pfn + run.n) && rw == run.rw) {
		run.n++;
		return;
	}
	run_flush();
	run.va = va;
	run.pfn = pfn;
	run.n = 1;
	run.rw = rw;
	run.open = 1;
}

static void walk(int lvl, uint64_t mfn, uint64_t va_base)
{
	uint64_t t[512];

	if (read_frame(mfn, t)) {
		printf("error=cannot read table mfn %#" PRIx64 "\n", mfn);
		return;
	}
	if (lvl < 3)
		printf("table.l%d.%#" PRIx64 "=pfn %#" PRIx64 "\n", lvl + 1, va_base, (uint64_t)pfn_of(mfn));
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t va = va_base | i << (12 + 9 * lvl);

		if (lvl == 3) {
			if (i >= 256 && i <= 271)
				continue;	/* Xen's slots */
			if (i >= 256)
				va |= 0xffff000000000000ULL;
		}
		if (!(t[i] & PTE_P))
			continue;
		if (lvl == 0)
			leaf(va, t[i]);
		else if (t[i] & PTE_PSE)
			printf("superpage.%#" PRIx64 "=%#" PRIx64 "\n", va, t[i]);
		else
			walk(lvl - 1, PTE_MFN(t[i]), va);
	}
}

int main(int argc, char **argv)
{
	vcpu_guest_context_any_t ctx;
	start_info_t si;
	xc_interface *xch;

	if (argc != 2) {
		fprintf(stderr, "usage: sidump DOMID\n");
		return 2;
	}
	domid = strtoul(argv[1], NULL, 0);
	xch = xc_interface_open(NULL, NULL, 0);
	fmem = xenforeignmemory_open(NULL, 0);
	if (!xch || !fmem)
		die("open");
	if (xc_vcpu_getcontext(xch, domid, 0, &ctx))
		die("xc_vcpu_getcontext");

	struct vcpu_guest_context_x86_64 *c = &ctx.x64;
	struct cpu_user_regs_x86_64 *r = &c->user_regs;

	root_mfn = c->ctrlreg[3] >> 12;
	printf("cr3=%#" PRIx64 "\n", (uint64_t)c->ctrlreg[3]);
	printf("rip=%#" PRIx64 "\nrsp=%#" PRIx64 "\nrsi=%#" PRIx64 "\nrflags=%#" PRIx64 "\n", r->rip, r->rsp,
	       r->rsi, r->rflags);
	printf("rax=%#" PRIx64 " rbx=%#" PRIx64 " rcx=%#" PRIx64 " rdx=%#" PRIx64 " rdi=%#" PRIx64
	       " rbp=%#" PRIx64 "\n", r->rax, r->rbx, r->rcx, r->rdx, r->rdi, r->rbp);
	printf("r8-r15=%#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %#" PRIx64
	       " %#" PRIx64 " %#" PRIx64 "\n", r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15);
	printf("cs=%#x ss=%#x ds=%#x es=%#x fs=%#x gs=%#x\n", r->cs, r->ss, r->ds, r->es, r->fs, r->gs);
	printf("ctx_flags=%#" PRIx64 "\nkernel_ss=%#" PRIx64 "\nkernel_sp=%#" PRIx64 "\nvm_assist=%#" PRIx64
	       "\n", (uint64_t)c->flags, (uint64_t)c->kernel_ss, (uint64_t)c->kernel_sp,
	       (uint64_t)c->vm_assist);
	printf("callbacks=%#" PRIx64 " %#" PRIx64 " %#" PRIx64 "\ngdt_ents=%u\nldt_ents=%u\n",
	       (uint64_t)c->event_callback_eip, (uint64_t)c->failsafe_callback_eip,
	       (uint64_t)c->syscall_callback_eip, (unsigned)c->gdt_ents, (unsigned)c->ldt_ents);
	printf("fs_base=%#" PRIx64 " gs_base_kernel=%#" PRIx64 " gs_base_user=%#" PRIx64 "\n",
	       (uint64_t)c->fs_base, (uint64_t)c->gs_base_kernel, (uint64_t)c->gs_base_user);

	if (read_virt(r->rsi, &si, sizeof(si))) {
		printf("error=cannot read start_info at rsi %#" PRIx64 "\n", r->rsi);
		return 1;
	}
	si.magic[sizeof(si.magic) - 1] = 0;
	si.cmd_line[sizeof(si.cmd_line) - 1] = 0;
	printf("magic=%s\nnr_pages=%lu\nshared_info=%#lx\nflags=%#x\n", si.magic, si.nr_pages,
	       si.shared_info, si.flags);
	printf("store_mfn=%#lx\nstore_evtchn=%u\nconsole_mfn=%#lx\nconsole_evtchn=%u\n", si.store_mfn,
	       si.store_evtchn, si.console.domU.mfn, si.console.domU.evtchn);
	printf("pt_base=%#lx\nnr_pt_frames=%lu\nmfn_list=%#lx\nmod_start=%#lx\nmod_len=%lu\n", si.pt_base,
	       si.nr_pt_frames, si.mfn_list, si.mod_start, si.mod_len);
	printf("first_p2m_pfn=%#lx\nnr_p2m_frames=%lu\ncmd_line=%s\n", si.first_p2m_pfn, si.nr_p2m_frames,
	       (char *)si.cmd_line);

	/* The p2m, inverted, to print frames as pfns. */
	nr_pages = si.nr_pages;
	uint64_t *p2m = calloc(nr_pages, 8);

	inv = calloc(nr_pages, sizeof(*inv));
	if (!p2m || !inv)
		die("calloc");
	if (read_virt(si.mfn_list, p2m, nr_pages * 8)) {
		printf("error=cannot read mfn_list\n");
		return 1;
	}
	for (uint64_t i = 0; i < nr_pages; i++) {
		inv[i].mfn = p2m[i];
		inv[i].pfn = i;
	}
	qsort(inv, nr_pages, sizeof(*inv), cmp_pair);
	printf("store_pfn=%#" PRIx64 "\nconsole_pfn=%#" PRIx64 "\nroot_pfn=%#" PRIx64 "\n",
	       (uint64_t)pfn_of(si.store_mfn), (uint64_t)pfn_of(si.console.domU.mfn),
	       (uint64_t)pfn_of(root_mfn));
	walk(3, root_mfn, 0);
	run_flush();

	/* Grant entries 0 (console) and 1 (xenstore), seeded for the backends. */
	void *gt = NULL;
	xenforeignmemory_resource_handle *res = xenforeignmemory_map_resource(
		fmem, domid, XENMEM_resource_grant_table, XENMEM_resource_grant_table_id_shared, 0, 1,
		&gt, PROT_READ, 0);

	if (!res) {
		printf("gnttab=unreadable (%s)\n", strerror(errno));
	} else {
		grant_entry_v1_t *g = gt;

		for (int i = 0; i < 2; i++)
			printf("gnttab%d=flags %#x domid %u pfn %#" PRIx64 "\n", i, g[i].flags, g[i].domid,
			       (uint64_t)pfn_of(g[i].frame));
		xenforeignmemory_unmap_resource(fmem, res);
	}
	xenforeignmemory_close(fmem);
	xc_interface_close(xch);
	return 0;
}
