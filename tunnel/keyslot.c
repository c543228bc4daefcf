/*
 * Key slots: the one-way hand-off of a session key from the key process to
 * bless or confess (tunnel.md 1.5). The consumer wipes the key from the slot
 * as soon as it has expanded it.
 */

#include <string.h>

#include "sanctum.h"

/* Move a slot from one state to another, spinning until it is in "from". */
static void
slot_claim(struct key_slot *s, int from, int to)
{
	int	expect;

	for (;;) {
		expect = from;
		if (atomic_compare_exchange_weak(&s->state, &expect, to))
			return;
	}
}

/* Put a new key into a slot for its consumer. */
void
slot_install(struct key_slot *s, uint32_t spi, const uint8_t salt[4],
    const uint8_t key[32])
{
	slot_claim(s, SLOT_EMPTY, SLOT_GENERATING);
	s->spi = spi;
	memcpy(s->salt, salt, 4);
	memcpy(s->key, key, 32);
	atomic_store(&s->state, SLOT_PENDING);
}

/* Ask the consumer to wipe its SA(s). */
void
slot_erase(struct key_slot *s, uint32_t spi)
{
	slot_claim(s, SLOT_EMPTY, SLOT_GENERATING);
	s->spi = spi;
	memset(s->salt, 0, sizeof(s->salt));
	sanctum_wipe(s->key, sizeof(s->key));
	atomic_store(&s->state, SLOT_ERASE);
}

/*
 * Consumer side: 1 with the key copied out (and wiped from the slot) or with
 * *erase set; 0 when the slot holds nothing for us.
 */
int
slot_take(struct key_slot *s, uint32_t *spi, uint8_t salt[4], uint8_t key[32],
    int *erase)
{
	int	expect = SLOT_PENDING;

	*erase = 0;
	if (!atomic_compare_exchange_strong(&s->state, &expect,
	    SLOT_INSTALLING)) {
		expect = SLOT_ERASE;
		if (!atomic_compare_exchange_strong(&s->state, &expect,
		    SLOT_INSTALLING))
			return (0);
		*erase = 1;
	}
	*spi = s->spi;
	memcpy(salt, s->salt, 4);
	memcpy(key, s->key, 32);
	sanctum_wipe(s->key, sizeof(s->key));
	atomic_store(&s->state, SLOT_EMPTY);
	return (1);
}
