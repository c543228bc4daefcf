/*
 * Reading and writing key files safely: no symlinks, no partial reads or
 * writes, no file readable by others, and never a half-written key.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "keyfile.h"
#include "sanctum_crypto.h"

/*
 * Read exactly len bytes from a regular file that is exactly len bytes long
 * (with KEYFILE_CHECK_MODE also not accessible by group or others).
 */
int
keyfile_read(const char *path, void *buf, size_t len, int flags, char *err,
    size_t errlen)
{
	struct stat	st;
	ssize_t		n;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return (-1);
	}
	if ((flags & KEYFILE_CHECK_MODE) && (st.st_mode & 077)) {
		snprintf(err, errlen, "%s: mode %04o lets group or others "
		    "access a secret (use 0600 or 0400)", path,
		    (unsigned int)(st.st_mode & 07777));
		close(fd);
		return (-1);
	}
	if ((size_t)st.st_size != len) {
		snprintf(err, errlen, "%s: size %lld, expected %zu bytes", path,
		    (long long)st.st_size, len);
		close(fd);
		return (-1);
	}
	n = read(fd, buf, len);
	close(fd);
	if (n != (ssize_t)len) {
		sanctum_wipe(buf, len);
		snprintf(err, errlen, "%s: short read", path);
		return (-1);
	}
	return (0);
}

/*
 * Write a key file atomically: PATH.new created exclusively with the mode,
 * written whole, fsync'd, then renamed over PATH.
 */
int
keyfile_write(const char *path, const void *buf, size_t len, mode_t mode,
    char *err, size_t errlen)
{
	char		tmp[4096];
	ssize_t		n;
	int		fd, len_tmp;

	len_tmp = snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (len_tmp < 0 || (size_t)len_tmp >= sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return (-1);
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return (-1);
	}
	n = write(fd, buf, len);
	if (n != (ssize_t)len || fchmod(fd, mode) == -1 || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: write failed: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		return (-1);
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: rename: %s", path, strerror(errno));
		unlink(tmp);
		return (-1);
	}
	return (0);
}
