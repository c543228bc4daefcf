/*
 * purgatory-rx: receives UDP in batches (recvmmsg), removes the shroud,
 * classifies each datagram by its first bytes and pre-filters data packets
 * before they may cost confess any work (tunnel.md 2.1, 2.6).
 */

#include <sys/socket.h>

#include <netinet/udp.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "keyfile.h"
#include "sanctum.h"

#define PREFILTER_SLACK		1023	/* packets still queued in confess */
#define POOL_PAUSE_NS		50000	/* no buffer free: wait this long */
#define RX_GRO_BYTES		65535	/* the largest coalesced message */
#define RX_GRO_SEGS		64	/* datagrams in one (UDP_GRO_CNT_MAX) */

/* Shroud keys of this side (tunnel mode: peer key via srx, cathedral key). */
struct rx_shroud {
	int		peer_valid;
	uint8_t		peer_key[32];
	int		cathedral_valid;
	uint8_t		cathedral_key[32];
};

static struct rx_shroud	shroud;
static int		gro;	/* the socket coalesces (UDP_GRO) */

/* Buffers free in the pool right now (head first: never negative). */
static uint64_t
pool_free(void)
{
	uint64_t	head;

	head = atomic_load(&sanctum->free->head);
	return (atomic_load(&sanctum->free->tail) - head);
}

/* No buffer is free: give the processes downstream a moment to drain. */
static void
pool_wait(void)
{
	const struct timespec	pause = { 0, POOL_PAUSE_NS };

	(void)nanosleep(&pause, NULL);
}

/* Copy a peer shroud key chapel installed (checked once per batch). */
static void
shroud_check_slot(void)
{
	uint8_t		salt[4];
	uint32_t	spi;
	int		erase;

	if (sanctum->slots[SHM_SLOT_SRX] != NULL &&
	    slot_take(sanctum->slots[SHM_SLOT_SRX], &spi, salt,
	    shroud.peer_key, &erase))
		shroud.peer_valid = !erase;
}

/*
 * Pre-filter (tunnel.md 2.6): an SPI we hold, seq repeating pn, and a pn
 * not older than the replay window plus what may still sit in the ring.
 */
static int
prefilter(const uint8_t *d, size_t len)
{
	struct sanctum_state	*st = sanctum->state;
	struct sanctum_data_hdr	h;
	uint32_t		spi = get_be32(d);
	uint64_t		last;

	if (spi == atomic_load(&st->rx_pending) && spi != 0)
		return (0);
	if (spi != atomic_load(&st->rx.spi) || spi == 0) {
		counter_add(CTR_RX_UNKNOWN_SPI, 1);
		return (-1);
	}
	if (sanctum_data_header(d, len, &h) != SANCTUM_OK) {
		counter_add(CTR_RX_MALFORMED, 1);
		return (-1);
	}
	last = atomic_load(&st->last_pn);
	if (h.pn > last || (h.pn > 0 &&
	    last - h.pn < SANCTUM_REPLAY_WINDOW + PREFILTER_SLACK))
		return (0);
	counter_add(h.pn == 0 ? CTR_RX_REPLAY : CTR_RX_TOO_OLD, 1);
	return (-1);
}

/* Whether a datagram came from the current cathedral (ip and port). */
static int
from_cathedral(const struct sanctum_config *cfg, const struct sockaddr_in *s)
{
	return (cfg->cathedral_set && cathedral_match(s, 1));
}

/*
 * Unshroud in place: the packet moves to its usual place in the buffer.
 * The cathedral key applies to datagrams from the cathedral's IP.
 */
static int
unshroud(const struct sanctum_config *cfg, struct sanctum_packet *pkt,
    size_t len)
{
	const uint8_t	*key;
	size_t		plen;
	int		cath;

	cath = cfg->cathedral_set && cathedral_match(&pkt->addr, 0);
	if (cath && shroud.cathedral_valid)
		key = shroud.cathedral_key;
	else if (!cath && shroud.peer_valid)
		key = shroud.peer_key;
	else {
		counter_add(CTR_RX_UNSHROUD, 1);
		return (-1);
	}
	if (len < SANCTUM_DATA_OVERHEAD + SANCTUM_SHROUD_HDR_LEN ||
	    sanctum_unshroud(pkt->buf, len, key, &plen) != SANCTUM_OK) {
		counter_add(len < SANCTUM_DATA_OVERHEAD + SANCTUM_SHROUD_HDR_LEN ?
		    CTR_RX_RUNT : CTR_RX_UNSHROUD, 1);
		return (-1);
	}
	pkt->length = (uint32_t)plen;
	return (0);
}

/* Classify one datagram and queue it, or drop it with its reason counted. */
static void
classify(struct sanctum_proc *p, struct sanctum_packet *pkt)
{
	const struct sanctum_config	*cfg = p->cfg;
	const uint8_t			*d = PACKET_DATA(pkt);
	uint64_t			magic;

	if (pkt->length < SANCTUM_DATA_OVERHEAD) {
		counter_add(CTR_RX_RUNT, 1);
		goto drop;
	}
	magic = get_be64(d);
	if (get_be32(d) == 0) {
		counter_add(CTR_RX_INVALID, 1);
		goto drop;
	}
	if (magic == SANCTUM_MAGIC_SACRAMENT) {
		(void)packet_send_to(SHM_RING_CHAPEL, pkt,
		    cfg->mode == SANCTUM_MODE_SHRINE ? SANCTUM_PROC_SHRINE :
		    SANCTUM_PROC_CHAPEL);
		return;
	}
	if (magic == SANCTUM_MAGIC_KATEDRAL && cfg->cathedral_set) {
		if (!from_cathedral(cfg, &pkt->addr)) {
			counter_add(CTR_RX_NOT_CATHEDRAL, 1);
			goto drop;
		}
		if (pkt->length < SANCTUM_OFFER_LEN) {
			counter_add(CTR_OFFER_SHORT, 1);
			goto drop;
		}
		(void)packet_send_to(SHM_RING_CHAPEL, pkt, SANCTUM_PROC_CHAPEL);
		return;
	}
	if (prefilter(d, pkt->length) == -1)
		goto drop;
	(void)packet_send_to(SHM_RING_CONFESS, pkt, SANCTUM_PROC_CONFESS);
	return;
drop:
	packet_put(pkt);
}

/* One datagram in its buffer: unshroud when configured, then classify. */
static void
datagram(struct sanctum_proc *p, struct sanctum_packet *pkt, size_t len)
{
	pkt->length = (uint32_t)len;
	if (p->cfg->shroud && unshroud(p->cfg, pkt, len) == -1) {
		packet_put(pkt);
		return;
	}
	classify(p, pkt);
}

/*
 * Receive up to a batch of datagrams straight into pool buffers and
 * classify each; whether the batch was full (more may be waiting).
 */
static int
receive_batch(struct sanctum_proc *p)
{
	struct sanctum_packet	*pkts[SANCTUM_BATCH];
	struct mmsghdr		msgs[SANCTUM_BATCH];
	struct iovec		iov[SANCTUM_BATCH];
	size_t			off;
	int			i, n, count;

	off = p->cfg->shroud ? 0 : SANCTUM_PACKET_HEAD;
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
	if (count == 0) {
		pool_wait();
		return (0);
	}
	n = recvmmsg(p->udp_fd, msgs, (unsigned int)count, MSG_DONTWAIT, NULL);
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		fatal("recvmmsg: %s", strerror(errno));
	if (p->cfg->shroud)
		shroud_check_slot();
	for (i = 0; i < count; i++) {
		if (i >= n)
			packet_put(pkts[i]);
		else
			datagram(p, pkts[i], msgs[i].msg_len);
	}
	return (n == SANCTUM_BATCH);
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
 * With UDP_GRO the kernel hands over runs of datagrams of one size from
 * one sender as one message: receive them into buffers of the largest
 * UDP payload, then copy each datagram into a pool buffer (cut at the
 * receive limit, as a direct receive would). Only as many messages as
 * the pool can take at the kernel's most segments per message.
 */
static int
receive_gro(struct sanctum_proc *p)
{
	static uint8_t		bufs[SANCTUM_BATCH][RX_GRO_BYTES];
	static struct sockaddr_in from[SANCTUM_BATCH];
	union {
		uint8_t		buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	align;
	}			ctl[SANCTUM_BATCH];
	struct mmsghdr		msgs[SANCTUM_BATCH];
	struct iovec		iov[SANCTUM_BATCH];
	struct sanctum_packet	*pkt;
	size_t			off, seg, len, dlen;
	size_t			head = p->cfg->shroud ? 0 : SANCTUM_PACKET_HEAD;
	uint64_t		avail;
	int			i, n, count;

	if ((avail = pool_free()) == 0) {
		pool_wait();
		return (0);
	}
	count = avail / RX_GRO_SEGS < SANCTUM_BATCH ?
	    (int)(avail / RX_GRO_SEGS) + 1 : SANCTUM_BATCH;
	for (i = 0; i < count; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		msgs[i].msg_hdr.msg_control = ctl[i].buf;
		msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
	}
	n = recvmmsg(p->udp_fd, msgs, (unsigned int)count, MSG_DONTWAIT, NULL);
	if (n == -1 && errno != EAGAIN && errno != EINTR)
		fatal("recvmmsg: %s", strerror(errno));
	if (p->cfg->shroud)
		shroud_check_slot();
	for (i = 0; i < n; i++) {
		len = msgs[i].msg_len;
		seg = gro_segment(&msgs[i].msg_hdr, len);
		off = 0;
		do {
			if ((pkt = packet_get()) == NULL)
				break;
			dlen = len - off < seg ? len - off : seg;
			if (dlen > SANCTUM_MAX_DATAGRAM)
				dlen = SANCTUM_MAX_DATAGRAM;
			pkt->addr = from[i];
			memcpy(pkt->buf + head, bufs[i] + off, dlen);
			datagram(p, pkt, dlen);
			off += seg;
		} while (off < len);
	}
	return (n == count);
}

/* The cathedral shroud key, derived once (tunnel.md 3.5). */
static void
shroud_init(const struct sanctum_config *cfg)
{
	uint8_t		cs[32];
	char		err[256];

	if (!cfg->shroud || !cfg->cathedral_set)
		return;
	if (keyfile_read(cfg->cathedral_secret, cs, sizeof(cs), 0, err,
	    sizeof(err)) == -1)
		fatal("cathedral shroud key: %s", err);
	if (sanctum_base_key(shroud.cathedral_key, cs,
	    cfg->cathedral_flock & ~SANCTUM_FLOCK_DOMAIN_MASK,
	    cfg->cathedral_flock_dst & ~SANCTUM_FLOCK_DOMAIN_MASK,
	    SANCTUM_PURPOSE_SHROUD_CATHEDRAL) == 0)
		shroud.cathedral_valid = 1;
	sanctum_wipe(cs, sizeof(cs));
}

/* The process: sandbox, then receive until told to stop. */
void
purgatory_rx_main(struct sanctum_proc *p)
{
	const int	keep[] = { SHM_SLOT_SRX, SHM_RING_CHAPEL,
			    SHM_RING_CONFESS };
	const int	fds[] = { p->udp_fd };
	struct pollfd	pfd = { .fd = p->udp_fd, .events = POLLIN };
	int		one = 1;

	shroud_init(p->cfg);
	gro = setsockopt(p->udp_fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) == 0;
	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, fds, 1);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		if (poll(&pfd, 1, -1) <= 0 || !(pfd.revents & POLLIN))
			continue;
		while ((gro ? receive_gro(p) : receive_batch(p)) &&
		    !sanctum_quit)
			;
	}
	sanctum_wipe(&shroud, sizeof(shroud));
	exit(0);
}
