/*
 * config_cpuid.c - xl.cfg's "cpuid" key (and libvirt's <cpu><feature>)
 * into struct dom_config's cpuid[]: one struct xb_cpuid per leaf/subleaf,
 * each register a 32-character policy string, bit 31 first, as
 * libxenguest's struct xc_xend_cpuid takes it.
 *
 * Two forms, as xl.cfg(5) describes them:
 *   cpuid = "host,rdtscp=0,x2apic=1"          the libxl form: feature names
 *   cpuid = [ "0x80000001:edx=xxxx0xxx...",   the xend form: whole registers
 *             "7,0:ebx=..." ]
 *
 * The feature names are xl.cfg(5)'s list (Xen 4.17), a few of the names
 * later xl takes from cpufeatureset.h, and libvirt's spellings for <cpu>.
 * Their leaf, register and bit come from the Intel SDM (vol. 2A, CPUID)
 * and the AMD APM (vol. 3, appendix E); tests/unit/test_config.c checks
 * every entry against Xen's public cpufeatureset.h.
 */
#include "config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANY XB_CPUID_ANY_SUBLEAF
#define EAX CFG_CPUID_EAX
#define EBX CFG_CPUID_EBX
#define ECX CFG_CPUID_ECX
#define EDX CFG_CPUID_EDX

const struct cfg_cpuid_feature cfg_cpuid_features[] = {
	/* leaf 1, edx */
	{ "fpu", 1, ANY, EDX, 0 },
	{ "vme", 1, ANY, EDX, 1 },
	{ "de", 1, ANY, EDX, 2 },
	{ "pse", 1, ANY, EDX, 3 },
	{ "tsc", 1, ANY, EDX, 4 },
	{ "msr", 1, ANY, EDX, 5 },
	{ "pae", 1, ANY, EDX, 6 },
	{ "mce", 1, ANY, EDX, 7 },
	{ "cmpxchg8", 1, ANY, EDX, 8 },
	{ "apic", 1, ANY, EDX, 9 },
	{ "sysenter", 1, ANY, EDX, 11 },
	{ "mtrr", 1, ANY, EDX, 12 },
	{ "pge", 1, ANY, EDX, 13 },
	{ "mca", 1, ANY, EDX, 14 },
	{ "cmov", 1, ANY, EDX, 15 },
	{ "pat", 1, ANY, EDX, 16 },
	{ "pse36", 1, ANY, EDX, 17 },
	{ "psn", 1, ANY, EDX, 18 },
	{ "clfsh", 1, ANY, EDX, 19 },
	{ "ds", 1, ANY, EDX, 21 },
	{ "acpi", 1, ANY, EDX, 22 },
	{ "mmx", 1, ANY, EDX, 23 },
	{ "fxsr", 1, ANY, EDX, 24 },
	{ "sse", 1, ANY, EDX, 25 },
	{ "sse2", 1, ANY, EDX, 26 },
	{ "ss", 1, ANY, EDX, 27 },
	{ "htt", 1, ANY, EDX, 28 },
	{ "tm", 1, ANY, EDX, 29 },
	{ "ia64", 1, ANY, EDX, 30 },
	{ "pbe", 1, ANY, EDX, 31 },
	/* leaf 1, ecx */
	{ "sse3", 1, ANY, ECX, 0 },
	{ "pclmulqdq", 1, ANY, ECX, 1 },
	{ "dtes64", 1, ANY, ECX, 2 },
	{ "monitor", 1, ANY, ECX, 3 },
	{ "dscpl", 1, ANY, ECX, 4 },
	{ "vmx", 1, ANY, ECX, 5 },
	{ "smx", 1, ANY, ECX, 6 },
	{ "est", 1, ANY, ECX, 7 },
	{ "tm2", 1, ANY, ECX, 8 },
	{ "ssse3", 1, ANY, ECX, 9 },
	{ "cntxid", 1, ANY, ECX, 10 },
	{ "fma", 1, ANY, ECX, 12 },
	{ "cmpxchg16", 1, ANY, ECX, 13 },
	{ "xtpr", 1, ANY, ECX, 14 },
	{ "pdcm", 1, ANY, ECX, 15 },
	{ "pcid", 1, ANY, ECX, 17 },
	{ "dca", 1, ANY, ECX, 18 },
	{ "sse4.1", 1, ANY, ECX, 19 },
	{ "sse4_1", 1, ANY, ECX, 19 },
	{ "sse4.2", 1, ANY, ECX, 20 },
	{ "sse4_2", 1, ANY, ECX, 20 },
	{ "x2apic", 1, ANY, ECX, 21 },
	{ "movbe", 1, ANY, ECX, 22 },
	{ "popcnt", 1, ANY, ECX, 23 },
	{ "tsc-deadline", 1, ANY, ECX, 24 },
	{ "aes", 1, ANY, ECX, 25 },
	{ "xsave", 1, ANY, ECX, 26 },
	{ "osxsave", 1, ANY, ECX, 27 },
	{ "avx", 1, ANY, ECX, 28 },
	{ "f16c", 1, ANY, ECX, 29 },
	{ "rdrand", 1, ANY, ECX, 30 },
	{ "hypervisor", 1, ANY, ECX, 31 },
	/* leaf 6 (thermal and power), eax */
	{ "arat", 6, ANY, EAX, 2 },
	/* leaf 7 subleaf 0, ebx */
	{ "fsgsbase", 7, 0, EBX, 0 },
	{ "tsc_adjust", 7, 0, EBX, 1 },
	{ "bmi1", 7, 0, EBX, 3 },
	{ "hle", 7, 0, EBX, 4 },
	{ "avx2", 7, 0, EBX, 5 },
	{ "smep", 7, 0, EBX, 7 },
	{ "bmi2", 7, 0, EBX, 8 },
	{ "erms", 7, 0, EBX, 9 },
	{ "invpcid", 7, 0, EBX, 10 },
	{ "rtm", 7, 0, EBX, 11 },
	{ "cmt", 7, 0, EBX, 12 },
	{ "mpx", 7, 0, EBX, 14 },
	{ "avx512f", 7, 0, EBX, 16 },
	{ "avx512dq", 7, 0, EBX, 17 },
	{ "rdseed", 7, 0, EBX, 18 },
	{ "adx", 7, 0, EBX, 19 },
	{ "smap", 7, 0, EBX, 20 },
	{ "avx512ifma", 7, 0, EBX, 21 },
	{ "clflushopt", 7, 0, EBX, 23 },
	{ "clwb", 7, 0, EBX, 24 },
	{ "avx512pf", 7, 0, EBX, 26 },
	{ "avx512er", 7, 0, EBX, 27 },
	{ "avx512cd", 7, 0, EBX, 28 },
	{ "sha", 7, 0, EBX, 29 },
	{ "avx512bw", 7, 0, EBX, 30 },
	{ "avx512vl", 7, 0, EBX, 31 },
	/* leaf 7 subleaf 0, ecx */
	{ "avx512vbmi", 7, 0, ECX, 1 },
	{ "umip", 7, 0, ECX, 2 },
	{ "pku", 7, 0, ECX, 3 },
	{ "ospke", 7, 0, ECX, 4 },
	{ "avx512-vbmi2", 7, 0, ECX, 6 },
	{ "gfni", 7, 0, ECX, 8 },
	{ "vaes", 7, 0, ECX, 9 },
	{ "vpclmulqdq", 7, 0, ECX, 10 },
	{ "avx512-vnni", 7, 0, ECX, 11 },
	{ "avx512-bitalg", 7, 0, ECX, 12 },
	{ "avx512-vpopcntdq", 7, 0, ECX, 14 },
	{ "rdpid", 7, 0, ECX, 22 },
	/* leaf 7 subleaf 0, edx */
	{ "avx512-4vnniw", 7, 0, EDX, 2 },
	{ "avx512-4fmaps", 7, 0, EDX, 3 },
	{ "md-clear", 7, 0, EDX, 10 },
	{ "ibrsb", 7, 0, EDX, 26 },
	{ "stibp", 7, 0, EDX, 27 },
	{ "l1d-flush", 7, 0, EDX, 28 },
	{ "arch-caps", 7, 0, EDX, 29 },
	{ "ssbd", 7, 0, EDX, 31 },
	/* leaf 7 subleaf 1, eax */
	{ "avx-vnni", 7, 1, EAX, 4 },
	{ "avx512-bf16", 7, 1, EAX, 5 },
	/* leaf 0xd subleaf 1 (XSAVE extensions), eax */
	{ "xsaveopt", 0xd, 1, EAX, 0 },
	{ "xsavec", 0xd, 1, EAX, 1 },
	{ "xgetbv1", 0xd, 1, EAX, 2 },
	{ "xsaves", 0xd, 1, EAX, 3 },
	/* leaf 0x80000001, edx (AMD) */
	{ "syscall", 0x80000001, ANY, EDX, 11 },
	{ "nx", 0x80000001, ANY, EDX, 20 },
	{ "mmxext", 0x80000001, ANY, EDX, 22 },
	{ "ffxsr", 0x80000001, ANY, EDX, 25 },
	{ "page1gb", 0x80000001, ANY, EDX, 26 },
	{ "rdtscp", 0x80000001, ANY, EDX, 27 },
	{ "lm", 0x80000001, ANY, EDX, 29 },
	{ "3dnowext", 0x80000001, ANY, EDX, 30 },
	{ "3dnow", 0x80000001, ANY, EDX, 31 },
	/* leaf 0x80000001, ecx */
	{ "lahfsahf", 0x80000001, ANY, ECX, 0 },
	{ "cmplegacy", 0x80000001, ANY, ECX, 1 },
	{ "svm", 0x80000001, ANY, ECX, 2 },
	{ "extapic", 0x80000001, ANY, ECX, 3 },
	{ "altmovcr8", 0x80000001, ANY, ECX, 4 },
	{ "abm", 0x80000001, ANY, ECX, 5 },
	{ "sse4a", 0x80000001, ANY, ECX, 6 },
	{ "misalignsse", 0x80000001, ANY, ECX, 7 },
	{ "3dnowprefetch", 0x80000001, ANY, ECX, 8 },
	{ "osvw", 0x80000001, ANY, ECX, 9 },
	{ "ibs", 0x80000001, ANY, ECX, 10 },
	{ "xop", 0x80000001, ANY, ECX, 11 },
	{ "skinit", 0x80000001, ANY, ECX, 12 },
	{ "wdt", 0x80000001, ANY, ECX, 13 },
	{ "lwp", 0x80000001, ANY, ECX, 15 },
	{ "fma4", 0x80000001, ANY, ECX, 16 },
	{ "nodeid", 0x80000001, ANY, ECX, 19 },
	{ "tbm", 0x80000001, ANY, ECX, 21 },
	{ "topoext", 0x80000001, ANY, ECX, 22 },
	{ "perfctr_core", 0x80000001, ANY, ECX, 23 },
	{ "perfctr_nb", 0x80000001, ANY, ECX, 24 },
	/* leaf 0x80000007 (advanced power management), edx */
	{ "invtsc", 0x80000007, ANY, EDX, 8 },
	/* leaf 0x8000000a (SVM features), edx */
	{ "svm_npt", 0x8000000a, ANY, EDX, 0 },
	{ "svm_lbrv", 0x8000000a, ANY, EDX, 1 },
	{ "svm_nrips", 0x8000000a, ANY, EDX, 3 },
	{ "svm_tscrate", 0x8000000a, ANY, EDX, 4 },
	{ "svm_vmcbclean", 0x8000000a, ANY, EDX, 5 },
	{ "svm_decode", 0x8000000a, ANY, EDX, 7 },
	{ "svm_pausefilt", 0x8000000a, ANY, EDX, 10 },
};
const size_t cfg_cpuid_nfeatures = XB_ARRAY_SIZE(cfg_cpuid_features);

/* libvirt's names (its cpu_map, /proc/cpuinfo's) where xl's differ. */
static const struct {
	const char *libvirt, *xl;
} libvirt_names[] = {
	{ "cx8", "cmpxchg8" },
	{ "cx16", "cmpxchg16" },
	{ "sep", "sysenter" },
	{ "clflush", "clfsh" },
	{ "ht", "htt" },
	{ "pni", "sse3" },
	{ "ds_cpl", "dscpl" },
	{ "lahf_lm", "lahfsahf" },
	{ "cmp_legacy", "cmplegacy" },
	{ "cr8legacy", "altmovcr8" },
	{ "fxsr_opt", "ffxsr" },
	{ "pdpe1gb", "page1gb" },
	{ "nodeid_msr", "nodeid" },
	{ "avx512vbmi2", "avx512-vbmi2" },
	{ "avx512vnni", "avx512-vnni" },
	{ "avx512bitalg", "avx512-bitalg" },

	{ "spec-ctrl", "ibrsb" },
	{ "arch-capabilities", "arch-caps" },
};

/* xl.cfg(5)'s keys that take a number: not supported here. */
static const char *const numeric_keys[] = {
	"apicidsize",  "brandid",   "clflush",	 "family",
	"localapicid", "maxleaf",   "maxhvleaf", "model",
	"nc",	       "proccount", "procpkg",	 "stepping",
};

const struct cfg_cpuid_feature *cfg_cpuid_find(const char *name, size_t len)
{
	for (size_t i = 0; i < cfg_cpuid_nfeatures; i++)
		if (strlen(cfg_cpuid_features[i].name) == len &&
		    !memcmp(cfg_cpuid_features[i].name, name, len))
			return &cfg_cpuid_features[i];
	return NULL;
}

static bool policy_char(char ch)
{
	return ch == '0' || ch == '1' || ch == 'x' || ch == 'k' || ch == 's';
}

/* The entry of leaf/subleaf, made (every bit 'x') when there is none:
 * NULL when XB_CPUID_MAX entries are taken. */
static struct xb_cpuid *entry(struct dom_config *c, uint32_t leaf,
			      uint32_t subleaf)
{
	struct xb_cpuid *p;

	for (unsigned i = 0; i < c->nr_cpuid; i++)
		if (c->cpuid[i].leaf == leaf && c->cpuid[i].subleaf == subleaf)
			return &c->cpuid[i];
	if (c->nr_cpuid == XB_CPUID_MAX)
		return NULL;
	p = &c->cpuid[c->nr_cpuid++];
	p->leaf = leaf;
	p->subleaf = subleaf;
	for (int r = 0; r < 4; r++) {
		memset(p->policy[r], 'x', 32);
		p->policy[r][32] = '\0';
	}
	return p;
}

/* "FILE:LINE: cpuid: "ELEMENT": why" (the key in the config's syntax). */
static int bad(struct cfg_ctx *x, int line, const char *elem, size_t len,
	       const char *why)
{
	char at[160], shown[80], el[256];

	snprintf(el, sizeof(el), "%.*s", (int)(len < 255 ? len : 255), elem);
	return xb_fail(x->e, XB_EINPUT, "%s: %s: %s: %s",
		       cfg_at(x, line, at, sizeof(at)),
		       cfg_key_name(x, CK_CPUID), cfg_show(el, true, shown, 60),
		       why);
}

static int too_many(struct cfg_ctx *x, int line, const char *elem, size_t len)
{
	char why[64];

	snprintf(why, sizeof(why), "more than %d leaves and subleaves",
		 XB_CPUID_MAX);
	return bad(x, line, elem, len, why);
}

int cfg_cpuid_feature(struct cfg_ctx *x, int line, const char *elem, size_t len,
		      const struct cfg_cpuid_feature *f, char value)
{
	struct xb_cpuid *p = entry(x->c, f->leaf, f->subleaf);

	if (!p)
		return too_many(x, line, elem, len);
	p->policy[f->reg][31 - f->bit] = value;
	return 0;
}

/* One "NAME=VALUE" of the libxl form. */
static int libxl_element(struct cfg_ctx *x, int line, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	const struct cfg_cpuid_feature *f;
	size_t n;

	if (!eq)
		return bad(x, line, s, len,
			   "expected FEATURE=VALUE (VALUE 0, 1, x, k or s)");
	n = (size_t)(eq - s);
	for (size_t i = 0; i < XB_ARRAY_SIZE(numeric_keys); i++)
		if (strlen(numeric_keys[i]) == n &&
		    !memcmp(numeric_keys[i], s, n))
			return bad(x, line, s, len,
				   "this key takes a number, which xbuild does "
				   "not take; give the register's bits in the "
				   "list form [\"LEAF:REG=BITS\"]");
	if (!(f = cfg_cpuid_find(s, n)))
		return bad(x, line, s, len,
			   "unknown feature name (xbuild.cfg(5) lists them)");
	if (len - n != 2 || !policy_char(eq[1]))
		return bad(x, line, s, len,
			   "the value is one of 0, 1, x, k, s");
	return cfg_cpuid_feature(x, line, s, len, f, eq[1]);
}

/* A leaf or subleaf number: decimal or 0x hex, 32 bits. */
static bool number(const char *s, size_t len, uint32_t *out)
{
	uint64_t v;

	if (!len || xb_parse_u64(s, len, XB_NUM_C, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* One "LEAF[,SUBLEAF]:REG=BITS[,REG=BITS...]" of the xend form. */
static int xend_element(struct cfg_ctx *x, int line, const char *s)
{
	static const char *const regs[4] = { "eax", "ebx", "ecx", "edx" };
	size_t len = strlen(s);
	const char *colon = memchr(s, ':', len), *comma, *p, *end = s + len;
	uint32_t leaf, subleaf = XB_CPUID_ANY_SUBLEAF;
	char bits[4][33];
	bool set[4] = { false };
	struct xb_cpuid *e;

	if (!colon)
		return bad(x, line, s, len,
			   "expected LEAF[,SUBLEAF]:REG=BITS,... (REG eax, "
			   "ebx, ecx or edx; BITS 32 of 0, 1, x, k, s, bit 31 "
			   "first)");
	comma = memchr(s, ',', (size_t)(colon - s));
	if (!number(s, (size_t)((comma ? comma : colon) - s), &leaf) ||
	    (comma &&
	     !number(comma + 1, (size_t)(colon - comma - 1), &subleaf)))
		return bad(x, line, s, len,
			   "the leaf and subleaf are numbers (decimal or "
			   "0x hex, 32 bits) before the colon");
	for (p = colon + 1; p <= end;) {
		const char *q = memchr(p, ',', (size_t)(end - p));
		size_t n = (size_t)((q ? q : end) - p);
		int r;

		for (r = 0; r < 4; r++)
			if (n >= 4 && !memcmp(p, regs[r], 3) && p[3] == '=')
				break;
		if (r == 4)
			return bad(x, line, s, len,
				   "each register is eax=, ebx=, ecx= or edx= "
				   "followed by its bits");
		for (size_t i = 0; i < 32 && n == 36; i++)
			if (!policy_char(p[4 + i]))
				n = 0;
		if (n != 36) {
			char why[80];

			snprintf(why, sizeof(why),
				 "%s takes 32 characters of 0, 1, x, k, s "
				 "(bit 31 first)",
				 regs[r]);
			return bad(x, line, s, len, why);
		}
		memcpy(bits[r], p + 4, 32);
		bits[r][32] = '\0';
		set[r] = true;
		if (!q)
			break;
		p = q + 1;
	}
	if (!(e = entry(x->c, leaf, subleaf)))
		return too_many(x, line, s, len);
	for (int r = 0; r < 4; r++)
		if (set[r])
			memcpy(e->policy[r], bits[r], 33);
	return 0;
}

int cfg_cpuid_libxl(struct cfg_ctx *x, int line, const char *s)
{
	const char *p, *end = s + strlen(s);
	char at[160], shown[80];
	int r;

	if (strncmp(s, "host", 4) || (s[4] && s[4] != ','))
		return xb_fail(x->e, XB_EINPUT,
			       "%s: %s = %s: the string form begins with "
			       "\"host\" (cpuid = \"host,rdtscp=0\")",
			       cfg_at(x, line, at, sizeof(at)),
			       cfg_key_name(x, CK_CPUID),
			       cfg_show(s, true, shown, 60));
	for (p = s + 4; *p == ',';) {
		const char *q = strchr(p + 1, ',');
		size_t n = (size_t)((q ? q : end) - (p + 1));

		if ((r = libxl_element(x, line, p + 1, n)))
			return r;
		p += 1 + n;
	}
	return 0;
}

int cfg_cpuid_xend(struct cfg_ctx *x, const struct xl_value *list, int line)
{
	int r = 0;

	for (size_t i = 0; !r && i < list->n; i++) {
		const struct xl_value *v = &list->items[i];
		int at = x->cmdline ? line : v->line;
		char where[160];

		if (v->type != XLV_STRING)
			return xb_fail(x->e, XB_EINPUT,
				       "%s: %s: element %zu: expected a string "
				       "\"LEAF[,SUBLEAF]:REG=BITS,...\"",
				       cfg_at(x, at, where, sizeof(where)),
				       cfg_key_name(x, CK_CPUID), i + 1);
		r = xend_element(x, at, v->s);
	}
	return r;
}

/* "0x80000001:edx=xxxx0xxx..." per entry, registers all 'x' left out,
 * joined by spaces; malloc'd, NULL when out of memory. */
char *cfg_cpuid_text(const struct dom_config *c)
{
	static const char *const regs[4] = { "eax", "ebx", "ecx", "edx" };
	size_t size = (size_t)c->nr_cpuid * (32 + 4 * 38) + 1, n = 0;
	char *s = malloc(size);

	if (!s)
		return NULL;
	s[0] = '\0';
	for (unsigned i = 0; i < c->nr_cpuid; i++) {
		const struct xb_cpuid *e = &c->cpuid[i];
		bool first = true;

		n += (size_t)snprintf(s + n, size - n, "%s%#x", i ? " " : "",
				      e->leaf);
		if (e->subleaf != XB_CPUID_ANY_SUBLEAF)
			n += (size_t)snprintf(s + n, size - n, ",%u",
					      e->subleaf);
		for (int r = 0; r < 4; r++) {
			if (strspn(e->policy[r], "x") == 32)
				continue;
			n += (size_t)snprintf(s + n, size - n, "%c%s=%s",
					      first ? ':' : ',', regs[r],
					      e->policy[r]);
			first = false;
		}
		if (first)
			n += (size_t)snprintf(s + n, size - n, ":eax=%s",
					      e->policy[0]);
	}
	return s;
}

const char *cfg_cpuid_libvirt_name(const char *name)
{
	for (size_t i = 0; i < XB_ARRAY_SIZE(libvirt_names); i++)
		if (!strcmp(name, libvirt_names[i].libvirt))
			return libvirt_names[i].xl;
	return name;
}
