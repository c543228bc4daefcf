/*
 * cathedralctl --db PATH init: create the database (0600) and migrate it.
 * An existing file is only touched when it is empty or already ours; then
 * init just brings its schema to the latest version.
 */

#include <stdio.h>

#include "cathedralctl.h"

/* Create or migrate, and say which. */
int
ctl_init(struct ctl *ctl, int argc, char **argv)
{
	struct db	*db;
	char		 detail[64];
	int		 before, after, ret = 1;

	(void)argv;
	if (argc != 1)
		return (ctl_error(ctl, "usage: init (no arguments)"));
	if ((db = ctl_db_open(ctl, DB_OPEN_RWC)) == NULL)
		return (1);
	if (db_user_version(db, &before) == -1 || db_migrate(db) == -1 ||
	    db_user_version(db, &after) == -1) {
		ctl_error(ctl, "%s: %s", ctl->db_path, db_error(db));
		goto out;
	}
	if (before != after) {
		snprintf(detail, sizeof(detail), "schema version %d to %d",
		    before, after);
		if (db_audit_note(db, ctl->actor, "db.migrate", "database",
		    detail) == -1) {
			ctl_error(ctl, "%s: %s", ctl->db_path, db_error(db));
			goto out;
		}
	}
	(void)db_checkpoint(db);
	if (before == after)
		printf("%s: schema version %d, nothing to do\n", ctl->db_path,
		    after);
	else if (before == 0)
		printf("%s: created, schema version %d\n", ctl->db_path,
		    after);
	else
		printf("%s: migrated from schema version %d to %d\n",
		    ctl->db_path, before, after);
	ret = 0;
out:
	ctl_db_close(ctl, db);
	return (ret);
}
