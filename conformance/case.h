/* conformance/case.h — the conformance cases of one vendor, generated from its grammar
 * (DESIGN.md layer 4): the documented examples, each form's test/read/exec line, every
 * valid boundary and every invalid class of each write form (parser/gen.h), the lines the
 * state machine refuses in a state, read-reflects-write for settings, and each OTA flow.
 * A case is data: what to send, what it checks, the state it needs; the runner
 * (conformance/runner.h) plays it against a module. */
#ifndef OTACHECK_CONFORMANCE_CASE_H
#define OTACHECK_CONFORMANCE_CASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grammar/model.h"
#include "harness/rules.h"
#include "parser/index.h"

enum cf_kind {
    CF_EXAMPLE,     /* a documented example exchange: the same outcome, valid lines */
    CF_TEST_FORM,   /* AT+X=?: OK, valid lines, the ranges it announces are the grammar's */
    CF_READ_FORM,   /* AT+X?: OK and valid lines */
    CF_EXEC_FORM,   /* AT+X: OK and valid lines */
    CF_VALID,       /* a valid write line (a boundary, an enumerated value...): accepted */
    CF_INVALID,     /* an invalid line (out of range, wrong type...): refused */
    CF_REFUSED,     /* a valid line in a state whose machine does not take it: refused */
    CF_READ_WRITE,  /* a setting: what is written is read back; the original is restored */
    CF_FLOW,        /* a whole OTA flow, started, driven and checked */
};

const char *cf_kind_name(enum cf_kind k); /* "example", "test", ... */

struct cf_case {
    char *id;       /* unique and stable: "quectel/+QIOTUPDATE/write/valid/3" */
    char *suite;    /* "quectel +QIOTUPDATE", "quectel flow fota" */
    char *name;     /* unique within its suite */
    enum cf_kind kind;
    const struct gram_command *cmd;   /* NULL for flows and lines no command takes */
    const struct gram_form *form;     /* the form the line is (NULL: none) */
    const struct gram_flow *flow;     /* CF_FLOW */
    const struct gram_example *example;
    uint16_t ex_step;                 /* CF_EXAMPLE: the index of its "> line" step */
    int ex_outcome;                   /* CF_EXAMPLE: GO_OK / GO_ERROR of the documented final */
    char *line;                       /* the command line (no CR); NULL for flows */
    enum hx_rule rule;                /* the rule the case checks */
    struct gram_src src;              /* where the case's own expectation comes from */
    char *what;                       /* what the line is: "type = 2, above the range" */
    const char *expect;               /* CF_INVALID: the validator's complaint */
    uint32_t ok_states;               /* machine states the line is valid in; 0: any */
    int refuse_state;                 /* CF_REFUSED: the state it is sent in */
    bool destructive;                 /* runs only when destructive cases are allowed */
    const char *na;                   /* not applicable before running: why (static text) */
    bool needs_cloud;                 /* CF_EXAMPLE: the exchange needs a provisioned cloud or
                                         network (N/A unless the capability file says so) */
};

struct cf_plan {
    const struct gram_vendor *v;
    struct cf_case *cases;
    size_t n, cap;
};

/* Options that shape the plan. */
struct cf_plan_opts {
    const char *const *not_supported; /* commands the module does not claim (N/A), NULL-ended */
    const char *const *flows;         /* the flows it claims; NULL: all */
};

/* Builds the cases of the vendor in ix slot 0 (its dialect there). */
void cf_plan_build(struct cf_plan *p, const struct at_index *ix, const struct cf_plan_opts *o);
void cf_plan_free(struct cf_plan *p);

/* Keeps only the cases whose id or suite matches the pattern (fnmatch, '*' and '?'; a
 * plain word matches as a substring). Returns how many are left. */
size_t cf_plan_filter(struct cf_plan *p, const char *pattern);

#endif
