/*
 * cathedralctl kek renew NODE [--peer-id N] [--out DIR]
 *
 * New device KEKs for the node's peer ids (or one) in the keyring, as the
 * reference's "ambry renew" does. The node must get the new KEK (written
 * to DIR with --out) and the flock a new ambry generation; from then on
 * the old KEK unwraps nothing. The database only records that it happened.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"
#include "keyfile.h"
#include "sanctum_crypto.h"

#define KEK_USAGE	"kek renew NODE [--peer-id N] [--out DIR]"

/* The node's peer ids to renew: all, or the one asked for. */
static int
kek_peers(struct ctl *ctl, const char *spec, int only, struct ctl_node *n,
    uint8_t peers[DB_PEERS], size_t *npeers)
{
	struct db	*db;
	size_t		 i;
	int		 ret = 1;

	*npeers = 0;
	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	if (ctl_node_find(ctl, db, spec, n) == 0) {
		for (i = 0; i < n->nallow; i++) {
			if (only == -1 || n->allow[i].peer == only)
				peers[(*npeers)++] = n->allow[i].peer;
		}
		if (n->revoked)
			ctl_error(ctl, "node %s is revoked", spec);
		else if (*npeers == 0)
			ctl_error(ctl, "node %s has no peer id %02x", spec,
			    only);
		else
			ret = 0;
	}
	ctl_db_close(ctl, db);
	return (ret);
}

/* Write the new KEK files for the node into dir (0700, files 0600). */
static int
kek_write(struct ctl *ctl, const char *dir, const struct ctl_node *n,
    const struct keyring *kr, const uint8_t *peers, size_t npeers)
{
	char	path[CTL_PATH_MAX + 64], err[CTL_PATH_MAX + 256];
	size_t	i;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return (ctl_error(ctl, "%s: %s", dir, strerror(errno)));
	for (i = 0; i < npeers; i++) {
		snprintf(path, sizeof(path), "%s/kek-%llx-%02x", dir,
		    (unsigned long long)n->flock, peers[i]);
		if (keyfile_write(path, keyring_get(kr, n->flock, peers[i]),
		    32, 0600, err, sizeof(err)) == -1)
			return (ctl_error(ctl, "%s", err));
		printf("  wrote %s\n", path);
	}
	return (0);
}

/* Record the renewal (not the key) in the audit log. */
static int
kek_audit(struct ctl *ctl, const struct ctl_node *n, const uint8_t *peers,
    size_t npeers)
{
	struct db	*db;
	char		 obj[64], detail[DB_DETAIL_MAX + 1];
	size_t		 i, off = 0;
	int		 ret = 0;

	snprintf(obj, sizeof(obj), "identity %llx:%08x",
	    (unsigned long long)n->flock, n->csid);
	off = (size_t)snprintf(detail, sizeof(detail), "new KEK for peer");
	for (i = 0; i < npeers; i++)
		off += (size_t)snprintf(detail + off, sizeof(detail) - off,
		    " %02x", peers[i]);
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) == NULL)
		return (1);
	if (db_audit_note(db, ctl->actor, "kek.renew", obj, detail) == -1)
		ret = ctl_error(ctl, "%s", db_error(db));
	ctl_db_close(ctl, db);
	return (ret);
}

/* kek renew NODE [--peer-id N] [--out DIR] */
static int
kek_renew(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt		 opts[] = { { "--peer-id", 0, NULL, 0 },
				    { "--out", 0, NULL, 0 },
				    { NULL, 0, NULL, 0 } };
	struct ctl_keyring	 k;
	struct ctl_node		 n;
	uint8_t			 peers[DB_PEERS], kek[32], p;
	size_t			 npeers, i;
	int			 only = -1, ret = 1;

	if (argc < 3)
		return (ctl_error(ctl, "usage: %s", KEK_USAGE));
	if (ctl_options(ctl, argc, argv, 3, opts, KEK_USAGE) != 0)
		return (1);
	if (ctl_opt(opts, "--peer-id") != NULL) {
		if (ctl_parse_peer(ctl, ctl_opt(opts, "--peer-id"), &p) == -1)
			return (1);
		only = p;
	}
	if (ctl_keyring_open(ctl, &k) == -1)
		return (1);
	if (kek_peers(ctl, argv[2], only, &n, peers, &npeers) != 0)
		goto out;
	for (i = 0; i < npeers; i++) {
		sanctum_random_bytes(kek, sizeof(kek));
		if (keyring_set(&k.kr, n.flock, peers[i], kek) == -1) {
			ctl_error(ctl, "%s: cannot set a KEK", k.path);
			goto out;
		}
		printf("new KEK for peer %02x of flock %llx (node %llx:%08x "
		    "'%s')\n", peers[i], (unsigned long long)n.flock,
		    (unsigned long long)n.flock, n.csid, n.name);
	}
	if (ctl_keyring_save(ctl, &k) == -1 ||
	    (ctl_opt(opts, "--out") != NULL && kek_write(ctl,
	    ctl_opt(opts, "--out"), &n, &k.kr, peers, npeers) != 0) ||
	    kek_audit(ctl, &n, peers, npeers) != 0)
		goto out;
	printf("  the node must be re-provisioned with its new KEK, and the "
	    "flock needs a new ambry:\n  cathedralctl --db %s ambry generate "
	    "--flock %llx\n", ctl->db_path, (unsigned long long)n.flock);
	ret = 0;
out:
	sanctum_wipe(kek, sizeof(kek));
	ctl_keyring_close(&k);
	return (ret);
}

/* The kek command group. */
int
ctl_kek(struct ctl *ctl, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "renew") == 0)
		return (kek_renew(ctl, argc, argv));
	return (ctl_error(ctl, "usage: %s", KEK_USAGE));
}
