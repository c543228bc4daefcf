/*
 * Keccak-f[1600] permutation and the FIPS 202 / SP 800-185 functions on it.
 */

#include <string.h>

#include "keccak.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the sponge lanes are loaded as little-endian words"
#endif

#define ROL64(x, n)	(((x) << (n)) | ((x) >> ((64 - (n)) & 63)))

static const uint64_t keccak_rc[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
	0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
	0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
	0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
	0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
	0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
	0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/*
 * The permutation, written out per plane so the compiler keeps the 25 lanes
 * in registers; theta, rho+pi, chi and iota per round.
 */
void
keccak_f1600(uint64_t s[25])
{
	uint64_t	c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
	uint64_t	b[25];
	int		r, y;

	for (r = 0; r < 24; r++) {
		c0 = s[0] ^ s[5] ^ s[10] ^ s[15] ^ s[20];
		c1 = s[1] ^ s[6] ^ s[11] ^ s[16] ^ s[21];
		c2 = s[2] ^ s[7] ^ s[12] ^ s[17] ^ s[22];
		c3 = s[3] ^ s[8] ^ s[13] ^ s[18] ^ s[23];
		c4 = s[4] ^ s[9] ^ s[14] ^ s[19] ^ s[24];
		d0 = c4 ^ ROL64(c1, 1);
		d1 = c0 ^ ROL64(c2, 1);
		d2 = c1 ^ ROL64(c3, 1);
		d3 = c2 ^ ROL64(c4, 1);
		d4 = c3 ^ ROL64(c0, 1);

		b[0] = s[0] ^ d0;
		b[10] = ROL64(s[1] ^ d1, 1);
		b[20] = ROL64(s[2] ^ d2, 62);
		b[5] = ROL64(s[3] ^ d3, 28);
		b[15] = ROL64(s[4] ^ d4, 27);
		b[16] = ROL64(s[5] ^ d0, 36);
		b[1] = ROL64(s[6] ^ d1, 44);
		b[11] = ROL64(s[7] ^ d2, 6);
		b[21] = ROL64(s[8] ^ d3, 55);
		b[6] = ROL64(s[9] ^ d4, 20);
		b[7] = ROL64(s[10] ^ d0, 3);
		b[17] = ROL64(s[11] ^ d1, 10);
		b[2] = ROL64(s[12] ^ d2, 43);
		b[12] = ROL64(s[13] ^ d3, 25);
		b[22] = ROL64(s[14] ^ d4, 39);
		b[23] = ROL64(s[15] ^ d0, 41);
		b[8] = ROL64(s[16] ^ d1, 45);
		b[18] = ROL64(s[17] ^ d2, 15);
		b[3] = ROL64(s[18] ^ d3, 21);
		b[13] = ROL64(s[19] ^ d4, 8);
		b[14] = ROL64(s[20] ^ d0, 18);
		b[24] = ROL64(s[21] ^ d1, 2);
		b[9] = ROL64(s[22] ^ d2, 61);
		b[19] = ROL64(s[23] ^ d3, 56);
		b[4] = ROL64(s[24] ^ d4, 14);

		for (y = 0; y < 25; y += 5) {
			s[y + 0] = b[y + 0] ^ (~b[y + 1] & b[y + 2]);
			s[y + 1] = b[y + 1] ^ (~b[y + 2] & b[y + 3]);
			s[y + 2] = b[y + 2] ^ (~b[y + 3] & b[y + 4]);
			s[y + 3] = b[y + 3] ^ (~b[y + 4] & b[y + 0]);
			s[y + 4] = b[y + 4] ^ (~b[y + 0] & b[y + 1]);
		}
		s[0] ^= keccak_rc[r];
	}
}

/* Start an empty sponge with the given rate and domain suffix. */
void
keccak_init(struct keccak *k, size_t rate, uint8_t ds)
{
	memset(k, 0, sizeof(*k));
	k->rate = rate;
	k->ds = ds;
}

/* XOR bytes into the state at the current position, permuting on full blocks. */
void
keccak_absorb(struct keccak *k, const void *data, size_t len)
{
	const uint8_t	*p = data;
	uint8_t		*st = (uint8_t *)k->st;
	size_t		n, i;

	while (len > 0) {
		if (k->pos == 0 && len >= k->rate) {
			for (i = 0; i < k->rate / 8; i++) {
				uint64_t	w;

				memcpy(&w, p + i * 8, 8);
				k->st[i] ^= w;
			}
			keccak_f1600(k->st);
			p += k->rate;
			len -= k->rate;
			continue;
		}
		n = k->rate - k->pos;
		if (n > len)
			n = len;
		for (i = 0; i < n; i++)
			st[k->pos + i] ^= p[i];
		k->pos += n;
		p += n;
		len -= n;
		if (k->pos == k->rate) {
			keccak_f1600(k->st);
			k->pos = 0;
		}
	}
}

/* Apply the domain suffix and the final pad bit, once, before squeezing. */
static void
keccak_pad(struct keccak *k)
{
	uint8_t		*st = (uint8_t *)k->st;

	if (k->squeezing)
		return;
	st[k->pos] ^= k->ds;
	st[k->rate - 1] ^= 0x80;
	keccak_f1600(k->st);
	k->pos = 0;
	k->squeezing = 1;
}

/* Read output bytes, permuting whenever a block has been consumed. */
void
keccak_squeeze(struct keccak *k, void *out, size_t len)
{
	uint8_t		*o = out;
	const uint8_t	*st = (const uint8_t *)k->st;
	size_t		n;

	keccak_pad(k);
	while (len > 0) {
		if (k->pos == k->rate) {
			keccak_f1600(k->st);
			k->pos = 0;
		}
		n = k->rate - k->pos;
		if (n > len)
			n = len;
		memcpy(o, st + k->pos, n);
		k->pos += n;
		o += n;
		len -= n;
	}
}

/* Whole-block squeeze for ML-KEM's rejection sampling (no partial state). */
void
keccak_squeeze_blocks(struct keccak *k, uint8_t *out, size_t nblocks)
{
	keccak_squeeze(k, out, nblocks * k->rate);
}

/* Forget the sponge state (it may hold key material). */
void
keccak_wipe(struct keccak *k)
{
	explicit_bzero(k, sizeof(*k));
}

/* SHA3-256 of a buffer. */
void
sha3_256(uint8_t out[32], const void *in, size_t len)
{
	struct keccak	k;

	keccak_init(&k, KECCAK_RATE_SHA3_256, KECCAK_DS_SHA3);
	keccak_absorb(&k, in, len);
	keccak_squeeze(&k, out, 32);
	keccak_wipe(&k);
}

/* SHA3-512 of a buffer. */
void
sha3_512(uint8_t out[64], const void *in, size_t len)
{
	struct keccak	k;

	keccak_init(&k, KECCAK_RATE_SHA3_512, KECCAK_DS_SHA3);
	keccak_absorb(&k, in, len);
	keccak_squeeze(&k, out, 64);
	keccak_wipe(&k);
}

/* A SHAKE128 sponge ready to absorb. */
void
shake128_init(struct keccak *k)
{
	keccak_init(k, KECCAK_RATE_SHAKE128, KECCAK_DS_SHAKE);
}

/* A SHAKE256 sponge ready to absorb. */
void
shake256_init(struct keccak *k)
{
	keccak_init(k, KECCAK_RATE_SHAKE256, KECCAK_DS_SHAKE);
}

/* SHAKE256 of a buffer to any output length. */
void
shake256(void *out, size_t outlen, const void *in, size_t len)
{
	struct keccak	k;

	shake256_init(&k);
	keccak_absorb(&k, in, len);
	keccak_squeeze(&k, out, outlen);
	keccak_wipe(&k);
}

/* SP 800-185 left_encode: byte count first, then the value big-endian. */
static size_t
left_encode(uint8_t out[9], uint64_t v)
{
	uint8_t		tmp[8];
	size_t		n = 0, i;

	do {
		tmp[n++] = (uint8_t)v;
		v >>= 8;
	} while (v != 0);
	out[0] = (uint8_t)n;
	for (i = 0; i < n; i++)
		out[1 + i] = tmp[n - 1 - i];
	return (n + 1);
}

/* SP 800-185 right_encode: the value big-endian, then its byte count. */
static size_t
right_encode(uint8_t out[9], uint64_t v)
{
	uint8_t		tmp[8];
	size_t		n = 0, i;

	do {
		tmp[n++] = (uint8_t)v;
		v >>= 8;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = (uint8_t)n;
	return (n + 1);
}

/* Absorb encode_string(s): left_encode(bit length) || s. */
static void
absorb_encoded_string(struct keccak *k, const void *s, size_t len)
{
	uint8_t		enc[9];
	size_t		n;

	n = left_encode(enc, (uint64_t)len * 8);
	keccak_absorb(k, enc, n);
	keccak_absorb(k, s, len);
}

/* Zero-fill the current block, completing a bytepad() of the rate. */
static void
absorb_pad_to_block(struct keccak *k)
{
	static const uint8_t	zero[KECCAK_RATE_SHAKE128];

	if (k->pos != 0)
		keccak_absorb(k, zero, k->rate - k->pos);
}

/*
 * cSHAKE256(X, N, S): with empty N and S it is SHAKE256, otherwise the
 * bytepadded encodings of N and S are absorbed first under suffix 0x04.
 */
void
cshake256_init(struct keccak *k, const void *n, size_t nlen,
    const void *s, size_t slen)
{
	uint8_t		enc[9];
	size_t		len;

	if (nlen == 0 && slen == 0) {
		shake256_init(k);
		return;
	}
	keccak_init(k, KECCAK_RATE_SHAKE256, KECCAK_DS_CSHAKE);
	len = left_encode(enc, KECCAK_RATE_SHAKE256);
	keccak_absorb(k, enc, len);
	absorb_encoded_string(k, n, nlen);
	absorb_encoded_string(k, s, slen);
	absorb_pad_to_block(k);
}

/* KMAC256 prefix: cSHAKE256 with N = "KMAC" and bytepad(encode_string(K)). */
int
kmac256_init(struct kmac256 *m, const void *key, size_t keylen,
    const void *custom, size_t customlen)
{
	uint8_t		enc[9];
	size_t		len;

	if (keylen > SIZE_MAX / 8)
		return (-1);
	cshake256_init(&m->sponge, "KMAC", 4, custom, customlen);
	len = left_encode(enc, KECCAK_RATE_SHAKE256);
	keccak_absorb(&m->sponge, enc, len);
	absorb_encoded_string(&m->sponge, key, keylen);
	absorb_pad_to_block(&m->sponge);
	return (0);
}

/* Feed message bytes X. */
void
kmac256_update(struct kmac256 *m, const void *data, size_t len)
{
	keccak_absorb(&m->sponge, data, len);
}

/* KMAC256 output: right_encode(8 * L) binds the output length. */
void
kmac256_final(struct kmac256 *m, void *out, size_t outlen)
{
	uint8_t		enc[9];
	size_t		len;

	len = right_encode(enc, (uint64_t)outlen * 8);
	keccak_absorb(&m->sponge, enc, len);
	keccak_squeeze(&m->sponge, out, outlen);
	keccak_wipe(&m->sponge);
}

/* KMACXOF256 output: right_encode(0), output length unbound. */
void
kmac256_final_xof(struct kmac256 *m, void *out, size_t outlen)
{
	uint8_t		enc[9];
	size_t		len;

	len = right_encode(enc, 0);
	keccak_absorb(&m->sponge, enc, len);
	keccak_squeeze(&m->sponge, out, outlen);
	keccak_wipe(&m->sponge);
}

/*
 * One-shot KMAC256 with a text label as customization, the form every
 * sanctum derivation uses. Refuses what the reference refuses: an empty
 * or over-long label, an empty key, and L * 8 beyond 16 bits.
 */
int
kmac256(void *out, size_t outlen, const void *key, size_t keylen,
    const char *label, const void *x, size_t xlen)
{
	struct kmac256	m;
	size_t		slen;

	slen = strlen(label);
	if (slen == 0 || slen > 32 || keylen == 0 || keylen > 64 ||
	    outlen == 0 || outlen > 8191)
		return (-1);
	if (kmac256_init(&m, key, keylen, label, slen) == -1)
		return (-1);
	kmac256_update(&m, x, xlen);
	kmac256_final(&m, out, outlen);
	return (0);
}
