/*
 * sim_mem.c - the simulated hypervisor's guest frames.
 *
 * Frames are handed out as indices, sequentially: a domain's shared-info
 * frame at creation, then pfns [0, n) at populate as one run of indices,
 * so ownership and pfn -> mfn are arithmetic and nothing is kept per
 * guest page.  MFNs are scattered: index i gets mfn SIM_MFN_BASE + its
 * block of 2^26 frames + (i * SIM_MUL mod 2^26), so mfn != pfn always and
 * consecutive pfns get far-apart mfns: every p2m mix-up shows.
 *
 * Frame contents live in a hash table keyed by index, only for frames
 * somebody wrote (an absent frame reads as zeros).  Two modes:
 *   store-all (default): every written frame is kept as a raw page; the
 *     build tests walk the guest through hv_sim_frame().
 *   lean (hv_sim_opts.lean, `xbuild plan`): what the builder writes through
 *     an HV_MAP_DATA mapping (kernel, initrd, p2m list) is dropped - the
 *     mapping is a reused scratch window and the frames are remembered as
 *     ranges of "dropped" indices; frames written through other mappings
 *     (page tables, start_info, ...) are kept, as runs when they hold
 *     page-table entries for consecutive frames (struct sim_run), else raw.
 *
 * map() hands out a private copy of the frames and writes it back at
 * unmap(), so the sim knows exactly which frames are mapped at any time
 * (sim_pin.c refuses to pin a page table the builder still maps).
 */
#include "sim_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../x86.h"

#define ENTRIES (XB_PAGE_SIZE / 8)
#define POISON 0xdb /* what dropped bytes read as when a copy is needed */

uint64_t sim_mfn_to_idx(const struct sim *h, uint64_t mfn)
{
	uint64_t off, idx;

	if (mfn < SIM_MFN_BASE || mfn - SIM_MFN_BASE >= SIM_CAP)
		return UINT64_MAX;
	off = mfn - SIM_MFN_BASE;
	idx = (off & ~SIM_BLOCK_MASK) |
	      (((off & SIM_BLOCK_MASK) * h->mul_inv) & SIM_BLOCK_MASK);
	return idx < h->next_idx ? idx : UINT64_MAX;
}

int sim_owner_of(const struct sim *h, uint64_t idx)
{
	for (int i = 0; i < SIM_MAX_DOMS; i++) {
		const struct sim_dom *d = &h->doms[i];

		if (d->used && (idx == d->shinfo_idx || sim_idx_in(d, idx)))
			return i;
	}
	return -1;
}

bool sim_owns(const struct sim *h, const struct sim_dom *d, uint64_t mfn)
{
	uint64_t idx = sim_mfn_to_idx(h, mfn);

	return idx != UINT64_MAX && sim_owner_of(h, idx) == sim_slot(h, d);
}

uint64_t sim_frames_left(const struct sim *h)
{
	return SIM_CAP - h->next_idx;
}

uint64_t sim_frames_take(struct sim *h, uint64_t n)
{
	uint64_t idx = h->next_idx;

	h->next_idx += n;
	return idx;
}

/* ---- the frame store: a linear-probing hash table ---- */

static size_t home(const struct sim *h, uint64_t key)
{
	return (size_t)((key * SIM_MUL) >> 32) & (h->store_cap - 1);
}

struct sim_frame *sim_frame_find(const struct sim *h, uint64_t idx)
{
	uint64_t key = idx + 1;

	if (!h->store_n)
		return NULL;
	for (size_t i = home(h, key);; i = (i + 1) & (h->store_cap - 1)) {
		if (h->store[i].key == key)
			return &h->store[i];
		if (!h->store[i].key)
			return NULL;
	}
}

static void put(struct sim_frame *tab, size_t cap, const struct sim_frame *f)
{
	size_t i = (size_t)((f->key * SIM_MUL) >> 32) & (cap - 1);

	while (tab[i].key)
		i = (i + 1) & (cap - 1);
	tab[i] = *f;
}

/* Rebuild the table with cap slots, without the frames of slot drop
 * (-1: keep all), whose contents are freed. */
static int rebuild(struct sim *h, size_t cap, int drop)
{
	struct sim_frame *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -1;
	h->store_n = 0;
	for (size_t i = 0; i < h->store_cap; i++) {
		struct sim_frame *f = &h->store[i];

		if (!f->key)
			continue;
		if (drop >= 0 && sim_owner_of(h, f->key - 1) == drop) {
			free(f->data);
			h->store_bytes -=
				f->form == F_RAW ?
					XB_PAGE_SIZE :
					f->nruns * sizeof(struct sim_run);
			continue;
		}
		put(tab, cap, f);
		h->store_n++;
	}
	free(h->store);
	h->store = tab;
	h->store_cap = cap;
	return 0;
}

struct sim_frame *sim_frame_get(struct sim *h, uint64_t idx)
{
	struct sim_frame *f = sim_frame_find(h, idx), n = { .key = idx + 1 };

	if (f)
		return f;
	if ((h->store_n + 1) * 2 > h->store_cap &&
	    rebuild(h, h->store_cap * 2, -1) < 0)
		return NULL;
	put(h->store, h->store_cap, &n);
	h->store_n++;
	return sim_frame_find(h, idx);
}

static void set_zero(struct sim *h, struct sim_frame *f)
{
	if (f->form == F_RAW)
		h->store_bytes -= XB_PAGE_SIZE;
	else if (f->form == F_RUNS)
		h->store_bytes -= f->nruns * sizeof(struct sim_run);
	free(f->data);
	f->data = NULL;
	f->nruns = 0;
	f->form = F_ZERO;
}

/* Remove the record of idx (backward-shift deletion keeps every other
 * record reachable from its home slot). */
static void frame_delete(struct sim *h, uint64_t idx)
{
	struct sim_frame *f = sim_frame_find(h, idx);
	size_t i, j, mask = h->store_cap - 1;

	if (!f)
		return;
	set_zero(h, f);
	i = (size_t)(f - h->store);
	for (j = (i + 1) & mask; h->store[j].key; j = (j + 1) & mask) {
		size_t k = home(h, h->store[j].key);

		/* Stays when its home lies cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		h->store[i] = h->store[j];
		i = j;
	}
	h->store[i].key = 0;
	h->store_n--;
}

/* ---- dropped ranges (lean mode) ---- */

/* Index of the first range with to > idx. */
static size_t gone_pos(const struct sim *h, uint64_t idx)
{
	size_t lo = 0, hi = h->ngone;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (h->gone[mid].to <= idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool in_gone(const struct sim *h, uint64_t idx)
{
	size_t i = gone_pos(h, idx);

	return i < h->ngone && h->gone[i].from <= idx;
}

bool sim_dropped(const struct sim *h, uint64_t idx)
{
	return h->ngone && !sim_frame_find(h, idx) && in_gone(h, idx);
}

/* Add [from, to), merging with its neighbours. */
static int gone_add(struct sim *h, uint64_t from, uint64_t to)
{
	size_t i = gone_pos(h, from), j = i;

	/* The usual case: the next piece of the same segment. */
	if (h->ngone && h->gone[h->ngone - 1].to == from) {
		h->gone[h->ngone - 1].to = to;
		return 0;
	}
	if (i > 0 && h->gone[i - 1].to == from)
		i--;
	while (j < h->ngone && h->gone[j].from <= to)
		j++;
	if (i < j) { /* overlaps or touches gone[i..j-1]: one range */
		if (h->gone[i].from < from)
			from = h->gone[i].from;
		if (h->gone[j - 1].to > to)
			to = h->gone[j - 1].to;
		memmove(&h->gone[i + 1], &h->gone[j],
			(h->ngone - j) * sizeof(*h->gone));
		h->ngone -= j - i - 1;
		h->gone[i] = (struct sim_range){ from, to };
		return 0;
	}
	if (h->ngone == h->capgone) {
		size_t nc = h->capgone ? h->capgone * 2 : 16;
		struct sim_range *g = realloc(h->gone, nc * sizeof(*g));

		if (!g)
			return -1;
		h->gone = g;
		h->capgone = nc;
	}
	memmove(&h->gone[i + 1], &h->gone[i],
		(h->ngone - i) * sizeof(*h->gone));
	h->gone[i] = (struct sim_range){ from, to };
	h->ngone++;
	return 0;
}

void sim_frames_release(struct sim *h, const struct sim_dom *d)
{
	size_t n = 0;

	if (rebuild(h, h->store_cap, sim_slot(h, d)) < 0) {
		/* No memory for a new table: forget the types at least. */
		for (size_t i = 0; i < h->store_cap; i++)
			if (h->store[i].key &&
			    sim_owner_of(h, h->store[i].key - 1) ==
				    sim_slot(h, d))
				h->store[i].type = T_NONE;
	}
	/* Dropped ranges lie inside one of the domain's ranges (map_pfns). */
	for (size_t i = 0; i < h->ngone; i++)
		if (!sim_idx_in(d, h->gone[i].from))
			h->gone[n++] = h->gone[i];
	h->ngone = n;
}

/* ---- frame contents ---- */

static void decode_runs(const struct sim_run *r, unsigned n, uint64_t *w)
{
	memset(w, 0, XB_PAGE_SIZE);
	for (unsigned i = 0; i < n; i++) {
		if (r[i].lit) {
			w[r[i].slot] = r[i].idx;
			continue;
		}
		for (unsigned k = 0; k < r[i].count; k++)
			w[r[i].slot + k] = (sim_idx_to_mfn(r[i].idx + k)
					    << XB_PAGE_SHIFT) |
					   r[i].flags;
	}
}

/*
 * The entries of w as runs (struct sim_run): a present entry naming a
 * frame extends the previous run when it is the next slot, the next frame
 * and has the same flags; other non-zero entries are literals.  Returns
 * the number of runs, or -1 beyond SIM_MAX_RUNS.  Lossless: decode_runs()
 * gives w back, since idx -> mfn is a bijection.
 */
static int encode_runs(const struct sim *h, const uint64_t *w,
		       struct sim_run *r)
{
	int n = 0;

	for (unsigned k = 0; k < ENTRIES; k++) {
		uint64_t v = w[k], idx, flags = v & ~PT_ADDR_MASK;
		struct sim_run *last = n ? &r[n - 1] : NULL;

		if (!v)
			continue;
		idx = (v & PT_PRESENT) ?
			      sim_mfn_to_idx(h, (v & PT_ADDR_MASK) >>
							XB_PAGE_SHIFT) :
			      UINT64_MAX;
		if (idx != UINT64_MAX && last && !last->lit &&
		    last->slot + last->count == k && last->flags == flags &&
		    last->idx + last->count == idx) {
			last->count++;
			continue;
		}
		if (n == SIM_MAX_RUNS)
			return -1;
		if (idx == UINT64_MAX)
			r[n++] = (struct sim_run){ .slot = (uint16_t)k,
						   .count = 1,
						   .lit = 1,
						   .idx = v };
		else
			r[n++] = (struct sim_run){ .slot = (uint16_t)k,
						   .count = 1,
						   .idx = idx,
						   .flags = flags };
	}
	return n;
}

bool sim_frame_read(const struct sim *h, uint64_t idx, void *out)
{
	const struct sim_frame *f = sim_frame_find(h, idx);

	if (!f) {
		if (h->ngone && in_gone(h, idx))
			return false;
		memset(out, 0, XB_PAGE_SIZE);
	} else if (f->form == F_RAW) {
		memcpy(out, f->data, XB_PAGE_SIZE);
	} else if (f->form == F_RUNS) {
		decode_runs(f->data, f->nruns, out);
	} else {
		memset(out, 0, XB_PAGE_SIZE);
	}
	return true;
}

uint8_t *sim_frame_raw(struct sim *h, uint64_t idx)
{
	bool dropped = sim_dropped(h, idx);
	struct sim_frame *f = sim_frame_get(h, idx);
	uint8_t *page;

	if (!f)
		return NULL;
	if (f->form == F_RAW)
		return f->data;
	if (!(page = malloc(XB_PAGE_SIZE)))
		return NULL;
	if (dropped)
		memset(page, POISON, XB_PAGE_SIZE);
	else if (!sim_frame_read(h, idx, page))
		memset(page, POISON, XB_PAGE_SIZE);
	set_zero(h, f);
	f->form = F_RAW;
	f->data = page;
	h->store_bytes += XB_PAGE_SIZE;
	return page;
}

static bool all_zero(const uint8_t *p)
{
	const uint64_t *w = (const uint64_t *)p;

	for (unsigned k = 0; k < ENTRIES; k++)
		if (w[k])
			return false;
	return true;
}

/* Store page as the bytes of frame idx; -1 when out of memory. */
static int frame_write(struct sim *h, uint64_t idx, const uint8_t *page)
{
	struct sim_run runs[SIM_MAX_RUNS];
	struct sim_frame *f;
	int n;

	if (all_zero(page)) {
		if (!sim_frame_find(h, idx) && !(h->ngone && in_gone(h, idx)))
			return 0; /* absent already reads as zeros */
		if (!(f = sim_frame_get(h, idx)))
			return -1;
		set_zero(h, f);
		return 0;
	}
	if (!(f = sim_frame_get(h, idx)))
		return -1;
	if (h->o.lean &&
	    (n = encode_runs(h, (const uint64_t *)page, runs)) >= 0) {
		struct sim_run *r = malloc((size_t)n * sizeof(*r));

		if (!r)
			return -1;
		memcpy(r, runs, (size_t)n * sizeof(*r));
		set_zero(h, f);
		f->form = F_RUNS;
		f->nruns = (uint16_t)n;
		f->data = r;
		h->store_bytes += (size_t)n * sizeof(*r);
		return 0;
	}
	if (f->form != F_RAW) {
		uint8_t *p = malloc(XB_PAGE_SIZE);

		if (!p)
			return -1;
		set_zero(h, f);
		f->form = F_RAW;
		f->data = p;
		h->store_bytes += XB_PAGE_SIZE;
	}
	memcpy(f->data, page, XB_PAGE_SIZE);
	return 0;
}

/* ---- populate, mfns ---- */

int sim_populate(struct hv *hv, uint32_t domid, uint64_t nr_pages,
		 struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "populate", &rc, e)))
		return rc;
	if (d->populated || d->hvm)
		return xb_fail(e, XB_EINTERNAL,
			       "populate(dom %u): already "
			       "populated%s",
			       domid, d->hvm ? " (or an HVM container)" : "");
	if (d->max_kb && nr_pages > d->max_kb / 4)
		return xb_fail(e, XB_EHV,
			       "populate(dom %u, %" PRIu64
			       " pages): exceeds max memory %" PRIu64 " KiB",
			       domid, nr_pages, d->max_kb);
	if ((h->o.max_pages && nr_pages > h->o.max_pages) ||
	    nr_pages > sim_frames_left(h))
		return xb_fail(e, XB_EHV,
			       "populate(dom %u, %" PRIu64
			       " pages): out of memory (the simulated "
			       "hypervisor holds %llu GiB)",
			       domid, nr_pages, SIM_CAP >> 18);
	/* A 32-bit guest's p2m entries are 4 bytes: its frames must lie
	 * below 2^32 (16 TiB), as Xen hands them out. */
	if (d->pae && nr_pages &&
	    SIM_MFN_BASE + ((h->next_idx + nr_pages - 1) | SIM_BLOCK_MASK) >
		    UINT32_MAX)
		return xb_fail(e, XB_EHV,
			       "populate(dom %u, %" PRIu64
			       " pages): no frames below 16 TiB left for a "
			       "32-bit guest",
			       domid, nr_pages);
	d->rng[0] = (struct sim_prange){ 0, nr_pages, 0 };
	d->rng[0].idx = sim_frames_take(h, nr_pages);
	d->nrng = 1;
	d->nr_frames = nr_pages;
	d->populated = true;
	return 0;
}

/* An HVM container's memory, one range at a time: each range is a run of
 * frame indices of its own (gfns are what the guest and the builder see;
 * the frames behind them stay scattered). */
int sim_populate_range(struct hv *hv, uint32_t domid, uint64_t pfn, uint64_t n,
		       struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if (!(d = sim_enter_dom(h, domid, "populate_range", &rc, e)))
		return rc;
	if (!d->hvm)
		return xb_fail(e, XB_EINTERNAL,
			       "populate_range(dom %u): not an HVM container",
			       domid);
	if (!n || pfn + n < pfn || pfn + n > (1ULL << 40))
		return xb_fail(e, XB_EINTERNAL,
			       "populate_range(dom %u): bad range %#" PRIx64
			       "+%" PRIu64,
			       domid, pfn, n);
	for (unsigned i = 0; i < d->nrng; i++)
		if (pfn < d->rng[i].pfn + d->rng[i].n &&
		    d->rng[i].pfn < pfn + n)
			return xb_fail(e, XB_EHV,
				       "populate_range(dom %u): gfns %#" PRIx64
				       "+%" PRIu64 " are populated already",
				       domid, pfn, n);
	if (d->nrng == SIM_MAX_PRANGES)
		return xb_fail(e, XB_EHV,
			       "populate_range(dom %u): too many ranges",
			       domid);
	/* The special and ACPI pages of an HVM container come out of the
	 * 1 MiB that hv_xen.c (as libxl) adds above max memory. */
	if ((d->max_kb && d->nr_frames + n > d->max_kb / 4 + 256) ||
	    (h->o.max_pages && d->nr_frames + n > h->o.max_pages) ||
	    n > sim_frames_left(h))
		return xb_fail(e, XB_EHV,
			       "populate_range(dom %u, %" PRIu64
			       " pages): exceeds max memory %" PRIu64 " KiB",
			       domid, n, d->max_kb);
	d->rng[d->nrng].pfn = pfn;
	d->rng[d->nrng].n = n;
	d->rng[d->nrng].idx = sim_frames_take(h, n);
	d->nrng++;
	d->nr_frames += n;
	d->populated = true;
	return 0;
}

int sim_mfns(struct hv *hv, uint32_t domid, uint64_t pfn, uint64_t n,
	     uint64_t *mfns, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	const struct sim_dom *d = sim_need_dom(h, domid, "mfns", e);
	uint64_t base;

	if (!d)
		return -XB_EHV;
	if ((base = sim_pfn_idx(d, pfn, n)) == UINT64_MAX)
		return xb_fail(e, XB_EINTERNAL,
			       "mfns(dom %u): pfns %#" PRIx64 "+%" PRIu64
			       " outside the %" PRIu64 " populated",
			       domid, pfn, n, d->nr_frames);
	for (uint64_t i = 0; i < n; i++)
		mfns[i] = sim_idx_to_mfn(base + i);
	return 0;
}

/* ---- map, unmap ---- */

/* A free mapping slot after the common checks, or NULL with e set. */
static struct sim_map *map_begin(struct sim *h, uint32_t domid, size_t n,
				 struct sim_dom **d, struct xb_err *e)
{
	int rc;

	if (!(*d = sim_enter_dom(h, domid, "map", &rc, e)))
		return NULL;
	if (!n) {
		xb_fail(e, XB_EHV, "map(dom %u): %zu frames", domid, n);
		return NULL;
	}
	if (n > h->hv.map_chunk) {
		xb_fail(e, XB_EINTERNAL,
			"map(dom %u): %zu frames, more than "
			"the %zu a mapping may have",
			domid, n, h->hv.map_chunk);
		return NULL;
	}
	if (h->nmaps == SIM_MAX_MAPS) {
		xb_fail(e, XB_EHV, "map(dom %u): too many mappings", domid);
		return NULL;
	}
	memset(&h->maps[h->nmaps], 0, sizeof(h->maps[0]));
	return &h->maps[h->nmaps];
}

/* Host memory for m (n pages): a scratch window when m drops its bytes. */
static int map_window(struct sim *h, struct sim_map *m, size_t n,
		      struct xb_err *e)
{
	for (unsigned i = 0; m->drop && i < XB_ARRAY_SIZE(h->scratch); i++) {
		if (h->scratch_busy[i])
			continue;
		if (!h->scratch[i] &&
		    !(h->scratch[i] = malloc(h->hv.map_chunk << XB_PAGE_SHIFT)))
			break;
		h->scratch_busy[i] = true;
		m->scratch = true;
		m->addr = h->scratch[i];
		return 0;
	}
	if (!(m->addr = malloc(n << XB_PAGE_SHIFT)))
		return xb_fail(e, XB_EINTERNAL,
			       "map: out of memory (%zu frames)", n);
	return 0;
}

static void map_release(struct sim *h, struct sim_map *m)
{
	for (unsigned i = 0; i < XB_ARRAY_SIZE(h->scratch); i++)
		if (m->scratch && m->addr == h->scratch[i])
			h->scratch_busy[i] = false;
	if (!m->scratch && !m->at)
		free(m->addr);
	free(m->idx);
	m->addr = NULL;
	m->idx = NULL;
}

/* Copy the frames of m in; dropped bytes read as POISON. */
static void map_copy_in(struct sim *h, struct sim_map *m)
{
	for (size_t j = 0; j < m->n; j++) {
		uint8_t *p = m->addr + (j << XB_PAGE_SHIFT);

		if (!sim_frame_read(h, sim_map_idx(m, j), p))
			memset(p, POISON, XB_PAGE_SIZE);
	}
}

/* map_pfns into host memory of its own, or at the caller's addr: the
 * frames are copied there and back at unmap as into a mapping of its own
 * (what Xen's MAP_FIXED mapping shows the caller). */
static void *map_pfns_at(struct sim *h, uint32_t domid, uint64_t pfn, size_t n,
			 void *addr, enum hv_map_use use, struct xb_err *e)
{
	struct sim_dom *d;
	struct sim_map *m = map_begin(h, domid, n, &d, e);
	uint64_t base;

	if (!m)
		return NULL;
	if (addr && ((uintptr_t)addr & XB_PAGE_MASK)) {
		xb_fail(e, XB_EINTERNAL, "map(dom %u): address %p not a page",
			domid, addr);
		return NULL;
	}
	if ((base = sim_pfn_idx(d, pfn, n)) == UINT64_MAX) {
		xb_fail(e, XB_EHV,
			"map(dom %u): pfns %#" PRIx64 "+%zu outside "
			"the %" PRIu64 " populated",
			domid, pfn, n, d->nr_frames);
		return NULL;
	}
	for (size_t j = 0; j < n && h->store_n; j++) {
		const struct sim_frame *f = sim_frame_find(h, base + j);

		if (f && f->type != T_NONE) {
			xb_fail(e, XB_EHV,
				"map(dom %u): frame %zu (mfn %#" PRIx64
				") is a pinned page table",
				domid, j, sim_idx_to_mfn(base + j));
			return NULL;
		}
	}
	m->idx0 = base;
	m->n = n;
	m->drop = h->o.lean && use == HV_MAP_DATA;
	m->at = addr != NULL;
	if (addr)
		m->addr = addr;
	else if (map_window(h, m, n, e) < 0)
		return NULL;
	if (!m->drop)
		map_copy_in(h, m);
	h->nmaps++;
	return m->addr;
}

void *sim_map_pfns(struct hv *hv, uint32_t domid, uint64_t pfn, size_t n,
		   enum hv_map_use use, struct xb_err *e)
{
	return map_pfns_at(sim_of(hv), domid, pfn, n, NULL, use, e);
}

int sim_map_pfns_at(struct hv *hv, uint32_t domid, uint64_t pfn, size_t n,
		    void *addr, enum hv_map_use use, struct xb_err *e)
{
	if (!addr)
		return xb_fail(e, XB_EINTERNAL, "map(dom %u): no address",
			       domid);
	return map_pfns_at(sim_of(hv), domid, pfn, n, addr, use, e) ? 0 :
								      -e->code;
}

void *sim_map(struct hv *hv, uint32_t domid, const uint64_t *mfns, size_t n,
	      struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	struct sim_map *m = map_begin(h, domid, n, &d, e);

	if (!m)
		return NULL;
	if (!(m->idx = malloc(n * sizeof(*m->idx)))) {
		xb_fail(e, XB_EINTERNAL, "map: out of memory (%zu frames)", n);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t idx = sim_mfn_to_idx(h, mfns[i]);
		const struct sim_frame *f;
		const char *why = NULL;

		if (idx == UINT64_MAX)
			why = "not a frame";
		else if (sim_owner_of(h, idx) != sim_slot(h, d))
			why = "not owned by the domain";
		else if ((f = sim_frame_find(h, idx)) && f->type != T_NONE)
			why = "a pinned page table";
		if (why) {
			xb_fail(e, XB_EHV,
				"map(dom %u): frame %zu (mfn %#" PRIx64
				") is %s",
				domid, i, mfns[i], why);
			free(m->idx);
			m->idx = NULL;
			return NULL;
		}
		m->idx[i] = idx;
	}
	m->n = n;
	if (map_window(h, m, n, e) < 0) {
		free(m->idx);
		m->idx = NULL;
		return NULL;
	}
	map_copy_in(h, m);
	h->nmaps++;
	return m->addr;
}

void sim_unmap(struct hv *hv, void *addr, size_t n)
{
	struct sim *h = sim_of(hv);

	for (unsigned i = 0; i < h->nmaps; i++) {
		struct sim_map *m = &h->maps[i];

		if (m->addr != addr)
			continue;
		if (n > m->n)
			n = m->n;
		if (m->drop) {
			/* Whatever was kept of these frames is overwritten. */
			for (size_t j = 0; j < n && h->store_n; j++)
				frame_delete(h, m->idx0 + j);
			if (n && gone_add(h, m->idx0, m->idx0 + n) < 0)
				h->oom = true;
		} else {
			for (size_t j = 0; j < n; j++)
				if (frame_write(h, sim_map_idx(m, j),
						m->addr +
							(j << XB_PAGE_SHIFT)) <
				    0)
					h->oom = true;
		}
		/* As Xen's unmap leaves a hole: whoever reads it later
		 * reads garbage. */
		if (m->at)
			memset(m->addr, POISON, m->n << XB_PAGE_SHIFT);
		map_release(h, m);
		h->maps[i] = h->maps[--h->nmaps];
		return;
	}
}

/* ---- open, close, inspection ---- */

int sim_mem_open(struct sim *h, struct xb_err *e)
{
	uint64_t inv = 1;

	h->store_cap = 1024;
	h->store = calloc(h->store_cap, sizeof(*h->store));
	if (!h->store)
		return xb_fail(e, XB_EINTERNAL, "sim: out of memory");
	/* Inverse of SIM_MUL mod 2^64 (so mod every 2^k) by Newton's
	 * iteration. */
	for (int i = 0; i < 6; i++)
		inv *= 2 - SIM_MUL * inv;
	h->mul_inv = inv;
	h->hv.map_chunk = h->o.map_chunk ? h->o.map_chunk :
			  h->o.lean	 ? SIM_LEAN_CHUNK :
					   SIM_MAP_CHUNK;
	return 0;
}

void sim_mem_close(struct sim *h)
{
	while (h->nmaps)
		map_release(h, &h->maps[--h->nmaps]);
	for (size_t i = 0; i < h->store_cap; i++)
		if (h->store[i].key)
			free(h->store[i].data);
	for (unsigned i = 0; i < XB_ARRAY_SIZE(h->scratch); i++)
		free(h->scratch[i]);
	free(h->store);
	free(h->gone);
	h->store = NULL;
	h->gone = NULL;
}

void *hv_sim_frame(struct hv *hv, uint64_t mfn)
{
	struct sim *h = sim_of(hv);
	uint64_t idx = sim_mfn_to_idx(h, mfn);
	uint8_t *p;

	if (idx == UINT64_MAX || sim_dropped(h, idx))
		return NULL;
	if (!(p = sim_frame_raw(h, idx)))
		h->oom = true;
	return p;
}

int hv_sim_owner(struct hv *hv, uint64_t mfn)
{
	struct sim *h = sim_of(hv);
	uint64_t idx = sim_mfn_to_idx(h, mfn);
	int slot = idx == UINT64_MAX ? -1 : sim_owner_of(h, idx);

	return slot < 0 ? -1 : (int)h->doms[slot].domid;
}
