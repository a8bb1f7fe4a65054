/*
 * build.c - the build steps on one struct dom: load the inputs, plan the
 * layout, create the domain, then write every start-of-day structure into
 * guest memory through the backend and start vCPU 0 (DESIGN.md, "The PV
 * boot protocol").
 */
#include "build.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <xen/xen.h>
#include <xen/foreign/x86_32.h>
#include <xen/foreign/x86_64.h>

#include "pagetable.h"

#define LINUX_MAX_MAPPING (1ULL << 30)	/* Linux x86_64 maps 1 GiB at start */
#define DEFAULT_EVTCHN_PORTS 1023	/* xl's defaults */
#define DEFAULT_GRANT_FRAMES 64
#define DEFAULT_MAPTRACK_FRAMES 1024

void dom_init(struct dom *d, const struct dom_config *cfg)
{
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	strcpy(d->initrd_format, "none");
}

void dom_free(struct dom *d)
{
	kernel_image_free(&d->kernel);
	free(d->kernel_file);
	free(d->initrd);
	free(d->p2m);
	d->kernel_file = NULL;
	d->initrd = NULL;
	d->p2m = NULL;
}

static uint64_t cap_of(const struct dom_config *c)
{
	return c->max_decompressed ? c->max_decompressed : XB_DEFAULT_MAX_DECOMP;
}

int dom_load(struct dom *d)
{
	const struct dom_config *c = d->cfg;
	struct loader_opts lo = { .max_decompressed = cap_of(c) };
	uint8_t *raw;
	size_t raw_len;
	int rc;

	if (!c->kernel)
		return xb_fail(&d->err, XB_EINPUT, "%s: no kernel given",
			       c->source ? c->source : "config");
	rc = xb_read_file(c->kernel, cap_of(c), &d->kernel_file,
			  &d->kernel_file_len, &d->err);
	if (rc < 0)
		return rc;
	rc = kernel_parse(c->kernel, d->kernel_file, d->kernel_file_len, &lo,
			  &d->kernel, &d->err);
	if (rc < 0)
		return rc;
	if (!c->ramdisk)
		return 0;

	rc = xb_read_file(c->ramdisk, cap_of(c), &raw, &raw_len, &d->err);
	if (rc < 0)
		return rc;
	d->initrd_file_len = raw_len;
	if (c->ramdisk_decompress) {
		const struct dc_format *f = dc_probe(raw, raw_len);

		if (f) {
			uint8_t *out;
			size_t out_len;

			rc = f->decompress(c->ramdisk, raw, raw_len, cap_of(c),
					   &out, &out_len, &d->err);
			free(raw);
			if (rc < 0)
				return rc;
			snprintf(d->initrd_format, sizeof(d->initrd_format),
				 "%s", f->name);
			d->initrd = out;
			d->initrd_len = out_len;
			return 0;
		}
	}
	d->initrd = raw;
	d->initrd_len = raw_len;
	return 0;
}

int dom_plan(struct dom *d)
{
	const struct dom_config *c = d->cfg;
	struct layout_in in = {
		.k = &d->kernel,
		.has_initrd = c->ramdisk != NULL,
		.initrd_len = d->initrd_len,
		.initrd_file_len = d->initrd_file_len,
		.nr_pages = c->memory_mb << (20 - XB_PAGE_SHIFT),
	};
	int rc;

	if (c->cmdline && strlen(c->cmdline) >= MAX_GUEST_CMDLINE)
		return xb_fail(&d->err, XB_EINPUT,
			       "%s: command line is %zu bytes, the limit is %d",
			       c->source, strlen(c->cmdline), MAX_GUEST_CMDLINE - 1);
	if (d->kernel.guest == XB_GUEST_X86_64 &&
	    !strcmp(d->kernel.notes.guest_os, "linux"))
		in.max_mapping = LINUX_MAX_MAPPING;
	rc = layout_compute(&in, &d->layout, &d->err);
	if (rc < 0)
		return xb_prefix(&d->err, "%s", c->kernel);
	return 0;
}

int dom_check_caps(struct dom *d)
{
	const char *magic = d->layout.gp->magic;
	char caps[1024];
	size_t ml = strlen(magic);
	int rc = hv_caps(d->hv, caps, sizeof(caps), &d->err);

	if (rc < 0)
		return rc;
	for (size_t n = strlen(caps); n && caps[n - 1] == ' '; n--)
		caps[n - 1] = '\0';
	/* A whole word of the space-separated list. */
	for (const char *p = caps; (p = strstr(p, magic)); p += ml)
		if ((p == caps || p[-1] == ' ') && (p[ml] == ' ' || !p[ml]))
			return 0;
	return xb_fail(&d->err, XB_EHV,
		       "%s: this Xen does not run %s guests (xen_caps: %s)",
		       d->cfg->kernel, magic, caps);
}

int dom_create(struct dom *d)
{
	const struct dom_config *c = d->cfg;
	struct hv_create hc = {
		.pae = d->kernel.guest == XB_GUEST_X86_32P,
		.max_vcpus = c->maxvcpus ? c->maxvcpus : 1,
		.max_evtchn_port = DEFAULT_EVTCHN_PORTS,
		.max_grant_frames = DEFAULT_GRANT_FRAMES,
		.max_maptrack_frames = DEFAULT_MAPTRACK_FRAMES,
	};
	int rc;

	if (c->has_uuid) {
		memcpy(hc.uuid, c->uuid, sizeof(hc.uuid));
	} else if (getrandom(hc.uuid, sizeof(hc.uuid), 0) != sizeof(hc.uuid)) {
		return xb_fail(&d->err, XB_EINTERNAL, "getrandom failed");
	} else {
		hc.uuid[6] = (hc.uuid[6] & 0x0f) | 0x40;	/* version 4 */
		hc.uuid[8] = (hc.uuid[8] & 0x3f) | 0x80;
	}
	memcpy(d->uuid, hc.uuid, sizeof(d->uuid));
	if ((rc = dom_check_caps(d)) < 0)
		return rc;
	rc = hv_domain_create(d->hv, &hc, &d->domid, &d->err);
	if (rc < 0)
		return rc;
	d->created = true;
	return hv_set_max_mem(d->hv, d->domid,
				  (c->maxmem_mb > c->memory_mb ? c->maxmem_mb :
				   c->memory_mb) << 10, &d->err);
}

void dom_destroy(struct dom *d)
{
	struct xb_err ignore = { 0 };

	if (d->created && hv_destroy(d->hv, d->domid, &ignore) == 0) {
		d->created = false;
		d->destroyed = true;
	}
}

/* ---- writing guest memory ---- */

/* Map pages guest frames starting at pfn. */
static uint8_t *map_pfns(struct dom *d, uint64_t pfn, uint64_t pages)
{
	if (pages == 0 || pfn > d->layout.nr_pages ||
	    pages > d->layout.nr_pages - pfn) {
		xb_fail(&d->err, XB_EINTERNAL, "map: pfns %#" PRIx64 "+%" PRIu64
			" outside the guest", pfn, pages);
		return NULL;
	}
	return hv_map(d->hv, d->domid, d->p2m + pfn, pages, &d->err);
}

static void unmap(struct dom *d, void *p, uint64_t pages)
{
	if (p)
		hv_unmap(d->hv, p, pages);
}

static int load_kernel(struct dom *d)
{
	const struct layout_seg *s = &d->layout.kernel;
	uint8_t *p = map_pfns(d, s->pfn, s->pages);
	int rc;

	uint64_t span = d->layout.virt_kend - d->layout.virt_kstart;

	if (!p)
		return -d->err.code;
	/* kernel_load writes every byte of [kstart, kend); zero the rest of
	 * the last page only. */
	memset(p + span, 0, (s->pages << XB_PAGE_SHIFT) - span);
	rc = kernel_load(&d->kernel, p, s->pages << XB_PAGE_SHIFT, &d->err);
	unmap(d, p, s->pages);
	return rc;
}

static int load_initrd(struct dom *d)
{
	const struct layout_seg *s = &d->layout.initrd;
	uint8_t *p;

	if (!d->layout.has_initrd)
		return 0;
	if (!(p = map_pfns(d, s->pfn, s->pages)))
		return -d->err.code;
	memcpy(p, d->initrd, d->initrd_len);
	memset(p + d->initrd_len, 0, (s->pages << XB_PAGE_SHIFT) - d->initrd_len);
	unmap(d, p, s->pages);
	return 0;
}

struct pt_frames {
	const struct layout *l;
	uint8_t *pt, *p2m;
};

static void *pt_frame(void *ctx, uint64_t pfn)
{
	const struct pt_frames *f = ctx;
	const struct layout_seg *pt = &f->l->pgtables, *p2m = &f->l->p2m;

	if (pfn >= pt->pfn && pfn < pt->pfn + pt->pages)
		return f->pt + ((pfn - pt->pfn) << XB_PAGE_SHIFT);
	if (pfn >= p2m->pfn && pfn < p2m->pfn + p2m->pages)
		return f->p2m + ((pfn - p2m->pfn) << XB_PAGE_SHIFT);
	return NULL;
}

/* p2m list and page tables; the INIT_P2M tables share the p2m mapping. */
static int write_p2m_and_tables(struct dom *d)
{
	const struct layout *l = &d->layout;
	struct pt_frames f = { .l = l };
	int rc = -XB_EINTERNAL;

	f.p2m = map_pfns(d, l->p2m.pfn, l->p2m.pages);
	if (!f.p2m)
		return -d->err.code;
	memset(f.p2m, 0, l->p2m.pages << XB_PAGE_SHIFT);
	if (l->gp->pfn_size == 8) {
		memcpy(f.p2m, d->p2m, l->nr_pages * 8);
	} else {
		uint32_t *p = (uint32_t *)f.p2m;

		for (uint64_t i = 0; i < l->nr_pages; i++)
			p[i] = (uint32_t)d->p2m[i];
	}
	f.pt = map_pfns(d, l->pgtables.pfn, l->pgtables.pages);
	if (!f.pt)
		goto out;
	memset(f.pt, 0, l->pgtables.pages << XB_PAGE_SHIFT);
	rc = pt_write(l, d->p2m, pt_frame, &f, &d->err);
	if (rc == 0 && d->test_bad_pte) {
		/* Test-only: make the L1 entry that maps the root table
		 * writable, which Xen must refuse when pinning. */
		uint64_t off = l->pgtables.pfn;
		uint64_t *l1 = pt_frame(&f, l->maps[0].lvls[0].pfn + (off >> 9));

		if (l1)
			l1[off & 511] |= PT_RW;
	}
out:
	unmap(d, f.pt, l->pgtables.pages);
	unmap(d, f.p2m, l->p2m.pages);
	return rc;
}

/* The same fields for both layouts; the 32-bit one narrows (the layout
 * keeps every value of a PAE guest below 4 GiB). */
#define SI_FILL(si, d, l, shinfo, cmd) do {				\
	snprintf((si)->magic, sizeof((si)->magic), "%s", (l)->gp->magic);\
	(si)->nr_pages = (l)->nr_pages;					\
	(si)->shared_info = (shinfo);					\
	(si)->flags = (l)->si_flags;					\
	(si)->store_mfn = (d)->store_mfn;				\
	(si)->store_evtchn = (d)->store_evtchn;				\
	(si)->console.domU.mfn = (d)->console_mfn;			\
	(si)->console.domU.evtchn = (d)->console_evtchn;		\
	(si)->pt_base = (l)->pt_base;					\
	(si)->nr_pt_frames = (l)->nr_pt_frames;				\
	(si)->mfn_list = (l)->mfn_list;					\
	(si)->mod_start = (l)->mod_start;				\
	(si)->mod_len = (l)->mod_len;					\
	snprintf((char *)(si)->cmd_line, sizeof((si)->cmd_line), "%s", (cmd)); \
	(si)->first_p2m_pfn = (l)->first_p2m_pfn;			\
	(si)->nr_p2m_frames = (l)->nr_p2m_frames;			\
} while (0)

static void fill_start_info(struct dom *d, void *page)
{
	const struct layout *l = &d->layout;
	const char *cmd = d->cfg->cmdline ? d->cfg->cmdline : "";
	uint64_t shinfo = d->shared_info_mfn << XB_PAGE_SHIFT;

	if (l->gp->type == XB_GUEST_X86_64)
		SI_FILL((start_info_x86_64_t *)page, d, l, shinfo, cmd);
	else
		SI_FILL((start_info_x86_32_t *)page, d, l, shinfo, cmd);
}

/* start_info, xenstore and console pages are consecutive pfns; the boot
 * stack is zeroed too. */
static int write_magic_pages(struct dom *d)
{
	const struct layout *l = &d->layout;
	uint8_t *p = map_pfns(d, l->start_info.pfn, 3);
	uint8_t *stack;

	if (!p)
		return -d->err.code;
	memset(p, 0, 3 * XB_PAGE_SIZE);
	fill_start_info(d, p);
	unmap(d, p, 3);
	if (!(stack = map_pfns(d, l->stack.pfn, 1)))
		return -d->err.code;
	memset(stack, 0, XB_PAGE_SIZE);
	unmap(d, stack, 1);
	return 0;
}

static int init_shared_info(struct dom *d)
{
	uint8_t *p = hv_map(d->hv, d->domid, &d->shared_info_mfn, 1, &d->err);

	if (!p)
		return -d->err.code;
	memset(p, 0, XB_PAGE_SIZE);
	/* Every vCPU starts with event upcalls masked. */
	if (d->layout.gp->type == XB_GUEST_X86_64) {
		shared_info_x86_64_t *s = (void *)p;

		for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS_X86_64; i++)
			s->vcpu_info[i].evtchn_upcall_mask = 1;
	} else {
		shared_info_x86_32_t *s = (void *)p;

		for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS_X86_32; i++)
			s->vcpu_info[i].evtchn_upcall_mask = 1;
	}
	hv_unmap(d->hv, p, 1);
	return 0;
}

static void vcpu_context(const struct dom *d, struct hv_vcpu *v)
{
	const struct layout *l = &d->layout;
	bool is64 = l->gp->type == XB_GUEST_X86_64;

	memset(v, 0, sizeof(*v));
	v->is64 = is64;
	v->rip = l->virt_entry;
	v->rsp = l->virt_base + ((l->stack.pfn + 1) << XB_PAGE_SHIFT);
	v->rsi = l->virt_base + (l->start_info.pfn << XB_PAGE_SHIFT);
	v->rflags = 1 << 9;	/* IF */
	v->cs = is64 ? FLAT_KERNEL_CS_X86_64 : FLAT_KERNEL_CS_X86_32;
	v->ss = is64 ? FLAT_KERNEL_SS_X86_64 : FLAT_KERNEL_SS_X86_32;
	v->ds = v->es = v->fs = v->gs =
		is64 ? FLAT_KERNEL_DS_X86_64 : FLAT_KERNEL_DS_X86_32;
	v->kernel_ss = v->ss;
	v->kernel_sp = v->rsp;
	v->flags = is64 ? (VGCF_in_kernel_X86_64 | VGCF_online_X86_64)
			: (VGCF_in_kernel_X86_32 | VGCF_online_X86_32);
	v->cr3_mfn = d->p2m[l->pgtables.pfn];
}

/* Between steps: give up when asked to stop (SIGINT/SIGTERM). */
int dom_check_stop(struct dom *d)
{
	if (d->stop && *d->stop)
		return xb_fail(&d->err, XB_EINTERNAL,
			       "interrupted by signal %d", (int)*d->stop);
	return 0;
}

int dom_build(struct dom *d)
{
	const struct layout *l = &d->layout;
	struct hv_vcpu v;
	int rc;

	d->p2m = calloc(l->nr_pages, sizeof(*d->p2m));
	if (!d->p2m)
		return xb_fail(&d->err, XB_EINTERNAL,
			       "out of memory for the p2m (%" PRIu64 " pages)",
			       l->nr_pages);
	if ((rc = hv_populate(d->hv, d->domid, l->nr_pages, d->p2m,
				  &d->err)) < 0)
		return rc;
	d->store_mfn = d->p2m[l->xenstore.pfn];
	d->console_mfn = d->p2m[l->console.pfn];
	if ((rc = hv_shared_info_mfn(d->hv, d->domid, &d->shared_info_mfn,
					 &d->err)) < 0)
		return rc;

	if ((rc = dom_check_stop(d)) < 0 || (rc = load_kernel(d)) < 0 ||
	    (rc = dom_check_stop(d)) < 0 || (rc = load_initrd(d)) < 0 ||
	    (rc = write_p2m_and_tables(d)) < 0 ||
	    (rc = write_magic_pages(d)) < 0 || (rc = dom_check_stop(d)) < 0)
		return rc;
	if (l->virt_hypercall != XB_UNSET) {
		uint64_t pfn = (l->virt_hypercall - l->virt_base) >> XB_PAGE_SHIFT;

		if ((rc = hv_hypercall_init(d->hv, d->domid, d->p2m[pfn],
						&d->err)) < 0)
			return rc;
	}
	/* All builder mappings of page-table frames are gone: pin. */
	if ((rc = hv_pin_root(d->hv, d->domid, l->gp->levels,
				  d->p2m[l->pgtables.pfn], &d->err)) < 0)
		return rc;
	if ((rc = init_shared_info(d)) < 0)
		return rc;
	vcpu_context(d, &v);
	if ((rc = hv_set_vcpu(d->hv, d->domid, 0, &v, &d->err)) < 0)
		return rc;
	return hv_seed_grants(d->hv, d->domid, d->console_mfn,
				  d->console_domid, d->store_mfn,
				  d->store_domid, &d->err);
}
