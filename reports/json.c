/* reports/json.c — results.json: the whole run in one JSON document (schema
 * "otacheck-results/1", described field by field in reports/SCHEMA.md), written with
 * jansson from the same objects as the results.jsonl stream. The document is written a
 * member at a time, each case dumped and freed before the next, so a run of 100 000 cases
 * never holds a tree of all of them (it took 10 s and 1.1 GB that way). */
#include <string.h>

#include "reports/report_internal.h"

#define FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(15))

struct indented {
    FILE *out;
    unsigned indent;
};

/* jansson's output, each line after the first indented (memchr over its chunks). */
static int write_indented(const char *buf, size_t n, void *data)
{
    const struct indented *d = data;
    static const char spaces[] = "                ";
    for (const char *p = buf, *end = buf + n; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t k = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        fwrite(p, 1, k, d->out);
        if (nl)
            fwrite(spaces, 1, d->indent < sizeof spaces - 1 ? d->indent : sizeof spaces - 1, d->out);
        p += k;
    }
    return ferror(d->out) ? -1 : 0;
}

/* v as jansson writes it, its lines indented by `indent` spaces after the first (it
 * stands at that depth of the document); v is freed. */
static int put(FILE *out, json_t *v, unsigned indent)
{
    struct indented d = {out, indent};
    int rc = v ? json_dump_callback(v, write_indented, &d, FLAGS | JSON_ENCODE_ANY) : -1;
    json_decref(v);
    return rc;
}

/* "  "KEY": VALUE" (v freed), after a comma unless first. */
static int member(FILE *out, const char *key, json_t *v, bool first)
{
    fprintf(out, "%s\n  \"%s\": ", first ? "" : ",", key);
    return put(out, v, 2);
}

int rp_write_json(FILE *out, const struct rp_results *r)
{
    int rc = 0;
    fputc('{', out);
    rc |= member(out, "schema", json_string(RP_SCHEMA), true);
    rc |= member(out, "run", rp_run_to_json(&r->run), false);
    json_t *targets = json_array();
    for (size_t i = 0; i < r->n_targets; i++)
        json_array_append_new(targets, rp_target_to_json(&r->targets[i], (unsigned)i));
    rc |= member(out, "targets", targets, false);
    rc |= member(out, "summary", rp_summary_to_json(rp_results_counts(r)), false);
    fputs(",\n  \"cases\": [", out);
    for (size_t i = 0; i < r->n_cases && rc == 0 && !ferror(out); i++) { /* a write failed: stop */
        fputs(i ? ",\n    " : "\n    ", out);
        rc |= put(out, rp_case_to_json(&r->cases[i]), 4);
    }
    fputs(r->n_cases ? "\n  ]\n}\n" : "]\n}\n", out);
    return rc == 0 && !ferror(out) ? 0 : -1;
}
