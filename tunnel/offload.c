/*
 * TUN offloads without I/O (see offload.h). heaven-rx splits what the kernel
 * hands it with TSO into ordinary IPv4 packets of at most the tunnel MTU,
 * each with complete IPv4 and TCP checksums, because the peer may write
 * them to a device that offloads nothing. heaven-tx merges in-order TCP
 * segments into one super-packet so the kernel takes them in one write.
 *
 * Checksums are summed in native byte order (the ones-complement sum is
 * the same up to a byte swap) and stored back in native order with memcpy.
 */

#include <arpa/inet.h>
#include <linux/virtio_net.h>

#include <string.h>

#include "offload.h"
#include "wire.h"

#define IP_PROTO_TCP	6
#define IP_DF		0x4000
#define IP_MF_OFFSET	0x3fff
#define TCP_FIN		0x01
#define TCP_SYN		0x02
#define TCP_RST		0x04
#define TCP_PSH		0x08
#define TCP_ACK		0x10
#define TCP_URG		0x20
#define TCP_CWR		0x80
#define TCP_CSUM_OFF	16
#define GRO_REFUSE	(TCP_FIN | TCP_SYN | TCP_RST | TCP_URG | TCP_CWR)

/*
 * Add d to a native-order ones-complement accumulator, 64 bits at a time:
 * the halves of each word go to separate 64-bit sums, which cannot carry
 * out below 2^35 bytes, so the additions need not wait on each other.
 */
static uint64_t
sum_add(uint64_t acc, const uint8_t *d, size_t len)
{
	uint64_t	w[4], lo = 0, hi = 0, lo2 = 0, hi2 = 0;
	uint8_t		tail[8];

	while (len >= sizeof(w)) {
		memcpy(w, d, sizeof(w));
		lo += (uint32_t)w[0];
		hi += w[0] >> 32;
		lo2 += (uint32_t)w[1];
		hi2 += w[1] >> 32;
		lo += (uint32_t)w[2];
		hi += w[2] >> 32;
		lo2 += (uint32_t)w[3];
		hi2 += w[3] >> 32;
		d += sizeof(w);
		len -= sizeof(w);
	}
	while (len >= 8) {
		memcpy(w, d, 8);
		lo += (uint32_t)w[0];
		hi += w[0] >> 32;
		d += 8;
		len -= 8;
	}
	if (len > 0) {
		/* An odd last byte is the high half of a zero-padded word. */
		memset(tail, 0, sizeof(tail));
		memcpy(tail, d, len);
		memcpy(w, tail, 8);
		lo += (uint32_t)w[0];
		hi += w[0] >> 32;
	}
	lo += lo2;
	hi += hi2;
	acc += lo;
	acc += acc < lo;
	acc += hi;
	acc += acc < hi;
	return (acc);
}

/* Fold an accumulator to 16 bits (native order, not complemented). */
static uint16_t
sum_fold(uint64_t acc)
{
	acc = (acc & 0xffffffffU) + (acc >> 32);
	acc = (acc & 0xffffffffU) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return ((uint16_t)acc);
}

/* The IPv4 pseudo-header of a transport segment of l4len bytes. */
static uint64_t
sum_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t	addr[2];
	uint64_t	acc;

	memcpy(addr, ip + 12, sizeof(addr));
	acc = (uint64_t)addr[0] + addr[1];
	acc += htons(proto);
	acc += htons((uint16_t)l4len);
	return (acc);
}

/* Store a native-order 16-bit value (checksums and virtio fields). */
static void
put_native16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Read a native-order 16-bit virtio field. */
static uint16_t
get_native16(const uint8_t *p)
{
	uint16_t	v;

	memcpy(&v, p, sizeof(v));
	return (v);
}

/* The folded sum as a number; for callers and tests that want one. */
uint16_t
offload_sum(const uint8_t *d, size_t len)
{
	return (ntohs(sum_fold(sum_add(0, d, len))));
}

/* Set the IPv4 header checksum of ip (header length hl). */
static void
ip_checksum_set(uint8_t *ip, size_t hl)
{
	put_native16(ip + 10, 0);
	put_native16(ip + 10, (uint16_t)~sum_fold(sum_add(0, ip, hl)));
}

/* Whether the IPv4 header checksum of ip verifies. */
static int
ip_checksum_ok(const uint8_t *ip, size_t hl)
{
	return (sum_fold(sum_add(0, ip, hl)) == 0xffff);
}

/* Whether the TCP checksum of the segment at ip + iphl verifies. */
static int
tcp_checksum_ok(const uint8_t *ip, size_t iphl, size_t len)
{
	uint64_t	acc;

	acc = sum_pseudo(ip, IP_PROTO_TCP, len - iphl);
	return (sum_fold(sum_add(acc, ip + iphl, len - iphl)) == 0xffff);
}

/*
 * Check a TSO super-packet: an unfragmented IPv4 TCP packet whose headers
 * and total length agree with what was read. Returns the TCP header length.
 */
static size_t
tso_headers(const uint8_t *pkt, size_t len, size_t *iphl)
{
	size_t	thl;

	if (len < 40 || (pkt[0] >> 4) != 4 || (pkt[0] & 0x0f) < 5)
		return (0);
	*iphl = (size_t)(pkt[0] & 0x0f) * 4;
	if (*iphl + 20 > len || get_be16(pkt + 2) != len ||
	    pkt[9] != IP_PROTO_TCP || (get_be16(pkt + 6) & IP_MF_OFFSET) != 0)
		return (0);
	thl = (size_t)(pkt[*iphl + 12] >> 4) * 4;
	if (thl < 20 || *iphl + thl > len)
		return (0);
	return (thl);
}

/*
 * Take one read from the device (virtio_net_hdr, then the packet) and say
 * how many segments of at most mtu bytes it becomes; -1 to drop it. A
 * packet without GSO must not be empty and must already fit; one with
 * NEEDS_CSUM gets its checksum completed; a TCPv4 GSO packet is cut at
 * gso_size (or less, so a segment fits mtu). The header's other fields are
 * not trusted.
 */
int
offload_split_init(struct offload_split *s, const uint8_t *buf, size_t len,
    size_t mtu)
{
	size_t	thl, gso_size, start, off, payload;
	uint8_t	flags, type;

	memset(s, 0, sizeof(*s));
	if (len < OFFLOAD_VNET_LEN)
		return (-1);
	flags = buf[0];
	type = buf[1];
	gso_size = get_native16(buf + 4);
	start = get_native16(buf + 6);
	off = get_native16(buf + 8);
	s->pkt = buf + OFFLOAD_VNET_LEN;
	s->len = len - OFFLOAD_VNET_LEN;
	switch (type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if (s->len == 0 || s->len > mtu ||
		    type != VIRTIO_NET_HDR_GSO_NONE)
			return (-1);
		if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			if (start >= s->len || off + 2 > s->len - start)
				return (-1);
			s->csum = 1;
			s->csum_start = start;
			s->csum_at = start + off;
		}
		s->nseg = 1;
		return (1);
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if ((thl = tso_headers(s->pkt, s->len, &s->iphl)) == 0 ||
		    gso_size == 0)
			return (-1);
		s->hlen = s->iphl + thl;
		if (mtu <= s->hlen)
			return (-1);
		s->mss = gso_size < mtu - s->hlen ? gso_size : mtu - s->hlen;
		s->tso = 1;
		payload = s->len - s->hlen;
		s->nseg = payload == 0 ? 1 :
		    (unsigned int)((payload + s->mss - 1) / s->mss);
		return ((int)s->nseg);
	default:
		return (-1);
	}
}

/* One packet as read, with a partial checksum completed if asked. */
static size_t
split_whole(struct offload_split *s, uint8_t *out, size_t cap)
{
	uint16_t	sum;

	if (s->len > cap)
		return (0);
	memcpy(out, s->pkt, s->len);
	if (s->csum) {
		sum = (uint16_t)~sum_fold(sum_add(0, out + s->csum_start,
		    s->len - s->csum_start));
		put_native16(out + s->csum_at, sum == 0 ? 0xffff : sum);
	}
	return (s->len);
}

/*
 * The next segment into out (at most cap bytes); its length, or 0 when
 * there is none. Segment i carries id + i and the sequence number of its
 * first byte; FIN and PSH stay on the last, CWR on the first.
 */
size_t
offload_split_next(struct offload_split *s, uint8_t *out, size_t cap)
{
	uint8_t		*tcp;
	size_t		 seg, payload;
	uint64_t	 acc;
	uint16_t	 sum;

	if (s->index >= s->nseg)
		return (0);
	if (!s->tso) {
		s->index++;
		return (split_whole(s, out, cap));
	}
	payload = s->len - s->hlen;
	seg = payload - s->off < s->mss ? payload - s->off : s->mss;
	if (s->hlen + seg > cap)
		return (0);
	memcpy(out, s->pkt, s->hlen);
	memcpy(out + s->hlen, s->pkt + s->hlen + s->off, seg);

	put_be16(out + 2, (uint16_t)(s->hlen + seg));
	put_be16(out + 4, (uint16_t)(get_be16(s->pkt + 4) + s->index));
	ip_checksum_set(out, s->iphl);

	tcp = out + s->iphl;
	put_be32(tcp + 4, get_be32(tcp + 4) + (uint32_t)s->off);
	if (s->index + 1 < s->nseg)
		tcp[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
	if (s->index > 0)
		tcp[13] &= (uint8_t)~TCP_CWR;
	put_native16(tcp + TCP_CSUM_OFF, 0);
	acc = sum_pseudo(out, IP_PROTO_TCP, s->hlen - s->iphl + seg);
	sum = (uint16_t)~sum_fold(sum_add(acc, tcp, s->hlen - s->iphl + seg));
	put_native16(tcp + TCP_CSUM_OFF, sum);

	s->off += seg;
	s->index++;
	return (s->hlen + seg);
}

/*
 * A TCP data segment that could be merged with what follows: IPv4 without
 * options or fragments, its length exact, ACK and no SYN/FIN/RST/URG/CWR,
 * some payload, and both checksums right (a merged packet's checksum is
 * taken on trust by the kernel, so a bad segment must stay alone).
 * Returns the TCP header length, or 0.
 */
static size_t
gro_candidate(const uint8_t *pkt, size_t len)
{
	size_t	thl;

	if (len < 41 || pkt[0] != 0x45 || get_be16(pkt + 2) != len ||
	    pkt[9] != IP_PROTO_TCP || (get_be16(pkt + 6) & IP_MF_OFFSET) != 0)
		return (0);
	thl = (size_t)(pkt[20 + 12] >> 4) * 4;
	if (thl < 20 || 20 + thl >= len)
		return (0);
	if ((pkt[20 + 13] & GRO_REFUSE) != 0 || !(pkt[20 + 13] & TCP_ACK))
		return (0);
	if (!ip_checksum_ok(pkt, 20) || !tcp_checksum_ok(pkt, 20, len))
		return (0);
	return (thl);
}

/* Start a run at pkt (kept by the caller until the run is written). */
int
offload_gro_start(struct offload_gro *g, uint8_t *pkt, size_t len)
{
	size_t	thl;

	memset(g, 0, sizeof(*g));
	if ((thl = gro_candidate(pkt, len)) == 0)
		return (-1);
	g->first = pkt;
	g->hlen = 20 + thl;
	g->seg = len - g->hlen;
	g->total = len;
	g->next_seq = get_be32(pkt + 24) + (uint32_t)g->seg;
	g->next_id = (uint16_t)(get_be16(pkt + 4) + 1);
	g->count = 1;
	g->psh = (pkt[20 + 13] & TCP_PSH) != 0;
	g->closed = g->psh;
	return (0);
}

/*
 * Append pkt when it continues the run: same addresses, ports, TOS, TTL,
 * DF, ACK, window and TCP options, the next sequence number (and the next
 * IP id without DF), a payload no larger than the first's, and the total
 * within one IPv4 packet. A shorter or PSH segment ends the run.
 */
int
offload_gro_add(struct offload_gro *g, const uint8_t *pkt, size_t len)
{
	const uint8_t	*a = g->first;
	size_t		 payload;

	if (g->closed || len <= g->hlen || len - g->hlen > g->seg ||
	    g->total + (len - g->hlen) > OFFLOAD_MAX_PACKET)
		return (-1);
	payload = len - g->hlen;
	if (memcmp(pkt, a, 2) != 0 || memcmp(pkt + 6, a + 6, 4) != 0 ||
	    memcmp(pkt + 12, a + 12, 8) != 0)
		return (-1);
	if (!(get_be16(pkt + 6) & IP_DF) && get_be16(pkt + 4) != g->next_id)
		return (-1);
	if (memcmp(pkt + 20, a + 20, 4) != 0 ||
	    get_be32(pkt + 24) != g->next_seq ||
	    memcmp(pkt + 28, a + 28, 5) != 0 ||
	    (pkt[33] & (uint8_t)~TCP_PSH) != (a[33] & (uint8_t)~TCP_PSH) ||
	    memcmp(pkt + 34, a + 34, 2) != 0 ||
	    memcmp(pkt + 38, a + 38, g->hlen - 38) != 0)
		return (-1);
	if (gro_candidate(pkt, len) != g->hlen - 20)
		return (-1);
	g->total += payload;
	g->next_seq += (uint32_t)payload;
	g->next_id++;
	g->count++;
	if (pkt[33] & TCP_PSH)
		g->psh = 1;
	g->closed = g->psh || payload < g->seg;
	return (0);
}

/*
 * Turn the first segment's headers into those of the merged packet (total
 * length, IPv4 checksum, PSH of the last, the TCP checksum field holding
 * the pseudo-header sum) and fill vnet so the kernel completes the TCP
 * checksum and knows the segment size. Only for runs of two or more.
 */
void
offload_gro_finish(struct offload_gro *g, uint8_t vnet[OFFLOAD_VNET_LEN])
{
	uint8_t	*ip = g->first;

	put_be16(ip + 2, (uint16_t)g->total);
	ip_checksum_set(ip, 20);
	if (g->psh)
		ip[20 + 13] |= TCP_PSH;
	put_native16(ip + 20 + TCP_CSUM_OFF,
	    sum_fold(sum_pseudo(ip, IP_PROTO_TCP, g->total - 20)));

	vnet[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vnet[1] = VIRTIO_NET_HDR_GSO_TCPV4;
	put_native16(vnet + 2, (uint16_t)g->hlen);
	put_native16(vnet + 4, (uint16_t)g->seg);
	put_native16(vnet + 6, 20);
	put_native16(vnet + 8, TCP_CSUM_OFF);
}
