/* parser/gen.h — command lines generated from the grammar: for each form, the valid
 * boundary cases (each bound, each enumerated value, the longest strings, each allowed
 * number of parameters, omitted values with defaults) and the invalid classes (below and
 * above a range, a gap in a set, wrong type, broken quoting and escapes, over-long and
 * too-short strings, too few and too many parameters, empty mandatory values, and for
 * every rule a line that makes its condition hold and breaks it). Each invalid case names
 * the complaint the validator must give ("int-range"), so the generator and the
 * validator check each other: valid lines are searched for with the validator (the rules
 * live in one place), invalid ones are built by construction and not checked here. The
 * fuzzers' dictionaries and seed corpora are made from these in fuzz/seeds.c. */
#ifndef OTACHECK_PARSER_GEN_H
#define OTACHECK_PARSER_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grammar/model.h"
#include "parser/index.h"

#define GEN_LINE_MAX 4096

struct gram_gen_case {
    char line[GEN_LINE_MAX];        /* the command line, without CR */
    const struct gram_form *form;
    bool valid;
    const char *expect;             /* invalid cases: the validator's error name */
    int16_t param;                  /* the parameter the case is about, or -1 */
    uint8_t aspect;                 /* valid cases: what of the parameter the line is at
                                       (enum gram_aspect: a value, a shortest or longest
                                       string, left out; the syntax when param is -1) */
    const struct gram_rule *rule;   /* the rule an invalid case breaks, or NULL */
    char what[160];                 /* "type = 2, above the range" */
    uint16_t n_params;              /* parameters given */
};

typedef void (*gram_gen_cb)(void *ctx, const struct gram_gen_case *c);

/* Every case of one form (test, read and exec forms give their one line). */
/* ix: an index over the form's vendor; slot: its slot (0 for a one-vendor index). */
void gram_gen_form_cases(const struct at_index *ix, uint8_t slot, const struct gram_form *f,
                         gram_gen_cb cb, void *ctx);
/* Every case of every form of every command of the slot's vendor, and the lines no
 * command of it takes (unknown command, forms it lacks). */
void gram_gen_vendor_cases(const struct at_index *ix, uint8_t slot, gram_gen_cb cb, void *ctx);

/* One valid line for a form at its smallest parameter count; false when the rules
 * cannot all hold. */
bool gram_gen_base_line(const struct at_index *ix, uint8_t slot, const struct gram_form *f,
                        char *line, size_t n);

/* The longest valid command line of a form, in bytes; 0 when unbounded (a string without
 * a length limit, free text). */
size_t gram_form_max_line(const struct gram_form *f, const struct gram_dialect *d);

/* Sample lines that match a template (fields at their bounds, each enumerated value,
 * optional groups in and out). */
void gram_gen_template_samples(const struct gram_template *t, const struct at_line_ctx *c,
                               void (*cb)(void *ctx, const char *line, size_t len), void *ctx);

/* One line of a template: `which` picks field values (0: lower bounds, 1: upper, n: the
 * n-th enumerated value), bit k of opt_mask keeps the k-th optional group, ints (may be
 * NULL) overrides fields by index (INT64_MIN: no override). Returns the length. */
size_t gram_gen_render(const struct gram_template *t, const struct at_line_ctx *c, int which,
                       uint32_t opt_mask, const int64_t *ints, char *out, size_t cap);


#endif
