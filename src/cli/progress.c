/*
 * progress.c - a line on the terminal while a long step runs (loading and
 * decompressing the kernel and initrd): "xbuild: loading vmlinuz (7.9
 * MiB) ... 1.4 s", drawn after the step has taken PROGRESS_DELAY_MS,
 * redrawn at most every PROGRESS_EVERY_MS, and erased when the step ends,
 * so nothing of it stays.  Only when standard error is a terminal, and
 * never with -q or --json: pipelines and logs see nothing.  The decoders
 * report no progress of their own (libdeflate and zstd decode in one
 * call), so the line says what is being done and for how long.
 *
 * A thread draws it; the main thread goes on with the step.  The thread
 * blocks the signals, which stay the main thread's; while the line is on
 * the screen *c->tty_line is 1, so that the signal handler erases it
 * before its own message (main.c).
 */
#include "cli.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "print.h"

#define PROGRESS_DELAY_MS 500
#define PROGRESS_EVERY_MS 250

static struct timespec deadline_in(unsigned ms)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

static void *progress_thread(void *arg)
{
	struct progress *p = arg;
	unsigned wait = PROGRESS_DELAY_MS;

	pthread_mutex_lock(&p->mu);
	while (!p->done) {
		struct timespec t = deadline_in(wait);
		char line[SAFE_MAX + 64], tm[32];
		int n;

		if (pthread_cond_timedwait(&p->cv, &p->mu, &t) == 0 || p->done)
			continue;
		/* "\r" and erase-to-end: one line, redrawn in place */
		n = snprintf(line, sizeof(line), "\r\033[Kxbuild: %s ... %s",
			     p->what,
			     human_time(cli_now() - p->t0, tm, sizeof(tm)));
		if (n > 0 && (size_t)n < sizeof(line)) {
			*p->shown = 1;
			(void)!write(STDERR_FILENO, line, (size_t)n);
		}
		wait = PROGRESS_EVERY_MS;
	}
	if (*p->shown) {
		(void)!write(STDERR_FILENO, "\r\033[K", 4);
		*p->shown = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void progress_start(struct progress *p, const struct cli *c, const char *what)
{
	pthread_condattr_t ca;
	sigset_t all, old;

	memset(p, 0, sizeof(*p));
	if (c->quiet || c->json || !c->tty_line || !isatty(STDERR_FILENO))
		return;
	safe(p->what, sizeof(p->what), what);
	p->t0 = cli_now();
	p->shown = c->tty_line;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&p->mu, NULL);
	/* Signals stay the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	p->on = pthread_create(&p->thr, NULL, progress_thread, p) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!p->on) {
		pthread_cond_destroy(&p->cv);
		pthread_mutex_destroy(&p->mu);
	}
}

void progress_end(struct progress *p)
{
	if (!p->on)
		return;
	pthread_mutex_lock(&p->mu);
	p->done = true;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thr, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	p->on = false;
}
