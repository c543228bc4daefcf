/*
 * hymn add: create a tunnel configuration (tunnel.md 7.2). Fails if the
 * configuration exists; nothing is written unless every argument is good.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"
#include "hymn_args.h"

static const char	usage_add[] =
    "add [<flock>-]<src>-<dst> tunnel <ip/mask> [mtu <mtu|auto>] \\\n"
    "    [local <ip:port>] [secret <path>] [peer <ip:port>] "
    "[cathedral <host:port>] \\\n"
    "    [kek <path>] [identity <32-bit hexint>[:<path>]] [cosk <path>] "
    "[natport <port>] \\\n"
    "    [name <name>] [shroud yes|no] [device tun|tap] [bridge <name>] "
    "[user <name>]\n"
    "identity, cosk and natport only after cathedral, bridge only after "
    "device tap";

static const char *const	keywords[] = {
	"tunnel", "mtu", "local", "secret", "peer", "cathedral", "kek",
	"identity", "cosk", "natport", "name", "shroud", "device", "bridge",
	"user", NULL
};

/* What must be there once all arguments are in, as the reference checks. */
static void
check(const struct hymn_args *a)
{
	const struct hymn_conf	*c = a->c;

	if (!a->tunnel && !c->tap)
		hymn_fatal("missing tunnel");
	if (c->kek[0] != '\0' && !c->cathedral)
		hymn_fatal("kek is only relevant with a cathedral");
	if (c->kek[0] != '\0' && c->secret[0] != '\0')
		hymn_fatal("no need to specify a secret when using a kek");
	if (c->kek[0] == '\0' && c->secret[0] == '\0')
		hymn_fatal("missing secret");
	if (!a->peer && !c->cathedral)
		hymn_fatal("missing peer");
	if (c->cathedral && c->cathedral_id == 0)
		hymn_fatal("no cathedral identity given");
	if (c->cathedral && c->cathedral_cosk[0] == '\0')
		hymn_fatal("no cathedral cosk given");
	if (hymn_name_has_flock(&c->name) && !c->cathedral)
		hymn_fatal("a flock is only relevant for a cathedral");
}

/*
 * The derived values: flocks from the name, the ambry-managed secret with
 * a KEK, pidfile and control socket in the state directories.
 */
static void
derive(struct hymn_conf *c, const char *user)
{
	char	name[HYMN_NAME_MAX];

	if (hymn_name_has_flock(&c->name))
		(void)hymn_flock_parse(c->name.flock, &c->flock_src,
		    &c->flock_dst);
	if (c->kek[0] != '\0')
		hymn_path(c->secret, sizeof(c->secret), "%s/%" PRIx64 "-%"
		    PRIx64 "-%02x-%02x.secret", hymn_conf_dir, c->flock_src,
		    c->flock_dst, c->name.src, c->name.dst);
	hymn_name_str(&c->name, name, sizeof(name));
	hymn_path(c->pidfile, sizeof(c->pidfile), "%s/%s.pid", hymn_run_dir,
	    name);
	hymn_path(c->control, sizeof(c->control), "%s/%s.control",
	    hymn_tmp_dir, name);
	(void)hymn_copy(c->user, sizeof(c->user), user);
}

/* add <name> <keyword value>...: a new tunnel. */
int
hymn_cmd_add(int argc, char **argv)
{
	static struct hymn_conf	c;
	struct hymn_args	a;
	char			path[HYMN_PATH_MAX], name[HYMN_NAME_MAX];

	if (argc < 2)
		hymn_usage(usage_add);
	memset(&c, 0, sizeof(c));
	if (hymn_name_parse(argv[1], &c.name, NULL) == -1)
		hymn_fatal("'%s' is not a tunnel name [<flock>-]<src>-<dst> "
		    "(flock at least %d hex digits)", argv[1], HYMN_FLOCK_MIN);
	memset(&a, 0, sizeof(a));
	a.c = &c;
	a.usage = usage_add;
	hymn_args_parse(&a, keywords, argc - 2, argv + 2);
	check(&a);
	derive(&c, hymn_user(a.user));
	hymn_conf_path(path, sizeof(path), &c.name);
	hymn_name_str(&c.name, name, sizeof(name));
	if (access(path, F_OK) == 0)
		hymn_fatal("tunnel %s config exists", name);
	hymn_save(&c, 1);
	return (0);
}
