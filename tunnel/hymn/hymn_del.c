/*
 * hymn del: remove a tunnel's (or liturgy's) configuration, refused while
 * its pidfile exists. Key, secret and remembrance files are left alone.
 */

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"

/* del <name>: only a tunnel that is not running. */
int
hymn_cmd_del(int argc, char **argv)
{
	struct hymn_conf	c;
	char			path[HYMN_PATH_MAX], name[HYMN_NAME_MAX];

	if (argc != 2)
		hymn_usage("del [name | [<flock>-]<src>-<dst>]");
	hymn_resolve(argv[1], &c);
	hymn_name_str(&c.name, name, sizeof(name));
	if (access(c.pidfile, F_OK) == 0)
		hymn_fatal("tunnel %s still up (%s exists)", name, c.pidfile);
	hymn_conf_path(path, sizeof(path), &c.name);
	if (unlink(path) == -1)
		hymn_fatal("failed to remove %s: %s", path, strerror(errno));
	return (0);
}
