/*
 * The configuration snapshot: flocks, identities with their allow rules,
 * cross-flock rules, federation peers, the current ambry bundles and the
 * enrollment tokens that can be redeemed online, read from the database by
 * the database thread and swapped in by the loop.
 */

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cathedral.h"

struct ident_key {
	uint64_t	flock;
	uint32_t	csid;
} __attribute__((packed));

struct pair_key {
	uint64_t	lo;
	uint64_t	hi;
} __attribute__((packed));

/* What a load collects besides the tables. */
struct conf_load {
	struct cath_conf		*conf;
	const struct sanctum_config	*cfg;
	size_t				bundle_cap;
	int				failed;
};

/* Each flock. */
static int
load_flock(void *arg, const struct db_flock *f)
{
	struct conf_load	*l = arg;
	int			created;

	if (table_insert(&l->conf->flocks, &f->id, &created) == NULL)
		l->failed = 1;
	return (0);
}

/* Each identity with its allow rules and, with shroud, its shroud keys. */
static int
load_ident(void *arg, const struct db_identity *id)
{
	struct conf_load	*l = arg;
	struct ident_key	k = { id->flock, id->csid };
	struct cath_ident	*ci;
	size_t			i;
	int			created;

	if ((ci = table_insert(&l->conf->idents, &k, &created)) == NULL) {
		l->failed = 1;
		return (0);
	}
	memcpy(ci->cs, id->secret, 32);
	memcpy(ci->pub, id->cosk_pub, 32);
	if (sanctum_base_key(ci->offer_base, ci->cs, id->flock, 0,
	    SANCTUM_PURPOSE_CATHEDRAL_OFFER) == -1) {
		l->failed = 1;
		return (0);
	}
	ci->revoked = id->revoked;
	for (i = 0; i < id->nallow; i++) {
		ci->allowed[id->allow[i].peer] = 1;
		ci->mbit[id->allow[i].peer] = id->allow[i].mbit;
	}
	if (l->cfg->shroud) {
		(void)sanctum_base_key(ci->shroud_key, ci->cs, id->flock,
		    id->flock, SANCTUM_PURPOSE_SHROUD_CATHEDRAL);
		(void)sanctum_shroud_base_identity(ci->shroud_base, id->flock,
		    id->flock, id->csid);
	}
	return (0);
}

/* Each token that can be redeemed online (or answered again). */
static int
load_token(void *arg, const struct db_token_live *dt)
{
	struct conf_load	*l = arg;
	struct cath_token	*t;
	int			created;

	if (dt->sealed_len > sizeof(t->sealed)) {
		log_msg("token %s: sealed material too large to serve", dt->name);
		return (0);
	}
	if ((t = table_insert(&l->conf->tokens, dt->lookup, &created)) == NULL) {
		l->failed = 1;
		return (0);
	}
	memcpy(t->verifier, dt->verifier, sizeof(t->verifier));
	t->flock = dt->flock;
	t->peer = dt->peer;
	t->used_csid = dt->used_csid;
	t->expires = dt->expires;
	memcpy(t->sealed, dt->sealed, dt->sealed_len);
	t->sealed_len = dt->sealed_len;
	return (0);
}

/* Each cross-flock rule. */
static int
load_xflock(void *arg, const struct db_xflock *x)
{
	struct conf_load	*l = arg;
	struct pair_key		k = { x->flock_a, x->flock_b };
	int			created;

	if (table_insert(&l->conf->xflocks, &k, &created) == NULL)
		l->failed = 1;
	return (0);
}

/*
 * Each federation peer; a line naming this cathedral's own advertised
 * address is skipped so one list serves every cathedral.
 */
static int
load_fed(void *arg, const struct db_federation *f)
{
	struct conf_load	*l = arg;
	struct cath_conf	*c = l->conf;
	struct sockaddr_in	*s;
	uint32_t		ip;

	memcpy(&ip, f->ip, 4);
	if (ip == cath->adv_ip && htons(f->port) == cath->adv_port)
		return (0);
	if (c->nfeds >= CATH_FEDERATION_MAX)
		return (0);
	s = &c->feds[c->nfeds++];
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_addr.s_addr = ip;
	s->sin_port = htons(f->port);
	return (0);
}

/* Index a bundle's entries by (side, tunnel) for constant-time offers. */
static int
bundle_index(struct cath_bundle *b)
{
	size_t		off, n = 0;
	uint64_t	flock;
	uint16_t	tunnel;
	int		side;

	if ((b->index = calloc(2 * CATH_BUNDLE_IDX, sizeof(uint32_t))) == NULL)
		return (-1);
	for (off = AMBRY_HDR_LEN; off + AMBRY_ENTRY_LEN <= b->len;
	    off += AMBRY_ENTRY_LEN, n++) {
		flock = get_be64(b->content + off);
		tunnel = get_be16(b->content + off + 8);
		side = flock == b->flock_a ? 0 : 1;
		if (b->index[side * CATH_BUNDLE_IDX + tunnel] == 0)
			b->index[side * CATH_BUNDLE_IDX + tunnel] =
			    (uint32_t)n + 1;
	}
	return (0);
}

/* Each current bundle: checked again, copied and indexed. */
static int
load_bundle(void *arg, const struct db_bundle *db)
{
	struct conf_load	*l = arg;
	struct cath_conf	*c = l->conf;
	struct cath_bundle	*b, *nb;
	struct ambry_header	h;

	if (ambry_bundle_check(db->content, db->len, db->flock_a,
	    db->flock_b) != SANCTUM_OK ||
	    ambry_header_parse(db->content, db->len, &h) != SANCTUM_OK)
		return (0);
	if (c->nbundles == l->bundle_cap) {
		l->bundle_cap = l->bundle_cap ? l->bundle_cap * 2 : 4;
		nb = reallocarray(c->bundles, l->bundle_cap, sizeof(*nb));
		if (nb == NULL) {
			l->failed = 1;
			return (0);
		}
		c->bundles = nb;
	}
	b = &c->bundles[c->nbundles];
	memset(b, 0, sizeof(*b));
	b->flock_a = db->flock_a;
	b->flock_b = db->flock_b;
	memcpy(b->expires, h.expires, 2);
	memcpy(b->generation, h.generation, 4);
	b->gen = get_be32(h.generation);
	memcpy(b->seed, h.seed, 64);
	if ((b->content = malloc(db->len)) == NULL) {
		l->failed = 1;
		return (0);
	}
	memcpy(b->content, db->content, db->len);
	b->len = db->len;
	if (bundle_index(b) == -1) {
		free(b->content);
		l->failed = 1;
		return (0);
	}
	c->nbundles++;
	return (0);
}

/*
 * Remembrance slots: this cathedral, then the federation peers in the
 * reverse order of their list (as the reference does).
 */
static void
remembrance_list(struct cath_conf *c)
{
	size_t	i, n = 1;

	c->rem_ips[0] = cath->adv_ip;
	c->rem_ports[0] = cath->adv_port;
	for (i = c->nfeds; i > 0 && n < SANCTUM_REMEMBRANCE_SLOTS; i--, n++) {
		c->rem_ips[n] = c->feds[i - 1].sin_addr.s_addr;
		c->rem_ports[n] = c->feds[i - 1].sin_port;
	}
}

/* Load a full snapshot; NULL with a message on failure. */
struct cath_conf *
cath_conf_load(struct db *db, const struct sanctum_config *cfg, char *err,
    size_t errlen)
{
	struct conf_load	l;
	struct cath_conf	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    table_init(&c->flocks, 8, 1, 65536) == -1 ||
	    table_init(&c->idents, 12, sizeof(struct cath_ident), 1 << 20) == -1 ||
	    table_init(&c->xflocks, 16, 1, 65536) == -1 ||
	    table_init(&c->tokens, ENROLL_LOOKUP_LEN, sizeof(struct cath_token),
	    CATH_MAX_TOKENS) == -1) {
		snprintf(err, errlen, "out of memory");
		cath_conf_free(c);
		return (NULL);
	}
	memset(&l, 0, sizeof(l));
	l.conf = c;
	l.cfg = cfg;
	if (db_flocks(db, load_flock, &l) == -1 ||
	    db_identities(db, load_ident, &l) == -1 ||
	    db_xflocks(db, load_xflock, &l) == -1 ||
	    db_federation(db, load_fed, &l) == -1 ||
	    db_tokens(db, (int64_t)time(NULL), load_token, &l) == -1 ||
	    db_bundles_current(db, (int64_t)time(NULL), load_bundle, &l) == -1) {
		snprintf(err, errlen, "%s", db_error(db));
		cath_conf_free(c);
		return (NULL);
	}
	if (l.failed) {
		snprintf(err, errlen, "configuration larger than the tables");
		cath_conf_free(c);
		return (NULL);
	}
	remembrance_list(c);
	return (c);
}

/* Free a snapshot, wiping the identities' secrets. */
void
cath_conf_free(struct cath_conf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	table_free(&c->flocks);
	table_free(&c->idents);
	table_free(&c->xflocks);
	table_free(&c->tokens);
	for (i = 0; i < c->nbundles; i++) {
		free(c->bundles[i].content);
		free(c->bundles[i].index);
	}
	free(c->bundles);
	free(c);
}

/* Whether a flock id (low byte 0) is configured. */
int
cath_flock_known(const struct cath_conf *c, uint64_t flock_id)
{
	return (table_find(&c->flocks, &flock_id) != NULL);
}

/* The identity (flock id, CS id), or NULL. */
struct cath_ident *
cath_ident_find(const struct cath_conf *c, uint64_t flock, uint32_t csid)
{
	struct ident_key	k = { flock, csid };

	return (table_find(&c->idents, &k));
}

/* Whether flocks a and b (ids) may talk across (order does not matter). */
int
cath_xflock_allowed(const struct cath_conf *c, uint64_t a, uint64_t b)
{
	struct pair_key	k = { a < b ? a : b, a < b ? b : a };

	return (table_find(&c->xflocks, &k) != NULL);
}

/* The bundle of a flock pair (a == b for a same-flock bundle). */
const struct cath_bundle *
cath_bundle_find(const struct cath_conf *c, uint64_t a, uint64_t b)
{
	size_t	i;

	for (i = 0; i < c->nbundles; i++) {
		if ((c->bundles[i].flock_a == a && c->bundles[i].flock_b == b) ||
		    (c->bundles[i].flock_a == b && c->bundles[i].flock_b == a))
			return (&c->bundles[i]);
	}
	return (NULL);
}

/* The index of a federation peer by address, -1 if it is none. */
int
cath_fed_index(const struct cath_conf *c, uint32_t ip, uint16_t port)
{
	size_t	i;

	for (i = 0; i < c->nfeds; i++) {
		if (c->feds[i].sin_addr.s_addr == ip &&
		    c->feds[i].sin_port == port)
			return ((int)i);
	}
	return (-1);
}
