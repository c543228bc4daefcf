/*
 * The cathedral's durable state in SQLite (docs/database.md): schema and
 * migrations, hot-state loading, the once-a-second runtime flush, the
 * administrative writes with their audit rows, and report queries.
 * Only db/ includes sqlite3.h; everything else sees these typed calls.
 *
 * Every function returns -1 on error with a message from db_error(). Every
 * row read is validated; a bad row is skipped, counted (db_bad_rows()) and
 * reported through the warning callback with its table and rowid.
 *
 * Flock values are 64-bit (stored as the same bit pattern in a signed
 * SQLite integer); IPv4 addresses are 4 bytes as in a sockaddr_in (a.b.c.d
 * in that order); ports are host-order numbers; times are unix seconds.
 */
#ifndef SANCTUM_DB_H
#define SANCTUM_DB_H

#include <stddef.h>
#include <stdint.h>

#define DB_SCHEMA_VERSION	4		/* latest migration */
#define DB_APPLICATION_ID	0x53434442	/* "SCDB" in the file header */
#define DB_BUSY_TIMEOUT_MS	5000		/* wait for the other writer */
#define DB_JOURNAL_LIMIT	(16 * 1024 * 1024)	/* WAL kept after reset */

/* db_open() modes. */
#define DB_OPEN_RWC		1	/* read-write, create a new file 0600 */
#define DB_OPEN_RW		2	/* read-write, the file must exist */
#define DB_OPEN_RO		3	/* read-only */

/* Results of the idempotent administrative adds (besides -1). */
#define DB_ADDED		0	/* the row was written */
#define DB_PRESENT		1	/* an identical row was already there */
#define DB_RULE_ADDED		2	/* identity there, its allow rule added */

#define DB_NAME_MAX		64	/* identity and token names */
#define DB_DESCR_MAX		128	/* flock descriptions */
#define DB_ACTOR_MAX		64	/* audit actor */
#define DB_OBJECT_MAX		128	/* audit object */
#define DB_DETAIL_MAX		1024	/* audit detail */
#define DB_PEERS		255	/* peer ids 1..255 */
#define DB_FEDERATION_MAX	32	/* 31 peers plus this cathedral */
#define DB_BUNDLES_KEPT		2	/* generations kept per flock pair */
#define DB_TOKEN_LOOKUP_LEN	16	/* public token handle */
#define DB_TOKEN_VERIFIER_LEN	32	/* non-invertible token verifier */
#define DB_TOKEN_SEALED_MAX	1024	/* sealed enrollment material */

struct db;

/* A flock (id with domain byte 0). */
struct db_flock {
	uint64_t	id;
	const char	*descr;
	int64_t		created;
};

/* One allow rule of an identity: peer id and bandwidth (0 = unlimited). */
struct db_allow {
	uint8_t		peer;
	uint32_t	mbit;
};

/* An identity with its allow rules; secret is wiped after the callback. */
struct db_identity {
	uint64_t	flock;
	uint32_t	csid;
	uint8_t		secret[32];
	uint8_t		cosk_pub[32];
	const char	*name;
	int		revoked;
	int64_t		created;
	int64_t		updated;
	size_t		nallow;
	struct db_allow	allow[DB_PEERS];
};

/* A cross-flock rule; flock_a < flock_b (unsigned). */
struct db_xflock {
	uint64_t	flock_a;
	uint64_t	flock_b;
	int64_t		created;
};

/* A federation peer. */
struct db_federation {
	uint8_t		ip[4];
	uint16_t	port;
	int64_t		created;
};

/* An ambry bundle; content is valid only during the callback. */
struct db_bundle {
	uint64_t	flock_a;
	uint64_t	flock_b;
	uint32_t	generation;
	uint16_t	expires;	/* days since AMBRY_EPOCH */
	int64_t		expires_at;	/* unix time of that day */
	int64_t		created;
	const uint8_t	*content;
	size_t		len;
};

/* A new identity and its first allow rule. */
struct db_identity_new {
	uint64_t	flock;
	uint32_t	csid;
	uint8_t		secret[32];
	uint8_t		cosk_pub[32];
	const char	*name;
	uint8_t		peer;
	uint32_t	mbit;
};

/*
 * A tunnel endpoint as the cathedral last saw it (cathedral.md 3.3), keyed
 * by (src, dst, tunnel). SPIs are the INFO values; direct is 1 when the
 * last INFO reply pointed the node at its peer rather than the cathedral.
 */
struct db_endpoint {
	uint64_t	src;
	uint64_t	dst;
	uint16_t	tunnel;
	uint32_t	csid;
	uint8_t		ip[4];
	uint16_t	port;
	int		federated;
	uint64_t	instance;
	uint32_t	rx_active;
	uint32_t	rx_pending;
	uint32_t	ambry_generation;
	uint8_t		p2p_ip[4];
	uint16_t	p2p_port;
	uint32_t	peerinfo;
	int		direct;
	int64_t		last_seen;
	/* Filled by reads only. */
	int64_t		first_seen;
	int64_t		rx_active_seen;		/* 0 when rx_active is 0 */
	int64_t		rx_pending_seen;
};

/* Relay counters of one tunnel for one minute; "in" = from the node. */
struct db_counter {
	uint64_t	src;
	uint64_t	dst;
	uint16_t	tunnel;
	int64_t		minute;		/* unix time, a multiple of 60 */
	uint64_t	pkts_in;
	uint64_t	bytes_in;
	uint64_t	pkts_out;
	uint64_t	bytes_out;
};

/* One runtime flush: everything in one transaction. */
struct db_flush {
	const struct db_endpoint	*endpoints;
	size_t				nendpoints;
	const struct db_counter		*counters;
	size_t				ncounters;
	int64_t				history_before;	/* prune older; 0 = keep */
};

/* A new enrollment token: only its verifiers, never the token. */
struct db_token_new {
	uint8_t		lookup[DB_TOKEN_LOOKUP_LEN];
	uint8_t		verifier[DB_TOKEN_VERIFIER_LEN];
	uint64_t	flock;
	uint8_t		peer;
	const char	*name;
	const char	*mode;		/* tunnel, pilgrim, shrine, liturgy */
	int		kek;		/* 1 = the node gets ambries */
	uint32_t	mbit;
	int64_t		expires;
};

/* What a redeemed token grants. */
struct db_token {
	uint64_t	flock;
	uint8_t		peer;
	char		name[DB_NAME_MAX + 1];
	char		mode[16];
	int		kek;
	uint32_t	mbit;
};

/* A token as the cathedral serves it; name and sealed valid in the callback. */
struct db_token_live {
	uint8_t		lookup[DB_TOKEN_LOOKUP_LEN];
	uint8_t		verifier[DB_TOKEN_VERIFIER_LEN];
	uint64_t	flock;
	uint8_t		peer;
	const char	*name;
	uint32_t	mbit;
	int64_t		expires;
	uint32_t	used_csid;	/* 0 while unused */
	const uint8_t	*sealed;
	size_t		sealed_len;
};

enum db_token_status {
	DB_TOKEN_OK = 0,
	DB_TOKEN_UNKNOWN,	/* no such lookup or wrong verifier */
	DB_TOKEN_USED,		/* redeemed before */
	DB_TOKEN_EXPIRED,	/* past its expiry */
	DB_TOKEN_ERROR		/* database error */
};

/* Report: an identity with its latest endpoint and its relay totals. */
struct db_node {
	uint64_t		flock;
	uint32_t		csid;
	const char		*name;
	int			revoked;
	int64_t			created;
	size_t			npeers;		/* allow rules */
	int			has_endpoint;
	struct db_endpoint	ep;
	uint64_t		pkts_in, bytes_in, pkts_out, bytes_out;
	int			has_bundle;	/* newest bundle of the flock */
	uint32_t		bundle_generation;
	int64_t			bundle_expires_at;
};

/* Report: a tunnel endpoint with its relay totals. */
struct db_tunnel {
	struct db_endpoint	ep;
	uint64_t		pkts_in, bytes_in, pkts_out, bytes_out;
};

/* Report: a flock with its counts and newest bundle. */
struct db_flock_report {
	uint64_t	id;
	const char	*descr;
	int64_t		created;
	size_t		identities;
	size_t		revoked;
	size_t		allow_rules;
	size_t		endpoints;
	int		has_bundle;
	uint32_t	bundle_generation;
	int64_t		bundle_expires_at;
	size_t		bundles;
};

/* Report: one per-minute history row of a tunnel. */
struct db_history {
	uint64_t	src;
	uint64_t	dst;
	uint16_t	tunnel;
	uint32_t	csid;
	int64_t		minute;
	uint64_t	pkts_in, bytes_in, pkts_out, bytes_out;
};

/* One audit event. */
struct db_audit {
	int64_t		id;
	int64_t		at;
	const char	*actor;
	const char	*action;
	const char	*object;
	const char	*detail;
};

typedef int	(*db_flock_cb)(void *, const struct db_flock *);
typedef int	(*db_identity_cb)(void *, const struct db_identity *);
typedef int	(*db_xflock_cb)(void *, const struct db_xflock *);
typedef int	(*db_federation_cb)(void *, const struct db_federation *);
typedef int	(*db_bundle_cb)(void *, const struct db_bundle *);
typedef int	(*db_node_cb)(void *, const struct db_node *);
typedef int	(*db_tunnel_cb)(void *, const struct db_tunnel *);
typedef int	(*db_flock_report_cb)(void *, const struct db_flock_report *);
typedef int	(*db_history_cb)(void *, const struct db_history *);
typedef int	(*db_audit_cb)(void *, const struct db_audit *);
typedef int	(*db_token_cb)(void *, const struct db_token_live *);
typedef void	(*db_warn_fn)(void *, const char *);

/* db.c: lifecycle, pragmas, errors, transactions. */
struct db	*db_open(const char *path, int mode, char *err, size_t errlen);
void		 db_close(struct db *);
const char	*db_error(const struct db *);
unsigned long	 db_bad_rows(const struct db *);
void		 db_set_warn(struct db *, db_warn_fn, void *);
int		 db_user_version(struct db *, int *version);
int		 db_application_id(struct db *, uint32_t *id);
int		 db_data_version(struct db *, int64_t *version);
int		 db_checkpoint(struct db *);
int		 db_integrity_check(struct db *);
int		 db_begin(struct db *);
int		 db_commit(struct db *);
int		 db_rollback(struct db *);
int		 db_check_writable(const char *path, char *err, size_t errlen);

/* db_migrate.c */
int		 db_migrate(struct db *);

/* db_state.c: hot state for the cathedral. */
int		 db_flocks(struct db *, db_flock_cb, void *);
int		 db_identities(struct db *, db_identity_cb, void *);
int		 db_xflocks(struct db *, db_xflock_cb, void *);
int		 db_federation(struct db *, db_federation_cb, void *);
int		 db_bundles_current(struct db *, int64_t now, db_bundle_cb,
		    void *);

/* db_flush.c */
int		 db_flush(struct db *, const struct db_flush *);

/* db_admin.c: each its own transaction (or savepoint) with an audit row. */
int		 db_flock_add(struct db *, const char *actor, uint64_t flock,
		    const char *descr);
int		 db_identity_add(struct db *, const char *actor,
		    const struct db_identity_new *);
int		 db_allow_add(struct db *, const char *actor, uint64_t flock,
		    uint32_t csid, uint8_t peer, uint32_t mbit);
int		 db_allow_set_bandwidth(struct db *, const char *actor,
		    uint64_t flock, uint32_t csid, uint8_t peer, uint32_t mbit);
int		 db_identity_set_revoked(struct db *, const char *actor,
		    uint64_t flock, uint32_t csid, int revoked);
int		 db_xflock_add(struct db *, const char *actor, uint64_t a,
		    uint64_t b);
int		 db_xflock_del(struct db *, const char *actor, uint64_t a,
		    uint64_t b);
int		 db_federation_add(struct db *, const char *actor,
		    const uint8_t ip[4], uint16_t port);
int		 db_federation_del(struct db *, const char *actor,
		    const uint8_t ip[4], uint16_t port);
int		 db_endpoint_purge(struct db *, const char *actor,
		    int64_t before, size_t *purged);
int		 db_audit_note(struct db *, const char *actor,
		    const char *action, const char *object, const char *detail);

/* db_bundle.c */
int		 db_bundle_store(struct db *, const char *actor, uint64_t a,
		    uint64_t b, const uint8_t *content, size_t len);

/* db_tokens.c */
int		 db_token_create(struct db *, const char *actor,
		    const struct db_token_new *);
enum db_token_status db_token_redeem(struct db *, const char *actor,
		    const uint8_t lookup[DB_TOKEN_LOOKUP_LEN],
		    const uint8_t verifier[DB_TOKEN_VERIFIER_LEN],
		    uint32_t csid, struct db_token *out);
int		 db_token_create_sealed(struct db *, const char *actor,
		    const struct db_token_new *, const uint8_t *sealed,
		    size_t len);
int		 db_token_sealed(struct db *,
		    const uint8_t lookup[DB_TOKEN_LOOKUP_LEN], uint8_t *buf,
		    size_t cap, size_t *len);

/* db_backup.c */
int		 db_backup(struct db *, const char *path);

/* db_enroll.c: online redemption by the cathedral. */
int		 db_tokens(struct db *, int64_t now, db_token_cb, void *);
enum db_token_status db_token_enroll(struct db *, const char *actor,
		    const uint8_t lookup[DB_TOKEN_LOOKUP_LEN],
		    const uint8_t verifier[DB_TOKEN_VERIFIER_LEN], uint32_t csid,
		    const uint8_t secret[32], const uint8_t cosk_pub[32]);

/* db_report.c */
int		 db_report_nodes(struct db *, db_node_cb, void *);
int		 db_report_tunnels(struct db *, db_tunnel_cb, void *);
int		 db_report_flocks(struct db *, db_flock_report_cb, void *);
int		 db_report_history(struct db *, int64_t from, int64_t to,
		    db_history_cb, void *);
int		 db_audit_list(struct db *, int64_t after_id, size_t limit,
		    db_audit_cb, void *);

#endif
