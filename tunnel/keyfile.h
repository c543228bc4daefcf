/*
 * Key files: the reference's raw formats (32-byte secrets, 64-byte COSK,
 * 192-byte remembrance). Read with O_NOFOLLOW from regular files of the exact
 * size, refused when group or world can read them; written 0600 (or the
 * mode asked for), exclusively, fsync'd and renamed into place.
 */
#ifndef SANCTUM_KEYFILE_H
#define SANCTUM_KEYFILE_H

#include <stddef.h>
#include <sys/types.h>

#define KEYFILE_CHECK_MODE	0x01	/* refuse group/world access */

int	keyfile_read(const char *path, void *buf, size_t len, int flags,
	    char *err, size_t errlen);
int	keyfile_write(const char *path, const void *buf, size_t len,
	    mode_t mode, char *err, size_t errlen);

#endif
