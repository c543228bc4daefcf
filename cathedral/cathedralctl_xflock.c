/*
 * cathedralctl xflock add|del A B | xflock list
 *
 * Cross-flock rules let two flocks' nodes reach each other; removing one
 * also drops the pair's bundles (a database trigger).
 */

#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"

#define XFLOCK_USAGE	"xflock add|del FLOCK-A FLOCK-B | xflock list"

/* One line per rule. */
static int
xflock_print(void *arg, const struct db_xflock *x)
{
	char	when[32];

	(void)arg;
	ctl_time_str(x->created, when, sizeof(when));
	printf("%-16llx  %-16llx  %s\n", (unsigned long long)x->flock_a,
	    (unsigned long long)x->flock_b, when);
	return (0);
}

/* xflock list */
static int
xflock_list(struct ctl *ctl)
{
	struct db	*db;
	int		 ret = 0;

	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	printf("%-16s  %-16s  %s\n", "FLOCK-A", "FLOCK-B", "ADDED");
	if (db_xflocks(db, xflock_print, NULL) == -1)
		ret = ctl_error(ctl, "%s", db_error(db));
	ctl_db_close(ctl, db);
	return (ret);
}

/* xflock add|del A B */
static int
xflock_change(struct ctl *ctl, int add, const char *as, const char *bs)
{
	struct db	*db;
	uint64_t	 a, b;
	int		 rc;

	if (ctl_parse_flock(ctl, as, &a) == -1 ||
	    ctl_parse_flock(ctl, bs, &b) == -1)
		return (1);
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) == NULL)
		return (1);
	rc = add ? db_xflock_add(db, ctl->actor, a, b) :
	    db_xflock_del(db, ctl->actor, a, b);
	if (rc == -1)
		ctl_error(ctl, "%s", db_error(db));
	else
		printf("xflock %llx <=> %llx %s\n", (unsigned long long)a,
		    (unsigned long long)b, !add ? "removed (its bundles "
		    "too)" : rc == DB_PRESENT ? "already present" : "added");
	ctl_db_close(ctl, db);
	return (rc == -1);
}

/* The xflock command group. */
int
ctl_xflock(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return (xflock_list(ctl));
	if (argc == 4 && strcmp(argv[1], "add") == 0)
		return (xflock_change(ctl, 1, argv[2], argv[3]));
	if (argc == 4 && strcmp(argv[1], "del") == 0)
		return (xflock_change(ctl, 0, argv[2], argv[3]));
	return (ctl_error(ctl, "usage: %s", XFLOCK_USAGE));
}
