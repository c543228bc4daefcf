/*
 * Run as root, cathedralctl acts as the database file's owner: a database
 * in a directory owned by "nobody" is created by nobody, its -wal and -shm
 * are nobody's while it is open, and after the real binary ran init and
 * import as root no file in the directory belongs to root.
 *   test_owner <path to cathedralctl>     (exit 77 = skipped, not root)
 */

#include <dirent.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cathedralctl.h"
#include "check.h"


/* Owner uid of a path, -1 when it does not exist. */
static long
owner_of(const char *path)
{
	struct stat	st;

	if (lstat(path, &st) == -1)
		return (-1);
	return ((long)st.st_uid);
}

/* The helper itself: effective ids while the database is open. */
static void
test_helper(uid_t uid)
{
	struct ctl_owner	 o;
	struct db		*db;
	char			 err[512];

	memset(&o, 0, sizeof(o));
	CHECK(ctl_owner_become(&o, scratch_at("c.db"), err, sizeof(err)) == 0,
	    "become: %s", err);
	CHECK(o.active && geteuid() == uid, "acting as uid %u (euid %u)",
	    (unsigned int)uid, (unsigned int)geteuid());
	db = db_open(scratch_at("c.db"), DB_OPEN_RWC, err, sizeof(err));
	CHECK(db != NULL, "open as owner: %s", err);
	if (db != NULL) {
		CHECK(db_migrate(db) == 0 && db_flock_add(db, "test",
		    0xcafeba00, "") == DB_ADDED, "write as owner: %s",
		    db_error(db));
		CHECK(owner_of(scratch_at("c.db")) == (long)uid, "new db is the "
		    "directory owner's");
		CHECK(owner_of(scratch_at("c.db-wal")) == (long)uid,
		    "-wal owned by uid %u (%ld)", (unsigned int)uid,
		    owner_of(scratch_at("c.db-wal")));
		CHECK(owner_of(scratch_at("c.db-shm")) == (long)uid,
		    "-shm owned by uid %u (%ld)", (unsigned int)uid,
		    owner_of(scratch_at("c.db-shm")));
		db_close(db);
	}
	ctl_owner_restore(&o);
	CHECK(geteuid() == 0 && getegid() == 0, "back to root");
}

/* No file in the directory belongs to root. */
static void
check_no_root_files(const char *when)
{
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(scratch_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "settings") ==
		    0 || strcmp(de->d_name, "secret") == 0)
			continue;
		CHECK(owner_of(scratch_at(de->d_name)) != 0, "%s: %s is root's", when,
		    de->d_name);
	}
	closedir(d);
}

/* The real binary as root on the nobody-owned database. */
static void
test_binary(const char *ctl, uid_t uid)
{
	char	cmd[1024];
	FILE	*fp;

	snprintf(cmd, sizeof(cmd), "%s --db %s init >/dev/null", ctl,
	    scratch_at("c.db"));
	CHECK(system(cmd) == 0, "init as root");
	check_no_root_files("after init");
	if ((fp = fopen(scratch_at("settings"), "w")) == NULL)
		abort();
	fprintf(fp, "federate 192.0.2.7 4500\nflock cafeba00 {\n}\n");
	fclose(fp);
	mkdir(scratch_at("secret"), 0700);
	snprintf(cmd, sizeof(cmd), "%s --db %s import --settings %s "
	    "--secretdir %s >/dev/null", ctl, scratch_at("c.db"), scratch_at("settings"),
	    scratch_at("secret"));
	CHECK(system(cmd) == 0, "import as root");
	CHECK(owner_of(scratch_at("c.db")) == (long)uid, "db still nobody's");
	check_no_root_files("after import");
	CHECK(owner_of(scratch_at("c.db-wal")) == -1 || owner_of(scratch_at("c.db-wal")) ==
	    (long)uid, "-wal not root's");
	CHECK(owner_of(scratch_at("c.db-shm")) == -1 || owner_of(scratch_at("c.db-shm")) ==
	    (long)uid, "-shm not root's");
}

int
main(int argc, char **argv)
{
	struct passwd	*pw;
	int		 ret;

	if (argc != 2)
		return (1);
	if (geteuid() != 0) {
		printf("owner: skipped, needs root to act as another user\n");
		return (77);
	}
	if ((pw = getpwnam("nobody")) == NULL || pw->pw_uid == 0) {
		printf("owner: skipped, no user 'nobody'\n");
		return (77);
	}
	if (scratch_create("sanctum-owner") == -1 || chown(scratch_dir, pw->pw_uid, pw->pw_gid) == -1)
		return (1);
	test_helper(pw->pw_uid);
	test_binary(argv[1], pw->pw_uid);
	ret = check_report("owner");
	if (scratch_remove() == -1)
		ret = 1;
	return (ret);
}
