/* reports/files.c — where the report files go: the report directory made with its parents,
 * and each file written atomically (DIR/.NAME.tmp.<pid>, fsync, rename(2) into place, then
 * the directory fsynced), so that a reader sees the old file or the whole new one, never
 * half of one. On any error the temporary file is removed and the message names the path
 * and the system's reason. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/report_internal.h"

int rp_mkdirs(const char *dir, char *err, size_t errlen)
{
    size_t n = strlen(dir);
    char *p = malloc(n + 1);
    if (!p)
        abort();
    memcpy(p, dir, n + 1);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create directory %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        p[i] = saved;
    }
    struct stat st;
    int bad = stat(p, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (bad) {
        snprintf(err, errlen, "cannot use directory %s: %s", p, strerror(bad));
        free(p);
        return -1;
    }
    free(p);
    return 0;
}

static char *join(const char *dir, const char *prefix, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
    char *p = malloc(n);
    if (!p)
        abort();
    snprintf(p, n, "%s/%s%s%s", dir, prefix, name, suffix);
    return p;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd); /* best effort: the file itself is already on disk */
        close(fd);
    }
}

int rp_write_atomic(const char *dir, const char *name,
                    int (*fn)(FILE *out, const struct rp_results *r), const struct rp_results *r,
                    char *err, size_t errlen)
{
    char suffix[32];
    snprintf(suffix, sizeof suffix, ".tmp.%ld", (long)getpid());
    char *tmp = join(dir, ".", name, suffix);
    char *final = join(dir, "", name, "");
    int rc = -1;
    FILE *f = NULL;

    (void)unlink(tmp); /* a leftover of an earlier process with our pid */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", tmp, strerror(errno));
        goto out;
    }
    f = fdopen(fd, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        close(fd);
        goto fail;
    }
    errno = 0;
    if (fn(f, r) != 0) {
        snprintf(err, errlen, "cannot format %s%s%s", tmp, errno ? ": " : "",
                 errno ? strerror(errno) : "");
        goto fail;
    }
    if (fflush(f) != 0 || ferror(f)) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno ? errno : EIO));
        goto fail;
    }
    if (fsync(fileno(f)) != 0) {
        snprintf(err, errlen, "cannot sync %s: %s", tmp, strerror(errno));
        goto fail;
    }
    int closed = fclose(f);
    f = NULL;
    if (closed != 0) {
        snprintf(err, errlen, "cannot close %s: %s", tmp, strerror(errno));
        goto fail;
    }
    if (rename(tmp, final) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
        goto fail;
    }
    fsync_dir(dir);
    rc = 0;
    goto out;
fail:
    if (f)
        fclose(f);
    (void)unlink(tmp);
out:
    free(tmp);
    free(final);
    return rc;
}

const char *rp_format_file(enum rp_format f)
{
    switch (f) {
    case RP_JUNIT: return "junit.xml";
    case RP_TAP: return "results.tap";
    case RP_JSON: return "results.json";
    case RP_HTML: return "report.html";
    }
    return "?";
}

int rp_write_formats(const char *dir, unsigned formats, const struct rp_results *r, char *err,
                     size_t errlen)
{
    static const struct {
        enum rp_format f;
        int (*fn)(FILE *, const struct rp_results *);
    } all[] = {
        {RP_JUNIT, rp_write_junit},
        {RP_TAP, rp_write_tap},
        {RP_JSON, rp_write_json},
        {RP_HTML, rp_write_html},
    };
    int rc = 0;
    char msg[1024];
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (!(formats & all[i].f))
            continue;
        if (rp_write_atomic(dir, rp_format_file(all[i].f), all[i].fn, r, msg, sizeof msg) != 0 &&
            rc == 0) {
            snprintf(err, errlen, "%s", msg);
            rc = -1;
        }
    }
    return rc;
}
