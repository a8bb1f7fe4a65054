/*
 * input.c - what every command reads before it builds: the config, the
 * command line's overrides, the kernel and initrd files.  The builder
 * receives bytes; only this file opens the files a config names.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../hv/hv_sim.h"
#include "../hv/hv_xen.h"
#include "print.h"

/* The read() fallback: the whole file into malloc'd memory. */
static int read_whole(const char *path, int fd, size_t size, struct cli_file *f,
		      struct xb_err *e)
{
	uint8_t *b = malloc(size ? size : 1);
	size_t got = 0;

	if (!b)
		return xb_fail(e, XB_EINTERNAL, "%s: out of memory (%zu bytes)",
			       path, size);
	while (got < size) {
		ssize_t r = read(fd, b + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			/* sysfs attributes say 4096 bytes and hold a few */
			free(b);
			return xb_fail(
				e, XB_EINPUT,
				"%s: the file ended after %zu of the %zu bytes its size "
				"promised (a file that changes as it is read, as in /sys "
				"or /proc, is no kernel, initrd or config)",
				path, got, size);
		}
		if (r < 0) {
			int err = errno;

			free(b);
			return xb_fail(e, XB_EINPUT, "%s: read failed: %s",
				       path, strerror(err));
		}
		got += (size_t)r;
	}
	f->buf = b;
	f->len = got;
	return 0;
}

int xb_read_file(const char *path, size_t cap, struct cli_file *f,
		 struct xb_err *e)
{
	struct stat st;
	void *p;
	int fd, rc;

	memset(f, 0, sizeof(*f));
	/* O_NONBLOCK so that opening a FIFO cannot hang; checked below. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return xb_fail(e, XB_EINPUT, "%s: cannot open: %s", path,
			       strerror(errno));
	if (fstat(fd, &st) < 0) {
		close(fd);
		return xb_fail(e, XB_EINPUT, "%s: cannot stat: %s", path,
			       strerror(errno));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return xb_fail(e, XB_EINPUT, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > cap) {
		close(fd);
		return xb_fail(e, XB_EINPUT,
			       "%s: file too large (%lld bytes > limit %zu)",
			       path, (long long)st.st_size, cap);
	}
	/*
	 * Map it: no copy into fresh memory, pages straight from the page
	 * cache (the perf profile of `inspect` on an lz4 vmlinux spent a fifth
	 * of its time copying the file in read() and faulting the buffer;
	 * mapping took 16% off its CPU time; MAP_POPULATE made no measurable
	 * difference on top).  An empty file (mmap refuses length 0) or a file
	 * system that cannot map is read.
	 */
	if (st.st_size > 0) {
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			 0);
		if (p != MAP_FAILED) {
			f->buf = p;
			f->len = (size_t)st.st_size;
			f->mapped = true;
			close(fd);
			return 0;
		}
	}
	rc = read_whole(path, fd, (size_t)st.st_size, f, e);
	close(fd);
	return rc;
}

void xb_file_free(struct cli_file *f)
{
	if (f->mapped)
		munmap((void *)(uintptr_t)f->buf, f->len);
	else
		free((void *)(uintptr_t)f->buf);
	memset(f, 0, sizeof(*f));
}

/* The devices a config names (the toolstack's to set up), for a command:
 * run refuses them unless --no-devices, build says nothing (its caller
 * sets them up), check and plan warn once. */
static int check_devices(struct cli *c, struct dom_config *cfg)
{
	char list[1024];

	if (!cfg_devices(cfg, list, sizeof(list)) || c->cmd == C_BUILD)
		return 0;
	if (c->cmd == C_RUN && !c->no_devices)
		return xb_fail(
			&c->err, XB_EINPUT,
			"%s: xbuild run does not set up "
			"devices: %s; use --no-devices to start the guest "
			"without them, or let a toolstack run `xbuild build`",
			cfg->source, list);
	return cfg_warn_devices(
		cfg,
		c->cmd == C_RUN ?
			"; the guest starts "
			"without them (--no-devices)" :
			" (a toolstack's "
			"job; xbuild run refuses them without --no-devices)",
		&c->err);
}

static int load_config(struct cli *c, struct dom_config *cfg)
{
	char num[32];
	int rc = 0;

	if (c->arg) {
		/* "-": the config on standard input, as xl create - */
		bool in = !strcmp(c->arg, "-");
		struct cli_file f = { 0 };
		uint8_t *buf;

		if (in && (rc = xb_read_stdin(XB_CONFIG_MAX, &buf, &f.len,
					      &c->err)) == 0)
			f.buf = buf;
		else if (!in)
			rc = xb_read_file(c->arg, XB_CONFIG_MAX, &f, &c->err);
		if (rc < 0)
			return rc;
		rc = cfg_read(in ? "<stdin>" : c->arg, (const char *)f.buf,
			      f.len, cfg, &c->err);
		xb_file_free(&f);
		if (rc < 0)
			return rc;
	} else {
		/* build with --kernel etc. and no config */
		snprintf(cfg->name, sizeof(cfg->name), "domain-%ld", c->domid);
		if (!cfg_set_str(&cfg->source, "command line"))
			return xb_fail(&c->err, XB_EINTERNAL, "out of memory");
	}
	/* xl applies KEY=VALUE as if appended to the file; then the options,
	 * and only then the checks, so that either may supply a key the file
	 * lacks. */
	for (size_t i = 0; i < c->noverrides; i++)
		if ((rc = cfg_override(cfg, c->overrides[i], &c->err)) < 0)
			return rc;
	if ((c->kernel && (rc = cfg_option(cfg, "kernel", c->kernel, "--kernel",
					   &c->err)) < 0) ||
	    (c->ramdisk && (rc = cfg_option(cfg, "ramdisk", c->ramdisk,
					    "--ramdisk", &c->err)) < 0) ||
	    (c->cmdline && (rc = cfg_option(cfg, "cmdline", c->cmdline,
					    "--cmdline", &c->err)) < 0))
		return rc;
	if (c->memory_mb) {
		snprintf(num, sizeof(num), "%" PRIu64, c->memory_mb);
		if ((rc = cfg_option(cfg, "memory", num, "--memory", &c->err)) <
		    0)
			return rc;
		/* --memory raises a lower maxmem to it. */
		if (cfg->maxmem_mb && cfg->maxmem_mb < cfg->memory_mb &&
		    (rc = cfg_option(cfg, "maxmem", num, "--memory", &c->err)) <
			    0)
			return rc;
	}
	if (c->cache_dir &&
	    (rc = cfg_option(cfg, "xbuild_cache_dir", c->cache_dir,
			     "--cache-dir", &c->err)) < 0)
		return rc;
	if (c->cache_max_mb) {
		snprintf(num, sizeof(num), "%" PRIu64, c->cache_max_mb);
		if ((rc = cfg_option(cfg, "xbuild_cache_max", num,
				     "--cache-max", &c->err)) < 0)
			return rc;
	}
	if (c->max_dec_mb) {
		snprintf(num, sizeof(num), "%" PRIu64, c->max_dec_mb);
		if ((rc = cfg_option(cfg, "xbuild_max_decompressed", num,
				     "--max-decompressed", &c->err)) < 0)
			return rc;
	}
	cfg_firmware_paths(cfg, getenv("XBUILD_PVGRUB32"),
			   getenv("XBUILD_PVGRUB64"));
	if ((rc = cfg_finish(cfg, &c->err)) < 0)
		return rc;
	return check_devices(c, cfg);
}

/*
 * A file the config names could not be read: say which key (and line)
 * named it and the path as it resolves (relative paths are relative to the
 * current directory, as with xl), before what went wrong.
 */
static int name_file(struct cli *c, const struct dom_config *cfg,
		     const char *key, const char *path, int rc)
{
	char where[400], cwd[2048], hint[100] = "", *msg;
	const char *rest = c->err.msg, *fw = cfg_firmware(cfg);
	size_t pl = strlen(path), cap = XB_MSG_MAX + sizeof(cwd) + 2 * pl + 600;
	bool rel = path[0] != '/', show;

	if (!strncmp(rest, path, pl) && rest[pl] == ':')
		rest += pl;
	else
		rest = NULL;
	if (rel && !getcwd(cwd, sizeof(cwd)))
		rel = false;
	cfg_where(cfg, key, where, sizeof(where));
	/* The path as it resolves, unless "KEY = VALUE" showed it already. */
	show = rel || !strstr(where, path);
	if (fw && !strcmp(key, "kernel"))
		snprintf(hint, sizeof(hint),
			 " (Debian's grub-xen-host installs "
			 "it; XBUILD_PVGRUB%s names another file)",
			 strcmp(fw, "pvgrub64") ? "32" : "64");
	if (!(msg = malloc(cap)))
		return rc;
	if (rest)
		snprintf(msg, cap, "%s: %s%s%s%s%s", where, rel ? cwd : "",
			 rel ? "/" : "", show ? path : "",
			 show ? rest : rest + 2, hint);
	else
		snprintf(msg, cap, "%s: %s%s", where, c->err.msg, hint);
	/* Long paths are cut in the middle: the reason stays at the end. */
	xb_shorten(c->err.msg, sizeof(c->err.msg), msg);
	free(msg);
	return rc;
}

/* Read one input file, saying its size and the time taken under -v. */
static int read_input(struct cli *c, const char *what, const char *path,
		      uint64_t cap, struct cli_file *f)
{
	uint64_t t0 = cli_now();
	char h[32], t[32];
	int rc = xb_read_file(path, cap, f, &c->err);

	if (rc == 0)
		say(c, "read %s %s (%s) in %s", what, path,
		    human_size(f->len, h, sizeof(h)),
		    human_time(cli_now() - t0, t, sizeof(t)));
	return rc;
}

/* -v after dom_load: formats, sizes, the guest kind. */
static void say_loaded(const struct cli *c, const struct dom *d, uint64_t ns)
{
	const struct kernel_image *k = &d->kernel;
	char h1[64], h2[32], h3[32], t[32], rd[128] = "";

	if (!c->verbose)
		return;
	if (d->initrd_streamed)
		snprintf(rd, sizeof(rd),
			 "; initrd %s, %s decoded into guest memory by the "
			 "build",
			 d->initrd_format,
			 human_size(d->initrd_file_len, h2, sizeof(h2)));
	else if (d->has_initrd)
		snprintf(rd, sizeof(rd), "; initrd %s, %s loaded as %s",
			 d->initrd_format,
			 human_size(d->initrd_file_len, h2, sizeof(h2)),
			 human_size(d->initrd_len, h3, sizeof(h3)));
	/* A kernel the build decodes straight into guest memory has no
	 * size yet. */
	if (d->kernel_streamed)
		snprintf(h1, sizeof(h1), "%s",
			 "ELF decoded into guest memory by the build");
	else
		snprintf(h1, sizeof(h1), "%s ELF",
			 human_size(k->elf_len, h2, sizeof(h2)));
	say(c, "loaded: %s, %s, %s (%s)%s in %s", k->format, k->compression, h1,
	    d->gp->magic, rd, human_time(ns, t, sizeof(t)));
}

/* -v after dom_plan: the layout in one line. */
static void say_layout(const struct cli *c, const struct dom *d, uint64_t ns)
{
	const struct layout *l = &d->layout;
	const struct pvh_layout *p = &d->pvh;
	char h[32], t[32];

	if (d->cfg->type == XB_DOM_PVH) {
		say(c,
		    "layout: PVH, %" PRIu64
		    " pages (%s), kernel at pfn %#" PRIx64 " (%" PRIu64
		    " pages), hvm_start_info at %#" PRIx64
		    ", %u memory map entries in %s",
		    p->ram_pages,
		    human_size(p->ram_pages << XB_PAGE_SHIFT, h, sizeof(h)),
		    p->kernel_pfn, p->kernel_pages, p->si_paddr, p->nr_memmap,
		    human_time(ns, t, sizeof(t)));
		return;
	}
	if (d->kernel_streamed) {
		say(c,
		    "layout: %" PRIu64
		    " pages (%s), kernel decoded at pfn %#" PRIx64
		    ", the rest once its notes are decoded in %s",
		    l->nr_pages,
		    human_size(l->nr_pages << XB_PAGE_SHIFT, h, sizeof(h)),
		    d->kernel_spec_pfn, human_time(ns, t, sizeof(t)));
		return;
	}
	say(c,
	    "layout: %" PRIu64 " pages (%s), kernel at pfn %#" PRIx64
	    " (%" PRIu64 " pages), %" PRIu64 " page tables, mapped %#" PRIx64
	    "-%#" PRIx64 "%s in %s",
	    l->nr_pages, human_size(l->nr_pages << XB_PAGE_SHIFT, h, sizeof(h)),
	    l->kernel.pfn, l->kernel.pages, l->nr_pt_frames, l->virt_base,
	    l->virt_pgtab_end,
	    l->p2m_base != XB_UNSET ? ", p2m at INIT_P2M" : "",
	    human_time(ns, t, sizeof(t)));
}

static int session_inputs(struct cli *c, struct session *s);

/* s->d fresh for s->cfg, with the command line's settings. */
static void session_dom_init(struct cli *c, struct session *s)
{
	dom_init(&s->d, &s->cfg);
	s->d.stop = c->stop;
	s->d.test_bad_pte = c->test_bad_pte;
	/* Commands that build a domain decode the kernel straight into its
	 * memory; plan, check and inspect decode it on the host.  Test
	 * builds: XBUILD_NO_STREAM=1 decodes on the host for every command
	 * (the peer of the benchmarks and tests). */
	s->d.stream = c->cmd == C_RUN || c->cmd == C_BUILD;
#ifdef XB_TEST
	if (getenv("XBUILD_NO_STREAM") &&
	    !strcmp(getenv("XBUILD_NO_STREAM"), "1"))
		s->d.stream = false;
#endif
	if (c->tm) {
		s->d.phase = timing_phase;
		s->d.phase_ctx = c;
		c->tm->mark = cli_now();
	}
}

int session_prepare(struct cli *c, struct session *s)
{
	const struct dom_config *cfg = &s->cfg;
	char t[32];
	uint64_t t0;
	int rc;

	memset(s, 0, sizeof(*s));
	cfg_init(&s->cfg);
	session_dom_init(c, s);
	t0 = cli_now();
	if ((rc = load_config(c, &s->cfg)) < 0)
		return rc;
	timing(c, "config");
	say(c,
	    "config %s: name %s, %" PRIu64
	    " MiB, %u vCPU%s, %zu warning%s in %s",
	    cfg->source ? cfg->source : "(none)", cfg->name, cfg->memory_mb,
	    cfg->vcpus, cfg->vcpus == 1 ? "" : "s", cfg->warnings.n,
	    cfg->warnings.n == 1 ? "" : "s",
	    human_time(cli_now() - t0, t, sizeof(t)));
	if (!cfg->kernel)
		return xb_fail(&c->err, XB_EINPUT, "%s: no kernel given",
			       cfg->source ? cfg->source : "config");
	return session_inputs(c, s);
}

int session_reload(struct cli *c, struct session *s)
{
	struct hv *hv = s->d.hv;
	const char *mark = s->d.mark;
	uint8_t uuid[16];
	bool has_uuid = s->d.has_uuid;

	memcpy(uuid, s->d.uuid, sizeof(uuid));
	dom_free(&s->d);
	kcache_free(&s->kc);
	xb_file_free(&s->kernel);
	xb_file_free(&s->initrd);
	session_dom_init(c, s);
	s->d.hv = hv;
	s->d.mark = mark;
	memcpy(s->d.uuid, uuid, sizeof(uuid));
	s->d.has_uuid = has_uuid;
	if (c->tm)
		c->tm->n = 0;
	return session_inputs(c, s);
}

void progress_what(char *buf, size_t len, const char *kernel, uint64_t klen,
		   const char *ramdisk, uint64_t rlen)
{
	const char *kb = strrchr(kernel, '/'), *rb;
	char h1[32], h2[32];

	human_size(klen, h1, sizeof(h1));
	if (!ramdisk) {
		snprintf(buf, len, "loading %s (%s)", kb ? kb + 1 : kernel, h1);
		return;
	}
	rb = strrchr(ramdisk, '/');
	snprintf(buf, len, "loading %s (%s) and %s (%s)", kb ? kb + 1 : kernel,
		 h1, rb ? rb + 1 : ramdisk, human_size(rlen, h2, sizeof(h2)));
}

/* The files the config names, read and loaded, and the layout. */
static int session_inputs(struct cli *c, struct session *s)
{
	const struct dom_config *cfg = &s->cfg;
	struct dom_input kernel, initrd;
	struct progress pg;
	char what[256];
	uint64_t t0;
	int rc;

	if ((rc = read_input(c, "kernel", cfg->kernel, cfg->max_decompressed,
			     &s->kernel)) < 0)
		return name_file(c, cfg, "kernel", cfg->kernel, rc);
	if (cfg->ramdisk &&
	    (rc = read_input(c, "ramdisk", cfg->ramdisk, cfg->max_decompressed,
			     &s->initrd)) < 0)
		return name_file(c, cfg, "ramdisk", cfg->ramdisk, rc);
	timing(c, "read");
	kernel =
		(struct dom_input){ cfg->kernel, s->kernel.buf, s->kernel.len };
	initrd = (struct dom_input){ cfg->ramdisk, s->initrd.buf,
				     s->initrd.len };
	t0 = cli_now();
	progress_what(what, sizeof(what), cfg->kernel, s->kernel.len,
		      cfg->ramdisk, s->initrd.len);
	progress_start(&pg, c, what);
	/* a cache miss decompresses the kernel here already */
	rc = cfg_cache_dir(cfg) ? kcache_lookup(c, s, &kernel) : 0;
	if (rc == 0)
		rc = dom_load(&s->d, &kernel, cfg->ramdisk ? &initrd : NULL);
	progress_end(&pg);
	if (rc < 0)
		return rc;
	timing(c, "decompress");
	if ((rc = kcache_loaded(c, s)) < 0)
		return rc;
	say_loaded(c, &s->d, cli_now() - t0);
	t0 = cli_now();
	if ((rc = dom_plan(&s->d)) < 0)
		return rc;
	timing(c, "plan");
	say_layout(c, &s->d, cli_now() - t0);
	return 0;
}

static void hv_trace_line(void *ctx, const char *line)
{
	const char *stop_at = ctx;
	char esc[SAFE_MAX];

	/* The trace quotes xenstore values (the config's name and kernel
	 * path): escaped like every other line xbuild prints. */
	fprintf(stderr, "xbuild hv-xen: %s\n", safe(esc, sizeof(esc), line));
	/* Test builds: stop (SIGSTOP) after the first traced operation that
	 * contains XBUILD_TEST_STOP_AT, so that a test can SIGKILL the build
	 * at an exact point. */
	if (stop_at && *stop_at && strstr(line, stop_at)) {
		fflush(stderr);
		raise(SIGSTOP);
	}
}

int session_open_backend(struct cli *c, struct session *s, bool sim)
{
	/* XBUILD_HV_TRACE: unset, empty or 0 off; 2 adds libxc's details;
	 * anything else one line per operation. */
	const char *t = getenv("XBUILD_HV_TRACE");
	struct hv_xen_opts xo = {
		.trace = !t || !*t || !strcmp(t, "0") ? 0 :
			 !strcmp(t, "2")	      ? 2 :
							1,
		.log = hv_trace_line,
		.xs_path = getenv("XENSTORED_PATH"),
	};
	uint64_t t0 = cli_now();
	char tm[32];
	int rc;

	/* `xbuild build` works on a domain its toolstack created: a PVH
	 * guest's container, memory map and HVM params are made by `xbuild
	 * run` alone in this version.  Refused before any hypervisor call. */
	if (s->cfg.type == XB_DOM_PVH && c->cmd == C_BUILD)
		return xb_fail(&c->err, XB_EINPUT,
			       "%s: type = \"pvh\": `xbuild build` builds PV "
			       "guests only; `xbuild run` builds PVH guests",
			       s->cfg.source ? s->cfg.source : "command line");

#ifdef XB_TEST
	/* XBUILD_HV_MAP_CHUNK: pages per foreign mapping (tests of the
	 * piecewise mapping on real Xen). */
	const char *mc = getenv("XBUILD_HV_MAP_CHUNK");
	uint64_t chunk;

	if (mc && !xb_parse_u64(mc, strlen(mc), XB_NUM_C, SIZE_MAX, &chunk))
		xo.map_chunk = (size_t)chunk;
	/* XBUILD_HV_POPULATE_THREAD: 1 populate in a thread whatever dom0's
	 * CPUs, 0 never (tests of both on a one-CPU dom0). */
	const char *pt = getenv("XBUILD_HV_POPULATE_THREAD");

	if (pt && *pt)
		xo.populate_thread = strcmp(pt, "0") ? 1 : -1;
	xo.log_ctx = getenv("XBUILD_TEST_STOP_AT");
#endif

	if (sim) {
		/* Lean: nothing here reads guest frames back, so the
		 * simulator keeps only what its checks need (any size). */
		struct hv_sim_opts so = { .lean = true };
#ifdef XB_TEST
		/* Fault injection for tests: fail the k-th backend call, the
		 * first call of one operation, or populate beyond a limit. */
		const char *fc = getenv("XBUILD_SIM_FAIL_CALL");
		const char *mp = getenv("XBUILD_SIM_MAX_PAGES");
		uint64_t v;

		so.fail_op = getenv("XBUILD_SIM_FAIL_OP");
		/* What the simulated guest does once started (run -F). */
		so.guest = getenv("XBUILD_SIM_GUEST");
		if (fc && !xb_parse_u64(fc, strlen(fc), XB_NUM_C, INT_MAX, &v))
			so.fail_call = (int)v;
		if (mp &&
		    !xb_parse_u64(mp, strlen(mp), XB_NUM_C, UINT64_MAX, &v))
			so.max_pages = v;
#endif

		rc = hv_sim_open(&so, &s->d.hv, &c->err);
	} else {
		rc = hv_xen_open(&xo, &s->d.hv, &c->err);
	}
	timing(c, "open backend");
	if (rc == 0)
		say(c, "backend: %s opened in %s",
		    sim ? "the simulated hypervisor" : "Xen",
		    human_time(cli_now() - t0, tm, sizeof(tm)));
	return rc;
}

int session_end(struct cli *c, struct session *s, int rc)
{
	if (s->d.hv)
		hv_close(s->d.hv);
	/* Config and file errors are on c->err, build errors on d.err. */
	if (rc < 0 && s->d.err.code)
		c->err = s->d.err;
	/* After dom_free: the kernel image and the initrd may point into the
	 * files' bytes. */
	dom_free(&s->d);
	kcache_free(&s->kc);
	xb_file_free(&s->kernel);
	xb_file_free(&s->initrd);
	cfg_free(&s->cfg);
	return rc;
}

void say(const struct cli *c, const char *fmt, ...)
{
	char msg[XB_MSG_MAX], line[SAFE_MAX];
	va_list ap;

	if (!c->verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xbuild: %s\n", safe(line, sizeof(line), msg));
}

void timing(const struct cli *c, const char *phase)
{
	struct timings *tm = c->tm;
	uint64_t now;

	if (!tm)
		return;
	now = cli_now();
	if (tm->n < TIMINGS_MAX) {
		tm->v[tm->n].phase = phase;
		tm->v[tm->n].ns = now - tm->mark;
		tm->n++;
	}
	tm->mark = now;
}

void timing_phase(void *ctx, const char *phase)
{
	timing(ctx, phase);
}

uint64_t cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
