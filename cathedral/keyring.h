/*
 * The operator's keyring: per flock, the device KEK of every peer id that
 * has one. It is the only secret of the cathedral that stays out of the
 * database; cathedralctl keeps it in its own file (mode 0600) that the
 * daemon never opens. The format (docs/enrollment.md) is text, parsed
 * strictly: any deviation is refused with FILE:LINE.
 */
#ifndef SANCTUM_KEYRING_H
#define SANCTUM_KEYRING_H

#include <stddef.h>
#include <stdint.h>

#define KEYRING_MAGIC		"sanctum-keyring 1"
#define KEYRING_SIZE_MAX	(16 * 1024 * 1024)
#define KEYRING_IDS		256	/* indexed by peer id, 0 unused */

/* The KEKs of one flock (domain byte 0). */
struct keyring_flock {
	uint64_t	id;
	uint8_t		have[KEYRING_IDS];
	uint8_t		kek[KEYRING_IDS][32];
};

/* Flocks in ascending order of id. */
struct keyring {
	size_t			 nflocks;
	struct keyring_flock	*flocks;
};

int		 keyring_parse(struct keyring *, const char *buf, size_t len,
		    const char *name, char *err, size_t errlen);
int		 keyring_load(struct keyring *, const char *path, int *missing,
		    char *err, size_t errlen);
int		 keyring_save(const struct keyring *, const char *path,
		    char *err, size_t errlen);
int		 keyring_lock(const char *path, char *err, size_t errlen);
void		 keyring_unlock(int fd);
const uint8_t	*keyring_get(const struct keyring *, uint64_t flock,
		    uint8_t id);
int		 keyring_set(struct keyring *, uint64_t flock, uint8_t id,
		    const uint8_t kek[32]);
int		 keyring_del(struct keyring *, uint64_t flock, uint8_t id);
size_t		 keyring_count(const struct keyring *, uint64_t flock);
void		 keyring_free(struct keyring *);

#endif
