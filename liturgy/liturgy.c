/*
 * liturgy: autodiscovery of the peers of a liturgy group (cathedral.md
 * 6.2). A LITURGY offer to the cathedral every 5 s; each reply of our group
 * becomes a presence map (peer id -> listed or not) for the bishop, which
 * brings the matching tunnels up and down.
 */

#include <string.h>

#include "cathedral_link.h"
#include "sanctum.h"

static struct sanctum_proc	*self;

/*
 * A LITURGY reply: for our group, hand the bishop the whole presence map
 * at once (ids 1..254 but our own); a map replaces an unread older one.
 */
static void
liturgy_reply(const struct offer_liturgy *l)
{
	struct sanctum_packet	*pkt;
	uint8_t			local = (uint8_t)self->cfg->tun_spi;
	uint8_t			*map;
	int			id;

	if (l->group != self->cfg->liturgy_group) {
		counter_add(CTR_OFFER_IGNORED, 1);
		return;
	}
	if ((pkt = packet_get()) == NULL)
		return;
	map = PACKET_DATA(pkt);
	map[0] = local;
	for (id = 1; id < SANCTUM_LITURGY_PEERS; id++)
		map[id] = id != local && l->peers[id] == 1;
	pkt->length = SANCTUM_LITURGY_PEERS;
	(void)packet_send_to(SHM_RING_BISHOP, pkt, SANCTUM_PROC_BISHOP);
}

/* The process: credentials, sandbox, then a tick at least every second. */
void
liturgy_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_RING_CHAPEL, SHM_RING_PURGATORY,
				    SHM_RING_BISHOP };
	struct sanctum_packet	*pkt;
	uint8_t			ss[32];
	uint64_t		now;

	self = p;
	cathedral_link_init(p, liturgy_reply);
	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, NULL, 0);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		now = atomic_load(&sanctum->state->uptime);
		while ((pkt = packet_take(SHM_RING_CHAPEL)) != NULL) {
			(void)cathedral_link_recv(pkt, now, ss);
			sanctum_wipe(ss, sizeof(ss));
			packet_put(pkt);
		}
		cathedral_link_tick(now, 0);
		proc_suspend(p->type, 1);
	}
	cathedral_link_clear();
	exit(0);
}
