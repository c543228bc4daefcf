/*
 * guardian: the parent (tunnel.md 1.2, 1.7, 1.8). It creates the shared
 * objects, sockets and device, forks every worker of the mode from its
 * process table, waits for each to report "started", publishes the uptime
 * once a second, applies MTU changes, forwards log lines, and tears the
 * whole daemon down when any worker exits or a signal asks it to.
 */

#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sanctum.h"

#define STOP_WAIT_MS	5000	/* workers get this long after SIGQUIT */
#define POLL_MS		20

struct sanctum_shared	*sanctum;
volatile sig_atomic_t	 sanctum_quit;

/* One entry of the process table: a process type, the modes, its code. */
struct proc_desc {
	int		type;
	unsigned int	modes;
	void		(*entry)(struct sanctum_proc *);
};

#define M(m)		(1U << SANCTUM_MODE_##m)
#define TUNNELS		(M(TUNNEL) | M(PILGRIM) | M(SHRINE))
#define SERVERS		(M(CATHEDRAL) | M(LITURGY))

/*
 * Creation order (tunnel.md 1.2). config_mode_procs() says which types a
 * mode starts; this table says with which code (the network side of the
 * cathedral and liturgy modes is the relay variant).
 */
static const struct proc_desc	proc_table[] = {
	{ SANCTUM_PROC_CONTROL,		~0U,		control_main },
	{ SANCTUM_PROC_PURGATORY_RX,	TUNNELS,	purgatory_rx_main },
	{ SANCTUM_PROC_PURGATORY_RX,	SERVERS,	purgatory_relay_rx_main },
	{ SANCTUM_PROC_PURGATORY_TX,	TUNNELS,	purgatory_tx_main },
	{ SANCTUM_PROC_PURGATORY_TX,	SERVERS,	purgatory_relay_tx_main },
	{ SANCTUM_PROC_HEAVEN_RX,	TUNNELS,	heaven_rx_main },
	{ SANCTUM_PROC_BLESS,		TUNNELS,	bless_main },
	{ SANCTUM_PROC_HEAVEN_TX,	TUNNELS,	heaven_tx_main },
	{ SANCTUM_PROC_CONFESS,		TUNNELS,	confess_main },
	{ SANCTUM_PROC_CHAPEL,		M(TUNNEL),	chapel_main },
	{ SANCTUM_PROC_PILGRIM,		M(PILGRIM),	pilgrim_main },
	{ SANCTUM_PROC_SHRINE,		M(SHRINE),	shrine_main },
	{ SANCTUM_PROC_CATHEDRAL,	M(CATHEDRAL),	cathedral_main },
	{ SANCTUM_PROC_BISHOP,		M(LITURGY),	bishop_main },
	{ SANCTUM_PROC_LITURGY,		M(LITURGY),	liturgy_main },
};

struct guardian {
	struct sanctum_config	*cfg;
	struct sanctum_shared	shm;
	struct sanctum_proc	proc;
	pid_t			pids[SANCTUM_PROC_MAX + 1];
	int			log_pipe[2];
	int			pidfile_fd;
	struct event_base	*base;
	int			stopping;
};

static struct guardian	g;

/* Workers leave their loop on SIGQUIT. */
static void
worker_sigquit(int sig)
{
	(void)sig;
	sanctum_quit = 1;
}

/* Signal set-up of a fresh worker: SIGQUIT ends it, SIGINT is ignored. */
static void
worker_signals(void)
{
	struct sigaction	sa;
	sigset_t		none;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_sigquit;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* stdin and stdout to /dev/null, stderr to the guardian's log pipe. */
static void
worker_stdio(void)
{
	int	null;

	if ((null = open("/dev/null", O_RDWR)) == -1)
		_exit(1);
	if (dup2(null, 0) == -1 || dup2(null, 1) == -1 ||
	    dup2(g.log_pipe[1], 2) == -1)
		_exit(1);
	if (null > 2)
		close(null);
}

/* Fork one worker and wait (bounded) until it has entered its sandbox. */
static void
proc_spawn(const struct proc_desc *d)
{
	const char	*name = config_proc_name(d->type);
	pid_t		pid;
	int		i;

	if ((pid = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		log_set_direct(NULL);
		worker_signals();
		worker_stdio();
		(void)prctl(PR_SET_NAME, name);
		proctitle_set("%s [%s]", g.cfg->instance[0] ? g.cfg->instance :
		    "sanctum", name);
		log_init(name, 2);
		g.proc.type = d->type;
		g.proc.name = name;
		d->entry(&g.proc);
		_exit(1);
	}
	g.pids[d->type] = pid;
	for (i = 0; i < SANCTUM_START_TIMEOUT_MS / POLL_MS; i++) {
		if (atomic_load(&g.shm.state->started[d->type]))
			return;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			g.pids[d->type] = 0;
			logsink_drain(g.log_pipe[0]);
			fatal("%s exited during start-up", name);
		}
		usleep(POLL_MS * 1000);
	}
	fatal("%s did not start within %d ms", name, SANCTUM_START_TIMEOUT_MS);
}

/* The control socket: unlinked first, owned by its user, mode 0700. */
static int
control_socket(const struct sanctum_config *cfg)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(cfg->control_path) >= sizeof(sun.sun_path))
		fatal("control path too long");
	strcpy(sun.sun_path, cfg->control_path);
	(void)unlink(cfg->control_path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("control socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("bind %s: %s", cfg->control_path, strerror(errno));
	if (chown(cfg->control_path, cfg->control_uid, cfg->control_gid) == -1 ||
	    chmod(cfg->control_path, 0700) == -1)
		fatal("%s: %s", cfg->control_path, strerror(errno));
	return (fd);
}

/*
 * Claim the pidfile: exclusive create, mode 0400. A pidfile whose process
 * is gone is stale and replaced; a live one means we are already running.
 */
static void
pidfile_claim(const char *path)
{
	char	buf[32];
	ssize_t	n;
	long	pid;
	int	fd, tries;

	for (tries = 0; tries < 2; tries++) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0400);
		if (fd != -1) {
			g.pidfile_fd = fd;
			return;
		}
		if (errno != EEXIST)
			fatal("pidfile %s: %s", path, strerror(errno));
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW)) == -1)
			fatal("pidfile %s: %s", path, strerror(errno));
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		pid = strtol(buf, NULL, 10);
		if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			fatal("pidfile %s: already running as pid %ld", path,
			    pid);
		log_msg("removing stale pidfile %s", path);
		if (unlink(path) == -1)
			fatal("pidfile %s: %s", path, strerror(errno));
	}
	fatal("pidfile %s: could not be claimed", path);
}

/* Write our PID once every worker is up (the reference's readiness sign). */
static void
pidfile_write(void)
{
	char	buf[32];
	int	n;

	if (g.pidfile_fd == -1)
		return;
	n = snprintf(buf, sizeof(buf), "%d", (int)getpid());
	if (write(g.pidfile_fd, buf, (size_t)n) != n)
		fatal("pidfile write: %s", strerror(errno));
	close(g.pidfile_fd);
	g.pidfile_fd = -1;
}

/* SIGQUIT to every worker, reap them (SIGKILL after a bound), clean up. */
static void __attribute__((noreturn))
shutdown_all(int status)
{
	int	i, t, left;

	g.stopping = 1;
	for (i = 1; i <= SANCTUM_PROC_MAX; i++) {
		if (g.pids[i] > 0)
			kill(g.pids[i], SIGQUIT);
	}
	for (t = 0; t <= STOP_WAIT_MS / POLL_MS; t++) {
		left = 0;
		for (i = 1; i <= SANCTUM_PROC_MAX; i++) {
			if (g.pids[i] > 0 &&
			    waitpid(g.pids[i], NULL, WNOHANG) == g.pids[i])
				g.pids[i] = 0;
			left += g.pids[i] > 0;
		}
		if (left == 0)
			break;
		usleep(POLL_MS * 1000);
	}
	for (i = 1; i <= SANCTUM_PROC_MAX; i++) {
		if (g.pids[i] > 0) {
			kill(g.pids[i], SIGKILL);
			(void)waitpid(g.pids[i], NULL, 0);
		}
	}
	logsink_drain(g.log_pipe[0]);
	if (g.cfg->pidfile[0] != '\0')
		(void)unlink(g.cfg->pidfile);
	if (g.cfg->mode != SANCTUM_MODE_LITURGY)
		(void)unlink(g.cfg->control_path);
	log_msg("stopped");
	exit(status);
}

/* A termination signal: orderly shutdown (there is no reload). */
static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	log_msg("signal %d, shutting down", (int)sig);
	shutdown_all(0);
}

/* A worker exited: the daemon goes down with it. */
static void
on_child(evutil_socket_t sig, short what, void *arg)
{
	pid_t	pid;
	int	i, status;

	(void)sig;
	(void)what;
	(void)arg;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 1; i <= SANCTUM_PROC_MAX; i++) {
			if (g.pids[i] != pid)
				continue;
			g.pids[i] = 0;
			log_msg("%s exited (%s %d), shutting down",
			    config_proc_name(i), WIFSIGNALED(status) ?
			    "signal" : "status", WIFSIGNALED(status) ?
			    WTERMSIG(status) : WEXITSTATUS(status));
			shutdown_all(1);
		}
	}
}

/* Once a second: the uptime, and an MTU change heaven-tx acknowledged. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct sanctum_state	*st = g.shm.state;
	uint16_t		mtu;

	(void)fd;
	(void)what;
	(void)arg;
	atomic_store(&st->uptime, uptime_now());
	mtu = atomic_exchange(&st->mtu_change, 0);
	if (mtu == 0 || mtu == atomic_load(&st->mtu_size))
		return;
	if (mtu < SANCTUM_MTU_MIN || mtu > g.cfg->tun_mtu) {
		log_msg("ignoring mtu %u outside [%u, %u]", mtu,
		    SANCTUM_MTU_MIN, g.cfg->tun_mtu);
		return;
	}
	tun_set_mtu(g.cfg, mtu);
	atomic_store(&st->mtu_size, mtu);
	log_msg("tunnel mtu now %u", mtu);
}

/* Worker log lines arrived. */
static void
on_log(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	(void)arg;
	logsink_drain((int)fd);
}

/* Block the signals libevent will deliver, so none arrives unhandled. */
static void
guardian_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* The cathedral's metrics endpoint: a listening TCP socket on loopback. */
static int
metrics_socket(const struct sockaddr_in *sin)
{
	int	fd, on = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		fatal("metrics socket: %s", strerror(errno));
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1 ||
	    listen(fd, 16) == -1)
		fatal("metrics %s:%u: %s", inet_ntoa(sin->sin_addr),
		    ntohs(sin->sin_port), strerror(errno));
	return (fd);
}

/* Create sockets and devices in the order the workers need them. */
static void
open_resources(struct sanctum_config *cfg)
{
	struct sockaddr_in	nat;
	int			mode = cfg->mode;

	g.proc.tun_fd = g.proc.udp_fd = g.proc.nat_fd = g.proc.control_fd = -1;
	g.proc.metrics_fd = -1;
	if (mode != SANCTUM_MODE_LITURGY)
		g.proc.control_fd = control_socket(cfg);
	g.proc.udp_fd = udp_open(&cfg->local);
	if (mode == SANCTUM_MODE_CATHEDRAL && cfg->cathedral_nat_port != 0) {
		nat = cfg->local;
		nat.sin_port = htons(cfg->cathedral_nat_port);
		g.proc.nat_fd = udp_open(&nat);
	}
	if (mode == SANCTUM_MODE_CATHEDRAL && cfg->metrics_set)
		g.proc.metrics_fd = metrics_socket(&cfg->metrics);
	if (mode == SANCTUM_MODE_CATHEDRAL) {
		g.shm.wake_fd[SANCTUM_PROC_CATHEDRAL] = eventfd(0,
		    EFD_CLOEXEC | EFD_NONBLOCK);
		if (g.shm.wake_fd[SANCTUM_PROC_CATHEDRAL] == -1)
			fatal("eventfd: %s", strerror(errno));
	}
	if (mode == SANCTUM_MODE_TUNNEL || mode == SANCTUM_MODE_PILGRIM ||
	    mode == SANCTUM_MODE_SHRINE)
		g.proc.tun_fd = tun_open(cfg, cfg->tun_mtu);
}

/*
 * The initial peer address: configured, else the cathedral, else unknown;
 * and the current cathedral, which fail-over may change later.
 */
static void
initial_peer(const struct sanctum_config *cfg)
{
	if (cfg->cathedral_set)
		cathedral_addr_set(cfg->cathedral.sin_addr.s_addr,
		    cfg->cathedral.sin_port);
	if (cfg->peer.sin_addr.s_addr != 0 && cfg->peer.sin_port != 0)
		peer_set(cfg->peer.sin_addr.s_addr, cfg->peer.sin_port);
	else if (cfg->cathedral_set && !cfg->peer_configured)
		peer_set(cfg->cathedral.sin_addr.s_addr, cfg->cathedral.sin_port);
}

/* Start the daemon described by cfg and run the guardian loop; no return. */
void
guardian_run(struct sanctum_config *cfg, int daemonize)
{
	struct event	*ev[8];
	struct timeval	tv = { 1, 0 };
	uint32_t	procs = config_mode_procs(cfg->mode);
	size_t		i;
	int		n = 0, sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	memset(&g, 0, sizeof(g));
	log_init("guardian", 2);
	g.cfg = cfg;
	g.pidfile_fd = -1;
	if (cfg->mtu_auto)
		cfg->tun_mtu = cfg->shroud ? CONFIG_MTU_MAX_SHROUD :
		    CONFIG_MTU_MAX;
	if (daemonize && daemon(1, 1) == -1)
		fatal("daemon: %s", strerror(errno));
	if (!logsink_open(daemonize, cfg->logfile) && daemonize) {
		int	null = open("/dev/null", O_WRONLY);

		if (null != -1) {
			dup2(null, 2);
			close(null);
		}
	}
	if (daemonize) {
		int	null = open("/dev/null", O_RDWR);

		if (null != -1) {
			dup2(null, 0);
			dup2(null, 1);
			close(null);
		}
	}
	guardian_signals();
	if (cfg->pidfile[0] != '\0')
		pidfile_claim(cfg->pidfile);
	if (shm_create(&g.shm, cfg->mode) == -1)
		fatal("shared memory: %s", strerror(errno));
	sanctum = &g.shm;
	atomic_store(&g.shm.state->uptime, uptime_now());
	atomic_store(&g.shm.state->mtu_size, cfg->tun_mtu ? cfg->tun_mtu :
	    cfg->cathedral_mtu);
	initial_peer(cfg);
	if (pipe2(g.log_pipe, O_CLOEXEC) == -1 ||
	    fcntl(g.log_pipe[0], F_SETFL, O_NONBLOCK) == -1 ||
	    fcntl(g.log_pipe[1], F_SETFL, O_NONBLOCK) == -1)
		fatal("log pipe: %s", strerror(errno));
	g.proc.cfg = cfg;
	g.proc.shm = &g.shm;

	open_resources(cfg);
	for (i = 0; i < sizeof(proc_table) / sizeof(proc_table[0]); i++) {
		if ((procs & (1U << proc_table[i].type)) &&
		    (proc_table[i].modes & (1U << cfg->mode)))
			proc_spawn(&proc_table[i]);
	}
	for (i = 1; i <= SANCTUM_PROC_MAX; i++) {
		if ((procs & (1U << i)) && g.pids[i] == 0)
			fatal("mode %s: process %s is not available",
			    config_mode_name(cfg->mode), config_proc_name((int)i));
	}
	pidfile_write();
	(void)prctl(PR_SET_NAME, "guardian");
	proctitle_set("%s [guardian]", cfg->instance);
	log_msg("started instance=%s mode=%s", cfg->instance,
	    config_mode_name(cfg->mode));

	if ((g.base = event_base_new()) == NULL)
		fatal("event_base_new failed");
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		ev[n] = evsignal_new(g.base, sigs[i], on_signal, NULL);
		event_add(ev[n++], NULL);
	}
	ev[n] = evsignal_new(g.base, SIGCHLD, on_child, NULL);
	event_add(ev[n++], NULL);
	ev[n] = event_new(g.base, -1, EV_PERSIST, on_tick, NULL);
	event_add(ev[n++], &tv);
	ev[n] = event_new(g.base, g.log_pipe[0], EV_READ | EV_PERSIST, on_log,
	    NULL);
	event_add(ev[n++], NULL);
	on_child(SIGCHLD, 0, NULL);
	event_base_dispatch(g.base);
	shutdown_all(1);
}
