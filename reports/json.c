/* reports/json.c — results.json: the whole run in one JSON document (schema
 * "otacheck-results/1", described field by field in reports/SCHEMA.md), written with
 * jansson from the same objects as the results.jsonl stream. */
#include "reports/report_internal.h"

int rp_write_json(FILE *out, const struct rp_results *r)
{
    json_t *root = json_object();
    json_object_set_new(root, "schema", json_string(RP_SCHEMA));
    json_object_set_new(root, "run", rp_run_to_json(&r->run));
    json_t *targets = json_array();
    for (size_t i = 0; i < r->n_targets; i++)
        json_array_append_new(targets, rp_target_to_json(&r->targets[i], (unsigned)i));
    json_object_set_new(root, "targets", targets);
    json_object_set_new(root, "summary", rp_summary_to_json(rp_results_counts(r)));
    json_t *cases = json_array();
    for (size_t i = 0; i < r->n_cases; i++)
        json_array_append_new(cases, rp_case_to_json(&r->cases[i]));
    json_object_set_new(root, "cases", cases);
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(root);
    if (rc == 0 && fputc('\n', out) == EOF)
        rc = -1;
    return rc == 0 && !ferror(out) ? 0 : -1;
}
