/* fuzz_stream.c - libFuzzer target: a compressed kernel decoded straight
 * into a destination (kernel_stream_open, then kernel_stream_load, or for
 * zstd, lz4 and lzo kernels kernel_direct_load into a file-ordered view,
 * for uncompressed ones kernel_direct_copy, with mappings that must come
 * in order, inside the view and each undone), checked against the host path (kernel_parse,
 * kernel_load) on the same input: both accept it or neither does, with
 * the same addresses and the same bytes where the segments go.  And
 * kernel_scan (inspect, which keeps no segment bytes) against kernel_parse:
 * the same result, message and image. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz_dest.h"

#define FUZZ_CAP (16u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* kernel_direct_copy's mapper over a view in host memory: map and unmap
 * must pair up, stay inside the view and respect the chunk, and only a
 * mapped run is writable (the view starts inaccessible, an unmapped run
 * stays readable for the comparison). */
struct vmap {
	const struct kernel_image *si;
	uint8_t *view;
	uint64_t mapped_first;
	size_t mapped_n;
};

static int vmap_map(void *ctx, unsigned seg, uint64_t first, size_t n,
		    struct xb_err *e)
{
	struct vmap *v = ctx;

	(void)e;
	if (v->mapped_n || !n || n > 3 || seg >= v->si->nsegs ||
	    (first + n) << 12 > v->si->direct_size)
		abort();
	v->mapped_first = first;
	v->mapped_n = n;
	if (mprotect(v->view + (first << 12), n << 12, PROT_READ | PROT_WRITE))
		abort();
	return 0;
}

static void vmap_unmap(void *ctx, uint64_t first, size_t n)
{
	struct vmap *v = ctx;

	if (first != v->mapped_first || n != v->mapped_n ||
	    mprotect(v->view + (first << 12), n << 12, PROT_READ))
		abort();
	v->mapped_n = 0;
}

/* The file-ordered path, with the view in host memory: then each
 * segment's file bytes copied where the guest would have them. */
static int direct_load(struct kernel_image *si, struct fuzz_dest *d,
		       struct xb_err *e)
{
	uint8_t *view = mmap(NULL, si->direct_size, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			     0);
	struct vmap v = { si, view, 0, 0 };
	struct kernel_mapper m = { vmap_map, vmap_unmap, &v, 3 };
	int r;

	if (view == MAP_FAILED ||
	    (!si->src.fmt && mprotect(view, si->direct_size, PROT_NONE)))
		abort();
	if (si->src.fmt)
		r = kernel_direct_load("fuzz", si, FUZZ_CAP, view, e);
	else
		r = kernel_direct_copy("fuzz", si, view, &m, e);
	if (v.mapped_n || mprotect(view, si->direct_size, PROT_READ))
		abort();
	for (unsigned i = 0; r == 0 && i < si->nsegs; i++)
		if (si->segs[i].filesz)
			memcpy(d->b + (si->segs[i].paddr - si->pstart),
			       view + si->segs[i].offset, si->segs[i].filesz);
	munmap(view, si->direct_size);
	return r;
}

static void scan_vs_parse(const uint8_t *b, size_t size,
			  const struct loader_opts *o)
{
	struct kernel_image a, p;
	struct xb_err ea = { 0 }, ep = { 0 };
	int ra = kernel_scan("fuzz", b, size, o, &a, &ea);
	int rp = kernel_parse("fuzz", b, size, o, &p, &ep);

	if (ra != rp || (ra < 0 && strcmp(ea.msg, ep.msg)))
		abort();
	if (ra < 0)
		return;
	if (a.elf_len != p.elf_len || a.nsegs != p.nsegs ||
	    memcmp(a.segs, p.segs, sizeof(a.segs)) ||
	    memcmp(&a.notes, &p.notes, sizeof(a.notes)) ||
	    a.virt_kstart != p.virt_kstart || a.virt_entry != p.virt_entry ||
	    a.p2m_base != p.p2m_base || strcmp(a.format, p.format) ||
	    strcmp(a.compression, p.compression))
		abort();
	kernel_image_free(&a);
	kernel_image_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct loader_opts o = { .max_decompressed = FUZZ_CAP };
	struct kernel_image si, hi;
	struct xb_err e = { 0 }, he = { 0 };
	struct fuzz_dest d = { 0 };
	struct dc_sink sink = { fuzz_dest_window, &d };
	uint8_t *copy, *ref = NULL;
	int r, h;

	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	scan_vs_parse(copy, size, &o);
	r = kernel_stream_open("fuzz", copy, size, &o, &si, &e);
	if (r < 0 && (r != -XB_EINPUT || !e.msg[0]))
		abort();
	if (r != 1)
		goto out;
	d.len = si.pend - si.pstart;
	if (d.len > FUZZ_CAP) { /* a guest could not hold it either */
		kernel_image_free(&si);
		goto out;
	}
	d.b = calloc(1, d.len ? d.len : 1);
	ref = calloc(1, d.len ? d.len : 1);
	if (!d.b || !ref)
		abort();
	if (si.direct_size)
		r = direct_load(&si, &d, &e);
	else
		r = kernel_stream_load("fuzz", &si, FUZZ_CAP, &sink, &e);
	if (r < 0 && !e.msg[0])
		abort();
	h = kernel_parse("fuzz", copy, size, &o, &hi, &he);
	/* The host path holds the whole image at once: memory may fail it
	 * where streaming does not, never the other way round. */
	if (r == 0 && h < 0 && h != -XB_EINTERNAL)
		abort();
	if (r < 0 && h == 0)
		abort();
	if (r == 0 && h == 0) {
		if (si.virt_kstart != hi.virt_kstart ||
		    si.virt_kend != hi.virt_kend ||
		    si.virt_entry != hi.virt_entry ||
		    si.virt_hypercall != hi.virt_hypercall ||
		    si.p2m_base != hi.p2m_base || si.elf_len != hi.elf_len ||
		    strcmp(si.notes.source, hi.notes.source))
			abort();
		if (kernel_load(&hi, ref, d.len, &he) < 0)
			abort();
		for (unsigned i = 0; i < hi.nsegs; i++) {
			uint64_t at = hi.segs[i].paddr - hi.pstart;

			if (memcmp(d.b + at, ref + at, hi.segs[i].filesz))
				abort();
		}
	}
	if (h == 0)
		kernel_image_free(&hi);
	kernel_image_free(&si);
out:
	free(d.b);
	free(ref);
	free(copy);
	return 0;
}
