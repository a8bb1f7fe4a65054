/*
 * config_xml.c - libvirt domain XML front end (https://libvirt.org/formatdomain.html),
 * the subset that describes a Xen PV guest built from a kernel:
 *
 *   <domain type='xen'>
 *     <name>, <uuid>, <memory unit=...> (maxmem), <currentMemory> (memory),
 *     <vcpu current='N'>MAX</vcpu>, <bootloader>,
 *     <os><type>linux|xen</type><kernel/><initrd/><cmdline/></os>,
 *     <on_poweroff/>, <on_reboot/>, <on_crash/>, <devices>...</devices>
 *   </domain>
 *
 * Elements map through the tables below into cfg_keys[] (config.c), the
 * keys the xl.cfg front end uses too: an element that decides what is
 * booted given twice is an error naming both lines, another one given twice
 * is warned about, elements xbuild does not act on are warned about once
 * per name (coalesced).  <bootloader> is refused by cfg_finish().
 *
 * The XML is untrusted: no network, no DTD loading, no entity expansion
 * (a document with a DOCTYPE is refused outright, so there are no entities
 * to expand), and libxml2's messages go to our error record, not stderr.
 *
 * libxml2 is opened (dlopen) when a domain XML is parsed, not linked: with
 * ICU and libstdc++ behind it, it was 60% of the dynamic loader's work at
 * every start (perf stat on the host: 4.1 ms of start-up with it, 1.7 ms
 * without), and most runs read an xl.cfg.
 */
#include "config_int.h"

#include <ctype.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

/* The libxml2 calls this file makes, looked up in the opened library. */
struct xml_lib {
	xmlParserCtxtPtr (*new_ctxt)(void);
#if LIBXML_VERSION >= 21300
	void (*set_error)(xmlParserCtxtPtr, xmlStructuredErrorFunc, void *);
#endif
	xmlDocPtr (*read_memory)(xmlParserCtxtPtr, const char *, int,
				 const char *, const char *, int);
	xmlNodePtr (*root)(const xmlDoc *);
	void (*free_doc)(xmlDocPtr);
	void (*free_ctxt)(xmlParserCtxtPtr);
	long (*line_no)(const xmlNode *);
	xmlChar *(*get_prop)(const xmlNode *, const xmlChar *);
	xmlFreeFunc *free; /* the library's xmlFree variable */
};

struct xctx {
	struct cfg_ctx cx; /* fname, config, origin, error */
	struct xml_lib lib;
	const char *fname;
	struct xb_err *e;
	/* the first libxml2 error */
	bool have_err;
	int eline, ecol;
	char emsg[200];
};

#if LIBXML_VERSION >= 21200
typedef const xmlError *xb_xml_err_t;
#else
typedef xmlErrorPtr xb_xml_err_t;
#endif

static void record_error(struct xctx *x, xb_xml_err_t err)
{
	const char *m, *hint;
	size_t n;

	if (x->have_err || !err || err->level < XML_ERR_ERROR)
		return;
	x->have_err = true;
	x->eline = err->line;
	x->ecol = err->int2;
	m = err->message ? err->message : "malformed XML";
	if ((hint = strstr(m, "Excessive depth in document"))) {
		/* libxml2's own limit; its advice (XML_PARSE_HUGE) is for
		 * programmers, not for the user. */
		long depth =
			strtol(hint + strlen("Excessive depth in document:"),
			       NULL, 10);

		snprintf(x->emsg, sizeof(x->emsg),
			 "elements are nested more than "
			 "%ld deep, the XML parser's limit (a domain XML needs "
			 "about 4 levels)",
			 depth > 0 ? depth : 256L);
		return;
	}
	snprintf(x->emsg, sizeof(x->emsg), "XML error: %s", m);
	if ((hint = strstr(x->emsg, " use XML_PARSE_HUGE option")) ||
	    (hint = strstr(x->emsg, "XML_PARSE_HUGE")))
		snprintf(x->emsg + (hint - x->emsg),
			 sizeof(x->emsg) - (size_t)(hint - x->emsg),
			 " (a limit of the XML parser)");
	n = strlen(x->emsg);
	while (n && isspace((unsigned char)x->emsg[n - 1]))
		x->emsg[--n] = '\0';
}

#if LIBXML_VERSION >= 21300
static void xml_error(void *data, xb_xml_err_t err)
{
	record_error(data, err);
}
#else
static void xml_error(void *data, xb_xml_err_t err)
{
	xmlParserCtxtPtr ctxt = data; /* ctxt->userData is the context */

	record_error(ctxt->_private, err);
}
#endif

/* Open libxml2 (once per process: dlopen counts, the library stays) and
 * look up the calls in lib. */
static int xml_open(struct xml_lib *lib, const char *fname, struct xb_err *e)
{
	static const char so[] = "libxml2.so.2";
	const struct {
		void *addr;
		const char *name;
	} syms[] = {
		{ &lib->new_ctxt, "xmlNewParserCtxt" },
#if LIBXML_VERSION >= 21300
		{ &lib->set_error, "xmlCtxtSetErrorHandler" },
#endif
		{ &lib->read_memory, "xmlCtxtReadMemory" },
		{ &lib->root, "xmlDocGetRootElement" },
		{ &lib->free_doc, "xmlFreeDoc" },
		{ &lib->free_ctxt, "xmlFreeParserCtxt" },
		{ &lib->line_no, "xmlGetLineNo" },
		{ &lib->get_prop, "xmlGetNoNsProp" },
		{ &lib->free, "xmlFree" },
	};
	void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return xb_fail(e, XB_EINTERNAL,
			       "%s: reading a domain XML needs libxml2 (%s), "
			       "which cannot be loaded: %s",
			       fname, so, dlerror());
	for (size_t i = 0; i < XB_ARRAY_SIZE(syms); i++) {
		void *f = dlsym(h, syms[i].name);

		if (!f)
			return xb_fail(e, XB_EINTERNAL, "%s: %s has no %s: %s",
				       fname, so, syms[i].name, dlerror());
		memcpy(syms[i].addr, &f, sizeof(f));
	}
	return 0;
}

static void xml_free(struct xctx *x, void *p)
{
	(*x->lib.free)(p);
}

static long line_of(struct xctx *x, xmlNodePtr n)
{
	return x->lib.line_no(n);
}

static bool is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	       !strcmp((const char *)n->name, name);
}

/*
 * The text of an element with only text inside, without leading and
 * trailing white space; malloc'd into *out.
 */
static int text_of(struct xctx *x, xmlNodePtr n, char **out)
{
	size_t len = 0, a, b;
	char *s;

	*out = NULL;
	for (xmlNodePtr k = n->children; k; k = k->next) {
		if (k->type == XML_TEXT_NODE ||
		    k->type == XML_CDATA_SECTION_NODE) {
			size_t l = k->content ?
					   strlen((const char *)k->content) :
					   0;

			if (xb_add_ovf(len, l, &len))
				return xb_fail(x->e, XB_EINPUT, "%s: too long",
					       x->fname);
		} else if (k->type != XML_COMMENT_NODE &&
			   k->type != XML_PI_NODE) {
			return xb_fail(x->e, XB_EINPUT,
				       "%s:%ld: <%.32s>: expected "
				       "text only",
				       x->fname, line_of(x, n),
				       (const char *)n->name);
		}
	}
	s = malloc(len + 1);
	if (!s)
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	len = 0;
	for (xmlNodePtr k = n->children; k; k = k->next)
		if ((k->type == XML_TEXT_NODE ||
		     k->type == XML_CDATA_SECTION_NODE) &&
		    k->content) {
			size_t l = strlen((const char *)k->content);

			memcpy(s + len, k->content, l);
			len += l;
		}
	s[len] = '\0';
	for (a = 0; a < len && isspace((unsigned char)s[a]); a++)
		;
	for (b = len; b > a && isspace((unsigned char)s[b - 1]); b--)
		;
	memmove(s, s + a, b - a);
	s[b - a] = '\0';
	*out = s;
	return 0;
}

/* An attribute value (malloc'd by libxml2) or NULL. */
static char *attr(struct xctx *x, xmlNodePtr n, const char *name)
{
	return (char *)x->lib.get_prop(n, (const xmlChar *)name);
}

/* What each element of <domain> (and of <os>) means to xbuild. */
enum xe_kind {
	XE_VALUE, /* text, into cfg_set() */
	XE_UUID, /* text; libvirt also takes 32 digits without dashes */
	XE_SIZE, /* text and unit='...' (KiB by default) */
	XE_VCPU, /* <vcpu current='N' cpuset='...'>MAX</vcpu> */
	XE_OS, /* <os>: the os_elems below */
	XE_OSTYPE, /* <os><type machine='...'>: PV or PVH */
	XE_CPU, /* <cpu>: its <feature policy= name=> children */
	XE_DEVICES, /* each child is a device (cfg_device), but those below */
	XE_SECLABEL, /* <seclabel type='none'> quiet, a label warned */
	XE_QUIET, /* for people and other tools: not even a warning */
};

struct xml_elem {
	const char *name;
	enum xe_kind kind;
	enum cfg_key ck;
};

static const struct xml_elem domain_elems[] = {
	{ "name", XE_VALUE, CK_NAME },
	{ "uuid", XE_UUID, CK_UUID },
	{ "memory", XE_SIZE, CK_MAXMEM },
	{ "currentMemory", XE_SIZE, CK_MEMORY },
	{ "vcpu", XE_VCPU, CK_MAXVCPUS },
	{ "os", XE_OS, CK_OS },
	{ "cpu", XE_CPU, CK_CPUID },
	{ "on_poweroff", XE_VALUE, CK_ON_POWEROFF },
	{ "on_reboot", XE_VALUE, CK_ON_REBOOT },
	{ "on_crash", XE_VALUE, CK_ON_CRASH },
	{ "bootloader", XE_VALUE, CK_BOOTLOADER },
	{ "devices", XE_DEVICES, CK_DEVICES },
	{ "description", XE_QUIET, CK_NR },
	{ "title", XE_QUIET, CK_NR },
	{ "metadata", XE_QUIET, CK_NR },
	/* What `virsh dumpxml` writes for every Xen PV domain and means
	 * nothing to a PV builder: the guest keeps time with Xen (<clock>
	 * sets an HVM RTC), <features> are HVM's (acpi, apic, pae), and
	 * <resource> is libvirt's cgroup partition. */
	{ "clock", XE_QUIET, CK_NR },
	{ "features", XE_QUIET, CK_NR },
	{ "resource", XE_QUIET, CK_NR },
	{ "seclabel", XE_SECLABEL, CK_NR },
};

/*
 * Children of <devices> that are not devices a toolstack would set up for
 * a PV guest: <console> (pty) is the PV console xbuild provides, <serial
 * type='pty'> libvirt's alias of it; <input> (the vkb of a framebuffer),
 * <video> (its model) and <memballoon> (the in-guest balloon driver) come
 * with every dumpxml; <emulator> is the device model's path and <controller
 * type='xenbus'> the bus every PV guest has.  type: the type attribute
 * that makes one quiet, NULL for any.
 */
static const struct {
	const char *name, *type;
} quiet_devices[] = {
	{ "console", "pty" },	    { "serial", "pty" },
	{ "input", NULL },	    { "video", NULL },
	{ "memballoon", NULL },	    { "emulator", NULL },
	{ "controller", "xenbus" },
};

static bool quiet_device(struct xctx *x, xmlNodePtr d)
{
	for (size_t i = 0; i < XB_ARRAY_SIZE(quiet_devices); i++) {
		char *type;
		bool quiet;

		if (!is(d, quiet_devices[i].name))
			continue;
		if (!quiet_devices[i].type)
			return true;
		type = attr(x, d, "type");
		/* A console without a type is libvirt's pty. */
		quiet = type ? !strcmp(type, quiet_devices[i].type) :
			       !strcmp(quiet_devices[i].name, "console");
		xml_free(x, type);
		return quiet;
	}
	return false;
}

static const struct xml_elem os_elems[] = {
	{ "type", XE_OSTYPE, CK_OS_TYPE },
	{ "kernel", XE_VALUE, CK_KERNEL },
	{ "initrd", XE_VALUE, CK_RAMDISK },
	{ "cmdline", XE_VALUE, CK_CMDLINE },
};

static int warn_elem(struct xctx *x, xmlNodePtr n, const char *path,
		     const char *why)
{
	const char *name = (const char *)n->name;
	char what[128];

	snprintf(what, sizeof(what), "element %s<%.64s%s>", path, name,
		 strlen(name) > 64 ? "..." : "");
	return cfg_warn_ignored(&x->cx, what + 8, what, (int)line_of(x, n), 1,
				why);
}

static int set_text(struct xctx *x, xmlNodePtr n, enum cfg_key k)
{
	struct cfg_val v = { .numfmt = XB_NUM_DEC, .line = (int)line_of(x, n) };
	char *t = NULL;
	int r = text_of(x, n, &t);

	if (!r) {
		v.s = t;
		r = cfg_set(&x->cx, k, &v);
	}
	free(t);
	return r;
}

static int do_uuid(struct xctx *x, xmlNodePtr n)
{
	struct cfg_val v = { .numfmt = XB_NUM_DEC, .line = (int)line_of(x, n) };
	char *t = NULL, hex[40];
	int r = text_of(x, n, &t);

	if (r)
		return r;
	v.s = t;
	if (strlen(t) == 32 && !strchr(t, '-')) {
		size_t k = 0;

		for (size_t i = 0; i < 32; i++) {
			if (i == 8 || i == 12 || i == 16 || i == 20)
				hex[k++] = '-';
			hex[k++] = t[i];
		}
		hex[k] = '\0';
		v.s = hex;
		v.shown = t; /* as written */
	}
	r = cfg_set(&x->cx, CK_UUID, &v);
	free(t);
	return r;
}

/* <memory> / <currentMemory>: a size in the unit the attribute names. */
static int do_size(struct xctx *x, xmlNodePtr n, enum cfg_key k)
{
	struct cfg_val v = { .numfmt = XB_NUM_DEC, .line = (int)line_of(x, n) };
	char *t = NULL, *u = attr(x, n, "unit"), su[40];
	int r = text_of(x, n, &t);

	if (r)
		goto out;
	v.s = t;
	v.unit = "KiB"; /* libvirt's default */
	v.scale = 1024;
	if (u && *u) {
		cfg_show(u, false, su, 24);
		if (!xb_unit_scale(u, strlen(u), &v.scale)) {
			r = xb_fail(x->e, XB_EINPUT,
				    "%s:%d: <%s unit='%s'>: unknown "
				    "unit (b, KiB, MiB, GiB, TiB, KB, MB, ...)",
				    x->fname, v.line, (const char *)n->name,
				    su);
			goto out;
		}
		v.unit = su;
	}
	r = cfg_set(&x->cx, k, &v);
out:
	free(t);
	xml_free(x, u);
	return r;
}

static int do_vcpu(struct xctx *x, xmlNodePtr n)
{
	char *cur = attr(x, n, "current"), *cpuset = attr(x, n, "cpuset");
	int r = set_text(x, n, CK_MAXVCPUS);

	if (!r && cur) {
		struct cfg_val v = { .s = cur,
				     .numfmt = XB_NUM_DEC,
				     .line = (int)line_of(x, n) };

		r = cfg_set(&x->cx, CK_VCPUS, &v);
	} else if (!r) {
		x->cx.c->vcpus = x->cx.c->maxvcpus;
	}
	if (!r && cpuset &&
	    xb_warn_key(&x->cx.c->warnings, "ignored:<vcpu cpuset>", 1,
			"%s:%ld: <vcpu cpuset=...> is not acted on by xbuild",
			x->fname, line_of(x, n)) < 0)
		r = xb_fail(x->e, XB_EINTERNAL, "out of memory");
	xml_free(x, cur);
	xml_free(x, cpuset);
	return r;
}

/*
 * <os><type machine='M'>T</type>: libvirt's libxl driver writes a PVH
 * guest as T "xenpvh" (machine 'xenpvh'), older ones as T "xen" or "linux"
 * with machine 'xenpvh'; machine 'xenpv' or none is PV.
 */
static int do_ostype(struct xctx *x, xmlNodePtr n)
{
	struct cfg_val v = { .numfmt = XB_NUM_DEC, .line = (int)line_of(x, n) };
	char *t = NULL, *m = attr(x, n, "machine"), sm[40], st[80];
	int r = text_of(x, n, &t);

	if (r)
		goto out;
	v.s = t;
	if (m && strcmp(m, "xenpv") && strcmp(m, "xenpvh")) {
		r = xb_fail(x->e, XB_EINPUT,
			    "%s:%d: <os><type machine='%s'>: not a Xen PV or "
			    "PVH machine ('xenpv' or 'xenpvh')",
			    x->fname, v.line, cfg_show(m, false, sm, 24));
		goto out;
	}
	if (m && !strcmp(m, "xenpv") && !strcmp(t, "xenpvh")) {
		r = xb_fail(x->e, XB_EINPUT,
			    "%s:%d: <os><type machine='xenpv'>xenpvh</type>: "
			    "the machine is PV, the type PVH; give one",
			    x->fname, v.line);
		goto out;
	}
	if (m && !strcmp(m, "xenpvh") &&
	    (!strcmp(t, "linux") || !strcmp(t, "xen"))) {
		v.s = "xenpvh";
		snprintf(st, sizeof(st), "%s (machine 'xenpvh')",
			 cfg_show(t, false, sm, 24));
		v.shown = st;
	}
	r = cfg_set(&x->cx, CK_OS_TYPE, &v);
out:
	free(t);
	xml_free(x, m);
	return r;
}

/*
 * <cpu><feature policy='P' name='N'/>...</cpu>: as libvirt's libxl driver
 * hands them to xl's cpuid ("host,N=V"): force and require set the bit,
 * disable and forbid clear it, optional leaves it to the default policy.
 * Names are libvirt's (cpu_map), translated where xl's differ.  <cpu>'s
 * other children (model, topology, ...) are warned about.
 */
static int do_cpu(struct xctx *x, xmlNodePtr n)
{
	static const struct {
		const char *policy;
		char value;
	} policies[] = {
		{ "force", '1' },   { "require", '1' }, { "optional", 'x' },
		{ "disable", '0' }, { "forbid", '0' },
	};
	struct cfg_val host = { .s = "host", .line = (int)line_of(x, n) };
	int r = cfg_set(&x->cx, CK_CPUID, &host);
	char *mode = attr(x, n, "mode"), sm[40];

	/* host-passthrough is what a Xen guest gets anyway (the host's
	 * policy); the other modes ask for a CPU model. */
	if (!r && mode && strcmp(mode, "host-passthrough")) {
		char what[80];

		snprintf(what, sizeof(what), "<cpu mode='%s'>",
			 cfg_show(mode, false, sm, 24));
		r = cfg_warn_ignored(&x->cx, "<cpu mode>", what,
				     (int)line_of(x, n), 1,
				     "is not acted on by xbuild");
	}
	xml_free(x, mode);

	for (xmlNodePtr f = n->children; f && !r; f = f->next) {
		char *p, *name, elem[200], sp[40], sn[80];
		const struct cfg_cpuid_feature *cf = NULL;
		int line = (int)line_of(x, f);
		char value = 0;

		if (f->type != XML_ELEMENT_NODE)
			continue;
		if (!is(f, "feature")) {
			r = warn_elem(x, f, "<cpu>",
				      "is not acted on by xbuild");
			continue;
		}
		p = attr(x, f, "policy");
		name = attr(x, f, "name");
		/* libvirt's default policy is require */
		for (size_t i = 0; i < XB_ARRAY_SIZE(policies); i++)
			if (!strcmp(p ? p : "require", policies[i].policy))
				value = policies[i].value;
		snprintf(elem, sizeof(elem), "<feature policy='%s' name='%s'>",
			 cfg_show(p ? p : "", false, sp, 24),
			 cfg_show(name ? name : "", false, sn, 60));
		if (name)
			cf = cfg_cpuid_find(cfg_cpuid_libvirt_name(name),
					    strlen(cfg_cpuid_libvirt_name(
						    name)));
		if (!value)
			r = xb_fail(x->e, XB_EINPUT,
				    "%s:%d: %s: the policy is force, require, "
				    "optional, disable or forbid",
				    x->fname, line, elem);
		else if (!cf)
			r = xb_fail(x->e, XB_EINPUT,
				    "%s:%d: %s: unknown feature name "
				    "(xbuild.cfg(5) lists them)",
				    x->fname, line, elem);
		else
			r = cfg_cpuid_feature(&x->cx, line, elem, strlen(elem),
					      cf, value);
		xml_free(x, p);
		xml_free(x, name);
	}
	return r;
}

static int walk(struct xctx *x, xmlNodePtr parent, const struct xml_elem *tab,
		size_t ntab, const char *path);

static int do_elem(struct xctx *x, xmlNodePtr n, const struct xml_elem *el)
{
	struct cfg_val none = { .s = "", .line = (int)line_of(x, n) };
	int r = 0;

	switch (el->kind) {
	case XE_VALUE: return set_text(x, n, el->ck);
	case XE_UUID: return do_uuid(x, n);
	case XE_SIZE: return do_size(x, n, el->ck);
	case XE_VCPU: return do_vcpu(x, n);
	case XE_OSTYPE: return do_ostype(x, n);
	case XE_CPU: return do_cpu(x, n);
	case XE_OS:
		r = cfg_set(&x->cx, el->ck, &none);
		return r ? r :
			   walk(x, n, os_elems, XB_ARRAY_SIZE(os_elems),
				"<os>");
	case XE_DEVICES:
		r = cfg_set(&x->cx, el->ck, &none);
		for (xmlNodePtr d = n->children; d && !r; d = d->next) {
			const char *name = (const char *)d->name;
			char key[72];

			if (d->type != XML_ELEMENT_NODE || quiet_device(x, d))
				continue;
			snprintf(key, sizeof(key), "<%.64s%s>", name,
				 strlen(name) > 64 ? "..." : "");
			r = cfg_device(&x->cx, key, (int)line_of(x, d), 1);
		}
		return r;
	case XE_SECLABEL: {
		char *type = attr(x, n, "type");
		bool unlabelled = type && !strcmp(type, "none");

		xml_free(x, type);
		return unlabelled ?
			       0 :
			       warn_elem(x, n, "", "is not acted on by xbuild");
	}
	case XE_QUIET: return 0;
	}
	return 0;
}

/* The children of parent, in document order, through tab; others warned. */
static int walk(struct xctx *x, xmlNodePtr parent, const struct xml_elem *tab,
		size_t ntab, const char *path)
{
	int r = 0;

	for (xmlNodePtr n = parent->children; n && !r; n = n->next) {
		const struct xml_elem *el = NULL;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (size_t i = 0; i < ntab && !el; i++)
			if (is(n, tab[i].name))
				el = &tab[i];
		r = el ? do_elem(x, n, el) :
			 warn_elem(x, n, path, "is not acted on by xbuild");
	}
	return r;
}

static int do_domain(struct xctx *x, xmlNodePtr dom)
{
	struct dom_config *c = x->cx.c;
	char *type = attr(x, dom, "type"), st[40];
	int r = 0;

	if (!type || strcmp(type, "xen"))
		r = xb_fail(x->e, XB_EINPUT,
			    "%s:%ld: <domain type='%s'>: xbuild "
			    "builds Xen PV and PVH guests (type='xen')",
			    x->fname, line_of(x, dom),
			    cfg_show(type ? type : "", false, st, 24));
	xml_free(x, type);
	if (!r)
		r = walk(x, dom, domain_elems, XB_ARRAY_SIZE(domain_elems), "");
	/* libvirt: <currentMemory> defaults to <memory>, as vcpus to <vcpu>. */
	if (!r && x->cx.o->line[CK_MAXMEM] && !x->cx.o->line[CK_MEMORY])
		c->memory_mb = c->maxmem_mb;
	return r;
}

int cfg_parse_xml(const char *fname, const char *buf, size_t len,
		  struct dom_config *c, struct xb_err *e)
{
	struct xctx x = { .fname = fname, .e = e };
	/* BIG_LINES: line numbers past 65535 in messages are right. */
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
		   XML_PARSE_BIG_LINES;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNodePtr root;
	int r;

#if LIBXML_VERSION >= 21300
	opts |= XML_PARSE_NO_XXE;
#endif
	r = cfg_begin(&x.cx, CFG_XML, fname, buf, len, c, e);
	if (r)
		return r;
	if ((r = xml_open(&x.lib, fname, e)))
		return r;
	ctxt = x.lib.new_ctxt();
	if (!ctxt)
		return xb_fail(e, XB_EINTERNAL, "out of memory");
#if LIBXML_VERSION >= 21300
	x.lib.set_error(ctxt, xml_error, &x);
#else
	ctxt->_private = &x;
	ctxt->sax->serror = xml_error;
	ctxt->sax->initialized = XML_SAX2_MAGIC;
#endif
	doc = x.lib.read_memory(ctxt, buf, (int)len, fname, NULL, opts);
	if (!doc || x.have_err) {
		if (x.have_err)
			r = xb_fail(e, XB_EINPUT, "%s:%d:%d: %s", fname,
				    x.eline, x.ecol, x.emsg);
		else
			r = xb_fail(e, XB_EINPUT, "%s: not well-formed XML",
				    fname);
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		r = xb_fail(e, XB_EINPUT,
			    "%s: a <!DOCTYPE> is not accepted in a "
			    "domain XML",
			    fname);
		goto out;
	}
	root = x.lib.root(doc);
	if (!root || !is(root, "domain")) {
		r = xb_fail(e, XB_EINPUT,
			    "%s: the root element must be <domain "
			    "type='xen'>",
			    fname);
		goto out;
	}
	r = do_domain(&x, root);
out:
	x.lib.free_doc(doc);
	x.lib.free_ctxt(ctxt);
	return r;
}
