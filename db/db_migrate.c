/*
 * Schema migrations keyed by PRAGMA user_version. Each migration runs in one
 * IMMEDIATE transaction that also sets user_version, so a crash leaves the
 * previous version intact and a rerun starts that migration again. Tables
 * are STRICT and carry CHECKs and foreign keys, so a bad row cannot be
 * written through SQL at all. Migrations are never edited once released:
 * a change is a new migration appended here.
 */

#include <stdio.h>

#include "db_int.h"
#ifdef SANCTUM_DB_TEST_HOOKS
#include "db_test.h"
#endif

/* Text of at most N printable ASCII characters. */
#define PRINTABLE(c, n)	"length(" c ") <= " #n " AND " c " NOT GLOB '*[^ -~]*'"
/* Unsigned a < b for 64-bit values stored as signed integers. */
#define U64_LT(a, b)	"(((" a " >= 0) = (" b " >= 0) AND " a " < " b ") OR " \
			"(" a " >= 0 AND " b " < 0))"
#define U32(c)		c " BETWEEN 0 AND 4294967295"

/* 1: the durable configuration the settings file used to hold, and audit. */
static const char *const migration1[] = {
	"CREATE TABLE flocks ("
	" id INTEGER PRIMARY KEY CHECK ((id & 255) = 0),"
	" descr TEXT NOT NULL DEFAULT '' CHECK (" PRINTABLE("descr", 128) "),"
	" created INTEGER NOT NULL CHECK (created >= 0)"
	") STRICT",

	"CREATE TABLE identities ("
	" id INTEGER PRIMARY KEY,"
	" flock INTEGER NOT NULL REFERENCES flocks(id) ON DELETE RESTRICT,"
	" csid INTEGER NOT NULL CHECK (" U32("csid") "),"
	" secret BLOB NOT NULL CHECK (length(secret) = 32),"
	" cosk_pub BLOB NOT NULL CHECK (length(cosk_pub) = 32),"
	" name TEXT NOT NULL DEFAULT '' CHECK (" PRINTABLE("name", 64) "),"
	" revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),"
	" created INTEGER NOT NULL CHECK (created >= 0),"
	" updated INTEGER NOT NULL CHECK (updated >= created),"
	" UNIQUE (flock, csid)"
	") STRICT",

	"CREATE INDEX identities_name ON identities(name)",

	"CREATE TABLE allow_rules ("
	" id INTEGER PRIMARY KEY,"
	" identity INTEGER NOT NULL REFERENCES identities(id)"
	"  ON DELETE CASCADE,"
	" peer INTEGER NOT NULL CHECK (peer BETWEEN 1 AND 255),"
	" mbit INTEGER NOT NULL DEFAULT 0 CHECK (" U32("mbit") "),"
	" created INTEGER NOT NULL CHECK (created >= 0),"
	" updated INTEGER NOT NULL CHECK (updated >= created),"
	" UNIQUE (identity, peer)"
	") STRICT",

	"CREATE TABLE xflocks ("
	" id INTEGER PRIMARY KEY,"
	" flock_a INTEGER NOT NULL REFERENCES flocks(id) ON DELETE RESTRICT,"
	" flock_b INTEGER NOT NULL REFERENCES flocks(id) ON DELETE RESTRICT,"
	" created INTEGER NOT NULL CHECK (created >= 0),"
	" CHECK (" U64_LT("flock_a", "flock_b") "),"
	" UNIQUE (flock_a, flock_b)"
	") STRICT",

	"CREATE TABLE ambry_bundles ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" flock_a INTEGER NOT NULL REFERENCES flocks(id) ON DELETE CASCADE,"
	" flock_b INTEGER NOT NULL REFERENCES flocks(id) ON DELETE CASCADE,"
	" generation INTEGER NOT NULL CHECK (" U32("generation") "),"
	" expires INTEGER NOT NULL CHECK (expires BETWEEN 0 AND 65535),"
	" expires_at INTEGER NOT NULL"
	"  CHECK (expires_at = 1697855580 + expires * 86400),"
	" digest BLOB NOT NULL CHECK (length(digest) = 32),"
	" content BLOB NOT NULL CHECK (length(content) = CASE WHEN"
	"  flock_a = flock_b THEN 3756730 ELSE 7542970 END AND"
	"  hex(substr(content, 1, 6)) = printf('%04X%08X', expires,"
	"  generation)),"
	" created INTEGER NOT NULL CHECK (created >= 0),"
	" CHECK (flock_a = flock_b OR " U64_LT("flock_a", "flock_b") "),"
	" UNIQUE (flock_a, flock_b, generation)"
	") STRICT",

	"CREATE TRIGGER ambry_bundles_need_xflock BEFORE INSERT ON ambry_bundles"
	" WHEN NEW.flock_a <> NEW.flock_b AND NOT EXISTS (SELECT 1 FROM"
	" xflocks WHERE flock_a = NEW.flock_a AND flock_b = NEW.flock_b)"
	" BEGIN SELECT RAISE(ABORT, 'ambry bundle for a flock pair without"
	" an xflock rule'); END",

	"CREATE TRIGGER ambry_bundles_immutable BEFORE UPDATE ON ambry_bundles"
	" BEGIN SELECT RAISE(ABORT, 'ambry bundles are immutable'); END",

	"CREATE TRIGGER xflocks_drop_bundles AFTER DELETE ON xflocks"
	" BEGIN DELETE FROM ambry_bundles WHERE flock_a = OLD.flock_a AND"
	" flock_b = OLD.flock_b; END",

	"CREATE TABLE federation ("
	" id INTEGER PRIMARY KEY,"
	" ip BLOB NOT NULL CHECK (length(ip) = 4 AND ip <> x'00000000'),"
	" port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),"
	" created INTEGER NOT NULL CHECK (created >= 0),"
	" UNIQUE (ip, port)"
	") STRICT",

	"CREATE TRIGGER federation_limit BEFORE INSERT ON federation"
	" WHEN (SELECT count(*) FROM federation) >= 32"
	" BEGIN SELECT RAISE(ABORT, 'at most 32 federation peers (31 others"
	" and this cathedral)'); END",

	"CREATE TABLE audit ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" at INTEGER NOT NULL CHECK (at >= 0),"
	" actor TEXT NOT NULL CHECK (length(actor) >= 1 AND "
	PRINTABLE("actor", 64) "),"
	" action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 32 AND"
	"  action NOT GLOB '*[^a-z.-]*'),"
	" object TEXT NOT NULL CHECK (" PRINTABLE("object", 128) "),"
	" detail TEXT NOT NULL DEFAULT '' CHECK (" PRINTABLE("detail", 1024) ")"
	") STRICT",

	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",

	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
	NULL
};

/* 2: runtime facts the cathedral flushes: endpoints, per-minute relay. */
static const char *const migration2[] = {
	"CREATE TABLE endpoints ("
	" id INTEGER PRIMARY KEY,"
	" src INTEGER NOT NULL,"
	" dst INTEGER NOT NULL,"
	" tunnel INTEGER NOT NULL CHECK (tunnel BETWEEN 0 AND 65535),"
	" flock INTEGER NOT NULL CHECK (flock = (src & -256)),"
	" csid INTEGER NOT NULL CHECK (" U32("csid") "),"
	" ip BLOB NOT NULL CHECK (length(ip) = 4),"
	" port INTEGER NOT NULL CHECK (port BETWEEN 0 AND 65535),"
	" federated INTEGER NOT NULL CHECK (federated IN (0, 1)),"
	" instance INTEGER NOT NULL,"
	" rx_active INTEGER NOT NULL CHECK (" U32("rx_active") "),"
	" rx_active_seen INTEGER CHECK ((rx_active = 0) ="
	"  (rx_active_seen IS NULL) AND coalesce(rx_active_seen, 0) >= 0),"
	" rx_pending INTEGER NOT NULL CHECK (" U32("rx_pending") "),"
	" rx_pending_seen INTEGER CHECK ((rx_pending = 0) ="
	"  (rx_pending_seen IS NULL) AND coalesce(rx_pending_seen, 0) >= 0),"
	" ambry_generation INTEGER NOT NULL CHECK (" U32("ambry_generation")
	"),"
	" p2p_ip BLOB NOT NULL CHECK (length(p2p_ip) = 4),"
	" p2p_port INTEGER NOT NULL CHECK (p2p_port BETWEEN 0 AND 65535),"
	" peerinfo INTEGER NOT NULL CHECK (" U32("peerinfo") "),"
	" direct INTEGER NOT NULL CHECK (direct IN (0, 1)),"
	" first_seen INTEGER NOT NULL CHECK (first_seen >= 0),"
	" last_seen INTEGER NOT NULL CHECK (last_seen >= first_seen),"
	" UNIQUE (src, dst, tunnel),"
	" FOREIGN KEY (flock, csid) REFERENCES identities(flock, csid)"
	"  ON DELETE CASCADE"
	") STRICT",

	"CREATE INDEX endpoints_identity ON endpoints(flock, csid)",

	"CREATE INDEX endpoints_last_seen ON endpoints(last_seen)",

	"CREATE TABLE relay_minutes ("
	" endpoint INTEGER NOT NULL REFERENCES endpoints(id)"
	"  ON DELETE CASCADE,"
	" minute INTEGER NOT NULL CHECK (minute >= 0 AND minute % 60 = 0),"
	" pkts_in INTEGER NOT NULL DEFAULT 0 CHECK (pkts_in >= 0),"
	" bytes_in INTEGER NOT NULL DEFAULT 0 CHECK (bytes_in >= 0),"
	" pkts_out INTEGER NOT NULL DEFAULT 0 CHECK (pkts_out >= 0),"
	" bytes_out INTEGER NOT NULL DEFAULT 0 CHECK (bytes_out >= 0),"
	" PRIMARY KEY (endpoint, minute)"
	") STRICT",

	"CREATE INDEX relay_minutes_minute ON relay_minutes(minute)",
	NULL
};

/* 3: enrollment tokens, stored only as verifiers. */
static const char *const migration3[] = {
	"CREATE TABLE tokens ("
	" id INTEGER PRIMARY KEY,"
	" lookup BLOB NOT NULL UNIQUE CHECK (length(lookup) = 16),"
	" verifier BLOB NOT NULL CHECK (length(verifier) = 32),"
	" flock INTEGER NOT NULL REFERENCES flocks(id) ON DELETE CASCADE,"
	" peer INTEGER NOT NULL CHECK (peer BETWEEN 1 AND 255),"
	" name TEXT NOT NULL CHECK (" PRINTABLE("name", 64) "),"
	" mode TEXT NOT NULL CHECK (mode IN ('tunnel', 'pilgrim', 'shrine',"
	"  'liturgy')),"
	" kek INTEGER NOT NULL DEFAULT 1 CHECK (kek IN (0, 1)),"
	" mbit INTEGER NOT NULL DEFAULT 0 CHECK (" U32("mbit") "),"
	" created INTEGER NOT NULL CHECK (created >= 0),"
	" expires INTEGER NOT NULL CHECK (expires > created),"
	" used_at INTEGER CHECK (used_at IS NULL OR used_at >= created),"
	" used_csid INTEGER CHECK (used_csid IS NULL OR " U32("used_csid") "),"
	" CHECK (used_at IS NOT NULL OR used_csid IS NULL)"
	") STRICT",

	"CREATE INDEX tokens_expires ON tokens(expires)",
	NULL
};

/*
 * 4: what an enrollment token hands over, sealed by the operator under a
 * key derived from the token (docs/enrollment.md); the database cannot
 * open it. It goes with its token and never changes.
 */
static const char *const migration4[] = {
	"CREATE TABLE token_material ("
	" token INTEGER PRIMARY KEY REFERENCES tokens(id) ON DELETE CASCADE,"
	" sealed BLOB NOT NULL CHECK (length(sealed) BETWEEN 1 AND 1024)"
	") STRICT",

	"CREATE TRIGGER token_material_immutable BEFORE UPDATE ON"
	" token_material BEGIN SELECT RAISE(ABORT, 'token material is"
	" immutable'); END",
	NULL
};

static const char *const *const migrations[DB_SCHEMA_VERSION] = {
	migration1, migration2, migration3, migration4
};

/* Apply migration `version` (1-based) if nobody did in the meantime. */
static int
db_apply(struct db *db, int version)
{
	const char *const	*sql = migrations[version - 1];
	char			 pragma[64];
	int			 current, i;

	if (db_tx_begin(db, 1) == -1)
		return (-1);
	/* Under the write lock: another process may have migrated first. */
	if (db_user_version(db, &current) == -1)
		goto fail;
	if (current >= version)
		return (db_tx_end(db, 1));
	if (current != version - 1) {
		db_seterr(db, "migration %d: database is at version %d",
		    version, current);
		goto fail;
	}
	if (version == 1) {
		snprintf(pragma, sizeof(pragma), "PRAGMA application_id = %d",
		    DB_APPLICATION_ID);
		if (db_exec(db, pragma) == -1)
			goto fail;
	}
	for (i = 0; sql[i] != NULL; i++) {
#ifdef SANCTUM_DB_TEST_HOOKS
		db_test_migration_step(version, i);
#endif
		if (db_exec(db, sql[i]) == -1)
			goto fail;
	}
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version);
	if (db_exec(db, pragma) == -1)
		goto fail;
	return (db_tx_end(db, 1));
fail:
	(void)db_tx_end(db, 0);
	return (-1);
}

/* Bring the schema to DB_SCHEMA_VERSION; a no-op when it is there. */
int
db_migrate(struct db *db)
{
	int	version;

	if (db->mode == DB_OPEN_RO) {
		db_seterr(db, "migrate: database is open read-only");
		return (-1);
	}
	if (db->depth != 0) {
		db_seterr(db, "migrate: inside a transaction");
		return (-1);
	}
	if (db_user_version(db, &version) == -1)
		return (-1);
	if (version > DB_SCHEMA_VERSION) {
		db_seterr(db, "database schema version %d is newer than this "
		    "program (%d)", version, DB_SCHEMA_VERSION);
		return (-1);
	}
	for (version++; version <= DB_SCHEMA_VERSION; version++) {
		if (db_apply(db, version) == -1)
			return (-1);
	}
	return (0);
}
