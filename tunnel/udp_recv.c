/*
 * Receiving a batch of datagrams in one recvmmsg (see udp_batch.h), each
 * handed out in its own pool buffer. With UDP_GRO the kernel passes a run
 * of datagrams of one size from one sender as one message, so a burst
 * costs one trip through the stack; the copy into pool buffers is cheap.
 */

#include <sys/socket.h>

#include <netinet/udp.h>

#include <errno.h>
#include <string.h>
#include <time.h>

#include "udp_batch.h"

#define POOL_PAUSE_NS	50000	/* no buffer free: wait this long */

/*
 * Receive on fd into buffers at head; ask for UDP_GRO (before the sandbox:
 * setsockopt is not allowed after) and fall back to plain batches.
 */
void
udp_recv_init(struct udp_recv *r, int fd, size_t head, int gro)
{
	int	one = 1;

	r->fd = fd;
	r->head = head;
	r->n = r->msg = 0;
	r->gro = gro && setsockopt(fd, SOL_UDP, UDP_GRO, &one,
	    sizeof(one)) == 0;
}

/* No buffer is free: give the processes downstream a moment to drain. */
static void
pool_wait(void)
{
	const struct timespec	pause = { 0, POOL_PAUSE_NS };

	(void)nanosleep(&pause, NULL);
}

/* Point message i at a buffer of len bytes and the source at from. */
static void
recv_slot(struct udp_recv *r, int i, void *buf, size_t len,
    struct sockaddr_in *from)
{
	r->iov[i].iov_base = buf;
	r->iov[i].iov_len = len;
	memset(&r->msgs[i], 0, sizeof(r->msgs[i]));
	r->msgs[i].msg_hdr.msg_iov = &r->iov[i];
	r->msgs[i].msg_hdr.msg_iovlen = 1;
	r->msgs[i].msg_hdr.msg_name = from;
	r->msgs[i].msg_hdr.msg_namelen = sizeof(*from);
	if (!r->gro)
		return;
	r->msgs[i].msg_hdr.msg_control = r->ctl[i].buf;
	r->msgs[i].msg_hdr.msg_controllen = sizeof(r->ctl[i].buf);
}

/*
 * How many messages to ask for: without GRO as many as there are pool
 * buffers to receive into; with it, only as many as the pool can take at
 * the kernel's most datagrams per message (at least one).
 */
static int
recv_slots(struct udp_recv *r)
{
	uint64_t	avail;
	int		i;

	if (r->gro) {
		if ((avail = pool_free()) == 0)
			return (0);
		return (avail / UDP_GRO_SEGS < SANCTUM_BATCH ?
		    (int)(avail / UDP_GRO_SEGS) + 1 : SANCTUM_BATCH);
	}
	for (i = 0; i < SANCTUM_BATCH; i++) {
		if ((r->pkts[i] = packet_get()) == NULL)
			break;
	}
	return (i);
}

/*
 * Receive a batch for udp_recv_next to hand out; whether it was full (more
 * may be waiting). With no pool buffer free, wait a moment instead.
 */
int
udp_recv(struct udp_recv *r)
{
	int	i, n, count;

	r->n = r->msg = 0;
	r->off = 0;
	if ((count = recv_slots(r)) == 0) {
		pool_wait();
		return (0);
	}
	for (i = 0; i < count; i++) {
		if (r->gro)
			recv_slot(r, i, r->bufs[i], sizeof(r->bufs[i]),
			    &r->from[i]);
		else
			recv_slot(r, i, r->pkts[i]->buf + r->head,
			    SANCTUM_MAX_DATAGRAM, &r->pkts[i]->addr);
	}
	n = recvmmsg(r->fd, r->msgs, (unsigned int)count, MSG_DONTWAIT, NULL);
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		fatal("recvmmsg: %s", strerror(errno));
	r->n = n > 0 ? n : 0;
	for (i = r->n; i < count && !r->gro; i++)
		packet_put(r->pkts[i]);
	return (n == count);
}

/* The segment size of a coalesced message (UDP_GRO), else its length. */
static size_t
gro_segment(struct msghdr *m, size_t len)
{
	struct cmsghdr	*cm;
	int		size;

	for (cm = CMSG_FIRSTHDR(m); cm != NULL; cm = CMSG_NXTHDR(m, cm)) {
		if (cm->cmsg_level != SOL_UDP || cm->cmsg_type != UDP_GRO ||
		    cm->cmsg_len < CMSG_LEN(sizeof(size)))
			continue;
		memcpy(&size, CMSG_DATA(cm), sizeof(size));
		if (size > 0 && (size_t)size < len)
			return ((size_t)size);
	}
	return (len);
}

/*
 * The next datagram of a coalesced batch, copied into a pool buffer (cut
 * at the receive limit, as a direct receive would). A message whose
 * datagram finds no free buffer loses the rest of its datagrams.
 */
static struct sanctum_packet *
next_gro(struct udp_recv *r, size_t *len)
{
	struct sanctum_packet	*pkt;
	size_t			mlen;

	for (; r->msg < r->n; r->msg++, r->off = 0) {
		mlen = r->msgs[r->msg].msg_len;
		if (r->off > 0 && r->off >= mlen)
			continue;
		if ((pkt = packet_get()) == NULL)
			continue;
		if (r->off == 0)
			r->seg = gro_segment(&r->msgs[r->msg].msg_hdr, mlen);
		*len = mlen - r->off < r->seg ? mlen - r->off : r->seg;
		if (*len > SANCTUM_MAX_DATAGRAM)
			*len = SANCTUM_MAX_DATAGRAM;
		pkt->addr = r->from[r->msg];
		memcpy(pkt->buf + r->head, r->bufs[r->msg] + r->off, *len);
		r->off += r->seg > 0 ? r->seg : 1;
		return (pkt);
	}
	return (NULL);
}

/*
 * The next datagram of the batch udp_recv received, in a pool buffer with
 * its source, its len bytes at head; NULL when the batch is used up. The
 * caller owns the buffer.
 */
struct sanctum_packet *
udp_recv_next(struct udp_recv *r, size_t *len)
{
	if (r->gro)
		return (next_gro(r, len));
	if (r->msg >= r->n)
		return (NULL);
	*len = r->msgs[r->msg].msg_len;
	return (r->pkts[r->msg++]);
}
