/*
 * hymn liturgy: create the configuration of a liturgy <flock>-<src>, kept
 * in <flock>-<src>-00.conf (cathedral.md 6.1, 6.4). Its bishop later adds
 * the tunnels <flock>-<src>-<peer> with hymn add.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"
#include "hymn_args.h"

static const char	usage_liturgy[] =
    "liturgy <flock>-<src> cathedral <host:port> \\\n"
    "    identity <32-bit hexint>[:<path>] kek <path> cosk <path> \\\n"
    "    prefix <a.b.0.0> group <16-bit hexint> [natport <port>] \\\n"
    "    [discoverable yes|no] [device tun|tap] [bridge <name>] "
    "[user <user>] [shroud yes|no]\n"
    "identity, cosk and natport only after cathedral, bridge only after "
    "device tap";

static const char *const	keywords[] = {
	"cathedral", "identity", "kek", "cosk", "prefix", "group", "natport",
	"discoverable", "device", "bridge", "user", "shroud", NULL
};

/* <flock>-<src>: a flock without a destination part, and an id. */
static void
liturgy_name(const char *arg, struct hymn_name *n)
{
	char	buf[HYMN_NAME_MAX];

	if (snprintf(buf, sizeof(buf), "%s-00", arg) >= (int)sizeof(buf) ||
	    hymn_name_parse(buf, n, NULL) == -1 || !hymn_name_has_flock(n) ||
	    strchr(n->flock, ':') != NULL)
		hymn_fatal("'%s' is not a liturgy name <flock>-<src> (flock at "
		    "least %d hex digits)", arg, HYMN_FLOCK_MIN);
}

/* liturgy <flock>-<src> <keyword value>...: a new liturgy. */
int
hymn_cmd_liturgy(int argc, char **argv)
{
	static struct hymn_conf	c;
	struct hymn_args	a;
	char			path[HYMN_PATH_MAX], name[HYMN_NAME_MAX];
	uint64_t		dst;

	if (argc < 2)
		hymn_usage(usage_liturgy);
	memset(&c, 0, sizeof(c));
	liturgy_name(argv[1], &c.name);
	c.liturgy = 1;
	c.discoverable = 1;
	memset(&a, 0, sizeof(a));
	a.c = &c;
	a.usage = usage_liturgy;
	hymn_args_parse(&a, keywords, argc - 2, argv + 2);
	if (!c.cathedral || c.cathedral_id == 0 || c.kek[0] == '\0' ||
	    c.cathedral_cosk[0] == '\0' || !a.prefix || !a.group) {
		hymn_warn("missing cathedral, identity, kek, cosk, prefix or "
		    "group");
		hymn_usage(usage_liturgy);
	}
	(void)hymn_flock_parse(c.name.flock, &c.flock_src, &dst);
	hymn_name_str(&c.name, name, sizeof(name));
	hymn_path(c.pidfile, sizeof(c.pidfile), "%s/%s.pid", hymn_run_dir,
	    name);
	(void)hymn_copy(c.user, sizeof(c.user), hymn_user(a.user));
	hymn_conf_path(path, sizeof(path), &c.name);
	if (access(path, F_OK) == 0)
		hymn_fatal("liturgy %.*s exists", (int)strlen(name) - 3, name);
	hymn_save(&c, 1);
	return (0);
}
