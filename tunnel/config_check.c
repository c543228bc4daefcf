/*
 * sanctum.conf checks that need the whole file (tunnel.md 6.3, cathedral.md
 * 5, 6.1 and 7), and the defaults that depend on other directives. Errors
 * point at the directive at fault when there is one.
 */

#include <pwd.h>
#include <string.h>

#include "config_priv.h"

#define CFG(p)		((p)->cfg)
#define LINE(p, d)	((p)->seen[CONFIG_D_ ## d])
#define IS(p, m)	(CFG(p)->mode == SANCTUM_MODE_ ## m)
#define DEVICE(p)	(IS(p, TUNNEL) || IS(p, PILGRIM) || IS(p, SHRINE))

#define CONFIG_IFNAME_LEN	(CONFIG_IFNAME_MAX - 1)

/* The first line holding a directive that the final mode does not use. */
static int
check_modes(struct config_parse *p)
{
	const struct config_directive	*d;
	int				 i, bad = -1;

	for (i = 0; i < CONFIG_D_COUNT; i++) {
		d = config_directive(i);
		if (p->seen[i] != 0 && !(d->modes & CONFIG_M(CFG(p)->mode)) &&
		    (bad == -1 || p->seen[i] < p->seen[bad]))
			bad = i;
	}
	if (bad == -1)
		return (0);
	return (config_error(p, p->seen[bad], "'%s' is not valid in %s mode",
	    config_directive(bad)->name, config_mode_name(CFG(p)->mode)));
}

/* What every mode needs: an instance, a secret (not liturgy), no strays. */
static int
check_common(struct config_parse *p)
{
	if (LINE(p, INSTANCE) == 0)
		return (config_error(p, 0, "missing 'instance'"));
	if (DEVICE(p) && strlen(CFG(p)->instance) > CONFIG_IFNAME_LEN)
		return (config_error(p, LINE(p, INSTANCE),
		    "instance: '%s' is longer than %d characters, the limit "
		    "of the interface name it becomes", CFG(p)->instance,
		    CONFIG_IFNAME_LEN));
	if (check_modes(p) == -1)
		return (-1);
	if (!IS(p, LITURGY) && LINE(p, SECRET) == 0)
		return (config_error(p, 0, "missing 'secret'"));
	return (0);
}

/* A directive that "cathedral" needs: present and, if asked, not zero. */
static int
check_needed(struct config_parse *p, enum config_dir id, int zero)
{
	const char	*name = config_directive(id)->name;

	if (p->seen[id] == 0)
		return (config_error(p, LINE(p, CATHEDRAL),
		    "'cathedral' needs '%s'", name));
	if (zero)
		return (config_error(p, p->seen[id], "%s: must not be 0",
		    name));
	return (0);
}

/* A cathedral client, tunnel or liturgy (cathedral.md 5, 6.1). */
static int
check_cathedral_client(struct config_parse *p)
{
	struct sanctum_config	*cfg = CFG(p);

	if (check_needed(p, CONFIG_D_CATHEDRAL_ID, cfg->cathedral_id == 0) ||
	    check_needed(p, CONFIG_D_CATHEDRAL_SECRET, 0) ||
	    check_needed(p, CONFIG_D_CATHEDRAL_COSK, 0) ||
	    check_needed(p, CONFIG_D_CATHEDRAL_FLOCK,
	    cfg->cathedral_flock == 0))
		return (-1);
	return (0);
}

/* Tunnel mode: a kek needs a cathedral, which needs its credentials. */
static int
check_tunnel(struct config_parse *p)
{
	struct sanctum_config	*cfg = CFG(p);

	if (LINE(p, KEK) != 0 && !cfg->cathedral_set)
		return (config_error(p, LINE(p, KEK),
		    "kek: needs a 'cathedral' to deliver the secret"));
	if (!cfg->cathedral_set)
		return (0);
	if (cfg->tun_spi == 0)
		return (config_error(p, LINE(p, SPI), "spi: a tunnel with a "
		    "cathedral needs a non-zero tunnel id"));
	if (check_cathedral_client(p) == -1)
		return (-1);
	if (cfg->peer.sin_addr.s_addr == 0)
		cfg->peer = cfg->cathedral;
	return (0);
}

/* Pilgrim mode only sends, so it must know where to. */
static int
check_pilgrim(struct config_parse *p)
{
	if (CFG(p)->peer.sin_addr.s_addr == 0)
		return (config_error(p, LINE(p, PEER), "pilgrim mode needs "
		    "'peer <ip>:<port>' with a non-zero IP"));
	return (0);
}

/* Liturgy mode: a cathedral client with a kek, a prefix and a peer id. */
static int
check_liturgy(struct config_parse *p)
{
	struct sanctum_config	*cfg = CFG(p);

	if (!cfg->cathedral_set)
		return (config_error(p, 0, "liturgy mode needs 'cathedral'"));
	if (check_cathedral_client(p) == -1)
		return (-1);
	if (LINE(p, KEK) == 0)
		return (config_error(p, 0, "liturgy mode needs 'kek'"));
	if (LINE(p, LITURGY_PREFIX) == 0)
		return (config_error(p, 0,
		    "liturgy mode needs 'liturgy_prefix'"));
	if (cfg->tun_spi < 0x01 || cfg->tun_spi > 0xfe)
		return (config_error(p, LINE(p, SPI),
		    "spi: a liturgy needs its peer id, 0x01..0xfe, not 0x%04x",
		    cfg->tun_spi));
	return (0);
}

/*
 * The reference's secretdir/settings are in our database: without
 * "database" say how to move them there, next to it they are redundant.
 */
static int
check_replaced(struct config_parse *p)
{
	int	line = LINE(p, SECRETDIR), other = LINE(p, SETTINGS);
	int	id = CONFIG_D_SECRETDIR;

	if (line == 0 || (other != 0 && other < line)) {
		line = other;
		id = CONFIG_D_SETTINGS;
	}
	if (line == 0)
		return (0);
	if (LINE(p, DATABASE) == 0)
		return (config_error(p, line, "secretdir/settings are not used "
		    "by this cathedral; move them into a database with: "
		    "cathedralctl --db PATH import --settings FILE --secretdir "
		    "DIR, then use \"database PATH\""));
	return (config_error(p, line,
	    "'%s' is not used next to 'database'; remove it",
	    config_directive(id)->name));
}

/* Cathedral mode (cathedral.md 3.1, 3.13, 7). */
static int
check_cathedral(struct config_parse *p)
{
	struct sanctum_config	*cfg = CFG(p);
	int			 max;

	if (cfg->tap)
		return (config_error(p, LINE(p, TAP),
		    "tap: not available in cathedral mode"));
	if (check_replaced(p) == -1)
		return (-1);
	if (LINE(p, DATABASE) == 0)
		return (config_error(p, 0, "cathedral mode needs 'database'"));
	if (cfg->local.sin_addr.s_addr == 0) {
		if (LINE(p, LOCAL) != 0)
			return (config_error(p, LINE(p, LOCAL), "local: "
			    "cathedral mode needs a non-zero IP address"));
		return (config_error(p, 0, "cathedral mode needs 'local' with "
		    "a non-zero IP address"));
	}
	if (LINE(p, CATHEDRAL_MTU) == 0)
		return (config_error(p, 0,
		    "cathedral mode needs 'cathedral_mtu'"));
	max = cfg->shroud ? CONFIG_MTU_MAX_SHROUD : CONFIG_MTU_MAX;
	if (cfg->cathedral_mtu < CONFIG_MTU_MIN || cfg->cathedral_mtu > max)
		return (config_error(p, LINE(p, CATHEDRAL_MTU),
		    "cathedral_mtu: %u is out of range %d..%d%s",
		    cfg->cathedral_mtu, CONFIG_MTU_MIN, max,
		    cfg->shroud ? " with shroud" : ""));
	if (LINE(p, CATHEDRAL_IP) == 0)
		cfg->cathedral_ip = cfg->local;
	return (0);
}

/*
 * The device (tunnel.md 6.3): bridge needs tap, tap has no tunnel IP (and
 * no tunnel line means MTU auto), tun needs one; then the MTU range, auto
 * only in tunnel mode, and tfc only with a numeric MTU.
 */
static int
check_device(struct config_parse *p)
{
	struct sanctum_config	*cfg = CFG(p);
	int			 max;

	if (LINE(p, BRIDGE) != 0 && !cfg->tap)
		return (config_error(p, LINE(p, BRIDGE),
		    "bridge: needs 'tap yes'"));
	if (!DEVICE(p))
		return (0);
	if (cfg->tap && cfg->tun_ip.s_addr != 0)
		return (config_error(p, LINE(p, TUNNEL),
		    "tunnel: the IP must be 0.0.0.0 with 'tap yes'"));
	if (!cfg->tap && LINE(p, TUNNEL) == 0)
		return (config_error(p, 0, "missing 'tunnel'"));
	if (!cfg->tap && cfg->tun_ip.s_addr == 0)
		return (config_error(p, LINE(p, TUNNEL),
		    "tunnel: the IP must not be 0.0.0.0 without 'tap yes'"));
	if (LINE(p, TUNNEL) == 0)
		cfg->mtu_auto = 1;

	if (cfg->mtu_auto && !IS(p, TUNNEL)) {
		if (LINE(p, TUNNEL) != 0)
			return (config_error(p, LINE(p, TUNNEL), "tunnel: MTU "
			    "'auto' is only available in tunnel mode"));
		return (config_error(p, 0, "'tap yes' without 'tunnel' means "
		    "MTU auto, which is only available in tunnel mode"));
	}
	max = cfg->shroud ? CONFIG_MTU_MAX_SHROUD : CONFIG_MTU_MAX;
	if (!cfg->mtu_auto &&
	    (cfg->tun_mtu < CONFIG_MTU_MIN || cfg->tun_mtu > max))
		return (config_error(p, LINE(p, TUNNEL),
		    "tunnel: MTU %u is out of range %d..%d%s", cfg->tun_mtu,
		    CONFIG_MTU_MIN, max, cfg->shroud ? " with shroud" : ""));
	if (cfg->tfc && cfg->mtu_auto)
		return (config_error(p, LINE(p, TFC),
		    "tfc: needs a numeric 'tunnel' MTU, not auto"));
	return (0);
}

/* Look a user up for a process or the control socket. */
static int
check_user(struct config_parse *p, int line, const char *what,
    const char *user, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw;

	if ((pw = getpwnam(user)) == NULL)
		return (config_error(p, line, "%s: unknown user '%s'", what,
		    user));
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return (0);
}

/*
 * A run line with an existing user for every process the mode starts
 * (tunnel.md 1.2); run lines for other processes are ignored like the
 * reference does. The control socket owner must exist too.
 */
static int
check_run(struct config_parse *p)
{
	struct sanctum_config	*cfg = CFG(p);
	struct config_run	*run;
	uint32_t		 procs = config_mode_procs(cfg->mode);
	const char		*name;
	int			 t;

	for (t = 1; t <= SANCTUM_PROC_MAX; t++) {
		if (!(procs & (1U << t)))
			continue;
		run = &cfg->run[t];
		name = config_proc_name(t);
		if (!run->set)
			return (config_error(p, 0, "missing 'run %s as "
			    "<user>': %s mode starts the %s process", name,
			    config_mode_name(cfg->mode), name));
		if (check_user(p, p->run_line[t], "run", run->user, &run->uid,
		    &run->gid) == -1)
			return (-1);
	}
	if (procs & (1U << SANCTUM_PROC_CONTROL))
		return (check_user(p, LINE(p, CONTROL), "control",
		    cfg->control_user, &cfg->control_uid, &cfg->control_gid));
	return (0);
}

/* Every check after the file, filling in the dependent defaults. */
int
config_check(struct config_parse *p)
{
	struct sanctum_config	*cfg = CFG(p);
	int			 rc = 0;

	if (check_common(p) == -1)
		return (-1);
	switch (cfg->mode) {
	case SANCTUM_MODE_TUNNEL:
		rc = check_tunnel(p);
		break;
	case SANCTUM_MODE_PILGRIM:
		rc = check_pilgrim(p);
		break;
	case SANCTUM_MODE_CATHEDRAL:
		rc = check_cathedral(p);
		break;
	case SANCTUM_MODE_LITURGY:
		rc = check_liturgy(p);
		break;
	}
	if (rc == -1 || check_device(p) == -1)
		return (-1);
	if (cfg->cathedral_flock_dst == 0)
		cfg->cathedral_flock_dst = cfg->cathedral_flock;
	cfg->peer_auto = cfg->peer.sin_addr.s_addr == 0;
	return (check_run(p));
}
