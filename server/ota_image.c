/* server/ota_image.c — the OTA image of `otacheck serve`: the reference pattern (splitmix64
 * of the seed and the 8-byte word's index, every 256th byte 0xFF), a file loaded instead,
 * and their SHA-256 and MD5 through libcrypto's EVP. */
#include "server/ota_image.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "common/xalloc.h"

/* The 64-bit word number w of seed's pattern: splitmix64's output for the counter w. */
static uint64_t word_of(uint64_t seed, uint64_t w)
{
    uint64_t z = seed * 0xD1B54A32D192ED03ull + (w + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void ota_image_fill(uint64_t seed, uint64_t off, uint8_t *out, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint64_t at = off + i, w = word_of(seed, at / 8);
        /* the rest of this word, little-endian */
        for (unsigned b = (unsigned)(at % 8); b < 8 && i < n; b++, i++, at++)
            out[i] = (at % OTA_IMAGE_FF_EVERY == OTA_IMAGE_FF_EVERY - 1) ? 0xFF : (uint8_t)(w >> (8 * b));
    }
}

static void hex_of(const unsigned char *md, unsigned n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * n] = '\0';
}

static void digest(const EVP_MD *type, const uint8_t *p, size_t n, char *hex, unsigned want)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned ml = 0;
    if (EVP_Digest(p, n, md, &ml, type, NULL) != 1 || ml != want)
        oc_out_of_memory(0); /* EVP fails for lack of memory alone */
    hex_of(md, ml, hex);
}

static void digests(struct ota_image *im)
{
    digest(EVP_sha256(), im->bytes, im->len, im->sha256, 32);
    digest(EVP_md5(), im->bytes, im->len, im->md5, 16);
}

void ota_image_reference(struct ota_image *im, size_t n, uint64_t seed)
{
    memset(im, 0, sizeof *im);
    im->owned_ = oc_xmalloc(n ? n : 1);
    ota_image_fill(seed, 0, im->owned_, n);
    im->bytes = im->owned_;
    im->len = n;
    snprintf(im->name, sizeof im->name, "reference");
    digests(im);
}

int ota_image_load(struct ota_image *im, const char *path, char *err, size_t errlen)
{
    memset(im, 0, sizeof *im);
    if (oc_file_bytes_open(path, &im->fb_, err, errlen) != 0)
        return -1;
    if (im->fb_.len == 0) {
        snprintf(err, errlen, "%s is empty: an image has at least one byte", path);
        oc_file_bytes_close(&im->fb_);
        return -1;
    }
    im->bytes = (const uint8_t *)im->fb_.data;
    im->len = im->fb_.len;
    const char *base = strrchr(path, '/');
    snprintf(im->name, sizeof im->name, "%s", base ? base + 1 : path);
    digests(im);
    return 0;
}

void ota_image_free(struct ota_image *im)
{
    if (im->owned_)
        free(im->owned_);
    else if (im->bytes)
        oc_file_bytes_close(&im->fb_);
    memset(im, 0, sizeof *im);
}
