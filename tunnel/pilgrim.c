/*
 * pilgrim: the key process of a send-only node (tunnel.md 5.1). It picks a
 * random traffic key, installs it for bless at once, and sends it to the
 * shrine in KEY offers wrapped under the shared secret, every 30 s.
 */

#include <string.h>
#include <time.h>

#include "oneway.h"
#include "sanctum.h"

/* The key being announced. */
struct pilgrimage {
	int		active;
	int		ttl;
	uint64_t	pulse;
	uint32_t	spi;
	uint8_t		salt[4];
	uint8_t		key[32];
};

static uint8_t			secret[32];
static uint64_t			instance_id;
static struct pilgrimage	offer;

/* A fresh key for bless, and the offer that carries it. */
static void
new_key(uint64_t now)
{
	do {
		offer.spi = sanctum_random_u32();
	} while (offer.spi == 0);
	sanctum_random_bytes(offer.salt, sizeof(offer.salt));
	sanctum_random_bytes(offer.key, sizeof(offer.key));
	slot_install(sanctum->slots[SHM_SLOT_TX], offer.spi, offer.salt,
	    offer.key);
	proc_wake(SANCTUM_PROC_BLESS);
	offer.active = 1;
	offer.ttl = ONEWAY_OFFER_TTL;
	offer.pulse = now;
	log_msg("new tx key spi=%08x", offer.spi);
}

/* One KEY offer: exactly 623 bytes, no TFC padding. */
static void
send_offer(void)
{
	struct sanctum_packet	*pkt;
	struct offer_key	k;

	if ((pkt = packet_get()) == NULL)
		return;
	k.id = instance_id;
	memcpy(k.salt, offer.salt, 4);
	memcpy(k.key, offer.key, 32);
	sanctum_offer_init(PACKET_DATA(pkt), SANCTUM_MAGIC_SACRAMENT, offer.spi,
	    SANCTUM_OFFER_KEY, (uint64_t)time(NULL));
	sanctum_key_encode(PACKET_DATA(pkt), &k);
	sanctum_wipe(&k, sizeof(k));
	if (sanctum_offer_encrypt(PACKET_DATA(pkt), secret,
	    SANCTUM_LABEL_PILGRIMAGE, 0, 0) == -1) {
		packet_put(pkt);
		return;
	}
	pkt->length = SANCTUM_OFFER_LEN;
	(void)packet_send_to(SHM_RING_OFFER, pkt, SANCTUM_PROC_PURGATORY_TX);
}

/* The process: secret, sandbox, then a tick at least every second. */
void
pilgrim_main(struct sanctum_proc *p)
{
	const int	keep[] = { SHM_SLOT_TX, SHM_SLOT_STX, SHM_RING_OFFER };
	uint64_t	now, next = 0;
	uint8_t		b[8];

	oneway_secret(p->cfg, secret);
	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, NULL, 0);
	sanctum_random_bytes(b, sizeof(b));
	instance_id = get_be64(b);
	oneway_shroud(p->cfg, secret);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		now = atomic_load(&sanctum->state->uptime);
		if (!offer.active && now >= next) {
			new_key(now);
			next = now + ONEWAY_KEY_LIFETIME;
		}
		if (offer.active && now >= offer.pulse) {
			offer.ttl--;
			offer.pulse = now + ONEWAY_OFFER_INTERVAL;
			send_offer();
			if (offer.ttl <= 0)
				offer.active = 0;
		}
		proc_suspend(p->type, 1);
	}
	sanctum_wipe(&offer, sizeof(offer));
	sanctum_wipe(secret, sizeof(secret));
	exit(0);
}
