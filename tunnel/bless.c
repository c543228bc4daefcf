/*
 * bless: the only process that encrypts (tunnel.md 2.4). It holds the TX SA,
 * takes clear packets and graces from heaven-rx and hands ciphertext to
 * purgatory-tx. It has no descriptors and no network.
 */

#include <string.h>

#include "sanctum.h"

/* The TX SA. */
struct tx_sa {
	int			valid;
	uint32_t		spi;
	uint8_t			salt[4];
	uint64_t		seqnr;
	uint64_t		age;
	struct sanctum_aead	aead;
};

static struct tx_sa	sa;

/* Forget the SA and clear what STATUS shows for it. */
static void
sa_clear(void)
{
	struct sanctum_ifstat	*tx = &sanctum->state->tx;

	sanctum_wipe(&sa, sizeof(sa));
	atomic_store(&tx->spi, 0);
	atomic_store(&tx->age, 0);
	atomic_store(&tx->pkt, 0);
	atomic_store(&tx->bytes, 0);
	atomic_store(&tx->last, 0);
}

/* Take a new key (it replaces the old SA at once) or an erase request. */
static void
sa_check_slot(void)
{
	struct sanctum_ifstat	*tx = &sanctum->state->tx;
	uint8_t			key[32], salt[4];
	uint32_t		spi;
	int			erase;

	if (!slot_take(sanctum->slots[SHM_SLOT_TX], &spi, salt, key, &erase))
		return;
	sa_clear();
	if (!erase && sanctum_aead_init(&sa.aead, key) == 0) {
		sa.valid = 1;
		sa.spi = spi;
		memcpy(sa.salt, salt, 4);
		sa.seqnr = 1;
		sa.age = atomic_load(&sanctum->state->uptime);
		atomic_store(&tx->spi, spi);
		atomic_store(&tx->age, sa.age);
		atomic_store(&sanctum->state->holepunch, 1);
		log_msg("tx sa installed spi=%08x", spi);
	}
	sanctum_wipe(key, sizeof(key));
}

/*
 * Encrypt one packet into purgatory's ring, or drop it when there is no SA
 * or the SA reached its hard limits (then it is discarded for good).
 */
static void
bless_one(struct sanctum_proc *p, struct sanctum_packet *pkt, uint64_t now)
{
	struct sanctum_ifstat	*tx = &sanctum->state->tx;
	struct sanctum_data_hdr	h;
	size_t			len, tfc;

	if (!sa.valid) {
		counter_add(CTR_TX_NO_SA, 1);
		packet_put(pkt);
		return;
	}
	if (sa.seqnr >= SANCTUM_SA_HARD_PACKETS ||
	    (now > sa.age && now - sa.age >= SANCTUM_SA_HARD_SECONDS)) {
		log_msg("tx sa spi=%08x reached its hard limit", sa.spi);
		sa_clear();
		counter_add(CTR_TX_SA_EXPIRED, 1);
		packet_put(pkt);
		return;
	}
	h.spi = sa.spi;
	h.pn = sa.seqnr;
	h.seq = (uint32_t)h.pn;
	h.flock_src = p->cfg->cathedral_flock;
	h.flock_dst = p->cfg->cathedral_flock_dst;
	tfc = p->cfg->tfc ? p->cfg->tun_mtu : 0;
	if (sanctum_data_seal(&sa.aead, sa.salt, &h, PACKET_DATA(pkt),
	    pkt->length, SANCTUM_PACKET_SIZE - SANCTUM_PACKET_HEAD, pkt->next,
	    tfc, &len) == -1) {
		packet_put(pkt);
		return;
	}
	sa.seqnr++;
	pkt->length = (uint32_t)len;
	memset(&pkt->addr, 0, sizeof(pkt->addr));
	if (packet_send_to(SHM_RING_PURGATORY, pkt,
	    SANCTUM_PROC_PURGATORY_TX) == 0) {
		atomic_fetch_add(&tx->pkt, 1);
		atomic_fetch_add(&tx->bytes, len);
		atomic_store(&tx->last, now);
	}
}

/* The process: sandbox, then encrypt whatever heaven-rx queues. */
void
bless_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_SLOT_TX, SHM_RING_BLESS,
				    SHM_RING_PURGATORY };
	struct sanctum_packet	*pkt;
	uint64_t		now;

	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, NULL, 0);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		sa_check_slot();
		now = atomic_load(&sanctum->state->uptime);
		while ((pkt = packet_take(SHM_RING_BLESS)) != NULL) {
			sa_check_slot();
			bless_one(p, pkt, now);
		}
		proc_suspend(p->type, 0);
	}
	sanctum_wipe(&sa, sizeof(sa));
	exit(0);
}
