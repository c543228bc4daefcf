/*
 * A small JSON reader for the known-answer vector files (tests only).
 * Values live in one arena freed with json_free().
 */
#ifndef SANCTUM_TEST_JSON_H
#define SANCTUM_TEST_JSON_H

#include <stddef.h>
#include <stdint.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY,
	JSON_OBJECT };

struct json {
	enum json_type	type;
	char		*key;		/* member name when inside an object */
	char		*str;		/* JSON_STRING */
	double		num;		/* JSON_NUMBER */
	int		boolean;	/* JSON_BOOL */
	struct json	*child;		/* first element / member */
	struct json	*next;		/* next sibling */
	size_t		count;		/* number of children */
};

struct json	*json_load(const char *path);
void		 json_free(struct json *);
struct json	*json_get(const struct json *, const char *key);
const char	*json_str(const struct json *, const char *key);
struct json	*json_at(const struct json *, size_t idx);

#endif
