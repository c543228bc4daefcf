/*
 * Sealed enrollment bundles (layout in docs/enrollment.md): a 60-byte
 * header (magic, version, algorithms, Argon2id limits, salt, nonce) that is
 * the associated data, then the sealed file list and its tag. The key is
 * Argon2id of the passphrase; every field is checked before and after
 * opening, and every secret buffer is wiped.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "enroll_bundle.h"
#include "sanctum_crypto.h"
#include "wire.h"

#define OFF_VERSION	8
#define OFF_KDF		9
#define OFF_AEAD	10
#define OFF_RESERVED	11
#define OFF_OPS		12
#define OFF_MEM		16
#define OFF_SALT	20
#define OFF_NONCE	36

/* A file name: [A-Za-z0-9._-], 1..64 characters, not starting with '.'. */
static int
name_ok(const char *name, size_t len)
{
	size_t	i;

	if (len == 0 || len > ENROLL_BUNDLE_NAME_MAX || name[0] == '.')
		return (0);
	for (i = 0; i < len; i++) {
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		    name[i] == '_' || name[i] == '-'))
			return (0);
	}
	return (1);
}

/* An absolute directory of [A-Za-z0-9._/-] without ".." components. */
static int
dir_ok(const char *dir, size_t len)
{
	size_t	i;

	if (len == 0 || len > ENROLL_BUNDLE_DIR_MAX || dir[0] != '/')
		return (0);
	for (i = 0; i < len; i++) {
		if (!((dir[i] >= 'a' && dir[i] <= 'z') ||
		    (dir[i] >= 'A' && dir[i] <= 'Z') ||
		    (dir[i] >= '0' && dir[i] <= '9') || dir[i] == '.' ||
		    dir[i] == '_' || dir[i] == '-' || dir[i] == '/'))
			return (0);
		if (dir[i] == '.' && i + 1 < len && dir[i + 1] == '.' &&
		    dir[i - 1] == '/' && (i + 2 == len || dir[i + 2] == '/'))
			return (0);
	}
	return (1);
}

/* Add a copy of a file; the name must be new. */
int
enroll_bundle_add(struct enroll_bundle *b, const char *name, uint16_t mode,
    const void *data, size_t len)
{
	struct enroll_file	*f;
	size_t			 i, nlen = strlen(name);

	if (b->nfiles >= ENROLL_BUNDLE_FILES_MAX || !name_ok(name, nlen) ||
	    len > ENROLL_BUNDLE_DATA_MAX || (mode & ~0777) != 0)
		return (-1);
	for (i = 0; i < b->nfiles; i++) {
		if (strcmp(b->files[i].name, name) == 0)
			return (-1);
	}
	f = &b->files[b->nfiles];
	if ((f->data = malloc(len == 0 ? 1 : len)) == NULL)
		return (-1);
	memcpy(f->data, data, len);
	memcpy(f->name, name, nlen + 1);
	f->mode = mode;
	f->len = len;
	b->nfiles++;
	return (0);
}

/* Wipe and release every file. */
void
enroll_bundle_free(struct enroll_bundle *b)
{
	size_t	i;

	for (i = 0; i < b->nfiles; i++) {
		sanctum_wipe(b->files[i].data, b->files[i].len);
		free(b->files[i].data);
	}
	sanctum_wipe(b, sizeof(*b));
}

/* The plaintext length of the file list. */
static size_t
plain_len(const struct enroll_bundle *b)
{
	size_t	i, n = 3 + strlen(b->dir);

	for (i = 0; i < b->nfiles; i++)
		n += 1 + strlen(b->files[i].name) + 2 + 4 + b->files[i].len;
	return (n);
}

/* Write the file list into p (plain_len() bytes). */
static void
plain_write(const struct enroll_bundle *b, uint8_t *p)
{
	size_t	i, n;

	*p++ = ENROLL_BUNDLE_VERSION;
	n = strlen(b->dir);
	*p++ = (uint8_t)n;
	memcpy(p, b->dir, n);
	p += n;
	*p++ = (uint8_t)b->nfiles;
	for (i = 0; i < b->nfiles; i++) {
		n = strlen(b->files[i].name);
		*p++ = (uint8_t)n;
		memcpy(p, b->files[i].name, n);
		p += n;
		put_be16(p, b->files[i].mode);
		put_be32(p + 2, (uint32_t)b->files[i].len);
		p += 6;
		memcpy(p, b->files[i].data, b->files[i].len);
		p += b->files[i].len;
	}
}

/* The Argon2id key of a passphrase with the header's salt and limits. */
static int
bundle_key(uint8_t key[32], const char *pass, size_t passlen,
    const uint8_t *hdr)
{
	return (sanctum_pwhash(key, 32, pass, passlen, hdr + OFF_SALT,
	    get_be32(hdr + OFF_OPS), (size_t)get_be32(hdr + OFF_MEM) * 1024));
}

/*
 * Seal the bundle: *out (malloc'd, *outlen bytes) is the header, the
 * encrypted file list and the tag.
 */
int
enroll_bundle_seal(const struct enroll_bundle *b, const char *pass,
    size_t passlen, const struct enroll_kdf *kdf, uint8_t **out,
    size_t *outlen, char *err, size_t errlen)
{
	uint8_t		key[32], *buf;
	size_t		n, total;
	int		ret;

	*out = NULL;
	if (b->nfiles == 0 || !dir_ok(b->dir, strlen(b->dir))) {
		snprintf(err, errlen, "bundle: no files, or the directory is "
		    "not an absolute path of [A-Za-z0-9._/-]");
		return (-1);
	}
	if (passlen < ENROLL_PASS_MIN || passlen > ENROLL_PASS_MAX) {
		snprintf(err, errlen, "bundle: the passphrase must have %d to "
		    "%d bytes", ENROLL_PASS_MIN, ENROLL_PASS_MAX);
		return (-1);
	}
	if (kdf->ops < ENROLL_KDF_OPS_MIN || kdf->ops > ENROLL_KDF_OPS_MAX ||
	    kdf->mem_kib < ENROLL_KDF_MEM_MIN_KIB ||
	    kdf->mem_kib > ENROLL_KDF_MEM_MAX_KIB) {
		snprintf(err, errlen, "bundle: Argon2id limits out of range");
		return (-1);
	}
	n = plain_len(b);
	total = ENROLL_BUNDLE_HDR_LEN + n + SANCTUM_TAG_LEN;
	if (total > ENROLL_BUNDLE_SIZE_MAX || (buf = malloc(total)) == NULL) {
		snprintf(err, errlen, "bundle: too large or out of memory");
		return (-1);
	}
	memcpy(buf, ENROLL_BUNDLE_MAGIC, 8);
	buf[OFF_VERSION] = ENROLL_BUNDLE_VERSION;
	buf[OFF_KDF] = ENROLL_BUNDLE_KDF;
	buf[OFF_AEAD] = ENROLL_BUNDLE_AEAD;
	buf[OFF_RESERVED] = 0;
	put_be32(buf + OFF_OPS, kdf->ops);
	put_be32(buf + OFF_MEM, kdf->mem_kib);
	sanctum_random_bytes(buf + OFF_SALT, SANCTUM_PWHASH_SALT_LEN);
	sanctum_random_bytes(buf + OFF_NONCE, SANCTUM_XNONCE_LEN);
	plain_write(b, buf + ENROLL_BUNDLE_HDR_LEN);
	ret = bundle_key(key, pass, passlen, buf);
	if (ret == 0)
		ret = sanctum_xchacha_seal(key, buf + ENROLL_BUNDLE_HDR_LEN, n,
		    buf, ENROLL_BUNDLE_HDR_LEN, buf + OFF_NONCE,
		    buf + ENROLL_BUNDLE_HDR_LEN + n);
	sanctum_wipe(key, sizeof(key));
	if (ret == -1) {
		snprintf(err, errlen, "bundle: key derivation or sealing "
		    "failed (out of memory?)");
		sanctum_wipe(buf, total);
		free(buf);
		return (-1);
	}
	*out = buf;
	*outlen = total;
	return (0);
}

/* The header fields a reader accepts. */
static int
header_ok(const uint8_t *in, size_t len, char *err, size_t errlen)
{
	uint32_t	ops, mem;

	if (len < ENROLL_BUNDLE_HDR_LEN + 3 + SANCTUM_TAG_LEN ||
	    memcmp(in, ENROLL_BUNDLE_MAGIC, 8) != 0) {
		snprintf(err, errlen, "not a sanctum enrollment bundle");
		return (-1);
	}
	if (len > ENROLL_BUNDLE_SIZE_MAX) {
		snprintf(err, errlen, "bundle: larger than %d bytes",
		    ENROLL_BUNDLE_SIZE_MAX);
		return (-1);
	}
	if (in[OFF_VERSION] != ENROLL_BUNDLE_VERSION ||
	    in[OFF_KDF] != ENROLL_BUNDLE_KDF ||
	    in[OFF_AEAD] != ENROLL_BUNDLE_AEAD || in[OFF_RESERVED] != 0) {
		snprintf(err, errlen, "bundle: unknown version %u or "
		    "algorithms %u/%u", in[OFF_VERSION], in[OFF_KDF],
		    in[OFF_AEAD]);
		return (-1);
	}
	ops = get_be32(in + OFF_OPS);
	mem = get_be32(in + OFF_MEM);
	if (ops < ENROLL_KDF_OPS_MIN || ops > ENROLL_KDF_OPS_MAX ||
	    mem < ENROLL_KDF_MEM_MIN_KIB || mem > ENROLL_KDF_MEM_MAX_KIB) {
		snprintf(err, errlen, "bundle: Argon2id limits %u passes, %u "
		    "KiB out of range", ops, mem);
		return (-1);
	}
	return (0);
}

/* Read the opened file list; anything but an exact fit is refused. */
static int
plain_read(struct enroll_bundle *b, const uint8_t *p, size_t len)
{
	const uint8_t	*end = p + len;
	size_t		 n, i, count, flen;
	uint16_t	 mode;
	char		 name[ENROLL_BUNDLE_NAME_MAX + 1];

	if (len < 3 || p[0] != ENROLL_BUNDLE_VERSION)
		return (-1);
	n = p[1];
	p += 2;
	if ((size_t)(end - p) < n + 1 || !dir_ok((const char *)p, n))
		return (-1);
	memcpy(b->dir, p, n);
	b->dir[n] = '\0';
	p += n;
	count = *p++;
	if (count == 0 || count > ENROLL_BUNDLE_FILES_MAX)
		return (-1);
	for (i = 0; i < count; i++) {
		if (end - p < 1 || (n = *p++) == 0 ||
		    (size_t)(end - p) < n + 6 || !name_ok((const char *)p, n))
			return (-1);
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		mode = get_be16(p);
		flen = get_be32(p + 2);
		p += 6;
		if ((size_t)(end - p) < flen ||
		    enroll_bundle_add(b, name, mode, p, flen) == -1)
			return (-1);
		p += flen;
	}
	return (p == end ? 0 : -1);
}

/* Open a sealed bundle with the passphrase. */
int
enroll_bundle_open(struct enroll_bundle *b, const uint8_t *in, size_t len,
    const char *pass, size_t passlen, char *err, size_t errlen)
{
	uint8_t		key[32], *plain;
	size_t		n;
	int		ret = -1;

	memset(b, 0, sizeof(*b));
	if (header_ok(in, len, err, errlen) == -1)
		return (-1);
	n = len - ENROLL_BUNDLE_HDR_LEN - SANCTUM_TAG_LEN;
	if ((plain = malloc(n)) == NULL) {
		snprintf(err, errlen, "bundle: out of memory");
		return (-1);
	}
	memcpy(plain, in + ENROLL_BUNDLE_HDR_LEN, n);
	if (bundle_key(key, pass, passlen, in) == -1)
		snprintf(err, errlen, "bundle: key derivation failed (out of "
		    "memory?)");
	else if (sanctum_xchacha_open(key, plain, n, in,
	    ENROLL_BUNDLE_HDR_LEN, in + OFF_NONCE, in + len -
	    SANCTUM_TAG_LEN) == -1)
		snprintf(err, errlen, "bundle: wrong passphrase, or the file "
		    "was damaged");
	else if (plain_read(b, plain, n) == -1)
		snprintf(err, errlen, "bundle: malformed file list");
	else
		ret = 0;
	sanctum_wipe(key, sizeof(key));
	sanctum_wipe(plain, n);
	free(plain);
	if (ret == -1)
		enroll_bundle_free(b);
	return (ret);
}

/*
 * Read a whole regular file of at most max bytes (no symlink) into a
 * malloc'd buffer; with private set, refuse one group or others can access.
 */
static uint8_t *
slurp(const char *path, size_t max, int private, size_t *len, char *err,
    size_t errlen)
{
	struct stat	 st;
	uint8_t		*buf;
	ssize_t		 r;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > max) {
		snprintf(err, errlen, "%s: not a regular file of at most %zu "
		    "bytes", path, max);
		close(fd);
		return (NULL);
	}
	if (private && (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "%s: mode %04o lets group or others "
		    "read it (use 0600)", path,
		    (unsigned int)(st.st_mode & 07777));
		close(fd);
		return (NULL);
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return (NULL);
	}
	while (off < (size_t)st.st_size &&
	    (r = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)r;
	close(fd);
	if (off != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		sanctum_wipe(buf, off);
		free(buf);
		return (NULL);
	}
	*len = off;
	return (buf);
}

/* Read and open a bundle file. */
int
enroll_bundle_read(struct enroll_bundle *b, const char *path,
    const char *pass, size_t passlen, char *err, size_t errlen)
{
	uint8_t		*buf;
	size_t		 len;
	int		 ret;

	memset(b, 0, sizeof(*b));
	if ((buf = slurp(path, ENROLL_BUNDLE_SIZE_MAX, 0, &len, err,
	    errlen)) == NULL)
		return (-1);
	ret = enroll_bundle_open(b, buf, len, pass, passlen, err, errlen);
	free(buf);
	return (ret);
}

/*
 * A passphrase file: private, 8..1024 bytes after one trailing newline
 * (or CR LF) is removed, no NUL; buf gets it NUL-terminated.
 */
int
enroll_passphrase_read(const char *path, char *buf, size_t len,
    size_t *passlen, char *err, size_t errlen)
{
	uint8_t		*raw;
	size_t		 n, size;

	if ((raw = slurp(path, ENROLL_PASS_MAX + 2, 1, &size, err,
	    errlen)) == NULL)
		return (-1);
	n = size;
	if (n > 0 && raw[n - 1] == '\n')
		n--;
	if (n > 0 && raw[n - 1] == '\r')
		n--;
	if (n < ENROLL_PASS_MIN || n > ENROLL_PASS_MAX || n >= len ||
	    memchr(raw, '\0', n) != NULL) {
		snprintf(err, errlen, "%s: a passphrase needs %d to %d bytes "
		    "and no NUL", path, ENROLL_PASS_MIN, ENROLL_PASS_MAX);
		sanctum_wipe(raw, size);
		free(raw);
		return (-1);
	}
	memcpy(buf, raw, n);
	buf[n] = '\0';
	*passlen = n;
	sanctum_wipe(raw, size);
	free(raw);
	return (0);
}
