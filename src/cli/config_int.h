/*
 * config_int.h - internals shared by the config front ends (config.c,
 * config_xl.c, config_xml.c) and the unit tests.  Not an API for the rest
 * of xbuild: that is config.h.
 */
#ifndef XB_CONFIG_INT_H
#define XB_CONFIG_INT_H

#include "config.h"

/* ---- the xl.cfg syntax tree (config_xl.c) ---------------------------- */

enum xlv_type { XLV_STRING, XLV_NUMBER, XLV_LIST };

struct xl_value {
	enum xlv_type type;
	char *s;		/* STRING: dequoted text; NUMBER: the token */
	struct xl_value *items;	/* LIST */
	size_t n, cap;
	int line, col;		/* where the value starts */
};

struct xl_setting {
	char *name;
	struct xl_value v;
	int line, col;		/* of the key, last time it was set */
	int first_line;		/* of the first setting of this key */
	bool add;		/* last set with "+=" */
};

struct xl_file {
	struct xl_setting *v;	/* one entry per key, in order of first use */
	size_t n, cap;
};

/*
 * Parse xl.cfg text into *f (one setting per key: a repeated key replaces
 * the value and records a warning on *w, "+=" appends as xl does).
 * Returns 0 or -XB_EINPUT ("FNAME:LINE:COL: syntax error, ...") or
 * -XB_EINTERNAL.  *f must be freed with xl_file_free() in every case.
 */
int xl_parse(const char *fname, const char *buf, size_t len,
	     struct xl_file *f, struct xb_warnings *w, struct xb_err *e);
void xl_file_free(struct xl_file *f);
const struct xl_setting *xl_find(const struct xl_file *f, const char *name);

/*
 * Parse an xl-style number (decimal, 0 octal, 0x hex) that must fill all
 * of s.  Returns 0, or -1 when malformed, -2 when larger than UINT64_MAX.
 */
/* Value of a hexadecimal digit, or -1. */
int cfg_hexval(int ch);
int cfg_parse_u64(const char *s, uint64_t *v);

/* ---- shared checks (config.c) ---------------------------------------- */

/* Each returns true when the value is acceptable. */
bool cfg_name_ok(const char *s);
bool cfg_uuid_parse(const char *s, uint8_t uuid[16]);
bool cfg_action_ok(const char *s);
/* The valid on_* actions, for messages. */
extern const char cfg_actions_list[];


#endif
