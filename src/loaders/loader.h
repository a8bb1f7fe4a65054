/*
 * loader.h - from kernel file bytes to a struct kernel_image.
 *
 * Every parser here is pure over (buf, len): no I/O, no exit, no globals,
 * so each can be fuzzed as it stands.  Errors are recorded on struct xb_err
 * as "NAME: what: field (numbers)" where NAME is the caller-supplied file
 * name, and returned as -XB_EINPUT (bad input) or -XB_EINTERNAL (no memory).
 */
#ifndef XB_LOADER_H
#define XB_LOADER_H

#include "../xb.h"

struct dc_format;
struct dc_sink;

enum xb_guest_type {
	XB_GUEST_X86_64 = 0, /* "xen-3.0-x86_64" */
	XB_GUEST_X86_32P = 1, /* "xen-3.0-x86_32p" (PAE) */
	/* PVH: an HVM container entered at PHYS32_ENTRY.  Chosen by the
	 * config (type = "pvh"), never by kernel_parse. */
	XB_GUEST_PVH = 2,
};

#define XB_MAX_SEGS 16
#define XB_NOTE_STR 64
#define XB_NR_FEAT_WORDS 1 /* XENFEAT_NR_SUBMAPS */

/* One PT_LOAD segment, as the ELF file describes it. */
struct kernel_seg {
	uint64_t paddr; /* p_paddr */
	uint64_t vaddr; /* p_vaddr */
	uint64_t offset; /* p_offset into the (decompressed) ELF */
	uint64_t filesz; /* p_filesz (<= memsz, checked) */
	uint64_t memsz; /* p_memsz */
	uint32_t flags; /* p_flags (PF_X/PF_W/PF_R) */
};

/* The Xen ELF notes that matter to a PV build (xen/elfnote.h). */
struct xen_notes {
	const char *source; /* "PT_NOTE", "SHT_NOTE", "__xen_guest" */
	bool has_entry, has_hypercall_page, has_virt_base, has_paddr_offset;
	bool has_init_p2m, mod_start_pfn, has_features;
	uint64_t entry; /* XEN_ELFNOTE_ENTRY */
	uint64_t hypercall_page; /* XEN_ELFNOTE_HYPERCALL_PAGE */
	uint64_t virt_base; /* XEN_ELFNOTE_VIRT_BASE */
	uint64_t paddr_offset; /* XEN_ELFNOTE_PADDR_OFFSET */
	uint64_t init_p2m; /* XEN_ELFNOTE_INIT_P2M */
	char xen_version[XB_NOTE_STR]; /* XEN_ELFNOTE_XEN_VERSION */
	char guest_os[XB_NOTE_STR]; /* XEN_ELFNOTE_GUEST_OS */
	char guest_version[XB_NOTE_STR];
	char loader[XB_NOTE_STR]; /* XEN_ELFNOTE_LOADER */
	char pae_mode[XB_NOTE_STR]; /* XEN_ELFNOTE_PAE_MODE */
	char features[256]; /* XEN_ELFNOTE_FEATURES, as written */
	/* Feature bitmaps (XENFEAT_*): from FEATURES ("!" = required) and
	 * SUPPORTED_FEATURES. */
	uint32_t feat_supported[XB_NR_FEAT_WORDS];
	uint32_t feat_required[XB_NR_FEAT_WORDS];
	/* Notes a PV build does not act on, recorded for `xbuild inspect`.
	 * Never a reason to refuse a kernel: a number that is not 4 or 8
	 * bytes, or a string that does not fit, leaves its has_ false (or
	 * the string cut). */
	bool has_hv_start_low, has_l1_mfn_valid, has_suspend_cancel;
	bool has_phys32_entry;
	uint64_t hv_start_low; /* XEN_ELFNOTE_HV_START_LOW */
	uint64_t l1_mfn_valid[2]; /* XEN_ELFNOTE_L1_MFN_VALID: first mask, value */
	unsigned l1_mfn_valid_pairs; /* pairs in that note */
	uint64_t suspend_cancel; /* XEN_ELFNOTE_SUSPEND_CANCEL */
	uint64_t phys32_entry; /* XEN_ELFNOTE_PHYS32_ENTRY (PVH entry) */
	char bsd_symtab[XB_NOTE_STR]; /* XEN_ELFNOTE_BSD_SYMTAB ("yes") */
	char info[XB_NOTE_STR]; /* XEN_ELFNOTE_INFO (NAME=VALUE) */
	/* Xen notes of types xen/elfnote.h does not define: the first few. */
	uint32_t other_types[8];
	unsigned nr_other; /* how many there were (may exceed 8) */
};

struct kernel_image {
	/* What the file was. */
	char format[16]; /* "elf", "bzImage" */
	char compression[16]; /* "none", "gzip", "xz", "bzip2", "lzma",
				   "lzo", "lz4", "zstd" */
	uint64_t file_len; /* bytes of the file as given */
	/* The ELF image (decompressed when needed).  elf points either into
	 * the caller's buffer (owned == NULL) or into owned (malloc'd). */
	const uint8_t *elf;
	uint64_t elf_len;
	uint8_t *owned;
	int elf_class; /* 32 or 64 */
	uint16_t machine; /* e_machine */
	enum xb_guest_type guest;

	struct kernel_seg segs[XB_MAX_SEGS]; /* PT_LOAD segments */
	unsigned nsegs;
	uint64_t pstart, pend; /* lowest p_paddr, highest p_paddr+p_memsz */

	struct xen_notes notes;

	/* Derived per DESIGN.md (libelf's rules): */
	uint64_t virt_base; /* VIRT_BASE, 0 when absent */
	uint64_t paddr_offset; /* PADDR_OFFSET; default 0 with notes,
				   virt_base with __xen_guest */
	uint64_t virt_kstart; /* pstart + virt_base - paddr_offset */
	uint64_t virt_kend; /* pend + virt_base - paddr_offset */
	uint64_t virt_entry; /* ENTRY note, else e_entry */
	uint64_t virt_hypercall; /* HYPERCALL_PAGE, or XB_UNSET when absent */
	uint64_t p2m_base; /* INIT_P2M, or XB_UNSET when absent */

	/* A kernel decoded straight into its destination (kernel_stream_*):
	 * the compressed stream, and once it is decoded, elf is a sparse
	 * view of the image (view, view_size: a reservation of address
	 * space) holding the headers, the PT_NOTE bytes and the bytes outside
	 * PT_LOAD segments; where PT_LOAD file bytes were it reads zeros,
	 * their bytes are in the destination. */
	bool streamed;
	struct {
		const struct dc_format *fmt;
		const uint8_t *in;
		size_t in_len;
		/* bzImage trailer; 0 for a whole file, unless its size
		 * is known for the file-ordered path (direct_size) */
		uint64_t declared;
		bool bz;
	} src;
	uint8_t *view;
	size_t view_size;
	/* The file-ordered path (kernel_direct_load): the bytes of the view
	 * its caller provides (a page multiple), 0 when the kernel streams
	 * through a sink.  src.fmt is NULL for an uncompressed ELF. */
	size_t direct_size;
};

struct loader_opts {
	uint64_t max_decompressed; /* cap on any decompressed size (required) */
};

/*
 * Parse a kernel file: probe the loaders in order (bzImage, compressed
 * whole file, ELF), decompress as needed, parse the ELF and its Xen notes,
 * apply the acceptance rules of DESIGN.md and fill *img.
 * name is used in messages only.  buf must stay valid while img is used
 * (img->elf may point into it).  On failure *img holds nothing to free.
 */
int kernel_parse(const char *name, const void *buf, size_t len,
		 const struct loader_opts *o, struct kernel_image *img,
		 struct xb_err *e);
void kernel_image_free(struct kernel_image *img);

/*
 * kernel_parse() for a caller that does not load the kernel (inspect):
 * where the decoder streams into windows at its best speed (xz, lzma,
 * bzip2; lz4 a block at a time, whether its size is known or not), the
 * image is decoded once, through a small window of the loader's own, and
 * only what the ELF parser reads is kept (the sparse view of
 * kernel_stream_load, the head parsed once it is there), so that the
 * decoded kernel is never held whole; img->elf is then that view, elf_len
 * the whole image's size.  Every other kernel, and any the stream path
 * does not take to the end (notes outside a PT_NOTE segment, an image the
 * view does not pass, bad input), goes to kernel_parse(), which decides
 * and words any error.
 */
int kernel_scan(const char *name, const void *buf, size_t len,
		const struct loader_opts *o, struct kernel_image *img,
		struct xb_err *e);

/* The ELF image inside a kernel file, before it is parsed. */
struct kernel_payload {
	const uint8_t *elf; /* into the file (owned NULL) or owned */
	size_t elf_len;
	uint8_t *owned; /* malloc'd decompressed bytes, or NULL */
	char format[16]; /* as kernel_image.format */
	char compression[16]; /* as kernel_image.compression */
};

/*
 * Only the first step of kernel_parse(): find the ELF image inside the
 * file (a bzImage's payload or a whole compressed file, decompressed with
 * the caps of o; a plain ELF as it is) and check its ELF magic; nothing
 * else of the ELF is parsed.  For callers that keep decompressed kernels
 * (a cache) and hand them to kernel_parse() later as plain ELF files.  On
 * failure *p holds nothing to free; else free p->owned.
 */
int kernel_unwrap(const char *name, const void *buf, size_t len,
		  const struct loader_opts *o, struct kernel_payload *p,
		  struct xb_err *e);
/* The loader kernel_parse() picks for buf: "bzImage", "compressed",
 * "elf", or NULL (not a kernel). */
const char *kernel_probe(const void *buf, size_t len);

/*
 * A kernel decoded straight into guest memory, in two steps.
 *
 * kernel_stream_open() decodes only the start of a compressed kernel
 * (bzImage or whole-file gzip, xz, lzma, bzip2; the file-ordered path
 * below: zstd, lz4, lzo, uncompressed) and parses its ELF and
 * program headers: img gets format, compression, elf_class, machine, the
 * guest type the class implies, the PT_LOAD segments, pstart and pend -
 * enough to place the kernel before its notes are known.  Returns 1 when
 * the kernel will be streamed, 0 when it must be parsed whole
 * (kernel_parse: segments whose file bytes overlap; a kernel the
 * file-ordered path below cannot take either), or a negative class on bad
 * input.
 *
 * kernel_stream_load() decodes it all: PT_LOAD file bytes go to dest, in
 * kernel-image offsets (0 is pstart, as kernel_load_part), the rest to a
 * scratch buffer; then it parses the whole image (elf_parse: notes,
 * addresses, every rule) from a sparse view (see struct kernel_image),
 * reading the PT_LOAD bytes back from dest only when the notes are not
 * in a PT_NOTE segment.  dest's window() is never called with p NULL.
 * Nothing between or after the segments is written to dest: the caller
 * zeroes what the segments' file bytes do not cover.
 */
int kernel_stream_open(const char *name, const void *buf, size_t len,
		       const struct loader_opts *o, struct kernel_image *img,
		       struct xb_err *e);
int kernel_stream_load(const char *name, struct kernel_image *img, uint64_t cap,
		       const struct dc_sink *dest, struct xb_err *e);

/*
 * The file-ordered path: kernel_stream_open() returns 1 with
 * img->direct_size set for a zstd, lz4 or lzo kernel whose decompressed
 * size is known (a bzImage's trailer, zstd frames' content sizes) and an
 * uncompressed ELF, when every PT_LOAD segment's file pages can be the
 * pages it loads into (p_offset congruent to p_paddr modulo the page,
 * pstart page aligned, no file or guest page shared by two segments,
 * segments inside the file).  The caller reserves view, direct_size
 * bytes, and places at each segment's file pages [p_offset, p_offset +
 * p_filesz) the guest frames of [p_paddr, p_paddr + p_filesz); then
 * kernel_direct_load() decodes the whole ELF into view (an uncompressed
 * one goes through kernel_direct_copy instead) and parses it (elf_parse,
 * as kernel_stream_load).  The segments' pages may then also hold the
 * file bytes around the segments (headers, gaps) that share their first
 * and last pages: the caller zeroes what the segments' file bytes do not
 * cover, as after kernel_stream_load.  img->elf points into view (or the
 * file) until the caller drops the view.
 */
int kernel_direct_load(const char *name, struct kernel_image *img, uint64_t cap,
		       uint8_t *view, struct xb_err *e);

/*
 * The guest frames behind an uncompressed kernel's file-ordered view, for
 * kernel_direct_copy: map(ctx, seg, first, n) places the frames segment
 * seg loads from its file pages [first, first + n) at view + (first <<
 * XB_PAGE_SHIFT), n <= chunk; unmap(ctx, first, n) takes them away.
 */
struct kernel_mapper {
	int (*map)(void *ctx, unsigned seg, uint64_t first, size_t n,
		   struct xb_err *e);
	void (*unmap)(void *ctx, uint64_t first, size_t n);
	void *ctx;
	size_t chunk;
};

/*
 * kernel_direct_load for an uncompressed kernel (img->src.fmt 0): its
 * segments' file bytes copied into view, a window of pages at a time,
 * each run of pages mapped through m just for its copy.  Pages whose
 * segment bytes are all zero are neither mapped nor copied: the frames
 * of a new domain are zero already (shorter runs of them are copied with
 * their neighbours).  Then parses the ELF as kernel_direct_load does; on
 * failure nothing stays mapped.
 */
int kernel_direct_copy(const char *name, struct kernel_image *img,
		       uint8_t *view, const struct kernel_mapper *m,
		       struct xb_err *e);

/*
 * Copy the loadable segments into dst, the host mapping of the guest's
 * virtual range [virt_kstart, virt_kstart + dst_len): file bytes at
 * p_paddr + (virt_base - paddr_offset), the rest of p_memsz zeroed.
 * dst_len must be >= virt_kend - virt_kstart.
 */
int kernel_load(const struct kernel_image *img, uint8_t *dst, uint64_t dst_len,
		struct xb_err *e);
/*
 * The same for a window: write bytes [off, off + len) of the kernel's
 * image in guest memory (offset 0 is virt_kstart; zeros between and after
 * the segments, also past virt_kend) into dst[0, len).  Lets a builder
 * load a large kernel through a bounded mapping, piece by piece.
 */
int kernel_load_part(const struct kernel_image *img, uint8_t *dst, uint64_t off,
		     uint64_t len, struct xb_err *e);

/* ---- decompressors (dc_): one ordered const table ---- */
struct dc_format {
	const char *name; /* "gzip", "xz", ... */
	/* true when buf starts with this format's magic */
	bool (*probe)(const uint8_t *buf, size_t len);
	/* Decompress all of in; refuse (-XB_EINPUT) output beyond cap bytes,
	 * truncated or corrupt streams.  *out is malloc'd. */
	int (*decompress)(const char *name, const uint8_t *in, size_t in_len,
			  uint64_t cap, uint8_t **out, size_t *out_len,
			  struct xb_err *e);
};

/*
 * f->decompress with a size the container declares: expect is the
 * decompressed size a bzImage payload's trailer states (0: unknown).  It
 * only sizes the output buffer once instead of growing it, never beyond
 * cap; a wrong value costs time, not correctness.
 */
int dc_decompress(const struct dc_format *f, const char *name,
		  const uint8_t *in, size_t in_len, uint64_t cap,
		  uint64_t expect, uint8_t **out, size_t *out_len,
		  struct xb_err *e);

/*
 * Decompress the ONE stream of format f that starts in[0] (a gzip member,
 * an xz stream, a zstd frame, a bzip2 stream, an lzop file, an lz4 frame,
 * or a legacy lz4 frame up to a repeated magic, zero padding or another
 * member: that format has no end marker), refusing (-XB_EINPUT) output
 * beyond cap, truncated or corrupt streams.  On success *out is malloc'd
 * (never NULL) and *in_used is the number of input bytes the stream took:
 * what follows (padding, another member, a trailer) is left to the caller,
 * as Linux's decompressors report it to the initramfs unpacker.
 */
int dc_stream(const struct dc_format *f, const char *name, const uint8_t *in,
	      size_t in_len, uint64_t cap, uint8_t **out, size_t *out_len,
	      size_t *in_used, struct xb_err *e);

/*
 * Where decoded bytes go when they are not kept in one host buffer: the
 * decoder asks for a window each time the last one is full.  window() is
 * told that output [0, pos) is written; with p non-NULL it sets *p and
 * *n >= 1: output bytes [pos, pos + *n) go to p[0, *n).  With p NULL the
 * output ended at pos.  Returns 0 or a negative class with e set (the
 * decoder stops and returns it).
 */
struct dc_sink {
	int (*window)(void *ctx, uint64_t pos, uint8_t **p, size_t *n,
		      struct xb_err *e);
	void *ctx;
};

/*
 * dc_decompress into a sink instead of a buffer: the same streams, cap and
 * messages; *out_len the bytes produced (also on failure: those written).
 * gzip, xz, lzma and bzip2 decode straight into the windows (their
 * memory: their own dictionary), lz4 through one block of its own
 * (dc_into_sink); zstd and lzo decode into a host buffer for the whole
 * output first and copy it out.
 */
int dc_decompress_sink(const struct dc_format *f, const char *name,
		       const uint8_t *in, size_t in_len, uint64_t cap,
		       uint64_t expect, const struct dc_sink *sink,
		       uint64_t *out_len, struct xb_err *e);

/* dc_stream into a sink: the one stream of f that starts in[0], for a
 * format that streams (dc_streams); *in_used the bytes it took. */
int dc_stream_sink(const struct dc_format *f, const char *name,
		   const uint8_t *in, size_t in_len, uint64_t cap,
		   const struct dc_sink *sink, uint64_t *out_len,
		   size_t *in_used, struct xb_err *e);
/* True when f's decoder writes straight into a sink's windows (what the
 * builder decodes into guest memory). */
bool dc_streams(const struct dc_format *f);
/* True when dc_decompress_sink decodes f without holding its whole output:
 * the formats that stream, and lz4 (a block at a time, copied out). */
bool dc_into_sink(const struct dc_format *f);
/* True when f decodes a whole buffer faster than it streams (gzip:
 * libdeflate's one-shot decoder, zlib's inflate for a sink). */
bool dc_whole_faster(const struct dc_format *f);

/*
 * dc_decompress into the caller's buffer out[0, size) instead of one of
 * its own, for a format that does not stream (zstd, lz4, lzo): the same
 * streams, cap and messages, and output beyond size refused (-XB_EINPUT).
 * size comes from what the input declares (dc_size, a bzImage trailer):
 * its decoders write up to DC_OUT_SLACK bytes past a declared size.
 * *out_len: the bytes produced.
 */
#define DC_OUT_SLACK 4096u
int dc_decompress_into(const struct dc_format *f, const char *name,
		       const uint8_t *in, size_t in_len, uint64_t cap,
		       uint64_t expect, uint8_t *out, size_t size,
		       uint64_t *out_len, struct xb_err *e);
/* What all of in decompresses to (dc_decompress), when its streams all
 * declare it: zstd frames with their content size.  False otherwise. */
bool dc_size(const struct dc_format *f, const uint8_t *in, size_t in_len,
	     uint64_t *n);
/* Decode only the start of in (zstd, legacy lz4, lzo): at most want bytes
 * into out; the bytes decoded, fewer when the output ends or the input
 * is bad there (the whole decode says what is wrong), 0 for the other
 * formats. */
size_t dc_head(const struct dc_format *f, const uint8_t *in, size_t in_len,
	       uint8_t *out, size_t want);

/* The format whose magic starts buf, or NULL. */
const struct dc_format *dc_probe(const uint8_t *buf, size_t len);
/* The format called name ("gzip", ...), or NULL. */
const struct dc_format *dc_find(const char *name);
/* Every supported format, NULL-terminated by .name == NULL. */
extern const struct dc_format dc_formats[];

/* ---- initrd (initrd.c) ---- */

/* Room for every format once, in order of appearance: "cpio+gzip+...". */
#define XB_INITRD_FORMAT_MAX 48

struct initrd_image {
	/* The bytes to load: the caller's buffer (owned == NULL) or owned
	 * (malloc'd, for the caller to free). */
	const uint8_t *data;
	size_t len;
	uint8_t *owned;
	unsigned members; /* members found (cpio archives, compressed
				   streams); 0 when the file is taken as it is
				   without being walked */
	/* "none" (loaded as it is), one format ("gzip"), or the formats of
	 * several members in order of first appearance ("cpio+zstd"). */
	char format[XB_INITRD_FORMAT_MAX];
};

/*
 * What the builder hands the guest for an initrd file buf[0, len), so that
 * Linux's initramfs unpacker (init/initramfs.c) finds exactly what it would
 * find in the file: the file is a sequence of members, each a newc cpio
 * archive (kept as it is) or a compressed stream of any dc_ format
 * (replaced by its decompressed bytes), with zero padding between them
 * (kept; each member starts 4-byte aligned in the result, as Linux needs).
 * Early-microcode initrds (plain cpio, then zstd/xz/gzip...) are the
 * common case.
 *  - A single compressed member gives its decompressed bytes alone,
 *    whatever they hold (an old-style initrd image too).
 *  - Several members: each decompressed member must hold cpio archives
 *    and zero padding, as Linux requires of it.
 *  - A file with nothing compressed in it, or that does not start with a
 *    cpio archive or a compressed stream (a filesystem image), is taken
 *    as it is (img->data = buf).
 *  - Bytes after a member that are neither zero padding nor a member, a
 *    truncated or corrupt member: -XB_EINPUT, "NAME: member N at byte
 *    offset X: ..." with the hint that `ramdisk_decompress = 0` loads the
 *    file as it is.  Never less than the file holds.
 *  - The result is at most cap bytes (all members together).
 * buf must outlive img when img->owned is NULL.  On failure img holds
 * nothing to free.
 */
int initrd_unpack(const char *name, const uint8_t *buf, size_t len,
		  uint64_t cap, struct initrd_image *img, struct xb_err *e);
void initrd_image_free(struct initrd_image *img);

#endif
