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

void print_error(const struct cli *c, const struct xb_err *e);
void print_run(const struct cli *c, const struct session *s);
void print_build(const struct cli *c, const struct session *s);
void print_plan(const struct cli *c, const struct session *s);
void print_check(const struct cli *c, const struct session *s);
void print_gc(const struct cli *c, unsigned destroyed);
void print_inspect(const struct cli *c, const struct kernel_image *k);

#endif
