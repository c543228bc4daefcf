/*
 * Logging. A worker writes one line per event ("proc: message key=value")
 * to fd 2, a non-blocking pipe to the guardian, with one write so lines
 * never interleave; nothing else is needed in its sandbox, and a missing
 * syslog socket can never kill it. The guardian forwards the lines to
 * stderr, a log file or syslog (logsink.c).
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sanctum.h"

#define LOG_LINE_MAX	1024

static const char	*log_proc = "sanctum";
static int		 log_fd = 2;
static void		(*log_direct)(const char *line);

/* Name the process in every line and choose where lines go. */
void
log_init(const char *proc, int fd)
{
	log_proc = proc;
	log_fd = fd;
}

/* The guardian writes its own lines straight to the sink. */
void
log_set_direct(void (*sink)(const char *line))
{
	log_direct = sink;
}

/* Format and emit one line. */
static void
log_vline(const char *fmt, va_list ap)
{
	char	line[LOG_LINE_MAX];
	int	n, m;

	n = snprintf(line, sizeof(line), "%s: ", log_proc);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	if (log_direct != NULL) {
		line[n] = '\0';
		log_direct(line);
		return;
	}
	line[n++] = '\n';
	while (write(log_fd, line, (size_t)n) == -1 && errno == EINTR)
		;
}

/* Log one event. */
void
log_msg(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(fmt, ap);
	va_end(ap);
}

/* Log and exit 1; the guardian then tears the daemon down. */
void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vline(fmt, ap);
	va_end(ap);
	exit(1);
}
