/* reports/diff_text.c — otacheck diff on a terminal: what the two sides are, the counts,
 * then each regression with A's and B's verdict and reason one above the other, the fixes,
 * the other verdict changes, the cases on one side only (each list capped), the latency per
 * command and form, the flows' durations, the targets and dialect choices side by side (a
 * `*` marks what differs), and a last line with the outcome and the exit status. Texts come
 * from the modules: control characters are written as \xNN and never reach the terminal. */
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "reports/diff_internal.h"

#define TEXT_MAX 200 /* a reason, cut with "..." */
#define CELL_MAX 64  /* a table's cell */

static const char *const RED = "\033[1;31m", *const GREEN = "\033[1;32m",
                         *const YELLOW = "\033[33m", *const OFF = "\033[0m";

/* text on one line, at most max bytes (whole UTF-8 characters) then "...", into a malloc'd
 * copy: C0 and C1 controls and DEL as \xNN (the text is valid UTF-8: rp_clean). */
static char *one_line(const char *text, size_t max)
{
    const unsigned char *p = (const unsigned char *)(text ? text : "");
    size_t n = strlen((const char *)p), k = n > max ? max : n;
    while (k < n && k > 0 && (p[k] & 0xC0) == 0x80)
        k--;
    char *out = oc_xmalloc(k * 4 + 4), *o = out;
    for (size_t i = 0; i < k; i++) {
        if (p[i] < 0x20 || p[i] == 0x7F)
            o += sprintf(o, "\\x%02x", p[i]);
        else if (p[i] == 0xC2 && i + 1 < k && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F)
            o += sprintf(o, "\\x%02x", p[++i]);
        else
            *o++ = (char)p[i];
    }
    if (k < n)
        o += sprintf(o, "...");
    *o = '\0';
    return out;
}

static void put(FILE *out, const char *text, size_t max)
{
    char *s = one_line(text, max);
    fputs(s, out);
    free(s);
}

/* ---- a table: rows of cells, columns padded to their widest cell ------------------------ */

struct table {
    char **cell; /* rows x cols, malloc'd texts */
    size_t cols, rows, cap;
};

static void t_row(struct table *t, const char *const *cells)
{
    if (t->rows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cell = oc_xrealloc(t->cell, t->cap * t->cols * sizeof *t->cell);
    }
    for (size_t c = 0; c < t->cols; c++)
        t->cell[t->rows * t->cols + c] = one_line(cells[c] ? cells[c] : "-", CELL_MAX);
    t->rows++;
}

/* Display width: UTF-8 characters. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* right: the columns from which numbers are right-aligned (cols: none). */
static void t_print(FILE *out, struct table *t, size_t right)
{
    size_t *w = oc_xcalloc(t->cols, sizeof *w);
    for (size_t r = 0; r < t->rows; r++)
        for (size_t c = 0; c < t->cols; c++) {
            size_t x = width(t->cell[r * t->cols + c]);
            w[c] = x > w[c] ? x : w[c];
        }
    for (size_t r = 0; r < t->rows; r++) {
        fputs("  ", out);
        for (size_t c = 0; c < t->cols; c++) {
            const char *s = t->cell[r * t->cols + c];
            size_t pad = w[c] - width(s);
            bool last = c + 1 == t->cols;
            if (c >= right)
                fprintf(out, "%*s%s", (int)pad, "", s);
            else
                fprintf(out, "%s%*s", s, last ? 0 : (int)pad, "");
            if (!last)
                fputs("  ", out);
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < t->rows * t->cols; i++)
        free(t->cell[i]);
    free(t->cell);
    free(w);
    t->cell = NULL;
    t->rows = t->cap = 0;
}

/* ---- the cases ------------------------------------------------------------------------- */

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* "VERDICT RULE: REASON", the rule once when the reason starts with it. */
static void verdict_line(FILE *out, const char *side, const struct rp_case *c)
{
    fprintf(out, "    %s: %s", side, rp_verdict_name(c->verdict));
    const char *rule = c->rule && *c->rule ? c->rule : NULL;
    const char *reason = c->reason && *c->reason ? c->reason : NULL;
    bool show_rule = rule && c->verdict != RP_PASS && c->verdict != RP_NA;
    if (show_rule && reason && strncmp(reason, rule, strlen(rule)) == 0 &&
        reason[strlen(rule)] == ':')
        show_rule = false;
    if (show_rule) {
        fputc(' ', out);
        put(out, rule, TEXT_MAX);
        fputs(reason ? ":" : "", out);
    }
    if (reason) {
        fputc(' ', out);
        put(out, reason, TEXT_MAX);
    }
    fputc('\n', out);
}

static const char *word_colour(enum dd_change ch)
{
    return ch == DD_REGRESSION ? RED : ch == DD_FIX ? GREEN : YELLOW;
}

static void changed_section(FILE *out, const struct rp_diff *d, const struct rp_diff_text_opts *o,
                            enum dd_change which, size_t count, const char *title, const char *what)
{
    if (!count)
        return;
    fprintf(out, "\n%s (%zu): %s\n", title, count, what);
    const char *word = which == DD_REGRESSION ? "REGRESSION" : which == DD_FIX ? "FIX" : "CHANGE";
    size_t shown = 0;
    for (size_t i = 0; i < d->n_matched; i++) {
        const struct dd_pair *p = &d->pairs[i];
        if (p->change != which)
            continue;
        if (o->max_each && shown >= o->max_each)
            break;
        shown++;
        fprintf(out, "  %s%s%s ", o->colour ? word_colour(which) : "", word, o->colour ? OFF : "");
        put(out, p->c[DD_A]->id, TEXT_MAX);
        fprintf(out, "  %s -> %s\n", rp_verdict_name(p->c[DD_A]->verdict),
                rp_verdict_name(p->c[DD_B]->verdict));
        verdict_line(out, "A", p->c[DD_A]);
        verdict_line(out, "B", p->c[DD_B]);
    }
    if (shown < count)
        fprintf(out, "  ... and %zu more (every one in %s: --report-dir)\n", count - shown,
                RP_DIFF_JSON_FILE);
}

static void one_sided(FILE *out, const struct rp_diff *d, const struct rp_diff_text_opts *o, int side)
{
    size_t from = side == DD_A ? d->n_matched : d->n_matched + d->n_only_a;
    size_t count = side == DD_A ? d->n_only_a : d->n_pairs - from;
    if (!count)
        return;
    fprintf(out, "\nOnly in %s (%zu):\n", side == DD_A ? "A" : "B", count);
    size_t shown = 0;
    for (size_t i = from; i < from + count; i++) {
        if (o->max_each && shown >= o->max_each)
            break;
        shown++;
        const struct rp_case *c = d->pairs[i].c[side];
        fprintf(out, "  %-5s ", rp_verdict_name(c->verdict));
        put(out, c->id, TEXT_MAX);
        fputc('\n', out);
    }
    if (shown < count)
        fprintf(out, "  ... and %zu more (every one in %s: --report-dir)\n", count - shown,
                RP_DIFF_JSON_FILE);
}

/* ---- numbers ------------------------------------------------------------------------- */

static const char *ms(double v, bool have, char *buf, size_t n)
{
    return have ? rp_fmt_ms(v, buf, n) : NULL;
}

static const char *ratio(double r, char *buf, size_t n)
{
    if (r < 0)
        return NULL;
    snprintf(buf, n, "%.2f", r);
    return buf;
}

static const char *count(size_t v, char *buf, size_t n)
{
    snprintf(buf, n, "%zu", v);
    return buf;
}

static void latency_section(FILE *out, const struct rp_diff *d)
{
    if (!d->n_groups)
        return;
    fputs("\nLatency per command and form (ms; p50 and p95 of every exchange, nearest rank; B/A):\n",
          out);
    if (dd_clocks_differ(d))
        fputs("  (one side's times are virtual, the other's the wall's: they do not compare)\n", out);
    struct table t = {NULL, 12, 0, 0};
    static const char *const head[] = {"command", "form", "n A", "p50 A", "p95 A", "n B", "p50 B",
                                       "p95 B", "p50 B/A", "p95 B/A", "limit", "fail A/B"};
    t_row(&t, head);
    for (size_t i = 0; i < d->n_groups; i++) {
        const struct dd_group *g = &d->groups[i];
        char b[12][64];
        const struct dd_stats *a = &g->st[DD_A], *bs = &g->st[DD_B];
        snprintf(b[11], sizeof b[11], "%zu/%zu", a->failed, bs->failed);
        const char *cells[12] = {
            g->command,
            g->form,
            count(a->n, b[0], sizeof b[0]),
            ms(a->p50, a->n, b[1], sizeof b[1]),
            ms(a->p95, a->n, b[2], sizeof b[2]),
            count(bs->n, b[3], sizeof b[3]),
            ms(bs->p50, bs->n, b[4], sizeof b[4]),
            ms(bs->p95, bs->n, b[5], sizeof b[5]),
            ratio(dd_ratio(a->p50, bs->p50, a->n, bs->n), b[6], sizeof b[6]),
            ratio(dd_ratio(a->p95, bs->p95, a->n, bs->n), b[7], sizeof b[7]),
            ms(g->limit_ms, g->limit_ms > 0, b[8], sizeof b[8]),
            b[11],
        };
        t_row(&t, cells);
    }
    t_print(out, &t, 2);
}

static void flow_section(FILE *out, const struct rp_diff *d, const struct rp_diff_text_opts *o)
{
    if (!d->n_flows)
        return;
    fputs("\nFlows (duration, ms):\n", out);
    struct table t = {NULL, 6, 0, 0};
    static const char *const head[] = {"flow", "verdict A", "verdict B", "A", "B", "B/A"};
    t_row(&t, head);
    size_t shown = 0;
    for (size_t i = 0; i < d->n_flows; i++) {
        if (o->max_each && shown >= o->max_each)
            break;
        shown++;
        const struct dd_pair *p = &d->pairs[d->flows[i]];
        const struct rp_case *a = p->c[DD_A], *b = p->c[DD_B];
        char x[3][64];
        bool ha = a && a->duration_ms >= 0, hb = b && b->duration_ms >= 0;
        const char *cells[6] = {
            (a ? a : b)->id,
            a ? rp_verdict_name(a->verdict) : NULL,
            b ? rp_verdict_name(b->verdict) : NULL,
            ms(ha ? a->duration_ms : 0, ha, x[0], sizeof x[0]),
            ms(hb ? b->duration_ms : 0, hb, x[1], sizeof x[1]),
            ratio(dd_ratio(ha ? a->duration_ms : 0, hb ? b->duration_ms : 0, ha, hb), x[2], sizeof x[2]),
        };
        t_row(&t, cells);
    }
    t_print(out, &t, 3);
    if (shown < d->n_flows)
        fprintf(out, "  ... and %zu more\n", d->n_flows - shown);
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void target_section(FILE *out, const struct rp_diff *d)
{
    for (size_t i = 0; i < d->n_targets; i++) {
        const struct dd_target_pair *p = &d->targets[i];
        char ia[32] = "-", ib[32] = "-";
        if (p->t[DD_A])
            snprintf(ia, sizeof ia, "A target %u", p->index[DD_A]);
        if (p->t[DD_B])
            snprintf(ib, sizeof ib, "B target %u", p->index[DD_B]);
        bool differ = false;
        for (const char *const *f = dd_target_fields; *f && !differ; f++) {
            char ba[64], bb[64];
            differ = !same(dd_target_field(p->t[DD_A], *f, ba, sizeof ba),
                           dd_target_field(p->t[DD_B], *f, bb, sizeof bb));
        }
        if (!differ) { /* one line: the identity, the same on both sides */
            char idn[256];
            fprintf(out, "\nModule (%s, %s): the same on both sides: ", ia, ib);
            put(out, rp_target_identity(p->t[DD_A], idn, sizeof idn), TEXT_MAX);
            if (p->t[DD_A]->imei) {
                fputs(", IMEI ", out);
                put(out, p->t[DD_A]->imei, 40);
            }
            fprintf(out, ", grammar revision %u, %s clock\n", p->t[DD_A]->grammar_revision,
                    p->t[DD_A]->clock ? p->t[DD_A]->clock : "unknown");
            continue;
        }
        fprintf(out, "\nModule (%s, %s; * differs):\n", ia, ib);
        struct table t = {NULL, 4, 0, 0};
        static const char *const head[] = {"", "", "A", "B"};
        t_row(&t, head);
        for (const char *const *f = dd_target_fields; *f; f++) {
            char ba[64], bb[64];
            const char *va = dd_target_field(p->t[DD_A], *f, ba, sizeof ba);
            const char *vb = dd_target_field(p->t[DD_B], *f, bb, sizeof bb);
            if (!va && !vb)
                continue;
            const char *cells[4] = {same(va, vb) ? " " : "*", *f, va, vb};
            t_row(&t, cells);
        }
        t_print(out, &t, 4);
    }
    if (!d->n_knobs)
        return;
    size_t differ = 0;
    for (size_t i = 0; i < d->n_knobs; i++)
        differ += !same(d->knobs[i].choice[DD_A], d->knobs[i].choice[DD_B]);
    if (!differ) {
        fprintf(out, "\nDialect choices: the same %zu %s on both sides\n", d->n_knobs,
                plural(d->n_knobs, "knob", "knobs"));
        return;
    }
    fprintf(out, "\nDialect choices that differ (%zu of %zu %s; the others are the same):\n",
            differ, d->n_knobs, plural(d->n_knobs, "knob", "knobs"));
    struct table t = {NULL, 3, 0, 0};
    static const char *const head[] = {"knob", "A", "B"};
    t_row(&t, head);
    for (size_t i = 0; i < d->n_knobs; i++) {
        const struct dd_knob *k = &d->knobs[i];
        if (same(k->choice[DD_A], k->choice[DD_B]))
            continue;
        const char *cells[3] = {k->knob, k->choice[DD_A] ? k->choice[DD_A] : "(none)",
                                k->choice[DD_B] ? k->choice[DD_B] : "(none)"};
        t_row(&t, cells);
    }
    t_print(out, &t, 3);
}

/* ---- the whole ---------------------------------------------------------------------- */

static void side_line(FILE *out, const struct rp_diff *d, int s)
{
    const struct dd_side *sd = &d->side[s];
    struct rp_counts k = rp_results_counts(&sd->res);
    fprintf(out, "  %s: ", s == DD_A ? "A" : "B");
    put(out, sd->file, TEXT_MAX);
    fputs(" (", out);
    for (size_t i = 0; i < sd->res.n_targets; i++) {
        char idn[256];
        if (i)
            fputs(", ", out);
        put(out, rp_target_identity(&sd->res.targets[i], idn, sizeof idn), 80);
    }
    fprintf(out, "%s%u cases: %u pass, %u warn, %u fail, %u n/a, %u error%s)\n",
            sd->res.n_targets ? "; " : "", k.total, k.pass, k.warn, k.fail, k.na, k.error,
            sd->res.run.interrupted ? "; interrupted" : "");
}

static const char *fail_on_name(enum rp_diff_fail_on f)
{
    return f == RP_DIFF_FAIL_CHANGE ? "change" : f == RP_DIFF_FAIL_NEVER ? "never" : "regress";
}

void rp_diff_write_text(FILE *out, const struct rp_diff *d, const struct rp_diff_text_opts *o)
{
    const struct rp_diff_counts *k = &d->counts;
    fputs("otacheck diff\n", out);
    side_line(out, d, DD_A);
    side_line(out, d, DD_B);
    fprintf(out,
            "%zu matched: %zu %s, %zu %s, %zu other %s, %zu unchanged (%zu failing on both); "
            "%zu only in A, %zu only in B\n",
            k->matched, k->regressions, plural(k->regressions, "regression", "regressions"),
            k->fixes, plural(k->fixes, "fix", "fixes"), k->other_changes,
            plural(k->other_changes, "change", "changes"), k->unchanged, k->still_failing,
            k->only_a, k->only_b);
    if (!o->brief) {
        changed_section(out, d, o, DD_REGRESSION, k->regressions, "Regressions",
                        d->opts.strict ? "did not fail in A, fail in B (FAIL, ERROR or WARN)"
                                       : "did not fail in A, fail in B (FAIL or ERROR)");
        changed_section(out, d, o, DD_FIX, k->fixes, "Fixes", "failed in A, do not fail in B");
        changed_section(out, d, o, DD_CHANGE, k->other_changes, "Other verdict changes",
                        "neither side's verdict fails, or both do");
        one_sided(out, d, o, DD_A);
        one_sided(out, d, o, DD_B);
        latency_section(out, d);
        flow_section(out, d, o);
        target_section(out, d);
        fputc('\n', out);
    }
    bool failed = rp_diff_failed(d);
    const char *what;
    char buf[160];
    if (k->regressions)
        snprintf(buf, sizeof buf, "B regresses against A (%zu %s)", k->regressions,
                 plural(k->regressions, "regression", "regressions"));
    else if (k->fixes + k->other_changes + k->only_a + k->only_b)
        snprintf(buf, sizeof buf, "B does not regress against A, but differs (%zu %s, %zu other, "
                 "%zu only in A, %zu only in B)", k->fixes, plural(k->fixes, "fix", "fixes"),
                 k->other_changes, k->only_a, k->only_b);
    else
        snprintf(buf, sizeof buf, "no verdict changed");
    what = buf;
    fprintf(out, "%s%s%s (--fail-on %s: exit %d)\n",
            o->colour && failed ? RED : o->colour && !k->regressions ? GREEN : "", what,
            o->colour && (failed || !k->regressions) ? OFF : "", fail_on_name(d->opts.fail_on),
            failed ? 1 : 0);
}
