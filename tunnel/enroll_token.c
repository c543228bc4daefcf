/*
 * Enrollment tokens (docs/enrollment.md). A token is 32 random bytes T;
 * its text is base32 of T || KMAC256(T, "", 3, CHECK) in groups of seven.
 * Everything else is KMAC256 keyed by T with an empty input: a 16-byte
 * lookup handle and a 32-byte verifier the database keeps, and the key
 * that seals the node's material (its KEK and configuration) so the
 * cathedral can store and hand it over without being able to read it.
 */

#include <string.h>

#include "enroll_token.h"
#include "keccak.h"
#include "sanctum_crypto.h"
#include "wire.h"

static const char	b32[] = "abcdefghijklmnopqrstuvwxyz234567";

/* KMAC256(K = token, X = empty, L = len, S = label). */
static int
enroll_kmac(const uint8_t token[ENROLL_TOKEN_LEN], const char *label,
    uint8_t *out, size_t len)
{
	static const uint8_t	empty[1];

	return (kmac256(out, len, token, ENROLL_TOKEN_LEN, label, empty, 0));
}

/* A fresh token from the kernel's random source. */
void
enroll_token_new(uint8_t token[ENROLL_TOKEN_LEN])
{
	sanctum_random_bytes(token, ENROLL_TOKEN_LEN);
}

/* The text of a token: 8 groups of 7 lowercase base32 symbols. */
int
enroll_token_format(const uint8_t token[ENROLL_TOKEN_LEN], char *buf,
    size_t len)
{
	uint8_t		raw[ENROLL_TOKEN_LEN + ENROLL_TOKEN_CHECK_LEN];
	uint32_t	acc = 0;
	size_t		i, off = 0, sym = 0;
	int		bits = 0;

	if (len < ENROLL_TOKEN_TEXT_MAX)
		return (-1);
	memcpy(raw, token, ENROLL_TOKEN_LEN);
	if (enroll_kmac(token, ENROLL_LABEL_CHECK, raw + ENROLL_TOKEN_LEN,
	    ENROLL_TOKEN_CHECK_LEN) == -1) {
		sanctum_wipe(raw, sizeof(raw));
		return (-1);
	}
	for (i = 0; i < sizeof(raw); i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			if (sym > 0 && sym % ENROLL_TOKEN_GROUP == 0)
				buf[off++] = '-';
			buf[off++] = b32[(acc >> bits) & 0x1f];
			sym++;
		}
	}
	buf[off] = '\0';
	sanctum_wipe(raw, sizeof(raw));
	return (0);
}

/* The value of one base32 symbol (either case), -1 for anything else. */
static int
b32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	if (c >= 'a' && c <= 'z')
		return (c - 'a');
	if (c >= '2' && c <= '7')
		return (c - '2' + 26);
	return (-1);
}

/*
 * Read a token's text: exactly 56 symbols, dashes anywhere ignored, and a
 * matching checksum (which catches a mistyped token before any lookup).
 */
int
enroll_token_parse(const char *text, uint8_t token[ENROLL_TOKEN_LEN])
{
	uint8_t		raw[ENROLL_TOKEN_LEN + ENROLL_TOKEN_CHECK_LEN];
	uint8_t		check[ENROLL_TOKEN_CHECK_LEN];
	uint32_t	acc = 0;
	size_t		off = 0, sym = 0;
	int		bits = 0, v, ret = -1;

	for (; *text != '\0'; text++) {
		if (*text == '-')
			continue;
		if ((v = b32_value(*text)) == -1 ||
		    sym++ == ENROLL_TOKEN_SYMBOLS)
			goto out;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			raw[off++] = (uint8_t)(acc >> bits);
		}
	}
	if (sym != ENROLL_TOKEN_SYMBOLS || off != sizeof(raw))
		goto out;
	if (enroll_kmac(raw, ENROLL_LABEL_CHECK, check, sizeof(check)) == -1 ||
	    !sanctum_memeq(check, raw + ENROLL_TOKEN_LEN, sizeof(check)))
		goto out;
	memcpy(token, raw, ENROLL_TOKEN_LEN);
	ret = 0;
out:
	sanctum_wipe(raw, sizeof(raw));
	return (ret);
}

/* The public handle the database finds the token's row by. */
int
enroll_token_lookup(const uint8_t token[ENROLL_TOKEN_LEN],
    uint8_t out[ENROLL_LOOKUP_LEN])
{
	return (enroll_kmac(token, ENROLL_LABEL_LOOKUP, out,
	    ENROLL_LOOKUP_LEN));
}

/* The value the database compares to prove knowledge of the token. */
int
enroll_token_verifier(const uint8_t token[ENROLL_TOKEN_LEN],
    uint8_t out[ENROLL_VERIFIER_LEN])
{
	return (enroll_kmac(token, ENROLL_LABEL_VERIFIER, out,
	    ENROLL_VERIFIER_LEN));
}

/* The key that seals the node's material. */
int
enroll_token_wrap_key(const uint8_t token[ENROLL_TOKEN_LEN], uint8_t out[32])
{
	return (enroll_kmac(token, ENROLL_LABEL_WRAP, out, 32));
}

_Static_assert(ENROLL_REQUEST_PLAIN ==
    ENROLL_REQUEST_LEN - ENROLL_MSG_HDR - SANCTUM_TAG_LEN,
    "a request's sealed part leaves room for one tag");

/* The header both redemption messages start with (their associated data). */
void
enroll_message_header(uint8_t *d, uint8_t type,
    const uint8_t lookup[ENROLL_LOOKUP_LEN], const uint8_t seed[ENROLL_SEED_LEN])
{
	memcpy(d, ENROLL_MAGIC, 8);
	d[8] = ENROLL_VERSION;
	d[9] = type;
	memcpy(d + ENROLL_OFF_LOOKUP, lookup, ENROLL_LOOKUP_LEN);
	memcpy(d + ENROLL_OFF_SEED, seed, ENROLL_SEED_LEN);
}

/*
 * The key of one online redemption message: both sides hold the verifier
 * (the node from the token, the cathedral from its database), and each
 * attempt's seed makes the key fresh.
 */
int
enroll_message_key(uint8_t key[32], const uint8_t verifier[ENROLL_VERIFIER_LEN],
    const uint8_t *seed, const char *label)
{
	return (kmac256(key, 32, verifier, ENROLL_VERIFIER_LEN, label, seed,
	    ENROLL_SEED_LEN));
}

/* A host name as the config's "cathedral host:port" takes it. */
static int
host_ok(const char *host, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (!((host[i] >= 'a' && host[i] <= 'z') ||
		    (host[i] >= 'A' && host[i] <= 'Z') ||
		    (host[i] >= '0' && host[i] <= '9') || host[i] == '.' ||
		    host[i] == '-'))
			return (0);
	}
	return (1);
}

/* Every field in range for its mode (docs/enrollment.md). */
static int
material_ok(const struct enroll_material *m, size_t hostlen)
{
	uint32_t	net;

	if (m->peer == 0 || m->flock == 0 ||
	    (m->flock & SANCTUM_FLOCK_DOMAIN_MASK) != 0 ||
	    hostlen > ENROLL_HOST_MAX || !host_ok(m->host, hostlen) ||
	    (hostlen > 0 && m->port == 0))
		return (0);
	net = get_be32(m->net);
	switch (m->mode) {
	case ENROLL_MODE_TUNNEL:
		return (m->to != 0 && m->to != m->peer && m->group == 0 &&
		    m->netlen >= 1 && m->netlen <= 32 &&
		    (m->flags & ~ENROLL_FLAG_ADDRESS) == 0 && net != 0);
	case ENROLL_MODE_LITURGY:
		return (m->peer <= 0xfe && m->to == 0 && m->flags == 0 &&
		    m->netlen == 16 && (net & 0xffff) == 0 && net != 0);
	default:
		return (0);
	}
}

/*
 * Seal the material for the holder of the token: AES-256-GCM under the
 * token's wrap key (used for this one message only, so the fixed nonce is
 * safe) with the lookup handle as associated data, binding it to its row.
 */
int
enroll_material_seal(const struct enroll_material *m,
    const uint8_t token[ENROLL_TOKEN_LEN], uint8_t *out, size_t len,
    size_t *outlen)
{
	uint8_t		key[32], lookup[ENROLL_LOOKUP_LEN];
	uint8_t		nonce[SANCTUM_NONCE_LEN];
	size_t		hostlen = strnlen(m->host, sizeof(m->host));
	size_t		n = ENROLL_MATERIAL_FIXED + hostlen;
	int		ret = -1;

	if (!material_ok(m, hostlen) || len < n + SANCTUM_TAG_LEN)
		return (-1);
	out[0] = ENROLL_MATERIAL_VERSION;
	out[1] = m->mode;
	out[2] = m->peer;
	out[3] = m->to;
	out[4] = m->flags;
	put_be64(out + 5, m->flock);
	put_be16(out + 13, m->group);
	memcpy(out + 15, m->net, 4);
	out[19] = m->netlen;
	put_be16(out + 20, m->port);
	put_be16(out + 22, m->natport);
	memcpy(out + 24, m->kek, 32);
	out[56] = (uint8_t)hostlen;
	memcpy(out + ENROLL_MATERIAL_FIXED, m->host, hostlen);
	sanctum_fixed_nonce(nonce);
	if (enroll_token_wrap_key(token, key) == 0 &&
	    enroll_token_lookup(token, lookup) == 0 &&
	    sanctum_aead_oneshot_seal(key, out, n, lookup, sizeof(lookup),
	    nonce, out + n) == 0) {
		*outlen = n + SANCTUM_TAG_LEN;
		ret = 0;
	} else
		sanctum_wipe(out, n);
	sanctum_wipe(key, sizeof(key));
	return (ret);
}

/* Open sealed material with the token and check every field. */
int
enroll_material_open(struct enroll_material *m,
    const uint8_t token[ENROLL_TOKEN_LEN], const uint8_t *sealed, size_t len)
{
	uint8_t		buf[ENROLL_MATERIAL_MAX], key[32];
	uint8_t		lookup[ENROLL_LOOKUP_LEN], nonce[SANCTUM_NONCE_LEN];
	size_t		n;
	int		ret = -1;

	memset(m, 0, sizeof(*m));
	if (len < ENROLL_MATERIAL_FIXED + SANCTUM_TAG_LEN ||
	    len > ENROLL_SEALED_MAX)
		return (-1);
	n = len - SANCTUM_TAG_LEN;
	memcpy(buf, sealed, n);
	sanctum_fixed_nonce(nonce);
	if (enroll_token_wrap_key(token, key) == -1 ||
	    enroll_token_lookup(token, lookup) == -1 ||
	    sanctum_aead_oneshot_open(key, buf, n, lookup, sizeof(lookup),
	    nonce, sealed + n) == -1)
		goto out;
	if (buf[0] != ENROLL_MATERIAL_VERSION ||
	    n != ENROLL_MATERIAL_FIXED + (size_t)buf[56])
		goto out;
	m->mode = buf[1];
	m->peer = buf[2];
	m->to = buf[3];
	m->flags = buf[4];
	m->flock = get_be64(buf + 5);
	m->group = get_be16(buf + 13);
	memcpy(m->net, buf + 15, 4);
	m->netlen = buf[19];
	m->port = get_be16(buf + 20);
	m->natport = get_be16(buf + 22);
	memcpy(m->kek, buf + 24, 32);
	memcpy(m->host, buf + ENROLL_MATERIAL_FIXED, buf[56]);
	m->host[buf[56]] = '\0';
	if (material_ok(m, buf[56]))
		ret = 0;
out:
	if (ret == -1)
		sanctum_wipe(m, sizeof(*m));
	sanctum_wipe(buf, sizeof(buf));
	sanctum_wipe(key, sizeof(key));
	return (ret);
}
