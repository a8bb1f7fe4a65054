/*
 * config_xl.c - the xl.cfg(5) key mapping: every setting config_xl_parse.c
 * found goes, in file order, either through cfg_keys[] (config.c: the keys
 * xbuild acts on, shared with the libvirt XML front end) into struct
 * dom_config, or into one warning (the keys below, and unknown ones).
 * Cross-key rules are cfg_finish()'s.
 */
#include "config_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1ULL << 20)

/*
 * Keys xl knows that xbuild does not act on.  dev: a device of the guest
 * (xl_parse.c makes a libxl device of each list entry), which only a
 * toolstack sets up: recorded with cfg_device(), not warned about here
 * (`xbuild run` refuses them, check and plan warn once for all).  The
 * display, device-model and HVM settings beside them are not devices.
 */
static const struct {
	const char *name;
	bool dev;
} xl_other[] = {
	{ "disk", 1 },
	{ "vif", 1 },
	{ "vtpm", 1 },
	{ "vfb", 1 },
	{ "vkb", 1 },
	{ "p9", 1 },
	{ "pvcalls", 1 },
	{ "vdispl", 1 },
	{ "vsnd", 1 },
	{ "channel", 1 },
	{ "pci", 1 },
	{ "usbctrl", 1 },
	{ "usbdev", 1 },
	{ "dtdev", 1 },
	{ "ioports", 1 },
	{ "iomem", 1 },
	{ "irqs", 1 },
	{ "virtio", 1 },
	{ "vuart", 1 },
	{ "pci_permissive", 0 },
	{ "pci_msitranslate", 0 },
	{ "pci_seize", 0 },
	{ "pci_power_mgmt", 0 },
	{ "rdm", 0 },
	{ "rdm_mem_boundary", 0 },
	{ "usb", 0 },
	{ "usbdevice", 0 },
	{ "serial", 0 },
	{ "vga", 0 },
	{ "videoram", 0 },
	{ "stdvga", 0 },
	{ "sdl", 0 },
	{ "opengl", 0 },
	{ "vnc", 0 },
	{ "vnclisten", 0 },
	{ "vncpasswd", 0 },
	{ "vncdisplay", 0 },
	{ "vncunused", 0 },
	{ "keymap", 0 },
	{ "spice", 0 },
	{ "spicehost", 0 },
	{ "spiceport", 0 },
	{ "spicetls_port", 0 },
	{ "spicedisable_ticketing", 0 },
	{ "spicepasswd", 0 },
	{ "spiceagent_mouse", 0 },
	{ "spicevdagent", 0 },
	{ "spice_clipboard_sharing", 0 },
	{ "spiceusbredirection", 0 },
	{ "spice_image_compression", 0 },
	{ "spice_streaming_video", 0 },
	{ "soundhw", 0 },
	{ "gfx_passthru", 0 },
	{ "nographic", 0 },
	{ "xen_platform_pci", 0 },
	{ "vkb_device", 0 },
	{ "device_model", 0 },
	{ "device_model_version", 0 },
	{ "device_model_override", 0 },
	{ "device_model_stubdomain_override", 0 },
	{ "device_model_stubdomain_seclabel", 0 },
	{ "device_model_args", 0 },
	{ "device_model_args_pv", 0 },
	{ "device_model_args_hvm", 0 },
	{ "device_model_user", 0 },
	{ "dm_restrict", 0 },
	{ "on_watchdog", 0 },
	{ "on_soft_reset", 0 },
	{ "bootloader_args", 0 },
	{ "bootloader_restrict", 0 },
	{ "bootloader_user", 0 },
	{ "localtime", 0 },
	{ "rtc_timeoffset", 0 },
	{ "seclabel", 0 },
	{ "init_seclabel", 0 },
	{ "nomigrate", 0 },
	{ "driver_domain", 0 },
	{ "device_tree", 0 },
	{ "passthrough", 0 },
	{ "vmtrace_buf_kb", 0 },
	{ "vpmu", 0 },
	{ "cpus", 0 },
	{ "cpus_soft", 0 },
	{ "cpu_weight", 0 },
	{ "cap", 0 },
	{ "vnuma", 0 },
	{ "pool", 0 },
	{ "claim_mode", 0 },
	{ "tsc_mode", 0 },
	{ "hap", 0 },
	{ "oos", 0 },
	{ "shadow_memory", 0 },
	{ "nestedhvm", 0 },
	{ "acpi", 0 },
	{ "acpi_s3", 0 },
	{ "acpi_s4", 0 },
	{ "acpi_laptop_slate", 0 },
	{ "acpi_firmware", 0 },
	{ "apic", 0 },
	{ "pae", 0 },
	{ "hpet", 0 },
	{ "viridian", 0 },
	{ "timer_mode", 0 },
	{ "vpt_align", 0 },
	{ "altp2m", 0 },
	{ "altp2mhvm", 0 },
	{ "mca_caps", 0 },
	{ "msr_relaxed", 0 },
	{ "e820_host", 0 },
	{ "gic_version", 0 },
	{ "boot", 0 },
	{ "bios", 0 },
	{ "bios_path_override", 0 },
	{ "firmware_override", 0 },
	{ "smbios_firmware", 0 },
	{ "ms_vm_genid", 0 },
	{ "nx", 0 },
	{ "pvshim", 0 },
	{ "pvshim_path", 0 },
	{ "pvshim_cmdline", 0 },
	{ "pvshim_extra", 0 },
	{ "tee", 0 },
	{ "trap_unmapped_accesses", 0 },
	{ "xend_suspend_evtchn_compat", 0 },
	{ "suppress_vmport", 0 },
	{ "vcpu_hard_affinity", 0 },
	{ "vcpu_soft_affinity", 0 },
	{ "max_memkb", 0 },
	{ "target_memkb", 0 },
	{ "mmio_hole", 0 },
	{ "vkb_backend", 0 },
	{ "sched_params", 0 },
};

static const char *type_name(const struct xl_value *v)
{
	switch (v->type) {
	case XLV_STRING: return "a string";
	case XLV_NUMBER: return "a number";
	case XLV_LIST: return "a list";
	}
	return "?";
}

static int key_of(const char *name)
{
	for (int k = 0; k < CK_NR; k++)
		if (cfg_keys[k].xl && !strcmp(cfg_keys[k].xl, name))
			return k;
	return -1;
}

/* A key xbuild does not act on: one warning, however often it is set;
 * a device is recorded instead (an empty list names none). */
static int warn_other(struct cfg_ctx *x, const struct xl_setting *s)
{
	char what[128], key[72];

	snprintf(key, sizeof(key), "%.64s%s", s->name,
		 strlen(s->name) > 64 ? "..." : "");
	for (size_t k = 0; k < XB_ARRAY_SIZE(xl_other); k++) {
		if (strcmp(s->name, xl_other[k].name))
			continue;
		if (xl_other[k].dev)
			return s->v.type == XLV_LIST && !s->v.n ?
				       0 :
				       cfg_device(x, s->name, s->first_line,
						  s->nset);
		snprintf(what, sizeof(what), "key '%s'", s->name); /* short */
		return cfg_warn_ignored(x, key, what, s->first_line, s->nset,
					"is not acted on by xbuild");
	}
	snprintf(what, sizeof(what), "unknown key '%.64s%s'", s->name,
		 strlen(s->name) > 64 ? "..." : "");
	return cfg_warn_ignored(x, key, what, s->first_line, s->nset,
				"ignored");
}

static int map_setting(struct cfg_ctx *x, const struct xl_setting *s)
{
	int k = key_of(s->name), r;
	enum cfg_type t;
	char shown[80], at[160], *joined = NULL;
	struct cfg_val v = { .numfmt = XB_NUM_C, .line = s->line };

	if (k < 0)
		return warn_other(x, s);
	t = cfg_keys[k].type;
	cfg_at(x, s->line, at, sizeof(at));
	if (s->nset > 1 &&
	    (r = cfg_repeat(x, k, s->first_line, s->again_line, s->nset - 1)))
		return r;
	if (t == CT_MIB || t == CT_BYTES || t == CT_COUNT || t == CT_BOOL) {
		const char *unit = t == CT_MIB || t == CT_BYTES ? " (MiB)" : "";

		/* xl takes a number, or a string holding one. */
		if (s->v.type == XLV_LIST)
			return xb_fail(x->e, XB_EINPUT,
				       "%s: key '%s': expected "
				       "a number%s, got a list",
				       at, cfg_keys[k].xl, unit);
		if (s->add)
			return xb_fail(x->e, XB_EINPUT,
				       "%s: key '%s': += cannot "
				       "be used with numbers",
				       at, cfg_keys[k].xl);
		v.unit = *unit ? "MiB" : NULL;
		v.scale = *unit ? MiB : 1;
	} else if (t == CT_CPUID && s->v.type == XLV_LIST) {
		/* xl.cfg(5)'s xend form: a list of strings. */
		v.list = &s->v;
		v.s = "";
		v.shown = "[...]";
	} else if (s->v.type != XLV_STRING) {
		return xb_fail(x->e, XB_EINPUT,
			       "%s: key '%s': expected a string "
			       "in quotes, got %s",
			       at, cfg_keys[k].xl, type_name(&s->v));
	}
	if (!v.list)
		v.s = s->v.s;
	if (x->cmdline && s->add && t == CT_STR) {
		/* An override "KEY+=VALUE": the file's value and this one. */
		const struct cfg_keydef *d = &cfg_keys[k];
		const void *base = (d->flags & CKF_ORIGIN) ? (void *)x->o :
							     (void *)x->c;
		const char *old = *(char *const *)((const char *)base + d->off);

		if (old && *old) {
			size_t a = strlen(old), b = strlen(s->v.s);

			if (!(joined = malloc(a + b + 1)))
				return xb_fail(x->e, XB_EINTERNAL,
					       "out of memory");
			memcpy(joined, old, a);
			memcpy(joined + a, s->v.s, b + 1);
			v.s = joined;
		}
	}
	if (!v.list)
		v.shown = cfg_show(v.s, s->v.type == XLV_STRING, shown, 60);
	r = cfg_set(x, k, &v);
	free(joined);
	return r;
}

int cfg_parse_xl(const char *fname, const char *buf, size_t len,
		 struct dom_config *c, struct xb_err *e)
{
	struct cfg_ctx x;
	struct xl_file f = { 0 };
	int r;

	r = cfg_begin(&x, CFG_XL, fname, buf, len, c, e);
	if (!r)
		r = xl_parse(fname, buf, len, &f, e);
	for (size_t i = 0; !r && i < f.n; i++)
		r = map_setting(&x, &f.v[i]);
	xl_file_free(&f);
	return r;
}

bool cfg_is_override(const char *arg)
{
	const char *p = arg;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	      *p == '_'))
		return false;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
	       (*p >= '0' && *p <= '9') || *p == '_')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '=' || (p[0] == '+' && p[1] == '=');
}

int cfg_override(struct dom_config *c, const char *text, struct xb_err *e)
{
	struct cfg_ctx x;
	struct xl_file f = { 0 };
	char where[200];
	int line, r;

	/* As written, cut (the printers make it safe). */
	snprintf(where, sizeof(where), "command line: %.100s%s", text,
		 strlen(text) > 100 ? "..." : "");
	r = cfg_cmdline_begin(&x, c, text, &line, e);
	if (!r)
		r = xl_parse_line(where, text, &f, e);
	if (!r && (f.n != 1 || f.v[0].nset != 1))
		r = xb_fail(e, XB_EINPUT, "%s: %s", where,
			    f.n ? "one KEY=VALUE "
				  "per argument" :
				  "expected KEY=VALUE");
	if (!r) {
		/* Every message points at the argument, not at a line. */
		f.v[0].line = f.v[0].first_line = line;
		r = map_setting(&x, &f.v[0]);
	}
	xl_file_free(&f);
	return r;
}
