/*
 * sanctum.conf for every mode (tunnel.md 6, cathedral.md 7): the parsed and
 * validated configuration, the loader with FILE:LINE errors and the printer
 * of the effective configuration (sanctum -n).
 */
#ifndef SANCTUM_CONFIG_H
#define SANCTUM_CONFIG_H

#include <sys/types.h>

#include <netinet/in.h>

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Modes (tunnel.md 6.2 "mode"). */
#define SANCTUM_MODE_TUNNEL		1	/* "tunnel" or "default" */
#define SANCTUM_MODE_PILGRIM		2	/* one-way sender */
#define SANCTUM_MODE_SHRINE		3	/* one-way receiver */
#define SANCTUM_MODE_CATHEDRAL		4	/* relay/discovery server */
#define SANCTUM_MODE_LITURGY		5	/* cathedral peer auto-discovery */
#define SANCTUM_MODE_MAX		5

/* Process types, the index of the run table (tunnel.md 1.2). */
#define SANCTUM_PROC_HEAVEN_RX		1	/* reads tun/tap */
#define SANCTUM_PROC_HEAVEN_TX		2	/* writes tun/tap */
#define SANCTUM_PROC_PURGATORY_RX	3	/* receives UDP */
#define SANCTUM_PROC_PURGATORY_TX	4	/* sends UDP */
#define SANCTUM_PROC_BLESS		5	/* encrypts */
#define SANCTUM_PROC_CONFESS		6	/* decrypts */
#define SANCTUM_PROC_CHAPEL		7	/* key exchange, cathedral client */
#define SANCTUM_PROC_CONTROL		8	/* control socket */
#define SANCTUM_PROC_PILGRIM		9	/* one-way key sender */
#define SANCTUM_PROC_SHRINE		10	/* one-way key receiver */
#define SANCTUM_PROC_CATHEDRAL		11	/* cathedral server */
#define SANCTUM_PROC_LITURGY		12	/* liturgy client */
#define SANCTUM_PROC_BISHOP		13	/* runs hymn for liturgy */
#define SANCTUM_PROC_MAX		13

/* Sizes of the text values, terminating NUL included. */
#define CONFIG_NAME_MAX			32	/* instance, descr: < 32 chars */
#define CONFIG_IFNAME_MAX		16	/* a Linux interface name */
#define CONFIG_USER_MAX			32	/* run/control user: <= 31 chars */
#define CONFIG_HOST_MAX			256	/* cathedral host as written */
#define CONFIG_PATH_MAX			PATH_MAX	/* key files, pidfile... */
#define CONFIG_CONTROL_PATH_MAX		108	/* sun_path of the control socket */
#define CONFIG_NETS_MAX			64	/* route and accept entries each */

/* Defaults that are not zero. */
#define CONFIG_CONTROL_DEFAULT		"/tmp/sanctum-control"	/* $TMP */
#define CONFIG_CONTROL_USER_DEFAULT	"root"

/* Tunnel MTU limits (tunnel.md 2.11, 6.2); the minimum is one offer. */
#define CONFIG_MTU_PARSE_MIN		576	/* accepted by the parser */
#define CONFIG_MTU_PARSE_MAX		1522	/* accepted by the parser */
#define CONFIG_MTU_MIN			623	/* post-load: an offer fits */
#define CONFIG_MTU_MAX			1422	/* 1500 - IPv4/UDP/ESP overhead */
#define CONFIG_MTU_MAX_SHROUD		1373	/* the same, shroud header too */

/* config_load_flags(). */
#define CONFIG_LOAD_NUMERIC_HOSTS	0x01	/* cathedral host: no DNS */

/* cathedral_limit names (ours): bounds of the cathedral's tables. */
#define CONFIG_LIMIT_TUNNELS		0	/* tunnel entries */
#define CONFIG_LIMIT_LITURGIES		1	/* liturgy entries */
#define CONFIG_LIMIT_SOURCES		2	/* rate-limited source addresses */
#define CONFIG_LIMIT_SEEDS		3	/* offer seeds remembered (replay) */
#define CONFIG_LIMIT_OFFER_RATE		4	/* offers per second per source */
#define CONFIG_LIMIT_OFFER_BURST	5	/* offers at once per source */
#define CONFIG_LIMIT_MAX		6

/* A route or accept entry. */
struct config_net {
	struct in_addr		net;
	uint8_t			prefix;
};

/* One "run <proc> as <user>" entry, user resolved when the mode uses it. */
struct config_run {
	int			set;
	char			user[CONFIG_USER_MAX];
	uid_t			uid;
	gid_t			gid;
};

/*
 * Everything a configuration file can say, after the post-load defaults:
 * peer = cathedral with a cathedral and no peer IP, cathedral_flock_dst =
 * cathedral_flock when 0, cathedral_ip = local in cathedral mode.
 */
struct sanctum_config {
	int			mode;
	char			instance[CONFIG_NAME_MAX];
	char			descr[CONFIG_NAME_MAX];
	char			secret[CONFIG_PATH_MAX];
	char			kek[CONFIG_PATH_MAX];
	char			pidfile[CONFIG_PATH_MAX];
	char			logfile[CONFIG_PATH_MAX];
	struct config_run	run[SANCTUM_PROC_MAX + 1];

	char			control_path[CONFIG_CONTROL_PATH_MAX];
	char			control_user[CONFIG_USER_MAX];
	uid_t			control_uid;
	gid_t			control_gid;

	struct sockaddr_in	local;
	struct sockaddr_in	peer;
	int			peer_configured;	/* "peer ip:port" given */
	int			peer_auto;		/* learned from traffic */

	struct in_addr		tun_ip;
	uint8_t			tun_prefix;
	struct in_addr		tun_mask;
	uint16_t		tun_mtu;		/* 0 with mtu_auto */
	int			mtu_auto;
	struct config_net	routes[CONFIG_NETS_MAX];
	size_t			nroutes;
	struct config_net	accepts[CONFIG_NETS_MAX];
	size_t			naccepts;
	int			tap;
	char			bridge[CONFIG_IFNAME_MAX];
	int			tfc;
	int			shroud;
	uint16_t		tun_spi;

	int			cathedral_set;
	struct sockaddr_in	cathedral;
	char			cathedral_host[CONFIG_HOST_MAX];
	uint32_t		cathedral_id;
	char			cathedral_secret[CONFIG_PATH_MAX];
	char			cathedral_cosk[CONFIG_PATH_MAX];
	char			cathedral_remembrance[CONFIG_PATH_MAX];
	uint64_t		cathedral_flock;
	uint64_t		cathedral_flock_dst;
	uint16_t		cathedral_nat_port;

	struct sockaddr_in	cathedral_ip;		/* advertised (C) */
	uint16_t		cathedral_mtu;
	int			cathedral_p2p_sync;
	char			database[CONFIG_PATH_MAX];
	int			metrics_set;
	struct sockaddr_in	metrics;
	uint32_t		limits[CONFIG_LIMIT_MAX];	/* 0 = default */

	uint16_t		liturgy_group;
	struct in_addr		liturgy_prefix;
	int			liturgy_discoverable;
};

int		 config_load(struct sanctum_config *, const char *, char *,
		    size_t);
int		 config_load_flags(struct sanctum_config *, const char *, int,
		    char *, size_t);
void		 config_print(const struct sanctum_config *, FILE *);

const char	*config_proc_name(int);
int		 config_proc_type(const char *);
uint32_t	 config_mode_procs(int);
const char	*config_mode_name(int);
const char	*config_limit_name(int);

#endif
