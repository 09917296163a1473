/* grammar/types.c — parses the typed parts of the grammar format: parameter types,
 * dialect guards, command signatures with optional groups, rules across parameters and
 * durations. See grammar/README.md, "Types", "Signatures" and "Rules". */
#include "grammar/load_internal.h"

#include <stdlib.h>
#include <string.h>

bool gload_duration(struct gload *L, const struct glex_tok *t, uint32_t *ms)
{
    if (t->kind != GT_WORD) {
        gload_err_tok(L, t, "a duration such as 300ms, 1s or 30min");
        return false;
    }
    size_t i = 0;
    uint64_t v = 0;
    while (i < t->len && t->p[i] >= '0' && t->p[i] <= '9') {
        v = v * 10 + (uint64_t)(t->p[i] - '0');
        if (v > 100000000)
            break;
        i++;
    }
    const char *u = t->p + i;
    size_t ul = t->len - i;
    uint64_t mul = 0;
    if (ul == 2 && memcmp(u, "ms", 2) == 0)
        mul = 1;
    else if (ul == 1 && *u == 's')
        mul = 1000;
    else if (ul == 3 && memcmp(u, "min", 3) == 0)
        mul = 60000;
    else if (ul == 1 && *u == 'h')
        mul = 3600000;
    if (i == 0 || mul == 0 || v * mul > UINT32_MAX) {
        gload_err(L, t->line, t->col, "bad-duration",
                  "'%.*s' is not a duration: write a number and ms, s, min or h (at most 49 days)",
                  (int)t->len, t->p);
        return false;
    }
    *ms = (uint32_t)(v * mul);
    return true;
}

bool gload_guard(struct gload *L, struct glex *lx, struct gram_guard *g)
{
    struct glex_tok k = glex_next(lx);
    if (k.kind != GT_WORD) {
        gload_err_tok(L, &k, "a dialect knob name after 'when'");
        return false;
    }
    char *name = gload_word(L, &k);
    int ki = gram_vendor_knob(L->v, name);
    if (ki == 0) {
        gload_err(L, k.line, k.col, "undefined-name",
                  "unknown dialect knob '%s' (declare it with 'dialect %s' before its first use)",
                  name, name);
        return false;
    }
    if (!gload_expect(L, lx, "="))
        return false;
    g->knob = (uint8_t)ki;
    g->choices = 0;
    const struct gram_knob *kn = &L->v->knobs[ki - 1];
    for (;;) {
        struct glex_tok c = glex_next(lx);
        if (c.kind != GT_WORD) {
            gload_err_tok(L, &c, "a choice of the knob");
            return false;
        }
        char *cn = gload_word(L, &c);
        int ci = gram_knob_choice(kn, cn);
        if (ci < 0) {
            gload_err(L, c.line, c.col, "undefined-name", "knob '%s' has no choice '%s'",
                      kn->name, cn);
            return false;
        }
        g->choices |= (uint16_t)(1u << ci);
        struct glex_tok p = glex_peek(lx);
        if (!glex_is(&p, "|"))
            break;
        glex_next(lx);
    }
    return true;
}

static int find_param(const struct gload_scope *s, const char *name)
{
    if (!s)
        return -1;
    for (uint16_t i = 0; i < s->n_params; i++)
        if (strcmp(s->params[i].name, name) == 0)
            return i;
    return -1;
}

/* int{...} and mask{...} items */
static bool parse_int_items(struct gload *L, struct glex *lx, struct gram_type *t, bool mask)
{
    struct gram_int_item *items = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        struct glex_tok a = glex_next(lx);
        struct gram_int_item it;
        memset(&it, 0, sizeof it);
        if (glex_is(&a, "..")) {
            struct glex_tok b = glex_next(lx);
            if (b.kind != GT_NUM) {
                gload_err_tok(L, &b, "the upper bound after '..'");
                return false;
            }
            it.lo = INT64_MIN;
            it.hi = b.num;
        } else if (a.kind == GT_NUM) {
            if (a.num_overflow) {
                gload_err(L, a.line, a.col, "bad-number",
                          "%.*s does not fit in a signed 64-bit integer", (int)a.len, a.p);
                return false;
            }
            it.lo = it.hi = a.num;
            struct glex_tok p = glex_peek(lx);
            if (glex_is(&p, "..")) {
                glex_next(lx);
                struct glex_tok b = glex_peek(lx);
                if (b.kind == GT_NUM) {
                    glex_next(lx);
                    if (b.num_overflow) {
                        gload_err(L, b.line, b.col, "bad-number",
                                  "%.*s does not fit in a signed 64-bit integer", (int)b.len, b.p);
                        return false;
                    }
                    it.hi = b.num;
                } else {
                    it.hi = INT64_MAX;
                }
                if (it.hi < it.lo) {
                    gload_err(L, a.line, a.col, "inverted-range",
                              "range %lld..%lld is inverted: the lower bound is above the upper",
                              (long long)it.lo, (long long)it.hi);
                    return false;
                }
            }
        } else {
            gload_err_tok(L, &a, mask ? "a bit number" : "a number or a range such as 0..3");
            return false;
        }
        if (!gload_room(L, n, NULL, a.line, a.col, "values in one type"))
            return false;
        if (mask && (it.lo != it.hi || it.lo < 0 || it.lo > 62)) {
            gload_err(L, a.line, a.col, "bad-mask",
                      "a mask lists bit numbers 0..62, one at a time");
            return false;
        }
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, ":")) {
            glex_next(lx);
            struct glex_tok s = glex_next(lx);
            if (s.kind != GT_STR) {
                gload_err_tok(L, &s, "a quoted label after ':'");
                return false;
            }
            it.label = oc_arena_strndup(L->A, s.str, s.str_len);
            p = glex_peek(lx);
        }
        if (glex_is(&p, "when")) {
            glex_next(lx);
            if (!gload_guard(L, lx, &it.guard))
                return false;
            p = glex_peek(lx);
        }
        *GLOAD_PUSH(L, items, n, cap) = it;
        if (glex_is(&p, ",")) {
            glex_next(lx);
            continue;
        }
        if (glex_is(&p, "}")) {
            glex_next(lx);
            break;
        }
        glex_next(lx);
        gload_err_tok(L, &p, "',' or '}'");
        return false;
    }
    if (n == 0) {
        gload_err(L, lx->line, lx->col, "empty-range", "empty set of values");
        return false;
    }
    t->ints = items;
    t->n_items = (uint16_t)n;
    return true;
}

static bool parse_enum_items(struct gload *L, struct glex *lx, struct gram_type *t)
{
    struct gram_enum_item *items = NULL;
    size_t n = 0, cap = 0;
    struct gload_keys seen = {NULL, 0, 0, false};
    for (;;) {
        struct glex_tok a = glex_next(lx);
        struct gram_enum_item it;
        memset(&it, 0, sizeof it);
        if (a.kind == GT_STR) {
            it.text = oc_arena_strndup(L->A, a.str, a.str_len);
            it.len = a.str_len;
        } else if (a.kind == GT_WORD || a.kind == GT_NUM) {
            it.text = oc_arena_strndup(L->A, a.p, a.len);
            it.len = a.len;
        } else {
            gload_err_tok(L, &a, "a quoted string or a bare word");
            return false;
        }
        if (!gload_room(L, n, NULL, a.line, a.col, "values in one type"))
            return false;
        if (gload_keys_find(&seen, it.text, it.len) >= 0)
            gload_err(L, a.line, a.col, "duplicate-name", "'%s' is listed twice", it.text);
        gload_keys_put(L, &seen, it.text, it.len, (uint32_t)n);
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, ":")) {
            glex_next(lx);
            struct glex_tok s = glex_next(lx);
            if (s.kind != GT_STR) {
                gload_err_tok(L, &s, "a quoted label after ':'");
                return false;
            }
            it.label = oc_arena_strndup(L->A, s.str, s.str_len);
            p = glex_peek(lx);
        }
        if (glex_is(&p, "when")) {
            glex_next(lx);
            if (!gload_guard(L, lx, &it.guard))
                return false;
            p = glex_peek(lx);
        }
        *GLOAD_PUSH(L, items, n, cap) = it;
        if (glex_is(&p, ",")) {
            glex_next(lx);
            continue;
        }
        if (glex_is(&p, "}")) {
            glex_next(lx);
            break;
        }
        glex_next(lx);
        gload_err_tok(L, &p, "',' or '}'");
        return false;
    }
    t->enums = items;
    t->n_items = (uint16_t)n;
    return true;
}

static bool parse_len(struct gload *L, struct glex *lx, struct gram_type *t)
{
    /* (N) | (N..M) | (..M) | (N..) */
    struct glex_tok a = glex_next(lx);
    uint32_t lo = 0, hi = 0;
    if (glex_is(&a, "..")) {
        struct glex_tok b = glex_next(lx);
        if (b.kind != GT_NUM || b.num < 0 || b.num > UINT32_MAX) {
            gload_err_tok(L, &b, "a maximum length");
            return false;
        }
        hi = (uint32_t)b.num;
    } else if (a.kind == GT_NUM && a.num >= 0 && a.num <= UINT32_MAX) {
        lo = hi = (uint32_t)a.num;
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "..")) {
            glex_next(lx);
            struct glex_tok b = glex_peek(lx);
            if (b.kind == GT_NUM) {
                glex_next(lx);
                if (b.num < 0 || b.num > UINT32_MAX) {
                    gload_err_tok(L, &b, "a maximum length");
                    return false;
                }
                hi = (uint32_t)b.num;
            } else {
                hi = 0; /* no limit */
            }
            if (hi != 0 && hi < lo) {
                gload_err(L, a.line, a.col, "inverted-range",
                          "length range %u..%u is inverted", lo, hi);
                return false;
            }
        }
    } else {
        gload_err_tok(L, &a, "a length such as 255, 1..255 or ..255");
        return false;
    }
    if (lo == 0 && hi == 0 && a.kind == GT_NUM) {
        gload_err(L, a.line, a.col, "empty-range", "a string of exactly 0 bytes is not a type");
        return false;
    }
    t->min_len = lo;
    t->max_len = hi;
    return gload_expect(L, lx, ")");
}

int64_t gload_int_default(const struct gram_type *t)
{
    return t->n_items ? t->ints[0].lo : 0;
}

bool gload_type(struct gload *L, struct glex *lx, struct gram_type *t, struct gram_param *owner,
                const struct gload_scope *scope)
{
    memset(t, 0, sizeof *t);
    t->list_of = -1;
    struct glex_tok k = glex_next(lx);
    if (k.kind != GT_WORD) {
        gload_err_tok(L, &k, "a type (int, mask, string, enum, text, list, any, codes)");
        return false;
    }
    if (glex_is(&k, "int")) {
        t->kind = GT_INT;
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "{")) {
            glex_next(lx);
            if (!parse_int_items(L, lx, t, false))
                return false;
        }
    } else if (glex_is(&k, "mask")) {
        t->kind = GT_MASK;
        if (!gload_expect(L, lx, "{") || !parse_int_items(L, lx, t, true))
            return false;
    } else if (glex_is(&k, "string")) {
        t->kind = GT_STRING;
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "(")) {
            glex_next(lx);
            if (!parse_len(L, lx, t))
                return false;
        }
    } else if (glex_is(&k, "enum")) {
        t->kind = GT_ENUM;
        if (!gload_expect(L, lx, "{") || !parse_enum_items(L, lx, t))
            return false;
    } else if (glex_is(&k, "text")) {
        t->kind = GT_TEXT;
    } else if (glex_is(&k, "any")) {
        t->kind = GT_ANY;
    } else if (glex_is(&k, "list")) {
        t->kind = GT_LIST;
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "(")) {
            glex_next(lx);
            struct glex_tok n = glex_next(lx);
            if (n.kind != GT_WORD) {
                gload_err_tok(L, &n, "the name of the parameter the list announces");
                return false;
            }
            t->list_of_name = gload_word(L, &n);
            int pi = find_param(scope, t->list_of_name);
            if (pi < 0) {
                gload_err(L, n.line, n.col, "undefined-name",
                          "list(%s): no parameter '%s' in this command form", t->list_of_name,
                          t->list_of_name);
                return false;
            }
            t->list_of = (int16_t)pi;
            if (!gload_expect(L, lx, ")"))
                return false;
        }
    } else if (glex_is(&k, "codes")) {
        t->kind = GT_INT;
        if (!gload_expect(L, lx, "("))
            return false;
        struct glex_tok n = glex_next(lx);
        if (n.kind != GT_WORD) {
            gload_err_tok(L, &n, "a code table name");
            return false;
        }
        char *name = gload_word(L, &n);
        struct gram_codes *c = NULL;
        for (uint16_t i = 0; i < L->v->n_codes; i++)
            if (strcmp(L->v->codes[i].name, name) == 0)
                c = &L->v->codes[i];
        if (!c && L->v->core)
            for (uint16_t i = 0; i < L->v->core->n_codes; i++)
                if (strcmp(L->v->core->codes[i].name, name) == 0)
                    c = &((struct gram_vendor *)L->v->core)->codes[i];
        if (c && c->n_codes == 0) {
            gload_err(L, n.line, n.col, "empty-range", "code table '%s' lists no codes", name);
            return false;
        }
        if (c && !c->items) {
            /* the table is complete once something refers to it: give it an int form */
            c->items = OC_ARENA_ARRAY(L->A, struct gram_int_item, c->n_codes);
            for (uint16_t i = 0; i < c->n_codes; i++) {
                c->items[i].lo = c->items[i].hi = c->codes[i].value;
                c->items[i].label = c->codes[i].meaning;
            }
        }
        if (!c) {
            gload_err(L, n.line, n.col, "undefined-name",
                      "unknown code table '%s' (declare it with 'codes %s' before its first use)",
                      name, name);
            return false;
        }
        t->codes = c->name;
        t->ints = c->items;
        t->n_items = c->n_codes;
        if (!gload_expect(L, lx, ")"))
            return false;
    } else {
        char buf[64];
        gload_err(L, k.line, k.col, "bad-type",
                  "unknown type %s: use int, mask, string, enum, text, list, any or codes(...)",
                  glex_describe(&k, buf, sizeof buf));
        return false;
    }

    /* modifiers */
    for (;;) {
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "quoted")) {
            t->quoting = GQ_QUOTED;
        } else if (glex_is(&p, "unquoted") || glex_is(&p, "bare")) {
            t->quoting = GQ_BARE;
        } else if (glex_is(&p, "optional-quotes")) {
            t->quoting = GQ_OPTIONAL;
        } else if (glex_is(&p, "hex")) {
            t->charset = GCS_HEX;
        } else if (glex_is(&p, "digits")) {
            t->charset = GCS_DIGITS;
        } else if (glex_is(&p, "printable")) {
            t->charset = GCS_PRINT;
        } else if (glex_is(&p, "nocase")) {
            t->nocase = true;
        } else if (glex_is(&p, "secret")) {
            if (!owner) {
                gload_err(L, p.line, p.col, "misplaced", "'secret' marks a parameter or a field");
                glex_next(lx);
                return false;
            }
            owner->secret = true;
        } else if (glex_is(&p, "=")) {
            if (!owner) {
                gload_err(L, p.line, p.col, "misplaced", "a default belongs to a parameter");
                glex_next(lx);
                return false;
            }
            glex_next(lx);
            struct glex_tok d = glex_next(lx);
            if (d.kind == GT_NUM) {
                owner->def_int = d.num;
                owner->def_text = oc_arena_strndup(L->A, d.p, d.len);
            } else if (d.kind == GT_STR) {
                owner->def_text = oc_arena_strndup(L->A, d.str, d.str_len);
            } else if (d.kind == GT_WORD) {
                owner->def_text = oc_arena_strndup(L->A, d.p, d.len);
            } else {
                gload_err_tok(L, &d, "a default value after '='");
                return false;
            }
            owner->has_default = true;
            continue;
        } else {
            break;
        }
        glex_next(lx);
    }
    if (t->charset && t->kind != GT_STRING) {
        gload_err(L, k.line, k.col, "bad-type", "hex, digits and printable apply to strings only");
        return false;
    }
    if (owner && owner->has_default && (t->kind == GT_INT || t->kind == GT_MASK) &&
        owner->def_text && !(owner->def_text[0] == '-' || (owner->def_text[0] >= '0' && owner->def_text[0] <= '9'))) {
        gload_err(L, k.line, k.col, "bad-default", "the default of a numeric parameter must be a number");
        return false;
    }
    return true;
}

void gload_finish_type_quoting(const struct gram_vendor *v, struct gram_type *t)
{
    if (t->quoting != GQ_DEFAULT)
        return;
    if (t->kind == GT_STRING || t->kind == GT_ENUM || t->kind == GT_ANY)
        t->quoting = v && v->quoting ? v->quoting : GQ_QUOTED;
}

/* ---- signatures ------------------------------------------------------------------ */

/* counts: bit n = n parameters may be given. Sum of two count sets. */
static uint64_t sumset(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i++)
        if (a >> i & 1)
            for (int j = 0; i + j < 64; j++)
                if (b >> j & 1)
                    r |= 1ull << (i + j);
    return r;
}

static bool parse_param(struct gload *L, struct glex *lx, struct gram_form *f, size_t *cap)
{
    struct glex_tok n = glex_next(lx);
    if (n.kind != GT_WORD) {
        gload_err_tok(L, &n, "a parameter name");
        return false;
    }
    if (f->n_params >= GRAM_MAX_PARAMS) {
        gload_err(L, n.line, n.col, "too-many", "more than %d parameters", GRAM_MAX_PARAMS);
        return false;
    }
    char *name = gload_word(L, &n);
    for (uint16_t i = 0; i < f->n_params; i++)
        if (strcmp(f->params[i].name, name) == 0) {
            gload_err(L, n.line, n.col, "duplicate-name", "parameter '%s' is declared twice",
                      name);
            return false;
        }
    if (!gload_expect(L, lx, ":"))
        return false;
    struct gram_param p;
    memset(&p, 0, sizeof p);
    p.name = name;
    p.pos = gload_pos(L, n.line, n.col);
    struct gload_scope sc = {f->params, f->n_params, "parameter"};
    if (!gload_type(L, lx, &p.type, &p, &sc))
        return false;
    gload_finish_type_quoting(L->v, &p.type);
    if (p.type.kind == GT_TEXT || p.type.kind == GT_LIST) {
        gload_err(L, n.line, n.col, "bad-type",
                  "'%s' is a response field type, not a command parameter type",
                  gram_type_kind_name(p.type.kind));
        return false;
    }
    size_t nn = f->n_params;
    *GLOAD_PUSH(L, f->params, nn, *cap) = p;
    f->n_params = (uint16_t)nn;
    return true;
}

/* list := item ( ',' item | group )* ; item := param | group ; group := '[' ','? list ']'.
 * Returns the count set of the list; a group must end its list. depth: the groups open
 * around the list, at most GRAM_MAX_GROUP_NESTING. */
static bool parse_list(struct gload *L, struct glex *lx, struct gram_form *f, size_t *cap,
                       uint64_t *counts, int depth)
{
    uint64_t c = 1; /* {0} */
    bool need_item = true;
    bool group_seen = false;
    struct glex_tok group_tok;
    memset(&group_tok, 0, sizeof group_tok);
    for (;;) {
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "[")) {
            glex_next(lx);
            if (depth >= GRAM_MAX_GROUP_NESTING) {
                gload_err(L, p.line, p.col, "too-deep", "optional groups nest deeper than %d",
                          GRAM_MAX_GROUP_NESTING);
                return false;
            }
            if (group_seen) {
                gload_err(L, p.line, p.col, "bad-signature",
                          "only one optional group per list; nest them: a [, b [, c]]");
                return false;
            }
            struct glex_tok q = glex_peek(lx);
            if (glex_is(&q, ","))
                glex_next(lx);
            uint64_t gc;
            if (!parse_list(L, lx, f, cap, &gc, depth + 1))
                return false;
            if (!gload_expect(L, lx, "]"))
                return false;
            c = c | sumset(c, gc);
            group_seen = true;
            group_tok = p;
            need_item = false;
            continue;
        }
        if (need_item || glex_is(&p, ",")) {
            if (!need_item)
                glex_next(lx); /* the comma */
            if (group_seen) {
                gload_err(L, group_tok.line, group_tok.col, "bad-signature",
                          "an optional group must end its parameter list: parameters after it "
                          "would have no fixed position");
                return false;
            }
            struct glex_tok q = glex_peek(lx);
            if (glex_is(&q, "[")) {
                need_item = false;
                continue;
            }
            if (!parse_param(L, lx, f, cap))
                return false;
            c = sumset(c, 2); /* {1} */
            need_item = false;
            continue;
        }
        break;
    }
    *counts = c;
    return true;
}

bool gload_signature(struct gload *L, struct glex *lx, struct gram_form *f)
{
    size_t cap = 0;
    uint64_t counts;
    struct glex_tok p = glex_peek(lx);
    if (p.kind == GT_EOL || p.kind == GT_EOF) {
        f->counts = 1; /* no parameters */
        return true;
    }
    if (!parse_list(L, lx, f, &cap, &counts, 0))
        return false;
    f->counts = counts;
    return true;
}

/* ---- rules ----------------------------------------------------------------------- */

static bool parse_name_list(struct gload *L, struct glex *lx, const struct gload_scope *scope,
                            uint64_t *mask)
{
    if (!gload_expect(L, lx, "("))
        return false;
    *mask = 0;
    for (;;) {
        struct glex_tok n = glex_next(lx);
        if (n.kind != GT_WORD) {
            gload_err_tok(L, &n, scope ? scope->what : "a name");
            return false;
        }
        char *name = gload_word(L, &n);
        int i = find_param(scope, name);
        if (i < 0) {
            gload_err(L, n.line, n.col, "undefined-name", "no %s named '%s' here",
                      scope ? scope->what : "parameter", name);
            return false;
        }
        *mask |= 1ull << i;
        struct glex_tok p = glex_next(lx);
        if (glex_is(&p, ","))
            continue;
        if (glex_is(&p, ")"))
            return true;
        gload_err_tok(L, &p, "',' or ')'");
        return false;
    }
}

static bool parse_value(struct gload *L, struct glex *lx, struct gram_cond *c)
{
    struct glex_tok v = glex_next(lx);
    if (v.kind == GT_NUM) {
        c->ival = v.num;
        c->is_str = false;
    } else if (v.kind == GT_STR) {
        c->sval = oc_arena_strndup(L->A, v.str, v.str_len);
        c->slen = v.str_len;
        c->is_str = true;
    } else if (v.kind == GT_WORD) {
        c->sval = oc_arena_strndup(L->A, v.p, v.len);
        c->slen = v.len;
        c->is_str = true;
    } else {
        gload_err_tok(L, &v, "a value");
        return false;
    }
    return true;
}

static bool parse_cond(struct gload *L, struct glex *lx, struct gram_cond *c,
                       const struct gload_scope *scope)
{
    memset(c, 0, sizeof *c);
    struct glex_tok n = glex_next(lx);
    if (n.kind != GT_WORD) {
        gload_err_tok(L, &n, "a condition such as type=1, flag&4, present(x) or count=2");
        return false;
    }
    if (glex_is(&n, "present") || glex_is(&n, "absent")) {
        uint64_t m;
        if (!parse_name_list(L, lx, scope, &m))
            return false;
        if (__builtin_popcountll(m) != 1) {
            gload_err(L, n.line, n.col, "bad-rule", "a condition tests one %s at a time",
                      scope->what);
            return false;
        }
        c->kind = glex_is(&n, "present") ? GCOND_PRESENT : GCOND_ABSENT;
        c->field = (int16_t)__builtin_ctzll(m);
        return true;
    }
    if (glex_is(&n, "count")) {
        if (!gload_expect(L, lx, "="))
            return false;
        struct glex_tok v = glex_next(lx);
        if (v.kind != GT_NUM || v.num < 0 || v.num > 63) {
            gload_err_tok(L, &v, "a parameter count");
            return false;
        }
        c->kind = GCOND_COUNT;
        c->ival = v.num;
        return true;
    }
    char *name = gload_word(L, &n);
    int i = find_param(scope, name);
    if (i < 0) {
        gload_err(L, n.line, n.col, "undefined-name", "no %s named '%s' here",
                  scope ? scope->what : "parameter", name);
        return false;
    }
    c->field = (int16_t)i;
    struct glex_tok op = glex_next(lx);
    if (glex_is(&op, "="))
        c->kind = GCOND_EQ;
    else if (glex_is(&op, "!="))
        c->kind = GCOND_NE;
    else if (glex_is(&op, "&"))
        c->kind = GCOND_BIT;
    else {
        gload_err_tok(L, &op, "'=', '!=' or '&'");
        return false;
    }
    if (!parse_value(L, lx, c))
        return false;
    const struct gram_type *t = &scope->params[i].type;
    bool numeric = t->kind == GT_INT || t->kind == GT_MASK;
    if (c->kind == GCOND_BIT && (!numeric || c->is_str)) {
        gload_err(L, op.line, op.col, "bad-rule", "'&' tests bits of a numeric %s", scope->what);
        return false;
    }
    if (numeric && c->is_str) {
        gload_err(L, op.line, op.col, "bad-rule", "%s '%s' is numeric: compare it with a number",
                  scope->what, name);
        return false;
    }
    if ((t->kind == GT_STRING || t->kind == GT_ENUM) && !c->is_str) {
        gload_err(L, op.line, op.col, "bad-rule",
                  "%s '%s' is a string: compare it with a quoted string", scope->what, name);
        return false;
    }
    return true;
}

bool gload_rule(struct gload *L, struct glex *lx, struct gram_rule *r,
                const struct gload_scope *scope, uint32_t line, uint32_t col)
{
    memset(r, 0, sizeof *r);
    r->pos = gload_pos(L, line, col);
    const char *start = lx->cur;
    struct glex_tok p = glex_peek(lx);
    if (p.kind != GT_EOL)
        start = p.p;
    if (!glex_is(&p, "->")) {
        for (;;) {
            if (r->n_conds >= GRAM_MAX_CONDS) {
                gload_err(L, line, col, "too-many", "at most %d conditions", GRAM_MAX_CONDS);
                return false;
            }
            if (!parse_cond(L, lx, &r->conds[r->n_conds++], scope))
                return false;
            p = glex_peek(lx);
            if (glex_is(&p, "and")) {
                glex_next(lx);
                continue;
            }
            break;
        }
    }
    if (!gload_expect(L, lx, "->"))
        return false;
    for (;;) {
        if (r->n_cons >= GRAM_MAX_CONS) {
            gload_err(L, line, col, "too-many", "at most %d consequences", GRAM_MAX_CONS);
            return false;
        }
        struct gram_cons *c = &r->cons[r->n_cons];
        memset(c, 0, sizeof *c);
        struct glex_tok k = glex_next(lx);
        if (glex_is(&k, "present") || glex_is(&k, "absent")) {
            c->kind = glex_is(&k, "present") ? GCONS_PRESENT : GCONS_ABSENT;
            if (!parse_name_list(L, lx, scope, &c->fields))
                return false;
        } else if (glex_is(&k, "state")) {
            c->kind = GCONS_STATE;
            if (!gload_expect(L, lx, "("))
                return false;
            /* State names are resolved once the machine is known: keep them as written. */
            struct gload_names states = {NULL, 0, 0};
            for (;;) {
                struct glex_tok s = glex_next(lx);
                if (s.kind != GT_WORD) {
                    gload_err_tok(L, &s, "a state name");
                    return false;
                }
                gload_names_add(L, &states, s.p, s.len);
                struct glex_tok q = glex_next(lx);
                if (glex_is(&q, ","))
                    continue;
                if (glex_is(&q, ")"))
                    break;
                gload_err_tok(L, &q, "',' or ')'");
                return false;
            }
            c->state_names = gload_names_text(&states); /* resolved with the machine */
        } else if (k.kind == GT_WORD) {
            char *name = gload_word(L, &k);
            int i = find_param(scope, name);
            if (i < 0) {
                gload_err(L, k.line, k.col, "undefined-name", "no %s named '%s' here",
                          scope ? scope->what : "parameter", name);
                return false;
            }
            if (!gload_expect(L, lx, ":"))
                return false;
            c->kind = GCONS_TYPE;
            c->field = (int16_t)i;
            if (!gload_type(L, lx, &c->type, NULL, scope))
                return false;
            gload_finish_type_quoting(L->v, &c->type);
        } else {
            gload_err_tok(L, &k, "present(...), absent(...), state(...) or name:type");
            return false;
        }
        r->n_cons++;
        p = glex_peek(lx);
        if (glex_is(&p, ",")) {
            glex_next(lx);
            continue;
        }
        break;
    }
    const char *end = lx->cur;
    p = glex_peek(lx);
    if (p.kind == GT_STR) {
        glex_next(lx);
        r->message = oc_arena_strndup(L->A, p.str, p.str_len);
        end = p.p;
        p = glex_peek(lx);
    }
    if (glex_is(&p, "when")) {
        if (!r->message)
            end = p.p;
        glex_next(lx);
        if (!gload_guard(L, lx, &r->guard))
            return false;
        p = glex_peek(lx);
    }
    bool bad = false;
    if (gload_src_clause(L, lx, &r->src, &bad))
        p = glex_peek(lx);
    if (bad)
        return false;
    if (p.kind != GT_EOL && p.kind != GT_EOF) {
        glex_next(lx);
        gload_err_tok(L, &p, "a quoted message, 'when', source/standard/inferred \"...\", or the end of the line");
        return false;
    } else if (0) {
        glex_next(lx);
        gload_err_tok(L, &p, "a quoted message or the end of the line");
        return false;
    } else {
        end = p.p;
    }
    while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    r->text = oc_arena_strndup(L->A, start, (size_t)(end - start));
    return true;
}
