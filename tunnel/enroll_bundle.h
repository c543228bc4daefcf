/*
 * Sealed enrollment bundles (docs/enrollment.md): every file a node needs,
 * in one file sealed under a passphrase with Argon2id and
 * XChaCha20-Poly1305. cathedralctl enroll --bundle writes one; hymn enroll
 * --bundle opens it with these functions.
 */
#ifndef SANCTUM_ENROLL_BUNDLE_H
#define SANCTUM_ENROLL_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#define ENROLL_BUNDLE_MAGIC	"SCENROL1"	/* 8 bytes, no NUL */
#define ENROLL_BUNDLE_VERSION	1
#define ENROLL_BUNDLE_KDF	1		/* Argon2id v1.3 */
#define ENROLL_BUNDLE_AEAD	1		/* XChaCha20-Poly1305-IETF */
#define ENROLL_BUNDLE_HDR_LEN	60
#define ENROLL_BUNDLE_FILES_MAX	16
#define ENROLL_BUNDLE_NAME_MAX	64
#define ENROLL_BUNDLE_DIR_MAX	255
#define ENROLL_BUNDLE_DATA_MAX	65536
#define ENROLL_BUNDLE_SIZE_MAX	(1024 * 1024)
#define ENROLL_PASS_MIN		8
#define ENROLL_PASS_MAX		1024

/* Argon2id limits: the defaults, and what a reader accepts. */
#define ENROLL_KDF_OPS		3
#define ENROLL_KDF_MEM_KIB	(64 * 1024)
#define ENROLL_KDF_OPS_MIN	1
#define ENROLL_KDF_OPS_MAX	16
#define ENROLL_KDF_MEM_MIN_KIB	(8 * 1024)
#define ENROLL_KDF_MEM_MAX_KIB	(1024 * 1024)

/* One file: a plain name (no slash), its mode and its bytes. */
struct enroll_file {
	char		name[ENROLL_BUNDLE_NAME_MAX + 1];
	uint16_t	mode;
	uint8_t		*data;
	size_t		len;
};

/* The files and the absolute directory their configuration expects. */
struct enroll_bundle {
	char			dir[ENROLL_BUNDLE_DIR_MAX + 1];
	size_t			nfiles;
	struct enroll_file	files[ENROLL_BUNDLE_FILES_MAX];
};

struct enroll_kdf {
	uint32_t	ops;
	uint32_t	mem_kib;
};

int	enroll_bundle_add(struct enroll_bundle *, const char *name,
	    uint16_t mode, const void *data, size_t len);
void	enroll_bundle_free(struct enroll_bundle *);
int	enroll_bundle_seal(const struct enroll_bundle *, const char *pass,
	    size_t passlen, const struct enroll_kdf *, uint8_t **out,
	    size_t *outlen, char *err, size_t errlen);
int	enroll_bundle_open(struct enroll_bundle *, const uint8_t *in,
	    size_t len, const char *pass, size_t passlen, char *err,
	    size_t errlen);
int	enroll_bundle_read(struct enroll_bundle *, const char *path,
	    const char *pass, size_t passlen, char *err, size_t errlen);
int	enroll_passphrase_read(const char *path, char *buf, size_t len,
	    size_t *passlen, char *err, size_t errlen);

#endif
