/*
 * test_hv_xen.c - the real Xen backend where no Xen runs (the e2e harness
 * under QEMU covers the hypercalls), and the xenstore permission strings
 * both backends share.
 */
#include "harness.h"

#include "../../src/hv/hv.h"
#include "../../src/hv/hv_perms.h"

#include <stdlib.h>
#include <unistd.h>

static void test_open_without_xen(void)
{
	struct xb_err e = { 0 };
	struct hv *h = (struct hv *)&e;	/* must be reset to NULL */
	int rc;

	if (access("/dev/xen/privcmd", F_OK) == 0 ||
	    access("/proc/xen/privcmd", F_OK) == 0)
		SKIP("a Xen privcmd device exists here");
	rc = hv_xen_open(&h, &e);
	CHECK_EQ(rc, -XB_EHV);
	CHECK_EQ(e.code, XB_EHV);
	CHECK(h == NULL);
	CHECK_CONTAINS(e.msg, "no Xen hypervisor is reachable (/dev/xen/privcmd: ");
	CHECK_CONTAINS(e.msg, "`xbuild plan` works without one");
}

static void test_open_trace_quiet(void)
{
	/* Tracing must not change the result; it only adds stderr lines. */
	struct xb_err e = { 0 };
	struct hv *h = NULL;

	if (access("/dev/xen/privcmd", F_OK) == 0 ||
	    access("/proc/xen/privcmd", F_OK) == 0)
		SKIP("a Xen privcmd device exists here");
	setenv("XBUILD_HV_TRACE", "1", 1);
	CHECK_EQ(hv_xen_open(&h, &e), -XB_EHV);
	unsetenv("XBUILD_HV_TRACE");
	CHECK(h == NULL);
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
	static const struct { const char *s, *msg; } bad[] = {
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
	{ "hv_xen_open_trace", test_open_trace_quiet },
	{ "hv_perms_ok", test_perms_ok },
	{ "hv_perms_bad", test_perms_bad },
	{ NULL, NULL },
};
