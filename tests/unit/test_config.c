/* test_config.c - xl.cfg grammar, key mapping, libvirt XML front end. */
#include "harness.h"

#include <stdlib.h>

#include "../../src/cli/config_int.h"

#define MIN "name = \"g\"\nkernel = \"/k\"\n"
#define XHEAD "<domain type='xen'>\n  <name>x1</name>\n"
#define XOS "  <os><type>linux</type><kernel>/k</kernel></os>\n"
#define XMEM "  <memory>131072</memory>\n"

static int parse_n(const char *text, size_t len, struct dom_config *c,
		   struct xb_err *e)
{
	cfg_init(c);
	xb_err_clear(e);
	return cfg_parse("t.cfg", text, len, c, e);
}

static int parse(const char *text, struct dom_config *c, struct xb_err *e)
{
	return parse_n(text, strlen(text), c, e);
}

/* Parse, expect an error containing msg. */
static void expect_err(const char *text, const char *msg, int line)
{
	struct dom_config c;
	struct xb_err e;
	int r = parse(text, &c, &e);

	if (r != -XB_EINPUT || !strstr(e.msg, msg))
		t_fail(__FILE__, line,
		       "config <<%s>>: want error \"%s\", got %d \"%s\"", text,
		       msg, r, e.msg);
	cfg_free(&c);
}
#define ERR(text, msg) expect_err(text, msg, __LINE__)

static size_t count_warn(const struct dom_config *c, const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < c->warnings.n; i++)
		if (strstr(c->warnings.v[i], needle))
			n++;
	return n;
}

/* xl_parse alone, for the grammar. */
static int xlp(const char *text, struct xl_file *f, struct xb_err *e)
{
	xb_err_clear(e);
	return xl_parse("g.cfg", text, strlen(text), f, e);
}

/* Parse, expect success; the caller checks and frees *c. */
#define OK(text, c, e)                    \
	REQUIRE(parse(text, c, e) == 0 || \
		(t_fail(__FILE__, __LINE__, "%s", (e)->msg), 0))

static void t_grammar_values(void)
{
	struct xl_file f;
	struct xb_err e;
	const struct xl_setting *s;
	const char *text = "# comment line\n"
			   "a = \"dq\"  # trailing comment\n"
			   "b='sq'; c = 42;d=017\n"
			   "e = 0x1F\n"
			   "\n"
			   "   f = [ 1, \"two\", 'three', ]\n"
			   "g = [\n  \"x\",\n\n  \"y\"\n]\n"
			   "h = []\n"
			   "i = [ [1, 2], [\"a\"] ]\n"
			   "Upper_Case9 = 'ok'\r\n"
			   "j = \"\"\n"
			   "last = 7"; /* no final newline */
	uint64_t v;

	REQUIRE(xlp(text, &f, &e) == 0);
	CHECK_EQ(f.n, 12);
	s = xl_find(&f, "a");
	REQUIRE(s);
	CHECK_EQ(s->v.type, XLV_STRING);
	CHECK_STR(s->v.s, "dq");
	CHECK_EQ(s->line, 2);
	CHECK_EQ(s->col, 1);
	CHECK_STR(xl_find(&f, "b")->v.s, "sq");
	s = xl_find(&f, "c");
	CHECK_EQ(s->v.type, XLV_NUMBER);
	CHECK_STR(s->v.s, "42");
	CHECK_EQ(s->line, 3);
	CHECK_EQ(s->col, 9);
	s = xl_find(&f, "d");
	CHECK(xb_parse_u64(s->v.s, strlen(s->v.s), XB_NUM_C, UINT64_MAX, &v) ==
		      0 &&
	      v == 15);
	s = xl_find(&f, "e");
	CHECK(xb_parse_u64(s->v.s, strlen(s->v.s), XB_NUM_C, UINT64_MAX, &v) ==
		      0 &&
	      v == 31);
	s = xl_find(&f, "f");
	REQUIRE(s && s->v.type == XLV_LIST && s->v.n == 3);
	CHECK_EQ(s->v.items[0].type, XLV_NUMBER);
	CHECK_STR(s->v.items[1].s, "two");
	CHECK_STR(s->v.items[2].s, "three");
	CHECK_EQ(s->col, 4);
	s = xl_find(&f, "g");
	REQUIRE(s && s->v.n == 2);
	CHECK_STR(s->v.items[1].s, "y");
	CHECK_EQ(s->v.items[1].line, 10);
	CHECK_EQ(xl_find(&f, "h")->v.n, 0);
	s = xl_find(&f, "i");
	REQUIRE(s && s->v.n == 2 && s->v.items[0].type == XLV_LIST);
	CHECK_EQ(s->v.items[0].n, 2);
	CHECK_STR(s->v.items[1].items[0].s, "a");
	CHECK_STR(xl_find(&f, "Upper_Case9")->v.s, "ok");
	CHECK_STR(xl_find(&f, "j")->v.s, "");
	CHECK_STR(xl_find(&f, "last")->v.s, "7");
	CHECK(!xl_find(&f, "nope"));
	xl_file_free(&f);

	/* empty and comment-only files */
	CHECK(xlp("", &f, &e) == 0 && f.n == 0);
	xl_file_free(&f);
	CHECK(xlp("# only\n;;\n# x", &f, &e) == 0 && f.n == 0);
	xl_file_free(&f);
}

static int num(const char *str, unsigned flags, uint64_t max, uint64_t *v)
{
	return xb_parse_u64(str, strlen(str), flags, max, v);
}

static void t_numbers(void)
{
	uint64_t v = 0;

	CHECK(num("0", XB_NUM_C, UINT64_MAX, &v) == 0 && v == 0);
	CHECK(num("1234", XB_NUM_C, UINT64_MAX, &v) == 0 && v == 1234);
	CHECK(num("0755", XB_NUM_C, UINT64_MAX, &v) == 0 && v == 0755);
	CHECK(num("0xfFfF", XB_NUM_C, UINT64_MAX, &v) == 0 && v == 0xffff);
	CHECK(num("0X10", XB_NUM_C, UINT64_MAX, &v) == 0 && v == 16);
	CHECK(num("18446744073709551615", XB_NUM_C, UINT64_MAX, &v) == 0 &&
	      v == UINT64_MAX);
	CHECK(num("0xffffffffffffffff", XB_NUM_C, UINT64_MAX, &v) == 0 &&
	      v == UINT64_MAX);
	CHECK(num("01777777777777777777777", XB_NUM_C, UINT64_MAX, &v) == 0 &&
	      v == UINT64_MAX);
	CHECK(num("18446744073709551616", XB_NUM_C, UINT64_MAX, &v) ==
	      XB_NUM_RANGE);
	CHECK(num("0x10000000000000000", XB_NUM_C, UINT64_MAX, &v) ==
	      XB_NUM_RANGE);
	CHECK(num("02000000000000000000000", XB_NUM_C, UINT64_MAX, &v) ==
	      XB_NUM_RANGE);
	/* an overflow does not hide a bad character after it */
	CHECK(num("99999999999999999999x", XB_NUM_C, UINT64_MAX, &v) ==
	      XB_NUM_SYNTAX);
	CHECK(num("08", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("0x", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("0xg", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("12a", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_EMPTY);
	CHECK(num("-1", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("+1", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num(" 1", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("1 ", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("1M", XB_NUM_C, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	/* max */
	CHECK(num("512", XB_NUM_C, 512, &v) == 0 && v == 512);
	v = 7;
	CHECK(num("513", XB_NUM_C, 512, &v) == XB_NUM_RANGE && v == 7);
	CHECK(num("0x201", XB_NUM_C, 512, &v) == XB_NUM_RANGE);
	/* decimal only: leading zeros are decimal, no hex */
	CHECK(num("0755", XB_NUM_DEC, UINT64_MAX, &v) == 0 && v == 755);
	CHECK(num("08", XB_NUM_DEC, UINT64_MAX, &v) == 0 && v == 8);
	CHECK(num("0x10", XB_NUM_DEC, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("1f", XB_NUM_DEC, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(num("18446744073709551615", XB_NUM_DEC, UINT64_MAX, &v) == 0 &&
	      v == UINT64_MAX);
	CHECK(num("18446744073709551616", XB_NUM_DEC, UINT64_MAX, &v) ==
	      XB_NUM_RANGE);
	/* exactly len bytes: no NUL needed, a NUL inside is not a digit */
	CHECK(xb_parse_u64("12345", 3, XB_NUM_DEC, UINT64_MAX, &v) == 0 &&
	      v == 123);
	CHECK(xb_parse_u64("1\0"
			   "2",
			   3, XB_NUM_DEC, UINT64_MAX, &v) == XB_NUM_SYNTAX);
	CHECK(xb_parse_u64("0x1", 1, XB_NUM_C, UINT64_MAX, &v) == 0 && v == 0);
	CHECK_STR(xb_num_strerror(XB_NUM_EMPTY), "empty");
	CHECK_STR(xb_num_strerror(XB_NUM_SYNTAX), "not a number");
	CHECK_STR(xb_num_strerror(XB_NUM_RANGE), "too large");
}

static void t_units(void)
{
	static const struct {
		const char *u;
		uint64_t scale;
	} ok[] = {
		{ "b", 1 },
		{ "B", 1 },
		{ "byte", 1 },
		{ "Bytes", 1 },
		{ "k", 1024 },
		{ "KiB", 1024 },
		{ "kib", 1024 },
		{ "KB", 1000 },
		{ "M", 1ULL << 20 },
		{ "MiB", 1ULL << 20 },
		{ "MB", 1000000 },
		{ "g", 1ULL << 30 },
		{ "GB", 1000000000 },
		{ "TiB", 1ULL << 40 },
		{ "p", 1ULL << 50 },
		{ "EiB", 1ULL << 60 },
		{ "EB", 1000000000000000000ULL },
	};
	static const char *const bad[] = { "",	   "x",	  "KiBB", "Ki",
					   "kbit", "ZiB", "iB",	  "MiB " };
	uint64_t sc;

	for (size_t i = 0; i < XB_ARRAY_SIZE(ok); i++) {
		sc = 0;
		if (!xb_unit_scale(ok[i].u, strlen(ok[i].u), &sc) ||
		    sc != ok[i].scale)
			t_fail(__FILE__, __LINE__, "unit '%s': got %llu",
			       ok[i].u, (unsigned long long)sc);
	}
	for (size_t i = 0; i < XB_ARRAY_SIZE(bad); i++)
		if (xb_unit_scale(bad[i], strlen(bad[i]), &sc))
			t_fail(__FILE__, __LINE__, "unit '%s' accepted",
			       bad[i]);
	CHECK(!xb_unit_scale("k\0", 2, &sc));
}

static void t_warnings(void)
{
	struct xb_warnings w = { 0 };
	char buf[32];

	CHECK_STR(xb_fmt_count(0, buf, sizeof(buf)), "0");
	CHECK_STR(xb_fmt_count(999, buf, sizeof(buf)), "999");
	CHECK_STR(xb_fmt_count(1000, buf, sizeof(buf)), "1,000");
	CHECK_STR(xb_fmt_count(69999, buf, sizeof(buf)), "69,999");
	CHECK_STR(xb_fmt_count(UINT64_MAX, buf, sizeof(buf)),
		  "18,446,744,073,709,551,615");

	/* coalesced by key, in order of first occurrence */
	CHECK(xb_warn_key(&w, "a", 1, "first %d", 1) == 0);
	CHECK(xb_warn(&w, "plain") == 0);
	CHECK(xb_warn(&w, "plain") == 0); /* no key: not coalesced */
	CHECK(xb_warn_key(&w, "a", 1, "first %d", 2) == 0);
	CHECK(xb_warn_key(&w, "b", 5, "bee") == 0);
	CHECK(xb_warn_key(&w, "c", 0, "never") == 0); /* 0 times: nothing */
	REQUIRE(w.n == 4);
	CHECK_STR(w.v[0], "first 1 (and 1 more time)");
	CHECK_STR(w.v[1], "plain");
	CHECK_STR(w.v[2], "plain");
	CHECK_STR(w.v[3], "bee (and 4 more times)");
	for (int i = 0; i < 70000; i++)
		CHECK(xb_warn_key(&w, "a", 1, "first %d", 3) == 0);
	CHECK_STR(w.v[0], "first 1 (and 70,001 more times)");
	CHECK(xb_warn_key(&w, "b", UINT64_MAX, "bee") == 0); /* saturates */
	CHECK_STR(w.v[3], "bee (and 18,446,744,073,709,551,614 more times)");
	xb_warnings_free(&w);
	CHECK(w.n == 0 && w.v == NULL);

	/* at most XB_WARN_KEEP distinct, then one line counts the rest */
	for (int i = 0; i < 60000; i++) {
		char key[16];

		snprintf(key, sizeof(key), "k%d", i);
		if (xb_warn_key(&w, key, 1, "warning %d", i)) {
			t_fail(__FILE__, __LINE__, "xb_warn_key %d", i);
			break;
		}
	}
	REQUIRE(w.n == XB_WARN_KEEP + 1);
	CHECK(w.cap == XB_WARN_KEEP + 1);
	CHECK_STR(w.v[0], "warning 0");
	CHECK_STR(w.v[XB_WARN_KEEP - 1], "warning 99");
	CHECK_STR(w.v[XB_WARN_KEEP],
		  "... and 59,900 more warnings (only the first "
		  "100 distinct ones are shown)");
	/* a kept key still counts; new ones go to the summary */
	CHECK(xb_warn_key(&w, "k5", 1, "x") == 0);
	CHECK_STR(w.v[5], "warning 5 (and 1 more time)");
	CHECK(xb_warn(&w, "another") == 0);
	CHECK(w.n == XB_WARN_KEEP + 1);
	CHECK_CONTAINS(w.v[XB_WARN_KEEP], "and 59,901 more warnings");
	xb_warnings_free(&w);

	/* the summary's first form */
	for (int i = 0; i <= XB_WARN_KEEP; i++)
		CHECK(xb_warn(&w, "w%d", i) == 0);
	REQUIRE(w.n == XB_WARN_KEEP + 1);
	CHECK_STR(w.v[XB_WARN_KEEP],
		  "... and 1 more warning (only the first 100 "
		  "distinct ones are shown)");
	xb_warnings_free(&w);
}

static void t_escapes(void)
{
	struct xl_file f;
	struct xb_err e;

	REQUIRE(xlp("a = \"q\\\"s\\'b\\\\n\\nt\\tx\\x41\\x4a\\101\\7z\\a\\b\\f\\r\\v\"\n"
		    "b = 'it\\'s \"x\"'\n"
		    "c = \"\\x4g\\1234\"\n",
		    &f, &e) == 0);
	CHECK_STR(xl_find(&f, "a")->v.s, "q\"s'b\\n\nt\tx"
					 "AJA\a"
					 "z\a\b\f\r\v");
	CHECK_STR(xl_find(&f, "b")->v.s, "it's \"x\"");
	CHECK_STR(xl_find(&f, "c")->v.s, "\x04g"
					 "S4");
	xl_file_free(&f);

	REQUIRE(xlp("a = \"x\\q\"\n", &f, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "g.cfg:1:7: syntax error, unknown escape");
	xl_file_free(&f);
	REQUIRE(xlp("a = \"\\xg\"\n", &f, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "g.cfg:1:6: syntax error, \\x needs");
	xl_file_free(&f);
	REQUIRE(xlp("a = \"ab\\0\"\n", &f, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg,
		       "1:8: syntax error, an escape in a string gives a NUL");
	xl_file_free(&f);
	REQUIRE(xlp("a = \"\\x00\"\n", &f, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "NUL byte");
	xl_file_free(&f);
	REQUIRE(xlp("a = '\\400'\n", &f, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "1:6: syntax error, octal escape above");
	xl_file_free(&f);
}

static void t_syntax_positions(void)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "memory = \n",
		  "g.cfg:1:10: syntax error, unexpected end of line, "
		  "expecting a value" },
		{ "a = 1\nmemory 128\n",
		  "g.cfg:2:8: syntax error, unexpected number 128, "
		  "expecting '=' or '+='" },
		{ "a = 1\n\n  = 5\n",
		  "g.cfg:3:3: syntax error, unexpected '=', expecting a key" },
		{ "a = \"abc\n",
		  "g.cfg:1:5: syntax error, unterminated string" },
		{ "a = 'abc", "g.cfg:1:5: syntax error, unterminated string" },
		{ "a = [1, 2\n",
		  "g.cfg:2:1: syntax error, unexpected end of file, "
		  "expecting ',' or ']'" },
		{ "a = [1 2]\n",
		  "g.cfg:1:8: syntax error, unexpected number 2, "
		  "expecting ',' or ']'" },
		{ "a = [,]\n", "g.cfg:1:6: syntax error, unexpected ','" },
		{ "a = 1 2\n", "g.cfg:1:7: syntax error, unexpected number 2, "
			       "expecting end of line or ';'" },
		{ "a = 1\n  b = \"x\" c\n",
		  "g.cfg:2:11: syntax error, unexpected "
		  "identifier 'c', expecting end of line" },
		{ "a = 1.5\n",
		  "g.cfg:1:6: syntax error, unexpected character '.'" },
		{ "a = -1\n",
		  "g.cfg:1:5: syntax error, unexpected character '-'" },
		{ "a = 08\n", "g.cfg:1:5: syntax error, invalid number '08'" },
		{ "a = 0x\n", "g.cfg:1:5: syntax error, invalid number '0x'" },
		{ "a = 12ab\n",
		  "g.cfg:1:5: syntax error, invalid number '12ab'" },
		{ "a + 1\n",
		  "g.cfg:1:3: syntax error, unexpected character '+'" },
		{ "a = foo\n",
		  "g.cfg:1:5: syntax error, unexpected identifier 'foo', "
		  "expecting a value" },
		{ "\t\ta = ]\n", "g.cfg:1:7: syntax error, unexpected ']'" },
		{ "a = 1\n\xff = 2\n",
		  "g.cfg:2:1: syntax error, unexpected byte 0xff" },
		{ "a = (1)\n",
		  "g.cfg:1:5: syntax error, unexpected character '(' "
		  "(xl.cfg is not Python: no variables, expressions, calls or imports)" },
		{ "a = [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]\n",
		  "nested too deeply" },
	};

	for (size_t i = 0; i < XB_ARRAY_SIZE(cases); i++) {
		struct xl_file f;
		struct xb_err e;
		int r = xlp(cases[i].text, &f, &e);

		if (r != -XB_EINPUT || !strstr(e.msg, cases[i].msg))
			t_fail(__FILE__, __LINE__,
			       "case %zu: want \"%s\", got %d \"%s\"", i,
			       cases[i].msg, r, e.msg);
		xl_file_free(&f);
	}
}

static void t_plus_equals(void)
{
	struct dom_config c;
	struct xb_err e;
	struct xl_file f;

	REQUIRE(xlp("x = [1]\nx += [2, 3]\ns = 'a'\ns += \"b\"\nt += 'new'\n",
		    &f, &e) == 0);
	CHECK_EQ(xl_find(&f, "x")->v.n, 3);
	CHECK_STR(xl_find(&f, "x")->v.items[2].s, "3");
	CHECK_STR(xl_find(&f, "s")->v.s, "ab");
	CHECK_STR(xl_find(&f, "t")->v.s, "new");
	CHECK_EQ(xl_find(&f, "x")->nset, 1); /* += is not "set again" */
	CHECK_EQ(xl_find(&f, "t")->nset, 1);
	CHECK_EQ(xl_find(&f, "t")->again_line, 0);
	xl_file_free(&f);

	REQUIRE(xlp("x = [1]\nx += 'a'\n", &f, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg,
		       "g.cfg:2:6: key 'x': += cannot add a string to a list");
	xl_file_free(&f);
	REQUIRE(xlp("x = 'a'\nx += [1]\n", &f, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "+= cannot add a list to a string");
	xl_file_free(&f);

	REQUIRE(parse(MIN "extra = \"console=hvc0\"\nextra += \" quiet\"\n", &c,
		      &e) == 0);
	CHECK_STR(c.cmdline, "console=hvc0 quiet");
	cfg_free(&c);
	ERR(MIN "memory = 128\nmemory += 1\n",
	    "t.cfg:4: key 'memory': += cannot be used with numbers");
	ERR(MIN "vcpus += 2\n", "key 'vcpus': += cannot be used with numbers");
}

static void t_defaults(void)
{
	struct dom_config c;
	struct xb_err e;

	REQUIRE(parse(MIN, &c, &e) == 0);
	CHECK_STR(c.name, "g");
	CHECK_STR(c.kernel, "/k");
	CHECK_STR(c.source, "t.cfg");
	CHECK_EQ(c.memory_mb, 128);
	CHECK_EQ(c.maxmem_mb, 128);
	CHECK_EQ(c.vcpus, 1);
	CHECK_EQ(c.maxvcpus, 1);
	CHECK(c.ramdisk == NULL);
	CHECK(c.cmdline == NULL);
	CHECK(c.ramdisk_decompress);
	CHECK(!c.has_uuid);
	CHECK_STR(c.on_poweroff, "destroy");
	CHECK_STR(c.on_reboot, "restart");
	CHECK_STR(c.on_crash, "destroy");
	CHECK_EQ(c.max_decompressed, XB_DEFAULT_MAX_DECOMP);
	CHECK_EQ(XB_DEFAULT_MAX_DECOMP, 1ULL << 30);
	CHECK_EQ(c.warnings.n, 0);
	cfg_free(&c);

	REQUIRE(parse(MIN "memory = 512\nvcpus = 4\n", &c, &e) == 0);
	CHECK_EQ(c.maxmem_mb, 512);
	CHECK_EQ(c.maxvcpus, 4);
	cfg_free(&c);

	ERR("kernel = '/k'\n", "t.cfg: the domain name is required");
	ERR("name = 'g'\n", "t.cfg: the kernel is required");
	ERR("name = 'g'\nkernel = ''\n", "the kernel is required");
}

static void t_full(void)
{
	struct dom_config c;
	struct xb_err e;
	static const uint8_t uu[16] = {
		0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
		0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
	};

	REQUIRE(parse("name = \"deb-1.x_y\"\ntype = \"pv\"\nmemory = 0x100\n"
		      "maxmem = \"1024\"\nvcpus = 2\nmaxvcpus = 010\n"
		      "kernel = \"/boot/vmlinuz\"\nramdisk = \"/boot/initrd.img\"\n"
		      "cmdline = \"console=hvc0\"\n"
		      "uuid = \"12345678-9abc-def0-0123-456789ABCDEF\"\n"
		      "on_poweroff = 'preserve'; on_reboot = 'destroy'\n"
		      "on_crash = 'coredump-restart'\n"
		      "ramdisk_decompress = 0\nxbuild_max_decompressed = 2048\n",
		      &c, &e) == 0);
	CHECK_STR(c.name, "deb-1.x_y");
	CHECK_EQ(c.memory_mb, 256);
	CHECK_EQ(c.maxmem_mb, 1024);
	CHECK_EQ(c.vcpus, 2);
	CHECK_EQ(c.maxvcpus, 8);
	CHECK_STR(c.kernel, "/boot/vmlinuz");
	CHECK_STR(c.ramdisk, "/boot/initrd.img");
	CHECK_STR(c.cmdline, "console=hvc0");
	CHECK(c.has_uuid);
	CHECK(!memcmp(c.uuid, uu, 16));
	CHECK_STR(c.on_poweroff, "preserve");
	CHECK_STR(c.on_reboot, "destroy");
	CHECK_STR(c.on_crash, "coredump-restart");
	CHECK(!c.ramdisk_decompress);
	CHECK_EQ(c.max_decompressed, 2048ULL << 20);
	CHECK_EQ(c.warnings.n, 0);
	cfg_free(&c);

	REQUIRE(parse(MIN "builder = 'generic'\nramdisk = ''\n", &c, &e) == 0);
	CHECK(c.ramdisk == NULL);
	cfg_free(&c);
}

static void t_types(void)
{
	ERR(MIN "memory = \"lots\"\n",
	    "t.cfg:3: memory = \"lots\": expected a number (MiB)");
	ERR(MIN "memory = [ 1 ]\n",
	    "t.cfg:3: key 'memory': expected a number (MiB), got a list");
	ERR("name = 'g'\nkernel = 5\n",
	    "t.cfg:2: key 'kernel': expected a string in quotes, got a number");
	ERR("name = [ ]\nkernel = '/k'\n",
	    "t.cfg:1: key 'name': expected a string in quotes, got a list");
	ERR(MIN "ramdisk = ['a']\n", "key 'ramdisk': expected a string");
	ERR(MIN "cmdline = 1\n", "key 'cmdline': expected a string");
	ERR(MIN "extra = [1]\n", "key 'extra': expected a string");
	ERR(MIN "root = 1\n", "key 'root': expected a string");
	ERR(MIN "uuid = 1\n", "key 'uuid': expected a string");
	ERR(MIN "on_crash = 1\n", "key 'on_crash': expected a string");
	ERR(MIN "type = 1\n", "key 'type': expected a string");
	ERR(MIN "vcpus = 'two'\n",
	    "t.cfg:3: vcpus = \"two\": expected a number");
	ERR(MIN "ramdisk_decompress = 'yes'\n",
	    "ramdisk_decompress = \"yes\": expected a number");
	ERR(MIN "memory = \"\\x01\"\n",
	    "memory = \"\\x01\": expected a number");
	ERR(MIN "memory = ''\n", "memory = \"\": expected a number");
	ERR(MIN "vcpus = ' 2'\n", "vcpus = \" 2\": expected a number");
}

static void t_limits(void)
{
	struct dom_config c;
	struct xb_err e;

	ERR(MIN "memory = 0\n",
	    "t.cfg:3: memory = 0 MiB: out of range (1 MiB to 16 TiB)");
	ERR(MIN "memory = 16777217\n",
	    "memory = 16777217 MiB: out of range (1 MiB to 16 TiB)");
	ERR(MIN "memory = 99999999999999999999999\n",
	    "memory = 99999999999999999999999 MiB: out of range");
	ERR(MIN "memory = 0x100000000000\n",
	    "memory = 0x100000000000 MiB: out of range");
	ERR(MIN "maxmem = 0xffffffffffffffffff\n",
	    "maxmem = 0xffffffffffffffffff MiB: out of range");
	ERR(MIN "vcpus = 0\n", "vcpus = 0: out of range (1 to 512)");
	ERR(MIN "vcpus = 513\n", "vcpus = 513: out of range (1 to 512)");
	ERR(MIN "maxvcpus = 513\n", "maxvcpus = 513: out of range (1 to 512)");
	ERR(MIN "ramdisk_decompress = 2\n", "out of range (0 to 1)");
	ERR(MIN "xbuild_max_decompressed = 0\n",
	    "xbuild_max_decompressed = 0 MiB: out of range (1 MiB to 16 TiB)");
	ERR(MIN "memory = 256\nmaxmem = 128\n",
	    "t.cfg:4: maxmem (128 MiB) is less than memory (256 MiB)");
	ERR(MIN "maxmem = 64\n",
	    "t.cfg:3: maxmem (64 MiB) is less than memory (128 MiB)");
	ERR(MIN "maxmem = 64\n\nmemory = 65\n",
	    "t.cfg:5: maxmem (64 MiB) is less than memory (65 MiB)");
	ERR(MIN "vcpus = 4\nmaxvcpus = 2\n",
	    "t.cfg:4: maxvcpus (2) is less than vcpus (4)");

	OK(MIN "memory = 16777216\nvcpus = 512\nxbuild_max_decompressed = 1\n",
	   &c, &e);
	CHECK_EQ(c.memory_mb, 16777216);
	CHECK_EQ(c.vcpus, 512);
	CHECK_EQ(c.max_decompressed, 1ULL << 20);
	cfg_free(&c);
	ERR(MIN "memory = '0'\n", "memory = \"0\" MiB: out of range");
	OK(MIN "memory = '0x200'\n", &c, &e);
	CHECK_EQ(c.memory_mb, 512);
	cfg_free(&c);
}

static void t_name(void)
{
	struct dom_config c;
	struct xb_err e;
	char buf[256];

	ERR("name = 'a b'\nkernel = '/k'\n",
	    "t.cfg:1: name = \"a b\": must be 1 to 63 characters of [A-Za-z0-9_.-]");
	ERR("name = 'a/b'\nkernel = '/k'\n", "must be 1 to 63");
	ERR("name = ''\nkernel = '/k'\n", "must be 1 to 63");
	snprintf(buf, sizeof(buf), "name = '%063d'\nkernel = '/k'\n", 0);
	REQUIRE(parse(buf, &c, &e) == 0);
	CHECK_EQ(strlen(c.name), 63);
	cfg_free(&c);
	snprintf(buf, sizeof(buf), "name = '%064d'\nkernel = '/k'\n", 0);
	ERR(buf, "must be 1 to 63");
}

static void t_type(void)
{
	struct dom_config c;
	struct xb_err e;

	ERR(MIN "type = \"hvm\"\n",
	    "t.cfg:3: type = \"hvm\": xbuild builds PV and PVH guests only");
	ERR(MIN "builder = \"hvm\"\n",
	    "builder = \"hvm\": xbuild builds PV and PVH guests only "
	    "(builder = \"generic\" or type = \"pvh\")");
	/* xl_parse.c compares case-sensitively: "Invalid domain type PV." */
	ERR(MIN "type = 'PV'\n",
	    "t.cfg:3: type = \"PV\": types are lower case, as xl "
	    "reads them (type = \"pv\" or \"pvh\")");
	ERR(MIN "type = 'PVH'\n", "type = \"PVH\": types are lower case");
	/* type = "pvh" is PVH; "pv", absent and builder are PV */
	REQUIRE(parse(MIN "type = \"pvh\"\n", &c, &e) == 0);
	CHECK_EQ(c.type, XB_DOM_PVH);
	CHECK_EQ(c.warnings.n, 0);
	cfg_free(&c);
	REQUIRE(parse(MIN, &c, &e) == 0);
	CHECK_EQ(c.type, XB_DOM_PV);
	cfg_free(&c);
	REQUIRE(parse(MIN "type = \"pv\"\n", &c, &e) == 0);
	CHECK_EQ(c.type, XB_DOM_PV);
	cfg_free(&c);
	/* xl ignores builder when type is set */
	REQUIRE(parse(MIN "type = \"pvh\"\nbuilder = \"generic\"\n", &c, &e) ==
		0);
	CHECK_EQ(c.type, XB_DOM_PVH);
	cfg_free(&c);
	ERR(MIN "type = 'linux'\n", "type = \"linux\": not a domain type");
	ERR(MIN "builder = 'Generic'\n",
	    "builder = \"Generic\": builders are lower case");
	ERR(MIN "builder = 'pv'\n",
	    "builder = \"pv\": not a builder (\"generic\", or "
	    "xm's \"linux\", for PV; type = \"pv\" is today's spelling)");
	REQUIRE(parse(MIN "type = 'pv'\nbuilder = 'generic'\n", &c, &e) == 0);
	cfg_free(&c);
	/* xm's builder = "linux" is PV */
	REQUIRE(parse(MIN "builder = \"linux\"\n", &c, &e) == 0);
	CHECK_EQ(c.warnings.n, 0);
	CHECK_EQ(c.type, XB_DOM_PV);
	cfg_free(&c);
}

static void t_cmdline(void)
{
	static const struct {
		const char *keys, *want;
		size_t warn;
	} cases[] = {
		{ "cmdline = 'a b'\n", "a b", 0 },
		{ "root = '/dev/xvda1'\nextra = 'console=hvc0'\n",
		  "root=/dev/xvda1 console=hvc0", 0 },
		{ "root = '/dev/xvda1'\n", "root=/dev/xvda1", 0 },
		{ "extra = 'quiet'\n", "quiet", 0 },
		{ "cmdline = 'c'\nroot = 'r'\n", "c", 1 },
		{ "extra = 'e'\ncmdline = 'c'\n", "c", 1 },
		{ "cmdline = ''\n", NULL, 0 },
	};

	for (size_t i = 0; i < XB_ARRAY_SIZE(cases); i++) {
		struct dom_config c;
		struct xb_err e;
		char buf[256];

		snprintf(buf, sizeof(buf), MIN "%s", cases[i].keys);
		if (parse(buf, &c, &e)) {
			t_fail(__FILE__, __LINE__, "case %zu: %s", i, e.msg);
			cfg_free(&c);
			continue;
		}
		if (cases[i].want)
			CHECK_STR(c.cmdline, cases[i].want);
		else
			CHECK(c.cmdline == NULL);
		CHECK_EQ(count_warn(
				 &c,
				 "cmdline is set, so root and extra are ignored"),
			 cases[i].warn);
		cfg_free(&c);
	}
}

static void t_cmdline_limit(void)
{
	struct dom_config c;
	struct xb_err e;
	char *buf = malloc(2200), *v = malloc(1100);

	REQUIRE(buf && v);
	memset(v, 'x', 1023);
	v[1023] = '\0';
	snprintf(buf, 2200, MIN "cmdline = '%s'\n", v);
	CHECK(parse(buf, &c, &e) == 0);
	CHECK_EQ(c.cmdline ? strlen(c.cmdline) : 0, 1023);
	cfg_free(&c);

	v[1023] = 'x';
	v[1024] = '\0';
	snprintf(buf, 2200, MIN "cmdline = '%s'\n", v);
	ERR(buf,
	    "t.cfg: the kernel command line is 1024 bytes, the limit is 1023");

	/* "root=" + 1013 + " " + 4 = 1023 */
	v[1013] = '\0';
	snprintf(buf, 2200, MIN "root = '%s'\nextra = 'abcd'\n", v);
	CHECK(parse(buf, &c, &e) == 0);
	CHECK_EQ(c.cmdline ? strlen(c.cmdline) : 0, 1023);
	cfg_free(&c);
	snprintf(buf, 2200, MIN "root = '%s'\nextra = 'abcde'\n", v);
	ERR(buf, "is 1024 bytes, the limit is 1023");
	free(buf);
	free(v);
}

static void t_uuid(void)
{
	uint8_t u[16];

	CHECK(xb_uuid_parse("00000000-0000-0000-0000-000000000000", u));
	CHECK(xb_uuid_parse("ffffffff-FFFF-ffff-FFFF-ffffffffffff", u));
	CHECK(u[0] == 0xff && u[15] == 0xff);
	CHECK(!xb_uuid_parse("ffffffff-ffff-ffff-ffff-fffffffffff", u));
	CHECK(!xb_uuid_parse("ffffffff-ffff-ffff-ffff-fffffffffffff", u));
	CHECK(!xb_uuid_parse("ffffffffffffffffffffffffffffffff", u));
	CHECK(!xb_uuid_parse("ffffffff-ffff-ffff-ffff_ffffffffffff", u));
	CHECK(!xb_uuid_parse("gfffffff-ffff-ffff-ffff-ffffffffffff", u));
	CHECK(!xb_uuid_parse("", u));
	ERR(MIN "uuid = 'nope'\n",
	    "t.cfg:3: uuid = \"nope\": expected xxxxxxxx-xxxx");
}

static void t_actions(void)
{
	struct dom_config c;
	struct xb_err e;
	static const char *const ok[] = {
		"destroy",    "restart",	  "rename-restart",
		"preserve",   "coredump-destroy", "coredump-restart",
		"soft-reset",
	};

	for (size_t i = 0; i < XB_ARRAY_SIZE(ok); i++) {
		char buf[128];

		snprintf(buf, sizeof(buf), MIN "on_reboot = '%s'\n", ok[i]);
		REQUIRE(parse(buf, &c, &e) == 0);
		CHECK_STR(c.on_reboot, ok[i]);
		cfg_free(&c);
	}
	ERR(MIN "on_poweroff = 'explode'\n",
	    "t.cfg:3: on_poweroff = \"explode\": not an action (destroy, restart");
	ERR(MIN "on_crash = 'Destroy'\n", "not an action");
}

static void t_duplicate(void)
{
	/* Keys that decide what is booted: set twice is an error naming both
	 * lines (libxl would silently take the last one). */
	static const char *const boot[] = {
		"ramdisk = '/i'",
		"cmdline = 'x'",
		"memory = 64",
		"maxmem = 512",
		"vcpus = 2",
		"maxvcpus = 2",
		"type = 'pv'",
		"builder = 'generic'",
		"root = '/dev/xvda'",
		"extra = 'quiet'",
		"uuid = '12345678-9abc-def0-0123-456789abcdef'",
	};
	struct dom_config c;
	struct xb_err e;
	char buf[256], want[128];

	for (size_t i = 0; i < XB_ARRAY_SIZE(boot); i++) {
		size_t klen = strcspn(boot[i], " ");

		snprintf(buf, sizeof(buf), MIN "%s\n# other\n%s\n", boot[i],
			 boot[i]);
		snprintf(want, sizeof(want),
			 "t.cfg:5: key '%.*s' is set twice (lines 3 and 5)",
			 (int)klen, boot[i]);
		ERR(buf, want);
	}
	ERR(MIN "memory = 256\n\nmemory = 512\nmemory = 1024\n",
	    "t.cfg:5: key 'memory' is set twice (lines 3 and 5): it decides what is booted");
	ERR("name = 'a'\nname = 'b'\nkernel = '/k'\n",
	    "t.cfg:2: key 'name' is set twice (lines 1 and 2)");
	ERR(MIN "kernel = '/k2'\n",
	    "t.cfg:3: key 'kernel' is set twice (lines 2 and 3)");
	/* "+=" adds, it does not replace: no error */
	OK(MIN "extra = 'a'\nextra += ' b'\nextra += ' c'\n", &c, &e);
	CHECK_STR(c.cmdline, "a b c");
	CHECK_EQ(c.warnings.n, 0);
	cfg_free(&c);
	ERR(MIN "extra += 'a'\nextra = 'b'\n",
	    "t.cfg:4: key 'extra' is set twice (lines 3 and 4)");

	/* Other keys: one warning, the last value is used. */
	OK(MIN
	   "on_crash = 'preserve'\non_crash = 'restart'\n\non_crash = 'destroy'\n"
	   "ramdisk_decompress = 1\nramdisk_decompress = 0\n",
	   &c, &e);
	CHECK_STR(c.on_crash, "destroy");
	CHECK(!c.ramdisk_decompress);
	REQUIRE(c.warnings.n == 2);
	CHECK_STR(c.warnings.v[0],
		  "t.cfg:4: key 'on_crash' set again (first on line 3), "
		  "the last value is used (and 1 more time)");
	CHECK_STR(c.warnings.v[1],
		  "t.cfg:8: key 'ramdisk_decompress' set again (first "
		  "on line 7), the last value is used");
	cfg_free(&c);
}

static void t_unmapped(void)
{
	struct dom_config c;
	struct xb_err e;

	char dev[256];

	OK(MIN "disk = [ 'phy:/dev/vg/x,xvda,w' ]\nvif = [ '' ]\n"
	       "disk = [ 'x' ]\nlocaltime = 1\non_watchdog = 'destroy'\n"
	       "memroy = 5\nbootloader_args = ['-q']\nvfb=[]\npci=[]\nusb=1\n"
	       "serial='pty'\nmemroy = 6\nmemroy = 7\nvnc=1\n",
	   &c, &e);
	/* Devices are recorded, not warned about (the command decides);
	 * an empty list names none; vif = [''] is one vif with defaults. */
	CHECK_EQ(count_warn(&c, "key 'disk'"), 0);
	CHECK_EQ(count_warn(&c, "key 'vif'"), 0);
	CHECK_EQ(count_warn(&c, "set again"), 0);
	CHECK_EQ(cfg_devices(&c, dev, sizeof(dev)), 2);
	CHECK_STR(dev, "disk (line 3, 2 times), vif (line 4)");
	CHECK_EQ(count_warn(&c, "key 'localtime' is not acted on by xbuild"),
		 1);
	CHECK_EQ(count_warn(&c, "key 'on_watchdog' is not acted on by xbuild"),
		 1);
	CHECK_EQ(count_warn(&c, "key 'bootloader_args' is not acted on"), 1);
	CHECK_EQ(
		count_warn(
			&c,
			"t.cfg:8: unknown key 'memroy' ignored (and 2 more times)"),
		1);
	CHECK_EQ(count_warn(&c, "key 'vfb'"), 0);
	CHECK_EQ(count_warn(&c, "key 'pci'"), 0);
	/* HVM and display settings are no devices of a PV guest */
	CHECK_EQ(count_warn(&c,
			    "t.cfg:12: key 'usb' is not acted on by xbuild"),
		 1);
	CHECK_EQ(count_warn(&c, "key 'serial' is not acted on by xbuild"), 1);
	CHECK_EQ(count_warn(&c, "key 'vnc' is not acted on by xbuild"), 1);
	CHECK_EQ(c.warnings.n, 7);
	/* the one grouped warning check and plan add */
	REQUIRE(cfg_warn_devices(&c, " (why)", &e) == 0);
	CHECK_EQ(count_warn(
			 &c,
			 "t.cfg:3: xbuild does not set up devices: disk (line 3, "
			 "2 times), vif (line 4) (why)"),
		 1);
	CHECK_STR(xb_warning_key(&c.warnings, 7), "devices:devices");
	cfg_free(&c);
	OK(MIN "disk = []\n", &c, &e);
	CHECK_EQ(cfg_devices(&c, dev, sizeof(dev)), 0);
	CHECK_STR(dev, "");
	CHECK(cfg_warn_devices(&c, "x", &e) == 0);
	CHECK_EQ(c.warnings.n, 0);
	cfg_free(&c);

	/* long names are cut in messages */
	{
		char buf[400], name[201];

		memset(name, 'a', 200);
		name[200] = '\0';
		snprintf(buf, sizeof(buf), MIN "%s = 1\n", name);
		OK(buf, &c, &e);
		REQUIRE(c.warnings.n == 1);
		CHECK_EQ(strlen(c.warnings.v[0]),
			 strlen("t.cfg:3: unknown key '' ignored") + 64 + 3);
		CHECK_CONTAINS(c.warnings.v[0], "aaa...' ignored");
		cfg_free(&c);
	}
}

/* 1 MiB configs that repeat one thing: one warning each, quickly. */
static void t_flood(void)
{
	size_t cap = XB_CONFIG_MAX, n = 0;
	char *buf = malloc(cap + 1);
	struct dom_config c;
	struct xb_err e;
	int i;

	REQUIRE(buf);
	n = (size_t)snprintf(buf, cap, MIN);
	for (i = 0; i < 70000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "disk=['x']\n");
	for (i = 0; i < 1000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "k%d=1\n", i);
	REQUIRE(n < cap);
	CHECK(parse_n(buf, n, &c, &e) == 0);
	REQUIRE(c.warnings.n == XB_WARN_KEEP + 1);
	CHECK_STR(c.warnings.v[0], "t.cfg:70003: unknown key 'k0' ignored");
	CHECK_STR(c.warnings.v[XB_WARN_KEEP],
		  "... and 900 more warnings (only the "
		  "first 100 distinct ones are shown)");
	{
		char dev[128];

		CHECK_EQ(cfg_devices(&c, dev, sizeof(dev)), 1);
		CHECK_STR(dev, "disk (line 3, 70,000 times)");
	}
	cfg_free(&c);

	/* libvirt XML: 60,000 unknown elements, all different */
	n = (size_t)snprintf(buf, cap, XHEAD XMEM XOS);
	for (i = 0; i < 60000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "<e%d/>\n", i);
	n += (size_t)snprintf(buf + n, cap - n, "</domain>\n");
	REQUIRE(n < cap);
	CHECK(parse_n(buf, n, &c, &e) == 0);
	REQUIRE(c.warnings.n == XB_WARN_KEEP + 1);
	CHECK_STR(c.warnings.v[0],
		  "t.cfg:5: element <e0> is not acted on by xbuild");
	CHECK_STR(c.warnings.v[XB_WARN_KEEP],
		  "... and 59,900 more warnings (only the "
		  "first 100 distinct ones are shown)");
	cfg_free(&c);

	/* ... and all the same, in <devices> and in <os> */
	n = (size_t)snprintf(buf, cap,
			     XHEAD XMEM
			     "<os><type>linux</type><kernel>/k</kernel>");
	for (i = 0; i < 50000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "<x/>");
	n += (size_t)snprintf(buf + n, cap - n, "</os>\n<devices>\n");
	for (i = 0; i < 60000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "<disk/>\n");
	n += (size_t)snprintf(buf + n, cap - n, "</devices></domain>\n");
	REQUIRE(n < cap);
	CHECK(parse_n(buf, n, &c, &e) == 0);
	REQUIRE(c.warnings.n == 1);
	CHECK_STR(c.warnings.v[0],
		  "t.cfg:4: element <os><x> is not acted on by xbuild "
		  "(and 49,999 more times)");
	{
		char dev[128];

		CHECK_EQ(cfg_devices(&c, dev, sizeof(dev)), 1);
		CHECK_STR(dev, "<disk> (line 6, 60,000 times)");
	}
	cfg_free(&c);
	free(buf);
}

static void t_bootloader(void)
{
	/* The kernel named next to a bootloader is a file in the guest's disk:
	 * loading dom0's file of that name would boot the wrong kernel. */
	ERR(MIN "bootloader = 'pygrub'\n",
	    "t.cfg:3: bootloader = \"pygrub\": the bootloader runs inside the guest's "
	    "disk image, where kernel \"/k\" names a file; xbuild never runs bootloaders "
	    "and would load dom0's /k instead; remove bootloader= or use kernel= without it");
	ERR("bootloader = '/usr/bin/pygrub'\n" MIN,
	    "t.cfg:1: bootloader = \"/usr/bin/pygrub\"");
	ERR(MIN "bootloader = ''\n", "would load dom0's /k instead");
	ERR("name = 'g'\nbootloader = 'pygrub'\n",
	    "t.cfg:2: bootloader = \"pygrub\": the bootloader runs inside the guest's disk "
	    "image and xbuild never runs bootloaders; remove bootloader= and give kernel "
	    "(and ramdisk) as files in dom0");
	ERR("bootloader = 'pygrub'\n", "xbuild never runs bootloaders");
	ERR(XHEAD XMEM XOS "<bootloader>/usr/bin/pygrub</bootloader></domain>",
	    "t.cfg:5: <bootloader> = /usr/bin/pygrub: the bootloader runs inside the guest's "
	    "disk image, where <os><kernel> \"/k\" names a file; xbuild never runs "
	    "bootloaders and would load dom0's /k instead; remove <bootloader> or use "
	    "<os><kernel> without it");
	ERR(XHEAD XMEM "<bootloader/>" XOS "</domain>",
	    "t.cfg:4: <bootloader> = : the bootloader");
	ERR(XHEAD XMEM
	    "<bootloader>pygrub</bootloader><os><type>linux</type></os></domain>",
	    "t.cfg:4: <bootloader> = pygrub: the bootloader runs inside the guest's disk "
	    "image and xbuild never runs bootloaders; remove <bootloader> and give <os><kernel>");
}

static void t_encoding(void)
{
	struct dom_config c;
	struct xb_err e;
	static const char bom_xl[] = "\xef\xbb\xbfname = 'g'\nkernel = '/k'\n";
	static const char bom_bad[] = "\xef\xbb\xbf"
				      "1 = 2\n";
	static const char u16le[] = "\xff\xfen\0a\0m\0e\0";
	static const char u16be[] = "\xfe\xff\0n\0a\0m\0e";
	static const char u16nobom[] = "n\0a\0m\0e\0 \0=\0";
	static const char u16xml[] = "<\0d\0o\0m\0";
	static const char u16bexml[] = "\0<\0d\0o\0m";
	static const char u32le[] = "\xff\xfe\0\0n\0\0\0";
	static const char u32be[] = "\0\0\xfe\xff\0\0\0n";

	CHECK(parse_n(bom_xl, sizeof(bom_xl) - 1, &c, &e) == 0);
	CHECK_STR(c.name, "g");
	cfg_free(&c);
	/* columns count from after the mark */
	CHECK(parse_n(bom_bad, sizeof(bom_bad) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "t.cfg:1:1: syntax error, unexpected number 1");
	cfg_free(&c);
	CHECK(parse_n(u16le, sizeof(u16le) - 1, &c, &e) == -XB_EINPUT);
	CHECK_STR(
		e.msg,
		"t.cfg: the config is UTF-16 encoded; save it as UTF-8 or ASCII");
	cfg_free(&c);
	CHECK(parse_n(u16be, sizeof(u16be) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "UTF-16 encoded");
	cfg_free(&c);
	CHECK(parse_n(u16nobom, sizeof(u16nobom) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "UTF-16 encoded");
	cfg_free(&c);
	CHECK(parse_n(u16xml, sizeof(u16xml) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "UTF-16 encoded");
	cfg_free(&c);
	CHECK(parse_n(u16bexml, sizeof(u16bexml) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "UTF-16 encoded");
	cfg_free(&c);
	CHECK(parse_n(u32le, sizeof(u32le) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "UTF-32 encoded");
	cfg_free(&c);
	CHECK(parse_n(u32be, sizeof(u32be) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "UTF-32 encoded");
	cfg_free(&c);
	/* both front ends check it on their own */
	cfg_init(&c);
	xb_err_clear(&e);
	CHECK(cfg_parse_xml("d.xml", u16le, sizeof(u16le) - 1, &c, &e) ==
	      -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "d.xml: the config is UTF-16");
	cfg_free(&c);
}

static void t_garbage(void)
{
	struct dom_config c;
	struct xb_err e;
	static const char nul_xl[] = "name = 'g'\nkernel = '/k\0x'\n";
	static const char nul_key[] = "name = 'g'\0\nkernel = '/k'\n";
	static const char nul_xml[] =
		"<domain type='xen'><name>a\0b</name></domain>";
	uint8_t bin[4096];
	uint32_t x = 12345;

	CHECK(parse_n(nul_xl, sizeof(nul_xl) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "t.cfg:2:13: syntax error, NUL byte in a string");
	cfg_free(&c);
	CHECK(parse_n(nul_key, sizeof(nul_key) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "t.cfg:1:11: syntax error, unexpected byte 0x00");
	cfg_free(&c);
	CHECK(parse_n(nul_xml, sizeof(nul_xml) - 1, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "XML error");
	cfg_free(&c);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(bin); i++) {
			x = x * 1103515245 + 12345;
			bin[i] = (uint8_t)(x >> 16);
		}
		if (round & 1)
			bin[0] = '<';
		CHECK(parse_n((const char *)bin, sizeof(bin), &c, &e) ==
		      -XB_EINPUT);
		CHECK(e.msg[0]);
		cfg_free(&c);
	}
	/* too large */
	{
		size_t n = XB_CONFIG_MAX + 1;
		char *big = malloc(n);

		REQUIRE(big);
		memset(big, '\n', n);
		CHECK(parse_n(big, n, &c, &e) == -XB_EINPUT);
		CHECK_CONTAINS(e.msg, "the limit is 1048576");
		cfg_free(&c);
		free(big);
	}
}

/* ---- libvirt XML ------------------------------------------------------ */

static void t_xml_full(void)
{
	struct dom_config c;
	struct xb_err e;
	const char *xml =
		"<?xml version='1.0'?>\n"
		"<!-- a comment -->\n"
		"<domain type='xen' id='3'>\n"
		"  <name>guest-1</name>\n"
		"  <title>ignored</title>\n"
		"  <uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>\n"
		"  <memory unit='GiB'>1</memory>\n"
		"  <currentMemory unit='MiB'>512</currentMemory>\n"
		"  <vcpu placement='static' current='2'>4</vcpu>\n"
		"  <os>\n"
		"    <type arch='x86_64' machine='xenpv'>linux</type>\n"
		"    <kernel>/boot/vmlinuz</kernel>\n"
		"    <initrd> /boot/initrd.img </initrd>\n"
		"    <cmdline>console=hvc0 root=/dev/xvda1</cmdline>\n"
		"  </os>\n"
		"  <clock offset='utc'/>\n"
		"  <on_poweroff>destroy</on_poweroff>\n"
		"  <on_reboot>restart</on_reboot>\n"
		"  <on_crash>preserve</on_crash>\n"
		"  <devices>\n"
		"    <disk type='file' device='disk'><source file='/x.img'/></disk>\n"
		"    <disk type='file' device='disk'><source file='/y.img'/></disk>\n"
		"    <interface type='bridge'/>\n"
		"    <console type='pty'/>\n"
		"  </devices>\n"
		"</domain>\n";

	REQUIRE(parse(xml, &c, &e) == 0);
	CHECK_STR(c.name, "guest-1");
	CHECK(c.has_uuid);
	CHECK_EQ(c.uuid[0], 0x4d);
	CHECK_EQ(c.uuid[15], 0xa0);
	CHECK_EQ(c.maxmem_mb, 1024);
	CHECK_EQ(c.memory_mb, 512);
	CHECK_EQ(c.vcpus, 2);
	CHECK_EQ(c.maxvcpus, 4);
	CHECK_STR(c.kernel, "/boot/vmlinuz");
	CHECK_STR(c.ramdisk, "/boot/initrd.img");
	CHECK_STR(c.cmdline, "console=hvc0 root=/dev/xvda1");
	CHECK_STR(c.on_crash, "preserve");
	/* <clock> and the pty <console> mean nothing to a PV builder; the
	 * disks and the interface are devices. */
	CHECK_EQ(c.warnings.n, 0);
	{
		char dev[128];

		CHECK_EQ(cfg_devices(&c, dev, sizeof(dev)), 2);
		CHECK_STR(dev,
			  "<disk> (line 21, 2 times), <interface> (line 23)");
	}
	cfg_free(&c);
}

static void t_xml_units(void)
{
	static const struct {
		const char *mem;
		uint64_t mb;
		size_t warn;
	} cases[] = {
		{ "<memory>131072</memory>", 128, 0 },
		{ "<memory unit='KiB'>262144</memory>", 256, 0 },
		{ "<memory unit='k'>1024</memory>", 1, 0 },
		{ "<memory unit='M'>300</memory>", 300, 0 },
		{ "<memory unit='mib'>7</memory>", 7, 0 },
		{ "<memory unit='G'>2</memory>", 2048, 0 },
		{ "<memory unit='TiB'>1</memory>", 1048576, 0 },
		{ "<memory unit='bytes'>1048576</memory>", 1, 0 },
		{ "<memory unit='b'>1048577</memory>", 2, 1 },
		{ "<memory unit='KB'>1000</memory>", 1, 1 },
		{ "<memory unit='MB'>1000</memory>", 954, 1 },
		{ "<memory unit='GB'>1</memory>", 954, 1 },
		{ "<memory> 64 </memory>", 1, 1 },
	};

	for (size_t i = 0; i < XB_ARRAY_SIZE(cases); i++) {
		struct dom_config c;
		struct xb_err e;
		char buf[512];

		snprintf(buf, sizeof(buf), XHEAD XOS "%s</domain>",
			 cases[i].mem);
		if (parse(buf, &c, &e)) {
			t_fail(__FILE__, __LINE__, "case %zu: %s", i, e.msg);
			cfg_free(&c);
			continue;
		}
		CHECK_EQ(c.maxmem_mb, cases[i].mb);
		CHECK_EQ(c.memory_mb, cases[i].mb);
		CHECK_EQ(count_warn(&c, "is not a whole number of MiB"),
			 cases[i].warn);
		cfg_free(&c);
	}
	ERR(XHEAD XOS "<memory unit='XB'>1</memory></domain>",
	    "t.cfg:4: <memory unit='XB'>: unknown unit");
	ERR(XHEAD XOS "<memory unit='KiBB'>1</memory></domain>",
	    "unknown unit");
	ERR(XHEAD XOS "<memory>lots</memory></domain>",
	    "t.cfg:4: <memory> = lots: expected a decimal number (KiB)");
	ERR(XHEAD XOS "<memory unit='MiB'>1.5</memory></domain>",
	    "<memory> = 1.5: expected a decimal number (MiB)");
	ERR(XHEAD XOS "<memory>0</memory></domain>",
	    "<memory> = 0 KiB: out of range (1 MiB to 16 TiB)");
	ERR(XHEAD XOS "<memory>0x10</memory></domain>",
	    "<memory> = 0x10: expected a decimal number");
	ERR(XHEAD XOS "<memory>-1</memory></domain>",
	    "<memory> = -1: expected a decimal number");
	/* the size as written, with its unit */
	ERR(XHEAD XOS "<memory unit='EiB'>1</memory></domain>",
	    "t.cfg:4: <memory> = 1 EiB: out of range (1 MiB to 16 TiB)");
	ERR(XHEAD XOS "<memory unit='TB'>18</memory></domain>",
	    "<memory> = 18 TB: out of range");
	ERR(XHEAD XOS "<memory unit='TiB'>17</memory></domain>",
	    "<memory> = 17 TiB: out of range");
	ERR(XHEAD XOS "<memory unit='EiB'>99999</memory></domain>",
	    "<memory> = 99999 EiB: out of range");
	ERR(XHEAD XOS "<memory>99999999999999999999999</memory></domain>",
	    "<memory> = 99999999999999999999999 KiB: out of range");
	ERR(XHEAD XOS
	    "<memory unit='MiB'>128</memory><currentMemory unit='MiB'>256</currentMemory></domain>",
	    "t.cfg:4: <memory> (128 MiB) is less than <currentMemory> (256 MiB)");
	ERR(XHEAD XOS
	    "<currentMemory unit='GiB'>5000000</currentMemory></domain>",
	    "<currentMemory> = 5000000 GiB: out of range");
	ERR(XHEAD XOS "</domain>", "t.cfg: <memory> is required");
	ERR(XHEAD XOS "<currentMemory>1024</currentMemory></domain>",
	    "t.cfg: <memory> is required");
	ERR(XHEAD XOS XMEM "<memory>1</memory></domain>",
	    "t.cfg:5: <memory> is given twice (lines 4 and 5)");
}

static void t_xml_errors(void)
{
	struct dom_config c;
	struct xb_err e;

	ERR("<domain type='kvm'><name>a</name></domain>",
	    "t.cfg:1: <domain type='kvm'>: xbuild builds Xen PV and PVH guests (type='xen')");
	ERR("<domain><name>a</name></domain>", "<domain type=''>");
	ERR("<vm type='xen'/>",
	    "t.cfg: the root element must be <domain type='xen'>");
	ERR(XHEAD XMEM "<os><type>hvm</type><kernel>/k</kernel></os></domain>",
	    "t.cfg:4: <os><type> = hvm: xbuild builds PV and PVH guests only "
	    "(linux, xen or xenpvh)");
	ERR(XHEAD XMEM "\n<os><kernel>/k</kernel></os></domain>",
	    "t.cfg:5: <os>: <type>linux</type> is required");
	ERR(XHEAD XMEM "<os><type>linux</type></os></domain>",
	    "the kernel is required");
	ERR("<domain type='xen'>" XMEM XOS "</domain>",
	    "the domain name is required");
	ERR("<domain type='xen'><name>a b</name>" XMEM XOS "</domain>",
	    "t.cfg:1: <name> = a b: must be 1 to 63");
	ERR("<domain type='xen'><name>a\tb</name>" XMEM XOS "</domain>",
	    "<name> = a\\x09b: must be");
	ERR(XHEAD XMEM XOS "<uuid>xyz</uuid></domain>",
	    "t.cfg:5: <uuid> = xyz: expected");
	ERR(XHEAD XMEM XOS
	    "<uuid>4dea22b31d52d8f32516782e98ab3fz0</uuid></domain>",
	    "<uuid> = 4dea22b31d52d8f32516782e98ab3fz0: expected");
	ERR(XHEAD XMEM XOS "<vcpu>0</vcpu></domain>",
	    "t.cfg:5: <vcpu> = 0: out of range (1 to 512)");
	ERR(XHEAD XMEM XOS "<vcpu>513</vcpu></domain>",
	    "<vcpu> = 513: out of range (1 to 512)");
	ERR(XHEAD XMEM XOS "<vcpu>0x2</vcpu></domain>",
	    "<vcpu> = 0x2: expected a decimal number");
	ERR(XHEAD XMEM XOS "<vcpu current='3'>2</vcpu></domain>",
	    "t.cfg:5: <vcpu> (2) is less than <vcpu current> (3)");
	ERR(XHEAD XMEM XOS "<vcpu current='x'>2</vcpu></domain>",
	    "<vcpu current> = x: expected a decimal number");
	ERR(XHEAD XMEM XOS "<on_crash>boom</on_crash></domain>",
	    "<on_crash> = boom: not an action");
	ERR(XHEAD XMEM
	    "<os><type>linux</type><kernel>/k<b/></kernel></os></domain>",
	    "<kernel>: expected text only");
	ERR("<domain type='xen'>\n<name>a</name>\n<oops>\n</domain>",
	    "t.cfg:4:");
	ERR("<domain type='xen'>\n<name>a</name>\n<oops>\n</domain>",
	    "XML error");
	ERR("<?xml version='1.0'?>\n<!DOCTYPE d [<!ENTITY a 'aaaaaaaa'><!ENTITY b '&a;&a;&a;'>]>\n"
	    "<domain type='xen'><name>&b;</name></domain>",
	    "DOCTYPE");
	ERR("<!DOCTYPE d SYSTEM 'http://example.com/x.dtd'><domain type='xen'/>",
	    "DOCTYPE");
	ERR("<domain type='xen'><name>&ext;</name></domain>", "XML error");
	ERR("   \n<", "XML error");

	OK(XHEAD XMEM XOS
	   "<vcpu cpuset='1-3'>2</vcpu>"
	   "<os2/><features><pae/></features><features/></domain>",
	   &c, &e);
	CHECK_EQ(count_warn(&c, "<vcpu cpuset=...> is not acted on"), 1);
	CHECK_EQ(count_warn(&c, "<features>"), 0); /* HVM's */
	CHECK_EQ(count_warn(&c, "element <os2>"), 1);
	CHECK_EQ(c.vcpus, 2);
	CHECK_EQ(c.maxvcpus, 2);
	CHECK_EQ(c.warnings.n, 2);
	cfg_free(&c);
	OK(XHEAD XMEM XOS
	   "<uuid>4dea22b31d52d8f32516782e98ab3fa0</uuid></domain>",
	   &c, &e);
	CHECK(c.has_uuid && c.uuid[0] == 0x4d && c.uuid[15] == 0xa0);
	cfg_free(&c);

	REQUIRE(parse("\xef\xbb\xbf  " XHEAD XMEM
		      "<os><type>xen</type><kernel>/k</kernel><loader>x</loader><boot dev='hd'/></os></domain>",
		      &c, &e) == 0);
	CHECK_EQ(count_warn(&c, "element <os><loader> is not acted on"), 1);
	CHECK_EQ(count_warn(&c, "element <os><boot>"), 1);
	cfg_free(&c);
}

static void t_xml_duplicates(void)
{
	/* Elements that decide what is booted: given twice is an error naming
	 * the element and both lines. */
	static const struct {
		const char *xml, *msg;
	} boot[] = {
		{ XHEAD XMEM
		  "<os><type>linux</type><kernel>/k</kernel>\n<kernel>/k2</kernel></os></domain>",
		  "t.cfg:5: <os><kernel> is given twice (lines 4 and 5): it decides what is booted" },
		{ XHEAD XMEM
		  "<os><type>linux</type><kernel>/k</kernel><initrd>/a</initrd>\n"
		  "<initrd>/b</initrd></os></domain>",
		  "t.cfg:5: <os><initrd> is given twice (lines 4 and 5)" },
		{ XHEAD XMEM
		  "<os><type>linux</type><kernel>/k</kernel><cmdline>a</cmdline>\n\n"
		  "<cmdline></cmdline></os></domain>",
		  "t.cfg:6: <os><cmdline> is given twice (lines 4 and 6)" },
		{ XHEAD XMEM
		  "<os><type>linux</type><kernel>/k</kernel>\n<type>linux</type></os></domain>",
		  "t.cfg:5: <os><type> is given twice (lines 4 and 5)" },
		{ XHEAD XMEM XOS
		  "<os><type>linux</type><kernel>/k</kernel></os></domain>",
		  "t.cfg:5: <os> is given twice (lines 4 and 5)" },
		{ XHEAD XMEM XOS "<memory>262144</memory></domain>",
		  "t.cfg:5: <memory> is given twice (lines 3 and 5)" },
		{ XHEAD XMEM XOS
		  "<currentMemory>1024</currentMemory>\n<currentMemory>2048</currentMemory></domain>",
		  "t.cfg:6: <currentMemory> is given twice (lines 5 and 6)" },
		{ XHEAD XMEM XOS "<vcpu>1</vcpu>\n<vcpu>2</vcpu></domain>",
		  "t.cfg:6: <vcpu> is given twice (lines 5 and 6)" },
		{ XHEAD XMEM XOS "<name>x2</name></domain>",
		  "t.cfg:5: <name> is given twice (lines 2 and 5)" },
		{ XHEAD XMEM XOS
		  "<uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa0</uuid>\n"
		  "<uuid>4dea22b3-1d52-d8f3-2516-782e98ab3fa1</uuid></domain>",
		  "t.cfg:6: <uuid> is given twice (lines 5 and 6)" },
	};
	struct dom_config c;
	struct xb_err e;

	for (size_t i = 0; i < XB_ARRAY_SIZE(boot); i++)
		expect_err(boot[i].xml, boot[i].msg, __LINE__);

	/* Others: the same warning as a repeated xl.cfg key. */
	OK(XHEAD XMEM XOS
	   "<on_crash>preserve</on_crash>\n<on_crash>restart</on_crash>\n"
	   "<on_crash>destroy</on_crash>\n<devices/><devices><disk/></devices></domain>",
	   &c, &e);
	CHECK_STR(c.on_crash, "destroy");
	CHECK_EQ(count_warn(
			 &c,
			 "t.cfg:6: element <on_crash> given again (first on line 5), "
			 "the last value is used (and 1 more time)"),
		 1);
	CHECK_EQ(
		count_warn(
			&c,
			"t.cfg:8: element <devices> given again (first on line 8)"),
		1);
	CHECK_EQ(cfg_devices(&c, NULL, 0), 1);
	CHECK_EQ(c.warnings.n, 2);
	cfg_free(&c);
}

static void t_xml_depth(void)
{
	struct dom_config c;
	struct xb_err e;
	char *buf = malloc(8192);
	size_t n = 0;

	REQUIRE(buf);
	n += (size_t)snprintf(buf + n, 8192 - n, "<domain type='xen'>");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(buf + n, 8192 - n, "<a>");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(buf + n, 8192 - n, "</a>");
	n += (size_t)snprintf(buf + n, 8192 - n, "</domain>");
	REQUIRE(n < 8192);
	CHECK(parse_n(buf, n, &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "t.cfg:1:");
	CHECK_CONTAINS(
		e.msg,
		"elements are nested more than 256 deep, the XML parser's limit");
	CHECK(!strstr(e.msg, "XML_PARSE_HUGE"));
	cfg_free(&c);
	free(buf);
}

static void t_finish(void)
{
	struct dom_config c;
	struct xb_err e;

	/* idempotent: root/extra are joined and warned about once */
	OK(MIN "cmdline = 'c'\nroot = 'r'\n", &c, &e);
	CHECK_EQ(c.warnings.n, 1);
	CHECK(cfg_finish(&c, &e) == 0);
	CHECK_EQ(c.warnings.n, 1);
	CHECK_STR(c.cmdline, "c");
	cfg_free(&c);
	OK(MIN "root = 'r'\nextra = 'e'\n", &c, &e);
	CHECK_STR(c.cmdline, "root=r e");
	/* the command line overrides, then cfg_finish() again */
	CHECK(cfg_set_str(&c.cmdline, ""));
	CHECK(cfg_finish(&c, &e) == 0);
	CHECK(c.cmdline == NULL);
	cfg_free(&c);

	/* without a config file (xbuild build with --kernel only) */
	cfg_init(&c);
	xb_err_clear(&e);
	CHECK(cfg_set_str(&c.source, "command line"));
	CHECK(cfg_finish(&c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "command line: the domain name is required");
	strcpy(c.name, "n");
	CHECK(cfg_set_str(&c.kernel, "/k"));
	xb_err_clear(&e);
	CHECK(cfg_finish(&c, &e) == 0);
	CHECK_EQ(c.maxmem_mb, XB_MEMORY_DEFAULT_MB);
	CHECK_EQ(c.max_decompressed, XB_DEFAULT_MAX_DECOMP);
	c.memory_mb = 256;
	c.maxmem_mb = 128;
	CHECK(cfg_finish(&c, &e) == -XB_EINPUT);
	CHECK_STR(
		e.msg,
		"command line: maxmem (128 MiB) is less than memory (256 MiB)");
	cfg_free(&c);
}

static void t_dispatch(void)
{
	struct dom_config c;
	struct xb_err e;

	/* xl even with '<' later; XML after white space */
	REQUIRE(parse(MIN "extra = '<x>'\n", &c, &e) == 0);
	CHECK_STR(c.cmdline, "<x>");
	cfg_free(&c);
	REQUIRE(parse(" \n\t" XHEAD XMEM XOS "</domain>", &c, &e) == 0);
	CHECK_STR(c.name, "x1");
	CHECK_EQ(c.memory_mb, 128);
	cfg_free(&c);
	/* the front ends directly */
	cfg_init(&c);
	xb_err_clear(&e);
	CHECK(cfg_parse_xl("d.cfg", MIN, strlen(MIN), &c, &e) == 0);
	cfg_free(&c);
	cfg_init(&c);
	CHECK(cfg_parse_xml("d.xml", MIN, strlen(MIN), &c, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "d.xml:1:1: XML error");
	cfg_free(&c);
}

/* Every Python construct gets the same hint (xm's configs were Python;
 * libxlutil says "Config file looks like it contains Python code"). */
static void t_python(void)
{
	static const char *const py[] = {
		"import os\n",
		"from os import path\n",
		"print \"x\"\n",
		"def f():\n",
		"if x:\n",
		"kernel = \"/boot/%s\" % ver\n",
		"kernel = os.path.join(\"/boot\", \"vmlinuz\")\n",
		"kernel = KERNEL\n",
		"memory = 128 * 2\n",
		"name = \"a\" + \"b\"\n",
		"name = \"a\" \"b\"\n",
		"vcpus = 1 if x else 2\n",
		"memory = -1\n",
		"disk = [ d for d in x ]\n",
		"x = {'a': 1}\n",
		"f(1)\n",
		"os.system('x')\n",
		"name = None\n",
	};
	static const char *const not_py[] = {
		"memory 128\n", "= 5\n",    "a = \"abc\n",
		"a = [1 2]\n",	"a = 08\n",
	};

	for (size_t i = 0; i < XB_ARRAY_SIZE(py); i++) {
		struct xl_file f;
		struct xb_err e;

		if (xlp(py[i], &f, &e) != -XB_EINPUT ||
		    !strstr(e.msg,
			    " (xl.cfg is not Python: no variables, expressions, "
			    "calls or imports)"))
			t_fail(__FILE__, __LINE__,
			       "<<%s>>: no Python hint: \"%s\"", py[i], e.msg);
		xl_file_free(&f);
	}
	for (size_t i = 0; i < XB_ARRAY_SIZE(not_py); i++) {
		struct xl_file f;
		struct xb_err e;

		if (xlp(not_py[i], &f, &e) != -XB_EINPUT ||
		    strstr(e.msg, "Python"))
			t_fail(__FILE__, __LINE__, "<<%s>>: \"%s\"", not_py[i],
			       e.msg);
		xl_file_free(&f);
	}
	ERR(MIN "import os\n",
	    "t.cfg:3:8: syntax error, unexpected identifier 'os', "
	    "expecting '=' or '+=' (xl.cfg is not Python: no variables, expressions, "
	    "calls or imports)");
	ERR(MIN "kernel = \"/boot/%s\" % v\n",
	    "t.cfg:3:21: syntax error, unexpected "
	    "character '%' (xl.cfg is not Python");
}

/* Parse the file without the checks, apply the overrides, then finish. */
static int with_overrides(const char *text, const char *const *ov, size_t n,
			  struct dom_config *c, struct xb_err *e)
{
	int r;

	cfg_init(c);
	xb_err_clear(e);
	r = cfg_read("t.cfg", text, strlen(text), c, e);
	for (size_t i = 0; !r && i < n; i++)
		r = cfg_override(c, ov[i], e);
	return r ? r : cfg_finish(c, e);
}

static void ov_err(const char *text, const char *ov, const char *msg, int line)
{
	struct dom_config c;
	struct xb_err e;
	int r = with_overrides(text, &ov, 1, &c, &e);

	if (r != -XB_EINPUT || !strstr(e.msg, msg))
		t_fail(__FILE__, line,
		       "<<%s>> + %s: want \"%s\", got %d \"%s\"", text, ov, msg,
		       r, e.msg);
	cfg_free(&c);
}
#define OV_ERR(text, ov, msg) ov_err(text, ov, msg, __LINE__)

static void t_overrides(void)
{
	static const char *const ov[] = {
		"memory=512",
		"kernel = \"/k2\"",
		"extra=\"quiet\"",
		"extra+=\" loglevel=4\"",
		"vcpus=\"2\"",
		"on_crash='preserve'",
		"disk=['phy:/dev/x,xvda,w']",
		"frob=1",
		"uuid=\"4dea22b3-1d52-d8f3-2516-782e98ab3fa0\"",
	};
	struct dom_config c;
	struct xb_err e;
	char dev[128], w[200];

	CHECK(cfg_is_override("memory=512"));
	CHECK(cfg_is_override("extra += \"x\""));
	CHECK(cfg_is_override("_a9=1"));
	CHECK(!cfg_is_override("guest.cfg"));
	CHECK(!cfg_is_override("./a=b.cfg"));
	CHECK(!cfg_is_override("9a=1"));
	CHECK(!cfg_is_override("-"));
	CHECK(!cfg_is_override("a-b=1"));

	/* A key that decides what is booted, set by the file and again by
	 * an override: the override wins, without a word. */
	REQUIRE(with_overrides(MIN "memory = 128\nextra = 'console=hvc0'\n", ov,
			       XB_ARRAY_SIZE(ov), &c, &e) == 0 ||
		(t_fail(__FILE__, __LINE__, "%s", e.msg), 0));
	CHECK_EQ(c.memory_mb, 512);
	CHECK_EQ(c.maxmem_mb, 512);
	CHECK_STR(c.kernel, "/k2");
	CHECK_STR(c.cmdline, "quiet loglevel=4");
	CHECK_EQ(c.vcpus, 2);
	CHECK_STR(c.on_crash, "preserve");
	CHECK(c.has_uuid && c.uuid[0] == 0x4d);
	CHECK_EQ(cfg_devices(&c, dev, sizeof(dev)), 1);
	CHECK_STR(dev, "disk (command line: disk=['phy:/dev/x,xvda,w'])");
	CHECK_EQ(count_warn(&c,
			    "command line: frob=1: unknown key 'frob' ignored"),
		 1);
	CHECK_EQ(count_warn(&c, "again"), 0);
	CHECK_EQ(c.warnings.n, 1);
	CHECK_STR(cfg_where(&c, "kernel", w, sizeof(w)),
		  "command line: kernel = \"/k2\"");
	CHECK_STR(cfg_where(&c, "name", w, sizeof(w)), "t.cfg:1: name = \"g\"");
	CHECK_STR(cfg_where(&c, "ramdisk", w, sizeof(w)), "t.cfg");
	cfg_free(&c);

	/* An override supplies a key the file lacks. */
	{
		const char *k = "kernel='/k'";

		REQUIRE(with_overrides("name = 'g'\n", &k, 1, &c, &e) == 0);
		CHECK_STR(c.kernel, "/k");
		cfg_free(&c);
	}
	/* Messages name the argument; the checks are the file's. */
	OV_ERR(MIN, "memory=0",
	       "command line: memory=0: memory = 0 MiB: out of range "
	       "(1 MiB to 16 TiB)");
	OV_ERR(MIN, "memory=lots",
	       "command line: memory=lots: syntax error at column 8, "
	       "unexpected identifier 'lots', expecting a value (string, number or [list]) "
	       "(xl.cfg is not Python");
	OV_ERR(MIN, "memory=[1]",
	       "command line: memory=[1]: key 'memory': expected a "
	       "number (MiB), got a list");
	OV_ERR(MIN, "memory+=1",
	       "command line: memory+=1: key 'memory': += cannot be "
	       "used with numbers");
	OV_ERR(MIN, "name='a b'",
	       "command line: name='a b': name = \"a b\": must be 1 to 63");
	OV_ERR(MIN, "type='hvm'",
	       "command line: type='hvm': type = \"hvm\": xbuild builds "
	       "PV and PVH guests only");
	OV_ERR(MIN, "a=1;b=2",
	       "command line: a=1;b=2: one KEY=VALUE per argument");
	OV_ERR(MIN, "a=1;a=2", "one KEY=VALUE per argument");
	OV_ERR(MIN, "memory=",
	       "command line: memory=: syntax error at column 8, "
	       "unexpected end of file, expecting a value");
	OV_ERR(MIN, "maxmem=64",
	       "command line: maxmem=64: maxmem (64 MiB) is less than "
	       "memory (128 MiB)");
	OV_ERR(MIN, "bootloader='pygrub'",
	       "command line: bootloader='pygrub': bootloader = "
	       "\"pygrub\": the bootloader runs inside");
	/* maxmem in the file, memory on the command line: the later names it */
	OV_ERR(MIN "maxmem = 256\n", "memory=512",
	       "command line: memory=512: maxmem "
	       "(256 MiB) is less than memory (512 MiB)");

	/* XML configs take overrides by their xl names. */
	{
		const char *x[] = { "memory=64", "cmdline='c'" };

		REQUIRE(with_overrides(XHEAD XMEM XOS "</domain>", x, 2, &c,
				       &e) == 0);
		CHECK_EQ(c.memory_mb, 64);
		CHECK_EQ(c.maxmem_mb, 128);
		CHECK_STR(c.cmdline, "c");
		cfg_free(&c);
		OV_ERR(XHEAD XMEM XOS "</domain>", "memory=256",
		       "command line: memory=256: "
		       "maxmem (128 MiB) is less than memory (256 MiB)");
	}
	/* Options: their name is the origin. */
	cfg_init(&c);
	xb_err_clear(&e);
	REQUIRE(cfg_read("t.cfg", "name = 'g'\n", 11, &c, &e) == 0);
	REQUIRE(cfg_option(&c, "kernel", "/k", "--kernel", &e) == 0);
	REQUIRE(cfg_option(&c, "memory", "64", "--memory", &e) == 0);
	REQUIRE(cfg_finish(&c, &e) == 0);
	CHECK_STR(c.kernel, "/k");
	CHECK_EQ(c.memory_mb, 64);
	CHECK_STR(cfg_where(&c, "kernel", w, sizeof(w)), "--kernel");
	cfg_free(&c);
	cfg_init(&c);
	xb_err_clear(&e);
	CHECK(cfg_option(&c, "xbuild_max_decompressed", "0",
			 "--max-decompressed", &e) == -XB_EINPUT);
	CHECK_STR(e.msg,
		  "--max-decompressed: xbuild_max_decompressed = 0 MiB: out of "
		  "range (1 MiB to 16 TiB)");
	cfg_free(&c);
}

static void t_firmware(void)
{
	struct dom_config c;
	struct xb_err e;
	char w[200];

	REQUIRE(parse("name = 'g'\nfirmware = \"pvgrub64\"\n", &c, &e) == 0);
	CHECK_STR(c.kernel, "/usr/lib/grub-xen/grub-x86_64-xen.bin");
	CHECK_STR(cfg_firmware(&c), "pvgrub64");
	CHECK_STR(cfg_where(&c, "kernel", w, sizeof(w)),
		  "t.cfg:2: firmware = \"pvgrub64\"");
	/* idempotent */
	CHECK(cfg_finish(&c, &e) == 0);
	CHECK_STR(c.kernel, "/usr/lib/grub-xen/grub-x86_64-xen.bin");
	cfg_free(&c);
	cfg_init(&c);
	xb_err_clear(&e);
	REQUIRE(cfg_read("t.cfg", "name = 'g'\nfirmware = 'pvgrub32'\n", 33, &c,
			 &e) == 0);
	cfg_firmware_paths(&c, "/x/grub32", NULL);
	REQUIRE(cfg_finish(&c, &e) == 0);
	CHECK_STR(c.kernel, "/x/grub32");
	cfg_free(&c);
	ERR("name = 'g'\nfirmware = 'ovmf'\n",
	    "t.cfg:2: firmware = \"ovmf\": xl loads PV "
	    "GRUB only (\"pvgrub32\" or \"pvgrub64\") as a PV guest's firmware");
	ERR(MIN "firmware = 'pvgrub64'\n",
	    "t.cfg:3: firmware = \"pvgrub64\" and kernel "
	    "(line 2) are both set: the firmware is the kernel xl loads; keep one");
	ERR("name = 'g'\nfirmware = 'pvgrub64'\nfirmware = 'pvgrub32'\n",
	    "t.cfg:3: key 'firmware' is set twice (lines 2 and 3)");
	/* the command line's kernel wins over the file's firmware */
	{
		const char *k = "kernel='/k'";

		REQUIRE(with_overrides("name = 'g'\nfirmware = 'pvgrub64'\n",
				       &k, 1, &c, &e) == 0);
		CHECK_STR(c.kernel, "/k");
		CHECK(cfg_firmware(&c) == NULL);
		CHECK_EQ(count_warn(
				 &c,
				 "t.cfg:2: firmware = \"pvgrub64\" is ignored: the kernel "
				 "is given by command line: kernel='/k'"),
			 1);
		cfg_free(&c);
		k = "firmware='pvgrub64'";
		REQUIRE(with_overrides(MIN, &k, 1, &c, &e) == 0);
		CHECK_STR(c.kernel, "/usr/lib/grub-xen/grub-x86_64-xen.bin");
		cfg_free(&c);
	}
}

/* libvirt elements every dumpxml has: quiet; real devices: recorded. */
static void t_xml_devices(void)
{
	struct dom_config c;
	struct xb_err e;
	char dev[512];

	OK(XHEAD XMEM XOS
	   "<clock offset='utc' adjustment='reset'/>\n"
	   "<features><pae/></features><resource><partition>/machine</partition></resource>\n"
	   "<seclabel type='none' model='none'/>\n"
	   "<devices>\n"
	   "<emulator>/usr/lib/xen/bin/qemu-system-i386</emulator>\n"
	   "<controller type='xenbus' index='0'/>\n"
	   "<console type='pty' tty='/dev/pts/1'><target type='xen' port='0'/></console>\n"
	   "<console><target type='xen'/></console>\n"
	   "<serial type='pty'/>\n"
	   "<input type='mouse' bus='xen'/><input type='keyboard' bus='xen'/>\n"
	   "<video><model type='xen' vram='16384' heads='1' primary='yes'/></video>\n"
	   "<memballoon model='xen'/>\n"
	   "</devices></domain>\n",
	   &c, &e);
	CHECK_EQ(c.warnings.n, 0);
	CHECK_EQ(cfg_devices(&c, dev, sizeof(dev)), 0);
	cfg_free(&c);
	OK(XHEAD XMEM XOS
	   "<seclabel type='static' model='xen'><label>x</label></seclabel>\n"
	   "<cpu mode='host-model'/>\n<devices>\n"
	   "<disk type='file' device='disk'/>\n<interface type='bridge'/>\n"
	   "<graphics type='vnc'/>\n<hostdev mode='subsystem' type='pci'/>\n"
	   "<console type='file'/>\n<serial type='tcp'/>\n<controller type='usb'/>\n"
	   "</devices></domain>\n",
	   &c, &e);
	CHECK_EQ(count_warn(
			 &c,
			 "t.cfg:5: element <seclabel> is not acted on by xbuild"),
		 1);
	CHECK_EQ(count_warn(&c,
			    "t.cfg:6: <cpu mode='host-model'> is not acted on "
			    "by xbuild"),
		 1);
	CHECK_EQ(c.warnings.n, 2);
	CHECK_EQ(cfg_devices(&c, dev, sizeof(dev)), 7);
	CHECK_STR(
		dev,
		"<disk> (line 8), <interface> (line 9), <graphics> (line 10), "
		"<hostdev> (line 11), <console> (line 12), <serial> (line 13), "
		"<controller> (line 14)");
	REQUIRE(cfg_warn_devices(&c, "", &e) == 0);
	CHECK_STR(xb_warning_key(&c.warnings, 2), "devices:<devices>");
	cfg_free(&c);
}

/* check --resolved: every key, its value and where it came from. */
static void t_items(void)
{
	struct cfg_item it[CFG_ITEMS_MAX];
	struct dom_config c;
	struct xb_err e;
	const char *ov = "memory=256";
	size_t n;

	REQUIRE(with_overrides(
			"name = 'g'\nfirmware = 'pvgrub64'\nroot = '/dev/xvda'\n"
			"extra = 'quiet'\nmax_event_channels = 2047\n",
			&ov, 1, &c, &e) == 0);
	n = cfg_items(&c, it, CFG_ITEMS_MAX);
	CHECK_EQ(n, 22);
	CHECK_STR(it[0].key, "name");
	CHECK_EQ(it[0].from, CFG_FROM_FILE);
	CHECK_EQ(it[0].line, 1);
	CHECK_STR(it[0].file, "t.cfg");
	CHECK_STR(it[1].key, "type");
	CHECK_EQ(it[1].from, CFG_FROM_DEFAULT);
	CHECK_STR(it[2].key, "memory");
	CHECK_EQ(it[2].num, 256);
	CHECK_STR(it[2].unit, "MiB");
	CHECK_EQ(it[2].from, CFG_FROM_OVERRIDE);
	CHECK_STR(it[2].arg, "memory=256");
	CHECK_STR(it[3].key, "maxmem");
	CHECK_EQ(it[3].from, CFG_FROM_DEFAULT);
	CHECK_STR(it[3].via, "= memory");
	CHECK_STR(it[6].key, "kernel");
	CHECK_STR(it[6].str, "/usr/lib/grub-xen/grub-x86_64-xen.bin");
	CHECK_EQ(it[6].line, 2);
	CHECK_STR(it[6].via, "firmware = \"pvgrub64\"");
	CHECK_STR(it[7].key, "ramdisk");
	CHECK_EQ(it[7].type, CFG_VNONE);
	CHECK_STR(it[8].key, "cmdline");
	CHECK_STR(it[8].str, "root=/dev/xvda quiet");
	CHECK_EQ(it[8].line, 4);
	CHECK_STR(it[8].via, "root and extra");
	CHECK_STR(it[9].key, "uuid");
	CHECK_EQ(it[9].type, CFG_VNONE);
	CHECK_STR(it[13].key, "ramdisk_decompress");
	CHECK_EQ(it[13].type, CFG_VBOOL);
	CHECK_EQ(it[13].num, 1);
	CHECK_STR(it[18].key, "max_event_channels");
	CHECK_EQ(it[18].num, 2047);
	CHECK_EQ(it[18].line, 5);
	CHECK_STR(it[17].key, "max_maptrack_frames");
	CHECK_EQ(it[17].type, CFG_VNONE);
	CHECK_STR(it[20].key, "xbuild_cache_dir");
	CHECK_EQ(it[20].type, CFG_VNONE);
	CHECK_STR(it[20].none, "off");
	CHECK_STR(it[21].key, "xbuild_cache_max");
	CHECK_EQ(it[21].num, 1024);
	CHECK_STR(it[21].unit, "MiB");
	cfg_free(&c);
}

/* The kernel cache's keys: off unless set, the command line wins, "" is
 * off, the bound in MiB with its limits. */
static void t_cache_keys(void)
{
	struct dom_config c;
	struct xb_err e = { 0 };

	REQUIRE(parse(MIN, &c, &e) == 0);
	CHECK(cfg_cache_dir(&c) == NULL);
	CHECK_EQ(cfg_cache_max(&c), 1ULL << 30);
	cfg_free(&c);
	REQUIRE(parse(MIN "xbuild_cache_dir = \"/var/cache/xb\"\n"
			  "xbuild_cache_max = 64\n",
		      &c, &e) == 0);
	CHECK_STR(cfg_cache_dir(&c), "/var/cache/xb");
	CHECK_EQ(cfg_cache_max(&c), 64ULL << 20);
	CHECK(cfg_option(&c, "xbuild_cache_dir", "/tmp/c", "--cache-dir", &e) ==
	      0);
	CHECK_STR(cfg_cache_dir(&c), "/tmp/c");
	CHECK(cfg_option(&c, "xbuild_cache_dir", "", "--cache-dir", &e) == 0);
	CHECK(cfg_cache_dir(&c) == NULL);
	CHECK(cfg_option(&c, "xbuild_cache_max", "0", "--cache-max", &e) ==
	      -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "--cache-max: xbuild_cache_max = 0 MiB: out of "
			      "range (1 MiB to 16 TiB)");
	cfg_free(&c);
	memset(&e, 0, sizeof(e));
	REQUIRE(parse(MIN "xbuild_cache_dir = 7\n", &c, &e) == -XB_EINPUT);
	cfg_free(&c);
}

/* ---- type and cpuid ---------------------------------------------------- */

/* cpufeatureset.h's words: which leaf, subleaf and register each is (the
 * header's comments, which follow the Intel SDM and the AMD APM). */
static const struct {
	uint32_t leaf, subleaf;
	unsigned reg;
} fs_words[] = {
	[0] = { 1, XB_CPUID_ANY_SUBLEAF, CFG_CPUID_EDX },
	[1] = { 1, XB_CPUID_ANY_SUBLEAF, CFG_CPUID_ECX },
	[2] = { 0x80000001, XB_CPUID_ANY_SUBLEAF, CFG_CPUID_EDX },
	[3] = { 0x80000001, XB_CPUID_ANY_SUBLEAF, CFG_CPUID_ECX },
	[4] = { 0xd, 1, CFG_CPUID_EAX },
	[5] = { 7, 0, CFG_CPUID_EBX },
	[6] = { 7, 0, CFG_CPUID_ECX },
	[7] = { 0x80000007, XB_CPUID_ANY_SUBLEAF, CFG_CPUID_EDX },
	[8] = { 0x80000008, XB_CPUID_ANY_SUBLEAF, CFG_CPUID_EBX },
	[9] = { 7, 0, CFG_CPUID_EDX },
	[10] = { 7, 1, CFG_CPUID_EAX },
};

/* Xen's public header: every feature's name and word*32+bit. */
static const struct {
	const char *name;
	unsigned value;
} fs_names[] = {
#define XEN_CPUFEATURE(name, value) { #name, value },
#include <xen/arch-x86/cpufeatureset.h>
#undef XEN_CPUFEATURE
};

/* xl's names where cpufeatureset.h's differ (xl.cfg(5) of Xen 4.17). */
static const struct {
	const char *xl, *xen;
} fs_alias[] = {
	{ "sysenter", "SEP" },
	{ "cmpxchg8", "CX8" },
	{ "cmpxchg16", "CX16" },
	{ "clfsh", "CLFLUSH" },
	{ "tm", "TM1" },
	{ "est", "EIST" },
	{ "aes", "AESNI" },
	{ "lahfsahf", "LAHF_LM" },
	{ "cmplegacy", "CMP_LEGACY" },
	{ "altmovcr8", "CR8_LEGACY" },
	{ "invtsc", "ITSC" },
	{ "nodeid", "NODEID_MSR" },
	{ "cmt", "PQM" },
	{ "cntxid", "CNXT_ID" },
	{ "avx512vbmi", "AVX512_VBMI" },
	{ "avx512ifma", "AVX512_IFMA" },
	{ "avx512-vnni", "AVX512_VNNI" },
	{ "sse4.1", "SSE4_1" },
	{ "sse4.2", "SSE4_2" },
};

/* Bits cpufeatureset.h does not list, from the SDM and the APM. */
static const struct {
	const char *name;
	uint32_t leaf;
	unsigned reg, bit;
} sdm_only[] = {
	{ "psn", 1, CFG_CPUID_EDX, 18 },
	{ "cntxid", 1, CFG_CPUID_ECX, 10 },
	{ "perfctr_core", 0x80000001, CFG_CPUID_ECX, 23 },
	{ "perfctr_nb", 0x80000001, CFG_CPUID_ECX, 24 },
	{ "ia64", 1, CFG_CPUID_EDX, 30 },
	{ "arat", 6, CFG_CPUID_EAX, 2 },
	{ "svm_npt", 0x8000000a, CFG_CPUID_EDX, 0 },
	{ "svm_lbrv", 0x8000000a, CFG_CPUID_EDX, 1 },
	{ "svm_nrips", 0x8000000a, CFG_CPUID_EDX, 3 },
	{ "svm_tscrate", 0x8000000a, CFG_CPUID_EDX, 4 },
	{ "svm_vmcbclean", 0x8000000a, CFG_CPUID_EDX, 5 },
	{ "svm_decode", 0x8000000a, CFG_CPUID_EDX, 7 },
	{ "svm_pausefilt", 0x8000000a, CFG_CPUID_EDX, 10 },
};

static const char *xen_name(const char *xl, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < XB_ARRAY_SIZE(fs_alias); i++)
		if (!strcmp(xl, fs_alias[i].xl))
			return fs_alias[i].xen;
	for (i = 0; xl[i] && i + 1 < size; i++)
		buf[i] = xl[i] == '-' || xl[i] == '.' ?
				 '_' :
				 (char)(xl[i] >= 'a' && xl[i] <= 'z' ?
						xl[i] - 32 :
						xl[i]);
	buf[i] = '\0';
	return buf;
}

/* Every feature name of the table against Xen's public header, or the
 * SDM/APM facts above; and some well-known bits written out. */
static void t_cpuid_table(void)
{
	const struct cfg_cpuid_feature *f;
	unsigned checked = 0;

	for (size_t i = 0; i < cfg_cpuid_nfeatures; i++) {
		const struct cfg_cpuid_feature *t = &cfg_cpuid_features[i];
		char buf[64];
		const char *xn = xen_name(t->name, buf, sizeof(buf));
		bool found = false;

		CHECK(t->bit < 32 && t->reg < 4);
		/* names are unique */
		CHECK(cfg_cpuid_find(t->name, strlen(t->name)) == t);
		for (size_t k = 0; k < XB_ARRAY_SIZE(fs_names); k++) {
			unsigned w = fs_names[k].value / 32;

			if (strcmp(fs_names[k].name, xn))
				continue;
			found = true;
			if (w >= XB_ARRAY_SIZE(fs_words) ||
			    fs_words[w].leaf != t->leaf ||
			    fs_words[w].subleaf != t->subleaf ||
			    fs_words[w].reg != t->reg ||
			    fs_names[k].value % 32 != t->bit)
				t_fail(__FILE__, __LINE__,
				       "%s: %#x/%#x reg %u bit %u, but Xen's "
				       "%s is word %u bit %u",
				       t->name, t->leaf, t->subleaf, t->reg,
				       t->bit, xn, w, fs_names[k].value % 32);
		}
		for (size_t k = 0; !found && k < XB_ARRAY_SIZE(sdm_only); k++) {
			if (strcmp(sdm_only[k].name, t->name))
				continue;
			found = true;
			if (sdm_only[k].leaf != t->leaf ||
			    sdm_only[k].reg != t->reg ||
			    sdm_only[k].bit != t->bit ||
			    t->subleaf != XB_CPUID_ANY_SUBLEAF)
				t_fail(__FILE__, __LINE__, "%s: not as the SDM",
				       t->name);
		}
		if (!found)
			t_fail(__FILE__, __LINE__, "%s: checked nowhere",
			       t->name);
		checked += found;
	}
	CHECK(checked >= 150);
	/* The ones xbuild's users need most, written out. */
	REQUIRE((f = cfg_cpuid_find("rdtscp", 6)));
	CHECK(f->leaf == 0x80000001 && f->reg == CFG_CPUID_EDX &&
	      f->bit == 27 && f->subleaf == XB_CPUID_ANY_SUBLEAF);
	REQUIRE((f = cfg_cpuid_find("pae", 3)));
	CHECK(f->leaf == 1 && f->reg == CFG_CPUID_EDX && f->bit == 6);
	REQUIRE((f = cfg_cpuid_find("x2apic", 6)));
	CHECK(f->leaf == 1 && f->reg == CFG_CPUID_ECX && f->bit == 21);
	REQUIRE((f = cfg_cpuid_find("nx", 2)));
	CHECK(f->leaf == 0x80000001 && f->reg == CFG_CPUID_EDX && f->bit == 20);
	REQUIRE((f = cfg_cpuid_find("lm", 2)));
	CHECK(f->leaf == 0x80000001 && f->reg == CFG_CPUID_EDX && f->bit == 29);
	REQUIRE((f = cfg_cpuid_find("hypervisor", 10)));
	CHECK(f->leaf == 1 && f->reg == CFG_CPUID_ECX && f->bit == 31);
	REQUIRE((f = cfg_cpuid_find("avx2", 4)));
	CHECK(f->leaf == 7 && f->subleaf == 0 && f->reg == CFG_CPUID_EBX &&
	      f->bit == 5);
	REQUIRE((f = cfg_cpuid_find("svm", 3)));
	CHECK(f->leaf == 0x80000001 && f->reg == CFG_CPUID_ECX && f->bit == 2);
	REQUIRE((f = cfg_cpuid_find("vmx", 3)));
	CHECK(f->leaf == 1 && f->reg == CFG_CPUID_ECX && f->bit == 5);
	CHECK(cfg_cpuid_find("rdtscpx", 7) == NULL);
	CHECK(cfg_cpuid_find("rdtsc", 5) == NULL);
}

/* The entry of leaf/subleaf in c, or NULL. */
static const struct xb_cpuid *cpuid_of(const struct dom_config *c,
				       uint32_t leaf, uint32_t subleaf)
{
	for (unsigned i = 0; i < c->nr_cpuid; i++)
		if (c->cpuid[i].leaf == leaf && c->cpuid[i].subleaf == subleaf)
			return &c->cpuid[i];
	return NULL;
}

#define ALLX "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

static void t_cpuid(void)
{
	const struct xb_cpuid *p;
	struct dom_config c;
	struct xb_err e;
	char buf[4096];
	size_t n;

	/* The string form: features of one leaf share an entry. */
	REQUIRE(parse(MIN "type = 'pvh'\n"
			  "cpuid = 'host,rdtscp=0,lm=k,nx=1,x2apic=s,avx2=x'\n",
		      &c, &e) == 0);
	CHECK_EQ(c.nr_cpuid, 3);
	REQUIRE((p = cpuid_of(&c, 0x80000001, XB_CPUID_ANY_SUBLEAF)));
	/* edx: bit 29 k, bit 27 0, bit 20 1 */
	CHECK_STR(p->policy[CFG_CPUID_EDX], "xxkx0xxxxxx1xxxxxxxxxxxxxxxxxxxx");
	CHECK_STR(p->policy[CFG_CPUID_EAX], ALLX);
	CHECK_STR(p->policy[CFG_CPUID_ECX], ALLX);
	REQUIRE((p = cpuid_of(&c, 1, XB_CPUID_ANY_SUBLEAF)));
	CHECK_STR(p->policy[CFG_CPUID_ECX], "xxxxxxxxxxsxxxxxxxxxxxxxxxxxxxxx");
	REQUIRE((p = cpuid_of(&c, 7, 0)));
	CHECK_STR(p->policy[CFG_CPUID_EBX], ALLX);
	CHECK_STR(c.origin->cpuid_text,
		  "0x80000001:edx=xxkx0xxxxxx1xxxxxxxxxxxxxxxxxxxx "
		  "0x1:ecx=xxxxxxxxxxsxxxxxxxxxxxxxxxxxxxxx 0x7,0:eax=" ALLX);
	CHECK_EQ(c.warnings.n, 0);
	cfg_free(&c);
	/* "host" alone: nothing to override */
	REQUIRE(parse(MIN "cpuid = 'host'\n", &c, &e) == 0);
	CHECK_EQ(c.nr_cpuid, 0);
	CHECK_EQ(c.warnings.n, 0);
	cfg_free(&c);
	/* The list form, and a later setting of a bit wins. */
	REQUIRE(parse(MIN
		      "type = 'pvh'\ncpuid = [ '0x80000001:edx=" ALLX ",ecx=0"
		      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1',\n"
		      "  '7,0:ebx=1111111111111111kkkkkkkkkkkkkkks',\n"
		      "  '0x80000001:edx=0000xxxxxxxxxxxxxxxxxxxxxxxxxxxx' ]\n",
		      &c, &e) == 0);
	CHECK_EQ(c.nr_cpuid, 2);
	REQUIRE((p = cpuid_of(&c, 0x80000001, XB_CPUID_ANY_SUBLEAF)));
	CHECK_STR(p->policy[CFG_CPUID_EDX], "0000xxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	CHECK_STR(p->policy[CFG_CPUID_ECX], "0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx1");
	REQUIRE((p = cpuid_of(&c, 7, 0)));
	CHECK_STR(p->policy[CFG_CPUID_EBX], "1111111111111111kkkkkkkkkkkkkkks");
	cfg_free(&c);
	/* The file sets it twice: a warning, the last value is used. */
	REQUIRE(parse(MIN "type = 'pvh'\ncpuid = 'host,rdtscp=0'\n"
			  "cpuid = 'host,pae=0'\n",
		      &c, &e) == 0);
	CHECK_EQ(c.nr_cpuid, 1);
	CHECK(cpuid_of(&c, 1, XB_CPUID_ANY_SUBLEAF) != NULL);
	CHECK_EQ(count_warn(&c, "key 'cpuid' set again"), 1);
	cfg_free(&c);
	/* PV: read, and reported as not acted on */
	REQUIRE(parse(MIN "cpuid = 'host,rdtscp=0'\n", &c, &e) == 0);
	CHECK_EQ(c.nr_cpuid, 1);
	CHECK_EQ(count_warn(&c, "t.cfg:3: cpuid is applied to PVH guests "
				"only by xbuild (xl applies it to PV guests "
				"too); not acted on"),
		 1);
	cfg_free(&c);
	/* XB_CPUID_MAX leaves fit, one more does not */
	n = (size_t)snprintf(buf, sizeof(buf), MIN "cpuid = [");
	for (int i = 0; i < XB_CPUID_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "'%d:eax=" ALLX "',", i + 0x100);
	snprintf(buf + n, sizeof(buf) - n, "]\n");
	REQUIRE(parse(buf, &c, &e) == 0);
	CHECK_EQ(c.nr_cpuid, XB_CPUID_MAX);
	cfg_free(&c);
	snprintf(buf + n, sizeof(buf) - n, "'1:eax=" ALLX "']\n");
	ERR(buf, "t.cfg:3: cpuid: \"1:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\": "
		 "more than 32 leaves and subleaves");
	/* Refusals: file, line, key and the element */
	ERR(MIN "cpuid = 'host,foo=0'\n",
	    "t.cfg:3: cpuid: \"foo=0\": unknown feature name (xbuild.cfg(5) "
	    "lists them)");
	ERR(MIN "cpuid = 'host,rdtscp=2'\n",
	    "t.cfg:3: cpuid: \"rdtscp=2\": the value is one of 0, 1, x, k, s");
	ERR(MIN "cpuid = 'host,rdtscp=00'\n", "the value is one of");
	ERR(MIN "cpuid = 'host,rdtscp='\n", "the value is one of");
	ERR(MIN "cpuid = 'host,rdtscp'\n",
	    "t.cfg:3: cpuid: \"rdtscp\": expected FEATURE=VALUE (VALUE 0, 1, "
	    "x, k or s)");
	ERR(MIN "cpuid = 'host,,rdtscp=0'\n", "cpuid: \"\": expected");
	ERR(MIN "cpuid = 'host,family=6'\n",
	    "t.cfg:3: cpuid: \"family=6\": this key takes a number, which "
	    "xbuild does not take");
	ERR(MIN "cpuid = 'rdtscp=0'\n",
	    "t.cfg:3: cpuid = \"rdtscp=0\": the string form begins with "
	    "\"host\" (cpuid = \"host,rdtscp=0\")");
	ERR(MIN "cpuid = 'hostx'\n", "the string form begins with");
	ERR(MIN "cpuid = 7\n", "t.cfg:3: key 'cpuid': expected a string");
	ERR(MIN "cpuid = [ 7 ]\n",
	    "t.cfg:3: cpuid: element 1: expected a string");
	ERR(MIN "cpuid = [ '0x80000001' ]\n",
	    "t.cfg:3: cpuid: \"0x80000001\": expected LEAF[,SUBLEAF]:REG=BITS");
	ERR(MIN "cpuid = [ '0xg:eax=" ALLX "' ]\n",
	    "cpuid: \"0xg:eax=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\": the leaf and "
	    "subleaf are numbers");
	ERR(MIN "cpuid = [ '0x100000000:eax=" ALLX "' ]\n",
	    "the leaf and subleaf are numbers");
	ERR(MIN "cpuid = [ '7,:eax=" ALLX "' ]\n",
	    "the leaf and subleaf are numbers");
	ERR(MIN "cpuid = [ '1:esp=" ALLX "' ]\n",
	    "each register is eax=, ebx=, ecx= or edx= followed by its bits");
	ERR(MIN "cpuid = [ '1:eax=xxx' ]\n",
	    "t.cfg:3: cpuid: \"1:eax=xxx\": eax takes 32 characters of 0, 1, "
	    "x, k, s (bit 31 first)");
	ERR(MIN "cpuid = [ '1:edx=" ALLX "y' ]\n", "edx takes 32 characters");
	ERR(MIN "cpuid = [ '1:ecx=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx2' ]\n",
	    "ecx takes 32 characters");
	ERR(MIN "cpuid = [ '1:ecx=" ALLX ",' ]\n", "each register is eax=");
	ERR(MIN "cpuid = [\n'1:ecx=" ALLX "',\n'2' ]\n",
	    "t.cfg:5: cpuid: \"2\": expected LEAF");
}

/* check --resolved shows type and cpuid; an override replaces cpuid. */
static void t_cpuid_items(void)
{
	struct cfg_item it[CFG_ITEMS_MAX];
	struct dom_config c;
	struct xb_err e;
	const char *ov[] = { "type='pvh'", "cpuid=['1:ecx=" ALLX "']",
			     "cpuid=\"host,rdtscp=0\"" };
	size_t n;

	REQUIRE(with_overrides(MIN "cpuid = 'host,pae=0'\n", ov, 3, &c, &e) ==
		0);
	CHECK_EQ(c.type, XB_DOM_PVH);
	CHECK_EQ(c.nr_cpuid, 1);
	CHECK_EQ(c.warnings.n, 0);
	n = cfg_items(&c, it, CFG_ITEMS_MAX);
	REQUIRE(n == 22);
	CHECK_STR(it[1].key, "type");
	CHECK_STR(it[1].str, "pvh");
	CHECK_EQ(it[1].from, CFG_FROM_OVERRIDE);
	CHECK_STR(it[19].key, "cpuid");
	CHECK_EQ(it[19].type, CFG_VSTR);
	CHECK_STR(it[19].str,
		  "0x80000001:edx=xxxx0xxxxxxxxxxxxxxxxxxxxxxxxxxx");
	CHECK_EQ(it[19].from, CFG_FROM_OVERRIDE);
	CHECK_STR(it[19].arg, "cpuid=\"host,rdtscp=0\"");
	cfg_free(&c);
	/* absent: the default policy */
	REQUIRE(parse(MIN, &c, &e) == 0);
	n = cfg_items(&c, it, CFG_ITEMS_MAX);
	REQUIRE(n == 22);
	CHECK_STR(it[1].str, "pv");
	CHECK_EQ(it[19].type, CFG_VNONE);
	CHECK_STR(it[19].none, "the default policy");
	cfg_free(&c);
}

/* libvirt: the libxl driver's PVH, and <cpu><feature>. */
static void t_xml_pvh(void)
{
	struct cfg_item it[CFG_ITEMS_MAX];
	const struct xb_cpuid *p;
	struct dom_config c;
	struct xb_err e;

	REQUIRE(parse(XHEAD XMEM "<os><type arch='x86_64' machine='xenpvh'>"
				 "xenpvh</type><kernel>/k</kernel></os>\n"
				 "</domain>\n",
		      &c, &e) == 0);
	CHECK_EQ(c.type, XB_DOM_PVH);
	cfg_items(&c, it, CFG_ITEMS_MAX);
	CHECK_STR(it[1].str, "pvh");
	CHECK_EQ(it[1].line, 4);
	CHECK_STR(it[1].via, "<os><type>");
	cfg_free(&c);
	REQUIRE(parse(XHEAD XMEM "<os><type>xenpvh</type><kernel>/k</kernel>"
				 "</os></domain>\n",
		      &c, &e) == 0);
	CHECK_EQ(c.type, XB_DOM_PVH);
	cfg_free(&c);
	REQUIRE(parse(XHEAD XMEM "<os><type machine='xenpvh'>xen</type>"
				 "<kernel>/k</kernel></os></domain>\n",
		      &c, &e) == 0);
	CHECK_EQ(c.type, XB_DOM_PVH);
	cfg_free(&c);
	REQUIRE(parse(XHEAD XMEM "<os><type machine='xenpv'>linux</type>"
				 "<kernel>/k</kernel></os></domain>\n",
		      &c, &e) == 0);
	CHECK_EQ(c.type, XB_DOM_PV);
	cfg_free(&c);
	REQUIRE(parse(XHEAD XMEM XOS "</domain>\n", &c, &e) == 0);
	CHECK_EQ(c.type, XB_DOM_PV);
	cfg_free(&c);
	ERR(XHEAD XMEM "<os><type machine='pc'>xen</type><kernel>/k</kernel>"
		       "</os></domain>\n",
	    "t.cfg:4: <os><type machine='pc'>: not a Xen PV or PVH machine "
	    "('xenpv' or 'xenpvh')");
	ERR(XHEAD XMEM "<os><type machine='xenpv'>xenpvh</type>"
		       "<kernel>/k</kernel></os></domain>\n",
	    "t.cfg:4: <os><type machine='xenpv'>xenpvh</type>: the machine "
	    "is PV, the type PVH; give one");
	/* <cpu><feature>: libvirt's names and policies */
	REQUIRE(parse(XHEAD XMEM
		      "<os><type>xenpvh</type><kernel>/k</kernel>"
		      "</os>\n<cpu mode='host-passthrough'>\n"
		      "<feature policy='disable' name='rdtscp'/>\n"
		      "<feature policy='require' name='cx16'/>\n"
		      "<feature name='pni'/>\n"
		      "<feature policy='forbid' name='lm'/>\n"
		      "<feature policy='optional' name='nx'/>\n"
		      "<topology sockets='1' cores='2' threads='1'/>\n"
		      "</cpu></domain>\n",
		      &c, &e) == 0);
	CHECK_EQ(c.nr_cpuid, 2);
	REQUIRE((p = cpuid_of(&c, 0x80000001, XB_CPUID_ANY_SUBLEAF)));
	CHECK_STR(p->policy[CFG_CPUID_EDX], "xx0x0xxxxxxxxxxxxxxxxxxxxxxxxxxx");
	REQUIRE((p = cpuid_of(&c, 1, XB_CPUID_ANY_SUBLEAF)));
	CHECK_STR(p->policy[CFG_CPUID_ECX], "xxxxxxxxxxxxxxxxxx1xxxxxxxxxxxx1");
	CHECK_EQ(c.warnings.n, 1);
	CHECK_EQ(count_warn(&c, "t.cfg:11: element <cpu><topology> is not "
				"acted on by xbuild"),
		 1);
	cfg_free(&c);
	ERR(XHEAD XMEM XOS "<cpu>\n<feature policy='disable' name='bogus'/>"
			   "</cpu></domain>\n",
	    "t.cfg:6: <feature policy='disable' name='bogus'>: unknown "
	    "feature name (xbuild.cfg(5) lists them)");
	ERR(XHEAD XMEM XOS "<cpu>\n<feature policy='off' name='lm'/>"
			   "</cpu></domain>\n",
	    "t.cfg:6: <feature policy='off' name='lm'>: the policy is force, "
	    "require, optional, disable or forbid");
	ERR(XHEAD XMEM XOS
	    "<cpu>\n<feature policy='disable'/></cpu></domain>\n",
	    "t.cfg:6: <feature policy='disable' name=''>: unknown feature");
}

const struct test tests[] = {
	{ "config_grammar_values", t_grammar_values },
	{ "config_cache_keys", t_cache_keys },
	{ "config_numbers", t_numbers },
	{ "config_units", t_units },
	{ "config_warnings", t_warnings },
	{ "config_escapes", t_escapes },
	{ "config_syntax_positions", t_syntax_positions },
	{ "config_plus_equals", t_plus_equals },
	{ "config_defaults", t_defaults },
	{ "config_full", t_full },
	{ "config_types", t_types },
	{ "config_limits", t_limits },
	{ "config_name", t_name },
	{ "config_type", t_type },
	{ "config_cmdline", t_cmdline },
	{ "config_cmdline_limit", t_cmdline_limit },
	{ "config_uuid", t_uuid },
	{ "config_actions", t_actions },
	{ "config_duplicate", t_duplicate },
	{ "config_unmapped", t_unmapped },
	{ "config_flood", t_flood },
	{ "config_bootloader", t_bootloader },
	{ "config_encoding", t_encoding },
	{ "config_garbage", t_garbage },
	{ "config_xml_full", t_xml_full },
	{ "config_xml_units", t_xml_units },
	{ "config_xml_errors", t_xml_errors },
	{ "config_xml_duplicates", t_xml_duplicates },
	{ "config_xml_depth", t_xml_depth },
	{ "config_finish", t_finish },
	{ "config_dispatch", t_dispatch },
	{ "config_python", t_python },
	{ "config_overrides", t_overrides },
	{ "config_firmware", t_firmware },
	{ "config_xml_devices", t_xml_devices },
	{ "config_items", t_items },
	{ "config_cpuid_table", t_cpuid_table },
	{ "config_cpuid", t_cpuid },
	{ "config_cpuid_items", t_cpuid_items },
	{ "config_xml_pvh", t_xml_pvh },
	{ NULL, NULL },
};
