/*
 * cathedralctl federation add|del IP PORT | federation list
 *
 * The cathedrals this one federates with (cathedral.md 3.10); the list
 * may hold this cathedral's own address, which the cathedral skips.
 */

#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"

#define FED_USAGE	"federation add|del IP PORT | federation list"

/* One line per peer. */
static int
fed_print(void *arg, const struct db_federation *f)
{
	char	addr[32], when[32];

	(void)arg;
	snprintf(addr, sizeof(addr), "%u.%u.%u.%u:%u", f->ip[0], f->ip[1],
	    f->ip[2], f->ip[3], f->port);
	ctl_time_str(f->created, when, sizeof(when));
	printf("%-21s  %s\n", addr, when);
	return (0);
}

/* federation list */
static int
fed_list(struct ctl *ctl)
{
	struct db	*db;
	int		 ret = 0;

	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	printf("%-21s  %s\n", "PEER", "ADDED");
	if (db_federation(db, fed_print, NULL) == -1)
		ret = ctl_error(ctl, "%s", db_error(db));
	ctl_db_close(ctl, db);
	return (ret);
}

/* federation add|del IP PORT */
static int
fed_change(struct ctl *ctl, int add, const char *ips, const char *ports)
{
	struct db	*db;
	uint8_t		 ip[4];
	uint16_t	 port;
	int		 rc;

	if (ctl_parse_ip(ctl, ips, ip) == -1 ||
	    ctl_parse_port(ctl, "federation port", ports, 0, &port) == -1)
		return (1);
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) == NULL)
		return (1);
	rc = add ? db_federation_add(db, ctl->actor, ip, port) :
	    db_federation_del(db, ctl->actor, ip, port);
	if (rc == -1)
		ctl_error(ctl, "%s", db_error(db));
	else
		printf("federation %s:%u %s\n", ips, port, !add ? "removed" :
		    rc == DB_PRESENT ? "already present" : "added");
	ctl_db_close(ctl, db);
	return (rc == -1);
}

/* The federation command group. */
int
ctl_federation(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return (fed_list(ctl));
	if (argc == 4 && strcmp(argv[1], "add") == 0)
		return (fed_change(ctl, 1, argv[2], argv[3]));
	if (argc == 4 && strcmp(argv[1], "del") == 0)
		return (fed_change(ctl, 0, argv[2], argv[3]));
	return (ctl_error(ctl, "usage: %s", FED_USAGE));
}
