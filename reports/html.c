/* reports/html.c — report.html: one self-contained page (inline CSS and a small inline
 * script, nothing fetched) a person reads, laid out for a 1366 px window: a sticky header
 * with the run's verdict and counts; the run and the identity of every target; the
 * failures first (each FAIL and ERROR, then each WARN, in a collapsible section with its
 * reason, every finding, the latency the verdict was about and the transcript); the
 * summaries and pictures (html_charts.c); and the table of every case, filtered by verdict
 * (CSS radio buttons, no script needed) and, with the script, by a text and sorted by a
 * click on a column's heading. Everything is in the page without the script.
 * Every text is HTML-escaped; control bytes are shown as \xNN. */
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"
#include "reports/html.h"

/* Sections of FAIL and ERROR open when the page loads (the others are one click away). */
#define OPEN_DETAILS 5
/* Rows of the case table laid out together (see cases()). */
#define CASE_BLOCK 500
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

const char *rp_html_vclass(enum rp_verdict v)
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

bool *rp_html_detail_map(const struct rp_results *r, struct rp_counts *left_out)
{
    bool *d = oc_xcalloc(r->n_cases ? r->n_cases : 1, sizeof *d);
    unsigned fail = 0, error = 0, warn = 0;
    struct rp_counts out = {0};
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct rp_case *c = &r->cases[i];
        unsigned *seen = c->verdict == RP_FAIL ? &fail : c->verdict == RP_ERROR ? &error
                         : c->verdict == RP_WARN ? &warn : NULL;
        unsigned *lost = c->verdict == RP_FAIL ? &out.fail : c->verdict == RP_ERROR ? &out.error
                         : &out.warn;
        if (!seen)
            continue;
        if ((*seen)++ < RP_HTML_MAX_DETAILS)
            d[i] = true;
        else
            (*lost)++;
    }
    if (left_out)
        *left_out = out;
    return d;
}

bool rp_html_is_flow(const struct rp_case *c)
{
    if (!c->n_steps)
        return false;
    if ((c->form && strcmp(c->form, "flow") == 0) || c->stall_limit_ms > 0 || c->total_limit_ms > 0)
        return true;
    /* a case that started a flow and broke one of its rules */
    if (c->verdict == RP_PASS || !c->rule || strncmp(c->rule, "flow-", 5) != 0)
        return false;
    for (size_t i = 0; i < c->n_steps; i++)
        if (c->steps[i].event)
            return true;
    return false;
}

#define h rp_html_text

static const char CSS[] =
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 1em 2em;"
    "color:#1d1d1d;overflow-wrap:anywhere}\n"
    "h1{font-size:1.15em;margin:0 .8em 0 0;display:inline}h2{font-size:1.2em;margin-top:1.4em}"
    "h3{font-size:1em}\n"
    "header.top{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ccc;"
    "padding:.4em 0;display:flex;flex-wrap:wrap;align-items:center;gap:.3em 1em}\n"
    "header.top nav a{margin-right:.8em}\n"
    "[id]{scroll-margin-top:3.5em}\n"
    "table{border-collapse:collapse;margin:.4em 0}\n"
    "th,td{border:1px solid #c8c8c8;padding:.2em .45em;text-align:left;vertical-align:top}\n"
    "th{background:#f0f0f0;font-weight:600}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tr.pass td.v,span.pass{background:#d9f2d9}tr.fail td.v,span.fail{background:#f8d0d0}\n"
    "tr.na td.v,span.na{background:#e4e4e4}tr.error td.v,span.error{background:#fbe0b5}\n"
    "tr.warn td.v,span.warn{background:#f6eca0}\n"
    "tr.fail,details.fail{background:#fff5f5}tr.error,details.error{background:#fffaf0}\n"
    "tr.warn,details.warn{background:#fffde9}\n"
    "pre{background:#f7f7f7;border:1px solid #ddd;padding:.4em;margin:.1em 0;"
    "white-space:pre-wrap;word-break:break-all;font-size:.92em}\n"
    ".counts span{display:inline-block;padding:.15em .7em;margin-right:.3em;border-radius:3px;"
    "font-weight:600}\n"
    ".partial{border:2px solid #b00;background:#fff0f0;padding:.6em}\n"
    "code.digest{word-break:break-all;font-size:.8em}\n"
    "table.kv{width:100%;table-layout:fixed}table.kv th{width:9em}\n"
    "td.t{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.92em}\n"
    "details.case p.meta{margin:.2em 0;font-size:.92em}\n"
    "dl.run{display:flex;flex-wrap:wrap;gap:.2em 2em;margin:.4em 0}dl.run div{display:flex;gap:.5em}\n"
    "dl.run dt{font-weight:600}dl.run dd{margin:0}\n"
    "table.targets,table.cases,table.sum{width:100%;table-layout:fixed}\n"
    "details.case{border:1px solid #ddd;margin:.4em 0;padding:.1em .7em}\n"
    "details.case>summary{cursor:pointer;padding:.2em 0}\n"
    "details.case>summary .rule{font-weight:600}\n"
    "ol.findings{margin:.1em 0;padding-left:1.6em}ol.findings li{margin:.15em 0}\n"
    ".filter{margin:.4em 0}.filter label{margin-right:.6em}\n"
    ".filter input[type=search]{width:22em;margin:0 .5em 0 1em}\n"
    "table.cases th button{font:inherit;font-weight:600;border:0;background:none;padding:0;"
    "cursor:pointer}\n"
    "table.cases th[aria-sort=ascending] button::after{content:' \\25B2'}\n"
    "table.cases th[aria-sort=descending] button::after{content:' \\25BC'}\n"
    "tr[hidden]{display:none}\n"
    ".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:0 1em}\n"
    ".muted{color:#777}\n"
    "div.rows>div.block{content-visibility:auto;contain-intrinsic-size:auto 14000px}\n"
    "table.cases{margin:0}div.rows table.cases tr:first-child td{border-top:0}\n"
    "#f-pass:checked~div.rows tr:not(.pass),#f-fail:checked~div.rows tr:not(.fail),"
    "#f-na:checked~div.rows tr:not(.na),#f-error:checked~div.rows tr:not(.error),"
    "#f-warn:checked~div.rows tr:not(.warn),"
    "#f-bad:checked~div.rows tr.pass,#f-bad:checked~div.rows tr.na,"
    "#f-bad:checked~div.rows tr.warn{display:none}\n";

/* The page's script: the text filter (each row whose text does not contain it is hidden;
 * "8 of 185 cases" says how many show), sorting by a column (numbers as numbers, verdicts
 * worst first, a second click reverses), and the links of the summaries that fill in the
 * filter. It only rearranges what the page already shows. */
static const char SCRIPT[] =
    "(function(){\n"
    "var t=document.querySelector('table.cases.head');if(!t)return;\n"
    "var q=document.getElementById('q'),info=document.getElementById('q-n');\n"
    "var rows=null,timer=0,rank={'FAIL':0,'ERROR':1,'WARN':2,'N/A':3,'PASS':4};\n"
    "function all(){if(!rows){rows=Array.prototype.slice.call(document.querySelectorAll('div.rows tbody tr'));"
    "for(var i=0;i<rows.length;i++)rows[i].k=rows[i].textContent.toLowerCase();}return rows;}\n"
    "function filter(){all();var s=q.value.trim().toLowerCase(),n=0;\n"
    " for(var i=0;i<rows.length;i++){var hide=s!==''&&rows[i].k.indexOf(s)<0;"
    "if(rows[i].hidden!==hide)rows[i].hidden=hide;if(!hide)n++;}\n"
    " info.textContent=s?n+' of '+rows.length+' cases':'';}\n"
    "q.addEventListener('input',function(){clearTimeout(timer);"
    "if(all().length<5000)filter();else timer=setTimeout(filter,200);});\n"
    "function key(r,col,kind){var s=r.cells[col].textContent;\n"
    " if(kind==='n'){var v=parseFloat(s);return isNaN(v)?-1:v;}\n"
    " if(kind==='v')return s in rank?rank[s]:9;return s.toLowerCase();}\n"
    "function sort(th){all();var col=th.cellIndex,kind=th.getAttribute('data-sort'),\n"
    " dir=th.getAttribute('aria-sort')==='ascending'?-1:1;\n"
    " var v=rows.map(function(r,i){return [key(r,col,kind),i,r];});\n"
    " v.sort(function(a,b){return a[0]<b[0]?-dir:a[0]>b[0]?dir:a[1]-b[1];});\n"
    " var ths=t.tHead.rows[0].cells;for(var i=0;i<ths.length;i++)ths[i].removeAttribute('aria-sort');\n"
    " th.setAttribute('aria-sort',dir>0?'ascending':'descending');\n"
    " rows=v.map(function(x){return x[2];});\n"
    /* the blocks keep their sizes: block b gets the rows b*size... of the new order */
    " var bodies=document.querySelectorAll('div.rows tbody'),size=" TEXT(CASE_BLOCK) ";\n"
    " for(var b=0;b<bodies.length;b++){var f=document.createDocumentFragment();\n"
    "  for(var j=b*size;j<rows.length&&j<(b+1)*size;j++)f.appendChild(rows[j]);bodies[b].appendChild(f);}}\n"
    "t.tHead.addEventListener('click',function(e){var th=e.target.closest('th[data-sort]');"
    "if(th)sort(th);});\n"
    "document.addEventListener('click',function(e){var a=e.target.closest('[data-q]');"
    "if(a){q.value=a.getAttribute('data-q');filter();}});\n"
    "})();\n";

/* A text as the module or the grammar gave it: its line ends and blanks kept. */
static void text_row(FILE *out, const char *label, const char *value)
{
    if (!value)
        return;
    fputs("<tr><th>", out);
    h(out, label);
    fputs("</th><td class=\"t\">", out);
    h(out, value);
    fputs("</td></tr>\n", out);
}

/* A term of the run's list (a grid of pairs). */
static void item(FILE *out, const char *label, const char *value)
{
    if (!value)
        return;
    fputs("<div><dt>", out);
    h(out, label);
    fputs("</dt><dd>", out);
    h(out, value);
    fputs("</dd></div>\n", out);
}

static void head(FILE *out, const struct rp_results *r)
{
    struct rp_counts k = rp_results_counts(r);
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>otacheck report</title>\n<style>\n",
          out);
    fputs(CSS, out);
    fputs(svg_css, out);
    fputs("</style>\n</head>\n<body>\n<header class=\"top\"><h1>otacheck conformance report</h1>", out);
    fprintf(out,
            "<p class=\"counts\" style=\"margin:0\"><span class=\"pass\">PASS %u</span>"
            "<span class=\"warn\">WARN %u</span>"
            "<span class=\"fail\">FAIL %u</span><span class=\"na\">N/A %u</span>"
            "<span class=\"error\">ERROR %u</span><span>total %u</span></p>\n",
            k.pass, k.warn, k.fail, k.na, k.error, k.total);
    fputs("<nav>", out);
    if (k.fail + k.error)
        fputs("<a href=\"#failures\">failures</a>", out);
    if (k.warn)
        fputs("<a href=\"#warnings\">warnings</a>", out);
    fputs("<a href=\"#by-rule\">by rule</a><a href=\"#by-command\">by command</a><a href=\"#by-form\">response times</a>"
          "<a href=\"#charts\">charts</a><a href=\"#cases\">cases</a><a href=\"#run\">run</a>"
          "</nav></header>\n",
          out);
    if (r->run.interrupted) {
        fputs("<p class=\"partial\"><strong>Partial report:</strong> the run was interrupted", out);
        if (r->run.stopped_because) {
            fputs(" (", out);
            h(out, r->run.stopped_because);
            fputs(")", out);
        }
        fputs("; only the cases that finished are here.</p>\n", out);
    }
    fputs("<h2 id=\"run\">Run</h2>\n<dl class=\"run\">\n", out);
    item(out, "verdict", r->run.verdict);
    item(out, "tool", r->run.tool_version);
    item(out, "commit", r->run.tool_commit);
    item(out, "host", r->run.host);
    item(out, "started", r->run.started_at);
    item(out, "finished", r->run.finished_at);
    item(out, "command line", r->run.command_line);
    fputs("</dl>\n", out);
}

static void answer(FILE *out, const char *what, const char *value)
{
    fputs(what, out);
    h(out, value ? value : "(no answer)");
}

static void targets(FILE *out, const struct rp_results *r)
{
    char b[64];
    fputs("<h2 id=\"targets\">Targets</h2>\n<table class=\"targets\">\n"
          "<colgroup><col style=\"width:2.5em\"><col style=\"width:17%\"><col style=\"width:17%\">"
          "<col style=\"width:20%\"><col><col style=\"width:17%\"><col style=\"width:9em\">"
          "</colgroup>\n<thead><tr><th>#</th><th>vendor, target</th><th>module</th>"
          "<th>grammar</th><th>dialect</th><th>capabilities</th><th>run</th></tr></thead>\n<tbody>\n",
          out);
    for (size_t i = 0; i < r->n_targets; i++) {
        const struct rp_target *t = &r->targets[i];
        fprintf(out, "<tr id=\"target-%zu\"><td>%zu</td><td>", i, i);
        h(out, t->vendor);
        if (t->vendor_name) {
            fputs("<br>", out);
            h(out, t->vendor_name);
        }
        fputs("<br><code>", out);
        h(out, t->spec);
        fputs("</code></td><td>", out);
        answer(out, "manufacturer: ", t->manufacturer);
        answer(out, "<br>model: ", t->model);
        answer(out, "<br>revision: ", t->revision);
        answer(out, "<br>IMEI: ", t->imei);
        fputs("</td><td>", out);
        h(out, t->grammar_source);
        fprintf(out, ", revision %u", t->grammar_revision);
        if (t->grammar_sha256) {
            fputs("<br>sha256 <code class=\"digest\">", out);
            h(out, t->grammar_sha256);
            fputs("</code>", out);
        }
        fputs("</td><td>", out);
        for (const char *p = t->dialect; p && *p;) { /* "a=b,c=d": one choice a line */
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            char *knob = oc_xmemdup0(p, len);
            h(out, knob);
            free(knob);
            if (comma)
                fputs(",<br>", out);
            p += len + (comma ? 1 : 0);
        }
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
        fprintf(out, "</td><td>destructive %s<br>transport overhead %s%s",
                t->destructive_allowed ? "allowed" : "not allowed",
                t->overhead_ms >= 0 ? rp_fmt_ms(t->overhead_ms, b, sizeof b) : "unknown",
                t->overhead_ms >= 0 ? " ms" : "");
        if (t->clock && strcmp(t->clock, "virtual") == 0)
            fputs("<br>virtual clock: the times are simulated", out);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
}

/* "412.5 / 300 ms", "2 ms", "— / 300 ms", or nothing. */
static void latency_text(FILE *out, double latency, double limit)
{
    char a[48], b[48];
    if (latency >= 0 && limit > 0)
        fprintf(out, "%s / %s ms", rp_fmt_ms(latency, a, sizeof a), rp_fmt_ms(limit, b, sizeof b));
    else if (latency >= 0)
        fprintf(out, "%s ms", rp_fmt_ms(latency, a, sizeof a));
    else if (limit > 0)
        fprintf(out, "&#x2014; / %s ms", rp_fmt_ms(limit, b, sizeof b));
}

/* The columns of the case table, for its heading's table and each block's. */
#define CASE_COLS                                                                        \
    "<colgroup><col style=\"width:4.2em\"><col style=\"width:5.6em\"><col style=\"width:34%\">" \
    "<col style=\"width:10em\"><col><col style=\"width:9.5em\"><col style=\"width:6.5em\">"     \
    "</colgroup>"

/* The case table: its heading, then the rows in blocks of CASE_BLOCK, each its own table of
 * the same fixed columns, which the browser lays out only when it comes into view
 * (content-visibility): one table of 100 000 rows takes Chromium half a minute to lay out. */
static void cases(FILE *out, const struct rp_results *r, const bool *detailed)
{
    fputs("<h2 id=\"cases\">Cases</h2>\n<div class=\"filter\">show:"
          "<input type=\"radio\" name=\"f\" id=\"f-all\" checked><label for=\"f-all\">all</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-bad\"><label for=\"f-bad\">FAIL and ERROR</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-pass\"><label for=\"f-pass\">PASS</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-fail\"><label for=\"f-fail\">FAIL</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-na\"><label for=\"f-na\">N/A</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-error\"><label for=\"f-error\">ERROR</label>"
          "<input type=\"radio\" name=\"f\" id=\"f-warn\"><label for=\"f-warn\">WARN</label>\n"
          "<input type=\"search\" id=\"q\" placeholder=\"filter: any text of a row\" "
          "aria-label=\"filter the cases by text\"><output id=\"q-n\" for=\"q\"></output>\n"
          "<table class=\"cases head\">\n" CASE_COLS "\n"
          "<thead><tr><th data-sort=\"n\"><button type=\"button\">#</button></th>"
          "<th data-sort=\"v\"><button type=\"button\">verdict</button></th>"
          "<th data-sort=\"t\"><button type=\"button\">suite: case</button></th>"
          "<th data-sort=\"t\"><button type=\"button\">rule</button></th>"
          "<th data-sort=\"t\"><button type=\"button\">reason</button></th>"
          "<th data-sort=\"n\"><button type=\"button\">latency / limit</button></th>"
          "<th data-sort=\"n\"><button type=\"button\">duration</button></th></tr></thead>\n</table>\n"
          "<div class=\"rows\">\n",
          out);
    char b[64];
    for (size_t i = 0; i < r->n_cases && !ferror(out); i++) { /* a write failed: stop */
        const struct rp_case *c = &r->cases[i];
        if (i % CASE_BLOCK == 0)
            fputs(i ? "</tbody></table></div>\n<div class=\"block\"><table class=\"cases\">" CASE_COLS "<tbody>\n"
                    : "<div class=\"block\"><table class=\"cases\">" CASE_COLS "<tbody>\n",
                  out);
        fprintf(out, "<tr class=\"%s\"><td>%zu</td><td class=\"v\">", rp_html_vclass(c->verdict), i + 1);
        if (detailed[i])
            fprintf(out, "<a href=\"#case-%zu\">%s</a>", i + 1, rp_verdict_name(c->verdict));
        else
            fputs(rp_verdict_name(c->verdict), out);
        fputs("</td><td>", out);
        h(out, c->suite);
        fputs(": ", out);
        h(out, c->name ? c->name : c->id);
        fputs("</td><td>", out);
        h(out, c->rule);
        fputs("</td><td>", out);
        if (c->verdict != RP_PASS)
            h(out, c->reason);
        fputs("</td><td>", out);
        latency_text(out, c->latency_ms, c->limit_ms);
        fputs("</td><td>", out);
        if (c->duration_ms >= 0)
            fprintf(out, "%s ms", rp_fmt_ms(c->duration_ms, b, sizeof b));
        fputs("</td></tr>\n", out);
    }
    if (r->n_cases)
        fputs("</tbody></table></div>\n", out);
    fputs("</div>\n</div>\n", out);
}

/* The other findings, one per line, as the items 2... of the list of findings. */
static void other_findings(FILE *out, const char *others)
{
    fputs("<tr><th>other findings</th><td><ol class=\"findings\" start=\"2\">", out);
    for (const char *p = others; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len) {
            char *line = oc_xmemdup0(p, len);
            fputs("<li>", out);
            h(out, line);
            fputs("</li>", out);
            free(line);
        }
        p += len + (e ? 1 : 0);
    }
    fputs("</ol></td></tr>\n", out);
}

/* The step the verdict is about, or NULL. */
static const struct rp_step *failed_step(const struct rp_case *c)
{
    for (size_t i = 0; i < c->n_steps; i++)
        if (c->steps[i].failed)
            return &c->steps[i];
    return NULL;
}

/* One case's section: what it checked, every finding, where the requirement comes from,
 * the latency the verdict is about, the transcript. */
static void detail(FILE *out, const struct rp_results *r, const struct rp_case *c, size_t i,
                   bool open, bool timeline)
{
    char idn[512], a[64];
    fprintf(out, "<details id=\"case-%zu\" class=\"case %s\"%s>\n<summary>%zu. <strong>%s</strong> ",
            i + 1, rp_html_vclass(c->verdict), open ? " open" : "", i + 1, rp_verdict_name(c->verdict));
    h(out, c->suite);
    fputs(": ", out);
    h(out, c->name ? c->name : c->id);
    if (c->rule) {
        fputs(" &#x2014; <span class=\"rule\">", out);
        h(out, c->rule);
        fputs("</span>", out);
    }
    if (c->latency_ms >= 0) {
        fputs(" (", out);
        latency_text(out, c->latency_ms, c->limit_ms);
        fputs(")", out);
    }
    fputs("</summary>\n<p class=\"meta\"><strong>id</strong> <code>", out);
    h(out, c->id);
    fputs("</code> &#xB7; <strong>target</strong> ", out);
    h(out, rp_target_identity(rp_results_target(r, c), idn, sizeof idn));
    if (c->command && *c->command) {
        fputs(" &#xB7; <strong>command</strong> ", out);
        h(out, c->command);
    }
    if (c->form) {
        fputs(" &#xB7; <strong>form</strong> ", out);
        h(out, c->form);
    }
    fputs("</p>\n<table class=\"kv\">\n", out);
    if (c->others)
        fputs("<tr><th colspan=\"2\">finding 1, the one that decides the verdict</th></tr>\n", out);
    text_row(out, "rule", c->rule);
    text_row(out, "reason", c->reason);
    text_row(out, "expected", c->expected);
    text_row(out, "seen", c->seen);
    char *source = rp_source_text(c);
    text_row(out, "source", source);
    free(source);
    if (c->others)
        other_findings(out, c->others);
    if (c->latency_ms >= 0 || c->limit_ms > 0) {
        /* the exchange the verdict is about: c->latency_ms is that one's */
        fputs("<tr><th>latency</th><td>", out);
        if (c->latency_ms >= 0)
            fprintf(out, "%s ms", rp_fmt_ms(c->latency_ms, a, sizeof a));
        else
            fputs("not measured", out);
        if (c->limit_ms > 0)
            fprintf(out, " (limit %s ms)", rp_fmt_ms(c->limit_ms, a, sizeof a));
        if (c->first_byte_ms >= 0)
            fprintf(out, "; first byte after %s ms", rp_fmt_ms(c->first_byte_ms, a, sizeof a));
        const struct rp_step *st = failed_step(c);
        if (st && !st->event && st->text) {
            fputs("; the exchange the verdict is about: <code>", out);
            h(out, st->text);
            fprintf(out, "</code> at %s ms into the case", rp_fmt_ms(st->t_ms, a, sizeof a));
        }
        fputs("</td></tr>\n", out);
    }
    if (c->duration_ms >= 0) {
        fprintf(out, "<tr><th>duration</th><td>%s ms", rp_fmt_ms(c->duration_ms, a, sizeof a));
        if (timeline)
            fprintf(out, " (<a href=\"#tl-%zu\">timeline</a>)", i + 1);
        fputs("</td></tr>\n", out);
    }
    if (c->transcript) {
        fputs("<tr><th>transcript</th><td><pre>", out);
        h(out, c->transcript);
        fputs("</pre></td></tr>\n", out);
    }
    fputs("</table>\n</details>\n", out);
}

/* Said where a list of sections stops short (RP_HTML_MAX_DETAILS of each verdict). */
static void left_out_note(FILE *out, unsigned n, const char *verdict)
{
    if (n)
        fprintf(out, "<p class=\"muted\">%u more %s without a section here (the first %d "
                     "have one): each is a row of the case table below with its reason, and "
                     "results.json holds every transcript.</p>\n",
                n, verdict, RP_HTML_MAX_DETAILS);
}

/* The sections of each FAIL and ERROR, then of each WARN; the timelines are counted over
 * every flow, with a section or not, as html_charts.c draws them. */
static void details(FILE *out, const struct rp_results *r, const bool *detailed,
                    struct rp_counts left)
{
    struct rp_counts k = rp_results_counts(r);
    size_t opened = 0, flows = 0;
    if (k.fail + k.error)
        fprintf(out, "<h2 id=\"failures\">Failures and errors</h2>\n<p>%u FAIL, %u ERROR, in the "
                     "order they ended; the first %d open.</p>\n",
                k.fail, k.error, OPEN_DETAILS);
    for (size_t i = 0; i < r->n_cases && !ferror(out); i++) {
        const struct rp_case *c = &r->cases[i];
        if (c->verdict != RP_FAIL && c->verdict != RP_ERROR)
            continue;
        bool tl = rp_html_is_flow(c) && flows++ < RP_HTML_MAX_TIMELINES;
        if (detailed[i])
            detail(out, r, c, i, opened++ < OPEN_DETAILS, tl);
    }
    left_out_note(out, left.fail, "FAIL");
    left_out_note(out, left.error, "ERROR");
    if (k.warn)
        fputs("<h2 id=\"warnings\">Warnings</h2>\n<p>Expectations otacheck inferred (no vendor "
              "document or standard states them) that the module did not meet: not failures.</p>\n",
              out);
    for (size_t i = 0; i < r->n_cases && !ferror(out); i++) {
        const struct rp_case *c = &r->cases[i];
        if (c->verdict != RP_WARN)
            continue;
        bool tl = rp_html_is_flow(c) && flows++ < RP_HTML_MAX_TIMELINES;
        if (detailed[i])
            detail(out, r, c, i, false, tl);
    }
    left_out_note(out, left.warn, "WARN");
}

int rp_write_html(FILE *out, const struct rp_results *r)
{
    struct rp_counts left;
    bool *detailed = rp_html_detail_map(r, &left);
    head(out, r);
    targets(out, r);
    details(out, r, detailed, left);
    rp_html_summaries(out, r, detailed);
    cases(out, r, detailed);
    free(detailed);
    fputs("<script>\n", out);
    fputs(SCRIPT, out);
    fputs("</script>\n</body>\n</html>\n", out);
    return ferror(out) ? -1 : 0;
}
