/*
 * libFuzzer harness: hymn's reader of its generated configurations. An
 * input is "<tunnel name>\n<configuration>". A configuration the reader
 * accepts is counted, written back, and what is written must read again
 * and settle after two rounds (every rewrite reverses the route and
 * accept lists, and a missing cathedral_flock_dst comes back as 0).
 */

#include <stdlib.h>
#include <string.h>

#include "hymn.h"

#include "fuzz.h"

/* Write c and read it back into out; abort if hymn cannot read itself. */
static int
round_trip(const struct hymn_conf *c, struct hymn_conf *out, char *buf,
    size_t len)
{
	char	err[256];
	int	n;

	if ((n = hymn_conf_render(c, buf, len)) == -1 ||
	    hymn_conf_parse(buf, (size_t)n, &c->name, out, err,
	    sizeof(err)) == -1)
		abort();
	return (n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hymn_conf	c[3];
	static char		b1[HYMN_CONF_MAX], b2[HYMN_CONF_MAX];
	struct hymn_name	name;
	const uint8_t		*nl;
	char			namebuf[HYMN_NAME_MAX], err[256];
	int			n1, n2;

	if ((nl = memchr(data, '\n', size)) == NULL ||
	    (size_t)(nl - data) >= sizeof(namebuf))
		return (0);
	memcpy(namebuf, data, (size_t)(nl - data));
	namebuf[nl - data] = '\0';
	if (hymn_name_parse(namebuf, &name, NULL) == -1)
		return (0);
	nl++;
	if (hymn_conf_parse((const char *)nl, size - (size_t)(nl - data),
	    &name, &c[0], err, sizeof(err)) == -1)
		return (0);
	fuzz_authenticated++;
	(void)round_trip(&c[0], &c[1], b1, sizeof(b1));
	n1 = round_trip(&c[1], &c[2], b1, sizeof(b1));
	(void)round_trip(&c[2], &c[0], b2, sizeof(b2));
	n2 = round_trip(&c[0], &c[1], b2, sizeof(b2));
	if (n1 != n2 || memcmp(b1, b2, (size_t)n1) != 0)
		abort();
	return (0);
}
