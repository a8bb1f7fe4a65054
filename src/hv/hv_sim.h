/*
 * hv_sim.h - opening the simulated hypervisor (src/hv/sim*.c), for `xbuild
 * plan` and tests.  Once open it is used through the hv_*() calls of hv.h
 * like the real backend; tests look inside it with sim_inspect.h.
 */
#ifndef XB_HV_SIM_H
#define XB_HV_SIM_H

#include "hv.h"

/* Options of the simulated hypervisor. */
struct hv_sim_opts {
	uint64_t max_pages; /* refuse populate beyond this; 0 = no limit */
	int fail_call; /* fault injection: fail the k-th call (1-based), 0 = never */
	const char *fail_op; /* fault injection: fail the first call of this op */
	/*
	 * Lean mode, for `xbuild plan`: host memory stays bounded whatever
	 * the guest's size.  What the builder writes through HV_MAP_DATA
	 * mappings (kernel, initrd, p2m list) is dropped - hv_sim_frame()
	 * returns NULL for those frames and a pin that reaches one fails -;
	 * everything else is kept, page tables compressed.  Off: every
	 * written frame is kept as it is (the build tests walk the guest).
	 */
	bool lean;
	size_t map_chunk; /* hv.h map_chunk; 0: 16384 pages, lean 256 */
	/*
	 * What the simulated guest does once unpaused, one word per boot,
	 * comma-separated (the last repeats): poweroff, reboot, suspend,
	 * crash, watchdog, soft_reset (it shuts down so, seen by the next
	 * wait_domains), run (it runs and powers off when asked through
	 * control/shutdown = "poweroff"), deaf (it runs and ignores that),
	 * vanish (it is destroyed by someone else).  NULL or "": run.
	 */
	const char *guest;
};
int hv_sim_open(const struct hv_sim_opts *o, struct hv **hv, struct xb_err *e);

#endif
