/*
 * print.h - every result and error xbuild prints, in text and JSON.
 * Text output escapes bytes that came from untrusted input (print.c).
 */
#ifndef XB_PRINT_H
#define XB_PRINT_H

#include "cli.h"

void print_error(const struct cli *c, const struct xb_err *e);
void print_run(const struct cli *c, const struct session *s);
void print_build(const struct cli *c, const struct session *s);
void print_plan(const struct cli *c, const struct session *s);
void print_check(const struct cli *c, const struct session *s);
void print_inspect(const struct cli *c, const struct kernel_image *k);

#endif
