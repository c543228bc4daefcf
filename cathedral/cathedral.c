/*
 * cathedral: the relay and discovery server (cathedral.md 3). It holds the
 * hot state in memory, runs a libevent loop that is woken by purgatory-rx,
 * hands replies and relayed packets to purgatory-tx, and leaves the disk to
 * its database thread. It is the only process of the daemon that opens the
 * database.
 */

#include <sys/eventfd.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cathedral.h"
#include "keyfile.h"

#define TX_WAKE_BATCH	32	/* queued while draining before waking tx */

struct cathedral	*cath;
static struct cathedral	state;
static int		tx_held;	/* on_wake drains: wake tx later */
static int		tx_pending;	/* queued for tx since it was woken */

/* Count one event. */
void
cath_count(enum cath_counter c)
{
	atomic_fetch_add_explicit(&cath->counters[c], 1, memory_order_relaxed);
}

/* Count n events (bytes). */
void
cath_count_n(enum cath_counter c, uint64_t n)
{
	atomic_fetch_add_explicit(&cath->counters[c], n, memory_order_relaxed);
}

/* Milliseconds of the monotonic clock. */
uint64_t
cath_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/*
 * Queue a datagram (at PACKET_DATA) for purgatory-tx to an address. While
 * on_wake drains, purgatory-tx is woken per TX_WAKE_BATCH packets, not per
 * packet, so it sends them in runs instead of one by one.
 */
static void
send_to(struct sanctum_packet *pkt, uint32_t ip, uint16_t port)
{
	memset(&pkt->addr, 0, sizeof(pkt->addr));
	pkt->addr.sin_family = AF_INET;
	pkt->addr.sin_addr.s_addr = ip;
	pkt->addr.sin_port = port;
	if (ring_put(sanctum->rings[SHM_RING_PURGATORY],
	    packet_index(pkt)) == -1) {
		counter_add(CTR_RING_FULL, 1);
		packet_put(pkt);
		return;
	}
	if (!tx_held || ++tx_pending >= TX_WAKE_BATCH) {
		tx_pending = 0;
		proc_wake(SANCTUM_PROC_PURGATORY_TX);
	}
}

/* Wake purgatory-tx for what on_wake queued and has not woken it for. */
static void
tx_release(void)
{
	if (tx_pending > 0)
		proc_wake(SANCTUM_PROC_PURGATORY_TX);
	tx_pending = 0;
}

/* Send a datagram unshrouded whatever the configuration (enrollment). */
void
cath_send_raw(struct sanctum_packet *pkt, const struct sockaddr_in *to)
{
	pkt->flags &= ~PACKET_F_SHROUDED;
	send_to(pkt, to->sin_addr.s_addr, to->sin_port);
}

/*
 * Queue a datagram (at PACKET_DATA) for purgatory-tx to ip:port (network
 * order). With shroud it is masked with the given key first; without a key
 * a shrouded cathedral sends nothing.
 */
void
cath_send(struct sanctum_packet *pkt, uint32_t ip, uint16_t port,
    const uint8_t *shroud_key)
{
	size_t	len;

	if (cath->cfg->shroud) {
		if (shroud_key == NULL || sanctum_shroud(pkt->buf, pkt->length,
		    SANCTUM_PACKET_SIZE, shroud_key, NULL, NULL,
		    cath->cfg->cathedral_mtu, &len) == -1) {
			packet_put(pkt);
			return;
		}
		pkt->length = (uint32_t)len;
		pkt->flags |= PACKET_F_SHROUDED;
	}
	send_to(pkt, ip, port);
}

/*
 * Drain the ring from purgatory-rx. The wake word goes to 0 only once the
 * ring is seen empty afterwards, so a packet queued meanwhile is not left.
 */
static void
on_wake(evutil_socket_t fd, short what, void *arg)
{
	struct sanctum_packet	*pkt;
	uint64_t		v;

	(void)what;
	(void)arg;
	(void)!read(fd, &v, sizeof(v));
	tx_held = 1;
	for (;;) {
		cath->now = cath_now_ms();
		while ((pkt = packet_take(SHM_RING_CHAPEL)) != NULL)
			cath_receive(pkt);
		tx_release();
		atomic_store(&sanctum->state->wake[SANCTUM_PROC_CATHEDRAL], 0);
		if (ring_empty(sanctum->rings[SHM_RING_CHAPEL]))
			break;
		atomic_store(&sanctum->state->wake[SANCTUM_PROC_CATHEDRAL], 1);
	}
	tx_held = 0;
	cath_db_adopt(cath);
}

/* SIGQUIT from the guardian: leave the loop at once. */
static void
on_quit(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopbreak(arg);
}

/* Once a second: database hand-off, expiry, status. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	cath->now = cath_now_ms();
	cath_db_tick(cath);
	if (cath->now >= cath->next_scan) {
		cath->next_scan = cath->now + CATH_SCAN_MS;
		cath_expire();
	}
	if (cath->now >= cath->next_status) {
		cath->next_status = cath->now + CATH_STATUS_MS;
		cath_status();
	}
}

/*
 * Run between closing descriptors and dropping privileges: open the
 * database as the run user (so its files are that user's), load the first
 * snapshot, start the database thread, and create the event loop.
 */
static void
open_database(void *arg)
{
	struct sanctum_proc	*p = arg;
	const struct config_run	*run = &p->cfg->run[p->type];
	char			err[512];

	if (setegid(run->gid) == -1 || seteuid(run->uid) == -1)
		fatal("seteuid %s: %s", run->user, strerror(errno));
	if (db_check_writable(p->cfg->database, err, sizeof(err)) == -1)
		fatal("database: %s", err);
	if ((cath->db = db_open(p->cfg->database, DB_OPEN_RW, err,
	    sizeof(err))) == NULL)
		fatal("database %s: %s", p->cfg->database, err);
	if (db_migrate(cath->db) == -1)
		fatal("database %s: %s", p->cfg->database, db_error(cath->db));
	if ((cath->conf = cath_conf_load(cath->db, p->cfg, err,
	    sizeof(err))) == NULL)
		fatal("database %s: %s", p->cfg->database, err);
	if (cath_db_start(cath, err, sizeof(err)) == -1)
		fatal("%s", err);
	if (seteuid(0) == -1 || setegid(0) == -1)
		fatal("seteuid back: %s", strerror(errno));
	if ((cath->base = event_base_new()) == NULL)
		fatal("event_base_new failed");
	cath->quit = evsignal_new(cath->base, SIGQUIT, on_quit, cath->base);
	if (cath->quit == NULL || event_add(cath->quit, NULL) == -1)
		fatal("cathedral signal event");
}

/*
 * The in-memory state: limits, tables, the sync secret and the federation
 * shroud key derived from it, our advertised address. Also used by the fuzz
 * harnesses, which have no process around it.
 */
void
cath_state_init(const struct sanctum_config *cfg, const uint8_t sync[32])
{
	memset(&state, 0, sizeof(state));
	cath = &state;
	cath->cfg = cfg;
	pthread_mutex_init(&cath->lock, NULL);
	pthread_cond_init(&cath->cond, NULL);
	cath->limits = (struct cath_limits){ CATH_MAX_TUNNELS,
	    CATH_MAX_LITURGIES, CATH_MAX_SOURCES, CATH_MAX_SEEDS,
	    CATH_OFFER_RATE, CATH_OFFER_BURST };
	cath_limits_apply(&cath->limits, cfg);
	memcpy(cath->sync, sync, sizeof(cath->sync));
	if (sanctum_base_key(cath->fed_shroud, cath->sync,
	    SANCTUM_MAGIC_CATACOMB, SANCTUM_MAGIC_KATEDRAL,
	    SANCTUM_PURPOSE_SHROUD_CATHEDRAL) == -1)
		fatal("federation shroud key");
	cath->adv_ip = cfg->cathedral_ip.sin_addr.s_addr;
	cath->adv_port = cfg->cathedral_ip.sin_port;
	if (table_init(&cath->tunnels, sizeof(struct tunnel_key),
	    sizeof(struct cath_tunnel), cath->limits.tunnels) == -1 ||
	    table_init(&cath->liturgies, sizeof(struct liturgy_key),
	    sizeof(struct cath_liturgy), cath->limits.liturgies) == -1 ||
	    table_init(&cath->sources, 4, sizeof(struct cath_source),
	    cath->limits.sources) == -1 ||
	    table_init(&cath->seeds, CATH_SEED_KEY, sizeof(uint64_t),
	    cath->limits.seeds) == -1 ||
	    table_init(&cath->shroud_ids, 16, sizeof(struct cath_shroud_id),
	    CATH_MAX_SHROUD_IDS) == -1)
		fatal("out of memory for the cathedral tables");
}

/* The process's state: the sync secret is read while still privileged. */
static void
cathedral_init(struct sanctum_proc *p)
{
	uint8_t	sync[32];
	char	err[512];

	if (keyfile_read(p->cfg->secret, sync, sizeof(sync), 0, err,
	    sizeof(err)) == -1)
		fatal("%s", err);
	cath_state_init(p->cfg, sync);
	cath->proc = p;
	sanctum_wipe(sync, sizeof(sync));
}

/* The process: state, sandbox around the database, then the loop. */
void
cathedral_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_RING_CHAPEL, SHM_RING_PURGATORY };
	int			fds[2], nfds = 0;
	struct event_base	*base;
	struct event		*wake, *tick;
	struct timeval		tv = { 1, 0 };

	cathedral_init(p);
	shm_keep(p->shm, keep, sizeof(keep) / sizeof(keep[0]));
	fds[nfds++] = p->shm->wake_fd[SANCTUM_PROC_CATHEDRAL];
	if (p->metrics_fd != -1)
		fds[nfds++] = p->metrics_fd;
	sandbox_enter_hook(p, fds, (size_t)nfds, open_database, p);
	base = cath->base;
	wake = event_new(base, fds[0], EV_READ | EV_PERSIST, on_wake, NULL);
	tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);
	if (wake == NULL || tick == NULL || event_add(wake, NULL) == -1 ||
	    event_add(tick, &tv) == -1)
		fatal("cathedral events");
	if (p->metrics_fd != -1 && cath_metrics_start(base, p->metrics_fd) == -1)
		fatal("metrics endpoint");
	cath->now = cath_now_ms();
	log_msg("serving: %zu identities, %zu bundles, %zu federation peers",
	    cath->conf->idents.count, cath->conf->nbundles, cath->conf->nfeds);
	/* Asleep from the start: the first packet writes the eventfd. */
	atomic_store(&sanctum->state->wake[p->type], 0);
	atomic_store(&sanctum->state->started[p->type], 1);
	(void)event_base_dispatch(base);
	cath_db_stop(cath);
	db_close(cath->db);
	cath_conf_free(cath->conf);
	sanctum_wipe(cath->sync, sizeof(cath->sync));
	exit(0);
}
