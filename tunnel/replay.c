/*
 * Anti-replay window in the style of RFC 6479: a ring of 64-bit blocks
 * indexed by the packet number, so sliding forward clears whole blocks
 * instead of shifting a bitmap. 1984 packets of reordering are tolerated.
 */

#include <string.h>

#include "wire.h"

#define BLOCK_BITS	64
#define INDEX_MASK	(SANCTUM_REPLAY_BLOCKS - 1)

_Static_assert((SANCTUM_REPLAY_BLOCKS & INDEX_MASK) == 0,
    "replay blocks must be a power of two");
_Static_assert(SANCTUM_REPLAY_WINDOW >= 1024, "window of at least 1024");

/* An empty window for a new SA: every pn above 0 is still possible. */
void
sanctum_replay_init(struct sanctum_replay *r)
{
	memset(r, 0, sizeof(*r));
}

/*
 * May pn be authenticated? Called before decryption; changes nothing, so a
 * forged packet cannot move the window.
 */
enum sanctum_err
sanctum_replay_check(const struct sanctum_replay *r, uint64_t pn)
{
	uint64_t	bit;

	if (pn == 0)
		return (SANCTUM_ERR_ZERO_PN);
	if (pn > r->last)
		return (SANCTUM_OK);
	if (r->last - pn >= SANCTUM_REPLAY_WINDOW)
		return (SANCTUM_ERR_WINDOW);
	bit = 1ULL << (pn % BLOCK_BITS);
	if (r->bitmap[(pn / BLOCK_BITS) & INDEX_MASK] & bit)
		return (SANCTUM_ERR_REPLAY);
	return (SANCTUM_OK);
}

/* Record an authenticated pn, sliding the window forward if it is newer. */
void
sanctum_replay_update(struct sanctum_replay *r, uint64_t pn)
{
	uint64_t	block, top, i, n;

	block = pn / BLOCK_BITS;
	if (pn > r->last) {
		top = r->last / BLOCK_BITS;
		n = block - top;
		if (n > SANCTUM_REPLAY_BLOCKS)
			n = SANCTUM_REPLAY_BLOCKS;
		for (i = 1; i <= n; i++)
			r->bitmap[(top + i) & INDEX_MASK] = 0;
		r->last = pn;
	}
	r->bitmap[block & INDEX_MASK] |= 1ULL << (pn % BLOCK_BITS);
}
