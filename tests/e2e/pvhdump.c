/*
 * pvhdump DOMID: print, as key=value lines, what a paused PVH guest was
 * given by its builder: vCPU 0's registers and MTRR default type (from the
 * HVM context), the HVM params, paging pool, TSC mode, hvm_start_info
 * (found through rbx) with its command line, module list and memory map,
 * grant entries 0 and 1, the populated page count and the CPUID leaves
 * that decide RDTSCP.  The e2e pvh-compare case diffs the output for a
 * guest built by `xl create -p` and one built by `xbuild run -p`.
 * Runs in dom0 (libxenctrl + libxenforeignmemory + libxenguest).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenguest.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/hvm/params.h>
#include <xen/hvm/save.h>
#include <xen/arch-x86/hvm/start_info.h>

#define PAGE 4096UL

static xenforeignmemory_handle *fmem;
static uint32_t domid;

static void die(const char *what)
{
	fprintf(stderr, "pvhdump: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Copy len bytes at guest physical address pa (may cross pages). */
static int read_phys(uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		xen_pfn_t f = pa / PAGE;
		size_t off = pa % PAGE, n = PAGE - off < len ? PAGE - off : len;
		int err = 0;
		void *p = xenforeignmemory_map(fmem, domid, PROT_READ, 1, &f, &err);

		if (!p || err)
			return -1;
		memcpy(out, (uint8_t *)p + off, n);
		xenforeignmemory_unmap(fmem, p, 1);
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}

static const struct {
	unsigned idx;
	const char *name;
} params[] = {
	{ HVM_PARAM_STORE_PFN, "store_pfn" },
	{ HVM_PARAM_STORE_EVTCHN, "store_evtchn" },
	{ HVM_PARAM_IOREQ_PFN, "ioreq_pfn" },
	{ HVM_PARAM_BUFIOREQ_PFN, "bufioreq_pfn" },
	{ HVM_PARAM_TIMER_MODE, "timer_mode" },
	{ HVM_PARAM_HPET_ENABLED, "hpet_enabled" },
	{ HVM_PARAM_IDENT_PT, "ident_pt" },
	{ HVM_PARAM_VM86_TSS_SIZED, "vm86_tss_sized" },
	{ HVM_PARAM_CONSOLE_PFN, "console_pfn" },
	{ HVM_PARAM_CONSOLE_EVTCHN, "console_evtchn" },
	{ HVM_PARAM_PAGING_RING_PFN, "paging_ring_pfn" },
	{ HVM_PARAM_MONITOR_RING_PFN, "monitor_ring_pfn" },
	{ HVM_PARAM_SHARING_RING_PFN, "sharing_ring_pfn" },
	{ HVM_PARAM_TRIPLE_FAULT_REASON, "triple_fault_reason" },
	{ HVM_PARAM_VIRIDIAN, "viridian" },
	{ HVM_PARAM_ALTP2M, "altp2m" },
	{ HVM_PARAM_MCA_CAP, "mca_cap" },
	{ HVM_PARAM_NR_IOREQ_SERVER_PAGES, "nr_ioreq_server_pages" },
	{ HVM_PARAM_VM_GENERATION_ID_ADDR, "vm_generation_id_addr" },
	{ HVM_PARAM_PAE_ENABLED, "pae_enabled" },
	{ HVM_PARAM_CALLBACK_IRQ, "callback_irq" },
};

static void dump_cpu(const struct hvm_hw_cpu *c)
{
#define R(f) printf("cpu.%s=%#" PRIx64 "\n", #f, (uint64_t)c->f)
	R(rax); R(rbx); R(rcx); R(rdx); R(rsi); R(rdi); R(rsp); R(rbp);
	R(rip); R(rflags); R(cr0); R(cr2); R(cr3); R(cr4); R(dr6); R(dr7);
	R(cs_sel); R(ds_sel); R(es_sel); R(fs_sel); R(gs_sel); R(ss_sel);
	R(tr_sel); R(ldtr_sel);
	R(cs_limit); R(ds_limit); R(es_limit); R(fs_limit); R(gs_limit);
	R(ss_limit); R(tr_limit); R(ldtr_limit); R(idtr_limit); R(gdtr_limit);
	R(cs_base); R(ds_base); R(es_base); R(fs_base); R(gs_base); R(ss_base);
	R(tr_base); R(ldtr_base); R(idtr_base); R(gdtr_base);
	R(cs_arbytes); R(ds_arbytes); R(es_arbytes); R(fs_arbytes);
	R(gs_arbytes); R(ss_arbytes); R(tr_arbytes); R(ldtr_arbytes);
	R(sysenter_cs); R(sysenter_esp); R(sysenter_eip); R(shadow_gs);
	R(msr_lstar); R(msr_star); R(msr_cstar); R(msr_syscall_mask);
	R(msr_efer); R(msr_tsc_aux);
#undef R
}

static uint64_t dump_context(xc_interface *xch)
{
	int size = xc_domain_hvm_getcontext(xch, domid, NULL, 0);
	uint64_t rbx = 0;
	uint8_t *buf;
	uint32_t off = 0;

	if (size <= 0 || !(buf = malloc((size_t)size)))
		die("xc_domain_hvm_getcontext(size)");
	size = xc_domain_hvm_getcontext(xch, domid, buf, (uint32_t)size);
	if (size <= 0)
		die("xc_domain_hvm_getcontext");
	while (off + sizeof(struct hvm_save_descriptor) <= (uint32_t)size) {
		struct hvm_save_descriptor *d = (void *)(buf + off);
		void *body = d + 1;

		off += sizeof(*d) + d->length;
		if (off > (uint32_t)size)
			break;
		if (d->typecode == 0)
			break; /* END */
		if (d->instance != 0)
			continue;
		if (d->typecode == HVM_SAVE_CODE(CPU)) {
			dump_cpu(body);
			rbx = ((struct hvm_hw_cpu *)body)->rbx;
		} else if (d->typecode == HVM_SAVE_CODE(MTRR)) {
			struct hvm_hw_mtrr *m = body;

			printf("mtrr.def_type=%#" PRIx64 "\n", m->msr_mtrr_def_type);
			printf("mtrr.pat=%#" PRIx64 "\n", m->msr_pat_cr);
			printf("mtrr.cap=%#" PRIx64 "\n", m->msr_mtrr_cap);
		} else if (d->typecode == HVM_SAVE_CODE(LAPIC)) {
			struct hvm_hw_lapic *l = body;

			printf("lapic.apic_base_msr=%#" PRIx64 "\n", l->apic_base_msr);
		}
	}
	free(buf);
	return rbx;
}

static uint64_t acpi_pages; /* pages of the memory map's ACPI entries */

static void dump_start_info(uint64_t pa)
{
	struct hvm_start_info si;

	printf("start_info_paddr=%#" PRIx64 "\n", pa);
	if (!pa || read_phys(pa, &si, sizeof(si))) {
		printf("start_info=unreadable\n");
		return;
	}
	printf("si.magic=%#x\nsi.version=%u\nsi.flags=%#x\nsi.nr_modules=%u\n", si.magic,
	       si.version, si.flags, si.nr_modules);
	printf("si.modlist_paddr=%#" PRIx64 "\nsi.cmdline_paddr=%#" PRIx64
	       "\nsi.rsdp_paddr=%#" PRIx64 "\nsi.memmap_paddr=%#" PRIx64
	       "\nsi.memmap_entries=%u\nsi.reserved=%u\n",
	       si.modlist_paddr, si.cmdline_paddr, si.rsdp_paddr, si.memmap_paddr,
	       si.memmap_entries, si.reserved);
	if (si.cmdline_paddr) {
		char cl[1024];

		memset(cl, 0, sizeof(cl));
		if (read_phys(si.cmdline_paddr, cl, sizeof(cl) - 1) == 0)
			printf("si.cmdline=%s\n", cl);
	}
	for (unsigned i = 0; i < si.nr_modules && i < 16; i++) {
		struct hvm_modlist_entry m;

		if (read_phys(si.modlist_paddr + i * sizeof(m), &m, sizeof(m)))
			break;
		printf("mod%u.paddr=%#" PRIx64 "\nmod%u.size=%" PRIu64
		       "\nmod%u.cmdline_paddr=%#" PRIx64 "\n",
		       i, m.paddr, i, m.size, i, m.cmdline_paddr);
	}
	/* ACPI entries apart: a builder with tables of its own places them
	 * elsewhere; the others numbered among themselves. */
	for (unsigned i = 0, n = 0; i < si.memmap_entries && i < 64; i++) {
		struct hvm_memmap_table_entry e;

		if (read_phys(si.memmap_paddr + i * sizeof(e), &e, sizeof(e)))
			break;
		if (e.type == XEN_HVM_MEMMAP_TYPE_ACPI) {
			printf("memmap_acpi=%#" PRIx64 "+%#" PRIx64 "\n", e.addr, e.size);
			acpi_pages += ((e.addr + e.size + PAGE - 1) / PAGE) - e.addr / PAGE;
		} else {
			printf("memmap%u=%#" PRIx64 "+%#" PRIx64 " type %u\n", n++, e.addr,
			       e.size, e.type);
		}
	}
	if (si.rsdp_paddr) {
		uint8_t r[36];

		if (read_phys(si.rsdp_paddr, r, sizeof(r)) == 0)
			printf("rsdp.sig=%.8s rev %u\n", (char *)r, r[15]);
	}
}

static void dump_cpuid(xc_interface *xch)
{
	xc_cpu_policy_t *p = xc_cpu_policy_init();
	uint32_t nl = 0, nm = 0;
	xen_cpuid_leaf_t *l;
	xen_msr_entry_t *m;

	if (!p || xc_cpu_policy_get_domain(xch, domid, p) ||
	    xc_cpu_policy_get_size(xch, &nl, &nm)) {
		printf("cpuid=unreadable (%s)\n", strerror(errno));
		return;
	}
	l = calloc(nl, sizeof(*l));
	m = calloc(nm, sizeof(*m));
	if (!l || !m || xc_cpu_policy_serialise(xch, p, l, &nl, m, &nm)) {
		printf("cpuid=unserialisable (%s)\n", strerror(errno));
		return;
	}
	for (uint32_t i = 0; i < nl; i++)
		printf("cpuid.%#x.%#x=%08x %08x %08x %08x\n", l[i].leaf, l[i].subleaf,
		       l[i].a, l[i].b, l[i].c, l[i].d);
	for (uint32_t i = 0; i < nm; i++)
		printf("msr.%#x=%#" PRIx64 "\n", m[i].idx, m[i].val);
	free(l);
	free(m);
	xc_cpu_policy_destroy(p);
}

int main(int argc, char **argv)
{
	xc_domaininfo_t info;
	xc_interface *xch;
	uint64_t v, rbx;
	uint32_t tsc_mode, khz, inc;
	uint64_t ns;

	if (argc != 2) {
		fprintf(stderr, "usage: pvhdump DOMID\n");
		return 2;
	}
	domid = strtoul(argv[1], NULL, 0);
	xch = xc_interface_open(NULL, NULL, 0);
	fmem = xenforeignmemory_open(NULL, 0);
	if (!xch || !fmem)
		die("open");
	if (xc_domain_getinfolist(xch, domid, 1, &info) != 1 || info.domain != domid)
		die("xc_domain_getinfolist");
	printf("hvm=%d\nhap=%d\n", !!(info.flags & XEN_DOMINF_hvm_guest),
	       !!(info.flags & XEN_DOMINF_hap));
	printf("tot_pages=%" PRIu64 "\nmax_pages=%" PRIu64 "\nmax_vcpu_id=%u\n",
	       (uint64_t)info.tot_pages, (uint64_t)info.max_pages, info.max_vcpu_id);
	if (xc_get_paging_mempool_size(xch, domid, &v) == 0)
		printf("paging_pool=%" PRIu64 "\n", v);
	if (xc_domain_get_tsc_info(xch, domid, &tsc_mode, &ns, &khz, &inc) == 0)
		printf("tsc_mode=%u\n", tsc_mode);
	for (unsigned i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (xc_hvm_param_get(xch, domid, params[i].idx, &v) == 0)
			printf("param.%s=%#" PRIx64 "\n", params[i].name, v);
	rbx = dump_context(xch);
	dump_start_info(rbx);
	/* What the domain holds besides its ACPI pages. */
	printf("pages_without_acpi=%" PRIu64 "\n", (uint64_t)info.tot_pages - acpi_pages);
	dump_cpuid(xch);
	{
		void *gt = NULL;
		xenforeignmemory_resource_handle *res = xenforeignmemory_map_resource(
			fmem, domid, XENMEM_resource_grant_table,
			XENMEM_resource_grant_table_id_shared, 0, 1, &gt,
			PROT_READ, 0);

		if (!res) {
			printf("gnttab=unreadable (%s)\n", strerror(errno));
		} else {
			grant_entry_v1_t *g = gt;

			for (int i = 0; i < 2; i++)
				printf("gnttab%d=flags %#x domid %u frame %#x\n", i,
				       g[i].flags, g[i].domid, g[i].frame);
			xenforeignmemory_unmap_resource(fmem, res);
		}
	}
	return 0;
}
