/*
 * chapel: the key process of tunnel mode (tunnel.md 4). It holds the traffic
 * secret, runs the exchange state machine, decides when to rekey, detects a
 * dead peer, and installs session keys into the slots of bless and confess.
 */

#include <errno.h>
#include <string.h>
#include <time.h>

#include "cathedral_link.h"
#include "exchange.h"
#include "keyfile.h"
#include "sanctum.h"

#define WALL_JUMP		60	/* seconds: the clock was set */
#define JUMP_GRACE_LOOPS	10	/* no dead-peer check right after */
#define TIMEOUTS_PAUSE		60	/* after four failed exchanges */
#define MAX_TIMEOUTS		4

static struct exchange		ex;
static struct sanctum_proc	*self;
static int			rekey_wanted;
static uint64_t			ambry_switched;	/* last ambry (uptime) */

/* Seconds since t, never negative when another process's clock read is newer. */
static uint64_t
since(uint64_t now, uint64_t t)
{
	return (now > t ? now - t : 0);
}

/* Randomness for the exchange: the kernel's. */
static void
chapel_draw(void *arg, enum exchange_draw what, void *buf, size_t len)
{
	(void)arg;
	(void)what;
	sanctum_random_bytes(buf, len);
}

/* The wall clock for offer timestamps. */
static uint64_t
chapel_wall(void *arg)
{
	(void)arg;
	return ((uint64_t)time(NULL));
}

/*
 * Queue one offer for purgatory-tx towards the peer; with TFC it is padded
 * with random bytes to the size of a data packet (tunnel.md 2.10).
 */
static void
chapel_send(void *arg, const uint8_t offer[SANCTUM_OFFER_LEN])
{
	struct sanctum_packet	*pkt;
	size_t			len = SANCTUM_OFFER_LEN;

	(void)arg;
	if ((pkt = packet_get()) == NULL)
		return;
	memcpy(PACKET_DATA(pkt), offer, SANCTUM_OFFER_LEN);
	if (self->cfg->tfc &&
	    (size_t)self->cfg->tun_mtu + SANCTUM_DATA_OVERHEAD > len) {
		len = self->cfg->tun_mtu + SANCTUM_DATA_OVERHEAD;
		sanctum_random_bytes(PACKET_DATA(pkt) + SANCTUM_OFFER_LEN,
		    len - SANCTUM_OFFER_LEN);
	}
	pkt->length = (uint32_t)len;
	(void)packet_send_to(SHM_RING_OFFER, pkt, SANCTUM_PROC_PURGATORY_TX);
}

/* Hand a new session key to bless (TX) or confess (RX). */
static void
chapel_install(void *arg, int tx, uint32_t spi, const uint8_t salt[4],
    const uint8_t key[32])
{
	int	type = tx ? SANCTUM_PROC_BLESS : SANCTUM_PROC_CONFESS;

	(void)arg;
	proc_wake(type);
	slot_install(sanctum->slots[tx ? SHM_SLOT_TX : SHM_SLOT_RX], spi, salt,
	    key);
	proc_wake(type);
	log_msg("%s key installed spi=%08x", tx ? "tx" : "rx", spi);
	if (!tx && self->cfg->cathedral_set)
		cathedral_link_rx_key(spi);
}

/* Start an exchange now (counted), never reusing the active RX SPI. */
static void
exchange_start(uint64_t now, const char *why)
{
	ex.avoid_spi = atomic_load(&sanctum->state->rx.spi);
	if (exchange_offer_create(&ex, now) == 0) {
		counter_add(CTR_REKEYS, 1);
		log_msg("key exchange started reason=%s", why);
	}
}

/*
 * When to start an exchange (tunnel.md 4.8): never without a peer address;
 * a pause after four timeouts; a forced re-sync; no RX SA yet; or the RX SA
 * is silent for 30 s or past its soft limits.
 */
static void
offer_check(uint64_t now)
{
	struct sanctum_state	*st = sanctum->state;
	struct sockaddr_in	peer;
	uint64_t		hb = atomic_load(&st->heartbeat);

	if (!peer_get(&peer) || now < ex.offer_next)
		return;
	if (ex.timed_out >= MAX_TIMEOUTS) {
		ex.offer_next = now + TIMEOUTS_PAUSE;
		ex.timed_out = 0;
		return;
	}
	if (ex.offer_force) {
		ex.offer_force = 0;
		exchange_start(now, "re-sync");
		return;
	}
	if (atomic_load(&st->rx.spi) != 0) {
		if (since(now, hb) >= SANCTUM_REKEY_SILENCE)
			exchange_start(now, "silence");
		else if (atomic_load(&st->rx.pkt) >= SANCTUM_SA_SOFT_PACKETS)
			exchange_start(now, "packets");
		else if (since(now, atomic_load(&st->rx.age)) >=
		    SANCTUM_SA_SOFT_SECONDS)
			exchange_start(now, "age");
		return;
	}
	atomic_store(&st->heartbeat, now);
	exchange_start(now, "no-keys");
}

/* Have bless and confess wipe both SAs. */
static void
sa_erase(void)
{
	struct sanctum_state	*st = sanctum->state;

	slot_erase(sanctum->slots[SHM_SLOT_RX], atomic_load(&st->rx.spi));
	proc_wake(SANCTUM_PROC_CONFESS);
	slot_erase(sanctum->slots[SHM_SLOT_TX], atomic_load(&st->tx.spi));
	proc_wake(SANCTUM_PROC_BLESS);
}

/*
 * Dead peer (tunnel.md 4.8): 120 s without an authenticated packet erases
 * both SAs and, for an automatic peer, forgets its address; with a cathedral
 * and no configured peer, traffic goes back to the current cathedral.
 */
static void
dead_peer_check(uint64_t now)
{
	struct sanctum_state	*st = sanctum->state;
	const struct sanctum_config *cfg = self->cfg;
	struct sockaddr_in	cathedral;
	uint64_t		hb = atomic_load(&st->heartbeat);

	if (atomic_load(&st->rx.spi) == 0 || hb == 0 ||
	    since(now, hb) < SANCTUM_DEAD_PEER)
		return;
	log_msg("peer is dead, erasing keys");
	if (!cfg->peer_configured && cfg->cathedral_set) {
		if (cathedral_addr_get(&cathedral))
			peer_set(cathedral.sin_addr.s_addr,
			    cathedral.sin_port);
		ex.offer_next = now;
	} else if (cfg->peer_auto) {
		peer_set(0, 0);
		ex.offer_next = 0;
	} else {
		ex.offer_next = now;
	}
	sa_erase();
	exchange_offer_discard(&ex);
	atomic_store(&st->heartbeat, 0);
}

/*
 * An ambry switch must end in a completed exchange within 75 s, else both
 * SAs are erased (tunnel.md 4.10): a device whose KEK was renewed is cut off.
 */
static void
ambry_timeout_check(uint64_t now)
{
	if (!ex.ambry_switch || since(now, ambry_switched) <
	    CATHEDRAL_AMBRY_TIMEOUT)
		return;
	log_msg("no key exchange since the ambry switch, erasing keys");
	ex.ambry_switch = 0;
	sa_erase();
}

/* Map an exchange result onto its counter; peer address learning on SEEN. */
static void
offer_received(struct sanctum_packet *pkt, uint64_t now)
{
	struct sockaddr_in	peer;
	enum exchange_rx	r;

	r = exchange_recv(&ex, PACKET_DATA(pkt), pkt->length, now,
	    peer_get(&peer));
	switch (r) {
	case EXCHANGE_RX_SEEN:
		(void)peer_update(self->cfg, &pkt->addr);
		break;
	case EXCHANGE_RX_SHORT:
		counter_add(CTR_OFFER_SHORT, 1);
		break;
	case EXCHANGE_RX_NOKEY:
		counter_add(CTR_OFFER_NOKEY, 1);
		break;
	case EXCHANGE_RX_TAG:
		counter_add(CTR_OFFER_BAD_TAG, 1);
		break;
	case EXCHANGE_RX_STALE:
		counter_add(CTR_OFFER_STALE, 1);
		break;
	case EXCHANGE_RX_IGNORED:
		counter_add(CTR_OFFER_IGNORED, 1);
		break;
	}
}

/* Load the traffic secret while still privileged (it stays in memory). */
static void
secret_load(void)
{
	uint8_t		secret[32];
	char		err[512];

	if (self->cfg->kek[0] != '\0')
		return;
	if (keyfile_read(self->cfg->secret, secret, sizeof(secret), 0, err,
	    sizeof(err)) == -1)
		fatal("%s", err);
	exchange_set_secret(&ex, secret);
	sanctum_wipe(secret, sizeof(secret));
}

/* Derive the peer shroud key and give it to both purgatory processes. */
static void
shroud_install(void)
{
	const struct sanctum_config	*cfg = self->cfg;
	uint8_t				key[32], salt[4] = { 0 };

	if (!cfg->shroud || !ex.have_secret)
		return;
	if (sanctum_base_key(key, ex.secret, cfg->cathedral_flock,
	    cfg->cathedral_flock_dst, SANCTUM_PURPOSE_SHROUD_PEER) == 0) {
		slot_install(sanctum->slots[SHM_SLOT_STX], 0, salt, key);
		slot_install(sanctum->slots[SHM_SLOT_SRX], 0, salt, key);
		proc_wake(SANCTUM_PROC_PURGATORY_TX);
	}
	sanctum_wipe(key, sizeof(key));
}

/*
 * A cathedral datagram; an ambry with a new traffic secret replaces the
 * secret, drops the offer in progress and starts an exchange under the new
 * secret, with its 75 s deadline (tunnel.md 4.10).
 */
static void
cathedral_received(struct sanctum_packet *pkt, uint64_t now)
{
	uint8_t		ss[32];

	if (cathedral_link_recv(pkt, now, ss)) {
		exchange_set_secret(&ex, ss);
		exchange_offer_discard(&ex);
		ex.ambry_switch = 1;
		ambry_switched = now;
		shroud_install();
		exchange_start(now, "ambry");
	}
	sanctum_wipe(ss, sizeof(ss));
}

/*
 * A forced rekey from the control socket (ours, docs/control.md); one that
 * arrives during an exchange is started as soon as that one is done.
 */
static void
rekey_check(void)
{
	if (atomic_exchange(&sanctum->state->rekey, 0))
		rekey_wanted = 1;
	if (!rekey_wanted || ex.have_offer)
		return;
	rekey_wanted = 0;
	ex.offer_force = 1;
	ex.offer_next = 0;
}

/* The process: secret, sandbox, then one iteration at least every second. */
void
chapel_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_SLOT_TX, SHM_SLOT_RX,
				    SHM_SLOT_STX, SHM_SLOT_SRX,
				    SHM_RING_OFFER, SHM_RING_CHAPEL };
	const struct exchange_env env = { NULL, chapel_draw, chapel_send,
				    chapel_install, chapel_wall };
	struct sanctum_packet	*pkt;
	uint64_t		now, wall, last_wall, last_now;
	int			grace = 0;

	self = p;
	exchange_init(&ex, &env, p->cfg->cathedral_flock,
	    p->cfg->cathedral_flock_dst, p->cfg->tun_spi);
	secret_load();
	cathedral_link_init(p, NULL);
	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, NULL, 0);
	if (!p->cfg->cathedral_set)
		shroud_install();
	atomic_store(&sanctum->state->started[p->type], 1);
	last_wall = (uint64_t)time(NULL);
	last_now = atomic_load(&sanctum->state->uptime);
	while (!sanctum_quit) {
		now = atomic_load(&sanctum->state->uptime);
		wall = (uint64_t)time(NULL);
		if ((wall > last_wall ? wall - last_wall : last_wall - wall) >
		    (now - last_now) + WALL_JUMP) {
			log_msg("wall clock jumped, new instance id");
			exchange_new_id(&ex);
			exchange_start(now, "clock-jump");
			grace = JUMP_GRACE_LOOPS;
		}
		last_wall = wall;
		last_now = now;
		cathedral_link_tick(now, ex.local_id);
		while ((pkt = packet_take(SHM_RING_CHAPEL)) != NULL) {
			if (p->cfg->cathedral_set && sanctum_offer_magic(
			    PACKET_DATA(pkt), pkt->length) ==
			    SANCTUM_MAGIC_KATEDRAL)
				cathedral_received(pkt, now);
			else
				offer_received(pkt, now);
			packet_put(pkt);
		}
		rekey_check();
		if (grace > 0)
			grace--;
		else
			dead_peer_check(now);
		ambry_timeout_check(now);
		if (ex.have_offer)
			exchange_tick(&ex, now, atomic_load(&sanctum->state->rx.spi),
			    atomic_load(&sanctum->state->rx.pkt));
		else
			offer_check(now);
		proc_suspend(p->type, 1);
	}
	exchange_clear(&ex);
	cathedral_link_clear();
	exit(0);
}
