/*
 * Minimal test harness: CHECK() counts failures and names the line, hex
 * helpers turn vector strings into bytes, vector_load() finds the copied
 * vector files, and the scratch helpers give a test a private directory
 * under /tmp with paths and files in it.
 */
#ifndef SANCTUM_TEST_CHECK_H
#define SANCTUM_TEST_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sys/types.h>

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

extern char	 scratch_dir[64];
int		 scratch_create(const char *name);
const char	*scratch_at(const char *name);
void		 scratch_put(const char *path, const void *buf, size_t len,
		    mode_t mode);
int		 scratch_remove(void);

#endif
