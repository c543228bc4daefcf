/*
 * cathedralctl init and import against a reference-style cathedral made in
 * a scratch directory: secretdir keys from random bytes, bundles built with
 * fixed test KEKs. Every row is checked; a second import changes nothing;
 * a bad line, a symlinked or loose key, a bad bundle or a conflicting key
 * import nothing and are named FILE:LINE.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cathedralctl.h"
#include "check.h"
#include "wire.h"

#define FA	0xcafeba00ULL
#define FB	0xdeadbeefcafeba00ULL

static char	dbpath[128];
static char	out[8192];	/* what the last command printed */

/* The keys of identity csid in flock f, random, remembered for checks. */
struct key {
	uint64_t	flock;
	uint32_t	csid;
	uint8_t		secret[32];
	uint8_t		pub[32];
};

static struct key	keys[3] = {
	{ FA, 0x0badf00d, { 0 }, { 0 } },
	{ FA, 0x000000fe, { 0 }, { 0 } },
	{ FB, 0x00000001, { 0 }, { 0 } },
};

static void
make_keys(void)
{
	char	path[256];
	size_t	i;

	mkdir(scratch_at("secret"), 0700);
	mkdir(scratch_at("secret/flock-cafeba00"), 0700);
	mkdir(scratch_at("secret/flock-deadbeefcafeba00"), 0700);
	for (i = 0; i < 3; i++) {
		sanctum_random_bytes(keys[i].secret, 32);
		sanctum_random_bytes(keys[i].pub, 32);
		snprintf(path, sizeof(path), "%s/secret/flock-%llx/%08x.key",
		    scratch_dir, (unsigned long long)keys[i].flock, keys[i].csid);
		scratch_put(path, keys[i].secret, 32, i == 0 ? 0400 : 0500);
		snprintf(path, sizeof(path), "%s/secret/flock-%llx/%08x.pub",
		    scratch_dir, (unsigned long long)keys[i].flock, keys[i].csid);
		scratch_put(path, keys[i].pub, 32, 0600);
	}
}

/* Fixed test KEKs: device id and flock byte. */
static int
test_kek(void *arg, uint64_t flock, uint8_t id, uint8_t kek[32])
{
	(void)arg;
	memset(kek, id, 32);
	kek[31] = (uint8_t)(flock >> 8);
	return (0);
}

static void
test_random(void *arg, void *buf, size_t len)
{
	(void)arg;
	sanctum_random_bytes(buf, len);
}

/* Build and write the bundle for (a, b) with a generation. */
static void
make_bundle(const char *name, uint64_t a, uint64_t b, uint32_t gen)
{
	struct ambry_header	 h;
	uint8_t			*buf;
	size_t			 len = ambry_bundle_size(a, b);

	if ((buf = malloc(len)) == NULL)
		abort();
	memset(&h, 0, sizeof(h));
	put_be16(h.expires, ambry_expires_for((uint64_t)time(NULL), 30));
	put_be32(h.generation, gen);
	sanctum_random_bytes(h.seed, sizeof(h.seed));
	if (ambry_bundle_build(buf, len, a, b, &h, test_kek, test_random,
	    NULL) == -1)
		abort();
	scratch_put(scratch_at(name), buf, len, 0500);
	free(buf);
}

/* Write the settings file. */
static void
settings(const char *text)
{
	unlink(scratch_at("settings.conf"));
	scratch_put(scratch_at("settings.conf"), text, strlen(text), 0600);
}

/* Run one cathedralctl command, capturing stdout and stderr in out. */
static int
run(int (*fn)(struct ctl *, int, char **), int argc, char **argv)
{
	struct ctl	ctl;
	FILE		*fp;
	size_t		 n;
	int		 saved_out, saved_err, fd, rc;

	memset(&ctl, 0, sizeof(ctl));
	ctl.progname = "cathedralctl";
	ctl.db_path = dbpath;
	snprintf(ctl.actor, sizeof(ctl.actor), "test");
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	fd = open(scratch_at("out.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 1);
	dup2(fd, 2);
	close(fd);
	rc = fn(&ctl, argc, argv);
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
	return (rc);
}

static int
import(void)
{
	char	a0[] = "import", a1[] = "--settings", a3[] = "--secretdir";
	char	a2[256], a4[256];
	char	*argv[] = { a0, a1, a2, a3, a4, NULL };

	snprintf(a2, sizeof(a2), "%s", scratch_at("settings.conf"));
	snprintf(a4, sizeof(a4), "%s", scratch_at("secret"));
	return (run(ctl_import, 5, argv));
}

static int
init(void)
{
	char	a0[] = "init";
	char	*argv[] = { a0, NULL };

	return (run(ctl_init, 1, argv));
}

/* Everything the database holds, counted and compared with the inputs. */
struct state {
	int		flocks, identities, allow, keys_ok, xflocks, federation;
	int		bundles, audit;
	uint32_t	gens;		/* xor of served generations */
	uint8_t		peer_ca_mbit;
};

static int
s_flock(void *arg, const struct db_flock *f)
{
	(void)f;
	((struct state *)arg)->flocks++;
	return (0);
}

static int
s_identity(void *arg, const struct db_identity *i)
{
	struct state	*s = arg;
	size_t		 k;

	s->identities++;
	s->allow += (int)i->nallow;
	for (k = 0; k < 3; k++) {
		if (keys[k].flock == i->flock && keys[k].csid == i->csid &&
		    memcmp(keys[k].secret, i->secret, 32) == 0 &&
		    memcmp(keys[k].pub, i->cosk_pub, 32) == 0 && !i->revoked)
			s->keys_ok++;
	}
	if (i->csid == 0x000000fe && i->nallow == 1 && i->allow[0].peer == 0xfe)
		s->peer_ca_mbit = (uint8_t)i->allow[0].mbit;
	return (0);
}

static int
s_xflock(void *arg, const struct db_xflock *x)
{
	struct state	*s = arg;

	if (x->flock_a == FA && x->flock_b == FB)
		s->xflocks++;
	return (0);
}

static int
s_federation(void *arg, const struct db_federation *f)
{
	struct state	*s = arg;

	if (f->ip[0] == 203 && (f->port == 4500 || f->port == 4501))
		s->federation++;
	return (0);
}

static int
s_bundle(void *arg, const struct db_bundle *b)
{
	struct state	*s = arg;

	s->bundles++;
	s->gens ^= b->generation;
	return (0);
}

static int
s_audit(void *arg, const struct db_audit *a)
{
	(void)a;
	((struct state *)arg)->audit++;
	return (0);
}

static void
load(struct state *s)
{
	struct db	*db;
	char		 err[512];

	memset(s, 0, sizeof(*s));
	if ((db = db_open(dbpath, DB_OPEN_RO, err, sizeof(err))) == NULL) {
		CHECK(0, "open for checks: %s", err);
		return;
	}
	CHECK(db_flocks(db, s_flock, s) == 0 &&
	    db_identities(db, s_identity, s) == 0 &&
	    db_xflocks(db, s_xflock, s) == 0 &&
	    db_federation(db, s_federation, s) == 0 &&
	    db_bundles_current(db, (int64_t)time(NULL), s_bundle, s) == 0 &&
	    db_audit_list(db, 0, 0, s_audit, s) == 0, "loads: %s",
	    db_error(db));
	CHECK(db_bad_rows(db) == 0, "no bad rows");
	db_close(db);
}

static const char	*good =
    "# reference cathedral\n"
    "federate 203.0.113.11 4500\n"
    "flock cafeba00 {\n"
    "\tallow 0badf00d spi 0xca 0\n"
    "\tallow 0badf00d spi 0xcb 0\n"
    "\tallow 000000fe spi 0xfe 25\n"
    "\tambry %s\n"
    "}\n"
    "flock deadbeefcafeba00 {\n"
    "\tallow 1 spi 1 0\n"
    "}\n"
    "xflock cafeba00 deadbeefcafeba00 %s\n"
    "federate 203.0.113.12 4501\n";

/* The good settings with the bundle paths filled in, plus extra lines. */
static void
good_settings(const char *extra)
{
	char	text[2048];

	snprintf(text, sizeof(text), good, scratch_at("a.bundle"), scratch_at("ab.bundle"));
	strncat(text, extra, sizeof(text) - strlen(text) - 1);
	settings(text);
}

static void
test_import(void)
{
	struct state	s, again;

	CHECK(init() == 0 && strstr(out, "created") != NULL, "init: %s", out);
	CHECK(init() == 0 && strstr(out, "nothing to do") != NULL,
	    "init again: %s", out);
	good_settings("");
	CHECK(import() == 0, "import: %s", out);
	CHECK(strstr(out, "flocks            2 added, 0 already present") !=
	    NULL && strstr(out, "identities        3 added") != NULL &&
	    strstr(out, "allow rules       4 added") != NULL &&
	    strstr(out, "xflocks           1 added") != NULL &&
	    strstr(out, "federation peers  2 added") != NULL &&
	    strstr(out, "bundles           2 added") != NULL, "summary: %s",
	    out);
	load(&s);
	CHECK(s.flocks == 2 && s.identities == 3 && s.allow == 4 &&
	    s.keys_ok == 3 && s.xflocks == 1 && s.federation == 2 &&
	    s.bundles == 2 && s.gens == (0x11111111 ^ 0x22222222) &&
	    s.peer_ca_mbit == 25, "rows: %d flocks, %d identities, %d allow, "
	    "%d keys, %d xflocks, %d federation, %d bundles",
	    s.flocks, s.identities, s.allow, s.keys_ok, s.xflocks,
	    s.federation, s.bundles);

	CHECK(import() == 0, "reimport: %s", out);
	CHECK(strstr(out, "flocks            0 added, 2 already present") !=
	    NULL && strstr(out, "identities        0 added, 3 already") !=
	    NULL && strstr(out, "allow rules       0 added, 4 already") !=
	    NULL && strstr(out, "bundles           0 added, 2 already") !=
	    NULL, "reimport summary: %s", out);
	load(&again);
	CHECK(memcmp(&s, &again, sizeof(s)) == 0, "reimport changed nothing "
	    "(audit %d -> %d)", s.audit, again.audit);
}

/* An import that must fail, name the line, and change nothing. */
static void
refused(const char *what, const char *want)
{
	struct state	before, after;

	load(&before);
	CHECK(import() == 1 && strstr(out, want) != NULL &&
	    strstr(out, "nothing imported") != NULL, "%s: want '%s' in: %s",
	    what, want, out);
	load(&after);
	CHECK(memcmp(&before, &after, sizeof(before)) == 0,
	    "%s: nothing changed", what);
}

static void
test_refusals(void)
{
	char	want[512], key[256], text[2048];

	good_settings("flock 1200 {\nallow 5 spi 5 0\n} \n");
	snprintf(want, sizeof(want), "%s:16: '} ' with trailing blanks",
	    scratch_at("settings.conf"));
	refused("one bad line", want);

	good_settings("flock 1200 {\n\tallow 77 spi 1 0\n}\n");
	snprintf(want, sizeof(want), "%s:15: %s/secret/flock-1200/00000077.key",
	    scratch_at("settings.conf"), scratch_dir);
	refused("missing key file", want);

	snprintf(key, sizeof(key), "%s/secret/flock-cafeba00/000000fe.key",
	    scratch_dir);
	rename(key, scratch_at("real.key"));
	CHECK(symlink(scratch_at("real.key"), key) == 0, "symlink");
	good_settings("");
	snprintf(want, sizeof(want), "%s:6: %s", scratch_at("settings.conf"), key);
	refused("symlinked key", want);
	unlink(key);
	rename(scratch_at("real.key"), key);

	chmod(key, 0644);
	refused("group-readable key", "chmod 600");
	chmod(key, 0400);

	make_bundle("short.bundle", FA, FA, 3);
	if (truncate(scratch_at("short.bundle"), 1000) == -1)
		abort();
	snprintf(text, sizeof(text), good, scratch_at("short.bundle"),
	    scratch_at("ab.bundle"));
	settings(text);
	snprintf(want, sizeof(want), "%s:7: ambry file", scratch_at("settings.conf"));
	refused("short bundle", want);

	snprintf(text, sizeof(text), good, scratch_at("a.bundle"), scratch_at("ab.bundle"));
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
	    "flock deadbeefcafeba00 {\n\tambry %s\n}\n", scratch_at("ab.bundle"));
	settings(text);
	snprintf(want, sizeof(want), "%s:15: ambry file", scratch_at("settings.conf"));
	refused("xflock bundle as a flock bundle", want);

	/* Same files, a key changed behind our back: conflict, all undone. */
	scratch_put(key, "0123456789abcdef0123456789abcdef", 32, 0400);
	snprintf(text, sizeof(text), "flock 1300 {\n}\n");
	snprintf(text + strlen(text), sizeof(text) - strlen(text), good,
	    scratch_at("a.bundle"), scratch_at("ab.bundle"));
	settings(text);
	refused("changed key after a new flock", "different secret");
}

int
main(void)
{
	int	ret;

	if (sanctum_crypto_init() == -1)
		return (1);
	if (scratch_create("sanctum-import") == -1)
		return (1);
	snprintf(dbpath, sizeof(dbpath), "%s/cathedral.db", scratch_dir);
	make_keys();
	make_bundle("a.bundle", FA, FA, 0x11111111);
	make_bundle("ab.bundle", FA, FB, 0x22222222);
	test_import();
	test_refusals();
	ret = check_report("import");
	if (scratch_remove() == -1)
		ret = 1;
	return (ret);
}
