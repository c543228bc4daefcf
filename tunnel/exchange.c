/*
 * The peer key exchange ("SACRAMNT", tunnel.md 4.3-4.7): each side sends its
 * ML-KEM-1024 public key and an X25519 key in four fragments, answers a
 * complete public key with an encapsulation and a second X25519 key, and
 * derives one SA per direction from both shared secrets.
 */

#include <string.h>

#include "exchange.h"

/* Start without an offer; an instance id is drawn at once. */
void
exchange_init(struct exchange *ex, const struct exchange_env *env,
    uint64_t flock, uint64_t flock_dst, uint16_t tun_spi)
{
	memset(ex, 0, sizeof(*ex));
	ex->env = *env;
	ex->flock = flock;
	ex->flock_dst = flock_dst;
	ex->tun_spi = tun_spi;
	exchange_new_id(ex);
}

/* Install (or replace) the traffic secret the offers are keyed by. */
void
exchange_set_secret(struct exchange *ex, const uint8_t secret[32])
{
	memcpy(ex->secret, secret, sizeof(ex->secret));
	ex->have_secret = 1;
}

/* A fresh 64-bit instance id (at start and after a wall-clock jump). */
void
exchange_new_id(struct exchange *ex)
{
	uint8_t		b[8];

	ex->env.draw(ex->env.arg, EXR_INSTANCE_ID, b, sizeof(b));
	ex->local_id = get_be64(b);
}

/* Forget the offer in progress, wiping every secret in it. */
void
exchange_offer_discard(struct exchange *ex)
{
	sanctum_wipe(&ex->offer, sizeof(ex->offer));
	ex->have_offer = 0;
	ex->offer_next = 0;
}

/* Wipe everything at exit. */
void
exchange_clear(struct exchange *ex)
{
	exchange_offer_discard(ex);
	sanctum_wipe(ex->secret, sizeof(ex->secret));
	ex->have_secret = 0;
}

/*
 * Create an offer (tunnel.md 4.3): local SPI and salt, both X25519 key pairs,
 * both exchange randoms and the ML-KEM key pair. With a tunnel id the SPI's
 * high 16 bits are that id. The active RX SPI is never chosen again.
 */
int
exchange_offer_create(struct exchange *ex, uint64_t now)
{
	struct exchange_offer	*o = &ex->offer;
	uint8_t			b[4], d[32], z[32];

	if (!ex->have_secret)
		return (-1);
	exchange_offer_discard(ex);
	do {
		ex->env.draw(ex->env.arg, EXR_SPI, b, sizeof(b));
		o->spi = get_be32(b);
		if (ex->tun_spi != 0)
			o->spi = (uint32_t)ex->tun_spi << 16 | (o->spi & 0xffff);
	} while (o->spi == 0 || o->spi == ex->avoid_spi);
	ex->env.draw(ex->env.arg, EXR_SALT, o->salt, sizeof(o->salt));
	ex->env.draw(ex->env.arg, EXR_X25519_LOCAL, o->local_priv, 32);
	ex->env.draw(ex->env.arg, EXR_X25519_REMOTE, o->remote_priv, 32);
	ex->env.draw(ex->env.arg, EXR_RANDOM_LOCAL, o->local_random, 16);
	ex->env.draw(ex->env.arg, EXR_RANDOM_REMOTE, o->remote_random, 16);
	ex->env.draw(ex->env.arg, EXR_MLKEM_D, d, sizeof(d));
	ex->env.draw(ex->env.arg, EXR_MLKEM_Z, z, sizeof(z));
	if (sanctum_x25519_public(o->local_pub, o->local_priv) == -1 ||
	    sanctum_x25519_public(o->remote_pub, o->remote_priv) == -1 ||
	    mlkem1024_keygen(o->kem_pk, o->kem_sk, d, z) == -1) {
		sanctum_wipe(d, sizeof(d));
		sanctum_wipe(z, sizeof(z));
		exchange_offer_discard(ex);
		return (-1);
	}
	sanctum_wipe(d, sizeof(d));
	sanctum_wipe(z, sizeof(z));
	o->ttl = EXCHANGE_TTL;
	o->pulse = now;
	o->flags = EXCHANGE_SEND_PK;
	ex->have_offer = 1;
	return (0);
}

/* Build, encrypt and hand out one exchange packet. */
static void
send_fragment(struct exchange *ex, uint8_t state, uint8_t fragment)
{
	struct exchange_offer	*o = &ex->offer;
	struct offer_exchange	e;
	uint8_t			pkt[SANCTUM_OFFER_LEN];
	const uint8_t		*kem;

	memset(&e, 0, sizeof(e));
	e.id = ex->local_id;
	e.state = state;
	e.fragment = fragment;
	if (state == SANCTUM_EXCHANGE_PK) {
		e.spi = o->spi;
		memcpy(e.salt, o->salt, 4);
		memcpy(e.ecdh, o->local_pub, 32);
		memcpy(e.random, o->local_random, 16);
		kem = o->kem_pk;
	} else {
		e.spi = o->peer_spi;
		memcpy(e.salt, o->peer_salt, 4);
		memcpy(e.ecdh, o->remote_pub, 32);
		memcpy(e.random, o->remote_random, 16);
		kem = o->our_ct;
	}
	memcpy(e.kem, kem + fragment * SANCTUM_EXCHANGE_FRAG_LEN,
	    SANCTUM_EXCHANGE_FRAG_LEN);

	sanctum_offer_init(pkt, SANCTUM_MAGIC_SACRAMENT, o->spi,
	    SANCTUM_OFFER_EXCHANGE, ex->env.wall(ex->env.arg));
	if (ex->flock != 0)
		sanctum_offer_set_flocks(pkt, ex->flock, ex->flock_dst);
	sanctum_exchange_encode(pkt, &e);
	if (sanctum_offer_encrypt(pkt, ex->secret, SANCTUM_LABEL_SACRAMENT,
	    ex->flock, ex->flock_dst) == 0)
		ex->env.send(ex->env.arg, pkt);
	sanctum_wipe(&e, sizeof(e));
	sanctum_wipe(pkt, sizeof(pkt));
}

/*
 * Per chapel iteration (tunnel.md 4.7): once traffic arrives on our new RX
 * SA the peer has our ciphertext; otherwise resend what is still owed once
 * a second, giving up after EXCHANGE_TTL sends.
 */
void
exchange_tick(struct exchange *ex, uint64_t now, uint32_t rx_spi,
    uint64_t rx_pkt)
{
	struct exchange_offer	*o = &ex->offer;
	uint8_t			i;

	if (!ex->have_offer)
		return;
	if (rx_spi == o->spi && rx_pkt > 0) {
		o->flags &= ~EXCHANGE_SEND_CT;
		if (o->flags == 0) {
			ex->completed++;
			exchange_offer_discard(ex);
		}
		return;
	}
	if (now < o->pulse)
		return;
	o->ttl--;
	o->pulse = now + 1;
	for (i = 0; i < SANCTUM_EXCHANGE_FRAGMENTS; i++) {
		if (o->flags & EXCHANGE_SEND_PK)
			send_fragment(ex, SANCTUM_EXCHANGE_PK, i);
	}
	for (i = 0; i < SANCTUM_EXCHANGE_FRAGMENTS; i++) {
		if (o->flags & EXCHANGE_SEND_CT)
			send_fragment(ex, SANCTUM_EXCHANGE_CT, i);
	}
	if (o->ttl <= 0) {
		exchange_offer_discard(ex);
		ex->timed_out++;
		if (ex->ambry_switch) {
			ex->offer_force = 1;
			ex->offer_next = now + 10;
		}
	}
}

/*
 * Derive one session key (tunnel.md 3.6, 4.6): the X25519 and ML-KEM
 * secrets, with the public keys and randoms ordered by instance id and the
 * purpose label chosen by which side has the larger id.
 */
static int
derive_key(struct exchange *ex, uint8_t key[32], int tx,
    const uint8_t own_priv[32], const uint8_t own_pub[32],
    const uint8_t own_random[16], const struct offer_exchange *e,
    const uint8_t kem_ss[32])
{
	uint8_t		ecdh[32], rnd[32];
	const uint8_t	*pub1, *pub2;
	int		purpose, ret;

	if (sanctum_x25519(ecdh, own_priv, e->ecdh) == -1)
		return (-1);
	if (e->id < ex->local_id) {
		pub1 = own_pub;
		pub2 = e->ecdh;
		memcpy(rnd, own_random, 16);
		memcpy(rnd + 16, e->random, 16);
		purpose = tx ? SANCTUM_PURPOSE_TRAFFIC_TX :
		    SANCTUM_PURPOSE_TRAFFIC_RX;
	} else {
		pub1 = e->ecdh;
		pub2 = own_pub;
		memcpy(rnd, e->random, 16);
		memcpy(rnd + 16, own_random, 16);
		purpose = tx ? SANCTUM_PURPOSE_TRAFFIC_RX :
		    SANCTUM_PURPOSE_TRAFFIC_TX;
	}
	ret = sanctum_traffic_key(key, ex->secret, ex->flock, ex->flock_dst,
	    purpose, ecdh, kem_ss, pub1, pub2, rnd);
	sanctum_wipe(ecdh, sizeof(ecdh));
	sanctum_wipe(rnd, sizeof(rnd));
	return (ret);
}

/*
 * The peer's public key is complete: encapsulate to it, derive our RX key
 * and install it under our own SPI and salt; from now on we also send CT.
 */
static void
pk_complete(struct exchange *ex, const struct offer_exchange *e)
{
	struct exchange_offer	*o = &ex->offer;
	uint8_t			m[32], ss[32], key[32];

	o->ttl = EXCHANGE_TTL;
	o->peer_spi = e->spi;
	memcpy(o->peer_salt, e->salt, 4);
	o->peer_known = 1;
	o->flags |= EXCHANGE_SEND_CT;
	ex->last_spi = e->spi;
	ex->env.draw(ex->env.arg, EXR_MLKEM_M, m, sizeof(m));
	if (mlkem1024_encaps(o->our_ct, ss, o->peer_pk, m) == 0 &&
	    derive_key(ex, key, 0, o->remote_priv, o->remote_pub,
	    o->remote_random, e, ss) == 0)
		ex->env.install(ex->env.arg, 0, o->spi, o->salt, key);
	sanctum_wipe(m, sizeof(m));
	sanctum_wipe(ss, sizeof(ss));
	sanctum_wipe(key, sizeof(key));
}

/* A public-key fragment (tunnel.md 4.5, state 1). */
static void
recv_pk(struct exchange *ex, const struct offer_exchange *e, uint64_t now,
    int can_create)
{
	struct exchange_offer	*o = &ex->offer;
	uint8_t			bit;

	if (e->spi == ex->last_spi)
		return;
	if (!ex->have_offer && (!can_create ||
	    exchange_offer_create(ex, now) == -1))
		return;
	if (o->pk_frag == EXCHANGE_FRAGS_DONE) {
		if (e->id == ex->peer_id ||
		    exchange_offer_create(ex, now) == -1)
			return;
	}
	if (e->fragment >= SANCTUM_EXCHANGE_FRAGMENTS)
		return;
	bit = (uint8_t)(1 << e->fragment);
	if (o->pk_frag & bit)
		return;
	memcpy(o->peer_pk + e->fragment * SANCTUM_EXCHANGE_FRAG_LEN, e->kem,
	    SANCTUM_EXCHANGE_FRAG_LEN);
	o->pk_frag |= bit;
	if (o->pk_frag == EXCHANGE_FRAGS_DONE)
		pk_complete(ex, e);
}

/* A ciphertext fragment (tunnel.md 4.5, state 2). */
static void
recv_ct(struct exchange *ex, const struct offer_exchange *e)
{
	struct exchange_offer	*o = &ex->offer;
	uint8_t			ss[32], key[32], bit;

	if (!ex->have_offer)
		return;
	if (e->spi != o->spi) {
		exchange_offer_discard(ex);
		ex->offer_force = 1;
		return;
	}
	if (!o->peer_known || !(o->flags & EXCHANGE_SEND_PK))
		return;
	if (e->fragment >= SANCTUM_EXCHANGE_FRAGMENTS)
		return;
	bit = (uint8_t)(1 << e->fragment);
	if (o->ct_frag & bit)
		return;
	memcpy(o->peer_ct + e->fragment * SANCTUM_EXCHANGE_FRAG_LEN, e->kem,
	    SANCTUM_EXCHANGE_FRAG_LEN);
	o->ct_frag |= bit;
	if (o->ct_frag != EXCHANGE_FRAGS_DONE)
		return;
	o->flags &= ~EXCHANGE_SEND_PK;
	if (mlkem1024_decaps(ss, o->peer_ct, o->kem_sk) == 0 &&
	    derive_key(ex, key, 1, o->local_priv, o->local_pub,
	    o->local_random, e, ss) == 0)
		ex->env.install(ex->env.arg, 1, o->peer_spi, o->peer_salt, key);
	ex->ambry_switch = 0;
	ex->timed_out = 0;
	sanctum_wipe(ss, sizeof(ss));
	sanctum_wipe(key, sizeof(key));
}

/*
 * One received SACRAMNT datagram: decrypt with the offer key of its seed,
 * check the timestamp, then dispatch on the fragment state. SEEN means the
 * peer address may be updated from the datagram's source.
 */
enum exchange_rx
exchange_recv(struct exchange *ex, uint8_t *pkt, size_t len, uint64_t now,
    int can_create)
{
	struct offer_exchange	e;
	enum sanctum_err	err;

	if (len < SANCTUM_OFFER_LEN)
		return (EXCHANGE_RX_SHORT);
	if (!ex->have_secret)
		return (EXCHANGE_RX_NOKEY);
	err = sanctum_offer_decrypt(pkt, len, ex->secret,
	    SANCTUM_LABEL_SACRAMENT, ex->flock, ex->flock_dst);
	if (err != SANCTUM_OK)
		return (EXCHANGE_RX_TAG);
	if (sanctum_offer_check_time(pkt, ex->env.wall(ex->env.arg),
	    SANCTUM_OFFER_WINDOW) != SANCTUM_OK)
		return (EXCHANGE_RX_STALE);
	if (sanctum_offer_type(pkt) != SANCTUM_OFFER_EXCHANGE)
		return (EXCHANGE_RX_IGNORED);
	sanctum_exchange_decode(pkt, &e);
	if (e.id == ex->local_id)
		return (EXCHANGE_RX_IGNORED);
	if (e.spi != 0) {
		switch (e.state) {
		case SANCTUM_EXCHANGE_PK:
			recv_pk(ex, &e, now, can_create);
			ex->peer_id = e.id;
			break;
		case SANCTUM_EXCHANGE_CT:
			recv_ct(ex, &e);
			ex->peer_id = e.id;
			break;
		default:
			break;
		}
	}
	sanctum_wipe(&e, sizeof(e));
	return (EXCHANGE_RX_SEEN);
}
