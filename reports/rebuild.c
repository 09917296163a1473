/* reports/rebuild.c — the report files of a run rebuilt from its results.jsonl stream, for
 * a run that was killed before rp_finish (otacheck report --from). The stream is read by
 * reports/load.c: a last line without its newline that does not parse was cut by the kill
 * and is dropped without a word, but a bad line anywhere else is an error "file:line: what".
 * With no "end" line the run is marked interrupted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "reports/load.h"

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
    struct rp_results res;
    if (rp_load_stream(jsonl, &res, err, errlen) != 0)
        return RP_REBUILD_NOT_READ;
    int rc = 0;
    if (counts)
        *counts = rp_results_counts(&res);
    if (interrupted)
        *interrupted = res.run.interrupted;
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
        rp_results_copy_clean(&clean, &res, NULL);
        if (rp_write_formats(out, formats, &clean, files, err, errlen) != 0)
            rc = RP_REBUILD_NOT_WRITTEN;
        rp_results_free(&clean);
    }
    free(d);
    rp_results_free(&res);
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
