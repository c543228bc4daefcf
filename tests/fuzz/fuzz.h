/*
 * Shared by the fuzz harnesses and their corpus replay driver: each harness
 * counts the inputs that passed authentication (for unmasking: the length
 * checks), so a test can show that the committed seed corpus reaches the
 * authenticated path.
 */
#ifndef SANCTUM_FUZZ_H
#define SANCTUM_FUZZ_H

#include <stddef.h>
#include <stdint.h>

extern unsigned long	fuzz_authenticated;

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#endif
