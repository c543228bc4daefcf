/*
 * Numbered UDP datagrams for one-way tunnels (pilgrim to shrine), where
 * nothing can answer: the sender writes a sequence number and a pattern
 * derived from it, the receiver counts the datagrams that arrive intact.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <poll.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e_tool.h"

#define DGRAM_MIN	64
#define DGRAM_SPREAD	1200

/* The size of datagram n: mixed, so padding and fragmentation show. */
static size_t
dgram_size(uint32_t n)
{
	return (DGRAM_MIN + (n * 37u) % DGRAM_SPREAD);
}

/* Fill datagram n: its number, then bytes that depend on it. */
static void
dgram_fill(uint8_t *buf, size_t len, uint32_t n)
{
	size_t	i;

	buf[0] = (uint8_t)(n >> 24);
	buf[1] = (uint8_t)(n >> 16);
	buf[2] = (uint8_t)(n >> 8);
	buf[3] = (uint8_t)n;
	for (i = 4; i < len; i++)
		buf[i] = (uint8_t)(n + i);
}

/* COUNT datagrams to an address, one per millisecond. */
int
udp_send(const struct sockaddr_in *to, int count)
{
	uint8_t		buf[DGRAM_MIN + DGRAM_SPREAD];
	struct timespec	gap = { 0, 1000000 };
	size_t		len;
	int		fd, i;

	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1) {
		perror("socket");
		return (1);
	}
	for (i = 0; i < count; i++) {
		len = dgram_size((uint32_t)i);
		dgram_fill(buf, len, (uint32_t)i);
		(void)sendto(fd, buf, len, 0, (const struct sockaddr *)to,
		    sizeof(*to));
		nanosleep(&gap, NULL);
	}
	close(fd);
	return (0);
}

/* Whether a received datagram is exactly what the sender made. */
static int
dgram_intact(const uint8_t *buf, size_t len)
{
	uint8_t		want[DGRAM_MIN + DGRAM_SPREAD];
	uint32_t	n;

	if (len < 4)
		return (0);
	n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | buf[3];
	if (dgram_size(n) != len)
		return (0);
	dgram_fill(want, len, n);
	return (memcmp(want, buf, len) == 0);
}

/*
 * Receive on PORT for SECS seconds at most, or until IDLE seconds pass
 * without a datagram once one arrived; print the counts.
 */
int
udp_recv(uint16_t port, int secs, int idle)
{
	struct sockaddr_in	sin;
	struct pollfd		pfd;
	uint8_t			buf[2048];
	time_t			end = time(NULL) + secs, last = 0;
	ssize_t			n;
	unsigned		got = 0, intact = 0;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("udp-recv");
		return (1);
	}
	printf("listening\n");
	fflush(stdout);
	while (time(NULL) < end && (last == 0 || time(NULL) - last < idle)) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) != 1)
			continue;
		if ((n = recv(fd, buf, sizeof(buf), 0)) <= 0)
			continue;
		got++;
		intact += dgram_intact(buf, (size_t)n);
		last = time(NULL);
	}
	printf("received=%u intact=%u\n", got, intact);
	close(fd);
	return (0);
}
