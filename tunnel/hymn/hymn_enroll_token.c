/*
 * hymn enroll --cathedral HOST:PORT --token TOKEN --out DIR
 *     [--node-dir DIR] [--run-dir DIR] [--user USER] [--attempts N]
 *
 * Redeem a one-time token at the cathedral (docs/enrollment.md): a fresh
 * COSK pair is made here, the cathedral creates the identity and answers
 * with it and the operator's sealed material, which only the token opens.
 * Then the node's files go to DIR exactly as cathedralctl enroll --out
 * writes them, configuration included. Everything is checked before the
 * token is spent; secrets are wiped on every way out.
 */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hymn.h"
#include "hymn_enroll.h"
#include "node_conf.h"

#define REDEEM_FILES	4

/* Everything one redemption holds; wiped as a whole. */
struct redeem {
	uint8_t			 token[ENROLL_TOKEN_LEN];
	struct hymn_enroll_ask	 ask;
	uint8_t			 cosk[64];	/* Ed25519 seed || public */
	struct hymn_enroll_reply r;
	struct enroll_material	 m;
	char			 conf[NODE_CONF_MAX];
	char			 names[REDEEM_FILES][NODE_CONF_NAME_MAX];
	char			 host[HYMN_HOST_MAX];
	uint16_t		 port;
	char			 nodedir[PATH_MAX];
	const char		*out;
	const char		*rundir;
	const char		*user;
	int			 attempts;
	int			 made;
};

static struct redeem	x;

/* Wipe everything, remove the directory we made, and give up. */
static void __attribute__((noreturn, format(printf, 1, 2)))
give_up(const char *fmt, ...)
{
	char	msg[HYMN_PATH_MAX + 512];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x.made)
		(void)rmdir(x.out);
	sanctum_wipe(&x, sizeof(x));
	hymn_fatal("%s", msg);
}

/* A directory a configuration line can hold. */
static void
conf_dir(const char *what, const char *dir)
{
	if (!hymn_valid_path(dir) || strlen(dir) > NODE_CONF_PATH_MAX)
		give_up("%s '%s': an absolute path of at most %d characters "
		    "without blanks", what, dir, NODE_CONF_PATH_MAX);
}

/* HOST:PORT of the cathedral to redeem at. */
static void
cathedral(const char *v)
{
	const char	*colon = strrchr(v, ':');
	uint64_t	 port;

	if (!hymn_valid_host(v) || hymn_copy(x.host, sizeof(x.host), v) == -1 ||
	    colon - v > ENROLL_HOST_MAX)
		give_up("cathedral '%s' not in host:port format", v);
	x.host[colon - v] = '\0';
	(void)hymn_parse_dec(colon + 1, UINT16_MAX, &port);
	x.port = (uint16_t)port;
}

/*
 * The options, the token and the output directory: everything that can
 * be wrong is found before the token is spent. The token's text is wiped
 * from argv, so it does not linger in the process listing.
 */
static void
prepare(const struct hymn_opt *opts)
{
	char		*token, *v;
	uint64_t	 n = HYMN_ENROLL_ATTEMPTS;
	char		 err[HYMN_PATH_MAX + 256];
	int		 rc;

	if (hymn_enroll_opt(opts, "--cathedral") == NULL ||
	    (token = hymn_enroll_opt(opts, "--token")) == NULL ||
	    (x.out = hymn_enroll_opt(opts, "--out")) == NULL)
		give_up("--cathedral, --token and --out go together");
	cathedral(hymn_enroll_opt(opts, "--cathedral"));
	rc = enroll_token_parse(token, x.token);
	sanctum_wipe(token, strlen(token));
	if (rc == -1)
		give_up("not a valid token (mistyped?)");
	if ((v = hymn_enroll_opt(opts, "--attempts")) != NULL &&
	    (hymn_parse_dec(v, HYMN_ENROLL_ATTEMPTS, &n) == -1 || n == 0))
		give_up("attempts '%s': 1..%d", v, HYMN_ENROLL_ATTEMPTS);
	x.attempts = (int)n;
	if ((x.user = hymn_enroll_opt(opts, "--user")) == NULL)
		x.user = "nobody";
	if (!hymn_valid_user(x.user))
		give_up("invalid user '%s'", x.user);
	if ((x.rundir = hymn_enroll_opt(opts, "--run-dir")) == NULL)
		x.rundir = hymn_run_dir;
	conf_dir("run directory", x.rundir);
	if ((v = hymn_enroll_opt(opts, "--node-dir")) != NULL) {
		conf_dir("node directory", v);
		(void)hymn_copy(x.nodedir, sizeof(x.nodedir), v);
	}
	if (hymn_enroll_dir(x.out, 1, &x.made, err, sizeof(err)) == -1)
		give_up("%s", err);
	if (x.nodedir[0] == '\0') {
		if (realpath(x.out, x.nodedir) == NULL)
			give_up("%s: %s", x.out, strerror(errno));
		conf_dir("node directory", x.nodedir);
	}
}

/* Redeem the token; the reply must open and agree with its material. */
static void
redeem(void)
{
	char	err[HYMN_HOST_MAX + 256];

	if (enroll_token_lookup(x.token, x.ask.lookup) == -1 ||
	    enroll_token_verifier(x.token, x.ask.verifier) == -1 ||
	    sanctum_ed25519_keypair(x.ask.pub, x.cosk) == -1)
		give_up("cannot derive the token's keys");
	if (hymn_enroll_exchange(x.host, x.port, x.attempts, &x.ask, &x.r,
	    err, sizeof(err)) == -1)
		give_up("%s", err);
	if (enroll_material_open(&x.m, x.token, x.r.sealed,
	    x.r.sealed_len) == -1 || x.m.flock != x.r.flock ||
	    x.m.peer != x.r.peer)
		give_up("the cathedral enrolled %llx:%08x, but its material "
		    "does not open with the token or does not match: revoke "
		    "that node", (unsigned long long)x.r.flock, x.r.csid);
	/* A token without a cathedral: the one it was redeemed at. */
	if (x.m.host[0] == '\0') {
		(void)hymn_copy(x.m.host, sizeof(x.m.host), x.host);
		if (x.m.port == 0)
			x.m.port = x.port;
	}
}

/* The four files of cathedralctl enroll --out, written all or none. */
static void
write_files(void)
{
	struct hymn_file	f[REDEEM_FILES];
	char			err[HYMN_PATH_MAX + 256];
	int			len;

	node_conf_names(&x.m, x.r.csid, x.names[3], x.names[0], x.names[1],
	    x.names[2], sizeof(x.names[0]));
	if ((len = node_conf(&x.m, NULL, x.r.csid, x.nodedir, x.rundir,
	    x.user, x.conf, sizeof(x.conf))) == -1)
		give_up("the configuration does not fit");
	f[0] = (struct hymn_file){ x.names[0], x.r.cs, sizeof(x.r.cs), 0600 };
	f[1] = (struct hymn_file){ x.names[1], x.cosk, sizeof(x.cosk), 0600 };
	f[2] = (struct hymn_file){ x.names[2], x.m.kek, sizeof(x.m.kek), 0600 };
	f[3] = (struct hymn_file){ x.names[3], x.conf, (size_t)len, 0600 };
	if (hymn_enroll_write(x.out, f, REDEEM_FILES, 0, err,
	    sizeof(err)) == -1)
		give_up("%s; the cathedral enrolled %llx:%08x with a key now "
		    "lost: revoke it and make a new token", err,
		    (unsigned long long)x.r.flock, x.r.csid);
}

/* enroll --cathedral ...: redeem, then write what cathedralctl would. */
int
hymn_enroll_token(const struct hymn_opt *opts)
{
	memset(&x, 0, sizeof(x));
	if (sanctum_crypto_init() == -1)
		give_up("failed to initialise libsodium");
	prepare(opts);
	redeem();
	write_files();
	printf("enrolled %llx:%08x (%s, peer %02x", (unsigned long long)
	    x.r.flock, x.r.csid, x.m.mode == ENROLL_MODE_LITURGY ? "liturgy" :
	    "tunnel", x.m.peer);
	if (x.m.mode != ENROLL_MODE_LITURGY)
		printf(" to %02x", x.m.to);
	printf(")\n  wrote %s, %s, %s and %s to %s\n", x.names[0], x.names[1],
	    x.names[2], x.names[3], x.out);
	printf("  the configuration expects its files in %s and its pidfile "
	    "in %s\n", x.nodedir, x.rundir);
	sanctum_wipe(&x, sizeof(x));
	return (0);
}
