/*
 * The only file that talks to libsodium: randomness, wiping, X25519,
 * Ed25519, AES-256-GCM, and Argon2id with XChaCha20-Poly1305 for sealed
 * enrollment bundles. Everything else calls these wrappers.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sanctum_crypto.h"

_Static_assert(sizeof(crypto_aead_aes256gcm_state) <= SANCTUM_AEAD_STATE_LEN,
    "expanded AES-GCM key does not fit struct sanctum_aead");
_Static_assert(crypto_aead_aes256gcm_NPUBBYTES == SANCTUM_NONCE_LEN,
    "AES-GCM nonce length");
_Static_assert(crypto_aead_aes256gcm_ABYTES == SANCTUM_TAG_LEN,
    "AES-GCM tag length");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ==
    SANCTUM_XNONCE_LEN && crypto_aead_xchacha20poly1305_ietf_ABYTES ==
    SANCTUM_TAG_LEN, "XChaCha20-Poly1305 nonce and tag lengths");
_Static_assert(crypto_pwhash_argon2id_SALTBYTES == SANCTUM_PWHASH_SALT_LEN,
    "Argon2id salt length");

/*
 * Initialise libsodium and check for the AES instructions its AES-GCM needs.
 * SANCTUM_FORCE_NO_AESNI=1 makes the probe fail so the refusal is testable;
 * it can only stop the daemon, never weaken it.
 */
int
sanctum_crypto_init(void)
{
	const char	*force;

	if (sodium_init() == -1) {
		fprintf(stderr, "sanctum: libsodium failed to initialise\n");
		return (-1);
	}
	force = getenv("SANCTUM_FORCE_NO_AESNI");
	if (!crypto_aead_aes256gcm_is_available() ||
	    (force != NULL && strcmp(force, "1") == 0)) {
		fprintf(stderr, "sanctum: this CPU lacks the AES-NI and "
		    "PCLMULQDQ instructions that AES-256-GCM needs; "
		    "refusing to run\n");
		return (-1);
	}
	return (0);
}

/* Fill a buffer with random bytes from the kernel. */
void
sanctum_random_bytes(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

/* One random 32-bit value. */
uint32_t
sanctum_random_u32(void)
{
	return (randombytes_random());
}

/* A uniform value in [0, upper), without modulo bias. */
uint32_t
sanctum_random_uniform(uint32_t upper)
{
	return (randombytes_uniform(upper));
}

/* Erase secret material in a way the compiler cannot drop. */
void
sanctum_wipe(void *buf, size_t len)
{
	sodium_memzero(buf, len);
}

/* Constant-time equality of two buffers: 1 if equal. */
int
sanctum_memeq(const void *a, const void *b, size_t len)
{
	return (sodium_memcmp(a, b, len) == 0);
}

/* A fresh X25519 key pair. */
int
sanctum_x25519_keypair(uint8_t priv[32], uint8_t pub[32])
{
	randombytes_buf(priv, 32);
	return (sanctum_x25519_public(pub, priv));
}

/* The public value of a private scalar (clamping inside libsodium). */
int
sanctum_x25519_public(uint8_t pub[32], const uint8_t priv[32])
{
	return (crypto_scalarmult_base(pub, priv) == 0 ? 0 : -1);
}

/*
 * X25519 shared secret; fails for an all-zero remote value and for
 * low-order points (all-zero result), as libsodium 1.0.18 does.
 */
int
sanctum_x25519(uint8_t out[32], const uint8_t priv[32],
    const uint8_t remote[32])
{
	if (sodium_is_zero(remote, 32))
		return (-1);
	if (crypto_scalarmult(out, priv, remote) != 0) {
		sodium_memzero(out, 32);
		return (-1);
	}
	return (0);
}

/* Ed25519 key pair from a 32-byte seed (sk = seed || pk). */
int
sanctum_ed25519_seed_keypair(uint8_t pk[32], uint8_t sk[64],
    const uint8_t seed[32])
{
	return (crypto_sign_seed_keypair(pk, sk, seed) == 0 ? 0 : -1);
}

/* A fresh Ed25519 key pair. */
int
sanctum_ed25519_keypair(uint8_t pk[32], uint8_t sk[64])
{
	return (crypto_sign_keypair(pk, sk) == 0 ? 0 : -1);
}

/* Deterministic detached Ed25519 signature. */
void
sanctum_ed25519_sign(uint8_t sig[64], const void *msg, size_t len,
    const uint8_t sk[64])
{
	crypto_sign_detached(sig, NULL, msg, len, sk);
}

/* Verify a detached Ed25519 signature: 0 if valid. */
int
sanctum_ed25519_verify(const uint8_t sig[64], const void *msg, size_t len,
    const uint8_t pk[32])
{
	return (crypto_sign_verify_detached(sig, msg, len, pk) == 0 ? 0 : -1);
}

/* Expand an AES-256-GCM key once so per-packet work is only the cipher. */
int
sanctum_aead_init(struct sanctum_aead *ctx, const uint8_t key[32])
{
	crypto_aead_aes256gcm_state	*st = (void *)ctx->state;

	return (crypto_aead_aes256gcm_beforenm(st, key) == 0 ? 0 : -1);
}

/* Forget an expanded key. */
void
sanctum_aead_clear(struct sanctum_aead *ctx)
{
	sodium_memzero(ctx, sizeof(*ctx));
}

/* Encrypt in place with a detached tag. */
void
sanctum_aead_seal(const struct sanctum_aead *ctx, uint8_t *data, size_t len,
    const uint8_t *aad, size_t aadlen, const uint8_t nonce[12],
    uint8_t tag[16])
{
	const crypto_aead_aes256gcm_state	*st = (const void *)ctx->state;

	crypto_aead_aes256gcm_encrypt_detached_afternm(data, tag, NULL, data,
	    len, aad, aadlen, NULL, nonce, st);
}

/* Verify and decrypt in place: 0 if the tag is good; on a bad tag libsodium
 * zeroes the buffer, so callers that retry with another key use a copy. */
int
sanctum_aead_open(const struct sanctum_aead *ctx, uint8_t *data, size_t len,
    const uint8_t *aad, size_t aadlen, const uint8_t nonce[12],
    const uint8_t tag[16])
{
	const crypto_aead_aes256gcm_state	*st = (const void *)ctx->state;

	if (crypto_aead_aes256gcm_decrypt_detached_afternm(data, NULL, data,
	    len, tag, aad, aadlen, nonce, st) != 0)
		return (-1);
	return (0);
}

/* Seal with a key used once (offers, ambries), wiping the expansion. */
int
sanctum_aead_oneshot_seal(const uint8_t key[32], uint8_t *data, size_t len,
    const uint8_t *aad, size_t aadlen, const uint8_t nonce[12],
    uint8_t tag[16])
{
	struct sanctum_aead	ctx;

	if (sanctum_aead_init(&ctx, key) == -1)
		return (-1);
	sanctum_aead_seal(&ctx, data, len, aad, aadlen, nonce, tag);
	sanctum_aead_clear(&ctx);
	return (0);
}

/* Open with a key used once, wiping the expansion. */
int
sanctum_aead_oneshot_open(const uint8_t key[32], uint8_t *data, size_t len,
    const uint8_t *aad, size_t aadlen, const uint8_t nonce[12],
    const uint8_t tag[16])
{
	struct sanctum_aead	ctx;
	int			ret;

	if (sanctum_aead_init(&ctx, key) == -1)
		return (-1);
	ret = sanctum_aead_open(&ctx, data, len, aad, aadlen, nonce, tag);
	sanctum_aead_clear(&ctx);
	return (ret);
}

/* The fixed offer and ambry nonce: eleven zero bytes then 0x01. */
void
sanctum_fixed_nonce(uint8_t nonce[12])
{
	memset(nonce, 0, 12);
	nonce[11] = 0x01;
}

/* SHA-256, for fingerprints and file digests (never for keys). */
void
sanctum_sha256(uint8_t out[32], const void *data, size_t len)
{
	crypto_hash_sha256(out, data, len);
}

/* SipHash-2-4 of a short input: table hashing an attacker cannot steer. */
uint64_t
sanctum_shorthash(const void *in, size_t len, const uint8_t key[16])
{
	uint8_t		out[crypto_shorthash_BYTES];
	uint64_t	v;

	crypto_shorthash(out, in, len, key);
	memcpy(&v, out, sizeof(v));
	return (v);
}

/*
 * Argon2id (v1.3) of a passphrase: the key of an enrollment bundle. The
 * limits are those written in the bundle, so a reader derives the same key.
 */
int
sanctum_pwhash(uint8_t *out, size_t outlen, const char *pass, size_t passlen,
    const uint8_t salt[SANCTUM_PWHASH_SALT_LEN], uint32_t opslimit,
    size_t memlimit)
{
	if (crypto_pwhash(out, outlen, pass, passlen, salt, opslimit, memlimit,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_memzero(out, outlen);
		return (-1);
	}
	return (0);
}

/* XChaCha20-Poly1305 in place with a detached tag (random 24-byte nonce). */
int
sanctum_xchacha_seal(const uint8_t key[32], uint8_t *data, size_t len,
    const uint8_t *aad, size_t aadlen,
    const uint8_t nonce[SANCTUM_XNONCE_LEN], uint8_t tag[SANCTUM_TAG_LEN])
{
	unsigned long long	taglen;

	if (crypto_aead_xchacha20poly1305_ietf_encrypt_detached(data, tag,
	    &taglen, data, len, aad, aadlen, NULL, nonce, key) != 0)
		return (-1);
	return (taglen == SANCTUM_TAG_LEN ? 0 : -1);
}

/* Open what sanctum_xchacha_seal() sealed; libsodium zeroes data on failure. */
int
sanctum_xchacha_open(const uint8_t key[32], uint8_t *data, size_t len,
    const uint8_t *aad, size_t aadlen,
    const uint8_t nonce[SANCTUM_XNONCE_LEN],
    const uint8_t tag[SANCTUM_TAG_LEN])
{
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(data, NULL,
	    data, len, tag, aad, aadlen, nonce, key) != 0)
		return (-1);
	return (0);
}
