/*
 * The receive pipeline (cathedral.md 3.2): unshroud, classify by the first
 * eight bytes, and for offers: a per-source rate limit before any crypto,
 * flock and identity lookup, AEAD, the time window, the Ed25519 signature,
 * a replay cache of seeds, then dispatch. Replies are built here too.
 */

#include <string.h>
#include <time.h>

#include "cathedral.h"

#define RATE_UNIT	1000	/* tokens per offer */

/*
 * Token bucket per source IP: `rate` offers a second, `burst` at once. A
 * source that cannot get a bucket (table full) shares the budget of
 * address 0, so a flood of sources cannot starve the table either.
 */
int
cath_rate_allow(uint32_t ip)
{
	struct cath_source	*s;
	uint64_t		cap, add;
	int			created;

	if ((s = table_insert(&cath->sources, &ip, &created)) == NULL) {
		cath_count(CC_FULL_SOURCES);
		ip = 0;
		if ((s = table_find(&cath->sources, &ip)) == NULL &&
		    (s = table_insert(&cath->sources, &ip, &created)) == NULL)
			return (0);
	}
	cap = (uint64_t)cath->limits.burst * RATE_UNIT;
	if (created) {
		s->tokens = cap;
		s->last = cath->now;
	}
	add = (cath->now - s->last) * cath->limits.rate;
	s->tokens = s->tokens + add > cap ? cap : s->tokens + add;
	s->last = cath->now;
	if (s->tokens < RATE_UNIT)
		return (0);
	s->tokens -= RATE_UNIT;
	return (1);
}

/*
 * Remember an authenticated seed; 0 if it was seen before (a replay, from
 * wherever it comes: clients never send a seed twice).
 */
int
cath_seed_fresh(const uint8_t *seed)
{
	uint64_t	*expires;
	int		created;

	if ((expires = table_insert(&cath->seeds, seed, &created)) == NULL) {
		cath_count(CC_FULL_SEEDS);
		return (1);
	}
	if (!created && *expires > cath->now)
		return (0);
	*expires = cath->now + CATH_REPLAY_MS;
	return (1);
}

/* Drop an offer with its reason counted. */
static void
reject(enum cath_counter why)
{
	cath_count(why);
}

/*
 * Authenticate an offer (KATEDRAL, CIBORIUM or CATACOMB) in place and fill
 * rx; 0 when it may be dispatched.
 */
static int
authenticate(struct cath_rx *rx)
{
	const struct cath_conf	*conf = cath->conf;
	const uint8_t		*secret;
	const char		*label;
	uint8_t			type;

	if (rx->len < SANCTUM_OFFER_LEN) {
		reject(CC_REJECT_SHORT);
		return (-1);
	}
	rx->fdom = get_be64(rx->d + 8);
	rx->flock = rx->fdom & ~SANCTUM_FLOCK_DOMAIN_MASK;
	rx->csid = get_be32(rx->d + SANCTUM_OFFER_OFF_SPI);
	if (!cath_flock_known(conf, rx->flock)) {
		reject(CC_REJECT_FLOCK);
		return (-1);
	}
	rx->ident = cath_ident_find(conf, rx->flock, rx->csid);
	if (rx->catacomb) {
		secret = cath->sync;
		label = SANCTUM_LABEL_CATACOMB;
	} else {
		if (rx->ident == NULL) {
			reject(CC_REJECT_IDENTITY);
			return (-1);
		}
		secret = rx->ident->cs;
		label = SANCTUM_LABEL_CATHEDRAL;
	}
	if (rx->ident != NULL && rx->ident->revoked) {
		reject(CC_REJECT_REVOKED);
		return (-1);
	}
	if ((!rx->catacomb && rx->fdom == rx->flock ?
	    sanctum_offer_decrypt_base(rx->d, rx->len, rx->ident->offer_base,
	    label) : sanctum_offer_decrypt(rx->d, rx->len, secret, label,
	    rx->fdom, 0)) != SANCTUM_OK) {
		reject(CC_REJECT_TAG);
		return (-1);
	}
	if (sanctum_offer_check_time(rx->d, (uint64_t)time(NULL),
	    SANCTUM_OFFER_WINDOW) != SANCTUM_OK) {
		reject(CC_REJECT_STALE);
		return (-1);
	}
	type = sanctum_offer_type(rx->d);
	if (!(rx->catacomb && type == SANCTUM_OFFER_P2P_INFO)) {
		if (type != SANCTUM_OFFER_INFO && type != SANCTUM_OFFER_LITURGY) {
			reject(CC_REJECT_TYPE);
			return (-1);
		}
		if (rx->ident == NULL) {
			reject(CC_REJECT_IDENTITY);
			return (-1);
		}
		if (sanctum_offer_verify(rx->d, rx->ident->pub) != SANCTUM_OK) {
			reject(CC_REJECT_SIGNATURE);
			return (-1);
		}
	}
	if (!cath_seed_fresh(rx->d + SANCTUM_OFFER_OFF_SEED)) {
		reject(CC_REJECT_REPLAY);
		return (-1);
	}
	return (0);
}

/* An offer for us: rate limit, authenticate, dispatch on its type. */
static void
offer(struct cath_rx *rx)
{
	cath_count(CC_OFFERS_IN);
	if (!cath_rate_allow(rx->from.sin_addr.s_addr)) {
		cath_count(CC_RATE_LIMITED);
		return;
	}
	if (authenticate(rx) == -1)
		return;
	cath_count(CC_OFFERS_ACCEPTED);
	switch (sanctum_offer_type(rx->d)) {
	case SANCTUM_OFFER_INFO:
		cath_info(rx);
		break;
	case SANCTUM_OFFER_LITURGY:
		cath_liturgy(rx);
		break;
	case SANCTUM_OFFER_P2P_INFO:
		cath_p2p_info(rx);
		break;
	}
}

/*
 * A token redemption (never shrouded, even on a shrouded cathedral: the
 * node has no identity yet); 1 if the datagram was one.
 */
static int
enrollment(struct sanctum_packet *pkt, size_t len)
{
	uint8_t	*d = cath->cfg->shroud ? pkt->buf : PACKET_DATA(pkt);

	if (len < 8 || memcmp(d, ENROLL_MAGIC, 8) != 0)
		return (0);
	cath_enroll(d, len, &pkt->addr);
	return (1);
}

/* One datagram from purgatory-rx; the packet is consumed. */
void
cath_receive(struct sanctum_packet *pkt)
{
	struct cath_rx	rx;
	const uint8_t	*unused;
	uint64_t	magic;
	size_t		len = pkt->length;

	memset(&rx, 0, sizeof(rx));
	rx.pkt = pkt;
	rx.from = pkt->addr;
	if (enrollment(pkt, len))
		goto done;
	if (cath->cfg->shroud) {
		if (cath_unshroud(pkt, len, &unused) == -1)
			goto done;
		len = pkt->length;
	}
	rx.d = PACKET_DATA(pkt);
	rx.len = len;
	if (len < SANCTUM_DATA_OVERHEAD) {
		cath_count(CC_RUNT);
		goto done;
	}
	magic = get_be64(rx.d);
	switch (magic) {
	case SANCTUM_MAGIC_KATEDRAL:
		offer(&rx);
		break;
	case SANCTUM_MAGIC_CIBORIUM:
		rx.nat = 1;
		offer(&rx);
		break;
	case SANCTUM_MAGIC_CATACOMB:
		if (cath_fed_index(cath->conf, rx.from.sin_addr.s_addr,
		    rx.from.sin_port) == -1) {
			cath_count(CC_REJECT_FEDERATION);
			break;
		}
		rx.catacomb = 1;
		offer(&rx);
		break;
	case SANCTUM_MAGIC_SACRAMENT:
		if (len >= SANCTUM_OFFER_HDR_LEN) {
			cath_forward_offer(pkt, rx.d, len, &rx.from);
			return;
		}
		cath_count(CC_RUNT);
		break;
	default:
		cath_forward_data(pkt, rx.d, len, &rx.from);
		return;
	}
done:
	sanctum_wipe(pkt->buf, sizeof(pkt->buf));
	packet_put(pkt);
}

/*
 * Reply to a client offer (cathedral.md 2.3): random header flocks, seed and
 * extra, our timestamp, the body from fill(), encrypted with the client's
 * cathedral secret and (flock|dom, 0), TFC-padded, shrouded, to its source.
 */
void
cath_reply(const struct cath_rx *rx, uint8_t type, const void *arg,
    void (*fill)(uint8_t *pkt, const void *arg))
{
	struct sanctum_packet	*pkt;
	size_t			len = SANCTUM_OFFER_LEN;

	if (rx->ident == NULL || (pkt = packet_get()) == NULL)
		return;
	sanctum_offer_init(PACKET_DATA(pkt), SANCTUM_MAGIC_KATEDRAL, rx->csid,
	    type, (uint64_t)time(NULL));
	fill(PACKET_DATA(pkt), arg);
	if ((rx->fdom == rx->flock ? sanctum_offer_encrypt_base(PACKET_DATA(pkt),
	    rx->ident->offer_base, SANCTUM_LABEL_CATHEDRAL) :
	    sanctum_offer_encrypt(PACKET_DATA(pkt), rx->ident->cs,
	    SANCTUM_LABEL_CATHEDRAL, rx->fdom, 0)) == -1) {
		packet_put(pkt);
		return;
	}
	if (cath->cfg->tfc) {
		len = (size_t)cath->cfg->cathedral_mtu + SANCTUM_DATA_OVERHEAD;
		sanctum_random_bytes(PACKET_DATA(pkt) + SANCTUM_OFFER_LEN,
		    len - SANCTUM_OFFER_LEN);
	}
	pkt->length = (uint32_t)len;
	cath_count(CC_REPLIES);
	cath_send(pkt, rx->from.sin_addr.s_addr, rx->from.sin_port,
	    rx->ident->shroud_key);
}
