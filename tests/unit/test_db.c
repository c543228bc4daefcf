/*
 * The cathedral database layer: migrations (fresh, rerun, a real crash in
 * the middle of one), pragmas and file modes, every administrative write
 * with its audit row, constraint violations, tokens, the 10,000-endpoint
 * flush (timed), rows planted past the CHECKs, and the writable check.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "db.h"
#include "db_test.h"
#include "wire.h"

#define FLOCK_A		0xcafeba00ULL
#define FLOCK_B		0xdeadbeefcafeba00ULL
#define ACTOR		"test"


/* Open and migrate a new database; aborts on failure (nothing to test). */
static struct db *
fresh(const char *name)
{
	struct db	*db;
	char		 err[512];

	unlink(scratch_at(name));
	if ((db = db_open(scratch_at(name), DB_OPEN_RWC, err,
	    sizeof(err))) == NULL || db_migrate(db) == -1) {
		fprintf(stderr, "fresh %s: %s\n", name, db ? db_error(db) : err);
		abort();
	}
	return (db);
}

/* A query's first column as text. */
static const char *
q(struct db *db, const char *sql)
{
	static char	buf[256];

	if (db_test_query(db, sql, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "<error: %s>", db_error(db));
	return (buf);
}

/* Mode bits of a file, -1 when it does not exist. */
static int
mode_of(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1)
		return (-1);
	return ((int)(st.st_mode & 07777));
}

static void
test_migrations(void)
{
	struct db	*db;
	int		 v = -1;
	uint32_t	 app = 0;
	char		 err[512];

	db = fresh("m.db");
	CHECK(db_user_version(db, &v) == 0 && v == DB_SCHEMA_VERSION,
	    "fresh database at version %d", v);
	CHECK(db_application_id(db, &app) == 0 && app == DB_APPLICATION_ID,
	    "application_id set");
	CHECK(db_migrate(db) == 0, "rerun is a no-op: %s", db_error(db));
	CHECK(db_user_version(db, &v) == 0 && v == DB_SCHEMA_VERSION,
	    "still version %d", v);
	CHECK(db_integrity_check(db) == 0, "integrity: %s", db_error(db));
	CHECK(strcmp(q(db, "PRAGMA journal_mode"), "wal") == 0, "WAL mode");
	CHECK(strcmp(q(db, "PRAGMA foreign_keys"), "1") == 0, "foreign keys");
	CHECK(strcmp(q(db, "PRAGMA busy_timeout"), "5000") == 0,
	    "busy timeout");
	CHECK(strcmp(q(db, "PRAGMA journal_size_limit"), "16777216") == 0,
	    "journal size limit");
	CHECK(mode_of(scratch_at("m.db")) == 0600, "db mode 0600");
	CHECK(mode_of(scratch_at("m.db-wal")) == 0600, "-wal mode 0600 (%o)",
	    mode_of(scratch_at("m.db-wal")));
	CHECK(mode_of(scratch_at("m.db-shm")) == 0600, "-shm mode 0600 (%o)",
	    mode_of(scratch_at("m.db-shm")));
	CHECK(db_checkpoint(db) == 0, "checkpoint: %s", db_error(db));
	db_close(db);

	/* A newer schema than ours is refused. */
	db = db_open(scratch_at("m.db"), DB_OPEN_RW, err, sizeof(err));
	CHECK(db != NULL && db_test_exec(db, "PRAGMA user_version = 99") == 0,
	    "set version 99");
	CHECK(db_migrate(db) == -1 && strstr(db_error(db), "newer") != NULL,
	    "newer schema refused: %s", db_error(db));
	db_close(db);

	/* Read-only open works on a migrated file and cannot migrate. */
	db = fresh("ro.db");
	db_close(db);
	db = db_open(scratch_at("ro.db"), DB_OPEN_RO, err, sizeof(err));
	CHECK(db != NULL, "read-only open: %s", err);
	if (db != NULL) {
		CHECK(db_migrate(db) == -1, "read-only cannot migrate");
		db_close(db);
	}
	CHECK(db_open(scratch_at("none.db"), DB_OPEN_RW, err, sizeof(err)) ==
	    NULL, "RW needs an existing file");
	CHECK(mode_of(scratch_at("none.db")) == -1, "RW created nothing");
}

/* In a child: migrate a new file and die before statement step of version. */
static int
crash_child(const char *name, int version, int step)
{
	struct db	*db;
	char		 err[512];
	pid_t		 pid;
	int		 status;

	unlink(scratch_at(name));
	if ((pid = fork()) == 0) {
		if ((db = db_open(scratch_at(name), DB_OPEN_RWC, err,
		    sizeof(err))) == NULL)
			_exit(1);
		db_test_crash_at(version, step);
		(void)db_migrate(db);
		_exit(2);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid)
		return (-1);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void
test_crash(void)
{
	struct db	*db;
	char		 err[512];
	int		 v = -1, n;

	for (n = 1; n <= DB_SCHEMA_VERSION; n++) {
		CHECK(crash_child("crash.db", n, 1) == 99,
		    "child crashed inside migration %d", n);
		db = db_open(scratch_at("crash.db"), DB_OPEN_RW, err, sizeof(err));
		CHECK(db != NULL, "reopen after crash in %d: %s", n, err);
		if (db == NULL)
			continue;
		CHECK(db_user_version(db, &v) == 0 && v == n - 1,
		    "crash in migration %d leaves version %d (got %d)", n,
		    n - 1, v);
		CHECK(db_integrity_check(db) == 0, "integrity after crash");
		CHECK(strcmp(q(db, n == 2 ? "SELECT count(*) FROM sqlite_schema "
		    "WHERE name = 'endpoints'" : "SELECT 0"), "0") == 0,
		    "no half-made tables of migration %d", n);
		CHECK(db_migrate(db) == 0, "rerun completes: %s",
		    db_error(db));
		CHECK(db_user_version(db, &v) == 0 && v == DB_SCHEMA_VERSION,
		    "at version %d after rerun", v);
		CHECK(db_integrity_check(db) == 0, "integrity after rerun");
		db_close(db);
	}
}

/* Count rows of the audit log. */
static int
audit_rows(struct db *db)
{
	return (atoi(q(db, "SELECT count(*) FROM audit")));
}

/* The newest audit row as "action|object". */
static const char *
audit_last(struct db *db)
{
	return (q(db, "SELECT action || '|' || object || '|' || detail FROM "
	    "audit ORDER BY id DESC LIMIT 1"));
}

static void
new_identity(struct db_identity_new *n, uint64_t flock, uint32_t csid,
    uint8_t peer)
{
	memset(n, 0, sizeof(*n));
	n->flock = flock;
	n->csid = csid;
	memset(n->secret, (int)(csid & 0xff), sizeof(n->secret));
	memset(n->cosk_pub, (int)(~csid & 0xff), sizeof(n->cosk_pub));
	n->name = "node";
	n->peer = peer;
	n->mbit = 0;
}

static void
test_admin(void)
{
	struct db		*db = fresh("admin.db");
	struct db_identity_new	 n;
	uint8_t			 ip[4] = { 192, 0, 2, 1 };
	size_t			 purged;
	int			 a, i;

	a = audit_rows(db);
	CHECK(db_flock_add(db, ACTOR, FLOCK_A, "office") == DB_ADDED,
	    "flock add: %s", db_error(db));
	CHECK(audit_rows(db) == a + 1 && strcmp(audit_last(db),
	    "flock.add|flock cafeba00|office") == 0, "flock audit: %s",
	    audit_last(db));
	CHECK(db_flock_add(db, ACTOR, FLOCK_A, "office") == DB_PRESENT,
	    "flock add again: present");
	CHECK(audit_rows(db) == a + 1, "no audit row for no change");
	CHECK(db_flock_add(db, ACTOR, FLOCK_A | 1, "") == -1,
	    "flock with a domain byte refused: %s", db_error(db));
	CHECK(db_flock_add(db, ACTOR, FLOCK_B, "bad\n") == -1,
	    "control characters refused");
	CHECK(db_flock_add(db, "", FLOCK_B, "") == -1, "empty actor refused");
	CHECK(strcmp(q(db, "SELECT count(*) FROM flocks"), "1") == 0,
	    "refused adds left nothing");
	CHECK(db_flock_add(db, ACTOR, FLOCK_B, "") == DB_ADDED,
	    "flock with the top bit set");
	CHECK(strcmp(q(db, "SELECT printf('%x', id) FROM flocks WHERE id < 0"),
	    "deadbeefcafeba00") == 0, "64-bit flock stored as its bits");

	new_identity(&n, FLOCK_A, 0x0badf00d, 0xca);
	a = audit_rows(db);
	CHECK(db_identity_add(db, ACTOR, &n) == DB_ADDED, "identity add: %s",
	    db_error(db));
	CHECK(audit_rows(db) == a + 1 && strncmp(audit_last(db),
	    "identity.add|identity cafeba00:0badf00d|", 40) == 0,
	    "identity audit: %s", audit_last(db));
	CHECK(db_identity_add(db, ACTOR, &n) == DB_PRESENT,
	    "identity add again: present");
	n.peer = 0xcb;
	CHECK(db_identity_add(db, ACTOR, &n) == DB_RULE_ADDED,
	    "second peer id through identity add");
	n.secret[0] ^= 1;
	CHECK(db_identity_add(db, ACTOR, &n) == -1 && strstr(db_error(db),
	    "different secret") != NULL, "other secret refused: %s",
	    db_error(db));
	new_identity(&n, 0x1200, 1, 1);
	CHECK(db_identity_add(db, ACTOR, &n) == -1 && strstr(db_error(db),
	    "does not exist") != NULL, "unknown flock: %s", db_error(db));
	new_identity(&n, FLOCK_A, 2, 0);
	CHECK(db_identity_add(db, ACTOR, &n) == -1, "peer 0 refused");
	CHECK(strcmp(q(db, "SELECT count(*) FROM identities"), "1") == 0,
	    "refused identity left no row");

	CHECK(db_allow_add(db, ACTOR, FLOCK_A, 0x0badf00d, 0xcc, 25) ==
	    DB_ADDED, "allow add: %s", db_error(db));
	CHECK(strcmp(audit_last(db), "allow.add|identity cafeba00:0badf00d|"
	    "peer cc mbit 25") == 0, "allow audit: %s", audit_last(db));
	CHECK(db_allow_add(db, ACTOR, FLOCK_A, 0x0badf00d, 0xcc, 30) == -1,
	    "allow with other bandwidth refused");
	CHECK(db_allow_set_bandwidth(db, ACTOR, FLOCK_A, 0x0badf00d, 0xcc,
	    30) == 0, "bandwidth set: %s", db_error(db));
	CHECK(strcmp(q(db, "SELECT mbit FROM allow_rules WHERE peer = 204"),
	    "30") == 0, "bandwidth stored");
	CHECK(strcmp(audit_last(db), "allow.bandwidth|identity "
	    "cafeba00:0badf00d|peer cc mbit 30") == 0, "bandwidth audit");
	CHECK(db_allow_set_bandwidth(db, ACTOR, FLOCK_A, 0x0badf00d, 0x01,
	    30) == -1, "bandwidth of a missing rule: %s", db_error(db));
	CHECK(db_allow_add(db, ACTOR, FLOCK_A, 0x77, 1, 0) == -1,
	    "allow for a missing identity");

	a = audit_rows(db);
	CHECK(db_identity_set_revoked(db, ACTOR, FLOCK_A, 0x0badf00d, 1) ==
	    DB_ADDED, "revoke: %s", db_error(db));
	CHECK(strcmp(q(db, "SELECT revoked FROM identities"), "1") == 0,
	    "revoked");
	CHECK(strcmp(audit_last(db), "identity.revoke|identity "
	    "cafeba00:0badf00d|") == 0, "revoke audit: %s", audit_last(db));
	CHECK(db_identity_set_revoked(db, ACTOR, FLOCK_A, 0x0badf00d, 1) ==
	    DB_PRESENT, "revoke again: present");
	CHECK(db_identity_set_revoked(db, ACTOR, FLOCK_A, 0x0badf00d, 0) ==
	    DB_ADDED, "enable");
	CHECK(audit_rows(db) == a + 2, "revoke+enable: two audit rows");
	CHECK(db_identity_set_revoked(db, ACTOR, FLOCK_A, 0x99, 1) == -1,
	    "revoke unknown identity");

	CHECK(db_xflock_add(db, ACTOR, FLOCK_B, FLOCK_A) == DB_ADDED,
	    "xflock add: %s", db_error(db));
	CHECK(strcmp(audit_last(db), "xflock.add|xflock cafeba00 <=> "
	    "deadbeefcafeba00|") == 0, "xflock audit: %s", audit_last(db));
	CHECK(db_xflock_add(db, ACTOR, FLOCK_A, FLOCK_B) == DB_PRESENT,
	    "xflock either order: present");
	CHECK(db_xflock_add(db, ACTOR, FLOCK_A, FLOCK_A) == -1,
	    "xflock with itself");
	CHECK(db_xflock_add(db, ACTOR, FLOCK_A, 0x5500) == -1,
	    "xflock with unknown flock: %s", db_error(db));
	CHECK(db_xflock_del(db, ACTOR, FLOCK_A, FLOCK_B) == 0, "xflock del");
	CHECK(strncmp(audit_last(db), "xflock.del|", 11) == 0, "del audit");
	CHECK(db_xflock_del(db, ACTOR, FLOCK_A, FLOCK_B) == -1,
	    "xflock del again: %s", db_error(db));

	CHECK(db_federation_add(db, ACTOR, ip, 4500) == DB_ADDED,
	    "federation add: %s", db_error(db));
	CHECK(strcmp(audit_last(db), "federation.add|federation "
	    "192.0.2.1:4500|") == 0, "federation audit: %s", audit_last(db));
	CHECK(db_federation_add(db, ACTOR, ip, 4500) == DB_PRESENT,
	    "federation again: present");
	CHECK(db_federation_add(db, ACTOR, ip, 0) == -1, "port 0 refused");
	CHECK(db_federation_del(db, ACTOR, ip, 4500) == 0, "federation del");
	CHECK(db_federation_del(db, ACTOR, ip, 4500) == -1,
	    "federation del again");
	for (i = 0; i < DB_FEDERATION_MAX; i++) {
		ip[3] = (uint8_t)(i + 1);
		CHECK(db_federation_add(db, ACTOR, ip, 4500) == DB_ADDED,
		    "federation peer %d", i);
	}
	ip[3] = 200;
	CHECK(db_federation_add(db, ACTOR, ip, 4500) == -1 &&
	    strstr(db_error(db), "at most 32") != NULL,
	    "33rd federation peer refused: %s", db_error(db));

	CHECK(db_endpoint_purge(db, ACTOR, 0, &purged) == 0 && purged == 0,
	    "purge: %s", db_error(db));
	CHECK(strncmp(audit_last(db), "endpoint.purge|endpoints|0 ", 27) == 0,
	    "purge audit: %s", audit_last(db));

	/* Grouped writes: all or nothing. */
	a = audit_rows(db);
	CHECK(db_begin(db) == 0, "begin");
	CHECK(db_flock_add(db, ACTOR, 0x1100, "") == DB_ADDED, "inner add");
	CHECK(db_flock_add(db, ACTOR, 0x1101, "") == -1, "inner failure");
	CHECK(db_flock_add(db, ACTOR, 0x1200, "") == DB_ADDED,
	    "transaction still usable after a failed write");
	CHECK(db_rollback(db) == 0, "rollback");
	CHECK(strcmp(q(db, "SELECT count(*) FROM flocks WHERE id IN (4352, "
	    "4608)"), "0") == 0 && audit_rows(db) == a,
	    "rolled back with its audit rows");

	/* The audit log cannot be edited. */
	CHECK(db_test_exec(db, "DELETE FROM audit") == -1 &&
	    strstr(db_error(db), "append-only") != NULL, "audit delete: %s",
	    db_error(db));
	CHECK(db_test_exec(db, "UPDATE audit SET actor = 'x'") == -1,
	    "audit update refused");
	/* Constraints refuse bad rows written with SQL. */
	CHECK(db_test_exec(db, "INSERT INTO identities (flock, csid, secret, "
	    "cosk_pub, created, updated) VALUES (3405691392, 5, x'00', "
	    "zeroblob(32), 1, 1)") == -1, "short secret refused by CHECK");
	CHECK(db_test_exec(db, "INSERT INTO flocks (id, created) VALUES "
	    "(257, 1)") == -1, "flock domain byte refused by CHECK");
	CHECK(db_test_exec(db, "INSERT INTO flocks (id, created) VALUES "
	    "('x', 1)") == -1, "STRICT refuses text in an integer column");
	CHECK(db_test_exec(db, "INSERT INTO allow_rules (identity, peer, mbit, "
	    "created, updated) VALUES (1, 256, 0, 1, 1)") == -1,
	    "peer 256 refused by CHECK");
	CHECK(db_test_exec(db, "INSERT INTO allow_rules (identity, peer, mbit, "
	    "created, updated) VALUES (999, 5, 0, 1, 1)") == -1,
	    "allow rule for a missing identity refused by the foreign key");
	CHECK(db_test_exec(db, "INSERT INTO federation (ip, port, created) "
	    "VALUES (x'010203', 1, 1)") == -1, "3-byte address refused");
	CHECK(db_integrity_check(db) == 0, "integrity");
	db_close(db);
}

/* Deterministic device KEKs for the test bundles. */
static int
test_kek(void *arg, uint64_t flock, uint8_t id, uint8_t kek[32])
{
	(void)arg;
	memset(kek, id, 32);
	kek[0] = (uint8_t)(flock >> 8);
	return (0);
}

/* Deterministic "random" secrets. */
static void
test_random(void *arg, void *buf, size_t len)
{
	uint32_t	*ctr = arg;
	uint8_t		*p = buf;
	size_t		 i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)((*ctr)++ * 131);
}

/* A bundle for (a, b) with this generation and expiry day. */
static uint8_t *
make_bundle(uint64_t a, uint64_t b, uint32_t gen, uint16_t expires,
    size_t *len)
{
	struct ambry_header	 h;
	uint32_t		 ctr = gen;
	uint8_t			*buf;

	*len = ambry_bundle_size(a, b);
	if ((buf = malloc(*len)) == NULL)
		abort();
	memset(&h, 0, sizeof(h));
	put_be16(h.expires, expires);
	put_be32(h.generation, gen);
	memset(h.seed, 0x5a, sizeof(h.seed));
	if (ambry_bundle_build(buf, *len, a, b, &h, test_kek, test_random,
	    &ctr) == -1)
		abort();
	return (buf);
}

/* Set the generation in a bundle header (entries are not rechecked here). */
static void
set_generation(uint8_t *buf, uint32_t gen)
{
	put_be32(buf + 2, gen);
}

struct seen {
	int		n;
	uint32_t	gen[8];
	uint64_t	a[8];
};

static int
seen_bundle(void *arg, const struct db_bundle *b)
{
	struct seen	*s = arg;

	if (s->n < 8) {
		s->gen[s->n] = b->generation;
		s->a[s->n] = b->flock_a;
	}
	s->n++;
	return (0);
}

static void
test_bundles(void)
{
	struct db	*db = fresh("bundle.db");
	struct seen	 s;
	uint8_t		*buf, *xbuf;
	size_t		 len, xlen;
	int64_t		 now = (int64_t)time(NULL);
	uint16_t	 future = ambry_expires_for((uint64_t)now, 30);

	buf = make_bundle(FLOCK_A, FLOCK_A, 0x11111111, future, &len);
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, buf, len) == -1,
	    "bundle for an unknown flock: %s", db_error(db));
	CHECK(db_flock_add(db, ACTOR, FLOCK_A, "") == DB_ADDED, "flock");
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, buf, len - 1) == -1
	    && strstr(db_error(db), "abnormal size") != NULL,
	    "short bundle refused: %s", db_error(db));
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, buf, len) ==
	    DB_ADDED, "bundle store: %s", db_error(db));
	CHECK(strncmp(audit_last(db), "ambry.store|ambry cafeba00|generation "
	    "11111111", 37) == 0, "bundle audit: %s", audit_last(db));
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, buf, len) ==
	    DB_PRESENT, "same bundle again: present");
	buf[len - 1] ^= 1;
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, buf, len) == -1,
	    "same generation, other content refused: %s", db_error(db));
	set_generation(buf, 0x22222222);
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, buf, len) ==
	    DB_ADDED, "second generation");
	set_generation(buf, 0x33333333);
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, buf, len) ==
	    DB_ADDED, "third generation");
	CHECK(strcmp(q(db, "SELECT group_concat(printf('%x', generation)) "
	    "FROM ambry_bundles"), "22222222,33333333") == 0,
	    "pruned to the last two: %s", q(db, "SELECT group_concat("
	    "printf('%x', generation)) FROM ambry_bundles"));
	memset(&s, 0, sizeof(s));
	CHECK(db_bundles_current(db, now, seen_bundle, &s) == 0 && s.n == 1 &&
	    s.gen[0] == 0x33333333, "newest generation served (%d)", s.n);
	/* An expired newest bundle is not served; the older one is. */
	set_generation(buf, 0x44444444);
	put_be16(buf, 1);
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, buf, len) ==
	    DB_ADDED, "expired bundle stored");
	memset(&s, 0, sizeof(s));
	CHECK(db_bundles_current(db, now, seen_bundle, &s) == 0 && s.n == 1 &&
	    s.gen[0] == 0x33333333, "expired newest skipped (%d, %x)", s.n,
	    s.gen[0]);
	CHECK(db_test_exec(db, "UPDATE ambry_bundles SET generation = 1") ==
	    -1, "bundles are immutable");

	CHECK(db_flock_add(db, ACTOR, FLOCK_B, "") == DB_ADDED, "flock B");
	xbuf = make_bundle(FLOCK_A, FLOCK_B, 0x55555555, future, &xlen);
	CHECK(db_bundle_store(db, ACTOR, FLOCK_B, FLOCK_A, xbuf, xlen) == -1,
	    "xflock bundle without the xflock: %s", db_error(db));
	CHECK(db_bundle_store(db, ACTOR, FLOCK_A, FLOCK_A, xbuf, xlen) == -1,
	    "xflock bundle as a flock bundle refused");
	CHECK(db_xflock_add(db, ACTOR, FLOCK_A, FLOCK_B) == DB_ADDED, "xflock");
	CHECK(db_bundle_store(db, ACTOR, FLOCK_B, FLOCK_A, xbuf, xlen) ==
	    DB_ADDED, "xflock bundle: %s", db_error(db));
	memset(&s, 0, sizeof(s));
	CHECK(db_bundles_current(db, now, seen_bundle, &s) == 0 && s.n == 2,
	    "both pairs served (%d)", s.n);
	CHECK(db_xflock_del(db, ACTOR, FLOCK_A, FLOCK_B) == 0, "xflock del");
	CHECK(strcmp(q(db, "SELECT count(*) FROM ambry_bundles WHERE "
	    "flock_a <> flock_b"), "0") == 0, "its bundles went with it");
	free(buf);
	free(xbuf);
	db_close(db);
}

static void
test_tokens(void)
{
	struct db		*db = fresh("token.db");
	struct db_token_new	 t;
	struct db_token		 out;
	int64_t			 now = (int64_t)time(NULL);
	int			 a;

	memset(&t, 0, sizeof(t));
	memset(t.lookup, 0xab, sizeof(t.lookup));
	memset(t.verifier, 0xcd, sizeof(t.verifier));
	t.flock = FLOCK_A;
	t.peer = 0x10;
	t.name = "laptop";
	t.mode = "tunnel";
	t.kek = 1;
	t.mbit = 50;
	t.expires = now + 600;
	CHECK(db_token_create(db, ACTOR, &t) == -1, "token for unknown flock");
	CHECK(db_flock_add(db, ACTOR, FLOCK_A, "") == DB_ADDED, "flock");
	a = audit_rows(db);
	CHECK(db_token_create(db, ACTOR, &t) == 0, "token create: %s",
	    db_error(db));
	CHECK(audit_rows(db) == a + 1 && strncmp(audit_last(db),
	    "token.create|token abababababababab|", 36) == 0,
	    "token audit: %s", audit_last(db));
	CHECK(db_token_create(db, ACTOR, &t) == -1, "duplicate lookup");
	t.mode = "router";
	CHECK(db_token_create(db, ACTOR, &t) == -1, "unknown mode refused");
	t.mode = "tunnel";

	t.verifier[0] ^= 1;
	CHECK(db_token_redeem(db, ACTOR, t.lookup, t.verifier, 7, &out) ==
	    DB_TOKEN_UNKNOWN, "wrong verifier");
	t.verifier[0] ^= 1;
	CHECK(db_token_redeem(db, ACTOR, t.verifier, t.verifier, 7, &out) ==
	    DB_TOKEN_UNKNOWN, "unknown lookup");
	CHECK(db_token_redeem(db, ACTOR, t.lookup, t.verifier, 7, &out) ==
	    DB_TOKEN_OK, "redeem: %s", db_error(db));
	CHECK(out.flock == FLOCK_A && out.peer == 0x10 &&
	    strcmp(out.name, "laptop") == 0 && strcmp(out.mode, "tunnel") == 0
	    && out.kek == 1 && out.mbit == 50, "redeemed grant");
	CHECK(strncmp(audit_last(db), "token.redeem|", 13) == 0,
	    "redeem audit");
	CHECK(db_token_redeem(db, ACTOR, t.lookup, t.verifier, 8, &out) ==
	    DB_TOKEN_USED, "second redeem: used");
	CHECK(strcmp(q(db, "SELECT used_csid FROM tokens"), "7") == 0,
	    "first redeemer recorded");

	memset(t.lookup, 0x01, sizeof(t.lookup));
	t.expires = now + 10;
	CHECK(db_token_create(db, ACTOR, &t) == 0, "short-lived token");
	db_test_set_clock(db, now + 20);
	CHECK(db_token_redeem(db, ACTOR, t.lookup, t.verifier, 9, &out) ==
	    DB_TOKEN_EXPIRED, "expired token: %s", db_error(db));
	CHECK(strcmp(q(db, "SELECT count(*) FROM tokens WHERE used_at IS NOT "
	    "NULL"), "1") == 0, "expired token stays unused");
	db_test_set_clock(db, 0);
	CHECK(db_test_exec(db, "UPDATE tokens SET used_at = NULL WHERE "
	    "used_csid = 7") == -1, "used_csid without used_at refused");
	db_close(db);
}

/* Totals seen by the node report. */
struct node_sum {
	int		nodes;
	int		with_ep;
	uint64_t	bytes_in;
	uint64_t	bytes_out;
	int64_t		key_seen;
};

static int
node_cb(void *arg, const struct db_node *n)
{
	struct node_sum	*s = arg;

	s->nodes++;
	s->with_ep += n->has_endpoint;
	s->bytes_in += n->bytes_in;
	s->bytes_out += n->bytes_out;
	if (n->csid == 1)
		s->key_seen = n->ep.rx_active_seen;
	return (0);
}

static int
count_cb(void *arg, const struct db_history *h)
{
	(void)h;
	(*(int *)arg)++;
	return (0);
}

static int
tunnel_cb(void *arg, const struct db_tunnel *t)
{
	(void)t;
	(*(int *)arg)++;
	return (0);
}

static int
flock_report_cb(void *arg, const struct db_flock_report *f)
{
	size_t	*n = arg;

	*n = f->endpoints;
	return (0);
}

#define FLUSH_N		10000
#define IDENTITIES	100

static double
elapsed_ms(const struct timespec *a, const struct timespec *b)
{
	return ((double)(b->tv_sec - a->tv_sec) * 1e3 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e6);
}

static void
test_flush(void)
{
	struct db		*db = fresh("flush.db");
	struct db_identity_new	 n;
	struct db_endpoint	*e;
	struct db_counter	*c;
	struct db_flush		 f;
	struct node_sum		 sum;
	struct timespec		 t0, t1;
	size_t			 i, endpoints = 0;
	int			 rows = 0, rc;

	CHECK(db_flock_add(db, ACTOR, FLOCK_A, "") == DB_ADDED, "flock");
	for (i = 1; i <= IDENTITIES; i++) {
		new_identity(&n, FLOCK_A, (uint32_t)i, (uint8_t)i);
		CHECK(db_identity_add(db, ACTOR, &n) == DB_ADDED, "identity");
	}
	e = calloc(FLUSH_N + 1, sizeof(*e));
	c = calloc(FLUSH_N + 1, sizeof(*c));
	if (e == NULL || c == NULL)
		abort();
	for (i = 0; i < FLUSH_N; i++) {
		e[i].src = FLOCK_A | (i / 65536);
		e[i].dst = FLOCK_A | (i / 65536);
		e[i].tunnel = (uint16_t)i;
		e[i].csid = (uint32_t)(i % IDENTITIES + 1);
		e[i].ip[0] = 198;
		e[i].ip[3] = (uint8_t)i;
		e[i].port = (uint16_t)(1024 + i);
		e[i].instance = 0x8000000000000000ULL | i;
		e[i].rx_active = (uint32_t)(i << 16 | 1);
		e[i].rx_pending = 0;
		e[i].last_seen = 1700000000;
		c[i].src = e[i].src;
		c[i].dst = e[i].dst;
		c[i].tunnel = e[i].tunnel;
		c[i].minute = 1700000000 - 1700000000 % 60;
		c[i].pkts_in = 10;
		c[i].bytes_in = 1000;
		c[i].pkts_out = 20;
		c[i].bytes_out = 2000;
	}
	memset(&f, 0, sizeof(f));
	f.endpoints = e;
	f.nendpoints = FLUSH_N;
	f.counters = c;
	f.ncounters = FLUSH_N;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = db_flush(db, &f);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(rc == 0, "flush of %d endpoints: %d (%s)", FLUSH_N, rc,
	    db_error(db));
	printf("flush: %d new endpoints + %d counters in one transaction: "
	    "%.1f ms\n", FLUSH_N, FLUSH_N, elapsed_ms(&t0, &t1));

	/* Second second: new pending SPI, counters add up. */
	for (i = 0; i < FLUSH_N; i++) {
		e[i].rx_pending = (uint32_t)(i << 16 | 2);
		e[i].last_seen = 1700000001;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = db_flush(db, &f);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(rc == 0, "second flush: %s", db_error(db));
	printf("flush: %d endpoint updates + %d counter increments: %.1f ms\n",
	    FLUSH_N, FLUSH_N, elapsed_ms(&t0, &t1));
	/* Third: the pending SPI became active; its first-seen follows it. */
	for (i = 0; i < FLUSH_N; i++) {
		e[i].rx_active = e[i].rx_pending;
		e[i].rx_pending = 0;
		e[i].last_seen = 1700000100;
	}
	f.ncounters = 0;
	CHECK(db_flush(db, &f) == 0, "third flush");
	CHECK(strcmp(q(db, "SELECT count(*) FROM endpoints"), "10000") == 0,
	    "10,000 endpoints, upserted");
	CHECK(strcmp(q(db, "SELECT sum(bytes_in) FROM relay_minutes"),
	    "20000000") == 0, "counters added into their minute");
	CHECK(strcmp(q(db, "SELECT count(*) FROM relay_minutes"), "10000") ==
	    0, "one row per tunnel and minute");
	CHECK(strcmp(q(db, "SELECT count(*) FROM endpoints WHERE "
	    "rx_active_seen = 1700000001 AND rx_pending_seen IS NULL AND "
	    "first_seen = 1700000000 AND last_seen = 1700000100"), "10000") == 0,
	    "SPI first-seen moved from pending to active");

	memset(&sum, 0, sizeof(sum));
	CHECK(db_report_nodes(db, node_cb, &sum) == 0, "node report: %s",
	    db_error(db));
	CHECK(sum.nodes == IDENTITIES && sum.with_ep == IDENTITIES &&
	    sum.bytes_in == 20000000 && sum.bytes_out == 40000000 &&
	    sum.key_seen == 1700000001, "node report totals (%d %d %llu)",
	    sum.nodes, sum.with_ep, (unsigned long long)sum.bytes_in);
	CHECK(db_report_history(db, 1699999900, 1700000100, count_cb, &rows) ==
	    0 && rows == FLUSH_N, "history rows %d", rows);
	rows = 0;
	CHECK(db_report_tunnels(db, tunnel_cb, &rows) == 0 && rows == FLUSH_N,
	    "tunnel report rows %d", rows);
	CHECK(db_report_flocks(db, flock_report_cb, &endpoints) == 0 &&
	    endpoints == FLUSH_N, "flock report endpoints %zu", endpoints);

	/* Refused updates are skipped and counted; the rest is written. */
	e[0].csid = 0xdead;
	e[1].last_seen = 1700000200;
	c[0] = c[1];
	c[0].tunnel = 0xffff;
	c[1].minute = 61;
	f.nendpoints = 2;
	f.ncounters = 3;
	f.history_before = 0;
	CHECK(db_flush(db, &f) == 3, "three updates refused: %s",
	    db_error(db));
	CHECK(strcmp(q(db, "SELECT last_seen FROM endpoints WHERE tunnel = 1"),
	    "1700000200") == 0, "the good update was written");
	f.nendpoints = 0;
	f.ncounters = 0;
	f.history_before = 1800000000;
	CHECK(db_flush(db, &f) == 0 && strcmp(q(db, "SELECT count(*) FROM "
	    "relay_minutes"), "0") == 0, "history pruned");
	CHECK(db_endpoint_purge(db, ACTOR, 1700000150, &endpoints) == 0 &&
	    endpoints == FLUSH_N - 1, "purged %zu endpoints", endpoints);
	free(e);
	free(c);
	db_close(db);
}

/* What the loaders delivered. */
struct loaded {
	int	flocks, identities, allow, xflocks, federation, audit;
};

static int
l_flock(void *arg, const struct db_flock *f)
{
	(void)f;
	((struct loaded *)arg)->flocks++;
	return (0);
}

static int
l_identity(void *arg, const struct db_identity *i)
{
	((struct loaded *)arg)->identities++;
	((struct loaded *)arg)->allow += (int)i->nallow;
	return (0);
}

static int
l_xflock(void *arg, const struct db_xflock *x)
{
	(void)x;
	((struct loaded *)arg)->xflocks++;
	return (0);
}

static int
l_federation(void *arg, const struct db_federation *f)
{
	(void)f;
	((struct loaded *)arg)->federation++;
	return (0);
}

static int
l_audit(void *arg, const struct db_audit *a)
{
	(void)a;
	((struct loaded *)arg)->audit++;
	return (0);
}

static int
l_stop(void *arg, const struct db_flock *f)
{
	(void)arg;
	(void)f;
	return (1);
}

/* The last warning the db layer reported. */
static char	last_warning[512];
static int	warnings;

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static void
test_bad_rows(void)
{
	struct db		*db = fresh("bad.db");
	struct db_identity_new	 n;
	struct loaded		 l;
	struct seen		 s;
	uint8_t			 ip[4] = { 10, 0, 0, 1 };

	db_set_warn(db, warn_cb, NULL);
	CHECK(db_flock_add(db, ACTOR, FLOCK_A, "") == DB_ADDED, "flock");
	new_identity(&n, FLOCK_A, 1, 1);
	CHECK(db_identity_add(db, ACTOR, &n) == DB_ADDED, "good identity");
	CHECK(db_allow_add(db, ACTOR, FLOCK_A, 1, 2, 5) == DB_ADDED, "rule");
	CHECK(db_federation_add(db, ACTOR, ip, 1) == DB_ADDED, "peer");
	/*
	 * The schema refuses every one of these rows (see test_admin); only
	 * with CHECKs and foreign keys switched off can they exist at all.
	 */
	CHECK(db_test_exec(db, "PRAGMA ignore_check_constraints = ON; "
	    "PRAGMA foreign_keys = OFF; "
	    "INSERT INTO flocks (id, created) VALUES (4097, 1); "
	    "INSERT INTO identities (id, flock, csid, secret, cosk_pub, "
	    "created, updated) VALUES (50, 3405691392, 2, x'0102', "
	    "zeroblob(32), 1, 1); "
	    "INSERT INTO allow_rules (id, identity, peer, mbit, created, "
	    "updated) VALUES (60, 50, 3, 0, 1, 1); "
	    "INSERT INTO identities (id, flock, csid, secret, cosk_pub, "
	    "created, updated) VALUES (51, 3405691392, 4294967296, "
	    "zeroblob(32), zeroblob(32), 1, 1); "
	    "INSERT INTO allow_rules (id, identity, peer, mbit, created, "
	    "updated) VALUES (61, 1, 0, 0, 1, 1); "
	    "INSERT INTO xflocks (id, flock_a, flock_b, created) VALUES "
	    "(70, 3405691392, 3405691392, 1); "
	    "INSERT INTO federation (id, ip, port, created) VALUES "
	    "(80, x'0a0000', 4500, 1); "
	    "INSERT INTO ambry_bundles (id, flock_a, flock_b, generation, "
	    "expires, expires_at, digest, content, created) VALUES (90, "
	    "3405691392, 3405691392, 1, 65535, 1697855580 + 65535 * 86400, "
	    "zeroblob(32), zeroblob(100), 1); "
	    "INSERT INTO audit (at, actor, action, object) VALUES "
	    "(1, '', 'x', 'y'); "
	    "PRAGMA ignore_check_constraints = OFF; "
	    "PRAGMA foreign_keys = ON") == 0, "planted bad rows: %s",
	    db_error(db));

	memset(&l, 0, sizeof(l));
	warnings = 0;
	CHECK(db_flocks(db, l_flock, &l) == 0 && l.flocks == 1,
	    "flocks: bad one skipped (%d)", l.flocks);
	CHECK(strstr(last_warning, "flocks rowid 4097") != NULL,
	    "names table and rowid: %s", last_warning);
	CHECK(db_identities(db, l_identity, &l) == 0 && l.identities == 1 &&
	    l.allow == 2, "identities: bad ones skipped (%d, %d allow)",
	    l.identities, l.allow);
	CHECK(strstr(db_error(db), "rowid") != NULL, "message: %s",
	    db_error(db));
	CHECK(db_xflocks(db, l_xflock, &l) == 0 && l.xflocks == 0,
	    "xflocks: bad one skipped");
	CHECK(strstr(last_warning, "xflocks rowid 70") != NULL, "xflock msg");
	CHECK(db_federation(db, l_federation, &l) == 0 && l.federation == 1,
	    "federation: 3-byte address skipped");
	CHECK(strstr(last_warning, "federation rowid 80: column ip is 3 "
	    "bytes") != NULL, "federation msg: %s", last_warning);
	memset(&s, 0, sizeof(s));
	CHECK(db_bundles_current(db, 0, seen_bundle, &s) == 0 && s.n == 0,
	    "bundle of the wrong size skipped");
	CHECK(strstr(last_warning, "ambry_bundles rowid 90") != NULL,
	    "bundle msg: %s", last_warning);
	CHECK(db_audit_list(db, 0, 0, l_audit, &l) == 0 && l.audit >= 4,
	    "audit list: %d", l.audit);
	CHECK(strstr(last_warning, "audit rowid") != NULL, "audit msg: %s",
	    last_warning);
	CHECK(warnings == 8 && db_bad_rows(db) == 8,
	    "eight bad rows counted (%d, %lu)", warnings, db_bad_rows(db));
	CHECK(db_flocks(db, l_stop, NULL) == -1, "a callback can stop a load");
	db_close(db);
}

static void
test_versions(void)
{
	struct db	*a = fresh("dv.db"), *b;
	int64_t		 v1 = 0, v2 = 0, v3 = 0;
	char		 err[512];

	b = db_open(scratch_at("dv.db"), DB_OPEN_RW, err, sizeof(err));
	CHECK(b != NULL, "second connection: %s", err);
	if (b == NULL)
		return;
	CHECK(db_data_version(a, &v1) == 0, "data_version");
	CHECK(db_flock_add(b, ACTOR, FLOCK_A, "") == DB_ADDED, "other writer");
	CHECK(db_data_version(a, &v2) == 0 && v2 != v1,
	    "another connection's commit changes data_version");
	CHECK(db_flock_add(a, ACTOR, FLOCK_B, "") == DB_ADDED, "own write");
	CHECK(db_data_version(a, &v3) == 0 && v3 == v2,
	    "own commits do not");
	db_close(b);
	db_close(a);
}

static void
test_writable(void)
{
	struct db	*db;
	char		 err[512];
	FILE		*fp;

	db = fresh("w.db");
	db_close(db);
	CHECK(db_check_writable(scratch_at("w.db"), err, sizeof(err)) == 0,
	    "writable: %s", err);
	CHECK(db_check_writable(scratch_at("missing.db"), err, sizeof(err)) ==
	    -1 && strstr(err, "missing.db") != NULL && strstr(err, "init") !=
	    NULL, "missing file: %s", err);
	CHECK(db_check_writable("/nonexistent-dir/x.db", err, sizeof(err)) ==
	    -1 && strstr(err, "/nonexistent-dir") != NULL, "no directory: %s",
	    err);
	chmod(scratch_at("w.db"), 0644);
	CHECK(db_check_writable(scratch_at("w.db"), err, sizeof(err)) == -1 &&
	    strstr(err, "chmod 600") != NULL, "loose mode: %s", err);
	CHECK(db_open(scratch_at("w.db"), DB_OPEN_RW, err, sizeof(err)) == NULL,
	    "open refuses a 0644 database: %s", err);
	chmod(scratch_at("w.db"), 0600);
	if (geteuid() != 0) {
		/* As root every file is writable; the shm check needs a user. */
		if ((fp = fopen(scratch_at("w.db-shm"), "w")) != NULL)
			fclose(fp);
		chmod(scratch_at("w.db-shm"), 0400);
		CHECK(db_check_writable(scratch_at("w.db"), err, sizeof(err)) ==
		    -1 && strstr(err, "-shm") != NULL, "stale -shm: %s", err);
		unlink(scratch_at("w.db-shm"));
	}
	if (symlink(scratch_at("w.db"), scratch_at("link.db")) == 0)
		CHECK(db_open(scratch_at("link.db"), DB_OPEN_RW, err,
		    sizeof(err)) == NULL && strstr(err, "symlink") != NULL,
		    "symlinked database refused: %s", err);
}

int
main(void)
{
	int	ret;

	if (sanctum_crypto_init() == -1)
		return (1);
	if (scratch_create("sanctum-db") == -1) {
		perror("mkdtemp");
		return (1);
	}
	test_migrations();
	test_crash();
	test_admin();
	test_bundles();
	test_tokens();
	test_flush();
	test_bad_rows();
	test_versions();
	test_writable();
	ret = check_report("db");
	if (scratch_remove() == -1)
		ret = 1;
	return (ret);
}
