/* reports/lava.c — `--format lava`: the run as LAVA test-shell signals, the lines a LAVA
 * dispatcher reads from a test job's console (lava-test-case writes the same three):
 *
 *     <LAVA_SIGNAL_STARTTC ID>
 *     ...what otacheck found, for a case that did not pass: its reason and transcript...
 *     <LAVA_SIGNAL_TESTCASE TEST_CASE_ID=ID RESULT=pass|fail|skip|unknown UNITS=ms MEASUREMENT=N>
 *     <LAVA_SIGNAL_ENDTC ID>
 *
 * printed on the run's standard output as each case ends (rp_live_lava, flushed at once: a
 * job that times out keeps what was said), and written whole to results.lava at the end.
 * An ID is the case's id in the characters LAVA takes in a test case name and a directory
 * of its results (letters, digits, '.', '_', '-'; '/' becomes '.', '+' is dropped, anything
 * else '_'), at most LAVA_ID_MAX bytes, made unique by "-2", "-3"...
 * RESULT: PASS and WARN pass (a WARN is not a failure, its reason is printed), FAIL fails,
 * N/A is skip, ERROR unknown (no verdict could be reached; the run's exit status still
 * says it failed). MEASUREMENT: the latency the verdict is about, else the case's duration.
 * No text from the module reaches a line that a dispatcher could take for a signal: a
 * "<LAVA" in a reason or transcript is written "\x3cLAVA". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reports/report_internal.h"

/* LAVA keeps a test case's name in a column of 100 characters; room for "-NNNNN". */
#define LAVA_ID_MAX 92
/* Lines of a transcript printed between STARTTC and TESTCASE. */
#define LAVA_TRANSCRIPT_LINES 40

static const char *lava_result(enum rp_verdict v)
{
    switch (v) {
    case RP_PASS:
    case RP_WARN: return "pass";
    case RP_FAIL: return "fail";
    case RP_NA: return "skip";
    case RP_ERROR: return "unknown";
    }
    return "unknown";
}

/* The id in LAVA's characters, into out (LAVA_ID_MAX + 1 bytes). */
static void lava_id(char *out, const struct rp_case *c)
{
    const char *s = c->id && *c->id ? c->id : c->name && *c->name ? c->name : "case";
    size_t n = 0;
    for (; *s && n < LAVA_ID_MAX; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            ch == '.' || ch == '_' || ch == '-')
            out[n++] = (char)ch;
        else if (ch == '/')
            out[n++] = '.';
        else if (ch != '+')
            out[n++] = '_';
    }
    if (!n)
        out[n++] = '_';
    out[n] = '\0';
}

/* A text on one line of the log: control bytes as spaces, the '<' of a "<LAVA" (in any
 * case: every pattern of the dispatcher's test shell starts so) as \x3c. */
static void lava_text(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n && s[i]; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '<' && i + 4 < n && strncasecmp(s + i + 1, "LAVA", 4) == 0)
            fputs("\\x3c", out);
        else if (ch < 0x20 || ch == 0x7F)
            fputc(' ', out);
        else
            fputc(ch, out);
    }
}

static void lava_case(FILE *out, const struct rp_case *c, struct rp_nameset *ids)
{
    char base[LAVA_ID_MAX + 1];
    lava_id(base, c);
    char *id = rp_nameset_unique(ids, "", base, "-");
    fprintf(out, "<LAVA_SIGNAL_STARTTC %s>\n", id);
    if (c->verdict != RP_PASS) {
        fprintf(out, "otacheck: %s %s", rp_verdict_name(c->verdict), id);
        const char *rule = rp_rule_before_reason(c);
        if (rule) {
            fputs(": ", out);
            lava_text(out, rule, strlen(rule));
        }
        if (c->reason) {
            fputs(": ", out);
            lava_text(out, c->reason, strlen(c->reason));
        }
        fputc('\n', out);
    }
    if ((c->verdict == RP_FAIL || c->verdict == RP_ERROR) && c->transcript) {
        const char *t = c->transcript;
        for (unsigned k = 0; *t && k < LAVA_TRANSCRIPT_LINES; k++) {
            size_t n = strcspn(t, "\n");
            fputs("otacheck:   ", out);
            lava_text(out, t, n);
            fputc('\n', out);
            t += n + (t[n] == '\n');
        }
        if (*t)
            fputs("otacheck:   ... (the whole transcript: results.json)\n", out);
    }
    fprintf(out, "<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=%s RESULT=%s", id, lava_result(c->verdict));
    double ms = c->latency_ms >= 0 ? c->latency_ms : c->duration_ms;
    if (ms >= 0)
        fprintf(out, " UNITS=ms MEASUREMENT=%.3f", ms);
    fprintf(out, ">\n<LAVA_SIGNAL_ENDTC %s>\n", id);
    free(id);
}

void rp_live_lava(FILE *out, const struct rp_case *c, struct rp_nameset *ids)
{
    lava_case(out, c, ids);
    fflush(out);
}

int rp_write_lava(FILE *out, const struct rp_results *r)
{
    struct rp_nameset ids = RP_NAMESET_INIT;
    for (size_t i = 0; i < r->n_cases && !ferror(out); i++)
        lava_case(out, &r->cases[i], &ids);
    rp_nameset_free(&ids);
    return ferror(out) ? -1 : 0;
}
