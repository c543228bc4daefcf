/*
 * The key-exchange state machine against the three recorded reference
 * exchanges of key-exchange.json: (1) two of our machines, fed the recorded
 * randomness, send offers whose decrypted contents equal the reference's and
 * install exactly the recorded SAs; (2) one of our machines fed the
 * reference's own packets from the other side installs the recorded SAs.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "exchange.h"

#define MAX_QUEUED	64

/* One side: its vector values, what it sent and what it installed. */
struct side {
	const struct json	*v;
	uint64_t		clock;
	struct exchange		ex;
	uint8_t			sent[MAX_QUEUED][SANCTUM_OFFER_LEN];
	int			nsent;
	int			installed[2];
	uint32_t		spi[2];
	uint8_t			salt[2][4];
	uint8_t			key[2][32];
};

/* Recorded randomness by purpose (ids and SPIs are big-endian hex). */
static void
vec_draw(void *arg, enum exchange_draw what, void *buf, size_t len)
{
	struct side	*s = arg;
	const char	*field = NULL;

	switch (what) {
	case EXR_INSTANCE_ID:	field = "instance_id"; break;
	case EXR_SPI:		field = "offer_spi"; break;
	case EXR_SALT:		field = "offer_salt"; break;
	case EXR_X25519_LOCAL:	field = "offer_x25519_private"; break;
	case EXR_X25519_REMOTE:	field = "answer_x25519_private"; break;
	case EXR_RANDOM_LOCAL:	field = "offer_random"; break;
	case EXR_RANDOM_REMOTE:	field = "answer_random"; break;
	case EXR_MLKEM_D:	field = "mlkem_keygen_d"; break;
	case EXR_MLKEM_Z:	field = "mlkem_keygen_z"; break;
	case EXR_MLKEM_M:	field = "mlkem_encaps_coin"; break;
	}
	hex_decode(json_str(s->v, field), buf, len);
}

/* Queue what the machine sends. */
static void
vec_send(void *arg, const uint8_t pkt[SANCTUM_OFFER_LEN])
{
	struct side	*s = arg;

	if (s->nsent < MAX_QUEUED)
		memcpy(s->sent[s->nsent++], pkt, SANCTUM_OFFER_LEN);
}

/* Record installed SAs. */
static void
vec_install(void *arg, int tx, uint32_t spi, const uint8_t salt[4],
    const uint8_t key[32])
{
	struct side	*s = arg;

	s->installed[tx]++;
	s->spi[tx] = spi;
	memcpy(s->salt[tx], salt, 4);
	memcpy(s->key[tx], key, 32);
}

/* The recorded clock. */
static uint64_t
vec_wall(void *arg)
{
	return (((struct side *)arg)->clock);
}

/* Set up a side from its vector record. */
static void
side_init(struct side *s, const struct json *kx, const char *who)
{
	struct exchange_env	env = { s, vec_draw, vec_send, vec_install,
				    vec_wall };
	uint8_t			secret[32];

	memset(s, 0, sizeof(*s));
	s->v = json_get(kx, who);
	s->clock = (uint64_t)json_get(kx, "clock_unix_time")->num;
	exchange_init(&s->ex, &env, hex_u64(json_str(s->v, "flock_src")),
	    hex_u64(json_str(s->v, "flock_dst")), 0);
	hex_decode(json_str(kx, "shared_secret"), secret, 32);
	exchange_set_secret(&s->ex, secret);
}

/* The SA the vector lists for a direction. */
static const struct json *
session(const struct json *kx, const char *direction)
{
	const struct json	*k;

	for (k = json_get(kx, "session_keys")->child; k != NULL; k = k->next) {
		if (strcmp(json_str(k, "direction"), direction) == 0)
			return (k);
	}
	abort();
}

/* A side installed exactly the recorded SAs for both directions. */
static void
check_sas(const struct side *s, const struct json *kx, const char *who,
    const char *what)
{
	const struct json	*rx, *tx;

	rx = session(kx, who[0] == 'A' ? "B to A" : "A to B");
	tx = session(kx, who[0] == 'A' ? "A to B" : "B to A");
	CHECK(s->installed[0] == 1 && s->installed[1] == 1,
	    "%s %s: one RX and one TX install (%d, %d)", what, who,
	    s->installed[0], s->installed[1]);
	CHECK(s->spi[0] == hex_u64(json_str(rx, "sa_spi")) &&
	    hex_equal(s->salt[0], 4, json_str(rx, "sa_salt")) &&
	    hex_equal(s->key[0], 32, json_str(rx, "traffic_key")),
	    "%s %s: RX SA", what, who);
	CHECK(s->spi[1] == hex_u64(json_str(tx, "sa_spi")) &&
	    hex_equal(s->salt[1], 4, json_str(tx, "sa_salt")) &&
	    hex_equal(s->key[1], 32, json_str(tx, "traffic_key")),
	    "%s %s: TX SA", what, who);
}

/* The recorded packet of one sender, kind and fragment. */
static const char *
recorded(const struct json *kx, const char *from, int ct, int frag)
{
	const struct json	*p;

	for (p = json_get(kx, "packets")->child; p != NULL; p = p->next) {
		if (strcmp(json_str(p, "from"), from) == 0 &&
		    (strstr(json_str(p, "kind"), "ciphertext") != NULL) == ct &&
		    (int)json_get(p, "fragment")->num == frag)
			return (json_str(p, "packet"));
	}
	return (NULL);
}

/*
 * Our packet carries what the reference's did: same header spi, and the
 * same 451 data bytes and exchange random after decryption (the seed and
 * filler are fresh random bytes, so the ciphertexts differ).
 */
static void
compare_sent(const struct side *s, const struct json *kx, const char *who,
    int idx)
{
	uint8_t		ours[SANCTUM_OFFER_LEN], ref[SANCTUM_OFFER_LEN];
	uint8_t		secret[32];
	uint64_t	fa = s->ex.flock, fb = s->ex.flock_dst;
	const char	*hex;
	int		ct, frag;

	memcpy(ours, s->sent[idx], sizeof(ours));
	hex_decode(json_str(kx, "shared_secret"), secret, 32);
	CHECK(sanctum_offer_decrypt(ours, sizeof(ours), secret,
	    SANCTUM_LABEL_SACRAMENT, fa, fb) == SANCTUM_OK,
	    "%s packet %d decrypts", who, idx);
	ct = ours[101 + 16] == SANCTUM_EXCHANGE_CT;
	frag = ours[101 + 17];
	if ((hex = recorded(kx, who, ct, frag)) == NULL) {
		CHECK(0, "%s packet %d has no recorded twin", who, idx);
		return;
	}
	hex_decode(hex, ref, sizeof(ref));
	CHECK(sanctum_offer_decrypt(ref, sizeof(ref), secret,
	    SANCTUM_LABEL_SACRAMENT, fa, fb) == SANCTUM_OK,
	    "%s recorded packet decrypts", who);
	CHECK(memcmp(ours + 24, ref + 24, 4) == 0, "%s packet %d header spi",
	    who, idx);
	if (fa != 0)
		CHECK(memcmp(ours + 8, ref + 8, 16) == 0,
		    "%s packet %d header flocks", who, idx);
	CHECK(memcmp(ours + 92, ref + 92, 451 + 16) == 0,
	    "%s packet %d contents equal the reference's (%s %d)", who, idx,
	    ct ? "ct" : "pk", frag);
}

/* Deliver everything one side sent to the other. */
static void
deliver(struct side *from, struct side *to, uint64_t now)
{
	uint8_t		pkt[SANCTUM_OFFER_LEN];
	int		i;

	for (i = 0; i < from->nsent; i++) {
		memcpy(pkt, from->sent[i], sizeof(pkt));
		CHECK(exchange_recv(&to->ex, pkt, sizeof(pkt), now, 1) ==
		    EXCHANGE_RX_SEEN, "delivered offer is seen");
	}
	from->nsent = 0;
}

/* (1) Two of ours, stepped a round at a time with one second per round. */
static void
ours_against_ours(const struct json *kx)
{
	static struct side	a, b;
	uint64_t		now;
	int			i, checked = 0;

	side_init(&a, kx, "A");
	side_init(&b, kx, "B");
	CHECK(exchange_offer_create(&a.ex, 1) == 0 &&
	    exchange_offer_create(&b.ex, 1) == 0, "offers created");
	for (now = 1; now <= 6; now++) {
		exchange_tick(&a.ex, now, a.installed[0] ? a.spi[0] : 0,
		    b.installed[1] ? 1 : 0);
		exchange_tick(&b.ex, now, b.installed[0] ? b.spi[0] : 0,
		    a.installed[1] ? 1 : 0);
		for (i = 0; i < a.nsent; i++, checked++)
			compare_sent(&a, kx, "A", i);
		for (i = 0; i < b.nsent; i++, checked++)
			compare_sent(&b, kx, "B", i);
		deliver(&a, &b, now);
		deliver(&b, &a, now);
	}
	CHECK(checked >= 16, "at least 16 packets compared (%d)", checked);
	check_sas(&a, kx, "A", "ours/ours");
	check_sas(&b, kx, "B", "ours/ours");
	CHECK(!a.ex.have_offer && !b.ex.have_offer,
	    "both offers complete once traffic flows");
	exchange_clear(&a.ex);
	exchange_clear(&b.ex);
}

/* (2) Ours as `who`, fed the reference's recorded packets of the peer. */
static void
ours_against_reference(const struct json *kx, const char *who)
{
	static struct side	s;
	const char		*peer = who[0] == 'A' ? "B" : "A";
	uint8_t			pkt[SANCTUM_OFFER_LEN];
	int			ct, frag;

	side_init(&s, kx, who);
	CHECK(exchange_offer_create(&s.ex, 1) == 0, "offer created");
	exchange_tick(&s.ex, 1, 0, 0);
	for (ct = 0; ct <= 1; ct++) {
		for (frag = 0; frag < 4; frag++) {
			hex_decode(recorded(kx, peer, ct, frag), pkt,
			    sizeof(pkt));
			CHECK(exchange_recv(&s.ex, pkt, sizeof(pkt), 2, 1) ==
			    EXCHANGE_RX_SEEN, "reference packet seen");
		}
	}
	check_sas(&s, kx, who, "ours/reference");
	exchange_clear(&s.ex);
}

/* Reflections, replays of the wrong kind, stale and forged offers. */
static void
refusals(const struct json *kx)
{
	static struct side	s;
	uint8_t			pkt[SANCTUM_OFFER_LEN];

	side_init(&s, kx, "A");
	exchange_offer_create(&s.ex, 1);
	exchange_tick(&s.ex, 1, 0, 0);
	memcpy(pkt, s.sent[0], sizeof(pkt));
	CHECK(exchange_recv(&s.ex, pkt, sizeof(pkt), 1, 1) ==
	    EXCHANGE_RX_IGNORED, "own offer reflected");
	memcpy(pkt, s.sent[0], sizeof(pkt));
	pkt[200] ^= 1;
	CHECK(exchange_recv(&s.ex, pkt, sizeof(pkt), 1, 1) == EXCHANGE_RX_TAG,
	    "forged offer");
	CHECK(exchange_recv(&s.ex, pkt, 600, 1, 1) == EXCHANGE_RX_SHORT,
	    "short offer");
	hex_decode(recorded(kx, "B", 0, 0), pkt, sizeof(pkt));
	s.clock += 11;
	CHECK(exchange_recv(&s.ex, pkt, sizeof(pkt), 1, 1) == EXCHANGE_RX_STALE,
	    "offer 11 s old");
	exchange_clear(&s.ex);
}

int
main(void)
{
	struct json	*v, *kx;
	int		n = 0;

	if (sanctum_crypto_init() == -1)
		return (1);
	v = vector_load("key-exchange.json");
	CHECK(v != NULL, "key-exchange.json loads");
	for (kx = json_get(v, "cases")->child; kx != NULL; kx = kx->next) {
		ours_against_ours(kx);
		ours_against_reference(kx, "A");
		ours_against_reference(kx, "B");
		n++;
	}
	refusals(json_get(v, "cases")->child);
	CHECK(n == 3, "3 exchanges");
	json_free(v);
	return (check_report("exchange"));
}
