/*
 * libFuzzer harness: the node's parser of a token redemption reply
 * (hymn_enroll_reply_open, docs/enrollment.md). Byte 0 picks the mode.
 * Mode 0: the rest is a datagram as it arrives. Mode 1: the rest is the
 * plaintext of a reply, sealed by the harness under the reply key of its
 * fixed verifier and seed behind a correct header, so mutations reach the
 * field and length checks after the tag. A reply that opens counts as
 * authenticated; then its sealed material must be within bounds.
 */

#include <stdlib.h>
#include <string.h>

#include "hymn_enroll.h"
#include "wire.h"

#include "fuzz.h"

/* The fixture: a lookup, verifier, COSK public key and seed. */
static void
fixture(struct hymn_enroll_ask *ask, uint8_t seed[ENROLL_SEED_LEN])
{
	memset(ask->lookup, 0x4c, sizeof(ask->lookup));
	memset(ask->verifier, 0x56, sizeof(ask->verifier));
	memset(ask->pub, 0x50, sizeof(ask->pub));
	memset(seed, 0x53, ENROLL_SEED_LEN);
}

/* A reply around plaintext p, sealed as a cathedral would; its length. */
static size_t
seal(uint8_t *out, const uint8_t *p, size_t n,
    const struct hymn_enroll_ask *ask, const uint8_t *seed)
{
	uint8_t	key[32], nonce[SANCTUM_NONCE_LEN];

	memcpy(out, ENROLL_MAGIC, 8);
	out[8] = ENROLL_VERSION;
	out[9] = ENROLL_TYPE_REPLY;
	memcpy(out + 10, ask->lookup, ENROLL_LOOKUP_LEN);
	memcpy(out + 26, seed, ENROLL_SEED_LEN);
	memcpy(out + ENROLL_MSG_HDR, p, n);
	sanctum_fixed_nonce(nonce);
	if (enroll_message_key(key, ask->verifier, seed,
	    ENROLL_LABEL_REPLY) == -1 || sanctum_aead_oneshot_seal(key,
	    out + ENROLL_MSG_HDR, n, out, ENROLL_MSG_HDR, nonce,
	    out + ENROLL_MSG_HDR + n) == -1)
		abort();
	return (ENROLL_MSG_HDR + n + SANCTUM_TAG_LEN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t			dgram[2048];
	static int			ready;
	struct hymn_enroll_ask		ask;
	struct hymn_enroll_reply	r;
	uint8_t				seed[ENROLL_SEED_LEN];
	size_t				len;

	if (!ready) {
		if (sanctum_crypto_init() == -1)
			abort();
		ready = 1;
	}
	if (size < 1)
		return (0);
	fixture(&ask, seed);
	if (data[0] & 1) {
		if (size - 1 > sizeof(dgram) - ENROLL_MSG_HDR - SANCTUM_TAG_LEN)
			return (0);
		len = seal(dgram, data + 1, size - 1, &ask, seed);
	} else {
		if (size - 1 > sizeof(dgram))
			return (0);
		memcpy(dgram, data + 1, size - 1);
		len = size - 1;
	}
	if (hymn_enroll_reply_open(&r, dgram, len, &ask, seed) == 0) {
		if (r.sealed_len < HYMN_ENROLL_SEALED_MIN ||
		    r.sealed_len > sizeof(r.sealed))
			abort();
		fuzz_authenticated++;
	}
	sanctum_wipe(&r, sizeof(r));
	return (0);
}
