/*
 * Shared by the pieces of the configuration loader: the parse state, the
 * directive table and the value parsers. Not for users of config.h.
 */
#ifndef SANCTUM_CONFIG_PRIV_H
#define SANCTUM_CONFIG_PRIV_H

#include "config.h"

/* Every directive, the index of the table and of the seen-lines. */
enum config_dir {
	CONFIG_D_MODE,
	CONFIG_D_INSTANCE,
	CONFIG_D_DESCR,
	CONFIG_D_SECRET,
	CONFIG_D_PIDFILE,
	CONFIG_D_RUN,
	CONFIG_D_CONTROL,
	CONFIG_D_LOCAL,
	CONFIG_D_PEER,
	CONFIG_D_TUNNEL,
	CONFIG_D_ROUTE,
	CONFIG_D_ACCEPT,
	CONFIG_D_TAP,
	CONFIG_D_BRIDGE,
	CONFIG_D_TFC,
	CONFIG_D_SHROUD,
	CONFIG_D_SPI,
	CONFIG_D_KEK,
	CONFIG_D_CATHEDRAL,
	CONFIG_D_CATHEDRAL_ID,
	CONFIG_D_CATHEDRAL_SECRET,
	CONFIG_D_CATHEDRAL_COSK,
	CONFIG_D_CATHEDRAL_FLOCK,
	CONFIG_D_CATHEDRAL_FLOCK_DST,
	CONFIG_D_CATHEDRAL_NAT_PORT,
	CONFIG_D_CATHEDRAL_REMEMBRANCE,
	CONFIG_D_CATHEDRAL_IP,
	CONFIG_D_CATHEDRAL_MTU,
	CONFIG_D_SECRETDIR,
	CONFIG_D_SETTINGS,
	CONFIG_D_CATHEDRAL_P2P_SYNC,
	CONFIG_D_LITURGY_GROUP,
	CONFIG_D_LITURGY_PREFIX,
	CONFIG_D_LITURGY_DISCOVERABLE,
	CONFIG_D_DATABASE,
	CONFIG_D_METRICS,
	CONFIG_D_LOGFILE,
	CONFIG_D_CATHEDRAL_LIMIT,
	CONFIG_D_COUNT
};

/* Mode sets of the directive table. */
#define CONFIG_M(m)		(1U << (m))
#define CONFIG_M_T		CONFIG_M(SANCTUM_MODE_TUNNEL)
#define CONFIG_M_P		CONFIG_M(SANCTUM_MODE_PILGRIM)
#define CONFIG_M_S		CONFIG_M(SANCTUM_MODE_SHRINE)
#define CONFIG_M_C		CONFIG_M(SANCTUM_MODE_CATHEDRAL)
#define CONFIG_M_L		CONFIG_M(SANCTUM_MODE_LITURGY)
#define CONFIG_M_ALL		(CONFIG_M_T | CONFIG_M_P | CONFIG_M_S | \
				    CONFIG_M_C | CONFIG_M_L)

/* Directive flags. */
#define CONFIG_F_MULTI		0x01	/* may appear more than once */
#define CONFIG_F_AFTER_MODE	0x02	/* the mode must already allow it */
#define CONFIG_F_AFTER_SPI	0x04	/* "spi" must come first */

/* The state of one config_load(). */
struct config_parse {
	struct sanctum_config	*cfg;		/* being filled */
	const char		*path;		/* as passed, for messages */
	char			*err;
	size_t			 errlen;
	int			 flags;		/* CONFIG_LOAD_* */
	int			 lineno;	/* of the line being parsed */
	const char		*name;		/* of the directive being parsed */
	int			 seen[CONFIG_D_COUNT];	/* first line, 0 = absent */
	int			 run_line[SANCTUM_PROC_MAX + 1];
};

/* One row of the directive table. */
struct config_directive {
	const char	*name;
	unsigned int	 modes;		/* CONFIG_M_* where it is valid */
	int		 flags;		/* CONFIG_F_* */
	int		(*handler)(struct config_parse *, char *);
};

/* config.c */
int	config_error(struct config_parse *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* config_directives.c */
const struct config_directive	*config_directive(enum config_dir);
int				 config_directive_find(const char *);

/* config_check.c */
int	config_check(struct config_parse *);

/* config_value.c: each reports its own error and returns -1. */
int	config_ipv4(struct config_parse *, const char *, struct in_addr *);
int	config_port(struct config_parse *, const char *, uint16_t *);
int	config_addr(struct config_parse *, char *, struct sockaddr_in *);
int	config_prefixed(struct config_parse *, char *, struct in_addr *,
	    uint8_t *);
int	config_hex(struct config_parse *, const char *, uint64_t,
	    uint64_t *);
int	config_dec(struct config_parse *, const char *, uint64_t,
	    uint64_t *);
int	config_flag(struct config_parse *, const char *, const char *,
	    const char *, int *);
int	config_name(struct config_parse *, const char *, char *, size_t);
int	config_text(struct config_parse *, const char *, char *, size_t);
int	config_keyfile(struct config_parse *, const char *, off_t,
	    const char *, char *, size_t);
int	config_split(char *, char **, int);
struct in_addr	config_netmask(uint8_t);

#endif
