/*
 * purgatory-rx and purgatory-tx of the cathedral (and liturgy) modes: the
 * network side of a process that does its own offer handling. Receive on
 * the main and the NAT-detection socket in batches, pass every datagram of
 * at least the global minimum on with its source, wake the consumer; send
 * what it queues, always from the main socket.
 */

#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "sanctum.h"

/* The process that consumes what this mode receives. */
static int
consumer(const struct sanctum_config *cfg)
{
	return (cfg->mode == SANCTUM_MODE_CATHEDRAL ? SANCTUM_PROC_CATHEDRAL :
	    SANCTUM_PROC_LITURGY);
}

/* Receive one batch from fd; returns the number read. */
static int
relay_receive(struct sanctum_proc *p, int fd)
{
	struct sanctum_packet	*pkts[SANCTUM_BATCH];
	struct mmsghdr		msgs[SANCTUM_BATCH];
	struct iovec		iov[SANCTUM_BATCH];
	size_t			off, min;
	int			i, n, count, queued = 0;

	off = p->cfg->shroud ? 0 : SANCTUM_PACKET_HEAD;
	min = SANCTUM_DATA_OVERHEAD + (p->cfg->shroud ? SANCTUM_SHROUD_HDR_LEN :
	    0);
	for (count = 0; count < SANCTUM_BATCH; count++) {
		if ((pkts[count] = packet_get()) == NULL)
			break;
		iov[count].iov_base = pkts[count]->buf + off;
		iov[count].iov_len = SANCTUM_MAX_DATAGRAM;
		memset(&msgs[count], 0, sizeof(msgs[count]));
		msgs[count].msg_hdr.msg_iov = &iov[count];
		msgs[count].msg_hdr.msg_iovlen = 1;
		msgs[count].msg_hdr.msg_name = &pkts[count]->addr;
		msgs[count].msg_hdr.msg_namelen = sizeof(pkts[count]->addr);
	}
	if (count == 0)
		return (0);
	n = recvmmsg(fd, msgs, (unsigned int)count, MSG_DONTWAIT, NULL);
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		fatal("recvmmsg: %s", strerror(errno));
	for (i = 0; i < count; i++) {
		if (i >= n || msgs[i].msg_len < min) {
			if (i < n)
				counter_add(CTR_RX_RUNT, 1);
			packet_put(pkts[i]);
			continue;
		}
		pkts[i]->length = msgs[i].msg_len;
		pkts[i]->flags = p->cfg->shroud ? PACKET_F_SHROUDED : 0;
		if (ring_put(sanctum->rings[SHM_RING_CHAPEL],
		    packet_index(pkts[i])) == -1) {
			counter_add(CTR_RING_FULL, 1);
			packet_put(pkts[i]);
			continue;
		}
		queued++;
	}
	if (queued > 0)
		proc_wake(consumer(p->cfg));
	return (n);
}

/* The receiving process. */
void
purgatory_relay_rx_main(struct sanctum_proc *p)
{
	const int	keep[] = { SHM_RING_CHAPEL };
	int		fds[3], nfds = 0, i;
	struct pollfd	pfd[2];

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
			while (relay_receive(p, pfd[i].fd) == SANCTUM_BATCH &&
			    !sanctum_quit)
				;
		}
	}
	exit(0);
}

/* Send one gathered batch to each packet's address; buffers go back. */
static void
relay_send(int fd, struct sanctum_packet **pkts, int n)
{
	struct mmsghdr	msgs[SANCTUM_BATCH];
	struct iovec	iov[SANCTUM_BATCH];
	int		i, sent, done = 0;

	for (i = 0; i < n; i++) {
		iov[i].iov_base = (pkts[i]->flags & PACKET_F_SHROUDED) ?
		    pkts[i]->buf : PACKET_DATA(pkts[i]);
		iov[i].iov_len = pkts[i]->length;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &pkts[i]->addr;
		msgs[i].msg_hdr.msg_namelen = sizeof(pkts[i]->addr);
	}
	while (done < n) {
		sent = sendmmsg(fd, msgs + done, (unsigned int)(n - done), 0);
		if (sent > 0) {
			done += sent;
			continue;
		}
		if (sent == -1 && errno == EINTR)
			continue;
		counter_add(CTR_TX_SEND_ERROR, 1);
		done++;
	}
	for (i = 0; i < n; i++)
		packet_put(pkts[i]);
}

/* The sending process. */
void
purgatory_relay_tx_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_RING_PURGATORY };
	const int		fds[] = { p->udp_fd };
	struct sanctum_packet	*pkts[SANCTUM_BATCH];
	int			n;

	shm_keep(p->shm, keep, 1);
	sandbox_enter(p, fds, 1);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		for (;;) {
			for (n = 0; n < SANCTUM_BATCH &&
			    (pkts[n] = packet_take(SHM_RING_PURGATORY)) != NULL;
			    n++)
				;
			if (n == 0)
				break;
			relay_send(p->udp_fd, pkts, n);
		}
		proc_suspend(p->type, 0);
	}
	exit(0);
}
