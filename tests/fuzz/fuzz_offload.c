/*
 * libFuzzer harness: the TUN offloads. Byte 0 picks the tunnel MTU (low
 * seven bits) and the mode (high bit). Mode 0: the rest is one read from a
 * tun device with offloads (virtio_net_hdr, then a packet), split as
 * heaven-rx does, every segment checked (it fits, its IPv4 length and
 * checksum are right), then the segments merged back as heaven-tx does.
 * Mode 1: the rest is a list of packets (big-endian 16-bit length, bytes)
 * merged as heaven-tx does. Inputs that split into segments or merged a
 * run count as authenticated.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offload.h"
#include "wire.h"

#include "fuzz.h"

#define SEG_ROOM	1600

static uint8_t	first[OFFLOAD_MAX_PACKET];
static uint8_t	cur[OFFLOAD_MAX_PACKET];
static size_t	first_len;

/* Whether the TCP checksum of a segment verifies (pseudo-header first). */
static int
tcp_ok(const uint8_t *ip, size_t iphl, size_t len)
{
	uint8_t		ph[12];
	uint32_t	acc;

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	put_be16(ph + 10, (uint16_t)(len - iphl));
	acc = (uint32_t)offload_sum(ph, sizeof(ph)) +
	    offload_sum(ip + iphl, len - iphl);
	acc = (acc & 0xffff) + (acc >> 16);
	return (acc == 0xffff);
}

/* A merged run's headers must say what was merged. */
static void
run_end(struct offload_gro *g)
{
	uint8_t	vnet[OFFLOAD_VNET_LEN];

	if (g->count < 2)
		return;
	offload_gro_finish(g, vnet);
	if (get_be16(first + 2) != g->total || offload_sum(first, 20) != 0xffff)
		abort();
	fuzz_authenticated++;
}

/* The next packet of a stream going to the device, as heaven-tx merges. */
static void
merge(struct offload_gro *g, int *open, const uint8_t *pkt, size_t len)
{
	if (*open && offload_gro_add(g, pkt, len) == 0)
		return;
	if (*open)
		run_end(g);
	memcpy(first, pkt, len);
	first_len = len;
	*open = offload_gro_start(g, first, first_len) == 0;
}

/* Split one read, check every segment, merge the segments back. */
static void
split(const uint8_t *data, size_t size, size_t mtu)
{
	struct offload_split	s;
	struct offload_gro	g;
	size_t			len;
	int			n, i, open = 0;

	if ((n = offload_split_init(&s, data, size, mtu)) < 1)
		return;
	for (i = 0; i < n; i++) {
		if ((len = offload_split_next(&s, cur, SEG_ROOM)) == 0)
			abort();
		if (len > mtu)
			abort();
		if (s.tso && (get_be16(cur + 2) != len ||
		    offload_sum(cur, s.iphl) != 0xffff ||
		    !tcp_ok(cur, s.iphl, len)))
			abort();
		merge(&g, &open, cur, len);
	}
	if (offload_split_next(&s, cur, SEG_ROOM) != 0)
		abort();
	if (open)
		run_end(&g);
	if (n > 1)
		fuzz_authenticated++;
}

/* Merge a list of length-prefixed packets. */
static void
merge_list(const uint8_t *data, size_t size)
{
	struct offload_gro	g;
	size_t			len;
	int			open = 0;

	while (size >= 2) {
		len = get_be16(data);
		if (len > size - 2)
			break;
		memcpy(cur, data + 2, len);
		merge(&g, &open, cur, len);
		data += 2 + len;
		size -= 2 + len;
	}
	if (open)
		run_end(&g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t	mtu;

	if (size < 1)
		return (0);
	mtu = 576 + 8 * (size_t)(data[0] & 0x7f);
	if (data[0] & 0x80)
		merge_list(data + 1, size - 1);
	else
		split(data + 1, size - 1, mtu);
	return (0);
}
