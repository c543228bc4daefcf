/*
 * The Sanctum derivations on known answers: every case of base-key.json,
 * offer-key.json (offer keys and traffic keys with X25519) and the shroud
 * keys and identities of shroud.json, plus the spec's appendix values.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "sanctum_crypto.h"
#include "wire.h"

/* Decode a fixed-size hex field of a case. */
static void
field(const struct json *c, const char *key, uint8_t *out, size_t len)
{
	const char	*hex = json_str(c, key);

	if (hex == NULL || strlen(hex) != len * 2) {
		fprintf(stderr, "vector field %s missing or wrong size\n", key);
		abort();
	}
	hex_decode(hex, out, len);
}

/* Purpose number from a vector's purpose name. */
static int
purpose_of(const char *name)
{
	static const struct { const char *name; int id; } map[] = {
		{ "peer_offer", SANCTUM_PURPOSE_PEER_OFFER },
		{ "traffic_rx", SANCTUM_PURPOSE_TRAFFIC_RX },
		{ "traffic_tx", SANCTUM_PURPOSE_TRAFFIC_TX },
		{ "kek_unwrap", SANCTUM_PURPOSE_KEK_UNWRAP },
		{ "cathedral_offer", SANCTUM_PURPOSE_CATHEDRAL_OFFER },
		{ "shroud_cathedral", SANCTUM_PURPOSE_SHROUD_CATHEDRAL },
		{ "shroud_peer", SANCTUM_PURPOSE_SHROUD_PEER },
	};
	size_t	i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (strcmp(map[i].name, name) == 0)
			return (map[i].id);
	}
	return (-1);
}

/* base-key.json: label, purpose id and the key for every flock pair. */
static void
base_key_cases(void)
{
	struct json	*v, *c;
	uint8_t		secret[32], key[32];
	int		n = 0;

	v = vector_load("base-key.json");
	CHECK(v != NULL, "base-key.json loads");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next, n++) {
		int	purpose = purpose_of(json_str(c, "purpose"));

		CHECK(purpose == (int)json_get(c, "purpose_id")->num,
		    "base case %d purpose id", n);
		CHECK(strcmp(sanctum_purpose_label(purpose),
		    json_str(c, "label")) == 0, "base case %d label", n);
		field(c, "secret", secret, 32);
		CHECK(sanctum_base_key(key, secret,
		    hex_u64(json_str(c, "flock_src")),
		    hex_u64(json_str(c, "flock_dst")), purpose) == 0,
		    "base case %d derives", n);
		CHECK(hex_equal(key, 32, json_str(c, "key")), "base case %d", n);
	}
	CHECK(n == 42, "42 base-key cases (got %d)", n);
	json_free(v);
}

/* offer-key.json: per-offer keys and full traffic-key derivations. */
static void
offer_key_cases(void)
{
	struct json	*v, *c;
	uint8_t		secret[32], seed[64], key[32], base[32];
	uint8_t		priv[32], pub[32], remote[32], ecdh[32], kem[32];
	uint8_t		pub1[32], pub2[32], rnd[32];
	int		n = 0, purpose;
	uint64_t	fa, fb;

	v = vector_load("offer-key.json");
	CHECK(v != NULL, "offer-key.json loads");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next, n++) {
		const char	*type = json_str(c, "type");

		if (strcmp(type, "offer_key") == 0) {
			fa = hex_u64(json_str(c, "flock_a"));
			fb = hex_u64(json_str(c, "flock_b"));
			field(c, "secret", secret, 32);
			field(c, "seed", seed, 64);
			purpose = purpose_of(json_str(c, "base_purpose"));
			sanctum_base_key(base, secret, fa, fb, purpose);
			CHECK(hex_equal(base, 32, json_str(c, "base_key")),
			    "offer case %d base", n);
			CHECK(sanctum_offer_key(key, secret,
			    json_str(c, "label"), seed, fa, fb) == 0,
			    "offer case %d derives", n);
			CHECK(hex_equal(key, 32, json_str(c, "key")),
			    "offer case %d key", n);
			continue;
		}
		CHECK(strcmp(type, "traffic_kdf") == 0, "case %d type", n);
		fa = hex_u64(json_str(c, "flock_src"));
		fb = hex_u64(json_str(c, "flock_dst"));
		field(c, "shared_secret", secret, 32);
		field(c, "x25519_private", priv, 32);
		field(c, "x25519_remote_public", remote, 32);
		field(c, "mlkem_shared_secret", kem, 32);
		field(c, "pub1", pub1, 32);
		field(c, "pub2", pub2, 32);
		field(c, "random", rnd, 32);
		sanctum_x25519_public(pub, priv);
		CHECK(hex_equal(pub, 32, json_str(c, "x25519_public")),
		    "traffic case %d public", n);
		CHECK(sanctum_x25519(ecdh, priv, remote) == 0,
		    "traffic case %d ecdh", n);
		CHECK(hex_equal(ecdh, 32, json_str(c, "ecdh_shared_secret")),
		    "traffic case %d ecdh value", n);
		purpose = purpose_of(json_str(c, "purpose"));
		CHECK(sanctum_traffic_key(key, secret, fa, fb, purpose, ecdh,
		    kem, pub1, pub2, rnd) == 0, "traffic case %d derives", n);
		CHECK(hex_equal(key, 32, json_str(c, "traffic_key")),
		    "traffic case %d key", n);
	}
	CHECK(n == 10, "10 offer-key cases (got %d)", n);
	json_free(v);
}

/* shroud.json: shroud keys of both kinds and identities. */
static void
shroud_key_cases(void)
{
	struct json	*v, *c;
	uint8_t		secret[32], key[32], base[16], seed[16], id[16];
	int		keys = 0, ids = 0, purpose;
	uint64_t	fs, fd;

	v = vector_load("shroud.json");
	CHECK(v != NULL, "shroud.json loads");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		const char	*type = json_str(c, "type");

		if (strcmp(type, "shroud_key") == 0) {
			field(c, "secret", secret, 32);
			purpose = purpose_of(json_str(c, "purpose"));
			fs = hex_u64(json_str(c, "configured_flock_src"));
			fd = hex_u64(json_str(c, "configured_flock_dst"));
			if (purpose == SANCTUM_PURPOSE_SHROUD_CATHEDRAL) {
				fs &= ~SANCTUM_FLOCK_DOMAIN_MASK;
				fd &= ~SANCTUM_FLOCK_DOMAIN_MASK;
			}
			sanctum_base_key(key, secret, fs, fd, purpose);
			CHECK(hex_equal(key, 32, json_str(c, "key")),
			    "shroud key %d", keys);
			keys++;
		} else if (strcmp(type, "shroud_identity") == 0) {
			fs = hex_u64(json_str(c, "flock_src")) &
			    ~SANCTUM_FLOCK_DOMAIN_MASK;
			fd = hex_u64(json_str(c, "flock_dst")) &
			    ~SANCTUM_FLOCK_DOMAIN_MASK;
			sanctum_shroud_base_identity(base, fs, fd,
			    (uint32_t)hex_u64(json_str(c, "cathedral_id")));
			CHECK(hex_equal(base, 16, json_str(c, "base_identity")),
			    "shroud base identity %d", ids);
			field(c, "seed", seed, 16);
			sanctum_shroud_identity(id, base, seed);
			CHECK(hex_equal(id, 16, json_str(c, "identity")),
			    "shroud identity %d", ids);
			ids++;
		}
	}
	CHECK(keys == 4 && ids == 3, "shroud key and identity cases");
	json_free(v);
}

/* Appendix A of tunnel.md and cathedral.md: fixed inputs, fixed outputs. */
static void
appendix_values(void)
{
	uint8_t		s[32], seed[64], key[32], priv[32], rpriv[32];
	uint8_t		remote[32], ecdh[32], kem[32], p1[32], p2[32], rnd[32];
	uint8_t		base[16], id[16], cseed[16];
	int		i;

	for (i = 0; i < 32; i++)
		s[i] = (uint8_t)i;
	for (i = 0; i < 64; i++)
		seed[i] = (uint8_t)(0x40 + i);
	sanctum_base_key(key, s, 0, 0, SANCTUM_PURPOSE_PEER_OFFER);
	CHECK(hex_equal(key, 32, "1676d985accaf7e8058341b18076340bd46e2841cae44c3b47cbdf2283ba0814"), "A.1 peer offer");
	sanctum_base_key(key, s, 0x0102030405060700ULL, 0xdeadbeefcafeba01ULL,
	    SANCTUM_PURPOSE_PEER_OFFER);
	CHECK(hex_equal(key, 32, "7e62bf4ea48a6739ff39977bc566e5c4c2b38ac1c84edbff098586191bad6338"), "A.1 sorted flocks");
	sanctum_offer_key(key, s, SANCTUM_LABEL_PILGRIMAGE, seed, 0, 0);
	CHECK(hex_equal(key, 32, "5bb2b93e6640815e4e302d26e25e60b7cb511ac607444eb315364046a9f31186"), "A.2 pilgrimage");

	memset(priv, 0x11, 32);
	memset(rpriv, 0x22, 32);
	sanctum_x25519_public(remote, rpriv);
	sanctum_x25519(ecdh, priv, remote);
	CHECK(hex_equal(ecdh, 32, "9e004098efc091d4ec2663b4e9f5cfd4d7064571690b4bea97ab146ab9f35056"), "A.3 ecdh");
	memset(kem, 0x33, 32);
	memset(p1, 0x44, 32);
	memset(p2, 0x55, 32);
	memset(rnd, 0x66, 16);
	memset(rnd + 16, 0x77, 16);
	sanctum_traffic_key(key, s, 0, 0, SANCTUM_PURPOSE_TRAFFIC_TX, ecdh,
	    kem, p1, p2, rnd);
	CHECK(hex_equal(key, 32, "636ca2a0ba418ba813f1ba7c38f9c7cd22474151fc14f2019c75897da2f02f56"), "A.3 traffic tx");

	sanctum_shroud_base_identity(base, 0xdeadbeefcafeba00ULL,
	    0x0102030405060700ULL, 0x30b4c396);
	CHECK(hex_equal(base, 16, "fcbfcdf955528ccd23ed9d706e395790"), "A.6 base identity");
	for (i = 0; i < 16; i++)
		cseed[i] = (uint8_t)(0xe0 + i);
	sanctum_shroud_identity(id, base, cseed);
	CHECK(hex_equal(id, 16, "35e8edb7b5aaadae659de85d62a57ca9"), "A.6 identity");

	/* cathedral.md A7, A13, A14: federation shroud key and ambry keys. */
	for (i = 0; i < 32; i++)
		s[i] = (uint8_t)(0x20 + i);
	sanctum_base_key(key, s, SANCTUM_MAGIC_CATACOMB, SANCTUM_MAGIC_KATEDRAL,
	    SANCTUM_PURPOSE_SHROUD_CATHEDRAL);
	CHECK(hex_equal(key, 32, "eb44634b069579c8c1117ef05a6712cbc131057cf2081eefe59b05ff443a80f9"), "cathedral A7");
	for (i = 0; i < 32; i++)
		s[i] = (uint8_t)(0x40 + i);
	sanctum_base_key(key, s, 0xcafeba00, 0xcafeba00,
	    SANCTUM_PURPOSE_KEK_UNWRAP);
	CHECK(hex_equal(key, 32, "5e1434d6f4b028e43040067e9b96a1ee6a35c3bffdece62c4e05b9ebdb8f4fa0"), "cathedral A13");
	for (i = 0; i < 64; i++)
		seed[i] = (uint8_t)i;
	sanctum_ambry_wrap_key(key, key, 0xcafeba00, 0xcafeba00, seed,
	    (const uint8_t []){ 1, 2, 3, 4 }, 0xcafe);
	CHECK(hex_equal(key, 32, "7ce4b4c186cf3c7b38d5315247f883c66bc5bd561fbf8c37f09d2a409c1e264a"), "cathedral A14");
}

/* Degenerate X25519 inputs are refused. */
static void
x25519_refusals(void)
{
	uint8_t		priv[32], zero[32] = { 0 }, out[32];

	memset(priv, 0x11, 32);
	CHECK(sanctum_x25519(out, priv, zero) == -1, "all-zero remote");
	zero[0] = 1;	/* the point 1 has small order */
	CHECK(sanctum_x25519(out, priv, zero) == -1, "low-order remote");
	CHECK(sanctum_base_key(out, priv, 0, 0, 99) == -1, "unknown purpose");
}

int
main(void)
{
	if (sanctum_crypto_init() == -1)
		return (1);
	base_key_cases();
	offer_key_cases();
	shroud_key_cases();
	appendix_values();
	x25519_refusals();
	return (check_report("derive"));
}
