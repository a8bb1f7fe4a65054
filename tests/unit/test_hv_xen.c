/*
 * test_hv_xen.c - the real Xen backend where no Xen runs (the e2e harness
 * under QEMU covers the hypercalls), and the xenstore permission strings
 * both backends share.
 */
#include "harness.h"

#include "../../src/hv/hv_xen.h"
#include "../../src/hv/hv_perms.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static bool have_privcmd(void)
{
	return access("/dev/xen/privcmd", F_OK) == 0 ||
	       access("/proc/xen/privcmd", F_OK) == 0;
}

static void test_open_without_xen(void)
{
	struct xb_err e = { 0 };
	struct hv *h = (struct hv *)&e; /* must be reset to NULL */
	int rc;

	if (have_privcmd())
		SKIP("a Xen privcmd device exists here");
	rc = hv_xen_open(NULL, &h, &e);
	CHECK_EQ(rc, -XB_EHV);
	CHECK_EQ(e.code, XB_EHV);
	CHECK(h == NULL);
	CHECK_CONTAINS(e.msg,
		       "no Xen hypervisor is reachable (/dev/xen/privcmd: ");
	CHECK_CONTAINS(e.msg, "`xbuild plan` works without one");
}

/* What the trace callback received. */
struct trace_log {
	int lines;
	char first[XB_MSG_MAX + 64];
};

static void trace_collect(void *ctx, const char *line)
{
	struct trace_log *l = ctx;

	if (!l->lines++)
		snprintf(l->first, sizeof(l->first), "%s", line);
}

/*
 * hv_xen_open(o) with fd 2 sent to a temporary file; returns its rc and
 * stores in *err_bytes what the library wrote to stderr (-1 if the
 * redirection failed).
 */
static int open_capturing_stderr(const struct hv_xen_opts *o, struct hv **h,
				 struct xb_err *e, long *err_bytes)
{
	char path[] = "/tmp/xbuild-test-stderr-XXXXXX";
	int fd = mkstemp(path), saved = dup(2), rc;
	struct stat st;

	*err_bytes = -1;
	if (fd < 0 || saved < 0 || dup2(fd, 2) < 0) {
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		if (saved >= 0)
			close(saved);
		return hv_xen_open(o, h, e);
	}
	rc = hv_xen_open(o, h, e);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (fstat(fd, &st) == 0)
		*err_bytes = (long)st.st_size;
	close(fd);
	unlink(path);
	return rc;
}

/*
 * The library never prints and never reads the environment: whatever the
 * trace level (and with XBUILD_HV_TRACE set to tempt it), stderr stays
 * empty; the failure reaches the callback as one "FAILED open: " line
 * exactly when tracing is on, and the result is the same either way.
 */
static void test_open_trace(void)
{
	static const struct {
		int trace;
		bool log;
		int lines;
	} cases[] = {
		{ 0, true, 0 },
		{ 1, true, 1 },
		{ 2, true, 1 },
		{ 1, false, 0 }, /* tracing but nowhere to send it */
	};
	char want[XB_MSG_MAX + 64];

	if (have_privcmd())
		SKIP("a Xen privcmd device exists here");
	setenv("XBUILD_HV_TRACE", "2", 1);
	for (size_t i = 0; i < XB_ARRAY_SIZE(cases); i++) {
		struct trace_log l = { 0 };
		struct hv_xen_opts o = {
			.trace = cases[i].trace,
			.log = cases[i].log ? trace_collect : NULL,
			.log_ctx = &l,
		};
		struct xb_err e = { 0 };
		struct hv *h = (struct hv *)&e; /* must be reset to NULL */
		long err_bytes;

		CHECK_EQ(open_capturing_stderr(&o, &h, &e, &err_bytes),
			 -XB_EHV);
		CHECK_EQ(err_bytes, 0);
		CHECK(h == NULL);
		CHECK_EQ(e.code, XB_EHV);
		CHECK_CONTAINS(
			e.msg,
			"no Xen hypervisor is reachable (/dev/xen/privcmd: ");
		CHECK_EQ(l.lines, cases[i].lines);
		if (cases[i].lines) {
			snprintf(want, sizeof(want), "FAILED open: %s", e.msg);
			CHECK_STR(l.first, want);
		}
	}
	/* No options at all: quiet too. */
	{
		struct xb_err e = { 0 };
		struct hv *h = NULL;
		long err_bytes;

		CHECK_EQ(open_capturing_stderr(NULL, &h, &e, &err_bytes),
			 -XB_EHV);
		CHECK_EQ(err_bytes, 0);
		CHECK(h == NULL);
	}
	unsetenv("XBUILD_HV_TRACE");
}

static void test_perms_ok(void)
{
	struct hv_perm p[HV_PERMS_MAX];
	struct xb_err e = { 0 };
	char buf[128];
	size_t n = 99;

	REQUIRE(hv_perms_parse("n0,r5", p, &n, &e) == 0);
	CHECK_EQ(n, 2);
	CHECK_EQ(p[0].domid, 0);
	CHECK_EQ(p[0].perm, HV_PERM_NONE);
	CHECK_EQ(p[1].domid, 5);
	CHECK_EQ(p[1].perm, HV_PERM_READ);
	hv_perms_format(p, n, buf, sizeof(buf));
	CHECK_STR(buf, "n0,r5");

	REQUIRE(hv_perms_parse("n7", p, &n, &e) == 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(p[0].domid, 7);

	REQUIRE(hv_perms_parse("b65535,w1,r0,n12", p, &n, &e) == 0);
	CHECK_EQ(n, 4);
	CHECK_EQ(p[0].perm, HV_PERM_READ | HV_PERM_WRITE);
	CHECK_EQ(p[0].domid, 65535);
	CHECK_EQ(p[1].perm, HV_PERM_WRITE);
	CHECK_EQ(p[2].perm, HV_PERM_READ);
	CHECK_EQ(p[3].perm, HV_PERM_NONE);
	CHECK_EQ(p[3].domid, 12);
	hv_perms_format(p, n, buf, sizeof(buf));
	CHECK_STR(buf, "b65535,w1,r0,n12");
	CHECK_EQ(e.code, 0);

	/* Truncation keeps a NUL-terminated prefix. */
	hv_perms_format(p, n, buf, 5);
	CHECK_STR(buf, "b655");
}

static void test_perms_bad(void)
{
	static const struct {
		const char *s, *msg;
	} bad[] = {
		{ "", "empty string" },
		{ "x0", "offset 0: expected one of n, r, w, b" },
		{ "n", "offset 0: missing domain id" },
		{ "n0,", "offset 3: expected one of n, r, w, b" },
		{ "n0,,r1", "offset 3: expected one of n, r, w, b" },
		{ "n0 r1", "unexpected ' ' at offset 2" },
		{ "n0;r1", "unexpected ';' at offset 2" },
		{ "N0", "expected one of" },
		{ "n65536", "domain id out of range" },
		{ "n000001", "domain id out of range" },
		{ "n-1", "missing domain id" },
		{ "r1,n0x5", "unexpected 'x' at offset 5" },
	};
	struct hv_perm p[HV_PERMS_MAX];
	char many[4 * (HV_PERMS_MAX + 1) + 1], *w = many;
	size_t n;

	for (size_t i = 0; i < XB_ARRAY_SIZE(bad); i++) {
		struct xb_err e = { 0 };

		CHECK_EQ(hv_perms_parse(bad[i].s, p, &n, &e), -XB_EINTERNAL);
		CHECK_EQ(n, 0);
		CHECK_CONTAINS(e.msg, bad[i].msg);
		CHECK_CONTAINS(e.msg, "xenstore permissions \"");
	}
	for (int i = 0; i <= HV_PERMS_MAX; i++)
		w += sprintf(w, "%sr%d", i ? "," : "", i);
	{
		struct xb_err e = { 0 };

		CHECK_EQ(hv_perms_parse(many, p, &n, &e), -XB_EINTERNAL);
		CHECK_CONTAINS(e.msg, "more than 32 entries");
	}
}

const struct test tests[] = {
	{ "hv_xen_open_without_xen", test_open_without_xen },
	{ "hv_xen_open_trace", test_open_trace },
	{ "hv_perms_ok", test_perms_ok },
	{ "hv_perms_bad", test_perms_bad },
	{ NULL, NULL },
};
