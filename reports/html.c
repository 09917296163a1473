/* reports/html.c — report.html: one self-contained page (inline CSS, no script, nothing
 * fetched) a person reads: the run, the counts, the identity of every target, a table of
 * the cases coloured by verdict (filtered by verdict with CSS radio buttons), and the
 * details of each FAIL and ERROR, then of each WARN (rule, reason, expected, seen, where the
 * requirement comes from, the other findings and the transcript in <pre>).
 * Every text is HTML-escaped; control bytes are shown as \xNN. */
#include <stdlib.h>
#include <string.h>

#include "reports/report_internal.h"

static void h(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        case '\n':
        case '\t': fputc(*p, out); break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                fprintf(out, "\\x%02x", *p);
            else
                fputc(*p, out);
        }
    }
}

/* The CSS class of a verdict ("N/A" is not a class name). */
static const char *vclass(enum rp_verdict v)
{
    switch (v) {
    case RP_PASS: return "pass";
    case RP_FAIL: return "fail";
    case RP_NA: return "na";
    case RP_ERROR: return "error";
    case RP_WARN: return "warn";
    }
    return "error";
}

static const char *CSS =
    "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:1.5em;color:#1d1d1d}\n"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}h3{font-size:1em}\n"
    "table{border-collapse:collapse;margin:.4em 0}\n"
    "th,td{border:1px solid #c8c8c8;padding:.2em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#f0f0f0;font-weight:600}\n"
    "tr.pass td.v,span.pass{background:#d9f2d9}tr.fail td.v,span.fail{background:#f8d0d0}\n"
    "tr.na td.v,span.na{background:#e4e4e4}tr.error td.v,span.error{background:#fbe0b5}\n"
    "tr.warn td.v,span.warn{background:#f6eca0}\n"
    "tr.fail,section.fail{background:#fff5f5}tr.error,section.error{background:#fffaf0}\n"
    "tr.warn,section.warn{background:#fffde9}\n"
    "pre{background:#f7f7f7;border:1px solid #ddd;padding:.5em;margin:.2em 0;"
    "white-space:pre-wrap;word-break:break-all}\n"
    ".counts span{display:inline-block;padding:.3em .9em;margin-right:.4em;border-radius:3px;"
    "font-weight:600}\n"
    ".partial{border:2px solid #b00;background:#fff0f0;padding:.6em}\n"
    "code.digest{word-break:break-all;font-size:.8em}\n"
    "section{border:1px solid #ddd;padding:.2em .8em;margin:.8em 0}\n"
    ".filter input{margin-left:1em}\n"
    "#f-pass:checked~table.cases tbody tr:not(.pass),#f-fail:checked~table.cases tbody tr:not(.fail),"
    "#f-na:checked~table.cases tbody tr:not(.na),#f-error:checked~table.cases tbody tr:not(.error),"
    "#f-warn:checked~table.cases tbody tr:not(.warn),"
    "#f-bad:checked~table.cases tbody tr.pass,#f-bad:checked~table.cases tbody tr.na,"
    "#f-bad:checked~table.cases tbody tr.warn{display:none}\n";

static void row(FILE *out, const char *label, const char *value)
{
    if (!value)
        return;
    fputs("<tr><th>", out);
    h(out, label);
    fputs("</th><td>", out);
    h(out, value);
    fputs("</td></tr>\n", out);
}

static void pre_row(FILE *out, const char *label, const char *value)
{
    if (!value)
        return;
    fputs("<tr><th>", out);
    h(out, label);
    fputs("</th><td><pre>", out);
    h(out, value);
    fputs("</pre></td></tr>\n", out);
}

static void head(FILE *out, const struct rp_results *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>otacheck report</title>\n<style>\n",
          out);
    fputs(CSS, out);
    fputs("</style>\n</head>\n<body>\n<h1>otacheck conformance report</h1>\n", out);
    if (r->run.interrupted) {
        fputs("<p class=\"partial\"><strong>Partial report:</strong> the run was interrupted", out);
        if (r->run.stopped_because) {
            fputs(" (", out);
            h(out, r->run.stopped_because);
            fputs(")", out);
        }
        fputs("; only the cases that finished are here.</p>\n", out);
    }
    fputs("<table class=\"run\">\n", out);
    row(out, "verdict", r->run.verdict);
    row(out, "tool", r->run.tool_version);
    row(out, "commit", r->run.tool_commit);
    row(out, "command line", r->run.command_line);
    row(out, "host", r->run.host);
    row(out, "started", r->run.started_at);
    row(out, "finished", r->run.finished_at);
    fputs("</table>\n", out);
}

static void summary(FILE *out, const struct rp_results *r)
{
    struct rp_counts k = rp_results_counts(r);
    fprintf(out,
            "<h2>Summary</h2>\n<p class=\"counts\"><span class=\"pass\">PASS %u</span>"
            "<span class=\"warn\">WARN %u</span>"
            "<span class=\"fail\">FAIL %u</span><span class=\"na\">N/A %u</span>"
            "<span class=\"error\">ERROR %u</span><span>total %u</span></p>\n",
            k.pass, k.warn, k.fail, k.na, k.error, k.total);
}

static void targets(FILE *out, const struct rp_results *r)
{
    char b[64];
    fputs("<h2>Targets</h2>\n<table class=\"targets\">\n<thead><tr><th>#</th><th>vendor</th>"
          "<th>target</th><th>manufacturer</th><th>model</th><th>revision</th><th>grammar</th>"
          "<th>dialect</th><th>capabilities</th><th>destructive</th><th>transport overhead</th>"
          "</tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < r->n_targets; i++) {
        const struct rp_target *t = &r->targets[i];
        fprintf(out, "<tr><td>%zu</td><td>", i);
        h(out, t->vendor);
        if (t->vendor_name) {
            fputs("<br>", out);
            h(out, t->vendor_name);
        }
        fputs("</td><td>", out);
        h(out, t->spec);
        fputs("</td><td>", out);
        h(out, t->manufacturer ? t->manufacturer : "(no answer)");
        fputs("</td><td>", out);
        h(out, t->model ? t->model : "(no answer)");
        fputs("</td><td>", out);
        h(out, t->revision ? t->revision : "(no answer)");
        fputs("</td><td>", out);
        h(out, t->grammar_source);
        fprintf(out, ", revision %u", t->grammar_revision);
        if (t->grammar_sha256) {
            fputs("<br>sha256 <code class=\"digest\">", out);
            h(out, t->grammar_sha256);
            fputs("</code>", out);
        }
        fputs("</td><td>", out);
        h(out, t->dialect);
        fputs("</td><td>", out);
        h(out, t->caps_file);
        if (t->caps_file && t->caps_note)
            fputs("<br>", out);
        h(out, t->caps_note);
        if (t->caps_sha256) {
            fputs("<br>sha256 <code class=\"digest\">", out);
            h(out, t->caps_sha256);
            fputs("</code> (credentials as ***)", out);
        }
        if (t->clock && strcmp(t->clock, "virtual") == 0)
            fputs("<br>virtual clock: the times are simulated", out);
        fprintf(out, "</td><td>%s</td><td>%s%s</td></tr>\n",
                t->destructive_allowed ? "allowed" : "not allowed",
                t->overhead_ms >= 0 ? rp_fmt_ms(t->overhead_ms, b, sizeof b) : "unknown",
                t->overhead_ms >= 0 ? " ms" : "");
    }
    fputs("</tbody>\n</table>\n", out);
}

static void ms_cell(FILE *out, double ms, bool present)
{
    char b[64];
    fprintf(out, "<td>%s%s</td>", present ? rp_fmt_ms(ms, b, sizeof b) : "",
            present ? " ms" : "");
}

static void cases(FILE *out, const struct rp_results *r)
{
    fputs("<h2>Cases</h2>\n<div class=\"filter\">show:"
          "<input type=\"radio\" name=\"f\" id=\"f-all\" checked><label for=\"f-all\">all</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-bad\"><label for=\"f-bad\">FAIL and ERROR</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-pass\"><label for=\"f-pass\">PASS</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-fail\"><label for=\"f-fail\">FAIL</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-na\"><label for=\"f-na\">N/A</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-error\"><label for=\"f-error\">ERROR</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-warn\"><label for=\"f-warn\">WARN</label>\n"
          "<table class=\"cases\">\n<thead><tr><th>#</th><th>verdict</th><th>suite</th>"
          "<th>case</th><th>target</th><th>rule</th><th>reason</th><th>latency</th>"
          "<th>limit</th><th>duration</th></tr></thead>\n<tbody>\n",
          out);
    char idn[512];
    for (size_t i = 0; i < r->n_cases && !ferror(out); i++) { /* a write failed: stop */
        const struct rp_case *c = &r->cases[i];
        bool detailed = c->verdict == RP_FAIL || c->verdict == RP_ERROR || c->verdict == RP_WARN;
        fprintf(out, "<tr class=\"%s\"><td>%zu</td><td class=\"v\">", vclass(c->verdict), i + 1);
        if (detailed)
            fprintf(out, "<a href=\"#case-%zu\">%s</a>", i + 1, rp_verdict_name(c->verdict));
        else
            fputs(rp_verdict_name(c->verdict), out);
        fputs("</td><td>", out);
        h(out, c->suite);
        fputs("</td><td>", out);
        h(out, c->name ? c->name : c->id);
        fputs("</td><td>", out);
        h(out, rp_target_identity(rp_results_target(r, c), idn, sizeof idn));
        fputs("</td><td>", out);
        h(out, c->rule);
        fputs("</td><td>", out);
        if (c->verdict != RP_PASS)
            h(out, c->reason);
        fputs("</td>", out);
        ms_cell(out, c->latency_ms, c->latency_ms >= 0);
        ms_cell(out, c->limit_ms, c->limit_ms > 0);
        ms_cell(out, c->duration_ms, c->duration_ms >= 0);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n</div>\n", out);
}

/* One case's details: what it checked, what broke, where the requirement comes from. */
static void detail(FILE *out, const struct rp_results *r, const struct rp_case *c, size_t i)
{
    char idn[512], a[64], b[64];
    fprintf(out, "<section id=\"case-%zu\" class=\"%s\">\n<h3>%zu. %s: ", i + 1,
            vclass(c->verdict), i + 1, rp_verdict_name(c->verdict));
    h(out, c->suite);
    fputs(" &mdash; ", out);
    h(out, c->name ? c->name : c->id);
    fputs("</h3>\n<table>\n", out);
    row(out, "id", c->id);
    row(out, "target", rp_target_identity(rp_results_target(r, c), idn, sizeof idn));
    row(out, "command", c->command && *c->command ? c->command : NULL);
    row(out, "form", c->form);
    pre_row(out, "rule", c->rule);
    pre_row(out, "reason", c->reason);
    pre_row(out, "expected", c->expected);
    pre_row(out, "seen", c->seen);
    char *source = rp_source_text(c);
    pre_row(out, "source", source);
    free(source);
    pre_row(out, "other findings", c->others);
    if (c->latency_ms >= 0) {
        char lat[160];
        snprintf(lat, sizeof lat, "%s ms%s%s%s", rp_fmt_ms(c->latency_ms, a, sizeof a),
                 c->limit_ms > 0 ? " (limit " : "", c->limit_ms > 0 ? rp_fmt_ms(c->limit_ms, b, sizeof b) : "",
                 c->limit_ms > 0 ? " ms)" : "");
        row(out, "latency", lat);
    }
    pre_row(out, "transcript", c->transcript);
    fputs("</table>\n</section>\n", out);
}

/* The details of each FAIL and ERROR, then of each WARN. */
static void details(FILE *out, const struct rp_results *r)
{
    struct rp_counts k = rp_results_counts(r);
    if (k.fail + k.error)
        fputs("<h2>Failures and errors</h2>\n", out);
    for (size_t i = 0; i < r->n_cases; i++)
        if (r->cases[i].verdict == RP_FAIL || r->cases[i].verdict == RP_ERROR)
            detail(out, r, &r->cases[i], i);
    if (k.warn)
        fputs("<h2>Warnings</h2>\n<p>Expectations otacheck inferred (no vendor document or "
              "standard states them) that the module did not meet: not failures.</p>\n",
              out);
    for (size_t i = 0; i < r->n_cases; i++)
        if (r->cases[i].verdict == RP_WARN)
            detail(out, r, &r->cases[i], i);
}

int rp_write_html(FILE *out, const struct rp_results *r)
{
    head(out, r);
    summary(out, r);
    targets(out, r);
    cases(out, r);
    details(out, r);
    fputs("</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}
