/*
 * The configuration directory: the path of a tunnel's file, loading and
 * saving with fatal errors for the commands, every configuration in list
 * order, finding a tunnel by name or description, and the run-as user.
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"

/* <confdir>/<name>.conf */
void
hymn_conf_path(char *buf, size_t len, const struct hymn_name *n)
{
	char	name[HYMN_NAME_MAX];

	hymn_name_str(n, name, sizeof(name));
	hymn_path(buf, len, "%s/%s.conf", hymn_conf_dir, name);
}

/* Load a tunnel's configuration or die. */
void
hymn_load(const struct hymn_name *n, struct hymn_conf *c)
{
	char	path[HYMN_PATH_MAX], err[HYMN_PATH_MAX + 256];

	hymn_conf_path(path, sizeof(path), n);
	if (hymn_conf_load(path, n, c, err, sizeof(err)) == -1)
		hymn_fatal("%s", err);
}

/* Save a tunnel's configuration or die; exclusive for a new one. */
void
hymn_save(const struct hymn_conf *c, int exclusive)
{
	char	path[HYMN_PATH_MAX], err[HYMN_PATH_MAX + 256];
	char	name[HYMN_NAME_MAX];

	hymn_conf_path(path, sizeof(path), &c->name);
	switch (hymn_conf_save(path, c, exclusive, err, sizeof(err))) {
	case 0:
		return;
	case HYMN_CONF_EXISTS:
		hymn_name_str(&c->name, name, sizeof(name));
		hymn_fatal("%s %s config exists", c->liturgy ? "liturgy" :
		    "tunnel", name);
	default:
		hymn_fatal("%s", err);
	}
}

/* The group an entry is listed in, for sorting. */
static int
group(const struct hymn_entry *e)
{
	switch (e->kind) {
	case HYMN_KIND_NORMAL:
		return (0);
	case HYMN_KIND_CATHEDRAL:
		return (1);
	default:
		return (2);
	}
}

/*
 * List order: normal tunnels, cathedral tunnels, then each liturgy
 * followed by its tunnels (their names share the liturgy's prefix and
 * "-00" sorts first), each by name.
 */
static int
entry_cmp(const void *a, const void *b)
{
	const struct hymn_entry	*x = a, *y = b;

	if (group(x) != group(y))
		return (group(x) - group(y));
	return (strcmp(x->name, y->name));
}

/* Load one directory entry <stem>.conf into e. */
static void
scan_one(struct hymn_entry *e, const char *stem)
{
	struct hymn_name	n;
	char			path[HYMN_PATH_MAX];

	memset(e, 0, sizeof(*e));
	e->kind = HYMN_KIND_NORMAL;
	snprintf(e->name, sizeof(e->name), "%s", stem);
	if (hymn_name_parse(stem, &n, NULL) == -1) {
		snprintf(e->err, sizeof(e->err), "%s/%s.conf: not a tunnel "
		    "name", hymn_conf_dir, stem);
		return;
	}
	hymn_name_str(&n, e->name, sizeof(e->name));
	if (strcmp(e->name, stem) != 0) {
		snprintf(e->err, sizeof(e->err), "%s/%s.conf: not a canonical "
		    "name (%s)", hymn_conf_dir, stem, e->name);
		return;
	}
	if (hymn_name_has_flock(&n))
		e->kind = HYMN_KIND_CATHEDRAL;
	hymn_path(path, sizeof(path), "%s/%s.conf", hymn_conf_dir, stem);
	if (hymn_conf_load(path, &n, &e->conf, e->err, sizeof(e->err)) == 0) {
		e->ok = 1;
		if (e->conf.liturgy)
			e->kind = HYMN_KIND_LITURGY;
	}
}

/* Tunnels with a liturgy of their flock and source id belong to it. */
static void
mark_owned(struct hymn_entry *v, size_t n)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		if (v[i].kind != HYMN_KIND_CATHEDRAL)
			continue;
		for (j = 0; j < n; j++) {
			if (v[j].kind == HYMN_KIND_LITURGY && v[i].ok &&
			    strcmp(v[j].conf.name.flock,
			    v[i].conf.name.flock) == 0 &&
			    v[j].conf.name.src == v[i].conf.name.src)
				v[i].kind = HYMN_KIND_OWNED;
		}
	}
}

/*
 * Every <name>.conf of the configuration directory, in list order. An
 * entry that cannot be loaded has ok 0 and the reason in err.
 */
int
hymn_scan(struct hymn_entry **out, size_t *count)
{
	struct hymn_entry	*v = NULL, *nv;
	struct dirent		*de;
	DIR			*dir;
	size_t			n = 0, len;
	char			stem[HYMN_NAME_MAX];

	if ((dir = opendir(hymn_conf_dir)) == NULL)
		hymn_fatal("%s: %s", hymn_conf_dir, strerror(errno));
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len <= 5 ||
		    len - 5 >= sizeof(stem) ||
		    strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		if ((nv = reallocarray(v, n + 1, sizeof(*v))) == NULL)
			hymn_fatal("out of memory");
		v = nv;
		memcpy(stem, de->d_name, len - 5);
		stem[len - 5] = '\0';
		scan_one(&v[n++], stem);
	}
	closedir(dir);
	mark_owned(v, n);
	if (n > 0)
		qsort(v, n, sizeof(*v), entry_cmp);
	*out = v;
	*count = n;
	return (0);
}

/*
 * The tunnel an argument names: [<flock>-]<src>-<dst>, <flock>-<src>-liturgy
 * or the description of a tunnel. Loads its configuration or dies.
 */
void
hymn_resolve(const char *arg, struct hymn_conf *c)
{
	struct hymn_entry	*v;
	struct hymn_name	n;
	char			path[HYMN_PATH_MAX];
	size_t			count, i;
	int			liturgy;

	if (hymn_name_parse(arg, &n, &liturgy) == 0) {
		hymn_conf_path(path, sizeof(path), &n);
		if (access(path, F_OK) == -1)
			hymn_fatal("no tunnel %s (%s)", arg, path);
		hymn_load(&n, c);
		if (liturgy && !c->liturgy)
			hymn_fatal("%s is not a liturgy", arg);
		return;
	}
	hymn_scan(&v, &count);
	for (i = 0; i < count; i++) {
		if (v[i].ok && strcmp(v[i].conf.descr, arg) == 0) {
			*c = v[i].conf;
			free(v);
			return;
		}
	}
	free(v);
	hymn_fatal("no tunnel named '%s'", arg);
}

/* The run-as user: the argument, else $HYMN_USER, else the login name. */
const char *
hymn_user(const char *arg)
{
	const char	*u = arg;

	if (u == NULL && ((u = getenv("HYMN_USER")) == NULL || *u == '\0'))
		u = getlogin();
	if (u == NULL)
		hymn_fatal("who are you? specify user");
	if (!hymn_valid_user(u))
		hymn_fatal("invalid user '%s'", u);
	return (u);
}
