/* parser/gen.c — command-line cases from the grammar; see gen.h.
 *
 * A form's parameters get candidate texts: valid ones (bounds, enumerated values,
 * shortest and longest strings) and invalid ones, each with the error it must cause. A
 * valid "base" assignment is searched for with the validator, so that the rules across
 * parameters hold; every case then changes the base in one place. */
#include "parser/gen.h"
#include "common/xalloc.h"

#include <inttypes.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "parser/validate.h"

#define MAX_CANDS 24
#define TEXT_MAX 1200
#define SEARCH_BUDGET 4000

struct cand {
    char text[TEXT_MAX];
    const char *expect; /* NULL: valid */
    char what[96];
    uint8_t aspect;     /* valid: enum gram_aspect */
};

struct cands {
    struct cand v[MAX_CANDS];
    int n;
    bool secret; /* the parameter holds a credential */
};

struct gen {
    const struct at_index *ix;
    uint8_t slot;
    const struct gram_vendor *v;
    const struct gram_dialect *d;
    const struct gram_form *f;
    gram_gen_cb cb;
    void *ctx;
    struct cands valid[GRAM_MAX_PARAMS];
    /* the base assignment: texts (NULL = omitted) and count */
    const char *base[GRAM_MAX_PARAMS];
    int base_n;
    bool have_base;
    unsigned budget;
    /* lines already given, to avoid repeats */
    uint64_t seen[512];
    int n_seen;
    struct gram_gen_case c;
};

/* ---- texts of values --------------------------------------------------------------- */

static void add(struct cands *cs, const char *expect, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(struct cands *cs, const char *expect, const char *what, const char *fmt, ...)
{
    if (cs->n >= MAX_CANDS)
        return;
    struct cand *c = &cs->v[cs->n];
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(c->text, sizeof c->text, fmt, ap);
    va_end(ap);
    if (r < 0 || (size_t)r >= sizeof c->text)
        return;
    for (int i = 0; i < cs->n; i++)
        if (strcmp(cs->v[i].text, c->text) == 0)
            return;
    c->expect = expect;
    c->aspect = GASP_VALUES;
    snprintf(c->what, sizeof c->what, "%s", what);
    cs->n++;
}

/* The aspect of the candidate just added (when it was added). */
static void last_aspect(struct cands *cs, int before, enum gram_aspect a)
{
    if (cs->n > before)
        cs->v[cs->n - 1].aspect = (uint8_t)a;
}

static bool quoted(const struct gram_type *t)
{
    return t->quoting != GQ_BARE;
}

/* A string body of n bytes that suits the charset. A credential's ("k0l1m2...", letters
 * and digits by turns) shares no three bytes with the text of other values ("abcd...", no
 * digits), so that a module printing one is told from one printing the other. */
static void body(char *out, size_t n, uint8_t charset, bool secret)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++)
        out[i] = charset == GCS_HEX      ? hex[i % 16]
                 : charset == GCS_DIGITS ? (char)('0' + i % 10)
                 : secret                ? (i % 2 ? (char)('0' + (i / 2) % 10) : (char)('k' + (i / 2) % 16))
                                         : (char)('a' + i % 26);
    out[n] = '\0';
}

static void string_cand(struct cands *cs, const struct gram_type *t, size_t n, const char *expect,
                        const char *what)
{
    char b[TEXT_MAX];
    if (n + 3 >= sizeof b)
        return;
    body(b, n, t->charset, cs->secret);
    if (quoted(t))
        add(cs, expect, what, "\"%s\"", b);
    else
        add(cs, expect, what, "%s", b);
}

static void valid_cands(const struct gram_vendor *v, const struct gram_param *p,
                        const struct gram_dialect *d, struct cands *cs)
{
    const struct gram_type *t = &p->type;
    cs->n = 0;
    cs->secret = p->secret;
    char w[96];
    switch (t->kind) {
    case GT_INT:
        if (t->n_items == 0) {
            add(cs, NULL, "an integer", "0");
            add(cs, NULL, "an integer", "1");
            add(cs, NULL, "a large integer", "2147483647");
            break;
        }
        for (uint16_t i = 0; i < t->n_items; i++) {
            const struct gram_int_item *it = &t->ints[i];
            if (!gram_guard_ok(d, it->guard))
                continue;
            int64_t lo = it->lo == INT64_MIN ? -2147483648LL : it->lo;
            int64_t hi = it->hi == INT64_MAX ? lo + 1000 : it->hi;
            snprintf(w, sizeof w, "%s = %" PRId64 "%s%s", p->name, lo, it->label ? ", " : "",
                     it->label ? it->label : "");
            add(cs, NULL, w, "%" PRId64, lo);
            if (hi != lo) {
                snprintf(w, sizeof w, "%s = %" PRId64 " (upper bound)", p->name, hi);
                add(cs, NULL, w, "%" PRId64, hi);
            }
        }
        break;
    case GT_MASK: {
        uint64_t all = gram_mask_bits(t, d);
        add(cs, NULL, "no bit set", "0");
        for (uint16_t i = 0; i < t->n_items; i++)
            if (gram_guard_ok(d, t->ints[i].guard)) {
                snprintf(w, sizeof w, "%s bit %" PRId64 "%s%s", p->name, t->ints[i].lo,
                         t->ints[i].label ? ": " : "", t->ints[i].label ? t->ints[i].label : "");
                add(cs, NULL, w, "%" PRIu64, (uint64_t)1 << t->ints[i].lo);
            }
        snprintf(w, sizeof w, "%s: every bit", p->name);
        add(cs, NULL, w, "%" PRIu64, all);
        break;
    }
    case GT_STRING: {
        size_t lo = t->min_len, hi = t->max_len ? t->max_len : 64;
        int before = cs->n;
        snprintf(w, sizeof w, "%s: %zu bytes (shortest)", p->name, lo ? lo : (size_t)1);
        string_cand(cs, t, lo ? lo : 1, NULL, w);
        last_aspect(cs, before, lo ? GASP_MIN : GASP_VALUES); /* at the grammar's shortest, or 1 byte */
        before = cs->n;
        snprintf(w, sizeof w, "%s: %zu bytes%s", p->name, hi, t->max_len ? " (longest)" : "");
        string_cand(cs, t, hi, NULL, w);
        last_aspect(cs, before, t->max_len ? GASP_MAX : GASP_VALUES);
        if (lo == 0) {
            snprintf(w, sizeof w, "%s: empty string", p->name);
            before = cs->n;
            if (quoted(t))
                add(cs, NULL, w, "\"\"");
            last_aspect(cs, before, GASP_MIN);
        }
        if (t->quoting == GQ_OPTIONAL) {
            snprintf(w, sizeof w, "%s without quotes", p->name);
            char b[64];
            body(b, lo > 4 ? lo : 4, t->charset, cs->secret);
            before = cs->n;
            add(cs, NULL, w, "%s", b);
            last_aspect(cs, before, GASP_QUOTING);
        }
        break;
    }
    case GT_ENUM:
        for (uint16_t i = 0; i < t->n_items; i++) {
            const struct gram_enum_item *it = &t->enums[i];
            if (!gram_guard_ok(d, it->guard))
                continue;
            snprintf(w, sizeof w, "%s = %s", p->name, it->text);
            if (quoted(t))
                add(cs, NULL, w, "\"%s\"", it->text);
            else
                add(cs, NULL, w, "%s", it->text);
            if (t->quoting == GQ_OPTIONAL)
                add(cs, NULL, w, "%s", it->text);
        }
        break;
    case GT_ANY:
        add(cs, NULL, "a number", "1");
        add(cs, NULL, "a string", "\"x\"");
        add(cs, NULL, "a number", "60");
        add(cs, NULL, "a number", "0");
        break;
    case GT_TEXT:
    case GT_LIST:
        add(cs, NULL, "text", "x");
        break;
    }
    (void)v;
}

static void invalid_cands(const struct gram_vendor *v, const struct gram_param *p,
                          const struct gram_dialect *d, struct cands *cs)
{
    const struct gram_type *t = &p->type;
    cs->n = 0;
    cs->secret = p->secret;
    char w[96];
    switch (t->kind) {
    case GT_INT:
        if (t->n_items) {
            int64_t lo, hi;
            if (gram_int_bounds(t, d, &lo, &hi)) {
                if (lo > INT64_MIN && !gram_int_allowed(t, d, lo - 1)) {
                    snprintf(w, sizeof w, "%s = %" PRId64 ", below the range", p->name, lo - 1);
                    add(cs, "int-range", w, "%" PRId64, lo - 1);
                }
                if (hi < INT64_MAX && !gram_int_allowed(t, d, hi + 1)) {
                    snprintf(w, sizeof w, "%s = %" PRId64 ", above the range", p->name, hi + 1);
                    add(cs, "int-range", w, "%" PRId64, hi + 1);
                }
                /* a gap inside the set */
                for (uint16_t i = 0; i < t->n_items; i++) {
                    int64_t x = t->ints[i].hi;
                    if (x < INT64_MAX && x + 1 < hi && !gram_int_allowed(t, d, x + 1)) {
                        snprintf(w, sizeof w, "%s = %" PRId64 ", in a gap of the set", p->name, x + 1);
                        add(cs, "int-range", w, "%" PRId64, x + 1);
                        break;
                    }
                }
            }
        }
        snprintf(w, sizeof w, "%s quoted", p->name);
        add(cs, "unexpected-quote", w, "\"1\"");
        snprintf(w, sizeof w, "%s not a number", p->name);
        add(cs, "expected-int", w, "x1");
        snprintf(w, sizeof w, "%s beyond 64 bits", p->name);
        add(cs, "int-overflow", w, "99999999999999999999");
        break;
    case GT_MASK: {
        uint64_t bits = gram_mask_bits(t, d);
        for (int b = 0; b < 62; b++)
            if (!(bits >> b & 1)) {
                snprintf(w, sizeof w, "%s with bit %d, which is not defined", p->name, b);
                add(cs, "mask-bits", w, "%" PRIu64, (uint64_t)1 << b);
                break;
            }
        snprintf(w, sizeof w, "%s negative", p->name);
        add(cs, "mask-bits", w, "-1");
        snprintf(w, sizeof w, "%s quoted", p->name);
        add(cs, "unexpected-quote", w, "\"1\"");
        break;
    }
    case GT_STRING:
        if (t->max_len && t->max_len + 1 < TEXT_MAX - 4) {
            snprintf(w, sizeof w, "%s: %u bytes, one over the limit", p->name, t->max_len + 1);
            string_cand(cs, t, t->max_len + 1, "too-long", w);
        }
        if (t->min_len > 1) {
            snprintf(w, sizeof w, "%s: %u bytes, one under the minimum", p->name, t->min_len - 1);
            string_cand(cs, t, t->min_len - 1, "too-short", w);
        } else if (t->min_len == 1 && quoted(t)) {
            snprintf(w, sizeof w, "%s: empty string, at least 1 byte needed", p->name);
            add(cs, "too-short", w, "\"\"");
        }
        if (t->quoting == GQ_QUOTED) {
            char b[64];
            body(b, t->min_len > 3 ? t->min_len : 3, t->charset, cs->secret);
            snprintf(w, sizeof w, "%s without its quotes", p->name);
            add(cs, "expected-quote", w, "%s", b);
        }
        if (quoted(t)) {
            snprintf(w, sizeof w, "%s: no closing quote", p->name);
            add(cs, "unterminated-string", w, "\"abc");
            if (v->escapes) {
                snprintf(w, sizeof w, "%s: a backslash that escapes nothing", p->name);
                add(cs, "bad-escape", w, "\"a\\zz\"");
            }
        }
        if (t->charset == GCS_HEX || t->charset == GCS_DIGITS) {
            char b[TEXT_MAX];
            size_t n = t->min_len ? t->min_len : 4;
            if (n + 3 < sizeof b) {
                body(b, n, t->charset, cs->secret);
                b[0] = 'z';
                snprintf(w, sizeof w, "%s: a character outside the set", p->name);
                if (quoted(t))
                    add(cs, "charset", w, "\"%s\"", b);
                else
                    add(cs, "charset", w, "%s", b);
            }
        }
        if (t->quoting == GQ_BARE) {
            snprintf(w, sizeof w, "%s quoted", p->name);
            add(cs, "unexpected-quote", w, "\"abc\"");
        }
        break;
    case GT_ENUM:
        snprintf(w, sizeof w, "%s: a value that is not listed", p->name);
        if (quoted(t))
            add(cs, "enum", w, "\"NOT-A-TAG\"");
        else
            add(cs, "enum", w, "not-a-tag");
        if (t->quoting == GQ_QUOTED && t->n_items) {
            snprintf(w, sizeof w, "%s without its quotes", p->name);
            add(cs, "expected-quote", w, "%s", t->enums[0].text);
        }
        if (quoted(t)) {
            snprintf(w, sizeof w, "%s: no closing quote", p->name);
            add(cs, "unterminated-string", w, "\"%s", t->n_items ? t->enums[0].text : "x");
        }
        break;
    case GT_ANY:
        if (quoted(t)) {
            snprintf(w, sizeof w, "%s: no closing quote", p->name);
            add(cs, "unterminated-string", w, "\"abc");
        }
        break;
    case GT_TEXT:
    case GT_LIST:
        break;
    }
}

/* ---- lines ------------------------------------------------------------------------- */

static size_t build_line(const struct gram_form *f, const char *const *vals, int n, char *out,
                         size_t cap)
{
    const struct gram_command *c = f->cmd;
    size_t o = 0;
#define PUT(...)                                                                               \
    do {                                                                                       \
        int r_ = snprintf(out + o, o < cap ? cap - o : 0, __VA_ARGS__);                        \
        if (r_ > 0)                                                                            \
            o += (size_t)r_;                                                                   \
    } while (0)
    if (c->empty) {
        PUT("AT");
        return o < cap ? o : cap - 1;
    }
    PUT("AT%s", c->name);
    switch (f->kind) {
    case GF_TEST: PUT("=?"); break;
    case GF_READ: PUT("?"); break;
    case GF_EXEC: break;
    case GF_WRITE:
        if (c->basic) {
            if (n > 0 && vals[0])
                PUT("%s", vals[0]);
            break;
        }
        PUT("=");
        for (int i = 0; i < n; i++)
            PUT("%s%s", i ? "," : "", vals[i] ? vals[i] : "");
        break;
    }
#undef PUT
    if (o >= cap) {
        out[cap - 1] = '\0';
        return cap - 1;
    }
    return o;
}

static bool line_valid(struct gen *g, const char *line, size_t len, const struct gram_form **form)
{
    struct at_cmdline cl;
    struct at_verror e;
    if (g->budget)
        g->budget--;
    if (at_validate_command(g->ix, -1, (const uint8_t *)line, len, &cl, &e) != AT_OK || cl.n != 1)
        return false;
    if (form)
        *form = cl.cmds[0].form;
    return true;
}

static bool seen_line(struct gen *g, const char *line, size_t len)
{
    uint64_t h = at_hash((const uint8_t *)line, len);
    for (int i = 0; i < g->n_seen; i++)
        if (g->seen[i] == h)
            return true;
    if (g->n_seen < (int)(sizeof g->seen / sizeof g->seen[0]))
        g->seen[g->n_seen++] = h;
    return false;
}

static void emit_aspect(struct gen *g, const char *const *vals, int n, bool valid, const char *expect,
                        int param, const struct gram_rule *rule, const char *what, enum gram_aspect aspect);

static void emit(struct gen *g, const char *const *vals, int n, bool valid, const char *expect,
                 int param, const struct gram_rule *rule, const char *what)
{
    emit_aspect(g, vals, n, valid, expect, param, rule, what, param < 0 ? GASP_SYNTAX : GASP_VALUES);
}

static void emit_aspect(struct gen *g, const char *const *vals, int n, bool valid, const char *expect,
                        int param, const struct gram_rule *rule, const char *what, enum gram_aspect aspect)
{
    struct gram_gen_case *c = &g->c;
    size_t len = build_line(g->f, vals, n, c->line, sizeof c->line);
    if (seen_line(g, c->line, len))
        return;
    if (valid) {
        const struct gram_form *got = NULL;
        /* a valid case must read as this very form (not a sibling variant) */
        if (!line_valid(g, c->line, len, &got) || got != g->f)
            return;
    }
    c->form = g->f;
    c->valid = valid;
    c->expect = expect;
    c->param = (int16_t)param;
    c->aspect = (uint8_t)aspect;
    c->rule = rule;
    c->n_params = (uint16_t)n;
    snprintf(c->what, sizeof c->what, "%s", what);
    g->cb(g->ctx, c);
}

static bool count_ok(const struct gram_form *f, int n)
{
    return n >= 0 && n < 64 && (f->counts >> n & 1);
}

/* Depth-first search for a valid assignment of params [from, n) with fixed ones kept. */
static bool search(struct gen *g, const char **vals, int n, int i, const bool *fixed)
{
    if (g->budget == 0)
        return false;
    if (i == n) {
        char line[GEN_LINE_MAX];
        size_t len = build_line(g->f, vals, n, line, sizeof line);
        const struct gram_form *got = NULL;
        return line_valid(g, line, len, &got) && got == g->f;
    }
    if (fixed[i])
        return search(g, vals, n, i + 1, fixed);
    const struct cands *cs = &g->valid[i];
    for (int k = 0; k < cs->n; k++) {
        vals[i] = cs->v[k].text;
        if (search(g, vals, n, i + 1, fixed))
            return true;
    }
    /* an omitted value, when the parameter has a default */
    if (g->f->params[i].has_default && g->v->empty_values) {
        vals[i] = NULL;
        if (search(g, vals, n, i + 1, fixed))
            return true;
    }
    return false;
}

/* A valid assignment with n parameters, param `pin` fixed to `pin_text` (pin < 0: none). */
static bool complete(struct gen *g, const char **vals, int n, int pin, const char *pin_text)
{
    bool fixed[GRAM_MAX_PARAMS] = {false};
    for (int i = 0; i < n; i++)
        vals[i] = (g->have_base && i < g->base_n) ? g->base[i] : NULL;
    if (pin >= 0) {
        vals[pin] = pin_text;
        fixed[pin] = true;
    }
    /* the base values first: they often already fit */
    char line[GEN_LINE_MAX];
    size_t len = build_line(g->f, vals, n, line, sizeof line);
    bool base_complete = true;
    for (int i = 0; i < n; i++)
        if (!vals[i] && !(g->f->params[i].has_default && g->v->empty_values))
            base_complete = false;
    const struct gram_form *got = NULL;
    if (base_complete && line_valid(g, line, len, &got) && got == g->f)
        return true;
    g->budget = SEARCH_BUDGET;
    return search(g, vals, n, 0, fixed);
}

static int smallest_count_above(const struct gram_form *f, int i)
{
    for (int n = i + 1; n < 64; n++)
        if (count_ok(f, n))
            return n;
    return -1;
}

static void find_base(struct gen *g)
{
    g->have_base = false;
    const char *vals[GRAM_MAX_PARAMS];
    for (int n = 0; n <= g->f->n_params; n++) {
        if (!count_ok(g->f, n))
            continue;
        if (complete(g, vals, n, -1, NULL)) {
            for (int i = 0; i < n; i++)
                g->base[i] = vals[i];
            g->base_n = n;
            g->have_base = true;
            return;
        }
    }
}

/* ---- the cases of a form ----------------------------------------------------------- */

static void valid_cases(struct gen *g)
{
    const struct gram_form *f = g->f;
    const char *vals[GRAM_MAX_PARAMS];
    char w[160];
    emit(g, g->base, g->base_n, true, NULL, -1, NULL, "the smallest valid line");
    for (int i = 0; i < f->n_params; i++) {
        int n = g->base_n > i ? g->base_n : smallest_count_above(f, i);
        if (n < 0)
            continue;
        for (int k = 0; k < g->valid[i].n; k++) {
            if (complete(g, vals, n, i, g->valid[i].v[k].text))
                emit_aspect(g, vals, n, true, NULL, i, NULL, g->valid[i].v[k].what,
                            (enum gram_aspect)g->valid[i].v[k].aspect);
        }
        if (f->params[i].has_default && g->v->empty_values && complete(g, vals, n, i, NULL)) {
            snprintf(w, sizeof w, "%s omitted (default %s)", f->params[i].name,
                     f->params[i].def_text ? f->params[i].def_text : "?");
            emit_aspect(g, vals, n, true, NULL, i, NULL, w, GASP_OMIT);
        }
    }
    for (int n = 0; n <= f->n_params; n++)
        if (count_ok(f, n) && complete(g, vals, n, -1, NULL)) {
            snprintf(w, sizeof w, "%d parameter%s", n, n == 1 ? "" : "s");
            emit(g, vals, n, true, NULL, -1, NULL, w);
        }
}

static void invalid_value_cases(struct gen *g)
{
    const struct gram_form *f = g->f;
    const char *vals[GRAM_MAX_PARAMS];
    struct cands bad;
    for (int i = 0; i < f->n_params; i++) {
        int n = g->base_n > i ? g->base_n : smallest_count_above(f, i);
        if (n < 0)
            continue;
        invalid_cands(g->v, &f->params[i], g->d, &bad);
        /* the other parameters as in a valid line with this one given */
        if (!complete(g, vals, n, -1, NULL)) {
            const char *first = g->valid[i].n ? g->valid[i].v[0].text : NULL;
            if (!complete(g, vals, n, i, first))
                continue;
        }
        for (int k = 0; k < bad.n; k++) {
            /* a basic command's value is digits glued to its letter: other texts would
             * read as further commands */
            if (f->cmd->basic && strspn(bad.v[k].text, "0123456789") != strlen(bad.v[k].text))
                continue;
            const char *keep = vals[i];
            vals[i] = bad.v[k].text;
            /* an unterminated string swallows the rest of the line: make it the last */
            int nn = strcmp(bad.v[k].expect, "unterminated-string") == 0 ? i + 1 : n;
            if (nn == n || count_ok(f, nn))
                emit(g, vals, nn, false, bad.v[k].expect, i, NULL, bad.v[k].what);
            vals[i] = keep;
        }
        /* an empty value where one is needed */
        bool mandatory = i < (f->counts ? __builtin_ctzll(f->counts) : 0);
        if ((!g->v->empty_values || (mandatory && !f->params[i].has_default)) && g->have_base &&
            n >= 2 && !f->cmd->basic) {
            const char *keep = vals[i];
            vals[i] = NULL;
            char w[160];
            snprintf(w, sizeof w, "%s left empty", f->params[i].name);
            emit(g, vals, n, false, "empty-value", i, NULL, w);
            vals[i] = keep;
        }
    }
}

static void count_cases(struct gen *g)
{
    const struct gram_form *f = g->f;
    if (f->kind != GF_WRITE || f->cmd->basic)
        return;
    /* a count another write variant of the command takes is not a wrong count */
    uint64_t taken = 0;
    for (uint16_t i = 0; i < f->cmd->n_forms; i++)
        if (f->cmd->forms[i].kind == GF_WRITE)
            taken |= f->cmd->forms[i].counts;
    const char *vals[GRAM_MAX_PARAMS + 2];
    int max = 63 - __builtin_clzll(f->counts);
    int min = __builtin_ctzll(f->counts);
    char w[160];
    /* too few: the first count below the smallest, and gaps */
    for (int n = 0; n <= max + 1 && n <= GRAM_MAX_PARAMS; n++) {
        if (count_ok(f, n) || (n < 64 && (taken >> n & 1)))
            continue;
        if (n != min - 1 && n != max + 1 && !(n > min && n < max))
            continue;
        for (int i = 0; i < n; i++) {
            if (g->have_base && i < g->base_n && g->base[i])
                vals[i] = g->base[i];
            else if (i < f->n_params && g->valid[i].n)
                vals[i] = g->valid[i].v[0].text;
            else
                vals[i] = "1";
        }
        snprintf(w, sizeof w, "%d parameter%s", n, n == 1 ? "" : "s");
        emit(g, vals, n, false, "param-count", -1, NULL, w);
    }
}

/* Makes the conditions of a rule hold in vals (n parameters); false if it cannot. */
static bool make_conds_hold(struct gen *g, const struct gram_rule *r, const char **vals, int *n,
                            char store[][TEXT_MAX])
{
    const struct gram_form *f = g->f;
    for (uint8_t k = 0; k < r->n_conds; k++) {
        const struct gram_cond *c = &r->conds[k];
        int i = c->field;
        if (c->kind == GCOND_COUNT) {
            if (!count_ok(f, (int)c->ival))
                return false;
            *n = (int)c->ival;
            continue;
        }
        if (i >= *n) {
            int nn = smallest_count_above(f, i);
            if (nn < 0)
                return false;
            for (int j = *n; j < nn; j++)
                vals[j] = g->valid[j].n ? g->valid[j].v[0].text : NULL;
            *n = nn;
        }
        const struct gram_type *t = &f->params[i].type;
        switch (c->kind) {
        case GCOND_EQ:
            if (c->is_str)
                snprintf(store[i], TEXT_MAX, t->quoting == GQ_BARE ? "%s" : "\"%s\"", c->sval);
            else
                snprintf(store[i], TEXT_MAX, "%" PRId64, c->ival);
            vals[i] = store[i];
            break;
        case GCOND_BIT:
            snprintf(store[i], TEXT_MAX, "%" PRId64, c->ival);
            vals[i] = store[i];
            break;
        case GCOND_NE:
            for (int k2 = 0; k2 < g->valid[i].n; k2++) {
                const char *tx = g->valid[i].v[k2].text;
                char want[TEXT_MAX];
                if (c->is_str)
                    snprintf(want, sizeof want, t->quoting == GQ_BARE ? "%s" : "\"%s\"", c->sval);
                else
                    snprintf(want, sizeof want, "%" PRId64, c->ival);
                if (strcmp(tx, want) != 0) {
                    vals[i] = tx;
                    break;
                }
            }
            break;
        case GCOND_PRESENT:
            if (!vals[i] && g->valid[i].n)
                vals[i] = g->valid[i].v[0].text;
            break;
        case GCOND_ABSENT:
            vals[i] = NULL;
            break;
        case GCOND_COUNT: break;
        }
    }
    return true;
}

static void rule_cases(struct gen *g)
{
    const struct gram_form *f = g->f;
    char store[GRAM_MAX_PARAMS][TEXT_MAX];
    char w[160];
    for (uint16_t r = 0; r < f->n_rules; r++) {
        const struct gram_rule *rule = &f->rules[r];
        for (uint8_t k = 0; k < rule->n_cons; k++) {
            const struct gram_cons *c = &rule->cons[k];
            if (c->kind == GCONS_STATE)
                continue;
            for (int i = 0; i < f->n_params; i++) {
                bool about = (c->kind == GCONS_TYPE) ? c->field == i : (c->fields >> i & 1);
                if (!about)
                    continue;
                const char *vals[GRAM_MAX_PARAMS];
                int n = f->n_params;
                /* the fullest valid line, so every field exists to be tested */
                int full = -1;
                for (int m = f->n_params; m >= 0; m--)
                    if (count_ok(f, m)) {
                        full = m;
                        break;
                    }
                if (full < 0)
                    continue;
                n = full;
                for (int j = 0; j < n; j++)
                    vals[j] = g->valid[j].n ? g->valid[j].v[0].text : NULL;
                if (!make_conds_hold(g, rule, vals, &n, store))
                    continue;
                const char *expect;
                if (c->kind == GCONS_PRESENT) {
                    /* leave parameter i out: fewer parameters if that count exists, else empty */
                    expect = "rule-requires";
                    if (count_ok(f, i) && i >= 0) {
                        bool conds_before = true;
                        for (uint8_t q = 0; q < rule->n_conds; q++)
                            if (rule->conds[q].kind != GCOND_COUNT && rule->conds[q].field >= i)
                                conds_before = false;
                        if (conds_before)
                            n = i;
                        else
                            vals[i] = NULL;
                    } else {
                        vals[i] = NULL;
                    }
                    snprintf(w, sizeof w, "%s; %s left out", rule->text, f->params[i].name);
                } else if (c->kind == GCONS_ABSENT) {
                    expect = "rule-forbids";
                    if (!g->valid[i].n || i >= n)
                        continue;
                    /* only this one given: the rule's other absent() fields left out */
                    for (uint8_t q = 0; q < rule->n_cons; q++)
                        if (rule->cons[q].kind == GCONS_ABSENT)
                            for (int j = 0; j < n; j++)
                                if (j != i && (rule->cons[q].fields >> j & 1))
                                    vals[j] = NULL;
                    vals[i] = g->valid[i].v[0].text;
                    snprintf(w, sizeof w, "%s; %s given", rule->text, f->params[i].name);
                } else {
                    /* a value valid for the parameter's own type but not the rule's */
                    expect = "rule-type";
                    struct cands rc;
                    struct gram_param tmp = f->params[i];
                    tmp.type = c->type;
                    invalid_cands(g->v, &tmp, g->d, &rc);
                    const char *pick = NULL;
                    for (int q = 0; q < rc.n && !pick; q++)
                        if (strcmp(rc.v[q].expect, "int-range") == 0 || strcmp(rc.v[q].expect, "too-long") == 0 ||
                            strcmp(rc.v[q].expect, "enum") == 0 || strcmp(rc.v[q].expect, "expected-int") == 0 ||
                            strcmp(rc.v[q].expect, "unexpected-quote") == 0 || strcmp(rc.v[q].expect, "too-short") == 0)
                            pick = rc.v[q].text;
                    if (!pick)
                        continue;
                    snprintf(store[i], TEXT_MAX, "%s", pick);
                    vals[i] = store[i];
                    snprintf(w, sizeof w, "%s; %s = %.64s", rule->text, f->params[i].name, pick);
                }
                if (!count_ok(f, n))
                    continue;
                emit(g, vals, n, false, expect, i, rule, w);
            }
        }
        /* absent(a), absent(b)...: also all of them given, as a host writing the fields the
         * other case of the command needs would */
        uint64_t forbidden = 0;
        for (uint8_t k = 0; k < rule->n_cons; k++)
            if (rule->cons[k].kind == GCONS_ABSENT)
                forbidden |= rule->cons[k].fields;
        if (__builtin_popcountll(forbidden) > 1) {
            const char *vals[GRAM_MAX_PARAMS];
            int n = -1;
            for (int m = f->n_params; m >= 0 && n < 0; m--)
                if (count_ok(f, m))
                    n = m;
            bool ok = n > 0;
            for (int j = 0; ok && j < n; j++) {
                vals[j] = g->valid[j].n ? g->valid[j].v[0].text : NULL;
                if ((forbidden >> j & 1) && !vals[j])
                    ok = false;
            }
            if (ok && make_conds_hold(g, rule, vals, &n, store) && count_ok(f, n)) {
                snprintf(w, sizeof w, "%s; all of them given", rule->text);
                emit(g, vals, n, false, "rule-forbids", __builtin_ctzll(forbidden), rule, w);
            }
        }
    }
}

void gram_gen_form_cases(const struct at_index *ix, uint8_t slot, const struct gram_form *f,
                         gram_gen_cb cb, void *ctx)
{
    struct gen *g = oc_xcalloc(1, sizeof *g);
    g->ix = ix;
    g->slot = slot;
    g->v = ix->slots[slot].v;
    g->d = &ix->slots[slot].d;
    g->f = f;
    g->cb = cb;
    g->ctx = ctx;
    for (int i = 0; i < f->n_params; i++)
        valid_cands(g->v, &f->params[i], g->d, &g->valid[i]);
    find_base(g);
    if (g->have_base)
        valid_cases(g);
    invalid_value_cases(g);
    count_cases(g);
    rule_cases(g);
    free(g);
}

void gram_gen_vendor_cases(const struct at_index *ix, uint8_t slot, gram_gen_cb cb, void *ctx)
{
    const struct gram_vendor *v = ix->slots[slot].v;
    for (uint16_t i = 0; i < v->n_commands; i++) {
        const struct gram_command *c = &v->commands[i];
        for (uint16_t j = 0; j < c->n_forms; j++)
            gram_gen_form_cases(ix, slot, &c->forms[j], cb, ctx);
        if (c->basic || c->empty)
            continue;
        /* the forms it does not have */
        static const enum gram_form_kind kinds[] = {GF_TEST, GF_READ, GF_EXEC};
        static const char *const suffix[] = {"=?", "?", ""};
        for (int k = 0; k < 3; k++) {
            if (gram_command_form(c, kinds[k], NULL))
                continue;
            struct gram_gen_case gc;
            memset(&gc, 0, sizeof gc);
            snprintf(gc.line, sizeof gc.line, "AT%s%s", c->name, suffix[k]);
            gc.form = NULL;
            gc.valid = false;
            gc.expect = "no-such-form";
            gc.param = -1;
            snprintf(gc.what, sizeof gc.what, "%s has no %s form", c->name, gram_form_kind_name(kinds[k]));
            cb(ctx, &gc);
        }
    }
    struct gram_gen_case gc;
    memset(&gc, 0, sizeof gc);
    gc.param = -1;
    snprintf(gc.line, sizeof gc.line, "AT+OTAXNOSUCH=1");
    gc.expect = "unknown-command";
    snprintf(gc.what, sizeof gc.what, "a command the module does not have");
    cb(ctx, &gc);
    snprintf(gc.line, sizeof gc.line, "XT+CGMR");
    gc.expect = "no-at-prefix";
    snprintf(gc.what, sizeof gc.what, "no AT prefix");
    cb(ctx, &gc);
}

bool gram_gen_base_line(const struct at_index *ix, uint8_t slot, const struct gram_form *f,
                        char *line, size_t n)
{
    struct gen *g = oc_xcalloc(1, sizeof *g);
    g->ix = ix;
    g->slot = slot;
    g->v = ix->slots[slot].v;
    g->d = &ix->slots[slot].d;
    g->f = f;
    for (int i = 0; i < f->n_params; i++)
        valid_cands(g->v, &f->params[i], g->d, &g->valid[i]);
    find_base(g);
    bool ok = g->have_base;
    if (ok)
        build_line(f, g->base, g->base_n, line, n);
    free(g);
    return ok;
}

/* ---- measuring ------------------------------------------------------------------------ */

static size_t digits(int64_t x)
{
    char b[32];
    return (size_t)snprintf(b, sizeof b, "%" PRId64, x);
}

size_t gram_form_max_line(const struct gram_form *f, const struct gram_dialect *d)
{
    size_t n = 2 + strlen(f->cmd->empty ? "" : f->cmd->name);
    if (f->kind == GF_TEST)
        return n + 2;
    if (f->kind == GF_READ)
        return n + 1;
    if (f->kind == GF_EXEC)
        return n;
    n += f->cmd->basic ? 0 : 1;
    for (uint16_t i = 0; i < f->n_params; i++) {
        const struct gram_type *t = &f->params[i].type;
        if (i)
            n += 1;
        switch (t->kind) {
        case GT_INT:
        case GT_MASK: {
            int64_t lo, hi;
            if (t->kind == GT_MASK) {
                lo = 0;
                hi = (int64_t)gram_mask_bits(t, d);
            } else if (!gram_int_bounds(t, d, &lo, &hi)) {
                lo = hi = 0;
            }
            size_t a = digits(lo), b = digits(hi);
            n += a > b ? a : b;
            break;
        }
        case GT_STRING:
            if (!t->max_len)
                return 0;
            n += t->max_len + (t->quoting == GQ_BARE ? 0 : 2);
            break;
        case GT_ENUM: {
            size_t m = 0;
            for (uint16_t k = 0; k < t->n_items; k++)
                if (t->enums[k].len > m)
                    m = t->enums[k].len;
            n += m + (t->quoting == GQ_BARE ? 0 : 2);
            break;
        }
        default:
            return 0;
        }
    }
    return n;
}

/* ---- samples of templates ----------------------------------------------------------- */

static void sample_field(const struct gram_param *p, const struct at_line_ctx *c, int which,
                         char *out, size_t cap)
{
    const struct gram_type *t = &p->type;
    switch (t->kind) {
    case GT_INT: {
        int64_t lo = 0, hi = 0;
        if (t->n_items && gram_int_bounds(t, c->d, &lo, &hi)) {
            if (lo == INT64_MIN)
                lo = hi - 1;
            if (hi == INT64_MAX)
                hi = lo + 1;
        }
        snprintf(out, cap, "%" PRId64, which ? hi : lo);
        break;
    }
    case GT_MASK:
        snprintf(out, cap, "%" PRIu64, which ? gram_mask_bits(t, c->d) : 0);
        break;
    case GT_STRING: {
        char b[300];
        size_t n = which ? (t->max_len && t->max_len < 200 ? t->max_len : 8) : (t->min_len ? t->min_len : 1);
        if (n >= sizeof b)
            n = sizeof b - 1;
        body(b, n, t->charset, p->secret);
        snprintf(out, cap, t->quoting == GQ_BARE ? "%s" : "\"%s\"", b);
        break;
    }
    case GT_ENUM: {
        const char *e = t->n_items ? t->enums[which % t->n_items].text : "x";
        snprintf(out, cap, t->quoting == GQ_BARE ? "%s" : "\"%s\"", e);
        break;
    }
    case GT_TEXT: snprintf(out, cap, which ? "some text" : "x"); break;
    case GT_LIST: snprintf(out, cap, which ? "(0,1)" : "(0-1)"); break;
    case GT_ANY: snprintf(out, cap, which ? "\"x\"" : "1"); break;
    }
}

static size_t render(const struct gram_template *t, const struct at_line_ctx *c, int which,
                     uint32_t opt_mask, char *out, size_t cap)
{
    return gram_gen_render(t, c, which, opt_mask, NULL, out, cap);
}

size_t gram_gen_render(const struct gram_template *t, const struct at_line_ctx *c, int which,
                       uint32_t opt_mask, const int64_t *ints, char *out, size_t cap)
{
    size_t o = 0;
    int opt_no = 0;
    for (uint16_t i = 0; i < t->n_ops && o < cap;) {
        const struct gram_tpl_op *op = &t->ops[i];
        switch (op->kind) {
        case TPL_LIT:
            if (o + op->a < cap) {
                memcpy(out + o, t->lits + op->b, op->a);
                o += op->a;
            }
            i++;
            break;
        case TPL_CSPACE:
            if (c->cs_space && o + 1 < cap)
                out[o++] = ' ';
            i++;
            break;
        case TPL_FIELD: {
            char b[400];
            if (ints && ints[op->a] != INT64_MIN)
                snprintf(b, sizeof b, "%" PRId64, ints[op->a]);
            else
                sample_field(&t->fields[op->a], c, which, b, sizeof b);
            size_t n = strlen(b);
            if (o + n < cap) {
                memcpy(out + o, b, n);
                o += n;
            }
            i++;
            break;
        }
        case TPL_OPT:
            if (opt_mask >> (opt_no++ & 31) & 1)
                i++;
            else
                i = (uint16_t)(op->b + 1);
            break;
        case TPL_END_OPT: i++; break;
        case TPL_END: i = t->n_ops; break;
        }
    }
    out[o < cap ? o : cap - 1] = '\0';
    return o < cap ? o : cap - 1;
}

void gram_gen_template_samples(const struct gram_template *t, const struct at_line_ctx *c,
                               void (*cb)(void *ctx, const char *line, size_t len), void *ctx)
{
    char buf[2048];
    int n_opt = 0;
    for (uint16_t i = 0; i < t->n_ops; i++)
        if (t->ops[i].kind == TPL_OPT)
            n_opt++;
    uint32_t masks = n_opt > 4 ? 16 : (1u << n_opt);
    int max_which = 1;
    for (uint16_t i = 0; i < t->n_fields; i++)
        if (t->fields[i].type.kind == GT_ENUM && t->fields[i].type.n_items > max_which)
            max_which = t->fields[i].type.n_items;
    for (uint32_t m = 0; m < masks; m++)
        for (int w = 0; w <= max_which && w < 8; w++) {
            size_t n = render(t, c, w, m, buf, sizeof buf);
            cb(ctx, buf, n);
        }
}

