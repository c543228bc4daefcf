/*
 * hymn enroll: give this node the files its cathedral's operator made for
 * it (docs/enrollment.md), either from a sealed bundle written by
 * cathedralctl enroll --bundle, or by redeeming a one-time token of
 * cathedralctl token create at the cathedral itself.
 */

#include <stdio.h>
#include <string.h>

#include "hymn.h"
#include "hymn_enroll.h"

static const char	usage_enroll[] =
    "enroll --bundle <file> --passphrase-file <file> [--out <dir>] "
    "[--force]\n"
    "       hymn enroll --cathedral <host:port> --token <token> --out <dir> "
    "\\\n"
    "           [--node-dir <dir>] [--run-dir <dir>] [--user <user>] "
    "[--attempts <n>]";

/* The usage of both forms, then exit 1. */
void
hymn_enroll_usage(void)
{
	hymn_usage(usage_enroll);
}

/* The value of an option given, or NULL. */
char *
hymn_enroll_opt(const struct hymn_opt *o, const char *name)
{
	for (; o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0)
			return (o->value);
	}
	return (NULL);
}

/* Whether an option (a flag, too) was given. */
int
hymn_enroll_opt_set(const struct hymn_opt *o, const char *name)
{
	for (; o->name != NULL; o++) {
		if (strcmp(o->name, name) == 0)
			return (o->set);
	}
	return (0);
}

/*
 * Fill opts from argv: every word a known option, each at most once, all
 * of one form (an option of form 0 goes with either). Returns that form.
 */
static int
options(struct hymn_opt *opts, int argc, char **argv)
{
	struct hymn_opt	*o;
	int		 i, form = 0;

	for (i = 1; i < argc; i++) {
		for (o = opts; o->name != NULL; o++) {
			if (strcmp(argv[i], o->name) == 0)
				break;
		}
		if (o->name == NULL) {
			hymn_warn("unknown option '%s'", argv[i]);
			hymn_enroll_usage();
		}
		if (o->set)
			hymn_fatal("duplicate %s", o->name);
		if (o->form != 0 && form != 0 && form != o->form)
			hymn_fatal("%s does not go with the other options "
			    "given", o->name);
		if (o->form != 0)
			form = o->form;
		o->set = 1;
		if (o->flag)
			continue;
		if (++i == argc)
			hymn_fatal("%s needs a value", o->name);
		o->value = argv[i];
	}
	return (form);
}

/* enroll --bundle ... | --cathedral ...: one form or the other. */
int
hymn_cmd_enroll(int argc, char **argv)
{
	static struct hymn_opt	opts[] = {
		{ "--bundle", HYMN_ENROLL_BUNDLE, 0, NULL, 0 },
		{ "--passphrase-file", HYMN_ENROLL_BUNDLE, 0, NULL, 0 },
		{ "--force", HYMN_ENROLL_BUNDLE, 1, NULL, 0 },
		{ "--cathedral", HYMN_ENROLL_TOKEN, 0, NULL, 0 },
		{ "--token", HYMN_ENROLL_TOKEN, 0, NULL, 0 },
		{ "--out", 0, 0, NULL, 0 },
		{ "--node-dir", HYMN_ENROLL_TOKEN, 0, NULL, 0 },
		{ "--run-dir", HYMN_ENROLL_TOKEN, 0, NULL, 0 },
		{ "--user", HYMN_ENROLL_TOKEN, 0, NULL, 0 },
		{ "--attempts", HYMN_ENROLL_TOKEN, 0, NULL, 0 },
		{ NULL, 0, 0, NULL, 0 }
	};

	switch (options(opts, argc, argv)) {
	case HYMN_ENROLL_BUNDLE:
		return (hymn_enroll_bundle(opts));
	case HYMN_ENROLL_TOKEN:
		return (hymn_enroll_token(opts));
	default:
		hymn_enroll_usage();
	}
}
