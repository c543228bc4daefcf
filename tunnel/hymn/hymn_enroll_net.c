/*
 * The UDP exchange of an online token redemption: a request to the
 * cathedral's main port, a second for the reply, and again with a new
 * seed (the same COSK) until an answer comes or the attempts run out. The
 * cathedral answers nothing it refuses, so silence is all a node ever
 * learns of a refusal. A late answer to an earlier attempt is as good as
 * one to the last: the cathedral answers a node it enrolled again.
 */

#include <sys/socket.h>
#include <sys/timerfd.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hymn_enroll.h"

/* The seeds of every attempt made so far. */
struct seeds {
	uint8_t		seed[HYMN_ENROLL_ATTEMPTS][ENROLL_SEED_LEN];
	int		n;
};

/* The cathedral's IPv4 address (the cathedral speaks nothing else). */
static int
resolve(const char *host, uint16_t port, struct sockaddr_in *sin, char *err,
    size_t errlen)
{
	struct addrinfo	hints, *res;
	int		rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", host, gai_strerror(rc));
		return (-1);
	}
	memcpy(sin, res->ai_addr, sizeof(*sin));
	sin->sin_port = htons(port);
	freeaddrinfo(res);
	return (0);
}

/* A reply to one of our seeds opened into r: 0, or -1 for anything else. */
static int
answer(const uint8_t *d, size_t len, const struct seeds *s,
    const struct hymn_enroll_ask *ask, struct hymn_enroll_reply *r)
{
	int	i;

	if (len < ENROLL_MSG_HDR)
		return (-1);
	for (i = 0; i < s->n; i++) {
		if (memcmp(d + ENROLL_OFF_SEED, s->seed[i], ENROLL_SEED_LEN) == 0)
			return (hymn_enroll_reply_open(r, d, len, ask,
			    s->seed[i]));
	}
	return (-1);
}

/*
 * Wait for an answer until the timer (armed for a second) fires; 0 when
 * one came. Datagrams that are not an answer do not extend the wait.
 */
static int
wait_reply(int fd, int tfd, const struct seeds *s,
    const struct hymn_enroll_ask *ask, struct hymn_enroll_reply *r)
{
	struct itimerspec	its = { .it_value = { HYMN_ENROLL_WAIT_MS / 1000,
				    (HYMN_ENROLL_WAIT_MS % 1000) * 1000000 } };
	struct pollfd		pfd[2] = { { .fd = fd, .events = POLLIN },
				    { .fd = tfd, .events = POLLIN } };
	uint8_t			buf[HYMN_ENROLL_REPLY_MAX + 1];
	ssize_t			n;
	int			ret = -1;

	if (timerfd_settime(tfd, 0, &its, NULL) == -1)
		return (-1);
	while (ret == -1 && poll(pfd, 2, -1) != -1 &&
	    !(pfd[1].revents & POLLIN)) {
		if ((pfd[0].revents & POLLIN) &&
		    (n = recv(fd, buf, sizeof(buf), 0)) > 0)
			ret = answer(buf, (size_t)n, s, ask, r);
	}
	sanctum_wipe(buf, sizeof(buf));
	return (ret);
}

/*
 * Redeem at host:port: up to attempts requests, each with a fresh seed.
 * 0 with r filled; -1 with err set when nothing usable came back.
 */
int
hymn_enroll_exchange(const char *host, uint16_t port, int attempts,
    const struct hymn_enroll_ask *ask, struct hymn_enroll_reply *r,
    char *err, size_t errlen)
{
	struct sockaddr_in	to;
	struct seeds		s;
	uint8_t			req[ENROLL_REQUEST_LEN];
	int			fd, tfd, ret = -1;

	if (attempts < 1 || attempts > HYMN_ENROLL_ATTEMPTS) {
		snprintf(err, errlen, "attempts: 1..%d", HYMN_ENROLL_ATTEMPTS);
		return (-1);
	}
	if (resolve(host, port, &to, err, errlen) == -1)
		return (-1);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    (tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		if (fd != -1)
			close(fd);
		return (-1);
	}
	memset(&s, 0, sizeof(s));
	while (ret == -1 && s.n < attempts) {
		sanctum_random_bytes(s.seed[s.n], ENROLL_SEED_LEN);
		if (hymn_enroll_request(req, ask, s.seed[s.n],
		    (uint64_t)time(NULL)) == -1) {
			snprintf(err, errlen, "cannot seal the request");
			break;
		}
		s.n++;
		/* A failed send (no route yet) is one more silent attempt. */
		(void)sendto(fd, req, sizeof(req), 0,
		    (const struct sockaddr *)&to, sizeof(to));
		ret = wait_reply(fd, tfd, &s, ask, r);
	}
	close(tfd);
	close(fd);
	if (ret == -1 && s.n == attempts)
		snprintf(err, errlen, "no answer from %s:%u after %d attempt%s: "
		    "token unknown, used, expired, or the cathedral is "
		    "unreachable", host, port, attempts, attempts == 1 ? "" :
		    "s");
	return (ret);
}
