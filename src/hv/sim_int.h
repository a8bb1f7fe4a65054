/*
 * sim_int.h - the simulated hypervisor's state, private to its parts:
 *
 *   sim.c      the ops table, open/close, domains and vCPUs, fault
 *              injection and call accounting, inspection (hv_sim_stats ...)
 *   sim_mem.c  guest frames: the sparse frame pool, scattered MFNs,
 *              populate, map/unmap with copy-in/copy-out
 *   sim_pin.c  the checks Xen makes when it validates a pinned root table
 *   sim_xs.c   the xenstore model: read/dir/write/rm/introduce, permissions
 *
 * Everything hangs off one struct sim, reached from the struct hv the
 * builder holds; there is no other state.
 */
#ifndef XB_SIM_INT_H
#define XB_SIM_INT_H

#include "sim_inspect.h"

#define SIM_BITS 26			/* 2^26 frames = 256 GiB of guests */
#define SIM_CAP (1ULL << SIM_BITS)
#define SIM_MFN_BASE (1ULL << 30)	/* above every pfn we hand out */
#define SIM_MUL 0x9e3779b97f4a7c15ULL	/* odd: a bijection mod 2^k */
#define SIM_MAX_DOMS 8
#define SIM_MAX_MAPS 64
#define SIM_MAX_CALLS 256

/* Per-frame type: the page-table level a pin validated it as, or none. */
enum { T_NONE = 0, T_PT1 = 1, T_PT4 = 4 };

/* One outstanding map(): a private copy of n frames, written back at
 * unmap(). */
struct sim_map {
	uint8_t *addr;
	size_t n;
	uint64_t *idx;		/* frame indices */
};

struct sim_dom {
	bool used;
	uint32_t domid;
	uint8_t uuid[16];
	bool pae, pinned, running, introduced, has_vcpu;
	uint64_t root_mfn, pinned_tables;
	uint64_t shinfo_idx;
	uint64_t nr_frames;
	uint64_t max_kb;
	uint32_t next_port;
	struct hv_vcpu vcpu;
	uint64_t hypercall_mfn;
	uint64_t grant_frame[2];
	uint32_t grant_domid[2];
};

struct sim_xs_ent {
	char *path, *value, *perms;
};

struct sim {
	struct hv hv;		/* first: the interface view of this state */
	struct hv_sim_opts o;
	/* frames (sim_mem.c) */
	uint8_t *pool;		/* SIM_CAP frames, sparse */
	int16_t *owner;		/* per frame: domain slot, -1 free */
	uint8_t *type;		/* per frame: page-table level when pinned */
	uint64_t next_idx;	/* frames are handed out sequentially */
	uint64_t mul_inv;
	struct sim_map maps[SIM_MAX_MAPS];
	unsigned nmaps;
	/* domains (sim.c) */
	struct sim_dom doms[SIM_MAX_DOMS];
	uint32_t next_domid;
	/* xenstore (sim_xs.c) */
	struct sim_xs_ent *xs;
	bool in_txn;		/* between xs_begin and xs_end */
	size_t nxs;
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

/* ---- sim.c ---- */

/* Fault injection and call accounting: every op starts here.  Returns 0,
 * or -XB_EHV "op: simulated failure (call k)" when this call must fail. */
int sim_enter(struct sim *h, const char *op, struct xb_err *e);
/* The live domain domid, or NULL. */
struct sim_dom *sim_dom_of(struct sim *h, uint32_t domid);
/* The same, or NULL with "op: no domain N" recorded. */
struct sim_dom *sim_need_dom(struct sim *h, uint32_t domid, const char *op,
			     struct xb_err *e);

/* ---- sim_mem.c ---- */

/* Reserve the pool and the per-frame arrays (-XB_EINTERNAL); release them
 * and every outstanding mapping. */
int sim_mem_open(struct sim *h, struct xb_err *e);
void sim_mem_close(struct sim *h);
/* MFN of frame index idx, and back: UINT64_MAX when mfn was never handed
 * out.  The host bytes of frame idx. */
uint64_t sim_idx_to_mfn(const struct sim *h, uint64_t idx);
uint64_t sim_mfn_to_idx(const struct sim *h, uint64_t mfn);
uint8_t *sim_frame_at(const struct sim *h, uint64_t idx);
/* True when mfn is a frame that domain d owns. */
bool sim_owns(const struct sim *h, const struct sim_dom *d, uint64_t mfn);
/* Hand the next frame to domain slot; the caller checks
 * sim_frames_left() first.  Returns its index. */
uint64_t sim_frame_alloc(struct sim *h, int slot);
uint64_t sim_frames_left(const struct sim *h);
/* Free every frame of domain slot (owner and page-table type). */
void sim_frames_release(struct sim *h, int slot);

int sim_populate(struct hv *hv, uint32_t domid, uint64_t nr_pages,
		 uint64_t *mfns, struct xb_err *e);
void *sim_map(struct hv *hv, uint32_t domid, const uint64_t *mfns, size_t n,
	      struct xb_err *e);
void sim_unmap(struct hv *hv, void *addr, size_t n);

/* ---- sim_pin.c ---- */

int sim_pin_root(struct hv *hv, uint32_t domid, unsigned levels,
		 uint64_t mfn, struct xb_err *e);

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
