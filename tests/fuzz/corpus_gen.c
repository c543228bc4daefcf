/*
 * Writes the committed seed corpora of the fuzz harnesses from the vector
 * files, so every harness starts from inputs that authenticate:
 *   corpus_gen <vector dir> <corpus dir>
 * The CATACOMB seed is built from cathedral.md A18/A19 (sync 20..3f).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "json.h"
#include "wire.h"

static const char	*corpus;

/* Decode hex or die. */
static size_t
unhex(const char *hex, uint8_t *out, size_t max)
{
	size_t	n = strlen(hex) / 2, i;

	if (n > max)
		exit(1);
	for (i = 0; i < n; i++) {
		unsigned int	b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			exit(1);
		out[i] = (uint8_t)b;
	}
	return (n);
}

/* Write one seed file <corpus>/<target>/<name>. */
static void
seed(const char *target, const char *name, const uint8_t *buf, size_t len)
{
	char	path[1024];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", corpus, target);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		exit(1);
	snprintf(path, sizeof(path), "%s/%s/%s", corpus, target, name);
	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(buf, 1, len, fp) != len || fclose(fp) != 0)
		exit(1);
}

/* Load a vector file or die. */
static struct json *
load(const char *dir, const char *file)
{
	char		path[1024];
	struct json	*j;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((j = json_load(path)) == NULL)
		exit(1);
	return (j);
}

/* Each hex field "key" of the cases (optionally of one type) as a seed. */
static void
seeds_from(const struct json *v, const char *type, const char *key,
    const char *target, const char *prefix)
{
	struct json	*c;
	uint8_t		buf[4096];
	char		name[64];
	size_t		len;
	int		n = 0;

	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		const char	*t = json_str(c, "type");

		if (type != NULL && (t == NULL || strcmp(t, type) != 0))
			continue;
		if (json_str(c, key) == NULL)
			continue;
		len = unhex(json_str(c, key), buf, sizeof(buf));
		snprintf(name, sizeof(name), "%s-%02d", prefix, n++);
		seed(target, name, buf, len);
	}
}

/* Every recorded key-exchange packet. */
static void
exchange_seeds(const struct json *v)
{
	struct json	*kx, *p;
	uint8_t		buf[SANCTUM_OFFER_LEN];
	char		name[32];
	int		n = 0, i;

	for (kx = json_get(v, "cases")->child; kx != NULL; kx = kx->next, n++) {
		i = 0;
		for (p = json_get(kx, "packets")->child; p != NULL;
		    p = p->next) {
			unhex(json_str(p, "packet"), buf, sizeof(buf));
			snprintf(name, sizeof(name), "kx%d-%02d", n, i++);
			seed("offer_sacrament", name, buf, sizeof(buf));
		}
	}
}

/* Client offers, sorted into the harness of their magic. */
static void
cathedral_seeds(const struct json *v)
{
	struct json	*c;
	uint8_t		buf[SANCTUM_OFFER_LEN];
	char		name[32];
	int		n = 0;

	for (c = json_get(v, "cases")->child; c != NULL; c = c->next, n++) {
		unhex(json_str(c, "packet"), buf, sizeof(buf));
		snprintf(name, sizeof(name), "info-%02d", n);
		seed(get_be64(buf) == SANCTUM_MAGIC_CIBORIUM ?
		    "offer_ciborium" : "offer_katedral", name, buf, sizeof(buf));
	}
}

/* AMBRY offer bodies (120 bytes) for the det-same entries of device 1. */
static void
ambry_seeds(const struct json *v)
{
	struct json	*c;
	uint8_t		hdr[AMBRY_HDR_LEN], ent[AMBRY_ENTRY_LEN], body[120];
	int		n = 0;

	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		if (strcmp(json_str(c, "type"), "bundle") == 0 &&
		    strcmp(json_str(c, "name"), "det-same") == 0)
			unhex(json_str(c, "header"), hdr, sizeof(hdr));
	}
	for (c = json_get(v, "cases")->child; c != NULL; c = c->next) {
		char	name[32];

		if (strcmp(json_str(c, "type"), "entry") != 0 ||
		    strcmp(json_str(c, "bundle"), "det-same") != 0)
			continue;
		unhex(json_str(c, "entry"), ent, sizeof(ent));
		memcpy(body, ent + 8, 2);		/* tunnel */
		memcpy(body + 2, hdr, 2);		/* expires */
		memcpy(body + 4, hdr + 2, 4);		/* generation */
		memcpy(body + 8, hdr + 6, 64);		/* seed */
		memcpy(body + 72, ent + 10, 48);	/* key, tag */
		snprintf(name, sizeof(name), "body-%02d", n++);
		seed("ambry", name, body, sizeof(body));
	}
	seed("ambry", "header", hdr, sizeof(hdr));
}

/* cathedral.md A19: a federated INFO under the sync secret. */
static void
catacomb_seed(void)
{
	uint8_t			pkt[SANCTUM_OFFER_LEN], sync[32], sk[64];
	uint8_t			pk[32], cseed[32];
	struct offer_info	info;
	int			i;

	memset(pkt, 0, sizeof(pkt));
	put_be64(pkt, SANCTUM_MAGIC_CATACOMB);
	put_be64(pkt + 8, 0xcafeba00);
	put_be64(pkt + 16, 0xcafeba00);
	put_be32(pkt + 24, 0x0badf00d);
	for (i = 0; i < 64; i++)
		pkt[28 + i] = (uint8_t)(0x40 + i);
	pkt[92] = SANCTUM_OFFER_INFO;
	put_be64(pkt + 93, 1764770000);
	memset(&info, 0, sizeof(info));
	info.flags = 1;
	info.tunnel = 0xcafe;
	info.rx_active = 0xcafe1234;
	info.instance = 0x1122334455667788ULL;
	sanctum_info_encode(pkt, &info);
	for (i = 0; i < 32; i++) {
		cseed[i] = (uint8_t)(0x80 + i);
		sync[i] = (uint8_t)(0x20 + i);
	}
	sanctum_ed25519_seed_keypair(pk, sk, cseed);
	sanctum_offer_sign(pkt, sk);
	sanctum_offer_encrypt(pkt, sync, SANCTUM_LABEL_CATACOMB, 0xcafeba00, 0);
	seed("offer_catacomb", "a19-info", pkt, sizeof(pkt));
	sanctum_wipe(sk, sizeof(sk));
}

int
main(int argc, char **argv)
{
	struct json	*v;

	if (argc != 3 || sanctum_crypto_init() == -1) {
		fprintf(stderr, "usage: corpus_gen vectordir corpusdir\n");
		return (1);
	}
	corpus = argv[2];
	v = load(argv[1], "data-packet.json");
	seeds_from(v, "data", "packet", "data_open", "data");
	seeds_from(v, "offer", "packet", "offer_sacrament", "dp-offer");
	json_free(v);
	v = load(argv[1], "key-exchange.json");
	exchange_seeds(v);
	json_free(v);
	v = load(argv[1], "cathedral-offer.json");
	cathedral_seeds(v);
	json_free(v);
	v = load(argv[1], "shroud.json");
	seeds_from(v, "shrouded_packet", "wire", "unshroud", "wire");
	json_free(v);
	v = load(argv[1], "ambry.json");
	ambry_seeds(v);
	json_free(v);
	catacomb_seed();
	return (0);
}
