/* fuzz/devfuzz.h — the black-box device fuzzer behind `otacheck fuzz`: cases from the
 * grammar (fuzz/devgen.h) run against any target and judged by the oracles of
 * fuzz/devrun.h. Each new finding — a rule broken at a place (a command and form, or
 * "between commands") not seen before in the run — is minimised by delta debugging
 * against the target and saved as a reproducer (fuzz/repro.h).
 *
 * Minimisation (ddmin over the case's command lines): each try runs a candidate on the
 * target — on a fresh module when the target can be restarted (sim:, exec:), else in place
 * after making sure the module still answers — and keeps it when the same rule fires
 * again; the number of tries is capped. When the case alone does not make it happen on a
 * fresh module, the lines sent before it since the module started (up to the reproducer
 * limit) are tried in front of it: the module's state may be what matters. */
#ifndef OTACHECK_FUZZ_DEVFUZZ_H
#define OTACHECK_FUZZ_DEVFUZZ_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz/devgen.h"
#include "fuzz/devrun.h"

/* How long after --duration the run may still take: what a case in hand and the
 * minimisation of its findings get; every wait ends by then. */
#define DF_DURATION_GRACE_NS 1500000000ull

struct df_options {
    const struct gram_set *gs;
    const struct gram_vendor *v;
    const struct gram_dialect *d;
    const char *target;
    const struct cf_caps *caps;  /* the module's capability file, or NULL */
    uint64_t seed;
    uint64_t max_cases;          /* 0: no limit */
    double duration_s;           /* 0: no limit */
    uint64_t line_gap_ns;        /* a pause inside a line this long ends it (0: the target's default) */
    const char *out_dir;
    bool allow_destructive;
    unsigned max_runs;           /* minimisation tries per finding (0: none) */
    unsigned max_findings;       /* stop after this many (0: no limit) */
    uint64_t margin_ns, flow_quiet_ns, end_quiet_ns;
    FILE *progress;              /* the stats line, or NULL */
    bool progress_tty;           /* one line rewritten with \r */
    FILE *case_log;              /* every case's lines, or NULL */
    FILE *report;                /* a line per finding saved, or NULL */
    volatile sig_atomic_t *stop; /* set to stop the run (a signal), or NULL */
};

struct df_summary {
    uint64_t cases, exchanges;
    unsigned findings;           /* reproducers written */
    unsigned occurrences;        /* cases with some finding */
    double seconds;
    bool target_dead;            /* the run ended because the module was dead or gone */
    bool interrupted;
};

/* Runs the fuzzer. Returns 0; -1 a usage error (bad target spec); -2 the target could not be
 * reached or did not answer at the start; DF_NOT_WRITTEN a reproducer could not be written
 * (--out cannot be made, disk full, I/O error): the run stops there, sum says what it did
 * and err names the file and the reason. */
#define DF_NOT_WRITTEN (-3)
int df_fuzz(const struct df_options *o, struct df_summary *sum, char *err, size_t errlen);

/* Replays a reproducer's lines on a target (restarted first when it can be) and prints the
 * masked transcript and the findings to out. Returns the number of findings, or -1 (usage)
 * / -2 (unreachable) with err set. */
int df_replay(const struct df_options *o, const struct fz_lines *lines, FILE *out, char *err, size_t errlen);

#endif
