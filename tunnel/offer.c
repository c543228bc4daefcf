/*
 * The 623-byte offer container (tunnel.md 4.1, cathedral.md 2.2) and its
 * bodies. The header is clear and is the AAD; type, timestamp, body and
 * extra are encrypted under a per-offer key derived from the header seed.
 */

#include <string.h>

#include "keccak.h"
#include "wire.h"

#define BODY(pkt)	((pkt) + SANCTUM_OFFER_OFF_BODY)

/*
 * Start an offer: random seed, flocks and extra (the reference fills what a
 * type does not use with random bytes), zero body, then the given fields.
 * The random bytes come from one call: a cathedral starts an offer for
 * every reply, and each call is a system call.
 */
void
sanctum_offer_init(uint8_t pkt[SANCTUM_OFFER_LEN], uint64_t magic,
    uint32_t spi, uint8_t type, uint64_t now)
{
	uint8_t	rnd[16 + SANCTUM_SEED_LEN + SANCTUM_OFFER_EXTRA_LEN];

	sanctum_random_bytes(rnd, sizeof(rnd));
	memset(pkt, 0, SANCTUM_OFFER_LEN);
	memcpy(pkt + 8, rnd, 16);
	memcpy(pkt + SANCTUM_OFFER_OFF_SEED, rnd + 16, SANCTUM_SEED_LEN);
	memcpy(pkt + SANCTUM_OFFER_OFF_EXTRA, rnd + 16 + SANCTUM_SEED_LEN,
	    SANCTUM_OFFER_EXTRA_LEN);
	put_be64(pkt, magic);
	put_be32(pkt + SANCTUM_OFFER_OFF_SPI, spi);
	pkt[SANCTUM_OFFER_OFF_TYPE] = type;
	put_be64(pkt + SANCTUM_OFFER_OFF_TIME, now);
}

/* Overwrite the random header flocks with real ones. */
void
sanctum_offer_set_flocks(uint8_t pkt[SANCTUM_OFFER_LEN], uint64_t src,
    uint64_t dst)
{
	put_be64(pkt + 8, src);
	put_be64(pkt + 16, dst);
}

/* The magic of a datagram, 0 when it is too short to have one. */
uint64_t
sanctum_offer_magic(const uint8_t *pkt, size_t len)
{
	if (len < 8)
		return (0);
	return (get_be64(pkt));
}

/* Sign the 451 data bytes with Ed25519 into extra (types 3, 4 to a cathedral). */
void
sanctum_offer_sign(uint8_t pkt[SANCTUM_OFFER_LEN], const uint8_t sk[64])
{
	sanctum_ed25519_sign(pkt + SANCTUM_OFFER_OFF_EXTRA,
	    pkt + SANCTUM_OFFER_OFF_TYPE, SANCTUM_OFFER_DATA_LEN, sk);
}

/* Check the signature in extra of a decrypted offer. */
enum sanctum_err
sanctum_offer_verify(const uint8_t pkt[SANCTUM_OFFER_LEN], const uint8_t pk[32])
{
	if (sanctum_ed25519_verify(pkt + SANCTUM_OFFER_OFF_EXTRA,
	    pkt + SANCTUM_OFFER_OFF_TYPE, SANCTUM_OFFER_DATA_LEN, pk) == -1)
		return (SANCTUM_ERR_SIGNATURE);
	return (SANCTUM_OK);
}

/* Encrypt bytes 92..606 in place under key, tag at 607. */
int
sanctum_offer_seal(uint8_t pkt[SANCTUM_OFFER_LEN], const uint8_t key[32])
{
	uint8_t		nonce[SANCTUM_NONCE_LEN];

	sanctum_fixed_nonce(nonce);
	return (sanctum_aead_oneshot_seal(key, pkt + SANCTUM_OFFER_OFF_TYPE,
	    SANCTUM_OFFER_SEALED_LEN, pkt, SANCTUM_OFFER_HDR_LEN, nonce,
	    pkt + SANCTUM_OFFER_OFF_TAG));
}

/*
 * Decrypt in place. Bytes beyond 623 (TFC padding) are ignored; a shorter
 * datagram is refused before any work.
 */
enum sanctum_err
sanctum_offer_open(uint8_t *pkt, size_t len, const uint8_t key[32])
{
	uint8_t		nonce[SANCTUM_NONCE_LEN];

	if (len < SANCTUM_OFFER_LEN)
		return (SANCTUM_ERR_SHORT);
	sanctum_fixed_nonce(nonce);
	if (sanctum_aead_oneshot_open(key, pkt + SANCTUM_OFFER_OFF_TYPE,
	    SANCTUM_OFFER_SEALED_LEN, pkt, SANCTUM_OFFER_HDR_LEN, nonce,
	    pkt + SANCTUM_OFFER_OFF_TAG) == -1)
		return (SANCTUM_ERR_TAG);
	return (SANCTUM_OK);
}

/* The per-offer key from an already derived base key and the header seed. */
static int
key_from_base(uint8_t key[32], const uint8_t base[32], const char *label,
    const uint8_t *pkt)
{
	uint8_t	x[1 + SANCTUM_SEED_LEN];

	x[0] = 0x40;
	memcpy(x + 1, pkt + SANCTUM_OFFER_OFF_SEED, SANCTUM_SEED_LEN);
	return (kmac256(key, 32, base, 32, label, x, sizeof(x)));
}

/*
 * Seal with the per-offer key of a cached base key (a cathedral answering
 * many offers of one identity derives the base key once).
 */
int
sanctum_offer_encrypt_base(uint8_t pkt[SANCTUM_OFFER_LEN],
    const uint8_t base[32], const char *label)
{
	uint8_t		key[SANCTUM_KEY_LEN];
	int		ret;

	if (key_from_base(key, base, label, pkt) == -1)
		return (-1);
	ret = sanctum_offer_seal(pkt, key);
	sanctum_wipe(key, sizeof(key));
	return (ret);
}

/* Open with the per-offer key of a cached base key. */
enum sanctum_err
sanctum_offer_decrypt_base(uint8_t *pkt, size_t len, const uint8_t base[32],
    const char *label)
{
	uint8_t			key[SANCTUM_KEY_LEN];
	enum sanctum_err	err;

	if (len < SANCTUM_OFFER_LEN)
		return (SANCTUM_ERR_SHORT);
	if (key_from_base(key, base, label, pkt) == -1)
		return (SANCTUM_ERR_NOKEY);
	err = sanctum_offer_open(pkt, len, key);
	sanctum_wipe(key, sizeof(key));
	return (err);
}

/* Derive the per-offer key from the header seed and seal. */
int
sanctum_offer_encrypt(uint8_t pkt[SANCTUM_OFFER_LEN], const uint8_t secret[32],
    const char *label, uint64_t fa, uint64_t fb)
{
	uint8_t		key[SANCTUM_KEY_LEN];
	int		ret;

	if (sanctum_offer_key(key, secret, label, pkt + SANCTUM_OFFER_OFF_SEED,
	    fa, fb) == -1)
		return (-1);
	ret = sanctum_offer_seal(pkt, key);
	sanctum_wipe(key, sizeof(key));
	return (ret);
}

/* Derive the per-offer key from the received seed and open. */
enum sanctum_err
sanctum_offer_decrypt(uint8_t *pkt, size_t len, const uint8_t secret[32],
    const char *label, uint64_t fa, uint64_t fb)
{
	uint8_t			key[SANCTUM_KEY_LEN];
	enum sanctum_err	err;

	if (len < SANCTUM_OFFER_LEN)
		return (SANCTUM_ERR_SHORT);
	if (sanctum_offer_key(key, secret, label, pkt + SANCTUM_OFFER_OFF_SEED,
	    fa, fb) == -1)
		return (SANCTUM_ERR_NOKEY);
	err = sanctum_offer_open(pkt, len, key);
	sanctum_wipe(key, sizeof(key));
	return (err);
}

/* Accept iff now - window <= timestamp <= now + window (wall clock). */
enum sanctum_err
sanctum_offer_check_time(const uint8_t *pkt, uint64_t now, uint64_t window)
{
	uint64_t	ts = get_be64(pkt + SANCTUM_OFFER_OFF_TIME);

	if (ts + window < now || ts > now + window)
		return (SANCTUM_ERR_STALE);
	return (SANCTUM_OK);
}

/* The type byte of a decrypted offer. */
uint8_t
sanctum_offer_type(const uint8_t *pkt)
{
	return (pkt[SANCTUM_OFFER_OFF_TYPE]);
}

/* EXCHANGE body; the exchange random goes into extra[0..15]. */
void
sanctum_exchange_encode(uint8_t *pkt, const struct offer_exchange *e)
{
	uint8_t		*b = BODY(pkt);

	put_be64(b, e->id);
	put_be32(b + 8, e->spi);
	memcpy(b + 12, e->salt, 4);
	b[16] = e->state;
	b[17] = e->fragment;
	memcpy(b + 18, e->ecdh, 32);
	memcpy(b + 50, e->kem, SANCTUM_EXCHANGE_FRAG_LEN);
	memcpy(pkt + SANCTUM_OFFER_OFF_EXTRA, e->random,
	    SANCTUM_EXCHANGE_RANDOM_LEN);
}

/* EXCHANGE body of a decrypted offer. */
void
sanctum_exchange_decode(const uint8_t *pkt, struct offer_exchange *e)
{
	const uint8_t	*b = BODY(pkt);

	e->id = get_be64(b);
	e->spi = get_be32(b + 8);
	memcpy(e->salt, b + 12, 4);
	e->state = b[16];
	e->fragment = b[17];
	memcpy(e->ecdh, b + 18, 32);
	memcpy(e->kem, b + 50, SANCTUM_EXCHANGE_FRAG_LEN);
	memcpy(e->random, pkt + SANCTUM_OFFER_OFF_EXTRA,
	    SANCTUM_EXCHANGE_RANDOM_LEN);
}

/* KEY body (pilgrim -> shrine). */
void
sanctum_key_encode(uint8_t *pkt, const struct offer_key *k)
{
	uint8_t		*b = BODY(pkt);

	put_be64(b, k->id);
	memcpy(b + 8, k->salt, 4);
	memcpy(b + 12, k->key, 32);
}

/* KEY body of a decrypted offer. */
void
sanctum_key_decode(const uint8_t *pkt, struct offer_key *k)
{
	const uint8_t	*b = BODY(pkt);

	k->id = get_be64(b);
	memcpy(k->salt, b + 8, 4);
	memcpy(k->key, b + 12, 32);
}

/*
 * INFO body: flags and the rx SPIs are host order (little-endian) in the
 * reference, addresses are raw network order, the rest big-endian.
 */
void
sanctum_info_encode(uint8_t *pkt, const struct offer_info *i)
{
	uint8_t		*b = BODY(pkt);

	put_le32(b, i->flags);
	memcpy(b + 4, &i->peer_ip, 4);
	memcpy(b + 8, &i->peer_port, 2);
	memcpy(b + 10, &i->local_ip, 4);
	memcpy(b + 14, &i->local_port, 2);
	put_be16(b + 16, i->tunnel);
	put_be32(b + 18, i->ambry_generation);
	put_le32(b + 22, i->rx_active);
	put_le32(b + 26, i->rx_pending);
	put_be64(b + 30, i->instance);
}

/* INFO body of a decrypted offer. */
void
sanctum_info_decode(const uint8_t *pkt, struct offer_info *i)
{
	const uint8_t	*b = BODY(pkt);

	i->flags = get_le32(b);
	memcpy(&i->peer_ip, b + 4, 4);
	memcpy(&i->peer_port, b + 8, 2);
	memcpy(&i->local_ip, b + 10, 4);
	memcpy(&i->local_port, b + 14, 2);
	i->tunnel = get_be16(b + 16);
	i->ambry_generation = get_be32(b + 18);
	i->rx_active = get_le32(b + 22);
	i->rx_pending = get_le32(b + 26);
	i->instance = get_be64(b + 30);
}

/* AMBRY body: the cathedral copies bundle bytes it cannot read. */
void
sanctum_ambry_offer_encode(uint8_t *pkt, const struct offer_ambry *a)
{
	uint8_t		*b = BODY(pkt);

	put_be16(b, a->tunnel);
	memcpy(b + 2, a->expires, 2);
	memcpy(b + 4, a->generation, 4);
	memcpy(b + 8, a->seed, 64);
	memcpy(b + 72, a->key, 32);
	memcpy(b + 104, a->tag, 16);
}

/* AMBRY body of a decrypted offer. */
void
sanctum_ambry_offer_decode(const uint8_t *pkt, struct offer_ambry *a)
{
	const uint8_t	*b = BODY(pkt);

	a->tunnel = get_be16(b);
	memcpy(a->expires, b + 2, 2);
	memcpy(a->generation, b + 4, 4);
	memcpy(a->seed, b + 8, 64);
	memcpy(a->key, b + 72, 32);
	memcpy(a->tag, b + 104, 16);
}

/* LITURGY body; flags are host order (little-endian). */
void
sanctum_liturgy_encode(uint8_t *pkt, const struct offer_liturgy *l)
{
	uint8_t		*b = BODY(pkt);

	b[0] = l->id;
	put_be16(b + 1, l->group);
	memcpy(b + 3, l->peers, SANCTUM_LITURGY_PEERS);
	b[258] = l->hidden;
	put_le32(b + 259, l->flags);
}

/* LITURGY body of a decrypted offer. */
void
sanctum_liturgy_decode(const uint8_t *pkt, struct offer_liturgy *l)
{
	const uint8_t	*b = BODY(pkt);

	l->id = b[0];
	l->group = get_be16(b + 1);
	memcpy(l->peers, b + 3, SANCTUM_LITURGY_PEERS);
	l->hidden = b[258];
	l->flags = get_le32(b + 259);
}

/* REMEMBRANCE body: 32 raw IPv4 addresses then 32 raw ports. */
void
sanctum_remembrance_encode(uint8_t *pkt, const struct offer_remembrance *r)
{
	memcpy(BODY(pkt), r->ips, sizeof(r->ips));
	memcpy(BODY(pkt) + sizeof(r->ips), r->ports, sizeof(r->ports));
}

/* REMEMBRANCE body of a decrypted offer. */
void
sanctum_remembrance_decode(const uint8_t *pkt, struct offer_remembrance *r)
{
	memcpy(r->ips, BODY(pkt), sizeof(r->ips));
	memcpy(r->ports, BODY(pkt) + sizeof(r->ips), sizeof(r->ports));
}

/* P2P_INFO body (federation): raw address, BE16 tunnel, BE32 flags. */
void
sanctum_p2p_encode(uint8_t *pkt, const struct offer_p2p *p)
{
	uint8_t		*b = BODY(pkt);

	memcpy(b, &p->ip, 4);
	memcpy(b + 4, &p->port, 2);
	put_be16(b + 6, p->tunnel);
	put_be32(b + 8, p->flags);
}

/* P2P_INFO body of a decrypted offer. */
void
sanctum_p2p_decode(const uint8_t *pkt, struct offer_p2p *p)
{
	const uint8_t	*b = BODY(pkt);

	memcpy(&p->ip, b, 4);
	memcpy(&p->port, b + 4, 2);
	p->tunnel = get_be16(b + 6);
	p->flags = get_be32(b + 8);
}
