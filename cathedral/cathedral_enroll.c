/*
 * Online token redemption at the cathedral (docs/enrollment.md). A node
 * proves it holds a token by sealing its request under a key derived from
 * the token's verifier; the database thread redeems the token and creates
 * the identity in one transaction; the reply carries the identity and the
 * operator's sealed material, which only the token opens. Unknown, used,
 * expired, forged, stale and replayed requests get no answer, each counted.
 */

#include <string.h>
#include <time.h>

#include "cathedral.h"

#define SEED_KEEP_MS	((2 * ENROLL_WINDOW + 5) * 1000)	/* see seed_fresh */

/* A CS id unused in the flock (random, as enroll draws them). */
static uint32_t
new_csid(uint64_t flock)
{
	uint32_t	id;

	do {
		id = sanctum_random_u32();
	} while (id == 0 || cath_ident_find(cath->conf, flock, id) != NULL);
	return (id);
}

/*
 * Remember a request's seed for as long as its timestamp can pass: up to
 * twice the window (a timestamp ahead by the window stays good for twice
 * the window), not the 25 s the offers' window needs, or a request
 * replayed half a minute later would be answered again.
 */
static int
seed_fresh(const uint8_t *seed)
{
	uint64_t	*expires;

	if (!cath_seed_fresh(seed))
		return (0);
	if ((expires = table_find(&cath->seeds, seed)) != NULL)
		*expires = cath->now + SEED_KEEP_MS;
	return (1);
}

/*
 * Send the reply to a request: the identity, the cathedral secret and the
 * sealed material, under the reply key of the request's seed.
 */
static void
reply(const struct sockaddr_in *to, const uint8_t lookup[16],
    const uint8_t *seed, const uint8_t verifier[32], uint32_t csid,
    uint64_t flock, uint8_t peer, const uint8_t cs[32], const uint8_t *sealed,
    size_t sealed_len)
{
	struct sanctum_packet	*pkt;
	uint8_t			key[32], nonce[SANCTUM_NONCE_LEN], *d, *b;
	size_t			plain = ENROLL_REPLY_FIXED + sealed_len;

	if (ENROLL_MSG_HDR + plain + SANCTUM_TAG_LEN > ENROLL_REQUEST_LEN ||
	    (pkt = packet_get()) == NULL)
		return;
	d = PACKET_DATA(pkt);
	enroll_message_header(d, ENROLL_TYPE_REPLY, lookup, seed);
	b = d + ENROLL_MSG_HDR;
	put_be32(b, csid);
	put_be64(b + 4, flock);
	b[12] = peer;
	memcpy(b + 13, cs, 32);
	put_be16(b + 45, (uint16_t)sealed_len);
	memcpy(b + ENROLL_REPLY_FIXED, sealed, sealed_len);
	sanctum_fixed_nonce(nonce);
	if (enroll_message_key(key, verifier, seed, ENROLL_LABEL_REPLY) == -1 ||
	    sanctum_aead_oneshot_seal(key, b, plain, d, ENROLL_MSG_HDR, nonce,
	    b + plain) == -1) {
		sanctum_wipe(key, sizeof(key));
		packet_put(pkt);
		return;
	}
	sanctum_wipe(key, sizeof(key));
	pkt->length = (uint32_t)(ENROLL_MSG_HDR + plain + SANCTUM_TAG_LEN);
	pkt->flags = 0;
	cath_send_raw(pkt, to);
}

/* Hand a redemption to the database thread (it must not block us). */
static void
queue_job(struct cath_token *t, const uint8_t lookup[16], const uint8_t *seed,
    const uint8_t pub[32], const struct sockaddr_in *from)
{
	struct cath_enroll_job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		return;
	memcpy(j->lookup, lookup, 16);
	memcpy(j->verifier, t->verifier, 32);
	memcpy(j->seed, seed, ENROLL_SEED_LEN);
	memcpy(j->pub, pub, 32);
	j->csid = new_csid(t->flock);
	sanctum_random_bytes(j->cs, sizeof(j->cs));
	j->flock = t->flock;
	j->peer = t->peer;
	memcpy(j->sealed, t->sealed, t->sealed_len);
	j->sealed_len = t->sealed_len;
	j->from = *from;
	t->pending = 1;
	cath_db_enroll(cath, j);
}

/* One SCENROLL datagram (never shrouded: the node has no identity yet). */
void
cath_enroll(const uint8_t *d, size_t len, const struct sockaddr_in *from)
{
	struct cath_token	*t;
	struct cath_ident	*id;
	uint8_t			plain[ENROLL_REQUEST_PLAIN], key[32];
	uint8_t			nonce[SANCTUM_NONCE_LEN];
	uint64_t		ts, wall = (uint64_t)time(NULL);

	if (len < ENROLL_REQUEST_LEN || d[8] != ENROLL_VERSION ||
	    d[9] != ENROLL_TYPE_REQUEST) {
		cath_count(CC_ENROLL_SHORT);
		return;
	}
	if (!cath_rate_allow(from->sin_addr.s_addr)) {
		cath_count(CC_RATE_LIMITED);
		return;
	}
	if ((t = table_find(&cath->conf->tokens, d + ENROLL_OFF_LOOKUP)) == NULL) {
		cath_count(CC_ENROLL_UNKNOWN);
		return;
	}
	memcpy(plain, d + ENROLL_MSG_HDR, sizeof(plain));
	sanctum_fixed_nonce(nonce);
	if (enroll_message_key(key, t->verifier, d + ENROLL_OFF_SEED, ENROLL_LABEL_REQUEST) == -1 ||
	    sanctum_aead_oneshot_open(key, plain, sizeof(plain), d, ENROLL_MSG_HDR,
	    nonce, d + ENROLL_MSG_HDR + sizeof(plain)) == -1) {
		sanctum_wipe(key, sizeof(key));
		cath_count(CC_ENROLL_BAD_TAG);
		return;
	}
	sanctum_wipe(key, sizeof(key));
	ts = get_be64(plain);
	if (ts + ENROLL_WINDOW < wall || ts > wall + ENROLL_WINDOW) {
		cath_count(CC_ENROLL_STALE);
		return;
	}
	if (!seed_fresh(d + ENROLL_OFF_SEED)) {
		cath_count(CC_ENROLL_REPLAY);
		return;
	}
	if (t->used_csid != 0) {
		/* Redeemed: the same node asking again gets the same answer. */
		id = cath_ident_find(cath->conf, t->flock, t->used_csid);
		if (id == NULL || !sanctum_memeq(id->pub, plain + 8, 32)) {
			cath_count(CC_ENROLL_USED);
			return;
		}
		cath_count(CC_ENROLL_RESENT);
		reply(from, d + ENROLL_OFF_LOOKUP, d + ENROLL_OFF_SEED, t->verifier, t->used_csid, t->flock,
		    t->peer, id->cs, t->sealed, t->sealed_len);
		return;
	}
	if ((int64_t)wall >= t->expires) {
		cath_count(CC_ENROLL_EXPIRED);
		return;
	}
	if (t->pending) {
		cath_count(CC_ENROLL_PENDING);
		return;
	}
	queue_job(t, d + ENROLL_OFF_LOOKUP, d + ENROLL_OFF_SEED, plain + 8, from);
}

/* A redemption the database thread finished: answer, or count why not. */
void
cath_enroll_done(struct cath_enroll_job *j)
{
	struct cath_token	*t;

	if ((t = table_find(&cath->conf->tokens, j->lookup)) != NULL) {
		t->pending = 0;
		if (j->status == DB_TOKEN_OK)
			t->used_csid = j->csid;
	}
	if (j->status == DB_TOKEN_OK) {
		cath_count(CC_ENROLL_OK);
		log_msg("token redeemed: identity %llx:%08x peer %02x",
		    (unsigned long long)j->flock, j->csid, j->peer);
		reply(&j->from, j->lookup, j->seed, j->verifier, j->csid,
		    j->flock, j->peer, j->cs, j->sealed, j->sealed_len);
	} else {
		cath_count(j->status == DB_TOKEN_USED ? CC_ENROLL_USED :
		    j->status == DB_TOKEN_EXPIRED ? CC_ENROLL_EXPIRED :
		    j->status == DB_TOKEN_UNKNOWN ? CC_ENROLL_UNKNOWN :
		    CC_ENROLL_FAILED);
	}
	sanctum_wipe(j, sizeof(*j));
	free(j);
}
