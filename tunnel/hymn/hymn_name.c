/*
 * Tunnel names: [<flock>-]<src>-<dst>, src and dst one byte in hex, the
 * flock "<hex>" or "<hex>:<hex>" (source and destination flock). Without a
 * flock the name uses the literal "hymn". A liturgy is <flock>-<src>-liturgy
 * and lives in the file of <flock>-<src>-00.
 */

#include <stdio.h>
#include <string.h>

#include "hymn.h"

/* One byte as 1..2 hex digits. */
static int
parse_id(const char *s, uint8_t *out)
{
	uint64_t	v;

	if (hymn_parse_hex(s, 2, 0, &v) == -1)
		return (-1);
	*out = (uint8_t)v;
	return (0);
}

/*
 * The flock values of a flock name: the source flock (8..16 hex digits,
 * the first 8 become part of the instance name) and, after a colon, the
 * destination flock (1..16 digits, default the source flock).
 */
int
hymn_flock_parse(const char *flock, uint64_t *src, uint64_t *dst)
{
	char		buf[HYMN_FLOCK_MAX + 1];
	char		*colon;

	if (hymn_copy(buf, sizeof(buf), flock) == -1)
		return (-1);
	if ((colon = strchr(buf, ':')) != NULL)
		*colon++ = '\0';
	if (strlen(buf) < HYMN_FLOCK_MIN ||
	    hymn_parse_hex(buf, 16, 0, src) == -1)
		return (-1);
	if (colon == NULL)
		*dst = *src;
	else if (hymn_parse_hex(colon, 16, 0, dst) == -1)
		return (-1);
	return (0);
}

/*
 * Parse a tunnel name. With liturgy non-NULL the destination may be the
 * word "liturgy" (then *liturgy is 1 and dst 0).
 */
int
hymn_name_parse(const char *s, struct hymn_name *n, int *liturgy)
{
	char		buf[HYMN_NAME_MAX];
	char		*part[3], *p;
	uint64_t	fs, fd;
	int		last = 0;

	if (liturgy != NULL)
		*liturgy = 0;
	if (hymn_copy(buf, sizeof(buf), s) == -1)
		return (-1);
	for (p = buf; last < 3; last++) {
		part[last] = p;
		if ((p = strchr(p, '-')) == NULL)
			break;
		*p++ = '\0';
	}
	if (p != NULL || last == 0)
		return (-1);
	memset(n, 0, sizeof(*n));
	if (last == 1) {
		part[2] = part[1];
		part[1] = part[0];
		part[0] = HYMN_NO_FLOCK;
	} else if (strcmp(part[0], HYMN_NO_FLOCK) != 0 &&
	    hymn_flock_parse(part[0], &fs, &fd) == -1) {
		return (-1);
	}
	if (hymn_copy(n->flock, sizeof(n->flock), part[0]) == -1 ||
	    parse_id(part[1], &n->src) == -1)
		return (-1);
	if (liturgy != NULL && last == 2 && strcmp(part[2], "liturgy") == 0) {
		*liturgy = 1;
		n->dst = 0;
		return (0);
	}
	return (parse_id(part[2], &n->dst));
}

/* Whether the name carries a flock (anything but "hymn"). */
int
hymn_name_has_flock(const struct hymn_name *n)
{
	return (strcmp(n->flock, HYMN_NO_FLOCK) != 0);
}

/* The canonical name: <flock>-<src %02x>-<dst %02x>. */
void
hymn_name_str(const struct hymn_name *n, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%02x-%02x", n->flock, n->src, n->dst);
}

/*
 * The instance (interface) name: the first 8 characters of the flock name,
 * then -<src>-<dst>, or -liturgy for a liturgy.
 */
void
hymn_name_instance(const struct hymn_name *n, int liturgy, char *buf,
    size_t len)
{
	if (liturgy)
		snprintf(buf, len, "%.8s-liturgy", n->flock);
	else
		snprintf(buf, len, "%.8s-%02x-%02x", n->flock, n->src, n->dst);
}
