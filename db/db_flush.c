/*
 * The cathedral's runtime flush, at most once a second: endpoint upserts
 * and per-minute relay counter increments in ONE transaction with two
 * statements prepared once per connection. synchronous=NORMAL: a power cut
 * may lose the last flush, never the database.
 */

#include <stdio.h>

#include "db_int.h"

/* Upsert by tunnel key; an SPI's first-seen time follows it from pending. */
static const char	*const flush_endpoint_sql =
	"INSERT INTO endpoints (src, dst, tunnel, flock, csid, ip, port, "
	"federated, instance, rx_active, rx_active_seen, rx_pending, "
	"rx_pending_seen, ambry_generation, p2p_ip, p2p_port, peerinfo, "
	"direct, first_seen, last_seen) VALUES (?1, ?2, ?3, ?1 & -256, ?4, "
	"?5, ?6, ?7, ?8, ?9, CASE WHEN ?9 = 0 THEN NULL ELSE ?16 END, ?10, "
	"CASE WHEN ?10 = 0 THEN NULL ELSE ?16 END, ?11, ?12, ?13, ?14, ?15, "
	"?16, ?16) "
	"ON CONFLICT (src, dst, tunnel) DO UPDATE SET "
	"csid = excluded.csid, ip = excluded.ip, port = excluded.port, "
	"federated = excluded.federated, instance = excluded.instance, "
	"rx_active_seen = CASE WHEN excluded.rx_active = 0 THEN NULL "
	"WHEN excluded.rx_active = rx_active THEN rx_active_seen "
	"WHEN excluded.rx_active = rx_pending THEN rx_pending_seen "
	"ELSE excluded.last_seen END, "
	"rx_active = excluded.rx_active, "
	"rx_pending_seen = CASE WHEN excluded.rx_pending = 0 THEN NULL "
	"WHEN excluded.rx_pending = rx_pending THEN rx_pending_seen "
	"WHEN excluded.rx_pending = rx_active THEN rx_active_seen "
	"ELSE excluded.last_seen END, "
	"rx_pending = excluded.rx_pending, "
	"ambry_generation = excluded.ambry_generation, "
	"p2p_ip = excluded.p2p_ip, p2p_port = excluded.p2p_port, "
	"peerinfo = excluded.peerinfo, direct = excluded.direct, "
	"last_seen = max(last_seen, excluded.last_seen)";

/* Counters add into the row of their minute. */
static const char	*const flush_counter_sql =
	"INSERT INTO relay_minutes (endpoint, minute, pkts_in, bytes_in, "
	"pkts_out, bytes_out) SELECT id, ?4, ?5, ?6, ?7, ?8 FROM endpoints "
	"WHERE src = ?1 AND dst = ?2 AND tunnel = ?3 "
	"ON CONFLICT (endpoint, minute) DO UPDATE SET "
	"pkts_in = pkts_in + excluded.pkts_in, "
	"bytes_in = bytes_in + excluded.bytes_in, "
	"pkts_out = pkts_out + excluded.pkts_out, "
	"bytes_out = bytes_out + excluded.bytes_out";

/* Prepare a statement once for the life of the connection. */
static sqlite3_stmt *
db_persistent(struct db *db, sqlite3_stmt **slot, const char *sql)
{
	if (*slot == NULL && sqlite3_prepare_v3(db->sq, sql, -1,
	    SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
		db_sqlerr(db, "flush: prepare");
		*slot = NULL;
	}
	return (*slot);
}

/* Report one skipped update through the warning callback. */
static void
db_flush_skip(struct db *db, const char *what, uint64_t src, uint64_t dst,
    uint16_t tunnel, const char *why)
{
	char	msg[DB_ERR_LEN];

	snprintf(msg, sizeof(msg), "flush: %s %llx-%llx:%04x skipped: %s",
	    what, (unsigned long long)src, (unsigned long long)dst, tunnel,
	    why);
	if (db->warn != NULL)
		db->warn(db->warn_arg, msg);
}

/*
 * Run one prepared upsert: 0 done, 1 refused by a constraint (only that
 * statement is undone, the transaction goes on), -1 failed.
 */
static int
db_flush_step(struct db *db, sqlite3_stmt *st, const char **why)
{
	int	rc;

	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return (0);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		*why = sqlite3_errmsg(db->sq);
		return (1);
	}
	db_sqlerr(db, "flush");
	return (-1);
}

/* Write one endpoint; 1 when it was refused. */
static int
db_flush_endpoint(struct db *db, sqlite3_stmt *st, const struct db_endpoint *e)
{
	const char	*why = "last_seen is negative";
	int		 rc;

	if (e->last_seen < 0) {
		db_flush_skip(db, "endpoint", e->src, e->dst, e->tunnel, why);
		return (1);
	}
	db_bind_u64(st, 1, e->src);
	db_bind_u64(st, 2, e->dst);
	sqlite3_bind_int(st, 3, e->tunnel);
	sqlite3_bind_int64(st, 4, e->csid);
	sqlite3_bind_blob(st, 5, e->ip, sizeof(e->ip), SQLITE_STATIC);
	sqlite3_bind_int(st, 6, e->port);
	sqlite3_bind_int(st, 7, e->federated != 0);
	db_bind_u64(st, 8, e->instance);
	sqlite3_bind_int64(st, 9, e->rx_active);
	sqlite3_bind_int64(st, 10, e->rx_pending);
	sqlite3_bind_int64(st, 11, e->ambry_generation);
	sqlite3_bind_blob(st, 12, e->p2p_ip, sizeof(e->p2p_ip), SQLITE_STATIC);
	sqlite3_bind_int(st, 13, e->p2p_port);
	sqlite3_bind_int64(st, 14, e->peerinfo);
	sqlite3_bind_int(st, 15, e->direct != 0);
	sqlite3_bind_int64(st, 16, e->last_seen);
	if ((rc = db_flush_step(db, st, &why)) == 1)
		db_flush_skip(db, "endpoint", e->src, e->dst, e->tunnel, why);
	return (rc);
}

/* Add one minute of counters; 1 when refused (no endpoint, bad value). */
static int
db_flush_counter(struct db *db, sqlite3_stmt *st, const struct db_counter *c)
{
	const char	*why = "counter or minute out of range";
	int		 rc;

	if (c->minute < 0 || c->minute % 60 != 0 ||
	    c->pkts_in > INT64_MAX || c->bytes_in > INT64_MAX ||
	    c->pkts_out > INT64_MAX || c->bytes_out > INT64_MAX) {
		db_flush_skip(db, "counter", c->src, c->dst, c->tunnel, why);
		return (1);
	}
	db_bind_u64(st, 1, c->src);
	db_bind_u64(st, 2, c->dst);
	sqlite3_bind_int(st, 3, c->tunnel);
	sqlite3_bind_int64(st, 4, c->minute);
	sqlite3_bind_int64(st, 5, (int64_t)c->pkts_in);
	sqlite3_bind_int64(st, 6, (int64_t)c->bytes_in);
	sqlite3_bind_int64(st, 7, (int64_t)c->pkts_out);
	sqlite3_bind_int64(st, 8, (int64_t)c->bytes_out);
	if ((rc = db_flush_step(db, st, &why)) == 0 &&
	    sqlite3_changes(db->sq) == 0) {
		why = "no such endpoint";
		rc = 1;
	}
	if (rc == 1)
		db_flush_skip(db, "counter", c->src, c->dst, c->tunnel, why);
	return (rc);
}

/*
 * One flush in one transaction. Returns how many updates were refused
 * (each reported through the warning callback), or -1 when nothing was
 * written.
 */
int
db_flush(struct db *db, const struct db_flush *f)
{
	sqlite3_stmt	*ep, *ctr, *st;
	size_t		 i;
	int		 rc, skipped = 0;

	if ((ep = db_persistent(db, &db->flush_endpoint,
	    flush_endpoint_sql)) == NULL ||
	    (ctr = db_persistent(db, &db->flush_counter,
	    flush_counter_sql)) == NULL)
		return (-1);
	if (db_tx_begin(db, 0) == -1)
		return (-1);
	for (i = 0; i < f->nendpoints; i++) {
		if ((rc = db_flush_endpoint(db, ep, &f->endpoints[i])) == -1)
			goto fail;
		skipped += rc;
	}
	for (i = 0; i < f->ncounters; i++) {
		if ((rc = db_flush_counter(db, ctr, &f->counters[i])) == -1)
			goto fail;
		skipped += rc;
	}
	if (f->history_before > 0) {
		if ((st = db_prepare(db, "DELETE FROM relay_minutes WHERE "
		    "minute < ?")) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, f->history_before);
		rc = db_step_done(db, st, "flush: history prune");
		sqlite3_finalize(st);
		if (rc == -1)
			goto fail;
	}
	if (db_tx_end(db, 1) == -1)
		return (-1);
	return (skipped);
fail:
	(void)db_tx_end(db, 0);
	return (-1);
}
