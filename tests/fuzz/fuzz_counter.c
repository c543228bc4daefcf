/*
 * The authenticated-input counter of a harness when libFuzzer drives it.
 */

#include "fuzz.h"

unsigned long	fuzz_authenticated;
