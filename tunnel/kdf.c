/*
 * The Sanctum key derivations (tunnel.md section 3, cathedral.md section 0).
 * Every long-term secret is used only through a base key; everything is
 * KMAC256 with one-byte length prefixes inside X.
 */

#include <string.h>

#include "keccak.h"
#include "sanctum_crypto.h"
#include "wire.h"

/* Customization label of a base-key purpose, NULL for an unknown one. */
const char *
sanctum_purpose_label(int purpose)
{
	switch (purpose) {
	case SANCTUM_PURPOSE_PEER_OFFER:
		return ("SANCTUM.PEER.OFFER.KDF");
	case SANCTUM_PURPOSE_TRAFFIC_RX:
		return ("SANCTUM.KEY.TRAFFIC.RX.KDF");
	case SANCTUM_PURPOSE_TRAFFIC_TX:
		return ("SANCTUM.KEY.TRAFFIC.TX.KDF");
	case SANCTUM_PURPOSE_KEK_UNWRAP:
		return ("SANCTUM.KEY.KEK.UNWRAP.KDF");
	case SANCTUM_PURPOSE_CATHEDRAL_OFFER:
		return ("SANCTUM.CATHEDRAL.OFFER.KDF");
	case SANCTUM_PURPOSE_SHROUD_CATHEDRAL:
		return ("SANCTUM.CATHEDRAL.SHROUD.KEY");
	case SANCTUM_PURPOSE_SHROUD_PEER:
		return ("SANCTUM.SHROUD.KEY");
	default:
		return (NULL);
	}
}

/* X = 0x08 || BE64(lo) || 0x08 || BE64(hi), the flocks sorted ascending. */
static void
flock_pair_input(uint8_t x[18], uint64_t fa, uint64_t fb)
{
	uint64_t	lo = fa <= fb ? fa : fb;
	uint64_t	hi = fa <= fb ? fb : fa;

	x[0] = 0x08;
	put_be64(x + 1, lo);
	x[9] = 0x08;
	put_be64(x + 10, hi);
}

/*
 * base_key(secret, fa, fb, purpose): both ends of a tunnel compute the same
 * key whichever way round they hold the flocks.
 */
int
sanctum_base_key(uint8_t out[32], const uint8_t secret[32], uint64_t fa,
    uint64_t fb, int purpose)
{
	const char	*label;
	uint8_t		x[18];

	if ((label = sanctum_purpose_label(purpose)) == NULL)
		return (-1);
	flock_pair_input(x, fa, fb);
	return (kmac256(out, 32, secret, 32, label, x, sizeof(x)));
}

/*
 * Per-offer key from the seed in the offer header; the cathedral label
 * selects the cathedral-offer base purpose, every other the peer-offer one.
 */
int
sanctum_offer_key(uint8_t out[32], const uint8_t secret[32],
    const char *label, const uint8_t seed[64], uint64_t fa, uint64_t fb)
{
	uint8_t		base[32], x[65];
	int		purpose, ret;

	purpose = strcmp(label, SANCTUM_LABEL_CATHEDRAL) == 0 ?
	    SANCTUM_PURPOSE_CATHEDRAL_OFFER : SANCTUM_PURPOSE_PEER_OFFER;
	if (sanctum_base_key(base, secret, fa, fb, purpose) == -1)
		return (-1);
	x[0] = 0x40;
	memcpy(x + 1, seed, 64);
	ret = kmac256(out, 32, base, 32, label, x, sizeof(x));
	sanctum_wipe(base, sizeof(base));
	return (ret);
}

/*
 * Session key: X = 0x20||ecdh || 0x20||kem_ss || 0x20||pub1 || 0x20||pub2 ||
 * 0x20||random (165 bytes), keyed by the traffic base key of the purpose.
 */
int
sanctum_traffic_key(uint8_t out[32], const uint8_t secret[32], uint64_t fa,
    uint64_t fb, int purpose, const uint8_t ecdh[32], const uint8_t kem_ss[32],
    const uint8_t pub1[32], const uint8_t pub2[32], const uint8_t random[32])
{
	uint8_t		base[32], x[165];
	const uint8_t	*parts[5] = { ecdh, kem_ss, pub1, pub2, random };
	int		i, ret;

	if (purpose != SANCTUM_PURPOSE_TRAFFIC_RX &&
	    purpose != SANCTUM_PURPOSE_TRAFFIC_TX)
		return (-1);
	if (sanctum_base_key(base, secret, fa, fb, purpose) == -1)
		return (-1);
	for (i = 0; i < 5; i++) {
		x[i * 33] = 0x20;
		memcpy(x + i * 33 + 1, parts[i], 32);
	}
	ret = kmac256(out, 32, base, 32, SANCTUM_LABEL_TRAFFIC, x, sizeof(x));
	sanctum_wipe(base, sizeof(base));
	sanctum_wipe(x, sizeof(x));
	return (ret);
}

/*
 * Shroud base identity: a public value both client and cathedral compute
 * from the domain-stripped flocks and the cathedral id (callers strip).
 */
int
sanctum_shroud_base_identity(uint8_t out[16], uint64_t fa, uint64_t fb,
    uint32_t cathedral_id)
{
	static const uint8_t	zero[32];
	uint8_t			x[23];

	flock_pair_input(x, fa, fb);
	x[18] = 0x04;
	put_be32(x + 19, cathedral_id);
	return (kmac256(out, 16, zero, 32, SANCTUM_LABEL_SHROUD_BASE_ID, x,
	    sizeof(x)));
}

/* Shroud identity for one 16-byte seed (no length prefix on X). */
int
sanctum_shroud_identity(uint8_t out[16], const uint8_t base[16],
    const uint8_t seed[16])
{
	return (kmac256(out, 16, base, 16, SANCTUM_LABEL_SHROUD_ID, seed, 16));
}

/*
 * Ambry wrapping key from the device's unwrap KEK: own flock first, not
 * sorted, with the bundle seed, generation (wire bytes) and tunnel id.
 */
int
sanctum_ambry_wrap_key(uint8_t out[32], const uint8_t unwrap_kek[32],
    uint64_t fs, uint64_t fd, const uint8_t seed[64],
    const uint8_t generation[4], uint16_t tunnel)
{
	uint8_t		x[1 + 64 + 9 + 9 + 5 + 3];
	size_t		off = 0;

	x[off++] = 0x40;
	memcpy(x + off, seed, 64);
	off += 64;
	x[off++] = 0x08;
	put_be64(x + off, fs);
	off += 8;
	x[off++] = 0x08;
	put_be64(x + off, fd);
	off += 8;
	x[off++] = 0x04;
	memcpy(x + off, generation, 4);
	off += 4;
	x[off++] = 0x02;
	put_be16(x + off, tunnel);
	off += 2;
	return (kmac256(out, 32, unwrap_kek, 32, SANCTUM_LABEL_AMBRY, x, off));
}
