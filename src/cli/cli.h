/*
 * cli.h - the command line's shared state and the commands (kvmtool's
 * builtin model: one file per command, cmd_NAME.c, each listing its
 * phases as calls).  src/cli is the only part of xbuild that reads files,
 * the environment and argv, prints, and exits.
 */
#ifndef XB_CLI_H
#define XB_CLI_H

#include <pthread.h>
#include <signal.h>

#include "../builder/build.h"
#include "cache.h"
#include "config.h"

enum cmd { C_NONE, C_RUN, C_BUILD, C_PLAN, C_INSPECT, C_CHECK, C_GC, C_COUNT };

/* The command's name on the command line ("run"); NULL for C_NONE. */
static inline const char *cmd_name(enum cmd c)
{
	static const char *const names[C_COUNT] = {
		[C_RUN] = "run",	 [C_BUILD] = "build", [C_PLAN] = "plan",
		[C_INSPECT] = "inspect", [C_CHECK] = "check", [C_GC] = "gc",
	};

	return (unsigned)c < C_COUNT ? names[c] : NULL;
}

#define TIMINGS_MAX 32
struct timings {
	struct {
		const char *phase;
		uint64_t ns;
	} v[TIMINGS_MAX];
	unsigned n;
	uint64_t mark; /* cli_now() when the last phase ended */
};

/* What the command line said. */
struct cli {
	enum cmd cmd;
	const char *arg; /* the config or kernel file ("-": stdin) */
	/* xl-style KEY=VALUE overrides after the config, in order. */
	char **overrides;
	size_t noverrides;
	bool json, verbose, paused, console;
	/* run -F: stay, watch the guest, apply the on_* actions
	 * (foreground.c); a signal asks the guest to power off and waits
	 * at most shutdown_timeout seconds. */
	bool foreground;
	long shutdown_timeout;
	bool quiet; /* -q: no warnings on stderr */
	bool no_devices; /* run --no-devices */
	bool resolved; /* check --resolved */
	bool test_bad_pte, use_sim; /* test builds only (XB_TEST) */
	uint64_t memory_mb, max_dec_mb;
	const char *cache_dir; /* --cache-dir, NULL: not given */
	uint64_t cache_max_mb; /* --cache-max, 0: not given */
	const char *kernel, *ramdisk, *cmdline;
	long domid, store_evtchn, console_evtchn, store_domid, console_domid;
	int control_fd;
	/* Set by the signal handler; the build stops between steps. */
	volatile sig_atomic_t *stop;
	/* Set to 1 before the first step that may create something: from
	 * then on a signal waits for the next step boundary (main.c). */
	volatile sig_atomic_t *defer;
	/* 1 while progress.c has a line on the terminal, which the signal
	 * handler erases before its message (main.c). */
	volatile sig_atomic_t *tty_line;
	/* --timings: each phase's time, printed at the end (text or JSON);
	 * tm is NULL without it, else &timings. */
	struct timings *tm, timings;
	struct xb_err err;
};

/* --timings: the phase that ends now took the time since the last mark
 * (the first mark is set when the command starts).  No-op without it. */
void timing(const struct cli *c, const char *phase);
/* dom.phase callback: ctx is the struct cli. */
void timing_phase(void *ctx, const char *phase);

/* A file's bytes, read at the edge and handed to the builder: mapped
 * read-only (mapped) or, where mapping fails, read into malloc'd memory.
 * Whatever points into buf (a plain ELF kernel image, an initrd loaded as
 * it is) must be dropped before xb_file_free(). */
struct cli_file {
	const uint8_t *buf;
	size_t len;
	bool mapped;
};

/* Everything one command holds while it runs. */
struct session {
	struct dom_config cfg;
	struct cli_file kernel, initrd;
	struct dom d;
	struct kcache kc; /* the decompressed-kernel cache (cache.c) */
};

/* The commands; each returns 0 or a negative exit class with the message
 * on c->err. */
int cmd_run(struct cli *c);
int cmd_build(struct cli *c);
int cmd_plan(struct cli *c);
int cmd_check(struct cli *c);
int cmd_inspect(struct cli *c);

/* ---- input.c: reading at the edge ---- */

/* A whole regular file into *f (mapped read-only, MAP_PRIVATE, else read),
 * refusing anything larger than cap bytes and anything that is not a
 * regular file (FIFOs, devices, directories).  On failure *f holds nothing;
 * on success free it with xb_file_free().  Like libxenguest's mapped
 * kernel files, a file truncated by someone else while it is mapped makes
 * the next access to the lost pages fault (SIGBUS). */
int xb_read_file(const char *path, size_t cap, struct cli_file *f,
		 struct xb_err *e);
void xb_file_free(struct cli_file *f);
/* Standard input, for the config "-": at most cap bytes, whatever it is
 * (a pipe, a file, a terminal); messages name it "<stdin>". */
int xb_read_stdin(size_t cap, uint8_t **buf, size_t *len, struct xb_err *e);
/* The config (file, then command-line overrides), the kernel and initrd
 * bytes, then dom_load() and dom_plan(): what every config command does
 * before it needs a hypervisor.  s must be freed with session_end(). */
int session_prepare(struct cli *c, struct session *s);
/* For a restart (run -F): a fresh s->d on the same config, backend, mark
 * and UUID, with the kernel and ramdisk read, loaded and planned again
 * from their files (as xl builds a restarted domain from its paths). */
int session_reload(struct cli *c, struct session *s);
/* Open the backend (the simulated hypervisor when sim) into s->d.hv. */
int session_open_backend(struct cli *c, struct session *s, bool sim);
/* Free s (closing the backend); moves a build error to c->err. */
int session_end(struct cli *c, struct session *s, int rc);
/* -v: one line per phase on stderr, "xbuild: " and the text made safe
 * (print.h). */
void say(const struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* CLOCK_MONOTONIC in nanoseconds, for -v's times. */
uint64_t cli_now(void);

/* ---- cache.c: the decompressed-kernel cache (cache.h) ---- */

/*
 * With a cache directory set (s->cfg), before dom_load(): hash the kernel
 * file and look its entry up.  A hit points *kernel at the mapped ELF; a
 * miss decompresses the kernel once (kernel_unwrap()) and points *kernel
 * at those bytes.  A plain ELF kernel is left alone.  Refuses (-XB_EINPUT)
 * a directory others may write to; a directory that cannot be used is a
 * warning and the command goes on without the cache.
 */
int kcache_lookup(struct cli *c, struct session *s, struct dom_input *kernel);
/* After dom_load() succeeded: the kernel image says what the file was
 * (format, compression, size), and a miss stores its entry (then evicts). */
int kcache_loaded(struct cli *c, struct session *s);
/* After dom_free(). */
void kcache_free(struct kcache *k);

/* ---- progress.c: a line on the terminal during a long step ---- */

struct progress {
	bool on, done;
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint64_t t0;
	volatile sig_atomic_t *shown; /* c->tty_line */
	char what[256];
};
/* Start showing "xbuild: WHAT ... TIME" on stderr once the step has taken
 * half a second, when stderr is a terminal and neither -q nor --json. */
void progress_start(struct progress *p, const struct cli *c, const char *what);
/* The step is over: the line, if drawn, is erased. */
void progress_end(struct progress *p);
/* "loading vmlinuz (7.9 MiB) and initrd.gz (30.1 MiB)" (base names). */
void progress_what(char *buf, size_t len, const char *kernel, uint64_t klen,
		   const char *ramdisk, uint64_t rlen);

/* ---- host.c: xl's lock and the builder's mark ---- */

/* Take xl's lock (xl.conf's lockfile, default /var/lock/xl), waiting for
 * it, as xl does around domain creation. */
int host_lock(int *fd, struct xb_err *e);
void host_unlock(int *fd);
/* This process's mark: "PID START_TICKS BOOT_ID". */
int host_mark(char *buf, size_t len, struct xb_err *e);
/* Whether the process a mark names no longer runs (dom_reap's gone()). */
bool host_builder_gone(const char *mark, void *ctx);

/*
 * What `xbuild run` does in a toolstack's place, on an opened backend, in
 * two phases.  create_domain: find xenstored and xenconsoled, mark the
 * build, create the domain, claim its name (run holds xl's lock around it).  start_domain:
 * event channels, build, xenstore keys, introduce, unpause (unless
 * paused), hand over.  A failure after creation removes the keys and the
 * domain.
 */
int create_domain(struct dom *d);
int start_domain(struct dom *d, bool paused);
/* Both phases, without the lock (plan, tests). */
int run_domain(struct dom *d, bool paused);
/* The same, saying each step with its time under -v (c may be NULL). */
int run_domain_v(const struct cli *c, struct dom *d, bool paused);
/*
 * run -F, once the domain runs (foreground.c): watch it and apply the
 * config's on_poweroff/on_reboot/on_crash, building it again on a
 * restart, until it ends.  Returns the exit code that tells how the guest
 * ended (xbuild(1), EXIT STATUS: 0 powered off, 5..12), or a negative
 * class with the message on c->err.
 */
int run_foreground(struct cli *c, struct session *s);
/* The on_* actions -F cannot carry out (coredump-*, soft-reset): a
 * -XB_EINPUT naming the key and its line, checked before the build. */
int foreground_check(struct cli *c, const struct session *s);
/* Without -F: one warning per on_* key whose non-default action nothing
 * will carry out (xbuild run exits once the guest runs). */
int foreground_warn(struct cli *c, struct session *s);
/* create_domain and start_domain under xl's lock, saying each step
 * (-v): a restart of run -F. */
int run_build(struct cli *c, struct session *s, bool paused);
/* dom_reap() with host_builder_gone(): n domains destroyed. */
int reap_orphans(struct cli *c, struct hv *hv, unsigned *n);
int cmd_gc(struct cli *c);

#endif
