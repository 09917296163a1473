/* reports/diff.h — two runs compared (otacheck diff A B): the integrator's view of two
 * modules, or of two firmware builds of one. Each side is a report directory, a
 * results.json or a results.jsonl (a killed run has only the stream), read by
 * reports/load.h. Cases are matched by id; what changed is said as regressions, fixes, other
 * verdict changes and cases on one side only, with the verdicts' reasons side by side; then
 * the latency of every exchange per command and form on each side (p50, p95, their ratio
 * B/A), the durations of the flows, and the modules' identities and dialect choices side by
 * side. Written as text for a terminal, as JSON (schema otacheck-diff/1, reports/SCHEMA.md,
 * reports/diff.schema.json) and as a self-contained HTML page with the charts of both runs
 * overlaid.
 *
 * A case fails a run when its verdict is FAIL or ERROR (with strict, WARN too), as
 * `otacheck conform` (--strict) decides its exit status. Of a case matched on both sides:
 *   regression  it fails B and did not fail A (PASS, WARN or N/A -> FAIL or ERROR)
 *   fix         it failed A and does not fail B (the reverse)
 *   change      any other verdict change (PASS -> WARN, PASS -> N/A, FAIL -> ERROR...)
 * Ids are unique within a run; should one repeat, its k-th case in A is matched with its k-th
 * case in B. */
#ifndef OTACHECK_REPORTS_DIFF_H
#define OTACHECK_REPORTS_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/report.h"

/* When B fails the comparison (exit 1 of otacheck diff). */
enum rp_diff_fail_on {
    RP_DIFF_FAIL_REGRESS, /* a regression (the default) */
    RP_DIFF_FAIL_CHANGE,  /* any verdict change, or a case on one side only */
    RP_DIFF_FAIL_NEVER,
};

struct rp_diff_opts {
    enum rp_diff_fail_on fail_on;
    bool strict; /* a WARN fails a case, as with conform --strict */
};

struct rp_diff_counts {
    size_t a_cases, b_cases;
    size_t matched;        /* ids on both sides */
    size_t unchanged;      /* matched, the same verdict */
    size_t still_failing;  /* unchanged, failing on both sides */
    size_t regressions, fixes, other_changes; /* matched, the verdict changed */
    size_t only_a, only_b;
};

struct rp_diff;

/* Reads both sides and compares them. NULL when a side cannot be read, with err saying
 * which and why ("A: cannot open x/results.json: No such file or directory"). */
struct rp_diff *rp_diff_load(const char *a, const char *b, const struct rp_diff_opts *o,
                             char *err, size_t errlen);
void rp_diff_free(struct rp_diff *d);

const struct rp_diff_counts *rp_diff_counts(const struct rp_diff *d);
/* Whether B fails the comparison under the options' fail_on. */
bool rp_diff_failed(const struct rp_diff *d);

/* The text for a terminal: the counts, each regression with A's and B's verdict and reason,
 * the fixes, the other changes, the cases on one side only (max_each of each list, 0: all),
 * the latency table, the flows, the identities; the last line says the outcome. Control
 * characters are written as \xNN; colour: the words REGRESSION and FIX in ANSI colour.
 * brief: the counts and the outcome alone. */
struct rp_diff_text_opts {
    size_t max_each;
    bool colour;
    bool brief;
};
void rp_diff_write_text(FILE *out, const struct rp_diff *d, const struct rp_diff_text_opts *o);

/* The formats written to files, into an open stream. 0, or -1 when ferror(out). */
int rp_diff_write_json(FILE *out, const struct rp_diff *d);
int rp_diff_write_html(FILE *out, const struct rp_diff *d);

/* The files of otacheck diff --report-dir (as conform's --format names them). */
#define RP_DIFF_JSON_FILE "diff.json"
#define RP_DIFF_HTML_FILE "diff.html"
/* Writes the selected files (RP_JSON: diff.json, RP_HTML: diff.html) into dir, made with its
 * parents, each atomically (common/fileio.h): every one is attempted, each added to files as
 * written or not and why. Returns 0, or -1 with the first failure's message. */
int rp_diff_write_dir(const char *dir, unsigned formats, const struct rp_diff *d,
                      struct rp_files *files, char *err, size_t errlen);

#endif
