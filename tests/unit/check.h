/*
 * Minimal test harness: CHECK() counts failures and names the line, hex
 * helpers turn vector strings into bytes, and vector_path() finds the copied
 * vector files.
 */
#ifndef SANCTUM_TEST_CHECK_H
#define SANCTUM_TEST_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "json.h"

extern int	check_failures;
extern int	check_passes;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		check_passes++;						\
	} else {							\
		check_failures++;					\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, "\n");					\
	}								\
} while (0)

size_t		 hex_decode(const char *hex, uint8_t *out, size_t max);
uint8_t		*hex_alloc(const char *hex, size_t *len);
uint64_t	 hex_u64(const char *hex);
int		 hex_equal(const uint8_t *buf, size_t len, const char *hex);
struct json	*vector_load(const char *name);
int		 check_report(const char *name);

#endif
