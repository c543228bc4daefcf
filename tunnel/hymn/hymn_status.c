/*
 * hymn status [name]: a configuration summary and, for a running tunnel,
 * its live statistics from STATUS, in the reference's layout; for our
 * daemons also every non-zero counter from COUNTERS (a daemon that does
 * not answer it within a second, like the reference, shows none).
 * hymn rekey <name>: ask a running tunnel for a new key exchange (REKEY).
 */

#include <arpa/inet.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hymn.h"

#define CONTROL_COUNTERS	2
#define CONTROL_REKEY		3
#define COUNTERS_MAX		256

/* now - t, never negative. */
static uint64_t
ago(uint64_t now, uint64_t t)
{
	return (t > now ? 0 : now - t);
}

/* A network and prefix list, or "none". */
static void
show_nets(const char *title, const struct hymn_net *v, size_t n)
{
	struct in_addr	in;
	char		a[INET_ADDRSTRLEN];
	size_t		i;

	printf("  %s\n", title);
	for (i = 0; i < n; i++) {
		in.s_addr = v[i].addr;
		printf("    %s/%u\n", inet_ntop(AF_INET, &in, a, sizeof(a)),
		    v[i].prefix);
	}
	if (n == 0)
		printf("    none\n");
	printf("\n");
}

/* The cathedral block, with the address STATUS reports in parentheses. */
static void
show_cathedral(const struct hymn_conf *c, const char *live)
{
	printf("  cathedral\t%s%s\n", c->cathedral_addr, live);
	if (c->nat_port != 0)
		printf("    nat-port\t%u\n", c->nat_port);
	else
		printf("    nat     \tdisabled\n");
	printf("    flock-src\t%" PRIx64 "\n", c->flock_src);
	if (c->flock_dst != 0 && c->flock_dst != c->flock_src)
		printf("    flock-dst\t%" PRIx64 "\n", c->flock_dst);
	printf("    identity\t%x\n", c->cathedral_id);
	if (c->remembrance[0] != '\0')
		printf("    remembrance\tyes\n");
}

/* The configuration part; st is the live status or NULL. */
static void
show_conf(const struct hymn_conf *c, const struct hymn_status *st)
{
	struct in_addr	in;
	char		a[INET_ADDRSTRLEN], addr[32], live[40] = "";

	if (c->descr[0] != '\0')
		printf("  name\t\t%s\n", c->descr);
	if (c->liturgy) {
		in.s_addr = c->liturgy_prefix;
		printf("  liturgy\tyes\n    group\t%04x\n    prefix\t%s\n",
		    c->liturgy_group, inet_ntop(AF_INET, &in, a, sizeof(a)));
	}
	printf("  device\t%s\n  shroud\t%s\n", c->tap ? "tap" : "tun",
	    c->shroud ? "yes" : "no");
	if (c->bridge[0] != '\0')
		printf("  bridge\t%s\n", c->bridge);
	if (c->local_ip != 0) {
		hymn_ipport_str(addr, sizeof(addr), c->local_ip, c->local_port);
		printf("  local\t\t%s\n", addr);
	}
	if (!c->liturgy) {
		in.s_addr = c->tunnel_ip;
		printf("  tunnel\t%s/%u\n", inet_ntop(AF_INET, &in, a,
		    sizeof(a)), c->tunnel_prefix);
		if (c->mtu != 0)
			printf("  mtu\t\t%u\n", c->mtu);
		else if (st != NULL)
			printf("  mtu\t\tauto (%u)\n", st->mtu);
		else
			printf("  mtu\t\tauto\n");
	}
	printf("\n");
	if (st != NULL) {
		hymn_ipport_str(addr, sizeof(addr), st->peer_ip, st->peer_port);
		snprintf(live, sizeof(live), " (%s)", addr);
	}
	if (c->cathedral) {
		show_cathedral(c, live);
	} else {
		hymn_ipport_str(addr, sizeof(addr), c->peer_ip, c->peer_port);
		printf("  peer\t\t%s%s\n", addr, live);
	}
	printf("\n");
	if (!c->liturgy) {
		show_nets("routes", c->routes, c->nroutes);
		show_nets("accepts", c->accepts, c->naccepts);
	}
}

/* One direction of the live statistics. */
static void
show_ifstat(const char *dir, const struct hymn_ifstat *s, uint64_t now)
{
	printf("  %s\n", dir);
	if (s->spi != 0)
		printf("    spi            %08x (age: %" PRIu64 " seconds)\n",
		    s->spi, ago(now, s->age));
	else
		printf("    spi            none\n");
	printf("    pkt            %" PRIu64 " \n", s->pkt);
	printf("    bytes          %" PRIu64 " \n", s->bytes);
	if (s->last != 0)
		printf("    last packet    %" PRIu64 " seconds ago\n",
		    ago(now, s->last));
	else
		printf("    last packet    never\n");
	printf("\n");
}

/* Our daemons' non-zero counters; -1 for a malformed reply. */
static int
show_counters(const struct hymn_conf *c)
{
	static uint8_t		reply[8 + COUNTERS_MAX * 32 + 1];
	static struct hymn_counter v[COUNTERS_MAX];
	char			err[HYMN_PATH_MAX + 64];
	size_t			n, i;
	int			len, shown = 0;

	len = hymn_control_query(c->control, CONTROL_COUNTERS, reply,
	    sizeof(reply) - 1, err, sizeof(err));
	if (len == HYMN_CTL_NOREPLY)
		return (0);
	if (len == HYMN_CTL_ERROR) {
		hymn_warn("%s", err);
		return (-1);
	}
	if (hymn_counters_decode(reply, (size_t)len, v, COUNTERS_MAX,
	    &n) == -1) {
		hymn_warn("%s: malformed COUNTERS reply (%d bytes)", c->control,
		    len);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (v[i].value == 0)
			continue;
		if (shown++ == 0)
			printf("  counters\n");
		printf("    %-22s %" PRIu64 "\n", v[i].name, v[i].value);
	}
	if (shown)
		printf("\n");
	return (0);
}

/* Everything about one configuration. */
static int
status_one(const struct hymn_conf *c)
{
	struct hymn_status	st;
	char			name[HYMN_NAME_MAX];
	long			pid;
	int			r, up, q = HYMN_CTL_NOREPLY;

	hymn_name_str(&c->name, name, sizeof(name));
	r = hymn_pid_read(c->pidfile, &pid);
	up = r == -1 || (r == 1 && hymn_pid_alive(pid));
	if (up && !c->liturgy)
		q = hymn_status_query(c, &st);
	printf("%s:\n", name);
	show_conf(c, q == 0 ? &st : NULL);
	if (!up) {
		printf("  not active\n");
	} else if (c->liturgy) {
		printf("  running\n");
	} else if (q == 0) {
		show_ifstat("tx", &st.tx, hymn_monotonic());
		show_ifstat("rx", &st.rx, hymn_monotonic());
		return (show_counters(c));
	} else {
		printf("  not answering on %s\n", c->control);
	}
	return (q == HYMN_CTL_ERROR ? -1 : 0);
}

/* status [name]: one tunnel or all of them. */
int
hymn_cmd_status(int argc, char **argv)
{
	struct hymn_entry	*v;
	struct hymn_conf	c;
	size_t			n, i;
	int			rc = 0;

	if (argc > 2)
		hymn_usage("status [name | [<flock>-]<src>-<dst>]");
	if (argc == 2) {
		hymn_resolve(argv[1], &c);
		return (status_one(&c) == -1 ? 1 : 0);
	}
	hymn_scan(&v, &n);
	for (i = 0; i < n; i++) {
		if (!v[i].ok) {
			hymn_warn("%s", v[i].err);
			rc = 1;
		} else if (status_one(&v[i].conf) == -1) {
			rc = 1;
		}
	}
	free(v);
	return (rc);
}

/* rekey <name>: REKEY (command 3), ours; the reference lacks it. */
int
hymn_cmd_rekey(int argc, char **argv)
{
	struct hymn_conf	c;
	char			name[HYMN_NAME_MAX], err[HYMN_PATH_MAX + 64];
	uint8_t			reply[2];
	int			len;

	if (argc != 2)
		hymn_usage("rekey [name | [<flock>-]<src>-<dst>]");
	hymn_resolve(argv[1], &c);
	hymn_name_str(&c.name, name, sizeof(name));
	if (c.liturgy)
		hymn_fatal("%s is a liturgy, it has no key exchange", name);
	len = hymn_control_query(c.control, CONTROL_REKEY, reply,
	    sizeof(reply) - 1, err, sizeof(err));
	if (len == HYMN_CTL_ERROR)
		hymn_fatal("%s", err);
	if (len == HYMN_CTL_NOREPLY)
		hymn_fatal("%s: no answer on %s (not running, or a daemon "
		    "without REKEY)", name, c.control);
	if (len != 1 || reply[0] > 1)
		hymn_fatal("%s: malformed REKEY reply", name);
	if (reply[0] != 0)
		hymn_fatal("%s: rekey refused, this mode has no key exchange",
		    name);
	printf("%s: rekey accepted, a new key exchange starts within a "
	    "second\n", name);
	return (0);
}
