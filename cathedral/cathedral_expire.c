/*
 * Housekeeping (cathedral.md 3.11, 3.12): entries silent for 120 s go, so
 * do rate buckets, remembered seeds and shroud identities; after a reload
 * from the database, entries of identities that are gone, revoked or no
 * longer allowed for their peer id go at once; and the status line.
 */

#include <stdlib.h>
#include <string.h>

#include "cathedral.h"

/* A list of keys collected during an iteration, removed afterwards. */
struct doomed {
	uint8_t		*keys;
	size_t		n;
	size_t		cap;
	size_t		keylen;
};

/* Remember a key to remove. */
static void
doom(struct doomed *d, const void *key)
{
	uint8_t	*nk;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		if ((nk = reallocarray(d->keys, d->cap, d->keylen)) == NULL)
			return;
		d->keys = nk;
	}
	memcpy(d->keys + d->n++ * d->keylen, key, d->keylen);
}

/* Remove every collected key from t. */
static void
execute(struct table *t, struct doomed *d)
{
	size_t	i;

	for (i = 0; i < d->n; i++)
		table_remove(t, d->keys + i * d->keylen);
	free(d->keys);
	memset(d, 0, sizeof(*d));
}

/* Whether an identity still exists, is enabled and may use this peer id. */
static int
still_allowed(uint64_t flock, uint32_t csid, uint8_t peer)
{
	const struct cath_ident	*id;

	if (!cath_flock_known(cath->conf, flock))
		return (0);
	id = cath_ident_find(cath->conf, flock, csid);
	return (id != NULL && !id->revoked && id->allowed[peer]);
}

/* Walk the tunnels; drop the expired (or, with check, the disallowed). */
static void
sweep_tunnels(int check)
{
	struct doomed			d = { .keylen = sizeof(struct tunnel_key) };
	const struct tunnel_key		*k;
	struct cath_tunnel		*t;
	const void			*key;
	size_t				iter = 0;

	while ((t = table_next(&cath->tunnels, &iter, &key)) != NULL) {
		k = key;
		if (check ? !still_allowed(t->flock, t->csid, k->id >> 8) :
		    cath->now - t->age >= CATH_LIFETIME_MS) {
			log_msg("tunnel %llx-%llx:%04x removed",
			    (unsigned long long)k->src,
			    (unsigned long long)k->dst, k->id);
			doom(&d, key);
		}
	}
	execute(&cath->tunnels, &d);
}

/* The same for liturgy entries. */
static void
sweep_liturgies(int check)
{
	struct doomed			d = { .keylen = sizeof(struct liturgy_key) };
	const struct liturgy_key	*k;
	struct cath_liturgy		*e;
	const void			*key;
	size_t				iter = 0;

	while ((e = table_next(&cath->liturgies, &iter, &key)) != NULL) {
		k = key;
		if (check ? !still_allowed(k->flock & ~SANCTUM_FLOCK_DOMAIN_MASK,
		    e->csid, k->id) : cath->now - e->age >= CATH_LIFETIME_MS)
			doom(&d, key);
	}
	execute(&cath->liturgies, &d);
}

/* Drop bookkeeping entries older than age ms (rate buckets). */
static void
sweep_sources(void)
{
	struct doomed		d = { .keylen = 4 };
	struct cath_source	*s;
	const void		*key;
	size_t			iter = 0;

	while ((s = table_next(&cath->sources, &iter, &key)) != NULL) {
		if (cath->now - s->last >= CATH_RATE_IDLE_MS)
			doom(&d, key);
	}
	execute(&cath->sources, &d);
}

/* Drop seeds whose replay window is over. */
static void
sweep_seeds(void)
{
	struct doomed	d = { .keylen = CATH_SEED_KEY };
	uint64_t	*expires;
	const void	*key;
	size_t		iter = 0;

	while ((expires = table_next(&cath->seeds, &iter, &key)) != NULL) {
		if (*expires <= cath->now)
			doom(&d, key);
	}
	execute(&cath->seeds, &d);
}

/* Drop shroud identities not seen for an entry lifetime. */
static void
sweep_shroud_ids(void)
{
	struct doomed		d = { .keylen = 16 };
	struct cath_shroud_id	*s;
	const void		*key;
	size_t			iter = 0;

	while ((s = table_next(&cath->shroud_ids, &iter, &key)) != NULL) {
		if (cath->now - s->last >= CATH_LIFETIME_MS)
			doom(&d, key);
	}
	execute(&cath->shroud_ids, &d);
}

/* The 10 s scan. */
void
cath_expire(void)
{
	sweep_tunnels(0);
	sweep_liturgies(0);
	sweep_sources();
	sweep_seeds();
	sweep_shroud_ids();
}

/* After a reload: what the operator removed or revoked stops at once. */
void
cath_prune_after_reload(void)
{
	sweep_tunnels(1);
	sweep_liturgies(1);
	table_free(&cath->shroud_ids);
	if (table_init(&cath->shroud_ids, 16, sizeof(struct cath_shroud_id),
	    CATH_MAX_SHROUD_IDS) == -1)
		fatal("out of memory for the shroud identities");
}

/* Rejections since the last status line, summarised (at most every 5 s). */
static void
status_rejects(void)
{
	static uint64_t	seen[CC_MAX];
	uint64_t	v;
	int		c;

	for (c = CC_REJECT_SHORT; c <= CC_RUNT; c++) {
		v = atomic_load(&cath->counters[c]);
		if (v != seen[c])
			log_msg("%llu offer(s) rejected reason=%s",
			    (unsigned long long)(v - seen[c]),
			    cath_counter_name(c));
		seen[c] = v;
	}
}

/* The status line (cathedral.md 3.15). */
void
cath_status(void)
{
	struct cath_tunnel	*t;
	struct cath_liturgy	*e;
	size_t			iter = 0, local = 0, fed = 0, llocal = 0;
	size_t			lfed = 0;

	while ((t = table_next(&cath->tunnels, &iter, NULL)) != NULL) {
		if (t->federated)
			fed++;
		else
			local++;
	}
	iter = 0;
	while ((e = table_next(&cath->liturgies, &iter, NULL)) != NULL) {
		if (e->federated)
			lfed++;
		else
			llocal++;
	}
	status_rejects();
	if (local + fed + llocal + lfed == 0)
		return;
	log_msg("peer-stat local=%zu federated=%zu liturgy local=%zu "
	    "federated=%zu relayed=%llu", local, fed, llocal, lfed,
	    (unsigned long long)atomic_load(&cath->counters[CC_RELAY_PACKETS]));
}
