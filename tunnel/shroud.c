/*
 * Shroud (tunnel.md 2.9): whole-datagram masking against traffic analysis.
 * The datagram is id || seed_id || seed_data || (P || 0xff || zeros) XOR
 * KMAC256(shroud key, header, body length). Not confidentiality.
 */

#include <string.h>

#include "keccak.h"
#include "wire.h"

/* Largest masked body we handle: a full datagram plus marker and padding. */
#define SHROUD_BODY_MAX		2048

/* XOR the mask for this header and body length over the body. */
static int
shroud_mask(uint8_t *dgram, size_t body_len, const uint8_t key[32])
{
	uint8_t		mask[SHROUD_BODY_MAX];
	size_t		i;

	if (body_len == 0 || body_len > SHROUD_BODY_MAX)
		return (-1);
	if (kmac256(mask, body_len, key, 32, SANCTUM_LABEL_SHROUD_MASK, dgram,
	    SANCTUM_SHROUD_HDR_LEN) == -1)
		return (-1);
	for (i = 0; i < body_len; i++)
		dgram[SANCTUM_SHROUD_HDR_LEN + i] ^= mask[i];
	sanctum_wipe(mask, body_len);
	return (0);
}

/*
 * How much zero padding to add to a packet of plen bytes for an MTU: uniform
 * in [0, avail) when at least two bytes are available below the MTU.
 */
size_t
sanctum_shroud_padding(size_t plen, size_t mtu)
{
	size_t	total = SANCTUM_SHROUD_OVERHEAD + plen;

	if (total >= mtu || mtu - total < 2)
		return (0);
	return (sanctum_random_uniform((uint32_t)(mtu - total)));
}

/*
 * Mask a datagram whose 48-byte header is already written and whose packet
 * of plen bytes sits at dgram + 48, with the given padding. cap is the room.
 */
int
sanctum_shroud_apply(uint8_t *dgram, size_t plen, size_t cap,
    const uint8_t key[32], size_t padding, size_t *outlen)
{
	size_t	body = plen + 1 + padding;

	if (plen > SHROUD_BODY_MAX || padding > SHROUD_BODY_MAX ||
	    cap < SANCTUM_SHROUD_HDR_LEN || body > cap - SANCTUM_SHROUD_HDR_LEN)
		return (-1);
	dgram[SANCTUM_SHROUD_HDR_LEN + plen] = 0xff;
	memset(dgram + SANCTUM_SHROUD_HDR_LEN + plen + 1, 0, padding);
	if (shroud_mask(dgram, body, key) == -1)
		return (-1);
	*outlen = SANCTUM_SHROUD_HDR_LEN + body;
	return (0);
}

/*
 * Shroud with the given id and seed_id (NULL for both: random ones), fresh
 * seed_data and random padding. Random header bytes come from one call:
 * this runs per packet, and each call is a system call.
 */
int
sanctum_shroud(uint8_t *dgram, size_t plen, size_t cap, const uint8_t key[32],
    const uint8_t id[16], const uint8_t seed_id[16], size_t mtu,
    size_t *outlen)
{
	if (id == NULL || seed_id == NULL) {
		sanctum_random_bytes(dgram, 48);
	} else {
		memcpy(dgram, id, 16);
		memcpy(dgram + 16, seed_id, 16);
		sanctum_random_bytes(dgram + 32, 16);
	}
	return (sanctum_shroud_apply(dgram, plen, cap, key,
	    sanctum_shroud_padding(plen, mtu), outlen));
}

/*
 * Remove the mask in place and find the packet's end: strip trailing zeros
 * and the 0xff marker; zeros not preceded by a marker are kept (they were
 * part of the packet). The packet is then at dgram + 48.
 */
enum sanctum_err
sanctum_unshroud(uint8_t *dgram, size_t len, const uint8_t key[32],
    size_t *plen)
{
	uint8_t		*body = dgram + SANCTUM_SHROUD_HDR_LEN;
	size_t		body_len, n;

	if (len <= SANCTUM_SHROUD_OVERHEAD)
		return (SANCTUM_ERR_SHORT);
	body_len = len - SANCTUM_SHROUD_HDR_LEN;
	if (body_len > SHROUD_BODY_MAX)
		return (SANCTUM_ERR_LONG);
	if (shroud_mask(dgram, body_len, key) == -1)
		return (SANCTUM_ERR_MALFORMED);
	n = body_len;
	while (n > 0 && body[n - 1] == 0x00)
		n--;
	if (n < body_len) {
		if (n > 0 && body[n - 1] == 0xff)
			n--;
		else
			n = body_len;
	} else if (body[n - 1] == 0xff) {
		n--;
	}
	if (n < SANCTUM_DATA_OVERHEAD)
		return (SANCTUM_ERR_SHORT);
	*plen = n;
	return (SANCTUM_OK);
}
