/*
 * cathedralctl report [nodes|tunnels|flocks|federation] [--json]
 *     [--html FILE] [--now TIME]
 *
 * What the cathedral's database knows, at a moment (--now pins it, for
 * tests): per node its flock, peer ids, name, state (online when its
 * endpoint was seen within 120 s, offline, revoked), last seen, external
 * address, relayed or peer-to-peer, bytes relayed each way, the flock's
 * ambry generation and expiry (flagged under 7 days) and key age; the
 * tunnels, flocks and federation peers. As aligned text, as JSON, or as
 * one HTML page (cathedralctl_report_html.c).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

#define REPORT_USAGE	"report [nodes|tunnels|flocks|federation] [--json] " \
			"[--html FILE] [--now TIME]"

/* Append one element to a growing array. */
static void *
report_grow(void *arr, size_t *n, size_t size)
{
	char	*na;

	if ((na = realloc(arr, (*n + 1) * size)) == NULL)
		return (NULL);
	memset(na + *n * size, 0, size);
	(*n)++;
	return (na);
}

/* Keep a node (its strings copied). */
static int
report_node_cb(void *arg, const struct db_node *n)
{
	struct report		*r = arg;
	struct report_node	*rn, *na;

	if ((na = report_grow(r->nodes, &r->nnodes, sizeof(*na))) == NULL)
		return (-1);
	r->nodes = na;
	rn = &na[r->nnodes - 1];
	rn->n = *n;
	snprintf(rn->name, sizeof(rn->name), "%s", n->name);
	return (0);
}

/* Order nodes by flock (unsigned), then CS id. */
static int
report_node_cmp(const void *a, const void *b)
{
	const struct db_node	*x = &((const struct report_node *)a)->n;
	const struct db_node	*y = &((const struct report_node *)b)->n;

	if (x->flock != y->flock)
		return (x->flock < y->flock ? -1 : 1);
	return (x->csid < y->csid ? -1 : x->csid > y->csid);
}

/* Fill a node's peer id list from its allow rules. */
static int
report_peers_cb(void *arg, const struct db_identity *id)
{
	struct report		*r = arg;
	struct report_node	 key, *rn;
	size_t			 i, off = 0;

	key.n.flock = id->flock;
	key.n.csid = id->csid;
	if ((rn = bsearch(&key, r->nodes, r->nnodes, sizeof(*rn),
	    report_node_cmp)) == NULL)
		return (0);
	for (i = 0; i < id->nallow; i++)
		off += (size_t)snprintf(rn->peers + off, sizeof(rn->peers) -
		    off, "%s%02x", i > 0 ? " " : "", id->allow[i].peer);
	return (0);
}

/* Keep a tunnel. */
static int
report_tunnel_cb(void *arg, const struct db_tunnel *t)
{
	struct report		*r = arg;
	struct db_tunnel	*na;

	if ((na = report_grow(r->tunnels, &r->ntunnels, sizeof(*na))) == NULL)
		return (-1);
	r->tunnels = na;
	na[r->ntunnels - 1] = *t;
	return (0);
}

/* Order tunnels by source, destination (unsigned) and tunnel id. */
static int
report_tunnel_cmp(const void *a, const void *b)
{
	const struct db_endpoint	*x = &((const struct db_tunnel *)a)->ep;
	const struct db_endpoint	*y = &((const struct db_tunnel *)b)->ep;

	if (x->src != y->src)
		return (x->src < y->src ? -1 : 1);
	if (x->dst != y->dst)
		return (x->dst < y->dst ? -1 : 1);
	return (x->tunnel - y->tunnel);
}

/* Keep a flock (its description copied). */
static int
report_flock_cb(void *arg, const struct db_flock_report *f)
{
	struct report		*r = arg;
	struct report_flock	*na;

	if ((na = report_grow(r->flocks, &r->nflocks, sizeof(*na))) == NULL)
		return (-1);
	r->flocks = na;
	na[r->nflocks - 1].f = *f;
	snprintf(na[r->nflocks - 1].descr, sizeof(na[0].descr), "%s",
	    f->descr);
	return (0);
}

/* Order flocks by id (unsigned). */
static int
report_flock_cmp(const void *a, const void *b)
{
	uint64_t	x = ((const struct report_flock *)a)->f.id;
	uint64_t	y = ((const struct report_flock *)b)->f.id;

	return (x < y ? -1 : x > y);
}

/* Keep a federation peer. */
static int
report_fed_cb(void *arg, const struct db_federation *f)
{
	struct report		*r = arg;
	struct db_federation	*na;

	if ((na = report_grow(r->fed, &r->nfed, sizeof(*na))) == NULL)
		return (-1);
	r->fed = na;
	na[r->nfed - 1] = *f;
	return (0);
}

/* Keep a history row. */
static int
report_history_cb(void *arg, const struct db_history *h)
{
	struct report		*r = arg;
	struct db_history	*na;

	if ((na = report_grow(r->history, &r->nhistory, sizeof(*na))) == NULL)
		return (-1);
	r->history = na;
	na[r->nhistory - 1] = *h;
	return (0);
}

/* Read what the sections need; the chart needs the history. */
static int
report_load(struct report *r, struct db *db, int html)
{
	size_t	i;

	if (db_report_nodes(db, report_node_cb, r) == -1)
		return (-1);
	qsort(r->nodes, r->nnodes, sizeof(*r->nodes), report_node_cmp);
	for (i = 0; i < r->nnodes; i++)
		r->nodes[i].n.name = r->nodes[i].name;
	if (db_identities(db, report_peers_cb, r) == -1 ||
	    db_report_tunnels(db, report_tunnel_cb, r) == -1 ||
	    db_report_flocks(db, report_flock_cb, r) == -1 ||
	    db_federation(db, report_fed_cb, r) == -1)
		return (-1);
	qsort(r->tunnels, r->ntunnels, sizeof(*r->tunnels), report_tunnel_cmp);
	qsort(r->flocks, r->nflocks, sizeof(*r->flocks), report_flock_cmp);
	for (i = 0; i < r->nflocks; i++)
		r->flocks[i].f.descr = r->flocks[i].descr;
	if (html && db_report_history(db, r->now - REPORT_HISTORY_SECS,
	    r->now + 1, report_history_cb, r) == -1)
		return (-1);
	return (0);
}

/* How long ago t was, coarsely: 45s, 12m, 5h or 3d. */
static void
fmt_ago(int64_t now, int64_t t, char *buf, size_t len)
{
	int64_t	d = now - t;

	if (d < 0)
		snprintf(buf, len, "%llds ahead", (long long)-d);
	else if (d < 120)
		snprintf(buf, len, "%llds ago", (long long)d);
	else if (d < 7200)
		snprintf(buf, len, "%lldm ago", (long long)(d / 60));
	else if (d < 172800)
		snprintf(buf, len, "%lldh ago", (long long)(d / 3600));
	else
		snprintf(buf, len, "%lldd ago", (long long)(d / 86400));
}

/* A duration in its two largest units. */
static void
fmt_duration(int64_t d, char *buf, size_t len)
{
	if (d < 0)
		d = 0;
	if (d >= 86400)
		snprintf(buf, len, "%lldd %lldh", (long long)(d / 86400),
		    (long long)(d % 86400 / 3600));
	else if (d >= 3600)
		snprintf(buf, len, "%lldh %lldm", (long long)(d / 3600),
		    (long long)(d % 3600 / 60));
	else if (d >= 60)
		snprintf(buf, len, "%lldm %llds", (long long)(d / 60),
		    (long long)(d % 60));
	else
		snprintf(buf, len, "%llds", (long long)d);
}

/* A byte count in binary units. */
static void
fmt_bytes(uint64_t n, char *buf, size_t len)
{
	static const char	*units[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB" };
	double			 v = (double)n;
	size_t			 u = 0;

	if (n < 1024) {
		snprintf(buf, len, "%llu B", (unsigned long long)n);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

/* "a.b.c.d:port". */
static void
fmt_addr(const uint8_t ip[4], uint16_t port, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u:%u", ip[0], ip[1], ip[2], ip[3], port);
}

/* Last seen: relative and absolute, or "never". */
static void
fmt_seen(int64_t now, int has, int64_t t, char *buf, size_t len)
{
	char	ago[32], when[32];

	if (!has) {
		snprintf(buf, len, "never");
		return;
	}
	fmt_ago(now, t, ago, sizeof(ago));
	ctl_time_str(t, when, sizeof(when));
	snprintf(buf, len, "%s, %s", ago, when);
}

/* The newest bundle: generation, expiry, days left and a flag. */
static void
fmt_ambry(int64_t now, int has, uint32_t gen, int64_t expires, char *buf,
    size_t len)
{
	char	when[32];

	if (!has) {
		snprintf(buf, len, "none");
		return;
	}
	ctl_time_str(expires, when, sizeof(when));
	if (expires < now)
		snprintf(buf, len, "%08x until %s EXPIRED", gen, when);
	else
		snprintf(buf, len, "%08x until %s (%lldd left)%s", gen, when,
		    (long long)((expires - now) / 86400),
		    expires - now < REPORT_LOW_SECS ? " LOW" : "");
}

/* online, offline or revoked. */
const char *
report_state(const struct report *r, const struct report_node *rn)
{
	if (rn->n.revoked)
		return ("revoked");
	if (rn->n.has_endpoint && r->now - rn->n.ep.last_seen <=
	    REPORT_ONLINE_SECS)
		return ("online");
	return ("offline");
}

/* A new table with its head; rows are added by table_row(). */
static void
table_init(struct report_table *t, const char *title, size_t ncols,
    const char *const *head)
{
	size_t	i;

	memset(t, 0, sizeof(*t));
	t->title = title;
	t->ncols = ncols;
	for (i = 0; i < ncols; i++)
		t->head[i] = head[i];
}

/* A new empty row; NULL when out of memory. */
static char (*table_row(struct report_table *t, const char *cls))[REPORT_CELL]
{
	char		(*nc)[REPORT_COLS][REPORT_CELL];
	const char	**ncls;

	if ((nc = realloc(t->cells, (t->nrows + 1) * sizeof(*nc))) == NULL)
		return (NULL);
	t->cells = nc;
	if ((ncls = realloc(t->cls, (t->nrows + 1) * sizeof(*ncls))) == NULL)
		return (NULL);
	t->cls = ncls;
	memset(nc[t->nrows], 0, sizeof(nc[0]));
	ncls[t->nrows] = cls;
	return (nc[t->nrows++]);
}

/* The nodes section. */
static int
table_nodes(const struct report *r, struct report_table *t)
{
	static const char *const	 head[] = { "FLOCK", "CSID", "NAME",
		"PEERS", "STATE", "LAST SEEN", "ADDRESS", "PATH",
		"RELAYED IN", "RELAYED OUT", "AMBRY", "KEY AGE" };
	const struct db_node		*n;
	char				(*c)[REPORT_CELL];
	size_t				 i;

	table_init(t, "nodes", 12, head);
	for (i = 0; i < r->nnodes; i++) {
		n = &r->nodes[i].n;
		if ((c = table_row(t, report_state(r, &r->nodes[i]))) == NULL)
			return (-1);
		snprintf(c[0], REPORT_CELL, "%llx",
		    (unsigned long long)n->flock);
		snprintf(c[1], REPORT_CELL, "%08x", n->csid);
		snprintf(c[2], REPORT_CELL, "%s", n->name[0] ? n->name : "-");
		snprintf(c[3], REPORT_CELL, "%.*s", REPORT_CELL - 1,
		    r->nodes[i].peers[0] ? r->nodes[i].peers : "-");
		snprintf(c[4], REPORT_CELL, "%s",
		    report_state(r, &r->nodes[i]));
		fmt_seen(r->now, n->has_endpoint, n->ep.last_seen, c[5],
		    REPORT_CELL);
		if (n->has_endpoint) {
			fmt_addr(n->ep.ip, n->ep.port, c[6], REPORT_CELL);
			snprintf(c[7], REPORT_CELL, "%s", n->ep.direct ? "p2p" :
			    "relayed");
		} else {
			snprintf(c[6], REPORT_CELL, "-");
			snprintf(c[7], REPORT_CELL, "-");
		}
		fmt_bytes(n->bytes_in, c[8], REPORT_CELL);
		fmt_bytes(n->bytes_out, c[9], REPORT_CELL);
		fmt_ambry(r->now, n->has_bundle, n->bundle_generation,
		    n->bundle_expires_at, c[10], REPORT_CELL);
		if (n->has_bundle && n->has_endpoint &&
		    n->ep.ambry_generation != 0 &&
		    n->ep.ambry_generation != n->bundle_generation)
			snprintf(c[10] + strlen(c[10]), REPORT_CELL -
			    strlen(c[10]), ", node has %08x",
			    n->ep.ambry_generation);
		if (n->has_endpoint && n->ep.rx_active_seen != 0)
			fmt_duration(r->now - n->ep.rx_active_seen, c[11],
			    REPORT_CELL);
		else
			snprintf(c[11], REPORT_CELL, "-");
	}
	return (0);
}

/* The tunnels section. */
static int
table_tunnels(const struct report *r, struct report_table *t)
{
	static const char *const	 head[] = { "SRC", "DST", "TUNNEL",
		"CSID", "ADDRESS", "PATH", "FEDERATED", "LAST SEEN",
		"RELAYED IN", "RELAYED OUT", "KEY AGE" };
	const struct db_endpoint	*e;
	char				(*c)[REPORT_CELL];
	size_t				 i;

	table_init(t, "tunnels", 11, head);
	for (i = 0; i < r->ntunnels; i++) {
		e = &r->tunnels[i].ep;
		if ((c = table_row(t, r->now - e->last_seen <=
		    REPORT_ONLINE_SECS ? "online" : "offline")) == NULL)
			return (-1);
		snprintf(c[0], REPORT_CELL, "%llx", (unsigned long long)e->src);
		snprintf(c[1], REPORT_CELL, "%llx", (unsigned long long)e->dst);
		snprintf(c[2], REPORT_CELL, "%04x", e->tunnel);
		snprintf(c[3], REPORT_CELL, "%08x", e->csid);
		fmt_addr(e->ip, e->port, c[4], REPORT_CELL);
		snprintf(c[5], REPORT_CELL, "%s", e->direct ? "p2p" :
		    "relayed");
		snprintf(c[6], REPORT_CELL, "%s", e->federated ? "yes" : "no");
		fmt_seen(r->now, 1, e->last_seen, c[7], REPORT_CELL);
		fmt_bytes(r->tunnels[i].bytes_in, c[8], REPORT_CELL);
		fmt_bytes(r->tunnels[i].bytes_out, c[9], REPORT_CELL);
		if (e->rx_active_seen != 0)
			fmt_duration(r->now - e->rx_active_seen, c[10],
			    REPORT_CELL);
		else
			snprintf(c[10], REPORT_CELL, "-");
	}
	return (0);
}

/* The flocks section. */
static int
table_flocks(const struct report *r, struct report_table *t)
{
	static const char *const	 head[] = { "FLOCK", "DESCRIPTION",
		"NODES", "REVOKED", "RULES", "ENDPOINTS", "BUNDLES", "AMBRY" };
	const struct db_flock_report	*f;
	char				(*c)[REPORT_CELL];
	size_t				 i;

	table_init(t, "flocks", 8, head);
	for (i = 0; i < r->nflocks; i++) {
		f = &r->flocks[i].f;
		if ((c = table_row(t, NULL)) == NULL)
			return (-1);
		snprintf(c[0], REPORT_CELL, "%llx", (unsigned long long)f->id);
		snprintf(c[1], REPORT_CELL, "%s", f->descr[0] ? f->descr : "-");
		snprintf(c[2], REPORT_CELL, "%zu", f->identities);
		snprintf(c[3], REPORT_CELL, "%zu", f->revoked);
		snprintf(c[4], REPORT_CELL, "%zu", f->allow_rules);
		snprintf(c[5], REPORT_CELL, "%zu", f->endpoints);
		snprintf(c[6], REPORT_CELL, "%zu", f->bundles);
		fmt_ambry(r->now, f->has_bundle, f->bundle_generation,
		    f->bundle_expires_at, c[7], REPORT_CELL);
	}
	return (0);
}

/* The federation section. */
static int
table_federation(const struct report *r, struct report_table *t)
{
	static const char *const	 head[] = { "PEER", "ADDED" };
	char				(*c)[REPORT_CELL];
	size_t				 i;

	table_init(t, "federation", 2, head);
	for (i = 0; i < r->nfed; i++) {
		if ((c = table_row(t, NULL)) == NULL)
			return (-1);
		fmt_addr(r->fed[i].ip, r->fed[i].port, c[0], REPORT_CELL);
		ctl_time_str(r->fed[i].created, c[1], REPORT_CELL);
	}
	return (0);
}

/* One section as a table (free it with report_table_free()). */
int
report_table(const struct report *r, int section, struct report_table *t)
{
	int	rc;

	switch (section) {
	case REPORT_NODES:
		rc = table_nodes(r, t);
		break;
	case REPORT_TUNNELS:
		rc = table_tunnels(r, t);
		break;
	case REPORT_FLOCKS:
		rc = table_flocks(r, t);
		break;
	default:
		rc = table_federation(r, t);
		break;
	}
	if (rc == -1)
		report_table_free(t);
	return (rc);
}

/* Release a table. */
void
report_table_free(struct report_table *t)
{
	free(t->cells);
	free(t->cls);
	memset(t, 0, sizeof(*t));
}

/* One cell padded to its column; the last one ends the line unpadded. */
static void
text_cell(FILE *fp, const char *cell, size_t width, int last)
{
	if (last)
		fprintf(fp, "%s\n", cell);
	else
		fprintf(fp, "%-*s  ", (int)width, cell);
}

/* A table as aligned text, two blanks between columns. */
static void
text_table(const struct report_table *t, FILE *fp)
{
	size_t	w[REPORT_COLS], i, j;

	for (j = 0; j < t->ncols; j++) {
		w[j] = strlen(t->head[j]);
		for (i = 0; i < t->nrows; i++) {
			if (strlen(t->cells[i][j]) > w[j])
				w[j] = strlen(t->cells[i][j]);
		}
	}
	fprintf(fp, "%s:\n", t->title);
	for (j = 0; j < t->ncols; j++)
		text_cell(fp, t->head[j], w[j], j + 1 == t->ncols);
	for (i = 0; i < t->nrows; i++) {
		for (j = 0; j < t->ncols; j++)
			text_cell(fp, t->cells[i][j], w[j], j + 1 == t->ncols);
	}
	if (t->nrows == 0)
		fprintf(fp, "(none)\n");
}

/* The report as text. */
static int
report_text(const struct report *r, FILE *fp)
{
	static const int	 order[] = { REPORT_NODES, REPORT_TUNNELS,
	    REPORT_FLOCKS, REPORT_FEDERATION };
	struct report_table	 t;
	char			 when[32];
	size_t			 i;

	ctl_time_str(r->now, when, sizeof(when));
	fprintf(fp, "cathedral report at %s UTC\n", when);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(r->sections & order[i]))
			continue;
		if (report_table(r, order[i], &t) == -1)
			return (-1);
		fprintf(fp, "\n");
		text_table(&t, fp);
		report_table_free(&t);
	}
	return (0);
}

/* A JSON string (our text is printable ASCII; " and \ are escaped). */
static void
json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		if (*s >= ' ' && *s <= '~')
			fputc(*s, fp);
		else
			fprintf(fp, "\\u%04x", (unsigned char)*s);
	}
	fputc('"', fp);
}

/* The peer id list ("ca cb") as JSON strings. */
static void
json_peers(FILE *fp, const char *peers)
{
	size_t	n;

	while (*peers != '\0') {
		n = strcspn(peers, " ");
		fprintf(fp, "\"%.*s\"", (int)n, peers);
		peers += n;
		if (*peers == ' ') {
			fprintf(fp, ", ");
			peers++;
		}
	}
}

/* The nodes as JSON objects; null where there is nothing. */
static void
json_nodes(const struct report *r, FILE *fp)
{
	const struct report_node	*rn;
	const struct db_node		*n;
	char				 buf[64];
	size_t				 i;

	fprintf(fp, "  \"nodes\": [");
	for (i = 0; i < r->nnodes; i++) {
		rn = &r->nodes[i];
		n = &rn->n;
		fprintf(fp, "%s\n    {\"flock\": \"%llx\", \"csid\": \"%08x\", "
		    "\"name\": ", i ? "," : "", (unsigned long long)n->flock,
		    n->csid);
		json_str(fp, n->name);
		fprintf(fp, ", \"peers\": [");
		json_peers(fp, rn->peers);
		fprintf(fp, "], \"state\": \"%s\"", report_state(r, rn));
		if (n->has_endpoint) {
			fmt_addr(n->ep.ip, n->ep.port, buf, sizeof(buf));
			fprintf(fp, ", \"last_seen\": %lld, \"seen_ago\": "
			    "%lld, \"address\": \"%s\", \"path\": \"%s\", "
			    "\"node_generation\": \"%08x\"",
			    (long long)n->ep.last_seen,
			    (long long)(r->now - n->ep.last_seen), buf,
			    n->ep.direct ? "p2p" : "relayed",
			    n->ep.ambry_generation);
		} else
			fprintf(fp, ", \"last_seen\": null, \"seen_ago\": "
			    "null, \"address\": null, \"path\": null, "
			    "\"node_generation\": null");
		fprintf(fp, ", \"bytes_in\": %llu, \"bytes_out\": %llu, "
		    "\"pkts_in\": %llu, \"pkts_out\": %llu",
		    (unsigned long long)n->bytes_in,
		    (unsigned long long)n->bytes_out,
		    (unsigned long long)n->pkts_in,
		    (unsigned long long)n->pkts_out);
		if (n->has_bundle)
			fprintf(fp, ", \"ambry_generation\": \"%08x\", "
			    "\"ambry_expires\": %lld, \"ambry_low\": %s",
			    n->bundle_generation,
			    (long long)n->bundle_expires_at,
			    n->bundle_expires_at - r->now < REPORT_LOW_SECS ?
			    "true" : "false");
		else
			fprintf(fp, ", \"ambry_generation\": null, "
			    "\"ambry_expires\": null, \"ambry_low\": null");
		if (n->has_endpoint && n->ep.rx_active_seen != 0)
			fprintf(fp, ", \"key_age\": %lld}",
			    (long long)(r->now - n->ep.rx_active_seen));
		else
			fprintf(fp, ", \"key_age\": null}");
	}
	fprintf(fp, "%s]", r->nnodes ? "\n  " : "");
}

/* The tunnels as JSON objects. */
static void
json_tunnels(const struct report *r, FILE *fp)
{
	const struct db_tunnel	*t;
	char			 buf[64];
	size_t			 i;

	fprintf(fp, "  \"tunnels\": [");
	for (i = 0; i < r->ntunnels; i++) {
		t = &r->tunnels[i];
		fmt_addr(t->ep.ip, t->ep.port, buf, sizeof(buf));
		fprintf(fp, "%s\n    {\"src\": \"%llx\", \"dst\": \"%llx\", "
		    "\"tunnel\": \"%04x\", \"csid\": \"%08x\", \"address\": "
		    "\"%s\", \"path\": \"%s\", \"federated\": %s, "
		    "\"first_seen\": %lld, \"last_seen\": %lld, "
		    "\"bytes_in\": %llu, \"bytes_out\": %llu, \"pkts_in\": "
		    "%llu, \"pkts_out\": %llu, ", i ? "," : "",
		    (unsigned long long)t->ep.src,
		    (unsigned long long)t->ep.dst, t->ep.tunnel, t->ep.csid,
		    buf, t->ep.direct ? "p2p" : "relayed",
		    t->ep.federated ? "true" : "false",
		    (long long)t->ep.first_seen, (long long)t->ep.last_seen,
		    (unsigned long long)t->bytes_in,
		    (unsigned long long)t->bytes_out,
		    (unsigned long long)t->pkts_in,
		    (unsigned long long)t->pkts_out);
		if (t->ep.rx_active_seen != 0)
			fprintf(fp, "\"key_age\": %lld}",
			    (long long)(r->now - t->ep.rx_active_seen));
		else
			fprintf(fp, "\"key_age\": null}");
	}
	fprintf(fp, "%s]", r->ntunnels ? "\n  " : "");
}

/* The flocks as JSON objects. */
static void
json_flocks(const struct report *r, FILE *fp)
{
	const struct db_flock_report	*f;
	size_t				 i;

	fprintf(fp, "  \"flocks\": [");
	for (i = 0; i < r->nflocks; i++) {
		f = &r->flocks[i].f;
		fprintf(fp, "%s\n    {\"flock\": \"%llx\", \"descr\": ",
		    i ? "," : "", (unsigned long long)f->id);
		json_str(fp, f->descr);
		fprintf(fp, ", \"nodes\": %zu, \"revoked\": %zu, \"rules\": "
		    "%zu, \"endpoints\": %zu, \"bundles\": %zu, ",
		    f->identities, f->revoked, f->allow_rules, f->endpoints,
		    f->bundles);
		if (f->has_bundle)
			fprintf(fp, "\"ambry_generation\": \"%08x\", "
			    "\"ambry_expires\": %lld}", f->bundle_generation,
			    (long long)f->bundle_expires_at);
		else
			fprintf(fp, "\"ambry_generation\": null, "
			    "\"ambry_expires\": null}");
	}
	fprintf(fp, "%s]", r->nflocks ? "\n  " : "");
}

/* The federation peers as JSON objects. */
static void
json_federation(const struct report *r, FILE *fp)
{
	char	buf[64];
	size_t	i;

	fprintf(fp, "  \"federation\": [");
	for (i = 0; i < r->nfed; i++) {
		fmt_addr(r->fed[i].ip, r->fed[i].port, buf, sizeof(buf));
		fprintf(fp, "%s\n    {\"peer\": \"%s\", \"added\": %lld}",
		    i ? "," : "", buf, (long long)r->fed[i].created);
	}
	fprintf(fp, "%s]", r->nfed ? "\n  " : "");
}

/* The report as one JSON object. */
static int
report_json(const struct report *r, FILE *fp)
{
	static const struct {
		int	section;
		void	(*fn)(const struct report *, FILE *);
	} parts[] = {
		{ REPORT_NODES, json_nodes },
		{ REPORT_TUNNELS, json_tunnels },
		{ REPORT_FLOCKS, json_flocks },
		{ REPORT_FEDERATION, json_federation },
	};
	size_t	i;

	fprintf(fp, "{\n  \"now\": %lld", (long long)r->now);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (!(r->sections & parts[i].section))
			continue;
		fprintf(fp, ",\n");
		parts[i].fn(r, fp);
	}
	fprintf(fp, "\n}\n");
	return (0);
}

/*
 * Write the HTML page (0644: a report holds no secret), never through a
 * symlink someone may have left at the path.
 */
static int
report_html_file(struct ctl *ctl, const struct report *r, const char *path)
{
	FILE	*fp;
	int	 fd, ret = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1)
		return (ctl_error(ctl, "%s: %s", path, strerror(errno)));
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return (ctl_error(ctl, "%s: %s", path, strerror(errno)));
	}
	if (report_html(r, fp) == -1)
		ret = ctl_error(ctl, "%s: out of memory", path);
	if ((ferror(fp) | fclose(fp)) != 0 && ret == 0)
		ret = ctl_error(ctl, "%s: write failed", path);
	return (ret);
}

/* Release what was read. */
static void
report_free(struct report *r)
{
	free(r->nodes);
	free(r->tunnels);
	free(r->flocks);
	free(r->fed);
	free(r->history);
}

/* The section named on the command line. */
static int
report_section(const char *s)
{
	if (strcmp(s, "nodes") == 0)
		return (REPORT_NODES);
	if (strcmp(s, "tunnels") == 0)
		return (REPORT_TUNNELS);
	if (strcmp(s, "flocks") == 0)
		return (REPORT_FLOCKS);
	if (strcmp(s, "federation") == 0)
		return (REPORT_FEDERATION);
	return (0);
}

/* report [SECTION] [--json] [--html FILE] [--now TIME] */
int
ctl_report(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt	 opts[] = { { "--json", 1, NULL, 0 },
			    { "--html", 0, NULL, 0 }, { "--now", 0, NULL, 0 },
			    { NULL, 0, NULL, 0 } };
	struct report	 r;
	struct db	*db;
	const char	*html;
	int		 first = 1, ret = 1;

	memset(&r, 0, sizeof(r));
	r.sections = REPORT_ALL;
	if (argc > 1 && strncmp(argv[1], "--", 2) != 0) {
		if ((r.sections = report_section(argv[1])) == 0)
			return (ctl_error(ctl, "usage: %s", REPORT_USAGE));
		first = 2;
	}
	if (ctl_options(ctl, argc, argv, first, opts, REPORT_USAGE) != 0)
		return (1);
	r.now = (int64_t)time(NULL);
	if (ctl_opt(opts, "--now") != NULL &&
	    ctl_parse_time(ctl, ctl_opt(opts, "--now"), &r.now) == -1)
		return (1);
	html = ctl_opt(opts, "--html");
	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	if (report_load(&r, db, html != NULL) == -1)
		ctl_error(ctl, "%s", db_error(db));
	else
		ret = 0;
	ctl_db_close(ctl, db);
	if (ret == 0 && html != NULL)
		ret = report_html_file(ctl, &r, html);
	if (ret == 0 && ctl_opt(opts, "--json") != NULL)
		ret = report_json(&r, stdout) == -1;
	else if (ret == 0 && html == NULL && report_text(&r, stdout) == -1)
		ret = ctl_error(ctl, "out of memory");
	if (ret == 0 && (fflush(stdout) != 0 || ferror(stdout)))
		ret = ctl_error(ctl, "standard output: write failed");
	report_free(&r);
	return (ret);
}
