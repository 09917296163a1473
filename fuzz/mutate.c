/* fuzz/mutate.c — grammar-aware mutation of command lines and sequences (see mutate.h).
 *
 * A line is split into its parts — the AT prefix, then per command its name, its form
 * operator and its parameters (split at commas outside quotes) — one part is changed, and
 * the line is written back. The parameter types come from the validator's reading of the
 * line (at_identify_command), so a boundary mutation knows the range it is pushing on. */
#include "fuzz/mutate.h"
#include "common/xalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser/gen.h"
#include "parser/validate.h"

/* ---- the pool --------------------------------------------------------------------- */

static void pool_add(void *ctx, const struct gram_gen_case *c)
{
    struct fz_pool *p = ctx;
    size_t len = strlen(c->line);
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        p->lines = oc_xrealloc(p->lines, cap * sizeof *p->lines);
        p->cap = cap;
    }
    if (p->text_len + len + 1 > p->text_cap) {
        size_t cap = p->text_cap ? p->text_cap : 1 << 14;
        while (p->text_len + len + 1 > cap)
            cap *= 2;
        p->text = oc_xrealloc(p->text, cap);
        p->text_cap = cap;
    }
    memcpy(p->text + p->text_len, c->line, len + 1);
    p->lines[p->n++] = (struct fz_pool_line){(uint32_t)p->text_len, (uint32_t)len, c->valid, c->form};
    p->text_len += len + 1;
    if (c->valid)
        p->n_valid++;
}

int fz_pool_build(struct fz_pool *p, const struct at_index *ix, uint8_t slot)
{
    memset(p, 0, sizeof *p);
    gram_gen_vendor_cases(ix, slot, pool_add, p);
    return p->n ? 0 : -1;
}

void fz_pool_free(struct fz_pool *p)
{
    free(p->text);
    free(p->lines);
    memset(p, 0, sizeof *p);
}

const char *fz_pool_pick(const struct fz_pool *p, struct fz_rng *r, size_t *len)
{
    if (!p || !p->n)
        return NULL;
    size_t i = fz_below(r, (uint32_t)p->n);
    /* a second draw among the valid lines: they reach deeper (states, flows) */
    if (p->n_valid && !p->lines[i].valid && fz_below(r, 2) == 0)
        for (size_t k = 0, j = fz_below(r, (uint32_t)p->n); k < p->n; k++, j = (j + 1) % p->n)
            if (p->lines[j].valid) {
                i = j;
                break;
            }
    *len = p->lines[i].len;
    return p->text + p->lines[i].off;
}

/* ---- a line split into parts -------------------------------------------------------- */

#define FZ_MAX_PARAMS (GRAM_MAX_PARAMS + 2)

struct fz_span {
    const char *p;
    uint32_t len;
};

struct fz_cmd {
    struct fz_span name, op;
    struct fz_span params[FZ_MAX_PARAMS];
    uint16_t n_params;
    const struct gram_form *form; /* as the validator reads it, or NULL */
};

struct fz_line {
    struct fz_span prefix;
    struct fz_cmd cmds[AT_MAX_CONCAT + 1];
    uint8_t n;
    struct fz_span tail;          /* what follows a command that could not be split */
};

static bool is_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

/* Splits in[0..n) into parts. Returns false when it does not even start with AT. */
static bool split_line(const char *in, size_t n, struct fz_line *l)
{
    memset(l, 0, sizeof *l);
    if (n < 2 || (in[0] | 0x20) != 'a' || (in[1] | 0x20) != 't')
        return false;
    l->prefix = (struct fz_span){in, 2};
    size_t i = 2;
    while (i < n && l->n < AT_MAX_CONCAT + 1) {
        struct fz_cmd *c = &l->cmds[l->n++];
        size_t s = i;
        if (strchr("+&$%^#*", in[i])) {
            i++;
            while (i < n && is_name_char(in[i]))
                i++;
        } else if (i < n) {
            i++; /* a basic command's letter, then its number */
            while (i < n && in[i] >= '0' && in[i] <= '9')
                i++;
        }
        c->name = (struct fz_span){in + s, (uint32_t)(i - s)};
        s = i;
        if (i + 1 < n && in[i] == '=' && in[i + 1] == '?')
            i += 2;
        else if (i < n && (in[i] == '=' || in[i] == '?'))
            i++;
        c->op = (struct fz_span){in + s, (uint32_t)(i - s)};
        if (c->op.len == 1 && in[s] == '=') {
            /* parameters to ';' or the end, split at commas outside quotes */
            size_t ps = i;
            bool q = false;
            for (;; i++) {
                if (i < n && in[i] == '"')
                    q = !q;
                if (i >= n || (!q && (in[i] == ',' || in[i] == ';'))) {
                    if (c->n_params < FZ_MAX_PARAMS)
                        c->params[c->n_params++] = (struct fz_span){in + ps, (uint32_t)(i - ps)};
                    if (i >= n || in[i] == ';')
                        break;
                    ps = i + 1;
                }
            }
        }
        if (i < n && in[i] == ';') {
            i++;
            continue;
        }
        if (i < n) { /* something a command cannot hold: keep it as it is */
            l->tail = (struct fz_span){in + i, (uint32_t)(n - i)};
            break;
        }
    }
    return true;
}

/* The forms the validator reads the commands as, for their parameter types. */
static void read_forms(const struct at_index *ix, const char *in, size_t n, struct fz_line *l)
{
    struct at_cmdline cl;
    struct at_verror e;
    at_identify_command(ix, (const uint8_t *)in, n, &cl, &e);
    for (uint8_t k = 0; k < cl.n && k < l->n; k++)
        l->cmds[k].form = cl.cmds[k].form;
    if (e.code != AT_OK && cl.n < l->n && e.form)
        l->cmds[cl.n].form = e.form;
}

/* ---- output with truncation ------------------------------------------------------------ */

struct fz_out {
    char *p;
    size_t n, cap; /* cap counts the NUL */
};

static void put(struct fz_out *o, const char *s, size_t n)
{
    if (!n || o->n + 1 >= o->cap)
        return;
    if (n > o->cap - 1 - o->n)
        n = o->cap - 1 - o->n;
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

static void put_span(struct fz_out *o, struct fz_span s)
{
    put(o, s.p, s.len);
}

static void put_cmd(struct fz_out *o, const struct fz_cmd *c, int sep_at, const char *sep)
{
    put_span(o, c->name);
    put_span(o, c->op);
    for (uint16_t k = 0; k < c->n_params; k++) {
        if (k)
            put(o, (int)k == sep_at ? sep : ",", (int)k == sep_at ? strlen(sep) : 1);
        put_span(o, c->params[k]);
    }
}

/* ---- values the grammar's types suggest ------------------------------------------------ */

/* A number on or around an edge of t (or a classic extreme), written to buf. */
static size_t boundary_value(const struct gram_type *t, struct fz_rng *r, char *buf, size_t cap)
{
    static const char *const extremes[] = {"0", "-1", "9223372036854775807",
                                           "-9223372036854775808", "9223372036854775808",
                                           "99999999999999999999", "-0", "+1", "007",
                                           "4294967295", "4294967296", "65535", "65536",
                                           "2147483648", "-2147483649", "1e3", "0x10"};
    if (t && (t->kind == GT_INT || t->kind == GT_MASK) && t->n_items && fz_below(r, 5)) {
        const struct gram_int_item *it = &t->ints[fz_below(r, t->n_items)];
        if (t->kind == GT_MASK) {
            uint64_t all = 0;
            for (uint16_t k = 0; k < t->n_items; k++)
                if (t->ints[k].lo >= 0 && t->ints[k].lo < 63)
                    all |= 1ull << t->ints[k].lo;
            uint64_t pick[] = {all, all << 1 | 1, all + 1, it->lo >= 0 && it->lo < 63 ? 1ull << it->lo : 1,
                               (all << 1) & ~all};
            return (size_t)snprintf(buf, cap, "%" PRIu64, pick[fz_below(r, 5)]);
        }
        int64_t v;
        switch (fz_below(r, 4)) {
        case 0: v = it->lo; break;
        case 1: v = it->hi; break;
        case 2: v = it->lo == INT64_MIN ? it->lo : it->lo - 1; break;
        default: v = it->hi == INT64_MAX ? it->hi : it->hi + 1; break;
        }
        return (size_t)snprintf(buf, cap, "%" PRId64, v);
    }
    return (size_t)snprintf(buf, cap, "%s", extremes[fz_below(r, sizeof extremes / sizeof extremes[0])]);
}

static bool quoted_type(const struct gram_type *t)
{
    return t && (t->kind == GT_STRING || t->kind == GT_ENUM || t->kind == GT_ANY) &&
           t->quoting != GQ_BARE;
}

/* A string of exactly len bytes (of the type's charset), quoted when the type is. */
static size_t length_value(const struct gram_type *t, size_t len, char *buf, size_t cap)
{
    bool q = !t || quoted_type(t);
    size_t o = 0;
    if (q && o < cap)
        buf[o++] = '"';
    static const char hex[] = "0123456789abcdef";
    for (size_t k = 0; k < len && o + 2 < cap; k++)
        buf[o++] = t && t->charset == GCS_HEX ? hex[k % 16]
                   : t && t->charset == GCS_DIGITS ? (char)('0' + k % 10)
                                                   : (char)('a' + k % 26);
    if (q && o < cap)
        buf[o++] = '"';
    return o;
}

static const struct gram_type *param_type(const struct fz_cmd *c, uint16_t i)
{
    if (!c->form || !c->form->n_params)
        return NULL;
    return &c->form->params[i < c->form->n_params ? i : c->form->n_params - 1].type;
}

/* ---- the mutations ------------------------------------------------------------------------ */

static const char *const op_names[FZ__OPS] = {
    "drop-param", "add-param", "swap-params", "boundary", "type-swap", "break-quote",
    "separator", "form", "concat", "length", "enum", "case", "replace"};

const char *fz_op_name(enum fz_op op)
{
    return op < FZ__OPS ? op_names[op] : "?";
}

struct fz_scratch {
    char a[GEN_LINE_MAX + 64];
    char b[64];
};

/* Applies op to command c (parameter i); false when it does not apply to it. Values made
 * here live in sc. sep_at/sep: a separator to write instead of the comma before param
 * sep_at. */
static bool apply_op(enum fz_op op, struct fz_line *l, struct fz_cmd *c, struct fz_rng *r,
                     const struct fz_pool *pool, struct fz_scratch *sc, int *sep_at,
                     const char **sep, struct fz_out *extra)
{
    uint16_t np = c->n_params;
    uint16_t i = np ? (uint16_t)fz_below(r, np) : 0;
    const struct gram_type *t = param_type(c, i);
    switch (op) {
    case FZ_DROP_PARAM:
        if (!np)
            return false;
        memmove(&c->params[i], &c->params[i + 1], (size_t)(np - i - 1) * sizeof c->params[0]);
        c->n_params--;
        if (!c->n_params && fz_below(r, 2))
            c->op = (struct fz_span){"=", 1}; /* "AT+X=" */
        return true;
    case FZ_ADD_PARAM: {
        if (np >= FZ_MAX_PARAMS)
            return false;
        uint16_t at = (uint16_t)fz_below(r, np + 1u);
        struct fz_span v;
        switch (fz_below(r, 3)) {
        case 0:
            if (np) {
                v = c->params[fz_below(r, np)];
                break;
            }
            /* fall through */
        case 1:
            v = (struct fz_span){sc->b, (uint32_t)boundary_value(param_type(c, at), r, sc->b, sizeof sc->b)};
            break;
        default:
            v = (struct fz_span){"", 0};
            break;
        }
        memmove(&c->params[at + 1], &c->params[at], (size_t)(np - at) * sizeof c->params[0]);
        c->params[at] = v;
        c->n_params++;
        if (c->op.len != 1 || c->op.p[0] != '=')
            c->op = (struct fz_span){"=", 1};
        return true;
    }
    case FZ_SWAP_PARAMS: {
        if (np < 2)
            return false;
        uint16_t j = (uint16_t)fz_below(r, np);
        if (j == i)
            j = (uint16_t)((i + 1) % np);
        struct fz_span tmp = c->params[i];
        c->params[i] = c->params[j];
        c->params[j] = tmp;
        return true;
    }
    case FZ_BOUNDARY:
        if (!np)
            return false;
        c->params[i] = (struct fz_span){sc->b, (uint32_t)boundary_value(t, r, sc->b, sizeof sc->b)};
        return true;
    case FZ_TYPE_SWAP: {
        if (!np)
            return false;
        struct fz_span v = c->params[i];
        if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
            if (fz_below(r, 2))
                c->params[i] = (struct fz_span){v.p + 1, v.len - 2}; /* unquoted */
            else
                c->params[i] = (struct fz_span){sc->b, (uint32_t)boundary_value(NULL, r, sc->b, sizeof sc->b)};
        } else {
            int w = snprintf(sc->a, sizeof sc->a, "\"%.*s\"", (int)(v.len < 4000 ? v.len : 4000), v.p);
            c->params[i] = fz_below(r, 3) ? (struct fz_span){sc->a, (uint32_t)w}
                                          : (struct fz_span){"abc", 3};
        }
        return true;
    }
    case FZ_BREAK_QUOTE: {
        if (!np)
            return false;
        struct fz_span v = c->params[i];
        size_t len = v.len < 4000 ? v.len : 4000;
        int w;
        switch (fz_below(r, 6)) {
        case 0: /* no closing quote */
            w = snprintf(sc->a, sizeof sc->a, "%.*s", (int)(len && v.p[len - 1] == '"' && len > 1 ? len - 1 : len), v.p);
            if (!len || v.p[0] != '"')
                w = snprintf(sc->a, sizeof sc->a, "\"%.*s", (int)len, v.p);
            break;
        case 1: /* a quote inside */
            w = snprintf(sc->a, sizeof sc->a, "%.*s\"%.*s", (int)(len / 2), v.p, (int)(len - len / 2), v.p + len / 2);
            break;
        case 2: /* a broken escape */
            w = snprintf(sc->a, sizeof sc->a, "\"%s%.*s\"", (const char *[]){"\\", "\\z", "\\2", "\\zz", "\\g0"}[fz_below(r, 5)],
                         (int)(len > 2 ? len - 2 : 0), len > 2 ? v.p + 1 : "");
            break;
        case 3: /* a backslash before the closing quote */
            w = snprintf(sc->a, sizeof sc->a, "\"%.*s\\\"", (int)(len > 2 ? len - 2 : 0), len > 2 ? v.p + 1 : "");
            break;
        case 4: /* an escaped quote and backslash, well formed */
            w = snprintf(sc->a, sizeof sc->a, "\"\\22%.*s\\5C\"", (int)(len > 2 ? len - 2 : 0), len > 2 ? v.p + 1 : "");
            break;
        default: /* a control byte inside */
            w = snprintf(sc->a, sizeof sc->a, "\"%c%.*s\"", (char)"\t\x01\x7f\x1b"[fz_below(r, 4)], (int)(len > 2 ? len - 2 : 0), len > 2 ? v.p + 1 : "");
            break;
        }
        c->params[i] = (struct fz_span){sc->a, (uint32_t)(w < 0 ? 0 : w)};
        return true;
    }
    case FZ_SEPARATOR: {
        static const char *const seps[] = {",,", ";", " ", ", ", "=", "", "\t", ",\"\","};
        if (np < 2) {
            /* a trailing or leading separator instead */
            if (!np) {
                c->params[0] = (struct fz_span){"", 0};
                c->n_params = 1;
            }
            if (c->n_params < FZ_MAX_PARAMS)
                c->params[c->n_params++] = (struct fz_span){"", 0};
            c->op = (struct fz_span){"=", 1};
            return true;
        }
        *sep_at = 1 + (int)fz_below(r, np - 1u);
        *sep = seps[fz_below(r, sizeof seps / sizeof seps[0])];
        return true;
    }
    case FZ_FORM: {
        static const char *const ops[] = {"=", "?", "=?", "", "=?=", "??", "= "};
        const char *o = ops[fz_below(r, sizeof ops / sizeof ops[0])];
        c->op = (struct fz_span){o, (uint32_t)strlen(o)};
        if (strcmp(o, "=") != 0 && fz_below(r, 2))
            c->n_params = 0;
        return true;
    }
    case FZ_CONCAT: {
        size_t len = 0;
        const char *pl = fz_pool_pick(pool, r, &len);
        put(extra, ";", 1);
        if (pl && len > 2 && fz_below(r, 4))
            put(extra, pl + 2, len - 2); /* its commands, without the AT */
        else
            put_cmd(extra, c, -1, ",");
        (void)l;
        return true;
    }
    case FZ_LENGTH: {
        if (!np)
            return false;
        size_t want;
        uint32_t max = t && t->kind == GT_STRING ? t->max_len : 0;
        uint32_t min = t && t->kind == GT_STRING ? t->min_len : 0;
        switch (fz_below(r, 5)) {
        case 0: want = max ? max : 255; break;
        case 1: want = max ? max + 1 : 256; break;
        case 2: want = 0; break;
        case 3: want = min > 0 ? min - 1 : 1; break;
        default: want = 1000 + fz_below(r, 3000); break;
        }
        c->params[i] = (struct fz_span){sc->a, (uint32_t)length_value(t, want, sc->a, sizeof sc->a)};
        return true;
    }
    case FZ_ENUM: {
        if (!np)
            return false;
        if (t && t->kind == GT_ENUM && t->n_items) {
            const struct gram_enum_item *e = &t->enums[fz_below(r, t->n_items)];
            int w;
            const char *q = quoted_type(t) ? "\"" : "";
            switch (fz_below(r, 4)) {
            case 0: w = snprintf(sc->a, sizeof sc->a, "%s%s%s", q, e->text, q); break;
            case 1: w = snprintf(sc->a, sizeof sc->a, "%s%.*s%s", q, (int)(e->len ? e->len - 1 : 0), e->text, q); break;
            case 2: w = snprintf(sc->a, sizeof sc->a, "%s%sX%s", q, e->text, q); break;
            default:
                w = snprintf(sc->a, sizeof sc->a, "%s%s%s", q, e->text, q);
                for (int k = 0; k < w; k++)
                    if (sc->a[k] >= 'A' && sc->a[k] <= 'Z')
                        sc->a[k] = (char)(sc->a[k] | 0x20);
                    else if (sc->a[k] >= 'a' && sc->a[k] <= 'z')
                        sc->a[k] = (char)(sc->a[k] & ~0x20);
                break;
            }
            c->params[i] = (struct fz_span){sc->a, (uint32_t)(w < 0 ? 0 : w)};
            return true;
        }
        /* not an enum: an enumerated value of some other parameter of the form */
        if (c->form)
            for (uint16_t k = 0; k < c->form->n_params; k++) {
                const struct gram_type *ot = &c->form->params[k].type;
                if (ot->kind == GT_ENUM && ot->n_items) {
                    int w = snprintf(sc->a, sizeof sc->a, "\"%s\"", ot->enums[fz_below(r, ot->n_items)].text);
                    c->params[i] = (struct fz_span){sc->a, (uint32_t)w};
                    return true;
                }
            }
        return false;
    }
    case FZ_CASE: {
        static const char *const prefixes[] = {"at", "At", "aT", "", "ATAT", "A T", "AT "};
        if (fz_below(r, 2)) {
            const char *p = prefixes[fz_below(r, sizeof prefixes / sizeof prefixes[0])];
            l->prefix = (struct fz_span){p, (uint32_t)strlen(p)};
        } else {
            size_t len = c->name.len < sizeof sc->b ? c->name.len : sizeof sc->b;
            for (size_t k = 0; k < len; k++) {
                char ch = c->name.p[k];
                sc->b[k] = (ch >= 'A' && ch <= 'Z') ? (char)(ch | 0x20)
                           : (ch >= 'a' && ch <= 'z') ? (char)(ch & ~0x20) : ch;
            }
            c->name = (struct fz_span){sc->b, (uint32_t)len};
        }
        return true;
    }
    default:
        return false;
    }
}

size_t fz_mutate_line(const struct at_index *ix, uint8_t slot, const struct fz_pool *pool,
                      struct fz_rng *r, const char *in, size_t n, char *out, size_t cap,
                      enum fz_op *opp)
{
    (void)slot;
    struct fz_out o = {out, 0, cap};
    if (cap)
        out[0] = '\0';
    struct fz_line l;
    enum fz_op op = (enum fz_op)fz_below(r, FZ__OPS);
    bool ok = split_line(in, n, &l) && l.n;
    if (ok && op != FZ_REPLACE) {
        read_forms(ix, in, n, &l);
        struct fz_scratch sc;
        char extra_buf[GEN_LINE_MAX];
        struct fz_out extra = {extra_buf, 0, sizeof extra_buf};
        extra_buf[0] = '\0';
        int sep_at = -1;
        const char *sep = ",";
        struct fz_cmd *c = &l.cmds[fz_below(r, l.n)];
        /* an op that does not fit this command: try the others in turn */
        for (int k = 0; k < FZ__OPS; k++) {
            enum fz_op try = (enum fz_op)((op + (unsigned)k) % FZ__OPS);
            if (try == FZ_REPLACE)
                continue;
            if (apply_op(try, &l, c, r, pool, &sc, &sep_at, &sep, &extra)) {
                op = try;
                put_span(&o, l.prefix);
                for (uint8_t q = 0; q < l.n; q++) {
                    if (q)
                        put(&o, ";", 1);
                    put_cmd(&o, &l.cmds[q], &l.cmds[q] == c ? sep_at : -1, sep);
                }
                put_span(&o, l.tail);
                put(&o, extra_buf, extra.n);
                if (opp)
                    *opp = op;
                return o.n;
            }
        }
    }
    /* not a command line, or asked for: a line of the pool (or a plain AT) */
    size_t len = 0;
    const char *pl = fz_pool_pick(pool, r, &len);
    if (pl)
        put(&o, pl, len);
    else
        put(&o, "AT", 2);
    if (opp)
        *opp = FZ_REPLACE;
    return o.n;
}

/* ---- sequences ------------------------------------------------------------------------------- */

#define FZ_SEQ_MAX 64

static size_t split_seq(const uint8_t *in, size_t n, struct fz_span *lines, size_t max)
{
    size_t k = 0, s = 0;
    for (size_t i = 0; i <= n && k < max; i++)
        if (i == n || in[i] == '\r' || in[i] == '\n') {
            if (i > s)
                lines[k++] = (struct fz_span){(const char *)in + s, (uint32_t)(i - s)};
            s = i + 1;
        }
    return k;
}

size_t fz_mutate_seq(const struct at_index *ix, uint8_t slot, const struct fz_pool *pool,
                     struct fz_rng *r, const uint8_t *in, size_t n, const uint8_t *other,
                     size_t other_n, uint8_t *out, size_t cap)
{
    struct fz_span lines[FZ_SEQ_MAX + 1], theirs[FZ_SEQ_MAX];
    size_t nl = split_seq(in, n, lines, FZ_SEQ_MAX);
    size_t no = other ? split_seq(other, other_n, theirs, FZ_SEQ_MAX) : 0;
    size_t first = 0; /* header lines ('#') stay first and untouched */
    while (first < nl && lines[first].len && lines[first].p[0] == '#')
        first++;
    size_t body = nl - first;
    char mutated[GEN_LINE_MAX];
    size_t plen = 0;
    const char *pl;
    unsigned what = fz_below(r, 20);
    if (body == 0)
        what = 10; /* nothing to change: add a line */
    if (what < 11) {
        if (what < 10 || nl >= FZ_SEQ_MAX) { /* mutate a line */
            if (body == 0) {
                pl = fz_pool_pick(pool, r, &plen);
                if (!pl) {
                    pl = "AT";
                    plen = 2;
                }
                lines[nl++] = (struct fz_span){pl, (uint32_t)plen};
            } else {
                size_t k = first + fz_below(r, (uint32_t)body);
                size_t m = fz_mutate_line(ix, slot, pool, r, lines[k].p, lines[k].len, mutated,
                                          sizeof mutated, NULL);
                lines[k] = (struct fz_span){mutated, (uint32_t)m};
            }
        } else { /* insert a pool line */
            pl = fz_pool_pick(pool, r, &plen);
            size_t at = first + fz_below(r, (uint32_t)body + 1);
            memmove(&lines[at + 1], &lines[at], (nl - at) * sizeof lines[0]);
            lines[at] = pl ? (struct fz_span){pl, (uint32_t)plen} : (struct fz_span){"AT", 2};
            nl++;
        }
    } else if (what < 13 && body > 1) { /* drop a line */
        size_t k = first + fz_below(r, (uint32_t)body);
        memmove(&lines[k], &lines[k + 1], (nl - k - 1) * sizeof lines[0]);
        nl--;
    } else if (what < 15 && nl < FZ_SEQ_MAX) { /* duplicate a line */
        size_t k = first + fz_below(r, (uint32_t)body);
        memmove(&lines[k + 1], &lines[k], (nl - k) * sizeof lines[0]);
        nl++;
    } else if (what < 17 && body > 1) { /* move a line */
        size_t a = first + fz_below(r, (uint32_t)body), b = first + fz_below(r, (uint32_t)body);
        struct fz_span t = lines[a];
        lines[a] = lines[b];
        lines[b] = t;
    } else if (no && nl < FZ_SEQ_MAX) { /* splice a line of the other input */
        size_t at = first + fz_below(r, (uint32_t)body + 1);
        struct fz_span s = theirs[fz_below(r, (uint32_t)no)];
        if (s.len && s.p[0] == '#')
            s = (struct fz_span){"AT", 2};
        memmove(&lines[at + 1], &lines[at], (nl - at) * sizeof lines[0]);
        lines[at] = s;
        nl++;
    } else if (body) {
        size_t k = first + fz_below(r, (uint32_t)body);
        size_t m = fz_mutate_line(ix, slot, pool, r, lines[k].p, lines[k].len, mutated,
                                  sizeof mutated, NULL);
        lines[k] = (struct fz_span){mutated, (uint32_t)m};
    }
    /* write it out: the inputs may overlap out (libFuzzer mutates in place) */
    uint8_t tmp[8192];
    size_t o = 0;
    for (size_t k = 0; k < nl; k++) {
        size_t len = lines[k].len;
        if (o + len + 1 > sizeof tmp)
            break;
        memcpy(tmp + o, lines[k].p, len);
        o += len;
        tmp[o++] = '\n';
    }
    if (o > cap)
        o = cap;
    memcpy(out, tmp, o);
    return o;
}
