/*
 * guest.c - the guest kinds' parameters and writers (guest.h).  Structure
 * layouts come from Xen's public headers: xen/foreign/x86_64.h and
 * x86_32.h (start_info, shared_info, VGCF_*, FLAT_KERNEL_*).
 */
#include "guest.h"

#include <stdio.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/foreign/x86_32.h>
#include <xen/foreign/x86_64.h>

#include "../x86.h"

#define PROT_L1 (PT_PRESENT | PT_RW | PT_ACCESSED)
#define PROT_UPPER (PT_PRESENT | PT_RW | PT_ACCESSED | PT_DIRTY | PT_USER)

/* The same fields for both layouts; the 32-bit one narrows (the layout
 * keeps every value of a PAE guest below 4 GiB). */
#define SI_FILL(dst, si)                                                 \
	do {                                                             \
		memcpy((dst)->magic, (si)->magic, sizeof((dst)->magic)); \
		(dst)->nr_pages = (si)->nr_pages;                        \
		(dst)->shared_info = (si)->shared_info;                  \
		(dst)->flags = (si)->flags;                              \
		(dst)->store_mfn = (si)->store_mfn;                      \
		(dst)->store_evtchn = (si)->store_evtchn;                \
		(dst)->console.domU.mfn = (si)->console_mfn;             \
		(dst)->console.domU.evtchn = (si)->console_evtchn;       \
		(dst)->pt_base = (si)->pt_base;                          \
		(dst)->nr_pt_frames = (si)->nr_pt_frames;                \
		(dst)->mfn_list = (si)->mfn_list;                        \
		(dst)->mod_start = (si)->mod_start;                      \
		(dst)->mod_len = (si)->mod_len;                          \
		memcpy((dst)->cmd_line, (si)->cmd_line,                  \
		       sizeof((dst)->cmd_line));                         \
		(dst)->first_p2m_pfn = (si)->first_p2m_pfn;              \
		(dst)->nr_p2m_frames = (si)->nr_p2m_frames;              \
	} while (0)

_Static_assert(sizeof(((start_info_x86_64_t *)0)->cmd_line) == XB_CMDLINE_MAX,
	       "start_info.cmd_line is XB_CMDLINE_MAX bytes");
_Static_assert(sizeof(((start_info_x86_64_t *)0)->magic) ==
		       sizeof(((struct dom_start_info *)0)->magic),
	       "magic size");

static void si_write_64(void *page, const struct dom_start_info *si)
{
	SI_FILL((start_info_x86_64_t *)page, si);
}

static void si_write_32(void *page, const struct dom_start_info *si)
{
	SI_FILL((start_info_x86_32_t *)page, si);
}

static void p2m_write_64(void *dst, const uint64_t *p2m, uint64_t n)
{
	if (dst != (const void *)p2m) /* the builder may look up in place */
		memcpy(dst, p2m, n * sizeof(*p2m));
}

static void p2m_write_32(void *dst, const uint64_t *p2m, uint64_t n)
{
	uint32_t *p = dst;

	for (uint64_t i = 0; i < n; i++)
		p[i] = (uint32_t)p2m[i];
}

/* Every vCPU starts with event upcalls masked. */
static void shinfo_init_64(void *page)
{
	shared_info_x86_64_t *s = page;

	for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS_X86_64; i++)
		s->vcpu_info[i].evtchn_upcall_mask = 1;
}

static void shinfo_init_32(void *page)
{
	shared_info_x86_32_t *s = page;

	for (unsigned i = 0; i < XEN_LEGACY_MAX_VCPUS_X86_32; i++)
		s->vcpu_info[i].evtchn_upcall_mask = 1;
}

static const struct guest_params params[] = {
	[XB_GUEST_X86_64] = {
		.type = XB_GUEST_X86_64,
		.magic = "xen-3.0-x86_64",
		.abi = "x86_64-abi",
		.levels = 4,
		.pte_size = 8,
		.pfn_size = 8,
		.vaddr_mask = (1ULL << 48) - 1,
		.lvl_prot = { PROT_L1, PROT_UPPER, PROT_UPPER, PROT_UPPER },
		.p2m_base_supported = true,
		.low_end = X86_64_LOW_END,
		.high_start = X86_64_HIGH_START,
		.linux_max_mapping = 1ULL << 30,	/* Linux maps 1 GiB at start */
		.cs = FLAT_KERNEL_CS_X86_64,
		.ss = FLAT_KERNEL_SS_X86_64,
		.ds = FLAT_KERNEL_DS_X86_64,
		.vcpu_flags = VGCF_in_kernel_X86_64 | VGCF_online_X86_64,
		.is64 = true,
		.write_start_info = si_write_64,
		.write_p2m = p2m_write_64,
		.init_shared_info = shinfo_init_64,
	},
	[XB_GUEST_X86_32P] = {
		.type = XB_GUEST_X86_32P,
		.magic = "xen-3.0-x86_32p",
		.abi = "x86_32-abi",
		.addr32 = true,
		.levels = 3,
		.pte_size = 8,
		.pfn_size = 4,
		.vaddr_mask = (1ULL << 32) - 1,
		/* PAE L3 entries take only the present bit. */
		.lvl_prot = { PROT_L1, PROT_UPPER, PT_PRESENT, 0 },
		.p2m_base_supported = false,
		.low_end = PAE_XEN_START,
		.cs = FLAT_KERNEL_CS_X86_32,
		.ss = FLAT_KERNEL_SS_X86_32,
		.ds = FLAT_KERNEL_DS_X86_32,
		.vcpu_flags = VGCF_in_kernel_X86_32 | VGCF_online_X86_32,
		.write_start_info = si_write_32,
		.write_p2m = p2m_write_32,
		.init_shared_info = shinfo_init_32,
	},
	/* No page tables, p2m or start_info page: pvh.c has its layout
	 * and writers.  It needs a hypervisor that runs HVM guests. */
	[XB_GUEST_PVH] = {
		.type = XB_GUEST_PVH,
		.magic = "hvm-3.0-x86_64",
		.abi = "x86_64-abi",
		.is64 = true,
	},
};

const struct guest_params *guest_params_get(enum xb_guest_type t)
{
	if ((unsigned)t >= XB_ARRAY_SIZE(params))
		return NULL;
	return &params[t];
}
