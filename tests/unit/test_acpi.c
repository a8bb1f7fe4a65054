/* test_acpi.c - the PVH guest's ACPI tables (src/builder/acpi.c): every
 * table's signature, length and checksum, the XSDT's and FADT's pointers,
 * the MADT's entries, the refusals; and ACPICA (acpica-tools: iasl -d,
 * acpiexec) reading the tables without complaint, as an independent reader
 * of the spec. */
#include "harness.h"

#include <stdlib.h>
#include <unistd.h>

#include "../../src/builder/acpi.h"

#define TABLES 0xfc001000ull /* libxl's ACPI area */
#define RSDP 0xfffc0ull
#define CAP 65536

static uint8_t buf[CAP];

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static unsigned sum(const uint8_t *p, size_t n)
{
	unsigned s = 0;

	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s & 0xff;
}

static int build(unsigned nr, unsigned max, uint8_t *rsdp,
		 struct acpi_result *r)
{
	struct acpi_params p = { nr, max, TABLES, RSDP };
	struct xb_err e = { 0 };

	memset(buf, 0xa5, sizeof(buf)); /* every byte used must be written */
	return acpi_build(&p, buf, sizeof(buf), rsdp, r, &e);
}

/* The table at guest address pa: within the area, its length read from its
 * header, whole; NULL (and a failure) when not. */
static const uint8_t *table_at(const struct acpi_result *r, uint64_t pa,
			       const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	if (pa < TABLES || pa - TABLES + 36 > r->tables_len) {
		t_fail(__FILE__, __LINE__,
		       "%s at 0x%" PRIx64 " not in the area", sig, pa);
		return NULL;
	}
	t = buf + (pa - TABLES);
	len = get32(t + 4);
	if (memcmp(t, sig, 4) || pa - TABLES + len > r->tables_len ||
	    sum(t, len) != 0) {
		t_fail(__FILE__, __LINE__,
		       "%s: signature %.4s, length %u, checksum sum %u", sig,
		       (const char *)t, len, sum(t, len));
		return NULL;
	}
	CHECK(!memcmp(t + 10, "XBUILD", 6));
	CHECK(!memcmp(t + 16, "XBUILDPV", 8));
	CHECK(!memcmp(t + 28, "XBLD", 4));
	CHECK_EQ(pa % 8, 0);
	return t;
}

static void t_acpi_tables(void)
{
	uint8_t rsdp[ACPI_RSDP_LEN];
	struct acpi_result r;
	const uint8_t *xsdt, *fadt, *dsdt, *madt;

	REQUIRE(build(1, 1, rsdp, &r) == 0);
	/* RSDP: revision 2, both checksums, the XSDT */
	CHECK(!memcmp(rsdp, "RSD PTR ", 8));
	CHECK_EQ(rsdp[15], 2);
	CHECK_EQ(sum(rsdp, 20), 0);
	CHECK_EQ(sum(rsdp, 36), 0);
	CHECK_EQ(get32(rsdp + 20), 36);
	CHECK_EQ(get32(rsdp + 16), 0); /* no RSDT */
	CHECK_EQ(get64(rsdp + 24), r.xsdt_paddr);
	CHECK(!memcmp(rsdp + 9, "XBUILD", 6));
	/* XSDT: FADT and MADT */
	REQUIRE((xsdt = table_at(&r, r.xsdt_paddr, "XSDT")));
	CHECK_EQ(r.xsdt_paddr, TABLES);
	CHECK_EQ(get32(xsdt + 4), 36 + 2 * 8);
	CHECK_EQ(get64(xsdt + 36), r.fadt_paddr);
	CHECK_EQ(get64(xsdt + 44), r.madt_paddr);
	/* FADT: ACPI 6.0, hardware-reduced, DSDT in both fields */
	REQUIRE((fadt = table_at(&r, r.fadt_paddr, "FACP")));
	CHECK_EQ(get32(fadt + 4), 276);
	CHECK_EQ(fadt[8], 6);
	CHECK_EQ(fadt[131], 0); /* minor version */
	CHECK_EQ(get32(fadt + 36), 0); /* FIRMWARE_CTRL: no FACS */
	CHECK_EQ(get64(fadt + 132), 0); /* X_FIRMWARE_CTRL */
	CHECK_EQ(get32(fadt + 40), r.dsdt_paddr);
	CHECK_EQ(get64(fadt + 140), r.dsdt_paddr);
	CHECK_EQ(get32(fadt + 112), 1u << 20); /* HW_REDUCED_ACPI */
	CHECK_EQ(get16(fadt + 109), (1u << 2) | (1u << 5)); /* no VGA, RTC */
	CHECK_EQ(get16(fadt + 46), 0); /* SCI_INT */
	CHECK_EQ(get32(fadt + 76), 0); /* PM_TMR_BLK */
	/* DSDT: a header */
	REQUIRE((dsdt = table_at(&r, r.dsdt_paddr, "DSDT")));
	CHECK_EQ(get32(dsdt + 4), 36);
	CHECK_EQ(dsdt[8], 2);
	/* MADT */
	REQUIRE((madt = table_at(&r, r.madt_paddr, "APIC")));
	CHECK_EQ(get32(madt + 36), 0xfee00000);
	CHECK_EQ(get32(madt + 40), 0);
	CHECK_EQ(get32(madt + 4), 44 + 8);
	/* the tables do not overlap and the last one ends the area */
	CHECK(r.fadt_paddr >= r.xsdt_paddr + get32(xsdt + 4));
	CHECK(r.dsdt_paddr >= r.fadt_paddr + 276);
	CHECK(r.madt_paddr >= r.dsdt_paddr + 36);
	CHECK_EQ(r.madt_paddr + get32(madt + 4), TABLES + r.tables_len);
	/* a DSDT above 4 GiB: only X_DSDT */
	{
		struct acpi_params p = { 1, 1, 0x100000000ull, RSDP };
		struct xb_err e = { 0 };

		REQUIRE(acpi_build(&p, buf, sizeof(buf), rsdp, &r, &e) == 0);
		fadt = buf + (r.fadt_paddr - p.tables_paddr);
		CHECK_EQ(get32(fadt + 40), 0);
		CHECK_EQ(get64(fadt + 140), r.dsdt_paddr);
		CHECK_EQ(sum(fadt, 276), 0);
		CHECK(r.dsdt_paddr > 0x100000000ull);
	}
}

/* The MADT of nr online vCPUs of max: one entry per vCPU, APIC id 2n, UID
 * n, enabled below nr; x2APIC entries for ids above 254. */
static void check_madt(unsigned nr, unsigned max)
{
	uint8_t rsdp[ACPI_RSDP_LEN];
	struct acpi_result r;
	const uint8_t *m, *q, *end;
	unsigned n = 0, enabled = 0;

	if (build(nr, max, rsdp, &r) != 0) {
		t_fail(__FILE__, __LINE__, "%u of %u vCPUs: refused", nr, max);
		return;
	}
	if (!(m = table_at(&r, r.madt_paddr, "APIC")))
		return;
	end = m + get32(m + 4);
	for (q = m + 44; q < end; q += q[1], n++) {
		uint32_t id, uid, flags;

		if (q[1] < 2 || q + q[1] > end) {
			t_fail(__FILE__, __LINE__, "entry %u: length %u", n,
			       q[1]);
			return;
		}
		if (q[0] == 0) {
			CHECK_EQ(q[1], 8);
			uid = q[2];
			id = q[3];
			flags = get32(q + 4);
		} else if (q[0] == 9) {
			CHECK_EQ(q[1], 16);
			CHECK_EQ(get16(q + 2), 0);
			id = get32(q + 4);
			flags = get32(q + 8);
			uid = get32(q + 12);
			CHECK(id > 254);
		} else {
			t_fail(__FILE__, __LINE__, "entry %u: type %u", n,
			       q[0]);
			return;
		}
		if (uid != n || id != 2 * n || flags != (n < nr ? 1u : 0u))
			t_fail(__FILE__, __LINE__,
			       "%u/%u vCPUs: entry %u: uid %u id %u flags %u",
			       nr, max, n, uid, id, flags);
		enabled += flags & 1;
	}
	CHECK(q == end);
	CHECK_EQ(n, max);
	CHECK_EQ(enabled, nr);
}

static void t_acpi_madt(void)
{
	check_madt(1, 1);
	check_madt(2, 2);
	check_madt(4, 4);
	check_madt(128, 128); /* the last local APIC id is 254 */
	check_madt(1, 4);
	check_madt(3, 16);
	check_madt(129, 129); /* vCPU 128: x2APIC id 256 */
	check_madt(200, 512);
	check_madt(512, 512);
}

static void t_acpi_refusals(void)
{
	uint8_t rsdp[ACPI_RSDP_LEN];
	struct acpi_result r;
	struct xb_err e = { 0 };
	struct acpi_params p = { 4, 4, TABLES, RSDP };
	size_t need;

	REQUIRE(acpi_build(&p, buf, sizeof(buf), rsdp, &r, &e) == 0);
	need = r.tables_len;
	CHECK_EQ(acpi_build(&p, buf, need, rsdp, &r, &e), 0);
	xb_err_clear(&e);
	CHECK_EQ(acpi_build(&p, buf, need - 1, rsdp, &r, &e), -XB_EINTERNAL);
	CHECK_CONTAINS(e.msg, "ACPI: the tables take");
	xb_err_clear(&e);
	CHECK_EQ(acpi_build(&p, buf, 0, rsdp, &r, &e), -XB_EINTERNAL);
	xb_err_clear(&e);
	p.nr_vcpus = 0;
	CHECK_EQ(acpi_build(&p, buf, sizeof(buf), rsdp, &r, &e), -XB_EINPUT);
	CHECK_STR(e.msg, "ACPI: 0 vCPUs online of 4: want 1 to the maximum");
	xb_err_clear(&e);
	p.nr_vcpus = 5;
	CHECK_EQ(acpi_build(&p, buf, sizeof(buf), rsdp, &r, &e), -XB_EINPUT);
	xb_err_clear(&e);
	p.nr_vcpus = 1;
	p.max_vcpus = ACPI_VCPUS_MAX + 1;
	CHECK_EQ(acpi_build(&p, buf, sizeof(buf), rsdp, &r, &e), -XB_EINPUT);
	CHECK_STR(e.msg, "ACPI: 513 vCPUs: the tables describe at most 512");
	xb_err_clear(&e);
	p.max_vcpus = 1;
	p.tables_paddr = UINT64_MAX - 100;
	CHECK_EQ(acpi_build(&p, buf, sizeof(buf), rsdp, &r, &e), -XB_EINTERNAL);
	CHECK_CONTAINS(e.msg, "wrap around");
}

/* How often needle occurs in s. */
static unsigned count(const char *s, const char *needle)
{
	unsigned n = 0;

	while ((s = strstr(s, needle))) {
		n++;
		s += strlen(needle);
	}
	return n;
}

/* Write len bytes to dir/name; false on failure. */
static bool put_file(const char *dir, const char *name, const uint8_t *p,
		     size_t len)
{
	char path[512];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "wb")))
		return false;
	ok = fwrite(p, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* The whole of a file, NUL-terminated (malloc'd), or NULL. */
static char *slurp(const char *dir, const char *name)
{
	char path[512], *s;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "rb")))
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(s = malloc((size_t)n + 1))) {
		fclose(f);
		return NULL;
	}
	s[fread(s, 1, (size_t)n, f)] = '\0';
	fclose(f);
	return s;
}

/*
 * iasl -d: each table disassembled by ACPICA's own reader, which checks
 * lengths, checksums and every field's place.  iasl is part of the test
 * dependencies (scripts/deps.sh test: acpica-tools); without it the test
 * is skipped, and fails under CI=true.
 */
static void t_acpi_iasl(void)
{
	static const char *const needles[][2] = {
		{ "apic",
		  "[004h 0004   4]                 Table Length : 00000054" },
		{ "apic",
		  "[024h 0036   4]           Local Apic Address : FEE00000" },
		{ "apic", "[02Fh 0047   1]                Local Apic ID : 00" },
		{ "apic", "[037h 0055   1]                Local Apic ID : 02" },
		{ "apic", "[03Fh 0063   1]                Local Apic ID : 04" },
		{ "apic", "[04Eh 0078   1]                 Processor ID : 04" },
		{ "apic", "[04Fh 0079   1]                Local Apic ID : 08" },
		{ "facp", "                      Hardware Reduced (V5) : 1" },
		{ "facp", "                        VGA Not Present (V4) : 1" },
		{ "facp", "                   CMOS RTC Not Present (V5) : 1" },
		{ "facp",
		  "[004h 0004   4]                 Table Length : 00000114" },
		{ "facp", "[008h 0008   1]                     Revision : 06" },
		{ "facp",
		  "[028h 0040   4]                 DSDT Address : FC001160" },
		{ "facp",
		  "[08Ch 0140   8]                 DSDT Address : 00000000FC001160" },
		{ "xsdt",
		  "[024h 0036   8]       ACPI Table Address   0 : 00000000FC001040" },
		{ "xsdt",
		  "[02Ch 0044   8]       ACPI Table Address   1 : 00000000FC001190" },
		{ "dsdt",
		  "DefinitionBlock (\"\", \"DSDT\", 2, \"XBUILD\", \"XBUILDPV\", 0x00000001)" },
	};
	static const char *const files[] = { "xsdt", "facp", "dsdt", "apic" };
	uint8_t rsdp[ACPI_RSDP_LEN];
	struct acpi_result r;
	char dir[] = "/tmp/xb-acpi-XXXXXX", cmd[1024];
	const char *ci = getenv("CI");
	int rc;

	if (system("{ command -v iasl && command -v acpiexec; } >/dev/null 2>&1") !=
	    0) {
		if (ci && !strcmp(ci, "true")) {
			t_fail(__FILE__, __LINE__,
			       "no iasl or acpiexec (acpica-tools), required "
			       "under CI=true "
			       "(scripts/deps.sh test)");
			return;
		}
		SKIP("no iasl or acpiexec (acpica-tools: scripts/deps.sh "
		     "test)");
	}
	REQUIRE(mkdtemp(dir));
	/* 3 of 5 vCPUs online (enabled flags seen below) */
	REQUIRE(build(3, 5, rsdp, &r) == 0);
	CHECK(put_file(dir, "xsdt.dat", buf + (r.xsdt_paddr - TABLES),
		       get32(buf + (r.xsdt_paddr - TABLES) + 4)));
	CHECK(put_file(dir, "facp.dat", buf + (r.fadt_paddr - TABLES), 276));
	CHECK(put_file(dir, "dsdt.dat", buf + (r.dsdt_paddr - TABLES), 36));
	CHECK(put_file(dir, "apic.dat", buf + (r.madt_paddr - TABLES),
		       get32(buf + (r.madt_paddr - TABLES) + 4)));
	/* the addresses the needles name */
	CHECK_EQ(r.fadt_paddr, 0xfc001040);
	CHECK_EQ(r.dsdt_paddr, 0xfc001160);
	CHECK_EQ(r.madt_paddr, 0xfc001190);
	for (size_t i = 0; i < XB_ARRAY_SIZE(files); i++) {
		char *out;

		snprintf(cmd, sizeof(cmd),
			 "cd %s && iasl -d %s.dat >%s.log 2>&1", dir, files[i],
			 files[i]);
		rc = system(cmd);
		snprintf(cmd, sizeof(cmd), "%s.log", files[i]);
		out = slurp(dir, cmd);
		if (rc != 0 || !out || strstr(out, "rror") ||
		    strstr(out, "arning"))
			t_fail(__FILE__, __LINE__,
			       "iasl -d %s.dat: exit %d: %.3000s", files[i], rc,
			       out ? out : "(no output)");
		free(out);
		snprintf(cmd, sizeof(cmd), "%s.dsl", files[i]);
		out = slurp(dir, cmd);
		if (!out || strstr(out, "rror") || strstr(out, "arning") ||
		    strstr(out, "Invalid") || strstr(out, "ncorrect"))
			t_fail(__FILE__, __LINE__, "%s.dsl: %.3000s", files[i],
			       out ? out : "(none)");
		for (size_t k = 0; out && k < XB_ARRAY_SIZE(needles); k++)
			if (!strcmp(needles[k][0], files[i]) &&
			    !strstr(out, needles[k][1]))
				t_fail(__FILE__, __LINE__,
				       "%s.dsl lacks \"%s\":\n%.3000s",
				       files[i], needles[k][1], out);
		/* 3 of 5 enabled */
		if (out && !strcmp(files[i], "apic") &&
		    (count(out, "Processor Enabled : 1") != 3 ||
		     count(out, "Processor Enabled : 0") != 2))
			t_fail(__FILE__, __LINE__, "apic.dsl: enabled flags");
		free(out);
	}
	/* acpiexec: ACPICA loads FADT, DSDT and MADT as an OS would (its
	 * own RSDP and XSDT around them), the DSDT into its namespace. */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && acpiexec -b quit facp.dat dsdt.dat apic.dat "
		 ">exec.log 2>&1",
		 dir);
	rc = system(cmd);
	{
		char *out = slurp(dir, "exec.log");

		if (rc != 0 || !out ||
		    !strstr(out, "ACPI: 1 ACPI AML tables successfully "
				 "acquired and loaded") ||
		    strstr(out, "rror") || strstr(out, "arning") ||
		    strstr(out, "xception") || !strstr(out, "ACPI: FACP ") ||
		    !strstr(out, "ACPI: APIC "))
			t_fail(__FILE__, __LINE__, "acpiexec: exit %d: %.3000s",
			       rc, out ? out : "(no output)");
		free(out);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK(system(cmd) == 0);
}

const struct test tests[] = {
	{ "acpi_tables", t_acpi_tables },
	{ "acpi_madt", t_acpi_madt },
	{ "acpi_refusals", t_acpi_refusals },
	{ "acpi_iasl", t_acpi_iasl },
	{ NULL, NULL },
};
