/*
 * The database thread: the only code of the cathedral that waits on the
 * disk. Once a second the loop hands it the runtime facts that changed (one
 * transaction), token redemptions go to it as they arrive, and it watches PRAGMA data_version so a change the operator
 * tool commits is loaded into a new snapshot within about a second.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cathedral.h"

#define DB_CHECKPOINT_EVERY	60	/* seconds; bounds the WAL */
#define HISTORY_KEEP		(7 * 86400)

/* Microseconds of the monotonic clock. */
static uint64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
}

/* Free a flush batch. */
static void
flush_free(struct db_flush *f)
{
	if (f == NULL)
		return;
	free((void *)(uintptr_t)f->endpoints);
	free((void *)(uintptr_t)f->counters);
	free(f);
}

/* Write one batch, timing it for the metrics. */
static void
db_write(struct cathedral *c, struct db_flush *f)
{
	uint64_t	t0 = now_us(), dt;

	f->history_before = (int64_t)time(NULL) - HISTORY_KEEP;
	if (db_flush(c->db, f) == -1)
		log_msg("database flush failed: %s", db_error(c->db));
	dt = now_us() - t0;
	atomic_store(&c->flush_us_last, dt);
	atomic_fetch_add(&c->flush_us_total, dt);
	cath_count(CC_DB_FLUSHES);
}

/*
 * When the operator tool committed something (or we did: force), build a
 * new snapshot.
 */
static void
db_watch(struct cathedral *c, int force)
{
	struct cath_conf	*conf;
	int64_t			v;
	char			err[512];

	if (db_data_version(c->db, &v) == -1 || (v == c->data_version && !force))
		return;
	if ((conf = cath_conf_load(c->db, c->cfg, err, sizeof(err))) == NULL) {
		log_msg("configuration reload failed: %s", err);
		return;
	}
	c->data_version = v;
	pthread_mutex_lock(&c->lock);
	cath_conf_free(c->conf_new);
	c->conf_new = conf;
	pthread_mutex_unlock(&c->lock);
	proc_wake(SANCTUM_PROC_CATHEDRAL);
	cath_count(CC_DB_RELOADS);
}

/*
 * Redeem the queued tokens, each with its identity in one transaction, and
 * hand the results back after the snapshot that holds the new identities.
 */
static void
db_enroll_jobs(struct cathedral *c, struct cath_enroll_job *jobs)
{
	struct cath_enroll_job	*j, *last = NULL;
	int			redeemed = 0;

	for (j = jobs; j != NULL; last = j, j = j->next) {
		j->status = db_token_enroll(c->db, "cathedral", j->lookup,
		    j->verifier, j->csid, j->cs, j->pub);
		if (j->status == DB_TOKEN_OK)
			redeemed = 1;
		else if (j->status == DB_TOKEN_ERROR)
			log_msg("token redemption failed: %s", db_error(c->db));
	}
	if (redeemed)
		db_watch(c, 1);
	pthread_mutex_lock(&c->lock);
	last->next = c->enroll_done;
	c->enroll_done = jobs;
	pthread_mutex_unlock(&c->lock);
	proc_wake(SANCTUM_PROC_CATHEDRAL);
}

/* Free a list of jobs, wiping their secrets. */
static void
jobs_free(struct cath_enroll_job *j)
{
	struct cath_enroll_job	*next;

	for (; j != NULL; j = next) {
		next = j->next;
		sanctum_wipe(j, sizeof(*j));
		free(j);
	}
}

/*
 * The thread: wake at least once a second; redeem tokens, flush, watch,
 * checkpoint.
 */
static void *
db_main(void *arg)
{
	struct cathedral	*c = arg;
	struct db_flush		*f;
	struct cath_enroll_job	*jobs;
	struct timespec		ts;
	time_t			last_ckpt = time(NULL);

	pthread_mutex_lock(&c->lock);
	while (!c->db_stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (c->flush_pending == NULL && c->enroll_queue == NULL)
			(void)pthread_cond_timedwait(&c->cond, &c->lock, &ts);
		f = c->flush_pending;
		c->flush_pending = NULL;
		jobs = c->enroll_queue;
		c->enroll_queue = NULL;
		pthread_mutex_unlock(&c->lock);
		if (jobs != NULL)
			db_enroll_jobs(c, jobs);
		if (f != NULL) {
			db_write(c, f);
			flush_free(f);
		}
		db_watch(c, 0);
		if (time(NULL) - last_ckpt >= DB_CHECKPOINT_EVERY) {
			(void)db_checkpoint(c->db);
			last_ckpt = time(NULL);
		}
		pthread_mutex_lock(&c->lock);
	}
	pthread_mutex_unlock(&c->lock);
	return (NULL);
}

/* Start the thread once the database is open and loaded. */
int
cath_db_start(struct cathedral *c, char *err, size_t errlen)
{
	int	rc;

	if (db_data_version(c->db, &c->data_version) == -1) {
		snprintf(err, errlen, "%s", db_error(c->db));
		return (-1);
	}
	if ((rc = pthread_create(&c->db_thread, NULL, db_main, c)) != 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(rc));
		return (-1);
	}
	return (0);
}

/* Append the runtime facts of one tunnel to a batch. */
static void
batch_add(struct db_flush *f, size_t *cap_e, size_t *cap_c,
    const struct tunnel_key *k, struct cath_tunnel *t, int64_t wall)
{
	struct db_endpoint	*e;
	struct db_counter	*n;

	if (f->nendpoints == *cap_e || f->ncounters == *cap_c)
		return;
	e = (struct db_endpoint *)(uintptr_t)&f->endpoints[f->nendpoints++];
	memset(e, 0, sizeof(*e));
	e->src = k->src;
	e->dst = k->dst;
	e->tunnel = k->id;
	e->csid = t->csid;
	memcpy(e->ip, &t->ip, 4);
	e->port = ntohs(t->port);
	e->federated = t->federated;
	e->instance = t->instance;
	e->rx_active = t->rx_active;
	e->rx_pending = t->rx_pending;
	e->ambry_generation = t->ambry_gen;
	memcpy(e->p2p_ip, &t->p2p_ip, 4);
	e->p2p_port = ntohs(t->p2p_port);
	e->peerinfo = (uint32_t)t->peerinfo;
	e->direct = t->direct;
	e->last_seen = wall - (int64_t)((cath->now - t->age) / 1000);
	if (t->pkts_in == 0 && t->pkts_out == 0)
		return;
	n = (struct db_counter *)(uintptr_t)&f->counters[f->ncounters++];
	n->src = k->src;
	n->dst = k->dst;
	n->tunnel = k->id;
	n->minute = wall - wall % 60;
	n->pkts_in = t->pkts_in;
	n->bytes_in = t->bytes_in;
	n->pkts_out = t->pkts_out;
	n->bytes_out = t->bytes_out;
	t->pkts_in = t->bytes_in = t->pkts_out = t->bytes_out = 0;
}

/* Queue a token redemption for the thread. */
void
cath_db_enroll(struct cathedral *c, struct cath_enroll_job *j)
{
	pthread_mutex_lock(&c->lock);
	j->next = c->enroll_queue;
	c->enroll_queue = j;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/*
 * Swap in a configuration snapshot the thread finished, if there is one,
 * then answer the redemptions it finished (their identities are in it).
 */
void
cath_db_adopt(struct cathedral *c)
{
	struct cath_conf	*conf;
	struct cath_enroll_job	*done, *next;

	pthread_mutex_lock(&c->lock);
	conf = c->conf_new;
	c->conf_new = NULL;
	done = c->enroll_done;
	c->enroll_done = NULL;
	pthread_mutex_unlock(&c->lock);
	if (conf != NULL) {
		cath_conf_free(c->conf);
		c->conf = conf;
		cath_prune_after_reload();
		log_msg("configuration reloaded from the database");
	}
	for (; done != NULL; done = next) {
		next = done->next;
		cath_enroll_done(done);
	}
}

/*
 * Once a second from the loop: adopt a new snapshot, and hand over what
 * changed (never waiting for the disk: if the previous batch is still being
 * written, this one waits a second).
 */
void
cath_db_tick(struct cathedral *c)
{
	struct db_flush		*f;
	struct cath_tunnel	*t;
	const void		*key;
	size_t			iter = 0, cap;
	int64_t			wall = (int64_t)time(NULL);

	cath_db_adopt(c);
	pthread_mutex_lock(&c->lock);
	f = c->flush_pending;
	pthread_mutex_unlock(&c->lock);
	if (f != NULL)
		return;

	cap = c->tunnels.count;
	if (cap == 0 || (f = calloc(1, sizeof(*f))) == NULL)
		return;
	f->endpoints = calloc(cap, sizeof(struct db_endpoint));
	f->counters = calloc(cap, sizeof(struct db_counter));
	if (f->endpoints == NULL || f->counters == NULL) {
		flush_free(f);
		return;
	}
	while ((t = table_next(&c->tunnels, &iter, &key)) != NULL) {
		if (!t->dirty)
			continue;
		t->dirty = 0;
		batch_add(f, &cap, &cap, key, t, wall);
	}
	if (f->nendpoints == 0) {
		flush_free(f);
		return;
	}
	pthread_mutex_lock(&c->lock);
	c->flush_pending = f;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* Stop the thread, flushing nothing more (called on exit). */
void
cath_db_stop(struct cathedral *c)
{
	pthread_mutex_lock(&c->lock);
	c->db_stop = 1;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	(void)pthread_join(c->db_thread, NULL);
	flush_free(c->flush_pending);
	c->flush_pending = NULL;
	jobs_free(c->enroll_queue);
	jobs_free(c->enroll_done);
	c->enroll_queue = c->enroll_done = NULL;
}
