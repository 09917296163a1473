/* harness/sim_fetch.h — the reference module's real download (libcurl), for an http:// URL
 * that is not the reference cloud's:
 *
 *   sim_fetch(const char *url, const struct sim_fetch_opts *, struct sim_fetch_result *)
 *
 * A GET with a connect timeout, a stall limit (CURLOPT_LOW_SPEED_LIMIT/TIME: 10 s by
 * default), a total limit and up to 3 redirects followed, as a real module does. A failure
 * in the middle of the body is resumed ONCE with a Range from the bytes it has, and only a
 * 206 whose Content-Range continues the body is taken. Then the whole body is checked: its
 * length is the Content-Length (the first answer's), its bytes are the reference image's
 * (ota_image_fill, server/ota_image.h: what `otacheck serve` serves by default), and, when
 * the server offers <url>.sha256, its SHA-256 is that one. The body is streamed through the
 * checks, never held; the result is the caller's. It blocks for the download's real time. */
#ifndef OTACHECK_HARNESS_SIM_FETCH_H
#define OTACHECK_HARNESS_SIM_FETCH_H

#include <stdbool.h>
#include <stdint.h>

struct sim_fetch_opts {
    long connect_timeout_s; /* 0: 5 s */
    long stall_s;           /* no byte for this long fails the transfer (libcurl judges the speed
                               over its last seconds: a stall is seen up to ~5 s later); 0: 10 s;
                               <0: no limit */
    long total_s;           /* the whole fetch (each request); 0: 300 s */
    long max_redirects;     /* 0: 3; <0: none followed */
    uint64_t seed;          /* the reference image's seed; 0: OTA_IMAGE_DEFAULT_SEED */
    /* the reference module's faults (harness/sim.h), one behaviour each */
    bool accept_short;      /* a body that ends short is taken as whole, no digest check */
    bool restart_from_zero; /* a failure mid-body fetches again from byte 0, with no Range */
};

struct sim_fetch_result {
    bool ok;
    uint64_t bytes;      /* body bytes that arrived and were taken (of the image, from 0) */
    uint64_t expected;   /* the Content-Length of the first answer (0: none said) */
    long http_status;    /* of the last answer */
    bool resumed;        /* a second request was made (with a Range, or from zero) */
    char why[256];       /* what failed, or "" */
};

/* ok or not in r; returns r->ok. */
bool sim_fetch(const char *url, const struct sim_fetch_opts *o, struct sim_fetch_result *r);

#endif
