/*
 * build.c - the build steps on one struct dom: load the inputs, plan the
 * layout, create the domain, then write every start-of-day structure into
 * guest memory through the backend and start vCPU 0 (DESIGN.md, "The PV
 * boot protocol").
 */
#include "build_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>

#include "pagetable.h"

#define DEFAULT_EVTCHN_PORTS 1023 /* xl's max_event_channels */

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
	d->initrd_owned = NULL;
	free(d->acpi_owned);
	d->acpi_owned = NULL;
	d->acpi = NULL;
	d->initrd = NULL;
}

int dom_check_stop(struct dom *d)
{
	if (d->stop && *d->stop)
		return xb_fail(&d->err, XB_EINTERNAL,
			       "interrupted by signal %d", (int)*d->stop);
	return 0;
}

/* The initrd's bytes (d->initrd) unpacked on the host: every member
 * decompressed and joined (initrd.c), the result kept as d->initrd. */
static int unpack_initrd(struct dom *d, const char *name)
{
	struct initrd_image ii;
	int rc;

	rc = initrd_unpack(name, d->initrd, d->initrd_len,
			   d->cfg->max_decompressed, &ii, &d->err);
	if (rc < 0)
		return rc;
	snprintf(d->initrd_format, sizeof(d->initrd_format), "%s", ii.format);
	d->initrd_owned = ii.owned;
	d->initrd = ii.data;
	d->initrd_len = ii.len;
	return 0;
}

int dom_load(struct dom *d, const struct dom_input *kernel,
	     const struct dom_input *initrd)
{
	const struct dom_config *c = d->cfg;
	struct loader_opts lo = { .max_decompressed = c->max_decompressed };
	int rc;

	if ((rc = dom_check_stop(d)) < 0)
		return rc;
	/* PVH guests need their notes (PHYS32_ENTRY) before anything is
	 * created, and load at physical addresses: the host path. */
	bool stream = d->stream && c->type != XB_DOM_PVH;

	if (stream &&
	    (rc = kernel_stream_open(kernel->name, kernel->buf, kernel->len,
				     &lo, &d->kernel, &d->err)) < 0)
		return rc;
	d->kernel_streamed = stream && rc == 1;
	if (!d->kernel_streamed &&
	    (rc = kernel_parse(kernel->name, kernel->buf, kernel->len, &lo,
			       &d->kernel, &d->err)) < 0)
		return rc;
	d->gp = guest_params_get(c->type == XB_DOM_PVH ? XB_GUEST_PVH :
							 d->kernel.guest);
	if (!d->gp)
		return xb_fail(&d->err, XB_EINTERNAL, "%s: unknown guest kind",
			       kernel->name);
	/* Before anything else is read or created. */
	if (c->type == XB_DOM_PVH && !d->kernel.notes.has_phys32_entry)
		return xb_fail(&d->err, XB_EINPUT,
			       "%s: the kernel has no PVH entry (no "
			       "XEN_ELFNOTE_PHYS32_ENTRY note): it cannot "
			       "boot with type = \"pvh\"",
			       kernel->name);
	if (!initrd)
		return 0;
	if (initrd->len == 0)
		return xb_fail(&d->err, XB_EINPUT,
			       "%s: the ramdisk is empty (0 bytes)",
			       initrd->name);
	d->has_initrd = true;
	d->initrd_file_len = initrd->len;
	d->initrd = initrd->buf;
	d->initrd_len = initrd->len;
	if (c->ramdisk_decompress && d->kernel_streamed) {
		/* One stream of a format that decodes into guest memory: left
		 * to dom_build, which knows where it goes once the kernel's
		 * notes are decoded (and unpacks it on the host after all if
		 * more members follow). */
		const struct dc_format *f = dc_probe(initrd->buf, initrd->len);

		if (f && dc_streams(f)) {
			d->initrd_streamed = true;
			d->initrd_fmt = f;
			snprintf(d->initrd_format, sizeof(d->initrd_format),
				 "%s", f->name);
			return 0;
		}
	}
	if (c->ramdisk_decompress)
		return unpack_initrd(d, initrd->name);
	return 0;
}

static int plan_layout(struct dom *d);

/* Before the notes: the guest's size, and where the kernel is decoded. */
static int plan_streamed(struct dom *d)
{
	const struct kernel_image *k = &d->kernel;
	uint64_t nr = d->cfg->memory_mb << (20 - XB_PAGE_SHIFT);
	uint64_t pages = xb_pages(k->pend - k->pstart);
	uint64_t spec = k->pstart >> XB_PAGE_SHIFT;

	memset(&d->layout, 0, sizeof(d->layout));
	d->layout.gp = d->gp;
	d->layout.nr_pages = nr;
	if (pages > nr)
		return xb_fail(&d->err, XB_EINPUT,
			       "%s: memory too small: the kernel needs %" PRIu64
			       " pages, but the guest has %" PRIu64
			       " pages (%" PRIu64 " MiB); raise memory",
			       d->cfg->kernel, pages, nr, d->cfg->memory_mb);
	/* layout.c puts the kernel at (virt_kstart - virt_base) >> 12, that
	 * is (p_paddr - PADDR_OFFSET) >> 12: p_paddr's own pfn without that
	 * note.  Elsewhere (it does not fit, or is not page aligned) at 0. */
	if ((k->pstart & XB_PAGE_MASK) || spec > nr - pages)
		spec = 0;
	d->kernel_spec_pfn = spec;
	return 0;
}

int dom_plan(struct dom *d)
{
	int rc;

	/* cfg_finish() checked the command line's length. */
	if ((rc = dom_check_stop(d)) < 0)
		return rc;
	if (d->cfg->type == XB_DOM_PVH)
		return dom_plan_pvh(d);
	if (d->kernel_streamed && !d->kernel.view)
		return plan_streamed(d);
	return plan_layout(d);
}

static int plan_layout(struct dom *d)
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
		d->uuid[6] = (d->uuid[6] & 0x0f) | 0x40; /* version 4 */
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
		.hvm = c->type == XB_DOM_PVH,
		.max_vcpus = c->maxvcpus ? c->maxvcpus : 1,
		/* As xl: absent keys leave Xen's defaults (0 here). */
		.max_evtchn_port = c->max_event_channels ?
					   c->max_event_channels :
					   DEFAULT_EVTCHN_PORTS,
		.max_grant_frames = c->max_grant_frames,
		.max_maptrack_frames = c->max_maptrack_frames,
		.max_grant_version = c->max_grant_version,
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
							     c->memory_mb)
				      << 10,
			      &d->err);
}

/* ---- writing guest memory ---- */

/*
 * Guest memory is reached through the backend by pfn, never more than
 * hv->map_chunk pages at a time: no host buffer grows with the guest,
 * whatever its size.  The p2m itself stays in the backend (hv_mfns).
 */

/* The machine frame of pfn. */
static int mfn_of(struct dom *d, uint64_t pfn, uint64_t *mfn)
{
	return hv_mfns(d->hv, d->domid, pfn, 1, mfn, &d->err);
}

/* Map pages guest frames starting at pfn (at most hv->map_chunk). */
static uint8_t *map_pfns(struct dom *d, uint64_t pfn, uint64_t pages,
			 enum hv_map_use use)
{
	if (pages == 0 || pfn > d->layout.nr_pages ||
	    pages > d->layout.nr_pages - pfn || pages > d->hv->map_chunk) {
		xb_fail(&d->err, XB_EINTERNAL,
			"map: pfns %#" PRIx64 "+%" PRIu64 " outside the guest",
			pfn, pages);
		return NULL;
	}
	return hv_map_pfns(d->hv, d->domid, pfn, pages, use, &d->err);
}

int dom_write_pieces(struct dom *d, uint64_t pfn, uint64_t pages,
		     enum hv_map_use use, fill_fn fill)
{
	uint64_t n;
	int rc;

	for (uint64_t done = 0; done < pages; done += n) {
		uint8_t *p;

		n = umin(d->hv->map_chunk, pages - done);
		if ((rc = dom_check_stop(d)) < 0)
			return rc;
		if (!(p = hv_map_pfns(d->hv, d->domid, pfn + done, n, use,
				      &d->err)))
			return -d->err.code;
		rc = fill(d, p, done, n);
		hv_unmap(d->hv, p, n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* kernel_load_part writes every byte: the kernel, zeros past its end. */
int dom_fill_kernel(struct dom *d, uint8_t *p, uint64_t first, uint64_t pages)
{
	return kernel_load_part(&d->kernel, p, first << XB_PAGE_SHIFT,
				pages << XB_PAGE_SHIFT, &d->err);
}

static int load_kernel(struct dom *d)
{
	const struct layout_seg *s = &d->layout.kernel;

	return dom_write_pieces(d, s->pfn, s->pages, HV_MAP_DATA,
				dom_fill_kernel);
}

int dom_fill_initrd(struct dom *d, uint8_t *p, uint64_t first, uint64_t pages)
{
	uint64_t off = first << XB_PAGE_SHIFT, len = pages << XB_PAGE_SHIFT;
	uint64_t n = off < d->initrd_len ? umin(len, d->initrd_len - off) : 0;

	memcpy(p, d->initrd + off, n);
	memset(p + n, 0, len - n);
	return 0;
}

static int load_initrd(struct dom *d)
{
	const struct layout_seg *s = &d->layout.initrd;

	if (!d->layout.has_initrd || d->initrd_streamed)
		return 0;
	return dom_write_pieces(d, s->pfn, s->pages, HV_MAP_DATA,
				dom_fill_initrd);
}

/*
 * A kernel decoded straight into guest memory (d->kernel_streamed).
 *
 * A window over the guest frames [pfn, pfn + pages), by byte offset: one
 * mapping of at most map_chunk pages at a time (chunk-aligned from pfn),
 * moved as the offsets move.  HV_MAP_BOOT: the builder reads the kernel
 * back (notes outside PT_NOTE, a move), so the lean simulator must keep it.
 */
struct gwin {
	struct dom *d;
	const char *what; /* input that does not fit: "NAME: WHAT ..." */
	uint64_t pfn, pages;
	uint64_t chunk; /* pages per mapping; 0: map_chunk */
	uint8_t *map;
	uint64_t first, n; /* the mapped pages, from pfn */
};

static void gwin_close(struct gwin *w)
{
	if (w->map)
		hv_unmap(w->d->hv, w->map, w->n);
	w->map = NULL;
}

/* Host address of byte off, and in *n the bytes mapped from there on. */
static uint8_t *gwin_at(struct gwin *w, uint64_t off, size_t *n)
{
	uint64_t pg = off >> XB_PAGE_SHIFT, chunk = w->d->hv->map_chunk;

	if (w->chunk && w->chunk < chunk)
		chunk = w->chunk;
	if (pg >= w->pages && w->what) {
		xb_fail(&w->d->err, XB_EINPUT,
			"%s: memory too small: more than %" PRIu64
			" pages from pfn %#" PRIx64 " (%" PRIu64
			" MiB of guest memory); raise memory",
			w->what, w->pages, w->pfn,
			w->d->layout.nr_pages >> (20 - XB_PAGE_SHIFT));
		return NULL;
	}
	if (pg >= w->pages) {
		xb_fail(&w->d->err, XB_EINTERNAL,
			"kernel: byte %#" PRIx64 " outside its %" PRIu64
			" pages",
			off, w->pages);
		return NULL;
	}
	if (!w->map || pg - w->first >= w->n) {
		gwin_close(w);
		w->first = pg - pg % chunk;
		w->n = umin(chunk, w->pages - w->first);
		w->map = map_pfns(w->d, w->pfn + w->first, w->n, HV_MAP_BOOT);
		if (!w->map)
			return NULL;
	}
	*n = (size_t)(((w->first + w->n) << XB_PAGE_SHIFT) - off);
	return w->map + (off - (w->first << XB_PAGE_SHIFT));
}

/* The decoder's destination (loader.h dc_sink), in kernel offsets. */
static int gwin_window(void *ctx, uint64_t pos, uint8_t **p, size_t *n,
		       struct xb_err *e)
{
	struct gwin *w = ctx;
	int rc;

	(void)e; /* w->d->err is e */
	if ((rc = dom_check_stop(w->d)) < 0 || !p) /* !p: the end */
		return rc;
	*p = gwin_at(w, pos, n);
	return *p ? 0 : -w->d->err.code;
}

static int gwin_zero(struct gwin *w, uint64_t from, uint64_t to)
{
	while (from < to) {
		size_t n;
		uint8_t *p = gwin_at(w, from, &n);

		if (!p)
			return -w->d->err.code;
		n = (size_t)umin(n, to - from);
		memset(p, 0, n);
		from += n;
	}
	return 0;
}

/* Zero what the segments' file bytes leave of the kernel's pages: gaps,
 * p_memsz beyond p_filesz, the last page's tail (as kernel_load_part). */
static int zero_kernel_gaps(struct gwin *w)
{
	const struct kernel_image *k = &w->d->kernel;
	uint64_t pos = 0;
	bool done[XB_MAX_SEGS] = { false };
	int rc;

	for (unsigned m = 0; m < k->nsegs; m++) {
		unsigned j = XB_MAX_SEGS;

		for (unsigned i = 0; i < k->nsegs; i++)
			if (!done[i] && (j == XB_MAX_SEGS ||
					 k->segs[i].paddr < k->segs[j].paddr))
				j = i;
		done[j] = true;
		if ((rc = gwin_zero(w, pos, k->segs[j].paddr - k->pstart)) < 0)
			return rc;
		pos = k->segs[j].paddr - k->pstart + k->segs[j].filesz;
	}
	return gwin_zero(w, pos, w->pages << XB_PAGE_SHIFT);
}

/* Move the kernel's pages from pfn from to pfn to (ranges may overlap),
 * through a bounded bounce buffer, then zero the pages it left. */
#define MOVE_PAGES 256u
static int move_kernel(struct dom *d, uint64_t from, uint64_t to,
		       uint64_t pages)
{
	uint64_t step = umin(MOVE_PAGES, d->hv->map_chunk), n;
	uint8_t *bounce = malloc(step << XB_PAGE_SHIFT), *p;
	struct gwin w = { .d = d };
	int rc = 0;

	if (!bounce)
		return xb_fail(&d->err, XB_EINTERNAL, "out of memory");
	/* Downwards from the start, upwards from the end: every page is read
	 * before the move overwrites it. */
	for (uint64_t done = 0; rc == 0 && done < pages; done += n) {
		uint64_t i;

		n = umin(step, pages - done);
		i = to < from ? done : pages - done - n;
		if (!(p = map_pfns(d, from + i, n, HV_MAP_BOOT))) {
			rc = -d->err.code;
			break;
		}
		memcpy(bounce, p, n << XB_PAGE_SHIFT);
		hv_unmap(d->hv, p, n);
		if (!(p = map_pfns(d, to + i, n, HV_MAP_BOOT))) {
			rc = -d->err.code;
			break;
		}
		memcpy(p, bounce, n << XB_PAGE_SHIFT);
		hv_unmap(d->hv, p, n);
	}
	free(bounce);
	if (rc < 0)
		return rc;
	/* The pages left behind: below or above the new place. */
	w.pfn = from;
	w.pages = pages;
	if (to < from)
		rc = gwin_zero(&w,
			       (to + pages > from ? to + pages - from : 0)
				       << XB_PAGE_SHIFT,
			       pages << XB_PAGE_SHIFT);
	else
		rc = gwin_zero(&w, 0, umin(to - from, pages) << XB_PAGE_SHIFT);
	gwin_close(&w);
	return rc;
}

/* Only zero bytes in b[0, n)? */
static bool zeros(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/*
 * The initrd's one compressed stream decoded where the layout puts it:
 * that place does not depend on its length (after the kernel, or after
 * the mapped region with MOD_START_PFN), so the layout computed with the
 * file's length gives it, and is computed again with the real one.  More
 * members after the stream: unpacked on the host (initrd_unpack) after
 * all, and loaded as usual.
 */
#define INITRD_CHUNK 2048u /* 8 MiB */
static int stream_initrd(struct dom *d)
{
	uint64_t pfn = d->layout.initrd.pfn, n = 0;
	/* Its size is known only at the end: the window may reach the end
	 * of the guest, so it is mapped in pieces of INITRD_CHUNK pages,
	 * not the whole rest of a large guest at once. */
	struct gwin w = { .d = d,
			  .what = d->cfg->ramdisk,
			  .pfn = pfn,
			  .pages = d->layout.nr_pages - pfn,
			  .chunk = INITRD_CHUNK };
	struct dc_sink sink = { gwin_window, &w };
	size_t used = 0;
	int rc;

	rc = dc_stream_sink(d->initrd_fmt, d->cfg->ramdisk, d->initrd,
			    d->initrd_len, d->cfg->max_decompressed, &sink, &n,
			    &used, &d->err);
	gwin_close(&w);
	if (rc < 0)
		return rc;
	if (!zeros(d->initrd + used, d->initrd_len - used)) {
		d->initrd_streamed = false;
		if ((rc = unpack_initrd(d, d->cfg->ramdisk)) < 0)
			return rc;
		return plan_layout(d);
	}
	d->initrd_len = n;
	if ((rc = plan_layout(d)) < 0)
		return rc;
	if (d->layout.initrd.pfn != pfn)
		return xb_fail(&d->err, XB_EINTERNAL,
			       "%s: the initrd moved from pfn %#" PRIx64
			       " to %#" PRIx64,
			       d->cfg->ramdisk, pfn, d->layout.initrd.pfn);
	/* The rest of its pages zeroed, as load_initrd does. */
	w.what = NULL;
	w.pages = d->layout.initrd.pages;
	rc = gwin_zero(&w, n, w.pages << XB_PAGE_SHIFT);
	gwin_close(&w);
	return rc;
}

/* The guest frame file page fp of segment s loads into, the kernel at
 * pfn (the file-ordered view: segments congruent to their pages). */
static uint64_t seg_gpfn(const struct kernel_image *k,
			 const struct kernel_seg *s, uint64_t pfn, uint64_t fp)
{
	return pfn + ((s->paddr - k->pstart) >> XB_PAGE_SHIFT) +
	       (fp - (s->offset >> XB_PAGE_SHIFT));
}

/* Mapping j of the file-ordered view (below): the segments' file pages
 * in pieces of at most map_chunk pages; false past the last.  *off: its
 * byte offset in the view, *gpfn: its first guest frame when the kernel
 * is at pfn. */
static bool direct_piece(const struct dom *d, uint64_t pfn, uint64_t j,
			 uint64_t *off, uint64_t *gpfn, size_t *n)
{
	const struct kernel_image *k = &d->kernel;
	uint64_t chunk = d->hv->map_chunk;

	for (unsigned i = 0; i < k->nsegs; i++) {
		const struct kernel_seg *s = &k->segs[i];
		uint64_t first = s->offset >> XB_PAGE_SHIFT;
		uint64_t pages =
			s->filesz ? xb_pages(s->offset + s->filesz) - first : 0;
		uint64_t nj = (pages + chunk - 1) / chunk;

		if (j >= nj) {
			j -= nj;
			continue;
		}
		*off = (first + j * chunk) << XB_PAGE_SHIFT;
		*gpfn = seg_gpfn(k, s, pfn, first + j * chunk);
		*n = (size_t)umin(chunk, pages - j * chunk);
		return true;
	}
	return false;
}

/* An uncompressed kernel's frames behind the view (kernel_direct_copy). */
struct direct_map {
	struct dom *d;
	uint64_t pfn; /* where the kernel starts */
	uint8_t *view;
};

static int direct_map(void *ctx, unsigned seg, uint64_t first, size_t n,
		      struct xb_err *e)
{
	const struct direct_map *m = ctx;
	const struct kernel_image *k = &m->d->kernel;
	uint64_t gpfn = seg_gpfn(k, &k->segs[seg], m->pfn, first);

	return hv_map_pfns_at(m->d->hv, m->d->domid, gpfn, n,
			      m->view + (first << XB_PAGE_SHIFT), HV_MAP_BOOT,
			      e);
}

static void direct_unmap(void *ctx, uint64_t first, size_t n)
{
	const struct direct_map *m = ctx;

	hv_unmap(m->d->hv, m->view + (first << XB_PAGE_SHIFT), n);
}

/*
 * The file-ordered view of the kernel (kernel_direct_load): a reservation
 * of direct_size bytes where each segment's file pages are the guest
 * frames from pfn on that it loads into (kernel_stream_open checked they
 * are congruent), the rest (headers, gaps) anonymous memory.  The one-shot
 * decoders then write the ELF in one pass, with no staging copy.  An
 * uncompressed kernel is copied run by run instead, each run mapped for
 * its copy, its pages of zeros left out (kernel_direct_copy).  Every
 * mapping is gone on return, the reservation with it.
 */
static int direct_kernel(struct dom *d, uint64_t pfn)
{
	struct kernel_image *k = &d->kernel;
	size_t size = k->direct_size, n;
	uint8_t *view = mmap(NULL, size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			     0);
	uint64_t j, off, gpfn;
	int rc = 0;

	if (view == MAP_FAILED)
		return xb_fail(&d->err, XB_EINTERNAL,
			       "%s: out of memory (%zu bytes of address space)",
			       d->cfg->kernel, size);
	if (!k->src.fmt) {
		struct direct_map dm = { d, pfn, view };
		struct kernel_mapper m = { direct_map, direct_unmap, &dm,
					   d->hv->map_chunk };

		rc = kernel_direct_copy(d->cfg->kernel, k, view, &m, &d->err);
		munmap(view, size);
		return rc;
	}
	for (j = 0; rc == 0 && direct_piece(d, pfn, j, &off, &gpfn, &n); j++)
		rc = hv_map_pfns_at(d->hv, d->domid, gpfn, n, view + off,
				    HV_MAP_BOOT, &d->err);
	if (rc < 0)
		j--; /* the one that failed */
	else
		rc = kernel_direct_load(d->cfg->kernel, k,
					d->cfg->max_decompressed, view,
					&d->err);
	while (j-- > 0) {
		direct_piece(d, pfn, j, &off, &gpfn, &n);
		hv_unmap(d->hv, view + off, n);
	}
	munmap(view, size);
	/* The view is gone: only a file's own bytes remain readable. */
	k->elf = NULL;
	return rc;
}

/* Pages per mapping when zeroing after direct_kernel (2 MiB). */
#define DIRECT_ZERO_CHUNK 512u

/* Decode the kernel at kernel_spec_pfn, parse its notes, compute the
 * layout, and move the kernel where the layout puts it. */
static int stream_kernel(struct dom *d)
{
	struct kernel_image *k = &d->kernel;
	struct gwin w = { .d = d,
			  .pfn = d->kernel_spec_pfn,
			  .pages = xb_pages(k->pend - k->pstart) };
	struct dc_sink sink = { gwin_window, &w };
	const struct guest_params *gp;
	int rc;

	if (k->direct_size) {
		/* What is left to zero are gaps between and after the
		 * segments: mapped around them only, not the whole kernel
		 * again (each frame mapped is a cost on Xen). */
		w.chunk = DIRECT_ZERO_CHUNK;
		rc = direct_kernel(d, w.pfn);
	} else
		rc = kernel_stream_load(d->cfg->kernel, k,
					d->cfg->max_decompressed, &sink,
					&d->err);
	if (rc == 0)
		rc = zero_kernel_gaps(&w);
	gwin_close(&w);
	if (rc < 0)
		return rc;
	/* The class chose the guest kind the domain was made for; the notes
	 * confirm it (32-bit is PAE or refused). */
	gp = guest_params_get(k->guest);
	if (gp != d->gp)
		return xb_fail(&d->err, XB_EINTERNAL,
			       "%s: guest kind changed after decoding",
			       d->cfg->kernel);
	if ((rc = plan_layout(d)) < 0)
		return rc;
	if (d->layout.kernel.pfn != w.pfn &&
	    (rc = move_kernel(d, w.pfn, d->layout.kernel.pfn, w.pages)) < 0)
		return rc;
	return d->initrd_streamed ? stream_initrd(d) : 0;
}

/* The p2m list's entries for the pages [first, first + pages) of the list;
 * 8-byte entries are looked up straight into the mapping. */
static int fill_p2m(struct dom *d, uint8_t *p, uint64_t first, uint64_t pages)
{
	const struct guest_params *gp = d->gp;
	uint64_t per = XB_PAGE_SIZE / gp->pfn_size, buf[512], n;
	uint64_t pfn = first * per;
	uint64_t end = umin(pfn + pages * per, d->layout.nr_pages);
	uint8_t *dst = p;
	int rc;

	for (; pfn < end; pfn += n, dst += n * gp->pfn_size) {
		bool direct = gp->pfn_size == sizeof(uint64_t);
		uint64_t *m = direct ? (uint64_t *)dst : buf;

		n = direct ? end - pfn : umin(XB_ARRAY_SIZE(buf), end - pfn);
		if ((rc = hv_mfns(d->hv, d->domid, pfn, n, m, &d->err)) < 0)
			return rc;
		gp->write_p2m(dst, m, n);
	}
	memset(dst, 0, (size_t)(p + (pages << XB_PAGE_SHIFT) - dst));
	return 0;
}

/* Pages of the p2m segment that hold the list (the INIT_P2M tables
 * follow them). */
static uint64_t p2m_list_pages(const struct layout *l)
{
	return l->p2m.pages -
	       (l->p2m_base != XB_UNSET ? l->maps[1].pgtables : 0);
}

static int write_p2m(struct dom *d)
{
	return dom_write_pieces(d, d->layout.p2m.pfn,
				p2m_list_pages(&d->layout), HV_MAP_DATA,
				fill_p2m);
}

/*
 * pt_write's view of guest memory: the page-table frames (the start-of-day
 * tables; the INIT_P2M tables after the p2m list), each area through one
 * mapping of at most map_chunk pages that moves as needed - pt_write goes
 * back and forth between the areas level by level, and on Xen each area
 * fits one mapping up to 32 TiB -, each piece zeroed when it is first
 * mapped; mfns through a cursor over the backend's table.
 */
struct pt_ctx {
	struct dom *d;
	struct pt_area {
		uint64_t pfn, pages, piece0;
		uint8_t *win; /* the current mapping */
		uint64_t win_pfn, win_pages;
	} area[2];
	unsigned nareas;
	uint8_t *zeroed; /* per piece: zeroed already */
	uint64_t npieces;
	uint64_t mfn_pfn, mfn_n, mfns[512];
};

static void pt_unmap(struct pt_ctx *c, struct pt_area *a)
{
	if (a->win)
		hv_unmap(c->d->hv, a->win, a->win_pages);
	a->win = NULL;
}

/* Map piece k of area a; NULL with d->err set on failure. */
static uint8_t *pt_map_piece(struct pt_ctx *c, struct pt_area *a, uint64_t k)
{
	uint64_t chunk = c->d->hv->map_chunk;
	uint64_t pfn = a->pfn + k * chunk;
	uint64_t n = umin(chunk, a->pfn + a->pages - pfn);

	pt_unmap(c, a);
	if (!(a->win = map_pfns(c->d, pfn, n, HV_MAP_BOOT)))
		return NULL;
	a->win_pfn = pfn;
	a->win_pages = n;
	if (!c->zeroed[a->piece0 + k]) {
		memset(a->win, 0, n << XB_PAGE_SHIFT);
		c->zeroed[a->piece0 + k] = 1;
	}
	return a->win;
}

static void *pt_frame(void *ctx, uint64_t pfn)
{
	struct pt_ctx *c = ctx;

	for (unsigned i = 0; i < c->nareas; i++) {
		struct pt_area *a = &c->area[i];

		if (pfn - a->pfn >= a->pages)
			continue;
		if ((!a->win || pfn - a->win_pfn >= a->win_pages) &&
		    !pt_map_piece(c, a, (pfn - a->pfn) / c->d->hv->map_chunk))
			return NULL;
		return a->win + ((pfn - a->win_pfn) << XB_PAGE_SHIFT);
	}
	return NULL;
}

static int pt_mfn(void *ctx, uint64_t pfn, uint64_t *mfn)
{
	struct pt_ctx *c = ctx;

	if (pfn - c->mfn_pfn >= c->mfn_n) {
		uint64_t n = umin(XB_ARRAY_SIZE(c->mfns),
				  c->d->layout.nr_pages - pfn);
		int rc = hv_mfns(c->d->hv, c->d->domid, pfn, n, c->mfns,
				 &c->d->err);

		if (rc < 0)
			return rc;
		c->mfn_pfn = pfn;
		c->mfn_n = n;
	}
	*mfn = c->mfns[pfn - c->mfn_pfn];
	return 0;
}

static int write_tables(struct dom *d)
{
	const struct layout *l = &d->layout;
	uint64_t chunk = d->hv->map_chunk;
	struct pt_ctx c = { .d = d };
	int rc;

	c.area[c.nareas++].pfn = l->pgtables.pfn;
	c.area[0].pages = l->pgtables.pages;
	if (l->p2m_base != XB_UNSET) {
		c.area[1].pages = l->maps[1].pgtables;
		c.area[1].pfn = l->p2m.pfn + l->p2m.pages - c.area[1].pages;
		c.nareas++;
	}
	for (unsigned a = 0; a < c.nareas; a++) {
		c.area[a].piece0 = c.npieces;
		c.npieces += (c.area[a].pages + chunk - 1) / chunk;
	}
	if (!(c.zeroed = calloc(c.npieces, 1)))
		return xb_fail(&d->err, XB_EINTERNAL, "out of memory");
	rc = pt_write(l, pt_mfn, pt_frame, &c, &d->err);
	if (rc == 0 && d->test_bad_pte) {
		/* Test-only: make the L1 entry that maps the root table
		 * writable, which Xen must refuse when pinning. */
		uint64_t off = l->pgtables.pfn;
		uint64_t *l1 =
			pt_frame(&c, l->maps[0].lvls[0].pfn + (off >> 9));

		if (l1)
			l1[off & 511] |= PT_RW;
	}
	/* Every table frame is written, even one no entry went into. */
	for (unsigned a = 0; rc == 0 && a < c.nareas; a++)
		for (uint64_t k = 0; rc == 0 && k * chunk < c.area[a].pages;
		     k++)
			if (!c.zeroed[c.area[a].piece0 + k] &&
			    !pt_map_piece(&c, &c.area[a], k))
				rc = -d->err.code;
	for (unsigned a = 0; a < c.nareas; a++)
		pt_unmap(&c, &c.area[a]);
	free(c.zeroed);
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

/* start_info first, then the zeroed xenstore and console pages. */
static int fill_magic(struct dom *d, uint8_t *p, uint64_t first, uint64_t pages)
{
	memset(p, 0, pages << XB_PAGE_SHIFT);
	if (first == 0)
		d->gp->write_start_info(p, &d->si);
	return 0;
}

static int fill_zero(struct dom *d, uint8_t *p, uint64_t first, uint64_t pages)
{
	(void)d;
	(void)first;
	memset(p, 0, pages << XB_PAGE_SHIFT);
	return 0;
}

/* start_info, xenstore and console pages are consecutive pfns; the boot
 * stack is zeroed too. */
static int write_magic_pages(struct dom *d)
{
	const struct layout *l = &d->layout;
	int rc;

	fill_start_info(d);
	if ((rc = dom_write_pieces(d, l->start_info.pfn, 3, HV_MAP_BOOT,
				   fill_magic)) < 0)
		return rc;
	return dom_write_pieces(d, l->stack.pfn, 1, HV_MAP_DATA, fill_zero);
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

/* vCPU 0 at the kernel's entry (DESIGN.md), recorded in d->vcpu; root:
 * the root table's mfn. */
static void vcpu_context(struct dom *d, uint64_t root)
{
	const struct layout *l = &d->layout;
	const struct guest_params *gp = d->gp;
	struct hv_vcpu *v = &d->vcpu;

	memset(v, 0, sizeof(*v));
	v->is64 = gp->is64;
	v->rip = l->virt_entry;
	v->rsp = l->virt_base + ((l->stack.pfn + 1) << XB_PAGE_SHIFT);
	v->rsi = l->virt_base + (l->start_info.pfn << XB_PAGE_SHIFT);
	v->rflags = 1 << 9; /* IF */
	v->cs = gp->cs;
	v->ss = gp->ss;
	v->ds = v->es = v->fs = v->gs = gp->ds;
	v->kernel_ss = v->ss;
	v->kernel_sp = v->rsp;
	v->flags = gp->vcpu_flags;
	v->cr3_mfn = root;
}

static void phase(struct dom *d, const char *name)
{
	if (d->phase)
		d->phase(d->phase_ctx, name);
}

int dom_build(struct dom *d)
{
	const struct layout *l = &d->layout;
	uint64_t root;
	int rc;

	if (d->cfg->type == XB_DOM_PVH)
		return dom_build_pvh(d);
	if ((rc = dom_check_stop(d)) < 0)
		return rc;
	if ((rc = hv_populate(d->hv, d->domid, l->nr_pages, &d->err)) < 0)
		return rc;
	/* A kernel decoded now: the layout follows from its notes. */
	if (d->kernel_streamed) {
		phase(d, "populate");
		if ((rc = stream_kernel(d)) < 0)
			return rc;
		phase(d, "decode");
	}
	if ((rc = mfn_of(d, l->xenstore.pfn, &d->store_mfn)) < 0 ||
	    (rc = mfn_of(d, l->console.pfn, &d->console_mfn)) < 0 ||
	    (rc = mfn_of(d, l->pgtables.pfn, &root)) < 0)
		return rc;
	if ((rc = hv_shared_info_mfn(d->hv, d->domid, &d->shared_info_mfn,
				     &d->err)) < 0)
		return rc;
	if (!d->kernel_streamed)
		phase(d, "populate");
	if ((rc = dom_check_stop(d)) < 0 ||
	    (!d->kernel_streamed && (rc = load_kernel(d)) < 0) ||
	    (rc = load_initrd(d)) < 0)
		return rc;
	phase(d, "load");
	if ((rc = write_p2m(d)) < 0)
		return rc;
	phase(d, "p2m");
	if ((rc = write_tables(d)) < 0)
		return rc;
	phase(d, "page tables");
	if ((rc = write_magic_pages(d)) < 0 || (rc = dom_check_stop(d)) < 0)
		return rc;
	phase(d, "start info");
	if (l->virt_hypercall != XB_UNSET) {
		uint64_t pfn = (l->virt_hypercall - l->virt_base) >>
			       XB_PAGE_SHIFT;
		uint64_t mfn;

		if ((rc = mfn_of(d, pfn, &mfn)) < 0 ||
		    (rc = hv_hypercall_init(d->hv, d->domid, mfn, &d->err)) < 0)
			return rc;
	}
	/* All builder mappings of page-table frames are gone: pin. */
	if ((rc = hv_pin_root(d->hv, d->domid, d->gp->levels, root, &d->err)) <
	    0)
		return rc;
	phase(d, "pin");
	if ((rc = init_shared_info(d)) < 0)
		return rc;
	vcpu_context(d, root);
	if ((rc = hv_set_vcpu(d->hv, d->domid, 0, &d->vcpu, &d->err)) < 0)
		return rc;
	if ((rc = hv_seed_grants(d->hv, d->domid, d->console_mfn,
				 d->console_domid, d->store_mfn, d->store_domid,
				 &d->err)) < 0)
		return rc;
	phase(d, "vcpu");
	return 0;
}
