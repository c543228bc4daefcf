/*
 * Sleeping and waking between processes with a futex word per process
 * (tunnel.md 1.4), the shared uptime, and the drop counters.
 */

#include <linux/futex.h>
#include <sys/syscall.h>

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "sanctum.h"

static const char	*counter_names[CTR_MAX] = {
	[CTR_RX_RUNT] = "rx-runt",
	[CTR_RX_INVALID] = "rx-invalid",
	[CTR_RX_UNKNOWN_SPI] = "rx-unknown-spi",
	[CTR_RX_MALFORMED] = "rx-malformed",
	[CTR_RX_TOO_OLD] = "rx-too-old",
	[CTR_RX_REPLAY] = "rx-replay",
	[CTR_RX_BAD_TAG] = "rx-bad-tag",
	[CTR_RX_BAD_FLOCK] = "rx-bad-flock",
	[CTR_RX_BAD_TAIL] = "rx-bad-tail",
	[CTR_RX_TFC] = "rx-tfc-length",
	[CTR_RX_FILTER] = "rx-filtered",
	[CTR_RX_GRACE_BAD] = "rx-bad-grace",
	[CTR_RX_MTU_ACK_RANGE] = "rx-mtu-ack-range",
	[CTR_RX_UNSHROUD] = "rx-unshroud",
	[CTR_RX_NOT_CATHEDRAL] = "rx-not-cathedral",
	[CTR_OFFER_SHORT] = "offer-short",
	[CTR_OFFER_BAD_TAG] = "offer-bad-tag",
	[CTR_OFFER_STALE] = "offer-stale",
	[CTR_OFFER_IGNORED] = "offer-ignored",
	[CTR_OFFER_NOKEY] = "offer-no-key",
	[CTR_TX_NOT_IPV4] = "tx-not-ipv4",
	[CTR_TX_NO_SA] = "tx-no-sa",
	[CTR_TX_SA_EXPIRED] = "tx-sa-expired",
	[CTR_TX_NO_PEER] = "tx-no-peer",
	[CTR_TX_SEND_ERROR] = "tx-send-error",
	[CTR_POOL_EMPTY] = "pool-empty",
	[CTR_RING_FULL] = "ring-full",
	[CTR_REKEYS] = "rekeys",
};

/* futex(2) on a word of the shared mapping (not process-private). */
static long
futex(_Atomic uint32_t *word, int op, uint32_t val,
    const struct timespec *timeout)
{
	return (syscall(SYS_futex, word, op, val, timeout,
	    NULL, 0));
}

/*
 * Sleep until woken (or timeout_sec, when non-zero). A wake that came in
 * since the last suspend returns at once, so no wake-up is lost.
 */
void
proc_suspend(int type, int timeout_sec)
{
	_Atomic uint32_t	*word = &sanctum->state->wake[type];
	struct timespec		ts = { .tv_sec = timeout_sec };
	uint32_t		one = 1;

	if (atomic_compare_exchange_strong(word, &one, 0))
		return;
	(void)futex(word, FUTEX_WAIT, 0, timeout_sec ? &ts : NULL);
}

/*
 * Wake a process if it sleeps (no system call when it is running). A
 * process with an event loop sleeps on an eventfd instead of the futex.
 */
void
proc_wake(int type)
{
	_Atomic uint32_t	*word = &sanctum->state->wake[type];
	uint32_t		zero = 0;
	uint64_t		one = 1;

	if (!atomic_compare_exchange_strong(word, &zero, 1))
		return;
	if (sanctum->wake_fd[type] != -1)
		(void)!write(sanctum->wake_fd[type], &one, sizeof(one));
	else
		(void)futex(word, FUTEX_WAKE, 1, NULL);
}

/* Monotonic seconds; the guardian publishes it as the shared uptime. */
uint64_t
uptime_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec);
}

/* Count an event. */
void
counter_add(enum sanctum_counter c, uint64_t n)
{
	atomic_fetch_add_explicit(&sanctum->state->counters[c], n,
	    memory_order_relaxed);
}

/* The stable name of a counter. */
const char *
counter_name(enum sanctum_counter c)
{
	return (c < CTR_MAX ? counter_names[c] : "unknown");
}
