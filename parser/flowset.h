/* parser/flowset.h — the flows one command started, followed together. A form may start
 * several flows (AT+QIOTOTAREQ starts the module FOTA or the MCU SOTA): they are
 * alternatives until the events tell them apart. An event goes to every flow it belongs
 * to; the flows it does not fit are dropped as long as one fits, and when none fits that
 * is the problem (out of order, or a field rule broken). A restart is an event too: the
 * flow's own `reboot`, or a boot URC the flow does not name. */
#ifndef OTACHECK_PARSER_FLOWSET_H
#define OTACHECK_PARSER_FLOWSET_H

#include <stdbool.h>
#include <stddef.h>

#include "parser/flowrun.h"

#define AT_FLOWSET_MAX 4

struct at_flow_set {
    struct at_flow_run runs[AT_FLOWSET_MAX];
    int n;
};

enum at_flowset_result {
    AT_FS_IGNORED,   /* no flow of the set knows this event */
    AT_FS_ACCEPTED,  /* at least one flow took it */
    AT_FS_ORDER,     /* out of order in every flow that knows it */
    AT_FS_DECREASE,  /* a value that must not go down did */
};

void at_flow_set_clear(struct at_flow_set *s);
/* Starts the flows a form starts (in addition to those running). */
void at_flow_set_start_form(struct at_flow_set *s, const struct gram_form *f, const struct gram_dialect *d);
void at_flow_set_start(struct at_flow_set *s, const struct gram_flow *f, const struct gram_dialect *d);
/* An event: urc with its fields, or a restart (urc NULL, or a boot URC). On a problem,
 * a sentence saying what is wrong goes into problem. */
enum at_flowset_result at_flow_set_event(struct at_flow_set *s, const struct gram_line *urc,
                                         const struct at_value *fields, char *problem, size_t pn);
/* May some alternative end here? */
bool at_flow_set_can_end(const struct at_flow_set *s);
/* Has some alternative reached a point after which nothing can come, being able to end? */
bool at_flow_set_finished(const struct at_flow_set *s);
/* Can some alternative end here, with a restart all that may still come? */
bool at_flow_set_only_restart_next(const struct at_flow_set *s);
/* Has any flow seen an event? */
bool at_flow_set_started(const struct at_flow_set *s);
/* Has every alternative failed (can end, its last event a failure)? Nothing it brought
 * is left to apply: a restart does not follow, though more failure lines may. */
bool at_flow_set_failed(const struct at_flow_set *s);
/* The outcome of the alternative that can end (GO_OK, GO_ERROR, GO_NONE). */
int at_flow_set_outcome(const struct at_flow_set *s);
/* "fota: plan | sota: plan": what may come next, into buf. */
char *at_flow_set_expected(const struct at_flow_set *s, char *buf, size_t n);

#endif
