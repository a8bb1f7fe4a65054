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
