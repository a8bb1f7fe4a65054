/*
 * hv_xen.h - opening the real backend (hv_xen.c: Xen 4.17 through
 * libxenctrl, libxenforeignmemory, libxenguest and libxenstore).  Once
 * open it is used through the hv_*() calls of hv.h.
 */
#ifndef XB_HV_XEN_H
#define XB_HV_XEN_H

#include "hv.h"

/*
 * Tracing.  The backend never prints: with trace > 0 and log set, each
 * line goes to log(log_ctx, line), one call per line, without a newline
 * or any prefix; the line is only valid during the call.
 *   trace 0  nothing
 *   trace 1  one line per operation (failures start "FAILED "), and
 *            libxc's warnings and errors ("context: level: message")
 *   trace 2  also libxc's detail messages
 * The populate line reads "populate(dom N, P pages): a x 1 GiB, b x 2 MiB,
 * c x 4 KiB" (the e2e harness reads it), followed by " (in a thread)"
 * when a second thread populated while the builder went on.
 */
struct hv_xen_opts {
	int trace;
	void (*log)(void *ctx, const char *line);
	void *log_ctx;
	/* Pages per foreign mapping (hv.h map_chunk); 0: 16384 (64 MiB).
	 * Small values let a test drive the piecewise mapping on real Xen. */
	size_t map_chunk;
	/* xenstored's socket or the xenbus device (XENSTORED_PATH, as
	 * libxenstore reads it); NULL: /var/run/xenstored/socket, then
	 * /dev/xen/xenbus. */
	const char *xs_path;
	/* Populate a PV domain in a second thread while the builder decodes
	 * (hv_populate): 0 when dom0 has more than one CPU, > 0 always,
	 * < 0 never. */
	int populate_thread;
};

/*
 * Open the real backend.  o may be NULL (no tracing); it is copied.
 * Returns 0 with *hv set, or -XB_EHV with a clear message and *hv NULL
 * when no Xen is reachable (no /dev/xen/privcmd) or it cannot be used,
 * -XB_EINTERNAL when out of memory.  Close with hv_close().
 */
int hv_xen_open(const struct hv_xen_opts *o, struct hv **hv, struct xb_err *e);

#endif
