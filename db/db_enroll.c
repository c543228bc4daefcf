/*
 * What the cathedral needs to redeem enrollment tokens online
 * (docs/enrollment.md): the live tokens with their verifiers and sealed
 * material, loaded with the configuration snapshot, and one transaction
 * that redeems a token and creates the identity it grants, so neither can
 * happen without the other.
 */

#include <string.h>

#include "db_int.h"
#include "sanctum_crypto.h"

/*
 * Each token that can still be redeemed, or was redeemed in the last day
 * (so a node whose reply was lost can ask again), with its material.
 */
int
db_tokens(struct db *db, int64_t now, db_token_cb cb, void *arg)
{
	struct db_token_live	t;
	struct db_row		r;
	sqlite3_stmt		*st;
	const uint8_t		*p;
	size_t			n;
	int			rc, ret = 0;

	if ((st = db_prepare(db, "SELECT t.id, t.lookup, t.verifier, t.flock, "
	    "t.peer, t.name, t.mbit, t.expires, t.used_csid, m.sealed FROM "
	    "tokens t JOIN token_material m ON m.token = t.id WHERE "
	    "(t.used_at IS NULL AND t.expires > ?1) OR t.used_at > ?1 - 86400"))
	    == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&t, 0, sizeof(t));
		db_row_init(&r, st);
		db_row_blob(&r, 1, t.lookup, sizeof(t.lookup));
		db_row_blob(&r, 2, t.verifier, sizeof(t.verifier));
		t.flock = db_row_u64(&r, 3);
		t.peer = (uint8_t)db_row_int(&r, 4, 1, DB_PEERS);
		t.name = db_row_text(&r, 5, DB_NAME_MAX);
		t.mbit = (uint32_t)db_row_int(&r, 6, 0, DB_U32_MAX);
		t.expires = db_row_int(&r, 7, 0, INT64_MAX);
		t.used_csid = (uint32_t)db_row_int_null(&r, 8, 0, DB_U32_MAX);
		p = db_row_blob_ptr(&r, 9, &n);
		if (r.why == NULL && (n == 0 || n > DB_TOKEN_SEALED_MAX))
			db_row_fail(&r, "sealed material of %zu bytes", n);
		if (r.why != NULL) {
			db_bad_row(db, "tokens", sqlite3_column_int64(st, 0),
			    r.why);
			continue;
		}
		t.sealed = p;
		t.sealed_len = n;
		if ((ret = cb(arg, &t)) != 0)
			break;
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = db_sqlerr(db, "tokens");
	sqlite3_finalize(st);
	sanctum_wipe(&t, sizeof(t));
	return (ret);
}

/*
 * Redeem a token and create the identity it grants (its name, flock, peer
 * id and bandwidth, with the given CS id, cathedral secret and the node's
 * COSK public key) in one durable transaction.
 */
enum db_token_status
db_token_enroll(struct db *db, const char *actor,
    const uint8_t lookup[DB_TOKEN_LOOKUP_LEN],
    const uint8_t verifier[DB_TOKEN_VERIFIER_LEN], uint32_t csid,
    const uint8_t secret[32], const uint8_t cosk_pub[32])
{
	struct db_identity_new	id;
	struct db_token		tok;
	enum db_token_status	status;

	if (db_begin(db) == -1)
		return (DB_TOKEN_ERROR);
	status = db_token_redeem(db, actor, lookup, verifier, csid, &tok);
	if (status == DB_TOKEN_OK) {
		memset(&id, 0, sizeof(id));
		id.flock = tok.flock;
		id.csid = csid;
		memcpy(id.secret, secret, 32);
		memcpy(id.cosk_pub, cosk_pub, 32);
		id.name = tok.name;
		id.peer = tok.peer;
		id.mbit = tok.mbit;
		if (db_identity_add(db, actor, &id) != DB_ADDED)
			status = DB_TOKEN_ERROR;
		sanctum_wipe(&id, sizeof(id));
	}
	if (status == DB_TOKEN_OK) {
		if (db_commit(db) == -1)
			status = DB_TOKEN_ERROR;
	} else {
		(void)db_rollback(db);
	}
	return (status);
}
