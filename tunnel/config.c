/*
 * sanctum.conf: the line reader and directive dispatch (tunnel.md 6.1), the
 * loader that only hands out a configuration that passed every check, and
 * the names of modes and processes (tunnel.md 1.2).
 */

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

#define CONFIG_LINE_MAX		8192	/* the reference reads 8191 bytes a go */
#define CONFIG_MSG_MAX		1024	/* one message before its location */

static const char *const	config_modes[SANCTUM_MODE_MAX + 1] = {
	[SANCTUM_MODE_TUNNEL] = "tunnel",
	[SANCTUM_MODE_PILGRIM] = "pilgrim",
	[SANCTUM_MODE_SHRINE] = "shrine",
	[SANCTUM_MODE_CATHEDRAL] = "cathedral",
	[SANCTUM_MODE_LITURGY] = "liturgy",
};

static const char *const	config_procs[SANCTUM_PROC_MAX + 1] = {
	[SANCTUM_PROC_HEAVEN_RX] = "heaven-rx",
	[SANCTUM_PROC_HEAVEN_TX] = "heaven-tx",
	[SANCTUM_PROC_PURGATORY_RX] = "purgatory-rx",
	[SANCTUM_PROC_PURGATORY_TX] = "purgatory-tx",
	[SANCTUM_PROC_BLESS] = "bless",
	[SANCTUM_PROC_CONFESS] = "confess",
	[SANCTUM_PROC_CHAPEL] = "chapel",
	[SANCTUM_PROC_CONTROL] = "control",
	[SANCTUM_PROC_PILGRIM] = "pilgrim",
	[SANCTUM_PROC_SHRINE] = "shrine",
	[SANCTUM_PROC_CATHEDRAL] = "cathedral",
	[SANCTUM_PROC_LITURGY] = "liturgy",
	[SANCTUM_PROC_BISHOP] = "bishop",
};

#define P(t)	(1U << SANCTUM_PROC_ ## t)

/*
 * Write "PATH:LINE: message" (or "PATH: message" for line 0) into the
 * caller's buffer, with anything unprintable shown as '?' since values
 * are echoed; returns -1 so callers can return it.
 */
int
config_error(struct config_parse *p, int line, const char *fmt, ...)
{
	char		msg[CONFIG_MSG_MAX];
	va_list		ap;
	size_t		i;

	if (p->err == NULL || p->errlen == 0)
		return (-1);
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		(void)snprintf(p->err, p->errlen, "%s:%d: %s", p->path, line,
		    msg);
	else
		(void)snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
	for (i = 0; p->err[i] != '\0'; i++) {
		if (!isprint((unsigned char)p->err[i]))
			p->err[i] = '?';
	}
	return (-1);
}

/* The values a file starts from: every default that is not zero. */
static void
config_defaults(struct sanctum_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = SANCTUM_MODE_TUNNEL;
	(void)strcpy(cfg->control_path, CONFIG_CONTROL_DEFAULT);
	(void)strcpy(cfg->control_user, CONFIG_CONTROL_USER_DEFAULT);
	cfg->local.sin_family = AF_INET;
	cfg->peer.sin_family = AF_INET;
	cfg->cathedral.sin_family = AF_INET;
	cfg->cathedral_ip.sin_family = AF_INET;
	cfg->metrics.sin_family = AF_INET;
	cfg->liturgy_discoverable = 1;
}

/*
 * One read the way the reference's fgets() does it: up to and including a
 * newline, at most size - 1 bytes, so a longer line comes back in pieces.
 * Returns 1 with a piece, 0 at the end, -1 on a read error or a NUL byte
 * (errno 0), which would silently cut the line short.
 */
static int
config_read(FILE *fp, char *buf, size_t size, int *newline)
{
	size_t	len = 0;
	int	c, nul = 0;

	*newline = 0;
	while (len < size - 1 && (c = getc(fp)) != EOF) {
		if (c == '\0')
			nul = 1;
		if (c == '\n') {
			*newline = 1;
			break;
		}
		buf[len++] = (char)c;
	}
	buf[len] = '\0';
	if (ferror(fp))
		return (-1);
	if (nul) {
		errno = 0;
		return (-1);
	}
	return (len > 0 || *newline);
}

/*
 * One line (tunnel.md 6.1): tabs become spaces, leading blanks and '#'
 * comments are skipped, the keyword ends at the first space and the value
 * is the rest, trimmed. Order rules and duplicates are enforced here, the
 * meaning by the directive's handler.
 */
static int
config_line(struct config_parse *p, char *line)
{
	const struct config_directive	*d;
	char				*value, *end;
	int				 id;

	for (value = line; *value != '\0'; value++) {
		if (*value == '\t')
			*value = ' ';
	}
	while (isspace((unsigned char)*line))
		line++;
	if (*line == '\0' || *line == '#')
		return (0);

	if ((value = strchr(line, ' ')) != NULL)
		*value++ = '\0';
	else
		value = line + strlen(line);
	while (isspace((unsigned char)*value))
		value++;
	end = value + strlen(value);
	while (end > value && isspace((unsigned char)end[-1]))
		*--end = '\0';

	if ((id = config_directive_find(line)) == -1)
		return (config_error(p, p->lineno, "unknown directive '%s'",
		    line));
	d = config_directive(id);
	p->name = d->name;
	if (*value == '\0')
		return (config_error(p, p->lineno, "missing value for '%s'",
		    d->name));
	if (!(d->flags & CONFIG_F_MULTI) && p->seen[id] != 0)
		return (config_error(p, p->lineno,
		    "duplicate '%s' (first on line %d)", d->name, p->seen[id]));
	if ((d->flags & CONFIG_F_AFTER_MODE) &&
	    !(d->modes & CONFIG_M(p->cfg->mode)))
		return (config_error(p, p->lineno,
		    "'%s' must come after 'mode cathedral'", d->name));
	if ((d->flags & CONFIG_F_AFTER_SPI) && p->seen[CONFIG_D_SPI] == 0)
		return (config_error(p, p->lineno,
		    "'%s' must come after 'spi'", d->name));
	if (p->seen[id] == 0)
		p->seen[id] = p->lineno;
	return (d->handler(p, value));
}

/* Every line of the file, in order; lineno is the physical line. */
static int
config_lines(struct config_parse *p, FILE *fp)
{
	char	buf[CONFIG_LINE_MAX];
	int	r, newline, next = 1;

	for (;;) {
		p->lineno = next;
		if ((r = config_read(fp, buf, sizeof(buf), &newline)) == 0)
			return (0);
		if (r == -1) {
			if (errno == 0)
				return (config_error(p, p->lineno,
				    "line contains a NUL byte"));
			return (config_error(p, 0, "%s", strerror(errno)));
		}
		if (newline)
			next++;
		if (config_line(p, buf) == -1)
			return (-1);
	}
}

/* config_load() that can be told not to use DNS (the fuzz harness). */
int
config_load_flags(struct sanctum_config *cfg, const char *path, int flags,
    char *err, size_t errlen)
{
	struct config_parse	 p;
	struct sanctum_config	*work;
	FILE			*fp;
	int			 rc;

	memset(&p, 0, sizeof(p));
	p.path = path;
	p.err = err;
	p.errlen = errlen;
	p.flags = flags;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((work = malloc(sizeof(*work))) == NULL)
		return (config_error(&p, 0, "out of memory"));
	config_defaults(work);
	p.cfg = work;

	if ((fp = fopen(path, "re")) == NULL) {
		rc = config_error(&p, 0, "%s", strerror(errno));
	} else {
		rc = config_lines(&p, fp);
		(void)fclose(fp);
		if (rc == 0)
			rc = config_check(&p);
	}
	if (rc == 0)
		memcpy(cfg, work, sizeof(*work));
	free(work);
	return (rc);
}

/*
 * Parse and validate the file at path into cfg; on any error cfg is left
 * untouched and err holds "PATH:LINE: message".
 */
int
config_load(struct sanctum_config *cfg, const char *path, char *err,
    size_t errlen)
{
	return (config_load_flags(cfg, path, 0, err, errlen));
}

/* The run-directive name of a process type, NULL if there is none. */
const char *
config_proc_name(int type)
{
	if (type < 1 || type > SANCTUM_PROC_MAX)
		return (NULL);
	return (config_procs[type]);
}

/* The process type of a run-directive name, -1 if unknown. */
int
config_proc_type(const char *name)
{
	int	t;

	for (t = 1; t <= SANCTUM_PROC_MAX; t++) {
		if (strcmp(config_procs[t], name) == 0)
			return (t);
	}
	return (-1);
}

/*
 * The processes a mode starts besides the guardian, one bit per type
 * (1 << SANCTUM_PROC_*); tunnel.md 1.2, cathedral.md 3.1 and 6.1.
 */
uint32_t
config_mode_procs(int mode)
{
	switch (mode) {
	case SANCTUM_MODE_TUNNEL:
		return (P(CONTROL) | P(PURGATORY_RX) | P(PURGATORY_TX) |
		    P(HEAVEN_RX) | P(BLESS) | P(HEAVEN_TX) | P(CONFESS) |
		    P(CHAPEL));
	case SANCTUM_MODE_PILGRIM:
		return (P(CONTROL) | P(PURGATORY_TX) | P(HEAVEN_RX) |
		    P(BLESS) | P(PILGRIM));
	case SANCTUM_MODE_SHRINE:
		return (P(CONTROL) | P(PURGATORY_RX) | P(HEAVEN_TX) |
		    P(CONFESS) | P(SHRINE));
	case SANCTUM_MODE_CATHEDRAL:
		return (P(CONTROL) | P(PURGATORY_RX) | P(PURGATORY_TX) |
		    P(CATHEDRAL));
	case SANCTUM_MODE_LITURGY:
		return (P(PURGATORY_RX) | P(PURGATORY_TX) | P(LITURGY) |
		    P(BISHOP));
	}
	return (0);
}

/* The name of a cathedral_limit entry. */
const char *
config_limit_name(int limit)
{
	static const char	*names[CONFIG_LIMIT_MAX] = {
		"tunnels", "liturgies", "sources", "seeds", "offer-rate",
		"offer-burst"
	};

	if (limit < 0 || limit >= CONFIG_LIMIT_MAX)
		return (NULL);
	return (names[limit]);
}

/* The name "mode" takes for a mode ("default" is read as tunnel). */
const char *
config_mode_name(int mode)
{
	if (mode < 1 || mode > SANCTUM_MODE_MAX)
		return (NULL);
	return (config_modes[mode]);
}
