/*
 * minits: a minimal toolstack around `xbuild build`, for the e2e `build`
 * case.  It does what DESIGN.md ("Division of labour with toolstacks") gives
 * to the toolstack: create a PV domain, set vCPUs and maxmem, allocate the
 * store and console event channels towards dom0, run
 *   xbuild build --domid N --store-evtchn P --console-evtchn Q
 *                --control-fd 3 --json [XBUILD-ARGS...] CONFIG
 * with a pipe on fd 3, read its `result:<store_mfn> <console_mfn> <abi>`
 * line, write the xenstore keys `xl create` writes for a PV guest, introduce
 * the domain to xenstored and unpause it.  On an `error:` line, no result
 * line or a non-zero exit it destroys the domain.
 *
 *   minits [-n NAME] [-m MiB] [-o FILE] [-p] CONFIG [XBUILD-ARGS...]
 *     -n NAME   domain name (default: the config's name)
 *     -m MiB    memory (default: the config's memory, else 128)
 *     -o FILE   xbuild's standard output (the --json document) goes there
 *     -p        leave the domain paused
 *   XBUILD=path overrides the xbuild binary (default: xbuild from PATH).
 *
 * Standard output: the domid on success.  Standard error: one "minits: ..."
 * line per step, including "minits: control: <line>" for what xbuild wrote
 * on fd 3, "minits: build S s, peak RSS K KiB" (xbuild's wall time from
 * fork to exit and its ru_maxrss, for tests/bench) and "minits: destroyed
 * domain N" on failure.
 * Exit: 0 success; xbuild's own exit status when it failed (or 124 when it
 * exited 0 without a result line, 125 when it was killed by a signal);
 * 126 for a failure of minits itself (domain destroyed in every case).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenctrl.h>
#include <xenstore.h>

#define EXIT_OWN 126

static xc_interface *xch;
static struct xs_handle *xsh;
static uint32_t domid;
static int created, xs_written;
static char dompath[64], vmpath[64];

static void msg(const char *fmt, ...)
{
	va_list ap;

	fputs("minits: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Undo everything and exit with rc. */
static void fail(int rc)
{
	if (xs_written) {
		xs_rm(xsh, XBT_NULL, dompath);
		xs_rm(xsh, XBT_NULL, vmpath);
	}
	if (created) {
		if (xc_domain_destroy(xch, domid) == 0)
			msg("destroyed domain %" PRIu32, domid);
		else
			msg("xc_domain_destroy(%" PRIu32 "): %s", domid,
			    strerror(errno));
	}
	exit(rc);
}

/* Value of `key = ...` in an xl config: a quoted string or a number. */
static char *cfg_get(const char *file, const char *key)
{
	FILE *f = fopen(file, "r");
	char line[4096], *r = NULL;
	size_t kl = strlen(key);

	if (!f) {
		msg("%s: %s", file, strerror(errno));
		exit(EXIT_OWN);
	}
	while (!r && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		if (strncmp(p, key, kl) || !strchr(" \t=", p[kl]))
			continue;
		p += kl + strspn(p + kl, " \t");
		if (*p++ != '=')
			continue;
		p += strspn(p, " \t");
		if (*p == '"' || *p == '\'') {
			char q = *p++, *e = strchr(p, q);

			if (e)
				*e = 0;
		} else {
			p[strcspn(p, " \t\r\n#;")] = 0;
		}
		r = strdup(p);
	}
	fclose(f);
	return r;
}

/* Write path = value with the permissions "n<owner>[,r<reader>]". */
static void put(const char *base, const char *rel, const char *value,
		unsigned owner, int reader)
{
	char path[256];
	struct xs_permissions p[2] = {
		{ .id = owner, .perms = XS_PERM_NONE },
		{ .id = reader >= 0 ? (unsigned)reader : 0, .perms = XS_PERM_READ },
	};

	snprintf(path, sizeof(path), "%s%s%s", base, *rel ? "/" : "", rel);
	if (!xs_write(xsh, XBT_NULL, path, value, strlen(value))) {
		msg("xs_write(%s): %s", path, strerror(errno));
		fail(EXIT_OWN);
	}
	if (!xs_set_permissions(xsh, XBT_NULL, path, p, reader >= 0 ? 2 : 1)) {
		msg("xs_set_permissions(%s): %s", path, strerror(errno));
		fail(EXIT_OWN);
	}
}

/* The keys of DESIGN.md's listing (what xl create writes for PV). */
static void write_xenstore(const char *name, const char *kernel,
			   const uint8_t uuid[16], unsigned long mem_kib,
			   unsigned store_port, uint64_t store_mfn,
			   unsigned cons_port, uint64_t cons_mfn)
{
	static const char *const guest_keys[] = {
		"control/shutdown", "control/feature-poweroff",
		"control/feature-reboot", "control/feature-suspend",
		"control/sysrq", "data", "drivers", "feature", "attr", "error",
		"device/suspend/event-channel",
	};
	char u[37], v[64];
	const unsigned d = domid;

	snprintf(u, sizeof(u), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", uuid[0], uuid[1], uuid[2], uuid[3],
		 uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9], uuid[10],
		 uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
	snprintf(vmpath, sizeof(vmpath), "/vm/%s", u);
	xs_written = 1;

	put(vmpath, "", "", 0, d);
	put(vmpath, "name", name, 0, d);
	put(vmpath, "uuid", u, 0, d);
	put(vmpath, "image/ostype", "linux", 0, d);
	put(vmpath, "image/kernel", kernel ? kernel : "", 0, d);
	snprintf(v, sizeof(v), "%lld", (long long)time(NULL));
	put(vmpath, "start_time", v, 0, d);

	put(dompath, "", "", 0, d);
	put(dompath, "name", name, 0, d);
	snprintf(v, sizeof(v), "%u", d);
	put(dompath, "domid", v, 0, d);
	put(dompath, "vm", vmpath, 0, d);
	snprintf(v, sizeof(v), "%lu", mem_kib);
	put(dompath, "memory/static-max", v, 0, d);
	put(dompath, "memory/target", v, 0, d);
	put(dompath, "memory/videoram", "0", 0, d);
	put(dompath, "cpu/0/availability", "online", 0, d);
	snprintf(v, sizeof(v), "%u", store_port);
	put(dompath, "store/port", v, 0, d);
	snprintf(v, sizeof(v), "%" PRIu64, store_mfn);
	put(dompath, "store/ring-ref", v, 0, d);
	put(dompath, "console/type", "xenconsoled", 0, d);
	put(dompath, "console/limit", "1048576", 0, d);
	put(dompath, "console/output", "pty", 0, d);
	snprintf(v, sizeof(v), "%u", cons_port);
	put(dompath, "console/port", v, 0, d);
	snprintf(v, sizeof(v), "%" PRIu64, cons_mfn);
	put(dompath, "console/ring-ref", v, 0, d);
	put(dompath, "console/backend-id", "0", d, 0);
	put(dompath, "control/platform-feature-multiprocessor-suspend", "1", 0, d);
	put(dompath, "control/platform-feature-xs_reset_watches", "1", 0, d);
	for (size_t i = 0; i < sizeof(guest_keys) / sizeof(guest_keys[0]); i++)
		put(dompath, guest_keys[i], "", d, -1);
}

int main(int argc, char **argv)
{
	const char *name = NULL, *out = NULL, *xbuild = getenv("XBUILD");
	unsigned long mem_mib = 0;
	int paused = 0, opt, p[2], status;
	struct xen_domctl_createdomain cc;
	uint8_t uuid[16];
	xc_evtchn_port_or_error_t store_port, cons_port;
	char ctl[4096], *cfg, *s;
	size_t got = 0;
	ssize_t n;
	pid_t pid;
	uint64_t store_mfn = 0, cons_mfn = 0;
	int have_result = 0, have_error = 0;
	struct timespec t0, t1;
	struct rusage ru;

	while ((opt = getopt(argc, argv, "+n:m:o:p")) != -1) {
		switch (opt) {
		case 'n': name = optarg; break;
		case 'm': mem_mib = strtoul(optarg, NULL, 0); break;
		case 'o': out = optarg; break;
		case 'p': paused = 1; break;
		default:
			fprintf(stderr, "usage: minits [-n NAME] [-m MiB] [-o FILE] [-p] CONFIG [XBUILD-ARGS...]\n");
			return EXIT_OWN;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: minits [-n NAME] [-m MiB] [-o FILE] [-p] CONFIG [XBUILD-ARGS...]\n");
		return EXIT_OWN;
	}
	cfg = argv[optind++];
	if (!name)
		name = cfg_get(cfg, "name");
	if (!name) {
		msg("%s: no name", cfg);
		return EXIT_OWN;
	}
	if (!mem_mib) {
		s = cfg_get(cfg, "memory");
		mem_mib = s ? strtoul(s, NULL, 0) : 128;
	}
	if (!xbuild)
		xbuild = "xbuild";

	xch = xc_interface_open(NULL, NULL, 0);
	xsh = xs_open(0);
	if (!xch || !xsh) {
		msg("cannot open %s", xch ? "xenstore" : "libxenctrl");
		return EXIT_OWN;
	}

	/* The domain: PV (no CDF_hvm), 1 vCPU, the limits xl uses. */
	{
		int fd = open("/dev/urandom", O_RDONLY);

		if (fd < 0 || read(fd, uuid, sizeof(uuid)) != sizeof(uuid)) {
			msg("/dev/urandom: %s", strerror(errno));
			return EXIT_OWN;
		}
		close(fd);
		uuid[6] = (uuid[6] & 0x0f) | 0x40;
		uuid[8] = (uuid[8] & 0x3f) | 0x80;
	}
	memset(&cc, 0, sizeof(cc));
	memcpy(cc.handle, uuid, sizeof(cc.handle));
	cc.max_vcpus = 1;
	cc.max_evtchn_port = 1023;
	cc.max_grant_frames = 64;
	cc.max_maptrack_frames = 1024;
	cc.grant_opts = XEN_DOMCTL_GRANT_version(1);
	domid = 0;	/* Xen picks a free domid */
	if (xc_domain_create(xch, &domid, &cc) < 0) {
		msg("xc_domain_create: %s", strerror(errno));
		return EXIT_OWN;
	}
	created = 1;
	snprintf(dompath, sizeof(dompath), "/local/domain/%" PRIu32, domid);
	msg("created domain %" PRIu32 " (%s, %lu MiB)", domid, name, mem_mib);
	if (xc_domain_max_vcpus(xch, domid, 1) < 0) {
		msg("xc_domain_max_vcpus: %s", strerror(errno));
		fail(EXIT_OWN);
	}
	if (xc_domain_setmaxmem(xch, domid, (mem_mib + 1) << 10) < 0) {
		msg("xc_domain_setmaxmem: %s", strerror(errno));
		fail(EXIT_OWN);
	}
	store_port = xc_evtchn_alloc_unbound(xch, domid, 0);
	cons_port = xc_evtchn_alloc_unbound(xch, domid, 0);
	if (store_port < 0 || cons_port < 0) {
		msg("xc_evtchn_alloc_unbound: %s", strerror(errno));
		fail(EXIT_OWN);
	}
	msg("event channels: store %d, console %d", store_port, cons_port);

	/* xbuild build, its control line on fd 3. */
	if (pipe(p) < 0) {
		msg("pipe: %s", strerror(errno));
		fail(EXIT_OWN);
	}
	fflush(NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		msg("fork: %s", strerror(errno));
		fail(EXIT_OWN);
	}
	if (pid == 0) {
		char a_dom[16], a_sp[16], a_cp[16];
		const char **av = calloc((size_t)argc + 16, sizeof(*av));
		int k = 0, w = fcntl(p[1], F_DUPFD, 10);

		if (!av || w < 0)
			_exit(EXIT_OWN);
		close(p[0]);
		close(p[1]);
		if (dup2(w, 3) < 0)
			_exit(EXIT_OWN);
		close(w);
		if (out) {
			int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dup2(fd, 1) < 0)
				_exit(EXIT_OWN);
			close(fd);
		}
		snprintf(a_dom, sizeof(a_dom), "%" PRIu32, domid);
		snprintf(a_sp, sizeof(a_sp), "%d", store_port);
		snprintf(a_cp, sizeof(a_cp), "%d", cons_port);
		av[k++] = xbuild;
		av[k++] = "build";
		av[k++] = "--domid";
		av[k++] = a_dom;
		av[k++] = "--store-evtchn";
		av[k++] = a_sp;
		av[k++] = "--console-evtchn";
		av[k++] = a_cp;
		av[k++] = "--control-fd";
		av[k++] = "3";
		av[k++] = "--json";
		for (int i = optind; i < argc; i++)
			av[k++] = argv[i];
		av[k++] = cfg;
		av[k] = NULL;
		execvp(xbuild, (char *const *)av);
		fprintf(stderr, "minits: exec %s: %s\n", xbuild, strerror(errno));
		_exit(EXIT_OWN);
	}
	close(p[1]);
	while (got < sizeof(ctl) - 1 &&
	       ((n = read(p[0], ctl + got, sizeof(ctl) - 1 - got)) > 0 ||
		(n < 0 && errno == EINTR)))
		if (n > 0)
			got += (size_t)n;
	ctl[got] = 0;
	close(p[0]);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			msg("wait4: %s", strerror(errno));
			fail(EXIT_OWN);
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* For tests/bench: the builder step alone, fork to exit. */
	msg("build %.6f s, peak RSS %ld KiB",
	    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	    ru.ru_maxrss);

	for (char *line = strtok(ctl, "\n"); line; line = strtok(NULL, "\n")) {
		char abi[32];

		msg("control: %s", line);
		if (!strncmp(line, "result:", 7) &&
		    sscanf(line + 7, "%" SCNu64 " %" SCNu64 " %31s", &store_mfn,
			   &cons_mfn, abi) == 3)
			have_result = 1;
		else if (!strncmp(line, "error:", 6))
			have_error = 1;
	}
	if (WIFSIGNALED(status)) {
		msg("xbuild killed by signal %d", WTERMSIG(status));
		fail(125);
	}
	msg("xbuild exit %d", WEXITSTATUS(status));
	if (WEXITSTATUS(status))
		fail(WEXITSTATUS(status));
	if (have_error || !have_result) {
		msg("xbuild exited 0 but %s", have_error ? "wrote an error line" :
		    "wrote no result line");
		fail(124);
	}

	write_xenstore(name, cfg_get(cfg, "kernel"), uuid, mem_mib << 10,
		       (unsigned)store_port, store_mfn, (unsigned)cons_port,
		       cons_mfn);
	if (!xs_introduce_domain(xsh, domid, (unsigned long)store_mfn,
				 (unsigned)store_port)) {
		msg("xs_introduce_domain: %s", strerror(errno));
		fail(EXIT_OWN);
	}
	msg("introduced (store mfn %" PRIu64 ", console mfn %" PRIu64 ")",
	    store_mfn, cons_mfn);
	if (!paused && xc_domain_unpause(xch, domid) < 0) {
		msg("xc_domain_unpause: %s", strerror(errno));
		fail(EXIT_OWN);
	}
	printf("%" PRIu32 "\n", domid);
	xs_close(xsh);
	xc_interface_close(xch);
	return 0;
}
