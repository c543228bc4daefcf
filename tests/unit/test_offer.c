/*
 * Offers on known answers: every recorded key-exchange offer decrypts to its
 * fields and re-encrypts to the same bytes (key-exchange.json and the offer
 * cases of data-packet.json), cathedral INFO/CIBORIUM offers are rebuilt,
 * signed and encrypted byte for byte (cathedral-offer.json), plus the spec's
 * appendix offers and the bad-input cases.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wire.h"

/* The 392-byte slice of a hex string holding a 1568-byte value. */
static void
kem_slice(const char *hex, int fragment, uint8_t out[392])
{
	uint8_t	full[1568];

	hex_decode(hex, full, sizeof(full));
	memcpy(out, full + 392 * fragment, 392);
}

/* Decrypt one recorded exchange packet, check it, rebuild it. */
static void
exchange_packet(const struct json *kx, const struct json *p, int n)
{
	const char		*from = json_str(p, "from");
	const struct json	*me = json_get(kx, from);
	const struct json	*peer = json_get(kx, from[0] == 'A' ? "B" : "A");
	int			ct = strstr(json_str(p, "kind"), "ciphertext") != NULL;
	int			frag = (int)json_get(p, "fragment")->num;
	uint8_t			secret[32], wire[623], pkt[623], rebuilt[623];
	uint8_t			want[392];
	struct offer_exchange	e;
	uint64_t		fa, fb, now;

	hex_decode(json_str(kx, "shared_secret"), secret, 32);
	hex_decode(json_str(p, "packet"), wire, sizeof(wire));
	fa = hex_u64(json_str(me, "flock_src"));
	fb = hex_u64(json_str(me, "flock_dst"));
	now = (uint64_t)json_get(kx, "clock_unix_time")->num;

	memcpy(pkt, wire, sizeof(pkt));
	CHECK(sanctum_offer_magic(pkt, 623) == SANCTUM_MAGIC_SACRAMENT,
	    "kx %d magic", n);
	CHECK(get_be32(pkt + 24) == hex_u64(json_str(me, "offer_spi")),
	    "kx %d header spi", n);
	CHECK(sanctum_offer_decrypt(pkt, sizeof(pkt), secret,
	    SANCTUM_LABEL_SACRAMENT, fa, fb) == SANCTUM_OK, "kx %d decrypts", n);
	CHECK(sanctum_offer_type(pkt) == SANCTUM_OFFER_EXCHANGE, "kx %d type", n);
	CHECK(sanctum_offer_check_time(pkt, now, SANCTUM_OFFER_WINDOW) ==
	    SANCTUM_OK, "kx %d timestamp", n);
	sanctum_exchange_decode(pkt, &e);
	CHECK(e.id == hex_u64(json_str(me, "instance_id")), "kx %d id", n);
	CHECK(e.state == (ct ? SANCTUM_EXCHANGE_CT : SANCTUM_EXCHANGE_PK) &&
	    e.fragment == frag, "kx %d state/fragment", n);
	CHECK(e.spi == hex_u64(json_str(ct ? peer : me, "offer_spi")),
	    "kx %d body spi", n);
	CHECK(hex_equal(e.salt, 4, json_str(ct ? peer : me, "offer_salt")),
	    "kx %d salt", n);
	CHECK(hex_equal(e.ecdh, 32, json_str(me, ct ? "answer_x25519_public" :
	    "offer_x25519_public")), "kx %d ecdh", n);
	CHECK(hex_equal(e.random, 16, json_str(me, ct ? "answer_random" :
	    "offer_random")), "kx %d random", n);
	kem_slice(json_str(me, ct ? "mlkem_ciphertext_sent" :
	    "mlkem_public_key"), frag, want);
	CHECK(memcmp(e.kem, want, 392) == 0, "kx %d kem slice", n);

	/* Re-encrypt the same inputs: header, fields, the random filler. */
	memset(rebuilt, 0, sizeof(rebuilt));
	memcpy(rebuilt, wire, SANCTUM_OFFER_HDR_LEN);
	rebuilt[SANCTUM_OFFER_OFF_TYPE] = SANCTUM_OFFER_EXCHANGE;
	put_be64(rebuilt + SANCTUM_OFFER_OFF_TIME, now);
	memcpy(rebuilt + SANCTUM_OFFER_OFF_EXTRA + 16,
	    pkt + SANCTUM_OFFER_OFF_EXTRA + 16, 48);
	sanctum_exchange_encode(rebuilt, &e);
	CHECK(sanctum_offer_encrypt(rebuilt, secret, SANCTUM_LABEL_SACRAMENT,
	    fa, fb) == 0, "kx %d encrypts", n);
	CHECK(memcmp(rebuilt, wire, sizeof(wire)) == 0, "kx %d same bytes", n);

	/* The wrong secret or a flipped header byte fails authentication. */
	memcpy(pkt, wire, sizeof(pkt));
	pkt[30] ^= 1;
	CHECK(sanctum_offer_decrypt(pkt, sizeof(pkt), secret,
	    SANCTUM_LABEL_SACRAMENT, fa, fb) == SANCTUM_ERR_TAG,
	    "kx %d tampered seed", n);
	memcpy(pkt, wire, sizeof(pkt));
	secret[0] ^= 1;
	CHECK(sanctum_offer_decrypt(pkt, sizeof(pkt), secret,
	    SANCTUM_LABEL_SACRAMENT, fa, fb) == SANCTUM_ERR_TAG,
	    "kx %d wrong secret", n);
}

/* key-exchange.json: all 48 packets of the three exchanges. */
static void
exchange_vectors(void)
{
	struct json	*v, *kx, *p;
	int		n = 0;

	v = vector_load("key-exchange.json");
	CHECK(v != NULL, "key-exchange.json loads");
	for (kx = json_get(v, "cases")->child; kx != NULL; kx = kx->next) {
		for (p = json_get(kx, "packets")->child; p != NULL;
		    p = p->next)
			exchange_packet(kx, p, n++);
	}
	CHECK(n == 48, "48 exchange packets (got %d)", n);
	json_free(v);
}

/* data-packet.json offer cases: key and plaintext as broken down. */
static void
data_packet_offers(void)
{
	struct json	*v, *c;
	uint8_t		secret[32], pkt[623], key[32];
	int		n = 0;

	v = vector_load("data-packet.json");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		if (strcmp(json_str(c, "type"), "offer") != 0)
			continue;
		hex_decode(json_str(c, "shared_secret"), secret, 32);
		hex_decode(json_str(c, "packet"), pkt, sizeof(pkt));
		sanctum_offer_key(key, secret, SANCTUM_LABEL_SACRAMENT,
		    pkt + SANCTUM_OFFER_OFF_SEED,
		    hex_u64(json_str(c, "flock_src")),
		    hex_u64(json_str(c, "flock_dst")));
		CHECK(hex_equal(key, 32, json_str(c, "offer_key")),
		    "offer %d key", n);
		CHECK(sanctum_offer_open(pkt, sizeof(pkt), key) == SANCTUM_OK,
		    "offer %d opens", n);
		CHECK(hex_equal(pkt + 92, 515, json_str(c, "plaintext")),
		    "offer %d plaintext", n);
		n++;
	}
	CHECK(n == 3, "3 offer cases");
	json_free(v);
}

/* Rebuild a client INFO offer from its fields, sign, encrypt, compare. */
static void
cathedral_case(const struct json *c, int n)
{
	const struct json	*f = json_get(c, "plaintext_fields");
	uint8_t			cs[32], sk[64], pk[32], pkt[623], wire[623];
	uint8_t			le[4];
	struct offer_info	info, got;
	uint64_t		fs;

	hex_decode(json_str(c, "cathedral_secret"), cs, 32);
	hex_decode(json_str(c, "cosk_secret_key"), sk, 64);
	hex_decode(json_str(c, "cosk_public_key"), pk, 32);
	hex_decode(json_str(c, "packet"), wire, sizeof(wire));
	fs = hex_u64(json_str(c, "flock_src"));

	memset(&info, 0, sizeof(info));
	hex_decode(json_str(f, "flags"), le, 4);
	info.flags = get_le32(le);
	info.tunnel = (uint16_t)hex_u64(json_str(f, "tunnel"));
	info.ambry_generation = (uint32_t)hex_u64(json_str(f,
	    "ambry_generation"));
	hex_decode(json_str(f, "rx_active"), le, 4);
	info.rx_active = get_le32(le);
	hex_decode(json_str(f, "rx_pending"), le, 4);
	info.rx_pending = get_le32(le);
	info.instance = hex_u64(json_str(f, "instance_id"));

	memset(pkt, 0, sizeof(pkt));
	hex_decode(json_str(c, "header"), pkt, SANCTUM_OFFER_HDR_LEN);
	pkt[SANCTUM_OFFER_OFF_TYPE] = SANCTUM_OFFER_INFO;
	put_be64(pkt + SANCTUM_OFFER_OFF_TIME,
	    hex_u64(json_str(f, "timestamp")));
	sanctum_info_encode(pkt, &info);
	CHECK(hex_equal(pkt + 92, 451, json_str(c, "plaintext_data")),
	    "cathedral %d data", n);
	sanctum_offer_sign(pkt, sk);
	CHECK(hex_equal(pkt + SANCTUM_OFFER_OFF_EXTRA, 64,
	    json_str(c, "signature")), "cathedral %d signature", n);
	CHECK(sanctum_offer_encrypt(pkt, cs, SANCTUM_LABEL_CATHEDRAL, fs, 0) == 0,
	    "cathedral %d encrypts", n);
	CHECK(memcmp(pkt, wire, sizeof(wire)) == 0, "cathedral %d packet", n);
	{
		uint8_t	base[32], again[623];

		/* A cached base key gives the same packet and opens it. */
		sanctum_base_key(base, cs, fs, 0, SANCTUM_PURPOSE_CATHEDRAL_OFFER);
		memcpy(again, wire, sizeof(again));
		CHECK(sanctum_offer_decrypt_base(again, sizeof(again), base,
		    SANCTUM_LABEL_CATHEDRAL) == SANCTUM_OK,
		    "cathedral %d opens with the cached base key", n);
		CHECK(sanctum_offer_encrypt_base(again, base,
		    SANCTUM_LABEL_CATHEDRAL) == 0 &&
		    memcmp(again, wire, sizeof(wire)) == 0,
		    "cathedral %d re-encrypts with the cached base key", n);
	}

	/* What the cathedral does: decrypt, verify, decode. */
	CHECK(sanctum_offer_decrypt(pkt, sizeof(pkt), cs,
	    SANCTUM_LABEL_CATHEDRAL, fs, 0) == SANCTUM_OK, "cathedral %d opens", n);
	CHECK(sanctum_offer_verify(pkt, pk) == SANCTUM_OK,
	    "cathedral %d verifies", n);
	sanctum_info_decode(pkt, &got);
	CHECK(got.flags == info.flags && got.tunnel == info.tunnel &&
	    got.ambry_generation == info.ambry_generation &&
	    got.rx_active == info.rx_active &&
	    got.rx_pending == info.rx_pending &&
	    got.instance == info.instance && got.peer_ip == 0 &&
	    got.local_port == 0, "cathedral %d fields", n);
	pkt[200] ^= 1;
	CHECK(sanctum_offer_verify(pkt, pk) == SANCTUM_ERR_SIGNATURE,
	    "cathedral %d altered data fails the signature", n);
}

/* cathedral-offer.json. */
static void
cathedral_vectors(void)
{
	struct json	*v, *c;
	int		n = 0;

	v = vector_load("cathedral-offer.json");
	CHECK(v != NULL, "cathedral-offer.json loads");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next)
		cathedral_case(c, n++);
	CHECK(n == 3, "3 cathedral offers");
	json_free(v);
}

/* tunnel.md A.4 and cathedral.md A18-A20. */
static void
appendix_offers(void)
{
	uint8_t			s[32], pkt[623], seed2[64], sk[64], pk[32];
	uint8_t			cseed[32];
	struct offer_exchange	e;
	struct offer_info	info;
	int			i;

	for (i = 0; i < 32; i++)
		s[i] = (uint8_t)i;
	memset(pkt, 0, sizeof(pkt));
	put_be64(pkt, SANCTUM_MAGIC_SACRAMENT);
	put_be32(pkt + 24, 0x11223344);
	for (i = 0; i < 64; i++)
		pkt[28 + i] = (uint8_t)(0x40 + i);
	pkt[92] = SANCTUM_OFFER_EXCHANGE;
	put_be64(pkt + 93, 1700000000);
	memset(&e, 0, sizeof(e));
	e.id = 0x0102030405060708ULL;
	e.spi = 0x11223344;
	memcpy(e.salt, "\xaa\xbb\xcc\xdd", 4);
	e.state = 1;
	e.fragment = 2;
	memset(e.ecdh, 0x99, 32);
	for (i = 0; i < 392; i++)
		e.kem[i] = (uint8_t)i;
	memset(e.random, 0x5a, 16);
	sanctum_exchange_encode(pkt, &e);
	sanctum_offer_encrypt(pkt, s, SANCTUM_LABEL_SACRAMENT, 0, 0);
	CHECK(hex_equal(pkt + 92, 8, "b1916bb521325569"), "A.4 ciphertext");
	CHECK(hex_equal(pkt + 607, 16, "3fbf4a5a453579d7719d9f2c1945300f"),
	    "A.4 tag");

	/* A18: client INFO, signed with the COSK from seed 80..9f. */
	memset(pkt, 0, sizeof(pkt));
	put_be64(pkt, SANCTUM_MAGIC_KATEDRAL);
	put_be64(pkt + 8, 0xcafeba00);
	put_be64(pkt + 16, 0xcafeba00);
	put_be32(pkt + 24, 0x0badf00d);
	for (i = 0; i < 64; i++)
		pkt[28 + i] = (uint8_t)i;
	pkt[92] = SANCTUM_OFFER_INFO;
	put_be64(pkt + 93, 1764770000);
	memset(&info, 0, sizeof(info));
	info.flags = 1;
	info.tunnel = 0xcafe;
	info.rx_active = 0xcafe1234;
	info.instance = 0x1122334455667788ULL;
	sanctum_info_encode(pkt, &info);
	for (i = 0; i < 32; i++)
		cseed[i] = (uint8_t)(0x80 + i);
	sanctum_ed25519_seed_keypair(pk, sk, cseed);
	CHECK(hex_equal(pk, 32, "cd14b37f956e953194ff7fb73b3d81dcc561d61a7538094b7c3e1a643ee5f3aa"), "A17 COSK public");
	sanctum_offer_sign(pkt, sk);
	CHECK(hex_equal(pkt + 543, 64, "8c3e37fac9ed64abecdcaf0529362c2ee0ea261360a40bb2c576218e3c78bfcc727e2e3df403504b1a54dadcad124326933ec50669245400907d16f80c1c380c"), "A18 signature");
	{
		uint8_t	fed[623];

		memcpy(fed, pkt, sizeof(fed));
		sanctum_offer_encrypt(pkt, s, SANCTUM_LABEL_CATHEDRAL,
		    0xcafeba00, 0);
		CHECK(hex_equal(pkt + 607, 16, "3460a9b0d00a426ee030cc957dfc284f"),
		    "A18 tag");
		/* A19: the same data federated under the sync secret. */
		for (i = 0; i < 32; i++)
			s[i] = (uint8_t)(0x20 + i);
		for (i = 0; i < 64; i++)
			seed2[i] = (uint8_t)(0x40 + i);
		put_be64(fed, SANCTUM_MAGIC_CATACOMB);
		memcpy(fed + 28, seed2, 64);
		sanctum_offer_encrypt(fed, s, SANCTUM_LABEL_CATACOMB,
		    0xcafeba00, 0);
		CHECK(hex_equal(fed + 92, 16, "9b350182ef42c9211a7074f713fecaf3"),
		    "A19 ciphertext");
		CHECK(hex_equal(fed + 607, 16, "cfb43fa05924a49f319e303e1ec261d7"),
		    "A19 tag");
	}
}

/* Bad input for the container: short, stale, reflected magics. */
static void
bad_offers(void)
{
	uint8_t		s[32] = { 7 }, pkt[700];

	sanctum_offer_init(pkt, SANCTUM_MAGIC_SACRAMENT, 1, 6, 1000);
	sanctum_offer_encrypt(pkt, s, SANCTUM_LABEL_SACRAMENT, 0, 0);
	CHECK(sanctum_offer_decrypt(pkt, 622, s, SANCTUM_LABEL_SACRAMENT, 0,
	    0) == SANCTUM_ERR_SHORT, "622 bytes is short");
	CHECK(sanctum_offer_magic(pkt, 7) == 0, "no magic in 7 bytes");
	/* TFC padding after the tag is ignored. */
	memset(pkt + 623, 0xee, sizeof(pkt) - 623);
	CHECK(sanctum_offer_decrypt(pkt, sizeof(pkt), s,
	    SANCTUM_LABEL_SACRAMENT, 0, 0) == SANCTUM_OK, "padded offer opens");
	CHECK(sanctum_offer_check_time(pkt, 1010, 10) == SANCTUM_OK, "+10 ok");
	CHECK(sanctum_offer_check_time(pkt, 990, 10) == SANCTUM_OK, "-10 ok");
	CHECK(sanctum_offer_check_time(pkt, 1011, 10) == SANCTUM_ERR_STALE,
	    "11 s old");
	CHECK(sanctum_offer_check_time(pkt, 989, 10) == SANCTUM_ERR_STALE,
	    "11 s ahead");
	CHECK(sanctum_offer_decrypt(pkt, sizeof(pkt), s,
	    SANCTUM_LABEL_PILGRIMAGE, 0, 0) == SANCTUM_ERR_TAG,
	    "another label fails");
}

int
main(void)
{
	if (sanctum_crypto_init() == -1)
		return (1);
	exchange_vectors();
	data_packet_offers();
	cathedral_vectors();
	appendix_offers();
	bad_offers();
	return (check_report("offer"));
}
