/* tests/test_framer.c — the framer gives the same tokens whatever the read sizes (every
 * chunk size 1..64 and random splits), agrees with a naive byte-at-a-time reference framer
 * written separately here on random hostile streams (NULs, lone CR and LF, control bytes,
 * prompts, binary payloads, over-long lines, glued events), and handles each special case
 * as specified: payload pieces, OVERFLOW with the true length, GARBAGE, the prompt, the
 * split marker, flush, timestamps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/framer.h"
#include "tests/tu.h"

#define CAP 64 /* a small carry buffer, so that OVERFLOW and payload pieces happen often */

/* A token as both framers report it, without times. */
struct rtok {
    int kind;
    uint16_t flags;
    uint16_t lead;
    uint8_t lead_bytes[4], lead_len;
    uint64_t full_len, piece_off, offset;
    uint32_t len;
    uint8_t data[CAP];
};

struct rtoks {
    struct rtok *v;
    size_t n, cap;
};

static void push(struct rtoks *t, const struct rtok *x)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 256;
        t->v = realloc(t->v, t->cap * sizeof *t->v);
    }
    t->v[t->n++] = *x;
}

static void push_tok(struct rtoks *t, const struct at_token *k)
{
    struct rtok x;
    memset(&x, 0, sizeof x);
    x.kind = k->kind;
    x.flags = k->flags;
    x.lead = k->lead;
    memcpy(x.lead_bytes, k->lead_bytes, sizeof x.lead_bytes);
    x.lead_len = k->lead_len;
    x.full_len = k->full_len;
    x.piece_off = k->piece_off;
    x.offset = k->offset;
    x.len = k->len > CAP ? CAP : k->len;
    memcpy(x.data, k->data, x.len);
    push(t, &x);
}

/* The rule both framers follow to enter payload mode: a line "+DATA: <n>" announces n bytes. */
static uint64_t announced(const uint8_t *d, size_t n)
{
    if (n < 8 || memcmp(d, "+DATA: ", 7) != 0)
        return 0;
    uint64_t v = 0;
    for (size_t i = 7; i < n; i++) {
        if (d[i] < '0' || d[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(d[i] - '0');
    }
    return v > 100000 ? 0 : v;
}

static const char *MARK = "+EVT:";

/* ---- the framer under test ------------------------------------------------------------ */

static void run_framer(const uint8_t *s, size_t n, const size_t *cuts, size_t n_cuts, bool split,
                       struct rtoks *out)
{
    uint8_t buf[CAP];
    struct at_framer f;
    at_framer_init(&f, buf, sizeof buf);
    if (split)
        at_framer_set_split(&f, MARK);
    size_t pos = 0;
    struct at_token t;
    for (size_t c = 0; c <= n_cuts; c++) {
        size_t end = c < n_cuts ? cuts[c] : n;
        if (end < pos)
            continue;
        /* feed from a copy that dies after the chunk, so that a token pointing into a
         * previous chunk would show up as wrong bytes under ASan */
        uint8_t *chunk = malloc(end - pos + 1);
        memcpy(chunk, s + pos, end - pos);
        at_framer_feed(&f, chunk, end - pos, c);
        while (at_framer_next(&f, &t)) {
            push_tok(out, &t);
            if (t.kind == AT_TOK_LINE) {
                uint64_t p = announced(t.data, t.len);
                if (p)
                    at_framer_expect_payload(&f, p);
            }
        }
        free(chunk);
        pos = end;
    }
    while (at_framer_flush(&f, &t, 99))
        push_tok(out, &t);
}

/* ---- the naive reference, one byte at a time ----------------------------------------------- */

struct naive {
    bool split;
    struct rtoks *out;
    uint8_t line[1 << 16];
    uint64_t line_len;
    bool in_line, garbage, after_payload;
    uint64_t line_off;
    uint32_t lead, line_lead;
    uint8_t last_term;
    uint64_t pay_left, pay_total, pay_done;
    bool skip_lf;
    uint8_t piece[CAP];
    uint32_t piece_len;
    uint64_t piece_off, piece_start_off;
};

static void naive_emit_line(struct naive *z, uint16_t flags)
{
    struct rtok x;
    memset(&x, 0, sizeof x);
    x.flags = flags;
    x.lead = (uint16_t)z->line_lead;
    x.offset = z->line_off;
    if (z->after_payload) {
        x.flags |= AT_TF_AFTER_PAYLOAD;
        z->after_payload = false;
    }
    if (z->line_len > CAP) {
        x.kind = AT_TOK_OVERFLOW;
        x.full_len = z->line_len;
        x.len = CAP;
        memcpy(x.data, z->line, CAP);
        push(z->out, &x);
        z->in_line = false;
        return;
    }
    x.kind = z->garbage ? AT_TOK_GARBAGE : AT_TOK_LINE;
    x.full_len = z->line_len;
    x.len = (uint32_t)z->line_len;
    memcpy(x.data, z->line, x.len);
    z->in_line = false;
    if (x.kind != AT_TOK_LINE || !z->split) {
        push(z->out, &x);
        return;
    }
    /* a line that starts with the marker is cut before every further marker */
    size_t ml = strlen(MARK);
    size_t cuts[CAP + 1], n_cuts = 0;
    for (size_t i = 1; x.len >= ml && memcmp(x.data, MARK, ml) == 0 && i + ml <= x.len; i++)
        if (memcmp(x.data + i, MARK, ml) == 0)
            cuts[n_cuts++] = i;
    if (n_cuts == 0) {
        push(z->out, &x);
        return;
    }
    cuts[n_cuts++] = x.len;
    uint16_t term = x.flags & (AT_TF_CR | AT_TF_LF | AT_TF_UNTERMINATED);
    size_t start = 0;
    for (size_t c = 0; c < n_cuts; c++) {
        struct rtok p = x;
        p.len = (uint32_t)(cuts[c] - start);
        memcpy(p.data, x.data + start, p.len);
        p.offset = x.offset + start;
        p.flags = (uint16_t)((x.flags & ~(AT_TF_CR | AT_TF_LF | AT_TF_UNTERMINATED)) | AT_TF_SPLIT);
        if (start > 0)
            p.flags &= (uint16_t)~AT_TF_AFTER_PAYLOAD;
        if (c == n_cuts - 1)
            p.flags |= term;
        push(z->out, &p);
        start = cuts[c];
    }
}

static void naive_byte(struct naive *z, uint8_t b, uint64_t off)
{
    if (z->pay_left) {
        if (z->skip_lf) {
            z->skip_lf = false;
            if (b == '\n')
                return;
        }
        if (z->piece_len == 0)
            z->piece_start_off = off;
        z->piece[z->piece_len++] = b;
        z->pay_left--;
        z->pay_done++;
        if (z->piece_len == CAP || z->pay_left == 0) {
            struct rtok x;
            memset(&x, 0, sizeof x);
            x.kind = AT_TOK_PAYLOAD;
            x.len = z->piece_len;
            memcpy(x.data, z->piece, z->piece_len);
            x.full_len = z->pay_total;
            x.piece_off = z->pay_done - z->piece_len;
            x.offset = z->piece_start_off;
            x.flags = z->pay_left ? AT_TF_MORE : 0;
            push(z->out, &x);
            z->piece_len = 0;
            if (!z->pay_left) {
                z->last_term = 0;
                z->lead = 0;
                z->after_payload = true;
            }
        }
        return;
    }
    if (!z->in_line) {
        if (b == '\r' || b == '\n') {
            z->last_term = b;
            z->lead++;
            return;
        }
        z->in_line = true;
        z->line_len = 0;
        z->garbage = false;
        z->line_off = off;
        z->line_lead = z->lead;
        z->lead = 0;
    }
    if (z->line_len == 1 && z->line[0] == '>' && b == ' ') {
        struct rtok x;
        memset(&x, 0, sizeof x);
        x.kind = AT_TOK_PROMPT;
        x.len = 2;
        memcpy(x.data, "> ", 2);
        x.offset = z->line_off;
        x.lead = (uint16_t)z->line_lead;
        push(z->out, &x);
        z->in_line = false;
        return;
    }
    if (b == '\r' || b == '\n') {
        z->last_term = b;
        naive_emit_line(z, b == '\r' ? AT_TF_CR : AT_TF_LF);
        z->lead = 1;
        if (z->out->n && z->out->v[z->out->n - 1].kind == AT_TOK_LINE) {
            const struct rtok *t = &z->out->v[z->out->n - 1];
            uint64_t p = announced(t->data, t->len);
            if (p) {
                z->pay_left = z->pay_total = p;
                z->pay_done = 0;
                z->piece_len = 0;
                z->skip_lf = z->last_term == '\r';
            }
        }
        return;
    }
    if ((b < 0x20 && b != '\t') || b == 0x7f)
        z->garbage = true;
    if (z->line_len < sizeof z->line)
        z->line[z->line_len] = b;
    z->line_len++;
}

static void run_naive(const uint8_t *s, size_t n, bool split, struct rtoks *out)
{
    struct naive *z = calloc(1, sizeof *z);
    z->split = split;
    z->out = out;
    for (size_t i = 0; i < n; i++)
        naive_byte(z, s[i], i);
    if (z->in_line && !z->pay_left)
        naive_emit_line(z, AT_TF_UNTERMINATED);
    free(z);
}

/* ---- random streams ---------------------------------------------------------------- */

static uint64_t rng_state;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static size_t make_stream(uint8_t *s, size_t cap, uint64_t seed)
{
    rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
    size_t n = 0;
    static const char *const pieces[] = {"OK", "ERROR", "+QIOTEVT: 7,10700", "AT+GTOTA=0,\"x\"",
                                         "GTOTA DOWNLOADING: 5%", "> ", ">", "+EVT:OTAFWUP_START",
                                         "+EVT:OTAFWUP_FIN", "RDY", "\t", "\xc3\xa9"};
    while (n + 300 < cap) {
        unsigned k = rnd() % 14;
        if (k < 6) {
            const char *p = pieces[rnd() % (sizeof pieces / sizeof pieces[0])];
            size_t l = strlen(p);
            memcpy(s + n, p, l);
            n += l;
        } else if (k < 9) {
            static const char *const terms[] = {"\r\n", "\r", "\n", "\r\r\n", "\n\r", "\r\n\r\n"};
            const char *t = terms[rnd() % 6];
            memcpy(s + n, t, strlen(t));
            n += strlen(t);
        } else if (k == 9) {
            /* control bytes and NULs */
            unsigned m = 1 + rnd() % 3;
            for (unsigned i = 0; i < m; i++)
                s[n++] = (uint8_t)(rnd() % 2 ? 0 : rnd() % 32);
        } else if (k == 10) {
            /* a payload header and its data, sometimes with a CRLF after */
            unsigned len = 1 + rnd() % 150;
            n += (size_t)sprintf((char *)s + n, "\r\n+DATA: %u%s", len, rnd() % 2 ? "\r\n" : "\n");
            for (unsigned i = 0; i < len; i++)
                s[n++] = (uint8_t)rnd();
            if (rnd() % 2) {
                memcpy(s + n, "\r\n", 2);
                n += 2;
            }
        } else if (k == 11) {
            /* a long line */
            unsigned len = CAP - 5 + rnd() % 200;
            for (unsigned i = 0; i < len && n + 1 < cap; i++)
                s[n++] = (uint8_t)('a' + i % 26);
        } else if (k == 12) {
            s[n++] = (uint8_t)(0x80 + rnd() % 128);
        } else {
            n += (size_t)sprintf((char *)s + n, "%u", rnd() % 1000);
        }
    }
    return n;
}

static bool same(const struct rtoks *a, const struct rtoks *b, char *why, size_t wn)
{
    size_t n = a->n < b->n ? a->n : b->n;
    for (size_t i = 0; i < n; i++) {
        const struct rtok *x = &a->v[i], *y = &b->v[i];
        if (x->kind != y->kind || x->len != y->len || memcmp(x->data, y->data, x->len) != 0 ||
            x->flags != y->flags || x->lead != y->lead || x->full_len != y->full_len ||
            x->piece_off != y->piece_off || x->offset != y->offset) {
            snprintf(why, wn,
                     "token %zu differs: kind %d/%d len %u/%u flags %#x/%#x lead %u/%u full %llu/%llu off %llu/%llu data '%.*s'/'%.*s'",
                     i, x->kind, y->kind, x->len, y->len, x->flags, y->flags, x->lead, y->lead,
                     (unsigned long long)x->full_len, (unsigned long long)y->full_len,
                     (unsigned long long)x->offset, (unsigned long long)y->offset,
                     (int)(x->len > 30 ? 30 : x->len), x->data, (int)(y->len > 30 ? 30 : y->len), y->data);
            return false;
        }
    }
    if (a->n != b->n) {
        snprintf(why, wn, "%zu tokens against %zu", a->n, b->n);
        return false;
    }
    return true;
}

/* ---- tests ------------------------------------------------------------------------- */

static void chunk_invariance(void)
{
    static uint8_t s[20000];
    for (uint64_t seed = 1; seed <= 6; seed++) {
        size_t n = make_stream(s, sizeof s, seed);
        for (int split = 0; split < 2; split++) {
            struct rtoks whole = {0};
            run_framer(s, n, NULL, 0, split, &whole);
            TU_CHECK(whole.n > 100, "seed %llu: only %zu tokens", (unsigned long long)seed, whole.n);
            size_t *cuts = malloc((n + 1) * sizeof *cuts);
            for (size_t chunk = 1; chunk <= 64; chunk++) {
                size_t nc = 0;
                for (size_t p = chunk; p < n; p += chunk)
                    cuts[nc++] = p;
                struct rtoks got = {0};
                run_framer(s, n, cuts, nc, split, &got);
                char why[512];
                bool ok = same(&whole, &got, why, sizeof why);
                TU_CHECK(ok, "seed %llu split %d chunk %zu: %s", (unsigned long long)seed, split, chunk, why);
                free(got.v);
                if (!ok)
                    break;
            }
            /* random splits */
            for (int r = 0; r < 40; r++) {
                size_t nc = 0, p = 0;
                while (1) {
                    p += 1 + rnd() % 200;
                    if (p >= n)
                        break;
                    cuts[nc++] = p;
                }
                struct rtoks got = {0};
                run_framer(s, n, cuts, nc, split, &got);
                char why[512];
                bool ok = same(&whole, &got, why, sizeof why);
                TU_CHECK(ok, "seed %llu split %d random cut pattern %d: %s", (unsigned long long)seed, split, r, why);
                free(got.v);
                if (!ok)
                    break;
            }
            free(cuts);
            free(whole.v);
        }
    }
}

static void differential(void)
{
    static uint8_t s[40000];
    for (uint64_t seed = 100; seed < 140; seed++) {
        size_t n = make_stream(s, sizeof s, seed);
        for (int split = 0; split < 2; split++) {
            struct rtoks a = {0}, b = {0};
            size_t cuts[1] = {n / 3};
            run_framer(s, n, cuts, 1, split, &a);
            run_naive(s, n, split, &b);
            char why[512];
            TU_CHECK(same(&b, &a, why, sizeof why), "seed %llu split %d: naive vs framer: %s",
                     (unsigned long long)seed, split, why);
            free(a.v);
            free(b.v);
        }
    }
}

/* Feeds pieces and collects the tokens of one small stream. */
static struct rtoks feed_pieces(const char *const *pieces, size_t n, bool split)
{
    uint8_t buf[CAP];
    struct at_framer f;
    at_framer_init(&f, buf, sizeof buf);
    if (split)
        at_framer_set_split(&f, MARK);
    struct rtoks out = {0};
    struct at_token t;
    for (size_t i = 0; i < n; i++) {
        at_framer_feed(&f, pieces[i], strlen(pieces[i]), i);
        while (at_framer_next(&f, &t)) {
            push_tok(&out, &t);
            if (t.kind == AT_TOK_LINE) {
                uint64_t p = announced(t.data, t.len);
                if (p)
                    at_framer_expect_payload(&f, p);
            }
        }
    }
    while (at_framer_flush(&f, &t, 99))
        push_tok(&out, &t);
    return out;
}

#define EXPECT_TOK(toks, i, k, text)                                                                  \
    TU_CHECK((toks).n > (i) && (toks).v[i].kind == (k) && (toks).v[i].len == strlen(text) &&          \
                 memcmp((toks).v[i].data, text, strlen(text)) == 0,                                    \
             "token %d: expected %s \"%s\", got %s \"%.*s\"", (int)(i), at_tok_kind_name(k), text,    \
             (toks).n > (i) ? at_tok_kind_name((toks).v[i].kind) : "none",                             \
             (toks).n > (i) ? (int)(toks).v[i].len : 0, (toks).n > (i) ? (const char *)(toks).v[i].data : "")

static void special_cases(void)
{
    /* lone CR (echo) and CRLF; empty lines skipped; lead counts terminators */
    const char *a[] = {"AT+X\r\r\nOK\r\n\r\n\nRDY\n"};
    struct rtoks t = feed_pieces(a, 1, false);
    TU_CHECK(t.n == 3, "3 tokens, got %zu", t.n);
    EXPECT_TOK(t, 0, AT_TOK_LINE, "AT+X");
    EXPECT_TOK(t, 1, AT_TOK_LINE, "OK");
    EXPECT_TOK(t, 2, AT_TOK_LINE, "RDY");
    TU_CHECK(t.n == 3 && t.v[0].flags == AT_TF_CR && t.v[1].lead == 3 && t.v[2].lead == 5,
             "flags/lead: %#x %u %u", t.n ? t.v[0].flags : 0, t.n > 1 ? t.v[1].lead : 0, t.n > 2 ? t.v[2].lead : 0);
    /* the terminators themselves, as they came, for the line-end rule: the first four */
    TU_CHECK(t.n == 3 && t.v[1].lead_len == 3 && memcmp(t.v[1].lead_bytes, "\r\r\n", 3) == 0 &&
                 t.v[2].lead_len == 4 && memcmp(t.v[2].lead_bytes, "\r\n\r\n", 4) == 0,
             "lead bytes: %u %u", t.n > 1 ? t.v[1].lead_len : 0, t.n > 2 ? t.v[2].lead_len : 0);
    free(t.v);

    /* what followed the last token so far, chunk by chunk: a CR now, its LF later */
    {
        uint8_t buf[64];
        struct at_framer f;
        struct at_token k;
        size_t n;
        uint32_t total;
        at_framer_init(&f, buf, sizeof buf);
        at_framer_feed(&f, "\r\nOK\r", 5, 1);
        TU_CHECK(at_framer_next(&f, &k) && k.len == 2 && !at_framer_next(&f, &k), "OK read");
        const uint8_t *tr = at_framer_trail(&f, &n, &total);
        TU_CHECK(n == 1 && total == 1 && tr[0] == '\r', "trail after OK CR: %zu %u", n, total);
        at_framer_feed(&f, "\n", 1, 2);
        TU_CHECK(!at_framer_next(&f, &k), "no token from a lone LF");
        tr = at_framer_trail(&f, &n, &total);
        TU_CHECK(n == 2 && total == 2 && tr[0] == '\r' && tr[1] == '\n', "trail after OK CR LF: %zu %u", n, total);
        at_framer_feed(&f, "+X", 2, 3); /* a line has begun: the trail is what came before it */
        TU_CHECK(!at_framer_next(&f, &k), "a partial line");
        tr = at_framer_trail(&f, &n, &total);
        TU_CHECK(n == 2 && total == 2 && tr[1] == '\n', "trail before a partial line: %zu %u", n, total);
    }

    /* NUL and control bytes make GARBAGE; TAB and high bytes do not */
    const char *b[] = {"AB\x01" "C\r\nA\tB\r\n\xff\xfe\r\n"};
    t = feed_pieces(b, 1, false);
    TU_CHECK(t.n == 3 && t.v[0].kind == AT_TOK_GARBAGE && t.v[1].kind == AT_TOK_LINE &&
                 t.v[2].kind == AT_TOK_LINE,
             "garbage classification");
    free(t.v);
    uint8_t nul[] = {'O', 0, 'K', '\r', '\n'};
    uint8_t buf[CAP];
    struct at_framer f;
    at_framer_init(&f, buf, sizeof buf);
    at_framer_feed(&f, nul, sizeof nul, 1);
    struct at_token k;
    TU_CHECK(at_framer_next(&f, &k) && k.kind == AT_TOK_GARBAGE && k.len == 3, "a NUL inside a line: GARBAGE of 3 bytes");

    /* OVERFLOW keeps the first CAP bytes and reports the true length, however fed */
    char longline[300];
    memset(longline, 'x', 250);
    strcpy(longline + 250, "\r\nOK\r\n");
    const char *c1[] = {longline};
    t = feed_pieces(c1, 1, false);
    TU_CHECK(t.n == 2 && t.v[0].kind == AT_TOK_OVERFLOW && t.v[0].full_len == 250 && t.v[0].len == CAP,
             "overflow: kind %d full %llu len %u", t.n ? t.v[0].kind : -1,
             t.n ? (unsigned long long)t.v[0].full_len : 0ull, t.n ? t.v[0].len : 0);
    EXPECT_TOK(t, 1, AT_TOK_LINE, "OK");
    free(t.v);

    /* prompt, also when '>' ends a chunk */
    const char *d[] = {"\r\n>", " data"};
    t = feed_pieces(d, 2, false);
    EXPECT_TOK(t, 0, AT_TOK_PROMPT, "> ");
    EXPECT_TOK(t, 1, AT_TOK_LINE, "data");
    TU_CHECK(t.n == 2 && (t.v[1].flags & AT_TF_UNTERMINATED), "the line after the prompt is flushed unterminated");
    free(t.v);

    /* payload: the LF after a CR-ended header is not data; data with CR/LF bytes in it */
    const char *e[] = {"+DATA: 5\r", "\nA\r\nB\r\r\nOK\r\n"};
    t = feed_pieces(e, 2, false);
    EXPECT_TOK(t, 0, AT_TOK_LINE, "+DATA: 5");
    EXPECT_TOK(t, 1, AT_TOK_PAYLOAD, "A\r\nB\r");
    EXPECT_TOK(t, 2, AT_TOK_LINE, "OK");
    TU_CHECK(t.n == 3 && (t.v[2].flags & AT_TF_AFTER_PAYLOAD) && t.v[2].lead == 2, "OK after payload: flags %#x lead %u",
             t.n == 3 ? t.v[2].flags : 0, t.n == 3 ? t.v[2].lead : 0);
    free(t.v);

    /* a payload longer than the buffer comes in buffer-sized pieces */
    char big[400];
    int l = sprintf(big, "+DATA: 150\n");
    for (int i = 0; i < 150; i++)
        big[l++] = (char)('A' + i % 26);
    strcpy(big + l, "OK\r\n");
    const char *g[] = {big};
    t = feed_pieces(g, 1, false);
    TU_CHECK(t.n == 5 && t.v[1].kind == AT_TOK_PAYLOAD && t.v[1].len == CAP && (t.v[1].flags & AT_TF_MORE) &&
                 t.v[3].len == 150 - 2 * CAP && t.v[3].piece_off == 2 * CAP && !(t.v[3].flags & AT_TF_MORE),
             "payload pieces");
    EXPECT_TOK(t, 4, AT_TOK_LINE, "OK");
    free(t.v);

    /* glued events are cut at the marker */
    const char *h[] = {"+EVT:OTAFWUP_START: wait+EVT:OTAFWUP_FIN\r\n"};
    t = feed_pieces(h, 1, true);
    EXPECT_TOK(t, 0, AT_TOK_LINE, "+EVT:OTAFWUP_START: wait");
    EXPECT_TOK(t, 1, AT_TOK_LINE, "+EVT:OTAFWUP_FIN");
    TU_CHECK(t.n == 2 && (t.v[0].flags & AT_TF_SPLIT) && !(t.v[0].flags & AT_TF_CR) && (t.v[1].flags & AT_TF_CR),
             "split flags");
    free(t.v);
}

static void timestamps(void)
{
    uint8_t buf[CAP];
    struct at_framer f;
    at_framer_init(&f, buf, sizeof buf);
    struct at_token t;
    at_framer_feed(&f, "\r\nO", 3, 1000);
    TU_CHECK(!at_framer_next(&f, &t), "no token before the terminator");
    at_framer_feed(&f, "K\r\n+X", 5, 2000);
    TU_CHECK(at_framer_next(&f, &t) && t.t_first == 1000 && t.t_last == 2000,
             "OK: first byte at 1000, last at 2000; got %llu %llu", (unsigned long long)t.t_first,
             (unsigned long long)t.t_last);
    TU_CHECK(!at_framer_next(&f, &t), "+X is incomplete");
    TU_CHECK(at_framer_flush(&f, &t, 5000) && t.t_first == 2000 && t.t_last == 5000 &&
                 (t.flags & AT_TF_UNTERMINATED) && t.len == 2,
             "flushed +X: first 2000, last = flush time 5000");
    at_framer_expect_payload(&f, 4);
    at_framer_feed(&f, "ab", 2, 6000);
    TU_CHECK(!at_framer_next(&f, &t), "half a payload");
    at_framer_feed(&f, "cd", 2, 7000);
    TU_CHECK(at_framer_next(&f, &t) && t.kind == AT_TOK_PAYLOAD && t.t_first == 6000 && t.t_last == 7000 &&
                 memcmp(t.data, "abcd", 4) == 0,
             "payload times");
    at_framer_expect_payload(&f, 10);
    at_framer_feed(&f, "xyz", 3, 8000);
    TU_CHECK(!at_framer_next(&f, &t) && at_framer_abort_payload(&f) == 7, "aborting a payload says what is missing");
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = tu_suite("framer");
    tu_add(s, "chunk sizes 1..64 and random splits give the same tokens", chunk_invariance);
    tu_add(s, "agrees with a naive byte-at-a-time framer", differential);
    tu_add(s, "special cases: CR, LF, NUL, garbage, overflow, prompt, payload, split", special_cases);
    tu_add(s, "timestamps of first and last byte, flush, payload abort", timestamps);
    return tu_run(argc, argv);
}
