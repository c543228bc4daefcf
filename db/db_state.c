/*
 * Loading the cathedral's hot state: flocks, identities with their allow
 * rules, xflocks, federation peers and the bundle each flock pair serves.
 * The cathedral calls these at start and whenever data_version moves.
 */

#include <string.h>

#include "db_int.h"
#include "wire.h"

/* Every flock. */
int
db_flocks(struct db *db, db_flock_cb cb, void *arg)
{
	struct db_flock	 f;
	struct db_row	 r;
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE, stop = 0;

	if ((st = db_prepare(db, "SELECT id, descr, created FROM flocks "
	    "ORDER BY id")) == NULL)
		return (-1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_row_init(&r, st);
		f.id = db_row_u64(&r, 0);
		f.descr = db_row_text(&r, 1, DB_DESCR_MAX);
		f.created = db_row_int(&r, 2, 0, INT64_MAX);
		if (f.id & SANCTUM_FLOCK_DOMAIN_MASK)
			db_row_fail(&r, "flock id has a domain byte");
		if (r.why != NULL)
			db_bad_row(db, "flocks", sqlite3_column_int64(st, 0),
			    r.why);
		else
			stop = cb(arg, &f) != 0;
	}
	return (db_loop_end(db, st, rc, stop, "flocks"));
}

/* Decode the identity columns 0..8 of the identities query. */
static int
db_identity_row(struct db_row *r, struct db_identity *id)
{
	id->flock = db_row_u64(r, 1);
	id->csid = (uint32_t)db_row_int(r, 2, 0, DB_U32_MAX);
	db_row_blob(r, 3, id->secret, sizeof(id->secret));
	db_row_blob(r, 4, id->cosk_pub, sizeof(id->cosk_pub));
	id->name = db_row_text(r, 5, DB_NAME_MAX);
	id->revoked = (int)db_row_int(r, 6, 0, 1);
	id->created = db_row_int(r, 7, 0, INT64_MAX);
	id->updated = db_row_int(r, 8, id->created, INT64_MAX);
	id->nallow = 0;
	if (id->flock & SANCTUM_FLOCK_DOMAIN_MASK)
		db_row_fail(r, "flock has a domain byte");
	return (r->why == NULL ? 0 : -1);
}

/*
 * Every identity (revoked ones too, flagged) with its allow rules. The
 * secret is wiped when the callback returns; the name pointer is only
 * valid during it.
 */
int
db_identities(struct db *db, db_identity_cb cb, void *arg)
{
	struct db_identity	 id;
	struct db_row		 r;
	sqlite3_stmt		*st;
	int64_t			 cur = 0, iid;
	int			 rc = SQLITE_DONE, have = 0, stop = 0;
	char			 name[DB_NAME_MAX + 1];

	st = db_prepare(db, "SELECT i.id, i.flock, i.csid, i.secret, "
	    "i.cosk_pub, i.name, i.revoked, i.created, i.updated, a.id, "
	    "a.peer, a.mbit FROM identities i LEFT JOIN allow_rules a ON "
	    "a.identity = i.id ORDER BY i.id, a.peer");
	if (st == NULL)
		return (-1);
	memset(&id, 0, sizeof(id));
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		iid = sqlite3_column_int64(st, 0);
		if (iid != cur || !have) {
			if (have == 1)
				stop = cb(arg, &id) != 0;
			if (stop)
				break;
			cur = iid;
			db_row_init(&r, st);
			have = 1;
			if (db_identity_row(&r, &id) == -1) {
				db_bad_row(db, "identities", iid, r.why);
				have = 2;	/* skip its other rows */
				continue;
			}
			/* The text pointer dies with the next step. */
			strncpy(name, id.name, sizeof(name) - 1);
			name[sizeof(name) - 1] = '\0';
			id.name = name;
		}
		if (have != 1 || sqlite3_column_type(st, 9) == SQLITE_NULL)
			continue;
		db_row_init(&r, st);
		id.allow[id.nallow].peer = (uint8_t)db_row_int(&r, 10, 1,
		    DB_PEERS);
		id.allow[id.nallow].mbit = (uint32_t)db_row_int(&r, 11, 0,
		    DB_U32_MAX);
		if (r.why == NULL && id.nallow >= DB_PEERS)
			db_row_fail(&r, "more than %d allow rules", DB_PEERS);
		if (r.why != NULL)
			db_bad_row(db, "allow_rules",
			    sqlite3_column_int64(st, 9), r.why);
		else
			id.nallow++;
	}
	if (!stop && have == 1 && rc == SQLITE_DONE)
		stop = cb(arg, &id) != 0;
	sanctum_wipe(&id, sizeof(id));
	return (db_loop_end(db, st, rc, stop, "identities"));
}

/* Every cross-flock rule. */
int
db_xflocks(struct db *db, db_xflock_cb cb, void *arg)
{
	struct db_xflock	 x;
	struct db_row		 r;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE, stop = 0;

	if ((st = db_prepare(db, "SELECT id, flock_a, flock_b, created FROM "
	    "xflocks ORDER BY id")) == NULL)
		return (-1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_row_init(&r, st);
		x.flock_a = db_row_u64(&r, 1);
		x.flock_b = db_row_u64(&r, 2);
		x.created = db_row_int(&r, 3, 0, INT64_MAX);
		if (r.why == NULL && (x.flock_a >= x.flock_b ||
		    ((x.flock_a | x.flock_b) & SANCTUM_FLOCK_DOMAIN_MASK)))
			db_row_fail(&r, "flock pair out of order or with a "
			    "domain byte");
		if (r.why != NULL)
			db_bad_row(db, "xflocks", sqlite3_column_int64(st, 0),
			    r.why);
		else
			stop = cb(arg, &x) != 0;
	}
	return (db_loop_end(db, st, rc, stop, "xflocks"));
}

/* Every federation peer (the cathedral skips its own address). */
int
db_federation(struct db *db, db_federation_cb cb, void *arg)
{
	static const uint8_t	 zero[4];
	struct db_federation	 f;
	struct db_row		 r;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE, stop = 0;

	if ((st = db_prepare(db, "SELECT id, ip, port, created FROM "
	    "federation ORDER BY id")) == NULL)
		return (-1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_row_init(&r, st);
		db_row_blob(&r, 1, f.ip, sizeof(f.ip));
		f.port = (uint16_t)db_row_int(&r, 2, 1, UINT16_MAX);
		f.created = db_row_int(&r, 3, 0, INT64_MAX);
		if (r.why == NULL && memcmp(f.ip, zero, sizeof(zero)) == 0)
			db_row_fail(&r, "address 0.0.0.0");
		if (r.why != NULL)
			db_bad_row(db, "federation",
			    sqlite3_column_int64(st, 0), r.why);
		else
			stop = cb(arg, &f) != 0;
	}
	return (db_loop_end(db, st, rc, stop, "federation"));
}

/* Check a bundle row against its own content. */
static void
db_bundle_row(struct db_row *r, struct db_bundle *b)
{
	struct ambry_header	h;
	uint8_t			digest[32], want[32];

	b->flock_a = db_row_u64(r, 1);
	b->flock_b = db_row_u64(r, 2);
	b->generation = (uint32_t)db_row_int(r, 3, 0, DB_U32_MAX);
	b->expires = (uint16_t)db_row_int(r, 4, 0, UINT16_MAX);
	b->expires_at = db_row_int(r, 5, 0, INT64_MAX);
	b->created = db_row_int(r, 6, 0, INT64_MAX);
	b->content = db_row_blob_ptr(r, 7, &b->len);
	db_row_blob(r, 8, want, sizeof(want));
	if (r->why != NULL)
		return;
	if (ambry_bundle_check(b->content, b->len, b->flock_a, b->flock_b) !=
	    SANCTUM_OK) {
		db_row_fail(r, "content is not a bundle of %zu bytes for this "
		    "flock pair", ambry_bundle_size(b->flock_a, b->flock_b));
		return;
	}
	if (ambry_header_parse(b->content, b->len, &h) != SANCTUM_OK ||
	    get_be32(h.generation) != b->generation ||
	    get_be16(h.expires) != b->expires ||
	    b->expires_at != (int64_t)(AMBRY_EPOCH + b->expires * AMBRY_DAY)) {
		db_row_fail(r, "header does not match generation/expires");
		return;
	}
	sanctum_sha256(digest, b->content, b->len);
	if (!sanctum_memeq(digest, want, sizeof(digest)))
		db_row_fail(r, "content does not match its digest");
}

/*
 * The newest bundle of each flock pair that has not expired by now: what
 * the cathedral serves (a same-flock pair has flock_a == flock_b).
 */
int
db_bundles_current(struct db *db, int64_t now, db_bundle_cb cb, void *arg)
{
	struct db_bundle	 b;
	struct db_row		 r;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE, stop = 0;

	st = db_prepare(db, "SELECT b.id, b.flock_a, b.flock_b, b.generation, "
	    "b.expires, b.expires_at, b.created, b.content, b.digest FROM "
	    "ambry_bundles b WHERE b.expires_at >= ?1 AND b.id = (SELECT "
	    "max(c.id) FROM ambry_bundles c WHERE c.flock_a = b.flock_a AND "
	    "c.flock_b = b.flock_b AND c.expires_at >= ?1) "
	    "ORDER BY b.flock_a, b.flock_b");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, now);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_row_init(&r, st);
		db_bundle_row(&r, &b);
		if (r.why != NULL)
			db_bad_row(db, "ambry_bundles",
			    sqlite3_column_int64(st, 0), r.why);
		else
			stop = cb(arg, &b) != 0;
	}
	return (db_loop_end(db, st, rc, stop, "ambry bundles"));
}
