/*
 * The peer address (tunnel.md 4.9): one 64-bit word in shared state, moved
 * by authenticated traffic (roaming) and by a cathedral's announcements.
 * Next to it the current cathedral, which chapel moves on fail-over.
 */

#include <string.h>

#include "sanctum.h"

#define PEER_CATHEDRAL_HOLD	10	/* seconds before falling back to relay */

/* An address word (ip << 16 | port) as a sockaddr; 1 when it is complete. */
static int
addr_word(uint64_t v, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = (uint32_t)(v >> 16);
	sin->sin_port = (uint16_t)v;
	return (sin->sin_addr.s_addr != 0 && sin->sin_port != 0);
}

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
	return (addr_word(atomic_load(&sanctum->state->peer), sin));
}

/* Store the current cathedral (network order): at start and on fail-over. */
void
cathedral_addr_set(uint32_t ip, uint16_t port)
{
	atomic_store(&sanctum->state->cathedral, (uint64_t)ip << 16 | port);
}

/* The current cathedral; 0 when there is none (yet). */
int
cathedral_addr_get(struct sockaddr_in *sin)
{
	return (addr_word(atomic_load(&sanctum->state->cathedral), sin));
}

/*
 * Whether sin is the current cathedral: its IP (what shroud key selection
 * and the peer hold-off look at) and, with port set, also its port (what a
 * KATEDRAL datagram must come from).
 */
int
cathedral_match(const struct sockaddr_in *sin, int port)
{
	struct sockaddr_in	c;

	if (!cathedral_addr_get(&c))
		return (0);
	return (sin->sin_addr.s_addr == c.sin_addr.s_addr &&
	    (!port || sin->sin_port == c.sin_port));
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
		if (cathedral_match(src, 0)) {
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
