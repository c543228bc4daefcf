/*
 * cathedralctl audit [--after ID] [--limit N]
 *
 * The append-only audit log: who changed what and when, oldest first.
 */

#include <stdio.h>

#include "cathedralctl.h"

#define AUDIT_USAGE	"audit [--after ID] [--limit N]"

/* One line per event. */
static int
audit_print(void *arg, const struct db_audit *a)
{
	char	when[32];

	(void)arg;
	ctl_time_str(a->at, when, sizeof(when));
	printf("%6lld  %s  %-16s  %-18s  %s%s%s\n", (long long)a->id, when,
	    a->actor, a->action, a->object, a->detail[0] != '\0' ? ": " : "",
	    a->detail);
	return (0);
}

/* audit [--after ID] [--limit N] */
int
ctl_audit(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt	 opts[] = { { "--after", 0, NULL, 0 },
			    { "--limit", 0, NULL, 0 },
			    { NULL, 0, NULL, 0 } };
	struct db	*db;
	uint32_t	 after = 0, limit = 0;
	int		 ret = 0;

	if (ctl_options(ctl, argc, argv, 1, opts, AUDIT_USAGE) != 0)
		return (1);
	if ((ctl_opt(opts, "--after") != NULL && ctl_parse_u32(ctl, "after",
	    ctl_opt(opts, "--after"), UINT32_MAX, &after) == -1) ||
	    (ctl_opt(opts, "--limit") != NULL && ctl_parse_u32(ctl, "limit",
	    ctl_opt(opts, "--limit"), UINT32_MAX, &limit) == -1))
		return (1);
	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	printf("%6s  %-19s  %-16s  %-18s  %s\n", "ID", "TIME (UTC)", "ACTOR",
	    "ACTION", "OBJECT: DETAIL");
	if (db_audit_list(db, after, limit, audit_print, NULL) == -1)
		ret = ctl_error(ctl, "%s", db_error(db));
	ctl_db_close(ctl, db);
	return (ret);
}
