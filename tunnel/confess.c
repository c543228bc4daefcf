/*
 * confess: the only process that decrypts (tunnel.md 2.6). It holds the
 * active and pending RX SAs with their replay windows, checks every packet
 * before and after authentication, and hands clear packets to heaven-tx.
 */

#include <string.h>

#include "sanctum.h"

/* An RX SA with its own replay window. */
struct rx_sa {
	int			valid;
	int			pending;	/* no packet authenticated yet */
	uint32_t		spi;
	uint8_t			salt[4];
	uint64_t		age;
	struct sanctum_replay	replay;
	struct sanctum_aead	aead;
};

static struct rx_sa	active;
static struct rx_sa	pending;

/* Clear what STATUS shows for the RX direction. */
static void
rx_stats_clear(void)
{
	struct sanctum_ifstat	*rx = &sanctum->state->rx;

	atomic_store(&rx->spi, 0);
	atomic_store(&rx->age, 0);
	atomic_store(&rx->pkt, 0);
	atomic_store(&rx->bytes, 0);
	atomic_store(&rx->last, 0);
	atomic_store(&sanctum->state->rx_pending, 0);
	atomic_store(&sanctum->state->last_pn, 0);
}

/*
 * A new RX key goes into the active slot when there is none, else into
 * pending (replacing an older pending SA); an erase wipes both.
 */
static void
sa_check_slot(void)
{
	struct sanctum_state	*st = sanctum->state;
	struct rx_sa		*sa;
	uint8_t			key[32], salt[4];
	uint32_t		spi;
	int			erase;

	if (!slot_take(sanctum->slots[SHM_SLOT_RX], &spi, salt, key, &erase))
		return;
	if (erase) {
		sanctum_wipe(&active, sizeof(active));
		sanctum_wipe(&pending, sizeof(pending));
		rx_stats_clear();
		sanctum_wipe(key, sizeof(key));
		return;
	}
	sa = active.valid ? &pending : &active;
	sanctum_wipe(sa, sizeof(*sa));
	if (sanctum_aead_init(&sa->aead, key) == 0) {
		sa->valid = 1;
		sa->pending = 1;
		sa->spi = spi;
		memcpy(sa->salt, salt, 4);
		sa->age = atomic_load(&st->uptime);
		sanctum_replay_init(&sa->replay);
		if (sa == &active) {
			atomic_store(&st->rx.spi, spi);
			atomic_store(&st->rx.age, sa->age);
		} else {
			atomic_store(&st->rx_pending, spi);
		}
		log_msg("rx sa installed spi=%08x %s", spi,
		    sa == &active ? "active" : "pending");
	}
	sanctum_wipe(key, sizeof(key));
}

/* Map a replay-window refusal onto its counter. */
static void
count_replay(enum sanctum_err err)
{
	counter_add(err == SANCTUM_ERR_REPLAY ? CTR_RX_REPLAY : CTR_RX_TOO_OLD,
	    1);
}

/*
 * Authenticate pkt under sa: replay check first (nothing changes on a
 * forged packet), then AEAD. Returns 0 with the payload length and next.
 */
static int
sa_open(struct rx_sa *sa, const struct sanctum_data_hdr *h,
    struct sanctum_packet *pkt, size_t *plen, uint8_t *next)
{
	enum sanctum_err	err;

	if ((err = sanctum_replay_check(&sa->replay, h->pn)) != SANCTUM_OK) {
		count_replay(err);
		return (-1);
	}
	err = sanctum_data_open(&sa->aead, sa->salt, PACKET_DATA(pkt),
	    pkt->length, plen, next);
	if (err == SANCTUM_ERR_TAG) {
		counter_add(CTR_RX_BAD_TAG, 1);
		return (-1);
	}
	if (err != SANCTUM_OK) {
		counter_add(CTR_RX_BAD_TAIL, 1);
		return (-1);
	}
	sanctum_replay_update(&sa->replay, h->pn);
	return (0);
}

/*
 * The first packet on the pending SA proves the peer switched: it becomes
 * active with its own replay window (no replay of the promoting packet).
 */
static void
promote(void)
{
	struct sanctum_state	*st = sanctum->state;

	sanctum_wipe(&active, sizeof(active));
	active = pending;
	sanctum_wipe(&pending, sizeof(pending));
	atomic_store(&st->rx_pending, 0);
	atomic_store(&st->last_pn, active.replay.last);
}

/* Decrypt one packet and pass it on, or drop it with its reason counted. */
static void
confess_one(struct sanctum_proc *p, struct sanctum_packet *pkt, uint64_t now)
{
	struct sanctum_state	*st = sanctum->state;
	struct sanctum_data_hdr	h;
	struct rx_sa		*sa = NULL;
	size_t			plen, trimmed;
	uint8_t			next;

	if (sanctum_data_header(PACKET_DATA(pkt), pkt->length, &h) !=
	    SANCTUM_OK) {
		counter_add(CTR_RX_MALFORMED, 1);
		goto drop;
	}
	if (h.flock_src != p->cfg->cathedral_flock_dst ||
	    h.flock_dst != p->cfg->cathedral_flock) {
		counter_add(CTR_RX_BAD_FLOCK, 1);
		goto drop;
	}
	if (active.valid && active.spi == h.spi)
		sa = &active;
	else if (pending.valid && pending.spi == h.spi)
		sa = &pending;
	if (sa == NULL) {
		counter_add(CTR_RX_UNKNOWN_SPI, 1);
		goto drop;
	}
	if (sa_open(sa, &h, pkt, &plen, &next) == -1)
		goto drop;

	if (sa->pending) {
		sa->pending = 0;
		atomic_store(&st->rx.spi, sa->spi);
		atomic_store(&st->rx.age, sa->age);
		atomic_store(&st->rx.pkt, 1);
		atomic_store(&st->rx.bytes, 0);
	}
	if (sa == &pending)
		promote();
	else
		atomic_store(&st->last_pn, active.replay.last);
	(void)peer_update(p->cfg, &pkt->addr);
	atomic_store(&st->heartbeat, now);

	if (next == SANCTUM_NEXT_PACKET && p->cfg->tfc) {
		if (sanctum_tfc_trim(PACKET_DATA(pkt) + SANCTUM_DATA_HDR_LEN,
		    plen, p->cfg->tun_mtu, &trimmed) != SANCTUM_OK) {
			counter_add(CTR_RX_TFC, 1);
			goto drop;
		}
		plen = trimmed;
	}
	pkt->length = (uint32_t)plen;
	pkt->next = next;
	(void)packet_send_to(SHM_RING_HEAVEN, pkt, SANCTUM_PROC_HEAVEN_TX);
	return;
drop:
	packet_put(pkt);
}

/* The process: sandbox, then decrypt whatever purgatory-rx queues. */
void
confess_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_SLOT_RX, SHM_RING_CONFESS,
				    SHM_RING_HEAVEN };
	struct sanctum_packet	*pkt;
	uint64_t		now;

	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, NULL, 0);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		sa_check_slot();
		now = atomic_load(&sanctum->state->uptime);
		while ((pkt = packet_take(SHM_RING_CONFESS)) != NULL) {
			sa_check_slot();
			confess_one(p, pkt, now);
		}
		proc_suspend(p->type, 0);
	}
	sanctum_wipe(&active, sizeof(active));
	sanctum_wipe(&pending, sizeof(pending));
	exit(0);
}
