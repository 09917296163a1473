/* reports/forward.h — the lines of another run's results.jsonl stream recorded into this
 * writer as they come: `otacheck conform` with several targets runs one child per target,
 * each streaming its lines (its writer's tee, rp_tee_stream) to the parent, whose one
 * writer records every target and case, its stream written by one hand. A child's target
 * indices are mapped to the parent's. Caller-owned state, one per child. */
#ifndef OTACHECK_REPORTS_FORWARD_H
#define OTACHECK_REPORTS_FORWARD_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/report.h"

#define RP_FORWARD_MAX_TARGETS 16

struct rp_forward {
    unsigned map[RP_FORWARD_MAX_TARGETS]; /* the child's target i is the writer's map[i] */
    unsigned n_targets;
    unsigned cases;                       /* case lines recorded */
    struct rp_counts counts;              /* their verdicts */
    enum rp_verdict last_verdict;         /* of the last case recorded */
    char last_id[160];                    /* its id */
    bool ended;                           /* its end line came */
    char verdict[16];                     /* the end line's verdict, "" before */
};

/* Records one line (without its line end) of a child's stream into w: a target line adds a
 * target, a case line a case (its target mapped), the end line is noted; run lines are the
 * child's own. Returns 0, or -1 with what is wrong in err (the line is not recorded). */
int rp_forward_line(struct rp_writer *w, struct rp_forward *f, const char *line, size_t len,
                    char *err, size_t errlen);

#endif
