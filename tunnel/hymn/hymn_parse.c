/*
 * The values hymn takes on its command line and reads back from its
 * configurations. Every parser is strict: the whole string must be used,
 * numbers must fit, and a failure returns -1 without side effects.
 */

#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hymn.h"

/* A decimal number of at most max: digits only, no sign, no blanks. */
int
hymn_parse_dec(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t	v = 0, d;

	if (*s == '\0' || strlen(s) > 20)
		return (-1);
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return (-1);
		d = (uint64_t)(*s - '0');
		if (d > max || v > (max - d) / 10)
			return (-1);
		v = v * 10 + d;
	}
	*out = v;
	return (0);
}

/* A hex number of 1..digits digits, with an optional 0x if prefix_ok. */
int
hymn_parse_hex(const char *s, size_t digits, int prefix_ok, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		n;
	int		d;

	if (prefix_ok && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	n = strlen(s);
	if (n == 0 || n > digits)
		return (-1);
	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return (-1);
		v = (v << 4) | (uint64_t)d;
	}
	*out = v;
	return (0);
}

/* A dotted-quad IPv4 address. */
int
hymn_parse_ip(const char *s, uint32_t *ip)
{
	struct in_addr	in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return (-1);
	*ip = in.s_addr;
	return (0);
}

/* "a.b.c.d:port", port 0..65535. */
int
hymn_parse_ipport(const char *s, uint32_t *ip, uint16_t *port)
{
	char		buf[32];
	char		*colon;
	uint64_t	v;

	if (hymn_copy(buf, sizeof(buf), s) == -1 ||
	    (colon = strchr(buf, ':')) == NULL)
		return (-1);
	*colon++ = '\0';
	if (hymn_parse_ip(buf, ip) == -1 ||
	    hymn_parse_dec(colon, UINT16_MAX, &v) == -1)
		return (-1);
	*port = (uint16_t)v;
	return (0);
}

/* "a.b.c.d/prefix", prefix 0..32; the address is not masked here. */
int
hymn_parse_net(const char *s, uint32_t *ip, uint8_t *prefix)
{
	char		buf[32];
	char		*slash;
	uint64_t	v;

	if (hymn_copy(buf, sizeof(buf), s) == -1 ||
	    (slash = strchr(buf, '/')) == NULL)
		return (-1);
	*slash++ = '\0';
	if (hymn_parse_ip(buf, ip) == -1 ||
	    hymn_parse_dec(slash, 32, &v) == -1)
		return (-1);
	*prefix = (uint8_t)v;
	return (0);
}

/* A tunnel MTU: 576..9200 or "auto" (0). */
int
hymn_parse_mtu(const char *s, uint16_t *mtu)
{
	uint64_t	v;

	if (strcmp(s, "auto") == 0) {
		*mtu = 0;
		return (0);
	}
	if (hymn_parse_dec(s, HYMN_MTU_MAX, &v) == -1 || v < HYMN_MTU_MIN)
		return (-1);
	*mtu = (uint16_t)v;
	return (0);
}

/* One of two words: yes (1) or no (0). */
int
hymn_parse_yesno(const char *s, const char *yes, const char *no, int *out)
{
	if (strcmp(s, yes) == 0)
		*out = 1;
	else if (strcmp(s, no) == 0)
		*out = 0;
	else
		return (-1);
	return (0);
}

/* Only characters from set, and 1..max-1 of them. */
static int
valid_chars(const char *s, size_t max, const char *set)
{
	size_t	n = strlen(s);

	if (n == 0 || n >= max)
		return (0);
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && strchr(set, *s) == NULL)
			return (0);
	}
	return (1);
}

/* A descr: alphanumerics and '-', fewer than 32 characters. */
int
hymn_valid_descr(const char *s)
{
	return (valid_chars(s, HYMN_DESCR_MAX, "-"));
}

/* A user name for the run lines: a portable login name. */
int
hymn_valid_user(const char *s)
{
	return (s[0] != '-' && valid_chars(s, HYMN_USER_MAX, "._-"));
}

/* A bridge interface name: at most 15 characters, no blanks or slashes. */
int
hymn_valid_bridge(const char *s)
{
	return (valid_chars(s, HYMN_BRIDGE_MAX, "._-"));
}

/* An absolute path without blanks or control characters. */
int
hymn_valid_path(const char *s)
{
	size_t	n = strlen(s);

	if (s[0] != '/' || n >= HYMN_PATH_MAX)
		return (0);
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return (0);
	}
	return (1);
}

/* A cathedral "host:port": a host name or address, port 1..65535. */
int
hymn_valid_host(const char *s)
{
	const char	*colon = strrchr(s, ':');
	char		host[HYMN_HOST_MAX];
	uint64_t	port;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host) ||
	    hymn_parse_dec(colon + 1, UINT16_MAX, &port) == -1 || port == 0)
		return (0);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	return (valid_chars(host, sizeof(host), ".-"));
}

/* strlcpy that refuses to truncate. */
int
hymn_copy(char *dst, size_t len, const char *src)
{
	size_t	n = strlen(src);

	if (n >= len)
		return (-1);
	memcpy(dst, src, n + 1);
	return (0);
}

/* "a.b.c.d:port" of a network-order address and a host-order port. */
void
hymn_ipport_str(char *buf, size_t len, uint32_t ip, uint16_t port)
{
	struct in_addr	in = { .s_addr = ip };
	char		a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &in, a, sizeof(a));
	snprintf(buf, len, "%s:%u", a, port);
}
