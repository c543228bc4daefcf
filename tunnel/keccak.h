/*
 * Keccak-f[1600] and the functions built on it: SHA3-256/512, SHAKE128/256
 * (FIPS 202), cSHAKE256, KMAC256 and KMACXOF256 (SP 800-185).
 *
 * This is our own code; nothing is vendored. Every sanctum derivation goes
 * through kmac256(), and ML-KEM-1024 uses the SHA3/SHAKE functions.
 */
#ifndef SANCTUM_KECCAK_H
#define SANCTUM_KECCAK_H

#include <stddef.h>
#include <stdint.h>

/* Rates in bytes of the sponges we use. */
#define KECCAK_RATE_SHAKE128	168
#define KECCAK_RATE_SHAKE256	136
#define KECCAK_RATE_SHA3_256	136
#define KECCAK_RATE_SHA3_512	72

/* Domain separation suffixes (with the first padding bit). */
#define KECCAK_DS_SHA3		0x06
#define KECCAK_DS_SHAKE		0x1f
#define KECCAK_DS_CSHAKE	0x04

/* A sponge in either absorbing or squeezing phase. */
struct keccak {
	uint64_t	st[25];
	size_t		rate;
	size_t		pos;
	uint8_t		ds;
	int		squeezing;
};

/* KMAC256 keeps its requested output length for the final encoding. */
struct kmac256 {
	struct keccak	sponge;
};

void	keccak_f1600(uint64_t st[25]);
void	keccak_init(struct keccak *, size_t rate, uint8_t ds);
void	keccak_absorb(struct keccak *, const void *, size_t);
void	keccak_squeeze(struct keccak *, void *, size_t);
void	keccak_squeeze_blocks(struct keccak *, uint8_t *, size_t nblocks);
void	keccak_wipe(struct keccak *);

void	sha3_256(uint8_t out[32], const void *, size_t);
void	sha3_512(uint8_t out[64], const void *, size_t);
void	shake128_init(struct keccak *);
void	shake256_init(struct keccak *);
void	shake256(void *out, size_t outlen, const void *, size_t);

void	cshake256_init(struct keccak *, const void *n, size_t nlen,
	    const void *s, size_t slen);

int	kmac256_init(struct kmac256 *, const void *key, size_t keylen,
	    const void *custom, size_t customlen);
void	kmac256_update(struct kmac256 *, const void *, size_t);
void	kmac256_final(struct kmac256 *, void *out, size_t outlen);
void	kmac256_final_xof(struct kmac256 *, void *out, size_t outlen);
int	kmac256(void *out, size_t outlen, const void *key, size_t keylen,
	    const char *label, const void *x, size_t xlen);

#endif
