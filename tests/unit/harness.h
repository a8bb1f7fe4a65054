/*
 * harness.h - a tiny unit-test harness.  Each test file defines
 * `const struct test tests[]` ending with {NULL, NULL}; main() runs them and
 * prints "N passed, N failed, N skipped" (the line tests/run-unit.sh
 * reads; exit 1 when a test failed).  CHECK() records a failure with
 * file:line and goes on; REQUIRE() also ends the test; SKIP() ends it as
 * skipped (never counted as passed, unless it had failed already).
 */
#ifndef XB_HARNESS_H
#define XB_HARNESS_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct test {
	const char *name;
	void (*fn)(void);
};
extern const struct test tests[];

extern int t_failures; /* failures in the running test */
extern int t_skipped; /* set by SKIP() */
void t_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define CHECK(c)                                              \
	do {                                                  \
		if (!(c))                                     \
			t_fail(__FILE__, __LINE__, "%s", #c); \
	} while (0)
#define REQUIRE(c)                                            \
	do {                                                  \
		if (!(c)) {                                   \
			t_fail(__FILE__, __LINE__, "%s", #c); \
			return;                               \
		}                                             \
	} while (0)
#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);            \
		if (_a != _b)                                               \
			t_fail(__FILE__, __LINE__,                          \
			       "%s == %s (0x%" PRIx64 " != 0x%" PRIx64 ")", \
			       #a, #b, _a, _b);                             \
	} while (0)
#define CHECK_STR(a, b)                                                 \
	do {                                                            \
		const char *_a = (a), *_b = (b);                        \
		if (!_a || !_b || strcmp(_a, _b))                       \
			t_fail(__FILE__, __LINE__,                      \
			       "%s == \"%s\" (got \"%s\")", #a,         \
			       _b ? _b : "(null)", _a ? _a : "(null)"); \
	} while (0)
#define CHECK_CONTAINS(hay, needle)                                          \
	do {                                                                 \
		const char *_h = (hay), *_n = (needle);                      \
		if (!_h || !strstr(_h, _n))                                  \
			t_fail(__FILE__, __LINE__, "\"%s\" contains \"%s\"", \
			       _h ? _h : "(null)", _n);                      \
	} while (0)
#define SKIP(why)                            \
	do {                                 \
		printf("  skip: %s\n", why); \
		t_skipped = 1;               \
		return;                      \
	} while (0)
/* SKIP() for a test that needs a file tests/fetch-kernel.sh downloads.  In
 * CI (CI=true in the environment) the download is required: a failure. */
#define SKIP_DOWNLOAD(why)                                \
	do {                                              \
		t_skip_download(__FILE__, __LINE__, why); \
		return;                                   \
	} while (0)
void t_skip_download(const char *file, int line, const char *why);

/* Path of a test data file under tests/data, or NULL with env override. */
const char *t_data(const char *name);

#endif
