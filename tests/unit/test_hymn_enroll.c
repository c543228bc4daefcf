/*
 * The messages of hymn enroll's online redemption (hymn_enroll_msg.c):
 * the request and reply keys against explicit KMAC256 calls and fixed
 * vectors (computed once with OpenSSL's KMAC256), a request opened here
 * the way the cathedral opens it, and a reply built here the way the
 * cathedral builds it, which must open, and must not once truncated,
 * padded, with any byte flipped, for another request, or with a field out
 * of range under a valid tag.
 */

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "enroll_token.h"
#include "hymn_enroll.h"
#include "keccak.h"
#include "sanctum_crypto.h"
#include "wire.h"

#define REQ_PLAIN	(ENROLL_REQUEST_LEN - ENROLL_MSG_HDR - SANCTUM_TAG_LEN)

/* KMAC256(V, N, 32, S) for V = verifier(00..1f), N = 20..3f. */
static const char	req_key_vec[] =
    "0aecda95ca3ce95246fe4088cfc2f1eb1621c22c12aaf05d184ace705a22ecfa";
static const char	rep_key_vec[] =
    "7b232eb9b2c87004d9d9abddb368b7a6ff52956df90312417b478e42d6c86ad1";

/* The nonce of every enrollment message, spelled out: 00..00 01. */
static const uint8_t	nonce_vec[SANCTUM_NONCE_LEN] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
};

static uint8_t	token[ENROLL_TOKEN_LEN];
static uint8_t	seed[ENROLL_SEED_LEN];

/* The token 00..1f, the seed 20..3f, and what a node derives from them. */
static void
fixed_ask(struct hymn_enroll_ask *ask)
{
	size_t	i;

	for (i = 0; i < sizeof(token); i++)
		token[i] = (uint8_t)i;
	for (i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0x20 + i);
	memset(ask, 0, sizeof(*ask));
	(void)enroll_token_lookup(token, ask->lookup);
	(void)enroll_token_verifier(token, ask->verifier);
	memset(ask->pub, 0xa5, sizeof(ask->pub));
}

/* A message key by an explicit KMAC256 call. */
static void
explicit_key(uint8_t key[32], const uint8_t verifier[32], const uint8_t *n,
    const char *label)
{
	if (kmac256(key, 32, verifier, 32, label, n, ENROLL_SEED_LEN) != 0)
		memset(key, 0, 32);
}

/* Both keys: the vectors, the explicit call, and enroll_message_key(). */
static void
test_keys(void)
{
	struct hymn_enroll_ask	ask;
	uint8_t			k1[32], k2[32];

	fixed_ask(&ask);
	CHECK(hex_equal(ask.verifier, 32, "4e9ed532cb6ae3edc9a4e5fcd92c837b"
	    "15a6893ad2439faa314e8d26060219d1"), "the verifier vector");
	explicit_key(k1, ask.verifier, seed, "SANCTUM-C.ENROLL.REQUEST");
	CHECK(hex_equal(k1, 32, req_key_vec), "request key vector");
	CHECK(enroll_message_key(k2, ask.verifier, seed,
	    ENROLL_LABEL_REQUEST) == 0 && memcmp(k1, k2, 32) == 0,
	    "enroll_message_key gives the request key");
	explicit_key(k1, ask.verifier, seed, "SANCTUM-C.ENROLL.REPLY");
	CHECK(hex_equal(k1, 32, rep_key_vec), "reply key vector");
	CHECK(enroll_message_key(k2, ask.verifier, seed,
	    ENROLL_LABEL_REPLY) == 0 && memcmp(k1, k2, 32) == 0,
	    "enroll_message_key gives the reply key");
}

/* A request, opened with the explicitly derived key as the cathedral does. */
static void
test_request(void)
{
	struct hymn_enroll_ask	ask;
	uint8_t			d[ENROLL_REQUEST_LEN], other[ENROLL_REQUEST_LEN];
	uint8_t			plain[REQ_PLAIN], key[32], zero[REQ_PLAIN];
	uint64_t		now = 0x0000000065a1b2c3ULL;

	fixed_ask(&ask);
	CHECK(hymn_enroll_request(d, &ask, seed, now) == 0, "request built");
	CHECK(memcmp(d, "SCENROLL", 8) == 0 && d[8] == 1 && d[9] == 1 &&
	    memcmp(d + 10, ask.lookup, 16) == 0 &&
	    memcmp(d + 26, seed, 32) == 0, "request header");
	explicit_key(key, ask.verifier, seed, "SANCTUM-C.ENROLL.REQUEST");
	memcpy(plain, d + 58, sizeof(plain));
	CHECK(sanctum_aead_oneshot_open(key, plain, sizeof(plain), d, 58,
	    nonce_vec, d + 584) == 0, "the request opens (bytes 0..57 as "
	    "associated data, tag at 584)");
	memset(zero, 0, sizeof(zero));
	CHECK(get_be64(plain) == now && memcmp(plain + 8, ask.pub, 32) == 0 &&
	    memcmp(plain + 40, zero, sizeof(plain) - 40) == 0,
	    "timestamp, COSK public key, zero padding");
	d[20] ^= 1;
	memcpy(plain, d + 58, sizeof(plain));
	CHECK(sanctum_aead_oneshot_open(key, plain, sizeof(plain), d, 58,
	    nonce_vec, d + 584) == -1, "the lookup is authenticated");
	d[20] ^= 1;
	explicit_key(key, ask.verifier, seed, "SANCTUM-C.ENROLL.REPLY");
	memcpy(plain, d + 58, sizeof(plain));
	CHECK(sanctum_aead_oneshot_open(key, plain, sizeof(plain), d, 58,
	    nonce_vec, d + 584) == -1, "the reply key does not open it");
	seed[0] ^= 0xff;
	CHECK(hymn_enroll_request(other, &ask, seed, now) == 0 &&
	    memcmp(other + 58, d + 58, REQ_PLAIN + 16) != 0,
	    "another seed, another ciphertext");
	seed[0] ^= 0xff;
}

/*
 * A reply as the cathedral builds it, with the length field nfield (the
 * true one unless testing), into d; returns its length.
 */
static size_t
build_reply(uint8_t *d, const struct hymn_enroll_ask *ask, uint32_t csid,
    uint64_t flock, uint8_t peer, const uint8_t *sealed, size_t n,
    size_t nfield)
{
	uint8_t	key[32], *b = d + 58;
	size_t	plain = 47 + n;

	memcpy(d, "SCENROLL", 8);
	d[8] = 1;
	d[9] = 2;
	memcpy(d + 10, ask->lookup, 16);
	memcpy(d + 26, seed, 32);
	put_be32(b, csid);
	put_be64(b + 4, flock);
	b[12] = peer;
	memset(b + 13, 0xcc, 32);
	put_be16(b + 45, (uint16_t)nfield);
	memcpy(b + 47, sealed, n);
	explicit_key(key, ask->verifier, seed, "SANCTUM-C.ENROLL.REPLY");
	if (sanctum_aead_oneshot_seal(key, b, plain, d, 58, nonce_vec,
	    b + plain) != 0)
		return (0);
	return (58 + plain + 16);
}

/* The material of a liturgy node (90 bytes sealed), sealed with the token. */
static size_t
material(uint8_t *sealed)
{
	struct enroll_material	m;
	size_t			len = 0;

	memset(&m, 0, sizeof(m));
	m.mode = ENROLL_MODE_LITURGY;
	m.peer = 0x21;
	m.flock = 0xcafeba00;
	m.group = 0xdead;
	m.net[0] = 10;
	m.net[1] = 15;
	m.netlen = 16;
	m.port = 4500;
	memset(m.kek, 0x4b, sizeof(m.kek));
	snprintf(m.host, sizeof(m.host), "cathedral.example");
	if (enroll_material_seal(&m, token, sealed, ENROLL_SEALED_MAX,
	    &len) != 0)
		return (0);
	return (len);
}

/* A good reply opens; no damaged one does. */
static void
test_reply(void)
{
	struct hymn_enroll_ask		ask;
	struct hymn_enroll_reply	r;
	struct enroll_material		m;
	uint8_t				d[HYMN_ENROLL_REPLY_MAX + 16];
	uint8_t				sealed[ENROLL_SEALED_MAX], cs[32];
	size_t				n, len, i;
	int				bad;

	fixed_ask(&ask);
	n = material(sealed);
	len = build_reply(d, &ask, 0x1234abcd, 0xcafeba00, 0x21, sealed, n, n);
	CHECK(n == 90 && len == 58 + 47 + 90 + 16, "a reply of %zu bytes",
	    len);
	memset(cs, 0xcc, sizeof(cs));
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == 0 &&
	    r.csid == 0x1234abcd && r.flock == 0xcafeba00 && r.peer == 0x21 &&
	    memcmp(r.cs, cs, 32) == 0 && r.sealed_len == n &&
	    memcmp(r.sealed, sealed, n) == 0, "the reply opens");
	CHECK(enroll_material_open(&m, token, r.sealed, r.sealed_len) == 0 &&
	    m.flock == r.flock && m.peer == r.peer, "its material opens");

	for (i = 0, bad = 0; i < len; i++)
		bad += hymn_enroll_reply_open(&r, d, i, &ask, seed) == 0;
	CHECK(bad == 0, "%d truncations accepted", bad);
	d[len] = 0;
	CHECK(hymn_enroll_reply_open(&r, d, len + 1, &ask, seed) == -1,
	    "a padded reply");
	for (i = 0, bad = 0; i < len; i++) {
		d[i] ^= 0x01;
		bad += hymn_enroll_reply_open(&r, d, len, &ask, seed) == 0;
		d[i] ^= 0x01;
	}
	CHECK(bad == 0, "%d flipped bytes accepted", bad);
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == 0,
	    "still opens after the flips");
	seed[31] ^= 1;
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "not for another seed");
	seed[31] ^= 1;
	ask.lookup[0] ^= 1;
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "not for another token");
	ask.lookup[0] ^= 1;

	/* Under a valid tag, fields out of range. */
	len = build_reply(d, &ask, 0x1234abcd, 0xcafeba00, 0x21, sealed, n,
	    n + 1);
	CHECK(len > 0 && hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "the length field says one more");
	len = build_reply(d, &ask, 0x1234abcd, 0xcafeba00, 0x21, sealed, n,
	    n - 1);
	CHECK(len > 0 && hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "the length field says one less");
	len = build_reply(d, &ask, 0, 0xcafeba00, 0x21, sealed, n, n);
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "CS id 0");
	len = build_reply(d, &ask, 1, 0xcafeba01, 0x21, sealed, n, n);
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "a flock with a domain byte");
	len = build_reply(d, &ask, 1, 0xcafeba00, 0, sealed, n, n);
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "peer id 0");
	len = build_reply(d, &ask, 1, 0xcafeba00, 0x21, sealed, 72, 72);
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "sealed material shorter than any");
	len = build_reply(d, &ask, 1, 0xcafeba00, 0x21, sealed, n, n);
	d[9] = 1;
	CHECK(hymn_enroll_reply_open(&r, d, len, &ask, seed) == -1,
	    "a request is no reply");
}

int
main(void)
{
	if (sanctum_crypto_init() == -1)
		return (1);
	test_keys();
	test_request();
	test_reply();
	return (check_report("hymn_enroll"));
}
