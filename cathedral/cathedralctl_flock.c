/*
 * cathedralctl flock add F [--descr TEXT] | flock list
 *
 * Flocks are the namespaces identities, bundles and cross-flock rules
 * belong to; they are added first and listed with their descriptions.
 */

#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"

#define FLOCK_USAGE	"flock add FLOCK [--descr TEXT] | flock list"

/* One line per flock. */
static int
flock_print(void *arg, const struct db_flock *f)
{
	char	when[32];

	(void)arg;
	ctl_time_str(f->created, when, sizeof(when));
	printf("%-16llx  %s  %s\n", (unsigned long long)f->id, when, f->descr);
	return (0);
}

/* flock list */
static int
flock_list(struct ctl *ctl)
{
	struct db	*db;
	int		 ret = 0;

	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	printf("%-16s  %-19s  %s\n", "FLOCK", "CREATED", "DESCRIPTION");
	if (db_flocks(db, flock_print, NULL) == -1)
		ret = ctl_error(ctl, "%s", db_error(db));
	ctl_db_close(ctl, db);
	return (ret);
}

/* flock add FLOCK [--descr TEXT] */
static int
flock_add(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt	 opts[] = { { "--descr", 0, NULL, 0 },
			    { NULL, 0, NULL, 0 } };
	struct db	*db;
	const char	*descr;
	uint64_t	 flock;
	int		 rc;

	if (argc < 3)
		return (ctl_error(ctl, "usage: %s", FLOCK_USAGE));
	if (ctl_parse_flock(ctl, argv[2], &flock) == -1 ||
	    ctl_options(ctl, argc, argv, 3, opts, FLOCK_USAGE) != 0)
		return (1);
	if ((descr = ctl_opt(opts, "--descr")) == NULL)
		descr = "";
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) == NULL)
		return (1);
	rc = db_flock_add(db, ctl->actor, flock, descr);
	if (rc == -1)
		ctl_error(ctl, "%s", db_error(db));
	else
		printf("flock %llx %s\n", (unsigned long long)flock,
		    rc == DB_PRESENT ? "already present" : "added");
	ctl_db_close(ctl, db);
	return (rc == -1);
}

/* The flock command group. */
int
ctl_flock(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return (flock_list(ctl));
	if (argc >= 2 && strcmp(argv[1], "add") == 0)
		return (flock_add(ctl, argc, argv));
	return (ctl_error(ctl, "usage: %s", FLOCK_USAGE));
}
