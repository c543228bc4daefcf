/*
 * Writing the model as the reference hymn does, byte for byte (tunnel.md
 * 7.2, cathedral.md 6.4), the file operations around it (read whole; write
 * <conf>.new mode 0700 and rename it into place), and the route and accept
 * list edits.
 */

#include <arpa/inet.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"
#include "textbuf.h"

/* A network-order address as text. */
static const char *
ip_str(uint32_t ip, char *buf, size_t len)
{
	struct in_addr	in = { .s_addr = ip };

	return (inet_ntop(AF_INET, &in, buf, (socklen_t)len));
}

/* The lines from "spi" to "descr". */
static void
put_head(struct textbuf *o, const struct hymn_conf *c)
{
	const struct hymn_name	*n = &c->name;
	char			inst[HYMN_NAME_MAX], a[INET_ADDRSTRLEN];

	textbuf_put(o, "# auto generated, do not edit\n");
	if (c->liturgy)
		textbuf_put(o, "mode liturgy\nspi 0x%02x\n", n->src);
	else if (c->cathedral)
		textbuf_put(o, "spi %02x%02x\n", n->src, n->dst);
	hymn_name_instance(n, c->liturgy, inst, sizeof(inst));
	textbuf_put(o, "instance %s\npidfile %s\n", inst, c->pidfile);
	if (c->tap)
		textbuf_put(o, "tap yes\n");
	if (c->bridge[0] != '\0')
		textbuf_put(o, "bridge %s\n", c->bridge);
	if (c->liturgy) {
		textbuf_put(o, "liturgy_prefix %s\nliturgy_group 0x%04x\n"
		    "liturgy_discoverable %s\n",
		    ip_str(c->liturgy_prefix, a, sizeof(a)), c->liturgy_group,
		    c->discoverable ? "yes" : "no");
	} else if (c->mtu == 0) {
		textbuf_put(o, "tunnel %s/%u auto\n", ip_str(c->tunnel_ip, a,
		    sizeof(a)), c->tunnel_prefix);
	} else {
		textbuf_put(o, "tunnel %s/%u %u\n", ip_str(c->tunnel_ip, a, sizeof(a)),
		    c->tunnel_prefix, c->mtu);
	}
	if (c->shroud)
		textbuf_put(o, "shroud yes\n");
	if (c->kek[0] != '\0')
		textbuf_put(o, "kek %s\n", c->kek);
	if (!c->liturgy)
		textbuf_put(o, "secret %s\n", c->secret);
	if (c->descr[0] != '\0')
		textbuf_put(o, "descr %s\n", c->descr);
}

/*
 * The cathedral block and a blank line; cathedral_flock_dst only when it
 * differs from the source flock (a file read back without it has 0 there,
 * hence the reference's "cathedral_flock_dst 0" after any edit).
 */
static void
put_cathedral(struct textbuf *o, const struct hymn_conf *c)
{
	textbuf_put(o, "cathedral_id %x\ncathedral_flock %" PRIx64 "\n",
	    c->cathedral_id, c->flock_src);
	if (c->flock_dst != c->flock_src)
		textbuf_put(o, "cathedral_flock_dst %" PRIx64 "\n", c->flock_dst);
	textbuf_put(o, "cathedral_secret %s\n", c->cathedral_secret);
	if (c->cathedral_cosk[0] != '\0')
		textbuf_put(o, "cathedral_cosk %s\n", c->cathedral_cosk);
	if (c->remembrance[0] != '\0')
		textbuf_put(o, "cathedral_remembrance %s\n", c->remembrance);
	textbuf_put(o, "cathedral_nat_port %u\ncathedral %s\n\n", c->nat_port,
	    c->cathedral_addr);
}

/* The route lines, then the accept lines. */
static void
put_nets(struct textbuf *o, const struct hymn_conf *c)
{
	char	a[INET_ADDRSTRLEN];
	size_t	i;

	for (i = 0; i < c->nroutes; i++)
		textbuf_put(o, "route %s/%u\n", ip_str(c->routes[i].addr, a, sizeof(a)),
		    c->routes[i].prefix);
	for (i = 0; i < c->naccepts; i++)
		textbuf_put(o, "accept %s/%u\n", ip_str(c->accepts[i].addr, a,
		    sizeof(a)), c->accepts[i].prefix);
}

/* The run lines: packet processes as the user, the rest as root. */
static void
put_runs(struct textbuf *o, const struct hymn_conf *c)
{
	if (c->liturgy)
		textbuf_put(o, "run liturgy as %s\n", c->user);
	else
		textbuf_put(o, "run heaven-rx as %s\nrun heaven-tx as %s\n", c->user,
		    c->user);
	textbuf_put(o, "run purgatory-rx as %s\nrun purgatory-tx as %s\n\n",
	    c->user, c->user);
	if (!c->liturgy)
		textbuf_put(o, "run control as root\ncontrol %s root\n\n", c->control);
	textbuf_put(o, "run bishop as root\nrun bless as root\nrun confess as root\n"
	    "run chapel as root\nrun shrine as root\nrun pilgrim as root\n"
	    "run cathedral as root\n");
}

/* The whole file into buf; returns its length or -1 if it does not fit. */
int
hymn_conf_render(const struct hymn_conf *c, char *buf, size_t len)
{
	struct textbuf	o = { buf, len, 0, 0 };
	char		peer[32];

	put_head(&o, c);
	textbuf_put(&o, "\n");
	if (!c->liturgy) {
		hymn_ipport_str(peer, sizeof(peer), c->local_ip, c->local_port);
		textbuf_put(&o, "local %s\n", peer);
	}
	if (c->cathedral)
		put_cathedral(&o, c);
	if (c->peer_ip != 0) {
		hymn_ipport_str(peer, sizeof(peer), c->peer_ip, c->peer_port);
		textbuf_put(&o, "peer %s\n\n", peer);
	}
	put_nets(&o, c);
	textbuf_put(&o, "\n");
	put_runs(&o, c);
	return (o.full ? -1 : (int)o.off);
}

/* Read and parse the configuration at path. */
int
hymn_conf_load(const char *path, const struct hymn_name *name,
    struct hymn_conf *c, char *err, size_t errlen)
{
	static char	buf[HYMN_CONF_MAX + 1];
	char		why[256];
	struct stat	st;
	ssize_t		n = 0;
	size_t		len = 0;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return (-1);
	}
	while (len < sizeof(buf) &&
	    (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0 || len > HYMN_CONF_MAX) {
		snprintf(err, errlen, "%s: %s", path, n < 0 ? "read error" :
		    "too large");
		return (-1);
	}
	if (hymn_conf_parse(buf, len, name, c, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		return (-1);
	}
	return (0);
}

/* Write all of buf to fd. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) <= 0)
			return (-1);
		buf += n;
		len -= (size_t)n;
	}
	return (0);
}

/*
 * Save the model at path: written whole to <path>.new (mode 0700), synced,
 * then renamed over path, or with exclusive linked to path so that an
 * existing configuration is never replaced (HYMN_CONF_EXISTS).
 */
int
hymn_conf_save(const char *path, const struct hymn_conf *c, int exclusive,
    char *err, size_t errlen)
{
	static char	buf[HYMN_CONF_MAX];
	char		tmp[HYMN_PATH_MAX + 8];
	int		fd, len, rc;

	if ((len = hymn_conf_render(c, buf, sizeof(buf))) == -1) {
		snprintf(err, errlen, "%s: configuration too large", path);
		return (-1);
	}
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return (-1);
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0700);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return (-1);
	}
	if (write_all(fd, buf, (size_t)len) == -1 || fchmod(fd, 0700) == -1 ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return (-1);
	}
	close(fd);
	if ((rc = exclusive ? link(tmp, path) : rename(tmp, path)) == -1) {
		if (exclusive && errno == EEXIST)
			rc = HYMN_CONF_EXISTS;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	(void)unlink(tmp);
	return (rc);
}

/* Parse a.b.c.d/prefix and mask the address to the prefix. */
int
hymn_net_parse(const char *s, struct hymn_net *net)
{
	uint32_t	mask;

	if (hymn_parse_net(s, &net->addr, &net->prefix) == -1)
		return (-1);
	mask = net->prefix == 0 ? 0 : htonl(0xffffffffU << (32 - net->prefix));
	net->addr &= mask;
	return (0);
}

/* The index of net in the list, or -1. */
int
hymn_net_find(const struct hymn_net *list, size_t n,
    const struct hymn_net *net)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (list[i].addr == net->addr && list[i].prefix == net->prefix)
			return ((int)i);
	}
	return (-1);
}

/* Insert net at the head of the list; -1 when the list is full. */
int
hymn_net_add(struct hymn_net *list, size_t *n, const struct hymn_net *net)
{
	if (*n >= HYMN_MAX_NETS)
		return (-1);
	memmove(list + 1, list, *n * sizeof(*list));
	list[0] = *net;
	(*n)++;
	return (0);
}

/* Remove net from the list; -1 when it is not in it. */
int
hymn_net_del(struct hymn_net *list, size_t *n, const struct hymn_net *net)
{
	int	i;

	if ((i = hymn_net_find(list, *n, net)) == -1)
		return (-1);
	memmove(list + i, list + i + 1, (*n - (size_t)i - 1) * sizeof(*list));
	(*n)--;
	return (0);
}
