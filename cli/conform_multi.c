/* cli/conform_multi.c — `otacheck conform` with several modules at once (repeated --target,
 * or one capability file per module): one child `otacheck conform` per module, in parallel,
 * each a process of its own (its own vendor, capability file, CUnit registry and state; a
 * module that hangs, vanishes or crashes its child stops no other), writing its own reports
 * in DIR/targets/N/ and streaming its results.jsonl lines to this parent on a pipe
 * (--stream-fd). The parent is the one writer of the run's reports in DIR: every target and
 * every case as it comes (reports/forward.h), --format lava's signals, the summary at the
 * end. Exit status: the highest of the children's (a child ended by a signal counts as 1,
 * with an ERROR case saying so), or 4 when the parent's reports could not be written. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/conform_multi.h"
#include "common/xalloc.h"
#include "conformance/conform.h"
#include "reports/forward.h"

/* the fd a child's stream arrives on, in the child */
#define CHILD_STREAM_FD 3

struct child {
    const struct cm_module *m;
    unsigned index;          /* from 1: DIR/targets/N */
    pid_t pid;
    int fd;                  /* the read end of its stream, -1 once at its end */
    char *buf;
    size_t len, cap;
    struct rp_forward fw;
    int status;              /* its exit status, or 128 + signal */
    bool at_end;             /* its stream has ended; its lines may wait (see the loop) */
    bool reaped, bad_line;
};

/* The child's argument vector: the run's own options but those that differ per module,
 * then the module's. */
static char **child_argv(const struct cm_run *r, const struct child *c, const char *self, char *dir,
                         char *formats, char *fd)
{
    size_t n = 0;
    char **v = oc_xcalloc((size_t)r->argc + 16, sizeof *v);
    v[n++] = (char *)self;
    v[n++] = (char *)"conform";
    for (int i = 1; i < r->argc; i++)
        if (!r->per_module[i])
            v[n++] = r->argv[i];
    v[n++] = (char *)"--target";
    v[n++] = (char *)c->m->spec;
    if (c->m->vendor) {
        v[n++] = (char *)"--vendor";
        v[n++] = (char *)c->m->vendor;
    }
    if (c->m->caps) {
        v[n++] = (char *)"--caps";
        v[n++] = (char *)c->m->caps;
    }
    v[n++] = (char *)"--report-dir";
    v[n++] = dir;
    v[n++] = (char *)"--format";
    v[n++] = formats;
    v[n++] = (char *)"--quiet";
    v[n++] = (char *)"--stream-fd";
    v[n++] = fd;
    v[n] = NULL;
    return v;
}

/* The formats of mask that are files (not a live one: the parent prints those), by name. */
static void file_formats(unsigned mask, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < RP_N_FORMATS; i++)
        if ((mask & rp_formats[i].bit) && !rp_formats[i].live && used < n)
            used += (size_t)snprintf(out + used, n - used, "%s%s", used ? "," : "", rp_formats[i].name);
    if (!out[0])
        snprintf(out, n, "json");
}

static int start(const struct cm_run *r, struct child *c, const char *self)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    char dir[1200], formats[128], fd[8];
    snprintf(dir, sizeof dir, "%s/targets/%u", r->dir, c->index);
    file_formats(r->formats, formats, sizeof formats);
    snprintf(fd, sizeof fd, "%d", CHILD_STREAM_FD);
    char **argv = child_argv(r, c, self, dir, formats, fd);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        free(argv);
        return -1;
    }
    if (pid == 0) {
        signal(SIGINT, SIG_IGN); /* the parent says when to stop (SIGTERM) */
        if (dup2(p[1], CHILD_STREAM_FD) < 0)
            _exit(127);
        int nul = open("/dev/null", O_WRONLY);
        if (nul >= 0) /* its summary is the parent's to print; its errors stay on stderr */
            dup2(nul, 1);
        execv(self, argv);
        fprintf(stderr, "otacheck conform: cannot run %s: %s\n", self, strerror(errno));
        _exit(127);
    }
    free(argv);
    close(p[1]);
    c->pid = pid;
    c->fd = p[0];
    return 0;
}

/* A case of the run itself, for a child that could not say why it stopped. */
static void child_case(struct rp_writer *w, const struct child *c, const char *why)
{
    char id[160], name[200];
    snprintf(id, sizeof id, "%s/run/target-%u", c->m->vendor ? c->m->vendor : "module", c->index);
    snprintf(name, sizeof name, "the run of target %u (%s)", c->index, c->m->spec);
    struct rp_case rc = {
        .id = id,
        .suite = "otacheck",
        .name = name,
        .vendor = c->m->vendor,
        .command = "",
        .form = "none",
        .verdict = RP_ERROR,
        .rule = NULL,
        .reason = why,
        .latency_ms = -1,
        .first_byte_ms = -1,
        .limit_ms = -1,
        .duration_ms = -1,
        .transcript = "",
        .target = c->fw.n_targets ? c->fw.map[0] : (unsigned)-1,
    };
    rp_case(w, &rc);
}

/* Every complete line in the child's buffer. */
static void take_lines(const struct cm_run *r, struct rp_writer *w, struct child *c)
{
    if (!c->len)
        return; /* nothing read yet (and no buffer) */
    size_t at = 0;
    for (;;) {
        char *nl = memchr(c->buf + at, '\n', c->len - at);
        if (!nl)
            break;
        size_t n = (size_t)(nl - (c->buf + at));
        char err[400];
        unsigned before = c->fw.cases;
        if (n && rp_forward_line(w, &c->fw, c->buf + at, n, err, sizeof err) != 0 && !c->bad_line) {
            c->bad_line = true;
            fprintf(stderr, "otacheck conform: target %u: %s\n", c->index, err);
        }
        if (c->fw.cases != before && r->progress) {
            fprintf(r->progress, "[target %u] %-5s %s\n", c->index, rp_verdict_name(c->fw.last_verdict),
                    c->fw.last_id);
            fflush(r->progress);
        }
        at += n + 1;
    }
    memmove(c->buf, c->buf + at, c->len - at);
    c->len -= at;
}

static void reap(struct rp_writer *w, struct child *c)
{
    int st = 0;
    while (waitpid(c->pid, &st, 0) < 0 && errno == EINTR)
        ;
    c->reaped = true;
    char why[300];
    if (WIFSIGNALED(st)) {
        c->status = 128 + WTERMSIG(st);
        snprintf(why, sizeof why, "otacheck conform for %s ended by signal %d (%s) after %u cases: "
                 "its report in targets/%u is what it wrote", c->m->spec, WTERMSIG(st),
                 strsignal(WTERMSIG(st)), c->fw.cases, c->index);
        child_case(w, c, why);
    } else {
        c->status = WEXITSTATUS(st);
        if (!c->fw.ended && c->status != EXIT_USAGE) {
            snprintf(why, sizeof why, "otacheck conform for %s exited %d after %u cases without "
                     "ending its stream", c->m->spec, c->status, c->fw.cases);
            child_case(w, c, why);
        }
    }
}

int cm_conform_run(const struct cm_run *r, struct rp_writer *w)
{
    char self[1024];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl <= 0) {
        fprintf(stderr, "otacheck conform: cannot find its own program (/proc/self/exe)\n");
        return EXIT_USAGE;
    }
    self[sl] = '\0';
    struct child *cs = oc_xcalloc(r->n_modules, sizeof *cs);
    size_t running = 0;
    for (size_t i = 0; i < r->n_modules; i++) {
        cs[i].m = &r->modules[i];
        cs[i].index = (unsigned)i + 1;
        cs[i].fd = -1;
        if (start(r, &cs[i], self) != 0) {
            fprintf(stderr, "otacheck conform: cannot start the run of %s: %s\n", cs[i].m->spec,
                    strerror(errno));
            cs[i].reaped = true;
            cs[i].status = EXIT_USAGE;
            continue;
        }
        running++;
    }
    bool stopping = false;
    struct pollfd *pf = oc_xcalloc(r->n_modules, sizeof *pf);
    struct child **who = oc_xcalloc(r->n_modules, sizeof *who);
    while (running) {
        if (cf_conform_stop_requested() && !stopping) { /* Ctrl-C: each child ends its case and writes its reports */
            stopping = true;
            for (size_t i = 0; i < r->n_modules; i++)
                if (cs[i].fd >= 0)
                    kill(cs[i].pid, SIGTERM);
        }
        size_t n = 0;
        for (size_t i = 0; i < r->n_modules; i++)
            if (cs[i].fd >= 0 && !cs[i].at_end) {
                who[n] = &cs[i];
                pf[n++] = (struct pollfd){cs[i].fd, POLLIN, 0};
            }
        if (n && poll(pf, n, 500) < 0 && errno != EINTR)
            break;
        for (size_t j = 0; j < n; j++) {
            struct child *c = who[j];
            if (!(pf[j].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (c->len + 65536 > c->cap)
                c->buf = oc_xrealloc(c->buf, c->cap = (c->len + 65536) * 2);
            ssize_t k = read(c->fd, c->buf + c->len, c->cap - c->len);
            if (k < 0 && (errno == EAGAIN || errno == EINTR))
                continue;
            if (k > 0) {
                c->len += (size_t)k;
                continue;
            }
            c->at_end = true; /* the child exited, or closed the stream */
        }
        /* in the modules' order: a child's lines wait until every child before it has
         * announced its target (or ended), so that the run's targets are numbered as the
         * modules and as their directories targets/N are */
        bool before_ready = true;
        for (size_t i = 0; i < r->n_modules; i++) {
            struct child *c = &cs[i];
            if (c->fd >= 0 && before_ready)
                take_lines(r, w, c);
            if (c->fd >= 0 && c->at_end && before_ready) {
                close(c->fd);
                c->fd = -1;
                reap(w, c);
                running--;
            }
            before_ready = before_ready && (c->fd < 0 || c->fw.n_targets > 0);
        }
    }
    free(who);
    free(pf);
    int worst = EXIT_PASS;
    for (size_t i = 0; i < r->n_modules; i++) {
        struct child *c = &cs[i];
        int st = c->status > 4 ? EXIT_FAIL : c->status;
        if (st > worst)
            worst = st;
        struct rp_counts k = c->fw.counts;
        printf("target %u %s: %u cases: %u passed, %u warned, %u failed, %u N/A, %u errors; exit %d "
               "(report: %s/targets/%u)\n",
               c->index, c->m->spec, k.total, k.pass, k.warn, k.fail, k.na, k.error, c->status, r->dir,
               c->index);
        free(c->buf);
    }
    free(cs);
    return worst;
}
