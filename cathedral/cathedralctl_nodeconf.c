/*
 * The files enroll writes for a node, and its sanctum.conf in the
 * reference syntax (tunnel.md 6, 7.2; cathedral.md 6.4, 7): a liturgy
 * configuration as hymn liturgy writes it, or a cathedral tunnel as hymn
 * add writes one, with "kek" before "secret" (the secret is written later
 * from an ambry) and "spi" before the cathedral directives.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"

/* An output buffer that remembers when it ran out. */
struct conf_out {
	char	*buf;
	size_t	 len;
	size_t	 off;
	int	 full;
};

/* Append formatted text. */
static void __attribute__((format(printf, 2, 3)))
put(struct conf_out *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->off, o->len - o->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->off)
		o->full = 1;
	else
		o->off += (size_t)n;
}

/*
 * The node's file names: its configuration (hymn's <flock>-<src>-<dst>),
 * cathedral secret (hymn's id-<csid>), COSK and KEK.
 */
void
ctl_nodeconf_names(const struct ctl_profile *p, uint32_t csid, char *conf,
    char *secret, char *cosk, char *kek, size_t len)
{
	snprintf(conf, len, "%llx-%02x-%02x.conf", (unsigned long long)p->flock,
	    p->peer, p->liturgy ? 0 : p->to);
	snprintf(secret, len, "id-%x", csid);
	snprintf(cosk, len, "cosk-%x", csid);
	snprintf(kek, len, "kek-%llx-%02x", (unsigned long long)p->flock,
	    p->peer);
}

/* The instance name: the first 8 characters of the flock, as hymn does. */
static void
instance(const struct ctl_profile *p, char *buf, size_t len)
{
	char	flock[24];

	snprintf(flock, sizeof(flock), "%llx", (unsigned long long)p->flock);
	flock[8] = '\0';
	if (p->liturgy)
		snprintf(buf, len, "%s-liturgy", flock);
	else
		snprintf(buf, len, "%s-%02x-%02x", flock, p->peer, p->to);
}

/* The cathedral block. */
static void
put_cathedral(struct conf_out *o, const struct ctl_profile *p, uint32_t csid,
    const char *dir, const char *secret, const char *cosk)
{
	put(o, "cathedral_id %x\ncathedral_flock %llx\n", csid,
	    (unsigned long long)p->flock);
	if (p->liturgy)
		put(o, "cathedral_flock_dst 0\n");
	put(o, "cathedral_secret %s/%s\ncathedral_cosk %s/%s\n"
	    "cathedral_nat_port %u\ncathedral %s:%u\n", dir, secret, dir, cosk,
	    p->natport, p->host, p->port);
}

/* A liturgy, line for line as cathedral.md 6.4 shows hymn's. */
static void
put_liturgy(struct conf_out *o, const struct ctl_profile *p, uint32_t csid,
    const char *dir, const char *run, const char *user)
{
	char	inst[32], conf[64], secret[64], cosk[64], kek[64];

	instance(p, inst, sizeof(inst));
	ctl_nodeconf_names(p, csid, conf, secret, cosk, kek, sizeof(conf));
	conf[strlen(conf) - strlen(".conf")] = '\0';
	put(o, "# auto generated, do not edit\nmode liturgy\nspi 0x%02x\n"
	    "instance %s\npidfile %s/%s.pid\nliturgy_prefix %u.%u.0.0\n"
	    "liturgy_group 0x%04x\nliturgy_discoverable yes\nkek %s/%s\n\n",
	    p->peer, inst, run, conf, p->net[0], p->net[1], p->group, dir,
	    kek);
	put_cathedral(o, p, csid, dir, secret, cosk);
	put(o, "\n\nrun liturgy as %s\nrun purgatory-rx as %s\n"
	    "run purgatory-tx as %s\n\n", user, user, user);
	put(o, "run bishop as root\nrun bless as root\nrun confess as root\n"
	    "run chapel as root\nrun shrine as root\nrun pilgrim as root\n"
	    "run cathedral as root\n");
}

/* A descr line only for names the directive takes ([A-Za-z0-9-], < 32). */
static int
descr_ok(const char *name)
{
	size_t	n = strlen(name);

	return (n > 0 && n < 32 && strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n);
}

/* A cathedral tunnel with a KEK, in hymn add's order. */
static void
put_tunnel(struct conf_out *o, const struct ctl_profile *p, uint32_t csid,
    const char *dir, const char *run, const char *user)
{
	char	inst[32], conf[64], secret[64], cosk[64], kek[64];

	instance(p, inst, sizeof(inst));
	ctl_nodeconf_names(p, csid, conf, secret, cosk, kek, sizeof(conf));
	conf[strlen(conf) - strlen(".conf")] = '\0';
	put(o, "# auto generated, do not edit\nspi %02x%02x\ninstance %s\n"
	    "pidfile %s/%s.pid\ntunnel %u.%u.%u.%u/%u auto\nkek %s/%s\n"
	    "secret %s/%llx-%llx-%02x-%02x.secret\n", p->peer, p->to, inst,
	    run, conf, p->net[0], p->net[1], p->net[2], p->net[3], p->netlen,
	    dir, kek, dir, (unsigned long long)p->flock,
	    (unsigned long long)p->flock, p->peer, p->to);
	if (descr_ok(p->name))
		put(o, "descr %s\n", p->name);
	put(o, "\nlocal 0.0.0.0:0\n");
	put_cathedral(o, p, csid, dir, secret, cosk);
	put(o, "\n");
	if (!p->address)
		put(o, "route %u.%u.%u.%u/32\naccept %u.%u.%u.%u/32\n\n",
		    p->net[0], p->net[1], p->to, p->peer, p->net[0], p->net[1],
		    p->to, p->peer);
	put(o, "run heaven-rx as %s\nrun heaven-tx as %s\n"
	    "run purgatory-rx as %s\nrun purgatory-tx as %s\n\n", user, user,
	    user, user);
	put(o, "run control as root\ncontrol %s/%s.control root\n\n", run,
	    conf);
	put(o, "run bless as root\nrun confess as root\nrun chapel as root\n");
}

/*
 * The node's configuration into buf, its files under dir, its pidfile (and
 * control socket) under run, packet processes as user. Returns the length
 * or -1 when it does not fit.
 */
int
ctl_nodeconf(const struct ctl_profile *p, uint32_t csid, const char *dir,
    const char *run, const char *user, char *buf, size_t len)
{
	struct conf_out	o = { buf, len, 0, 0 };

	if (p->liturgy)
		put_liturgy(&o, p, csid, dir, run, user);
	else
		put_tunnel(&o, p, csid, dir, run, user);
	return (o.full ? -1 : (int)o.off);
}
