/* json.c - see json.h. */
#include "json.h"

#include <inttypes.h>

static void sep(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		fputc('"', j->f);
		for (const char *p = key; *p; p++)
			fputc(*p, j->f);
		fputs("\":", j->f);
	}
}

static void open_(struct json *j, const char *key, char c)
{
	sep(j, key);
	fputc(c, j->f);
	if (j->depth < 31)
		j->depth++;
	j->first[j->depth] = true;
}

void json_begin(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
	fputc('{', f);
	j->depth = 1;
	j->first[1] = true;
}

void json_end(struct json *j)
{
	while (j->depth > 1)
		json_close(j, '}');
	fputs("}\n", j->f);
	j->depth = 0;
}

void json_obj(struct json *j, const char *key)
{
	open_(j, key, '{');
}
void json_arr(struct json *j, const char *key)
{
	open_(j, key, '[');
}

void json_close(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_str(struct json *j, const char *key, const char *v)
{
	sep(j, key);
	if (!v) {
		fputs("null", j->f);
		return;
	}
	fputc('"', j->f);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(j->f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", j->f);
		else if (*p == '\t')
			fputs("\\t", j->f);
		else if (*p < 0x20 || *p >= 0x7f) /* keeps the output ASCII */
			fprintf(j->f, "\\u%04x", *p);
		else
			fputc(*p, j->f);
	}
	fputc('"', j->f);
}

void json_u64(struct json *j, const char *key, uint64_t v)
{
	sep(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void json_hex(struct json *j, const char *key, uint64_t v)
{
	sep(j, key);
	fprintf(j->f, "\"0x%" PRIx64 "\"", v);
}

void json_bool(struct json *j, const char *key, bool v)
{
	sep(j, key);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	sep(j, key);
	fputs("null", j->f);
}

void json_doc(struct json *j, FILE *f, const char *command)
{
	json_begin(j, f);
	json_u64(j, "version", XB_JSON_VERSION);
	json_str(j, "command", command);
}

void json_str_opt(struct json *j, const char *key, const char *v)
{
	json_str(j, key, v && *v ? v : NULL);
}

void json_hex_opt(struct json *j, const char *key, bool has, uint64_t v)
{
	if (has)
		json_hex(j, key, v);
	else
		json_null(j, key);
}

void json_fixed2(struct json *j, const char *key, uint64_t hundredths)
{
	sep(j, key);
	fprintf(j->f, "%" PRIu64 ".%02" PRIu64, hundredths / 100,
		hundredths % 100);
}
