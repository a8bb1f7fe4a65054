/*
 * acpi.c - a PVH guest's ACPI tables (acpi.h).  Layouts from the ACPI
 * Specification 6.0: RSDP 5.2.5.3, system description table header
 * 5.2.6, XSDT 5.2.8, FADT 5.2.9 (table 5-34), DSDT 5.2.11.1, MADT 5.2.12
 * (Processor Local APIC 5.2.12.2, Processor Local x2APIC 5.2.12.12).
 * Every multi-byte field is written little-endian through put*(), never
 * through a cast to a packed struct.
 */
#include "acpi.h"

#include <string.h>

#define SDT_HDR_LEN 36
#define XSDT_ENTRIES 2 /* FADT, MADT */
#define FADT_LEN 276 /* ACPI 6.0: up to the hypervisor vendor identity */
#define FADT_REVISION 6
#define FADT_MINOR 0
#define MADT_LEN 44 /* header, local APIC address, flags */
#define MADT_REVISION 4 /* ACPI 6.0 and 6.2: no "online capable" flag */
#define MADT_LAPIC_LEN 8
#define MADT_X2APIC_LEN 16
#define TABLE_ALIGN 16

/* FADT fields (offsets in the table) */
#define FADT_FIRMWARE_CTRL 36
#define FADT_DSDT 40
#define FADT_IAPC_BOOT_ARCH 109
#define FADT_FLAGS 112
#define FADT_MINOR_VERSION 131
#define FADT_X_DSDT 140
/* IAPC_BOOT_ARCH (table 5-35) */
#define BOOT_ARCH_VGA_NOT_PRESENT (1u << 2)
#define BOOT_ARCH_CMOS_RTC_NOT_PRESENT (1u << 5)
/* FADT flags (table 5-35): no fixed hardware, no PM blocks, no FACS */
#define FADT_HW_REDUCED_ACPI (1u << 20)

#define MADT_LAPIC_ADDR 0xfee00000u
#define MADT_TYPE_LAPIC 0
#define MADT_TYPE_X2APIC 9
#define MADT_ENABLED 1u
/* A Processor Local APIC's id is one byte and 0xff is the broadcast
 * id: larger ids go into x2APIC structures (ACPI 6.0, 5.2.12.12). */
#define LAPIC_ID_MAX 254

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* The byte that makes p[0..len) sum to 0 (mod 256), once it is added. */
static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return (uint8_t)-sum;
}

static size_t align_up(size_t n)
{
	return (n + TABLE_ALIGN - 1) & ~(size_t)(TABLE_ALIGN - 1);
}

/* A system description table header (5.2.6), checksum still 0. */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	t[9] = 0; /* checksum, set last */
	memcpy(t + 10, ACPI_OEM_ID, 6);
	memcpy(t + 16, ACPI_OEM_TABLE_ID, 8);
	put32(t + 24, 1); /* OEM revision */
	memcpy(t + 28, ACPI_CREATOR_ID, 4);
	put32(t + 32, 1); /* creator revision */
}

static void seal(uint8_t *t, size_t len)
{
	t[9] = checksum(t, len);
}

static uint32_t apic_id(unsigned n)
{
	return 2 * n; /* libxl's LAPIC_ID(n) */
}

static size_t madt_len(unsigned max_vcpus)
{
	size_t len = MADT_LEN;

	for (unsigned n = 0; n < max_vcpus; n++)
		len += apic_id(n) <= LAPIC_ID_MAX ? MADT_LAPIC_LEN :
						    MADT_X2APIC_LEN;
	return len;
}

static void write_madt(uint8_t *t, size_t len, const struct acpi_params *p)
{
	uint8_t *q = t + MADT_LEN;

	header(t, "APIC", (uint32_t)len, MADT_REVISION);
	put32(t + 36, MADT_LAPIC_ADDR);
	put32(t + 40, 0); /* flags: no PC-AT 8259 pair (PVH has none) */
	for (unsigned n = 0; n < p->max_vcpus; n++) {
		uint32_t flags = n < p->nr_vcpus ? MADT_ENABLED : 0;

		if (apic_id(n) <= LAPIC_ID_MAX) {
			q[0] = MADT_TYPE_LAPIC;
			q[1] = MADT_LAPIC_LEN;
			q[2] = (uint8_t)n; /* ACPI processor UID (n < 128) */
			q[3] = (uint8_t)apic_id(n);
			put32(q + 4, flags);
			q += MADT_LAPIC_LEN;
		} else {
			q[0] = MADT_TYPE_X2APIC;
			q[1] = MADT_X2APIC_LEN;
			put16(q + 2, 0); /* reserved */
			put32(q + 4, apic_id(n));
			put32(q + 8, flags);
			put32(q + 12, n); /* ACPI processor UID */
			q += MADT_X2APIC_LEN;
		}
	}
	seal(t, len);
}

/*
 * The FADT of a hardware-reduced platform (ACPI 6.0, 4.1): no SCI, no PM
 * event/control blocks, no PM timer, no GPE blocks and no FACS
 * (FIRMWARE_CTRL and X_FIRMWARE_CTRL 0, which hardware-reduced allows);
 * everything but the DSDT's address, the boot flags and the flags stays 0.
 */
static void write_fadt(uint8_t *t, uint64_t dsdt)
{
	header(t, "FACP", FADT_LEN, FADT_REVISION);
	put32(t + FADT_FIRMWARE_CTRL, 0);
	/* The 32-bit field too when it fits (an OS reads either; Linux
	 * warns when both are set and differ). */
	put32(t + FADT_DSDT, dsdt <= UINT32_MAX ? (uint32_t)dsdt : 0);
	put16(t + FADT_IAPC_BOOT_ARCH,
	      BOOT_ARCH_VGA_NOT_PRESENT | BOOT_ARCH_CMOS_RTC_NOT_PRESENT);
	put32(t + FADT_FLAGS, FADT_HW_REDUCED_ACPI);
	t[FADT_MINOR_VERSION] = FADT_MINOR;
	put64(t + FADT_X_DSDT, dsdt);
	seal(t, FADT_LEN);
}

/*
 * The DSDT: the header and no AML at all (an empty TermList is a valid
 * definition block).  Linux enumerates and starts the vCPUs from the MADT
 * alone; processor objects in the namespace would serve ACPI vCPU hotplug
 * and power states, which a PVH guest gets from Xen instead (vCPU
 * hotplug through xenstore, poweroff through SCHEDOP_shutdown), and a
 * hardware-reduced platform has no SCI to signal hotplug with anyway.
 */
static void write_dsdt(uint8_t *t)
{
	header(t, "DSDT", SDT_HDR_LEN, 2); /* revision 2: 64-bit integers */
	seal(t, SDT_HDR_LEN);
}

static void write_xsdt(uint8_t *t, uint64_t fadt, uint64_t madt)
{
	uint32_t len = SDT_HDR_LEN + 8 * XSDT_ENTRIES;

	header(t, "XSDT", len, 1);
	put64(t + SDT_HDR_LEN, fadt);
	put64(t + SDT_HDR_LEN + 8, madt);
	seal(t, len);
}

/* RSDP (5.2.5.3), revision 2: the first 20 bytes have their checksum,
 * all 36 the extended one; no RSDT (its address 0), the XSDT instead. */
static void write_rsdp(uint8_t *r, uint64_t xsdt)
{
	memset(r, 0, ACPI_RSDP_LEN);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, ACPI_OEM_ID, 6);
	r[15] = 2; /* revision */
	put32(r + 16, 0); /* RsdtAddress */
	put32(r + 20, ACPI_RSDP_LEN);
	put64(r + 24, xsdt);
	r[8] = checksum(r, 20);
	r[32] = checksum(r, ACPI_RSDP_LEN);
}

int acpi_build(const struct acpi_params *p, uint8_t *tables, size_t cap,
	       uint8_t rsdp[ACPI_RSDP_LEN], struct acpi_result *r,
	       struct xb_err *e)
{
	size_t xsdt = 0, fadt, dsdt, madt, mlen, end;
	uint64_t last;

	memset(r, 0, sizeof(*r));
	if (p->nr_vcpus == 0 || p->nr_vcpus > p->max_vcpus)
		return xb_fail(e, XB_EINPUT,
			       "ACPI: %u vCPUs online of %u: want 1 to the "
			       "maximum",
			       p->nr_vcpus, p->max_vcpus);
	if (p->max_vcpus > ACPI_VCPUS_MAX)
		return xb_fail(e, XB_EINPUT,
			       "ACPI: %u vCPUs: the tables describe at most %u",
			       p->max_vcpus, ACPI_VCPUS_MAX);
	fadt = align_up(xsdt + SDT_HDR_LEN + 8 * XSDT_ENTRIES);
	dsdt = align_up(fadt + FADT_LEN);
	madt = align_up(dsdt + SDT_HDR_LEN);
	mlen = madt_len(p->max_vcpus);
	end = madt + mlen;
	if (end > cap)
		return xb_fail(e, XB_EINTERNAL,
			       "ACPI: the tables take %zu bytes, the area "
			       "holds %zu",
			       end, cap);
	if (xb_add_ovf(p->tables_paddr, (uint64_t)end, &last) ||
	    xb_add_ovf(p->rsdp_paddr, (uint64_t)ACPI_RSDP_LEN, &last))
		return xb_fail(e, XB_EINTERNAL,
			       "ACPI: tables at 0x%llx or RSDP at 0x%llx wrap "
			       "around",
			       (unsigned long long)p->tables_paddr,
			       (unsigned long long)p->rsdp_paddr);
	memset(tables, 0, end); /* padding and reserved fields */
	r->tables_len = end;
	r->xsdt_paddr = p->tables_paddr + xsdt;
	r->fadt_paddr = p->tables_paddr + fadt;
	r->dsdt_paddr = p->tables_paddr + dsdt;
	r->madt_paddr = p->tables_paddr + madt;
	write_dsdt(tables + dsdt);
	write_fadt(tables + fadt, r->dsdt_paddr);
	write_madt(tables + madt, mlen, p);
	write_xsdt(tables + xsdt, r->fadt_paddr, r->madt_paddr);
	write_rsdp(rsdp, r->xsdt_paddr);
	return 0;
}
