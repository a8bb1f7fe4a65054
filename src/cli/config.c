/*
 * config.c - struct dom_config: defaults, the front-end choice, and the
 * checks every front end shares.
 */
#include "config_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* xl.cfg(5) "Event actions"; libvirt accepts the same names. */
static const char *const actions[] = {
	"destroy", "restart", "rename-restart", "preserve",
	"coredump-destroy", "coredump-restart", "soft-reset",
};
const char cfg_actions_list[] = "destroy, restart, rename-restart, preserve, "
				"coredump-destroy, coredump-restart, soft-reset";

void cfg_init(struct dom_config *c)
{
	memset(c, 0, sizeof(*c));
	c->memory_mb = 128;
	c->maxmem_mb = 0;	/* 0 until set: cfg_finish() makes it memory */
	c->vcpus = 1;
	c->maxvcpus = 0;	/* likewise = vcpus */
	c->ramdisk_decompress = true;
	strcpy(c->on_poweroff, "destroy");
	strcpy(c->on_reboot, "restart");
	strcpy(c->on_crash, "destroy");
	c->max_decompressed = 1024ULL << 20;
}

void cfg_free(struct dom_config *c)
{
	free(c->source);
	free(c->kernel);
	free(c->ramdisk);
	free(c->cmdline);
	c->source = c->kernel = c->ramdisk = c->cmdline = NULL;
	xb_warnings_free(&c->warnings);
}

bool cfg_set_str(char **dst, const char *s)
{
	char *n = strdup(s);

	if (!n)
		return false;
	free(*dst);
	*dst = n;
	return true;
}

int cfg_parse_u64(const char *s, uint64_t *v)
{
	unsigned base = 10;
	uint64_t r = 0;

	if (!*s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return -1;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (; *s; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return -1;
		if (d >= base)
			return -1;
		if (xb_mul_ovf(r, (uint64_t)base, &r) || xb_add_ovf(r, (uint64_t)d, &r))
			return -2;
	}
	*v = r;
	return 0;
}

bool cfg_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= XB_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

int cfg_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, as libxl_uuid_from_string. */
bool cfg_uuid_parse(const char *s, uint8_t uuid[16])
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	unsigned k = 0;

	for (unsigned g = 0; g < XB_ARRAY_SIZE(groups); g++) {
		if (g && *s++ != '-')
			return false;
		for (int i = 0; i < groups[g]; i += 2) {
			int hi = cfg_hexval((unsigned char)s[0]), lo;

			if (hi < 0)
				return false;
			lo = cfg_hexval((unsigned char)s[1]);
			if (lo < 0)
				return false;
			uuid[k++] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
	}
	return *s == '\0';
}

bool cfg_action_ok(const char *s)
{
	for (size_t i = 0; i < XB_ARRAY_SIZE(actions); i++)
		if (!strcmp(s, actions[i]))
			return true;
	return false;
}

int cfg_finish(struct dom_config *c, struct xb_err *e)
{
	const char *f = c->source ? c->source : "(config)";

	if (!c->name[0])
		return xb_fail(e, XB_EINPUT, "%s: the domain name is required "
			       "(name = \"...\" or <name>)", f);
	if (!c->kernel || !c->kernel[0])
		return xb_fail(e, XB_EINPUT, "%s: the kernel is required "
			       "(kernel = \"/path/to/vmlinuz\" or "
			       "<os><kernel>)", f);
	if (!c->maxmem_mb)
		c->maxmem_mb = c->memory_mb;
	if (c->maxmem_mb < c->memory_mb)
		return xb_fail(e, XB_EINPUT, "%s: maxmem (%llu MiB) is less than "
			       "memory (%llu MiB)", f,
			       (unsigned long long)c->maxmem_mb,
			       (unsigned long long)c->memory_mb);
	if (!c->maxvcpus)
		c->maxvcpus = c->vcpus;
	if (c->maxvcpus < c->vcpus)
		return xb_fail(e, XB_EINPUT, "%s: maxvcpus (%u) is less than "
			       "vcpus (%u)", f, c->maxvcpus, c->vcpus);
	if (c->cmdline) {
		size_t n = strlen(c->cmdline);

		if (n >= XB_CMDLINE_MAX)
			return xb_fail(e, XB_EINPUT, "%s: the kernel command line "
				       "is %zu bytes, the limit is %d", f, n,
				       XB_CMDLINE_MAX - 1);
		if (n == 0) {
			free(c->cmdline);
			c->cmdline = NULL;
		}
	}
	return 0;
}

int cfg_parse(const char *fname, const char *buf, size_t len,
	      struct dom_config *c, struct xb_err *e)
{
	size_t i = 0;

	/* A UTF-8 byte order mark does not decide the format. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	for (; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
			continue;
		if (ch == '<')
			return cfg_parse_xml(fname, buf, len, c, e);
		break;
	}
	return cfg_parse_xl(fname, buf, len, c, e);
}
