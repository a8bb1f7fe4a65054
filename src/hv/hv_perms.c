/* hv_perms.c - xenstore permission strings ("n0,r5"), see hv_perms.h. */
#include "hv_perms.h"

#include <stdio.h>

static int perm_letter(char c, unsigned *perm)
{
	switch (c) {
	case 'n': *perm = HV_PERM_NONE; return 0;
	case 'r': *perm = HV_PERM_READ; return 0;
	case 'w': *perm = HV_PERM_WRITE; return 0;
	case 'b': *perm = HV_PERM_READ | HV_PERM_WRITE; return 0;
	default: return -1;
	}
}

int hv_perms_parse(const char *s, struct hv_perm out[HV_PERMS_MAX], size_t *n,
		   struct xb_err *e)
{
	const char *p = s;
	size_t k = 0;

	*n = 0;
	if (!s || !*s)
		return xb_fail(e, XB_EINTERNAL,
			       "xenstore permissions \"\": empty string");
	for (;;) {
		uint32_t id = 0;
		unsigned digits = 0;
		size_t at = (size_t)(p - s);

		if (k == HV_PERMS_MAX)
			return xb_fail(
				e, XB_EINTERNAL,
				"xenstore permissions \"%s\": more than %d entries",
				s, HV_PERMS_MAX);
		if (perm_letter(*p, &out[k].perm) < 0)
			return xb_fail(
				e, XB_EINTERNAL,
				"xenstore permissions \"%s\": entry at offset %zu: expected one of n, r, w, b",
				s, at);
		p++;
		while (*p >= '0' && *p <= '9') {
			id = id * 10 + (uint32_t)(*p - '0');
			if (++digits > 5 || id > 65535)
				return xb_fail(
					e, XB_EINTERNAL,
					"xenstore permissions \"%s\": entry at offset %zu: domain id out of range",
					s, at);
			p++;
		}
		if (!digits)
			return xb_fail(
				e, XB_EINTERNAL,
				"xenstore permissions \"%s\": entry at offset %zu: missing domain id",
				s, at);
		out[k++].domid = id;
		if (*p == '\0')
			break;
		if (*p != ',')
			return xb_fail(
				e, XB_EINTERNAL,
				"xenstore permissions \"%s\": unexpected '%c' at offset %zu",
				s, *p, (size_t)(p - s));
		p++;
	}
	*n = k;
	return 0;
}

void hv_perms_format(const struct hv_perm *p, size_t n, char *buf, size_t size)
{
	static const char letters[4] = { 'n', 'r', 'w', 'b' };
	size_t used = 0;

	if (!size)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < size; i++) {
		int r = snprintf(buf + used, size - used, "%s%c%u",
				 i ? "," : "", letters[p[i].perm & 3],
				 (unsigned)p[i].domid);

		if (r < 0)
			break;
		used += (size_t)r;
	}
}
