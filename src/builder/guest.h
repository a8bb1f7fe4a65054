/*
 * guest.h - the kinds of guest xbuild builds, as data: one struct per kind
 * holds every number and writer that differs between them, chosen once
 * from the kernel's notes (DESIGN.md: x86_64 PV, 32-bit PAE PV; a kind
 * without PV page tables, PVH, is added beside them).
 */
#ifndef XB_GUEST_H
#define XB_GUEST_H

#include "../config.h"
#include "../loaders/loader.h"

#define XB_PT_MAX_LEVELS 4

/* start_info as the builder writes it, whatever the kind's structure
 * layout (xen/xen.h start_info_t); what `plan` prints. */
struct dom_start_info {
	char magic[32];
	uint64_t nr_pages, shared_info, flags;
	uint64_t store_mfn, console_mfn;
	uint32_t store_evtchn, console_evtchn;
	uint64_t pt_base, nr_pt_frames, mfn_list, mod_start, mod_len;
	uint64_t first_p2m_pfn, nr_p2m_frames;
	char cmd_line[XB_CMDLINE_MAX];
};

struct guest_params {
	enum xb_guest_type type;
	const char *magic; /* start_info.magic, a xen_caps word */
	const char *abi; /* the result: line's ABI ("x86_64-abi") */
	bool addr32; /* domain address size 32 (PAE) */
	/* Paging. */
	unsigned levels; /* 4 or 3 */
	unsigned pte_size; /* 8 */
	unsigned pfn_size; /* p2m entry size: 8 or 4 */
	uint64_t vaddr_mask; /* 48 or 32 bits */
	uint64_t lvl_prot[XB_PT_MAX_LEVELS]; /* entry flags per level, L1 first */
	bool p2m_base_supported; /* INIT_P2M honoured */
	/* Guest-usable virtual ranges: [0, low_end) and, when high_start is
	 * not 0, [high_start, 2^64) (x86.h). */
	uint64_t low_end, high_start;
	/* Largest start-of-day mapping a Linux guest of this kind can take
	 * (bytes from virt_base), 0 = no limit beyond the address space. */
	uint64_t linux_max_mapping;
	/* vCPU 0: flat kernel selectors and VGCF_* flags. */
	uint16_t cs, ss, ds;
	uint32_t vcpu_flags;
	bool is64;

	/* Writers of the kind's guest-visible structures. */
	void (*write_start_info)(void *page, const struct dom_start_info *si);
	/* n p2m entries from mfns[0, n); dst may be mfns itself. */
	void (*write_p2m)(void *dst, const uint64_t *mfns, uint64_t n);
	void (*init_shared_info)(void *page);
};

/* The parameters of kernel type t, or NULL. */
const struct guest_params *guest_params_get(enum xb_guest_type t);

#endif
