/*
 * cathedralctl, the operator tool of the cathedral: global options, the
 * subcommands (one file per group) and the helpers they share, such as
 * acting as the database file's owner when run as root.
 */
#ifndef SANCTUM_CATHEDRALCTL_H
#define SANCTUM_CATHEDRALCTL_H

#include <sys/types.h>

#include "db.h"

#define CTL_GROUPS_MAX	256	/* supplementary groups saved while acting */

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
	const char		*keyring;	/* --keyring, for later commands */
	char			 actor[DB_ACTOR_MAX + 1];
	struct ctl_owner	 owner;
};

/* A subcommand: name, function, one line of help. */
struct ctl_cmd {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
	const char	*help;
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

#endif
