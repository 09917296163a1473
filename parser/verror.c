/* parser/verror.c — names and sentences for validation errors; see verror.h. */
#include "parser/verror.h"

#include "grammar/source.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const names[AT_E__COUNT] = {
    [AT_OK] = "ok",
    [AT_E_NO_AT] = "no-at-prefix",
    [AT_E_BAD_NAME] = "bad-name",
    [AT_E_UNKNOWN_COMMAND] = "unknown-command",
    [AT_E_NO_FORM] = "no-such-form",
    [AT_E_COUNT] = "param-count",
    [AT_E_EMPTY_VALUE] = "empty-value",
    [AT_E_SEPARATOR] = "separator",
    [AT_E_INNER_SPACE] = "inner-space",
    [AT_E_LINE_TOO_LONG] = "line-too-long",
    [AT_E_CONTROL] = "control-byte",
    [AT_E_STATE] = "wrong-state",
    [AT_E_EXPECTED_INT] = "expected-int",
    [AT_E_INT_OVERFLOW] = "int-overflow",
    [AT_E_INT_RANGE] = "int-range",
    [AT_E_MASK_BITS] = "mask-bits",
    [AT_E_EXPECTED_QUOTE] = "expected-quote",
    [AT_E_QUOTED] = "unexpected-quote",
    [AT_E_UNTERMINATED] = "unterminated-string",
    [AT_E_BAD_ESCAPE] = "bad-escape",
    [AT_E_TOO_LONG] = "too-long",
    [AT_E_TOO_SHORT] = "too-short",
    [AT_E_CHARSET] = "charset",
    [AT_E_ENUM] = "enum",
    [AT_E_EXPECTED_LIST] = "expected-list",
    [AT_E_BAD_LIST] = "bad-list",
    [AT_E_RULE_REQUIRES] = "rule-requires",
    [AT_E_RULE_FORBIDS] = "rule-forbids",
    [AT_E_RULE_TYPE] = "rule-type",
    [AT_E_LITERAL] = "literal",
    [AT_E_CSPACE] = "colon-space",
    [AT_E_TRAILING] = "trailing-text",
    [AT_E_NO_MATCH] = "no-match",
};

const char *at_err_name(enum at_err e)
{
    return (e >= 0 && e < AT_E__COUNT && names[e]) ? names[e] : "?";
}

#define APPEND(...)                                                                            \
    do {                                                                                       \
        if (o < n)                                                                             \
            o += (size_t)snprintf(buf + o, n - o, __VA_ARGS__);                                \
    } while (0)

char *at_type_describe(const struct gram_type *t, const struct gram_dialect *d, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    switch (t->kind) {
    case GT_INT:
    case GT_MASK:
        if (t->n_items == 0) {
            APPEND(t->kind == GT_INT ? "an integer" : "a bitmask");
            break;
        }
        APPEND(t->kind == GT_MASK ? "bits {" : "{");
        {
            bool first = true;
            for (uint16_t i = 0; i < t->n_items; i++) {
                const struct gram_int_item *it = &t->ints[i];
                if (d && !gram_guard_ok(d, it->guard))
                    continue;
                if (o > n - 24) {
                    APPEND(", ...");
                    break;
                }
                APPEND("%s", first ? "" : ", ");
                first = false;
                if (it->lo == it->hi)
                    APPEND("%" PRId64, it->lo);
                else if (it->lo == INT64_MIN)
                    APPEND("..%" PRId64, it->hi);
                else if (it->hi == INT64_MAX)
                    APPEND("%" PRId64 "..", it->lo);
                else
                    APPEND("%" PRId64 "..%" PRId64, it->lo, it->hi);
                if (it->label && t->n_items <= 8)
                    APPEND(" (%s)", it->label);
            }
        }
        APPEND("}");
        break;
    case GT_STRING:
        if (t->max_len && t->min_len == t->max_len)
            APPEND("a string of %u bytes", t->max_len);
        else if (t->max_len)
            APPEND("a string of %u..%u bytes", t->min_len, t->max_len);
        else if (t->min_len)
            APPEND("a string of at least %u bytes", t->min_len);
        else
            APPEND("a string");
        if (t->charset == GCS_HEX)
            APPEND(" of hex digits");
        else if (t->charset == GCS_DIGITS)
            APPEND(" of decimal digits");
        break;
    case GT_ENUM: {
        APPEND("one of {");
        bool first = true;
        for (uint16_t i = 0; i < t->n_items; i++) {
            if (d && !gram_guard_ok(d, t->enums[i].guard))
                continue;
            bool q = t->quoting == GQ_QUOTED;
            APPEND("%s%s%s%s", first ? "" : ", ", q ? "\"" : "", t->enums[i].text, q ? "\"" : "");
            first = false;
        }
        APPEND("}");
        break;
    }
    case GT_TEXT: APPEND("text"); break;
    case GT_LIST: APPEND("a list such as (0-1)"); break;
    case GT_ANY: APPEND("a value"); break;
    }
    return buf;
}

static const char *form_word(const struct gram_form *f)
{
    return f ? gram_form_kind_name(f->kind) : "";
}

char *at_verror_format(const struct at_verror *e, const struct gram_dialect *d, char *buf, size_t n)
{
    size_t o = 0;
    char tb[512];
    const char *who = e->what ? e->what->name : NULL;
    const char *whatkind = e->line ? "field" : "parameter";
    APPEND("offset %u: ", e->off);
    switch (e->code) {
    case AT_OK: APPEND("no error"); break;
    case AT_E_NO_AT: APPEND("a command line starts with AT"); break;
    case AT_E_BAD_NAME: APPEND("not a V.250 command name"); break;
    case AT_E_UNKNOWN_COMMAND: APPEND("unknown command"); break;
    case AT_E_NO_FORM:
        APPEND("%s has no %s form", e->cmd ? e->cmd->name : "the command",
               e->form ? form_word(e->form) : (e->got == GF_TEST ? "test" : e->got == GF_READ ? "read" : e->got == GF_EXEC ? "exec" : "write"));
        break;
    case AT_E_COUNT: {
        APPEND("%" PRId64 " parameter%s given; ", e->got, e->got == 1 ? "" : "s");
        uint64_t c = e->form ? e->form->counts : 0;
        bool first = true;
        APPEND("%s takes ", e->cmd ? e->cmd->name : "the command");
        for (int i = 0; i < 64; i++)
            if (c >> i & 1) {
                APPEND("%s%d", first ? "" : " or ", i);
                first = false;
            }
        break;
    }
    case AT_E_EMPTY_VALUE:
        APPEND("%s %s is empty, and this module takes no omitted values there", whatkind,
               who ? who : "?");
        break;
    case AT_E_SEPARATOR: APPEND("expected ',', ';' or the end of the line"); break;
    case AT_E_INNER_SPACE: APPEND("a space inside a number or inside '=?' (V.250 5.2.1 has a DCE ignore spaces)"); break;
    case AT_E_LINE_TOO_LONG:
        APPEND("the line is %" PRId64 " bytes; the module takes at most %u", e->got, e->limit);
        break;
    case AT_E_CONTROL: APPEND("control byte 0x%02x in the line", (unsigned)e->got); break;
    case AT_E_STATE: {
        const struct gram_machine *m = e->cmd && e->cmd->vendor ? e->cmd->vendor->machine : NULL;
        APPEND("%s is not accepted in state %s", e->cmd ? e->cmd->name : "the command",
               m && e->state < m->n_states ? m->states[e->state] : "?");
        if (e->rule && e->rule->message)
            APPEND(" (%s)", e->rule->message);
        break;
    }
    case AT_E_EXPECTED_INT: APPEND("%s %s: expected a decimal number", whatkind, who ? who : "?"); break;
    case AT_E_INT_OVERFLOW: APPEND("%s %s: the number does not fit in 64 bits", whatkind, who ? who : "?"); break;
    case AT_E_INT_RANGE:
    case AT_E_MASK_BITS:
        APPEND("%s %s: %" PRId64 " is not in %s", whatkind, who ? who : "?", e->got,
               e->type ? at_type_describe(e->type, d, tb, sizeof tb) : "range");
        break;
    case AT_E_EXPECTED_QUOTE: APPEND("%s %s: expected a quoted string", whatkind, who ? who : "?"); break;
    case AT_E_QUOTED: APPEND("%s %s: this value is not quoted", whatkind, who ? who : "?"); break;
    case AT_E_UNTERMINATED: APPEND("%s %s: the string has no closing quote", whatkind, who ? who : "?"); break;
    case AT_E_BAD_ESCAPE: APPEND("%s %s: bad escape sequence", whatkind, who ? who : "?"); break;
    case AT_E_TOO_LONG:
        APPEND("%s %s: %" PRId64 " bytes, at most %u allowed", whatkind, who ? who : "?", e->got, e->limit);
        break;
    case AT_E_TOO_SHORT:
        APPEND("%s %s: %" PRId64 " bytes, at least %u needed", whatkind, who ? who : "?", e->got, e->limit);
        break;
    case AT_E_CHARSET:
        APPEND("%s %s: character not allowed (%s)", whatkind, who ? who : "?",
               e->type ? at_type_describe(e->type, d, tb, sizeof tb) : "");
        break;
    case AT_E_ENUM:
        APPEND("%s %s: not %s", whatkind, who ? who : "?",
               e->type ? at_type_describe(e->type, d, tb, sizeof tb) : "an allowed value");
        break;
    case AT_E_EXPECTED_LIST: APPEND("%s %s: expected a list such as (0-1)", whatkind, who ? who : "?"); break;
    case AT_E_BAD_LIST: APPEND("%s %s: malformed list", whatkind, who ? who : "?"); break;
    case AT_E_RULE_REQUIRES:
    case AT_E_RULE_FORBIDS:
    case AT_E_RULE_TYPE:
        APPEND("rule '%s' broken", e->rule && e->rule->text ? e->rule->text : "?");
        if (e->code == AT_E_RULE_REQUIRES && who)
            APPEND(": %s %s is required", whatkind, who);
        else if (e->code == AT_E_RULE_FORBIDS && who)
            APPEND(": %s %s must be absent", whatkind, who);
        else if (e->code == AT_E_RULE_TYPE && who)
            APPEND(": %s %s must be %s", whatkind, who,
                   e->type ? at_type_describe(e->type, d, tb, sizeof tb) : "?");
        if (e->rule && e->rule->message)
            APPEND(" (%s)", e->rule->message);
        break;
    case AT_E_LITERAL:
        APPEND("expected \"%.*s\"", (int)e->lit_len, e->lit ? e->lit : "");
        if (e->line)
            APPEND(" (%s)", e->line->tpl.text);
        break;
    case AT_E_CSPACE:
        APPEND("%s after ':' (dialect colon-space)", e->got ? "a space is not allowed" : "a space is required");
        break;
    case AT_E_TRAILING: APPEND("unexpected text after the end of the line's form"); break;
    case AT_E_NO_MATCH: APPEND("matches no response, URC or final result of the grammar"); break;
    case AT_E__COUNT: break;
    }
    return buf;
}

struct gram_src at_verror_src(const struct at_verror *e)
{
    const struct gram_form *f = e->form;
    int p = e->index;
    if (e->code == AT_E_INNER_SPACE || e->sub == AT_E_INNER_SPACE)
        return gram_src_inferred("V.250 5.2.1: a DCE ignores spaces in a command line, so \"0 1\" may be read as "
                                 "\"01\" and \"= ?\" as \"=?\"; whether a module refuses it or reads it so is its "
                                 "choice");
    switch (e->code) {
    case AT_OK:
    case AT_E_NO_AT:
        return gram_src_inferred("V.250 5.2.1: a line that does not start with AT is not a command line");
    case AT_E_BAD_NAME:
    case AT_E_UNKNOWN_COMMAND:
        return (struct gram_src){GSRC_STD, "ITU-T V.250 5.6: a command the DCE does not know ends the line with "
                                           "ERROR"};
    case AT_E_NO_FORM:
        return gram_src_inferred("the document shows no such form of the command: a module may still have one");
    case AT_E_LINE_TOO_LONG:
        return gram_src_inferred("no document gives the longest command line a module must refuse");
    case AT_E_CONTROL:
        return gram_src_inferred("V.250 5.2.2: a DCE ignores control characters in a command line");

    case AT_E_STATE:
        if (e->rule && f)
            return gram_src_rule(f, NULL, e->rule);
        return f ? gram_src_machine(f->cmd->vendor) : gram_src_inferred("the state machine");
    case AT_E_RULE_REQUIRES:
    case AT_E_RULE_FORBIDS:
    case AT_E_RULE_TYPE:
        if (e->rule && f)
            return gram_src_rule(f, NULL, e->rule);
        break;
    default:
        break;
    }
    if (!f && !e->line)
        return gram_src_inferred("no grammar line");
    enum gram_aspect a;
    switch (e->code) {
    case AT_E_COUNT:
    case AT_E_EMPTY_VALUE:
    case AT_E_SEPARATOR:
    case AT_E_UNTERMINATED:
        a = GASP_SYNTAX;
        break;
    case AT_E_EXPECTED_QUOTE:
    case AT_E_QUOTED:
        a = GASP_QUOTING;
        break;
    case AT_E_BAD_ESCAPE:
        a = GASP_ESCAPE;
        break;
    case AT_E_TOO_LONG:
        a = GASP_MAX;
        break;
    case AT_E_TOO_SHORT:
        a = GASP_MIN;
        break;
    case AT_E_CHARSET:
        a = GASP_CHARSET;
        break;
    default:
        a = GASP_VALUES; /* a number out of range, not a number, an enumeration, a mask */
        break;
    }
    if (e->line) /* a response line: the aspect of one of its fields */
        return gram_src_field(e->line, e->line->kind == GL_INFO ? f : NULL, a);
    return gram_src_param(f, a == GASP_SYNTAX && p < 0 ? -1 : p, a);
}
