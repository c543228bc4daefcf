/*
 * cathedralctl ambry generate --flock F [--xflock G] [--days D]
 *
 * A new bundle generation from the keyring's device KEKs (cathedral.md 4),
 * stored in the database, where the cathedral picks it up within a second
 * and hands each node its secrets. Peer ids without a KEK keep their
 * entries (the size is fixed) but those are random: nobody can unwrap
 * them. Also used by revoke to re-key a flock without the revoked node.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cathedralctl.h"
#include "sanctum_crypto.h"
#include "wire.h"

#define AMBRY_USAGE	"ambry generate --flock F [--xflock G] [--days D]"

/* What the build callbacks read. */
struct ambry_build {
	const struct keyring	*kr;
};

/* The device KEK of one id from the keyring; 1 when it has none. */
static int
ambry_kek(void *arg, uint64_t flock, uint8_t id, uint8_t kek[32])
{
	const struct ambry_build	*ab = arg;
	const uint8_t			*k = keyring_get(ab->kr, flock, id);

	if (k == NULL)
		return (1);
	memcpy(kek, k, 32);
	return (0);
}

/* Fresh secrets, seeds and the filler of KEK-less entries. */
static void
ambry_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	sanctum_random_bytes(buf, len);
}

/* The generations the pair serves now, to draw a different one. */
struct ambry_current {
	uint64_t	a;
	uint64_t	b;
	uint32_t	gen[DB_BUNDLES_KEPT + 1];
	size_t		n;
};

/* Remember a served generation of the pair. */
static int
ambry_current(void *arg, const struct db_bundle *bd)
{
	struct ambry_current	*c = arg;

	if (bd->flock_a == c->a && bd->flock_b == c->b &&
	    c->n < sizeof(c->gen) / sizeof(c->gen[0]))
		c->gen[c->n++] = bd->generation;
	return (0);
}

/* A random non-zero generation that differs from the served one. */
static int
ambry_generation(struct ctl *ctl, struct db *db, uint64_t a, uint64_t b,
    uint32_t *gen)
{
	struct ambry_current	c;
	size_t			i;

	memset(&c, 0, sizeof(c));
	c.a = a;
	c.b = b;
	if (db_bundles_current(db, (int64_t)time(NULL), ambry_current,
	    &c) == -1) {
		ctl_error(ctl, "%s", db_error(db));
		return (-1);
	}
	do {
		*gen = sanctum_random_u32();
		for (i = 0; i < c.n && c.gen[i] != *gen; i++)
			;
	} while (*gen == 0 || i < c.n);
	return (0);
}

/*
 * Build and store a new generation for flock a (a == b) or the xflock
 * pair (a, b), valid for days. Refused when a side has no KEK at all,
 * as such a bundle would cut every node of that flock off.
 */
int
ctl_ambry_make(struct ctl *ctl, struct db *db, const struct keyring *kr,
    uint64_t a, uint64_t b, uint32_t days, uint32_t *gen)
{
	struct ambry_header	 h;
	struct ambry_build	 ab = { kr };
	uint8_t			*buf;
	uint64_t		 t;
	size_t			 len;
	int			 ret = -1;

	if (a > b) {
		t = a;
		a = b;
		b = t;
	}
	if (keyring_count(kr, a) == 0 || keyring_count(kr, b) == 0) {
		ctl_error(ctl, "the keyring has no KEK for flock %llx: a "
		    "bundle would serve none of its nodes", (unsigned long long)
		    (keyring_count(kr, a) == 0 ? a : b));
		return (-1);
	}
	if (ambry_generation(ctl, db, a, b, gen) == -1)
		return (-1);
	len = ambry_bundle_size(a, b);
	if ((buf = malloc(len)) == NULL) {
		ctl_error(ctl, "out of memory");
		return (-1);
	}
	memset(&h, 0, sizeof(h));
	put_be16(h.expires, ambry_expires_for((uint64_t)time(NULL), days));
	put_be32(h.generation, *gen);
	sanctum_random_bytes(h.seed, sizeof(h.seed));
	if (ambry_bundle_build(buf, len, a, b, &h, ambry_kek, ambry_random,
	    &ab) == -1)
		ctl_error(ctl, "building the bundle failed");
	else if (db_bundle_store(db, ctl->actor, a, b, buf, len) == -1)
		ctl_error(ctl, "%s", db_error(db));
	else
		ret = 0;
	free(buf);
	return (ret);
}

/* Say what a new generation serves. */
static void
ambry_said(const struct keyring *kr, uint64_t a, uint64_t b, uint32_t gen,
    uint32_t days)
{
	char	when[32];

	ctl_time_str((int64_t)(AMBRY_EPOCH + (uint64_t)ambry_expires_for(
	    (uint64_t)time(NULL), days) * AMBRY_DAY), when, sizeof(when));
	if (a == b)
		printf("flock %llx: ambry generation %08x, expires %s UTC, "
		    "%zu peer ids with a KEK\n", (unsigned long long)a, gen,
		    when, keyring_count(kr, a));
	else
		printf("xflock %llx <=> %llx: ambry generation %08x, expires "
		    "%s UTC\n", (unsigned long long)a, (unsigned long long)b,
		    gen, when);
}

/* The xflock rules of one flock. */
struct ambry_pairs {
	uint64_t	flock;
	uint64_t	other[64];
	size_t		n;
};

/* Collect the partner of every xflock rule of the flock. */
static int
ambry_pair(void *arg, const struct db_xflock *x)
{
	struct ambry_pairs	*p = arg;

	if (p->n < sizeof(p->other) / sizeof(p->other[0]) &&
	    (x->flock_a == p->flock || x->flock_b == p->flock))
		p->other[p->n++] = x->flock_a == p->flock ? x->flock_b :
		    x->flock_a;
	return (0);
}

/*
 * A new generation for the flock, and for each of its xflock pairs whose
 * other flock has KEKs in the keyring (a pair without is left alone).
 */
int
ctl_ambry_flock(struct ctl *ctl, struct db *db, const struct keyring *kr,
    uint64_t flock, uint32_t days)
{
	struct ambry_pairs	p;
	uint32_t		gen;
	size_t			i;

	memset(&p, 0, sizeof(p));
	p.flock = flock;
	if (ctl_ambry_make(ctl, db, kr, flock, flock, days, &gen) == -1)
		return (1);
	ambry_said(kr, flock, flock, gen, days);
	if (db_xflocks(db, ambry_pair, &p) == -1)
		return (ctl_error(ctl, "%s", db_error(db)));
	for (i = 0; i < p.n; i++) {
		if (keyring_count(kr, p.other[i]) == 0) {
			printf("xflock %llx <=> %llx: left alone, the keyring "
			    "has no KEKs of %llx\n", (unsigned long long)flock,
			    (unsigned long long)p.other[i],
			    (unsigned long long)p.other[i]);
			continue;
		}
		if (ctl_ambry_make(ctl, db, kr, flock, p.other[i], days,
		    &gen) == -1)
			return (1);
		ambry_said(kr, flock < p.other[i] ? flock : p.other[i],
		    flock < p.other[i] ? p.other[i] : flock, gen, days);
	}
	return (0);
}

/* ambry generate --flock F [--xflock G] [--days D] */
static int
ambry_generate(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt		 opts[] = { { "--flock", 0, NULL, 0 },
				    { "--xflock", 0, NULL, 0 },
				    { "--days", 0, NULL, 0 },
				    { NULL, 0, NULL, 0 } };
	struct ctl_keyring	 k;
	struct db		*db;
	const char		*v;
	uint64_t		 a, b;
	uint32_t		 days = CTL_AMBRY_DAYS, gen;
	int			 ret = 1;

	if (ctl_options(ctl, argc, argv, 2, opts, AMBRY_USAGE) != 0)
		return (1);
	if ((v = ctl_opt(opts, "--flock")) == NULL)
		return (ctl_error(ctl, "usage: %s", AMBRY_USAGE));
	if (ctl_parse_flock(ctl, v, &a) == -1)
		return (1);
	b = a;
	if ((v = ctl_opt(opts, "--xflock")) != NULL &&
	    ctl_parse_flock(ctl, v, &b) == -1)
		return (1);
	if ((v = ctl_opt(opts, "--days")) != NULL) {
		if (ctl_parse_u32(ctl, "days", v, 3650, &days) == -1)
			return (1);
		if (days == 0)
			return (ctl_error(ctl, "--days: at least 1"));
	}
	if (ctl_keyring_open(ctl, &k) == -1)
		return (1);
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) != NULL) {
		if (ctl_ambry_make(ctl, db, &k.kr, a, b, days, &gen) == 0) {
			ambry_said(&k.kr, a < b ? a : b, a < b ? b : a, gen,
			    days);
			ret = 0;
		}
		ctl_db_close(ctl, db);
	}
	ctl_keyring_close(&k);
	return (ret);
}

/* The ambry command group. */
int
ctl_ambry(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "generate") == 0)
		return (ambry_generate(ctl, argc, argv));
	return (ctl_error(ctl, "usage: %s", AMBRY_USAGE));
}
