/*
 * Metrics in the Prometheus text format over HTTP on the configured
 * loopback address (`metrics ADDR:PORT`): offers received, accepted and
 * rejected by reason, tunnels per flock, relayed packets and bytes,
 * rate-limited drops, table bounds hit, database flush time, token
 * redemptions by result.
 */

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <string.h>

#include "cathedral.h"

#define MAX_FLOCKS_SHOWN	256

static const char	*names[CC_MAX] = {
	[CC_OFFERS_IN] = "offers_received",
	[CC_OFFERS_ACCEPTED] = "offers_accepted",
	[CC_REJECT_SHORT] = "short",
	[CC_REJECT_FLOCK] = "unknown-flock",
	[CC_REJECT_IDENTITY] = "unknown-identity",
	[CC_REJECT_REVOKED] = "revoked",
	[CC_REJECT_TAG] = "bad-tag",
	[CC_REJECT_STALE] = "stale",
	[CC_REJECT_SIGNATURE] = "bad-signature",
	[CC_REJECT_REPLAY] = "replay",
	[CC_REJECT_NOT_TIED] = "not-tied",
	[CC_REJECT_TYPE] = "bad-type",
	[CC_REJECT_FEDERATION] = "unknown-federation-peer",
	[CC_REJECT_SHROUD] = "unknown-shroud-identity",
	[CC_RATE_LIMITED] = "rate_limited",
	[CC_RUNT] = "runt",
	[CC_RELAY_OFFERS] = "relayed_offers",
	[CC_RELAY_PACKETS] = "relayed_packets",
	[CC_RELAY_BYTES] = "relayed_bytes",
	[CC_RELAY_DROP_NO_RECEIVER] = "no-receiver",
	[CC_RELAY_DROP_NO_SENDER] = "no-sender",
	[CC_RELAY_DROP_SPI] = "wrong-spi",
	[CC_RELAY_DROP_FLOCK] = "flock-not-allowed",
	[CC_RELAY_DROP_BANDWIDTH] = "bandwidth",
	[CC_REPLIES] = "replies_sent",
	[CC_FEDERATED] = "federated_sent",
	[CC_FULL_TUNNELS] = "tunnels",
	[CC_FULL_LITURGIES] = "liturgies",
	[CC_FULL_SOURCES] = "sources",
	[CC_FULL_SEEDS] = "seeds",
	[CC_DB_FLUSHES] = "db_flushes",
	[CC_DB_RELOADS] = "db_reloads",
	[CC_ENROLL_OK] = "ok",
	[CC_ENROLL_RESENT] = "resent",
	[CC_ENROLL_UNKNOWN] = "unknown-token",
	[CC_ENROLL_USED] = "used",
	[CC_ENROLL_EXPIRED] = "expired",
	[CC_ENROLL_BAD_TAG] = "bad-tag",
	[CC_ENROLL_STALE] = "stale",
	[CC_ENROLL_REPLAY] = "replay",
	[CC_ENROLL_SHORT] = "malformed",
	[CC_ENROLL_PENDING] = "pending",
	[CC_ENROLL_FAILED] = "failed",
};

/* The metric or label name of a counter. */
const char *
cath_counter_name(enum cath_counter c)
{
	return (c < CC_MAX ? names[c] : "unknown");
}

/* One counter family with a label per member (a range of counters). */
static void
family(struct evbuffer *b, const char *metric, const char *label,
    enum cath_counter first, enum cath_counter last)
{
	int	c;

	evbuffer_add_printf(b, "# TYPE sanctum_cathedral_%s counter\n", metric);
	for (c = first; c <= (int)last; c++)
		evbuffer_add_printf(b, "sanctum_cathedral_%s{%s=\"%s\"} %llu\n",
		    metric, label, names[c],
		    (unsigned long long)atomic_load(&cath->counters[c]));
}

/* One plain counter. */
static void
single(struct evbuffer *b, enum cath_counter c)
{
	evbuffer_add_printf(b, "# TYPE sanctum_cathedral_%s_total counter\n"
	    "sanctum_cathedral_%s_total %llu\n", names[c], names[c],
	    (unsigned long long)atomic_load(&cath->counters[c]));
}

/* Tunnels per source flock (with its domain), as a gauge. */
static void
tunnels_per_flock(struct evbuffer *b)
{
	const struct tunnel_key	*k;
	const void		*key;
	uint64_t		flock[MAX_FLOCKS_SHOWN];
	size_t			count[MAX_FLOCKS_SHOWN], n = 0, i, iter = 0;

	while (table_next(&cath->tunnels, &iter, &key) != NULL) {
		k = key;
		for (i = 0; i < n && flock[i] != k->src; i++)
			;
		if (i == n) {
			if (n == MAX_FLOCKS_SHOWN)
				continue;
			flock[n] = k->src;
			count[n++] = 0;
		}
		count[i]++;
	}
	evbuffer_add_printf(b, "# TYPE sanctum_cathedral_tunnels gauge\n");
	for (i = 0; i < n; i++)
		evbuffer_add_printf(b,
		    "sanctum_cathedral_tunnels{flock=\"%llx\"} %zu\n",
		    (unsigned long long)flock[i], count[i]);
	evbuffer_add_printf(b, "# TYPE sanctum_cathedral_liturgies gauge\n"
	    "sanctum_cathedral_liturgies %zu\n", cath->liturgies.count);
}

/* The network side's drop counters (purgatory, in shared state). */
static void
network_counters(struct evbuffer *b)
{
	int	c;

	evbuffer_add_printf(b, "# TYPE sanctum_network_dropped_total counter\n");
	for (c = 0; c < CTR_MAX; c++)
		evbuffer_add_printf(b,
		    "sanctum_network_dropped_total{reason=\"%s\"} %llu\n",
		    counter_name(c), (unsigned long long)
		    atomic_load(&sanctum->state->counters[c]));
}

/* GET /metrics. */
static void
metrics_page(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b;

	(void)arg;
	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET ||
	    (b = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_BADMETHOD, NULL);
		return;
	}
	single(b, CC_OFFERS_IN);
	single(b, CC_OFFERS_ACCEPTED);
	family(b, "offers_rejected_total", "reason", CC_REJECT_SHORT,
	    CC_REJECT_SHROUD);
	single(b, CC_RATE_LIMITED);
	single(b, CC_RUNT);
	single(b, CC_RELAY_OFFERS);
	single(b, CC_RELAY_PACKETS);
	single(b, CC_RELAY_BYTES);
	family(b, "relay_dropped_total", "reason", CC_RELAY_DROP_NO_RECEIVER,
	    CC_RELAY_DROP_BANDWIDTH);
	single(b, CC_REPLIES);
	single(b, CC_FEDERATED);
	family(b, "table_full_total", "table", CC_FULL_TUNNELS, CC_FULL_SEEDS);
	tunnels_per_flock(b);
	network_counters(b);
	single(b, CC_DB_FLUSHES);
	single(b, CC_DB_RELOADS);
	family(b, "enroll_total", "result", CC_ENROLL_OK, CC_ENROLL_FAILED);
	evbuffer_add_printf(b, "# TYPE sanctum_cathedral_db_flush_seconds_last "
	    "gauge\nsanctum_cathedral_db_flush_seconds_last %.6f\n"
	    "# TYPE sanctum_cathedral_db_flush_seconds_total counter\n"
	    "sanctum_cathedral_db_flush_seconds_total %.6f\n",
	    (double)atomic_load(&cath->flush_us_last) / 1e6,
	    (double)atomic_load(&cath->flush_us_total) / 1e6);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(req, HTTP_OK, "OK", b);
	evbuffer_free(b);
}

/* Serve /metrics on the listening socket the guardian bound for us. */
int
cath_metrics_start(struct event_base *base, int fd)
{
	struct evhttp	*http;

	if ((http = evhttp_new(base)) == NULL ||
	    evhttp_accept_socket(http, fd) == -1 ||
	    evhttp_set_cb(http, "/metrics", metrics_page, NULL) != 0)
		return (-1);
	evhttp_set_allowed_methods(http, EVHTTP_REQ_GET);
	return (0);
}
