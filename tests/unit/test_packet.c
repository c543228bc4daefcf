/*
 * Data packets on known answers (data-packet.json, both directions, and
 * tunnel.md A.5) and the anti-replay window.
 */

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wire.h"

#define ROOM	2048

/* Seal the case's plaintext and compare every byte; then open it back. */
static void
data_case(const struct json *c, int n)
{
	struct sanctum_aead	aead;
	struct sanctum_data_hdr	h, got;
	uint8_t			key[32], salt[4], *pt, *pkt, next;
	size_t			ptlen, len, plen, mtu = 0, trimmed;
	struct json		*tfc = json_get(c, "tfc");
	struct json		*mtuj = json_get(c, "tun_mtu");
	int			next_proto = (int)json_get(c, "next_proto")->num;

	hex_decode(json_str(c, "key"), key, 32);
	hex_decode(json_str(c, "salt"), salt, 4);
	pt = hex_alloc(json_str(c, "plaintext"), &ptlen);
	if (tfc->boolean)
		mtu = (size_t)mtuj->num;
	h.spi = (uint32_t)hex_u64(json_str(c, "spi"));
	h.pn = hex_u64(json_str(c, "counter"));
	h.seq = (uint32_t)h.pn;
	h.flock_src = hex_u64(json_str(c, "flock_src"));
	h.flock_dst = hex_u64(json_str(c, "flock_dst"));

	if ((pkt = calloc(1, ROOM)) == NULL)
		abort();
	memcpy(pkt + SANCTUM_DATA_HDR_LEN, pt, ptlen);
	sanctum_aead_init(&aead, key);
	CHECK(sanctum_data_seal(&aead, salt, &h, pkt, ptlen, ROOM,
	    (uint8_t)next_proto, mtu, &len) == 0, "data %d seals", n);
	CHECK(hex_equal(pkt, len, json_str(c, "packet")), "data %d packet", n);
	CHECK(hex_equal(pkt, 32, json_str(c, "header")), "data %d header", n);

	/* The receive direction: decode the header, open, trim. */
	CHECK(sanctum_data_header(pkt, len, &got) == SANCTUM_OK,
	    "data %d header decodes", n);
	CHECK(got.spi == h.spi && got.pn == h.pn &&
	    got.flock_src == h.flock_src && got.flock_dst == h.flock_dst,
	    "data %d header fields", n);
	CHECK(sanctum_data_open(&aead, salt, pkt, len, &plen, &next) ==
	    SANCTUM_OK, "data %d opens", n);
	CHECK(next == next_proto, "data %d next", n);
	if (mtu != 0) {
		CHECK(plen == mtu, "data %d tfc length", n);
		CHECK(sanctum_tfc_trim(pkt + 32, plen, mtu, &trimmed) ==
		    SANCTUM_OK && trimmed == ptlen, "data %d tfc trim", n);
	} else {
		CHECK(plen == ptlen && memcmp(pkt + 32, pt, ptlen) == 0,
		    "data %d plaintext", n);
	}

	/* Every single bit flip anywhere is refused. */
	{
		uint8_t	*wire;
		size_t	wlen, i, refused = 0;

		wire = hex_alloc(json_str(c, "packet"), &wlen);
		for (i = 0; i < wlen * 8; i += 7) {
			memcpy(pkt, wire, wlen);
			pkt[i / 8] ^= (uint8_t)(1 << (i % 8));
			if (sanctum_data_open(&aead, salt, pkt, wlen, &plen,
			    &next) == SANCTUM_ERR_TAG)
				refused++;
		}
		CHECK(refused == (wlen * 8 + 6) / 7, "data %d bit flips", n);
		free(wire);
	}
	sanctum_aead_clear(&aead);
	free(pt);
	free(pkt);
}

/* tunnel.md A.5: heartbeat grace and a packet above 2^32. */
static void
appendix_a5(void)
{
	struct sanctum_aead	aead;
	struct sanctum_data_hdr	h = { .spi = 0x12345678, .pn = 1, .seq = 1 };
	uint8_t			key[32], salt[4] = { 1, 2, 3, 4 }, pkt[256];
	size_t			len;

	memset(key, 0x88, 32);
	sanctum_aead_init(&aead, key);
	put_le16(pkt + 32, SANCTUM_GRACE_HEARTBEAT);
	sanctum_data_seal(&aead, salt, &h, pkt, 2, sizeof(pkt),
	    SANCTUM_NEXT_GRACE, 0, &len);
	CHECK(len == 52 && hex_equal(pkt, len, "1234567800000001000000000000000100000000000000000000000000000000978eab1c54010d8c68140eef402de1514a5dfa75"), "A.5 heartbeat");
	h.pn = 0x100000002ULL;
	h.seq = 2;
	h.flock_src = 0xdeadbeefcafeba01ULL;
	h.flock_dst = 0x0102030405060700ULL;
	memset(pkt + 32, 0, 20);
	memcpy(pkt + 32, "\x45\x00\x00\x1c\x00\x00\x00\x00\x40\x01", 10);
	sanctum_data_seal(&aead, salt, &h, pkt, 20, sizeof(pkt),
	    SANCTUM_NEXT_PACKET, 0, &len);
	CHECK(hex_equal(pkt, len, "12345678000000020000000100000002deadbeefcafeba010102030405060700d097de1a70db738d2017eb4b66362c48b4c95d259931d53c357d003b383df7c0e0ee46c6673e"), "A.5 data");
	sanctum_aead_clear(&aead);
}

/* Bad input: short, long, zero spi, seq mismatch, bad tail, bad next. */
static void
bad_packets(void)
{
	struct sanctum_aead	aead;
	struct sanctum_data_hdr	h = { .spi = 7, .pn = 3, .seq = 3 }, got;
	uint8_t			key[32] = { 1 }, salt[4] = { 0 }, pkt[2048];
	uint8_t			copy[2048], next;
	size_t			len, plen;

	sanctum_aead_init(&aead, key);
	CHECK(sanctum_data_header(pkt, 49, &got) == SANCTUM_ERR_SHORT, "runt");
	CHECK(sanctum_data_header(pkt, 1523, &got) == SANCTUM_ERR_LONG, "long");
	memset(pkt, 0, 64);
	CHECK(sanctum_data_header(pkt, 64, &got) == SANCTUM_ERR_MALFORMED,
	    "spi 0");
	put_be32(pkt, 1);
	put_be32(pkt + 4, 9);
	put_be64(pkt + 8, 8);
	CHECK(sanctum_data_header(pkt, 64, &got) == SANCTUM_ERR_MALFORMED,
	    "seq differs from pn");
	CHECK(sanctum_data_open(&aead, salt, pkt, 49, &plen, &next) ==
	    SANCTUM_ERR_SHORT, "open runt");

	/* A sealed packet with a next byte we do not know. */
	memset(pkt + 32, 0xab, 10);
	sanctum_data_seal(&aead, salt, &h, pkt, 10, sizeof(pkt), 0x42, 0, &len);
	CHECK(sanctum_data_open(&aead, salt, pkt, len, &plen, &next) ==
	    SANCTUM_ERR_MALFORMED, "unknown next protocol");
	/* Capacity too small for the overhead. */
	CHECK(sanctum_data_seal(&aead, salt, &h, pkt, 10, 59, 0, 0, &len) == -1,
	    "seal refuses too small a buffer");
	CHECK(sanctum_data_seal(&aead, salt, &h, pkt, 10, 100, 0, 1000,
	    &len) == -1, "tfc padding beyond the buffer");
	/* A TFC trim whose IPv4 length lies. */
	memset(copy, 0, sizeof(copy));
	put_be16(copy + 2, 300);
	CHECK(sanctum_tfc_trim(copy, 200, 1400, &plen) == SANCTUM_ERR_MALFORMED,
	    "tfc length beyond payload");
	CHECK(sanctum_tfc_trim(copy, 19, 1400, &plen) == SANCTUM_ERR_SHORT,
	    "tfc short");
	sanctum_aead_clear(&aead);
}

/* Anti-replay: reorder inside the window once, refuse duplicates, old, 0. */
static void
replay_window(void)
{
	struct sanctum_replay	r;
	uint64_t		pn;
	int			ok = 1;

	sanctum_replay_init(&r);
	CHECK(sanctum_replay_check(&r, 0) == SANCTUM_ERR_ZERO_PN, "pn 0");
	CHECK(sanctum_replay_check(&r, 1) == SANCTUM_OK, "first pn");
	sanctum_replay_update(&r, 1);
	CHECK(sanctum_replay_check(&r, 1) == SANCTUM_ERR_REPLAY, "dup of 1");

	/* Jump ahead, then fill in the gap in reverse order: each once. */
	sanctum_replay_update(&r, 1500);
	for (pn = 1499; pn > 1; pn--) {
		if (sanctum_replay_check(&r, pn) != SANCTUM_OK)
			ok = 0;
		sanctum_replay_update(&r, pn);
		if (sanctum_replay_check(&r, pn) != SANCTUM_ERR_REPLAY)
			ok = 0;
	}
	CHECK(ok, "in-window reorder accepted exactly once");
	CHECK(SANCTUM_REPLAY_WINDOW >= 1024, "window at least 1024");

	/* Slide: the far edge is still in, one past it is too old. */
	sanctum_replay_update(&r, 10000);
	CHECK(sanctum_replay_check(&r, 10000 - SANCTUM_REPLAY_WINDOW + 1) ==
	    SANCTUM_OK, "edge of window");
	CHECK(sanctum_replay_check(&r, 10000 - SANCTUM_REPLAY_WINDOW) ==
	    SANCTUM_ERR_WINDOW, "one past the edge");
	CHECK(sanctum_replay_check(&r, 5) == SANCTUM_ERR_WINDOW, "far too old");
	CHECK(sanctum_replay_check(&r, 10000) == SANCTUM_ERR_REPLAY, "dup top");
	/* Bits of blocks re-used after a slide must not leak old marks. */
	sanctum_replay_update(&r, 10000 + 64 * 40);
	CHECK(sanctum_replay_check(&r, 10000 + 64 * 40 - 64) == SANCTUM_OK,
	    "cleared block after a long slide");
	/* Check before update: a check alone never moves the window. */
	CHECK(sanctum_replay_check(&r, UINT64_MAX) == SANCTUM_OK, "huge pn ok");
	CHECK(sanctum_replay_check(&r, 10000 + 64 * 40 - 100) == SANCTUM_OK,
	    "check did not slide");
}

int
main(void)
{
	struct json	*v, *c;
	int		n = 0;

	if (sanctum_crypto_init() == -1)
		return (1);
	v = vector_load("data-packet.json");
	CHECK(v != NULL, "data-packet.json loads");
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		if (strcmp(json_str(c, "type"), "data") == 0)
			data_case(c, n++);
	}
	CHECK(n == 6, "6 data cases (got %d)", n);
	json_free(v);
	appendix_a5();
	bad_packets();
	replay_window();
	return (check_report("packet"));
}
