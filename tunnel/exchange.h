/*
 * The peer key exchange (tunnel.md 4.3-4.7) as a state machine with no I/O
 * of its own: randomness, sending and key installation are callbacks, so
 * chapel drives it live and the tests drive it with recorded reference
 * exchanges.
 */
#ifndef SANCTUM_EXCHANGE_H
#define SANCTUM_EXCHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "mlkem1024.h"
#include "wire.h"

#define EXCHANGE_TTL		15	/* sends before an offer is given up */
#define EXCHANGE_FRAGS_DONE	0x0f	/* all four fragments seen */
#define EXCHANGE_SEND_PK	0x01	/* keep sending our public key */
#define EXCHANGE_SEND_CT	0x02	/* keep sending our ciphertext */

/* What a random draw is for, so tests can feed recorded values. */
enum exchange_draw {
	EXR_INSTANCE_ID,	/* 8 bytes, big-endian id */
	EXR_SPI,		/* 4 bytes, big-endian SPI */
	EXR_SALT,		/* 4 raw bytes */
	EXR_X25519_LOCAL,	/* 32, private key sent with our PK */
	EXR_X25519_REMOTE,	/* 32, private key sent with our CT */
	EXR_RANDOM_LOCAL,	/* 16, exchange random sent with our PK */
	EXR_RANDOM_REMOTE,	/* 16, exchange random sent with our CT */
	EXR_MLKEM_D,		/* 32, keygen seed d */
	EXR_MLKEM_Z,		/* 32, keygen seed z */
	EXR_MLKEM_M,		/* 32, encapsulation randomness */
};

/* Results of handing the machine one received offer datagram. */
enum exchange_rx {
	EXCHANGE_RX_SEEN,	/* authenticated offer from the peer */
	EXCHANGE_RX_SHORT,	/* shorter than an offer */
	EXCHANGE_RX_NOKEY,	/* no traffic secret yet */
	EXCHANGE_RX_TAG,	/* did not authenticate */
	EXCHANGE_RX_STALE,	/* timestamp outside the window */
	EXCHANGE_RX_IGNORED,	/* not an exchange, or our own reflected */
};

struct exchange_env {
	void	*arg;
	void	(*draw)(void *arg, enum exchange_draw, void *buf, size_t len);
	void	(*send)(void *arg, const uint8_t pkt[SANCTUM_OFFER_LEN]);
	void	(*install)(void *arg, int tx, uint32_t spi,
		    const uint8_t salt[4], const uint8_t key[32]);
	uint64_t (*wall)(void *arg);	/* wall-clock seconds */
};

/* One exchange in progress (tunnel.md 4.3). */
struct exchange_offer {
	uint32_t	spi;
	uint8_t		salt[4];
	uint8_t		local_priv[32];
	uint8_t		local_pub[32];
	uint8_t		remote_priv[32];
	uint8_t		remote_pub[32];
	uint8_t		local_random[16];
	uint8_t		remote_random[16];
	uint8_t		kem_pk[MLKEM1024_PUBLICKEYBYTES];
	uint8_t		kem_sk[MLKEM1024_SECRETKEYBYTES];
	uint8_t		peer_pk[MLKEM1024_PUBLICKEYBYTES];
	uint8_t		our_ct[MLKEM1024_CIPHERTEXTBYTES];
	uint8_t		peer_ct[MLKEM1024_CIPHERTEXTBYTES];
	uint32_t	peer_spi;
	uint8_t		peer_salt[4];
	int		peer_known;
	uint8_t		pk_frag;
	uint8_t		ct_frag;
	int		ttl;
	uint64_t	pulse;
	int		flags;
};

struct exchange {
	struct exchange_env	env;
	uint8_t			secret[32];
	int			have_secret;
	uint64_t		flock;
	uint64_t		flock_dst;
	uint16_t		tun_spi;
	uint64_t		local_id;
	uint64_t		peer_id;
	uint32_t		last_spi;
	uint32_t		avoid_spi;	/* never reuse the active RX SPI */
	int			have_offer;
	struct exchange_offer	offer;
	uint64_t		offer_next;
	int			offer_force;
	int			timed_out;
	int			ambry_switch;
	uint64_t		completed;	/* exchanges brought to an end */
};

void	exchange_init(struct exchange *, const struct exchange_env *,
	    uint64_t flock, uint64_t flock_dst, uint16_t tun_spi);
void	exchange_set_secret(struct exchange *, const uint8_t secret[32]);
void	exchange_new_id(struct exchange *);
int	exchange_offer_create(struct exchange *, uint64_t now);
void	exchange_offer_discard(struct exchange *);
void	exchange_tick(struct exchange *, uint64_t now, uint32_t rx_spi,
	    uint64_t rx_pkt);
enum exchange_rx exchange_recv(struct exchange *, uint8_t *pkt, size_t len,
	    uint64_t now, int can_create);
void	exchange_clear(struct exchange *);

#endif
