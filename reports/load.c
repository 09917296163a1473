/* reports/load.c — a run's results read back into struct rp_results, from its results.jsonl
 * stream (each line with jansson, as reports/rebuild.c needs it for a killed run) or its
 * results.json document, or from a report directory holding either; every object is read
 * by the one set of conversions in reports/json_model.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "reports/load.h"

/* ---- the stream ------------------------------------------------------------------- */

struct reader {
    const char *path;
    unsigned line;
    struct rp_results *res;
    /* what a line is read into before rp_results copies it: emptied every few MB, so that
     * a large stream is not held twice */
    struct oc_arena scratch;
    bool have_run, ended;
    char *err;
    size_t errlen;
};

static int bad(struct reader *rd, const char *what)
{
    snprintf(rd->err, rd->errlen, "%s:%u: %s", rd->path, rd->line, what);
    return -1;
}

static int check_schema(const json_t *o, char *what, size_t n)
{
    const char *schema = json_string_value(json_object_get(o, "schema"));
    if (schema && strcmp(schema, RP_SCHEMA) != 0) {
        snprintf(what, n, "schema \"%.100s\" is not %s", schema, RP_SCHEMA);
        return -1;
    }
    return 0;
}

/* A target's "index", when it has one, is its place among the targets before it. */
static int check_index(const json_t *o, size_t n_targets, char *what, size_t n)
{
    const json_t *ix = json_object_get(o, "index");
    if (ix && (!json_is_integer(ix) || json_integer_value(ix) != (json_int_t)n_targets)) {
        snprintf(what, n, "target index is not %zu (the targets before it: %zu)", n_targets,
                 n_targets);
        return -1;
    }
    return 0;
}

/* One parsed line. */
static int take(struct reader *rd, const json_t *o)
{
    char what[256];
    if (!json_is_object(o))
        return bad(rd, "not a JSON object");
    const char *type = json_string_value(json_object_get(o, "type"));
    if (!type)
        return bad(rd, "no \"type\" field");
    if (strcmp(type, "run") == 0 || strcmp(type, "end") == 0) {
        if (check_schema(o, what, sizeof what) != 0)
            return bad(rd, what);
        struct rp_run run;
        if (rp_run_from_json(o, &rd->scratch, &run, what, sizeof what) != 0)
            return bad(rd, what);
        if (strcmp(type, "run") == 0)
            run.interrupted = rd->res->run.interrupted || run.interrupted;
        rp_results_merge_run(rd->res, &run, NULL);
        rd->have_run = true;
        rd->ended = rd->ended || strcmp(type, "end") == 0;
        return 0;
    }
    if (!rd->have_run)
        return bad(rd, "a result before the run line: not an otacheck results stream");
    if (strcmp(type, "target") == 0) {
        struct rp_target t;
        if (rp_target_from_json(o, &rd->scratch, &t, what, sizeof what) != 0 ||
            check_index(o, rd->res->n_targets, what, sizeof what) != 0)
            return bad(rd, what);
        rp_results_add_target(rd->res, &t, NULL);
        return 0;
    }
    if (strcmp(type, "case") == 0) {
        struct rp_case c;
        if (rp_case_from_json(o, &rd->scratch, &c, what, sizeof what) != 0)
            return bad(rd, what);
        /* a target index out of range is kept as it is: the writer streams what the runner
         * gave it, and every format shows such a case with an unknown target */
        rp_results_add_case(rd->res, &c, NULL);
        return 0;
    }
    snprintf(what, sizeof what, "unknown line type \"%.60s\"", type);
    return bad(rd, what);
}

#define SCRATCH_BLOCK (64 * 1024)
#define SCRATCH_MAX (4u << 20)

static int read_stream(struct reader *rd, FILE *f)
{
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = oc_getline(&buf, &cap, f)) > 0) {
        rd->line++;
        bool complete = buf[n - 1] == '\n';
        size_t len = (size_t)n - (complete ? 1 : 0);
        if (len && buf[len - 1] == '\r')
            len--;
        if (strspn(buf, " \t") >= len)
            continue; /* a blank line */
        json_error_t je;
        json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
        if (!o) {
            if (!complete)
                break; /* the last line, cut off when the run was killed */
            char what[300];
            snprintf(what, sizeof what, "not a JSON line: %s (column %d)", je.text, je.column);
            rc = bad(rd, what);
            break;
        }
        rc = take(rd, o);
        json_decref(o);
        if (rd->scratch.total > SCRATCH_MAX) {
            oc_arena_free(&rd->scratch);
            oc_arena_init(&rd->scratch, SCRATCH_BLOCK);
        }
    }
    if (rc == 0 && ferror(f)) {
        snprintf(rd->err, rd->errlen, "cannot read %s: %s", rd->path, strerror(errno));
        rc = -1;
    }
    free(buf);
    return rc;
}

int rp_load_stream(const char *path, struct rp_results *res, char *err, size_t errlen)
{
    rp_results_init(res);
    FILE *f = oc_fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct reader rd = {.path = path, .res = res, .err = err, .errlen = errlen};
    oc_arena_init(&rd.scratch, SCRATCH_BLOCK);
    int rc = read_stream(&rd, f);
    oc_arena_free(&rd.scratch);
    fclose(f);
    if (rc == 0 && !rd.have_run) {
        snprintf(err, errlen, "%s: no run line: empty, or not an otacheck results stream", path);
        rc = -1;
    }
    if (rc != 0) {
        rp_results_free(res);
        return -1;
    }
    if (!rd.ended) {
        struct rp_run run = res->run;
        run.interrupted = true;
        if (!run.stopped_because)
            run.stopped_because = "the run stopped before it ended (its stream has no end line)";
        rp_results_merge_run(res, &run, NULL);
    }
    return 0;
}

/* ---- the document ----------------------------------------------------------------- */

static int read_document(const char *path, const json_t *root, struct rp_results *res,
                         struct oc_arena *scratch, char *err, size_t errlen)
{
    char what[256];
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s: not a JSON object: not an otacheck results document", path);
        return -1;
    }
    const char *schema = json_string_value(json_object_get(root, "schema"));
    if (!schema) {
        snprintf(err, errlen, "%s: no \"schema\" field: not an otacheck results document", path);
        return -1;
    }
    if (check_schema(root, what, sizeof what) != 0) {
        snprintf(err, errlen, "%s: %s", path, what);
        return -1;
    }
    const json_t *run = json_object_get(root, "run");
    const json_t *targets = json_object_get(root, "targets");
    const json_t *cases = json_object_get(root, "cases");
    if (!json_is_object(run) || !json_is_array(targets) || !json_is_array(cases)) {
        snprintf(err, errlen, "%s: \"run\" is not an object, or \"targets\" or \"cases\" not an array",
                 path);
        return -1;
    }
    struct rp_run r;
    if (rp_run_from_json(run, scratch, &r, what, sizeof what) != 0) {
        snprintf(err, errlen, "%s: run: %s", path, what);
        return -1;
    }
    rp_results_merge_run(res, &r, NULL);
    for (size_t i = 0; i < json_array_size(targets); i++) {
        const json_t *o = json_array_get(targets, i);
        struct rp_target t;
        if (!json_is_object(o)) {
            snprintf(err, errlen, "%s: targets[%zu]: not an object", path, i);
            return -1;
        }
        if (rp_target_from_json(o, scratch, &t, what, sizeof what) != 0 ||
            check_index(o, res->n_targets, what, sizeof what) != 0) {
            snprintf(err, errlen, "%s: targets[%zu]: %s", path, i, what);
            return -1;
        }
        rp_results_add_target(res, &t, NULL);
    }
    for (size_t i = 0; i < json_array_size(cases); i++) {
        const json_t *o = json_array_get(cases, i);
        struct rp_case c;
        if (!json_is_object(o)) {
            snprintf(err, errlen, "%s: cases[%zu]: not an object", path, i);
            return -1;
        }
        if (rp_case_from_json(o, scratch, &c, what, sizeof what) != 0) {
            snprintf(err, errlen, "%s: cases[%zu]: %s", path, i, what);
            return -1;
        }
        rp_results_add_case(res, &c, NULL);
        if (scratch->total > SCRATCH_MAX) {
            oc_arena_free(scratch);
            oc_arena_init(scratch, SCRATCH_BLOCK);
        }
    }
    return 0;
}

int rp_load_document(const char *path, struct rp_results *res, char *err, size_t errlen)
{
    rp_results_init(res);
    FILE *f = oc_fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    json_error_t je;
    json_t *root = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    int rc = 0;
    if (ferror(f)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        rc = -1;
    } else if (!root) {
        snprintf(err, errlen, "%s: not JSON: %s (line %d, column %d)", path, je.text, je.line,
                 je.column);
        rc = -1;
    }
    fclose(f);
    if (rc == 0) {
        struct oc_arena scratch;
        oc_arena_init(&scratch, SCRATCH_BLOCK);
        rc = read_document(path, root, res, &scratch, err, errlen);
        oc_arena_free(&scratch);
    }
    json_decref(root);
    if (rc != 0)
        rp_results_free(res);
    return rc;
}

/* ---- either --------------------------------------------------------------------- */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether the file's first non-blank line is a whole JSON object with a "type": a stream.
 * A file that cannot be opened is left to the loader, which says why. */
static bool looks_like_stream(const char *path)
{
    FILE *f = oc_fopen(path, "rb");
    if (!f)
        return false;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    bool stream = false, empty = true;
    while ((n = oc_getline(&buf, &cap, f)) > 0) {
        size_t len = (size_t)n;
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            len--;
        if (strspn(buf, " \t") >= len)
            continue;
        empty = false;
        json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        stream = json_is_object(o) && json_is_string(json_object_get(o, "type"));
        json_decref(o);
        break;
    }
    free(buf);
    fclose(f);
    return stream || empty; /* an empty file: the stream's reader says "empty" */
}

int rp_load_results(const char *path, struct rp_results *res, char **file,
                    enum rp_load_kind *kind, char *err, size_t errlen)
{
    struct stat st;
    char *chosen = NULL;
    bool stream;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t n = strlen(path) + sizeof "/results.jsonl";
        chosen = oc_xmalloc(n);
        snprintf(chosen, n, "%s/results.json", path);
        stream = false;
        if (!is_file(chosen)) {
            snprintf(chosen, n, "%s/results.jsonl", path);
            stream = true;
            if (!is_file(chosen)) {
                snprintf(err, errlen, "%s: a directory without results.json or results.jsonl", path);
                free(chosen);
                memset(res, 0, sizeof *res);
                return -1;
            }
        }
    } else {
        chosen = oc_xstrdup(path);
        stream = looks_like_stream(path);
    }
    int rc = stream ? rp_load_stream(chosen, res, err, errlen)
                    : rp_load_document(chosen, res, err, errlen);
    if (kind)
        *kind = stream ? RP_LOAD_STREAM : RP_LOAD_DOCUMENT;
    if (rc == 0 && file)
        *file = chosen;
    else
        free(chosen);
    return rc;
}
