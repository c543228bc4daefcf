/*
 * Enrollment tokens (tunnel/enroll_token.c): the text form and its
 * checksum, the lookup, verifier and wrap-key derivations on a fixed token
 * (vectors computed with an independent KMAC256), and the sealed material:
 * round trip for both modes, and refusal of a wrong token, a changed byte,
 * a wrong length and out-of-range fields.
 */

#include <string.h>

#include "check.h"
#include "enroll_token.h"
#include "sanctum_crypto.h"

static const char	text_vec[] =
    "aaaqeay-eaudaoc-ajbifqy-diob4ib-ceqtcqk-rmfyyde-nbwha5d-ypwa6m2";

/* The token 00 01 .. 1f. */
static void
fixed_token(uint8_t t[ENROLL_TOKEN_LEN])
{
	size_t	i;

	for (i = 0; i < ENROLL_TOKEN_LEN; i++)
		t[i] = (uint8_t)i;
}

/* The text form: vector, case, dashes, checksum, length. */
static void
test_text(void)
{
	uint8_t	t[ENROLL_TOKEN_LEN], back[ENROLL_TOKEN_LEN];
	char	text[ENROLL_TOKEN_TEXT_MAX], bad[ENROLL_TOKEN_TEXT_MAX + 8];
	int	i;

	fixed_token(t);
	CHECK(enroll_token_format(t, text, sizeof(text)) == 0 &&
	    strcmp(text, text_vec) == 0, "text %s", text);
	CHECK(enroll_token_format(t, text, 10) == -1, "short buffer refused");
	CHECK(enroll_token_parse(text_vec, back) == 0 &&
	    memcmp(back, t, sizeof(t)) == 0, "parse");
	CHECK(enroll_token_parse("AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQTCQKRMFYYDE"
	    "NBWHA5DYPWA6M2", back) == 0 && memcmp(back, t, sizeof(t)) == 0,
	    "upper case without dashes");
	memcpy(bad, text_vec, sizeof(text_vec));
	bad[3] = bad[3] == 'q' ? 'r' : 'q';
	CHECK(enroll_token_parse(bad, back) == -1, "a typo fails the checksum");
	memcpy(bad, text_vec, sizeof(text_vec));
	bad[strlen(bad) - 1] = '\0';
	CHECK(enroll_token_parse(bad, back) == -1, "55 symbols");
	snprintf(bad, sizeof(bad), "%sa", text_vec);
	CHECK(enroll_token_parse(bad, back) == -1, "57 symbols");
	memcpy(bad, text_vec, sizeof(text_vec));
	bad[0] = '1';
	CHECK(enroll_token_parse(bad, back) == -1, "not base32");
	memcpy(bad, text_vec, sizeof(text_vec));
	bad[7] = ' ';
	CHECK(enroll_token_parse(bad, back) == -1, "blank refused");
	CHECK(enroll_token_parse("", back) == -1, "empty");
	for (i = 0; i < 200; i++) {
		enroll_token_new(t);
		CHECK(enroll_token_format(t, text, sizeof(text)) == 0 &&
		    strlen(text) == ENROLL_TOKEN_SYMBOLS + 7 &&
		    enroll_token_parse(text, back) == 0 &&
		    memcmp(t, back, sizeof(t)) == 0, "random round trip %d", i);
	}
}

/* The three derivations against the independent vectors. */
static void
test_derive(void)
{
	uint8_t	t[ENROLL_TOKEN_LEN], lookup[ENROLL_LOOKUP_LEN];
	uint8_t	verifier[ENROLL_VERIFIER_LEN], wrap[32];

	fixed_token(t);
	CHECK(enroll_token_lookup(t, lookup) == 0 && hex_equal(lookup,
	    sizeof(lookup), "df8cd1bc8dbe0df93ab5c51544187d09"), "lookup");
	CHECK(enroll_token_verifier(t, verifier) == 0 && hex_equal(verifier,
	    sizeof(verifier), "4e9ed532cb6ae3edc9a4e5fcd92c837b"
	    "15a6893ad2439faa314e8d26060219d1"), "verifier");
	CHECK(enroll_token_wrap_key(t, wrap) == 0 && hex_equal(wrap,
	    sizeof(wrap), "d4c8ab27d703365b8cfa5e9628b3f8a4"
	    "d5d63cab6069da252a078bda37b8b0d6"), "wrap key");
}

/* A liturgy's material. */
static void
liturgy_material(struct enroll_material *m)
{
	memset(m, 0, sizeof(*m));
	m->mode = ENROLL_MODE_LITURGY;
	m->peer = 0xca;
	m->flock = 0xcafeba00;
	m->group = 0xdead;
	m->net[0] = 10;
	m->net[1] = 15;
	m->netlen = 16;
	m->port = 4500;
	m->natport = 4501;
	memset(m->kek, 0x5a, sizeof(m->kek));
	snprintf(m->host, sizeof(m->host), "cathedral.example.org");
}

/* Sealed material: round trips and refusals. */
static void
test_material(void)
{
	struct enroll_material	m, back;
	uint8_t			t[ENROLL_TOKEN_LEN], other[ENROLL_TOKEN_LEN];
	uint8_t			sealed[ENROLL_SEALED_MAX];
	size_t			len;

	fixed_token(t);
	liturgy_material(&m);
	CHECK(enroll_material_seal(&m, t, sealed, sizeof(sealed), &len) == 0 &&
	    len == ENROLL_MATERIAL_FIXED + strlen(m.host) + 16, "seal %zu",
	    len);
	CHECK(memmem(sealed, len, m.kek, sizeof(m.kek)) == NULL,
	    "no KEK in the clear");
	CHECK(enroll_material_open(&back, t, sealed, len) == 0 &&
	    back.mode == m.mode && back.peer == m.peer && back.to == 0 &&
	    back.flock == m.flock && back.group == m.group &&
	    memcmp(back.net, m.net, 4) == 0 && back.netlen == 16 &&
	    back.port == 4500 && back.natport == 4501 &&
	    memcmp(back.kek, m.kek, 32) == 0 &&
	    strcmp(back.host, m.host) == 0, "liturgy round trip");
	memcpy(other, t, sizeof(other));
	other[0] ^= 1;
	CHECK(enroll_material_open(&back, other, sealed, len) == -1 &&
	    back.peer == 0, "another token opens nothing");
	sealed[20] ^= 0x80;
	CHECK(enroll_material_open(&back, t, sealed, len) == -1,
	    "a changed byte is refused");
	sealed[20] ^= 0x80;
	CHECK(enroll_material_open(&back, t, sealed, len - 1) == -1,
	    "a short blob is refused");
	CHECK(enroll_material_open(&back, t, sealed, 10) == -1, "tiny blob");

	memset(&m, 0, sizeof(m));
	m.mode = ENROLL_MODE_TUNNEL;
	m.peer = 0xca;
	m.to = 0xfe;
	m.flock = 0xdeadbeefcafeba00ULL;
	m.net[0] = 192;
	m.net[1] = 168;
	m.net[2] = 7;
	m.net[3] = 1;
	m.netlen = 31;
	m.flags = ENROLL_FLAG_ADDRESS;
	memset(m.kek, 0xa5, sizeof(m.kek));
	CHECK(enroll_material_seal(&m, t, sealed, sizeof(sealed), &len) == 0 &&
	    enroll_material_open(&back, t, sealed, len) == 0 &&
	    back.to == 0xfe && back.flags == ENROLL_FLAG_ADDRESS &&
	    back.host[0] == '\0' && back.netlen == 31 &&
	    back.flock == m.flock, "tunnel round trip without a host");
	CHECK(enroll_material_seal(&m, t, sealed, 40, &len) == -1,
	    "small buffer refused");

	liturgy_material(&m);
	m.peer = 0xff;
	CHECK(enroll_material_seal(&m, t, sealed, sizeof(sealed), &len) == -1,
	    "liturgy peer ff refused");
	liturgy_material(&m);
	m.net[2] = 1;
	CHECK(enroll_material_seal(&m, t, sealed, sizeof(sealed), &len) == -1,
	    "liturgy prefix with low bits refused");
	liturgy_material(&m);
	m.flock |= 1;
	CHECK(enroll_material_seal(&m, t, sealed, sizeof(sealed), &len) == -1,
	    "domain byte refused");
	liturgy_material(&m);
	snprintf(m.host, sizeof(m.host), "bad host");
	CHECK(enroll_material_seal(&m, t, sealed, sizeof(sealed), &len) == -1,
	    "host with a blank refused");
	liturgy_material(&m);
	m.port = 0;
	CHECK(enroll_material_seal(&m, t, sealed, sizeof(sealed), &len) == -1,
	    "host without a port refused");
	liturgy_material(&m);
	m.mode = 7;
	CHECK(enroll_material_seal(&m, t, sealed, sizeof(sealed), &len) == -1,
	    "unknown mode refused");
}

/* All cases. */
int
main(void)
{
	if (sanctum_crypto_init() == -1)
		return (1);
	test_text();
	test_derive();
	test_material();
	return (check_report("enroll_token"));
}
