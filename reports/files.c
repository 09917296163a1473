/* reports/files.c — where the report files go: the report directory made with its parents,
 * and each file written atomically (DIR/.NAME.tmp.<pid>, fsync, rename(2) into place, then
 * the directory fsynced), so that a reader sees the old file or the whole new one, never
 * half of one. Every write is checked: the first write(2) error is kept (stdio's flag is
 * sticky, errno is not), then fflush, ferror, fsync and close. On any error the temporary
 * file is removed, the final name is left as it was, and the message names the path and the
 * system's reason. Also: the list of what was written (rp_files) and its printing. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

/* The temporary files rp_write_atomic is writing (one per format: the formats are
 * written in parallel), for rp_remove_temporary: a process that runs out of memory in the
 * middle of a report ends without returning there. The lock is held while a file is
 * created and registered, and taken for good by rp_remove_temporary, so that no writer
 * creates a file after the temporaries were removed. */
static pthread_mutex_t temporary_lock = PTHREAD_MUTEX_INITIALIZER;
static const char *temporary[RP_N_FORMATS + 1];

/* Registers path in a free slot (NULL: unregisters old). */
static void set_temporary(const char *old, const char *path)
{
    for (size_t i = 0; i < sizeof temporary / sizeof temporary[0]; i++)
        if (temporary[i] == old) {
            temporary[i] = path;
            return;
        }
}

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
 * write(2) error: the reason reported is the write's own ("No space left on device"), not
 * whatever a later call left in errno. After a failure nothing more is written (a full disk
 * is not hammered with the rest of a large report), and the sink still takes what it is
 * given: glibc's fwrite of more than its buffer into a cookie stream whose write failed
 * runs past its buffer (a crash on a full disk), so stdio is never told; rp_write_atomic
 * checks the sink's error at the end. */
struct sink {
    int fd;
    int err; /* the first write error, or 0 */
};

static ssize_t sink_write(void *cookie, const char *buf, size_t n)
{
    struct sink *s = cookie;
    if (!s->err)
        s->err = oc_write_all(s->fd, buf, n);
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

    pthread_mutex_lock(&temporary_lock);
    (void)unlink(tmp); /* a leftover of an earlier process with our pid */
    sk.fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    int open_errno = errno;
    if (sk.fd >= 0)
        set_temporary(NULL, tmp);
    pthread_mutex_unlock(&temporary_lock);
    if (sk.fd < 0) {
        snprintf(err, errlen, "cannot create %s (as %s): %s", final, tmp, strerror(open_errno));
        goto out;
    }
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
    pthread_mutex_lock(&temporary_lock);
    set_temporary(tmp, NULL);
    pthread_mutex_unlock(&temporary_lock);
    free(tmp);
    free(final);
    return rc;
}

void rp_remove_temporary(void)
{
    /* taken and kept: the process is ending, and no writer may create a file after this
     * (no thread runs out of memory while it holds the lock: nothing between its lock and
     * unlock allocates) */
    pthread_mutex_lock(&temporary_lock);
    for (size_t i = 0; i < sizeof temporary / sizeof temporary[0]; i++)
        if (temporary[i])
            (void)unlink(temporary[i]);
}

/* One format's file, written by a thread of its own. */
struct format_job {
    const char *dir;
    const struct rp_format_desc *d;
    const struct rp_results *r;
    bool ok, threaded;
    pthread_t th;
    char msg[sizeof ((struct rp_files *)0)->f[0].why];
};

static void *write_job(void *arg)
{
    struct format_job *j = arg;
    j->ok = rp_write_atomic(j->dir, j->d->file, j->d->write, j->r, j->msg, sizeof j->msg) == 0;
    return NULL;
}

int rp_write_formats(const char *dir, unsigned formats, const struct rp_results *r,
                     struct rp_files *files, char *err, size_t errlen)
{
    int rc = 0;
    /* the formats are written at once, each by a thread (a run of 100 000 cases is written
     * in the time of its slowest format); one that cannot start is written here */
    struct format_job job[RP_N_FORMATS];
    size_t n = 0;
    for (size_t i = 0; i < RP_N_FORMATS; i++)
        if (formats & rp_formats[i].bit) {
            job[n] = (struct format_job){.dir = dir, .d = &rp_formats[i], .r = r};
            job[n].threaded = n > 0 && pthread_create(&job[n].th, NULL, write_job, &job[n]) == 0;
            n++;
        }
    for (size_t i = 0; i < n; i++)
        if (!job[i].threaded)
            write_job(&job[i]);
    for (size_t i = 0; i < n; i++)
        if (job[i].threaded)
            pthread_join(job[i].th, NULL);
    /* a file that did not fit while the others were being written (a disk nearly full holds
     * the temporary files of all of them at once) is tried again alone: as many files are
     * written whole as one at a time would */
    for (size_t i = 0; i < n && n > 1; i++)
        if (!job[i].ok)
            write_job(&job[i]);
    for (size_t i = 0; i < n; i++) {
        if (files)
            rp_files_add(files, job[i].d->file, job[i].ok ? NULL : job[i].msg);
        if (!job[i].ok && rc == 0) {
            snprintf(err, errlen, "%s", job[i].msg);
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
