/* reports/files.c — where the report files go: the report directory made with its parents,
 * and each file written atomically (DIR/.NAME.tmp.<pid>, fsync, rename(2) into place, then
 * the directory fsynced), so that a reader sees the old file or the whole new one, never
 * half of one. Every write is checked: the first write(2) error is kept (stdio's flag is
 * sticky, errno is not), then fflush, ferror, fsync and close. On any error the temporary
 * file is removed, the final name is left as it was, and the message names the path and the
 * system's reason. Also: the list of what was written (rp_files) and its printing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "reports/report_internal.h"

int rp_mkdirs(const char *dir, char *err, size_t errlen)
{
    size_t n = strlen(dir);
    char *p = oc_xstrdup(dir);
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

/* The temporary file rp_write_atomic is writing, for rp_remove_temporary: a process that
 * runs out of memory in the middle of a report ends without returning there. */
static const char *temporary;

static char *join(const char *dir, const char *prefix, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
    char *p = oc_xmalloc(n);
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

/* The temporary file's stdio stream writes through this sink, which keeps the first
 * write(2) error: stdio's error flag is sticky but errno is not, so the reason reported is
 * the write's own ("No space left on device"), not whatever a later call left in errno.
 * After a failure nothing more is written (a full disk is not hammered with the rest of a
 * large report). */
struct sink {
    int fd;
    int err; /* the first write error, or 0 */
};

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    struct sink *s = cookie;
    if (s->err) {
        errno = s->err;
        return -1;
    }
    s->err = oc_write_all(s->fd, buf, n);
    if (s->err) {
        errno = s->err;
        return -1;
    }
    return (ssize_t)n;
}

static int sink_close(void *cookie)
{
    (void)cookie; /* the descriptor is closed by rp_write_atomic, which checks it */
    return 0;
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
    struct sink sk = {.fd = -1};

    (void)unlink(tmp); /* a leftover of an earlier process with our pid */
    sk.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (sk.fd < 0) {
        snprintf(err, errlen, "cannot create %s (as %s): %s", final, tmp, strerror(errno));
        goto out;
    }
    temporary = tmp;
    f = fopencookie(&sk, "w", (cookie_io_functions_t){.write = sink_write, .close = sink_close});
    if (!f)
        oc_out_of_memory(0); /* it fails for lack of memory alone; the handler removes tmp */
    errno = 0;
    int formatted = fn(f, r);
    int flushed = fflush(f);
    bool bad = ferror(f) != 0;
    int closed = fclose(f); /* stdio's buffer: sink_close leaves the descriptor open */
    f = NULL;
    if (sk.err || bad || flushed != 0 || closed != 0) {
        snprintf(err, errlen, "cannot write %s: %s", final, strerror(sk.err ? sk.err : EIO));
        goto fail;
    }
    if (formatted != 0) {
        snprintf(err, errlen, "cannot format %s", final);
        goto fail;
    }
    if (fsync(sk.fd) != 0 && errno != EINVAL && errno != EROFS) {
        snprintf(err, errlen, "cannot write %s: %s (fsync)", final, strerror(errno));
        goto fail;
    }
    int e = close(sk.fd) != 0 ? errno : 0;
    sk.fd = -1;
    if (e && e != EINTR) {
        snprintf(err, errlen, "cannot write %s: %s (close)", final, strerror(e));
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
    if (sk.fd >= 0)
        close(sk.fd);
    (void)unlink(tmp);
out:
    temporary = NULL;
    free(tmp);
    free(final);
    return rc;
}

void rp_remove_temporary(void)
{
    if (temporary)
        (void)unlink(temporary);
}

int rp_write_formats(const char *dir, unsigned formats, const struct rp_results *r,
                     struct rp_files *files, char *err, size_t errlen)
{
    int rc = 0;
    char msg[sizeof files->f[0].why];
    for (size_t i = 0; i < RP_N_FORMATS; i++) {
        const struct rp_format_desc *d = &rp_formats[i];
        if (!(formats & d->bit))
            continue;
        bool ok = rp_write_atomic(dir, d->file, d->write, r, msg, sizeof msg) == 0;
        if (files)
            rp_files_add(files, d->file, ok ? NULL : msg);
        if (!ok && rc == 0) {
            snprintf(err, errlen, "%s", msg);
            rc = -1;
        }
    }
    if (files) {
        size_t before = files->n;
        rp_write_sums(dir, files);
        const struct rp_file_status *sums = &files->f[files->n - 1];
        if (files->n > before && !sums->written && rc == 0) {
            snprintf(err, errlen, "%s", sums->why);
            rc = -1;
        }
    }
    return rc;
}

/* ---- what was written ------------------------------------------------------------------ */

void rp_files_add(struct rp_files *files, const char *name, const char *why)
{
    if (files->n >= RP_MAX_FILES)
        return;
    struct rp_file_status *s = &files->f[files->n++];
    s->name = name;
    s->written = why == NULL;
    snprintf(s->why, sizeof s->why, "%s", why ? why : "");
}

bool rp_files_ok(const struct rp_files *files)
{
    for (size_t i = 0; i < files->n; i++)
        if (!files->f[i].written)
            return false;
    return true;
}

void rp_print_files(FILE *out, FILE *errout, const char *prefix, const char *dir,
                    const struct rp_files *files)
{
    size_t n = 0;
    const char *slash = *dir && dir[strlen(dir) - 1] == '/' ? "" : "/";
    for (size_t i = 0; i < files->n; i++)
        if (files->f[i].written)
            fprintf(out, "%s%s", n++ ? ", " : "reports written: ", files->f[i].name);
    if (n)
        fprintf(out, " (in %s%s)\n", dir, slash);
    else
        fprintf(out, "reports written: none (in %s%s)\n", dir, slash);
    fflush(out);
    for (size_t i = 0; i < files->n; i++)
        if (!files->f[i].written)
            fprintf(errout, "%s: not written: %s: %s\n", prefix, files->f[i].name, files->f[i].why);
}
