/*
 * libFuzzer harness: a whole sanctum.conf. The input is written to a file
 * and loaded without DNS; "@TMP@" in it names this process's directory
 * /tmp/sanctum-fuzz-<pid>-XXXXXX, where the first call puts the key files the
 * seeds name (secret, kek, cs: 32 bytes, cosk: 64), so seeds get past the
 * parse-time checks. A load that succeeds is counted, printed, and must
 * load back and print the same (else abort).
 */

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#include "fuzz.h"

#define FUZZ_TOKEN	"@TMP@"

static const struct {
	const char	*name;
	size_t		 len;
} fuzz_keys[] = {
	{ "secret", 32 }, { "kek", 32 }, { "cs", 32 }, { "cosk", 64 },
};

static char	fuzz_dir[64];

/* Remove what fuzz_setup() made and the two config files. */
static void
fuzz_cleanup(void)
{
	char	path[128];
	size_t	i;

	for (i = 0; i < sizeof(fuzz_keys) / sizeof(fuzz_keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir,
		    fuzz_keys[i].name);
		(void)unlink(path);
	}
	snprintf(path, sizeof(path), "%s/input.conf", fuzz_dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/printed.conf", fuzz_dir);
	(void)unlink(path);
	(void)rmdir(fuzz_dir);
}

/* The private directory and its key files, mode 0600. */
static int
fuzz_setup(void)
{
	unsigned char	key[64];
	char		path[128];
	size_t		i;
	int		fd;

	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/sanctum-fuzz-%ld-XXXXXX",
	    (long)getpid());
	if (mkdtemp(fuzz_dir) == NULL)
		return (-1);
	atexit(fuzz_cleanup);
	memset(key, 0x42, sizeof(key));
	for (i = 0; i < sizeof(fuzz_keys) / sizeof(fuzz_keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fuzz_dir,
		    fuzz_keys[i].name);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW,
		    0600);
		if (fd == -1)
			return (-1);
		if (write(fd, key, fuzz_keys[i].len) !=
		    (ssize_t)fuzz_keys[i].len) {
			(void)close(fd);
			return (-1);
		}
		(void)close(fd);
	}
	return (0);
}

/* Write data to path with every @TMP@ replaced by fuzz_dir. */
static int
fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	size_t	tl = strlen(FUZZ_TOKEN), i, start = 0;
	FILE	*fp;
	int	rc = 0;

	if ((fp = fopen(path, "w")) == NULL)
		return (-1);
	for (i = 0; i + tl <= size; i++) {
		if (memcmp(data + i, FUZZ_TOKEN, tl) != 0)
			continue;
		if (fwrite(data + start, 1, i - start, fp) != i - start ||
		    fputs(fuzz_dir, fp) == EOF)
			rc = -1;
		i += tl - 1;
		start = i + 1;
	}
	if (fwrite(data + start, 1, size - start, fp) != size - start)
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	return (rc);
}

/* The printed form of a configuration, malloc'd. */
static char *
fuzz_print(const struct sanctum_config *cfg, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;

	if ((fp = open_memstream(&buf, len)) == NULL)
		abort();
	config_print(cfg, fp);
	if (fclose(fp) != 0)
		abort();
	return (buf);
}

/* One configuration file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sanctum_config	cfg, again;
	static int			ready;
	char				path[128], err[512], *out, *out2;
	size_t				len, len2;

	if (ready == 0)
		ready = fuzz_setup() == 0 ? 1 : -1;
	if (ready != 1)
		return (0);
	snprintf(path, sizeof(path), "%s/input.conf", fuzz_dir);
	if (fuzz_write(path, data, size) == -1 ||
	    config_load_flags(&cfg, path, CONFIG_LOAD_NUMERIC_HOSTS, err,
	    sizeof(err)) == -1)
		return (0);
	fuzz_authenticated++;

	/* The printed text holds no @TMP@ (all were replaced): verbatim. */
	out = fuzz_print(&cfg, &len);
	snprintf(path, sizeof(path), "%s/printed.conf", fuzz_dir);
	if (fuzz_write(path, (const uint8_t *)out, len) == -1)
		abort();
	if (config_load_flags(&again, path, CONFIG_LOAD_NUMERIC_HOSTS, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "printed form does not load: %s\n%s", err, out);
		abort();
	}
	out2 = fuzz_print(&again, &len2);
	if (len != len2 || memcmp(out, out2, len) != 0) {
		fprintf(stderr, "round trip differs:\n%s---\n%s", out, out2);
		abort();
	}
	free(out);
	free(out2);
	return (0);
}
