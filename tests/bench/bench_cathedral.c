/*
 * bench_cathedral: the cathedral's offer path on one core. Authenticated
 * INFO announces per second through the real receive pipeline (rate limit,
 * offer key, AES-GCM, Ed25519, tables), next to raw libsodium Ed25519
 * verification of the same 451 bytes in the same run (the denominator);
 * and the time of one database flush of 10,000 tunnel endpoints. Prints;
 * not a test. This file includes sodium.h only for the raw baseline.
 */

#include <arpa/inet.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cathedral.h"

#define FLOCK		0xa1b2c3d4e5f60700ULL
#define CSID		0x0000000aU
#define OFFERS		20000
#define ENDPOINTS	10000
#define ROUNDS		9	/* rounds; medians reported */
#define SLICE		500	/* offers per timed slice (divides OFFERS) */

static struct sanctum_shared	shm;
static struct sanctum_config	cfg;
static uint8_t			cs[32], pk[32], sk[64];

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* A database with one flock and one identity allowed every peer id. */
static struct db *
fixture(const char *path)
{
	struct db_identity_new	id;
	struct db		*db;
	char			err[256];
	int			peer;

	unlink(path);
	if ((db = db_open(path, DB_OPEN_RWC, err, sizeof(err))) == NULL ||
	    db_migrate(db) == -1 || db_flock_add(db, "bench", FLOCK, "") == -1) {
		fprintf(stderr, "fixture: %s\n", err);
		exit(1);
	}
	memset(&id, 0, sizeof(id));
	id.flock = FLOCK;
	id.csid = CSID;
	memcpy(id.secret, cs, 32);
	memcpy(id.cosk_pub, pk, 32);
	id.name = "bench";
	id.peer = 1;
	if (db_identity_add(db, "bench", &id) == -1)
		exit(1);
	for (peer = 2; peer < 256; peer++)
		(void)db_allow_add(db, "bench", FLOCK, CSID, (uint8_t)peer, 0);
	return (db);
}

/* An authentic INFO of tunnel t from 10.x.y.z (a source per tunnel). */
static void
make_info(uint8_t *pkt, uint16_t t)
{
	struct offer_info	i;

	memset(&i, 0, sizeof(i));
	i.flags = SANCTUM_INFO_SKIP_AMBRY;
	i.tunnel = t;
	i.instance = 1;
	sanctum_offer_init(pkt, SANCTUM_MAGIC_KATEDRAL, CSID,
	    SANCTUM_OFFER_INFO, (uint64_t)time(NULL));
	sanctum_offer_set_flocks(pkt, FLOCK, FLOCK);
	sanctum_info_encode(pkt, &i);
	sanctum_offer_sign(pkt, sk);
	sanctum_offer_encrypt(pkt, cs, SANCTUM_LABEL_CATHEDRAL, FLOCK, 0);
}

/* Feed prepared offers, one source address per tunnel. */
static void
feed(uint8_t (*offers)[SANCTUM_OFFER_LEN], int count)
{
	struct sanctum_packet	*pkt;
	int			n;

	for (n = 0; n < count; n++) {
		if ((pkt = packet_get()) == NULL)
			abort();
		memcpy(PACKET_DATA(pkt), offers[n], SANCTUM_OFFER_LEN);
		pkt->length = SANCTUM_OFFER_LEN;
		pkt->addr.sin_family = AF_INET;
		pkt->addr.sin_addr.s_addr = htonl(0x0a000000U | (uint32_t)n);
		pkt->addr.sin_port = htons(40000);
		cath->now = cath_now_ms();
		cath_receive(pkt);
		while ((pkt = packet_take(SHM_RING_PURGATORY)) != NULL)
			packet_put(pkt);
	}
}

/* Seconds for count raw Ed25519 verifications of a 451-byte message. */
static double
time_verify(const uint8_t *msg, const uint8_t *sig, int count)
{
	double	t0;
	int	n;

	t0 = now();
	for (n = 0; n < count; n++) {
		if (crypto_sign_verify_detached(sig, msg, SANCTUM_OFFER_DATA_LEN,
		    pk) != 0)
			abort();
	}
	return (now() - t0);
}

/*
 * One round: announces per second in steady state (the tunnels are
 * registered first, not timed; the timed pass refreshes them with new
 * seeds, as every node does every 5 s, replies included) and raw
 * verifications per second, timed in alternating slices of SLICE so that
 * both see the same moments of a noisy host.
 */
static void
bench_round(double *verifies, double *announces)
{
	static uint8_t	offers[OFFERS][SANCTUM_OFFER_LEN];
	uint8_t		msg[SANCTUM_OFFER_DATA_LEN], sig[64];
	double		t0, tv = 0, ta = 0;
	uint64_t	before;
	int		n;

	randombytes_buf(msg, sizeof(msg));
	crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
	for (n = 0; n < OFFERS; n++)
		make_info(offers[n], (uint16_t)(0x0100 + n));
	feed(offers, OFFERS);
	for (n = 0; n < OFFERS; n++)
		make_info(offers[n], (uint16_t)(0x0100 + n));
	before = atomic_load(&cath->counters[CC_OFFERS_ACCEPTED]);
	for (n = 0; n < OFFERS; n += SLICE) {
		tv += time_verify(msg, sig, SLICE);
		t0 = now();
		feed(offers + n, SLICE);
		ta += now() - t0;
	}
	if (atomic_load(&cath->counters[CC_OFFERS_ACCEPTED]) - before != OFFERS) {
		fprintf(stderr, "not every announce was accepted\n");
		exit(1);
	}
	*verifies = OFFERS / tv;
	*announces = OFFERS / ta;
}

/* One flush of ENDPOINTS endpoints with counters, in one transaction. */
static double
bench_flush(struct db *db)
{
	struct db_endpoint	*e;
	struct db_counter	*c;
	struct db_flush		f;
	double			t0;
	int			n;

	e = calloc(ENDPOINTS, sizeof(*e));
	c = calloc(ENDPOINTS, sizeof(*c));
	if (e == NULL || c == NULL)
		abort();
	for (n = 0; n < ENDPOINTS; n++) {
		e[n].src = e[n].dst = FLOCK;
		e[n].tunnel = (uint16_t)(0x0100 + n);
		e[n].csid = CSID;
		e[n].ip[0] = 10;
		e[n].ip[3] = (uint8_t)n;
		e[n].port = 40000;
		e[n].rx_active = (uint32_t)n << 8 | 1;
		e[n].last_seen = (int64_t)time(NULL);
		c[n].src = c[n].dst = FLOCK;
		c[n].tunnel = e[n].tunnel;
		c[n].minute = e[n].last_seen - e[n].last_seen % 60;
		c[n].pkts_in = c[n].bytes_in = 1000;
	}
	memset(&f, 0, sizeof(f));
	f.endpoints = e;
	f.nendpoints = ENDPOINTS;
	f.counters = c;
	f.ncounters = ENDPOINTS;
	t0 = now();
	if (db_flush(db, &f) == -1) {
		fprintf(stderr, "flush: %s\n", db_error(db));
		exit(1);
	}
	t0 = now() - t0;
	free(e);
	free(c);
	return (t0);
}

/* The median of n values (sorted in place). */
static double
median(double *v, int n)
{
	double	t;
	int	i, j;

	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++) {
			if (v[j] < v[i]) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
			}
		}
	}
	return (v[n / 2]);
}

int
main(void)
{
	struct db	*db;
	char		err[256], path[] = "/tmp/sanctum-bench-cathedral.db";
	uint8_t		sync[32] = { 1 }, seed[32] = { 2 };
	double		announces[ROUNDS], verifies[ROUNDS], ratio[ROUNDS];
	double		flush;
	int		r;

	if (sanctum_crypto_init() == -1 ||
	    shm_create(&shm, SANCTUM_MODE_CATHEDRAL) == -1)
		return (1);
	sanctum = &shm;
	log_init("bench", open("/dev/null", O_WRONLY));
	memset(cs, 0x11, sizeof(cs));
	crypto_sign_seed_keypair(pk, sk, seed);
	cfg.mode = SANCTUM_MODE_CATHEDRAL;
	cfg.cathedral_mtu = 1422;
	cfg.limits[CONFIG_LIMIT_OFFER_RATE] = 1000000;
	cfg.limits[CONFIG_LIMIT_OFFER_BURST] = 1000000;
	cath_state_init(&cfg, sync);
	db = fixture(path);
	if ((cath->conf = cath_conf_load(db, &cfg, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return (1);
	}
	printf("sanctum cathedral benchmark, one core, %d rounds of "
	    "alternating slices\n",
	    ROUNDS);
	for (r = 0; r < ROUNDS; r++) {
		bench_round(&verifies[r], &announces[r]);
		ratio[r] = announces[r] / verifies[r];
		printf("round %d: verify %6.0f /s  announces %6.0f /s  ratio %.2f\n",
		    r + 1, verifies[r], announces[r], ratio[r]);
	}
	flush = bench_flush(db);
	printf("ed25519 verify (raw)       %10.0f /s (median)\n",
	    median(verifies, ROUNDS));
	printf("authenticated announces    %10.0f /s (median)\n",
	    median(announces, ROUNDS));
	printf("announces / raw verify     %10.2f (median of rounds)\n",
	    median(ratio, ROUNDS));
	printf("flush of %d endpoints   %10.1f ms\n", ENDPOINTS, flush * 1000);
	db_close(db);
	unlink(path);
	return (0);
}
