/*
 * The control-socket client (tunnel.md 7.1, docs/control.md): one request
 * datagram from a socket bound at <tmpdir>/hymn.client.<pid>.<n>, one reply
 * from the daemon's socket within a second, and the strict decoders of the
 * STATUS and COUNTERS replies.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hymn.h"

#define CONTROL_TIMEOUT_MS	1000
#define STATUS_LEN		88
#define COUNTER_RECORD_LEN	32
#define COUNTERS_VERSION	1

/* Little-endian loads. */
static uint32_t
le32(const uint8_t *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

static uint64_t
le64(const uint8_t *p)
{
	return ((uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32);
}

/* A sockaddr_un for path, or -1 if the path does not fit. */
static int
unix_addr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	return (hymn_copy(sun->sun_path, sizeof(sun->sun_path), path));
}

/* Milliseconds of CLOCK_MONOTONIC. */
static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Wait for a datagram from the daemon's socket until the deadline. */
static int
receive(int fd, const struct sockaddr_un *from_want, uint8_t *reply,
    size_t max)
{
	struct sockaddr_un	from;
	struct pollfd		pfd = { .fd = fd, .events = POLLIN };
	socklen_t		flen;
	int64_t			end = now_ms() + CONTROL_TIMEOUT_MS, left;
	ssize_t			n;

	while ((left = end - now_ms()) > 0) {
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		flen = sizeof(from);
		n = recvfrom(fd, reply, max, MSG_TRUNC,
		    (struct sockaddr *)&from, &flen);
		if (n < 0 || flen <= offsetof(struct sockaddr_un, sun_path) ||
		    strncmp(from.sun_path, from_want->sun_path,
		    sizeof(from.sun_path)) != 0)
			continue;
		return ((size_t)n > max ? (int)max + 1 : (int)n);
	}
	return (HYMN_CTL_NOREPLY);
}

/*
 * Send the one-byte command cmd to the control socket at path and wait up
 * to a second for the reply. Returns the reply length (max + 1 if it was
 * longer than max), HYMN_CTL_NOREPLY, or HYMN_CTL_ERROR with err set.
 */
int
hymn_control_query(const char *path, uint8_t cmd, uint8_t *reply, size_t max,
    char *err, size_t errlen)
{
	static unsigned int	seq;
	struct sockaddr_un	self, peer;
	char			me[HYMN_PATH_MAX];
	int			fd, rc;

	if (unix_addr(&peer, path) == -1) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return (HYMN_CTL_ERROR);
	}
	snprintf(me, sizeof(me), "%s/hymn.client.%ld.%u", hymn_tmp_dir,
	    (long)getpid(), seq++);
	if (unix_addr(&self, me) == -1) {
		snprintf(err, errlen, "%s: socket path too long", me);
		return (HYMN_CTL_ERROR);
	}
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return (HYMN_CTL_ERROR);
	}
	(void)unlink(me);
	if (bind(fd, (struct sockaddr *)&self, sizeof(self)) == -1) {
		snprintf(err, errlen, "bind %s: %s", me, strerror(errno));
		close(fd);
		return (HYMN_CTL_ERROR);
	}
	if (sendto(fd, &cmd, 1, 0, (struct sockaddr *)&peer,
	    sizeof(peer)) != 1)
		rc = HYMN_CTL_NOREPLY;
	else
		rc = receive(fd, &peer, reply, max);
	close(fd);
	(void)unlink(me);
	return (rc);
}

/* One direction's statistics at b. */
static void
ifstat(const uint8_t *b, struct hymn_ifstat *s)
{
	s->spi = le32(b);
	s->age = le64(b + 8);
	s->pkt = le64(b + 16);
	s->last = le64(b + 24);
	s->bytes = le64(b + 32);
}

/* Decode an 88-byte STATUS reply; -1 for any other length. */
int
hymn_status_decode(const uint8_t *b, size_t len, struct hymn_status *st)
{
	if (len != STATUS_LEN)
		return (-1);
	ifstat(b, &st->tx);
	ifstat(b + 40, &st->rx);
	memcpy(&st->peer_ip, b + 80, 4);
	st->peer_port = (uint16_t)(b[84] << 8 | b[85]);
	st->mtu = (uint16_t)(b[86] | b[87] << 8);
	return (0);
}

/*
 * Decode a COUNTERS reply: version 1, N records of a NUL-padded printable
 * name and a value, exactly 8 + 32 N bytes, N at most max.
 */
int
hymn_counters_decode(const uint8_t *b, size_t len, struct hymn_counter *v,
    size_t max, size_t *count)
{
	const uint8_t	*r;
	uint32_t	n;
	size_t		i, j, namelen;

	if (len < 8 || le32(b) != COUNTERS_VERSION)
		return (-1);
	n = le32(b + 4);
	if (n > max || len != 8 + (size_t)n * COUNTER_RECORD_LEN)
		return (-1);
	for (i = 0; i < n; i++) {
		r = b + 8 + i * COUNTER_RECORD_LEN;
		namelen = strnlen((const char *)r, sizeof(v[i].name));
		if (namelen == 0 || namelen == sizeof(v[i].name))
			return (-1);
		for (j = 0; j < sizeof(v[i].name); j++) {
			if (j < namelen ? (r[j] <= ' ' || r[j] >= 0x7f) :
			    r[j] != 0)
				return (-1);
		}
		memcpy(v[i].name, r, sizeof(v[i].name));
		v[i].value = le64(r + 24);
	}
	*count = n;
	return (0);
}

/*
 * The list rule: online when both directions have an SA and a packet came
 * in less than 120 seconds ago (times are the daemon's CLOCK_MONOTONIC).
 */
int
hymn_status_online(const struct hymn_status *st, uint64_t now)
{
	return (st->tx.spi != 0 && st->rx.spi != 0 && st->rx.last > 0 &&
	    st->rx.last <= now && now - st->rx.last < HYMN_ONLINE_SECS);
}

/* Seconds of CLOCK_MONOTONIC, the daemons' uptime clock. */
uint64_t
hymn_monotonic(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec);
}

/*
 * STATUS of a tunnel: 0 with st filled, HYMN_CTL_NOREPLY, or
 * HYMN_CTL_ERROR after a warning (malformed reply, local failure).
 */
int
hymn_status_query(const struct hymn_conf *c, struct hymn_status *st)
{
	uint8_t	reply[STATUS_LEN + 1];
	char	err[HYMN_PATH_MAX + 64];
	int	n;

	n = hymn_control_query(c->control, 1, reply, sizeof(reply) - 1, err,
	    sizeof(err));
	if (n == HYMN_CTL_NOREPLY)
		return (n);
	if (n == HYMN_CTL_ERROR) {
		hymn_warn("%s", err);
		return (n);
	}
	if (hymn_status_decode(reply, (size_t)n, st) == -1) {
		hymn_warn("%s: malformed STATUS reply (%d bytes)", c->control,
		    n);
		return (HYMN_CTL_ERROR);
	}
	return (0);
}
