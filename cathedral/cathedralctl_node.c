/*
 * cathedralctl node list | node set NODE --bandwidth MBIT [--peer-id N]
 *
 * A node is an identity (flock, CS id) with its allow rules; the commands
 * name it by its name or as FLOCK:CSID. Also the lookups other commands
 * share: resolving NODE, and whether a peer id is held by an active node.
 */

#include <stdio.h>
#include <string.h>

#include "cathedralctl.h"

#define NODE_USAGE	"node list | node set NODE --bandwidth MBIT " \
			"[--peer-id N]"
#define NODE_MATCHES	8	/* reported when a name is ambiguous */

/* What a search over the identities collects. */
struct node_search {
	const char	*name;		/* by name, or */
	uint64_t	 flock;		/* by flock and csid */
	uint32_t	 csid;
	size_t		 found;
	struct ctl_node	 match[NODE_MATCHES];
};

/* Keep an identity that matches the search. */
static int
node_match(void *arg, const struct db_identity *id)
{
	struct node_search	*s = arg;
	struct ctl_node		*n;

	if (s->name != NULL ? strcmp(id->name, s->name) != 0 :
	    (id->flock != s->flock || id->csid != s->csid))
		return (0);
	if (s->found < NODE_MATCHES) {
		n = &s->match[s->found];
		n->flock = id->flock;
		n->csid = id->csid;
		snprintf(n->name, sizeof(n->name), "%s", id->name);
		n->revoked = id->revoked;
		n->nallow = id->nallow;
		memcpy(n->allow, id->allow, id->nallow * sizeof(id->allow[0]));
	}
	s->found++;
	return (0);
}

/* n hex digits (an optional 0x first), at most max of them. */
static int
node_hex(const char *s, size_t n, size_t max, uint64_t *out)
{
	size_t	i;
	int	c;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		n -= 2;
	}
	if (n == 0 || n > max)
		return (-1);
	*out = 0;
	for (i = 0; i < n; i++) {
		c = s[i];
		if (c >= '0' && c <= '9')
			c -= '0';
		else if (c >= 'a' && c <= 'f')
			c -= 'a' - 10;
		else if (c >= 'A' && c <= 'F')
			c -= 'A' - 10;
		else
			return (-1);
		*out = *out << 4 | (uint64_t)c;
	}
	return (0);
}

/* FLOCK:CSID, both hex. */
static int
node_parse_id(const char *spec, uint64_t *flock, uint32_t *csid)
{
	const char	*colon = strchr(spec, ':');
	uint64_t	 v;

	if (colon == NULL ||
	    node_hex(spec, (size_t)(colon - spec), 16, flock) == -1 ||
	    node_hex(colon + 1, strlen(colon + 1), 8, &v) == -1)
		return (-1);
	*csid = (uint32_t)v;
	return (0);
}

/* Resolve NODE (a name or FLOCK:CSID) to exactly one identity. */
int
ctl_node_find(struct ctl *ctl, struct db *db, const char *spec,
    struct ctl_node *out)
{
	struct node_search	 s;
	size_t			 i;

	memset(&s, 0, sizeof(s));
	if (strchr(spec, ':') != NULL) {
		if (node_parse_id(spec, &s.flock, &s.csid) == -1) {
			ctl_error(ctl, "node '%s': expected a name or "
			    "FLOCK:CSID (hex)", spec);
			return (-1);
		}
	} else
		s.name = spec;
	if (db_identities(db, node_match, &s) == -1) {
		ctl_error(ctl, "%s", db_error(db));
		return (-1);
	}
	if (s.found == 0) {
		ctl_error(ctl, "no node %s", spec);
		return (-1);
	}
	if (s.found > 1) {
		ctl_error(ctl, "node name '%s' is ambiguous (%zu nodes); name "
		    "it as FLOCK:CSID:", spec, s.found);
		for (i = 0; i < s.found && i < NODE_MATCHES; i++)
			fprintf(stderr, "  %llx:%08x\n",
			    (unsigned long long)s.match[i].flock,
			    s.match[i].csid);
		return (-1);
	}
	*out = s.match[0];
	return (0);
}

/* Which active identity of a flock holds a peer id. */
struct peer_search {
	uint64_t	flock;
	uint8_t		peer;
	uint32_t	except;
	int		found;
	uint32_t	csid;
};

/* Note an active identity with an allow rule for the peer id. */
static int
peer_match(void *arg, const struct db_identity *id)
{
	struct peer_search	*s = arg;
	size_t			 i;

	if (id->flock != s->flock || id->revoked || id->csid == s->except)
		return (0);
	for (i = 0; i < id->nallow; i++) {
		if (id->allow[i].peer == s->peer) {
			s->found = 1;
			s->csid = id->csid;
		}
	}
	return (0);
}

/*
 * 1 (with a message) when an active identity other than except_csid holds
 * the peer id in the flock, 0 when none does, -1 on error.
 */
int
ctl_peer_active(struct ctl *ctl, struct db *db, uint64_t flock, uint8_t peer,
    uint32_t except_csid)
{
	struct peer_search	s;

	memset(&s, 0, sizeof(s));
	s.flock = flock;
	s.peer = peer;
	s.except = except_csid;
	if (db_identities(db, peer_match, &s) == -1) {
		ctl_error(ctl, "%s", db_error(db));
		return (-1);
	}
	return (s.found);
}

/* One line per identity. */
static int
node_print(void *arg, const struct db_identity *id)
{
	size_t	i;

	(void)arg;
	printf("%-16llx  %08x  %-7s  %-20s ", (unsigned long long)id->flock,
	    id->csid, id->revoked ? "revoked" : "active",
	    id->name[0] != '\0' ? id->name : "-");
	for (i = 0; i < id->nallow; i++) {
		if (id->allow[i].mbit == 0)
			printf(" %02x:unlimited", id->allow[i].peer);
		else
			printf(" %02x:%umbit", id->allow[i].peer,
			    id->allow[i].mbit);
	}
	printf("\n");
	return (0);
}

/* node list */
static int
node_list(struct ctl *ctl)
{
	struct db	*db;
	int		 ret = 0;

	if ((db = ctl_db_use(ctl, DB_OPEN_RO)) == NULL)
		return (1);
	printf("%-16s  %-8s  %-7s  %-20s  %s\n", "FLOCK", "CSID", "STATE",
	    "NAME", "PEERS");
	if (db_identities(db, node_print, NULL) == -1)
		ret = ctl_error(ctl, "%s", db_error(db));
	ctl_db_close(ctl, db);
	return (ret);
}

/* Set the bandwidth of the node's rules (or one), all or none. */
static int
node_set_rules(struct ctl *ctl, struct db *db, const struct ctl_node *n,
    int peer, uint32_t mbit)
{
	size_t	i, done = 0;

	if (db_begin(db) == -1)
		return (ctl_error(ctl, "%s", db_error(db)));
	for (i = 0; i < n->nallow; i++) {
		if (peer != -1 && n->allow[i].peer != peer)
			continue;
		if (db_allow_set_bandwidth(db, ctl->actor, n->flock, n->csid,
		    n->allow[i].peer, mbit) == -1) {
			ctl_error(ctl, "%s", db_error(db));
			(void)db_rollback(db);
			return (1);
		}
		done++;
	}
	if (done == 0) {
		(void)db_rollback(db);
		return (ctl_error(ctl, "node %llx:%08x has no allow rule for "
		    "peer %02x", (unsigned long long)n->flock, n->csid, peer));
	}
	if (db_commit(db) == -1) {
		ctl_error(ctl, "commit: %s", db_error(db));
		(void)db_rollback(db);
		return (1);
	}
	for (i = 0; i < n->nallow; i++) {
		if (peer == -1 || n->allow[i].peer == peer)
			printf("node %llx:%08x peer %02x: %u Mbit/s%s\n",
			    (unsigned long long)n->flock, n->csid,
			    n->allow[i].peer, mbit,
			    mbit == 0 ? " (unlimited)" : "");
	}
	return (0);
}

/* node set NODE --bandwidth MBIT [--peer-id N] */
static int
node_set(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_opt	 opts[] = { { "--bandwidth", 0, NULL, 0 },
			    { "--peer-id", 0, NULL, 0 },
			    { NULL, 0, NULL, 0 } };
	struct ctl_node	 n;
	struct db	*db;
	const char	*v;
	uint32_t	 mbit;
	uint8_t		 p;
	int		 peer = -1, ret;

	if (argc < 3)
		return (ctl_error(ctl, "usage: %s", NODE_USAGE));
	if (ctl_options(ctl, argc, argv, 3, opts, NODE_USAGE) != 0)
		return (1);
	if ((v = ctl_opt(opts, "--bandwidth")) == NULL)
		return (ctl_error(ctl, "node set: --bandwidth is required"));
	if (ctl_parse_u32(ctl, "bandwidth", v, UINT32_MAX, &mbit) == -1)
		return (1);
	if ((v = ctl_opt(opts, "--peer-id")) != NULL) {
		if (ctl_parse_peer(ctl, v, &p) == -1)
			return (1);
		peer = p;
	}
	if ((db = ctl_db_use(ctl, DB_OPEN_RW)) == NULL)
		return (1);
	ret = 1;
	if (ctl_node_find(ctl, db, argv[2], &n) == 0)
		ret = node_set_rules(ctl, db, &n, peer, mbit);
	ctl_db_close(ctl, db);
	return (ret);
}

/* The node command group. */
int
ctl_node(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return (node_list(ctl));
	if (argc >= 2 && strcmp(argv[1], "set") == 0)
		return (node_set(ctl, argc, argv));
	return (ctl_error(ctl, "usage: %s", NODE_USAGE));
}
