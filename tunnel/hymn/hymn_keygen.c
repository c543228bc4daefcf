/*
 * hymn keygen <path>...: new 32-byte random key files (traffic secrets,
 * cathedral secrets), created exclusively with mode 0500, never over an
 * existing file or through a symlink. Stops at the first failure.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"
#include "sanctum_crypto.h"

/* One key file; a partly written one is removed. */
static void
keygen_one(const char *path)
{
	uint8_t	key[SANCTUM_KEY_LEN];
	int	fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0500);
	if (fd == -1)
		hymn_fatal("failed to create '%s': %s", path, strerror(errno));
	sanctum_random_bytes(key, sizeof(key));
	if (write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    fsync(fd) == -1) {
		sanctum_wipe(key, sizeof(key));
		close(fd);
		(void)unlink(path);
		hymn_fatal("failed to write '%s': %s", path, strerror(errno));
	}
	sanctum_wipe(key, sizeof(key));
	if (close(fd) == -1) {
		(void)unlink(path);
		hymn_fatal("failed to write '%s': %s", path, strerror(errno));
	}
}

/* keygen <path>...: one key per path, in order. */
int
hymn_cmd_keygen(int argc, char **argv)
{
	int	i;

	if (argc < 2)
		hymn_usage("keygen [key1] [key2] [keyN] ...");
	if (sanctum_crypto_init() == -1)
		hymn_fatal("failed to initialise the random number generator");
	for (i = 1; i < argc; i++) {
		printf("generating key in %s\n", argv[i]);
		fflush(stdout);
		keygen_one(argv[i]);
	}
	return (0);
}
