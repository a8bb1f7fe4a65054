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
#include <limits.h>

#define MiB (1ULL << 20)

/* xl.cfg(5) "Event actions"; libvirt accepts the same names. */
static const char *const actions[] = {
	"destroy",	    "restart",		"rename-restart", "preserve",
	"coredump-destroy", "coredump-restart", "soft-reset",
};
const char cfg_actions_list[] =
	"destroy, restart, rename-restart, preserve, "
	"coredump-destroy, coredump-restart, soft-reset";

/*
 * xl_parse.c compares type and builder case-sensitively ("PV" is "Invalid
 * domain type PV."); xm's builder = "linux" is PV too.  When type is set
 * xl ignores builder, so builder never changes the type.
 */
static const char *type_check(const char *s)
{
	if (!strcmp(s, "pv") || !strcmp(s, "pvh"))
		return NULL;
	if (!strcasecmp(s, "pv") || !strcasecmp(s, "pvh"))
		return "types are lower case, as xl reads them (type = \"pv\" "
		       "or \"pvh\")";
	if (!strcmp(s, "hvm"))
		return "xbuild builds PV and PVH guests only";
	return "not a domain type (\"pv\", \"pvh\" or \"hvm\"); xbuild builds "
	       "PV and PVH guests only";
}

static const char *builder_check(const char *s)
{
	if (!strcmp(s, "generic") || !strcmp(s, "linux"))
		return NULL;
	if (!strcmp(s, "hvm"))
		return "xbuild builds PV and PVH guests only (builder = "
		       "\"generic\" or type = \"pvh\")";
	if (!strcasecmp(s, "generic") || !strcasecmp(s, "linux"))
		return "builders are lower case, as xl reads them (builder = \"generic\")";
	return "not a builder (\"generic\", or xm's \"linux\", for PV; type = "
	       "\"pv\" is today's spelling)";
}

/* libvirt's os types: "linux" and "xen" are PV, "xenpvh" (the libxl
 * driver's PVH) is PVH; config_xml.c turns machine='xenpvh' into it. */
static const char *os_type_check(const char *s)
{
	if (!strcmp(s, "linux") || !strcmp(s, "xen") || !strcmp(s, "xenpvh"))
		return NULL;
	return "xbuild builds PV and PVH guests only (linux, xen or xenpvh)";
}

#define DC(f) offsetof(struct dom_config, f)
#define OR(f) offsetof(struct cfg_origin, f)
#define MEM_MIN MiB
#define MEM_MAX (XB_MEMORY_MAX_MB << 20)

const struct cfg_keydef cfg_keys[CK_NR] = {
	[CK_NAME] = { "name", "<name>", CT_NAME, DC(name), 0, 0, CKF_BOOT,
		      NULL },
	[CK_TYPE] = { "type", NULL, CT_TYPE, DC(type), 0, 0, CKF_BOOT,
		      type_check },
	[CK_BUILDER] = { "builder", NULL, CT_CHOICE, 0, 0, 0, CKF_BOOT,
			 builder_check },
	[CK_OS] = { NULL, "<os>", CT_NONE, 0, 0, 0, CKF_BOOT, NULL },
	[CK_OS_TYPE] = { NULL, "<os><type>", CT_TYPE, DC(type), 0, 0, CKF_BOOT,
			 os_type_check },
	[CK_MEMORY] = { "memory", "<currentMemory>", CT_MIB, DC(memory_mb),
			MEM_MIN, MEM_MAX, CKF_BOOT, NULL },
	[CK_MAXMEM] = { "maxmem", "<memory>", CT_MIB, DC(maxmem_mb), MEM_MIN,
			MEM_MAX, CKF_BOOT, NULL },
	[CK_VCPUS] = { "vcpus", "<vcpu current>", CT_COUNT, DC(vcpus), 1,
		       XB_VCPUS_MAX, CKF_BOOT, NULL },
	[CK_MAXVCPUS] = { "maxvcpus", "<vcpu>", CT_COUNT, DC(maxvcpus), 1,
			  XB_VCPUS_MAX, CKF_BOOT, NULL },
	[CK_KERNEL] = { "kernel", "<os><kernel>", CT_STR, DC(kernel), 0, 0,
			CKF_BOOT, NULL },
	[CK_RAMDISK] = { "ramdisk", "<os><initrd>", CT_STR, DC(ramdisk), 0, 0,
			 CKF_BOOT | CKF_EMPTY_NONE, NULL },
	[CK_CMDLINE] = { "cmdline", "<os><cmdline>", CT_STR, DC(cmdline), 0, 0,
			 CKF_BOOT, NULL },
	[CK_ROOT] = { "root", NULL, CT_STR, OR(root), 0, 0,
		      CKF_BOOT | CKF_ORIGIN, NULL },
	[CK_EXTRA] = { "extra", NULL, CT_STR, OR(extra), 0, 0,
		       CKF_BOOT | CKF_ORIGIN, NULL },
	[CK_BOOTLOADER] = { "bootloader", "<bootloader>", CT_STR,
			    OR(bootloader), 0, 0, CKF_ORIGIN, NULL },
	[CK_UUID] = { "uuid", "<uuid>", CT_UUID, 0, 0, 0, CKF_BOOT, NULL },
	[CK_ON_POWEROFF] = { "on_poweroff", "<on_poweroff>", CT_ACTION,
			     DC(on_poweroff), 0, 0, 0, NULL },
	[CK_ON_REBOOT] = { "on_reboot", "<on_reboot>", CT_ACTION, DC(on_reboot),
			   0, 0, 0, NULL },
	[CK_ON_CRASH] = { "on_crash", "<on_crash>", CT_ACTION, DC(on_crash), 0,
			  0, 0, NULL },
	[CK_RAMDISK_DECOMPRESS] = { "ramdisk_decompress", NULL, CT_BOOL,
				    DC(ramdisk_decompress), 0, 1, 0, NULL },
	[CK_MAX_DECOMPRESSED] = { "xbuild_max_decompressed", NULL, CT_BYTES,
				  DC(max_decompressed), MEM_MIN, MEM_MAX, 0,
				  NULL },
	[CK_DEVICES] = { NULL, "<devices>", CT_NONE, 0, 0, 0, 0, NULL },
	/* Domain creation limits (xl.cfg(5)); absent: xl's defaults. */
	[CK_MAX_GRANT_VERSION] = { "max_grant_version", NULL, CT_COUNT,
				   DC(max_grant_version), 1, 2, 0, NULL },
	[CK_MAX_GRANT_FRAMES] = { "max_grant_frames", NULL, CT_COUNT,
				  DC(max_grant_frames), 1, INT32_MAX, 0, NULL },
	[CK_MAX_MAPTRACK_FRAMES] = { "max_maptrack_frames", NULL, CT_COUNT,
				     DC(max_maptrack_frames), 1, INT32_MAX, 0,
				     NULL },
	[CK_MAX_EVENT_CHANNELS] = { "max_event_channels", NULL, CT_COUNT,
				    DC(max_event_channels), 1, (1u << 17) - 1,
				    0, NULL },
	/* xl: a PV guest's kernel = XENFIRMWAREDIR/NAME.bin (CFG_PVGRUB*). */
	[CK_FIRMWARE] = { "firmware", NULL, CT_STR, OR(firmware), 0, 0,
			  CKF_BOOT | CKF_ORIGIN, NULL },
	/* xl's CPUID overrides (config_cpuid.c); libvirt's <cpu><feature>. */
	[CK_CPUID] = { "cpuid", "<cpu><feature>", CT_CPUID, 0, 0, 0, 0, NULL },
	/* xbuild's decompressed-kernel cache (cache.c): off unless set. */
	[CK_CACHE_DIR] = { "xbuild_cache_dir", NULL, CT_STR, OR(cache_dir), 0,
			   0, CKF_ORIGIN | CKF_EMPTY_NONE, NULL },
	[CK_CACHE_MAX] = { "xbuild_cache_max", NULL, CT_BYTES, OR(cache_max),
			   MEM_MIN, MEM_MAX, CKF_ORIGIN, NULL },
};

void cfg_init(struct dom_config *c)
{
	memset(c, 0, sizeof(*c));
	c->memory_mb = XB_MEMORY_DEFAULT_MB;
	c->maxmem_mb = 0; /* 0 until set: cfg_finish() makes it memory */
	c->vcpus = 1;
	c->maxvcpus = 0; /* likewise = vcpus */
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
	free(o->firmware);
	free(o->cpuid_text);
	free(o->cache_dir);
	for (size_t i = 0; i < o->nsrc; i++)
		free(o->src[i]);
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
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' &&
		    *s != '-')
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
	static const char *const units[] = { "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
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
	const char *n =
		x->o && x->o->syntax == CFG_XML && !x->cmdline ? d->xml : d->xl;

	return n ? n : d->xl ? d->xl : d->xml;
}

/* "FILE:LINE", the command line's setting, or FILE. */
static const char *at_origin(const char *fname, const struct cfg_origin *o,
			     int line, char *buf, size_t size)
{
	if (line > 0) {
		snprintf(buf, size, "%s:%d", fname, line);
	} else if (line < 0 && o && (size_t) - (line + 1) < o->nsrc) {
		const char *s = o->src[-(line + 1)];

		/* An option ("--memory") names itself; an override is quoted
		 * as written (the printers make it safe). */
		if (!strncmp(s, "--", 2))
			snprintf(buf, size, "%s", s);
		else
			snprintf(buf, size, "command line: %.100s%s", s,
				 strlen(s) > 100 ? "..." : "");
	} else {
		snprintf(buf, size, "%s", fname);
	}
	return buf;
}

const char *cfg_at(const struct cfg_ctx *x, int line, char *buf, size_t size)
{
	return at_origin(x->fname, x->o, line, buf, size);
}

/* Which of two origins (cfg_origin.line) was set later: the command line
 * comes after the file, in its own order. */
static long rank(int line)
{
	return line >= 0 ? line : (long)INT_MAX + -(long)line;
}

int cfg_begin(struct cfg_ctx *x, enum cfg_syntax syntax, const char *fname,
	      const char *buf, size_t len, struct dom_config *c,
	      struct xb_err *e)
{
	const unsigned char *b = (const unsigned char *)buf;
	const char *enc = NULL;

	memset(x, 0, sizeof(*x));
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
		return xb_fail(e, XB_EINPUT,
			       "%s: config is %zu bytes, the limit "
			       "is %u",
			       fname, len, XB_CONFIG_MAX);
	/* Editors on Windows save "Unicode" as UTF-16 (or 32), with or
	 * without a byte order mark; every character then has NUL bytes. */
	if (len >= 4 &&
	    ((!memcmp(b, "\xff\xfe\0\0", 4)) || !memcmp(b, "\0\0\xfe\xff", 4)))
		enc = "UTF-32";
	else if (len >= 2 &&
		 (!memcmp(b, "\xff\xfe", 2) || !memcmp(b, "\xfe\xff", 2)))
		enc = "UTF-16";
	else if (len >= 4 && ((b[0] && b[0] < 0x80 && !b[1] && b[2] &&
			       b[2] < 0x80 && !b[3]) ||
			      (!b[0] && b[1] && b[1] < 0x80 && !b[2] && b[3] &&
			       b[3] < 0x80)))
		enc = "UTF-16";
	if (enc)
		return xb_fail(e, XB_EINPUT,
			       "%s: the config is %s encoded; save "
			       "it as UTF-8 or ASCII",
			       fname, enc);
	return 0;
}

int cfg_repeat(struct cfg_ctx *x, enum cfg_key k, int first, int again,
	       uint64_t times)
{
	const char *n = cfg_key_name(x, k);
	bool xml = x->o->syntax == CFG_XML;
	char key[64], at[160];

	cfg_at(x, again, at, sizeof(at));
	if (cfg_keys[k].flags & CKF_BOOT)
		return xb_fail(x->e, XB_EINPUT,
			       "%s: %s%s%s is %s twice (lines "
			       "%d and %d): it decides what is booted, so xbuild "
			       "does not pick one; keep one",
			       at, xml ? "" : "key '", n, xml ? "" : "'",
			       xml ? "given" : "set", first, again);
	snprintf(key, sizeof(key), "again:%s", n);
	if (xb_warn_key(&x->c->warnings, key, times,
			"%s: %s%s%s %s again "
			"(first on line %d)%s",
			at, xml ? "element " : "key '", n, xml ? "" : "'",
			xml ? "given" : "set", first,
			cfg_keys[k].type == CT_NONE ?
				"" :
				", the last value is used") < 0)
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	return 0;
}

int cfg_warn_ignored(struct cfg_ctx *x, const char *key, const char *what,
		     int line, uint64_t times, const char *why)
{
	char k[80], at[160];

	snprintf(k, sizeof(k), "ignored:%s", key);
	if (xb_warn_key(&x->c->warnings, k, times, "%s: %s %s",
			cfg_at(x, line, at, sizeof(at)), what, why) < 0)
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	return 0;
}

int cfg_device(struct cfg_ctx *x, const char *key, int line, uint64_t times)
{
	struct cfg_origin *o = x->o;

	for (size_t i = 0; i < o->ndev; i++) {
		if (strcmp(o->dev[i].key, key))
			continue;
		if (!xb_add_ovf(o->dev[i].times, times, &o->dev[i].times))
			return 0;
		o->dev[i].times = UINT64_MAX;
		return 0;
	}
	if (o->ndev == CFG_DEV_MAX) {
		o->dev_more++;
		return 0;
	}
	snprintf(o->dev[o->ndev].key, sizeof(o->dev[0].key), "%s", key);
	o->dev[o->ndev].line = line;
	o->dev[o->ndev].times = times;
	o->ndev++;
	return 0;
}

static int set_num(struct cfg_ctx *x, enum cfg_key k, const struct cfg_val *v,
		   void *field)
{
	const struct cfg_keydef *d = &cfg_keys[k];
	const char *n = cfg_key_name(x, k), *unit = v->unit ? v->unit : "";
	bool size = d->type == CT_MIB || d->type == CT_BYTES;
	uint64_t num, val, scale = size ? v->scale : 1;
	char buf[80], lo[32], hi[32], at[160];
	const char *sv = v->shown ? v->shown : cfg_show(v->s, false, buf, 60);
	int r;

	cfg_at(x, v->line, at, sizeof(at));
	r = xb_parse_u64(v->s, strlen(v->s), v->numfmt, UINT64_MAX, &num);
	if (r == XB_NUM_EMPTY || r == XB_NUM_SYNTAX)
		return xb_fail(x->e, XB_EINPUT,
			       "%s: %s = %s: expected a %s"
			       "number%s%s%s",
			       at, n, sv,
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
		    xb_warn_key(
			    &x->c->warnings, key, 1,
			    "%s: %s = %s %s is "
			    "not a whole number of MiB, rounded up to %llu MiB",
			    at, n, sv, unit, (unsigned long long)mb) < 0)
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
	return xb_fail(x->e, XB_EINPUT,
		       "%s: %s = %s%s%s: out of range (%s "
		       "to %s)",
		       at, n, sv, *unit ? " " : "", unit, lo, hi);
}

int cfg_set(struct cfg_ctx *x, enum cfg_key k, const struct cfg_val *v)
{
	const struct cfg_keydef *d = &cfg_keys[k];
	const char *n = cfg_key_name(x, k), *why;
	void *field = (char *)((d->flags & CKF_ORIGIN) ? (void *)x->o :
							 (void *)x->c) +
		      d->off;
	char buf[80], at[160];
	const char *sv = v->shown ? v->shown : cfg_show(v->s, false, buf, 60);
	int r;

	/* In the file a key set twice is refused or warned about; the
	 * command line replaces what the file said. */
	if (x->o->line[k] && !x->cmdline) {
		r = cfg_repeat(x, k, x->o->line[k], v->line, 1);
		if (r)
			return r;
	}
	x->o->line[k] = v->line;
	cfg_at(x, v->line, at, sizeof(at));
	switch (d->type) {
	case CT_NONE: return 0;
	case CT_CHOICE:
	case CT_TYPE:
		if ((why = d->check(v->s)))
			return xb_fail(x->e, XB_EINPUT, "%s: %s = %s: %s", at,
				       n, sv, why);
		if (d->type == CT_TYPE)
			*(enum xb_dom_type *)field =
				!strcmp(v->s, "pvh") ||
						!strcmp(v->s, "xenpvh") ?
					XB_DOM_PVH :
					XB_DOM_PV;
		return 0;
	case CT_CPUID:
		x->c->nr_cpuid = 0;
		return v->list ? cfg_cpuid_xend(x, v->list, v->line) :
				 cfg_cpuid_libxl(x, v->line, v->s);
	case CT_NAME:
		if (!cfg_name_ok(v->s))
			return xb_fail(x->e, XB_EINPUT,
				       "%s: %s = %s: must be 1 "
				       "to %d characters of [A-Za-z0-9_.-]",
				       at, n, sv, XB_NAME_MAX - 1);
		strcpy(field, v->s); /* cfg_name_ok(): short */
		return 0;
	case CT_ACTION:
		if (!cfg_action_ok(v->s))
			return xb_fail(x->e, XB_EINPUT,
				       "%s: %s = %s: not an "
				       "action (%s)",
				       at, n, sv, cfg_actions_list);
		strcpy(field, v->s); /* cfg_action_ok(): short */
		return 0;
	case CT_UUID:
		if (!xb_uuid_parse(v->s, x->c->uuid))
			return xb_fail(
				x->e, XB_EINPUT,
				"%s: %s = %s: expected "
				"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex)",
				at, n, sv);
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
	case CT_BOOL: return set_num(x, k, v, field);
	}
	return xb_fail(x->e, XB_EINTERNAL, "%s: key %d has no type", x->fname,
		       k);
}

/* The origin (cfg_origin.line) of the later of two keys; 0 when neither
 * was set. */
static int line_of(const struct cfg_origin *o, enum cfg_key a, enum cfg_key b)
{
	if (!o)
		return 0;
	return rank(o->line[a]) > rank(o->line[b]) ? o->line[a] : o->line[b];
}

static int fail_at(struct cfg_ctx *x, int line, const char *what)
{
	char at[160];

	return xb_fail(x->e, XB_EINPUT, "%s: %s",
		       cfg_at(x, line, at, sizeof(at)), what);
}

/* bootloader: refused, because xbuild would load a dom0 file instead. */
static int check_bootloader(struct cfg_ctx *x)
{
	struct dom_config *c = x->c;
	bool xml = x->o->syntax == CFG_XML;
	const char *bl = xml ? "<bootloader>" : "bootloader=";
	const char *kn = cfg_key_name(x, CK_KERNEL);
	char sb[80], sk[240], at[160];

	cfg_show(x->o->bootloader ? x->o->bootloader : "", !xml, sb, 60);
	cfg_at(x, x->o->line[CK_BOOTLOADER], at, sizeof(at));
	if (c->kernel && c->kernel[0]) {
		cfg_show(c->kernel, false, sk, 200);
		return xb_fail(
			x->e, XB_EINPUT,
			"%s: %s = %s: the bootloader "
			"runs inside the guest's disk image, where %s "
			"\"%s\" names a file; xbuild never runs bootloaders "
			"and would load dom0's %s instead; remove %s or "
			"use %s without it",
			at, cfg_key_name(x, CK_BOOTLOADER), sb, kn, sk, sk, bl,
			xml ? kn : "kernel=");
	}
	return xb_fail(x->e, XB_EINPUT,
		       "%s: %s = %s: the bootloader runs "
		       "inside the guest's disk image and xbuild never runs "
		       "bootloaders; remove %s and give %s (and %s) as files "
		       "in dom0",
		       at, cfg_key_name(x, CK_BOOTLOADER), sb, bl, kn,
		       cfg_key_name(x, CK_RAMDISK));
}

/*
 * firmware = "pvgrub32" | "pvgrub64": xl_parse.c loads XENFIRMWAREDIR/
 * NAME.bin as the kernel of a PV guest, and refuses kernel= next to it.
 * The later of the two wins when the command line set it.
 */
static int map_firmware(struct cfg_ctx *x)
{
	struct cfg_origin *o = x->o;
	struct dom_config *c = x->c;
	int fl = o->line[CK_FIRMWARE], kl = o->line[CK_KERNEL];
	const char *path;
	char sf[80], what[300];
	int i;

	if (!o->firmware || o->kernel_is_firmware)
		return 0;
	cfg_show(o->firmware, true, sf, 60);
	if (strcmp(o->firmware, "pvgrub32") &&
	    strcmp(o->firmware, "pvgrub64")) {
		snprintf(what, sizeof(what),
			 "firmware = %s: xl loads PV GRUB "
			 "only (\"pvgrub32\" or \"pvgrub64\") as a PV guest's "
			 "firmware",
			 sf);
		return fail_at(x, fl, what);
	}
	if (kl) {
		char kat[160];

		if (fl > 0 && kl > 0) {
			snprintf(what, sizeof(what),
				 "firmware = %s and kernel "
				 "(line %d) are both set: the firmware is the "
				 "kernel xl loads; keep one",
				 sf, kl);
			return fail_at(x, fl, what);
		}
		if (rank(kl) > rank(fl)) {
			/* --kernel or an override of kernel wins. */
			if (xb_warn_key(&c->warnings, "ignored:firmware", 1,
					"%s: "
					"firmware = %s is ignored: the kernel is "
					"given by %s",
					cfg_at(x, fl, what, 160), sf,
					cfg_at(x, kl, kat, sizeof(kat))) < 0)
				return xb_fail(x->e, XB_EINTERNAL,
					       "out of memory");
			o->kernel_is_firmware = false;
			free(o->firmware);
			o->firmware = NULL;
			o->line[CK_FIRMWARE] = 0;
			return 0;
		}
	}
	i = !strcmp(o->firmware, "pvgrub64");
	path = o->pvgrub[i] ? o->pvgrub[i] : i ? CFG_PVGRUB64 : CFG_PVGRUB32;
	if (!cfg_set_str(&c->kernel, path))
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	o->line[CK_KERNEL] = fl;
	o->kernel_is_firmware = true;
	return 0;
}

/* xl_parse.c: cmdline wins (root and extra ignored, with a warning); else
 * "root=ROOT EXTRA", "root=ROOT" or "EXTRA". */
static int join_cmdline(struct cfg_ctx *x)
{
	struct cfg_origin *o = x->o;
	struct dom_config *c = x->c;
	char at[160];
	int r = 0;

	if (!o->root && !o->extra)
		return 0;
	if (o->line[CK_CMDLINE]) {
		if (xb_warn_key(&c->warnings, "ignored:cmdline", 1,
				"%s: cmdline "
				"is set, so root and extra are ignored",
				cfg_at(x, o->line[CK_CMDLINE], at,
				       sizeof(at))) < 0)
			r = xb_fail(x->e, XB_EINTERNAL, "out of memory");
	} else if (o->root) {
		size_t n = strlen(o->root) +
			   (o->extra ? strlen(o->extra) + 1 : 0) + 6;

		free(c->cmdline);
		c->cmdline = malloc(n);
		if (!c->cmdline)
			r = xb_fail(x->e, XB_EINTERNAL, "out of memory");
		else
			snprintf(c->cmdline, n, "root=%s%s%s", o->root,
				 o->extra ? " " : "", o->extra ? o->extra : "");
		o->cmdline_line = line_of(o, CK_ROOT, CK_EXTRA);
		o->cmdline_via = o->extra ? "root and extra" : "root";
	} else {
		free(c->cmdline);
		c->cmdline = o->extra;
		o->extra = NULL;
		o->cmdline_line = o->line[CK_EXTRA];
		o->cmdline_via = "extra";
	}
	/* Consumed: cfg_finish() stays idempotent. */
	free(o->root);
	free(o->extra);
	o->root = o->extra = NULL;
	return r;
}

/*
 * cpuid: xl applies it to every new domain, PV ones included (libxl's
 * libxl__build_pre calls libxl__cpuid_legacy whatever the type); xbuild's
 * builder applies it to PVH guests, so a PV guest's is reported as not
 * acted on.  The text --resolved shows is made here, once.
 */
static int finish_cpuid(struct cfg_ctx *x)
{
	struct dom_config *c = x->c;
	struct cfg_origin *o = x->o;
	char at[160];

	if (!o || !o->line[CK_CPUID])
		return 0;
	free(o->cpuid_text);
	if (!(o->cpuid_text = cfg_cpuid_text(c)))
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	if (c->type == XB_DOM_PV && c->nr_cpuid &&
	    xb_warn_key(&c->warnings, "ignored:cpuid", 1,
			"%s: %s is applied to PVH guests only by xbuild (xl "
			"applies it to PV guests too); not acted on",
			cfg_at(x, o->line[CK_CPUID], at, sizeof(at)),
			cfg_key_name(x, CK_CPUID)) < 0)
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	return 0;
}

int cfg_finish(struct dom_config *c, struct xb_err *e)
{
	struct cfg_ctx x = {
		.fname = c->source ? c->source : "(config)",
		.c = c,
		.o = c->origin,
		.e = e,
	};
	struct cfg_origin *o = c->origin;
	bool xml = o && o->syntax == CFG_XML;
	char what[200];
	int r;

	if (o && o->line[CK_BOOTLOADER])
		return check_bootloader(&x);
	if (o && (r = map_firmware(&x)))
		return r;
	if (!c->name[0])
		return xb_fail(e, XB_EINPUT,
			       "%s: the domain name is required "
			       "(name = \"...\" or <name>)",
			       x.fname);
	if (!c->kernel || !c->kernel[0])
		return xb_fail(e, XB_EINPUT,
			       "%s: the kernel is required "
			       "(kernel = \"/path/to/vmlinuz\", <os><kernel> or "
			       "--kernel)",
			       x.fname);
	if (xml && !o->line[CK_OS_TYPE])
		return fail_at(&x, o->line[CK_OS],
			       "<os>: <type>linux</type> "
			       "is required");
	if (xml && !o->line[CK_MAXMEM])
		return fail_at(&x, 0, "<memory> is required");
	if (!c->maxmem_mb)
		c->maxmem_mb = c->memory_mb;
	if (c->maxmem_mb < c->memory_mb) {
		int l = line_of(o, CK_MAXMEM, CK_MEMORY);

		/* The command line's keys have their xl names. */
		x.cmdline = l < 0;
		snprintf(what, sizeof(what),
			 "%s (%llu MiB) is less than %s (%llu MiB)",
			 cfg_key_name(&x, CK_MAXMEM),
			 (unsigned long long)c->maxmem_mb,
			 cfg_key_name(&x, CK_MEMORY),
			 (unsigned long long)c->memory_mb);
		return fail_at(&x, l, what);
	}
	if (!c->maxvcpus)
		c->maxvcpus = c->vcpus;
	if (c->maxvcpus < c->vcpus) {
		int l = line_of(o, CK_MAXVCPUS, CK_VCPUS);

		x.cmdline = l < 0;
		snprintf(what, sizeof(what), "%s (%u) is less than %s (%u)",
			 cfg_key_name(&x, CK_MAXVCPUS), c->maxvcpus,
			 cfg_key_name(&x, CK_VCPUS), c->vcpus);
		return fail_at(&x, l, what);
	}
	if (o && (r = join_cmdline(&x)))
		return r;
	/* The one check of the command line's length: start_info.cmd_line
	 * holds XB_CMDLINE_MAX bytes with its NUL. */
	if (c->cmdline) {
		size_t n = strlen(c->cmdline);

		if (n >= XB_CMDLINE_MAX)
			return xb_fail(e, XB_EINPUT,
				       "%s: the kernel command line "
				       "is %zu bytes, the limit is %d",
				       x.fname, n, XB_CMDLINE_MAX - 1);
		if (n == 0) {
			free(c->cmdline);
			c->cmdline = NULL;
		}
	}
	return finish_cpuid(&x);
}

int cfg_read(const char *fname, const char *buf, size_t len,
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

int cfg_parse(const char *fname, const char *buf, size_t len,
	      struct dom_config *c, struct xb_err *e)
{
	int r = cfg_read(fname, buf, len, c, e);

	return r ? r : cfg_finish(c, e);
}

/* ---- the command line ------------------------------------------------ */

/* c->origin, made when no file was read (xbuild build --kernel ...). */
static struct cfg_origin *origin_of(struct dom_config *c)
{
	if (!c->source && !(c->source = strdup("command line")))
		return NULL;
	if (!c->origin && (c->origin = calloc(1, sizeof(*c->origin))))
		c->origin->syntax = CFG_XL;
	return c->origin;
}

int cfg_cmdline_begin(struct cfg_ctx *x, struct dom_config *c, const char *text,
		      int *line, struct xb_err *e)
{
	struct cfg_origin *o = origin_of(c);
	char *s;

	memset(x, 0, sizeof(*x));
	x->c = c;
	x->e = e;
	x->cmdline = true;
	if (!o)
		return xb_fail(e, XB_EINTERNAL, "out of memory");
	x->o = o;
	x->fname = c->source;
	if (o->nsrc == CFG_SRC_MAX)
		return xb_fail(e, XB_EINPUT,
			       "command line: more than %d "
			       "overrides and options",
			       CFG_SRC_MAX);
	if (!(s = strdup(text)))
		return xb_fail(e, XB_EINTERNAL, "out of memory");
	o->src[o->nsrc++] = s;
	*line = -(int)o->nsrc; /* the origin of what it sets */
	return 0;
}

int cfg_option(struct dom_config *c, const char *key, const char *value,
	       const char *opt, struct xb_err *e)
{
	struct cfg_ctx x;
	struct cfg_val v = { .s = value, .numfmt = XB_NUM_C };
	int line, k, r = cfg_cmdline_begin(&x, c, opt, &line, e);

	if (r)
		return r;
	for (k = 0; k < CK_NR; k++)
		if (cfg_keys[k].xl && !strcmp(cfg_keys[k].xl, key))
			break;
	if (k == CK_NR)
		return xb_fail(e, XB_EINTERNAL, "%s: no key %s", opt, key);
	v.line = line;
	if (cfg_keys[k].type == CT_MIB || cfg_keys[k].type == CT_BYTES) {
		v.unit = "MiB";
		v.scale = MiB;
	}
	return cfg_set(&x, (enum cfg_key)k, &v);
}

void cfg_firmware_paths(struct dom_config *c, const char *pvgrub32,
			const char *pvgrub64)
{
	struct cfg_origin *o = origin_of(c);

	if (o) {
		o->pvgrub[0] = pvgrub32;
		o->pvgrub[1] = pvgrub64;
	}
}

const char *cfg_firmware(const struct dom_config *c)
{
	return c->origin && c->origin->kernel_is_firmware ?
		       c->origin->firmware :
		       NULL;
}

const char *cfg_cache_dir(const struct dom_config *c)
{
	return c->origin ? c->origin->cache_dir : NULL;
}

uint64_t cfg_cache_max(const struct dom_config *c)
{
	return c->origin && c->origin->cache_max ? c->origin->cache_max :
						   CFG_CACHE_MAX_DEFAULT;
}

/* ---- devices ---------------------------------------------------------- */

size_t cfg_devices(const struct dom_config *c, char *buf, size_t size)
{
	const struct cfg_origin *o = c->origin;
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	if (!o)
		return 0;
	for (size_t i = 0; i < o->ndev; i++) {
		const struct cfg_dev *d = &o->dev[i];
		char at[160], num[32], item[300];

		if (d->line > 0)
			snprintf(at, sizeof(at), "line %d", d->line);
		else
			at_origin(c->source ? c->source : "", o, d->line, at,
				  sizeof(at));
		if (d->times > 1)
			snprintf(item, sizeof(item), "%s (%s, %s times)",
				 d->key, at,
				 xb_fmt_count(d->times, num, sizeof(num)));
		else
			snprintf(item, sizeof(item), "%s (%s)", d->key, at);
		if (n < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s",
					      i ? ", " : "", item);
	}
	if (o->dev_more && n < size) {
		char num[32];

		snprintf(buf + n, size - n, " and %s more kinds",
			 xb_fmt_count(o->dev_more, num, sizeof(num)));
	}
	return o->ndev + (size_t)o->dev_more;
}

int cfg_warn_devices(struct dom_config *c, const char *why, struct xb_err *e)
{
	const struct cfg_origin *o = c->origin;
	char list[1024], at[160];

	if (!cfg_devices(c, list, sizeof(list)))
		return 0;
	at_origin(c->source, o, o->dev[0].line, at, sizeof(at));
	if (xb_warn_key(&c->warnings,
			o->syntax == CFG_XML ? "devices:<devices>" :
					       "devices:devices",
			1,
			"%s: xbuild does not set up devices: "
			"%s%s",
			at, list, why) < 0)
		return xb_fail(e, XB_EINTERNAL, "out of memory");
	return 0;
}

/* ---- where values came from ------------------------------------------ */

static int key_index(const char *key)
{
	for (int k = 0; k < CK_NR; k++)
		if (cfg_keys[k].xl && !strcmp(cfg_keys[k].xl, key))
			return k;
	return -1;
}

/* The value of key k, quoted for xl, cut: for messages (the printers
 * make it safe); NULL for a key that is no string. */
static const char *shown_value(const struct dom_config *c, enum cfg_key k,
			       bool quote, char *buf, size_t size)
{
	const struct cfg_keydef *d = &cfg_keys[k];
	const char *base = (d->flags & CKF_ORIGIN) ? (const char *)c->origin :
						     (const char *)c;
	const char *s = d->type == CT_STR ? *(char *const *)(base + d->off) :
			d->type == CT_NAME || d->type == CT_ACTION ?
					    base + d->off :
					    NULL;

	if (!s)
		return NULL;
	snprintf(buf, size, "%s%.200s%s%s", quote ? "\"" : "", s,
		 strlen(s) > 200 ? "..." : "", quote ? "\"" : "");
	return buf;
}

const char *cfg_where(const struct dom_config *c, const char *key, char *buf,
		      size_t size)
{
	const struct cfg_origin *o = c->origin;
	const char *src = c->source ? c->source : "(config)";
	int k = key_index(key), line;
	bool xml = o && o->syntax == CFG_XML;
	char at[160], val[220];

	if (!o || k < 0 || !(line = o->line[k])) {
		snprintf(buf, size, "%s", src);
		return buf;
	}
	at_origin(src, o, line, at, sizeof(at));
	if (line < 0) {
		snprintf(buf, size, "%s", at);
	} else if (k == CK_KERNEL && o->kernel_is_firmware) {
		snprintf(buf, size, "%s: firmware = %s", at,
			 cfg_show(o->firmware, true, val, 60));
	} else {
		const char *v =
			shown_value(c, (enum cfg_key)k, !xml, val, sizeof(val));

		snprintf(buf, size, "%s: %s%s%s", at,
			 xml && cfg_keys[k].xml ? cfg_keys[k].xml :
						  cfg_keys[k].xl,
			 v ? " = " : "", v ? v : "");
	}
	return buf;
}

/* item's origin from line (cfg_origin.line). */
static void item_from(const struct dom_config *c, struct cfg_item *it, int line)
{
	const struct cfg_origin *o = c->origin;

	it->from = CFG_FROM_DEFAULT;
	if (line > 0) {
		it->from = CFG_FROM_FILE;
		it->file = c->source;
		it->line = line;
	} else if (line < 0 && o && (size_t) - (line + 1) < o->nsrc) {
		it->arg = o->src[-(line + 1)];
		it->from = strncmp(it->arg, "--", 2) ? CFG_FROM_OVERRIDE :
						       CFG_FROM_OPTION;
	}
}

size_t cfg_items(const struct dom_config *c, struct cfg_item *out, size_t max)
{
	static const enum cfg_key keys[] = {
		CK_NAME,
		CK_TYPE,
		CK_MEMORY,
		CK_MAXMEM,
		CK_VCPUS,
		CK_MAXVCPUS,
		CK_KERNEL,
		CK_RAMDISK,
		CK_CMDLINE,
		CK_UUID,
		CK_ON_POWEROFF,
		CK_ON_REBOOT,
		CK_ON_CRASH,
		CK_RAMDISK_DECOMPRESS,
		CK_MAX_DECOMPRESSED,
		CK_MAX_GRANT_VERSION,
		CK_MAX_GRANT_FRAMES,
		CK_MAX_MAPTRACK_FRAMES,
		CK_MAX_EVENT_CHANNELS,
		CK_CPUID,
		CK_CACHE_DIR,
		CK_CACHE_MAX,
	};
	const struct cfg_origin *o = c->origin;
	size_t n = 0;

	for (size_t i = 0; i < XB_ARRAY_SIZE(keys) && n < max; i++) {
		enum cfg_key k = keys[i];
		struct cfg_item *it = &out[n++];
		int line = o ? o->line[k] : 0;

		memset(it, 0, sizeof(*it));
		it->key = cfg_keys[k].xl;
		it->type = CFG_VNUM;
		switch (k) {
		case CK_NAME:
			it->type = CFG_VSTR;
			it->str = c->name;
			break;
		case CK_TYPE:
			it->type = CFG_VSTR;
			it->str = c->type == XB_DOM_PVH ? "pvh" : "pv";
			if (!line && o && o->line[CK_OS_TYPE]) {
				line = o->line[CK_OS_TYPE];
				it->via = "<os><type>";
			} else if (!line && o && o->line[CK_BUILDER]) {
				line = o->line[CK_BUILDER];
				it->via = "builder";
			}
			break;
		case CK_CPUID:
			it->type = o && o->cpuid_text && c->nr_cpuid ?
					   CFG_VSTR :
					   CFG_VNONE;
			it->str = it->type == CFG_VSTR ? o->cpuid_text : NULL;
			it->none = "the default policy";
			break;
		case CK_MEMORY:
			it->num = c->memory_mb;
			it->unit = "MiB";
			break;
		case CK_MAXMEM:
			it->num = c->maxmem_mb;
			it->unit = "MiB";
			if (!line)
				it->via = "= memory";
			break;
		case CK_VCPUS: it->num = c->vcpus; break;
		case CK_MAXVCPUS:
			it->num = c->maxvcpus;
			if (!line)
				it->via = "= vcpus";
			break;
		case CK_KERNEL:
		case CK_RAMDISK:
		case CK_CMDLINE: {
			const char *s = k == CK_KERNEL	? c->kernel :
					k == CK_RAMDISK ? c->ramdisk :
							  c->cmdline;

			it->type = s ? CFG_VSTR : CFG_VNONE;
			it->str = s;
			it->none = "none";
			if (k == CK_KERNEL && o && o->kernel_is_firmware) {
				snprintf(it->vbuf, sizeof(it->vbuf),
					 "firmware = \"%s\"", o->firmware);
				it->via = it->vbuf;
			}
			if (k == CK_CMDLINE && o && !line && o->cmdline_line) {
				line = o->cmdline_line;
				it->via = o->cmdline_via;
			}
			break;
		}
		case CK_UUID:
			it->type = c->has_uuid ? CFG_VSTR : CFG_VNONE;
			it->none = "random";
			if (c->has_uuid) {
				const uint8_t *u = c->uuid;

				snprintf(it->buf, sizeof(it->buf),
					 "%02x%02x%02x%02x-%02x%02x-"
					 "%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
					 u[0], u[1], u[2], u[3], u[4], u[5],
					 u[6], u[7], u[8], u[9], u[10], u[11],
					 u[12], u[13], u[14], u[15]);
				it->str = it->buf;
			}
			break;
		case CK_ON_POWEROFF:
		case CK_ON_REBOOT:
		case CK_ON_CRASH:
			it->type = CFG_VSTR;
			it->str = (const char *)c + cfg_keys[k].off;
			break;
		case CK_RAMDISK_DECOMPRESS:
			it->type = CFG_VBOOL;
			it->num = c->ramdisk_decompress;
			break;
		case CK_MAX_DECOMPRESSED:
			it->num = c->max_decompressed >> 20;
			it->unit = "MiB";
			break;
		case CK_CACHE_DIR:
			it->str = cfg_cache_dir(c);
			it->type = it->str ? CFG_VSTR : CFG_VNONE;
			it->none = "off";
			break;
		case CK_CACHE_MAX:
			it->num = cfg_cache_max(c) >> 20;
			it->unit = "MiB";
			break;
		default: {
			unsigned v = *(const unsigned *)((const char *)c +
							 cfg_keys[k].off);

			it->num = v;
			if (!v) {
				it->type = CFG_VNONE;
				it->none =
					k == CK_MAX_EVENT_CHANNELS ?
						"1023, as xl" :
					k == CK_MAX_GRANT_VERSION ?
						"the highest Xen offers, as xl" :
						"Xen's default, as xl";
			}
			break;
		}
		}
		item_from(c, it, line);
	}
	return n;
}
