/*
 * Settings parser with the reference's line rules (cathedral.md 3.12):
 * lines of at most 255 characters, leading blanks skipped, '#' comments,
 * tabs turned into spaces, trailing blanks kept (so "} " does not close a
 * block), the keyword ending at the first space, numbers read the way its
 * sscanf() formats read them. Where the reference would log a line and go
 * on, we report an error: an import must not half-apply a file. Values
 * that sscanf() would silently truncate are errors too.
 */

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

/* Parser state for one buffer. */
struct parse {
	struct settings		*s;
	settings_report_fn	 report;
	void			*arg;
	int			 line;
	int			 errors;
	int			 nomem;
	/* The open block; flocks are only added while none is open, so
	 * growing the array never moves it. */
	struct settings_flock	*block;
	int			 block_line;
};

/* Report a problem on the current line. */
static void __attribute__((format(printf, 3, 4)))
problem(struct parse *p, int warning, const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!warning)
		p->errors++;
	if (p->report != NULL)
		p->report(p->arg, p->line, warning, msg);
}

/* Make room for one more element of an array. */
static int
grow(struct parse *p, void **arr, size_t *cap, size_t n, size_t size)
{
	void	*np;
	size_t	 ncap;

	if (n < *cap)
		return (0);
	ncap = *cap == 0 ? 8 : *cap * 2;
	if ((np = realloc(*arr, ncap * size)) == NULL) {
		p->nomem = 1;
		return (-1);
	}
	*arr = np;
	*cap = ncap;
	return (0);
}

/* What sscanf() skips before a conversion. */
static int
is_space(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f');
}

static const char *
skip_space(const char *s)
{
	while (is_space(*s))
		s++;
	return (s);
}

/* Value of a hex digit, -1 if it is not one. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * %x-style: blanks, optional 0x, hex digits up to max. NULL when there is
 * no number; *range set when it does not fit (sscanf would truncate).
 */
static const char *
scan_hex(const char *s, uint64_t max, uint64_t *out, int *range)
{
	uint64_t	v = 0;
	int		d, digits = 0;

	s = skip_space(s);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hex_value(s[2]) >= 0)
		s += 2;
	for (; (d = hex_value(*s)) >= 0; s++, digits++) {
		if (v > (max - (uint64_t)d) / 16)
			*range = 1;
		else
			v = v * 16 + (uint64_t)d;
	}
	*out = v;
	return (digits > 0 ? s : NULL);
}

/* %u-style: blanks, decimal digits up to max. */
static const char *
scan_dec(const char *s, uint64_t max, uint64_t *out, int *range)
{
	uint64_t	v = 0;
	int		digits = 0;

	s = skip_space(s);
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (max - (uint64_t)(*s - '0')) / 10)
			*range = 1;
		else
			v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return (digits > 0 ? s : NULL);
}

/* %Ns-style: blanks, then a word of at most max characters into out. */
static const char *
scan_word(const char *s, char *out, size_t max, int *range)
{
	size_t	n = 0;

	s = skip_space(s);
	while (s[n] != '\0' && !is_space(s[n]))
		n++;
	if (n == 0)
		return (NULL);
	if (n > max) {
		*range = 1;
		n = max;
	}
	memcpy(out, s, n);
	out[n] = '\0';
	return (s + n);
}

/* The flock of that id parsed so far, or NULL. */
static struct settings_flock *
find_flock(struct settings *s, uint64_t id)
{
	size_t	i;

	for (i = 0; i < s->nflocks; i++) {
		if (s->flocks[i].id == id)
			return (&s->flocks[i]);
	}
	return (NULL);
}

/* flock <hex64> ... : open (or reopen) a block. */
static void
kw_flock(struct parse *p, const char *args)
{
	struct settings		*s = p->s;
	struct settings_flock	*f;
	uint64_t		 v;
	int			 range = 0;

	if (p->block != NULL) {
		problem(p, 0, "flock inside the block of flock %llx opened at "
		    "line %d (missing '}')",
		    (unsigned long long)p->block->id, p->block_line);
		return;
	}
	if (scan_hex(args, UINT64_MAX, &v, &range) == NULL || range) {
		problem(p, 0, "format error: expected 'flock <hex64> {'");
		return;
	}
	if (v & 0xff)
		problem(p, 1, "flock %llx: low byte %02x ignored (flock id "
		    "%llx)", (unsigned long long)v, (unsigned int)(v & 0xff),
		    (unsigned long long)(v & ~0xffULL));
	v &= ~0xffULL;
	if ((f = find_flock(s, v)) != NULL) {
		if (f->nallow > 0)
			problem(p, 1, "flock %llx reopened: the allow lines of "
			    "its earlier block (line %d) are dropped, as the "
			    "reference does", (unsigned long long)v, f->line);
		f->nallow = 0;
	} else {
		if (grow(p, (void **)&s->flocks, &s->flocks_cap, s->nflocks,
		    sizeof(*s->flocks)) == -1)
			return;
		f = &s->flocks[s->nflocks++];
		memset(f, 0, sizeof(*f));
		f->id = v;
	}
	f->line = p->line;
	p->block = f;
	p->block_line = p->line;
}

/* allow <hex32> spi <hex8> <dec> */
static void
kw_allow(struct parse *p, const char *args)
{
	struct settings_flock	*f = p->block;
	struct settings_allow	*a;
	uint64_t		 csid, peer, mbit;
	const char		*s;
	size_t			 i;
	int			 range = 0;

	if (f == NULL) {
		problem(p, 0, "allow outside a flock block");
		return;
	}
	if ((s = scan_hex(args, UINT32_MAX, &csid, &range)) == NULL ||
	    strncmp((s = skip_space(s)), "spi", 3) != 0 ||
	    (s = scan_hex(s + 3, UINT8_MAX, &peer, &range)) == NULL ||
	    scan_dec(s, UINT32_MAX, &mbit, &range) == NULL) {
		problem(p, 0, "format error: expected 'allow <hex32> spi "
		    "<hex8> <decimal Mbit/s>'");
		return;
	}
	if (range) {
		problem(p, 0, "allow: a value does not fit its field (id 32 "
		    "bits, spi 8 bits, bandwidth 32 bits)");
		return;
	}
	if (peer == 0) {
		problem(p, 0, "allow %08llx: spi 0 is not a peer id (1..255)",
		    (unsigned long long)csid);
		return;
	}
	for (i = 0; i < f->nallow; i++) {
		a = &f->allow[i];
		if (a->csid != csid || a->peer != peer)
			continue;
		if (a->mbit != mbit)
			problem(p, 0, "allow %08llx spi %02llx conflicts with "
			    "line %d (%u Mbit/s)", (unsigned long long)csid,
			    (unsigned long long)peer, a->line, a->mbit);
		else
			problem(p, 1, "allow %08llx spi %02llx repeats line %d",
			    (unsigned long long)csid,
			    (unsigned long long)peer, a->line);
		return;
	}
	if (grow(p, (void **)&f->allow, &f->allow_cap, f->nallow,
	    sizeof(*f->allow)) == -1)
		return;
	a = &f->allow[f->nallow++];
	a->csid = (uint32_t)csid;
	a->peer = (uint8_t)peer;
	a->mbit = (uint32_t)mbit;
	a->line = p->line;
}

/* ambry <path>: the rest of the line, verbatim. */
static void
kw_ambry(struct parse *p, const char *args)
{
	struct settings_flock	*f = p->block;
	struct settings_ambry	*a;
	size_t			 len = strlen(args);

	if (f == NULL) {
		problem(p, 0, "ambry outside a flock block");
		return;
	}
	if (len == 0) {
		problem(p, 0, "ambry without a path");
		return;
	}
	if (is_space(args[len - 1]) || is_space(args[0])) {
		problem(p, 0, "ambry path '%s' begins or ends with blanks, "
		    "which are part of the name (the reference would not find "
		    "the file)", args);
		return;
	}
	if (grow(p, (void **)&f->ambry, &f->ambry_cap, f->nambry,
	    sizeof(*f->ambry)) == -1)
		return;
	a = &f->ambry[f->nambry++];
	snprintf(a->path, sizeof(a->path), "%s", args);
	a->line = p->line;
}

/* xflock <hexA> <hexB> <path> */
static void
kw_xflock(struct parse *p, const char *args)
{
	struct settings		*s = p->s;
	struct settings_xflock	 x, *o;
	const char		*r;
	size_t			 i;
	int			 range = 0;

	memset(&x, 0, sizeof(x));
	if ((r = scan_hex(args, UINT64_MAX, &x.a, &range)) == NULL ||
	    (r = scan_hex(r, UINT64_MAX, &x.b, &range)) == NULL ||
	    scan_word(r, x.path, sizeof(x.path) - 1, &range) == NULL ||
	    range) {
		problem(p, 0, "format error: expected 'xflock <hex64> <hex64> "
		    "<path>'");
		return;
	}
	if ((x.a | x.b) & 0xff) {
		problem(p, 0, "xflock %llx %llx: flock ids must have low byte "
		    "0 (the reference keeps them as written and the xflock "
		    "never matches)", (unsigned long long)x.a,
		    (unsigned long long)x.b);
		return;
	}
	if (x.a == x.b) {
		problem(p, 0, "xflock of flock %llx with itself",
		    (unsigned long long)x.a);
		return;
	}
	if (find_flock(s, x.a) == NULL || find_flock(s, x.b) == NULL) {
		problem(p, 0, "xflock: flock %llx is not defined earlier in "
		    "the file", (unsigned long long)(find_flock(s, x.a) ==
		    NULL ? x.a : x.b));
		return;
	}
	for (i = 0; i < s->nxflocks; i++) {
		o = &s->xflocks[i];
		if ((o->a == x.a && o->b == x.b) ||
		    (o->a == x.b && o->b == x.a))
			problem(p, 1, "xflock %llx %llx repeats line %d; its "
			    "bundle is loaded again", (unsigned long long)x.a,
			    (unsigned long long)x.b, o->line);
	}
	if (grow(p, (void **)&s->xflocks, &s->xflocks_cap, s->nxflocks,
	    sizeof(*s->xflocks)) == -1)
		return;
	x.line = p->line;
	s->xflocks[s->nxflocks++] = x;
}

/* federate <ipv4> <port> */
static void
kw_federate(struct parse *p, const char *args)
{
	struct settings			*s = p->s;
	struct settings_federate	 f;
	char				 ip[16];
	const char			*r;
	uint64_t			 port;
	size_t				 i;
	int				 range = 0;

	memset(&f, 0, sizeof(f));
	if ((r = scan_word(args, ip, sizeof(ip) - 1, &range)) == NULL ||
	    range || scan_dec(r, UINT16_MAX, &port, &range) == NULL ||
	    range) {
		problem(p, 0, "format error: expected 'federate <ipv4> "
		    "<port>'");
		return;
	}
	if (inet_pton(AF_INET, ip, f.ip) != 1 || port == 0 ||
	    (f.ip[0] | f.ip[1] | f.ip[2] | f.ip[3]) == 0) {
		problem(p, 0, "federate: '%s' port %llu is not a usable IPv4 "
		    "address and port", ip, (unsigned long long)port);
		return;
	}
	f.port = (uint16_t)port;
	f.line = p->line;
	for (i = 0; i < s->nfederate; i++) {
		if (memcmp(s->federate[i].ip, f.ip, 4) == 0 &&
		    s->federate[i].port == f.port) {
			problem(p, 1, "federate %s %u repeats line %d", ip,
			    f.port, s->federate[i].line);
			return;
		}
	}
	if (s->nfederate >= SETTINGS_FEDERATE_MAX) {
		problem(p, 0, "too many federation peers (at most %d "
		    "including this cathedral)", SETTINGS_FEDERATE_MAX);
		return;
	}
	if (grow(p, (void **)&s->federate, &s->federate_cap, s->nfederate,
	    sizeof(*s->federate)) == -1)
		return;
	s->federate[s->nfederate++] = f;
}

/* One line of at most SETTINGS_LINE_MAX characters, NUL-terminated. */
static void
parse_line(struct parse *p, char *line)
{
	char	*sp, *kw;
	size_t	 i;

	while (is_space(*line))
		line++;
	if (line[0] == '\0' || line[0] == '#')
		return;
	for (i = 0; line[i] != '\0'; i++) {
		if (line[i] == '\t')
			line[i] = ' ';
	}
	if (strcmp(line, "}") == 0) {
		if (p->block == NULL)
			problem(p, 0, "'}' without an open flock block");
		p->block = NULL;
		return;
	}
	if ((sp = strchr(line, ' ')) == NULL) {
		problem(p, 0, "no space in line '%s'%s", line,
		    line[strlen(line) - 1] == '\r' ? " (CRLF line end?)" : "");
		return;
	}
	*sp = '\0';
	kw = line;
	if (strcmp(kw, "flock") == 0)
		kw_flock(p, sp + 1);
	else if (strcmp(kw, "allow") == 0)
		kw_allow(p, sp + 1);
	else if (strcmp(kw, "ambry") == 0)
		kw_ambry(p, sp + 1);
	else if (strcmp(kw, "xflock") == 0)
		kw_xflock(p, sp + 1);
	else if (strcmp(kw, "federate") == 0)
		kw_federate(p, sp + 1);
	else if (strcmp(kw, "}") == 0)
		problem(p, 0, "'} ' with trailing blanks does not close the "
		    "block (the reference treats it as an unknown keyword)");
	else
		problem(p, 0, "unknown keyword '%s'", kw);
}

/*
 * Parse a whole settings buffer into s (to be released with
 * settings_free()). Returns the number of errors, -1 when out of memory.
 */
int
settings_parse(const char *buf, size_t len, struct settings *s,
    settings_report_fn report, void *arg)
{
	struct parse	 p;
	char		 line[SETTINGS_LINE_MAX + 1];
	const char	*nl, *end = buf + len;
	size_t		 n;

	memset(s, 0, sizeof(*s));
	memset(&p, 0, sizeof(p));
	p.s = s;
	p.report = report;
	p.arg = arg;
	while (buf < end && !p.nomem) {
		p.line++;
		if ((nl = memchr(buf, '\n', (size_t)(end - buf))) == NULL)
			nl = end;
		n = (size_t)(nl - buf);
		if (n > SETTINGS_LINE_MAX)
			problem(&p, 0, "line longer than %d characters",
			    SETTINGS_LINE_MAX);
		else if (memchr(buf, '\0', n) != NULL)
			problem(&p, 0, "NUL byte in line");
		else {
			memcpy(line, buf, n);
			line[n] = '\0';
			parse_line(&p, line);
		}
		buf = nl + (nl < end);
	}
	if (p.nomem)
		return (-1);
	if (p.block != NULL) {
		p.line = p.block_line;
		problem(&p, 1, "the block of flock %llx is never closed",
		    (unsigned long long)p.block->id);
	}
	return (p.errors);
}

/* Release what settings_parse() allocated. */
void
settings_free(struct settings *s)
{
	size_t	i;

	for (i = 0; i < s->nflocks; i++) {
		free(s->flocks[i].allow);
		free(s->flocks[i].ambry);
	}
	free(s->flocks);
	free(s->xflocks);
	free(s->federate);
	memset(s, 0, sizeof(*s));
}
