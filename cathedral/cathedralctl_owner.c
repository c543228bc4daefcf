/*
 * Run as root, cathedralctl acts as the owner of the database file (or, for
 * a new file, of its directory) while the database is open, so the -wal
 * and -shm files SQLite creates are never left owned by root where the
 * cathedral's user could not open them. Also: who the audit log names.
 */

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cathedralctl.h"

/* Print "cathedralctl: message"; returns 1, the exit status of a failure. */
int
ctl_error(struct ctl *ctl, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "%s: ", ctl->progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return (1);
}

/* The owner of the file, or of its directory when it does not exist yet. */
static int
ctl_owner_of(const char *path, uid_t *uid, gid_t *gid, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		 buf[4096];

	if (stat(path, &st) == -1) {
		if (errno != ENOENT || strlen(path) >= sizeof(buf)) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return (-1);
		}
		memcpy(buf, path, strlen(path) + 1);
		if (stat(dirname(buf), &st) == -1) {
			snprintf(err, errlen, "%s: %s", buf, strerror(errno));
			return (-1);
		}
	}
	*uid = st.st_uid;
	*gid = st.st_gid;
	return (0);
}

/*
 * As root, take the uid, gid and only group of the database's owner as the
 * effective identity (the real uid stays 0 so we can switch back).
 */
int
ctl_owner_become(struct ctl_owner *o, const char *path, char *err,
    size_t errlen)
{
	uid_t	uid;
	gid_t	gid;

	o->active = 0;
	if (geteuid() != 0)
		return (0);
	if (ctl_owner_of(path, &uid, &gid, err, errlen) == -1)
		return (-1);
	if (uid == 0 && gid == 0)
		return (0);
	if ((o->ngroups = getgroups(CTL_GROUPS_MAX, o->groups)) == -1) {
		snprintf(err, errlen, "getgroups: %s", strerror(errno));
		return (-1);
	}
	if (setgroups(1, &gid) == -1 || setegid(gid) == -1 ||
	    seteuid(uid) == -1) {
		snprintf(err, errlen, "acting as uid %u gid %u, the owner of "
		    "%s: %s", (unsigned int)uid, (unsigned int)gid, path,
		    strerror(errno));
		(void)setegid(0);
		(void)setgroups((size_t)o->ngroups, o->groups);
		return (-1);
	}
	o->active = 1;
	o->uid = uid;
	o->gid = gid;
	return (0);
}

/* Back to root after the database is closed. */
void
ctl_owner_restore(struct ctl_owner *o)
{
	if (!o->active)
		return;
	if (seteuid(0) == -1 || setegid(0) == -1 ||
	    setgroups((size_t)o->ngroups, o->groups) == -1) {
		fprintf(stderr, "cannot return to root: %s\n",
		    strerror(errno));
		abort();
	}
	o->active = 0;
}

/* Print bad-row and flush warnings from the db layer. */
static void
ctl_warn(void *arg, const char *msg)
{
	struct ctl	*ctl = arg;

	fprintf(stderr, "%s: warning: %s\n", ctl->progname, msg);
}

/* Open the database as its owner; NULL after printing why. */
struct db *
ctl_db_open(struct ctl *ctl, int mode)
{
	struct db	*db;
	char		 err[512];

	if (ctl_owner_become(&ctl->owner, ctl->db_path, err,
	    sizeof(err)) == -1) {
		ctl_error(ctl, "%s", err);
		return (NULL);
	}
	if ((db = db_open(ctl->db_path, mode, err, sizeof(err))) == NULL) {
		ctl_owner_restore(&ctl->owner);
		ctl_error(ctl, "%s", err);
		return (NULL);
	}
	db_set_warn(db, ctl_warn, ctl);
	return (db);
}

/* Close the database and stop acting as its owner. */
void
ctl_db_close(struct ctl *ctl, struct db *db)
{
	db_close(db);
	ctl_owner_restore(&ctl->owner);
}

/*
 * The audit log's actor: the invoking user's name (and the sudo user).
 * Only names that the audit table accepts are used.
 */
void
ctl_actor(struct ctl *ctl)
{
	struct passwd	*pw;
	const char	*sudo = getenv("SUDO_USER");
	char		 name[32];
	size_t		 i;

	if ((pw = getpwuid(getuid())) != NULL)
		snprintf(name, sizeof(name), "%s", pw->pw_name);
	else
		snprintf(name, sizeof(name), "uid %u",
		    (unsigned int)getuid());
	if (getuid() == 0 && sudo != NULL && sudo[0] != '\0')
		snprintf(ctl->actor, sizeof(ctl->actor), "%s (sudo %.20s)", name,
		    sudo);
	else
		snprintf(ctl->actor, sizeof(ctl->actor), "%s", name);
	for (i = 0; ctl->actor[i] != '\0'; i++) {
		if (ctl->actor[i] < ' ' || ctl->actor[i] > '~')
			ctl->actor[i] = '?';
	}
}
