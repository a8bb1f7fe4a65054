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
 * The XML is untrusted: no network, no DTD loading, no entity expansion
 * (a document with a DOCTYPE is refused outright, so there are no entities
 * to expand), and libxml2's messages go to our error record, not stderr.
 */
#include "config_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

struct xctx {
	const char *fname;
	struct dom_config *c;
	struct xb_err *e;
	/* the first libxml2 error */
	bool have_err;
	int eline, ecol;
	char emsg[200];
	/* element names already warned about */
	char seen[32][40];
	unsigned nseen;
};

#if LIBXML_VERSION >= 21200
typedef const xmlError *xb_xml_err_t;
#else
typedef xmlErrorPtr xb_xml_err_t;
#endif

static void record_error(struct xctx *x, xb_xml_err_t err)
{
	size_t n;

	if (x->have_err || !err || err->level < XML_ERR_ERROR)
		return;
	x->have_err = true;
	x->eline = err->line;
	x->ecol = err->int2;
	snprintf(x->emsg, sizeof(x->emsg), "%s",
		 err->message ? err->message : "malformed XML");
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
	xmlParserCtxtPtr ctxt = data;	/* ctxt->userData is the context */

	record_error(ctxt->_private, err);
}
#endif

static long line_of(xmlNodePtr n)
{
	return xmlGetLineNo(n);
}

static bool is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Warn once per element name ("<disk>", "<os><loader>"). */
static int warn_once(struct xctx *x, xmlNodePtr n, const char *path,
		     const char *why)
{
	char key[40];

	snprintf(key, sizeof(key), "%s%.32s", path, (const char *)n->name);
	for (unsigned i = 0; i < x->nseen; i++)
		if (!strcmp(x->seen[i], key))
			return 0;
	if (x->nseen < XB_ARRAY_SIZE(x->seen))
		strcpy(x->seen[x->nseen++], key);
	if (xb_warn(&x->c->warnings, "%s:%ld: element %s<%.32s> is not acted on "
		    "by xbuild%s", x->fname, line_of(n), path,
		    (const char *)n->name, why) < 0)
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	return 0;
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
		if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
			size_t l = k->content ? strlen((const char *)k->content) : 0;

			if (xb_add_ovf(len, l, &len))
				return xb_fail(x->e, XB_EINPUT, "%s: too long", x->fname);
		} else if (k->type != XML_COMMENT_NODE && k->type != XML_PI_NODE) {
			return xb_fail(x->e, XB_EINPUT, "%s:%ld: <%.32s>: expected "
				       "text only", x->fname, line_of(n),
				       (const char *)n->name);
		}
	}
	s = malloc(len + 1);
	if (!s)
		return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	len = 0;
	for (xmlNodePtr k = n->children; k; k = k->next)
		if ((k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) &&
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

static bool parse_dec(const char *s, uint64_t *v)
{
	uint64_t r = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (xb_mul_ovf(r, (uint64_t)10, &r) ||
		    xb_add_ovf(r, (uint64_t)(*s - '0'), &r))
			return false;
	}
	*v = r;
	return true;
}

/* An attribute value (malloc'd by libxml2) or NULL. */
static char *attr(xmlNodePtr n, const char *name)
{
	return (char *)xmlGetNoNsProp(n, (const xmlChar *)name);
}

/* libvirt's virScaleInteger: b/bytes, k/KiB (1024), KB (1000), ..., E. */
static bool unit_scale(const char *u, uint64_t *scale)
{
	uint64_t base = 1024, s = 1;
	int pow;

	if (!u || !*u) {	/* default: KiB */
		*scale = 1024;
		return true;
	}
	if (!strcasecmp(u, "b") || !strcasecmp(u, "byte") || !strcasecmp(u, "bytes")) {
		*scale = 1;
		return true;
	}
	if (u[1]) {
		if (!strcasecmp(u + 1, "iB"))
			base = 1024;
		else if (!strcasecmp(u + 1, "B"))
			base = 1000;
		else
			return false;
	}
	switch (tolower((unsigned char)u[0])) {
	case 'k': pow = 1; break;
	case 'm': pow = 2; break;
	case 'g': pow = 3; break;
	case 't': pow = 4; break;
	case 'p': pow = 5; break;
	case 'e': pow = 6; break;
	default: return false;
	}
	while (pow--)
		s *= base;
	*scale = s;
	return true;
}

/* <memory> / <currentMemory>: MiB, rounded up. */
static int mem_of(struct xctx *x, xmlNodePtr n, uint64_t *mb)
{
	char *t = NULL, *u = attr(n, "unit");
	uint64_t v, scale, bytes;
	int r;

	r = text_of(x, n, &t);
	if (r)
		goto out;
	if (!unit_scale(u, &scale)) {
		r = xb_fail(x->e, XB_EINPUT, "%s:%ld: <%s unit='%.20s'>: unknown "
			    "unit (b, KiB, MiB, GiB, TiB, KB, MB, ...)", x->fname,
			    line_of(n), (const char *)n->name, u);
		goto out;
	}
	if (!parse_dec(t, &v) || xb_mul_ovf(v, scale, &bytes) ||
	    bytes > (XB_MEMORY_MAX_MB << 20) || bytes == 0) {
		r = xb_fail(x->e, XB_EINPUT, "%s:%ld: <%s>%.40s</%s>: expected a "
			    "size between 1 MiB and %llu MiB", x->fname,
			    line_of(n), (const char *)n->name, t,
			    (const char *)n->name,
			    (unsigned long long)XB_MEMORY_MAX_MB);
		goto out;
	}
	*mb = (bytes + (1 << 20) - 1) >> 20;
	if (bytes & ((1 << 20) - 1) &&
	    xb_warn(&x->c->warnings, "%s:%ld: <%s> is not a whole number of MiB, "
		    "rounded up to %llu MiB", x->fname, line_of(n),
		    (const char *)n->name, (unsigned long long)*mb) < 0)
		r = xb_fail(x->e, XB_EINTERNAL, "out of memory");
out:
	free(t);
	xmlFree(u);
	return r;
}

static int vcpus_of(struct xctx *x, xmlNodePtr n, const char *what,
		    const char *s, unsigned *out)
{
	uint64_t v;

	if (!parse_dec(s, &v) || v < 1 || v > XB_VCPUS_MAX)
		return xb_fail(x->e, XB_EINPUT, "%s:%ld: <vcpu%s>: '%.20s' is not "
			       "a number of vCPUs (1..%d)", x->fname, line_of(n),
			       what, s, XB_VCPUS_MAX);
	*out = (unsigned)v;
	return 0;
}

static int do_vcpu(struct xctx *x, xmlNodePtr n)
{
	char *t = NULL, *cur = attr(n, "current"), *cpuset = attr(n, "cpuset");
	int r = text_of(x, n, &t);

	if (!r)
		r = vcpus_of(x, n, "", t, &x->c->maxvcpus);
	x->c->vcpus = x->c->maxvcpus;
	if (!r && cur)
		r = vcpus_of(x, n, " current", cur, &x->c->vcpus);
	if (!r && cpuset &&
	    xb_warn(&x->c->warnings, "%s:%ld: <vcpu cpuset=...> is not acted on "
		    "by xbuild", x->fname, line_of(n)) < 0)
		r = xb_fail(x->e, XB_EINTERNAL, "out of memory");
	free(t);
	xmlFree(cur);
	xmlFree(cpuset);
	return r;
}

static int set_text(struct xctx *x, xmlNodePtr n, char **dst)
{
	char *t;
	int r = text_of(x, n, &t);

	if (r)
		return r;
	free(*dst);
	*dst = t;
	return 0;
}

static int do_os(struct xctx *x, xmlNodePtr os)
{
	struct dom_config *c = x->c;
	bool have_type = false;
	int r = 0;

	for (xmlNodePtr n = os->children; n && !r; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is(n, "type")) {
			char *t;

			if ((r = text_of(x, n, &t)))
				break;
			if (strcmp(t, "linux") && strcmp(t, "xen"))
				r = xb_fail(x->e, XB_EINPUT, "%s:%ld: <os><type>%.20s"
					    "</type>: xbuild builds PV guests only "
					    "(linux or xen)", x->fname, line_of(n), t);
			free(t);
			have_type = true;
		} else if (is(n, "kernel")) {
			r = set_text(x, n, &c->kernel);
		} else if (is(n, "initrd")) {
			r = set_text(x, n, &c->ramdisk);
			if (!r && !c->ramdisk[0]) {
				free(c->ramdisk);
				c->ramdisk = NULL;
			}
		} else if (is(n, "cmdline")) {
			r = set_text(x, n, &c->cmdline);
		} else {
			r = warn_once(x, n, "<os>", "");
		}
	}
	if (!r && !have_type)
		r = xb_fail(x->e, XB_EINPUT, "%s:%ld: <os>: <type>linux</type> is "
			    "required", x->fname, line_of(os));
	return r;
}

static int do_action(struct xctx *x, xmlNodePtr n, char *dst)
{
	char *t;
	int r = text_of(x, n, &t);

	if (r)
		return r;
	if (!cfg_action_ok(t))
		r = xb_fail(x->e, XB_EINPUT, "%s:%ld: <%s>%.30s</%s>: not an action "
			    "(%s)", x->fname, line_of(n), (const char *)n->name,
			    t, (const char *)n->name, cfg_actions_list);
	else
		strcpy(dst, t);
	free(t);
	return r;
}

static int do_uuid(struct xctx *x, xmlNodePtr n)
{
	char *t, hex[40];
	size_t k = 0;
	int r = text_of(x, n, &t);

	if (r)
		return r;
	if (!cfg_uuid_parse(t, x->c->uuid)) {
		/* libvirt also takes the 32 digits without dashes. */
		bool ok = strlen(t) == 32;

		for (size_t i = 0; ok && i < 32; i++) {
			if (i == 8 || i == 12 || i == 16 || i == 20)
				hex[k++] = '-';
			hex[k++] = t[i];
		}
		hex[k] = '\0';
		if (!ok || !cfg_uuid_parse(hex, x->c->uuid))
			r = xb_fail(x->e, XB_EINPUT, "%s:%ld: <uuid>%.40s</uuid>: "
				    "expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
				    x->fname, line_of(n), t);
	}
	x->c->has_uuid = !r;
	free(t);
	return r;
}

static int do_name(struct xctx *x, xmlNodePtr n)
{
	char *t;
	int r = text_of(x, n, &t);

	if (r)
		return r;
	if (!cfg_name_ok(t))
		r = xb_fail(x->e, XB_EINPUT, "%s:%ld: <name>%.40s</name>: must be "
			    "1 to %d characters of [A-Za-z0-9_.-]", x->fname,
			    line_of(n), t, XB_NAME_MAX - 1);
	else
		strcpy(x->c->name, t);
	free(t);
	return r;
}

static int do_domain(struct xctx *x, xmlNodePtr dom)
{
	static const char *const once[] = {
		"name", "uuid", "memory", "currentMemory", "vcpu", "os",
		"on_poweroff", "on_reboot", "on_crash", "devices", "bootloader",
	};
	struct dom_config *c = x->c;
	xmlNodePtr boot = NULL;
	bool have_cur = false, have_mem = false;
	uint64_t cur = 0;
	unsigned seen = 0;
	char *type = attr(dom, "type");
	int r = 0;

	if (!type || strcmp(type, "xen"))
		r = xb_fail(x->e, XB_EINPUT, "%s:%ld: <domain type='%.20s'>: xbuild "
			    "builds Xen PV guests (type='xen')", x->fname,
			    line_of(dom), type ? type : "");
	xmlFree(type);
	for (xmlNodePtr n = dom->children; n && !r; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (unsigned i = 0; i < XB_ARRAY_SIZE(once); i++) {
			if (!is(n, once[i]))
				continue;
			if (seen & (1u << i))
				return xb_fail(x->e, XB_EINPUT, "%s:%ld: <%s> "
					       "given twice", x->fname,
					       line_of(n), once[i]);
			seen |= 1u << i;
		}
		if (is(n, "name")) {
			r = do_name(x, n);
		} else if (is(n, "uuid")) {
			r = do_uuid(x, n);
		} else if (is(n, "memory")) {
			r = mem_of(x, n, &c->maxmem_mb);
			have_mem = true;
		} else if (is(n, "currentMemory")) {
			r = mem_of(x, n, &cur);
			have_cur = true;
		} else if (is(n, "vcpu")) {
			r = do_vcpu(x, n);
		} else if (is(n, "os")) {
			r = do_os(x, n);
		} else if (is(n, "on_poweroff")) {
			r = do_action(x, n, c->on_poweroff);
		} else if (is(n, "on_reboot")) {
			r = do_action(x, n, c->on_reboot);
		} else if (is(n, "on_crash")) {
			r = do_action(x, n, c->on_crash);
		} else if (is(n, "bootloader")) {
			boot = n;
		} else if (is(n, "devices")) {
			for (xmlNodePtr d = n->children; d && !r; d = d->next)
				if (d->type == XML_ELEMENT_NODE)
					r = warn_once(x, d, "", " (devices are "
						      "the toolstack's job)");
		} else if (is(n, "description") || is(n, "title") ||
			   is(n, "metadata")) {
			continue;	/* for people and other tools */
		} else {
			r = warn_once(x, n, "", "");
		}
	}
	if (r)
		return r;
	if (!have_mem)
		return xb_fail(x->e, XB_EINPUT, "%s: <memory> is required",
			       x->fname);
	c->memory_mb = have_cur ? cur : c->maxmem_mb;
	if (c->memory_mb > c->maxmem_mb)
		return xb_fail(x->e, XB_EINPUT, "%s: <currentMemory> (%llu MiB) is "
			       "more than <memory> (%llu MiB)", x->fname,
			       (unsigned long long)c->memory_mb,
			       (unsigned long long)c->maxmem_mb);
	if (boot) {
		if (!c->kernel || !c->kernel[0])
			return xb_fail(x->e, XB_EINPUT, "%s:%ld: <bootloader>: xbuild "
				       "cannot run a boot loader; give <os><kernel> "
				       "(and <initrd>)", x->fname, line_of(boot));
		if (xb_warn(&c->warnings, "%s:%ld: <bootloader> is ignored: xbuild "
			    "loads <os><kernel> directly", x->fname,
			    line_of(boot)) < 0)
			return xb_fail(x->e, XB_EINTERNAL, "out of memory");
	}
	return 0;
}

int cfg_parse_xml(const char *fname, const char *buf, size_t len,
		  struct dom_config *c, struct xb_err *e)
{
	struct xctx x = { .fname = fname, .c = c, .e = e };
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNodePtr root;
	int r;

#if LIBXML_VERSION >= 21300
	opts |= XML_PARSE_NO_XXE;
#endif
	if (!c->source && !(c->source = strdup(fname)))
		return xb_fail(e, XB_EINTERNAL, "out of memory");
	if (len > XB_CONFIG_MAX)
		return xb_fail(e, XB_EINPUT, "%s: config is %zu bytes, the limit "
			       "is %u", fname, len, XB_CONFIG_MAX);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return xb_fail(e, XB_EINTERNAL, "out of memory");
#if LIBXML_VERSION >= 21300
	xmlCtxtSetErrorHandler(ctxt, xml_error, &x);
#else
	ctxt->_private = &x;
	ctxt->sax->serror = xml_error;
	ctxt->sax->initialized = XML_SAX2_MAGIC;
#endif
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, fname, NULL, opts);
	if (!doc || x.have_err) {
		if (x.have_err)
			r = xb_fail(e, XB_EINPUT, "%s:%d:%d: XML error: %s", fname,
				    x.eline, x.ecol, x.emsg);
		else
			r = xb_fail(e, XB_EINPUT, "%s: not well-formed XML", fname);
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		r = xb_fail(e, XB_EINPUT, "%s: a <!DOCTYPE> is not accepted in a "
			    "domain XML", fname);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (!root || !is(root, "domain")) {
		r = xb_fail(e, XB_EINPUT, "%s: the root element must be <domain "
			    "type='xen'>", fname);
		goto out;
	}
	r = do_domain(&x, root);
	if (!r)
		r = cfg_finish(c, e);
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return r;
}
