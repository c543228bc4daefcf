/*
 * A node's configuration as enrollment writes it (docs/enrollment.md):
 * the file names and the sanctum.conf of a liturgy or of a cathedral
 * tunnel with a KEK, for the node a token's material describes. Shared by
 * cathedralctl enroll, which makes that material from its options, and
 * hymn enroll, which opens it from the token; both write the same bytes.
 */
#ifndef SANCTUM_NODE_CONF_H
#define SANCTUM_NODE_CONF_H

#include <stddef.h>
#include <stdint.h>

#define NODE_CONF_NAME_MAX	64	/* any of the node's file names */
#define NODE_CONF_PATH_MAX	200	/* node and run directory */
#define NODE_CONF_MAX		4096	/* its configuration, with such paths */

struct enroll_material;

void	node_conf_names(const struct enroll_material *, uint32_t csid,
	    char *conf, char *secret, char *cosk, char *kek, size_t len);
int	node_conf(const struct enroll_material *, const char *name,
	    uint32_t csid, const char *nodedir, const char *rundir,
	    const char *user, char *buf, size_t len);

#endif
