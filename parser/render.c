/* parser/render.c — see render.h. */
#include "parser/render.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct rbuf {
    char *out;
    size_t cap, n;
    bool overflow;
};

static void put(struct rbuf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->overflow = true;
        return;
    }
    memcpy(b->out + b->n, s, n);
    b->n += n;
}

static bool quoted(const struct gram_type *t)
{
    return (t->kind == GT_STRING || t->kind == GT_ENUM || t->kind == GT_ANY) &&
           t->quoting == GQ_QUOTED;
}

/* Renders ops [i, end); returns false when a required field has no value. */
static bool render_ops(const struct gram_template *t, const struct at_line_ctx *c,
                       const struct at_rval *vals, uint16_t i, uint16_t end, struct rbuf *b)
{
    while (i < end) {
        const struct gram_tpl_op *op = &t->ops[i];
        switch (op->kind) {
        case TPL_LIT:
            put(b, t->lits + op->b, op->a);
            i++;
            break;
        case TPL_CSPACE:
            /* canonical: a space, unless the dialect allows only none */
            if (c->cs_space)
                put(b, " ", 1);
            i++;
            break;
        case TPL_FIELD: {
            const struct at_rval *v = &vals[op->a];
            if (!v->text)
                return false;
            const struct gram_type *ty = &t->fields[op->a].type;
            bool q = quoted(ty) && ty->kind != GT_ANY; /* an 'any' value comes as it is written */
            if (q)
                put(b, "\"", 1);
            put(b, v->text, strlen(v->text));
            if (q)
                put(b, "\"", 1);
            i++;
            break;
        }
        case TPL_OPT: {
            /* the group, when every field in it has a value */
            bool all = true;
            for (uint16_t k = op->a; k < op->a + op->n; k++)
                if (!vals[k].text)
                    all = false;
            if (all && op->n > 0) {
                size_t mark = b->n;
                if (!render_ops(t, c, vals, (uint16_t)(i + 1), (uint16_t)op->b, b))
                    b->n = mark;
            }
            i = (uint16_t)(op->b + 1);
            break;
        }
        case TPL_END_OPT:
        case TPL_END:
            i++;
            break;
        }
    }
    return true;
}

size_t at_render_line(const struct gram_line *l, const struct at_line_ctx *c,
                      const struct at_rval *vals, char *out, size_t cap)
{
    struct rbuf b = {out, cap, 0, false};
    if (cap == 0)
        return 0;
    bool ok = render_ops(&l->tpl, c, vals, 0, l->tpl.n_ops, &b);
    if (!ok || b.overflow) {
        out[0] = '\0';
        return 0;
    }
    out[b.n] = '\0';
    return b.n;
}

size_t at_render_named(const struct gram_line *l, const struct at_line_ctx *c,
                       const char *const *pairs, char *out, size_t cap)
{
    struct at_rval vals[GRAM_MAX_PARAMS];
    memset(vals, 0, sizeof vals);
    for (size_t k = 0; pairs && pairs[k]; k++) {
        const char *eq = strchr(pairs[k], '=');
        if (!eq)
            continue;
        for (uint16_t i = 0; i < l->tpl.n_fields; i++)
            if (strlen(l->tpl.fields[i].name) == (size_t)(eq - pairs[k]) &&
                strncmp(l->tpl.fields[i].name, pairs[k], (size_t)(eq - pairs[k])) == 0)
                vals[i].text = eq + 1;
    }
    return at_render_line(l, c, vals, out, cap);
}

size_t at_render_list(const struct gram_type *t, const struct gram_dialect *d, char *out, size_t cap)
{
    struct rbuf b = {out, cap, 0, false};
    put(&b, "(", 1);
    bool first = true;
    char num[64];
    if (t->kind == GT_MASK) {
        uint64_t all = gram_mask_bits(t, d);
        int n = snprintf(num, sizeof num, "0-%" PRIu64, all);
        put(&b, num, (size_t)n);
    } else if (t->kind == GT_ENUM) {
        for (uint16_t i = 0; i < t->n_items; i++) {
            if (d && !gram_guard_ok(d, t->enums[i].guard))
                continue;
            if (!first)
                put(&b, ",", 1);
            put(&b, "\"", 1);
            put(&b, t->enums[i].text, t->enums[i].len);
            put(&b, "\"", 1);
            first = false;
        }
    } else {
        for (uint16_t i = 0; i < t->n_items; i++) {
            const struct gram_int_item *it = &t->ints[i];
            if (d && !gram_guard_ok(d, it->guard))
                continue;
            int n;
            if (it->lo == it->hi)
                n = snprintf(num, sizeof num, "%s%" PRId64, first ? "" : ",", it->lo);
            else
                n = snprintf(num, sizeof num, "%s%" PRId64 "-%" PRId64, first ? "" : ",", it->lo, it->hi);
            put(&b, num, (size_t)n);
            first = false;
        }
    }
    put(&b, ")", 1);
    if (b.overflow) {
        out[0] = '\0';
        return 0;
    }
    out[b.n] = '\0';
    return b.n;
}
