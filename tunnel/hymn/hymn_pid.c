/*
 * Pidfiles: the PID a daemon wrote, whether that process still lives, and
 * whether it is a sanctum daemon at all, so that hymn never signals a
 * process that merely inherited a stale PID.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"

#define PID_MAX_VALUE	4194304		/* the kernel's PID_MAX_LIMIT */

/* Read at most len - 1 bytes of a small file; -1 if it cannot be read. */
static ssize_t
read_small(const char *path, char *buf, size_t len)
{
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (-1);
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return (-1);
	buf[n] = '\0';
	return (n);
}

/*
 * The PID in a pidfile: 1 with *pid set, 0 if there is no pidfile, -1 if
 * it exists but holds no PID (empty, garbage).
 */
int
hymn_pid_read(const char *path, long *pid)
{
	char		buf[32];
	uint64_t	v;
	ssize_t		n;

	if ((n = read_small(path, buf, sizeof(buf))) == -1)
		return (errno == ENOENT ? 0 : -1);
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	if (hymn_parse_dec(buf, PID_MAX_VALUE, &v) == -1 || v < 2)
		return (-1);
	*pid = (long)v;
	return (1);
}

/* Whether the process exists and is not a zombie. */
int
hymn_pid_alive(long pid)
{
	char	path[64], buf[512], *p;

	if (kill((pid_t)pid, 0) == -1 && errno != EPERM)
		return (0);
	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if (read_small(path, buf, sizeof(buf)) == -1)
		return (0);
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return (0);
	return (p[2] != 'Z' && p[2] != 'X');
}

/* Whether the last component of a path starts with "sanctum". */
static int
named_sanctum(const char *path)
{
	const char	*base = strrchr(path, '/');

	base = base == NULL ? path : base + 1;
	return (strncmp(base, "sanctum", 7) == 0);
}

/*
 * Whether the process is a sanctum daemon: its executable is called
 * sanctum*, or its first or second argument is (a daemon that renamed
 * itself, or a sanctum script run by its interpreter).
 */
int
hymn_pid_sanctum(long pid)
{
	char	path[64], buf[1024];
	ssize_t	n;
	size_t	first;

	snprintf(path, sizeof(path), "/proc/%ld/exe", pid);
	if ((n = readlink(path, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		if (named_sanctum(buf))
			return (1);
	}
	snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
	if ((n = read_small(path, buf, sizeof(buf))) <= 0)
		return (0);
	if (named_sanctum(buf))
		return (1);
	first = strlen(buf) + 1;
	return ((ssize_t)first < n && named_sanctum(buf + first));
}
