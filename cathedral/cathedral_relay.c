/*
 * Relaying what the cathedral cannot read (cathedral.md 3.8): key offers
 * by the sender's SPI, data by the receiver's SPI, shaped per receiving
 * tunnel. Beyond the reference, the sender must be a registered tunnel and
 * the datagram must come from the address it registered from, so a third
 * party (or a revoked node) cannot push traffic through the relay.
 */

#include <string.h>

#include "cathedral.h"

/* The other end of a tunnel id. */
static uint16_t
swap16(uint16_t id)
{
	return ((uint16_t)(id << 8 | id >> 8));
}

/* The sender entry, if the datagram really comes from where it registered. */
static struct cath_tunnel *
sender(uint64_t fs, uint64_t fd, uint16_t id, const struct sockaddr_in *from)
{
	struct cath_tunnel	*s;

	if ((s = cath_tunnel_find(fs, fd, id)) == NULL)
		return (NULL);
	if (s->ip != from->sin_addr.s_addr || s->port != from->sin_port)
		return (NULL);
	return (s);
}

/* The shroud key towards an entry: its identity's, or the federation key. */
static const uint8_t *
shroud_key_for(const struct cath_tunnel *t)
{
	const struct cath_ident	*id;

	if (!cath->cfg->shroud)
		return (NULL);
	if (t->federated)
		return (cath->fed_shroud);
	id = cath_ident_find(cath->conf, t->flock, t->csid);
	return (id != NULL ? id->shroud_key : NULL);
}

/* Send a relayed datagram on, unchanged (re-shrouded if shroud is on). */
static void
relay(struct sanctum_packet *pkt, uint8_t *d, size_t len,
    const struct cath_tunnel *r)
{
	if (d != PACKET_DATA(pkt))
		memmove(PACKET_DATA(pkt), d, len);
	pkt->length = (uint32_t)len;
	pkt->flags = 0;
	cath_send(pkt, r->ip, r->port, shroud_key_for(r));
}

/* A key offer (SACRAMNT): header flocks and the sender's SPI. */
void
cath_forward_offer(struct sanctum_packet *pkt, uint8_t *d, size_t len,
    const struct sockaddr_in *from)
{
	uint64_t		fs = get_be64(d + 8), fd = get_be64(d + 16);
	uint16_t		tid = (uint16_t)(get_be32(d + 24) >> 16);
	struct cath_tunnel	*s, *r;

	if (!forward_allowed(fs, fd)) {
		cath_count(CC_RELAY_DROP_FLOCK);
		goto drop;
	}
	if ((s = sender(fs, fd, tid, from)) == NULL) {
		cath_count(CC_RELAY_DROP_NO_SENDER);
		goto drop;
	}
	if ((r = cath_tunnel_find(fd, fs, swap16(tid))) == NULL) {
		cath_count(CC_RELAY_DROP_NO_RECEIVER);
		goto drop;
	}
	s->pkts_in++;
	s->bytes_in += len;
	r->pkts_out++;
	r->bytes_out += len;
	s->dirty = r->dirty = 1;
	cath_count(CC_RELAY_OFFERS);
	relay(pkt, d, len, r);
	return;
drop:
	packet_put(pkt);
}

/* The receiver's bandwidth bucket: 1 when the packet may pass. */
static int
bucket_allow(struct cath_tunnel *r, size_t len)
{
	uint64_t	delta, drained;

	if (r->limit == 0)
		return (1);
	delta = cath->now - r->last_drain;
	if (delta >= 1) {
		r->last_drain = cath->now;
		drained = r->drain_per_ms * delta;
		r->current = drained >= r->current ? 0 : r->current - drained;
	}
	if (r->current >= r->limit)
		return (0);
	r->current += len;
	return (1);
}

/* A data packet: the receiver by its SPI, which it must have reported. */
void
cath_forward_data(struct sanctum_packet *pkt, uint8_t *d, size_t len,
    const struct sockaddr_in *from)
{
	uint64_t		fs = get_be64(d + 16), fd = get_be64(d + 24);
	uint32_t		spi = get_be32(d);
	uint16_t		tid = (uint16_t)(spi >> 16);
	struct cath_tunnel	*s, *r;

	if (!forward_allowed(fs, fd)) {
		cath_count(CC_RELAY_DROP_FLOCK);
		goto drop;
	}
	if ((r = cath_tunnel_find(fd, fs, tid)) == NULL) {
		cath_count(CC_RELAY_DROP_NO_RECEIVER);
		goto drop;
	}
	if (spi == 0 || (spi != r->rx_active && spi != r->rx_pending)) {
		cath_count(CC_RELAY_DROP_SPI);
		goto drop;
	}
	if ((s = sender(fs, fd, swap16(tid), from)) == NULL) {
		cath_count(CC_RELAY_DROP_NO_SENDER);
		goto drop;
	}
	if (!bucket_allow(r, len)) {
		cath_count(CC_RELAY_DROP_BANDWIDTH);
		goto drop;
	}
	s->pkts_in++;
	s->bytes_in += len;
	r->pkts_out++;
	r->bytes_out += len;
	s->dirty = r->dirty = 1;
	cath_count(CC_RELAY_PACKETS);
	cath_count_n(CC_RELAY_BYTES, len);
	relay(pkt, d, len, r);
	return;
drop:
	packet_put(pkt);
}
