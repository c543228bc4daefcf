/*
 * The bounds of the cathedral's tables and its offer rate, from the
 * cathedral_limit directives (defaults in cathedral.h).
 */

#include "cathedral.h"

/* Override the defaults with what the configuration sets. */
void
cath_limits_apply(struct cath_limits *l, const struct sanctum_config *cfg)
{
	if (cfg->limits[CONFIG_LIMIT_TUNNELS])
		l->tunnels = cfg->limits[CONFIG_LIMIT_TUNNELS];
	if (cfg->limits[CONFIG_LIMIT_LITURGIES])
		l->liturgies = cfg->limits[CONFIG_LIMIT_LITURGIES];
	if (cfg->limits[CONFIG_LIMIT_SOURCES])
		l->sources = cfg->limits[CONFIG_LIMIT_SOURCES];
	if (cfg->limits[CONFIG_LIMIT_SEEDS])
		l->seeds = cfg->limits[CONFIG_LIMIT_SEEDS];
	if (cfg->limits[CONFIG_LIMIT_OFFER_RATE])
		l->rate = cfg->limits[CONFIG_LIMIT_OFFER_RATE];
	if (cfg->limits[CONFIG_LIMIT_OFFER_BURST])
		l->burst = cfg->limits[CONFIG_LIMIT_OFFER_BURST];
}
