/*
 * config.c - struct dom_config: defaults, the front-end choice, the key
 * table both front ends map into, the setters that check and store a
 * value, and cfg_finish(), the one home of the cross-key rules.
 */
#include "config_int.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MiB (1ULL << 20)

/* xl.cfg(5) "Event actions"; libvirt accepts the same names. */
static const char *const actions[] = {
	"destroy", "restart", "rename-restart", "preserve",
	"coredump-destroy", "coredump-restart", "soft-reset",
};
const char cfg_actions_list[] = "destroy, restart, rename-restart, preserve, "
				"coredump-destroy, coredump-restart, soft-reset";

static bool type_ok(const char *s)
{
	return !strcasecmp(s, "pv");
}

/* "generic" is xl's old spelling of type = "pv". */
static bool builder_ok(const char *s)
{
	return !strcasecmp(s, "generic") || !strcasecmp(s, "pv");
}

static bool os_type_ok(const char *s)
{
	return !strcmp(s, "linux") || !strcmp(s, "xen");
}

#define DC(f) offsetof(struct dom_config, f)
#define OR(f) offsetof(struct cfg_origin, f)
#define MEM_MIN MiB
#define MEM_MAX (XB_MEMORY_MAX_MB << 20)

const struct cfg_keydef cfg_keys[CK_NR] = {
	[CK_NAME] = { "name", "<name>", CT_NAME, DC(name), 0, 0, CKF_BOOT, NULL, NULL },
	[CK_TYPE] = { "type", NULL, CT_CHOICE, 0, 0, 0, CKF_BOOT, type_ok,
		      "xbuild builds PV guests only" },
	[CK_BUILDER] = { "builder", NULL, CT_CHOICE, 0, 0, 0, CKF_BOOT, builder_ok,
			 "xbuild builds PV guests only (builder = \"generic\")" },
	[CK_OS] = { NULL, "<os>", CT_NONE, 0, 0, 0, CKF_BOOT, NULL, NULL },
	[CK_OS_TYPE] = { NULL, "<os><type>", CT_CHOICE, 0, 0, 0, CKF_BOOT, os_type_ok,
			 "xbuild builds PV guests only (linux or xen)" },
	[CK_MEMORY] = { "memory", "<currentMemory>", CT_MIB, DC(memory_mb),
			MEM_MIN, MEM_MAX, CKF_BOOT, NULL, NULL },
	[CK_MAXMEM] = { "maxmem", "<memory>", CT_MIB, DC(maxmem_mb),
			MEM_MIN, MEM_MAX, CKF_BOOT, NULL, NULL },
	[CK_VCPUS] = { "vcpus", "<vcpu current>", CT_COUNT, DC(vcpus),
		       1, XB_VCPUS_MAX, CKF_BOOT, NULL, NULL },
	[CK_MAXVCPUS] = { "maxvcpus", "<vcpu>", CT_COUNT, DC(maxvcpus),
			  1, XB_VCPUS_MAX, CKF_BOOT, NULL, NULL },
	[CK_KERNEL] = { "kernel", "<os><kernel>", CT_STR, DC(kernel), 0, 0,
			CKF_BOOT, NULL, NULL },
	[CK_RAMDISK] = { "ramdisk", "<os><initrd>", CT_STR, DC(ramdisk), 0, 0,
			 CKF_BOOT | CKF_EMPTY_NONE, NULL, NULL },
	[CK_CMDLINE] = { "cmdline", "<os><cmdline>", CT_STR, DC(cmdline), 0, 0,
			 CKF_BOOT, NULL, NULL },
	[CK_ROOT] = { "root", NULL, CT_STR, OR(root), 0, 0, CKF_BOOT | CKF_ORIGIN,
		      NULL, NULL },
	[CK_EXTRA] = { "extra", NULL, CT_STR, OR(extra), 0, 0, CKF_BOOT | CKF_ORIGIN,
		       NULL, NULL },
	[CK_BOOTLOADER] = { "bootloader", "<bootloader>", CT_STR, OR(bootloader),
			    0, 0, CKF_ORIGIN, NULL, NULL },
	[CK_UUID] = { "uuid", "<uuid>", CT_UUID, 0, 0, 0, CKF_BOOT, NULL, NULL },
	[CK_ON_POWEROFF] = { "on_poweroff", "<on_poweroff>", CT_ACTION,
			     DC(on_poweroff), 0, 0, 0, NULL, NULL },
	[CK_ON_REBOOT] = { "on_reboot", "<on_reboot>", CT_ACTION, DC(on_reboot),
			   0, 0, 0, NULL, NULL },
	[CK_ON_CRASH] = { "on_crash", "<on_crash>", CT_ACTION, DC(on_crash),
			  0, 0, 0, NULL, NULL },
	[CK_RAMDISK_DECOMPRESS] = { "ramdisk_decompress", NULL, CT_BOOL,
				    DC(ramdisk_decompress), 0, 1, 0, NULL, NULL },
	[CK_MAX_DECOMPRESSED] = { "xbuild_max_decompressed", NULL, CT_BYTES,
				  DC(max_decompressed), MEM_MIN, MEM_MAX, 0,
				  NULL, NULL },
	[CK_DEVICES] = { NULL, "<devices>", CT_NONE, 0, 0, 0, 0, NULL, NULL },
	/* Domain creation limits (xl.cfg(5)); absent: xl's defaults. */
	[CK_MAX_GRANT_VERSION] = { "max_grant_version", NULL, CT_COUNT,
				   DC(max_grant_version), 1, 2, 0, NULL, NULL },
	[CK_MAX_GRANT_FRAMES] = { "max_grant_frames", NULL, CT_COUNT,
				  DC(max_grant_frames), 1, INT32_MAX, 0, NULL, NULL },
	[CK_MAX_MAPTRACK_FRAMES] = { "max_maptrack_frames", NULL, CT_COUNT,
				     DC(max_maptrack_frames), 1, INT32_MAX, 0,
				     NULL, NULL },
	[CK_MAX_EVENT_CHANNELS] = { "max_event_channels", NULL, CT_COUNT,
				    DC(max_event_channels), 1, (1u << 17) - 1, 0,
				    NULL, NULL },
};

void cfg_init(struct dom_config *c)
{
	memset(c, 0, sizeof(*c));
	c->memory_mb = XB_MEMORY_DEFAULT_MB;
	c->maxmem_mb = 0;	/* 0 until set: cfg_finish() makes it memory */
	c->vcpus = 1;
	c->maxvcpus = 0;	/* likewise = vcpus */
	c->ramdisk_decompress = true;
	strcpy(c->on_poweroff, "destroy");
	strcpy(c->on_reboot, "restart");
	strcpy(c->on_crash, "destroy");
	c->max_decompressed = XB_DEFAULT_MAX_DECOMP;
}

static void origin_free(struct cfg_origin *o)
{
	if (!o)
		return;
	free(o->root);
	free(o->extra);
	free(o->bootloader);
	free(o);
}

void cfg_free(struct dom_config *c)
{
	free(c->source);
	free(c->kernel);
	free(c->ramdisk);
	free(c->cmdline);
	c->source = c->kernel = c->ramdisk = c->cmdline = NULL;
	xb_warnings_free(&c->warnings);
	origin_free(c->origin);
	c->origin = NULL;
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

bool cfg_action_ok(const char *s)
{
	for (size_t i = 0; i < XB_ARRAY_SIZE(actions); i++)
		if (!strcmp(s, actions[i]))
			return true;
	return false;
}

const char *cfg_show(const char *s, bool quote, char *buf, size_t size)
{
	size_t o = 0;

	if (quote)
		buf[o++] = '"';
	for (; *s && o + 9 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
	}
	if (*s) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	if (quote)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* A size for people: "16 TiB", "1536 MiB", "1000 bytes". */
static const char *fmt_size(uint64_t b, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = -1;

	while (u + 1 < (int)XB_ARRAY_SIZE(units) && b && !(b & 1023)) {
		b >>= 10;
		u++;
	}
	snprintf(buf, size, "%llu %s", (unsigned long long)b,
		 u < 0 ? (b == 1 ? "byte" : "bytes") : units[u]);
	return buf;
}

const char *cfg_key_name(const struct cfg_ctx *x, enum cfg_key k)
{
	const struct cfg_keydef *d = &cfg_keys[k];
	const char *n = x->o && x->o->syntax == CFG_XML ? d->xml : d->xl;

	return n ? n : d->xl ? d->xl : d->xml;
}

int cfg_begin(struct cfg_ctx *x, enum cfg_syntax syntax, const char *fname,
	      const char *buf, size_t len, struct dom_config *c,
	      struct xb_err *e)
{
	const unsigned char *b = (const unsigned char *)buf;
	const char *enc = NULL;

	x->fname = fname;
	x->c = c;
	x->e = e;
	x->o = NULL;
	if (!c->source && !(c->source = strdup(fname)))
		return xb_fail(e, XB_EINTERNAL, "out of memory");
	if (!c->origin && !(c->origin = calloc(1, sizeof(*c->origin))))
		return xb_fail(e, XB_EINTERNAL, "out of memory");
	x->o = c->origin;
	x->o->syntax = syntax;
	if (len > XB_CONFIG_MAX)
		return xb_fail(e, XB_EINPUT, "%s: config is %zu bytes, the limit "
			       "is %u", fname, len, XB_CONFIG_MAX);
	/* Editors on Windows save "Unicode" as UTF-16 (or 32), with or
	 * without a byte order mark; every character then has NUL bytes. */
	if (len >= 4 && ((!memcmp(b, "\xff\xfe\0\0", 4)) ||
			 !memcmp(b, "\0\0\xfe\xff", 4)))
		enc = "UTF-32";
	else if (len >= 2 && (!memcmp(b, "\xff\xfe", 2) || !memcmp(b, "\xfe\xff", 2)))
		enc = "UTF-16";
	else if (len >= 4 && ((b[0] && b[0] < 0x80 && !b[1] && b[2] && b[2] < 0x80 && !b[3]) ||
			      (!b[0] && b[1] && b[1] < 0x80 && !b[2] && b[3] && b[3] < 0x80)))
		enc = "UTF-16";
	if (enc)
		return xb_fail(e, XB_EINPUT, "%s: the config is %s encoded; save "
			       "it as UTF-8 or ASCII", fname, enc);
	return 0;
}

int cfg_repeat(struct cfg_ctx *x, enum cfg_key k, int first, int again,
	       uint64_t times)
{
	const char *n = cfg_key_name(x, k);
	bool xml = x->o->syntax == CFG_XML;
	char key[64];

	if (cfg_keys[k].flags & CKF_BOOT)
		return xb_fail(x->e, XB_EINPUT, "%s:%d: %s%s%s is %s twice (lines "
			       "%d and %d): it decides what is booted, so xbuild "
			       "does not pick one; keep one", x->fname, again,
			       xml ? "" : "key '", n, xml ? "" : "'",
			       xml ? "given" : "set", first, again);
	snprintf(key, sizeof(key), "again:%s", n);
	if (xb_warn_key(&x->c->warnings, key, times, "%s:%d: %s%s%s %s again "
			"(first on line %d)%s", x->fname, again,
			xml ? "element " : "key '", n, xml ? "" : "'",
			xml ? "given" : "set", first,
			cfg_keys[k].type == CT_NONE ? "" :
			", the last value is used") < 0)
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	return 0;
}

int cfg_warn_ignored(struct cfg_ctx *x, const char *key, const char *what,
		     int line, uint64_t times, const char *why)
{
	char k[80];

	snprintf(k, sizeof(k), "ignored:%s", key);
	if (xb_warn_key(&x->c->warnings, k, times, "%s:%d: %s %s",
			x->fname, line, what, why) < 0)
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	return 0;
}

static int set_num(struct cfg_ctx *x, enum cfg_key k, const struct cfg_val *v,
		   void *field)
{
	const struct cfg_keydef *d = &cfg_keys[k];
	const char *n = cfg_key_name(x, k), *unit = v->unit ? v->unit : "";
	bool size = d->type == CT_MIB || d->type == CT_BYTES;
	uint64_t num, val, scale = size ? v->scale : 1;
	char buf[80], lo[32], hi[32];
	const char *sv = v->shown ? v->shown : cfg_show(v->s, false, buf, 60);
	int r;

	r = xb_parse_u64(v->s, strlen(v->s), v->numfmt, UINT64_MAX, &num);
	if (r == XB_NUM_EMPTY || r == XB_NUM_SYNTAX)
		return xb_fail(x->e, XB_EINPUT, "%s:%d: %s = %s: expected a %s"
			       "number%s%s%s", x->fname, v->line, n, sv,
			       v->numfmt == XB_NUM_C ? "" : "decimal ",
			       *unit ? " (" : "", unit, *unit ? ")" : "");
	if (r || xb_mul_ovf(num, scale, &val))
		val = UINT64_MAX;
	if (d->type == CT_MIB) {
		/* Whole MiB, rounded up (libvirt sizes need not be). */
		uint64_t mb = val / MiB + (val % MiB != 0);
		char key[64];

		if (val > d->max || mb * MiB < d->min)
			goto range;
		snprintf(key, sizeof(key), "rounded:%s", n);
		if (val % MiB &&
		    xb_warn_key(&x->c->warnings, key, 1, "%s:%d: %s = %s %s is "
				"not a whole number of MiB, rounded up to %llu MiB",
				x->fname, v->line, n, sv, unit,
				(unsigned long long)mb) < 0)
			return xb_fail(x->e, XB_EINTERNAL, "out of memory");
		*(uint64_t *)field = mb;
		return 0;
	}
	if (val < d->min || val > d->max)
		goto range;
	if (d->type == CT_BYTES)
		*(uint64_t *)field = val;
	else if (d->type == CT_COUNT)
		*(unsigned *)field = (unsigned)val;
	else
		*(bool *)field = val != 0;
	return 0;
range:
	if (size) {
		fmt_size(d->min, lo, sizeof(lo));
		fmt_size(d->max, hi, sizeof(hi));
	} else {
		snprintf(lo, sizeof(lo), "%llu", (unsigned long long)d->min);
		snprintf(hi, sizeof(hi), "%llu", (unsigned long long)d->max);
	}
	return xb_fail(x->e, XB_EINPUT, "%s:%d: %s = %s%s%s: out of range (%s "
		       "to %s)", x->fname, v->line, n, sv, *unit ? " " : "",
		       unit, lo, hi);
}

int cfg_set(struct cfg_ctx *x, enum cfg_key k, const struct cfg_val *v)
{
	const struct cfg_keydef *d = &cfg_keys[k];
	const char *n = cfg_key_name(x, k);
	void *field = (char *)((d->flags & CKF_ORIGIN) ? (void *)x->o : (void *)x->c) + d->off;
	char buf[80];
	const char *sv = v->shown ? v->shown : cfg_show(v->s, false, buf, 60);
	int r;

	if (x->o->line[k]) {
		r = cfg_repeat(x, k, x->o->line[k], v->line, 1);
		if (r)
			return r;
	}
	x->o->line[k] = v->line;
	switch (d->type) {
	case CT_NONE:
		return 0;
	case CT_CHOICE:
		if (!d->ok(v->s))
			return xb_fail(x->e, XB_EINPUT, "%s:%d: %s = %s: %s",
				       x->fname, v->line, n, sv, d->why);
		return 0;
	case CT_NAME:
		if (!cfg_name_ok(v->s))
			return xb_fail(x->e, XB_EINPUT, "%s:%d: %s = %s: must be 1 "
				       "to %d characters of [A-Za-z0-9_.-]",
				       x->fname, v->line, n, sv, XB_NAME_MAX - 1);
		strcpy(field, v->s);	/* cfg_name_ok(): short */
		return 0;
	case CT_ACTION:
		if (!cfg_action_ok(v->s))
			return xb_fail(x->e, XB_EINPUT, "%s:%d: %s = %s: not an "
				       "action (%s)", x->fname, v->line, n, sv,
				       cfg_actions_list);
		strcpy(field, v->s);	/* cfg_action_ok(): short */
		return 0;
	case CT_UUID:
		if (!xb_uuid_parse(v->s, x->c->uuid))
			return xb_fail(x->e, XB_EINPUT, "%s:%d: %s = %s: expected "
				       "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex)",
				       x->fname, v->line, n, sv);
		x->c->has_uuid = true;
		return 0;
	case CT_STR:
		if ((d->flags & CKF_EMPTY_NONE) && !v->s[0]) {
			free(*(char **)field);
			*(char **)field = NULL;
			return 0;
		}
		if (!cfg_set_str(field, v->s))
			return xb_fail(x->e, XB_EINTERNAL, "out of memory");
		return 0;
	case CT_MIB:
	case CT_BYTES:
	case CT_COUNT:
	case CT_BOOL:
		return set_num(x, k, v, field);
	}
	return xb_fail(x->e, XB_EINTERNAL, "%s: key %d has no type", x->fname, k);
}

/* The later line of two keys (0 when neither was set). */
static int line_of(const struct cfg_origin *o, enum cfg_key a, enum cfg_key b)
{
	if (!o)
		return 0;
	return o->line[a] > o->line[b] ? o->line[a] : o->line[b];
}

static int fail_at(struct xb_err *e, const char *f, int line, const char *what)
{
	if (line)
		return xb_fail(e, XB_EINPUT, "%s:%d: %s", f, line, what);
	return xb_fail(e, XB_EINPUT, "%s: %s", f, what);
}

/* bootloader: refused, because xbuild would load a dom0 file instead. */
static int check_bootloader(struct cfg_ctx *x)
{
	struct dom_config *c = x->c;
	bool xml = x->o->syntax == CFG_XML;
	const char *bl = xml ? "<bootloader>" : "bootloader=";
	const char *kn = cfg_key_name(x, CK_KERNEL);
	char sb[80], sk[240];

	cfg_show(x->o->bootloader ? x->o->bootloader : "", !xml, sb, 60);
	if (c->kernel && c->kernel[0]) {
		cfg_show(c->kernel, false, sk, 200);
		return xb_fail(x->e, XB_EINPUT, "%s:%d: %s = %s: the bootloader "
			       "runs inside the guest's disk image, where %s "
			       "\"%s\" names a file; xbuild never runs bootloaders "
			       "and would load dom0's %s instead; remove %s or "
			       "use %s without it", x->fname,
			       x->o->line[CK_BOOTLOADER], cfg_key_name(x, CK_BOOTLOADER),
			       sb, kn, sk, sk, bl, xml ? kn : "kernel=");
	}
	return xb_fail(x->e, XB_EINPUT, "%s:%d: %s = %s: the bootloader runs "
		       "inside the guest's disk image and xbuild never runs "
		       "bootloaders; remove %s and give %s (and %s) as files "
		       "in dom0", x->fname, x->o->line[CK_BOOTLOADER],
		       cfg_key_name(x, CK_BOOTLOADER), sb, bl, kn,
		       cfg_key_name(x, CK_RAMDISK));
}

/* xl_parse.c: cmdline wins (root and extra ignored, with a warning); else
 * "root=ROOT EXTRA", "root=ROOT" or "EXTRA". */
static int join_cmdline(struct cfg_ctx *x)
{
	struct cfg_origin *o = x->o;
	struct dom_config *c = x->c;
	int r = 0;

	if (!o->root && !o->extra)
		return 0;
	if (o->line[CK_CMDLINE]) {
		if (xb_warn_key(&c->warnings, "ignored:cmdline", 1, "%s:%d: cmdline "
				"is set, so root and extra are ignored", x->fname,
				o->line[CK_CMDLINE]) < 0)
			r = xb_fail(x->e, XB_EINTERNAL, "out of memory");
	} else if (o->root) {
		size_t n = strlen(o->root) + (o->extra ? strlen(o->extra) + 1 : 0) + 6;

		free(c->cmdline);
		c->cmdline = malloc(n);
		if (!c->cmdline)
			r = xb_fail(x->e, XB_EINTERNAL, "out of memory");
		else
			snprintf(c->cmdline, n, "root=%s%s%s", o->root,
				 o->extra ? " " : "", o->extra ? o->extra : "");
	} else {
		free(c->cmdline);
		c->cmdline = o->extra;
		o->extra = NULL;
	}
	/* Consumed: cfg_finish() stays idempotent. */
	free(o->root);
	free(o->extra);
	o->root = o->extra = NULL;
	return r;
}

int cfg_finish(struct dom_config *c, struct xb_err *e)
{
	struct cfg_ctx x = {
		.fname = c->source ? c->source : "(config)",
		.c = c, .o = c->origin, .e = e,
	};
	struct cfg_origin *o = c->origin;
	bool xml = o && o->syntax == CFG_XML;
	char what[200];
	int r;

	if (o && o->line[CK_BOOTLOADER])
		return check_bootloader(&x);
	if (!c->name[0])
		return xb_fail(e, XB_EINPUT, "%s: the domain name is required "
			       "(name = \"...\" or <name>)", x.fname);
	if (!c->kernel || !c->kernel[0])
		return xb_fail(e, XB_EINPUT, "%s: the kernel is required "
			       "(kernel = \"/path/to/vmlinuz\" or "
			       "<os><kernel>)", x.fname);
	if (xml && !o->line[CK_OS_TYPE])
		return fail_at(e, x.fname, o->line[CK_OS], "<os>: <type>linux</type> "
			       "is required");
	if (xml && !o->line[CK_MAXMEM])
		return fail_at(e, x.fname, 0, "<memory> is required");
	if (!c->maxmem_mb)
		c->maxmem_mb = c->memory_mb;
	if (c->maxmem_mb < c->memory_mb) {
		snprintf(what, sizeof(what), "%s (%llu MiB) is less than %s (%llu MiB)",
			 cfg_key_name(&x, CK_MAXMEM), (unsigned long long)c->maxmem_mb,
			 cfg_key_name(&x, CK_MEMORY), (unsigned long long)c->memory_mb);
		return fail_at(e, x.fname, line_of(o, CK_MAXMEM, CK_MEMORY), what);
	}
	if (!c->maxvcpus)
		c->maxvcpus = c->vcpus;
	if (c->maxvcpus < c->vcpus) {
		snprintf(what, sizeof(what), "%s (%u) is less than %s (%u)",
			 cfg_key_name(&x, CK_MAXVCPUS), c->maxvcpus,
			 cfg_key_name(&x, CK_VCPUS), c->vcpus);
		return fail_at(e, x.fname, line_of(o, CK_MAXVCPUS, CK_VCPUS), what);
	}
	if (o && (r = join_cmdline(&x)))
		return r;
	/* The one check of the command line's length: start_info.cmd_line
	 * holds XB_CMDLINE_MAX bytes with its NUL. */
	if (c->cmdline) {
		size_t n = strlen(c->cmdline);

		if (n >= XB_CMDLINE_MAX)
			return xb_fail(e, XB_EINPUT, "%s: the kernel command line "
				       "is %zu bytes, the limit is %d", x.fname, n,
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
