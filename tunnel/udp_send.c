/*
 * Sending gathered datagrams in one sendmmsg (see udp_batch.h): where the
 * kernel segments UDP, consecutive datagrams to one address of one size go
 * as one super-datagram, so a burst costs one trip through the stack.
 */

#include <sys/socket.h>

#include <netinet/udp.h>

#include <errno.h>
#include <string.h>

#include "udp_batch.h"

/*
 * Probe UDP_SEGMENT while the socket calls are still allowed (before the
 * sandbox); failed() learns of every datagram the kernel refuses.
 */
void
udp_send_init(struct udp_send *s, int fd, void (*failed)(int, int))
{
	socklen_t	len = sizeof(int);
	int		v;

	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->failed = failed;
	s->gso = getsockopt(fd, SOL_UDP, UDP_SEGMENT, &v, &len) == 0;
}

/* Queue a datagram; the buffer must stay until udp_send_flush. */
void
udp_send_add(struct udp_send *s, void *data, size_t len,
    struct sockaddr_in *to)
{
	if (s->count >= UDP_SEND_MAX)
		fatal("udp send batch overflow");
	s->iov[s->count].iov_base = data;
	s->iov[s->count].iov_len = len;
	s->to[s->count++] = to;
}

/*
 * A super-datagram the kernel would not segment: from now on (EIO: the
 * route's device cannot) or just this once, its datagrams one by one.
 */
static void
send_split(struct udp_send *s, const struct msghdr *m, int err)
{
	struct mmsghdr	one;
	size_t		i;
	int		n;

	if (err == EIO) {
		log_msg("udp segmentation refused, sending datagrams singly");
		s->gso = 0;
	}
	for (i = 0; i < m->msg_iovlen; i++) {
		memset(&one, 0, sizeof(one));
		one.msg_hdr.msg_name = m->msg_name;
		one.msg_hdr.msg_namelen = m->msg_namelen;
		one.msg_hdr.msg_iov = &m->msg_iov[i];
		one.msg_hdr.msg_iovlen = 1;
		while ((n = sendmmsg(s->fd, &one, 1, 0)) == -1 &&
		    errno == EINTR)
			;
		if (n == -1)
			s->failed(errno, 1);
	}
}

/*
 * Send the messages; a message is one datagram or several (segs) of one
 * size for the kernel to cut. Datagrams the kernel refuses are reported.
 */
static void
send_batch(struct udp_send *s, struct mmsghdr *msgs, const int *segs,
    int count)
{
	int	done = 0, n;

	while (done < count) {
		n = sendmmsg(s->fd, msgs + done, (unsigned int)(count - done),
		    0);
		if (n > 0) {
			done += n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && segs[done] > 1 &&
		    (errno == EIO || errno == EINVAL))
			send_split(s, &msgs[done].msg_hdr, errno);
		else
			s->failed(n == -1 ? errno : EAGAIN, segs[done]);
		done++;
	}
}

/* Whether two datagrams go to the same address. */
int
udp_same_target(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return (a->sin_addr.s_addr == b->sin_addr.s_addr &&
	    a->sin_port == b->sin_port);
}

/*
 * How many datagrams from i on can go as one super-datagram: to the same
 * address, all of the first one's size but the last, which may be
 * shorter, within the kernel's limits. An empty datagram goes alone: a
 * segment size of 0 would mean no segmentation at all.
 */
static int
gso_run(const struct udp_send *s, int i)
{
	size_t	size = s->iov[i].iov_len, total = size;
	int	j = i + 1;

	if (!s->gso || size == 0)
		return (1);
	while (j < s->count && j - i < UDP_GSO_SEGS &&
	    s->iov[j - 1].iov_len == size && s->iov[j].iov_len <= size &&
	    total + s->iov[j].iov_len <= UDP_GSO_BYTES &&
	    udp_same_target(s->to[j], s->to[i]))
		total += s->iov[j++].iov_len;
	return (j - i);
}

/* Send what was queued, in as few datagrams as the kernel allows. */
void
udp_send_flush(struct udp_send *s)
{
	struct mmsghdr		msgs[UDP_SEND_MAX];
	union {
		uint8_t		buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr	align;
	}			ctl[UDP_SEND_MAX];
	struct cmsghdr		*cm;
	uint16_t		size;
	int			segs[UDP_SEND_MAX];
	int			i, m = 0;

	for (i = 0; i < s->count; i += segs[m++]) {
		segs[m] = gso_run(s, i);
		memset(&msgs[m], 0, sizeof(msgs[m]));
		msgs[m].msg_hdr.msg_iov = &s->iov[i];
		msgs[m].msg_hdr.msg_iovlen = (size_t)segs[m];
		msgs[m].msg_hdr.msg_name = s->to[i];
		msgs[m].msg_hdr.msg_namelen = sizeof(*s->to[i]);
		if (segs[m] == 1)
			continue;
		msgs[m].msg_hdr.msg_control = ctl[m].buf;
		msgs[m].msg_hdr.msg_controllen = sizeof(ctl[m].buf);
		cm = CMSG_FIRSTHDR(&msgs[m].msg_hdr);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(size));
		size = (uint16_t)s->iov[i].iov_len;
		memcpy(CMSG_DATA(cm), &size, sizeof(size));
	}
	if (m > 0)
		send_batch(s, msgs, segs, m);
	s->count = 0;
}
