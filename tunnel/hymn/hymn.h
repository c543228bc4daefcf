/*
 * hymn: the node-side management tool (tunnel.md 7.2, cathedral.md 6.3 and
 * 6.4). The model of a hymn-generated configuration, the value parsers, the
 * tunnel names, the control-socket client and the commands.
 */
#ifndef HYMN_H
#define HYMN_H

#include <stddef.h>
#include <stdint.h>

#define HYMN_PATH_MAX		1024	/* any path written into a config */
#define HYMN_FLOCK_MAX		33	/* "<16 hex>:<16 hex>" */
#define HYMN_FLOCK_MIN		8	/* shorter flock names are refused */
#define HYMN_NAME_MAX		48	/* "<flock>-<src>-<dst>" and NUL */
#define HYMN_DESCR_MAX		32	/* descr: fewer than 32 characters */
#define HYMN_USER_MAX		32
#define HYMN_BRIDGE_MAX		16	/* an interface name */
#define HYMN_HOST_MAX		256	/* cathedral "host:port" */
#define HYMN_MAX_NETS		128	/* routes, and accepts */
#define HYMN_CONF_MAX		65536	/* largest config read or written */
#define HYMN_MTU_MIN		576
#define HYMN_MTU_MAX		9200
#define HYMN_WAIT_TENTHS	100	/* up/down wait 10 s, 100 ms steps */
#define HYMN_ONLINE_SECS	120	/* list: rx within this = online */
#define HYMN_NO_FLOCK		"hymn"

/* A tunnel's name [<flock>-]<src>-<dst>; the flock "hymn" means none. */
struct hymn_name {
	char		flock[HYMN_FLOCK_MAX + 1];
	uint8_t		src;
	uint8_t		dst;
};

/* A network of a route or accept line, masked, address in network order. */
struct hymn_net {
	uint32_t	addr;
	uint8_t		prefix;
};

/*
 * One generated configuration. Strings are empty when absent; IPv4
 * addresses are in network order. The route and accept lists are kept in
 * the order they are written, and reading builds them head first, as the
 * reference does (every rewrite reverses them).
 */
struct hymn_conf {
	struct hymn_name	name;
	int			liturgy;
	char			pidfile[HYMN_PATH_MAX];
	char			control[HYMN_PATH_MAX];
	char			user[HYMN_USER_MAX];
	int			tap;
	char			bridge[HYMN_BRIDGE_MAX];
	uint32_t		tunnel_ip;
	uint8_t			tunnel_prefix;
	uint16_t		mtu;		/* 0 = auto */
	int			shroud;
	char			kek[HYMN_PATH_MAX];
	char			secret[HYMN_PATH_MAX];
	char			descr[HYMN_DESCR_MAX];
	uint32_t		local_ip;
	uint16_t		local_port;
	uint32_t		peer_ip;	/* 0: no peer line */
	uint16_t		peer_port;
	int			cathedral;
	char			cathedral_addr[HYMN_HOST_MAX];
	uint32_t		cathedral_id;
	uint64_t		flock_src;
	uint64_t		flock_dst;
	char			cathedral_secret[HYMN_PATH_MAX];
	char			cathedral_cosk[HYMN_PATH_MAX];
	char			remembrance[HYMN_PATH_MAX];
	uint16_t		nat_port;
	uint32_t		liturgy_prefix;
	uint16_t		liturgy_group;
	int			discoverable;
	struct hymn_net		routes[HYMN_MAX_NETS];
	size_t			nroutes;
	struct hymn_net		accepts[HYMN_MAX_NETS];
	size_t			naccepts;
};

/* The live statistics of one direction from a STATUS reply. */
struct hymn_ifstat {
	uint32_t	spi;
	uint64_t	age;
	uint64_t	pkt;
	uint64_t	last;
	uint64_t	bytes;
};

/* A decoded 88-byte STATUS reply (tunnel.md 7.1). */
struct hymn_status {
	struct hymn_ifstat	tx;
	struct hymn_ifstat	rx;
	uint32_t		peer_ip;	/* network order */
	uint16_t		peer_port;	/* host order */
	uint16_t		mtu;
};

/* One record of a COUNTERS reply (docs/control.md). */
struct hymn_counter {
	char		name[24];
	uint64_t	value;
};

/* What hymn_control_query() reports besides a reply length. */
#define HYMN_CTL_ERROR		-1	/* local failure, message in err */
#define HYMN_CTL_NOREPLY	-2	/* no socket, refused, or timed out */

/* A configuration found in the config directory, for list/status/up. */
enum hymn_kind {
	HYMN_KIND_NORMAL,	/* flock "hymn" */
	HYMN_KIND_CATHEDRAL,	/* a flock, not owned by a liturgy */
	HYMN_KIND_LITURGY,
	HYMN_KIND_OWNED		/* a tunnel of a configured liturgy */
};

struct hymn_entry {
	char			name[HYMN_NAME_MAX];
	enum hymn_kind		kind;
	int			ok;	/* conf loaded */
	char			err[256];
	struct hymn_conf	conf;
};

/* hymn.c: directories, messages. */
extern const char	*hymn_conf_dir;
extern const char	*hymn_run_dir;
extern const char	*hymn_tmp_dir;

void	hymn_fatal(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
void	hymn_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	hymn_usage(const char *) __attribute__((noreturn));
void	hymn_path(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* hymn_parse.c: values on the command line and in configs. */
int	hymn_parse_dec(const char *, uint64_t, uint64_t *);
int	hymn_parse_hex(const char *, size_t, int, uint64_t *);
int	hymn_parse_ip(const char *, uint32_t *);
int	hymn_parse_ipport(const char *, uint32_t *, uint16_t *);
int	hymn_parse_net(const char *, uint32_t *, uint8_t *);
int	hymn_parse_mtu(const char *, uint16_t *);
int	hymn_parse_yesno(const char *, const char *, const char *, int *);
int	hymn_valid_descr(const char *);
int	hymn_valid_user(const char *);
int	hymn_valid_bridge(const char *);
int	hymn_valid_path(const char *);
int	hymn_valid_host(const char *);
int	hymn_copy(char *, size_t, const char *);
void	hymn_ipport_str(char *, size_t, uint32_t, uint16_t);

/* hymn_name.c: tunnel names and the flock values in them. */
int	hymn_name_parse(const char *, struct hymn_name *, int *);
int	hymn_flock_parse(const char *, uint64_t *, uint64_t *);
int	hymn_name_has_flock(const struct hymn_name *);
void	hymn_name_str(const struct hymn_name *, char *, size_t);
void	hymn_name_instance(const struct hymn_name *, int, char *, size_t);

/* hymn_conf_save() when an exclusive save finds the file there. */
#define HYMN_CONF_EXISTS	-2

/* hymn_conf.c, hymn_conf_write.c: the configuration model, read, written. */
int	hymn_conf_parse(const char *, size_t, const struct hymn_name *,
	    struct hymn_conf *, char *, size_t);
int	hymn_conf_render(const struct hymn_conf *, char *, size_t);
int	hymn_conf_load(const char *, const struct hymn_name *,
	    struct hymn_conf *, char *, size_t);
int	hymn_conf_save(const char *, const struct hymn_conf *, int, char *,
	    size_t);
int	hymn_net_parse(const char *, struct hymn_net *);
int	hymn_net_find(const struct hymn_net *, size_t, const struct hymn_net *);
int	hymn_net_add(struct hymn_net *, size_t *, const struct hymn_net *);
int	hymn_net_del(struct hymn_net *, size_t *, const struct hymn_net *);

/* hymn_scan.c: the config directory, tunnels by name. */
void	hymn_conf_path(char *, size_t, const struct hymn_name *);
int	hymn_scan(struct hymn_entry **, size_t *);
void	hymn_resolve(const char *, struct hymn_conf *);
void	hymn_load(const struct hymn_name *, struct hymn_conf *);
void	hymn_save(const struct hymn_conf *, int);
const char *hymn_user(const char *);

/* hymn_pid.c: pidfiles and whether their daemon runs. */
int	hymn_pid_read(const char *, long *);
int	hymn_pid_alive(long);
int	hymn_pid_sanctum(long);

/* hymn_control.c: the control-socket client. */
int	hymn_control_query(const char *, uint8_t, uint8_t *, size_t, char *,
	    size_t);
int	hymn_status_decode(const uint8_t *, size_t, struct hymn_status *);
int	hymn_counters_decode(const uint8_t *, size_t, struct hymn_counter *,
	    size_t, size_t *);
int	hymn_status_online(const struct hymn_status *, uint64_t);
uint64_t hymn_monotonic(void);
int	hymn_status_query(const struct hymn_conf *, struct hymn_status *);

/* The commands. */
int	hymn_cmd_add(int, char **);
int	hymn_cmd_del(int, char **);
int	hymn_cmd_up(int, char **);
int	hymn_cmd_down(int, char **);
int	hymn_cmd_restart(int, char **);
int	hymn_cmd_list(int, char **);
int	hymn_cmd_status(int, char **);
int	hymn_cmd_rekey(int, char **);
int	hymn_cmd_mtu(int, char **);
int	hymn_cmd_name(int, char **);
int	hymn_cmd_route(int, char **);
int	hymn_cmd_accept(int, char **);
int	hymn_cmd_shroud(int, char **);
int	hymn_cmd_bridge(int, char **);
int	hymn_cmd_nat(int, char **);
int	hymn_cmd_cathedral(int, char **);
int	hymn_cmd_remembrance(int, char **);
int	hymn_cmd_keygen(int, char **);
int	hymn_cmd_liturgy(int, char **);
int	hymn_cmd_enroll(int, char **);

#endif
