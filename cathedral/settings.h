/*
 * The reference cathedral's settings file (cathedral.md 3.12), parsed from
 * a buffer with no I/O so the importer and a fuzz harness share it. The
 * result is the state the reference would build from the file; every
 * problem is reported with its line, errors and warnings apart.
 */
#ifndef SANCTUM_SETTINGS_H
#define SANCTUM_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#define SETTINGS_LINE_MAX	255	/* a 256-byte fgets() buffer */
#define SETTINGS_FEDERATE_MAX	32	/* 31 others plus this cathedral */

/* allow <csid> spi <peer> <mbit> */
struct settings_allow {
	uint32_t	csid;
	uint8_t		peer;
	uint32_t	mbit;
	int		line;
};

/* ambry <path>: the path as written, to the end of the line. */
struct settings_ambry {
	char		path[SETTINGS_LINE_MAX + 1];
	int		line;
};

/* A flock block (all blocks of one flock id merged, as the reference does). */
struct settings_flock {
	uint64_t		 id;
	int			 line;
	struct settings_allow	*allow;
	size_t			 nallow;
	size_t			 allow_cap;
	struct settings_ambry	*ambry;
	size_t			 nambry;
	size_t			 ambry_cap;
};

/* xflock <a> <b> <path> */
struct settings_xflock {
	uint64_t	a;
	uint64_t	b;
	char		path[SETTINGS_LINE_MAX + 1];
	int		line;
};

/* federate <ipv4> <port> */
struct settings_federate {
	uint8_t		ip[4];
	uint16_t	port;
	int		line;
};

struct settings {
	struct settings_flock		*flocks;
	size_t				 nflocks;
	size_t				 flocks_cap;
	struct settings_xflock		*xflocks;
	size_t				 nxflocks;
	size_t				 xflocks_cap;
	struct settings_federate	*federate;
	size_t				 nfederate;
	size_t				 federate_cap;
};

/* Called for every problem: warning 0 is an error (nothing is imported). */
typedef void	(*settings_report_fn)(void *arg, int line, int warning,
		    const char *msg);

int	settings_parse(const char *buf, size_t len, struct settings *,
	    settings_report_fn, void *arg);
void	settings_free(struct settings *);

#endif
