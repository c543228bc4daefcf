/*
 * Batched UDP I/O shared by the purgatories of every mode: sending gathered
 * datagrams with sendmmsg, runs of one size to one address as a single
 * UDP_SEGMENT super-datagram for the kernel to cut; and receiving with
 * recvmmsg straight into pool buffers, or with UDP_GRO into large buffers
 * whose datagrams are then copied into pool buffers one by one.
 */
#ifndef SANCTUM_UDP_BATCH_H
#define SANCTUM_UDP_BATCH_H

#include <sys/socket.h>

#include "sanctum.h"

#define UDP_SEND_MAX		64	/* datagrams gathered per send */
#define UDP_GSO_SEGS		64	/* UDP_MAX_SEGMENTS of older kernels */
#define UDP_GSO_BYTES		65000	/* within one UDP datagram */
#define UDP_GRO_BYTES		65535	/* the largest coalesced message */
#define UDP_GRO_SEGS		64	/* datagrams in one (UDP_GRO_CNT_MAX) */

/* Datagrams gathered for one send, each with its target. */
struct udp_send {
	int			 fd;
	int			 gso;	/* the kernel segments for us */
	void			(*failed)(int err, int datagrams);
	int			 count;
	struct iovec		 iov[UDP_SEND_MAX];
	struct sockaddr_in	*to[UDP_SEND_MAX];
};

/* One received batch and how far udp_recv_next has handed it out. */
struct udp_recv {
	int			 fd;
	int			 gro;	/* the socket coalesces (UDP_GRO) */
	size_t			 head;	/* where a datagram starts in buf */
	int			 n;	/* messages received */
	int			 msg;	/* the message handed out next */
	size_t			 off;	/* its next byte (gro) */
	size_t			 seg;	/* its datagram size (gro) */
	struct sanctum_packet	*pkts[SANCTUM_BATCH];
	struct mmsghdr		 msgs[SANCTUM_BATCH];
	struct iovec		 iov[SANCTUM_BATCH];
	struct sockaddr_in	 from[SANCTUM_BATCH];
	union {
		uint8_t		 buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr	 align;
	}			 ctl[SANCTUM_BATCH];
	uint8_t			 bufs[SANCTUM_BATCH][UDP_GRO_BYTES];
};

void	udp_send_init(struct udp_send *, int fd, void (*failed)(int, int));
void	udp_send_add(struct udp_send *, void *data, size_t len,
	    struct sockaddr_in *to);
void	udp_send_flush(struct udp_send *);
int	udp_same_target(const struct sockaddr_in *,
	    const struct sockaddr_in *);

void	udp_recv_init(struct udp_recv *, int fd, size_t head, int gro);
int	udp_recv(struct udp_recv *);
struct sanctum_packet *udp_recv_next(struct udp_recv *, size_t *len);

#endif
