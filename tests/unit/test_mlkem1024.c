/*
 * ML-KEM-1024 on known answers: every ML-KEM-1024 case of the NIST ACVP
 * keyGen and encapDecap files (implicit rejection included), a round trip,
 * and the FIPS 203 section 7 input checks on keys broken on purpose.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "keccak.h"
#include "mlkem1024.h"

/* Per-file tallies of cases whose every check passed. */
static int	keygen_cases, encaps_cases, decaps_cases;

/* Decode a hex field that must hold exactly len bytes. */
static int
hex_fixed(const struct json *j, const char *key, uint8_t *out, size_t len)
{
	const char	*hex = json_str(j, key);

	if (hex == NULL || strlen(hex) != 2 * len)
		return (-1);
	hex_decode(hex, out, len);
	return (0);
}

/* One keyGen case: ek and dk from d and z, and both pass the 7.x checks. */
static int
keygen_case(const struct json *t)
{
	uint8_t	d[32], z[32], ek[MLKEM1024_PUBLICKEYBYTES];
	uint8_t	dk[MLKEM1024_SECRETKEYBYTES];
	int	tc = (int)json_get(t, "tcId")->num, before = check_failures;

	CHECK(hex_fixed(t, "d", d, 32) == 0 && hex_fixed(t, "z", z, 32) == 0,
	    "keygen %d inputs", tc);
	CHECK(mlkem1024_keygen(ek, dk, d, z) == 0, "keygen %d", tc);
	CHECK(hex_equal(ek, sizeof(ek), json_str(t, "ek")), "keygen %d ek", tc);
	CHECK(hex_equal(dk, sizeof(dk), json_str(t, "dk")), "keygen %d dk", tc);
	CHECK(mlkem1024_check_ek(ek) == 0, "keygen %d check_ek", tc);
	CHECK(mlkem1024_check_dk(dk) == 0, "keygen %d check_dk", tc);
	return (check_failures == before);
}

/* One encapsulation case: c and k from ek and m; dk recovers k from c. */
static int
encaps_case(const struct json *t)
{
	uint8_t	ek[MLKEM1024_PUBLICKEYBYTES], dk[MLKEM1024_SECRETKEYBYTES];
	uint8_t	m[32], c[MLKEM1024_CIPHERTEXTBYTES], k[MLKEM1024_SSBYTES];
	int	tc = (int)json_get(t, "tcId")->num, before = check_failures;

	CHECK(hex_fixed(t, "ek", ek, sizeof(ek)) == 0 &&
	    hex_fixed(t, "dk", dk, sizeof(dk)) == 0 &&
	    hex_fixed(t, "m", m, sizeof(m)) == 0, "encaps %d inputs", tc);
	CHECK(mlkem1024_encaps(c, k, ek, m) == 0, "encaps %d", tc);
	CHECK(hex_equal(c, sizeof(c), json_str(t, "c")), "encaps %d c", tc);
	CHECK(hex_equal(k, sizeof(k), json_str(t, "k")), "encaps %d k", tc);
	memset(k, 0, sizeof(k));
	CHECK(mlkem1024_decaps(k, c, dk) == 0, "encaps %d decaps", tc);
	CHECK(hex_equal(k, sizeof(k), json_str(t, "k")), "encaps %d back", tc);
	return (check_failures == before);
}

/* One decapsulation case: k from c and the group's dk, valid or not. */
static int
decaps_case(const struct json *t, const uint8_t *dk)
{
	uint8_t	c[MLKEM1024_CIPHERTEXTBYTES], k[MLKEM1024_SSBYTES];
	int	tc = (int)json_get(t, "tcId")->num, before = check_failures;

	CHECK(hex_fixed(t, "c", c, sizeof(c)) == 0, "decaps %d c", tc);
	CHECK(mlkem1024_decaps(k, c, dk) == 0, "decaps %d", tc);
	CHECK(hex_equal(k, sizeof(k), json_str(t, "k")), "decaps %d k (%s)",
	    tc, json_str(t, "reason"));
	return (check_failures == before);
}

/* The ML-KEM-1024 groups of the keyGen file. */
static void
keygen_file(void)
{
	struct json	*v, *g, *t;
	const char	*ps;

	if ((v = vector_load("mlkem1024-keygen-acvp.json")) == NULL) {
		CHECK(0, "load keygen vectors");
		return;
	}
	for (g = json_get(v, "testGroups")->child; g != NULL; g = g->next) {
		ps = json_str(g, "parameterSet");
		if (ps == NULL || strcmp(ps, "ML-KEM-1024") != 0)
			continue;
		for (t = json_get(g, "tests")->child; t != NULL; t = t->next)
			keygen_cases += keygen_case(t);
	}
	json_free(v);
}

/* The ML-KEM-1024 encapsulation and decapsulation groups. */
static void
encapdecap_file(void)
{
	struct json	*v, *g, *t;
	const char	*ps, *fn;
	uint8_t		dk[MLKEM1024_SECRETKEYBYTES];

	if ((v = vector_load("mlkem1024-encapdecap-acvp.json")) == NULL) {
		CHECK(0, "load encapDecap vectors");
		return;
	}
	for (g = json_get(v, "testGroups")->child; g != NULL; g = g->next) {
		ps = json_str(g, "parameterSet");
		fn = json_str(g, "function");
		if (ps == NULL || fn == NULL || strcmp(ps, "ML-KEM-1024") != 0)
			continue;
		if (strcmp(fn, "encapsulation") == 0) {
			for (t = json_get(g, "tests")->child; t != NULL;
			    t = t->next)
				encaps_cases += encaps_case(t);
		} else if (strcmp(fn, "decapsulation") == 0) {
			CHECK(hex_fixed(g, "dk", dk, sizeof(dk)) == 0,
			    "decapsulation group dk");
			CHECK(mlkem1024_check_dk(dk) == 0, "group dk check");
			CHECK(hex_equal(dk + 1536, MLKEM1024_PUBLICKEYBYTES,
			    json_str(g, "ek")), "group dk embeds group ek");
			for (t = json_get(g, "tests")->child; t != NULL;
			    t = t->next)
				decaps_cases += decaps_case(t, dk);
		}
	}
	json_free(v);
}

/* Store v in the idx-th 12-bit field of an encoded vector (ByteEncode12). */
static void
set_field12(uint8_t *b, size_t idx, unsigned int v)
{
	uint8_t	*p = b + 3 * (idx / 2);

	if (idx % 2 == 0) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)((p[1] & 0xf0) | (v >> 8));
	} else {
		p[1] = (uint8_t)((p[1] & 0x0f) | (v & 0x0f) << 4);
		p[2] = (uint8_t)(v >> 4);
	}
}

/* A fixed key pair for the hand-written cases. */
static void
test_keys(uint8_t ek[MLKEM1024_PUBLICKEYBYTES],
    uint8_t dk[MLKEM1024_SECRETKEYBYTES])
{
	uint8_t	d[32], z[32];
	size_t	i;

	for (i = 0; i < 32; i++) {
		d[i] = (uint8_t)i;
		z[i] = (uint8_t)(0xa0 + i);
	}
	CHECK(mlkem1024_keygen(ek, dk, d, z) == 0, "test keygen");
}

/* Encaps and decaps agree; a changed ciphertext yields J(z || c'). */
static void
round_trip(void)
{
	uint8_t		ek[MLKEM1024_PUBLICKEYBYTES];
	uint8_t		dk[MLKEM1024_SECRETKEYBYTES];
	uint8_t		c[MLKEM1024_CIPHERTEXTBYTES], m[32];
	uint8_t		k1[32], k2[32], kbar[32];
	struct keccak	j;
	size_t		i, flip[3] = { 0, 700, MLKEM1024_CIPHERTEXTBYTES - 1 };

	test_keys(ek, dk);
	for (i = 0; i < 32; i++)
		m[i] = (uint8_t)(0x55 ^ i);
	CHECK(mlkem1024_encaps(c, k1, ek, m) == 0, "round trip encaps");
	CHECK(mlkem1024_decaps(k2, c, dk) == 0, "round trip decaps");
	CHECK(memcmp(k1, k2, 32) == 0, "round trip shared secret");

	for (i = 0; i < 3; i++) {
		c[flip[i]] ^= 0x01;
		shake256_init(&j);
		keccak_absorb(&j, dk + MLKEM1024_SECRETKEYBYTES - 32, 32);
		keccak_absorb(&j, c, sizeof(c));
		keccak_squeeze(&j, kbar, 32);
		CHECK(mlkem1024_decaps(k2, c, dk) == 0, "rejection %zu", i);
		CHECK(memcmp(k2, kbar, 32) == 0, "rejection %zu is J(z||c)", i);
		CHECK(memcmp(k2, k1, 32) != 0, "rejection %zu differs", i);
		c[flip[i]] ^= 0x01;
	}
}

/* Section 7.2: an ek with a coefficient >= q is refused; q - 1 is fine. */
static void
bad_ek(void)
{
	uint8_t		ek[MLKEM1024_PUBLICKEYBYTES], bad[sizeof(ek)];
	uint8_t		dk[MLKEM1024_SECRETKEYBYTES];
	uint8_t		c[MLKEM1024_CIPHERTEXTBYTES], m[32] = { 0 }, k[32];
	const size_t	idx[3] = { 0, 513, 1023 };
	const unsigned	val[3] = { 3329, 4095, 3329 };
	size_t		i;

	test_keys(ek, dk);
	CHECK(mlkem1024_check_ek(ek) == 0, "good ek");
	for (i = 0; i < 3; i++) {
		memcpy(bad, ek, sizeof(ek));
		set_field12(bad, idx[i], val[i]);
		CHECK(mlkem1024_check_ek(bad) == -1, "ek[%zu] = %u refused",
		    idx[i], val[i]);
		CHECK(mlkem1024_encaps(c, k, bad, m) == -1,
		    "encaps with ek[%zu] = %u refused", idx[i], val[i]);
		set_field12(bad, idx[i], 3328);
		CHECK(mlkem1024_check_ek(bad) == 0, "ek[%zu] = 3328 accepted",
		    idx[i]);
		CHECK(mlkem1024_encaps(c, k, bad, m) == 0,
		    "encaps with ek[%zu] = 3328", idx[i]);
	}
}

/* Section 7.3: a dk whose H(ek) or embedded ek was altered is refused. */
static void
bad_dk(void)
{
	uint8_t		ek[MLKEM1024_PUBLICKEYBYTES];
	uint8_t		dk[MLKEM1024_SECRETKEYBYTES], bad[sizeof(dk)];
	uint8_t		c[MLKEM1024_CIPHERTEXTBYTES], m[32] = { 0 }, k[32];
	uint8_t		zero[32] = { 0 };
	const size_t	off[4] = { 3104, 3135, 1536 + 100, 1536 + 1540 };
	const char	*what[4] = { "H(ek) first byte", "H(ek) last byte",
			    "embedded t", "embedded rho" };
	size_t		i;

	test_keys(ek, dk);
	CHECK(mlkem1024_check_dk(dk) == 0, "good dk");
	CHECK(mlkem1024_encaps(c, k, ek, m) == 0, "encaps for bad dk");
	for (i = 0; i < 4; i++) {
		memcpy(bad, dk, sizeof(dk));
		bad[off[i]] ^= 0x10;
		CHECK(mlkem1024_check_dk(bad) == -1, "dk with %s altered refused",
		    what[i]);
		memset(k, 0xff, sizeof(k));
		CHECK(mlkem1024_decaps(k, c, bad) == -1,
		    "decaps with %s altered refused", what[i]);
		CHECK(memcmp(k, zero, 32) == 0, "refused decaps clears ss");
	}
}

int
main(void)
{
	keygen_file();
	encapdecap_file();
	printf("mlkem1024-keygen-acvp.json: %d keyGen cases passed\n",
	    keygen_cases);
	printf("mlkem1024-encapdecap-acvp.json: %d encapsulation and %d "
	    "decapsulation cases passed\n", encaps_cases, decaps_cases);
	CHECK(keygen_cases == 25, "all 25 keyGen cases");
	CHECK(encaps_cases == 25, "all 25 encapsulation cases");
	CHECK(decaps_cases == 10, "all 10 decapsulation cases");
	round_trip();
	bad_ek();
	bad_dk();
	return (check_report("mlkem1024"));
}
