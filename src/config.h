/*
 * config.h - the domain configuration as the builder receives it.
 *
 * Front ends in src/cli (xl.cfg, libvirt domain XML, the command line)
 * fill this plain struct; the builder reads it and never sees how it was
 * written.  The limits here are the ones the front ends check.
 */
#ifndef XB_DOM_CONFIG_H
#define XB_DOM_CONFIG_H

#include "xb.h"

#define XB_NAME_MAX 64
#define XB_CMDLINE_MAX 1024 /* start_info.cmd_line incl. its NUL */
#define XB_MEMORY_MAX_MB 16777216ULL /* 16 TiB, for memory/maxmem */
#define XB_VCPUS_MAX 512
#define XB_CONFIG_MAX \
	(1u << 20) /* config files larger than 1 MiB are refused */
#define XB_ACTION_MAX 24 /* on_*: longest is "coredump-restart" */
#define XB_MEMORY_DEFAULT_MB 128
/* The one default cap on any decompressed kernel or initrd (1 GiB).  The
 * same text as the older copy in src/loaders/loader.h, which can go. */
#define XB_DEFAULT_MAX_DECOMP (1ULL << 30)

struct cfg_origin; /* src/cli/config_int.h */

/* "type": what kind of guest the builder makes. */
enum xb_dom_type {
	XB_DOM_PV = 0, /* the default, and xm's builder = "linux" */
	XB_DOM_PVH, /* type = "pvh"; libvirt <type machine='xenpvh'> */
};

/* One entry of xl's "cpuid" key, as libxenguest's struct xc_xend_cpuid
 * takes it: for leaf/subleaf, each register eax, ebx, ecx, edx as 32
 * characters, bit 31 first: '1' set, '0' clear, 'x' the default policy's
 * value, 'k' the host's, 's' as saved.  XB_CPUID_ANY_SUBLEAF: the leaf has
 * no subleaves. */
#define XB_CPUID_MAX 32
#define XB_CPUID_ANY_SUBLEAF 0xffffffffu
struct xb_cpuid {
	uint32_t leaf, subleaf;
	char policy[4][33];
};

struct dom_config {
	char *source; /* the config's file name, for messages */
	char name[XB_NAME_MAX]; /* required, [A-Za-z0-9_.-], < 64 chars */
	uint64_t memory_mb; /* "memory", default 128 */
	uint64_t maxmem_mb; /* "maxmem", default = memory */
	unsigned vcpus; /* "vcpus", default 1 */
	unsigned maxvcpus; /* "maxvcpus", default = vcpus */
	char *kernel; /* required path */
	char *ramdisk; /* optional path, NULL when absent */
	/* The guest command line after xl's rules: cmdline, else
	 * "root=ROOT EXTRA".  NULL when none.  Checked < 1024 bytes. */
	char *cmdline;
	bool ramdisk_decompress; /* "ramdisk_decompress", default true */
	bool has_uuid;
	uint8_t uuid[16];
	char on_poweroff[XB_ACTION_MAX]; /* "destroy", "restart", "preserve", ... */
	char on_reboot[XB_ACTION_MAX];
	char on_crash[XB_ACTION_MAX];
	/* Cap on any decompressed kernel or initrd, bytes
	 * ("xbuild_max_decompressed", MiB): cfg_init() sets
	 * XB_DEFAULT_MAX_DECOMP, front ends accept 1 MiB and up, so it is
	 * never 0. */
	uint64_t max_decompressed;
	/* Domain creation limits, as xl.cfg's keys; 0: xl's default (the
	 * highest grant version the hypervisor offers, its default grant
	 * and maptrack frames, 1023 event channels). */
	unsigned max_grant_version; /* 1 or 2 */
	unsigned max_grant_frames;
	unsigned max_maptrack_frames;
	unsigned max_event_channels;
	enum xb_dom_type type;
	/* "cpuid" overrides, applied over the default policy (PVH); one
	 * entry per leaf/subleaf. */
	unsigned nr_cpuid;
	struct xb_cpuid cpuid[XB_CPUID_MAX];
	struct xb_warnings warnings;
	/* The front ends' own bookkeeping (where each key was set, xl's
	 * root/extra until cfg_finish() joins them), freed by cfg_free();
	 * NULL when no config file was read.  The builder never reads it. */
	struct cfg_origin *origin;
};

#endif
