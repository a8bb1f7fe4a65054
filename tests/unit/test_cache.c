/*
 * test_cache.c - the decompressed-kernel cache's pure parts (cache.c):
 * SHA-256 against FIPS 180-2's vectors, the key, the entry header written
 * and parsed back, and every way an entry is refused.
 */
#include "harness.h"
#include "../../src/cli/cli.h"

#include <libdeflate.h>
#include <stdlib.h>

static void hex(const uint8_t *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_sha256_vectors(void)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b"
		      "7852b855" },
		{ "abc",
		  "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
		  "61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd4"
		  "19db06c1" },
	};
	uint8_t d[KC_KEY];
	char h[2 * KC_KEY + 1];
	uint8_t *m;

	for (size_t i = 0; i < XB_ARRAY_SIZE(v); i++) {
		kc_sha256(v[i].in, strlen(v[i].in), d);
		hex(d, KC_KEY, h);
		CHECK_STR(h, v[i].out);
	}
	/* one million 'a' */
	m = malloc(1000000);
	REQUIRE(m);
	memset(m, 'a', 1000000);
	kc_sha256(m, 1000000, d);
	hex(d, KC_KEY, h);
	CHECK_STR(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39cc"
		     "c7112cd0");
	free(m);
}

/* The key covers the file's bytes and the cap, nothing else. */
static void test_key(void)
{
	uint8_t a[KC_KEY], b[KC_KEY], file[100] = { 1, 2, 3 };

	kc_key(file, sizeof(file), 1u << 30, a);
	kc_key(file, sizeof(file), 1u << 30, b);
	CHECK(!memcmp(a, b, KC_KEY));
	kc_key(file, sizeof(file), 1u << 29, b);
	CHECK(memcmp(a, b, KC_KEY));
	file[99] ^= 1;
	kc_key(file, sizeof(file), 1u << 30, b);
	CHECK(memcmp(a, b, KC_KEY));
	kc_key(file, sizeof(file) - 1, 1u << 30, b);
	CHECK(memcmp(a, b, KC_KEY));
	/* not the plain hash of the file */
	file[99] ^= 1;
	kc_sha256(file, sizeof(file), b);
	CHECK(memcmp(a, b, KC_KEY));
}

#define ELF_LEN 5000u

/* A valid entry: header and ELF_LEN bytes of "ELF" content. */
static uint8_t *entry(struct kc_header *h)
{
	uint8_t *b = calloc(1, KC_HDR + ELF_LEN);

	if (!b)
		return NULL;
	memset(h, 0, sizeof(*h));
	memcpy(b + KC_HDR,
	       "\x7f"
	       "ELF\x02\x01\x01",
	       7);
	for (unsigned i = 64; i < ELF_LEN; i++)
		b[KC_HDR + i] = (uint8_t)(i * 7);
	memset(h->key, 0xab, KC_KEY);
	h->elf_len = ELF_LEN;
	h->file_len = 1234;
	h->cap = 1u << 30;
	h->crc = libdeflate_crc32(0, b + KC_HDR, ELF_LEN);
	strcpy(h->format, "bzImage");
	strcpy(h->compression, "xz");
	kc_header_write(h, b);
	return b;
}

static void test_header_roundtrip(void)
{
	struct kc_header h, g;
	struct xb_err e = { 0 };
	uint8_t *b = entry(&h);

	REQUIRE(b);
	CHECK(!memcmp(b, "XBKCACHE", 8));
	REQUIRE(kc_header_parse("E", b, KC_HDR + ELF_LEN, &g, &e) == 0);
	CHECK(!memcmp(g.key, h.key, KC_KEY));
	CHECK_EQ(g.elf_len, ELF_LEN);
	CHECK_EQ(g.file_len, 1234);
	CHECK_EQ(g.cap, 1u << 30);
	CHECK_EQ(g.crc, h.crc);
	CHECK_STR(g.format, "bzImage");
	CHECK_STR(g.compression, "xz");
	CHECK(kc_entry_check("E", b, KC_HDR + ELF_LEN, h.key, &g, &e) == 0);
	CHECK(kc_entry_check("E", b, KC_HDR + ELF_LEN, NULL, &g, &e) == 0);
	free(b);
}

/* Rewrite the header CRC after a change, so that the check behind it is
 * what refuses the entry. */
static void reseal(uint8_t *b)
{
	uint32_t c = libdeflate_crc32(0, b, 112);

	for (int i = 0; i < 4; i++)
		b[112 + i] = (uint8_t)(c >> (8 * i));
}

static void refused(uint8_t *b, size_t len, const uint8_t *key, const char *why,
		    int line)
{
	struct kc_header g;
	struct xb_err e = { 0 };

	if (kc_entry_check("E", b, len, key, &g, &e) != -XB_EINPUT)
		t_fail(__FILE__, line, "accepted (wanted \"%s\")", why);
	else if (!strstr(e.msg, why) || strncmp(e.msg, "E: cache entry: ", 16))
		t_fail(__FILE__, line, "\"%s\" lacks \"%s\"", e.msg, why);
}
#define REFUSED(b, len, key, why) refused(b, len, key, why, __LINE__)

static void test_header_refusals(void)
{
	struct kc_header h;
	uint8_t *b = entry(&h), key[KC_KEY];
	size_t n = KC_HDR + ELF_LEN;

	REQUIRE(b);
	REFUSED(b, KC_HDR - 1, NULL, "shorter than its header");
	REFUSED(b, 0, NULL, "shorter than its header");
	REFUSED(b, n - 1, NULL, "truncated or extended");
	REFUSED(b, KC_HDR, NULL, "truncated or extended");
	memcpy(key, h.key, KC_KEY);
	key[31] ^= 1;
	REFUSED(b, n, key, "key mismatch");
	/* each field */
	b[0] = 'Y';
	REFUSED(b, n, NULL, "bad magic");
	b[0] = 'X';
	b[8] = 2;
	reseal(b);
	REFUSED(b, n, NULL, "version 2, not 1");
	b[8] = 1;
	b[13] = 0x20;
	reseal(b);
	REFUSED(b, n, NULL, "header size 8192, not 4096");
	b[13] = 0x10;
	reseal(b);
	b[20] ^= 1; /* the key, not resealed */
	REFUSED(b, n, NULL, "header checksum mismatch");
	b[20] ^= 1;
	b[76] = 1;
	reseal(b);
	REFUSED(b, n, NULL, "reserved field not zero");
	b[76] = 0;
	reseal(b);
	b[KC_HDR - 1] = 1;
	REFUSED(b, n, NULL, "header padding not zero");
	b[KC_HDR - 1] = 0;
	b[80 + 7] = 'x'; /* "bzImagex": still a name */
	reseal(b);
	REQUIRE(kc_entry_check("E", b, n, NULL, &h, &(struct xb_err){ 0 }) ==
		0);
	memset(b + 80, 'a', 16); /* no NUL */
	reseal(b);
	REFUSED(b, n, NULL, "bad format or compression name");
	memset(b + 80, 0, 16);
	reseal(b);
	REFUSED(b, n, NULL, "bad format or compression name");
	memcpy(b + 80, "bz/mage", 7);
	reseal(b);
	REFUSED(b, n, NULL, "bad format or compression name");
	memcpy(b + 80, "bzImage", 7);
	memcpy(b + 96, "xz\0q", 4); /* junk after the NUL */
	reseal(b);
	REFUSED(b, n, NULL, "bad format or compression name");
	b[99] = 0;
	b[64] = 1; /* cap 1 byte: below the content */
	memset(b + 65, 0, 7);
	reseal(b);
	REFUSED(b, n, NULL, "over its cap");
	b[67] = 1;
	reseal(b);
	REQUIRE(kc_entry_check("E", b, n, NULL, &h, &(struct xb_err){ 0 }) ==
		0);
	/* the content */
	b[KC_HDR + 100] ^= 0x10;
	REFUSED(b, n, NULL, "content checksum mismatch");
	b[KC_HDR + 100] ^= 0x10;
	free(b);
}

/* Content that kernel_parse() would not take for a plain ELF. */
static void test_content_not_elf(void)
{
	struct kc_header h;
	uint8_t *b = entry(&h);
	size_t n = KC_HDR + ELF_LEN;

	REQUIRE(b);
	b[KC_HDR] = 'x';
	h.crc = libdeflate_crc32(0, b + KC_HDR, ELF_LEN);
	kc_header_write(&h, b);
	REFUSED(b, n, NULL, "no plain ELF image");
	/* An ELF with "HdrS" at 0x202 would be probed as a bzImage. */
	b[KC_HDR] = 0x7f;
	memcpy(b + KC_HDR + 0x202, "HdrS", 4);
	h.crc = libdeflate_crc32(0, b + KC_HDR, ELF_LEN);
	kc_header_write(&h, b);
	REFUSED(b, n, NULL, "no plain ELF image");
	free(b);
}

const struct test tests[] = {
	{ "sha256_vectors", test_sha256_vectors },
	{ "key", test_key },
	{ "header_roundtrip", test_header_roundtrip },
	{ "header_refusals", test_header_refusals },
	{ "content_not_elf", test_content_not_elf },
	{ NULL, NULL },
};
