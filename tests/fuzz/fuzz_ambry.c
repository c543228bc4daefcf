/*
 * libFuzzer harness: ambry input. The bytes are an AMBRY offer body (as a
 * client receives it) unwrapped with a device KEK from ambry.json, and the
 * same bytes checked as a whole bundle file and parsed entry by entry.
 */

#include <stdint.h>
#include <string.h>

#include "wire.h"

#include "fuzz.h"

/* device 1 of flock a1b2c3d4e5f60700 in ambry.json (det-same) */
static const uint8_t	device_kek[32] = {
	0xe9, 0x18, 0xfa, 0x2a, 0x8a, 0xc8, 0x84, 0xbd, 0x36, 0x4a, 0x89, 0x42,
	0x7c, 0x98, 0x86, 0xb9, 0xec, 0xce, 0xbb, 0xb3, 0x10, 0x4c, 0x4b, 0x07,
	0x0b, 0x8a, 0xeb, 0x9f, 0xa9, 0x46, 0xef, 0xa9
};
#define FUZZ_FLOCK	0xa1b2c3d4e5f60700ULL
#define BODY_LEN	120

/* One input through the client unwrap path and the bundle checks. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		ready;
	uint8_t			pkt[SANCTUM_OFFER_LEN], ss[32];
	struct offer_ambry	a;
	struct ambry_header	h;
	struct ambry_entry	e;
	size_t			off;

	if (!ready) {
		if (sanctum_crypto_init() == -1)
			return (0);
		ready = 1;
	}
	if (size >= BODY_LEN) {
		memset(pkt, 0, sizeof(pkt));
		memcpy(pkt + SANCTUM_OFFER_OFF_BODY, data, BODY_LEN);
		sanctum_ambry_offer_decode(pkt, &a);
		if (ambry_unwrap(ss, device_kek, FUZZ_FLOCK, FUZZ_FLOCK,
		    a.tunnel, a.expires, a.generation, a.seed, a.key, a.tag,
		    AMBRY_EPOCH) == SANCTUM_OK)
			fuzz_authenticated++;
	}
	(void)ambry_bundle_check(data, size, FUZZ_FLOCK, FUZZ_FLOCK);
	if (ambry_header_parse(data, size, &h) != SANCTUM_OK)
		return (0);
	for (off = AMBRY_HDR_LEN; off < size; off += AMBRY_ENTRY_LEN) {
		if (ambry_entry_parse(data + off, size - off, &e) != SANCTUM_OK)
			break;
	}
	return (0);
}
