/* tests/test_reports.c — the report files say what the run said, in forms their readers
 * accept: junit.xml is well-formed (checked by xmllint, from libxml2-utils) with counts that
 * match its testcases, hostile text escaped, no dot in a classname, unique names, the right
 * element per verdict and plain decimal times; results.tap is exactly the expected TAP 13;
 * results.json loads with jansson with the documented fields, nulls and counts; a secret
 * appears in no file written; a file that cannot be put in place leaves no temporary file
 * and a message; a killed run is rebuilt from its stream with every finished case and
 * marked interrupted, and a broken stream is refused with the line number. */
#include <dirent.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parser/mask.h"
#include "reports/html.h"
#include "reports/load.h"
#include "reports/report.h"
#include "tests/tu.h"

/* ---- helpers ------------------------------------------------------------------------- */

static char *make_tmpdir(void)
{
    char tmpl[] = "/tmp/otacheck-reports-XXXXXX";
    char *d = mkdtemp(tmpl);
    if (!d) {
        perror("mkdtemp");
        abort();
    }
    return strdup(d);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tree(char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static const char *path_in(const char *dir, const char *name)
{
    static char buf[4][1024];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* The whole file, or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

static bool file_has(const char *path, const char *needle)
{
    char *s = slurp(path);
    bool yes = s && strstr(s, needle);
    free(s);
    return yes;
}

/* How many times needle is in the file at path. */
static size_t file_count(const char *path, const char *needle)
{
    char *s = slurp(path);
    size_t n = 0;
    for (const char *p = s; p && (p = strstr(p, needle)); p += strlen(needle))
        n++;
    free(s);
    return n;
}

/* Runs a shell command; its output (stdout and stderr) in out. True when it exited 0. */
static bool run_cmd(const char *cmd, char *out, size_t cap)
{
    FILE *p = popen(cmd, "r");
    out[0] = '\0';
    if (!p)
        return false;
    size_t n = fread(out, 1, cap - 1, p);
    out[n] = '\0';
    char rest[4096];
    while (fread(rest, 1, sizeof rest, p) > 0)
        ; /* read it all: a writer cut off by SIGPIPE would not exit 0 */
    while (n && (out[n - 1] == '\n'))
        out[--n] = '\0';
    return pclose(p) == 0;
}

static bool have_xmllint(void)
{
    char out[256];
    bool ok = run_cmd("xmllint --version 2>&1", out, sizeof out);
    TU_CHECK(ok, "xmllint is needed to check junit.xml: install libxml2-utils "
                 "(scripts/setup-debian.sh does)");
    return ok;
}

/* The value of an XPath expression over file (a string(), count() or boolean()). */
static const char *xpath(const char *file, const char *expr)
{
    static char out[8192];
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "xmllint --xpath '%s' '%s' 2>&1", expr, file);
    if (!run_cmd(cmd, out, sizeof out) && !out[0])
        snprintf(out, sizeof out, "(xmllint failed)");
    return out;
}

#define XPATH_IS(file, expr, want)                                                               \
    do {                                                                                         \
        const char *got_ = xpath((file), (expr));                                                \
        TU_CHECK(strcmp(got_, (want)) == 0, "%s: got \"%s\", want \"%s\"", (expr), got_, (want)); \
    } while (0)

/* ---- the sample run ------------------------------------------------------------------ */

static const struct rp_target TARGET = {
    .vendor = "quectel",
    .vendor_name = "Quectel QuecThing OTA",
    .spec = "sim:quectel",
    .manufacturer = "Quectel",
    .model = "EC200U",
    .revision = "EC200U.CNAA.R02",
    .imei = "***********2345",
    .grammar_source = "QuecThing OTA AT Commands Manual V1.2",
    .grammar_revision = 3,
    .dialect = "colon-space=space",
    .caps_file = NULL,
    .caps_note = "no capability file: the reference module's defaults",
    .destructive_allowed = true,
    .overhead_ms = 0.02,
};

static const struct rp_case PASS_CASE = {
    .id = "quectel/+QIOTUPDATE/write/valid/update_action=3",
    .suite = "quectel +QIOTUPDATE",
    .name = "write valid update_action=3",
    .vendor = "quectel",
    .command = "+QIOTUPDATE",
    .form = "write",
    .verdict = RP_PASS,
    .rule = "response-time",
    .latency_ms = 12.5,
    .first_byte_ms = 3,
    .limit_ms = 300,
    .duration_ms = 12.3456,
    .transcript = "> AT+QIOTUPDATE=3\n< OK\n",
};

/* The FAIL case's steps: a set-up exchange, the slow one its verdict is about, an event. */
static const struct rp_step FAIL_STEPS[] = {
    {.t_ms = 0, .text = "AT+QIOTMCUVER=\"MCU\",\"1_0_0\"", .command = "+QIOTMCUVER", .form = "write",
     .latency_ms = 2.5, .limit_ms = 300},
    {.t_ms = 52, .text = "AT+QIOTUPDATE=1", .command = "+QIOTUPDATE", .form = "write", .latency_ms = 412.5,
     .limit_ms = 300, .failed = true},
    {.event = true, .t_ms = 470, .text = "+QIOTEVT: 7,10701", .latency_ms = -1},
};

static const struct rp_case FAIL_CASE = {
    .id = "quectel/+QIOTUPDATE/write/invalid/1",
    .suite = "quectel +QIOTUPDATE",
    .name = "write invalid #1",
    .vendor = "quectel",
    .command = "+QIOTUPDATE",
    .form = "write",
    .verdict = RP_FAIL,
    .rule = "response-time",
    .reason = "no final within the limit",
    .expected = "a final result within 300 ms",
    .seen = "OK after 412.5 ms",
    .latency_ms = 412.5,
    .first_byte_ms = 400,
    .limit_ms = 300,
    .duration_ms = 413,
    .transcript = "> AT+QIOTUPDATE=1\n< OK\n",
    .steps = FAIL_STEPS,
    .n_steps = 3,
};

static const struct rp_case NA_CASE = {
    .id = "quectel/+QIOTUPDATE/exec",
    .suite = "quectel +QIOTUPDATE",
    .name = "exec destructive",
    .vendor = "quectel",
    .command = "+QIOTUPDATE",
    .form = "exec",
    .verdict = RP_NA,
    .reason = "destructive cases not allowed",
    .latency_ms = -1,
    .first_byte_ms = -1,
    .limit_ms = 0,
    .duration_ms = 0,
};

static const struct rp_case ERROR_CASE = {
    .id = "quectel/+QIOTOTARD/read",
    .suite = "quectel +QIOTOTARD",
    .name = "read state",
    .vendor = "quectel",
    .command = "+QIOTOTARD",
    .form = "read",
    .verdict = RP_ERROR,
    .reason = "the port vanished",
    .latency_ms = -1,
    .first_byte_ms = -1,
    .limit_ms = 0,
    .duration_ms = 1234567.8,
    .transcript = "> AT+QIOTOTARD?\n< \x01garbage \"q\"",
};

/* An expectation otacheck inferred, not met: where it comes from, and the case's other
 * findings (one of them with a character every format escapes). */
static const struct rp_case WARN_CASE = {
    .id = "quectel/+QIOTCFG/write/valid/product_key=longest",
    .suite = "quectel +QIOTCFG",
    .name = "write valid product_key longest",
    .vendor = "quectel",
    .command = "+QIOTCFG",
    .form = "write",
    .verdict = RP_WARN,
    .rule = "accepts-valid",
    .reason = "the longest product_key was refused",
    .expected = "OK",
    .seen = "+CME ERROR: 3",
    .source_kind = "inferred",
    .source = "inferred: the seed gives only a maximum length",
    .others = "echo: AT+QIOTCFG echoed as AT+QIOTCF & more [ITU-T V.250 5.2.1]\n"
              "response-time: ERROR after 350 ms [seed 004 3.2.1 (QuecThing OTA V1.2)]",
    .latency_ms = 8,
    .first_byte_ms = 2,
    .limit_ms = 300,
    .duration_ms = 9,
    .transcript = "> AT+QIOTCFG=\"productinfo\",\"pk\"\n< +CME ERROR: 3\n",
};

/* A FAIL that says where its rule's requirement comes from. */
static const struct rp_case SOURCED_FAIL_CASE = {
    .id = "quectel/+QIOTUPDATE/write/invalid/update_action=4",
    .suite = "quectel +QIOTUPDATE",
    .name = "write invalid update_action=4",
    .vendor = "quectel",
    .command = "+QIOTUPDATE",
    .form = "write",
    .verdict = RP_FAIL,
    .rule = "rejects-invalid",
    .reason = "update_action=4 was accepted",
    .expected = "an error result",
    .seen = "OK",
    .source_kind = "document",
    .source = "seed 004 1.2.4 (QuecThing OTA AT Commands Manual V1.2)",
    .others = "echo: AT+QIOTUPDATE=4 echoed as AT+QIOTUPDATE=5 [ITU-T V.250 5.2.1]",
    .latency_ms = 5,
    .first_byte_ms = 1,
    .limit_ms = 300,
    .duration_ms = 6,
    .transcript = "> AT+QIOTUPDATE=4\n< OK\n",
};

static const struct rp_run RUN = {
    .tool_version = "otacheck 0.1.0",
    .command_line = "otacheck conform --vendor quectel",
    .finished_at = "2026-11-21T02:40:00Z",
};

/* A run of the four sample cases (PASS, FAIL, N/A, ERROR), then, when warn, WARN_CASE and
 * SOURCED_FAIL_CASE; finished or not. */
static struct rp_writer *write_sample_of(const char *dir, bool finish, bool warn)
{
    char err[512] = "";
    struct rp_writer *w = rp_open(dir, RP_ALL_FORMATS, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (!w)
        return NULL;
    TU_CHECK(rp_add_target(w, &TARGET) == 0, "first target has index 0");
    rp_case(w, &PASS_CASE);
    rp_case(w, &FAIL_CASE);
    rp_case(w, &NA_CASE);
    rp_case(w, &ERROR_CASE);
    if (warn) {
        rp_case(w, &WARN_CASE);
        rp_case(w, &SOURCED_FAIL_CASE);
    }
    if (finish) {
        int rc = rp_finish(w, &RUN, err, sizeof err);
        TU_CHECK(rc == 0, "rp_finish: %s", err);
    }
    return w;
}

static struct rp_writer *write_sample(const char *dir, bool finish)
{
    return write_sample_of(dir, finish, false);
}

/* The sample run with WARN_CASE and SOURCED_FAIL_CASE after the four. */
static struct rp_writer *write_sample_warn(const char *dir, bool finish)
{
    return write_sample_of(dir, finish, true);
}

/* ---- formats and counts ---------------------------------------------------------------- */

static void parse_formats(void)
{
    char err[256] = "";
    TU_CHECK(rp_parse_formats("junit,tap", err, sizeof err) == (RP_JUNIT | RP_TAP), "junit,tap");
    TU_CHECK(rp_parse_formats("json, html", err, sizeof err) == (RP_JSON | RP_HTML), "spaces");
    TU_CHECK(rp_parse_formats("all", err, sizeof err) == (RP_JUNIT | RP_TAP | RP_JSON | RP_HTML),
             "all");
    err[0] = '\0';
    TU_CHECK(rp_parse_formats("junit,xml", err, sizeof err) == 0, "xml is unknown");
    TU_CHECK(strcmp(err, "unknown report format 'xml' (known: junit, tap, json, html, lava, all)") == 0,
             "message names the unknown format and the known ones: %s", err);
    TU_CHECK(RP_ALL_FORMATS == (RP_JUNIT | RP_TAP | RP_JSON | RP_HTML), "RP_ALL_FORMATS: not lava");
    TU_CHECK(rp_parse_formats("lava,all", err, sizeof err) == (RP_ALL_FORMATS | RP_LAVA), "lava,all");
    char names[128];
    TU_CHECK(strcmp(rp_format_names(names, sizeof names, ",", false), "junit,tap,json,html,lava") == 0 &&
                 strcmp(rp_format_names(names, sizeof names, ", ", true),
                        "junit.xml, results.tap, results.json, report.html, results.lava") == 0,
             "the names and files, in order: %s", names);
    TU_CHECK(rp_parse_formats("", err, sizeof err) == 0, "empty list");
    TU_CHECK(strcmp(rp_verdict_name(RP_NA), "N/A") == 0, "N/A");
    TU_CHECK(strcmp(rp_verdict_name(RP_WARN), "WARN") == 0, "WARN");
}

static void counts(void)
{
    char *dir = make_tmpdir();
    struct rp_writer *w = write_sample(dir, false);
    struct rp_counts k = rp_counts(w);
    TU_CHECK(k.total == 4 && k.pass == 1 && k.fail == 1 && k.na == 1 && k.error == 1 &&
                 k.warn == 0,
             "counts %u %u %u %u %u %u", k.total, k.pass, k.fail, k.na, k.error, k.warn);
    rp_free(w);
    rm_tree(dir);
    dir = make_tmpdir();
    w = write_sample_warn(dir, false);
    k = rp_counts(w);
    TU_CHECK(k.total == 6 && k.pass == 1 && k.fail == 2 && k.na == 1 && k.error == 1 &&
                 k.warn == 1,
             "counts with WARN %u %u %u %u %u %u", k.total, k.pass, k.fail, k.na, k.error, k.warn);
    rp_free(w);
    rm_tree(dir);
}

/* The exit status's verdict: FAIL and ERROR fail a run, WARN only with --strict. */
static void counts_failed(void)
{
    static const struct {
        struct rp_counts k;
        bool strict, failed;
    } rows[] = {
        {{0, 0, 0, 0, 0, 0}, false, false},
        {{0, 0, 0, 0, 0, 0}, true, false},
        {{3, 2, 0, 1, 0, 0}, true, false},   /* PASS and N/A */
        {{3, 1, 0, 0, 0, 2}, false, false},  /* the worst is WARN */
        {{3, 1, 0, 0, 0, 2}, true, true},    /* ... with --strict */
        {{2, 1, 1, 0, 0, 0}, false, true},   /* a FAIL */
        {{2, 1, 0, 0, 1, 0}, false, true},   /* an ERROR */
        {{3, 0, 1, 0, 1, 1}, true, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        TU_CHECK(rp_counts_failed(rows[i].k, rows[i].strict) == rows[i].failed,
                 "row %zu: fail %u error %u warn %u strict %d should %s", i, rows[i].k.fail,
                 rows[i].k.error, rows[i].k.warn, rows[i].strict,
                 rows[i].failed ? "fail" : "pass");
    /* the counts of a run with a WARN decide the same way */
    char *dir = make_tmpdir();
    char err[512] = "";
    struct rp_writer *w = rp_open(dir, RP_JSON, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (w) {
        rp_case(w, &PASS_CASE);
        rp_case(w, &WARN_CASE);
        rp_case(w, &NA_CASE);
        TU_CHECK(!rp_counts_failed(rp_counts(w), false) && rp_counts_failed(rp_counts(w), true),
                 "PASS, WARN, N/A: passes, fails with strict");
        rp_free(w);
    }
    rm_tree(dir);
}

/* ---- the terminal's summary and the walk over the cases ------------------------------- */

struct walk {
    char ids[8][128];
    char sources[8][128];
    size_t n;
};

static void note_case(void *ctx, const struct rp_case *c)
{
    struct walk *wk = ctx;
    if (wk->n < 8) {
        snprintf(wk->ids[wk->n], sizeof wk->ids[0], "%s", c->id ? c->id : "");
        snprintf(wk->sources[wk->n], sizeof wk->sources[0], "%s", c->source ? c->source : "");
    }
    wk->n++;
}

/* rp_write_summary of w with max_each, into a malloc'd string. */
static char *summary_of(const struct rp_writer *w, unsigned max_each, const char *more_in)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        abort();
    struct rp_summary_opts o = {max_each, more_in, false, false};
    rp_write_summary(f, w, &o);
    fclose(f);
    return text;
}

static void each_case_masked(void)
{
    char *dir = make_tmpdir();
    struct rp_writer *w = write_sample_warn(dir, false);
    if (!w)
        return;
    rp_add_secret(w, "QuecThing");
    struct walk wk = {.n = 0};
    rp_each_case(w, note_case, &wk);
    TU_CHECK(wk.n == 6, "6 cases walked, got %zu", wk.n);
    TU_CHECK(strcmp(wk.ids[0], PASS_CASE.id) == 0 && strcmp(wk.ids[4], WARN_CASE.id) == 0 &&
                 strcmp(wk.ids[5], SOURCED_FAIL_CASE.id) == 0,
             "in the order they ended");
    TU_CHECK(strcmp(wk.sources[5], "seed 004 1.2.4 (" AT_MASK " OTA AT Commands Manual V1.2)") == 0,
             "texts masked with the secrets known now: %s", wk.sources[5]);
    rp_free(w);
    rm_tree(dir);
}

static void terminal_summary(void)
{
    char *dir = make_tmpdir();
    struct rp_writer *w = write_sample_warn(dir, false);
    if (!w)
        return;
    char *text = summary_of(w, 50, "otacheck-report/report.html");
    static const char *WANT =
        "FAIL quectel/+QIOTUPDATE/write/invalid/1  response-time: no final within the limit\n"
        "  expected: a final result within 300 ms\n"
        "  seen: OK after 412.5 ms\n"
        "  transcript: otacheck-report/report.html#case-2\n"
        "FAIL quectel/+QIOTUPDATE/write/invalid/update_action=4  rejects-invalid: update_action=4 "
        "was accepted\n"
        "  expected: an error result\n"
        "  seen: OK\n"
        "  source: document: seed 004 1.2.4 (QuecThing OTA AT Commands Manual V1.2)\n"
        "  transcript: otacheck-report/report.html#case-6\n"
        "ERROR quectel/+QIOTOTARD/read  the port vanished\n"
        "  transcript: otacheck-report/report.html#case-4\n"
        "WARN quectel/+QIOTCFG/write/valid/product_key=longest  accepts-valid: the longest "
        "product_key was refused\n"
        "  expected: OK\n"
        "  seen: +CME ERROR: 3\n"
        "  source: inferred: the seed gives only a maximum length\n"
        "  transcript: otacheck-report/report.html#case-5\n";
    TU_CHECK(text && strcmp(text, WANT) == 0, "summary:\n%s--- expected:\n%s", text ? text : "(none)", WANT);
    free(text);

    /* colour: the verdict words only; -v: the transcripts, indented */
    {
        char *ctext = NULL;
        size_t clen = 0;
        FILE *f = open_memstream(&ctext, &clen);
        struct rp_summary_opts o = {50, NULL, true, true};
        rp_write_summary(f, w, &o);
        fclose(f);
        TU_CHECK(strstr(ctext, "\033[1;31mFAIL\033[0m quectel/+QIOTUPDATE/write/invalid/1  response-time") &&
                     strstr(ctext, "\033[1;35mERROR\033[0m ") && strstr(ctext, "\033[33mWARN\033[0m "),
                 "verdicts coloured: %s", ctext);
        TU_CHECK(strstr(ctext, "\n    > AT+QIOTUPDATE=") != NULL, "-v: the transcript, indented: %s", ctext);
        TU_CHECK(!strstr(ctext, "transcript: "), "no place to point to without more_in: %s", ctext);
        free(ctext);
        /* NO_COLOR, or not a terminal: no colour */
        setenv("NO_COLOR", "1", 1);
        TU_CHECK(!rp_colour_wanted(1) && !rp_colour_wanted(-1), "NO_COLOR is honoured");
        unsetenv("NO_COLOR");
        TU_CHECK(!rp_colour_wanted(-1), "not a terminal: no colour");
    }

    /* over the cap: the first of each verdict, then how many more and where they are */
    struct rp_case c = WARN_CASE;
    c.id = "quectel/warn/2";
    rp_case(w, &c);
    c.id = "quectel/warn/3";
    rp_case(w, &c);
    text = summary_of(w, 1, "dir/report.html");
    static const char *HEAD = "FAIL quectel/+QIOTUPDATE/write/invalid/1  response-time: no final "
                              "within the limit\n  expected: a final result within 300 ms\n  seen: OK after "
                              "412.5 ms\n  transcript: dir/report.html#case-2\n... and 1 more FAIL (see "
                              "dir/report.html)\nERROR ";
    TU_CHECK(text && strncmp(text, HEAD, strlen(HEAD)) == 0, "cap of 1: %s", text ? text : "(none)");
    TU_CHECK(text && strstr(text, "\n... and 2 more WARN (see dir/report.html)\n") &&
                 !strstr(text, "quectel/warn/2") && !strstr(text, "more ERROR"),
             "cap of 1: two more WARN, no ERROR left over: %s", text ? text : "(none)");
    free(text);

    /* a module's bytes in a reason never reach the terminal as control characters, nor a
     * secret registered after the case */
    c = FAIL_CASE;
    c.id = "quectel/hostile";
    c.rule = "clean-output";
    c.reason = "garbage \x1b[2J\x1b]0;title\x07 \xc2\x9b" "31m\r\nnext hunter2";
    rp_case(w, &c);
    rp_add_secret(w, "hunter2");
    text = summary_of(w, 50, NULL);
    TU_CHECK(text && strstr(text, "FAIL quectel/hostile  clean-output: garbage \\x1b[2J\\x1b]0;title"
                                  "\\x07 \\x9b" "31m\\x0d\\x0anext " AT_MASK "\n"),
             "control characters as \\xNN, the secret masked: %s", text ? text : "(none)");
    TU_CHECK(text && !strchr(text, '\x1b') && !strchr(text, '\r') && !strstr(text, "hunter2"),
             "no escape byte, no CR, no secret");
    free(text);
    rp_free(w);
    rm_tree(dir);

    /* nothing to say when every case passed or was N/A */
    dir = make_tmpdir();
    char err[512] = "";
    w = rp_open(dir, RP_JSON, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (w) {
        rp_case(w, &PASS_CASE);
        rp_case(w, &NA_CASE);
        text = summary_of(w, 50, NULL);
        TU_CHECK(text && !*text, "no summary: \"%s\"", text ? text : "(none)");
        free(text);
        rp_free(w);
    }
    rm_tree(dir);
}

/* ---- JUnit ------------------------------------------------------------------------------ */

static void junit_xml(void)
{
    if (!have_xmllint())
        return;
    char *dir = make_tmpdir();
    char err[512] = "";
    struct rp_writer *w = rp_open(dir, RP_JUNIT, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (!w)
        return;
    rp_add_target(w, &TARGET);
    rp_case(w, &PASS_CASE);
    /* hostile text: markup, a quote, a control byte, the end of a CDATA section, a byte that
     * is not UTF-8 */
    struct rp_case hostile = FAIL_CASE;
    hostile.rule = "rule-x";
    hostile.reason = "bad <tag> & \"q\" \x01 ]]> end";
    hostile.seen = "<OK>\xff]]>&amp;";
    hostile.transcript = "> AT\n< ]]>\x02\r\n";
    rp_case(w, &hostile);
    rp_case(w, &NA_CASE);
    rp_case(w, &ERROR_CASE);
    /* the same name twice in one suite */
    struct rp_case dup = PASS_CASE;
    dup.name = "write dup";
    rp_case(w, &dup);
    rp_case(w, &dup);
    /* a suite name with dots */
    struct rp_case dotted = PASS_CASE;
    dotted.suite = "quectel flow v1.2";
    dotted.name = "flow fota";
    rp_case(w, &dotted);
    TU_CHECK(rp_finish(w, &RUN, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);

    const char *x = path_in(dir, "junit.xml");
    char out[4096], cmd[1200];
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s' 2>&1", x);
    TU_CHECK(run_cmd(cmd, out, sizeof out), "junit.xml is not well-formed XML: %s", out);

    XPATH_IS(x, "count(/testsuites/testsuite)", "3");
    XPATH_IS(x, "string(/testsuites/@tests)", "7");
    XPATH_IS(x, "string(/testsuites/@failures)", "1");
    XPATH_IS(x, "string(/testsuites/@errors)", "1");
    /* junit-10.xsd (Jenkins' xunit plugin): no skipped, no timestamp on testsuites */
    XPATH_IS(x, "count(/testsuites/@skipped | /testsuites/@timestamp)", "0");
    XPATH_IS(x, "sum(/testsuites/testsuite/@skipped)", "1");
    XPATH_IS(x, "count(//testcase)", "7");
    /* every suite's counts match its testcases */
    XPATH_IS(x, "count(//testsuite[@tests != count(testcase)])", "0");
    XPATH_IS(x, "count(//testsuite[@failures != count(testcase/failure)])", "0");
    XPATH_IS(x, "count(//testsuite[@errors != count(testcase/error)])", "0");
    XPATH_IS(x, "count(//testsuite[@skipped != count(testcase/skipped)])", "0");
    XPATH_IS(x, "count(//testsuite[not(@timestamp) or not(@hostname) or not(@time)])", "0");
    /* verdicts: FAIL -> failure, ERROR -> error, N/A -> skipped, PASS -> none */
    XPATH_IS(x, "string(//testcase[failure]/@name)",
             "write invalid #1 [quectel EC200U EC200U.CNAA.R02]");
    XPATH_IS(x, "string(//testcase[failure]/failure/@type)", "rule-x");
    XPATH_IS(x, "string(//testcase[failure]/failure/@message)",
             "rule-x: bad <tag> & \"q\" \\x01 ]]> end");
    XPATH_IS(x, "string(//testcase[error]/@name)", "read state [quectel EC200U EC200U.CNAA.R02]");
    XPATH_IS(x, "string(//testcase[skipped]/skipped/@message)", "destructive cases not allowed");
    XPATH_IS(x, "string(//testcase[skipped]/skipped)", "destructive cases not allowed"); /* GitLab */
    XPATH_IS(x, "count(//testcase[failure or error or skipped])", "3");
    XPATH_IS(x, "count(//testcase[count(failure | error | skipped) > 1])", "0");
    /* the failure's body: expected, seen, transcript (the byte that is not text as \xff) */
    XPATH_IS(x, "contains(//failure, \"seen: <OK>\\xff]]>&amp;\")", "true");
    XPATH_IS(x, "contains(//failure, \"expected: a final result within 300 ms\")", "true");
    XPATH_IS(x, "contains(//failure, \"< ]]>\\x02\")", "true");
    /* latency and limit in the testcase's system-out */
    XPATH_IS(x, "contains(//testcase[failure]/system-out, \"latency: 412.5 ms (limit 300 ms)\")",
             "true");
    XPATH_IS(x, "count(//testcase[not(system-out)])", "0");
    /* no dot in a classname; the dotted suite kept, with '_' */
    XPATH_IS(x, "count(//testcase[contains(@classname, \".\")])", "0");
    XPATH_IS(x, "count(//testcase[@classname = \"quectel flow v1_2\"])", "1");
    /* unique names, the duplicate numbered */
    XPATH_IS(x, "count(//testsuite/testcase[@name = preceding-sibling::testcase/@name])", "0");
    XPATH_IS(x, "count(//testcase[@name = preceding::testcase/@name])", "0");
    XPATH_IS(x, "count(//testcase[@name = \"write dup [quectel EC200U EC200U.CNAA.R02]\"])", "1");
    XPATH_IS(x, "count(//testcase[@name = \"write dup [quectel EC200U EC200U.CNAA.R02] #2\"])",
             "1");
    /* times are plain decimals: digits, one dot inside */
    XPATH_IS(x,
             "count(//@time[translate(., \"0123456789\", \"\") != \".\" or starts-with(., \".\") "
             "or substring(., string-length(.)) = \".\"])",
             "0");
    XPATH_IS(x, "string(//testcase[1]/@time)", "0.012");
    XPATH_IS(x, "string(//testcase[error]/@time)", "1234.568");
    XPATH_IS(x, "string(//testcase[skipped]/@time)", "0.000");
    /* the target's identity in every suite's properties */
    XPATH_IS(x, "count(//testsuite[not(properties/property[@name = \"target.revision\"])])", "0");
    XPATH_IS(x, "string(//testsuite[1]/properties/property[@name = \"target.revision\"]/@value)",
             "EC200U.CNAA.R02");
    XPATH_IS(x, "string(//testsuite[1]/properties/property[@name = \"target.spec\"]/@value)",
             "sim:quectel");
    XPATH_IS(x,
             "string(//testsuite[1]/properties/property[@name = \"target.grammar_revision\"]/@value)",
             "3");
    XPATH_IS(x, "string(//testsuite[1]/properties/property[@name = \"run.interrupted\"]/@value)",
             "false");
    /* a sim: target's times are virtual, and say so */
    XPATH_IS(x, "string(//testsuite[1]/properties/property[@name = \"clock\"]/@value)", "virtual");
    XPATH_IS(x, "contains(//testcase[1]/system-out, \"\nclock: virtual\")", "true");
    rm_tree(dir);
}

/* A WARN case is a passing testcase whose system-out opens with the warning and its source;
 * a FAIL says its source and other findings; hostile text in them is escaped. */
static void junit_warn(void)
{
    if (!have_xmllint())
        return;
    char *dir = make_tmpdir();
    struct rp_writer *w = write_sample_warn(dir, false);
    if (!w)
        return;
    struct rp_case hostile = WARN_CASE;
    hostile.id = "quectel/+QIOTCFG/hostile";
    hostile.name = "hostile warn";
    hostile.source_kind = "standard";
    hostile.source = "3GPP <TS> 27.007 & \"9.2\" \x01 ]]>";
    hostile.others = "a: <b> & \x02\n\nc: ]]>\n";
    rp_case(w, &hostile);
    char err[512] = "";
    TU_CHECK(rp_finish(w, &RUN, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);

    const char *x = path_in(dir, "junit.xml");
    char out[4096], cmd[1200];
    snprintf(cmd, sizeof cmd, "xmllint --noout '%s' 2>&1", x);
    TU_CHECK(run_cmd(cmd, out, sizeof out), "junit.xml is not well-formed XML: %s", out);
    /* WARN counts in tests only: two FAILs, one ERROR, one N/A */
    XPATH_IS(x, "string(/testsuites/@tests)", "7");
    XPATH_IS(x, "string(/testsuites/@failures)", "2");
    XPATH_IS(x, "string(/testsuites/@errors)", "1");
    XPATH_IS(x, "sum(/testsuites/testsuite/@skipped)", "1");
    XPATH_IS(x, "count(//testsuite[@failures != count(testcase/failure)])", "0");
    XPATH_IS(x, "count(//testsuite[@errors != count(testcase/error)])", "0");
    XPATH_IS(x, "count(//testcase[contains(system-out, \"verdict: WARN\")])", "2");
    XPATH_IS(x, "count(//testcase[contains(system-out, \"verdict: WARN\")][failure or error or skipped])",
             "0");
    XPATH_IS(x, "count(//testcase[contains(@classname, \".\")])", "0");
    /* the warning first, then where it comes from (the kind said once), then the rest */
    XPATH_IS(x,
             "starts-with(//testcase[@name = \"write valid product_key longest [quectel EC200U "
             "EC200U.CNAA.R02]\"]/system-out, \"WARN accepts-valid: the longest product_key was "
             "refused\nsource: inferred: the seed gives only a maximum length\nverdict: WARN\n"
             "id: quectel/+QIOTCFG/write/valid/product_key=longest\n\")",
             "true");
    XPATH_IS(x,
             "contains(//testcase[starts-with(@name, \"write valid product_key\")]/system-out, "
             "\"\nexpected: OK\nseen: +CME ERROR: 3\nothers:\n  echo: AT+QIOTCFG echoed as "
             "AT+QIOTCF &amp; more [ITU-T V.250 5.2.1]\n  response-time: ERROR after 350 ms\")",
             "false"); /* &amp; is the escape, the text is & */
    XPATH_IS(x,
             "contains(//testcase[starts-with(@name, \"write valid product_key\")]/system-out, "
             "\"\nexpected: OK\nseen: +CME ERROR: 3\nothers:\n  echo: AT+QIOTCFG echoed as "
             "AT+QIOTCF & more [ITU-T V.250 5.2.1]\n  response-time: ERROR after 350 ms\")",
             "true");
    /* a FAIL: its source and others in the failure's body and in system-out */
    XPATH_IS(x,
             "contains(//testcase[starts-with(@name, \"write invalid update_action=4\")]/failure, "
             "\"seen: OK\nsource: document: seed 004 1.2.4 (QuecThing OTA AT Commands Manual "
             "V1.2)\nothers:\n  echo: AT+QIOTUPDATE=4 echoed as AT+QIOTUPDATE=5 [ITU-T V.250 "
             "5.2.1]\ntranscript:\")",
             "true");
    XPATH_IS(x,
             "contains(//testcase[starts-with(@name, \"write invalid update_action=4\")]/system-out, "
             "\"\nsource: document: seed 004 1.2.4 (QuecThing OTA AT Commands Manual V1.2)\nothers:\n"
             "  echo: AT+QIOTUPDATE=4\")",
             "true");
    XPATH_IS(x,
             "string(//testcase[starts-with(@name, \"write invalid update_action=4\")]/failure/@type)",
             "rejects-invalid");
    /* no source, no others: no such lines */
    XPATH_IS(x, "count(//testcase[starts-with(@name, \"write invalid #1\")]/system-out"
                "[contains(., \"source:\") or contains(., \"others:\")])",
             "0");
    /* hostile text escaped, empty lines of others dropped */
    XPATH_IS(x,
             "contains(//testcase[starts-with(@name, \"hostile warn\")]/system-out, "
             "\"source: standard: 3GPP <TS> 27.007 & \")",
             "true");
    XPATH_IS(x,
             "contains(//testcase[starts-with(@name, \"hostile warn\")]/system-out, "
             "\" \\x01 ]]>\nverdict: WARN\")",
             "true");
    XPATH_IS(x,
             "contains(//testcase[starts-with(@name, \"hostile warn\")]/system-out, "
             "\"\nothers:\n  a: <b> & \\x02\n  c: ]]>\nlatency: 8 ms\")",
             "true");
    TU_CHECK(file_has(x, "27.007 &amp; \"9.2\" \\x01 ]]&gt;\n"), "the source escaped as text");
    rm_tree(dir);
}

/* The timestamp is the run's start, without its zone (JUnit's schema has none). */
static void junit_timestamp(void)
{
    if (!have_xmllint())
        return;
    char *dir = make_tmpdir();
    struct rp_writer *w = write_sample(dir, true);
    rp_free(w);
    const char *ts = xpath(path_in(dir, "junit.xml"), "string(//testsuite[1]/@timestamp)");
    TU_CHECK(strlen(ts) == 19 && ts[4] == '-' && ts[10] == 'T' && ts[13] == ':',
             "timestamp \"%s\"", ts);
    rm_tree(dir);
}

/* ---- TAP ----------------------------------------------------------------------------- */

static const char *TAP_EXPECTED =
    "TAP version 13\n"
    "1..6\n"
    "ok 1 - quectel +QIOTUPDATE: write valid update_action=3\n"
    "not ok 2 - quectel +QIOTUPDATE: write invalid \\#1\n"
    "  ---\n"
    "  verdict: \"FAIL\"\n"
    "  id: \"quectel/+QIOTUPDATE/write/invalid/1\"\n"
    "  target: \"quectel EC200U EC200U.CNAA.R02\"\n"
    "  rule: \"response-time\"\n"
    "  reason: \"no final within the limit\"\n"
    "  expected: \"a final result within 300 ms\"\n"
    "  seen: \"OK after 412.5 ms\"\n"
    "  source_kind: ~\n"
    "  source: ~\n"
    "  others: ~\n"
    "  latency_ms: 412.5\n"
    "  limit_ms: 300\n"
    "  transcript: |\n"
    "    > AT+QIOTUPDATE=1\n"
    "    < OK\n"
    "  ...\n"
    "ok 3 - quectel +QIOTUPDATE: exec destructive # SKIP destructive cases not allowed\n"
    "not ok 4 - quectel +QIOTOTARD: read state\n"
    "  ---\n"
    "  verdict: \"ERROR\"\n"
    "  id: \"quectel/+QIOTOTARD/read\"\n"
    "  target: \"quectel EC200U EC200U.CNAA.R02\"\n"
    "  rule: ~\n"
    "  reason: \"the port vanished\"\n"
    "  expected: ~\n"
    "  seen: ~\n"
    "  source_kind: ~\n"
    "  source: ~\n"
    "  others: ~\n"
    "  latency_ms: ~\n"
    "  limit_ms: ~\n"
    "  transcript: \"> AT+QIOTOTARD?\\n< \\x01garbage \\\"q\\\"\"\n"
    "  ...\n"
    "ok 5 - quectel +QIOTCFG: write valid product_key longest\n"
    "  ---\n"
    "  verdict: \"WARN\"\n"
    "  id: \"quectel/+QIOTCFG/write/valid/product_key=longest\"\n"
    "  target: \"quectel EC200U EC200U.CNAA.R02\"\n"
    "  rule: \"accepts-valid\"\n"
    "  reason: \"the longest product_key was refused\"\n"
    "  expected: \"OK\"\n"
    "  seen: \"+CME ERROR: 3\"\n"
    "  source_kind: \"inferred\"\n"
    "  source: \"inferred: the seed gives only a maximum length\"\n"
    "  others: \"echo: AT+QIOTCFG echoed as AT+QIOTCF & more [ITU-T V.250 5.2.1]\\nresponse-time: "
    "ERROR after 350 ms [seed 004 3.2.1 (QuecThing OTA V1.2)]\"\n"
    "  latency_ms: 8\n"
    "  limit_ms: 300\n"
    "  transcript: |\n"
    "    > AT+QIOTCFG=\"productinfo\",\"pk\"\n"
    "    < +CME ERROR: 3\n"
    "  ...\n"
    "not ok 6 - quectel +QIOTUPDATE: write invalid update_action=4\n"
    "  ---\n"
    "  verdict: \"FAIL\"\n"
    "  id: \"quectel/+QIOTUPDATE/write/invalid/update_action=4\"\n"
    "  target: \"quectel EC200U EC200U.CNAA.R02\"\n"
    "  rule: \"rejects-invalid\"\n"
    "  reason: \"update_action=4 was accepted\"\n"
    "  expected: \"an error result\"\n"
    "  seen: \"OK\"\n"
    "  source_kind: \"document\"\n"
    "  source: \"seed 004 1.2.4 (QuecThing OTA AT Commands Manual V1.2)\"\n"
    "  others: \"echo: AT+QIOTUPDATE=4 echoed as AT+QIOTUPDATE=5 [ITU-T V.250 5.2.1]\"\n"
    "  latency_ms: 5\n"
    "  limit_ms: 300\n"
    "  transcript: |\n"
    "    > AT+QIOTUPDATE=4\n"
    "    < OK\n"
    "  ...\n"
    "# 1 pass, 1 warn, 2 fail, 1 n/a, 1 error\n";

static void tap_exact(void)
{
    char *dir = make_tmpdir();
    rp_free(write_sample_warn(dir, true));
    char *tap = slurp(path_in(dir, "results.tap"));
    TU_CHECK(tap && strcmp(tap, TAP_EXPECTED) == 0, "results.tap:\n%s\n--- expected:\n%s",
             tap ? tap : "(none)", TAP_EXPECTED);
    free(tap);
    rm_tree(dir);
}

/* Block scalars only as YAMLish reads them back (a plain "|"), quoted texts otherwise; a
 * partial run bails out. */
static void tap_blocks_and_bail_out(void)
{
    char *dir = make_tmpdir();
    char err[512] = "";
    struct rp_writer *w = rp_open(dir, RP_TAP, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (!w)
        return;
    rp_add_target(w, &TARGET);
    struct rp_case c = FAIL_CASE;
    c.transcript = " indented\nlast";
    rp_case(w, &c);
    c.transcript = "a\n\nb\n\n";
    rp_case(w, &c);
    struct rp_case wc = WARN_CASE; /* others a block cannot hold, a '#' in the name */
    wc.name = "warn #3";
    wc.others = "a:\tb\nc: \"d\"";
    rp_case(w, &wc);
    struct rp_run run = RUN;
    run.interrupted = true;
    run.stopped_because = "the port vanished\n(ttyUSB2)";
    TU_CHECK(rp_finish(w, &run, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);
    const char *t = path_in(dir, "results.tap");
    TU_CHECK(file_has(t, "  transcript: \" indented\\nlast\"\n  ...\n"),
             "leading space and no final newline: quoted");
    TU_CHECK(file_has(t, "  transcript: \"a\\n\\nb\\n\\n\"\n  ...\n"),
             "blank lines and trailing newlines: quoted");
    TU_CHECK(file_has(t, "\nok 3 - quectel +QIOTCFG: warn \\#3\n  ---\n  verdict: \"WARN\"\n"),
             "WARN is ok with a plain description, then its YAML block");
    TU_CHECK(file_has(t, "\n  others: \"a:\\tb\\nc: \\\"d\\\"\"\n"), "others with a tab: quoted");
    TU_CHECK(file_has(t, "\n# 0 pass, 1 warn, 2 fail, 0 n/a, 0 error\n"), "the counts say the WARN");
    TU_CHECK(file_has(t, "\nBail out! the run was interrupted: the port vanished (ttyUSB2)\n"),
             "Bail out! on one line at the end");
    rm_tree(dir);
}

/* ---- JSON ---------------------------------------------------------------------------- */

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static bool jnull(const json_t *o, const char *key)
{
    return json_is_null(json_object_get(o, key));
}

static double jnum(const json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

static json_t *load_json(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    TU_CHECK(j != NULL, "%s: %s (line %d)", path, je.text, je.line);
    return j;
}

static void json_results(void)
{
    char *dir = make_tmpdir();
    rp_free(write_sample(dir, true));
    json_t *j = load_json(path_in(dir, "results.json"));
    if (!j) {
        rm_tree(dir);
        return;
    }
    TU_CHECK(strcmp(jstr(j, "schema"), "otacheck-results/1") == 0, "schema");
    const json_t *run = json_object_get(j, "run");
    TU_CHECK(strcmp(jstr(run, "tool_version"), "otacheck 0.1.0") == 0, "tool_version");
    TU_CHECK(strcmp(jstr(run, "command_line"), RUN.command_line) == 0, "command_line");
    TU_CHECK(jstr(run, "host") && jstr(run, "started_at"), "host and started_at from rp_open");
    TU_CHECK(strcmp(jstr(run, "finished_at"), "2026-11-21T02:40:00Z") == 0, "finished_at");
    TU_CHECK(json_is_false(json_object_get(run, "interrupted")), "not interrupted");
    TU_CHECK(jnull(run, "stopped_because"), "stopped_because null");

    const json_t *targets = json_object_get(j, "targets");
    TU_CHECK(json_array_size(targets) == 1, "one target");
    const json_t *t = json_array_get(targets, 0);
    TU_CHECK(jnum(t, "index") == 0 && strcmp(jstr(t, "revision"), "EC200U.CNAA.R02") == 0 &&
                 strcmp(jstr(t, "spec"), "sim:quectel") == 0 && jnum(t, "grammar_revision") == 3 &&
                 jnull(t, "caps_file") && jnum(t, "overhead_ms") == 0.02 &&
                 json_is_true(json_object_get(t, "destructive_allowed")) &&
                 strcmp(jstr(t, "imei"), "***********2345") == 0,
             "target fields");

    const json_t *sum = json_object_get(j, "summary");
    TU_CHECK(jnum(sum, "total") == 4 && jnum(sum, "pass") == 1 && jnum(sum, "fail") == 1 &&
                 jnum(sum, "na") == 1 && jnum(sum, "error") == 1 &&
                 json_is_integer(json_object_get(sum, "warn")) && jnum(sum, "warn") == 0,
             "summary counts, warn 0");

    const json_t *cases = json_object_get(j, "cases");
    TU_CHECK(json_array_size(cases) == 4, "4 cases");
    const json_t *p = json_array_get(cases, 0), *f = json_array_get(cases, 1);
    const json_t *na = json_array_get(cases, 2), *e = json_array_get(cases, 3);
    static const char *fields[] = {"id", "suite", "name", "vendor", "command", "form",
                                   "verdict", "rule", "reason", "expected", "seen",
                                   "source_kind", "source", "others", "latency_ms", "first_byte_ms", "limit_ms", "duration_ms",
                                   "transcript", "target", "steps", "steps_dropped", "stall_limit_ms",
                                   "total_limit_ms"};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        TU_CHECK(json_object_get(p, fields[i]) != NULL, "case field %s present", fields[i]);
    TU_CHECK(json_object_size(p) == sizeof fields / sizeof fields[0], "no other case fields");
    /* the timed steps: none for the PASS case, the FAIL's three as given, nulls for an event */
    const json_t *fs = json_object_get(f, "steps");
    TU_CHECK(json_array_size(json_object_get(p, "steps")) == 0 && jnum(p, "steps_dropped") == 0 &&
                 jnull(p, "stall_limit_ms") && jnull(p, "total_limit_ms"),
             "no steps, no flow limits");
    TU_CHECK(json_array_size(fs) == 3, "3 steps");
    const json_t *s0 = json_array_get(fs, 0), *s1 = json_array_get(fs, 1), *s2 = json_array_get(fs, 2);
    TU_CHECK(s0 && s1 && s2 && strcmp(jstr(s1, "kind"), "exchange") == 0 && jnum(s1, "t_ms") == 52 &&
                 strcmp(jstr(s1, "text"), "AT+QIOTUPDATE=1") == 0 && strcmp(jstr(s1, "command"), "+QIOTUPDATE") == 0 &&
                 strcmp(jstr(s1, "form"), "write") == 0 && jnum(s1, "latency_ms") == 412.5 &&
                 jnum(s1, "limit_ms") == 300 && json_is_true(json_object_get(s1, "failed")) &&
                 json_is_false(json_object_get(s0, "failed")),
             "the slow exchange's step");
    TU_CHECK(s2 && strcmp(jstr(s2, "kind"), "event") == 0 && jnull(s2, "command") && jnull(s2, "form") &&
                 jnull(s2, "latency_ms") && jnull(s2, "limit_ms") && jnum(s2, "t_ms") == 470,
             "an event's step");
    TU_CHECK(strcmp(jstr(p, "verdict"), "PASS") == 0 && strcmp(jstr(f, "verdict"), "FAIL") == 0 &&
                 strcmp(jstr(na, "verdict"), "N/A") == 0 &&
                 strcmp(jstr(e, "verdict"), "ERROR") == 0,
             "verdict names");
    TU_CHECK(jnum(p, "latency_ms") == 12.5 && jnum(p, "first_byte_ms") == 3 &&
                 jnum(p, "limit_ms") == 300 && jnum(p, "duration_ms") == 12.346 &&
                 jnum(p, "target") == 0,
             "PASS numbers");
    TU_CHECK(jnull(p, "expected") && jnull(p, "seen") && jnull(p, "reason") &&
                 jnull(p, "source_kind") && jnull(p, "source") && jnull(p, "others"),
             "absent strings are null");
    TU_CHECK(strcmp(jstr(p, "transcript"), PASS_CASE.transcript) == 0, "transcript");
    TU_CHECK(strcmp(jstr(f, "seen"), "OK after 412.5 ms") == 0 &&
                 strcmp(jstr(f, "rule"), "response-time") == 0,
             "FAIL strings");
    TU_CHECK(jnull(na, "latency_ms") && jnull(na, "first_byte_ms") && jnull(na, "limit_ms") &&
                 jnull(na, "transcript"),
             "N/A: latency < 0, no limit, no transcript are null");
    TU_CHECK(strcmp(jstr(e, "transcript"), ERROR_CASE.transcript) == 0 && jnull(e, "rule"),
             "ERROR: control byte kept in JSON, rule null");
    TU_CHECK(file_has(path_in(dir, "results.json"), "\"duration_ms\": 12.346,"),
             "a duration is written rounded to the microsecond");
    json_decref(j);

    /* the stream: run, target, the cases, end */
    char *s = slurp(path_in(dir, "results.jsonl"));
    const char *want[] = {"run", "target", "case", "case", "case", "case", "end"};
    size_t n = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"), n++) {
        json_error_t je;
        json_t *o = json_loads(line, 0, &je);
        TU_CHECK(o != NULL, "jsonl line %zu: %s", n + 1, je.text);
        TU_CHECK(n < 7 && o && strcmp(jstr(o, "type"), want[n]) == 0, "line %zu type", n + 1);
        json_decref(o);
    }
    TU_CHECK(n == 7, "7 lines in the stream, got %zu", n);
    free(s);
    rm_tree(dir);
}

/* WARN and the sources of a rule's requirement: in results.json, in the stream, and read
 * back from the stream as they were written. */
static void json_warn_and_sources(void)
{
    char *dir = make_tmpdir();
    rp_free(write_sample_warn(dir, true));
    json_t *j = load_json(path_in(dir, "results.json"));
    if (!j) {
        rm_tree(dir);
        return;
    }
    const json_t *sum = json_object_get(j, "summary");
    TU_CHECK(jnum(sum, "total") == 6 && jnum(sum, "pass") == 1 && jnum(sum, "fail") == 2 &&
                 jnum(sum, "na") == 1 && jnum(sum, "error") == 1 && jnum(sum, "warn") == 1,
             "summary counts WARN apart from FAIL");
    const json_t *cases = json_object_get(j, "cases");
    const json_t *wc = json_array_get(cases, 4), *fc = json_array_get(cases, 5);
    TU_CHECK(json_array_size(cases) == 6, "6 cases");
    TU_CHECK(jstr(wc, "verdict") && strcmp(jstr(wc, "verdict"), "WARN") == 0, "verdict WARN");
    TU_CHECK(jstr(wc, "source_kind") && strcmp(jstr(wc, "source_kind"), "inferred") == 0 &&
                 jstr(wc, "source") && strcmp(jstr(wc, "source"), WARN_CASE.source) == 0,
             "WARN: source_kind and source");
    TU_CHECK(jstr(wc, "others") && strcmp(jstr(wc, "others"), WARN_CASE.others) == 0,
             "WARN: others, its newline kept");
    TU_CHECK(jstr(wc, "seen") && strcmp(jstr(wc, "seen"), "+CME ERROR: 3") == 0 &&
                 strcmp(jstr(wc, "reason"), WARN_CASE.reason) == 0,
             "WARN: reason and seen");
    TU_CHECK(jstr(fc, "source_kind") && strcmp(jstr(fc, "source_kind"), "document") == 0 &&
                 jstr(fc, "source") && strcmp(jstr(fc, "source"), SOURCED_FAIL_CASE.source) == 0 &&
                 jstr(fc, "others") && strcmp(jstr(fc, "others"), SOURCED_FAIL_CASE.others) == 0,
             "FAIL: source_kind, source, others");
    json_decref(j);

    /* the stream's WARN line holds the same fields */
    char *st = slurp(path_in(dir, "results.jsonl"));
    bool found = false;
    for (char *line = strtok(st, "\n"); st && line; line = strtok(NULL, "\n")) {
        json_t *o = json_loads(line, 0, NULL);
        if (o && jstr(o, "verdict") && strcmp(jstr(o, "verdict"), "WARN") == 0) {
            found = true;
            TU_CHECK(jstr(o, "source") && strcmp(jstr(o, "source"), WARN_CASE.source) == 0 &&
                         jstr(o, "others") && strcmp(jstr(o, "others"), WARN_CASE.others) == 0 &&
                         strcmp(jstr(o, "source_kind"), "inferred") == 0,
                     "the stream's WARN line: %s", line);
        }
        json_decref(o);
    }
    TU_CHECK(found, "a WARN line in the stream");
    free(st);

    /* read back: the counts, and every format rebuilt says WARN */
    struct rp_counts k;
    bool interrupted = true;
    char err[512] = "";
    const char *again = path_in(dir, "again");
    TU_CHECK(rp_rebuild_counts(path_in(dir, "results.jsonl"), again,
                               RP_ALL_FORMATS, &k, &interrupted, err,
                               sizeof err) == 0,
             "rp_rebuild: %s", err);
    TU_CHECK(k.total == 6 && k.warn == 1 && k.fail == 2 && !interrupted, "rebuilt counts");
    rm_tree(dir);
}

/* ---- secrets ------------------------------------------------------------------------- */

static void secrets_never_written(void)
{
    static const char *S1 = "hunter2-S3cr3t", *S2 = "p&ss<w>\"x";
    char *dir = make_tmpdir();
    char err[512] = "";
    struct rp_writer *w = rp_open(dir, RP_ALL_FORMATS | RP_LAVA, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (!w)
        return;
    char *live = NULL; /* what --format lava prints as the cases end */
    size_t live_len = 0;
    FILE *live_out = open_memstream(&live, &live_len);
    rp_set_live_out(w, live_out);
    rp_add_secret(w, "hunter2"); /* a secret inside a longer one */
    rp_add_secret(w, S1);
    rp_add_secret(w, S2);
    struct rp_target t = TARGET;
    t.spec = "tcp:lab:2000,password=hunter2-S3cr3t";
    t.revision = "R02 p&ss<w>\"x";
    rp_add_target(w, &t);
    struct rp_case c = FAIL_CASE;
    c.id = "quectel/+QIOTOTAREQ/write/hunter2-S3cr3t";
    c.name = "write key hunter2-S3cr3t";
    c.reason = "the key hunter2-S3cr3t was echoed";
    c.expected = "p&ss<w>\"x masked";
    c.seen = "+QIOTOTAREQ: \"hunter2-S3cr3t\"";
    c.transcript = "> AT+QIOTOTAREQ=\"p&ss<w>\"x\"\n< +QIOTOTAREQ: \"hunter2-S3cr3t\"\n< OK\n";
    c.source_kind = "document";
    c.source = "the key hunter2-S3cr3t manual 3.1";
    c.others = "echo: p&ss<w>\"x came back\nno-secret-leak: hunter2 [ITU-T V.250]";
    rp_case(w, &c);
    c.verdict = RP_ERROR;
    rp_case(w, &c);
    c.verdict = RP_NA;
    rp_case(w, &c);
    c.verdict = RP_WARN;
    c.source_kind = "inferred";
    c.source = "inferred: hunter2-S3cr3t is a key";
    rp_case(w, &c);
    struct rp_run run = RUN;
    run.command_line = "otacheck conform --target tcp:lab:2000,password=hunter2-S3cr3t";
    TU_CHECK(rp_finish(w, &run, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);
    const char *files[RP_N_FORMATS + 1] = {"results.jsonl"}; /* and every format's file */
    for (size_t i = 0; i < RP_N_FORMATS; i++)
        files[i + 1] = rp_formats[i].file;
    static const char *leaks[] = {"hunter2", "S3cr3t", "p&ss", "p&amp;ss", "ss<w>", "ss&lt;w"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        const char *p = path_in(dir, files[i]);
        char *s = slurp(p);
        TU_CHECK(s != NULL, "%s written", files[i]);
        for (size_t k = 0; s && k < sizeof leaks / sizeof leaks[0]; k++)
            TU_CHECK(!strstr(s, leaks[k]), "%s contains \"%s\"", files[i], leaks[k]);
        TU_CHECK(s && strstr(s, "key " AT_MASK " was echoed"), "%s lacks the mask", files[i]);
        if (strcmp(files[i], "results.lava") == 0) { /* the reasons only */
            free(s);
            continue;
        }
        if (strcmp(files[i], "results.tap") != 0) /* TAP does not show the spec */
            TU_CHECK(s && strstr(s, "password=" AT_MASK), "%s lacks the mask in the spec",
                     files[i]);
        TU_CHECK(s && strstr(s, "the key " AT_MASK " manual 3.1"),
                 "%s lacks the mask in the source", files[i]);
        TU_CHECK(s && strstr(s, "inferred: " AT_MASK " is a key"),
                 "%s lacks the mask in the WARN's source", files[i]);
        TU_CHECK(s && strstr(s, "no-secret-leak: " AT_MASK " [ITU-T V.250]"),
                 "%s lacks the mask in others", files[i]);
        free(s);
    }
    fclose(live_out);
    for (size_t k = 0; k < sizeof leaks / sizeof leaks[0]; k++)
        TU_CHECK(!strstr(live, leaks[k]), "the live LAVA signals contain \"%s\"", leaks[k]);
    TU_CHECK(strstr(live, "TEST_CASE_ID=quectel.QIOTOTAREQ.write.") &&
                 strstr(live, "key " AT_MASK " was echoed"),
             "the live signals, masked: %.300s", live);
    free(live);
    rm_tree(dir);
}

/* ---- atomic files -------------------------------------------------------------------- */

static bool has_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    bool found = false;
    for (struct dirent *e; d && (e = readdir(d));)
        found = found || strstr(e->d_name, ".tmp.") != NULL;
    if (d)
        closedir(d);
    return found;
}

static void atomic_failure(void)
{
    char *dir = make_tmpdir();
    struct rp_writer *w = write_sample(dir, false);
    /* the final name is taken by a directory: rename(2) must fail */
    mkdir(path_in(dir, "junit.xml"), 0755);
    char err[512] = "";
    int rc = rp_finish(w, &RUN, err, sizeof err);
    rp_free(w);
    TU_CHECK(rc == -1, "rp_finish returns -1 when junit.xml cannot be put in place");
    TU_CHECK(strstr(err, "junit.xml") && strstr(err, dir), "the message names the path: %s", err);
    TU_CHECK(strstr(err, "Is a directory") != NULL, "the message says why: %s", err);
    TU_CHECK(!has_temp_files(dir), "no temporary file is left");
    struct stat st;
    TU_CHECK(stat(path_in(dir, "results.json"), &st) == 0, "the other formats are written");
    TU_CHECK(file_has(path_in(dir, "results.jsonl"), "{\"type\":\"end\""),
             "the stream has its end line");
    rm_tree(dir);

    /* a report directory that cannot be made */
    char *base = make_tmpdir();
    FILE *f = fopen(path_in(base, "file"), "w");
    fclose(f);
    err[0] = '\0';
    w = rp_open(path_in(base, "file/reports"), RP_JSON, err, sizeof err);
    TU_CHECK(w == NULL, "rp_open under a regular file fails");
    TU_CHECK(strstr(err, "file") && strstr(err, "Not a directory"), "message: %s", err);
    rm_tree(base);
}

/* ---- a killed run -------------------------------------------------------------------- */

static void append(const char *path, const char *text)
{
    FILE *f = fopen(path, "a");
    fputs(text, f);
    fclose(f);
}

static void killed_run_rebuilt(void)
{
    char *dir = make_tmpdir();
    char err[512] = "";
    /* a child writes three cases and is killed by SIGKILL: no rp_finish, no rp_free */
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        struct rp_writer *w = rp_open(dir, RP_ALL_FORMATS, err, sizeof err);
        if (!w)
            _exit(3);
        rp_add_target(w, &TARGET);
        rp_case(w, &PASS_CASE);
        rp_case(w, &FAIL_CASE);
        rp_case(w, &NA_CASE);
        kill(getpid(), SIGKILL);
        _exit(4);
    }
    int status = 0;
    TU_CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
                 WTERMSIG(status) == SIGKILL,
             "the writer was killed (status %d)", status);
    struct stat st;
    TU_CHECK(stat(path_in(dir, "results.json"), &st) != 0, "no results.json before the rebuild");
    const char *jl = path_in(dir, "results.jsonl");
    append(jl, "{\"type\":\"case\",\"id\":\"quectel/+QIOTOTARD/re"); /* cut mid-write */

    struct rp_counts k;
    bool interrupted = false;
    int rc = rp_rebuild_counts(jl, NULL, RP_ALL_FORMATS, &k, &interrupted,
                               err, sizeof err);
    TU_CHECK(rc == 0, "rp_rebuild: %s", err);
    TU_CHECK(k.total == 3 && k.fail == 1 && interrupted, "3 cases, interrupted");
    json_t *j = load_json(path_in(dir, "results.json"));
    if (j) {
        const json_t *run = json_object_get(j, "run");
        TU_CHECK(json_array_size(json_object_get(j, "cases")) == 3, "3 cases in results.json");
        TU_CHECK(json_is_true(json_object_get(run, "interrupted")), "run.interrupted is true");
        TU_CHECK(jstr(run, "stopped_because") != NULL, "it says why");
        TU_CHECK(jnum(json_object_get(j, "summary"), "total") == 3, "summary total 3");
        json_decref(j);
    }
    TU_CHECK(file_has(path_in(dir, "results.tap"), "1..3\n"), "TAP plan of 3");
    TU_CHECK(file_has(path_in(dir, "results.tap"), "\nBail out! the run was interrupted"),
             "TAP bails out");
    TU_CHECK(file_has(path_in(dir, "report.html"), "Partial report"), "HTML says partial");
    TU_CHECK(file_has(path_in(dir, "junit.xml"),
                      "<property name=\"run.interrupted\" value=\"true\"/>"),
             "JUnit says interrupted");
    TU_CHECK(!has_temp_files(dir), "no temporary file");
    rm_tree(dir);
}

/* The rebuild of a finished run gives the same results.json as rp_finish. */
static void finished_run_rebuilt_identically(void)
{
    char *dir = make_tmpdir();
    rp_free(write_sample_warn(dir, true));
    char err[512] = "";
    const char *out = path_in(dir, "again");
    int rc = rp_rebuild(path_in(dir, "results.jsonl"), out, RP_JSON, err, sizeof err);
    TU_CHECK(rc == 0, "rp_rebuild: %s", err);
    json_t *a = load_json(path_in(dir, "results.json"));
    json_t *b = load_json(path_in(out, "results.json"));
    TU_CHECK(a && b && json_equal(a, b), "same results.json");
    const json_t *wc = json_array_get(json_object_get(b, "cases"), 4);
    TU_CHECK(jstr(wc, "verdict") && strcmp(jstr(wc, "verdict"), "WARN") == 0 &&
                 jstr(wc, "others") && strcmp(jstr(wc, "others"), WARN_CASE.others) == 0,
             "the rebuilt WARN case keeps its verdict and others");
    TU_CHECK(b && json_is_false(json_object_get(json_object_get(b, "run"), "interrupted")),
             "a run with its end line is not interrupted");
    json_decref(a);
    json_decref(b);
    rm_tree(dir);
}

/* A case with no texts at all and a target index no target has: every format still holds
 * it, and the stream still rebuilds to the same results.json. */
static void odd_case_survives(void)
{
    if (!have_xmllint())
        return;
    char *dir = make_tmpdir();
    char err[512] = "";
    struct rp_writer *w = rp_open(dir, RP_ALL_FORMATS, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (!w)
        return;
    struct rp_case odd = {.verdict = RP_FAIL, .latency_ms = -1, .first_byte_ms = -1, .target = 5};
    rp_case(w, &odd);
    TU_CHECK(rp_finish(w, NULL, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);
    const char *x = path_in(dir, "junit.xml");
    XPATH_IS(x, "string(//testcase/@name)", "case 1 [unknown target]");
    XPATH_IS(x, "string(//testcase/@classname)", "otacheck");
    XPATH_IS(x, "string(//testcase/failure/@message)", "FAIL");
    TU_CHECK(file_has(path_in(dir, "results.tap"), "\nnot ok 1\n  ---\n"), "TAP point");
    TU_CHECK(rp_rebuild(path_in(dir, "results.jsonl"), path_in(dir, "again"), RP_JSON, err,
                        sizeof err) == 0,
             "rp_rebuild: %s", err);
    json_t *a = load_json(path_in(dir, "results.json"));
    json_t *b = load_json(path_in(path_in(dir, "again"), "results.json"));
    TU_CHECK(a && b && json_equal(a, b), "same results.json");
    json_decref(a);
    json_decref(b);
    rm_tree(dir);
}

/* Writes a stream of the sample run with line `at` (1-based) replaced by `bad`; returns its
 * path. */
static const char *stream_with(const char *dir, unsigned at, const char *bad)
{
    rp_free(write_sample(dir, false));
    char *s = slurp(path_in(dir, "results.jsonl"));
    const char *p = path_in(dir, "broken.jsonl");
    FILE *f = fopen(p, "w");
    unsigned n = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"))
        fprintf(f, "%s\n", ++n == at ? bad : line);
    fclose(f);
    free(s);
    return p;
}

static void broken_stream_refused(void)
{
    static const struct {
        unsigned line;
        const char *text, *complaint;
    } cases[] = {
        {3, "{not json}", ":3: not a JSON line"},
        {4, "[1,2]", ":4: not a JSON object"},
        {3, "{\"type\":\"case\",\"id\":\"x\",\"verdict\":\"MAYBE\"}", ":3: field 'verdict'"},
        {3, "{\"type\":\"case\",\"id\":\"x\",\"verdict\":\"PASS\",\"target\":-1}", ":3: field 'target' is not an unsigned integer"},
        {3, "{\"type\":\"case\",\"id\":7,\"verdict\":\"PASS\"}", ":3: field 'id' is not a string"},
        {3, "{\"type\":\"case\",\"id\":\"x\",\"verdict\":\"WARN\",\"source\":[1]}", ":3: field 'source' is not a string"},
        {3, "{\"type\":\"case\",\"id\":\"x\",\"verdict\":\"WARN\",\"others\":true}", ":3: field 'others' is not a string"},
        {2, "{\"type\":\"target\",\"index\":4}", ":2: target index is not 0"},
        {4, "{\"type\":\"case\",\"id\":\"x\",\"verdict\":\"PASS\",\"latency_ms\":\"fast\"}", ":4: field 'latency_ms' is not a number"},
        {5, "{\"type\":\"party\"}", ":5: unknown line type"},
        {1, "{\"type\":\"case\",\"id\":\"x\",\"verdict\":\"PASS\"}", ":1: a result before the run line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *dir = make_tmpdir();
        const char *p = stream_with(dir, cases[i].line, cases[i].text);
        char err[512] = "";
        int rc = rp_rebuild(p, path_in(dir, "out"), RP_JSON, err, sizeof err);
        TU_CHECK(rc == -1, "%s refused", cases[i].text);
        TU_CHECK(strncmp(err, p, strlen(p)) == 0 && strstr(err, cases[i].complaint),
                 "message \"%s\" should be %s%s...", err, p, cases[i].complaint);
        rm_tree(dir);
    }
    /* an empty stream, and one that does not exist */
    char *dir = make_tmpdir();
    append(path_in(dir, "empty.jsonl"), "");
    char err[512] = "";
    TU_CHECK(rp_rebuild(path_in(dir, "empty.jsonl"), dir, RP_JSON, err, sizeof err) == -1 &&
                 strstr(err, "no run line"),
             "empty stream: %s", err);
    TU_CHECK(rp_rebuild(path_in(dir, "nope.jsonl"), dir, RP_JSON, err, sizeof err) == -1 &&
                 strstr(err, "nope.jsonl") && strstr(err, "No such file"),
             "missing stream: %s", err);
    rm_tree(dir);
}

/* A stream large enough to be read in several pieces (reports/load_stream.c cuts one of
 * 2 MB or more per processor): N cases of ~500 bytes, a second target among them, and,
 * from `tail` on, the given last lines. */
static const char *big_stream(const char *dir, unsigned n, const char *tail)
{
    const char *p = path_in(dir, "big.jsonl");
    FILE *f = fopen(p, "w");
    fprintf(f, "{\"type\":\"run\",\"schema\":\"%s\",\"tool\":\"otacheck\"}\n", RP_SCHEMA);
    fputs("{\"type\":\"target\",\"index\":0,\"vendor\":\"quectel\"}\n", f);
    char pad[451];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    for (unsigned i = 0; i < n; i++) {
        if (i == n * 3 / 4)
            fputs("{\"type\":\"target\",\"index\":1,\"vendor\":\"simcom\"}\n", f);
        fprintf(f,
                "{\"type\":\"case\",\"id\":\"c%u\",\"verdict\":\"%s\",\"target\":%u,"
                "\"reason\":\"%s\"}\n",
                i, i % 7 ? "PASS" : "FAIL", i >= n * 3 / 4, pad);
    }
    fputs(tail, f);
    fclose(f);
    return p;
}

static void big_stream_read_in_pieces(void)
{
    enum { N = 20000 }; /* ~10 MB: four pieces on four processors, two on two */
    char *dir = make_tmpdir();
    char err[512] = "";
    struct rp_results r;
    const char *p = big_stream(dir, N, "{\"type\":\"end\",\"verdict\":\"FAIL\"}\n");
    TU_CHECK(rp_load_stream(p, &r, err, sizeof err) == 0, "read: %s", err);
    if (!err[0]) {
        TU_CHECK(r.n_cases == N, "%zu cases", r.n_cases);
        TU_CHECK(r.n_targets == 2, "the target in a later piece is read: %zu", r.n_targets);
        bool order = r.n_cases == N;
        for (size_t i = 0; order && i < N; i++) {
            char id[16];
            snprintf(id, sizeof id, "c%zu", i);
            order = strcmp(r.cases[i].id, id) == 0 && strlen(r.cases[i].reason) == 450 &&
                    r.cases[i].target == (i >= N * 3 / 4) &&
                    r.cases[i].verdict == (i % 7 ? RP_PASS : RP_FAIL);
        }
        TU_CHECK(order, "every case in the stream's order with its fields");
        TU_CHECK(!r.run.interrupted, "an end line: not interrupted");
        rp_results_free(&r);
    }
    /* the last line cut off by a kill: read to the line before it */
    p = big_stream(dir, N, "{\"type\":\"case\",\"id\":\"cut\",\"verd");
    TU_CHECK(rp_load_stream(p, &r, err, sizeof err) == 0, "cut-off last line: %s", err);
    if (!err[0]) {
        TU_CHECK(r.n_cases == N && r.run.interrupted, "%zu cases, interrupted", r.n_cases);
        rp_results_free(&r);
    }
    /* errors in a late piece, and in an early one, named at their line in the file: the
     * run and first target are lines 1 and 2, the second target line N*3/4 + 3 */
    p = big_stream(dir, N, "{\"type\":\"case\",\"id\":\"z\",\"verdict\":\"PASS\"}\n{oops}\n");
    char want[64];
    snprintf(want, sizeof want, ":%u: not a JSON line", N + 3 + 2);
    TU_CHECK(rp_load_stream(p, &r, err, sizeof err) == -1 && strstr(err, want),
             "\"%s\" holds \"%s\"", err, want);
    char *text = slurp(p);
    char *line5 = text;
    for (int k = 0; k < 4; k++)
        line5 = strchr(line5, '\n') + 1;
    line5[1] = '!'; /* line 5, in the first piece: {!type"... */
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    free(text);
    TU_CHECK(rp_load_stream(p, &r, err, sizeof err) == -1 && strstr(err, ":5: not a JSON line"),
             "the first error wins: %s", err);
    rm_tree(dir);
}

/* ---- HTML ---------------------------------------------------------------------------- */

static void html_page(void)
{
    char *dir = make_tmpdir();
    char err[512] = "";
    struct rp_writer *w = rp_open(dir, RP_HTML, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (!w)
        return;
    rp_add_target(w, &TARGET);
    struct rp_case c = FAIL_CASE;
    c.seen = "<script>alert(1)</script> & \x01";
    rp_case(w, &c);
    rp_case(w, &PASS_CASE);
    TU_CHECK(rp_finish(w, &RUN, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);
    const char *h = path_in(dir, "report.html");
    TU_CHECK(file_count(h, "<script") == 1 && file_has(h, "<script>\n(function(){"),
             "one script, the page's own inline one, and markup in a text is escaped");
    TU_CHECK(file_has(h, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\x01"), "escaped text");
    TU_CHECK(!file_has(h, "http://") && !file_has(h, "https://") && !file_has(h, " src="),
             "nothing fetched");
    TU_CHECK(file_has(h, "<tr class=\"fail\"><td>1</td>"), "FAIL row coloured");
    TU_CHECK(file_has(h, "id=\"case-1\""), "FAIL details");
    TU_CHECK(file_has(h, "<td class=\"t\">a final result within 300 ms</td>"), "expected, as text");
    TU_CHECK(file_has(h, "EC200U.CNAA.R02"), "the target's identity");
    TU_CHECK(file_has(h, "IMEI: ***********2345"), "the masked IMEI");
    TU_CHECK(file_has(h, "<td>412.5 / 300 ms</td>"), "latency and limit in one cell");
    TU_CHECK(file_has(h, "the exchange the verdict is about: <code>AT+QIOTUPDATE=1</code> at 52 ms"),
             "the details name the slow exchange");
    /* the pictures: a latency chart per command and form from the steps (the set-up
     * exchange's command too), the limit as a line, the slow exchange marked */
    TU_CHECK(file_has(h, "<figcaption>quectel +QIOTUPDATE write</figcaption>") &&
                 file_has(h, "<figcaption>quectel +QIOTMCUVER write</figcaption>"),
             "a latency chart per command and form");
    TU_CHECK(file_has(h, "<line class=\"limit\"") && file_has(h, "<path class=\"failed\"") &&
                 file_has(h, "<title>AT+QIOTUPDATE=1: 412.5 ms (case 1, FAIL) (failed)</title>"),
             "the limit drawn, the failed exchange marked with its tooltip");
    TU_CHECK(file_has(h, "<th class=\"n\">p95 ms</th>") && file_has(h, "id=\"by-rule\""),
             "summaries by rule and by command");
    TU_CHECK(!file_has(h, "xmlns=\"http"), "inline SVG without a namespace URL");
    rm_tree(dir);
}

/* The position of needle in the file at path, or -1. */
static long file_pos(const char *path, const char *needle)
{
    char *s = slurp(path);
    const char *at = s ? strstr(s, needle) : NULL;
    long pos = at ? (long)(at - s) : -1;
    free(s);
    return pos;
}

/* More FAILs than the page gives sections to: the first RP_HTML_MAX_DETAILS have one, the
 * rest are rows without a link, the page says how many, the terminal links only to what
 * the page has. */
static void html_details_capped(void)
{
    enum { EXTRA = 3 };
    char *dir = make_tmpdir();
    char err[512] = "";
    struct rp_writer *w = rp_open(dir, RP_HTML, err, sizeof err);
    TU_CHECK(w != NULL, "rp_open: %s", err);
    if (!w)
        return;
    rp_add_target(w, &TARGET);
    for (unsigned i = 0; i < RP_HTML_MAX_DETAILS + EXTRA; i++)
        rp_case(w, &FAIL_CASE);
    rp_case(w, &WARN_CASE);
    char *text = summary_of(w, RP_HTML_MAX_DETAILS + EXTRA, "r/report.html");
    TU_CHECK(rp_finish(w, &RUN, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);
    const char *h = path_in(dir, "report.html");
    TU_CHECK(file_count(h, "<details id=\"case-") == RP_HTML_MAX_DETAILS + 1,
             "a section for each of the first %d FAILs and the WARN: %zu", RP_HTML_MAX_DETAILS,
             file_count(h, "<details id=\"case-"));
    char last[64], first_out[64];
    snprintf(last, sizeof last, "<details id=\"case-%d\" ", RP_HTML_MAX_DETAILS);
    snprintf(first_out, sizeof first_out, "<details id=\"case-%d\" ", RP_HTML_MAX_DETAILS + 1);
    TU_CHECK(file_has(h, last) && !file_has(h, first_out), "the first ones, in order");
    TU_CHECK(file_has(h, "<details id=\"case-1004\" class=\"case warn\""),
             "the WARN has its own section: the cap is per verdict");
    TU_CHECK(file_has(h, "3 more FAIL without a section here"), "the page says what it left out");
    snprintf(first_out, sizeof first_out, "<td>%d</td><td class=\"v\">FAIL</td>", RP_HTML_MAX_DETAILS + 1);
    snprintf(last, sizeof last, "<td>%d</td><td class=\"v\"><a href=\"#case-%d\">FAIL</a>",
             RP_HTML_MAX_DETAILS, RP_HTML_MAX_DETAILS);
    TU_CHECK(file_has(h, first_out) && file_has(h, last),
             "the case table links the ones with a section only");
    snprintf(last, sizeof last, "r/report.html#case-%d\n", RP_HTML_MAX_DETAILS);
    snprintf(first_out, sizeof first_out, "r/report.html#case-%d\n", RP_HTML_MAX_DETAILS + 1);
    TU_CHECK(text && strstr(text, last) && !strstr(text, first_out) && strstr(text, "r/report.html\n"),
             "the terminal links to a section only where the page has one");
    free(text);
    rm_tree(dir);
}

static void html_warn(void)
{
    char *dir = make_tmpdir();
    struct rp_writer *w = write_sample_warn(dir, false);
    if (!w)
        return;
    struct rp_case hostile = WARN_CASE;
    hostile.source = "<script>x</script> & \x01";
    hostile.others = "a: <b>\nc: & d";
    rp_case(w, &hostile);
    char err[512] = "";
    TU_CHECK(rp_finish(w, &RUN, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);
    const char *h = path_in(dir, "report.html");
    TU_CHECK(file_has(h, "<span class=\"warn\">WARN 2</span><span class=\"fail\">FAIL 2</span>"),
             "WARN counted in the summary, apart from FAIL");
    TU_CHECK(file_has(h, "<tr class=\"warn\"><td>5</td><td class=\"v\"><a href=\"#case-5\">WARN</a>"),
             "WARN row coloured and linked to its details");
    TU_CHECK(file_has(h, "id=\"f-warn\"") && file_has(h, "#f-bad:checked~div.rows tr.warn"),
             "a WARN filter; FAIL and ERROR hides WARN");
    TU_CHECK(file_has(h, "tr.warn td.v,span.warn{background:"), "a WARN colour");
    long failures = file_pos(h, "<h2 id=\"failures\">Failures and errors</h2>");
    long warnings = file_pos(h, "<h2 id=\"warnings\">Warnings</h2>");
    long fail6 = file_pos(h, "<details id=\"case-6\" class=\"case fail\"");
    long warn5 = file_pos(h, "<details id=\"case-5\" class=\"case warn\"");
    long table = file_pos(h, "<table class=\"cases\">");
    TU_CHECK(failures >= 0 && fail6 > failures && warnings > fail6 && warn5 > warnings && table > warn5,
             "FAIL and ERROR details first, then WARN, then the case table (%ld %ld %ld %ld %ld)",
             failures, fail6, warnings, warn5, table);
    TU_CHECK(file_has(h, "<td class=\"t\">inferred: the seed gives only a maximum length</td>"),
             "the WARN's source, its kind said once");
    TU_CHECK(file_has(h, "<td class=\"t\">document: seed 004 1.2.4 (QuecThing OTA AT Commands Manual V1.2)</td>"),
             "the FAIL's source");
    TU_CHECK(file_has(h, "<th>other findings</th><td><ol class=\"findings\" start=\"2\"><li>echo: AT+QIOTCFG "
                         "echoed as AT+QIOTCF &amp; more"),
             "others shown, escaped, each an item of the list of findings");
    TU_CHECK(file_has(h, "<td class=\"t\">inferred: &lt;script&gt;x&lt;/script&gt; &amp; \\x01</td>") &&
                 file_has(h, "<li>a: &lt;b&gt;</li><li>c: &amp; d</li>") && file_count(h, "<script") == 1,
             "hostile source and others escaped");
    rm_tree(dir);

    /* a run without WARN has no warnings section */
    dir = make_tmpdir();
    rp_free(write_sample(dir, true));
    TU_CHECK(!file_has(path_in(dir, "report.html"), "<h2>Warnings</h2>") &&
                 file_has(path_in(dir, "report.html"), "<span class=\"warn\">WARN 0</span>"),
             "no warnings section without WARN");
    rm_tree(dir);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = tu_suite("reports");
    tu_add(s, "format names and verdict names", parse_formats);
    tu_add(s, "counts", counts);
    tu_add(s, "exit status: FAIL and ERROR fail the run, WARN only when strict", counts_failed);
    tu_add(s, "rp_each_case: every case, in order, masked", each_case_masked);
    tu_add(s, "the terminal's summary: FAIL, ERROR, then WARN, capped, no control bytes",
           terminal_summary);
    tu_add(s, "junit.xml: well-formed, counts, escaping, classnames, unique names, times", junit_xml);
    tu_add(s, "junit.xml: timestamp without zone", junit_timestamp);
    tu_add(s, "junit.xml: WARN passes with its warning, sources and others", junit_warn);
    tu_add(s, "results.tap: exact text", tap_exact);
    tu_add(s, "results.tap: block scalars, Bail out! when interrupted", tap_blocks_and_bail_out);
    tu_add(s, "results.json and the stream: fields, nulls, counts", json_results);
    tu_add(s, "results.json and the stream: WARN, source_kind, source, others", json_warn_and_sources);
    tu_add(s, "secrets appear in no file", secrets_never_written);
    tu_add(s, "a file that cannot be put in place: -1, message, no temporary file", atomic_failure);
    tu_add(s, "a killed run rebuilt from its stream", killed_run_rebuilt);
    tu_add(s, "a finished run rebuilt gives the same results.json", finished_run_rebuilt_identically);
    tu_add(s, "a broken stream is refused with its line number", broken_stream_refused);
    tu_add(s, "a large stream is read in pieces, in order, errors at their line",
           big_stream_read_in_pieces);
    tu_add(s, "a case with no texts and an unknown target", odd_case_survives);
    tu_add(s, "report.html: escaped, self-contained, coloured, details", html_page);
    tu_add(s, "report.html: WARN counted, coloured, detailed after FAIL and ERROR", html_warn);
    tu_add(s, "report.html: sections for the first 1000 of each verdict", html_details_capped);
    return tu_run(argc, argv);
}
