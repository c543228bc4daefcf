/*
 * Open addressing with linear probing and backward-shift deletion, so
 * there are no tombstones and a table that churns never degrades.
 */

#include <stdlib.h>
#include <string.h>

#include "sanctum_crypto.h"
#include "table.h"

#define SLOT_USED	1
#define ALIGN8(n)	(((n) + 7) & ~(size_t)7)
#define KEY(t, s)	((s) + 8)
#define VAL(t, s)	((s) + 8 + ALIGN8((t)->keylen))

/*
 * A slot is an 8-byte state word, the key and the value, each 8-byte
 * aligned so values can hold any structure.
 */

/* The slot at index i. */
static uint8_t *
slot_at(const struct table *t, size_t i)
{
	return (t->slots + i * t->slotlen);
}

/* Home index of a key. */
static size_t
home(const struct table *t, const void *key)
{
	return ((size_t)sanctum_shorthash(key, t->keylen, t->hashkey) &
	    (t->cap - 1));
}

/* A table for up to max entries; it grows as it fills (at most half full). */
int
table_init(struct table *t, size_t keylen, size_t vallen, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->keylen = keylen;
	t->vallen = vallen;
	t->slotlen = 8 + ALIGN8(keylen) + ALIGN8(vallen);
	t->max = max;
	t->cap = 16;
	sanctum_random_bytes(t->hashkey, sizeof(t->hashkey));
	if ((t->slots = calloc(t->cap, t->slotlen)) == NULL)
		return (-1);
	return (0);
}

/* Double the slots and re-insert everything (values keep their bytes). */
static int
table_grow(struct table *t)
{
	uint8_t		*old = t->slots, *s, *d;
	size_t		oldcap = t->cap, i, j;

	if ((t->slots = calloc(oldcap * 2, t->slotlen)) == NULL) {
		t->slots = old;
		return (-1);
	}
	t->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++) {
		s = old + i * t->slotlen;
		if (s[0] != SLOT_USED)
			continue;
		for (j = home(t, KEY(t, s));; j = (j + 1) & (t->cap - 1)) {
			d = slot_at(t, j);
			if (d[0] != SLOT_USED)
				break;
		}
		memcpy(d, s, t->slotlen);
	}
	sanctum_wipe(old, oldcap * t->slotlen);
	free(old);
	return (0);
}

/* Free a table, wiping what it held (values may hold keys). */
void
table_free(struct table *t)
{
	if (t->slots != NULL) {
		sanctum_wipe(t->slots, t->cap * t->slotlen);
		free(t->slots);
	}
	memset(t, 0, sizeof(*t));
}

/* The value stored under key, or NULL. */
void *
table_find(const struct table *t, const void *key)
{
	size_t		i = home(t, key), n;
	uint8_t		*s;

	for (n = 0; n < t->cap; n++, i = (i + 1) & (t->cap - 1)) {
		s = slot_at(t, i);
		if (s[0] != SLOT_USED)
			return (NULL);
		if (memcmp(KEY(t, s), key, t->keylen) == 0)
			return (VAL(t, s));
	}
	return (NULL);
}

/*
 * The value under key, inserting a zeroed one when absent (*created = 1).
 * NULL when the table is at its maximum. Pointers to values returned
 * before an insert are invalid after it (the table may grow).
 */
void *
table_insert(struct table *t, const void *key, int *created)
{
	size_t		i, n;
	uint8_t		*s;
	void		*v;

	*created = 0;
	if ((v = table_find(t, key)) != NULL)
		return (v);
	if (t->count >= t->max)
		return (NULL);
	if ((t->count + 1) * 2 > t->cap && table_grow(t) == -1)
		return (NULL);
	i = home(t, key);
	for (n = 0; n < t->cap; n++, i = (i + 1) & (t->cap - 1)) {
		s = slot_at(t, i);
		if (s[0] == SLOT_USED)
			continue;
		s[0] = SLOT_USED;
		memcpy(KEY(t, s), key, t->keylen);
		memset(VAL(t, s), 0, t->vallen);
		t->count++;
		*created = 1;
		return (VAL(t, s));
	}
	return (NULL);
}

/* Remove key; later entries of its probe run shift back into the hole. */
void
table_remove(struct table *t, const void *key)
{
	size_t		i = home(t, key), j, h, n;
	uint8_t		*s;

	for (n = 0; n < t->cap; n++, i = (i + 1) & (t->cap - 1)) {
		s = slot_at(t, i);
		if (s[0] != SLOT_USED)
			return;
		if (memcmp(KEY(t, s), key, t->keylen) == 0)
			break;
	}
	if (n == t->cap)
		return;
	j = i;
	for (;;) {
		sanctum_wipe(slot_at(t, i), t->slotlen);
		for (;;) {
			j = (j + 1) & (t->cap - 1);
			s = slot_at(t, j);
			if (s[0] != SLOT_USED) {
				t->count--;
				return;
			}
			h = home(t, KEY(t, s));
			/* Move s back unless its home lies cyclically in (i, j]. */
			if (i <= j ? (i < h && h <= j) : (i < h || h <= j))
				continue;
			break;
		}
		memcpy(slot_at(t, i), s, t->slotlen);
		i = j;
	}
}

/*
 * Iterate: start with *iter = 0; returns each value (and its key) until
 * NULL. The table must not change during an iteration (callers collect
 * what to remove and remove it afterwards).
 */
void *
table_next(const struct table *t, size_t *iter, const void **key)
{
	uint8_t		*s;

	for (; *iter < t->cap; (*iter)++) {
		s = slot_at(t, *iter);
		if (s[0] == SLOT_USED) {
			(*iter)++;
			if (key != NULL)
				*key = KEY(t, s);
			return (VAL(t, s));
		}
	}
	return (NULL);
}
