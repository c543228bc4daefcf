/*
 * cathedralctl enroll: make a node's identity and everything it needs.
 *
 *   enroll --flock F --peer-id N --name NAME [--bandwidth MBIT]
 *       --cathedral HOST:PORT [--natport PORT]
 *       [--mode liturgy] --prefix A.B.0.0 [--group G]
 *     | --mode tunnel --to N [--address A.B.C.D/P | --prefix A.B.0.0]
 *       (--out DIR | --bundle FILE --passphrase-file P)
 *       [--node-dir DIR] [--run-dir DIR] [--user USER]
 *
 * A random unused CS id, a random cathedral secret and an Ed25519 COSK
 * pair are made; the peer id gets a KEK in the keyring unless it has one.
 * The node's files (reference formats, 0600) and its configuration go to
 * DIR, or sealed into one bundle file; only then are the cathedral secret,
 * the public key, the name and the allow rule written to the database, in
 * one audited transaction. If that fails the files are removed again.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cathedralctl.h"
#include "enroll_bundle.h"
#include "enroll_token.h"
#include "keyfile.h"
#include "node_conf.h"
#include "sanctum_crypto.h"

#define ENROLL_USAGE	"enroll --flock F --peer-id N --name NAME " \
			"--cathedral HOST:PORT [--mode liturgy --prefix NET " \
			"[--group G] | --mode tunnel --to N [--address A/P]] " \
			"(--out DIR | --bundle FILE --passphrase-file P)"
#define ENROLL_FILES	4
#define ENROLL_RUNDIR	"/var/run/hymn"
#define ENROLL_NODEDIR	"/etc/hymn"
#define ENROLL_USER	"nobody"

/* Everything one enrollment makes. */
struct enroll {
	struct ctl_profile	 p;
	uint32_t		 csid;
	uint8_t			 cs[32];
	uint8_t			 cosk[64];
	uint8_t			 pub[32];
	uint8_t			 kek[32];
	int			 kek_new;
	char			 conf[NODE_CONF_MAX];
	int			 conflen;
	char			 names[ENROLL_FILES][NODE_CONF_NAME_MAX];
	const char		*out;		/* DIR, or */
	const char		*bundle;	/* FILE */
	char			 nodedir[CTL_PATH_MAX];
	const char		*rundir;
	const char		*user;
	char			 pass[ENROLL_PASS_MAX + 1];
	size_t			 passlen;
	int			 made_dir;
	int			 written;
};

/* A path a config line can hold: absolute, no blanks, not too long. */
static int
enroll_path_ok(struct ctl *ctl, const char *what, const char *path)
{
	size_t	i, n = strlen(path);

	for (i = 0; i < n; i++) {
		if (path[i] <= ' ' || path[i] > '~')
			break;
	}
	if (path[0] != '/' || i != n || n > NODE_CONF_PATH_MAX)
		return (ctl_error(ctl, "%s '%s': an absolute path of at most "
		    "%d printable characters without blanks", what, path,
		    NODE_CONF_PATH_MAX));
	return (0);
}

/* The run user: a plain user name. */
static int
enroll_user_ok(struct ctl *ctl, const char *user)
{
	size_t	n = strlen(user);

	if (n == 0 || n > 31 || user[0] == '-' ||
	    strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._-") != n)
		return (ctl_error(ctl, "user '%s': a user name of at most 31 "
		    "characters", user));
	return (0);
}

/* The output: a new or empty DIR, or a new bundle FILE and a passphrase. */
static int
enroll_output(struct ctl *ctl, struct enroll *e, const struct ctl_opt *opts)
{
	struct stat	 st;
	const char	*pf;
	char		 err[CTL_PATH_MAX + 256];

	e->out = ctl_opt(opts, "--out");
	e->bundle = ctl_opt(opts, "--bundle");
	pf = ctl_opt(opts, "--passphrase-file");
	if ((e->out == NULL) == (e->bundle == NULL))
		return (ctl_error(ctl, "enroll: give --out DIR or --bundle "
		    "FILE"));
	if (e->bundle == NULL) {
		if (pf != NULL)
			return (ctl_error(ctl, "--passphrase-file goes with "
			    "--bundle"));
		return (0);
	}
	if (pf == NULL)
		return (ctl_error(ctl, "--bundle needs --passphrase-file"));
	if (lstat(e->bundle, &st) == 0 || errno != ENOENT)
		return (ctl_error(ctl, "%s: exists already (or cannot be "
		    "checked)", e->bundle));
	if (enroll_passphrase_read(pf, e->pass, sizeof(e->pass), &e->passlen,
	    err, sizeof(err)) == -1)
		return (ctl_error(ctl, "%s", err));
	return (0);
}

/* Create DIR (0700) or accept an empty one; the default node directory. */
static int
enroll_dir(struct ctl *ctl, struct enroll *e)
{
	struct stat	 st;
	char		 real[PATH_MAX];
	DIR		*d;
	struct dirent	*de;
	int		 empty = 1;

	if (mkdir(e->out, 0700) == 0)
		e->made_dir = 1;
	else if (errno != EEXIST || lstat(e->out, &st) == -1 ||
	    !S_ISDIR(st.st_mode))
		return (ctl_error(ctl, "%s: cannot create the directory: %s",
		    e->out, strerror(errno)));
	else {
		if ((d = opendir(e->out)) == NULL)
			return (ctl_error(ctl, "%s: %s", e->out,
			    strerror(errno)));
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				empty = 0;
		}
		closedir(d);
		if (!empty)
			return (ctl_error(ctl, "%s: not empty", e->out));
	}
	if (e->nodedir[0] == '\0') {
		if (realpath(e->out, real) == NULL ||
		    strlen(real) >= sizeof(e->nodedir))
			return (ctl_error(ctl, "%s: %s", e->out,
			    strerror(errno)));
		memcpy(e->nodedir, real, strlen(real) + 1);
	}
	return (0);
}

/* The CS ids in use, to draw a new one. */
struct csid_set {
	uint32_t	*ids;
	size_t		 n;
	size_t		 cap;
};

/* Remember one identity's CS id. */
static int
csid_collect(void *arg, const struct db_identity *id)
{
	struct csid_set	*s = arg;
	uint32_t	*nids;

	if (s->n == s->cap) {
		s->cap = s->cap == 0 ? 64 : s->cap * 2;
		if ((nids = realloc(s->ids, s->cap * sizeof(*nids))) == NULL)
			return (-1);
		s->ids = nids;
	}
	s->ids[s->n++] = id->csid;
	return (0);
}

/* A random non-zero CS id that no flock uses yet. */
static int
enroll_csid(struct ctl *ctl, struct enroll *e)
{
	struct csid_set	 s;
	struct db	*db;
	size_t		 i;
	int		 ret = 1;

	memset(&s, 0, sizeof(s));
	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	if (db_identities(db, csid_collect, &s) == -1)
		ctl_error(ctl, "%s", db_error(db));
	else {
		do {
			e->csid = sanctum_random_u32();
			for (i = 0; i < s.n && s.ids[i] != e->csid; i++)
				;
		} while (e->csid == 0 || i < s.n);
		ret = 0;
	}
	free(s.ids);
	ctl_db_close(ctl, db);
	return (ret);
}

/* The KEK of the peer id from the keyring, made if it has none. */
static int
enroll_kek(struct ctl *ctl, struct enroll *e)
{
	struct ctl_keyring	 k;
	const uint8_t		*kek;
	int			 ret = 1;

	if (ctl_keyring_open(ctl, &k) == -1)
		return (1);
	if (ctl_keyring_ensure(ctl, &k, e->p.flock, e->p.peer,
	    &e->kek_new) == 0 && (!e->kek_new || ctl_keyring_save(ctl,
	    &k) == 0) && (kek = keyring_get(&k.kr, e->p.flock,
	    e->p.peer)) != NULL) {
		memcpy(e->kek, kek, sizeof(e->kek));
		ret = 0;
	}
	ctl_keyring_close(&k);
	return (ret);
}

/* Remove what was written when the database refuses the node. */
static void
enroll_undo(struct enroll *e)
{
	char	path[CTL_PATH_MAX + 64];
	int	i;

	if (e->bundle != NULL) {
		if (e->written)
			(void)unlink(e->bundle);
		return;
	}
	for (i = 0; i < e->written; i++) {
		snprintf(path, sizeof(path), "%s/%s", e->out, e->names[i]);
		(void)unlink(path);
	}
	if (e->made_dir)
		(void)rmdir(e->out);
}

/* The contents of file i: cathedral secret, COSK, KEK, configuration. */
static void
enroll_file(const struct enroll *e, int i, const void **data, size_t *len)
{
	switch (i) {
	case 0:
		*data = e->cs;
		*len = sizeof(e->cs);
		break;
	case 1:
		*data = e->cosk;
		*len = sizeof(e->cosk);
		break;
	case 2:
		*data = e->kek;
		*len = sizeof(e->kek);
		break;
	default:
		*data = e->conf;
		*len = (size_t)e->conflen;
		break;
	}
}

/* Write the four files into DIR. */
static int
enroll_write_dir(struct ctl *ctl, struct enroll *e)
{
	const void	*data;
	size_t		 len;
	char		 path[CTL_PATH_MAX + 64], err[CTL_PATH_MAX + 256];
	int		 i;

	for (i = 0; i < ENROLL_FILES; i++) {
		snprintf(path, sizeof(path), "%s/%s", e->out, e->names[i]);
		enroll_file(e, i, &data, &len);
		if (keyfile_write(path, data, len, 0600, err,
		    sizeof(err)) == -1)
			return (ctl_error(ctl, "%s", err));
		e->written = i + 1;
	}
	return (0);
}

/* Seal the four files into one bundle for hymn enroll --bundle. */
static int
enroll_write_bundle(struct ctl *ctl, struct enroll *e)
{
	struct enroll_kdf	 kdf = { ENROLL_KDF_OPS, ENROLL_KDF_MEM_KIB };
	struct enroll_bundle	 b;
	const void		*data;
	uint8_t			*sealed = NULL;
	size_t			 len, slen;
	char			 err[CTL_PATH_MAX + 256];
	int			 i, ret = 1;

	memset(&b, 0, sizeof(b));
	snprintf(b.dir, sizeof(b.dir), "%.*s", (int)sizeof(b.dir) - 1,
	    e->nodedir);
	for (i = 0; i < ENROLL_FILES; i++) {
		enroll_file(e, i, &data, &len);
		if (enroll_bundle_add(&b, e->names[i], 0600, data, len) == -1) {
			ctl_error(ctl, "bundle: cannot add %s", e->names[i]);
			goto out;
		}
	}
	if (enroll_bundle_seal(&b, e->pass, e->passlen, &kdf, &sealed, &slen,
	    err, sizeof(err)) == -1)
		ctl_error(ctl, "%s", err);
	else if (keyfile_write(e->bundle, sealed, slen, 0600, err,
	    sizeof(err)) == -1)
		ctl_error(ctl, "%s", err);
	else {
		e->written = 1;
		ret = 0;
	}
out:
	free(sealed);
	enroll_bundle_free(&b);
	return (ret);
}

/* The identity, its allow rule and an enroll note, in one transaction. */
static int
enroll_store(struct ctl *ctl, struct enroll *e)
{
	struct db_identity_new	 n;
	struct db		*db;
	char			 obj[64], detail[DB_DETAIL_MAX + 1];
	int			 rc = -1;

	memset(&n, 0, sizeof(n));
	n.flock = e->p.flock;
	n.csid = e->csid;
	memcpy(n.secret, e->cs, sizeof(n.secret));
	memcpy(n.cosk_pub, e->pub, sizeof(n.cosk_pub));
	n.name = e->p.name;
	n.peer = e->p.peer;
	n.mbit = e->p.mbit;
	snprintf(obj, sizeof(obj), "identity %llx:%08x",
	    (unsigned long long)e->p.flock, e->csid);
	if (e->p.liturgy)
		snprintf(detail, sizeof(detail), "mode liturgy peer %02x",
		    e->p.peer);
	else
		snprintf(detail, sizeof(detail), "mode tunnel peer %02x to "
		    "%02x", e->p.peer, e->p.to);
	snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
	    ", %s KEK, %s %.600s", e->kek_new ? "new" : "existing",
	    e->bundle != NULL ? "bundle" : "directory",
	    e->bundle != NULL ? e->bundle : e->out);
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) == NULL) {
		sanctum_wipe(&n, sizeof(n));
		return (1);
	}
	if (db_begin(db) == 0 && db_identity_add(db, ctl->actor, &n) ==
	    DB_ADDED && db_audit_note(db, ctl->actor, "node.enroll", obj,
	    detail) == 0 && db_commit(db) == 0)
		rc = 0;
	else {
		ctl_error(ctl, "%s", db_error(db));
		(void)db_rollback(db);
	}
	sanctum_wipe(&n, sizeof(n));
	ctl_db_close(ctl, db);
	return (rc == 0 ? 0 : 1);
}

/* What was made and what to do next. */
static void
enroll_summary(struct ctl *ctl, const struct enroll *e)
{
	printf("enrolled %llx:%08x '%s' (%s, peer %02x", (unsigned long long)
	    e->p.flock, e->csid, e->p.name, e->p.liturgy ? "liturgy" :
	    "tunnel", e->p.peer);
	if (!e->p.liturgy)
		printf(" to %02x", e->p.to);
	printf(")\n");
	if (e->bundle != NULL)
		printf("  sealed %s, %s, %s and %s into %s\n", e->names[0],
		    e->names[1], e->names[2], e->names[3], e->bundle);
	else
		printf("  wrote %s, %s, %s and %s to %s\n", e->names[0],
		    e->names[1], e->names[2], e->names[3], e->out);
	printf("  the configuration expects its files in %s and its pidfile "
	    "in %s\n", e->nodedir, e->rundir);
	if (e->kek_new)
		printf("  peer %02x has a new KEK: run 'cathedralctl --db %s "
		    "ambry generate --flock %llx' so the node gets its "
		    "secrets\n", e->p.peer, ctl->db_path,
		    (unsigned long long)e->p.flock);
}

/*
 * The file names and the configuration, from the material a token would
 * seal for the profile, as hymn enroll writes them from a token.
 */
static int
enroll_conf(struct enroll *e)
{
	struct enroll_material	m;

	ctl_profile_material(&e->p, e->kek, &m);
	node_conf_names(&m, e->csid, e->names[3], e->names[0], e->names[1],
	    e->names[2], sizeof(e->names[0]));
	e->conflen = node_conf(&m, e->p.name, e->csid, e->nodedir, e->rundir,
	    e->user, e->conf, sizeof(e->conf));
	sanctum_wipe(&m, sizeof(m));
	return (e->conflen);
}

/* Make the keys and the configuration, write them, then the database. */
static int
enroll_make(struct ctl *ctl, struct enroll *e)
{
	if (enroll_csid(ctl, e) != 0 || enroll_kek(ctl, e) != 0)
		return (1);
	sanctum_random_bytes(e->cs, sizeof(e->cs));
	if (sanctum_ed25519_keypair(e->pub, e->cosk) == -1)
		return (ctl_error(ctl, "cannot make a COSK key pair"));
	if (enroll_conf(e) == -1)
		return (ctl_error(ctl, "the configuration does not fit"));
	if ((e->bundle != NULL ? enroll_write_bundle(ctl, e) :
	    enroll_write_dir(ctl, e)) != 0 || enroll_store(ctl, e) != 0) {
		enroll_undo(e);
		return (1);
	}
	enroll_summary(ctl, e);
	return (0);
}

/* enroll ... */
int
ctl_enroll(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt	 opts[] = {
		{ "--flock", 0, NULL, 0 }, { "--peer-id", 0, NULL, 0 },
		{ "--name", 0, NULL, 0 }, { "--bandwidth", 0, NULL, 0 },
		{ "--cathedral", 0, NULL, 0 }, { "--natport", 0, NULL, 0 },
		{ "--mode", 0, NULL, 0 }, { "--prefix", 0, NULL, 0 },
		{ "--group", 0, NULL, 0 }, { "--to", 0, NULL, 0 },
		{ "--address", 0, NULL, 0 }, { "--out", 0, NULL, 0 },
		{ "--bundle", 0, NULL, 0 }, { "--passphrase-file", 0, NULL, 0 },
		{ "--node-dir", 0, NULL, 0 }, { "--run-dir", 0, NULL, 0 },
		{ "--user", 0, NULL, 0 }, { NULL, 0, NULL, 0 }
	};
	struct enroll	*e;
	const char	*v;
	int		 ret = 1;

	if (ctl_options(ctl, argc, argv, 1, opts, ENROLL_USAGE) != 0)
		return (1);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return (ctl_error(ctl, "out of memory"));
	e->rundir = (v = ctl_opt(opts, "--run-dir")) != NULL ? v :
	    ENROLL_RUNDIR;
	e->user = (v = ctl_opt(opts, "--user")) != NULL ? v : ENROLL_USER;
	if ((v = ctl_opt(opts, "--node-dir")) != NULL)
		snprintf(e->nodedir, sizeof(e->nodedir), "%s", v);
	if (ctl_profile_parse(ctl, opts, &e->p) != 0 ||
	    enroll_user_ok(ctl, e->user) != 0 ||
	    enroll_path_ok(ctl, "run directory", e->rundir) != 0 ||
	    (e->nodedir[0] != '\0' && enroll_path_ok(ctl, "node directory",
	    e->nodedir) != 0))
		goto out;
	if (e->p.host[0] == '\0') {
		ctl_error(ctl, "enroll: --cathedral HOST:PORT is required");
		goto out;
	}
	if (enroll_output(ctl, e, opts) != 0 ||
	    ctl_profile_check(ctl, &e->p) != 0)
		goto out;
	if (e->bundle != NULL && e->nodedir[0] == '\0')
		snprintf(e->nodedir, sizeof(e->nodedir), "%s", ENROLL_NODEDIR);
	if (e->out != NULL && (enroll_dir(ctl, e) != 0 ||
	    enroll_path_ok(ctl, "node directory", e->nodedir) != 0)) {
		if (e->made_dir)
			(void)rmdir(e->out);
		goto out;
	}
	ret = enroll_make(ctl, e);
out:
	sanctum_wipe(e, sizeof(*e));
	free(e);
	return (ret);
}
