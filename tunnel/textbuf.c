/* Appending formatted text to a fixed buffer (textbuf.h). */

#include <stdarg.h>
#include <stdio.h>

#include "textbuf.h"

/* Append; once something did not fit, nothing more is written. */
void
textbuf_put(struct textbuf *t, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (t->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->off, t->len - t->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= t->len - t->off)
		t->full = 1;
	else
		t->off += (size_t)n;
}
