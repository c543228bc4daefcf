/*
 * The "keyword value" arguments of add and liturgy: one handler per
 * keyword, each validating its value into the model, with the reference's
 * ordering rules (identity, cosk and natport only after cathedral; bridge
 * only after device tap). Every keyword may be given once.
 */

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "hymn.h"
#include "hymn_args.h"

/* A value that does not parse. */
static void __attribute__((noreturn))
invalid(const char *what, const char *v)
{
	hymn_fatal("invalid %s '%s'", what, v);
}

/* A path value into dst. */
static void
path(const char *what, const char *v, char *dst)
{
	if (!hymn_valid_path(v) || hymn_copy(dst, HYMN_PATH_MAX, v) == -1)
		hymn_fatal("%s '%s' must be an absolute path without blanks",
		    what, v);
}

/* Keywords that only make sense once a cathedral was given. */
static void
need_cathedral(const struct hymn_args *a, const char *kw)
{
	if (!a->c->cathedral)
		hymn_fatal("%s only relevant for cathedral (give cathedral "
		    "first)", kw);
}

/* tunnel <ip/mask>: the tunnel address, not masked. */
static void
arg_tunnel(struct hymn_args *a, const char *v)
{
	if (strchr(v, '/') == NULL)
		hymn_fatal("ip '%s' is missing a netmask", v);
	if (hymn_parse_net(v, &a->c->tunnel_ip, &a->c->tunnel_prefix) == -1)
		invalid("tunnel address", v);
	a->tunnel = 1;
}

/* mtu <576..9200|auto> */
static void
arg_mtu(struct hymn_args *a, const char *v)
{
	if (hymn_parse_mtu(v, &a->c->mtu) == -1)
		hymn_fatal("invalid mtu '%s' (%d..%d or auto)", v, HYMN_MTU_MIN,
		    HYMN_MTU_MAX);
}

/* local <ip:port>: where the daemon binds. */
static void
arg_local(struct hymn_args *a, const char *v)
{
	if (hymn_parse_ipport(v, &a->c->local_ip, &a->c->local_port) == -1)
		hymn_fatal("'%s' not in ip:port format", v);
}

/* secret <path>: the shared traffic secret. */
static void
arg_secret(struct hymn_args *a, const char *v)
{
	path("secret", v, a->c->secret);
}

/* peer: 0.0.0.0:port counts as given but writes no peer line. */
static void
arg_peer(struct hymn_args *a, const char *v)
{
	if (hymn_parse_ipport(v, &a->c->peer_ip, &a->c->peer_port) == -1)
		hymn_fatal("'%s' not in ip:port format", v);
	a->peer = 1;
}

/* cathedral <host:port> */
static void
arg_cathedral(struct hymn_args *a, const char *v)
{
	if (!hymn_valid_host(v) || hymn_copy(a->c->cathedral_addr,
	    sizeof(a->c->cathedral_addr), v) == -1)
		hymn_fatal("cathedral '%s' not in host:port format", v);
	a->c->cathedral = 1;
}

/* kek <path>: the secret then comes from ambries. */
static void
arg_kek(struct hymn_args *a, const char *v)
{
	path("kek", v, a->c->kek);
}

/* identity <32-bit hex>[:<path>], the path defaulting to <confdir>/id-<hex>. */
static void
arg_identity(struct hymn_args *a, const char *v)
{
	char		buf[32];
	const char	*colon = strchr(v, ':');
	uint64_t	id;
	size_t		len;

	need_cathedral(a, "identity");
	len = colon != NULL ? (size_t)(colon - v) : strlen(v);
	if (len >= sizeof(buf))
		invalid("identity", v);
	memcpy(buf, v, len);
	buf[len] = '\0';
	if (hymn_parse_hex(buf, 8, 1, &id) == -1 || id == 0)
		hymn_fatal("identity '%s' is not a non-zero 32-bit hex number",
		    buf);
	a->c->cathedral_id = (uint32_t)id;
	if (colon != NULL)
		path("identity", colon + 1, a->c->cathedral_secret);
	else
		hymn_path(a->c->cathedral_secret, HYMN_PATH_MAX, "%s/id-%x",
		    hymn_conf_dir, a->c->cathedral_id);
}

/* cosk <path>: the signing key for the cathedral. */
static void
arg_cosk(struct hymn_args *a, const char *v)
{
	need_cathedral(a, "cosk");
	path("cosk", v, a->c->cathedral_cosk);
}

/* natport <port>: NAT detection, 0 = off. */
static void
arg_natport(struct hymn_args *a, const char *v)
{
	uint64_t	port;

	need_cathedral(a, "natport");
	if (hymn_parse_dec(v, UINT16_MAX, &port) == -1)
		invalid("natport", v);
	a->c->nat_port = (uint16_t)port;
}

/* name <descr>: the friendly name. */
static void
arg_name(struct hymn_args *a, const char *v)
{
	if (!hymn_valid_descr(v))
		hymn_fatal("name may only contain alnum and '-' (at most %d)",
		    HYMN_DESCR_MAX - 1);
	(void)hymn_copy(a->c->descr, sizeof(a->c->descr), v);
}

/* shroud yes|no */
static void
arg_shroud(struct hymn_args *a, const char *v)
{
	if (hymn_parse_yesno(v, "yes", "no", &a->c->shroud) == -1)
		hymn_fatal("shroud keyword should be yes|no");
}

/* device tun|tap */
static void
arg_device(struct hymn_args *a, const char *v)
{
	if (hymn_parse_yesno(v, "tap", "tun", &a->c->tap) == -1)
		hymn_fatal("unknown device '%s'", v);
}

/* bridge <name>: only once device tap was given. */
static void
arg_bridge(struct hymn_args *a, const char *v)
{
	if (!a->c->tap)
		hymn_fatal("bridge only works with device tap (give device "
		    "tap first)");
	if (!hymn_valid_bridge(v))
		invalid("bridge name", v);
	(void)hymn_copy(a->c->bridge, sizeof(a->c->bridge), v);
}

/* user <name>: the run-as user, checked by hymn_user(). */
static void
arg_user(struct hymn_args *a, const char *v)
{
	a->user = v;
}

/* prefix a.b.0.0: the liturgy's /16. */
static void
arg_prefix(struct hymn_args *a, const char *v)
{
	if (hymn_parse_ip(v, &a->c->liturgy_prefix) == -1 ||
	    (ntohl(a->c->liturgy_prefix) & 0xffff) != 0)
		hymn_fatal("prefix '%s' must be an address a.b.0.0", v);
	a->prefix = 1;
}

/* group <16-bit hex>: the liturgy group. */
static void
arg_group(struct hymn_args *a, const char *v)
{
	uint64_t	g;

	if (hymn_parse_hex(v, 4, 1, &g) == -1)
		hymn_fatal("group '%s' is not a 16-bit hex number", v);
	a->c->liturgy_group = (uint16_t)g;
	a->group = 1;
}

/* discoverable yes|no */
static void
arg_discoverable(struct hymn_args *a, const char *v)
{
	if (hymn_parse_yesno(v, "yes", "no", &a->c->discoverable) == -1)
		hymn_fatal("discoverable is a (yes|no) option");
}

/* Every keyword of add and liturgy. */
static const struct {
	const char	*kw;
	void		(*cb)(struct hymn_args *, const char *);
} kws[] = {
	{ "tunnel",		arg_tunnel },
	{ "mtu",		arg_mtu },
	{ "local",		arg_local },
	{ "secret",		arg_secret },
	{ "peer",		arg_peer },
	{ "cathedral",		arg_cathedral },
	{ "kek",		arg_kek },
	{ "identity",		arg_identity },
	{ "cosk",		arg_cosk },
	{ "natport",		arg_natport },
	{ "name",		arg_name },
	{ "shroud",		arg_shroud },
	{ "device",		arg_device },
	{ "bridge",		arg_bridge },
	{ "user",		arg_user },
	{ "prefix",		arg_prefix },
	{ "group",		arg_group },
	{ "discoverable",	arg_discoverable },
};

/* The handler of a keyword the command allows, or -1. */
static int
lookup(const char *const *allowed, const char *kw)
{
	size_t	k;

	for (; *allowed != NULL; allowed++) {
		if (strcmp(*allowed, kw) != 0)
			continue;
		for (k = 0; k < sizeof(kws) / sizeof(kws[0]); k++) {
			if (strcmp(kws[k].kw, kw) == 0)
				return ((int)k);
		}
	}
	return (-1);
}

/*
 * Run the handlers of the keyword/value pairs of argv in order. Only the
 * keywords in allowed (NULL-terminated) are known; an odd count or an
 * unknown keyword prints the usage, a repeated keyword is an error.
 */
void
hymn_args_parse(struct hymn_args *a, const char *const *allowed, int argc,
    char **argv)
{
	uint32_t	seen = 0;
	int		i, k;

	if (argc % 2 != 0)
		hymn_usage(a->usage);
	for (i = 0; i < argc; i += 2) {
		if ((k = lookup(allowed, argv[i])) == -1) {
			hymn_warn("unknown keyword '%s'", argv[i]);
			hymn_usage(a->usage);
		}
		if (seen & (1U << k))
			hymn_fatal("duplicate %s", argv[i]);
		seen |= 1U << k;
		kws[k].cb(a, argv[i + 1]);
	}
}
