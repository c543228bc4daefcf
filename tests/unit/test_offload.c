/*
 * TUN offloads: the checksum against a byte-wise one, a handcrafted 60 KB
 * TCP super-packet split into tunnel-sized segments (lengths, ids,
 * sequence numbers, flags, checksums verified independently), partial
 * UDP checksums completed, malformed headers refused, and the segments
 * merged back, with every case that must not merge.
 */

#include <stdlib.h>
#include <string.h>

#include <linux/virtio_net.h>

#include "check.h"
#include "offload.h"
#include "wire.h"

#define SUPER_PAYLOAD	60000
#define TCP_HL		32	/* 20 + NOP NOP timestamps */
#define HLEN		(20 + TCP_HL)
#define BASE_SEQ	0xfffff000U	/* wraps inside the packet */
#define BASE_ID		0xfff0	/* wraps too */
#define MAX_SEGS	128

static uint8_t	super[OFFLOAD_VNET_LEN + HLEN + SUPER_PAYLOAD];
static uint8_t	segs[MAX_SEGS][1600];
static size_t	seglen[MAX_SEGS];

/* The Internet sum the slow way: big-endian 16-bit words, folded. */
static uint32_t
ref_sum(const uint8_t *d, size_t len, uint32_t acc)
{
	size_t	i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)d[i] << 8 | d[i + 1];
	if (len & 1)
		acc += (uint32_t)d[len - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (acc);
}

/* The pseudo-header sum of a transport segment. */
static uint32_t
ref_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t	acc;

	acc = ref_sum(ip + 12, 8, 0);
	acc += proto;
	acc += (uint32_t)l4len;
	return (ref_sum(NULL, 0, acc));
}

/* Whether the IPv4 header and the TCP/UDP checksum of a packet verify. */
static int
ref_valid(const uint8_t *ip, size_t len)
{
	size_t		hl = (size_t)(ip[0] & 0x0f) * 4;
	uint32_t	acc;

	if (ref_sum(ip, hl, 0) != 0xffff)
		return (0);
	acc = ref_pseudo(ip, ip[9], len - hl);
	return (ref_sum(ip + hl, len - hl, acc) == 0xffff);
}

/* Recompute both checksums of a test packet after changing it. */
static void
ref_fix(uint8_t *ip, size_t len)
{
	size_t		hl = (size_t)(ip[0] & 0x0f) * 4;
	size_t		at = hl + (ip[9] == 17 ? 6 : 16);

	put_be16(ip + 10, 0);
	put_be16(ip + 10, (uint16_t)~ref_sum(ip, hl, 0));
	put_be16(ip + at, 0);
	put_be16(ip + at, (uint16_t)~ref_sum(ip + hl, len - hl,
	    ref_pseudo(ip, ip[9], len - hl)));
}

/* A native-order virtio field, as the kernel writes it. */
static void
vnet_put(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* Read a native-order virtio field. */
static uint16_t
vnet_get(const uint8_t *p)
{
	uint16_t	v;

	memcpy(&v, p, 2);
	return (v);
}

/* An IPv4 header: DF, TTL 64, 10.0.0.1 -> 10.0.0.2. */
static void
ip_header(uint8_t *ip, size_t len, uint8_t proto, uint16_t id)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_be16(ip + 2, (uint16_t)len);
	put_be16(ip + 4, id);
	put_be16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	ip[12] = 10;
	ip[15] = 1;
	ip[16] = 10;
	ip[19] = 2;
}

/*
 * The kernel's TSO super-packet: virtio header, IPv4, TCP with the
 * timestamp option, flags as given, the checksum field holding the
 * pseudo-header sum only, and a payload pattern.
 */
static size_t
make_super(uint8_t flags, uint16_t gso_size)
{
	uint8_t		*vnet = super, *ip = super + OFFLOAD_VNET_LEN;
	uint8_t		*tcp = ip + 20;
	size_t		 i, len = HLEN + SUPER_PAYLOAD;

	memset(vnet, 0, OFFLOAD_VNET_LEN);
	vnet[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vnet[1] = VIRTIO_NET_HDR_GSO_TCPV4;
	vnet_put(vnet + 2, HLEN);
	vnet_put(vnet + 4, gso_size);
	vnet_put(vnet + 6, 20);
	vnet_put(vnet + 8, 16);
	ip_header(ip, len, 6, BASE_ID);
	put_be16(ip + 10, (uint16_t)~ref_sum(ip, 20, 0));
	memset(tcp, 0, TCP_HL);
	put_be16(tcp, 40000);
	put_be16(tcp + 2, 5201);
	put_be32(tcp + 4, BASE_SEQ);
	put_be32(tcp + 8, 0x01020304);
	tcp[12] = (TCP_HL / 4) << 4;
	tcp[13] = flags;
	put_be16(tcp + 14, 502);
	tcp[20] = 1;
	tcp[21] = 1;
	tcp[22] = 8;
	tcp[23] = 10;
	put_be32(tcp + 24, 0x11223344);
	put_be32(tcp + 28, 0x55667788);
	put_be16(tcp + 16, (uint16_t)ref_pseudo(ip, 6, len - 20));
	for (i = 0; i < SUPER_PAYLOAD; i++)
		ip[HLEN + i] = (uint8_t)(i * 7 + (i >> 8));
	return (OFFLOAD_VNET_LEN + len);
}

/* Split the super-packet at mtu into segs; the segment count or -1. */
static int
split_all(size_t len, size_t mtu)
{
	struct offload_split	s;
	int			n, i;

	if ((n = offload_split_init(&s, super, len, mtu)) < 1 || n > MAX_SEGS)
		return (-1);
	for (i = 0; i < n; i++)
		seglen[i] = offload_split_next(&s, segs[i], sizeof(segs[i]));
	CHECK(offload_split_next(&s, segs[0], sizeof(segs[0])) == 0,
	    "nothing after the last");
	return (n);
}

/* The 64-bit sum against the byte-wise one, every length and alignment. */
static void
test_sum(void)
{
	uint8_t		buf[300];
	size_t		i, len, off;
	int		bad = 0;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 17 + (i >> 3));
	for (off = 0; off < 8; off++)
		for (len = 0; len + off <= sizeof(buf); len++)
			bad += offload_sum(buf + off, len) !=
			    ref_sum(buf + off, len, 0);
	CHECK(bad == 0, "sum matches byte-wise (%d differ)", bad);
	memset(buf, 0xff, sizeof(buf));
	CHECK(offload_sum(buf, sizeof(buf)) == 0xffff, "all ones");
	CHECK(offload_sum(buf, 0) == 0, "empty");
}

/* Every segment of one split: headers, sizes, flags, checksums, data. */
static void
check_segments(int n, size_t mtu, size_t mss, uint8_t flags)
{
	const uint8_t	*orig = super + OFFLOAD_VNET_LEN;
	size_t		 off = 0, want;
	int		 i, bad = 0;

	CHECK(n == (int)((SUPER_PAYLOAD + mss - 1) / mss),
	    "mtu %zu: %d segments", mtu, n);
	for (i = 0; i < n; i++) {
		const uint8_t	*ip = segs[i], *tcp = ip + 20;
		uint8_t		 f = flags;

		want = SUPER_PAYLOAD - off < mss ? SUPER_PAYLOAD - off : mss;
		if (i + 1 < n)
			f &= (uint8_t)~(0x01 | 0x08);
		if (i > 0)
			f &= (uint8_t)~0x80;
		bad += seglen[i] != HLEN + want;
		bad += seglen[i] > mtu;
		bad += get_be16(ip + 2) != HLEN + want;
		bad += get_be16(ip + 4) != (uint16_t)(BASE_ID + i);
		bad += get_be16(ip + 6) != 0x4000 || ip[8] != 64;
		bad += get_be32(tcp + 4) != (uint32_t)(BASE_SEQ + off);
		bad += get_be32(tcp + 8) != 0x01020304;
		bad += tcp[13] != f;
		bad += memcmp(tcp + 20, orig + 40, TCP_HL - 20) != 0;
		bad += !ref_valid(ip, seglen[i]);
		bad += memcmp(ip + HLEN, orig + HLEN + off, want) != 0;
		if (bad != 0) {
			CHECK(0, "mtu %zu: segment %d wrong", mtu, i);
			return;
		}
		off += want;
	}
	CHECK(off == SUPER_PAYLOAD, "mtu %zu: all payload", mtu);
}

/* A 60 KB TSO packet at the MSS and cut smaller by a smaller MTU. */
static void
test_split(void)
{
	uint8_t	flags = 0x80 | 0x10 | 0x08 | 0x01;	/* CWR ACK PSH FIN */
	size_t	len;
	int	n;

	len = make_super(flags, 1448);
	n = split_all(len, 1500);
	check_segments(n, 1500, 1448, flags);
	n = split_all(len, 1422);
	check_segments(n, 1422, 1422 - HLEN, flags);
	n = split_all(len, 623);
	check_segments(n, 623, 623 - HLEN, flags);
	CHECK(n == 106, "623: 106 segments (%d)", n);
}

/* What offload_split_init must refuse. */
static void
test_split_bad(void)
{
	struct offload_split	s;
	uint8_t			*ip = super + OFFLOAD_VNET_LEN;
	size_t			len;

	len = make_super(0x10, 1448);
	CHECK(offload_split_init(&s, super, len, 1500) == 42, "42 segments");
	CHECK(offload_split_init(&s, super, len - 1, 1500) == -1,
	    "truncated read");
	CHECK(offload_split_init(&s, super, OFFLOAD_VNET_LEN - 1, 1500) == -1,
	    "no header");
	CHECK(offload_split_init(&s, super, OFFLOAD_VNET_LEN + 39, 1500) == -1,
	    "no tcp header");
	CHECK(offload_split_init(&s, super, len, HLEN) == -1,
	    "mtu no larger than the headers");
	super[1] = VIRTIO_NET_HDR_GSO_UDP;
	CHECK(offload_split_init(&s, super, len, 1500) == -1, "gso udp");
	super[1] = VIRTIO_NET_HDR_GSO_TCPV6;
	CHECK(offload_split_init(&s, super, len, 1500) == -1, "gso tcpv6");
	super[1] = VIRTIO_NET_HDR_GSO_ECN;
	CHECK(offload_split_init(&s, super, len, 1500) == -1, "ecn alone");
	super[1] = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	CHECK(offload_split_init(&s, super, len, 1500) == 42, "tcpv4 ecn");
	super[1] = VIRTIO_NET_HDR_GSO_TCPV4;
	vnet_put(super + 4, 0);
	CHECK(offload_split_init(&s, super, len, 1500) == -1, "gso_size 0");
	vnet_put(super + 4, 65535);
	CHECK(offload_split_init(&s, super, len, 1500) == 42,
	    "huge gso_size cut at the mtu");
	vnet_put(super + 4, 1448);
	ip[20 + 12] = 0xf0;
	CHECK(offload_split_init(&s, super, len, 1500) == 43,
	    "doff 15: 80 bytes of headers, 1420 per segment");
	ip[20 + 12] = 0x40;
	CHECK(offload_split_init(&s, super, len, 1500) == -1, "doff 4");
	ip[20 + 12] = (TCP_HL / 4) << 4;
	ip[9] = 17;
	CHECK(offload_split_init(&s, super, len, 1500) == -1, "tso of udp");
	ip[9] = 6;
	ip[6] |= 0x20;
	CHECK(offload_split_init(&s, super, len, 1500) == -1, "fragment");
	ip[6] &= (uint8_t)~0x20;
	ip[0] = 0x4f;
	CHECK(offload_split_init(&s, super, OFFLOAD_VNET_LEN + 70, 1500) == -1,
	    "options past the end");
	ip[0] = 0x65;
	CHECK(offload_split_init(&s, super, len, 1500) == -1, "version 6");
	ip[0] = 0x45;
	put_be16(ip + 2, 1000);
	CHECK(offload_split_init(&s, super, len, 1500) == -1,
	    "total length lies");
}

/* Without GSO: copied as is, a partial UDP checksum completed. */
static void
test_plain(void)
{
	struct offload_split	s;
	uint8_t			buf[OFFLOAD_VNET_LEN + 128], out[256];
	uint8_t			*ip = buf + OFFLOAD_VNET_LEN;
	size_t			len = 20 + 8 + 100, i;

	memset(buf, 0, sizeof(buf));
	ip_header(ip, len, 17, 7);
	put_be16(ip + 10, (uint16_t)~ref_sum(ip, 20, 0));
	put_be16(ip + 20, 5353);
	put_be16(ip + 22, 53);
	put_be16(ip + 24, 8 + 100);
	for (i = 0; i < 100; i++)
		ip[28 + i] = (uint8_t)(i ^ 0x5a);
	CHECK(offload_split_init(&s, buf, OFFLOAD_VNET_LEN + len, 1500) == 1,
	    "plain: one");
	CHECK(offload_split_next(&s, out, sizeof(out)) == len &&
	    memcmp(out, ip, len) == 0, "plain: copied");
	CHECK(offload_split_next(&s, out, sizeof(out)) == 0, "plain: once");
	CHECK(offload_split_init(&s, buf, OFFLOAD_VNET_LEN + len, len - 1) ==
	    -1, "plain: larger than the mtu");

	buf[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vnet_put(buf + 6, 20);
	vnet_put(buf + 8, 6);
	put_be16(ip + 26, (uint16_t)ref_pseudo(ip, 17, len - 20));
	CHECK(offload_split_init(&s, buf, OFFLOAD_VNET_LEN + len, 1500) == 1,
	    "csum: one");
	CHECK(offload_split_next(&s, out, sizeof(out)) == len, "csum: length");
	CHECK(ref_valid(out, len), "csum: udp checksum completed");
	CHECK(get_be16(out + 26) != 0, "csum: never zero for udp");
	CHECK(offload_split_next(&s, out, 10) == 0, "csum: once");
	CHECK(offload_split_init(&s, buf, OFFLOAD_VNET_LEN + len, 1500) == 1 &&
	    offload_split_next(&s, out, len - 1) == 0, "csum: room checked");
	vnet_put(buf + 6, (uint16_t)len);
	CHECK(offload_split_init(&s, buf, OFFLOAD_VNET_LEN + len, 1500) == -1,
	    "csum: start past the end");
	vnet_put(buf + 6, 20);
	vnet_put(buf + 8, (uint16_t)(len - 21));
	CHECK(offload_split_init(&s, buf, OFFLOAD_VNET_LEN + len, 1500) == -1,
	    "csum: field past the end");
	vnet_put(buf + 8, (uint16_t)(len - 22));
	CHECK(offload_split_init(&s, buf, OFFLOAD_VNET_LEN + len, 1500) == 1,
	    "csum: field at the very end");
	vnet_put(buf + 6, 0xffff);
	vnet_put(buf + 8, 0xffff);
	CHECK(offload_split_init(&s, buf, OFFLOAD_VNET_LEN + len, 1500) == -1,
	    "csum: huge offsets");
}

/* The segments of a split merged back into one super-packet. */
static void
test_merge(void)
{
	static uint8_t		merged[OFFLOAD_MAX_PACKET];
	struct offload_gro	g;
	uint8_t			vnet[OFFLOAD_VNET_LEN];
	const uint8_t		*orig = super + OFFLOAD_VNET_LEN;
	size_t			len, off;
	uint32_t		acc;
	int			n, i, ok = 1;

	len = make_super(0x10 | 0x08, 1448);		/* ACK PSH */
	n = split_all(len, 1500);
	CHECK(n == 42, "merge: 42 segments");
	CHECK(offload_gro_start(&g, segs[0], seglen[0]) == 0, "merge: start");
	for (i = 1; i < n; i++)
		ok &= offload_gro_add(&g, segs[i], seglen[i]) == 0;
	CHECK(ok && g.count == 42, "merge: all added (%u)", g.count);
	CHECK(g.closed, "merge: closed by the short last");
	CHECK(offload_gro_add(&g, segs[1], seglen[1]) == -1,
	    "merge: nothing after the last");
	offload_gro_finish(&g, vnet);

	CHECK(vnet[0] == VIRTIO_NET_HDR_F_NEEDS_CSUM, "merge: needs csum");
	CHECK(vnet[1] == VIRTIO_NET_HDR_GSO_TCPV4, "merge: gso tcpv4");
	CHECK(vnet_get(vnet + 2) == HLEN, "merge: hdr_len");
	CHECK(vnet_get(vnet + 4) == 1448, "merge: gso_size");
	CHECK(vnet_get(vnet + 6) == 20 && vnet_get(vnet + 8) == 16,
	    "merge: csum start and offset");
	CHECK(get_be16(segs[0] + 2) == HLEN + SUPER_PAYLOAD,
	    "merge: total length");
	CHECK(ref_sum(segs[0], 20, 0) == 0xffff, "merge: ip checksum");
	CHECK(get_be16(segs[0] + 4) == BASE_ID, "merge: first id");
	CHECK(get_be32(segs[0] + 24) == BASE_SEQ, "merge: first seq");
	CHECK(segs[0][33] == (0x10 | 0x08), "merge: ACK PSH");
	CHECK(get_be16(segs[0] + 36) == ref_pseudo(segs[0], 6,
	    TCP_HL + SUPER_PAYLOAD), "merge: partial checksum");

	/* What the kernel sees: headers, payloads; completed, it verifies. */
	memcpy(merged, segs[0], seglen[0]);
	off = seglen[0];
	for (i = 1; i < n; i++) {
		memcpy(merged + off, segs[i] + HLEN, seglen[i] - HLEN);
		off += seglen[i] - HLEN;
	}
	CHECK(off == HLEN + SUPER_PAYLOAD, "merge: length adds up");
	CHECK(memcmp(merged + HLEN, orig + HLEN, SUPER_PAYLOAD) == 0,
	    "merge: payload in order");
	acc = ref_sum(merged + 20, off - 20, 0);
	put_be16(merged + 36, (uint16_t)~acc);
	CHECK(ref_valid(merged, off), "merge: completed checksum verifies");
}

/*
 * Start at segment 0 and add a copy of segment 1 with one byte flipped,
 * its length changed by delta (the IPv4 length too unless pad), and its
 * checksums fixed when asked; what offload_gro_add says.
 */
static int
try_pair(size_t at, uint8_t flip, int delta, int pad, int fix)
{
	struct offload_gro	g;
	uint8_t			a[1600], b[1600];
	size_t			blen = seglen[1] + (size_t)delta;

	memcpy(a, segs[0], seglen[0]);
	memcpy(b, segs[1], seglen[1]);
	b[at] ^= flip;
	if (delta > 0)
		memset(b + seglen[1], 0xab, (size_t)delta);
	if (!pad)
		put_be16(b + 2, (uint16_t)blen);
	if (fix)
		ref_fix(b, blen);
	if (offload_gro_start(&g, a, seglen[0]) == -1)
		return (-2);
	return (offload_gro_add(&g, b, blen));
}

/* One changed byte of a following segment and whether it still merges. */
static const struct {
	const char	*what;
	size_t		 at;
	uint8_t		 flip;
	int		 fix;
	int		 want;
} pair_cases[] = {
	{ "control pair", 0, 0, 0, 0 },
	{ "PSH may end a run", 33, 0x08, 1, 0 },
	{ "SYN", 33, 0x02, 1, -1 },
	{ "FIN", 33, 0x01, 1, -1 },
	{ "RST", 33, 0x04, 1, -1 },
	{ "URG", 33, 0x20, 1, -1 },
	{ "CWR", 33, 0x80, 1, -1 },
	{ "ECE", 33, 0x40, 1, -1 },
	{ "other port", 23, 0x01, 1, -1 },
	{ "other address", 19, 0x04, 1, -1 },
	{ "other ttl", 8, 0x01, 1, -1 },
	{ "other tos", 1, 0x10, 1, -1 },
	{ "other df", 6, 0x40, 1, -1 },
	{ "other ack", 31, 0x01, 1, -1 },
	{ "other window", 35, 0x01, 1, -1 },
	{ "other timestamp", 51, 0x01, 1, -1 },
	{ "gap in sequence", 27, 0x01, 1, -1 },
	{ "bad tcp checksum", 100, 0x40, 0, -1 },
	{ "bad ip checksum", 11, 0x40, 0, -1 },
	{ "not tcp", 9, 6 ^ 17, 1, -1 },
	{ "ip options", 0, 0x45 ^ 0x46, 1, -1 },
};

/* Pairs that must and must not merge, and runs cut short. */
static void
test_refuse(void)
{
	struct offload_gro	g;
	uint8_t			a[1600], b[1600], c[1600];
	size_t			len, i;
	int			n;

	len = make_super(0x10, 1448);
	n = split_all(len, 1500);
	CHECK(n == 42, "refuse: 42 segments");
	for (i = 0; i < sizeof(pair_cases) / sizeof(pair_cases[0]); i++)
		CHECK(try_pair(pair_cases[i].at, pair_cases[i].flip, 0, 0,
		    pair_cases[i].fix) == pair_cases[i].want, "refuse: %s",
		    pair_cases[i].what);
	CHECK(try_pair(0, 0, 10, 0, 1) == -1, "refuse: longer than the first");
	CHECK(try_pair(0, 0, -100, 0, 1) == 0, "refuse: short last merges");
	CHECK(try_pair(0, 0, -(int)(seglen[1] - HLEN), 0, 1) == -1,
	    "refuse: no payload");
	CHECK(try_pair(0, 0, -100, 1, 1) == -1, "refuse: ip length lies");

	/* Across a gap: 0 then 2. */
	CHECK(offload_gro_start(&g, segs[0], seglen[0]) == 0 &&
	    offload_gro_add(&g, segs[2], seglen[2]) == -1, "refuse: 0 then 2");

	/* A short middle segment ends the run. */
	memcpy(a, segs[0], seglen[0]);
	memcpy(b, segs[1], seglen[1]);
	memcpy(c, segs[2], seglen[2]);
	len = seglen[1] - 100;
	put_be16(b + 2, (uint16_t)len);
	ref_fix(b, len);
	put_be32(c + 24, get_be32(c + 24) - 100);
	ref_fix(c, seglen[2]);
	CHECK(offload_gro_start(&g, a, seglen[0]) == 0 &&
	    offload_gro_add(&g, b, len) == 0 &&
	    offload_gro_add(&g, c, seglen[2]) == -1 && g.count == 2,
	    "refuse: short middle segment");

	/* Without DF the ids must follow each other. */
	memcpy(a, segs[0], seglen[0]);
	memcpy(b, segs[1], seglen[1]);
	a[6] = 0;
	b[6] = 0;
	ref_fix(a, seglen[0]);
	ref_fix(b, seglen[1]);
	CHECK(offload_gro_start(&g, a, seglen[0]) == 0 &&
	    offload_gro_add(&g, b, seglen[1]) == 0, "refuse: no df, next id");
	put_be16(b + 4, (uint16_t)(get_be16(b + 4) + 1));
	ref_fix(b, seglen[1]);
	CHECK(offload_gro_start(&g, a, seglen[0]) == 0 &&
	    offload_gro_add(&g, b, seglen[1]) == -1, "refuse: no df, id gap");

	/* What may not even start a run. */
	memcpy(a, segs[0], seglen[0]);
	a[33] |= 0x80;
	ref_fix(a, seglen[0]);
	CHECK(offload_gro_start(&g, a, seglen[0]) == -1, "refuse: start CWR");
	memcpy(a, segs[0], seglen[0]);
	a[33] = 0x18 & ~0x10;
	ref_fix(a, seglen[0]);
	CHECK(offload_gro_start(&g, a, seglen[0]) == -1, "refuse: no ACK");
	CHECK(offload_gro_start(&g, segs[0], 40) == -1, "refuse: runt");
	memcpy(a, segs[0], seglen[0]);
	a[33] |= 0x08;
	ref_fix(a, seglen[0]);
	CHECK(offload_gro_start(&g, a, seglen[0]) == 0 &&
	    offload_gro_add(&g, segs[1], seglen[1]) == -1,
	    "refuse: nothing after a PSH");
}

/* Runs stop at one IPv4 packet: two more segments fit, not three. */
static void
test_limit(void)
{
	struct offload_gro	g;
	size_t			len;
	int			n, i, added = 0;

	len = make_super(0x10, 1448);
	n = split_all(len, 1500);
	CHECK(offload_gro_start(&g, segs[0], seglen[0]) == 0, "limit: start");
	/* Pretend the run is near the end of an IPv4 packet already. */
	g.total = OFFLOAD_MAX_PACKET - 2 * 1448;
	for (i = 1; i < n; i++)
		added += offload_gro_add(&g, segs[i], seglen[i]) == 0;
	CHECK(added == 2 && g.total <= OFFLOAD_MAX_PACKET,
	    "limit: two more fit (%d)", added);
}

int
main(void)
{
	test_sum();
	test_split();
	test_split_bad();
	test_plain();
	test_merge();
	test_refuse();
	test_limit();
	return (check_report("offload"));
}
