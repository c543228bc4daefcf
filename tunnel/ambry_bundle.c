/*
 * Writing a whole ambry bundle in the reference tool's entry order, so a
 * bundle we make is served by any cathedral and unwrapped by any client.
 */

#include <stdlib.h>
#include <string.h>

#include "wire.h"

#define DEVICES		255

/*
 * Derived unwrap KEKs of every device on both sides of the flock pair, and
 * which devices have none (their entries are random bytes).
 */
struct bundle_keks {
	uint8_t		a[DEVICES + 1][SANCTUM_KEY_LEN];
	uint8_t		b[DEVICES + 1][SANCTUM_KEY_LEN];
	uint8_t		a_none[DEVICES + 1];
	uint8_t		b_none[DEVICES + 1];
};

/* The exact file size a cathedral accepts for this flock pair. */
size_t
ambry_bundle_size(uint64_t flock_a, uint64_t flock_b)
{
	return (flock_a == flock_b ? AMBRY_FLOCK_SIZE : AMBRY_XFLOCK_SIZE);
}

/*
 * Derive base_key(device KEK, own, peer, KEK_UNWRAP) for ids 1..255; an id
 * for which kek_fn has no KEK (1) is marked in none[].
 */
static int
derive_side(uint8_t out[DEVICES + 1][SANCTUM_KEY_LEN],
    uint8_t none[DEVICES + 1], uint64_t own, uint64_t peer,
    ambry_kek_fn kek_fn, void *arg)
{
	uint8_t		kek[SANCTUM_KEY_LEN];
	int		id, rc, ret = 0;

	for (id = 1; id <= DEVICES && ret == 0; id++) {
		if ((rc = kek_fn(arg, own, (uint8_t)id, kek)) == 1)
			none[id] = 1;
		else if (rc != 0 || sanctum_base_key(out[id], kek, own, peer,
		    SANCTUM_PURPOSE_KEK_UNWRAP) == -1)
			ret = -1;
	}
	sanctum_wipe(kek, sizeof(kek));
	return (ret);
}

/*
 * Append one wrapped entry at *off; for a device without a KEK (unwrap is
 * NULL) the key and tag are random, so the entry keeps its place and the
 * bundle its size, but nobody can unwrap it.
 */
static int
write_entry(uint8_t *buf, size_t *off, uint64_t own, uint64_t peer,
    uint16_t tunnel, const uint8_t *unwrap, const struct ambry_header *h,
    const uint8_t ss[32], ambry_random_fn random_fn, void *arg)
{
	struct ambry_entry	e;

	e.flock = own;
	e.tunnel = tunnel;
	if (unwrap == NULL) {
		random_fn(arg, e.key, sizeof(e.key));
		random_fn(arg, e.tag, sizeof(e.tag));
	} else if (ambry_wrap_derived(&e, unwrap, own, peer, h, ss) == -1)
		return (-1);
	ambry_entry_encode(buf + *off, &e);
	*off += AMBRY_ENTRY_LEN;
	return (0);
}

/*
 * Fill buf (exactly ambry_bundle_size() bytes) with the header and one entry
 * pair per device pair: for s, d in 1..255 a fresh secret wrapped for s of A
 * (tunnel s<<8|d) and for d of B (tunnel d<<8|s). One flock writes each
 * unordered pair of distinct ids once; two flocks write every ordered pair.
 * kek_fn returns 0 with a device KEK, 1 for a device that has none (its
 * entries are random and unwrap for nobody), -1 on error.
 */
int
ambry_bundle_build(uint8_t *buf, size_t len, uint64_t flock_a,
    uint64_t flock_b, const struct ambry_header *h, ambry_kek_fn kek_fn,
    ambry_random_fn random_fn, void *arg)
{
	struct bundle_keks	*keks;
	uint8_t			ss[SANCTUM_KEY_LEN];
	size_t			off = AMBRY_HDR_LEN;
	int			s, d, ret = -1;

	if (len != ambry_bundle_size(flock_a, flock_b) ||
	    (keks = calloc(1, sizeof(*keks))) == NULL)
		return (-1);
	if (derive_side(keks->a, keks->a_none, flock_a, flock_b, kek_fn,
	    arg) == -1 || derive_side(keks->b, keks->b_none, flock_b, flock_a,
	    kek_fn, arg) == -1)
		goto out;
	ambry_header_encode(buf, h);
	for (s = 1; s <= DEVICES; s++) {
		for (d = 1; d <= DEVICES; d++) {
			if (flock_a == flock_b && d <= s)
				continue;
			random_fn(arg, ss, sizeof(ss));
			if (write_entry(buf, &off, flock_a, flock_b,
			    (uint16_t)(s << 8 | d), keks->a_none[s] ? NULL :
			    keks->a[s], h, ss, random_fn, arg) == -1 ||
			    write_entry(buf, &off, flock_b, flock_a,
			    (uint16_t)(d << 8 | s), keks->b_none[d] ? NULL :
			    keks->b[d], h, ss, random_fn, arg) == -1)
				goto out;
		}
	}
	ret = off == len ? 0 : -1;
out:
	sanctum_wipe(ss, sizeof(ss));
	sanctum_wipe(keks, sizeof(*keks));
	free(keks);
	return (ret);
}
