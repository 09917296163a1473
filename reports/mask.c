/* reports/mask.c — the last line of defence for credentials, and text every format can
 * hold: each text the report files get is cleaned here first — every secret registered
 * with rp_add_secret replaced by AT_MASK in each of its forms (its text, case copies, hex,
 * base64: the parser's one masker, at_secrets_mask in parser/mask.h, which also gives the
 * rule for short secrets), then the bytes made valid UTF-8: each byte that does not start a
 * valid sequence, and the bytes of the non-characters U+FFFE/U+FFFF (which XML and YAML
 * refuse), written as the text \xNN, as transcripts write control bytes. struct rp_secrets holds the forms (its v is an at_secrets' form list). */
#include <stdlib.h>
#include <string.h>

#include "parser/mask.h"
#include "reports/report_internal.h"

void rp_secrets_init(struct rp_secrets *s)
{
    s->v = NULL;
    s->n = s->cap = 0;
}

/* The parser's set over the same list (no copy). */
static struct at_secrets as_set(const struct rp_secrets *s)
{
    struct at_secrets set = {s->v, s->n, s->cap};
    return set;
}

void rp_secrets_free(struct rp_secrets *s)
{
    struct at_secrets set = as_set(s);
    at_secrets_free(&set);
    rp_secrets_init(s);
}

void rp_secrets_add(struct rp_secrets *s, const char *secret)
{
    if (!secret)
        return;
    struct at_secrets set = as_set(s);
    at_secrets_add(&set, secret, strlen(secret)); /* shorter than AT_SECRET_MIN: nothing */
    s->v = set.form;
    s->n = set.n;
    s->cap = set.cap;
}

/* The length of the valid UTF-8 sequence at p (up to end), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end, unsigned long *cp)
{
    size_t avail = (size_t)(end - p);
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < n || p[1] < lo || p[1] > hi)
        return 0;
    unsigned long v = c & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if (i > 1 && (p[i] < 0x80 || p[i] > 0xBF))
            return 0;
        v = v << 6 | (p[i] & 0x3Fu);
    }
    *cp = v;
    return n;
}

char *rp_clean(struct oc_arena *a, const struct rp_secrets *s, const char *text)
{
    if (!text)
        return NULL;
    size_t m = 0;
    /* pass 1: masked (never longer than the text) */
    struct at_secrets set = s ? as_set(s) : (struct at_secrets){NULL, 0, 0};
    char *masked = at_secrets_mask_dup(&set, text, strlen(text), &m);
    /* pass 2: valid UTF-8 (each byte that is not text becomes the 4 characters \xNN) */
    char *out = oc_arena_alloc(a, m * 4 + 1);
    const unsigned char *p = (const unsigned char *)masked, *end = p + m;
    size_t o = 0;
    static const char hex[] = "0123456789abcdef";
    while (p < end) {
        unsigned long cp = 0;
        size_t n = utf8_seq(p, end, &cp);
        if (n == 0 || cp == 0xFFFE || cp == 0xFFFF) {
            for (size_t k = 0; k < (n ? n : 1); k++) {
                out[o++] = '\\';
                out[o++] = 'x';
                out[o++] = hex[p[k] >> 4];
                out[o++] = hex[p[k] & 15];
            }
            p += n ? n : 1;
        } else {
            memcpy(out + o, p, n);
            o += n;
            p += n;
        }
    }
    out[o] = '\0';
    free(masked);
    return out;
}
