/*
 * What pilgrim and shrine share (tunnel.md 5): the traffic secret loaded
 * while privileged, the per-offer key of KEY offers (label PILGRIMAGE, base
 * purpose PEER_OFFER with flocks 0, 0), and the peer shroud key.
 */

#include <string.h>

#include "keyfile.h"
#include "oneway.h"
#include "sanctum.h"

/* Read the 32-byte traffic secret (before the sandbox). */
void
oneway_secret(const struct sanctum_config *cfg, uint8_t secret[32])
{
	char	err[512];

	if (keyfile_read(cfg->secret, secret, 32, 0, err, sizeof(err)) == -1)
		fatal("%s", err);
}

/* With shroud, give purgatory the peer shroud key. */
void
oneway_shroud(const struct sanctum_config *cfg, const uint8_t secret[32])
{
	uint8_t		key[32], salt[4] = { 0 };

	if (!cfg->shroud)
		return;
	if (sanctum_base_key(key, secret, cfg->cathedral_flock,
	    cfg->cathedral_flock_dst, SANCTUM_PURPOSE_SHROUD_PEER) == 0) {
		if (sanctum->slots[SHM_SLOT_STX] != NULL)
			slot_install(sanctum->slots[SHM_SLOT_STX], 0, salt, key);
		if (sanctum->slots[SHM_SLOT_SRX] != NULL)
			slot_install(sanctum->slots[SHM_SLOT_SRX], 0, salt, key);
	}
	sanctum_wipe(key, sizeof(key));
}
