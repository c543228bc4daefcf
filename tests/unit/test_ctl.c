/*
 * The cathedralctl subcommands end to end on a scratch database: flocks,
 * federation and xflock rules; enroll in both modes (files, sizes, modes,
 * a configuration the real daemon accepts with -n, database rows, audit)
 * and sealed into a bundle; token create (verifiers and sealed material
 * in the database, redeemable once); ambry generate, revoke and kek renew
 * checked by unwrapping the served bundle with the nodes' KEKs; node set,
 * backup and audit. Throughout, the database, its -wal and -shm must hold
 * no KEK and no token in raw, hex or base64 form. As root: the database
 * stays its owner's, the keyring root's.
 *
 *   test_ctl PATH-OF-SANCTUM
 */

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cathedralctl.h"
#include "check.h"
#include "enroll_bundle.h"
#include "enroll_token.h"
#include "keyfile.h"
#include "sanctum_crypto.h"
#include "wire.h"

#define FA	0xcafeba00ULL
#define FB	0xdeadbeefcafeba00ULL
#define ARGS_MAX	48
#define SECRETS_MAX	16

static const char	*sanctum;
static char		 dbpath[128];
static char		 out[16384];	/* what the last command printed */

/* Secrets the database must never hold, collected as they appear. */
static struct {
	uint8_t		bytes[64];
	size_t		len;
	char		what[32];
}			 secrets[SECRETS_MAX];
static size_t		 nsecrets;

/* Remember a secret to look for in the database files. */
static void
secret(const char *what, const void *p, size_t len)
{
	if (nsecrets == SECRETS_MAX || len > sizeof(secrets[0].bytes))
		abort();
	memcpy(secrets[nsecrets].bytes, p, len);
	secrets[nsecrets].len = len;
	snprintf(secrets[nsecrets].what, sizeof(secrets[0].what), "%s", what);
	nsecrets++;
}

/* The subcommands by name. */
static const struct {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
} cmds[] = {
	{ "init", ctl_init }, { "flock", ctl_flock }, { "node", ctl_node },
	{ "federation", ctl_federation }, { "xflock", ctl_xflock },
	{ "enroll", ctl_enroll }, { "token", ctl_token },
	{ "revoke", ctl_revoke }, { "kek", ctl_kek }, { "ambry", ctl_ambry },
	{ "audit", ctl_audit }, { "backup", ctl_backup },
};

/*
 * Run one cathedralctl command (words up to NULL), capturing stdout and
 * stderr in out; returns its exit status.
 */
static int
ctl(const char *first, ...)
{
	struct ctl	 c;
	va_list		 ap;
	const char	*a;
	char		*argv[ARGS_MAX + 1];
	FILE		*fp;
	size_t		 n, i;
	int		 argc = 0, saved_out, saved_err, fd, rc = 127;

	argv[argc++] = strdup(first);
	va_start(ap, first);
	while (argc < ARGS_MAX && (a = va_arg(ap, const char *)) != NULL)
		argv[argc++] = strdup(a);
	va_end(ap);
	argv[argc] = NULL;
	memset(&c, 0, sizeof(c));
	c.progname = "cathedralctl";
	c.db_path = dbpath;
	snprintf(c.actor, sizeof(c.actor), "test");
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	fd = open(scratch_at("out.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(cmds[i].name, argv[0]) == 0)
			rc = cmds[i].fn(&c, argc, argv);
	}
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	out[0] = '\0';
	if ((fp = fopen(scratch_at("out.txt"), "r")) != NULL) {
		n = fread(out, 1, sizeof(out) - 1, fp);
		out[n] = '\0';
		fclose(fp);
	}
	for (i = 0; i < (size_t)argc; i++)
		free(argv[i]);
	return (rc);
}

/* Run sanctum -n -c conf; 0 when it accepts the configuration. */
static int
daemon_accepts(const char *conf)
{
	pid_t	pid;
	int	status, fd;

	if ((pid = fork()) == 0) {
		fd = open(scratch_at("sanctum.txt"), O_WRONLY | O_CREAT | O_TRUNC,
		    0600);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(sanctum, "sanctum", "-n", "-c", conf, (char *)NULL);
		_exit(127);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid)
		return (-1);
	return (WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* A file's size and mode bits, -1 when it does not exist. */
static long long
size_of(const char *path, int *mode)
{
	struct stat	st;

	if (lstat(path, &st) == -1)
		return (-1);
	*mode = (int)(st.st_mode & 07777);
	return ((long long)st.st_size);
}

/* A whole file; malloc'd. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	uint8_t	*buf = NULL;
	FILE	*fp;
	long	 n;

	*len = 0;
	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) !=
	    NULL && fread(buf, 1, (size_t)n, fp) == (size_t)n) {
		buf[n] = '\0';
		*len = (size_t)n;
	}
	fclose(fp);
	return (buf);
}

/* A 32-byte key file. */
static void
read_key(const char *path, uint8_t *key, size_t len)
{
	char	err[512];

	if (keyfile_read(path, key, len, KEYFILE_CHECK_MODE, err,
	    sizeof(err)) == -1) {
		CHECK(0, "%s", err);
		memset(key, 0, len);
	}
}

/* The newest served bundle of a flock, copied (NULL when none). */
struct served {
	uint64_t	flock;
	uint8_t		*buf;
	size_t		len;
	uint32_t	gen;
};

/* Copy the flock's own bundle out of the callback. */
static int
served_cb(void *arg, const struct db_bundle *b)
{
	struct served	*s = arg;

	if (b->flock_a != s->flock || b->flock_b != s->flock)
		return (0);
	free(s->buf);
	if ((s->buf = malloc(b->len)) == NULL)
		abort();
	memcpy(s->buf, b->content, b->len);
	s->len = b->len;
	s->gen = b->generation;
	return (0);
}

/* The bundle the cathedral would serve the flock now. */
static void
served(struct served *s, uint64_t flock)
{
	struct db	*db;
	char		 err[512];

	memset(s, 0, sizeof(*s));
	s->flock = flock;
	if ((db = db_open(dbpath, DB_OPEN_RO, err, sizeof(err))) == NULL ||
	    db_bundles_current(db, (int64_t)time(NULL), served_cb, s) == -1)
		CHECK(0, "bundles: %s", db ? db_error(db) : err);
	if (db != NULL)
		db_close(db);
}

/* Does the entry of tunnel t (held by t >> 8) unwrap with kek? */
static int
unwraps(const struct served *s, uint16_t t, const uint8_t kek[32])
{
	struct ambry_header	h;
	struct ambry_entry	e;
	uint8_t			ss[32];
	size_t			off;

	if (s->buf == NULL || ambry_header_parse(s->buf, s->len, &h) !=
	    SANCTUM_OK)
		return (-1);
	for (off = AMBRY_HDR_LEN; off + AMBRY_ENTRY_LEN <= s->len;
	    off += AMBRY_ENTRY_LEN) {
		if (ambry_entry_parse(s->buf + off, AMBRY_ENTRY_LEN, &e) !=
		    SANCTUM_OK || e.flock != s->flock || e.tunnel != t)
			continue;
		return (ambry_unwrap(ss, kek, s->flock, s->flock, t,
		    h.expires, h.generation, h.seed, e.key, e.tag,
		    (uint64_t)time(NULL)) == SANCTUM_OK);
	}
	return (-1);
}

/* The KEK of a peer id in the keyring (zeros when none); 1 if present. */
static int
keyring_kek(uint64_t flock, uint8_t peer, uint8_t kek[32])
{
	struct keyring	 kr;
	const uint8_t	*k;
	char		 err[512], path[256];
	int		 missing, found = 0;

	memset(kek, 0, 32);
	snprintf(path, sizeof(path), "%s.keyring", dbpath);
	if (keyring_load(&kr, path, &missing, err, sizeof(err)) == -1) {
		CHECK(0, "keyring: %s", err);
		return (0);
	}
	if ((k = keyring_get(&kr, flock, peer)) != NULL) {
		memcpy(kek, k, 32);
		found = 1;
	}
	keyring_free(&kr);
	return (found);
}

/* What the database says about one identity. */
struct ident {
	uint64_t	flock;
	uint32_t	csid;
	int		found;
	uint8_t		secret[32];
	uint8_t		pub[32];
	char		name[DB_NAME_MAX + 1];
	int		revoked;
	size_t		nallow;
	struct db_allow	allow[4];
};

/* Copy the identity being looked for. */
static int
ident_cb(void *arg, const struct db_identity *id)
{
	struct ident	*i = arg;

	if (id->flock != i->flock || id->csid != i->csid)
		return (0);
	i->found = 1;
	memcpy(i->secret, id->secret, 32);
	memcpy(i->pub, id->cosk_pub, 32);
	snprintf(i->name, sizeof(i->name), "%s", id->name);
	i->revoked = id->revoked;
	i->nallow = id->nallow < 4 ? id->nallow : 4;
	memcpy(i->allow, id->allow, i->nallow * sizeof(id->allow[0]));
	return (0);
}

/* Read one identity with its allow rules. */
static void
ident(struct ident *i, uint64_t flock, uint32_t csid)
{
	struct db	*db;
	char		 err[512];

	memset(i, 0, sizeof(*i));
	i->flock = flock;
	i->csid = csid;
	if ((db = db_open(dbpath, DB_OPEN_RO, err, sizeof(err))) == NULL ||
	    db_identities(db, ident_cb, i) == -1)
		CHECK(0, "identities: %s", db ? db_error(db) : err);
	if (db != NULL)
		db_close(db);
}

/* How many audit rows have this action. */
struct audit_count {
	const char	*action;
	int		 n;
};

/* Count the rows of one action. */
static int
audit_cb(void *arg, const struct db_audit *a)
{
	struct audit_count	*c = arg;

	if (strcmp(a->action, c->action) == 0)
		c->n++;
	return (0);
}

/* How many audit rows an action has. */
static int
audits(const char *action)
{
	struct audit_count	 c = { action, 0 };
	struct db		*db;
	char			 err[512];

	if ((db = db_open(dbpath, DB_OPEN_RO, err, sizeof(err))) == NULL ||
	    db_audit_list(db, 0, 0, audit_cb, &c) == -1)
		CHECK(0, "audit: %s", db ? db_error(db) : err);
	if (db != NULL)
		db_close(db);
	return (c.n);
}

/* The CS id in "enrolled FLOCK:CSID" of the last output. */
static uint32_t
enrolled_csid(void)
{
	const char	*p = strstr(out, "enrolled ");
	unsigned int	 csid = 0;

	if (p == NULL || (p = strchr(p, ':')) == NULL ||
	    sscanf(p + 1, "%8x", &csid) != 1)
		return (0);
	return (csid);
}

/* flock, federation and xflock: add, list, del, refusals, audit. */
static void
test_admin(void)
{
	CHECK(ctl("init", NULL) == 0, "init: %s", out);
	CHECK(ctl("flock", "add", "cafeba00", "--descr", "office", NULL) == 0 &&
	    strstr(out, "added") != NULL, "flock add: %s", out);
	CHECK(ctl("flock", "add", "cafeba00", NULL) == 0 &&
	    strstr(out, "already present") != NULL, "flock add again: %s",
	    out);
	CHECK(ctl("flock", "add", "0xdeadbeefcafeba00", NULL) == 0,
	    "second flock: %s", out);
	CHECK(ctl("flock", "add", "cafeba01", NULL) == 1 &&
	    strstr(out, "domain byte") != NULL, "domain byte: %s", out);
	CHECK(ctl("flock", "list", NULL) == 0 && strstr(out, "cafeba00") !=
	    NULL && strstr(out, "office") != NULL &&
	    strstr(out, "deadbeefcafeba00") != NULL, "flock list: %s", out);

	CHECK(ctl("federation", "add", "203.0.113.11", "4500", NULL) == 0 &&
	    strstr(out, "added") != NULL, "federation add: %s", out);
	CHECK(ctl("federation", "add", "203.0.113.11", "4500", NULL) == 0 &&
	    strstr(out, "already present") != NULL, "again: %s", out);
	CHECK(ctl("federation", "add", "203.0.113.12", "4501", NULL) == 0,
	    "second peer");
	CHECK(ctl("federation", "list", NULL) == 0 &&
	    strstr(out, "203.0.113.11:4500") != NULL &&
	    strstr(out, "203.0.113.12:4501") != NULL, "list: %s", out);
	CHECK(ctl("federation", "del", "203.0.113.11", "4500", NULL) == 0,
	    "federation del: %s", out);
	CHECK(ctl("federation", "list", NULL) == 0 &&
	    strstr(out, "203.0.113.11") == NULL &&
	    strstr(out, "203.0.113.12:4501") != NULL, "after del: %s", out);
	CHECK(ctl("federation", "del", "203.0.113.11", "4500", NULL) == 1,
	    "del of an absent peer fails");
	CHECK(ctl("federation", "add", "203.0.113.300", "4500", NULL) == 1 &&
	    ctl("federation", "add", "203.0.113.1", "0", NULL) == 1,
	    "bad address and port refused");

	CHECK(ctl("xflock", "add", "cafeba00", "deadbeefcafeba00", NULL) == 0 &&
	    strstr(out, "added") != NULL, "xflock add: %s", out);
	CHECK(ctl("xflock", "add", "deadbeefcafeba00", "cafeba00", NULL) == 0 &&
	    strstr(out, "already present") != NULL, "either order: %s", out);
	CHECK(ctl("xflock", "list", NULL) == 0 && strstr(out, "cafeba00    "
	    "      deadbeefcafeba00") != NULL, "xflock list: %s", out);
	CHECK(ctl("xflock", "del", "cafeba00", "deadbeefcafeba00", NULL) == 0,
	    "xflock del: %s", out);
	CHECK(ctl("xflock", "list", NULL) == 0 &&
	    strstr(out, "deadbeefcafeba00") == NULL, "after del: %s", out);
	CHECK(ctl("xflock", "del", "cafeba00", "deadbeefcafeba00", NULL) == 1 &&
	    ctl("xflock", "add", "cafeba00", "cafeba00", NULL) == 1,
	    "absent rule and a flock with itself refused");
	CHECK(ctl("xflock", "add", "cafeba00", "deadbeefcafeba00", NULL) == 0,
	    "xflock again for later");
	CHECK(audits("flock.add") == 2 && audits("federation.add") == 2 &&
	    audits("federation.del") == 1 && audits("xflock.add") == 2 &&
	    audits("xflock.del") == 1, "audited");
}

/* The node files enroll wrote to d for (flock, csid, peer). */
static void
check_files(const char *d, uint32_t csid, uint8_t peer, const char *conf,
    uint8_t kek[32])
{
	struct ident	 i;
	uint8_t		 cs[32], cosk[64], pk[32], sk[64], ring[32];
	char		 path[256];
	int		 mode = 0;

	snprintf(path, sizeof(path), "%s/id-%x", d, csid);
	CHECK(size_of(path, &mode) == 32 && mode == 0600, "%s: 32 bytes 0600 "
	    "(%o)", path, mode);
	read_key(path, cs, sizeof(cs));
	snprintf(path, sizeof(path), "%s/cosk-%x", d, csid);
	CHECK(size_of(path, &mode) == 64 && mode == 0600, "%s: 64 bytes 0600",
	    path);
	read_key(path, cosk, sizeof(cosk));
	snprintf(path, sizeof(path), "%s/kek-cafeba00-%02x", d, peer);
	CHECK(size_of(path, &mode) == 32 && mode == 0600, "%s: 32 bytes 0600",
	    path);
	read_key(path, kek, 32);
	snprintf(path, sizeof(path), "%s/%s", d, conf);
	CHECK(size_of(path, &mode) > 0 && mode == 0600, "%s: 0600", path);
	CHECK(sanctum_ed25519_seed_keypair(pk, sk, cosk) == 0 &&
	    memcmp(sk, cosk, 64) == 0, "COSK is seed || public key");
	ident(&i, FA, csid);
	CHECK(i.found && memcmp(i.secret, cs, 32) == 0 &&
	    memcmp(i.pub, pk, 32) == 0 && i.nallow == 1 &&
	    i.allow[0].peer == peer && !i.revoked, "database row of %08x",
	    csid);
	CHECK(keyring_kek(FA, peer, ring) && memcmp(ring, kek, 32) == 0,
	    "the keyring holds the node's KEK");
	secret("kek", kek, 32);
	sanctum_wipe(sk, sizeof(sk));
}

/* The configuration file's text. */
static char *
conf_text(const char *path)
{
	static char	 buf[8192];
	uint8_t		*p;
	size_t		 len;

	buf[0] = '\0';
	if ((p = slurp(path, &len)) != NULL) {
		snprintf(buf, sizeof(buf), "%s", (char *)p);
		free(p);
	}
	return (buf);
}

static uint32_t	alpha_csid, beta_csid;

/* enroll in both modes: files, rows and configurations sanctum accepts. */
static void
test_enroll(void)
{
	struct ident	 i;
	uint8_t		 kek[32];
	char		 conf[256], *text, *k, *s;

	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "ca", "--name",
	    "alpha", "--cathedral", "127.0.0.1:4500", "--prefix", "10.15.0.0",
	    "--group", "0xdead", "--natport", "4501", "--out", scratch_at("alpha"),
	    "--run-dir", scratch_at("run"), NULL) == 0, "enroll liturgy: %s", out);
	alpha_csid = enrolled_csid();
	CHECK(alpha_csid != 0 && strstr(out, "new KEK") != NULL, "csid %08x",
	    alpha_csid);
	check_files(scratch_at("alpha"), alpha_csid, 0xca, "cafeba00-ca-00.conf", kek);
	snprintf(conf, sizeof(conf), "%s", scratch_at("alpha/cafeba00-ca-00.conf"));
	text = conf_text(conf);
	CHECK(strncmp(text, "# auto generated, do not edit\nmode liturgy\n"
	    "spi 0xca\ninstance cafeba00-liturgy\n", 73) == 0 &&
	    strstr(text, "liturgy_prefix 10.15.0.0\nliturgy_group 0xdead\n"
	    "liturgy_discoverable yes\nkek ") != NULL &&
	    strstr(text, "cathedral_nat_port 4501\ncathedral 127.0.0.1:4500\n")
	    != NULL && strstr(text, "run liturgy as nobody\n") != NULL,
	    "liturgy configuration:\n%s", text);
	CHECK(daemon_accepts(conf) == 0, "sanctum -n accepts %s: %s", conf,
	    conf_text(scratch_at("sanctum.txt")));
	CHECK(strstr(conf_text(scratch_at("sanctum.txt")), "mode liturgy") != NULL,
	    "sanctum -n: liturgy");
	ident(&i, FA, alpha_csid);
	CHECK(strcmp(i.name, "alpha") == 0 && i.allow[0].mbit == 0, "name");

	CHECK(ctl("enroll", "--mode", "tunnel", "--flock", "cafeba00",
	    "--peer-id", "cb", "--to", "ca", "--name", "beta", "--bandwidth",
	    "25", "--cathedral", "127.0.0.1:4500", "--out", scratch_at("beta"),
	    "--run-dir", scratch_at("run"), "--user", "root", NULL) == 0,
	    "enroll tunnel: %s", out);
	beta_csid = enrolled_csid();
	check_files(scratch_at("beta"), beta_csid, 0xcb, "cafeba00-cb-ca.conf", kek);
	snprintf(conf, sizeof(conf), "%s", scratch_at("beta/cafeba00-cb-ca.conf"));
	text = conf_text(conf);
	k = strstr(text, "\nkek ");
	s = strstr(text, "\nsecret ");
	CHECK(strncmp(text, "# auto generated, do not edit\nspi cbca\n", 39) ==
	    0 && k != NULL && s != NULL && k < s &&
	    strstr(text, "tunnel 10.0.203.202/32 auto\n") != NULL &&
	    strstr(text, "route 10.0.202.203/32\naccept 10.0.202.203/32\n") !=
	    NULL && strstr(text, "control ") != NULL &&
	    strstr(text, "cathedral_flock_dst") == NULL,
	    "tunnel configuration (kek before secret):\n%s", text);
	CHECK(daemon_accepts(conf) == 0, "sanctum -n accepts %s: %s", conf,
	    conf_text(scratch_at("sanctum.txt")));
	ident(&i, FA, beta_csid);
	CHECK(i.allow[0].mbit == 25, "bandwidth 25");
	CHECK(audits("identity.add") == 2 && audits("node.enroll") == 2,
	    "enrolls audited");

	CHECK(ctl("enroll", "--mode", "tunnel", "--flock", "cafeba00",
	    "--peer-id", "05", "--to", "06", "--name", "epsilon", "--address",
	    "192.168.50.1/30", "--cathedral", "127.0.0.1:4500", "--out",
	    scratch_at("eps"), "--run-dir", scratch_at("run"), NULL) == 0, "with --address: %s",
	    out);
	text = conf_text(scratch_at("eps/cafeba00-05-06.conf"));
	CHECK(strstr(text, "tunnel 192.168.50.1/30 auto\n") != NULL &&
	    strstr(text, "route ") == NULL, "explicit address: %s", text);
	CHECK(daemon_accepts(scratch_at("eps/cafeba00-05-06.conf")) == 0,
	    "sanctum -n accepts it: %s", conf_text(scratch_at("sanctum.txt")));
}

/* enroll refuses, and then writes nothing. */
static void
test_enroll_refusals(void)
{
	int	before = audits("identity.add");

	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "10", "--name",
	    "alpha", "--cathedral", "h:1", "--prefix", "10.1.0.0", "--out",
	    scratch_at("x1"), NULL) == 1 && strstr(out, "exists already") != NULL &&
	    access(scratch_at("x1"), F_OK) == -1, "a used name: %s", out);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "ca", "--name",
	    "other", "--cathedral", "h:1", "--prefix", "10.1.0.0", "--out",
	    scratch_at("x1"), NULL) == 1 && strstr(out, "revoke it first") != NULL,
	    "an active peer id: %s", out);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "ff", "--name",
	    "other", "--cathedral", "h:1", "--prefix", "10.1.0.0", "--out",
	    scratch_at("x1"), NULL) == 1, "liturgy peer ff");
	CHECK(ctl("enroll", "--mode", "tunnel", "--flock", "cafeba00",
	    "--peer-id", "11", "--name", "other", "--cathedral", "h:1",
	    "--out", scratch_at("x1"), NULL) == 1 && strstr(out, "--to") != NULL,
	    "tunnel without --to: %s", out);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "11", "--name",
	    "other", "--prefix", "10.1.0.0", "--out", scratch_at("x1"), NULL) == 1 &&
	    strstr(out, "--cathedral") != NULL, "no cathedral: %s", out);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "11", "--name",
	    "other", "--cathedral", "h:1", "--prefix", "10.1.2.0", "--out",
	    scratch_at("x1"), NULL) == 1, "prefix with low bits");
	CHECK(ctl("enroll", "--flock", "1200", "--peer-id", "11", "--name",
	    "other", "--cathedral", "h:1", "--prefix", "10.1.0.0", "--out",
	    scratch_at("x1"), NULL) == 1 && strstr(out, "does not exist") != NULL,
	    "unknown flock: %s", out);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "11", "--name",
	    "other", "--cathedral", "h:1", "--prefix", "10.1.0.0", "--out",
	    scratch_at("alpha"), NULL) == 1 && strstr(out, "not empty") != NULL,
	    "a non-empty directory: %s", out);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "11", "--name",
	    "other", "--cathedral", "h:1", "--prefix", "10.1.0.0", NULL) == 1,
	    "no output");
	CHECK(audits("identity.add") == before, "nothing enrolled");
}

/* enroll --bundle: the sealed file opens to a node that starts. */
static void
test_bundle(void)
{
	struct enroll_bundle	 b;
	struct ident		 i;
	char			 err[512], path[400], conf[256];
	uint32_t		 csid;
	size_t			 k;
	int			 mode = 0, fd;

	fd = open(scratch_at("pass"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd == -1 || write(fd, "a long passphrase\n", 18) != 18)
		abort();
	close(fd);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "0x20",
	    "--name", "gamma", "--cathedral", "127.0.0.1:4500", "--prefix",
	    "10.20.0.0", "--bundle", scratch_at("gamma.bundle"), "--passphrase-file",
	    scratch_at("pass"), "--node-dir", scratch_at("gamma"), "--run-dir", scratch_at("run"),
	    NULL) == 0, "enroll --bundle: %s", out);
	csid = enrolled_csid();
	CHECK(size_of(scratch_at("gamma.bundle"), &mode) > 0 && mode == 0600,
	    "bundle 0600");
	CHECK(access(scratch_at("gamma"), F_OK) == -1, "no directory written");
	CHECK(enroll_bundle_read(&b, scratch_at("gamma.bundle"), "a long passphrase",
	    17, err, sizeof(err)) == 0, "open the bundle: %s", err);
	CHECK(b.nfiles == 4 && strcmp(b.dir, scratch_at("gamma")) == 0, "4 files for "
	    "%s", b.dir);
	mkdir(scratch_at("gamma"), 0700);
	for (k = 0; k < b.nfiles; k++) {
		snprintf(path, sizeof(path), "%s/%s", b.dir, b.files[k].name);
		CHECK(keyfile_write(path, b.files[k].data, b.files[k].len,
		    b.files[k].mode, err, sizeof(err)) == 0, "unpack %s",
		    path);
	}
	ident(&i, FA, csid);
	snprintf(path, sizeof(path), "id-%x", csid);
	CHECK(i.found && b.files[0].len == 32 &&
	    strcmp(b.files[0].name, path) == 0 &&
	    memcmp(b.files[0].data, i.secret, 32) == 0,
	    "the bundle's cathedral secret is the database's");
	CHECK(b.files[2].len == 32, "the KEK");
	if (b.files[2].len == 32)
		secret("bundle kek", b.files[2].data, 32);
	snprintf(conf, sizeof(conf), "%s/cafeba00-20-00.conf", scratch_at("gamma"));
	CHECK(daemon_accepts(conf) == 0, "the unpacked configuration starts: "
	    "%s", conf_text(scratch_at("sanctum.txt")));
	enroll_bundle_free(&b);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "21", "--name",
	    "delta", "--cathedral", "h:1", "--prefix", "10.20.0.0", "--bundle",
	    scratch_at("gamma.bundle"), "--passphrase-file", scratch_at("pass"), NULL) == 1 &&
	    strstr(out, "exists already") != NULL, "an existing bundle: %s",
	    out);
}

/* token create: verifiers and sealed material, redeemable once. */
static void
test_token(void)
{
	struct enroll_material	 m;
	struct db_token		 tok;
	struct db		*db;
	uint8_t			 raw[ENROLL_TOKEN_LEN], lookup[16], ver[32];
	uint8_t			 sealed[DB_TOKEN_SEALED_MAX], kek[32];
	char			 text[ENROLL_TOKEN_TEXT_MAX], err[512];
	size_t			 len;

	CHECK(ctl("token", "create", "--flock", "cafeba00", "--peer-id", "30",
	    "--name", "theta", "--ttl", "2h", "--mode", "tunnel", "--to", "ca",
	    "--cathedral", "cathedral.example:4500", NULL) == 0,
	    "token create: %s", out);
	CHECK(sscanf(out, "token %63s", text) == 1 &&
	    enroll_token_parse(text, raw) == 0, "a token in: %s", out);
	secret("token", raw, sizeof(raw));
	secret("token text", text, strlen(text));
	CHECK(keyring_kek(FA, 0x30, kek), "the token's peer got a KEK");
	secret("token kek", kek, sizeof(kek));
	enroll_token_lookup(raw, lookup);
	enroll_token_verifier(raw, ver);
	if ((db = db_open(dbpath, DB_OPEN_RW, err, sizeof(err))) == NULL) {
		CHECK(0, "open: %s", err);
		return;
	}
	CHECK(db_token_sealed(db, lookup, sealed, sizeof(sealed), &len) == 0,
	    "sealed material stored: %s", db_error(db));
	CHECK(enroll_material_open(&m, raw, sealed, len) == 0 &&
	    m.mode == ENROLL_MODE_TUNNEL && m.peer == 0x30 && m.to == 0xca &&
	    m.flock == FA && m.port == 4500 &&
	    strcmp(m.host, "cathedral.example") == 0 &&
	    memcmp(m.kek, kek, 32) == 0, "the token opens its material with "
	    "the keyring's KEK");
	CHECK(db_token_redeem(db, "test", lookup, ver, 0x1234, &tok) ==
	    DB_TOKEN_OK && tok.peer == 0x30 &&
	    strcmp(tok.mode, "tunnel") == 0 &&
	    strcmp(tok.name, "theta") == 0 && tok.kek == 1,
	    "redeem once: %s", db_error(db));
	CHECK(db_token_redeem(db, "test", lookup, ver, 0x1234, &tok) ==
	    DB_TOKEN_USED, "not twice");
	db_close(db);
	CHECK(ctl("token", "create", "--flock", "cafeba00", "--peer-id", "31",
	    "--name", "alpha", "--ttl", "1h", "--prefix", "10.1.0.0", NULL) ==
	    1, "a token for a used name is refused");
	CHECK(ctl("token", "create", "--flock", "cafeba00", "--peer-id", "31",
	    "--name", "iota", "--ttl", "2y", "--prefix", "10.1.0.0", NULL) ==
	    1, "a bad duration is refused");
	CHECK(audits("token.create") == 1, "one token audited");
}

/* ambry generate, revoke and kek renew, seen through ambry_unwrap. */
static void
test_ambry(void)
{
	struct served	s, before;
	struct ident	i;
	uint8_t		ka[32], kb[32], kg[32], other[32];

	read_key(scratch_at("alpha/kek-cafeba00-ca"), ka, sizeof(ka));
	read_key(scratch_at("beta/kek-cafeba00-cb"), kb, sizeof(kb));
	read_key(scratch_at("gamma/kek-cafeba00-20"), kg, sizeof(kg));
	memset(other, 0x77, sizeof(other));

	CHECK(ctl("ambry", "generate", "--flock", "deadbeefcafeba00", NULL) ==
	    1 && strstr(out, "no KEK") != NULL, "a flock without KEKs: %s",
	    out);
	CHECK(ctl("ambry", "generate", "--flock", "cafeba00", "--days", "20",
	    NULL) == 0, "ambry generate: %s", out);
	served(&s, FA);
	CHECK(s.buf != NULL && s.len == AMBRY_FLOCK_SIZE, "served");
	CHECK(unwraps(&s, 0xcacb, ka) == 1 && unwraps(&s, 0xcbca, kb) == 1 &&
	    unwraps(&s, 0x20ca, kg) == 1, "the nodes' KEKs unwrap their "
	    "entries");
	CHECK(unwraps(&s, 0xcacb, kb) == 0 && unwraps(&s, 0xcacb, other) == 0,
	    "other KEKs do not");
	CHECK(unwraps(&s, 0x4142, other) == 0, "a KEK-less id's entry is "
	    "random");
	before = s;

	CHECK(ctl("revoke", "beta", NULL) == 0 && strstr(out, "revoked") !=
	    NULL && strstr(out, "KEK of peer cb removed") != NULL,
	    "revoke: %s", out);
	served(&s, FA);
	CHECK(s.buf != NULL && s.gen != before.gen, "a new generation %08x",
	    s.gen);
	CHECK(unwraps(&s, 0xcbca, kb) == 0 && unwraps(&s, 0xcb20, kb) == 0 &&
	    unwraps(&s, 0xcb01, kb) == 0, "the revoked KEK unwraps nothing");
	CHECK(unwraps(&s, 0xcacb, ka) == 1 && unwraps(&s, 0x20ca, kg) == 1,
	    "the others still unwrap");
	CHECK(!keyring_kek(FA, 0xcb, other), "the revoked KEK left the "
	    "keyring");
	ident(&i, FA, beta_csid);
	CHECK(i.revoked, "revoked in the database");
	CHECK(audits("identity.revoke") == 1, "audited");
	CHECK(ctl("revoke", "beta", NULL) == 0 && strstr(out, "already") !=
	    NULL, "revoke again: %s", out);
	free(before.buf);
	free(s.buf);

	CHECK(ctl("kek", "renew", "alpha", "--out", scratch_at("renewed"), NULL) == 0 &&
	    strstr(out, "re-provisioned") != NULL, "kek renew: %s", out);
	read_key(scratch_at("renewed/kek-cafeba00-ca"), other, sizeof(other));
	CHECK(memcmp(other, ka, 32) != 0, "a new KEK");
	secret("renewed kek", other, sizeof(other));
	CHECK(keyring_kek(FA, 0xca, kb) && memcmp(kb, other, 32) == 0,
	    "the keyring holds it");
	CHECK(audits("kek.renew") == 1, "renew audited");
	CHECK(ctl("ambry", "generate", "--flock", "cafeba00", NULL) == 0,
	    "generate after renew: %s", out);
	served(&s, FA);
	CHECK(unwraps(&s, 0xca20, other) == 1 && unwraps(&s, 0xca20, ka) == 0,
	    "the new KEK unwraps, the old one no longer");
	free(s.buf);
	CHECK(ctl("kek", "renew", "beta", NULL) == 1, "no renew for a revoked "
	    "node");
	CHECK(ctl("ambry", "generate", "--flock", "cafeba00", "--xflock",
	    "deadbeefcafeba00", NULL) == 1, "an xflock pair without the other "
	    "flock's KEKs");
}

/* node set --bandwidth by name and by FLOCK:CSID; node list. */
static void
test_node(void)
{
	struct ident	i;
	char		spec[64];

	CHECK(ctl("node", "set", "alpha", "--bandwidth", "100", NULL) == 0 &&
	    strstr(out, "100 Mbit/s") != NULL, "node set: %s", out);
	ident(&i, FA, alpha_csid);
	CHECK(i.allow[0].mbit == 100, "100 Mbit/s in the database");
	snprintf(spec, sizeof(spec), "cafeba00:%x", alpha_csid);
	CHECK(ctl("node", "set", spec, "--bandwidth", "0", "--peer-id", "ca",
	    NULL) == 0, "by FLOCK:CSID: %s", out);
	ident(&i, FA, alpha_csid);
	CHECK(i.allow[0].mbit == 0, "unlimited again");
	CHECK(ctl("node", "set", "alpha", "--bandwidth", "5", "--peer-id",
	    "99", NULL) == 1, "a peer id the node does not hold");
	CHECK(ctl("node", "set", "nobody-here", "--bandwidth", "5", NULL) == 1,
	    "an unknown node");
	CHECK(audits("allow.bandwidth") == 2, "audited");
	CHECK(ctl("node", "list", NULL) == 0 && strstr(out, "alpha") != NULL &&
	    strstr(out, "revoked") != NULL && strstr(out, "ca:unlimited") !=
	    NULL, "node list: %s", out);
}

/* backup makes an intact copy once; audit lists. */
static void
test_backup_audit(void)
{
	struct db	*db;
	char		 err[512];

	CHECK(ctl("backup", scratch_at("backup.db"), NULL) == 0 &&
	    strstr(out, "integrity ok") != NULL, "backup: %s", out);
	db = db_open(scratch_at("backup.db"), DB_OPEN_RW, err, sizeof(err));
	CHECK(db != NULL && db_integrity_check(db) == 0, "the copy: %s", err);
	if (db != NULL)
		db_close(db);
	CHECK(ctl("backup", scratch_at("backup.db"), NULL) == 1, "no overwrite");
	CHECK(ctl("audit", "--limit", "3", NULL) == 0 &&
	    strstr(out, "db.migrate") != NULL && strstr(out, "flock.add") !=
	    NULL, "audit: %s", out);
}

/* Owner uid of a path, -1 when it does not exist. */
static long
owner_of(const char *path)
{
	struct stat	st;

	if (lstat(path, &st) == -1)
		return (-1);
	return ((long)st.st_uid);
}

/* Can uid open the file for reading? */
static int
readable_by(uid_t uid, gid_t gid, const char *path)
{
	pid_t	pid;
	int	status;

	if ((pid = fork()) == 0) {
		if (setgid(gid) == -1 || setuid(uid) == -1)
			_exit(2);
		_exit(open(path, O_RDONLY) == -1 ? 1 : 0);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return (-1);
	return (WEXITSTATUS(status) == 0);
}

/*
 * As root with the database in a directory "nobody" owns: the database,
 * -wal and -shm are nobody's, the keyring and the node's files root's,
 * and nobody (the cathedral's user) cannot read the keyring.
 */
static void
test_root(void)
{
	struct passwd	*pw;
	char		 saved[sizeof(dbpath)], kr[256];
	long		 uid;

	if (geteuid() != 0 || (pw = getpwnam("nobody")) == NULL) {
		printf("ctl: not root or no user nobody, owner checks skipped\n");
		return;
	}
	uid = (long)pw->pw_uid;
	memcpy(saved, dbpath, sizeof(saved));
	chmod(scratch_dir, 0711);
	mkdir(scratch_at("nobody"), 0700);
	if (chown(scratch_at("nobody"), pw->pw_uid, pw->pw_gid) == -1)
		abort();
	snprintf(dbpath, sizeof(dbpath), "%s", scratch_at("nobody/c.db"));
	snprintf(kr, sizeof(kr), "%s.keyring", dbpath);
	CHECK(ctl("init", NULL) == 0 && ctl("flock", "add", "cafeba00",
	    NULL) == 0, "init as root: %s", out);
	CHECK(ctl("enroll", "--flock", "cafeba00", "--peer-id", "ca",
	    "--name", "rooted", "--cathedral", "127.0.0.1:4500", "--prefix",
	    "10.15.0.0", "--out", scratch_at("rootout"), NULL) == 0 &&
	    ctl("ambry", "generate", "--flock", "cafeba00", NULL) == 0,
	    "enroll and generate as root: %s", out);
	CHECK(owner_of(dbpath) == uid && owner_of(scratch_at("nobody/c.db-wal")) !=
	    0 && owner_of(scratch_at("nobody/c.db-shm")) != 0, "database files are "
	    "nobody's");
	CHECK(owner_of(kr) == 0 && readable_by(pw->pw_uid, pw->pw_gid, kr) ==
	    0, "the keyring is root's and nobody cannot read it");
	CHECK(owner_of(scratch_at("rootout/kek-cafeba00-ca")) == 0, "the node's files "
	    "are root's");
	memcpy(dbpath, saved, sizeof(dbpath));
	chmod(scratch_dir, 0700);
}

/* Base64 (standard or URL alphabet) of a buffer, without padding. */
static void
b64(const uint8_t *p, size_t len, int url, char *buf)
{
	const char	*a = url ?
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" :
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint32_t	 v;
	size_t		 i, o = 0;

	for (i = 0; i < len; i += 3) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		buf[o++] = a[v >> 18 & 63];
		buf[o++] = a[v >> 12 & 63];
		if (i + 1 < len)
			buf[o++] = a[v >> 6 & 63];
		if (i + 2 < len)
			buf[o++] = a[v & 63];
	}
	buf[o] = '\0';
}

/* Does a file hold the bytes, their hex (either case) or base64? */
static int
holds(const uint8_t *file, size_t flen, const uint8_t *p, size_t len)
{
	char	enc[4][160];
	size_t	i;

	if (flen == 0)
		return (0);
	if (memmem(file, flen, p, len) != NULL)
		return (1);
	for (i = 0; i < len; i++) {
		snprintf(enc[0] + 2 * i, 3, "%02x", p[i]);
		snprintf(enc[1] + 2 * i, 3, "%02X", p[i]);
	}
	b64(p, len, 0, enc[2]);
	b64(p, len, 1, enc[3]);
	for (i = 0; i < 4; i++) {
		if (memmem(file, flen, enc[i], strlen(enc[i])) != NULL)
			return (1);
	}
	return (0);
}

/* The database, -wal and -shm (kept by the open reader) hold no secret. */
static void
test_no_secrets(void)
{
	static const char *const	 suffix[] = { "", "-wal", "-shm" };
	uint8_t				*file;
	char				 path[256];
	size_t				 i, j, flen, seen = 0;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", dbpath, suffix[i]);
		if ((file = slurp(path, &flen)) == NULL)
			continue;
		seen += flen > 0;
		for (j = 0; j < nsecrets; j++)
			CHECK(!holds(file, flen, secrets[j].bytes,
			    secrets[j].len), "%s holds the %s", path,
			    secrets[j].what);
		free(file);
	}
	CHECK(seen == 3, "database, -wal and -shm all searched (%zu)", seen);
	CHECK(nsecrets >= 6, "%zu secrets searched", nsecrets);
}

/* Every group in order on one database, then the secret search. */
int
main(int argc, char **argv)
{
	struct db	*reader = NULL;
	char		 err[512];

	if (argc != 2)
		return (1);
	sanctum = argv[1];
	if (sanctum_crypto_init() == -1 || scratch_create("ctl") == -1)
		return (1);
	snprintf(dbpath, sizeof(dbpath), "%s/cathedral.db", scratch_dir);
	mkdir(scratch_at("run"), 0700);
	test_admin();
	/* A reader keeps the -wal and -shm in place for the search. */
	if ((reader = db_open(dbpath, DB_OPEN_RO, err, sizeof(err))) == NULL)
		CHECK(0, "reader: %s", err);
	test_enroll();
	test_enroll_refusals();
	test_bundle();
	test_token();
	test_ambry();
	test_node();
	test_backup_audit();
	test_no_secrets();
	if (reader != NULL)
		db_close(reader);
	test_root();
	if (check_failures == 0 && scratch_remove() == -1)
		return (1);
	return (check_report("ctl"));
}
