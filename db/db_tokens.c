/*
 * Enrollment tokens. The database holds a public lookup handle and a
 * non-invertible verifier of each token, never the token. Redeeming is one
 * durable transaction whose UPDATE only matches an unused, unexpired row,
 * so a token works exactly once even with two redeemers racing. What a
 * token hands over is stored sealed under a token-derived key, unreadable
 * to the database.
 */

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "sanctum_crypto.h"

/* The modes a token may grant. */
static int
db_mode_ok(const char *mode)
{
	static const char *const	modes[] = {
		"tunnel", "pilgrim", "shrine", "liturgy"
	};
	size_t				i;

	for (i = 0; mode != NULL && i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(mode, modes[i]) == 0)
			return (1);
	}
	return (0);
}

/* The audit object of a token: the first half of its lookup handle. */
static void
db_obj_token(char *buf, size_t len, const uint8_t lookup[16])
{
	snprintf(buf, len, "token %02x%02x%02x%02x%02x%02x%02x%02x",
	    lookup[0], lookup[1], lookup[2], lookup[3], lookup[4], lookup[5],
	    lookup[6], lookup[7]);
}

/*
 * The work of db_token_create() inside its transaction; sealed material
 * (if any) goes into token_material in the same transaction.
 */
static int
db_token_create_tx(struct db *db, const char *actor,
    const struct db_token_new *n, const uint8_t *sealed, size_t len)
{
	sqlite3_stmt	*st;
	char		 obj[32];
	int		 rc;

	if (db_need_flock(db, n->flock) == -1)
		return (-1);
	if ((st = db_prepare(db, "INSERT INTO tokens (lookup, verifier, flock, "
	    "peer, name, mode, kek, mbit, created, expires) VALUES (?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?)")) == NULL)
		return (-1);
	sqlite3_bind_blob(st, 1, n->lookup, sizeof(n->lookup), SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, n->verifier, sizeof(n->verifier),
	    SQLITE_STATIC);
	db_bind_u64(st, 3, n->flock);
	sqlite3_bind_int(st, 4, n->peer);
	db_bind_text(st, 5, n->name);
	db_bind_text(st, 6, n->mode);
	sqlite3_bind_int(st, 7, n->kek != 0);
	sqlite3_bind_int64(st, 8, n->mbit);
	sqlite3_bind_int64(st, 9, db_now(db));
	sqlite3_bind_int64(st, 10, n->expires);
	rc = db_step_done(db, st, "token create");
	sqlite3_finalize(st);
	if (rc == -1)
		return (-1);
	if (sealed != NULL) {
		if ((st = db_prepare(db, "INSERT INTO token_material (token, "
		    "sealed) VALUES (?, ?)")) == NULL)
			return (-1);
		sqlite3_bind_int64(st, 1, sqlite3_last_insert_rowid(db->sq));
		sqlite3_bind_blob(st, 2, sealed, (int)len, SQLITE_STATIC);
		rc = db_step_done(db, st, "token material");
		sqlite3_finalize(st);
		if (rc == -1)
			return (-1);
	}
	db_obj_token(obj, sizeof(obj), n->lookup);
	return (db_audit(db, actor, "token.create", obj, "flock %llx peer %02x "
	    "name '%s' mode %s kek %d mbit %u expires %lld sealed %zu bytes",
	    (unsigned long long)n->flock, n->peer, n->name, n->mode,
	    n->kek != 0, n->mbit, (long long)n->expires, len));
}

/* Check a new token and store it with its optional sealed material. */
static int
db_token_store(struct db *db, const char *actor, const struct db_token_new *n,
    const uint8_t *sealed, size_t len)
{
	if (n->peer == 0 || !db_mode_ok(n->mode) || n->name == NULL ||
	    !db_text_ok(n->name, DB_NAME_MAX)) {
		db_seterr(db, "token: peer id 1..255, mode tunnel, pilgrim, "
		    "shrine or liturgy, and a printable name of at most %d "
		    "bytes", DB_NAME_MAX);
		return (-1);
	}
	if (n->expires <= db_now(db)) {
		db_seterr(db, "token: expiry %lld is not in the future",
		    (long long)n->expires);
		return (-1);
	}
	if (sealed != NULL && (len == 0 || len > DB_TOKEN_SEALED_MAX)) {
		db_seterr(db, "token: sealed material of 1..%d bytes",
		    DB_TOKEN_SEALED_MAX);
		return (-1);
	}
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	return (db_tx_done(db, db_token_create_tx(db, actor, n, sealed, len)));
}

/* Store a new token's verifiers and what it grants. */
int
db_token_create(struct db *db, const char *actor, const struct db_token_new *n)
{
	return (db_token_store(db, actor, n, NULL, 0));
}

/*
 * The same with the material the token hands over, sealed by the operator
 * under a token-derived key: the database keeps it without being able to
 * read it.
 */
int
db_token_create_sealed(struct db *db, const char *actor,
    const struct db_token_new *n, const uint8_t *sealed, size_t len)
{
	if (sealed == NULL) {
		db_seterr(db, "token: no sealed material");
		return (-1);
	}
	return (db_token_store(db, actor, n, sealed, len));
}

/*
 * The sealed material of the token with this lookup handle: 0 with it in
 * buf, 1 when the token has none or does not exist, -1 on error.
 */
int
db_token_sealed(struct db *db, const uint8_t lookup[DB_TOKEN_LOOKUP_LEN],
    uint8_t *buf, size_t cap, size_t *len)
{
	sqlite3_stmt	*st;
	struct db_row	 r;
	const uint8_t	*p;
	size_t		 n;
	int		 rc, ret = 1;

	*len = 0;
	if ((st = db_prepare(db, "SELECT m.token, m.sealed FROM token_material "
	    "m JOIN tokens t ON t.id = m.token WHERE t.lookup = ?")) == NULL)
		return (-1);
	sqlite3_bind_blob(st, 1, lookup, DB_TOKEN_LOOKUP_LEN, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_row_init(&r, st);
		p = db_row_blob_ptr(&r, 1, &n);
		if (r.why == NULL && (n == 0 || n > DB_TOKEN_SEALED_MAX))
			db_row_fail(&r, "sealed material of %zu bytes", n);
		if (r.why != NULL) {
			db_bad_row(db, "token_material",
			    sqlite3_column_int64(st, 0), r.why);
			ret = -1;
		} else if (n > cap) {
			db_seterr(db, "token material: %zu bytes do not fit "
			    "in %zu", n, cap);
			ret = -1;
		} else {
			memcpy(buf, p, n);
			*len = n;
			ret = 0;
		}
	} else if (rc != SQLITE_DONE)
		ret = db_sqlerr(db, "token material");
	sqlite3_finalize(st);
	return (ret);
}

/* Look the token up and decide; fills out when it may be redeemed. */
static enum db_token_status
db_token_check(struct db *db, const uint8_t *lookup, const uint8_t *verifier,
    int64_t now, int64_t *rowid, struct db_token *out)
{
	enum db_token_status	 status = DB_TOKEN_OK;
	struct db_row		 r;
	sqlite3_stmt		*st;
	uint8_t			 want[DB_TOKEN_VERIFIER_LEN];
	int64_t			 expires, used;
	int			 rc;

	if ((st = db_prepare(db, "SELECT id, verifier, flock, peer, name, "
	    "mode, kek, mbit, expires, used_at FROM tokens WHERE "
	    "lookup = ?")) == NULL)
		return (DB_TOKEN_ERROR);
	sqlite3_bind_blob(st, 1, lookup, DB_TOKEN_LOOKUP_LEN, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			db_seterr(db, "unknown token");
			status = DB_TOKEN_UNKNOWN;
		} else {
			db_sqlerr(db, "token lookup");
			status = DB_TOKEN_ERROR;
		}
		sqlite3_finalize(st);
		return (status);
	}
	db_row_init(&r, st);
	*rowid = sqlite3_column_int64(st, 0);
	db_row_blob(&r, 1, want, sizeof(want));
	out->flock = db_row_u64(&r, 2);
	out->peer = (uint8_t)db_row_int(&r, 3, 1, DB_PEERS);
	snprintf(out->name, sizeof(out->name), "%s",
	    db_row_text(&r, 4, DB_NAME_MAX));
	snprintf(out->mode, sizeof(out->mode), "%s", db_row_text(&r, 5, 15));
	out->kek = (int)db_row_int(&r, 6, 0, 1);
	out->mbit = (uint32_t)db_row_int(&r, 7, 0, DB_U32_MAX);
	expires = db_row_int(&r, 8, 0, INT64_MAX);
	used = db_row_int_null(&r, 9, 0, INT64_MAX);
	if (r.why == NULL && !db_mode_ok(out->mode))
		db_row_fail(&r, "unknown mode");
	if (r.why != NULL) {
		db_bad_row(db, "tokens", *rowid, r.why);
		status = DB_TOKEN_ERROR;
	} else if (!sanctum_memeq(want, verifier, sizeof(want))) {
		db_seterr(db, "unknown token");
		status = DB_TOKEN_UNKNOWN;
	} else if (sqlite3_column_type(st, 9) != SQLITE_NULL || used != 0) {
		db_seterr(db, "token already used");
		status = DB_TOKEN_USED;
	} else if (expires <= now) {
		db_seterr(db, "token expired");
		status = DB_TOKEN_EXPIRED;
	}
	sqlite3_finalize(st);
	return (status);
}

/*
 * Redeem a token once: mark it used by the identity csid it was turned
 * into. Anything but DB_TOKEN_OK leaves the database unchanged.
 */
enum db_token_status
db_token_redeem(struct db *db, const char *actor,
    const uint8_t lookup[DB_TOKEN_LOOKUP_LEN],
    const uint8_t verifier[DB_TOKEN_VERIFIER_LEN], uint32_t csid,
    struct db_token *out)
{
	enum db_token_status	 status;
	sqlite3_stmt		*st;
	int64_t			 rowid = 0, now = db_now(db);
	char			 obj[32];

	memset(out, 0, sizeof(*out));
	if (db_tx_begin(db, 1) == -1)
		return (DB_TOKEN_ERROR);
	status = db_token_check(db, lookup, verifier, now, &rowid, out);
	if (status == DB_TOKEN_OK) {
		status = DB_TOKEN_ERROR;
		if ((st = db_prepare(db, "UPDATE tokens SET used_at = ?1, "
		    "used_csid = ?2 WHERE id = ?3 AND used_at IS NULL AND "
		    "expires > ?1")) != NULL) {
			sqlite3_bind_int64(st, 1, now);
			sqlite3_bind_int64(st, 2, csid);
			sqlite3_bind_int64(st, 3, rowid);
			if (db_step_done(db, st, "token redeem") == 0) {
				status = DB_TOKEN_USED;
				if (sqlite3_changes(db->sq) == 1)
					status = DB_TOKEN_OK;
				else
					db_seterr(db, "token already used");
			}
			sqlite3_finalize(st);
		}
	}
	if (status == DB_TOKEN_OK) {
		db_obj_token(obj, sizeof(obj), lookup);
		if (db_audit(db, actor, "token.redeem", obj, "identity "
		    "%llx:%08x peer %02x", (unsigned long long)out->flock,
		    csid, out->peer) == -1)
			status = DB_TOKEN_ERROR;
	}
	if (db_tx_end(db, status == DB_TOKEN_OK) == -1)
		status = DB_TOKEN_ERROR;
	if (status != DB_TOKEN_OK)
		memset(out, 0, sizeof(*out));
	return (status);
}
