/*
 * One-time enrollment tokens (docs/enrollment.md): the text form the
 * operator hands to a node, the one-way values the cathedral's database
 * keeps (lookup handle, verifier), and the material the operator seals for
 * the node under a key only the token gives. Shared by cathedralctl, the
 * cathedral and hymn.
 */
#ifndef SANCTUM_ENROLL_TOKEN_H
#define SANCTUM_ENROLL_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define ENROLL_TOKEN_LEN	32	/* random bytes of a token */
#define ENROLL_TOKEN_CHECK_LEN	3	/* checksum bytes in the text */
#define ENROLL_TOKEN_SYMBOLS	56	/* base32 symbols: (32 + 3) * 8 / 5 */
#define ENROLL_TOKEN_GROUP	7	/* symbols between dashes */
#define ENROLL_TOKEN_TEXT_MAX	64	/* 56 symbols, 7 dashes, NUL */
#define ENROLL_LOOKUP_LEN	16
#define ENROLL_VERIFIER_LEN	32

#define ENROLL_LABEL_CHECK	"SANCTUM-C.ENROLL.CHECK"
#define ENROLL_LABEL_LOOKUP	"SANCTUM-C.ENROLL.LOOKUP"
#define ENROLL_LABEL_VERIFIER	"SANCTUM-C.ENROLL.VERIFIER"
#define ENROLL_LABEL_WRAP	"SANCTUM-C.ENROLL.WRAP"

/* Sealed enrollment material. */
#define ENROLL_MATERIAL_VERSION	1
#define ENROLL_MODE_TUNNEL	1
#define ENROLL_MODE_LITURGY	2
#define ENROLL_HOST_MAX		253
#define ENROLL_MATERIAL_FIXED	57	/* bytes before the host */
#define ENROLL_MATERIAL_MAX	(ENROLL_MATERIAL_FIXED + ENROLL_HOST_MAX)
#define ENROLL_SEALED_MAX	(ENROLL_MATERIAL_MAX + 16)
#define ENROLL_FLAG_ADDRESS	0x01	/* tunnel: address given, no route */

/* Online redemption messages (docs/enrollment.md, "Redeeming a token"). */
#define ENROLL_MAGIC		"SCENROLL"
#define ENROLL_VERSION		1
#define ENROLL_TYPE_REQUEST	1
#define ENROLL_TYPE_REPLY	2
#define ENROLL_REQUEST_LEN	600
#define ENROLL_SEED_LEN		32
#define ENROLL_MSG_HDR		58	/* magic, version, type, lookup, seed */
#define ENROLL_OFF_LOOKUP	10	/* the lookup in the header */
#define ENROLL_OFF_SEED		26	/* the seed in the header */
#define ENROLL_REQUEST_PLAIN	(ENROLL_REQUEST_LEN - ENROLL_MSG_HDR - 16)
					/* a request's sealed part, tag aside */
#define ENROLL_REPLY_FIXED	47	/* csid, flock, peer, secret, length */
#define ENROLL_WINDOW		60	/* seconds of clock difference */
#define ENROLL_LABEL_REQUEST	"SANCTUM-C.ENROLL.REQUEST"
#define ENROLL_LABEL_REPLY	"SANCTUM-C.ENROLL.REPLY"

/* What a node needs besides its identity to write its configuration. */
struct enroll_material {
	uint8_t		mode;		/* ENROLL_MODE_* */
	uint8_t		peer;		/* own peer id */
	uint8_t		to;		/* tunnel: the remote peer id */
	uint8_t		flags;		/* ENROLL_FLAG_* */
	uint64_t	flock;
	uint16_t	group;		/* liturgy group */
	uint8_t		net[4];		/* liturgy prefix or tunnel address */
	uint8_t		netlen;		/* prefix length of net */
	uint16_t	port;		/* cathedral port */
	uint16_t	natport;	/* cathedral NAT port, 0 = off */
	uint8_t		kek[32];	/* the device KEK of peer in flock */
	char		host[ENROLL_HOST_MAX + 1];	/* "": redeemed at */
};

void	enroll_token_new(uint8_t token[ENROLL_TOKEN_LEN]);
int	enroll_token_format(const uint8_t token[ENROLL_TOKEN_LEN], char *buf,
	    size_t len);
int	enroll_token_parse(const char *text, uint8_t token[ENROLL_TOKEN_LEN]);
int	enroll_token_lookup(const uint8_t token[ENROLL_TOKEN_LEN],
	    uint8_t out[ENROLL_LOOKUP_LEN]);
int	enroll_token_verifier(const uint8_t token[ENROLL_TOKEN_LEN],
	    uint8_t out[ENROLL_VERIFIER_LEN]);
int	enroll_token_wrap_key(const uint8_t token[ENROLL_TOKEN_LEN],
	    uint8_t out[32]);
int	enroll_material_seal(const struct enroll_material *,
	    const uint8_t token[ENROLL_TOKEN_LEN], uint8_t *out, size_t len,
	    size_t *outlen);
int	enroll_message_key(uint8_t key[32],
	    const uint8_t verifier[ENROLL_VERIFIER_LEN], const uint8_t *seed,
	    const char *label);
void	enroll_message_header(uint8_t *d, uint8_t type,
	    const uint8_t lookup[ENROLL_LOOKUP_LEN],
	    const uint8_t seed[ENROLL_SEED_LEN]);
int	enroll_material_open(struct enroll_material *,
	    const uint8_t token[ENROLL_TOKEN_LEN], const uint8_t *sealed,
	    size_t len);

#endif
