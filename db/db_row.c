/*
 * Validating column reads: a row only leaves the db layer after every
 * column had the type, size and range its struct field needs, whatever the
 * file holds (a damaged page, a row written with checks switched off).
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "db_int.h"

/* Start reading the current row of st. */
void
db_row_init(struct db_row *r, sqlite3_stmt *st)
{
	r->st = st;
	r->why = NULL;
	r->buf[0] = '\0';
}

/* Note the first problem of the row. */
void
db_row_fail(struct db_row *r, const char *fmt, ...)
{
	va_list		ap;

	if (r->why != NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(r->buf, sizeof(r->buf), fmt, ap);
	va_end(ap);
	r->why = r->buf;
}

/* An integer column within [min, max]. */
int64_t
db_row_int(struct db_row *r, int col, int64_t min, int64_t max)
{
	int64_t		v;

	if (sqlite3_column_type(r->st, col) != SQLITE_INTEGER) {
		db_row_fail(r, "column %s is not an integer",
		    sqlite3_column_name(r->st, col));
		return (0);
	}
	v = sqlite3_column_int64(r->st, col);
	if (v < min || v > max) {
		db_row_fail(r, "column %s = %lld out of range",
		    sqlite3_column_name(r->st, col), (long long)v);
		return (0);
	}
	return (v);
}

/* Like db_row_int(), with NULL read as 0. */
int64_t
db_row_int_null(struct db_row *r, int col, int64_t min, int64_t max)
{
	if (sqlite3_column_type(r->st, col) == SQLITE_NULL)
		return (0);
	return (db_row_int(r, col, min, max));
}

/* Any integer, as the unsigned 64-bit value it was bound from. */
uint64_t
db_row_u64(struct db_row *r, int col)
{
	int64_t		s;
	uint64_t	v;

	s = db_row_int(r, col, INT64_MIN, INT64_MAX);
	memcpy(&v, &s, sizeof(v));
	return (v);
}

/* A blob of exactly len bytes copied out. */
void
db_row_blob(struct db_row *r, int col, void *out, size_t len)
{
	const uint8_t	*p;
	size_t		n;

	if ((p = db_row_blob_ptr(r, col, &n)) == NULL || n != len) {
		if (p != NULL)
			db_row_fail(r, "column %s is %zu bytes, expected %zu",
			    sqlite3_column_name(r->st, col), n, len);
		memset(out, 0, len);
		return;
	}
	memcpy(out, p, len);
}

/* A non-empty blob in place (valid until the next step). */
const uint8_t *
db_row_blob_ptr(struct db_row *r, int col, size_t *len)
{
	const void	*p;

	*len = 0;
	if (sqlite3_column_type(r->st, col) != SQLITE_BLOB ||
	    (p = sqlite3_column_blob(r->st, col)) == NULL) {
		db_row_fail(r, "column %s is not a blob",
		    sqlite3_column_name(r->st, col));
		return (NULL);
	}
	*len = (size_t)sqlite3_column_bytes(r->st, col);
	return (p);
}

/* Printable text of at most max bytes ("" on failure). */
const char *
db_row_text(struct db_row *r, int col, size_t max)
{
	const char	*t;

	if (sqlite3_column_type(r->st, col) != SQLITE_TEXT ||
	    (t = (const char *)sqlite3_column_text(r->st, col)) == NULL) {
		db_row_fail(r, "column %s is not text",
		    sqlite3_column_name(r->st, col));
		return ("");
	}
	if ((size_t)sqlite3_column_bytes(r->st, col) != strlen(t) ||
	    !db_text_ok(t, max)) {
		db_row_fail(r, "column %s is not printable text of at most "
		    "%zu bytes", sqlite3_column_name(r->st, col), max);
		return ("");
	}
	return (t);
}

/* The DB_ENDPOINT_COLUMNS starting at col. */
int
db_row_endpoint(struct db_row *r, int col, struct db_endpoint *e)
{
	memset(e, 0, sizeof(*e));
	e->src = db_row_u64(r, col);
	e->dst = db_row_u64(r, col + 1);
	e->tunnel = (uint16_t)db_row_int(r, col + 2, 0, UINT16_MAX);
	e->csid = (uint32_t)db_row_int(r, col + 3, 0, DB_U32_MAX);
	db_row_blob(r, col + 4, e->ip, sizeof(e->ip));
	e->port = (uint16_t)db_row_int(r, col + 5, 0, UINT16_MAX);
	e->federated = (int)db_row_int(r, col + 6, 0, 1);
	e->instance = db_row_u64(r, col + 7);
	e->rx_active = (uint32_t)db_row_int(r, col + 8, 0, DB_U32_MAX);
	e->rx_pending = (uint32_t)db_row_int(r, col + 9, 0, DB_U32_MAX);
	e->ambry_generation = (uint32_t)db_row_int(r, col + 10, 0,
	    DB_U32_MAX);
	db_row_blob(r, col + 11, e->p2p_ip, sizeof(e->p2p_ip));
	e->p2p_port = (uint16_t)db_row_int(r, col + 12, 0, UINT16_MAX);
	e->peerinfo = (uint32_t)db_row_int(r, col + 13, 0, DB_U32_MAX);
	e->direct = (int)db_row_int(r, col + 14, 0, 1);
	e->last_seen = db_row_int(r, col + 15, 0, INT64_MAX);
	e->first_seen = db_row_int(r, col + 16, 0, e->last_seen);
	e->rx_active_seen = db_row_int_null(r, col + 17, 0, INT64_MAX);
	e->rx_pending_seen = db_row_int_null(r, col + 18, 0, INT64_MAX);
	return (r->why == NULL ? 0 : -1);
}
