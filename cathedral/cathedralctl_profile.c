/*
 * The node an enrollment or a token is for, read from the options enroll
 * and token create share, and checked against the database before any key
 * is made: the flock exists, the name is new, no active node holds the
 * peer id.
 *
 *   --flock F --peer-id N --name NAME [--bandwidth MBIT]
 *   [--cathedral HOST:PORT] [--natport PORT]
 *   [--mode liturgy] --prefix A.B.0.0 [--group G]
 *   --mode tunnel --to N [--address A.B.C.D/P | --prefix A.B.0.0]
 */

#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"
#include "enroll_token.h"
#include "wire.h"

/* Liturgy mode: a prefix a.b.0.0 (optionally /16) and a group. */
static int
profile_liturgy(struct ctl *ctl, const struct ctl_opt *opts,
    struct ctl_profile *p)
{
	const char	*v;
	char		 buf[32];
	uint32_t	 group = 0;
	size_t		 n;

	if (ctl_opt(opts, "--to") != NULL || ctl_opt(opts, "--address") != NULL)
		return (ctl_error(ctl, "--to and --address are for --mode "
		    "tunnel"));
	if (p->peer > 0xfe)
		return (ctl_error(ctl, "a liturgy's peer id is 01..fe"));
	if ((v = ctl_opt(opts, "--prefix")) == NULL)
		return (ctl_error(ctl, "--mode liturgy needs --prefix "
		    "A.B.0.0"));
	n = strlen(v);
	if (n > 3 && strcmp(v + n - 3, "/16") == 0)
		n -= 3;
	if (n >= sizeof(buf))
		return (ctl_error(ctl, "prefix '%s': expected A.B.0.0", v));
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (ctl_parse_ip(ctl, buf, p->net) == -1)
		return (1);
	if (p->net[2] != 0 || p->net[3] != 0 || get_be32(p->net) == 0)
		return (ctl_error(ctl, "prefix '%s': the low 16 bits must be 0 "
		    "(A.B.0.0)", v));
	p->netlen = 16;
	if ((v = ctl_opt(opts, "--group")) != NULL) {
		if (strncmp(v, "0x", 2) == 0)
			v += 2;
		if (*v == '\0' || strlen(v) > 4 ||
		    strspn(v, "0123456789abcdefABCDEF") != strlen(v))
			return (ctl_error(ctl, "group '%s': expected hex "
			    "0..ffff", v));
		sscanf(v, "%x", &group);
	}
	p->group = (uint16_t)group;
	return (0);
}

/*
 * Tunnel mode: the remote peer id, and the tunnel address: --address as
 * given, else PREFIX.PEER.TO/32 (default prefix 10.0.0.0) with a route
 * to the other end's PREFIX.TO.PEER/32, as a liturgy's bishop would.
 */
static int
profile_tunnel(struct ctl *ctl, const struct ctl_opt *opts,
    struct ctl_profile *p)
{
	const char	*v;

	if (ctl_opt(opts, "--group") != NULL)
		return (ctl_error(ctl, "--group is for --mode liturgy"));
	if ((v = ctl_opt(opts, "--to")) == NULL)
		return (ctl_error(ctl, "--mode tunnel needs --to PEER-ID"));
	if (ctl_parse_peer(ctl, v, &p->to) == -1)
		return (1);
	if (p->to == p->peer)
		return (ctl_error(ctl, "--to must differ from --peer-id"));
	if ((v = ctl_opt(opts, "--address")) != NULL) {
		if (ctl_opt(opts, "--prefix") != NULL)
			return (ctl_error(ctl, "--address or --prefix, not "
			    "both"));
		if (ctl_parse_net(ctl, v, p->net, &p->netlen) == -1)
			return (1);
		if (p->netlen == 0 || get_be32(p->net) == 0)
			return (ctl_error(ctl, "address '%s': a non-zero "
			    "address with a prefix length 1..32", v));
		p->address = 1;
		return (0);
	}
	p->net[0] = 10;
	if ((v = ctl_opt(opts, "--prefix")) != NULL) {
		if (ctl_parse_ip(ctl, v, p->net) == -1)
			return (1);
		if (p->net[2] != 0 || p->net[3] != 0)
			return (ctl_error(ctl, "prefix '%s': the low 16 bits "
			    "must be 0 (A.B.0.0)", v));
	}
	p->net[2] = p->peer;
	p->net[3] = p->to;
	p->netlen = 32;
	return (0);
}

/* Read the node's profile from the options; 0, or 1 after printing. */
int
ctl_profile_parse(struct ctl *ctl, const struct ctl_opt *opts,
    struct ctl_profile *p)
{
	const char	*v, *mode;

	memset(p, 0, sizeof(*p));
	if (ctl_opt(opts, "--flock") == NULL ||
	    ctl_opt(opts, "--peer-id") == NULL ||
	    ctl_opt(opts, "--name") == NULL)
		return (ctl_error(ctl, "--flock, --peer-id and --name are "
		    "required"));
	if (ctl_parse_flock(ctl, ctl_opt(opts, "--flock"), &p->flock) == -1 ||
	    ctl_parse_peer(ctl, ctl_opt(opts, "--peer-id"), &p->peer) == -1 ||
	    ctl_name_ok(ctl, ctl_opt(opts, "--name")) == -1)
		return (1);
	p->name = ctl_opt(opts, "--name");
	if ((v = ctl_opt(opts, "--bandwidth")) != NULL &&
	    ctl_parse_u32(ctl, "bandwidth", v, UINT32_MAX, &p->mbit) == -1)
		return (1);
	if ((v = ctl_opt(opts, "--cathedral")) != NULL &&
	    ctl_parse_hostport(ctl, v, p->host, sizeof(p->host),
	    &p->port) == -1)
		return (1);
	if ((v = ctl_opt(opts, "--natport")) != NULL &&
	    ctl_parse_port(ctl, "natport", v, 1, &p->natport) == -1)
		return (1);
	if ((mode = ctl_opt(opts, "--mode")) == NULL)
		mode = "liturgy";
	if (strcmp(mode, "liturgy") == 0) {
		p->liturgy = 1;
		return (profile_liturgy(ctl, opts, p));
	}
	if (strcmp(mode, "tunnel") == 0)
		return (profile_tunnel(ctl, opts, p));
	return (ctl_error(ctl, "mode '%s': expected liturgy or tunnel", mode));
}

/* What the database says about a profile. */
struct profile_state {
	const struct ctl_profile	*p;
	int				 flock;
	int				 name;
};

/* Does the flock exist? */
static int
profile_flock(void *arg, const struct db_flock *f)
{
	struct profile_state	*s = arg;

	if (f->id == s->p->flock)
		s->flock = 1;
	return (0);
}

/* Is the name taken? */
static int
profile_name(void *arg, const struct db_identity *id)
{
	struct profile_state	*s = arg;

	if (strcmp(id->name, s->p->name) == 0)
		s->name = 1;
	return (0);
}

/* The flock must exist, the name be new and the peer id free: 0 or 1. */
int
ctl_profile_check(struct ctl *ctl, const struct ctl_profile *p)
{
	struct profile_state	 s;
	struct db		*db;
	int			 ret = 1, rc;

	memset(&s, 0, sizeof(s));
	s.p = p;
	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	if (db_flocks(db, profile_flock, &s) == -1 ||
	    db_identities(db, profile_name, &s) == -1)
		ctl_error(ctl, "%s", db_error(db));
	else if (!s.flock)
		ctl_error(ctl, "flock %llx does not exist (cathedralctl flock "
		    "add %llx)", (unsigned long long)p->flock,
		    (unsigned long long)p->flock);
	else if (s.name)
		ctl_error(ctl, "a node named '%s' exists already", p->name);
	else if ((rc = ctl_peer_active(ctl, db, p->flock, p->peer, 0)) == 1)
		ctl_error(ctl, "peer id %02x of flock %llx belongs to an "
		    "active node; revoke it first", p->peer,
		    (unsigned long long)p->flock);
	else if (rc == 0)
		ret = 0;
	ctl_db_close(ctl, db);
	return (ret);
}

/*
 * What a node needs next to its identity, from the profile: sealed into a
 * token, or turned into the configuration enroll writes.
 */
void
ctl_profile_material(const struct ctl_profile *p, const uint8_t *kek,
    struct enroll_material *m)
{
	memset(m, 0, sizeof(*m));
	m->mode = p->liturgy ? ENROLL_MODE_LITURGY : ENROLL_MODE_TUNNEL;
	m->peer = p->peer;
	m->to = p->liturgy ? 0 : p->to;
	m->flags = p->address ? ENROLL_FLAG_ADDRESS : 0;
	m->flock = p->flock;
	m->group = p->group;
	memcpy(m->net, p->net, sizeof(m->net));
	m->netlen = p->netlen;
	m->port = p->port;
	m->natport = p->natport;
	memcpy(m->kek, kek, sizeof(m->kek));
	snprintf(m->host, sizeof(m->host), "%s", p->host);
}
