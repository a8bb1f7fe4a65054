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
#include "json.h"
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
	const char *usage;
	const char *help;
} cmds[] = {
	[C_RUN] = { "run [OPTIONS] DOMAIN.CFG [KEY=VALUE...]",
		    "create, build and start a PV domain; print its domid" },
	[C_BUILD] = { "build --domid N --store-evtchn P --console-evtchn Q [OPTIONS] [DOMAIN.CFG] [KEY=VALUE...]",
		      "build into a domain a toolstack created; print store/console MFNs" },
	[C_PLAN] = { "plan [OPTIONS] DOMAIN.CFG [KEY=VALUE...]",
		     "build on the simulated hypervisor; print layout and start_info" },
	[C_INSPECT] = { "inspect [OPTIONS] KERNEL",
			"show what the loader sees in a kernel image" },
	[C_CHECK] = { "check [OPTIONS] DOMAIN.CFG [KEY=VALUE...]",
		      "validate a config and the files it names" },
	[C_GC] = { "gc [OPTIONS]",
		   "destroy domains whose builder was killed before it finished" },
};

enum {
	O_HELP = 'h',
	O_VERSION = 'V',
	O_VERBOSE = 'v',
	O_PAUSED = 'p',
	O_QUIET = 'q',
	O_CONSOLE = 'c',
	O_FOREGROUND = 'F',
	O_JSON = 256,
	O_SHUTDOWN_TIMEOUT,
	O_NO_DEVICES,
	O_RESOLVED,
	O_MEMORY,
	O_MAXDEC,
	O_DOMID,
	O_STORE_EVTCHN,
	O_CONSOLE_EVTCHN,
	O_STORE_DOMID,
	O_CONSOLE_DOMID,
	O_CONTROL_FD,
	O_KERNEL,
	O_RAMDISK,
	O_CMDLINE,
	O_BACKEND,
	O_TEST_BAD_PTE,
	O_TIMINGS,
	O_CACHE_DIR,
	O_CACHE_MAX,
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
	{ "verbose", no_argument, O_VERBOSE, M_ALL, NULL,
	  "say each phase, with sizes and times" },
	{ "timings", no_argument, O_TIMINGS, M_RUN | M_BUILD | M_PLAN, NULL,
	  "the time of each phase, at the end (stderr, or \"timings\" in --json)" },
	{ "quiet", no_argument, O_QUIET, M_ALL, NULL,
	  "no warnings on stderr (errors still)" },
	{ "json", no_argument, O_JSON, M_ALL, NULL,
	  "one JSON document on stdout (errors too)" },
	{ "paused", no_argument, O_PAUSED, M_RUN, NULL,
	  "leave the domain paused" },
	{ "console", no_argument, O_CONSOLE, M_RUN, NULL,
	  "then attach to the guest's console (xl console), as xl create -c" },
	{ "foreground", no_argument, O_FOREGROUND, M_RUN, NULL,
	  "stay: watch the guest, apply on_poweroff/on_reboot/on_crash, "
	  "exit with how it ended (as xl create -F)" },
	{ "shutdown-timeout", required_argument, O_SHUTDOWN_TIMEOUT, M_RUN,
	  "SECS",
	  "with -F: on SIGTERM/SIGINT wait this long for the guest to power "
	  "off, then destroy it (default 60)" },
	{ "no-devices", no_argument, O_NO_DEVICES, M_RUN, NULL,
	  "start the guest without the devices the config names" },
	{ "resolved", no_argument, O_RESOLVED, M_CHECK, NULL,
	  "print every key's value and where it came from" },
	{ "memory", required_argument, O_MEMORY, M_CFG, "MiB",
	  "override the config's memory" },
	{ "max-decompressed", required_argument, O_MAXDEC, M_ALL, "MiB",
	  "cap on any decompressed size (default 1024)" },
	{ "cache-dir", required_argument, O_CACHE_DIR, M_CFG, "DIR",
	  "keep decompressed kernels in DIR, decompress each once (\"\": off)" },
	{ "cache-max", required_argument, O_CACHE_MAX, M_CFG, "MiB",
	  "bound of the kernel cache (default 1024)" },
	{ "kernel", required_argument, O_KERNEL, M_CFG, "FILE",
	  "override the config's kernel" },
	{ "ramdisk", required_argument, O_RAMDISK, M_CFG, "FILE",
	  "override the config's ramdisk" },
	{ "cmdline", required_argument, O_CMDLINE, M_CFG, "TEXT",
	  "override the guest command line" },
	{ "domid", required_argument, O_DOMID, M_BUILD, "N",
	  "the domain to build into" },
	{ "store-evtchn", required_argument, O_STORE_EVTCHN, M_BUILD, "P",
	  "xenstore event channel" },
	{ "console-evtchn", required_argument, O_CONSOLE_EVTCHN, M_BUILD, "Q",
	  "console event channel" },
	{ "store-domid", required_argument, O_STORE_DOMID, M_BUILD, "N",
	  "xenstored's domain (default 0)" },
	{ "console-domid", required_argument, O_CONSOLE_DOMID, M_BUILD, "N",
	  "xenconsoled's domain (default 0)" },
	{ "control-fd", required_argument, O_CONTROL_FD, M_BUILD, "FD",
	  "write 'result:STORE CONSOLE x86_64-abi' or 'error:MSG' to FD" },
#ifdef XB_TEST
	/* Test builds only (build-test/xbuild): never in the release binary. */
	{ "backend", required_argument, O_BACKEND, M_RUN | M_BUILD | M_GC,
	  "xen|sim",
	  "test build: hypervisor backend (default xen; sim for tests)" },
	{ "test-bad-pte", no_argument, O_TEST_BAD_PTE, M_RUN | M_BUILD | M_PLAN,
	  NULL, "test build: corrupt one page-table entry before pinning" },
#endif
};

static void usage(FILE *f, enum cmd c)
{
	fprintf(f, "usage: xbuild %s\n\n",
		c ? cmds[c].usage : "COMMAND [OPTIONS] ARG");
	if (!c) {
		fprintf(f, "commands:\n");
		for (unsigned i = 1; i < XB_ARRAY_SIZE(cmds); i++)
			fprintf(f, "  %-8s %s\n", cmd_name((enum cmd)i),
				cmds[i].help);
		fprintf(f, "  %-8s %s\n", "help",
			"show this help, or a command's");
		fprintf(f, "\n");
	} else if (c != C_INSPECT && c != C_GC) {
		fprintf(f,
			"DOMAIN.CFG is an xl.cfg or libvirt XML file, - for standard "
			"input; KEY=VALUE\n(xl.cfg syntax) overrides a key of it.  "
			"Options may come anywhere; -- ends them.\n\n");
	}
	fprintf(f, "options:\n");
	for (size_t i = 0; i < XB_ARRAY_SIZE(opts); i++) {
		char lhs[48];

		if (c && !(opts[i].cmds & (1u << c)))
			continue;
		/* "-h, --help", or "    --json" aligned under the long names
		 * (bash completion's test reads these lines). */
		if (opts[i].val < 256)
			snprintf(lhs, sizeof(lhs), "-%c, ", opts[i].val);
		else
			snprintf(lhs, sizeof(lhs), "    ");
		snprintf(lhs + 4, sizeof(lhs) - 4, "--%s%s%s", opts[i].name,
			 opts[i].arg ? " " : "",
			 opts[i].arg ? opts[i].arg : "");
		fprintf(f, "  %-30s %s\n", lhs, opts[i].help);
	}
	fprintf(f, "\nexit codes: 0 ok, 1 usage, 2 bad config/kernel/initrd, "
		   "3 hypervisor failure, 4 internal error, 128+N signal N;\n"
		   "run -F: 0 powered off, 5 rebooted, 6 crashed, 7 watchdog, "
		   "8 suspended, 9 soft reset,\n10 destroyed elsewhere, "
		   "11 destroyed after --shutdown-timeout, 12 restarting too "
		   "often.\n"
		   "See xbuild(1), and xbuild.cfg(5) for the config keys.\n");
}

static int usage_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The message on stderr (and as JSON with --json), a hint after it. */
static int usage_error(struct cli *c, const char *fmt, ...)
{
	struct xb_err e = { .code = XB_EUSAGE };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	print_error(c, &e, XB_EUSAGE);
	fprintf(stderr, "(try 'xbuild %s%s--help')\n",
		c->cmd ? cmd_name(c->cmd) : "", c->cmd ? " " : "");
	return XB_EUSAGE;
}

/* --json decides how every error is written, usage errors included, so it
 * is looked for before the options are parsed (up to a "--"). */
static bool wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json"))
			return true;
	return false;
}

static bool parse_num(const char *s, long max, long *out)
{
	uint64_t v;

	if (xb_parse_u64(s, strlen(s), XB_NUM_C, (uint64_t)max, &v))
		return false;
	*out = (long)v;
	return true;
}

/* A command word: its enum cmd, or C_NONE. */
static enum cmd find_cmd(const char *w)
{
	for (unsigned i = 1; i < XB_ARRAY_SIZE(cmds); i++)
		if (!strcmp(w, cmd_name((enum cmd)i)))
			return (enum cmd)i;
	return C_NONE;
}

/* One argument that is not an option: the file, or (after a config) an
 * xl-style KEY=VALUE override, as `xl create` takes them. */
static int positional(struct cli *c, char *arg)
{
	bool cfg = c->cmd != C_INSPECT && c->cmd != C_GC;

	if (cfg && cfg_is_override(arg)) {
		char **n =
			realloc(c->overrides, (c->noverrides + 1) * sizeof(*n));

		if (!n)
			return usage_error(c, "out of memory");
		c->overrides = n;
		c->overrides[c->noverrides++] = arg;
		return 0;
	}
	if (!c->arg && c->cmd != C_GC) {
		c->arg = arg;
		return 0;
	}
	return usage_error(c, "unexpected argument '%s'%s", arg,
			   cfg ? " (after the config, only KEY=VALUE)" : "");
}

static int parse_args(struct cli *c, int argc, char **argv)
{
	struct option lo[XB_ARRAY_SIZE(opts) + 1];
	/* "-": arguments that are not options come back in order (ch 1), so
	 * options may follow the config as with xl, whatever POSIXLY_CORRECT
	 * says; "--" still ends the options. */
	char shorts[32] = "-";
	long n;
	int ch, rc;

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
	c->shutdown_timeout = -1;
	c->control_fd = -1;
	c->json = wants_json(argc, argv);

	if (argc > 1 && argv[1][0] != '-') {
		/* xbuild help [COMMAND]: the same text as --help */
		if (!strcmp(argv[1], "help")) {
			enum cmd h = argc > 2 ? find_cmd(argv[2]) : C_NONE;

			if (argc > 3 || (argc > 2 && !h))
				return usage_error(c, "unknown command '%s'",
						   argv[2]);
			usage(stdout, h);
			exit(0);
		}
		if (!(c->cmd = find_cmd(argv[1])))
			return usage_error(c, "unknown command '%s'", argv[1]);
		argc--;
		argv++;
	}
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct opt *o = NULL;

		if (ch == 1) {
			if (!c->cmd)
				return usage_error(
					c,
					find_cmd(optarg) ?
						"'%s': the command "
						"comes first" :
						"unknown command '%s'",
					optarg);
			if ((rc = positional(c, optarg)))
				return rc;
			continue;
		}
		for (size_t i = 0; i < XB_ARRAY_SIZE(opts); i++)
			if (opts[i].val == ch)
				o = &opts[i];
		if (ch == '?' || !o)
			return usage_error(c, "unknown option '%s'",
					   argv[optind - 1]);
		if (c->cmd && !(o->cmds & (1u << c->cmd)))
			return usage_error(c, "--%s does not apply here",
					   o->name);
		switch (ch) {
		case O_HELP: usage(stdout, c->cmd); exit(0);
		case O_VERSION: print_version(c); exit(0);
		case O_VERBOSE: c->verbose = true; break;
		case O_TIMINGS: c->tm = &c->timings; break;
		case O_QUIET: c->quiet = true; break;
		case O_JSON: c->json = true; break;
		case O_PAUSED: c->paused = true; break;
		case O_CONSOLE: c->console = true; break;
		case O_FOREGROUND: c->foreground = true; break;
		case O_SHUTDOWN_TIMEOUT:
			if (!parse_num(optarg, 86400, &n))
				return usage_error(c,
						   "bad number of seconds '%s' "
						   "(0 to 86400)",
						   optarg);
			c->shutdown_timeout = n;
			break;
		case O_NO_DEVICES: c->no_devices = true; break;
		case O_RESOLVED: c->resolved = true; break;
		case O_KERNEL: c->kernel = optarg; break;
		case O_RAMDISK: c->ramdisk = optarg; break;
		case O_CMDLINE: c->cmdline = optarg; break;
		case O_CACHE_DIR: c->cache_dir = optarg; break;
#ifdef XB_TEST
		case O_TEST_BAD_PTE: c->test_bad_pte = true; break;
		case O_BACKEND:
			if (strcmp(optarg, "xen") && strcmp(optarg, "sim"))
				return usage_error(
					c, "--backend: '%s' is not xen or sim",
					optarg);
			c->use_sim = !strcmp(optarg, "sim");
			break;
#endif
		case O_MEMORY:
		case O_MAXDEC:
		case O_CACHE_MAX:
			if (!parse_num(optarg, 16L << 20, &n) || n == 0)
				return usage_error(c, "bad size in MiB: '%s'",
						   optarg);
			*(ch == O_MEMORY ? &c->memory_mb :
			  ch == O_MAXDEC ? &c->max_dec_mb :
					   &c->cache_max_mb) = (uint64_t)n;
			break;
		case O_CONTROL_FD:
			if (!parse_num(optarg, INT_MAX, &n))
				return usage_error(c,
						   "bad file descriptor '%s'",
						   optarg);
			c->control_fd = (int)n;
			break;
		default:
			if (!parse_num(optarg, 0x7fef, &n))
				return usage_error(c, "bad number '%s'",
						   optarg);
			if (ch == O_DOMID)
				c->domid = n;
			else if (ch == O_STORE_EVTCHN)
				c->store_evtchn = n;
			else if (ch == O_CONSOLE_EVTCHN)
				c->console_evtchn = n;
			else if (ch == O_STORE_DOMID)
				c->store_domid = n;
			else
				c->console_domid = n;
			break;
		}
	}
	if (!c->cmd) {
		if (c->json)
			return usage_error(c,
					   "no command given (run, build, plan, "
					   "inspect, check, gc)");
		usage(stderr, C_NONE);
		return XB_EUSAGE;
	}
	/* After "--": files and overrides only. */
	for (; optind < argc; optind++)
		if ((rc = positional(c, argv[optind])))
			return rc;
	if (!c->arg && c->cmd != C_GC && !(c->cmd == C_BUILD && c->kernel))
		return usage_error(c, "%s needs a file argument",
				   cmd_name(c->cmd));
	if (c->foreground && c->console)
		return usage_error(
			c, "-F and -c do not go together: -c hands xbuild over "
			   "to xl console (run `xl console NAME` beside -F)");
	if (c->shutdown_timeout >= 0 && !c->foreground)
		return usage_error(c, "--shutdown-timeout needs -F");
	if (c->shutdown_timeout < 0)
		c->shutdown_timeout = 60;
	if (c->cmd == C_BUILD &&
	    (c->domid < 0 || c->store_evtchn < 0 || c->console_evtchn < 0))
		return usage_error(
			c,
			"%s needs --domid, --store-evtchn and --console-evtchn",
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
static volatile sig_atomic_t stop_signal, defer_signals, tty_line;
/* With --json, the start of the error object the handler writes:
 * {"version":1,"command":"NAME","error":{"code": (set before the handler). */
static char json_sig_head[96];
static size_t json_sig_len;

/* n (< 1000) in decimal into buf; its length. */
static size_t put_num(char *buf, int n)
{
	size_t l = 0;

	if (n >= 100)
		buf[l++] = (char)('0' + n / 100);
	if (n >= 10)
		buf[l++] = (char)('0' + n / 10 % 10);
	buf[l++] = (char)('0' + n % 10);
	return l;
}

static void on_signal(int sig)
{
	static const char msg[] = "xbuild: interrupted by signal ";
	static const char mid[] =
		",\"class\":\"signal\",\"message\":\"interrupted by signal ";
	char num[4];
	size_t l;

	stop_signal = sig;
	if (defer_signals)
		return;
	/* async-signal-safe: write(2) and _exit(2) only */
	if (tty_line) /* progress.c's line: erased first */
		(void)!write(STDERR_FILENO, "\r\033[K", 4);
	l = put_num(num, sig);
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)!write(STDERR_FILENO, num, l);
	(void)!write(STDERR_FILENO, "\n", 1);
	if (json_sig_len) {
		char code[4];

		(void)!write(STDOUT_FILENO, json_sig_head, json_sig_len);
		(void)!write(STDOUT_FILENO, code, put_num(code, 128 + sig));
		(void)!write(STDOUT_FILENO, mid, sizeof(mid) - 1);
		(void)!write(STDOUT_FILENO, num, l);
		(void)!write(STDOUT_FILENO, "\"}}\n", 4);
	}
	_exit(128 + sig);
}

/*
 * Input files are mapped (input.c): if one shrinks while xbuild reads it,
 * the access faults.  Say so and exit 2; a domain already created keeps
 * its builder's mark, so the next `xbuild gc` or `run` removes it.
 */
static void on_sigbus(int sig)
{
	static const char msg[] =
		"xbuild: an input file shrank while xbuild was reading it (SIGBUS)\n";

	(void)sig;
	if (tty_line)
		(void)!write(STDERR_FILENO, "\r\033[K", 4);
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(XB_EINPUT);
}

static void catch_signals(const struct cli *c)
{
	struct sigaction sa;

	if (c->json) {
		int n = snprintf(
			json_sig_head, sizeof(json_sig_head),
			"{\"version\":%d,\"command\":\"%s\",\"error\":{\"code\":",
			XB_JSON_VERSION, cmd_name(c->cmd));

		json_sig_len = n > 0 && (size_t)n < sizeof(json_sig_head) ?
				       (size_t)n :
				       0;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
}

static int (*const run_cmd[C_COUNT])(struct cli *c) = {
	[C_RUN] = cmd_run,	   [C_BUILD] = cmd_build, [C_PLAN] = cmd_plan,
	[C_INSPECT] = cmd_inspect, [C_CHECK] = cmd_check, [C_GC] = cmd_gc,
};

int main(int argc, char **argv)
{
	struct cli c;
	int rc;

	memset(&c, 0, sizeof(c));
	rc = parse_args(&c, argc, argv);
	if (rc) {
		free(c.overrides);
		return rc;
	}
	catch_signals(&c);
	c.stop = &stop_signal;
	c.defer = &defer_signals;
	c.tty_line = &tty_line;
	rc = run_cmd[c.cmd](&c);
	if (rc < 0) {
		if (!c.err.code)
			xb_fail(&c.err, XB_EINTERNAL,
				"failed without a message");
		rc = stop_signal ? 128 + stop_signal : c.err.code;
		print_error(&c, &c.err, rc);
		free(c.overrides);
		return rc;
	}
	free(c.overrides);
	/* run -F: how the guest ended (0, 5..12). */
	return c.foreground ? rc : 0;
}
