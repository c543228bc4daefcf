/*
 * control: answers requests on the control socket (tunnel.md 7.1 and
 * docs/control.md): STATUS byte-exact with the reference, and our COUNTERS
 * and REKEY. It holds the socket and nothing else.
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <string.h>

#include "sanctum.h"

#define CONTROL_STATUS		1
#define CONTROL_COUNTERS	2
#define CONTROL_REKEY		3
#define STATUS_LEN		88
#define COUNTER_NAME_LEN	24
#define COUNTER_RECORD_LEN	32

/* One direction's statistics in the reference's native layout. */
static void
put_ifstat(uint8_t *b, struct sanctum_ifstat *s)
{
	uint32_t	spi = atomic_load(&s->spi);
	uint64_t	v[4];
	int		i;

	v[0] = atomic_load(&s->age);
	v[1] = atomic_load(&s->pkt);
	v[2] = atomic_load(&s->last);
	v[3] = atomic_load(&s->bytes);
	put_le32(b, spi);
	memset(b + 4, 0, 4);
	for (i = 0; i < 4; i++) {
		put_le32(b + 8 + i * 8, (uint32_t)v[i]);
		put_le32(b + 12 + i * 8, (uint32_t)(v[i] >> 32));
	}
}

/* The 88-byte STATUS reply. */
static size_t
status_reply(uint8_t *b)
{
	struct sanctum_state	*st = sanctum->state;
	struct sockaddr_in	peer;

	put_ifstat(b, &st->tx);
	put_ifstat(b + 40, &st->rx);
	(void)peer_get(&peer);
	memcpy(b + 80, &peer.sin_addr.s_addr, 4);
	memcpy(b + 84, &peer.sin_port, 2);
	put_le16(b + 86, atomic_load(&st->mtu_size));
	return (STATUS_LEN);
}

/* The COUNTERS reply: version, count, then name/value records. */
static size_t
counters_reply(uint8_t *b)
{
	const char	*name;
	uint64_t	v;
	size_t		off = 8;
	int		c;

	put_le32(b, 1);
	put_le32(b + 4, CTR_MAX);
	for (c = 0; c < CTR_MAX; c++) {
		name = counter_name(c);
		memset(b + off, 0, COUNTER_NAME_LEN);
		memcpy(b + off, name, strnlen(name, COUNTER_NAME_LEN - 1));
		v = atomic_load(&sanctum->state->counters[c]);
		put_le32(b + off + 24, (uint32_t)v);
		put_le32(b + off + 28, (uint32_t)(v >> 32));
		off += COUNTER_RECORD_LEN;
	}
	return (off);
}

/* Answer one request; anything but a known one-byte command is dropped. */
static void
control_request(struct sanctum_proc *p)
{
	uint8_t			req[16], reply[8 + CTR_MAX * COUNTER_RECORD_LEN];
	struct sockaddr_un	from;
	socklen_t		fromlen = sizeof(from);
	ssize_t			n;
	size_t			len;

	n = recvfrom(p->control_fd, req, sizeof(req), 0,
	    (struct sockaddr *)&from, &fromlen);
	if (n != 1)
		return;
	switch (req[0]) {
	case CONTROL_STATUS:
		len = status_reply(reply);
		break;
	case CONTROL_COUNTERS:
		len = counters_reply(reply);
		break;
	case CONTROL_REKEY:
		reply[0] = p->cfg->mode == SANCTUM_MODE_TUNNEL ? 0 : 1;
		if (reply[0] == 0)
			atomic_store(&sanctum->state->rekey, 1);
		len = 1;
		break;
	default:
		return;
	}
	(void)sendto(p->control_fd, reply, len, 0, (struct sockaddr *)&from,
	    fromlen);
}

/* The process: sandbox, then answer requests until told to stop. */
void
control_main(struct sanctum_proc *p)
{
	const int	fds[] = { p->control_fd };
	struct pollfd	pfd = { .fd = p->control_fd, .events = POLLIN };

	shm_keep(p->shm, NULL, 0);
	sandbox_enter(p, fds, 1);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		if (poll(&pfd, 1, -1) > 0 && (pfd.revents & POLLIN))
			control_request(p);
	}
	exit(0);
}
