/*
 * libFuzzer harness: the operator's keyring file (cathedral/keyring.c).
 * Inputs that parse count as authenticated, so the replay test shows the
 * seeds reach the whole parser.
 */

#include <stdint.h>

#include "keyring.h"

#include "fuzz.h"

/* One keyring buffer. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keyring	kr;
	char		err[256];

	if (keyring_parse(&kr, (const char *)data, size, "fuzz", err,
	    sizeof(err)) == 0) {
		fuzz_authenticated++;
		keyring_free(&kr);
	}
	return (0);
}
