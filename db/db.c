/*
 * Opening the cathedral database the one safe way (WAL asserted, foreign
 * keys verified, busy timeout, bounded WAL, 0600 file), the error and
 * transaction helpers every other db file uses, and the pre-start check
 * that the daemon's user can write the file and its directory.
 */

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db_int.h"

/* Record a message for db_error(). */
void
db_seterr(struct db *db, const char *fmt, ...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(db->err, sizeof(db->err), fmt, ap);
	va_end(ap);
}

/* Record SQLite's message for a failed call; always -1 for the caller. */
int
db_sqlerr(struct db *db, const char *what)
{
	db_seterr(db, "%s: %s", what, sqlite3_errmsg(db->sq));
	return (-1);
}

/* Run SQL that returns no rows we need. */
int
db_exec(struct db *db, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(db->sq, sql, NULL, NULL, &msg) != SQLITE_OK) {
		db_seterr(db, "%s: %s", sql, msg != NULL ? msg :
		    sqlite3_errmsg(db->sq));
		sqlite3_free(msg);
		return (-1);
	}
	return (0);
}

/* Prepare one statement; NULL with the message set. */
sqlite3_stmt *
db_prepare(struct db *db, const char *sql)
{
	sqlite3_stmt	*st;

	if (sqlite3_prepare_v2(db->sq, sql, -1, &st, NULL) != SQLITE_OK) {
		db_sqlerr(db, "prepare");
		return (NULL);
	}
	return (st);
}

/* Step a statement that must finish without rows; reset it either way. */
int
db_step_done(struct db *db, sqlite3_stmt *st, const char *what)
{
	int	rc;

	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		db_sqlerr(db, what);
		sqlite3_reset(st);
		return (-1);
	}
	sqlite3_reset(st);
	return (0);
}

/* Wall clock seconds, unless the test hooks pinned it. */
int64_t
db_now(const struct db *db)
{
	if (db->fixed_now != 0)
		return (db->fixed_now);
	return ((int64_t)time(NULL));
}

/*
 * Open a transaction, or a savepoint inside one. A durable transaction
 * commits with synchronous=FULL (the WAL is fsync'd at COMMIT); the runtime
 * flush uses NORMAL, where a power cut may lose the last second of counters
 * but never corrupts. IMMEDIATE takes the write lock up front, so the busy
 * timeout applies instead of a failed lock upgrade later.
 */
int
db_tx_begin(struct db *db, int durable)
{
	if (db->depth > 0) {
		if (db_exec(db, "SAVEPOINT sp") == -1)
			return (-1);
		db->depth++;
		return (0);
	}
	if (db_exec(db, durable ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL") == -1 ||
	    db_exec(db, "BEGIN IMMEDIATE") == -1)
		return (-1);
	db->depth = 1;
	return (0);
}

/* Commit (ok) or roll back the innermost transaction or savepoint. */
int
db_tx_end(struct db *db, int ok)
{
	char	saved[DB_ERR_LEN];
	int	ret = 0;

	if (db->depth == 0) {
		db_seterr(db, "no transaction is open");
		return (-1);
	}
	memcpy(saved, db->err, sizeof(saved));
	db->depth--;
	if (db->depth > 0) {
		if (ok)
			return (db_exec(db, "RELEASE sp"));
		ret = db_exec(db, "ROLLBACK TO sp");
		if (db_exec(db, "RELEASE sp") == -1)
			ret = -1;
	} else if (ok) {
		if (db_exec(db, "COMMIT") == 0)
			return (0);
		ret = -1;
		(void)db_exec(db, "ROLLBACK");
		return (ret);
	} else {
		ret = db_exec(db, "ROLLBACK");
	}
	/* Keep the message that made the caller roll back. */
	if (ret == 0)
		memcpy(db->err, saved, sizeof(db->err));
	return (ret);
}

/* Finish a loop over rows: the step result or the callback stop. */
int
db_loop_end(struct db *db, sqlite3_stmt *st, int rc, int stopped,
    const char *what)
{
	int	ret = 0;

	if (stopped) {
		db_seterr(db, "%s: stopped by the callback", what);
		ret = -1;
	} else if (rc != SQLITE_DONE)
		ret = db_sqlerr(db, what);
	sqlite3_finalize(st);
	return (ret);
}

/* End a transaction by the result of its work: -1 rolls back. */
int
db_tx_done(struct db *db, int ret)
{
	if (db_tx_end(db, ret != -1) == -1)
		return (-1);
	return (ret);
}

/* Count and report a row that failed validation; the caller skips it. */
void
db_bad_row(struct db *db, const char *table, int64_t rowid, const char *why)
{
	db->bad_rows++;
	db_seterr(db, "%s rowid %lld: %s, row skipped", table,
	    (long long)rowid, why);
	if (db->warn != NULL)
		db->warn(db->warn_arg, db->err);
}

/* Bind a 64-bit unsigned value as the same bit pattern. */
int
db_bind_u64(sqlite3_stmt *st, int idx, uint64_t v)
{
	int64_t		s;

	memcpy(&s, &v, sizeof(s));
	return (sqlite3_bind_int64(st, idx, s));
}

/* Bind a C string (NULL binds ''). */
int
db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	return (sqlite3_bind_text(st, idx, s != NULL ? s : "", -1,
	    SQLITE_TRANSIENT));
}

/* Printable ASCII of at most max bytes: what names and audit fields hold. */
int
db_text_ok(const char *s, size_t max)
{
	size_t	i;

	if (s == NULL)
		return (1);
	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max || s[i] < ' ' || s[i] > '~')
			return (0);
	}
	return (1);
}

/* Create a missing database file 0600 before SQLite would make it 0644. */
static int
db_create_file(const char *path, char *err, size_t errlen)
{
	int	fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return (0);
		snprintf(err, errlen, "%s: cannot create: %s", path,
		    strerror(errno));
		return (-1);
	}
	if (fchmod(fd, 0600) == -1) {
		snprintf(err, errlen, "%s: fchmod: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

/* The file must be a regular file that only its owner can access. */
static int
db_check_file(const char *path, char *err, size_t errlen)
{
	struct stat	st;

	if (lstat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file%s", path,
		    S_ISLNK(st.st_mode) ? " (symlinks are refused)" : "");
		return (-1);
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: mode %04o lets group or others "
		    "read cathedral secrets (chmod 600 %s)", path,
		    (unsigned int)(st.st_mode & 07777), path);
		return (-1);
	}
	return (0);
}

/* One integer from a PRAGMA or a one-row query. */
static int
db_query_int(struct db *db, const char *sql, int64_t *out)
{
	sqlite3_stmt	*st;
	int		rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return (-1);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 0) != SQLITE_INTEGER) {
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			db_seterr(db, "%s: no integer result", sql);
		else
			db_sqlerr(db, sql);
		sqlite3_finalize(st);
		return (-1);
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return (0);
}

/* One text result of a PRAGMA into buf. */
static int
db_query_text(struct db *db, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt		*st;
	const unsigned char	*t;

	if ((st = db_prepare(db, sql)) == NULL)
		return (-1);
	if (sqlite3_step(st) != SQLITE_ROW ||
	    (t = sqlite3_column_text(st, 0)) == NULL) {
		db_sqlerr(db, sql);
		sqlite3_finalize(st);
		return (-1);
	}
	snprintf(buf, len, "%s", (const char *)t);
	sqlite3_finalize(st);
	return (0);
}

/*
 * Refuse a file that holds some other program's database before we change
 * anything in it (switching to WAL rewrites the header).
 */
static int
db_check_ours(struct db *db)
{
	int64_t		app, tables;

	if (db_query_int(db, "PRAGMA application_id", &app) == -1 ||
	    db_query_int(db, "SELECT count(*) FROM sqlite_schema",
	    &tables) == -1)
		return (-1);
	if (app == DB_APPLICATION_ID || (app == 0 && tables == 0))
		return (0);
	db_seterr(db, "not a sanctum cathedral database "
	    "(application_id 0x%08llx, %lld schema objects)",
	    (unsigned long long)app, (long long)tables);
	return (-1);
}

/* The pragmas every connection runs with, each verified where it can be. */
static int
db_configure(struct db *db)
{
	char		jm[16];
	char		sql[64];
	int64_t		v;

	if (sqlite3_busy_timeout(db->sq, DB_BUSY_TIMEOUT_MS) != SQLITE_OK)
		return (db_sqlerr(db, "busy_timeout"));
	if (db_exec(db, "PRAGMA foreign_keys = ON") == -1 ||
	    db_query_int(db, "PRAGMA foreign_keys", &v) == -1)
		return (-1);
	if (v != 1) {
		db_seterr(db, "foreign keys could not be enabled");
		return (-1);
	}
	if (db_exec(db, "PRAGMA trusted_schema = OFF") == -1 ||
	    db_check_ours(db) == -1)
		return (-1);
	if (db->mode != DB_OPEN_RO) {
		snprintf(sql, sizeof(sql), "PRAGMA journal_size_limit = %d",
		    DB_JOURNAL_LIMIT);
		if (db_exec(db, "PRAGMA secure_delete = ON") == -1 ||
		    db_exec(db, sql) == -1 ||
		    db_query_text(db, "PRAGMA journal_mode = WAL", jm,
		    sizeof(jm)) == -1)
			return (-1);
	} else if (db_query_text(db, "PRAGMA journal_mode", jm,
	    sizeof(jm)) == -1)
		return (-1);
	if (strcmp(jm, "wal") != 0) {
		db_seterr(db, "journal mode is '%s', WAL could not be "
		    "enabled%s", jm, db->mode == DB_OPEN_RO ?
		    " (read-only: run cathedralctl init first)" : "");
		return (-1);
	}
	return (db_exec(db, "PRAGMA synchronous = NORMAL"));
}

/* Open (and with DB_OPEN_RWC create) the database; NULL with err set. */
struct db *
db_open(const char *path, int mode, char *err, size_t errlen)
{
	struct db	*db;
	int		flags;

	switch (mode) {
	case DB_OPEN_RWC:
		if (db_create_file(path, err, errlen) == -1)
			return (NULL);
		flags = SQLITE_OPEN_READWRITE;
		break;
	case DB_OPEN_RW:
		flags = SQLITE_OPEN_READWRITE;
		break;
	case DB_OPEN_RO:
		flags = SQLITE_OPEN_READONLY;
		break;
	default:
		snprintf(err, errlen, "db_open: bad mode %d", mode);
		return (NULL);
	}
	if (db_check_file(path, err, errlen) == -1)
		return (NULL);
	if ((db = calloc(1, sizeof(*db))) == NULL) {
		snprintf(err, errlen, "db_open: out of memory");
		return (NULL);
	}
	db->mode = mode;
	if (sqlite3_open_v2(path, &db->sq, flags | SQLITE_OPEN_NOFOLLOW |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db->sq != NULL ?
		    sqlite3_errmsg(db->sq) : "out of memory");
		db_close(db);
		return (NULL);
	}
	sqlite3_extended_result_codes(db->sq, 1);
	if (db_configure(db) == -1) {
		snprintf(err, errlen, "%s: %s", path, db->err);
		db_close(db);
		return (NULL);
	}
	return (db);
}

/* Close, rolling back anything still open; the last close removes the WAL. */
void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_finalize(db->flush_endpoint);
	sqlite3_finalize(db->flush_counter);
	if (db->sq != NULL)
		sqlite3_close_v2(db->sq);
	free(db);
}

/* The message of the last failure. */
const char *
db_error(const struct db *db)
{
	return (db->err);
}

/* Rows skipped because they failed validation, since the open. */
unsigned long
db_bad_rows(const struct db *db)
{
	return (db->bad_rows);
}

/* Where bad-row warnings go as they happen (the daemon logs them). */
void
db_set_warn(struct db *db, db_warn_fn fn, void *arg)
{
	db->warn = fn;
	db->warn_arg = arg;
}

/* PRAGMA user_version: the last migration applied. */
int
db_user_version(struct db *db, int *version)
{
	int64_t	v;

	if (db_query_int(db, "PRAGMA user_version", &v) == -1)
		return (-1);
	*version = (int)v;
	return (0);
}

/* PRAGMA application_id: ours once migration 1 ran. */
int
db_application_id(struct db *db, uint32_t *id)
{
	int64_t	v;

	if (db_query_int(db, "PRAGMA application_id", &v) == -1)
		return (-1);
	*id = (uint32_t)v;
	return (0);
}

/*
 * PRAGMA data_version changes when another connection commits, so the
 * cathedral polls it every second and reloads only after operator writes.
 */
int
db_data_version(struct db *db, int64_t *version)
{
	return (db_query_int(db, "PRAGMA data_version", version));
}

/*
 * Copy the WAL into the database and truncate it to zero bytes. Returns 1
 * when a reader kept it from completing (retry later), 0 when done.
 */
int
db_checkpoint(struct db *db)
{
	int	log = 0, ckpt = 0, rc;

	rc = sqlite3_wal_checkpoint_v2(db->sq, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &log, &ckpt);
	if (rc == SQLITE_BUSY) {
		db_seterr(db, "checkpoint: busy (%d of %d frames copied)",
		    ckpt, log);
		return (1);
	}
	if (rc != SQLITE_OK)
		return (db_sqlerr(db, "checkpoint"));
	return (0);
}

/* PRAGMA integrity_check must answer exactly "ok". */
int
db_integrity_check(struct db *db)
{
	char	res[256];

	if (db_query_text(db, "PRAGMA integrity_check", res,
	    sizeof(res)) == -1)
		return (-1);
	if (strcmp(res, "ok") != 0) {
		db_seterr(db, "integrity_check: %s", res);
		return (-1);
	}
	return (0);
}

/*
 * Group several administrative writes into one durable transaction (the
 * import's all-or-nothing); each write inside becomes a savepoint.
 */
int
db_begin(struct db *db)
{
	return (db_tx_begin(db, 1));
}

/* Commit what db_begin() opened. */
int
db_commit(struct db *db)
{
	return (db_tx_end(db, 1));
}

/* Undo everything since db_begin(). */
int
db_rollback(struct db *db)
{
	return (db_tx_end(db, 0));
}

/* Who we are, for the messages below. */
static void
db_who(char *buf, size_t len)
{
	snprintf(buf, len, "uid %u", (unsigned int)geteuid());
}

/* A path next to the database (-wal, -shm) must be writable if present. */
static int
db_check_sidecar(const char *path, const char *suffix, char *err,
    size_t errlen)
{
	char		side[4096], who[32];
	struct stat	st;

	if ((size_t)snprintf(side, sizeof(side), "%s%s", path, suffix) >=
	    sizeof(side)) {
		snprintf(err, errlen, "%s: path too long", path);
		return (-1);
	}
	if (lstat(side, &st) == -1) {
		if (errno == ENOENT)
			return (0);
		snprintf(err, errlen, "%s: %s", side, strerror(errno));
		return (-1);
	}
	db_who(who, sizeof(who));
	if (!S_ISREG(st.st_mode) ||
	    faccessat(AT_FDCWD, side, R_OK | W_OK, AT_EACCESS) == -1) {
		snprintf(err, errlen, "%s: not writable by %s (owner uid %u, "
		    "mode %04o); a process running as another user left it: "
		    "chown it to the database owner", side, who,
		    (unsigned int)st.st_uid, (unsigned int)(st.st_mode & 07777));
		return (-1);
	}
	return (0);
}

/*
 * Before the daemon starts: can this user write the database, its -wal and
 * -shm files and the directory SQLite creates them in?
 */
int
db_check_writable(const char *path, char *err, size_t errlen)
{
	char		dirbuf[4096], who[32], *dir;
	struct stat	st;

	if (strlen(path) >= sizeof(dirbuf)) {
		snprintf(err, errlen, "%s: path too long", path);
		return (-1);
	}
	db_who(who, sizeof(who));
	memcpy(dirbuf, path, strlen(path) + 1);
	dir = dirname(dirbuf);
	if (stat(dir, &st) == -1) {
		snprintf(err, errlen, "%s: directory of %s: %s", dir, path,
		    strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory (needed for %s)",
		    dir, path);
		return (-1);
	}
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == -1) {
		snprintf(err, errlen, "%s: directory not writable by %s "
		    "(owner uid %u, mode %04o); SQLite creates %s-wal and "
		    "%s-shm there", dir, who, (unsigned int)st.st_uid,
		    (unsigned int)(st.st_mode & 07777), path, path);
		return (-1);
	}
	if (lstat(path, &st) == -1) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
		    errno == ENOENT ? " (create it with cathedralctl init)" :
		    "");
		return (-1);
	}
	if (db_check_file(path, err, errlen) == -1)
		return (-1);
	if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == -1) {
		snprintf(err, errlen, "%s: not writable by %s (owner uid %u, "
		    "mode %04o)", path, who, (unsigned int)st.st_uid,
		    (unsigned int)(st.st_mode & 07777));
		return (-1);
	}
	if (db_check_sidecar(path, "-wal", err, errlen) == -1 ||
	    db_check_sidecar(path, "-shm", err, errlen) == -1)
		return (-1);
	return (0);
}
