/*
 * build.h - struct dom, the one explicit state of a build, and the build
 * steps.  Each command in src/cli calls the steps it needs, in order:
 *
 *   dom_init()            the config (struct dom_config, src/config.h)
 *   dom_load()            kernel and initrd bytes -> kernel image, initrd
 *   dom_plan()            the layout (pure, no hypervisor)
 *   -- hypervisor from here (d->hv, opened by the caller) --
 *   dom_find_backends()   xenstored's and xenconsoled's domids
 *   dom_mark()            the mark of the domain about to be created,
 *                         under its UUID, before it exists
 *   dom_create()          the domain (checks xen_caps first)
 *   dom_claim_name()      the name, and the mark of a domain under
 *                         construction, in one xenstore transaction
 *   dom_alloc_evtchns()   store and console event channels
 *   dom_build()           memory, kernel, initrd, p2m, start_info, page
 *                         tables, shared info, vCPU 0, grants
 *   dom_write_xenstore()  the keys a toolstack writes (DESIGN.md)
 *   dom_introduce()       xs_introduce_domain
 *   dom_unpause()
 *   dom_handover()        the mark removed: the domain is finished
 *
 * Every step returns 0 or a negative exit class with the message on d->err,
 * and first checks *d->stop (a signal asked to stop).  After a failure past
 * dom_create(), dom_abort() removes what was written and the domain.
 */
#ifndef XB_BUILD_H
#define XB_BUILD_H

#include <signal.h>

#include "../config.h"
#include "../hv/hv.h"
#include "layout.h"
#include "pvh.h"

/* The mark of a domain under construction, below /local/domain/N once it
 * has its name, and before that under XB_PENDING_DIR/UUID. */
#define XB_MARK_KEY "xbuild/builder"
#define XB_PENDING_DIR "/tool/xbuild/building"

/* Bytes of one input file, read or mapped by the caller, who keeps them
 * valid until dom_free(); name is used in messages. */
struct dom_input {
	const char *name;
	const uint8_t *buf;
	size_t len;
};

struct dom {
	const struct dom_config *cfg;

	/* inputs */
	struct kernel_image kernel; /* may point into the kernel's bytes */
	bool has_initrd;
	const uint8_t *initrd; /* bytes to load */
	size_t initrd_len;
	uint8_t *initrd_owned; /* decompressed copy, or NULL */
	/* A compressed initrd decoded straight into guest memory by
	 * dom_build (with a streamed kernel): initrd is the file's bytes,
	 * initrd_len its length until then. */
	bool initrd_streamed;
	const struct dc_format *initrd_fmt;
	uint64_t initrd_file_len;
	char initrd_format
		[XB_INITRD_FORMAT_MAX]; /* "none", "gzip", "cpio+zstd", ... */

	/* Set by the caller before dom_load: decode a compressed kernel
	 * straight into guest memory in dom_build (kernel_stream_open), not
	 * into host memory in dom_load.  Its notes, and so the layout, are
	 * then known only in dom_build, after the domain exists. */
	bool stream;
	bool kernel_streamed; /* dom_load left the decoding to dom_build */
	uint64_t kernel_spec_pfn; /* where dom_build decodes it (dom_plan) */

	struct layout layout;
	const struct guest_params *gp; /* the guest kind, from the kernel */

	/* hypervisor */
	struct hv *hv; /* the backend, opened by the caller */
	uint32_t domid;
	uint8_t uuid[16]; /* given in the config or made at create */
	bool has_uuid; /* uuid chosen (dom_choose_uuid) */
	bool pending_mark; /* XB_PENDING_DIR/UUID written */
	bool created; /* a domain exists that dom_abort must remove */
	bool destroyed; /* dom_abort removed it */
	bool xs_written; /* dom_write_xenstore wrote keys */
	/* pfn -> mfn: the backend's (hv_mfns), never a host array here */
	uint64_t shared_info_mfn;
	uint32_t store_domid, console_domid;
	uint32_t store_evtchn, console_evtchn;
	uint64_t store_mfn, console_mfn;

	/* What dom_build wrote into the guest, for callers to report. */
	struct dom_start_info si;
	struct hv_vcpu vcpu;

	/* PVH (cfg->type XB_DOM_PVH): the layout instead of d->layout, the
	 * ACPI tables and RSDP to load (acpi NULL: none), and what
	 * dom_build chose and wrote (store_mfn/console_mfn hold gfns). */
	struct pvh_layout pvh;
	const uint8_t *acpi;
	uint64_t acpi_len;
	uint8_t *acpi_owned; /* malloc'd by dom_plan, freed by dom_free */
	uint8_t acpi_rsdp[36];
	bool pvh_hap;
	uint64_t pvh_paging_pool; /* bytes */
	struct hv_hvm_vcpu hvm_vcpu;

	/* Who builds the domain ("pid START BOOT_ID", see xbuild gc), kept
	 * under XB_MARK_KEY while it is under construction; NULL: no mark. */
	const char *mark;

	/* Called as each part of dom_build ends ("populate", "load",
	 * "p2m", "page tables", "start info", "pin", "vcpu"), for callers
	 * that time them; NULL: nobody asks. */
	void (*phase)(void *ctx, const char *name);
	void *phase_ctx;

	/* Set asynchronously (a signal) to stop the build between steps;
	 * the step that sees it fails with "interrupted". May be NULL. */
	volatile sig_atomic_t *stop;

	/* Tests only (the CLI offers it in test builds): corrupt one
	 * page-table entry before pinning, which Xen must refuse. */
	bool test_bad_pte;

	struct xb_err err;
};

void dom_init(struct dom *d, const struct dom_config *cfg);
void dom_free(struct dom *d); /* host memory only; not the domain */

/* Parse the kernel and take the initrd (initrd NULL: none), decompressing
 * it when the config asks to. */
int dom_load(struct dom *d, const struct dom_input *kernel,
	     const struct dom_input *initrd);
/* Compute the layout (pure).  For a kernel dom_build will decode
 * (kernel_streamed), only the guest size and the pfn the kernel is
 * decoded at: the pfn the layout gives the kernel when its notes follow
 * the usual rule (p_paddr is the offset from VIRT_BASE, no PADDR_OFFSET);
 * dom_build computes the layout once the notes are decoded, and moves the
 * kernel within guest memory if they say otherwise. */
int dom_plan(struct dom *d);

/* Take the config's name for the created domain (-XB_EINPUT when another
 * domain carries it) and write d->mark, if set, under XB_MARK_KEY. */
int dom_claim_name(struct dom *d);
/* Remove the mark: the domain is handed over. */
int dom_handover(struct dom *d);
/* store_domid and console_domid from /tool/{xenstored,xenconsoled}/domid
 * (0 when absent). */
int dom_find_backends(struct dom *d);
/* The config's UUID, or a random (version 4) one; once. */
int dom_choose_uuid(struct dom *d);
/* Write d->mark (if set) under XB_PENDING_DIR/UUID, so that a build
 * killed between creation and the name's claim is found by its UUID. */
int dom_mark(struct dom *d);
/* -XB_EHV unless the hypervisor runs this guest kind (xen_caps). */
int dom_check_caps(struct dom *d);
/* Create the domain (vCPUs, max memory); checks the caps first. */
int dom_create(struct dom *d);
int dom_alloc_evtchns(struct dom *d);
/* Populate, load, write p2m, start_info, page tables, pin, shared info,
 * vCPU context, grants.  Needs domid, store/console evtchns and domids. */
int dom_build(struct dom *d);
int dom_write_xenstore(struct dom *d);
/* dom_plan and dom_build of a PVH guest (pvh_build.c); dom_plan and
 * dom_build call them for cfg->type XB_DOM_PVH. */
int dom_plan_pvh(struct dom *d);
int dom_build_pvh(struct dom *d);
int dom_introduce(struct dom *d);
int dom_unpause(struct dom *d);
/* -XB_EINTERNAL "interrupted by signal N" once *d->stop is set. */
int dom_check_stop(struct dom *d);
/* Remove the xenstore keys written and destroy the domain if one was
 * created (best effort; d->err keeps the first failure). */
void dom_abort(struct dom *d);

/* ---- a finished domain's life (run -F) ---- */

/* Ask the guest to power off, as `xl shutdown` does: control/shutdown =
 * "poweroff", which a PV guest watches. */
int dom_request_shutdown(struct dom *d);
/* Remove the domain's xenstore keys (/local/domain/N, /vm/UUID) and
 * destroy it, as `xl destroy`; the first failure is on d->err. */
int dom_destroy(struct dom *d);
/*
 * Keep the domain (shut down) under another name, as xl's rename-restart
 * does before it builds the config again (libxl_domain_preserve): in one
 * xenstore transaction, name = NAME + suffix (-XB_EHV when another domain
 * has that name) and a fresh /vm/UUID (uuid, name) for it.  Xen's handle
 * of the domain becomes uuid as well (xl leaves it: two domains would
 * share one, which `xbuild gc`'s search by UUID must not meet).  The
 * domain is no longer d's to remove afterwards (d->created false).
 */
int dom_preserve(struct dom *d, const char *suffix, const uint8_t uuid[16]);

/*
 * Garbage collection of builds that died (SIGKILL, the OOM killer): every
 * domain whose mark gone() judges orphaned loses its xenstore keys and is
 * destroyed.  Their count goes to *n, the first max domids to ids.
 */
int dom_reap(struct hv *hv, bool (*gone)(const char *mark, void *ctx),
	     void *ctx, uint32_t *ids, unsigned max, unsigned *n,
	     struct xb_err *e);

#endif
