/*
 * main.c - the xbuild command line.  The only place that prints usage,
 * writes results and exits.  main() reads as the boot sequence:
 * parse the config, load the kernel, plan, create, build, start.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/xen.h>
#include <xen/foreign/x86_32.h>
#include <xen/foreign/x86_64.h>

#include "../builder/build.h"
#include "../hv/hv_sim.h"
#include "config.h"
#include "json.h"

enum cmd { C_NONE, C_RUN, C_BUILD, C_PLAN, C_INSPECT, C_CHECK };

#define M_RUN (1u << C_RUN)
#define M_BUILD (1u << C_BUILD)
#define M_PLAN (1u << C_PLAN)
#define M_INSPECT (1u << C_INSPECT)
#define M_CHECK (1u << C_CHECK)
#define M_ALL (M_RUN | M_BUILD | M_PLAN | M_INSPECT | M_CHECK)
#define M_CFG (M_RUN | M_BUILD | M_PLAN | M_CHECK)

static const struct {
	const char *name;
	const char *usage;
	const char *help;
} cmds[] = {
	[C_RUN] = { "run", "run [OPTIONS] DOMAIN.CFG",
		    "create, build and start a PV domain; print its domid" },
	[C_BUILD] = { "build", "build --domid N --store-evtchn P --console-evtchn Q [OPTIONS] [DOMAIN.CFG]",
		      "build into a domain a toolstack created; print store/console MFNs" },
	[C_PLAN] = { "plan", "plan [OPTIONS] DOMAIN.CFG",
		     "build on the simulated hypervisor; print layout and start_info" },
	[C_INSPECT] = { "inspect", "inspect [OPTIONS] KERNEL",
			"show what the loader sees in a kernel image" },
	[C_CHECK] = { "check", "check [OPTIONS] DOMAIN.CFG",
		      "validate a config and the files it names" },
};

enum {
	O_HELP = 'h', O_VERSION = 'V', O_VERBOSE = 'v', O_PAUSED = 'p',
	O_JSON = 256, O_MEMORY, O_MAXDEC, O_DOMID, O_STORE_EVTCHN,
	O_CONSOLE_EVTCHN, O_STORE_DOMID, O_CONSOLE_DOMID, O_CONTROL_FD,
	O_KERNEL, O_RAMDISK, O_CMDLINE, O_BACKEND, O_TEST_BAD_PTE,
};

/* One table drives getopt_long and --help. */
static const struct opt {
	const char *name;
	int has_arg;
	int val;
	unsigned cmds;
	const char *arg, *help;
} opts[] = {
	{ "help", no_argument, O_HELP, M_ALL, NULL, "show this help" },
	{ "version", no_argument, O_VERSION, M_ALL, NULL, "show the version" },
	{ "verbose", no_argument, O_VERBOSE, M_ALL, NULL, "say what happens, step by step" },
	{ "json", no_argument, O_JSON, M_ALL, NULL, "machine-readable output (errors too)" },
	{ "paused", no_argument, O_PAUSED, M_RUN, NULL, "leave the domain paused" },
	{ "memory", required_argument, O_MEMORY, M_CFG, "MiB", "override the config's memory" },
	{ "max-decompressed", required_argument, O_MAXDEC, M_ALL, "MiB",
	  "cap on any decompressed size (default 1024)" },
	{ "kernel", required_argument, O_KERNEL, M_CFG, "FILE", "override the config's kernel" },
	{ "ramdisk", required_argument, O_RAMDISK, M_CFG, "FILE", "override the config's ramdisk" },
	{ "cmdline", required_argument, O_CMDLINE, M_CFG, "TEXT", "override the guest command line" },
	{ "domid", required_argument, O_DOMID, M_BUILD, "N", "the domain to build into" },
	{ "store-evtchn", required_argument, O_STORE_EVTCHN, M_BUILD, "P", "xenstore event channel" },
	{ "console-evtchn", required_argument, O_CONSOLE_EVTCHN, M_BUILD, "Q", "console event channel" },
	{ "store-domid", required_argument, O_STORE_DOMID, M_BUILD, "N", "xenstored's domain (default 0)" },
	{ "console-domid", required_argument, O_CONSOLE_DOMID, M_BUILD, "N", "xenconsoled's domain (default 0)" },
	{ "control-fd", required_argument, O_CONTROL_FD, M_BUILD, "FD",
	  "write 'result:STORE CONSOLE x86_64-abi' or 'error:MSG' to FD" },
	{ "backend", required_argument, O_BACKEND, M_RUN | M_BUILD, "xen|sim",
	  "hypervisor backend (default xen; sim for tests)" },
	{ "test-bad-pte", no_argument, O_TEST_BAD_PTE, M_RUN | M_BUILD | M_PLAN, NULL,
	  "test only: corrupt one page-table entry before pinning" },
};

struct cli {
	enum cmd cmd;
	const char *arg;	/* the config or kernel file */
	bool json, verbose, paused, test_bad_pte, use_sim;
	uint64_t memory_mb, max_dec_mb;
	const char *kernel, *ramdisk, *cmdline;
	long domid, store_evtchn, console_evtchn, store_domid, console_domid;
	int control_fd;
	struct xb_err err;
};

static void usage(FILE *f, enum cmd c)
{
	fprintf(f, "usage: xbuild %s\n\n", c ? cmds[c].usage : "COMMAND [OPTIONS] ARG");
	if (!c) {
		fprintf(f, "commands:\n");
		for (unsigned i = 1; i < XB_ARRAY_SIZE(cmds); i++)
			fprintf(f, "  %-8s %s\n", cmds[i].name, cmds[i].help);
		fprintf(f, "\n");
	}
	fprintf(f, "options:\n");
	for (size_t i = 0; i < XB_ARRAY_SIZE(opts); i++) {
		char lhs[48];

		if (c && !(opts[i].cmds & (1u << c)))
			continue;
		snprintf(lhs, sizeof(lhs), "%s%c%s--%s%s%s",
			 opts[i].val < 256 ? "-" : "", opts[i].val < 256 ? opts[i].val : ' ',
			 opts[i].val < 256 ? ", " : "  ", opts[i].name,
			 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-30s %s\n", lhs + (opts[i].val < 256 ? 0 : 2), opts[i].help);
	}
	fprintf(f, "\nexit codes: 0 ok, 1 usage, 2 bad config/kernel/initrd, "
		"3 hypervisor failure, 4 internal error.  See xbuild(1).\n");
}

static int usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int usage_error(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xbuild: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try 'xbuild %s%s--help')\n",
		c->cmd ? cmds[c->cmd].name : "", c->cmd ? " " : "");
	return XB_EUSAGE;
}

static bool parse_num(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < 0 || v > max)
		return false;
	*out = v;
	return true;
}

static int parse_args(struct cli *c, int argc, char **argv)
{
	struct option lo[XB_ARRAY_SIZE(opts) + 1];
	char shorts[32] = "+";
	long n;
	int ch;

	memset(lo, 0, sizeof(lo));
	for (size_t i = 0; i < XB_ARRAY_SIZE(opts); i++) {
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].has_arg;
		lo[i].val = opts[i].val;
		if (opts[i].val < 256) {
			size_t l = strlen(shorts);

			shorts[l] = (char)opts[i].val;
			shorts[l + 1] = opts[i].has_arg ? ':' : '\0';
			shorts[l + 2] = '\0';
		}
	}
	c->domid = c->store_evtchn = c->console_evtchn = -1;
	c->control_fd = -1;

	if (argc > 1 && argv[1][0] != '-') {
		for (unsigned i = 1; i < XB_ARRAY_SIZE(cmds); i++)
			if (!strcmp(argv[1], cmds[i].name))
				c->cmd = (enum cmd)i;
		if (!c->cmd)
			return usage_error(c, "unknown command '%s'", argv[1]);
		argc--;
		argv++;
	}
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct opt *o = NULL;

		for (size_t i = 0; i < XB_ARRAY_SIZE(opts); i++)
			if (opts[i].val == ch)
				o = &opts[i];
		if (ch == '?' || !o)
			return usage_error(c, "unknown option '%s'", argv[optind - 1]);
		if (c->cmd && !(o->cmds & (1u << c->cmd)))
			return usage_error(c, "--%s does not apply here", o->name);
		switch (ch) {
		case O_HELP: usage(stdout, c->cmd); exit(0);
		case O_VERSION: printf("xbuild %s\n", XB_VERSION); exit(0);
		case O_VERBOSE: c->verbose = true; break;
		case O_JSON: c->json = true; break;
		case O_PAUSED: c->paused = true; break;
		case O_TEST_BAD_PTE: c->test_bad_pte = true; break;
		case O_KERNEL: c->kernel = optarg; break;
		case O_RAMDISK: c->ramdisk = optarg; break;
		case O_CMDLINE: c->cmdline = optarg; break;
		case O_BACKEND:
			if (strcmp(optarg, "xen") && strcmp(optarg, "sim"))
				return usage_error(c, "--backend: '%s' is not xen or sim", optarg);
			c->use_sim = !strcmp(optarg, "sim");
			break;
		case O_MEMORY:
		case O_MAXDEC:
			if (!parse_num(optarg, 16L << 20, &n) || n == 0)
				return usage_error(c, "bad size in MiB: '%s'", optarg);
			*(ch == O_MEMORY ? &c->memory_mb : &c->max_dec_mb) = (uint64_t)n;
			break;
		case O_CONTROL_FD:
			if (!parse_num(optarg, INT_MAX, &n))
				return usage_error(c, "bad file descriptor '%s'", optarg);
			c->control_fd = (int)n;
			break;
		default:
			if (!parse_num(optarg, 0x7fef, &n))
				return usage_error(c, "bad number '%s'", optarg);
			if (ch == O_DOMID) c->domid = n;
			else if (ch == O_STORE_EVTCHN) c->store_evtchn = n;
			else if (ch == O_CONSOLE_EVTCHN) c->console_evtchn = n;
			else if (ch == O_STORE_DOMID) c->store_domid = n;
			else c->console_domid = n;
			break;
		}
	}
	if (!c->cmd) {
		usage(stderr, C_NONE);
		return XB_EUSAGE;
	}
	if (optind < argc)
		c->arg = argv[optind++];
	if (optind < argc)
		return usage_error(c, "unexpected argument '%s'", argv[optind]);
	if (!c->arg && !(c->cmd == C_BUILD && c->kernel))
		return usage_error(c, "%s needs a file argument", cmds[c->cmd].name);
	if (c->cmd == C_BUILD && (c->domid < 0 || c->store_evtchn < 0 ||
				  c->console_evtchn < 0))
		return usage_error(c, "%s needs --domid, --store-evtchn and --console-evtchn",
				   "build");
	return 0;
}

/* ---- output ---- */

static void print_error(const struct cli *c, const struct xb_err *e)
{
	fprintf(stderr, "xbuild: %s\n", e->msg);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_obj(&j, "error");
		json_u64(&j, "code", (uint64_t)e->code);
		json_str(&j, "message", e->msg);
		json_end(&j);
	}
	if (c->control_fd >= 0)
		dprintf(c->control_fd, "error:%s\n", e->msg);
}

static void print_warnings(const struct cli *c, const struct dom_config *cfg,
			   struct json *j)
{
	if (j) {
		json_arr(j, "warnings");
		for (size_t i = 0; i < cfg->warnings.n; i++)
			json_str(j, NULL, cfg->warnings.v[i]);
		json_close(j, ']');
	} else if (!c->json) {
		for (size_t i = 0; i < cfg->warnings.n; i++)
			fprintf(stderr, "xbuild: warning: %s\n", cfg->warnings.v[i]);
	}
}

struct seg_row {
	const char *name;
	const struct layout_seg *s;
	bool mapped;
};

static size_t seg_rows(const struct layout *l, struct seg_row *r)
{
	size_t n = 0;

	r[n++] = (struct seg_row){ "kernel", &l->kernel, true };
	if (l->has_initrd && !l->initrd_unmapped)
		r[n++] = (struct seg_row){ "initrd", &l->initrd, true };
	if (l->p2m_base == XB_UNSET)
		r[n++] = (struct seg_row){ "p2m", &l->p2m, true };
	r[n++] = (struct seg_row){ "start_info", &l->start_info, true };
	r[n++] = (struct seg_row){ "xenstore", &l->xenstore, true };
	r[n++] = (struct seg_row){ "console", &l->console, true };
	r[n++] = (struct seg_row){ "pagetables", &l->pgtables, true };
	r[n++] = (struct seg_row){ "stack", &l->stack, true };
	if (l->has_initrd && l->initrd_unmapped)
		r[n++] = (struct seg_row){ "initrd", &l->initrd, false };
	if (l->p2m_base != XB_UNSET)
		r[n++] = (struct seg_row){ "p2m", &l->p2m, true };
	return n;
}

/* start_info as the guest will see it, whatever its layout. */
struct si_view {
	char magic[33];
	char cmd_line[MAX_GUEST_CMDLINE + 1];
	uint64_t nr_pages, flags, pt_base, nr_pt_frames, mfn_list, mod_start,
		mod_len, store_mfn, console_mfn, first_p2m_pfn, nr_p2m_frames;
};

#define SI_COPY(v, si) do {						\
	memcpy((v)->magic, (si)->magic, sizeof((si)->magic));		\
	memcpy((v)->cmd_line, (si)->cmd_line, MAX_GUEST_CMDLINE);	\
	(v)->nr_pages = (si)->nr_pages;					\
	(v)->flags = (si)->flags;					\
	(v)->pt_base = (si)->pt_base;					\
	(v)->nr_pt_frames = (si)->nr_pt_frames;				\
	(v)->mfn_list = (si)->mfn_list;					\
	(v)->mod_start = (si)->mod_start;				\
	(v)->mod_len = (si)->mod_len;					\
	(v)->store_mfn = (si)->store_mfn;				\
	(v)->console_mfn = (si)->console.domU.mfn;			\
	(v)->first_p2m_pfn = (si)->first_p2m_pfn;			\
	(v)->nr_p2m_frames = (si)->nr_p2m_frames;			\
} while (0)

/* Read the start_info page back from the simulated guest's memory. */
static void sim_start_info(struct dom *d, struct si_view *v)
{
	const void *page = hv_sim_frame(d->hv, d->p2m[d->layout.start_info.pfn]);

	memset(v, 0, sizeof(*v));
	if (d->layout.gp->type == XB_GUEST_X86_64)
		SI_COPY(v, (const start_info_x86_64_t *)page);
	else
		SI_COPY(v, (const start_info_x86_32_t *)page);
}

static void pt_levels(const struct layout *l, char *buf, size_t len)
{
	static const char *names[] = { "L1", "L2", "L3", "L4" };
	size_t off = 0;

	buf[0] = '\0';
	for (int lv = (int)l->gp->levels - 1; lv >= 0 && off < len; lv--)
		off += (size_t)snprintf(buf + off, len - off, "%s%" PRIu64 " %s",
					off ? ", " : "", l->maps[0].lvls[lv].pgtables,
					names[lv]);
}

static void plan_json(struct dom *d, const struct cli *c)
{
	const struct layout *l = &d->layout;
	struct seg_row rows[10];
	size_t n = seg_rows(l, rows);
	struct si_view si;
	struct json j;

	sim_start_info(d, &si);
	json_begin(&j, stdout);
	json_str(&j, "guest_type", l->gp->magic);
	json_hex(&j, "virt_base", l->virt_base);
	json_hex(&j, "virt_entry", l->virt_entry);
	json_hex(&j, "virt_kstart", l->virt_kstart);
	json_hex(&j, "virt_kend", l->virt_kend);
	json_u64(&j, "nr_pages", l->nr_pages);
	json_arr(&j, "segments");
	for (size_t i = 0; i < n; i++) {
		json_obj(&j, NULL);
		json_str(&j, "name", rows[i].name);
		if (rows[i].mapped) {
			json_hex(&j, "vstart", rows[i].s->vstart);
			json_hex(&j, "vend", rows[i].s->vend);
		} else {
			json_null(&j, "vstart");
			json_null(&j, "vend");
		}
		json_u64(&j, "pfn", rows[i].s->pfn);
		json_u64(&j, "pages", rows[i].s->pages);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_hex(&j, "virt_alloc_end", l->virt_alloc_end);
	json_hex(&j, "virt_pgtab_end", l->virt_pgtab_end);
	json_obj(&j, "pagetables_per_level");
	for (int lv = (int)l->gp->levels - 1; lv >= 0; lv--) {
		char k[4] = { 'L', (char)('1' + lv), 0, 0 };

		json_u64(&j, k, l->maps[0].lvls[lv].pgtables);
	}
	json_close(&j, '}');
	json_obj(&j, "start_info");
	json_str(&j, "magic", si.magic);
	json_u64(&j, "nr_pages", si.nr_pages);
	json_hex(&j, "flags", si.flags);
	json_hex(&j, "pt_base", si.pt_base);
	json_u64(&j, "nr_pt_frames", si.nr_pt_frames);
	json_hex(&j, "mfn_list", si.mfn_list);
	json_hex(&j, "mod_start", si.mod_start);
	json_u64(&j, "mod_len", si.mod_len);
	json_hex(&j, "store_mfn", si.store_mfn);
	json_hex(&j, "console_mfn", si.console_mfn);
	json_str(&j, "cmd_line", si.cmd_line);
	json_hex(&j, "first_p2m_pfn", si.first_p2m_pfn);
	json_u64(&j, "nr_p2m_frames", si.nr_p2m_frames);
	json_close(&j, '}');
	json_str(&j, "initrd_format", d->cfg->ramdisk ? d->initrd_format : NULL);
	print_warnings(c, d->cfg, &j);
	json_end(&j);
}

static void plan_text(struct dom *d)
{
	const struct layout *l = &d->layout;
	struct seg_row rows[10];
	size_t n = seg_rows(l, rows);
	struct si_view si;
	char lv[96];

	printf("guest        %s (%s, %s)\n", l->gp->magic, d->kernel.format,
	       d->kernel.compression);
	printf("memory       %" PRIu64 " MiB (%" PRIu64 " pages)\n",
	       l->nr_pages >> 8, l->nr_pages);
	printf("virt_base    %#" PRIx64 "\nentry        %#" PRIx64 "\n",
	       l->virt_base, l->virt_entry);
	printf("kernel       %#" PRIx64 "-%#" PRIx64 "\n\n", l->virt_kstart, l->virt_kend);
	printf("%-12s %-18s %-18s %10s %8s\n", "segment", "vstart", "vend", "pfn", "pages");
	for (size_t i = 0; i < n; i++) {
		if (rows[i].mapped)
			printf("%-12s %#-18" PRIx64 " %#-18" PRIx64, rows[i].name,
			       rows[i].s->vstart, rows[i].s->vend);
		else
			printf("%-12s %-18s %-18s", rows[i].name, "(unmapped)", "");
		printf(" %#10" PRIx64 " %8" PRIu64 "\n", rows[i].s->pfn, rows[i].s->pages);
	}
	pt_levels(l, lv, sizeof(lv));
	printf("\nvirt_alloc_end  %#" PRIx64 "\nvirt_pgtab_end  %#" PRIx64 "\n",
	       l->virt_alloc_end, l->virt_pgtab_end);
	printf("page tables     %" PRIu64 " (%s)\n", l->nr_pt_frames, lv);
	sim_start_info(d, &si);
	printf("\nstart_info (as written into the simulated guest)\n");
	printf("  magic          %s\n", si.magic);
	printf("  nr_pages       %" PRIu64 "\n", si.nr_pages);
	printf("  flags          %#" PRIx64 "\n", si.flags);
	printf("  pt_base        %#" PRIx64 "\n", si.pt_base);
	printf("  nr_pt_frames   %" PRIu64 "\n", si.nr_pt_frames);
	printf("  mfn_list       %#" PRIx64 "\n", si.mfn_list);
	printf("  mod_start      %#" PRIx64 "\n", si.mod_start);
	printf("  mod_len        %" PRIu64 "\n", si.mod_len);
	printf("  first_p2m_pfn  %#" PRIx64 "\n", si.first_p2m_pfn);
	printf("  nr_p2m_frames  %" PRIu64 "\n", si.nr_p2m_frames);
	printf("  store_mfn      %#" PRIx64 " (simulated)\n", si.store_mfn);
	printf("  console_mfn    %#" PRIx64 " (simulated)\n", si.console_mfn);
	printf("  cmd_line       \"%s\"\n", si.cmd_line);
}

static void inspect_out(const struct cli *c, const struct kernel_image *k)
{
	const struct xen_notes *n = &k->notes;
	const struct guest_params *gp = guest_params_get(k->guest);

	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "format", k->format);
		json_str(&j, "compression", k->compression);
		json_u64(&j, "file_size", k->file_len);
		json_u64(&j, "elf_size", k->elf_len);
		json_u64(&j, "elf_class", (uint64_t)k->elf_class);
		json_str(&j, "guest_type", gp ? gp->magic : NULL);
		json_hex(&j, "virt_base", k->virt_base);
		json_hex(&j, "virt_entry", k->virt_entry);
		json_hex(&j, "virt_kstart", k->virt_kstart);
		json_hex(&j, "virt_kend", k->virt_kend);
		json_hex(&j, "paddr_offset", k->paddr_offset);
		json_obj(&j, "notes");
		json_str(&j, "source", n->source);
		json_str(&j, "xen_version", n->xen_version);
		json_str(&j, "guest_os", n->guest_os);
		json_str(&j, "loader", n->loader);
		json_str(&j, "pae_mode", n->pae_mode);
		json_str(&j, "features", n->features);
		if (n->has_entry) json_hex(&j, "entry", n->entry);
		if (n->has_virt_base) json_hex(&j, "virt_base", n->virt_base);
		if (n->has_paddr_offset) json_hex(&j, "paddr_offset", n->paddr_offset);
		if (n->has_hypercall_page) json_hex(&j, "hypercall_page", n->hypercall_page);
		if (n->has_init_p2m) json_hex(&j, "init_p2m", n->init_p2m);
		json_bool(&j, "mod_start_pfn", n->mod_start_pfn);
		json_hex(&j, "supported_features", n->feat_supported[0]);
		json_hex(&j, "required_features", n->feat_required[0]);
		json_close(&j, '}');
		json_arr(&j, "segments");
		for (unsigned i = 0; i < k->nsegs; i++) {
			json_obj(&j, NULL);
			json_hex(&j, "paddr", k->segs[i].paddr);
			json_hex(&j, "vaddr", k->segs[i].vaddr);
			json_hex(&j, "offset", k->segs[i].offset);
			json_u64(&j, "filesz", k->segs[i].filesz);
			json_u64(&j, "memsz", k->segs[i].memsz);
			json_hex(&j, "flags", k->segs[i].flags);
			json_close(&j, '}');
		}
		json_close(&j, ']');
		json_end(&j);
		return;
	}
	printf("format         %s\ncompression    %s\n", k->format, k->compression);
	printf("file size      %" PRIu64 "\nELF size       %" PRIu64 " (ELF%d)\n",
	       k->file_len, k->elf_len, k->elf_class);
	printf("guest type     %s\n", gp ? gp->magic : "?");
	printf("virt_base      %#" PRIx64 "\nentry          %#" PRIx64 "\n",
	       k->virt_base, k->virt_entry);
	printf("kernel         %#" PRIx64 "-%#" PRIx64 " (%" PRIu64 " pages)\n",
	       k->virt_kstart, k->virt_kend, xb_pages(k->virt_kend - k->virt_kstart));
	printf("notes (%s):\n", n->source ? n->source : "none");
	printf("  XEN_VERSION  %s\n  GUEST_OS     %s\n  LOADER       %s\n",
	       n->xen_version, n->guest_os, n->loader);
	if (n->pae_mode[0]) printf("  PAE_MODE     %s\n", n->pae_mode);
	if (n->features[0]) printf("  FEATURES     %s\n", n->features);
	if (n->has_entry) printf("  ENTRY        %#" PRIx64 "\n", n->entry);
	if (n->has_virt_base) printf("  VIRT_BASE    %#" PRIx64 "\n", n->virt_base);
	if (n->has_paddr_offset) printf("  PADDR_OFFSET %#" PRIx64 "\n", n->paddr_offset);
	if (n->has_hypercall_page) printf("  HYPERCALL_PAGE %#" PRIx64 "\n", n->hypercall_page);
	if (n->has_init_p2m) printf("  INIT_P2M     %#" PRIx64 "\n", n->init_p2m);
	if (n->mod_start_pfn) printf("  MOD_START_PFN 1\n");
	printf("segments:\n  %-18s %-18s %10s %10s %s\n", "paddr", "vaddr", "filesz",
	       "memsz", "flags");
	for (unsigned i = 0; i < k->nsegs; i++)
		printf("  %#-18" PRIx64 " %#-18" PRIx64 " %10" PRIu64 " %10" PRIu64 " %c%c%c\n",
		       k->segs[i].paddr, k->segs[i].vaddr, k->segs[i].filesz,
		       k->segs[i].memsz, k->segs[i].flags & 4 ? 'r' : '-',
		       k->segs[i].flags & 2 ? 'w' : '-', k->segs[i].flags & 1 ? 'x' : '-');
}

/* ---- commands ---- */

static int cmd_inspect(struct cli *c)
{
	struct loader_opts lo = { .max_decompressed = c->max_dec_mb << 20 };
	struct kernel_image k;
	uint8_t *buf;
	size_t len;
	int rc;

	if (!lo.max_decompressed)
		lo.max_decompressed = XB_DEFAULT_MAX_DECOMP;
	rc = xb_read_file(c->arg, lo.max_decompressed, &buf, &len, &c->err);
	if (rc < 0)
		return rc;
	rc = kernel_parse(c->arg, buf, len, &lo, &k, &c->err);
	if (rc == 0) {
		inspect_out(c, &k);
		kernel_image_free(&k);
	}
	free(buf);
	return rc;
}

static int load_config(struct cli *c, struct dom_config *cfg)
{
	int rc = 0;

	cfg_init(cfg);
	if (c->arg) {
		uint8_t *buf;
		size_t len;

		rc = xb_read_file(c->arg, 1 << 20, &buf, &len, &c->err);
		if (rc < 0)
			return rc;
		rc = cfg_parse(c->arg, (const char *)buf, len, cfg, &c->err);
		free(buf);
		if (rc < 0)
			return rc;
	} else {
		/* build with --kernel etc. and no config */
		snprintf(cfg->name, sizeof(cfg->name), "domain-%ld", c->domid);
		if (!cfg_set_str(&cfg->source, "command line"))
			return xb_fail(&c->err, XB_EINTERNAL, "out of memory");
	}
	if ((c->kernel && !cfg_set_str(&cfg->kernel, c->kernel)) ||
	    (c->ramdisk && !cfg_set_str(&cfg->ramdisk, c->ramdisk)) ||
	    (c->cmdline && !cfg_set_str(&cfg->cmdline, c->cmdline)))
		return xb_fail(&c->err, XB_EINTERNAL, "out of memory");
	if (c->memory_mb) {
		cfg->memory_mb = c->memory_mb;
		if (cfg->maxmem_mb < cfg->memory_mb)
			cfg->maxmem_mb = cfg->memory_mb;
	}
	if (c->max_dec_mb)
		cfg->max_decompressed = c->max_dec_mb << 20;
	/* The overrides get the checks the config's own keys got. */
	return cfg_finish(cfg, &c->err);
}

static int open_backend(struct cli *c, struct dom *d, bool sim)
{
	if (sim) {
		/* Fault injection for tests: fail the k-th backend call, the
		 * first call of one operation, or populate beyond a limit. */
		const char *fc = getenv("XBUILD_SIM_FAIL_CALL");
		const char *mp = getenv("XBUILD_SIM_MAX_PAGES");
		struct hv_sim_opts so = {
			.fail_call = fc ? atoi(fc) : 0,
			.fail_op = getenv("XBUILD_SIM_FAIL_OP"),
			.max_pages = mp ? strtoull(mp, NULL, 0) : 0,
		};

		return hv_sim_open(&so, &d->hv, &c->err);
	}
	return hv_xen_open(&d->hv, &c->err);
}

/* SIGINT/SIGTERM: remembered, acted on between build steps, where the
 * half-built domain is destroyed; then xbuild exits 128 + signal. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void say(const struct cli *c, const char *what)
{
	if (c->verbose)
		fprintf(stderr, "xbuild: %s\n", what);
}

static int cmd_config(struct cli *c)
{
	struct dom_config cfg;
	struct dom d;
	int rc;

	say(c, "parsing the config");
	rc = load_config(c, &cfg);
	if (rc < 0) {
		cfg_free(&cfg);
		return rc;
	}
	dom_init(&d, &cfg);
	d.test_bad_pte = c->test_bad_pte;
	d.stop = &stop_signal;
	say(c, "loading the kernel and initrd");
	if ((rc = dom_load(&d)) < 0)
		goto out;
	say(c, "computing the layout");
	if ((rc = dom_plan(&d)) < 0)
		goto out;
	if (c->cmd == C_CHECK) {
		if (c->json) {
			struct json j;

			json_begin(&j, stdout);
			json_bool(&j, "ok", true);
			json_str(&j, "name", cfg.name);
			json_str(&j, "guest_type", d.layout.gp->magic);
			json_u64(&j, "nr_pages", d.layout.nr_pages);
			print_warnings(c, &cfg, &j);
			json_end(&j);
		} else {
			print_warnings(c, &cfg, NULL);
			printf("%s: ok: %s, %s kernel (%s, %s), %" PRIu64 " MiB\n",
			       c->arg ? c->arg : "command line", cfg.name,
			       d.layout.gp->magic, d.kernel.format,
			       d.kernel.compression, cfg.memory_mb);
		}
		goto out;
	}

	if ((rc = open_backend(c, &d, c->cmd == C_PLAN || c->use_sim)) < 0)
		goto out;
	if (c->cmd == C_BUILD) {
		d.domid = (uint32_t)c->domid;
		d.store_evtchn = (uint32_t)c->store_evtchn;
		d.console_evtchn = (uint32_t)c->console_evtchn;
		d.store_domid = (uint32_t)c->store_domid;
		d.console_domid = (uint32_t)c->console_domid;
		/* The simulated hypervisor has no toolstack-made domain:
		 * make one in its place (its domid wins). */
		if (c->use_sim && (rc = dom_create(&d)) < 0)
			goto close;
		if (!c->use_sim && (rc = dom_check_caps(&d)) < 0)
			goto close;
		say(c, "building");
		rc = dom_build(&d);
	} else {
		say(c, "creating and building the domain");
		rc = dom_run(&d, c->paused);
	}
	if (rc < 0)
		goto close;

	if (c->cmd == C_PLAN) {
		if (c->json)
			plan_json(&d, c);
		else {
			print_warnings(c, &cfg, NULL);
			plan_text(&d);
		}
		dom_destroy(&d);
	} else if (c->cmd == C_BUILD) {
		if (c->control_fd >= 0)
			dprintf(c->control_fd, "result:%" PRIu64 " %" PRIu64 " %s-abi\n",
				d.store_mfn, d.console_mfn,
				d.layout.gp->type == XB_GUEST_X86_64 ? "x86_64" : "x86_32");
		if (c->json) {
			struct json j;

			json_begin(&j, stdout);
			json_u64(&j, "domid", d.domid);
			json_u64(&j, "store_mfn", d.store_mfn);
			json_u64(&j, "console_mfn", d.console_mfn);
			json_str(&j, "guest_type", d.layout.gp->magic);
			print_warnings(c, &cfg, &j);
			json_end(&j);
		} else {
			print_warnings(c, &cfg, NULL);
			printf("store_mfn %" PRIu64 "\nconsole_mfn %" PRIu64 "\n",
			       d.store_mfn, d.console_mfn);
		}
	} else {
		if (c->json) {
			struct json j;

			json_begin(&j, stdout);
			json_u64(&j, "domid", d.domid);
			json_str(&j, "name", cfg.name);
			json_bool(&j, "paused", c->paused);
			json_u64(&j, "store_mfn", d.store_mfn);
			json_u64(&j, "console_mfn", d.console_mfn);
			print_warnings(c, &cfg, &j);
			json_end(&j);
		} else {
			print_warnings(c, &cfg, NULL);
			printf("%u\n", d.domid);
		}
	}
close:
	if (rc < 0 && d.destroyed && c->cmd != C_PLAN)
		fprintf(stderr, "xbuild: domain %u destroyed\n", d.domid);
	hv_close(d.hv);
out:
	/* Config and backend errors are on c->err, build errors on d.err. */
	if (rc < 0 && d.err.code)
		c->err = d.err;
	dom_free(&d);
	cfg_free(&cfg);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = parse_args(&c, argc, argv);
	if (rc)
		return rc;
	catch_signals();
	rc = c.cmd == C_INSPECT ? cmd_inspect(&c) : cmd_config(&c);
	if (rc < 0) {
		if (!c.err.code)
			xb_fail(&c.err, XB_EINTERNAL, "failed without a message");
		print_error(&c, &c.err);
		return stop_signal ? 128 + stop_signal : c.err.code;
	}
	return 0;
}
