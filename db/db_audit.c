/*
 * The audit log: one append-only row per administrative change, written in
 * the transaction of the change itself so neither exists without the other.
 */

#include <stdarg.h>
#include <stdio.h>

#include "db_int.h"

/* Append one audit row inside the caller's transaction. */
int
db_audit(struct db *db, const char *actor, const char *action,
    const char *object, const char *fmt, ...)
{
	sqlite3_stmt	*st;
	char		 detail[DB_DETAIL_MAX + 1];
	va_list		 ap;
	size_t		 i;
	int		 ret;

	if (actor == NULL || actor[0] == '\0' ||
	    !db_text_ok(actor, DB_ACTOR_MAX) ||
	    !db_text_ok(object, DB_OBJECT_MAX)) {
		db_seterr(db, "audit: actor and object must be printable "
		    "text (actor 1..%d, object up to %d bytes)", DB_ACTOR_MAX,
		    DB_OBJECT_MAX);
		return (-1);
	}
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* Paths and names may hold anything; the log holds printable text. */
	for (i = 0; detail[i] != '\0'; i++) {
		if (detail[i] < ' ' || detail[i] > '~')
			detail[i] = '?';
	}
	st = db_prepare(db, "INSERT INTO audit (at, actor, action, object, "
	    "detail) VALUES (?, ?, ?, ?, ?)");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, db_now(db));
	db_bind_text(st, 2, actor);
	db_bind_text(st, 3, action);
	db_bind_text(st, 4, object);
	db_bind_text(st, 5, detail);
	ret = db_step_done(db, st, "audit");
	sqlite3_finalize(st);
	return (ret);
}

/* An audit-only event (an import, a backup) in its own transaction. */
int
db_audit_note(struct db *db, const char *actor, const char *action,
    const char *object, const char *detail)
{
	if (db_tx_begin(db, 1) == -1)
		return (-1);
	if (db_audit(db, actor, action, object, "%s", detail) == -1) {
		(void)db_tx_end(db, 0);
		return (-1);
	}
	return (db_tx_end(db, 1));
}

/* Audit rows after after_id, oldest first, at most limit (0 = all). */
int
db_audit_list(struct db *db, int64_t after_id, size_t limit, db_audit_cb cb,
    void *arg)
{
	struct db_audit	 a;
	struct db_row	 r;
	sqlite3_stmt	*st;
	int		 rc, ret = 0;

	st = db_prepare(db, "SELECT id, at, actor, action, object, detail "
	    "FROM audit WHERE id > ? ORDER BY id LIMIT ?");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, after_id);
	sqlite3_bind_int64(st, 2, limit == 0 ? -1 : (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_row_init(&r, st);
		a.id = db_row_int(&r, 0, 1, INT64_MAX);
		a.at = db_row_int(&r, 1, 0, INT64_MAX);
		a.actor = db_row_text(&r, 2, DB_ACTOR_MAX);
		a.action = db_row_text(&r, 3, 32);
		a.object = db_row_text(&r, 4, DB_OBJECT_MAX);
		a.detail = db_row_text(&r, 5, DB_DETAIL_MAX);
		if (r.why == NULL && (a.actor[0] == '\0' ||
		    a.action[0] == '\0'))
			db_row_fail(&r, "empty actor or action");
		if (r.why != NULL) {
			db_bad_row(db, "audit", sqlite3_column_int64(st, 0), r.why);
			continue;
		}
		if (cb(arg, &a) != 0) {
			db_seterr(db, "audit list: stopped by the callback");
			ret = -1;
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_sqlerr(db, "audit list");
	sqlite3_finalize(st);
	return (ret);
}
