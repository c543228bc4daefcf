/*
 * hymn list [flock]: one line per configuration, grouped under "normal
 * tunnels:", "cathedral tunnels:" and "liturgies:" (a liturgy's tunnels
 * under it, marked " + "), each with its state: down, pending, online
 * (STATUS says both SAs are up and a packet came in within 120 s) or, for
 * a liturgy, running.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hymn.h"

/*
 * The state word of one configuration; a daemon that gave a malformed
 * reply (warned about) sets *rc.
 */
static const char *
state(const struct hymn_entry *e, int *rc)
{
	struct hymn_status	st;
	long			pid;
	int			r;

	r = hymn_pid_read(e->conf.pidfile, &pid);
	if (r == 0 || (r == 1 && !hymn_pid_alive(pid)))
		return ("down");
	if (e->conf.liturgy)
		return ("running");
	if ((r = hymn_status_query(&e->conf, &st)) == HYMN_CTL_ERROR)
		*rc = 1;
	if (r == 0 && hymn_status_online(&st, hymn_monotonic()))
		return ("online");
	return ("pending");
}

/* Whether a canonical name <flock>-xx-xx has the given flock. */
static int
has_flock(const struct hymn_entry *e, const char *flock)
{
	size_t	len = strlen(e->name);

	return (len > 6 && strlen(flock) == len - 6 &&
	    strncmp(e->name, flock, len - 6) == 0);
}

/* The heading of a group, printed before its first line. */
static void
heading(const struct hymn_entry *e, int *printed, const char *filter)
{
	int	g = e->kind == HYMN_KIND_OWNED ? HYMN_KIND_LITURGY : e->kind;

	if (printed[g])
		return;
	printed[g] = 1;
	if (g == HYMN_KIND_NORMAL && filter == NULL)
		printf("normal tunnels:\n");
	else if (g == HYMN_KIND_CATHEDRAL)
		printf("cathedral tunnels:\n");
	else if (g == HYMN_KIND_LITURGY)
		printf("liturgies:\n");
}

/* list [flock]: the tunnels, only those of one flock if given. */
int
hymn_cmd_list(int argc, char **argv)
{
	struct hymn_entry	*v;
	const char		*filter = argc == 2 ? argv[1] : NULL;
	size_t			n, i;
	int			printed[HYMN_KIND_OWNED + 1] = { 0 }, rc = 0;

	if (argc > 2)
		hymn_usage("list [flock]");
	hymn_scan(&v, &n);
	for (i = 0; i < n; i++) {
		if (filter != NULL && !has_flock(&v[i], filter))
			continue;
		if (!v[i].ok) {
			hymn_warn("%s", v[i].err);
			rc = 1;
			continue;
		}
		heading(&v[i], printed, filter);
		printf("%s%s - %s", v[i].kind == HYMN_KIND_OWNED ? "     + " :
		    "    ", v[i].name, state(&v[i], &rc));
		if (v[i].conf.descr[0] != '\0')
			printf(" (%s)", v[i].conf.descr);
		printf("\n");
	}
	free(v);
	return (rc);
}
