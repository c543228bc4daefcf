/*
 * Ambry bundles on known answers (ambry.json): every listed entry unwraps to
 * its shared secret and re-wraps to the same bytes, and both deterministic
 * bundles are regenerated whole and compared by SHA-256.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "keccak.h"
#include "wire.h"

/* The bundle case named name. */
static const struct json *
bundle_named(const struct json *v, const char *name)
{
	const struct json	*c;

	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		if (strcmp(json_str(c, "type"), "bundle") == 0 &&
		    strcmp(json_str(c, "name"), name) == 0)
			return (c);
	}
	abort();
}

/* Unwrap one entry with the device KEK, then wrap it back. */
static void
entry_case(const struct json *v, const struct json *c, int n)
{
	const struct json	*b = bundle_named(v, json_str(c, "bundle"));
	struct ambry_header	h;
	struct ambry_entry	e, again;
	uint8_t			hdr[AMBRY_HDR_LEN], raw[AMBRY_ENTRY_LEN];
	uint8_t			kek[32], ss[32], w[32], unwrap[32];
	uint64_t		fs, fd, now;

	hex_decode(json_str(b, "header"), hdr, sizeof(hdr));
	CHECK(ambry_header_parse(hdr, sizeof(hdr), &h) == SANCTUM_OK,
	    "entry %d header", n);
	CHECK(get_be16(h.expires) == (uint16_t)json_get(b,
	    "expires_days")->num, "entry %d expires", n);
	CHECK(hex_equal(h.generation, 4, json_str(b, "generation")),
	    "entry %d generation", n);
	hex_decode(json_str(c, "entry"), raw, sizeof(raw));
	CHECK(ambry_entry_parse(raw, sizeof(raw), &e) == SANCTUM_OK,
	    "entry %d parses", n);
	CHECK(e.flock == hex_u64(json_str(c, "flock")) &&
	    e.tunnel == hex_u64(json_str(c, "tunnel")), "entry %d fields", n);

	hex_decode(json_str(c, "device_kek"), kek, 32);
	fs = hex_u64(json_str(c, "client_flock_src")) &
	    ~SANCTUM_FLOCK_DOMAIN_MASK;
	fd = hex_u64(json_str(c, "client_flock_dst")) &
	    ~SANCTUM_FLOCK_DOMAIN_MASK;
	sanctum_base_key(unwrap, kek, fs, fd, SANCTUM_PURPOSE_KEK_UNWRAP);
	CHECK(hex_equal(unwrap, 32, json_str(c, "unwrap_kek")),
	    "entry %d unwrap kek", n);
	sanctum_ambry_wrap_key(w, unwrap, fs, fd, h.seed, h.generation,
	    e.tunnel);
	CHECK(hex_equal(w, 32, json_str(c, "wrapping_key")),
	    "entry %d wrapping key", n);

	now = AMBRY_EPOCH + 86400;
	CHECK(ambry_unwrap(ss, kek, fs, fd, e.tunnel, h.expires, h.generation,
	    h.seed, e.key, e.tag, now) == SANCTUM_OK, "entry %d unwraps", n);
	CHECK(hex_equal(ss, 32, json_str(c, "shared_secret")),
	    "entry %d shared secret", n);

	again.flock = e.flock;
	again.tunnel = e.tunnel;
	CHECK(ambry_wrap(&again, kek, fs, fd, &h, ss) == 0, "entry %d wraps", n);
	CHECK(memcmp(again.key, e.key, 32) == 0 &&
	    memcmp(again.tag, e.tag, 16) == 0, "entry %d re-wraps", n);

	/* Expired, wrong tunnel, wrong KEK, altered tag. */
	CHECK(ambry_unwrap(ss, kek, fs, fd, e.tunnel, h.expires, h.generation,
	    h.seed, e.key, e.tag, AMBRY_EPOCH + 86400ULL * 70000) ==
	    SANCTUM_ERR_EXPIRED, "entry %d expired", n);
	CHECK(ambry_unwrap(ss, kek, fs, fd, e.tunnel ^ 1, h.expires,
	    h.generation, h.seed, e.key, e.tag, now) == SANCTUM_ERR_TAG,
	    "entry %d other tunnel", n);
	kek[0] ^= 1;
	CHECK(ambry_unwrap(ss, kek, fs, fd, e.tunnel, h.expires, h.generation,
	    h.seed, e.key, e.tag, now) == SANCTUM_ERR_TAG,
	    "entry %d other kek", n);
}

/* The SHAKE256 stream and KEK rule the deterministic bundles were made with. */
struct det {
	struct keccak	stream;
};

/* KEK of device i in flock F: SHAKE256("kat:ambry:kek:" F ":" i)[0..32]. */
static int
det_kek(void *arg, uint64_t flock, uint8_t id, uint8_t kek[32])
{
	char	label[64];
	int	n;

	(void)arg;
	n = snprintf(label, sizeof(label), "kat:ambry:kek:%016llx:%02x",
	    (unsigned long long)flock, id);
	shake256(kek, 32, label, (size_t)n);
	return (0);
}

/* Secrets come from the stream, front to back. */
static void
det_random(void *arg, void *buf, size_t len)
{
	struct det	*d = arg;

	keccak_squeeze(&d->stream, buf, len);
}

/* Regenerate a deterministic bundle from its recipe; compare the digest. */
static void
regenerate(const struct json *b)
{
	struct ambry_header	h;
	struct det		d;
	uint64_t		fa, fb;
	uint8_t			gen[4], digest[32], *buf;
	size_t			len;
	const char		*label = json_str(b, "random_stream_label");

	fa = hex_u64(json_str(b, "flock_a"));
	fb = hex_u64(json_str(b, "flock_b"));
	shake256_init(&d.stream);
	keccak_absorb(&d.stream, label, strlen(label));
	keccak_squeeze(&d.stream, gen, 4);
	h.generation[0] = gen[3];
	h.generation[1] = gen[2];
	h.generation[2] = gen[1];
	h.generation[3] = gen[0];
	keccak_squeeze(&d.stream, h.seed, 64);
	put_be16(h.expires, ambry_expires_for((uint64_t)json_get(b,
	    "clock_unix_time")->num, (uint32_t)json_get(b, "days")->num));

	len = ambry_bundle_size(fa, fb);
	CHECK(len == (size_t)json_get(b, "file_length")->num, "%s length",
	    json_str(b, "name"));
	if ((buf = malloc(len)) == NULL)
		abort();
	CHECK(ambry_bundle_build(buf, len, fa, fb, &h, det_kek, det_random,
	    &d) == 0, "%s builds", json_str(b, "name"));
	CHECK(hex_equal(buf, strlen(json_str(b, "file_prefix")) / 2,
	    json_str(b, "file_prefix")), "%s prefix", json_str(b, "name"));
	sanctum_sha256(digest, buf, len);
	CHECK(hex_equal(digest, 32, json_str(b, "file_sha256")), "%s sha256",
	    json_str(b, "name"));
	CHECK(ambry_bundle_check(buf, len, fa, fb) == SANCTUM_OK,
	    "%s passes the cathedral check", json_str(b, "name"));
	CHECK(ambry_bundle_check(buf, len - 1, fa, fb) == SANCTUM_ERR_SHORT,
	    "%s truncated", json_str(b, "name"));
	put_be64(buf + AMBRY_HDR_LEN + AMBRY_ENTRY_LEN * 7, 0x1234);
	CHECK(ambry_bundle_check(buf, len, fa, fb) == SANCTUM_ERR_MALFORMED,
	    "%s foreign flock entry", json_str(b, "name"));
	free(buf);
	keccak_wipe(&d.stream);
}

int
main(void)
{
	struct json	*v, *c;
	int		n = 0, bundles = 0;

	if (sanctum_crypto_init() == -1)
		return (1);
	v = vector_load("ambry.json");
	CHECK(v != NULL, "ambry.json loads");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		if (strcmp(json_str(c, "type"), "entry") == 0)
			entry_case(v, c, n++);
		else if (json_str(c, "random_stream_label") != NULL) {
			regenerate(c);
			bundles++;
		}
	}
	CHECK(n == 19 && bundles == 2, "19 entries, 2 regenerated bundles");
	json_free(v);
	return (check_report("ambry"));
}
