/*
 * The peer address (tunnel.md 4.9): one 64-bit word in shared state, moved
 * by authenticated traffic (roaming) and by a cathedral's announcements.
 */

#include <string.h>

#include "sanctum.h"

#define PEER_CATHEDRAL_HOLD	10	/* seconds before falling back to relay */

/* Store a peer address (network-order ip and port). */
void
peer_set(uint32_t ip, uint16_t port)
{
	atomic_store(&sanctum->state->peer, (uint64_t)ip << 16 | port);
}

/* The current peer address; 0 when it is unknown. */
int
peer_get(struct sockaddr_in *sin)
{
	uint64_t	v = atomic_load(&sanctum->state->peer);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = (uint32_t)(v >> 16);
	sin->sin_port = (uint16_t)v;
	return (v != 0 && sin->sin_addr.s_addr != 0 && sin->sin_port != 0);
}

/*
 * Learn the peer's address from an authenticated packet or a cathedral.
 * Our own public address is never taken; with a cathedral, a switch back
 * to it waits until direct traffic has been silent for 10 s. Returns 1
 * when the address changed (MTU discovery then starts over).
 */
int
peer_update(const struct sanctum_config *cfg, const struct sockaddr_in *src)
{
	struct sanctum_state	*st = sanctum->state;
	uint32_t		ip = src->sin_addr.s_addr;
	uint64_t		now = atomic_load(&st->uptime), v;

	if (ip == 0 || src->sin_port == 0)
		return (0);
	if (ip == (uint32_t)(atomic_load(&st->local_public) >> 16))
		return (0);
	if (cfg->cathedral_set) {
		if (ip == cfg->cathedral.sin_addr.s_addr) {
			if (now < atomic_load(&st->peer_hold))
				return (0);
		} else {
			atomic_store(&st->peer_hold, now + PEER_CATHEDRAL_HOLD);
		}
	}
	v = (uint64_t)ip << 16 | src->sin_port;
	if (atomic_exchange(&st->peer, v) == v)
		return (0);
	atomic_store(&st->mtu_restart, 1);
	return (1);
}
