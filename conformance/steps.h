/* conformance/steps.h — what the parts of the runner share (runner.c, runner_route.c,
 * runner_flow.c, runner_rw.c): the context of the case being played, and the steps every case is made
 * of — an exchange checked on every count, waiting for an event, reaching a state and
 * coming back from it. Not for use outside conformance/. */
#ifndef OTACHECK_CONFORMANCE_STEPS_H
#define OTACHECK_CONFORMANCE_STEPS_H

#include "conformance/flowcheck.h"
#include "conformance/runner.h"

#define CF_MAX_FINDINGS 32
/* A finding whose source is its rule's own (harness/rules.h). */
#define CF_RULE_SRC ((struct gram_src){GSRC_NONE, NULL})

struct cf_ctx {
    struct cf_runner *r;
    const struct cf_case *c;
    /* what every exchange of the case found */
    struct hx_finding findings[CF_MAX_FINDINGS];
    unsigned n_findings;
    /* the case could not be played: N/A or ERROR, and why */
    bool na, error;
    char why[400];
    char note[400];            /* a PASS with something to say */
    /* a flow a setup step started: its events are checked while the route waits for them */
    struct cf_flowcheck route_flow;
    bool route_flow_on, route_flow_reported;
    /* a destructive command was sent in this case: a restart may follow */
    bool destructive_sent;
    /* the plan a flow offered (Quectel 10700): the component and the version it brings */
    char plan_component[80], plan_target[80];
    /* the case's command */
    bool have_main;
    double latency_ms, first_byte_ms, limit_ms;
    /* the first exchange over its limit (a response-time finding): what that verdict is about */
    bool slow_have;
    double slow_latency_ms, slow_first_byte_ms, slow_limit_ms;
    /* the case's timed steps (handed to its result), since t0 */
    uint64_t t0;
    struct rp_step *steps;
    char (*step_text)[RP_STEP_TEXT_MAX + 1];
    size_t n_steps, cap_steps, n_steps_dropped;
    double stall_limit_ms, total_limit_ms; /* a flow played: its limits */
};

/* Records a step of the case (an exchange, or an event of a flow when event) that began at
 * t (the session's clock), its text masked and cut to RP_STEP_TEXT_MAX; NULL (counted) past
 * RP_MAX_STEPS. */
struct rp_step *cf_add_step(struct cf_ctx *cx, bool event, uint64_t t, const char *text);
/* The step of an event of the session's log (its index): its line as the transcript has it. */
struct rp_step *cf_event_step(struct cf_ctx *cx, size_t ev);

/* A rule broken: a finding of the case (src of kind NONE: the rule's own source). The
 * verdict is decided from all of them (the rules' precedence; only documented or standard
 * ones FAIL, inferred ones WARN). */
void cf_fail(struct cf_ctx *cx, enum hx_rule rule, struct gram_src src, const char *expected, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void cf_error(struct cf_ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cf_na(struct cf_ctx *cx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cf_add_finding(struct cf_ctx *cx, enum hx_rule rule, struct gram_src src, const char *expected,
                    const char *seen);
/* Does the case have a finding of this rule? */
bool cf_has_finding(const struct cf_ctx *cx, enum hx_rule rule);

/* Sends a line and checks the exchange on every count; main: it is the case's command
 * (its latency is the case's). Keeps the machine state up to date. */
enum hx_status cf_exchange(struct cf_ctx *cx, const char *line, struct hx_exchange *x, bool main);
/* The outcome of an exchange's final result: GO_OK, GO_ERROR, GO_NONE (none). */
int cf_outcome(const struct cf_ctx *cx, const struct hx_exchange *x);
/* The info line of an exchange the form documents as an error's reason (on-error), or NULL. */
const struct hx_event *cf_documented_refusal(const struct cf_ctx *cx, const struct hx_exchange *x);
/* An event a wait took from the log: a flow a setup step started follows it. (Events no
 * exchange took — garbage, a final with no command, an invalid URC, a credential — are
 * checked once, when the case ends.) */
void cf_see_event(struct cf_ctx *cx, const struct hx_event *e);
/* Applies the log's new events to the machine state. */
void cf_track(struct cf_runner *r);
/* The name of state st of the vendor's machine ("-" when none). */
const char *cf_state_name(const struct cf_runner *r, int st);
/* The form a command line names (its last command), or NULL. */
const struct gram_form *cf_form_of(const struct cf_runner *r, const char *line);
/* runner_route.c */
/* Waits for one of the URCs named "a|b" (ns); true when it came. */
bool cf_wait_urc(struct cf_ctx *cx, const char *names, uint64_t timeout_ns);
/* Runs route steps ("> LINE", "< A|B", "~ MS"); false (and ERROR) when one fails. back:
 * the steps bring the module back from a state, and an event that never comes there is
 * the module's fault (flow-end). */
bool cf_run_steps(struct cf_ctx *cx, const char *const *steps, const char *purpose, bool back);
/* The module did not come back (from a state, or it stopped answering): restarted where
 * the target can be (sim:, exec:) or the capability file names a reset; otherwise the
 * cases that need another state (or, dead, all) are N/A "blocked since <case>" from now. */
void cf_recover(struct cf_ctx *cx, const char *why);
/* Brings the module into a state of the mask (0: any), from the state it is in. */
bool cf_reach(struct cf_ctx *cx, uint32_t mask);
/* Back to the machine's initial state, when there is a way. */
void cf_back_home(struct cf_ctx *cx);
/* Re-sends ATE1 after something that may have reset the module (not checked). */
void cf_resync(struct cf_ctx *cx);
/* A command line with its credentials masked, for messages. */
void cf_mask(const struct cf_runner *r, const char *line, char *out, size_t n);
/* How long the staged image takes at the module's link speed (capability file image-size
 * and link-speed), ms; 0 when it does not say. */
uint32_t cf_download_ms(const struct cf_runner *r);
/* The timeout for a form's exchange. */
uint64_t cf_timeout_ns(const struct gram_form *f);

/* runner_flow.c */
void cf_play_flow(struct cf_ctx *cx);
/* Follows the flows a command that was just accepted started (valid cases). */
void cf_follow_started(struct cf_ctx *cx, const struct hx_exchange *x);
/* runner_rw.c */
void cf_play_read_write(struct cf_ctx *cx);
/* Snapshot and restore of a setting around a case that changes it. */
struct cf_setting {
    bool have;
    char line[1024]; /* the write that restores it */
};
void cf_setting_save(struct cf_ctx *cx, const struct gram_command *cmd, struct cf_setting *s);
void cf_setting_restore(struct cf_ctx *cx, const struct cf_setting *s);
/* Does every list a test response announces match the grammar? (test-range) */
void cf_check_test_ranges(struct cf_ctx *cx, const struct hx_exchange *x);

#endif
