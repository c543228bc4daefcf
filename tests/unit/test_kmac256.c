/*
 * KMAC256 and the FIPS 202 functions on known answers: every case of
 * kmac256.json (NIST samples included) and the standard SHA3/SHAKE values.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "keccak.h"

/* Run one kmac256.json case through the streaming interface. */
static void
kmac_case(const struct json *c)
{
	struct kmac256	m;
	uint8_t		*key, *s, *x, *out;
	size_t		klen, slen, xlen, olen, want;
	struct json	*xof;
	const char	*name = json_str(c, "name");

	key = hex_alloc(json_str(c, "key"), &klen);
	s = hex_alloc(json_str(c, "customization"), &slen);
	x = hex_alloc(json_str(c, "input"), &xlen);
	want = (size_t)json_get(c, "output_length")->num;
	xof = json_get(c, "xof");
	if ((out = malloc(want)) == NULL)
		abort();
	CHECK(kmac256_init(&m, key, klen, s, slen) == 0, "%s init", name);
	kmac256_update(&m, x, xlen);
	if (xof != NULL && xof->boolean)
		kmac256_final_xof(&m, out, want);
	else
		kmac256_final(&m, out, want);
	olen = want;
	CHECK(hex_equal(out, olen, json_str(c, "output")), "%s output", name);

	/* The one-shot form must agree where the reference accepts input. */
	if ((xof == NULL || !xof->boolean) && slen > 0 && slen <= 32 &&
	    klen > 0 && klen <= 64) {
		char	label[33];

		memcpy(label, s, slen);
		label[slen] = '\0';
		if (strlen(label) == slen) {
			memset(out, 0, want);
			CHECK(kmac256(out, want, key, klen, label, x, xlen) == 0,
			    "%s one-shot", name);
			CHECK(hex_equal(out, want, json_str(c, "output")),
			    "%s one-shot output", name);
		}
	}
	free(key);
	free(s);
	free(x);
	free(out);
}

/* Byte-at-a-time absorption must equal one call (block edge handling). */
static void
kmac_split_input(void)
{
	uint8_t		msg[500], a[64], b[64];
	struct kmac256	m;
	size_t		i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	kmac256(a, sizeof(a), msg, 32, "SANCTUM.TEST", msg, sizeof(msg));
	kmac256_init(&m, msg, 32, "SANCTUM.TEST", 12);
	for (i = 0; i < sizeof(msg); i++)
		kmac256_update(&m, msg + i, 1);
	kmac256_final(&m, b, sizeof(b));
	CHECK(memcmp(a, b, sizeof(a)) == 0, "split absorption");
}

/* Inputs the reference rejects are refused by the one-shot form. */
static void
kmac_refusals(void)
{
	uint8_t	out[32], key[32] = { 0 };

	CHECK(kmac256(out, 32, key, 32, "", NULL, 0) == -1, "empty label");
	CHECK(kmac256(out, 32, key, 0, "X", NULL, 0) == -1, "empty key");
	CHECK(kmac256(out, 0, key, 32, "X", NULL, 0) == -1, "zero length");
	CHECK(kmac256(out, 32, key, 32,
	    "0123456789abcdef0123456789abcdefX", NULL, 0) == -1, "long label");
}

/* FIPS 202 reference values for the plain hash and XOF functions. */
static void
fips202_values(void)
{
	uint8_t		out[64];
	struct keccak	k;

	sha3_256(out, "abc", 3);
	CHECK(hex_equal(out, 32, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"), "sha3-256 abc");
	sha3_512(out, "abc", 3);
	CHECK(hex_equal(out, 64, "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0"), "sha3-512 abc");
	sha3_256(out, "", 0);
	CHECK(hex_equal(out, 32, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"), "sha3-256 empty");
	shake128_init(&k);
	keccak_squeeze(&k, out, 32);
	CHECK(hex_equal(out, 32, "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26"), "shake128 empty");
	shake256(out, 64, "", 0);
	CHECK(hex_equal(out, 64, "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762fd75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be"), "shake256 empty");
}

int
main(void)
{
	struct json	*v, *cases, *c;

	if ((v = vector_load("kmac256.json")) == NULL)
		return (1);
	cases = json_get(v, "cases");
	CHECK(cases != NULL && cases->count > 0, "kmac256.json has cases");
	for (c = cases != NULL ? cases->child : NULL; c != NULL; c = c->next)
		kmac_case(c);
	json_free(v);
	kmac_split_input();
	kmac_refusals();
	fips202_values();
	return (check_report("kmac256"));
}
