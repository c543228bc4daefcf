/*
 * LITURGY offers (cathedral.md 3.7): group membership for autodiscovery.
 * Each entry says which peer ids it wants; the reply lists the visible
 * peers of the same group in the same flock and domain.
 */

#include <string.h>

#include "cathedral.h"

/* What a liturgy reply carries. */
struct liturgy_reply {
	uint16_t	group;
	uint8_t		peers[SANCTUM_LITURGY_PEERS];
};

/* Fill a LITURGY reply body. */
static void
fill_liturgy(uint8_t *pkt, const void *arg)
{
	const struct liturgy_reply	*r = arg;
	struct offer_liturgy		l;

	memset(&l, 0, sizeof(l));
	l.group = r->group;
	memcpy(l.peers, r->peers, sizeof(l.peers));
	sanctum_liturgy_encode(pkt, &l);
}

/*
 * The peers the requester may see: same flock and domain, same group,
 * visible unless both are hidden, and with signaling on both sides only
 * those one of them asked for.
 */
static void
liturgy_reply(const struct cath_rx *rx, const struct liturgy_key *k,
    const struct cath_liturgy *e)
{
	struct liturgy_reply		r;
	const struct liturgy_key	*xk;
	const struct cath_liturgy	*x;
	const void			*key;
	size_t				iter = 0;
	int				wanted;

	memset(&r, 0, sizeof(r));
	r.group = e->group;
	while ((x = table_next(&cath->liturgies, &iter, &key)) != NULL) {
		xk = key;
		if (x == e || xk->flock != k->flock || x->group != e->group)
			continue;
		if (e->hidden && x->hidden)
			continue;
		wanted = 1;
		if ((x->flags & SANCTUM_LITURGY_SIGNALING) &&
		    (e->flags & SANCTUM_LITURGY_SIGNALING))
			wanted = e->peers[xk->id] || x->peers[k->id];
		if (wanted && xk->id < SANCTUM_LITURGY_PEERS)
			r.peers[xk->id] = 1;
	}
	cath_reply(rx, SANCTUM_OFFER_LITURGY, &r, fill_liturgy);
}

/* An authenticated LITURGY (cathedral.md 3.7). */
void
cath_liturgy(const struct cath_rx *rx)
{
	struct offer_liturgy	l;
	struct liturgy_key	k;
	struct cath_liturgy	*e;
	uint64_t		fd = get_be64(rx->d + 16) & ~SANCTUM_FLOCK_DOMAIN_MASK;
	int			created;

	if ((!rx->catacomb && fd != 0) || (rx->catacomb && fd != rx->flock)) {
		cath_count(CC_RELAY_DROP_FLOCK);
		return;
	}
	sanctum_liturgy_decode(rx->d, &l);
	if (l.id == 0 || l.id >= SANCTUM_LITURGY_PEERS ||
	    !rx->ident->allowed[l.id]) {
		cath_count(CC_REJECT_NOT_TIED);
		return;
	}
	memset(&k, 0, sizeof(k));
	k.flock = rx->fdom;
	k.id = l.id;
	k.signaling = (l.flags & SANCTUM_LITURGY_SIGNALING) ? 1 : 0;
	if ((e = table_insert(&cath->liturgies, &k, &created)) == NULL) {
		cath_count(CC_FULL_LITURGIES);
		return;
	}
	if (created) {
		e->flags = l.flags;
		e->update = cath->now;
		e->federated = rx->catacomb;
	}
	if (created || e->group != l.group)
		log_msg("%s liturgy for %llx:%02x group %04x (%d) (%u)",
		    k.signaling ? "signaling" : "discovery",
		    (unsigned long long)rx->fdom, l.id, l.group, rx->catacomb,
		    l.hidden);
	e->csid = rx->csid;
	e->age = cath->now;
	e->group = l.group;
	e->hidden = l.hidden;
	e->ip = rx->from.sin_addr.s_addr;
	e->port = rx->from.sin_port;
	memcpy(e->peers, l.peers, sizeof(e->peers));
	cath_remembrance(rx, &e->update, l.flags & SANCTUM_LITURGY_REMEMBRANCE ?
	    SANCTUM_INFO_REMEMBRANCE : 0);
	if (rx->catacomb) {
		e->federated = 1;
		return;
	}
	e->federated = 0;
	if (cath->now < e->at)
		return;
	e->at = cath->now + CATH_FEDERATE_MS;
	cath_federate(rx, rx->fdom, rx->fdom);
	liturgy_reply(rx, &k, e);
}
