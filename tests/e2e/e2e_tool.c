/*
 * e2e_tool: what the end-to-end tests need beyond shell tools.
 *   ctl SOCKET status|counters|rekey      a control request, key=value out
 *   garbage IP:PORT COUNT                 random datagrams of 60..1400 bytes
 *   stale-offer SECRET IP:PORT COUNT      authentic SACRAMNT offers 100 s old
 *   resend PCAP IP:PORT COUNT MODE        the last data packet captured to
 *                                         IP:PORT, sent as is (replay), cut
 *                                         to 40 bytes (truncate) or with a
 *                                         new packet number, so its tag no
 *                                         longer matches (badtag); MODE
 *                                         offer: the last KATEDRAL offer
 *   keygen FILE...                        32 random bytes per file, 0600
 *   cosk-pair SECRET PUBLIC               an Ed25519 offer-signing key pair
 *   ambry-flock DIR FLOCK DAYS            kek-0xNN for ids 1..255 and a
 *                                         same-flock bundle DIR/bundle
 *   info CS COSK CSID FLOCK[:DST] TUNNEL IP:PORT COUNT MODE
 *                                         client INFO offers to a cathedral:
 *                                         ok, stale, badsig, badtag
 *   udp-send IP:PORT COUNT                numbered datagrams of mixed sizes
 *   udp-recv PORT SECS IDLE               counts those arriving intact
 *   log-recv PATH SECS                    a syslog socket at PATH, printed
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e_tool.h"
#include "keyfile.h"
#include "wire.h"

/* Parse IP:PORT. */
static struct sockaddr_in
parse_addr(const char *s)
{
	struct sockaddr_in	sin;
	char			ip[64];
	const char		*colon = strrchr(s, ':');

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	if (colon == NULL || (size_t)(colon - s) >= sizeof(ip)) {
		fprintf(stderr, "bad address %s\n", s);
		exit(2);
	}
	memcpy(ip, s, (size_t)(colon - s));
	ip[colon - s] = '\0';
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", s);
		exit(2);
	}
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	return (sin);
}

/* Send one datagram from a fresh socket. */
static void
send_to(const struct sockaddr_in *to, const void *buf, size_t len)
{
	int	fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd == -1 || sendto(fd, buf, len, 0, (const struct sockaddr *)to,
	    sizeof(*to)) != (ssize_t)len) {
		perror("sendto");
		exit(1);
	}
	close(fd);
	usleep(2000);
}

/* Print an ifstat block of a STATUS reply. */
static void
print_ifstat(const char *dir, const uint8_t *b)
{
	uint64_t	v[4];
	int		i;

	for (i = 0; i < 4; i++)
		v[i] = get_le32(b + 8 + i * 8) |
		    (uint64_t)get_le32(b + 12 + i * 8) << 32;
	printf("%s_spi=%08x\n%s_age=%llu\n%s_pkt=%llu\n%s_last=%llu\n"
	    "%s_bytes=%llu\n", dir, get_le32(b), dir, (unsigned long long)v[0],
	    dir, (unsigned long long)v[1], dir, (unsigned long long)v[2],
	    dir, (unsigned long long)v[3]);
}

/* One control request and its decoded reply. */
static int
ctl(const char *path, const char *what)
{
	struct sockaddr_un	me, srv;
	struct timeval		tv = { 2, 0 };
	uint8_t			cmd, reply[4096];
	ssize_t			n;
	uint32_t		i, count;
	int			fd;

	cmd = strcmp(what, "status") == 0 ? 1 :
	    strcmp(what, "counters") == 0 ? 2 : strcmp(what, "rekey") == 0 ? 3 :
	    0;
	if (cmd == 0)
		return (2);
	memset(&me, 0, sizeof(me));
	me.sun_family = AF_UNIX;
	snprintf(me.sun_path, sizeof(me.sun_path), "%s.client.%d", path,
	    (int)getpid());
	memset(&srv, 0, sizeof(srv));
	srv.sun_family = AF_UNIX;
	snprintf(srv.sun_path, sizeof(srv.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&me, sizeof(me)) == -1) {
		perror("ctl socket");
		return (1);
	}
	/* The control process runs as its own user and must reach us. */
	if (chmod(me.sun_path, 0666) == -1) {
		perror("chmod");
		return (1);
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(fd, &cmd, 1, 0, (struct sockaddr *)&srv, sizeof(srv)) != 1 ||
	    (n = recv(fd, reply, sizeof(reply), 0)) <= 0) {
		perror("ctl request");
		unlink(me.sun_path);
		return (1);
	}
	unlink(me.sun_path);
	close(fd);
	if (cmd == 1 && n == 88) {
		struct in_addr	a;

		print_ifstat("tx", reply);
		print_ifstat("rx", reply + 40);
		memcpy(&a, reply + 80, 4);
		printf("peer=%s:%u\nmtu=%u\n", inet_ntoa(a),
		    get_be16(reply + 84), get_le16(reply + 86));
	} else if (cmd == 2 && n >= 8) {
		count = get_le32(reply + 4);
		for (i = 0; i < count && 8 + (i + 1) * 32 <= (size_t)n; i++)
			printf("%.24s=%llu\n", reply + 8 + i * 32,
			    (unsigned long long)(get_le32(reply + 8 + i * 32 + 24) |
			    (uint64_t)get_le32(reply + 8 + i * 32 + 28) << 32));
	} else if (cmd == 3 && n == 1) {
		printf("accepted=%d\n", reply[0] == 0);
	} else {
		fprintf(stderr, "unexpected reply of %zd bytes\n", n);
		return (1);
	}
	return (0);
}

/* Random datagrams that are neither offers nor data of a known SPI. */
static int
garbage(const struct sockaddr_in *to, int count)
{
	uint8_t	buf[1400];
	size_t	len;
	int	i;

	for (i = 0; i < count; i++) {
		len = 60 + sanctum_random_uniform(sizeof(buf) - 60);
		sanctum_random_bytes(buf, len);
		if (get_be32(buf) == 0)
			buf[0] = 1;
		send_to(to, buf, len);
	}
	return (0);
}

/* Authentic exchange offers whose timestamp is 100 s in the past. */
static int
stale_offer(const char *secret_path, const struct sockaddr_in *to, int count)
{
	uint8_t			secret[32], pkt[SANCTUM_OFFER_LEN];
	struct offer_exchange	e;
	char			err[256];
	int			i;

	if (keyfile_read(secret_path, secret, 32, 0, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return (1);
	}
	for (i = 0; i < count; i++) {
		memset(&e, 0, sizeof(e));
		e.id = 0x5eed;
		e.spi = 0x1234;
		e.state = SANCTUM_EXCHANGE_PK;
		sanctum_offer_init(pkt, SANCTUM_MAGIC_SACRAMENT, 0x1234,
		    SANCTUM_OFFER_EXCHANGE, (uint64_t)time(NULL) - 100);
		sanctum_exchange_encode(pkt, &e);
		sanctum_offer_encrypt(pkt, secret, SANCTUM_LABEL_SACRAMENT, 0, 0);
		send_to(to, pkt, sizeof(pkt));
	}
	sanctum_wipe(secret, sizeof(secret));
	return (0);
}

/*
 * The last UDP payload in a pcap (Ethernet, IPv4) sent to `to` that is a
 * data packet (no offer magic, at least 100 bytes), or with want_magic
 * non-zero the last offer with that magic.
 */
static size_t
last_packet(const char *pcap, const struct sockaddr_in *to, uint64_t want_magic,
    uint8_t *out, size_t max)
{
	uint8_t		hdr[24], rec[16], frame[65536];
	size_t		found = 0, ihl, len, caplen;
	FILE		*fp;

	if ((fp = fopen(pcap, "r")) == NULL ||
	    fread(hdr, 1, sizeof(hdr), fp) != sizeof(hdr)) {
		fprintf(stderr, "cannot read %s\n", pcap);
		exit(1);
	}
	while (fread(rec, 1, sizeof(rec), fp) == sizeof(rec)) {
		caplen = get_le32(rec + 8);
		if (caplen > sizeof(frame) ||
		    fread(frame, 1, caplen, fp) != caplen)
			break;
		if (caplen < 14 + 20 + 8 || get_be16(frame + 12) != 0x0800 ||
		    frame[14 + 9] != 17)
			continue;
		ihl = (size_t)(frame[14] & 0x0f) * 4;
		if (caplen < 14 + ihl + 8 ||
		    memcmp(frame + 14 + 16, &to->sin_addr, 4) != 0 ||
		    memcmp(frame + 14 + ihl + 2, &to->sin_port, 2) != 0)
			continue;
		len = caplen - 14 - ihl - 8;
		if (len < 100 || len > max)
			continue;
		if (want_magic != 0 ? get_be64(frame + 14 + ihl + 8) != want_magic :
		    (get_be64(frame + 14 + ihl + 8) == SANCTUM_MAGIC_SACRAMENT ||
		    get_be64(frame + 14 + ihl + 8) == SANCTUM_MAGIC_KATEDRAL ||
		    get_be64(frame + 14 + ihl + 8) == SANCTUM_MAGIC_CIBORIUM))
			continue;
		memcpy(out, frame + 14 + ihl + 8, len);
		found = len;
	}
	fclose(fp);
	return (found);
}

/* Re-send a captured data packet, as is, truncated, or with a bad tag. */
static int
resend(const char *pcap, const struct sockaddr_in *to, int count,
    const char *mode)
{
	uint8_t	pkt[2048];
	size_t	len;
	int	i;

	len = last_packet(pcap, to, strcmp(mode, "offer") == 0 ?
	    SANCTUM_MAGIC_KATEDRAL : 0, pkt, sizeof(pkt));
	if (len == 0) {
		fprintf(stderr, "no such packet to that address in %s\n", pcap);
		return (1);
	}
	if (strcmp(mode, "truncate") == 0)
		len = 40;
	else if (strcmp(mode, "badtag") == 0) {
		/* A fresh packet number passes the replay check; the AAD changed. */
		put_be64(pkt + 8, get_be64(pkt + 8) + 100000);
		put_be32(pkt + 4, (uint32_t)get_be64(pkt + 8));
	} else if (strcmp(mode, "replay") != 0 && strcmp(mode, "offer") != 0)
		return (2);
	for (i = 0; i < count; i++)
		send_to(to, pkt, len);
	return (0);
}

/* Key files of 32 random bytes. */
static int
keygen(int argc, char **argv)
{
	uint8_t	key[32];
	char	err[256];
	int	i;

	for (i = 0; i < argc; i++) {
		sanctum_random_bytes(key, sizeof(key));
		if (keyfile_write(argv[i], key, sizeof(key), 0600, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "%s\n", err);
			return (1);
		}
	}
	sanctum_wipe(key, sizeof(key));
	return (0);
}

/* An Ed25519 pair: 64-byte secret (seed || public), 32-byte public. */
static int
cosk_pair(const char *secret, const char *public)
{
	uint8_t	pk[32], sk[64];
	char	err[256];

	if (sanctum_ed25519_keypair(pk, sk) == -1 ||
	    keyfile_write(secret, sk, sizeof(sk), 0600, err, sizeof(err)) == -1 ||
	    keyfile_write(public, pk, sizeof(pk), 0644, err, sizeof(err)) == -1) {
		fprintf(stderr, "cosk-pair failed\n");
		return (1);
	}
	sanctum_wipe(sk, sizeof(sk));
	return (0);
}

static const char	*kek_dir;

/* Device KEKs live in kek-0xNN files (created on first use). */
static int
dir_kek(void *arg, uint64_t flock, uint8_t id, uint8_t kek[32])
{
	char	path[1024], err[256];

	(void)arg;
	(void)flock;
	snprintf(path, sizeof(path), "%s/kek-0x%02x", kek_dir, id);
	if (keyfile_read(path, kek, 32, 0, err, sizeof(err)) == 0)
		return (0);
	sanctum_random_bytes(kek, 32);
	return (keyfile_write(path, kek, 32, 0600, err, sizeof(err)));
}

/* Fresh secrets for the bundle. */
static void
kernel_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	sanctum_random_bytes(buf, len);
}

/* KEKs for every id of a flock and a same-flock bundle for them. */
static int
ambry_flock(const char *dir, const char *flock_hex, const char *days)
{
	struct ambry_header	h;
	uint64_t		flock = strtoull(flock_hex, NULL, 16) & ~0xffULL;
	uint8_t			*buf;
	size_t			len = ambry_bundle_size(flock, flock);
	char			path[1024], err[256];

	kek_dir = dir;
	sanctum_random_bytes(h.generation, sizeof(h.generation));
	sanctum_random_bytes(h.seed, sizeof(h.seed));
	put_be16(h.expires, ambry_expires_for((uint64_t)time(NULL),
	    (uint32_t)atoi(days)));
	if ((buf = malloc(len)) == NULL ||
	    ambry_bundle_build(buf, len, flock, flock, &h, dir_kek,
	    kernel_random, NULL) == -1) {
		fprintf(stderr, "bundle failed\n");
		return (1);
	}
	snprintf(path, sizeof(path), "%s/bundle", dir);
	if (keyfile_write(path, buf, len, 0600, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return (1);
	}
	free(buf);
	return (0);
}

/*
 * Client INFO offers as a tunnel sends them to a cathedral, or broken in
 * one way: stale (60 s old), badsig (signature of other data), badtag.
 */
static int
info(char **argv, int count, const char *mode)
{
	uint8_t			cs[32], sk[64], pkt[SANCTUM_OFFER_LEN];
	struct offer_info	i;
	struct sockaddr_in	to = parse_addr(argv[5]);
	char			*colon;
	uint64_t		flock = strtoull(argv[3], &colon, 16);
	uint64_t		flock_dst = *colon == ':' ?
				    strtoull(colon + 1, NULL, 16) : flock;
	uint32_t		csid = (uint32_t)strtoul(argv[2], NULL, 16);
	uint64_t		now = (uint64_t)time(NULL);
	char			err[256];
	int			n;

	if (keyfile_read(argv[0], cs, 32, 0, err, sizeof(err)) == -1 ||
	    keyfile_read(argv[1], sk, 64, 0, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return (1);
	}
	for (n = 0; n < count; n++) {
		sanctum_offer_init(pkt, SANCTUM_MAGIC_KATEDRAL, csid,
		    SANCTUM_OFFER_INFO, strcmp(mode, "stale") == 0 ? now - 60 :
		    now);
		sanctum_offer_set_flocks(pkt, flock, flock_dst);
		memset(&i, 0, sizeof(i));
		i.tunnel = (uint16_t)strtoul(argv[4], NULL, 16);
		i.instance = 0x1234;
		i.flags = SANCTUM_INFO_SKIP_AMBRY;
		sanctum_info_encode(pkt, &i);
		sanctum_offer_sign(pkt, sk);
		if (strcmp(mode, "badsig") == 0)
			pkt[SANCTUM_OFFER_OFF_BODY + 40] ^= 1;
		sanctum_offer_encrypt(pkt, cs, SANCTUM_LABEL_CATHEDRAL, flock, 0);
		if (strcmp(mode, "badtag") == 0)
			pkt[SANCTUM_OFFER_OFF_TAG] ^= 1;
		send_to(&to, pkt, sizeof(pkt));
	}
	sanctum_wipe(cs, sizeof(cs));
	sanctum_wipe(sk, sizeof(sk));
	return (0);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	to;

	if (sanctum_crypto_init() == -1)
		return (1);
	if (argc == 4 && strcmp(argv[1], "ctl") == 0)
		return (ctl(argv[2], argv[3]));
	if (argc == 4 && strcmp(argv[1], "garbage") == 0) {
		to = parse_addr(argv[2]);
		return (garbage(&to, atoi(argv[3])));
	}
	if (argc == 5 && strcmp(argv[1], "stale-offer") == 0) {
		to = parse_addr(argv[3]);
		return (stale_offer(argv[2], &to, atoi(argv[4])));
	}
	if (argc == 6 && strcmp(argv[1], "resend") == 0) {
		to = parse_addr(argv[3]);
		return (resend(argv[2], &to, atoi(argv[4]), argv[5]));
	}
	if (argc >= 3 && strcmp(argv[1], "keygen") == 0)
		return (keygen(argc - 2, argv + 2));
	if (argc == 4 && strcmp(argv[1], "cosk-pair") == 0)
		return (cosk_pair(argv[2], argv[3]));
	if (argc == 5 && strcmp(argv[1], "ambry-flock") == 0)
		return (ambry_flock(argv[2], argv[3], argv[4]));
	if (argc == 10 && strcmp(argv[1], "info") == 0)
		return (info(argv + 2, atoi(argv[8]), argv[9]));
	if (argc == 4 && strcmp(argv[1], "udp-send") == 0) {
		to = parse_addr(argv[2]);
		return (udp_send(&to, atoi(argv[3])));
	}
	if (argc == 5 && strcmp(argv[1], "udp-recv") == 0)
		return (udp_recv((uint16_t)atoi(argv[2]), atoi(argv[3]),
		    atoi(argv[4])));
	if (argc == 4 && strcmp(argv[1], "log-recv") == 0)
		return (log_recv(argv[2], atoi(argv[3])));
	fprintf(stderr, "usage: see the comment at the top of e2e_tool.c\n");
	return (2);
}
