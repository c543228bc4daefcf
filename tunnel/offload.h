/*
 * TUN offloads without I/O: splitting the kernel's TCP super-packets (with
 * their virtio_net_hdr) into tunnel-sized IPv4 packets, completing partial
 * checksums, and merging in-order TCP segments of one flow back into one
 * super-packet for the device. Everything here only reads and writes the
 * buffers it is given, within the lengths it is given.
 */
#ifndef SANCTUM_OFFLOAD_H
#define SANCTUM_OFFLOAD_H

#include <stddef.h>
#include <stdint.h>

#define OFFLOAD_VNET_LEN	10	/* struct virtio_net_hdr */
#define OFFLOAD_MAX_PACKET	65535	/* the largest IPv4 packet */

/* The segments of one packet read from the device (offload_split_init). */
struct offload_split {
	const uint8_t	*pkt;		/* the IPv4 packet after the header */
	size_t		 len;
	int		 tso;		/* split into segments */
	size_t		 iphl;		/* IPv4 header */
	size_t		 hlen;		/* IPv4 + TCP headers of each segment */
	size_t		 mss;		/* payload bytes per segment */
	size_t		 off;		/* next payload byte after hlen */
	int		 csum;		/* complete the checksum at csum_at */
	size_t		 csum_start;
	size_t		 csum_at;
	unsigned int	 index;		/* segments produced */
	unsigned int	 nseg;
};

/* A run of TCP segments being merged (offload_gro_start). */
struct offload_gro {
	uint8_t		*first;		/* its headers become the merged ones */
	size_t		 hlen;		/* IPv4 + TCP headers */
	size_t		 seg;		/* payload size but for the last */
	size_t		 total;		/* IPv4 length of the merged packet */
	uint32_t	 next_seq;
	uint16_t	 next_id;
	unsigned int	 count;
	int		 closed;	/* a short or PSH segment ended it */
	int		 psh;
};

/* Ones-complement sum of d, folded, as a big-endian number. */
uint16_t	offload_sum(const uint8_t *d, size_t len);

int		offload_split_init(struct offload_split *, const uint8_t *buf,
		    size_t len, size_t mtu);
size_t		offload_split_next(struct offload_split *, uint8_t *out,
		    size_t cap);

int		offload_gro_start(struct offload_gro *, uint8_t *pkt,
		    size_t len);
int		offload_gro_add(struct offload_gro *, const uint8_t *pkt,
		    size_t len);
void		offload_gro_finish(struct offload_gro *,
		    uint8_t vnet[OFFLOAD_VNET_LEN]);

/* tun.c: whether the tun device carries a virtio_net_hdr on every packet. */
int		tun_vnet(void);

#endif
