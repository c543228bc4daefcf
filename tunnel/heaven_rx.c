/*
 * heaven-rx: reads the tun/tap device and hands clear packets to bless
 * (tunnel.md 2.5); it also generates the graces (2.8): heartbeats while a TX
 * SA exists, MTU probes in `auto` mode, and acks of the peer's probes.
 */

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "offload.h"
#include "sanctum.h"

#define PAYLOAD(pkt)		(PACKET_DATA(pkt) + SANCTUM_DATA_HDR_LEN)
#define PAYLOAD_ROOM		(SANCTUM_PACKET_SIZE - SANCTUM_PACKET_HEAD - \
				    SANCTUM_DATA_HDR_LEN)
#define HOLEPUNCH_SECONDS	15	/* fast heartbeats after a switch */
#define MTU_FIRST_PROBE		5	/* seconds after start */
#define MTU_PROBE_INTERVAL	5
#define MTU_SETTLED		600	/* after an ack or the floor */
#define MTU_OVERHEAD		(20 + 8 + SANCTUM_DATA_OVERHEAD)
#define HEAVEN_RX_RESERVE	384	/* pool buffers free before a read */
#define HEAVEN_RX_PAUSE_NS	50000	/* while fewer are */

/* Heartbeat and MTU discovery timers. */
struct graces {
	uint64_t	hb_next;
	uint64_t	hb_fast_until;
	int		mtu_step;
	uint16_t	mtu_size;
	uint64_t	mtu_next;
	uint16_t	overhead;
};

/* Queue a grace for bless: a type and size, then zeros up to len bytes. */
static void
grace_send(uint16_t type, uint16_t size, size_t len)
{
	struct sanctum_packet	*pkt;

	if ((pkt = packet_get()) == NULL)
		return;
	put_le16(PAYLOAD(pkt), type);
	if (len >= 4)
		put_le16(PAYLOAD(pkt) + 2, size);
	pkt->length = (uint32_t)len;
	pkt->next = SANCTUM_NEXT_GRACE;
	(void)packet_send_to(SHM_RING_BLESS, pkt, SANCTUM_PROC_BLESS);
}

/*
 * Heartbeats: every 15 s while a TX SA exists, every second for 15 s after
 * a new TX key or a cathedral-announced peer change (hole punching).
 */
static void
heartbeat_check(struct graces *g, uint64_t now)
{
	struct sanctum_state	*st = sanctum->state;

	if (atomic_exchange(&st->holepunch, 0)) {
		g->hb_next = now;
		g->hb_fast_until = now + HOLEPUNCH_SECONDS;
	}
	if (atomic_load(&st->tx.spi) == 0 || now < g->hb_next)
		return;
	grace_send(SANCTUM_GRACE_HEARTBEAT, 0, 2);
	g->hb_next = now + (now < g->hb_fast_until ? SANCTUM_HEARTBEAT_FAST :
	    SANCTUM_HEARTBEAT_SLOW);
}

/* The probe size of the current step (tunnel.md 2.8). */
static uint16_t
mtu_step_size(struct graces *g, uint16_t tun_mtu)
{
	uint16_t	dec;

	switch (g->mtu_step) {
	case 0:
		return (tun_mtu);
	case 1:
		return ((uint16_t)(1500 - g->overhead));
	case 2:
		return ((uint16_t)(1422 - g->overhead));
	case 3:
		return ((uint16_t)(1280 - g->overhead));
	case 4:
		return ((uint16_t)(1280 - g->overhead - 32));
	default:
		dec = (uint16_t)(g->mtu_size - SANCTUM_MTU_MIN);
		return ((uint16_t)(g->mtu_size - (dec < 32 ? dec : 32)));
	}
}

/* MTU discovery: a probe every 5 s, smaller each time, until one is acked. */
static void
mtu_check(struct sanctum_proc *p, struct graces *g, uint64_t now)
{
	struct sanctum_state	*st = sanctum->state;

	if (atomic_exchange(&st->mtu_restart, 0)) {
		g->mtu_step = 0;
		g->mtu_size = 0;
		g->mtu_next = now;
	}
	if (!p->cfg->mtu_auto || now < g->mtu_next ||
	    atomic_load(&st->tx.spi) == 0)
		return;
	if (atomic_exchange(&st->mtu_cancel, 0) ||
	    g->mtu_size == SANCTUM_MTU_MIN) {
		g->mtu_step = 0;
		g->mtu_size = 0;
		g->mtu_next = now + MTU_SETTLED;
		return;
	}
	g->mtu_size = mtu_step_size(g, p->cfg->tun_mtu);
	if (g->mtu_size < SANCTUM_MTU_MIN)
		g->mtu_size = SANCTUM_MTU_MIN;
	g->mtu_step++;
	grace_send(SANCTUM_GRACE_MTU_PROBE, g->mtu_size, g->mtu_size);
	g->mtu_next = now + MTU_PROBE_INTERVAL;
}

/* Acknowledge the peer's probe when it is within our limits. */
static void
mtu_ack_check(struct sanctum_proc *p)
{
	uint16_t	size;

	if (p->cfg->mode != SANCTUM_MODE_TUNNEL ||
	    atomic_load(&sanctum->state->tx.spi) == 0)
		return;
	size = atomic_exchange(&sanctum->state->mtu_probe, 0);
	if (size >= SANCTUM_MTU_MIN && size <= p->cfg->tun_mtu)
		grace_send(SANCTUM_GRACE_MTU_ACK, size, 4);
}

/* Queue one clear packet of len bytes for bless. */
static void
queue_packet(struct sanctum_packet *pkt, size_t len)
{
	pkt->length = (uint32_t)len;
	pkt->next = SANCTUM_NEXT_PACKET;
	(void)packet_send_to(SHM_RING_BLESS, pkt, SANCTUM_PROC_BLESS);
}

/*
 * One read from a device with offloads: a virtio_net_hdr and a packet,
 * maybe a TCP super-packet, cut into packets of at most the tunnel MTU.
 * What the header claims is checked against what was read.
 */
static void
tun_split(const uint8_t *buf, size_t n)
{
	struct offload_split	s;
	struct sanctum_packet	*pkt;
	size_t			len;
	int			nseg, i;

	if (n <= OFFLOAD_VNET_LEN + 12)
		return;
	if ((buf[OFFLOAD_VNET_LEN] >> 4) != 4) {
		counter_add(CTR_TX_NOT_IPV4, 1);
		return;
	}
	nseg = offload_split_init(&s, buf, n,
	    atomic_load(&sanctum->state->mtu_size));
	for (i = 0; i < nseg; i++) {
		if ((pkt = packet_get()) == NULL)
			return;
		len = offload_split_next(&s, PAYLOAD(pkt), PAYLOAD_ROOM);
		if (len == 0) {
			packet_put(pkt);
			return;
		}
		queue_packet(pkt, len);
	}
}

/*
 * Read what a device with offloads has, up to a batch of reads, into one
 * buffer big enough for a super-packet. A read can become dozens of
 * packets, faster than bless and purgatory-tx pass them on: while the pool
 * runs low, leave them queued in the kernel (TCP then slows down instead of
 * losing them) and let the others run for a moment.
 */
static void
tun_read_vnet(struct sanctum_proc *p)
{
	static uint8_t		buf[OFFLOAD_VNET_LEN + OFFLOAD_MAX_PACKET];
	const struct timespec	pause = { 0, HEAVEN_RX_PAUSE_NS };
	ssize_t			n;
	int			i;

	for (i = 0; i < SANCTUM_BATCH; i++) {
		if (pool_free() < HEAVEN_RX_RESERVE) {
			(void)nanosleep(&pause, NULL);
			return;
		}
		n = read(p->tun_fd, buf, sizeof(buf));
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			fatal("read from tun: %s", strerror(errno));
		}
		if (n == 0)
			fatal("tun device closed");
		tun_split(buf, (size_t)n);
	}
}

/* Read what the device has, up to a batch; packets of 12 bytes or less go. */
static void
tun_read_batch(struct sanctum_proc *p)
{
	struct sanctum_packet	*pkt;
	uint16_t		mtu;
	ssize_t			n;
	int			i;

	if (tun_vnet()) {
		tun_read_vnet(p);
		return;
	}
	for (i = 0; i < SANCTUM_BATCH; i++) {
		if ((pkt = packet_get()) == NULL)
			return;
		mtu = atomic_load(&sanctum->state->mtu_size);
		n = read(p->tun_fd, PAYLOAD(pkt), mtu);
		if (n == -1) {
			packet_put(pkt);
			if (errno == EAGAIN || errno == EINTR)
				return;
			fatal("read from tun: %s", strerror(errno));
		}
		if (n == 0)
			fatal("tun device closed");
		if (n <= 12) {
			packet_put(pkt);
			continue;
		}
		/* A peer drops anything but IPv4 from a tun device; so do we. */
		if (!p->cfg->tap && (PAYLOAD(pkt)[0] >> 4) != 4) {
			counter_add(CTR_TX_NOT_IPV4, 1);
			packet_put(pkt);
			continue;
		}
		queue_packet(pkt, (size_t)n);
	}
}

/* The process: routes as root, sandbox, then read and keep the timers. */
void
heaven_rx_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_RING_BLESS };
	const int		fds[] = { p->tun_fd };
	struct pollfd		pfd = { .fd = p->tun_fd, .events = POLLIN };
	struct graces		g;
	uint64_t		now;

	tun_routes(p->cfg);
	shm_keep(p->shm, keep, 1);
	sandbox_enter(p, fds, 1);
	memset(&g, 0, sizeof(g));
	g.overhead = MTU_OVERHEAD + (p->cfg->shroud ? SANCTUM_SHROUD_OVERHEAD :
	    0);
	g.mtu_next = atomic_load(&sanctum->state->uptime) + MTU_FIRST_PROBE;
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		if (poll(&pfd, 1, 1000) > 0 && (pfd.revents & POLLIN))
			tun_read_batch(p);
		now = atomic_load(&sanctum->state->uptime);
		heartbeat_check(&g, now);
		mtu_check(p, &g, now);
		mtu_ack_check(p);
	}
	exit(0);
}
