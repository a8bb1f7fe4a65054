/*
 * acpi.h - the ACPI tables of a PVH guest, xbuild's own (pure: no
 * hypervisor).  A PVH guest has no firmware: the builder writes the tables
 * into guest memory and hands the RSDP's address over in hvm_start_info.
 * What Linux needs from them is the MADT, one local APIC per vCPU, to find
 * and bring up its vCPUs (DESIGN.md, "PVH guests").
 *
 * Tables (ACPI 6.0 layouts), from tables_paddr on, each 16-byte aligned:
 *   XSDT  -> FADT, MADT
 *   FADT  hardware-reduced (no PM blocks, no FACS), IA-PC boot flags "no
 *         VGA, no CMOS RTC" as libxl sets for PVH, X_DSDT (and DSDT below
 *         4 GiB)
 *   DSDT  a header and no AML (see acpi.c)
 *   MADT  local APIC address 0xFEE00000; per vCPU n < max_vcpus a
 *         Processor Local APIC (APIC id 2n, ACPI processor UID n), or a
 *         Processor Local x2APIC when 2n > 254; enabled when n < nr_vcpus
 * and the RSDP (revision 2, no RSDT) pointing at the XSDT.
 */
#ifndef XB_ACPI_H
#define XB_ACPI_H

#include "../config.h"

struct acpi_params {
	unsigned nr_vcpus; /* online at boot; one local APIC each, APIC id 2*n (as libxl) */
	unsigned max_vcpus; /* MADT lists max_vcpus entries, those >= nr_vcpus not enabled */
	uint64_t tables_paddr; /* guest physical address of the tables area (libxl: 0xFC001000) */
	uint64_t rsdp_paddr; /* guest physical address of the RSDP (0xFFFC0) */
};

struct acpi_result {
	size_t tables_len; /* bytes used at tables_paddr */
	uint64_t xsdt_paddr, fadt_paddr, madt_paddr, dsdt_paddr;
};

#define ACPI_RSDP_LEN 36

/* The identity every table carries. */
#define ACPI_OEM_ID "XBUILD" /* 6 characters */
#define ACPI_OEM_TABLE_ID "XBUILDPV" /* 8 */
#define ACPI_CREATOR_ID "XBLD" /* 4 */

/* The most vCPUs the tables describe (xbuild's own limit). */
#define ACPI_VCPUS_MAX XB_VCPUS_MAX

/*
 * Write the tables into tables[0..cap) (to be placed at tables_paddr) and
 * the RSDP into rsdp[ACPI_RSDP_LEN] (placed at rsdp_paddr); every byte of
 * tables[0..r->tables_len) is written.  0, or -XB_EINPUT/-XB_EINTERNAL
 * with e set (cap too small, too many vCPUs, nr_vcpus 0 or above
 * max_vcpus, an area that wraps).
 */
int acpi_build(const struct acpi_params *p, uint8_t *tables, size_t cap,
	       uint8_t rsdp[ACPI_RSDP_LEN], struct acpi_result *r,
	       struct xb_err *e);

#endif
