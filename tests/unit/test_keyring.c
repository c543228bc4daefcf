/*
 * The operator's keyring (cathedral/keyring.c): the canonical text parsed
 * and written back byte for byte, every malformed line refused with its
 * FILE:LINE, a private mode and no symlink required, an atomic save that
 * leaves no .new behind, and the lock that serialises two operators.
 */

#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "keyring.h"
#include "sanctum_crypto.h"


static const char	good[] =
    "sanctum-keyring 1\n"
    "flock cafeba00\n"
    "kek 01 0101010101010101010101010101010101010101010101010101010101010101\n"
    "kek ca cacacacacacacacacacacacacacacacacacacacacacacacacacacacacacacaca\n"
    "flock deadbeefcafeba00\n"
    "kek ff ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n"
    "end\n";

/* The whole file as text. */
static char *
slurp(const char *path)
{
	static char	buf[8192];
	FILE		*fp;
	size_t		 n;

	buf[0] = '\0';
	if ((fp = fopen(path, "r")) != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, fp);
		buf[n] = '\0';
		fclose(fp);
	}
	return (buf);
}

/* A good keyring and the lookups on it. */
static void
test_parse(void)
{
	struct keyring	 kr;
	const uint8_t	*k;
	char		 err[256];

	CHECK(keyring_parse(&kr, good, strlen(good), "kr", err,
	    sizeof(err)) == 0, "good keyring: %s", err);
	CHECK(kr.nflocks == 2 && keyring_count(&kr, 0xcafeba00) == 2 &&
	    keyring_count(&kr, 0xdeadbeefcafeba00ULL) == 1 &&
	    keyring_count(&kr, 0x1200) == 0, "counts");
	k = keyring_get(&kr, 0xcafeba00, 0xca);
	CHECK(k != NULL && k[0] == 0xca && k[31] == 0xca, "kek ca");
	k = keyring_get(&kr, 0xdeadbeefcafeba00ULL, 0xff);
	CHECK(k != NULL && k[0] == 0xff && k[31] == 0x00, "kek ff");
	CHECK(keyring_get(&kr, 0xcafeba00, 0x02) == NULL &&
	    keyring_get(&kr, 0xcafeba00, 0) == NULL, "absent ids");
	keyring_free(&kr);
	CHECK(keyring_parse(&kr, "sanctum-keyring 1\nend\n", 22, "kr", err,
	    sizeof(err)) == 0 && kr.nflocks == 0, "an empty keyring");
	keyring_free(&kr);
}

/* A keyring text that must be refused with "kr:LINE:" and a phrase. */
static void
refused(const char *text, int line, const char *phrase)
{
	struct keyring	kr;
	char		err[256], want[32];

	snprintf(want, sizeof(want), "kr:%d: ", line);
	CHECK(keyring_parse(&kr, text, strlen(text), "kr", err,
	    sizeof(err)) == -1 && strncmp(err, want, strlen(want)) == 0 &&
	    strstr(err, phrase) != NULL && kr.nflocks == 0,
	    "want '%s...%s', got '%s'", want, phrase, err);
}

#define KEK64	"0101010101010101010101010101010101010101010101010101010101010101"

/* Each malformed line, refused at its line. */
static void
test_refusals(void)
{
	refused("", 0, "empty");
	refused("sanctum-keyring 2\nend\n", 1, "not a keyring");
	refused("sanctum-keyring 1\n", 1, "missing 'end'");
	refused("sanctum-keyring 1\nend", 2, "no newline");
	refused("sanctum-keyring 1\nend\nend\n", 3, "after 'end'");
	refused("sanctum-keyring 1\nflock cafeba00\nend\n", 3, "no kek lines");
	refused("sanctum-keyring 1\nflock cafeba00\nflock cafeba01\n", 3,
	    "no kek lines");
	refused("sanctum-keyring 1\nflock cafeba01\n", 2, "domain byte");
	refused("sanctum-keyring 1\nflock 0cafeba00\n", 2, "leading zeros");
	refused("sanctum-keyring 1\nflock CAFEBA00\n", 2, "lowercase");
	refused("sanctum-keyring 1\nflock 12345678901234567\n", 2, "16");
	refused("sanctum-keyring 1\nkek 01 " KEK64 "\n", 2, "before any flock");
	refused("sanctum-keyring 1\nflock cafeba00\nkek 00 " KEK64 "\n", 3,
	    "01..ff");
	refused("sanctum-keyring 1\nflock cafeba00\nkek 02 " KEK64 "\n"
	    "kek 01 " KEK64 "\n", 4, "ascending");
	refused("sanctum-keyring 1\nflock cafeba00\nkek 02 " KEK64 "\n"
	    "kek 02 " KEK64 "\n", 4, "each once");
	refused("sanctum-keyring 1\nflock cafeba00\nkek 02 " KEK64 "0\n", 3,
	    "64 lowercase");
	refused("sanctum-keyring 1\nflock cafeba00\nkek 02 "
	    "010101010101010101010101010101010101010101010101010101010101010G\n",
	    3, "64 lowercase");
	refused("sanctum-keyring 1\nflock cafeba00\nkek 0A " KEK64 "\n", 3,
	    "expected 'kek NN'");
	refused("sanctum-keyring 1\nflock cafeba00\nkek 02  " KEK64 "\n", 3,
	    "expected");
	refused("sanctum-keyring 1\nflock deadbeefcafeba00\nkek 02 " KEK64 "\n"
	    "flock cafeba00\n", 4, "out of order");
	refused("sanctum-keyring 1\n# comment\nend\n", 2, "unknown line");
	refused("sanctum-keyring 1\n\nend\n", 2, "unknown line");
	refused("sanctum-keyring 1\r\nend\n", 1, "not a keyring");
	refused("sanctum-keyring 1\nend \n", 2, "unknown line");
}

/* NUL bytes need a length, not a string. */
static void
test_nul(void)
{
	struct keyring	kr;
	char		err[256];
	const char	text[] = "sanctum-keyring 1\nen\0d\nend\n";

	CHECK(keyring_parse(&kr, text, sizeof(text) - 1, "kr", err,
	    sizeof(err)) == -1 && strstr(err, "kr:2: NUL") != NULL,
	    "NUL: %s", err);
}

/* Load, save, modes, symlinks and the lock. */
static void
test_files(void)
{
	const char	*half = "sanctum-keyring 1\nflock cafeba00\n";
	struct keyring	 kr;
	struct stat	 st;
	uint8_t		 kek[32];
	char		 err[512];
	int		 missing, fd;
	pid_t		 pid;
	int		 status;

	CHECK(keyring_load(&kr, scratch_at("none"), &missing, err, sizeof(err)) == 0 &&
	    missing == 1 && kr.nflocks == 0, "a missing keyring is empty");
	scratch_put(scratch_at("kr"), good, strlen(good), 0600);
	CHECK(keyring_load(&kr, scratch_at("kr"), &missing, err, sizeof(err)) == 0 &&
	    !missing && kr.nflocks == 2, "load: %s", err);
	CHECK(keyring_save(&kr, scratch_at("saved"), err, sizeof(err)) == 0 &&
	    strcmp(slurp(scratch_at("saved")), good) == 0, "saved byte for byte");
	CHECK(stat(scratch_at("saved"), &st) == 0 && (st.st_mode & 0777) == 0600 &&
	    access(scratch_at("saved.new"), F_OK) == -1, "0600, no .new left");
	memset(kek, 0x11, sizeof(kek));
	CHECK(keyring_set(&kr, 0x1200, 0x05, kek) == 0 &&
	    keyring_set(&kr, 0x1201, 0x05, kek) == -1 &&
	    keyring_set(&kr, 0x1200, 0, kek) == -1, "set checks");
	CHECK(keyring_del(&kr, 0xdeadbeefcafeba00ULL, 0xff) == 1 &&
	    keyring_del(&kr, 0xdeadbeefcafeba00ULL, 0xff) == 0 &&
	    kr.nflocks == 2, "deleting the last KEK drops the flock");
	CHECK(keyring_save(&kr, scratch_at("saved"), err, sizeof(err)) == 0 &&
	    strcmp(slurp(scratch_at("saved")), "sanctum-keyring 1\nflock 1200\n"
	    "kek 05 1111111111111111111111111111111111111111111111111111111111"
	    "111111\nflock cafeba00\nkek 01 " KEK64 "\nkek ca cacacacacacacaca"
	    "cacacacacacacacacacacacacacacacacacacacacacacaca\nend\n") == 0,
	    "rewritten in order: %s", slurp(scratch_at("saved")));
	keyring_free(&kr);

	chmod(scratch_at("kr"), 0640);
	CHECK(keyring_load(&kr, scratch_at("kr"), &missing, err, sizeof(err)) == -1 &&
	    strstr(err, "chmod 600") != NULL, "group-readable refused: %s",
	    err);
	chmod(scratch_at("kr"), 0600);
	unlink(scratch_at("link"));
	CHECK(symlink(scratch_at("kr"), scratch_at("link")) == 0 &&
	    keyring_load(&kr, scratch_at("link"), &missing, err, sizeof(err)) == -1,
	    "a symlink is refused");
	scratch_put(scratch_at("kr"), half, strlen(half), 0600);
	CHECK(keyring_load(&kr, scratch_at("kr"), &missing, err, sizeof(err)) == -1 &&
	    strstr(err, "/kr:2: ") != NULL, "FILE:LINE: %s", err);

	CHECK((fd = keyring_lock(scratch_at("kr"), err, sizeof(err))) != -1,
	    "lock: %s", err);
	if ((pid = fork()) == 0) {
		int	lfd = open(scratch_at("kr.lock"), O_RDWR);

		_exit(lfd != -1 && flock(lfd, LOCK_EX | LOCK_NB) == -1 &&
		    errno == EWOULDBLOCK ? 0 : 1);
	}
	CHECK(pid != -1 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "another process cannot take the lock");
	keyring_unlock(fd);
}

/* All cases in a scratch directory. */
int
main(void)
{
	if (sanctum_crypto_init() == -1 || scratch_create("keyring") == -1)
		return (1);
	test_parse();
	test_refusals();
	test_nul();
	test_files();
	if (scratch_remove() == -1)
		return (1);
	return (check_report("keyring"));
}
