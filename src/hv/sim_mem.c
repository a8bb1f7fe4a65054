/*
 * sim_mem.c - the simulated hypervisor's guest frames.
 *
 * Guest frames live in one large sparse anonymous mapping (only touched
 * frames cost memory).  MFNs are handed out scattered: frame index i gets
 * mfn SIM_MFN_BASE + (i * SIM_MUL mod 2^SIM_BITS), so mfn != pfn always and
 * consecutive pfns get far-apart mfns: every p2m mix-up shows.
 *
 * map() hands out a private copy of the frames and writes it back at
 * unmap(), so the sim knows exactly which frames are mapped at any time
 * (sim_pin.c refuses to pin a page table the builder still maps).
 */
#include "sim_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

uint64_t sim_idx_to_mfn(const struct sim *h, uint64_t idx)
{
	(void)h;
	return SIM_MFN_BASE + ((idx * SIM_MUL) & (SIM_CAP - 1));
}

uint64_t sim_mfn_to_idx(const struct sim *h, uint64_t mfn)
{
	uint64_t idx;

	if (mfn < SIM_MFN_BASE || mfn >= SIM_MFN_BASE + SIM_CAP)
		return UINT64_MAX;
	idx = ((mfn - SIM_MFN_BASE) * h->mul_inv) & (SIM_CAP - 1);
	return idx < h->next_idx ? idx : UINT64_MAX;
}

uint8_t *sim_frame_at(const struct sim *h, uint64_t idx)
{
	return h->pool + (idx << XB_PAGE_SHIFT);
}

bool sim_owns(const struct sim *h, const struct sim_dom *d, uint64_t mfn)
{
	uint64_t idx = sim_mfn_to_idx(h, mfn);

	return idx != UINT64_MAX && h->owner[idx] == sim_slot(h, d);
}

uint64_t sim_frames_left(const struct sim *h)
{
	return SIM_CAP - h->next_idx;
}

uint64_t sim_frame_alloc(struct sim *h, int slot)
{
	uint64_t idx = h->next_idx++;

	h->owner[idx] = (int16_t)slot;
	return idx;
}

void sim_frames_release(struct sim *h, int slot)
{
	for (uint64_t i = 0; i < h->next_idx; i++)
		if (h->owner[i] == slot) {
			h->owner[i] = -1;
			h->type[i] = T_NONE;
		}
}

int sim_populate(struct hv *hv, uint32_t domid, uint64_t nr_pages,
		 uint64_t *mfns, struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	int rc;

	if ((rc = sim_enter(h, "populate", e)) < 0)
		return rc;
	if (!(d = sim_need_dom(h, domid, "populate", e)))
		return -XB_EHV;
	if (d->max_kb && (d->nr_frames + nr_pages) * 4 > d->max_kb)
		return xb_fail(e, XB_EHV, "populate(dom %u, %" PRIu64
			       " pages): exceeds max memory %" PRIu64 " KiB",
			       domid, nr_pages, d->max_kb);
	if ((h->o.max_pages && nr_pages > h->o.max_pages) ||
	    nr_pages > sim_frames_left(h))
		return xb_fail(e, XB_EHV, "populate(dom %u, %" PRIu64
			       " pages): out of memory (the simulated "
			       "hypervisor holds %llu GiB)", domid, nr_pages,
			       SIM_CAP >> 18);
	for (uint64_t pfn = 0; pfn < nr_pages; pfn++)
		mfns[pfn] = sim_idx_to_mfn(h, sim_frame_alloc(h, sim_slot(h, d)));
	d->nr_frames += nr_pages;
	return 0;
}

void *sim_map(struct hv *hv, uint32_t domid, const uint64_t *mfns, size_t n,
	      struct xb_err *e)
{
	struct sim *h = sim_of(hv);
	struct sim_dom *d;
	struct sim_map *m;

	if (sim_enter(h, "map", e) < 0)
		return NULL;
	if (!(d = sim_need_dom(h, domid, "map", e)))
		return NULL;
	if (!n || n > (SIZE_MAX >> XB_PAGE_SHIFT)) {
		xb_fail(e, XB_EHV, "map(dom %u): %zu frames", domid, n);
		return NULL;
	}
	if (h->nmaps == SIM_MAX_MAPS) {
		xb_fail(e, XB_EHV, "map(dom %u): too many mappings", domid);
		return NULL;
	}
	m = &h->maps[h->nmaps];
	m->idx = malloc(n * sizeof(*m->idx));
	m->addr = malloc(n << XB_PAGE_SHIFT);
	if (!m->idx || !m->addr) {
		free(m->idx);
		free(m->addr);
		xb_fail(e, XB_EINTERNAL, "map: out of memory (%zu frames)", n);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t idx = sim_mfn_to_idx(h, mfns[i]);

		if (idx == UINT64_MAX || h->owner[idx] != sim_slot(h, d) ||
		    h->type[idx] != T_NONE) {
			xb_fail(e, XB_EHV, "map(dom %u): frame %zu (mfn %#" PRIx64
				") is %s", domid, i, mfns[i],
				idx == UINT64_MAX ? "not a frame" :
				h->owner[idx] != sim_slot(h, d) ?
				"not owned by the domain" :
				"a pinned page table");
			free(m->idx);
			free(m->addr);
			return NULL;
		}
		m->idx[i] = idx;
		memcpy(m->addr + (i << XB_PAGE_SHIFT), sim_frame_at(h, idx),
		       XB_PAGE_SIZE);
	}
	m->n = n;
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
		for (size_t j = 0; j < n; j++)
			memcpy(sim_frame_at(h, m->idx[j]),
			       m->addr + (j << XB_PAGE_SHIFT), XB_PAGE_SIZE);
		free(m->addr);
		free(m->idx);
		h->maps[i] = h->maps[--h->nmaps];
		return;
	}
}

static void *sparse(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void release(struct sim *h)
{
	if (h->pool)
		munmap(h->pool, SIM_CAP << XB_PAGE_SHIFT);
	if (h->owner)
		munmap(h->owner, SIM_CAP * sizeof(*h->owner));
	if (h->type)
		munmap(h->type, SIM_CAP);
	h->pool = NULL;
	h->owner = NULL;
	h->type = NULL;
}

int sim_mem_open(struct sim *h, struct xb_err *e)
{
	uint64_t inv = 1;

	h->pool = sparse(SIM_CAP << XB_PAGE_SHIFT);
	h->owner = sparse(SIM_CAP * sizeof(*h->owner));
	h->type = sparse(SIM_CAP);
	if (!h->pool || !h->owner || !h->type) {
		release(h);
		return xb_fail(e, XB_EINTERNAL,
			       "sim: cannot reserve guest memory");
	}
	/* owner[] starts at 0 (zero pages): frames are handed out in order
	 * and owner is set for each, so untouched entries are never read. */
	/* Inverse of SIM_MUL mod 2^64 by Newton's iteration. */
	for (int i = 0; i < 6; i++)
		inv *= 2 - SIM_MUL * inv;
	h->mul_inv = inv;
	return 0;
}

void sim_mem_close(struct sim *h)
{
	while (h->nmaps) {
		free(h->maps[h->nmaps - 1].addr);
		free(h->maps[h->nmaps - 1].idx);
		h->nmaps--;
	}
	release(h);
}

void *hv_sim_frame(struct hv *hv, uint64_t mfn)
{
	struct sim *h = sim_of(hv);
	uint64_t idx = sim_mfn_to_idx(h, mfn);

	return idx == UINT64_MAX ? NULL : sim_frame_at(h, idx);
}

int hv_sim_owner(struct hv *hv, uint64_t mfn)
{
	struct sim *h = sim_of(hv);
	uint64_t idx = sim_mfn_to_idx(h, mfn);

	if (idx == UINT64_MAX || h->owner[idx] < 0 ||
	    !h->doms[h->owner[idx]].used)
		return -1;
	return (int)h->doms[h->owner[idx]].domid;
}
