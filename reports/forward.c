/* reports/forward.c — another run's stream lines into this writer (reports/forward.h), read
 * by the one set of conversions of reports/json_model.c. */
#include <stdio.h>
#include <string.h>

#include "reports/forward.h"
#include "reports/report_internal.h"

static void count(struct rp_counts *k, enum rp_verdict v)
{
    k->total++;
    switch (v) {
    case RP_PASS: k->pass++; break;
    case RP_FAIL: k->fail++; break;
    case RP_NA: k->na++; break;
    case RP_ERROR: k->error++; break;
    case RP_WARN: k->warn++; break;
    }
}

int rp_forward_line(struct rp_writer *w, struct rp_forward *f, const char *line, size_t len,
                    char *err, size_t errlen)
{
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        snprintf(err, errlen, "not a JSON line: %s (column %d)", je.text, je.column);
        return -1;
    }
    const char *type = json_string_value(json_object_get(o, "type"));
    struct oc_arena a;
    oc_arena_init(&a, 16 * 1024);
    char what[256];
    int rc = 0;
    if (!json_is_object(o) || !type) {
        snprintf(err, errlen, "not a line of a results stream (no \"type\")");
        rc = -1;
    } else if (strcmp(type, "target") == 0) {
        struct rp_target t;
        if (rp_target_from_json(o, &a, &t, what, sizeof what) != 0) {
            snprintf(err, errlen, "target: %s", what);
            rc = -1;
        } else if (f->n_targets >= RP_FORWARD_MAX_TARGETS) {
            snprintf(err, errlen, "more than %d targets in one stream", RP_FORWARD_MAX_TARGETS);
            rc = -1;
        } else {
            f->map[f->n_targets++] = rp_add_target(w, &t);
        }
    } else if (strcmp(type, "case") == 0) {
        struct rp_case c;
        if (rp_case_from_json(o, &a, &c, what, sizeof what) != 0) {
            snprintf(err, errlen, "case: %s", what);
            rc = -1;
        } else {
            /* a target the child never announced stays unknown, as every format shows it */
            c.target = c.target < f->n_targets ? f->map[c.target] : (unsigned)-1;
            rp_case(w, &c);
            f->cases++;
            count(&f->counts, c.verdict);
            f->last_verdict = c.verdict;
            snprintf(f->last_id, sizeof f->last_id, "%s", c.id ? c.id : "");
        }
    } else if (strcmp(type, "end") == 0) {
        f->ended = true;
        const char *v = json_string_value(json_object_get(o, "verdict"));
        snprintf(f->verdict, sizeof f->verdict, "%s", v ? v : "");
    } else if (strcmp(type, "run") != 0) {
        snprintf(err, errlen, "unknown line type \"%.60s\"", type);
        rc = -1;
    }
    oc_arena_free(&a);
    json_decref(o);
    return rc;
}
