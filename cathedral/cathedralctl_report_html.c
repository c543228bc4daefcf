/*
 * The report as one self-contained HTML page: inline CSS, the tables of
 * the text report, and an inline SVG chart of the bytes relayed per node
 * and minute over the last 24 hours (db_report_history). Every point
 * carries its node, minute and byte counts as data attributes, so what
 * the chart shows can be checked against the database.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "sanctum_crypto.h"

#define SVG_W		900
#define SVG_H		320
#define SVG_LEFT	80
#define SVG_RIGHT	20
#define SVG_TOP		20
#define SVG_BOTTOM	60
#define SVG_PW		(SVG_W - SVG_LEFT - SVG_RIGHT)
#define SVG_PH		(SVG_H - SVG_TOP - SVG_BOTTOM)

static const char *const	colors[] = {
	"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
	"#e377c2", "#17becf"
};

/* One point: a node's bytes relayed in one minute. */
struct chart_point {
	int64_t		minute;
	uint64_t	in;
	uint64_t	out;
};

/* A node's points, oldest first. */
struct chart_series {
	uint64_t		 flock;
	uint32_t		 csid;
	struct chart_point	*pts;
	size_t			 npts;
};

/* Text with &, <, > and " escaped. */
static void
html_str(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

/* The series of a node, made when first seen. */
static struct chart_series *
chart_series(struct chart_series **s, size_t *n, uint64_t flock,
    uint32_t csid)
{
	struct chart_series	*ns;
	size_t			 i;

	for (i = 0; i < *n; i++) {
		if ((*s)[i].flock == flock && (*s)[i].csid == csid)
			return (&(*s)[i]);
	}
	if ((ns = realloc(*s, (*n + 1) * sizeof(*ns))) == NULL)
		return (NULL);
	*s = ns;
	memset(&ns[*n], 0, sizeof(ns[0]));
	ns[*n].flock = flock;
	ns[*n].csid = csid;
	return (&ns[(*n)++]);
}

/* Sum the history per node and minute (a node may have several tunnels). */
static int
chart_build(const struct report *r, struct chart_series **s, size_t *n,
    uint64_t *max)
{
	const struct db_history	*h;
	struct chart_series	*cs;
	struct chart_point	*np, *last;
	size_t			 i;

	*s = NULL;
	*n = 0;
	*max = 1;
	for (i = 0; i < r->nhistory; i++) {
		h = &r->history[i];
		if ((cs = chart_series(s, n, h->src &
		    ~(uint64_t)SANCTUM_FLOCK_DOMAIN_MASK, h->csid)) == NULL)
			return (-1);
		last = cs->npts > 0 ? &cs->pts[cs->npts - 1] : NULL;
		if (last == NULL || last->minute != h->minute) {
			if ((np = realloc(cs->pts, (cs->npts + 1) *
			    sizeof(*np))) == NULL)
				return (-1);
			cs->pts = np;
			last = &np[cs->npts++];
			memset(last, 0, sizeof(*last));
			last->minute = h->minute;
		}
		last->in += h->bytes_in;
		last->out += h->bytes_out;
		if (last->in + last->out > *max)
			*max = last->in + last->out;
	}
	return (0);
}

/* The name a node goes by in the legend. */
static const char *
chart_name(const struct report *r, const struct chart_series *cs)
{
	size_t	i;

	for (i = 0; i < r->nnodes; i++) {
		if (r->nodes[i].n.flock == cs->flock &&
		    r->nodes[i].n.csid == cs->csid && r->nodes[i].name[0])
			return (r->nodes[i].name);
	}
	return (NULL);
}

/* The axes: the frame, the byte scale and the time scale. */
static void
chart_axes(const struct report *r, FILE *fp, uint64_t max)
{
	char	when[32];
	int64_t	from = r->now - REPORT_HISTORY_SECS;
	int	i;

	fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	    "fill=\"#fafafa\" stroke=\"#bbb\"/>\n", SVG_LEFT, SVG_TOP, SVG_PW,
	    SVG_PH);
	fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%llu B/min"
	    "</text>\n<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
	    SVG_LEFT - 6, SVG_TOP + 4, (unsigned long long)max, SVG_LEFT - 6,
	    SVG_TOP + SVG_PH);
	for (i = 0; i <= 4; i++) {
		ctl_time_str(from + i * (REPORT_HISTORY_SECS / 4), when,
		    sizeof(when));
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
		    "%.16s</text>\n", SVG_LEFT + i * SVG_PW / 4,
		    SVG_TOP + SVG_PH + 16, when);
	}
}

/* One node's line, its points and its legend entry. */
static void
chart_line(const struct report *r, FILE *fp, const struct chart_series *cs,
    size_t idx, uint64_t max)
{
	const char	*color = colors[idx % (sizeof(colors) /
			    sizeof(colors[0]))];
	const char	*name = chart_name(r, cs);
	int64_t		 from = r->now - REPORT_HISTORY_SECS;
	double		 x, y;
	size_t		 i;

	fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" "
	    "stroke-width=\"1.5\" points=\"", color);
	for (i = 0; i < cs->npts; i++) {
		x = SVG_LEFT + (double)(cs->pts[i].minute - from) * SVG_PW /
		    REPORT_HISTORY_SECS;
		y = SVG_TOP + SVG_PH - (double)(cs->pts[i].in +
		    cs->pts[i].out) * SVG_PH / (double)max;
		fprintf(fp, "%s%.1f,%.1f", i ? " " : "", x, y);
	}
	fprintf(fp, "\"/>\n");
	for (i = 0; i < cs->npts; i++) {
		x = SVG_LEFT + (double)(cs->pts[i].minute - from) * SVG_PW /
		    REPORT_HISTORY_SECS;
		y = SVG_TOP + SVG_PH - (double)(cs->pts[i].in +
		    cs->pts[i].out) * SVG_PH / (double)max;
		fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" "
		    "fill=\"%s\" data-node=\"%llx:%08x\" data-minute=\"%lld\" "
		    "data-bytes-in=\"%llu\" data-bytes-out=\"%llu\"/>\n", x, y,
		    color, (unsigned long long)cs->flock, cs->csid,
		    (long long)cs->pts[i].minute,
		    (unsigned long long)cs->pts[i].in,
		    (unsigned long long)cs->pts[i].out);
	}
	fprintf(fp, "<rect x=\"%zu\" y=\"%d\" width=\"10\" height=\"10\" "
	    "fill=\"%s\"/>\n<text x=\"%zu\" y=\"%d\">", SVG_LEFT + idx % 4 *
	    200, SVG_H - 24 + (int)(idx / 4 % 2) * 14, color,
	    SVG_LEFT + idx % 4 * 200 + 14,
	    SVG_H - 15 + (int)(idx / 4 % 2) * 14);
	if (name != NULL)
		html_str(fp, name);
	else
		fprintf(fp, "%llx:%08x", (unsigned long long)cs->flock,
		    cs->csid);
	fprintf(fp, "</text>\n");
}

/* The chart of relayed bytes per node and minute. */
static int
chart(const struct report *r, FILE *fp)
{
	struct chart_series	*s;
	uint64_t		 max;
	size_t			 n, i;
	int			 ret = 0;

	fprintf(fp, "<h2>Relayed traffic, last 24 hours</h2>\n");
	if (chart_build(r, &s, &n, &max) == -1)
		ret = -1;
	else if (n == 0)
		fprintf(fp, "<p>No traffic was relayed in the last 24 "
		    "hours.</p>\n");
	else {
		fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		    "role=\"img\" aria-label=\"bytes relayed per node and "
		    "minute\">\n", SVG_W, SVG_H, SVG_W, SVG_H);
		chart_axes(r, fp, max);
		for (i = 0; i < n; i++)
			chart_line(r, fp, &s[i], i, max);
		fprintf(fp, "</svg>\n");
	}
	for (i = 0; i < n; i++)
		free(s[i].pts);
	free(s);
	return (ret);
}

/* A table; the ambry column is marked when it expires within 7 days. */
static void
html_table(const struct report_table *t, FILE *fp)
{
	const char	*cell;
	size_t		 i, j;

	fprintf(fp, "<h2>%s</h2>\n", t->title);
	if (t->nrows == 0) {
		fprintf(fp, "<p>(none)</p>\n");
		return;
	}
	fprintf(fp, "<table>\n<tr>");
	for (j = 0; j < t->ncols; j++)
		fprintf(fp, "<th>%s</th>", t->head[j]);
	fprintf(fp, "</tr>\n");
	for (i = 0; i < t->nrows; i++) {
		if (t->cls[i] != NULL)
			fprintf(fp, "<tr class=\"%s\">", t->cls[i]);
		else
			fprintf(fp, "<tr>");
		for (j = 0; j < t->ncols; j++) {
			cell = t->cells[i][j];
			fprintf(fp, strcmp(t->head[j], "AMBRY") == 0 &&
			    (strstr(cell, " LOW") != NULL ||
			    strstr(cell, "EXPIRED") != NULL) ?
			    "<td class=\"low\">" : "<td>");
			html_str(fp, cell);
			fprintf(fp, "</td>");
		}
		fprintf(fp, "</tr>\n");
	}
	fprintf(fp, "</table>\n");
}

/* The whole page. */
int
report_html(const struct report *r, FILE *fp)
{
	static const int	 order[] = { REPORT_NODES, REPORT_TUNNELS,
	    REPORT_FLOCKS, REPORT_FEDERATION };
	struct report_table	 t;
	char			 when[32];
	size_t			 i;

	ctl_time_str(r->now, when, sizeof(when));
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>cathedral report %s UTC</title>\n"
	    "<style>\n"
	    "body { font-family: sans-serif; margin: 2em; color: #222; }\n"
	    "table { border-collapse: collapse; margin-bottom: 2em; "
	    "font-size: 90%%; }\n"
	    "th, td { border: 1px solid #ccc; padding: 3px 8px; "
	    "text-align: left; white-space: nowrap; }\n"
	    "th { background: #eee; }\n"
	    "tr.online td:first-child { border-left: 4px solid #2a2; }\n"
	    "tr.offline td:first-child { border-left: 4px solid #d80; }\n"
	    "tr.revoked td { color: #999; text-decoration: line-through; }\n"
	    "td.low { color: #c00; font-weight: bold; }\n"
	    "svg text { font-size: 11px; font-family: sans-serif; }\n"
	    "</style>\n</head>\n<body>\n<h1>Cathedral report</h1>\n"
	    "<p>At %s UTC.</p>\n", when, when);
	if (chart(r, fp) == -1)
		return (-1);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(r->sections & order[i]))
			continue;
		if (report_table(r, order[i], &t) == -1)
			return (-1);
		html_table(&t, fp);
		report_table_free(&t);
	}
	fprintf(fp, "</body>\n</html>\n");
	return (0);
}
