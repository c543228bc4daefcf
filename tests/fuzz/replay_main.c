/*
 * Without libFuzzer: run a harness over every file of its seed corpus (in the
 * ordinary and the sanitizer builds) and fail unless at least one input got
 * through authentication.  replay_<target> <corpus dir>
 */

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

unsigned long	fuzz_authenticated;

int
main(int argc, char **argv)
{
	struct dirent	*de;
	DIR		*dir;
	FILE		*fp;
	char		path[1024];
	uint8_t		*buf;
	size_t		len;
	int		files = 0;

	if (argc != 2 || (dir = opendir(argv[1])) == NULL) {
		fprintf(stderr, "usage: replay <corpus dir>\n");
		return (1);
	}
	if ((buf = malloc(1 << 20)) == NULL)
		return (1);
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
		if ((fp = fopen(path, "r")) == NULL)
			return (1);
		len = fread(buf, 1, 1 << 20, fp);
		fclose(fp);
		LLVMFuzzerTestOneInput(buf, len);
		/* Truncations and a bit flip of every seed, too. */
		if (len > 1) {
			LLVMFuzzerTestOneInput(buf, len - 1);
			buf[len / 2] ^= 0x01;
			LLVMFuzzerTestOneInput(buf, len);
		}
		files++;
	}
	closedir(dir);
	free(buf);
	printf("%s: %d seeds, %lu authenticated\n", argv[1], files,
	    fuzz_authenticated);
	return (files > 0 && fuzz_authenticated > 0 ? 0 : 1);
}
