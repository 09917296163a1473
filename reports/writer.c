/* reports/writer.c — the report writer of a run (report.h): keeps a copy of the run, its
 * targets and every case in memory, streams each of them to DIR/results.jsonl as it comes
 * (one JSON object per line, written with one write(2) so that a killed run keeps every
 * case that ended), and at the end writes the other formats atomically.
 *
 * The stream is not fsynced per case: measured on the project's machine (ext4), fsync after
 * each of 1000 lines took 300-900 ms, far over the 100 ms a 1000-case run may spend on its
 * report. A line handed to write(2) survives the process being killed (it is in the
 * kernel's page cache); only a power cut can lose the last lines. rp_finish fsyncs once.
 *
 * A write to the stream that fails (disk full, I/O error, the file size limit) ends the
 * stream: the file is cut back to its last whole line (a reader and `otacheck report --from`
 * see a run that stopped there), the failure is said once at once (rp_on_stream_error), and
 * the run goes on: every case is still kept in memory and judged, rp_finish still attempts the
 * other files, and says results.jsonl was not written whole. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "reports/report_internal.h"

#define RP_STREAM_FILE "results.jsonl"

struct rp_writer {
    char *dir;
    char *stream_path;
    unsigned formats;
    int fd;                    /* results.jsonl; -1 after a write error */
    off_t stream_len;          /* bytes of whole lines in results.jsonl */
    size_t stream_cases;       /* case lines in it */
    struct rp_results res;     /* as given (not masked: secrets may come later) */
    struct rp_secrets secrets;
    char stream_err[512];      /* the first error writing the stream, or "" */
    bool finishing;            /* in rp_finish: the failure is of the end line */
    void (*on_err)(void *ctx, const char *msg);
    void *on_err_ctx;
    struct rp_files files;     /* what rp_finish wrote */
    FILE *live_out;            /* where the live writers write (stdout) */
    int tee_fd;                /* every stream line also goes here (rp_tee_stream), or -1 */
    struct rp_nameset live_ids[RP_N_FORMATS];
};

/* ---- the stream -------------------------------------------------------------------- */

/* The first failure ends the stream: cut back to its last whole line, closed, said once. */
static void stream_fail(struct rp_writer *w, const char *what, int e)
{
    bool first = !w->stream_err[0];
    if (first)
        snprintf(w->stream_err, sizeof w->stream_err, "cannot %s %s: %s", what, w->stream_path, strerror(e));
    if (w->fd >= 0) {
        (void)ftruncate(w->fd, w->stream_len); /* best effort: a reader drops a cut last line */
        close(w->fd);
    }
    w->fd = -1;
    if (!first)
        return;
    char msg[sizeof w->stream_err + 200];
    if (w->finishing)
        snprintf(msg, sizeof msg, "%s (its end line is missing; it holds %zu case%s, every line whole)",
                 w->stream_err, w->stream_cases, w->stream_cases == 1 ? "" : "s");
    else
        snprintf(msg, sizeof msg,
                 "%s (the stream stops after %zu case%s, every line whole; the run goes on, and its "
                 "other reports are still attempted at its end)",
                 w->stream_err, w->stream_cases, w->stream_cases == 1 ? "" : "s");
    if (w->on_err)
        w->on_err(w->on_err_ctx, msg);
    else
        fprintf(stderr, "otacheck: %s\n", msg);
}

/* Appends {"type": type, ...fields of obj} and a newline with one write(2). Takes obj. */
static void stream_line(struct rp_writer *w, const char *type, json_t *obj)
{
    json_t *line = json_object();
    json_object_set_new(line, "type", json_string(type));
    json_object_update_new(line, obj);
    char *text = json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(line);
    if (!text)
        oc_out_of_memory(0); /* an object it dumps for lack of memory alone */
    size_t n = strlen(text);
    text[n] = '\n'; /* json_dumps' terminating NUL becomes the newline */
    size_t off = 0;
    int e = w->fd >= 0 ? oc_write_all(w->fd, text, n + 1) : EBADF;
    if (e && w->fd >= 0)
        stream_fail(w, "write", e);
    else if (!e)
        off = n + 1;
    if (w->fd >= 0 && off == n + 1) {
        w->stream_len += (off_t)off;
        w->stream_cases += strcmp(type, "case") == 0;
    }
    /* the tee's reader (a parent run) may be gone: then it is no longer fed */
    if (w->tee_fd >= 0 && oc_write_all(w->tee_fd, text, n + 1) != 0)
        w->tee_fd = -1;
    free(text);
}

/* ---- the writer -------------------------------------------------------------------- */

static void say_nothing(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

struct rp_writer *rp_open(const char *dir, unsigned formats, char *err, size_t errlen)
{
    if (!dir || !*dir) {
        snprintf(err, errlen, "no report directory given");
        return NULL;
    }
    if (rp_mkdirs(dir, err, errlen) != 0)
        return NULL;
    struct rp_writer *w = oc_xcalloc(1, sizeof *w);
    w->fd = -1;
    w->dir = oc_xstrdup(dir);
    size_t n = strlen(dir) + sizeof RP_STREAM_FILE + 1;
    w->stream_path = oc_xmalloc(n);
    snprintf(w->stream_path, n, "%s/%s", dir, RP_STREAM_FILE);
    w->formats = formats;
    w->live_out = stdout;
    w->tee_fd = -1;
    for (size_t i = 0; i < RP_N_FORMATS; i++)
        w->live_ids[i] = (struct rp_nameset)RP_NAMESET_INIT;
    rp_results_init(&w->res);
    rp_secrets_init(&w->secrets);

    /* An earlier run's files must not pass for this run's if this one is killed. */
    for (size_t i = 0; i < RP_N_FORMATS; i++) {
        if (!(formats & rp_formats[i].bit))
            continue;
        size_t m = strlen(dir) + strlen(rp_formats[i].file) + 2;
        char *old = oc_xmalloc(m);
        snprintf(old, m, "%s/%s", dir, rp_formats[i].file);
        (void)unlink(old);
        free(old);
    }
    {
        size_t m = strlen(dir) + sizeof RP_SUMS_FILE + 1;
        char *old = oc_xmalloc(m);
        snprintf(old, m, "%s/%s", dir, RP_SUMS_FILE);
        (void)unlink(old);
        free(old);
    }

    w->fd = open(w->stream_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", w->stream_path, strerror(errno));
        rp_free(w);
        return NULL;
    }
    char host[256] = "", now[64];
    if (gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    struct rp_run run = {.host = host[0] ? host : NULL, .started_at = rp_now_iso(now, sizeof now)};
    w->on_err = say_nothing; /* a failure here is rp_open's error, said by its caller */
    rp_set_run(w, &run);
    w->on_err = NULL;
    if (w->stream_err[0]) {
        snprintf(err, errlen, "%s", w->stream_err);
        rp_free(w);
        return NULL;
    }
    return w;
}

void rp_on_stream_error(struct rp_writer *w, void (*fn)(void *ctx, const char *msg), void *ctx)
{
    w->on_err = fn;
    w->on_err_ctx = ctx;
}

const char *rp_stream_error(const struct rp_writer *w)
{
    return w->stream_err[0] ? w->stream_err : NULL;
}

const struct rp_files *rp_finish_files(const struct rp_writer *w)
{
    return &w->files;
}

void rp_add_secret(struct rp_writer *w, const char *secret)
{
    rp_secrets_add(&w->secrets, secret);
}

void rp_set_run(struct rp_writer *w, const struct rp_run *run)
{
    rp_results_merge_run(&w->res, run, NULL);
    struct rp_results clean;
    rp_results_init(&clean);
    rp_results_merge_run(&clean, &w->res.run, &w->secrets);
    json_t *o = json_object();
    json_object_set_new(o, "schema", json_string(RP_SCHEMA));
    json_object_update_new(o, rp_run_to_json(&clean.run));
    stream_line(w, "run", o);
    rp_results_free(&clean);
}

unsigned rp_add_target(struct rp_writer *w, const struct rp_target *t)
{
    unsigned index = rp_results_add_target(&w->res, t, NULL);
    struct rp_results clean;
    rp_results_init(&clean);
    rp_results_add_target(&clean, t, &w->secrets);
    stream_line(w, "target", rp_target_to_json(&clean.targets[0], index));
    rp_results_free(&clean);
    return index;
}

void rp_case(struct rp_writer *w, const struct rp_case *c)
{
    rp_results_add_case(&w->res, c, NULL);
    struct rp_results clean;
    rp_results_init(&clean);
    rp_results_add_case(&clean, c, &w->secrets);
    stream_line(w, "case", rp_case_to_json(&clean.cases[0]));
    for (size_t i = 0; i < RP_N_FORMATS; i++)
        if (rp_formats[i].live && (w->formats & rp_formats[i].bit) && w->live_out)
            rp_formats[i].live(w->live_out, &clean.cases[0], &w->live_ids[i]);
    rp_results_free(&clean);
}

void rp_set_live_out(struct rp_writer *w, FILE *out)
{
    w->live_out = out;
}

void rp_tee_stream(struct rp_writer *w, int fd)
{
    w->tee_fd = fd;
}

struct rp_counts rp_counts(const struct rp_writer *w)
{
    return rp_results_counts(&w->res);
}

void rp_each_case(const struct rp_writer *w, void (*fn)(void *ctx, const struct rp_case *c),
                  void *ctx)
{
    for (size_t i = 0; i < w->res.n_cases; i++) {
        struct rp_results clean;
        rp_results_init(&clean);
        rp_results_add_case(&clean, &w->res.cases[i], &w->secrets);
        fn(ctx, &clean.cases[0]);
        rp_results_free(&clean);
    }
}

int rp_finish(struct rp_writer *w, const struct rp_run *run, char *err, size_t errlen)
{
    char now[64];
    if (run)
        rp_results_merge_run(&w->res, run, NULL);
    if (!w->res.run.finished_at) {
        struct rp_run fin = w->res.run;
        fin.finished_at = rp_now_iso(now, sizeof now);
        rp_results_merge_run(&w->res, &fin, NULL);
    }

    struct rp_results clean;
    rp_results_init(&clean);
    rp_results_copy_clean(&clean, &w->res, &w->secrets);
    w->finishing = true;
    off_t before_end = w->stream_len;
    stream_line(w, "end", rp_run_to_json(&clean.run));
    /* a delayed write error shows in fsync or close: the end line is then taken back, so
     * that a stream with an end line is a stream that was written whole */
    int e = 0;
    if (w->fd >= 0 && fsync(w->fd) != 0 && errno != EINVAL && errno != EROFS)
        e = errno;
    if (w->fd >= 0 && !e) {
        int c = close(w->fd) != 0 ? errno : 0;
        w->fd = -1;
        if (c && c != EINTR) {
            w->fd = open(w->stream_path, O_WRONLY | O_CLOEXEC); /* to take the end line back */
            e = c;
        }
    }
    if (e) {
        w->stream_len = before_end;
        stream_fail(w, "write", e);
    }

    memset(&w->files, 0, sizeof w->files);
    char why[sizeof w->files.f[0].why];
    snprintf(why, sizeof why, "%.400s (incomplete: it holds the first %zu case%s, every line whole, and no end line)",
             w->stream_err, w->stream_cases, w->stream_cases == 1 ? "" : "s");
    rp_files_add(&w->files, RP_STREAM_FILE, w->stream_err[0] ? why : NULL);
    int rc = rp_write_formats(w->dir, w->formats, &clean, &w->files, err, errlen);
    rp_results_free(&clean);
    if (w->stream_err[0]) {
        snprintf(err, errlen, "%s", w->stream_err); /* the first failure */
        rc = -1;
    }
    return rc;
}

void rp_free(struct rp_writer *w)
{
    if (!w)
        return;
    if (w->fd >= 0)
        close(w->fd);
    rp_results_free(&w->res);
    rp_secrets_free(&w->secrets);
    for (size_t i = 0; i < RP_N_FORMATS; i++)
        rp_nameset_free(&w->live_ids[i]);
    free(w->dir);
    free(w->stream_path);
    free(w);
}
