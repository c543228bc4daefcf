/*
 * purgatory-rx and purgatory-tx of the cathedral (and liturgy) modes: the
 * network side of a process that does its own offer handling. Receive on
 * the main and the NAT-detection socket in batches, pass every datagram of
 * at least the global minimum on with its source, wake the consumer; send
 * what it queues, always from the main socket, runs of one size to one
 * address as one super-datagram (udp_batch.h).
 */

#include <poll.h>
#include <string.h>

#include "sanctum.h"
#include "udp_batch.h"

/* The process that consumes what this mode receives. */
static int
consumer(const struct sanctum_config *cfg)
{
	return (cfg->mode == SANCTUM_MODE_CATHEDRAL ? SANCTUM_PROC_CATHEDRAL :
	    SANCTUM_PROC_LITURGY);
}

/*
 * Receive one batch and queue every datagram of at least the minimum for
 * the consumer, waking it once; whether the batch was full.
 */
static int
relay_receive(struct sanctum_proc *p, struct udp_recv *r)
{
	struct sanctum_packet	*pkt;
	size_t			len, min;
	int			more, queued = 0;

	min = SANCTUM_DATA_OVERHEAD + (p->cfg->shroud ? SANCTUM_SHROUD_HDR_LEN :
	    0);
	more = udp_recv(r);
	while ((pkt = udp_recv_next(r, &len)) != NULL) {
		if (len < min) {
			counter_add(CTR_RX_RUNT, 1);
			packet_put(pkt);
			continue;
		}
		pkt->length = (uint32_t)len;
		pkt->flags = p->cfg->shroud ? PACKET_F_SHROUDED : 0;
		if (ring_put(sanctum->rings[SHM_RING_CHAPEL],
		    packet_index(pkt)) == -1) {
			counter_add(CTR_RING_FULL, 1);
			packet_put(pkt);
			continue;
		}
		queued++;
	}
	if (queued > 0)
		proc_wake(consumer(p->cfg));
	return (more);
}

/*
 * The receiving process: the main socket coalesces (clients send bursts),
 * the NAT-detection socket only ever sees single offers.
 */
void
purgatory_relay_rx_main(struct sanctum_proc *p)
{
	static struct udp_recv	rx[2];
	const int		keep[] = { SHM_RING_CHAPEL };
	int			fds[3], nfds = 0, i;
	size_t			head;
	struct pollfd		pfd[2];

	head = p->cfg->shroud ? 0 : SANCTUM_PACKET_HEAD;
	udp_recv_init(&rx[0], p->udp_fd, head, 1);
	udp_recv_init(&rx[1], p->nat_fd, head, 0);
	fds[nfds++] = p->udp_fd;
	if (p->nat_fd != -1)
		fds[nfds++] = p->nat_fd;
	fds[nfds++] = p->shm->wake_fd[consumer(p->cfg)];
	shm_keep(p->shm, keep, 1);
	sandbox_enter(p, fds, (size_t)nfds);
	atomic_store(&sanctum->state->started[p->type], 1);
	memset(pfd, 0, sizeof(pfd));
	pfd[0].fd = p->udp_fd;
	pfd[0].events = POLLIN;
	pfd[1].fd = p->nat_fd;
	pfd[1].events = POLLIN;
	while (!sanctum_quit) {
		if (poll(pfd, p->nat_fd != -1 ? 2 : 1, -1) <= 0)
			continue;
		for (i = 0; i < 2; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			while (relay_receive(p, &rx[i]) && !sanctum_quit)
				;
		}
	}
	exit(0);
}

/* A datagram the kernel refused: counted, never fatal for the relay. */
static void
relay_send_failed(int err, int datagrams)
{
	(void)err;
	counter_add(CTR_TX_SEND_ERROR, (uint64_t)datagrams);
}

/*
 * Send one gathered batch to each packet's address; buffers go back. The
 * packets are queued grouped by address (in order within each), so what
 * goes to one node is not cut into short runs by what goes to others.
 */
static void
relay_send(struct udp_send *tx, struct sanctum_packet **pkts, int n)
{
	int	i, j, queued[UDP_SEND_MAX] = { 0 };

	for (i = 0; i < n; i++) {
		if (queued[i])
			continue;
		for (j = i; j < n; j++) {
			if (queued[j] || !udp_same_target(&pkts[i]->addr,
			    &pkts[j]->addr))
				continue;
			udp_send_add(tx, (pkts[j]->flags & PACKET_F_SHROUDED) ?
			    pkts[j]->buf : PACKET_DATA(pkts[j]),
			    pkts[j]->length, &pkts[j]->addr);
			queued[j] = 1;
		}
	}
	udp_send_flush(tx);
	for (i = 0; i < n; i++)
		packet_put(pkts[i]);
}

/* The sending process. */
void
purgatory_relay_tx_main(struct sanctum_proc *p)
{
	static struct udp_send	tx;
	const int		keep[] = { SHM_RING_PURGATORY };
	const int		fds[] = { p->udp_fd };
	struct sanctum_packet	*pkts[UDP_SEND_MAX];
	int			n;

	udp_send_init(&tx, p->udp_fd, relay_send_failed);
	shm_keep(p->shm, keep, 1);
	sandbox_enter(p, fds, 1);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		for (;;) {
			for (n = 0; n < UDP_SEND_MAX &&
			    (pkts[n] = packet_take(SHM_RING_PURGATORY)) != NULL;
			    n++)
				;
			if (n == 0)
				break;
			relay_send(&tx, pkts, n);
		}
		proc_suspend(p->type, 0);
	}
	exit(0);
}
