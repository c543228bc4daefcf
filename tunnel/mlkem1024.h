/*
 * ML-KEM-1024 (FIPS 203, August 2024): the deterministic "internal" key
 * generation, encapsulation and decapsulation, plus the input checks of
 * FIPS 203 sections 7.2 and 7.3.
 *
 * This is our own code written from the standard; nothing is vendored.
 * The caller supplies all randomness (d, z, m); the module draws none.
 * Everything that touches secret data runs in constant time.
 */
#ifndef SANCTUM_MLKEM1024_H
#define SANCTUM_MLKEM1024_H

#include <stdint.h>

/* Encapsulation key ek: ByteEncode12(t) || rho. */
#define MLKEM1024_PUBLICKEYBYTES	1568
/* Decapsulation key dk: ByteEncode12(s) || ek || H(ek) || z. */
#define MLKEM1024_SECRETKEYBYTES	3168
/* Ciphertext c: ByteEncode11(Compress11(u)) || ByteEncode5(Compress5(v)). */
#define MLKEM1024_CIPHERTEXTBYTES	1568
/* Shared secret K. */
#define MLKEM1024_SSBYTES		32

int	mlkem1024_keygen(uint8_t ek[MLKEM1024_PUBLICKEYBYTES],
	    uint8_t dk[MLKEM1024_SECRETKEYBYTES], const uint8_t d[32],
	    const uint8_t z[32]);
int	mlkem1024_encaps(uint8_t c[MLKEM1024_CIPHERTEXTBYTES],
	    uint8_t ss[MLKEM1024_SSBYTES],
	    const uint8_t ek[MLKEM1024_PUBLICKEYBYTES], const uint8_t m[32]);
int	mlkem1024_decaps(uint8_t ss[MLKEM1024_SSBYTES],
	    const uint8_t c[MLKEM1024_CIPHERTEXTBYTES],
	    const uint8_t dk[MLKEM1024_SECRETKEYBYTES]);
int	mlkem1024_check_ek(const uint8_t ek[MLKEM1024_PUBLICKEYBYTES]);
int	mlkem1024_check_dk(const uint8_t dk[MLKEM1024_SECRETKEYBYTES]);

#endif
