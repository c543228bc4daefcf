/*
 * The settings parser against cathedral.md 3.12: syntax, every listed
 * error case, the quirks (trailing blanks, reopened blocks, low bytes) and
 * the 255-character line limit, each reported on its line.
 */

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "settings.h"

/* What the parser reported for one buffer. */
struct got {
	int	errors;
	int	warnings;
	int	line;		/* of the first problem */
	char	msg[512];	/* the first problem */
};

static void
report(void *arg, int line, int warning, const char *msg)
{
	struct got	*g = arg;

	if (g->errors + g->warnings == 0) {
		g->line = line;
		snprintf(g->msg, sizeof(g->msg), "%s", msg);
	}
	if (warning)
		g->warnings++;
	else
		g->errors++;
}

/* Parse text; the result stays in s for the caller to free. */
static int
parse(const char *text, struct settings *s, struct got *g)
{
	memset(g, 0, sizeof(*g));
	return (settings_parse(text, strlen(text), s, report, g));
}

/* One bad file: exactly one error, on line, mentioning word. */
static void
bad(const char *text, int line, const char *word)
{
	struct settings	s;
	struct got	g;
	int		rc;

	rc = parse(text, &s, &g);
	CHECK(rc == 1 && g.errors == 1 && g.line == line &&
	    strstr(g.msg, word) != NULL, "'%s': want error on line %d with "
	    "'%s', got %d errors, line %d: %s", text, line, word, rc, g.line,
	    g.msg);
	settings_free(&s);
}

static void
test_good(void)
{
	struct settings	s;
	struct got	g;
	const char	*text =
	    "# cathedral settings\n"
	    "federate 203.0.113.11 4500\n"
	    "\n"
	    "   \t# indented comment\n"
	    "flock cafeba00 {\n"
	    "\tallow 0badf00d spi 0xca 0\n"
	    "\tallow 000000FE spi FE 25\n"
	    "\tambry /etc/cathedral/ambries/cafeba00.bundle\n"
	    "}\n"
	    "flock 0xDEADBEEFCAFEBA00 {\n"
	    "allow\t1\tspi\t1\t4294967295\n"
	    "}\n"
	    "xflock cafeba00 deadbeefcafeba00 /x/ab.bundle\n"
	    "federate 10.0.0.1 65535";

	CHECK(parse(text, &s, &g) == 0 && g.warnings == 0, "good file: %s",
	    g.msg);
	CHECK(s.nflocks == 2 && s.flocks[0].id == 0xcafeba00ULL &&
	    s.flocks[1].id == 0xdeadbeefcafeba00ULL, "two flocks");
	CHECK(s.flocks[0].nallow == 2 && s.flocks[0].allow[0].csid ==
	    0x0badf00d && s.flocks[0].allow[0].peer == 0xca &&
	    s.flocks[0].allow[0].mbit == 0 && s.flocks[0].allow[0].line == 6,
	    "first allow");
	CHECK(s.flocks[0].allow[1].csid == 0xfe &&
	    s.flocks[0].allow[1].peer == 0xfe &&
	    s.flocks[0].allow[1].mbit == 25, "second allow (upper case)");
	CHECK(s.flocks[0].nambry == 1 && strcmp(s.flocks[0].ambry[0].path,
	    "/etc/cathedral/ambries/cafeba00.bundle") == 0, "ambry path");
	CHECK(s.flocks[1].nallow == 1 && s.flocks[1].allow[0].mbit ==
	    4294967295U, "tabs separate fields");
	CHECK(s.nxflocks == 1 && s.xflocks[0].a == 0xcafeba00ULL &&
	    s.xflocks[0].b == 0xdeadbeefcafeba00ULL &&
	    strcmp(s.xflocks[0].path, "/x/ab.bundle") == 0 &&
	    s.xflocks[0].line == 13, "xflock");
	CHECK(s.nfederate == 2 && s.federate[0].ip[0] == 203 &&
	    s.federate[0].ip[3] == 11 && s.federate[0].port == 4500 &&
	    s.federate[1].port == 65535 && s.federate[1].line == 14,
	    "federate, last line without newline");
	settings_free(&s);

	/* Text after the flock number is not checked; nor is the brace. */
	CHECK(parse("flock cafeba00\nallow 1 spi 1 0\n}\n", &s, &g) == 0,
	    "flock without brace opens a block");
	settings_free(&s);
	CHECK(parse("allow 1 spi 1 0\n", &s, &g) == 1, "but allow needs one");
	settings_free(&s);
	/* The low byte of a flock id is cleared (with a warning). */
	CHECK(parse("flock cafeba42 {\n}\n", &s, &g) == 0 && g.warnings == 1 &&
	    s.flocks[0].id == 0xcafeba00ULL, "low byte cleared: %s", g.msg);
	settings_free(&s);
	/* A second block of a flock drops the first block's allow lines. */
	CHECK(parse("flock a00 {\nallow 1 spi 1 0\n}\nflock a00 {\n"
	    "allow 2 spi 2 0\n}\n", &s, &g) == 0 && g.warnings == 1 &&
	    g.line == 4 && s.nflocks == 1 && s.flocks[0].nallow == 1 &&
	    s.flocks[0].allow[0].csid == 2, "reopened block: %s", g.msg);
	settings_free(&s);
	/* A block left open at the end is a warning, its lines count. */
	CHECK(parse("flock a00 {\nallow 1 spi 1 0\n", &s, &g) == 0 &&
	    g.warnings == 1 && g.line == 1 && s.flocks[0].nallow == 1,
	    "unclosed block: %s", g.msg);
	settings_free(&s);
	/* A repeated identical allow line is a warning. */
	CHECK(parse("flock a00 {\nallow 1 spi 1 0\nallow 1 spi 1 0\n}\n", &s,
	    &g) == 0 && g.warnings == 1 && s.flocks[0].nallow == 1,
	    "repeated allow");
	settings_free(&s);
	/* "allow 1spi" is what %x spi matches too. */
	CHECK(parse("flock a00 {\nallow 1spi 2 3\n}\n", &s, &g) == 0 &&
	    s.flocks[0].allow[0].peer == 2, "scanf whitespace rules");
	settings_free(&s);
	/* 255 characters fit the reference's buffer. */
	{
		char	buf[300];

		memset(buf, '#', 255);
		buf[255] = '\0';
		CHECK(parse(buf, &s, &g) == 0, "255-character line");
		settings_free(&s);
	}
}

static void
test_errors(void)
{
	char	buf[300];

	bad("frobnicate 1\n", 1, "unknown keyword 'frobnicate'");
	bad("# ok\nflock\n", 2, "no space");
	bad("allow 1 spi 1 0\n", 1, "outside a flock block");
	bad("ambry /x\n", 1, "outside a flock block");
	bad("flock a00 {\nflock b00 {\n}\n", 2, "inside the block");
	bad("}\n", 1, "without an open flock block");
	bad("flock a00 {\n}\nxflock a00 b00 /p\n", 3, "not defined earlier");
	bad("xflock a00 b00 /p\nflock a00 {\n}\nflock b00 {\n}\n", 1,
	    "not defined earlier");
	bad("flock a00 {\n} \n}\n", 2, "trailing blanks");
	bad("flock a00 {\n}\r\n", 2, "CRLF");
	bad("flock zz {\n", 1, "format error");
	bad("flock -1 {\n", 1, "format error");
	bad("flock 1ffffffffffffffff {\n", 1, "format error");
	bad("flock a00 {\nallow 1 spy 1 0\n}\n", 2, "format error");
	bad("flock a00 {\nallow 1 spi 1\n}\n", 2, "format error");
	bad("flock a00 {\nallow 1 spi 1 -5\n}\n", 2, "format error");
	bad("flock a00 {\nallow 1 spi 0x1ff 0\n}\n", 2, "does not fit");
	bad("flock a00 {\nallow 100000000 spi 1 0\n}\n", 2, "does not fit");
	bad("flock a00 {\nallow 1 spi 1 4294967296\n}\n", 2, "does not fit");
	bad("flock a00 {\nallow 1 spi 0 0\n}\n", 2, "spi 0");
	bad("flock a00 {\nallow 1 spi 1 0\nallow 1 spi 1 5\n}\n", 3,
	    "conflicts with line 2");
	bad("flock a00 {\nambry /x \n}\n", 2, "blanks");
	bad("flock a00 {\nambry  /x\n}\n", 2, "blanks");
	bad("flock a00 {\nambry \n}\n", 2, "without a path");
	bad("flock a00 {\n}\nflock b00 {\n}\nxflock a01 b00 /p\n", 5,
	    "low byte");
	bad("flock a00 {\n}\nxflock a00 a00 /p\n", 3, "itself");
	bad("flock a00 {\n}\nflock b00 {\n}\nxflock a00 b00\n", 5,
	    "format error");
	bad("federate 1.2.3 4500\n", 1, "IPv4");
	bad("federate 1.2.3.4 0\n", 1, "IPv4");
	bad("federate 1.2.3.4 65536\n", 1, "format error");
	bad("federate 1.2.3.4.5.6.7.8.9 1\n", 1, "format error");
	bad("federate 1.2.3.4\n", 1, "format error");
	bad("flock a00 {\n}\n\nfoo bar\n", 4, "unknown keyword");
	{
		struct settings	s;
		struct got	g;

		memset(&g, 0, sizeof(g));
		CHECK(settings_parse("# a\nflock\0 a00 {\n", 17, &s, report,
		    &g) == 1 && g.line == 2 && strstr(g.msg, "NUL") != NULL,
		    "NUL byte: %s", g.msg);
		settings_free(&s);
	}
	memset(buf, 'x', 256);
	buf[256] = '\0';
	bad(buf, 1, "longer than 255");
	{
		char		many[33 * 32 + 1];
		size_t		off = 0;
		int		i;
		struct settings	s;
		struct got	g;

		for (i = 0; i < 33; i++)
			off += (size_t)snprintf(many + off, sizeof(many) - off,
			    "federate 10.0.0.%d 1\n", i + 1);
		CHECK(parse(many, &s, &g) == 1 && g.line == 33 &&
		    s.nfederate == 32, "33rd federate refused: %s", g.msg);
		settings_free(&s);
	}
}

int
main(void)
{
	struct settings	s;
	struct got	g;

	test_good();
	test_errors();
	CHECK(parse("", &s, &g) == 0 && s.nflocks == 0, "empty file");
	settings_free(&s);
	return (check_report("settings"));
}
