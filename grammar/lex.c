/* grammar/lex.c — tokenizer for grammar files; see lex.h. */
#include "grammar/lex.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void glex_init_at(struct glex *lx, const char *file, const char *src, size_t len,
                  uint32_t line, uint32_t col)
{
    memset(lx, 0, sizeof *lx);
    lx->file = file;
    lx->src = lx->cur = src;
    lx->end = src + len;
    lx->line = line;
    lx->col = col;
    lx->at_line_start = true;
}

void glex_init(struct glex *lx, const char *file, const char *src, size_t len)
{
    glex_init_at(lx, file, src, len, 1, 1);
}

void glex_free(struct glex *lx)
{
    free(lx->scratch);
    lx->scratch = NULL;
}

static void advance(struct glex *lx, size_t n)
{
    while (n-- && lx->cur < lx->end) {
        if (*lx->cur == '\n') {
            lx->line++;
            lx->col = 1;
        } else if ((*lx->cur & 0xC0) != 0x80) {
            lx->col++; /* columns count characters, not UTF-8 continuation bytes */
        }
        lx->cur++;
    }
}

static bool is_word_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$';
}

static bool is_word_char(char c)
{
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Skips blanks and comment lines. Returns true when the statement ended (a newline at
 * bracket depth 0, or the end of input). */
static bool skip_space(struct glex *lx)
{
    for (;;) {
        if (lx->cur >= lx->end)
            return true;
        char c = *lx->cur;
        if (c == ' ' || c == '\t' || c == '\r') {
            advance(lx, 1);
            continue;
        }
        if (c == '\n') {
            if (lx->depth > 0 && !lx->at_line_start) {
                advance(lx, 1);
                /* a comment line inside a continued statement is still a comment */
                const char *q = lx->cur;
                while (q < lx->end && (*q == ' ' || *q == '\t'))
                    q++;
                if (q < lx->end && *q == '#') {
                    while (lx->cur < lx->end && *lx->cur != '\n')
                        advance(lx, 1);
                }
                continue;
            }
            return true;
        }
        if (c == '\\' && lx->cur + 1 < lx->end &&
            (lx->cur[1] == '\n' || (lx->cur[1] == '\r' && lx->cur + 2 < lx->end && lx->cur[2] == '\n'))) {
            /* explicit continuation */
            advance(lx, lx->cur[1] == '\n' ? 2 : 3);
            continue;
        }
        return false;
    }
}

/* At the start of a statement: skip blank lines and comment lines. */
static void skip_to_statement(struct glex *lx)
{
    for (;;) {
        while (lx->cur < lx->end && (*lx->cur == ' ' || *lx->cur == '\t' || *lx->cur == '\r'))
            advance(lx, 1);
        if (lx->cur >= lx->end)
            return;
        if (*lx->cur == '\n') {
            advance(lx, 1);
            continue;
        }
        if (*lx->cur == '#') {
            while (lx->cur < lx->end && *lx->cur != '\n')
                advance(lx, 1);
            continue;
        }
        return;
    }
}

static void scratch_put(struct glex *lx, size_t at, char c)
{
    if (at + 2 > lx->scratch_cap) {
        size_t cap = lx->scratch_cap ? lx->scratch_cap * 2 : 256;
        while (cap < at + 2)
            cap *= 2;
        lx->scratch = oc_xrealloc(lx->scratch, cap);
        lx->scratch_cap = cap;
    }
    lx->scratch[at] = c;
}

static struct glex_tok lex_one(struct glex *lx)
{
    struct glex_tok t;
    memset(&t, 0, sizeof t);
    if (lx->at_line_start) {
        skip_to_statement(lx);
        lx->at_line_start = false;
        lx->depth = 0;
        if (lx->cur >= lx->end) {
            t.kind = GT_EOF;
            t.line = lx->line;
            t.col = lx->col;
            t.p = lx->cur;
            return t;
        }
    } else if (skip_space(lx)) {
        t.kind = GT_EOL;
        t.line = lx->line;
        t.col = lx->col;
        t.p = lx->cur;
        if (lx->cur < lx->end)
            advance(lx, 1); /* the newline */
        lx->at_line_start = true;
        return t;
    }
    t.p = lx->cur;
    t.line = lx->line;
    t.col = lx->col;
    const char *s = lx->cur;
    char c = *s;
    size_t left = (size_t)(lx->end - s);

    if (is_digit(c) || (c == '-' && left > 1 && is_digit(s[1]))) {
        size_t i = (c == '-') ? 1 : 0;
        uint64_t v = 0;
        bool ovf = false;
        while (i < left && is_digit(s[i])) {
            uint64_t d = (uint64_t)(s[i] - '0');
            if (v > (UINT64_MAX - d) / 10)
                ovf = true;
            else
                v = v * 10 + d;
            i++;
        }
        if (i < left && is_word_start(s[i])) {
            /* 300ms, 2s: a word that starts with digits */
            while (i < left && is_word_char(s[i]))
                i++;
            t.kind = GT_WORD;
            t.len = (uint32_t)i;
            advance(lx, i);
            return t;
        }
        uint64_t lim = (c == '-') ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        if (v > lim)
            ovf = true;
        t.kind = GT_NUM;
        t.num_overflow = ovf;
        t.num = ovf ? 0 : (c == '-' ? (int64_t)(0 - v) : (int64_t)v);
        t.len = (uint32_t)i;
        advance(lx, i);
        return t;
    }
    if (is_word_start(c) || ((c == '+' || c == '&') && left > 1 && is_word_start(s[1]))) {
        size_t i = 1;
        while (i < left && is_word_char(s[i]))
            i++;
        t.kind = GT_WORD;
        t.len = (uint32_t)i;
        advance(lx, i);
        return t;
    }
    if (c == '"') {
        size_t i = 1, o = 0;
        bool closed = false;
        while (i < left && s[i] != '\n') {
            if (s[i] == '"') {
                closed = true;
                i++;
                break;
            }
            if (s[i] == '\\' && i + 1 < left && s[i + 1] != '\n') {
                char e = s[i + 1];
                char out = e == 'n' ? '\n' : e == 't' ? '\t' : e;
                scratch_put(lx, o++, out);
                i += 2;
                continue;
            }
            scratch_put(lx, o++, s[i]);
            i++;
        }
        scratch_put(lx, o, '\0');
        if (!closed) {
            t.kind = GT_BAD;
            t.len = (uint32_t)i;
            snprintf(t.punct, sizeof t.punct, "\"");
            advance(lx, i);
            return t;
        }
        t.kind = GT_STR;
        t.str = lx->scratch;
        t.str_len = (uint32_t)o;
        t.len = (uint32_t)i;
        advance(lx, i);
        return t;
    }
    static const char *const two[] = {"..", "->", "!="};
    for (size_t k = 0; k < sizeof two / sizeof two[0]; k++) {
        if (left >= 2 && s[0] == two[k][0] && s[1] == two[k][1]) {
            t.kind = GT_PUNCT;
            memcpy(t.punct, two[k], 2);
            t.len = 2;
            advance(lx, 2);
            return t;
        }
    }
    if (strchr("()[]{},:=|*+?&<>.", c)) {
        t.kind = GT_PUNCT;
        t.punct[0] = c;
        t.len = 1;
        if (c == '(' || c == '[' || c == '{')
            lx->depth++;
        else if ((c == ')' || c == ']' || c == '}') && lx->depth > 0)
            lx->depth--;
        advance(lx, 1);
        return t;
    }
    t.kind = GT_BAD;
    t.len = 1;
    t.punct[0] = c;
    advance(lx, 1);
    return t;
}

struct glex_tok glex_next(struct glex *lx)
{
    if (lx->has_peek) {
        lx->has_peek = false;
        return lx->peeked;
    }
    return lex_one(lx);
}

struct glex_tok glex_peek(struct glex *lx)
{
    if (!lx->has_peek) {
        lx->peeked = lex_one(lx);
        lx->has_peek = true;
    }
    return lx->peeked;
}

const char *glex_rest(struct glex *lx, size_t *len, uint32_t *line, uint32_t *col)
{
    /* A peeked token has already been consumed from the source: start from it. */
    if (lx->has_peek) {
        lx->has_peek = false;
        if (lx->peeked.kind == GT_EOL || lx->peeked.kind == GT_EOF) {
            *len = 0;
            *line = lx->peeked.line;
            *col = lx->peeked.col;
            lx->has_peek = true; /* the end of line stays for the next call */
            return lx->peeked.p;
        }
        /* rewind to the peeked token's start */
        lx->cur = lx->peeked.p;
        lx->line = lx->peeked.line;
        lx->col = lx->peeked.col;
    }
    while (lx->cur < lx->end && (*lx->cur == ' ' || *lx->cur == '\t'))
        advance(lx, 1);
    const char *start = lx->cur;
    *line = lx->line;
    *col = lx->col;
    const char *e = start;
    while (e < lx->end && *e != '\n')
        e++;
    const char *t = e;
    while (t > start && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
        t--;
    *len = (size_t)(t - start);
    advance(lx, (size_t)(e - start));
    lx->depth = 0;
    return start;
}

void glex_skip_statement(struct glex *lx)
{
    lx->has_peek = false;
    if (lx->at_line_start)
        return;
    for (;;) {
        struct glex_tok t = lex_one(lx);
        if (t.kind == GT_EOL || t.kind == GT_EOF)
            return;
        if (t.kind == GT_BAD && lx->depth > 0)
            lx->depth = 0;
    }
}

bool glex_is(const struct glex_tok *t, const char *s)
{
    if (t->kind == GT_PUNCT)
        return strcmp(t->punct, s) == 0;
    if (t->kind == GT_WORD)
        return strlen(s) == t->len && memcmp(t->p, s, t->len) == 0;
    return false;
}

const char *glex_describe(const struct glex_tok *t, char *buf, size_t n)
{
    switch (t->kind) {
    case GT_EOL: snprintf(buf, n, "end of line"); break;
    case GT_EOF: snprintf(buf, n, "end of file"); break;
    case GT_WORD: snprintf(buf, n, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->p); break;
    case GT_NUM: snprintf(buf, n, "number %.*s", (int)(t->len > 40 ? 40 : t->len), t->p); break;
    case GT_STR: snprintf(buf, n, "string \"%.*s\"", (int)(t->str_len > 40 ? 40 : t->str_len), t->str); break;
    case GT_PUNCT: snprintf(buf, n, "'%s'", t->punct); break;
    case GT_BAD:
        if (t->punct[0] == '"')
            snprintf(buf, n, "an unterminated string");
        else if ((unsigned char)t->punct[0] < 0x20 || (unsigned char)t->punct[0] >= 0x7f)
            snprintf(buf, n, "byte 0x%02x", (unsigned char)t->punct[0]);
        else
            snprintf(buf, n, "'%c'", t->punct[0]);
        break;
    }
    return buf;
}
