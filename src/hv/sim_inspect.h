/*
 * sim_inspect.h - looking inside the simulated hypervisor: its frames,
 * owners, vCPU state, xenstore and call log.  For tests only; the CLI
 * never reads guest frames.
 */
#ifndef XB_SIM_INSPECT_H
#define XB_SIM_INSPECT_H

#include "hv_sim.h"

/* Host pointer to machine frame mfn (4 KiB, writable), or NULL if no
 * such frame exists or lean mode dropped its bytes.  Valid until the frame
 * is written through a mapping again or its domain is destroyed. */
void *hv_sim_frame(struct hv *hv, uint64_t mfn);
/* Owner domid of mfn, or -1 when free/unknown. */
int hv_sim_owner(struct hv *hv, uint64_t mfn);
/* vCPU 0 context set for domid, or NULL. */
const struct hv_vcpu *hv_sim_vcpu(struct hv *hv, uint32_t domid);
/* Value of a xenstore path and its perms, or NULL. */
const char *hv_sim_xs(struct hv *hv, const char *path, const char **perms);
/* Number of xenstore entries under prefix (all when prefix is ""). */
size_t hv_sim_xs_count(struct hv *hv, const char *prefix);

/* Host pointer to guest frame pfn of domid (a gfn of an HVM container),
 * as hv_sim_frame; NULL when not populated or dropped. */
void *hv_sim_pfn_frame(struct hv *hv, uint32_t domid, uint64_t pfn);

/* What the HVM-container calls left on a domain (PVH builds). */
#define HV_SIM_NR_PARAMS 64
struct hv_sim_hvm {
	bool hvm;
	uint64_t paging_pool; /* bytes */
	bool tsc_set;
	uint32_t tsc_mode;
	bool cpuid_set;
	unsigned nr_cpuid; /* overrides applied */
	unsigned nr_cpuid_regs; /* their registers given a policy string */
	struct hv_e820 e820[HV_E820_MAX];
	unsigned nr_e820;
	uint64_t params[HV_SIM_NR_PARAMS];
	uint64_t params_set; /* bit p: params[p] was set */
	bool has_vcpu;
	struct hv_hvm_vcpu vcpu;
	unsigned nr_ranges; /* populated gfn ranges */
	struct {
		uint64_t pfn, n;
	} ranges[8];
	uint64_t grant_frame[2]; /* gfns of grant entries 0 and 1 */
	uint32_t grant_domid[2];
	bool grants_by_gfn;
};
/* -1 when there is no such domain. */
int hv_sim_hvm(struct hv *hv, uint32_t domid, struct hv_sim_hvm *out);

struct hv_sim_stats {
	unsigned calls; /* backend calls so far */
	unsigned live_domains; /* created and not destroyed */
	unsigned mappings; /* outstanding map() results */
	uint64_t frames; /* frames owned by live domains */
	bool pinned, running, introduced; /* of the last domain */
	uint64_t pinned_tables; /* page-table frames validated at pin */
	uint64_t hypercall_mfn; /* frame given to hypercall_init, 0 if none */
	uint64_t grant_frame[2]; /* grant entries 0 and 1 */
	uint32_t grant_domid[2];
	char last_op[32]; /* name of the last call */
	/* Host memory for guest frames: frames held, bytes of their
	 * contents, frames whose bytes lean mode dropped. */
	uint64_t stored_frames, stored_bytes, dropped_frames;
};
void hv_sim_stats(struct hv *hv, struct hv_sim_stats *s);

/* Test-only: the name of backend call number k (1-based) of the last
 * run, or NULL; lets a fault-injection walk report the step. */
const char *hv_sim_call_name(struct hv *hv, unsigned k);

#endif
