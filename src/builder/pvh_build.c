/*
 * pvh_build.c - dom_build for a PVH guest (DESIGN.md "PVH guests"): the
 * container's paging pool, TSC mode, timer mode and CPUID policy, its
 * memory populated range by range and its memory map, the kernel at its
 * physical addresses, the initrd, hvm_start_info, the special pages and
 * their HVM params, ACPI tables when there are some, vCPU 0 through the
 * HVM context, grant entries by gfn.  In the order libxl and libxenguest
 * 4.17 take these steps.
 */
#include "build_int.h"

#include "acpi.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/hvm/params.h>

#define PVH_TIMER_MODE 1 /* xl: no_delay_for_missed_ticks */
#define PVH_TSC_MODE 0 /* xl: default */
#define X86_CR0_PE 0x01
#define X86_CR0_ET 0x10
#define MTRR_DEF_WB_ENABLED 0x806 /* type write-back, MTRRs enabled */
#define PVH_ACPI_MAX (64u << 10) /* room for the tables of 512 vCPUs */

static int fill_start_info(struct dom *d, uint8_t *p, uint64_t first,
			   uint64_t pages)
{
	if (first != 0 || pages != d->pvh.si_pages)
		return xb_fail(&d->err, XB_EINTERNAL,
			       "hvm_start_info: mapped in pieces");
	return pvh_write_start_info(&d->pvh, d->cfg->cmdline, p,
				    pages << XB_PAGE_SHIFT, &d->err);
}

/* The special pages cleared; the identity page table filled. */
static int fill_special(struct dom *d, uint8_t *p, uint64_t first,
			uint64_t pages)
{
	memset(p, 0, pages << XB_PAGE_SHIFT);
	for (uint64_t i = 0; i < pages; i++)
		if (d->pvh.special_pfn + first + i == d->pvh.ident_pt_pfn)
			pvh_write_ident_pt(p + (i << XB_PAGE_SHIFT));
	return 0;
}

/* ACPI tables, then the RSDP at the start of the page after them. */
static int fill_acpi(struct dom *d, uint8_t *p, uint64_t first, uint64_t pages)
{
	uint64_t off = first << XB_PAGE_SHIFT, len = pages << XB_PAGE_SHIFT;
	uint64_t tlen = d->pvh.acpi_pages << XB_PAGE_SHIFT;
	uint64_t n = off < d->acpi_len ? umin(len, d->acpi_len - off) : 0;

	memset(p, 0, len);
	memcpy(p, d->acpi + off, n);
	if (off <= tlen && tlen < off + len)
		memcpy(p + (tlen - off), d->acpi_rsdp, sizeof(d->acpi_rsdp));
	return 0;
}

static void phase(struct dom *d, const char *name)
{
	if (d->phase)
		d->phase(d->phase_ctx, name);
}

/*
 * The CPUID policy: the default one with the config's overrides, in
 * libxenguest's xend form.  A register the config leaves all 'x' is passed
 * as no string at all, as xl passes the registers its cpuid key does not
 * name: an all-'x' string would mean "the default policy's value" for
 * every bit and undo what xc_cpuid_apply_policy adjusts for an HVM
 * container (CMP_LEGACY in leaf 0x80000001 ecx, measured on Xen 4.17:
 * set with the string, clear on xl's twin without it).
 */
static int pvh_cpuid(struct dom *d)
{
	const struct dom_config *c = d->cfg;
	struct hv_cpuid ov[XB_CPUID_MAX];
	unsigned n = c->nr_cpuid < XB_CPUID_MAX ? c->nr_cpuid : XB_CPUID_MAX;

	for (unsigned i = 0; i < n; i++) {
		ov[i].leaf = c->cpuid[i].leaf;
		ov[i].subleaf = c->cpuid[i].subleaf;
		for (unsigned r = 0; r < 4; r++) {
			const char *pol = c->cpuid[i].policy[r];

			ov[i].policy[r] =
				!*pol || strspn(pol, "x") == 32 ? NULL : pol;
		}
	}
	return hv_set_cpuid(d->hv, d->domid, ov, n, &d->err);
}

/* The container itself: paging pool, TSC, timer mode, altp2m off, CPUID,
 * as libxl sets them before it builds. */
static int pvh_setup(struct dom *d)
{
	const struct dom_config *c = d->cfg;
	uint64_t maxmem = c->maxmem_mb > c->memory_mb ? c->maxmem_mb :
							c->memory_mb;
	bool hap = false;
	int rc;

	if ((rc = hv_hvm_hap(d->hv, d->domid, &hap, &d->err)) < 0)
		return rc;
	d->pvh_hap = hap;
	d->pvh_paging_pool =
		pvh_paging_pool(c->maxvcpus ? c->maxvcpus : 1, maxmem, hap);
	if ((rc = hv_set_paging_pool(d->hv, d->domid, d->pvh_paging_pool,
				     &d->err)) < 0 ||
	    (rc = hv_set_tsc_info(d->hv, d->domid, PVH_TSC_MODE, &d->err)) <
		    0 ||
	    (rc = hv_set_hvm_param(d->hv, d->domid, HVM_PARAM_TIMER_MODE,
				   PVH_TIMER_MODE, &d->err)) < 0 ||
	    (rc = hv_set_hvm_param(d->hv, d->domid, HVM_PARAM_ALTP2M, 0,
				   &d->err)) < 0)
		return rc;
	return pvh_cpuid(d);
}

/* The special pages' HVM params and the two event channels. */
static int pvh_params(struct dom *d)
{
	const struct pvh_layout *l = &d->pvh;
	const struct {
		uint32_t param;
		uint64_t value;
	} p[] = {
		{ HVM_PARAM_STORE_PFN, l->store_pfn },
		{ HVM_PARAM_BUFIOREQ_PFN, l->special_pfn + PVH_SP_BUFIOREQ },
		{ HVM_PARAM_IOREQ_PFN, l->special_pfn + PVH_SP_IOREQ },
		{ HVM_PARAM_CONSOLE_PFN, l->console_pfn },
		{ HVM_PARAM_PAGING_RING_PFN, l->special_pfn + PVH_SP_PAGING },
		{ HVM_PARAM_MONITOR_RING_PFN, l->special_pfn + PVH_SP_MONITOR },
		{ HVM_PARAM_SHARING_RING_PFN, l->special_pfn + PVH_SP_SHARING },
		{ HVM_PARAM_IDENT_PT, l->ident_pt_pfn << XB_PAGE_SHIFT },
		{ HVM_PARAM_STORE_EVTCHN, d->store_evtchn },
		{ HVM_PARAM_CONSOLE_EVTCHN, d->console_evtchn },
	};
	int rc;

	for (size_t i = 0; i < XB_ARRAY_SIZE(p); i++)
		if ((rc = hv_set_hvm_param(d->hv, d->domid, p[i].param,
					   p[i].value, &d->err)) < 0)
			return rc;
	return 0;
}

int dom_build_pvh(struct dom *d)
{
	const struct pvh_layout *l = &d->pvh;
	struct hv_hvm_vcpu *v = &d->hvm_vcpu;
	int rc;

	if ((rc = dom_check_stop(d)) < 0 || (rc = pvh_setup(d)) < 0)
		return rc;
	for (unsigned i = 0; i < l->nr_ranges; i++)
		if ((rc = dom_check_stop(d)) < 0 ||
		    (rc = hv_populate_range(d->hv, d->domid, l->ranges[i].pfn,
					    l->ranges[i].pages, &d->err)) < 0)
			return rc;
	if ((rc = hv_set_memory_map(d->hv, d->domid, l->memmap, l->nr_memmap,
				    &d->err)) < 0)
		return rc;
	d->store_mfn = l->store_pfn; /* gfns: what xenstore and the */
	d->console_mfn = l->console_pfn; /* grant entries name */
	phase(d, "populate");
	if ((rc = dom_write_pieces(d, l->kernel_pfn, l->kernel_pages,
				   HV_MAP_DATA, dom_fill_kernel)) < 0 ||
	    (l->has_initrd &&
	     (rc = dom_write_pieces(d, l->mod_pfn, l->mod_pages, HV_MAP_DATA,
				    dom_fill_initrd)) < 0))
		return rc;
	phase(d, "load");
	if ((rc = dom_write_pieces(d, l->si_pfn, l->si_pages, HV_MAP_BOOT,
				   fill_start_info)) < 0 ||
	    (rc = dom_write_pieces(d, l->special_pfn, PVH_NR_SPECIAL,
				   HV_MAP_BOOT, fill_special)) < 0 ||
	    (l->has_acpi &&
	     (rc = dom_write_pieces(d, l->acpi_paddr >> XB_PAGE_SHIFT,
				    l->acpi_pages + 1, HV_MAP_BOOT,
				    fill_acpi)) < 0))
		return rc;
	phase(d, "start info");
	if ((rc = dom_check_stop(d)) < 0 || (rc = pvh_params(d)) < 0)
		return rc;
	memset(v, 0, sizeof(*v));
	v->rip = l->entry;
	v->rbx = l->si_paddr;
	v->cr0 = X86_CR0_PE | X86_CR0_ET;
	v->cs_ar = 0xc9b; /* present, 32-bit, 4 KiB granular, code r/x */
	v->ds_ar = 0xc93; /* the same, data r/w */
	v->tr_ar = 0x8b; /* present, busy 32-bit TSS */
	v->mtrr_def_type = MTRR_DEF_WB_ENABLED;
	if ((rc = hv_set_hvm_vcpu(d->hv, d->domid, v, &d->err)) < 0 ||
	    (rc = hv_seed_grants_gfn(d->hv, d->domid, l->console_pfn,
				     d->console_domid, l->store_pfn,
				     d->store_domid, &d->err)) < 0)
		return rc;
	phase(d, "vcpu");
	return 0;
}

int dom_plan_pvh(struct dom *d)
{
	const struct dom_config *c = d->cfg;
	struct pvh_in in = {
		.k = &d->kernel,
		.has_initrd = d->has_initrd,
		.initrd_len = d->initrd_len,
		.memory_mb = c->memory_mb,
		.has_cmdline = c->cmdline != NULL,
		.cmdline_len = c->cmdline ? strlen(c->cmdline) : 0,
		.acpi_len = d->acpi_len,
	};
	unsigned maxv = c->maxvcpus ? c->maxvcpus : 1;
	int rc;

	if ((rc = dom_check_stop(d)) < 0)
		return rc;
	if (maxv > PVH_MAX_VCPUS)
		return xb_fail(&d->err, XB_EINPUT,
			       "%s: a PVH guest has at most %d vCPUs (maxvcpus "
			       "%u)",
			       c->source ? c->source : "config", PVH_MAX_VCPUS,
			       maxv);
	/* libxl always gives a PVH guest ACPI tables: the MADT is what lets
	 * Linux find its other vCPUs.  The RSDP goes in the page after the
	 * tables (pvh.h); its bytes do not depend on where it lies. */
	{
		struct acpi_params ap = {
			.nr_vcpus = c->vcpus ? c->vcpus : 1,
			.max_vcpus = maxv,
			.tables_paddr = PVH_ACPI_TABLES,
			.rsdp_paddr = PVH_ACPI_TABLES - PVH_RSDP_LEN,
		};
		struct acpi_result ar;

		free(d->acpi_owned);
		d->acpi = NULL;
		if (!(d->acpi_owned = malloc(PVH_ACPI_MAX)))
			return xb_fail(&d->err, XB_EINTERNAL, "out of memory");
		rc = acpi_build(&ap, d->acpi_owned, PVH_ACPI_MAX, d->acpi_rsdp,
				&ar, &d->err);
		if (rc < 0)
			return xb_prefix(&d->err, "%s: ACPI tables",
					 c->source ? c->source : "config");
		d->acpi = d->acpi_owned;
		d->acpi_len = ar.tables_len;
		in.acpi_len = ar.tables_len;
	}
	rc = pvh_layout_compute(&in, &d->pvh, &d->err);
	if (rc < 0)
		return xb_prefix(&d->err, "%s", c->kernel);
	return 0;
}
