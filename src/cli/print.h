/*
 * print.h - every result and error xbuild prints, in text and JSON.
 * Text output escapes bytes that came from untrusted input (print.c).
 */
#ifndef XB_PRINT_H
#define XB_PRINT_H

#include "cli.h"

/* Room for a line of untrusted text after safe(). */
#define SAFE_MAX (2 * XB_MSG_MAX)
/* s made safe for a terminal, in buf: bytes outside printable ASCII as
 * \xNN (\n, \t and \\ spelled so), cut in the middle to fit cap; one
 * line whatever s holds.  Returns buf. */
const char *safe(char *buf, size_t cap, const char *s);

/* The class of an exit code, as --json names it: "usage" (1), "input"
 * (2), "hypervisor" (3), "internal" (4), "signal" (128+N). */
const char *exit_class(int code);
/* The error on stderr ("xbuild: MESSAGE"), on the control fd, and with
 * --json as {"version":1,"command":...,"error":{"code","class","message"}}
 * on stdout; code is the exit code xbuild ends with. */
void print_error(const struct cli *c, const struct xb_err *e, int code);
/* --version: "xbuild VERSION", or {"version":1,"command":"version",...}. */
void print_version(const struct cli *c);
/* "812 bytes", "7.9 MiB": one decimal, binary units. */
const char *human_size(uint64_t bytes, char *buf, size_t len);
/* "0.4 ms", "42 ms", "1.2 s". */
const char *human_time(uint64_t ns, char *buf, size_t len);
void print_run(const struct cli *c, const struct session *s);
void print_build(const struct cli *c, const struct session *s);
/* One event of run -F: text (stderr, unless -q) or a JSON document. */
struct run_event {
	const char *event; /* "shutdown", "signal", "exit" */
	uint32_t domid;
	const char *name;
	const char *reason; /* "poweroff", ..., "destroyed", "timeout" */
	const char *action; /* "destroy", ...; NULL: none */
	const char *renamed; /* rename-restart: the old domain's new name */
	unsigned restarts;
	int signal; /* 0: none */
	long timeout; /* "signal": --shutdown-timeout */
	int exit_code; /* "exit" */
	const char *text; /* the line for stderr; NULL: none */
};
void print_run_event(const struct cli *c, const struct run_event *ev);
void print_plan(const struct cli *c, const struct session *s);
void print_check(const struct cli *c, const struct session *s);
void print_gc(const struct cli *c, unsigned destroyed);
/* kernel_version: the bzImage header's string, NULL when none. */
void print_inspect(const struct cli *c, const struct kernel_image *k,
		   const char *kernel_version);

#endif
