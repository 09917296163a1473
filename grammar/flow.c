/* grammar/flow.c — the event language of a flow ("start progress* (complete | failed)"):
 * parsed into a small tree, then turned into a Glushkov automaton. The automaton has one
 * position per atom occurrence and no empty moves, so the set of live positions fits in a
 * 64-bit word and one event costs a few AND/OR operations at run time. The parser bounds
 * what the recursion on both sides can meet: parentheses nest at most GRAM_MAX_FLOW_NESTING
 * deep, a flow has at most GRAM_MAX_FLOW_POS event occurrences, and runs of * + ? fold into
 * one node, so the tree is a few hundred nodes deep at worst. */
#include "grammar/load_internal.h"

#include <string.h>

static struct gflow_node *node(struct gload *L, enum gflow_node_kind k, struct gram_pos pos)
{
    struct gflow_node *n = OC_ARENA_NEW(L->A, struct gflow_node);
    n->kind = k;
    n->pos = pos;
    return n;
}

/* The state of the recursive-descent parser of one '=' line. */
struct flow_parse {
    struct gload *L;
    struct glex *lx;
    const char *flow;     /* the flow's name, for errors */
    unsigned *n_atoms;    /* event occurrences of the flow so far, all its '=' lines */
    int depth;            /* parentheses open around the current token */
};

static struct gflow_node *parse_alt(struct flow_parse *P);

/* One more event occurrence: its automaton has a position per occurrence, at most
 * GRAM_MAX_FLOW_POS. Bounding them here also bounds the tree the construction walks. */
static bool count_atom(struct flow_parse *P, const struct glex_tok *t)
{
    unsigned n = ++*P->n_atoms;
    if (n <= GRAM_MAX_FLOW_POS)
        return true;
    if (n == GRAM_MAX_FLOW_POS + 1) /* once per flow: later lines fail quietly */
        gload_err(P->L, t->line, t->col, "too-many", "flow '%s' has more than %d event occurrences",
                  P->flow, GRAM_MAX_FLOW_POS);
    return false;
}

static struct gflow_node *parse_group(struct flow_parse *P, const struct glex_tok *open)
{
    if (P->depth >= GRAM_MAX_FLOW_NESTING) {
        gload_err(P->L, open->line, open->col, "too-deep", "flow nesting deeper than %d",
                  GRAM_MAX_FLOW_NESTING);
        return NULL;
    }
    P->depth++;
    struct gflow_node *n = parse_alt(P);
    P->depth--;
    if (!n || !gload_expect(P->L, P->lx, ")"))
        return NULL;
    return n;
}

static struct gflow_node *parse_prim(struct flow_parse *P)
{
    struct glex_tok t = glex_next(P->lx);
    if (glex_is(&t, "("))
        return parse_group(P, &t);
    if (t.kind == GT_WORD && t.p[0] != '+') {
        if (!count_atom(P, &t))
            return NULL;
        struct gflow_node *n = node(P->L, GFN_ATOM, gload_pos(P->L, t.line, t.col));
        n->name = gload_word(P->L, &t);
        return n;
    }
    gload_err_tok(P->L, &t, "a URC name, 'reboot' or '('");
    return NULL;
}

static bool is_repeat(enum gflow_node_kind k)
{
    return k == GFN_STAR || k == GFN_PLUS || k == GFN_OPT;
}

static struct gflow_node *parse_post(struct flow_parse *P)
{
    struct gflow_node *n = parse_prim(P);
    if (!n)
        return NULL;
    for (;;) {
        struct glex_tok t = glex_peek(P->lx);
        enum gflow_node_kind k;
        if (glex_is(&t, "*"))
            k = GFN_STAR;
        else if (glex_is(&t, "+"))
            k = GFN_PLUS;
        else if (glex_is(&t, "?"))
            k = GFN_OPT;
        else
            return n;
        glex_next(P->lx);
        if (is_repeat(n->kind)) {
            /* x** = x*, x++ = x+, x?? = x?, and any other two make x*: folded into one
             * node, so that a run of operators adds no depth to the tree */
            if (n->kind != k)
                n->kind = GFN_STAR;
            continue;
        }
        struct gflow_node *m = node(P->L, k, n->pos);
        m->a = n;
        n = m;
    }
}

static bool starts_prim(const struct glex_tok *t)
{
    return glex_is(t, "(") || (t->kind == GT_WORD && t->p[0] != '+' && !glex_is(t, "when"));
}

static struct gflow_node *parse_seq(struct flow_parse *P)
{
    struct gflow_node *n = parse_post(P);
    if (!n)
        return NULL;
    for (;;) {
        struct glex_tok t = glex_peek(P->lx);
        if (!starts_prim(&t))
            return n;
        struct gflow_node *m = parse_post(P);
        if (!m)
            return NULL;
        struct gflow_node *s = node(P->L, GFN_SEQ, n->pos);
        s->a = n;
        s->b = m;
        n = s;
    }
}

static struct gflow_node *parse_alt(struct flow_parse *P)
{
    struct gflow_node *n = parse_seq(P);
    if (!n)
        return NULL;
    for (;;) {
        struct glex_tok t = glex_peek(P->lx);
        if (!glex_is(&t, "|"))
            return n;
        glex_next(P->lx);
        struct gflow_node *m = parse_seq(P);
        if (!m)
            return NULL;
        struct gflow_node *s = node(P->L, GFN_ALT, n->pos);
        s->a = n;
        s->b = m;
        n = s;
    }
}

struct gflow_node *gload_flow_expr(struct gload *L, struct glex *lx, const char *flow,
                                   unsigned *n_atoms)
{
    struct flow_parse P = {L, lx, flow, n_atoms, 0};
    struct gflow_node *n = parse_alt(&P);
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
