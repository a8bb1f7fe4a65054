/*
 * print.c - every result and error xbuild prints: text for people, JSON
 * (json.h; doc/xbuild.schema.json, documented in xbuild(1)) for programs,
 * the result:/error: lines of XenServer's control-fd protocol.
 */
#include "print.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"

const char *safe(char *buf, size_t cap, const char *s)
{
	char tmp[4 * XB_MSG_MAX];
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)s;
	     *p && o + 5 < sizeof(tmp); p++) {
		if (*p == '\\' || *p == '\n' || *p == '\t') {
			tmp[o++] = '\\';
			tmp[o++] = *p == '\n' ? 'n' : *p == '\t' ? 't' : '\\';
		} else if (*p < 0x20 || *p > 0x7e) {
			o += (size_t)snprintf(tmp + o, 5, "\\x%02x", *p);
		} else {
			tmp[o++] = (char)*p;
		}
	}
	tmp[o] = '\0';
	xb_shorten(buf, cap, tmp);
	return buf;
}

const char *exit_class(int code)
{
	switch (code) {
	case XB_EUSAGE: return "usage";
	case XB_EINPUT: return "input";
	case XB_EHV: return "hypervisor";
	case XB_EINTERNAL: return "internal";
	}
	return code >= 128 ? "signal" : "internal";
}

void print_error(const struct cli *c, const struct xb_err *e, int code)
{
	char line[SAFE_MAX];

	safe(line, sizeof(line), e->msg);
	fprintf(stderr, "xbuild: %s\n", line);
	if (c->json) {
		struct json j;

		json_doc(&j, stdout, cmd_name(c->cmd));
		json_obj(&j, "error");
		json_u64(&j, "code", (uint64_t)code);
		json_str(&j, "class", exit_class(code));
		json_str(&j, "message", e->msg);
		json_end(&j);
		fflush(stdout);
	}
	if (c->control_fd >= 0)
		dprintf(c->control_fd, "error:%s\n", line);
}

void print_version(const struct cli *c)
{
	struct json j;

	if (!c->json) {
		printf("xbuild %s\n", XB_VERSION);
		return;
	}
	json_doc(&j, stdout, "version");
	json_str(&j, "xbuild", XB_VERSION);
	json_end(&j);
}

const char *human_size(uint64_t b, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	unsigned u = 0;
	uint64_t div = 1024, t;

	if (b < 1024) {
		snprintf(buf, len, "%" PRIu64 " byte%s", b, b == 1 ? "" : "s");
		return buf;
	}
	/* The largest unit that keeps the number >= 1; one decimal, rounded
	 * ((b % div) * 10 cannot overflow: div <= 2^60). */
	while (u + 1 < XB_ARRAY_SIZE(units) && b / div >= 1024) {
		div <<= 10;
		u++;
	}
	t = b / div * 10 + ((b % div) * 10 + div / 2) / div;
	snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " %s", t / 10, t % 10,
		 units[u]);
	return buf;
}

const char *human_time(uint64_t ns, char *buf, size_t len)
{
	if (ns < 10000000) /* below 10 ms: one decimal */
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " ms", ns / 1000000,
			 ns / 100000 % 10);
	else if (ns < 1000000000)
		snprintf(buf, len, "%" PRIu64 " ms", (ns + 500000) / 1000000);
	else
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " s", ns / 1000000000,
			 ns / 100000000 % 10);
	return buf;
}

/*
 * One warning as an object: file and line from the message's "FILE:LINE: "
 * (the config front ends start every message so, FILE being cfg->source),
 * key from its coalescing key "KIND:KEY" (config_int.h); null when the
 * warning has none (the summary of dropped warnings).
 */
static void warning_json(struct json *j, const struct dom_config *cfg, size_t i)
{
	const char *msg = cfg->warnings.v[i];
	const char *key = xb_warning_key(&cfg->warnings, i);
	const char *src = cfg->source;
	size_t sl = src ? strlen(src) : 0;
	uint64_t line = 0;
	bool at = false;

	if (src && !strncmp(msg, src, sl) && msg[sl] == ':' &&
	    isdigit((unsigned char)msg[sl + 1])) {
		const char *p = msg + sl + 1;

		while (isdigit((unsigned char)*p) && line < 1000000000)
			line = line * 10 + (uint64_t)(*p++ - '0');
		at = *p == ':';
	}
	if (key && strchr(key, ':'))
		key = strchr(key, ':') + 1;
	json_obj(j, NULL);
	json_str(j, "file", at ? src : NULL);
	if (at)
		json_u64(j, "line", line);
	else
		json_null(j, "line");
	json_str(j, "key", key);
	json_str(j, "message", msg);
	json_close(j, '}');
}

/* Warnings go into the JSON document, or to stderr in text mode. */
static void warnings(const struct cli *c, const struct dom_config *cfg,
		     struct json *j)
{
	if (j) {
		json_arr(j, "warnings");
		for (size_t i = 0; i < cfg->warnings.n; i++)
			warning_json(j, cfg, i);
		json_close(j, ']');
	} else if (!c->json && !c->quiet) {
		char line[SAFE_MAX];

		for (size_t i = 0; i < cfg->warnings.n; i++)
			fprintf(stderr, "xbuild: warning: %s\n",
				safe(line, sizeof(line), cfg->warnings.v[i]));
	}
}

/* --timings: one line per phase on stderr, or a "timings" array. */
static void timings(const struct cli *c, struct json *j)
{
	const struct timings *tm = c->tm;
	uint64_t total = 0;
	char t[32];

	if (!tm)
		return;
	if (j) {
		json_arr(j, "timings");
		for (unsigned i = 0; i < tm->n; i++) {
			json_obj(j, NULL);
			json_str(j, "phase", tm->v[i].phase);
			json_u64(j, "us", tm->v[i].ns / 1000);
			json_close(j, '}');
		}
		json_close(j, ']');
		return;
	}
	for (unsigned i = 0; i < tm->n; i++) {
		fprintf(stderr, "xbuild: timing: %-14s %s\n", tm->v[i].phase,
			human_time(tm->v[i].ns, t, sizeof(t)));
		total += tm->v[i].ns;
	}
	fprintf(stderr, "xbuild: timing: %-14s %s\n", "total",
		human_time(total, t, sizeof(t)));
}

/* With a cache directory: "kernel_cache", whether the kernel came from
 * its entry (hit), was stored there, which entry, and why not. */
static void kernel_cache(const struct session *s, struct json *j)
{
	const struct kcache *k = &s->kc;

	if (!k->on)
		return;
	json_obj(j, "kernel_cache");
	json_bool(j, "hit", k->hit);
	json_bool(j, "stored", k->stored);
	json_str(j, "entry", k->used ? k->entry : NULL);
	json_str(j, "note",
		 k->hit || k->stored || !k->note[0] ? NULL : k->note);
	json_close(j, '}');
}

/* What every build result carries besides its own fields. */
static void extras(const struct cli *c, const struct session *s, struct json *j)
{
	warnings(c, &s->cfg, j);
	timings(c, j);
	if (j)
		kernel_cache(s, j);
}

void print_run(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	struct json j;

	if (!c->json) {
		extras(c, s, NULL);
		printf("%u\n", d->domid);
		return;
	}
	json_doc(&j, stdout, "run");
	json_u64(&j, "domid", d->domid);
	json_str(&j, "name", s->cfg.name);
	json_bool(&j, "paused", c->paused);
	json_u64(&j, "store_mfn", d->store_mfn);
	json_u64(&j, "console_mfn", d->console_mfn);
	json_str(&j, "guest_type", d->gp->magic);
	extras(c, s, &j);
	json_end(&j);
}

void print_run_event(const struct cli *c, const struct run_event *ev)
{
	struct json j;

	if (!c->json) {
		char line[SAFE_MAX];

		if (ev->text && !c->quiet)
			fprintf(stderr, "xbuild: %s\n",
				safe(line, sizeof(line), ev->text));
		return;
	}
	json_doc(&j, stdout, "run");
	json_str(&j, "event", ev->event);
	json_u64(&j, "domid", ev->domid);
	json_str(&j, "name", ev->name);
	if (strcmp(ev->event, "signal")) {
		json_str(&j, "reason", ev->reason);
		json_str(&j, "action", ev->action);
	}
	if (!strcmp(ev->event, "shutdown"))
		json_str(&j, "renamed", ev->renamed);
	json_u64(&j, "restarts", ev->restarts);
	if (!strcmp(ev->event, "signal")) {
		json_u64(&j, "signal", (uint64_t)ev->signal);
		json_u64(&j, "timeout", (uint64_t)ev->timeout);
	} else if (!strcmp(ev->event, "exit")) {
		if (ev->signal)
			json_u64(&j, "signal", (uint64_t)ev->signal);
		else
			json_null(&j, "signal");
		json_u64(&j, "exit_code", (uint64_t)ev->exit_code);
	}
	json_end(&j);
	fflush(stdout);
}

void print_build(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	struct json j;

	if (c->control_fd >= 0)
		dprintf(c->control_fd, "result:%" PRIu64 " %" PRIu64 " %s\n",
			d->store_mfn, d->console_mfn, d->gp->abi);
	if (!c->json) {
		extras(c, s, NULL);
		printf("store_mfn %" PRIu64 "\nconsole_mfn %" PRIu64 "\n",
		       d->store_mfn, d->console_mfn);
		return;
	}
	json_doc(&j, stdout, "build");
	json_u64(&j, "domid", d->domid);
	json_u64(&j, "store_mfn", d->store_mfn);
	json_u64(&j, "console_mfn", d->console_mfn);
	json_str(&j, "guest_type", d->gp->magic);
	extras(c, s, &j);
	json_end(&j);
}

static const char *const from_names[] = {
	[CFG_FROM_DEFAULT] = "default",
	[CFG_FROM_FILE] = "file",
	[CFG_FROM_OVERRIDE] = "override",
	[CFG_FROM_OPTION] = "option",
};

/* check --resolved, text: one line a key, "KEY VALUE ORIGIN", like xl -N
 * create; strings quoted, untrusted text made safe. */
static void resolved_text(const struct dom_config *cfg)
{
	struct cfg_item it[CFG_ITEMS_MAX];
	size_t n = cfg_items(cfg, it, CFG_ITEMS_MAX);

	for (size_t i = 0; i < n; i++) {
		char val[SAFE_MAX + 2], from[SAFE_MAX + 64], s1[SAFE_MAX];

		if (it[i].type == CFG_VSTR)
			snprintf(val, sizeof(val), "\"%s\"",
				 safe(s1, sizeof(s1), it[i].str));
		else if (it[i].type == CFG_VNONE)
			snprintf(val, sizeof(val), "(%s)", it[i].none);
		else
			snprintf(val, sizeof(val), "%" PRIu64 "%s%s", it[i].num,
				 it[i].unit ? " " : "",
				 it[i].unit ? it[i].unit : "");
		switch (it[i].from) {
		case CFG_FROM_FILE:
			snprintf(from, sizeof(from), "%s:%d",
				 safe(s1, sizeof(s1), it[i].file), it[i].line);
			break;
		case CFG_FROM_OVERRIDE:
			snprintf(from, sizeof(from), "command line: %s",
				 safe(s1, sizeof(s1), it[i].arg));
			break;
		case CFG_FROM_OPTION:
			snprintf(from, sizeof(from), "%s", it[i].arg);
			break;
		default: snprintf(from, sizeof(from), "default"); break;
		}
		if (it[i].via) {
			size_t l = strlen(from);

			snprintf(from + l, sizeof(from) - l, " (%s)",
				 safe(s1, sizeof(s1), it[i].via));
		}
		printf("%-24s %-36s %s\n", it[i].key, val, from);
	}
}

/* check --resolved --json: "resolved", a list of the same. */
static void resolved_json(struct json *j, const struct dom_config *cfg)
{
	struct cfg_item it[CFG_ITEMS_MAX];
	size_t n = cfg_items(cfg, it, CFG_ITEMS_MAX);

	json_arr(j, "resolved");
	for (size_t i = 0; i < n; i++) {
		json_obj(j, NULL);
		json_str(j, "key", it[i].key);
		if (it[i].type == CFG_VSTR)
			json_str(j, "value", it[i].str);
		else if (it[i].type == CFG_VBOOL)
			json_bool(j, "value", it[i].num != 0);
		else if (it[i].type == CFG_VNUM)
			json_u64(j, "value", it[i].num);
		else
			json_null(j, "value");
		json_str(j, "unit", it[i].unit);
		json_str(j, "source", from_names[it[i].from]);
		json_str(j, "file",
			 it[i].from == CFG_FROM_FILE ? it[i].file : NULL);
		if (it[i].from == CFG_FROM_FILE)
			json_u64(j, "line", (uint64_t)it[i].line);
		else
			json_null(j, "line");
		json_str(j, "arg", it[i].arg);
		json_str(j, "via", it[i].via);
		json_close(j, '}');
	}
	json_close(j, ']');
}

void print_check(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	struct json j;

	if (!c->json) {
		char arg[SAFE_MAX];

		warnings(c, &s->cfg, NULL);
		if (c->resolved)
			resolved_text(&s->cfg);
		printf("%s: ok: %s, %s%s kernel (%s, %s), %" PRIu64 " MiB\n",
		       safe(arg, sizeof(arg),
			    s->cfg.source ? s->cfg.source : "command line"),
		       s->cfg.name,
		       s->cfg.type == XB_DOM_PVH ? "PVH guest, " : "",
		       guest_params_get(d->kernel.guest)->magic,
		       d->kernel.format, d->kernel.compression,
		       s->cfg.memory_mb);
		return;
	}
	json_doc(&j, stdout, "check");
	json_bool(&j, "ok", true);
	json_str(&j, "name", s->cfg.name);
	json_str(&j, "guest_type", d->gp->magic);
	json_str(&j, "type", s->cfg.type == XB_DOM_PVH ? "pvh" : "pv");
	json_u64(&j, "nr_pages",
		 s->cfg.type == XB_DOM_PVH ? d->pvh.ram_pages :
					     d->layout.nr_pages);
	warnings(c, &s->cfg, &j);
	if (c->resolved)
		resolved_json(&j, &s->cfg);
	json_end(&j);
}

void print_gc(const struct cli *c, unsigned destroyed)
{
	struct json j;

	if (!c->json) {
		printf("%u orphaned domain%s destroyed\n", destroyed,
		       destroyed == 1 ? "" : "s");
		return;
	}
	json_doc(&j, stdout, "gc");
	json_u64(&j, "destroyed", destroyed);
	json_end(&j);
}

/* ---- plan ---- */

#define SIF_MOD_START_PFN (1u << 3) /* xen/xen.h: mod_start is a pfn */

struct seg_row {
	const char *name;
	const struct layout_seg *s;
	bool mapped;
};

/* The layout's segments in address order. */
static size_t seg_rows(const struct layout *l, struct seg_row *r)
{
	size_t n = 0;

	r[n++] = (struct seg_row){ "kernel", &l->kernel, true };
	if (l->has_initrd && !l->initrd_unmapped)
		r[n++] = (struct seg_row){ "initrd", &l->initrd, true };
	if (l->p2m_base == XB_UNSET)
		r[n++] = (struct seg_row){ "p2m", &l->p2m, true };
	r[n++] = (struct seg_row){ "start_info", &l->start_info, true };
	r[n++] = (struct seg_row){ "xenstore", &l->xenstore, true };
	r[n++] = (struct seg_row){ "console", &l->console, true };
	r[n++] = (struct seg_row){ "pagetables", &l->pgtables, true };
	r[n++] = (struct seg_row){ "stack", &l->stack, true };
	if (l->has_initrd && l->initrd_unmapped)
		r[n++] = (struct seg_row){ "initrd", &l->initrd, false };
	if (l->p2m_base != XB_UNSET)
		r[n++] = (struct seg_row){ "p2m", &l->p2m, true };
	return n;
}

static void pt_levels(const struct dom *d, char *buf, size_t len)
{
	static const char *names[] = { "L1", "L2", "L3", "L4" };
	size_t off = 0;

	buf[0] = '\0';
	for (int lv = (int)d->gp->levels - 1; lv >= 0 && off < len; lv--)
		off += (size_t)snprintf(buf + off, len - off,
					"%s%" PRIu64 " %s", off ? ", " : "",
					d->layout.maps[0].lvls[lv].pgtables,
					names[lv]);
}

static void plan_json(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	const struct layout *l = &d->layout;
	const struct dom_start_info *si = &d->si;
	struct seg_row rows[10];
	size_t n = seg_rows(l, rows);
	struct json j;

	json_doc(&j, stdout, "plan");
	json_str(&j, "name", s->cfg.name);
	json_str(&j, "guest_type", d->gp->magic);
	json_hex(&j, "virt_base", l->virt_base);
	json_hex(&j, "virt_entry", l->virt_entry);
	json_hex(&j, "virt_kstart", l->virt_kstart);
	json_hex(&j, "virt_kend", l->virt_kend);
	json_u64(&j, "nr_pages", l->nr_pages);
	json_arr(&j, "segments");
	for (size_t i = 0; i < n; i++) {
		json_obj(&j, NULL);
		json_str(&j, "name", rows[i].name);
		if (rows[i].mapped) {
			json_hex(&j, "vstart", rows[i].s->vstart);
			json_hex(&j, "vend", rows[i].s->vend);
		} else {
			json_null(&j, "vstart");
			json_null(&j, "vend");
		}
		json_u64(&j, "pfn", rows[i].s->pfn);
		json_u64(&j, "pages", rows[i].s->pages);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_hex(&j, "virt_alloc_end", l->virt_alloc_end);
	json_hex(&j, "virt_pgtab_end", l->virt_pgtab_end);
	json_obj(&j, "pagetables_per_level");
	for (int lv = (int)d->gp->levels - 1; lv >= 0; lv--) {
		char k[4] = { 'L', (char)('1' + lv), 0, 0 };

		json_u64(&j, k, l->maps[0].lvls[lv].pgtables);
	}
	json_close(&j, '}');
	json_obj(&j, "start_info");
	json_str(&j, "magic", si->magic);
	json_u64(&j, "nr_pages", si->nr_pages);
	json_hex(&j, "flags", si->flags);
	json_hex(&j, "pt_base", si->pt_base);
	json_u64(&j, "nr_pt_frames", si->nr_pt_frames);
	json_hex(&j, "mfn_list", si->mfn_list);
	/* A pfn with SIF_MOD_START_PFN, else a virtual address. */
	if (si->flags & SIF_MOD_START_PFN)
		json_u64(&j, "mod_start", si->mod_start);
	else
		json_hex(&j, "mod_start", si->mod_start);
	json_u64(&j, "mod_len", si->mod_len);
	json_u64(&j, "store_mfn", si->store_mfn);
	json_u64(&j, "console_mfn", si->console_mfn);
	json_str(&j, "cmd_line", si->cmd_line);
	json_u64(&j, "first_p2m_pfn", si->first_p2m_pfn);
	json_u64(&j, "nr_p2m_frames", si->nr_p2m_frames);
	json_close(&j, '}');
	json_str(&j, "initrd_format", d->has_initrd ? d->initrd_format : NULL);
	extras(c, s, &j);
	json_end(&j);
}

static void plan_text(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	const struct layout *l = &d->layout;
	const struct dom_start_info *si = &d->si;
	struct seg_row rows[10];
	size_t n = seg_rows(l, rows);
	char lv[96], line[SAFE_MAX];

	extras(c, s, NULL);
	printf("guest        %s (%s, %s)\n", d->gp->magic, d->kernel.format,
	       d->kernel.compression);
	printf("memory       %" PRIu64 " MiB (%" PRIu64 " pages)\n",
	       l->nr_pages >> 8, l->nr_pages);
	printf("virt_base    %#" PRIx64 "\nentry        %#" PRIx64 "\n",
	       l->virt_base, l->virt_entry);
	printf("kernel       %#" PRIx64 "-%#" PRIx64 "\n\n", l->virt_kstart,
	       l->virt_kend);
	printf("%-12s %-18s %-18s %10s %8s\n", "segment", "vstart", "vend",
	       "pfn", "pages");
	for (size_t i = 0; i < n; i++) {
		if (rows[i].mapped)
			printf("%-12s %#-18" PRIx64 " %#-18" PRIx64,
			       rows[i].name, rows[i].s->vstart,
			       rows[i].s->vend);
		else
			printf("%-12s %-18s %-18s", rows[i].name, "(unmapped)",
			       "");
		printf(" %#10" PRIx64 " %8" PRIu64 "\n", rows[i].s->pfn,
		       rows[i].s->pages);
	}
	pt_levels(d, lv, sizeof(lv));
	printf("\nvirt_alloc_end  %#" PRIx64 "\nvirt_pgtab_end  %#" PRIx64 "\n",
	       l->virt_alloc_end, l->virt_pgtab_end);
	printf("page tables     %" PRIu64 " (%s)\n", l->nr_pt_frames, lv);
	printf("\nstart_info (as written into the simulated guest)\n");
	printf("  magic          %s\n", si->magic);
	printf("  nr_pages       %" PRIu64 "\n", si->nr_pages);
	printf("  flags          %#" PRIx64 "\n", si->flags);
	printf("  pt_base        %#" PRIx64 "\n", si->pt_base);
	printf("  nr_pt_frames   %" PRIu64 "\n", si->nr_pt_frames);
	printf("  mfn_list       %#" PRIx64 "\n", si->mfn_list);
	printf("  mod_start      %#" PRIx64 "%s\n", si->mod_start,
	       si->flags & SIF_MOD_START_PFN ? " (pfn)" : "");
	printf("  mod_len        %" PRIu64 "\n", si->mod_len);
	printf("  first_p2m_pfn  %#" PRIx64 "\n", si->first_p2m_pfn);
	printf("  nr_p2m_frames  %" PRIu64 "\n", si->nr_p2m_frames);
	printf("  store_mfn      %#" PRIx64 " (simulated)\n", si->store_mfn);
	printf("  console_mfn    %#" PRIx64 " (simulated)\n", si->console_mfn);
	printf("  cmd_line       \"%s\"\n",
	       safe(line, sizeof(line), si->cmd_line));
}

/* ---- plan of a PVH guest ---- */

static const char *e820_name(uint32_t type)
{
	switch (type) {
	case PVH_E820_RAM: return "ram";
	case PVH_E820_RESERVED: return "reserved";
	case PVH_E820_ACPI: return "acpi";
	default: return "other";
	}
}

static void plan_pvh_json(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	const struct pvh_layout *l = &d->pvh;
	struct json j;

	json_doc(&j, stdout, "plan");
	json_str(&j, "name", s->cfg.name);
	json_str(&j, "guest_type", d->gp->magic);
	json_u64(&j, "nr_pages", l->ram_pages);
	json_hex(&j, "entry", l->entry);
	json_hex(&j, "lowmem_end", l->lowmem_end);
	if (l->highmem_end)
		json_hex(&j, "highmem_end", l->highmem_end);
	else
		json_null(&j, "highmem_end");
	json_arr(&j, "segments");
	json_obj(&j, NULL);
	json_str(&j, "name", "kernel");
	json_u64(&j, "pfn", l->kernel_pfn);
	json_u64(&j, "pages", l->kernel_pages);
	json_close(&j, '}');
	json_obj(&j, NULL);
	json_str(&j, "name", "start_info");
	json_u64(&j, "pfn", l->si_pfn);
	json_u64(&j, "pages", l->si_pages);
	json_close(&j, '}');
	if (l->has_initrd) {
		json_obj(&j, NULL);
		json_str(&j, "name", "initrd");
		json_u64(&j, "pfn", l->mod_pfn);
		json_u64(&j, "pages", l->mod_pages);
		json_close(&j, '}');
	}
	json_obj(&j, NULL);
	json_str(&j, "name", "special");
	json_u64(&j, "pfn", l->special_pfn);
	json_u64(&j, "pages", PVH_NR_SPECIAL);
	json_close(&j, '}');
	if (l->has_acpi) {
		json_obj(&j, NULL);
		json_str(&j, "name", "acpi");
		json_u64(&j, "pfn", l->acpi_paddr >> XB_PAGE_SHIFT);
		json_u64(&j, "pages", l->acpi_pages + 1);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_arr(&j, "memory_map");
	for (unsigned i = 0; i < l->nr_memmap; i++) {
		json_obj(&j, NULL);
		json_hex(&j, "addr", l->memmap[i].addr);
		json_hex(&j, "size", l->memmap[i].size);
		json_str(&j, "type", e820_name(l->memmap[i].type));
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_obj(&j, "hvm_start_info");
	json_hex(&j, "paddr", l->si_paddr);
	json_hex(&j, "magic", 0x336ec578);
	json_u64(&j, "version", 1);
	json_u64(&j, "nr_modules", l->has_initrd ? 1 : 0);
	json_hex(&j, "modlist_paddr", l->modlist_paddr);
	if (l->cmdline_paddr)
		json_hex(&j, "cmdline_paddr", l->cmdline_paddr);
	else
		json_null(&j, "cmdline_paddr");
	if (l->has_acpi)
		json_hex(&j, "rsdp_paddr", l->rsdp_paddr);
	else
		json_null(&j, "rsdp_paddr");
	json_hex(&j, "memmap_paddr", l->memmap_paddr);
	json_u64(&j, "memmap_entries", l->nr_memmap);
	json_str(&j, "cmdline", s->cfg.cmdline ? s->cfg.cmdline : "");
	json_close(&j, '}');
	if (l->has_initrd) {
		json_obj(&j, "module");
		json_hex(&j, "paddr", l->mod_pfn << XB_PAGE_SHIFT);
		json_u64(&j, "size", l->mod_len);
		json_close(&j, '}');
	} else {
		json_null(&j, "module");
	}
	if (l->has_acpi) {
		json_obj(&j, "acpi");
		json_hex(&j, "tables_paddr", l->acpi_paddr);
		json_u64(&j, "tables_len", l->acpi_len);
		json_hex(&j, "rsdp_paddr", l->rsdp_paddr);
		json_close(&j, '}');
	} else {
		json_null(&j, "acpi");
	}
	json_u64(&j, "store_pfn", l->store_pfn);
	json_u64(&j, "console_pfn", l->console_pfn);
	json_u64(&j, "paging_pool", d->pvh_paging_pool);
	json_str(&j, "initrd_format", d->has_initrd ? d->initrd_format : NULL);
	extras(c, s, &j);
	json_end(&j);
}

static void plan_pvh_text(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	const struct pvh_layout *l = &d->pvh;
	char line[SAFE_MAX], sz[32];

	extras(c, s, NULL);
	printf("guest        PVH, %s (%s, %s)\n", d->gp->magic,
	       d->kernel.format, d->kernel.compression);
	printf("memory       %" PRIu64 " MiB (%" PRIu64 " pages)\n",
	       l->ram_pages >> 8, l->ram_pages);
	printf("entry        %#" PRIx64 " (PHYS32_ENTRY, 32-bit, paging off)\n",
	       l->entry);
	printf("paging pool  %s (%s)\n\n",
	       human_size(d->pvh_paging_pool, sz, sizeof(sz)),
	       d->pvh_hap ? "HAP" : "shadow");
	printf("%-12s %-12s %-12s %10s %8s\n", "segment", "start", "end", "pfn",
	       "pages");
#define ROW(n, pfn, pages)                                                    \
	printf("%-12s %#-12" PRIx64 " %#-12" PRIx64 " %#10" PRIx64            \
	       " %8" PRIu64 "\n",                                             \
	       n, (uint64_t)(pfn) << XB_PAGE_SHIFT,                           \
	       (uint64_t)((pfn) + (pages)) << XB_PAGE_SHIFT, (uint64_t)(pfn), \
	       (uint64_t)(pages))
	ROW("kernel", l->kernel_pfn, l->kernel_pages);
	ROW("start_info", l->si_pfn, l->si_pages);
	if (l->has_initrd)
		ROW("initrd", l->mod_pfn, l->mod_pages);
	if (l->has_acpi)
		ROW("acpi", l->acpi_paddr >> XB_PAGE_SHIFT, l->acpi_pages + 1);
	ROW("special", l->special_pfn, (uint64_t)PVH_NR_SPECIAL);
#undef ROW
	printf("\nmemory map\n");
	for (unsigned i = 0; i < l->nr_memmap; i++)
		printf("  %#-14" PRIx64 " %#-14" PRIx64 " %s\n",
		       l->memmap[i].addr, l->memmap[i].addr + l->memmap[i].size,
		       e820_name(l->memmap[i].type));
	printf("\nhvm_start_info at %#" PRIx64
	       " (as written into the simulated guest)\n",
	       l->si_paddr);
	printf("  magic          0x336ec578\n  version        1\n");
	printf("  nr_modules     %u\n", l->has_initrd ? 1 : 0);
	printf("  modlist_paddr  %#" PRIx64 "\n", l->modlist_paddr);
	if (l->has_initrd)
		printf("  module         %#" PRIx64 ", %" PRIu64 " bytes\n",
		       l->mod_pfn << XB_PAGE_SHIFT, l->mod_len);
	printf("  cmdline_paddr  %#" PRIx64 "\n", l->cmdline_paddr);
	printf("  rsdp_paddr     %#" PRIx64 "%s\n",
	       l->has_acpi ? l->rsdp_paddr : 0,
	       l->has_acpi ? "" : " (no ACPI tables)");
	printf("  memmap_paddr   %#" PRIx64 " (%u entries)\n", l->memmap_paddr,
	       l->nr_memmap);
	printf("  cmdline        \"%s\"\n",
	       safe(line, sizeof(line), s->cfg.cmdline ? s->cfg.cmdline : ""));
	if (l->has_acpi)
		printf("\nacpi           tables %#" PRIx64 " (%" PRIu64
		       " bytes), rsdp %#" PRIx64 "\n",
		       l->acpi_paddr, l->acpi_len, l->rsdp_paddr);
	printf("\nxenstore       pfn %#" PRIx64 "\nconsole        pfn %#" PRIx64
	       "\n",
	       l->store_pfn, l->console_pfn);
}

void print_plan(const struct cli *c, const struct session *s)
{
	if (s->d.cfg->type == XB_DOM_PVH) {
		if (c->json)
			plan_pvh_json(c, s);
		else
			plan_pvh_text(c, s);
		return;
	}
	if (c->json)
		plan_json(c, s);
	else
		plan_text(c, s);
}

/* ---- inspect ---- */

/* What the kernel can run as: the PV kind its notes and class give, and
 * PVH when it has a PHYS32_ENTRY (xen/elfnote.h). */
static size_t runs_as(const struct kernel_image *k, const char **v,
		      const char **text)
{
	size_t n = 0;

	if (k->guest == XB_GUEST_X86_64) {
		v[n] = "pv-x86_64";
		text[n++] = "PV x86_64";
	} else if (k->guest == XB_GUEST_X86_32P) {
		v[n] = "pv-x86_32p";
		text[n++] = "PV x86_32 PAE";
	}
	if (k->notes.has_phys32_entry) {
		v[n] = "pvh";
		text[n++] = "PVH";
	}
	return n;
}

/* elf_len / file_len in hundredths, rounded. */
static uint64_t ratio100(const struct kernel_image *k)
{
	uint64_t f = k->file_len ? k->file_len : 1;

	/* elf_len is capped (max_decompressed <= 16 TiB): no overflow. */
	return (k->elf_len * 100 + f / 2) / f;
}

static void inspect_json(const struct cli *c, const struct kernel_image *k,
			 const char *kver)
{
	const struct xen_notes *n = &k->notes;
	const struct guest_params *gp = guest_params_get(k->guest);
	const char *kinds[4], *text[4];
	size_t nk = runs_as(k, kinds, text);
	struct json j;

	json_doc(&j, stdout, "inspect");
	json_str(&j, "file", c->arg);
	json_str(&j, "format", k->format);
	json_str(&j, "compression", k->compression);
	json_str(&j, "kernel_version", kver);
	json_u64(&j, "file_size", k->file_len);
	json_u64(&j, "elf_size", k->elf_len);
	json_fixed2(&j, "compression_ratio", ratio100(k));
	json_u64(&j, "elf_class", (uint64_t)k->elf_class);
	json_str(&j, "guest_type", gp ? gp->magic : NULL);
	json_arr(&j, "runs_as");
	for (size_t i = 0; i < nk; i++)
		json_str(&j, NULL, kinds[i]);
	json_close(&j, ']');
	json_hex(&j, "virt_base", k->virt_base);
	json_hex(&j, "virt_entry", k->virt_entry);
	json_hex(&j, "virt_kstart", k->virt_kstart);
	json_hex(&j, "virt_kend", k->virt_kend);
	json_u64(&j, "kernel_pages", xb_pages(k->virt_kend - k->virt_kstart));
	json_hex(&j, "paddr_offset", k->paddr_offset);
	json_obj(&j, "notes");
	json_str(&j, "source", n->source);
	json_str_opt(&j, "xen_version", n->xen_version);
	json_str_opt(&j, "guest_os", n->guest_os);
	json_str_opt(&j, "guest_version", n->guest_version);
	json_str_opt(&j, "loader", n->loader);
	json_str_opt(&j, "pae_mode", n->pae_mode);
	json_str_opt(&j, "features", n->features);
	json_hex(&j, "supported_features", n->feat_supported[0]);
	json_hex(&j, "required_features", n->feat_required[0]);
	json_hex_opt(&j, "entry", n->has_entry, n->entry);
	json_hex_opt(&j, "virt_base", n->has_virt_base, n->virt_base);
	json_hex_opt(&j, "paddr_offset", n->has_paddr_offset, n->paddr_offset);
	json_hex_opt(&j, "hypercall_page", n->has_hypercall_page,
		     n->hypercall_page);
	json_hex_opt(&j, "init_p2m", n->has_init_p2m, n->init_p2m);
	json_bool(&j, "mod_start_pfn", n->mod_start_pfn);
	json_hex_opt(&j, "hv_start_low", n->has_hv_start_low, n->hv_start_low);
	if (n->has_l1_mfn_valid) {
		json_obj(&j, "l1_mfn_valid");
		json_hex(&j, "mask", n->l1_mfn_valid[0]);
		json_hex(&j, "value", n->l1_mfn_valid[1]);
		json_u64(&j, "pairs", n->l1_mfn_valid_pairs);
		json_close(&j, '}');
	} else {
		json_null(&j, "l1_mfn_valid");
	}
	if (n->has_suspend_cancel)
		json_u64(&j, "suspend_cancel", n->suspend_cancel);
	else
		json_null(&j, "suspend_cancel");
	json_hex_opt(&j, "phys32_entry", n->has_phys32_entry, n->phys32_entry);
	json_str_opt(&j, "bsd_symtab", n->bsd_symtab);
	json_str_opt(&j, "info", n->info);
	json_arr(&j, "other_types");
	for (unsigned i = 0;
	     i < n->nr_other && i < XB_ARRAY_SIZE(n->other_types); i++)
		json_u64(&j, NULL, n->other_types[i]);
	json_close(&j, ']');
	json_close(&j, '}');
	json_arr(&j, "segments");
	for (unsigned i = 0; i < k->nsegs; i++) {
		json_obj(&j, NULL);
		json_hex(&j, "paddr", k->segs[i].paddr);
		json_hex(&j, "vaddr", k->segs[i].vaddr);
		json_hex(&j, "offset", k->segs[i].offset);
		json_u64(&j, "filesz", k->segs[i].filesz);
		json_u64(&j, "memsz", k->segs[i].memsz);
		json_hex(&j, "flags", k->segs[i].flags);
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_end(&j);
}

/* "  NAME           text", the text made safe. */
static void note_line(const char *name, const char *v)
{
	char line[SAFE_MAX];

	printf("  %-18s %s\n", name, safe(line, sizeof(line), v));
}

static void note_hex(const char *name, bool has, uint64_t v)
{
	if (has)
		printf("  %-18s 0x%" PRIx64 "\n", name, v);
}

static void inspect_text(const struct cli *c, const struct kernel_image *k,
			 const char *kver)
{
	const struct xen_notes *n = &k->notes;
	const struct guest_params *gp = guest_params_get(k->guest);
	const char *kinds[4], *text[4];
	size_t nk = runs_as(k, kinds, text);
	uint64_t r = ratio100(k), kbytes = k->virt_kend - k->virt_kstart;
	char line[SAFE_MAX], h1[32], h2[32], c1[32], c2[32];

	printf("file           %s\n", safe(line, sizeof(line), c->arg));
	printf("format         %s, compression %s\n", k->format,
	       k->compression);
	if (kver)
		printf("kernel version %s\n", safe(line, sizeof(line), kver));
	printf("file size      %s bytes (%s)\n",
	       xb_fmt_count(k->file_len, c1, sizeof(c1)),
	       human_size(k->file_len, h1, sizeof(h1)));
	printf("ELF size       %s bytes (%s), ELF%d",
	       xb_fmt_count(k->elf_len, c2, sizeof(c2)),
	       human_size(k->elf_len, h2, sizeof(h2)), k->elf_class);
	if (strcmp(k->compression, "none"))
		printf(", compression ratio %" PRIu64 ".%02" PRIu64 ":1",
		       r / 100, r % 100);
	printf("\nguest type     %s\nruns as        ", gp ? gp->magic : "?");
	for (size_t i = 0; i < nk; i++)
		printf("%s%s", i ? ", " : "", text[i]);
	printf("\nvirt_base      %#" PRIx64 "\nentry          %#" PRIx64 "\n",
	       k->virt_base, k->virt_entry);
	printf("kernel         %#" PRIx64 "-%#" PRIx64 " (%" PRIu64
	       " pages, %s)\n",
	       k->virt_kstart, k->virt_kend, xb_pages(kbytes),
	       human_size(kbytes, h1, sizeof(h1)));
	printf("features       supported %#" PRIx32 ", required %#" PRIx32 "\n",
	       n->feat_supported[0], n->feat_required[0]);
	printf("notes (%s):\n", n->source ? n->source : "none");
	if (n->xen_version[0])
		note_line("XEN_VERSION", n->xen_version);
	if (n->guest_os[0])
		note_line("GUEST_OS", n->guest_os);
	if (n->guest_version[0])
		note_line("GUEST_VERSION", n->guest_version);
	if (n->loader[0])
		note_line("LOADER", n->loader);
	if (n->pae_mode[0])
		note_line("PAE_MODE", n->pae_mode);
	if (n->features[0])
		note_line("FEATURES", n->features);
	note_hex("ENTRY", n->has_entry, n->entry);
	note_hex("VIRT_BASE", n->has_virt_base, n->virt_base);
	note_hex("PADDR_OFFSET", n->has_paddr_offset, n->paddr_offset);
	note_hex("HYPERCALL_PAGE", n->has_hypercall_page, n->hypercall_page);
	note_hex("INIT_P2M", n->has_init_p2m, n->init_p2m);
	if (n->mod_start_pfn)
		note_line("MOD_START_PFN", "1");
	note_hex("HV_START_LOW", n->has_hv_start_low, n->hv_start_low);
	if (n->has_l1_mfn_valid)
		printf("  %-18s mask %#" PRIx64 ", value %#" PRIx64 "%s\n",
		       "L1_MFN_VALID", n->l1_mfn_valid[0], n->l1_mfn_valid[1],
		       n->l1_mfn_valid_pairs > 1 ? " (and more pairs)" : "");
	if (n->has_suspend_cancel)
		printf("  %-18s %" PRIu64 "\n", "SUSPEND_CANCEL",
		       n->suspend_cancel);
	note_hex("PHYS32_ENTRY", n->has_phys32_entry, n->phys32_entry);
	if (n->bsd_symtab[0])
		note_line("BSD_SYMTAB", n->bsd_symtab);
	if (n->info[0])
		note_line("INFO", n->info);
	if (n->nr_other) {
		printf("  other types       ");
		for (unsigned i = 0;
		     i < n->nr_other && i < XB_ARRAY_SIZE(n->other_types); i++)
			printf("%s%" PRIu32, i ? ", " : " ", n->other_types[i]);
		if (n->nr_other > XB_ARRAY_SIZE(n->other_types))
			printf(" (%u in all)", n->nr_other);
		printf("\n");
	}
	printf("segments:\n  %-18s %-18s %10s %10s %s\n", "paddr", "vaddr",
	       "filesz", "memsz", "flags");
	for (unsigned i = 0; i < k->nsegs; i++)
		printf("  %#-18" PRIx64 " %#-18" PRIx64 " %10" PRIu64
		       " %10" PRIu64 " %c%c%c\n",
		       k->segs[i].paddr, k->segs[i].vaddr, k->segs[i].filesz,
		       k->segs[i].memsz, k->segs[i].flags & 4 ? 'r' : '-',
		       k->segs[i].flags & 2 ? 'w' : '-',
		       k->segs[i].flags & 1 ? 'x' : '-');
}

void print_inspect(const struct cli *c, const struct kernel_image *k,
		   const char *kernel_version)
{
	if (c->json)
		inspect_json(c, k, kernel_version);
	else
		inspect_text(c, k, kernel_version);
}
