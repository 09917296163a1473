/* parser/match.c — see match.h. A small backtracking interpreter over the template's ops;
 * templates are short, and an optional group is tried first and then skipped. */
#include "parser/match.h"

#include <string.h>

#include "parser/bytes.h"

void at_line_ctx_init(struct at_line_ctx *c, const struct gram_vendor *v,
                      const struct gram_dialect *d)
{
    memset(c, 0, sizeof *c);
    c->vendor = v;
    c->d = d;
    c->escapes = v ? v->escapes : GESC_V250;
    c->cs_space = true;
    c->cs_none = false;
    if (v && v->colon_space_knob && d) {
        const struct gram_knob *k = &v->knobs[v->colon_space_knob - 1];
        int sp = gram_knob_choice(k, "space"), no = gram_knob_choice(k, "none");
        uint16_t act = d->active[v->colon_space_knob];
        c->cs_space = sp >= 0 && (act >> sp & 1);
        c->cs_none = no >= 0 && (act >> no & 1);
    }
}

struct mstate {
    const struct gram_template *t;
    const struct at_line_ctx *c;
    const uint8_t *s;
    size_t n;
    struct at_value *f;
    struct at_verror *best;
    bool have;
    unsigned steps;
};

static void record(struct mstate *st, struct at_verror *e)
{
    /* the furthest failure wins; at the same place, the colon-space one says more */
    if (!st->have || e->off > st->best->off ||
        (e->off == st->best->off && e->code == AT_E_CSPACE)) {
        *st->best = *e;
        st->have = true;
    }
}

static void record_code(struct mstate *st, enum at_err code, size_t off, int field)
{
    struct at_verror e;
    memset(&e, 0, sizeof e);
    e.code = code;
    e.off = (uint32_t)off;
    e.index = (int16_t)field;
    if (field >= 0) {
        e.what = &st->t->fields[field];
        e.type = &st->t->fields[field].type;
    }
    record(st, &e);
}

/* End of a bare token or free text: the stop byte, or the end of the line. */
static size_t until_stop(const uint8_t *s, size_t n, size_t pos, uint8_t stop)
{
    if (!stop)
        return n;
    const uint8_t *p = memchr(s + pos, stop, n - pos);
    return p ? (size_t)(p - s) : n;
}

static bool field(struct mstate *st, const struct gram_tpl_op *op, size_t pos, size_t *out)
{
    const struct gram_param *fp = &st->t->fields[op->a];
    const struct gram_type *t = &fp->type;
    const uint8_t *s = st->s;
    size_t n = st->n;
    struct at_value v;
    v.off = (uint32_t)pos;
    v.i = 0;
    v.is_int = false;
    size_t end = pos;
    switch (t->kind) {
    case GT_INT:
    case GT_MASK: {
        if (pos < n && s[pos] == '"') {
            record_code(st, AT_E_QUOTED, pos, op->a);
            return false;
        }
        enum at_err e = at_scan_int(s, n, &end, &v.i);
        if (e != AT_OK) {
            record_code(st, e, pos, op->a);
            return false;
        }
        v.is_int = true; /* parsed: the type check need not parse it again */
        v.kind = AT_V_BARE;
        v.len = (uint32_t)(end - pos);
        v.slen = v.len;
        break;
    }
    case GT_STRING:
    case GT_ENUM:
    case GT_ANY:
        if (pos < n && s[pos] == '"' && t->quoting != GQ_BARE) {
            uint32_t dl;
            size_t eo;
            enum at_err e = at_scan_quoted(s, n, &end, st->c->escapes, &dl, &eo);
            if (e != AT_OK) {
                record_code(st, e, eo, op->a);
                return false;
            }
            v.kind = AT_V_STR;
            v.len = (uint32_t)(end - pos);
            v.slen = dl;
        } else {
            if (t->quoting == GQ_QUOTED && t->kind != GT_ANY) {
                record_code(st, AT_E_EXPECTED_QUOTE, pos, op->a);
                return false;
            }
            end = until_stop(s, n, pos, op->stop);
            v.kind = AT_V_BARE;
            v.len = (uint32_t)(end - pos);
            v.slen = v.len;
        }
        break;
    case GT_TEXT:
        end = until_stop(s, n, pos, op->stop);
        v.kind = AT_V_TEXT;
        v.len = (uint32_t)(end - pos);
        v.slen = v.len;
        break;
    case GT_LIST: {
        if (pos >= n || s[pos] != '(') {
            record_code(st, AT_E_EXPECTED_LIST, pos, op->a);
            return false;
        }
        const uint8_t *close = memchr(s + pos, ')', n - pos);
        if (!close) {
            record_code(st, AT_E_BAD_LIST, pos, op->a);
            return false;
        }
        end = (size_t)(close - s) + 1;
        for (size_t i = pos + 1; i + 1 < end; i++)
            if (s[i] == '(') {
                record_code(st, AT_E_BAD_LIST, i, op->a);
                return false;
            }
        v.kind = AT_V_LIST;
        v.len = (uint32_t)(end - pos);
        v.slen = v.len;
        break;
    }
    }
    struct at_verror e;
    if (at_check_value(t, st->c->d, st->c->escapes, s, &v, &e) != AT_OK) {
        e.what = fp;
        e.index = (int16_t)op->a;
        record(st, &e);
        return false;
    }
    st->f[op->a] = v;
    *out = end;
    return true;
}

/* Can what follows the colon space at op i begin with a space? If not, a space there is
 * the colon's, and no second reading needs trying. */
static bool cspace_decided(const struct gram_template *t, uint16_t i)
{
    const struct gram_tpl_op *nx = &t->ops[i + 1];
    if (nx->kind == TPL_LIT)
        return t->lits[nx->b] != ' ';
    if (nx->kind != TPL_FIELD)
        return false;
    const struct gram_type *ty = &t->fields[nx->a].type;
    switch (ty->kind) {
    case GT_INT:
    case GT_MASK:
    case GT_LIST:
        return true;
    case GT_STRING:
    case GT_ENUM:
        return ty->quoting == GQ_QUOTED;
    default:
        return false;
    }
}

static bool run(struct mstate *st, uint16_t i, size_t pos)
{
    if (++st->steps > 4096) /* a pathological template cannot hang a parser */
        return false;
    const struct gram_template *t = st->t;
    for (;;) {
        const struct gram_tpl_op *op = &t->ops[i];
        switch (op->kind) {
        case TPL_LIT: {
            const char *lit = t->lits + op->b;
            if (pos + op->a <= st->n && at_bytes_eq(st->s + pos, lit, op->a)) {
                pos += op->a;
                i++;
                continue;
            }
            size_t k = 0;
            while (k < op->a && pos + k < st->n && st->s[pos + k] == (uint8_t)lit[k])
                k++;
            {
                struct at_verror e;
                memset(&e, 0, sizeof e);
                e.code = AT_E_LITERAL;
                e.off = (uint32_t)(pos + k);
                e.lit = lit + k;
                e.lit_len = (uint16_t)(op->a - k);
                e.index = -1;
                record(st, &e);
                return false;
            }
            pos += op->a;
            i++;
            continue;
        }
        case TPL_CSPACE: {
            bool sp = pos < st->n && st->s[pos] == ' ';
            if (sp && st->c->cs_space && cspace_decided(t, i)) {
                /* what follows cannot start with a space: the space is the colon's */
                pos++;
                i++;
                continue;
            }
            if (sp && st->c->cs_space && run(st, (uint16_t)(i + 1), pos + 1))
                return true;
            if (st->c->cs_none && run(st, (uint16_t)(i + 1), pos))
                return true;
            if (sp ? !st->c->cs_space : !st->c->cs_none) {
                /* got: 1 = a space where none may be, 0 = none where one must be */
                struct at_verror e;
                at_verror_reset(&e);
                e.code = AT_E_CSPACE;
                e.off = (uint32_t)pos;
                e.got = sp;
                record(st, &e);
            }
            return false;
        }
        case TPL_FIELD: {
            size_t end;
            if (!field(st, op, pos, &end))
                return false;
            pos = end;
            i++;
            continue;
        }
        case TPL_OPT:
            if (run(st, (uint16_t)(i + 1), pos))
                return true;
            for (uint16_t k = op->a; k < op->a + op->n; k++)
                memset(&st->f[k], 0, sizeof st->f[k]);
            i = (uint16_t)(op->b + 1);
            continue;
        case TPL_END_OPT:
            i++;
            continue;
        case TPL_END:
            if (pos == st->n)
                return true;
            record_code(st, AT_E_TRAILING, pos, -1);
            return false;
        }
        return false;
    }
}

bool at_match_lead(const struct gram_template *t, const struct at_line_ctx *c,
                   const uint8_t *line, size_t len)
{
    uint16_t op;
    size_t pos;
    return at_match_lead_at(t, c, line, len, &op, &pos);
}

bool at_match_lead_at(const struct gram_template *t, const struct at_line_ctx *c,
                      const uint8_t *line, size_t len, uint16_t *resume_op, size_t *resume_pos)
{
    (void)c;
    size_t pos = 0;
    *resume_op = 0;
    *resume_pos = 0;
    bool pure = true; /* only literals so far: matching may resume after them */
    for (uint16_t i = 0; i < t->n_lead; i++) {
        const struct gram_tpl_op *op = &t->ops[i];
        if (op->kind == TPL_LIT) {
            if (pos + op->a > len || !at_bytes_eq(line + pos, t->lits + op->b, op->a))
                return false;
            pos += op->a;
            if (pure) {
                *resume_op = (uint16_t)(i + 1);
                *resume_pos = pos;
            }
        } else {
            /* TPL_CSPACE: lenient here, so that a line that breaks the colon-space dialect
             * is still recognised, and the full match says what is wrong with it */
            pure = false;
            if (pos < len && line[pos] == ' ')
                pos++;
        }
    }
    return true;
}

static bool match_from(const struct gram_template *t, const struct at_line_ctx *c,
                       const uint8_t *line, size_t len, uint16_t op, size_t pos,
                       struct at_value *fields, struct at_verror *e)
{
    struct mstate st = {t, c, line, len, fields, e, false, 0};
    /* fields need no clearing: a match sets each one, or clears those of a group it skips */
    if (run(&st, op, pos))
        return true;
    if (!st.have) {
        at_verror_reset(e);
        e->code = AT_E_NO_MATCH;
    }
    return false;
}

bool at_match_template(const struct gram_template *t, const struct at_line_ctx *c,
                       const uint8_t *line, size_t len, struct at_value *fields,
                       struct at_verror *e)
{
    return match_from(t, c, line, len, 0, 0, fields, e);
}

static bool check_line_rules(const struct gram_line *l, const struct at_line_ctx *c,
                             const uint8_t *line, size_t len, struct at_value *fields,
                             struct at_verror *e)
{
    if (l->n_rules &&
        at_check_rules(l->rules, l->n_rules, l->tpl.fields, l->tpl.n_fields, fields,
                       l->tpl.n_fields, c->d, c->escapes, line, len, -1, e) != AT_OK) {
        e->line = l;
        return false;
    }
    return true;
}

bool at_match_line(const struct gram_line *l, const struct at_line_ctx *c, const uint8_t *line,
                   size_t len, struct at_value *fields, struct at_verror *e)
{
    if (!at_match_template(&l->tpl, c, line, len, fields, e)) {
        e->line = l;
        return false;
    }
    return check_line_rules(l, c, line, len, fields, e);
}

bool at_match_line_from(const struct gram_line *l, const struct at_line_ctx *c,
                        const uint8_t *line, size_t len, uint16_t op, size_t pos,
                        struct at_value *fields, struct at_verror *e)
{
    if (!match_from(&l->tpl, c, line, len, op, pos, fields, e)) {
        e->line = l;
        return false;
    }
    return check_line_rules(l, c, line, len, fields, e);
}
