/* reports/rebuild.c — the report files of a run rebuilt from its results.jsonl stream, for
 * a run that was killed before rp_finish (otacheck report --from). Each line is read with
 * jansson; a last line without its newline that does not parse was cut by the kill and is
 * dropped without a word, but a bad line anywhere else is an error "file:line: what".
 * With no "end" line the run is marked interrupted. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_internal.h"
#include "common/fileio.h"
#include "common/xalloc.h"

struct reader {
    const char *path;
    unsigned line;
    struct rp_results res;
    bool have_run, ended;
    char *err;
    size_t errlen;
};

static int bad(struct reader *rd, const char *what)
{
    snprintf(rd->err, rd->errlen, "%s:%u: %s", rd->path, rd->line, what);
    return -1;
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
        const char *schema = json_string_value(json_object_get(o, "schema"));
        if (schema && strcmp(schema, RP_SCHEMA) != 0) {
            snprintf(what, sizeof what, "schema \"%.100s\" is not %s", schema, RP_SCHEMA);
            return bad(rd, what);
        }
        struct rp_run run;
        if (rp_run_from_json(o, &rd->res.arena, &run, what, sizeof what) != 0)
            return bad(rd, what);
        if (strcmp(type, "run") == 0)
            run.interrupted = rd->res.run.interrupted || run.interrupted;
        rp_results_merge_run(&rd->res, &run, NULL);
        rd->have_run = true;
        rd->ended = rd->ended || strcmp(type, "end") == 0;
        return 0;
    }
    if (!rd->have_run)
        return bad(rd, "a result before the run line: not an otacheck results stream");
    if (strcmp(type, "target") == 0) {
        struct rp_target t;
        if (rp_target_from_json(o, &rd->res.arena, &t, what, sizeof what) != 0)
            return bad(rd, what);
        const json_t *ix = json_object_get(o, "index");
        if (ix && (!json_is_integer(ix) || json_integer_value(ix) != (json_int_t)rd->res.n_targets)) {
            snprintf(what, sizeof what, "target index is not %zu (the targets before it: %zu)",
                     rd->res.n_targets, rd->res.n_targets);
            return bad(rd, what);
        }
        rp_results_add_target(&rd->res, &t, NULL);
        return 0;
    }
    if (strcmp(type, "case") == 0) {
        struct rp_case c;
        if (rp_case_from_json(o, &rd->res.arena, &c, what, sizeof what) != 0)
            return bad(rd, what);
        /* a target index out of range is kept as it is: the writer streams what the runner
         * gave it, and every format shows such a case with an unknown target */
        rp_results_add_case(&rd->res, &c, NULL);
        return 0;
    }
    snprintf(what, sizeof what, "unknown line type \"%.60s\"", type);
    return bad(rd, what);
}

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
    }
    if (rc == 0 && ferror(f)) {
        snprintf(rd->err, rd->errlen, "cannot read %s: %s", rd->path, strerror(errno));
        rc = -1;
    }
    free(buf);
    return rc;
}

/* The directory of path ("." when it has none), malloc'd. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? oc_xmemdup0(path, slash == path ? 1 : (size_t)(slash - path)) : oc_xstrdup(".");
}

int rp_rebuild_files(const char *jsonl, const char *dir, unsigned formats,
                     struct rp_counts *counts, bool *interrupted, struct rp_files *files,
                     char *err, size_t errlen)
{
    if (files)
        memset(files, 0, sizeof *files);
    FILE *f = oc_fopen(jsonl, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open %s: %s", jsonl, strerror(errno));
        return RP_REBUILD_NOT_READ;
    }
    struct reader rd = {.path = jsonl, .err = err, .errlen = errlen};
    rp_results_init(&rd.res);
    int rc = read_stream(&rd, f);
    fclose(f);
    if (rc == 0 && !rd.have_run) {
        snprintf(err, errlen, "%s: no run line: empty, or not an otacheck results stream", jsonl);
        rc = -1;
    }
    if (rc != 0) {
        rp_results_free(&rd.res);
        return RP_REBUILD_NOT_READ;
    }
    if (!rd.ended) {
        struct rp_run run = rd.res.run;
        run.interrupted = true;
        if (!run.stopped_because)
            run.stopped_because = "the run stopped before it ended (its stream has no end line)";
        rp_results_merge_run(&rd.res, &run, NULL);
    }
    if (counts)
        *counts = rp_results_counts(&rd.res);
    if (interrupted)
        *interrupted = rd.res.run.interrupted;
    char *d = dir ? NULL : dir_of(jsonl);
    const char *out = dir ? dir : d;
    if (rp_mkdirs(out, err, errlen) != 0) {
        for (size_t i = 0; files && i < RP_N_FORMATS; i++)
            if (formats & rp_formats[i].bit)
                rp_files_add(files, rp_formats[i].file, err);
        rc = RP_REBUILD_NOT_WRITTEN;
    } else {
        struct rp_results clean;
        rp_results_init(&clean);
        rp_results_copy_clean(&clean, &rd.res, NULL);
        if (rp_write_formats(out, formats, &clean, files, err, errlen) != 0)
            rc = RP_REBUILD_NOT_WRITTEN;
        rp_results_free(&clean);
    }
    free(d);
    rp_results_free(&rd.res);
    return rc;
}

int rp_rebuild_counts(const char *jsonl, const char *dir, unsigned formats,
                      struct rp_counts *counts, bool *interrupted, char *err, size_t errlen)
{
    return rp_rebuild_files(jsonl, dir, formats, counts, interrupted, NULL, err, errlen) == 0 ? 0 : -1;
}

int rp_rebuild(const char *jsonl, const char *dir, unsigned formats, char *err, size_t errlen)
{
    return rp_rebuild_counts(jsonl, dir, formats, NULL, NULL, err, errlen);
}
