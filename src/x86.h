/*
 * x86.h - facts of the x86 paging architecture and of Xen's x86 PV address
 * space, in one place (Intel SDM vol. 3 ch. 4; xen/arch-x86/xen-x86_64.h,
 * xen-x86_32.h).
 */
#ifndef XB_X86_H
#define XB_X86_H

/* Page-table entry bits. */
#define PT_PRESENT 0x001ULL
#define PT_RW 0x002ULL
#define PT_USER 0x004ULL
#define PT_ACCESSED 0x020ULL
#define PT_DIRTY 0x040ULL
#define PT_PSE 0x080ULL
#define PT_ADDR_MASK 0x000ffffffffff000ULL

/* 512 entries per table (PAE and long mode): each level adds 9 bits. */
#define PT_LEVEL_SHIFT 9
#define PT_ENTRIES (1u << PT_LEVEL_SHIFT)

/* Guest-usable virtual address space of an x86_64 PV guest: the canonical
 * lower half, and the upper half above Xen's reserved slots
 * 0xffff800000000000-0xffff87ffffffffff (HYPERVISOR_VIRT_START/END). */
#define X86_64_LOW_END 0x0000800000000000ULL
#define X86_64_HIGH_START 0xffff880000000000ULL
/* A 32-bit PV guest may use what lies below HYPERVISOR_COMPAT_VIRT_START. */
#define PAE_XEN_START 0xf5800000ULL

#endif
