/*
 * cathedralctl, the operator tool of the cathedral: global options, the
 * subcommands (one file per group) and the helpers they share, such as
 * acting as the database file's owner when run as root.
 */
#ifndef SANCTUM_CATHEDRALCTL_H
#define SANCTUM_CATHEDRALCTL_H

#include <sys/types.h>

#include <stdio.h>

#include "db.h"
#include "keyring.h"

struct enroll_material;

#define CTL_GROUPS_MAX	256	/* supplementary groups saved while acting */
#define CTL_PATH_MAX	4096
#define CTL_HOST_MAX	253
#define CTL_AMBRY_DAYS	30	/* default lifetime of a new generation */
#define CTL_OPTS_MAX	24

/* Who root was before acting as the database owner. */
struct ctl_owner {
	int		active;
	uid_t		uid;
	gid_t		gid;
	int		ngroups;
	gid_t		groups[CTL_GROUPS_MAX];
};

struct ctl {
	const char		*progname;
	const char		*db_path;	/* --db, required */
	const char		*keyring;	/* --keyring: <db>.keyring */
	char			 actor[DB_ACTOR_MAX + 1];
	struct ctl_owner	 owner;
};

/* A subcommand: name, function, one line of help. */
struct ctl_cmd {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
	const char	*help;
};

/* One "--name value" option (flag: no value); filled by ctl_options(). */
struct ctl_opt {
	const char	*name;
	int		 flag;
	const char	*value;
	int		 set;
};

/* The node an enrollment or token is for: who, where, and how it runs. */
struct ctl_profile {
	int		 liturgy;	/* 1 = liturgy mode, 0 = tunnel */
	uint64_t	 flock;
	uint8_t		 peer;
	uint8_t		 to;		/* tunnel: the remote peer id */
	uint16_t	 group;		/* liturgy group */
	uint8_t		 net[4];	/* liturgy prefix or tunnel address */
	uint8_t		 netlen;
	int		 address;	/* tunnel: --address given */
	char		 host[CTL_HOST_MAX + 1];
	uint16_t	 port;
	uint16_t	 natport;
	const char	*name;
	uint32_t	 mbit;
};

/* A node named by NAME or FLOCK:CSID, with its allow rules. */
struct ctl_node {
	uint64_t	flock;
	uint32_t	csid;
	char		name[DB_NAME_MAX + 1];
	int		revoked;
	size_t		nallow;
	struct db_allow	allow[DB_PEERS];
};

/* The keyring, locked while it is open. */
struct ctl_keyring {
	struct keyring	kr;
	char		path[CTL_PATH_MAX];
	int		lock;
	int		missing;
};

/* cathedralctl_owner.c */
int		 ctl_owner_become(struct ctl_owner *, const char *path,
		    char *err, size_t errlen);
void		 ctl_owner_restore(struct ctl_owner *);
struct db	*ctl_db_open(struct ctl *, int mode);
void		 ctl_db_close(struct ctl *, struct db *);
void		 ctl_actor(struct ctl *);
int		 ctl_error(struct ctl *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

/* cathedralctl_init.c */
int		 ctl_init(struct ctl *, int, char **);

/* cathedralctl_import.c */
int		 ctl_import(struct ctl *, int, char **);

/* cathedralctl_util.c: argument parsing shared by the subcommands. */
int		 ctl_options(struct ctl *, int argc, char **argv, int first,
		    struct ctl_opt *, const char *usage);
const char	*ctl_opt(const struct ctl_opt *, const char *name);
int		 ctl_parse_flock(struct ctl *, const char *, uint64_t *);
int		 ctl_parse_peer(struct ctl *, const char *, uint8_t *);
int		 ctl_parse_u32(struct ctl *, const char *what, const char *,
		    uint32_t max, uint32_t *);
int		 ctl_parse_ip(struct ctl *, const char *, uint8_t ip[4]);
int		 ctl_parse_port(struct ctl *, const char *what, const char *,
		    int zero, uint16_t *);
int		 ctl_parse_net(struct ctl *, const char *, uint8_t ip[4],
		    uint8_t *len);
int		 ctl_parse_hostport(struct ctl *, const char *, char *host,
		    size_t hostlen, uint16_t *port);
int		 ctl_parse_duration(struct ctl *, const char *, int64_t *);
int		 ctl_parse_time(struct ctl *, const char *, int64_t *);
void		 ctl_time_str(int64_t, char *, size_t);
int		 ctl_name_ok(struct ctl *, const char *);
struct db	*ctl_db_use(struct ctl *, int mode);

/* cathedralctl_keyring.c */
int		 ctl_keyring_open(struct ctl *, struct ctl_keyring *);
int		 ctl_keyring_save(struct ctl *, struct ctl_keyring *);
void		 ctl_keyring_close(struct ctl_keyring *);
int		 ctl_keyring_ensure(struct ctl *, struct ctl_keyring *,
		    uint64_t flock, uint8_t peer, int *created);

/* cathedralctl_flock.c */
int		 ctl_flock(struct ctl *, int, char **);

/* cathedralctl_node.c */
int		 ctl_node(struct ctl *, int, char **);
int		 ctl_node_find(struct ctl *, struct db *, const char *spec,
		    struct ctl_node *);
int		 ctl_peer_active(struct ctl *, struct db *, uint64_t flock,
		    uint8_t peer, uint32_t except_csid);

/* cathedralctl_federation.c */
int		 ctl_federation(struct ctl *, int, char **);

/* cathedralctl_xflock.c */
int		 ctl_xflock(struct ctl *, int, char **);

/* cathedralctl_profile.c */
int		 ctl_profile_parse(struct ctl *, const struct ctl_opt *,
		    struct ctl_profile *);
int		 ctl_profile_check(struct ctl *, const struct ctl_profile *);
void		 ctl_profile_material(const struct ctl_profile *,
		    const uint8_t *kek, struct enroll_material *);

/* cathedralctl_enroll.c */
int		 ctl_enroll(struct ctl *, int, char **);

/* cathedralctl_token.c */
int		 ctl_token(struct ctl *, int, char **);

/* cathedralctl_ambry.c */
int		 ctl_ambry(struct ctl *, int, char **);
int		 ctl_ambry_make(struct ctl *, struct db *,
		    const struct keyring *, uint64_t a, uint64_t b,
		    uint32_t days, uint32_t *gen);
int		 ctl_ambry_flock(struct ctl *, struct db *,
		    const struct keyring *, uint64_t flock, uint32_t days);

/* cathedralctl_revoke.c */
int		 ctl_revoke(struct ctl *, int, char **);

/* cathedralctl_kek.c */
int		 ctl_kek(struct ctl *, int, char **);

/* cathedralctl_audit.c */
int		 ctl_audit(struct ctl *, int, char **);

/* cathedralctl_backup.c */
int		 ctl_backup(struct ctl *, int, char **);

/* cathedralctl_report.c, cathedralctl_report_html.c */
int		 ctl_report(struct ctl *, int, char **);

#endif
