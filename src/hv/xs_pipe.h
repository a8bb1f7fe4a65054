/*
 * xs_pipe.h - a xenstore connection that sends many requests before it
 * reads their replies (the wire protocol of <xen/io/xs_wire.h>).
 *
 * libxenstore waits for each reply before it sends the next request, so
 * a domain's keys and their permissions cost some seventy round trips to
 * xenstored, each two context switches in dom0.  Here requests are queued
 * (xs_pipe_queue), sent together and their replies read together
 * (xs_pipe_flush): xenstored answers a connection's requests in order, so
 * the replies come back in the order they were asked.
 *
 * Used by hv_xen.c only; the parsers of replies are pure functions over
 * (buf, len) with a fuzz target (tests/fuzz/fuzz_xswire.c).
 */
#ifndef XB_XS_PIPE_H
#define XB_XS_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The wire header: struct xsd_sockmsg's four fields. */
#define XS_PIPE_HDR 16u
/* XENSTORE_PAYLOAD_MAX */
#define XS_PIPE_PAYLOAD_MAX 4096u

struct xs_pipe_pend {
	uint32_t type, req_id;
	char *what; /* "xs_write(/local/domain/5/name)": names it in errors */
};

struct xs_pipe {
	int fd; /* -1: not open */
	bool dev; /* the xenbus device: one message per write(2) */
	bool broken; /* a read or write failed: the stream is out of step */
	uint8_t *out; /* queued messages */
	size_t out_len, out_cap;
	struct xs_pipe_pend *pend; /* their replies, to read in this order */
	size_t npend, pend_cap;
	uint32_t next_id;
};

/* The first request of a flush that failed. */
struct xs_pipe_fail {
	int err; /* errno value: from xenstored's error reply, or of I/O */
	bool last; /* it was the flush's last request */
	char what[256];
};

/* A closed connection (fd -1). */
void xs_pipe_init(struct xs_pipe *p);
/*
 * Connect: path NULL tries xenstored's socket (/var/run/xenstored/socket),
 * then the xenbus device (/dev/xen/xenbus), as libxenstore does; a path
 * names either.  0, or -errno of the last attempt.
 */
int xs_pipe_open(struct xs_pipe *p, const char *path);
/* Use fd (owned from now on); dev: a device, one message per write. */
void xs_pipe_adopt(struct xs_pipe *p, int fd, bool dev);
void xs_pipe_close(struct xs_pipe *p);

/*
 * Queue a request: its payload is path with its NUL, then tail_len bytes
 * of tail (a value, permission strings each with its NUL, or nothing).
 * what names it in a failure.  0, -E2BIG (payload over 4096 bytes) or
 * -ENOMEM.
 */
int xs_pipe_queue(struct xs_pipe *p, uint32_t type, uint32_t tx,
		  const char *path, const void *tail, size_t tail_len,
		  const char *what);

/*
 * Send every queued request and read every reply.  0: all succeeded, and
 * when reply is not NULL, the last reply's payload in *reply (malloc'd,
 * NUL added; *reply_len its length without it).  Otherwise -errno of the
 * first failure, described in *f; the other replies are read all the
 * same, so the connection stays in step (unless the I/O itself failed:
 * then p->broken).
 */
int xs_pipe_flush(struct xs_pipe *p, char **reply, size_t *reply_len,
		  struct xs_pipe_fail *f);

/*
 * Check one reply message msg[0..len) (header and payload) against the
 * request it answers.  0 and *err 0: a reply of want_type; 0 and *err set:
 * xenstored's error reply (its errno, EIO when the name is unknown); -1:
 * not the reply asked for (wrong id, type or length).
 */
int xs_pipe_check_reply(const uint8_t *msg, size_t len, uint32_t want_type,
			uint32_t want_id, int *err);

/*
 * A directory reply ("a\0b\0") as libxenstore's xs_directory gives it: one
 * malloc'd block, *n pointers followed by the strings; free(*names).  A
 * last name without its NUL counts too.  0 or -ENOMEM.
 */
int xs_pipe_split(const char *buf, size_t len, char ***names, unsigned *n);

#endif
