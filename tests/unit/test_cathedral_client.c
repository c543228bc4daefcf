/*
 * The pure rules of the cathedral client: INFO offers rebuilt byte for byte
 * from their fields and header seed (cathedral-offer.json), opening a
 * cathedral reply (cathedral.md A20) and every reason to refuse one, the
 * ambry decision on cathedral.md A13-A16, the remembrance file format and
 * the fail-over order.
 */

#include <arpa/inet.h>

#include <string.h>

#include "cathedral_link.h"
#include "check.h"

#define A20_TIME	1764770001ULL
#define A16_FLOCK	0x00000000cafeba00ULL

/* A little-endian field of plaintext_fields. */
static uint32_t
field_le32(const struct json *f, const char *name)
{
	uint8_t		b[4];

	hex_decode(json_str(f, name), b, sizeof(b));
	return (get_le32(b));
}

/* One case of cathedral-offer.json: fields, keys and seed -> the packet. */
static void
info_case(const struct json *c, int n)
{
	const struct json	*f = json_get(c, "plaintext_fields");
	struct cathedral_keys	k;
	struct offer_info	info;
	uint8_t			seed[64], pkt[623], wire[623];
	uint32_t		flags = field_le32(f, "flags");

	memset(&k, 0, sizeof(k));
	k.id = (uint32_t)hex_u64(json_str(c, "cathedral_id"));
	k.flock = hex_u64(json_str(c, "flock_src"));
	k.flock_dst = hex_u64(json_str(c, "flock_dst"));
	k.tun_spi = (uint16_t)hex_u64(json_str(f, "tunnel"));
	k.have_kek = !(flags & SANCTUM_INFO_SKIP_AMBRY);
	k.remembrance = (flags & SANCTUM_INFO_REMEMBRANCE) != 0;
	hex_decode(json_str(c, "cathedral_secret"), k.cs, sizeof(k.cs));
	hex_decode(json_str(c, "cosk_secret_key"), k.cosk, sizeof(k.cosk));
	hex_decode(json_str(c, "seed"), seed, sizeof(seed));
	hex_decode(json_str(c, "packet"), wire, sizeof(wire));

	cathedral_info_fields(&info, &k,
	    (uint32_t)hex_u64(json_str(f, "ambry_generation")),
	    field_le32(f, "rx_active"), field_le32(f, "rx_pending"),
	    hex_u64(json_str(f, "instance_id")));
	CHECK(info.flags == flags, "info %d flags from kek/remembrance", n);
	CHECK(cathedral_info_offer(pkt, hex_u64(json_str(c, "magic")), &k,
	    &info, hex_u64(json_str(f, "timestamp")), seed) == 0,
	    "info %d builds", n);
	CHECK(memcmp(pkt, wire, sizeof(wire)) == 0, "info %d packet", n);

	CHECK(sanctum_offer_decrypt(pkt, sizeof(pkt), k.cs,
	    SANCTUM_LABEL_CATHEDRAL, k.flock, 0) == SANCTUM_OK,
	    "info %d decrypts", n);
	CHECK(hex_equal(pkt + SANCTUM_OFFER_OFF_TYPE, SANCTUM_OFFER_DATA_LEN,
	    json_str(c, "plaintext_data")), "info %d plaintext data", n);
	CHECK(hex_equal(pkt + SANCTUM_OFFER_OFF_EXTRA, 64,
	    json_str(c, "signature")), "info %d signature", n);
}

/* All cases, and the flag combinations. */
static void
info_offers(void)
{
	struct cathedral_keys	k;
	struct offer_info	info;
	struct json		*v, *c;
	int			n = 0;

	v = vector_load("cathedral-offer.json");
	CHECK(v != NULL, "cathedral-offer.json loads");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next)
		info_case(c, n++);
	CHECK(n == 3, "3 info offers");
	json_free(v);

	memset(&k, 0, sizeof(k));
	k.have_kek = 1;
	cathedral_info_fields(&info, &k, 7, 1, 2, 3);
	CHECK(info.flags == 0, "kek, no remembrance: no flags");
	k.remembrance = 1;
	k.have_kek = 0;
	cathedral_info_fields(&info, &k, 0, 0, 0, 0);
	CHECK(info.flags == 3, "no kek, remembrance: both flags");
	CHECK(info.peer_ip == 0 && info.peer_port == 0 && info.local_ip == 0 &&
	    info.local_port == 0, "addresses stay zero");
}

/* The keys of cathedral.md appendix A: CS = 00..1f, F, csid 0x0badf00d. */
static void
appendix_keys(struct cathedral_keys *k)
{
	size_t	i;

	memset(k, 0, sizeof(*k));
	k->id = 0x0badf00d;
	k->flock = A16_FLOCK;
	k->flock_dst = A16_FLOCK;
	k->tun_spi = 0xcafe;
	for (i = 0; i < sizeof(k->cs); i++)
		k->cs[i] = (uint8_t)i;
}

/* cathedral.md A20: a cathedral INFO reply, as the cathedral builds it. */
static void
a20_reply(uint8_t pkt[623], uint32_t spi)
{
	const char	*body = "00000000c6336407ca6c9c400000cb00";
	uint8_t		cs[32];
	int		i;

	for (i = 0; i < 32; i++)
		cs[i] = (uint8_t)i;
	memset(pkt, 0, 623);
	put_be64(pkt, SANCTUM_MAGIC_KATEDRAL);
	put_be64(pkt + 8, 0x1111111111111111ULL);
	put_be64(pkt + 16, 0x2222222222222222ULL);
	put_be32(pkt + SANCTUM_OFFER_OFF_SPI, spi);
	for (i = 0; i < 64; i++)
		pkt[SANCTUM_OFFER_OFF_SEED + i] = (uint8_t)(0x40 + i);
	pkt[SANCTUM_OFFER_OFF_TYPE] = SANCTUM_OFFER_INFO;
	put_be64(pkt + SANCTUM_OFFER_OFF_TIME, A20_TIME);
	hex_decode(body, pkt + SANCTUM_OFFER_OFF_BODY, 16);
	memset(pkt + SANCTUM_OFFER_OFF_EXTRA, 0xee, 64);
	(void)sanctum_offer_encrypt(pkt, cs, SANCTUM_LABEL_CATHEDRAL,
	    A16_FLOCK, 0);
}

/* Opening what the cathedral sends, and each reason to refuse it. */
static void
replies(void)
{
	struct cathedral_keys	k;
	struct offer_info	info;
	uint8_t			pkt[700], hash[32];

	appendix_keys(&k);
	a20_reply(pkt, k.id);
	sanctum_sha256(hash, pkt, 623);
	CHECK(hex_equal(hash, 32, "88b1de2f5787dad89e4119f3db869444"
	    "f579c39def913b9ea3d6e078b43a117d"), "A20 packet");
	memset(pkt + 623, 0x5a, sizeof(pkt) - 623);
	CHECK(cathedral_open(pkt, sizeof(pkt), &k, A20_TIME) ==
	    CATHEDRAL_RX_OK, "A20 opens (TFC tail ignored)");
	CHECK(sanctum_offer_type(pkt) == SANCTUM_OFFER_INFO, "A20 is an INFO");
	sanctum_info_decode(pkt, &info);
	CHECK(info.peer_ip == inet_addr("198.51.100.7") &&
	    info.peer_port == htons(51820), "A20 peer address");
	CHECK(hex_equal((const uint8_t *)&info.local_ip, 4, "9c400000") &&
	    hex_equal((const uint8_t *)&info.local_port, 2, "cb00"),
	    "A20 quirky local address kept as it comes");
	CHECK(cathedral_peer_usable(info.peer_ip, info.peer_port),
	    "A20 peer usable");

	a20_reply(pkt, k.id);
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME + 10) == CATHEDRAL_RX_OK,
	    "10 s old accepted");
	a20_reply(pkt, k.id);
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME - 10) == CATHEDRAL_RX_OK,
	    "10 s ahead accepted");
	a20_reply(pkt, k.id);
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME + 11) ==
	    CATHEDRAL_RX_STALE, "11 s old refused");
	a20_reply(pkt, k.id);
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME - 11) ==
	    CATHEDRAL_RX_STALE, "11 s ahead refused");
	a20_reply(pkt, k.id + 1);
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME) == CATHEDRAL_RX_IGNORED,
	    "another identity refused");
	a20_reply(pkt, k.id);
	CHECK(cathedral_open(pkt, 622, &k, A20_TIME) == CATHEDRAL_RX_SHORT,
	    "622 bytes refused");
	a20_reply(pkt, k.id);
	pkt[300] ^= 1;
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME) == CATHEDRAL_RX_TAG,
	    "altered ciphertext refused");
	a20_reply(pkt, k.id);
	pkt[9] ^= 1;
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME) == CATHEDRAL_RX_TAG,
	    "altered header (AAD) refused");
	a20_reply(pkt, k.id);
	put_be64(pkt, SANCTUM_MAGIC_CIBORIUM);
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME) == CATHEDRAL_RX_IGNORED,
	    "not KATEDRAL refused");
	a20_reply(pkt, k.id);
	k.flock |= 1;
	CHECK(cathedral_open(pkt, 623, &k, A20_TIME) == CATHEDRAL_RX_TAG,
	    "another domain refused");

	CHECK(!cathedral_peer_usable(0, htons(1)), "peer ip 0 unusable");
	CHECK(!cathedral_peer_usable(inet_addr("10.0.0.1"), 0),
	    "peer port 0 unusable");
	CHECK(!cathedral_peer_usable(inet_addr("224.0.0.1"), htons(1)),
	    "multicast peer unusable");
	CHECK(!cathedral_peer_usable(inet_addr("255.255.255.255"), htons(1)),
	    "broadcast peer unusable");
}

/* An AMBRY offer carrying cathedral.md A13-A16 (KEK 40..5f, SS 60..7f). */
static void
a16_ambry(uint8_t pkt[623], uint16_t tunnel)
{
	struct offer_ambry	a;
	int			i;

	memset(&a, 0, sizeof(a));
	a.tunnel = tunnel;
	hex_decode("0491", a.expires, 2);
	hex_decode("01020304", a.generation, 4);
	for (i = 0; i < 64; i++)
		a.seed[i] = (uint8_t)i;
	hex_decode("002d116529cc2e9fb7bcf17dc50ed5b2ed16ac25746b50be5bebb063"
	    "4ce4a896", a.key, 32);
	hex_decode("59cb7575d41c6034f4c5620e2378c5c1", a.tag, 16);
	sanctum_offer_init(pkt, SANCTUM_MAGIC_KATEDRAL, 0x0badf00d,
	    SANCTUM_OFFER_AMBRY, A20_TIME);
	sanctum_ambry_offer_encode(pkt, &a);
}

/* One ambry decision; ss must stay untouched unless it is installed. */
static enum cathedral_ambry
ambry_try(const struct cathedral_keys *k, const uint8_t *pkt, uint32_t gen,
    uint64_t wall, uint8_t ss[32], uint32_t *newgen)
{
	enum cathedral_ambry	r;
	uint8_t			fill[32];

	memset(ss, 0xaa, 32);
	memset(fill, 0xaa, sizeof(fill));
	*newgen = 0;
	r = cathedral_ambry(k, pkt, gen, wall, ss, newgen);
	if (r != CATHEDRAL_AMBRY_OK)
		CHECK(memcmp(ss, fill, 32) == 0 && *newgen == 0,
		    "refused ambry (%s) leaves ss alone",
		    cathedral_ambry_reason(r));
	return (r);
}

/* The ambry rules: tunnel, generation, tag, expiry, KEK. */
static void
ambries(void)
{
	struct cathedral_keys	k;
	uint8_t			pkt[623], ss[32];
	uint64_t		expiry = AMBRY_EPOCH + 0x491 * AMBRY_DAY;
	uint32_t		gen;
	int			i;

	appendix_keys(&k);
	k.flock |= 0x01;		/* the domain is stripped for ambries */
	k.flock_dst |= 0x01;
	k.have_kek = 1;
	for (i = 0; i < 32; i++)
		k.kek[i] = (uint8_t)(0x40 + i);
	a16_ambry(pkt, 0xcafe);
	CHECK(ambry_try(&k, pkt, 0, A20_TIME, ss, &gen) == CATHEDRAL_AMBRY_OK,
	    "A16 ambry installs");
	CHECK(hex_equal(ss, 32, "606162636465666768696a6b6c6d6e6f"
	    "707172737475767778797a7b7c7d7e7f") && gen == 0x01020304,
	    "A16 secret and generation");
	CHECK(ambry_try(&k, pkt, 0x11111111, expiry, ss, &gen) ==
	    CATHEDRAL_AMBRY_OK, "valid on its expiry second");
	CHECK(ambry_try(&k, pkt, 0, expiry + 1, ss, &gen) ==
	    CATHEDRAL_AMBRY_EXPIRED, "expired one second later");
	CHECK(ambry_try(&k, pkt, 0x01020304, A20_TIME, ss, &gen) ==
	    CATHEDRAL_AMBRY_SAME_GENERATION, "same generation");

	a16_ambry(pkt, 0xfeca);
	CHECK(ambry_try(&k, pkt, 0, A20_TIME, ss, &gen) ==
	    CATHEDRAL_AMBRY_WRONG_TUNNEL, "the reverse tunnel's entry");
	a16_ambry(pkt, 0xcafe);
	pkt[SANCTUM_OFFER_OFF_BODY + 104] ^= 1;
	CHECK(ambry_try(&k, pkt, 0, A20_TIME, ss, &gen) ==
	    CATHEDRAL_AMBRY_BAD_TAG, "bad tag");
	a16_ambry(pkt, 0xcafe);
	pkt[SANCTUM_OFFER_OFF_BODY + 2] ^= 1;
	CHECK(ambry_try(&k, pkt, 0, A20_TIME, ss, &gen) ==
	    CATHEDRAL_AMBRY_BAD_TAG, "altered expiry (AAD)");
	a16_ambry(pkt, 0xcafe);
	k.flock_dst = 0xcafebb00;
	CHECK(ambry_try(&k, pkt, 0, A20_TIME, ss, &gen) ==
	    CATHEDRAL_AMBRY_BAD_TAG, "another destination flock");
	k.flock_dst = k.flock;
	k.kek[0] ^= 1;
	CHECK(ambry_try(&k, pkt, 0, A20_TIME, ss, &gen) ==
	    CATHEDRAL_AMBRY_BAD_TAG, "another kek");
	k.have_kek = 0;
	CHECK(ambry_try(&k, pkt, 0, A20_TIME, ss, &gen) ==
	    CATHEDRAL_AMBRY_NO_KEK, "no kek configured");
}

/* A remembrance with n entries 10.0.0.i:4500+i. */
static void
remembrance_make(struct offer_remembrance *r, int n)
{
	int	i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++) {
		r->ips[i] = htonl(0x0a000000U | (uint32_t)(i + 1));
		r->ports[i] = htons((uint16_t)(4500 + i));
	}
}

/* Fail over once; the entry's index, or -1 when nothing changed. */
static int
next_index(struct cathedral_list *l)
{
	uint32_t	ip;
	uint16_t	port;

	if (!cathedral_list_next(l, &ip, &port))
		return (-1);
	if (ip != l->ips[l->index] || port != l->ports[l->index])
		return (-2);
	return (l->index);
}

/* The file is the body as it came; the fail-over order. */
static void
remembrance(void)
{
	struct offer_remembrance	r;
	struct cathedral_list		l;
	uint8_t				file[192], pkt[623];

	remembrance_make(&r, 3);
	memset(pkt, 0, sizeof(pkt));
	sanctum_remembrance_encode(pkt, &r);
	cathedral_remembrance_file(file, &r);
	CHECK(memcmp(file, pkt + SANCTUM_OFFER_OFF_BODY, 192) == 0,
	    "file = the 192 body bytes");
	CHECK(hex_equal(file, 8, "0a0000010a000002") &&
	    hex_equal(file + 128, 6, "119411951196"),
	    "32 raw IPs, then 32 raw ports");

	memset(&l, 0xff, sizeof(l));
	cathedral_list_load(&l, file);
	CHECK(l.index == 0, "a new list starts at entry 0");
	CHECK(next_index(&l) == 1 && next_index(&l) == 2 &&
	    next_index(&l) == 0 && next_index(&l) == 1,
	    "3 entries: 1, 2, then wrap to 0");

	r.ports[1] = 0;
	cathedral_remembrance_file(file, &r);
	cathedral_list_load(&l, file);
	CHECK(next_index(&l) == 0 && next_index(&l) == 0,
	    "the list ends at an entry without a port");
	r.ips[0] = 0;
	cathedral_remembrance_file(file, &r);
	cathedral_list_load(&l, file);
	CHECK(next_index(&l) == -1 && l.index == 0,
	    "an empty list changes nothing");

	remembrance_make(&r, 32);
	cathedral_remembrance_file(file, &r);
	cathedral_list_load(&l, file);
	l.index = 30;
	CHECK(next_index(&l) == 31 && next_index(&l) == 0,
	    "32 entries wrap after slot 31");

	l.index = 4;
	remembrance_make(&r, 2);
	cathedral_remembrance_file(file, &r);
	cathedral_list_load(&l, file);
	CHECK(l.ips[2] == 0 && l.ports[31] == 0,
	    "a shorter list clears the older entries");
	CHECK(next_index(&l) == 1 && next_index(&l) == 0,
	    "and only its own entries are tried");
}

int
main(void)
{
	if (sanctum_crypto_init() == -1)
		return (1);
	info_offers();
	replies();
	ambries();
	remembrance();
	return (check_report("cathedral_client"));
}
