/* parser/verror.h — what the validator says is wrong with a command line or a response
 * line: a code, the byte offset where it went wrong, and enough context (the parameter,
 * the rule, the value seen) to write a sentence. Filled without allocation; turned into
 * text only when someone wants to read it. */
#ifndef OTACHECK_PARSER_VERROR_H
#define OTACHECK_PARSER_VERROR_H

#include <stddef.h>
#include <stdint.h>

#include "grammar/model.h"

enum at_err {
    AT_OK = 0,
    /* command lines */
    AT_E_NO_AT,          /* does not start with AT */
    AT_E_BAD_NAME,       /* a command name that breaks V.250 5.4.1 */
    AT_E_UNKNOWN_COMMAND,
    AT_E_NO_FORM,        /* the command has no such form (test/read/write/exec) */
    AT_E_COUNT,          /* wrong number of parameters */
    AT_E_EMPTY_VALUE,    /* an omitted value where the grammar needs one */
    AT_E_SEPARATOR,      /* expected ',' ';' or the end */
    AT_E_INNER_SPACE,    /* a space inside a number ("0 1") or inside "=?" ("= ?"): V.250
                            5.2.1 has the DCE ignore it, modules differ; refused here, and
                            either answer of the module is its choice (inferred) */
    AT_E_LINE_TOO_LONG,
    AT_E_CONTROL,        /* a control byte in the line */
    AT_E_STATE,          /* not accepted in the current state */
    /* values */
    AT_E_EXPECTED_INT,
    AT_E_INT_OVERFLOW,
    AT_E_INT_RANGE,
    AT_E_MASK_BITS,
    AT_E_EXPECTED_QUOTE, /* a string that must be quoted is not */
    AT_E_QUOTED,         /* a value that must not be quoted is */
    AT_E_UNTERMINATED,   /* a string without its closing quote */
    AT_E_BAD_ESCAPE,
    AT_E_TOO_LONG,
    AT_E_TOO_SHORT,
    AT_E_CHARSET,
    AT_E_ENUM,
    AT_E_EXPECTED_LIST,
    AT_E_BAD_LIST,
    /* rules */
    AT_E_RULE_REQUIRES,
    AT_E_RULE_FORBIDS,
    AT_E_RULE_TYPE,      /* a value breaks the type a rule gives it (sub says how) */
    /* response lines */
    AT_E_LITERAL,        /* the line's text differs from the template's */
    AT_E_CSPACE,         /* the space after ':' is there (or missing) against the dialect */
    AT_E_TRAILING,       /* text after the end of the template */
    AT_E_NO_MATCH,       /* the line matches no line the grammar knows */
    AT_E__COUNT
};

struct at_verror {
    enum at_err code;
    enum at_err sub;               /* AT_E_RULE_TYPE: the type error */
    uint32_t off;                  /* byte offset in the line */
    const struct gram_param *what; /* the parameter or field concerned, or NULL */
    int16_t index;                 /* its index, or -1 */
    const struct gram_rule *rule;
    const struct gram_type *type;  /* the type broken (for its allowed values) */
    const struct gram_form *form;
    const struct gram_command *cmd;
    const struct gram_line *line;  /* the response line concerned */
    int64_t got;                   /* the value or length seen */
    uint32_t limit;
    uint32_t state;                /* AT_E_STATE: the current state */
    const char *lit;               /* AT_E_LITERAL: what was expected there */
    uint16_t lit_len;
};

/* No error: every field cleared (written out, cheaper than a memset on the hot path). */
static inline void at_verror_reset(struct at_verror *e)
{
    e->code = AT_OK;
    e->sub = AT_OK;
    e->off = 0;
    e->what = NULL;
    e->index = -1;
    e->rule = NULL;
    e->type = NULL;
    e->form = NULL;
    e->cmd = NULL;
    e->line = NULL;
    e->got = 0;
    e->limit = 0;
    e->state = 0;
    e->lit = NULL;
    e->lit_len = 0;
}

const char *at_err_name(enum at_err e);    /* "int-range" */
/* Where the requirement a command line broke comes from (grammar/source.h): the aspect of
 * the parameter, the rule, the state machine, the form's syntax, or V.250 for a command
 * no grammar knows. What otacheck expects a module to refuse only by inference (a quoted
 * number, a stray backslash, a form the document does not show) comes out inferred. */
struct gram_src at_verror_src(const struct at_verror *e);
/* A sentence: "offset 9: parameter type: 2 is not in {0 (HTTP), 1 (FTP)}". The dialect
 * (may be NULL) restricts the allowed values printed. Returns buf. */
char *at_verror_format(const struct at_verror *e, const struct gram_dialect *d, char *buf,
                       size_t n);
/* The allowed values of a type, as "{0 (HTTP), 1 (FTP)}" or "1..255 bytes". */
char *at_type_describe(const struct gram_type *t, const struct gram_dialect *d, char *buf,
                       size_t n);

#endif
