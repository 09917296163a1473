/* conformance/conform.h — a whole conformance run: the cases of each vendor registered as
 * CUnit tests (a suite per vendor and command, or per flow), run against the target, each
 * result written to the reports as it ends (reports/report.h), a progress line as it goes.
 * A module that cannot be reached gives ERROR cases and the exit status 3. */
#ifndef OTACHECK_CONFORMANCE_CONFORM_H
#define OTACHECK_CONFORMANCE_CONFORM_H

#include <stdbool.h>
#include <stdio.h>

#include "conformance/caps.h"
#include "grammar/model.h"
#include "reports/report.h"

#define CF_MAX_VENDORS 8

struct cf_conform_opts {
    const struct gram_set *gs;   /* the grammars (the reference module speaks them) */
    const struct gram_vendor *vendors[CF_MAX_VENDORS];
    struct gram_dialect dialects[CF_MAX_VENDORS];
    unsigned n_vendors;
    const char *target;          /* NULL: sim:<vendor> for each vendor */
    const struct cf_caps *caps;  /* may be NULL */
    bool allow_destructive;      /* always on for sim: targets */
    unsigned pace_us;
    uint64_t line_gap_ns;      /* a pause inside a line this long ends it (0: the target's default) */
    const char *only;            /* case filter, or NULL */
    struct rp_writer *rp;        /* NULL: no reports (listing) */
    FILE *progress;              /* progress lines, or NULL */
    bool progress_tty;           /* rewrite one line instead of printing one per case */
    bool list_only;              /* print the cases, run nothing */
    bool strict;                 /* --strict: foreign lines FAIL clean-output (WARN's exit
                                    status is the CLI's) */
};

struct cf_conform_summary {
    unsigned total, pass, fail, na, error, warn;
    bool unreachable;   /* a target could not be reached */
    bool bad_target;    /* a target spec that names no kind of target, or a bad option */
    bool lost;          /* a target vanished during the run */
    bool interrupted;   /* stopped by a signal */
    char stopped[256];  /* why it stopped early */
};

/* Runs (or lists) every case. Returns 0, or -1 on a setup error (message in err). */
int cf_conform_run(const struct cf_conform_opts *o, struct cf_conform_summary *sum, char *err, size_t errlen);

/* Asks a run in progress to stop (async-signal-safe): every wait ends at once, the case in
 * hand is recorded as interrupted, the reports are written. True when it had been asked
 * already (a second Ctrl-C: the caller ends the process). */
bool cf_conform_stop(void);
/* Whether a stop was asked for (cf_conform_stop). */
bool cf_conform_stop_requested(void);

#endif
