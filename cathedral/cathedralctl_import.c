/*
 * cathedralctl --db PATH import --settings FILE --secretdir DIR
 *
 * Load a reference cathedral's state: the settings file (cathedral.md
 * 3.12), each allowed identity's .key and .pub from the secretdir (1.6)
 * and the bundles the file names (4.2). Everything is read and checked
 * first (as root, before acting as the database owner); any problem is
 * printed as FILE:LINE and nothing is imported. Then all rows go in one
 * transaction; rows already there are counted as "already present".
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cathedralctl.h"
#include "keyfile.h"
#include "settings.h"
#include "wire.h"

#define IMPORT_SETTINGS_MAX	(16 * 1024 * 1024)	/* a text file */

/* The keys of one identity (flock, csid), read once. */
struct imp_key {
	uint64_t	flock;
	uint32_t	csid;
	uint8_t		secret[32];
	uint8_t		pub[32];
};

/* One bundle named by an ambry or xflock line, read whole. */
struct imp_bundle {
	uint64_t	a;
	uint64_t	b;
	uint8_t		*buf;
	size_t		len;
	int		line;
};

/* What was added and what was already there. */
struct imp_count {
	unsigned int	added;
	unsigned int	present;
};

struct imp {
	struct ctl		*ctl;
	const char		*file;
	const char		*secretdir;
	struct settings		 s;
	struct imp_key		*keys;
	size_t			 nkeys;
	struct imp_bundle	*bundles;
	size_t			 nbundles;
	int			 errors;
	struct imp_count	 flocks, identities, allow, xflocks, federate,
				 bundles_n;
};

/* FILE:LINE: message, for a problem tied to a settings line. */
static void __attribute__((format(printf, 4, 5)))
imp_say(struct imp *imp, int line, int warning, const char *fmt, ...)
{
	va_list	ap;

	if (!warning)
		imp->errors++;
	fprintf(stderr, "%s:%d: %s", imp->file, line,
	    warning ? "warning: " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* The parser's problems, printed as they come. */
static void
imp_report(void *arg, int line, int warning, const char *msg)
{
	struct imp	*imp = arg;

	fprintf(stderr, "%s:%d: %s%s\n", imp->file, line,
	    warning ? "warning: " : "", msg);
}

/* Read a whole regular file of at most max bytes (NUL-terminated). */
static char *
imp_slurp(const char *path, size_t max, size_t *len, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		snprintf(err, errlen, "%s: not a regular file of at most %zu "
		    "bytes", path, max);
		close(fd);
		return (NULL);
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return (NULL);
	}
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	if (off != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		free(buf);
		return (NULL);
	}
	buf[off] = '\0';
	*len = off;
	return (buf);
}

/* A secret is refused when group or others may touch it: say how to fix. */
static int
imp_key_mode(struct imp *imp, int line, const char *path)
{
	struct stat	st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & 077) != 0) {
		imp_say(imp, line, 0, "%s: mode %04o lets group or others read "
		    "a cathedral secret; run chmod 600 %s (the reference's "
		    "0400, 0500 and 0600 are accepted)", path,
		    (unsigned int)(st.st_mode & 07777), path);
		return (-1);
	}
	return (0);
}

/* Read <secretdir>/flock-<F>/<I>.key and .pub for an allow line. */
static void
imp_keys(struct imp *imp, uint64_t flock, const struct settings_allow *a)
{
	struct imp_key	*k, *nk;
	char		 path[4096], err[4200];
	size_t		 i;

	for (i = 0; i < imp->nkeys; i++) {
		if (imp->keys[i].flock == flock && imp->keys[i].csid == a->csid)
			return;
	}
	if ((nk = realloc(imp->keys, (imp->nkeys + 1) * sizeof(*nk))) ==
	    NULL) {
		imp_say(imp, a->line, 0, "out of memory");
		return;
	}
	imp->keys = nk;
	k = &imp->keys[imp->nkeys];
	k->flock = flock;
	k->csid = a->csid;
	snprintf(path, sizeof(path), "%s/flock-%llx/%08x.key", imp->secretdir,
	    (unsigned long long)flock, a->csid);
	if (imp_key_mode(imp, a->line, path) == -1)
		return;
	if (keyfile_read(path, k->secret, sizeof(k->secret),
	    KEYFILE_CHECK_MODE, err, sizeof(err)) == -1) {
		imp_say(imp, a->line, 0, "%s", err);
		return;
	}
	snprintf(path, sizeof(path), "%s/flock-%llx/%08x.pub", imp->secretdir,
	    (unsigned long long)flock, a->csid);
	if (keyfile_read(path, k->pub, sizeof(k->pub), 0, err,
	    sizeof(err)) == -1) {
		sanctum_wipe(k->secret, sizeof(k->secret));
		imp_say(imp, a->line, 0, "%s", err);
		return;
	}
	imp->nkeys++;
}

/* The keys read for (flock, csid). */
static const struct imp_key *
imp_key_find(const struct imp *imp, uint64_t flock, uint32_t csid)
{
	size_t	i;

	for (i = 0; i < imp->nkeys; i++) {
		if (imp->keys[i].flock == flock && imp->keys[i].csid == csid)
			return (&imp->keys[i]);
	}
	return (NULL);
}

/* Read one bundle file exactly and check it as the cathedral would. */
static void
imp_bundle(struct imp *imp, int line, const char *path, uint64_t a,
    uint64_t b)
{
	struct ambry_header	 h;
	struct imp_bundle	*nb;
	struct stat		 st;
	uint8_t			*buf;
	size_t			 want = ambry_bundle_size(a, b), off = 0;
	ssize_t			 n;
	int			 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		imp_say(imp, line, 0, "ambry '%s' cannot be opened: %s", path,
		    strerror(errno));
		return;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size != want) {
		imp_say(imp, line, 0, "ambry file '%s' has an abnormal size "
		    "or type (%lld bytes, expected a regular file of %zu)",
		    path, (long long)st.st_size, want);
		close(fd);
		return;
	}
	if ((buf = malloc(want)) == NULL) {
		imp_say(imp, line, 0, "out of memory");
		close(fd);
		return;
	}
	while (off < want && (n = read(fd, buf + off, want - off)) > 0)
		off += (size_t)n;
	close(fd);
	if (off != want || ambry_bundle_check(buf, want, a, b) != SANCTUM_OK ||
	    ambry_header_parse(buf, want, &h) != SANCTUM_OK) {
		imp_say(imp, line, 0, "ambry '%s' had bad flock or partial "
		    "entries (every entry must be for %llx or %llx)", path,
		    (unsigned long long)a, (unsigned long long)b);
		free(buf);
		return;
	}
	if (ambry_expired(h.expires, (uint64_t)time(NULL)))
		imp_say(imp, line, 1, "ambry '%s' has expired; it is stored "
		    "but never served", path);
	if ((nb = realloc(imp->bundles, (imp->nbundles + 1) *
	    sizeof(*nb))) == NULL) {
		imp_say(imp, line, 0, "out of memory");
		free(buf);
		return;
	}
	imp->bundles = nb;
	nb[imp->nbundles].a = a;
	nb[imp->nbundles].b = b;
	nb[imp->nbundles].buf = buf;
	nb[imp->nbundles].len = want;
	nb[imp->nbundles].line = line;
	imp->nbundles++;
}

/* Everything the settings name, read and checked before the database. */
static void
imp_read_all(struct imp *imp)
{
	const struct settings_flock	*f;
	const struct settings_xflock	*x;
	size_t				 i, j;

	for (i = 0; i < imp->s.nflocks; i++) {
		f = &imp->s.flocks[i];
		for (j = 0; j < f->nallow; j++)
			imp_keys(imp, f->id, &f->allow[j]);
		for (j = 0; j < f->nambry; j++)
			imp_bundle(imp, f->ambry[j].line, f->ambry[j].path,
			    f->id, f->id);
	}
	for (i = 0; i < imp->s.nxflocks; i++) {
		x = &imp->s.xflocks[i];
		imp_bundle(imp, x->line, x->path, x->a, x->b);
	}
}

/* Count one result; -1 prints the db error against its line. */
static int
imp_count(struct imp *imp, struct db *db, struct imp_count *c, int line,
    int rc)
{
	if (rc == -1) {
		imp_say(imp, line, 0, "%s", db_error(db));
		return (-1);
	}
	if (rc == DB_PRESENT)
		c->present++;
	else
		c->added++;
	return (0);
}

/* Is allow line j the first of its identity in the block? */
static int
imp_first_allow(const struct settings_flock *f, size_t j)
{
	size_t	i;

	for (i = 0; i < j; i++) {
		if (f->allow[i].csid == f->allow[j].csid)
			return (0);
	}
	return (1);
}

/* The identities and allow rules of one flock. */
static int
imp_flock(struct imp *imp, struct db *db, const struct settings_flock *f)
{
	struct db_identity_new	 n;
	const struct imp_key	*k;
	size_t			 j;
	int			 rc;

	if (imp_count(imp, db, &imp->flocks, f->line, db_flock_add(db,
	    imp->ctl->actor, f->id, "")) == -1)
		return (-1);
	for (j = 0; j < f->nallow; j++) {
		k = imp_key_find(imp, f->id, f->allow[j].csid);
		memset(&n, 0, sizeof(n));
		n.flock = f->id;
		n.csid = f->allow[j].csid;
		memcpy(n.secret, k->secret, sizeof(n.secret));
		memcpy(n.cosk_pub, k->pub, sizeof(n.cosk_pub));
		n.name = "";
		n.peer = f->allow[j].peer;
		n.mbit = f->allow[j].mbit;
		rc = db_identity_add(db, imp->ctl->actor, &n);
		sanctum_wipe(&n, sizeof(n));
		if (rc == -1)
			return (imp_count(imp, db, &imp->allow,
			    f->allow[j].line, rc));
		if (imp_first_allow(f, j))
			imp_count(imp, db, &imp->identities, f->allow[j].line,
			    rc == DB_ADDED ? DB_ADDED : DB_PRESENT);
		imp_count(imp, db, &imp->allow, f->allow[j].line,
		    rc == DB_PRESENT ? DB_PRESENT : DB_ADDED);
	}
	return (0);
}

/* Every row, inside the caller's transaction. */
static int
imp_apply(struct imp *imp, struct db *db)
{
	const struct settings_xflock	*x;
	const struct settings_federate	*f;
	const struct imp_bundle		*b;
	size_t				 i;

	for (i = 0; i < imp->s.nflocks; i++) {
		if (imp_flock(imp, db, &imp->s.flocks[i]) == -1)
			return (-1);
	}
	for (i = 0; i < imp->s.nxflocks; i++) {
		x = &imp->s.xflocks[i];
		if (imp_count(imp, db, &imp->xflocks, x->line,
		    db_xflock_add(db, imp->ctl->actor, x->a, x->b)) == -1)
			return (-1);
	}
	for (i = 0; i < imp->s.nfederate; i++) {
		f = &imp->s.federate[i];
		if (imp_count(imp, db, &imp->federate, f->line,
		    db_federation_add(db, imp->ctl->actor, f->ip,
		    f->port)) == -1)
			return (-1);
	}
	for (i = 0; i < imp->nbundles; i++) {
		b = &imp->bundles[i];
		if (imp_count(imp, db, &imp->bundles_n, b->line,
		    db_bundle_store(db, imp->ctl->actor, b->a, b->b, b->buf,
		    b->len)) == -1)
			return (-1);
	}
	return (0);
}

/* How many rows changed, for the audit row and the exit message. */
static unsigned int
imp_changes(const struct imp *imp)
{
	return (imp->flocks.added + imp->identities.added + imp->allow.added +
	    imp->xflocks.added + imp->federate.added + imp->bundles_n.added);
}

/* The summary: what was added and what was already present. */
static void
imp_summary(const struct imp *imp)
{
	const struct {
		const char		*name;
		const struct imp_count	*c;
	} rows[] = {
		{ "flocks", &imp->flocks },
		{ "identities", &imp->identities },
		{ "allow rules", &imp->allow },
		{ "xflocks", &imp->xflocks },
		{ "federation peers", &imp->federate },
		{ "bundles", &imp->bundles_n },
	};
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		printf("%-17s %u added, %u already present\n", rows[i].name,
		    rows[i].c->added, rows[i].c->present);
}

/* Open the database as its owner and write everything in one go. */
static int
imp_store(struct imp *imp)
{
	struct ctl	*ctl = imp->ctl;
	struct db	*db;
	char		 detail[DB_DETAIL_MAX + 1];
	int		 version, ret = -1;

	if ((db = ctl_db_open(ctl, DB_OPEN_RW)) == NULL)
		return (-1);
	if (db_user_version(db, &version) == -1)
		ctl_error(ctl, "%s: %s", ctl->db_path, db_error(db));
	else if (version != DB_SCHEMA_VERSION)
		ctl_error(ctl, "%s: schema version %d, expected %d: run "
		    "cathedralctl --db %s init first", ctl->db_path, version,
		    DB_SCHEMA_VERSION, ctl->db_path);
	else if (db_begin(db) == -1)
		ctl_error(ctl, "%s: %s", ctl->db_path, db_error(db));
	else {
		ret = imp_apply(imp, db);
		snprintf(detail, sizeof(detail), "settings %s secretdir %s: "
		    "%u rows added", imp->file, imp->secretdir,
		    imp_changes(imp));
		if (ret == 0 && imp_changes(imp) > 0 &&
		    (ret = db_audit_note(db, ctl->actor, "import",
		    "reference cathedral", detail)) == -1)
			ctl_error(ctl, "%s", db_error(db));
		if (ret == 0 && (ret = db_commit(db)) == -1)
			ctl_error(ctl, "commit: %s", db_error(db));
		if (ret == -1)
			(void)db_rollback(db);
		else
			(void)db_checkpoint(db);
	}
	ctl_db_close(ctl, db);
	return (ret);
}

/* Release what the import read, wiping the secrets. */
static void
imp_free(struct imp *imp)
{
	size_t	i;

	if (imp->keys != NULL)
		sanctum_wipe(imp->keys, imp->nkeys * sizeof(*imp->keys));
	free(imp->keys);
	for (i = 0; i < imp->nbundles; i++)
		free(imp->bundles[i].buf);
	free(imp->bundles);
	settings_free(&imp->s);
}

/* import --settings FILE --secretdir DIR */
int
ctl_import(struct ctl *ctl, int argc, char **argv)
{
	struct imp	 imp;
	char		*text, err[4200];
	size_t		 len;
	int		 i, rc, ret = 1;

	memset(&imp, 0, sizeof(imp));
	imp.ctl = ctl;
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--settings") == 0)
			imp.file = argv[i + 1];
		else if (strcmp(argv[i], "--secretdir") == 0)
			imp.secretdir = argv[i + 1];
		else
			break;
	}
	if (i != argc || imp.file == NULL || imp.secretdir == NULL)
		return (ctl_error(ctl, "usage: import --settings FILE "
		    "--secretdir DIR"));
	if ((text = imp_slurp(imp.file, IMPORT_SETTINGS_MAX, &len, err,
	    sizeof(err))) == NULL)
		return (ctl_error(ctl, "%s", err));
	rc = settings_parse(text, len, &imp.s, imp_report, &imp);
	free(text);
	if (rc == -1)
		ctl_error(ctl, "%s: out of memory", imp.file);
	else if (rc > 0)
		ctl_error(ctl, "%s: %d bad line%s, nothing imported", imp.file,
		    rc, rc == 1 ? "" : "s");
	else {
		imp_read_all(&imp);
		if (imp.errors > 0)
			ctl_error(ctl, "%s: %d problem%s, nothing imported",
			    imp.file, imp.errors, imp.errors == 1 ? "" : "s");
		else if (imp_store(&imp) == -1)
			ctl_error(ctl, "nothing imported");
		else {
			imp_summary(&imp);
			ret = 0;
		}
	}
	imp_free(&imp);
	return (ret);
}
