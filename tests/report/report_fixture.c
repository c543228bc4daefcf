/*
 * The fixture of the report golden test (run.sh), built through the db
 * API with fixed values and a pinned clock: two flocks, five nodes (online,
 * offline and peer-to-peer, revoked, never seen, federated), bundles with
 * a near and a far expiry, federation peers, and per-minute relay history
 * written by db_flush, one row older than the chart's 24 hours.
 *
 *   report_fixture make DB	build it
 *   report_fixture now		print the pinned time
 *   report_fixture json FILE	check the JSON report parses and agrees
 *   report_fixture chart FILE	check the HTML chart's points
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "db.h"
#include "db_test.h"
#include "sanctum_crypto.h"
#include "wire.h"

#define NOW	1714564800LL		/* 2024-05-01 12:00:00 UTC */
#define FA	0xcafeba00ULL
#define FB	0xdeadbeefcafeba00ULL
#define ACTOR	"fixture"

/* The chart as report.c draws it. */
#define CHART_LEFT	80
#define CHART_WIDTH	800
#define CHART_TOP	20
#define CHART_HEIGHT	240
#define CHART_WINDOW	86400

/* The nodes. */
static const struct {
	uint64_t	flock;
	uint32_t	csid;
	const char	*name;
	uint8_t		peer;
	uint32_t	mbit;
} nodes[] = {
	{ FA, 0x0badf00d, "alpha", 0xca, 0 },
	{ FA, 0x000000fe, "beta", 0xfe, 25 },
	{ FA, 0x00000003, "gamma", 0x03, 0 },
	{ FA, 0x00000004, "delta", 0x04, 100 },
	{ FB, 0x00000001, "epsilon", 0x01, 0 },
};

/* Per-minute relay rows: tunnel (by index below), minute, bytes. */
static const struct {
	int		ep;
	int64_t		minute;
	uint64_t	pkts_in, bytes_in, pkts_out, bytes_out;
} history[] = {
	{ 0, NOW - 90000, 5, 5000, 5, 5000 },		/* before the window */
	{ 0, NOW - 3600, 10, 12000, 8, 9000 },
	{ 0, NOW - 3540, 20, 30000, 15, 21000 },
	{ 0, NOW - 1800, 4, 2048, 4, 4096 },
	{ 0, NOW - 60, 100, 150000, 90, 120000 },
	{ 1, NOW - 7200, 3, 1500, 2, 1000 },
	{ 1, NOW - 3600, 6, 6000, 6, 6000 },
	{ 3, NOW - 120, 40, 64000, 30, 48000 },
};

/* The endpoints: first flushed at "since", then last seen at "seen". */
static const struct {
	uint64_t	src, dst;
	uint16_t	tunnel;
	uint32_t	csid;
	uint8_t		ip[4];
	uint16_t	port;
	int		federated, direct;
	uint32_t	rx_active, ambry;
	int64_t		since, seen;
} eps[] = {
	{ FA, FA, 0xcafe, 0x0badf00d, { 192, 0, 2, 10 }, 4500, 0, 0,
	    0xcafe0001, 0x1a2b3c4d, NOW - 7500, NOW - 30 },
	{ FA, FA, 0xfeca, 0x000000fe, { 198, 51, 100, 7 }, 61000, 0, 1,
	    0xfeca0002, 0x11111111, NOW - 90000, NOW - 600 },
	{ FA, FA, 0x03ca, 0x00000003, { 203, 0, 113, 99 }, 1024, 0, 0,
	    0, 0, NOW - 259200, NOW - 259200 },
	{ FB, FA, 0x01ca, 0x00000001, { 192, 0, 2, 77 }, 4600, 1, 0,
	    0, 0x5e6f7081, NOW - 5, NOW - 5 },
};

/* Fixed device KEKs for the bundles. */
static int
fixture_kek(void *arg, uint64_t flock, uint8_t id, uint8_t kek[32])
{
	(void)arg;
	memset(kek, id, 32);
	kek[0] = (uint8_t)(flock >> 8);
	return (0);
}

/* Bundle secrets (not shown by the report). */
static void
fixture_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	sanctum_random_bytes(buf, len);
}

/* A bundle for a flock with a generation, valid for days from NOW. */
static void
bundle(struct db *db, uint64_t flock, uint32_t gen, uint32_t days)
{
	struct ambry_header	 h;
	uint8_t			*buf;
	size_t			 len = ambry_bundle_size(flock, flock);

	if ((buf = malloc(len)) == NULL)
		abort();
	memset(&h, 0, sizeof(h));
	put_be16(h.expires, ambry_expires_for(NOW, days));
	put_be32(h.generation, gen);
	memset(h.seed, 0x42, sizeof(h.seed));
	if (ambry_bundle_build(buf, len, flock, flock, &h, fixture_kek,
	    fixture_random, NULL) == -1 ||
	    db_bundle_store(db, ACTOR, flock, flock, buf, len) != DB_ADDED)
		abort();
	free(buf);
}

/* One flush of the endpoints at their first or last time, with history. */
static void
flush(struct db *db, int last)
{
	struct db_endpoint	e[sizeof(eps) / sizeof(eps[0])];
	struct db_counter	c[sizeof(history) / sizeof(history[0])];
	struct db_flush		f;
	size_t			i;

	memset(e, 0, sizeof(e));
	memset(c, 0, sizeof(c));
	for (i = 0; i < sizeof(eps) / sizeof(eps[0]); i++) {
		e[i].src = eps[i].src;
		e[i].dst = eps[i].dst;
		e[i].tunnel = eps[i].tunnel;
		e[i].csid = eps[i].csid;
		memcpy(e[i].ip, eps[i].ip, 4);
		e[i].port = eps[i].port;
		e[i].federated = eps[i].federated;
		e[i].direct = eps[i].direct;
		e[i].instance = 0x1000 + i;
		e[i].rx_active = eps[i].rx_active;
		e[i].ambry_generation = eps[i].ambry;
		e[i].last_seen = last ? eps[i].seen : eps[i].since;
	}
	for (i = 0; last && i < sizeof(history) / sizeof(history[0]); i++) {
		c[i].src = eps[history[i].ep].src;
		c[i].dst = eps[history[i].ep].dst;
		c[i].tunnel = eps[history[i].ep].tunnel;
		c[i].minute = history[i].minute;
		c[i].pkts_in = history[i].pkts_in;
		c[i].bytes_in = history[i].bytes_in;
		c[i].pkts_out = history[i].pkts_out;
		c[i].bytes_out = history[i].bytes_out;
	}
	memset(&f, 0, sizeof(f));
	f.endpoints = e;
	f.nendpoints = sizeof(eps) / sizeof(eps[0]);
	f.counters = c;
	f.ncounters = last ? sizeof(history) / sizeof(history[0]) : 0;
	if (db_flush(db, &f) != 0)
		abort();
}

/* Build the fixture database. */
static int
make(const char *path)
{
	static const uint8_t	 fed[2][4] = { { 203, 0, 113, 11 },
				    { 203, 0, 113, 12 } };
	struct db_identity_new	 n;
	struct db		*db;
	char			 err[512];
	size_t			 i;

	if ((db = db_open(path, DB_OPEN_RWC, err, sizeof(err))) == NULL ||
	    db_migrate(db) == -1) {
		fprintf(stderr, "%s\n", db ? db_error(db) : err);
		return (1);
	}
	db_test_set_clock(db, NOW - 30 * 86400);
	if (db_flock_add(db, ACTOR, FA, "office") != DB_ADDED ||
	    db_flock_add(db, ACTOR, FB, "lab <west>") != DB_ADDED ||
	    db_xflock_add(db, ACTOR, FA, FB) != DB_ADDED ||
	    db_federation_add(db, ACTOR, fed[0], 4500) != DB_ADDED ||
	    db_federation_add(db, ACTOR, fed[1], 4501) != DB_ADDED)
		abort();
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
		memset(&n, 0, sizeof(n));
		n.flock = nodes[i].flock;
		n.csid = nodes[i].csid;
		memset(n.secret, (int)i + 1, sizeof(n.secret));
		memset(n.cosk_pub, (int)i + 0x40, sizeof(n.cosk_pub));
		n.name = nodes[i].name;
		n.peer = nodes[i].peer;
		n.mbit = nodes[i].mbit;
		if (db_identity_add(db, ACTOR, &n) != DB_ADDED)
			abort();
	}
	if (db_allow_add(db, ACTOR, FA, 0x0badf00d, 0xcb, 25) != DB_ADDED ||
	    db_identity_set_revoked(db, ACTOR, FA, 3, 1) != DB_ADDED)
		abort();
	bundle(db, FA, 0x1a2b3c4d, 4);
	bundle(db, FB, 0x5e6f7081, 20);
	flush(db, 0);
	flush(db, 1);
	db_close(db);
	return (0);
}

/* One expected chart point: a history row inside the window. */
struct point {
	char		node[32];
	int64_t		minute;
	uint64_t	in, out;
	int		seen;
};

/* The rows the chart must show (one tunnel per node: no sums needed). */
static size_t
expected(struct point *p, uint64_t *max)
{
	size_t	i, n = 0;

	*max = 1;
	for (i = 0; i < sizeof(history) / sizeof(history[0]); i++) {
		if (history[i].minute < NOW - CHART_WINDOW)
			continue;
		snprintf(p[n].node, sizeof(p[n].node), "%llx:%08x",
		    (unsigned long long)(eps[history[i].ep].src & ~0xffULL),
		    eps[history[i].ep].csid);
		p[n].minute = history[i].minute;
		p[n].in = history[i].bytes_in;
		p[n].out = history[i].bytes_out;
		p[n].seen = 0;
		if (p[n].in + p[n].out > *max)
			*max = p[n].in + p[n].out;
		n++;
	}
	return (n);
}

/* An attribute's value inside one tag. */
static int
attr(const char *tag, const char *end, const char *name, char *buf,
    size_t len)
{
	char		 key[64];
	const char	*p, *q;

	snprintf(key, sizeof(key), " %s=\"", name);
	if ((p = strstr(tag, key)) == NULL || p > end)
		return (-1);
	p += strlen(key);
	if ((q = strchr(p, '"')) == NULL || q > end ||
	    (size_t)(q - p) >= len)
		return (-1);
	memcpy(buf, p, (size_t)(q - p));
	buf[q - p] = '\0';
	return (0);
}

/*
 * Every <circle> of the chart is one expected point: its data attributes
 * equal the history row, and its coordinates map back to the row's minute
 * and byte count.
 */
static int
chart(const char *path)
{
	struct point	 want[16];
	char		*html, node[32], v[4][32];
	const char	*p, *end;
	size_t		 n, i, len, circles = 0;
	uint64_t	 max;
	double		 cx, cy, minute, bytes;
	FILE		*fp;

	if ((fp = fopen(path, "r")) == NULL || (html = malloc(1 << 20)) ==
	    NULL)
		return (1);
	len = fread(html, 1, (1 << 20) - 1, fp);
	html[len] = '\0';
	fclose(fp);
	n = expected(want, &max);
	for (p = html; (p = strstr(p, "<circle ")) != NULL; p = end) {
		end = strchr(p, '>');
		circles++;
		if (end == NULL || attr(p, end, "data-node", node,
		    sizeof(node)) == -1 || attr(p, end, "data-minute", v[0],
		    sizeof(v[0])) == -1 || attr(p, end, "data-bytes-in", v[1],
		    sizeof(v[1])) == -1 || attr(p, end, "data-bytes-out", v[2],
		    sizeof(v[2])) == -1 || attr(p, end, "cx", v[3],
		    sizeof(v[3])) == -1) {
			CHECK(0, "circle %zu lacks its attributes", circles);
			break;
		}
		for (i = 0; i < n; i++) {
			if (strcmp(want[i].node, node) == 0 &&
			    want[i].minute == strtoll(v[0], NULL, 10))
				break;
		}
		CHECK(i < n, "point %s@%s is a history row", node, v[0]);
		if (i == n)
			continue;
		want[i].seen++;
		CHECK(want[i].in == strtoull(v[1], NULL, 10) &&
		    want[i].out == strtoull(v[2], NULL, 10),
		    "%s@%s: bytes %s/%s", node, v[0], v[1], v[2]);
		cx = strtod(v[3], NULL);
		minute = (cx - CHART_LEFT) * CHART_WINDOW / CHART_WIDTH +
		    (double)(NOW - CHART_WINDOW);
		CHECK(fabs(minute - (double)want[i].minute) < 60,
		    "%s@%s: cx %.1f maps to minute %.0f", node, v[0], cx,
		    minute);
		if (attr(p, end, "cy", v[3], sizeof(v[3])) == -1)
			continue;
		cy = strtod(v[3], NULL);
		bytes = (CHART_TOP + CHART_HEIGHT - cy) * (double)max /
		    CHART_HEIGHT;
		CHECK(fabs(bytes - (double)(want[i].in + want[i].out)) <
		    (double)max / CHART_HEIGHT, "%s@%s: cy %.1f maps to %.0f "
		    "bytes", node, v[0], cy, bytes);
	}
	for (i = 0; i < n; i++)
		CHECK(want[i].seen == 1, "%s@%lld drawn once (%d)",
		    want[i].node, (long long)want[i].minute, want[i].seen);
	CHECK(circles == n, "%zu points for %zu rows", circles, n);
	CHECK(strstr(html, "<script") == NULL && strstr(html, "http://") ==
	    strstr(html, "http://www.w3.org/2000/svg") &&
	    strstr(html, "<link") == NULL, "self-contained");
	CHECK(strstr(html, "lab &lt;west&gt;") != NULL, "text is escaped");
	free(html);
	return (check_report("report chart"));
}

/* The JSON report parses and says what the fixture holds. */
static int
json(const char *path)
{
	struct json	*j, *nodes_j, *n;
	size_t		 i;

	if ((j = json_load(path)) == NULL) {
		CHECK(0, "%s does not parse", path);
		return (check_report("report json"));
	}
	nodes_j = json_get(j, "nodes");
	CHECK(nodes_j != NULL && nodes_j->count == 5, "five nodes");
	for (i = 0; nodes_j != NULL && i < nodes_j->count; i++) {
		n = json_at(nodes_j, i);
		if (strcmp(json_str(n, "name"), "alpha") == 0)
			CHECK(strcmp(json_str(n, "state"), "online") == 0 &&
			    json_get(n, "key_age")->num == 7500 &&
			    json_get(n, "bytes_in")->num == 12000 + 30000 +
			    2048 + 150000 + 5000 &&
			    json_get(n, "ambry_low")->boolean == 1 &&
			    json_get(n, "peers")->count == 2, "alpha");
		if (strcmp(json_str(n, "name"), "beta") == 0)
			CHECK(strcmp(json_str(n, "state"), "offline") == 0 &&
			    strcmp(json_str(n, "path"), "p2p") == 0, "beta");
		if (strcmp(json_str(n, "name"), "gamma") == 0)
			CHECK(strcmp(json_str(n, "state"), "revoked") == 0,
			    "gamma");
		if (strcmp(json_str(n, "name"), "delta") == 0)
			CHECK(json_get(n, "last_seen")->type == JSON_NULL,
			    "delta never seen");
	}
	CHECK(json_get(j, "now")->num == (double)NOW, "now");
	json_free(j);
	return (check_report("report json"));
}

/* One of the four jobs run.sh asks for. */
int
main(int argc, char **argv)
{
	if (sanctum_crypto_init() == -1)
		return (1);
	if (argc == 3 && strcmp(argv[1], "make") == 0)
		return (make(argv[2]));
	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%lld\n", (long long)NOW);
		return (0);
	}
	if (argc == 3 && strcmp(argv[1], "chart") == 0)
		return (chart(argv[2]));
	if (argc == 3 && strcmp(argv[1], "json") == 0)
		return (json(argv[2]));
	fprintf(stderr, "usage: report_fixture make DB | now | chart FILE | "
	    "json FILE\n");
	return (1);
}
