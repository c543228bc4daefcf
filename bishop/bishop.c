/*
 * bishop: applies what liturgy learns (cathedral.md 6.3) by running hymn,
 * as the reference does, so either bishop works with either hymn. For a
 * listed peer it adds, routes and starts the tunnel (and restarts one that
 * died); for a peer no longer listed whose tunnel has been idle for 30 s it
 * stops and removes it. The only worker that keeps root and no sandbox, so
 * it does nothing else.
 */

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sanctum.h"

#define HYMN_ARGS	32
#define ALIVE_WINDOW	30	/* seconds of traffic that keep a tunnel */
#define STATUS_LEN	88

/* Where hymn keeps its files (the same variables hymn reads). */
struct bishop {
	const struct sanctum_config	*cfg;
	uint8_t				local;
	char				flock[32];
	char				confdir[256];
	char				rundir[256];
	char				tmpdir[256];
	char				sock[512];
	int				fd;
	uint8_t				up[256];
};

static struct bishop	b;

/* A directory from the environment, or hymn's default. */
static void
dir_from_env(char *dst, size_t len, const char *var, const char *dflt)
{
	const char	*v = getenv(var);

	snprintf(dst, len, "%s", v != NULL && v[0] != '\0' ? v : dflt);
}

/* The name of the tunnel to peer id: <flock>-<local>-<peer>. */
static void
tunnel_name(char *dst, size_t len, int id)
{
	snprintf(dst, len, "%s-%02x-%02x", b.flock, b.local, id);
}

/* Whether hymn's configuration for a peer exists. */
static int
configured(int id)
{
	char		name[64], path[512];
	struct stat	st;

	tunnel_name(name, sizeof(name), id);
	snprintf(path, sizeof(path), "%s/%s.conf", b.confdir, name);
	return (stat(path, &st) == 0);
}

/* Whether the tunnel's daemon runs: a pidfile naming a live process. */
static int
running(int id)
{
	char	name[64], path[512], buf[32];
	FILE	*fp;
	long	pid = 0;

	tunnel_name(name, sizeof(name), id);
	snprintf(path, sizeof(path), "%s/%s.pid", b.rundir, name);
	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	if (fgets(buf, sizeof(buf), fp) != NULL)
		pid = strtol(buf, NULL, 10);
	fclose(fp);
	return (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM));
}

/*
 * Whether the tunnel still carries traffic: its STATUS reply within 1 s
 * shows both SAs and a packet received less than 30 s ago.
 */
static int
alive(int id)
{
	struct sockaddr_un	sun;
	struct timeval		tv = { 1, 0 };
	struct timespec		ts;
	uint8_t			cmd = 1, r[STATUS_LEN];
	char			name[64];
	uint64_t		rx_last;

	tunnel_name(name, sizeof(name), id);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s.control",
	    b.tmpdir, name) >= (int)sizeof(sun.sun_path))
		return (0);
	setsockopt(b.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (sendto(b.fd, &cmd, 1, 0, (struct sockaddr *)&sun,
	    sizeof(sun)) != 1 || recv(b.fd, r, sizeof(r), 0) != STATUS_LEN)
		return (0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	rx_last = get_le32(r + 64) | (uint64_t)get_le32(r + 68) << 32;
	return (get_le32(r) != 0 && get_le32(r + 40) != 0 && rx_last > 0 &&
	    (uint64_t)ts.tv_sec - rx_last < ALIVE_WINDOW);
}

/* Run hymn with argv and wait for it; its output goes to our log. */
static int
hymn(char **argv)
{
	char	line[512];
	FILE	*fp;
	pid_t	pid;
	int	fds[2], status;

	if (pipe(fds) == -1)
		return (-1);
	if ((pid = fork()) == -1) {
		close(fds[0]);
		close(fds[1]);
		return (-1);
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execvp("hymn", argv);
		_exit(127);
	}
	close(fds[1]);
	if ((fp = fdopen(fds[0], "r")) != NULL) {
		while (fgets(line, sizeof(line), fp) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			log_msg("hymn %s: %s", argv[1], line);
		}
		fclose(fp);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return (WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1);
}

/* hymn VERB NAME [more...] with up to HYMN_ARGS words. */
static int
hymn_simple(const char *verb, const char *name)
{
	char	*argv[] = { "hymn", (char *)(uintptr_t)verb,
		    (char *)(uintptr_t)name, NULL };

	return (hymn(argv));
}

/*
 * Create the tunnel to peer id with hymn add (cathedral.md 6.3): our
 * address a.b.S.D/32 and a route to a.b.D.S/32 (none with tap).
 */
static int
create(int id)
{
	const struct sanctum_config	*cfg = b.cfg;
	struct sockaddr_in		cath;
	char				name[64], ip[32], peer[32], host[300];
	char				identity[CONFIG_PATH_MAX + 16], nat[8];
	char				*argv[HYMN_ARGS];
	const uint8_t			*p = (const uint8_t *)&cfg->liturgy_prefix;
	int				n = 0;

	tunnel_name(name, sizeof(name), id);
	if (cfg->tap)
		snprintf(ip, sizeof(ip), "0.0.0.0/32");
	else
		snprintf(ip, sizeof(ip), "%u.%u.%u.%u/32", p[0], p[1], b.local,
		    id);
	snprintf(peer, sizeof(peer), "%u.%u.%u.%u/32", p[0], p[1], id, b.local);
	if (!cathedral_addr_get(&cath))
		cath = cfg->cathedral;
	snprintf(host, sizeof(host), "%s:%u", cfg->cathedral_host,
	    ntohs(cath.sin_port));
	if (snprintf(identity, sizeof(identity), "%x:%s", cfg->cathedral_id,
	    cfg->cathedral_secret) >= (int)sizeof(identity))
		return (-1);
	snprintf(nat, sizeof(nat), "%u", cfg->cathedral_nat_port);
	argv[n++] = "hymn";
	argv[n++] = "add";
	argv[n++] = name;
	argv[n++] = "tunnel";
	argv[n++] = ip;
	argv[n++] = "cathedral";
	argv[n++] = host;
	argv[n++] = (char *)(uintptr_t)"kek";
	argv[n++] = (char *)(uintptr_t)cfg->kek;
	argv[n++] = "identity";
	argv[n++] = identity;
	argv[n++] = "cosk";
	argv[n++] = (char *)(uintptr_t)cfg->cathedral_cosk;
	argv[n++] = "natport";
	argv[n++] = nat;
	argv[n++] = "device";
	argv[n++] = cfg->tap ? "tap" : "tun";
	if (cfg->tap && cfg->bridge[0] != '\0') {
		argv[n++] = "bridge";
		argv[n++] = (char *)(uintptr_t)cfg->bridge;
	}
	argv[n++] = "user";
	argv[n++] = (char *)(uintptr_t)cfg->run[SANCTUM_PROC_LITURGY].user;
	argv[n++] = "shroud";
	argv[n++] = cfg->shroud ? "yes" : "no";
	argv[n] = NULL;
	if (hymn(argv) == -1)
		return (-1);
	if (!cfg->tap) {
		char	*route[] = { "hymn", "route", "add", peer, "via", name,
			    NULL };

		return (hymn(route));
	}
	return (0);
}

/* A listed peer: its tunnel exists and runs (again, if it died). */
static void
ensure(int id)
{
	char	name[64];

	tunnel_name(name, sizeof(name), id);
	if (!configured(id) && create(id) == -1) {
		log_msg("could not create %s", name);
		return;
	}
	if (running(id))
		return;
	log_msg("starting %s", name);
	if (hymn_simple("up", name) == 0)
		b.up[id] = 1;
}

/*
 * A peer no longer listed: once its tunnel is idle it is stopped and its
 * configuration removed, so no interface, pidfile or process stays.
 */
static void
retire(int id)
{
	char	name[64];

	if (!configured(id))
		return;
	tunnel_name(name, sizeof(name), id);
	if (running(id)) {
		if (alive(id))
			return;
		log_msg("stopping %s, its peer is gone", name);
		(void)hymn_simple("down", name);
	}
	b.up[id] = 0;
	(void)hymn_simple("del", name);
}

/* One presence map from liturgy. */
static void
apply(const uint8_t *map)
{
	int	id;

	for (id = 1; id < SANCTUM_LITURGY_PEERS; id++) {
		if (id == b.local)
			continue;
		if (map[id])
			ensure(id);
		else
			retire(id);
	}
}

/* At exit: stop every tunnel we started that still runs. */
static void
bishop_exit(void)
{
	char	name[64];
	int	id;

	for (id = 1; id < SANCTUM_LITURGY_PEERS; id++) {
		if (!b.up[id] || !configured(id) || !running(id))
			continue;
		tunnel_name(name, sizeof(name), id);
		(void)hymn_simple("down", name);
	}
	close(b.fd);
	unlink(b.sock);
}

/* Our datagram socket for status queries: <tmp>/<flock>-<id>-00.sock. */
static void
bishop_socket(void)
{
	struct sockaddr_un	sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(b.sock, sizeof(b.sock), "%s/%s-%02x-00.sock", b.tmpdir,
	    b.flock, b.local);
	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", b.sock) >=
	    (int)sizeof(sun.sun_path))
		fatal("bishop socket path %s is too long", b.sock);
	(void)unlink(b.sock);
	if ((b.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(b.fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(b.sock, 0700) == -1)
		fatal("bishop socket %s: %s", b.sock, strerror(errno));
}

/* The process: no sandbox; the latest presence map is applied. */
void
bishop_main(struct sanctum_proc *p)
{
	const int		keep[] = { SHM_RING_BISHOP };
	struct sanctum_packet	*pkt, *latest;
	int			id;

	memset(&b, 0, sizeof(b));
	b.cfg = p->cfg;
	b.local = (uint8_t)p->cfg->tun_spi;
	snprintf(b.flock, sizeof(b.flock), "%llx",
	    (unsigned long long)p->cfg->cathedral_flock);
	dir_from_env(b.confdir, sizeof(b.confdir), "HYMN_CONFIG_DIR",
	    "/etc/hymn");
	dir_from_env(b.rundir, sizeof(b.rundir), "HYMN_RUN_DIR",
	    "/var/run/hymn");
	dir_from_env(b.tmpdir, sizeof(b.tmpdir), "HYMN_TMP_DIR", "/tmp");
	shm_keep(p->shm, keep, 1);
	sandbox_close_fds(NULL, 0);
	bishop_socket();
	signal(SIGCHLD, SIG_DFL);
	for (id = 1; id < SANCTUM_LITURGY_PEERS; id++)
		b.up[id] = id != b.local && configured(id) && running(id);
	atomic_store(&sanctum->state->started[p->type], 1);
	while (!sanctum_quit) {
		latest = NULL;
		while ((pkt = packet_take(SHM_RING_BISHOP)) != NULL) {
			if (latest != NULL)
				packet_put(latest);
			latest = pkt;
		}
		if (latest != NULL) {
			apply(PACKET_DATA(latest));
			packet_put(latest);
		}
		proc_suspend(p->type, 1);
	}
	bishop_exit();
	exit(0);
}
