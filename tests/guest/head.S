/*
 * xbuild checking guest: entry point, exception stubs, hypercall page and
 * the Xen ELF notes (xen/elfnote.h).  Built twice from this file:
 *   classic: only the notes a generic PV loader needs;
 *   modern (-DXBC_MODERN): + INIT_P2M, MOD_START_PFN, PADDR_OFFSET, FEATURES,
 *   like Linux >= 4.x, so the p2m is mapped apart and the module is unmapped.
 */
#include <xen/elfnote.h>
#include "xbc.h"

#define ELFNOTE(type, desc...)		\
	.pushsection .note.Xen, "a";	\
	.balign 4;			\
	.long 2f - 1f;	/* namesz */	\
	.long 4f - 3f;	/* descsz */	\
	.long type;			\
1:	.asciz "Xen";			\
2:	.balign 4;			\
3:	desc;				\
4:	.balign 4;			\
	.popsection

	ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
	ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "xbuild-check")
	ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz XBC_VARIANT)
	ELFNOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
	ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad XBC_VIRT_BASE)
	ELFNOTE(XEN_ELFNOTE_ENTRY, .quad xbc_start)
	ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
#ifdef XBC_MODERN
	ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad 0)
	ELFNOTE(XEN_ELFNOTE_FEATURES, .asciz "!writable_page_tables")
	ELFNOTE(XEN_ELFNOTE_INIT_P2M, .quad XBC_INIT_P2M)
	ELFNOTE(XEN_ELFNOTE_MOD_START_PFN, .long 1)
#endif

	.section .text.head, "ax"
	.code64
	.globl xbc_start
/*
 * PV entry (DESIGN.md "vCPU 0"): rsi = start_info (virtual), rsp = top of the
 * boot stack page.  Record them and the selectors, then move to our own
 * stack, so that deep checks cannot run into the page tables below the boot
 * stack.  Nothing is written to memory before xbc_main has checked .bss.
 */
xbc_start:
	mov	%rsi, %rdi		/* arg 1: start_info */
	mov	%rsp, %rsi		/* arg 2: initial rsp */
	xor	%edx, %edx
	mov	%cs, %dx		/* arg 3: cs */
	xor	%ecx, %ecx
	mov	%ss, %cx		/* arg 4: ss */
	lea	xbc_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	call	xbc_main
	ud2

/*
 * Exception stubs.  A 64-bit PV guest gets the frame Xen bounced to it with
 * rcx and r11 on top (the syscall-style frame); pop them, normalise the error
 * code, then hand vector, frame to C, which reports and crashes the domain.
 */
.macro EXC vec, has_err
	.globl xbc_exc\vec
xbc_exc\vec:
	pop	%rcx
	pop	%r11
	.if \has_err == 0
	push	$0
	.endif
	mov	$\vec, %edi
	mov	%rsp, %rsi		/* err, rip, cs, rflags, rsp, ss */
	and	$~15, %rsp
	call	xbc_exception
	ud2
.endm
	EXC 0, 0
	EXC 1, 0
	EXC 2, 0
	EXC 3, 0
	EXC 4, 0
	EXC 5, 0
	EXC 6, 0
	EXC 7, 0
	EXC 8, 1
	EXC 10, 1
	EXC 11, 1
	EXC 12, 1
	EXC 13, 1
	EXC 14, 1
	EXC 16, 0
	EXC 17, 1
	EXC 18, 0
	EXC 19, 0

/* Filled by Xen (hypercall_init domctl) because of the HYPERCALL_PAGE note. */
	.section .text.hypercall, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xcc	/* int3: a builder that forgot it traps loudly */

	.section .stack, "aw", @nobits
	.balign 4096
	.space XBC_STACK_SIZE
	.globl xbc_stack_top
xbc_stack_top:
