/*
 * hv_xen.c - the real hypervisor backend: Xen 4.17 through libxenctrl,
 * libxenforeignmemory, libxenguest (grant seeding only), libxenstore (the
 * @releaseDomain watch, introduce) and xs_pipe.c (every other xenstore
 * request).  The only file in xbuild that includes the Xen library headers.
 *
 * Every failure records "operation(dom N, details): errno text" and, when
 * libxc logged an error during the call, "(libxc: its message)".  Nothing is
 * printed and the environment is not read: with tracing asked for in
 * struct hv_xen_opts (hv_xen.h), one line per operation, and libxc's
 * warnings and errors (at trace 2 also its details), go to the caller's
 * log callback.
 *
 * Facts used here come from Xen's public headers: xen/domctl.h
 * (createdomain, max_vcpus, set_address_size, hypercall_init),
 * xen/memory.h (populate_physmap: for a PV guest the extent list carries
 * pfns in and the first mfn of each extent out), xen/xen.h (mmuext_op),
 * xen/foreign/x86_{32,64}.h (vCPU context layouts, cr3 encodings).
 */
#include "hv_xen.h"
#include "hv_perms.h"
#include "xs_pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * The Xen public headers need GNU C (anonymous unions in the register
 * layouts, aligned(8) on 64-bit fields; xen/hvm/save.h refuses to compile
 * otherwise), and xbuild builds with -std=c11, which defines
 * __STRICT_ANSI__.  GCC and clang implement the extensions in either mode;
 * the macro only tells headers not to use them.  Drop it for the Xen
 * headers alone: every libc header this file uses is already included.
 */
#undef __STRICT_ANSI__
#include <xenctrl.h>
#include <xenforeignmemory.h>
#include <xenguest.h>
#include <xenstore.h>
#include <xen/hvm/save.h>

/* Our pfn/mfn arrays are handed to libxc as xen_pfn_t arrays. */
_Static_assert(sizeof(xen_pfn_t) == sizeof(uint64_t),
	       "xen_pfn_t must be 64 bits (x86_64 host)");

#define PRIVCMD_DEV "/dev/xen/privcmd"
#define PRIVCMD_PROC "/proc/xen/privcmd" /* xenfs, used by libxencall too */

/*
 * libxl raises a domain's maxmem by LIBXL_MAXMEM_CONSTANT (1 MiB) above the
 * configured memory: the hypervisor charges a few pages that are not guest
 * RAM (e.g. for the grant table and vCPU state) against the same limit, and
 * a domain built at exactly maxmem cannot balloon even one page back.  We
 * add the same slack so that a domain built by xbuild has the limit xl gives.
 */
#define HV_XEN_MAXMEM_SLACK_KB 1024

/* Extents per populate_physmap call (2 MiB of extent list). */
#define POPULATE_BATCH (1UL << 18)

/* Pages per foreign mapping the builder asks for (hv.h map_chunk): 64 MiB,
 * as every xenforeignmemory_map is a costly call. */
#define XEN_MAP_CHUNK 16384

/* Defaults when struct hv_create leaves a limit 0, as libxl does. */
#define DEFAULT_MAX_EVTCHN_PORT 1023 /* libxl: event_channels = 1023 */

/*
 * A quiet xentoollog logger: libxc would otherwise print its own errors on
 * stderr.  It keeps the last error-level message of the current call so the
 * recorded error can quote it, and hands messages to the trace.
 */
struct hv_log {
	xentoollog_logger vtable; /* first: libxc calls us through it */
	const struct hv_xen_opts *o; /* the trace settings of struct xen */
	char last[256];
};

/* A range of gfns an HVM container has populated. */
struct xen_gfns {
	uint64_t pfn, n;
};

/* The pfn -> mfn table of a domain this backend populated; for an HVM
 * container (hvm) the populated gfn ranges instead, since the builder
 * names its frames by gfn. */
struct xen_p2m {
	uint32_t domid;
	uint64_t nr_pages;
	uint64_t *mfn; /* nr_pages entries */
	/* The populate thread, NULL once joined (or if there was none); the
	 * pfns [0, ready) known populated without asking it. */
	struct xen_fill *fill;
	uint64_t ready;
	bool hvm;
	struct xen_gfns *rng;
	size_t nrng;
};

struct xen {
	struct hv hv; /* first: the interface view of this state */
	xc_interface *xch;
	xenforeignmemory_handle *fmem;
	struct xs_handle *xsh; /* opened on the first xs_* call */
	struct xs_pipe xp; /* reads, writes, transactions (xs_pipe.h) */
	uint32_t tx; /* the open transaction's id, 0 outside one */
	bool watching; /* the @releaseDomain watch is set (wait_domains) */
	struct hv_log log;
	struct hv_xen_opts o; /* trace level and callback (hv_xen.h) */
	/* The domains populated through this handle (usually one). */
	struct xen_p2m *p2m;
	size_t np2m;
};

static struct xen *xen_of(struct hv *hv)
{
	return (struct xen *)hv;
}

static const unsigned populate_orders[3] = { 18, 9, 0 };

/* "a x 1 GiB, b x 2 MiB, c x 4 KiB": extents of populate_orders (the
 * populate trace line, hv_xen.h). */
static const char *extents_text(char *buf, size_t len, const uint64_t n[3])
{
	snprintf(buf, len,
		 "%" PRIu64 " x 1 GiB, %" PRIu64 " x 2 MiB, %" PRIu64
		 " x 4 KiB",
		 n[0], n[1], n[2]);
	return buf;
}

/* The trace is on at level >= min (and there is somewhere to send it). */
static bool tracing(const struct hv_xen_opts *o, int min)
{
	return o && o->log && o->trace >= min;
}

/* One trace line to the caller's callback; formatted in full even when
 * long (xenstore values), truncated only if memory runs out.  errno is
 * kept: libxc logs from inside calls whose errno the caller reads next. */
__attribute__((format(printf, 2, 3))) static void
trace_to(const struct hv_xen_opts *o, const char *fmt, ...)
{
	char buf[512], *big = NULL;
	int n, saved_errno = errno;
	va_list ap;

	if (!tracing(o, 1))
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0) {
		errno = saved_errno;
		return;
	}
	if ((size_t)n >= sizeof(buf) && (big = malloc((size_t)n + 1))) {
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	o->log(o->log_ctx, big ? big : buf);
	free(big);
	errno = saved_errno;
}

__attribute__((format(printf, 5, 0))) static void
log_vmessage(xentoollog_logger *logger, xentoollog_level level, int errnoval,
	     const char *context, const char *fmt, va_list al)
{
	struct hv_log *lg = (struct hv_log *)logger;
	char msg[sizeof(lg->last)];
	size_t len;

	(void)errnoval; /* our own message carries errno */
	vsnprintf(msg, sizeof(msg), fmt, al);
	len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	if (level >= XTL_ERROR)
		memcpy(lg->last, msg, sizeof(lg->last));
	if (tracing(lg->o, 2) || (tracing(lg->o, 1) && level >= XTL_WARN))
		trace_to(lg->o, "%s: %s: %s", context ? context : "xc",
			 xtl_level_to_string(level), msg);
}

static void log_progress(xentoollog_logger *logger, const char *context,
			 const char *doing_what, int percent,
			 unsigned long done, unsigned long total)
{
	(void)logger;
	(void)context;
	(void)doing_what;
	(void)percent;
	(void)done;
	(void)total;
}

static void log_destroy(xentoollog_logger *logger)
{
	(void)logger; /* embedded in struct xen, freed with it */
}

/* trace(h, fmt, ...): one trace line of this backend. */
#define trace(h, ...) trace_to(&(h)->o, __VA_ARGS__)

/* Start of a library call through the handle that logs to lg: forget
 * libxc's previous message. */
static void log_begin(struct hv_log *lg)
{
	lg->last[0] = '\0';
	errno = 0;
}

static void call_begin(struct xen *h)
{
	log_begin(&h->log);
}

/*
 * Record "<what>: <strerror(err)>" (+ the message libxc logged to lg) as
 * -XB_EHV.  err is the errno saved right after the failing call.
 */
__attribute__((format(printf, 4, 5))) static int
log_fail(const struct hv_log *lg, struct xb_err *e, int err, const char *fmt,
	 ...)
{
	char what[512];
	const char *why = err ? strerror(err) : "failed (no error code)";
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (lg->last[0])
		rc = xb_fail(e, XB_EHV, "%s: %s (libxc: %s)", what, why,
			     lg->last);
	else
		rc = xb_fail(e, XB_EHV, "%s: %s", what, why);
	trace_to(lg->o, "FAILED %s: %s", what, why);
	return rc;
}

/* fail_errno(h, e, err, fmt, ...): log_fail for a call through h->xch. */
#define fail_errno(h, e, err, ...) log_fail(&(h)->log, e, err, __VA_ARGS__)

static int domctl_simple(struct xen *h, struct xen_domctl *d)
{
	d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	return xc_domctl(h->xch, d);
}

/* ---- domains ------------------------------------------------------------ */

/* sysctl physinfo's XEN_SYSCTL_PHYSCAP_* bits; 0 when it fails. */
static uint32_t physcaps(struct xen *h)
{
	xc_physinfo_t info;

	memset(&info, 0, sizeof(info));
	call_begin(h);
	if (xc_physinfo(h->xch, &info) < 0)
		return 0;
	return info.capabilities;
}

static int xen_domain_create(struct hv *hv, const struct hv_create *c,
			     uint32_t *domid, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct xen_domctl_createdomain cfg;
	struct xen_domctl dc;
	uint32_t id = 0; /* 0: let Xen pick a free domid */
	unsigned addr_bits = c->pae ? 32 : 64;
	uint32_t caps;
	unsigned ver;
	int err;

	if (c->max_grant_frames > INT32_MAX ||
	    c->max_maptrack_frames > INT32_MAX)
		return xb_fail(
			e, XB_EINTERNAL,
			"xc_domain_create: grant limits out of range (%" PRIu32
			", %" PRIu32 ")",
			c->max_grant_frames, c->max_maptrack_frames);

	memset(&cfg, 0, sizeof(cfg));
	/*
	 * A PV guest: no CDF_hvm/hap, no IOMMU (no passthrough), no
	 * emulated devices (x86 PV must have emulation_flags 0).  An HVM
	 * container for PVH: CDF_hvm, CDF_hap when the hardware offers it
	 * (sysctl physinfo XEN_SYSCTL_PHYSCAP_hap; shadow paging
	 * otherwise), and of the emulated devices only the local APIC, as
	 * libxl does for PVH (xen/arch-x86/xen.h XEN_X86_EMU_LAPIC).
	 */
	caps = physcaps(h);
	cfg.flags = 0;
	if (c->hvm) {
		cfg.flags = XEN_DOMCTL_CDF_hvm;
		if (caps & XEN_SYSCTL_PHYSCAP_hap)
			cfg.flags |= XEN_DOMCTL_CDF_hap;
		else if (caps && !(caps & XEN_SYSCTL_PHYSCAP_shadow))
			return xb_fail(e, XB_EHV,
				       "this Xen offers neither HAP nor shadow "
				       "paging (sysctl physinfo), one of which "
				       "a PVH guest needs");
	}
	cfg.ssidref = 0;
	memcpy(cfg.handle, c->uuid, sizeof(cfg.handle));
	cfg.max_vcpus = c->max_vcpus;
	cfg.max_evtchn_port = c->max_evtchn_port ? c->max_evtchn_port :
						   DEFAULT_MAX_EVTCHN_PORT;
	/* < 0 means "the hypervisor's default" (domctl.h); 0 asks for it. */
	cfg.max_grant_frames =
		c->max_grant_frames ? (int32_t)c->max_grant_frames : -1;
	cfg.max_maptrack_frames =
		c->max_maptrack_frames ? (int32_t)c->max_maptrack_frames : -1;
	/*
	 * The highest grant-table version the guest may switch to: as xl,
	 * by default the highest this Xen offers (sysctl physinfo's
	 * XEN_SYSCTL_PHYSCAP_gnttab_v*).  Tables start as version 1, which
	 * is what xc_dom_gnttab_seed writes.
	 */
	ver = c->max_grant_version;
	if (!ver)
		ver = caps & XEN_SYSCTL_PHYSCAP_gnttab_v2 ? 2 : 1;
	cfg.grant_opts = XEN_DOMCTL_GRANT_version(ver);
	cfg.arch.emulation_flags = c->hvm ? XEN_X86_EMU_LAPIC : 0;

	call_begin(h);
	if (xc_domain_create(h->xch, &id, &cfg) < 0)
		return fail_errno(h, e, errno,
				  "xc_domain_create(%s, %" PRIu32 " vCPUs)",
				  c->hvm ? "HVM container" : "PV",
				  c->max_vcpus);
	trace(h,
	      "xc_domain_create -> dom %" PRIu32 " (%s%s, %" PRIu32
	      " vCPUs, evtchn port max %" PRIu32 ", grant frames %" PRId32
	      ", maptrack frames %" PRId32 ", grant version <= %u)",
	      id, c->hvm ? "HVM" : "PV",
	      c->hvm ? (cfg.flags & XEN_DOMCTL_CDF_hap ? " HAP" : " shadow") :
	      c->pae ? " PAE" :
		       "",
	      c->max_vcpus, cfg.max_evtchn_port, cfg.max_grant_frames,
	      cfg.max_maptrack_frames,
	      (unsigned)XEN_DOMCTL_GRANT_version(cfg.grant_opts));

	/*
	 * domctl.h: XEN_DOMCTL_max_vcpus "is still required in the short
	 * term to allocate the vcpus themselves", with the same count.
	 */
	call_begin(h);
	if (xc_domain_max_vcpus(h->xch, id, c->max_vcpus) < 0) {
		err = errno;
		fail_errno(h, e, err,
			   "xc_domain_max_vcpus(dom %" PRIu32 ", %" PRIu32 ")",
			   id, c->max_vcpus);
		goto destroy;
	}
	if (c->hvm) {
		/* The container's gfn ranges, filled by populate_range. */
		struct xen_p2m *tab =
			realloc(h->p2m, (h->np2m + 1) * sizeof(*tab));

		if (!tab) {
			xb_fail(e, XB_EINTERNAL,
				"xc_domain_create: out of memory");
			goto destroy;
		}
		h->p2m = tab;
		h->p2m[h->np2m++] =
			(struct xen_p2m){ .domid = id, .hvm = true };
		trace(h, "dom %" PRIu32 ": %" PRIu32 " vCPUs", id,
		      c->max_vcpus);
		*domid = id;
		return 0;
	}
	/*
	 * A PV domain is 64-bit until told otherwise; PAE guests run in
	 * compat mode.  Set it either way, before any memory is populated.
	 */
	memset(&dc, 0, sizeof(dc));
	dc.cmd = XEN_DOMCTL_set_address_size;
	dc.domain = (domid_t)id;
	dc.u.address_size.size = addr_bits;
	call_begin(h);
	if (domctl_simple(h, &dc) < 0) {
		err = errno;
		fail_errno(h, e, err,
			   "XEN_DOMCTL_set_address_size(dom %" PRIu32
			   ", %u bits)%s",
			   id, addr_bits,
			   c->pae && err == EINVAL ?
				   " (this Xen may lack 32-bit PV support)" :
				   "");
		goto destroy;
	}
	trace(h, "dom %" PRIu32 ": %" PRIu32 " vCPUs, address size %u", id,
	      c->max_vcpus, addr_bits);
	*domid = id;
	return 0;

destroy:
	xc_domain_destroy(h->xch, id);
	return -XB_EHV;
}

static int xen_domain_by_uuid(struct hv *hv, const uint8_t uuid[16],
			      uint32_t *domid, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	xc_domaininfo_t info[64];
	uint32_t first = 0;
	int n;

	call_begin(h);
	while ((n = xc_domain_getinfolist(h->xch, first, XB_ARRAY_SIZE(info),
					  info)) > 0) {
		for (int i = 0; i < n; i++)
			if (!memcmp(info[i].handle, uuid, 16)) {
				*domid = info[i].domain;
				trace(h, "domain_by_uuid: dom %" PRIu32,
				      *domid);
				return 0;
			}
		first = info[n - 1].domain + 1;
	}
	if (n < 0)
		return fail_errno(h, e, errno, "xc_domain_getinfolist");
	trace(h, "domain_by_uuid: none");
	return -XB_EHV; /* hv.h: e unset */
}

static int xen_set_max_mem(struct hv *hv, uint32_t domid, uint64_t kb,
			   struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	uint64_t max;

	if (xb_add_ovf(kb, (uint64_t)HV_XEN_MAXMEM_SLACK_KB, &max) ||
	    max > ULONG_MAX)
		return xb_fail(e, XB_EINTERNAL,
			       "xc_domain_setmaxmem(dom %" PRIu32 "): %" PRIu64
			       " KiB out of range",
			       domid, kb);
	call_begin(h);
	if (xc_domain_setmaxmem(h->xch, domid, max) < 0)
		return fail_errno(h, e, errno,
				  "xc_domain_setmaxmem(dom %" PRIu32
				  ", %" PRIu64 " KiB)",
				  domid, max);
	trace(h,
	      "xc_domain_setmaxmem(dom %" PRIu32 ", %" PRIu64 " KiB = %" PRIu64
	      " + %d slack)",
	      domid, max, kb, HV_XEN_MAXMEM_SLACK_KB);
	return 0;
}

static struct xen_p2m *p2m_of(struct xen *h, uint32_t domid)
{
	for (size_t i = 0; i < h->np2m; i++)
		if (h->p2m[i].domid == domid)
			return &h->p2m[i];
	return NULL;
}

/* gfns [pfn, pfn + n) all populated in the HVM container p. */
static bool gfns_populated(const struct xen_p2m *p, uint64_t pfn, uint64_t n)
{
	while (n) {
		size_t i;

		for (i = 0; i < p->nrng; i++)
			if (pfn >= p->rng[i].pfn &&
			    pfn - p->rng[i].pfn < p->rng[i].n)
				break;
		if (i == p->nrng)
			return false;
		uint64_t left = p->rng[i].n - (pfn - p->rng[i].pfn);

		if (left >= n)
			return true;
		pfn += left;
		n -= left;
	}
	return true;
}

/*
 * One populate of pfns [0, nr_pages) of a PV domain (populate_into), run by
 * the caller or, when the builder may go on decoding meanwhile, by a second
 * thread (xen_populate).  The thread has a libxc handle and logger of its
 * own, so that libxc's last message (log_fail) is its own; it publishes how
 * far it got in done, and every call that names pfns waits there
 * (p2m_range).
 */
struct xen_fill {
	const struct hv_xen_opts *o; /* the handle's trace settings */
	xc_interface *xch; /* the handle's, or the thread's own */
	struct hv_log *log; /* where xch logs: the handle's, or own_log */
	struct hv_log own_log;
	uint32_t domid;
	uint64_t nr_pages, *mfns;
	uint64_t populated[3]; /* extents of order 18, 9, 0 */
	bool threaded;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Under lock once threaded: */
	uint64_t done; /* pfns [0, done) populated: their mfns are final */
	bool ended, stop;
	struct xb_err err; /* code 0 unless the populate failed */
};

/* The first call of a threaded populate covers 8 MiB (where Linux's
 * kernel starts: its bytes wait on it), each next one twice as much, up to
 * 256 MiB: few calls, and the builder never waits long. */
#define FILL_FIRST 2048u
#define FILL_MAX 65536u

/* Record that pfns [0, pfn) are populated; false when the thread is to
 * stop (the domain is being destroyed). */
static bool fill_progress(struct xen_fill *f, uint64_t pfn)
{
	bool stop;

	if (!f->threaded)
		return true;
	pthread_mutex_lock(&f->lock);
	f->done = pfn;
	stop = f->stop;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	return !stop;
}

/* Populate pfns [0, f->nr_pages) into f->mfns: see xen_populate. */
static int populate_into(struct xen_fill *f, struct xb_err *e)
{
	const uint32_t domid = f->domid;
	const uint64_t nr_pages = f->nr_pages;
	uint64_t *mfns = f->mfns;
	uint64_t step = f->threaded ? FILL_FIRST : nr_pages;
	xen_pfn_t *ext = NULL;
	uint64_t pfn = 0;
	char stats[128];

	memset(f->populated, 0, sizeof(f->populated));
	/* A thread starts at 2 MiB: a first extent of 1 GiB, which Xen may
	 * have to scrub first, would hold up the kernel's pages for all of
	 * it (seen under QEMU: 3.6 s). */
	for (size_t k = f->threaded ? 1 : 0; k < XB_ARRAY_SIZE(populate_orders);
	     k++) {
		unsigned order = populate_orders[k];
		uint64_t per = 1ULL << order;

		while (nr_pages - pfn >= per) {
			uint64_t want = (nr_pages - pfn) >> order;
			uint64_t most = step >> order ? step >> order : 1;
			unsigned long count;
			xen_pfn_t *list;
			long done;

			if (want > most)
				want = most;
			count = want > POPULATE_BATCH ? POPULATE_BATCH :
							(unsigned long)want;
			if (order == 0) {
				/* In place: pfns in, mfns out. */
				list = (xen_pfn_t *)&mfns[pfn];
			} else {
				if (!ext && !(ext = malloc(POPULATE_BATCH *
							   sizeof(*ext))))
					return xb_fail(e, XB_EINTERNAL,
						       "populate(dom %" PRIu32
						       "): out of memory",
						       domid);
				list = ext;
			}
			for (unsigned long i = 0; i < count; i++)
				list[i] = pfn + ((uint64_t)i << order);

			log_begin(f->log);
			if (order == 0) {
				done = xc_domain_populate_physmap(f->xch, domid,
								  count, 0, 0,
								  list);
				if (done < 0) {
					int err = errno;

					free(ext);
					return log_fail(
						f->log, e, err,
						"xc_domain_populate_physmap(dom %" PRIu32
						", order 0, %lu pages at pfn 0x%" PRIx64
						")",
						domid, count, pfn);
				}
				if ((unsigned long)done < count) {
					free(ext);
					trace_to(
						f->o,
						"FAILED populate(dom %" PRIu32
						"): %ld of %lu pages at pfn 0x%" PRIx64,
						domid, done, count, pfn);
					return xb_fail(
						e, XB_EHV,
						"populate(dom %" PRIu32
						"): Xen gave %ld of the %lu pages asked for at pfn 0x%" PRIx64
						" (%" PRIu64
						" of the guest's %" PRIu64
						" populated): its free memory (`xl info`) or the domain's maxmem ran out",
						domid, done, count, pfn,
						pfn + (uint64_t)done, nr_pages);
				}
			} else {
				done = xc_domain_populate_physmap(f->xch, domid,
								  count, order,
								  0, list);
				if (done <= 0) {
					trace_to(f->o,
						 "dom %" PRIu32
						 ": order %u refused at pfn 0x%" PRIx64
						 " (%s); falling back",
						 domid, order, pfn,
						 done < 0 ? strerror(errno) :
							    "0 extents");
					break;
				}
				for (long i = 0; i < done; i++)
					for (uint64_t j = 0; j < per; j++)
						mfns[pfn +
						     ((uint64_t)i << order) +
						     j] = ext[i] + j;
			}
			f->populated[k] += (uint64_t)done;
			pfn += (uint64_t)done << order;
			if (!fill_progress(f, pfn)) {
				free(ext);
				return xb_fail(e, XB_EHV,
					       "populate(dom %" PRIu32
					       "): stopped at pfn 0x%" PRIx64
					       " (the domain is going away)",
					       domid, pfn);
			}
			if (step < FILL_MAX)
				step *= 2;
			if ((unsigned long)done < count) {
				trace_to(f->o,
					 "dom %" PRIu32
					 ": order %u: %ld of %lu extents; falling back",
					 domid, order, done, count);
				break;
			}
		}
	}
	free(ext);
	trace_to(f->o, "populate(dom %" PRIu32 ", %" PRIu64 " pages): %s%s",
		 domid, nr_pages,
		 extents_text(stats, sizeof(stats), f->populated),
		 f->threaded ? " (in a thread)" : "");
	return 0;
}

static void *fill_thread(void *arg)
{
	struct xen_fill *f = arg;
	struct xb_err e = { 0 };

	populate_into(f, &e); /* its error, if any, is e */
	pthread_mutex_lock(&f->lock);
	f->err = e;
	f->ended = true;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

/* Start populating in a thread; false (nothing started) when it cannot
 * be, and the caller populates itself. */
static bool fill_start(struct xen *h, struct xen_fill *f)
{
	sigset_t all, old;
	int rc;

	f->own_log = (struct hv_log){ .vtable = h->log.vtable, .o = &h->o };
	f->xch = xc_interface_open(&f->own_log.vtable, &f->own_log.vtable, 0);
	if (!f->xch)
		return false;
	f->log = &f->own_log;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	f->threaded = true;
	/* Signals stay the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&f->thread, NULL, fill_thread, f);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc == 0)
		return true;
	f->threaded = false;
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	xc_interface_close(f->xch);
	f->xch = h->xch;
	f->log = &h->log;
	return false;
}

/* Join p's populate thread, asking it to stop first unless it is done, and
 * free it: before its domain is destroyed or its table freed. */
static void fill_end(struct xen_p2m *p)
{
	struct xen_fill *f = p->fill;

	if (!f)
		return;
	pthread_mutex_lock(&f->lock);
	f->stop = true;
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	xc_interface_close(f->xch);
	free(f);
	p->fill = NULL;
}

/* Wait until pfns [0, upto) of p are populated: 0, or the error of the
 * populate thread that stopped short of them.  The thread is joined once
 * it has populated all. */
static int fill_wait(struct xen_p2m *p, uint64_t upto, struct xb_err *e)
{
	struct xen_fill *f = p->fill;
	int rc = 0;
	bool all;

	if (!f || upto <= p->ready)
		return 0;
	pthread_mutex_lock(&f->lock);
	while (f->done < upto && !f->ended)
		pthread_cond_wait(&f->cond, &f->lock);
	p->ready = f->done;
	if (f->done < upto)
		rc = xb_fail(e, f->err.code ? f->err.code : XB_EHV, "%s",
			     f->err.msg);
	all = f->done == p->nr_pages && f->ended;
	pthread_mutex_unlock(&f->lock);
	if (all)
		fill_end(p);
	return rc;
}

/* The table of domid, or NULL with e set when [pfn, pfn + n) is not in it
 * (or its populate, still running, failed before it). */
static struct xen_p2m *p2m_range(struct xen *h, uint32_t domid, uint64_t pfn,
				 uint64_t n, const char *op, struct xb_err *e)
{
	struct xen_p2m *p = p2m_of(h, domid);

	if (p && p->hvm && gfns_populated(p, pfn, n))
		return p;
	if (!p || p->hvm || !xb_range_ok(pfn, n, p->nr_pages)) {
		xb_fail(e, XB_EINTERNAL,
			"%s(dom %" PRIu32 "): pfns 0x%" PRIx64 "+%" PRIu64
			" outside the %" PRIu64 " populated",
			op, domid, pfn, n, p ? p->nr_pages : 0);
		return NULL;
	}
	if (fill_wait(p, pfn + n, e) < 0)
		return NULL;
	return p;
}

static void p2m_drop(struct xen *h, uint32_t domid)
{
	struct xen_p2m *p = p2m_of(h, domid);

	if (!p)
		return;
	fill_end(p);
	free(p->mfn);
	free(p->rng);
	*p = h->p2m[--h->np2m];
}

/* Populate in a thread: asked for (hv_xen_opts), or by default when dom0
 * has a second CPU to run it on and there is more than its first call to
 * do. */
static bool fill_threaded(const struct xen *h, uint64_t nr_pages)
{
	if (h->o.populate_thread)
		return h->o.populate_thread > 0;
	return nr_pages > FILL_FIRST && sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

/*
 * Populate pfns [0, nr) with 1 GiB extents where they fit, then 2 MiB, then
 * 4 KiB pages.  pfn always stays aligned to the current order because each
 * larger order only consumes whole extents from pfn 0.  An order the
 * hypervisor refuses (Xen caps a domU's extent order, 9 by default, and
 * may run out of contiguous memory) is dropped for the rest of the range;
 * order 0 must succeed.  The pfn -> mfn table stays here (xen_mfns,
 * xen_map_pfns) until the domain is destroyed or the handle closed.
 *
 * With a second CPU in dom0 the populate (in which Xen scrubs the pages)
 * runs in a thread, from pfn 0 up with 2 MiB extents at most, while the
 * builder decodes the kernel into the first pfns: each call that names
 * pfns waits until they are populated, and the one that needs them all
 * (the p2m list) finds the thread done, or its error.
 */
static int xen_populate(struct hv *hv, uint32_t domid, uint64_t nr_pages,
			struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct xen_fill *f;
	struct xen_p2m *tab;
	uint64_t *mfns;
	int rc;

	if (p2m_of(h, domid))
		return xb_fail(e, XB_EINTERNAL,
			       "populate(dom %" PRIu32
			       "): already populated (or an HVM container)",
			       domid);
	if (nr_pages == 0 || nr_pages > SIZE_MAX / sizeof(*mfns))
		return xb_fail(e, XB_EINTERNAL,
			       "populate(dom %" PRIu32 ", %" PRIu64
			       " pages): bad size",
			       domid, nr_pages);
	tab = realloc(h->p2m, (h->np2m + 1) * sizeof(*tab));
	if (!tab)
		return xb_fail(e, XB_EINTERNAL,
			       "populate(dom %" PRIu32 "): out of memory",
			       domid);
	h->p2m = tab;
	mfns = calloc(nr_pages, sizeof(*mfns));
	f = calloc(1, sizeof(*f));
	if (!mfns || !f) {
		free(mfns);
		free(f);
		return xb_fail(e, XB_EINTERNAL,
			       "out of memory for the p2m (%" PRIu64 " pages)",
			       nr_pages);
	}
	*f = (struct xen_fill){ .o = &h->o,
				.xch = h->xch,
				.log = &h->log,
				.domid = domid,
				.nr_pages = nr_pages,
				.mfns = mfns };
	if (fill_threaded(h, nr_pages) && fill_start(h, f)) {
		trace(h,
		      "populating dom %" PRIu32 " (%" PRIu64
		      " pages) in a thread",
		      domid, nr_pages);
		h->p2m[h->np2m++] = (struct xen_p2m){ .domid = domid,
						      .nr_pages = nr_pages,
						      .mfn = mfns,
						      .fill = f };
		return 0;
	}
	rc = populate_into(f, e);
	free(f);
	if (rc < 0) {
		free(mfns);
		return rc;
	}
	h->p2m[h->np2m++] = (struct xen_p2m){ .domid = domid,
					      .nr_pages = nr_pages,
					      .mfn = mfns,
					      .ready = nr_pages };
	return 0;
}

static int xen_mfns(struct hv *hv, uint32_t domid, uint64_t pfn, uint64_t n,
		    uint64_t *mfns, struct xb_err *e)
{
	const struct xen_p2m *p =
		p2m_range(xen_of(hv), domid, pfn, n, "mfns", e);

	if (!p)
		return -e->code;
	if (p->hvm) { /* an HVM container's frames are named by gfn */
		for (uint64_t i = 0; i < n; i++)
			mfns[i] = pfn + i;
		return 0;
	}
	memcpy(mfns, p->mfn + pfn, n * sizeof(*mfns));
	return 0;
}

/* Map n frames at addr (MAP_FIXED), or where the kernel chooses (addr
 * NULL). */
static void *xen_map_at(struct hv *hv, uint32_t domid, const uint64_t *mfns,
			size_t n, void *addr, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	int *errs;
	void *p;

	if (!n) {
		xb_fail(e, XB_EINTERNAL,
			"xenforeignmemory_map(dom %" PRIu32 "): 0 frames",
			domid);
		return NULL;
	}
	errs = calloc(n, sizeof(*errs));
	if (!errs) {
		xb_fail(e, XB_EINTERNAL,
			"xenforeignmemory_map(dom %" PRIu32
			", %zu frames): out of memory",
			domid, n);
		return NULL;
	}
	call_begin(h);
	p = xenforeignmemory_map2(h->fmem, domid, addr, PROT_READ | PROT_WRITE,
				  addr ? MAP_FIXED : 0, n,
				  (const xen_pfn_t *)mfns, errs);
	if (!p) {
		fail_errno(h, e, errno,
			   "xenforeignmemory_map(dom %" PRIu32
			   ", %zu frames, first mfn 0x%" PRIx64 ")",
			   domid, n, mfns[0]);
		free(errs);
		return NULL;
	}
	/* The mapping may succeed in part: each frame has its own result,
	 * an errno value (Linux' privcmd reports it negated). */
	for (size_t i = 0; i < n; i++) {
		if (errs[i]) {
			int err = errs[i] < 0 ? -errs[i] : errs[i];

			xenforeignmemory_unmap(h->fmem, p, n);
			fail_errno(h, e, err,
				   "xenforeignmemory_map(dom %" PRIu32
				   ", %zu frames): frame %zu (mfn 0x%" PRIx64
				   ")",
				   domid, n, i, mfns[i]);
			free(errs);
			return NULL;
		}
	}
	free(errs);
	trace(h,
	      "map(dom %" PRIu32 ", %zu frames, first mfn 0x%" PRIx64
	      ")%s = %p",
	      domid, n, mfns[0], addr ? " at the builder's address" : "", p);
	return p;
}

static void *xen_map(struct hv *hv, uint32_t domid, const uint64_t *mfns,
		     size_t n, struct xb_err *e)
{
	return xen_map_at(hv, domid, mfns, n, NULL, e);
}

/* pfns [pfn, pfn + n) at addr, or anywhere (NULL). */
static void *map_pfns_at(struct hv *hv, uint32_t domid, uint64_t pfn, size_t n,
			 void *addr, struct xb_err *e)
{
	const struct xen_p2m *p =
		p2m_range(xen_of(hv), domid, pfn, n, "map", e);

	if (p && p->hvm) {
		uint64_t *gfns = malloc(n * sizeof(*gfns));
		void *m;

		if (!gfns) {
			xb_fail(e, XB_EINTERNAL,
				"map(dom %" PRIu32 "): out of memory", domid);
			return NULL;
		}
		for (size_t i = 0; i < n; i++)
			gfns[i] = pfn + i;
		m = xen_map_at(hv, domid, gfns, n, addr, e);
		free(gfns);
		return m;
	}
	return p ? xen_map_at(hv, domid, p->mfn + pfn, n, addr, e) : NULL;
}

/* Xen has no use for the hint (hv.h): every mapping is the guest's memory. */
static void *xen_map_pfns(struct hv *hv, uint32_t domid, uint64_t pfn, size_t n,
			  enum hv_map_use use, struct xb_err *e)
{
	(void)use;
	return map_pfns_at(hv, domid, pfn, n, NULL, e);
}

static int xen_map_pfns_at(struct hv *hv, uint32_t domid, uint64_t pfn,
			   size_t n, void *addr, enum hv_map_use use,
			   struct xb_err *e)
{
	(void)use;
	if (!addr || ((uintptr_t)addr & XB_PAGE_MASK))
		return xb_fail(e, XB_EINTERNAL,
			       "map(dom %" PRIu32 "): address %p not a page",
			       domid, addr);
	return map_pfns_at(hv, domid, pfn, n, addr, e) ? 0 : -e->code;
}

static void xen_unmap(struct hv *hv, void *addr, size_t n)
{
	struct xen *h = xen_of(hv);
	if (!addr)
		return;
	if (xenforeignmemory_unmap(h->fmem, addr, n) < 0)
		trace(h, "FAILED xenforeignmemory_unmap(%p, %zu): %s", addr, n,
		      strerror(errno));
	else
		trace(h, "unmap(%p, %zu frames)", addr, n);
}

static int xen_pin_root(struct hv *hv, uint32_t domid, unsigned levels,
			uint64_t mfn, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct mmuext_op op;
	const char *name;

	memset(&op, 0, sizeof(op));
	if (levels == 4) {
		op.cmd = MMUEXT_PIN_L4_TABLE;
		name = "MMUEXT_PIN_L4_TABLE";
	} else if (levels == 3) {
		op.cmd = MMUEXT_PIN_L3_TABLE;
		name = "MMUEXT_PIN_L3_TABLE";
	} else {
		return xb_fail(e, XB_EINTERNAL,
			       "pin_root(dom %" PRIu32 "): %u paging levels",
			       domid, levels);
	}
	op.arg1.mfn = mfn;
	call_begin(h);
	if (xc_mmuext_op(h->xch, &op, 1, domid) < 0) {
		int err = errno;

		/* Xen names the rejected entry only on its own console. */
		trace(h, "FAILED %s(dom %" PRIu32 ", mfn 0x%" PRIx64 "): %s",
		      name, domid, mfn, strerror(err));
		return xb_fail(
			e, XB_EHV,
			"Xen refused to pin the page tables (root mfn 0x%" PRIx64
			"): %s (%s, dom %" PRIu32
			"; `xl dmesg` shows the rejected entry)",
			mfn, strerror(err), name, domid);
	}
	trace(h, "%s(dom %" PRIu32 ", mfn 0x%" PRIx64 ")", name, domid, mfn);
	return 0;
}

static int xen_caps(struct hv *hv, char *buf, size_t len, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	xen_capabilities_info_t caps;

	memset(caps, 0, sizeof(caps));
	call_begin(h);
	if (xc_version(h->xch, XENVER_capabilities, &caps) < 0)
		return fail_errno(h, e, errno,
				  "xc_version(XENVER_capabilities)");
	caps[sizeof(caps) - 1] = '\0';
	snprintf(buf, len, "%s", caps);
	trace(h, "xen_caps: %s", buf);
	return 0;
}

/* Xen's information on domain domid: 1 when it exists, 0 when it is
 * gone (getinfolist starts at domid: another domain or none came back),
 * -XB_EHV when the call failed. */
static int dom_getinfo(struct xen *h, uint32_t domid, xc_domaininfo_t *info,
		       struct xb_err *e)
{
	int n;

	memset(info, 0, sizeof(*info));
	call_begin(h);
	n = xc_domain_getinfolist(h->xch, domid, 1, info);
	if (n < 0)
		return fail_errno(h, e, errno,
				  "xc_domain_getinfolist(dom %" PRIu32 ")",
				  domid);
	return n == 1 && info->domain == domid;
}

/* The same where the domain must exist (ESRCH when it is gone). */
static int dom_getinfo_live(struct xen *h, uint32_t domid,
			    xc_domaininfo_t *info, struct xb_err *e)
{
	int rc = dom_getinfo(h, domid, info, e);

	if (rc == 0)
		return fail_errno(h, e, ESRCH,
				  "xc_domain_getinfolist(dom %" PRIu32 ")",
				  domid);
	return rc < 0 ? rc : 0;
}

static int xen_shared_info_mfn(struct hv *hv, uint32_t domid, uint64_t *mfn,
			       struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	xc_domaininfo_t info;
	int rc;

	if ((rc = dom_getinfo_live(h, domid, &info, e)) < 0)
		return rc;
	*mfn = info.shared_info_frame;
	trace(h, "dom %" PRIu32 ": shared_info mfn 0x%" PRIx64, domid, *mfn);
	return 0;
}

/*
 * libxenctrl has no wrapper for XEN_DOMCTL_hypercall_init, but xc_domctl()
 * is public (xenctrl.h) and passes a struct xen_domctl through privcmd.
 */
static int xen_hypercall_init(struct hv *hv, uint32_t domid, uint64_t mfn,
			      struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct xen_domctl dc;

	memset(&dc, 0, sizeof(dc));
	dc.cmd = XEN_DOMCTL_hypercall_init;
	dc.domain = (domid_t)domid;
	dc.u.hypercall_init.gmfn = mfn;
	call_begin(h);
	if (domctl_simple(h, &dc) < 0)
		return fail_errno(h, e, errno,
				  "XEN_DOMCTL_hypercall_init(dom %" PRIu32
				  ", mfn 0x%" PRIx64 ")",
				  domid, mfn);
	trace(h, "hypercall_init(dom %" PRIu32 ", mfn 0x%" PRIx64 ")", domid,
	      mfn);
	return 0;
}

static int xen_set_vcpu(struct hv *hv, uint32_t domid, unsigned vcpu,
			const struct hv_vcpu *v, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	vcpu_guest_context_any_t ctx;

	memset(&ctx, 0, sizeof(ctx));
	if (v->is64) {
		vcpu_guest_context_x86_64_t *c = &ctx.x64;

		c->flags = v->flags;
		c->user_regs.rip = v->rip;
		c->user_regs.rsp = v->rsp;
		c->user_regs.rsi = v->rsi;
		c->user_regs.rflags = v->rflags;
		c->user_regs.cs = v->cs;
		c->user_regs.ss = v->ss;
		c->user_regs.ds = v->ds;
		c->user_regs.es = v->es;
		c->user_regs.fs = v->fs;
		c->user_regs.gs = v->gs;
		c->kernel_ss = v->kernel_ss;
		c->kernel_sp = v->kernel_sp;
		c->ctrlreg[3] = xen_pfn_to_cr3_x86_64(v->cr3_mfn);
	} else {
		vcpu_guest_context_x86_32_t *c = &ctx.x32;

		/* Everything must fit the 32-bit layout; the PAE cr3 folds
		 * bits 20..31 of the mfn into its low bits. */
		if ((v->rip | v->rsp | v->rsi | v->rflags | v->kernel_ss |
		     v->kernel_sp | v->cr3_mfn) > UINT32_MAX)
			return xb_fail(
				e, XB_EINTERNAL,
				"set_vcpu(dom %" PRIu32
				", vcpu %u): a 32-bit register value does not fit",
				domid, vcpu);
		c->flags = v->flags;
		c->user_regs.eip = (uint32_t)v->rip;
		c->user_regs.esp = (uint32_t)v->rsp;
		c->user_regs.esi = (uint32_t)v->rsi;
		c->user_regs.eflags = (uint32_t)v->rflags;
		c->user_regs.cs = v->cs;
		c->user_regs.ss = v->ss;
		c->user_regs.ds = v->ds;
		c->user_regs.es = v->es;
		c->user_regs.fs = v->fs;
		c->user_regs.gs = v->gs;
		c->kernel_ss = (uint32_t)v->kernel_ss;
		c->kernel_sp = (uint32_t)v->kernel_sp;
		c->ctrlreg[3] = xen_pfn_to_cr3_x86_32(v->cr3_mfn);
	}
	call_begin(h);
	if (xc_vcpu_setcontext(h->xch, domid, vcpu, &ctx) < 0)
		return fail_errno(h, e, errno,
				  "xc_vcpu_setcontext(dom %" PRIu32
				  ", vcpu %u, rip 0x%" PRIx64
				  ", cr3 mfn 0x%" PRIx64 ")",
				  domid, vcpu, v->rip, v->cr3_mfn);
	trace(h,
	      "xc_vcpu_setcontext(dom %" PRIu32 ", vcpu %u, %s, rip 0x%" PRIx64
	      ", rsp 0x%" PRIx64 ", rsi 0x%" PRIx64 ", cr3 mfn 0x%" PRIx64
	      ", flags 0x%" PRIx32 ")",
	      domid, vcpu, v->is64 ? "x86_64" : "x86_32", v->rip, v->rsp,
	      v->rsi, v->cr3_mfn, v->flags);
	return 0;
}

/* Grant entries 0 and 1 (console, xenstore) seeded for the backends; the
 * frames are named by mfn for a PV guest, by gfn for an HVM container. */
static int seed_grants(struct xen *h, uint32_t domid, bool hvm,
		       uint64_t console, uint32_t console_domid, uint64_t store,
		       uint32_t store_domid, struct xb_err *e)
{
	const char *f = hvm ? "gfn" : "mfn";

	call_begin(h);
	if (xc_dom_gnttab_seed(h->xch, domid, hvm, console, store,
			       console_domid, store_domid) < 0)
		return fail_errno(h, e, errno,
				  "xc_dom_gnttab_seed(dom %" PRIu32
				  ", console %s 0x%" PRIx64 " for dom %" PRIu32
				  ", store %s 0x%" PRIx64 " for dom %" PRIu32
				  ")",
				  domid, f, console, console_domid, f, store,
				  store_domid);
	trace(h,
	      "xc_dom_gnttab_seed(dom %" PRIu32 ", console %s 0x%" PRIx64
	      "/dom %" PRIu32 ", store %s 0x%" PRIx64 "/dom %" PRIu32 ")",
	      domid, f, console, console_domid, f, store, store_domid);
	return 0;
}

static int xen_seed_grants(struct hv *hv, uint32_t domid, uint64_t console_mfn,
			   uint32_t console_domid, uint64_t store_mfn,
			   uint32_t store_domid, struct xb_err *e)
{
	return seed_grants(xen_of(hv), domid, false, console_mfn, console_domid,
			   store_mfn, store_domid, e);
}

static int xen_evtchn_alloc(struct hv *hv, uint32_t domid,
			    uint32_t remote_domid, uint32_t *port,
			    struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	xc_evtchn_port_or_error_t p;

	call_begin(h);
	p = xc_evtchn_alloc_unbound(h->xch, domid, remote_domid);
	if (p < 0)
		return fail_errno(h, e, errno,
				  "xc_evtchn_alloc_unbound(dom %" PRIu32
				  ", remote dom %" PRIu32 ")",
				  domid, remote_domid);
	*port = (uint32_t)p;
	trace(h,
	      "xc_evtchn_alloc_unbound(dom %" PRIu32 ", remote dom %" PRIu32
	      ") = port %" PRIu32,
	      domid, remote_domid, *port);
	return 0;
}

static int xen_unpause(struct hv *hv, uint32_t domid, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	call_begin(h);
	if (xc_domain_unpause(h->xch, domid) < 0)
		return fail_errno(h, e, errno,
				  "xc_domain_unpause(dom %" PRIu32 ")", domid);
	trace(h, "xc_domain_unpause(dom %" PRIu32 ")", domid);
	return 0;
}

static int xen_destroy(struct hv *hv, uint32_t domid, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct xen_p2m *p = p2m_of(h, domid);

	if (p)
		fill_end(p); /* its populate stopped and joined first */
	call_begin(h);
	if (xc_domain_destroy(h->xch, domid) < 0)
		return fail_errno(h, e, errno,
				  "xc_domain_destroy(dom %" PRIu32 ")", domid);
	trace(h, "xc_domain_destroy(dom %" PRIu32 ")", domid);
	p2m_drop(h, domid);
	return 0;
}

static int xen_set_handle(struct hv *hv, uint32_t domid, const uint8_t uuid[16],
			  struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	xen_domain_handle_t handle;

	memcpy(handle, uuid, sizeof(handle));
	call_begin(h);
	if (xc_domain_sethandle(h->xch, domid, handle) < 0)
		return fail_errno(h, e, errno,
				  "xc_domain_sethandle(dom %" PRIu32 ")",
				  domid);
	trace(h, "xc_domain_sethandle(dom %" PRIu32 ")", domid);
	return 0;
}

static int xen_domain_info(struct hv *hv, uint32_t domid,
			   struct hv_dominfo *info, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	xc_domaininfo_t di;
	static const char *const names[] = { "running", "shut down", "dying",
					     "gone" };
	int rc;

	memset(info, 0, sizeof(*info));
	if ((rc = dom_getinfo(h, domid, &di, e)) < 0)
		return rc;
	if (rc == 0) {
		info->state = HV_DOM_GONE;
	} else if (di.flags & XEN_DOMINF_dying) {
		info->state = HV_DOM_DYING;
	} else if (di.flags & XEN_DOMINF_shutdown) {
		info->state = HV_DOM_SHUTDOWN;
		info->reason = (di.flags >> XEN_DOMINF_shutdownshift) &
			       XEN_DOMINF_shutdownmask;
	} else {
		info->state = HV_DOM_RUNNING;
		info->paused = di.flags & XEN_DOMINF_paused;
	}
	trace(h, "domain_info(dom %" PRIu32 "): %s (reason %u)", domid,
	      names[info->state], info->reason);
	return 0;
}

static int xs_handle_get(struct xen *h, struct xb_err *e);

/*
 * xenstored fires @releaseDomain when a domain it knows shuts down or
 * dies (xl's death watch uses it too), so a watcher sleeps until then.
 * libxenstore reads watch events on its own thread and makes xs_fileno()
 * readable while some are queued; they are drained here, and the caller
 * asks domain_info what happened.
 */
static int xen_wait_domains(struct hv *hv, int timeout_ms,
			    const sigset_t *sigmask, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct timespec ts = { timeout_ms / 1000,
			       (long)(timeout_ms % 1000) * 1000000L };
	struct pollfd p = { .events = POLLIN };
	char **ev;
	int rc = xs_handle_get(h, e), n;

	if (rc)
		return rc;
	if (!h->watching) {
		if (!xs_watch(h->xsh, "@releaseDomain", "xbuild"))
			return fail_errno(h, e, errno,
					  "xs_watch(@releaseDomain)");
		h->watching = true;
		trace(h, "xs_watch @releaseDomain");
	}
	if ((p.fd = xs_fileno(h->xsh)) < 0)
		return fail_errno(h, e, errno, "xs_fileno");
	n = ppoll(&p, 1, &ts, sigmask);
	if (n < 0) {
		if (errno == EINTR)
			return 0;
		return fail_errno(h, e, errno, "ppoll(xenstore watch)");
	}
	if (n == 0)
		return 0;
	while ((ev = xs_check_watch(h->xsh)))
		free(ev);
	trace(h, "@releaseDomain fired");
	return 1;
}

/* ---- HVM containers (PVH) ---------------------------------------------- */

static int xen_hvm_hap(struct hv *hv, uint32_t domid, bool *hap,
		       struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	xc_domaininfo_t info;
	int rc;

	if ((rc = dom_getinfo_live(h, domid, &info, e)) < 0)
		return rc;
	*hap = info.flags & XEN_DOMINF_hap;
	trace(h, "dom %" PRIu32 ": %s paging", domid, *hap ? "HAP" : "shadow");
	return 0;
}

static int xen_set_paging_pool(struct hv *hv, uint32_t domid, uint64_t bytes,
			       struct xb_err *e)
{
	struct xen *h = xen_of(hv);

	call_begin(h);
	if (xc_set_paging_mempool_size(h->xch, domid, bytes) < 0)
		return fail_errno(h, e, errno,
				  "xc_set_paging_mempool_size(dom %" PRIu32
				  ", %" PRIu64 " bytes)",
				  domid, bytes);
	trace(h, "xc_set_paging_mempool_size(dom %" PRIu32 ", %" PRIu64 " KiB)",
	      domid, bytes >> 10);
	return 0;
}

static int xen_set_tsc_info(struct hv *hv, uint32_t domid, uint32_t mode,
			    struct xb_err *e)
{
	struct xen *h = xen_of(hv);

	call_begin(h);
	if (xc_domain_set_tsc_info(h->xch, domid, mode, 0, 0, 0) < 0)
		return fail_errno(h, e, errno,
				  "xc_domain_set_tsc_info(dom %" PRIu32
				  ", mode %" PRIu32 ")",
				  domid, mode);
	trace(h, "xc_domain_set_tsc_info(dom %" PRIu32 ", mode %" PRIu32 ")",
	      domid, mode);
	return 0;
}

/*
 * The domain's default CPUID policy with xl's overrides on top, as libxl
 * does for a fresh PVH domain: not a restore, no explicit featureset, PAE
 * on, no invariant-TSC forcing, no nested virtualisation; the overrides in
 * libxenguest's xend form (xenctrl.h struct xc_xend_cpuid), ended by
 * XEN_CPUID_INPUT_UNUSED.
 */
static int xen_set_cpuid(struct hv *hv, uint32_t domid,
			 const struct hv_cpuid *ov, unsigned n,
			 struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct xc_xend_cpuid *x = NULL;
	char(*pol)[4][33] = NULL;
	int rc = 0;

	if (n) {
		x = calloc(n + 1, sizeof(*x));
		pol = calloc(n, sizeof(*pol));
		if (!x || !pol) {
			free(x);
			free(pol);
			return xb_fail(e, XB_EINTERNAL,
				       "xc_cpuid_apply_policy(dom %" PRIu32
				       "): out of memory",
				       domid);
		}
		for (unsigned i = 0; i < n; i++) {
			x[i].leaf = ov[i].leaf;
			x[i].subleaf = ov[i].subleaf;
			for (unsigned r = 0; r < 4; r++) {
				if (!ov[i].policy[r])
					continue;
				snprintf(pol[i][r], sizeof(pol[i][r]), "%s",
					 ov[i].policy[r]);
				x[i].policy[r] = pol[i][r];
			}
		}
		x[n].leaf = XEN_CPUID_INPUT_UNUSED;
		x[n].subleaf = XEN_CPUID_INPUT_UNUSED;
	}
	call_begin(h);
	if (xc_cpuid_apply_policy(h->xch, domid, false, NULL, 0, true, false,
				  false, x, NULL) < 0)
		rc = fail_errno(h, e, errno,
				"xc_cpuid_apply_policy(dom %" PRIu32
				", %u overrides)",
				domid, n);
	else
		trace(h, "xc_cpuid_apply_policy(dom %" PRIu32 ", %u overrides)",
		      domid, n);
	free(x);
	free(pol);
	return rc;
}

/*
 * Populate gfns [pfn, pfn + n) of an HVM container: each extent of the
 * largest order (1 GiB, 2 MiB, then 4 KiB pages) that its alignment and the
 * rest of the range allow, a batch of equal extents per call.  An order Xen
 * refuses is not asked again for this range.  For a translated guest the
 * extent list carries gfns in and nothing out (xen/memory.h).
 */
static int xen_populate_range(struct hv *hv, uint32_t domid, uint64_t pfn,
			      uint64_t n, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct xen_p2m *p = p2m_of(h, domid);
	bool refused[3] = { false, false, false };
	uint64_t cur = pfn, end, got[3] = { 0, 0, 0 };
	char stats[96];
	struct xen_gfns *rng;
	xen_pfn_t *list;

	if (!p || !p->hvm)
		return xb_fail(e, XB_EINTERNAL,
			       "populate_range(dom %" PRIu32
			       "): not an HVM container of this handle",
			       domid);
	if (!n || xb_add_ovf(pfn, n, &end))
		return xb_fail(e, XB_EINTERNAL,
			       "populate_range(dom %" PRIu32 "): bad range",
			       domid);
	rng = realloc(p->rng, (p->nrng + 1) * sizeof(*rng));
	if (!rng)
		return xb_fail(e, XB_EINTERNAL,
			       "populate_range(dom %" PRIu32 "): out of memory",
			       domid);
	p->rng = rng;
	list = malloc(POPULATE_BATCH * sizeof(*list));
	if (!list)
		return xb_fail(e, XB_EINTERNAL,
			       "populate_range(dom %" PRIu32 "): out of memory",
			       domid);
	while (cur < end) {
		unsigned k = 2, order;
		uint64_t count, limit = end;
		long done;

		/* The largest order that is aligned and fits. */
		for (unsigned j = 0; j < 2; j++) {
			uint64_t per = 1ULL << populate_orders[j];

			if (!refused[j] && !(cur & (per - 1)) &&
			    end - cur >= per) {
				k = j;
				break;
			}
		}
		order = populate_orders[k];
		/* Stop where a larger order could start again. */
		for (unsigned j = 0; j < k; j++) {
			uint64_t per = 1ULL << populate_orders[j];
			uint64_t next = (cur + per - 1) & ~(per - 1);

			if (!refused[j] && next > cur && next + per <= end &&
			    next < limit)
				limit = next;
		}
		count = (limit - cur) >> order;
		if (count > POPULATE_BATCH)
			count = POPULATE_BATCH;
		for (uint64_t i = 0; i < count; i++)
			list[i] = cur + (i << order);
		call_begin(h);
		if (order == 0) {
			if (xc_domain_populate_physmap_exact(h->xch, domid,
							     (unsigned long)
								     count,
							     0, 0, list) < 0) {
				int err = errno;

				free(list);
				return fail_errno(
					h, e, err,
					"xc_domain_populate_physmap_exact(dom %" PRIu32
					", %" PRIu64 " pages at gfn 0x%" PRIx64
					")",
					domid, count, cur);
			}
			done = (long)count;
		} else {
			done = xc_domain_populate_physmap(h->xch, domid,
							  (unsigned long)count,
							  order, 0, list);
			if (done <= 0) {
				trace(h,
				      "dom %" PRIu32
				      ": order %u refused at gfn 0x%" PRIx64
				      " (%s); falling back",
				      domid, order, cur,
				      done < 0 ? strerror(errno) : "0 extents");
				refused[k] = true;
				continue;
			}
		}
		got[k] += (uint64_t)done;
		cur += (uint64_t)done << order;
	}
	free(list);
	p->rng[p->nrng++] = (struct xen_gfns){ pfn, n };
	p->nr_pages += n;
	trace(h,
	      "populate_range(dom %" PRIu32 ", gfn 0x%" PRIx64 ", %" PRIu64
	      " pages): %s",
	      domid, pfn, n, extents_text(stats, sizeof(stats), got));
	return 0;
}

static int xen_set_memory_map(struct hv *hv, uint32_t domid,
			      const struct hv_e820 *map, unsigned n,
			      struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct e820entry ent[HV_E820_MAX];

	if (n == 0 || n > HV_E820_MAX)
		return xb_fail(e, XB_EINTERNAL,
			       "xc_domain_set_memory_map(dom %" PRIu32
			       "): %u entries",
			       domid, n);
	for (unsigned i = 0; i < n; i++) {
		ent[i].addr = map[i].addr;
		ent[i].size = map[i].size;
		ent[i].type = map[i].type;
	}
	call_begin(h);
	if (xc_domain_set_memory_map(h->xch, domid, ent, n) < 0)
		return fail_errno(h, e, errno,
				  "xc_domain_set_memory_map(dom %" PRIu32
				  ", %u entries)",
				  domid, n);
	trace(h, "xc_domain_set_memory_map(dom %" PRIu32 ", %u entries)", domid,
	      n);
	return 0;
}

static int xen_set_hvm_param(struct hv *hv, uint32_t domid, uint32_t param,
			     uint64_t value, struct xb_err *e)
{
	struct xen *h = xen_of(hv);

	call_begin(h);
	if (xc_hvm_param_set(h->xch, domid, param, value) < 0)
		return fail_errno(h, e, errno,
				  "xc_hvm_param_set(dom %" PRIu32
				  ", param %" PRIu32 ", 0x%" PRIx64 ")",
				  domid, param, value);
	trace(h,
	      "xc_hvm_param_set(dom %" PRIu32 ", %" PRIu32 ", 0x%" PRIx64 ")",
	      domid, param, value);
	return 0;
}

/*
 * vCPU 0 of an HVM container through its HVM context (xen/hvm/save.h):
 * the context Xen holds is read whole for its header and vCPU 0's MTRR
 * record; what goes back is that header, a CPU record built from v (every
 * other register zero, the debug registers at their reset values), the
 * MTRR record with v's default type, and the end record.
 */
struct hvm_bsp_ctx {
	struct hvm_save_descriptor header_d;
	HVM_SAVE_TYPE(HEADER) header;
	struct hvm_save_descriptor cpu_d;
	HVM_SAVE_TYPE(CPU) cpu;
	struct hvm_save_descriptor mtrr_d;
	HVM_SAVE_TYPE(MTRR) mtrr;
	struct hvm_save_descriptor end_d;
	HVM_SAVE_TYPE(END) end;
};

static int xen_set_hvm_vcpu(struct hv *hv, uint32_t domid,
			    const struct hv_hvm_vcpu *v, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct hvm_bsp_ctx *c = NULL;
	uint8_t *full = NULL;
	bool have_header = false, have_mtrr = false;
	int size, rc = 0;
	uint32_t off = 0;

	call_begin(h);
	size = xc_domain_hvm_getcontext(h->xch, domid, NULL, 0);
	if (size <= 0)
		return fail_errno(h, e, errno,
				  "xc_domain_hvm_getcontext(dom %" PRIu32
				  ", size)",
				  domid);
	full = malloc((size_t)size);
	c = calloc(1, sizeof(*c));
	if (!full || !c) {
		rc = xb_fail(e, XB_EINTERNAL,
			     "xc_domain_hvm_getcontext(dom %" PRIu32
			     "): out of memory",
			     domid);
		goto out;
	}
	call_begin(h);
	size = xc_domain_hvm_getcontext(h->xch, domid, full, (uint32_t)size);
	if (size <= 0) {
		rc = fail_errno(h, e, errno,
				"xc_domain_hvm_getcontext(dom %" PRIu32 ")",
				domid);
		goto out;
	}
	while (off + sizeof(struct hvm_save_descriptor) <= (uint32_t)size) {
		struct hvm_save_descriptor d;

		memcpy(&d, full + off, sizeof(d));
		off += sizeof(d);
		if (d.length > (uint32_t)size - off)
			break;
		if (d.typecode == HVM_SAVE_CODE(HEADER) &&
		    d.length == sizeof(c->header)) {
			c->header_d = d;
			memcpy(&c->header, full + off, sizeof(c->header));
			have_header = true;
		} else if (d.typecode == HVM_SAVE_CODE(MTRR) &&
			   d.instance == 0 && d.length == sizeof(c->mtrr)) {
			c->mtrr_d = d;
			memcpy(&c->mtrr, full + off, sizeof(c->mtrr));
			have_mtrr = true;
		} else if (d.typecode == HVM_SAVE_CODE(END)) {
			break;
		}
		off += d.length;
	}
	if (!have_header || !have_mtrr) {
		rc = xb_fail(e, XB_EHV,
			     "xc_domain_hvm_getcontext(dom %" PRIu32
			     "): no %s record",
			     domid, have_header ? "MTRR" : "header");
		goto out;
	}
	/* docs/misc/pvh.pandoc: flat 4 GiB segments, cs execute/read,
	 * ds/es/ss read/write, a busy 32-bit TSS of 0x68 bytes. */
	c->cpu_d.typecode = HVM_SAVE_CODE(CPU);
	c->cpu_d.instance = 0;
	c->cpu_d.length = sizeof(c->cpu);
	c->cpu.cs_limit = c->cpu.ds_limit = c->cpu.es_limit = c->cpu.ss_limit =
		UINT32_MAX;
	c->cpu.cs_arbytes = v->cs_ar;
	c->cpu.ds_arbytes = c->cpu.es_arbytes = c->cpu.ss_arbytes = v->ds_ar;
	c->cpu.tr_arbytes = v->tr_ar;
	c->cpu.tr_limit = 0x67;
	c->cpu.cr0 = v->cr0;
	c->cpu.rip = v->rip;
	c->cpu.rbx = v->rbx;
	c->cpu.rflags = 2; /* bit 1 always reads as 1 */
	c->cpu.dr6 = 0xffff0ff0; /* the architectural reset values */
	c->cpu.dr7 = 0x400;
	c->mtrr.msr_mtrr_def_type = v->mtrr_def_type;
	c->end_d.typecode = HVM_SAVE_CODE(END);
	c->end_d.instance = 0;
	c->end_d.length = sizeof(c->end);
	call_begin(h);
	if (xc_domain_hvm_setcontext(h->xch, domid, (uint8_t *)c, sizeof(*c)) <
	    0) {
		rc = fail_errno(h, e, errno,
				"xc_domain_hvm_setcontext(dom %" PRIu32
				", rip 0x%" PRIx64 ", rbx 0x%" PRIx64 ")",
				domid, v->rip, v->rbx);
		goto out;
	}
	trace(h,
	      "xc_domain_hvm_setcontext(dom %" PRIu32 ", rip 0x%" PRIx64
	      ", rbx 0x%" PRIx64 ", cr0 0x%" PRIx64 ", mtrr def 0x%" PRIx64 ")",
	      domid, v->rip, v->rbx, v->cr0, v->mtrr_def_type);
out:
	free(full);
	free(c);
	return rc;
}

static int xen_seed_grants_gfn(struct hv *hv, uint32_t domid,
			       uint64_t console_gfn, uint32_t console_domid,
			       uint64_t store_gfn, uint32_t store_domid,
			       struct xb_err *e)
{
	return seed_grants(xen_of(hv), domid, true, console_gfn, console_domid,
			   store_gfn, store_domid, e);
}

/* ---- xenstore ----------------------------------------------------------- */

/* `xbuild build` never touches xenstore, so it need not be running. */
static int xs_handle_get(struct xen *h, struct xb_err *e)
{
	if (h->xsh)
		return 0;
	h->xsh = xs_open(0);
	if (!h->xsh) {
		int err = errno;

		trace(h, "FAILED xs_open: %s", strerror(err));
		return xb_fail(
			e, XB_EHV,
			"xenstore is not reachable (xs_open: %s); is xenstored running?",
			strerror(err));
	}
	trace(h, "xs_open");
	return 0;
}

/*
 * Reads, directories, writes, removals and transactions go through our
 * own connection (xs_pipe.h), which queues a transaction's writes and
 * sends them together: a domain's keys and permissions cost three round
 * trips to xenstored instead of some seventy.  Outside a transaction each
 * request is sent and answered at once.  The libxenstore handle above is
 * for the @releaseDomain watch and xs_introduce_domain.
 */
static int xp_get(struct xen *h, struct xb_err *e)
{
	int rc;

	if (h->xp.fd >= 0 && !h->xp.broken)
		return 0;
	if ((rc = xs_pipe_open(&h->xp, h->o.xs_path)) == 0) {
		trace(h, "xenstore connection (%s)",
		      h->xp.dev ? "device" : "socket");
		return 0;
	}
	trace(h, "FAILED xenstore connection: %s", strerror(-rc));
	return xb_fail(
		e, XB_EHV,
		"xenstore is not reachable (%s: %s); is xenstored running?",
		h->o.xs_path ? h->o.xs_path :
			       "/var/run/xenstored/socket, /dev/xen/xenbus",
		strerror(-rc));
}

/*
 * Queue one request (what names it in a failure); inside a transaction a
 * write waits for the next request that needs an answer.
 */
#define XS_PIPE_WHAT 3200 /* "xs_set_permissions(" path ", " perms ")" */

static int xp_queue(struct xen *h, uint32_t type, const char *path,
		    const void *tail, size_t tail_len, const char *what,
		    struct xb_err *e)
{
	int rc = xs_pipe_queue(&h->xp, type, h->tx, path, tail, tail_len, what);

	if (rc < 0)
		return rc == -ENOMEM ? xb_fail(e, XB_EINTERNAL,
					       "%s: out of memory", what) :
				       fail_errno(h, e, -rc, "%s", what);
	return 0;
}

/*
 * Send what is queued and read the replies: 0 (the last one's payload in
 * *reply when asked); 1 when absent_ok and the last request alone failed
 * with ENOENT (e unset: hv.h's "absent"); or the first failure, named in
 * e, its errno in *err.
 */
static int xp_flush(struct xen *h, bool absent_ok, char **reply, size_t *len,
		    int *err, struct xb_err *e)
{
	struct xs_pipe_fail f;
	int rc = xs_pipe_flush(&h->xp, reply, len, &f);

	*err = f.err;
	if (rc == 0)
		return 0;
	if (!f.err)
		return xb_fail(e, XB_EINTERNAL,
			       "xenstore reply: out of memory");
	if (absent_ok && f.last && f.err == ENOENT)
		return 1;
	return fail_errno(h, e, f.err, "%s", f.what);
}

/* One request and its answer: queued after whatever waits, sent with it. */
static int xp_call(struct xen *h, uint32_t type, const char *path,
		   const char *what, bool absent_ok, char **reply, size_t *len,
		   int *err, struct xb_err *e)
{
	int rc = xp_get(h, e);

	*err = 0;
	if (rc == 0)
		rc = xp_queue(h, type, path, NULL, 0, what, e);
	if (rc == 0)
		rc = xp_flush(h, absent_ok, reply, len, err, e);
	return rc;
}

static int xen_xs_read(struct hv *hv, const char *path, char **value,
		       struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	char what[XS_PIPE_WHAT];
	int rc, err;

	*value = NULL;
	snprintf(what, sizeof(what), "xs_read(%s)", path);
	rc = xp_call(h, XS_READ, path, what, true, value, NULL, &err, e);
	if (rc == 1) {
		trace(h, "xs_read %s: absent", path);
		return -XB_EHV; /* hv.h: e unset */
	}
	if (rc == 0)
		trace(h, "xs_read %s = \"%s\"", path, *value);
	return rc; /* NUL-terminated, malloc'd: free() */
}

static int xen_xs_dir(struct hv *hv, const char *path, char ***names,
		      unsigned *n, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	char what[XS_PIPE_WHAT], *r;
	size_t len;
	int rc, err;

	*names = NULL;
	*n = 0;
	snprintf(what, sizeof(what), "xs_directory(%s)", path);
	rc = xp_call(h, XS_DIRECTORY, path, what, true, &r, &len, &err, e);
	if (rc == 1)
		return -XB_EHV; /* hv.h: e unset */
	if (rc < 0)
		return rc;
	rc = xs_pipe_split(r, len, names, n);
	free(r);
	if (rc < 0)
		return xb_fail(e, XB_EINTERNAL, "%s: out of memory", what);
	trace(h, "xs_directory %s: %u entries", path, *n);
	return 0;
}

static int xen_xs_write(struct hv *hv, const char *path, const char *value,
			const char *perms, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct hv_perm p[HV_PERMS_MAX];
	char what[XS_PIPE_WHAT], wire[HV_PERMS_MAX * 12];
	size_t np = 0, nw = 0;
	int rc, err;

	/* Parse first: a bad string must not leave a half-made node. */
	if (perms && *perms) {
		rc = hv_perms_parse(perms, p, &np, e);
		if (rc)
			return xb_prefix(e, "xs_write(%s)", path);
	}
	/* On the wire each entry is its letter and domid, NUL-ended. */
	for (size_t i = 0; i < np; i++)
		nw += (size_t)snprintf(wire + nw, sizeof(wire) - nw, "%c%u",
				       "nrwb"[p[i].perm & 3], p[i].domid) +
		      1;
	if ((rc = xp_get(h, e)) < 0)
		return rc;
	snprintf(what, sizeof(what), "xs_write(%s)", path);
	if ((rc = xp_queue(h, XS_WRITE, path, value, strlen(value), what, e)) <
	    0)
		return rc;
	snprintf(what, sizeof(what), "xs_set_permissions(%s, %s)", path,
		 perms ? perms : "");
	if (np && (rc = xp_queue(h, XS_SET_PERMS, path, wire, nw, what, e)) < 0)
		return rc;
	/* In a transaction, the replies are read with the next answer
	 * needed (xs_end at the latest). */
	if (!h->tx && (rc = xp_flush(h, false, NULL, NULL, &err, e)) < 0)
		return rc;
	trace(h, "xs_write %s = \"%s\"%s%s%s", path, value, np ? " " : "",
	      np ? perms : "", h->tx ? " (queued)" : "");
	return 0;
}

static int xen_xs_rm(struct hv *hv, const char *path, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	char what[XS_PIPE_WHAT];
	int rc, err;

	snprintf(what, sizeof(what), "xs_rm(%s)", path);
	rc = xp_call(h, XS_RM, path, what, true, NULL, NULL, &err, e);
	if (rc < 0)
		return rc;
	/* already gone: what we wanted */
	trace(h, "xs_rm %s%s", path, rc ? ": absent" : "");
	return 0;
}

static int xen_xs_begin(struct hv *hv, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	char *r;
	unsigned long id;
	int rc, err;

	if (h->tx)
		return xb_fail(e, XB_EINTERNAL, "xs_transaction_start: nested");
	rc = xp_call(h, XS_TRANSACTION_START, "", "xs_transaction_start", false,
		     &r, NULL, &err, e);
	if (rc < 0)
		return rc;
	errno = 0;
	id = strtoul(r, NULL, 10);
	if (errno || !id || id > UINT32_MAX) {
		rc = xb_fail(
			e, XB_EHV,
			"xs_transaction_start: xenstored answered \"%.32s\"",
			r);
		free(r);
		return rc;
	}
	free(r);
	h->tx = (uint32_t)id;
	trace(h, "xs_transaction_start");
	return 0;
}

/* 0 committed (or aborted as asked), 1 conflict: try again, or failed. */
static int xen_xs_end(struct hv *hv, bool abort, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	struct xb_err ignore = { 0 };
	int rc, err;

	if (!h->tx)
		return xb_fail(e, XB_EINTERNAL,
			       "xs_transaction_end: none open");
	/* The queued writes' replies first: if one failed, nothing is
	 * committed. */
	if ((rc = xp_flush(h, false, NULL, NULL, &err, e)) < 0) {
		xp_call(h, XS_TRANSACTION_END, "F", "xs_transaction_end", false,
			NULL, NULL, &err, &ignore);
		h->tx = 0;
		return rc;
	}
	rc = xp_call(h, XS_TRANSACTION_END, abort ? "F" : "T",
		     "xs_transaction_end", false, NULL, NULL, &err, e);
	h->tx = 0;
	if (rc < 0 && err == EAGAIN && !abort) {
		xb_err_clear(e);
		trace(h, "xs_transaction_end: conflict, retry");
		return 1;
	}
	if (rc == 0)
		trace(h, "xs_transaction_end(%s)", abort ? "abort" : "commit");
	return rc;
}

static int xen_xs_introduce(struct hv *hv, uint32_t domid, uint64_t store_mfn,
			    uint32_t store_evtchn, struct xb_err *e)
{
	struct xen *h = xen_of(hv);
	int rc = xs_handle_get(h, e);

	if (rc)
		return rc;
	if (!xs_introduce_domain(h->xsh, domid, (unsigned long)store_mfn,
				 store_evtchn))
		return fail_errno(h, e, errno,
				  "xs_introduce_domain(dom %" PRIu32
				  ", store mfn 0x%" PRIx64 ", evtchn %" PRIu32
				  ")",
				  domid, store_mfn, store_evtchn);
	trace(h,
	      "xs_introduce_domain(dom %" PRIu32 ", store mfn 0x%" PRIx64
	      ", evtchn %" PRIu32 ")",
	      domid, store_mfn, store_evtchn);
	return 0;
}

/* ---- open/close --------------------------------------------------------- */

static void xen_close(struct hv *hv)
{
	struct xen *h = xen_of(hv);
	if (!h)
		return;
	trace(h, "close");
	while (h->np2m)
		p2m_drop(h, h->p2m[0].domid);
	if (h->xsh)
		xs_close(h->xsh);
	xs_pipe_close(&h->xp);
	if (h->fmem)
		xenforeignmemory_close(h->fmem);
	if (h->xch)
		xc_interface_close(h->xch);
	free(h->p2m);
	free(h);
}

static const struct hv_ops xen_ops = {
	.name = "xen",
	.caps = xen_caps,
	.domain_create = xen_domain_create,
	.domain_by_uuid = xen_domain_by_uuid,
	.set_max_mem = xen_set_max_mem,
	.populate = xen_populate,
	.mfns = xen_mfns,
	.map_pfns = xen_map_pfns,
	.map_pfns_at = xen_map_pfns_at,
	.map = xen_map,
	.unmap = xen_unmap,
	.pin_root = xen_pin_root,
	.shared_info_mfn = xen_shared_info_mfn,
	.hypercall_init = xen_hypercall_init,
	.set_vcpu = xen_set_vcpu,
	.seed_grants = xen_seed_grants,
	.evtchn_alloc = xen_evtchn_alloc,
	.unpause = xen_unpause,
	.destroy = xen_destroy,
	.set_handle = xen_set_handle,
	.domain_info = xen_domain_info,
	.wait_domains = xen_wait_domains,
	.xs_read = xen_xs_read,
	.xs_dir = xen_xs_dir,
	.xs_write = xen_xs_write,
	.xs_rm = xen_xs_rm,
	.xs_begin = xen_xs_begin,
	.xs_end = xen_xs_end,
	.xs_introduce = xen_xs_introduce,
	.hvm_hap = xen_hvm_hap,
	.set_paging_pool = xen_set_paging_pool,
	.set_tsc_info = xen_set_tsc_info,
	.set_cpuid = xen_set_cpuid,
	.populate_range = xen_populate_range,
	.set_memory_map = xen_set_memory_map,
	.set_hvm_param = xen_set_hvm_param,
	.set_hvm_vcpu = xen_set_hvm_vcpu,
	.seed_grants_gfn = xen_seed_grants_gfn,
	.close = xen_close,
};

/* Open failed before there was a struct xen: record and trace msg. */
__attribute__((format(printf, 4, 5))) static int
open_fail(const struct hv_xen_opts *o, struct xb_err *e, int code,
	  const char *fmt, ...)
{
	char msg[XB_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	trace_to(o, "FAILED open: %s", msg);
	return xb_fail(e, code, "%s", msg);
}

int hv_xen_open(const struct hv_xen_opts *o, struct hv **hv, struct xb_err *e)
{
	struct xen *h;

	*hv = NULL;
	/*
	 * Without privcmd, libxencall would print its own complaint on
	 * stderr and xc_interface_open would fail with a vaguer message:
	 * check first.  xenfs' /proc/xen/privcmd is what libxencall falls
	 * back to, so accept that too.
	 */
	if (faccessat(AT_FDCWD, PRIVCMD_DEV, R_OK | W_OK, AT_EACCESS) < 0) {
		int err = errno;

		if (faccessat(AT_FDCWD, PRIVCMD_PROC, R_OK | W_OK, AT_EACCESS) <
		    0) {
			if (err == EACCES || err == EPERM)
				return open_fail(
					o, e, XB_EHV,
					"cannot use the Xen hypervisor (%s: %s): xbuild needs root in dom0; `xbuild plan` works without one",
					PRIVCMD_DEV, strerror(err));
			return open_fail(
				o, e, XB_EHV,
				"no Xen hypervisor is reachable (%s: %s); `xbuild plan` works without one",
				PRIVCMD_DEV, strerror(err));
		}
	}

	h = calloc(1, sizeof(*h));
	if (!h)
		return open_fail(o, e, XB_EINTERNAL,
				 "hv_xen_open: out of memory");
	if (o)
		h->o = *o;
	xs_pipe_init(&h->xp);
	h->log.o = &h->o;
	h->log.vtable.vmessage = log_vmessage;
	h->log.vtable.progress = log_progress;
	h->log.vtable.destroy = log_destroy;

	call_begin(h);
	h->xch = xc_interface_open(&h->log.vtable, &h->log.vtable, 0);
	if (!h->xch) {
		int err = errno;

		fail_errno(h, e, err,
			   "no Xen hypervisor is reachable (xc_interface_open)");
		xen_close(&h->hv);
		return -XB_EHV;
	}
	call_begin(h);
	h->fmem = xenforeignmemory_open(&h->log.vtable, 0);
	if (!h->fmem) {
		fail_errno(h, e, errno, "xenforeignmemory_open");
		xen_close(&h->hv);
		return -XB_EHV;
	}
	trace(h, "open: xenctrl and xenforeignmemory ready");
	h->hv.ops = &xen_ops;
	h->hv.map_chunk = h->o.map_chunk ? h->o.map_chunk : XEN_MAP_CHUNK;
	*hv = &h->hv;
	return 0;
}
