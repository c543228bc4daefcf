/*
 * Reading back a hymn-generated configuration into the model. Only what
 * hymn writes is accepted (ours and the reference's): known directives with
 * valid values, each singular one once, and a complete tunnel or liturgy.
 * Anything else is an error naming the line; the model is never used then.
 */

#include <arpa/inet.h>

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hymn.h"

#define LINE_MAX_LEN	2048

/* Where in the file we are and what was seen so far. */
struct reader {
	struct hymn_conf	*c;
	unsigned int		line;
	uint64_t		seen;		/* directives, by table index */
	unsigned int		runs;		/* run lines, by process */
	int			cathedral_opts;	/* any cathedral_* directive */
	char			*err;
	size_t			errlen;
};

/* The processes of the run lines. */
static const char *const	procs[] = {
	"heaven-rx", "heaven-tx", "purgatory-rx", "purgatory-tx", "liturgy",
	"control", "bishop", "bless", "confess", "chapel", "shrine",
	"pilgrim", "cathedral"
};

#define PROC_LITURGY	4
#define PROC_CONTROL	5
#define PROCS_TUNNEL	0x0f		/* heaven-rx/tx, purgatory-rx/tx */
#define PROCS_LITURGY	0x1c		/* purgatory-rx/tx, liturgy */

/* Whether process p runs as the configured user in this mode. */
static int
proc_is_user(const struct hymn_conf *c, size_t p)
{
	return (((c->liturgy ? PROCS_LITURGY : PROCS_TUNNEL) >> p) & 1);
}

/* Record a bad value of a directive. */
static int
bad(struct reader *r, const char *what, const char *value)
{
	snprintf(r->err, r->errlen, "line %u: invalid %s '%s'", r->line,
	    what, value);
	return (-1);
}

/* mode: only "liturgy" is ever written, and first. */
static int
kw_mode(struct reader *r, const char *v)
{
	if (strcmp(v, "liturgy") != 0 || r->seen != 0)
		return (bad(r, "mode (only 'liturgy', first)", v));
	r->c->liturgy = 1;
	return (0);
}

/* spi: the tunnel id of the name, "%02x%02x" (liturgy "0x%02x"). */
static int
kw_spi(struct reader *r, const char *v)
{
	const struct hymn_name	*n = &r->c->name;
	char			want[16];

	if (r->c->liturgy)
		snprintf(want, sizeof(want), "0x%02x", n->src);
	else
		snprintf(want, sizeof(want), "%02x%02x", n->src, n->dst);
	if (strcmp(v, want) != 0)
		return (bad(r, "spi (does not match the name)", v));
	return (0);
}

/* instance: the one the name gives. */
static int
kw_instance(struct reader *r, const char *v)
{
	char	want[HYMN_NAME_MAX];

	hymn_name_instance(&r->c->name, r->c->liturgy, want, sizeof(want));
	if (strcmp(v, want) != 0)
		return (bad(r, "instance (does not match the name)", v));
	return (0);
}

/* bridge: an interface name. */
static int
kw_bridge(struct reader *r, const char *v)
{
	if (!hymn_valid_bridge(v))
		return (bad(r, "bridge", v));
	return (hymn_copy(r->c->bridge, sizeof(r->c->bridge), v));
}

/* tunnel <ip>/<prefix> <mtu|auto> */
static int
kw_tunnel(struct reader *r, const char *v)
{
	char		buf[64];
	char		*sp;

	if (hymn_copy(buf, sizeof(buf), v) == -1 ||
	    (sp = strchr(buf, ' ')) == NULL)
		return (bad(r, "tunnel", v));
	*sp++ = '\0';
	if (hymn_parse_net(buf, &r->c->tunnel_ip, &r->c->tunnel_prefix) == -1 ||
	    hymn_parse_mtu(sp, &r->c->mtu) == -1)
		return (bad(r, "tunnel", v));
	return (0);
}

/* descr: the friendly name. */
static int
kw_descr(struct reader *r, const char *v)
{
	if (!hymn_valid_descr(v))
		return (bad(r, "descr", v));
	return (hymn_copy(r->c->descr, sizeof(r->c->descr), v));
}

/* local ip:port */
static int
kw_local(struct reader *r, const char *v)
{
	if (hymn_parse_ipport(v, &r->c->local_ip, &r->c->local_port) == -1)
		return (bad(r, "local", v));
	return (0);
}

/* peer ip:port; a zero address would not have been written. */
static int
kw_peer(struct reader *r, const char *v)
{
	if (hymn_parse_ipport(v, &r->c->peer_ip, &r->c->peer_port) == -1 ||
	    r->c->peer_ip == 0)
		return (bad(r, "peer", v));
	return (0);
}

/* cathedral_id: 32-bit hex, never 0. */
static int
kw_cathedral_id(struct reader *r, const char *v)
{
	uint64_t	id;

	if (hymn_parse_hex(v, 8, 0, &id) == -1 || id == 0)
		return (bad(r, "cathedral_id", v));
	r->c->cathedral_id = (uint32_t)id;
	return (0);
}

/* cathedral_flock: 64-bit hex. */
static int
kw_cathedral_flock(struct reader *r, const char *v)
{
	if (hymn_parse_hex(v, 16, 0, &r->c->flock_src) == -1)
		return (bad(r, "cathedral_flock", v));
	return (0);
}

/* cathedral_flock_dst: 64-bit hex (0 means the source flock). */
static int
kw_cathedral_flock_dst(struct reader *r, const char *v)
{
	if (hymn_parse_hex(v, 16, 0, &r->c->flock_dst) == -1)
		return (bad(r, "cathedral_flock_dst", v));
	return (0);
}

/* cathedral_nat_port: decimal, 0 = off. */
static int
kw_cathedral_nat_port(struct reader *r, const char *v)
{
	uint64_t	port;

	if (hymn_parse_dec(v, UINT16_MAX, &port) == -1)
		return (bad(r, "cathedral_nat_port", v));
	r->c->nat_port = (uint16_t)port;
	return (0);
}

/* cathedral host:port */
static int
kw_cathedral(struct reader *r, const char *v)
{
	if (!hymn_valid_host(v))
		return (bad(r, "cathedral", v));
	r->c->cathedral = 1;
	return (hymn_copy(r->c->cathedral_addr, sizeof(r->c->cathedral_addr),
	    v));
}

/* A route or accept network: masked, duplicates dropped, head first. */
static int
get_net(struct reader *r, const char *what, const char *v,
    struct hymn_net *list, size_t *n)
{
	struct hymn_net	net;

	if (hymn_net_parse(v, &net) == -1)
		return (bad(r, what, v));
	if (hymn_net_find(list, *n, &net) != -1)
		return (0);
	if (hymn_net_add(list, n, &net) == -1)
		return (bad(r, what, "too many"));
	return (0);
}

/* route net/prefix */
static int
kw_route(struct reader *r, const char *v)
{
	return (get_net(r, "route", v, r->c->routes, &r->c->nroutes));
}

/* accept net/prefix */
static int
kw_accept(struct reader *r, const char *v)
{
	return (get_net(r, "accept", v, r->c->accepts, &r->c->naccepts));
}

/* run <proc> as <user>: the user processes all as one user, others root. */
static int
kw_run(struct reader *r, const char *v)
{
	char		buf[64];
	char		*user;
	size_t		p;

	if (hymn_copy(buf, sizeof(buf), v) == -1 ||
	    (user = strstr(buf, " as ")) == NULL)
		return (bad(r, "run", v));
	*user = '\0';
	user += 4;
	for (p = 0; p < sizeof(procs) / sizeof(procs[0]); p++) {
		if (strcmp(buf, procs[p]) == 0)
			break;
	}
	if (p == sizeof(procs) / sizeof(procs[0]) || (r->runs >> p) & 1 ||
	    (p == PROC_LITURGY && !r->c->liturgy) ||
	    (p == PROC_CONTROL && r->c->liturgy))
		return (bad(r, "run", v));
	r->runs |= 1U << p;
	if (!proc_is_user(r->c, p))
		return (strcmp(user, "root") == 0 ? 0 : bad(r, "run", v));
	if (!hymn_valid_user(user) ||
	    (r->c->user[0] != '\0' && strcmp(r->c->user, user) != 0))
		return (bad(r, "run (one user for all processes)", v));
	return (hymn_copy(r->c->user, sizeof(r->c->user), user));
}

/* control <path> root */
static int
kw_control(struct reader *r, const char *v)
{
	char	buf[HYMN_PATH_MAX + 8];
	char	*sp;

	if (hymn_copy(buf, sizeof(buf), v) == -1 ||
	    (sp = strrchr(buf, ' ')) == NULL || strcmp(sp, " root") != 0)
		return (bad(r, "control", v));
	*sp = '\0';
	if (!hymn_valid_path(buf))
		return (bad(r, "control", v));
	return (hymn_copy(r->c->control, sizeof(r->c->control), buf));
}

/* liturgy_prefix a.b.0.0 */
static int
kw_liturgy_prefix(struct reader *r, const char *v)
{
	if (hymn_parse_ip(v, &r->c->liturgy_prefix) == -1 ||
	    (ntohl(r->c->liturgy_prefix) & 0xffff) != 0)
		return (bad(r, "liturgy_prefix", v));
	return (0);
}

/* liturgy_group 0x<16-bit hex> */
static int
kw_liturgy_group(struct reader *r, const char *v)
{
	uint64_t	g;

	if (hymn_parse_hex(v, 4, 1, &g) == -1)
		return (bad(r, "liturgy_group", v));
	r->c->liturgy_group = (uint16_t)g;
	return (0);
}

#define M_TUNNEL	0x01
#define M_LITURGY	0x02
#define M_ALL		(M_TUNNEL | M_LITURGY)
#define F_MANY		0x04		/* may repeat */
#define R_TUNNEL	0x08		/* required in a tunnel */
#define R_LITURGY	0x10		/* required in a liturgy */
#define F_CATHEDRAL	0x20		/* part of the cathedral block */

#define PATH(f)		offsetof(struct hymn_conf, f), 1
#define YESNO(f)	offsetof(struct hymn_conf, f), 2
#define CB		0, 0

/*
 * Every directive hymn writes: its handler, or the path or yes/no field it
 * fills; the modes it appears in and whether it is required there.
 */
static const struct {
	const char	*kw;
	size_t		off;
	int		type;		/* 1 path, 2 yes/no, 0 handler */
	int		(*cb)(struct reader *, const char *);
	int		flags;
} kws[] = {
	{ "mode", CB, kw_mode, M_ALL },
	{ "spi", CB, kw_spi, M_ALL | R_LITURGY },
	{ "instance", CB, kw_instance, M_ALL | R_TUNNEL | R_LITURGY },
	{ "pidfile", PATH(pidfile), NULL, M_ALL | R_TUNNEL | R_LITURGY },
	{ "tap", YESNO(tap), NULL, M_ALL },
	{ "bridge", CB, kw_bridge, M_ALL },
	{ "tunnel", CB, kw_tunnel, M_TUNNEL | R_TUNNEL },
	{ "shroud", YESNO(shroud), NULL, M_ALL },
	{ "kek", PATH(kek), NULL, M_ALL | R_LITURGY },
	{ "secret", PATH(secret), NULL, M_TUNNEL | R_TUNNEL },
	{ "descr", CB, kw_descr, M_ALL },
	{ "local", CB, kw_local, M_TUNNEL | R_TUNNEL },
	{ "peer", CB, kw_peer, M_TUNNEL },
	{ "cathedral_id", CB, kw_cathedral_id, M_ALL | F_CATHEDRAL },
	{ "cathedral_flock", CB, kw_cathedral_flock, M_ALL | F_CATHEDRAL },
	{ "cathedral_flock_dst", CB, kw_cathedral_flock_dst,
	    M_ALL | F_CATHEDRAL },
	{ "cathedral_secret", PATH(cathedral_secret), NULL,
	    M_ALL | F_CATHEDRAL },
	{ "cathedral_cosk", PATH(cathedral_cosk), NULL, M_ALL | F_CATHEDRAL },
	{ "cathedral_remembrance", PATH(remembrance), NULL,
	    M_ALL | F_CATHEDRAL },
	{ "cathedral_nat_port", CB, kw_cathedral_nat_port,
	    M_ALL | F_CATHEDRAL },
	{ "cathedral", CB, kw_cathedral, M_ALL | R_LITURGY },
	{ "route", CB, kw_route, M_TUNNEL | F_MANY },
	{ "accept", CB, kw_accept, M_TUNNEL | F_MANY },
	{ "run", CB, kw_run, M_ALL | F_MANY },
	{ "control", CB, kw_control, M_TUNNEL | R_TUNNEL },
	{ "liturgy_prefix", CB, kw_liturgy_prefix, M_LITURGY | R_LITURGY },
	{ "liturgy_group", CB, kw_liturgy_group, M_LITURGY },
	{ "liturgy_discoverable", YESNO(discoverable), NULL, M_LITURGY },
};

#define NKWS		(sizeof(kws) / sizeof(kws[0]))

/* Whether the directive kw was seen. */
static int
seen(const struct reader *r, const char *kw)
{
	size_t	i;

	for (i = 0; i < NKWS; i++) {
		if (strcmp(kws[i].kw, kw) == 0)
			return ((r->seen >> i) & 1);
	}
	return (0);
}

/* The value of directive i: a path, yes/no, or its handler. */
static int
value(struct reader *r, size_t i, const char *v)
{
	char	*field = (char *)r->c + kws[i].off;
	int	yes;

	switch (kws[i].type) {
	case 1:
		if (!hymn_valid_path(v))
			return (bad(r, kws[i].kw, v));
		return (hymn_copy(field, HYMN_PATH_MAX, v));
	case 2:
		if (hymn_parse_yesno(v, "yes", "no", &yes) == -1)
			return (bad(r, kws[i].kw, v));
		memcpy(field, &yes, sizeof(yes));
		return (0);
	default:
		return (kws[i].cb(r, v));
	}
}

/* One "keyword value" line. */
static int
directive(struct reader *r, char *line)
{
	char	*v;
	size_t	i, n;
	int	mode = r->c->liturgy ? M_LITURGY : M_TUNNEL;

	if ((v = strchr(line, ' ')) == NULL) {
		snprintf(r->err, r->errlen, "line %u: '%s' has no value",
		    r->line, line);
		return (-1);
	}
	*v++ = '\0';
	n = strlen(v);
	if (n == 0 || v[0] == ' ' || v[n - 1] == ' ')
		return (bad(r, line, v));
	for (i = 0; i < NKWS; i++) {
		if (strcmp(line, kws[i].kw) == 0)
			break;
	}
	if (i == NKWS || !(kws[i].flags & mode)) {
		snprintf(r->err, r->errlen, "line %u: unexpected directive "
		    "'%s'", r->line, line);
		return (-1);
	}
	if (!(kws[i].flags & F_MANY) && ((r->seen >> i) & 1)) {
		snprintf(r->err, r->errlen, "line %u: duplicate '%s'",
		    r->line, line);
		return (-1);
	}
	if (value(r, i, v) == -1)
		return (-1);
	r->seen |= 1ULL << i;
	if (kws[i].flags & F_CATHEDRAL)
		r->cathedral_opts = 1;
	return (0);
}

/* Split the buffer into lines: no NUL or control characters, bounded. */
static int
lines(struct reader *r, const char *buf, size_t len)
{
	char		line[LINE_MAX_LEN];
	size_t		off = 0, n;

	while (off < len) {
		r->line++;
		for (n = 0; off + n < len && buf[off + n] != '\n'; n++) {
			if ((unsigned char)buf[off + n] < ' ' ||
			    buf[off + n] == 0x7f || n + 1 >= sizeof(line)) {
				snprintf(r->err, r->errlen, "line %u: too long "
				    "or control characters", r->line);
				return (-1);
			}
		}
		memcpy(line, buf + off, n);
		line[n] = '\0';
		off += n + 1;
		if (n == 0 || line[0] == '#')
			continue;
		if (directive(r, line) == -1)
			return (-1);
	}
	return (0);
}

/* The configuration does not hold together. */
static int
incomplete(struct reader *r, const char *what)
{
	snprintf(r->err, r->errlen, "incomplete configuration: %s", what);
	return (-1);
}

/* Every required directive and run line of the mode is there. */
static int
required(struct reader *r)
{
	unsigned int	users = r->c->liturgy ? PROCS_LITURGY : PROCS_TUNNEL;
	int		need = r->c->liturgy ? R_LITURGY : R_TUNNEL;
	size_t		i;

	for (i = 0; i < NKWS; i++) {
		if ((kws[i].flags & need) && !((r->seen >> i) & 1)) {
			snprintf(r->err, r->errlen, "incomplete configuration: "
			    "no '%s'", kws[i].kw);
			return (-1);
		}
	}
	if ((r->runs & users) != users)
		return (incomplete(r, "a user process has no run line"));
	if (!r->c->liturgy && !((r->runs >> PROC_CONTROL) & 1))
		return (incomplete(r, "no 'run control'"));
	return (0);
}

/* After the last line: a complete, consistent tunnel or liturgy. */
static int
complete(struct reader *r)
{
	const struct hymn_conf	*c = r->c;
	uint64_t		fs, fd;

	if (required(r) == -1)
		return (-1);
	if (seen(r, "spi") != c->cathedral || (r->cathedral_opts &&
	    !c->cathedral))
		return (incomplete(r, "spi and cathedral go together"));
	if (c->cathedral && (c->cathedral_id == 0 ||
	    !seen(r, "cathedral_flock") || c->cathedral_secret[0] == '\0'))
		return (incomplete(r, "cathedral without cathedral_id, "
		    "cathedral_flock or cathedral_secret"));
	if (c->kek[0] != '\0' && !c->cathedral)
		return (incomplete(r, "kek without cathedral"));
	if (c->bridge[0] != '\0' && !c->tap)
		return (incomplete(r, "bridge without tap"));
	if (c->liturgy && c->name.dst != 0)
		return (incomplete(r, "a liturgy's name ends in -00"));
	if (hymn_name_has_flock(&c->name)) {
		if (hymn_flock_parse(c->name.flock, &fs, &fd) == -1 ||
		    !c->cathedral || fs != c->flock_src)
			return (incomplete(r, "cathedral_flock does not match "
			    "the name"));
	} else if (c->liturgy || c->flock_src != 0) {
		return (incomplete(r, "the name has no flock"));
	}
	return (0);
}

/*
 * Read a configuration of the tunnel called name from buf. Returns 0 with
 * the model filled, or -1 with the reason in err.
 */
int
hymn_conf_parse(const char *buf, size_t len, const struct hymn_name *name,
    struct hymn_conf *c, char *err, size_t errlen)
{
	struct reader	r;

	memset(c, 0, sizeof(*c));
	c->name = *name;
	c->discoverable = 1;
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.err = err;
	r.errlen = errlen;
	if (len > HYMN_CONF_MAX) {
		snprintf(err, errlen, "configuration too large");
		return (-1);
	}
	if (lines(&r, buf, len) == -1 || complete(&r) == -1)
		return (-1);
	return (0);
}
