/*
 * The sanctum.conf directive table and one handler per directive
 * (tunnel.md 6.2, cathedral.md 7). A handler sees the trimmed, non-empty
 * value after the dispatcher has enforced duplicates and the order rules;
 * checks that need the whole file are in config_check.c.
 *
 * Directives of this implementation that the reference does not have:
 *
 *   database PATH
 *	Cathedral mode, after "mode cathedral"; required there. The SQLite
 *	database holding what the reference keeps in "secretdir" (client
 *	cathedral secrets and COSK public keys) and "settings" (flocks,
 *	allow lines, ambries, federation). Those two directives are refused
 *	in a cathedral config: without "database" with a message naming the
 *	cathedralctl import command, next to it as redundant.
 *
 *   metrics ADDR:PORT
 *	Cathedral mode, after "mode cathedral"; optional. Serve the
 *	cathedral's counters on this address, which must be a loopback
 *	address (127.0.0.0/8) with a non-zero port.
 *
 *   logfile PATH
 *	Any mode; optional; an absolute path. Where log lines go when the
 *	daemon runs detached (-d) and /dev/log does not exist.
 *
 *   cathedral_limit NAME N
 *	Cathedral mode, after "mode cathedral"; optional, repeatable. The
 *	bound of one of the cathedral's in-memory tables or rates: tunnels,
 *	liturgies, sources, seeds (1..16777216), offer-rate and offer-burst
 *	(offers per second and at once from one source address, 1..1000000).
 *	When a table is full the new entry is refused and counted; what is
 *	in it stays served.
 *
 * A reference file never contains them (the reference refuses unknown
 * directives), so they cannot change the meaning of one.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netdb.h>

#include <string.h>

#include "config_priv.h"

#define CFG(p)		((p)->cfg)

/* "mode": tunnel, default (= tunnel), pilgrim, shrine, cathedral, liturgy. */
static int
dir_mode(struct config_parse *p, char *v)
{
	int	m;

	if (strcmp(v, "default") == 0) {
		CFG(p)->mode = SANCTUM_MODE_TUNNEL;
		return (0);
	}
	for (m = 1; m <= SANCTUM_MODE_MAX; m++) {
		if (strcmp(v, config_mode_name(m)) == 0) {
			CFG(p)->mode = m;
			return (0);
		}
	}
	return (config_error(p, p->lineno, "mode: unknown mode '%s'", v));
}

/* "instance": [A-Za-z0-9-], under 32 characters. */
static int
dir_instance(struct config_parse *p, char *v)
{
	return (config_name(p, v, CFG(p)->instance,
	    sizeof(CFG(p)->instance)));
}

/* "descr": informational, same characters as instance. */
static int
dir_descr(struct config_parse *p, char *v)
{
	return (config_name(p, v, CFG(p)->descr, sizeof(CFG(p)->descr)));
}

/*
 * "secret": the 32-byte traffic (cathedral: sync) secret, usable now
 * unless an earlier "kek" means ambries will write it.
 */
static int
dir_secret(struct config_parse *p, char *v)
{
	if (p->seen[CONFIG_D_KEK] != 0)
		return (config_text(p, v, CFG(p)->secret,
		    sizeof(CFG(p)->secret)));
	return (config_keyfile(p, v, 32,
	    " (a secret that a cathedral delivers needs 'kek' before 'secret')",
	    CFG(p)->secret, sizeof(CFG(p)->secret)));
}

/* "pidfile": created by the guardian. */
static int
dir_pidfile(struct config_parse *p, char *v)
{
	return (config_text(p, v, CFG(p)->pidfile, sizeof(CFG(p)->pidfile)));
}

/*
 * "run <proc> as <user>", once per process; the user is looked up after
 * the file, and only for processes the mode starts.
 */
static int
dir_run(struct config_parse *p, char *v)
{
	struct config_run	*run;
	char			*w[3];
	int			 type;

	if (config_split(v, w, 3) != 3 || strcmp(w[1], "as") != 0)
		return (config_error(p, p->lineno,
		    "run: expected 'run <process> as <user>'"));
	if ((type = config_proc_type(w[0])) == -1)
		return (config_error(p, p->lineno, "run: unknown process '%s'",
		    w[0]));
	if (p->run_line[type] != 0)
		return (config_error(p, p->lineno,
		    "run: duplicate 'run %s' (first on line %d)", w[0],
		    p->run_line[type]));
	run = &CFG(p)->run[type];
	if (config_text(p, w[2], run->user, sizeof(run->user)) == -1)
		return (-1);
	run->set = 1;
	p->run_line[type] = p->lineno;
	return (0);
}

/* "control <path> <user>": the user is the text after the last space. */
static int
dir_control(struct config_parse *p, char *v)
{
	char	*user, *end;

	if ((user = strrchr(v, ' ')) == NULL)
		return (config_error(p, p->lineno,
		    "control: expected 'control <path> <user>'"));
	for (end = user; end > v && end[-1] == ' '; end--)
		;
	*end = '\0';
	user++;
	if (config_text(p, v, CFG(p)->control_path,
	    sizeof(CFG(p)->control_path)) == -1)
		return (-1);
	return (config_text(p, user, CFG(p)->control_user,
	    sizeof(CFG(p)->control_user)));
}

/* "local ip:port"; a cathedral (if already the mode) needs an IP. */
static int
dir_local(struct config_parse *p, char *v)
{
	if (config_addr(p, v, &CFG(p)->local) == -1)
		return (-1);
	if (CFG(p)->mode == SANCTUM_MODE_CATHEDRAL &&
	    CFG(p)->local.sin_addr.s_addr == 0)
		return (config_error(p, p->lineno,
		    "local: cathedral mode needs a non-zero IP address"));
	return (0);
}

/* "peer ip:port" (configured, even if 0.0.0.0) or "auto". */
static int
dir_peer(struct config_parse *p, char *v)
{
	if (strcmp(v, "auto") == 0)
		return (0);
	if (config_addr(p, v, &CFG(p)->peer) == -1)
		return (-1);
	CFG(p)->peer_configured = 1;
	return (0);
}

/* "tunnel ip/prefix mtu|auto", the MTU within 576..1522 for now. */
static int
dir_tunnel(struct config_parse *p, char *v)
{
	struct sanctum_config	*cfg = CFG(p);
	uint64_t		 mtu;
	char			*m;

	if ((m = strchr(v, ' ')) == NULL)
		return (config_error(p, p->lineno,
		    "tunnel: expected 'tunnel <ip>/<prefix> <mtu|auto>'"));
	*m++ = '\0';
	while (*m == ' ')
		m++;
	if (config_prefixed(p, v, &cfg->tun_ip, &cfg->tun_prefix) == -1)
		return (-1);
	cfg->tun_mask = config_netmask(cfg->tun_prefix);
	if (strcmp(m, "auto") == 0) {
		cfg->mtu_auto = 1;
		return (0);
	}
	if (config_dec(p, m, UINT32_MAX, &mtu) == -1)
		return (-1);
	if (mtu < CONFIG_MTU_PARSE_MIN || mtu > CONFIG_MTU_PARSE_MAX)
		return (config_error(p, p->lineno,
		    "tunnel: MTU %llu is out of range %d..%d",
		    (unsigned long long)mtu, CONFIG_MTU_PARSE_MIN,
		    CONFIG_MTU_PARSE_MAX));
	cfg->tun_mtu = (uint16_t)mtu;
	return (0);
}

/* Append one net/prefix to a list of at most CONFIG_NETS_MAX. */
static int
config_net_add(struct config_parse *p, char *v, struct config_net *list,
    size_t *n, int masked)
{
	struct config_net	net;

	if (*n == CONFIG_NETS_MAX)
		return (config_error(p, p->lineno,
		    "%s: more than %d entries", p->name, CONFIG_NETS_MAX));
	if (config_prefixed(p, v, &net.net, &net.prefix) == -1)
		return (-1);
	if (masked)
		net.net.s_addr &= config_netmask(net.prefix).s_addr;
	list[(*n)++] = net;
	return (0);
}

/* "route net/prefix": routed via the tunnel, kept as written. */
static int
dir_route(struct config_parse *p, char *v)
{
	return (config_net_add(p, v, CFG(p)->routes, &CFG(p)->nroutes, 0));
}

/* "accept net/prefix": allowed into the device, the net masked. */
static int
dir_accept(struct config_parse *p, char *v)
{
	return (config_net_add(p, v, CFG(p)->accepts, &CFG(p)->naccepts, 1));
}

/* "tap yes|no". */
static int
dir_tap(struct config_parse *p, char *v)
{
	return (config_flag(p, v, "yes", "no", &CFG(p)->tap));
}

/* "bridge name": a Linux interface name (dev_valid_name()). */
static int
dir_bridge(struct config_parse *p, char *v)
{
	if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0 ||
	    strpbrk(v, "/: ") != NULL)
		return (config_error(p, p->lineno,
		    "bridge: '%s' is not an interface name", v));
	return (config_text(p, v, CFG(p)->bridge, sizeof(CFG(p)->bridge)));
}

/* "tfc on|off". */
static int
dir_tfc(struct config_parse *p, char *v)
{
	return (config_flag(p, v, "on", "off", &CFG(p)->tfc));
}

/* "shroud yes|no". */
static int
dir_shroud(struct config_parse *p, char *v)
{
	return (config_flag(p, v, "yes", "no", &CFG(p)->shroud));
}

/* "spi": the 16-bit tunnel id (T) or the peer id (L). */
static int
dir_spi(struct config_parse *p, char *v)
{
	uint64_t	x;

	if (config_hex(p, v, UINT16_MAX, &x) == -1)
		return (-1);
	CFG(p)->tun_spi = (uint16_t)x;
	return (0);
}

/* "kek": the 32-byte key-encryption key, usable now. */
static int
dir_kek(struct config_parse *p, char *v)
{
	return (config_keyfile(p, v, 32, "", CFG(p)->kek,
	    sizeof(CFG(p)->kek)));
}

/* "cathedral host:port", resolved once to IPv4 now. */
static int
dir_cathedral(struct config_parse *p, char *v)
{
	struct sanctum_config	*cfg = CFG(p);
	struct addrinfo		 hints, *res;
	uint16_t		 port;
	char			*colon;
	int			 r;

	if ((colon = strrchr(v, ':')) == NULL || colon == v)
		return (config_error(p, p->lineno,
		    "cathedral: '%s' is not <host>:<port>", v));
	*colon++ = '\0';
	if (config_port(p, colon, &port) == -1)
		return (-1);
	if (port == 0)
		return (config_error(p, p->lineno,
		    "cathedral: the port must not be 0"));
	if (config_text(p, v, cfg->cathedral_host,
	    sizeof(cfg->cathedral_host)) == -1)
		return (-1);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if (p->flags & CONFIG_LOAD_NUMERIC_HOSTS)
		hints.ai_flags = AI_NUMERICHOST;
	if ((r = getaddrinfo(v, NULL, &hints, &res)) != 0)
		return (config_error(p, p->lineno,
		    "cathedral: cannot resolve '%s': %s", v, gai_strerror(r)));
	memcpy(&cfg->cathedral, res->ai_addr, sizeof(cfg->cathedral));
	freeaddrinfo(res);
	cfg->cathedral.sin_port = htons(port);
	if (cfg->cathedral.sin_addr.s_addr == 0)
		return (config_error(p, p->lineno,
		    "cathedral: '%s' is the address 0.0.0.0", v));
	cfg->cathedral_set = 1;
	return (0);
}

/* "cathedral_id": 32-bit hex, the CS id. */
static int
dir_cathedral_id(struct config_parse *p, char *v)
{
	uint64_t	x;

	if (config_hex(p, v, UINT32_MAX, &x) == -1)
		return (-1);
	CFG(p)->cathedral_id = (uint32_t)x;
	return (0);
}

/* "cathedral_secret": the 32-byte CS, usable now. */
static int
dir_cathedral_secret(struct config_parse *p, char *v)
{
	return (config_keyfile(p, v, 32, "", CFG(p)->cathedral_secret,
	    sizeof(CFG(p)->cathedral_secret)));
}

/* "cathedral_cosk": the 64-byte Ed25519 secret key, usable now. */
static int
dir_cathedral_cosk(struct config_parse *p, char *v)
{
	return (config_keyfile(p, v, 64, "", CFG(p)->cathedral_cosk,
	    sizeof(CFG(p)->cathedral_cosk)));
}

/* "cathedral_flock": 64-bit hex. */
static int
dir_cathedral_flock(struct config_parse *p, char *v)
{
	return (config_hex(p, v, UINT64_MAX, &CFG(p)->cathedral_flock));
}

/* "cathedral_flock_dst": 64-bit hex, 0 meaning cathedral_flock. */
static int
dir_cathedral_flock_dst(struct config_parse *p, char *v)
{
	return (config_hex(p, v, UINT64_MAX, &CFG(p)->cathedral_flock_dst));
}

/* "cathedral_nat_port": decimal, 0 = off. */
static int
dir_cathedral_nat_port(struct config_parse *p, char *v)
{
	uint64_t	x;

	if (config_dec(p, v, UINT16_MAX, &x) == -1)
		return (-1);
	CFG(p)->cathedral_nat_port = (uint16_t)x;
	return (0);
}

/* "cathedral_remembrance": the fail-over list the client writes. */
static int
dir_cathedral_remembrance(struct config_parse *p, char *v)
{
	return (config_text(p, v, CFG(p)->cathedral_remembrance,
	    sizeof(CFG(p)->cathedral_remembrance)));
}

/* "cathedral_ip ip:port": the address a cathedral advertises. */
static int
dir_cathedral_ip(struct config_parse *p, char *v)
{
	if (config_addr(p, v, &CFG(p)->cathedral_ip) == -1)
		return (-1);
	if (CFG(p)->cathedral_ip.sin_addr.s_addr == 0)
		return (config_error(p, p->lineno,
		    "cathedral_ip: the advertised IP must not be 0.0.0.0"));
	return (0);
}

/* "cathedral_mtu": 576..1522 for now, narrowed after the file. */
static int
dir_cathedral_mtu(struct config_parse *p, char *v)
{
	uint64_t	mtu;

	if (config_dec(p, v, UINT32_MAX, &mtu) == -1)
		return (-1);
	if (mtu < CONFIG_MTU_PARSE_MIN || mtu > CONFIG_MTU_PARSE_MAX)
		return (config_error(p, p->lineno,
		    "cathedral_mtu: %llu is out of range %d..%d",
		    (unsigned long long)mtu, CONFIG_MTU_PARSE_MIN,
		    CONFIG_MTU_PARSE_MAX));
	CFG(p)->cathedral_mtu = (uint16_t)mtu;
	return (0);
}

/*
 * "secretdir", "settings": only their line is kept (in seen[]), for the
 * post-load message that points at "database".
 */
static int
dir_replaced(struct config_parse *p, char *v)
{
	(void)p;
	(void)v;
	return (0);
}

/* "cathedral_p2p_sync yes|no". */
static int
dir_cathedral_p2p_sync(struct config_parse *p, char *v)
{
	return (config_flag(p, v, "yes", "no", &CFG(p)->cathedral_p2p_sync));
}

/* "liturgy_group": 16-bit hex. */
static int
dir_liturgy_group(struct config_parse *p, char *v)
{
	uint64_t	x;

	if (config_hex(p, v, UINT16_MAX, &x) == -1)
		return (-1);
	CFG(p)->liturgy_group = (uint16_t)x;
	return (0);
}

/* "liturgy_prefix a.b.0.0": the low 16 bits must be zero. */
static int
dir_liturgy_prefix(struct config_parse *p, char *v)
{
	struct in_addr	*in = &CFG(p)->liturgy_prefix;

	if (config_ipv4(p, v, in) == -1)
		return (-1);
	if ((ntohl(in->s_addr) & 0xffff) != 0)
		return (config_error(p, p->lineno,
		    "liturgy_prefix: '%s' must be a.b.0.0 (low 16 bits zero)",
		    v));
	if (in->s_addr == 0)
		return (config_error(p, p->lineno,
		    "liturgy_prefix: must not be 0.0.0.0"));
	return (0);
}

/* "liturgy_discoverable yes|no". */
static int
dir_liturgy_discoverable(struct config_parse *p, char *v)
{
	return (config_flag(p, v, "yes", "no",
	    &CFG(p)->liturgy_discoverable));
}

/* "database PATH" (ours): the cathedral database. */
static int
dir_database(struct config_parse *p, char *v)
{
	return (config_text(p, v, CFG(p)->database,
	    sizeof(CFG(p)->database)));
}

/* "metrics ADDR:PORT" (ours): loopback only, non-zero port. */
static int
dir_metrics(struct config_parse *p, char *v)
{
	struct sockaddr_in	*sin = &CFG(p)->metrics;

	if (config_addr(p, v, sin) == -1)
		return (-1);
	if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
		return (config_error(p, p->lineno,
		    "metrics: %s is not a loopback address (127.0.0.0/8)", v));
	if (sin->sin_port == 0)
		return (config_error(p, p->lineno,
		    "metrics: the port must not be 0"));
	CFG(p)->metrics_set = 1;
	return (0);
}

/* "cathedral_limit NAME N" (ours): a bound of the cathedral's tables. */
static int
dir_cathedral_limit(struct config_parse *p, char *v)
{
	char		*words[3];
	uint64_t	n, max;
	int		i;

	if (config_split(v, words, 3) != 2)
		return (config_error(p, p->lineno,
		    "cathedral_limit: expected 'cathedral_limit NAME N'"));
	for (i = 0; i < CONFIG_LIMIT_MAX; i++) {
		if (strcmp(words[0], config_limit_name(i)) == 0)
			break;
	}
	if (i == CONFIG_LIMIT_MAX)
		return (config_error(p, p->lineno,
		    "cathedral_limit: unknown limit '%s'", words[0]));
	max = i >= CONFIG_LIMIT_OFFER_RATE ? 1000000 : 16777216;
	if (config_dec(p, words[1], max, &n) == -1)
		return (-1);
	if (n == 0)
		return (config_error(p, p->lineno,
		    "cathedral_limit: %s must be at least 1", words[0]));
	CFG(p)->limits[i] = (uint32_t)n;
	return (0);
}

/* "logfile PATH" (ours): absolute, for -d without /dev/log. */
static int
dir_logfile(struct config_parse *p, char *v)
{
	if (v[0] != '/')
		return (config_error(p, p->lineno,
		    "logfile: '%s' is not an absolute path", v));
	return (config_text(p, v, CFG(p)->logfile, sizeof(CFG(p)->logfile)));
}

#define T	CONFIG_M_T
#define PS	(CONFIG_M_P | CONFIG_M_S)
#define C	CONFIG_M_C
#define L	CONFIG_M_L
#define ALL	CONFIG_M_ALL

/* Name, modes where valid (checked after the file), flags, handler. */
static const struct config_directive	directives[CONFIG_D_COUNT] = {
	[CONFIG_D_MODE] = { "mode", ALL, 0, dir_mode },
	[CONFIG_D_INSTANCE] = { "instance", ALL, 0, dir_instance },
	[CONFIG_D_DESCR] = { "descr", ALL, 0, dir_descr },
	[CONFIG_D_SECRET] = { "secret", T | PS | C, 0, dir_secret },
	[CONFIG_D_PIDFILE] = { "pidfile", ALL, 0, dir_pidfile },
	[CONFIG_D_RUN] = { "run", ALL, CONFIG_F_MULTI, dir_run },
	[CONFIG_D_CONTROL] = { "control", T | PS | C, 0, dir_control },
	[CONFIG_D_LOCAL] = { "local", ALL, 0, dir_local },
	[CONFIG_D_PEER] = { "peer", T | CONFIG_M_P, 0, dir_peer },
	[CONFIG_D_TUNNEL] = { "tunnel", T | PS, 0, dir_tunnel },
	[CONFIG_D_ROUTE] = { "route", T | PS, CONFIG_F_MULTI, dir_route },
	[CONFIG_D_ACCEPT] = { "accept", T | PS, CONFIG_F_MULTI, dir_accept },
	[CONFIG_D_TAP] = { "tap", ALL, 0, dir_tap },
	[CONFIG_D_BRIDGE] = { "bridge", T | PS | L, 0, dir_bridge },
	[CONFIG_D_TFC] = { "tfc", T | PS | C, 0, dir_tfc },
	[CONFIG_D_SHROUD] = { "shroud", ALL, 0, dir_shroud },
	[CONFIG_D_SPI] = { "spi", T | L, 0, dir_spi },
	[CONFIG_D_KEK] = { "kek", T | L, 0, dir_kek },
	[CONFIG_D_CATHEDRAL] = { "cathedral", T | L, CONFIG_F_AFTER_SPI,
	    dir_cathedral },
	[CONFIG_D_CATHEDRAL_ID] = { "cathedral_id", T | L, CONFIG_F_AFTER_SPI,
	    dir_cathedral_id },
	[CONFIG_D_CATHEDRAL_SECRET] = { "cathedral_secret", T | L,
	    CONFIG_F_AFTER_SPI, dir_cathedral_secret },
	[CONFIG_D_CATHEDRAL_COSK] = { "cathedral_cosk", T | L,
	    CONFIG_F_AFTER_SPI, dir_cathedral_cosk },
	[CONFIG_D_CATHEDRAL_FLOCK] = { "cathedral_flock", T | PS | L, 0,
	    dir_cathedral_flock },
	[CONFIG_D_CATHEDRAL_FLOCK_DST] = { "cathedral_flock_dst", T | PS | L,
	    0, dir_cathedral_flock_dst },
	[CONFIG_D_CATHEDRAL_NAT_PORT] = { "cathedral_nat_port", T | C | L, 0,
	    dir_cathedral_nat_port },
	[CONFIG_D_CATHEDRAL_REMEMBRANCE] = { "cathedral_remembrance", T | L,
	    0, dir_cathedral_remembrance },
	[CONFIG_D_CATHEDRAL_IP] = { "cathedral_ip", C, CONFIG_F_AFTER_MODE,
	    dir_cathedral_ip },
	[CONFIG_D_CATHEDRAL_MTU] = { "cathedral_mtu", C, CONFIG_F_AFTER_MODE,
	    dir_cathedral_mtu },
	[CONFIG_D_SECRETDIR] = { "secretdir", C, CONFIG_F_AFTER_MODE,
	    dir_replaced },
	[CONFIG_D_SETTINGS] = { "settings", C, CONFIG_F_AFTER_MODE,
	    dir_replaced },
	[CONFIG_D_CATHEDRAL_P2P_SYNC] = { "cathedral_p2p_sync", C,
	    CONFIG_F_AFTER_MODE, dir_cathedral_p2p_sync },
	[CONFIG_D_LITURGY_GROUP] = { "liturgy_group", L, 0,
	    dir_liturgy_group },
	[CONFIG_D_LITURGY_PREFIX] = { "liturgy_prefix", L, 0,
	    dir_liturgy_prefix },
	[CONFIG_D_LITURGY_DISCOVERABLE] = { "liturgy_discoverable", L, 0,
	    dir_liturgy_discoverable },
	[CONFIG_D_DATABASE] = { "database", C, CONFIG_F_AFTER_MODE,
	    dir_database },
	[CONFIG_D_METRICS] = { "metrics", C, CONFIG_F_AFTER_MODE,
	    dir_metrics },
	[CONFIG_D_LOGFILE] = { "logfile", ALL, 0, dir_logfile },
	[CONFIG_D_CATHEDRAL_LIMIT] = { "cathedral_limit", C,
	    CONFIG_F_AFTER_MODE | CONFIG_F_MULTI, dir_cathedral_limit },
};

/* The table row of a directive. */
const struct config_directive *
config_directive(enum config_dir id)
{
	return (&directives[id]);
}

/* The id of a keyword (case-sensitive), -1 if there is no such directive. */
int
config_directive_find(const char *name)
{
	int	i;

	for (i = 0; i < CONFIG_D_COUNT; i++) {
		if (strcmp(directives[i].name, name) == 0)
			return (i);
	}
	return (-1);
}
