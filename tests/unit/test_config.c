/*
 * sanctum.conf: every good file under tests/config/good loads and prints
 * as its golden file, and the printed text loads back to the same output;
 * every file under tests/config/bad fails with exactly its .err message.
 * Key files are made at run time in a private directory (git keeps no
 * modes); "@TMP@" in the files stands for it. Plus the line reader's
 * edges and the mode/process tables.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"

#define TMP_TOKEN	"@TMP@"

static char	tmpdir[] = "/tmp/sanctum-config-XXXXXX";

/* The key files the test configurations name, with their modes. */
static const struct {
	const char	*name;
	size_t		 len;
	mode_t		 mode;
} keys[] = {
	{ "secret", 32, 0600 },
	{ "secret-0400", 32, 0400 },
	{ "secret-0500", 32, 0500 },
	{ "kek", 32, 0400 },
	{ "kek-0xca", 32, 0500 },
	{ "id-badf00d", 32, 0500 },
	{ "cs", 32, 0600 },
	{ "cosk", 64, 0600 },
	{ "sync", 32, 0600 },
	{ "world", 32, 0644 },
	{ "group", 32, 0640 },
	{ "short", 31, 0600 },
	{ "cosk-32", 32, 0600 },
};

/* Read a whole file into a NUL-terminated buffer; NULL if it is absent. */
static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 len;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == -1 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1 || (buf = malloc((size_t)len + 1)) ==
	    NULL || fread(buf, 1, (size_t)len, fp) != (size_t)len)
		abort();
	buf[len] = '\0';
	fclose(fp);
	return (buf);
}

/* Write text (len bytes) to a file, replacing it. */
static void
spill(const char *path, const char *text, size_t len)
{
	FILE	*fp;

	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(text, 1, len, fp) != len || fclose(fp) != 0)
		abort();
}

/* text with every @TMP@ replaced by the private directory. */
static char *
subst(const char *text)
{
	size_t	 n = 0, tl = strlen(TMP_TOKEN), dl = strlen(tmpdir);
	const char *p;
	char	*out, *o;

	for (p = text; (p = strstr(p, TMP_TOKEN)) != NULL; p += tl)
		n++;
	if ((out = malloc(strlen(text) + n * dl + 1)) == NULL)
		abort();
	for (o = out, p = text; *p != '\0';) {
		if (strncmp(p, TMP_TOKEN, tl) == 0) {
			memcpy(o, tmpdir, dl);
			o += dl;
			p += tl;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	return (out);
}

/* The printed form of a configuration. */
static char *
printed(const struct sanctum_config *cfg)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	config_print(cfg, fp);
	fclose(fp);
	return (buf);
}

/* Copy tests/config/<kind>/<name> into the private dir, @TMP@ replaced. */
static void
stage(const char *kind, const char *name, char *path, size_t size)
{
	char	src[1024], *raw, *text;

	snprintf(src, sizeof(src), "%s/%s/%s", CONFIG_TEST_DIR, kind, name);
	if ((raw = slurp(src)) == NULL)
		abort();
	text = subst(raw);
	snprintf(path, size, "%s/%s", tmpdir, name);
	spill(path, text, strlen(text));
	free(raw);
	free(text);
}

/* The expected text next to a case (NAME.golden / NAME.err), @TMP@ done. */
static char *
expected(const char *kind, const char *name, const char *ext)
{
	char	path[1024], *raw, *text;
	size_t	len;

	snprintf(path, sizeof(path), "%s/%s/%.*s%s", CONFIG_TEST_DIR, kind,
	    (int)(strlen(name) - 5), name, ext);
	if ((raw = slurp(path)) == NULL)
		return (NULL);
	text = subst(raw);
	free(raw);
	if (strcmp(ext, ".err") == 0 && (len = strlen(text)) > 0 &&
	    text[len - 1] == '\n')
		text[len - 1] = '\0';
	return (text);
}

/* A good file: loads, prints as its golden, and the print loads back. */
static void
good_case(const char *name)
{
	static struct sanctum_config	cfg, again;
	char				path[1024], err[1024];
	char				*golden, *out, *out2;

	stage("good", name, path, sizeof(path));
	if (config_load(&cfg, path, err, sizeof(err)) != 0) {
		CHECK(0, "good %s: %s", name, err);
		return;
	}
	out = printed(&cfg);
	golden = expected("good", name, ".golden");
	CHECK(golden != NULL && strcmp(out, golden) == 0,
	    "good %s: printed\n%s", name, out);

	snprintf(path, sizeof(path), "%s/printed-%s", tmpdir, name);
	spill(path, out, strlen(out));
	if (config_load(&again, path, err, sizeof(err)) != 0) {
		CHECK(0, "good %s: printed form: %s", name, err);
	} else {
		out2 = printed(&again);
		CHECK(strcmp(out, out2) == 0, "good %s: round trip\n%s", name,
		    out2);
		free(out2);
	}
	free(golden);
	free(out);
}

/* A bad file: fails with exactly its message and leaves cfg untouched. */
static void
bad_case(const char *name)
{
	static struct sanctum_config	cfg;
	static unsigned char		pattern[sizeof(cfg)];
	char				path[1024], err[1024], *want;

	stage("bad", name, path, sizeof(path));
	memset(&cfg, 0xa5, sizeof(cfg));
	memset(pattern, 0xa5, sizeof(pattern));
	want = expected("bad", name, ".err");
	CHECK(config_load(&cfg, path, err, sizeof(err)) == -1, "bad %s loads",
	    name);
	CHECK(want != NULL && strcmp(err, want) == 0,
	    "bad %s:\n  got  %s\n  want %s", name, err, want ? want : "-");
	CHECK(memcmp(&cfg, pattern, sizeof(cfg)) == 0, "bad %s: cfg touched",
	    name);
	free(want);
}

/* Only the *.conf entries of a case directory. */
static int
is_conf(const struct dirent *de)
{
	size_t	len = strlen(de->d_name);

	return (len > 5 && strcmp(de->d_name + len - 5, ".conf") == 0);
}

/* Run fn over every case of a kind, in name order; returns the count. */
static int
each_case(const char *kind, void (*fn)(const char *))
{
	struct dirent	**list;
	char		  dir[1024];
	int		  n, i;

	snprintf(dir, sizeof(dir), "%s/%s", CONFIG_TEST_DIR, kind);
	if ((n = scandir(dir, &list, is_conf, alphasort)) == -1)
		abort();
	for (i = 0; i < n; i++) {
		fn(list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return (n);
}

/* Load literal text (for what git would not keep: CR, NUL, huge lines). */
static int
load_text(const char *text, size_t len, struct sanctum_config *cfg,
    char *err, size_t errlen)
{
	char	path[1024];

	snprintf(path, sizeof(path), "%s/literal.conf", tmpdir);
	spill(path, text, len);
	return (config_load(cfg, path, err, errlen));
}

/* Line reader edges: CRLF, a NUL, a line split at 8191 bytes, tiny err. */
static void
reader_edges(void)
{
	static struct sanctum_config	cfg;
	char				text[10000], err[256], small[8], *t;
	char				want[512];
	int				n;

	t = subst("instance crlf\r\nsecret @TMP@/secret\r\n"
	    "tunnel 10.0.0.1/24 1400\r\nrun heaven-rx as root\r\n"
	    "run heaven-tx as root\r\nrun purgatory-rx as root\r\n"
	    "run purgatory-tx as root\r\nrun bless as root\r\n"
	    "run confess as root\r\nrun chapel as root\r\n"
	    "run control as root\r\n");
	CHECK(load_text(t, strlen(t), &cfg, err, sizeof(err)) == 0,
	    "CRLF file: %s", err);
	CHECK(strcmp(cfg.instance, "crlf") == 0 && cfg.tun_mtu == 1400 &&
	    strcmp(cfg.run[SANCTUM_PROC_CONTROL].user, "root") == 0,
	    "CRLF values trimmed");
	free(t);

	CHECK(load_text("instance a\0b\n", 13, &cfg, err, sizeof(err)) == -1,
	    "NUL refused");
	snprintf(want, sizeof(want), "%s/literal.conf:1: line contains a NUL "
	    "byte", tmpdir);
	CHECK(strcmp(err, want) == 0, "NUL message: %s", err);

	/* A 9000-byte comment: what is beyond 8191 bytes is a line itself. */
	text[0] = '#';
	memset(text + 1, 'x', 8999);
	memcpy(text + 9000, "\nfoo bar\n", 10);
	CHECK(load_text(text, strlen(text), &cfg, err, sizeof(err)) == -1,
	    "split line refused");
	n = snprintf(want, sizeof(want), "%s/literal.conf:1: unknown "
	    "directive 'xxx", tmpdir);
	CHECK(strncmp(err, want, (size_t)n) == 0, "split line: %s", err);

	CHECK(load_text("foo bar\n", 8, &cfg, small, sizeof(small)) == -1 &&
	    strlen(small) == sizeof(small) - 1, "short err buffer");
	CHECK(load_text("foo bar\n", 8, &cfg, NULL, 0) == -1, "no err buffer");

	snprintf(want, sizeof(want), "%s/absent.conf", tmpdir);
	CHECK(config_load(&cfg, want, err, sizeof(err)) == -1 &&
	    strstr(err, "absent.conf: No such file or directory") != NULL,
	    "missing file: %s", err);
	CHECK(config_load(&cfg, tmpdir, err, sizeof(err)) == -1 &&
	    strstr(err, ": Is a directory") != NULL, "directory: %s", err);
}

/* Exactly 64 routes load; the 65th is in the bad cases. */
static void
route_limit(void)
{
	static struct sanctum_config	cfg;
	char				text[8192], err[256], *t;
	size_t				len;
	int				i;

	t = subst("instance r\nsecret @TMP@/secret\ntunnel 10.0.0.1/24 1400\n"
	    "run heaven-rx as root\nrun heaven-tx as root\n"
	    "run purgatory-rx as root\nrun purgatory-tx as root\n"
	    "run bless as root\nrun confess as root\nrun chapel as root\n"
	    "run control as root\n");
	len = (size_t)snprintf(text, sizeof(text), "%s", t);
	for (i = 0; i < CONFIG_NETS_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "route 10.%d.0.0/16\naccept 10.%d.0.0/16\n", i, i);
	CHECK(load_text(text, len, &cfg, err, sizeof(err)) == 0 &&
	    cfg.nroutes == CONFIG_NETS_MAX && cfg.naccepts == CONFIG_NETS_MAX,
	    "64 routes: %s", err);
	free(t);
}

/* Process names and numbers (tunnel.md 1.2) and what each mode starts. */
static void
tables(void)
{
	static const char *const names[] = { NULL, "heaven-rx", "heaven-tx",
	    "purgatory-rx", "purgatory-tx", "bless", "confess", "chapel",
	    "control", "pilgrim", "shrine", "cathedral", "liturgy", "bishop" };
	int	t;

	for (t = 1; t <= SANCTUM_PROC_MAX; t++) {
		CHECK(strcmp(config_proc_name(t), names[t]) == 0, "name %d", t);
		CHECK(config_proc_type(names[t]) == t, "type %s", names[t]);
	}
	CHECK(config_proc_name(0) == NULL && config_proc_name(14) == NULL,
	    "name out of range");
	CHECK(config_proc_type("guardian") == -1 &&
	    config_proc_type("Heaven-rx") == -1, "unknown names");
	CHECK(config_mode_procs(SANCTUM_MODE_TUNNEL) == 0x1fe, "tunnel procs");
	CHECK(config_mode_procs(SANCTUM_MODE_PILGRIM) == 0x332,
	    "pilgrim procs");
	CHECK(config_mode_procs(SANCTUM_MODE_SHRINE) == 0x54c, "shrine procs");
	CHECK(config_mode_procs(SANCTUM_MODE_CATHEDRAL) == 0x918,
	    "cathedral procs");
	CHECK(config_mode_procs(SANCTUM_MODE_LITURGY) == 0x3018,
	    "liturgy procs");
	CHECK(config_mode_procs(0) == 0 && config_mode_name(0) == NULL &&
	    strcmp(config_mode_name(SANCTUM_MODE_LITURGY), "liturgy") == 0,
	    "mode names");
}

/* Make the key files, a symlink to one and a directory. */
static void
setup(void)
{
	unsigned char	buf[64];
	char		path[1024], target[1024];
	size_t		i;
	int		fd;

	if (mkdtemp(tmpdir) == NULL)
		abort();
	memset(buf, 0x5a, sizeof(buf));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, keys[i].name);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd == -1 ||
		    write(fd, buf, keys[i].len) != (ssize_t)keys[i].len ||
		    fchmod(fd, keys[i].mode) == -1 || close(fd) == -1)
			abort();
	}
	snprintf(path, sizeof(path), "%s/link", tmpdir);
	snprintf(target, sizeof(target), "%s/secret", tmpdir);
	if (symlink(target, path) == -1)
		abort();
	snprintf(path, sizeof(path), "%s/dir", tmpdir);
	if (mkdir(path, 0700) == -1)
		abort();
}

/* nftw() callback removing one entry. */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

int
main(void)
{
	int	good, bad;

	setup();
	good = each_case("good", good_case);
	bad = each_case("bad", bad_case);
	CHECK(good >= 12, "good cases: %d", good);
	CHECK(bad >= 30, "bad cases: %d", bad);
	reader_edges();
	route_limit();
	tables();
	if (nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS) == -1)
		perror("cleanup");
	printf("config: %d good files, %d bad files\n", good, bad);
	return (check_report("config"));
}
