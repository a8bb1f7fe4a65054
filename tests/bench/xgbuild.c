/*
 * xgbuild: the builder step of a PV guest done by libxenguest, as libxl
 * 4.17 does it for `xl create` (libxl__build_pv and libxl__build_dom), with
 * the command line of `xbuild build`, so tests/e2e/minits can drive either:
 *
 *   xgbuild [build] --domid N --store-evtchn P --console-evtchn Q
 *           [--store-domid D] [--console-domid D] [--control-fd FD]
 *           [--json] [--no-claim] [-v] CONFIG
 *
 * CONFIG is an xl.cfg; xgbuild reads `memory` (MiB, default 128), `kernel`,
 * `ramdisk`, `cmdline` (else `root` and `extra`, as xl joins them).  The
 * domain must exist with its vCPUs, maxmem and event channels (minits).
 * Calls, in libxl's order: xc_dom_loginit, xc_dom_allocate, container type
 * PV, xc_dom_kernel_file, xc_dom_module_file, event channels, claim mode
 * (xl's default claim_mode = 1; --no-claim turns it off), max_vcpus,
 * xc_dom_boot_xen_init, xc_dom_parse_image, xc_dom_mem_init,
 * xc_dom_boot_mem_init, xc_dom_build_image, xc_dom_boot_image,
 * xc_dom_gnttab_init, then the store and console MFNs through the p2m and
 * xc_dom_release.
 *
 * Output: `store_mfn N` and `console_mfn N` lines (or a JSON object with
 * --json) on stdout; on the control fd `result:<store_mfn> <console_mfn>
 * <guest type>` or `error:<message>`; with -v the time of each phase on
 * stderr (`xgbuild: phase <name> <seconds>`).
 * Exit: 0 built, 1 usage, 2 bad config, 3 a libxenguest call failed.  The
 * domain is left to the caller (minits destroys it on failure).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenguest.h>

struct opts {
	long domid, store_evtchn, console_evtchn;
	long store_domid, console_domid;
	int control_fd, json, claim, verbose;
	const char *config;
};

struct gcfg {
	unsigned long memory;
	char *kernel, *ramdisk, *cmdline, *root, *extra;
};

static int control_fd = -1;

static void say_error(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xgbuild: %s\n", line);
	if (control_fd >= 0)
		dprintf(control_fd, "error:%s\n", line);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One `key = value` line of an xl.cfg: "string", 'string' or a bare word.
 * Returns 0 and sets *key, *val (in place), or -1 for a line without one. */
static int cfg_line(char *p, char **key, char **val)
{
	char *k, *v, *e;

	p += strspn(p, " \t");
	if (*p == '#' || *p == '\n' || !*p)
		return -1;
	k = p;
	p += strcspn(p, " \t=");
	e = p;
	p += strspn(p, " \t");
	if (*p != '=')
		return -1;
	*e = 0;
	p++;
	p += strspn(p, " \t");
	if (*p == '"' || *p == '\'') {
		char q = *p++;

		v = p;
		e = strchr(p, q);
		if (!e)
			return -1;
		*e = 0;
	} else {
		v = p;
		v[strcspn(v, " \t\r\n#;")] = 0;
	}
	*key = k;
	*val = v;
	return 0;
}

static int cfg_read(const char *file, struct gcfg *c)
{
	char line[8192], *k, *v;
	FILE *f = fopen(file, "r");

	if (!f) {
		say_error("%s: %s", file, strerror(errno));
		return -1;
	}
	c->memory = 128;
	while (fgets(line, sizeof(line), f)) {
		if (cfg_line(line, &k, &v) < 0)
			continue;
		if (!strcmp(k, "memory"))
			c->memory = strtoul(v, NULL, 0);
		else if (!strcmp(k, "kernel"))
			c->kernel = strdup(v);
		else if (!strcmp(k, "ramdisk"))
			c->ramdisk = strdup(v);
		else if (!strcmp(k, "cmdline"))
			c->cmdline = strdup(v);
		else if (!strcmp(k, "root"))
			c->root = strdup(v);
		else if (!strcmp(k, "extra"))
			c->extra = strdup(v);
	}
	fclose(f);
	if (!c->kernel || !c->memory) {
		say_error("%s: %s", file, c->kernel ? "memory = 0" : "no kernel");
		return -1;
	}
	if (!c->cmdline && (c->root || c->extra)) {
		size_t n = (c->root ? strlen(c->root) + 6 : 0) +
			   (c->extra ? strlen(c->extra) : 0) + 2;

		c->cmdline = malloc(n);
		if (!c->cmdline)
			return -1;
		snprintf(c->cmdline, n, "%s%s%s%s", c->root ? "root=" : "",
			 c->root ? c->root : "", c->root && c->extra ? " " : "",
			 c->extra ? c->extra : "");
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: xgbuild [build] --domid N --store-evtchn P --console-evtchn Q\n"
		"               [--store-domid D] [--console-domid D] [--control-fd FD]\n"
		"               [--json] [--no-claim] [-v] CONFIG\n");
	exit(1);
}

static long num_arg(const char *opt, const char *s)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 0);
	if (errno || e == s || *e || v < 0) {
		fprintf(stderr, "xgbuild: %s: not a number: '%s'\n", opt, s);
		usage();
	}
	return v;
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	int i = 1;

	memset(o, 0, sizeof(*o));
	o->domid = o->store_evtchn = o->console_evtchn = -1;
	o->control_fd = -1;
	o->claim = 1;
	if (i < argc && !strcmp(argv[i], "build"))
		i++;
	for (; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--json"))
			o->json = 1;
		else if (!strcmp(a, "--no-claim"))
			o->claim = 0;
		else if (!strcmp(a, "-v"))
			o->verbose = 1;
		else if (a[0] == '-' && a[1] == '-' && i + 1 < argc) {
			long v = num_arg(a, argv[i + 1]);

			if (!strcmp(a, "--domid"))
				o->domid = v;
			else if (!strcmp(a, "--store-evtchn"))
				o->store_evtchn = v;
			else if (!strcmp(a, "--console-evtchn"))
				o->console_evtchn = v;
			else if (!strcmp(a, "--store-domid"))
				o->store_domid = v;
			else if (!strcmp(a, "--console-domid"))
				o->console_domid = v;
			else if (!strcmp(a, "--control-fd"))
				o->control_fd = (int)v;
			else
				usage();
			i++;
		} else if (a[0] != '-' && !o->config) {
			o->config = a;
		} else {
			usage();
		}
	}
	if (o->domid < 0 || o->store_evtchn < 0 || o->console_evtchn < 0 || !o->config)
		usage();
}

/* A phase: the call, its name for -v, failure reported as a call error. */
#define PHASE(o, name, call)                                                        \
	do {                                                                        \
		double t_ = now();                                                  \
		if ((call) != 0) {                                                  \
			say_error("%s failed: %s", name, strerror(errno));          \
			goto out;                                                   \
		}                                                                   \
		if ((o)->verbose)                                                   \
			fprintf(stderr, "xgbuild: phase %s %.6f\n", name, now() - t_); \
	} while (0)

int main(int argc, char **argv)
{
	struct opts o;
	struct gcfg cfg = { 0 };
	struct xc_dom_image *dom = NULL;
	xc_interface *xch;
	uint64_t store_mfn = 0, console_mfn = 0;
	char abi[64] = "";
	int rc = 3;

	parse_args(argc, argv, &o);
	control_fd = o.control_fd;
	if (cfg_read(o.config, &cfg) < 0)
		return 2;
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch) {
		say_error("xc_interface_open: %s", strerror(errno));
		return 3;
	}

	/* libxl__build_pv */
	xc_dom_loginit(xch);
	dom = xc_dom_allocate(xch, cfg.cmdline, NULL);
	if (!dom) {
		say_error("xc_dom_allocate failed: %s", strerror(errno));
		goto out;
	}
	dom->container_type = XC_DOM_PV_CONTAINER;
	PHASE(&o, "xc_dom_kernel_file", xc_dom_kernel_file(dom, cfg.kernel));
	if (cfg.ramdisk && *cfg.ramdisk)
		PHASE(&o, "xc_dom_module_file", xc_dom_module_file(dom, cfg.ramdisk, NULL));
	dom->flags = 0;
	dom->console_evtchn = (unsigned)o.console_evtchn;
	dom->console_domid = (uint32_t)o.console_domid;
	dom->xenstore_evtchn = (unsigned)o.store_evtchn;
	dom->xenstore_domid = (uint32_t)o.store_domid;
	dom->claim_enabled = o.claim;
	dom->max_vcpus = 1;

	/* libxl__build_dom (the x86 arch hooks have nothing to do for PV) */
	PHASE(&o, "xc_dom_boot_xen_init", xc_dom_boot_xen_init(dom, xch, (uint32_t)o.domid));
	PHASE(&o, "xc_dom_parse_image", xc_dom_parse_image(dom));
	PHASE(&o, "xc_dom_mem_init", xc_dom_mem_init(dom, (unsigned)cfg.memory));
	PHASE(&o, "xc_dom_boot_mem_init", xc_dom_boot_mem_init(dom));
	PHASE(&o, "xc_dom_build_image", xc_dom_build_image(dom));
	PHASE(&o, "xc_dom_boot_image", xc_dom_boot_image(dom));
	PHASE(&o, "xc_dom_gnttab_init", xc_dom_gnttab_init(dom));
	store_mfn = xc_dom_p2m(dom, dom->xenstore_pfn);
	console_mfn = xc_dom_p2m(dom, dom->console_pfn);
	snprintf(abi, sizeof(abi), "%s", dom->guest_type ? dom->guest_type : "?");
	rc = 0;
out:
	if (dom)
		xc_dom_release(dom);
	xc_interface_close(xch);
	if (rc)
		return rc;
	if (control_fd >= 0)
		dprintf(control_fd, "result:%" PRIu64 " %" PRIu64 " %s\n", store_mfn, console_mfn, abi);
	if (o.json)
		printf("{\"domid\":%ld,\"store_mfn\":%" PRIu64 ",\"console_mfn\":%" PRIu64 "}\n",
		       o.domid, store_mfn, console_mfn);
	else
		printf("store_mfn %" PRIu64 "\nconsole_mfn %" PRIu64 "\n", store_mfn, console_mfn);
	return 0;
}
