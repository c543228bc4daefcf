/*
 * The Linux sandbox of a worker (tunnel.md 1.6), applied by the worker to
 * itself before it reports "started": close every descriptor it must not
 * hold, leave the network namespace where the design says so, drop to its
 * `run` user, die with the guardian, no new privileges, and a seccomp
 * allow-list of its own. The only file that touches seccomp.
 */

#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <errno.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sanctum.h"

#define ALLOW(ctx, name)	allow((ctx), SCMP_SYS(name), #name)

/* Add one unconditional rule; failing to build the filter is fatal. */
static void
allow(scmp_filter_ctx ctx, int nr, const char *name)
{
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) != 0)
		fatal("seccomp: cannot allow %s", name);
}

/* Allow a system call only on one descriptor (its first argument). */
static void
allow_fd(scmp_filter_ctx ctx, int nr, const char *name, int fd)
{
	struct scmp_arg_cmp	cmp = { .arg = 0, .op = SCMP_CMP_EQ,
				    .datum_a = (scmp_datum_t)fd, .datum_b = 0 };

	if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp) != 0)
		fatal("seccomp: cannot allow %s on fd %d", name, fd);
}

/* Allow ioctl with one request only (libevent's FIONREAD on its sockets). */
static void
allow_ioctl(scmp_filter_ctx ctx, unsigned long request)
{
	struct scmp_arg_cmp	cmp = { .arg = 1, .op = SCMP_CMP_EQ,
				    .datum_a = request, .datum_b = 0 };

	if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
	    &cmp) != 0)
		fatal("seccomp: cannot allow ioctl %lu", request);
}

/* Allow a memory call only without PROT_EXEC in its protection argument. */
static void
allow_noexec(scmp_filter_ctx ctx, int nr, const char *name)
{
	struct scmp_arg_cmp	cmp = { .arg = 2, .op = SCMP_CMP_MASKED_EQ,
				    .datum_a = PROT_EXEC, .datum_b = 0 };

	if (seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &cmp) != 0)
		fatal("seccomp: cannot allow %s", name);
}

/* What every sandboxed process needs: memory, futexes, time, its log fd. */
static void
allow_common(scmp_filter_ctx ctx)
{
	ALLOW(ctx, brk);
	allow_noexec(ctx, SCMP_SYS(mmap), "mmap");
	ALLOW(ctx, munmap);
	ALLOW(ctx, madvise);
	ALLOW(ctx, futex);
	ALLOW(ctx, clock_gettime);
	ALLOW(ctx, clock_nanosleep);
	ALLOW(ctx, nanosleep);
	ALLOW(ctx, rt_sigreturn);
	ALLOW(ctx, rt_sigprocmask);
	ALLOW(ctx, restart_syscall);
	ALLOW(ctx, exit);
	ALLOW(ctx, exit_group);
	allow_fd(ctx, SCMP_SYS(write), "write", 2);
#ifdef SANCTUM_SANITIZER_BUILD
	/* ASan and UBSan reporting; the release build never has these. */
	ALLOW(ctx, sigaltstack);
	ALLOW(ctx, rt_sigaction);
	ALLOW(ctx, getpid);
	ALLOW(ctx, gettid);
	ALLOW(ctx, tgkill);
	ALLOW(ctx, sched_yield);
	ALLOW(ctx, prctl);
	ALLOW(ctx, readlink);
	ALLOW(ctx, openat);
	ALLOW(ctx, read);
	ALLOW(ctx, write);
	ALLOW(ctx, close);
	ALLOW(ctx, fstat);
	ALLOW(ctx, newfstatat);
	ALLOW(ctx, lseek);
	ALLOW(ctx, mprotect);
	ALLOW(ctx, mremap);
	ALLOW(ctx, prlimit64);
	ALLOW(ctx, getrlimit);
	ALLOW(ctx, sched_getaffinity);
	ALLOW(ctx, getrandom);
#endif
}

/* Waking a consumer that sleeps in an event loop (cathedral, liturgy). */
static void
allow_wake_fds(scmp_filter_ctx ctx, const struct sanctum_proc *p)
{
	int	t;

	for (t = 1; t <= SANCTUM_PROC_MAX; t++) {
		if (p->shm->wake_fd[t] != -1)
			allow_fd(ctx, SCMP_SYS(write), "write",
			    p->shm->wake_fd[t]);
	}
}

/*
 * The cathedral: its database (SQLite's file calls, for the database thread
 * too), the libevent loop, its wake-up eventfd and the metrics endpoint.
 */
static void
allow_cathedral(scmp_filter_ctx ctx, const struct sanctum_proc *p)
{
	allow_fd(ctx, SCMP_SYS(read), "read", p->shm->wake_fd[p->type]);
	ALLOW(ctx, read);
	ALLOW(ctx, write);
	ALLOW(ctx, pread64);
	ALLOW(ctx, pwrite64);
	ALLOW(ctx, openat);
	ALLOW(ctx, close);
	ALLOW(ctx, fstat);
	ALLOW(ctx, newfstatat);
	ALLOW(ctx, lseek);
	ALLOW(ctx, fcntl);
	ALLOW(ctx, fsync);
	ALLOW(ctx, fdatasync);
	ALLOW(ctx, ftruncate);
	ALLOW(ctx, unlink);
	ALLOW(ctx, getpid);
	ALLOW(ctx, getuid);
	ALLOW(ctx, geteuid);
	ALLOW(ctx, getgid);
	ALLOW(ctx, getegid);
	ALLOW(ctx, getrandom);
	ALLOW(ctx, mremap);
#ifndef SANCTUM_SANITIZER_BUILD
	allow_noexec(ctx, SCMP_SYS(mprotect), "mprotect");
#endif
	ALLOW(ctx, epoll_wait);
	ALLOW(ctx, epoll_pwait);
	ALLOW(ctx, epoll_ctl);
	ALLOW(ctx, readv);
	ALLOW(ctx, writev);
	ALLOW(ctx, shutdown);
	ALLOW(ctx, getsockname);
	ALLOW(ctx, getpeername);
	ALLOW(ctx, setsockopt);
	if (p->metrics_fd != -1) {
		allow_fd(ctx, SCMP_SYS(accept4), "accept4", p->metrics_fd);
		allow_ioctl(ctx, FIONREAD);
	}
}

/* The per-process additions (ours; see docs/sandbox.md). */
static void
allow_process(scmp_filter_ctx ctx, const struct sanctum_proc *p)
{
	switch (p->type) {
	case SANCTUM_PROC_HEAVEN_RX:
		allow_fd(ctx, SCMP_SYS(read), "read", p->tun_fd);
		ALLOW(ctx, poll);
		ALLOW(ctx, ppoll);
		break;
	case SANCTUM_PROC_HEAVEN_TX:
		allow_fd(ctx, SCMP_SYS(write), "write", p->tun_fd);
		allow_fd(ctx, SCMP_SYS(writev), "writev", p->tun_fd);
		break;
	case SANCTUM_PROC_PURGATORY_RX:
		allow_fd(ctx, SCMP_SYS(recvmmsg), "recvmmsg", p->udp_fd);
		if (p->nat_fd != -1)
			allow_fd(ctx, SCMP_SYS(recvmmsg), "recvmmsg", p->nat_fd);
		allow_wake_fds(ctx, p);
		ALLOW(ctx, poll);
		ALLOW(ctx, ppoll);
		break;
	case SANCTUM_PROC_PURGATORY_TX:
		allow_fd(ctx, SCMP_SYS(sendmmsg), "sendmmsg", p->udp_fd);
		ALLOW(ctx, getrandom);
		break;
	case SANCTUM_PROC_BLESS:
	case SANCTUM_PROC_CONFESS:
		break;
	case SANCTUM_PROC_PILGRIM:
	case SANCTUM_PROC_SHRINE:
		/* The secret was read before the sandbox: keys only. */
		ALLOW(ctx, getrandom);
		break;
	case SANCTUM_PROC_CHAPEL:
	case SANCTUM_PROC_LITURGY:
		/* Secrets from ambries and remembrance files are written. */
		ALLOW(ctx, getrandom);
		ALLOW(ctx, openat);
		ALLOW(ctx, write);
		ALLOW(ctx, close);
		ALLOW(ctx, fstat);
		ALLOW(ctx, newfstatat);
		ALLOW(ctx, fchmod);
		ALLOW(ctx, fsync);
		ALLOW(ctx, rename);
		ALLOW(ctx, unlink);
		break;
	case SANCTUM_PROC_CATHEDRAL:
		allow_cathedral(ctx, p);
		break;
	case SANCTUM_PROC_CONTROL:
		allow_fd(ctx, SCMP_SYS(recvfrom), "recvfrom", p->control_fd);
		allow_fd(ctx, SCMP_SYS(sendto), "sendto", p->control_fd);
		ALLOW(ctx, poll);
		ALLOW(ctx, ppoll);
		break;
	default:
		fatal("no sandbox for process type %d", p->type);
	}
}

/* Report the offending call when SANCTUM_SECCOMP_TRAP=1, then die. */
static void
sigsys_report(int sig, siginfo_t *info, void *uctx)
{
	char	msg[64];
	int	n, nr = info->si_syscall;

	(void)sig;
	(void)uctx;
	n = snprintf(msg, sizeof(msg), "seccomp: blocked syscall %d\n", nr);
	if (n > 0)
		(void)!write(2, msg, (size_t)n);
	_exit(1);
}

/* Build and load the filter: anything not allowed kills the process. */
static void
sandbox_seccomp(const struct sanctum_proc *p)
{
	scmp_filter_ctx		ctx;
	uint32_t		deflt = SCMP_ACT_KILL_PROCESS;
	const char		*trap = getenv("SANCTUM_SECCOMP_TRAP");
	struct sigaction	sa;

	if (trap != NULL && strcmp(trap, "1") == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = sigsys_report;
		sa.sa_flags = SA_SIGINFO;
		if (sigaction(SIGSYS, &sa, NULL) == -1)
			fatal("sigaction SIGSYS: %s", strerror(errno));
		deflt = SCMP_ACT_TRAP;
	}
	if ((ctx = seccomp_init(deflt)) == NULL)
		fatal("seccomp_init failed");
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) != 0)
		fatal("seccomp: no thread synchronisation");
	allow_common(ctx);
	allow_process(ctx, p);
	if (seccomp_load(ctx) != 0)
		fatal("seccomp_load failed");
	seccomp_release(ctx);
}

/* Close every descriptor above 2 that is not in keep. */
static void
close_all_but(const int *keep, size_t nkeep)
{
	unsigned int	from = 3, fd;
	size_t		i;
	int		kept;

	for (fd = 3; fd < 1024; fd++) {
		kept = 0;
		for (i = 0; i < nkeep; i++)
			kept |= keep[i] == (int)fd;
		if (!kept)
			continue;
		if (fd > from && syscall(SYS_close_range, from, fd - 1, 0) == -1)
			fatal("close_range: %s", strerror(errno));
		from = fd + 1;
	}
	if (syscall(SYS_close_range, from, ~0U, 0) == -1)
		fatal("close_range: %s", strerror(errno));
}

/* Close inherited descriptors in a worker that has no sandbox (bishop). */
void
sandbox_close_fds(const int *keep, size_t nkeep)
{
	close_all_but(keep, nkeep);
}

/* Processes that never need the network live in an empty namespace. */
static int
needs_own_netns(int type)
{
	return (type == SANCTUM_PROC_BLESS || type == SANCTUM_PROC_CONFESS ||
	    type == SANCTUM_PROC_CHAPEL || type == SANCTUM_PROC_CONTROL ||
	    type == SANCTUM_PROC_PILGRIM || type == SANCTUM_PROC_SHRINE);
}

/* Become the configured user for this process, for good. */
static void
drop_privileges(const struct config_run *run, const char *name)
{
	gid_t	gid = run->gid;
	uid_t	uid = run->uid;

	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		fatal("cannot drop to user %s for %s: %s", run->user, name,
		    strerror(errno));
	if (getuid() != uid || geteuid() != uid || getgid() != gid ||
	    getegid() != gid)
		fatal("privilege drop for %s did not stick", name);
}

/* Enter the sandbox of p (see sandbox_enter_hook). */
void
sandbox_enter(struct sanctum_proc *p, const int *keep_fds, size_t nkeep)
{
	sandbox_enter_hook(p, keep_fds, nkeep, NULL, NULL);
}

/*
 * Enter the sandbox of p, running hook (if any) after the descriptors are
 * closed and before privileges are dropped: the cathedral opens its
 * database there. The parent-death signal is set after the credential
 * change, which would clear it, and checked against a guardian that died
 * in between. The filter covers every thread (TSYNC).
 */
void
sandbox_enter_hook(struct sanctum_proc *p, const int *keep_fds, size_t nkeep,
    void (*hook)(void *), void *arg)
{
	pid_t	guardian = getppid();

	close_all_but(keep_fds, nkeep);
	if (needs_own_netns(p->type) && unshare(CLONE_NEWNET) == -1)
		fatal("unshare(CLONE_NEWNET): %s", strerror(errno));
	if (hook != NULL)
		hook(arg);
	drop_privileges(&p->cfg->run[p->type], p->name);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != guardian)
		fatal("guardian gone");
	if (prctl(PR_SET_DUMPABLE, 0) == -1 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("prctl: %s", strerror(errno));
	sandbox_seccomp(p);
}
