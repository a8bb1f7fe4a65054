/* test_config.c - xl.cfg grammar, key mapping, libvirt XML front end. */
#include "harness.h"

#include <stdlib.h>

#include "../../src/cli/config_int.h"

#define MIN "name = \"g\"\nkernel = \"/k\"\n"

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
		t_fail(__FILE__, line, "config <<%s>>: want error \"%s\", got %d \"%s\"",
		       text, msg, r, e.msg);
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
static int xlp(const char *text, struct xl_file *f, struct xb_warnings *w,
	       struct xb_err *e)
{
	memset(w, 0, sizeof(*w));
	xb_err_clear(e);
	return xl_parse("g.cfg", text, strlen(text), f, w, e);
}

static void t_grammar_values(void)
{
	struct xl_file f;
	struct xb_warnings w;
	struct xb_err e;
	const struct xl_setting *s;
	const char *text =
		"# comment line\n"
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
		"last = 7";	/* no final newline */
	uint64_t v;

	REQUIRE(xlp(text, &f, &w, &e) == 0);
	CHECK_EQ(f.n, 12);
	CHECK_EQ(w.n, 0);
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
	CHECK(cfg_parse_u64(xl_find(&f, "d")->v.s, &v) == 0 && v == 15);
	CHECK(cfg_parse_u64(xl_find(&f, "e")->v.s, &v) == 0 && v == 31);
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
	xb_warnings_free(&w);

	/* empty and comment-only files */
	CHECK(xlp("", &f, &w, &e) == 0 && f.n == 0);
	xl_file_free(&f);
	CHECK(xlp("# only\n;;\n# x", &f, &w, &e) == 0 && f.n == 0);
	xl_file_free(&f);
}

static void t_numbers(void)
{
	uint64_t v = 0;

	CHECK(cfg_parse_u64("0", &v) == 0 && v == 0);
	CHECK(cfg_parse_u64("1234", &v) == 0 && v == 1234);
	CHECK(cfg_parse_u64("0755", &v) == 0 && v == 0755);
	CHECK(cfg_parse_u64("0xfFfF", &v) == 0 && v == 0xffff);
	CHECK(cfg_parse_u64("18446744073709551615", &v) == 0 && v == UINT64_MAX);
	CHECK(cfg_parse_u64("0xffffffffffffffff", &v) == 0 && v == UINT64_MAX);
	CHECK(cfg_parse_u64("18446744073709551616", &v) == -2);
	CHECK(cfg_parse_u64("0x10000000000000000", &v) == -2);
	CHECK(cfg_parse_u64("08", &v) == -1);
	CHECK(cfg_parse_u64("0x", &v) == -1);
	CHECK(cfg_parse_u64("12a", &v) == -1);
	CHECK(cfg_parse_u64("", &v) == -1);
	CHECK(cfg_parse_u64("-1", &v) == -1);
	CHECK(cfg_parse_u64(" 1", &v) == -1);
}

static void t_escapes(void)
{
	struct xl_file f;
	struct xb_warnings w;
	struct xb_err e;

	REQUIRE(xlp("a = \"q\\\"s\\'b\\\\n\\nt\\tx\\x41\\x4a\\101\\7z\\a\\b\\f\\r\\v\"\n"
		    "b = 'it\\'s \"x\"'\n"
		    "c = \"\\x4g\\1234\"\n", &f, &w, &e) == 0);
	CHECK_STR(xl_find(&f, "a")->v.s,
		  "q\"s'b\\n\nt\tx" "AJA\a" "z\a\b\f\r\v");
	CHECK_STR(xl_find(&f, "b")->v.s, "it's \"x\"");
	CHECK_STR(xl_find(&f, "c")->v.s, "\x04g" "S4");
	xl_file_free(&f);

	REQUIRE(xlp("a = \"x\\q\"\n", &f, &w, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "g.cfg:1:7: syntax error, unknown escape");
	xl_file_free(&f);
	REQUIRE(xlp("a = \"\\xg\"\n", &f, &w, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "g.cfg:1:6: syntax error, \\x needs");
	xl_file_free(&f);
	REQUIRE(xlp("a = \"ab\\0\"\n", &f, &w, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "1:8: syntax error, an escape in a string gives a NUL");
	xl_file_free(&f);
	REQUIRE(xlp("a = \"\\x00\"\n", &f, &w, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "NUL byte");
	xl_file_free(&f);
	REQUIRE(xlp("a = '\\400'\n", &f, &w, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "1:6: syntax error, octal escape above");
	xl_file_free(&f);
}

static void t_syntax_positions(void)
{
	static const struct { const char *text, *msg; } cases[] = {
		{ "memory = \n", "g.cfg:1:10: syntax error, unexpected end of line, "
		  "expecting a value" },
		{ "a = 1\nmemory 128\n", "g.cfg:2:8: syntax error, unexpected number 128, "
		  "expecting '=' or '+='" },
		{ "a = 1\n\n  = 5\n", "g.cfg:3:3: syntax error, unexpected '=', expecting a key" },
		{ "a = \"abc\n", "g.cfg:1:5: syntax error, unterminated string" },
		{ "a = 'abc", "g.cfg:1:5: syntax error, unterminated string" },
		{ "a = [1, 2\n", "g.cfg:2:1: syntax error, unexpected end of file, "
		  "expecting ',' or ']'" },
		{ "a = [1 2]\n", "g.cfg:1:8: syntax error, unexpected number 2, "
		  "expecting ',' or ']'" },
		{ "a = [,]\n", "g.cfg:1:6: syntax error, unexpected ','" },
		{ "a = 1 2\n", "g.cfg:1:7: syntax error, unexpected number 2, "
		  "expecting end of line or ';'" },
		{ "a = 1\n  b = \"x\" c\n", "g.cfg:2:11: syntax error, unexpected "
		  "identifier 'c', expecting end of line" },
		{ "a = 1.5\n", "g.cfg:1:6: syntax error, unexpected character '.'" },
		{ "a = -1\n", "g.cfg:1:5: syntax error, unexpected character '-'" },
		{ "a = 08\n", "g.cfg:1:5: syntax error, invalid number '08'" },
		{ "a = 0x\n", "g.cfg:1:5: syntax error, invalid number '0x'" },
		{ "a = 12ab\n", "g.cfg:1:5: syntax error, invalid number '12ab'" },
		{ "a + 1\n", "g.cfg:1:3: syntax error, unexpected character '+'" },
		{ "a = foo\n", "g.cfg:1:5: syntax error, unexpected identifier 'foo', "
		  "expecting a value" },
		{ "\t\ta = ]\n", "g.cfg:1:7: syntax error, unexpected ']'" },
		{ "a = 1\n\xff = 2\n", "g.cfg:2:1: syntax error, unexpected byte 0xff" },
		{ "a = (1)\n", "not Python" },
		{ "a = [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]\n", "nested too deeply" },
	};

	for (size_t i = 0; i < XB_ARRAY_SIZE(cases); i++) {
		struct xl_file f;
		struct xb_warnings w;
		struct xb_err e;
		int r = xlp(cases[i].text, &f, &w, &e);

		if (r != -XB_EINPUT || !strstr(e.msg, cases[i].msg))
			t_fail(__FILE__, __LINE__, "case %zu: want \"%s\", got %d \"%s\"",
			       i, cases[i].msg, r, e.msg);
		xl_file_free(&f);
		xb_warnings_free(&w);
	}
}

static void t_plus_equals(void)
{
	struct dom_config c;
	struct xb_err e;
	struct xl_file f;
	struct xb_warnings w;

	REQUIRE(xlp("x = [1]\nx += [2, 3]\ns = 'a'\ns += \"b\"\nt += 'new'\n",
		    &f, &w, &e) == 0);
	CHECK_EQ(xl_find(&f, "x")->v.n, 3);
	CHECK_STR(xl_find(&f, "x")->v.items[2].s, "3");
	CHECK_STR(xl_find(&f, "s")->v.s, "ab");
	CHECK_STR(xl_find(&f, "t")->v.s, "new");
	CHECK_EQ(w.n, 0);	/* += is not "set again" */
	xl_file_free(&f);
	xb_warnings_free(&w);

	REQUIRE(xlp("x = [1]\nx += 'a'\n", &f, &w, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "g.cfg:2:6: key 'x': += cannot add a string to a list");
	xl_file_free(&f);
	REQUIRE(xlp("x = 'a'\nx += [1]\n", &f, &w, &e) == -XB_EINPUT);
	CHECK_CONTAINS(e.msg, "+= cannot add a list to a string");
	xl_file_free(&f);

	REQUIRE(parse(MIN "extra = \"console=hvc0\"\nextra += \" quiet\"\n", &c, &e) == 0);
	CHECK_STR(c.cmdline, "console=hvc0 quiet");
	cfg_free(&c);
	ERR(MIN "memory = 128\nmemory += 1\n", "t.cfg:4: key 'memory': += cannot be used with numbers");
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
	CHECK_EQ(c.max_decompressed, 1ULL << 30);
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
	ERR(MIN "memory = \"lots\"\n", "t.cfg:3: key 'memory': expected a number (MiB), got \"lots\"");
	ERR(MIN "memory = [ 1 ]\n", "t.cfg:3: key 'memory': expected a number (MiB), got a list");
	ERR("name = 'g'\nkernel = 5\n", "t.cfg:2: key 'kernel': expected a string in quotes, got a number");
	ERR("name = [ ]\nkernel = '/k'\n", "t.cfg:1: key 'name': expected a string in quotes, got a list");
	ERR(MIN "ramdisk = ['a']\n", "key 'ramdisk': expected a string");
	ERR(MIN "cmdline = 1\n", "key 'cmdline': expected a string");
	ERR(MIN "extra = [1]\n", "key 'extra': expected a string");
	ERR(MIN "root = 1\n", "key 'root': expected a string");
	ERR(MIN "uuid = 1\n", "key 'uuid': expected a string");
	ERR(MIN "on_crash = 1\n", "key 'on_crash': expected a string");
	ERR(MIN "type = 1\n", "key 'type': expected a string");
	ERR(MIN "vcpus = 'two'\n", "key 'vcpus': expected a number, got \"two\"");
	ERR(MIN "ramdisk_decompress = 'yes'\n", "key 'ramdisk_decompress': expected a number");
	ERR(MIN "memory = \"\\x01\"\n", "got \"\\x01\"");
}

static void t_limits(void)
{
	struct dom_config c;
	struct xb_err e;

	ERR(MIN "memory = 0\n", "t.cfg:3: memory = 0: out of range, must be 1..16777216 (MiB)");
	ERR(MIN "memory = 16777217\n", "out of range, must be 1..16777216 (MiB)");
	ERR(MIN "memory = 99999999999999999999999\n", "memory = 99999999999999999999999: out of range");
	ERR(MIN "maxmem = 0xffffffffffffffffff\n", "maxmem = 0xffffffffffffffffff: out of range");
	ERR(MIN "vcpus = 0\n", "vcpus = 0: out of range, must be 1..512");
	ERR(MIN "vcpus = 513\n", "out of range, must be 1..512");
	ERR(MIN "maxvcpus = 513\n", "out of range, must be 1..512");
	ERR(MIN "ramdisk_decompress = 2\n", "must be 0..1");
	ERR(MIN "xbuild_max_decompressed = 0\n", "xbuild_max_decompressed = 0: out of range");
	ERR(MIN "memory = 256\nmaxmem = 128\n", "t.cfg:4: maxmem = 128 is less than memory = 256");
	ERR(MIN "maxmem = 64\n", "maxmem = 64 is less than memory = 128");
	ERR(MIN "vcpus = 4\nmaxvcpus = 2\n", "t.cfg:4: maxvcpus = 2 is less than vcpus = 4");

	REQUIRE(parse(MIN "memory = 16777216\nvcpus = 512\n", &c, &e) == 0);
	CHECK_EQ(c.memory_mb, 16777216);
	CHECK_EQ(c.vcpus, 512);
	cfg_free(&c);
	ERR(MIN "memory = '0'\n", "memory = \"0\": out of range");
	REQUIRE(parse(MIN "memory = '0x200'\n", &c, &e) == 0);
	CHECK_EQ(c.memory_mb, 512);
	cfg_free(&c);
}

static void t_name(void)
{
	struct dom_config c;
	struct xb_err e;
	char buf[256];

	ERR("name = 'a b'\nkernel = '/k'\n", "t.cfg:1: name = \"a b\": must be 1 to 63 characters of [A-Za-z0-9_.-]");
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

	ERR(MIN "type = \"hvm\"\n", "t.cfg:3: type = \"hvm\": xbuild builds PV guests only");
	ERR(MIN "type = \"pvh\"\n", "type = \"pvh\": xbuild builds PV guests only");
	ERR(MIN "builder = \"hvm\"\n", "builder = \"hvm\": xbuild builds PV guests only");
	REQUIRE(parse(MIN "type = 'PV'\nbuilder = 'generic'\n", &c, &e) == 0);
	cfg_free(&c);
}

static void t_cmdline(void)
{
	static const struct { const char *keys, *want; size_t warn; } cases[] = {
		{ "cmdline = 'a b'\n", "a b", 0 },
		{ "root = '/dev/xvda1'\nextra = 'console=hvc0'\n", "root=/dev/xvda1 console=hvc0", 0 },
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
		CHECK_EQ(count_warn(&c, "cmdline is set, so root and extra are ignored"),
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
	ERR(buf, "t.cfg: the kernel command line is 1024 bytes, the limit is 1023");

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

	CHECK(cfg_uuid_parse("00000000-0000-0000-0000-000000000000", u));
	CHECK(cfg_uuid_parse("ffffffff-FFFF-ffff-FFFF-ffffffffffff", u));
	CHECK(u[0] == 0xff && u[15] == 0xff);
	CHECK(!cfg_uuid_parse("ffffffff-ffff-ffff-ffff-fffffffffff", u));
	CHECK(!cfg_uuid_parse("ffffffff-ffff-ffff-ffff-fffffffffffff", u));
	CHECK(!cfg_uuid_parse("ffffffffffffffffffffffffffffffff", u));
	CHECK(!cfg_uuid_parse("ffffffff-ffff-ffff-ffff_ffffffffffff", u));
	CHECK(!cfg_uuid_parse("gfffffff-ffff-ffff-ffff-ffffffffffff", u));
	CHECK(!cfg_uuid_parse("", u));
	ERR(MIN "uuid = 'nope'\n", "t.cfg:3: uuid = \"nope\": expected xxxxxxxx-xxxx");
}

static void t_actions(void)
{
	struct dom_config c;
	struct xb_err e;
	static const char *const ok[] = {
		"destroy", "restart", "rename-restart", "preserve",
		"coredump-destroy", "coredump-restart", "soft-reset",
	};

	for (size_t i = 0; i < XB_ARRAY_SIZE(ok); i++) {
		char buf[128];

		snprintf(buf, sizeof(buf), MIN "on_reboot = '%s'\n", ok[i]);
		REQUIRE(parse(buf, &c, &e) == 0);
		CHECK_STR(c.on_reboot, ok[i]);
		cfg_free(&c);
	}
	ERR(MIN "on_poweroff = 'explode'\n", "t.cfg:3: on_poweroff = \"explode\": not an action (destroy, restart");
	ERR(MIN "on_crash = 'Destroy'\n", "not an action");
}

static void t_duplicate(void)
{
	struct dom_config c;
	struct xb_err e;

	REQUIRE(parse(MIN "memory = 256\n\nmemory = 512\nmemory = 1024\n", &c, &e) == 0);
	CHECK_EQ(c.memory_mb, 1024);
	REQUIRE(c.warnings.n == 2);
	CHECK_STR(c.warnings.v[0], "t.cfg:5: key 'memory' set again (line 3), the last value is used");
	CHECK_STR(c.warnings.v[1], "t.cfg:6: key 'memory' set again (line 5), the last value is used");
	cfg_free(&c);
}

static void t_unmapped(void)
{
	struct dom_config c;
	struct xb_err e;

	REQUIRE(parse(MIN "disk = [ 'phy:/dev/vg/x,xvda,w' ]\nvif = [ '' ]\n"
		      "disk = [ 'x' ]\nlocaltime = 1\non_watchdog = 'destroy'\n"
		      "memroy = 5\nbootloader_args = ['-q']\nvfb=[]\npci=[]\nusb=1\n"
		      "serial='pty'\n", &c, &e) == 0);
	CHECK_EQ(count_warn(&c, "key 'disk' is not acted on by xbuild (devices are the toolstack's job)"), 1);
	CHECK_EQ(count_warn(&c, "t.cfg:3: key 'disk' is not acted on"), 1);
	CHECK_EQ(count_warn(&c, "key 'disk' set again (line 3)"), 1);
	CHECK_EQ(count_warn(&c, "t.cfg:4: key 'vif' is not acted on by xbuild (devices"), 1);
	CHECK_EQ(count_warn(&c, "key 'localtime' is not acted on by xbuild"), 1);
	CHECK_EQ(count_warn(&c, "key 'on_watchdog' is not acted on by xbuild"), 1);
	CHECK_EQ(count_warn(&c, "key 'bootloader_args' is not acted on"), 1);
	CHECK_EQ(count_warn(&c, "t.cfg:8: unknown key 'memroy', ignored"), 1);
	CHECK_EQ(count_warn(&c, "key 'vfb'"), 1);
	CHECK_EQ(count_warn(&c, "key 'pci'"), 1);
	CHECK_EQ(count_warn(&c, "key 'usb'"), 1);
	CHECK_EQ(count_warn(&c, "key 'serial'"), 1);
	CHECK_EQ(c.warnings.n, 11);
	cfg_free(&c);
}

static void t_bootloader(void)
{
	struct dom_config c;
	struct xb_err e;

	ERR("name = 'g'\nbootloader = 'pygrub'\n",
	    "t.cfg:2: bootloader = \"pygrub\": xbuild cannot run a boot loader; set kernel =");
	REQUIRE(parse(MIN "bootloader = 'pygrub'\n", &c, &e) == 0);
	CHECK_EQ(count_warn(&c, "bootloader = \"pygrub\" is ignored"), 1);
	CHECK_EQ(c.warnings.n, 1);
	cfg_free(&c);
}

static void t_garbage(void)
{
	struct dom_config c;
	struct xb_err e;
	static const char nul_xl[] = "name = 'g'\nkernel = '/k\0x'\n";
	static const char nul_key[] = "name = 'g'\0\nkernel = '/k'\n";
	static const char nul_xml[] = "<domain type='xen'><name>a\0b</name></domain>";
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
		CHECK(parse_n((const char *)bin, sizeof(bin), &c, &e) == -XB_EINPUT);
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

#define XHEAD "<domain type='xen'>\n  <name>x1</name>\n"
#define XOS "  <os><type>linux</type><kernel>/k</kernel></os>\n"
#define XMEM "  <memory>131072</memory>\n"

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
	CHECK_EQ(count_warn(&c, "t.cfg:21: element <disk> is not acted on by xbuild (devices are the toolstack's job)"), 1);
	CHECK_EQ(count_warn(&c, "<disk>"), 1);
	CHECK_EQ(count_warn(&c, "<interface>"), 1);
	CHECK_EQ(count_warn(&c, "<console>"), 1);
	CHECK_EQ(count_warn(&c, "t.cfg:16: element <clock> is not acted on by xbuild"), 1);
	CHECK_EQ(c.warnings.n, 4);
	cfg_free(&c);
}

static void t_xml_units(void)
{
	static const struct { const char *mem; uint64_t mb; size_t warn; } cases[] = {
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

		snprintf(buf, sizeof(buf), XHEAD XOS "%s</domain>", cases[i].mem);
		if (parse(buf, &c, &e)) {
			t_fail(__FILE__, __LINE__, "case %zu: %s", i, e.msg);
			cfg_free(&c);
			continue;
		}
		CHECK_EQ(c.maxmem_mb, cases[i].mb);
		CHECK_EQ(c.memory_mb, cases[i].mb);
		CHECK_EQ(count_warn(&c, "is not a whole number of MiB"), cases[i].warn);
		cfg_free(&c);
	}
	ERR(XHEAD XOS "<memory unit='XB'>1</memory></domain>", "t.cfg:4: <memory unit='XB'>: unknown unit");
	ERR(XHEAD XOS "<memory unit='KiBB'>1</memory></domain>", "unknown unit");
	ERR(XHEAD XOS "<memory>lots</memory></domain>", "<memory>lots</memory>: expected a size");
	ERR(XHEAD XOS "<memory>0</memory></domain>", "expected a size");
	ERR(XHEAD XOS "<memory>0x10</memory></domain>", "expected a size");
	ERR(XHEAD XOS "<memory unit='EiB'>1</memory></domain>", "expected a size between 1 MiB and 16777216 MiB");
	ERR(XHEAD XOS "<memory unit='EiB'>99999</memory></domain>", "expected a size");
	ERR(XHEAD XOS "<memory>99999999999999999999999</memory></domain>", "expected a size");
	ERR(XHEAD XOS "<memory unit='MiB'>128</memory><currentMemory unit='MiB'>256</currentMemory></domain>",
	    "<currentMemory> (256 MiB) is more than <memory> (128 MiB)");
	ERR(XHEAD XOS "</domain>", "t.cfg: <memory> is required");
	ERR(XHEAD XOS XMEM "<memory>1</memory></domain>", "t.cfg:5: <memory> given twice");
}

static void t_xml_errors(void)
{
	struct dom_config c;
	struct xb_err e;

	ERR("<domain type='kvm'><name>a</name></domain>", "t.cfg:1: <domain type='kvm'>: xbuild builds Xen PV guests (type='xen')");
	ERR("<domain><name>a</name></domain>", "<domain type=''>");
	ERR("<vm type='xen'/>", "t.cfg: the root element must be <domain type='xen'>");
	ERR(XHEAD XMEM "<os><type>hvm</type><kernel>/k</kernel></os></domain>",
	    "t.cfg:4: <os><type>hvm</type>: xbuild builds PV guests only");
	ERR(XHEAD XMEM "<os><kernel>/k</kernel></os></domain>", "<os>: <type>linux</type> is required");
	ERR(XHEAD XMEM "<os><type>linux</type></os></domain>", "the kernel is required");
	ERR("<domain type='xen'>" XMEM XOS "</domain>", "the domain name is required");
	ERR("<domain type='xen'><name>a b</name>" XMEM XOS "</domain>", "<name>a b</name>: must be 1 to 63");
	ERR(XHEAD XMEM XOS "<uuid>xyz</uuid></domain>", "<uuid>xyz</uuid>: expected");
	ERR(XHEAD XMEM XOS "<vcpu>0</vcpu></domain>", "<vcpu>: '0' is not a number of vCPUs (1..512)");
	ERR(XHEAD XMEM XOS "<vcpu>513</vcpu></domain>", "is not a number of vCPUs");
	ERR(XHEAD XMEM XOS "<vcpu current='3'>2</vcpu></domain>", "maxvcpus (2) is less than vcpus (3)");
	ERR(XHEAD XMEM XOS "<vcpu current='x'>2</vcpu></domain>", "<vcpu current>: 'x'");
	ERR(XHEAD XMEM XOS "<on_crash>boom</on_crash></domain>", "<on_crash>boom</on_crash>: not an action");
	ERR(XHEAD XMEM XOS "<name>b</name></domain>", "<name> given twice");
	ERR(XHEAD XMEM "<os><type>linux</type><kernel>/k<b/></kernel></os></domain>", "<kernel>: expected text only");
	ERR(XHEAD XMEM "<bootloader>/usr/bin/pygrub</bootloader><os><type>linux</type></os></domain>",
	    "<bootloader>: xbuild cannot run a boot loader");
	ERR("<domain type='xen'>\n<name>a</name>\n<oops>\n</domain>", "t.cfg:4:");
	ERR("<domain type='xen'>\n<name>a</name>\n<oops>\n</domain>", "XML error");
	ERR("<?xml version='1.0'?>\n<!DOCTYPE d [<!ENTITY a 'aaaaaaaa'><!ENTITY b '&a;&a;&a;'>]>\n"
	    "<domain type='xen'><name>&b;</name></domain>", "DOCTYPE");
	ERR("<!DOCTYPE d SYSTEM 'http://example.com/x.dtd'><domain type='xen'/>", "DOCTYPE");
	ERR("<domain type='xen'><name>&ext;</name></domain>", "XML error");
	ERR("   \n<", "XML error");

	REQUIRE(parse(XHEAD XMEM XOS "<bootloader>pygrub</bootloader><vcpu cpuset='1-3'>2</vcpu>"
		      "<os2/><features><pae/></features><features/></domain>", &c, &e) == 0);
	CHECK_EQ(count_warn(&c, "<bootloader> is ignored"), 1);
	CHECK_EQ(count_warn(&c, "<vcpu cpuset=...> is not acted on"), 1);
	CHECK_EQ(count_warn(&c, "element <features>"), 1);
	CHECK_EQ(count_warn(&c, "element <os2>"), 1);
	CHECK_EQ(c.vcpus, 2);
	CHECK_EQ(c.warnings.n, 4);
	cfg_free(&c);

	REQUIRE(parse("\xef\xbb\xbf  " XHEAD XMEM
		      "<os><type>xen</type><kernel>/k</kernel><loader>x</loader><boot dev='hd'/></os></domain>",
		      &c, &e) == 0);
	CHECK_EQ(count_warn(&c, "element <os><loader> is not acted on"), 1);
	CHECK_EQ(count_warn(&c, "element <os><boot>"), 1);
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

const struct test tests[] = {
	{ "config_grammar_values", t_grammar_values },
	{ "config_numbers", t_numbers },
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
	{ "config_bootloader", t_bootloader },
	{ "config_garbage", t_garbage },
	{ "config_xml_full", t_xml_full },
	{ "config_xml_units", t_xml_units },
	{ "config_xml_errors", t_xml_errors },
	{ "config_dispatch", t_dispatch },
	{ NULL, NULL },
};
