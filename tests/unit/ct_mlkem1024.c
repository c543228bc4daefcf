/*
 * Constant-time check of ML-KEM-1024 under valgrind memcheck:
 *
 *	valgrind --error-exitcode=1 --track-origins=yes ./ct_mlkem1024
 *
 * The secrets (d, z, m and the secret parts of dk) are marked undefined, so
 * memcheck reports every conditional jump and every memory address that
 * depends on them, anywhere inside KeyGen, Encaps and Decaps.  Outputs are
 * marked defined again before they are compared, so only the algorithms are
 * judged, not this harness.
 *
 * Some values are derived from secrets but public by design and must be
 * marked defined before public-data code (rejection sampling of A_hat, the
 * input checks) sees them: rho, which keygen derives from d (the library is
 * built here with MLKEM1024_VALGRIND_CT, which does that inside keygen), and
 * ek, which keygen outputs and encaps checks.  The ciphertext is public too,
 * but Decaps handles it branch-free, so it stays undefined: a stricter test.
 */

#include <string.h>

#include <valgrind/memcheck.h>

#include "check.h"
#include "keccak.h"
#include "mlkem1024.h"

#define SECRET(p, n)	VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n)	VALGRIND_MAKE_MEM_DEFINED((p), (n))

/* Offsets in dk = dk_PKE || ek || H(ek) || z; ek and H(ek) are public. */
#define DK_EK		1536
#define DK_Z		(MLKEM1024_SECRETKEYBYTES - 32)

/* One KeyGen, Encaps, Decaps and rejected Decaps on secret inputs. */
static void
ct_run(uint8_t seed)
{
	uint8_t		d[32], z[32], m[32], ek[MLKEM1024_PUBLICKEYBYTES];
	uint8_t		dk[MLKEM1024_SECRETKEYBYTES];
	uint8_t		c[MLKEM1024_CIPHERTEXTBYTES];
	uint8_t		k1[32], k2[32], k3[32], kbar[32];
	struct keccak	j;
	size_t		i;

	for (i = 0; i < 32; i++) {
		d[i] = (uint8_t)(seed + i);
		z[i] = (uint8_t)(seed * 3 + i);
		m[i] = (uint8_t)(seed * 7 + i);
	}
	SECRET(d, sizeof(d));
	SECRET(z, sizeof(z));
	SECRET(m, sizeof(m));

	CHECK(mlkem1024_keygen(ek, dk, d, z) == 0, "keygen %u", seed);
	/* The public key and its copy and hash inside dk are public. */
	PUBLIC(ek, sizeof(ek));
	PUBLIC(dk + DK_EK, DK_Z - DK_EK);

	CHECK(mlkem1024_encaps(c, k1, ek, m) == 0, "encaps %u", seed);
	/* Already undefined as derived from d and z; said again for clarity. */
	SECRET(dk, DK_EK);
	SECRET(dk + DK_Z, 32);
	CHECK(mlkem1024_decaps(k2, c, dk) == 0, "decaps %u", seed);

	/* Implicit rejection: a changed ciphertext gives J(z || c'). */
	c[17] ^= 0x04;
	CHECK(mlkem1024_decaps(k3, c, dk) == 0, "rejecting decaps %u", seed);
	shake256_init(&j);
	keccak_absorb(&j, dk + DK_Z, 32);
	keccak_absorb(&j, c, sizeof(c));
	keccak_squeeze(&j, kbar, sizeof(kbar));

	PUBLIC(k1, sizeof(k1));
	PUBLIC(k2, sizeof(k2));
	PUBLIC(k3, sizeof(k3));
	PUBLIC(kbar, sizeof(kbar));
	CHECK(memcmp(k1, k2, 32) == 0, "shared secrets agree %u", seed);
	CHECK(memcmp(k3, kbar, 32) == 0, "rejection gives J(z||c) %u", seed);
	CHECK(memcmp(k3, k1, 32) != 0, "rejection key differs %u", seed);
}

int
main(void)
{
	ct_run(1);
	ct_run(200);
	return (check_report("ct_mlkem1024"));
}
