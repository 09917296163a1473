/* reports/results.c — the results of a run held in memory (rp_results): owned copies of the
 * run, its targets and its cases, their counts, and the small formatting helpers every
 * format shares (verdict names, a target's identity, durations, the time now). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/report_internal.h"
#include "common/xalloc.h"

const char *rp_rule_before_reason(const struct rp_case *c)
{
    size_t rl = c->rule ? strlen(c->rule) : 0;
    if (c->rule && c->reason && strncmp(c->reason, c->rule, rl) == 0 && c->reason[rl] == ':')
        return NULL;
    return c->rule;
}

const char *rp_verdict_name(enum rp_verdict v)
{
    switch (v) {
    case RP_PASS: return "PASS";
    case RP_FAIL: return "FAIL";
    case RP_NA: return "N/A";
    case RP_ERROR: return "ERROR";
    case RP_WARN: return "WARN";
    }
    return "ERROR";
}

void rp_results_init(struct rp_results *r)
{
    memset(r, 0, sizeof *r);
    oc_arena_init(&r->arena, 64 * 1024);
}

void rp_results_free(struct rp_results *r)
{
    free(r->targets);
    free(r->cases);
    oc_arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? *cap * 2 : 16;
    v = oc_xrealloc(v, c * size);
    *cap = c;
    return v;
}

/* An optional text: rp_clean's copy, with "" as NULL (SCHEMA.md: absent texts are null,
 * never ""), so that the files of a live run and those rebuilt from its stream agree. */
static const char *opt_text(struct oc_arena *a, const struct rp_secrets *s, const char *text)
{
    return text && *text ? rp_clean(a, s, text) : NULL;
}

unsigned rp_results_add_target(struct rp_results *r, const struct rp_target *t,
                               const struct rp_secrets *s)
{
    r->targets = grow(r->targets, &r->cap_targets, r->n_targets, sizeof *r->targets);
    struct rp_target *d = &r->targets[r->n_targets];
    struct oc_arena *a = &r->arena;
    *d = *t;
    d->vendor = rp_clean(a, s, t->vendor);
    d->vendor_name = rp_clean(a, s, t->vendor_name);
    d->spec = rp_clean(a, s, t->spec);
    d->manufacturer = opt_text(a, s, t->manufacturer);
    d->model = opt_text(a, s, t->model);
    d->revision = opt_text(a, s, t->revision);
    d->imei = opt_text(a, s, t->imei);
    d->grammar_source = rp_clean(a, s, t->grammar_source);
    d->dialect = rp_clean(a, s, t->dialect);
    d->caps_file = opt_text(a, s, t->caps_file);
    d->caps_note = opt_text(a, s, t->caps_note);
    d->grammar_sha256 = rp_clean(a, s, t->grammar_sha256);
    d->caps_sha256 = opt_text(a, s, t->caps_sha256);
    d->clock = rp_clean(a, s, t->clock);
    return (unsigned)r->n_targets++;
}

void rp_results_add_case(struct rp_results *r, const struct rp_case *c,
                         const struct rp_secrets *s)
{
    r->cases = grow(r->cases, &r->cap_cases, r->n_cases, sizeof *r->cases);
    struct rp_case *d = &r->cases[r->n_cases++];
    struct oc_arena *a = &r->arena;
    *d = *c;
    d->id = rp_clean(a, s, c->id);
    d->suite = rp_clean(a, s, c->suite);
    d->name = rp_clean(a, s, c->name);
    d->vendor = rp_clean(a, s, c->vendor);
    d->command = opt_text(a, s, c->command);
    d->form = rp_clean(a, s, c->form);
    d->rule = opt_text(a, s, c->rule);
    d->reason = opt_text(a, s, c->reason);
    d->expected = opt_text(a, s, c->expected);
    d->seen = opt_text(a, s, c->seen);
    d->source_kind = opt_text(a, s, c->source_kind);
    d->source = opt_text(a, s, c->source);
    d->others = opt_text(a, s, c->others);
    d->transcript = opt_text(a, s, c->transcript);
    d->steps = NULL;
    d->n_steps = c->n_steps > RP_MAX_STEPS ? RP_MAX_STEPS : c->n_steps;
    d->n_steps_dropped = c->n_steps_dropped + (c->n_steps - d->n_steps);
    if (d->n_steps && c->steps) {
        struct rp_step *st = oc_arena_alloc(a, d->n_steps * sizeof *st);
        for (size_t i = 0; i < d->n_steps; i++) {
            st[i] = c->steps[i];
            st[i].text = opt_text(a, s, c->steps[i].text);
            st[i].command = opt_text(a, s, c->steps[i].command);
            st[i].form = opt_text(a, s, c->steps[i].form);
        }
        d->steps = st;
    } else {
        d->n_steps = 0;
    }
}

static void merge_str(struct rp_results *r, const char **dst, const char *src,
                      const struct rp_secrets *s)
{
    if (src)
        *dst = rp_clean(&r->arena, s, src);
}

void rp_results_merge_run(struct rp_results *r, const struct rp_run *run,
                          const struct rp_secrets *s)
{
    merge_str(r, &r->run.tool_version, run->tool_version, s);
    merge_str(r, &r->run.tool_commit, run->tool_commit, s);
    merge_str(r, &r->run.verdict, run->verdict, s);
    merge_str(r, &r->run.command_line, run->command_line, s);
    merge_str(r, &r->run.host, run->host, s);
    merge_str(r, &r->run.started_at, run->started_at, s);
    merge_str(r, &r->run.finished_at, run->finished_at, s);
    merge_str(r, &r->run.stopped_because, run->stopped_because, s);
    r->run.interrupted = run->interrupted;
}

void rp_results_copy_clean(struct rp_results *dst, const struct rp_results *src,
                           const struct rp_secrets *s)
{
    rp_results_merge_run(dst, &src->run, s);
    for (size_t i = 0; i < src->n_targets; i++)
        rp_results_add_target(dst, &src->targets[i], s);
    for (size_t i = 0; i < src->n_cases; i++)
        rp_results_add_case(dst, &src->cases[i], s);
}

struct rp_counts rp_results_counts(const struct rp_results *r)
{
    struct rp_counts k = {0, 0, 0, 0, 0, 0};
    for (size_t i = 0; i < r->n_cases; i++) {
        k.total++;
        switch (r->cases[i].verdict) {
        case RP_PASS: k.pass++; break;
        case RP_FAIL: k.fail++; break;
        case RP_NA: k.na++; break;
        case RP_ERROR: k.error++; break;
        case RP_WARN: k.warn++; break;
        }
    }
    return k;
}

bool rp_counts_failed(struct rp_counts k, bool strict)
{
    return k.fail > 0 || k.error > 0 || (strict && k.warn > 0);
}

const struct rp_target *rp_results_target(const struct rp_results *r, const struct rp_case *c)
{
    return c->target < r->n_targets ? &r->targets[c->target] : NULL;
}

const char *rp_target_identity(const struct rp_target *t, char *buf, size_t n)
{
    if (!t) {
        snprintf(buf, n, "unknown target");
        return buf;
    }
    size_t o = 0;
    const char *parts[3] = {t->vendor, t->model, t->revision ? t->revision : t->spec};
    buf[0] = '\0';
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i] || !*parts[i] || o >= n)
            continue;
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? " " : "", parts[i]);
    }
    if (!buf[0])
        snprintf(buf, n, "unknown target");
    return buf;
}

char *rp_source_text(const struct rp_case *c)
{
    const char *kind = c->source_kind && *c->source_kind ? c->source_kind : NULL;
    const char *src = c->source && *c->source ? c->source : NULL;
    if (!kind && !src)
        return NULL;
    size_t kl = kind ? strlen(kind) : 0;
    if (kind && src && strncmp(src, kind, kl) == 0 && src[kl] == ':')
        kind = NULL; /* "inferred: why": the source says its kind */
    size_t n = (kind ? strlen(kind) + 2 : 0) + (src ? strlen(src) : 0) + 1;
    char *text = oc_xmalloc(n);
    snprintf(text, n, "%s%s%s", kind ? kind : "", kind && src ? ": " : "", src ? src : "");
    return text;
}

const char *rp_fmt_ms(double ms, char *buf, size_t n)
{
    if (!isfinite(ms)) {
        snprintf(buf, n, "0");
        return buf;
    }
    snprintf(buf, n, "%.3f", ms);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *e = buf + strlen(buf);
        while (e > dot + 1 && e[-1] == '0')
            *--e = '\0';
        if (e == dot + 1)
            *dot = '\0';
    }
    if (strcmp(buf, "-0") == 0)
        snprintf(buf, n, "0");
    return buf;
}

const char *rp_now_iso(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}
