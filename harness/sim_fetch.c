/* harness/sim_fetch.c — the reference module's real download; see sim_fetch.h.
 *
 * sim_fetch(const char *url, const struct sim_fetch_opts *, struct sim_fetch_result *):
 * one GET through libcurl (at most one more to resume it), the body streamed through the
 * checks as it comes (the reference image's bytes at each offset, a SHA-256 context), then
 * the length and the server's <url>.sha256 compared. Nothing is allocated but curl's handle
 * and the digest context, both freed before it returns. */
#include "harness/sim_fetch.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/digest.h"
#include "server/ota_image.h"

struct xfer {
    uint64_t seed;
    uint64_t off;        /* the image offset of the next body byte */
    uint64_t start;      /* where this request's body starts */
    bool resume;         /* this request is the resume: a 206 that continues is required */
    uint64_t total;      /* the whole image's length (the first answer's Content-Length) */
    bool body_started;   /* of this request */
    bool mismatch;
    uint64_t mismatch_at;
    struct oc_sha256 *sha;
    long status;         /* of the answer whose headers came last */
    bool have_len, have_cr;
    uint64_t clen, cr_a, cr_b, cr_n;
    char refused[160];   /* the write callback stopped the transfer: why */
};

static bool parse_u64(const char *p, const char **end, uint64_t *v)
{
    char *e;
    if (*p < '0' || *p > '9')
        return false;
    unsigned long long u = strtoull(p, &e, 10);
    *v = u;
    *end = e;
    return true;
}

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    size_t len = size * n;
    char line[256];
    size_t k = len < sizeof line - 1 ? len : sizeof line - 1;
    memcpy(line, buf, k);
    line[k] = '\0';
    const char *e;
    if (strncmp(line, "HTTP/", 5) == 0) {
        const char *sp = strchr(line, ' ');
        uint64_t st = 0;
        x->status = sp && parse_u64(sp + 1, &e, &st) ? (long)st : 0;
        x->have_len = x->have_cr = false;
    } else if (strncasecmp(line, "Content-Length:", 15) == 0) {
        const char *p = line + 15;
        while (*p == ' ')
            p++;
        x->have_len = parse_u64(p, &e, &x->clen);
    } else if (strncasecmp(line, "Content-Range:", 14) == 0) {
        const char *p = line + 14;
        while (*p == ' ')
            p++;
        x->have_cr = strncmp(p, "bytes ", 6) == 0 && parse_u64(p + 6, &e, &x->cr_a) && *e == '-' &&
                     parse_u64(e + 1, &e, &x->cr_b) && *e == '/' && parse_u64(e + 1, &e, &x->cr_n);
    }
    return len;
}

/* The first bytes of a request's body: is this the answer that may carry it? */
static bool body_acceptable(struct xfer *x)
{
    if (!x->resume) {
        if (x->status != 200) {
            snprintf(x->refused, sizeof x->refused, "HTTP %ld to the download", x->status);
            return false;
        }
        x->total = x->have_len ? x->clen : 0;
        return true;
    }
    if (x->status != 206) {
        snprintf(x->refused, sizeof x->refused, "HTTP %ld to the resume from byte %" PRIu64 " (206 expected)",
                 x->status, x->start);
        return false;
    }
    if (!x->have_cr || x->cr_a != x->start || (x->total && (x->cr_n != x->total || x->cr_b + 1 != x->total))) {
        snprintf(x->refused, sizeof x->refused, "the resume's Content-Range is not bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64,
                 x->start, x->total ? x->total - 1 : 0, x->total);
        return false;
    }
    return true;
}

static size_t on_body(char *buf, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    size_t len = size * n;
    if (!x->body_started) {
        x->body_started = true;
        if (!body_acceptable(x))
            return 0; /* CURLE_WRITE_ERROR */
    }
    uint8_t ref[4096];
    for (size_t i = 0; i < len && !x->mismatch;) {
        size_t k = len - i < sizeof ref ? len - i : sizeof ref;
        ota_image_fill(x->seed, x->off + i, ref, k);
        for (size_t j = 0; j < k; j++)
            if ((uint8_t)buf[i + j] != ref[j]) {
                x->mismatch = true;
                x->mismatch_at = x->off + i + j;
                break;
            }
        i += k;
    }
    oc_sha256_update(x->sha, buf, len);
    x->off += len;
    return len;
}

static void set_common(CURL *h, const struct sim_fetch_opts *o, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, o->connect_timeout_s > 0 ? o->connect_timeout_s : 5L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, o->total_s > 0 ? o->total_s : 300L);
    if (o->stall_s >= 0) {
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, o->stall_s > 0 ? o->stall_s : 10L);
    }
    if (o->max_redirects >= 0) {
        curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(h, CURLOPT_MAXREDIRS, o->max_redirects > 0 ? o->max_redirects : 3L);
    }
    curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "otacheck-sim");
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
}

/* A failure once body bytes came: what a resume can mend. */
static bool mid_body(CURLcode c)
{
    return c == CURLE_PARTIAL_FILE || c == CURLE_RECV_ERROR || c == CURLE_OPERATION_TIMEDOUT ||
           c == CURLE_GOT_NOTHING;
}

static void why(struct sim_fetch_result *r, const struct xfer *x, CURLcode c, const char *errbuf, const char *when)
{
    if (x->refused[0])
        snprintf(r->why, sizeof r->why, "%s: %s", when, x->refused);
    else
        snprintf(r->why, sizeof r->why, "%s: %s", when, errbuf[0] ? errbuf : curl_easy_strerror(c));
}

struct text {
    char b[256];
    size_t n;
};

static size_t on_text(char *buf, size_t size, size_t n, void *arg)
{
    struct text *t = arg;
    size_t len = size * n;
    if (t->n + len >= sizeof t->b)
        return 0; /* not a digest file */
    memcpy(t->b + t->n, buf, len);
    t->n += len;
    t->b[t->n] = '\0';
    return len;
}

/* The server's <url>.sha256: 1 it matches, 0 it does not (why said), -1 not offered. */
static int digest_check(CURL *h, const struct sim_fetch_opts *o, const char *url, const char hex[65],
                        struct sim_fetch_result *r)
{
    char durl[2100];
    if (snprintf(durl, sizeof durl, "%s.sha256", url) >= (int)sizeof durl)
        return -1;
    char errbuf[CURL_ERROR_SIZE] = "";
    struct text t = {.n = 0};
    t.b[0] = '\0';
    curl_easy_reset(h);
    set_common(h, o, errbuf);
    curl_easy_setopt(h, CURLOPT_URL, durl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_text);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    if (curl_easy_perform(h) != CURLE_OK)
        return -1; /* 404 and the like: the server offers none */
    if (t.n < 64 || strncasecmp(t.b, hex, 64) != 0) {
        snprintf(r->why, sizeof r->why, "SHA-256 %s is not the server's %.64s", hex, t.b);
        return 0;
    }
    return 1;
}

bool sim_fetch(const char *url, const struct sim_fetch_opts *o, struct sim_fetch_result *r)
{
    static bool global_done;
    memset(r, 0, sizeof *r);
    if (!global_done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        global_done = true;
    }
    CURL *h = curl_easy_init();
    if (!h) {
        snprintf(r->why, sizeof r->why, "libcurl did not start");
        return false;
    }
    struct xfer x;
    memset(&x, 0, sizeof x);
    x.seed = o->seed ? o->seed : OTA_IMAGE_DEFAULT_SEED;
    x.sha = oc_sha256_begin();
    char errbuf[CURL_ERROR_SIZE] = "";
    set_common(h, o, errbuf);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    CURLcode c = curl_easy_perform(h);
    long st = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
    r->http_status = st;
    r->expected = x.total;
    bool short_taken = false;
    if (c != CURLE_OK && x.body_started && !x.refused[0] && mid_body(c)) {
        if (o->accept_short && c == CURLE_PARTIAL_FILE) {
            short_taken = true; /* fault accept-short-body: the short body is the image */
        } else {
            /* resume once: from the bytes it has (or, fault restart-from-zero, from 0) */
            r->resumed = true;
            if (o->restart_from_zero) {
                x.off = 0;
                x.mismatch = false;
                char drop[65];
                oc_sha256_end(x.sha, drop);
                x.sha = oc_sha256_begin();
            } else {
                x.resume = true;
            }
            x.start = x.off;
            x.body_started = false;
            errbuf[0] = '\0';
            curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)x.start);
            c = curl_easy_perform(h);
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
            r->http_status = st;
            if (c != CURLE_OK) {
                why(r, &x, c, errbuf, "the resumed download");
                goto out;
            }
        }
    } else if (c != CURLE_OK) {
        why(r, &x, c, errbuf, "the download");
        goto out;
    }
    if (!short_taken && x.total && x.off != x.total) {
        snprintf(r->why, sizeof r->why, "%" PRIu64 " bytes of a Content-Length of %" PRIu64, x.off, x.total);
        goto out;
    }
    if (x.mismatch) {
        snprintf(r->why, sizeof r->why, "the byte at %" PRIu64 " is not the reference image's", x.mismatch_at);
        goto out;
    }
    char hex[65];
    oc_sha256_end(x.sha, hex);
    x.sha = NULL;
    if (!short_taken && digest_check(h, o, url, hex, r) == 0)
        goto out;
    r->ok = true;
out:
    r->bytes = x.off;
    if (x.sha) {
        char drop[65];
        oc_sha256_end(x.sha, drop);
    }
    curl_easy_cleanup(h);
    return r->ok;
}
