/*
 * Bounded hash tables with fixed-size keys and values stored inline, keyed
 * with SipHash under a random key. Every table has a maximum: inserting
 * beyond it fails (the caller counts it) and existing entries stay served.
 */
#ifndef SANCTUM_TABLE_H
#define SANCTUM_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct table {
	size_t		keylen;
	size_t		vallen;
	size_t		slotlen;
	size_t		cap;		/* slots, a power of two */
	size_t		count;
	size_t		max;		/* entries allowed */
	uint8_t		hashkey[16];
	uint8_t		*slots;
};

int	table_init(struct table *, size_t keylen, size_t vallen, size_t max);
void	table_free(struct table *);
void	*table_find(const struct table *, const void *key);
void	*table_insert(struct table *, const void *key, int *created);
void	table_remove(struct table *, const void *key);
void	*table_next(const struct table *, size_t *iter, const void **key);

#endif
