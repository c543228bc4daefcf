/*
 * The cathedral client inside chapel (cathedral.md 5, tunnel.md 4.10) or
 * the liturgy process (cathedral.md 6.2): an INFO (and its CIBORIUM copy)
 * or a LITURGY every 5 s; the cathedral's INFO replies move the peer
 * address, its AMBRY offers deliver the traffic secret, its LITURGY replies
 * go to the liturgy handler, its REMEMBRANCE list is kept for fail-over
 * after 45 s of silence. The rules themselves are in cathedral_client.c.
 * In liturgy mode the network processes are the plain relay ones, so this
 * code shrouds and unshrouds itself.
 */

#include <sys/stat.h>

#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cathedral_link.h"
#include "keyfile.h"
#include "sanctum.h"

#define SECRET_MODE		0600	/* the traffic secret an ambry delivers */
#define REMEMBRANCE_MODE	0400	/* as the reference writes it */
#define IDENTITY_ROTATE		300	/* seconds between shroud identities */

/* The client's state: credentials, the generation, timers, the list. */
struct cathedral_client {
	const struct sanctum_config	*cfg;
	struct cathedral_keys		keys;
	struct cathedral_list		list;
	uint32_t			generation;	/* installed, 0 = none */
	uint64_t			info_next;
	uint32_t			rx_new;		/* RX SPI not yet told */
	uint64_t			alive;		/* last valid packet */
	cathedral_liturgy_fn		liturgy;	/* liturgy mode */
	int				shroud;		/* we shroud (liturgy) */
	uint8_t				shroud_key[32];
	uint8_t				shroud_base[16];
	uint8_t				shroud_id[16];
	uint8_t				shroud_seed[16];
	uint64_t			shroud_rotate;
};

static struct cathedral_client	cc;

/* Read one fixed-size credential while still privileged; fatal if absent. */
static void
credential_load(const char *what, const char *path, uint8_t *buf, size_t len)
{
	char	err[512];

	if (keyfile_read(path, buf, len, 0, err, sizeof(err)) == -1)
		fatal("%s: %s", what, err);
}

/* The COSK file is seed || public key; a mismatch could never sign validly. */
static void
cosk_check(const uint8_t cosk[64])
{
	uint8_t		pk[32], sk[64];

	if (sanctum_ed25519_seed_keypair(pk, sk, cosk) == -1 ||
	    !sanctum_memeq(pk, cosk + 32, sizeof(pk)))
		fatal("%s: public half does not match the seed",
		    cc.cfg->cathedral_cosk);
	sanctum_wipe(sk, sizeof(sk));
}

/*
 * The remembrance file of an earlier run (cathedral.md 2.8): at least 192
 * readable bytes become the fail-over list; anything else is ignored.
 */
static void
remembrance_load(const char *path)
{
	uint8_t		buf[CATHEDRAL_REMEMBRANCE_LEN];
	struct stat	st;
	ssize_t		n;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			log_msg("remembrance %s: %s", path, strerror(errno));
		return;
	}
	n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n != (ssize_t)sizeof(buf)) {
		log_msg("remembrance %s: not a file of %zu bytes, ignored",
		    path, sizeof(buf));
		return;
	}
	cathedral_list_load(&cc.list, buf);
}

/* The cathedral shroud key and identity base (tunnel.md 3.5), liturgy mode. */
static void
shroud_init(void)
{
	const struct cathedral_keys	*k = &cc.keys;
	uint64_t			fs, fd;

	fs = k->flock & ~SANCTUM_FLOCK_DOMAIN_MASK;
	fd = k->flock_dst & ~SANCTUM_FLOCK_DOMAIN_MASK;
	if (sanctum_base_key(cc.shroud_key, k->cs, fs, fd,
	    SANCTUM_PURPOSE_SHROUD_CATHEDRAL) == -1 ||
	    sanctum_shroud_base_identity(cc.shroud_base, fs, fd, k->id) == -1)
		fatal("cathedral shroud key");
	cc.shroud = 1;
}

/* Shroud a datagram towards the cathedral (identity renewed every 300 s). */
static int
shroud_out(struct sanctum_packet *pkt, uint64_t now)
{
	size_t	len;

	if (now >= cc.shroud_rotate) {
		sanctum_random_bytes(cc.shroud_seed, sizeof(cc.shroud_seed));
		(void)sanctum_shroud_identity(cc.shroud_id, cc.shroud_base,
		    cc.shroud_seed);
		cc.shroud_rotate = now + IDENTITY_ROTATE;
	}
	if (sanctum_shroud(pkt->buf, pkt->length, SANCTUM_PACKET_SIZE,
	    cc.shroud_key, cc.shroud_id, cc.shroud_seed,
	    atomic_load(&sanctum->state->mtu_size), &len) == -1)
		return (-1);
	pkt->length = (uint32_t)len;
	pkt->flags |= PACKET_F_SHROUDED;
	return (0);
}

/*
 * Hand an offer to the network side: purgatory-tx's offer ring in tunnel
 * mode (it shrouds), the relay ring (shrouded here) in liturgy mode.
 */
static void
link_send(struct sanctum_packet *pkt, const struct sockaddr_in *to)
{
	pkt->addr = *to;
	if (cc.cfg->mode != SANCTUM_MODE_LITURGY) {
		(void)packet_send_to(SHM_RING_OFFER, pkt,
		    SANCTUM_PROC_PURGATORY_TX);
		return;
	}
	if (cc.shroud &&
	    shroud_out(pkt, atomic_load(&sanctum->state->uptime)) == -1) {
		packet_put(pkt);
		return;
	}
	(void)packet_send_to(SHM_RING_PURGATORY, pkt, SANCTUM_PROC_PURGATORY_TX);
}

/*
 * Before the sandbox: the cathedral secret, the COSK and the KEK stay in
 * memory; the configured cathedral becomes the current one.
 */
void
cathedral_link_init(struct sanctum_proc *p, cathedral_liturgy_fn liturgy)
{
	const struct sanctum_config	*cfg = p->cfg;
	struct cathedral_keys		*k = &cc.keys;

	memset(&cc, 0, sizeof(cc));
	cc.cfg = cfg;
	cc.liturgy = liturgy;
	if (!cfg->cathedral_set)
		return;
	k->id = cfg->cathedral_id;
	k->flock = cfg->cathedral_flock;
	k->flock_dst = cfg->cathedral_flock_dst;
	k->tun_spi = cfg->tun_spi;
	k->remembrance = cfg->cathedral_remembrance[0] != '\0';
	k->have_kek = cfg->kek[0] != '\0';
	credential_load("cathedral_secret", cfg->cathedral_secret, k->cs,
	    sizeof(k->cs));
	credential_load("cathedral_cosk", cfg->cathedral_cosk, k->cosk,
	    sizeof(k->cosk));
	cosk_check(k->cosk);
	if (k->have_kek)
		credential_load("kek", cfg->kek, k->kek, sizeof(k->kek));
	if (k->remembrance)
		remembrance_load(cfg->cathedral_remembrance);
	cathedral_addr_set(cfg->cathedral.sin_addr.s_addr,
	    cfg->cathedral.sin_port);
	cc.alive = atomic_load(&sanctum->state->uptime);
	if (cfg->mode == SANCTUM_MODE_LITURGY && cfg->shroud)
		shroud_init();
}

/* Wipe every credential at exit. */
void
cathedral_link_clear(void)
{
	sanctum_wipe(&cc, sizeof(cc));
}

/* Queue one INFO offer (KATEDRAL or CIBORIUM) for purgatory-tx. */
static void
info_queue(uint64_t magic, const struct offer_info *info,
    const struct sockaddr_in *to)
{
	struct sanctum_packet	*pkt;
	uint8_t			seed[SANCTUM_SEED_LEN];
	size_t			len = SANCTUM_OFFER_LEN;
	const struct sanctum_config *cfg = cc.cfg;

	if ((pkt = packet_get()) == NULL)
		return;
	sanctum_random_bytes(seed, sizeof(seed));
	if (cathedral_info_offer(PACKET_DATA(pkt), magic, &cc.keys, info,
	    (uint64_t)time(NULL), seed) == -1) {
		packet_put(pkt);
		return;
	}
	if (cfg->tfc && (size_t)cfg->tun_mtu + SANCTUM_DATA_OVERHEAD > len) {
		len = cfg->tun_mtu + SANCTUM_DATA_OVERHEAD;
		sanctum_random_bytes(PACKET_DATA(pkt) + SANCTUM_OFFER_LEN,
		    len - SANCTUM_OFFER_LEN);
	}
	pkt->length = (uint32_t)len;
	link_send(pkt, to);
}

/* The LITURGY announcement (cathedral.md 6.2) to the current cathedral. */
static void
liturgy_send(void)
{
	struct sanctum_packet	*pkt;
	struct offer_liturgy	l;
	struct sockaddr_in	to;
	uint8_t			seed[SANCTUM_SEED_LEN];
	size_t			len = SANCTUM_OFFER_LEN;

	if (!cathedral_addr_get(&to) || (pkt = packet_get()) == NULL)
		return;
	cathedral_liturgy_fields(&l, &cc.keys, cc.cfg->liturgy_group,
	    !cc.cfg->liturgy_discoverable);
	sanctum_random_bytes(seed, sizeof(seed));
	if (cathedral_liturgy_offer(PACKET_DATA(pkt), &cc.keys, &l,
	    (uint64_t)time(NULL), seed) == -1) {
		packet_put(pkt);
		return;
	}
	if (cc.cfg->tfc && cc.cfg->tun_mtu != 0) {
		len = (size_t)cc.cfg->tun_mtu + SANCTUM_DATA_OVERHEAD;
		sanctum_random_bytes(PACKET_DATA(pkt) + SANCTUM_OFFER_LEN,
		    len - SANCTUM_OFFER_LEN);
	}
	pkt->length = (uint32_t)len;
	link_send(pkt, &to);
}

/*
 * The INFO notification (tunnel.md 4.10) to the current cathedral and,
 * with a NAT port, the CIBORIUM copy to its IP at that port.
 */
static void
info_send(uint64_t instance)
{
	struct sanctum_state	*st = sanctum->state;
	struct offer_info	info;
	struct sockaddr_in	to;
	uint32_t		active, pending;

	if (!cathedral_addr_get(&to))
		return;
	active = atomic_load(&st->rx.spi);
	pending = atomic_load(&st->rx_pending);
	if (cc.rx_new == active)
		cc.rx_new = 0;
	else if (pending == 0)
		pending = cc.rx_new;
	cathedral_info_fields(&info, &cc.keys, cc.generation, active, pending,
	    instance);
	info_queue(SANCTUM_MAGIC_KATEDRAL, &info, &to);
	if (cc.cfg->cathedral_nat_port != 0) {
		to.sin_port = htons(cc.cfg->cathedral_nat_port);
		info_queue(SANCTUM_MAGIC_CIBORIUM, &info, &to);
	}
}

/*
 * Fail-over (cathedral.md 5): with a remembrance file, 45 s without a
 * valid cathedral packet move us to the next entry of the list.
 */
static void
failover_check(uint64_t now)
{
	struct in_addr	in;
	uint32_t	ip;
	uint16_t	port;

	if (!cc.keys.remembrance || now < cc.alive + CATHEDRAL_FAILOVER)
		return;
	cc.alive = now;
	if (!cathedral_list_next(&cc.list, &ip, &port))
		return;
	cathedral_addr_set(ip, port);
	cc.info_next = now;
	in.s_addr = ip;
	log_msg("cathedral silent for %ds, now using %s:%u (entry %d)",
	    CATHEDRAL_FAILOVER, inet_ntoa(in), ntohs(port), cc.list.index);
}

/*
 * chapel installed a new RX key: tell the cathedral at once rather than at
 * the next INFO, which may be 5 s away. A cathedral relays data only on the
 * SPIs the receiver last reported (cathedral.md 3.8), so until then the
 * peer's traffic on the new key would be dropped. Until confess has taken
 * the key, the INFO reports it as pending itself.
 */
void
cathedral_link_rx_key(uint32_t spi)
{
	cc.rx_new = spi;
	cc.info_next = 0;
}

/* Per chapel iteration: fail-over, then INFO when it is due. */
void
cathedral_link_tick(uint64_t now, uint64_t instance)
{
	if (!cc.cfg->cathedral_set)
		return;
	failover_check(now);
	if (now < cc.info_next)
		return;
	cc.info_next = now + CATHEDRAL_INFO_INTERVAL;
	if (cc.cfg->mode == SANCTUM_MODE_LITURGY)
		liturgy_send();
	else
		info_send(instance);
}

/*
 * A peer INFO (cathedral.md 5): our public address as the cathedral saw
 * it (the quirky fields, stored as they come), and without a configured
 * peer the address to send to; a move to another host starts hole punching.
 */
static void
info_recv(const uint8_t *d)
{
	struct sanctum_state	*st = sanctum->state;
	struct offer_info	info;
	struct sockaddr_in	ann, old;
	int			had;

	sanctum_info_decode(d, &info);
	atomic_store(&st->local_public,
	    (uint64_t)info.local_ip << 16 | info.local_port);
	if (cc.cfg->peer_configured || info.peer_ip == 0 || info.peer_port == 0)
		return;
	if (!cathedral_peer_usable(info.peer_ip, info.peer_port)) {
		counter_add(CTR_OFFER_IGNORED, 1);
		return;
	}
	memset(&ann, 0, sizeof(ann));
	ann.sin_family = AF_INET;
	ann.sin_addr.s_addr = info.peer_ip;
	ann.sin_port = info.peer_port;
	had = peer_get(&old);
	if (peer_update(cc.cfg, &ann))
		log_msg("peer address from the cathedral: %s:%u",
		    inet_ntoa(ann.sin_addr), ntohs(ann.sin_port));
	if (info.peer_ip != info.local_ip && !cathedral_match(&ann, 0) &&
	    (!had || old.sin_addr.s_addr != ann.sin_addr.s_addr ||
	    old.sin_port != ann.sin_port))
		atomic_store(&st->holepunch, 1);
}

/*
 * An AMBRY (cathedral.md 4.3): unwrapped, the secret replaces the secret
 * file (PATH.new, then rename) and only then counts as installed, so the
 * file and chapel never disagree. 1 with ss set for the exchange.
 */
static int
ambry_recv(const uint8_t *d, uint64_t wall, uint8_t ss[32])
{
	enum cathedral_ambry	r;
	uint32_t		gen = 0;
	char			err[512];

	r = cathedral_ambry(&cc.keys, d, cc.generation, wall, ss, &gen);
	switch (r) {
	case CATHEDRAL_AMBRY_OK:
		break;
	case CATHEDRAL_AMBRY_BAD_TAG:
		counter_add(CTR_OFFER_BAD_TAG, 1);
		log_msg("ambry refused: %s", cathedral_ambry_reason(r));
		return (0);
	case CATHEDRAL_AMBRY_EXPIRED:
		counter_add(CTR_OFFER_STALE, 1);
		log_msg("ambry refused: %s", cathedral_ambry_reason(r));
		return (0);
	default:
		counter_add(CTR_OFFER_IGNORED, 1);
		return (0);
	}
	if (keyfile_write(cc.cfg->secret, ss, 32, SECRET_MODE, err,
	    sizeof(err)) == -1) {
		log_msg("ambry not installed: %s", err);
		sanctum_wipe(ss, 32);
		return (0);
	}
	cc.generation = gen;
	log_msg("ambry generation %08x installed", gen);
	return (1);
}

/*
 * A REMEMBRANCE (cathedral.md 2.8): written to the configured file and
 * loaded as the fail-over list; ignored without a file.
 */
static void
remembrance_recv(const uint8_t *d)
{
	struct offer_remembrance	r;
	uint8_t				buf[CATHEDRAL_REMEMBRANCE_LEN];
	char				err[512];
	const char			*path = cc.cfg->cathedral_remembrance;

	if (!cc.keys.remembrance) {
		log_msg("remembrance received but none configured, ignored");
		counter_add(CTR_OFFER_IGNORED, 1);
		return;
	}
	sanctum_remembrance_decode(d, &r);
	cathedral_remembrance_file(buf, &r);
	if (keyfile_write(path, buf, sizeof(buf), REMEMBRANCE_MODE, err,
	    sizeof(err)) == -1)
		log_msg("remembrance not saved: %s", err);
	cathedral_list_load(&cc.list, buf);
}

/*
 * One KATEDRAL datagram (tunnel.md 4.10): from the current cathedral's
 * ip:port only, opened and checked, then dispatched on its type. Returns 1
 * when an ambry delivered a new traffic secret into ss.
 */
int
cathedral_link_recv(struct sanctum_packet *pkt, uint64_t now, uint8_t ss[32])
{
	uint8_t			*d = PACKET_DATA(pkt);
	uint64_t		wall = (uint64_t)time(NULL);
	struct offer_liturgy	l;
	size_t			plen;

	if (!cathedral_match(&pkt->addr, 1)) {
		counter_add(CTR_RX_NOT_CATHEDRAL, 1);
		return (0);
	}
	if (pkt->flags & PACKET_F_SHROUDED) {
		if (!cc.shroud || sanctum_unshroud(pkt->buf, pkt->length,
		    cc.shroud_key, &plen) != SANCTUM_OK) {
			counter_add(CTR_RX_UNSHROUD, 1);
			return (0);
		}
		pkt->length = (uint32_t)plen;
		pkt->flags &= ~PACKET_F_SHROUDED;
	}
	switch (cathedral_open(d, pkt->length, &cc.keys, wall)) {
	case CATHEDRAL_RX_OK:
		break;
	case CATHEDRAL_RX_SHORT:
		counter_add(CTR_OFFER_SHORT, 1);
		return (0);
	case CATHEDRAL_RX_TAG:
		counter_add(CTR_OFFER_BAD_TAG, 1);
		return (0);
	case CATHEDRAL_RX_STALE:
		counter_add(CTR_OFFER_STALE, 1);
		return (0);
	case CATHEDRAL_RX_IGNORED:
		counter_add(CTR_OFFER_IGNORED, 1);
		return (0);
	}
	cc.alive = now;
	switch (sanctum_offer_type(d)) {
	case SANCTUM_OFFER_INFO:
		info_recv(d);
		break;
	case SANCTUM_OFFER_AMBRY:
		return (ambry_recv(d, wall, ss));
	case SANCTUM_OFFER_REMEMBRANCE:
		remembrance_recv(d);
		break;
	case SANCTUM_OFFER_LITURGY:
		if (cc.liturgy == NULL) {
			counter_add(CTR_OFFER_IGNORED, 1);
			break;
		}
		sanctum_liturgy_decode(d, &l);
		cc.liturgy(&l);
		break;
	default:
		log_msg("cathedral offer of type %u ignored",
		    sanctum_offer_type(d));
		counter_add(CTR_OFFER_IGNORED, 1);
		break;
	}
	return (0);
}
