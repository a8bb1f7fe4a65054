/*
 * foreground.c - `xbuild run -F`: stay with the domain, as `xl create -F`
 * does, and carry out the config's on_poweroff/on_reboot/on_crash when the
 * guest shuts down; SIGTERM/SIGINT/SIGHUP ask the guest to power off.
 *
 * What xl does (tools/xl/xl_vmcontrol.c, handle_domain_death): the reason
 * the guest gave picks the action (on_watchdog and on_soft_reset for
 * theirs; a suspended domain is left to whoever suspends it); destroy
 * removes the domain, preserve leaves it shut down, restart destroys it
 * and creates it again from the same config (the same UUID), and
 * rename-restart first renames the old one NAME-YYYYMMDDTHHMMZ (UTC) with
 * a new /vm/UUID (libxl_domain_preserve) and keeps it (xbuild gives it the
 * new UUID as Xen's handle too, dom_preserve).  xl waits 2 s
 * before each restart and never gives up; xbuild needs no pause (no
 * devices to tear down) and refuses a sixth restart within 60 s, so a
 * guest that crashes as it boots does not loop for ever.
 */
#include "cli.h"

#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "print.h"

/* Exit codes of run -F: how the guest ended (xbuild(1), EXIT STATUS). */
enum {
	FG_POWEROFF = 0,
	FG_REBOOT = 5,
	FG_CRASH = 6,
	FG_WATCHDOG = 7,
	FG_SUSPEND = 8,
	FG_SOFT_RESET = 9,
	FG_GONE = 10,
	FG_TIMEOUT = 11,
	FG_RESTART_LIMIT = 12,
	FG_AGAIN = 1000, /* internal: restarted, watch on */
};

/* At most RESTART_MAX restarts within RESTART_WINDOW: the next is refused
 * and the domain destroyed (FG_RESTART_LIMIT). */
#define RESTART_MAX 5
#define RESTART_WINDOW_NS (60ULL * 1000000000ULL)

/*
 * The longest sleep between two looks at the domain.  The @releaseDomain
 * watch wakes the loop when anything happens; the bound only makes a
 * missed event (a xenstored restarted under us) cost seconds, not the
 * rest of the guest's life.  One getinfo per 5 s is nothing.
 */
#define WATCH_MS 5000

enum action {
	ACT_DESTROY,
	ACT_RESTART,
	ACT_RENAME_RESTART,
	ACT_PRESERVE,
	ACT_LEAVE, /* suspended: left to whoever suspended it, as xl */
	ACT_BAD, /* an action -F cannot carry out */
};

static const char *const action_names[] = {
	[ACT_DESTROY] = "destroy",
	[ACT_RESTART] = "restart",
	[ACT_RENAME_RESTART] = "rename-restart",
	[ACT_PRESERVE] = "preserve",
	[ACT_LEAVE] = "leave",
};

static enum action action_of(const char *s)
{
	for (unsigned i = 0; i < ACT_BAD; i++)
		if (!strcmp(s, action_names[i]) && i != ACT_LEAVE)
			return (enum action)i;
	return ACT_BAD;
}

/* The keys -F acts on, with their defaults (xl.cfg(5)). */
static const struct {
	const char *key, *dflt;
	size_t off;
} keys[] = {
	{ "on_poweroff", "destroy", offsetof(struct dom_config, on_poweroff) },
	{ "on_reboot", "restart", offsetof(struct dom_config, on_reboot) },
	{ "on_crash", "destroy", offsetof(struct dom_config, on_crash) },
};

static const char *key_value(const struct dom_config *cfg, size_t i)
{
	return (const char *)cfg + keys[i].off;
}

static size_t key_index(const char *key)
{
	size_t i = 0;

	while (i + 1 < XB_ARRAY_SIZE(keys) && strcmp(keys[i].key, key))
		i++;
	return i;
}

int foreground_check(struct cli *c, const struct session *s)
{
	for (size_t i = 0; i < XB_ARRAY_SIZE(keys); i++) {
		const char *v = key_value(&s->cfg, i);
		char at[512];

		if (action_of(v) != ACT_BAD)
			continue;
		return xb_fail(&c->err, XB_EINPUT,
			       "%s: xbuild run -F cannot carry this out (%s); "
			       "use destroy, restart, rename-restart or "
			       "preserve",
			       cfg_where(&s->cfg, keys[i].key, at, sizeof(at)),
			       strncmp(v, "coredump", 8) ?
				       "a soft reset is for HVM guests" :
				       "it writes no core dumps");
	}
	return 0;
}

int foreground_warn(struct cli *c, struct session *s)
{
	for (size_t i = 0; i < XB_ARRAY_SIZE(keys); i++) {
		char at[512], wkey[32];

		if (!strcmp(key_value(&s->cfg, i), keys[i].dflt))
			continue;
		snprintf(wkey, sizeof(wkey), "action:%s", keys[i].key);
		if (xb_warn_key(&s->cfg.warnings, wkey, 1,
				"%s: nothing carries this out: xbuild run "
				"exits once the guest runs (run -F stays and "
				"does)",
				cfg_where(&s->cfg, keys[i].key, at,
					  sizeof(at))) < 0)
			return xb_fail(&c->err, XB_EINTERNAL, "out of memory");
	}
	return 0;
}

struct fg {
	struct cli *c;
	struct session *s;
	unsigned restarts;
	uint64_t restart_at[RESTART_MAX]; /* the last ones, a ring */
	int signal; /* the signal that asked the guest to stop, or 0 */
};

/* How the guest ended, in words and as the exit code. */
static const char *reason_text(unsigned r, char *buf, size_t len)
{
	static const char *const t[] = {
		[HV_SHUTDOWN_POWEROFF] = "powered off",
		[HV_SHUTDOWN_REBOOT] = "rebooted",
		[HV_SHUTDOWN_SUSPEND] = "suspended",
		[HV_SHUTDOWN_CRASH] = "crashed",
		[HV_SHUTDOWN_WATCHDOG] = "was shut down by its watchdog",
		[HV_SHUTDOWN_SOFT_RESET] = "asked for a soft reset",
	};

	if (r < XB_ARRAY_SIZE(t))
		return t[r];
	snprintf(buf, len, "shut down (reason %u)", r);
	return buf;
}

static const char *reason_name(unsigned r)
{
	const char *n = hv_shutdown_name(r);

	return n ? n : "unknown";
}

/* One event: its line on stderr (text mode), its object (--json). */
static void event(struct fg *f, struct run_event *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void event(struct fg *f, struct run_event *ev, const char *fmt, ...)
{
	char text[XB_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ev->domid = f->s->d.domid;
	ev->name = f->s->cfg.name;
	ev->restarts = f->restarts;
	ev->text = text;
	print_run_event(f->c, ev);
}

/*
 * Until the domain is no longer running (1, *info says how it stands), a
 * signal came (0), or the deadline passed (2; 0: none).  The signals are
 * blocked between the look at the flag and the wait, which unblocks them,
 * so none slips in between.
 */
static int watch(struct fg *f, struct hv_dominfo *info, uint64_t deadline)
{
	struct dom *d = &f->s->d;
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	for (;;) {
		int ms = WATCH_MS, rc;
		bool down = false;

		if (deadline) {
			uint64_t now = cli_now();

			if (now >= deadline)
				return 2;
			if ((deadline - now) / 1000000 < (uint64_t)ms)
				ms = (int)((deadline - now) / 1000000) + 1;
		}
		sigprocmask(SIG_BLOCK, &block, &old);
		if (*f->c->stop) {
			sigprocmask(SIG_SETMASK, &old, NULL);
			return 0;
		}
		rc = hv_domain_info(d->hv, d->domid, info, &d->err);
		if (rc == 0 && info->state == HV_DOM_RUNNING)
			rc = hv_wait_domains(d->hv, ms, &old, &d->err);
		else if (rc == 0)
			down = true;
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (rc < 0)
			return rc;
		if (down)
			return 1;
	}
}

/* The domain goes; what the guest's end means for the exit code. */
static int destroy(struct fg *f)
{
	struct dom *d = &f->s->d;
	int rc = dom_destroy(d);

	if (rc < 0)
		xb_prefix(&d->err, "destroying domain %u", d->domid);
	return rc;
}

/* Build the domain again from the config (a restart). */
static int rebuild(struct fg *f)
{
	struct cli *c = f->c;
	struct session *s = f->s;
	size_t nw;
	int rc;

	f->restart_at[f->restarts % RESTART_MAX] = cli_now();
	f->restarts++;
	/* -p is for the first boot only, as with xl create -p -F. */
	c->paused = false;
	if ((rc = session_reload(c, s)) < 0 ||
	    (rc = run_build(c, s, false)) < 0) {
		if (s->d.destroyed)
			fprintf(stderr, "xbuild: domain %u destroyed\n",
				s->d.domid);
		return rc;
	}
	/* The config's warnings were said with the first build. */
	nw = s->cfg.warnings.n;
	s->cfg.warnings.n = 0;
	print_run(c, s);
	s->cfg.warnings.n = nw;
	fflush(stdout);
	return FG_AGAIN;
}

/* Too many restarts lately: true when one more is refused. */
static bool restart_limited(const struct fg *f)
{
	uint64_t oldest;

	if (f->restarts < RESTART_MAX)
		return false;
	oldest = f->restart_at[f->restarts % RESTART_MAX];
	return cli_now() - oldest < RESTART_WINDOW_NS;
}

/* "-YYYYMMDDTHHMMZ" now (UTC), as xl names a renamed domain. */
static int rename_suffix(char *buf, size_t len, struct xb_err *e)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now == (time_t)-1 || !gmtime_r(&now, &tm) ||
	    !strftime(buf, len, "-%Y%m%dT%H%MZ", &tm))
		return xb_fail(e, XB_EINTERNAL, "rename-restart: no clock");
	return 0;
}

/* The guest is down (info): carry out its action.  The exit code, or
 * FG_AGAIN once it runs again, or a negative class. */
static int ended(struct fg *f, const struct hv_dominfo *info)
{
	struct dom *d = &f->s->d;
	const struct dom_config *cfg = &f->s->cfg;
	struct run_event ev = { .event = "shutdown" };
	const char *key = NULL, *why = "", *done;
	enum action act = ACT_DESTROY;
	char rb[48], kept[XB_NAME_MAX + 32] = "";
	int code, rc;

	if (info->state == HV_DOM_GONE || info->state == HV_DOM_DYING) {
		ev.event = "exit";
		ev.reason = "destroyed";
		ev.exit_code = FG_GONE;
		ev.signal = f->signal;
		event(f, &ev, "domain %u '%s' was destroyed by someone else",
		      d->domid, cfg->name);
		return FG_GONE;
	}
	switch (info->reason) {
	case HV_SHUTDOWN_POWEROFF:
		key = "on_poweroff";
		code = FG_POWEROFF;
		break;
	case HV_SHUTDOWN_REBOOT:
		key = "on_reboot";
		code = FG_REBOOT;
		break;
	case HV_SHUTDOWN_SUSPEND:
		act = ACT_LEAVE;
		why = " (for whoever suspended it, as xl leaves it)";
		code = FG_SUSPEND;
		break;
	case HV_SHUTDOWN_WATCHDOG:
		why = " (xl's on_watchdog default)";
		code = FG_WATCHDOG;
		break;
	case HV_SHUTDOWN_SOFT_RESET:
		why = " (xbuild cannot soft-reset a domain)";
		code = FG_SOFT_RESET;
		break;
	default: /* crash, and reasons Xen does not define (as xl) */
		key = "on_crash";
		code = FG_CRASH;
		break;
	}
	if (key) {
		act = action_of(key_value(cfg, key_index(key)));
		if (act == ACT_BAD) /* foreground_check refused these */
			act = ACT_DESTROY;
	}
	if ((act == ACT_RESTART || act == ACT_RENAME_RESTART) && f->signal) {
		why = "; not restarted: xbuild was asked to stop";
		act = ACT_DESTROY;
	} else if ((act == ACT_RESTART || act == ACT_RENAME_RESTART) &&
		   restart_limited(f)) {
		why = "; not restarted: more than 5 restarts within 60 s";
		act = ACT_DESTROY;
		code = FG_RESTART_LIMIT;
	}

	if (act == ACT_RENAME_RESTART) {
		char suffix[24];
		uint8_t uuid[16];

		if ((rc = rename_suffix(suffix, sizeof(suffix), &d->err)) < 0)
			return rc;
		if (getrandom(uuid, sizeof(uuid), 0) != sizeof(uuid))
			return xb_fail(&d->err, XB_EINTERNAL,
				       "getrandom failed");
		uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
		uuid[8] = (uuid[8] & 0x3f) | 0x80;
		if ((rc = dom_preserve(d, suffix, uuid)) < 0)
			return xb_prefix(&d->err,
					 "rename-restart: domain %u is left "
					 "as it is",
					 d->domid);
		snprintf(kept, sizeof(kept), "%s%s", cfg->name, suffix);
	} else if (act == ACT_DESTROY || act == ACT_RESTART) {
		if ((rc = destroy(f)) < 0)
			return rc;
	}

	switch (act) {
	case ACT_RESTART: done = "destroyed; building it again"; break;
	case ACT_RENAME_RESTART: done = "building it again"; break;
	case ACT_PRESERVE: done = "left shut down"; break;
	case ACT_LEAVE: done = "left as it is"; break;
	default: done = "destroyed"; break;
	}
	ev.reason = reason_name(info->reason);
	ev.action = action_names[act];
	ev.renamed = *kept ? kept : NULL;
	event(f, &ev, "domain %u '%s' %s%s%s%s%s: %s%s%s%s%s", d->domid,
	      cfg->name, reason_text(info->reason, rb, sizeof(rb)),
	      key ? "; " : "", key ? key : "", key ? " = " : "",
	      key ? key_value(cfg, key_index(key)) : "",
	      *kept ? "kept as " : "", kept, *kept ? "; " : "", done, why);
	if (act == ACT_RESTART || act == ACT_RENAME_RESTART)
		return rebuild(f);
	ev.event = "exit";
	ev.renamed = NULL;
	ev.exit_code = code;
	ev.signal = f->signal;
	ev.text = NULL;
	print_run_event(f->c, &ev);
	return code;
}

/* A signal: ask the guest to power off, wait, destroy it if it will not
 * (or on a second signal). */
static int stop(struct fg *f)
{
	struct cli *c = f->c;
	struct dom *d = &f->s->d;
	struct run_event ev = { .event = "signal" };
	struct hv_dominfo info;
	bool paused;
	int rc;

	f->signal = (int)*c->stop;
	*c->stop = 0; /* a second signal means: now */
	ev.signal = f->signal;
	ev.timeout = c->shutdown_timeout;
	event(f, &ev,
	      "signal %d: asking domain %u '%s' to power off (destroyed "
	      "after %ld s)",
	      f->signal, d->domid, f->s->cfg.name, c->shutdown_timeout);
	/* A paused guest cannot act on the request: it goes at once. */
	rc = hv_domain_info(d->hv, d->domid, &info, &d->err);
	if (rc == 0 && info.state != HV_DOM_RUNNING)
		return ended(f, &info);
	paused = rc == 0 && info.paused;
	if (rc == 0 && c->shutdown_timeout && !paused)
		rc = dom_request_shutdown(d);
	if (rc == 0 && c->shutdown_timeout && !paused) {
		rc = watch(f, &info,
			   cli_now() + (uint64_t)c->shutdown_timeout *
					       1000000000ULL);
		if (rc == 1)
			return ended(f, &info);
	}
	if (rc < 0) /* said, then the domain goes all the same */
		fprintf(stderr, "xbuild: %s\n", d->err.msg);
	if ((rc = destroy(f)) < 0)
		return rc;
	ev = (struct run_event){ .event = "exit",
				 .reason = "timeout",
				 .action = "destroy",
				 .exit_code = FG_TIMEOUT,
				 .signal = f->signal };
	event(f, &ev, "domain %u '%s' did not power off%s: destroyed", d->domid,
	      f->s->cfg.name,
	      paused		  ? " (it is paused)" :
	      *c->stop		  ? " (a second signal)" :
	      c->shutdown_timeout ? " in time" :
				    " (--shutdown-timeout 0)");
	return FG_TIMEOUT;
}

int run_foreground(struct cli *c, struct session *s)
{
	struct fg f = { .c = c, .s = s };
	struct hv_dominfo info;

	fflush(stdout);
	for (;;) {
		int rc = watch(&f, &info, 0);

		if (rc < 0)
			return xb_prefix(&s->d.err,
					 "domain %u is left running: watching "
					 "it failed",
					 s->d.domid);
		rc = rc == 0 ? stop(&f) : ended(&f, &info);
		if (rc != FG_AGAIN)
			return rc;
	}
}
