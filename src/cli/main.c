/*
 * main.c - the xbuild command line: the option table (which also renders
 * --help), argument parsing, signals and the dispatch to one cmd_NAME.c
 * per command, each of which lists its phases as calls.
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

#include "cli.h"
#include "print.h"

#define M_RUN (1u << C_RUN)
#define M_BUILD (1u << C_BUILD)
#define M_PLAN (1u << C_PLAN)
#define M_INSPECT (1u << C_INSPECT)
#define M_CHECK (1u << C_CHECK)
#define M_GC (1u << C_GC)
#define M_ALL (M_RUN | M_BUILD | M_PLAN | M_INSPECT | M_CHECK | M_GC)
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
	[C_GC] = { "gc", "gc [OPTIONS]",
		   "destroy domains whose builder was killed before it finished" },
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
#ifdef XB_TEST
	/* Test builds only (build-test/xbuild): never in the release binary. */
	{ "backend", required_argument, O_BACKEND, M_RUN | M_BUILD | M_GC, "xen|sim",
	  "test build: hypervisor backend (default xen; sim for tests)" },
	{ "test-bad-pte", no_argument, O_TEST_BAD_PTE, M_RUN | M_BUILD | M_PLAN, NULL,
	  "test build: corrupt one page-table entry before pinning" },
#endif
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
	char msg[XB_MSG_MAX], line[SAFE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "xbuild: %s\n(try 'xbuild %s%s--help')\n",
		safe(line, sizeof(line), msg), c->cmd ? cmds[c->cmd].name : "", c->cmd ? " " : "");
	return XB_EUSAGE;
}

static bool parse_num(const char *s, long max, long *out)
{
	uint64_t v;

	if (xb_parse_u64(s, strlen(s), XB_NUM_C, (uint64_t)max, &v))
		return false;
	*out = (long)v;
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
		case O_KERNEL: c->kernel = optarg; break;
		case O_RAMDISK: c->ramdisk = optarg; break;
		case O_CMDLINE: c->cmdline = optarg; break;
#ifdef XB_TEST
		case O_TEST_BAD_PTE: c->test_bad_pte = true; break;
		case O_BACKEND:
			if (strcmp(optarg, "xen") && strcmp(optarg, "sim"))
				return usage_error(c, "--backend: '%s' is not xen or sim", optarg);
			c->use_sim = !strcmp(optarg, "sim");
			break;
#endif
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
	if (optind < argc && c->cmd != C_GC)
		c->arg = argv[optind++];
	if (optind < argc)
		return usage_error(c, "unexpected argument '%s'", argv[optind]);
	if (!c->arg && c->cmd != C_GC && !(c->cmd == C_BUILD && c->kernel))
		return usage_error(c, "%s needs a file argument", cmds[c->cmd].name);
	if (c->cmd == C_BUILD && (c->domid < 0 || c->store_evtchn < 0 ||
				  c->console_evtchn < 0))
		return usage_error(c, "%s needs --domid, --store-evtchn and --console-evtchn",
				   "build");
	return 0;
}

/*
 * SIGINT/SIGTERM/SIGHUP.  Before a command may create anything (parsing,
 * reading, decompressing) there is nothing to clean up: xbuild exits at
 * once with 128 + signal.  From the moment a command sets *c->defer, the
 * signal is remembered and acted on between build steps, where the
 * half-built domain is destroyed; then xbuild exits 128 + signal.
 */
static volatile sig_atomic_t stop_signal, defer_signals;

static void on_signal(int sig)
{
	static const char msg[] = "xbuild: interrupted by signal ";
	char num[4] = { (char)('0' + sig / 10 % 10), (char)('0' + sig % 10), '\n' };

	stop_signal = sig;
	if (defer_signals)
		return;
	/* async-signal-safe: write(2) and _exit(2) only */
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)!write(STDERR_FILENO, num + (sig < 10), sig < 10 ? 2 : 3);
	_exit(128 + sig);
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

static int (*const run_cmd[C_COUNT])(struct cli *c) = {
	[C_RUN] = cmd_run,
	[C_BUILD] = cmd_build,
	[C_PLAN] = cmd_plan,
	[C_INSPECT] = cmd_inspect,
	[C_CHECK] = cmd_check,
	[C_GC] = cmd_gc,
};

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = parse_args(&c, argc, argv);
	if (rc)
		return rc;
	catch_signals();
	c.stop = &stop_signal;
	c.defer = &defer_signals;
	rc = run_cmd[c.cmd](&c);
	if (rc < 0) {
		if (!c.err.code)
			xb_fail(&c.err, XB_EINTERNAL, "failed without a message");
		print_error(&c, &c.err);
		return stop_signal ? 128 + stop_signal : c.err.code;
	}
	return 0;
}
