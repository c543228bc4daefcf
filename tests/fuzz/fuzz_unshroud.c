/*
 * libFuzzer harness: a shrouded datagram at purgatory-rx, unmasked with the
 * peer shroud key of the first shrouded packet in shroud.json, then handed
 * to the data header decoder as the next stage would.
 */

#include <stdint.h>
#include <string.h>

#include "wire.h"

#include "fuzz.h"

static const uint8_t	shroud_key[32] = {
	0x69, 0xc4, 0x52, 0x4c, 0x03, 0x06, 0xbe, 0x0f, 0x5d, 0xd6, 0xc3, 0xef,
	0x3d, 0xfe, 0x7a, 0xd5, 0x38, 0xc9, 0x7a, 0x75, 0x06, 0x89, 0x0d, 0xcf,
	0xfe, 0xcf, 0xde, 0xe9, 0x51, 0x35, 0x52, 0xbf
};

/* One datagram through unshroud and the header decoder. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t			dgram[SANCTUM_MAX_DATAGRAM];
	struct sanctum_data_hdr	h;
	size_t			plen;

	if (size > sizeof(dgram))
		return (0);
	memcpy(dgram, data, size);
	if (sanctum_unshroud(dgram, size, shroud_key, &plen) != SANCTUM_OK)
		return (0);
	fuzz_authenticated++;
	(void)sanctum_data_header(dgram + SANCTUM_SHROUD_HDR_LEN, plen, &h);
	return (0);
}
