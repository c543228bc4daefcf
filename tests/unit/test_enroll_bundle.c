/*
 * Sealed enrollment bundles (tunnel/enroll_bundle.c): a round trip with the
 * default and the lowest Argon2id limits, through a file too; a wrong
 * passphrase, a changed header or body byte, a truncation and limits out
 * of range are refused; passphrase files are read strictly.
 */

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "enroll_bundle.h"
#include "sanctum_crypto.h"
#include "wire.h"


/* A bundle like enroll makes: four files for /etc/hymn. */
static void
make(struct enroll_bundle *b, uint8_t cs[32], uint8_t cosk[64])
{
	const char	*conf = "# auto generated, do not edit\nmode liturgy\n";

	memset(b, 0, sizeof(*b));
	snprintf(b->dir, sizeof(b->dir), "/etc/hymn");
	sanctum_random_bytes(cs, 32);
	sanctum_random_bytes(cosk, 64);
	CHECK(enroll_bundle_add(b, "id-1a2b3c4d", 0600, cs, 32) == 0 &&
	    enroll_bundle_add(b, "cosk-1a2b3c4d", 0600, cosk, 64) == 0 &&
	    enroll_bundle_add(b, "kek-cafeba00-ca", 0600, cs, 32) == 0 &&
	    enroll_bundle_add(b, "cafeba00-ca-00.conf", 0644, conf,
	    strlen(conf)) == 0, "add four files");
	CHECK(enroll_bundle_add(b, "id-1a2b3c4d", 0600, cs, 32) == -1,
	    "a duplicate name is refused");
	CHECK(enroll_bundle_add(b, "../x", 0600, cs, 32) == -1 &&
	    enroll_bundle_add(b, ".hidden", 0600, cs, 32) == -1 &&
	    enroll_bundle_add(b, "a/b", 0600, cs, 32) == -1,
	    "names with a slash or a leading dot are refused");
	CHECK(enroll_bundle_add(b, "x", 01777, cs, 32) == -1,
	    "modes beyond 0777 are refused");
}

/* Seal, open, and every kind of damage refused. */
static void
test_round_trip(void)
{
	struct enroll_kdf	 def = { ENROLL_KDF_OPS, ENROLL_KDF_MEM_KIB };
	struct enroll_kdf	 low = { 1, ENROLL_KDF_MEM_MIN_KIB };
	struct enroll_kdf	 bad = { 1, 1024 };
	struct enroll_bundle	 b, back;
	uint8_t			 cs[32], cosk[64], *sealed;
	size_t			 len;
	char			 err[256];
	const char		*pass = "correct horse battery";

	make(&b, cs, cosk);
	CHECK(enroll_bundle_seal(&b, pass, strlen(pass), &def, &sealed, &len,
	    err, sizeof(err)) == 0, "seal: %s", err);
	CHECK(memmem(sealed, len, cs, 32) == NULL &&
	    memmem(sealed, len, cosk, 64) == NULL, "no secret in the clear");
	CHECK(memcmp(sealed, "SCENROL1", 8) == 0 && sealed[8] == 1 &&
	    get_be32(sealed + 12) == ENROLL_KDF_OPS &&
	    get_be32(sealed + 16) == ENROLL_KDF_MEM_KIB, "header");
	CHECK(enroll_bundle_open(&back, sealed, len, pass, strlen(pass), err,
	    sizeof(err)) == 0, "open: %s", err);
	CHECK(back.nfiles == 4 && strcmp(back.dir, "/etc/hymn") == 0 &&
	    strcmp(back.files[0].name, "id-1a2b3c4d") == 0 &&
	    back.files[0].len == 32 && memcmp(back.files[0].data, cs,
	    32) == 0 && back.files[1].len == 64 &&
	    memcmp(back.files[1].data, cosk, 64) == 0 &&
	    back.files[3].mode == 0644 && back.files[0].mode == 0600,
	    "files back");
	enroll_bundle_free(&back);
	CHECK(enroll_bundle_open(&back, sealed, len, "wrong horse battery",
	    19, err, sizeof(err)) == -1 && strstr(err, "passphrase") != NULL,
	    "wrong passphrase: %s", err);
	free(sealed);

	CHECK(enroll_bundle_seal(&b, pass, strlen(pass), &low, &sealed, &len,
	    err, sizeof(err)) == 0, "seal with the lowest limits: %s", err);
	sealed[len - 1] ^= 1;
	CHECK(enroll_bundle_open(&back, sealed, len, pass, strlen(pass), err,
	    sizeof(err)) == -1, "a changed tag is refused");
	sealed[len - 1] ^= 1;
	sealed[40] ^= 1;
	CHECK(enroll_bundle_open(&back, sealed, len, pass, strlen(pass), err,
	    sizeof(err)) == -1, "a changed nonce (associated data) is refused");
	sealed[40] ^= 1;
	sealed[ENROLL_BUNDLE_HDR_LEN + 2] ^= 1;
	CHECK(enroll_bundle_open(&back, sealed, len, pass, strlen(pass), err,
	    sizeof(err)) == -1, "a changed body byte is refused");
	sealed[ENROLL_BUNDLE_HDR_LEN + 2] ^= 1;
	CHECK(enroll_bundle_open(&back, sealed, len - 1, pass, strlen(pass),
	    err, sizeof(err)) == -1, "a truncated bundle is refused");
	put_be32(sealed + 16, 1024 * 1024 * 2);
	CHECK(enroll_bundle_open(&back, sealed, len, pass, strlen(pass), err,
	    sizeof(err)) == -1 && strstr(err, "limits") != NULL,
	    "limits beyond the maximum are refused before deriving: %s", err);
	put_be32(sealed + 16, ENROLL_KDF_MEM_MIN_KIB);
	sealed[0] = 'X';
	CHECK(enroll_bundle_open(&back, sealed, len, pass, strlen(pass), err,
	    sizeof(err)) == -1 && strstr(err, "not a sanctum") != NULL,
	    "bad magic");
	sealed[0] = 'S';
	scratch_put(scratch_at("node.bundle"), sealed, len, 0600);
	CHECK(enroll_bundle_read(&back, scratch_at("node.bundle"), pass, strlen(pass),
	    err, sizeof(err)) == 0 && back.nfiles == 4, "read a file: %s",
	    err);
	enroll_bundle_free(&back);
	unlink(scratch_at("link.bundle"));
	CHECK(symlink(scratch_at("node.bundle"), scratch_at("link.bundle")) == 0 &&
	    enroll_bundle_read(&back, scratch_at("link.bundle"), pass, strlen(pass),
	    err, sizeof(err)) == -1, "a symlink is refused");
	free(sealed);

	CHECK(enroll_bundle_seal(&b, "short", 5, &low, &sealed, &len, err,
	    sizeof(err)) == -1, "short passphrase refused");
	CHECK(enroll_bundle_seal(&b, pass, strlen(pass), &bad, &sealed, &len,
	    err, sizeof(err)) == -1, "limits below the minimum refused");
	snprintf(b.dir, sizeof(b.dir), "etc/hymn");
	CHECK(enroll_bundle_seal(&b, pass, strlen(pass), &low, &sealed, &len,
	    err, sizeof(err)) == -1, "relative directory refused");
	snprintf(b.dir, sizeof(b.dir), "/etc/../hymn");
	CHECK(enroll_bundle_seal(&b, pass, strlen(pass), &low, &sealed, &len,
	    err, sizeof(err)) == -1, "'..' in the directory refused");
	enroll_bundle_free(&b);
}

/* Passphrase files: newline, mode, length, NUL. */
static void
test_passphrase(void)
{
	char	pass[ENROLL_PASS_MAX + 1], err[512];
	size_t	len;

	scratch_put(scratch_at("pass"), "secret words\n", 13, 0600);
	CHECK(enroll_passphrase_read(scratch_at("pass"), pass, sizeof(pass), &len, err,
	    sizeof(err)) == 0 && len == 12 && strcmp(pass, "secret words") ==
	    0, "one newline stripped: %s", err);
	scratch_put(scratch_at("pass"), "secret words\r\n", 14, 0600);
	CHECK(enroll_passphrase_read(scratch_at("pass"), pass, sizeof(pass), &len, err,
	    sizeof(err)) == 0 && len == 12, "CR LF stripped");
	scratch_put(scratch_at("pass"), "secret words\n", 13, 0644);
	CHECK(enroll_passphrase_read(scratch_at("pass"), pass, sizeof(pass), &len, err,
	    sizeof(err)) == -1 && strstr(err, "0644") != NULL,
	    "a readable passphrase file is refused: %s", err);
	scratch_put(scratch_at("pass"), "short\n", 6, 0600);
	CHECK(enroll_passphrase_read(scratch_at("pass"), pass, sizeof(pass), &len, err,
	    sizeof(err)) == -1, "too short");
	scratch_put(scratch_at("pass"), "with\0nul bytes", 14, 0600);
	CHECK(enroll_passphrase_read(scratch_at("pass"), pass, sizeof(pass), &len, err,
	    sizeof(err)) == -1, "NUL refused");
}

/* All cases in a scratch directory. */
int
main(void)
{
	if (sanctum_crypto_init() == -1 || scratch_create("enroll_bundle") == -1)
		return (1);
	test_round_trip();
	test_passphrase();
	if (scratch_remove() == -1)
		return (1);
	return (check_report("enroll_bundle"));
}
