/* parser/flowrun.h — follows one flow (DESIGN.md "flows") as its events arrive: is this
 * URC allowed here, may the flow end now, and do the field rules across events hold
 * (progress never decreases). Pure bookkeeping over the grammar's automaton; the caller
 * owns time (stall and total limits) and payload bytes (size and hash checks). */
#ifndef OTACHECK_PARSER_FLOWRUN_H
#define OTACHECK_PARSER_FLOWRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "grammar/model.h"
#include "parser/scan.h"

enum at_flow_verdict {
    AT_FLOW_ACCEPTED,  /* the event fits the flow */
    AT_FLOW_NOT_MINE,  /* not an event of this flow: ignore it */
    AT_FLOW_ORDER,     /* an event of this flow, but not allowed here */
    AT_FLOW_DECREASE,  /* a field that must not decrease did */
};

struct at_flow_run {
    const struct gram_flow *f;
    const struct gram_dialect *d;
    uint64_t live;              /* automaton positions alive */
    uint16_t events;
    int16_t last_atom;
    bool ended;                 /* reached a position with no way onward */
    int64_t last_value[8];      /* per nondecreasing check (up to 8) */
    bool have_value[8];
    int8_t outcome;             /* GO_OK / GO_ERROR of the last accepting event, GO_NONE */
    const struct gram_flow_check *broken; /* the check a DECREASE broke */
    int64_t seen, before;       /* its values */
};

void at_flow_start(struct at_flow_run *r, const struct gram_flow *f, const struct gram_dialect *d);
/* Atom index of a URC in flow f, or -1. */
int at_flow_atom_of_urc(const struct gram_flow *f, const struct gram_line *urc);
int at_flow_atom_reboot(const struct gram_flow *f);
/* Feeds an event (atom index, and the URC's fields for field checks; fields may be NULL). */
enum at_flow_verdict at_flow_step(struct at_flow_run *r, int atom, const struct gram_line *urc,
                                  const struct at_value *fields);
/* May the flow end here? */
bool at_flow_can_end(const struct at_flow_run *r);
/* Has it reached a point after which no event can come? */
bool at_flow_finished(const struct at_flow_run *r);
/* Is a restart all that can come next (an end where the firmware may be applied)? */
bool at_flow_only_restart_next(const struct at_flow_run *r);
/* Names of the events that may come next, comma separated, into buf. */
char *at_flow_expected(const struct at_flow_run *r, char *buf, size_t n);

#endif
