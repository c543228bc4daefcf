/*
 * Shroud at the cathedral (cathedral.md 3.14): find which client's key
 * unmasks a datagram from the shroud identity in its header (cached, else
 * computed against every identity), or the federation key for a peer
 * cathedral.
 */

#include <string.h>

#include "cathedral.h"

struct ident_iter_key {
	uint64_t	flock;
	uint32_t	csid;
} __attribute__((packed));

/* Unmask with one key; the packet then sits at PACKET_DATA. */
static int
unmask(struct sanctum_packet *pkt, size_t len, const uint8_t *key)
{
	size_t	plen;

	if (sanctum_unshroud(pkt->buf, len, key, &plen) != SANCTUM_OK)
		return (-1);
	pkt->length = (uint32_t)plen;
	return (0);
}

/*
 * The identity whose current shroud identity is id: the cache first, then
 * KMAC256(base identity, seed_id) for every identity (remembered on a match).
 */
static const struct cath_ident *
identity_of(const uint8_t id[16], const uint8_t seed_id[16])
{
	struct cath_shroud_id		*cached;
	const struct ident_iter_key	*k;
	const struct cath_ident		*ci;
	const void			*key;
	uint8_t				want[16];
	size_t				iter = 0;
	int				created;

	if ((cached = table_find(&cath->shroud_ids, id)) != NULL &&
	    (ci = cath_ident_find(cath->conf, cached->flock,
	    cached->csid)) != NULL) {
		cached->last = cath->now;
		return (ci);
	}
	while ((ci = table_next(&cath->conf->idents, &iter, &key)) != NULL) {
		if (sanctum_shroud_identity(want, ci->shroud_base, seed_id) == -1 ||
		    !sanctum_memeq(want, id, 16))
			continue;
		k = key;
		if ((cached = table_insert(&cath->shroud_ids, id,
		    &created)) != NULL) {
			cached->flock = k->flock;
			cached->csid = k->csid;
			cached->last = cath->now;
		}
		return (ci);
	}
	return (NULL);
}

/*
 * Remove the shroud of a received datagram (it arrived at pkt->buf).
 * 0 on success with the key that was used; -1 (counted) otherwise.
 */
int
cath_unshroud(struct sanctum_packet *pkt, size_t len, const uint8_t **key)
{
	const struct cath_ident	*ci;

	if (len < SANCTUM_DATA_OVERHEAD + SANCTUM_SHROUD_HDR_LEN) {
		cath_count(CC_RUNT);
		return (-1);
	}
	if ((ci = identity_of(pkt->buf, pkt->buf + 16)) != NULL &&
	    unmask(pkt, len, ci->shroud_key) == 0) {
		*key = ci->shroud_key;
		return (0);
	}
	if (cath_fed_index(cath->conf, pkt->addr.sin_addr.s_addr,
	    pkt->addr.sin_port) != -1 && unmask(pkt, len, cath->fed_shroud) == 0) {
		*key = cath->fed_shroud;
		return (0);
	}
	cath_count(CC_REJECT_SHROUD);
	return (-1);
}
