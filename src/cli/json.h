/*
 * json.h - a tiny JSON emitter for --json output: commas and nesting are
 * tracked, strings escaped, addresses written as "0x..." strings and
 * counts as integers (the schema in xbuild(1)).
 */
#ifndef XB_JSON_H
#define XB_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	bool first[32];		/* no comma needed yet at this depth */
};

void json_begin(struct json *j, FILE *f);	/* opens the top object */
void json_end(struct json *j);			/* closes it, newline */
void json_obj(struct json *j, const char *key);	/* key NULL inside arrays */
void json_arr(struct json *j, const char *key);
void json_close(struct json *j, char c);	/* '}' or ']' */
void json_str(struct json *j, const char *key, const char *v); /* NULL -> null */
void json_u64(struct json *j, const char *key, uint64_t v);
void json_hex(struct json *j, const char *key, uint64_t v);	/* "0x..." */
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

#endif
