/*
 * config_xl.c - xl.cfg(5) front end: our own lexer and parser for xl's
 * grammar (libxlutil's libxlu_cfg_l.l / libxlu_cfg_y.y), then the mapping
 * of keys into struct dom_config.
 *
 * Grammar, as libxlutil:
 *   file      := { stmt }
 *   stmt      := NEWLINE | ';' | IDENT ('=' | '+=') value (NEWLINE | ';' | EOF)
 *   value     := STRING | NUMBER | '[' nl* [ value nl* { ',' nl* value nl* } [','] nl* ] ']'
 * '#' starts a comment to the end of the line.  Strings are "..." or '...'
 * on one line.  Numbers are kept as text and converted (decimal, 0 octal,
 * 0x hex) when a key needs one.  A repeated key replaces the earlier value
 * (libxlutil finds the newest setting); "+=" concatenates a string to a
 * string or a list to a list, and is refused on numeric keys, as xl does.
 *
 * Where we differ from libxlutil, on purpose: identifiers may contain upper
 * case; "\xHH" and "\NNN" escapes work (libxlutil parses and drops them);
 * an escape producing a NUL byte and an unknown escape are errors; '\r' is
 * white space (CRLF files); lists nest at most XL_DEPTH_MAX deep.
 */
#include "config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XL_DEPTH_MAX 16
#define XL_KEYS_MAX 1024

enum tok {
	T_EOF, T_NL, T_SEMI, T_EQ, T_ADD, T_LBR, T_RBR, T_COMMA,
	T_IDENT, T_NUMBER, T_STRING,
};

struct lexer {
	const char *fname;
	const char *p, *end;
	int line, col;		/* of *p */
	enum tok t;		/* the current token */
	char *text;		/* IDENT, NUMBER, STRING: malloc'd, may be taken */
	int tline, tcol;
	struct xb_err *e;
};

/* ---- lexer ----------------------------------------------------------- */

static void adv(struct lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static int lex_err(struct lexer *lx, int line, int col, const char *what)
{
	return xb_fail(lx->e, XB_EINPUT, "%s:%d:%d: syntax error, %s",
		       lx->fname, line, col, what);
}

static int bad_char(struct lexer *lx)
{
	unsigned char ch = (unsigned char)*lx->p;
	char what[64];

	if (ch > 0x20 && ch < 0x7f)
		snprintf(what, sizeof(what), "unexpected character '%c'%s", ch,
			 strchr("+-.():", ch) ? " (xl.cfg is not Python)" : "");
	else
		snprintf(what, sizeof(what), "unexpected byte 0x%02x", ch);
	return lex_err(lx, lx->line, lx->col, what);
}

/* A quoted string; *lx->p is the opening quote.  Escapes as C. */
static int lex_string(struct lexer *lx)
{
	const char q = *lx->p;
	const char *s;
	size_t n = 0;
	char *out;
	int line = lx->line, col = lx->col;

	/* Find the end first: the result is never longer than the source. */
	for (s = lx->p + 1; s < lx->end && *s != q && *s != '\n'; s++)
		if (*s == '\\' && s + 1 < lx->end && s[1] != '\n')
			s++;
	if (s >= lx->end || *s != q)
		return lex_err(lx, line, col, "unterminated string");
	out = malloc((size_t)(s - lx->p));
	if (!out)
		return xb_fail(lx->e, XB_EINTERNAL, "out of memory");
	adv(lx);
	while (*lx->p != q) {
		int ch = (unsigned char)*lx->p, ecol = lx->col;

		if (ch != '\\') {
			if (ch == '\0') {
				free(out);
				return lex_err(lx, lx->line, lx->col,
					       "NUL byte in a string");
			}
			out[n++] = (char)ch;
			adv(lx);
			continue;
		}
		adv(lx);
		ch = (unsigned char)*lx->p;
		adv(lx);
		switch (ch) {
		case '"': case '\'': case '\\': break;
		case 'a': ch = '\a'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case 'v': ch = '\v'; break;
		case 'x': {
			int d, v = 0, k;

			for (k = 0; k < 2 && (d = cfg_hexval((unsigned char)*lx->p)) >= 0; k++) {
				v = v * 16 + d;
				adv(lx);
			}
			if (!k) {
				free(out);
				return lex_err(lx, lx->line, ecol,
					       "\\x needs one or two hex digits");
			}
			ch = v;
			break;
		}
		default:
			if (ch >= '0' && ch <= '7') {
				int v = ch - '0';

				for (int k = 1; k < 3 && *lx->p >= '0' && *lx->p <= '7'; k++) {
					v = v * 8 + (*lx->p - '0');
					adv(lx);
				}
				if (v > 0377) {
					free(out);
					return lex_err(lx, lx->line, ecol,
						       "octal escape above \\377");
				}
				ch = v;
				break;
			}
			free(out);
			return lex_err(lx, lx->line, ecol,
				       "unknown escape in a string (\\\\ \\\" \\' "
				       "\\a \\b \\f \\n \\r \\t \\v \\xHH \\NNN)");
		}
		if (ch == 0) {
			free(out);
			return lex_err(lx, lx->line, ecol,
				       "an escape in a string gives a NUL byte");
		}
		out[n++] = (char)ch;
	}
	adv(lx);		/* the closing quote */
	out[n] = '\0';
	lx->t = T_STRING;
	lx->text = out;
	return 0;
}

static bool is_ident0(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

static bool is_alnum_(int ch)
{
	return is_ident0(ch) || (ch >= '0' && ch <= '9');
}

static int lex_word(struct lexer *lx, enum tok t)
{
	const char *s = lx->p;
	size_t n;

	while (lx->p < lx->end && is_alnum_((unsigned char)*lx->p))
		adv(lx);
	n = (size_t)(lx->p - s);
	lx->text = malloc(n + 1);
	if (!lx->text)
		return xb_fail(lx->e, XB_EINTERNAL, "out of memory");
	memcpy(lx->text, s, n);
	lx->text[n] = '\0';
	lx->t = t;
	if (t == T_NUMBER) {
		uint64_t v;

		if (cfg_parse_u64(lx->text, &v) == -1) {
			char what[96];

			snprintf(what, sizeof(what), "invalid number '%.40s' "
				 "(decimal, 0 octal or 0x hex)", lx->text);
			return lex_err(lx, lx->tline, lx->tcol, what);
		}
	}
	return 0;
}

/* Read the next token into lx->t (frees an untaken text). */
static int lex_next(struct lexer *lx)
{
	free(lx->text);
	lx->text = NULL;
	for (;;) {
		if (lx->p >= lx->end) {
			lx->t = T_EOF;
			lx->tline = lx->line;
			lx->tcol = lx->col;
			return 0;
		}
		if (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r') {
			adv(lx);
		} else if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				adv(lx);
		} else {
			break;
		}
	}
	lx->tline = lx->line;
	lx->tcol = lx->col;
	switch (*lx->p) {
	case '\n': lx->t = T_NL; break;
	case ';': lx->t = T_SEMI; break;
	case '=': lx->t = T_EQ; break;
	case '[': lx->t = T_LBR; break;
	case ']': lx->t = T_RBR; break;
	case ',': lx->t = T_COMMA; break;
	case '+':
		if (lx->p + 1 < lx->end && lx->p[1] == '=') {
			adv(lx);
			lx->t = T_ADD;
			break;
		}
		return bad_char(lx);
	case '"':
	case '\'':
		return lex_string(lx);
	default: {
		int ch = (unsigned char)*lx->p;

		if (is_ident0(ch))
			return lex_word(lx, T_IDENT);
		if (ch >= '0' && ch <= '9')
			return lex_word(lx, T_NUMBER);
		return bad_char(lx);
	}
	}
	adv(lx);
	return 0;
}

/* ---- parser ---------------------------------------------------------- */

static void value_free(struct xl_value *v)
{
	free(v->s);
	for (size_t i = 0; i < v->n; i++)
		value_free(&v->items[i]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

void xl_file_free(struct xl_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		value_free(&f->v[i].v);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

const struct xl_setting *xl_find(const struct xl_file *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			return &f->v[i];
	return NULL;
}

static const char *tok_name(const struct lexer *lx, char *buf, size_t size)
{
	switch (lx->t) {
	case T_EOF: return "end of file";
	case T_NL: return "end of line";
	case T_SEMI: return "';'";
	case T_EQ: return "'='";
	case T_ADD: return "'+='";
	case T_LBR: return "'['";
	case T_RBR: return "']'";
	case T_COMMA: return "','";
	case T_IDENT:
		snprintf(buf, size, "identifier '%.40s'", lx->text);
		return buf;
	case T_NUMBER:
		snprintf(buf, size, "number %.40s", lx->text);
		return buf;
	case T_STRING: return "string";
	}
	return "token";
}

static int unexpected(struct lexer *lx, const char *expecting)
{
	char buf[80], what[200];

	snprintf(what, sizeof(what), "unexpected %s, expecting %s",
		 tok_name(lx, buf, sizeof(buf)), expecting);
	return lex_err(lx, lx->tline, lx->tcol, what);
}

static int skip_nl(struct lexer *lx)
{
	int r = 0;

	while (!r && lx->t == T_NL)
		r = lex_next(lx);
	return r;
}

static int list_push(struct xl_value *l, struct xl_value *item, struct xb_err *e)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 4;
		struct xl_value *ni = realloc(l->items, nc * sizeof(*ni));

		if (!ni)
			return xb_fail(e, XB_EINTERNAL, "out of memory");
		l->items = ni;
		l->cap = nc;
	}
	l->items[l->n++] = *item;
	memset(item, 0, sizeof(*item));
	return 0;
}

/* value at the current token; on return the token after it is current. */
static int parse_value(struct lexer *lx, struct xl_value *v, int depth)
{
	int r;

	memset(v, 0, sizeof(*v));
	v->line = lx->tline;
	v->col = lx->tcol;
	if (lx->t == T_STRING || lx->t == T_NUMBER) {
		v->type = lx->t == T_STRING ? XLV_STRING : XLV_NUMBER;
		v->s = lx->text;
		lx->text = NULL;
		return lex_next(lx);
	}
	if (lx->t != T_LBR)
		return unexpected(lx, "a value (string, number or [list])");
	if (depth >= XL_DEPTH_MAX)
		return lex_err(lx, lx->tline, lx->tcol, "lists nested too deeply");
	v->type = XLV_LIST;
	r = lex_next(lx);
	if (!r)
		r = skip_nl(lx);
	while (!r && lx->t != T_RBR) {
		struct xl_value item;

		r = parse_value(lx, &item, depth + 1);
		if (!r)
			r = list_push(v, &item, lx->e);
		value_free(&item);
		if (!r)
			r = skip_nl(lx);
		if (r || lx->t == T_RBR)
			break;
		if (lx->t != T_COMMA)
			return unexpected(lx, "',' or ']'");
		r = lex_next(lx);
		if (!r)
			r = skip_nl(lx);
	}
	if (!r)
		r = lex_next(lx);	/* past ']' */
	return r;
}

static bool is_atom(const struct xl_value *v)
{
	return v->type != XLV_LIST;
}

/* xl's "+=": prev := prev + add (string to string, list to list). */
static int concat(struct lexer *lx, struct xl_setting *set, struct xl_value *add)
{
	struct xl_value *prev = &set->v;

	if (is_atom(prev) != is_atom(add))
		return xb_fail(lx->e, XB_EINPUT, "%s:%d:%d: key '%s': += cannot "
			       "add a %s to a %s", lx->fname, add->line, add->col,
			       set->name, is_atom(add) ? "string" : "list",
			       is_atom(prev) ? "string" : "list");
	if (is_atom(prev)) {
		size_t a = strlen(prev->s), b = strlen(add->s);
		char *n = realloc(prev->s, a + b + 1);

		if (!n)
			return xb_fail(lx->e, XB_EINTERNAL, "out of memory");
		memcpy(n + a, add->s, b + 1);
		prev->s = n;
		if (add->type == XLV_STRING)
			prev->type = XLV_STRING;
		return 0;
	}
	for (size_t i = 0; i < add->n; i++) {
		int r = list_push(prev, &add->items[i], lx->e);

		if (r)
			return r;
	}
	add->n = 0;
	return 0;
}

static int store(struct lexer *lx, struct xl_file *f, struct xb_warnings *w,
		 char *name, int line, int col, bool add, struct xl_value *v)
{
	struct xl_setting *set = NULL;
	int r;

	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].name, name))
			set = &f->v[i];
	if (set) {
		free(name);
		if (add) {
			r = concat(lx, set, v);
			if (r)
				return r;
		} else {
			if (xb_warn(w, "%s:%d: key '%s' set again (line %d), "
				    "the last value is used", lx->fname, line,
				    set->name, set->line) < 0)
				return xb_fail(lx->e, XB_EINTERNAL, "out of memory");
			value_free(&set->v);
			set->v = *v;
			memset(v, 0, sizeof(*v));
		}
		set->line = line;
		set->col = col;
		set->add = add;
		return 0;
	}
	if (f->n >= XL_KEYS_MAX) {
		free(name);
		return xb_fail(lx->e, XB_EINPUT, "%s:%d: more than %d keys",
			       lx->fname, line, XL_KEYS_MAX);
	}
	if (f->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 16;
		struct xl_setting *nv = realloc(f->v, nc * sizeof(*nv));

		if (!nv) {
			free(name);
			return xb_fail(lx->e, XB_EINTERNAL, "out of memory");
		}
		f->v = nv;
		f->cap = nc;
	}
	set = &f->v[f->n++];
	memset(set, 0, sizeof(*set));
	set->name = name;
	set->v = *v;
	memset(v, 0, sizeof(*v));
	set->line = set->first_line = line;
	set->col = col;
	set->add = add;
	return 0;
}

int xl_parse(const char *fname, const char *buf, size_t len,
	     struct xl_file *f, struct xb_warnings *w, struct xb_err *e)
{
	struct lexer lx = {
		.fname = fname, .p = buf, .end = buf + len,
		.line = 1, .col = 1, .e = e,
	};
	int r;

	memset(f, 0, sizeof(*f));
	if (len > XB_CONFIG_MAX)
		return xb_fail(e, XB_EINPUT, "%s: config is %zu bytes, the limit "
			       "is %u", fname, len, XB_CONFIG_MAX);
	r = lex_next(&lx);
	while (!r && lx.t != T_EOF) {
		struct xl_value v;
		char *name;
		int line, col;
		bool add;

		if (lx.t == T_NL || lx.t == T_SEMI) {
			r = lex_next(&lx);
			continue;
		}
		if (lx.t != T_IDENT) {
			r = unexpected(&lx, "a key");
			break;
		}
		memset(&v, 0, sizeof(v));
		name = lx.text;
		lx.text = NULL;
		line = lx.tline;
		col = lx.tcol;
		r = lex_next(&lx);
		if (!r && lx.t != T_EQ && lx.t != T_ADD)
			r = unexpected(&lx, "'=' or '+='");
		if (r) {
			free(name);
			break;
		}
		add = lx.t == T_ADD;
		r = lex_next(&lx);
		if (!r)
			r = parse_value(&lx, &v, 0);
		if (!r && lx.t != T_NL && lx.t != T_SEMI && lx.t != T_EOF)
			r = unexpected(&lx, "end of line or ';'");
		if (r) {
			value_free(&v);
			free(name);
			break;
		}
		r = store(&lx, f, w, name, line, col, add, &v);
		value_free(&v);
	}
	free(lx.text);
	return r;
}

/* ---- mapping to struct dom_config ------------------------------------ */

struct map {
	const char *fname;
	const struct xl_file *f;
	struct dom_config *c;
	struct xb_err *e;
};

/* A value shown in a message: printable, quoted, cut at 48 bytes. */
static const char *show(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	buf[o++] = '"';
	for (; *s && o + 8 < size; s++) {
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
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static const char *type_name(const struct xl_value *v)
{
	switch (v->type) {
	case XLV_STRING: return "a string";
	case XLV_NUMBER: return "a number";
	case XLV_LIST: return "a list";
	}
	return "?";
}

static int get_str(struct map *m, const struct xl_setting *s, const char **out)
{
	if (s->v.type != XLV_STRING)
		return xb_fail(m->e, XB_EINPUT, "%s:%d: key '%s': expected a "
			       "string in quotes, got %s", m->fname, s->line,
			       s->name, type_name(&s->v));
	*out = s->v.s;
	return 0;
}

static int set_str(struct map *m, const struct xl_setting *s, char **dst)
{
	const char *v = NULL;
	int r = get_str(m, s, &v);

	if (r)
		return r;
	if (!cfg_set_str(dst, v))
		return xb_fail(m->e, XB_EINTERNAL, "out of memory");
	return 0;
}

/* A number (or, as xl accepts, a string holding one) in [min, max]. */
static int get_num(struct map *m, const struct xl_setting *s, uint64_t min,
		   uint64_t max, const char *unit, uint64_t *out)
{
	char b[80];
	int r;

	if (s->v.type == XLV_LIST)
		return xb_fail(m->e, XB_EINPUT, "%s:%d: key '%s': expected a "
			       "number%s, got a list", m->fname, s->line, s->name,
			       unit);
	if (s->add)
		return xb_fail(m->e, XB_EINPUT, "%s:%d: key '%s': += cannot be "
			       "used with numbers", m->fname, s->line, s->name);
	r = cfg_parse_u64(s->v.s, out);
	if (r == -1)
		return xb_fail(m->e, XB_EINPUT, "%s:%d: key '%s': expected a "
			       "number%s, got %s", m->fname, s->line, s->name,
			       unit, show(s->v.s, b, 60));
	if (r == -2 || *out < min || *out > max)
		return xb_fail(m->e, XB_EINPUT, "%s:%d: %s = %s: out of range, "
			       "must be %llu..%llu%s", m->fname, s->line, s->name,
			       s->v.type == XLV_NUMBER ? s->v.s : show(s->v.s, b, 40),
			       (unsigned long long)min,
			       (unsigned long long)max, unit);
	return 0;
}

static int set_action(struct map *m, const struct xl_setting *s, char *dst)
{
	const char *v = NULL;
	char b[80];
	int r = get_str(m, s, &v);

	if (r)
		return r;
	if (!cfg_action_ok(v))
		return xb_fail(m->e, XB_EINPUT, "%s:%d: %s = %s: not an action "
			       "(%s)", m->fname, s->line, s->name,
			       show(v, b, 40), cfg_actions_list);
	strcpy(dst, v);		/* cfg_action_ok(): short */
	return 0;
}

/* Keys xl knows that xbuild does not act on.  dev: a device or device
 * model setting, which the toolstack (or `xbuild run` later) handles. */
static const struct { const char *name; bool dev; } xl_other[] = {
	{ "disk", 1 }, { "vif", 1 }, { "vtpm", 1 }, { "vfb", 1 }, { "vkb", 1 },
	{ "p9", 1 }, { "pvcalls", 1 }, { "vdispl", 1 }, { "vsnd", 1 },
	{ "channel", 1 }, { "pci", 1 }, { "pci_permissive", 1 },
	{ "pci_msitranslate", 1 }, { "pci_seize", 1 }, { "pci_power_mgmt", 1 },
	{ "rdm", 1 }, { "rdm_mem_boundary", 1 }, { "usb", 1 }, { "usbctrl", 1 },
	{ "usbdev", 1 }, { "usbdevice", 1 }, { "serial", 1 }, { "dtdev", 1 },
	{ "ioports", 1 }, { "iomem", 1 }, { "irqs", 1 }, { "vga", 1 },
	{ "videoram", 1 }, { "stdvga", 1 }, { "sdl", 1 }, { "opengl", 1 },
	{ "vnc", 1 }, { "vnclisten", 1 }, { "vncpasswd", 1 }, { "vncdisplay", 1 },
	{ "vncunused", 1 }, { "keymap", 1 }, { "spice", 1 }, { "spicehost", 1 },
	{ "spiceport", 1 }, { "spicetls_port", 1 }, { "spicedisable_ticketing", 1 },
	{ "spicepasswd", 1 }, { "spiceagent_mouse", 1 }, { "spicevdagent", 1 },
	{ "spice_clipboard_sharing", 1 }, { "spiceusbredirection", 1 },
	{ "spice_image_compression", 1 }, { "spice_streaming_video", 1 },
	{ "soundhw", 1 }, { "gfx_passthru", 1 }, { "vuart", 1 }, { "virtio", 1 },
	{ "nographic", 1 }, { "xen_platform_pci", 1 }, { "vkb_device", 1 },
	{ "device_model", 1 }, { "device_model_version", 1 },
	{ "device_model_override", 1 }, { "device_model_stubdomain_override", 1 },
	{ "device_model_stubdomain_seclabel", 1 }, { "device_model_args", 1 },
	{ "device_model_args_pv", 1 }, { "device_model_args_hvm", 1 },
	{ "device_model_user", 1 }, { "dm_restrict", 1 },
	{ "on_watchdog", 0 }, { "on_soft_reset", 0 }, { "bootloader_args", 0 },
	{ "bootloader_restrict", 0 }, { "bootloader_user", 0 },
	{ "localtime", 0 }, { "rtc_timeoffset", 0 }, { "seclabel", 0 },
	{ "init_seclabel", 0 }, { "max_grant_frames", 0 },
	{ "max_maptrack_frames", 0 }, { "max_grant_version", 0 },
	{ "max_event_channels", 0 }, { "nomigrate", 0 }, { "driver_domain", 0 },
	{ "device_tree", 0 }, { "passthrough", 0 }, { "vmtrace_buf_kb", 0 },
	{ "vpmu", 0 }, { "cpus", 0 }, { "cpus_soft", 0 }, { "cpu_weight", 0 },
	{ "cap", 0 }, { "vnuma", 0 }, { "pool", 0 }, { "claim_mode", 0 },
	{ "tsc_mode", 0 }, { "hap", 0 }, { "oos", 0 }, { "shadow_memory", 0 },
	{ "nestedhvm", 0 }, { "cpuid", 0 }, { "acpi", 0 }, { "acpi_s3", 0 },
	{ "acpi_s4", 0 }, { "acpi_laptop_slate", 0 }, { "acpi_firmware", 0 },
	{ "apic", 0 }, { "pae", 0 }, { "hpet", 0 }, { "viridian", 0 },
	{ "timer_mode", 0 }, { "vpt_align", 0 }, { "altp2m", 0 },
	{ "altp2mhvm", 0 }, { "mca_caps", 0 }, { "msr_relaxed", 0 },
	{ "e820_host", 0 }, { "gic_version", 0 }, { "boot", 0 }, { "firmware", 0 },
	{ "bios", 0 }, { "bios_path_override", 0 }, { "firmware_override", 0 },
	{ "smbios_firmware", 0 }, { "ms_vm_genid", 0 }, { "nx", 0 },
	{ "pvshim", 0 }, { "pvshim_path", 0 }, { "pvshim_cmdline", 0 },
	{ "pvshim_extra", 0 }, { "tee", 0 }, { "trap_unmapped_accesses", 0 },
	{ "xend_suspend_evtchn_compat", 0 }, { "suppress_vmport", 0 },
	{ "vcpu_hard_affinity", 0 }, { "vcpu_soft_affinity", 0 },
	{ "max_memkb", 0 }, { "target_memkb", 0 }, { "mmio_hole", 0 },
	{ "vkb_backend", 0 }, { "sched_params", 0 },
};

/* Keys mapped below; everything else is warned about once. */
static const char *const mapped[] = {
	"name", "type", "builder", "memory", "maxmem", "vcpus", "maxvcpus",
	"kernel", "ramdisk", "cmdline", "extra", "root", "uuid", "on_poweroff",
	"on_reboot", "on_crash", "ramdisk_decompress", "xbuild_max_decompressed",
	"bootloader",
};

static int warn_unmapped(struct map *m)
{
	for (size_t i = 0; i < m->f->n; i++) {
		const struct xl_setting *s = &m->f->v[i];
		bool known = false, dev = false;
		int r;

		for (size_t k = 0; k < XB_ARRAY_SIZE(mapped) && !known; k++)
			known = !strcmp(s->name, mapped[k]);
		if (known)
			continue;
		for (size_t k = 0; k < XB_ARRAY_SIZE(xl_other) && !known; k++)
			if (!strcmp(s->name, xl_other[k].name)) {
				known = true;
				dev = xl_other[k].dev;
			}
		if (!known)
			r = xb_warn(&m->c->warnings, "%s:%d: unknown key '%s', "
				    "ignored", m->fname, s->first_line, s->name);
		else if (dev)
			r = xb_warn(&m->c->warnings, "%s:%d: key '%s' is not "
				    "acted on by xbuild (devices are the "
				    "toolstack's job)", m->fname, s->first_line,
				    s->name);
		else
			r = xb_warn(&m->c->warnings, "%s:%d: key '%s' is not "
				    "acted on by xbuild", m->fname,
				    s->first_line, s->name);
		if (r < 0)
			return xb_fail(m->e, XB_EINTERNAL, "out of memory");
	}
	return 0;
}

static int map_type(struct map *m)
{
	const struct xl_setting *s;
	const char *v = NULL;
	char b[80];
	int r;

	if ((s = xl_find(m->f, "type"))) {
		r = get_str(m, s, &v);
		if (r)
			return r;
		if (strcasecmp(v, "pv"))
			return xb_fail(m->e, XB_EINPUT, "%s:%d: type = %s: xbuild "
				       "builds PV guests only", m->fname, s->line,
				       show(v, b, 40));
	}
	if ((s = xl_find(m->f, "builder"))) {
		r = get_str(m, s, &v);
		if (r)
			return r;
		/* "generic" is xl's old spelling of type = "pv". */
		if (strcasecmp(v, "generic") && strcasecmp(v, "pv"))
			return xb_fail(m->e, XB_EINPUT, "%s:%d: builder = %s: "
				       "xbuild builds PV guests only (builder = "
				       "\"generic\")", m->fname, s->line,
				       show(v, b, 40));
	}
	return 0;
}

static int map_cmdline(struct map *m)
{
	const struct xl_setting *sc = xl_find(m->f, "cmdline");
	const struct xl_setting *sr = xl_find(m->f, "root");
	const struct xl_setting *sx = xl_find(m->f, "extra");
	const char *cmd = NULL, *root = NULL, *extra = NULL;
	struct dom_config *c = m->c;
	int r = 0;

	if ((sc && (r = get_str(m, sc, &cmd))) ||
	    (sr && (r = get_str(m, sr, &root))) ||
	    (sx && (r = get_str(m, sx, &extra))))
		return r;
	/* xl_parse.c: cmdline wins; else "root=ROOT EXTRA". */
	if (cmd) {
		if ((root || extra) &&
		    xb_warn(&c->warnings, "%s:%d: cmdline is set, so root and "
			    "extra are ignored", m->fname, sc->line) < 0)
			return xb_fail(m->e, XB_EINTERNAL, "out of memory");
		if (!cfg_set_str(&c->cmdline, cmd))
			return xb_fail(m->e, XB_EINTERNAL, "out of memory");
		return 0;
	}
	if (root) {
		size_t n = strlen(root) + (extra ? strlen(extra) + 1 : 0) + 6;

		free(c->cmdline);
		c->cmdline = malloc(n);
		if (!c->cmdline)
			return xb_fail(m->e, XB_EINTERNAL, "out of memory");
		snprintf(c->cmdline, n, "root=%s%s%s", root, extra ? " " : "",
			 extra ? extra : "");
	} else if (extra && !cfg_set_str(&c->cmdline, extra)) {
		return xb_fail(m->e, XB_EINTERNAL, "out of memory");
	}
	return 0;
}

static int map_keys(struct map *m)
{
	struct dom_config *c = m->c;
	const struct xl_setting *s;
	const char *v = NULL;
	uint64_t n;
	char b[80];
	int r;

	if ((r = map_type(m)))
		return r;
	if ((s = xl_find(m->f, "name"))) {
		if ((r = get_str(m, s, &v)))
			return r;
		if (!cfg_name_ok(v))
			return xb_fail(m->e, XB_EINPUT, "%s:%d: name = %s: must be "
				       "1 to %d characters of [A-Za-z0-9_.-]",
				       m->fname, s->line, show(v, b, 40),
				       XB_NAME_MAX - 1);
		strcpy(c->name, v);
	}
	if ((s = xl_find(m->f, "memory"))) {
		if ((r = get_num(m, s, 1, XB_MEMORY_MAX_MB, " (MiB)", &n)))
			return r;
		c->memory_mb = n;
	}
	if ((s = xl_find(m->f, "maxmem"))) {
		if ((r = get_num(m, s, 1, XB_MEMORY_MAX_MB, " (MiB)", &n)))
			return r;
		c->maxmem_mb = n;
	}
	if ((s = xl_find(m->f, "vcpus"))) {
		if ((r = get_num(m, s, 1, XB_VCPUS_MAX, "", &n)))
			return r;
		c->vcpus = (unsigned)n;
	}
	if ((s = xl_find(m->f, "maxvcpus"))) {
		if ((r = get_num(m, s, 1, XB_VCPUS_MAX, "", &n)))
			return r;
		c->maxvcpus = (unsigned)n;
	}
	if ((s = xl_find(m->f, "kernel")) && (r = set_str(m, s, &c->kernel)))
		return r;
	if ((s = xl_find(m->f, "ramdisk"))) {
		if ((r = set_str(m, s, &c->ramdisk)))
			return r;
		if (!c->ramdisk[0]) {	/* ramdisk = "": none */
			free(c->ramdisk);
			c->ramdisk = NULL;
		}
	}
	if ((s = xl_find(m->f, "bootloader"))) {
		if ((r = get_str(m, s, &v)))
			return r;
		if (!c->kernel || !c->kernel[0])
			return xb_fail(m->e, XB_EINPUT, "%s:%d: bootloader = %s: "
				       "xbuild cannot run a boot loader; set "
				       "kernel = (and ramdisk =) to the guest's "
				       "files", m->fname, s->line, show(v, b, 40));
		if (xb_warn(&c->warnings, "%s:%d: bootloader = %s is ignored: "
			    "xbuild loads kernel = directly", m->fname, s->line,
			    show(v, b, 40)) < 0)
			return xb_fail(m->e, XB_EINTERNAL, "out of memory");
	}
	if ((r = map_cmdline(m)))
		return r;
	if ((s = xl_find(m->f, "uuid"))) {
		if ((r = get_str(m, s, &v)))
			return r;
		if (!cfg_uuid_parse(v, c->uuid))
			return xb_fail(m->e, XB_EINPUT, "%s:%d: uuid = %s: expected "
				       "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex)",
				       m->fname, s->line, show(v, b, 50));
		c->has_uuid = true;
	}
	if ((s = xl_find(m->f, "on_poweroff")) && (r = set_action(m, s, c->on_poweroff)))
		return r;
	if ((s = xl_find(m->f, "on_reboot")) && (r = set_action(m, s, c->on_reboot)))
		return r;
	if ((s = xl_find(m->f, "on_crash")) && (r = set_action(m, s, c->on_crash)))
		return r;
	if ((s = xl_find(m->f, "ramdisk_decompress"))) {
		if ((r = get_num(m, s, 0, 1, "", &n)))
			return r;
		c->ramdisk_decompress = n;
	}
	if ((s = xl_find(m->f, "xbuild_max_decompressed"))) {
		if ((r = get_num(m, s, 1, XB_MEMORY_MAX_MB, " (MiB)", &n)))
			return r;
		c->max_decompressed = n << 20;	/* <= 2^44 */
	}
	if (c->maxmem_mb && c->maxmem_mb < c->memory_mb) {
		s = xl_find(m->f, "maxmem");
		return xb_fail(m->e, XB_EINPUT, "%s:%d: maxmem = %llu is less "
			       "than memory = %llu (MiB)", m->fname, s->line,
			       (unsigned long long)c->maxmem_mb,
			       (unsigned long long)c->memory_mb);
	}
	if (c->maxvcpus && c->maxvcpus < c->vcpus) {
		s = xl_find(m->f, "maxvcpus");
		return xb_fail(m->e, XB_EINPUT, "%s:%d: maxvcpus = %u is less "
			       "than vcpus = %u", m->fname, s->line, c->maxvcpus,
			       c->vcpus);
	}
	return warn_unmapped(m);
}

int cfg_parse_xl(const char *fname, const char *buf, size_t len,
		 struct dom_config *c, struct xb_err *e)
{
	struct xl_file f;
	struct map m = { .fname = fname, .f = &f, .c = c, .e = e };
	int r;

	if (!c->source && !(c->source = strdup(fname)))
		return xb_fail(e, XB_EINTERNAL, "out of memory");
	r = xl_parse(fname, buf, len, &f, &c->warnings, e);
	if (!r)
		r = map_keys(&m);
	xl_file_free(&f);
	if (!r)
		r = cfg_finish(c, e);
	return r;
}
