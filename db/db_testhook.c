/*
 * Test-only hooks (see db_test.h). Not part of the sanctum_db library.
 */

#include <stdio.h>
#include <unistd.h>

#include "db_int.h"
#include "db_test.h"

static int	crash_version;
static int	crash_step;

/* Called before each statement of a migration: die there if asked to. */
void
db_test_migration_step(int version, int step)
{
	if (version == crash_version && step == crash_step)
		_exit(99);
}

/* Make the process exit abruptly before statement `step` of `version`. */
void
db_test_crash_at(int version, int step)
{
	crash_version = version;
	crash_step = step;
}

/* Pin the clock the db layer stamps rows with (0 = wall clock again). */
void
db_test_set_clock(struct db *db, int64_t now)
{
	db->fixed_now = now;
}

/* Run raw SQL on the connection. */
int
db_test_exec(struct db *db, const char *sql)
{
	return (db_exec(db, sql));
}

/* The first column of the first row of a query, as text ("" if NULL). */
int
db_test_query(struct db *db, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt		*st;
	const unsigned char	*t;
	int			 rc;

	if ((st = db_prepare(db, sql)) == NULL)
		return (-1);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return (rc == SQLITE_DONE ? 1 : db_sqlerr(db, sql));
	}
	t = sqlite3_column_text(st, 0);
	snprintf(buf, len, "%s", t != NULL ? (const char *)t : "");
	sqlite3_finalize(st);
	return (0);
}
