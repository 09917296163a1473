/* reports/junit.c — junit.xml, written by hand as Jenkins and GitLab read it:
 * <testsuites> with one <testsuite> per suite and target (counts, time as a plain decimal,
 * timestamp, hostname, the target's identity in <properties>), one <testcase> per case.
 * The quirks of those readers (toolchain-notes.md, "CI report consumers"):
 * - Jenkins splits classname on its last dot: dots in classname become '_';
 * - GitLab keeps only the first of duplicate classname+name pairs: names get " #2"...;
 * - one suite run against several modules: the device identity is in the test name;
 * - GitLab reads output only inside a testcase: <system-out> is per testcase.
 * A WARN case is a passing testcase (no <failure>, counted nowhere but in tests): its
 * <system-out> opens with "WARN rule: reason" and where the requirement comes from.
 * Texts are escaped for XML 1.0; control bytes it cannot hold are written as \xNN.
 *
 * The file validates against the schema the Jenkins xunit plugin checks JUnit input with
 * (junit-10.xsd, copied in tests/consumers/; tests/junit_xsd.sh), which skips a file that
 * fails it: <testsuites> has only name, tests, failures, errors and time (the skipped count
 * and the timestamp are on each <testsuite>); properties only on a <testsuite> (the schema
 * has none on a <testcase>: a case's source and findings are in its <system-out>). GitLab
 * keeps a skip's reason only from the element's text: <skipped message="R">R</skipped>. A
 * failure's message says the rule once (the runner's reasons often start with it).
 *
 * Times: a sim: target runs on a virtual clock (a whole run takes a twentieth of a second
 * of wall time), so its durations are the reference module's simulated time, what the
 * latency limits are judged on. They are written as they are, not replaced by the wall
 * clock (the wall time of a case is not recorded, and would say nothing of the module),
 * and marked: the suite's property clock=virtual (clock=wall for any other target) and a
 * "clock: virtual" line in each case's <system-out>, since GitLab shows no suite property. */
#include <stdlib.h>
#include <string.h>

#include "reports/report_internal.h"
#include "common/xalloc.h"

/* ---- escaping ----------------------------------------------------------------------- */

static void xml_put(FILE *out, const char *s, bool attr)
{
    const unsigned char *p = (const unsigned char *)(s ? s : ""), *run = p;
    for (;; p++) {
        unsigned char c = *p;
        /* a run of bytes that need nothing is written at once (a byte at a time was the
         * writer's cost on a run of 100 000 cases) */
        if (c >= 0x20 && c != 0x7F && c != '&' && c != '<' && c != '>' && !(attr && c == '"'))
            continue;
        if (c == '\n' && !attr)
            continue;
        if (c == '\t' && !attr)
            continue;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), out);
        run = p + 1;
        switch (c) {
        case '\0': return;
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break; /* also keeps "]]>" out of text */
        case '"': fputs("&quot;", out); break;
        case '\t': fputs("&#9;", out); break;
        case '\n': fputs("&#10;", out); break;
        case '\r': fputs("&#13;", out); break;
        default: fprintf(out, "\\x%02x", c); /* not allowed in XML 1.0, even as &#N; */
        }
    }
}

static void attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    xml_put(out, value, true);
    fputc('"', out);
}

static void attr_u(FILE *out, const char *name, size_t v)
{
    fprintf(out, " %s=\"%zu\"", name, v);
}

/* Seconds as a plain decimal ("0.012"): never an exponent, never negative. */
static void attr_time(FILE *out, double ms)
{
    fprintf(out, " time=\"%.3f\"", ms > 0 ? ms / 1000.0 : 0.0);
}

/* ---- suites: cases grouped by suite name and target, in order of first appearance ---- */

struct group {
    const char *suite;
    unsigned target;
    size_t *cases, n, cap;
    size_t fail, error, skipped;
    double ms;
};

struct groups {
    struct group *v;
    size_t n, cap;
};

static const char *suite_of(const struct rp_case *c)
{
    return c->suite && *c->suite ? c->suite : "otacheck";
}

static void group_cases(const struct rp_results *r, struct groups *g)
{
    size_t last = 0;
    for (size_t i = 0; i < r->n_cases; i++) {
        const struct rp_case *c = &r->cases[i];
        size_t k = g->n;
        if (g->n && strcmp(g->v[last].suite, suite_of(c)) == 0 && g->v[last].target == c->target)
            k = last;
        for (size_t j = 0; k == g->n && j < g->n; j++)
            if (strcmp(g->v[j].suite, suite_of(c)) == 0 && g->v[j].target == c->target)
                k = j;
        if (k == g->n) {
            if (g->n == g->cap) {
                g->cap = g->cap ? g->cap * 2 : 16;
                g->v = oc_xrealloc(g->v, g->cap * sizeof *g->v);
            }
            memset(&g->v[k], 0, sizeof g->v[k]);
            g->v[k].suite = suite_of(c);
            g->v[k].target = c->target;
            g->n++;
        }
        struct group *s = &g->v[k];
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 16;
            s->cases = oc_xrealloc(s->cases, s->cap * sizeof *s->cases);
        }
        s->cases[s->n++] = i;
        s->fail += c->verdict == RP_FAIL;
        s->error += c->verdict == RP_ERROR;
        s->skipped += c->verdict == RP_NA;
        s->ms += c->duration_ms > 0 ? c->duration_ms : 0;
        last = k;
    }
}

static void groups_free(struct groups *g)
{
    for (size_t i = 0; i < g->n; i++)
        free(g->v[i].cases);
    free(g->v);
}

/* ---- unique classname + name pairs ---------------------------------------------------- */

/* name, or name " #2", " #3"...: the first not yet used under classname (malloc'd). */
static char *unique_name(struct rp_nameset *ns, const char *classname, const char *name)
{
    return rp_nameset_unique(ns, classname, name, " #");
}

/* ---- the document ------------------------------------------------------------------- */

/* Whether the target's times are virtual: the in-process reference module (sim:). */
static bool clock_virtual(const struct rp_target *t)
{
    return t && t->spec && strncmp(t->spec, "sim:", 4) == 0;
}

static void property(FILE *out, const char *name, const char *value)
{
    if (!value)
        return;
    fputs("      <property", out);
    attr(out, "name", name);
    attr(out, "value", value);
    fputs("/>\n", out);
}

static void properties(FILE *out, const struct rp_results *r, const struct rp_target *t)
{
    char b[64];
    fputs("    <properties>\n", out);
    property(out, "clock", clock_virtual(t) ? "virtual" : "wall");
    if (t) {
        property(out, "target.vendor", t->vendor);
        property(out, "target.vendor_name", t->vendor_name);
        property(out, "target.spec", t->spec);
        property(out, "target.manufacturer", t->manufacturer);
        property(out, "target.model", t->model);
        property(out, "target.revision", t->revision);
        property(out, "target.grammar_source", t->grammar_source);
        snprintf(b, sizeof b, "%u", t->grammar_revision);
        property(out, "target.grammar_revision", b);
        property(out, "target.dialect", t->dialect);
        property(out, "target.caps_file", t->caps_file);
        property(out, "target.caps_note", t->caps_note);
        property(out, "target.grammar_sha256", t->grammar_sha256);
        property(out, "target.caps_sha256", t->caps_sha256);
        property(out, "target.destructive_allowed", t->destructive_allowed ? "true" : "false");
        if (t->overhead_ms >= 0)
            property(out, "target.overhead_ms", rp_fmt_ms(t->overhead_ms, b, sizeof b));
    }
    property(out, "run.tool_version", r->run.tool_version);
    property(out, "run.tool_commit", r->run.tool_commit);
    property(out, "run.verdict", r->run.verdict);
    property(out, "run.command_line", r->run.command_line);
    property(out, "run.started_at", r->run.started_at);
    property(out, "run.finished_at", r->run.finished_at);
    property(out, "run.interrupted", r->run.interrupted ? "true" : "false");
    property(out, "run.stopped_because", r->run.stopped_because);
    fputs("    </properties>\n", out);
}

/* The timestamp as JUnit's schema has it: "2026-11-21T02:36:28", or NULL. */
static const char *junit_timestamp(const char *iso, char *buf, size_t n)
{
    if (!iso || strlen(iso) < 19 || n < 20 || iso[4] != '-' || iso[10] != 'T')
        return NULL;
    memcpy(buf, iso, 19);
    buf[19] = '\0';
    return buf;
}

static void labelled(FILE *out, const char *label, const char *text)
{
    if (!text)
        return;
    fprintf(out, "%s: ", label);
    xml_put(out, text, false);
    fputc('\n', out);
}

/* "source: KIND: SOURCE" and a newline, when the case says where its rule comes from. */
static void source_line(FILE *out, const struct rp_case *c)
{
    char *text = rp_source_text(c);
    labelled(out, "source", text);
    free(text);
}

/* "others:" then each of the other findings on its own line, indented by two. */
static void others_lines(FILE *out, const char *others)
{
    if (!others || !*others)
        return;
    fputs("others:\n", out);
    for (const char *p = others; *p;) {
        size_t n = strcspn(p, "\n");
        if (n) {
            char *line = oc_xmemdup0(p, n);
            fputs("  ", out);
            xml_put(out, line, false);
            fputc('\n', out);
            free(line);
        }
        p += n + (p[n] == '\n');
    }
}

/* "WARN rule: reason": the headline of a case that passes with a warning. */
static void warn_headline(FILE *out, const struct rp_case *c)
{
    const char *rule = rp_rule_before_reason(c);
    fputs("WARN ", out);
    xml_put(out, rule, false);
    if (rule && c->reason)
        fputs(": ", out);
    xml_put(out, c->reason, false);
    fputc('\n', out);
}

static void system_out(FILE *out, const struct rp_case *c, const struct rp_target *t)
{
    char id[512], a[64], b[64];
    bool warn = c->verdict == RP_WARN;
    fputs("      <system-out>", out);
    if (warn) {
        warn_headline(out, c);
        source_line(out, c);
    }
    fprintf(out, "verdict: %s\nid: ", rp_verdict_name(c->verdict));
    xml_put(out, c->id, false);
    fputs("\ntarget: ", out);
    xml_put(out, rp_target_identity(t, id, sizeof id), false);
    fputc('\n', out);
    if (warn) {
        labelled(out, "expected", c->expected); /* a WARN has no <failure> to hold them */
        labelled(out, "seen", c->seen);
    } else {
        source_line(out, c);
    }
    others_lines(out, c->others);
    if (c->latency_ms >= 0) {
        fprintf(out, "latency: %s ms", rp_fmt_ms(c->latency_ms, a, sizeof a));
        if (c->limit_ms > 0)
            fprintf(out, " (limit %s ms)", rp_fmt_ms(c->limit_ms, b, sizeof b));
        else
            fputs(" (no limit)", out);
    } else {
        fputs("latency: not measured", out);
        if (c->limit_ms > 0)
            fprintf(out, " (limit %s ms)", rp_fmt_ms(c->limit_ms, b, sizeof b));
    }
    if (c->first_byte_ms >= 0)
        fprintf(out, "\nfirst byte: %s ms", rp_fmt_ms(c->first_byte_ms, a, sizeof a));
    if (t && t->overhead_ms >= 0)
        fprintf(out, "\ntransport overhead: %s ms", rp_fmt_ms(t->overhead_ms, a, sizeof a));
    fprintf(out, "\nduration: %s ms", rp_fmt_ms(c->duration_ms > 0 ? c->duration_ms : 0, a, sizeof a));
    if (clock_virtual(t))
        fputs("\nclock: virtual (a sim: target: these times are simulated, not wall time)", out);
    if (c->transcript) {
        fputs("\ntranscript:\n", out);
        xml_put(out, c->transcript, false);
    }
    fputs("</system-out>\n", out);
}

static void outcome(FILE *out, const struct rp_case *c)
{
    if (c->verdict == RP_PASS || c->verdict == RP_WARN)
        return; /* WARN is not a failure: its warning is in <system-out> */
    if (c->verdict == RP_NA) {
        const char *why = c->reason ? c->reason : "not applicable";
        fputs("      <skipped", out);
        attr(out, "message", why);
        fputs(">", out);
        xml_put(out, why, false); /* GitLab reads the reason from here only */
        fputs("</skipped>\n", out);
        return;
    }
    const char *el = c->verdict == RP_FAIL ? "failure" : "error";
    const char *rule = rp_rule_before_reason(c);
    size_t n = strlen(rule ? rule : "") + strlen(c->reason ? c->reason : "") + 3;
    char *msg = oc_xmalloc(n + 16);
    if (rule && c->reason)
        snprintf(msg, n + 16, "%s: %s", rule, c->reason);
    else
        snprintf(msg, n + 16, "%s", c->reason ? c->reason : c->rule ? c->rule : rp_verdict_name(c->verdict));
    fprintf(out, "      <%s", el);
    attr(out, "message", msg);
    attr(out, "type", c->rule ? c->rule : rp_verdict_name(c->verdict));
    fputs(">", out);
    free(msg);
    labelled(out, "rule", c->rule);
    labelled(out, "reason", c->reason);
    labelled(out, "expected", c->expected);
    labelled(out, "seen", c->seen);
    source_line(out, c);
    others_lines(out, c->others);
    if (c->transcript) {
        fputs("transcript:\n", out);
        xml_put(out, c->transcript, false);
    }
    fprintf(out, "</%s>\n", el);
}

static void testcase(FILE *out, const struct rp_results *r, const struct rp_case *c, size_t index,
                     struct rp_nameset *names)
{
    const struct rp_target *t = rp_results_target(r, c);
    char *classname = oc_xstrdup(suite_of(c));
    for (char *p = classname; *p; p++)
        if (*p == '.')
            *p = '_';
    char idn[512], fallback[64];
    const char *base = c->name && *c->name ? c->name : c->id && *c->id ? c->id : NULL;
    if (!base) {
        snprintf(fallback, sizeof fallback, "case %zu", index + 1);
        base = fallback;
    }
    rp_target_identity(t, idn, sizeof idn);
    size_t n = strlen(base) + strlen(idn) + 4;
    char *full = oc_xmalloc(n);
    snprintf(full, n, "%s [%s]", base, idn);
    char *name = unique_name(names, classname, full);

    fputs("    <testcase", out);
    attr(out, "classname", classname);
    attr(out, "name", name);
    attr_time(out, c->duration_ms);
    fputs(">\n", out);
    outcome(out, c);
    system_out(out, c, t);
    fputs("    </testcase>\n", out);
    free(name);
    free(full);
    free(classname);
}

int rp_write_junit(FILE *out, const struct rp_results *r)
{
    struct groups g = {NULL, 0, 0};
    group_cases(r, &g);
    struct rp_counts k = rp_results_counts(r);
    double ms = 0;
    for (size_t i = 0; i < g.n; i++)
        ms += g.v[i].ms;
    char ts[32];
    const char *stamp = junit_timestamp(r->run.started_at, ts, sizeof ts);

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
    attr(out, "name", "otacheck");
    attr_u(out, "tests", k.total);
    attr_u(out, "failures", k.fail);
    attr_u(out, "errors", k.error);
    attr_time(out, ms); /* junit-10.xsd: no skipped, no timestamp here (each suite has them) */
    fputs(">\n", out);
    struct rp_nameset names = RP_NAMESET_INIT;
    for (size_t i = 0; i < g.n; i++) {
        const struct group *s = &g.v[i];
        fputs("  <testsuite", out);
        attr(out, "name", s->suite);
        attr_u(out, "tests", s->n);
        attr_u(out, "failures", s->fail);
        attr_u(out, "errors", s->error);
        attr_u(out, "skipped", s->skipped);
        attr_time(out, s->ms);
        if (stamp)
            attr(out, "timestamp", stamp);
        attr(out, "hostname", r->run.host ? r->run.host : "localhost");
        attr_u(out, "id", i);
        fputs(">\n", out);
        properties(out, r, s->target < r->n_targets ? &r->targets[s->target] : NULL);
        for (size_t j = 0; j < s->n && !ferror(out); j++) /* a write failed: stop */
            testcase(out, r, &r->cases[s->cases[j]], s->cases[j], &names);
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    rp_nameset_free(&names);
    groups_free(&g);
    return ferror(out) ? -1 : 0;
}
