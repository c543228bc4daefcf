/*
 * The keyword/value arguments shared by hymn add and hymn liturgy.
 */
#ifndef HYMN_ARGS_H
#define HYMN_ARGS_H

/* The model being filled and what the checks after parsing need. */
struct hymn_args {
	struct hymn_conf	*c;
	const char		*usage;
	const char		*user;		/* the user keyword */
	int			tunnel;		/* tunnel given */
	int			peer;		/* peer given (even 0.0.0.0) */
	int			prefix;		/* liturgy prefix given */
	int			group;		/* liturgy group given */
};

void	hymn_args_parse(struct hymn_args *, const char *const *, int,
	    char **);

#endif
