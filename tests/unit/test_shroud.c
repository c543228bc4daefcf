/*
 * Shroud on known answers: every shrouded packet of shroud.json is rebuilt
 * byte for byte from its header, padding draws and key, and unshrouded back;
 * tunnel.md A.6; and the marker edge cases of unshrouding.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wire.h"

/*
 * The reference's padding draw: little-endian 32-bit values, rejected
 * below (2^32 - avail) mod avail, reduced mod avail.
 */
static size_t
padding_from_draws(const struct json *draws, size_t avail)
{
	struct json	*d;
	uint8_t		b[4];
	uint32_t	min, v = 0;

	if (avail < 2)
		return (0);
	min = (uint32_t)(-(uint32_t)avail) % (uint32_t)avail;
	for (d = draws->child; d != NULL; d = d->next) {
		hex_decode(d->str, b, 4);
		v = get_le32(b);
		if (v >= min)
			break;
	}
	return (v % avail);
}

/* One shrouded_packet case. */
static void
packet_case(const struct json *c, int n)
{
	uint8_t		dgram[2048], *pkt, *wire, key[32];
	size_t		plen, wlen, len, pad, mtu, total, got;

	hex_decode(json_str(c, "shroud_key"), key, 32);
	pkt = hex_alloc(json_str(c, "packet"), &plen);
	wire = hex_alloc(json_str(c, "wire"), &wlen);
	mtu = (size_t)json_get(c, "mtu_size")->num;
	total = SANCTUM_SHROUD_OVERHEAD + plen;
	pad = padding_from_draws(json_get(c, "random_length_draws"),
	    total < mtu ? mtu - total : 0);
	CHECK(pad == (size_t)json_get(c, "padding_length")->num,
	    "shroud %d padding draw", n);

	hex_decode(json_str(c, "shroud_header"), dgram, 48);
	memcpy(dgram + 48, pkt, plen);
	CHECK(sanctum_shroud_apply(dgram, plen, sizeof(dgram), key, pad,
	    &len) == 0, "shroud %d applies", n);
	CHECK(len == wlen && memcmp(dgram, wire, wlen) == 0,
	    "shroud %d wire bytes", n);
	CHECK(len - 48 == (size_t)json_get(c, "mask_length")->num,
	    "shroud %d mask length", n);

	CHECK(sanctum_unshroud(dgram, len, key, &got) == SANCTUM_OK,
	    "shroud %d unshrouds", n);
	CHECK(got == plen && memcmp(dgram + 48, pkt, plen) == 0,
	    "shroud %d packet back", n);

	/* Padding stays below the MTU when it applies. */
	if (mtu > total + 1) {
		size_t	i;
		int	ok = 1;

		for (i = 0; i < 200; i++) {
			if (sanctum_shroud_padding(plen, mtu) >= mtu - total)
				ok = 0;
		}
		CHECK(ok, "shroud %d random padding in range", n);
	}
	free(pkt);
	free(wire);
}

/* tunnel.md A.6: P = c0..fb, 82 zero bytes of padding, mtu 200. */
static void
appendix_a6(void)
{
	uint8_t		s[32], key[32], d[256];
	size_t		len, i;

	for (i = 0; i < 32; i++)
		s[i] = (uint8_t)i;
	sanctum_base_key(key, s, 0, 0, SANCTUM_PURPOSE_SHROUD_PEER);
	for (i = 0; i < 48; i++)
		d[i] = (uint8_t)(0x10 + i);
	for (i = 0; i < 60; i++)
		d[48 + i] = (uint8_t)(0xc0 + i);
	sanctum_shroud_apply(d, 60, sizeof(d), key, 82, &len);
	CHECK(len == 191, "A.6 length");
	CHECK(hex_equal(d + 48, 16, "a711c31593075a1313b0e2e31d61c4c1"),
	    "A.6 wire bytes 48..63");
	sanctum_sha256(s, d, len);
	CHECK(hex_equal(s, 32, "b1f89d3e40ed761419c176d9365f3f68332c375c9002682c76a1520c4d6354b6"), "A.6 sha256");
}

/* A packet that itself ends in zeros or 0xff survives the round trip. */
static void
marker_edges(void)
{
	uint8_t		key[32] = { 3 }, d[512], p[100];
	size_t		len, got, pad;
	int		i, ok = 1;

	for (i = 0; i < 3; i++) {
		memset(p, 0x11, sizeof(p));
		if (i == 0)
			memset(p + 80, 0, 20);
		if (i == 1)
			p[99] = 0xff;
		if (i == 2)
			memset(p + 90, 0xff, 10);
		for (pad = 0; pad < 5; pad++) {
			memset(d, 0x5a, 48);
			memcpy(d + 48, p, sizeof(p));
			sanctum_shroud_apply(d, sizeof(p), sizeof(d), key, pad,
			    &len);
			if (sanctum_unshroud(d, len, key, &got) != SANCTUM_OK ||
			    got != sizeof(p) || memcmp(d + 48, p, got) != 0)
				ok = 0;
		}
	}
	CHECK(ok, "packets ending in zeros or 0xff round-trip");
	CHECK(sanctum_unshroud(d, 49, key, &got) == SANCTUM_ERR_SHORT,
	    "49 bytes is short");
	CHECK(sanctum_unshroud(d, 4000, key, &got) == SANCTUM_ERR_LONG,
	    "too long");
	CHECK(sanctum_shroud_apply(d, 100, 120, key, 0, &len) == -1,
	    "no room for the header");
}

int
main(void)
{
	struct json	*v, *c;
	int		n = 0;

	if (sanctum_crypto_init() == -1)
		return (1);
	v = vector_load("shroud.json");
	CHECK(v != NULL, "shroud.json loads");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		if (strcmp(json_str(c, "type"), "shrouded_packet") == 0)
			packet_case(c, n++);
	}
	CHECK(n == 4, "4 shrouded packets");
	json_free(v);
	appendix_a6();
	marker_edges();
	return (check_report("shroud"));
}
