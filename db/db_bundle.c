/*
 * Storing ambry bundles: checked like the cathedral checks a bundle file
 * (exact size, every entry for one of the pair), identified by flock pair
 * and generation (as clients do), and pruned to the newest generations.
 */

#include <stdio.h>

#include "db_int.h"
#include "wire.h"

/* Why a bundle is refused, in the words of cathedral.md 4.2. */
static int
db_bundle_valid(struct db *db, uint64_t a, uint64_t b, const uint8_t *content,
    size_t len, struct ambry_header *h)
{
	switch (ambry_bundle_check(content, len, a, b)) {
	case SANCTUM_OK:
		break;
	case SANCTUM_ERR_SHORT:
	case SANCTUM_ERR_LONG:
		db_seterr(db, "ambry bundle has an abnormal size: %zu bytes, "
		    "expected %zu", len, ambry_bundle_size(a, b));
		return (-1);
	default:
		db_seterr(db, "ambry bundle has an entry for a flock other "
		    "than %llx or %llx", (unsigned long long)a,
		    (unsigned long long)b);
		return (-1);
	}
	if (ambry_header_parse(content, len, h) != SANCTUM_OK) {
		db_seterr(db, "ambry bundle header is malformed");
		return (-1);
	}
	return (0);
}

/* DB_PRESENT if this generation is stored with the same digest. */
static int
db_bundle_known(struct db *db, uint64_t a, uint64_t b, uint32_t gen,
    const uint8_t digest[32])
{
	sqlite3_stmt	*st;
	int		 rc, ret = DB_ADDED;

	if ((st = db_prepare(db, "SELECT digest FROM ambry_bundles WHERE "
	    "flock_a = ? AND flock_b = ? AND generation = ?")) == NULL)
		return (-1);
	db_bind_u64(st, 1, a);
	db_bind_u64(st, 2, b);
	sqlite3_bind_int64(st, 3, gen);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret = DB_PRESENT;
		if (sqlite3_column_bytes(st, 0) != 32 ||
		    !sanctum_memeq(sqlite3_column_blob(st, 0), digest, 32)) {
			db_seterr(db, "generation %08x of %llx <=> %llx is "
			    "already stored with different content", gen,
			    (unsigned long long)a, (unsigned long long)b);
			ret = -1;
		}
	} else if (rc != SQLITE_DONE)
		ret = db_sqlerr(db, "bundle lookup");
	sqlite3_finalize(st);
	return (ret);
}

/* Insert the bundle and drop all but the newest DB_BUNDLES_KEPT. */
static int
db_bundle_insert(struct db *db, uint64_t a, uint64_t b,
    const struct ambry_header *h, const uint8_t digest[32],
    const uint8_t *content, size_t len, int *pruned)
{
	sqlite3_stmt	*st;
	uint16_t	 expires = get_be16(h->expires);
	int		 rc;

	if ((st = db_prepare(db, "INSERT INTO ambry_bundles (flock_a, flock_b, "
	    "generation, expires, expires_at, digest, content, created) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return (-1);
	db_bind_u64(st, 1, a);
	db_bind_u64(st, 2, b);
	sqlite3_bind_int64(st, 3, get_be32(h->generation));
	sqlite3_bind_int(st, 4, expires);
	sqlite3_bind_int64(st, 5, (int64_t)(AMBRY_EPOCH + expires * AMBRY_DAY));
	sqlite3_bind_blob(st, 6, digest, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 7, content, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, db_now(db));
	rc = db_step_done(db, st, "bundle store");
	sqlite3_finalize(st);
	if (rc == -1)
		return (-1);
	if ((st = db_prepare(db, "DELETE FROM ambry_bundles WHERE flock_a = ?1 "
	    "AND flock_b = ?2 AND id NOT IN (SELECT id FROM ambry_bundles "
	    "WHERE flock_a = ?1 AND flock_b = ?2 ORDER BY id DESC "
	    "LIMIT ?3)")) == NULL)
		return (-1);
	db_bind_u64(st, 1, a);
	db_bind_u64(st, 2, b);
	sqlite3_bind_int(st, 3, DB_BUNDLES_KEPT);
	rc = db_step_done(db, st, "bundle prune");
	sqlite3_finalize(st);
	*pruned = sqlite3_changes(db->sq);
	return (rc);
}

/*
 * Store a bundle for flock a (a == b) or the xflock pair (a, b), which
 * must exist. The newest stored generation is the one served.
 */
int
db_bundle_store(struct db *db, const char *actor, uint64_t a, uint64_t b,
    const uint8_t *content, size_t len)
{
	struct ambry_header	h;
	uint8_t			digest[32];
	uint64_t		t;
	char			obj[64];
	int			ret, pruned = 0;

	if (a > b) {
		t = a;
		a = b;
		b = t;
	}
	if (((a | b) & SANCTUM_FLOCK_DOMAIN_MASK) != 0) {
		db_seterr(db, "bundle flocks must not carry a domain byte");
		return (-1);
	}
	if (db_bundle_valid(db, a, b, content, len, &h) == -1)
		return (-1);
	sanctum_sha256(digest, content, len);
	if (a == b)
		snprintf(obj, sizeof(obj), "ambry %llx", (unsigned long long)a);
	else
		snprintf(obj, sizeof(obj), "ambry %llx <=> %llx",
		    (unsigned long long)a, (unsigned long long)b);
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	if (db_need_flock(db, a) == -1 || db_need_flock(db, b) == -1)
		ret = -1;
	else
		ret = db_bundle_known(db, a, b, get_be32(h.generation),
		    digest);
	if (ret == DB_ADDED) {
		if (db_bundle_insert(db, a, b, &h, digest, content, len,
		    &pruned) == -1)
			ret = -1;
		else
			ret = db_audit(db, actor, "ambry.store", obj,
			    "generation %08x expires day %u, %d older pruned",
			    get_be32(h.generation), get_be16(h.expires),
			    pruned);
	}
	return (db_tx_done(db, ret));
}
