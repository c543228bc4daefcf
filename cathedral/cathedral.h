/*
 * The cathedral process (cathedral.md 3): hot state in memory, a libevent
 * loop on the packet path, and a database thread that is the only code
 * touching the disk. Everything here runs in the cathedral process.
 */
#ifndef SANCTUM_CATHEDRAL_H
#define SANCTUM_CATHEDRAL_H

#include <pthread.h>
#include <stdint.h>

#include "db.h"
#include "enroll_token.h"
#include "sanctum.h"
#include "table.h"

/* Timers (cathedral.md 3.11), in milliseconds of the monotonic clock. */
#define CATH_LIFETIME_MS	120000	/* entry without an update */
#define CATH_REMEMBRANCE_MS	15000	/* at most one remembrance per entry */
#define CATH_COOLDOWN_MS	15000	/* p2p cool-down after creation/restart */
#define CATH_FEDERATE_MS	3000	/* federation and liturgy replies */
#define CATH_SCAN_MS		10000	/* expiry scan */
#define CATH_STATUS_MS		5000	/* status line */
#define CATH_REPLAY_MS		25000	/* seeds remembered (window + margin) */
#define CATH_RATE_IDLE_MS	30000	/* source buckets forgotten after */

/* Defaults of the bounds (cathedral_limit overrides them). */
#define CATH_MAX_TUNNELS	65536
#define CATH_MAX_LITURGIES	16384
#define CATH_MAX_SOURCES	65536
#define CATH_MAX_SEEDS		131072
#define CATH_OFFER_RATE		50	/* offers per second per source IP */
#define CATH_OFFER_BURST	100

#define CATH_MAX_SHROUD_IDS	65536
#define CATH_MAX_TOKENS		65536
#define CATH_SEED_KEY		24	/* bytes of an offer seed remembered */
#define CATH_FEDERATION_MAX	31
#define CATH_BUNDLE_IDX		65536	/* tunnel ids per bundle side */

/* Counters exported as metrics; names in cathedral_metrics.c. */
enum cath_counter {
	CC_OFFERS_IN,		/* KATEDRAL, CIBORIUM and CATACOMB received */
	CC_OFFERS_ACCEPTED,
	CC_REJECT_SHORT,
	CC_REJECT_FLOCK,	/* unknown flock */
	CC_REJECT_IDENTITY,	/* unknown CS id */
	CC_REJECT_REVOKED,
	CC_REJECT_TAG,
	CC_REJECT_STALE,
	CC_REJECT_SIGNATURE,
	CC_REJECT_REPLAY,	/* seed seen before */
	CC_REJECT_NOT_TIED,	/* no allow rule for that peer id */
	CC_REJECT_TYPE,
	CC_REJECT_FEDERATION,	/* CATACOMB from a non-peer */
	CC_REJECT_SHROUD,	/* unknown shroud identity */
	CC_RATE_LIMITED,	/* dropped before any cryptography */
	CC_RUNT,		/* under the global minimum */
	CC_RELAY_OFFERS,	/* SACRAMNT relayed */
	CC_RELAY_PACKETS,	/* data relayed */
	CC_RELAY_BYTES,
	CC_RELAY_DROP_NO_RECEIVER,
	CC_RELAY_DROP_NO_SENDER,
	CC_RELAY_DROP_SPI,
	CC_RELAY_DROP_FLOCK,
	CC_RELAY_DROP_BANDWIDTH,
	CC_REPLIES,		/* INFO, AMBRY, REMEMBRANCE, LITURGY sent */
	CC_FEDERATED,		/* CATACOMB sent */
	CC_FULL_TUNNELS,	/* a bound was hit */
	CC_FULL_LITURGIES,
	CC_FULL_SOURCES,
	CC_FULL_SEEDS,
	CC_DB_FLUSHES,
	CC_DB_RELOADS,
	CC_ENROLL_OK,		/* token redeemed, identity created */
	CC_ENROLL_RESENT,	/* same node asked again */
	CC_ENROLL_UNKNOWN,	/* no such token */
	CC_ENROLL_USED,		/* redeemed by another key */
	CC_ENROLL_EXPIRED,
	CC_ENROLL_BAD_TAG,
	CC_ENROLL_STALE,	/* timestamp outside the window */
	CC_ENROLL_REPLAY,	/* seed seen before */
	CC_ENROLL_SHORT,	/* wrong size, version or type */
	CC_ENROLL_PENDING,	/* redemption already under way */
	CC_ENROLL_FAILED,	/* database error */
	CC_MAX
};

/* An identity as served: secrets, allow rules, shroud material. */
struct cath_ident {
	uint8_t		cs[32];
	uint8_t		offer_base[32];	/* cathedral-offer base key, domain 0 */
	uint8_t		pub[32];
	int		revoked;
	uint8_t		allowed[256];
	uint32_t	mbit[256];
	uint8_t		shroud_key[32];
	uint8_t		shroud_base[16];
};

/* An ambry bundle with an index from (side, tunnel) to its entry. */
struct cath_bundle {
	uint64_t	flock_a;
	uint64_t	flock_b;
	uint8_t		expires[2];
	uint8_t		generation[4];
	uint32_t	gen;
	uint8_t		seed[64];
	uint8_t		*content;
	size_t		len;
	uint32_t	*index;		/* [2][65536]: entry number + 1 */
};

/* An enrollment token that can be redeemed (or was, recently). */
struct cath_token {
	uint8_t		verifier[ENROLL_VERIFIER_LEN];
	uint64_t	flock;
	uint8_t		peer;
	int		pending;	/* the database thread has it */
	uint32_t	used_csid;	/* 0 while unused */
	int64_t		expires;	/* wall clock */
	uint8_t		sealed[ENROLL_SEALED_MAX];
	size_t		sealed_len;
};

/* A redemption handed to the database thread and back. */
struct cath_enroll_job {
	struct cath_enroll_job	*next;
	uint8_t			lookup[ENROLL_LOOKUP_LEN];
	uint8_t			verifier[ENROLL_VERIFIER_LEN];
	uint8_t			seed[ENROLL_SEED_LEN];
	uint8_t			pub[32];
	uint32_t		csid;
	uint8_t			cs[32];
	uint64_t		flock;
	uint8_t			peer;
	uint8_t			sealed[ENROLL_SEALED_MAX];
	size_t			sealed_len;
	struct sockaddr_in	from;
	enum db_token_status	status;
};

/* The configuration snapshot the database thread builds. */
struct cath_conf {
	struct table		flocks;		/* u64 flock id */
	struct table		tokens;		/* lookup -> cath_token */
	struct table		idents;		/* (flock, csid) -> cath_ident */
	struct table		xflocks;	/* (lo, hi) -> nothing */
	struct cath_bundle	*bundles;
	size_t			nbundles;
	struct sockaddr_in	feds[CATH_FEDERATION_MAX];
	size_t			nfeds;
	uint32_t		rem_ips[SANCTUM_REMEMBRANCE_SLOTS];
	uint16_t		rem_ports[SANCTUM_REMEMBRANCE_SLOTS];
};

/* A tunnel endpoint (cathedral.md 3.3), keyed by (src, dst, id). */
struct cath_tunnel {
	uint64_t	flock;		/* F.id of the identity */
	uint32_t	csid;
	uint32_t	ip;
	uint16_t	port;
	int		federated;
	int		peerinfo;
	int		direct;
	uint32_t	p2p_ip;
	uint16_t	p2p_port;
	uint64_t	age;
	uint64_t	update;
	uint64_t	instance;
	uint64_t	p2p_cooldown;
	uint64_t	at;
	uint32_t	rx_active;
	uint32_t	rx_pending;
	uint32_t	ambry_gen;
	uint64_t	limit;
	uint64_t	current;
	uint64_t	last_drain;
	uint64_t	drain_per_ms;
	uint64_t	pkts_in, bytes_in, pkts_out, bytes_out;
	int		dirty;
};

struct tunnel_key {
	uint64_t	src;
	uint64_t	dst;
	uint16_t	id;
} __attribute__((packed));

/* A liturgy entry, keyed by (flock|dom, id, signaling). */
struct cath_liturgy {
	uint32_t	csid;
	uint32_t	flags;
	uint16_t	group;
	uint8_t		hidden;
	uint8_t		peers[SANCTUM_LITURGY_PEERS];
	uint32_t	ip;
	uint16_t	port;
	uint64_t	age;
	uint64_t	update;
	uint64_t	at;
	int		federated;
};

struct liturgy_key {
	uint64_t	flock;
	uint8_t		id;
	uint8_t		signaling;
} __attribute__((packed));

/* A received offer as the handlers see it. */
struct cath_rx {
	struct sanctum_packet	*pkt;
	uint8_t			*d;		/* the unshrouded datagram */
	size_t			len;
	struct sockaddr_in	from;
	int			nat;		/* arrived on the NAT port */
	int			catacomb;
	uint64_t		flock;		/* F.id */
	uint64_t		fdom;		/* F.id | domain of the packet */
	uint32_t		csid;
	struct cath_ident	*ident;		/* NULL for federation P2P_INFO */
};

/* A source address's offer budget (token bucket, before any crypto). */
struct cath_source {
	uint64_t	tokens;		/* thousandths of an offer */
	uint64_t	last;		/* ms */
};

/* A shroud identity seen from a client, mapped to its identity. */
struct cath_shroud_id {
	uint64_t	flock;
	uint32_t	csid;
	uint64_t	last;
};

/* Limits from the configuration (cathedral_limit). */
struct cath_limits {
	size_t		tunnels;
	size_t		liturgies;
	size_t		sources;
	size_t		seeds;
	uint32_t	rate;
	uint32_t	burst;
};

struct event;
struct event_base;

/* Everything the cathedral process holds. */
struct cathedral {
	struct sanctum_proc	*proc;
	const struct sanctum_config *cfg;
	struct cath_conf	*conf;
	struct table		tunnels;
	struct table		liturgies;
	struct table		sources;
	struct table		seeds;
	struct table		shroud_ids;
	struct cath_limits	limits;
	struct event_base	*base;
	struct event		*quit;
	uint8_t			sync[32];
	uint8_t			fed_shroud[32];
	uint32_t		adv_ip;		/* advertised address (NET) */
	uint16_t		adv_port;
	uint64_t		now;		/* ms, monotonic */
	uint64_t		next_scan;
	uint64_t		next_status;
	_Atomic uint64_t	counters[CC_MAX];
	_Atomic uint64_t	flush_us_last;
	_Atomic uint64_t	flush_us_total;

	/* Hand-off with the database thread. */
	pthread_t		db_thread;
	pthread_mutex_t		lock;
	pthread_cond_t		cond;
	struct db		*db;
	struct db_flush		*flush_pending;
	struct cath_conf	*conf_new;
	struct cath_enroll_job	*enroll_queue;	/* to the thread */
	struct cath_enroll_job	*enroll_done;	/* back from it */
	int			db_stop;
	int64_t			data_version;
};

extern struct cathedral	*cath;

/* cathedral.c */
void		 cath_state_init(const struct sanctum_config *,
		    const uint8_t sync[32]);
void		 cath_count(enum cath_counter);
void		 cath_count_n(enum cath_counter, uint64_t);
uint64_t	 cath_now_ms(void);
void		 cath_send(struct sanctum_packet *, uint32_t ip, uint16_t port,
		    const uint8_t *shroud_key);
void		 cath_send_raw(struct sanctum_packet *,
		    const struct sockaddr_in *to);

/* cathedral_limits.c */
void		 cath_limits_apply(struct cath_limits *,
		    const struct sanctum_config *);

/* cathedral_conf.c */
struct cath_conf *cath_conf_load(struct db *, const struct sanctum_config *,
		    char *err, size_t errlen);
void		 cath_conf_free(struct cath_conf *);
int		 cath_flock_known(const struct cath_conf *, uint64_t flock_id);
struct cath_ident *cath_ident_find(const struct cath_conf *, uint64_t flock,
		    uint32_t csid);
int		 cath_xflock_allowed(const struct cath_conf *, uint64_t a,
		    uint64_t b);
const struct cath_bundle *cath_bundle_find(const struct cath_conf *,
		    uint64_t a, uint64_t b);
int		 cath_fed_index(const struct cath_conf *, uint32_t ip,
		    uint16_t port);

/* cathedral_db.c */
int		 cath_db_start(struct cathedral *, char *err, size_t errlen);
void		 cath_db_tick(struct cathedral *);
void		 cath_db_adopt(struct cathedral *);
void		 cath_db_stop(struct cathedral *);
void		 cath_db_enroll(struct cathedral *, struct cath_enroll_job *);

/* cathedral_offer.c */
void		 cath_receive(struct sanctum_packet *);
int		 cath_rate_allow(uint32_t ip);
int		 cath_seed_fresh(const uint8_t *seed);
void		 cath_reply(const struct cath_rx *, uint8_t type,
		    const void *body_fn_arg,
		    void (*fill)(uint8_t *pkt, const void *arg));

/* cathedral_info.c */
void		 cath_info(const struct cath_rx *);
int		 forward_allowed(uint64_t fs, uint64_t fd);
struct cath_tunnel *cath_tunnel_find(uint64_t src, uint64_t dst, uint16_t id);
void		 cath_remembrance(const struct cath_rx *, uint64_t *update,
		    uint32_t flags);

/* cathedral_relay.c */
void		 cath_forward_offer(struct sanctum_packet *, uint8_t *d,
		    size_t len, const struct sockaddr_in *from);
void		 cath_forward_data(struct sanctum_packet *, uint8_t *d,
		    size_t len, const struct sockaddr_in *from);

/* cathedral_liturgy.c */
void		 cath_liturgy(const struct cath_rx *);

/* cathedral_federation.c */
void		 cath_federate(const struct cath_rx *, uint64_t fs, uint64_t fd);
void		 cath_federate_p2p(const struct cath_rx *, uint64_t fs,
		    uint64_t fd, const struct cath_tunnel *, uint16_t id);
void		 cath_p2p_info(const struct cath_rx *);

/* cathedral_enroll.c */
void		 cath_enroll(const uint8_t *d, size_t len,
		    const struct sockaddr_in *from);
void		 cath_enroll_done(struct cath_enroll_job *);

/* cathedral_shroud.c */
int		 cath_unshroud(struct sanctum_packet *, size_t len,
		    const uint8_t **key);

/* cathedral_expire.c */
void		 cath_expire(void);
void		 cath_prune_after_reload(void);
void		 cath_status(void);

/* cathedral_metrics.c */
int		 cath_metrics_start(struct event_base *, int fd);
const char	*cath_counter_name(enum cath_counter);

#endif
