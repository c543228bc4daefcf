/*
 * The shared packet pool: SANCTUM_POOL_PACKETS buffers whose indices sit in
 * a free ring; processes pass indices through the rings of one direction.
 */

#include <string.h>

#include "sanctum.h"

/* Take a free buffer, zeroed; NULL (counted) when the pool is empty. */
struct sanctum_packet *
packet_get(void)
{
	struct sanctum_packet	*p;
	uint32_t		idx;

	if ((idx = ring_get(sanctum->free)) == SANCTUM_NO_PACKET) {
		counter_add(CTR_POOL_EMPTY, 1);
		return (NULL);
	}
	p = &sanctum->packets[idx];
	memset(p, 0, sizeof(*p));
	return (p);
}

/*
 * Buffers free in the pool right now (head first: never negative); the
 * receivers size their batches by it.
 */
uint64_t
pool_free(void)
{
	uint64_t	head;

	head = atomic_load(&sanctum->free->head);
	return (atomic_load(&sanctum->free->tail) - head);
}

/* Give a buffer back. */
void
packet_put(struct sanctum_packet *p)
{
	(void)ring_put(sanctum->free, packet_index(p));
}

/* The index of a buffer in the pool. */
uint32_t
packet_index(const struct sanctum_packet *p)
{
	return ((uint32_t)(p - sanctum->packets));
}

/* The buffer of an index that came out of a ring (checked). */
struct sanctum_packet *
packet_at(uint32_t idx)
{
	if (idx >= SANCTUM_POOL_PACKETS)
		fatal("packet index %u out of range", idx);
	return (&sanctum->packets[idx]);
}

/*
 * Hand a packet to the next process's ring and wake it; when the ring is
 * full the packet is dropped (counted) and returned to the pool.
 */
int
packet_send_to(enum shm_object ring, struct sanctum_packet *p, int wake_type)
{
	if (ring_put(sanctum->rings[ring], packet_index(p)) == -1) {
		counter_add(CTR_RING_FULL, 1);
		packet_put(p);
		return (-1);
	}
	proc_wake(wake_type);
	return (0);
}

/* The next packet of a ring, or NULL. */
struct sanctum_packet *
packet_take(enum shm_object ring)
{
	uint32_t	idx;

	if ((idx = ring_get(sanctum->rings[ring])) == SANCTUM_NO_PACKET)
		return (NULL);
	return (packet_at(idx));
}
