/*
 * Data packets (tunnel.md 2.2-2.4): a 32-byte clear header that is the AAD,
 * the payload with a two-byte tail, and the AES-GCM tag.
 */

#include <string.h>

#include "wire.h"

/* The nonce of a data packet: the SA's raw salt || BE64(pn). */
static void
data_nonce(uint8_t nonce[12], const uint8_t salt[4], uint64_t pn)
{
	memcpy(nonce, salt, 4);
	put_be64(nonce + 4, pn);
}

/*
 * Decode and sanity-check the clear header before any cryptography: length
 * bounds, a non-zero SPI and the low 32 bits of pn repeated in seq.
 */
enum sanctum_err
sanctum_data_header(const uint8_t *pkt, size_t len, struct sanctum_data_hdr *h)
{
	if (len < SANCTUM_DATA_OVERHEAD)
		return (SANCTUM_ERR_SHORT);
	if (len > SANCTUM_MAX_DATAGRAM)
		return (SANCTUM_ERR_LONG);
	h->spi = get_be32(pkt);
	h->seq = get_be32(pkt + 4);
	h->pn = get_be64(pkt + 8);
	h->flock_src = get_be64(pkt + 16);
	h->flock_dst = get_be64(pkt + 24);
	if (h->spi == 0 || (uint32_t)h->pn != h->seq)
		return (SANCTUM_ERR_MALFORMED);
	return (SANCTUM_OK);
}

/*
 * Seal a payload that sits at pkt + 32 in place. cap is the room from pkt.
 * With tfc_mtu non-zero a shorter payload is zero-padded to it first.
 */
int
sanctum_data_seal(const struct sanctum_aead *aead, const uint8_t salt[4],
    const struct sanctum_data_hdr *h, uint8_t *pkt, size_t payload_len,
    size_t cap, uint8_t next, size_t tfc_mtu, size_t *outlen)
{
	uint8_t		nonce[SANCTUM_NONCE_LEN];
	size_t		len = payload_len;

	if (tfc_mtu != 0 && len < tfc_mtu)
		len = tfc_mtu;
	if (cap < SANCTUM_DATA_OVERHEAD || len > cap - SANCTUM_DATA_OVERHEAD)
		return (-1);
	if (len > payload_len)
		memset(pkt + SANCTUM_DATA_HDR_LEN + payload_len, 0,
		    len - payload_len);

	put_be32(pkt, h->spi);
	put_be32(pkt + 4, (uint32_t)h->pn);
	put_be64(pkt + 8, h->pn);
	put_be64(pkt + 16, h->flock_src);
	put_be64(pkt + 24, h->flock_dst);
	pkt[SANCTUM_DATA_HDR_LEN + len] = 0x00;
	pkt[SANCTUM_DATA_HDR_LEN + len + 1] = next;

	data_nonce(nonce, salt, h->pn);
	sanctum_aead_seal(aead, pkt + SANCTUM_DATA_HDR_LEN,
	    len + SANCTUM_DATA_TAIL_LEN, pkt, SANCTUM_DATA_HDR_LEN, nonce,
	    pkt + SANCTUM_DATA_HDR_LEN + len + SANCTUM_DATA_TAIL_LEN);
	*outlen = len + SANCTUM_DATA_OVERHEAD;
	return (0);
}

/*
 * Verify and decrypt in place; on success the payload is at pkt + 32 and
 * its length and next-protocol byte are returned. The tail's reserved byte
 * must be zero and next must be a packet or a grace.
 */
enum sanctum_err
sanctum_data_open(const struct sanctum_aead *aead, const uint8_t salt[4],
    uint8_t *pkt, size_t len, size_t *payload_len, uint8_t *next)
{
	uint8_t		nonce[SANCTUM_NONCE_LEN];
	size_t		clen;

	if (len < SANCTUM_DATA_OVERHEAD)
		return (SANCTUM_ERR_SHORT);
	if (len > SANCTUM_MAX_DATAGRAM)
		return (SANCTUM_ERR_LONG);
	clen = len - SANCTUM_DATA_HDR_LEN - SANCTUM_TAG_LEN;
	data_nonce(nonce, salt, get_be64(pkt + 8));
	if (sanctum_aead_open(aead, pkt + SANCTUM_DATA_HDR_LEN, clen, pkt,
	    SANCTUM_DATA_HDR_LEN, nonce, pkt + len - SANCTUM_TAG_LEN) == -1)
		return (SANCTUM_ERR_TAG);
	if (pkt[SANCTUM_DATA_HDR_LEN + clen - 2] != 0x00)
		return (SANCTUM_ERR_MALFORMED);
	*next = pkt[SANCTUM_DATA_HDR_LEN + clen - 1];
	if (*next != SANCTUM_NEXT_PACKET && *next != SANCTUM_NEXT_GRACE)
		return (SANCTUM_ERR_MALFORMED);
	*payload_len = clen - SANCTUM_DATA_TAIL_LEN;
	return (SANCTUM_OK);
}

/*
 * Undo TFC padding of a user packet using the IPv4 total length, which
 * must fit both the received payload and the tunnel MTU.
 */
enum sanctum_err
sanctum_tfc_trim(const uint8_t *payload, size_t len, size_t tun_mtu,
    size_t *trimmed)
{
	size_t	total;

	if (len < 20)
		return (SANCTUM_ERR_SHORT);
	total = get_be16(payload + 2);
	if (total > len || total > tun_mtu)
		return (SANCTUM_ERR_MALFORMED);
	*trimmed = total;
	return (SANCTUM_OK);
}
