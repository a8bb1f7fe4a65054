/*
 * sim_int.h - the simulated hypervisor's state, private to its parts:
 *
 *   sim.c      the ops table, open/close, domains and vCPUs, fault
 *              injection and call accounting, inspection (hv_sim_stats ...)
 *   sim_mem.c  guest frames: scattered MFNs, the frame store, populate,
 *              mfns, map/unmap with copy-in/copy-out
 *   sim_pin.c  the checks Xen makes when it validates a pinned root table
 *   sim_xs.c   the xenstore model: read/dir/write/rm/introduce, permissions
 *
 * Everything hangs off one struct sim, reached from the struct hv the
 * builder holds; there is no other state.  Nothing in it grows with the
 * guests' memory except the frames somebody wrote (and, in lean mode, only
 * those written for page tables and boot pages, most of them compressed).
 */
#ifndef XB_SIM_INT_H
#define XB_SIM_INT_H

#include "sim_inspect.h"

#define SIM_BITS 34 /* 2^34 frames = 64 TiB handed out in all */
#define SIM_CAP (1ULL << SIM_BITS)
#define SIM_BLOCK_BITS 26 /* mfns scatter within 256 GiB blocks */
#define SIM_BLOCK_MASK ((1ULL << SIM_BLOCK_BITS) - 1)
#define SIM_MFN_BASE (1ULL << 30) /* above every pfn we hand out */
#define SIM_MUL 0x9e3779b97f4a7c15ULL /* odd: a bijection mod 2^k */
#define SIM_MAX_DOMS 8
#define SIM_MAX_MAPS 64
#define SIM_MAX_CALLS 256
#define SIM_MAP_CHUNK 16384 /* default map_chunk: Xen's 64 MiB */
#define SIM_LEAN_CHUNK 256 /* lean mode: a 1 MiB window */
#define SIM_MAX_RUNS 32 /* a frame of more runs is kept raw */
#define SIM_MAX_SCRIPT 16 /* words of hv_sim_opts.guest */

/* What a simulated guest does (hv_sim_opts.guest): a shutdown reason
 * (enum hv_shutdown), or one of these. */
enum { G_RUN = 100, G_DEAF, G_VANISH };
#define SIM_MAX_PRANGES 8 /* populated pfn ranges of one domain */
#define SIM_NR_PARAMS HV_SIM_NR_PARAMS /* HVM params the sim keeps */

/* Per-frame type: the page-table level a pin validated it as, or none. */
enum { T_NONE = 0, T_PT1 = 1, T_PT4 = 4 };

/* How a stored frame holds its bytes. */
enum { F_ZERO, F_RAW, F_RUNS };

/*
 * A frame of 512 eight-byte entries stored as runs (lean mode): entries
 * [slot, slot + count) are (mfn(idx + k) << 12) | flags for k < count,
 * where idx is a frame index and flags the bits outside PT_ADDR_MASK (a
 * page table mapping consecutive pfns is one run), or, when lit, one
 * entry whose value is idx.  Entries outside every run are 0.
 */
struct sim_run {
	uint16_t slot, count;
	uint8_t lit;
	uint64_t idx, flags;
};

/* One stored frame: the store is a hash table of these, keyed idx + 1. */
struct sim_frame {
	uint64_t key; /* frame index + 1; 0 marks a free slot */
	uint8_t type; /* T_NONE or the level a pin validated */
	uint8_t form; /* F_ZERO, F_RAW, F_RUNS */
	uint16_t nruns;
	void *data; /* F_RAW: the 4 KiB page; F_RUNS: the runs */
};

/* One outstanding map(): a private copy of n frames (written back at
 * unmap()), or in lean mode for HV_MAP_DATA a scratch window whose bytes
 * are dropped. */
struct sim_map {
	uint8_t *addr;
	size_t n;
	bool drop; /* lean HV_MAP_DATA: nothing is written back */
	bool scratch; /* addr is one of struct sim's scratch windows */
	bool at; /* addr is the caller's (map_pfns_at): never freed */
	uint64_t idx0; /* frames idx0 + j (map_pfns), unless idx */
	uint64_t *idx; /* map(): one frame index per page, or NULL */
};

/* Frame indices [from, to) whose bytes lean mode dropped. */
struct sim_range {
	uint64_t from, to;
};

/* Populated pfns [pfn, pfn + n) are frames [idx, idx + n). */
struct sim_prange {
	uint64_t pfn, n, idx;
};

struct sim_dom {
	bool used;
	uint32_t domid;
	uint8_t uuid[16];
	bool pae, pinned, running, introduced, has_vcpu;
	uint64_t root_mfn, pinned_tables;
	uint64_t shinfo_idx;
	bool populated;
	/* PV: one range from pfn 0; HVM: one per populate_range. */
	struct sim_prange rng[SIM_MAX_PRANGES];
	unsigned nrng;
	uint64_t nr_frames; /* in all ranges */
	/* HVM containers (PVH). */
	bool hvm;
	uint64_t paging_pool;
	bool tsc_set;
	uint32_t tsc_mode;
	unsigned nr_cpuid, nr_cpuid_regs;
	bool cpuid_set;
	struct hv_e820 e820[HV_E820_MAX];
	unsigned nr_e820;
	uint64_t params[SIM_NR_PARAMS];
	uint64_t params_set; /* bit p: params[p] was set */
	struct hv_hvm_vcpu hvm_vcpu;
	bool grants_by_gfn;
	uint64_t max_kb;
	uint32_t next_port;
	struct hv_vcpu vcpu;
	uint64_t hypercall_mfn;
	uint64_t grant_frame[2];
	uint32_t grant_domid[2];
	/* the guest's life (hv_sim_opts.guest) */
	unsigned action; /* G_* or a shutdown reason, set at unpause */
	bool shutdown; /* shut down with reason */
	unsigned reason;
	bool asked; /* control/shutdown = "poweroff" was written */
};

struct sim_xs_ent {
	char *path, *value, *perms;
};

struct sim {
	struct hv hv; /* first: the interface view of this state */
	struct hv_sim_opts o;
	/* frames (sim_mem.c) */
	uint64_t next_idx; /* frames are handed out sequentially */
	uint64_t mul_inv;
	struct sim_frame *store; /* hash table, store_cap slots */
	size_t store_cap, store_n;
	uint64_t store_bytes; /* bytes held by frame contents */
	struct sim_range *gone; /* lean mode: sorted, disjoint */
	size_t ngone, capgone;
	uint8_t *scratch[2]; /* lean mode: reusable windows of map_chunk pages */
	bool scratch_busy[2];
	struct sim_map maps[SIM_MAX_MAPS];
	unsigned nmaps;
	bool oom; /* unmap could not store a frame: the next call fails */
	/* domains (sim.c) */
	struct sim_dom doms[SIM_MAX_DOMS];
	uint32_t next_domid;
	/* xenstore (sim_xs.c) */
	struct sim_xs_ent *xs;
	bool in_txn; /* between xs_begin and xs_end */
	size_t nxs;
	/* the guests' script (hv_sim_opts.guest): one word per boot */
	unsigned script[SIM_MAX_SCRIPT], nscript, boots;
	/* call accounting (sim.c) */
	unsigned calls;
	const char *call_names[SIM_MAX_CALLS];
	char last_op[32];
};

static inline struct sim *sim_of(struct hv *hv)
{
	return (struct sim *)hv;
}

static inline int sim_slot(const struct sim *h, const struct sim_dom *d)
{
	return (int)(d - h->doms);
}

/* MFN of frame index idx: scattered inside its block of 2^26 frames, so
 * that the first 256 GiB handed out stay below 2^32 (PAE guests). */
static inline uint64_t sim_idx_to_mfn(uint64_t idx)
{
	return SIM_MFN_BASE + (idx & ~SIM_BLOCK_MASK) +
	       ((idx * SIM_MUL) & SIM_BLOCK_MASK);
}

/* Frame index of pfns [pfn, pfn + n) of d when they lie in one populated
 * range, else UINT64_MAX. */
static inline uint64_t sim_pfn_idx(const struct sim_dom *d, uint64_t pfn,
				   uint64_t n)
{
	for (unsigned i = 0; i < d->nrng; i++) {
		const struct sim_prange *r = &d->rng[i];

		if (pfn >= r->pfn && pfn - r->pfn < r->n &&
		    n <= r->n - (pfn - r->pfn))
			return r->idx + (pfn - r->pfn);
	}
	return UINT64_MAX;
}

/* True when frame idx belongs to a populated range of d. */
static inline bool sim_idx_in(const struct sim_dom *d, uint64_t idx)
{
	for (unsigned i = 0; i < d->nrng; i++)
		if (idx - d->rng[i].idx < d->rng[i].n)
			return true;
	return false;
}

/* ---- sim.c ---- */

/* Fault injection and call accounting: every op starts here.  Returns 0,
 * or -XB_EHV "op: simulated failure (call k)" when this call must fail. */
int sim_enter(struct sim *h, const char *op, struct xb_err *e);
/* The live domain domid, or NULL. */
struct sim_dom *sim_dom_of(struct sim *h, uint32_t domid);
/* The same, or NULL with "op: no domain N" recorded. */
struct sim_dom *sim_need_dom(struct sim *h, uint32_t domid, const char *op,
			     struct xb_err *e);
/* An op on domain domid: sim_enter, then sim_need_dom.  The domain, or
 * NULL with *rc (sim_enter's class, or -XB_EHV) and e set. */
struct sim_dom *sim_enter_dom(struct sim *h, uint32_t domid, const char *op,
			      int *rc, struct xb_err *e);

/* A xenstore write: the simulated guest of /local/domain/N sees
 * control/shutdown (sim_xs.c calls it after every write). */
void sim_guest_xs_written(struct sim *h, const char *path, const char *value);

/* ---- sim_mem.c ---- */

/* Set up and release the frame store and every outstanding mapping. */
int sim_mem_open(struct sim *h, struct xb_err *e);
void sim_mem_close(struct sim *h);
/* Frame index of mfn, UINT64_MAX when mfn was never handed out. */
uint64_t sim_mfn_to_idx(const struct sim *h, uint64_t mfn);
/* The domain slot owning frame idx, or -1. */
int sim_owner_of(const struct sim *h, uint64_t idx);
/* True when mfn is a frame that domain d owns. */
bool sim_owns(const struct sim *h, const struct sim_dom *d, uint64_t mfn);
/* Hand out n consecutive frame indices (the caller checks
 * sim_frames_left() first); returns the first. */
uint64_t sim_frames_take(struct sim *h, uint64_t n);
uint64_t sim_frames_left(const struct sim *h);
/* Forget every stored frame of domain d (contents, page-table types). */
void sim_frames_release(struct sim *h, const struct sim_dom *d);

/* The stored record of frame idx, or NULL (then its bytes are zero, or
 * dropped when sim_dropped()). */
struct sim_frame *sim_frame_find(const struct sim *h, uint64_t idx);
/* The record of idx, made (F_ZERO) when absent; NULL when out of
 * memory.  Records move when others are added: do not keep the pointer. */
struct sim_frame *sim_frame_get(struct sim *h, uint64_t idx);
/* True when lean mode dropped the bytes of idx and nothing rewrote it. */
bool sim_dropped(const struct sim *h, uint64_t idx);
/* Copy the bytes of frame idx into out (4 KiB).  Returns false, out
 * unspecified, when they were dropped. */
bool sim_frame_read(const struct sim *h, uint64_t idx, void *out);
/* Writable bytes of frame idx, held raw from now on (the sim's own writes,
 * hv_sim_frame); NULL when out of memory or dropped. */
uint8_t *sim_frame_raw(struct sim *h, uint64_t idx);

int sim_populate(struct hv *hv, uint32_t domid, uint64_t nr_pages,
		 struct xb_err *e);
int sim_populate_range(struct hv *hv, uint32_t domid, uint64_t pfn, uint64_t n,
		       struct xb_err *e);
int sim_mfns(struct hv *hv, uint32_t domid, uint64_t pfn, uint64_t n,
	     uint64_t *mfns, struct xb_err *e);
void *sim_map_pfns(struct hv *hv, uint32_t domid, uint64_t pfn, size_t n,
		   enum hv_map_use use, struct xb_err *e);
void *sim_map(struct hv *hv, uint32_t domid, const uint64_t *mfns, size_t n,
	      struct xb_err *e);
int sim_map_pfns_at(struct hv *hv, uint32_t domid, uint64_t pfn, size_t n,
		    void *addr, enum hv_map_use use, struct xb_err *e);
void sim_unmap(struct hv *hv, void *addr, size_t n);
/* Frame index of page j of mapping m. */
static inline uint64_t sim_map_idx(const struct sim_map *m, size_t j)
{
	return m->idx ? m->idx[j] : m->idx0 + j;
}

/* ---- sim_pin.c ---- */

int sim_pin_root(struct hv *hv, uint32_t domid, unsigned levels, uint64_t mfn,
		 struct xb_err *e);

/* ---- sim_xs.c ---- */

int sim_xs_begin(struct hv *hv, struct xb_err *e);
int sim_xs_end(struct hv *hv, bool abort, struct xb_err *e);
int sim_xs_read(struct hv *hv, const char *path, char **value,
		struct xb_err *e);
int sim_xs_dir(struct hv *hv, const char *path, char ***names, unsigned *n,
	       struct xb_err *e);
int sim_xs_write(struct hv *hv, const char *path, const char *value,
		 const char *perms, struct xb_err *e);
int sim_xs_rm(struct hv *hv, const char *path, struct xb_err *e);
int sim_xs_introduce(struct hv *hv, uint32_t domid, uint64_t store_mfn,
		     uint32_t store_evtchn, struct xb_err *e);
/* Free every entry. */
void sim_xs_close(struct sim *h);

#endif
