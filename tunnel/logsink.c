/*
 * Where the guardian sends log lines: its own and those its workers write
 * to the log pipe. stderr (timestamped) in the foreground; when daemonized,
 * syslog if /dev/log exists, else the `logfile`, else stderr.
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sanctum.h"

#define LOGSINK_STDERR	0
#define LOGSINK_SYSLOG	1
#define LOGSINK_FILE	2

static int	sink = LOGSINK_STDERR;
static FILE	*sink_file;
static char	partial[2048];
static size_t	partial_len;

/* Write one line with a UTC timestamp to a stream. */
static void
emit_stream(FILE *fp, const char *line)
{
	struct timespec	ts;
	struct tm	tm;
	char		stamp[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(fp, "%s.%03ld UTC %s\n", stamp, ts.tv_nsec / 1000000, line);
	fflush(fp);
}

/* Emit one complete line to the chosen sink. */
static void
logsink_line(const char *line)
{
	switch (sink) {
	case LOGSINK_SYSLOG:
		syslog(LOG_INFO, "%s", line);
		break;
	case LOGSINK_FILE:
		emit_stream(sink_file, line);
		break;
	default:
		emit_stream(stderr, line);
		break;
	}
}

/* Choose the sink; returns 1 when stderr stays in use. */
int
logsink_open(int daemonized, const char *logfile)
{
	struct stat	st;
	int		fd;

	log_set_direct(logsink_line);
	if (!daemonized)
		return (1);
	if (stat("/dev/log", &st) == 0 && S_ISSOCK(st.st_mode)) {
		openlog("sanctum", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		sink = LOGSINK_SYSLOG;
		return (0);
	}
	if (logfile != NULL && logfile[0] != '\0') {
		fd = open(logfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, 0600);
		if (fd != -1 && (sink_file = fdopen(fd, "a")) != NULL) {
			sink = LOGSINK_FILE;
			return (0);
		}
		if (fd != -1)
			close(fd);
	}
	return (1);
}

/* Forward what workers wrote to the pipe, line by line. */
void
logsink_drain(int fd)
{
	char	*nl;
	ssize_t	n;

	for (;;) {
		n = read(fd, partial + partial_len,
		    sizeof(partial) - 1 - partial_len);
		if (n <= 0)
			return;
		partial_len += (size_t)n;
		partial[partial_len] = '\0';
		while ((nl = strchr(partial, '\n')) != NULL) {
			*nl = '\0';
			logsink_line(partial);
			partial_len -= (size_t)(nl + 1 - partial);
			memmove(partial, nl + 1, partial_len + 1);
		}
		if (partial_len == sizeof(partial) - 1) {
			logsink_line(partial);
			partial_len = 0;
		}
	}
}
