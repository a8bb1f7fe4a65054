/*
 * config_xl_parse.c - the xl.cfg(5) grammar: our own lexer and parser for
 * xl's syntax (libxlutil's libxlu_cfg_l.l / libxlu_cfg_y.y), producing one
 * setting per key with its value and line numbers.  What the keys mean is
 * config_xl.c's business.
 *
 * Grammar, as libxlutil:
 *   file      := { stmt }
 *   stmt      := NEWLINE | ';' | IDENT ('=' | '+=') value (NEWLINE | ';' | EOF)
 *   value     := STRING | NUMBER | '[' nl* [ value nl* { ',' nl* value nl* } [','] nl* ] ']'
 * '#' starts a comment to the end of the line.  Strings are "..." or '...'
 * on one line.  Numbers are kept as text and converted (decimal, 0 octal,
 * 0x hex: xb_parse_u64's XB_NUM_C) when a key needs one.  A repeated key
 * replaces the earlier value (libxlutil finds the newest setting) and is
 * counted, so that the mapping can refuse or warn; "+=" concatenates a
 * string to a string or a list to a list.
 *
 * Where we differ from libxlutil, on purpose: identifiers may contain upper
 * case; "\xHH" and "\NNN" escapes work (libxlutil parses and drops them);
 * an escape producing a NUL byte and an unknown escape are errors; '\r' is
 * white space (CRLF files); a UTF-8 byte order mark at the start is
 * skipped; lists nest at most XL_DEPTH_MAX deep.
 */
#include "config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define XL_DEPTH_MAX 16
#define XL_KEYS_MAX 1024

enum tok {
	T_EOF,
	T_NL,
	T_SEMI,
	T_EQ,
	T_ADD,
	T_LBR,
	T_RBR,
	T_COMMA,
	T_IDENT,
	T_NUMBER,
	T_STRING,
};

struct lexer {
	const char *fname;
	const char *p, *end;
	int line, col; /* of *p */
	enum tok t; /* the current token */
	char *text; /* IDENT, NUMBER, STRING: malloc'd, may be taken */
	int tline, tcol;
	struct xb_err *e;
	bool one_line; /* xl_parse_line(): no line numbers */
};

/* Python's operators and brackets: where xl.cfg has none, a config that
 * uses one was most likely written as Python (xm's configs were Python;
 * libxlutil warns "Config file looks like it contains Python code"). */
static bool python_char(int ch)
{
	return ch && strchr("+-*/%.():{}<>!~&|^@", ch);
}

/* Statements of Python that xl.cfg has no counterpart of. */
static bool python_word(const char *w)
{
	static const char *const words[] = {
		"import", "from",  "def",    "if",     "elif", "else",
		"for",	  "while", "try",    "except", "with", "class",
		"return", "print", "global", "lambda", "del",  "pass",
		"assert", "exec",  "raise",
	};

	for (size_t i = 0; i < XB_ARRAY_SIZE(words); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

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
	if (lx->one_line)
		return xb_fail(lx->e, XB_EINPUT,
			       "%s: syntax error at column %d, %s", lx->fname,
			       col, what);
	return xb_fail(lx->e, XB_EINPUT, "%s:%d:%d: syntax error, %s",
		       lx->fname, line, col, what);
}

static int bad_char(struct lexer *lx)
{
	unsigned char ch = (unsigned char)*lx->p;
	char what[160];

	if (ch > 0x20 && ch < 0x7f)
		snprintf(what, sizeof(what), "unexpected character '%c'%s%s",
			 ch, python_char(ch) ? " " : "",
			 python_char(ch) ? XL_NOT_PYTHON : "");
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
		case '"':
		case '\'':
		case '\\': break;
		case 'a': ch = '\a'; break;
		case 'b': ch = '\b'; break;
		case 'f': ch = '\f'; break;
		case 'n': ch = '\n'; break;
		case 'r': ch = '\r'; break;
		case 't': ch = '\t'; break;
		case 'v': ch = '\v'; break;
		case 'x': {
			int d, v = 0, k;

			for (k = 0;
			     k < 2 &&
			     (d = xb_hex_digit((unsigned char)*lx->p)) >= 0;
			     k++) {
				v = v * 16 + d;
				adv(lx);
			}
			if (!k) {
				free(out);
				return lex_err(
					lx, lx->line, ecol,
					"\\x needs one or two hex digits");
			}
			ch = v;
			break;
		}
		default:
			if (ch >= '0' && ch <= '7') {
				int v = ch - '0';

				for (int k = 1;
				     k < 3 && *lx->p >= '0' && *lx->p <= '7';
				     k++) {
					v = v * 8 + (*lx->p - '0');
					adv(lx);
				}
				if (v > 0377) {
					free(out);
					return lex_err(
						lx, lx->line, ecol,
						"octal escape above \\377");
				}
				ch = v;
				break;
			}
			free(out);
			return lex_err(
				lx, lx->line, ecol,
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
	adv(lx); /* the closing quote */
	out[n] = '\0';
	lx->t = T_STRING;
	lx->text = out;
	return 0;
}

static bool is_ident0(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       ch == '_';
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

		if (xb_parse_u64(lx->text, n, XB_NUM_C, UINT64_MAX, &v) ==
		    XB_NUM_SYNTAX) {
			char what[96];

			snprintf(what, sizeof(what),
				 "invalid number '%.40s' "
				 "(decimal, 0 octal or 0x hex)",
				 lx->text);
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
	case '\'': return lex_string(lx);
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

/* python: the token looks like Python where it is (a variable as a
 * value, "import os", "a" "b"): say that xl.cfg is not Python. */
static int unexpected(struct lexer *lx, const char *expecting, bool python)
{
	char buf[80], what[300];

	snprintf(what, sizeof(what), "unexpected %s, expecting %s%s%s",
		 tok_name(lx, buf, sizeof(buf)), expecting, python ? " " : "",
		 python ? XL_NOT_PYTHON : "");
	return lex_err(lx, lx->tline, lx->tcol, what);
}

static int skip_nl(struct lexer *lx)
{
	int r = 0;

	while (!r && lx->t == T_NL)
		r = lex_next(lx);
	return r;
}

static int list_push(struct xl_value *l, struct xl_value *item,
		     struct xb_err *e)
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
		return unexpected(lx, "a value (string, number or [list])",
				  lx->t == T_IDENT);
	if (depth >= XL_DEPTH_MAX)
		return lex_err(lx, lx->tline, lx->tcol,
			       "lists nested too deeply");
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
			return unexpected(lx, "',' or ']'", lx->t == T_IDENT);
		r = lex_next(lx);
		if (!r)
			r = skip_nl(lx);
	}
	if (!r)
		r = lex_next(lx); /* past ']' */
	return r;
}

static bool is_atom(const struct xl_value *v)
{
	return v->type != XLV_LIST;
}

/* xl's "+=": prev := prev + add (string to string, list to list). */
static int concat(struct lexer *lx, struct xl_setting *set,
		  struct xl_value *add)
{
	struct xl_value *prev = &set->v;

	if (is_atom(prev) != is_atom(add))
		return xb_fail(lx->e, XB_EINPUT,
			       "%s:%d:%d: key '%s': += cannot "
			       "add a %s to a %s",
			       lx->fname, add->line, add->col, set->name,
			       is_atom(add) ? "string" : "list",
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

static int store(struct lexer *lx, struct xl_file *f, char *name, int line,
		 int col, bool add, struct xl_value *v)
{
	struct xl_setting *set = NULL;
	int r;

	for (size_t i = 0; i < f->n && !set; i++)
		if (!strcmp(f->v[i].name, name))
			set = &f->v[i];
	if (set) {
		free(name);
		if (add) {
			r = concat(lx, set, v);
			if (r)
				return r;
		} else {
			/* Replaced: the mapping decides (error or warning). */
			if (!set->again_line)
				set->again_line = line;
			set->nset++;
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
	set->nset = 1;
	set->add = add;
	return 0;
}

static int parse(const char *fname, const char *buf, size_t len, bool one_line,
		 struct xl_file *f, struct xb_err *e)
{
	struct lexer lx = {
		.fname = fname,
		.p = buf,
		.end = buf + len,
		.line = 1,
		.col = 1,
		.e = e,
		.one_line = one_line,
	};
	int r;

	memset(f, 0, sizeof(*f));
	/* A UTF-8 byte order mark (Windows editors) is not part of the text. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		lx.p += 3;
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
			r = unexpected(&lx, "a key", false);
			break;
		}
		memset(&v, 0, sizeof(v));
		name = lx.text;
		lx.text = NULL;
		line = lx.tline;
		col = lx.tcol;
		r = lex_next(&lx);
		if (!r && lx.t != T_EQ && lx.t != T_ADD)
			r = unexpected(&lx, "'=' or '+='",
				       python_word(name) || lx.t == T_IDENT);
		if (r) {
			free(name);
			break;
		}
		add = lx.t == T_ADD;
		r = lex_next(&lx);
		if (!r)
			r = parse_value(&lx, &v, 0);
		if (!r && lx.t != T_NL && lx.t != T_SEMI && lx.t != T_EOF)
			r = unexpected(&lx, "end of line or ';'",
				       lx.t == T_IDENT || lx.t == T_STRING ||
					       lx.t == T_LBR);
		if (r) {
			value_free(&v);
			free(name);
			break;
		}
		r = store(&lx, f, name, line, col, add, &v);
		value_free(&v);
	}
	free(lx.text);
	return r;
}

int xl_parse(const char *fname, const char *buf, size_t len, struct xl_file *f,
	     struct xb_err *e)
{
	return parse(fname, buf, len, false, f, e);
}

int xl_parse_line(const char *where, const char *text, struct xl_file *f,
		  struct xb_err *e)
{
	return parse(where, text, strlen(text), true, f, e);
}
