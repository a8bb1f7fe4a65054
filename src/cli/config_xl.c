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

/* Keys xl knows that xbuild does not act on.  dev: a device or device
 * model setting, which the toolstack (or `xbuild run` later) handles. */
static const struct { const char *name; bool dev; } xl_other[] = {
	{ "disk", 1 }, { "vif", 1 }, { "vtpm", 1 }, { "vfb", 1 }, { "vkb", 1 },
	{ "p9", 1 }, { "pvcalls", 1 }, { "vdispl", 1 }, { "vsnd", 1 },
	{ "channel", 1 }, { "pci", 1 }, { "pci_permissive", 1 },
	{ "pci_msitranslate", 1 }, { "pci_seize", 1 }, { "pci_power_mgmt", 1 },
	{ "rdm", 1 }, { "rdm_mem_boundary", 1 }, { "usb", 1 }, { "usbctrl", 1 },
	{ "usbdev", 1 }, { "usbdevice", 1 }, { "serial", 1 }, { "dtdev", 1 },
	{ "ioports", 1 }, { "iomem", 1 }, { "irqs", 1 }, { "vga", 1 },
	{ "videoram", 1 }, { "stdvga", 1 }, { "sdl", 1 }, { "opengl", 1 },
	{ "vnc", 1 }, { "vnclisten", 1 }, { "vncpasswd", 1 }, { "vncdisplay", 1 },
	{ "vncunused", 1 }, { "keymap", 1 }, { "spice", 1 }, { "spicehost", 1 },
	{ "spiceport", 1 }, { "spicetls_port", 1 }, { "spicedisable_ticketing", 1 },
	{ "spicepasswd", 1 }, { "spiceagent_mouse", 1 }, { "spicevdagent", 1 },
	{ "spice_clipboard_sharing", 1 }, { "spiceusbredirection", 1 },
	{ "spice_image_compression", 1 }, { "spice_streaming_video", 1 },
	{ "soundhw", 1 }, { "gfx_passthru", 1 }, { "vuart", 1 }, { "virtio", 1 },
	{ "nographic", 1 }, { "xen_platform_pci", 1 }, { "vkb_device", 1 },
	{ "device_model", 1 }, { "device_model_version", 1 },
	{ "device_model_override", 1 }, { "device_model_stubdomain_override", 1 },
	{ "device_model_stubdomain_seclabel", 1 }, { "device_model_args", 1 },
	{ "device_model_args_pv", 1 }, { "device_model_args_hvm", 1 },
	{ "device_model_user", 1 }, { "dm_restrict", 1 },
	{ "on_watchdog", 0 }, { "on_soft_reset", 0 }, { "bootloader_args", 0 },
	{ "bootloader_restrict", 0 }, { "bootloader_user", 0 },
	{ "localtime", 0 }, { "rtc_timeoffset", 0 }, { "seclabel", 0 },
	{ "init_seclabel", 0 }, { "nomigrate", 0 }, { "driver_domain", 0 },
	{ "device_tree", 0 }, { "passthrough", 0 }, { "vmtrace_buf_kb", 0 },
	{ "vpmu", 0 }, { "cpus", 0 }, { "cpus_soft", 0 }, { "cpu_weight", 0 },
	{ "cap", 0 }, { "vnuma", 0 }, { "pool", 0 }, { "claim_mode", 0 },
	{ "tsc_mode", 0 }, { "hap", 0 }, { "oos", 0 }, { "shadow_memory", 0 },
	{ "nestedhvm", 0 }, { "cpuid", 0 }, { "acpi", 0 }, { "acpi_s3", 0 },
	{ "acpi_s4", 0 }, { "acpi_laptop_slate", 0 }, { "acpi_firmware", 0 },
	{ "apic", 0 }, { "pae", 0 }, { "hpet", 0 }, { "viridian", 0 },
	{ "timer_mode", 0 }, { "vpt_align", 0 }, { "altp2m", 0 },
	{ "altp2mhvm", 0 }, { "mca_caps", 0 }, { "msr_relaxed", 0 },
	{ "e820_host", 0 }, { "gic_version", 0 }, { "boot", 0 }, { "firmware", 0 },
	{ "bios", 0 }, { "bios_path_override", 0 }, { "firmware_override", 0 },
	{ "smbios_firmware", 0 }, { "ms_vm_genid", 0 }, { "nx", 0 },
	{ "pvshim", 0 }, { "pvshim_path", 0 }, { "pvshim_cmdline", 0 },
	{ "pvshim_extra", 0 }, { "tee", 0 }, { "trap_unmapped_accesses", 0 },
	{ "xend_suspend_evtchn_compat", 0 }, { "suppress_vmport", 0 },
	{ "vcpu_hard_affinity", 0 }, { "vcpu_soft_affinity", 0 },
	{ "max_memkb", 0 }, { "target_memkb", 0 }, { "mmio_hole", 0 },
	{ "vkb_backend", 0 }, { "sched_params", 0 },
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

/* A key xbuild does not act on: one warning, however often it is set. */
static int warn_other(struct cfg_ctx *x, const struct xl_setting *s)
{
	char what[128], key[72];

	snprintf(key, sizeof(key), "%.64s%s", s->name, strlen(s->name) > 64 ? "..." : "");
	for (size_t k = 0; k < XB_ARRAY_SIZE(xl_other); k++) {
		if (strcmp(s->name, xl_other[k].name))
			continue;
		snprintf(what, sizeof(what), "key '%s'", s->name);	/* short */
		return cfg_warn_ignored(x, key, what, s->first_line, s->nset,
					xl_other[k].dev ? "is not acted on by "
					"xbuild (devices are the toolstack's job)" :
					"is not acted on by xbuild");
	}
	snprintf(what, sizeof(what), "unknown key '%.64s%s'", s->name,
		 strlen(s->name) > 64 ? "..." : "");
	return cfg_warn_ignored(x, key, what, s->first_line, s->nset, "ignored");
}

static int map_setting(struct cfg_ctx *x, const struct xl_setting *s)
{
	int k = key_of(s->name), r;
	enum cfg_type t;
	char shown[80];
	struct cfg_val v = { .numfmt = XB_NUM_C, .line = s->line };

	if (k < 0)
		return warn_other(x, s);
	t = cfg_keys[k].type;
	if (s->nset > 1 &&
	    (r = cfg_repeat(x, k, s->first_line, s->again_line, s->nset - 1)))
		return r;
	if (t == CT_MIB || t == CT_BYTES || t == CT_COUNT || t == CT_BOOL) {
		const char *unit = t == CT_MIB || t == CT_BYTES ? " (MiB)" : "";

		/* xl takes a number, or a string holding one. */
		if (s->v.type == XLV_LIST)
			return xb_fail(x->e, XB_EINPUT, "%s:%d: key '%s': expected "
				       "a number%s, got a list", x->fname, s->line,
				       cfg_keys[k].xl, unit);
		if (s->add)
			return xb_fail(x->e, XB_EINPUT, "%s:%d: key '%s': += cannot "
				       "be used with numbers", x->fname, s->line,
				       cfg_keys[k].xl);
		v.unit = *unit ? "MiB" : NULL;
		v.scale = *unit ? MiB : 1;
	} else if (s->v.type != XLV_STRING) {
		return xb_fail(x->e, XB_EINPUT, "%s:%d: key '%s': expected a string "
			       "in quotes, got %s", x->fname, s->line, cfg_keys[k].xl,
			       type_name(&s->v));
	}
	v.s = s->v.s;
	v.shown = cfg_show(s->v.s, s->v.type == XLV_STRING, shown, 60);
	return cfg_set(x, k, &v);
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
	if (!r)
		r = cfg_finish(c, e);
	return r;
}
