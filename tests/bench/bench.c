/*
 * bench: speed of the core primitives in one run. Not a test; it prints.
 * KMAC256 MB/s, ML-KEM-1024 and X25519 operations per second, and data
 * packet seal/open at 1400 bytes next to raw libsodium AES-256-GCM on the
 * same buffer (the ratio's denominator). This file includes sodium.h only
 * to measure that raw baseline.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "keccak.h"
#include "mlkem1024.h"
#include "wire.h"

#define BENCH_SECONDS	2.0
#define PAYLOAD		1400

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* KMAC256 throughput over 64 KiB messages. */
static void
bench_kmac(void)
{
	static uint8_t	msg[65536];
	uint8_t		key[32] = { 1 }, out[32];
	struct kmac256	m;
	double		t0, t;
	unsigned long	n;

	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		kmac256_init(&m, key, sizeof(key), "SANCTUM.BENCH", 13);
		kmac256_update(&m, msg, sizeof(msg));
		kmac256_final(&m, out, sizeof(out));
	}
	printf("kmac256              %10.1f MB/s\n",
	    (double)n * sizeof(msg) / t / 1e6);
}

/* ML-KEM-1024 keygen, encaps and decaps per second. */
static void
bench_mlkem(void)
{
	static uint8_t	ek[MLKEM1024_PUBLICKEYBYTES];
	static uint8_t	dk[MLKEM1024_SECRETKEYBYTES];
	static uint8_t	c[MLKEM1024_CIPHERTEXTBYTES];
	uint8_t		d[32], z[32], m[32], ss[32];
	double		t0, t;
	unsigned long	n;

	randombytes_buf(d, 32);
	randombytes_buf(z, 32);
	randombytes_buf(m, 32);
	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		d[0] = (uint8_t)n;
		mlkem1024_keygen(ek, dk, d, z);
	}
	printf("mlkem1024 keygen     %10.0f ops/s\n", (double)n / t);
	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		m[0] = (uint8_t)n;
		mlkem1024_encaps(c, ss, ek, m);
	}
	printf("mlkem1024 encaps     %10.0f ops/s\n", (double)n / t);
	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		c[n % sizeof(c)] ^= 1;
		mlkem1024_decaps(ss, c, dk);
	}
	printf("mlkem1024 decaps     %10.0f ops/s\n", (double)n / t);
}

/* X25519 shared-secret computations per second. */
static void
bench_x25519(void)
{
	uint8_t		a[32], b[32], pub[32], out[32];
	double		t0, t;
	unsigned long	n;

	sanctum_x25519_keypair(a, pub);
	sanctum_x25519_keypair(b, pub);
	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		a[0] = (uint8_t)n;
		sanctum_x25519(out, a, pub);
	}
	printf("x25519               %10.0f ops/s\n", (double)n / t);
}

/* Print one packets/s line with its Gbit/s. */
static double
report(const char *what, unsigned long n, double t)
{
	double	pps = (double)n / t;

	printf("%-20s %10.0f pkt/s %7.2f Gbit/s\n", what, pps,
	    pps * PAYLOAD * 8 / 1e9);
	return (pps);
}

/*
 * Data packet seal and open at 1400 bytes of payload, and raw libsodium
 * AES-256-GCM encrypt/decrypt of the same 1402 bytes with the same AAD.
 */
static void
bench_data(void)
{
	static uint8_t			pkt[2048], ct[2048];
	crypto_aead_aes256gcm_state	*raw;
	struct sanctum_aead		aead;
	struct sanctum_data_hdr		h = { .spi = 0x12345678 };
	uint8_t				key[32], salt[4] = { 1, 2, 3, 4 };
	uint8_t				nonce[12] = { 0 }, tag[16], next;
	double				t0, t, seal, open, rseal, ropen;
	unsigned long			n;
	size_t				len, plen;

	randombytes_buf(key, 32);
	sanctum_aead_init(&aead, key);
	raw = sodium_malloc(sizeof(*raw));
	crypto_aead_aes256gcm_beforenm(raw, key);

	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		h.pn = n + 1;
		h.seq = (uint32_t)h.pn;
		sanctum_data_seal(&aead, salt, &h, pkt, PAYLOAD, sizeof(pkt),
		    SANCTUM_NEXT_PACKET, 0, &len);
	}
	seal = report("data seal", n, t);
	memcpy(ct, pkt, len);
	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		memcpy(pkt, ct, len);
		if (sanctum_data_open(&aead, salt, pkt, len, &plen, &next) !=
		    SANCTUM_OK)
			abort();
	}
	open = report("data open", n, t);

	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		nonce[11] = (uint8_t)n;
		crypto_aead_aes256gcm_encrypt_detached_afternm(pkt + 32, tag,
		    NULL, pkt + 32, PAYLOAD + 2, pkt, 32, NULL, nonce, raw);
	}
	rseal = report("raw aes-gcm encrypt", n, t);
	nonce[11] = 0;
	crypto_aead_aes256gcm_encrypt_detached_afternm(ct + 32, tag, NULL,
	    pkt + 32, PAYLOAD + 2, pkt, 32, NULL, nonce, raw);
	for (n = 0, t0 = now(); (t = now() - t0) < BENCH_SECONDS; n++) {
		memcpy(pkt + 32, ct + 32, PAYLOAD + 2);
		if (crypto_aead_aes256gcm_decrypt_detached_afternm(pkt + 32,
		    NULL, pkt + 32, PAYLOAD + 2, tag, pkt, 32, nonce, raw) != 0)
			abort();
	}
	ropen = report("raw aes-gcm decrypt", n, t);
	printf("seal / raw encrypt   %10.2f\n", seal / rseal);
	printf("open / raw decrypt   %10.2f\n", open / ropen);
	printf("seal+open / raw      %10.2f\n",
	    (1 / rseal + 1 / ropen) / (1 / seal + 1 / open));
	sanctum_aead_clear(&aead);
	sodium_free(raw);
}

int
main(void)
{
	if (sanctum_crypto_init() == -1)
		return (1);
	printf("sanctum core benchmark, one core, %.0f s per line\n",
	    BENCH_SECONDS);
	bench_kmac();
	bench_mlkem();
	bench_x25519();
	bench_data();
	return (0);
}
