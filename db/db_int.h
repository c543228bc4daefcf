/*
 * Private to db/: the connection, error and transaction helpers, and the
 * row reader that validates every column before a row leaves the layer.
 */
#ifndef SANCTUM_DB_INT_H
#define SANCTUM_DB_INT_H

#include <sqlite3.h>

#include "db.h"

#define DB_ERR_LEN	512

struct db {
	sqlite3		*sq;
	int		mode;
	int		depth;		/* open transactions and savepoints */
	unsigned long	bad_rows;
	db_warn_fn	warn;
	void		*warn_arg;
	int64_t		fixed_now;	/* pinned by the test hooks; 0 = wall */
	sqlite3_stmt	*flush_endpoint;	/* reused by every flush */
	sqlite3_stmt	*flush_counter;
	char		err[DB_ERR_LEN];
};

/* One row being read: the first problem found, NULL while it is fine. */
struct db_row {
	sqlite3_stmt	*st;
	const char	*why;
	char		buf[160];
};

/* db.c */
void		 db_seterr(struct db *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 db_sqlerr(struct db *, const char *what);
int		 db_exec(struct db *, const char *sql);
sqlite3_stmt	*db_prepare(struct db *, const char *sql);
int		 db_step_done(struct db *, sqlite3_stmt *, const char *what);
int64_t		 db_now(const struct db *);
int		 db_tx_begin(struct db *, int durable);
int		 db_tx_end(struct db *, int ok);
int		 db_tx_done(struct db *, int ret);
int		 db_loop_end(struct db *, sqlite3_stmt *, int rc, int stopped,
		    const char *what);
void		 db_bad_row(struct db *, const char *table, int64_t rowid,
		    const char *why);
int		 db_bind_u64(sqlite3_stmt *, int, uint64_t);
int		 db_bind_text(sqlite3_stmt *, int, const char *);
int		 db_text_ok(const char *, size_t max);

/* db_row.c */
void		 db_row_init(struct db_row *, sqlite3_stmt *);
int64_t		 db_row_int(struct db_row *, int col, int64_t min,
		    int64_t max);
int64_t		 db_row_int_null(struct db_row *, int col, int64_t min,
		    int64_t max);
uint64_t	 db_row_u64(struct db_row *, int col);
void		 db_row_blob(struct db_row *, int col, void *out, size_t len);
const uint8_t	*db_row_blob_ptr(struct db_row *, int col, size_t *len);
const char	*db_row_text(struct db_row *, int col, size_t max);
void		 db_row_fail(struct db_row *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int		 db_row_endpoint(struct db_row *, int col,
		    struct db_endpoint *);

/* db_admin.c */
int		 db_need_flock(struct db *, uint64_t flock);

/* db_audit.c */
int		 db_audit(struct db *, const char *actor, const char *action,
		    const char *object, const char *fmt, ...)
		    __attribute__((format(printf, 5, 6)));

/* Columns db_row_endpoint() reads, in its order, for SELECT lists. */
#define DB_ENDPOINT_COLUMNS						\
	"e.src, e.dst, e.tunnel, e.csid, e.ip, e.port, e.federated, "	\
	"e.instance, e.rx_active, e.rx_pending, e.ambry_generation, "	\
	"e.p2p_ip, e.p2p_port, e.peerinfo, e.direct, e.last_seen, "	\
	"e.first_seen, e.rx_active_seen, e.rx_pending_seen"
#define DB_ENDPOINT_NCOLUMNS	19

#define DB_U32_MAX	4294967295LL

#endif
