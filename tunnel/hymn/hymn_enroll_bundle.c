/*
 * hymn enroll --bundle FILE --passphrase-file P [--out DIR] [--force]:
 * open a bundle sealed by cathedralctl enroll --bundle and write its files,
 * each with its mode, into the directory it names (or DIR), all or none.
 * Files already there are refused unless --force.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "enroll_bundle.h"
#include "hymn.h"
#include "hymn_enroll.h"

/* Wipe the bundle and give up with err. */
static void __attribute__((noreturn))
give_up(struct enroll_bundle *b, const char *err)
{
	enroll_bundle_free(b);
	hymn_fatal("%s", err);
}

/* enroll --bundle ...: the bundle's files into its directory. */
int
hymn_enroll_bundle(const struct hymn_opt *opts)
{
	static struct enroll_bundle	 b;
	struct hymn_file		 files[ENROLL_BUNDLE_FILES_MAX];
	const char			*path, *pf, *dir;
	char				 pass[ENROLL_PASS_MAX + 1];
	char				 err[HYMN_PATH_MAX + 256];
	size_t				 passlen, i;
	int				 made, rc;

	path = hymn_enroll_opt(opts, "--bundle");
	if (path == NULL || (pf = hymn_enroll_opt(opts,
	    "--passphrase-file")) == NULL)
		hymn_fatal("--bundle and --passphrase-file go together");
	if ((dir = hymn_enroll_opt(opts, "--out")) != NULL &&
	    !hymn_valid_path(dir))
		hymn_fatal("--out '%s' must be an absolute path without blanks",
		    dir);
	memset(&b, 0, sizeof(b));
	if (sanctum_crypto_init() == -1)
		hymn_fatal("failed to initialise libsodium");
	if (enroll_passphrase_read(pf, pass, sizeof(pass), &passlen, err,
	    sizeof(err)) == -1)
		hymn_fatal("%s", err);
	rc = enroll_bundle_read(&b, path, pass, passlen, err, sizeof(err));
	sanctum_wipe(pass, sizeof(pass));
	if (rc == -1)
		give_up(&b, err);
	if (dir == NULL)
		dir = b.dir;
	if (hymn_enroll_dir(dir, 0, &made, err, sizeof(err)) == -1)
		give_up(&b, err);
	for (i = 0; i < b.nfiles; i++) {
		files[i].name = b.files[i].name;
		files[i].data = b.files[i].data;
		files[i].len = b.files[i].len;
		files[i].mode = b.files[i].mode;
	}
	if (hymn_enroll_write(dir, files, b.nfiles,
	    hymn_enroll_opt_set(opts, "--force"), err, sizeof(err)) == -1) {
		if (made)
			(void)rmdir(dir);
		give_up(&b, err);
	}
	printf("wrote %zu files to %s:", b.nfiles, dir);
	for (i = 0; i < b.nfiles; i++)
		printf(" %s", b.files[i].name);
	printf("\n");
	if (strcmp(dir, b.dir) != 0)
		printf("  the configuration expects them in %s\n", b.dir);
	enroll_bundle_free(&b);
	return (0);
}
