/*
 * shrine: the key process of a receive-only node (tunnel.md 5.2). It opens
 * the pilgrim's KEY offers with the shared secret and installs each new key
 * for confess. Nothing in this mode can send on the network.
 */

#include <string.h>
#include <time.h>

#include "oneway.h"
#include "sanctum.h"

static uint8_t		secret[32];
static uint32_t		last_spi;

/* One SACRAMNT datagram from purgatory-rx. */
static void
key_offer(struct sanctum_proc *p, struct sanctum_packet *pkt)
{
	struct offer_key	k;
	uint8_t			*d = PACKET_DATA(pkt);
	uint32_t		spi;
	enum sanctum_err	err;

	if (pkt->length != SANCTUM_OFFER_LEN) {
		counter_add(CTR_OFFER_SHORT, 1);
		return;
	}
	err = sanctum_offer_decrypt(d, pkt->length, secret,
	    SANCTUM_LABEL_PILGRIMAGE, 0, 0);
	if (err != SANCTUM_OK) {
		counter_add(CTR_OFFER_BAD_TAG, 1);
		return;
	}
	if (sanctum_offer_check_time(d, (uint64_t)time(NULL),
	    SANCTUM_OFFER_WINDOW_SHRINE) != SANCTUM_OK) {
		counter_add(CTR_OFFER_STALE, 1);
		return;
	}
	spi = get_be32(d + SANCTUM_OFFER_OFF_SPI);
	if (sanctum_offer_type(d) != SANCTUM_OFFER_KEY || spi == 0 ||
	    spi == last_spi) {
		counter_add(CTR_OFFER_IGNORED, 1);
		return;
	}
	sanctum_key_decode(d, &k);
	(void)peer_update(p->cfg, &pkt->addr);
	slot_install(sanctum->slots[SHM_SLOT_RX], spi, k.salt, k.key);
	proc_wake(SANCTUM_PROC_CONFESS);
	last_spi = spi;
	sanctum_wipe(&k, sizeof(k));
	log_msg("rx key installed spi=%08x", spi);
}

/* The process: secret, sandbox, then open what purgatory-rx queues. */
void
shrine_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_SLOT_RX, SHM_SLOT_SRX,
				    SHM_RING_CHAPEL };
	struct sanctum_packet	*pkt;

	oneway_secret(p->cfg, secret);
	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, NULL, 0);
	oneway_shroud(p->cfg, secret);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		while ((pkt = packet_take(SHM_RING_CHAPEL)) != NULL) {
			key_offer(p, pkt);
			sanctum_wipe(PACKET_DATA(pkt), SANCTUM_OFFER_LEN);
			packet_put(pkt);
		}
		proc_suspend(p->type, 0);
	}
	sanctum_wipe(secret, sizeof(secret));
	exit(0);
}
