/*
 * xs_pipe.c - pipelined xenstore requests (xs_pipe.h).
 *
 * Facts from Xen's public header <xen/io/xs_wire.h>: a message is struct
 * xsd_sockmsg (type, req_id, tx_id, len, each 32 bits, host order)
 * followed by len bytes of payload, at most XENSTORE_PAYLOAD_MAX; a reply
 * carries the request's type and req_id, or type XS_ERROR and an errno
 * name from xsd_errors ("EACCES\0"); xenstored's socket takes any number
 * of bytes per write, the xenbus device one message per write.
 */
#include "xs_pipe.h"
#include "../xb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

_Static_assert(sizeof(struct xsd_sockmsg) == XS_PIPE_HDR, "xsd_sockmsg");
_Static_assert(XENSTORE_PAYLOAD_MAX == XS_PIPE_PAYLOAD_MAX, "payload max");

void xs_pipe_init(struct xs_pipe *p)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
}

void xs_pipe_adopt(struct xs_pipe *p, int fd, bool dev)
{
	xs_pipe_close(p);
	p->fd = fd;
	p->dev = dev;
}

static int open_socket(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(a.sun_path))
		return -ENAMETOOLONG;
	memcpy(a.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fd;
	err = errno;
	close(fd);
	return -err;
}

int xs_pipe_open(struct xs_pipe *p, const char *path)
{
	struct stat st;
	int fd = -ENOENT;

	xs_pipe_close(p);
	if (!path || (stat(path, &st) == 0 && S_ISSOCK(st.st_mode)))
		fd = open_socket(path ? path : "/var/run/xenstored/socket");
	if (fd >= 0) {
		xs_pipe_adopt(p, fd, false);
		return 0;
	}
	fd = open(path ? path : "/dev/xen/xenbus", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	xs_pipe_adopt(p, fd, true);
	return 0;
}

static void drop_pending(struct xs_pipe *p)
{
	for (size_t i = 0; i < p->npend; i++)
		free(p->pend[i].what);
	p->npend = 0;
	p->out_len = 0;
}

void xs_pipe_close(struct xs_pipe *p)
{
	drop_pending(p);
	free(p->out);
	free(p->pend);
	if (p->fd >= 0)
		close(p->fd);
	xs_pipe_init(p);
}

int xs_pipe_queue(struct xs_pipe *p, uint32_t type, uint32_t tx,
		  const char *path, const void *tail, size_t tail_len,
		  const char *what)
{
	size_t plen = strlen(path) + 1;
	struct xsd_sockmsg m = { .type = type, .tx_id = tx };
	char *w;

	if (plen > XS_PIPE_PAYLOAD_MAX || tail_len > XS_PIPE_PAYLOAD_MAX - plen)
		return -E2BIG;
	if (p->out_cap - p->out_len < XS_PIPE_HDR + plen + tail_len) {
		size_t cap = 2 * (p->out_len + XS_PIPE_HDR + plen + tail_len);
		uint8_t *o = realloc(p->out, cap);

		if (!o)
			return -ENOMEM;
		p->out = o;
		p->out_cap = cap;
	}
	if (p->npend == p->pend_cap) {
		size_t cap = p->pend_cap ? 2 * p->pend_cap : 32;
		struct xs_pipe_pend *q = realloc(p->pend, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		p->pend = q;
		p->pend_cap = cap;
	}
	if (!(w = strdup(what)))
		return -ENOMEM;
	m.req_id = p->next_id++;
	m.len = (uint32_t)(plen + tail_len);
	memcpy(p->out + p->out_len, &m, XS_PIPE_HDR);
	memcpy(p->out + p->out_len + XS_PIPE_HDR, path, plen);
	if (tail_len)
		memcpy(p->out + p->out_len + XS_PIPE_HDR + plen, tail,
		       tail_len);
	p->out_len += XS_PIPE_HDR + plen + tail_len;
	p->pend[p->npend++] = (struct xs_pipe_pend){ type, m.req_id, w };
	return 0;
}

/* Send the queue: in one write to the socket, a message per write to the
 * device. */
static int send_queued(struct xs_pipe *p)
{
	size_t off = 0;

	if (!p->dev)
		return xb_write_all(p->fd, p->out, p->out_len);
	while (off < p->out_len) {
		struct xsd_sockmsg m;
		int rc;

		memcpy(&m, p->out + off, XS_PIPE_HDR);
		rc = xb_write_all(p->fd, p->out + off, XS_PIPE_HDR + m.len);
		if (rc < 0)
			return rc;
		off += XS_PIPE_HDR + m.len;
	}
	return 0;
}

int xs_pipe_check_reply(const uint8_t *msg, size_t len, uint32_t want_type,
			uint32_t want_id, int *err)
{
	struct xsd_sockmsg m;

	*err = 0;
	if (len < XS_PIPE_HDR)
		return -1;
	memcpy(&m, msg, XS_PIPE_HDR);
	if (m.len != len - XS_PIPE_HDR || m.len > XS_PIPE_PAYLOAD_MAX ||
	    m.req_id != want_id)
		return -1;
	if (m.type == XS_ERROR) {
		const char *s = (const char *)msg + XS_PIPE_HDR;

		*err = EIO;
		for (size_t i = 0;
		     i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++) {
			size_t n = strlen(xsd_errors[i].errstring);

			/* The name, with or without its NUL. */
			if ((m.len == n || (m.len == n + 1 && !s[n])) &&
			    !memcmp(s, xsd_errors[i].errstring, n)) {
				*err = xsd_errors[i].errnum;
				break;
			}
		}
		return 0;
	}
	return m.type == want_type ? 0 : -1;
}

/* Read the next message that is not a watch event (none are asked for on
 * this connection, but the protocol allows them at any time). */
static int read_msg(struct xs_pipe *p, uint8_t *buf, size_t *len)
{
	for (;;) {
		struct xsd_sockmsg m;
		int rc = xb_read_all(p->fd, buf, XS_PIPE_HDR);

		if (rc < 0)
			return rc;
		memcpy(&m, buf, XS_PIPE_HDR);
		if (m.len > XS_PIPE_PAYLOAD_MAX)
			return -EIO;
		if ((rc = xb_read_all(p->fd, buf + XS_PIPE_HDR, m.len)) < 0)
			return rc;
		*len = XS_PIPE_HDR + m.len;
		if (m.type != XS_WATCH_EVENT)
			return 0;
	}
}

static void set_fail(struct xs_pipe_fail *f, int err, bool last,
		     const char *what)
{
	if (f->err)
		return;
	f->err = err;
	f->last = last;
	snprintf(f->what, sizeof(f->what), "%s", what);
}

int xs_pipe_flush(struct xs_pipe *p, char **reply, size_t *reply_len,
		  struct xs_pipe_fail *f)
{
	uint8_t buf[XS_PIPE_HDR + XS_PIPE_PAYLOAD_MAX];
	size_t len = 0, n = p->npend;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	if (reply)
		*reply = NULL;
	if (p->fd < 0 || p->broken)
		rc = -EIO;
	else if ((rc = send_queued(p)) < 0)
		p->broken = true;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct xs_pipe_pend *q = &p->pend[i];
		int err;

		if ((rc = read_msg(p, buf, &len)) == 0 &&
		    xs_pipe_check_reply(buf, len, q->type, q->req_id, &err) < 0)
			rc = -EIO; /* not the reply to this request */
		if (rc < 0) {
			p->broken = true;
			break;
		}
		if (err)
			set_fail(f, err, i + 1 == n, q->what);
	}
	if (rc < 0)
		set_fail(f, -rc, false, "xenstore connection");
	drop_pending(p);
	if (f->err)
		return -f->err;
	if (reply && n) {
		size_t plen = len - XS_PIPE_HDR;
		char *r = malloc(plen + 1);

		if (!r)
			return -ENOMEM;
		memcpy(r, buf + XS_PIPE_HDR, plen);
		r[plen] = '\0';
		*reply = r;
		if (reply_len)
			*reply_len = plen;
	}
	return 0;
}

int xs_pipe_split(const char *buf, size_t len, char ***names, unsigned *n)
{
	size_t count = 0, i;
	char **v, *s;

	for (i = 0; i < len; i++)
		if (!buf[i])
			count++;
	if (len && buf[len - 1])
		count++; /* a last name without its NUL */
	if (count > UINT32_MAX)
		return -E2BIG;
	v = malloc(count * sizeof(*v) + len + 1);
	if (!v)
		return -ENOMEM;
	s = (char *)(v + count);
	memcpy(s, buf, len);
	s[len] = '\0';
	for (i = 0; i < count; i++) {
		v[i] = s;
		s += strlen(s) + 1;
	}
	*names = v;
	*n = (unsigned)count;
	return 0;
}
