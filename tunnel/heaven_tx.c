/*
 * heaven-tx: writes decrypted packets to the tun/tap device after the inner
 * filter (tunnel.md 2.7), and consumes graces: heartbeats, MTU probes (handed
 * to heaven-rx to acknowledge) and MTU acks (handed to the guardian).
 */

#include <sys/uio.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "offload.h"
#include "sanctum.h"

#define PAYLOAD(pkt)	(PACKET_DATA(pkt) + SANCTUM_DATA_HDR_LEN)
#define HEAVEN_BATCH	64	/* packets taken from confess at a time */

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
	uint16_t		size = 0, zero = 0;

	switch (sanctum_grace_parse(d, len, cfg->tun_mtu, &size)) {
	case SANCTUM_GRACE_IS_HEARTBEAT:
		break;
	case SANCTUM_GRACE_IS_PROBE:
		(void)atomic_compare_exchange_strong(&st->mtu_probe, &zero,
		    size);
		break;
	case SANCTUM_GRACE_IS_ACK:
		atomic_store(&st->mtu_change, size);
		atomic_store(&st->mtu_cancel, 1);
		break;
	case SANCTUM_GRACE_ACK_RANGE:
		counter_add(CTR_RX_MTU_ACK_RANGE, 1);
		break;
	case SANCTUM_GRACE_BAD:
		counter_add(CTR_RX_GRACE_BAD, 1);
		break;
	}
}

/* Write one packet or run; transient errors drop it, the rest are fatal. */
static int
tun_write(int fd, const struct iovec *iov, int cnt)
{
	ssize_t	n;
	size_t	len = 0;
	int	i;

	for (i = 0; i < cnt; i++)
		len += iov[i].iov_len;
	for (;;) {
		n = cnt == 1 ? write(fd, iov[0].iov_base, iov[0].iov_len) :
		    writev(fd, iov, cnt);
		if (n == (ssize_t)len)
			return (0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EIO || errno == ENOMEM ||
		    errno == EAGAIN || errno == EINVAL))
			return (-1);
		fatal("write to tun: %s", n == -1 ? strerror(errno) : "short");
	}
}

/* Count packets that reached the device. */
static void
rx_written(size_t pkts, size_t bytes, uint64_t now)
{
	struct sanctum_ifstat	*rx = &sanctum->state->rx;

	atomic_fetch_add(&rx->pkt, pkts);
	atomic_fetch_add(&rx->bytes, bytes);
	atomic_store(&rx->last, now);
}

/*
 * Consume the graces and drop what the inner filter refuses, each packet
 * on its own; the packets for the device stay in pkts, in order.
 */
static int
heaven_tx_sort(struct sanctum_proc *p, struct sanctum_packet **pkts, int n,
    uint64_t now)
{
	struct sanctum_ifstat	*rx = &sanctum->state->rx;
	int			i, m = 0;

	for (i = 0; i < n; i++) {
		if (pkts[i]->next == SANCTUM_NEXT_GRACE) {
			grace(p->cfg, PAYLOAD(pkts[i]), pkts[i]->length);
			atomic_fetch_add(&rx->pkt, 1);
			atomic_store(&rx->last, now);
			packet_put(pkts[i]);
		} else if (!inner_allowed(p->cfg, PAYLOAD(pkts[i]),
		    pkts[i]->length)) {
			counter_add(CTR_RX_FILTER, 1);
			packet_put(pkts[i]);
		} else {
			pkts[m++] = pkts[i];
		}
	}
	return (m);
}

/*
 * Write the first of pkts with a virtio_net_hdr in front (in the room the
 * sanctum header left), merged with the TCP segments that continue it into
 * one super-packet for the kernel. Returns how many packets it took.
 */
static int
heaven_tx_run(struct sanctum_proc *p, struct sanctum_packet **pkts, int n,
    uint64_t now)
{
	struct iovec		iov[HEAVEN_BATCH];
	struct offload_gro	g;
	uint8_t			*vnet = PAYLOAD(pkts[0]) - OFFLOAD_VNET_LEN;
	size_t			bytes = pkts[0]->length;
	int			i, k = 1;

	if (offload_gro_start(&g, PAYLOAD(pkts[0]), pkts[0]->length) == 0) {
		while (k < n && offload_gro_add(&g, PAYLOAD(pkts[k]),
		    pkts[k]->length) == 0)
			bytes += pkts[k++]->length;
	}
	memset(vnet, 0, OFFLOAD_VNET_LEN);
	if (k > 1)
		offload_gro_finish(&g, vnet);
	iov[0].iov_base = vnet;
	iov[0].iov_len = OFFLOAD_VNET_LEN + pkts[0]->length;
	for (i = 1; i < k; i++) {
		iov[i].iov_base = PAYLOAD(pkts[i]) + g.hlen;
		iov[i].iov_len = pkts[i]->length - g.hlen;
	}
	if (tun_write(p->tun_fd, iov, k) == 0)
		rx_written((size_t)k, bytes, now);
	return (k);
}

/* Packets from confess, as they come, to the device. */
static void
heaven_tx_batch(struct sanctum_proc *p, struct sanctum_packet **pkts, int n,
    uint64_t now)
{
	struct iovec	iov;
	int		i, k;

	n = heaven_tx_sort(p, pkts, n, now);
	for (i = 0; i < n; i += k) {
		if (tun_vnet()) {
			k = heaven_tx_run(p, pkts + i, n - i, now);
			continue;
		}
		k = 1;
		iov.iov_base = PAYLOAD(pkts[i]);
		iov.iov_len = pkts[i]->length;
		if (tun_write(p->tun_fd, &iov, 1) == 0)
			rx_written(1, pkts[i]->length, now);
	}
	for (i = 0; i < n; i++)
		packet_put(pkts[i]);
}

/* The process: sandbox, then write whatever confess queues. */
void
heaven_tx_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_RING_HEAVEN };
	const int		fds[] = { p->tun_fd };
	struct sanctum_packet	*pkts[HEAVEN_BATCH];
	uint64_t		now;
	int			n;

	shm_keep(p->shm, keep, 1);
	sandbox_enter(p, fds, 1);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		now = atomic_load(&sanctum->state->uptime);
		for (;;) {
			n = 0;
			while (n < HEAVEN_BATCH &&
			    (pkts[n] = packet_take(SHM_RING_HEAVEN)) != NULL)
				n++;
			if (n == 0)
				break;
			heaven_tx_batch(p, pkts, n, now);
		}
		proc_suspend(p->type, 0);
	}
	exit(0);
}
