/*
 * maxrss: run a command, report its wall time and peak resident set size.
 *
 *   maxrss [-o FILE] COMMAND [ARGS...]
 *
 * Forks, execs COMMAND (PATH search) with the same stdin/stdout/stderr,
 * waits for it with wait4() and writes one line to FILE (default: stderr):
 *
 *   wall=<seconds> maxrss_kib=<KiB> status=<exit code or 128+signal>
 *
 * wall is CLOCK_MONOTONIC from just before fork() to the end of wait4().
 * maxrss_kib is wait4()'s ru_maxrss: on Linux the larger of the command's
 * own peak and the peak of every descendant it waited for itself (a
 * process that forks and reaps workers, as `xl create` does when it
 * daemonizes, is covered; a daemon it leaves running is not).
 * Exit status: the command's (128+N when killed by signal N), 127 when it
 * cannot be run, 126 for maxrss's own failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	struct rusage ru;
	int opt, status, rc;
	double t0, t1;
	pid_t pid;
	FILE *f;

	while ((opt = getopt(argc, argv, "+o:")) != -1) {
		if (opt != 'o') {
			fprintf(stderr, "usage: maxrss [-o FILE] COMMAND [ARGS...]\n");
			return 126;
		}
		out = optarg;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: maxrss [-o FILE] COMMAND [ARGS...]\n");
		return 126;
	}
	fflush(NULL);
	t0 = now();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "maxrss: fork: %s\n", strerror(errno));
		return 126;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "maxrss: %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "maxrss: wait4: %s\n", strerror(errno));
			return 126;
		}
	}
	t1 = now();
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	f = out ? fopen(out, "w") : stderr;
	if (!f) {
		fprintf(stderr, "maxrss: %s: %s\n", out, strerror(errno));
		return 126;
	}
	fprintf(f, "wall=%.6f maxrss_kib=%ld status=%d\n", t1 - t0, ru.ru_maxrss, rc);
	if (out && fclose(f) != 0) {
		fprintf(stderr, "maxrss: %s: %s\n", out, strerror(errno));
		return 126;
	}
	return rc;
}
