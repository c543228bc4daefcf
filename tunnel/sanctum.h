/*
 * The daemon: shared state, packet pool, rings, key slots, counters, the
 * process table, and the prototypes of every process file (tunnel.md 1).
 */
#ifndef SANCTUM_H
#define SANCTUM_H

#include <sys/types.h>

#include <netinet/in.h>

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config.h"
#include "wire.h"

#define SANCTUM_VERSION		"sanctum-c 0.1"

/* Packet pool and rings (tunnel.md 1.3). */
#define SANCTUM_POOL_PACKETS	1024	/* buffers shared by all processes */
#define SANCTUM_PACKET_SIZE	1650	/* 1522 + 128 */
#define SANCTUM_PACKET_HEAD	48	/* room for the shroud header */
#define SANCTUM_RING_BIG	1024	/* data rings */
#define SANCTUM_RING_SMALL	64	/* offer and chapel rings */
#define SANCTUM_BATCH		32	/* packets per wake-up and per syscall */
#define SANCTUM_NO_PACKET	UINT32_MAX

/* Timers (tunnel.md 2.8, 4.8). */
#define SANCTUM_HEARTBEAT_FAST	1	/* hole punching, new TX SA */
#define SANCTUM_HEARTBEAT_SLOW	15	/* idle */
#define SANCTUM_REKEY_SILENCE	30	/* no authenticated packet: rekey */
#define SANCTUM_DEAD_PEER	120	/* no authenticated packet: forget */
#define SANCTUM_START_TIMEOUT_MS 2000	/* a worker must be up by then */

/* Key slot states (tunnel.md 1.5). */
#define SLOT_EMPTY		0
#define SLOT_GENERATING		1
#define SLOT_PENDING		2
#define SLOT_INSTALLING		3
#define SLOT_ERASE		4

/* Drop and event counters, shown by hymn status and COUNTERS. */
enum sanctum_counter {
	CTR_RX_RUNT,		/* datagram shorter than any packet */
	CTR_RX_INVALID,		/* first word zero */
	CTR_RX_UNKNOWN_SPI,	/* no SA with that SPI (garbage) */
	CTR_RX_MALFORMED,	/* header inconsistent (seq != pn) */
	CTR_RX_TOO_OLD,		/* left the replay window */
	CTR_RX_REPLAY,		/* packet number seen before */
	CTR_RX_BAD_TAG,		/* did not authenticate */
	CTR_RX_BAD_FLOCK,	/* flock fields not ours */
	CTR_RX_BAD_TAIL,	/* reserved byte or next protocol wrong */
	CTR_RX_TFC,		/* TFC length field lies */
	CTR_RX_FILTER,		/* inner packet refused by the tun filter */
	CTR_RX_GRACE_BAD,	/* malformed grace */
	CTR_RX_MTU_ACK_RANGE,	/* authenticated MTU ack outside our range */
	CTR_RX_UNSHROUD,	/* shroud removal failed */
	CTR_RX_NOT_CATHEDRAL,	/* cathedral magic from someone else */
	CTR_OFFER_SHORT,	/* offer shorter than 623 */
	CTR_OFFER_BAD_TAG,	/* offer did not authenticate */
	CTR_OFFER_STALE,	/* offer timestamp outside the window */
	CTR_OFFER_IGNORED,	/* wrong type, reflected, wrong id */
	CTR_OFFER_NOKEY,	/* no secret to check it with */
	CTR_TX_NOT_IPV4,	/* tun mode carries IPv4 only */
	CTR_TX_NO_SA,		/* nothing to encrypt with */
	CTR_TX_SA_EXPIRED,	/* hard lifetime reached */
	CTR_TX_NO_PEER,		/* peer address unknown */
	CTR_TX_SEND_ERROR,	/* sendmmsg dropped it */
	CTR_POOL_EMPTY,		/* no free packet buffer */
	CTR_RING_FULL,		/* next process too slow */
	CTR_REKEYS,		/* exchanges started */
	CTR_MAX
};

/* One direction's statistics; STATUS copies these (tunnel.md 7.1). */
struct sanctum_ifstat {
	_Atomic uint32_t	spi;
	_Atomic uint64_t	age;
	_Atomic uint64_t	pkt;
	_Atomic uint64_t	last;
	_Atomic uint64_t	bytes;
};

/*
 * Global shared state: every process maps it. Multi-byte values another
 * process reads are atomics; the peer and cathedral addresses are 64-bit
 * words (ip << 16 | port, both network order) so each changes in one store.
 */
struct sanctum_state {
	int			mode;
	_Atomic uint64_t	uptime;
	_Atomic uint64_t	peer;
	_Atomic uint64_t	cathedral;	/* current one, chapel moves it */
	_Atomic uint64_t	local_public;	/* learned from a cathedral */
	_Atomic uint16_t	mtu_size;
	_Atomic uint16_t	mtu_change;	/* heaven-tx -> guardian */
	_Atomic uint16_t	mtu_probe;	/* probe size to ack */
	_Atomic int		mtu_cancel;	/* ack seen: stop discovery */
	_Atomic int		mtu_restart;	/* peer moved: start again */
	struct sanctum_ifstat	tx;
	struct sanctum_ifstat	rx;
	_Atomic uint64_t	last_pn;
	_Atomic uint32_t	rx_pending;
	_Atomic uint64_t	heartbeat;
	_Atomic int		holepunch;
	_Atomic int		rekey;		/* control -> chapel */
	_Atomic uint64_t	peer_hold;	/* no switch to the cathedral before */
	_Atomic uint32_t	wake[SANCTUM_PROC_MAX + 1];
	_Atomic int		started[SANCTUM_PROC_MAX + 1];
	_Atomic uint64_t	counters[CTR_MAX];
};

/* A packet buffer of the pool. */
struct sanctum_packet {
	struct sockaddr_in	addr;	/* source on receive, target on send */
	uint32_t		length;	/* bytes at data + SANCTUM_PACKET_HEAD */
	uint8_t			next;	/* next protocol / packet kind */
	uint8_t			flags;
	uint8_t			buf[SANCTUM_PACKET_SIZE];
};

#define PACKET_DATA(p)	((p)->buf + SANCTUM_PACKET_HEAD)
#define PACKET_F_SHROUDED	0x01	/* the datagram starts at buf, not data */

/* A bounded multi-producer multi-consumer ring of packet indices. */
struct ring_cell {
	_Atomic uint64_t	seq;
	uint32_t		value;
};

struct ring {
	uint64_t			mask;
	_Alignas(64) _Atomic uint64_t	head;
	_Alignas(64) _Atomic uint64_t	tail;
	_Alignas(64) struct ring_cell	cells[];
};

/* A key slot (tunnel.md 1.5). */
struct key_slot {
	_Atomic int	state;
	uint32_t	spi;
	uint8_t		salt[4];
	uint8_t		key[32];
};

/* The named shared objects; each is its own mapping so it can be unmapped. */
enum shm_object {
	SHM_STATE,
	SHM_POOL,
	SHM_RING_BLESS,
	SHM_RING_PURGATORY,
	SHM_RING_OFFER,
	SHM_RING_CHAPEL,
	SHM_RING_CONFESS,
	SHM_RING_HEAVEN,
	SHM_RING_BISHOP,
	SHM_SLOT_TX,
	SHM_SLOT_RX,
	SHM_SLOT_STX,
	SHM_SLOT_SRX,
	SHM_MAX
};

struct shm_map {
	void	*addr;
	size_t	len;
};

/* Shared objects; pointers are valid in every process (mapped pre-fork). */
struct sanctum_shared {
	struct shm_map		maps[SHM_MAX];
	int			wake_fd[SANCTUM_PROC_MAX + 1];	/* eventfd or -1 */
	struct sanctum_state	*state;
	struct sanctum_packet	*packets;
	struct ring		*free;
	struct ring		*rings[SHM_MAX];
	struct key_slot		*slots[SHM_MAX];
};

/* What a worker gets: the configuration and the objects created for it. */
struct sanctum_proc {
	int			type;
	const char		*name;
	struct sanctum_config	*cfg;
	struct sanctum_shared	*shm;
	int			tun_fd;
	int			udp_fd;
	int			nat_fd;
	int			control_fd;
	int			metrics_fd;
};

extern struct sanctum_shared	*sanctum;
extern volatile sig_atomic_t	 sanctum_quit;

/* shm.c */
int		 shm_create(struct sanctum_shared *, int mode);
void		 shm_keep(struct sanctum_shared *, const int *keep, size_t n);

/* ring.c */
size_t		 ring_size(size_t capacity);
void		 ring_init(struct ring *, size_t capacity);
int		 ring_put(struct ring *, uint32_t);
uint32_t	 ring_get(struct ring *);
int		 ring_empty(struct ring *);

/* pool.c */
struct sanctum_packet *packet_get(void);
void		 packet_put(struct sanctum_packet *);
uint64_t	 pool_free(void);
uint32_t	 packet_index(const struct sanctum_packet *);
struct sanctum_packet *packet_at(uint32_t);
int		 packet_send_to(enum shm_object ring, struct sanctum_packet *,
		    int wake_type);
struct sanctum_packet *packet_take(enum shm_object ring);

/* wake.c */
void		 proc_suspend(int type, int timeout_sec);
void		 proc_wake(int type);
uint64_t	 uptime_now(void);
void		 counter_add(enum sanctum_counter, uint64_t);
const char	*counter_name(enum sanctum_counter);

/* keyslot.c */
void		 slot_install(struct key_slot *, uint32_t spi,
		    const uint8_t salt[4], const uint8_t key[32]);
void		 slot_erase(struct key_slot *, uint32_t spi);
int		 slot_take(struct key_slot *, uint32_t *spi, uint8_t salt[4],
		    uint8_t key[32], int *erase);

/* log.c */
void		 log_init(const char *proc, int fd);
void		 log_set_direct(void (*)(const char *));
void		 log_msg(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));
void		 fatal(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* guardian.c */
void		 guardian_run(struct sanctum_config *, int daemonize)
		    __attribute__((noreturn));

/* proctitle.c */
void		 proctitle_init(int, char **);
void		 proctitle_set(const char *, ...)
		    __attribute__((format(printf, 1, 2)));

/* logsink.c */
int		 logsink_open(int daemonized, const char *logfile);
void		 logsink_drain(int fd);

/* sandbox.c */
void		 sandbox_enter(struct sanctum_proc *, const int *keep_fds,
		    size_t nkeep);
void		 sandbox_enter_hook(struct sanctum_proc *, const int *keep_fds,
		    size_t nkeep, void (*)(void *), void *);
void		 sandbox_close_fds(const int *keep_fds, size_t nkeep);

/* tun.c */
int		 tun_open(const struct sanctum_config *, uint16_t mtu);
void		 tun_set_mtu(const struct sanctum_config *, uint16_t mtu);
void		 tun_routes(const struct sanctum_config *);
int		 udp_open(const struct sockaddr_in *);

/* peer.c */
void		 peer_set(uint32_t ip, uint16_t port);
int		 peer_get(struct sockaddr_in *);
int		 peer_update(const struct sanctum_config *,
		    const struct sockaddr_in *);
void		 cathedral_addr_set(uint32_t ip, uint16_t port);
int		 cathedral_addr_get(struct sockaddr_in *);
int		 cathedral_match(const struct sockaddr_in *, int port);

/* one entry point per process file */
void		 heaven_rx_main(struct sanctum_proc *) __attribute__((noreturn));
void		 heaven_tx_main(struct sanctum_proc *) __attribute__((noreturn));
void		 purgatory_rx_main(struct sanctum_proc *) __attribute__((noreturn));
void		 purgatory_tx_main(struct sanctum_proc *) __attribute__((noreturn));
void		 bless_main(struct sanctum_proc *) __attribute__((noreturn));
void		 confess_main(struct sanctum_proc *) __attribute__((noreturn));
void		 chapel_main(struct sanctum_proc *) __attribute__((noreturn));
void		 control_main(struct sanctum_proc *) __attribute__((noreturn));
void		 pilgrim_main(struct sanctum_proc *) __attribute__((noreturn));
void		 shrine_main(struct sanctum_proc *) __attribute__((noreturn));
void		 cathedral_main(struct sanctum_proc *) __attribute__((noreturn));
void		 liturgy_main(struct sanctum_proc *) __attribute__((noreturn));
void		 bishop_main(struct sanctum_proc *) __attribute__((noreturn));
void		 purgatory_relay_rx_main(struct sanctum_proc *)
		    __attribute__((noreturn));
void		 purgatory_relay_tx_main(struct sanctum_proc *)
		    __attribute__((noreturn));

#endif
