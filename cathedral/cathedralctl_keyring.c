/*
 * The keyring as the subcommands use it: found next to the database unless
 * --keyring names it, locked for the whole command, and read and written
 * as the invoking user, never while acting as the database's owner (as
 * root the keyring stays root's, out of the cathedral user's reach).
 */

#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"
#include "sanctum_crypto.h"

/* Lock and read the keyring (a missing file is an empty keyring). */
int
ctl_keyring_open(struct ctl *ctl, struct ctl_keyring *k)
{
	char	err[CTL_PATH_MAX + 256];
	int	n;

	memset(k, 0, sizeof(*k));
	k->lock = -1;
	if (ctl->owner.active) {
		ctl_error(ctl, "internal: keyring opened while acting as the "
		    "database owner");
		return (-1);
	}
	if (ctl->keyring != NULL)
		n = snprintf(k->path, sizeof(k->path), "%s", ctl->keyring);
	else
		n = snprintf(k->path, sizeof(k->path), "%s.keyring",
		    ctl->db_path);
	if (n < 0 || (size_t)n >= sizeof(k->path) || k->path[0] == '\0') {
		ctl_error(ctl, "keyring path too long or empty");
		return (-1);
	}
	if ((k->lock = keyring_lock(k->path, err, sizeof(err))) == -1) {
		ctl_error(ctl, "%s", err);
		return (-1);
	}
	if (keyring_load(&k->kr, k->path, &k->missing, err,
	    sizeof(err)) == -1) {
		ctl_error(ctl, "%s", err);
		keyring_unlock(k->lock);
		k->lock = -1;
		return (-1);
	}
	return (0);
}

/* Write the keyring back atomically. */
int
ctl_keyring_save(struct ctl *ctl, struct ctl_keyring *k)
{
	char	err[CTL_PATH_MAX + 256];

	if (keyring_save(&k->kr, k->path, err, sizeof(err)) == -1) {
		ctl_error(ctl, "%s", err);
		return (-1);
	}
	k->missing = 0;
	return (0);
}

/* Wipe the KEKs from memory and release the lock. */
void
ctl_keyring_close(struct ctl_keyring *k)
{
	keyring_free(&k->kr);
	keyring_unlock(k->lock);
	k->lock = -1;
}

/* Give a peer id of a flock a random KEK unless it has one. */
int
ctl_keyring_ensure(struct ctl *ctl, struct ctl_keyring *k, uint64_t flock,
    uint8_t peer, int *created)
{
	uint8_t	kek[32];
	int	rc;

	*created = 0;
	if (keyring_get(&k->kr, flock, peer) != NULL)
		return (0);
	sanctum_random_bytes(kek, sizeof(kek));
	rc = keyring_set(&k->kr, flock, peer, kek);
	sanctum_wipe(kek, sizeof(kek));
	if (rc == -1) {
		ctl_error(ctl, "%s: cannot add a KEK (out of memory or too "
		    "many flocks)", k->path);
		return (-1);
	}
	*created = 1;
	return (0);
}
