/*
 * Shared memory: one anonymous shared mapping per object, created by the
 * guardian before it forks, so every process sees the same addresses and a
 * worker can unmap what it must not touch (tunnel.md 1.3).
 */

#include <sys/mman.h>

#include <string.h>

#include "sanctum.h"

/* Ring capacities per object and mode (0: the mode has no such ring). */
static size_t
ring_capacity(enum shm_object o, int mode)
{
	int	big = mode == SANCTUM_MODE_CATHEDRAL ||
		    mode == SANCTUM_MODE_LITURGY;

	switch (o) {
	case SHM_RING_BLESS:
	case SHM_RING_CONFESS:
	case SHM_RING_HEAVEN:
		return (big ? 0 : SANCTUM_RING_BIG);
	case SHM_RING_PURGATORY:
		return (SANCTUM_RING_BIG);
	case SHM_RING_OFFER:
		return (big ? 0 : SANCTUM_RING_SMALL);
	case SHM_RING_CHAPEL:
		return (big ? SANCTUM_RING_BIG : SANCTUM_RING_SMALL);
	case SHM_RING_BISHOP:
		return (mode == SANCTUM_MODE_LITURGY ? SANCTUM_RING_BIG : 0);
	default:
		return (0);
	}
}

/* Map len bytes of zeroed shared memory. */
static void *
shm_map(struct sanctum_shared *s, enum shm_object o, size_t len)
{
	void	*p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED)
		return (NULL);
	s->maps[o].addr = p;
	s->maps[o].len = len;
	return (p);
}

/*
 * Create every object the mode uses: state, pool with its free ring, the
 * rings, and the key slots (shroud slots only with shroud).
 */
int
shm_create(struct sanctum_shared *s, int mode)
{
	size_t		cap, free_len, i;
	uint8_t		*pool;
	int		o;

	memset(s, 0, sizeof(*s));
	for (i = 0; i <= SANCTUM_PROC_MAX; i++)
		s->wake_fd[i] = -1;
	if ((s->state = shm_map(s, SHM_STATE, sizeof(*s->state))) == NULL)
		return (-1);
	s->state->mode = mode;
	for (i = 0; i <= SANCTUM_PROC_MAX; i++)
		atomic_store(&s->state->wake[i], 1);

	free_len = (ring_size(SANCTUM_POOL_PACKETS) + 63) & ~(size_t)63;
	pool = shm_map(s, SHM_POOL, free_len +
	    SANCTUM_POOL_PACKETS * sizeof(struct sanctum_packet));
	if (pool == NULL)
		return (-1);
	s->free = (struct ring *)pool;
	s->packets = (struct sanctum_packet *)(pool + free_len);
	ring_init(s->free, SANCTUM_POOL_PACKETS);
	for (i = 0; i < SANCTUM_POOL_PACKETS; i++)
		(void)ring_put(s->free, (uint32_t)i);

	for (o = SHM_RING_BLESS; o <= SHM_RING_BISHOP; o++) {
		if ((cap = ring_capacity(o, mode)) == 0)
			continue;
		if ((s->rings[o] = shm_map(s, o, ring_size(cap))) == NULL)
			return (-1);
		ring_init(s->rings[o], cap);
	}
	for (o = SHM_SLOT_TX; o <= SHM_SLOT_SRX; o++) {
		if (mode == SANCTUM_MODE_CATHEDRAL ||
		    mode == SANCTUM_MODE_LITURGY)
			continue;
		if ((s->slots[o] = shm_map(s, o, sizeof(struct key_slot))) ==
		    NULL)
			return (-1);
	}
	return (0);
}

/*
 * In a worker: unmap every object not in keep (state and pool are always
 * kept), so a compromised process cannot reach the other direction's rings
 * or another process's key slot.
 */
void
shm_keep(struct sanctum_shared *s, const int *keep, size_t n)
{
	size_t	i;
	int	o, wanted;

	for (o = SHM_RING_BLESS; o < SHM_MAX; o++) {
		if (s->maps[o].addr == NULL)
			continue;
		wanted = 0;
		for (i = 0; i < n; i++)
			wanted |= keep[i] == o;
		if (wanted)
			continue;
		(void)munmap(s->maps[o].addr, s->maps[o].len);
		s->maps[o].addr = NULL;
		s->rings[o] = NULL;
		s->slots[o] = NULL;
	}
}
