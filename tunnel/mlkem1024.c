/*
 * ML-KEM-1024 written from FIPS 203: K-PKE (section 5), the ML-KEM internal
 * algorithms (section 6) and the input checks of section 7.
 *
 * Coefficients are int16_t.  Products are reduced with Montgomery reduction
 * (R = 2^16) and sums with Barrett reduction, both free of branches.  The
 * NTT twiddle factors are stored times R, so a Montgomery product with one
 * of them is the plain product mod q.  Products in the NTT domain are summed
 * in int32_t and reduced once per coefficient; the R^-1 this leaves behind is
 * cancelled by the inverse NTT's final scaling (or by R^2 in key generation).
 *
 * The reductions rely on two's-complement narrowing and on arithmetic right
 * shifts of negative values, as GCC and Clang define them.
 *
 * Nothing branches on or indexes memory by secret data.  The only loops with
 * data-dependent length are the rejection sampling of the public matrix.
 */

#include <string.h>

#include "keccak.h"
#include "mlkem1024.h"

/*
 * The constant-time test (tests/unit/ct_mlkem1024.c) builds this file with
 * MLKEM1024_VALGRIND_CT and marks the secrets undefined for memcheck.  Values
 * that are derived from secrets but public by design (rho, half of ek) are
 * marked defined again here, so memcheck reports only real leaks.
 */
#ifdef MLKEM1024_VALGRIND_CT
#include <valgrind/memcheck.h>
#define PUBLIC(p, n)	VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define PUBLIC(p, n)	do { } while (0)
#endif

#define MLKEM_N		256		/* coefficients per polynomial */
#define MLKEM_Q		3329		/* the prime modulus */
#define MLKEM_K		4		/* module rank of ML-KEM-1024 */
#define MLKEM_ETA	2		/* eta1 = eta2 = 2 */
#define MLKEM_DU	11		/* bits per compressed u coefficient */
#define MLKEM_DV	5		/* bits per compressed v coefficient */

#define POLYBYTES	384		/* ByteEncode12 of one polynomial */
#define VECBYTES	(MLKEM_K * POLYBYTES)
#define CT_UPOLYBYTES	(MLKEM_N * MLKEM_DU / 8)
#define CT_UBYTES	(MLKEM_K * CT_UPOLYBYTES)

/* Where the parts of dk start: dk_PKE || ek || H(ek) || z. */
#define DK_EK		VECBYTES
#define DK_H		(DK_EK + MLKEM1024_PUBLICKEYBYTES)
#define DK_Z		(DK_H + 32)

#define QINV		62209u		/* q^-1 mod 2^16 */
#define MONT_R2		1353		/* 2^32 mod q */
#define INVNTT_F	1441		/* 2^32 / 128 mod q */
#define BARRETT_V	20159		/* round(2^26 / q) */
#define COMPRESS_M	2580335u	/* ceil(2^33 / q): n / q for n < 2^23 */
#define COMPRESS_S	33

struct poly {
	int16_t	c[MLKEM_N];
};

/*
 * zetas[i] = 17^BitRev7(i) * 2^16 mod q, centred.  The NTT butterflies use
 * entries 1..127 (entry 0 is 17^0); the base multiplication uses 64..127,
 * since 17^(2 BitRev7(2m) + 1) = zetas[64 + m] and the odd pair gets minus it.
 */
static const int16_t zetas[128] = {
	-1044, -758, -359, -1517, 1493, 1422, 287, 202,
	-171, 622, 1577, 182, 962, -1202, -1474, 1468,
	573, -1325, 264, 383, -829, 1458, -1602, -130,
	-681, 1017, 732, 608, -1542, 411, -205, -1571,
	1223, 652, -552, 1015, -1293, 1491, -282, -1544,
	516, -8, -320, -666, -1618, -1162, 126, 1469,
	-853, -90, -271, 830, 107, -1421, -247, -951,
	-398, 961, -1508, -725, 448, -1065, 677, -1275,
	-1103, 430, 555, 843, -1251, 871, 1550, 105,
	422, 587, 177, -235, -291, -460, 1574, 1653,
	-246, 778, 1159, -147, -777, 1483, -602, 1119,
	-1590, 644, -872, 349, 418, 329, -156, -75,
	817, 1097, 603, 610, 1322, -1285, -1465, 384,
	-1215, -136, 1218, -1335, -874, 220, -1187, -1659,
	-1185, -1530, -1278, 794, -1510, -854, -870, 478,
	-108, -308, 996, 991, 958, -1460, 1522, 1628,
};

/* a * 2^-16 mod q, in (-q, q) whenever |a| < q * 2^15. */
static inline int16_t
mont_reduce(int32_t a)
{
	int16_t	t;

	t = (int16_t)(uint16_t)((uint32_t)a * QINV);
	return ((int16_t)((a - (int32_t)t * MLKEM_Q) >> 16));
}

/* a * b * 2^-16 mod q; with b a stored twiddle this is a * zeta mod q. */
static inline int16_t
fqmul(int16_t a, int16_t b)
{
	return (mont_reduce((int32_t)a * b));
}

/* The representative of a mod q in [-1664, 1664], for every int16_t a. */
static inline int16_t
barrett_reduce(int16_t a)
{
	int32_t	t;

	t = ((int32_t)BARRETT_V * a + (1 << 25)) >> 26;
	return ((int16_t)(a - t * MLKEM_Q));
}

/* The canonical representative of a mod q in [0, q), as encoding needs. */
static inline uint16_t
freeze(int16_t a)
{
	int16_t	r = barrett_reduce(a);

	return ((uint16_t)(r + ((r >> 15) & MLKEM_Q)));
}

/*
 * Algorithm 9, NTT, in place.  Inputs of magnitude <= q grow by less than
 * q per layer (< 8q after seven), so the sums need no reduction until the
 * final one to [-1664, 1664], the bound the base multiplication relies on.
 */
static void
ntt(struct poly *p)
{
	int16_t		*f = p->c;
	int16_t		t, zeta;
	unsigned int	len, start, j, i = 1;

	for (len = 128; len >= 2; len >>= 1) {
		for (start = 0; start < MLKEM_N; start += 2 * len) {
			zeta = zetas[i++];
			for (j = start; j < start + len; j++) {
				t = fqmul(zeta, f[j + len]);
				f[j + len] = (int16_t)(f[j] - t);
				f[j] = (int16_t)(f[j] + t);
			}
		}
	}
	for (j = 0; j < MLKEM_N; j++)
		f[j] = barrett_reduce(f[j]);
}

/*
 * Algorithm 10, inverse NTT, in place, for inputs in (-q, q) that carry a
 * factor 2^-16 from the base multiplication; the output is in (-q, q)
 * without it.  The sums can double per layer, so those of the layers of
 * length 8 and 64 are reduced: then no sum or difference exceeds 8 * 3328
 * in magnitude, and the final values stay below 2 * 3328 before scaling.
 */
static void
invntt(struct poly *p)
{
	int16_t		*f = p->c;
	int16_t		t, zeta;
	unsigned int	len, start, j, i = 127;
	int		reduce;

	for (len = 2; len <= 128; len <<= 1) {
		reduce = (len == 8 || len == 64);
		for (start = 0; start < MLKEM_N; start += 2 * len) {
			zeta = zetas[i--];
			for (j = start; j < start + len; j++) {
				t = f[j];
				f[j] = (int16_t)(t + f[j + len]);
				if (reduce)
					f[j] = barrett_reduce(f[j]);
				f[j + len] = fqmul(zeta, (int16_t)(f[j + len] - t));
			}
		}
	}
	for (j = 0; j < MLKEM_N; j++)
		f[j] = fqmul(f[j], INVNTT_F);
}

/*
 * acc += a * b in the NTT domain (Algorithms 11 and 12): 128 products of
 * degree-one polynomials modulo X^2 - gamma, without the final reduction.
 * Needs |a| < 2^12 and |b| <= 1664; then each call adds less than 1.4e7 to
 * |acc|, and four calls stay below q * 2^15 for mont_reduce().
 */
static void
basemul_acc(int32_t acc[MLKEM_N], const struct poly *a, const struct poly *b)
{
	const int16_t	*x, *y;
	int32_t		*r;
	unsigned int	m;
	int16_t		g;

	for (m = 0; m < MLKEM_N / 4; m++) {
		x = a->c + 4 * m;
		y = b->c + 4 * m;
		r = acc + 4 * m;
		g = zetas[64 + m];
		r[0] += (int32_t)x[0] * y[0] + (int32_t)fqmul(x[1], y[1]) * g;
		r[1] += (int32_t)x[0] * y[1] + (int32_t)x[1] * y[0];
		r[2] += (int32_t)x[2] * y[2] - (int32_t)fqmul(x[3], y[3]) * g;
		r[3] += (int32_t)x[2] * y[3] + (int32_t)x[3] * y[2];
	}
}

/*
 * out = sum of a[j] * b[j] in the NTT domain, times 2^-16, in (-q, q).
 * a holds the decoded or sampled operand, b one that went through ntt().
 */
static void
poly_dot(struct poly *out, const struct poly a[MLKEM_K],
    const struct poly b[MLKEM_K])
{
	int32_t		acc[MLKEM_N];
	unsigned int	i;

	memset(acc, 0, sizeof(acc));
	for (i = 0; i < MLKEM_K; i++)
		basemul_acc(acc, &a[i], &b[i]);
	for (i = 0; i < MLKEM_N; i++)
		out->c[i] = mont_reduce(acc[i]);
	explicit_bzero(acc, sizeof(acc));
}

/* r = a + b coefficient-wise; callers keep the sums far inside int16_t. */
static void
poly_add(struct poly *r, const struct poly *a, const struct poly *b)
{
	unsigned int	i;

	for (i = 0; i < MLKEM_N; i++)
		r->c[i] = (int16_t)(a->c[i] + b->c[i]);
}

/*
 * The accepting half of Algorithm 7: take 12-bit candidates from buf and
 * keep those below q, from position n on.  Runs on public data only.
 */
static unsigned int
rej_uniform(int16_t *c, unsigned int n, const uint8_t *buf, size_t len)
{
	uint16_t	d1, d2;
	size_t		pos;

	for (pos = 0; pos + 3 <= len && n < MLKEM_N; pos += 3) {
		d1 = (uint16_t)(buf[pos] | (buf[pos + 1] & 0x0f) << 8);
		d2 = (uint16_t)(buf[pos + 1] >> 4 | buf[pos + 2] << 4);
		if (d1 < MLKEM_Q)
			c[n++] = (int16_t)d1;
		if (d2 < MLKEM_Q && n < MLKEM_N)
			c[n++] = (int16_t)d2;
	}
	return (n);
}

/*
 * Algorithm 7, SampleNTT(rho || x || y): a uniform polynomial in the NTT
 * domain.  Three SHAKE128 blocks nearly always suffice; more are drawn one
 * at a time.  A_hat[i][j] is sample_ntt(rho, j, i).
 */
static void
sample_ntt(struct poly *a, const uint8_t rho[32], uint8_t x, uint8_t y)
{
	struct keccak	xof;
	uint8_t		seed[34], buf[3 * KECCAK_RATE_SHAKE128];
	unsigned int	n;

	memcpy(seed, rho, 32);
	seed[32] = x;
	seed[33] = y;
	shake128_init(&xof);
	keccak_absorb(&xof, seed, sizeof(seed));
	keccak_squeeze_blocks(&xof, buf, 3);
	n = rej_uniform(a->c, 0, buf, sizeof(buf));
	while (n < MLKEM_N) {
		keccak_squeeze_blocks(&xof, buf, 1);
		n = rej_uniform(a->c, n, buf, KECCAK_RATE_SHAKE128);
	}
}

/* Row i of A_hat, or of its transpose, for a matrix-vector product. */
static void
matrix_row(struct poly row[MLKEM_K], const uint8_t rho[32], unsigned int i,
    int transpose)
{
	unsigned int	j;

	for (j = 0; j < MLKEM_K; j++) {
		if (transpose)
			sample_ntt(&row[j], rho, (uint8_t)i, (uint8_t)j);
		else
			sample_ntt(&row[j], rho, (uint8_t)j, (uint8_t)i);
	}
}

/* Four bytes as a little-endian word. */
static inline uint32_t
load32_le(const uint8_t *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/*
 * Algorithm 8 for eta = 2 on 128 bytes: coefficient i is
 * (b[4i] + b[4i+1]) - (b[4i+2] + b[4i+3]), eight per 32-bit word.
 */
static void
cbd2(struct poly *p, const uint8_t buf[64 * MLKEM_ETA])
{
	uint32_t	w, s;
	unsigned int	i, j;

	for (i = 0; i < MLKEM_N / 8; i++) {
		w = load32_le(buf + 4 * i);
		s = (w & 0x55555555u) + ((w >> 1) & 0x55555555u);
		for (j = 0; j < 8; j++)
			p->c[8 * i + j] = (int16_t)((int16_t)(s >> (4 * j) & 3) -
			    (int16_t)(s >> (4 * j + 2) & 3));
	}
}

/* SamplePolyCBD_2(PRF_2(seed, nonce)): a small noise polynomial. */
static void
sample_noise(struct poly *p, const uint8_t seed[32], uint8_t nonce)
{
	uint8_t	in[33], buf[64 * MLKEM_ETA];

	memcpy(in, seed, 32);
	in[32] = nonce;
	shake256(buf, sizeof(buf), in, sizeof(in));
	cbd2(p, buf);
	explicit_bzero(in, sizeof(in));
	explicit_bzero(buf, sizeof(buf));
}

/* ByteEncode12 (Algorithm 5) of the canonical coefficients. */
static void
poly_tobytes(uint8_t r[POLYBYTES], const struct poly *p)
{
	uint16_t	a, b;
	unsigned int	i;

	for (i = 0; i < MLKEM_N / 2; i++) {
		a = freeze(p->c[2 * i]);
		b = freeze(p->c[2 * i + 1]);
		r[3 * i] = (uint8_t)a;
		r[3 * i + 1] = (uint8_t)(a >> 8 | b << 4);
		r[3 * i + 2] = (uint8_t)(b >> 4);
	}
}

/*
 * ByteDecode12 (Algorithm 6) without the final mod q: values below 2^12,
 * congruent to the standard's, which is all the arithmetic needs.
 */
static void
poly_frombytes(struct poly *p, const uint8_t r[POLYBYTES])
{
	unsigned int	i;

	for (i = 0; i < MLKEM_N / 2; i++) {
		p->c[2 * i] = (int16_t)(r[3 * i] | (r[3 * i + 1] & 0x0f) << 8);
		p->c[2 * i + 1] = (int16_t)(r[3 * i + 1] >> 4 |
		    r[3 * i + 2] << 4);
	}
}

/* Compress_d (section 4.2.1) of x in [0, q): round(2^d x / q) mod 2^d. */
static inline uint32_t
compress(uint16_t x, unsigned int d)
{
	uint64_t	n = ((uint64_t)x << d) + MLKEM_Q / 2;

	return ((uint32_t)((n * COMPRESS_M) >> COMPRESS_S) & ((1u << d) - 1));
}

/* ByteEncode_d(Compress_d(p)) for d < 12, packing bits least first. */
static void
poly_compress(uint8_t *out, const struct poly *p, unsigned int d)
{
	uint32_t	acc = 0;
	unsigned int	i, bits = 0;

	for (i = 0; i < MLKEM_N; i++) {
		acc |= compress(freeze(p->c[i]), d) << bits;
		for (bits += d; bits >= 8; bits -= 8) {
			*out++ = (uint8_t)acc;
			acc >>= 8;
		}
	}
}

/* Decompress_d(ByteDecode_d(in)) for d < 12: round(q y / 2^d). */
static void
poly_decompress(struct poly *p, const uint8_t *in, unsigned int d)
{
	uint32_t	acc = 0, y;
	unsigned int	i, bits = 0;

	for (i = 0; i < MLKEM_N; i++) {
		for (; bits < d; bits += 8)
			acc |= (uint32_t)*in++ << bits;
		y = acc & ((1u << d) - 1);
		acc >>= d;
		bits -= d;
		p->c[i] = (int16_t)((y * MLKEM_Q + (1u << (d - 1))) >> d);
	}
}

/*
 * Algorithm 13, K-PKE.KeyGen(d): writes ek and dk_PKE (the first VECBYTES
 * of dk).  t_hat = A_hat s_hat + e_hat is computed one row of A_hat at a time.
 */
static void
pke_keygen(uint8_t ek[MLKEM1024_PUBLICKEYBYTES], uint8_t dkpke[VECBYTES],
    const uint8_t d[32])
{
	struct poly	s[MLKEM_K], e[MLKEM_K], row[MLKEM_K], t;
	uint8_t		in[33], g[64];
	const uint8_t	*rho = g, *sigma = g + 32;
	unsigned int	i, j;

	memcpy(in, d, 32);
	in[32] = MLKEM_K;
	sha3_512(g, in, sizeof(in));
	PUBLIC(g, 32);
	for (i = 0; i < MLKEM_K; i++) {
		sample_noise(&s[i], sigma, (uint8_t)i);
		ntt(&s[i]);
	}
	for (i = 0; i < MLKEM_K; i++) {
		sample_noise(&e[i], sigma, (uint8_t)(MLKEM_K + i));
		ntt(&e[i]);
	}
	for (i = 0; i < MLKEM_K; i++) {
		matrix_row(row, rho, i, 0);
		poly_dot(&t, row, s);
		for (j = 0; j < MLKEM_N; j++)
			t.c[j] = (int16_t)(fqmul(t.c[j], MONT_R2) + e[i].c[j]);
		poly_tobytes(ek + i * POLYBYTES, &t);
		poly_tobytes(dkpke + i * POLYBYTES, &s[i]);
	}
	memcpy(ek + VECBYTES, rho, 32);
	explicit_bzero(in, sizeof(in));
	explicit_bzero(g, sizeof(g));
	explicit_bzero(s, sizeof(s));
	explicit_bzero(e, sizeof(e));
	explicit_bzero(&t, sizeof(t));
}

/*
 * Algorithm 14, K-PKE.Encrypt(ek, m, r).  The caller has checked ek (or
 * took it from a checked dk).  u = NTT^-1(A_hat^T y_hat) + e1 row by row,
 * v = NTT^-1(t_hat^T y_hat) + e2 + Decompress_1(m).
 */
static void
pke_encrypt(uint8_t c[MLKEM1024_CIPHERTEXTBYTES],
    const uint8_t ek[MLKEM1024_PUBLICKEYBYTES], const uint8_t m[32],
    const uint8_t r[32])
{
	struct poly	t[MLKEM_K], y[MLKEM_K], row[MLKEM_K], u, e;
	const uint8_t	*rho = ek + VECBYTES;
	unsigned int	i;

	for (i = 0; i < MLKEM_K; i++) {
		poly_frombytes(&t[i], ek + i * POLYBYTES);
		sample_noise(&y[i], r, (uint8_t)i);
		ntt(&y[i]);
	}
	for (i = 0; i < MLKEM_K; i++) {
		matrix_row(row, rho, i, 1);
		poly_dot(&u, row, y);
		invntt(&u);
		sample_noise(&e, r, (uint8_t)(MLKEM_K + i));
		poly_add(&u, &u, &e);
		poly_compress(c + i * CT_UPOLYBYTES, &u, MLKEM_DU);
	}
	poly_dot(&u, t, y);
	invntt(&u);
	sample_noise(&e, r, 2 * MLKEM_K);
	poly_add(&u, &u, &e);
	poly_decompress(&e, m, 1);
	poly_add(&u, &u, &e);
	poly_compress(c + CT_UBYTES, &u, MLKEM_DV);
	explicit_bzero(y, sizeof(y));
	explicit_bzero(&u, sizeof(u));
	explicit_bzero(&e, sizeof(e));
}

/* Algorithm 15, K-PKE.Decrypt(dk_PKE, c): m = Compress_1(v - NTT^-1(s^T u)). */
static void
pke_decrypt(uint8_t m[32], const uint8_t dkpke[VECBYTES],
    const uint8_t c[MLKEM1024_CIPHERTEXTBYTES])
{
	struct poly	s[MLKEM_K], u[MLKEM_K], v, w;
	unsigned int	i;

	for (i = 0; i < MLKEM_K; i++) {
		poly_decompress(&u[i], c + i * CT_UPOLYBYTES, MLKEM_DU);
		ntt(&u[i]);
		poly_frombytes(&s[i], dkpke + i * POLYBYTES);
	}
	poly_decompress(&v, c + CT_UBYTES, MLKEM_DV);
	poly_dot(&w, s, u);
	invntt(&w);
	for (i = 0; i < MLKEM_N; i++)
		w.c[i] = (int16_t)(v.c[i] - w.c[i]);
	poly_compress(m, &w, 1);
	explicit_bzero(s, sizeof(s));
	explicit_bzero(&w, sizeof(w));
}

/* 0xff if a and b differ anywhere, 0 if equal; time depends on len only. */
static uint8_t
ct_differ(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint32_t	acc = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		acc |= (uint32_t)(a[i] ^ b[i]);
	return ((uint8_t)(0u - ((0u - acc) >> 31)));
}

/* dst = src where mask is 0xff, unchanged where it is 0; no branch. */
static void
ct_cmov(uint8_t *dst, const uint8_t *src, size_t len, uint8_t mask)
{
	size_t	i;

	for (i = 0; i < len; i++)
		dst[i] ^= (uint8_t)(mask & (dst[i] ^ src[i]));
}

/* The modulus check of section 7.2: every 12-bit field of ek is below q. */
int
mlkem1024_check_ek(const uint8_t ek[MLKEM1024_PUBLICKEYBYTES])
{
	struct poly	t;
	unsigned int	i, j;
	int		bad = 0;

	for (i = 0; i < MLKEM_K; i++) {
		poly_frombytes(&t, ek + i * POLYBYTES);
		for (j = 0; j < MLKEM_N; j++)
			bad |= t.c[j] >= MLKEM_Q;
	}
	return (bad ? -1 : 0);
}

/* The hash check of section 7.3: dk carries H of the ek it embeds. */
int
mlkem1024_check_dk(const uint8_t dk[MLKEM1024_SECRETKEYBYTES])
{
	uint8_t	h[32];

	sha3_256(h, dk + DK_EK, MLKEM1024_PUBLICKEYBYTES);
	return (ct_differ(h, dk + DK_H, sizeof(h)) ? -1 : 0);
}

/* Algorithm 16, ML-KEM.KeyGen_internal(d, z). */
int
mlkem1024_keygen(uint8_t ek[MLKEM1024_PUBLICKEYBYTES],
    uint8_t dk[MLKEM1024_SECRETKEYBYTES], const uint8_t d[32],
    const uint8_t z[32])
{
	pke_keygen(ek, dk, d);
	memcpy(dk + DK_EK, ek, MLKEM1024_PUBLICKEYBYTES);
	sha3_256(dk + DK_H, ek, MLKEM1024_PUBLICKEYBYTES);
	memcpy(dk + DK_Z, z, 32);
	return (0);
}

/* Algorithm 17, ML-KEM.Encaps_internal(ek, m), after the 7.2 check. */
int
mlkem1024_encaps(uint8_t c[MLKEM1024_CIPHERTEXTBYTES],
    uint8_t ss[MLKEM1024_SSBYTES],
    const uint8_t ek[MLKEM1024_PUBLICKEYBYTES], const uint8_t m[32])
{
	uint8_t	in[64], kr[64];

	if (mlkem1024_check_ek(ek) == -1) {
		memset(c, 0, MLKEM1024_CIPHERTEXTBYTES);
		memset(ss, 0, MLKEM1024_SSBYTES);
		return (-1);
	}
	memcpy(in, m, 32);
	sha3_256(in + 32, ek, MLKEM1024_PUBLICKEYBYTES);
	sha3_512(kr, in, sizeof(in));
	pke_encrypt(c, ek, m, kr + 32);
	memcpy(ss, kr, MLKEM1024_SSBYTES);
	explicit_bzero(in, sizeof(in));
	explicit_bzero(kr, sizeof(kr));
	return (0);
}

/*
 * Algorithm 18, ML-KEM.Decaps_internal(dk, c), after the 7.3 check.  The
 * re-encryption is compared in constant time and a mismatch selects the
 * implicit-rejection key J(z || c) by a conditional move.
 */
int
mlkem1024_decaps(uint8_t ss[MLKEM1024_SSBYTES],
    const uint8_t c[MLKEM1024_CIPHERTEXTBYTES],
    const uint8_t dk[MLKEM1024_SECRETKEYBYTES])
{
	struct keccak	j;
	uint8_t		in[64], kr[64], kbar[32];
	uint8_t		cmp[MLKEM1024_CIPHERTEXTBYTES];
	uint8_t		fail;

	if (mlkem1024_check_dk(dk) == -1) {
		memset(ss, 0, MLKEM1024_SSBYTES);
		return (-1);
	}
	pke_decrypt(in, dk, c);
	memcpy(in + 32, dk + DK_H, 32);
	sha3_512(kr, in, sizeof(in));
	pke_encrypt(cmp, dk + DK_EK, in, kr + 32);

	shake256_init(&j);
	keccak_absorb(&j, dk + DK_Z, 32);
	keccak_absorb(&j, c, MLKEM1024_CIPHERTEXTBYTES);
	keccak_squeeze(&j, kbar, sizeof(kbar));
	keccak_wipe(&j);

	fail = ct_differ(c, cmp, sizeof(cmp));
	memcpy(ss, kr, MLKEM1024_SSBYTES);
	ct_cmov(ss, kbar, MLKEM1024_SSBYTES, fail);
	explicit_bzero(in, sizeof(in));
	explicit_bzero(kr, sizeof(kr));
	explicit_bzero(kbar, sizeof(kbar));
	explicit_bzero(cmp, sizeof(cmp));
	return (0);
}
