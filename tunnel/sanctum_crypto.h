/*
 * Thin wrappers over libsodium (X25519, Ed25519, AES-256-GCM, randomness,
 * wiping; Argon2id and XChaCha20-Poly1305 for enrollment bundles) and the Sanctum key derivations of tunnel.md section 3 and
 * cathedral.md section 0. Only crypto.c includes sodium.h.
 */
#ifndef SANCTUM_CRYPTO_H
#define SANCTUM_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Sizes of the primitives. */
#define SANCTUM_KEY_LEN			32	/* every symmetric key and secret */
#define SANCTUM_TAG_LEN			16	/* AES-GCM tag */
#define SANCTUM_NONCE_LEN		12	/* AES-GCM nonce */
#define SANCTUM_SALT_LEN		4	/* opaque nonce salt of an SA */
#define SANCTUM_X25519_LEN		32	/* X25519 scalar / point */
#define SANCTUM_ED25519_SK_LEN		64	/* libsodium seed || public */
#define SANCTUM_ED25519_PK_LEN		32	/* Ed25519 public key */
#define SANCTUM_ED25519_SIG_LEN		64	/* detached signature */
#define SANCTUM_SEED_LEN		64	/* offer and ambry seed */
#define SANCTUM_SHROUD_ID_LEN		16	/* shroud identity / seed */
#define SANCTUM_AEAD_STATE_LEN		512	/* opaque expanded AES-GCM key */
#define SANCTUM_XNONCE_LEN		24	/* XChaCha20-Poly1305 nonce */
#define SANCTUM_PWHASH_SALT_LEN		16	/* Argon2id salt */

/* Base-key purposes (tunnel.md 3.3); the values are the reference's. */
#define SANCTUM_PURPOSE_PEER_OFFER	1
#define SANCTUM_PURPOSE_TRAFFIC_RX	2
#define SANCTUM_PURPOSE_TRAFFIC_TX	3
#define SANCTUM_PURPOSE_KEK_UNWRAP	4
#define SANCTUM_PURPOSE_CATHEDRAL_OFFER	5
#define SANCTUM_PURPOSE_SHROUD_CATHEDRAL 6
#define SANCTUM_PURPOSE_SHROUD_PEER	7

/* KDF labels (tunnel.md 3.2). */
#define SANCTUM_LABEL_SACRAMENT		"SANCTUM.SACRAMENT.KDF"
#define SANCTUM_LABEL_PILGRIMAGE	"SANCTUM.PILGRIMAGE.KDF"
#define SANCTUM_LABEL_CATHEDRAL		"SANCTUM.CATHEDRAL.KDF"
#define SANCTUM_LABEL_CATACOMB		"SANCTUM.CATHEDRAL.CATACOMB"
#define SANCTUM_LABEL_TRAFFIC		"SANCTUM.TRAFFIC.KDF"
#define SANCTUM_LABEL_AMBRY		"SANCTUM.AMBRY.KDF"
#define SANCTUM_LABEL_SHROUD_MASK	"SANCTUM.SHROUD.KDF"
#define SANCTUM_LABEL_SHROUD_BASE_ID	"SANCTUM.SHROUD.BASE.IDENTITY"
#define SANCTUM_LABEL_SHROUD_ID		"SANCTUM.SHROUD.IDENTITY"

/* Low 8 bits of a flock value are its domain. */
#define SANCTUM_FLOCK_DOMAIN_MASK	0xffULL

/* An expanded AES-256-GCM key, opaque outside crypto.c. */
struct sanctum_aead {
	_Alignas(16) uint8_t	state[SANCTUM_AEAD_STATE_LEN];
};

/* crypto.c */
int	sanctum_crypto_init(void);
void	sanctum_random_bytes(void *, size_t);
uint32_t sanctum_random_u32(void);
uint32_t sanctum_random_uniform(uint32_t upper);
void	sanctum_wipe(void *, size_t);
int	sanctum_memeq(const void *, const void *, size_t);
int	sanctum_x25519_keypair(uint8_t priv[32], uint8_t pub[32]);
int	sanctum_x25519_public(uint8_t pub[32], const uint8_t priv[32]);
int	sanctum_x25519(uint8_t out[32], const uint8_t priv[32],
	    const uint8_t remote[32]);
int	sanctum_ed25519_seed_keypair(uint8_t pk[32], uint8_t sk[64],
	    const uint8_t seed[32]);
int	sanctum_ed25519_keypair(uint8_t pk[32], uint8_t sk[64]);
void	sanctum_ed25519_sign(uint8_t sig[64], const void *, size_t,
	    const uint8_t sk[64]);
int	sanctum_ed25519_verify(const uint8_t sig[64], const void *, size_t,
	    const uint8_t pk[32]);
int	sanctum_aead_init(struct sanctum_aead *, const uint8_t key[32]);
void	sanctum_aead_clear(struct sanctum_aead *);
void	sanctum_aead_seal(const struct sanctum_aead *, uint8_t *data,
	    size_t len, const uint8_t *aad, size_t aadlen,
	    const uint8_t nonce[12], uint8_t tag[16]);
int	sanctum_aead_open(const struct sanctum_aead *, uint8_t *data,
	    size_t len, const uint8_t *aad, size_t aadlen,
	    const uint8_t nonce[12], const uint8_t tag[16]);
int	sanctum_aead_oneshot_seal(const uint8_t key[32], uint8_t *data,
	    size_t len, const uint8_t *aad, size_t aadlen,
	    const uint8_t nonce[12], uint8_t tag[16]);
int	sanctum_aead_oneshot_open(const uint8_t key[32], uint8_t *data,
	    size_t len, const uint8_t *aad, size_t aadlen,
	    const uint8_t nonce[12], const uint8_t tag[16]);
void	sanctum_fixed_nonce(uint8_t nonce[12]);
void	sanctum_sha256(uint8_t out[32], const void *, size_t);
uint64_t sanctum_shorthash(const void *, size_t, const uint8_t key[16]);
int	sanctum_pwhash(uint8_t *out, size_t outlen, const char *pass,
	    size_t passlen, const uint8_t salt[SANCTUM_PWHASH_SALT_LEN],
	    uint32_t opslimit, size_t memlimit);
int	sanctum_xchacha_seal(const uint8_t key[32], uint8_t *data, size_t len,
	    const uint8_t *aad, size_t aadlen,
	    const uint8_t nonce[SANCTUM_XNONCE_LEN],
	    uint8_t tag[SANCTUM_TAG_LEN]);
int	sanctum_xchacha_open(const uint8_t key[32], uint8_t *data, size_t len,
	    const uint8_t *aad, size_t aadlen,
	    const uint8_t nonce[SANCTUM_XNONCE_LEN],
	    const uint8_t tag[SANCTUM_TAG_LEN]);

/* kdf.c */
const char *sanctum_purpose_label(int purpose);
int	sanctum_base_key(uint8_t out[32], const uint8_t secret[32],
	    uint64_t fa, uint64_t fb, int purpose);
int	sanctum_offer_key(uint8_t out[32], const uint8_t secret[32],
	    const char *label, const uint8_t seed[64], uint64_t fa, uint64_t fb);
int	sanctum_traffic_key(uint8_t out[32], const uint8_t secret[32],
	    uint64_t fa, uint64_t fb, int purpose, const uint8_t ecdh[32],
	    const uint8_t kem_ss[32], const uint8_t pub1[32],
	    const uint8_t pub2[32], const uint8_t random[32]);
int	sanctum_shroud_base_identity(uint8_t out[16], uint64_t fa,
	    uint64_t fb, uint32_t cathedral_id);
int	sanctum_shroud_identity(uint8_t out[16], const uint8_t base[16],
	    const uint8_t seed[16]);
int	sanctum_ambry_wrap_key(uint8_t out[32], const uint8_t unwrap_kek[32],
	    uint64_t fs, uint64_t fd, const uint8_t seed[64],
	    const uint8_t generation[4], uint16_t tunnel);

#endif
