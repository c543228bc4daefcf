/*
 * cathedralctl backup FILE
 *
 * An online, consistent copy of the database while the cathedral runs
 * (SQLite's backup interface, one read transaction), created 0600 and
 * checked with integrity_check. FILE must not exist. It holds the cathedral
 * secrets of every node, but never a KEK or a token.
 */

#include <sys/stat.h>

#include <stdio.h>

#include "cathedralctl.h"

/* backup FILE */
int
ctl_backup(struct ctl *ctl, int argc, char **argv)
{
	struct stat	 st;
	struct db	*db;
	int		 ret = 1;

	if (argc != 2)
		return (ctl_error(ctl, "usage: backup FILE"));
	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	if (db_backup(db, argv[1]) == -1)
		ctl_error(ctl, "%s", db_error(db));
	else {
		if (stat(argv[1], &st) == 0)
			printf("%s: %lld bytes, integrity ok\n", argv[1],
			    (long long)st.st_size);
		ret = 0;
	}
	ctl_db_close(ctl, db);
	return (ret);
}
