/*
 * cathedralctl token create --flock F --peer-id N --name NAME --ttl TIME
 *     [--bandwidth MBIT] [--cathedral HOST:PORT] [--natport PORT]
 *     [--mode liturgy --prefix NET [--group G] | --mode tunnel --to N ...]
 *
 * A one-time enrollment token (docs/enrollment.md), printed once and
 * never stored: the database gets its lookup handle and verifier, and the
 * node's material (its KEK from the keyring and how it runs) sealed under
 * the token's wrap key, which the cathedral hands over without being able
 * to read it.
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cathedralctl.h"
#include "enroll_token.h"
#include "sanctum_crypto.h"

#define TOKEN_USAGE	"token create --flock F --peer-id N --name NAME " \
			"--ttl DURATION [--cathedral HOST:PORT] [--mode " \
			"liturgy --prefix NET [--group G] | --mode tunnel " \
			"--to N [--address A/P]]"

/* The KEK of the peer id (made unless it has one) and the sealed blob. */
static int
token_seal(struct ctl *ctl, const struct ctl_profile *p,
    const uint8_t token[ENROLL_TOKEN_LEN], uint8_t *sealed, size_t *slen,
    int *kek_new)
{
	struct ctl_keyring	 k;
	struct enroll_material	 m;
	const uint8_t		*kek;
	int			 ret = 1;

	if (ctl_keyring_open(ctl, &k) == -1)
		return (1);
	if (ctl_keyring_ensure(ctl, &k, p->flock, p->peer, kek_new) == 0 &&
	    (!*kek_new || ctl_keyring_save(ctl, &k) == 0) &&
	    (kek = keyring_get(&k.kr, p->flock, p->peer)) != NULL) {
		ctl_profile_material(p, kek, &m);
		if (enroll_material_seal(&m, token, sealed, ENROLL_SEALED_MAX,
		    slen) == 0)
			ret = 0;
		else
			ctl_error(ctl, "cannot seal the enrollment material");
		sanctum_wipe(&m, sizeof(m));
	}
	ctl_keyring_close(&k);
	return (ret);
}

/* Store the token's verifiers and sealed material. */
static int
token_store(struct ctl *ctl, const struct ctl_profile *p,
    const uint8_t token[ENROLL_TOKEN_LEN], const uint8_t *sealed,
    size_t slen, int64_t expires)
{
	struct db_token_new	 t;
	struct db		*db;
	int			 ret = 1;

	memset(&t, 0, sizeof(t));
	if (enroll_token_lookup(token, t.lookup) == -1 ||
	    enroll_token_verifier(token, t.verifier) == -1)
		return (ctl_error(ctl, "token derivation failed"));
	t.flock = p->flock;
	t.peer = p->peer;
	t.name = p->name;
	t.mode = p->liturgy ? "liturgy" : "tunnel";
	t.kek = 1;
	t.mbit = p->mbit;
	t.expires = expires;
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) == NULL)
		return (1);
	if (db_token_create_sealed(db, ctl->actor, &t, sealed, slen) == 0)
		ret = 0;
	else
		ctl_error(ctl, "%s", db_error(db));
	ctl_db_close(ctl, db);
	sanctum_wipe(&t, sizeof(t));
	return (ret);
}

/* token create ... */
static int
token_create(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt		 opts[] = {
		{ "--flock", 0, NULL, 0 }, { "--peer-id", 0, NULL, 0 },
		{ "--name", 0, NULL, 0 }, { "--bandwidth", 0, NULL, 0 },
		{ "--cathedral", 0, NULL, 0 }, { "--natport", 0, NULL, 0 },
		{ "--mode", 0, NULL, 0 }, { "--prefix", 0, NULL, 0 },
		{ "--group", 0, NULL, 0 }, { "--to", 0, NULL, 0 },
		{ "--address", 0, NULL, 0 }, { "--ttl", 0, NULL, 0 },
		{ NULL, 0, NULL, 0 }
	};
	struct ctl_profile	 p;
	uint8_t			 token[ENROLL_TOKEN_LEN];
	uint8_t			 sealed[ENROLL_SEALED_MAX];
	char			 text[ENROLL_TOKEN_TEXT_MAX], when[32];
	size_t			 slen;
	int64_t			 ttl, expires;
	int			 kek_new = 0, ret = 1;

	if (ctl_options(ctl, argc, argv, 2, opts, TOKEN_USAGE) != 0 ||
	    ctl_profile_parse(ctl, opts, &p) != 0)
		return (1);
	if (ctl_opt(opts, "--ttl") == NULL)
		return (ctl_error(ctl, "token create: --ttl is required"));
	if (ctl_parse_duration(ctl, ctl_opt(opts, "--ttl"), &ttl) == -1 ||
	    ctl_profile_check(ctl, &p) != 0)
		return (1);
	expires = (int64_t)time(NULL) + ttl;
	enroll_token_new(token);
	if (token_seal(ctl, &p, token, sealed, &slen, &kek_new) == 0 &&
	    token_store(ctl, &p, token, sealed, slen, expires) == 0 &&
	    enroll_token_format(token, text, sizeof(text)) == 0) {
		ctl_time_str(expires, when, sizeof(when));
		printf("token %s\n", text);
		printf("  for '%s' (flock %llx, peer %02x, %s), once, until "
		    "%s UTC\n", p.name, (unsigned long long)p.flock, p.peer,
		    p.liturgy ? "liturgy" : "tunnel", when);
		if (kek_new)
			printf("  peer %02x has a new KEK: run 'cathedralctl "
			    "--db %s ambry generate --flock %llx' so the node "
			    "gets its secrets\n", p.peer, ctl->db_path,
			    (unsigned long long)p.flock);
		ret = 0;
	}
	sanctum_wipe(token, sizeof(token));
	sanctum_wipe(text, sizeof(text));
	sanctum_wipe(sealed, sizeof(sealed));
	return (ret);
}

/* The token command group. */
int
ctl_token(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "create") == 0)
		return (token_create(ctl, argc, argv));
	return (ctl_error(ctl, "usage: %s", TOKEN_USAGE));
}
