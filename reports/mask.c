/* reports/mask.c — the last line of defence for credentials, and text every format can
 * hold: each text the report files get is cleaned here first — every secret registered
 * with rp_add_secret replaced by AT_MASK (the parser's mask, parser/mask.h), then the
 * bytes made valid UTF-8 (U+FFFD for each byte that does not start a valid sequence, and
 * for the non-characters U+FFFE/U+FFFF, which XML and YAML refuse). */
#include <stdlib.h>
#include <string.h>

#include "parser/mask.h"
#include "reports/report_internal.h"

void rp_secrets_init(struct rp_secrets *s)
{
    s->v = NULL;
    s->n = s->cap = 0;
}

void rp_secrets_free(struct rp_secrets *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    rp_secrets_init(s);
}

void rp_secrets_add(struct rp_secrets *s, const char *secret)
{
    if (!secret || !*secret)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], secret) == 0)
            return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        char **v = realloc(s->v, cap * sizeof *v);
        if (!v)
            abort();
        s->v = v;
        s->cap = cap;
    }
    char *copy = strdup(secret);
    if (!copy)
        abort();
    /* longest first, so that a secret containing another is masked whole */
    size_t len = strlen(copy), at = s->n;
    while (at > 0 && strlen(s->v[at - 1]) < len) {
        s->v[at] = s->v[at - 1];
        at--;
    }
    s->v[at] = copy;
    s->n++;
}

/* The length of the secret that starts at p, or 0. */
static size_t secret_at(const struct rp_secrets *s, const char *p)
{
    for (size_t i = 0; i < s->n; i++) {
        const char *q = s->v[i];
        if (q[0] == p[0] && strncmp(q, p, strlen(q)) == 0)
            return strlen(q);
    }
    return 0;
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
    size_t len = strlen(text), mlen = strlen(AT_MASK);
    /* pass 1: masked (a secret of one byte grows to mlen bytes at most) */
    char *masked = malloc(len * (mlen > 1 ? mlen : 1) + 1);
    if (!masked)
        abort();
    size_t m = 0;
    for (size_t i = 0; i < len;) {
        size_t k = s ? secret_at(s, text + i) : 0;
        if (k) {
            memcpy(masked + m, AT_MASK, mlen);
            m += mlen;
            i += k;
        } else {
            masked[m++] = text[i++];
        }
    }
    /* pass 2: valid UTF-8 (one bad byte becomes the 3 bytes of U+FFFD) */
    char *out = oc_arena_alloc(a, m * 3 + 1);
    const unsigned char *p = (const unsigned char *)masked, *end = p + m;
    size_t o = 0;
    while (p < end) {
        unsigned long cp = 0;
        size_t n = utf8_seq(p, end, &cp);
        if (n == 0 || cp == 0xFFFE || cp == 0xFFFF) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
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
