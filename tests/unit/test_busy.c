/*
 * Operator writes on a busy database: a child process plays the cathedral
 * and flushes endpoint updates and relay counters in a loop (well above
 * 1,000 endpoint updates a second) while this process runs 1,000
 * "node set --bandwidth" commands, each opening the database as the tool
 * does. No command may fail, and both sides' rows must be exact: 1,000
 * audited bandwidth changes ending at the last value, and relay counters
 * that add up to what the child flushed.
 */

#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cathedralctl.h"
#include "check.h"
#include "sanctum_crypto.h"

#define FLOCK		0xcafeba00ULL
#define WRITES		1000
#define ENDPOINTS	250		/* per flush */
#define FLUSH_US	10000		/* a flush every 10 ms */

static char	dir[64];
static char	dbpath[128];

/* Seconds since an earlier monotonic time. */
static double
since(const struct timespec *t0)
{
	struct timespec	t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return ((double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9);
}

/*
 * The cathedral: flush ENDPOINTS updates and one packet per endpoint every
 * FLUSH_US until the stop file appears; writes "flushes seconds" to fd.
 */
static void
hammer(int fd)
{
	struct db_endpoint	 e[ENDPOINTS];
	struct db_counter	 c[ENDPOINTS];
	struct db_flush		 f;
	struct timespec		 t0;
	struct db		*db;
	char			 err[512], stop[160], msg[64];
	long			 flushes = 0;
	size_t			 i;
	int64_t			 t = 1700000000;

	snprintf(stop, sizeof(stop), "%s/stop", dir);
	if ((db = db_open(dbpath, DB_OPEN_RW, err, sizeof(err))) == NULL)
		_exit(10);
	memset(e, 0, sizeof(e));
	memset(c, 0, sizeof(c));
	for (i = 0; i < ENDPOINTS; i++) {
		e[i].src = e[i].dst = FLOCK;
		e[i].tunnel = (uint16_t)(0x0100 | i);
		e[i].csid = 1;
		e[i].ip[0] = 198;
		e[i].ip[3] = (uint8_t)i;
		e[i].port = (uint16_t)(2000 + i);
		c[i].src = c[i].dst = FLOCK;
		c[i].tunnel = e[i].tunnel;
		c[i].minute = 1700000000 - 1700000000 % 60;
		c[i].pkts_in = 1;
		c[i].bytes_in = 100;
	}
	memset(&f, 0, sizeof(f));
	f.endpoints = e;
	f.nendpoints = ENDPOINTS;
	f.counters = c;
	f.ncounters = ENDPOINTS;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (access(stop, F_OK) == -1 && getppid() != 1) {
		for (i = 0; i < ENDPOINTS; i++)
			e[i].last_seen = t;
		t++;
		if (db_flush(db, &f) != 0)
			_exit(11);
		flushes++;
		usleep(FLUSH_US);
	}
	snprintf(msg, sizeof(msg), "%ld %f\n", flushes, since(&t0));
	if (write(fd, msg, strlen(msg)) != (ssize_t)strlen(msg))
		_exit(12);
	db_close(db);
	_exit(0);
}

/* One "node set busy --bandwidth N" as cathedralctl runs it. */
static int
node_set(uint32_t mbit)
{
	struct ctl	 c;
	char		 a0[] = "node", a1[] = "set", a2[] = "busy";
	char		 a3[] = "--bandwidth", a4[16];
	char		*argv[] = { a0, a1, a2, a3, a4, NULL };

	memset(&c, 0, sizeof(c));
	c.progname = "cathedralctl";
	c.db_path = dbpath;
	snprintf(c.actor, sizeof(c.actor), "test");
	snprintf(a4, sizeof(a4), "%u", mbit);
	return (ctl_node(&c, 5, argv));
}

/* Count bandwidth changes and the relay packets, and the final mbit. */
struct tally {
	int		changes;
	uint32_t	mbit;
	uint64_t	pkts;
	size_t		endpoints;
};

/* Count the bandwidth changes. */
static int
tally_audit(void *arg, const struct db_audit *a)
{
	if (strcmp(a->action, "allow.bandwidth") == 0)
		((struct tally *)arg)->changes++;
	return (0);
}

/* The final bandwidth of the node. */
static int
tally_identity(void *arg, const struct db_identity *id)
{
	if (id->csid == 1 && id->nallow == 1)
		((struct tally *)arg)->mbit = id->allow[0].mbit;
	return (0);
}

/* Sum the relayed packets. */
static int
tally_tunnel(void *arg, const struct db_tunnel *t)
{
	((struct tally *)arg)->pkts += t->pkts_in;
	((struct tally *)arg)->endpoints++;
	return (0);
}

/* Start the flushing child, run the writes, then count. */
int
main(void)
{
	struct db_identity_new	 n;
	struct timespec		 t0;
	struct tally		 tl;
	struct db		*db;
	char			 err[512], buf[64], path[160];
	long			 flushes = 0;
	double			 secs = 0, took;
	int			 p[2], i, failed = 0, status, devnull, saved;
	pid_t			 pid;

	snprintf(dir, sizeof(dir), "/tmp/busy.XXXXXX");
	if (sanctum_crypto_init() == -1 || mkdtemp(dir) == NULL || pipe(p) ==
	    -1)
		return (1);
	snprintf(dbpath, sizeof(dbpath), "%s/cathedral.db", dir);
	if ((db = db_open(dbpath, DB_OPEN_RWC, err, sizeof(err))) == NULL ||
	    db_migrate(db) == -1 || db_flock_add(db, "test", FLOCK, "") == -1)
		return (1);
	memset(&n, 0, sizeof(n));
	n.flock = FLOCK;
	n.csid = 1;
	n.name = "busy";
	n.peer = 1;
	if (db_identity_add(db, "test", &n) != DB_ADDED)
		return (1);
	db_close(db);

	if ((pid = fork()) == 0) {
		close(p[0]);
		hammer(p[1]);
	}
	close(p[1]);
	usleep(200000);
	fflush(stdout);
	saved = dup(1);
	devnull = open("/dev/null", O_WRONLY);
	dup2(devnull, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i <= WRITES; i++) {
		if (node_set((uint32_t)i) != 0)
			failed++;
	}
	took = since(&t0);
	fflush(stdout);
	dup2(saved, 1);
	close(devnull);
	snprintf(path, sizeof(path), "%s/stop", dir);
	close(open(path, O_WRONLY | O_CREAT, 0600));
	memset(buf, 0, sizeof(buf));
	if (read(p[0], buf, sizeof(buf) - 1) > 0)
		sscanf(buf, "%ld %lf", &flushes, &secs);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0, "the flushing process never failed "
	    "(status %d)", status);
	CHECK(failed == 0, "%d of %d operator writes failed", failed, WRITES);
	printf("busy: %d operator writes in %.1f s while %ld flushes of %d "
	    "endpoints ran (%.0f updates/s)\n", WRITES, took, flushes,
	    ENDPOINTS, secs > 0 ? flushes * ENDPOINTS / secs : 0);

	memset(&tl, 0, sizeof(tl));
	if ((db = db_open(dbpath, DB_OPEN_RO, err, sizeof(err))) == NULL)
		return (1);
	CHECK(db_audit_list(db, 0, 0, tally_audit, &tl) == 0 &&
	    db_identities(db, tally_identity, &tl) == 0 &&
	    db_report_tunnels(db, tally_tunnel, &tl) == 0, "tally: %s",
	    db_error(db));
	db_close(db);
	CHECK(tl.changes == WRITES && tl.mbit == WRITES, "%d audited changes, "
	    "%u Mbit/s at the end", tl.changes, tl.mbit);
	CHECK(tl.endpoints == ENDPOINTS &&
	    tl.pkts == (uint64_t)flushes * ENDPOINTS, "%zu endpoints, %llu "
	    "packets for %ld flushes", tl.endpoints,
	    (unsigned long long)tl.pkts, flushes);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		return (1);
	return (check_report("busy"));
}
