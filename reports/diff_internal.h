/* reports/diff_internal.h — the comparison of two runs as its writers read it (text, JSON,
 * HTML: reports/diff_text.c, diff_json.c, diff_html.c), built by reports/diff.c: the two
 * sides as loaded, the matched and one-sided cases in order, the latency samples and their
 * statistics per command and form, the flows, and the targets paired up. */
#ifndef OTACHECK_REPORTS_DIFF_INTERNAL_H
#define OTACHECK_REPORTS_DIFF_INTERNAL_H

#include "reports/diff.h"
#include "reports/load.h"

enum dd_side_id { DD_A, DD_B };

struct dd_side {
    const char *path;       /* as given */
    char *file;             /* the file read */
    enum rp_load_kind kind;
    struct rp_results res;
};

enum dd_change { DD_SAME, DD_REGRESSION, DD_FIX, DD_CHANGE };

/* A case on both sides, or on one (the other NULL). */
struct dd_pair {
    const struct rp_case *c[2]; /* [DD_A], [DD_B] */
    size_t index[2];            /* its place in its run's cases, from 0 */
    enum dd_change change;
};

/* One exchange's latency. */
struct dd_sample {
    double ms;
    bool failed;             /* the exchange its case's verdict is about failed */
    const char *text;        /* the command line, or the case's id */
    size_t case_index;       /* in its run's cases */
};

struct dd_stats {
    size_t n;
    double p50, p95, max;    /* nearest rank; meaningful when n > 0 */
    size_t failed;
};

/* The exchanges of one command and form. */
struct dd_group {
    const char *command, *form;
    struct dd_sample *s[2];  /* in the order of the run */
    size_t n[2], cap[2];
    struct dd_stats st[2];
    double limit_ms;         /* the largest limit stated for them on either side; 0: none */
};

/* Targets side by side (one may be missing). */
struct dd_target_pair {
    const struct rp_target *t[2];
    unsigned index[2];
};

/* One dialect knob's choices on each side (NULL: not in that side's dialect). */
struct dd_knob {
    char *knob;
    char *choice[2];
};

struct rp_diff {
    struct rp_diff_opts opts;
    struct dd_side side[2];
    struct rp_diff_counts counts;
    /* matched pairs in A's order, then the cases only in A, then only in B (B's order) */
    struct dd_pair *pairs;
    size_t n_pairs, n_matched, n_only_a;
    struct dd_group *groups;      /* sorted by command, then form */
    size_t n_groups;
    size_t *flows;                /* indices into pairs of the flow cases */
    size_t n_flows;
    struct dd_target_pair *targets;
    size_t n_targets;
    struct dd_knob *knobs;        /* over every target of each side, in A's order then B's */
    size_t n_knobs;
};

/* Whether a verdict fails a case under the options (FAIL, ERROR; WARN with strict). */
bool dd_fails(const struct rp_diff *d, enum rp_verdict v);
/* "regression", "fix", "change", "same" */
const char *dd_change_name(enum dd_change c);
/* B/A, or a negative number when it has no meaning (A's is 0, a side has no sample). */
double dd_ratio(double a, double b, size_t na, size_t nb);
/* Whether a flow case (form "flow"). */
bool dd_is_flow(const struct rp_case *c);
/* A target's field by name for the side-by-side table, as text (NULL: absent); buf for the
 * numbers. The fields, in order, end with NULL. */
extern const char *const dd_target_fields[];
const char *dd_target_field(const struct rp_target *t, const char *field, char *buf, size_t n);
/* Whether the clocks of the two sides differ (one virtual, one wall): their times do not
 * compare. */
bool dd_clocks_differ(const struct rp_diff *d);

#endif
