/* parser/validate.c — see validate.h. One pass over the line; values are located, then
 * checked against the parameters of each form variant whose count fits. */
#include "parser/validate.h"

#include <string.h>

#include "parser/bytes.h"

static bool is_alpha(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* V.250 5.4.1: characters of an extended command name after '+'. */
static bool is_name_char(uint8_t c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '!' || c == '%' || c == '-' ||
           c == '.' || c == '/' || c == ':' || c == '_';
}

static enum at_err err_at(struct at_verror *e, enum at_err code, size_t off)
{
    e->code = code;
    e->off = (uint32_t)off;
    return code;
}

static size_t skip_spaces(const uint8_t *s, size_t n, size_t pos)
{
    while (pos < n && s[pos] == ' ')
        pos++;
    return pos;
}

/* Locates the values of "=a,b,..." up to ';' or the end. */
static enum at_err scan_args(const uint8_t *s, size_t n, size_t *pos, uint8_t escapes,
                             struct at_cmd *c, struct at_verror *e)
{
    size_t p = skip_spaces(s, n, *pos);
    c->n_args = 0;
    if (p >= n || s[p] == ';') {
        *pos = p;
        return AT_OK; /* "AT+X=": no values */
    }
    for (;;) {
        if (c->n_args >= GRAM_MAX_PARAMS)
            return err_at(e, AT_E_COUNT, p);
        struct at_value *v = &c->args[c->n_args];
        v->i = 0;
        v->is_int = false;
        p = skip_spaces(s, n, p);
        v->off = (uint32_t)p;
        if (p < n && s[p] == '"') {
            size_t q = p, eo;
            uint32_t dl;
            enum at_err r = at_scan_quoted(s, n, &q, escapes, &dl, &eo);
            if (r != AT_OK) {
                e->index = (int16_t)c->n_args;
                return err_at(e, r, eo);
            }
            v->kind = AT_V_STR;
            v->len = (uint32_t)(q - p);
            v->slen = dl;
            p = q;
        } else {
            size_t q = p;
            while (q < n && s[q] != ',' && s[q] != ';')
                q++;
            size_t t = q;
            while (t > p && s[t - 1] == ' ')
                t--;
            v->kind = t > p ? AT_V_BARE : AT_V_ABSENT;
            v->len = (uint32_t)(t - p);
            v->slen = v->len;
            p = q;
        }
        c->n_args++;
        p = skip_spaces(s, n, p);
        if (p < n && s[p] == ',') {
            p++;
            continue;
        }
        break;
    }
    *pos = p;
    return AT_OK;
}

static unsigned min_count(uint64_t counts)
{
    return counts ? (unsigned)__builtin_ctzll(counts) : 0;
}

enum at_err at_validate_args(const struct at_index *ix, uint8_t slot, const struct gram_form *f,
                             int state, const uint8_t *line, size_t len, struct at_cmd *c,
                             struct at_verror *e)
{
    const struct at_ix_slot *sl = &ix->slots[slot];
    const struct gram_vendor *v = sl->v;
    e->form = f;
    e->cmd = f->cmd;
    if (c->n_args >= 64 || !(f->counts >> c->n_args & 1)) {
        e->got = c->n_args;
        return err_at(e, AT_E_COUNT, c->n_args ? c->args[c->n_args - 1].off : c->off + c->len);
    }
    unsigned mandatory = min_count(f->counts);
    for (uint16_t i = 0; i < c->n_args; i++) {
        struct at_value *val = &c->args[i];
        const struct gram_param *p = &f->params[i];
        if (val->kind == AT_V_ABSENT) {
            if (!v->empty_values || (i < mandatory && !p->has_default)) {
                e->what = p;
                e->index = (int16_t)i;
                return err_at(e, AT_E_EMPTY_VALUE, val->off);
            }
            continue;
        }
        if (at_check_value(&p->type, &sl->d, v->escapes, line, val, e) != AT_OK) {
            e->what = p;
            e->index = (int16_t)i;
            e->form = f; /* checking the value cleared them: what the error is of */
            e->cmd = f->cmd;
            return e->code;
        }
    }
    if (f->n_rules &&
        at_check_rules(f->rules, f->n_rules, f->params, f->n_params, c->args, c->n_args, &sl->d,
                       v->escapes, line, len, state, e) != AT_OK) {
        if (e->code == AT_E_STATE)
            e->off = c->off;
        e->form = f;
        e->cmd = f->cmd;
        return e->code;
    }
    return AT_OK;
}

/* Does the line's first value fit the variant's first parameter, when that is an enumerated
 * tag and another variant of the same kind exists? (Always true otherwise.) */
static bool tag_fits(const struct at_index *ix, uint8_t slot, const struct gram_command *cmd, const struct gram_form *f,
                     const uint8_t *line, struct at_cmd *c)
{
    if (!f->variant || !f->n_params || f->params[0].type.kind != GT_ENUM || !c->n_args ||
        c->args[0].kind == AT_V_ABSENT)
        return true;
    unsigned same = 0;
    for (uint16_t i = 0; i < cmd->n_forms; i++)
        same += cmd->forms[i].kind == f->kind;
    if (same < 2)
        return true;
    struct at_verror e;
    at_verror_reset(&e);
    struct at_value v = c->args[0];
    return at_check_value(&f->params[0].type, &ix->slots[slot].d, ix->slots[slot].v->escapes, line, &v, &e) == AT_OK;
}

/* Picks the form of kind k; for write forms, the first variant whose count fits and whose
 * values pass, else the error of the one that fits and gets furthest (the first of those)
 * — unless a variant whose first value
 * (its tag) takes the line's has another count: then the count is what is wrong (a
 * "productinfo" line with two values, where another variant takes two). */
static enum at_err choose_form(const struct at_index *ix, const struct at_ix_cmd *ce,
                               enum gram_form_kind k, int state, const uint8_t *line, size_t len,
                               bool check, struct at_cmd *c, struct at_verror *e)
{
    const struct gram_command *cmd = ce->cmd;
    const struct gram_form *first_kind = NULL, *first_fit = NULL, *count_tagged = NULL;
    struct at_verror first_err;
    for (uint16_t i = 0; i < cmd->n_forms; i++) {
        const struct gram_form *f = &cmd->forms[i];
        if (f->kind != k)
            continue;
        if (!first_kind)
            first_kind = f;
        if (c->n_args >= 64 || !(f->counts >> c->n_args & 1)) {
            struct at_verror tag;
            at_verror_reset(&tag);
            if (check && !count_tagged && c->n_args && f->n_params &&
                c->args[0].kind != AT_V_ABSENT &&
                at_check_value(&f->params[0].type, &ix->slots[ce->slot].d, ix->slots[ce->slot].v->escapes, line,
                               &c->args[0], &tag) == AT_OK)
                count_tagged = f;
            continue;
        }
        /* identifying only: a variant whose first value is an enumerated tag the line's
         * does not match is not the one (AT+QIOTCFG="productinfo"... / ="tsl"...) */
        if (!check && !tag_fits(ix, ce->slot, cmd, f, line, c))
            continue;
        /* checked in place: checking only fills in the numbers of the values */
        at_verror_reset(e);
        if (!check || at_validate_args(ix, ce->slot, f, state, line, len, c, e) == AT_OK) {
            c->form = f;
            return AT_OK;
        }
        if (!first_fit || e->off > first_err.off) {
            first_fit = f;
            first_err = *e; /* the variant that fits and gets furthest says what is wrong */
        }
    }
    at_verror_reset(e);
    e->cmd = cmd;
    if (!first_kind) {
        e->got = k;
        return err_at(e, AT_E_NO_FORM, c->off);
    }
    if (!first_fit) {
        e->form = first_kind;
        e->got = c->n_args;
        return err_at(e, AT_E_COUNT, c->n_args ? c->args[c->n_args - 1].off : c->off + c->len);
    }
    if (count_tagged && first_err.index == 0 && first_err.code == AT_E_ENUM) {
        e->form = count_tagged;
        e->got = c->n_args;
        return err_at(e, AT_E_COUNT, c->args[c->n_args - 1].off);
    }
    *e = first_err;
    c->form = first_fit;
    return e->code;
}

/* "= ?" at p (the '='): spaces, then '?' and the end of the command. */
static bool spaced_test(const uint8_t *s, size_t n, size_t p)
{
    size_t q = skip_spaces(s, n, p + 1);
    if (q == p + 1 || q >= n || s[q] != '?')
        return false;
    size_t r = skip_spaces(s, n, q + 1);
    return r == n || s[r] == ';';
}

static enum at_err parse_command(const struct at_index *ix, int state, const uint8_t *s,
                                 size_t n, bool check, struct at_cmdline *out, struct at_verror *e)
{
    at_verror_reset(e);
    out->n = 0;
    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (n < 2 || (s[0] | 0x20) != 'a' || (s[1] | 0x20) != 't')
        return err_at(e, AT_E_NO_AT, 0);
    size_t ctl = at_scan_ctl(s, n);
    if (ctl < n) {
        e->got = s[ctl];
        return err_at(e, AT_E_CONTROL, ctl);
    }
    size_t pos = skip_spaces(s, n, 2);
    if (pos >= n) {
        if (!ix->empty_cmd)
            return err_at(e, AT_E_UNKNOWN_COMMAND, 2);
        struct at_cmd *c = &out->cmds[out->n++];
        memset(c, 0, sizeof *c);
        c->cmd = ix->empty_cmd->cmd;
        c->slot = ix->empty_cmd->slot;
        c->form = gram_command_form(c->cmd, GF_EXEC, NULL);
        c->off = 2;
        goto length;
    }
    while (pos < n) {
        pos = skip_spaces(s, n, pos);
        if (pos >= n)
            break;
        if (out->n >= AT_MAX_CONCAT)
            return err_at(e, AT_E_SEPARATOR, pos);
        struct at_cmd *c = &out->cmds[out->n];
        /* not the whole struct: its values are written as they are found */
        c->cmd = NULL;
        c->form = NULL;
        c->slot = 0;
        c->n_args = 0;
        c->len = 0;
        c->off = (uint32_t)pos;
        const struct at_ix_cmd *ce;
        if (s[pos] == '+') {
            size_t q = pos + 1;
            struct at_name_hash nh;
            at_name_hash_init(&nh);
            at_name_hash_byte(&nh, '+');
            while (q < n && is_name_char(s[q]))
                at_name_hash_byte(&nh, s[q++]);
            size_t nl = q - pos - 1;
            if (nl < 1 || nl > 16 || !is_alpha(s[pos + 1]))
                return err_at(e, AT_E_BAD_NAME, pos);
            ce = at_index_command_h(ix, s + pos, q - pos, at_name_hash_end(&nh));
            if (!ce || ce->cmd->basic)
                return err_at(e, AT_E_UNKNOWN_COMMAND, pos);
            c->cmd = ce->cmd;
            c->slot = ce->slot;
            size_t p = skip_spaces(s, n, q);
            enum gram_form_kind k;
            if (p + 1 < n && s[p] == '=' && s[p + 1] == '?') {
                k = GF_TEST;
                p += 2;
            } else if (p < n && s[p] == '?') {
                k = GF_READ;
                p += 1;
            } else if (p < n && s[p] == '=' && spaced_test(s, n, p)) {
                /* "= ?": V.250 5.2.1 ignores the space (the test form), a module may not */
                e->cmd = ce->cmd;
                return err_at(e, AT_E_INNER_SPACE, (uint32_t)(p + 1));
            } else if (p < n && s[p] == '=') {
                k = GF_WRITE;
                p += 1;
                e->cmd = ce->cmd;
                if (scan_args(s, n, &p, ix->slots[ce->slot].v->escapes, c, e) != AT_OK) {
                    /* name the parameter, as the first write form calls it */
                    const struct gram_form *wf = gram_command_form(ce->cmd, GF_WRITE, NULL);
                    if (wf && e->index >= 0 && e->index < wf->n_params)
                        e->what = &wf->params[e->index];
                    return e->code;
                }
            } else {
                k = GF_EXEC;
            }
            p = skip_spaces(s, n, p);
            if (p < n && s[p] != ';')
                return err_at(e, AT_E_SEPARATOR, p);
            c->len = (uint32_t)(p - pos);
            if (choose_form(ix, ce, k, state, s, n, check, c, e) != AT_OK)
                return e->code;
            out->n++;
            pos = p < n ? p + 1 : p;
            continue;
        }
        /* a basic command: a letter, or '&' and a letter, then an optional number */
        size_t nl = (s[pos] == '&') ? 2 : 1;
        if (pos + nl > n || !is_alpha(s[pos + nl - 1]))
            return err_at(e, AT_E_BAD_NAME, pos);
        ce = at_index_command(ix, s + pos, nl);
        if (!ce || !ce->cmd->basic)
            return err_at(e, AT_E_UNKNOWN_COMMAND, pos);
        c->cmd = ce->cmd;
        c->slot = ce->slot;
        size_t p = pos + nl;
        size_t d = p;
        while (d < n && s[d] >= '0' && s[d] <= '9')
            d++;
        if (d > p) {
            memset(&c->args[0], 0, sizeof c->args[0]);
            c->args[0].kind = AT_V_BARE;
            c->args[0].off = (uint32_t)p;
            c->args[0].len = (uint32_t)(d - p);
            c->args[0].slen = c->args[0].len;
            c->n_args = 1;
        }
        c->len = (uint32_t)(d - pos);
        enum gram_form_kind k = GF_WRITE;
        if (c->n_args == 0 && gram_command_form(c->cmd, GF_EXEC, NULL))
            k = GF_EXEC;
        if (choose_form(ix, ce, k, state, s, n, check, c, e) != AT_OK)
            return e->code;
        out->n++;
        pos = skip_spaces(s, n, d);
        if (pos < n && s[pos] == ';')
            pos++;
    }
length:
    if (out->n) {
        const struct gram_vendor *v = ix->slots[out->cmds[0].slot].v;
        if (v->max_line && n > v->max_line) {
            e->got = (int64_t)n;
            e->limit = v->max_line;
            e->cmd = out->cmds[0].cmd;
            return err_at(e, AT_E_LINE_TOO_LONG, v->max_line);
        }
    }
    return AT_OK;
}

enum at_err at_validate_command(const struct at_index *ix, int state, const uint8_t *line,
                                size_t len, struct at_cmdline *out, struct at_verror *e)
{
    return parse_command(ix, state, line, len, true, out, e);
}

enum at_err at_identify_command(const struct at_index *ix, const uint8_t *line, size_t len,
                                struct at_cmdline *out, struct at_verror *e)
{
    return parse_command(ix, -1, line, len, false, out, e);
}

size_t at_edit_line(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        if (b == 8) {
            if (o)
                o--;
        } else if (b != '\n' && b != 0) {
            out[o++] = b;
        }
    }
    return o;
}
