/*
 * Report queries for the operator tool: nodes with their latest endpoint
 * and relay totals, tunnels, flocks, and the per-minute relay history the
 * HTML chart is drawn from. Read-only; every row validated.
 */

#include <string.h>

#include "db_int.h"

/* Four counter totals starting at col. */
static void
db_row_totals(struct db_row *r, int col, uint64_t *pi, uint64_t *bi,
    uint64_t *po, uint64_t *bo)
{
	*pi = (uint64_t)db_row_int(r, col, 0, INT64_MAX);
	*bi = (uint64_t)db_row_int(r, col + 1, 0, INT64_MAX);
	*po = (uint64_t)db_row_int(r, col + 2, 0, INT64_MAX);
	*bo = (uint64_t)db_row_int(r, col + 3, 0, INT64_MAX);
}

/* The newest bundle of a flock at columns col (generation), col + 1. */
static int
db_row_newest(struct db_row *r, int col, uint32_t *gen, int64_t *expires)
{
	if (sqlite3_column_type(r->st, col) == SQLITE_NULL)
		return (0);
	*gen = (uint32_t)db_row_int(r, col, 0, DB_U32_MAX);
	*expires = db_row_int(r, col + 1, 0, INT64_MAX);
	return (1);
}

/*
 * Every identity with its allow-rule count, its most recently seen
 * endpoint, the relay totals of all its endpoints and its flock's newest
 * bundle.
 */
int
db_report_nodes(struct db *db, db_node_cb cb, void *arg)
{
	struct db_node	 n;
	struct db_row	 r;
	sqlite3_stmt	*st;
	int		 rc = SQLITE_DONE, stop = 0;

	st = db_prepare(db, "SELECT i.id, i.flock, i.csid, i.name, i.revoked, "
	    "i.created, (SELECT count(*) FROM allow_rules a WHERE "
	    "a.identity = i.id), e.id, " DB_ENDPOINT_COLUMNS ", "
	    "coalesce(t.pi, 0), coalesce(t.bi, 0), coalesce(t.po, 0), "
	    "coalesce(t.bo, 0), nb.generation, nb.expires_at "
	    "FROM identities i "
	    "LEFT JOIN endpoints e ON e.id = (SELECT x.id FROM endpoints x "
	    "WHERE x.flock = i.flock AND x.csid = i.csid ORDER BY "
	    "x.last_seen DESC, x.id DESC LIMIT 1) "
	    "LEFT JOIN (SELECT x.flock AS flock, x.csid AS csid, "
	    "sum(m.pkts_in) AS pi, sum(m.bytes_in) AS bi, sum(m.pkts_out) AS "
	    "po, sum(m.bytes_out) AS bo FROM endpoints x JOIN relay_minutes m "
	    "ON m.endpoint = x.id GROUP BY x.flock, x.csid) t ON "
	    "t.flock = i.flock AND t.csid = i.csid "
	    "LEFT JOIN ambry_bundles nb ON nb.id = (SELECT max(c.id) FROM "
	    "ambry_bundles c WHERE c.flock_a = i.flock AND "
	    "c.flock_b = i.flock) ORDER BY i.flock, i.csid");
	if (st == NULL)
		return (-1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&n, 0, sizeof(n));
		db_row_init(&r, st);
		n.flock = db_row_u64(&r, 1);
		n.csid = (uint32_t)db_row_int(&r, 2, 0, DB_U32_MAX);
		n.name = db_row_text(&r, 3, DB_NAME_MAX);
		n.revoked = (int)db_row_int(&r, 4, 0, 1);
		n.created = db_row_int(&r, 5, 0, INT64_MAX);
		n.npeers = (size_t)db_row_int(&r, 6, 0, DB_PEERS);
		if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
			n.has_endpoint = 1;
			(void)db_row_endpoint(&r, 8, &n.ep);
		}
		db_row_totals(&r, 8 + DB_ENDPOINT_NCOLUMNS, &n.pkts_in,
		    &n.bytes_in, &n.pkts_out, &n.bytes_out);
		n.has_bundle = db_row_newest(&r, 12 + DB_ENDPOINT_NCOLUMNS,
		    &n.bundle_generation, &n.bundle_expires_at);
		if (r.why != NULL)
			db_bad_row(db, "identities",
			    sqlite3_column_int64(st, 0), r.why);
		else
			stop = cb(arg, &n) != 0;
	}
	return (db_loop_end(db, st, rc, stop, "node report"));
}

/* Every tunnel endpoint with its relay totals. */
int
db_report_tunnels(struct db *db, db_tunnel_cb cb, void *arg)
{
	struct db_tunnel	 t;
	struct db_row		 r;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE, stop = 0;

	st = db_prepare(db, "SELECT e.id, " DB_ENDPOINT_COLUMNS ", "
	    "coalesce(sum(m.pkts_in), 0), coalesce(sum(m.bytes_in), 0), "
	    "coalesce(sum(m.pkts_out), 0), coalesce(sum(m.bytes_out), 0) "
	    "FROM endpoints e LEFT JOIN relay_minutes m ON m.endpoint = e.id "
	    "GROUP BY e.id ORDER BY e.src, e.dst, e.tunnel");
	if (st == NULL)
		return (-1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_row_init(&r, st);
		(void)db_row_endpoint(&r, 1, &t.ep);
		db_row_totals(&r, 1 + DB_ENDPOINT_NCOLUMNS, &t.pkts_in,
		    &t.bytes_in, &t.pkts_out, &t.bytes_out);
		if (r.why != NULL)
			db_bad_row(db, "endpoints",
			    sqlite3_column_int64(st, 0), r.why);
		else
			stop = cb(arg, &t) != 0;
	}
	return (db_loop_end(db, st, rc, stop, "tunnel report"));
}

/* Every flock with its counts and newest bundle. */
int
db_report_flocks(struct db *db, db_flock_report_cb cb, void *arg)
{
	struct db_flock_report	 f;
	struct db_row		 r;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE, stop = 0;

	st = db_prepare(db, "SELECT f.id, f.descr, f.created, "
	    "(SELECT count(*) FROM identities i WHERE i.flock = f.id), "
	    "(SELECT count(*) FROM identities i WHERE i.flock = f.id AND "
	    "i.revoked = 1), "
	    "(SELECT count(*) FROM allow_rules a JOIN identities i ON "
	    "a.identity = i.id WHERE i.flock = f.id), "
	    "(SELECT count(*) FROM endpoints e WHERE e.flock = f.id), "
	    "nb.generation, nb.expires_at, "
	    "(SELECT count(*) FROM ambry_bundles c WHERE c.flock_a = f.id AND "
	    "c.flock_b = f.id) FROM flocks f LEFT JOIN ambry_bundles nb ON "
	    "nb.id = (SELECT max(c.id) FROM ambry_bundles c WHERE "
	    "c.flock_a = f.id AND c.flock_b = f.id) ORDER BY f.id");
	if (st == NULL)
		return (-1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&f, 0, sizeof(f));
		db_row_init(&r, st);
		f.id = db_row_u64(&r, 0);
		f.descr = db_row_text(&r, 1, DB_DESCR_MAX);
		f.created = db_row_int(&r, 2, 0, INT64_MAX);
		f.identities = (size_t)db_row_int(&r, 3, 0, INT64_MAX);
		f.revoked = (size_t)db_row_int(&r, 4, 0, INT64_MAX);
		f.allow_rules = (size_t)db_row_int(&r, 5, 0, INT64_MAX);
		f.endpoints = (size_t)db_row_int(&r, 6, 0, INT64_MAX);
		f.has_bundle = db_row_newest(&r, 7, &f.bundle_generation,
		    &f.bundle_expires_at);
		f.bundles = (size_t)db_row_int(&r, 9, 0, INT64_MAX);
		if (r.why != NULL)
			db_bad_row(db, "flocks", sqlite3_column_int64(st, 0),
			    r.why);
		else
			stop = cb(arg, &f) != 0;
	}
	return (db_loop_end(db, st, rc, stop, "flock report"));
}

/* Per-minute relay rows with from <= minute < to, oldest first. */
int
db_report_history(struct db *db, int64_t from, int64_t to, db_history_cb cb,
    void *arg)
{
	struct db_history	 h;
	struct db_row		 r;
	sqlite3_stmt		*st;
	int			 rc = SQLITE_DONE, stop = 0;

	st = db_prepare(db, "SELECT m.rowid, e.src, e.dst, e.tunnel, e.csid, "
	    "m.minute, m.pkts_in, m.bytes_in, m.pkts_out, m.bytes_out FROM "
	    "relay_minutes m JOIN endpoints e ON e.id = m.endpoint WHERE "
	    "m.minute >= ? AND m.minute < ? ORDER BY m.minute, e.src, e.dst, "
	    "e.tunnel");
	if (st == NULL)
		return (-1);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_row_init(&r, st);
		h.src = db_row_u64(&r, 1);
		h.dst = db_row_u64(&r, 2);
		h.tunnel = (uint16_t)db_row_int(&r, 3, 0, UINT16_MAX);
		h.csid = (uint32_t)db_row_int(&r, 4, 0, DB_U32_MAX);
		h.minute = db_row_int(&r, 5, 0, INT64_MAX);
		db_row_totals(&r, 6, &h.pkts_in, &h.bytes_in, &h.pkts_out,
		    &h.bytes_out);
		if (r.why == NULL && h.minute % 60 != 0)
			db_row_fail(&r, "minute is not a multiple of 60");
		if (r.why != NULL)
			db_bad_row(db, "relay_minutes",
			    sqlite3_column_int64(st, 0), r.why);
		else
			stop = cb(arg, &h) != 0;
	}
	return (db_loop_end(db, st, rc, stop, "history report"));
}
