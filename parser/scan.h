/* parser/scan.h — values inside AT lines: scanning numbers, quoted strings (V.250 \hh
 * escapes, or QCC730's backslash escapes) and bare words; checking a value against a
 * grammar type; evaluating the rules across parameters or fields. Shared by the command
 * validator and the response-line matcher. Pure functions over caller-owned memory. */
#ifndef OTACHECK_PARSER_SCAN_H
#define OTACHECK_PARSER_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grammar/model.h"
#include "parser/verror.h"

enum at_vkind {
    AT_V_ABSENT = 0, /* not given (or an omitted value: "1,,3") */
    AT_V_STR,        /* a quoted string: off/len cover the quotes */
    AT_V_BARE,       /* an unquoted token */
    AT_V_LIST,       /* "(...)" */
    AT_V_TEXT,       /* free text */
};

struct at_value {
    uint32_t off, len;  /* span in the line */
    int64_t i;          /* the number, when the value is one (is_int) */
    uint32_t slen;      /* decoded length of a string, or the token's length */
    uint8_t kind;       /* enum at_vkind */
    bool is_int;
};

/* Offsets of a value's content (without its quotes). */
static inline uint32_t at_value_cstart(const struct at_value *v)
{
    return v->kind == AT_V_STR ? v->off + 1 : v->off;
}
static inline uint32_t at_value_clen(const struct at_value *v)
{
    return v->kind == AT_V_STR ? (v->len >= 2 ? v->len - 2 : 0) : v->len;
}

/* A signed decimal at s[*pos]: digits, optionally after '-'. Advances *pos. */
enum at_err at_scan_int(const uint8_t *s, size_t n, size_t *pos, int64_t *v);
/* Parses the whole token as an integer (true) or not (false). */
bool at_parse_int(const uint8_t *s, size_t n, int64_t *v, bool *overflow);
/* A quoted string starting at s[*pos] == '"'. Advances *pos past the closing quote. */
enum at_err at_scan_quoted(const uint8_t *s, size_t n, size_t *pos, uint8_t escapes,
                           uint32_t *decoded_len, size_t *err_off);
/* Decodes a string value into out (up to cap bytes); returns the decoded length. */
size_t at_value_decode(const uint8_t *line, const struct at_value *v, uint8_t escapes,
                       uint8_t *out, size_t cap);
/* Does a value's content equal s (len n)? Decodes escapes; nocase compares without case. */
bool at_value_equals(const uint8_t *line, const struct at_value *v, uint8_t escapes,
                     const char *s, size_t n, bool nocase);

/* Checks a scanned value against a type. Sets v->i for numbers. On failure fills e
 * (code, off, type) and returns its code. */
enum at_err at_check_value(const struct gram_type *t, const struct gram_dialect *d,
                           uint8_t escapes, const uint8_t *line, struct at_value *v,
                           struct at_verror *e);

/* The rules of a form or a line over its values. n_given: how many parameters the
 * command line gave (for count=). state: the machine state, or -1 when unknown. */
enum at_err at_check_rules(const struct gram_rule *rules, uint16_t n_rules,
                           const struct gram_param *params, uint16_t n_params,
                           const struct at_value *vals, uint16_t n_given,
                           const struct gram_dialect *d, uint8_t escapes, const uint8_t *line,
                           size_t line_len, int state, struct at_verror *e);

/* Is the condition true for these values? (Absent values take their default.) */
bool at_cond_holds(const struct gram_cond *c, const struct gram_param *params,
                   const struct at_value *vals, uint16_t n_given, uint8_t escapes,
                   const uint8_t *line);

#endif
