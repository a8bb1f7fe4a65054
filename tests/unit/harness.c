/* harness.c - runs tests[] and prints the closing "N passed, N failed,
 * N skipped". */
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>

int t_failures;
int t_skipped;

void t_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("    FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	t_failures++;
}

void t_skip_download(const char *file, int line, const char *why)
{
	const char *ci = getenv("CI");

	if (ci && !strcmp(ci, "true")) {
		t_fail(file, line,
		       "%s (CI=true: downloaded kernels are required)", why);
		return;
	}
	printf("  skip: %s\n", why);
	t_skipped = 1;
}

const char *t_data(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("XB_TEST_DATA");

	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "tests/data", name);
	return buf;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0, skipped = 0;

	for (const struct test *t = tests; t->name; t++) {
		if (argc > 1 && !strstr(t->name, argv[1]))
			continue;
		t_failures = 0;
		t_skipped = 0;
		t->fn();
		if (t_failures) {
			printf("FAIL %s\n", t->name);
			failed++;
		} else if (t_skipped) {
			printf("SKIP %s\n", t->name);
			skipped++;
		} else {
			printf("ok   %s\n", t->name);
			passed++;
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
