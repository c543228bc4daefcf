/*
 * cathedralctl [--db PATH] [--keyring PATH] COMMAND [ARGS]
 *
 * The operator tool: a table of subcommands, one file per group, as in
 * wireguard-tools. Global options come before the command. The keyring
 * (KEKs) defaults to <db>.keyring; see cathedralctl(8).
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
	{ "flock", ctl_flock, "add FLOCK [--descr TEXT] | list" },
	{ "node", ctl_node, "list | set NODE --bandwidth MBIT [--peer-id N]" },
	{ "federation", ctl_federation, "add|del IP PORT | list" },
	{ "xflock", ctl_xflock, "add|del FLOCK-A FLOCK-B | list" },
	{ "enroll", ctl_enroll, "make a node's identity, keys and "
	    "configuration" },
	{ "token", ctl_token, "create: a one-time enrollment token" },
	{ "revoke", ctl_revoke, "NODE [--days D]: disable it, re-key its "
	    "flock" },
	{ "kek", ctl_kek, "renew NODE [--peer-id N] [--out DIR]" },
	{ "ambry", ctl_ambry, "generate --flock F [--xflock G] [--days D]" },
	{ "audit", ctl_audit, "[--after ID] [--limit N]: the audit log" },
	{ "backup", ctl_backup, "FILE: an online copy of the database" },
	{ "report", ctl_report, "[nodes|tunnels|flocks|federation] [--json] "
	    "[--html FILE] [--now TIME]" },
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
	fprintf(stderr, "\n  import --settings FILE --secretdir DIR\n"
	    "  enroll|token create --flock F --peer-id N --name NAME "
	    "--cathedral HOST:PORT\n"
	    "      [--bandwidth MBIT] [--natport PORT]\n"
	    "      [--mode liturgy --prefix NET [--group G] | --mode tunnel "
	    "--to N [--address A/P]]\n"
	    "      enroll: (--out DIR | --bundle FILE --passphrase-file P); "
	    "token: --ttl DURATION\n"
	    "\nsee cathedralctl(8)\n");
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
