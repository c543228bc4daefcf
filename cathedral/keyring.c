/*
 * The operator's KEK keyring (keyring.h, docs/enrollment.md). The file is
 * the canonical text the writer produces and nothing else:
 *
 *	sanctum-keyring 1
 *	flock <id, lowercase hex, no leading zeros, ascending>
 *	kek <peer id, 2 lowercase hex digits, ascending> <64 lowercase hex>
 *	...
 *	end
 *
 * Every line ends in a newline; a flock has at least one kek line. It is
 * rewritten atomically (.new, fsync, rename, fsync of the directory) under
 * an exclusive lock on <file>.lock, so two operators cannot lose a KEK.
 */

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyring.h"
#include "sanctum_crypto.h"

#define KEYRING_FLOCKS_MAX	1024
#define KEYRING_KEK_LINE	71	/* "kek NN " and 64 hex digits */

static const char	hexdigits[] = "0123456789abcdef";

/* Parser position for FILE:LINE messages. */
struct kr_parse {
	const char	*name;
	int		 line;
	char		*err;
	size_t		 errlen;
};

/* FILE:LINE: message; returns -1. */
static int __attribute__((format(printf, 2, 3)))
kr_error(struct kr_parse *p, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return (-1);
}

/* The value of a lowercase hex digit, -1 for anything else. */
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* n lowercase hex digits as bytes (n even). */
static int
hex_bytes(const char *s, size_t n, uint8_t *out)
{
	size_t	i;
	int	hi, lo;

	for (i = 0; i < n; i += 2) {
		if ((hi = hexval(s[i])) == -1 || (lo = hexval(s[i + 1])) == -1)
			return (-1);
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (0);
}

/* The flock of a lookup, NULL when it has none. */
static struct keyring_flock *
kr_find(const struct keyring *kr, uint64_t flock)
{
	size_t	i;

	for (i = 0; i < kr->nflocks; i++) {
		if (kr->flocks[i].id == flock)
			return (&kr->flocks[i]);
	}
	return (NULL);
}

/* Insert an empty flock at its place in the order. */
static struct keyring_flock *
kr_insert(struct keyring *kr, uint64_t flock)
{
	struct keyring_flock	*nf;
	size_t			 i;

	if (kr->nflocks >= KEYRING_FLOCKS_MAX ||
	    (nf = calloc(kr->nflocks + 1, sizeof(*nf))) == NULL)
		return (NULL);
	for (i = 0; i < kr->nflocks && kr->flocks[i].id < flock; i++)
		;
	if (kr->nflocks > 0) {
		memcpy(nf, kr->flocks, i * sizeof(*nf));
		memcpy(nf + i + 1, kr->flocks + i,
		    (kr->nflocks - i) * sizeof(*nf));
		sanctum_wipe(kr->flocks, kr->nflocks * sizeof(*nf));
	}
	free(kr->flocks);
	kr->flocks = nf;
	kr->nflocks++;
	nf[i].id = flock;
	return (&nf[i]);
}

/* "flock <hex>": canonical, a flock id, above the previous one. */
static int
kr_flock_line(struct kr_parse *p, struct keyring *kr, const char *s,
    size_t n, struct keyring_flock **cur)
{
	uint64_t	id = 0;
	size_t		i;
	int		v;

	if (*cur != NULL && keyring_count(kr, (*cur)->id) == 0)
		return (kr_error(p, "flock %llx has no kek lines",
		    (unsigned long long)(*cur)->id));
	if (n == 0 || n > 16 || s[0] == '0')
		return (kr_error(p, "flock: 1 to 16 lowercase hex digits "
		    "without leading zeros"));
	for (i = 0; i < n; i++) {
		if ((v = hexval(s[i])) == -1)
			return (kr_error(p, "flock: 1 to 16 lowercase hex "
			    "digits without leading zeros"));
		id = id << 4 | (uint64_t)v;
	}
	if ((id & 0xff) != 0)
		return (kr_error(p, "flock %llx has a domain byte (low 8 bits "
		    "must be 0)", (unsigned long long)id));
	if (kr->nflocks > 0 && id <= kr->flocks[kr->nflocks - 1].id)
		return (kr_error(p, "flock %llx out of order (flocks ascend, "
		    "each once)", (unsigned long long)id));
	if ((*cur = kr_insert(kr, id)) == NULL)
		return (kr_error(p, "more than %d flocks or out of memory",
		    KEYRING_FLOCKS_MAX));
	return (0);
}

/* "kek NN <64 hex>": a peer id above the previous one of the flock. */
static int
kr_kek_line(struct kr_parse *p, struct keyring_flock *cur, const char *s,
    size_t n, int *last)
{
	uint8_t		id;

	if (cur == NULL)
		return (kr_error(p, "kek line before any flock line"));
	if (n != KEYRING_KEK_LINE || s[6] != ' ' ||
	    hex_bytes(s + 4, 2, &id) == -1)
		return (kr_error(p, "kek: expected 'kek NN' and 64 lowercase "
		    "hex digits"));
	if (id == 0 || id <= *last)
		return (kr_error(p, "kek %02x: peer ids are 01..ff, ascending, "
		    "each once", id));
	if (hex_bytes(s + 7, 64, cur->kek[id]) == -1) {
		sanctum_wipe(cur->kek[id], sizeof(cur->kek[id]));
		return (kr_error(p, "kek %02x: expected 64 lowercase hex "
		    "digits", id));
	}
	cur->have[id] = 1;
	*last = id;
	return (0);
}

/* One line (without its newline). */
static int
kr_line(struct kr_parse *p, struct keyring *kr, const char *s, size_t n,
    struct keyring_flock **cur, int *last, int *done)
{
	if (*done)
		return (kr_error(p, "text after 'end'"));
	if (memchr(s, '\0', n) != NULL)
		return (kr_error(p, "NUL byte"));
	if (p->line == 1) {
		if (n != strlen(KEYRING_MAGIC) ||
		    memcmp(s, KEYRING_MAGIC, n) != 0)
			return (kr_error(p, "not a keyring: the first line "
			    "must be '%s'", KEYRING_MAGIC));
		return (0);
	}
	if (n > 6 && memcmp(s, "flock ", 6) == 0) {
		*last = 0;
		return (kr_flock_line(p, kr, s + 6, n - 6, cur));
	}
	if (n > 4 && memcmp(s, "kek ", 4) == 0)
		return (kr_kek_line(p, *cur, s, n, last));
	if (n == 3 && memcmp(s, "end", 3) == 0) {
		if (*cur != NULL && keyring_count(kr, (*cur)->id) == 0)
			return (kr_error(p, "flock %llx has no kek lines",
			    (unsigned long long)(*cur)->id));
		*done = 1;
		return (0);
	}
	return (kr_error(p, "unknown line (expected flock, kek or end)"));
}

/* Parse a whole keyring; on error kr is empty and err says FILE:LINE. */
int
keyring_parse(struct keyring *kr, const char *buf, size_t len,
    const char *name, char *err, size_t errlen)
{
	struct kr_parse		 p = { name, 0, err, errlen };
	struct keyring_flock	*cur = NULL;
	const char		*s = buf, *end = buf + len, *nl;
	int			 last = 0, done = 0;

	memset(kr, 0, sizeof(*kr));
	if (len > KEYRING_SIZE_MAX)
		return (kr_error(&p, "larger than %d bytes",
		    KEYRING_SIZE_MAX));
	while (s < end) {
		p.line++;
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL) {
			kr_error(&p, "no newline at the end of the line "
			    "(truncated file?)");
			goto fail;
		}
		if (kr_line(&p, kr, s, (size_t)(nl - s), &cur, &last,
		    &done) == -1)
			goto fail;
		s = nl + 1;
	}
	if (!done) {
		kr_error(&p, p.line == 0 ? "empty file" :
		    "missing 'end' (truncated file?)");
		goto fail;
	}
	return (0);
fail:
	keyring_free(kr);
	return (-1);
}

/*
 * Read the keyring at path: a private regular file of ours, no symlink.
 * A missing file is an empty keyring with *missing set.
 */
int
keyring_load(struct keyring *kr, const char *path, int *missing, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd, ret;

	memset(kr, 0, sizeof(*kr));
	*missing = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno == ENOENT) {
			*missing = 1;
			return (0);
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > KEYRING_SIZE_MAX) {
		snprintf(err, errlen, "%s: not a regular file of at most %d "
		    "bytes", path, KEYRING_SIZE_MAX);
		close(fd);
		return (-1);
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: mode %04o lets group or others read "
		    "the KEKs (chmod 600 %s)", path,
		    (unsigned int)(st.st_mode & 07777), path);
		close(fd);
		return (-1);
	}
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s: owned by uid %u, not by uid %u who "
		    "runs this: refusing KEKs someone else may have written",
		    path, (unsigned int)st.st_uid, (unsigned int)geteuid());
		close(fd);
		return (-1);
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return (-1);
	}
	while (off < (size_t)st.st_size &&
	    (n = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	if (off != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		ret = -1;
	} else
		ret = keyring_parse(kr, buf, off, path, err, errlen);
	sanctum_wipe(buf, off);
	free(buf);
	return (ret);
}

/* The canonical text; malloc'd, *len bytes (wipe before freeing). */
static char *
kr_render(const struct keyring *kr, size_t *len)
{
	const struct keyring_flock	*f;
	char				*buf, *p;
	size_t				 i, id, k, max;

	max = strlen(KEYRING_MAGIC) + 1 + 4 + kr->nflocks *
	    (6 + 16 + 1 + (KEYRING_IDS - 1) * (KEYRING_KEK_LINE + 1));
	if ((buf = malloc(max + 1)) == NULL)
		return (NULL);
	p = buf + snprintf(buf, max + 1, "%s\n", KEYRING_MAGIC);
	for (i = 0; i < kr->nflocks; i++) {
		f = &kr->flocks[i];
		if (keyring_count(kr, f->id) == 0)
			continue;
		p += snprintf(p, max + 1 - (size_t)(p - buf), "flock %llx\n",
		    (unsigned long long)f->id);
		for (id = 1; id < KEYRING_IDS; id++) {
			if (!f->have[id])
				continue;
			p += snprintf(p, max + 1 - (size_t)(p - buf),
			    "kek %02zx ", id);
			for (k = 0; k < 32; k++) {
				*p++ = hexdigits[f->kek[id][k] >> 4];
				*p++ = hexdigits[f->kek[id][k] & 0xf];
			}
			*p++ = '\n';
		}
	}
	memcpy(p, "end\n", 4);
	p += 4;
	*len = (size_t)(p - buf);
	return (buf);
}

/* fsync the directory holding path, so a rename in it is durable. */
static int
kr_sync_dir(const char *path)
{
	char	buf[4096];
	int	fd, ret;

	if (strlen(path) >= sizeof(buf))
		return (-1);
	memcpy(buf, path, strlen(path) + 1);
	if ((fd = open(dirname(buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return (-1);
	ret = fsync(fd);
	close(fd);
	return (ret);
}

/* Write the keyring atomically: <path>.new 0600, fsync, rename, fsync. */
int
keyring_save(const struct keyring *kr, const char *path, char *err,
    size_t errlen)
{
	char		*buf, tmp[4096];
	size_t		 len, off = 0;
	ssize_t		 n;
	int		 fd, ret = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >=
	    sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return (-1);
	}
	if ((buf = kr_render(kr, &len)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return (-1);
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1)
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	else {
		while (off < len && (n = write(fd, buf + off, len - off)) > 0)
			off += (size_t)n;
		if (off != len || fchmod(fd, 0600) == -1 || fsync(fd) == -1)
			snprintf(err, errlen, "%s: write failed: %s", tmp,
			    strerror(errno));
		else
			ret = 0;
		if (close(fd) == -1 && ret == 0) {
			snprintf(err, errlen, "%s: close: %s", tmp,
			    strerror(errno));
			ret = -1;
		}
		if (ret == 0 && rename(tmp, path) == -1) {
			snprintf(err, errlen, "%s: rename: %s", path,
			    strerror(errno));
			ret = -1;
		}
		if (ret == -1)
			(void)unlink(tmp);
		else if (kr_sync_dir(path) == -1) {
			snprintf(err, errlen, "%s: fsync of its directory: %s",
			    path, strerror(errno));
			ret = -1;
		}
	}
	sanctum_wipe(buf, len);
	free(buf);
	return (ret);
}

/* Take the exclusive lock <path>.lock; returns its descriptor or -1. */
int
keyring_lock(const char *path, char *err, size_t errlen)
{
	char	lock[4096];
	int	fd;

	if ((size_t)snprintf(lock, sizeof(lock), "%s.lock", path) >=
	    sizeof(lock)) {
		snprintf(err, errlen, "%s: path too long", path);
		return (-1);
	}
	fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		return (-1);
	}
	if (flock(fd, LOCK_EX) == -1) {
		snprintf(err, errlen, "%s: lock: %s", lock, strerror(errno));
		close(fd);
		return (-1);
	}
	return (fd);
}

/* Release the lock. */
void
keyring_unlock(int fd)
{
	if (fd != -1)
		close(fd);
}

/* The KEK of a peer id of a flock, NULL when there is none. */
const uint8_t *
keyring_get(const struct keyring *kr, uint64_t flock, uint8_t id)
{
	const struct keyring_flock	*f = kr_find(kr, flock);

	if (f == NULL || id == 0 || !f->have[id])
		return (NULL);
	return (f->kek[id]);
}

/* Set (add or replace) the KEK of a peer id of a flock. */
int
keyring_set(struct keyring *kr, uint64_t flock, uint8_t id,
    const uint8_t kek[32])
{
	struct keyring_flock	*f;

	if (flock == 0 || (flock & 0xff) != 0 || id == 0)
		return (-1);
	if ((f = kr_find(kr, flock)) == NULL &&
	    (f = kr_insert(kr, flock)) == NULL)
		return (-1);
	memcpy(f->kek[id], kek, 32);
	f->have[id] = 1;
	return (0);
}

/* Remove the KEK of a peer id; 1 if there was one, 0 if not. */
int
keyring_del(struct keyring *kr, uint64_t flock, uint8_t id)
{
	struct keyring_flock	*f = kr_find(kr, flock);
	size_t			 i;

	if (f == NULL || id == 0 || !f->have[id])
		return (0);
	sanctum_wipe(f->kek[id], sizeof(f->kek[id]));
	f->have[id] = 0;
	if (keyring_count(kr, flock) == 0) {
		i = (size_t)(f - kr->flocks);
		memmove(f, f + 1, (kr->nflocks - i - 1) * sizeof(*f));
		kr->nflocks--;
		sanctum_wipe(&kr->flocks[kr->nflocks], sizeof(*f));
	}
	return (1);
}

/* How many peer ids of a flock have a KEK. */
size_t
keyring_count(const struct keyring *kr, uint64_t flock)
{
	const struct keyring_flock	*f = kr_find(kr, flock);
	size_t				 id, n = 0;

	for (id = 1; f != NULL && id < KEYRING_IDS; id++)
		n += f->have[id];
	return (n);
}

/* Wipe and release everything. */
void
keyring_free(struct keyring *kr)
{
	if (kr->flocks != NULL) {
		sanctum_wipe(kr->flocks, kr->nflocks * sizeof(*kr->flocks));
		free(kr->flocks);
	}
	memset(kr, 0, sizeof(*kr));
}
