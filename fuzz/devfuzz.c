/* fuzz/devfuzz.c — the device fuzzer's run: cases, findings, minimisation, reproducers
 * (see devfuzz.h). */
#include "fuzz/devfuzz.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MS 1000000ull
#define DF_MAX_KEYS 512
#define DF_TRANSCRIPT_MAX (1u << 16)
#define DF_NEW_PER_CASE 3 /* findings of one case minimised and saved at most (the rest
                           * are saved when they come again) */

struct df_run {
    const struct df_options *o;
    struct at_index ix;
    struct df_gen gen;
    struct df_target tg;
    struct fz_lines hist;        /* the last lines sent since the module started (restartable
                                    targets), up to what a reproducer carries */
    struct fz_lines cand;        /* scratch for minimisation */
    char *keys[DF_MAX_KEYS];     /* "rule\twhere" of the findings saved */
    unsigned n_keys;
    bool dir_made;
    struct df_summary *sum;
};

/* ---- findings seen ------------------------------------------------------------------------ */

static bool key_seen(const struct df_run *r, const struct df_finding *f)
{
    for (unsigned i = 0; i < r->n_keys; i++) {
        size_t rl = strlen(f->rule);
        if (strncmp(r->keys[i], f->rule, rl) == 0 && r->keys[i][rl] == '\t' && strcmp(r->keys[i] + rl + 1, f->where) == 0)
            return true;
    }
    return false;
}

static void key_add(struct df_run *r, const struct df_finding *f)
{
    if (r->n_keys >= DF_MAX_KEYS)
        return;
    size_t n = strlen(f->rule) + strlen(f->where) + 2;
    char *k = oc_xmalloc(n);
    snprintf(k, n, "%s\t%s", f->rule, f->where);
    r->keys[r->n_keys++] = k;
}

/* ---- minimisation ------------------------------------------------------------------------- */

struct df_min {
    struct df_run *r;
    const char *rule;
    unsigned runs, max;
    bool broken;                 /* the target could not be brought back: stop trying */
    struct df_finding best;      /* the finding of the last successful try */
    char *transcript;            /* and its transcript */
};

/* Runs a candidate alone on the target; true when the rule fires again. */
static bool try_lines(struct df_min *m, const struct fz_lines *lines)
{
    struct df_target *tg = &m->r->tg;
    if (m->broken || m->runs >= m->max)
        return false;
    m->runs++;
    char err[256];
    if (tg->restartable) {
        if (df_target_restart(tg, err, sizeof err) != 0) {
            m->broken = true;
            return false;
        }
    } else if (!df_target_alive(tg)) {
        m->broken = true;
        return false;
    }
    struct df_outcome out;
    df_run_lines(tg, lines, true, &out);
    if (out.cancelled) {
        m->broken = true; /* the deadline (or a signal): the smallest so far stands */
        return false;
    }
    const struct df_finding *f = df_outcome_find(&out, m->rule);
    if (!f)
        return false;
    m->best = *f;
    df_transcript(tg, m->transcript, DF_TRANSCRIPT_MAX);
    return true;
}

/* cand = the lines of cur in [a, b) (keep) or outside it (!keep). */
static void slice(struct fz_lines *cand, const struct fz_lines *cur, size_t a, size_t b, bool keep)
{
    fz_lines_clear(cand);
    for (size_t i = 0; i < cur->n; i++)
        if ((i >= a && i < b) == keep)
            fz_lines_push(cand, cur->line[i], strlen(cur->line[i]));
}

/* Delta debugging (Zeller's ddmin) over cur's lines, which make the rule fire: on return
 * cur is a smaller sequence that still does (1-minimal unless the tries ran out). */
static void ddmin(struct df_min *m, struct fz_lines *cur)
{
    struct fz_lines *cand = &m->r->cand;
    size_t gran = 2;
    while (cur->n >= 2 && !m->broken && m->runs < m->max) {
        size_t n = cur->n;
        if (gran > n)
            gran = n;
        bool reduced = false;
        for (size_t i = 0; i < gran && !reduced; i++) {
            slice(cand, cur, i * n / gran, (i + 1) * n / gran, true);
            if (try_lines(m, cand)) {
                fz_lines_copy(cur, cand);
                gran = 2;
                reduced = true;
            }
        }
        for (size_t i = 0; gran > 2 && i < gran && !reduced; i++) {
            slice(cand, cur, i * n / gran, (i + 1) * n / gran, false);
            if (try_lines(m, cand)) {
                fz_lines_copy(cur, cand);
                gran = gran - 1 > 2 ? gran - 1 : 2;
                reduced = true;
            }
        }
        if (!reduced) {
            if (gran >= n)
                break;
            gran = gran * 2 < n ? gran * 2 : n;
        }
    }
}

/* The commands of a ';' line, each made a line of its own ("AT" put before those after the
 * first); false when the line holds one command. */
static bool split_commands(const char *line, struct fz_lines *out)
{
    fz_lines_clear(out);
    if (strlen(line) < 2 || (line[0] | 0x20) != 'a' || (line[1] | 0x20) != 't')
        return false;
    bool quoted = false;
    size_t start = 2;
    for (size_t i = 2;; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        if (line[i] == '\0' || (line[i] == ';' && !quoted)) {
            char piece[FZ_REPRO_MAX_LINE + 3];
            int n = snprintf(piece, sizeof piece, "AT%.*s", (int)(i - start), line + start);
            if (i > start && n > 2 && (size_t)n < sizeof piece)
                fz_lines_push(out, piece, (size_t)n);
            if (line[i] == '\0')
                break;
            start = i + 1;
        }
    }
    return out->n > 1;
}

/* After ddmin over lines: a ';' line is tried as each of its commands alone. */
static void split_lines(struct df_min *m, struct fz_lines *cur)
{
    struct fz_lines parts, cand;
    fz_lines_init(&parts);
    fz_lines_init(&cand);
    for (size_t i = 0; i < cur->n && !m->broken && m->runs < m->max; i++) {
        if (!split_commands(cur->line[i], &parts))
            continue;
        for (size_t p = 0; p < parts.n; p++) {
            fz_lines_clear(&cand);
            for (size_t k = 0; k < cur->n; k++)
                if (k == i)
                    fz_lines_push(&cand, parts.line[p], strlen(parts.line[p]));
                else
                    fz_lines_push(&cand, cur->line[k], strlen(cur->line[k]));
            if (try_lines(m, &cand)) {
                fz_lines_copy(cur, &cand);
                break;
            }
        }
    }
    fz_lines_free(&parts);
    fz_lines_free(&cand);
}

/* ---- reproducers -------------------------------------------------------------------------- */

/* "GTOTA-test" from "+GTOTA=?": letters, digits and '-' only. */
static void file_part(const char *where, char *out, size_t cap)
{
    size_t len = strlen(where), o = 0;
    const char *form = "";
    if (len >= 2 && strcmp(where + len - 2, "=?") == 0) {
        form = "-test";
        len -= 2;
    } else if (len >= 1 && where[len - 1] == '?') {
        form = "-read";
        len--;
    } else if (len >= 1 && where[len - 1] == '=') {
        form = "-write";
        len--;
    }
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        char c = where[i];
        bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum)
            out[o++] = c;
        else if ((c == ' ' || c == '-' || c == '_') && o && out[o - 1] != '-')
            out[o++] = '-';
    }
    out[o] = '\0';
    snprintf(out + o, cap - o, "%s", form);
}

static int make_dir(const char *path, char *err, size_t errlen)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                goto fail;
            *p = '/';
        }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
        goto fail;
    return 0;
fail:
    snprintf(err, errlen, "--out %s: cannot create the directory: %s", path, strerror(errno));
    return -1;
}

/* Minimises one finding of case `number` and writes its reproducer. */
static int save_finding(struct df_run *r, uint64_t number, const struct fz_lines *c, const struct df_outcome *out,
                        const struct df_finding *f, const char *case_transcript, char *err, size_t errlen)
{
    const struct df_options *o = r->o;
    struct df_min m = {.r = r, .rule = f->rule, .max = o->max_runs, .best = *f};
    m.transcript = oc_xcalloc(1, DF_TRANSCRIPT_MAX);
    /* the case's own transcript, until a try gives a smaller one */
    snprintf(m.transcript, DF_TRANSCRIPT_MAX, "%s", case_transcript);
    struct fz_lines cur;
    fz_lines_init(&cur);
    fz_lines_copy(&cur, c);
    bool reproduced = false, history = false;
    if (try_lines(&m, &cur)) {
        reproduced = true;
    } else if (r->tg.restartable && r->hist.n > c->n) {
        /* the module's state before the case may matter: the lines before it, as many as a
         * reproducer carries */
        struct fz_lines h;
        fz_lines_init(&h);
        size_t from = r->hist.n > FZ_REPRO_MAX_COMMANDS ? r->hist.n - FZ_REPRO_MAX_COMMANDS : 0;
        for (size_t i = from; i < r->hist.n; i++)
            fz_lines_push(&h, r->hist.line[i], strlen(r->hist.line[i]));
        if (try_lines(&m, &h)) {
            reproduced = history = true;
            fz_lines_copy(&cur, &h);
        }
        fz_lines_free(&h);
    }
    if (reproduced) {
        ddmin(&m, &cur);
        split_lines(&m, &cur);
    }
    /* the other rules the case broke */
    char also[256] = "";
    size_t al = 0;
    for (unsigned i = 0; i < out->n && al + 40 < sizeof also; i++)
        if (strcmp(out->f[i].rule, f->rule) != 0 && !strstr(also, out->f[i].rule))
            al += (size_t)snprintf(also + al, sizeof also - al, "%s%s", al ? ", " : "", out->f[i].rule);
    int rc = 0;
    /* minimised, it may turn out to be a finding saved before (a ';' line whose other
     * command was the culprit) */
    if (reproduced && strcmp(m.best.where, f->where) != 0) {
        if (key_seen(r, &m.best))
            goto out;
        key_add(r, &m.best);
    }
    if (!r->dir_made) {
        if (make_dir(o->out_dir, err, errlen) != 0) {
            rc = DF_NOT_WRITTEN;
            goto out;
        }
        r->dir_made = true;
    }
    char part[80], path[1200];
    file_part(m.best.where, part, sizeof part);
    snprintf(path, sizeof path, "%s/%03u-%s-%s.at", o->out_dir, r->sum->findings + 1, f->rule, part);
    struct fz_repro_info info = {
        .vendor = o->v->id,
        .rule = m.best.rule,
        .where = m.best.where,
        .expected = m.best.expected,
        .seen = m.best.seen,
        .target = o->target,
        .seed = o->seed,
        .case_number = number,
        .case_lines = c->n,
        .runs = m.runs,
        .reproduced = reproduced,
        .needed_history = history,
        .also = also,
        .transcript = m.transcript,
    };
    if (fz_repro_write(path, &info, reproduced ? &cur : c, &r->gen.creds, err, errlen) != 0) {
        rc = DF_NOT_WRITTEN; /* no half file is left: oc_write_file_atomic */
        goto out;
    }
    r->sum->findings++;
    if (o->report) {
        char seen[400];
        fz_creds_hide(&r->gen.creds, m.best.seen, false, seen, sizeof seen);
        fprintf(o->report, "finding: %s at %s (case %llu): %s\n  reproducer: %s (%zu of %zu command lines%s)\n", f->rule,
                m.best.where, (unsigned long long)number, seen, path, reproduced ? cur.n : c->n, c->n,
                reproduced ? "" : "; it did not happen again on replay");
        fflush(o->report);
    }
out:
    fz_lines_free(&cur);
    free(m.transcript);
    return rc;
}

/* The findings of a case that are new: each minimised and saved, most serious first. */
static int handle_findings(struct df_run *r, uint64_t number, const struct fz_lines *c, const struct df_outcome *out,
                           char *err, size_t errlen)
{
    const struct df_finding *order[DF_MAX_FINDINGS];
    unsigned n = 0;
    for (unsigned i = 0; i < out->n; i++)
        if (!key_seen(r, &out->f[i]))
            order[n++] = &out->f[i];
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && df_rule_rank(order[j]->rule) < df_rule_rank(order[j - 1]->rule); j--) {
            const struct df_finding *t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    int rc = 0;
    bool minimised = false;
    char *transcript = n ? oc_xmalloc(DF_TRANSCRIPT_MAX) : NULL;
    if (transcript)
        df_transcript(&r->tg, transcript, DF_TRANSCRIPT_MAX); /* before the tries replace the log */
    for (unsigned i = 0; i < n && i < DF_NEW_PER_CASE; i++) {
        if (r->o->max_findings && r->sum->findings >= r->o->max_findings)
            break;
        key_add(r, order[i]);
        minimised = true;
        if ((rc = save_finding(r, number, c, out, order[i], transcript, err, errlen)) != 0)
            break;
    }
    free(transcript);

    if (minimised && r->tg.restartable) {
        /* the tries left the module in some state: the run goes on with a fresh one */
        char e2[256];
        fz_lines_clear(&r->hist);
        if (df_target_restart(&r->tg, e2, sizeof e2) != 0)
            r->tg.open = false;
    }
    return rc;
}

/* ---- the run ------------------------------------------------------------------------------- */

/* The lines the module got in the case just run — the case's, and the fuzzer's own (AT
 * probes, ATE to restore the echo): a module's state is made of all of them. */
static void remember(struct df_run *r)
{
    const struct hx_session *s = &r->tg.s;
    for (size_t i = 0; r->tg.open && i < s->n_ev; i++)
        if (s->ev[i].sent)
            fz_lines_push(&r->hist, s->ev[i].text, s->ev[i].len);
    if (r->hist.n > FZ_REPRO_MAX_COMMANDS) {
        size_t drop = r->hist.n - FZ_REPRO_MAX_COMMANDS;
        for (size_t i = 0; i < drop; i++)
            free(r->hist.line[i]);
        memmove(r->hist.line, r->hist.line + drop, (r->hist.n - drop) * sizeof r->hist.line[0]);
        r->hist.n -= drop;
    }
}

static void stats(const struct df_run *r, uint64_t t0, bool last)
{
    const struct df_options *o = r->o;
    if (!o->progress)
        return;
    double s = (double)(hx_monotonic_ns() - t0) / 1e9;
    const struct df_summary *sum = r->sum;
    char line[200];
    snprintf(line, sizeof line, "otacheck fuzz: %llu cases, %.0f cases/s, %.0f commands/s, %u finding%s, %.0f s",
             (unsigned long long)sum->cases, s > 0 ? (double)sum->cases / s : 0.0,
             s > 0 ? (double)sum->exchanges / s : 0.0, sum->findings, sum->findings == 1 ? "" : "s", s);
    if (o->progress_tty)
        fprintf(o->progress, "\r%-78s%s", line, last ? "\n" : "");
    else
        fprintf(o->progress, "%s\n", line);
    fflush(o->progress);
}

static int setup(struct df_run *r, const struct df_options *o, struct df_summary *sum, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->o = o;
    r->sum = sum;
    fz_lines_init(&r->hist);
    fz_lines_init(&r->cand);
    const struct gram_vendor *v = o->v;
    const struct gram_dialect *dp = o->d;
    struct gram_dialect dd;
    if (!dp) {
        gram_dialect_default(&dd, v);
        dp = &dd;
    }
    if (at_index_build(&r->ix, &v, &dp, 1) != 0) {
        snprintf(err, errlen, "cannot index the grammar of %s", v->id);
        return -1;
    }
    r->tg.spec = o->target;
    r->tg.gs = o->gs;
    r->tg.v = v;
    r->tg.d = *dp;
    r->tg.margin_ns = o->margin_ns ? o->margin_ns : 1000 * MS;
    r->tg.flow_quiet_ns = o->flow_quiet_ns ? o->flow_quiet_ns : 6000 * MS;
    r->tg.end_quiet_ns = o->end_quiet_ns ? o->end_quiet_ns : 100 * MS;
    r->tg.line_gap_ns = o->line_gap_ns;
    int rc = df_target_open(&r->tg, err, errlen);
    return rc == -1 ? -1 : rc < 0 ? -2 : 0;
}

static void teardown(struct df_run *r)
{
    df_target_close(&r->tg);
    df_gen_free(&r->gen);
    at_index_free(&r->ix);
    fz_lines_free(&r->hist);
    fz_lines_free(&r->cand);
    for (unsigned i = 0; i < r->n_keys; i++)
        free(r->keys[i]);
}

int df_fuzz(const struct df_options *o, struct df_summary *sum, char *err, size_t errlen)
{
    memset(sum, 0, sizeof *sum);
    struct df_run *r = oc_xcalloc(1, sizeof *r);
    int rc = setup(r, o, sum, err, errlen);
    if (rc != 0)
        goto out;
    /* destructive commands: always on the in-process reference module, elsewhere as told */
    bool destructive = o->allow_destructive || strncmp(o->target, "sim:", 4) == 0;
    if (df_gen_init(&r->gen, &r->ix, o->v, o->seed, destructive, o->caps) != 0) {
        snprintf(err, errlen, "the grammar of %s gives no command line to start from", o->v->id);
        rc = -1;
        goto out;
    }
    uint64_t t0 = hx_monotonic_ns(), last_stats = t0;
    uint64_t every = (o->progress_tty ? 1000ull : 5000ull) * MS;
    /* --duration is a promise: no case starts after it, and every wait (a case in hand, a
     * minimisation) ends DF_DURATION_GRACE_NS after it, whatever the module sends */
    df_target_set_limits(&r->tg, o->stop,
                         o->duration_s > 0 ? t0 + (uint64_t)(o->duration_s * 1e9) + DF_DURATION_GRACE_NS : 0);
    struct fz_lines c;
    fz_lines_init(&c);
    struct df_outcome *out = oc_xmalloc(sizeof *out);
    for (uint64_t n = 0;; n++) {
        uint64_t now = hx_monotonic_ns();
        if ((o->max_cases && n >= o->max_cases) || (o->duration_s > 0 && (double)(now - t0) / 1e9 >= o->duration_s))
            break;
        if (o->stop && *o->stop) {
            sum->interrupted = true;
            break;
        }
        if (o->max_findings && sum->findings >= o->max_findings)
            break;
        df_gen_case(&r->gen, n, &c);
        if (o->case_log) {
            fprintf(o->case_log, "# case %llu\n", (unsigned long long)n);
            for (size_t i = 0; i < c.n; i++) {
                char hidden[FZ_REPRO_MAX_LINE * 2 + 64];
                fz_creds_hide(&r->gen.creds, c.line[i], true, hidden, sizeof hidden);
                fprintf(o->case_log, "%s\n", hidden);
            }
        }
        df_run_lines(&r->tg, &c, false, out);
        if (out->cancelled) {
            sum->interrupted = o->stop && *o->stop;
            break;
        }
        sum->cases++;
        sum->exchanges += out->exchanges;
        remember(r);
        bool dead = out->dead || out->lost;
        if (out->n) {
            sum->occurrences++;
            int hr = handle_findings(r, n, &c, out, err, errlen);
            if (hr != 0) {
                rc = hr; /* DF_NOT_WRITTEN: a finding that cannot be saved stops the run */
                break;
            }
        }
        if (df_target_cancelled(&r->tg)) {
            sum->interrupted = o->stop && *o->stop;
            break; /* the deadline or a signal came while its findings were minimised */
        }
        if (dead || !r->tg.open) {
            if (r->tg.restartable) {
                fz_lines_clear(&r->hist);
                if (df_target_restart(&r->tg, err, errlen) != 0) {
                    sum->target_dead = true;
                    break;
                }
            } else if (!r->tg.open || !df_target_alive(&r->tg)) {
                snprintf(err, errlen, "%s: the module stopped answering; the run cannot go on", o->target);
                sum->target_dead = true;
                break;
            }
        }
        if (now - last_stats >= every) {
            last_stats = now;
            sum->seconds = (double)(now - t0) / 1e9;
            stats(r, t0, false);
        }
    }
    sum->seconds = (double)(hx_monotonic_ns() - t0) / 1e9;
    if (o->progress && o->progress_tty)
        stats(r, t0, true);
    free(out);
    fz_lines_free(&c);
out:
    teardown(r);
    free(r);
    return rc;
}

int df_replay(const struct df_options *o, const struct fz_lines *lines, FILE *outf, char *err, size_t errlen)
{
    struct df_summary sum;
    memset(&sum, 0, sizeof sum);
    struct df_run *r = oc_xcalloc(1, sizeof *r);
    int rc = setup(r, o, &sum, err, errlen);
    if (rc != 0)
        goto out;
    df_config_creds(&r->ix, o->v, o->caps, &r->gen.creds);
    struct fz_lines filled;
    fz_lines_init(&filled);
    for (size_t i = 0; i < lines->n; i++) {
        size_t n;
        char *line = fz_creds_fill(&r->gen.creds, lines->line[i], &n);
        fz_lines_push(&filled, line, n);
        free(line);
    }
    struct df_outcome res;
    df_run_lines(&r->tg, &filled, true, &res);
    fz_lines_free(&filled);
    char *t = oc_xmalloc(DF_TRANSCRIPT_MAX), *hidden = oc_xmalloc(DF_TRANSCRIPT_MAX);
    df_transcript(&r->tg, t, DF_TRANSCRIPT_MAX);
    fz_creds_hide(&r->gen.creds, t, false, hidden, DF_TRANSCRIPT_MAX);
    fprintf(outf, "%s", hidden);
    free(t);
    free(hidden);
    for (unsigned i = 0; i < res.n; i++) {
        char seen[400];
        fz_creds_hide(&r->gen.creds, res.f[i].seen, false, seen, sizeof seen);
        fprintf(outf, "finding: %s at %s: expected %s; seen %s\n", res.f[i].rule, res.f[i].where, res.f[i].expected,
                seen);
    }
    rc = (int)res.n;
out:
    teardown(r);
    free(r);
    return rc;
}
