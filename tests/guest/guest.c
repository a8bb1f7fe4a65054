/*
 * xbuild checking guest: a freestanding x86_64 PV kernel that checks, from the
 * inside, what a PV domain builder handed it (DESIGN.md "The PV boot
 * protocol"), prints one line per check and shuts the domain down:
 *
 *   CHECK <name> ok
 *   CHECK <name> FAIL <detail>
 *   XBCHECK RESULT PASS n/n        (SHUTDOWN_poweroff)
 *   XBCHECK RESULT FAIL k/n        (SHUTDOWN_crash)
 *
 * Output goes to the PV console ring, which xenconsoled logs with
 * --log=guest, and to HYPERVISOR_console_io, which reaches Xen's console only
 * on hypervisors built with CONFIG_VERBOSE_DEBUG (XSM denies domU writes
 * otherwise, as on Debian's release build).  The expected values come from the command line:
 *   xbc.pages=N     nr_pages
 *   xbc.modlen=N    exact module length (after decompression)
 *   xbc.modsum=0xH  32-bit FNV-1a of those N bytes
 *   xbc.gntv=2      also switch the grant table to version 2 (the domain
 *                   must allow it: max_grant_version) and read it back
 *   xbc.fault=1     self-test: take a page fault after the checks
 *   ... xbc.end     must be the last token (detects a cut command line)
 * Model: XTF (tiny PV test kernels reporting over the console).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/io/console.h>

#include "xbc.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096UL
#define PTE_P   0x001UL
#define PTE_RW  0x002UL
#define PTE_A   0x020UL
#define PTE_D   0x040UL
#define PTE_PSE 0x080UL
#define PTE_MFN(pte) (((pte) >> PAGE_SHIFT) & ((1UL << 40) - 1))

/* Xen's own L4 slots in a 64-bit PV guest's root table (filled at pin time). */
#define XEN_L4_FIRST 256
#define XEN_L4_LAST  271

extern char hypercall_page[];
extern char _start[], _end[], __bss_start[], __bss_end[];

/* ------------------------------------------------------------------ hypercalls */

static long hypercall3(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	register unsigned long r1 asm("rdi") = a1;
	register unsigned long r2 asm("rsi") = a2;
	register unsigned long r3 asm("rdx") = a3;
	long ret;

	asm volatile("call *%[fn]"
		     : "=a"(ret), "+r"(r1), "+r"(r2), "+r"(r3)
		     : [fn] "r"(hypercall_page + nr * 32)
		     : "memory", "rcx", "r8", "r9", "r10", "r11");
	return ret;
}

static long hv_console_write(const char *s, unsigned long n)
{
	return hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, n, (unsigned long)s);
}

static long hv_update_va_mapping(unsigned long va, uint64_t pte)
{
	return hypercall3(__HYPERVISOR_update_va_mapping, va, pte, UVMF_INVLPG | UVMF_LOCAL);
}

static long hv_yield(void)
{
	return hypercall3(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

static void hv_shutdown(unsigned int reason)
{
	struct sched_shutdown sd = { .reason = reason };

	for (;;)
		hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd, 0);
}

static void hv_evtchn_send(evtchn_port_t port)
{
	struct evtchn_send send = { .port = port };

	hypercall3(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send, 0);
}

/* ------------------------------------------------------------------ state */

static start_info_t *si;
static unsigned long boot_rsp;
static unsigned int boot_cs, boot_ss;
static const xen_pfn_t *p2m;		/* si->mfn_list */
static unsigned long nr_pages;

/*
 * Window pages: bss pages whose mapping we replace with update_va_mapping to
 * look at frames outside our own mapping (page tables, unmapped module,
 * shared info, console).  Their own frames are unreachable meanwhile.
 */
enum { WIN_L3, WIN_L2, WIN_L1, WIN_MOD, WIN_SHINFO, WIN_CONS, NR_WIN };
static uint8_t win[NR_WIN][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static int win_used[NR_WIN];

static volatile struct xencons_interface *cons;
static int cons_dead;
static shared_info_t *shinfo;

/* Checked by the "data" check: the loader must copy .data exactly. */
#define D1(i) ((uint32_t)(i) * 0x9e3779b1u ^ 0x5a5a5a5au),
#define D4(i) D1(i) D1((i) + 1) D1((i) + 2) D1((i) + 3)
#define D16(i) D4(i) D4((i) + 4) D4((i) + 8) D4((i) + 12)
#define D64(i) D16(i) D16((i) + 16) D16((i) + 32) D16((i) + 48)
#define D256(i) D64(i) D64((i) + 64) D64((i) + 128) D64((i) + 192)
static volatile uint32_t data_pattern[1024] = { D256(0) D256(256) D256(512) D256(768) };

/* One bit per machine frame below 4 GiB: are the p2m entries distinct? */
#define SEEN_MFNS (1UL << 20)
static uint64_t mfn_seen[SEEN_MFNS / 64];

/* ------------------------------------------------------------------ strings, printing */

static size_t xstrlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static int xstrncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
		if (!a[i])
			return 0;
	}
	return 0;
}

static void ring_write(const char *s, size_t n)
{
	unsigned long spins = 0;

	if (!cons || cons_dead)
		return;
	for (size_t i = 0; i < n; i++) {
		while (cons->out_prod - cons->out_cons >= sizeof(cons->out)) {
			hv_evtchn_send(si->console.domU.evtchn);
			hv_yield();
			if (++spins > 200000) {
				cons_dead = 1;
				return;
			}
		}
		cons->out[MASK_XENCONS_IDX(cons->out_prod, cons->out)] = s[i];
		__atomic_thread_fence(__ATOMIC_RELEASE);
		cons->out_prod++;
	}
	hv_evtchn_send(si->console.domU.evtchn);
}

/* Wait (bounded) until xenconsoled has consumed everything; 1 if it did. */
static int ring_drain(void)
{
	if (!cons || cons_dead)
		return 0;
	for (unsigned long spins = 0; spins < 200000; spins++) {
		if (cons->out_cons == cons->out_prod)
			return 1;
		hv_evtchn_send(si->console.domU.evtchn);
		hv_yield();
	}
	return 0;
}

static void put(const char *s, size_t n)
{
	hv_console_write(s, n);
	ring_write(s, n);
}

static char *fmt_num(char *p, char *end, unsigned long v, unsigned int base, int neg)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg && p < end)
		*p++ = '-';
	if (base == 16 && p + 1 < end) {
		*p++ = '0';
		*p++ = 'x';
	}
	while (n && p < end)
		*p++ = tmp[--n];
	return p;
}

/* printf subset: %s %c %d %u %x with optional l; %x prints 0x. */
static size_t vfmt(char *buf, size_t size, const char *f, va_list ap)
{
	char *p = buf, *end = buf + size - 1;

	for (; *f && p < end; f++) {
		if (*f != '%') {
			*p++ = *f;
			continue;
		}
		int lng = 0;

		while (*++f == 'l')
			lng = 1;
		switch (*f) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			while (s && *s && p < end)
				*p++ = *s++;
			break;
		}
		case 'c':
			*p++ = (char)va_arg(ap, int);
			break;
		case 'd': {
			long v = lng ? va_arg(ap, long) : va_arg(ap, int);

			p = fmt_num(p, end, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0);
			break;
		}
		case 'u':
			p = fmt_num(p, end, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 10, 0);
			break;
		case 'x':
			p = fmt_num(p, end, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 16, 0);
			break;
		case 0:
			f--;
			break;
		default:
			*p++ = *f;
			break;
		}
	}
	*p = 0;
	return p - buf;
}

static void __attribute__((format(printf, 1, 2))) print(const char *f, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, f);
	size_t n = vfmt(buf, sizeof(buf), f, ap);
	va_end(ap);
	put(buf, n);
}

/* ------------------------------------------------------------------ checks bookkeeping */

static unsigned int n_checks, n_failed;
static char why[200];		/* detail of the current check's first failure */

/* Record why the current check fails; the first reason is kept. */
static void __attribute__((format(printf, 1, 2))) whyf(const char *f, ...)
{
	va_list ap;

	if (why[0])
		return;
	va_start(ap, f);
	vfmt(why, sizeof(why), f, ap);
	va_end(ap);
}

/* Grant table version 2, as a guest that wants it asks for it
 * (grant_table.h GNTTABOP_set_version), then GNTTABOP_get_version. */
static void ck_gnttab_v2(void)
{
	struct gnttab_set_version set = { .version = 2 };
	struct gnttab_get_version get = { .dom = DOMID_SELF };
	long rc = hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_set_version,
			     (unsigned long)&set, 1);

	if (rc) {
		whyf("GNTTABOP_set_version(2) = %ld (version %u)", rc,
		     (unsigned)set.version);
		return;
	}
	rc = hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_get_version,
			(unsigned long)&get, 1);
	if (rc || get.version != 2)
		whyf("GNTTABOP_get_version = %ld, version %u, want 2", rc,
		     (unsigned)get.version);
}

/* Run one check: fn fills `why` on failure. */
static void check(const char *name, void (*fn)(void))
{
	why[0] = 0;
	fn();
	n_checks++;
	if (why[0]) {
		n_failed++;
		print("CHECK %s FAIL %s\n", name, why);
	} else {
		print("CHECK %s ok\n", name);
	}
}

/* ------------------------------------------------------------------ helpers */

static unsigned long round_up(unsigned long v, unsigned long a)
{
	return (v + a - 1) & ~(a - 1);
}

/* pfn of an mfn by searching the p2m (does not trust the M2P); ~0 if absent. */
static unsigned long pfn_of(unsigned long mfn)
{
	for (unsigned long pfn = 0; pfn < nr_pages; pfn++)
		if (p2m[pfn] == mfn)
			return pfn;
	return ~0UL;
}

static void *map_win(int w, unsigned long mfn, int rw)
{
	uint64_t pte = ((uint64_t)mfn << PAGE_SHIFT) | PTE_P | PTE_A | (rw ? PTE_RW | PTE_D : 0);
	long rc = hv_update_va_mapping((unsigned long)win[w], pte);

	if (rc) {
		whyf("update_va_mapping(mfn %lx) = %lu", mfn, (unsigned long)-rc);
		return NULL;
	}
	win_used[w] = 1;
	return win[w];
}

/* Give a window its own frame back (its pfn's entry in the p2m). */
static void unmap_win(int w)
{
	unsigned long pfn = ((unsigned long)win[w] - XBC_VIRT_BASE) >> PAGE_SHIFT;

	hv_update_va_mapping((unsigned long)win[w], (p2m[pfn] << PAGE_SHIFT) | PTE_P | PTE_RW | PTE_A | PTE_D);
	win_used[w] = 0;
}

static int is_busy_window(unsigned long va)
{
	for (int w = 0; w < NR_WIN; w++)
		if (win_used[w] && va == (unsigned long)win[w])
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ command line */

static const char *cmdline(void)
{
	return (const char *)si->cmd_line;
}

/* Value of xbc.KEY=... as a number; 0 and *found=0 when absent. */
static unsigned long cmd_num(const char *key, int *found)
{
	const char *c = cmdline();
	size_t kl = xstrlen(key);

	*found = 0;
	for (size_t i = 0; c[i] && i < MAX_GUEST_CMDLINE; i++) {
		if ((i == 0 || c[i - 1] == ' ') && !xstrncmp(c + i, key, kl) && c[i + kl] == '=') {
			const char *v = c + i + kl + 1;
			unsigned long n = 0, base = 10;

			if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
				base = 16;
				v += 2;
			}
			for (; *v && *v != ' '; v++) {
				unsigned int d;

				if (*v >= '0' && *v <= '9')
					d = *v - '0';
				else if (base == 16 && (*v | 0x20) >= 'a' && (*v | 0x20) <= 'f')
					d = (*v | 0x20) - 'a' + 10;
				else
					return 0;
				n = n * base + d;
			}
			*found = 1;
			return n;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ the checks */

static int bss_was_zero = 1;
static unsigned long bss_first_nonzero;

static void ck_bss(void)
{
	if (!bss_was_zero)
		whyf("byte at %lx not zero", bss_first_nonzero);
}

static void ck_data(void)
{
	for (unsigned int i = 0; i < 1024; i++)
		if (data_pattern[i] != ((uint32_t)i * 0x9e3779b1u ^ 0x5a5a5a5au)) {
			whyf(".data word %lu is %lx", (unsigned long)i, (unsigned long)data_pattern[i]);
			return;
		}
}

static void ck_magic(void)
{
	static const char want[] = "xen-3.0-x86_64";

	if (xstrncmp(si->magic, want, sizeof(want)))
		whyf("magic is '%s'", si->magic);
}

static void ck_selectors(void)
{
	if (boot_cs != FLAT_KERNEL_CS || boot_ss != FLAT_KERNEL_SS)
		whyf("cs %lx ss %lx, want %lx %lx", (unsigned long)boot_cs, (unsigned long)boot_ss,
		     (unsigned long)FLAT_KERNEL_CS, (unsigned long)FLAT_KERNEL_SS);
}

static void ck_flags(void)
{
	unsigned long f = si->flags;

	if (f & (SIF_PRIVILEGED | SIF_INITDOMAIN))
		whyf("flags %lx: privileged/initdomain set for a domU", f);
#ifdef XBC_MODERN
	if (si->mod_len && !(f & SIF_MOD_START_PFN))
		whyf("flags %lx: SIF_MOD_START_PFN missing (kernel has MOD_START_PFN)", f);
#else
	if (f & SIF_MOD_START_PFN)
		whyf("flags %lx: SIF_MOD_START_PFN without the note", f);
#endif
}

static void ck_cmdline(void)
{
	const char *c = cmdline();
	size_t n = 0;

	while (n < MAX_GUEST_CMDLINE && c[n])
		n++;
	if (n == MAX_GUEST_CMDLINE) {
		whyf("not NUL-terminated within %lu bytes", (unsigned long)MAX_GUEST_CMDLINE);
		return;
	}
	for (size_t i = n; i < MAX_GUEST_CMDLINE; i++)
		if (c[i]) {
			whyf("byte %lu after the NUL is not zero", (unsigned long)i);
			return;
		}
	if (n < 8 || xstrncmp(c + n - 8, " xbc.end", 8))
		whyf("does not end with ' xbc.end' (length %lu): cut or missing", (unsigned long)n);
}

static void ck_nr_pages(void)
{
	int found;
	unsigned long want = cmd_num("xbc.pages", &found);

	if (!found)
		whyf("no xbc.pages= on the command line (nr_pages %lu)", nr_pages);
	else if (nr_pages != want)
		whyf("nr_pages %lu, want %lu", nr_pages, want);
}

static void ck_mfn_list(void)
{
	unsigned long va = (unsigned long)si->mfn_list, dup = 0, high = 0;

#ifdef XBC_MODERN
	if (va != XBC_INIT_P2M)
		whyf("mfn_list %lx, want INIT_P2M %lx", va, (unsigned long)XBC_INIT_P2M);
#else
	if (va < round_up((unsigned long)_end, PAGE_SIZE) || va & 7)
		whyf("mfn_list %lx inside the kernel or misaligned", va);
#endif
	for (unsigned long pfn = 0; pfn < nr_pages; pfn++) {
		unsigned long mfn = p2m[pfn];

		if (mfn == ~0UL || mfn >> 40) {
			whyf("mfn_list[%lx] = %lx invalid", pfn, mfn);
			return;
		}
		if (mfn >= SEEN_MFNS) {
			high++;
			continue;
		}
		if (mfn_seen[mfn / 64] & (1UL << (mfn % 64))) {
			if (!dup++)
				whyf("mfn %lx appears twice (pfn %lx)", mfn, pfn);
		}
		mfn_seen[mfn / 64] |= 1UL << (mfn % 64);
	}
	if (high)
		print("  note: %lu mfns above 4 GiB not checked for duplicates\n", high);
}

static void ck_m2p(void)
{
	const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

	for (unsigned long pfn = 0; pfn < nr_pages; pfn++)
		if (m2p[p2m[pfn]] != pfn) {
			whyf("m2p[%lx] = %lx, want pfn %lx", p2m[pfn], m2p[p2m[pfn]], pfn);
			return;
		}
}

/* Page-table walk results, filled by ck_pagetables. */
static struct {
	unsigned long region_end;	/* first unmapped va after virt_base */
	unsigned long region_pages, p2m_pages, pt_tables, p2m_tables, l4_slots;
} w;

static unsigned long pt_pfn(void)
{
	return (si->pt_base - XBC_VIRT_BASE) >> PAGE_SHIFT;
}

/* A page-table frame the walk reached: where must it live? */
static void walk_table(unsigned long mfn, int from_p2m_slot)
{
	unsigned long pfn = pfn_of(mfn);

	if (pfn == ~0UL) {
		whyf("page table mfn %lx is not in the p2m", mfn);
	} else if (pfn >= pt_pfn() && pfn < pt_pfn() + si->nr_pt_frames) {
		w.pt_tables++;
		if (from_p2m_slot)
			whyf("p2m mapping uses table pfn %lx from pt_base's frames", pfn);
	} else if (from_p2m_slot && pfn >= si->first_p2m_pfn &&
		   pfn < si->first_p2m_pfn + si->nr_p2m_frames) {
		w.p2m_tables++;
	} else {
		whyf("page table pfn %lx outside pt_base..+nr_pt_frames (%lx, %lu)", pfn, pt_pfn(),
		     (unsigned long)si->nr_pt_frames);
	}
}

static void walk_leaf(unsigned long va, uint64_t pte)
{
	unsigned long mfn = PTE_MFN(pte);

	if (va >= XBC_VIRT_BASE) {
		unsigned long pfn = (va - XBC_VIRT_BASE) >> PAGE_SHIFT;
		int is_pt = pfn >= pt_pfn() && pfn < pt_pfn() + si->nr_pt_frames;

		if (va != w.region_end) {
			whyf("hole in the mapping: %lx..%lx unmapped", w.region_end, va);
			return;
		}
		w.region_end = va + PAGE_SIZE;
		w.region_pages++;
		if (pfn >= nr_pages) {
			whyf("va %lx maps pfn %lx >= nr_pages", va, pfn);
			return;
		}
		if (is_busy_window(va))
			return;
		if (mfn != p2m[pfn])
			whyf("va %lx maps mfn %lx, mfn_list[%lx] = %lx", va, mfn, pfn, p2m[pfn]);
		else if (is_pt && (pte & PTE_RW))
			whyf("page-table frame pfn %lx mapped writable", pfn);
		else if (!is_pt && !(pte & PTE_RW))
			whyf("pfn %lx mapped read-only but is no page table", pfn);
		return;
	}
#ifdef XBC_MODERN
	if (va >= XBC_INIT_P2M && va < XBC_INIT_P2M + (1UL << 39)) {
		unsigned long k = (va - XBC_INIT_P2M) >> PAGE_SHIFT;

		if (k != w.p2m_pages) {
			whyf("hole in the p2m mapping at %lx", va);
			return;
		}
		w.p2m_pages++;
		if (mfn != p2m[si->first_p2m_pfn + k])
			whyf("p2m va %lx maps mfn %lx, not mfn_list[first_p2m_pfn + %lx]", va, mfn, k);
		else if (!(pte & PTE_RW))
			whyf("p2m page at %lx read-only", va);
		return;
	}
#endif
	whyf("unexpected mapping va %lx -> mfn %lx", va, mfn);
}

static unsigned long canon(unsigned long i, unsigned long j, unsigned long k, unsigned long l)
{
	unsigned long va = i << 39 | j << 30 | k << 21 | l << 12;

	return i >= 256 ? va | 0xffff000000000000UL : va;
}

static void ck_pagetables(void)
{
	const uint64_t *l4 = (const uint64_t *)si->pt_base;

	w.region_end = XBC_VIRT_BASE;
	if (si->pt_base & (PAGE_SIZE - 1) || si->pt_base < XBC_VIRT_BASE) {
		whyf("pt_base %lx not a page in the region", (unsigned long)si->pt_base);
		return;
	}
	walk_table(p2m[pt_pfn()], 0);	/* the root itself */
	for (unsigned long i = 0; i < 512; i++) {
		if (!(l4[i] & PTE_P) || (i >= XEN_L4_FIRST && i <= XEN_L4_LAST))
			continue;
		int p2m_slot = i != 511;

		w.l4_slots++;
		walk_table(PTE_MFN(l4[i]), p2m_slot);
		const uint64_t *l3 = map_win(WIN_L3, PTE_MFN(l4[i]), 0);

		for (unsigned long j = 0; l3 && j < 512; j++) {
			if (!(l3[j] & PTE_P))
				continue;
			if (l3[j] & PTE_PSE) {
				whyf("1 GiB superpage at %lx", canon(i, j, 0, 0));
				continue;
			}
			walk_table(PTE_MFN(l3[j]), p2m_slot);
			const uint64_t *l2 = map_win(WIN_L2, PTE_MFN(l3[j]), 0);

			for (unsigned long k = 0; l2 && k < 512; k++) {
				if (!(l2[k] & PTE_P))
					continue;
				if (l2[k] & PTE_PSE) {
					whyf("2 MiB superpage at %lx", canon(i, j, k, 0));
					continue;
				}
				walk_table(PTE_MFN(l2[k]), p2m_slot);
				const uint64_t *l1 = map_win(WIN_L1, PTE_MFN(l2[k]), 0);

				for (unsigned long l = 0; l1 && l < 512; l++)
					if (l1[l] & PTE_P)
						walk_leaf(canon(i, j, k, l), l1[l]);
				if (l1)
					unmap_win(WIN_L1);
			}
			if (l2)
				unmap_win(WIN_L2);
		}
		if (l3)
			unmap_win(WIN_L3);
	}
	if (w.pt_tables != si->nr_pt_frames)
		whyf("walk reached %lu tables in pt_base's frames, nr_pt_frames %lu", w.pt_tables,
		     (unsigned long)si->nr_pt_frames);
#ifdef XBC_MODERN
	if (w.l4_slots != 2)
		whyf("%lu guest L4 slots in use, want 2 (kernel, INIT_P2M)", w.l4_slots);
#else
	if (w.l4_slots != 1)
		whyf("%lu guest L4 slots in use, want 1", w.l4_slots);
#endif
}

/*
 * A PV kernel cannot read cr3 natively, but Xen emulates the read
 * (pv/emul-priv-op.c) and returns the root's machine address: it must be the
 * frame at pt_base.
 */
static void ck_cr3(void)
{
	unsigned long cr3;

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	if (cr3 >> PAGE_SHIFT != p2m[pt_pfn()])
		whyf("cr3 %lx, but pt_base %lx is mfn %lx", cr3, (unsigned long)si->pt_base, p2m[pt_pfn()]);
}

static void ck_region(void)
{
	unsigned long end = w.region_end;
	unsigned long stack = boot_rsp - PAGE_SIZE;
	unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;

	if (end & ((4UL << 20) - 1))
		whyf("mapped region ends at %lx, not on a 4 MiB boundary", end);
	if (boot_rsp & (PAGE_SIZE - 1))
		whyf("initial rsp %lx not page aligned", boot_rsp);
	if (stack < pt_end || boot_rsp > end)
		whyf("boot stack page %lx not between the page tables (end %lx) and region end %lx",
		     stack, pt_end, end);
	else if (end - boot_rsp < 512 * 1024)
		whyf("only %lu KiB mapped after the boot stack (rsp %lx, end %lx), want >= 512",
		     (end - boot_rsp) >> 10, boot_rsp, end);
	if ((unsigned long)si < XBC_VIRT_BASE || (unsigned long)si >= end ||
	    (unsigned long)si & (PAGE_SIZE - 1))
		whyf("start_info %lx not a page in the region", (unsigned long)si);
	if (((end - XBC_VIRT_BASE) >> PAGE_SHIFT) > nr_pages)
		whyf("region %lx..%lx larger than nr_pages %lu", (unsigned long)XBC_VIRT_BASE, end, nr_pages);
}

static void ck_p2m_frames(void)
{
#ifdef XBC_MODERN
	unsigned long need = round_up(nr_pages * 8, PAGE_SIZE) >> PAGE_SHIFT;

	if (w.p2m_pages < need)
		whyf("p2m mapping has %lu pages, %lu pfns need %lu", w.p2m_pages, nr_pages, need);
	if (w.p2m_pages + w.p2m_tables != si->nr_p2m_frames)
		whyf("p2m %lu pages + %lu tables != nr_p2m_frames %lu", w.p2m_pages, w.p2m_tables,
		     (unsigned long)si->nr_p2m_frames);
	if (si->first_p2m_pfn < (w.region_end - XBC_VIRT_BASE) >> PAGE_SHIFT)
		whyf("first_p2m_pfn %lx inside the mapped region", (unsigned long)si->first_p2m_pfn);
	if (si->first_p2m_pfn + si->nr_p2m_frames > nr_pages)
		whyf("p2m frames %lx+%lu beyond nr_pages", (unsigned long)si->first_p2m_pfn,
		     (unsigned long)si->nr_p2m_frames);
#else
	unsigned long lo = (unsigned long)si->mfn_list, hi = lo + nr_pages * 8;

	if (si->first_p2m_pfn || si->nr_p2m_frames)
		whyf("first_p2m_pfn %lx nr_p2m_frames %lu set without INIT_P2M",
		     (unsigned long)si->first_p2m_pfn, (unsigned long)si->nr_p2m_frames);
	if (hi > w.region_end)
		whyf("mfn_list %lx..%lx not inside the mapped region", lo, hi);
#endif
}

/* The page at pfn must be a plain data page of the region. */
static void region_data_page(const char *what, unsigned long mfn)
{
	unsigned long pfn = pfn_of(mfn), region_pfns = (w.region_end - XBC_VIRT_BASE) >> PAGE_SHIFT;

	if (pfn == ~0UL)
		whyf("%s mfn %lx is not in mfn_list", what, mfn);
	else if (pfn >= region_pfns)
		whyf("%s pfn %lx outside the mapped region (%lu pages)", what, pfn, region_pfns);
	else if (pfn >= pt_pfn() && pfn < pt_pfn() + si->nr_pt_frames)
		whyf("%s pfn %lx is a page-table frame", what, pfn);
	else if (XBC_VIRT_BASE + (pfn << PAGE_SHIFT) == (unsigned long)si)
		whyf("%s pfn %lx is the start_info page", what, pfn);
	else if (XBC_VIRT_BASE + (pfn << PAGE_SHIFT) == boot_rsp - PAGE_SIZE)
		whyf("%s pfn %lx is the boot stack", what, pfn);
	else if (XBC_VIRT_BASE + (pfn << PAGE_SHIFT) < round_up((unsigned long)_end, PAGE_SIZE))
		whyf("%s pfn %lx overlaps the kernel", what, pfn);
}

static void ck_store(void)
{
	region_data_page("xenstore", si->store_mfn);
	if (!si->store_evtchn)
		whyf("store_evtchn is 0");
}

static void ck_console(void)
{
	region_data_page("console", si->console.domU.mfn);
	if (si->store_mfn == si->console.domU.mfn)
		whyf("console and xenstore share mfn %lx", (unsigned long)si->store_mfn);
	if (!si->console.domU.evtchn)
		whyf("console evtchn is 0");
	else if (si->console.domU.evtchn == si->store_evtchn)
		whyf("console and store share evtchn %lu", (unsigned long)si->store_evtchn);
}

static void ck_shared_info(void)
{
	unsigned long maddr = si->shared_info;

	if (!shinfo) {
		whyf("shared_info %lx could not be mapped", maddr);
		return;
	}
	if (pfn_of(maddr >> PAGE_SHIFT) != ~0UL)
		whyf("shared_info %lx is one of the guest's own frames", maddr);
	if (!shinfo->vcpu_info[0].evtchn_upcall_mask)
		whyf("vcpu 0 upcall mask clear");
}

static uint32_t fnv1a(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x01000193u;
	}
	return h;
}

static void ck_module(void)
{
	int have_len, have_sum;
	unsigned long want_len = cmd_num("xbc.modlen", &have_len);
	unsigned long want_sum = cmd_num("xbc.modsum", &have_sum);
	unsigned long len = si->mod_len;
	uint32_t h = 0x811c9dc5u;
	unsigned long nonzero_tail = 0;

	if (!have_len) {
		if (si->mod_start || si->mod_len)
			whyf("module %lx+%lu given but no xbc.modlen", (unsigned long)si->mod_start, len);
		return;
	}
	/* The reference builder rounds a decompressed module up to pages. */
	if (len != want_len && len != round_up(want_len, PAGE_SIZE)) {
		whyf("mod_len %lu, want %lu (or rounded to pages)", len, want_len);
		return;
	}
#ifdef XBC_MODERN
	unsigned long pfn0 = si->mod_start, pages = round_up(len, PAGE_SIZE) >> PAGE_SHIFT;

	if (pfn0 + pages > nr_pages || pfn0 + pages < pfn0) {
		whyf("module pfns %lx+%lu beyond nr_pages", pfn0, pages);
		return;
	}
	for (unsigned long i = 0; i < pages; i++) {
		const uint8_t *pg = map_win(WIN_MOD, p2m[pfn0 + i], 0);

		if (!pg)
			return;
		for (unsigned long b = 0; b < PAGE_SIZE && i * PAGE_SIZE + b < len; b++) {
			if (i * PAGE_SIZE + b < want_len)
				h = fnv1a(h, pg + b, 1);
			else if (pg[b])
				nonzero_tail++;
		}
	}
	unmap_win(WIN_MOD);
#else
	unsigned long va = si->mod_start;

	if (va & (PAGE_SIZE - 1) || va < round_up((unsigned long)_end, PAGE_SIZE) ||
	    va + len > w.region_end) {
		whyf("module %lx+%lu not page-aligned inside the region after the kernel", va, len);
		return;
	}
	h = fnv1a(h, (const uint8_t *)va, want_len);
	for (unsigned long b = want_len; b < len; b++)
		if (((const uint8_t *)va)[b])
			nonzero_tail++;
#endif
	if (have_sum && h != want_sum)
		whyf("FNV-1a %lx over %lu bytes, want %lx", (unsigned long)h, want_len, want_sum);
	if (nonzero_tail)
		whyf("%lu nonzero bytes after the module's end", nonzero_tail);
}

/*
 * The order DESIGN.md gives (and libxenguest uses): kernel, [module], [p2m],
 * start_info, xenstore, console, page tables, boot stack; with MOD_START_PFN
 * the module follows the mapped region and INIT_P2M's frames follow it.
 */
static void ck_order(void)
{
	unsigned long kend = round_up((unsigned long)_end, PAGE_SIZE);
	unsigned long si_va = (unsigned long)si, next;
	unsigned long mod_pages = round_up(si->mod_len, PAGE_SIZE) >> PAGE_SHIFT;

	if ((unsigned long)_start != XBC_VIRT_BASE + XBC_KERNEL_OFFSET)
		whyf("kernel linked at %lx", (unsigned long)_start);
#ifdef XBC_MODERN
	next = kend;
	unsigned long rend_pfn = (w.region_end - XBC_VIRT_BASE) >> PAGE_SHIFT;

	if (si->mod_len && si->mod_start != rend_pfn)
		whyf("module pfn %lx, want %lx (first pfn after the mapped region)",
		     (unsigned long)si->mod_start, rend_pfn);
	if (si->first_p2m_pfn != rend_pfn + mod_pages)
		whyf("first_p2m_pfn %lx, want %lx (after the module)", (unsigned long)si->first_p2m_pfn,
		     rend_pfn + mod_pages);
#else
	next = kend;
	if (si->mod_len) {
		if (si->mod_start != next)
			whyf("module at %lx, want %lx (after the kernel)", (unsigned long)si->mod_start, next);
		next += mod_pages << PAGE_SHIFT;
	}
	if (si->mfn_list != next)
		whyf("mfn_list at %lx, want %lx", (unsigned long)si->mfn_list, next);
	next = round_up(next + nr_pages * 8, PAGE_SIZE);
#endif
	if (si_va != next)
		whyf("start_info at %lx, want %lx", si_va, next);
	unsigned long si_pfn = (si_va - XBC_VIRT_BASE) >> PAGE_SHIFT;

	if (pfn_of(si->store_mfn) != si_pfn + 1)
		whyf("xenstore pfn %lx, want start_info + 1", pfn_of(si->store_mfn));
	if (pfn_of(si->console.domU.mfn) != si_pfn + 2)
		whyf("console pfn %lx, want start_info + 2", pfn_of(si->console.domU.mfn));
	if (si->pt_base != si_va + 3 * PAGE_SIZE)
		whyf("pt_base %lx, want start_info + 3 pages", (unsigned long)si->pt_base);
	if (boot_rsp != si->pt_base + (si->nr_pt_frames + 1) * PAGE_SIZE)
		whyf("rsp %lx, want the page after the page tables (top %lx)", boot_rsp,
		     (unsigned long)(si->pt_base + (si->nr_pt_frames + 1) * PAGE_SIZE));
}

static void ck_console_ring(void)
{
	if (!cons)
		whyf("console page not mapped");
	else if (cons_dead || !ring_drain())
		whyf("xenconsoled did not consume the ring (prod %lu cons %lu)",
		     (unsigned long)cons->out_prod, (unsigned long)cons->out_cons);
}

/* ------------------------------------------------------------------ exceptions */

void xbc_exception(unsigned long vec, const unsigned long *frame);
void xbc_exception(unsigned long vec, const unsigned long *frame)
{
	static int nested;
	unsigned long cr2 = shinfo ? shinfo->vcpu_info[0].arch.cr2 : 0;

	if (nested++)
		hv_shutdown(SHUTDOWN_crash);	/* faulted while reporting */
	print("XBCHECK FAULT vector %lu err %lx rip %lx cr2 %lx rsp %lx\n", vec, frame[0], frame[1],
	      cr2, frame[4]);
	print("XBCHECK RESULT FAIL %u/%u (fault)\n", n_failed + 1, n_checks + 1);
	ring_drain();
	hv_shutdown(SHUTDOWN_crash);
}

#define TRAP(v) { v, 0, FLAT_KERNEL_CS, (unsigned long)xbc_exc##v }
extern char xbc_exc0[], xbc_exc1[], xbc_exc2[], xbc_exc3[], xbc_exc4[], xbc_exc5[], xbc_exc6[],
	xbc_exc7[], xbc_exc8[], xbc_exc10[], xbc_exc11[], xbc_exc12[], xbc_exc13[], xbc_exc14[],
	xbc_exc16[], xbc_exc17[], xbc_exc18[], xbc_exc19[];

static void set_traps(void)
{
	static struct trap_info traps[] = {
		TRAP(0), TRAP(1), TRAP(2), TRAP(3), TRAP(4), TRAP(5), TRAP(6), TRAP(7), TRAP(8),
		TRAP(10), TRAP(11), TRAP(12), TRAP(13), TRAP(14), TRAP(16), TRAP(17), TRAP(18),
		TRAP(19), { 0, 0, 0, 0 },
	};
	long rc = hypercall3(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0);

	if (rc)
		print("XBCHECK note: set_trap_table failed (%ld)\n", rc);
}

/* ------------------------------------------------------------------ main */

void xbc_main(start_info_t *start, unsigned long rsp, unsigned long cs, unsigned long ss);
void xbc_main(start_info_t *start, unsigned long rsp, unsigned long cs, unsigned long ss)
{
	/* Before anything is written to .bss: did the builder zero it? */
	for (volatile char *p = __bss_start; p < __bss_end; p++)
		if (*p) {
			unsigned long at = (unsigned long)p;

			bss_was_zero = 0;
			bss_first_nonzero = at;
			break;
		}
	si = start;
	boot_rsp = rsp;
	boot_cs = cs;
	boot_ss = ss;
	p2m = (const xen_pfn_t *)si->mfn_list;
	nr_pages = si->nr_pages;

	set_traps();
	shinfo = map_win(WIN_SHINFO, si->shared_info >> PAGE_SHIFT, 1);
	cons = map_win(WIN_CONS, si->console.domU.mfn, 1);
	why[0] = 0;

	print("XBCHECK START variant=%s start_info=%lx rsp=%lx nr_pages=%lu\n", XBC_VARIANT,
	      (unsigned long)si, rsp, nr_pages);
	char head[72];
	size_t n = 0;

	while (n < sizeof(head) - 1 && cmdline()[n]) {
		head[n] = cmdline()[n];
		n++;
	}
	head[n] = 0;
	print("XBCHECK cmdline (%lu bytes): %s%s\n", (unsigned long)xstrlen(cmdline()), head,
	      cmdline()[n] ? "..." : "");

	check("bss", ck_bss);
	check("data", ck_data);
	check("magic", ck_magic);
	check("selectors", ck_selectors);
	check("flags", ck_flags);
	check("cmdline", ck_cmdline);
	check("nr_pages", ck_nr_pages);
	check("mfn_list", ck_mfn_list);
	check("m2p", ck_m2p);
	check("pagetables", ck_pagetables);
	print("  region %lx..%lx (%lu pages), pt_base %lx nr_pt_frames %lu, p2m %lu pages + %lu tables\n",
	      (unsigned long)XBC_VIRT_BASE, w.region_end, w.region_pages, (unsigned long)si->pt_base,
	      (unsigned long)si->nr_pt_frames, w.p2m_pages, w.p2m_tables);
	check("cr3", ck_cr3);
	check("region", ck_region);
	check("p2m", ck_p2m_frames);
	check("xenstore", ck_store);
	check("console", ck_console);
	check("shared_info", ck_shared_info);
	check("module", ck_module);
	check("order", ck_order);
	check("console_ring", ck_console_ring);

	int gntv;

	if (cmd_num("xbc.gntv", &gntv) == 2 && gntv)
		check("gnttab_v2", ck_gnttab_v2);

	/* Self-test of the fault path: xbc.fault=1 touches an unmapped page. */
	int fault;

	if (cmd_num("xbc.fault", &fault) && fault)
		*(volatile unsigned long *)0x1000 = 0;

	if (n_failed)
		print("XBCHECK RESULT FAIL %u/%u\n", n_failed, n_checks);
	else
		print("XBCHECK RESULT PASS %u/%u\n", n_checks, n_checks);
	ring_drain();
	hv_shutdown(n_failed ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
