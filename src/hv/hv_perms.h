/*
 * hv_perms.h - xenstore permission strings in `xenstore-ls -p` notation.
 *
 * "n0,r5" means: owned by domain 0, no access for other domains (the first
 * entry names the owner and what everybody else may do), domain 5 may read.
 * Letters: n = none, r = read, w = write, b = both.  The owner always has
 * read and write access; xenstored ignores the owner entry's letter for the
 * owner itself.
 *
 * The parser is pure, so both backends use it: hv_xen.c turns the result
 * into xenstore's wire form (xs_pipe.c), sim_xs.c checks and stores it.
 */
#ifndef XB_HV_PERMS_H
#define XB_HV_PERMS_H

#include "../xb.h"

/* Same values as XS_PERM_NONE/READ/WRITE in <xenstore_lib.h>. */
enum {
	HV_PERM_NONE = 0x0,
	HV_PERM_READ = 0x1,
	HV_PERM_WRITE = 0x2,
};

struct hv_perm {
	uint32_t domid; /* 0 .. 65535 */
	unsigned perm; /* HV_PERM_* bits */
};

#define HV_PERMS_MAX 32 /* entries in one permission string */

/*
 * Parse s ("n0,r5", no spaces) into out[0..*n).  out[0] is the owner entry.
 * Returns 0, or -XB_EINTERNAL with a message naming the string and the
 * offending entry: permission strings come from xbuild itself, so a bad one
 * is a bug, not user input.  An empty string is an error.
 */
int hv_perms_parse(const char *s, struct hv_perm out[HV_PERMS_MAX], size_t *n,
		   struct xb_err *e);

/* Format out[0..n) back into buf (NUL-terminated, truncated to size). */
void hv_perms_format(const struct hv_perm *p, size_t n, char *buf, size_t size);

#endif
