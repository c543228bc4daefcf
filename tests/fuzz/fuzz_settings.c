/*
 * libFuzzer harness: a cathedral settings file (cathedral.md 3.12) through
 * the importer's parser. Inputs that parse without errors count as
 * authenticated, so the replay test shows the seeds reach the whole parser.
 */

#include <stdint.h>

#include "settings.h"

#include "fuzz.h"

/* Problems are counted by the parser; nothing to do with them here. */
static void
fuzz_report(void *arg, int line, int warning, const char *msg)
{
	(void)arg;
	(void)line;
	(void)warning;
	(void)msg;
}

/* One settings buffer. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct settings	s;

	if (settings_parse((const char *)data, size, &s, fuzz_report,
	    NULL) == 0)
		fuzz_authenticated++;
	settings_free(&s);
	return (0);
}
