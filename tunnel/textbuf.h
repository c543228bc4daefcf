/*
 * Text built into a caller's buffer by appending, remembering when it ran
 * out so the caller checks once at the end (configuration writers).
 */
#ifndef SANCTUM_TEXTBUF_H
#define SANCTUM_TEXTBUF_H

#include <stddef.h>

struct textbuf {
	char	*buf;
	size_t	 len;
	size_t	 off;
	int	 full;	/* something did not fit */
};

void	textbuf_put(struct textbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
