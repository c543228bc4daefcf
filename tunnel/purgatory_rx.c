/*
 * purgatory-rx: receives UDP in batches (recvmmsg), removes the shroud,
 * classifies each datagram by its first bytes and pre-filters data packets
 * before they may cost confess any work (tunnel.md 2.1, 2.6).
 */

#include <poll.h>
#include <string.h>

#include "keyfile.h"
#include "sanctum.h"
#include "udp_batch.h"

#define PREFILTER_SLACK		1023	/* packets still queued in confess */

/* Shroud keys of this side (tunnel mode: peer key via srx, cathedral key). */
struct rx_shroud {
	int		peer_valid;
	uint8_t		peer_key[32];
	int		cathedral_valid;
	uint8_t		cathedral_key[32];
};

static struct rx_shroud	shroud;
static struct udp_recv	rx;

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
 * Receive up to a batch of datagrams into pool buffers and classify each;
 * whether the batch was full (more may be waiting).
 */
static int
receive_batch(struct sanctum_proc *p)
{
	struct sanctum_packet	*pkt;
	size_t			len;
	int			more;

	more = udp_recv(&rx);
	if (p->cfg->shroud)
		shroud_check_slot();
	while ((pkt = udp_recv_next(&rx, &len)) != NULL)
		datagram(p, pkt, len);
	return (more);
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

	shroud_init(p->cfg);
	udp_recv_init(&rx, p->udp_fd, p->cfg->shroud ? 0 : SANCTUM_PACKET_HEAD,
	    1);
	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, fds, 1);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		if (poll(&pfd, 1, -1) <= 0 || !(pfd.revents & POLLIN))
			continue;
		while (receive_batch(p) && !sanctum_quit)
			;
	}
	sanctum_wipe(&shroud, sizeof(shroud));
	exit(0);
}
