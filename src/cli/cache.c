/*
 * cache.c - the decompressed-kernel cache (cache.h): the entry format's
 * pure functions, and what a command does with the cache around
 * dom_load(): look the kernel up (a hit hands the mapped ELF to the loader
 * as a plain ELF kernel, no copy), or decompress it once and store it.
 *
 * SHA-256 comes from nettle (Debian's libnettle8, which GnuTLS needs
 * anyway): one call, no provider set-up, and SHA-NI where the CPU has it
 * (8 MB in 5 ms on the bench host, against some 600 ms to decode the xz
 * payload).  The content's CRC-32 is libdeflate's (PCLMUL; 60 MB in
 * under 10 ms): it catches a damaged entry, while the owner-only directory
 * and files keep others from planting one.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libdeflate.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "print.h"

/* Header offsets (cache.h). */
#define KO_VERSION 8
#define KO_HDRSIZE 12
#define KO_KEY 16
#define KO_ELF_LEN 48
#define KO_FILE_LEN 56
#define KO_CAP 64
#define KO_CRC 72
#define KO_RSVD 76
#define KO_FORMAT 80
#define KO_COMPRESSION 96
#define KO_HCRC 112
#define KO_END 116

/* A temporary file older than this is a writer's that died: evicted. */
#define KC_STALE_TMP_S 3600

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

void kc_sha256(const void *buf, size_t len, uint8_t out[KC_KEY])
{
	struct sha256_ctx x;

	sha256_init(&x);
	sha256_update(&x, len, buf);
	sha256_digest(&x, KC_KEY, out);
}

void kc_key(const void *file, size_t len, uint64_t cap, uint8_t key[KC_KEY])
{
	static const char tag[] = "xbuild-kcache"; /* with its NUL */
	uint8_t pre[sizeof(tag) + 12];
	struct sha256_ctx x;

	memcpy(pre, tag, sizeof(tag));
	put32(pre + sizeof(tag), KC_VERSION);
	put64(pre + sizeof(tag) + 4, cap);
	sha256_init(&x);
	sha256_update(&x, sizeof(pre), pre);
	sha256_update(&x, len, file);
	sha256_digest(&x, KC_KEY, key);
}

static uint32_t crc32_of(const void *p, size_t n)
{
	return libdeflate_crc32(0, p, n);
}

void kc_header_write(const struct kc_header *h, uint8_t *out)
{
	memset(out, 0, KC_HDR);
	memcpy(out, KC_MAGIC, 8);
	put32(out + KO_VERSION, KC_VERSION);
	put32(out + KO_HDRSIZE, KC_HDR);
	memcpy(out + KO_KEY, h->key, KC_KEY);
	put64(out + KO_ELF_LEN, h->elf_len);
	put64(out + KO_FILE_LEN, h->file_len);
	put64(out + KO_CAP, h->cap);
	put32(out + KO_CRC, h->crc);
	/* At most 15 bytes and a NUL; the rest of the field stays zero. */
	memcpy(out + KO_FORMAT, h->format, strnlen(h->format, 15));
	memcpy(out + KO_COMPRESSION, h->compression,
	       strnlen(h->compression, 15));
	put32(out + KO_HCRC, crc32_of(out, KO_HCRC));
}

/* A name field: 1..15 of [a-z0-9A-Z], NUL, zeros. */
static bool name_ok(const uint8_t *f, char *out)
{
	size_t n = 0;

	while (n < 16 && f[n])
		n++;
	if (n == 0 || n == 16)
		return false;
	for (size_t i = 0; i < 16; i++) {
		bool alnum = (f[i] >= 'a' && f[i] <= 'z') ||
			     (f[i] >= 'A' && f[i] <= 'Z') ||
			     (f[i] >= '0' && f[i] <= '9');

		if (i < n ? !alnum : f[i] != 0)
			return false;
	}
	memcpy(out, f, n + 1);
	return true;
}

int kc_header_parse(const char *name, const uint8_t *buf, size_t len,
		    struct kc_header *h, struct xb_err *e)
{
	uint32_t v;

	memset(h, 0, sizeof(*h));
	if (len < KC_HDR)
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: %zu bytes, shorter than its "
			       "header (%u)",
			       name, len, KC_HDR);
	if (memcmp(buf, KC_MAGIC, 8))
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: bad magic (not an xbuild "
			       "kernel cache entry)",
			       name);
	if ((v = get32(buf + KO_VERSION)) != KC_VERSION)
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: version %u, not %u", name, v,
			       KC_VERSION);
	if ((v = get32(buf + KO_HDRSIZE)) != KC_HDR)
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: header size %u, not %u", name,
			       v, KC_HDR);
	if (get32(buf + KO_HCRC) != crc32_of(buf, KO_HCRC))
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: header checksum mismatch",
			       name);
	if (get32(buf + KO_RSVD))
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: reserved field not zero",
			       name);
	for (size_t i = KO_END; i < KC_HDR; i++)
		if (buf[i])
			return xb_fail(e, XB_EINPUT,
				       "%s: cache entry: header padding not "
				       "zero (byte %zu)",
				       name, i);
	if (!name_ok(buf + KO_FORMAT, h->format) ||
	    !name_ok(buf + KO_COMPRESSION, h->compression))
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: bad format or compression "
			       "name",
			       name);
	memcpy(h->key, buf + KO_KEY, KC_KEY);
	h->elf_len = get64(buf + KO_ELF_LEN);
	h->file_len = get64(buf + KO_FILE_LEN);
	h->cap = get64(buf + KO_CAP);
	h->crc = get32(buf + KO_CRC);
	if (h->elf_len != len - KC_HDR)
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: %zu bytes of content, the "
			       "header says %" PRIu64 " (truncated or "
			       "extended)",
			       name, len - KC_HDR, h->elf_len);
	if (h->elf_len > h->cap)
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: content %" PRIu64
			       " bytes over its cap %" PRIu64,
			       name, h->elf_len, h->cap);
	return 0;
}

int kc_entry_check(const char *name, const uint8_t *buf, size_t len,
		   const uint8_t *key, struct kc_header *h, struct xb_err *e)
{
	const char *l;
	int rc = kc_header_parse(name, buf, len, h, e);

	if (rc < 0)
		return rc;
	if (key && memcmp(key, h->key, KC_KEY))
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: key mismatch (an entry of "
			       "another kernel)",
			       name);
	if (crc32_of(buf + KC_HDR, (size_t)h->elf_len) != h->crc)
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: content checksum mismatch",
			       name);
	l = kernel_probe(buf + KC_HDR, (size_t)h->elf_len);
	if (!l || strcmp(l, "elf"))
		return xb_fail(e, XB_EINPUT,
			       "%s: cache entry: the content is no plain ELF "
			       "image",
			       name);
	return 0;
}

/* ---- the directory --------------------------------------------------- */

/* A warning about the cache: the command goes on without it.  0 or
 * -XB_EINTERNAL. */
static int kc_warn(struct cli *c, struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int kc_warn(struct cli *c, struct session *s, const char *fmt, ...)
{
	char msg[XB_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(s->kc.note, sizeof(s->kc.note), "%.255s", msg);
	if (xb_warn_key(&s->cfg.warnings, "cache:xbuild_cache_dir", 1, "%s",
			msg) < 0)
		return xb_fail(&c->err, XB_EINTERNAL, "out of memory");
	return 0;
}

/*
 * Open (making it, 0700, when missing) the cache directory.  Refused
 * (-XB_EINPUT): not a directory, owned by another user, writable by group
 * or others, since whoever can write there chooses the kernels xbuild
 * boots.  A directory that cannot be made or opened: a warning, *fd = -1.
 */
static int kc_open_dir(struct cli *c, struct session *s, int *fd)
{
	const char *dir = s->kc.dir;
	struct stat st;
	int d;

	*fd = -1;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return kc_warn(c, s,
			       "cache %s: cannot make the directory: %s; the "
			       "kernel is decompressed without the cache",
			       dir, strerror(errno));
	d = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d < 0)
		return errno == ENOTDIR ?
			       xb_fail(&c->err, XB_EINPUT,
				       "cache %s: not a directory", dir) :
			       kc_warn(c, s,
				       "cache %s: cannot open: %s; the kernel "
				       "is decompressed without the cache",
				       dir, strerror(errno));
	if (fstat(d, &st) < 0) {
		int err = errno;

		close(d);
		return kc_warn(c, s,
			       "cache %s: cannot stat: %s; the kernel is "
			       "decompressed without the cache",
			       dir, strerror(err));
	}
	if (st.st_uid != geteuid()) {
		close(d);
		return xb_fail(&c->err, XB_EINPUT,
			       "cache %s: owned by uid %u, not by xbuild's "
			       "user (uid %u): refused (whoever writes there "
			       "chooses the kernels xbuild boots)",
			       dir, (unsigned)st.st_uid, (unsigned)geteuid());
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(d);
		return xb_fail(&c->err, XB_EINPUT,
			       "cache %s: writable by %s (mode %04o): refused "
			       "(whoever writes there chooses the kernels "
			       "xbuild boots; chmod 0700 it)",
			       dir,
			       (st.st_mode & S_IWOTH) ? "others" : "its group",
			       (unsigned)(st.st_mode & 07777));
	}
	*fd = d;
	return 0;
}

/* Map and check the entry; true on a hit. */
static bool kc_try_hit(struct cli *c, struct session *s, const uint8_t *key)
{
	struct kcache *k = &s->kc;
	struct xb_err e = { 0 };
	struct stat st;
	void *m;
	int fd;

	fd = openat(k->dirfd, k->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		/* O_NOFOLLOW: a symlink is ELOOP, never followed */
		snprintf(k->note, sizeof(k->note), "%s%s",
			 errno == ENOENT ? "no entry" : strerror(errno),
			 errno == ENOENT ? "" : ": ignored");
		return false;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(k->note, sizeof(k->note),
			 "the entry is not an owner-only regular file: "
			 "ignored");
		close(fd);
		return false;
	}
	if (st.st_size < (off_t)KC_HDR) {
		snprintf(k->note, sizeof(k->note),
			 "the entry is %lld bytes, shorter than its header: "
			 "ignored",
			 (long long)st.st_size);
		close(fd);
		return false;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		snprintf(k->note, sizeof(k->note), "cannot map: %s",
			 strerror(errno));
		close(fd);
		return false;
	}
	if (kc_entry_check(k->entry, m, (size_t)st.st_size, key, &k->h, &e) <
	    0) {
		/* "DIR/NAME: cache entry: why": the why alone */
		const char *why = strstr(e.msg, "cache entry: ");

		snprintf(k->note, sizeof(k->note), "%.200s: ignored",
			 why ? why + 13 : e.msg);
		munmap(m, (size_t)st.st_size);
		close(fd);
		return false;
	}
	/* Least recently used goes first: a hit is a use. */
	(void)futimens(fd, NULL);
	close(fd);
	k->map = m;
	k->map_len = (size_t)st.st_size;
	(void)c;
	return true;
}

int kcache_lookup(struct cli *c, struct session *s, struct dom_input *kernel)
{
	struct kcache *k = &s->kc;
	const char *l = kernel_probe(kernel->buf, kernel->len);
	struct loader_opts lo = { .max_decompressed = s->cfg.max_decompressed };
	uint8_t key[KC_KEY];
	char h[32];
	int rc;

	k->on = true;
	k->dirfd = -1;
	k->dir = cfg_cache_dir(&s->cfg);
	k->max = cfg_cache_max(&s->cfg);
	/* Nothing to save for a plain ELF; a file that is no kernel gets
	 * the loader's own message from dom_load(). */
	if (!l || !strcmp(l, "elf")) {
		snprintf(k->note, sizeof(k->note),
			 "the kernel is not compressed");
		say(c, "cache: not used: %s", k->note);
		return 0;
	}
	if ((rc = kc_open_dir(c, s, &k->dirfd)) < 0)
		return rc;
	if (k->dirfd < 0)
		return 0;
	k->used = true;
	kc_key(kernel->buf, kernel->len, lo.max_decompressed, key);
	for (unsigned i = 0; i < KC_KEY; i++)
		snprintf(k->name + 2 * i, 3, "%02x", key[i]);
	snprintf(k->entry, sizeof(k->entry), "%s%s%s", k->dir,
		 k->dir[strlen(k->dir) - 1] == '/' ? "" : "/", k->name);
	k->hit = kc_try_hit(c, s, key);
	timing(c, "cache");
	if (k->hit) {
		kernel->buf = k->map + KC_HDR;
		kernel->len = (size_t)k->h.elf_len;
		say(c, "cache: hit %s (%s ELF)", k->entry,
		    human_size(k->h.elf_len, h, sizeof(h)));
		return 0;
	}
	say(c, "cache: miss %s (%s)", k->entry, k->note);
	/* Decompress once: the loader gets these bytes, the cache a copy. */
	rc = kernel_unwrap(kernel->name, kernel->buf, kernel->len, &lo, &k->p,
			   &c->err);
	timing(c, "unwrap");
	if (rc < 0)
		return rc;
	memcpy(k->h.key, key, KC_KEY);
	k->h.elf_len = k->p.elf_len;
	k->h.file_len = kernel->len;
	k->h.cap = lo.max_decompressed;
	snprintf(k->h.format, sizeof(k->h.format), "%s", k->p.format);
	snprintf(k->h.compression, sizeof(k->h.compression), "%s",
		 k->p.compression);
	kernel->buf = k->p.elf;
	kernel->len = k->p.elf_len;
	return 0;
}

static bool hex_name(const char *n)
{
	size_t i;

	for (i = 0; n[i]; i++)
		if (!((n[i] >= '0' && n[i] <= '9') ||
		      (n[i] >= 'a' && n[i] <= 'f')))
			return false;
	return i == 2 * KC_KEY;
}

struct kc_file {
	char name[2 * KC_KEY + 1];
	uint64_t size;
	struct timespec used;
};

static int by_use(const void *a, const void *b)
{
	const struct kc_file *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	if (x->used.tv_nsec != y->used.tv_nsec)
		return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/*
 * Keep the directory's entries within k->max bytes: the least recently
 * used (mtime, which a hit renews) go first, never the entry just written.
 * Also removes temporary files of writers that died.  Best effort: another
 * xbuild may evict at the same time (ENOENT is fine).
 */
static void kc_evict(struct cli *c, struct kcache *k)
{
	struct kc_file *v = NULL;
	size_t n = 0, cap = 0, gone = 0;
	uint64_t total = 0, freed = 0;
	struct dirent *de;
	int fd = dup(k->dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	time_t now = time(NULL);
	char h[32];

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (fstatat(k->dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) <
			    0 ||
		    !S_ISREG(st.st_mode) || st.st_uid != geteuid())
			continue;
		if (!strncmp(de->d_name, ".tmp.", 5)) {
			if (now - st.st_mtime > KC_STALE_TMP_S)
				(void)unlinkat(k->dirfd, de->d_name, 0);
			continue;
		}
		if (!hex_name(de->d_name))
			continue;
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			struct kc_file *nv = realloc(v, nc * sizeof(*v));

			if (!nv)
				break;
			v = nv;
			cap = nc;
		}
		memcpy(v[n].name, de->d_name, 2 * KC_KEY + 1);
		v[n].size = (uint64_t)st.st_size;
		v[n].used = st.st_mtim;
		total += v[n].size;
		n++;
	}
	closedir(d);
	if (total > k->max && n)
		qsort(v, n, sizeof(*v), by_use);
	for (size_t i = 0; i < n && total > k->max; i++) {
		if (!strcmp(v[i].name, k->name))
			continue;
		if (unlinkat(k->dirfd, v[i].name, 0) == 0 || errno == ENOENT) {
			total -= v[i].size;
			freed += v[i].size;
			gone++;
		}
	}
	free(v);
	if (gone)
		say(c, "cache: evicted %zu least recently used entr%s (%s)",
		    gone, gone == 1 ? "y" : "ies",
		    human_size(freed, h, sizeof(h)));
}

/* Write the entry: a temporary file, fsync, rename over the name (a
 * concurrent writer of the same entry writes the same bytes), fsync the
 * directory. */
static int kc_store(struct cli *c, struct session *s)
{
	struct kcache *k = &s->kc;
	uint8_t *hdr;
	char tmp[64], h1[32], h2[32];
	int fd, err = 0;

	if (KC_HDR + k->h.elf_len > k->max)
		return kc_warn(c, s,
			       "cache %s: the entry (%s) is larger than "
			       "xbuild_cache_max (%s): not stored",
			       k->dir,
			       human_size(KC_HDR + k->h.elf_len, h1,
					  sizeof(h1)),
			       human_size(k->max, h2, sizeof(h2)));
	k->h.crc = crc32_of(k->p.elf, k->p.elf_len);
	if (!(hdr = malloc(KC_HDR)))
		return xb_fail(&c->err, XB_EINTERNAL, "out of memory");
	kc_header_write(&k->h, hdr);
	snprintf(tmp, sizeof(tmp), ".tmp.%ld.%08lx", (long)getpid(),
		 (unsigned long)(cli_now() & 0xffffffffu));
	fd = openat(k->dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = errno;
	} else {
		int w = xb_write_all(fd, hdr, KC_HDR);

		if (w == 0)
			w = xb_write_all(fd, k->p.elf, k->p.elf_len);
		if (w < 0)
			err = -w;
		else if (fsync(fd) < 0)
			err = errno;
		if (close(fd) < 0 && !err)
			err = errno;
		if (!err && renameat(k->dirfd, tmp, k->dirfd, k->name) < 0)
			err = errno;
		if (err)
			(void)unlinkat(k->dirfd, tmp, 0);
	}
	free(hdr);
	if (err)
		return kc_warn(c, s,
			       "cache %s: cannot store the entry: %s; the "
			       "kernel is decompressed without the cache",
			       k->dir, strerror(err));
	(void)fsync(k->dirfd);
	k->stored = true;
	say(c, "cache: stored %s (%s ELF)", k->entry,
	    human_size(k->h.elf_len, h1, sizeof(h1)));
	kc_evict(c, k);
	return 0;
}

int kcache_loaded(struct cli *c, struct session *s)
{
	struct kcache *k = &s->kc;
	struct kernel_image *img = &s->d.kernel;
	int rc = 0;

	if (!k->used || (!k->hit && !k->p.elf))
		return 0;
	/* The loader saw a plain ELF: say what the file was, so that the
	 * output is the same with and without the cache. */
	snprintf(img->format, sizeof(img->format), "%s", k->h.format);
	snprintf(img->compression, sizeof(img->compression), "%s",
		 k->h.compression);
	img->file_len = k->h.file_len;
	if (!k->hit) {
		rc = kc_store(c, s);
		timing(c, "cache write");
	}
	return rc;
}

void kcache_free(struct kcache *k)
{
	if (k->map)
		munmap((void *)(uintptr_t)k->map, k->map_len);
	free(k->p.owned);
	if (k->on && k->dirfd >= 0)
		close(k->dirfd);
	memset(k, 0, sizeof(*k));
}
