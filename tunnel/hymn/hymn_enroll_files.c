/*
 * Writing an enrolled node's files: all of them or none. Each goes to
 * <name>.new (created exclusively, never through a symlink), is fsync'd,
 * and only when every one is written are they renamed into place and the
 * directory fsync'd. A failure anywhere removes what this run wrote and,
 * with --force, puts back the files it replaced (kept as <name>.old).
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"
#include "hymn_enroll.h"

#define TMP_NAME_MAX	(NAME_MAX + 1)	/* <name>.new must be a file name */
#define KEEP_MAX	16		/* files one write can replace */

/* Whether a directory holds anything besides . and .. (-1: unreadable). */
static int
dir_empty(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	int		 empty = 1;

	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = 0;
	}
	closedir(d);
	return (empty);
}

/*
 * Create dir (mode 0700) or accept the directory there, which with empty
 * set must hold nothing; made says whether we created it.
 */
int
hymn_enroll_dir(const char *dir, int empty, int *made, char *err,
    size_t errlen)
{
	struct stat	st;
	int		rc;

	*made = 0;
	if (mkdir(dir, 0700) == 0) {
		*made = 1;
		return (0);
	}
	if (errno != EEXIST || stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot create the directory: %s", dir,
		    errno == EEXIST ? "not a directory" : strerror(errno));
		return (-1);
	}
	if (empty && (rc = dir_empty(dir)) != 1) {
		snprintf(err, errlen, "%s: %s", dir, rc == 0 ? "not empty" :
		    strerror(errno));
		return (-1);
	}
	return (0);
}

/*
 * A file's name with a suffix (.new while staged, .old while replaced);
 * -1 for a name that is not a plain one.
 */
static int
side_name(const struct hymn_file *f, const char *suffix, char *buf,
    size_t len)
{
	int	n;

	if (f->name[0] == '\0' || f->name[0] == '.' ||
	    strchr(f->name, '/') != NULL)
		return (-1);
	n = snprintf(buf, len, "%s%s", f->name, suffix);
	return (n < 0 || (size_t)n >= len ? -1 : 0);
}

/* The temporary name of a file while it is staged. */
static int
tmp_name(const struct hymn_file *f, char *buf, size_t len)
{
	return (side_name(f, ".new", buf, len));
}

/*
 * With force: keep every file about to be replaced as <name>.old (a hard
 * link), so that a failed write can put the old set back.
 */
static int
keep_old(int dfd, const char *dir, const struct hymn_file *f, size_t n,
    int *kept, char *err, size_t errlen)
{
	struct stat	st;
	char		old[TMP_NAME_MAX];
	size_t		i;

	for (i = 0; i < n; i++) {
		kept[i] = 0;
		if (side_name(&f[i], ".old", old, sizeof(old)) == -1) {
			snprintf(err, errlen, "'%s': not a plain file name",
			    f[i].name);
			return (-1);
		}
		(void)unlinkat(dfd, old, 0);
		if (fstatat(dfd, f[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode))
			continue;	/* no file to keep; the rename fails */
		if (linkat(dfd, f[i].name, dfd, old, 0) == 0)
			kept[i] = 1;
		else if (errno != ENOENT) {
			snprintf(err, errlen, "%s/%s: keeping the old file: %s",
			    dir, f[i].name, strerror(errno));
			return (-1);
		}
	}
	return (0);
}

/*
 * Put the kept old files back in place of the first placed ones (those a
 * failed write replaced) and drop the rest of them.
 */
static void
settle_old(int dfd, const struct hymn_file *f, size_t n, const int *kept,
    size_t placed)
{
	char	old[TMP_NAME_MAX];
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!kept[i] || side_name(&f[i], ".old", old, sizeof(old)) == -1)
			continue;
		if (i >= placed || renameat(dfd, old, dfd, f[i].name) == -1)
			(void)unlinkat(dfd, old, 0);
	}
}

/* Write one file's <name>.new; a partly written one is removed. */
static int
stage(int dfd, const char *dir, const struct hymn_file *f, char *err,
    size_t errlen)
{
	char	tmp[TMP_NAME_MAX];
	int	fd, bad;

	if (tmp_name(f, tmp, sizeof(tmp)) == -1) {
		snprintf(err, errlen, "'%s': not a plain file name", f->name);
		return (-1);
	}
	(void)unlinkat(dfd, tmp, 0);
	if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		snprintf(err, errlen, "%s/%s: %s", dir, tmp, strerror(errno));
		return (-1);
	}
	bad = write(fd, f->data, f->len) != (ssize_t)f->len ||
	    fchmod(fd, f->mode) == -1 || fsync(fd) == -1;
	if (close(fd) == -1)
		bad = 1;
	if (bad) {
		snprintf(err, errlen, "%s/%s: write failed: %s", dir, tmp,
		    strerror(errno));
		(void)unlinkat(dfd, tmp, 0);
		return (-1);
	}
	return (0);
}

/* Without force, any file already there refuses the whole write. */
static int
refuse_existing(int dfd, const char *dir, const struct hymn_file *f,
    size_t n, char *err, size_t errlen)
{
	struct stat	st;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (fstatat(dfd, f[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0 ||
		    errno != ENOENT) {
			snprintf(err, errlen, "%s/%s exists already (--force "
			    "replaces it)", dir, f[i].name);
			return (-1);
		}
	}
	return (0);
}

/*
 * Write the n files into dir, all or none; unless force, refused before
 * anything is written if one of them exists.
 */
int
hymn_enroll_write(const char *dir, const struct hymn_file *f, size_t n,
    int force, char *err, size_t errlen)
{
	char	tmp[TMP_NAME_MAX];
	size_t	staged = 0, placed = 0, i;
	int	dfd, kept[KEEP_MAX] = { 0 };

	if (n > KEEP_MAX) {
		snprintf(err, errlen, "%s: more than %d files", dir, KEEP_MAX);
		return (-1);
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return (-1);
	}
	if (!force && refuse_existing(dfd, dir, f, n, err, errlen) == -1) {
		close(dfd);
		return (-1);
	}
	if (force && keep_old(dfd, dir, f, n, kept, err, errlen) == -1)
		goto undo;
	for (; staged < n; staged++) {
		if (stage(dfd, dir, &f[staged], err, errlen) == -1)
			goto undo;
	}
	for (; placed < n; placed++) {
		(void)tmp_name(&f[placed], tmp, sizeof(tmp));
		if (renameat(dfd, tmp, dfd, f[placed].name) == -1) {
			snprintf(err, errlen, "%s/%s: rename: %s", dir,
			    f[placed].name, strerror(errno));
			goto undo;
		}
	}
	if (fsync(dfd) == -1) {
		snprintf(err, errlen, "%s: fsync: %s", dir, strerror(errno));
		goto undo;
	}
	settle_old(dfd, f, n, kept, 0);
	close(dfd);
	return (0);
undo:
	for (i = 0; i < placed; i++)
		(void)unlinkat(dfd, f[i].name, 0);
	for (; i < staged; i++) {
		(void)tmp_name(&f[i], tmp, sizeof(tmp));
		(void)unlinkat(dfd, tmp, 0);
	}
	settle_old(dfd, f, n, kept, placed);
	(void)fsync(dfd);
	close(dfd);
	return (-1);
}
