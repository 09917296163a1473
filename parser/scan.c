/* parser/scan.c — see scan.h. */
#include "parser/scan.h"

#include <string.h>
#include <strings.h>

static bool is_hex(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static uint8_t hexval(uint8_t c)
{
    return c <= '9' ? (uint8_t)(c - '0') : (uint8_t)((c | 0x20) - 'a' + 10);
}

enum at_err at_scan_int(const uint8_t *s, size_t n, size_t *pos, int64_t *v)
{
    size_t i = *pos;
    bool neg = false;
    if (i < n && s[i] == '-') {
        neg = true;
        i++;
    }
    if (i >= n || s[i] < '0' || s[i] > '9')
        return AT_E_EXPECTED_INT;
    size_t start = i;
    uint64_t acc = 0;
    /* up to 18 digits cannot overflow 64 bits: no check on the common path */
    while (i < n && i - start < 18 && (unsigned)(s[i] - '0') <= 9)
        acc = acc * 10 + (uint64_t)(s[i++] - '0');
    bool ovf = false;
    uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    while (i < n && (unsigned)(s[i] - '0') <= 9) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (acc > (lim - d) / 10)
            ovf = true;
        else
            acc = acc * 10 + d;
        i++;
    }
    *pos = i;
    if (ovf)
        return AT_E_INT_OVERFLOW;
    *v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return AT_OK;
}

bool at_parse_int(const uint8_t *s, size_t n, int64_t *v, bool *overflow)
{
    size_t pos = 0;
    enum at_err e = at_scan_int(s, n, &pos, v);
    if (overflow)
        *overflow = e == AT_E_INT_OVERFLOW && pos == n;
    return e == AT_OK && pos == n;
}

enum at_err at_scan_quoted(const uint8_t *s, size_t n, size_t *pos, uint8_t escapes,
                           uint32_t *decoded_len, size_t *err_off)
{
    size_t i = *pos + 1;
    uint32_t dl = 0;
    while (i < n) {
        /* jump to the next quote or backslash */
        const uint8_t *q = memchr(s + i, '"', n - i);
        size_t stop = q ? (size_t)(q - s) : n;
        if (escapes) {
            const uint8_t *b = memchr(s + i, '\\', stop - i);
            if (b)
                stop = (size_t)(b - s);
        }
        dl += (uint32_t)(stop - i);
        i = stop;
        if (i >= n)
            break;
        uint8_t c = s[i];
        if (c == '"') {
            *pos = i + 1;
            *decoded_len = dl;
            return AT_OK;
        }
        if (c == '\\' && escapes) {
            if ((escapes & GESC_V250) && i + 2 < n + 0 && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
                i += 3;
            } else if ((escapes & GESC_BACKSLASH) && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\')) {
                i += 2;
            } else if ((escapes & GESC_BACKSLASH) && i + 3 < n && s[i + 1] == 'x' && is_hex(s[i + 2]) &&
                       is_hex(s[i + 3])) {
                i += 4;
            } else {
                *err_off = i;
                return AT_E_BAD_ESCAPE;
            }
            dl++;
            continue;
        }
        i++;
        dl++;
    }
    *err_off = *pos;
    return AT_E_UNTERMINATED;
}

/* Walks the decoded bytes of a value's content. Returns the next byte or -1. */
struct decoder {
    const uint8_t *p, *end;
    uint8_t escapes;
};

static int dec_next(struct decoder *d)
{
    if (d->p >= d->end)
        return -1;
    uint8_t c = *d->p;
    if (c == '\\' && d->escapes && d->p + 1 < d->end) {
        if ((d->escapes & GESC_V250) && d->p + 2 < d->end && is_hex(d->p[1]) && is_hex(d->p[2])) {
            int v = hexval(d->p[1]) << 4 | hexval(d->p[2]);
            d->p += 3;
            return v;
        }
        if ((d->escapes & GESC_BACKSLASH) && (d->p[1] == '"' || d->p[1] == '\\')) {
            int v = d->p[1];
            d->p += 2;
            return v;
        }
        if ((d->escapes & GESC_BACKSLASH) && d->p + 3 < d->end && d->p[1] == 'x') {
            int v = hexval(d->p[2]) << 4 | hexval(d->p[3]);
            d->p += 4;
            return v;
        }
    }
    d->p++;
    return c;
}

static struct decoder decoder_of(const uint8_t *line, const struct at_value *v, uint8_t escapes)
{
    struct decoder d;
    d.p = line + at_value_cstart(v);
    d.end = d.p + at_value_clen(v);
    d.escapes = v->kind == AT_V_STR ? escapes : 0;
    return d;
}

size_t at_value_decode(const uint8_t *line, const struct at_value *v, uint8_t escapes,
                       uint8_t *out, size_t cap)
{
    struct decoder d = decoder_of(line, v, escapes);
    size_t n = 0;
    int c;
    while ((c = dec_next(&d)) >= 0) {
        if (n < cap)
            out[n] = (uint8_t)c;
        n++;
    }
    return n;
}

bool at_value_equals(const uint8_t *line, const struct at_value *v, uint8_t escapes,
                     const char *s, size_t n, bool nocase)
{
    struct decoder d = decoder_of(line, v, escapes);
    size_t i = 0;
    int c;
    while ((c = dec_next(&d)) >= 0) {
        if (i >= n)
            return false;
        uint8_t a = (uint8_t)c, b = (uint8_t)s[i];
        if (nocase) {
            if (a >= 'A' && a <= 'Z')
                a |= 0x20;
            if (b >= 'A' && b <= 'Z')
                b |= 0x20;
        }
        if (a != b)
            return false;
        i++;
    }
    return i == n;
}

static enum at_err fail(struct at_verror *e, enum at_err code, uint32_t off,
                        const struct gram_type *t, int64_t got, uint32_t limit)
{
    at_verror_reset(e);
    e->code = code;
    e->off = off;
    e->type = t;
    e->got = got;
    e->limit = limit;
    return code;
}

enum at_err at_check_value(const struct gram_type *t, const struct gram_dialect *d,
                           uint8_t escapes, const uint8_t *line, struct at_value *v,
                           struct at_verror *e)
{
    switch (t->kind) {
    case GT_INT:
    case GT_MASK: {
        if (v->kind == AT_V_STR)
            return fail(e, AT_E_QUOTED, v->off, t, 0, 0);
        if (v->kind != AT_V_BARE)
            return fail(e, AT_E_EXPECTED_INT, v->off, t, 0, 0);
        if (!v->is_int) {
            size_t end = 0;
            enum at_err ie = at_scan_int(line + v->off, v->len, &end, &v->i);
            if (ie != AT_OK)
                return fail(e, ie, v->off, t, 0, 0);
            if (end != v->len) { /* "1 x": a number, then something that does not belong */
                uint32_t at = v->off + (uint32_t)end + (line[v->off + end] == ' ');
                /* "0 1": only digits and spaces after the number */
                bool digits = line[v->off + end] == ' ';
                for (size_t k = end; k < v->len && digits; k++)
                    digits = line[v->off + k] == ' ' || (line[v->off + k] >= '0' && line[v->off + k] <= '9');
                return fail(e, digits ? AT_E_INNER_SPACE : AT_E_SEPARATOR, at, t, 0, 0);
            }
            v->is_int = true;
        }
        if (t->kind == GT_INT) {
            if (!gram_int_allowed(t, d, v->i))
                return fail(e, AT_E_INT_RANGE, v->off, t, v->i, 0);
        } else {
            uint64_t bits = gram_mask_bits(t, d);
            if (v->i < 0 || ((uint64_t)v->i & ~bits))
                return fail(e, AT_E_MASK_BITS, v->off, t, v->i, 0);
        }
        return AT_OK;
    }
    case GT_STRING: {
        if (v->kind == AT_V_BARE && t->quoting == GQ_QUOTED)
            return fail(e, AT_E_EXPECTED_QUOTE, v->off, t, 0, 0);
        if (v->kind == AT_V_STR && t->quoting == GQ_BARE)
            return fail(e, AT_E_QUOTED, v->off, t, 0, 0);
        if (v->kind != AT_V_STR && v->kind != AT_V_BARE && v->kind != AT_V_TEXT)
            return fail(e, AT_E_EXPECTED_QUOTE, v->off, t, 0, 0);
        uint32_t n = v->slen;
        if (t->max_len && n > t->max_len)
            return fail(e, AT_E_TOO_LONG, v->off, t, n, t->max_len);
        if (n < t->min_len)
            return fail(e, AT_E_TOO_SHORT, v->off, t, n, t->min_len);
        if (t->charset) {
            struct decoder dd = decoder_of(line, v, escapes);
            int c;
            uint32_t k = 0;
            while ((c = dec_next(&dd)) >= 0) {
                bool ok = t->charset == GCS_HEX      ? is_hex((uint8_t)c)
                          : t->charset == GCS_DIGITS ? (c >= '0' && c <= '9')
                                                     : (c >= 0x20 && c < 0x7f);
                if (!ok)
                    return fail(e, AT_E_CHARSET, at_value_cstart(v) + k, t, c, 0);
                k++;
            }
        }
        return AT_OK;
    }
    case GT_ENUM: {
        if (v->kind == AT_V_BARE && t->quoting == GQ_QUOTED)
            return fail(e, AT_E_EXPECTED_QUOTE, v->off, t, 0, 0);
        if (v->kind == AT_V_STR && t->quoting == GQ_BARE)
            return fail(e, AT_E_QUOTED, v->off, t, 0, 0);
        for (uint16_t i = 0; i < t->n_items; i++) {
            const struct gram_enum_item *it = &t->enums[i];
            if (d && !gram_guard_ok(d, it->guard))
                continue;
            if (at_value_equals(line, v, escapes, it->text, it->len, t->nocase))
                return AT_OK;
        }
        return fail(e, AT_E_ENUM, v->off, t, 0, 0);
    }
    case GT_ANY:
        if (v->kind == AT_V_BARE) {
            bool ovf;
            v->is_int = at_parse_int(line + v->off, v->len, &v->i, &ovf);
        }
        return AT_OK;
    case GT_TEXT:
    case GT_LIST:
        return AT_OK;
    }
    return AT_OK;
}

static bool value_int(const struct gram_param *p, const struct at_value *v, int64_t *out)
{
    if (v && v->kind != AT_V_ABSENT) {
        if (!v->is_int)
            return false;
        *out = v->i;
        return true;
    }
    if (p->has_default && p->def_text &&
        (p->def_text[0] == '-' || (p->def_text[0] >= '0' && p->def_text[0] <= '9'))) {
        *out = p->def_int;
        return true;
    }
    return false;
}

bool at_cond_holds(const struct gram_cond *c, const struct gram_param *params,
                   const struct at_value *vals, uint16_t n_given, uint8_t escapes,
                   const uint8_t *line)
{
    if (c->kind == GCOND_COUNT)
        return n_given == c->ival;
    const struct gram_param *p = &params[c->field];
    const struct at_value *v = c->field < n_given ? &vals[c->field] : NULL;
    bool present = v && v->kind != AT_V_ABSENT;
    switch (c->kind) {
    case GCOND_PRESENT: return present;
    case GCOND_ABSENT: return !present;
    case GCOND_EQ:
    case GCOND_NE: {
        bool eq;
        if (c->is_str) {
            if (present)
                eq = at_value_equals(line, v, escapes, c->sval, c->slen, p->type.nocase);
            else
                eq = p->has_default && p->def_text && strlen(p->def_text) == c->slen &&
                     memcmp(p->def_text, c->sval, c->slen) == 0;
        } else {
            int64_t x;
            eq = value_int(p, v, &x) && x == c->ival;
        }
        return c->kind == GCOND_EQ ? eq : !eq;
    }
    case GCOND_BIT: {
        int64_t x;
        return value_int(p, v, &x) && (x & c->ival) != 0;
    }
    case GCOND_COUNT: break;
    }
    return false;
}

enum at_err at_check_rules(const struct gram_rule *rules, uint16_t n_rules,
                           const struct gram_param *params, uint16_t n_params,
                           const struct at_value *vals, uint16_t n_given,
                           const struct gram_dialect *d, uint8_t escapes, const uint8_t *line,
                           size_t line_len, int state, struct at_verror *e)
{
    for (uint16_t r = 0; r < n_rules; r++) {
        const struct gram_rule *rule = &rules[r];
        if (d && !gram_guard_ok(d, rule->guard))
            continue;
        bool holds = true;
        for (uint8_t k = 0; k < rule->n_conds && holds; k++)
            holds = at_cond_holds(&rule->conds[k], params, vals, n_given, escapes, line);
        if (!holds)
            continue;
        for (uint8_t k = 0; k < rule->n_cons; k++) {
            const struct gram_cons *c = &rule->cons[k];
            switch (c->kind) {
            case GCONS_PRESENT:
            case GCONS_ABSENT:
                for (uint16_t i = 0; i < n_params; i++) {
                    if (!(c->fields >> i & 1))
                        continue;
                    bool present = i < n_given && vals[i].kind != AT_V_ABSENT;
                    if (present == (c->kind == GCONS_PRESENT))
                        continue;
                    e->code = c->kind == GCONS_PRESENT ? AT_E_RULE_REQUIRES : AT_E_RULE_FORBIDS;
                    /* where the value is, or would be: an omitted command value has its
                     * place; a field a line left out is missing at the line's end */
                    e->off = (i < n_given && (present || vals[i].off)) ? vals[i].off : (uint32_t)line_len;
                    e->what = &params[i];
                    e->index = (int16_t)i;
                    e->rule = rule;
                    return e->code;
                }
                break;
            case GCONS_TYPE: {
                int i = c->field;
                if (i >= n_given || vals[i].kind == AT_V_ABSENT)
                    break;
                struct at_value tmp = vals[i];
                struct at_verror sub;
                memset(&sub, 0, sizeof sub);
                if (at_check_value(&c->type, d, escapes, line, &tmp, &sub) != AT_OK) {
                    e->code = AT_E_RULE_TYPE;
                    e->sub = sub.code;
                    e->off = sub.off;
                    e->got = sub.got;
                    e->limit = sub.limit;
                    e->type = &c->type;
                    e->what = &params[i];
                    e->index = (int16_t)i;
                    e->rule = rule;
                    return e->code;
                }
                break;
            }
            case GCONS_STATE:
                if (state >= 0 && !(c->states >> state & 1)) {
                    e->code = AT_E_STATE;
                    e->off = 0;
                    e->state = (uint32_t)state;
                    e->rule = rule;
                    return e->code;
                }
                break;
            }
        }
    }
    return AT_OK;
}
