/*
 * libFuzzer harness for the cathedral's receive pipeline, structure-aware
 * so mutations reach what happens after authentication. FUZZ_KIND picks the
 * target (one build each):
 *   1 INFO      input = header flocks (16) || source (6) || INFO body
 *   2 LITURGY   input = header flocks (16) || source (6) || LITURGY body
 *   3 CATACOMB  input = type (1) || header flocks (16) || body, from the
 *               federation peer, under the sync secret (client signature
 *               for INFO and LITURGY)
 *   4 RAW       input = a datagram as it arrives (relay, classification)
 * The harness signs and encrypts with the keys of its fixture database, so
 * every input of kinds 1-3 authenticates; the cathedral's replies are taken
 * off the ring and dropped.
 */

#include <arpa/inet.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cathedral.h"
#include "fuzz.h"

#define FLOCK		0xa1b2c3d4e5f60700ULL
#define CSID		0x0000000aU

static struct sanctum_shared	shm;
static struct sanctum_config	cfg;
static uint8_t			cs[32], sk[64], sync_key[32];

/* Secrets of the fixture, derived so every run is the same. */
static void
fixture_keys(uint8_t pk[32])
{
	uint8_t	seed[32];

	memset(cs, 0x11, sizeof(cs));
	memset(sync_key, 0x22, sizeof(sync_key));
	memset(seed, 0x33, sizeof(seed));
	sanctum_ed25519_seed_keypair(pk, sk, seed);
}

/* A temporary database with one flock, two identities, one federation peer. */
static struct db *
fixture_db(const uint8_t pk[32])
{
	struct db_identity_new	id;
	struct db		*db;
	char			path[] = "/tmp/sanctum-fuzz-cathedral-XXXXXX";
	char			file[64], err[256];
	const uint8_t		fed[4] = { 10, 0, 0, 2 };
	int			fd;

	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	unlink(path);
	snprintf(file, sizeof(file), "%s", path);
	if ((db = db_open(file, DB_OPEN_RWC, err, sizeof(err))) == NULL ||
	    db_migrate(db) == -1 || db_flock_add(db, "fuzz", FLOCK, "") == -1)
		abort();
	memset(&id, 0, sizeof(id));
	id.flock = FLOCK;
	memcpy(id.secret, cs, 32);
	memcpy(id.cosk_pub, pk, 32);
	id.name = "a";
	id.csid = CSID;
	id.peer = 1;
	if (db_identity_add(db, "fuzz", &id) == -1)
		abort();
	id.name = "b";
	id.csid = CSID + 1;
	id.peer = 2;
	if (db_identity_add(db, "fuzz", &id) == -1 ||
	    db_federation_add(db, "fuzz", fed, 4500) == -1)
		abort();
	unlink(file);
	return (db);
}

static void	drain(void);
static void	source(struct sanctum_packet *, const uint8_t *);
static struct sanctum_packet *offer(uint64_t, uint8_t, const uint8_t *,
		    const uint8_t *, size_t, const uint8_t *, const char *, int,
		    uint32_t);

/* Once: shared memory, configuration, state and the fixture snapshot. */
static void
setup(void)
{
	struct db	*db;
	uint8_t		pk[32];
	char		err[256];

	if (sanctum_crypto_init() == -1 || shm_create(&shm,
	    SANCTUM_MODE_CATHEDRAL) == -1)
		abort();
	sanctum = &shm;
	log_init("fuzz", open("/dev/null", O_WRONLY));
	cfg.mode = SANCTUM_MODE_CATHEDRAL;
	cfg.cathedral_mtu = 1422;
	cfg.cathedral_p2p_sync = 1;
	cfg.cathedral_ip.sin_family = AF_INET;
	cfg.cathedral_ip.sin_addr.s_addr = htonl(0x0a000001);
	cfg.cathedral_ip.sin_port = htons(4500);
	fixture_keys(pk);
	cath_state_init(&cfg, sync_key);
	db = fixture_db(pk);
	if ((cath->conf = cath_conf_load(db, &cfg, err, sizeof(err))) == NULL)
		abort();
	db_close(db);
}

/*
 * For the raw target: two registered tunnels of the fixture flock,
 * 0x0102 at 10.0.0.5:40000 and 0x0201 at 10.0.0.6:40001, each reporting
 * an RX SPI, so relayed datagrams can find both ends.
 */
static void
register_tunnels(void)
{
	struct offer_info	i;
	struct sanctum_packet	*pkt;
	uint8_t			hdr[16], tmp[SANCTUM_OFFER_LEN], src[6];
	int			n, round;

	put_be64(hdr, FLOCK);
	put_be64(hdr + 8, FLOCK);
	for (round = 0; round < 2; round++) {
		for (n = 0; n < 2; n++) {
			memset(&i, 0, sizeof(i));
			i.flags = SANCTUM_INFO_SKIP_AMBRY;
			i.tunnel = n == 0 ? 0x0102 : 0x0201;
			i.rx_active = (uint32_t)i.tunnel << 16 | 1;
			i.instance = 0x1000 + (uint64_t)n;
			memset(tmp, 0, sizeof(tmp));
			sanctum_info_encode(tmp, &i);
			pkt = offer(SANCTUM_MAGIC_KATEDRAL, SANCTUM_OFFER_INFO,
			    hdr, tmp + SANCTUM_OFFER_OFF_BODY, 38, cs,
			    SANCTUM_LABEL_CATHEDRAL, 1, CSID + (uint32_t)n);
			if (pkt == NULL)
				abort();
			src[0] = 10;
			src[1] = 0;
			src[2] = 0;
			src[3] = (uint8_t)(5 + n);
			put_be16(src + 4, (uint16_t)(40000 + n));
			source(pkt, src);
			cath_receive(pkt);
			drain();
		}
	}
}

/* Take whatever the cathedral queued for purgatory-tx. */
static void
drain(void)
{
	struct sanctum_packet	*pkt;

	while ((pkt = packet_take(SHM_RING_PURGATORY)) != NULL)
		packet_put(pkt);
	atomic_store(&sanctum->state->wake[SANCTUM_PROC_PURGATORY_TX], 1);
}

/* Build an authentic offer of one type from the fuzzer's fields. */
static struct sanctum_packet *
offer(uint64_t magic, uint8_t type, const uint8_t *hdr, const uint8_t *body,
    size_t blen, const uint8_t *secret, const char *label, int sign,
    uint32_t csid)
{
	struct sanctum_packet	*pkt;
	uint8_t			*d;
	uint64_t		fs;

	if ((pkt = packet_get()) == NULL)
		return (NULL);
	d = PACKET_DATA(pkt);
	sanctum_offer_init(d, magic, csid, type, (uint64_t)time(NULL));
	memcpy(d + 8, hdr, 16);
	fs = get_be64(d + 8);
	if (blen > SANCTUM_OFFER_BODY_LEN)
		blen = SANCTUM_OFFER_BODY_LEN;
	memcpy(d + SANCTUM_OFFER_OFF_BODY, body, blen);
	if (sign)
		sanctum_offer_sign(d, sk);
	sanctum_offer_encrypt(d, secret, label, fs, 0);
	pkt->length = SANCTUM_OFFER_LEN;
	return (pkt);
}

/* The source of a datagram from six fuzzer bytes (10.0.0.x, any port). */
static void
source(struct sanctum_packet *pkt, const uint8_t *b)
{
	pkt->addr.sin_family = AF_INET;
	memcpy(&pkt->addr.sin_addr.s_addr, b, 4);
	memcpy(&pkt->addr.sin_port, b + 4, 2);
}

/* One input. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		ready;
	struct sanctum_packet	*pkt = NULL;
	uint64_t		before;
	uint8_t			fed[6] = { 10, 0, 0, 2, 0x11, 0x94 };

	if (!ready) {
		setup();
		if (FUZZ_KIND == 4)
			register_tunnels();
		ready = 1;
	}
	cath->now = cath_now_ms();
	before = atomic_load(&cath->counters[CC_OFFERS_ACCEPTED]) +
	    atomic_load(&cath->counters[CC_RELAY_PACKETS]);
	switch (FUZZ_KIND) {
	case 1:
	case 2:
		if (size < 22)
			return (0);
		pkt = offer(SANCTUM_MAGIC_KATEDRAL, FUZZ_KIND == 1 ?
		    SANCTUM_OFFER_INFO : SANCTUM_OFFER_LITURGY, data, data + 22,
		    size - 22, cs, SANCTUM_LABEL_CATHEDRAL, 1, CSID);
		if (pkt != NULL)
			source(pkt, data + 16);
		break;
	case 3:
		if (size < 17)
			return (0);
		pkt = offer(SANCTUM_MAGIC_CATACOMB, data[0], data + 1, data + 17,
		    size - 17, sync_key, SANCTUM_LABEL_CATACOMB, data[0] !=
		    SANCTUM_OFFER_P2P_INFO, CSID);
		if (pkt != NULL)
			source(pkt, fed);
		break;
	default:
		if (size > SANCTUM_MAX_DATAGRAM || size < 6 ||
		    (pkt = packet_get()) == NULL)
			return (0);
		memcpy(PACKET_DATA(pkt), data + 6, size - 6);
		pkt->length = (uint32_t)(size - 6);
		source(pkt, data);
		break;
	}
	if (pkt == NULL)
		return (0);
	cath_receive(pkt);
	drain();
	if (atomic_load(&cath->counters[CC_OFFERS_ACCEPTED]) +
	    atomic_load(&cath->counters[CC_RELAY_PACKETS]) > before)
		fuzz_authenticated++;
	return (0);
}
