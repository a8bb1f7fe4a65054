/*
 * hv.h - the hypervisor backend interface.
 *
 * Everything xbuild asks of a hypervisor goes through struct hv_ops, so the
 * builder runs unchanged on real Xen (hv_xen.c: libxenctrl,
 * libxenforeignmemory, libxenguest, libxenstore; opened with hv_xen.h) and
 * on the simulated hypervisor (sim*.c: guest frames in host memory,
 * scattered MFNs, Xen's pin-time checks, a xenstore model; opened and
 * inspected with sim_inspect.h).  Only hv_xen.c includes libxenctrl's header.
 *
 * Every operation returns 0 or a negative exit class with a message on e
 * (-XB_EHV when the hypervisor refused, -XB_EINTERNAL for host failures).
 */
#ifndef XB_HV_H
#define XB_HV_H

#include <signal.h>

#include "../xb.h"

struct hv_ops;

/*
 * A backend.  Each backend's state begins with this struct; calls go
 * through the hv_*() wrappers below: hv_map_pfns(d->hv, domid, pfn, n,
 * HV_MAP_DATA, &err).
 */
struct hv {
	const struct hv_ops *ops;
	/* The most pages the builder maps at once (set when the backend
	 * opens, never 0): larger ranges are mapped piece by piece, so no
	 * host buffer grows with the guest.  Large on Xen, where every
	 * foreign mapping is a costly call. */
	size_t map_chunk;
};

/*
 * Who reads what the builder writes through a mapping, once it is
 * unmapped.  A hint that lets a backend drop bytes nobody will read on
 * its side (the simulator's lean mode, for `xbuild plan`); Xen ignores it.
 */
enum hv_map_use {
	/* Read by the hypervisor or a toolstack too: page tables (checked
	 * at pin), start_info, the xenstore and console pages. */
	HV_MAP_BOOT,
	/* Read by the guest alone: kernel, initrd, p2m list, boot stack.
	 * Every byte of such a mapping must be written: its initial
	 * contents are unspecified. */
	HV_MAP_DATA,
};

struct hv_create {
	bool pae; /* 32-bit PAE PV guest (address size 32) */
	/* An HVM container for a PVH guest (XEN_DOMCTL_CDF_hvm, with
	 * CDF_hap when the hypervisor offers it, shadow paging otherwise;
	 * emulation limited to the local APIC, as libxl does for PVH).
	 * Its memory is populated with populate_range, named by guest
	 * frame (gfn), and its vCPU set with set_hvm_vcpu. */
	bool hvm;
	uint32_t max_vcpus;
	uint32_t max_evtchn_port;
	uint32_t max_grant_frames;
	uint32_t max_maptrack_frames; /* 0: the hypervisor's default */
	uint32_t max_grant_version; /* 0: the highest it offers */
	uint8_t uuid[16];
};

/* vCPU 0's boot state, independent of Xen's structure layout. */
struct hv_vcpu {
	bool is64;
	uint64_t rip, rsp, rsi, rflags;
	uint64_t cr3_mfn; /* MFN of the root page table */
	uint16_t cs, ss, ds, es, fs, gs;
	uint64_t kernel_ss, kernel_sp;
	uint32_t flags; /* VGCF_* */
};

/* How a domain stands (xc_domain_getinfo's flags, XEN_DOMINF_*). */
enum hv_dom_state {
	HV_DOM_RUNNING, /* exists and has not shut down (maybe paused) */
	HV_DOM_SHUTDOWN, /* shut down (reason below), not destroyed yet */
	HV_DOM_DYING, /* being destroyed */
	HV_DOM_GONE, /* no such domain */
};

/* Why a domain shut down: SHUTDOWN_* of xen/sched.h (a guest may pass
 * other numbers; they arrive as they are). */
enum hv_shutdown {
	HV_SHUTDOWN_POWEROFF = 0,
	HV_SHUTDOWN_REBOOT = 1,
	HV_SHUTDOWN_SUSPEND = 2,
	HV_SHUTDOWN_CRASH = 3,
	HV_SHUTDOWN_WATCHDOG = 4,
	HV_SHUTDOWN_SOFT_RESET = 5,
};

/* The word for a shutdown reason ("poweroff", ... "soft_reset"); NULL for
 * a number Xen does not define. */
static inline const char *hv_shutdown_name(unsigned r)
{
	static const char *const n[] = {
		[HV_SHUTDOWN_POWEROFF] = "poweroff",
		[HV_SHUTDOWN_REBOOT] = "reboot",
		[HV_SHUTDOWN_SUSPEND] = "suspend",
		[HV_SHUTDOWN_CRASH] = "crash",
		[HV_SHUTDOWN_WATCHDOG] = "watchdog",
		[HV_SHUTDOWN_SOFT_RESET] = "soft_reset",
	};

	return r < sizeof(n) / sizeof(n[0]) ? n[r] : NULL;
}

struct hv_dominfo {
	enum hv_dom_state state;
	unsigned reason; /* HV_DOM_SHUTDOWN: enum hv_shutdown */
	bool paused;
};

/* vCPU 0 of an HVM container at a PVH entry (xen/arch-x86/hvm/start_info.h,
 * docs/misc/pvh.pandoc): flat 32-bit protected mode, paging off; the
 * backend writes it through the HVM context (CPU and MTRR records). */
struct hv_hvm_vcpu {
	uint64_t rip; /* PHYS32_ENTRY */
	uint64_t rbx; /* physical address of hvm_start_info */
	uint64_t cr0; /* PE | ET */
	uint32_t cs_ar, ds_ar, tr_ar; /* segment attributes */
	uint64_t mtrr_def_type; /* MTRRs enabled, default write-back */
};

/* One memory map entry (XENMEM_set_memory_map; e820 types). */
struct hv_e820 {
	uint64_t addr, size;
	uint32_t type;
};
#define HV_E820_MAX 16

/* One xl "cpuid" override as libxenguest's struct xc_xend_cpuid takes it:
 * each register a 32-character string, bit 31 first, or NULL to keep. */
struct hv_cpuid {
	uint32_t leaf, subleaf;
	const char *policy[4];
};

struct hv_ops {
	const char *name; /* "xen", "sim" */

	/* The guest types the hypervisor runs (xen_caps: "xen-3.0-x86_64
	 * hvm-3.0-x86_32 ..."), NUL-terminated in buf. */
	int (*caps)(struct hv *hv, char *buf, size_t len, struct xb_err *e);
	int (*domain_create)(struct hv *hv, const struct hv_create *c,
			     uint32_t *domid, struct xb_err *e);
	/* The domain created with this UUID: -XB_EHV with e unset when
	 * there is none. */
	int (*domain_by_uuid)(struct hv *hv, const uint8_t uuid[16],
			      uint32_t *domid, struct xb_err *e);
	int (*set_max_mem)(struct hv *hv, uint32_t domid, uint64_t kb,
			   struct xb_err *e);
	/* Populate pfns [0, nr_pages) of a domain that has no memory yet
	 * (once per domain).  The backend keeps the pfn -> mfn table. */
	int (*populate)(struct hv *hv, uint32_t domid, uint64_t nr_pages,
			struct xb_err *e);
	/* mfns[i] = the machine frame of pfn + i, for i < n; the range must
	 * lie in what populate gave.  Answered from the backend's own
	 * table: not a hypervisor call (no fault injection in the sim). */
	int (*mfns)(struct hv *hv, uint32_t domid, uint64_t pfn, uint64_t n,
		    uint64_t *mfns, struct xb_err *e);
	/* Map pfns [pfn, pfn + n) at consecutive host addresses,
	 * read-write; n <= hv->map_chunk.  NULL with e set on failure. */
	void *(*map_pfns)(struct hv *hv, uint32_t domid, uint64_t pfn, size_t n,
			  enum hv_map_use use, struct xb_err *e);
	/* map_pfns at a host address the caller chose: addr (page aligned)
	 * lies in a range the caller reserved (anonymous, private), and the
	 * frames replace what was there (MAP_FIXED).  Unmapped with
	 * unmap(addr, n), which leaves [addr, addr + n pages) unusable (a
	 * hole on Xen): the caller then unmaps its whole range.  On failure
	 * what was at addr may be gone too. */
	int (*map_pfns_at)(struct hv *hv, uint32_t domid, uint64_t pfn,
			   size_t n, void *addr, enum hv_map_use use,
			   struct xb_err *e);
	/* Map n machine frames (any order; frames outside the p2m such as
	 * shared info), read-write, as HV_MAP_BOOT.  NULL with e set. */
	void *(*map)(struct hv *hv, uint32_t domid, const uint64_t *mfns,
		     size_t n, struct xb_err *e);
	/* Unmap what map or map_pfns returned (n: the same count). */
	void (*unmap)(struct hv *hv, void *addr, size_t n);
	/* MMUEXT_PIN_L4_TABLE (levels 4) or MMUEXT_PIN_L3_TABLE (3). */
	int (*pin_root)(struct hv *hv, uint32_t domid, unsigned levels,
			uint64_t mfn, struct xb_err *e);
	int (*shared_info_mfn)(struct hv *hv, uint32_t domid, uint64_t *mfn,
			       struct xb_err *e);
	/* The hypercall_init domctl on the frame holding HYPERCALL_PAGE. */
	int (*hypercall_init)(struct hv *hv, uint32_t domid, uint64_t mfn,
			      struct xb_err *e);
	int (*set_vcpu)(struct hv *hv, uint32_t domid, unsigned vcpu,
			const struct hv_vcpu *v, struct xb_err *e);
	/* Grant entries 0 (console) and 1 (xenstore) for the backends. */
	int (*seed_grants)(struct hv *hv, uint32_t domid, uint64_t console_mfn,
			   uint32_t console_domid, uint64_t store_mfn,
			   uint32_t store_domid, struct xb_err *e);
	/* An unbound event channel in domid for remote_domid. */
	int (*evtchn_alloc)(struct hv *hv, uint32_t domid,
			    uint32_t remote_domid, uint32_t *port,
			    struct xb_err *e);
	int (*unpause)(struct hv *hv, uint32_t domid, struct xb_err *e);
	int (*destroy)(struct hv *hv, uint32_t domid, struct xb_err *e);
	/* Give domain domid another handle (its UUID in Xen). */
	int (*set_handle)(struct hv *hv, uint32_t domid, const uint8_t uuid[16],
			  struct xb_err *e);
	/* The state of domain domid; HV_DOM_GONE (not an error) when there
	 * is no such domain. */
	int (*domain_info)(struct hv *hv, uint32_t domid,
			   struct hv_dominfo *info, struct xb_err *e);
	/*
	 * Wait until some domain may have changed state (shut down, died:
	 * xenstore's @releaseDomain, as xl watches it), at most timeout_ms
	 * milliseconds; domain_info then tells what changed.  While
	 * waiting, the thread's signal mask is sigmask (as ppoll(2)), so a
	 * caller that blocks its signals, checks its flag and then waits
	 * with them unblocked loses none.  Returns 1 when something
	 * happened, 0 on timeout or when a signal came.  The first call
	 * sets the watch up (and may return 1 at once).
	 */
	int (*wait_domains)(struct hv *hv, int timeout_ms,
			    const sigset_t *sigmask, struct xb_err *e);

	/* xenstore.  perms in xenstore-ls -p notation: "n0,r5". */
	int (*xs_read)(struct hv *hv, const char *path, char **value,
		       struct xb_err *e); /* -XB_EHV, e unset, if absent */
	/* The children of path: *names is one malloc'd block (the array and
	 * its strings), freed with free(*names).  -XB_EHV, e unset, if the
	 * path is absent. */
	int (*xs_dir)(struct hv *hv, const char *path, char ***names,
		      unsigned *n, struct xb_err *e);
	int (*xs_write)(struct hv *hv, const char *path, const char *value,
			const char *perms, struct xb_err *e);
	int (*xs_rm)(struct hv *hv, const char *path, struct xb_err *e);
	/* A xenstore transaction: the xs_* calls between xs_begin and xs_end
	 * see and change the store atomically.  xs_end(abort false) commits
	 * and returns 1 when another writer interfered: start again. */
	int (*xs_begin)(struct hv *hv, struct xb_err *e);
	int (*xs_end)(struct hv *hv, bool abort, struct xb_err *e);
	int (*xs_introduce)(struct hv *hv, uint32_t domid, uint64_t store_mfn,
			    uint32_t store_evtchn, struct xb_err *e);

	/* ---- HVM containers (PVH guests); hv_create.hvm domains only ---- */
	/* Whether the container got hardware-assisted paging (HAP) or
	 * shadow paging, which sizes its paging pool. */
	int (*hvm_hap)(struct hv *hv, uint32_t domid, bool *hap,
		       struct xb_err *e);
	/* The paging pool (HAP or shadow page tables) in bytes
	 * (XEN_DOMCTL_set_paging_mempool_size). */
	int (*set_paging_pool)(struct hv *hv, uint32_t domid, uint64_t bytes,
			       struct xb_err *e);
	/* XEN_DOMCTL_settscinfo: the TSC mode (0 default, as xl). */
	int (*set_tsc_info)(struct hv *hv, uint32_t domid, uint32_t mode,
			    struct xb_err *e);
	/* The CPUID policy: the default one for the domain's kind, then
	 * the n overrides (xc_cpuid_apply_policy). */
	int (*set_cpuid)(struct hv *hv, uint32_t domid,
			 const struct hv_cpuid *ov, unsigned n,
			 struct xb_err *e);
	/* Populate gfns [pfn, pfn + n) with the largest extents that fit
	 * their alignment (1 GiB, 2 MiB, 4 KiB); ranges must not overlap
	 * what is populated already.  map_pfns then takes gfns. */
	int (*populate_range)(struct hv *hv, uint32_t domid, uint64_t pfn,
			      uint64_t n, struct xb_err *e);
	/* The guest's memory map (XENMEM_set_memory_map). */
	int (*set_memory_map)(struct hv *hv, uint32_t domid,
			      const struct hv_e820 *map, unsigned n,
			      struct xb_err *e);
	/* One HVM param (xen/hvm/params.h HVM_PARAM_*). */
	int (*set_hvm_param)(struct hv *hv, uint32_t domid, uint32_t param,
			     uint64_t value, struct xb_err *e);
	/* vCPU 0's registers through the HVM context. */
	int (*set_hvm_vcpu)(struct hv *hv, uint32_t domid,
			    const struct hv_hvm_vcpu *v, struct xb_err *e);
	/* Grant entries 0 (console) and 1 (xenstore) naming guest frames
	 * (gfns), for an HVM container. */
	int (*seed_grants_gfn)(struct hv *hv, uint32_t domid,
			       uint64_t console_gfn, uint32_t console_domid,
			       uint64_t store_gfn, uint32_t store_domid,
			       struct xb_err *e);

	void (*close)(struct hv *hv);
};

/* The calls, one per operation. */
static inline int hv_caps(struct hv *hv, char *buf, size_t len,
			  struct xb_err *e)
{
	return hv->ops->caps(hv, buf, len, e);
}
static inline int hv_domain_create(struct hv *hv, const struct hv_create *c,
				   uint32_t *domid, struct xb_err *e)
{
	return hv->ops->domain_create(hv, c, domid, e);
}
static inline int hv_domain_by_uuid(struct hv *hv, const uint8_t uuid[16],
				    uint32_t *domid, struct xb_err *e)
{
	return hv->ops->domain_by_uuid(hv, uuid, domid, e);
}
static inline int hv_set_max_mem(struct hv *hv, uint32_t domid, uint64_t kb,
				 struct xb_err *e)
{
	return hv->ops->set_max_mem(hv, domid, kb, e);
}
static inline int hv_populate(struct hv *hv, uint32_t domid, uint64_t nr_pages,
			      struct xb_err *e)
{
	return hv->ops->populate(hv, domid, nr_pages, e);
}
static inline int hv_mfns(struct hv *hv, uint32_t domid, uint64_t pfn,
			  uint64_t n, uint64_t *mfns, struct xb_err *e)
{
	return hv->ops->mfns(hv, domid, pfn, n, mfns, e);
}
static inline void *hv_map_pfns(struct hv *hv, uint32_t domid, uint64_t pfn,
				size_t n, enum hv_map_use use, struct xb_err *e)
{
	return hv->ops->map_pfns(hv, domid, pfn, n, use, e);
}
static inline int hv_map_pfns_at(struct hv *hv, uint32_t domid, uint64_t pfn,
				 size_t n, void *addr, enum hv_map_use use,
				 struct xb_err *e)
{
	return hv->ops->map_pfns_at(hv, domid, pfn, n, addr, use, e);
}
static inline void *hv_map(struct hv *hv, uint32_t domid, const uint64_t *mfns,
			   size_t n, struct xb_err *e)
{
	return hv->ops->map(hv, domid, mfns, n, e);
}
static inline void hv_unmap(struct hv *hv, void *addr, size_t n)
{
	hv->ops->unmap(hv, addr, n);
}
static inline int hv_pin_root(struct hv *hv, uint32_t domid, unsigned levels,
			      uint64_t mfn, struct xb_err *e)
{
	return hv->ops->pin_root(hv, domid, levels, mfn, e);
}
static inline int hv_shared_info_mfn(struct hv *hv, uint32_t domid,
				     uint64_t *mfn, struct xb_err *e)
{
	return hv->ops->shared_info_mfn(hv, domid, mfn, e);
}
static inline int hv_hypercall_init(struct hv *hv, uint32_t domid, uint64_t mfn,
				    struct xb_err *e)
{
	return hv->ops->hypercall_init(hv, domid, mfn, e);
}
static inline int hv_set_vcpu(struct hv *hv, uint32_t domid, unsigned vcpu,
			      const struct hv_vcpu *v, struct xb_err *e)
{
	return hv->ops->set_vcpu(hv, domid, vcpu, v, e);
}
static inline int hv_seed_grants(struct hv *hv, uint32_t domid,
				 uint64_t console_mfn, uint32_t console_domid,
				 uint64_t store_mfn, uint32_t store_domid,
				 struct xb_err *e)
{
	return hv->ops->seed_grants(hv, domid, console_mfn, console_domid,
				    store_mfn, store_domid, e);
}
static inline int hv_evtchn_alloc(struct hv *hv, uint32_t domid,
				  uint32_t remote_domid, uint32_t *port,
				  struct xb_err *e)
{
	return hv->ops->evtchn_alloc(hv, domid, remote_domid, port, e);
}
static inline int hv_unpause(struct hv *hv, uint32_t domid, struct xb_err *e)
{
	return hv->ops->unpause(hv, domid, e);
}
static inline int hv_destroy(struct hv *hv, uint32_t domid, struct xb_err *e)
{
	return hv->ops->destroy(hv, domid, e);
}
static inline int hv_set_handle(struct hv *hv, uint32_t domid,
				const uint8_t uuid[16], struct xb_err *e)
{
	return hv->ops->set_handle(hv, domid, uuid, e);
}
static inline int hv_domain_info(struct hv *hv, uint32_t domid,
				 struct hv_dominfo *info, struct xb_err *e)
{
	return hv->ops->domain_info(hv, domid, info, e);
}
static inline int hv_wait_domains(struct hv *hv, int timeout_ms,
				  const sigset_t *sigmask, struct xb_err *e)
{
	return hv->ops->wait_domains(hv, timeout_ms, sigmask, e);
}
static inline int hv_xs_read(struct hv *hv, const char *path, char **value,
			     struct xb_err *e)
{
	return hv->ops->xs_read(hv, path, value, e);
}
static inline int hv_xs_dir(struct hv *hv, const char *path, char ***names,
			    unsigned *n, struct xb_err *e)
{
	return hv->ops->xs_dir(hv, path, names, n, e);
}
static inline int hv_xs_write(struct hv *hv, const char *path,
			      const char *value, const char *perms,
			      struct xb_err *e)
{
	return hv->ops->xs_write(hv, path, value, perms, e);
}
static inline int hv_xs_rm(struct hv *hv, const char *path, struct xb_err *e)
{
	return hv->ops->xs_rm(hv, path, e);
}
static inline int hv_xs_begin(struct hv *hv, struct xb_err *e)
{
	return hv->ops->xs_begin(hv, e);
}
static inline int hv_xs_end(struct hv *hv, bool abort, struct xb_err *e)
{
	return hv->ops->xs_end(hv, abort, e);
}
static inline int hv_xs_introduce(struct hv *hv, uint32_t domid,
				  uint64_t store_mfn, uint32_t store_evtchn,
				  struct xb_err *e)
{
	return hv->ops->xs_introduce(hv, domid, store_mfn, store_evtchn, e);
}
static inline int hv_hvm_hap(struct hv *hv, uint32_t domid, bool *hap,
			     struct xb_err *e)
{
	return hv->ops->hvm_hap(hv, domid, hap, e);
}
static inline int hv_set_paging_pool(struct hv *hv, uint32_t domid,
				     uint64_t bytes, struct xb_err *e)
{
	return hv->ops->set_paging_pool(hv, domid, bytes, e);
}
static inline int hv_set_tsc_info(struct hv *hv, uint32_t domid, uint32_t mode,
				  struct xb_err *e)
{
	return hv->ops->set_tsc_info(hv, domid, mode, e);
}
static inline int hv_set_cpuid(struct hv *hv, uint32_t domid,
			       const struct hv_cpuid *ov, unsigned n,
			       struct xb_err *e)
{
	return hv->ops->set_cpuid(hv, domid, ov, n, e);
}
static inline int hv_populate_range(struct hv *hv, uint32_t domid, uint64_t pfn,
				    uint64_t n, struct xb_err *e)
{
	return hv->ops->populate_range(hv, domid, pfn, n, e);
}
static inline int hv_set_memory_map(struct hv *hv, uint32_t domid,
				    const struct hv_e820 *map, unsigned n,
				    struct xb_err *e)
{
	return hv->ops->set_memory_map(hv, domid, map, n, e);
}
static inline int hv_set_hvm_param(struct hv *hv, uint32_t domid,
				   uint32_t param, uint64_t value,
				   struct xb_err *e)
{
	return hv->ops->set_hvm_param(hv, domid, param, value, e);
}
static inline int hv_set_hvm_vcpu(struct hv *hv, uint32_t domid,
				  const struct hv_hvm_vcpu *v, struct xb_err *e)
{
	return hv->ops->set_hvm_vcpu(hv, domid, v, e);
}
static inline int hv_seed_grants_gfn(struct hv *hv, uint32_t domid,
				     uint64_t console_gfn,
				     uint32_t console_domid, uint64_t store_gfn,
				     uint32_t store_domid, struct xb_err *e)
{
	return hv->ops->seed_grants_gfn(hv, domid, console_gfn, console_domid,
					store_gfn, store_domid, e);
}
static inline void hv_close(struct hv *hv)
{
	hv->ops->close(hv);
}

#endif
