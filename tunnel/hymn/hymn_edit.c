/*
 * The commands that change one setting of an existing configuration:
 * mtu, name, shroud, bridge, nat, cathedral and remembrance. Each reads
 * the configuration back, checks the change applies, and saves it whole.
 */

#include <stdio.h>
#include <string.h>

#include "hymn.h"

/* Load the configuration argv[1] names when argc matches, else usage. */
static void
edit(int argc, char **argv, int want, const char *usage,
    struct hymn_conf *c, char *name)
{
	if (argc != want)
		hymn_usage(usage);
	hymn_resolve(argv[1], c);
	hymn_name_str(&c->name, name, HYMN_NAME_MAX);
}

/* Settings of the cathedral block need one. */
static void
need_cathedral(const struct hymn_conf *c, const char *what)
{
	if (!c->cathedral)
		hymn_fatal("%s only makes sense on cathedral tunnels", what);
}

/* on or off. */
static int
onoff(const char *v)
{
	int	on;

	if (hymn_parse_yesno(v, "on", "off", &on) == -1)
		hymn_fatal("unknown option '%s', please use on|off", v);
	return (on);
}

/* mtu <name> <576..9200|auto> */
int
hymn_cmd_mtu(int argc, char **argv)
{
	struct hymn_conf	c;
	char			name[HYMN_NAME_MAX];

	edit(argc, argv, 3, "mtu [name | [<flock>-]<src>-<dst>] [mtu|auto]",
	    &c, name);
	if (c.liturgy)
		hymn_fatal("mtu on a liturgy does not make sense");
	if (hymn_parse_mtu(argv[2], &c.mtu) == -1)
		hymn_fatal("invalid mtu '%s' (%d..%d or auto)", argv[2],
		    HYMN_MTU_MIN, HYMN_MTU_MAX);
	hymn_save(&c, 0);
	printf("%s mtu changed to %s\n", name, argv[2]);
	return (0);
}

/* name <name> <descr> */
int
hymn_cmd_name(int argc, char **argv)
{
	struct hymn_conf	c;
	char			name[HYMN_NAME_MAX];

	edit(argc, argv, 3, "name [name | [<flock>-]<src>-<dst>] [name]", &c,
	    name);
	if (!hymn_valid_descr(argv[2]))
		hymn_fatal("name may only contain alnum and '-' (at most %d)",
		    HYMN_DESCR_MAX - 1);
	(void)hymn_copy(c.descr, sizeof(c.descr), argv[2]);
	hymn_save(&c, 0);
	printf("%s name updated to '%s'\n", name, argv[2]);
	return (0);
}

/* shroud <name> on|off */
int
hymn_cmd_shroud(int argc, char **argv)
{
	struct hymn_conf	c;
	char			name[HYMN_NAME_MAX];

	edit(argc, argv, 3, "shroud [name | [<flock>-]<src>-<dst>] [on|off]",
	    &c, name);
	c.shroud = onoff(argv[2]);
	hymn_save(&c, 0);
	printf("%s shroud has been turned %s\n", name, argv[2]);
	return (0);
}

/* bridge <name> on <bridge> | clear: tap tunnels only. */
int
hymn_cmd_bridge(int argc, char **argv)
{
	static const char	usage[] =
	    "bridge [name | [<flock>-]<src>-<dst>] [on <bridge> | clear]";
	struct hymn_conf	c;
	char			name[HYMN_NAME_MAX];

	if (argc == 3 && strcmp(argv[2], "clear") == 0)
		edit(argc, argv, 3, usage, &c, name);
	else if (argc == 4 && strcmp(argv[2], "on") == 0)
		edit(argc, argv, 4, usage, &c, name);
	else
		hymn_usage(usage);
	if (!c.tap)
		hymn_fatal("bridge only makes sense with device tap");
	if (argc == 3) {
		c.bridge[0] = '\0';
	} else if (!hymn_valid_bridge(argv[3]) ||
	    hymn_copy(c.bridge, sizeof(c.bridge), argv[3]) == -1) {
		hymn_fatal("invalid bridge name '%s'", argv[3]);
	}
	hymn_save(&c, 0);
	if (argc == 3)
		printf("tunnel %s bridge cleared\n", name);
	else
		printf("tunnel %s bridged onto %s\n", name, argv[3]);
	return (0);
}

/* nat <name> <port>: cathedral_nat_port, 0 turns NAT detection off. */
int
hymn_cmd_nat(int argc, char **argv)
{
	struct hymn_conf	c;
	char			name[HYMN_NAME_MAX];
	uint64_t		port;

	edit(argc, argv, 3, "nat [name | [<flock>-]<src>-<dst>] [port]\n\n"
	    "If given port is 0, NAT detection is turned off.\n"
	    "The ability to create a peer-to-peer tunnel depends on NAT "
	    "detection working.\n\n"
	    "Without NAT detection your traffic is relayed over cathedrals.",
	    &c, name);
	need_cathedral(&c, "nat");
	if (hymn_parse_dec(argv[2], UINT16_MAX, &port) == -1)
		hymn_fatal("invalid port '%s'", argv[2]);
	c.nat_port = (uint16_t)port;
	hymn_save(&c, 0);
	printf("%s nat has been turned %s\n", name, port ? "on" : "off");
	return (0);
}

/* cathedral <name> <host:port> */
int
hymn_cmd_cathedral(int argc, char **argv)
{
	struct hymn_conf	c;
	char			name[HYMN_NAME_MAX];

	edit(argc, argv, 3, "cathedral [name | <flock>-<src>-<dst>] "
	    "[host:port]", &c, name);
	need_cathedral(&c, "this");
	if (!hymn_valid_host(argv[2]) || hymn_copy(c.cathedral_addr,
	    sizeof(c.cathedral_addr), argv[2]) == -1)
		hymn_fatal("cathedral '%s' not in host:port format", argv[2]);
	hymn_save(&c, 0);
	printf("%s cathedral modified to %s\n", name, argv[2]);
	return (0);
}

/* remembrance <name> on|off: <confdir>/<name>.remembrance. */
int
hymn_cmd_remembrance(int argc, char **argv)
{
	struct hymn_conf	c;
	char			name[HYMN_NAME_MAX];

	edit(argc, argv, 3, "remembrance [name | <flock>-<src>-<dst>] "
	    "[on | off]", &c, name);
	need_cathedral(&c, "remembrance");
	if (onoff(argv[2]))
		hymn_path(c.remembrance, sizeof(c.remembrance),
		    "%s/%s.remembrance", hymn_conf_dir, name);
	else
		c.remembrance[0] = '\0';
	hymn_save(&c, 0);
	printf("%s remembrance turned %s\n"
	    "restart the tunnel for the change to take effect\n", name,
	    argv[2]);
	return (0);
}
