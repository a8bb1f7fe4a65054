/* xbuild checking guest: linker script (run through cpp with xbc.h). */
#include "xbc.h"

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(xbc_start)

PHDRS
{
	text PT_LOAD FLAGS(5);		/* R X */
	data PT_LOAD FLAGS(6);		/* R W: no segment is writable and executable */
	note PT_NOTE FLAGS(4);
}

/*
 * Physical addresses from 0, like Linux.  With ELF notes libelf's default
 * PADDR_OFFSET is 0 (virt_base only for the legacy __xen_guest string), so
 * classic (no PADDR_OFFSET note) and modern (note = 0) load alike:
 * virt_kstart = pstart + virt_base - paddr_offset.
 */
#define LMA(s) AT(ADDR(s) - XBC_VIRT_BASE)

SECTIONS
{
	. = XBC_VIRT_BASE + XBC_KERNEL_OFFSET;
	_start = .;
	.text : LMA(.text) {
		*(.text.head)
		*(.text .text.*)
	} :text
	.rodata : LMA(.rodata) { *(.rodata .rodata.*) } :text
	.note : LMA(.note) { *(.note.Xen) } :text :note
	. = ALIGN(XBC_PAGE);
	_etext = .;
	.data : LMA(.data) { *(.data .data.*) } :data
	. = ALIGN(64);
	__bss_start = .;
	.bss : LMA(.bss) { *(.bss .bss.*) *(COMMON) } :data
	__bss_end = .;
	.stack (NOLOAD) : LMA(.stack) { *(.stack) } :data
	. = ALIGN(XBC_PAGE);
	_end = .;
	/DISCARD/ : { *(.note.gnu.* .comment .eh_frame* .note.GNU-stack) }
}
