/* xbuild checking guest: constants shared by head.S, guest.c and guest.lds.S. */
#ifndef XBC_H
#define XBC_H

#define XBC_VIRT_BASE  0xffffffff80000000
#define XBC_INIT_P2M   0x0000008000000000	/* L4 slot 1, like Linux */
#define XBC_STACK_SIZE 16384
#define XBC_PAGE       4096

#ifdef XBC_MODERN
#define XBC_VARIANT "modern"
/* Link 2 MiB above virt_base, so the builder has to pad pfns 0..511. */
#define XBC_KERNEL_OFFSET 0x200000
#else
#define XBC_VARIANT "classic"
#define XBC_KERNEL_OFFSET 0
#endif

#endif
