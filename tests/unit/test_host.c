/*
 * test_host.c - the builder's mark: this process is alive, a process that
 * exited or a mark from another boot is gone; xl's lock excludes a second
 * taker until the first lets go.
 */
#include "harness.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../src/cli/cli.h"

static void mark_alive_and_gone(void)
{
	char mark[128], other[160];
	struct xb_err e = { 0 };
	long pid;
	unsigned long long t;
	char boot[64];
	pid_t child;

	REQUIRE(host_mark(mark, sizeof(mark), &e) == 0);
	REQUIRE(sscanf(mark, "%ld %llu %63s", &pid, &t, boot) == 3);
	CHECK_EQ(pid, getpid());
	CHECK(!host_builder_gone(mark, NULL));
	/* same pid, another start time: a reused pid */
	snprintf(other, sizeof(other), "%ld %llu %s", pid, t + 1, boot);
	CHECK(host_builder_gone(other, NULL));
	/* another boot */
	snprintf(other, sizeof(other),
		 "%ld %llu 00000000-0000-0000-0000-000000000000", pid, t);
	CHECK(host_builder_gone(other, NULL));
	/* a process that has exited */
	child = fork();
	REQUIRE(child >= 0);
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	snprintf(other, sizeof(other), "%ld %llu %s", (long)child, t, boot);
	CHECK(host_builder_gone(other, NULL));
	/* not a mark at all */
	CHECK(host_builder_gone("garbage", NULL));
}

const struct test tests[] = {
	{ "host_mark_alive_and_gone", mark_alive_and_gone },
	{ NULL, NULL },
};
