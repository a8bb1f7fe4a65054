/*
 * json.h - a tiny JSON emitter for --json output: commas and nesting are
 * tracked, strings escaped.  The conventions of every document (xbuild(1),
 * JSON OUTPUT; doc/xbuild.schema.json): the first member is "version"
 * (XB_JSON_VERSION), then "command"; addresses, offsets and bit masks are
 * "0x..." strings (json_hex), frame numbers (mfn, pfn), counts and sizes
 * are integers (json_u64), a value that is absent is null, never "".
 */
#ifndef XB_JSON_H
#define XB_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct json {
	FILE *f;
	int depth;
	bool first[32]; /* no comma needed yet at this depth */
};

/* The schema's version: raised when a member changes meaning or type or
 * goes away (adding members does not raise it). */
#define XB_JSON_VERSION 1

void json_begin(struct json *j, FILE *f); /* opens the top object */
/* json_begin, then "version" and "command" (NULL -> null). */
void json_doc(struct json *j, FILE *f, const char *command);
void json_end(struct json *j); /* closes it, newline */
void json_obj(struct json *j, const char *key); /* key NULL inside arrays */
void json_arr(struct json *j, const char *key);
void json_close(struct json *j, char c); /* '}' or ']' */
void json_str(struct json *j, const char *key,
	      const char *v); /* NULL -> null */
void json_u64(struct json *j, const char *key, uint64_t v);
void json_hex(struct json *j, const char *key, uint64_t v); /* "0x..." */
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* A string, or null when v is NULL or empty (notes that are absent). */
void json_str_opt(struct json *j, const char *key, const char *v);
/* "0x..." when has, else null. */
void json_hex_opt(struct json *j, const char *key, bool has, uint64_t v);
/* A non-negative number with two decimals: hundredths 799 -> 7.99. */
void json_fixed2(struct json *j, const char *key, uint64_t hundredths);

#endif
