/*
 * hymn up, down, restart: start a tunnel's daemon (sanctum -c <conf> -d,
 * found through PATH, its output appended to <rundir>/<name>.log), stop it
 * with SIGQUIT, each waiting up to 10 s for the pidfile to come or go.
 * Without a name: every tunnel, except those a liturgy's bishop manages.
 */

#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hymn.h"

/* Sleep a tenth of a second. */
static void
tenth(void)
{
	struct timespec	ts = { 0, 100 * 1000 * 1000 };

	(void)nanosleep(&ts, NULL);
}

/*
 * Whether the pidfile names a live sanctum process (1, *pid set). A
 * pidfile without one (empty, a dead PID, or a PID now used by another
 * program) is stale: it is removed and never signalled.
 */
static int
running(const struct hymn_conf *c, long *pid)
{
	int	r;

	if ((r = hymn_pid_read(c->pidfile, pid)) == 0)
		return (0);
	if (r == 1 && hymn_pid_alive(*pid)) {
		if (hymn_pid_sanctum(*pid))
			return (1);
		hymn_warn("%s: pid %ld is not a sanctum process, not "
		    "signalling it", c->pidfile, *pid);
	}
	hymn_warn("removing stale pidfile %s", c->pidfile);
	if (unlink(c->pidfile) == -1 && errno != ENOENT)
		hymn_warn("failed to remove %s: %s", c->pidfile,
		    strerror(errno));
	return (0);
}

/* The child: stdin from /dev/null, output to the log, exec sanctum. */
static void __attribute__((noreturn))
child(char *conf, int log)
{
	char	*const argv[] = { "sanctum", "-c", conf, "-d", NULL };
	int	null;

	if ((null = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1 ||
	    dup2(null, STDIN_FILENO) == -1 || dup2(log, STDOUT_FILENO) == -1 ||
	    dup2(log, STDERR_FILENO) == -1)
		_exit(127);
	execvp("sanctum", argv);
	fprintf(stderr, "hymn: failed to run sanctum: %s\n", strerror(errno));
	_exit(127);
}

/* Wait for the pidfile of a started daemon, or for its failure. */
static int
wait_up(const struct hymn_conf *c, pid_t pid, const char *log)
{
	long	dpid;
	int	i, status, reaped = 0;

	for (i = 0; i < HYMN_WAIT_TENTHS; i++) {
		if (!reaped && waitpid(pid, &status, WNOHANG) == pid) {
			reaped = 1;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				printf("failed\n");
				hymn_warn("sanctum failed, see %s", log);
				return (-1);
			}
		}
		if (hymn_pid_read(c->pidfile, &dpid) == 1 &&
		    hymn_pid_alive(dpid)) {
			printf("done\n");
			return (0);
		}
		tenth();
	}
	printf("did not start after 10 seconds\n");
	hymn_warn("see %s", log);
	return (-1);
}

/* Start one tunnel unless it runs. */
static int
up_one(const struct hymn_conf *c)
{
	char	name[HYMN_NAME_MAX], conf[HYMN_PATH_MAX], log[HYMN_PATH_MAX];
	long	pid;
	pid_t	p;
	int	fd;

	hymn_name_str(&c->name, name, sizeof(name));
	if (running(c, &pid)) {
		printf("tunnel %s is up\n", name);
		return (0);
	}
	hymn_conf_path(conf, sizeof(conf), &c->name);
	hymn_path(log, sizeof(log), "%s/%s.log", hymn_run_dir, name);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		hymn_warn("%s: %s", log, strerror(errno));
		return (-1);
	}
	printf("waiting for %s to go up ... ", name);
	fflush(stdout);
	if ((p = fork()) == -1) {
		printf("failed\n");
		hymn_warn("fork: %s", strerror(errno));
		close(fd);
		return (-1);
	}
	if (p == 0)
		child(conf, fd);
	close(fd);
	return (wait_up(c, p, log));
}

/* Stop one tunnel if it runs. */
static int
down_one(const struct hymn_conf *c)
{
	char	name[HYMN_NAME_MAX];
	long	pid;
	int	i;

	hymn_name_str(&c->name, name, sizeof(name));
	if (!running(c, &pid)) {
		printf("tunnel %s is down\n", name);
		return (0);
	}
	if (kill((pid_t)pid, SIGQUIT) == -1) {
		hymn_warn("kill %ld: %s", pid, strerror(errno));
		return (-1);
	}
	printf("waiting for %s to go down ... ", name);
	fflush(stdout);
	for (i = 0; i < HYMN_WAIT_TENTHS; i++) {
		if (access(c->pidfile, F_OK) == -1 || !hymn_pid_alive(pid)) {
			(void)unlink(c->pidfile);
			printf("done\n");
			return (0);
		}
		tenth();
	}
	printf("did not exit after 10 seconds\n");
	return (-1);
}

/* Down then up. */
static int
restart_one(const struct hymn_conf *c)
{
	if (down_one(c) == -1)
		return (-1);
	return (up_one(c));
}

/*
 * fn over every tunnel not owned by a liturgy, in list order; with
 * only_running, just those with a pidfile.
 */
static int
for_all(int (*fn)(const struct hymn_conf *), int only_running)
{
	struct hymn_entry	*v;
	size_t			n, i;
	int			rc = 0;

	hymn_scan(&v, &n);
	for (i = 0; i < n; i++) {
		if (v[i].kind == HYMN_KIND_OWNED)
			continue;
		if (!v[i].ok) {
			hymn_warn("%s", v[i].err);
			rc = 1;
		} else if (!only_running || access(v[i].conf.pidfile,
		    F_OK) == 0) {
			if (fn(&v[i].conf) == -1)
				rc = 1;
		}
	}
	free(v);
	return (rc);
}

/* The common shape of up, down and restart. */
static int
updown(int argc, char **argv, int (*fn)(const struct hymn_conf *),
    int only_running, const char *usage)
{
	struct hymn_conf	c;

	if (argc == 1)
		return (for_all(fn, only_running));
	if (argc != 2)
		hymn_usage(usage);
	hymn_resolve(argv[1], &c);
	return (fn(&c) == -1 ? 1 : 0);
}

/* up [name] */
int
hymn_cmd_up(int argc, char **argv)
{
	return (updown(argc, argv, up_one, 0,
	    "up [name | [<flock>-]<src>-<dst>]"));
}

/* down [name] */
int
hymn_cmd_down(int argc, char **argv)
{
	return (updown(argc, argv, down_one, 1,
	    "down [name | [<flock>-]<src>-<dst>]"));
}

/* restart [name]: without a name, all down and then all up. */
int
hymn_cmd_restart(int argc, char **argv)
{
	if (argc == 1) {
		if (for_all(down_one, 1) != 0)
			return (1);
		return (for_all(up_one, 0));
	}
	return (updown(argc, argv, restart_one, 0,
	    "restart [name | [<flock>-]<src>-<dst>]"));
}
