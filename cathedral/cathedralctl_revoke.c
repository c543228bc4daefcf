/*
 * cathedralctl revoke NODE [--days D]
 *
 * The identity is disabled in the database; the running cathedral reloads
 * within a second and stops serving and relaying it. When the keyring is
 * at hand the KEKs of the node's peer ids are dropped from it (unless an
 * active node still holds that id) and the flock gets a new ambry
 * generation in which those ids' entries are random: the revoked device's
 * KEK unwraps nothing new.
 */

#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"

#define REVOKE_USAGE	"revoke NODE [--days D]"

/* Disable the node and pick the KEKs that go with it. */
static int
revoke_db(struct ctl *ctl, const char *spec, struct ctl_node *n,
    uint8_t drop[DB_PEERS], size_t *ndrop)
{
	struct db	*db;
	size_t		 i;
	int		 rc, ret = 1;

	*ndrop = 0;
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) == NULL)
		return (1);
	if (ctl_node_find(ctl, db, spec, n) == -1)
		goto out;
	if ((rc = db_identity_set_revoked(db, ctl->actor, n->flock, n->csid,
	    1)) == -1) {
		ctl_error(ctl, "%s", db_error(db));
		goto out;
	}
	printf("node %llx:%08x '%s' %s; the cathedral cuts it off within a "
	    "second\n", (unsigned long long)n->flock, n->csid, n->name,
	    rc == DB_PRESENT ? "was revoked already" : "revoked");
	for (i = 0; i < n->nallow; i++) {
		if ((rc = ctl_peer_active(ctl, db, n->flock, n->allow[i].peer,
		    n->csid)) == -1)
			goto out;
		if (rc == 1)
			printf("  peer %02x is also held by an active node: "
			    "its KEK stays\n", n->allow[i].peer);
		else
			drop[(*ndrop)++] = n->allow[i].peer;
	}
	ret = 0;
out:
	ctl_db_close(ctl, db);
	return (ret);
}

/* revoke NODE [--days D] */
int
ctl_revoke(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt		 opts[] = { { "--days", 0, NULL, 0 },
				    { NULL, 0, NULL, 0 } };
	struct ctl_keyring	 k;
	struct ctl_node		 n;
	struct db		*db;
	uint8_t			 drop[DB_PEERS];
	size_t			 ndrop, i;
	uint32_t		 days = CTL_AMBRY_DAYS;
	int			 ret = 1;

	if (argc < 2)
		return (ctl_error(ctl, "usage: %s", REVOKE_USAGE));
	if (ctl_options(ctl, argc, argv, 2, opts, REVOKE_USAGE) != 0)
		return (1);
	if (ctl_opt(opts, "--days") != NULL) {
		if (ctl_parse_u32(ctl, "days", ctl_opt(opts, "--days"), 3650,
		    &days) == -1)
			return (1);
		if (days == 0)
			return (ctl_error(ctl, "--days: at least 1"));
	}
	if (ctl_keyring_open(ctl, &k) == -1)
		return (1);
	if (revoke_db(ctl, argv[1], &n, drop, &ndrop) != 0)
		goto out;
	if (k.missing) {
		printf("  no keyring at %s: the flock's bundle keeps the "
		    "node's entries until 'ambry generate' runs where the "
		    "keyring is\n", k.path);
		ret = 0;
		goto out;
	}
	for (i = 0; i < ndrop; i++) {
		if (keyring_del(&k.kr, n.flock, drop[i]))
			printf("  KEK of peer %02x removed from the keyring\n",
			    drop[i]);
	}
	if (ctl_keyring_save(ctl, &k) == -1)
		goto out;
	if (keyring_count(&k.kr, n.flock) == 0) {
		printf("  flock %llx has no KEKs left: no new bundle\n",
		    (unsigned long long)n.flock);
		ret = 0;
		goto out;
	}
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) != NULL) {
		ret = ctl_ambry_flock(ctl, db, &k.kr, n.flock, days);
		ctl_db_close(ctl, db);
	}
out:
	ctl_keyring_close(&k);
	return (ret);
}
