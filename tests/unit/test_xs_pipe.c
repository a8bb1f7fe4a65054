/*
 * test_xs_pipe.c - the pipelined xenstore connection against a stand-in
 * xenstored on a socketpair (a child process): queued requests leave in
 * one go and are answered in order, errors name the request that failed,
 * the device mode writes one message per write(2), and the reply parsers
 * hold to their bounds.
 */
#include "harness.h"

#include "../../src/hv/xs_pipe.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

/*
 * The stand-in's batch: reads `batch` requests before it answers any (a client
 * that waits for each answer would hang here: alarm), then answers each:
 * paths under /bad EACCES, /absent ENOENT, reads "v" + path, directories
 * "a\0bb\0", transaction starts "7"; every request is logged to log_fd as
 * "type tx payload" with NULs as '|'.  seqpacket: each recv must be
 * exactly one message (the device's rule).
 */
static void answer(int fd, int log_fd, int batch, bool seqpacket)
{
	static uint8_t in[16][XS_PIPE_HDR + XS_PIPE_PAYLOAD_MAX];
	int n = 0;

	alarm(5);
	while (n < batch) {
		struct xsd_sockmsg m;
		/* A seqpacket read takes one whole record (one write). */
		ssize_t r = read(fd, in[n],
				 seqpacket ? sizeof(in[n]) : XS_PIPE_HDR);

		if (r < XS_PIPE_HDR)
			_exit(2);
		memcpy(&m, in[n], XS_PIPE_HDR);
		if (m.len > XS_PIPE_PAYLOAD_MAX)
			_exit(3);
		if (seqpacket && r != (ssize_t)(XS_PIPE_HDR + m.len))
			_exit(4); /* joined or split messages */
		if (!seqpacket && m.len &&
		    read(fd, in[n] + XS_PIPE_HDR, m.len) != (ssize_t)m.len)
			_exit(5);
		n++;
	}
	for (int i = 0; i < n; i++) {
		struct xsd_sockmsg m;
		char *p = (char *)in[i] + XS_PIPE_HDR, out[64 + 4096];
		const char *reply = "OK";
		size_t len;

		memcpy(&m, in[i], XS_PIPE_HDR);
		dprintf(log_fd, "%u %u ", m.type, m.tx_id);
		for (uint32_t j = 0; j < m.len; j++)
			dprintf(log_fd, "%c", p[j] ? p[j] : '|');
		dprintf(log_fd, "\n");
		if (m.len && !strncmp(p, "/bad", 4)) {
			m.type = XS_ERROR;
			reply = "EACCES";
		} else if (m.len && !strncmp(p, "/absent", 7)) {
			m.type = XS_ERROR;
			reply = "ENOENT";
		} else if (m.type == XS_READ) {
			snprintf(out, 4096, "v%s", p);
			reply = out;
		} else if (m.type == XS_TRANSACTION_START)
			reply = "7";
		if (m.type == XS_DIRECTORY) {
			len = 5;
			memcpy(out, "a\0bb\0", len);
		} else {
			len = strlen(reply) + (m.type != XS_READ);
			if (reply != out)
				memcpy(out, reply, len);
		}
		m.len = (uint32_t)len;
		if (write(fd, &m, sizeof(m)) != sizeof(m) ||
		    write(fd, out, len) != (ssize_t)len)
			_exit(6);
	}
}

/* Batches of requests, answered one batch after the other, then exit. */
static void standin(int fd, int log_fd, const int *batches, bool seqpacket)
{
	for (; *batches; batches++)
		answer(fd, log_fd, *batches, seqpacket);
	_exit(0);
}

/* A client p connected to a stand-in that takes batches of requests (a
 * list ending in 0); its log goes to *log (a pipe's read end). */
static pid_t start(struct xs_pipe *p, const int *batch, bool seqpacket,
		   int *log)
{
	int sv[2], lp[2];
	pid_t pid;

	if (socketpair(AF_UNIX, seqpacket ? SOCK_SEQPACKET : SOCK_STREAM, 0,
		       sv) < 0 ||
	    pipe(lp) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		close(lp[0]);
		standin(sv[1], lp[1], batch, seqpacket);
	}
	close(sv[1]);
	close(lp[1]);
	xs_pipe_init(p);
	xs_pipe_adopt(p, sv[0], seqpacket);
	*log = lp[0];
	return pid;
}

static int finish(struct xs_pipe *p, pid_t pid, int log, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	int st = -1;

	xs_pipe_close(p);
	while (n + 1 < size && (r = read(log, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(log);
	waitpid(pid, &st, 0);
	return st;
}

static void test_pipeline(void)
{
	struct xs_pipe p;
	struct xs_pipe_fail f;
	char *r = NULL, log[4096];
	size_t len = 0;
	int lfd;
	pid_t pid = start(&p, (const int[]){ 1, 4, 0 }, false, &lfd);

	REQUIRE(pid > 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_TRANSACTION_START, 0, "", NULL, 0,
			       "start"),
		 0);
	CHECK_EQ(xs_pipe_flush(&p, &r, &len, &f), 0);
	CHECK_STR(r, "7");
	CHECK_EQ(len, 2); /* "7" and its NUL, as xenstored sends it */
	free(r);
	/* Four more, answered only once all have arrived. */
	CHECK_EQ(xs_pipe_queue(&p, XS_WRITE, 7, "/a", "va", 2, "w a"), 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_SET_PERMS, 7, "/a", "n0\0r5", 6, "p a"),
		 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_DIRECTORY, 7, "/d", NULL, 0, "dir d"), 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_READ, 7, "/x", NULL, 0, "read x"), 0);
	r = NULL;
	CHECK_EQ(xs_pipe_flush(&p, &r, &len, &f), 0);
	CHECK_EQ(f.err, 0);
	CHECK_STR(r, "v/x"); /* the last reply's payload */
	CHECK_EQ(len, 3);
	free(r);
	CHECK_EQ(finish(&p, pid, lfd, log, sizeof(log)), 0);
	CHECK_STR(log, "6 0 |\n11 7 /a|va\n14 7 /a|n0|r5|\n1 7 /d|\n"
		       "2 7 /x|\n");
}

static void test_errors(void)
{
	struct xs_pipe p;
	struct xs_pipe_fail f;
	char *r = (char *)&p, log[4096];
	int lfd;
	pid_t pid = start(&p, (const int[]){ 3, 1, 0 }, false, &lfd);

	REQUIRE(pid > 0);
	/* The first failure is the one named; the replies after it are
	 * still read, so the next flush is in step. */
	CHECK_EQ(xs_pipe_queue(&p, XS_WRITE, 0, "/ok", "1", 1, "w ok"), 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_WRITE, 0, "/bad/1", "1", 1, "w bad"), 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_READ, 0, "/absent", NULL, 0, "r abs"), 0);
	CHECK_EQ(xs_pipe_flush(&p, &r, NULL, &f), -EACCES);
	CHECK(r == NULL);
	CHECK_EQ(f.err, EACCES);
	CHECK(!f.last);
	CHECK_STR(f.what, "w bad");
	/* Absent, as the last request: f.last says so. */
	CHECK_EQ(xs_pipe_queue(&p, XS_READ, 0, "/absent", NULL, 0, "r abs"), 0);
	CHECK_EQ(xs_pipe_flush(&p, &r, NULL, &f), -ENOENT);
	CHECK(f.last);
	CHECK_STR(f.what, "r abs");
	/* The stand-in is gone now: end of file is an error, and the
	 * connection is not used again. */
	CHECK_EQ(finish(&p, pid, lfd, log, sizeof(log)), 0);
	CHECK_STR(log, "11 0 /ok|1\n11 0 /bad/1|1\n2 0 /absent|\n"
		       "2 0 /absent|\n");
	pid = start(&p, (const int[]){ 1, 0 }, false, &lfd);
	REQUIRE(pid > 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_RM, 0, "/x", NULL, 0, "rm"), 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_RM, 0, "/y", NULL, 0, "rm y"), 0);
	/* end of file or a reset, as the stand-in left */
	CHECK(xs_pipe_flush(&p, NULL, NULL, &f) < 0);
	CHECK(f.err == EIO || f.err == ECONNRESET);
	CHECK_STR(f.what, "xenstore connection");
	CHECK(p.broken);
	CHECK_EQ(xs_pipe_queue(&p, XS_RM, 0, "/x", NULL, 0, "rm"), 0);
	CHECK_EQ(xs_pipe_flush(&p, NULL, NULL, &f), -EIO);
	finish(&p, pid, lfd, log, sizeof(log));
}

static void test_device_mode(void)
{
	struct xs_pipe p;
	struct xs_pipe_fail f;
	char log[4096], *r = NULL;
	int lfd;
	pid_t pid = start(&p, (const int[]){ 3, 0 }, true, &lfd);

	REQUIRE(pid > 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_WRITE, 3, "/a", "1", 1, "w a"), 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_WRITE, 3, "/b", "22", 2, "w b"), 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_READ, 3, "/c", NULL, 0, "r c"), 0);
	CHECK_EQ(xs_pipe_flush(&p, &r, NULL, &f), 0);
	CHECK_STR(r, "v/c");
	free(r);
	CHECK_EQ(finish(&p, pid, lfd, log, sizeof(log)), 0);
	CHECK_STR(log, "11 3 /a|1\n11 3 /b|22\n2 3 /c|\n");
}

static void test_limits(void)
{
	struct xs_pipe p;
	char big[XS_PIPE_PAYLOAD_MAX + 2];

	xs_pipe_init(&p);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(xs_pipe_queue(&p, XS_READ, 0, big, NULL, 0, "big"), -E2BIG);
	big[XS_PIPE_PAYLOAD_MAX - 1] = '\0'; /* 4095 + NUL: fits */
	CHECK_EQ(xs_pipe_queue(&p, XS_READ, 0, big, NULL, 0, "max"), 0);
	CHECK_EQ(xs_pipe_queue(&p, XS_WRITE, 0, big, "v", 1, "max+1"), -E2BIG);
	xs_pipe_close(&p);
}

static void test_parsers(void)
{
	uint8_t msg[XS_PIPE_HDR + 16];
	struct xsd_sockmsg m = { .type = XS_ERROR, .req_id = 9, .len = 7 };
	char **names;
	unsigned n;
	int err;

	memcpy(msg, &m, sizeof(m));
	memcpy(msg + XS_PIPE_HDR, "EAGAIN", 7);
	CHECK_EQ(xs_pipe_check_reply(msg, XS_PIPE_HDR + 7, XS_WRITE, 9, &err),
		 0);
	CHECK_EQ(err, EAGAIN);
	CHECK_EQ(xs_pipe_check_reply(msg, XS_PIPE_HDR + 7, XS_WRITE, 8, &err),
		 -1); /* not its id */
	CHECK_EQ(xs_pipe_check_reply(msg, XS_PIPE_HDR + 6, XS_WRITE, 9, &err),
		 -1); /* length disagrees */
	memcpy(msg + XS_PIPE_HDR, "EWHAT\0\0", 7);
	CHECK_EQ(xs_pipe_check_reply(msg, XS_PIPE_HDR + 7, XS_WRITE, 9, &err),
		 0);
	CHECK_EQ(err, EIO); /* an unknown name */
	m.type = XS_READ;
	memcpy(msg, &m, sizeof(m));
	CHECK_EQ(xs_pipe_check_reply(msg, XS_PIPE_HDR + 7, XS_WRITE, 9, &err),
		 -1); /* another request's type */
	CHECK_EQ(xs_pipe_check_reply(msg, XS_PIPE_HDR + 7, XS_READ, 9, &err),
		 0);
	CHECK_EQ(err, 0);
	CHECK_EQ(xs_pipe_check_reply(msg, 3, XS_READ, 9, &err), -1);

	REQUIRE(xs_pipe_split("a\0bb\0c", 6, &names, &n) == 0);
	CHECK_EQ(n, 3);
	CHECK_STR(names[0], "a");
	CHECK_STR(names[1], "bb");
	CHECK_STR(names[2], "c"); /* without its NUL */
	free(names);
	REQUIRE(xs_pipe_split("", 0, &names, &n) == 0);
	CHECK_EQ(n, 0);
	free(names);
}

const struct test tests[] = {
	{ "xs_pipe_pipeline", test_pipeline },
	{ "xs_pipe_errors", test_errors },
	{ "xs_pipe_device_mode", test_device_mode },
	{ "xs_pipe_limits", test_limits },
	{ "xs_pipe_parsers", test_parsers },
	{ NULL, NULL },
};
