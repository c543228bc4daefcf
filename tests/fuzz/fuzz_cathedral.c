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
 *   5 ENROLL    input = mode (1) || ...: mode bit 0 clear, the rest follows
 *               "SCENROLL" as a token redemption datagram; set, the rest
 *               is clock offset (1, signed, in 2 s steps) || COSK public
 *               key (32) || padding of a request the harness seals under
 *               the fixture token's verifier with a fresh seed. The
 *               database thread's answer is taken from bits 1-2 of mode.
 * The harness signs and encrypts with the keys of its fixture database, so
 * every input of kinds 1-3 authenticates; the cathedral's replies are taken
 * off the ring and dropped, and for kinds 4 and 5 none may be longer than
 * the datagram that drew it.
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
#define TOKEN_BYTE	0x4c	/* lookup; the verifier is 0x56 bytes */

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

/* An enrollment token of the fixture flock with its sealed material. */
static void
fixture_token(struct db *db)
{
	struct db_token_new	t;
	uint8_t			sealed[100];

	memset(&t, 0, sizeof(t));
	memset(t.lookup, TOKEN_BYTE, sizeof(t.lookup));
	memset(t.verifier, 0x56, sizeof(t.verifier));
	t.flock = FLOCK;
	t.peer = 3;
	t.name = "c";
	t.mode = "liturgy";
	t.kek = 1;
	t.expires = (int64_t)time(NULL) + 86400;
	memset(sealed, 0x5e, sizeof(sealed));
	if (db_token_create_sealed(db, "fuzz", &t, sealed, sizeof(sealed)) != 0)
		abort();
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
	fixture_token(db);
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

/*
 * The longest datagram the cathedral may queue for this input: for what
 * arrives unauthenticated (kinds 4 and 5), no more bytes than arrived, so
 * the cathedral can never amplify; offers built here are authentic.
 */
static size_t	reply_limit = SIZE_MAX;

/* Take whatever the cathedral queued for purgatory-tx, within the limit. */
static void
drain(void)
{
	struct sanctum_packet	*pkt;

	while ((pkt = packet_take(SHM_RING_PURGATORY)) != NULL) {
		if (pkt->length > reply_limit)
			abort();
		packet_put(pkt);
	}
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

/*
 * A token redemption: raw after the magic, or a request sealed here under
 * the fixture verifier with a fresh seed; then the database thread's
 * answer as the input says, and the reply (if any) drained.
 */
static void
enroll_input(const uint8_t *data, size_t size)
{
	static const enum db_token_status answers[4] = { DB_TOKEN_OK,
	    DB_TOKEN_USED, DB_TOKEN_EXPIRED, DB_TOKEN_ERROR };
	static uint64_t		counter;
	struct cath_enroll_job	*j;
	struct sanctum_packet	*pkt;
	uint8_t			*d, key[32], verifier[32], nonce[SANCTUM_NONCE_LEN];
	size_t			n, plain = ENROLL_REQUEST_LEN - ENROLL_MSG_HDR -
				    SANCTUM_TAG_LEN;

	if (size < 1 || (pkt = packet_get()) == NULL)
		return;
	d = PACKET_DATA(pkt);
	memset(d, 0, ENROLL_REQUEST_LEN);
	memcpy(d, ENROLL_MAGIC, 8);
	if (!(data[0] & 1)) {
		n = size - 1 > SANCTUM_MAX_DATAGRAM - 8 ?
		    SANCTUM_MAX_DATAGRAM - 8 : size - 1;
		memcpy(d + 8, data + 1, n);
		pkt->length = (uint32_t)(8 + n);
	} else {
		d[8] = ENROLL_VERSION;
		d[9] = ENROLL_TYPE_REQUEST;
		memset(d + 10, TOKEN_BYTE, ENROLL_LOOKUP_LEN);
		put_be64(d + 26, ++counter);
		put_be64(d + ENROLL_MSG_HDR, (uint64_t)((int64_t)time(NULL) +
		    2 * (int64_t)(size > 1 ? (int8_t)data[1] : 0)));
		n = size > 2 ? size - 2 : 0;
		memcpy(d + ENROLL_MSG_HDR + 8, data + 2, n > plain - 8 ?
		    plain - 8 : n);
		memset(verifier, 0x56, sizeof(verifier));
		sanctum_fixed_nonce(nonce);
		if (enroll_message_key(key, verifier, d + 26,
		    ENROLL_LABEL_REQUEST) == -1 || sanctum_aead_oneshot_seal(key,
		    d + ENROLL_MSG_HDR, plain, d, ENROLL_MSG_HDR, nonce,
		    d + ENROLL_MSG_HDR + plain) == -1)
			abort();
		pkt->length = ENROLL_REQUEST_LEN;
	}
	reply_limit = pkt->length;
	pkt->addr.sin_family = AF_INET;
	pkt->addr.sin_addr.s_addr = htonl(0x0a000009);
	pkt->addr.sin_port = htons(5000);
	cath_receive(pkt);
	while ((j = cath->enroll_queue) != NULL) {
		cath->enroll_queue = j->next;
		j->status = answers[(data[0] >> 1) & 3];
		cath_enroll_done(j);
	}
	drain();
}

/* Enrollment outcomes past the tag (the request authenticated). */
static uint64_t
enroll_authenticated(void)
{
	uint64_t	n = 0;
	int		c;

	for (c = CC_ENROLL_OK; c <= CC_ENROLL_FAILED; c++) {
		if (c != CC_ENROLL_UNKNOWN && c != CC_ENROLL_BAD_TAG &&
		    c != CC_ENROLL_SHORT)
			n += atomic_load(&cath->counters[c]);
	}
	return (n);
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
	    atomic_load(&cath->counters[CC_RELAY_PACKETS]) +
	    enroll_authenticated();
	switch (FUZZ_KIND) {
	case 5:
		enroll_input(data, size);
		break;
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
		reply_limit = pkt->length;
		break;
	}
	if (pkt != NULL) {
		cath_receive(pkt);
		drain();
	}
	reply_limit = SIZE_MAX;
	if (atomic_load(&cath->counters[CC_OFFERS_ACCEPTED]) +
	    atomic_load(&cath->counters[CC_RELAY_PACKETS]) +
	    enroll_authenticated() > before)
		fuzz_authenticated++;
	return (0);
}
