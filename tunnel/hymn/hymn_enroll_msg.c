/*
 * The messages of an online token redemption, node side
 * (docs/enrollment.md, "Redeeming a token over UDP"). Each is sealed with
 * AES-256-GCM under a key of its own, KMAC256 of the token's verifier and
 * the request's seed, and the 58-byte header as associated data. Nothing
 * here does I/O, so the unit test runs it as it is.
 */

#include <string.h>

#include "hymn_enroll.h"
#include "sanctum_crypto.h"
#include "wire.h"

/*
 * A request: the wall-clock time and the COSK public key, padded to the
 * size of the largest reply so the cathedral never answers with more.
 */
int
hymn_enroll_request(uint8_t out[ENROLL_REQUEST_LEN],
    const struct hymn_enroll_ask *ask, const uint8_t seed[ENROLL_SEED_LEN],
    uint64_t now)
{
	uint8_t		key[32], nonce[SANCTUM_NONCE_LEN], *b;
	int		ret = -1;

	memset(out, 0, ENROLL_REQUEST_LEN);
	enroll_message_header(out, ENROLL_TYPE_REQUEST, ask->lookup, seed);
	b = out + ENROLL_MSG_HDR;
	put_be64(b, now);
	memcpy(b + 8, ask->pub, sizeof(ask->pub));
	sanctum_fixed_nonce(nonce);
	if (enroll_message_key(key, ask->verifier, seed,
	    ENROLL_LABEL_REQUEST) == 0 && sanctum_aead_oneshot_seal(key, b,
	    ENROLL_REQUEST_PLAIN, out, ENROLL_MSG_HDR, nonce,
	    b + ENROLL_REQUEST_PLAIN) == 0)
		ret = 0;
	sanctum_wipe(key, sizeof(key));
	return (ret);
}

/*
 * The reply to the request with this seed: header, tag and every length
 * checked before anything is used. 0 with r filled, -1 for anything else
 * (not ours, forged, truncated or padded).
 */
int
hymn_enroll_reply_open(struct hymn_enroll_reply *r, const uint8_t *d,
    size_t len, const struct hymn_enroll_ask *ask,
    const uint8_t seed[ENROLL_SEED_LEN])
{
	uint8_t		plain[HYMN_ENROLL_REPLY_MAX], hdr[ENROLL_MSG_HDR];
	uint8_t		key[32], nonce[SANCTUM_NONCE_LEN];
	size_t		n;
	int		ret = -1;

	memset(r, 0, sizeof(*r));
	if (len < HYMN_ENROLL_REPLY_MIN || len > HYMN_ENROLL_REPLY_MAX)
		return (-1);
	enroll_message_header(hdr, ENROLL_TYPE_REPLY, ask->lookup, seed);
	if (memcmp(d, hdr, sizeof(hdr)) != 0)
		return (-1);
	n = len - ENROLL_MSG_HDR - SANCTUM_TAG_LEN;
	memcpy(plain, d + ENROLL_MSG_HDR, n);
	sanctum_fixed_nonce(nonce);
	if (enroll_message_key(key, ask->verifier, seed,
	    ENROLL_LABEL_REPLY) == -1 || sanctum_aead_oneshot_open(key, plain,
	    n, d, ENROLL_MSG_HDR, nonce, d + ENROLL_MSG_HDR + n) == -1)
		goto out;
	r->csid = get_be32(plain);
	r->flock = get_be64(plain + 4);
	r->peer = plain[12];
	memcpy(r->cs, plain + 13, sizeof(r->cs));
	r->sealed_len = get_be16(plain + 45);
	if (r->csid == 0 || r->flock == 0 ||
	    (r->flock & SANCTUM_FLOCK_DOMAIN_MASK) != 0 || r->peer == 0 ||
	    r->sealed_len < HYMN_ENROLL_SEALED_MIN ||
	    r->sealed_len > ENROLL_SEALED_MAX ||
	    n != ENROLL_REPLY_FIXED + r->sealed_len)
		goto out;
	memcpy(r->sealed, plain + ENROLL_REPLY_FIXED, r->sealed_len);
	ret = 0;
out:
	if (ret == -1)
		sanctum_wipe(r, sizeof(*r));
	sanctum_wipe(plain, sizeof(plain));
	sanctum_wipe(key, sizeof(key));
	return (ret);
}
