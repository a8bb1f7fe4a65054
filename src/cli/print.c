/*
 * print.c - every result and error xbuild prints: text for people, JSON
 * (json.h, the schema in xbuild(1)) for programs, the result:/error: lines
 * of XenServer's control-fd protocol.
 */
#include "print.h"

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

void print_error(const struct cli *c, const struct xb_err *e)
{
	char line[SAFE_MAX];

	safe(line, sizeof(line), e->msg);
	fprintf(stderr, "xbuild: %s\n", line);
	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_obj(&j, "error");
		json_u64(&j, "code", (uint64_t)e->code);
		json_str(&j, "message", e->msg);
		json_end(&j);
	}
	if (c->control_fd >= 0)
		dprintf(c->control_fd, "error:%s\n", line);
}

/* Warnings go into the JSON document, or to stderr in text mode. */
static void warnings(const struct cli *c, const struct dom_config *cfg,
		     struct json *j)
{
	if (j) {
		json_arr(j, "warnings");
		for (size_t i = 0; i < cfg->warnings.n; i++)
			json_str(j, NULL, cfg->warnings.v[i]);
		json_close(j, ']');
	} else if (!c->json) {
		char line[SAFE_MAX];

		for (size_t i = 0; i < cfg->warnings.n; i++)
			fprintf(stderr, "xbuild: warning: %s\n",
				safe(line, sizeof(line), cfg->warnings.v[i]));
	}
}

void print_run(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	struct json j;

	if (!c->json) {
		warnings(c, &s->cfg, NULL);
		printf("%u\n", d->domid);
		return;
	}
	json_begin(&j, stdout);
	json_u64(&j, "domid", d->domid);
	json_str(&j, "name", s->cfg.name);
	json_bool(&j, "paused", c->paused);
	json_u64(&j, "store_mfn", d->store_mfn);
	json_u64(&j, "console_mfn", d->console_mfn);
	warnings(c, &s->cfg, &j);
	json_end(&j);
}

void print_build(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	struct json j;

	if (c->control_fd >= 0)
		dprintf(c->control_fd, "result:%" PRIu64 " %" PRIu64 " %s\n",
			d->store_mfn, d->console_mfn, d->gp->abi);
	if (!c->json) {
		warnings(c, &s->cfg, NULL);
		printf("store_mfn %" PRIu64 "\nconsole_mfn %" PRIu64 "\n",
		       d->store_mfn, d->console_mfn);
		return;
	}
	json_begin(&j, stdout);
	json_u64(&j, "domid", d->domid);
	json_u64(&j, "store_mfn", d->store_mfn);
	json_u64(&j, "console_mfn", d->console_mfn);
	json_str(&j, "guest_type", d->gp->magic);
	warnings(c, &s->cfg, &j);
	json_end(&j);
}

void print_check(const struct cli *c, const struct session *s)
{
	const struct dom *d = &s->d;
	struct json j;

	if (!c->json) {
		char arg[SAFE_MAX];

		warnings(c, &s->cfg, NULL);
		printf("%s: ok: %s, %s kernel (%s, %s), %" PRIu64 " MiB\n",
		       safe(arg, sizeof(arg), c->arg ? c->arg : "command line"),
		       s->cfg.name,
		       d->gp->magic, d->kernel.format, d->kernel.compression,
		       s->cfg.memory_mb);
		return;
	}
	json_begin(&j, stdout);
	json_bool(&j, "ok", true);
	json_str(&j, "name", s->cfg.name);
	json_str(&j, "guest_type", d->gp->magic);
	json_u64(&j, "nr_pages", d->layout.nr_pages);
	warnings(c, &s->cfg, &j);
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
	json_begin(&j, stdout);
	json_u64(&j, "destroyed", destroyed);
	json_end(&j);
}

/* ---- plan ---- */

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
		off += (size_t)snprintf(buf + off, len - off, "%s%" PRIu64 " %s",
					off ? ", " : "",
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

	json_begin(&j, stdout);
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
	json_hex(&j, "mod_start", si->mod_start);
	json_u64(&j, "mod_len", si->mod_len);
	json_hex(&j, "store_mfn", si->store_mfn);
	json_hex(&j, "console_mfn", si->console_mfn);
	json_str(&j, "cmd_line", si->cmd_line);
	json_hex(&j, "first_p2m_pfn", si->first_p2m_pfn);
	json_u64(&j, "nr_p2m_frames", si->nr_p2m_frames);
	json_close(&j, '}');
	json_str(&j, "initrd_format", d->has_initrd ? d->initrd_format : NULL);
	warnings(c, &s->cfg, &j);
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

	warnings(c, &s->cfg, NULL);
	printf("guest        %s (%s, %s)\n", d->gp->magic, d->kernel.format,
	       d->kernel.compression);
	printf("memory       %" PRIu64 " MiB (%" PRIu64 " pages)\n",
	       l->nr_pages >> 8, l->nr_pages);
	printf("virt_base    %#" PRIx64 "\nentry        %#" PRIx64 "\n",
	       l->virt_base, l->virt_entry);
	printf("kernel       %#" PRIx64 "-%#" PRIx64 "\n\n", l->virt_kstart, l->virt_kend);
	printf("%-12s %-18s %-18s %10s %8s\n", "segment", "vstart", "vend", "pfn", "pages");
	for (size_t i = 0; i < n; i++) {
		if (rows[i].mapped)
			printf("%-12s %#-18" PRIx64 " %#-18" PRIx64, rows[i].name,
			       rows[i].s->vstart, rows[i].s->vend);
		else
			printf("%-12s %-18s %-18s", rows[i].name, "(unmapped)", "");
		printf(" %#10" PRIx64 " %8" PRIu64 "\n", rows[i].s->pfn, rows[i].s->pages);
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
	printf("  mod_start      %#" PRIx64 "\n", si->mod_start);
	printf("  mod_len        %" PRIu64 "\n", si->mod_len);
	printf("  first_p2m_pfn  %#" PRIx64 "\n", si->first_p2m_pfn);
	printf("  nr_p2m_frames  %" PRIu64 "\n", si->nr_p2m_frames);
	printf("  store_mfn      %#" PRIx64 " (simulated)\n", si->store_mfn);
	printf("  console_mfn    %#" PRIx64 " (simulated)\n", si->console_mfn);
	printf("  cmd_line       \"%s\"\n", safe(line, sizeof(line), si->cmd_line));
}

void print_plan(const struct cli *c, const struct session *s)
{
	if (c->json)
		plan_json(c, s);
	else
		plan_text(c, s);
}

/* ---- inspect ---- */

void print_inspect(const struct cli *c, const struct kernel_image *k)
{
	const struct xen_notes *n = &k->notes;
	const struct guest_params *gp = guest_params_get(k->guest);
	char line[SAFE_MAX];

	if (c->json) {
		struct json j;

		json_begin(&j, stdout);
		json_str(&j, "format", k->format);
		json_str(&j, "compression", k->compression);
		json_u64(&j, "file_size", k->file_len);
		json_u64(&j, "elf_size", k->elf_len);
		json_u64(&j, "elf_class", (uint64_t)k->elf_class);
		json_str(&j, "guest_type", gp ? gp->magic : NULL);
		json_hex(&j, "virt_base", k->virt_base);
		json_hex(&j, "virt_entry", k->virt_entry);
		json_hex(&j, "virt_kstart", k->virt_kstart);
		json_hex(&j, "virt_kend", k->virt_kend);
		json_hex(&j, "paddr_offset", k->paddr_offset);
		json_obj(&j, "notes");
		json_str(&j, "source", n->source);
		json_str(&j, "xen_version", n->xen_version);
		json_str(&j, "guest_os", n->guest_os);
		json_str(&j, "loader", n->loader);
		json_str(&j, "pae_mode", n->pae_mode);
		json_str(&j, "features", n->features);
		if (n->has_entry) json_hex(&j, "entry", n->entry);
		if (n->has_virt_base) json_hex(&j, "virt_base", n->virt_base);
		if (n->has_paddr_offset) json_hex(&j, "paddr_offset", n->paddr_offset);
		if (n->has_hypercall_page) json_hex(&j, "hypercall_page", n->hypercall_page);
		if (n->has_init_p2m) json_hex(&j, "init_p2m", n->init_p2m);
		json_bool(&j, "mod_start_pfn", n->mod_start_pfn);
		json_hex(&j, "supported_features", n->feat_supported[0]);
		json_hex(&j, "required_features", n->feat_required[0]);
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
		return;
	}
	printf("format         %s\ncompression    %s\n", k->format, k->compression);
	printf("file size      %" PRIu64 "\nELF size       %" PRIu64 " (ELF%d)\n",
	       k->file_len, k->elf_len, k->elf_class);
	printf("guest type     %s\n", gp ? gp->magic : "?");
	printf("virt_base      %#" PRIx64 "\nentry          %#" PRIx64 "\n",
	       k->virt_base, k->virt_entry);
	printf("kernel         %#" PRIx64 "-%#" PRIx64 " (%" PRIu64 " pages)\n",
	       k->virt_kstart, k->virt_kend, xb_pages(k->virt_kend - k->virt_kstart));
	printf("notes (%s):\n", n->source ? n->source : "none");
	printf("  XEN_VERSION  %s\n", safe(line, sizeof(line), n->xen_version));
	printf("  GUEST_OS     %s\n", safe(line, sizeof(line), n->guest_os));
	printf("  LOADER       %s\n", safe(line, sizeof(line), n->loader));
	if (n->pae_mode[0])
		printf("  PAE_MODE     %s\n", safe(line, sizeof(line), n->pae_mode));
	if (n->features[0])
		printf("  FEATURES     %s\n", safe(line, sizeof(line), n->features));
	if (n->has_entry) printf("  ENTRY        %#" PRIx64 "\n", n->entry);
	if (n->has_virt_base) printf("  VIRT_BASE    %#" PRIx64 "\n", n->virt_base);
	if (n->has_paddr_offset) printf("  PADDR_OFFSET %#" PRIx64 "\n", n->paddr_offset);
	if (n->has_hypercall_page) printf("  HYPERCALL_PAGE %#" PRIx64 "\n", n->hypercall_page);
	if (n->has_init_p2m) printf("  INIT_P2M     %#" PRIx64 "\n", n->init_p2m);
	if (n->mod_start_pfn) printf("  MOD_START_PFN 1\n");
	printf("segments:\n  %-18s %-18s %10s %10s %s\n", "paddr", "vaddr", "filesz",
	       "memsz", "flags");
	for (unsigned i = 0; i < k->nsegs; i++)
		printf("  %#-18" PRIx64 " %#-18" PRIx64 " %10" PRIu64 " %10" PRIu64 " %c%c%c\n",
		       k->segs[i].paddr, k->segs[i].vaddr, k->segs[i].filesz,
		       k->segs[i].memsz, k->segs[i].flags & 4 ? 'r' : '-',
		       k->segs[i].flags & 2 ? 'w' : '-', k->segs[i].flags & 1 ? 'x' : '-');
}
