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

#include "pagetable.h"

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
	free(d->initrd_owned);
	free(d->p2m);
	d->initrd_owned = NULL;
	d->initrd = NULL;
	d->p2m = NULL;
}

int dom_check_stop(struct dom *d)
{
	if (d->stop && *d->stop)
		return xb_fail(&d->err, XB_EINTERNAL,
			       "interrupted by signal %d", (int)*d->stop);
	return 0;
}

int dom_load(struct dom *d, const struct dom_input *kernel,
	     const struct dom_input *initrd)
{
	const struct dom_config *c = d->cfg;
	struct loader_opts lo = { .max_decompressed = c->max_decompressed };
	int rc;

	if ((rc = dom_check_stop(d)) < 0 ||
	    (rc = kernel_parse(kernel->name, kernel->buf, kernel->len, &lo,
			       &d->kernel, &d->err)) < 0)
		return rc;
	d->gp = guest_params_get(d->kernel.guest);
	if (!d->gp)
		return xb_fail(&d->err, XB_EINTERNAL, "%s: unknown guest kind",
			       kernel->name);
	if (!initrd)
		return 0;
	if (initrd->len == 0)
		return xb_fail(&d->err, XB_EINPUT,
			       "%s: the ramdisk is empty (0 bytes)", initrd->name);
	d->has_initrd = true;
	d->initrd_file_len = initrd->len;
	d->initrd = initrd->buf;
	d->initrd_len = initrd->len;
	if (c->ramdisk_decompress) {
		const struct dc_format *f = dc_probe(initrd->buf, initrd->len);

		if (f) {
			size_t out_len;

			rc = f->decompress(initrd->name, initrd->buf, initrd->len,
					   c->max_decompressed, &d->initrd_owned, &out_len,
					   &d->err);
			if (rc < 0)
				return rc;
			snprintf(d->initrd_format, sizeof(d->initrd_format),
				 "%s", f->name);
			d->initrd = d->initrd_owned;
			d->initrd_len = out_len;
		}
	}
	return 0;
}

int dom_plan(struct dom *d)
{
	const struct dom_config *c = d->cfg;
	struct layout_in in = {
		.k = &d->kernel,
		.has_initrd = d->has_initrd,
		.initrd_len = d->initrd_len,
		.initrd_file_len = d->initrd_file_len,
		.nr_pages = c->memory_mb << (20 - XB_PAGE_SHIFT),
	};
	int rc;

	/* cfg_finish() checked the command line's length. */
	if ((rc = dom_check_stop(d)) < 0)
		return rc;
	if (!strcmp(d->kernel.notes.guest_os, "linux"))
		in.max_mapping = d->gp->linux_max_mapping;
	rc = layout_compute(&in, &d->layout, &d->err);
	if (rc < 0)
		return xb_prefix(&d->err, "%s", c->kernel);
	return 0;
}

int dom_choose_uuid(struct dom *d)
{
	if (d->has_uuid)
		return 0;
	if (d->cfg->has_uuid) {
		memcpy(d->uuid, d->cfg->uuid, sizeof(d->uuid));
	} else if (getrandom(d->uuid, sizeof(d->uuid), 0) != sizeof(d->uuid)) {
		return xb_fail(&d->err, XB_EINTERNAL, "getrandom failed");
	} else {
		d->uuid[6] = (d->uuid[6] & 0x0f) | 0x40;	/* version 4 */
		d->uuid[8] = (d->uuid[8] & 0x3f) | 0x80;
	}
	d->has_uuid = true;
	return 0;
}

int dom_check_caps(struct dom *d)
{
	const char *magic = d->gp->magic;
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
		.pae = d->gp->addr32,
		.max_vcpus = c->maxvcpus ? c->maxvcpus : 1,
		.max_evtchn_port = DEFAULT_EVTCHN_PORTS,
		.max_grant_frames = DEFAULT_GRANT_FRAMES,
		.max_maptrack_frames = DEFAULT_MAPTRACK_FRAMES,
	};
	int rc;

	if ((rc = dom_check_stop(d)) < 0 || (rc = dom_choose_uuid(d)) < 0)
		return rc;
	memcpy(hc.uuid, d->uuid, sizeof(hc.uuid));
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
	d->gp->write_p2m(f.p2m, d->p2m, l->nr_pages);
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

/* start_info as the guest will see it (recorded in d->si). */
static void fill_start_info(struct dom *d)
{
	const struct layout *l = &d->layout;
	struct dom_start_info *si = &d->si;

	memset(si, 0, sizeof(*si));
	snprintf(si->magic, sizeof(si->magic), "%s", d->gp->magic);
	si->nr_pages = l->nr_pages;
	si->shared_info = d->shared_info_mfn << XB_PAGE_SHIFT;
	si->flags = l->si_flags;
	si->store_mfn = d->store_mfn;
	si->store_evtchn = d->store_evtchn;
	si->console_mfn = d->console_mfn;
	si->console_evtchn = d->console_evtchn;
	si->pt_base = l->pt_base;
	si->nr_pt_frames = l->nr_pt_frames;
	si->mfn_list = l->mfn_list;
	si->mod_start = l->mod_start;
	si->mod_len = l->mod_len;
	si->first_p2m_pfn = l->first_p2m_pfn;
	si->nr_p2m_frames = l->nr_p2m_frames;
	snprintf(si->cmd_line, sizeof(si->cmd_line), "%s",
		 d->cfg->cmdline ? d->cfg->cmdline : "");
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
	fill_start_info(d);
	d->gp->write_start_info(p, &d->si);
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
	d->gp->init_shared_info(p);
	hv_unmap(d->hv, p, 1);
	return 0;
}

/* vCPU 0 at the kernel's entry (DESIGN.md), recorded in d->vcpu. */
static void vcpu_context(struct dom *d)
{
	const struct layout *l = &d->layout;
	const struct guest_params *gp = d->gp;
	struct hv_vcpu *v = &d->vcpu;

	memset(v, 0, sizeof(*v));
	v->is64 = gp->is64;
	v->rip = l->virt_entry;
	v->rsp = l->virt_base + ((l->stack.pfn + 1) << XB_PAGE_SHIFT);
	v->rsi = l->virt_base + (l->start_info.pfn << XB_PAGE_SHIFT);
	v->rflags = 1 << 9;	/* IF */
	v->cs = gp->cs;
	v->ss = gp->ss;
	v->ds = v->es = v->fs = v->gs = gp->ds;
	v->kernel_ss = v->ss;
	v->kernel_sp = v->rsp;
	v->flags = gp->vcpu_flags;
	v->cr3_mfn = d->p2m[l->pgtables.pfn];
}

int dom_build(struct dom *d)
{
	const struct layout *l = &d->layout;
	int rc;

	if ((rc = dom_check_stop(d)) < 0)
		return rc;
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
	if ((rc = hv_pin_root(d->hv, d->domid, d->gp->levels,
				  d->p2m[l->pgtables.pfn], &d->err)) < 0)
		return rc;
	if ((rc = init_shared_info(d)) < 0)
		return rc;
	vcpu_context(d);
	if ((rc = hv_set_vcpu(d->hv, d->domid, 0, &d->vcpu, &d->err)) < 0)
		return rc;
	return hv_seed_grants(d->hv, d->domid, d->console_mfn,
				  d->console_domid, d->store_mfn,
				  d->store_domid, &d->err);
}
