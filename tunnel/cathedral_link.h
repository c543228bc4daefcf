/*
 * The client side of a cathedral (cathedral.md 5, 6.2; tunnel.md 4.10):
 * INFO (tunnel mode) or LITURGY (liturgy mode) announcements, the
 * cathedral's replies (peer address, ambry, remembrance, liturgy) and
 * fail-over. The offer and list rules are pure (cathedral_client.c, in the
 * core library, unit tested); cathedral_link.c runs them with the shared
 * state inside chapel or the liturgy process.
 */
#ifndef SANCTUM_CATHEDRAL_LINK_H
#define SANCTUM_CATHEDRAL_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

/* Seconds (tunnel.md 4.10), and the remembrance file size. */
#define CATHEDRAL_INFO_INTERVAL		5	/* between INFO offers */
#define CATHEDRAL_FAILOVER		45	/* silence before the next one */
#define CATHEDRAL_AMBRY_TIMEOUT		75	/* to complete an exchange */
#define CATHEDRAL_REMEMBRANCE_LEN	192	/* 32 IPs, then 32 ports */

/* What a client holds to talk to its cathedral (cathedral.md 1.5). */
struct cathedral_keys {
	uint32_t	id;		/* cathedral_id, the header spi */
	uint64_t	flock;		/* cathedral_flock, with its domain */
	uint64_t	flock_dst;	/* cathedral_flock_dst, with its domain */
	uint16_t	tun_spi;
	int		have_kek;
	int		remembrance;	/* a remembrance file is configured */
	uint8_t		cs[32];
	uint8_t		cosk[64];
	uint8_t		kek[32];
};

/* Results of opening a datagram that claims to come from the cathedral. */
enum cathedral_rx {
	CATHEDRAL_RX_OK,
	CATHEDRAL_RX_SHORT,	/* shorter than an offer */
	CATHEDRAL_RX_TAG,	/* did not authenticate */
	CATHEDRAL_RX_STALE,	/* timestamp outside +-10 s */
	CATHEDRAL_RX_IGNORED,	/* not KATEDRAL, or about another identity */
};

/* What became of an AMBRY offer. */
enum cathedral_ambry {
	CATHEDRAL_AMBRY_OK,
	CATHEDRAL_AMBRY_NO_KEK,		/* we take no ambries */
	CATHEDRAL_AMBRY_WRONG_TUNNEL,	/* not for our tun_spi */
	CATHEDRAL_AMBRY_SAME_GENERATION,	/* installed already */
	CATHEDRAL_AMBRY_BAD_TAG,	/* not wrapped for our KEK */
	CATHEDRAL_AMBRY_EXPIRED,	/* past its expiry day */
};

/* The fail-over list (cathedral.md 2.8) and the entry in use. */
struct cathedral_list {
	uint32_t	ips[SANCTUM_REMEMBRANCE_SLOTS];		/* network order */
	uint16_t	ports[SANCTUM_REMEMBRANCE_SLOTS];	/* network order */
	int		index;
};

/* cathedral_client.c */
void	cathedral_info_fields(struct offer_info *,
	    const struct cathedral_keys *, uint32_t generation,
	    uint32_t rx_active, uint32_t rx_pending, uint64_t instance);
int	cathedral_info_offer(uint8_t pkt[SANCTUM_OFFER_LEN], uint64_t magic,
	    const struct cathedral_keys *, const struct offer_info *,
	    uint64_t wall, const uint8_t seed[SANCTUM_SEED_LEN]);
void	cathedral_liturgy_fields(struct offer_liturgy *,
	    const struct cathedral_keys *, uint16_t group, int hidden);
int	cathedral_liturgy_offer(uint8_t pkt[SANCTUM_OFFER_LEN],
	    const struct cathedral_keys *, const struct offer_liturgy *,
	    uint64_t wall, const uint8_t seed[SANCTUM_SEED_LEN]);
enum cathedral_rx cathedral_open(uint8_t *pkt, size_t len,
	    const struct cathedral_keys *, uint64_t wall);
enum cathedral_ambry cathedral_ambry(const struct cathedral_keys *,
	    const uint8_t *pkt, uint32_t generation, uint64_t wall,
	    uint8_t ss[32], uint32_t *new_generation);
const char *cathedral_ambry_reason(enum cathedral_ambry);
void	cathedral_remembrance_file(uint8_t out[CATHEDRAL_REMEMBRANCE_LEN],
	    const struct offer_remembrance *);
void	cathedral_list_load(struct cathedral_list *,
	    const uint8_t file[CATHEDRAL_REMEMBRANCE_LEN]);
int	cathedral_list_next(struct cathedral_list *, uint32_t *ip,
	    uint16_t *port);
int	cathedral_peer_usable(uint32_t ip, uint16_t port);

/* cathedral_link.c: the client inside chapel or liturgy. */
struct sanctum_proc;
struct sanctum_packet;

/* The liturgy process's handler of a LITURGY reply. */
typedef void	(*cathedral_liturgy_fn)(const struct offer_liturgy *);

void	cathedral_link_init(struct sanctum_proc *, cathedral_liturgy_fn);
void	cathedral_link_tick(uint64_t now, uint64_t instance);
void	cathedral_link_rx_key(uint32_t spi);
int	cathedral_link_recv(struct sanctum_packet *, uint64_t now,
	    uint8_t ss[32]);
void	cathedral_link_clear(void);

#endif
