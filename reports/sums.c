/* reports/sums.c — DIR/SHA256SUMS, written last: the SHA-256 of every report file the run
 * wrote whole, in the format `sha256sum -c SHA256SUMS` checks (a certification body, or a
 * CI archive, can tell that the files are the ones the run wrote). The digests are of the
 * files read back from disk (common/digest.h), so that they cover what is there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/fileio.h"
#include "common/xalloc.h"
#include "reports/report_internal.h"

void rp_write_sums(const char *dir, struct rp_files *files)
{
    bool any = false;
    for (size_t i = 0; i < files->n; i++)
        any |= files->f[i].written;
    if (!any)
        return; /* nothing to vouch for: no file at all, not an empty list */
    char *text = NULL, why[600] = "";
    size_t len = 0;
    FILE *out = oc_xmemstream(&text, &len);
    for (size_t i = 0; i < files->n && !why[0]; i++) {
        if (!files->f[i].written)
            continue;
        size_t pl = strlen(dir) + strlen(files->f[i].name) + 2;
        char *path = oc_xmalloc(pl), hex[65];
        snprintf(path, pl, "%s/%s", dir, files->f[i].name);
        int e = oc_sha256_file(path, hex);
        if (e)
            snprintf(why, sizeof why, "cannot read %s back: %s", path, strerror(e));
        else
            fprintf(out, "%s  %s\n", hex, files->f[i].name);
        free(path);
    }
    oc_xmemstream_close(out);
    if (!why[0]) {
        size_t pl = strlen(dir) + sizeof RP_SUMS_FILE + 1;
        char *path = oc_xmalloc(pl);
        snprintf(path, pl, "%s/%s", dir, RP_SUMS_FILE);
        (void)oc_write_file_atomic(path, text, len, why, sizeof why);
        free(path);
    }
    free(text);
    rp_files_add(files, RP_SUMS_FILE, why[0] ? why : NULL);
}
