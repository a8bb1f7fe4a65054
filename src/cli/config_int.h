/*
 * config_int.h - internals shared by the config front ends (config.c,
 * config_xl_parse.c, config_xl.c, config_xml.c) and the unit tests.  Not an
 * API for the rest of xbuild: that is config.h.
 *
 * The pieces: each front end reads its syntax and, for every key or element
 * it recognises, hands the value's text to cfg_set() together with one of
 * the keys below.  cfg_keys[] (config.c) says once, for both syntaxes, what
 * a key is: its type, where it is stored, its limits, whether it decides
 * what is booted.  Cross-key rules (defaults, maxmem >= memory, root/extra
 * into the command line, required keys, bootloader) are cfg_finish()'s.
 */
#ifndef XB_CONFIG_INT_H
#define XB_CONFIG_INT_H

#include "config.h"

/* ---- keys ---------------------------------------------------------- */

enum cfg_key {
	CK_NAME,
	CK_TYPE,
	CK_BUILDER,
	CK_OS,
	CK_OS_TYPE,
	CK_MEMORY,
	CK_MAXMEM,
	CK_VCPUS,
	CK_MAXVCPUS,
	CK_KERNEL,
	CK_RAMDISK,
	CK_CMDLINE,
	CK_ROOT,
	CK_EXTRA,
	CK_BOOTLOADER,
	CK_UUID,
	CK_ON_POWEROFF,
	CK_ON_REBOOT,
	CK_ON_CRASH,
	CK_RAMDISK_DECOMPRESS,
	CK_MAX_DECOMPRESSED,
	CK_DEVICES,
	CK_MAX_GRANT_VERSION,
	CK_MAX_GRANT_FRAMES,
	CK_MAX_MAPTRACK_FRAMES,
	CK_MAX_EVENT_CHANNELS,
	CK_FIRMWARE,
	CK_CPUID,
	CK_CACHE_DIR,
	CK_CACHE_MAX,
	CK_NR
};

enum cfg_type {
	CT_NONE, /* a container (<os>, <devices>): nothing stored */
	CT_CHOICE, /* checked by .check(), not stored (type, builder) */
	CT_NAME, /* char[XB_NAME_MAX], cfg_name_ok() */
	CT_ACTION, /* char[XB_ACTION_MAX], cfg_action_ok() */
	CT_UUID, /* uuid[16] and has_uuid */
	CT_STR, /* char *, replaced */
	CT_MIB, /* uint64_t MiB; value bytes in [min, max], rounded up */
	CT_BYTES, /* uint64_t bytes in [min, max] */
	CT_COUNT, /* unsigned in [min, max] */
	CT_BOOL, /* bool, 0 or 1 */
	CT_TYPE, /* enum xb_dom_type, .check() first (type, <os><type>) */
	CT_CPUID, /* cpuid[]: config_cpuid.c (the string form here) */
};

/* cfg_key.flags */
#define CKF_BOOT 1u /* decides what is booted: set twice is an error */
#define CKF_ORIGIN 2u /* .off is into struct cfg_origin, not dom_config */
#define CKF_EMPTY_NONE 4u /* "" means not set (ramdisk) */

struct cfg_keydef {
	const char *xl; /* xl.cfg key, NULL if none */
	const char *xml; /* libvirt element as messages show it, NULL if none */
	enum cfg_type type;
	size_t off; /* offsetof the field (see CKF_ORIGIN) */
	uint64_t min, max; /* CT_MIB, CT_BYTES: bytes; CT_COUNT: the value */
	unsigned flags;
	/* CT_CHOICE: NULL when s is accepted, else what the user is told */
	const char *(*check)(const char *s);
};
extern const struct cfg_keydef cfg_keys[CK_NR];

enum cfg_syntax { CFG_XL, CFG_XML };

/* At most this many command-line overrides and options per config. */
#define CFG_SRC_MAX 256
/* At most this many kinds of device are named; the rest are counted. */
#define CFG_DEV_MAX 32

/* A kind of device the config names (xl key or XML element), coalesced. */
struct cfg_dev {
	char key[72]; /* "disk", "<interface>" */
	int line; /* where first named (see cfg_origin.line) */
	uint64_t times;
};

/* Where a config's keys came from; struct dom_config.origin. */
struct cfg_origin {
	enum cfg_syntax syntax;
	/* Where each key was set (the last time): > 0 a line of the file,
	 * < 0 -(1 + i) for src[i] (the command line), 0 not set. */
	int line[CK_NR];
	/* The command line's settings, in the order applied: overrides as
	 * written ("memory=512") and options ("--memory"). */
	char *src[CFG_SRC_MAX];
	size_t nsrc;
	char *root, *extra; /* xl's root= and extra=, until cfg_finish() */
	char *bootloader; /* the bootloader key, for cfg_finish()'s refusal */
	char *firmware; /* "pvgrub32" or "pvgrub64" */
	/* The decompressed-kernel cache (src/cli/cache.c), the command
	 * line's business only: xbuild_cache_dir (NULL: off) and
	 * xbuild_cache_max (bytes; 0: CFG_CACHE_MAX_DEFAULT). */
	char *cache_dir;
	uint64_t cache_max;
	/* The files firmware= loads (NULL: CFG_PVGRUB32/64); not owned. */
	const char *pvgrub[2];
	bool kernel_is_firmware; /* cfg_finish() made kernel the firmware's file */
	/* How cfg_finish() made the command line: the origin (as line[]) of
	 * the key it came from, and which keys ("root and extra"); 0/NULL
	 * when cmdline was set itself. */
	int cmdline_line;
	const char *cmdline_via;
	/* cpuid as cfg_finish() shows it (cfg_cpuid_text), or NULL. */
	char *cpuid_text;
	struct cfg_dev dev[CFG_DEV_MAX]; /* devices, in order of first use */
	size_t ndev;
	uint64_t dev_more; /* device kinds past CFG_DEV_MAX */
};

/* Debian's grub-xen-host (xl maps firmware= to XENFIRMWAREDIR/NAME.bin,
 * which Debian's Xen does not ship). */
#define CFG_PVGRUB32 "/usr/lib/grub-xen/grub-i386-xen.bin"
#define CFG_PVGRUB64 "/usr/lib/grub-xen/grub-x86_64-xen.bin"

/* What every setter needs. */
struct cfg_ctx {
	const char *fname;
	struct dom_config *c;
	struct cfg_origin *o;
	struct xb_err *e;
	/* A command-line override or option: keys have their xl names, and a
	 * key set before is replaced without a complaint (that is what an
	 * override is for). */
	bool cmdline;
};

/* "FILE:LINE", "command line: memory=512", "--memory", or FILE (line 0):
 * where something at line (as cfg_origin.line) was set, for messages. */
const char *cfg_at(const struct cfg_ctx *x, int line, char *buf, size_t size);
/* Start a setting of the command line (text: "memory=512" or "--memory"):
 * *x for cfg_set(), *line its origin.  0 or -XB_EINPUT / -XB_EINTERNAL. */
int cfg_cmdline_begin(struct cfg_ctx *x, struct dom_config *c, const char *text,
		      int *line, struct xb_err *e);
/* Record that the config names a device: key (an xl key or "<element>")
 * at line, `times` times; coalesced by key, bounded.  0 or -XB_EINTERNAL. */
int cfg_device(struct cfg_ctx *x, const char *key, int line, uint64_t times);

/*
 * Start a front end: set c->source (if unset) and allocate c->origin for
 * syntax; check that buf is not UTF-16/32 (a message saying so) and not
 * larger than XB_CONFIG_MAX.  0 or -XB_EINPUT / -XB_EINTERNAL.
 */
int cfg_begin(struct cfg_ctx *x, enum cfg_syntax syntax, const char *fname,
	      const char *buf, size_t len, struct dom_config *c,
	      struct xb_err *e);

struct xl_value;

/* A key's value as the config wrote it. */
struct cfg_val {
	const char *s; /* the text (NUL-terminated) */
	const char *shown; /* for messages (quoted, cut); NULL: s */
	const char *unit; /* CT_MIB/CT_BYTES: the unit as written ("MiB") */
	uint64_t scale; /* CT_MIB/CT_BYTES: bytes per unit */
	unsigned numfmt; /* XB_NUM_C (xl) or XB_NUM_DEC (XML) */
	int line;
	/* CT_CPUID: the list form (s is then ""), else NULL */
	const struct xl_value *list;
};

/*
 * Set key k from v: parse and check the text as cfg_keys[k] says, store
 * it, record v->line in x->o->line[k].  A key set before (x->o->line[k])
 * goes through cfg_repeat() first.  Messages: "FILE:LINE: KEY = VALUE:
 * problem (limits)", VALUE with its unit as written.  0 or -XB_EINPUT /
 * -XB_EINTERNAL.
 */
int cfg_set(struct cfg_ctx *x, enum cfg_key k, const struct cfg_val *v);
/*
 * Key k was set again at line `again` (first at line `first`), `times`
 * more times in all: an error for a CKF_BOOT key ("set twice (lines A and
 * B)"), else one coalesced warning "the last value is used".
 */
int cfg_repeat(struct cfg_ctx *x, enum cfg_key k, int first, int again,
	       uint64_t times);
/* A key or element that is not acted on, `times` times, coalesced by key
 * (the bare key or element path, cut at 64 bytes: "disk", "<devices><disk>",
 * which --json reports): "FILE:LINE: WHAT WHY (and N more times)".
 * Every warning's coalescing key is "KIND:KEY" (ignored:, again:,
 * rounded:), KEY the config key or element it is about. */
int cfg_warn_ignored(struct cfg_ctx *x, const char *key, const char *what,
		     int line, uint64_t times, const char *why);
/* The name of key k in the config's syntax ("maxmem", "<memory>"). */
const char *cfg_key_name(const struct cfg_ctx *x, enum cfg_key k);
/* A value fit for a message: printable ASCII, quoted when quote, cut. */
const char *cfg_show(const char *s, bool quote, char *buf, size_t size);

/* ---- the xl.cfg syntax tree (config_xl_parse.c) ---------------------- */

enum xlv_type { XLV_STRING, XLV_NUMBER, XLV_LIST };

struct xl_value {
	enum xlv_type type;
	char *s; /* STRING: dequoted text; NUMBER: the token */
	struct xl_value *items; /* LIST */
	size_t n, cap;
	int line, col; /* where the value starts */
};

/* One key with its value after every statement that set it. */
struct xl_setting {
	char *name;
	struct xl_value v;
	int line, col; /* of the key, in its last statement */
	int first_line; /* of its first statement */
	int again_line; /* of the first "=" that replaced a value; 0 */
	uint64_t nset; /* statements that gave it a value with "=" (a
				 * first "+=" counts as one) */
	bool add; /* last statement was "+=" */
};

struct xl_file {
	struct xl_setting *v; /* one entry per key, in order of first use */
	size_t n, cap;
};

/*
 * Parse xl.cfg text into *f, one setting per key: "=" on a key set before
 * replaces its value (counted in nset: the mapping decides whether that is
 * an error), "+=" appends as xl does.  A UTF-8 byte order mark at the start
 * is skipped.  Returns 0 or -XB_EINPUT ("FNAME:LINE:COL: syntax error,
 * ...") or -XB_EINTERNAL.  *f must be freed with xl_file_free() in every
 * case.  Never prints, never warns.
 */
int xl_parse(const char *fname, const char *buf, size_t len, struct xl_file *f,
	     struct xb_err *e);
/* The same for one line of text given on the command line: messages say
 * "WHERE: syntax error at column N, ..." (no line number). */
int xl_parse_line(const char *where, const char *text, struct xl_file *f,
		  struct xb_err *e);
/* The hint every syntax error that looks like Python ends with. */
#define XL_NOT_PYTHON \
	"(xl.cfg is not Python: no variables, expressions, calls or imports)"
void xl_file_free(struct xl_file *f);
const struct xl_setting *xl_find(const struct xl_file *f, const char *name);

/* ---- cpuid (config_cpuid.c) ----------------------------------------- */

enum { CFG_CPUID_EAX, CFG_CPUID_EBX, CFG_CPUID_ECX, CFG_CPUID_EDX };

/* A feature name of cpuid's string form: its leaf, subleaf
 * (XB_CPUID_ANY_SUBLEAF: none), register (CFG_CPUID_*) and bit. */
struct cfg_cpuid_feature {
	const char *name;
	uint32_t leaf, subleaf;
	uint8_t reg, bit;
};
extern const struct cfg_cpuid_feature cfg_cpuid_features[];
extern const size_t cfg_cpuid_nfeatures;
/* The feature called name[0..len), or NULL. */
const struct cfg_cpuid_feature *cfg_cpuid_find(const char *name, size_t len);
/* libvirt's name of a feature ("cx16", "pni") as xl spells it; the name
 * itself when they agree. */
const char *cfg_cpuid_libvirt_name(const char *name);
/*
 * The parsers, called by cfg_set() (CT_CPUID: it empties cpuid[] first and
 * records where the key was set), adding to c->cpuid[]:
 * cfg_cpuid_libxl: "host,NAME=V,..." (V one of 0 1 x k s);
 * cfg_cpuid_xend: a list of "LEAF[,SUBLEAF]:REG=BITS,..." strings;
 * cfg_cpuid_feature: one more feature f set to value (libvirt's <feature>;
 * elem[0..len) is what messages show).  Several features of one leaf and
 * subleaf share an entry.  0 or -XB_EINPUT ("FILE:LINE: cpuid:
 * "ELEMENT": why").
 */
int cfg_cpuid_libxl(struct cfg_ctx *x, int line, const char *s);
int cfg_cpuid_xend(struct cfg_ctx *x, const struct xl_value *list, int line);
int cfg_cpuid_feature(struct cfg_ctx *x, int line, const char *elem, size_t len,
		      const struct cfg_cpuid_feature *f, char value);
/* c->cpuid[] as text: "0x80000001:edx=BITS 0x7,0:ebx=BITS", registers
 * that are all 'x' left out; malloc'd, NULL when out of memory. */
char *cfg_cpuid_text(const struct dom_config *c);

/* ---- shared checks (config.c) ---------------------------------------- */

/* Each returns true when the value is acceptable. */
bool cfg_name_ok(const char *s);
bool cfg_action_ok(const char *s);
/* The valid on_* actions, for messages. */
extern const char cfg_actions_list[];

#endif
