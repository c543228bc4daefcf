/*
 * A stand-in for a daemon's control socket (tunnel.md 7.1, docs/control.md)
 * for tests/hymn/run.sh:
 *   fake_control -s socket [-p pidfile] [-t stat] [-r stat] [-a ip:port]
 *       [-m mtu] [-C] [-c name=value]... [-k byte] [-b kind] [-l seconds]
 * stat is spi,age,pkt,last,bytes with spi in hex, and age and last in
 * seconds before the request ("-" puts 0 in the reply). STATUS is always
 * answered; COUNTERS only with -C (records from -c); REKEY only with -k.
 * -b makes a reply malformed: status-short, counters-version, counters-len.
 * The pidfile gets this process's PID once the socket is bound; both are
 * removed on SIGTERM, SIGINT or after -l seconds (default 60).
 */

#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_COUNTERS	32

/* One direction: the values, and whether age/last are relative. */
struct stat_arg {
	uint32_t	spi;
	uint64_t	v[4];		/* age, pkt, last, bytes */
	int		rel[4];
};

static struct stat_arg	tx, rx;
static uint32_t		peer_ip;
static uint16_t		peer_port, mtu = 1422;
static char		cnames[MAX_COUNTERS][24];
static uint64_t		cvalues[MAX_COUNTERS];
static int		ncounters, counters, rekey = -1;
static const char	*broken = "";
static volatile sig_atomic_t quit;

/* Usage and exit. */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: fake_control -s socket [-p pidfile] [-t stat] "
	    "[-r stat] [-a ip:port] [-m mtu] [-C] [-c name=value] [-k byte] "
	    "[-b kind] [-l seconds]\n");
	exit(1);
}

/* Stop on a signal. */
static void
stop(int sig)
{
	(void)sig;
	quit = 1;
}

/* Little-endian stores. */
static void
put_le(uint8_t *p, uint64_t v, int len)
{
	int	i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* spi,age,pkt,last,bytes */
static void
parse_stat(const char *s, struct stat_arg *st)
{
	char	buf[256], *tok, *save;
	int	i;

	snprintf(buf, sizeof(buf), "%s", s);
	if ((tok = strtok_r(buf, ",", &save)) == NULL)
		usage();
	st->spi = (uint32_t)strtoul(tok, NULL, 16);
	for (i = 0; i < 4; i++) {
		if ((tok = strtok_r(NULL, ",", &save)) == NULL)
			usage();
		st->rel[i] = (i == 0 || i == 2) && strcmp(tok, "-") != 0;
		st->v[i] = strcmp(tok, "-") == 0 ? 0 : strtoull(tok, NULL, 10);
	}
}

/* Seconds of CLOCK_MONOTONIC. */
static uint64_t
uptime(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec);
}

/* One direction into the reply, relative times against now. */
static void
put_stat(uint8_t *b, const struct stat_arg *st, uint64_t now)
{
	uint64_t	v;
	int		i;

	put_le(b, st->spi, 4);
	memset(b + 4, 0, 4);
	for (i = 0; i < 4; i++) {
		v = st->v[i];
		if (st->rel[i])
			v = v < now ? now - v : 1;
		put_le(b + 8 + 8 * i, v, 8);
	}
}

/* The reply to command cmd into b; its length, or 0 for no reply. */
static size_t
reply(uint8_t cmd, uint8_t *b)
{
	uint64_t	now = uptime();
	size_t		off = 8;
	int		i;

	switch (cmd) {
	case 1:
		put_stat(b, &tx, now);
		put_stat(b + 40, &rx, now);
		memcpy(b + 80, &peer_ip, 4);
		b[84] = (uint8_t)(peer_port >> 8);
		b[85] = (uint8_t)peer_port;
		put_le(b + 86, mtu, 2);
		return (strcmp(broken, "status-short") == 0 ? 87 : 88);
	case 2:
		if (!counters)
			return (0);
		put_le(b, strcmp(broken, "counters-version") == 0 ? 2 : 1, 4);
		put_le(b + 4, (uint64_t)ncounters, 4);
		for (i = 0; i < ncounters; i++, off += 32) {
			memset(b + off, 0, 24);
			memcpy(b + off, cnames[i], strlen(cnames[i]));
			put_le(b + off + 24, cvalues[i], 8);
		}
		return (strcmp(broken, "counters-len") == 0 ? off - 1 : off);
	case 3:
		if (rekey < 0)
			return (0);
		b[0] = (uint8_t)rekey;
		return (1);
	default:
		return (0);
	}
}

/* name=value */
static void
add_counter(const char *s)
{
	const char	*eq = strchr(s, '=');

	if (eq == NULL || ncounters == MAX_COUNTERS ||
	    (size_t)(eq - s) >= sizeof(cnames[0]))
		usage();
	memcpy(cnames[ncounters], s, (size_t)(eq - s));
	cvalues[ncounters++] = strtoull(eq + 1, NULL, 10);
}

/* Bind the socket at path. */
static int
bind_socket(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		usage();
	strcpy(sun.sun_path, path);
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("fake_control: bind");
		exit(1);
	}
	return (fd);
}

/* Answer requests until told to stop or the lifetime is over. */
static void
serve(int fd, uint64_t end)
{
	struct sockaddr_un	from;
	struct pollfd		pfd = { .fd = fd, .events = POLLIN };
	socklen_t		flen;
	uint8_t			req[16], out[8 + MAX_COUNTERS * 32];
	ssize_t			n;
	size_t			len;

	while (!quit && uptime() < end) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		flen = sizeof(from);
		n = recvfrom(fd, req, sizeof(req), 0, (struct sockaddr *)&from,
		    &flen);
		if (n != 1 || (len = reply(req[0], out)) == 0)
			continue;
		(void)sendto(fd, out, len, 0, (struct sockaddr *)&from, flen);
	}
}

int
main(int argc, char **argv)
{
	const char	*sock = NULL, *pidfile = NULL;
	struct in_addr	in;
	FILE		*fp;
	char		*colon;
	uint64_t	life = 60;
	int		ch, fd;

	while ((ch = getopt(argc, argv, "a:b:c:Ck:l:m:p:r:s:t:")) != -1) {
		switch (ch) {
		case 'a':
			if ((colon = strchr(optarg, ':')) == NULL)
				usage();
			*colon = '\0';
			if (inet_pton(AF_INET, optarg, &in) != 1)
				usage();
			peer_ip = in.s_addr;
			peer_port = (uint16_t)atoi(colon + 1);
			break;
		case 'b':
			broken = optarg;
			break;
		case 'c':
			add_counter(optarg);
			break;
		case 'C':
			counters = 1;
			break;
		case 'k':
			rekey = atoi(optarg);
			break;
		case 'l':
			life = strtoull(optarg, NULL, 10);
			break;
		case 'm':
			mtu = (uint16_t)atoi(optarg);
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'r':
			parse_stat(optarg, &rx);
			break;
		case 's':
			sock = optarg;
			break;
		case 't':
			parse_stat(optarg, &tx);
			break;
		default:
			usage();
		}
	}
	if (sock == NULL || optind != argc)
		usage();
	signal(SIGTERM, stop);
	signal(SIGINT, stop);
	fd = bind_socket(sock);
	if (pidfile != NULL) {
		if ((fp = fopen(pidfile, "w")) == NULL)
			exit(1);
		fprintf(fp, "%ld\n", (long)getpid());
		fclose(fp);
	}
	serve(fd, uptime() + life);
	close(fd);
	(void)unlink(sock);
	if (pidfile != NULL)
		(void)unlink(pidfile);
	return (0);
}
