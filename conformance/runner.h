/* conformance/runner.h — plays the cases of one vendor against one module and decides
 * their verdicts (DESIGN.md, "Verdicts"): PASS, FAIL with the rule broken, what was
 * expected and what came, N/A with the reason, ERROR when the harness could not run it.
 *
 * Every exchange of a case is checked, whatever the case is about: exactly one final
 * result within a bounded time (else a liveness probe), binary data of the announced
 * length, no credential in a response, the echo, no garbage, every line valid, the
 * response-time limit. Then the case's own rule. The runner follows the state the module
 * should be in (the grammar's machine, fed with what it saw), sets up the state a case
 * needs and brings the module back after it, follows the flows a command starts, and
 * restores the settings it changed. */
#ifndef OTACHECK_CONFORMANCE_RUNNER_H
#define OTACHECK_CONFORMANCE_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conformance/case.h"
#include "conformance/caps.h"
#include "harness/session.h"
#include "reports/report.h"

struct cf_result {
    enum rp_verdict verdict;
    const char *rule;
    char reason[400];
    char expected[256];
    char seen[512];
    const char *source_kind;  /* "document", "standard", "inferred" or NULL (rp_case) */
    char source[256];         /* where the requirement comes from */
    char *others;             /* owned: the other findings, one per line, or NULL */
    double latency_ms;      /* the exchange the verdict is about (the case's command; the slow
                               one of a response-time verdict): last byte written -> final's
                               last byte */
    double first_byte_ms;
    double limit_ms;        /* the grammar's limit for it, 0 none */
    double duration_ms;     /* wall (or virtual) time of the whole case */
    char *transcript;       /* owned; credentials masked */
    /* the case's timed steps (owned, each text in step_text): its exchanges, and the events
     * of the flows it followed; past RP_MAX_STEPS counted, not kept */
    struct rp_step *steps;
    char (*step_text)[RP_STEP_TEXT_MAX + 1];
    size_t n_steps, n_steps_dropped;
    double stall_limit_ms, total_limit_ms; /* a flow's limits (0: none) */
};

struct cf_runner_opts {
    bool allow_destructive;
    const struct cf_caps *caps; /* may be NULL: the reference module's defaults are used */
    bool clean_output;          /* a foreign line is a clean-output FAIL (--strict, or the
                                   capability file's clean-output = yes) */
    bool provisioned;           /* the environment has the cloud and network documented
                                   examples need (sim:, or the capability file says so) */
};

struct cf_runner {
    struct hx_session *s;
    const struct gram_vendor *v;
    const struct at_index *ix;
    const struct gram_dialect *d;
    struct cf_runner_opts o;
    int state;                  /* the machine state the module should be in, -1 none */
    size_t tracked;             /* log events already applied to state */
    bool dead;                  /* it stopped answering */
    bool lost;                  /* the port is gone */
    bool stuck;                 /* it did not come back from a state and could not be
                                   restarted: cases that need another state are N/A */
    char dead_why[200];
    char blocked[400];          /* why cases are N/A now: "blocked since <case>: ..." */
    unsigned restarts;          /* how many times the suite restarted the module */
    /* optional commands (grammar 'optional', 'prereq'): what their test form showed, by
     * index in the vendor's commands: 0 not asked yet, 1 implemented, 2 not (the answer) */
    uint8_t *implemented;
    char (*absent_why)[160];
    /* a flow ended where a restart may still follow (a firmware applied): until then a
     * restart between commands is explained */
    uint64_t restart_expected_until;
    char manufacturer[128], model[128], revision[128];
    char imei[24];  /* masked but the last four digits ("***********2345"), or "" */
    char imei_full[24]; /* as ATI said it: for the reports to mask wherever it appears */
    double overhead_ms;         /* round trip of AT, -1 unknown */
};

/* Probes the module (AT, up to three times), turns echo on (so it is checked), reads its
 * identity and measures a round trip. Returns 0, or -1 when it does not answer. */
int cf_runner_start(struct cf_runner *r, struct hx_session *s, const struct cf_runner_opts *o);
/* What the runner holds (after cf_runner_start, whatever it returned). */
void cf_runner_free(struct cf_runner *r);
/* Plays one case. */
void cf_run_case(struct cf_runner *r, const struct cf_case *c, struct cf_result *res);
void cf_result_free(struct cf_result *res);

#endif
