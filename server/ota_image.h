/* server/ota_image.h — the OTA image `otacheck serve` sends: a file given with --image, or
 * the reference image, a fixed pseudo-random pattern of any size made from a seed (counter
 * based, so any part of it can be made alone), with its SHA-256 and MD5. The reference
 * module and the tests call ota_image_fill() to know the bytes a download must give. */
#ifndef OTACHECK_SERVER_OTA_IMAGE_H
#define OTACHECK_SERVER_OTA_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "common/fileio.h"

#define OTA_IMAGE_DEFAULT_SIZE ((size_t)1 << 20) /* 1 MiB */
#define OTA_IMAGE_DEFAULT_SEED 1u
/* Every byte at an offset of 255 modulo 256 of the reference image is 0xFF (erased flash,
 * and the byte a signed char mistakes for EOF); the others are the seed's pattern. */
#define OTA_IMAGE_FF_EVERY 256u

struct ota_image {
    const uint8_t *bytes;
    size_t len;
    char name[64];    /* the file's base name, or "reference" */
    char sha256[65];  /* lower-case hex */
    char md5[33];
    uint8_t *owned_;          /* the reference image's bytes */
    struct oc_file_bytes fb_; /* a file's */
};

/* Bytes [off, off + n) of the reference image of seed into out. */
void ota_image_fill(uint64_t seed, uint64_t off, uint8_t *out, size_t n);
/* The reference image of n bytes (n >= 1) and its digests. Out of memory ends the run. */
void ota_image_reference(struct ota_image *im, size_t n, uint64_t seed);
/* The file at path (mapped when it is a regular file) and its digests. 0, or -1 with
 * "cannot open PATH: why" (or an empty file) in err. */
int ota_image_load(struct ota_image *im, const char *path, char *err, size_t errlen);
void ota_image_free(struct ota_image *im);

#endif
