/*
 * Administrative writes. Each runs in its own durable transaction (or a
 * savepoint inside db_begin()) and writes its audit row in it. Adds are
 * idempotent: an identical row already there is DB_PRESENT and changes
 * nothing; a conflicting one is an error.
 */

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "wire.h"

/* Flock ids never carry a domain byte. */
static int
db_flock_ok(struct db *db, uint64_t flock)
{
	if (flock & SANCTUM_FLOCK_DOMAIN_MASK) {
		db_seterr(db, "flock %llx has a domain byte (low 8 bits must "
		    "be 0)", (unsigned long long)flock);
		return (0);
	}
	return (1);
}

/* The audit object naming an identity. */
static void
db_obj_identity(char *buf, size_t len, uint64_t flock, uint32_t csid)
{
	snprintf(buf, len, "identity %llx:%08x", (unsigned long long)flock,
	    csid);
}

/* 1 when the query on one or two u64 values finds a row. */
static int
db_exists(struct db *db, const char *sql, uint64_t a, uint64_t b)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return (-1);
	db_bind_u64(st, 1, a);
	db_bind_u64(st, 2, b);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return (1);
	if (rc == SQLITE_DONE)
		return (0);
	return (db_sqlerr(db, "lookup"));
}

/* The flock must exist before anything refers to it. */
int
db_need_flock(struct db *db, uint64_t flock)
{
	int	rc;

	if (!db_flock_ok(db, flock))
		return (-1);
	rc = db_exists(db, "SELECT 1 FROM flocks WHERE id = ?", flock, 0);
	if (rc == 0)
		db_seterr(db, "flock %llx does not exist",
		    (unsigned long long)flock);
	return (rc == 1 ? 0 : -1);
}

/* Run a prepared write, finalize it, and return the rows it changed. */
static int
db_write(struct db *db, sqlite3_stmt *st, const char *what)
{
	int	ret;

	ret = db_step_done(db, st, what);
	sqlite3_finalize(st);
	return (ret == -1 ? -1 : sqlite3_changes(db->sq));
}

/* Add a flock. */
int
db_flock_add(struct db *db, const char *actor, uint64_t flock,
    const char *descr)
{
	sqlite3_stmt	*st;
	char		 obj[32];
	int		 ret;

	if (!db_flock_ok(db, flock))
		return (-1);
	if (!db_text_ok(descr, DB_DESCR_MAX)) {
		db_seterr(db, "flock description: printable text of at most "
		    "%d bytes", DB_DESCR_MAX);
		return (-1);
	}
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	ret = db_exists(db, "SELECT 1 FROM flocks WHERE id = ?", flock, 0);
	if (ret == 0) {
		ret = -1;
		if ((st = db_prepare(db, "INSERT INTO flocks (id, descr, "
		    "created) VALUES (?, ?, ?)")) != NULL) {
			db_bind_u64(st, 1, flock);
			db_bind_text(st, 2, descr);
			sqlite3_bind_int64(st, 3, db_now(db));
			snprintf(obj, sizeof(obj), "flock %llx",
			    (unsigned long long)flock);
			if (db_write(db, st, "flock add") == 1)
				ret = db_audit(db, actor, "flock.add", obj,
				    "%s", descr != NULL ? descr : "");
		}
	} else if (ret == 1)
		ret = DB_PRESENT;
	return (db_tx_done(db, ret));
}

/*
 * The row of identity (flock, csid): 0 with *rowid = 0 when there is none;
 * with secret/pub non-NULL they must match the stored ones.
 */
static int
db_identity_find(struct db *db, uint64_t flock, uint32_t csid,
    int64_t *rowid, const uint8_t *secret, const uint8_t *pub)
{
	sqlite3_stmt	*st;
	int		 rc, ret = 0;

	*rowid = 0;
	if ((st = db_prepare(db, "SELECT id, secret, cosk_pub FROM identities "
	    "WHERE flock = ? AND csid = ?")) == NULL)
		return (-1);
	db_bind_u64(st, 1, flock);
	sqlite3_bind_int64(st, 2, csid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*rowid = sqlite3_column_int64(st, 0);
		if (secret != NULL && (sqlite3_column_bytes(st, 1) != 32 ||
		    sqlite3_column_bytes(st, 2) != 32 ||
		    !sanctum_memeq(sqlite3_column_blob(st, 1), secret, 32) ||
		    !sanctum_memeq(sqlite3_column_blob(st, 2), pub, 32))) {
			db_seterr(db, "identity %llx:%08x exists with a "
			    "different secret or COSK public key",
			    (unsigned long long)flock, csid);
			ret = -1;
		}
	} else if (rc != SQLITE_DONE)
		ret = db_sqlerr(db, "identity lookup");
	sqlite3_finalize(st);
	return (ret);
}

/* Add an allow rule to an identity row: DB_ADDED, DB_PRESENT or -1. */
static int
db_allow_put(struct db *db, int64_t identity, uint8_t peer, uint32_t mbit)
{
	sqlite3_stmt	*st;
	int		 rc, ret;

	if (peer == 0) {
		db_seterr(db, "peer id 0 is never used (1..255)");
		return (-1);
	}
	if ((st = db_prepare(db, "SELECT mbit FROM allow_rules WHERE "
	    "identity = ? AND peer = ?")) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, identity);
	sqlite3_bind_int(st, 2, peer);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret = DB_PRESENT;
		if (sqlite3_column_int64(st, 0) != (int64_t)mbit) {
			db_seterr(db, "allow rule for peer %02x exists with "
			    "%lld Mbit/s, not %u (set the bandwidth instead)",
			    peer, (long long)sqlite3_column_int64(st, 0),
			    mbit);
			ret = -1;
		}
		sqlite3_finalize(st);
		return (ret);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (db_sqlerr(db, "allow lookup"));
	if ((st = db_prepare(db, "INSERT INTO allow_rules (identity, peer, "
	    "mbit, created, updated) VALUES (?1, ?2, ?3, ?4, ?4)")) == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, identity);
	sqlite3_bind_int(st, 2, peer);
	sqlite3_bind_int64(st, 3, mbit);
	sqlite3_bind_int64(st, 4, db_now(db));
	return (db_write(db, st, "allow add") == 1 ? DB_ADDED : -1);
}

/* The work of db_identity_add() inside its transaction. */
static int
db_identity_add_tx(struct db *db, const char *actor,
    const struct db_identity_new *n)
{
	sqlite3_stmt	*st;
	int64_t		 rowid;
	char		 obj[64];
	int		 ret;

	db_obj_identity(obj, sizeof(obj), n->flock, n->csid);
	if (db_need_flock(db, n->flock) == -1 ||
	    db_identity_find(db, n->flock, n->csid, &rowid, n->secret,
	    n->cosk_pub) == -1)
		return (-1);
	if (rowid != 0) {
		if ((ret = db_allow_put(db, rowid, n->peer, n->mbit)) !=
		    DB_ADDED)
			return (ret);
		if (db_audit(db, actor, "allow.add", obj, "peer %02x mbit %u",
		    n->peer, n->mbit) == -1)
			return (-1);
		return (DB_RULE_ADDED);
	}
	if ((st = db_prepare(db, "INSERT INTO identities (flock, csid, "
	    "secret, cosk_pub, name, created, updated) VALUES (?1, ?2, ?3, "
	    "?4, ?5, ?6, ?6)")) == NULL)
		return (-1);
	db_bind_u64(st, 1, n->flock);
	sqlite3_bind_int64(st, 2, n->csid);
	sqlite3_bind_blob(st, 3, n->secret, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, n->cosk_pub, 32, SQLITE_STATIC);
	db_bind_text(st, 5, n->name);
	sqlite3_bind_int64(st, 6, db_now(db));
	if (db_write(db, st, "identity add") != 1)
		return (-1);
	rowid = sqlite3_last_insert_rowid(db->sq);
	if (db_allow_put(db, rowid, n->peer, n->mbit) == -1)
		return (-1);
	return (db_audit(db, actor, "identity.add", obj, "name '%s' peer %02x "
	    "mbit %u", n->name != NULL ? n->name : "", n->peer, n->mbit));
}

/*
 * Add an identity with its first allow rule (DB_ADDED); for an existing
 * identity with the same keys only the allow rule is added (DB_RULE_ADDED,
 * or DB_PRESENT if it was there too).
 */
int
db_identity_add(struct db *db, const char *actor,
    const struct db_identity_new *n)
{
	if (!db_text_ok(n->name, DB_NAME_MAX)) {
		db_seterr(db, "identity name: printable text of at most %d "
		    "bytes", DB_NAME_MAX);
		return (-1);
	}
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	return (db_tx_done(db, db_identity_add_tx(db, actor, n)));
}

/* The identity row that must exist for an allow change. */
static int
db_need_identity(struct db *db, uint64_t flock, uint32_t csid, int64_t *rowid)
{
	if (db_identity_find(db, flock, csid, rowid, NULL, NULL) == -1)
		return (-1);
	if (*rowid == 0) {
		db_seterr(db, "identity %llx:%08x does not exist",
		    (unsigned long long)flock, csid);
		return (-1);
	}
	return (0);
}

/* Bind one more peer id to an existing identity. */
int
db_allow_add(struct db *db, const char *actor, uint64_t flock, uint32_t csid,
    uint8_t peer, uint32_t mbit)
{
	int64_t		rowid;
	char		obj[64];
	int		ret = -1;

	db_obj_identity(obj, sizeof(obj), flock, csid);
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	if (db_need_identity(db, flock, csid, &rowid) == 0 &&
	    (ret = db_allow_put(db, rowid, peer, mbit)) == DB_ADDED)
		ret = db_audit(db, actor, "allow.add", obj, "peer %02x mbit %u",
		    peer, mbit);
	return (db_tx_done(db, ret));
}

/* Change the bandwidth of one allow rule (applies to new tunnels). */
int
db_allow_set_bandwidth(struct db *db, const char *actor, uint64_t flock,
    uint32_t csid, uint8_t peer, uint32_t mbit)
{
	sqlite3_stmt	*st;
	int64_t		 rowid;
	char		 obj[64];
	int		 ret = -1;

	db_obj_identity(obj, sizeof(obj), flock, csid);
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	if (db_need_identity(db, flock, csid, &rowid) == 0 &&
	    (st = db_prepare(db, "UPDATE allow_rules SET mbit = ?1, "
	    "updated = max(updated, ?2) WHERE identity = ?3 AND "
	    "peer = ?4")) != NULL) {
		sqlite3_bind_int64(st, 1, mbit);
		sqlite3_bind_int64(st, 2, db_now(db));
		sqlite3_bind_int64(st, 3, rowid);
		sqlite3_bind_int(st, 4, peer);
		if ((ret = db_write(db, st, "allow bandwidth")) == 0) {
			db_seterr(db, "identity %llx:%08x has no allow rule "
			    "for peer %02x", (unsigned long long)flock, csid,
			    peer);
			ret = -1;
		} else if (ret == 1)
			ret = db_audit(db, actor, "allow.bandwidth", obj,
			    "peer %02x mbit %u", peer, mbit);
	}
	return (db_tx_done(db, ret));
}

/* Revoke (1) or re-enable (0) an identity; DB_PRESENT if already so. */
int
db_identity_set_revoked(struct db *db, const char *actor, uint64_t flock,
    uint32_t csid, int revoked)
{
	sqlite3_stmt	*st;
	int64_t		 rowid;
	char		 obj[64];
	int		 ret = -1;

	db_obj_identity(obj, sizeof(obj), flock, csid);
	revoked = revoked != 0;
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	if (db_need_identity(db, flock, csid, &rowid) == 0 &&
	    (st = db_prepare(db, "UPDATE identities SET revoked = ?1, "
	    "updated = max(updated, ?2) WHERE id = ?3 AND "
	    "revoked <> ?1")) != NULL) {
		sqlite3_bind_int(st, 1, revoked);
		sqlite3_bind_int64(st, 2, db_now(db));
		sqlite3_bind_int64(st, 3, rowid);
		if ((ret = db_write(db, st, "identity revoke")) == 0)
			ret = DB_PRESENT;
		else if (ret == 1)
			ret = db_audit(db, actor, revoked ? "identity.revoke" :
			    "identity.enable", obj, "%s", "");
	}
	return (db_tx_done(db, ret));
}

/* Order a flock pair as the schema keeps it (unsigned ascending). */
static int
db_pair(struct db *db, uint64_t *a, uint64_t *b)
{
	uint64_t	t;

	if (!db_flock_ok(db, *a) || !db_flock_ok(db, *b))
		return (-1);
	if (*a == *b) {
		db_seterr(db, "xflock %llx with itself",
		    (unsigned long long)*a);
		return (-1);
	}
	if (*a > *b) {
		t = *a;
		*a = *b;
		*b = t;
	}
	return (0);
}

/* The audit object naming a flock pair. */
static const char *
db_obj_pair(char *buf, size_t len, uint64_t a, uint64_t b)
{
	snprintf(buf, len, "xflock %llx <=> %llx", (unsigned long long)a,
	    (unsigned long long)b);
	return (buf);
}

/* Allow traffic between two flocks. */
int
db_xflock_add(struct db *db, const char *actor, uint64_t a, uint64_t b)
{
	sqlite3_stmt	*st;
	char		 obj[64];
	int		 ret = -1;

	if (db_pair(db, &a, &b) == -1 || db_tx_begin(db, 1) == -1)
		return (-1);
	if (db_need_flock(db, a) == 0 && db_need_flock(db, b) == 0 &&
	    (ret = db_exists(db, "SELECT 1 FROM xflocks WHERE flock_a = ?1 "
	    "AND flock_b = ?2", a, b)) == 1)
		ret = DB_PRESENT;
	else if (ret == 0) {
		ret = -1;
		if ((st = db_prepare(db, "INSERT INTO xflocks (flock_a, "
		    "flock_b, created) VALUES (?, ?, ?)")) != NULL) {
			db_bind_u64(st, 1, a);
			db_bind_u64(st, 2, b);
			sqlite3_bind_int64(st, 3, db_now(db));
			if (db_write(db, st, "xflock add") == 1)
				ret = db_audit(db, actor, "xflock.add",
				    db_obj_pair(obj, sizeof(obj), a, b),
				    "%s", "");
		}
	}
	return (db_tx_done(db, ret));
}

/* Remove a cross-flock rule and (by trigger) its bundles. */
int
db_xflock_del(struct db *db, const char *actor, uint64_t a, uint64_t b)
{
	sqlite3_stmt	*st;
	char		 obj[64];
	int		 ret = -1;

	if (db_pair(db, &a, &b) == -1 || db_tx_begin(db, 1) == -1)
		return (-1);
	if ((st = db_prepare(db, "DELETE FROM xflocks WHERE flock_a = ? AND "
	    "flock_b = ?")) != NULL) {
		db_bind_u64(st, 1, a);
		db_bind_u64(st, 2, b);
		if ((ret = db_write(db, st, "xflock del")) == 0) {
			db_seterr(db, "no xflock %llx <=> %llx",
			    (unsigned long long)a, (unsigned long long)b);
			ret = -1;
		} else if (ret == 1)
			ret = db_audit(db, actor, "xflock.del",
			    db_obj_pair(obj, sizeof(obj), a, b), "%s",
			    "bundles dropped");
	}
	return (db_tx_done(db, ret));
}

/* A federation peer as text for messages and the audit log. */
static void
db_peer_name(char *buf, size_t len, const uint8_t ip[4], uint16_t port)
{
	snprintf(buf, len, "federation %u.%u.%u.%u:%u", ip[0], ip[1], ip[2],
	    ip[3], port);
}

/* Prepare a statement on (ip, port) of the federation table. */
static sqlite3_stmt *
db_peer_stmt(struct db *db, const char *sql, const uint8_t ip[4],
    uint16_t port)
{
	sqlite3_stmt	*st;

	if ((st = db_prepare(db, sql)) == NULL)
		return (NULL);
	sqlite3_bind_blob(st, 1, ip, 4, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, port);
	sqlite3_bind_int64(st, 3, db_now(db));
	return (st);
}

/* Add a federation peer. */
int
db_federation_add(struct db *db, const char *actor, const uint8_t ip[4],
    uint16_t port)
{
	static const uint8_t	 zero[4];
	sqlite3_stmt		*st;
	char			 name[48];
	int			 ret = -1, rc;

	db_peer_name(name, sizeof(name), ip, port);
	if (port == 0 || memcmp(ip, zero, sizeof(zero)) == 0) {
		db_seterr(db, "federation peer %s: address and port must not "
		    "be 0", name);
		return (-1);
	}
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	if ((st = db_peer_stmt(db, "SELECT 1 FROM federation WHERE ip = ?1 "
	    "AND port = ?2", ip, port)) != NULL) {
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW)
			ret = DB_PRESENT;
		else if (rc != SQLITE_DONE)
			db_sqlerr(db, "federation lookup");
		else if ((st = db_peer_stmt(db, "INSERT INTO federation (ip, "
		    "port, created) VALUES (?1, ?2, ?3)", ip, port)) != NULL &&
		    db_write(db, st, "federation add") == 1)
			ret = db_audit(db, actor, "federation.add", name,
			    "%s", "");
	}
	return (db_tx_done(db, ret));
}

/* Remove a federation peer. */
int
db_federation_del(struct db *db, const char *actor, const uint8_t ip[4],
    uint16_t port)
{
	sqlite3_stmt	*st;
	char		 name[48];
	int		 ret = -1;

	db_peer_name(name, sizeof(name), ip, port);
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	if ((st = db_peer_stmt(db, "DELETE FROM federation WHERE ip = ?1 AND "
	    "port = ?2", ip, port)) != NULL) {
		if ((ret = db_write(db, st, "federation del")) == 0) {
			db_seterr(db, "no federation peer %s", name);
			ret = -1;
		} else if (ret == 1)
			ret = db_audit(db, actor, "federation.del", name,
			    "%s", "");
	}
	return (db_tx_done(db, ret));
}

/* Forget endpoints (and their relay history) last seen before a time. */
int
db_endpoint_purge(struct db *db, const char *actor, int64_t before,
    size_t *purged)
{
	sqlite3_stmt	*st;
	int		 ret = -1, n;

	*purged = 0;
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	if ((st = db_prepare(db, "DELETE FROM endpoints WHERE "
	    "last_seen < ?")) != NULL) {
		sqlite3_bind_int64(st, 1, before);
		if ((n = db_write(db, st, "endpoint purge")) >= 0) {
			*purged = (size_t)n;
			ret = db_audit(db, actor, "endpoint.purge", "endpoints",
			    "%d endpoints last seen before %lld", n,
			    (long long)before);
		}
	}
	return (db_tx_done(db, ret));
}
