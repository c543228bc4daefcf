/*
 * Names of the typed decoder results, used in logs, counters and hymn.
 */

#include "wire.h"

/* A short stable name for a result, as shown by hymn and the metrics. */
const char *
sanctum_err_name(enum sanctum_err err)
{
	switch (err) {
	case SANCTUM_OK:
		return ("ok");
	case SANCTUM_ERR_SHORT:
		return ("short");
	case SANCTUM_ERR_LONG:
		return ("long");
	case SANCTUM_ERR_MALFORMED:
		return ("malformed");
	case SANCTUM_ERR_TAG:
		return ("bad-tag");
	case SANCTUM_ERR_STALE:
		return ("stale");
	case SANCTUM_ERR_WINDOW:
		return ("too-old");
	case SANCTUM_ERR_REPLAY:
		return ("replay");
	case SANCTUM_ERR_ZERO_PN:
		return ("zero-pn");
	case SANCTUM_ERR_SIGNATURE:
		return ("bad-signature");
	case SANCTUM_ERR_EXPIRED:
		return ("expired");
	case SANCTUM_ERR_NOKEY:
		return ("no-key");
	case SANCTUM_ERR_MAX:
		break;
	}
	return ("unknown");
}
