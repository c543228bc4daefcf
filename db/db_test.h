/*
 * Hooks compiled only into the test build of the db layer
 * (SANCTUM_DB_TEST_HOOKS): a crash injected between the statements of a
 * migration, a pinned clock, and raw SQL to plant rows the schema refuses.
 */
#ifndef SANCTUM_DB_TEST_H
#define SANCTUM_DB_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

void	db_test_migration_step(int version, int step);
void	db_test_crash_at(int version, int step);
void	db_test_set_clock(struct db *, int64_t now);
int	db_test_exec(struct db *, const char *sql);
int	db_test_query(struct db *, const char *sql, char *buf, size_t len);

#endif
