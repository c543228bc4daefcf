/*
 * Sanctum wire formats: byte-order helpers, the data packet (tunnel.md 2),
 * the offer container and its bodies (tunnel.md 4.1, cathedral.md 2), ambry
 * bundles (cathedral.md 4), shroud (tunnel.md 2.9) and the replay window.
 * Every decoder takes a buffer and its length and returns a typed error.
 */
#ifndef SANCTUM_WIRE_H
#define SANCTUM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "sanctum_crypto.h"

/* Typed results of every decoder; also the drop reasons we count. */
enum sanctum_err {
	SANCTUM_OK = 0,
	SANCTUM_ERR_SHORT,		/* shorter than the format */
	SANCTUM_ERR_LONG,		/* longer than the format */
	SANCTUM_ERR_MALFORMED,		/* a field outside its range */
	SANCTUM_ERR_TAG,		/* authentication failed */
	SANCTUM_ERR_STALE,		/* offer timestamp outside the window */
	SANCTUM_ERR_WINDOW,		/* packet number left the replay window */
	SANCTUM_ERR_REPLAY,		/* packet number already seen */
	SANCTUM_ERR_ZERO_PN,		/* packet number 0 is never valid */
	SANCTUM_ERR_SIGNATURE,		/* Ed25519 signature did not verify */
	SANCTUM_ERR_EXPIRED,		/* ambry past its expiry day */
	SANCTUM_ERR_NOKEY,		/* no key for this packet */
	SANCTUM_ERR_MAX
};

/* Data packets (tunnel.md 2.2). */
#define SANCTUM_DATA_HDR_LEN		32	/* spi, seq, pn, flocks: the AAD */
#define SANCTUM_DATA_TAIL_LEN		2	/* reserved 0x00, next protocol */
#define SANCTUM_DATA_OVERHEAD		50	/* header + tail + tag */
#define SANCTUM_NEXT_PACKET		0x00	/* an IPv4 packet or an Ethernet frame */
#define SANCTUM_NEXT_GRACE		0xfc	/* an in-tunnel control message */
#define SANCTUM_SA_SOFT_PACKETS		(1ULL << 33)	/* rekey after */
#define SANCTUM_SA_HARD_PACKETS		(1ULL << 34)	/* never send at or beyond */
#define SANCTUM_SA_SOFT_SECONDS		3500	/* rekey after */
#define SANCTUM_SA_HARD_SECONDS		3600	/* TX stops after */
#define SANCTUM_MAX_DATAGRAM		1522	/* receive limit per datagram */

/* Graces (tunnel.md 2.8); the type is little-endian on the wire. */
#define SANCTUM_GRACE_HEARTBEAT		1
#define SANCTUM_GRACE_MTU_PROBE		2
#define SANCTUM_GRACE_MTU_ACK		3
#define SANCTUM_MTU_MIN			623	/* smallest tunnel MTU: an offer */

/* What a received grace is (grace.c). */
enum sanctum_grace {
	SANCTUM_GRACE_IS_HEARTBEAT,
	SANCTUM_GRACE_IS_PROBE,
	SANCTUM_GRACE_IS_ACK,
	SANCTUM_GRACE_ACK_RANGE,	/* authenticated, size outside our range */
	SANCTUM_GRACE_BAD,		/* short or unknown type */
};

/* The fields of a data packet header, decoded. */
struct sanctum_data_hdr {
	uint32_t	spi;
	uint32_t	seq;
	uint64_t	pn;
	uint64_t	flock_src;
	uint64_t	flock_dst;
};

/* Offer container (tunnel.md 4.1). */
#define SANCTUM_OFFER_LEN		623	/* every offer on the wire */
#define SANCTUM_OFFER_HDR_LEN		92	/* clear header, the AAD */
#define SANCTUM_OFFER_OFF_SPI		24	/* header spi */
#define SANCTUM_OFFER_OFF_SEED		28	/* header seed */
#define SANCTUM_OFFER_OFF_TYPE		92	/* first encrypted byte */
#define SANCTUM_OFFER_OFF_TIME		93	/* BE64 wall clock */
#define SANCTUM_OFFER_OFF_BODY		101	/* type-specific union */
#define SANCTUM_OFFER_OFF_EXTRA		543	/* random / exchange random / signature */
#define SANCTUM_OFFER_OFF_TAG		607	/* GCM tag */
#define SANCTUM_OFFER_DATA_LEN		451	/* type + time + body: what is signed */
#define SANCTUM_OFFER_BODY_LEN		442	/* size of the union */
#define SANCTUM_OFFER_EXTRA_LEN		64
#define SANCTUM_OFFER_SEALED_LEN	515	/* data + extra, encrypted */
#define SANCTUM_OFFER_WINDOW		10	/* seconds either side of now */
#define SANCTUM_OFFER_WINDOW_SHRINE	1750	/* shrine accepts older key offers */

#define SANCTUM_MAGIC_SACRAMENT		0x53414352414d4e54ULL	/* "SACRAMNT" */
#define SANCTUM_MAGIC_KATEDRAL		0x4b4154454452414cULL	/* "KATEDRAL" */
#define SANCTUM_MAGIC_CIBORIUM		0x4349424f5249554dULL	/* "CIBORIUM" */
#define SANCTUM_MAGIC_CATACOMB		0x43415441434f4d42ULL	/* "CATACOMB" */

#define SANCTUM_OFFER_KEY		1	/* pilgrim -> shrine */
#define SANCTUM_OFFER_AMBRY		2	/* cathedral -> tunnel */
#define SANCTUM_OFFER_INFO		3	/* tunnel <-> cathedral */
#define SANCTUM_OFFER_LITURGY		4	/* liturgy <-> cathedral */
#define SANCTUM_OFFER_REMEMBRANCE	5	/* cathedral -> client */
#define SANCTUM_OFFER_EXCHANGE		6	/* tunnel <-> tunnel */
#define SANCTUM_OFFER_P2P_INFO		7	/* cathedral <-> cathedral */

/* Exchange body (tunnel.md 4.2). */
#define SANCTUM_EXCHANGE_PK		1	/* ML-KEM public key fragment */
#define SANCTUM_EXCHANGE_CT		2	/* ML-KEM ciphertext fragment */
#define SANCTUM_EXCHANGE_FRAGMENTS	4
#define SANCTUM_EXCHANGE_FRAG_LEN	392	/* 1568 / 4 */
#define SANCTUM_EXCHANGE_RANDOM_LEN	16	/* in extra[0..15] */

/* INFO flags (host order, i.e. little-endian, on the wire). */
#define SANCTUM_INFO_REMEMBRANCE	(1U << 0)	/* client wants the list */
#define SANCTUM_INFO_SKIP_AMBRY		(1U << 1)	/* client has no KEK */
#define SANCTUM_INFO_SAME_EXTERNAL	(1U << 1)	/* reply: one public IPv4 */
#define SANCTUM_LITURGY_REMEMBRANCE	(1U << 0)
#define SANCTUM_LITURGY_SIGNALING	(1U << 1)
#define SANCTUM_LITURGY_PEERS		255	/* bitmap entries, ids 0..254 */
#define SANCTUM_REMEMBRANCE_SLOTS	32

struct offer_exchange {
	uint64_t	id;
	uint32_t	spi;
	uint8_t		salt[4];
	uint8_t		state;
	uint8_t		fragment;
	uint8_t		ecdh[32];
	uint8_t		kem[SANCTUM_EXCHANGE_FRAG_LEN];
	uint8_t		random[SANCTUM_EXCHANGE_RANDOM_LEN];
};

struct offer_key {
	uint64_t	id;
	uint8_t		salt[4];
	uint8_t		key[32];
};

/* Addresses and ports are kept as they sit in a sockaddr_in (network order). */
struct offer_info {
	uint32_t	flags;
	uint32_t	peer_ip;
	uint16_t	peer_port;
	uint32_t	local_ip;
	uint16_t	local_port;
	uint16_t	tunnel;
	uint32_t	ambry_generation;
	uint32_t	rx_active;
	uint32_t	rx_pending;
	uint64_t	instance;
};

struct offer_ambry {
	uint16_t	tunnel;
	uint8_t		expires[2];
	uint8_t		generation[4];
	uint8_t		seed[64];
	uint8_t		key[32];
	uint8_t		tag[16];
};

struct offer_liturgy {
	uint8_t		id;
	uint16_t	group;
	uint8_t		peers[SANCTUM_LITURGY_PEERS];
	uint8_t		hidden;
	uint32_t	flags;
};

struct offer_remembrance {
	uint32_t	ips[SANCTUM_REMEMBRANCE_SLOTS];
	uint16_t	ports[SANCTUM_REMEMBRANCE_SLOTS];
};

struct offer_p2p {
	uint32_t	ip;
	uint16_t	port;
	uint16_t	tunnel;
	uint32_t	flags;
};

/* Ambry bundles (cathedral.md 4.1). */
#define AMBRY_HDR_LEN			70
#define AMBRY_ENTRY_LEN			58
#define AMBRY_EPOCH			1697855580ULL	/* day 0 of "expires" */
#define AMBRY_DAY			86400ULL
#define AMBRY_FLOCK_ENTRIES		64770	/* same-flock bundle */
#define AMBRY_XFLOCK_ENTRIES		130050	/* cross-flock bundle */
#define AMBRY_FLOCK_SIZE	(AMBRY_HDR_LEN + AMBRY_FLOCK_ENTRIES * AMBRY_ENTRY_LEN)
#define AMBRY_XFLOCK_SIZE	(AMBRY_HDR_LEN + AMBRY_XFLOCK_ENTRIES * AMBRY_ENTRY_LEN)

struct ambry_header {
	uint8_t		expires[2];
	uint8_t		generation[4];
	uint8_t		seed[64];
};

struct ambry_entry {
	uint64_t	flock;
	uint16_t	tunnel;
	uint8_t		key[32];
	uint8_t		tag[16];
};

/* Shroud (tunnel.md 2.9). */
#define SANCTUM_SHROUD_HDR_LEN		48	/* id, seed_id, seed_data */
#define SANCTUM_SHROUD_OVERHEAD		49	/* header + 0xff marker */

/* Replay window (RFC 6479 style): 32 blocks of 64 bits, 1984 packets. */
#define SANCTUM_REPLAY_BLOCKS		32
#define SANCTUM_REPLAY_WINDOW		((SANCTUM_REPLAY_BLOCKS - 1) * 64)

struct sanctum_replay {
	uint64_t	last;
	uint64_t	bitmap[SANCTUM_REPLAY_BLOCKS];
};

/* Byte order helpers: wire fields are copied, never cast. */
static inline void
put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static inline void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint16_t
get_be16(const uint8_t *p)
{
	return ((uint16_t)(p[0] << 8 | p[1]));
}

static inline uint32_t
get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static inline uint64_t
get_be64(const uint8_t *p)
{
	return ((uint64_t)get_be32(p) << 32 | get_be32(p + 4));
}

static inline uint16_t
get_le16(const uint8_t *p)
{
	return ((uint16_t)(p[0] | p[1] << 8));
}

static inline uint32_t
get_le32(const uint8_t *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
	    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

/* errors.c */
const char	*sanctum_err_name(enum sanctum_err);

/* packet.c */
enum sanctum_err sanctum_data_header(const uint8_t *, size_t,
		    struct sanctum_data_hdr *);
int		 sanctum_data_seal(const struct sanctum_aead *,
		    const uint8_t salt[4], const struct sanctum_data_hdr *,
		    uint8_t *pkt, size_t payload_len, size_t cap, uint8_t next,
		    size_t tfc_mtu, size_t *outlen);
enum sanctum_err sanctum_data_open(const struct sanctum_aead *,
		    const uint8_t salt[4], uint8_t *pkt, size_t len,
		    size_t *payload_len, uint8_t *next);
enum sanctum_err sanctum_tfc_trim(const uint8_t *payload, size_t len,
		    size_t tun_mtu, size_t *trimmed);

/* grace.c */
enum sanctum_grace sanctum_grace_parse(const uint8_t *, size_t len,
		    uint16_t tun_mtu, uint16_t *size);

/* replay.c */
void		 sanctum_replay_init(struct sanctum_replay *);
enum sanctum_err sanctum_replay_check(const struct sanctum_replay *,
		    uint64_t pn);
void		 sanctum_replay_update(struct sanctum_replay *, uint64_t pn);

/* offer.c */
void		 sanctum_offer_init(uint8_t pkt[SANCTUM_OFFER_LEN],
		    uint64_t magic, uint32_t spi, uint8_t type, uint64_t now);
void		 sanctum_offer_set_flocks(uint8_t pkt[SANCTUM_OFFER_LEN],
		    uint64_t src, uint64_t dst);
uint64_t	 sanctum_offer_magic(const uint8_t *, size_t);
void		 sanctum_offer_sign(uint8_t pkt[SANCTUM_OFFER_LEN],
		    const uint8_t sk[64]);
enum sanctum_err sanctum_offer_verify(const uint8_t pkt[SANCTUM_OFFER_LEN],
		    const uint8_t pk[32]);
int		 sanctum_offer_encrypt(uint8_t pkt[SANCTUM_OFFER_LEN],
		    const uint8_t secret[32], const char *label, uint64_t fa,
		    uint64_t fb);
enum sanctum_err sanctum_offer_decrypt(uint8_t *pkt, size_t len,
		    const uint8_t secret[32], const char *label, uint64_t fa,
		    uint64_t fb);
int		 sanctum_offer_encrypt_base(uint8_t pkt[SANCTUM_OFFER_LEN],
		    const uint8_t base[32], const char *label);
enum sanctum_err sanctum_offer_decrypt_base(uint8_t *pkt, size_t len,
		    const uint8_t base[32], const char *label);
int		 sanctum_offer_seal(uint8_t pkt[SANCTUM_OFFER_LEN],
		    const uint8_t key[32]);
enum sanctum_err sanctum_offer_open(uint8_t *pkt, size_t len,
		    const uint8_t key[32]);
enum sanctum_err sanctum_offer_check_time(const uint8_t *pkt, uint64_t now,
		    uint64_t window);
uint8_t		 sanctum_offer_type(const uint8_t *pkt);
void		 sanctum_exchange_encode(uint8_t *pkt,
		    const struct offer_exchange *);
void		 sanctum_exchange_decode(const uint8_t *pkt,
		    struct offer_exchange *);
void		 sanctum_key_encode(uint8_t *pkt, const struct offer_key *);
void		 sanctum_key_decode(const uint8_t *pkt, struct offer_key *);
void		 sanctum_info_encode(uint8_t *pkt, const struct offer_info *);
void		 sanctum_info_decode(const uint8_t *pkt, struct offer_info *);
void		 sanctum_ambry_offer_encode(uint8_t *pkt,
		    const struct offer_ambry *);
void		 sanctum_ambry_offer_decode(const uint8_t *pkt,
		    struct offer_ambry *);
void		 sanctum_liturgy_encode(uint8_t *pkt,
		    const struct offer_liturgy *);
void		 sanctum_liturgy_decode(const uint8_t *pkt,
		    struct offer_liturgy *);
void		 sanctum_remembrance_encode(uint8_t *pkt,
		    const struct offer_remembrance *);
void		 sanctum_remembrance_decode(const uint8_t *pkt,
		    struct offer_remembrance *);
void		 sanctum_p2p_encode(uint8_t *pkt, const struct offer_p2p *);
void		 sanctum_p2p_decode(const uint8_t *pkt, struct offer_p2p *);

/* ambry.c */
enum sanctum_err ambry_header_parse(const uint8_t *, size_t,
		    struct ambry_header *);
enum sanctum_err ambry_entry_parse(const uint8_t *, size_t,
		    struct ambry_entry *);
void		 ambry_header_encode(uint8_t *, const struct ambry_header *);
void		 ambry_entry_encode(uint8_t *, const struct ambry_entry *);
enum sanctum_err ambry_bundle_check(const uint8_t *, size_t,
		    uint64_t flock_a, uint64_t flock_b);
int		 ambry_wrap(struct ambry_entry *, const uint8_t kek[32],
		    uint64_t fs, uint64_t fd, const struct ambry_header *,
		    const uint8_t ss[32]);
enum sanctum_err ambry_unwrap(uint8_t ss[32], const uint8_t kek[32],
		    uint64_t fs, uint64_t fd, uint16_t tunnel,
		    const uint8_t expires[2], const uint8_t generation[4],
		    const uint8_t seed[64], const uint8_t key[32],
		    const uint8_t tag[16], uint64_t now);
uint16_t	 ambry_expires_for(uint64_t now, uint32_t days);
int		 ambry_wrap_derived(struct ambry_entry *,
		    const uint8_t unwrap_kek[32], uint64_t fs, uint64_t fd,
		    const struct ambry_header *, const uint8_t ss[32]);

/*
 * ambry_bundle.c: the device KEK of one id (0; 1 = that device has none and
 * its entries are random; -1 = error), and the source of new secrets.
 */
typedef int	(*ambry_kek_fn)(void *arg, uint64_t flock, uint8_t id,
		    uint8_t kek[32]);
typedef void	(*ambry_random_fn)(void *arg, void *buf, size_t len);
size_t		 ambry_bundle_size(uint64_t flock_a, uint64_t flock_b);
int		 ambry_bundle_build(uint8_t *buf, size_t len, uint64_t flock_a,
		    uint64_t flock_b, const struct ambry_header *,
		    ambry_kek_fn, ambry_random_fn, void *arg);
int		 ambry_expired(const uint8_t expires[2], uint64_t now);

/* shroud.c */
int		 sanctum_shroud_apply(uint8_t *dgram, size_t plen, size_t cap,
		    const uint8_t key[32], size_t padding, size_t *outlen);
size_t		 sanctum_shroud_padding(size_t plen, size_t mtu);
int		 sanctum_shroud(uint8_t *dgram, size_t plen, size_t cap,
		    const uint8_t key[32], const uint8_t id[16],
		    const uint8_t seed_id[16], size_t mtu, size_t *outlen);
enum sanctum_err sanctum_unshroud(uint8_t *dgram, size_t len,
		    const uint8_t key[32], size_t *plen);

#endif
