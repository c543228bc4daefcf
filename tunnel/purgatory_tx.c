/*
 * purgatory-tx: the only sender on the network side (tunnel.md 2.1). It
 * takes offers and encrypted packets, shrouds them when configured, and
 * sends them in batches with sendmmsg to the peer (or the address a key
 * process put on an offer, such as the cathedral).
 */

#include <errno.h>
#include <string.h>

#include "keyfile.h"
#include "sanctum.h"
#include "udp_batch.h"

#define IDENTITY_ROTATE		300	/* seconds between shroud identities */

/* Shroud state of the sending side. */
struct tx_shroud {
	int		peer_valid;
	uint8_t		peer_key[32];
	int		cathedral_valid;
	uint8_t		cathedral_key[32];
	uint8_t		base_id[16];
	uint8_t		id[16];
	uint8_t		seed[16];
	uint64_t	rotate;
};

static struct tx_shroud	shroud;
static struct udp_send	tx;

/* The cathedral shroud key and identity base (tunnel.md 3.5). */
static void
shroud_init(const struct sanctum_config *cfg)
{
	uint8_t		cs[32];
	char		err[256];
	uint64_t	fs, fd;

	if (!cfg->shroud || !cfg->cathedral_set)
		return;
	if (keyfile_read(cfg->cathedral_secret, cs, sizeof(cs), 0, err,
	    sizeof(err)) == -1)
		fatal("cathedral shroud key: %s", err);
	fs = cfg->cathedral_flock & ~SANCTUM_FLOCK_DOMAIN_MASK;
	fd = cfg->cathedral_flock_dst & ~SANCTUM_FLOCK_DOMAIN_MASK;
	if (sanctum_base_key(shroud.cathedral_key, cs, fs, fd,
	    SANCTUM_PURPOSE_SHROUD_CATHEDRAL) == 0 &&
	    sanctum_shroud_base_identity(shroud.base_id, fs, fd,
	    cfg->cathedral_id) == 0)
		shroud.cathedral_valid = 1;
	sanctum_wipe(cs, sizeof(cs));
}

/* A new identity seed and identity every 300 s. */
static void
shroud_rotate(uint64_t now)
{
	if (!shroud.cathedral_valid || now < shroud.rotate)
		return;
	sanctum_random_bytes(shroud.seed, sizeof(shroud.seed));
	(void)sanctum_shroud_identity(shroud.id, shroud.base_id, shroud.seed);
	shroud.rotate = now + IDENTITY_ROTATE;
}

/*
 * Shroud one packet in place (it moves to the start of the buffer). Towards
 * the cathedral's IP the cathedral key and our identity; else the peer key
 * with random id fields. Without a peer key, nothing goes to the peer.
 */
static int
shroud_packet(const struct sanctum_config *cfg, struct sanctum_packet *pkt,
    const struct sockaddr_in *to)
{
	const uint8_t	*key, *id = NULL, *seed = NULL;
	size_t		len;
	uint16_t	mtu = atomic_load(&sanctum->state->mtu_size);

	if (cfg->cathedral_set && cathedral_match(to, 0)) {
		if (!shroud.cathedral_valid)
			return (-1);
		key = shroud.cathedral_key;
		id = shroud.id;
		seed = shroud.seed;
	} else {
		if (!shroud.peer_valid)
			return (-1);
		key = shroud.peer_key;
	}
	if (sanctum_shroud(pkt->buf, pkt->length, SANCTUM_PACKET_SIZE, key, id,
	    seed, mtu, &len) == -1)
		return (-1);
	pkt->length = (uint32_t)len;
	return (0);
}

/* Copy a peer shroud key chapel installed. */
static void
shroud_check_slot(void)
{
	uint8_t		salt[4];
	uint32_t	spi;
	int		erase;

	if (sanctum->slots[SHM_SLOT_STX] != NULL &&
	    slot_take(sanctum->slots[SHM_SLOT_STX], &spi, salt,
	    shroud.peer_key, &erase))
		shroud.peer_valid = !erase;
}

/* Whether a send error only costs the packet (tunnel.md 2.11). */
static int
send_error_transient(int err)
{
	return (err == EAGAIN || err == EWOULDBLOCK || err == EADDRNOTAVAIL ||
	    err == EMSGSIZE || err == ENETUNREACH || err == EHOSTUNREACH ||
	    err == ENETDOWN || err == ENOBUFS || err == EPERM ||
	    err == ECONNREFUSED);
}

/* A send error: transient ones cost the datagrams, the rest are fatal. */
static void
send_failed(int err, int datagrams)
{
	if (!send_error_transient(err))
		fatal("sendmmsg: %s", strerror(err));
	counter_add(CTR_TX_SEND_ERROR, (uint64_t)datagrams);
}

/* Gather up to a batch from the offer ring first, then the data ring. */
static int
gather(struct sanctum_packet **pkts)
{
	int	n = 0;

	while (n < UDP_SEND_MAX && sanctum->rings[SHM_RING_OFFER] != NULL &&
	    (pkts[n] = packet_take(SHM_RING_OFFER)) != NULL)
		n++;
	while (n < UDP_SEND_MAX &&
	    (pkts[n] = packet_take(SHM_RING_PURGATORY)) != NULL)
		n++;
	return (n);
}

/* Address, shroud and send one gathered batch; buffers go back. */
static void
flush(struct sanctum_proc *p, struct sanctum_packet **pkts, int n)
{
	struct sockaddr_in	peer;
	int			have_peer, i;

	have_peer = peer_get(&peer);
	if (p->cfg->shroud)
		shroud_check_slot();
	for (i = 0; i < n; i++) {
		if (pkts[i]->addr.sin_port == 0) {
			if (!have_peer) {
				counter_add(CTR_TX_NO_PEER, 1);
				continue;
			}
			pkts[i]->addr = peer;
		}
		if (!p->cfg->shroud)
			udp_send_add(&tx, PACKET_DATA(pkts[i]), pkts[i]->length,
			    &pkts[i]->addr);
		else if (shroud_packet(p->cfg, pkts[i], &pkts[i]->addr) == 0)
			udp_send_add(&tx, pkts[i]->buf, pkts[i]->length,
			    &pkts[i]->addr);
	}
	udp_send_flush(&tx);
	for (i = 0; i < n; i++)
		packet_put(pkts[i]);
}

/* The process: sandbox, then send whatever is queued. */
void
purgatory_tx_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_SLOT_STX, SHM_RING_OFFER,
				    SHM_RING_PURGATORY };
	const int		fds[] = { p->udp_fd };
	struct sanctum_packet	*pkts[UDP_SEND_MAX];
	int			n;

	shroud_init(p->cfg);
	udp_send_init(&tx, p->udp_fd, send_failed);
	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	sandbox_enter(p, fds, 1);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		if (p->cfg->shroud)
			shroud_rotate(atomic_load(&sanctum->state->uptime));
		while ((n = gather(pkts)) > 0)
			flush(p, pkts, n);
		proc_suspend(p->type, p->cfg->shroud ? 1 : 0);
	}
	sanctum_wipe(&shroud, sizeof(shroud));
	exit(0);
}
