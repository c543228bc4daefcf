/*
 * Process titles as the reference shows them ("<instance> [<process>]"),
 * written over the argument area so ps and /proc/PID/cmdline show which
 * worker is which.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sanctum.h"

static char	*title_start;
static size_t	 title_len;

/* Remember where argv lives (its strings are contiguous). */
void
proctitle_init(int argc, char **argv)
{
	int	i;

	if (argc < 1)
		return;
	title_start = argv[0];
	for (i = 0; i < argc; i++) {
		if (argv[i] != title_start + title_len)
			break;
		title_len += strlen(argv[i]) + 1;
	}
}

/* Set the title, truncated to the original argument area. */
void
proctitle_set(const char *fmt, ...)
{
	va_list	ap;

	if (title_start == NULL || title_len < 2)
		return;
	memset(title_start, 0, title_len);
	va_start(ap, fmt);
	(void)vsnprintf(title_start, title_len - 1, fmt, ap);
	va_end(ap);
}
