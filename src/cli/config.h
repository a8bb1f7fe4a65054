/*
 * config.h - the config parsers: text to struct dom_config (src/config.h).
 *
 * Several front ends (xl.cfg, libvirt domain XML) produce the same plain
 * struct dom_config.  Parsers take (buf, len), never print and never exit;
 * keys that xbuild does not act on are recorded as warnings, one per key.
 */
#ifndef XB_CONFIG_H
#define XB_CONFIG_H

#include "../config.h"

/* Initialise *c with the defaults above. */
void cfg_init(struct dom_config *c);
/* Free what *c owns (not c itself). */
void cfg_free(struct dom_config *c);

/*
 * Parse a config, choosing the front end by content: libvirt domain XML
 * when the first non-blank byte is '<', else xl.cfg.  fname is used in
 * messages ("FILE:LINE: ...").  On error returns -XB_EINPUT with a message
 * naming file, line (xl) and key; *c must still be freed with cfg_free().
 * Inputs larger than XB_CONFIG_MAX are refused.  On success the struct is
 * complete: name and kernel set, maxmem >= memory, maxvcpus >= vcpus,
 * cmdline NULL or < XB_CMDLINE_MAX bytes; c->warnings holds one line per
 * key or element not acted on ("FILE:LINE: key 'disk' is not acted on ..."),
 * per repeated key and per ignored combination (cmdline with root/extra).
 * c must have been set up with cfg_init().  Never prints, never exits.
 */
int cfg_parse(const char *fname, const char *buf, size_t len,
	      struct dom_config *c, struct xb_err *e);
/*
 * cfg_parse() without cfg_finish(): the file's keys only, so that the
 * command line can add its overrides and options (cfg_override(),
 * cfg_option()) before the checks.  The caller calls cfg_finish().
 */
int cfg_read(const char *fname, const char *buf, size_t len,
	     struct dom_config *c, struct xb_err *e);
/*
 * Whether a command-line argument is an xl-style override, KEY=VALUE or
 * KEY+=VALUE (KEY an xl.cfg key name), rather than a file name.
 */
bool cfg_is_override(const char *arg);
/*
 * Apply one override, as xl applies the KEY=VALUE arguments of `xl
 * create`: as if the line were appended to the file, VALUE in xl.cfg
 * syntax ("string", number, [list]).  Unlike a key repeated in the file,
 * an override may replace a key that decides what is booted: that is its
 * purpose.  Messages begin "command line: KEY=VALUE: ".  Works on XML
 * configs too (keys by their xl names).  Before cfg_finish().
 */
int cfg_override(struct dom_config *c, const char *text, struct xb_err *e);
/*
 * A command-line option that sets xl key `key` ("memory") to value, with
 * the key's checks; opt ("--memory") is where messages and --resolved say
 * it came from.  Before cfg_finish().
 */
int cfg_option(struct dom_config *c, const char *key, const char *value,
	       const char *opt, struct xb_err *e);
/* The files firmware = "pvgrub32" / "pvgrub64" load instead of Debian's
 * grub-xen-host paths (NULL: those); the strings must outlive c. */
void cfg_firmware_paths(struct dom_config *c, const char *pvgrub32,
			const char *pvgrub64);
/* The firmware name ("pvgrub64") when cfg_finish() made kernel its file,
 * else NULL. */
const char *cfg_firmware(const struct dom_config *c);
/* The decompressed-kernel cache's directory (xbuild_cache_dir,
 * --cache-dir), NULL when off, and its bound in bytes (xbuild_cache_max,
 * --cache-max; default CFG_CACHE_MAX_DEFAULT). */
#define CFG_CACHE_MAX_DEFAULT (1ULL << 30)
const char *cfg_cache_dir(const struct dom_config *c);
uint64_t cfg_cache_max(const struct dom_config *c);
/*
 * The devices the config names (xl keys disk, vif, ...; libvirt's
 * <disk>, <interface>, ...), which only a toolstack sets up: their number
 * of kinds, and in buf "disk (line 5), vif (line 6)" (cut to size).
 */
size_t cfg_devices(const struct dom_config *c, char *buf, size_t size);
/* One warning naming every device: "FILE:LINE: xbuild does not set up
 * devices: LIST WHY" (nothing when there are none). */
int cfg_warn_devices(struct dom_config *c, const char *why, struct xb_err *e);
/*
 * Where the value of xl key `key` came from, for messages about it:
 * "guest.cfg:4: kernel = "vmlinuz"", "guest.xml:9: <os><kernel> = x",
 * "command line: kernel=x", "--kernel", "guest.cfg:3: firmware =
 * "pvgrub64"", or the config's name when it was not set.
 */
const char *cfg_where(const struct dom_config *c, const char *key, char *buf,
		      size_t size);

/* One key of the resolved config (xbuild check --resolved). */
enum cfg_vtype { CFG_VSTR, CFG_VNUM, CFG_VBOOL, CFG_VNONE };
enum cfg_from {
	CFG_FROM_DEFAULT,
	CFG_FROM_FILE,
	CFG_FROM_OVERRIDE,
	CFG_FROM_OPTION
};
struct cfg_item {
	const char *key; /* the xl.cfg name */
	enum cfg_vtype type;
	const char *str; /* CFG_VSTR */
	uint64_t num; /* CFG_VNUM, CFG_VBOOL (0 or 1) */
	const char *unit; /* CFG_VNUM: "MiB" or NULL */
	const char *none; /* CFG_VNONE: what absent means ("none") */
	enum cfg_from from;
	const char *file; /* FILE: the config's name */
	int line; /* FILE: its line */
	const char *arg; /* OVERRIDE: "memory=512"; OPTION: "--memory" */
	const char *via; /* how it was made, or NULL: "firmware =
				 * "pvgrub64"", "root and extra", "= memory" */
	char buf[40], vbuf[48]; /* storage for str (a UUID) and via */
};
#define CFG_ITEMS_MAX 24
/* The resolved config after cfg_finish(): every key xbuild acts on, its
 * value and where it came from, in a fixed order; returns the count. */
size_t cfg_items(const struct dom_config *c, struct cfg_item *out, size_t max);
/*
 * Final cross-field checks and defaults shared by all front ends, and by
 * the command line after its overrides: required keys, maxmem >= memory
 * (default memory), maxvcpus >= vcpus (default vcpus), cmdline < 1024
 * bytes (an empty one becomes NULL).  Idempotent.
 */
int cfg_finish(struct dom_config *c, struct xb_err *e);
/* Replace *dst with a copy of s; false when out of memory. */
bool cfg_set_str(char **dst, const char *s);

/* The front ends alone (cfg_read() chooses one): no cfg_finish(). */
int cfg_parse_xl(const char *fname, const char *buf, size_t len,
		 struct dom_config *c, struct xb_err *e);
int cfg_parse_xml(const char *fname, const char *buf, size_t len,
		  struct dom_config *c, struct xb_err *e);

#endif
