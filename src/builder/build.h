/*
 * build.h - struct dom, the one explicit state of a build, and the build
 * steps.  main() in src/cli reads as the boot sequence:
 *   cfg -> dom_load() -> dom_plan() -> dom_create() -> dom_build() ->
 *   dom_xenstore()/dom_start()
 * Every step after dom_create() that fails leaves the domain for
 * dom_destroy() to remove (the CLI calls it on every error path).
 */
#ifndef XB_BUILD_H
#define XB_BUILD_H

#include <signal.h>

#include "../config.h"
#include "../hv/hv.h"
#include "layout.h"

struct dom {
	const struct dom_config *cfg;

	/* inputs */
	uint8_t *kernel_file;	/* file bytes (kernel.elf may point here) */
	size_t kernel_file_len;
	struct kernel_image kernel;
	uint8_t *initrd;	/* bytes to load (decompressed when asked) */
	size_t initrd_len;
	uint64_t initrd_file_len;
	char initrd_format[16];	/* "none", "gzip", ... */

	struct layout layout;

	/* hypervisor */
	struct hv *hv;		/* the backend */
	uint32_t domid;
	uint8_t uuid[16];	/* given in the config or made at create */
	bool created;		/* a domain exists that dom_destroy must remove */
	bool destroyed;		/* dom_destroy removed it */
	uint64_t *p2m;		/* pfn -> mfn, nr_pages entries */
	uint64_t shared_info_mfn;
	uint32_t store_domid, console_domid;
	uint32_t store_evtchn, console_evtchn;
	uint64_t store_mfn, console_mfn;

	bool xs_written;	/* dom_run wrote xenstore keys */
	/* Set asynchronously (a signal) to stop the build between steps;
	 * the step that sees it fails with "interrupted". May be NULL. */
	volatile sig_atomic_t *stop;

	/* test-only: corrupt one page-table entry before pinning */
	bool test_bad_pte;

	struct xb_err err;
};

void dom_init(struct dom *d, const struct dom_config *cfg);
void dom_free(struct dom *d);	/* host memory only; not the domain */

/* Read and parse the kernel and initrd named by the config. */
int dom_load(struct dom *d);
/* Compute the layout (pure). */
int dom_plan(struct dom *d);
/* -XB_EHV unless the hypervisor runs this guest type (xen_caps). */
int dom_check_caps(struct dom *d);
/* Create the domain (PV, vCPUs, max memory); checks the caps first. */
int dom_create(struct dom *d);
/* Populate, load, write p2m, start_info, page tables, pin, shared info,
 * vCPU context, grants.  Needs domid, store/console evtchns and domids. */
int dom_build(struct dom *d);
/* -XB_EINTERNAL "interrupted by signal N" once *d->stop is set. */
int dom_check_stop(struct dom *d);
/* Destroy the domain if one was created. */
void dom_destroy(struct dom *d);

/*
 * What `xbuild run` does in a toolstack's place: read the xenstored and
 * xenconsoled domids, create the domain, allocate the store and console
 * event channels, build, write the xenstore keys of DESIGN.md, introduce
 * the domain to xenstored and unpause it (unless paused).  On failure
 * everything written to xenstore is removed and the domain destroyed.
 */
int dom_run(struct dom *d, bool paused);

/* Remove the xenstore keys dom_run wrote (best effort). */
void dom_xs_cleanup(struct dom *d);

#endif
