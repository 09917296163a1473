/* grammar/flow.c — the event language of a flow ("start progress* (complete | failed)"):
 * parsed into a small tree, then turned into a Glushkov automaton. The automaton has one
 * position per atom occurrence and no empty moves, so the set of live positions fits in a
 * 64-bit word and one event costs a few AND/OR operations at run time. */
#include "grammar/load_internal.h"

#include <string.h>

static struct gflow_node *node(struct gload *L, enum gflow_node_kind k, struct gram_pos pos)
{
    struct gflow_node *n = OC_ARENA_NEW(L->A, struct gflow_node);
    n->kind = k;
    n->pos = pos;
    return n;
}

static struct gflow_node *parse_alt(struct gload *L, struct glex *lx);

static struct gflow_node *parse_prim(struct gload *L, struct glex *lx)
{
    struct glex_tok t = glex_next(lx);
    if (glex_is(&t, "(")) {
        struct gflow_node *n = parse_alt(L, lx);
        if (!n)
            return NULL;
        if (!gload_expect(L, lx, ")"))
            return NULL;
        return n;
    }
    if (t.kind == GT_WORD && t.p[0] != '+') {
        struct gflow_node *n = node(L, GFN_ATOM, gload_pos(L, t.line, t.col));
        n->name = gload_word(L, &t);
        return n;
    }
    gload_err_tok(L, &t, "a URC name, 'reboot' or '('");
    return NULL;
}

static struct gflow_node *parse_post(struct gload *L, struct glex *lx)
{
    struct gflow_node *n = parse_prim(L, lx);
    if (!n)
        return NULL;
    for (;;) {
        struct glex_tok t = glex_peek(lx);
        enum gflow_node_kind k;
        if (glex_is(&t, "*"))
            k = GFN_STAR;
        else if (glex_is(&t, "+"))
            k = GFN_PLUS;
        else if (glex_is(&t, "?"))
            k = GFN_OPT;
        else
            return n;
        glex_next(lx);
        struct gflow_node *m = node(L, k, n->pos);
        m->a = n;
        n = m;
    }
}

static bool starts_prim(const struct glex_tok *t)
{
    return glex_is(t, "(") || (t->kind == GT_WORD && t->p[0] != '+' && !glex_is(t, "when"));
}

static struct gflow_node *parse_seq(struct gload *L, struct glex *lx)
{
    struct gflow_node *n = parse_post(L, lx);
    if (!n)
        return NULL;
    for (;;) {
        struct glex_tok t = glex_peek(lx);
        if (!starts_prim(&t))
            return n;
        struct gflow_node *m = parse_post(L, lx);
        if (!m)
            return NULL;
        struct gflow_node *s = node(L, GFN_SEQ, n->pos);
        s->a = n;
        s->b = m;
        n = s;
    }
}

static struct gflow_node *parse_alt(struct gload *L, struct glex *lx)
{
    struct gflow_node *n = parse_seq(L, lx);
    if (!n)
        return NULL;
    for (;;) {
        struct glex_tok t = glex_peek(lx);
        if (!glex_is(&t, "|"))
            return n;
        glex_next(lx);
        struct gflow_node *m = parse_seq(L, lx);
        if (!m)
            return NULL;
        struct gflow_node *s = node(L, GFN_ALT, n->pos);
        s->a = n;
        s->b = m;
        n = s;
    }
}

struct gflow_node *gload_flow_expr(struct gload *L, struct glex *lx)
{
    struct gflow_node *n = parse_alt(L, lx);
    if (!n)
        return NULL;
    struct glex_tok t = glex_peek(lx);
    if (glex_is(&t, "when")) {
        glex_next(lx);
        if (!gload_guard(L, lx, &n->guard))
            return NULL;
        t = glex_peek(lx);
    }
    if (t.kind != GT_EOL && t.kind != GT_EOF) {
        glex_next(lx);
        gload_err_tok(L, &t, "an operator (| * + ?), a name, 'when', or the end of the line");
        return NULL;
    }
    return n;
}

/* ---- Glushkov construction --------------------------------------------------------- */

struct gl_info {
    bool nullable;
    uint64_t first, last;
};

struct gl_build {
    struct gload *L;
    struct gram_flow *f;
    bool ok;
};

static int atom_index(struct gl_build *b, struct gflow_node *n)
{
    struct gram_flow *f = b->f;
    for (uint16_t i = 0; i < f->n_atoms; i++)
        if (strcmp(f->atoms[i].name, n->name) == 0)
            return i;
    struct gram_atom a;
    memset(&a, 0, sizeof a);
    a.name = n->name;
    if (strcmp(n->name, "reboot") == 0) {
        a.kind = GA_REBOOT;
    } else {
        a.kind = GA_URC;
        a.urc = gram_vendor_urc(b->L->v, n->name);
        if (!a.urc) {
            gload_err(b->L, n->pos.line, n->pos.col, "undefined-name",
                      "flow '%s' refers to an unknown URC '%s'", f->name, n->name);
            b->ok = false;
        }
    }
    size_t na = f->n_atoms, cap = na;
    *GLOAD_PUSH(b->L, f->atoms, na, cap) = a;
    f->n_atoms = (uint16_t)na;
    return (int)na - 1;
}

static struct gl_info walk(struct gl_build *b, struct gflow_node *n, struct gram_guard g)
{
    struct gl_info r = {false, 0, 0};
    struct gram_flow *f = b->f;
    if (n->guard.knob)
        g = n->guard;
    switch (n->kind) {
    case GFN_ATOM: {
        if (f->n_pos >= GRAM_MAX_FLOW_POS) {
            if (b->ok)
                gload_err(b->L, n->pos.line, n->pos.col, "too-many",
                          "flow '%s' has more than %d event occurrences", f->name,
                          GRAM_MAX_FLOW_POS);
            b->ok = false;
            return r;
        }
        int p = ++f->n_pos;
        f->pos_atom[p] = (uint16_t)atom_index(b, n);
        f->pos_guard[p] = g;
        r.first = r.last = 1ull << p;
        return r;
    }
    case GFN_SEQ: {
        struct gl_info x = walk(b, n->a, g), y = walk(b, n->b, g);
        for (int p = 0; p <= GRAM_MAX_FLOW_POS; p++)
            if (x.last >> p & 1)
                f->follow[p] |= y.first;
        r.nullable = x.nullable && y.nullable;
        r.first = x.first | (x.nullable ? y.first : 0);
        r.last = y.last | (y.nullable ? x.last : 0);
        return r;
    }
    case GFN_ALT: {
        struct gl_info x = walk(b, n->a, g), y = walk(b, n->b, g);
        r.nullable = x.nullable || y.nullable;
        r.first = x.first | y.first;
        r.last = x.last | y.last;
        return r;
    }
    case GFN_STAR:
    case GFN_PLUS:
    case GFN_OPT: {
        struct gl_info x = walk(b, n->a, g);
        if (n->kind != GFN_OPT)
            for (int p = 0; p <= GRAM_MAX_FLOW_POS; p++)
                if (x.last >> p & 1)
                    f->follow[p] |= x.first;
        r = x;
        r.nullable = n->kind == GFN_PLUS ? x.nullable : true;
        return r;
    }
    }
    return r;
}

bool gload_flow_build(struct gload *L, struct gram_flow *f, struct gflow_node *expr)
{
    struct gl_build b = {L, f, true};
    f->n_pos = 0;
    memset(f->follow, 0, sizeof f->follow);
    struct gram_guard none = {0, 0};
    struct gl_info r = walk(&b, expr, none);
    f->follow[0] = r.first;
    /* a flow that accepts no events at all: the command that starts it promises none (the
     * suite waits its settle time for a first one, and does not require it) */
    f->accept = r.last | (r.nullable ? 1ull : 0);
    return b.ok;
}
