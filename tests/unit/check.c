/*
 * Shared helpers for the unit tests.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

int	check_failures;
int	check_passes;
char	scratch_dir[64];

/* Value of one hex digit, -1 if it is not one. */
static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Decode hex into at most max bytes; aborts on bad input (tests only). */
size_t
hex_decode(const char *hex, uint8_t *out, size_t max)
{
	size_t	len = strlen(hex), i;

	if (len % 2 != 0 || len / 2 > max) {
		fprintf(stderr, "hex_decode: bad length %zu\n", len);
		abort();
	}
	for (i = 0; i < len / 2; i++) {
		int	hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			abort();
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (len / 2);
}

/* Decode hex into a fresh buffer (at least one byte allocated). */
uint8_t *
hex_alloc(const char *hex, size_t *len)
{
	uint8_t	*buf;
	size_t	n = strlen(hex) / 2;

	if ((buf = malloc(n + 1)) == NULL)
		abort();
	*len = hex_decode(hex, buf, n);
	return (buf);
}

/* A 64-bit number written as hex digits, most significant first. */
uint64_t
hex_u64(const char *hex)
{
	if (hex == NULL) {
		fprintf(stderr, "hex_u64: missing vector field\n");
		abort();
	}
	return (strtoull(hex, NULL, 16));
}

/* Compare bytes with a hex string. */
int
hex_equal(const uint8_t *buf, size_t len, const char *hex)
{
	uint8_t	*want;
	size_t	n;
	int	eq;

	want = hex_alloc(hex, &n);
	eq = (n == len && memcmp(buf, want, len) == 0);
	free(want);
	return (eq);
}

/* Load tests/vectors/<name>; VECTOR_DIR is set by the build. */
struct json *
vector_load(const char *name)
{
	char		path[1024];
	const char	*dir = getenv("SANCTUM_VECTOR_DIR");

	if (dir == NULL)
		dir = VECTOR_DIR;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return (json_load(path));
}

/* Print the tally; the exit status of a test program. */
int
check_report(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_passes,
	    check_failures);
	if (check_passes == 0)
		return (1);
	return (check_failures == 0 ? 0 : 1);
}

/* Make the test's own directory, /tmp/NAME.XXXXXX (mode 0700). */
int
scratch_create(const char *name)
{
	snprintf(scratch_dir, sizeof(scratch_dir), "/tmp/%s.XXXXXX", name);
	return (mkdtemp(scratch_dir) == NULL ? -1 : 0);
}

/* A path in the scratch directory; the last eight stay valid. */
const char *
scratch_at(const char *name)
{
	static char	buf[8][512];
	static int	i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", scratch_dir, name);
	return (buf[i]);
}

/* Write a fresh file with a mode (the reference tools write 0500). */
void
scratch_put(const char *path, const void *buf, size_t len, mode_t mode)
{
	int	fd;

	unlink(path);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, buf, len) != (ssize_t)len || fchmod(fd, mode) == -1)
		abort();
	close(fd);
}

/* Remove the scratch directory and everything in it. */
int
scratch_remove(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", scratch_dir);
	return (system(cmd) == 0 ? 0 : -1);
}
