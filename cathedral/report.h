/*
 * The cathedralctl report: what the database says about nodes, tunnels,
 * flocks and federation at a moment, gathered once and rendered as text,
 * JSON or one self-contained HTML page with a chart of the per-minute
 * relay history. Private to cathedralctl_report*.c.
 */
#ifndef SANCTUM_REPORT_H
#define SANCTUM_REPORT_H

#include <stdio.h>

#include "cathedralctl.h"

#define REPORT_NODES		0x01
#define REPORT_TUNNELS		0x02
#define REPORT_FLOCKS		0x04
#define REPORT_FEDERATION	0x08
#define REPORT_ALL		0x0f

#define REPORT_ONLINE_SECS	120		/* seen this recently: online */
#define REPORT_LOW_SECS		(7 * 86400)	/* ambry expires soon */
#define REPORT_HISTORY_SECS	86400		/* the chart's window */
#define REPORT_COLS		12
#define REPORT_CELL		96

/* A node: its identity, latest endpoint, totals and flock's bundle. */
struct report_node {
	struct db_node	n;		/* n.name points at name */
	char		name[DB_NAME_MAX + 1];
	char		peers[DB_PEERS * 3 + 1];
};

/* A flock with its description copied. */
struct report_flock {
	struct db_flock_report	f;	/* f.descr points at descr */
	char			descr[DB_DESCR_MAX + 1];
};

/* Everything a report shows, read in one go. */
struct report {
	int64_t			 now;
	int			 sections;
	struct report_node	*nodes;
	size_t			 nnodes;
	struct db_tunnel	*tunnels;
	size_t			 ntunnels;
	struct report_flock	*flocks;
	size_t			 nflocks;
	struct db_federation	*fed;
	size_t			 nfed;
	struct db_history	*history;
	size_t			 nhistory;
};

/* One section as a table of text cells, for the text and HTML output. */
struct report_table {
	const char	*title;
	size_t		 ncols;
	const char	*head[REPORT_COLS];
	size_t		 nrows;
	char		(*cells)[REPORT_COLS][REPORT_CELL];
	const char	**cls;		/* per row: a CSS class or NULL */
};

/* cathedralctl_report.c */
int	report_table(const struct report *, int section,
	    struct report_table *);
void	report_table_free(struct report_table *);
const char *report_state(const struct report *, const struct report_node *);

/* cathedralctl_report_html.c */
int	report_html(const struct report *, FILE *);

#endif
