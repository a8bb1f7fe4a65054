/*
 * config.h - the parsed domain configuration.
 *
 * Several front ends (xl.cfg, libvirt domain XML) produce the same plain
 * struct dom_config.  Parsers take (buf, len), never print and never exit;
 * keys that xbuild does not act on are recorded as warnings, one per key.
 */
#ifndef XB_CONFIG_H
#define XB_CONFIG_H

#include "../xb.h"

#define XB_NAME_MAX 64
#define XB_CMDLINE_MAX 1024	/* start_info.cmd_line incl. its NUL */
#define XB_MEMORY_MAX_MB 16777216ULL	/* 16 TiB, for memory/maxmem */
#define XB_VCPUS_MAX 512
#define XB_CONFIG_MAX (1u << 20)	/* config files larger than 1 MiB are refused */
#define XB_ACTION_MAX 24	/* on_*: longest is "coredump-restart" */

struct dom_config {
	char *source;		/* the config's file name, for messages */
	char name[XB_NAME_MAX];	/* required, [A-Za-z0-9_.-], < 64 chars */
	uint64_t memory_mb;	/* "memory", default 128 */
	uint64_t maxmem_mb;	/* "maxmem", default = memory */
	unsigned vcpus;		/* "vcpus", default 1 */
	unsigned maxvcpus;	/* "maxvcpus", default = vcpus */
	char *kernel;		/* required path */
	char *ramdisk;		/* optional path, NULL when absent */
	/* The guest command line after xl's rules: cmdline, else
	 * "root=ROOT EXTRA".  NULL when none.  Checked < 1024 bytes. */
	char *cmdline;
	bool ramdisk_decompress;/* "ramdisk_decompress", default true */
	bool has_uuid;
	uint8_t uuid[16];
	char on_poweroff[XB_ACTION_MAX]; /* "destroy", "restart", "preserve", ... */
	char on_reboot[XB_ACTION_MAX];
	char on_crash[XB_ACTION_MAX];
	/* cap, bytes ("xbuild_max_decompressed", MiB); cfg_init sets 1 GiB,
	 * 0 also means the default */
	uint64_t max_decompressed;
	struct xb_warnings warnings;
};

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
 * Final cross-field checks and defaults shared by all front ends, and by
 * the command line after its overrides: required keys, maxmem >= memory
 * (default memory), maxvcpus >= vcpus (default vcpus), cmdline < 1024
 * bytes (an empty one becomes NULL).  Idempotent.
 */
int cfg_finish(struct dom_config *c, struct xb_err *e);
/* Replace *dst with a copy of s; false when out of memory. */
bool cfg_set_str(char **dst, const char *s);

int cfg_parse_xl(const char *fname, const char *buf, size_t len,
		 struct dom_config *c, struct xb_err *e);
int cfg_parse_xml(const char *fname, const char *buf, size_t len,
		  struct dom_config *c, struct xb_err *e);

#endif
