/*
 * Received graces (tunnel.md 2.8), decided apart from the process that acts
 * on them so every rule can be tested on its own: heartbeats, MTU probes,
 * MTU acks inside [623, our tunnel MTU]; anything else is a counted drop,
 * an out-of-range ack included (the reference aborts on one; we do not).
 */

#include "wire.h"

/* What a grace payload of len bytes asks for; *size for probes and acks. */
enum sanctum_grace
sanctum_grace_parse(const uint8_t *d, size_t len, uint16_t tun_mtu,
    uint16_t *size)
{
	uint16_t	type;

	if (len < 2)
		return (SANCTUM_GRACE_BAD);
	type = get_le16(d);
	if (type == SANCTUM_GRACE_HEARTBEAT)
		return (SANCTUM_GRACE_IS_HEARTBEAT);
	if (type != SANCTUM_GRACE_MTU_PROBE && type != SANCTUM_GRACE_MTU_ACK)
		return (SANCTUM_GRACE_BAD);
	if (len < 4)
		return (SANCTUM_GRACE_BAD);
	*size = get_le16(d + 2);
	if (type == SANCTUM_GRACE_MTU_PROBE)
		return (SANCTUM_GRACE_IS_PROBE);
	if (*size < SANCTUM_MTU_MIN || *size > tun_mtu)
		return (SANCTUM_GRACE_ACK_RANGE);
	return (SANCTUM_GRACE_IS_ACK);
}
