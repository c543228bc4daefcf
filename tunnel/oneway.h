/*
 * Shared by the pilgrim and shrine processes.
 */
#ifndef SANCTUM_ONEWAY_H
#define SANCTUM_ONEWAY_H

#include <stdint.h>

#include "config.h"

#define ONEWAY_KEY_LIFETIME	3500	/* seconds before a new TX key */
#define ONEWAY_OFFER_TTL	115	/* sends of one KEY offer */
#define ONEWAY_OFFER_INTERVAL	30	/* seconds between them */

void	oneway_secret(const struct sanctum_config *, uint8_t secret[32]);
void	oneway_shroud(const struct sanctum_config *, const uint8_t secret[32]);

#endif
