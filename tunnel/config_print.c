/*
 * The effective configuration as sanctum.conf text (sanctum -n): one
 * directive per line, defaults written out, in a fixed order that satisfies
 * the order rules, so the output loads back to the same configuration.
 */

#include <arpa/inet.h>

#include <inttypes.h>

#include "config.h"

/* "name ip:port". */
static void
print_addr(FILE *fp, const char *name, const struct sockaddr_in *sin)
{
	char	ip[INET_ADDRSTRLEN];

	fprintf(fp, "%s %s:%u\n", name,
	    inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip)),
	    ntohs(sin->sin_port));
}

/* "name value" for a text value that is set. */
static void
print_text(FILE *fp, const char *name, const char *value)
{
	if (value[0] != '\0')
		fprintf(fp, "%s %s\n", name, value);
}

/* One "name net/prefix" line per entry. */
static void
print_nets(FILE *fp, const char *name, const struct config_net *nets,
    size_t n)
{
	char	ip[INET_ADDRSTRLEN];
	size_t	i;

	for (i = 0; i < n; i++)
		fprintf(fp, "%s %s/%u\n", name,
		    inet_ntop(AF_INET, &nets[i].net, ip, sizeof(ip)),
		    nets[i].prefix);
}

/*
 * peer, tunnel, tap, bridge, tfc and the lists of the device modes. A peer
 * that was not configured prints as auto, whatever it defaulted to.
 */
static void
print_device(FILE *fp, const struct sanctum_config *cfg)
{
	char	ip[INET_ADDRSTRLEN];

	if (cfg->mode != SANCTUM_MODE_SHRINE) {
		if (cfg->peer_configured)
			print_addr(fp, "peer", &cfg->peer);
		else
			fprintf(fp, "peer auto\n");
	}
	fprintf(fp, "tunnel %s/%u ",
	    inet_ntop(AF_INET, &cfg->tun_ip, ip, sizeof(ip)), cfg->tun_prefix);
	if (cfg->mtu_auto)
		fprintf(fp, "auto\n");
	else
		fprintf(fp, "%u\n", cfg->tun_mtu);
	fprintf(fp, "tap %s\n", cfg->tap ? "yes" : "no");
	print_text(fp, "bridge", cfg->bridge);
	fprintf(fp, "tfc %s\n", cfg->tfc ? "on" : "off");
	fprintf(fp, "shroud %s\n", cfg->shroud ? "yes" : "no");
	print_nets(fp, "route", cfg->routes, cfg->nroutes);
	print_nets(fp, "accept", cfg->accepts, cfg->naccepts);
}

/* The cathedral a tunnel or liturgy talks to, and the flocks. */
static void
print_cathedral_client(FILE *fp, const struct sanctum_config *cfg)
{
	if (cfg->cathedral_set)
		fprintf(fp, "cathedral %s:%u\n", cfg->cathedral_host,
		    ntohs(cfg->cathedral.sin_port));
	fprintf(fp, "cathedral_id 0x%" PRIx32 "\n", cfg->cathedral_id);
	print_text(fp, "cathedral_secret", cfg->cathedral_secret);
	print_text(fp, "cathedral_cosk", cfg->cathedral_cosk);
	fprintf(fp, "cathedral_flock 0x%" PRIx64 "\n", cfg->cathedral_flock);
	fprintf(fp, "cathedral_flock_dst 0x%" PRIx64 "\n",
	    cfg->cathedral_flock_dst);
	fprintf(fp, "cathedral_nat_port %u\n", cfg->cathedral_nat_port);
	print_text(fp, "cathedral_remembrance", cfg->cathedral_remembrance);
}

/* What only a cathedral has. */
static void
print_cathedral(FILE *fp, const struct sanctum_config *cfg)
{
	int	i;

	fprintf(fp, "tfc %s\n", cfg->tfc ? "on" : "off");
	fprintf(fp, "shroud %s\n", cfg->shroud ? "yes" : "no");
	print_addr(fp, "cathedral_ip", &cfg->cathedral_ip);
	fprintf(fp, "cathedral_mtu %u\n", cfg->cathedral_mtu);
	fprintf(fp, "cathedral_nat_port %u\n", cfg->cathedral_nat_port);
	fprintf(fp, "cathedral_p2p_sync %s\n",
	    cfg->cathedral_p2p_sync ? "yes" : "no");
	print_text(fp, "database", cfg->database);
	if (cfg->metrics_set)
		print_addr(fp, "metrics", &cfg->metrics);
	for (i = 0; i < CONFIG_LIMIT_MAX; i++) {
		if (cfg->limits[i] != 0)
			fprintf(fp, "cathedral_limit %s %u\n",
			    config_limit_name(i), cfg->limits[i]);
	}
}

/* What only a liturgy has, around its cathedral. */
static void
print_liturgy(FILE *fp, const struct sanctum_config *cfg)
{
	char	ip[INET_ADDRSTRLEN];

	fprintf(fp, "tap %s\n", cfg->tap ? "yes" : "no");
	print_text(fp, "bridge", cfg->bridge);
	fprintf(fp, "shroud %s\n", cfg->shroud ? "yes" : "no");
	print_cathedral_client(fp, cfg);
	fprintf(fp, "liturgy_prefix %s\n",
	    inet_ntop(AF_INET, &cfg->liturgy_prefix, ip, sizeof(ip)));
	fprintf(fp, "liturgy_group 0x%04x\n", cfg->liturgy_group);
	fprintf(fp, "liturgy_discoverable %s\n",
	    cfg->liturgy_discoverable ? "yes" : "no");
}

/*
 * Print a loaded configuration: mode first, spi before the cathedral
 * lines, kek before secret; run lines only for the processes the mode
 * starts.
 */
void
config_print(const struct sanctum_config *cfg, FILE *fp)
{
	uint32_t	procs = config_mode_procs(cfg->mode);
	int		t;

	fprintf(fp, "mode %s\n", config_mode_name(cfg->mode));
	fprintf(fp, "instance %s\n", cfg->instance);
	print_text(fp, "descr", cfg->descr);
	print_text(fp, "pidfile", cfg->pidfile);
	print_text(fp, "logfile", cfg->logfile);
	if (cfg->mode == SANCTUM_MODE_TUNNEL ||
	    cfg->mode == SANCTUM_MODE_LITURGY)
		fprintf(fp, "spi 0x%04x\n", cfg->tun_spi);
	print_text(fp, "kek", cfg->kek);
	print_text(fp, "secret", cfg->secret);
	print_addr(fp, "local", &cfg->local);

	switch (cfg->mode) {
	case SANCTUM_MODE_TUNNEL:
		print_device(fp, cfg);
		print_cathedral_client(fp, cfg);
		break;
	case SANCTUM_MODE_PILGRIM:
	case SANCTUM_MODE_SHRINE:
		print_device(fp, cfg);
		fprintf(fp, "cathedral_flock 0x%" PRIx64 "\n",
		    cfg->cathedral_flock);
		fprintf(fp, "cathedral_flock_dst 0x%" PRIx64 "\n",
		    cfg->cathedral_flock_dst);
		break;
	case SANCTUM_MODE_CATHEDRAL:
		print_cathedral(fp, cfg);
		break;
	case SANCTUM_MODE_LITURGY:
		print_liturgy(fp, cfg);
		break;
	}

	if (procs & (1U << SANCTUM_PROC_CONTROL))
		fprintf(fp, "control %s %s\n", cfg->control_path,
		    cfg->control_user);
	for (t = 1; t <= SANCTUM_PROC_MAX; t++) {
		if (procs & (1U << t))
			fprintf(fp, "run %s as %s\n", config_proc_name(t),
			    cfg->run[t].user);
	}
}
