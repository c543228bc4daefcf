/*
 * hymn route add|del <net/mask> via <name>: a route through the tunnel,
 * which is also accepted from it; hymn accept add|del <net/mask> on <name>:
 * only accepted. Networks are masked; new ones go first in their list.
 */

#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include "hymn.h"

/* Parse the arguments, load the tunnel, and check it can route. */
static void
prepare(int argc, char **argv, const char *word, const char *usage,
    struct hymn_conf *c, struct hymn_net *net, char *text, size_t len)
{
	struct in_addr	in;
	char		a[INET_ADDRSTRLEN];

	if (argc != 5 || strcmp(argv[3], word) != 0 ||
	    (strcmp(argv[1], "add") != 0 && strcmp(argv[1], "del") != 0))
		hymn_usage(usage);
	if (strchr(argv[2], '/') == NULL)
		hymn_fatal("ip '%s' is missing a netmask", argv[2]);
	if (hymn_net_parse(argv[2], net) == -1)
		hymn_fatal("invalid network '%s'", argv[2]);
	hymn_resolve(argv[4], c);
	if (c->liturgy)
		hymn_fatal("%s on a liturgy does not make sense", argv[0]);
	if (c->tap)
		hymn_fatal("%s on a tunnel using a tap device makes no sense",
		    argv[0]);
	in.s_addr = net->addr;
	snprintf(text, len, "%s/%u", inet_ntop(AF_INET, &in, a, sizeof(a)),
	    net->prefix);
}

/* Save and say so. */
static int
done(const struct hymn_conf *c)
{
	hymn_save(c, 0);
	printf("tunnel modified, please restart it\n");
	return (0);
}

/* route add|del <net/mask> via <name>: routed and accepted. */
int
hymn_cmd_route(int argc, char **argv)
{
	struct hymn_conf	c;
	struct hymn_net		net;
	char			text[32];
	int			r, a;

	prepare(argc, argv, "via", "route [add | del] <net/mask> via "
	    "[name | [<flock>-]<src>-<dst>]", &c, &net, text, sizeof(text));
	if (strcmp(argv[1], "del") == 0) {
		r = hymn_net_del(c.routes, &c.nroutes, &net);
		a = hymn_net_del(c.accepts, &c.naccepts, &net);
		if (r == -1 && a == -1)
			hymn_fatal("route %s not found", text);
		return (done(&c));
	}
	if (hymn_net_find(c.routes, c.nroutes, &net) != -1)
		hymn_fatal("route %s exists", text);
	if (hymn_net_add(c.routes, &c.nroutes, &net) == -1 ||
	    (hymn_net_find(c.accepts, c.naccepts, &net) == -1 &&
	    hymn_net_add(c.accepts, &c.naccepts, &net) == -1))
		hymn_fatal("too many routes (at most %d)", HYMN_MAX_NETS);
	return (done(&c));
}

/* accept add|del <net/mask> on <name>: accepted only. */
int
hymn_cmd_accept(int argc, char **argv)
{
	struct hymn_conf	c;
	struct hymn_net		net;
	char			text[32];

	prepare(argc, argv, "on", "accept [add | del] <net/mask> on "
	    "[name | [<flock>-]<src>-<dst>]", &c, &net, text, sizeof(text));
	if (strcmp(argv[1], "del") == 0) {
		if (hymn_net_del(c.accepts, &c.naccepts, &net) == -1)
			hymn_fatal("accept %s not found", text);
		return (done(&c));
	}
	if (hymn_net_find(c.accepts, c.naccepts, &net) != -1)
		hymn_fatal("accept %s exists", text);
	if (hymn_net_add(c.accepts, &c.naccepts, &net) == -1)
		hymn_fatal("too many accepts (at most %d)", HYMN_MAX_NETS);
	return (done(&c));
}
