/*
 * INFO offers (cathedral.md 3.4, 3.5, 3.6, 3.9): the tunnel table, the
 * peer-address decision of the reply, NAT detection via CIBORIUM, the
 * remembrance list and ambry offers.
 */

#include <arpa/inet.h>
#include <string.h>

#include "cathedral.h"

/* The other end of a tunnel id (0xcafe <-> 0xfeca). */
static uint16_t
swap16(uint16_t id)
{
	return ((uint16_t)(id << 8 | id >> 8));
}

/* The tunnel entry (src, dst, id), or NULL. */
struct cath_tunnel *
cath_tunnel_find(uint64_t src, uint64_t dst, uint16_t id)
{
	struct tunnel_key	k = { src, dst, id };

	return (table_find(&cath->tunnels, &k));
}

/*
 * May fs talk to fd (full values)? Same domain byte, the same flock or an
 * xflock rule between the two, and both flocks configured.
 */
int
forward_allowed(uint64_t fs, uint64_t fd)
{
	const struct cath_conf	*c = cath->conf;
	uint64_t		a = fs & ~SANCTUM_FLOCK_DOMAIN_MASK;
	uint64_t		b = fd & ~SANCTUM_FLOCK_DOMAIN_MASK;

	if ((fs & SANCTUM_FLOCK_DOMAIN_MASK) != (fd & SANCTUM_FLOCK_DOMAIN_MASK))
		return (0);
	if (fs != fd && !cath_xflock_allowed(c, a, b))
		return (0);
	return (cath_flock_known(c, a) && cath_flock_known(c, b));
}

/* What an INFO reply carries. */
struct info_reply {
	uint32_t	flags;
	uint32_t	peer_ip;
	uint16_t	peer_port;
	uint32_t	local_ip;
	uint16_t	local_port;
};

/* Fill an INFO reply body. */
static void
fill_info(uint8_t *pkt, const void *arg)
{
	const struct info_reply	*r = arg;
	struct offer_info	i;

	memset(&i, 0, sizeof(i));
	i.flags = r->flags;
	i.peer_ip = r->peer_ip;
	i.peer_port = r->peer_port;
	i.local_ip = r->local_ip;
	i.local_port = r->local_port;
	sanctum_info_encode(pkt, &i);
}

/*
 * The reply to an INFO (cathedral.md 3.5): the peer's direct address when
 * both ends passed NAT detection with different public IPs, else ours (the
 * relay), with SAME_EXTERNAL when both public IPs are equal once the
 * cool-downs are over. local_ip/local_port carry the reference's swapped
 * values of the previous source (Appendix B.1).
 */
static void
info_reply(const struct cath_rx *rx, struct cath_tunnel *t, uint64_t fd,
    uint16_t id)
{
	struct info_reply	r;
	struct cath_tunnel	*p;
	int			cooling;

	if ((p = cath_tunnel_find(fd, rx->fdom, swap16(id))) == NULL)
		return;
	if (p->federated && !cath->cfg->cathedral_p2p_sync)
		return;
	memset(&r, 0, sizeof(r));
	cooling = cath->now < t->p2p_cooldown || cath->now < p->p2p_cooldown;
	r.local_ip = (uint32_t)t->port;
	r.local_port = (uint16_t)t->ip;
	if (t->peerinfo && p->peerinfo && t->p2p_ip != p->p2p_ip) {
		r.peer_ip = p->p2p_ip;
		r.peer_port = p->p2p_port;
		t->direct = 1;
	} else {
		if (!cooling && t->p2p_ip == p->p2p_ip)
			r.flags = SANCTUM_INFO_SAME_EXTERNAL;
		r.peer_ip = cath->adv_ip;
		r.peer_port = cath->adv_port;
		t->direct = 0;
	}
	cath_reply(rx, SANCTUM_OFFER_INFO, &r, fill_info);
}

/* Fill a REMEMBRANCE body from the current list. */
static void
fill_remembrance(uint8_t *pkt, const void *arg)
{
	struct offer_remembrance	r;

	(void)arg;
	memcpy(r.ips, cath->conf->rem_ips, sizeof(r.ips));
	memcpy(r.ports, cath->conf->rem_ports, sizeof(r.ports));
	sanctum_remembrance_encode(pkt, &r);
}

/* Send the remembrance list when it is due for this entry. */
void
cath_remembrance(const struct cath_rx *rx, uint64_t *update, uint32_t flags)
{
	if (!(flags & SANCTUM_INFO_REMEMBRANCE) || cath->now < *update)
		return;
	*update = cath->now + CATH_REMEMBRANCE_MS;
	cath_reply(rx, SANCTUM_OFFER_REMEMBRANCE, NULL, fill_remembrance);
}

/* Fill an AMBRY body: bundle header values and the entry's key and tag. */
static void
fill_ambry(uint8_t *pkt, const void *arg)
{
	const struct offer_ambry	*a = arg;

	sanctum_ambry_offer_encode(pkt, a);
}

/*
 * Offer the client the entry of the current bundle for its flock pair and
 * tunnel (cathedral.md 3.6) while it reports another generation. The
 * cathedral only copies: it holds no KEK.
 */
static void
ambry_offer(const struct cath_rx *rx, uint64_t fd, uint16_t id, uint32_t gen)
{
	const struct cath_bundle	*b;
	struct offer_ambry		a;
	uint64_t			D = fd & ~SANCTUM_FLOCK_DOMAIN_MASK;
	uint32_t			n;
	const uint8_t			*e;
	int				side;

	if (rx->flock != D && !cath_xflock_allowed(cath->conf, rx->flock, D))
		return;
	if ((b = cath_bundle_find(cath->conf, rx->flock, D)) == NULL)
		return;
	if (b->gen == gen)
		return;
	side = rx->flock == b->flock_a ? 0 : 1;
	if ((n = b->index[side * CATH_BUNDLE_IDX + id]) == 0)
		return;
	e = b->content + AMBRY_HDR_LEN + (size_t)(n - 1) * AMBRY_ENTRY_LEN;
	a.tunnel = id;
	memcpy(a.expires, b->expires, 2);
	memcpy(a.generation, b->generation, 4);
	memcpy(a.seed, b->seed, 64);
	memcpy(a.key, e + 10, 32);
	memcpy(a.tag, e + 42, 16);
	cath_reply(rx, SANCTUM_OFFER_AMBRY, &a, fill_ambry);
}

/* A new tunnel entry with its bandwidth bucket; NULL when the table is full. */
static struct cath_tunnel *
tunnel_create(const struct cath_rx *rx, uint64_t fd, uint16_t id,
    uint32_t mbit)
{
	struct tunnel_key	k = { rx->fdom, fd, id };
	struct cath_tunnel	*t;
	int			created;

	if ((t = table_insert(&cath->tunnels, &k, &created)) == NULL) {
		cath_count(CC_FULL_TUNNELS);
		return (NULL);
	}
	t->flock = rx->flock;
	t->csid = rx->csid;
	t->update = cath->now;
	t->p2p_cooldown = cath->now + CATH_COOLDOWN_MS;
	t->federated = rx->catacomb;
	t->limit = (uint64_t)(mbit / 8) * 1048576;
	t->drain_per_ms = t->limit / 1000;
	t->last_drain = cath->now;
	log_msg("%llx-%llx:%04x discovered (%u mbit/sec) (%d)",
	    (unsigned long long)rx->fdom, (unsigned long long)fd, id, mbit,
	    rx->catacomb);
	return (t);
}

/* An authenticated INFO (cathedral.md 3.4). */
void
cath_info(const struct cath_rx *rx)
{
	struct offer_info	i;
	struct cath_tunnel	*t;
	uint64_t		fd = get_be64(rx->d + 16);
	uint32_t		ip = rx->from.sin_addr.s_addr;
	uint16_t		port = rx->from.sin_port;

	sanctum_info_decode(rx->d, &i);
	if (!forward_allowed(rx->fdom, fd)) {
		cath_count(CC_RELAY_DROP_FLOCK);
		return;
	}
	if (!rx->ident->allowed[i.tunnel >> 8]) {
		cath_count(CC_REJECT_NOT_TIED);
		return;
	}
	if ((t = cath_tunnel_find(rx->fdom, fd, i.tunnel)) == NULL) {
		if (rx->nat)
			return;
		if ((t = tunnel_create(rx, fd, i.tunnel,
		    rx->ident->mbit[i.tunnel >> 8])) == NULL)
			return;
	}
	if (i.instance != t->instance && !rx->nat) {
		t->peerinfo = 0;
		t->p2p_cooldown = cath->now + CATH_COOLDOWN_MS;
	} else if (!rx->nat && !rx->catacomb) {
		info_reply(rx, t, fd, i.tunnel);
		cath_remembrance(rx, &t->update, i.flags);
	}
	if (!rx->nat && !rx->catacomb && !(i.flags & SANCTUM_INFO_SKIP_AMBRY))
		ambry_offer(rx, fd, i.tunnel, i.ambry_generation);
	if (rx->nat) {
		if (t->federated)
			return;
		if (ip != t->ip || port != t->port) {
			t->peerinfo = 0;
			t->p2p_ip = 0;
			t->p2p_port = 0;
		} else if (cath->now >= t->p2p_cooldown) {
			t->peerinfo = 1;
			t->p2p_ip = ip;
			t->p2p_port = port;
		}
		t->dirty = 1;
		return;
	}
	t->age = cath->now;
	t->rx_active = i.rx_active;
	t->rx_pending = i.rx_pending;
	t->instance = i.instance;
	t->ambry_gen = i.ambry_generation;
	t->ip = ip;
	t->port = port;
	t->dirty = 1;
	if (rx->catacomb) {
		t->federated = 1;
		return;
	}
	t->federated = 0;
	if (cath->now >= t->at) {
		t->at = cath->now + CATH_FEDERATE_MS;
		cath_federate(rx, rx->fdom, fd);
		cath_federate_p2p(rx, rx->fdom, fd, t, i.tunnel);
	}
}
