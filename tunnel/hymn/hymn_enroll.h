/*
 * hymn enroll (docs/enrollment.md): the messages of an online token
 * redemption, the UDP exchange that carries them, and the all-or-nothing
 * writing of a node's files.
 */
#ifndef HYMN_ENROLL_H
#define HYMN_ENROLL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "enroll_token.h"
#include "sanctum_crypto.h"

#define HYMN_ENROLL_ATTEMPTS	10	/* requests before giving up */
#define HYMN_ENROLL_WAIT_MS	1000	/* for a reply to each */
#define HYMN_ENROLL_SEALED_MIN	(ENROLL_MATERIAL_FIXED + SANCTUM_TAG_LEN)
#define HYMN_ENROLL_REPLY_MIN	(ENROLL_MSG_HDR + ENROLL_REPLY_FIXED + \
				    HYMN_ENROLL_SEALED_MIN + SANCTUM_TAG_LEN)
#define HYMN_ENROLL_REPLY_MAX	(ENROLL_MSG_HDR + ENROLL_REPLY_FIXED + \
				    ENROLL_SEALED_MAX + SANCTUM_TAG_LEN)

/* What a node proves and keeps across the attempts of one redemption. */
struct hymn_enroll_ask {
	uint8_t		lookup[ENROLL_LOOKUP_LEN];
	uint8_t		verifier[ENROLL_VERIFIER_LEN];
	uint8_t		pub[32];	/* the node's COSK public key */
};

/* What the cathedral's reply hands over. */
struct hymn_enroll_reply {
	uint32_t	csid;
	uint64_t	flock;
	uint8_t		peer;
	uint8_t		cs[32];		/* the cathedral secret */
	uint8_t		sealed[ENROLL_SEALED_MAX];
	size_t		sealed_len;
};

/* One file to write: a plain name, its bytes and mode. */
struct hymn_file {
	const char	*name;
	const void	*data;
	size_t		 len;
	mode_t		 mode;
};

/* A "--name value" option of enroll (flag: no value), for one form. */
struct hymn_opt {
	const char	*name;
	int		 form;		/* HYMN_ENROLL_BUNDLE or _TOKEN */
	int		 flag;
	char		*value;		/* in argv: the token is wiped there */
	int		 set;
};

#define HYMN_ENROLL_BUNDLE	1
#define HYMN_ENROLL_TOKEN	2

/* hymn_enroll.c: the command and its options. */
char	*hymn_enroll_opt(const struct hymn_opt *, const char *);
int	 hymn_enroll_opt_set(const struct hymn_opt *, const char *);
void	 hymn_enroll_usage(void) __attribute__((noreturn));

/* hymn_enroll_msg.c: the request and reply (no I/O). */
int	hymn_enroll_request(uint8_t out[ENROLL_REQUEST_LEN],
	    const struct hymn_enroll_ask *, const uint8_t seed[ENROLL_SEED_LEN],
	    uint64_t now);
int	hymn_enroll_reply_open(struct hymn_enroll_reply *, const uint8_t *,
	    size_t, const struct hymn_enroll_ask *,
	    const uint8_t seed[ENROLL_SEED_LEN]);

/* hymn_enroll_net.c: requests over UDP until one is answered. */
int	hymn_enroll_exchange(const char *host, uint16_t port, int attempts,
	    const struct hymn_enroll_ask *, struct hymn_enroll_reply *,
	    char *, size_t);

/* hymn_enroll_files.c: a directory and the files in it. */
int	hymn_enroll_dir(const char *, int empty, int *made, char *, size_t);
int	hymn_enroll_write(const char *dir, const struct hymn_file *, size_t,
	    int force, char *, size_t);

/* hymn_enroll_token.c, hymn_enroll_bundle.c: the two ways to enroll. */
int	hymn_enroll_token(const struct hymn_opt *);
int	hymn_enroll_bundle(const struct hymn_opt *);

#endif
