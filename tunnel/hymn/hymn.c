/*
 * hymn: manage the sanctum daemons of this node (tunnel.md 7.2).
 *   hymn [-C confdir] [-R rundir] [-T tmpdir] <command> [arguments]
 * Runs as root with umask 077; the configuration and run directories are
 * created (mode 0700) when missing.
 */

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"

const char	*hymn_conf_dir = "/etc/hymn";
const char	*hymn_run_dir = "/var/run/hymn";
const char	*hymn_tmp_dir = "/tmp";

/* The command table: name, function, whether it edits configurations. */
static const struct {
	const char	*name;
	int		(*cb)(int, char **);
	int		edits;
	const char	*help;
} cmds[] = {
	{ "accept", hymn_cmd_accept, 1,
	    "modify the networks accepted from a tunnel" },
	{ "add", hymn_cmd_add, 1,
	    "add a new tunnel" },
	{ "bridge", hymn_cmd_bridge, 1,
	    "attach to a bridge interface" },
	{ "cathedral", hymn_cmd_cathedral, 1,
	    "change cathedral for a tunnel" },
	{ "del", hymn_cmd_del, 1,
	    "delete an existing tunnel" },
	{ "down", hymn_cmd_down, 0,
	    "kills the given tunnel" },
	{ "enroll", hymn_cmd_enroll, 1,
	    "write this node's files from a bundle or a token" },
	{ "keygen", hymn_cmd_keygen, 0,
	    "create random 32-byte key files" },
	{ "list", hymn_cmd_list, 0,
	    "list all configured tunnels" },
	{ "liturgy", hymn_cmd_liturgy, 1,
	    "configure a liturgy" },
	{ "mtu", hymn_cmd_mtu, 1,
	    "change mtu for a given tunnel" },
	{ "name", hymn_cmd_name, 1,
	    "sets the name for a given tunnel" },
	{ "nat", hymn_cmd_nat, 1,
	    "change NAT detection port" },
	{ "rekey", hymn_cmd_rekey, 0,
	    "start a new key exchange now (not in the reference)" },
	{ "remembrance", hymn_cmd_remembrance, 1,
	    "toggle remembrance on given tunnel" },
	{ "restart", hymn_cmd_restart, 0,
	    "restart a tunnel (down, up)" },
	{ "route", hymn_cmd_route, 1,
	    "modify tunnel routing rules" },
	{ "shroud", hymn_cmd_shroud, 1,
	    "toggle shroud on a given tunnel" },
	{ "status", hymn_cmd_status, 0,
	    "show a specific tunnel its info" },
	{ "up", hymn_cmd_up, 0,
	    "starts the given tunnel" },
};

/* The top-level usage: options, environment, every command. */
static void __attribute__((noreturn))
usage(void)
{
	size_t	i;

	fprintf(stderr, "usage: hymn [-C confdir] [-R rundir] [-T tmpdir] "
	    "<command> [arguments]\n");
	fprintf(stderr, "commands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(stderr, "  %-11s - %s\n", cmds[i].name, cmds[i].help);
	fprintf(stderr, "options (also HYMN_CONFIG_DIR, HYMN_RUN_DIR, "
	    "HYMN_TMP_DIR; options win):\n"
	    "  -C dir      configurations (default /etc/hymn)\n"
	    "  -R dir      pidfiles and daemon logs (default /var/run/hymn)\n"
	    "  -T dir      control sockets (default /tmp)\n");
	exit(1);
}

/* Print "hymn: <message>" and exit 1. */
void
hymn_fatal(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fprintf(stderr, "hymn: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* Print "hymn: <message>" and carry on. */
void
hymn_warn(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fprintf(stderr, "hymn: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* A command's usage line, then exit 1. */
void
hymn_usage(const char *text)
{
	fflush(stdout);
	fprintf(stderr, "usage: hymn %s\n", text);
	exit(1);
}

/* snprintf a path; one that does not fit is fatal, never truncated. */
void
hymn_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		hymn_fatal("path too long");
}

/*
 * A state directory from an option, else the environment, else the
 * default: absolute, without trailing slashes.
 */
static const char *
state_dir(const char *opt, const char *env, const char *def)
{
	static char	bufs[3][HYMN_PATH_MAX];
	static int	used;
	const char	*v;
	char		*d;
	size_t		len;

	if ((v = opt) == NULL && ((v = getenv(env)) == NULL || *v == '\0'))
		return (def);
	d = bufs[used++];
	if (hymn_copy(d, HYMN_PATH_MAX - 64, v) == -1 || d[0] != '/')
		hymn_fatal("directory '%s' must be an absolute path", v);
	len = strlen(d);
	while (len > 1 && d[len - 1] == '/')
		d[--len] = '\0';
	if (len == 1 || !hymn_valid_path(d))
		hymn_fatal("directory '%s' is not usable", v);
	return (d);
}

/* Create a state directory (mode 0700) unless it exists as a directory. */
static void
make_dir(const char *dir)
{
	struct stat	st;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		hymn_fatal("failed to create %s: %s", dir, strerror(errno));
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode))
		hymn_fatal("%s is not a directory", dir);
}

/*
 * Commands that read a configuration, change it and write it back hold an
 * exclusive lock on the configuration directory, so that two of them never
 * interleave. The lock goes with the process.
 */
static void
lock_dir(const char *dir)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    flock(fd, LOCK_EX) == -1)
		hymn_fatal("failed to lock %s: %s", dir, strerror(errno));
}

/* Options, the command, root and umask, the state directories. */
int
main(int argc, char **argv)
{
	const char	*conf = NULL, *run = NULL, *tmp = NULL;
	size_t		i;
	int		ch;

	while ((ch = getopt(argc, argv, "+C:R:T:")) != -1) {
		switch (ch) {
		case 'C':
			conf = optarg;
			break;
		case 'R':
			run = optarg;
			break;
		case 'T':
			tmp = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name) == 0)
			break;
	}
	if (i == sizeof(cmds) / sizeof(cmds[0]))
		hymn_fatal("unknown command '%s'", argv[0]);
	if (geteuid() != 0)
		hymn_fatal("must be run as root");
	umask(077);
	hymn_conf_dir = state_dir(conf, "HYMN_CONFIG_DIR", hymn_conf_dir);
	hymn_run_dir = state_dir(run, "HYMN_RUN_DIR", hymn_run_dir);
	hymn_tmp_dir = state_dir(tmp, "HYMN_TMP_DIR", hymn_tmp_dir);
	make_dir(hymn_conf_dir);
	make_dir(hymn_run_dir);
	if (cmds[i].edits)
		lock_dir(hymn_conf_dir);
	return (cmds[i].cb(argc, argv));
}
