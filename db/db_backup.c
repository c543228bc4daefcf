/*
 * An online copy of the database through SQLite's backup interface. The
 * whole copy is one backup step, that is one read transaction on the
 * source: in WAL mode the cathedral keeps writing meanwhile and the copy is
 * the consistent state of one moment. The copy is created 0600 exclusively
 * and checked with integrity_check before it is kept.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "db_int.h"

#define DB_BACKUP_RETRY_MS	10	/* sleep while the source is busy */

/* PRAGMA integrity_check on the copy must say "ok" and nothing else. */
static int
db_backup_check(struct db *db, sqlite3 *dst, const char *path)
{
	sqlite3_stmt		*st;
	const unsigned char	*t;
	int			 rc, ret = -1;

	if (sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK) {
		db_seterr(db, "backup %s: %s", path, sqlite3_errmsg(dst));
		return (-1);
	}
	rc = sqlite3_step(st);
	t = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
	if (t != NULL && strcmp((const char *)t, "ok") == 0 &&
	    sqlite3_step(st) == SQLITE_DONE)
		ret = 0;
	else
		db_seterr(db, "backup %s: integrity check failed: %s", path,
		    t != NULL ? (const char *)t : sqlite3_errmsg(dst));
	sqlite3_finalize(st);
	return (ret);
}

/* Copy every page in one step, waiting while the source is locked. */
static int
db_backup_copy(struct db *db, sqlite3 *dst, const char *path)
{
	sqlite3_backup	*bk;
	int		 rc, waited = 0;

	if ((bk = sqlite3_backup_init(dst, "main", db->sq, "main")) == NULL) {
		db_seterr(db, "backup %s: %s", path, sqlite3_errmsg(dst));
		return (-1);
	}
	while ((rc = sqlite3_backup_step(bk, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED) {
		if (waited >= DB_BUSY_TIMEOUT_MS)
			break;
		sqlite3_sleep(DB_BACKUP_RETRY_MS);
		waited += DB_BACKUP_RETRY_MS;
	}
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		db_seterr(db, "backup %s: %s", path, sqlite3_errstr(rc));
		return (-1);
	}
	return (0);
}

/* Remove a failed copy and any journal SQLite left next to it. */
static void
db_backup_remove(const char *path)
{
	static const char *const	suffix[] = { "-journal", "-wal",
	    "-shm" };
	char				side[4096];
	size_t				i;

	(void)unlink(path);
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		if ((size_t)snprintf(side, sizeof(side), "%s%s", path,
		    suffix[i]) < sizeof(side))
			(void)unlink(side);
	}
}

/*
 * Write a consistent copy of the open database to path, which must not
 * exist. On any failure nothing is left at path.
 */
int
db_backup(struct db *db, const char *path)
{
	sqlite3		*dst = NULL;
	int		 fd, ret = -1;

	if (db->depth != 0) {
		db_seterr(db, "backup: inside a transaction");
		return (-1);
	}
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		db_seterr(db, "backup %s: %s", path, strerror(errno));
		return (-1);
	}
	if (fchmod(fd, 0600) == -1) {
		db_seterr(db, "backup %s: fchmod: %s", path, strerror(errno));
		close(fd);
		db_backup_remove(path);
		return (-1);
	}
	close(fd);
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		db_seterr(db, "backup %s: %s", path, dst != NULL ?
		    sqlite3_errmsg(dst) : "out of memory");
	else if (db_backup_copy(db, dst, path) == 0 &&
	    db_backup_check(db, dst, path) == 0)
		ret = 0;
	if (sqlite3_close(dst) != SQLITE_OK && ret == 0) {
		db_seterr(db, "backup %s: close failed", path);
		ret = -1;
	}
	if (ret == -1)
		db_backup_remove(path);
	return (ret);
}
