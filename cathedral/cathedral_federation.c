/*
 * Federation (cathedral.md 3.10): every INFO and LITURGY a local client
 * sends is passed to each peer cathedral as CATACOMB, with the client's
 * signed data kept; a P2P_INFO follows each INFO. The sync secret
 * authenticates cathedrals; client statements still need the client's own
 * signature on the receiving side.
 */

#include <string.h>
#include <time.h>

#include "cathedral.h"

/* Encrypt a CATACOMB packet for each federation peer and send it. */
static void
to_peers(const uint8_t *plain, uint64_t fs, uint64_t fd, uint32_t csid)
{
	struct sanctum_packet	*pkt;
	const struct cath_conf	*c = cath->conf;
	size_t			i, len;

	for (i = 0; i < c->nfeds; i++) {
		if ((pkt = packet_get()) == NULL)
			return;
		memcpy(PACKET_DATA(pkt), plain, SANCTUM_OFFER_LEN);
		put_be64(PACKET_DATA(pkt), SANCTUM_MAGIC_CATACOMB);
		put_be64(PACKET_DATA(pkt) + 8, fs);
		put_be64(PACKET_DATA(pkt) + 16, fd);
		put_be32(PACKET_DATA(pkt) + SANCTUM_OFFER_OFF_SPI, csid);
		sanctum_random_bytes(PACKET_DATA(pkt) + SANCTUM_OFFER_OFF_SEED,
		    SANCTUM_SEED_LEN);
		if (sanctum_offer_encrypt(PACKET_DATA(pkt), cath->sync,
		    SANCTUM_LABEL_CATACOMB, fs, 0) == -1) {
			packet_put(pkt);
			return;
		}
		len = SANCTUM_OFFER_LEN;
		if (cath->cfg->tfc) {
			len = (size_t)cath->cfg->cathedral_mtu +
			    SANCTUM_DATA_OVERHEAD;
			sanctum_random_bytes(PACKET_DATA(pkt) +
			    SANCTUM_OFFER_LEN, len - SANCTUM_OFFER_LEN);
		}
		pkt->length = (uint32_t)len;
		cath_count(CC_FEDERATED);
		cath_send(pkt, c->feds[i].sin_addr.s_addr, c->feds[i].sin_port,
		    cath->fed_shroud);
	}
}

/* Federate a client's INFO or LITURGY: its data and signature, unchanged. */
void
cath_federate(const struct cath_rx *rx, uint64_t fs, uint64_t fd)
{
	if (cath->conf->nfeds == 0)
		return;
	to_peers(rx->d, fs, fd, rx->csid);
}

/*
 * The P2P_INFO that follows a federated INFO: where this cathedral sees the
 * client, and whether NAT detection allows p2p (zeros without p2p sync).
 */
void
cath_federate_p2p(const struct cath_rx *rx, uint64_t fs, uint64_t fd,
    const struct cath_tunnel *t, uint16_t id)
{
	uint8_t			pkt[SANCTUM_OFFER_LEN];
	struct offer_p2p	p;

	if (cath->conf->nfeds == 0)
		return;
	memset(&p, 0, sizeof(p));
	p.tunnel = id;
	if (cath->cfg->cathedral_p2p_sync) {
		p.ip = t->ip;
		p.port = t->port;
		p.flags = (uint32_t)t->peerinfo;
	}
	sanctum_offer_init(pkt, SANCTUM_MAGIC_CATACOMB, rx->csid,
	    SANCTUM_OFFER_P2P_INFO, (uint64_t)time(NULL));
	sanctum_p2p_encode(pkt, &p);
	to_peers(pkt, fs, fd, rx->csid);
	sanctum_wipe(pkt, sizeof(pkt));
}

/* A P2P_INFO from a peer cathedral for one of its clients' tunnels. */
void
cath_p2p_info(const struct cath_rx *rx)
{
	struct offer_p2p	p;
	struct cath_tunnel	*t;
	uint64_t		fd = get_be64(rx->d + 16);

	if (!rx->catacomb || !cath->cfg->cathedral_p2p_sync)
		return;
	sanctum_p2p_decode(rx->d, &p);
	if (!forward_allowed(rx->fdom, fd) || rx->ident == NULL ||
	    !rx->ident->allowed[p.tunnel >> 8])
		return;
	if ((t = cath_tunnel_find(rx->fdom, fd, p.tunnel)) == NULL ||
	    !t->federated)
		return;
	t->p2p_ip = p.ip;
	t->p2p_port = p.port;
	t->peerinfo = p.flags != 0;
	t->dirty = 1;
}
