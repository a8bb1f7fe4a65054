/*
 * cache.h - the decompressed-kernel cache (xbuild_cache_dir, --cache-dir):
 * a farm that starts many guests from one compressed kernel decompresses it
 * once.  An entry is the decompressed ELF a kernel file holds (what
 * kernel_unwrap() gives), behind a 4 KiB header, in a file named by the hex
 * SHA-256 of (format version, decompression cap, the file's bytes).  Entries
 * are written atomically (a temporary file in the directory, fsync, rename),
 * owner-only, and checked on every read (header, key, CRC-32 of the
 * content, ELF magic); the loader then parses the ELF like any other input.
 * The directory is bounded (least recently used entries go first).
 *
 * The entry format (little-endian), KC_HDR bytes, then elf_len bytes:
 *   0  "XBKCACHE"        8  u32 KC_VERSION   12 u32 KC_HDR
 *   16 key[32]           48 u64 elf_len      56 u64 file_len (compressed)
 *   64 u64 cap           72 u32 CRC-32 of the ELF bytes   76 u32 0
 *   80 format[16]        96 compression[16]  (NUL-terminated names)
 *   112 u32 CRC-32 of bytes [0, 112)          116 .. KC_HDR: zero
 */
#ifndef XB_CACHE_H
#define XB_CACHE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../loaders/loader.h"

#define KC_MAGIC "XBKCACHE"
#define KC_VERSION 1u
#define KC_HDR 4096u /* the ELF starts page-aligned in a mapped entry */
#define KC_KEY 32u /* SHA-256 */

struct kc_header {
	uint8_t key[KC_KEY];
	uint64_t elf_len, file_len, cap;
	uint32_t crc; /* CRC-32 (gzip's) of the ELF bytes */
	char format[16], compression[16];
};

/* SHA-256 of buf[0, len) (nettle). */
void kc_sha256(const void *buf, size_t len, uint8_t out[KC_KEY]);
/* An entry's key: SHA-256 of "xbuild-kcache", KC_VERSION, cap (LE) and
 * the compressed file's bytes. */
void kc_key(const void *file, size_t len, uint64_t cap, uint8_t key[KC_KEY]);
/* The header for h in out[0, KC_HDR). */
void kc_header_write(const struct kc_header *h, uint8_t *out);
/*
 * Parse an entry's header from buf[0, len) (len: the whole entry's size)
 * into *h: magic, version, header size, header CRC, zero padding, printable
 * NUL-terminated names, elf_len == len - KC_HDR, elf_len <= cap.  Pure:
 * 0, or -XB_EINPUT with "NAME: cache entry: what" on e.
 */
int kc_header_parse(const char *name, const uint8_t *buf, size_t len,
		    struct kc_header *h, struct xb_err *e);
/*
 * kc_header_parse(), then the key (unless key is NULL), the content's
 * CRC-32, and that the content is what kernel_parse() takes for a plain
 * ELF.  0 or -XB_EINPUT.
 */
int kc_entry_check(const char *name, const uint8_t *buf, size_t len,
		   const uint8_t *key, struct kc_header *h, struct xb_err *e);

/* One command's use of the cache (struct session.kc). */
struct kcache {
	bool on; /* a cache directory is set */
	bool used; /* the kernel is compressed: looked up (and stored) */
	bool hit, stored;
	int dirfd;
	const char *dir;
	uint64_t max;
	char name[2 * KC_KEY + 1]; /* the entry's file name (hex key) */
	char entry[PATH_MAX]; /* dir/name, for messages */
	char note[256]; /* why it was not used, missed or not stored */
	struct kc_header h; /* a hit's header, or the one to store */
	const uint8_t *map; /* a hit: the mapped entry */
	size_t map_len;
	struct kernel_payload p; /* a miss: the decompressed ELF */
};

#endif
