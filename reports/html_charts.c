/* reports/html_charts.c — the summaries and pictures of report.html: the cases per rule
 * (counts per verdict, and how often the rule was one of a case's other findings), the
 * cases per command (counts per verdict), the exchanges per command and form (p50/p95/max
 * latency against the limit), a latency chart per command and form (every exchange of
 * every case, from the cases' steps, or the case's own exchange when it recorded none), and
 * a timeline per flow case (the ones that did not pass first). Grouping is by sorting,
 * never a quadratic walk. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/xalloc.h"
#include "reports/html.h"

#define h rp_html_text

static int cmp0(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* ---- by rule ---------------------------------------------------------------------------- */

/* A rule as a case checked it (v a verdict) or as one of its other findings (v -1). */
struct rule_ref {
    const char *s;
    size_t len;
    int v;
};

static int cmp_rule(const void *pa, const void *pb)
{
    const struct rule_ref *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int d = memcmp(a->s, b->s, n);
    return d ? d : (a->len > b->len) - (a->len < b->len);
}

static void push_rule(struct rule_ref **v, size_t *n, size_t *cap, const char *s, size_t len, int verdict)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *v = oc_xrealloc(*v, *cap * sizeof **v);
    }
    (*v)[(*n)++] = (struct rule_ref){s, len, verdict};
}

static void count_cell(FILE *out, size_t n, const char *cls)
{
    if (n)
        fprintf(out, "<td class=\"n %s\">%zu</td>", cls, n);
    else
        fputs("<td class=\"n muted\">0</td>", out);
}

static void by_rule(FILE *out, const struct rp_results *r)
{
    struct rule_ref *v = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct rp_case *c = &r->cases[i];
        if (c->rule && *c->rule)
            push_rule(&v, &n, &cap, c->rule, strlen(c->rule), (int)c->verdict);
        for (const char *p = c->others; p && *p;) { /* "rule: seen [source]" per line */
            const char *e = strchr(p, '\n'), *colon = strchr(p, ':');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            if (colon && (size_t)(colon - p) < len && colon > p)
                push_rule(&v, &n, &cap, p, (size_t)(colon - p), -1);
            p += len + (e ? 1 : 0);
        }
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_rule);
    fputs("<h2 id=\"by-rule\">By rule</h2>\n<table class=\"sum rules\">\n"
          "<colgroup><col style=\"width:24%\"><col span=\"7\"></colgroup>\n"
          "<thead><tr><th>rule the case checks</th><th class=\"n\">cases</th><th class=\"n\">FAIL</th>"
          "<th class=\"n\">ERROR</th><th class=\"n\">WARN</th><th class=\"n\">PASS</th>"
          "<th class=\"n\">N/A</th><th class=\"n\">also another finding of a case</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < n;) {
        size_t j = i, k[5] = {0}, other = 0, cases = 0;
        for (; j < n && cmp_rule(&v[i], &v[j]) == 0; j++) {
            if (v[j].v < 0)
                other++;
            else {
                k[v[j].v]++;
                cases++;
            }
        }
        char *name = oc_xmemdup0(v[i].s, v[i].len);
        bool bad = k[RP_FAIL] + k[RP_ERROR] > 0;
        fprintf(out, "<tr%s><td><a href=\"#cases\" data-q=\"", bad ? " class=\"fail\"" : "");
        h(out, name);
        fputs("\">", out);
        h(out, name);
        fprintf(out, "</a></td><td class=\"n\">%zu</td>", cases);
        count_cell(out, k[RP_FAIL], "fail");
        count_cell(out, k[RP_ERROR], "error");
        count_cell(out, k[RP_WARN], "warn");
        count_cell(out, k[RP_PASS], "pass");
        count_cell(out, k[RP_NA], "na");
        count_cell(out, other, "");
        fputs("</tr>\n", out);
        free(name);
        i = j;
    }
    fputs("</tbody>\n</table>\n", out);
    free(v);
}

/* ---- exchanges, grouped by target, command and form ------------------------------------- */

struct sample {
    const char *command, *form, *text;
    double latency, limit;
    size_t ci; /* the case's index */
    size_t seq;
    unsigned target;
    bool failed;
};

static int cmp_key(unsigned ta, const char *ca, const char *fa, unsigned tb, const char *cb,
                   const char *fb)
{
    if (ta != tb)
        return ta < tb ? -1 : 1;
    int d = cmp0(ca, cb);
    return d ? d : cmp0(fa, fb);
}

static int cmp_sample(const void *pa, const void *pb)
{
    const struct sample *a = pa, *b = pb;
    int d = cmp_key(a->target, a->command, a->form, b->target, b->command, b->form);
    return d ? d : (a->seq > b->seq) - (a->seq < b->seq);
}

static bool is_rule(const struct rp_case *c, const char *rule)
{
    return c->rule && strcmp(c->rule, rule) == 0;
}

/* Every exchange of every case: its steps, or the case's own exchange when it recorded none
 * (failed: a FAIL, or an ERROR of the response time). */
static struct sample *collect(const struct rp_results *r, size_t *n_out)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_cases; i++)
        n += r->cases[i].n_steps ? r->cases[i].n_steps : 1;
    struct sample *v = oc_xmalloc((n ? n : 1) * sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct rp_case *c = &r->cases[i];
        bool bad = c->verdict != RP_PASS && c->verdict != RP_NA;
        if (c->n_steps) {
            for (size_t j = 0; j < c->n_steps; j++) {
                const struct rp_step *st = &c->steps[j];
                if (st->event)
                    continue;
                v[k] = (struct sample){st->command, st->form, st->text, st->latency_ms,
                                       st->limit_ms, i, k, c->target, st->failed && bad};
                k++;
            }
        } else if (c->latency_ms >= 0 && !(c->form && strcmp(c->form, "flow") == 0)) {
            bool failed = c->verdict == RP_FAIL ||
                          (c->verdict == RP_ERROR && is_rule(c, "response-time"));
            v[k] = (struct sample){c->command && *c->command ? c->command : NULL, c->form, c->name,
                                   c->latency_ms, c->limit_ms, i, k, c->target, failed};
            k++;
        }
    }
    qsort(v, k, sizeof *v, cmp_sample);
    *n_out = k;
    return v;
}

/* A case by its key: its command and form; a flow by its name ("flow fota"). */
struct case_key {
    const char *command, *form;
    unsigned target;
    enum rp_verdict verdict;
};

static int cmp_case_key(const void *pa, const void *pb)
{
    const struct case_key *a = pa, *b = pb;
    return cmp_key(a->target, a->command, a->form, b->target, b->command, b->form);
}

static int cmp_double(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static const char *vendor_of(const struct rp_results *r, unsigned target)
{
    return target < r->n_targets && r->targets[target].vendor ? r->targets[target].vendor : "?";
}

/* "quectel +QIOTUPDATE write" */
static void key_name(FILE *out, const struct rp_results *r, unsigned target, const char *command,
                     const char *form)
{
    h(out, vendor_of(r, target));
    fputc(' ', out);
    h(out, command ? command : "(a line no grammar knows)");
    if (form) {
        fputc(' ', out);
        h(out, form);
    }
}

/* The rank-th (0..1) of sorted d[0..n): the nearest rank. */
static double pct(const double *d, size_t n, double q)
{
    size_t i = (size_t)(q * (double)n + 0.999999);
    i = i ? i - 1 : 0;
    return d[i < n ? i : n - 1];
}

static void ms_cell(FILE *out, double ms, bool present)
{
    char b[48];
    if (present)
        fprintf(out, "<td class=\"n\">%s</td>", rp_fmt_ms(ms, b, sizeof b));
    else
        fputs("<td></td>", out);
}

/* The groups of samples: [start[g], start[g + 1]). Returns the number of groups. */
static size_t groups(const struct sample *s, size_t n, size_t **start_out)
{
    size_t *start = oc_xmalloc((n + 1) * sizeof *start), g = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || cmp_key(s[i].target, s[i].command, s[i].form, s[i - 1].target, s[i - 1].command,
                              s[i - 1].form) != 0)
            start[g++] = i;
    start[g] = n;
    *start_out = start;
    return g;
}

/* The cases per command (a flow by its name), by verdict. */
static void by_command(FILE *out, const struct rp_results *r)
{
    struct case_key *ck = oc_xmalloc((r->n_cases ? r->n_cases : 1) * sizeof *ck);
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct rp_case *c = &r->cases[i];
        bool flow = c->form && strcmp(c->form, "flow") == 0;
        ck[i] = (struct case_key){flow ? c->name : c->command && *c->command ? c->command : NULL,
                                  NULL, c->target, c->verdict};
    }
    qsort(ck, r->n_cases, sizeof *ck, cmp_case_key);
    fputs("<h2 id=\"by-command\">By command</h2>\n<table class=\"sum commands\">\n"
          "<colgroup><col style=\"width:24%\"><col span=\"6\"></colgroup>\n"
          "<thead><tr><th>command (a flow by its name)</th><th class=\"n\">cases</th>"
          "<th class=\"n\">FAIL</th><th class=\"n\">ERROR</th><th class=\"n\">WARN</th>"
          "<th class=\"n\">PASS</th><th class=\"n\">N/A</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < r->n_cases && !ferror(out);) {
        size_t j = i, k[5] = {0};
        for (; j < r->n_cases && cmp_case_key(&ck[i], &ck[j]) == 0; j++)
            k[ck[j].verdict]++;
        fputs(k[RP_FAIL] + k[RP_ERROR] ? "<tr class=\"fail\"><td>" : "<tr><td>", out);
        h(out, vendor_of(r, ck[i].target));
        fputc(' ', out);
        if (ck[i].command) {
            fputs("<a href=\"#cases\" data-q=\"", out);
            h(out, ck[i].command);
            fputs("\">", out);
            h(out, ck[i].command);
            fputs("</a>", out);
        } else {
            h(out, "(a line no grammar knows)");
        }
        fprintf(out, "</td><td class=\"n\">%zu</td>", j - i);
        count_cell(out, k[RP_FAIL], "fail");
        count_cell(out, k[RP_ERROR], "error");
        count_cell(out, k[RP_WARN], "warn");
        count_cell(out, k[RP_PASS], "pass");
        count_cell(out, k[RP_NA], "na");
        fputs("</tr>\n", out);
        i = j;
    }
    fputs("</tbody>\n</table>\n", out);
    free(ck);
}

/* The response time of the exchanges per command and form. */
static void by_form(FILE *out, const struct rp_results *r, const struct sample *s,
                    const size_t *start, size_t ng)
{
    size_t maxg = 0;
    for (size_t g = 0; g < ng; g++)
        if (start[g + 1] - start[g] > maxg)
            maxg = start[g + 1] - start[g];
    double *lat = oc_xmalloc((maxg ? maxg : 1) * sizeof *lat);
    fputs("<h2 id=\"by-form\">Response time by command and form</h2>\n<p>Every exchange the "
          "cases made (set-up steps too), from the last byte of the command to the last byte of "
          "its final result: the median, the 95th percentile and the slowest, against the "
          "grammar's limit.</p>\n<table class=\"sum forms\">\n"
          "<colgroup><col style=\"width:24%\"><col span=\"8\"></colgroup>\n"
          "<thead><tr><th>command, form</th><th class=\"n\">exchanges</th><th class=\"n\">p50 ms</th>"
          "<th class=\"n\">p95 ms</th><th class=\"n\">max ms</th><th class=\"n\">limit ms</th>"
          "<th class=\"n\">over the limit</th><th class=\"n\">no final result</th>"
          "<th class=\"n\">a verdict's</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t g = 0; g < ng && !ferror(out); g++) {
        const struct sample *x = &s[start[g]];
        size_t nl = 0, over = 0, nofinal = 0, failed = 0, n = start[g + 1] - start[g];
        double limit = 0;
        for (size_t j = start[g]; j < start[g + 1]; j++) {
            failed += s[j].failed;
            if (s[j].limit > limit)
                limit = s[j].limit;
            if (s[j].latency < 0) {
                nofinal++;
                continue;
            }
            lat[nl++] = s[j].latency;
            over += s[j].limit > 0 && s[j].latency > s[j].limit;
        }
        qsort(lat, nl, sizeof *lat, cmp_double);
        fputs(over + nofinal + failed ? "<tr class=\"fail\"><td>" : "<tr><td>", out);
        key_name(out, r, x->target, x->command, x->form);
        fprintf(out, " <a href=\"#lat-%zu\">chart</a></td><td class=\"n\">%zu</td>", g + 1, n);
        ms_cell(out, nl ? pct(lat, nl, 0.5) : 0, nl > 0);
        ms_cell(out, nl ? pct(lat, nl, 0.95) : 0, nl > 0);
        ms_cell(out, nl ? lat[nl - 1] : 0, nl > 0);
        ms_cell(out, limit, limit > 0);
        count_cell(out, over, "fail");
        count_cell(out, nofinal, "fail");
        count_cell(out, failed, "fail");
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    free(lat);
}

/* ---- pictures ----------------------------------------------------------------------------- */

static void latency_charts(FILE *out, const struct rp_results *r, const bool *detailed,
                           const struct sample *s, const size_t *start, size_t ng)
{
    fputs("<h2 id=\"charts\">Charts</h2>\n<h3>Response time per command and form</h3>\n"
          "<p>Every exchange, in the order it was made (set-up steps included), against the "
          "grammar's limit (the dashed line); a cross marks the exchange a verdict was about. "
          "Hover a point for its line and case.</p>\n",
          out);
    if (!ng)
        fputs("<p class=\"muted\">No exchange was timed.</p>\n", out);
    fputs("<div class=\"charts\">\n", out);
    size_t maxg = 0;
    for (size_t g = 0; g < ng; g++)
        if (start[g + 1] - start[g] > maxg)
            maxg = start[g + 1] - start[g];
    struct svg_point *p = oc_xmalloc((maxg ? maxg : 1) * sizeof *p);
    size_t *keep = oc_xmalloc((maxg ? maxg : 1) * sizeof *keep);
    for (size_t g = 0; g < ng && !ferror(out); g++) {
        size_t n = start[g + 1] - start[g];
        const struct sample *x = &s[start[g]];
        double limit = 0;
        for (size_t j = 0; j < n; j++) {
            p[j] = (struct svg_point){x[j].latency, x[j].failed, NULL, NULL};
            if (x[j].limit > limit)
                limit = x[j].limit;
        }
        /* labels and links for the points drawn only */
        struct oc_arena a;
        oc_arena_init(&a, 64 * 1024);
        size_t run = 1, nk = svg_thin(p, n, keep, &run);
        for (size_t j = 0; j < nk; j++) {
            const struct sample *e = &x[keep[j]];
            const struct rp_case *c = &r->cases[e->ci];
            char ms[48], label[RP_STEP_TEXT_MAX + 160];
            if (e->latency >= 0)
                snprintf(ms, sizeof ms, "%s ms", rp_fmt_ms(e->latency, label, sizeof label));
            else
                snprintf(ms, sizeof ms, "no final result");
            int len = snprintf(label, sizeof label, "%s: %s (case %zu, %s)", e->text ? e->text : "?", ms,
                               e->ci + 1, rp_verdict_name(c->verdict));
            p[keep[j]].label = oc_arena_strndup(&a, label, len < 0 ? 0 : (size_t)len);
            if (detailed[e->ci]) {
                len = snprintf(label, sizeof label, "#case-%zu", e->ci + 1);
                p[keep[j]].href = oc_arena_strndup(&a, label, (size_t)len);
            }
        }
        fprintf(out, "<div class=\"chart\" id=\"lat-%zu\">\n", g + 1);
        char title[400]; /* svg_latency_chart escapes it */
        snprintf(title, sizeof title, "%s %s%s%s", vendor_of(r, x->target),
                 x->command ? x->command : "(a line no grammar knows)", x->form ? " " : "",
                 x->form ? x->form : "");
        struct svg_series series = {NULL, "a", p, n};
        svg_latency_chart(out, title, &series, 1, limit, 640);
        fputs("</div>\n", out);
        oc_arena_free(&a);
    }
    fputs("</div>\n", out);
    free(p);
    free(keep);
}

/* Which flows get a timeline: the FAIL and ERROR ones, then the WARN ones, then the others,
 * in the order they ended, at most RP_HTML_MAX_TIMELINES (html.c links to the same). */
static int flow_rank(const struct rp_case *c)
{
    return c->verdict == RP_FAIL || c->verdict == RP_ERROR ? 0 : c->verdict == RP_WARN ? 1 : 2;
}

static void timeline(FILE *out, const struct rp_results *r, const bool *detailed, size_t i)
{
    const struct rp_case *c = &r->cases[i];
    struct svg_event *e = oc_xmalloc(c->n_steps * sizeof *e);
    struct oc_arena a;
    oc_arena_init(&a, 16 * 1024);
    double last = 0;
    for (size_t j = 0; j < c->n_steps; j++) {
        const struct rp_step *st = &c->steps[j];
        const char *label = st->text;
        if (!st->event) {
            char b[RP_STEP_TEXT_MAX + 64], ms[48];
            int len = snprintf(b, sizeof b, st->latency_ms >= 0 ? "%s (%s ms)" : "%s (%s)",
                               st->text ? st->text : "?",
                               st->latency_ms >= 0 ? rp_fmt_ms(st->latency_ms, ms, sizeof ms)
                                                   : "no final result");
            label = oc_arena_strndup(&a, b, len < 0 ? 0 : (size_t)len);
        }
        e[j] = (struct svg_event){st->t_ms, !st->event, st->failed && c->verdict != RP_PASS, label};
        double end = st->t_ms + (st->latency_ms > 0 ? st->latency_ms : 0);
        if (end > last)
            last = end;
    }
    struct svg_timeline tl = {NULL, "a", e, c->n_steps, c->duration_ms > last ? c->duration_ms : last,
                              c->stall_limit_ms, c->total_limit_ms};
    char title[600];
    snprintf(title, sizeof title, "%zu. %s %s: %s%s%s", i + 1, rp_verdict_name(c->verdict),
             c->suite ? c->suite : "", c->name ? c->name : c->id, c->rule && c->verdict != RP_PASS ? " — " : "",
             c->rule && c->verdict != RP_PASS ? c->rule : "");
    fprintf(out, "<div class=\"flow %s\" id=\"tl-%zu\">\n", rp_html_vclass(c->verdict), i + 1);
    svg_flow_timeline(out, title, &tl, 1, 1240);
    if (c->n_steps_dropped)
        fprintf(out, "<p class=\"svg-note\">%zu more steps were not recorded (a case keeps %d).</p>\n",
                c->n_steps_dropped, RP_MAX_STEPS);
    if (detailed[i])
        fprintf(out, "<p class=\"svg-note\"><a href=\"#case-%zu\">the case's findings and "
                     "transcript</a></p>\n",
                i + 1);
    fputs("</div>\n", out);
    oc_arena_free(&a);
    free(e);
}

static void timelines(FILE *out, const struct rp_results *r, const bool *detailed)
{
    fputs("<h3>Flow timelines</h3>\n", out);
    size_t drawn = 0, flows = 0;
    for (int rank = 0; rank < 3; rank++)
        for (size_t i = 0; i < r->n_cases && !ferror(out); i++) {
            const struct rp_case *c = &r->cases[i];
            if (!rp_html_is_flow(c) || flow_rank(c) != rank)
                continue;
            flows++;
            if (drawn < RP_HTML_MAX_TIMELINES) {
                timeline(out, r, detailed, i);
                drawn++;
            }
        }
    if (!flows)
        fputs("<p class=\"muted\">No flow recorded its events.</p>\n", out);
    else if (drawn < flows)
        fprintf(out, "<p class=\"svg-note\">%zu of %zu flow cases drawn (at most %d: the failing ones "
                     "first).</p>\n",
                drawn, flows, RP_HTML_MAX_TIMELINES);
}

void rp_html_summaries(FILE *out, const struct rp_results *r, const bool *detailed)
{
    by_rule(out, r);
    size_t n = 0, *start = NULL;
    struct sample *s = collect(r, &n);
    size_t ng = groups(s, n, &start);
    by_command(out, r);
    by_form(out, r, s, start, ng);
    latency_charts(out, r, detailed, s, start, ng);
    timelines(out, r, detailed);
    free(start);
    free(s);
}
