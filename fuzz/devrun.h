/* fuzz/devrun.h — the device fuzzer's target and oracles: sends a sequence of command lines
 * to a module over any transport (harness/transport.h) through the harness session, and
 * judges what came back. Findings name the rule they break:
 *
 *   liveness         the module stopped answering (AT gets no OK after a suspicious
 *                    exchange), or its port closed: it died
 *   reboot           it restarted, and no destructive command it accepted (nor a flow one
 *                    started) explains the restart
 *   final-result     no final result within the limit (a hang), two finals, a final with
 *                    no command in flight
 *   rejects-invalid  a line the validator rejects (other than for the OTA state) got OK
 *   response-syntax  a response or event that breaks its grammar
 *   clean-output     a line the grammar does not know, noise bytes
 *   echo, payload-length, no-secret-leak   as the session records them
 *   response-time    a final result after the grammar's limit
 *
 * A target given as sim: or exec: can be restarted: closing and opening it again gives a
 * module fresh from power-on, which is what minimisation and replay run each try on. */
#ifndef OTACHECK_FUZZ_DEVRUN_H
#define OTACHECK_FUZZ_DEVRUN_H

#include <stdbool.h>
#include <stdint.h>

#include "fuzz/repro.h"
#include "grammar/model.h"
#include "harness/session.h"
#include "harness/transport.h"
#include "parser/flowset.h"

struct df_finding {
    const char *rule;      /* the rule's name (harness/rules.h) */
    struct gram_src src;   /* where its requirement comes from */
    char where[64];        /* the command and form ("+GTOTA=?"), or "between commands" */
    char expected[200];
    char seen[300];
    int line;              /* the line of the sequence it came with, -1 between commands */
};

#define DF_MAX_FINDINGS 24

struct df_outcome {
    struct df_finding f[DF_MAX_FINDINGS];
    unsigned n;
    /* Expectations otacheck only inferred that the module did not meet (a quoted number
     * accepted, a stray backslash, a form no document shows): warnings, not findings —
     * counted, the first ones kept to show. */
    struct df_finding warn[4];
    unsigned n_warn;
    bool dead;             /* stopped answering */
    bool lost;             /* the port closed */
    bool cancelled;        /* a signal or the run's deadline cut the sequence short: what it
                              saw is no outcome (nothing is kept of it) */
    unsigned exchanges;    /* command lines sent */
};

struct df_target {
    /* set by the caller before df_target_open */
    const char *spec;
    const struct gram_set *gs;
    const struct gram_vendor *v;
    struct gram_dialect d;
    uint64_t margin_ns;      /* added to a form's time limit before it is a hang */
    uint64_t flow_quiet_ns;  /* after a line that started a flow: wait until this quiet */
    uint64_t end_quiet_ns;   /* after a sequence run alone (replay, minimisation) */
    uint64_t line_gap_ns;    /* a pause this long inside a line ends it (0: the transport's
                                default, hx_line_gap_default) */
    uint64_t silence_ns;     /* the wait for a line that may go unanswered (no AT, or a form
                                documented to end in silence): set from the AT round trip */
    const volatile sig_atomic_t *cancel; /* a signal's flag and the run's deadline (monotonic
                                ns, 0 none): every wait on the target ends by them */
    uint64_t deadline_ns;
    /* state */
    struct hx_transport *t;
    struct hx_session s;
    bool open;
    bool restartable;        /* sim: and exec: */
    bool armed;              /* a destructive command ran: a restart may follow, until what
                                it started has come to rest */
    bool armed_alone;        /* ... and one of them started no flow: only silence tells
                              * when it is over (a flow that started says what comes) */
    uint64_t restart_by;     /* armed by a flow that ended well and whose restart may still
                                come: until then (hx_now), 0 none */
    struct at_flow_set flows;
    bool flows_due;          /* the flows are those restart_by waits for */
    bool overlap;            /* a flow started while another was in course */
    bool failed_aside;       /* a failure event of the flows came, out of their order: the
                                module said it failed all the same */
    size_t judged;           /* log events already looked at */
    char identity[512];      /* what ATI and AT+CGMR answered at the start */
};

/* The rules' precedence (harness/rules.h): which finding of a case is minimised first. */
int df_rule_rank(const char *rule);

/* Opens the target and checks that AT gets OK. Returns 0; -1 a bad spec (err says why);
 * -2 it cannot be reached; -3 it does not answer. */
int df_target_open(struct df_target *tg, char *err, size_t errlen);
void df_target_close(struct df_target *tg);
/* Closes and opens again (a fresh module, for restartable targets). Same returns. */
int df_target_restart(struct df_target *tg, char *err, size_t errlen);
/* Has the caller's flag or deadline ended every wait on the target? */
bool df_target_cancelled(const struct df_target *tg);
/* Sets the flag and the deadline, on the target and on every transport it opens. */
void df_target_set_limits(struct df_target *tg, const volatile sig_atomic_t *cancel, uint64_t deadline_ns);
/* AT -> OK, after letting the line go quiet; tries twice. */
bool df_target_alive(struct df_target *tg);

/* Sends the lines in order and judges each exchange and every event; stops early when the
 * module is dead or gone. alone: the sequence is run by itself (replay, minimisation):
 * at the end, wait for the line to go quiet so that late output is judged too. The log is
 * cleared first: afterwards it holds this run, for df_transcript. */
void df_run_lines(struct df_target *tg, const struct fz_lines *lines, bool alone, struct df_outcome *out);
/* The log of the last run as text, credentials masked ("> AT+X", "< OK"). */
size_t df_transcript(const struct df_target *tg, char *out, size_t cap);
/* Has the outcome a finding of this rule? */
const struct df_finding *df_outcome_find(const struct df_outcome *o, const char *rule);

#endif
