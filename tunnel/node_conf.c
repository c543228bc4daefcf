/*
 * The files enrollment writes for a node, and its sanctum.conf in the
 * reference syntax (tunnel.md 6, 7.2; cathedral.md 6.4, 7): a liturgy
 * configuration as hymn liturgy writes it, or a cathedral tunnel as hymn
 * add writes one, with "kek" before "secret" (the secret is written later
 * from an ambry) and "spi" before the cathedral directives. cathedralctl
 * enroll and hymn enroll both write through here, from the same material
 * a token seals, so a node enrolled either way gets the same bytes.
 */

#include <stdio.h>
#include <string.h>

#include "enroll_token.h"
#include "node_conf.h"
#include "textbuf.h"

/* One configuration being written: for whom, where, the names in it. */
struct conf {
	const struct enroll_material	*m;
	const char			*name;	/* descr, or NULL */
	uint32_t			 csid;
	const char			*dir;	/* the node's files */
	const char			*run;	/* pidfile, control socket */
	const char			*user;	/* the packet processes */
	char				 inst[32];
	char				 base[NODE_CONF_NAME_MAX]; /* no .conf */
	char				 secret[NODE_CONF_NAME_MAX];
	char				 cosk[NODE_CONF_NAME_MAX];
	char				 kek[NODE_CONF_NAME_MAX];
	struct textbuf			 out;
};

/*
 * The node's file names: its configuration (hymn's <flock>-<src>-<dst>),
 * cathedral secret (hymn's id-<csid>), COSK and KEK.
 */
void
node_conf_names(const struct enroll_material *m, uint32_t csid, char *conf,
    char *secret, char *cosk, char *kek, size_t len)
{
	snprintf(conf, len, "%llx-%02x-%02x.conf", (unsigned long long)m->flock,
	    m->peer, m->mode == ENROLL_MODE_LITURGY ? 0 : m->to);
	snprintf(secret, len, "id-%x", csid);
	snprintf(cosk, len, "cosk-%x", csid);
	snprintf(kek, len, "kek-%llx-%02x", (unsigned long long)m->flock,
	    m->peer);
}

/* The instance name: the first 8 characters of the flock, as hymn does. */
static void
instance(struct conf *c)
{
	const struct enroll_material	*m = c->m;
	char				 flock[24];

	snprintf(flock, sizeof(flock), "%llx", (unsigned long long)m->flock);
	flock[8] = '\0';
	if (m->mode == ENROLL_MODE_LITURGY)
		snprintf(c->inst, sizeof(c->inst), "%s-liturgy", flock);
	else
		snprintf(c->inst, sizeof(c->inst), "%s-%02x-%02x", flock,
		    m->peer, m->to);
}

/* The cathedral block. */
static void
put_cathedral(struct conf *c)
{
	const struct enroll_material	*m = c->m;

	textbuf_put(&c->out, "cathedral_id %x\ncathedral_flock %llx\n", c->csid,
	    (unsigned long long)m->flock);
	if (m->mode == ENROLL_MODE_LITURGY)
		textbuf_put(&c->out, "cathedral_flock_dst 0\n");
	textbuf_put(&c->out, "cathedral_secret %s/%s\ncathedral_cosk %s/%s\n"
	    "cathedral_nat_port %u\ncathedral %s:%u\n", c->dir, c->secret,
	    c->dir, c->cosk, m->natport, m->host, m->port);
}

/* A liturgy, line for line as cathedral.md 6.4 shows hymn's. */
static void
put_liturgy(struct conf *c)
{
	const struct enroll_material	*m = c->m;

	textbuf_put(&c->out, "# auto generated, do not edit\nmode liturgy\nspi 0x%02x\n"
	    "instance %s\npidfile %s/%s.pid\nliturgy_prefix %u.%u.0.0\n"
	    "liturgy_group 0x%04x\nliturgy_discoverable yes\nkek %s/%s\n\n",
	    m->peer, c->inst, c->run, c->base, m->net[0], m->net[1], m->group,
	    c->dir, c->kek);
	put_cathedral(c);
	textbuf_put(&c->out, "\n\nrun liturgy as %s\nrun purgatory-rx as %s\n"
	    "run purgatory-tx as %s\n\n", c->user, c->user, c->user);
	textbuf_put(&c->out, "run bishop as root\nrun bless as root\nrun confess as root\n"
	    "run chapel as root\nrun shrine as root\nrun pilgrim as root\n"
	    "run cathedral as root\n");
}

/* A descr line only for names the directive takes ([A-Za-z0-9-], < 32). */
static int
descr_ok(const char *name)
{
	size_t	n;

	if (name == NULL)
		return (0);
	n = strlen(name);
	return (n > 0 && n < 32 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n);
}

/* A cathedral tunnel with a KEK, in hymn add's order. */
static void
put_tunnel(struct conf *c)
{
	const struct enroll_material	*m = c->m;

	textbuf_put(&c->out, "# auto generated, do not edit\nspi %02x%02x\ninstance %s\n"
	    "pidfile %s/%s.pid\ntunnel %u.%u.%u.%u/%u auto\nkek %s/%s\n"
	    "secret %s/%llx-%llx-%02x-%02x.secret\n", m->peer, m->to, c->inst,
	    c->run, c->base, m->net[0], m->net[1], m->net[2], m->net[3],
	    m->netlen, c->dir, c->kek, c->dir, (unsigned long long)m->flock,
	    (unsigned long long)m->flock, m->peer, m->to);
	if (descr_ok(c->name))
		textbuf_put(&c->out, "descr %s\n", c->name);
	textbuf_put(&c->out, "\nlocal 0.0.0.0:0\n");
	put_cathedral(c);
	textbuf_put(&c->out, "\n");
	if (!(m->flags & ENROLL_FLAG_ADDRESS))
		textbuf_put(&c->out, "route %u.%u.%u.%u/32\naccept %u.%u.%u.%u/32\n\n",
		    m->net[0], m->net[1], m->to, m->peer, m->net[0], m->net[1],
		    m->to, m->peer);
	textbuf_put(&c->out, "run heaven-rx as %s\nrun heaven-tx as %s\n"
	    "run purgatory-rx as %s\nrun purgatory-tx as %s\n\n", c->user,
	    c->user, c->user, c->user);
	textbuf_put(&c->out, "run control as root\ncontrol %s/%s.control root\n\n", c->run,
	    c->base);
	textbuf_put(&c->out, "run bless as root\nrun confess as root\nrun chapel as root\n");
}

/*
 * The configuration of the node m describes (a tunnel's descr from name,
 * if it has one) into buf: its files under nodedir, its pidfile (and
 * control socket) under rundir, packet processes as user. Returns the
 * length, or -1 when it does not fit.
 */
int
node_conf(const struct enroll_material *m, const char *name, uint32_t csid,
    const char *nodedir, const char *rundir, const char *user, char *buf,
    size_t len)
{
	struct conf	c;

	memset(&c, 0, sizeof(c));
	c.m = m;
	c.name = name;
	c.csid = csid;
	c.dir = nodedir;
	c.run = rundir;
	c.user = user;
	c.out.buf = buf;
	c.out.len = len;
	instance(&c);
	node_conf_names(m, csid, c.base, c.secret, c.cosk, c.kek,
	    sizeof(c.base));
	c.base[strlen(c.base) - strlen(".conf")] = '\0';
	if (m->mode == ENROLL_MODE_LITURGY)
		put_liturgy(&c);
	else
		put_tunnel(&c);
	return (c.out.full ? -1 : (int)c.out.off);
}
