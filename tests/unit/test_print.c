/*
 * test_print.c - untrusted text on the terminal: safe() escapes every byte
 * outside printable ASCII and keeps one line; long messages lose their
 * middle, never their end (xb_shorten, xb_fail).
 */
#include "harness.h"

#include <stdlib.h>

#include "../../src/cli/print.h"

static void escapes_controls(void)
{
	char buf[SAFE_MAX];

	CHECK_STR(safe(buf, sizeof(buf), "plain text: ok"), "plain text: ok");
	CHECK_STR(safe(buf, sizeof(buf), "a\x1b[2Jb\nc\td\\e"),
		  "a\\x1b[2Jb\\nc\\td\\\\e");
	CHECK_STR(safe(buf, sizeof(buf), "\x7f\x9b\xc3\xa9\r"),
		  "\\x7f\\x9b\\xc3\\xa9\\x0d");
	/* never a raw control byte, whatever comes in */
	{
		char in[256];

		for (int i = 1; i < 256; i++)
			in[i - 1] = (char)i;
		in[255] = '\0';
		safe(buf, sizeof(buf), in);
		for (const unsigned char *p = (const unsigned char *)buf; *p;
		     p++)
			CHECK(*p >= 0x20 && *p <= 0x7e);
	}
}

static void shortens_in_the_middle(void)
{
	char path[8200], buf[SAFE_MAX];
	struct xb_err e = { 0 };

	memset(path, 'p', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	xb_fail(&e, XB_EINPUT, "%s: cannot open: %s", path,
		"File name too long");
	CHECK(strlen(e.msg) == sizeof(e.msg) - 1);
	CHECK(!strncmp(e.msg, "/ppp", 4));
	CHECK_CONTAINS(e.msg, " ... ");
	CHECK_CONTAINS(e.msg, "ppp: cannot open: File name too long");
	/* a prefix keeps the end too */
	xb_prefix(&e, "kernel");
	CHECK(!strncmp(e.msg, "kernel: /ppp", 12));
	CHECK_CONTAINS(e.msg, ": cannot open: File name too long");
	CHECK_EQ(e.code, XB_EINPUT);
	/* escaping then shortening keeps the end as well */
	safe(buf, 64, e.msg);
	CHECK_EQ(strlen(buf), 63);
	CHECK_CONTAINS(buf, "File name too long");
	/* short messages pass unchanged */
	xb_shorten(buf, sizeof(buf), "short");
	CHECK_STR(buf, "short");
}

const struct test tests[] = {
	{ "print_escapes_controls", escapes_controls },
	{ "print_shortens_in_the_middle", shortens_in_the_middle },
	{ NULL, NULL },
};
