/*
 * Recursive-descent JSON reader, enough for the vector files: objects,
 * arrays, strings (with the common escapes), numbers, true/false/null.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct parser {
	const char	*p;
	const char	*end;
	int		error;
};

static struct json	*parse_value(struct parser *, int depth);

/* Skip white space between tokens. */
static void
skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' ||
	    *ps->p == '\r' || *ps->p == '\t'))
		ps->p++;
}

/* Allocate a zeroed node, aborting on exhaustion (tests only). */
static struct json *
node_new(enum json_type type)
{
	struct json	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		abort();
	j->type = type;
	return (j);
}

/* Parse a string literal; \u escapes are kept only for ASCII. */
static char *
parse_string(struct parser *ps)
{
	char		*out;
	size_t		n = 0, cap;
	const char	*start;

	if (ps->p >= ps->end || *ps->p != '"') {
		ps->error = 1;
		return (NULL);
	}
	start = ++ps->p;
	cap = 16;
	while (start < ps->end && *start != '"') {
		start += (*start == '\\') ? 2 : 1;
		cap++;
	}
	if ((out = malloc(cap)) == NULL)
		abort();
	while (ps->p < ps->end && *ps->p != '"') {
		char	c = *ps->p++;

		if (c == '\\' && ps->p < ps->end) {
			c = *ps->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':
				if (ps->end - ps->p < 4) {
					ps->error = 1;
					free(out);
					return (NULL);
				}
				c = (char)strtol((char[]){ ps->p[2], ps->p[3],
				    0 }, NULL, 16);
				ps->p += 4;
				break;
			default:
				break;
			}
		}
		out[n++] = c;
	}
	if (ps->p >= ps->end) {
		ps->error = 1;
		free(out);
		return (NULL);
	}
	ps->p++;
	out[n] = '\0';
	return (out);
}

/* Append a child to a container node. */
static void
append(struct json *parent, struct json *child, struct json **tail)
{
	if (*tail == NULL)
		parent->child = child;
	else
		(*tail)->next = child;
	*tail = child;
	parent->count++;
}

/* Parse an array or an object body after its opening bracket. */
static struct json *
parse_container(struct parser *ps, int depth, int object)
{
	struct json	*j, *v, *tail = NULL;
	char		*key = NULL;
	char		close = object ? '}' : ']';

	j = node_new(object ? JSON_OBJECT : JSON_ARRAY);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return (j);
	}
	for (;;) {
		skip_ws(ps);
		if (object) {
			if ((key = parse_string(ps)) == NULL)
				break;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':') {
				ps->error = 1;
				free(key);
				break;
			}
		}
		if ((v = parse_value(ps, depth + 1)) == NULL) {
			free(key);
			break;
		}
		v->key = key;
		key = NULL;
		append(j, v, &tail);
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return (j);
		}
		ps->error = 1;
		break;
	}
	json_free(j);
	return (NULL);
}

/* Parse any value. */
static struct json *
parse_value(struct parser *ps, int depth)
{
	struct json	*j;
	char		*endp;

	skip_ws(ps);
	if (depth > 64 || ps->p >= ps->end) {
		ps->error = 1;
		return (NULL);
	}
	switch (*ps->p) {
	case '{':
		return (parse_container(ps, depth, 1));
	case '[':
		return (parse_container(ps, depth, 0));
	case '"':
		j = node_new(JSON_STRING);
		if ((j->str = parse_string(ps)) == NULL) {
			free(j);
			return (NULL);
		}
		return (j);
	case 't':
	case 'f':
	case 'n':
		if (ps->end - ps->p >= 4 && !strncmp(ps->p, "true", 4)) {
			j = node_new(JSON_BOOL);
			j->boolean = 1;
			ps->p += 4;
		} else if (ps->end - ps->p >= 5 && !strncmp(ps->p, "false", 5)) {
			j = node_new(JSON_BOOL);
			ps->p += 5;
		} else if (ps->end - ps->p >= 4 && !strncmp(ps->p, "null", 4)) {
			j = node_new(JSON_NULL);
			ps->p += 4;
		} else {
			ps->error = 1;
			return (NULL);
		}
		return (j);
	default:
		j = node_new(JSON_NUMBER);
		j->num = strtod(ps->p, &endp);
		if (endp == ps->p) {
			free(j);
			ps->error = 1;
			return (NULL);
		}
		ps->p = endp;
		return (j);
	}
}

/* Read and parse a whole file; NULL (with a message) on any error. */
struct json *
json_load(const char *path)
{
	struct parser	ps;
	struct json	*j;
	FILE		*fp;
	char		*buf;
	long		len;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "json: cannot open %s\n", path);
		return (NULL);
	}
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	if (len < 0 || (buf = malloc((size_t)len + 1)) == NULL) {
		fclose(fp);
		return (NULL);
	}
	if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		fclose(fp);
		free(buf);
		return (NULL);
	}
	fclose(fp);
	ps.p = buf;
	ps.end = buf + len;
	ps.error = 0;
	j = parse_value(&ps, 0);
	free(buf);
	if (ps.error || j == NULL) {
		fprintf(stderr, "json: parse error in %s\n", path);
		json_free(j);
		return (NULL);
	}
	return (j);
}

/* Free a tree. */
void
json_free(struct json *j)
{
	struct json	*c, *n;

	if (j == NULL)
		return;
	for (c = j->child; c != NULL; c = n) {
		n = c->next;
		json_free(c);
	}
	free(j->key);
	free(j->str);
	free(j);
}

/* Member of an object by name, or NULL. */
struct json *
json_get(const struct json *j, const char *key)
{
	struct json	*c;

	if (j == NULL || j->type != JSON_OBJECT)
		return (NULL);
	for (c = j->child; c != NULL; c = c->next) {
		if (c->key != NULL && strcmp(c->key, key) == 0)
			return (c);
	}
	return (NULL);
}

/* String member of an object by name, or NULL. */
const char *
json_str(const struct json *j, const char *key)
{
	struct json	*c = json_get(j, key);

	return (c != NULL && c->type == JSON_STRING ? c->str : NULL);
}

/* Element of an array by index, or NULL. */
struct json *
json_at(const struct json *j, size_t idx)
{
	struct json	*c;

	if (j == NULL)
		return (NULL);
	for (c = j->child; c != NULL && idx > 0; c = c->next)
		idx--;
	return (c);
}
