/*
 * Argument parsing shared by the cathedralctl subcommands: "--name value"
 * options, and strict readers for flocks, peer ids, numbers, addresses,
 * durations and times. Each prints what is wrong and returns -1.
 */

#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cathedralctl.h"

/*
 * Fill opts (terminated by a NULL name) from argv[first..]; every word must
 * be a known option, each at most once. Returns 0, or 1 after printing.
 */
int
ctl_options(struct ctl *ctl, int argc, char **argv, int first,
    struct ctl_opt *opts, const char *usage)
{
	struct ctl_opt	*o;
	int		 i;

	for (i = first; i < argc; i++) {
		for (o = opts; o->name != NULL; o++) {
			if (strcmp(argv[i], o->name) == 0)
				break;
		}
		if (o->name == NULL) {
			ctl_error(ctl, "unexpected '%s'", argv[i]);
			return (ctl_error(ctl, "usage: %s", usage));
		}
		if (o->set) {
			ctl_error(ctl, "%s given twice", o->name);
			return (ctl_error(ctl, "usage: %s", usage));
		}
		o->set = 1;
		if (o->flag)
			continue;
		if (i + 1 >= argc) {
			ctl_error(ctl, "%s needs a value", o->name);
			return (ctl_error(ctl, "usage: %s", usage));
		}
		o->value = argv[++i];
	}
	return (0);
}

/* The value of an option ("" for a set flag), NULL when it was not given. */
const char *
ctl_opt(const struct ctl_opt *opts, const char *name)
{
	for (; opts->name != NULL; opts++) {
		if (strcmp(opts->name, name) == 0 && opts->set)
			return (opts->flag ? "" : opts->value);
	}
	return (NULL);
}

/* Hex with an optional 0x, the whole string, at most max. */
static int
parse_hex(const char *s, uint64_t max, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (*s == '\0' || strspn(s, "0123456789abcdefABCDEF") != strlen(s) ||
	    strlen(s) > 16)
		return (-1);
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno != 0 || *end != '\0' || v > max)
		return (-1);
	*out = v;
	return (0);
}

/* A flock id: hex, non-zero, domain byte 0. */
int
ctl_parse_flock(struct ctl *ctl, const char *s, uint64_t *out)
{
	if (parse_hex(s, UINT64_MAX, out) == -1 || *out == 0) {
		ctl_error(ctl, "flock '%s': expected a non-zero hex flock id",
		    s);
		return (-1);
	}
	if (*out & 0xff) {
		ctl_error(ctl, "flock '%s' has a domain byte (the low 8 bits "
		    "of a flock id are 0)", s);
		return (-1);
	}
	return (0);
}

/* A peer id: hex 01..ff. */
int
ctl_parse_peer(struct ctl *ctl, const char *s, uint8_t *out)
{
	uint64_t	v;

	if (parse_hex(s, 0xff, &v) == -1 || v == 0) {
		ctl_error(ctl, "peer id '%s': expected hex 01..ff", s);
		return (-1);
	}
	*out = (uint8_t)v;
	return (0);
}

/* A decimal number 0..max, digits only. */
int
ctl_parse_u32(struct ctl *ctl, const char *what, const char *s, uint32_t max,
    uint32_t *out)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	if (s[0] < '0' || s[0] > '9' || strlen(s) > 10 ||
	    (v = strtoull(s, &end, 10), errno != 0) || *end != '\0' ||
	    v > max) {
		ctl_error(ctl, "%s '%s': expected a number 0..%u", what, s,
		    max);
		return (-1);
	}
	*out = (uint32_t)v;
	return (0);
}

/* An IPv4 address a.b.c.d. */
int
ctl_parse_ip(struct ctl *ctl, const char *s, uint8_t ip[4])
{
	if (inet_pton(AF_INET, s, ip) != 1) {
		ctl_error(ctl, "'%s': expected an IPv4 address", s);
		return (-1);
	}
	return (0);
}

/* A port, 1..65535 (0 too when zero is set). */
int
ctl_parse_port(struct ctl *ctl, const char *what, const char *s, int zero,
    uint16_t *out)
{
	uint32_t	v;

	if (ctl_parse_u32(ctl, what, s, 65535, &v) == -1)
		return (-1);
	if (v == 0 && !zero) {
		ctl_error(ctl, "%s: port 0 is not allowed", what);
		return (-1);
	}
	*out = (uint16_t)v;
	return (0);
}

/* a.b.c.d/len with len 0..32. */
int
ctl_parse_net(struct ctl *ctl, const char *s, uint8_t ip[4], uint8_t *len)
{
	char		buf[INET_ADDRSTRLEN + 4], *slash;
	uint32_t	v;

	if (strlen(s) >= sizeof(buf) || (slash = strchr(s, '/')) == NULL) {
		ctl_error(ctl, "'%s': expected a.b.c.d/prefix", s);
		return (-1);
	}
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (ctl_parse_ip(ctl, buf, ip) == -1 ||
	    ctl_parse_u32(ctl, "prefix length", slash + 1, 32, &v) == -1)
		return (-1);
	*len = (uint8_t)v;
	return (0);
}

/* host:port, the host a name or address of [A-Za-z0-9.-]. */
int
ctl_parse_hostport(struct ctl *ctl, const char *s, char *host, size_t hostlen,
    uint16_t *port)
{
	const char	*colon = strrchr(s, ':');
	size_t		 n;

	n = colon != NULL ? (size_t)(colon - s) : 0;
	if (colon == NULL || n == 0 || n > CTL_HOST_MAX || n >= hostlen ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-") != n) {
		ctl_error(ctl, "'%s': expected host:port", s);
		return (-1);
	}
	memcpy(host, s, n);
	host[n] = '\0';
	return (ctl_parse_port(ctl, "cathedral port", colon + 1, 0, port));
}

/* A duration: a number with s, m, h, d or w (seconds without), <= 1 year. */
int
ctl_parse_duration(struct ctl *ctl, const char *s, int64_t *out)
{
	static const struct {
		char	unit;
		int64_t	secs;
	} units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
		{ 'w', 7 * 86400 },
	};
	char		buf[16];
	size_t		n = strlen(s), i;
	int64_t		mul = 1;
	uint32_t	v;

	if (n == 0 || n >= sizeof(buf))
		goto bad;
	memcpy(buf, s, n + 1);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (buf[n - 1] == units[i].unit) {
			mul = units[i].secs;
			buf[n - 1] = '\0';
			break;
		}
	}
	if (buf[0] < '0' || buf[0] > '9' ||
	    strspn(buf, "0123456789") != strlen(buf) || strlen(buf) > 9)
		goto bad;
	v = (uint32_t)strtoul(buf, NULL, 10);
	if (v == 0 || (int64_t)v * mul > 366 * 86400)
		goto bad;
	*out = (int64_t)v * mul;
	return (0);
bad:
	ctl_error(ctl, "duration '%s': expected a number with s, m, h, d or w, "
	    "at most a year", s);
	return (-1);
}

/* A unix time in seconds. */
int
ctl_parse_time(struct ctl *ctl, const char *s, int64_t *out)
{
	char			*end;
	unsigned long long	 v;

	errno = 0;
	if (s[0] < '0' || s[0] > '9' ||
	    (v = strtoull(s, &end, 10), errno != 0) || *end != '\0' ||
	    v > (1ULL << 40)) {
		ctl_error(ctl, "time '%s': expected unix seconds", s);
		return (-1);
	}
	*out = (int64_t)v;
	return (0);
}

/* A time as "YYYY-MM-DD HH:MM:SS" in UTC. */
void
ctl_time_str(int64_t t, char *buf, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

/* A node name: printable ASCII, 1..64, no ':' (that would read as an id). */
int
ctl_name_ok(struct ctl *ctl, const char *name)
{
	size_t	i, n = strlen(name);

	for (i = 0; i < n; i++) {
		if (name[i] < ' ' || name[i] > '~' || name[i] == ':')
			break;
	}
	if (n == 0 || n > DB_NAME_MAX || i != n || name[0] == ' ' ||
	    name[n - 1] == ' ') {
		ctl_error(ctl, "name '%s': 1 to %d printable characters, no "
		    "':' and no blank at either end", name, DB_NAME_MAX);
		return (-1);
	}
	return (0);
}

/*
 * Open the database as its owner for a command that needs the latest
 * schema; an older one is refused with the way out (init migrates it).
 */
struct db *
ctl_db_use(struct ctl *ctl, int mode)
{
	struct db	*db;
	int		 version;

	if ((db = ctl_db_open(ctl, mode)) == NULL)
		return (NULL);
	if (db_user_version(db, &version) == -1) {
		ctl_error(ctl, "%s: %s", ctl->db_path, db_error(db));
		ctl_db_close(ctl, db);
		return (NULL);
	}
	if (version != DB_SCHEMA_VERSION) {
		ctl_error(ctl, "%s: schema version %d, expected %d: run "
		    "cathedralctl --db %s init first", ctl->db_path, version,
		    DB_SCHEMA_VERSION, ctl->db_path);
		ctl_db_close(ctl, db);
		return (NULL);
	}
	return (db);
}
