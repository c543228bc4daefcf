/*
 * heaven-tx: writes decrypted packets to the tun/tap device after the inner
 * filter (tunnel.md 2.7), and consumes graces: heartbeats, MTU probes (handed
 * to heaven-rx to acknowledge) and MTU acks (handed to the guardian).
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sanctum.h"

#define PAYLOAD(pkt)	(PACKET_DATA(pkt) + SANCTUM_DATA_HDR_LEN)

/* Whether an IPv4 address is in the tunnel network or an accept network. */
static int
address_allowed(const struct sanctum_config *cfg, uint32_t addr)
{
	uint32_t	mask;
	size_t		i;

	if ((addr & cfg->tun_mask.s_addr) ==
	    (cfg->tun_ip.s_addr & cfg->tun_mask.s_addr))
		return (1);
	for (i = 0; i < cfg->naccepts; i++) {
		mask = cfg->accepts[i].prefix == 0 ? 0 :
		    htonl(~0U << (32 - cfg->accepts[i].prefix));
		if ((addr & mask) == (cfg->accepts[i].net.s_addr & mask))
			return (1);
	}
	return (0);
}

/* The inner filter: what may come out of the tunnel onto this host. */
static int
inner_allowed(const struct sanctum_config *cfg, const uint8_t *d, size_t len)
{
	uint32_t	src, dst;
	uint16_t	ether;

	if (cfg->tap) {
		if (len < 14)
			return (0);
		ether = get_be16(d + 12);
		return (ether == 0x0806 || ether == 0x8100 || ether == 0x0800 ||
		    ether == 0x86dd);
	}
	if (len < 20 || (d[0] >> 4) != 4)
		return (0);
	if (d[9] != 1 && d[9] != 6 && d[9] != 17)
		return (0);
	memcpy(&src, d + 12, 4);
	memcpy(&dst, d + 16, 4);
	return (address_allowed(cfg, src) && address_allowed(cfg, dst));
}

/* A grace message: never written to the device. */
static void
grace(const struct sanctum_config *cfg, const uint8_t *d, size_t len)
{
	struct sanctum_state	*st = sanctum->state;
	uint16_t		type, size, zero = 0;

	if (len < 2) {
		counter_add(CTR_RX_GRACE_BAD, 1);
		return;
	}
	type = get_le16(d);
	if ((type == SANCTUM_GRACE_MTU_PROBE || type == SANCTUM_GRACE_MTU_ACK) &&
	    len < 4) {
		counter_add(CTR_RX_GRACE_BAD, 1);
		return;
	}
	switch (type) {
	case SANCTUM_GRACE_HEARTBEAT:
		break;
	case SANCTUM_GRACE_MTU_PROBE:
		size = get_le16(d + 2);
		(void)atomic_compare_exchange_strong(&st->mtu_probe, &zero,
		    size);
		break;
	case SANCTUM_GRACE_MTU_ACK:
		size = get_le16(d + 2);
		if (size < SANCTUM_MTU_MIN || size > cfg->tun_mtu) {
			counter_add(CTR_RX_MTU_ACK_RANGE, 1);
			return;
		}
		atomic_store(&st->mtu_change, size);
		atomic_store(&st->mtu_cancel, 1);
		break;
	default:
		counter_add(CTR_RX_GRACE_BAD, 1);
		return;
	}
}

/* Write one packet; transient errors drop it, the rest are fatal. */
static int
tun_write(int fd, const uint8_t *d, size_t len)
{
	ssize_t	n;

	for (;;) {
		if ((n = write(fd, d, len)) == (ssize_t)len)
			return (0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EIO || errno == ENOMEM ||
		    errno == EAGAIN || errno == EINVAL))
			return (-1);
		fatal("write to tun: %s", n == -1 ? strerror(errno) : "short");
	}
}

/* One packet from confess. */
static void
heaven_tx_one(struct sanctum_proc *p, struct sanctum_packet *pkt, uint64_t now)
{
	struct sanctum_ifstat	*rx = &sanctum->state->rx;

	if (pkt->next == SANCTUM_NEXT_GRACE) {
		grace(p->cfg, PAYLOAD(pkt), pkt->length);
		atomic_fetch_add(&rx->pkt, 1);
		atomic_store(&rx->last, now);
	} else if (!inner_allowed(p->cfg, PAYLOAD(pkt), pkt->length)) {
		counter_add(CTR_RX_FILTER, 1);
	} else if (tun_write(p->tun_fd, PAYLOAD(pkt), pkt->length) == 0) {
		atomic_fetch_add(&rx->pkt, 1);
		atomic_fetch_add(&rx->bytes, pkt->length);
		atomic_store(&rx->last, now);
	}
	packet_put(pkt);
}

/* The process: sandbox, then write whatever confess queues. */
void
heaven_tx_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_RING_HEAVEN };
	const int		fds[] = { p->tun_fd };
	struct sanctum_packet	*pkt;
	uint64_t		now;

	shm_keep(p->shm, keep, 1);
	sandbox_enter(p, fds, 1);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		now = atomic_load(&sanctum->state->uptime);
		while ((pkt = packet_take(SHM_RING_HEAVEN)) != NULL)
			heaven_tx_one(p, pkt, now);
		proc_suspend(p->type, 0);
	}
	exit(0);
}
