/* reports/diff_html.c — diff.html: otacheck diff as one self-contained page (inline CSS, no
 * script, nothing fetched), in the look of report.html: the two sides, the counts and the
 * outcome, the regressions, fixes and other changes with A's and B's verdicts and reasons
 * side by side, the cases on one side only, the latency table with a chart per command and
 * form overlaying A's and B's exchanges (reports/svg.h), the flows with their timelines A
 * over B, and the modules' identities and dialect choices side by side, what differs marked.
 * Every text is escaped (svg_escape: control bytes as \xNN). */
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "reports/diff_internal.h"
#include "reports/html.h"
#include "reports/svg.h"

/* Rows of a case list, charts and timelines drawn at most; the rest is in diff.json. */
#define HTML_MAX_ROWS 2000
#define HTML_MAX_CHARTS 300
#define HTML_MAX_TIMELINES 100

static const char CSS[] =
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 1em 2em;"
    "color:#1d1d1d;overflow-wrap:anywhere}\n"
    "h1{font-size:1.3em}h2{font-size:1.2em;margin-top:1.4em}h3{font-size:1em}\n"
    "nav a{margin-right:.8em}\n"
    "table{border-collapse:collapse;margin:.4em 0}\n"
    "th,td{border:1px solid #c8c8c8;padding:.2em .45em;text-align:left;vertical-align:top}\n"
    "th{background:#f0f0f0;font-weight:600}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "span.pass,td.pass{background:#d9f2d9}span.fail,td.fail{background:#f8d0d0}\n"
    "span.na,td.na{background:#e4e4e4}span.error,td.error{background:#fbe0b5}\n"
    "span.warn,td.warn{background:#f6eca0}\n"
    "tr.differs td{background:#fff3d6}td.slower{background:#fde2e2}td.faster{background:#e2f5e2}\n"
    ".counts span{display:inline-block;padding:.15em .7em;margin-right:.3em;border-radius:3px;"
    "font-weight:600}\n"
    ".outcome{font-weight:600;padding:.4em .7em;border-radius:3px}\n"
    ".outcome.failed{background:#f8d0d0}.outcome.passed{background:#d9f2d9}\n"
    ".partial{border:2px solid #b00;background:#fff0f0;padding:.6em}\n"
    "code.digest{word-break:break-all;font-size:.8em}\n"
    "table.wide{width:100%;table-layout:fixed}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:0 1em}\n"
    ".muted{color:#777}\n";

static void h(FILE *out, const char *s)
{
    svg_escape(out, s);
}

/* the CSS class of a verdict: the report page's, so both pages colour alike */
static const char *vclass(enum rp_verdict v)
{
    return rp_html_vclass(v);
}

static void cell(FILE *out, const char *s)
{
    fputs("<td>", out);
    if (s)
        h(out, s);
    else
        fputs("<span class=\"muted\">&#x2014;</span>", out);
    fputs("</td>", out);
}

static void num_cell(FILE *out, const char *s, const char *cls)
{
    fprintf(out, "<td class=\"n%s%s\">", cls ? " " : "", cls ? cls : "");
    if (s)
        h(out, s);
    else
        fputs("<span class=\"muted\">&#x2014;</span>", out);
    fputs("</td>", out);
}

/* A side's verdict cell and its reason cell. */
static void verdict_cells(FILE *out, const struct rp_case *c)
{
    if (!c) {
        fputs("<td></td><td></td>", out);
        return;
    }
    fprintf(out, "<td class=\"%s\">%s</td><td>", vclass(c->verdict), rp_verdict_name(c->verdict));
    const char *rule = c->rule && *c->rule ? c->rule : NULL;
    const char *reason = c->reason && *c->reason ? c->reason : NULL;
    if (rule && c->verdict != RP_PASS && c->verdict != RP_NA &&
        !(reason && strncmp(reason, rule, strlen(rule)) == 0 && reason[strlen(rule)] == ':')) {
        fputs("<strong>", out);
        h(out, rule);
        fputs("</strong>", out);
        if (reason)
            fputs(": ", out);
    }
    h(out, reason);
    fputs("</td>", out);
}

static void side_rows(FILE *out, const struct rp_diff *d)
{
    fputs("<table class=\"wide\">\n<thead><tr><th style=\"width:9em\"></th><th>A</th><th>B</th>"
          "</tr></thead>\n<tbody>\n",
          out);
    static const char *const label[] = {"file", "tool", "commit", "command line", "host", "started",
                                        "finished", "run verdict", "cases"};
    for (size_t r = 0; r < sizeof label / sizeof label[0]; r++) {
        fprintf(out, "<tr><th>%s</th>", label[r]);
        for (int s = 0; s < 2; s++) {
            const struct dd_side *sd = &d->side[s];
            const struct rp_run *run = &sd->res.run;
            char b[200];
            const char *v = NULL;
            switch (r) {
            case 0: v = sd->file; break;
            case 1: v = run->tool_version; break;
            case 2: v = run->tool_commit; break;
            case 3: v = run->command_line; break;
            case 4: v = run->host; break;
            case 5: v = run->started_at; break;
            case 6: v = run->finished_at; break;
            case 7: v = run->interrupted ? "interrupted (a partial report)" : run->verdict; break;
            default: {
                struct rp_counts k = rp_results_counts(&sd->res);
                snprintf(b, sizeof b, "%u: %u pass, %u warn, %u fail, %u n/a, %u error", k.total,
                         k.pass, k.warn, k.fail, k.na, k.error);
                v = b;
            }
            }
            cell(out, v);
        }
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

static void counts(FILE *out, const struct rp_diff *d)
{
    const struct rp_diff_counts *k = &d->counts;
    fprintf(out,
            "<p class=\"counts\"><span class=\"fail\">regressions %zu</span>"
            "<span class=\"pass\">fixes %zu</span><span class=\"warn\">other changes %zu</span>"
            "<span class=\"na\">unchanged %zu</span><span>only in A %zu</span>"
            "<span>only in B %zu</span><span>matched %zu</span></p>\n",
            k->regressions, k->fixes, k->other_changes, k->unchanged, k->only_a, k->only_b,
            k->matched);
    static const char *const fail_on[] = {"regress", "change", "never"};
    bool failed = rp_diff_failed(d);
    fprintf(out, "<p class=\"outcome %s\">", failed ? "failed" : "passed");
    if (k->regressions)
        fprintf(out, "B regresses against A (%zu regression%s)", k->regressions,
                k->regressions == 1 ? "" : "s");
    else if (k->fixes + k->other_changes + k->only_a + k->only_b)
        fputs("B does not regress against A, but differs", out);
    else
        fputs("No verdict changed", out);
    fprintf(out, " &#x2014; <code>--fail-on %s</code>: exit %d</p>\n", fail_on[d->opts.fail_on],
            failed ? 1 : 0);
}

static void changed(FILE *out, const struct rp_diff *d, enum dd_change which, size_t count,
                    const char *id, const char *title)
{
    if (!count)
        return;
    fprintf(out, "<h2 id=\"%s\">%s (%zu)</h2>\n", id, title, count);
    fputs("<table class=\"wide\">\n<thead><tr><th style=\"width:24%\">case</th>"
          "<th style=\"width:4.5em\">A</th><th>A's reason</th><th style=\"width:4.5em\">B</th>"
          "<th>B's reason</th></tr></thead>\n<tbody>\n",
          out);
    size_t shown = 0;
    for (size_t i = 0; i < d->n_matched && shown < HTML_MAX_ROWS && !ferror(out); i++) {
        const struct dd_pair *p = &d->pairs[i];
        if (p->change != which)
            continue;
        shown++;
        fputs("<tr>", out);
        cell(out, p->c[DD_A]->id);
        verdict_cells(out, p->c[DD_A]);
        verdict_cells(out, p->c[DD_B]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    if (shown < count)
        fprintf(out, "<p class=\"muted\">%zu more in " RP_DIFF_JSON_FILE ".</p>\n", count - shown);
}

static void one_sided(FILE *out, const struct rp_diff *d, int side)
{
    size_t from = side == DD_A ? d->n_matched : d->n_matched + d->n_only_a;
    size_t count = side == DD_A ? d->n_only_a : d->n_pairs - from;
    if (!count)
        return;
    fprintf(out, "<h2 id=\"only-%s\">Only in %s (%zu)</h2>\n", side == DD_A ? "a" : "b",
            side == DD_A ? "A" : "B", count);
    fputs("<table class=\"wide\">\n<thead><tr><th style=\"width:40%\">case</th>"
          "<th style=\"width:4.5em\">verdict</th><th>reason</th></tr></thead>\n<tbody>\n",
          out);
    size_t shown = 0;
    for (size_t i = from; i < from + count && shown < HTML_MAX_ROWS && !ferror(out); i++, shown++) {
        const struct rp_case *c = d->pairs[i].c[side];
        fputs("<tr>", out);
        cell(out, c->id);
        verdict_cells(out, c);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    if (shown < count)
        fprintf(out, "<p class=\"muted\">%zu more in " RP_DIFF_JSON_FILE ".</p>\n", count - shown);
}

/* ---- latency ------------------------------------------------------------------------ */

static const char *ms(double v, bool have, char *buf, size_t n)
{
    return have ? rp_fmt_ms(v, buf, n) : NULL;
}

static const char *ratio_text(double r, char *buf, size_t n)
{
    if (r < 0)
        return NULL;
    snprintf(buf, n, "%.2f", r);
    return buf;
}

/* A ratio B/A of 1.5 or more is marked slower, of 1/1.5 or less faster. */
static const char *ratio_class(double r)
{
    return r < 0 ? NULL : r >= 1.5 ? "slower" : r <= 1 / 1.5 ? "faster" : NULL;
}

/* The points of one side of a group, labelled only where the chart draws them. */
static struct svg_point *points(const struct dd_group *g, int side, char ***labels, size_t *n_labels)
{
    size_t n = g->n[side];
    struct svg_point *p = oc_xcalloc(n ? n : 1, sizeof *p);
    for (size_t i = 0; i < n; i++) {
        p[i].latency_ms = g->s[side][i].ms;
        p[i].failed = g->s[side][i].failed;
    }
    size_t *keep = oc_xmalloc((n ? n : 1) * sizeof *keep), run;
    size_t nk = svg_thin(p, n, keep, &run);
    *labels = oc_xmalloc((nk ? nk : 1) * sizeof **labels);
    *n_labels = nk;
    for (size_t j = 0; j < nk; j++) {
        const struct dd_sample *s = &g->s[side][keep[j]];
        char b[64];
        char *text = oc_xmalloc(strlen(s->text ? s->text : "") + 100);
        sprintf(text, "%s %s: %s ms (case %zu)", side == DD_A ? "A" : "B", s->text ? s->text : "",
                rp_fmt_ms(s->ms, b, sizeof b), s->case_index + 1);
        (*labels)[j] = text;
        p[keep[j]].label = text;
    }
    free(keep);
    return p;
}

/* How far a group's p95 moved: the larger of B/A and A/B; -1 (after every other) for a
 * group of one side only. */
static double moved(const struct dd_group *g)
{
    double r = dd_ratio(g->st[DD_A].p95, g->st[DD_B].p95, g->st[DD_A].n, g->st[DD_B].n);
    if (r <= 0)
        return -1;
    return r >= 1 ? r : 1 / r;
}

static int most_changed(const void *x, const void *y, void *groups)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    const struct dd_group *g = groups;
    double ma = moved(&g[a]), mb = moved(&g[b]);
    if (ma != mb)
        return ma < mb ? 1 : -1;
    return (a > b) - (a < b);
}

static void latency(FILE *out, const struct rp_diff *d)
{
    if (!d->n_groups)
        return;
    fputs("<h2 id=\"latency\">Latency per command and form</h2>\n<p>Every exchange of the command "
          "and form, from the command's last byte to its final result's last byte: p50 and p95 "
          "(nearest rank) on each side, and B/A (marked from 1.5 times slower or faster).</p>\n",
          out);
    if (dd_clocks_differ(d))
        fputs("<p class=\"partial\">One side's times are virtual (<code>sim:</code>), the other's "
              "the wall's: they do not compare.</p>\n",
              out);
    fputs("<table>\n<thead><tr><th>command</th><th>form</th><th class=\"n\">n A</th>"
          "<th class=\"n\">p50 A</th><th class=\"n\">p95 A</th><th class=\"n\">n B</th>"
          "<th class=\"n\">p50 B</th><th class=\"n\">p95 B</th><th class=\"n\">p50 B/A</th>"
          "<th class=\"n\">p95 B/A</th><th class=\"n\">limit</th><th class=\"n\">failed A/B</th>"
          "</tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < d->n_groups && !ferror(out); i++) {
        const struct dd_group *g = &d->groups[i];
        const struct dd_stats *a = &g->st[DD_A], *b = &g->st[DD_B];
        char x[10][64];
        double r50 = dd_ratio(a->p50, b->p50, a->n, b->n), r95 = dd_ratio(a->p95, b->p95, a->n, b->n);
        fputs("<tr>", out);
        cell(out, g->command);
        cell(out, g->form);
        snprintf(x[0], sizeof x[0], "%zu", a->n);
        snprintf(x[1], sizeof x[1], "%zu", b->n);
        snprintf(x[9], sizeof x[9], "%zu/%zu", a->failed, b->failed);
        num_cell(out, x[0], NULL);
        num_cell(out, ms(a->p50, a->n, x[2], sizeof x[2]), NULL);
        num_cell(out, ms(a->p95, a->n, x[3], sizeof x[3]), NULL);
        num_cell(out, x[1], NULL);
        num_cell(out, ms(b->p50, b->n, x[4], sizeof x[4]), NULL);
        num_cell(out, ms(b->p95, b->n, x[5], sizeof x[5]), NULL);
        num_cell(out, ratio_text(r50, x[6], sizeof x[6]), ratio_class(r50));
        num_cell(out, ratio_text(r95, x[7], sizeof x[7]), ratio_class(r95));
        num_cell(out, ms(g->limit_ms, g->limit_ms > 0, x[8], sizeof x[8]), NULL);
        num_cell(out, x[9], NULL);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n<p>A's exchanges and B's overlaid, the command and form whose p95 "
          "changed the most first (one side only: after them).</p>\n<div class=\"charts\">\n",
          out);
    char name[2][64];
    snprintf(name[DD_A], sizeof name[DD_A], "A");
    snprintf(name[DD_B], sizeof name[DD_B], "B");
    size_t *order = oc_xmalloc(d->n_groups * sizeof *order);
    for (size_t i = 0; i < d->n_groups; i++)
        order[i] = i;
    qsort_r(order, d->n_groups, sizeof *order, most_changed, d->groups);
    for (size_t o = 0; o < d->n_groups && o < HTML_MAX_CHARTS && !ferror(out); o++) {
        const struct dd_group *g = &d->groups[order[o]];
        char **labels[2];
        size_t n_labels[2];
        struct svg_series s[2];
        for (int k = 0; k < 2; k++) {
            s[k] = (struct svg_series){name[k], k == DD_A ? "a" : "b",
                                       points(g, k, &labels[k], &n_labels[k]), g->n[k]};
        }
        size_t tl = strlen(g->command) + strlen(g->form) + 8;
        char *title = oc_xmalloc(tl);
        snprintf(title, tl, "AT%s %s", g->command, g->form);
        svg_latency_chart(out, title, s, 2, g->limit_ms, 520);
        free(title);
        for (int k = 0; k < 2; k++) {
            for (size_t j = 0; j < n_labels[k]; j++)
                free(labels[k][j]);
            free(labels[k]);
            free((void *)s[k].p);
        }
    }
    free(order);
    fputs("</div>\n", out);
    if (d->n_groups > HTML_MAX_CHARTS)
        fprintf(out,
                "<p class=\"muted\">Charts of the %d commands and forms that changed the most "
                "drawn.</p>\n",
                HTML_MAX_CHARTS);
}

/* ---- flows -------------------------------------------------------------------------- */

static struct svg_event *events(const struct rp_case *c)
{
    struct svg_event *e = oc_xcalloc(c && c->n_steps ? c->n_steps : 1, sizeof *e);
    for (size_t i = 0; c && i < c->n_steps; i++)
        e[i] = (struct svg_event){c->steps[i].t_ms, !c->steps[i].event, c->steps[i].failed,
                                  c->steps[i].text};
    return e;
}

static void flows(FILE *out, const struct rp_diff *d)
{
    if (!d->n_flows)
        return;
    fputs("<h2 id=\"flows\">Flows</h2>\n<table>\n<thead><tr><th>flow</th><th>A</th>"
          "<th class=\"n\">A duration</th><th>B</th><th class=\"n\">B duration</th>"
          "<th class=\"n\">B/A</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < d->n_flows && i < HTML_MAX_ROWS && !ferror(out); i++) {
        const struct dd_pair *p = &d->pairs[d->flows[i]];
        const struct rp_case *a = p->c[DD_A], *b = p->c[DD_B];
        bool ha = a && a->duration_ms >= 0, hb = b && b->duration_ms >= 0;
        double r = dd_ratio(ha ? a->duration_ms : 0, hb ? b->duration_ms : 0, ha, hb);
        char x[3][64];
        fprintf(out, "<tr><td><a href=\"#flow-%zu\">", i + 1);
        h(out, (a ? a : b)->id);
        fputs("</a></td>", out);
        if (a)
            fprintf(out, "<td class=\"%s\">%s</td>", vclass(a->verdict), rp_verdict_name(a->verdict));
        else
            cell(out, NULL);
        num_cell(out, ms(ha ? a->duration_ms : 0, ha, x[0], sizeof x[0]), NULL);
        if (b)
            fprintf(out, "<td class=\"%s\">%s</td>", vclass(b->verdict), rp_verdict_name(b->verdict));
        else
            cell(out, NULL);
        num_cell(out, ms(hb ? b->duration_ms : 0, hb, x[1], sizeof x[1]), NULL);
        num_cell(out, ratio_text(r, x[2], sizeof x[2]), ratio_class(r));
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    for (size_t i = 0; i < d->n_flows && i < HTML_MAX_TIMELINES && !ferror(out); i++) {
        const struct dd_pair *p = &d->pairs[d->flows[i]];
        struct svg_timeline t[2];
        size_t n = 0;
        struct svg_event *e[2] = {NULL, NULL};
        for (int k = 0; k < 2; k++) {
            const struct rp_case *c = p->c[k];
            if (!c)
                continue;
            e[k] = events(c);
            t[n++] = (struct svg_timeline){k == DD_A ? "A" : "B", k == DD_A ? "a" : "b", e[k],
                                           c->n_steps, c->duration_ms > 0 ? c->duration_ms : 0,
                                           c->stall_limit_ms, c->total_limit_ms};
        }
        fprintf(out, "<div id=\"flow-%zu\">\n", i + 1);
        svg_flow_timeline(out, (p->c[DD_A] ? p->c[DD_A] : p->c[DD_B])->id, t, n, 1000);
        fputs("</div>\n", out);
        free(e[0]);
        free(e[1]);
    }
}

/* ---- modules ------------------------------------------------------------------------ */

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void modules(FILE *out, const struct rp_diff *d)
{
    fputs("<h2 id=\"modules\">Modules</h2>\n", out);
    for (size_t i = 0; i < d->n_targets && !ferror(out); i++) {
        const struct dd_target_pair *p = &d->targets[i];
        fputs("<table class=\"wide\">\n<thead><tr><th style=\"width:13em\"></th>", out);
        for (int k = 0; k < 2; k++) {
            if (p->t[k])
                fprintf(out, "<th>%s: target %u</th>", k == DD_A ? "A" : "B", p->index[k]);
            else
                fprintf(out, "<th>%s: none</th>", k == DD_A ? "A" : "B");
        }
        fputs("</tr></thead>\n<tbody>\n", out);
        for (const char *const *f = dd_target_fields; *f; f++) {
            char ba[64], bb[64];
            const char *va = dd_target_field(p->t[DD_A], *f, ba, sizeof ba);
            const char *vb = dd_target_field(p->t[DD_B], *f, bb, sizeof bb);
            fprintf(out, "<tr%s><th>%s</th>", same(va, vb) ? "" : " class=\"differs\"", *f);
            cell(out, va);
            cell(out, vb);
            fputs("</tr>\n", out);
        }
        fputs("</tbody>\n</table>\n", out);
    }
    if (!d->n_knobs)
        return;
    fputs("<h3>Dialect choices</h3>\n<table>\n<thead><tr><th>knob</th><th>A</th><th>B</th></tr>"
          "</thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < d->n_knobs; i++) {
        const struct dd_knob *k = &d->knobs[i];
        fprintf(out, "<tr%s>", same(k->choice[DD_A], k->choice[DD_B]) ? "" : " class=\"differs\"");
        cell(out, k->knob);
        cell(out, k->choice[DD_A]);
        cell(out, k->choice[DD_B]);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

int rp_diff_write_html(FILE *out, const struct rp_diff *d)
{
    const struct rp_diff_counts *k = &d->counts;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>otacheck diff</title>\n<style>\n",
          out);
    fputs(CSS, out);
    fputs(svg_css, out);
    fputs("</style>\n</head>\n<body>\n<h1>otacheck diff: A against B</h1>\n<nav>", out);
    if (k->regressions)
        fputs("<a href=\"#regressions\">regressions</a>", out);
    if (k->fixes)
        fputs("<a href=\"#fixes\">fixes</a>", out);
    if (k->other_changes)
        fputs("<a href=\"#changes\">other changes</a>", out);
    if (k->only_a)
        fputs("<a href=\"#only-a\">only in A</a>", out);
    if (k->only_b)
        fputs("<a href=\"#only-b\">only in B</a>", out);
    if (d->n_groups)
        fputs("<a href=\"#latency\">latency</a>", out);
    if (d->n_flows)
        fputs("<a href=\"#flows\">flows</a>", out);
    fputs("<a href=\"#modules\">modules</a></nav>\n", out);
    for (int s = 0; s < 2; s++)
        if (d->side[s].res.run.interrupted)
            fprintf(out, "<p class=\"partial\"><strong>%s is partial:</strong> its run was "
                         "interrupted; only the cases that finished are compared.</p>\n",
                    s == DD_A ? "A" : "B");
    side_rows(out, d);
    counts(out, d);
    changed(out, d, DD_REGRESSION, k->regressions, "regressions",
            d->opts.strict ? "Regressions: did not fail in A, fail in B (FAIL, ERROR or WARN)"
                           : "Regressions: did not fail in A, fail in B (FAIL or ERROR)");
    changed(out, d, DD_FIX, k->fixes, "fixes", "Fixes: failed in A, do not fail in B");
    changed(out, d, DD_CHANGE, k->other_changes, "changes", "Other verdict changes");
    one_sided(out, d, DD_A);
    one_sided(out, d, DD_B);
    latency(out, d);
    flows(out, d);
    modules(out, d);
    fputs("</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}
