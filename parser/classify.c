/* parser/classify.c — see classify.h. */
#include "parser/classify.h"

#include <string.h>

#include "parser/bytes.h"

const char *at_class_name(enum at_class c)
{
    switch (c) {
    case AT_CLS_UNKNOWN: return "unknown";
    case AT_CLS_ECHO: return "echo";
    case AT_CLS_FINAL: return "final";
    case AT_CLS_INFO: return "info";
    case AT_CLS_URC: return "urc";
    case AT_CLS_PROMPT: return "prompt";
    case AT_CLS_PAYLOAD: return "payload";
    case AT_CLS_GARBAGE: return "garbage";
    case AT_CLS_OVERFLOW: return "overflow";
    case AT_CLS_FOREIGN: return "foreign";
    }
    return "?";
}

bool at_urc_shaped(const uint8_t *s, size_t n)
{
    if (n < 2 || n > 512 || ((s[0] | 0x20) == 'a' && (s[1] | 0x20) == 't'))
        return false;
    bool letter1 = (s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= 'a' && s[1] <= 'z');
    if (strchr("+^*#$%", s[0]) && s[0] && letter1) {
        for (size_t i = 2; i < n; i++)
            if (s[i] < 0x20 || s[i] > 0x7e)
                return false;
        return true;
    }
    if (!(s[0] >= 'A' && s[0] <= 'Z'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == ' ' || s[i] == '_'))
            return false;
    return s[n - 1] != ' ';
}

/* The best candidate seen so far. */
struct pick {
    uint32_t eff; /* where the line stopped fitting, counted by words */
    bool lit;     /* it stopped at a literal */
    const struct gram_line *line;
    uint8_t slot;
    struct at_verror err;
    struct at_value fields[GRAM_MAX_PARAMS];
    bool set;
};

struct cands {
    struct pick full_final, full_info, full_urc, full_text_info;
    struct pick partial;      /* furthest failure among lines whose leading text matched */
    struct pick partial_info; /* the same among the command's own response lines */
};

static bool is_word_byte(uint8_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static void try_line(const struct at_index *ix, uint8_t slot, const struct gram_line *l,
                     const uint8_t *s, size_t n, struct cands *cs, bool *lead_ok)
{
    const struct at_line_ctx *lc = &ix->slots[slot].lc;
    if (!at_match_lead(&l->tpl, lc, s, n))
        return;
    *lead_ok = true;
    struct pick *full;
    if (l->kind == GL_FINAL)
        full = &cs->full_final;
    else if (l->kind == GL_URC)
        full = &cs->full_urc;
    else if (l->tpl.n_lead == 0)
        full = &cs->full_text_info;
    else
        full = &cs->full_info;
    if (full->set)
        return;
    struct at_value fields[GRAM_MAX_PARAMS];
    struct at_verror e;
    if (at_match_line(l, lc, s, n, fields, &e)) {
        full->set = true;
        full->line = l;
        full->slot = slot;
        memcpy(full->fields, fields, sizeof fields[0] * l->tpl.n_fields);
        return;
    }
    /* a free-text info line never counts as a malformed candidate */
    if (l->kind == GL_INFO && l->tpl.n_lead == 0)
        return;
    struct pick *part = l->kind == GL_INFO ? &cs->partial_info : &cs->partial;
    /* A literal that stopped in the middle of a word ("+CSCFOTA: 3" against "...: 300") did
     * not match that word: count its failure from the word's start. On a tie, a failure
     * inside a field says more than a literal that did not fit. */
    uint32_t eff = e.off;
    if ((e.code == AT_E_TRAILING || e.code == AT_E_LITERAL) && eff > 0 && eff < n) {
        while (eff > 0 && is_word_byte(s[eff - 1]) && is_word_byte(s[eff]))
            eff--;
    }
    bool lit = e.code == AT_E_TRAILING || e.code == AT_E_LITERAL;
    if (!part->set || eff > part->eff || (eff == part->eff && !lit && part->lit)) {
        part->eff = eff;
        part->lit = lit;
        part->set = true;
        part->line = l;
        part->slot = slot;
        part->err = e;
        memcpy(part->fields, fields, sizeof fields[0] * l->tpl.n_fields);
    }
}

static void set_result(struct at_result *r, const struct pick *p, enum at_class cls, bool valid)
{
    r->cls = cls;
    r->valid = valid;
    r->line = p->line;
    r->slot = p->slot;
    r->n_fields = p->line->tpl.n_fields;
    memcpy(r->fields, p->fields, sizeof r->fields[0] * r->n_fields);
    if (!valid)
        r->err = p->err;
}

static enum at_class class_of(const struct gram_line *l)
{
    return l->kind == GL_FINAL ? AT_CLS_FINAL : l->kind == GL_URC ? AT_CLS_URC : AT_CLS_INFO;
}

/* Matches l straight into r; true on a full match. *lead_ok tells whether its leading text
 * matched at all. */
static bool try_full(const struct at_index *ix, uint8_t slot, const struct gram_line *l,
                     const uint8_t *s, size_t n, struct at_result *r, bool *lead_ok);

/* A bucket candidate: the "KEY:" of the line is known to match (it is the bucket's key);
 * after is where the line goes on past the colon and its space, if any. */
static bool try_cand(const struct at_index *ix, const struct at_ix_cand *c, const uint8_t *s,
                     size_t n, size_t after, struct at_result *r, bool *lead_ok)
{
    const struct gram_line *el = c->line;
    if (el->tpl.exact && el->n_rules == 0 && el->tpl.key_len == n && el->tpl.lead_len == n) {
        /* "OK", "RDY": the line is the bucket's key, and the key is this whole line */
        *lead_ok = true;
        r->cls = class_of(el);
        r->valid = true;
        r->line = el;
        r->slot = c->slot;
        r->n_fields = 0;
        r->err.code = AT_OK;
        return true;
    }
    if (c->tail) {
        if (after + c->tail_len > n || !at_bytes_eq(s + after, c->tail, c->tail_len))
            return false; /* not this line: its text after the colon differs */
        *lead_ok = true;
        const struct gram_line *l = c->line;
        size_t colon = l->tpl.ops[0].a; /* "KEY:" matched: resume at the colon space */
        if (!at_match_line_from(l, &ix->slots[c->slot].lc, s, n, 1, colon, r->fields, &r->err))
            return false;
        r->cls = class_of(l);
        r->valid = true;
        r->line = l;
        r->slot = c->slot;
        r->n_fields = l->tpl.n_fields;
        r->err.code = AT_OK;
        return true;
    }
    return try_full(ix, c->slot, c->line, s, n, r, lead_ok);
}

static bool try_full(const struct at_index *ix, uint8_t slot, const struct gram_line *l,
                     const uint8_t *s, size_t n, struct at_result *r, bool *lead_ok)
{
    const struct at_line_ctx *lc = &ix->slots[slot].lc;
    if (l->tpl.exact) {
        /* "OK", "GTOTA DOWNLOAD START": the line is the text, or it is not this line */
        if (n != l->tpl.lead_len || !at_bytes_eq(s, l->tpl.lits, n)) {
            if (n >= l->tpl.lead_len && at_bytes_eq(s, l->tpl.lits, l->tpl.lead_len))
                *lead_ok = true; /* "OK x": this line's text, then something more */
            return false;
        }
        *lead_ok = true;
        if (l->n_rules == 0) {
            r->cls = class_of(l);
            r->valid = true;
            r->line = l;
            r->slot = slot;
            r->n_fields = 0;
            r->err.code = AT_OK;
            return true;
        }
    }
    uint16_t op;
    size_t pos;
    if (!at_match_lead_at(&l->tpl, lc, s, n, &op, &pos))
        return false;
    *lead_ok = true;
    if (!at_match_line_from(l, lc, s, n, op, pos, r->fields, &r->err))
        return false;
    r->cls = class_of(l);
    r->valid = true;
    r->line = l;
    r->slot = slot;
    r->n_fields = l->tpl.n_fields;
    r->err.code = AT_OK;
    return true;
}

/* The valid reading of a line, in precedence order: finals, the command's own response
 * lines, URCs, fallback URCs, lines found by scanning, free-text responses. The grammar's
 * lint makes sure no two lines of one kind read the same line, so the first full match is
 * the reading. */
static bool first_match(const struct at_index *ix, const struct at_inflight *fl,
                        const struct at_ix_bucket *b, const uint8_t *s, size_t n,
                        struct at_result *r)
{
    bool lead_ok = false, dummy = false;
    uint32_t end = b ? b->first + b->n : 0;
    /* past "KEY:" and one space */
    size_t after = b ? (size_t)b->key_len + 1 : 0;
    if (after < n && s[after] == ' ')
        after++;
    if (b)
        for (uint32_t i = b->first; i < end && !ix->cands[i].fallback; i++)
            if (ix->cands[i].kind == GL_FINAL && try_cand(ix, &ix->cands[i], s, n, after, r, &lead_ok))
                return true;
    const struct gram_form *f = fl ? fl->form : NULL;
    if (f) {
        const struct gram_dialect *d = &ix->slots[fl->slot].d;
        bool info_lead = false;
        for (uint16_t i = 0; i < f->n_infos; i++) {
            const struct gram_line *l = &f->infos[i];
            if (l->tpl.n_lead == 0 || !gram_guard_ok(d, l->guard))
                continue;
            if (try_full(ix, fl->slot, l, s, n, r, &info_lead))
                return true;
        }
        if (info_lead)
            return false; /* the command's own prefix: its line, though broken */
    }
    if (b) {
        uint32_t i = b->first;
        for (; i < end && !ix->cands[i].fallback; i++)
            if (ix->cands[i].kind != GL_FINAL && try_cand(ix, &ix->cands[i], s, n, after, r, &lead_ok))
                return true;
        if (!lead_ok)
            for (; i < end; i++)
                if (try_cand(ix, &ix->cands[i], s, n, after, r, &dummy))
                    return true;
    }
    if (!lead_ok)
        for (uint32_t i = 0; i < ix->n_scan; i++)
            if (try_full(ix, ix->scan[i].slot, ix->scan[i].line, s, n, r, &lead_ok))
                return true;
    if (f && !lead_ok) {
        const struct gram_dialect *d = &ix->slots[fl->slot].d;
        for (uint16_t i = 0; i < f->n_infos; i++) {
            const struct gram_line *l = &f->infos[i];
            if (l->tpl.n_lead == 0 && gram_guard_ok(d, l->guard) &&
                try_full(ix, fl->slot, l, s, n, r, &dummy))
                return true;
        }
    }
    return false;
}

/* No valid reading: the line that got furthest before breaking, to say what is wrong. */
static void best_failure(const struct at_index *ix, const struct at_inflight *fl,
                         const struct at_ix_bucket *b, const uint8_t *s, size_t n,
                         struct at_result *r)
{
    struct cands cs;
    cs.full_final.set = cs.full_info.set = cs.full_urc.set = cs.full_text_info.set = false;
    cs.partial.set = cs.partial_info.set = false;
    bool lead_ok = false;
    if (b) {
        uint32_t end = b->first + b->n;
        uint32_t i = b->first;
        for (; i < end && !ix->cands[i].fallback; i++)
            try_line(ix, ix->cands[i].slot, ix->cands[i].line, s, n, &cs, &lead_ok);
        if (!lead_ok)
            for (; i < end; i++)
                try_line(ix, ix->cands[i].slot, ix->cands[i].line, s, n, &cs, &lead_ok);
    }
    if (!lead_ok)
        for (uint32_t i = 0; i < ix->n_scan; i++)
            try_line(ix, ix->scan[i].slot, ix->scan[i].line, s, n, &cs, &lead_ok);
    if (fl && fl->form) {
        const struct gram_form *f = fl->form;
        const struct gram_dialect *d = &ix->slots[fl->slot].d;
        for (uint16_t i = 0; i < f->n_infos; i++)
            if (gram_guard_ok(d, f->infos[i].guard))
                try_line(ix, fl->slot, &f->infos[i], s, n, &cs, &lead_ok);
    }
    if (cs.partial_info.set)
        set_result(r, &cs.partial_info, AT_CLS_INFO, false);
    else if (cs.partial.set)
        set_result(r, &cs.partial, class_of(cs.partial.line), false);
    else if (at_urc_shaped(s, n)) {
        r->cls = AT_CLS_FOREIGN;
        r->valid = true; /* nothing wrong with it that the grammar could say */
    } else {
        r->cls = AT_CLS_UNKNOWN;
        r->err.code = AT_E_NO_MATCH;
        r->err.off = 0;
    }
}

void at_classify_line(const struct at_index *ix, const struct at_inflight *fl,
                      const uint8_t *s, size_t n, struct at_result *r)
{
    r->cls = AT_CLS_UNKNOWN;
    r->valid = false;
    r->line = NULL;
    r->n_fields = 0;
    r->payload_len = 0;
    r->payload_enc = GPE_NONE;
    r->err.code = AT_OK;

    if (fl && fl->echo_pending && fl->echo && n == fl->echo_len && memcmp(s, fl->echo, n) == 0) {
        r->cls = AT_CLS_ECHO;
        r->valid = true;
        return;
    }
    /* blanks before the line's end, where the dialect allows them (field practice) */
    while (ix->trim_blanks && n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (fl && fl->echo_pending && fl->echo && n == fl->echo_len && memcmp(s, fl->echo, n) == 0) {
        r->cls = AT_CLS_ECHO;
        r->valid = true;
        return;
    }
    /* the key: the text before the first ':' (keys are short: look no further than the
     * longest one) */
    size_t lim = n < (size_t)ix->max_key + 1 ? n : (size_t)ix->max_key + 1;
    size_t klen;
    if (lim <= 16) {
        klen = 0;
        while (klen < lim && s[klen] != ':')
            klen++;
        if (klen == lim)
            klen = n;
    } else {
        const uint8_t *colon = memchr(s, ':', lim);
        klen = colon ? (size_t)(colon - s) : n;
    }
    const struct at_ix_bucket *b = at_index_bucket(ix, s, klen);
    if (!first_match(ix, fl, b, s, n, r)) {
        best_failure(ix, fl, b, s, n, r);
        return;
    }
    const struct gram_line *l = r->line;
    if (l->payload_field >= 0) {
        const struct at_value *v = &r->fields[l->payload_field];
        if (v->kind != AT_V_ABSENT && v->is_int && v->i > 0) {
            uint8_t enc = l->payload_enc;
            if (l->payload_enc_knob) {
                const struct gram_knob *k = &ix->slots[r->slot].v->knobs[l->payload_enc_knob - 1];
                int hx = gram_knob_choice(k, "hex");
                uint16_t act = ix->slots[r->slot].d.active[l->payload_enc_knob];
                enc = (hx >= 0 && (act >> hx & 1) && !(act & ~(1u << hx))) ? GPE_HEX : GPE_RAW;
            }
            r->payload_enc = enc;
            r->payload_len = enc == GPE_HEX ? (uint64_t)v->i * 2 : (uint64_t)v->i;
        }
    }
}

void at_classify(const struct at_index *ix, const struct at_inflight *fl,
                 const struct at_token *tok, struct at_result *r)
{
    switch (tok->kind) {
    case AT_TOK_LINE:
        at_classify_line(ix, fl, tok->data, tok->len, r);
        return;
    case AT_TOK_PROMPT: r->cls = AT_CLS_PROMPT; break;
    case AT_TOK_PAYLOAD: r->cls = AT_CLS_PAYLOAD; break;
    case AT_TOK_OVERFLOW: r->cls = AT_CLS_OVERFLOW; break;
    case AT_TOK_GARBAGE: r->cls = AT_CLS_GARBAGE; break;
    }
    r->valid = tok->kind == AT_TOK_PROMPT || tok->kind == AT_TOK_PAYLOAD;
    r->line = NULL;
    r->n_fields = 0;
    r->payload_len = 0;
    r->err.code = AT_OK;
}
