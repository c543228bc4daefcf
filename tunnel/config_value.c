/*
 * sanctum.conf value syntax (tunnel.md 6.2): addresses, numbers, flags,
 * names and the key files that must be usable at parse time. Each parser
 * reports its own error, prefixed with the directive being parsed.
 */

#include <sys/stat.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "config_priv.h"

#define STRICT_BAD	-1	/* not a decimal number */
#define STRICT_BIG	-2	/* a decimal number above the limit */

/*
 * Strict decimal (ports, prefix lengths): digits only and nothing after,
 * at most max; STRICT_BAD or STRICT_BIG otherwise.
 */
static int
config_strict(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long	v = 0;

	if (*s == '\0')
		return (STRICT_BAD);
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return (STRICT_BAD);
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return (STRICT_BIG);
	}
	*out = v;
	return (0);
}

/* An IPv4 address in dotted decimal, as inet_pton() reads it. */
int
config_ipv4(struct config_parse *p, const char *s, struct in_addr *in)
{
	if (inet_pton(AF_INET, s, in) != 1)
		return (config_error(p, p->lineno,
		    "%s: '%s' is not an IPv4 address", p->name, s));
	return (0);
}

/* A port: strict decimal 0..65535, in host order. */
int
config_port(struct config_parse *p, const char *s, uint16_t *port)
{
	unsigned long	v;

	if (config_strict(s, 65535, &v) != 0)
		return (config_error(p, p->lineno,
		    "%s: '%s' is not a port number (0..65535)", p->name, s));
	*port = (uint16_t)v;
	return (0);
}

/* ip:port, the port strict decimal. */
int
config_addr(struct config_parse *p, char *s, struct sockaddr_in *sin)
{
	struct in_addr	in;
	uint16_t	port;
	char		*colon;

	if ((colon = strchr(s, ':')) == NULL)
		return (config_error(p, p->lineno,
		    "%s: '%s' is not <ip>:<port>", p->name, s));
	*colon++ = '\0';
	if (config_ipv4(p, s, &in) == -1 || config_port(p, colon, &port) == -1)
		return (-1);
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr = in;
	sin->sin_port = htons(port);
	return (0);
}

/* ip/prefix, the prefix length strict decimal and at most 32. */
int
config_prefixed(struct config_parse *p, char *s, struct in_addr *in,
    uint8_t *prefix)
{
	unsigned long	len;
	char		*slash;
	int		r;

	if ((slash = strchr(s, '/')) == NULL)
		return (config_error(p, p->lineno,
		    "%s: '%s' is not <ip>/<prefix>", p->name, s));
	*slash++ = '\0';
	if (config_ipv4(p, s, in) == -1)
		return (-1);
	if ((r = config_strict(slash, 32, &len)) == STRICT_BIG)
		return (config_error(p, p->lineno,
		    "%s: prefix length %s is larger than 32", p->name, slash));
	if (r != 0)
		return (config_error(p, p->lineno,
		    "%s: '%s' is not a prefix length", p->name, slash));
	*prefix = (uint8_t)len;
	return (0);
}

/* The netmask of a prefix length 0..32, in network order. */
struct in_addr
config_netmask(uint8_t prefix)
{
	struct in_addr	mask;

	mask.s_addr = prefix == 0 ? 0 : htonl(0xffffffffU << (32 - prefix));
	return (mask);
}

/*
 * Hex the way sscanf("%x") reads it: an optional 0x, then digits; what
 * follows them is ignored. Unlike sscanf a value above max is an error.
 */
int
config_hex(struct config_parse *p, const char *s, uint64_t max, uint64_t *out)
{
	const char	*q = s;
	uint64_t	 v = 0, d;

	if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X'))
		q += 2;
	if (!isxdigit((unsigned char)*q))
		return (config_error(p, p->lineno,
		    "%s: '%s' is not a hexadecimal number", p->name, s));
	for (; isxdigit((unsigned char)*q); q++) {
		d = (uint64_t)(isdigit((unsigned char)*q) ? *q - '0' :
		    tolower((unsigned char)*q) - 'a' + 10);
		if (d > max || v > (max - d) / 16)
			return (config_error(p, p->lineno,
			    "%s: '%s' is larger than 0x%llx", p->name, s,
			    (unsigned long long)max));
		v = v * 16 + d;
	}
	*out = v;
	return (0);
}

/*
 * Decimal the way sscanf("%u") reads it: digits, then anything, which is
 * ignored. A value above max is an error.
 */
int
config_dec(struct config_parse *p, const char *s, uint64_t max, uint64_t *out)
{
	const char	*q = s;
	uint64_t	 v = 0, d;

	if (!isdigit((unsigned char)*q))
		return (config_error(p, p->lineno,
		    "%s: '%s' is not a decimal number", p->name, s));
	for (; isdigit((unsigned char)*q); q++) {
		d = (uint64_t)(*q - '0');
		if (d > max || v > (max - d) / 10)
			return (config_error(p, p->lineno,
			    "%s: '%s' is larger than %llu", p->name, s,
			    (unsigned long long)max));
		v = v * 10 + d;
	}
	*out = v;
	return (0);
}

/* One of two exact words (yes/no, on/off): 1 for the first. */
int
config_flag(struct config_parse *p, const char *s, const char *yes,
    const char *no, int *out)
{
	if (strcmp(s, yes) == 0)
		*out = 1;
	else if (strcmp(s, no) == 0)
		*out = 0;
	else
		return (config_error(p, p->lineno,
		    "%s: expected '%s' or '%s', not '%s'", p->name, yes, no,
		    s));
	return (0);
}

/* A name of [A-Za-z0-9-] that fits out (instance, descr). */
int
config_name(struct config_parse *p, const char *s, char *out, size_t size)
{
	const char	*q;

	for (q = s; *q != '\0'; q++) {
		if (!isalnum((unsigned char)*q) && *q != '-')
			return (config_error(p, p->lineno,
			    "%s: '%s' may only contain A-Z, a-z, 0-9 and '-'",
			    p->name, s));
	}
	return (config_text(p, s, out, size));
}

/* Free text (a path) that fits out. */
int
config_text(struct config_parse *p, const char *s, char *out, size_t size)
{
	size_t	len = strlen(s);

	if (len >= size)
		return (config_error(p, p->lineno,
		    "%s: '%s' is longer than %zu characters", p->name, s,
		    size - 1));
	memcpy(out, s, len + 1);
	return (0);
}

/*
 * A key file that must be usable now (tunnel.md 6.4): opened like the
 * daemon opens it (read-only, no symlink), a regular file of exactly size
 * bytes, and not open to group or others since it is a secret. hint is
 * added to "does not exist".
 */
int
config_keyfile(struct config_parse *p, const char *s, off_t size,
    const char *hint, char *out, size_t outlen)
{
	struct stat	st;
	int		fd, r = -1;

	if (config_text(p, s, out, outlen) == -1)
		return (-1);
	fd = open(s, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP)
			return (config_error(p, p->lineno,
			    "%s: '%s' is a symbolic link", p->name, s));
		if (errno == ENOENT)
			return (config_error(p, p->lineno,
			    "%s: '%s' does not exist%s", p->name, s, hint));
		return (config_error(p, p->lineno, "%s: cannot open '%s': %s",
		    p->name, s, strerror(errno)));
	}
	if (fstat(fd, &st) == -1)
		config_error(p, p->lineno, "%s: cannot stat '%s': %s", p->name,
		    s, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		config_error(p, p->lineno, "%s: '%s' is not a regular file",
		    p->name, s);
	else if ((st.st_mode & 077) != 0)
		config_error(p, p->lineno, "%s: '%s' has mode %04o; a key file "
		    "must not be open to group or others (chmod 0600)", p->name,
		    s, (unsigned int)(st.st_mode & 07777));
	else if (st.st_size != size)
		config_error(p, p->lineno, "%s: '%s' is %lld bytes, expected "
		    "%lld", p->name, s, (long long)st.st_size, (long long)size);
	else
		r = 0;
	(void)close(fd);
	return (r);
}

/* Split s in place on runs of spaces; returns the word count (all words). */
int
config_split(char *s, char **words, int max)
{
	int	n = 0;

	for (;;) {
		while (*s == ' ')
			*s++ = '\0';
		if (*s == '\0')
			return (n);
		if (n < max)
			words[n] = s;
		n++;
		while (*s != '\0' && *s != ' ')
			s++;
	}
}
