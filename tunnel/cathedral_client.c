/*
 * The pure rules of the cathedral client (cathedral.md 2.3-2.8, 4.3, 5):
 * building the signed INFO offer, opening what the cathedral sends, the
 * ambry decision and the remembrance list. No I/O and no shared state, so
 * the unit tests run them on the vectors; cathedral_link.c drives them.
 */

#include <netinet/in.h>

#include <string.h>

#include "cathedral_link.h"

/*
 * The INFO fields a client announces (cathedral.md 2.4): flags say whether
 * we want the remembrance list and whether we take no ambries; addresses
 * stay zero.
 */
void
cathedral_info_fields(struct offer_info *info, const struct cathedral_keys *k,
    uint32_t generation, uint32_t rx_active, uint32_t rx_pending,
    uint64_t instance)
{
	memset(info, 0, sizeof(*info));
	if (k->remembrance)
		info->flags |= SANCTUM_INFO_REMEMBRANCE;
	if (!k->have_kek)
		info->flags |= SANCTUM_INFO_SKIP_AMBRY;
	info->tunnel = k->tun_spi;
	info->ambry_generation = generation;
	info->rx_active = rx_active;
	info->rx_pending = rx_pending;
	info->instance = instance;
}

/*
 * One client INFO offer (cathedral.md 2.3): header with our flocks and
 * identity and the given seed, signed with the COSK, encrypted with the
 * cathedral secret under (flock, 0). The magic is in the AAD, so the
 * CIBORIUM copy is built and encrypted on its own.
 */
int
cathedral_info_offer(uint8_t pkt[SANCTUM_OFFER_LEN], uint64_t magic,
    const struct cathedral_keys *k, const struct offer_info *info,
    uint64_t wall, const uint8_t seed[SANCTUM_SEED_LEN])
{
	sanctum_offer_init(pkt, magic, k->id, SANCTUM_OFFER_INFO, wall);
	sanctum_offer_set_flocks(pkt, k->flock, k->flock_dst);
	memcpy(pkt + SANCTUM_OFFER_OFF_SEED, seed, SANCTUM_SEED_LEN);
	sanctum_info_encode(pkt, info);
	sanctum_offer_sign(pkt, k->cosk);
	return (sanctum_offer_encrypt(pkt, k->cs, SANCTUM_LABEL_CATHEDRAL,
	    k->flock, 0));
}

/*
 * The LITURGY fields of a liturgy instance (cathedral.md 2.6, 6.2): our
 * peer id, group, hidden when not discoverable, no peer wishes (discovery
 * mode), and the remembrance flag.
 */
void
cathedral_liturgy_fields(struct offer_liturgy *l, const struct cathedral_keys *k,
    uint16_t group, int hidden)
{
	memset(l, 0, sizeof(*l));
	l->id = (uint8_t)k->tun_spi;
	l->group = group;
	l->hidden = hidden ? 1 : 0;
	if (k->remembrance)
		l->flags |= SANCTUM_LITURGY_REMEMBRANCE;
}

/*
 * One LITURGY offer: header flock_src = our flock, flock_dst = 0, spi = our
 * identity; signed and encrypted like INFO.
 */
int
cathedral_liturgy_offer(uint8_t pkt[SANCTUM_OFFER_LEN],
    const struct cathedral_keys *k, const struct offer_liturgy *l,
    uint64_t wall, const uint8_t seed[SANCTUM_SEED_LEN])
{
	sanctum_offer_init(pkt, SANCTUM_MAGIC_KATEDRAL, k->id,
	    SANCTUM_OFFER_LITURGY, wall);
	sanctum_offer_set_flocks(pkt, k->flock, 0);
	memcpy(pkt + SANCTUM_OFFER_OFF_SEED, seed, SANCTUM_SEED_LEN);
	sanctum_liturgy_encode(pkt, l);
	sanctum_offer_sign(pkt, k->cosk);
	return (sanctum_offer_encrypt(pkt, k->cs, SANCTUM_LABEL_CATHEDRAL,
	    k->flock, 0));
}

/*
 * Open a KATEDRAL datagram in place (cathedral.md 2.3, client side): our
 * secret and (flock, 0), +-10 s, and it must be about our identity. Header
 * flocks and extra are the cathedral's random bytes and are not looked at.
 */
enum cathedral_rx
cathedral_open(uint8_t *pkt, size_t len, const struct cathedral_keys *k,
    uint64_t wall)
{
	if (len < SANCTUM_OFFER_LEN)
		return (CATHEDRAL_RX_SHORT);
	if (sanctum_offer_magic(pkt, len) != SANCTUM_MAGIC_KATEDRAL)
		return (CATHEDRAL_RX_IGNORED);
	if (sanctum_offer_decrypt(pkt, len, k->cs, SANCTUM_LABEL_CATHEDRAL,
	    k->flock, 0) != SANCTUM_OK)
		return (CATHEDRAL_RX_TAG);
	if (sanctum_offer_check_time(pkt, wall, SANCTUM_OFFER_WINDOW) !=
	    SANCTUM_OK)
		return (CATHEDRAL_RX_STALE);
	if (get_be32(pkt + SANCTUM_OFFER_OFF_SPI) != k->id)
		return (CATHEDRAL_RX_IGNORED);
	return (CATHEDRAL_RX_OK);
}

/*
 * An opened AMBRY offer (cathedral.md 4.3): for our tunnel, a generation
 * we do not have, unwrapped with our KEK under the domain-stripped flocks,
 * not expired. ss and the generation are written only on success.
 */
enum cathedral_ambry
cathedral_ambry(const struct cathedral_keys *k, const uint8_t *pkt,
    uint32_t generation, uint64_t wall, uint8_t ss[32],
    uint32_t *new_generation)
{
	struct offer_ambry	a;
	enum cathedral_ambry	r;
	enum sanctum_err	err;

	if (!k->have_kek)
		return (CATHEDRAL_AMBRY_NO_KEK);
	sanctum_ambry_offer_decode(pkt, &a);
	if (a.tunnel != k->tun_spi)
		r = CATHEDRAL_AMBRY_WRONG_TUNNEL;
	else if (get_be32(a.generation) == generation)
		r = CATHEDRAL_AMBRY_SAME_GENERATION;
	else {
		err = ambry_unwrap(ss, k->kek,
		    k->flock & ~SANCTUM_FLOCK_DOMAIN_MASK,
		    k->flock_dst & ~SANCTUM_FLOCK_DOMAIN_MASK, k->tun_spi,
		    a.expires, a.generation, a.seed, a.key, a.tag, wall);
		if (err == SANCTUM_OK) {
			*new_generation = get_be32(a.generation);
			r = CATHEDRAL_AMBRY_OK;
		} else if (err == SANCTUM_ERR_EXPIRED) {
			r = CATHEDRAL_AMBRY_EXPIRED;
		} else {
			r = CATHEDRAL_AMBRY_BAD_TAG;
		}
	}
	sanctum_wipe(&a, sizeof(a));
	return (r);
}

/* The reason of an ambry result, for the log. */
const char *
cathedral_ambry_reason(enum cathedral_ambry r)
{
	switch (r) {
	case CATHEDRAL_AMBRY_OK:
		return ("installed");
	case CATHEDRAL_AMBRY_NO_KEK:
		return ("no kek configured");
	case CATHEDRAL_AMBRY_WRONG_TUNNEL:
		return ("for another tunnel");
	case CATHEDRAL_AMBRY_SAME_GENERATION:
		return ("generation already installed");
	case CATHEDRAL_AMBRY_BAD_TAG:
		return ("does not unwrap with our kek");
	case CATHEDRAL_AMBRY_EXPIRED:
		return ("expired");
	}
	return ("unknown");
}

/* The remembrance file: the 32 raw IPs, then the 32 raw ports. */
void
cathedral_remembrance_file(uint8_t out[CATHEDRAL_REMEMBRANCE_LEN],
    const struct offer_remembrance *r)
{
	memcpy(out, r->ips, sizeof(r->ips));
	memcpy(out + sizeof(r->ips), r->ports, sizeof(r->ports));
}

/*
 * Load a remembrance file as the fail-over list, starting over at entry 0.
 * Entries count up to the first one with a zero IP or port; the slots after
 * it are cleared, so a cathedral dropped from the list is not tried again
 * (the reference keeps stale slots, cathedral.md B.11).
 */
void
cathedral_list_load(struct cathedral_list *l,
    const uint8_t file[CATHEDRAL_REMEMBRANCE_LEN])
{
	const uint8_t	*ports = file + sizeof(l->ips);
	int		i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < SANCTUM_REMEMBRANCE_SLOTS; i++) {
		memcpy(&l->ips[i], file + 4 * i, 4);
		memcpy(&l->ports[i], ports + 2 * i, 2);
		if (l->ips[i] == 0 || l->ports[i] == 0) {
			l->ips[i] = 0;
			l->ports[i] = 0;
			break;
		}
	}
}

/*
 * Fail-over (cathedral.md 5): the entry after the current one, wrapping to
 * 0 at the end of the slots or at the first empty one. 0 when the list is
 * empty (then nothing changes).
 */
int
cathedral_list_next(struct cathedral_list *l, uint32_t *ip, uint16_t *port)
{
	int	i = l->index + 1;

	if (i >= SANCTUM_REMEMBRANCE_SLOTS || l->ips[i] == 0 ||
	    l->ports[i] == 0)
		i = 0;
	if (l->ips[i] == 0 || l->ports[i] == 0)
		return (0);
	l->index = i;
	*ip = l->ips[i];
	*port = l->ports[i];
	return (1);
}

/*
 * Whether an address a cathedral announced can be a peer: a unicast IPv4
 * address and a port, both non-zero (network order).
 */
int
cathedral_peer_usable(uint32_t ip, uint16_t port)
{
	uint32_t	h = ntohl(ip);

	return (ip != 0 && port != 0 && !IN_MULTICAST(h) &&
	    h != INADDR_BROADCAST);
}
