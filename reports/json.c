/* reports/json.c — results.json: the whole run in one JSON document (schema
 * "otacheck-results/1", described field by field in reports/SCHEMA.md), written with
 * jansson from the same objects as the results.jsonl stream. The document is written a
 * member at a time, each case dumped and freed before the next, so a run of 100 000 cases
 * never holds a tree of all of them (it took 10 s and 1.1 GB that way). */
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

#include "reports/report_internal.h"

#define FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(15))

/* jansson hands its output over a token at a time: gathered here, and written to the
 * file 64 KB at a time (a locked fwrite per token was a third of the writer's time). */
struct indented {
    FILE *out;
    unsigned indent;
    size_t n;
    char buf[64 * 1024];
};

static void flush_buf(struct indented *d)
{
    if (d->n)
        fwrite(d->buf, 1, d->n, d->out);
    d->n = 0;
}

static void add(struct indented *d, const char *p, size_t n)
{
    if (d->n + n > sizeof d->buf) {
        flush_buf(d);
        if (n > sizeof d->buf) {
            fwrite(p, 1, n, d->out);
            return;
        }
    }
    memcpy(d->buf + d->n, p, n);
    d->n += n;
}

#define ADD_TEXT(d, lit) add((d), (lit), sizeof(lit) - 1)

/* Each line after the first indented. */
static int write_indented(const char *buf, size_t n, void *data)
{
    struct indented *d = data;
    static const char spaces[] = "                ";
    for (const char *p = buf, *end = buf + n; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t k = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        add(d, p, k);
        if (nl)
            add(d, spaces, d->indent < sizeof spaces - 1 ? d->indent : sizeof spaces - 1);
        p += k;
    }
    return 0;
}

/* v as jansson writes it, its lines indented by d->indent spaces after the first (it
 * stands at that depth of the document), into d's buffer; v is freed. */
static int put(struct indented *d, json_t *v, unsigned indent)
{
    d->indent = indent;
    int rc = v ? json_dump_callback(v, write_indented, d, FLAGS | JSON_ENCODE_ANY) : -1;
    json_decref(v);
    return rc;
}

/* "  "KEY": VALUE" (v freed), after a comma unless first. */
static int member(struct indented *d, const char *key, json_t *v, bool first)
{
    if (!first)
        ADD_TEXT(d, ",");
    ADD_TEXT(d, "\n  \"");
    add(d, key, strlen(key));
    ADD_TEXT(d, "\": ");
    return put(d, v, 2);
}

int rp_write_json(FILE *out, const struct rp_results *r)
{
    int rc = 0;
    struct indented *d = oc_xmalloc(sizeof *d);
    d->out = out;
    d->n = 0;
    ADD_TEXT(d, "{");
    rc |= member(d, "schema", json_string(RP_SCHEMA), true);
    rc |= member(d, "run", rp_run_to_json(&r->run), false);
    json_t *targets = json_array();
    for (size_t i = 0; i < r->n_targets; i++)
        json_array_append_new(targets, rp_target_to_json(&r->targets[i], (unsigned)i));
    rc |= member(d, "targets", targets, false);
    rc |= member(d, "summary", rp_summary_to_json(rp_results_counts(r)), false);
    ADD_TEXT(d, ",\n  \"cases\": [");
    for (size_t i = 0; i < r->n_cases && rc == 0; i++) {
        if (i % 1024 == 0 && ferror(out))
            break; /* a write failed: stop */
        if (i)
            ADD_TEXT(d, ",");
        ADD_TEXT(d, "\n    ");
        rc |= put(d, rp_case_to_json(&r->cases[i]), 4);
    }
    if (r->n_cases)
        ADD_TEXT(d, "\n  ]\n}\n");
    else
        ADD_TEXT(d, "]\n}\n");
    flush_buf(d);
    free(d);
    return rc == 0 && !ferror(out) ? 0 : -1;
}
