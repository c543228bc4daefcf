/*
 * What cathedralctl added to the db layer: migration 4 (sealed token
 * material: stored with its token, read back by lookup, immutable, gone
 * with the token) and the online backup, taken five times while another
 * process keeps flushing endpoints; every copy opens, passes
 * integrity_check and is at the latest schema.
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "db.h"
#include "db_test.h"
#include "sanctum_crypto.h"

#define FLOCK	0xcafeba00ULL
#define ACTOR	"test"

/* A new, migrated database with a flock and one identity. */
static struct db *
fresh(const char *name)
{
	struct db_identity_new	 n;
	struct db		*db;
	char			 err[512];

	unlink(scratch_at(name));
	if ((db = db_open(scratch_at(name), DB_OPEN_RWC, err, sizeof(err))) == NULL ||
	    db_migrate(db) == -1 || db_flock_add(db, ACTOR, FLOCK, "") == -1)
		abort();
	memset(&n, 0, sizeof(n));
	n.flock = FLOCK;
	n.csid = 7;
	n.name = "seven";
	n.peer = 7;
	if (db_identity_add(db, ACTOR, &n) != DB_ADDED)
		abort();
	return (db);
}

/* A query's first column as text. */
static const char *
q(struct db *db, const char *sql)
{
	static char	buf[256];

	if (db_test_query(db, sql, buf, sizeof(buf)) != 0)
		snprintf(buf, sizeof(buf), "<error>");
	return (buf);
}

/* Sealed token material through the db API. */
static void
test_sealed(void)
{
	struct db		*db = fresh("tokens.db");
	struct db_token_new	 t;
	uint8_t			 sealed[100], back[DB_TOKEN_SEALED_MAX + 1];
	uint8_t			 big[DB_TOKEN_SEALED_MAX + 1];
	size_t			 len;
	int			 v;

	CHECK(db_user_version(db, &v) == 0 && v == 4 && DB_SCHEMA_VERSION == 4,
	    "schema version 4");
	memset(&t, 0, sizeof(t));
	memset(t.lookup, 0x11, sizeof(t.lookup));
	memset(t.verifier, 0x22, sizeof(t.verifier));
	t.flock = FLOCK;
	t.peer = 9;
	t.name = "nine";
	t.mode = "liturgy";
	t.kek = 1;
	t.expires = (int64_t)time(NULL) + 3600;
	memset(sealed, 0x5a, sizeof(sealed));
	CHECK(db_token_create_sealed(db, ACTOR, &t, sealed, 0) == -1 &&
	    db_token_create_sealed(db, ACTOR, &t, big, sizeof(big)) == -1 &&
	    db_token_create_sealed(db, ACTOR, &t, NULL, 10) == -1,
	    "empty, oversized or missing material refused");
	CHECK(strcmp(q(db, "SELECT count(*) FROM tokens"), "0") == 0,
	    "nothing stored by a refusal");
	CHECK(db_token_create_sealed(db, ACTOR, &t, sealed, sizeof(sealed)) ==
	    0, "create sealed: %s", db_error(db));
	CHECK(db_token_sealed(db, t.lookup, back, sizeof(back), &len) == 0 &&
	    len == sizeof(sealed) && memcmp(back, sealed, len) == 0,
	    "material by lookup");
	CHECK(db_token_sealed(db, t.lookup, back, 10, &len) == -1,
	    "a small buffer is an error");
	CHECK(strstr(q(db, "SELECT detail FROM audit WHERE action = "
	    "'token.create'"), "sealed 100 bytes") != NULL, "audited");
	CHECK(db_test_exec(db, "UPDATE token_material SET sealed = x'00'") ==
	    -1, "material is immutable");

	memset(t.lookup, 0x33, sizeof(t.lookup));
	CHECK(db_token_create(db, ACTOR, &t) == 0, "a token without material");
	CHECK(db_token_sealed(db, t.lookup, back, sizeof(back), &len) == 1 &&
	    len == 0, "no material: 1");
	memset(t.lookup, 0x44, sizeof(t.lookup));
	CHECK(db_token_sealed(db, t.lookup, back, sizeof(back), &len) == 1,
	    "unknown lookup: 1");
	CHECK(db_test_exec(db, "DELETE FROM tokens") == 0 &&
	    strcmp(q(db, "SELECT count(*) FROM token_material"), "0") == 0,
	    "material goes with its token");
	db_close(db);
}

/* Another process flushing endpoints until killed: the cathedral. */
static pid_t
writer(const char *path)
{
	struct db_endpoint	 e[50];
	struct db_flush		 f;
	struct db		*db;
	char			 err[512];
	pid_t			 pid;
	int64_t			 t = 1700000000;
	size_t			 i;

	if ((pid = fork()) != 0)
		return (pid);
	if ((db = db_open(path, DB_OPEN_RW, err, sizeof(err))) == NULL)
		_exit(1);
	memset(e, 0, sizeof(e));
	for (i = 0; i < 50; i++) {
		e[i].src = e[i].dst = FLOCK;
		e[i].tunnel = (uint16_t)(0x0700 | i);
		e[i].csid = 7;
		e[i].ip[0] = 198;
		e[i].port = (uint16_t)(1000 + i);
	}
	memset(&f, 0, sizeof(f));
	f.endpoints = e;
	f.nendpoints = 50;
	for (;;) {
		for (i = 0; i < 50; i++)
			e[i].last_seen = t;
		t++;
		if (db_flush(db, &f) != 0)
			_exit(2);
	}
}

/* Five online backups while another process flushes. */
static void
test_backup(void)
{
	struct db	*db = fresh("live.db"), *copy;
	struct stat	 st;
	char		 err[512], name[32];
	pid_t		 pid;
	int		 i, v, status;

	pid = writer(scratch_at("live.db"));
	usleep(100000);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "copy%d.db", i);
		unlink(scratch_at(name));
		CHECK(db_backup(db, scratch_at(name)) == 0, "backup %d: %s", i,
		    db_error(db));
		CHECK(stat(scratch_at(name), &st) == 0 && (st.st_mode & 0777) == 0600,
		    "copy is 0600");
		copy = db_open(scratch_at(name), DB_OPEN_RW, err, sizeof(err));
		CHECK(copy != NULL, "copy opens: %s", err);
		if (copy == NULL)
			continue;
		CHECK(db_integrity_check(copy) == 0 &&
		    db_user_version(copy, &v) == 0 && v == DB_SCHEMA_VERSION,
		    "copy intact at version %d", v);
		CHECK(strcmp(q(copy, "SELECT count(*) FROM identities"), "1") ==
		    0, "copy has the identity");
		CHECK(strcmp(q(copy, "SELECT count(DISTINCT last_seen) FROM "
		    "endpoints"), "0") == 0 || strcmp(q(copy, "SELECT "
		    "count(DISTINCT last_seen) FROM endpoints"), "1") == 0,
		    "copy holds one flush, not a mix");
		db_close(copy);
		usleep(50000);
	}
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status),
	    "the writer kept writing until killed (status %d)", status);
	CHECK(strcmp(q(db, "SELECT count(*) > 0 FROM endpoints"), "1") == 0,
	    "the writer wrote");
	CHECK(db_backup(db, scratch_at("copy0.db")) == -1, "an existing file is kept");
	unlink(scratch_at("new.db"));
	CHECK(db_begin(db) == 0 && db_backup(db, scratch_at("new.db")) == -1 &&
	    access(scratch_at("new.db"), F_OK) == -1 && db_rollback(db) == 0,
	    "no backup inside a transaction");
	db_close(db);
}

/* Both parts in a scratch directory. */
int
main(void)
{
	if (sanctum_crypto_init() == -1 || scratch_create("db_ctl") == -1)
		return (1);
	test_sealed();
	test_backup();
	if (scratch_remove() == -1)
		return (1);
	return (check_report("db_ctl"));
}
