/*
 * cathedralctl [--db PATH] [--keyring PATH] COMMAND [ARGS]
 *
 * The operator tool: a table of subcommands, one file per group, as in
 * wireguard-tools. Global options come before the command.
 */

#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"
#include "sanctum_crypto.h"

static const struct ctl_cmd	ctl_cmds[] = {
	{ "init", ctl_init, "create the database or migrate it to the "
	    "latest schema" },
	{ "import", ctl_import, "load a reference cathedral's settings, "
	    "secretdir and bundles" },
};

/* The synopsis and every command with its help line. */
static int
usage(const char *progname)
{
	size_t	i;

	fprintf(stderr, "usage: %s --db PATH [--keyring PATH] COMMAND "
	    "[ARGS]\n\ncommands:\n", progname);
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		fprintf(stderr, "  %-10s %s\n", ctl_cmds[i].name,
		    ctl_cmds[i].help);
	fprintf(stderr, "\n  import --settings FILE --secretdir DIR\n");
	return (1);
}

/* Global options, then the command from the table. */
int
main(int argc, char **argv)
{
	struct ctl	ctl;
	size_t		i;
	int		a;

	memset(&ctl, 0, sizeof(ctl));
	ctl.progname = "cathedralctl";
	for (a = 1; a < argc && strncmp(argv[a], "--", 2) == 0; a += 2) {
		if (a + 1 >= argc)
			return (usage(ctl.progname));
		if (strcmp(argv[a], "--db") == 0)
			ctl.db_path = argv[a + 1];
		else if (strcmp(argv[a], "--keyring") == 0)
			ctl.keyring = argv[a + 1];
		else
			return (usage(ctl.progname));
	}
	if (a >= argc || ctl.db_path == NULL || ctl.db_path[0] == '\0')
		return (usage(ctl.progname));
	if (sanctum_crypto_init() == -1)
		return (ctl_error(&ctl, "crypto init failed"));
	ctl_actor(&ctl);
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++) {
		if (strcmp(argv[a], ctl_cmds[i].name) == 0)
			return (ctl_cmds[i].fn(&ctl, argc - a, argv + a));
	}
	ctl_error(&ctl, "unknown command '%s'", argv[a]);
	return (usage(ctl.progname));
}
