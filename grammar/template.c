/* grammar/template.c — compiles the template of a response line, URC or final result
 * ("GTOTA DOWNLOADING: <percent:int{0..100}>%") into the small op list that the parser's
 * line matcher runs. See grammar/README.md, "Templates". */
#include "grammar/load_internal.h"

#include <string.h>

struct tpl_build {
    struct gram_tpl_op *ops;
    size_t n_ops, cap_ops;
    char *lits;
    size_t n_lits, cap_lits;
    struct gram_param *fields;
    size_t n_fields, cap_fields;
    size_t lit_start; /* start of the literal being collected */
};

static void lit_byte(struct gload *L, struct tpl_build *b, char c)
{
    *GLOAD_PUSH(L, b->lits, b->n_lits, b->cap_lits) = c;
}

static void flush_lit(struct gload *L, struct tpl_build *b)
{
    if (b->n_lits > b->lit_start) {
        struct gram_tpl_op *op = GLOAD_PUSH(L, b->ops, b->n_ops, b->cap_ops);
        op->kind = TPL_LIT;
        op->a = (uint16_t)(b->n_lits - b->lit_start);
        op->b = (uint32_t)b->lit_start;
    }
    b->lit_start = b->n_lits;
}

static struct gram_tpl_op *push_op(struct gload *L, struct tpl_build *b, uint8_t kind)
{
    flush_lit(L, b);
    struct gram_tpl_op *op = GLOAD_PUSH(L, b->ops, b->n_ops, b->cap_ops);
    memset(op, 0, sizeof *op);
    op->kind = kind;
    return op;
}

static bool parse_field(struct gload *L, struct tpl_build *b, const char *s, size_t n,
                        uint32_t line, uint32_t col, const struct gload_scope *form_scope)
{
    if (b->n_fields >= GRAM_MAX_PARAMS) {
        gload_err(L, line, col, "too-many", "more than %d fields in one line", GRAM_MAX_PARAMS);
        return false;
    }
    struct glex lx;
    glex_init_at(&lx, L->file, s, n, line, col);
    struct gram_param f;
    memset(&f, 0, sizeof f);
    f.pos = gload_pos(L, line, col);
    bool ok = false;
    struct glex_tok t = glex_next(&lx);
    if (t.kind == GT_WORD) {
        f.name = gload_word(L, &t);
        t = glex_next(&lx);
    } else if (glex_is(&t, ":")) {
        f.name = "";
    } else {
        gload_err_tok(L, &t, "a field name, as in <percent:int{0..100}>");
        goto out;
    }
    if (f.name[0])
        for (size_t i = 0; i < b->n_fields; i++)
            if (strcmp(b->fields[i].name, f.name) == 0) {
                gload_err(L, line, col, "duplicate-name", "field '%s' appears twice in this line",
                          f.name);
                goto out;
            }
    if (glex_is(&t, ":")) {
        if (!gload_type(L, &lx, &f.type, &f, form_scope))
            goto out;
        struct glex_tok e = glex_next(&lx);
        if (e.kind != GT_EOL && e.kind != GT_EOF) {
            gload_err_tok(L, &e, "'>' after the field's type");
            goto out;
        }
    } else if (t.kind == GT_EOL || t.kind == GT_EOF) {
        /* <name>: the type of the form's parameter of that name */
        int pi = -1;
        if (form_scope)
            for (uint16_t i = 0; i < form_scope->n_params; i++)
                if (strcmp(form_scope->params[i].name, f.name) == 0)
                    pi = i;
        if (pi < 0) {
            gload_err(L, line, col, "undefined-name",
                      "field <%s> has no type and no parameter of this command is called '%s': "
                      "write <%s:type>, or declare the write form that has '%s' first",
                      f.name, f.name, f.name, f.name);
            goto out;
        }
        f.type = form_scope->params[pi].type;
        f.secret = form_scope->params[pi].secret;
    } else {
        gload_err_tok(L, &t, "':' and a type, or '>'");
        goto out;
    }
    if (f.type.kind == GT_STRING || f.type.kind == GT_ENUM || f.type.kind == GT_ANY) {
        /* In responses, strings are quoted unless the type says otherwise. */
        if (f.type.quoting == GQ_DEFAULT)
            f.type.quoting = GQ_QUOTED;
    }
    struct gram_tpl_op *op = push_op(L, b, TPL_FIELD);
    op->a = (uint16_t)b->n_fields;
    *GLOAD_PUSH(L, b->fields, b->n_fields, b->cap_fields) = f;
    ok = true;
out:
    glex_free(&lx);
    return ok;
}

bool gload_template(struct gload *L, const char *text, size_t len, uint32_t line, uint32_t col,
                    struct gram_template *tpl, const struct gload_scope *form_scope)
{
    memset(tpl, 0, sizeof *tpl);
    tpl->text = oc_arena_strndup(L->A, text, len);
    if (len == 0) {
        gload_err(L, line, col, "empty-template", "the line's text is missing");
        return false;
    }
    if (len > GRAM_MAX_TEMPLATE_LEN) {
        gload_err(L, line, col, "too-long", "the line's text is longer than %d bytes (the limit)",
                  GRAM_MAX_TEMPLATE_LEN);
        return false;
    }
    struct tpl_build b;
    memset(&b, 0, sizeof b);
    int stack[GRAM_MAX_TEMPLATE_NESTING];
    int depth = 0;
    bool cspace = L->v && L->v->colon_space_knob != 0;
    uint32_t c = col;
    for (size_t i = 0; i < len; i++, c++) {
        char ch = text[i];
        if ((ch & 0xC0) == 0x80)
            c--; /* UTF-8 continuation: same column */
        if (ch == '\\') {
            if (i + 1 >= len) {
                gload_err(L, line, c, "bad-template", "'\\' at the end of the line escapes nothing");
                return false;
            }
            lit_byte(L, &b, text[++i]);
            c++;
            continue;
        }
        if (ch == '<') {
            size_t j = i + 1;
            bool inq = false;
            while (j < len && (inq || text[j] != '>')) {
                if (text[j] == '"')
                    inq = !inq;
                j++;
            }
            if (j >= len) {
                gload_err(L, line, c, "bad-template",
                          "'<' opens a field that is never closed with '>' (write \\< for a literal '<')");
                return false;
            }
            if (!parse_field(L, &b, text + i + 1, j - i - 1, line, c + 1, form_scope))
                return false;
            c += (uint32_t)(j - i);
            i = j;
            continue;
        }
        if (ch == '[') {
            if (depth >= GRAM_MAX_TEMPLATE_NESTING) {
                gload_err(L, line, c, "too-deep", "optional groups nest deeper than %d",
                          GRAM_MAX_TEMPLATE_NESTING);
                return false;
            }
            struct gram_tpl_op *op = push_op(L, &b, TPL_OPT);
            op->a = (uint16_t)b.n_fields;
            stack[depth++] = (int)(b.n_ops - 1);
            continue;
        }
        if (ch == ']') {
            if (depth == 0) {
                gload_err(L, line, c, "bad-template", "']' closes no optional group (write \\] for a literal)");
                return false;
            }
            push_op(L, &b, TPL_END_OPT);
            int o = stack[--depth];
            b.ops[o].b = (uint32_t)(b.n_ops - 1);
            b.ops[o].n = (uint16_t)(b.n_fields - b.ops[o].a);
            if (b.n_ops - 1 == (size_t)o + 1) {
                gload_err(L, line, c, "bad-template", "empty optional group '[]'");
                return false;
            }
            continue;
        }
        if (ch == ':' && cspace && i + 1 < len && text[i + 1] == ' ') {
            lit_byte(L, &b, ':');
            push_op(L, &b, TPL_CSPACE);
            i++;
            c++;
            continue;
        }
        lit_byte(L, &b, ch);
    }
    if (depth != 0) {
        gload_err(L, line, col, "bad-template", "an optional group '[' is never closed");
        return false;
    }
    push_op(L, &b, TPL_END);

    /* Stop bytes of free-text fields: the first literal byte that follows them. */
    for (size_t i = 0; i < b.n_ops; i++) {
        if (b.ops[i].kind != TPL_FIELD)
            continue;
        for (size_t j = i + 1; j < b.n_ops; j++) {
            if (b.ops[j].kind == TPL_LIT) {
                b.ops[i].stop = (uint8_t)b.lits[b.ops[j].b];
                break;
            }
            if (b.ops[j].kind == TPL_FIELD || b.ops[j].kind == TPL_END || b.ops[j].kind == TPL_CSPACE)
                break;
        }
    }
    /* Discriminator and lookup key. */
    size_t lead = 0, lead_len = 0;
    while (lead < b.n_ops && (b.ops[lead].kind == TPL_LIT || b.ops[lead].kind == TPL_CSPACE)) {
        lead_len += b.ops[lead].kind == TPL_LIT ? b.ops[lead].a : 1;
        lead++;
    }
    tpl->n_lead = (uint16_t)lead;
    tpl->lead_len = (uint16_t)lead_len;
    tpl->exact = lead + 1 == b.n_ops && lead_len == b.n_lits;
    for (size_t i = 0; i < lead; i++)
        if (b.ops[i].kind != TPL_LIT)
            tpl->exact = false;
    char keybuf[256];
    size_t kl = 0;
    bool exact = false, done = false;
    for (size_t i = 0; i < b.n_ops && !done; i++) {
        const struct gram_tpl_op *op = &b.ops[i];
        if (op->kind == TPL_LIT) {
            for (uint16_t k = 0; k < op->a; k++) {
                char ch = b.lits[op->b + k];
                if (ch == ':') {
                    exact = true;
                    done = true;
                    break;
                }
                if (kl < sizeof keybuf)
                    keybuf[kl++] = ch;
            }
        } else if (op->kind == TPL_END) {
            exact = true;
            done = true;
        } else {
            done = true; /* a field or group before any ':' */
        }
    }
    if (kl >= sizeof keybuf)
        exact = false;
    tpl->key = oc_arena_strndup(L->A, keybuf, kl < sizeof keybuf ? kl : sizeof keybuf - 1);
    tpl->key_len = (uint16_t)(kl < sizeof keybuf ? kl : sizeof keybuf - 1);
    tpl->key_exact = exact;

    tpl->ops = oc_arena_memdup(L->A, b.ops, b.n_ops * sizeof *b.ops);
    tpl->n_ops = (uint16_t)b.n_ops;
    tpl->lits = b.n_lits ? oc_arena_memdup(L->A, b.lits, b.n_lits) : "";
    tpl->fields = b.fields;
    tpl->n_fields = (uint16_t)b.n_fields;
    return true;
}
