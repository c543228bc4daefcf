/*
 * sanctum: the daemon of every mode.
 *   sanctum -c FILE [-d] [-n] [-v]
 * -n checks the configuration and prints it as it is in effect; -d runs in
 * the background; -v prints the version and the compiled-in backends.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keccak.h"
#include "sanctum.h"

/* Usage on a bad command line. */
static void
usage(void)
{
	fprintf(stderr, "usage: sanctum -c config [-d] [-n] [-v]\n");
	exit(1);
}

/* The version and what this build uses. */
static void
version(void)
{
	printf("%s\n", SANCTUM_VERSION);
	printf("configuration:\n");
	printf("  kem      : mlkem1024 (own, FIPS 203)\n");
	printf("  cipher   : libsodium-aes-gcm\n");
	printf("  kdf      : kmac256 (own, SP 800-185)\n");
	printf("  asymmetry: libsodium-x25519\n");
	printf("  signature: libsodium-ed25519\n");
}

/* KMAC256 must give NIST SP 800-185 sample #4 before we trust it. */
static int
kmac_selftest(void)
{
	static const uint8_t	want[8] = {
		0x20, 0xc5, 0x70, 0xc3, 0x13, 0x46, 0xf7, 0x03
	};
	uint8_t			key[32], out[64], x[4] = { 0, 1, 2, 3 };
	int			i;

	for (i = 0; i < 32; i++)
		key[i] = (uint8_t)(0x40 + i);
	if (kmac256(out, sizeof(out), key, sizeof(key),
	    "My Tagged Application", x, sizeof(x)) == -1)
		return (-1);
	return (memcmp(out, want, sizeof(want)) == 0 ? 0 : -1);
}

int
main(int argc, char **argv)
{
	static struct sanctum_config	cfg;
	const char			*conf = NULL;
	char				err[1024];
	int				ch, daemonize = 0, check = 0;

	proctitle_init(argc, argv);
	while ((ch = getopt(argc, argv, "c:dhnv")) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'd':
			daemonize = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			version();
			return (0);
		default:
			usage();
		}
	}
	if (conf == NULL || optind != argc)
		usage();
	if (sanctum_crypto_init() == -1)
		return (1);
	if (kmac_selftest() == -1) {
		fprintf(stderr, "sanctum: KMAC256 self-test failed\n");
		return (1);
	}
	if (config_load(&cfg, conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return (1);
	}
	if (check) {
		config_print(&cfg, stdout);
		return (0);
	}
	if (geteuid() != 0) {
		fprintf(stderr, "sanctum: must be started as root\n");
		return (1);
	}
	guardian_run(&cfg, daemonize);
}
