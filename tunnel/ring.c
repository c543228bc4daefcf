/*
 * Bounded lock-free multi-producer multi-consumer rings of packet indices
 * (a sequence number per cell, after Dmitry Vyukov's bounded queue). They
 * live in shared memory and connect the processes of one direction.
 */

#include "sanctum.h"

/* Bytes needed for a ring of capacity cells (a power of two). */
size_t
ring_size(size_t capacity)
{
	return (sizeof(struct ring) + capacity * sizeof(struct ring_cell));
}

/* An empty ring; every cell's sequence starts at its index. */
void
ring_init(struct ring *r, size_t capacity)
{
	size_t	i;

	r->mask = capacity - 1;
	atomic_store(&r->head, 0);
	atomic_store(&r->tail, 0);
	for (i = 0; i < capacity; i++)
		atomic_store(&r->cells[i].seq, i);
}

/* Append a value; -1 when the ring is full. */
int
ring_put(struct ring *r, uint32_t value)
{
	struct ring_cell	*cell;
	uint64_t		pos, seq;
	int64_t			diff;

	pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
	for (;;) {
		cell = &r->cells[pos & r->mask];
		seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
		diff = (int64_t)(seq - pos);
		if (diff == 0) {
			if (atomic_compare_exchange_weak_explicit(&r->tail,
			    &pos, pos + 1, memory_order_relaxed,
			    memory_order_relaxed))
				break;
		} else if (diff < 0) {
			return (-1);
		} else {
			pos = atomic_load_explicit(&r->tail,
			    memory_order_relaxed);
		}
	}
	cell->value = value;
	atomic_store_explicit(&cell->seq, pos + 1, memory_order_release);
	return (0);
}

/* Remove the oldest value; SANCTUM_NO_PACKET when the ring is empty. */
uint32_t
ring_get(struct ring *r)
{
	struct ring_cell	*cell;
	uint64_t		pos, seq;
	int64_t			diff;
	uint32_t		value;

	pos = atomic_load_explicit(&r->head, memory_order_relaxed);
	for (;;) {
		cell = &r->cells[pos & r->mask];
		seq = atomic_load_explicit(&cell->seq, memory_order_acquire);
		diff = (int64_t)(seq - (pos + 1));
		if (diff == 0) {
			if (atomic_compare_exchange_weak_explicit(&r->head,
			    &pos, pos + 1, memory_order_relaxed,
			    memory_order_relaxed))
				break;
		} else if (diff < 0) {
			return (SANCTUM_NO_PACKET);
		} else {
			pos = atomic_load_explicit(&r->head,
			    memory_order_relaxed);
		}
	}
	value = cell->value;
	atomic_store_explicit(&cell->seq, pos + r->mask + 1,
	    memory_order_release);
	return (value);
}

/* Whether the ring looks empty right now (a hint for sleeping). */
int
ring_empty(struct ring *r)
{
	return (atomic_load(&r->head) == atomic_load(&r->tail));
}
