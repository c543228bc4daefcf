/*
 * Ambry bundles (cathedral.md 4): a 70-byte header and 58-byte entries, each
 * a shared secret wrapped for one device. The cathedral only copies entries;
 * the device unwraps with its KEK.
 */

#include <string.h>

#include "wire.h"

/* Decode the bundle header. */
enum sanctum_err
ambry_header_parse(const uint8_t *buf, size_t len, struct ambry_header *h)
{
	if (len < AMBRY_HDR_LEN)
		return (SANCTUM_ERR_SHORT);
	memcpy(h->expires, buf, 2);
	memcpy(h->generation, buf + 2, 4);
	memcpy(h->seed, buf + 6, 64);
	return (SANCTUM_OK);
}

/* Decode one entry. */
enum sanctum_err
ambry_entry_parse(const uint8_t *buf, size_t len, struct ambry_entry *e)
{
	if (len < AMBRY_ENTRY_LEN)
		return (SANCTUM_ERR_SHORT);
	e->flock = get_be64(buf);
	e->tunnel = get_be16(buf + 8);
	memcpy(e->key, buf + 10, 32);
	memcpy(e->tag, buf + 42, 16);
	return (SANCTUM_OK);
}

/* Encode the bundle header (our own tool writes bundles). */
void
ambry_header_encode(uint8_t *buf, const struct ambry_header *h)
{
	memcpy(buf, h->expires, 2);
	memcpy(buf + 2, h->generation, 4);
	memcpy(buf + 6, h->seed, 64);
}

/* Encode one entry. */
void
ambry_entry_encode(uint8_t *buf, const struct ambry_entry *e)
{
	put_be64(buf, e->flock);
	put_be16(buf + 8, e->tunnel);
	memcpy(buf + 10, e->key, 32);
	memcpy(buf + 42, e->tag, 16);
}

/*
 * A whole bundle as a cathedral accepts it: exactly the size for its kind
 * and every entry belonging to one of the two flocks.
 */
enum sanctum_err
ambry_bundle_check(const uint8_t *buf, size_t len, uint64_t flock_a,
    uint64_t flock_b)
{
	size_t		want, off;
	uint64_t	flock;

	want = flock_a == flock_b ? AMBRY_FLOCK_SIZE : AMBRY_XFLOCK_SIZE;
	if (len < want)
		return (SANCTUM_ERR_SHORT);
	if (len > want)
		return (SANCTUM_ERR_LONG);
	for (off = AMBRY_HDR_LEN; off < len; off += AMBRY_ENTRY_LEN) {
		flock = get_be64(buf + off);
		if (flock != flock_a && flock != flock_b)
			return (SANCTUM_ERR_MALFORMED);
	}
	return (SANCTUM_OK);
}

/* AAD = BE16(t) || expires || BE64(fs) || BE64(fd) || generation || seed. */
static void
ambry_aad(uint8_t aad[88], uint16_t tunnel, const uint8_t expires[2],
    uint64_t fs, uint64_t fd, const uint8_t generation[4],
    const uint8_t seed[64])
{
	put_be16(aad, tunnel);
	memcpy(aad + 2, expires, 2);
	put_be64(aad + 4, fs);
	put_be64(aad + 12, fd);
	memcpy(aad + 20, generation, 4);
	memcpy(aad + 24, seed, 64);
}

/* The wrapping key of one entry, from the device KEK. */
static int
ambry_key(uint8_t w[32], const uint8_t kek[32], uint64_t fs, uint64_t fd,
    const uint8_t seed[64], const uint8_t generation[4], uint16_t tunnel)
{
	uint8_t		unwrap[SANCTUM_KEY_LEN];
	int		ret;

	if (sanctum_base_key(unwrap, kek, fs, fd,
	    SANCTUM_PURPOSE_KEK_UNWRAP) == -1)
		return (-1);
	ret = sanctum_ambry_wrap_key(w, unwrap, fs, fd, seed, generation,
	    tunnel);
	sanctum_wipe(unwrap, sizeof(unwrap));
	return (ret);
}

/*
 * Wrap a shared secret for the device holding kek; e->flock and e->tunnel
 * must be set (fs, fd domain-stripped, own flock first).
 */
int
ambry_wrap(struct ambry_entry *e, const uint8_t kek[32], uint64_t fs,
    uint64_t fd, const struct ambry_header *h, const uint8_t ss[32])
{
	uint8_t		unwrap[SANCTUM_KEY_LEN];
	int		ret;

	if (sanctum_base_key(unwrap, kek, fs, fd,
	    SANCTUM_PURPOSE_KEK_UNWRAP) == -1)
		return (-1);
	ret = ambry_wrap_derived(e, unwrap, fs, fd, h, ss);
	sanctum_wipe(unwrap, sizeof(unwrap));
	return (ret);
}

/* Wrap with an already derived unwrap KEK (bundles reuse it per device). */
int
ambry_wrap_derived(struct ambry_entry *e, const uint8_t unwrap_kek[32],
    uint64_t fs, uint64_t fd, const struct ambry_header *h,
    const uint8_t ss[32])
{
	uint8_t		w[SANCTUM_KEY_LEN], aad[88], nonce[SANCTUM_NONCE_LEN];
	int		ret;

	if (sanctum_ambry_wrap_key(w, unwrap_kek, fs, fd, h->seed,
	    h->generation, e->tunnel) == -1)
		return (-1);
	ambry_aad(aad, e->tunnel, h->expires, fs, fd, h->generation, h->seed);
	sanctum_fixed_nonce(nonce);
	memcpy(e->key, ss, 32);
	ret = sanctum_aead_oneshot_seal(w, e->key, 32, aad, sizeof(aad),
	    nonce, e->tag);
	sanctum_wipe(w, sizeof(w));
	return (ret);
}

/*
 * Unwrap an entry (as received in an AMBRY offer) with the device KEK and
 * refuse it when its expiry day has passed. ss is written only on success.
 */
enum sanctum_err
ambry_unwrap(uint8_t ss[32], const uint8_t kek[32], uint64_t fs, uint64_t fd,
    uint16_t tunnel, const uint8_t expires[2], const uint8_t generation[4],
    const uint8_t seed[64], const uint8_t key[32], const uint8_t tag[16],
    uint64_t now)
{
	uint8_t		w[SANCTUM_KEY_LEN], aad[88], nonce[SANCTUM_NONCE_LEN];
	uint8_t		tmp[32];
	int		ret;

	if (ambry_key(w, kek, fs, fd, seed, generation, tunnel) == -1)
		return (SANCTUM_ERR_NOKEY);
	ambry_aad(aad, tunnel, expires, fs, fd, generation, seed);
	sanctum_fixed_nonce(nonce);
	memcpy(tmp, key, 32);
	ret = sanctum_aead_oneshot_open(w, tmp, 32, aad, sizeof(aad), nonce,
	    tag);
	sanctum_wipe(w, sizeof(w));
	if (ret == -1) {
		sanctum_wipe(tmp, sizeof(tmp));
		return (SANCTUM_ERR_TAG);
	}
	if (ambry_expired(expires, now)) {
		sanctum_wipe(tmp, sizeof(tmp));
		return (SANCTUM_ERR_EXPIRED);
	}
	memcpy(ss, tmp, 32);
	sanctum_wipe(tmp, sizeof(tmp));
	return (SANCTUM_OK);
}

/* The expires field for a bundle valid for days from now. */
uint16_t
ambry_expires_for(uint64_t now, uint32_t days)
{
	uint64_t	t = now + (uint64_t)days * AMBRY_DAY;

	if (t < AMBRY_EPOCH)
		return (0);
	t = (t - AMBRY_EPOCH) / AMBRY_DAY;
	return (t > 0xffff ? 0xffff : (uint16_t)t);
}

/* Expired when epoch + expires * 86400 < now. */
int
ambry_expired(const uint8_t expires[2], uint64_t now)
{
	return (AMBRY_EPOCH + get_be16(expires) * AMBRY_DAY < now);
}
