/*
 * libFuzzer harness: a datagram arriving at confess. Header checks, replay
 * check, AEAD open under the key of the first data-packet.json case (so the
 * seed corpus reaches the authenticated path), tail checks and TFC trim.
 */

#include <stdint.h>
#include <string.h>

#include "wire.h"

#include "fuzz.h"

static const uint8_t	fuzz_key[32] = {
	0x78, 0x2e, 0x02, 0x34, 0x9c, 0xc9, 0xf7, 0x4c, 0x89, 0xec, 0x8b, 0x13,
	0x9b, 0xc4, 0x92, 0x0e, 0x53, 0x74, 0xea, 0x74, 0x9d, 0x1b, 0x8b, 0x73,
	0xeb, 0xd7, 0x21, 0xb2, 0xce, 0xc9, 0xcb, 0x50
};
static const uint8_t	fuzz_salt[4] = { 0xba, 0x63, 0xff, 0x03 };

/* Feed one datagram through the receive path of a data packet. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sanctum_aead	aead;
	static int			ready;
	struct sanctum_data_hdr		h;
	struct sanctum_replay		r;
	uint8_t				pkt[SANCTUM_MAX_DATAGRAM], next;
	size_t				plen, trimmed;

	if (!ready) {
		if (sanctum_crypto_init() == -1 ||
		    sanctum_aead_init(&aead, fuzz_key) == -1)
			return (0);
		ready = 1;
	}
	if (sanctum_data_header(data, size, &h) != SANCTUM_OK)
		return (0);
	sanctum_replay_init(&r);
	if (sanctum_replay_check(&r, h.pn) != SANCTUM_OK)
		return (0);
	memcpy(pkt, data, size);
	if (sanctum_data_open(&aead, fuzz_salt, pkt, size, &plen, &next) !=
	    SANCTUM_OK)
		return (0);
	fuzz_authenticated++;
	sanctum_replay_update(&r, h.pn);
	if (next == SANCTUM_NEXT_PACKET)
		(void)sanctum_tfc_trim(pkt + SANCTUM_DATA_HDR_LEN, plen, 1422,
		    &trimmed);
	return (0);
}
