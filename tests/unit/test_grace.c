/*
 * Received graces (tunnel.md 2.8): heartbeats, probes and acks decode with
 * their little-endian fields; short payloads, unknown types and acks
 * outside [623, our tunnel MTU] are drops, never accepted.
 */

#include <string.h>

#include "check.h"
#include "wire.h"

/* Decide one payload given as bytes. */
static enum sanctum_grace
parse(const uint8_t *d, size_t len, uint16_t mtu, uint16_t *size)
{
	*size = 0xdead;
	return (sanctum_grace_parse(d, len, mtu, size));
}

int
main(void)
{
	const uint8_t	hb[] = { 0x01, 0x00 };
	const uint8_t	probe[] = { 0x02, 0x00, 0x8e, 0x05 };	/* 1422 */
	const uint8_t	ack[] = { 0x03, 0x00, 0xb2, 0x04 };	/* 1202 */
	const uint8_t	ack_low[] = { 0x03, 0x00, 0x6e, 0x02 };	/* 622 */
	const uint8_t	ack_min[] = { 0x03, 0x00, 0x6f, 0x02 };	/* 623 */
	const uint8_t	ack_big[] = { 0x03, 0x00, 0x8f, 0x05 };	/* 1423 */
	const uint8_t	ack_zero[] = { 0x03, 0x00, 0x00, 0x00 };
	const uint8_t	unknown[] = { 0x04, 0x00, 0x00, 0x00 };
	const uint8_t	be_type[] = { 0x00, 0x01 };	/* 256: not a heartbeat */
	uint8_t		long_probe[1500];
	uint16_t	size;

	CHECK(parse(hb, 2, 1422, &size) == SANCTUM_GRACE_IS_HEARTBEAT,
	    "heartbeat");
	CHECK(parse(hb, 1, 1422, &size) == SANCTUM_GRACE_BAD, "1-byte grace");
	CHECK(parse(hb, 0, 1422, &size) == SANCTUM_GRACE_BAD, "empty grace");
	CHECK(parse(be_type, 2, 1422, &size) == SANCTUM_GRACE_BAD,
	    "type is little-endian");
	CHECK(parse(unknown, 4, 1422, &size) == SANCTUM_GRACE_BAD,
	    "unknown type");

	CHECK(parse(probe, 4, 1422, &size) == SANCTUM_GRACE_IS_PROBE &&
	    size == 1422, "probe size 1422 (got %u)", size);
	CHECK(parse(probe, 3, 1422, &size) == SANCTUM_GRACE_BAD, "short probe");
	memset(long_probe, 0, sizeof(long_probe));
	memcpy(long_probe, probe, sizeof(probe));
	CHECK(parse(long_probe, 1422, 700, &size) == SANCTUM_GRACE_IS_PROBE &&
	    size == 1422, "a probe above our MTU is still a probe (answered "
	    "or not by heaven-rx)");

	CHECK(parse(ack, 4, 1422, &size) == SANCTUM_GRACE_IS_ACK &&
	    size == 1202, "ack 1202 (got %u)", size);
	CHECK(parse(ack, 3, 1422, &size) == SANCTUM_GRACE_BAD, "short ack");
	CHECK(parse(ack_min, 4, 1422, &size) == SANCTUM_GRACE_IS_ACK &&
	    size == 623, "ack at the minimum");
	CHECK(parse(ack_low, 4, 1422, &size) == SANCTUM_GRACE_ACK_RANGE,
	    "ack 622 is out of range");
	CHECK(parse(ack_zero, 4, 1422, &size) == SANCTUM_GRACE_ACK_RANGE,
	    "ack 0 is out of range");
	CHECK(parse(ack_big, 4, 1422, &size) == SANCTUM_GRACE_ACK_RANGE,
	    "ack 1423 above a 1422 MTU is out of range");
	CHECK(parse(ack_big, 4, 1522, &size) == SANCTUM_GRACE_IS_ACK,
	    "ack 1423 inside a 1522 range");
	CHECK(parse(ack, 4, 1200, &size) == SANCTUM_GRACE_ACK_RANGE,
	    "ack 1202 above a 1200 MTU is out of range");
	return (check_report("grace"));
}
