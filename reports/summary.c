/* reports/summary.c — the end of a run for a person (otacheck conform prints it to stdout
 * before its totals): the cases that did not pass, FAIL first, then ERROR, then WARN, one
 * line each with the rule and the reason, then what was expected and seen, where the rule's
 * requirement comes from and where the transcript is (with -v, the transcript itself),
 * capped per verdict so that a module that fails everything does not bury the totals, as
 * pytest's short summary does; the verdict words in colour on a terminal (NO_COLOR: none). The texts come masked from rp_each_case; control characters, which a module's
 * bytes may carry into a reason, are written as \xNN and never reach the terminal. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "reports/html.h"
#include "reports/report_internal.h"

/* text on one line: C0 and C1 controls and DEL as \xNN (the text is valid UTF-8: rp_clean). */
static void one_line(FILE *out, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            fprintf(out, "\\x%02x", *p);
        else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            fprintf(out, "\\x%02x", *++p); /* U+0080..U+009F: C1 controls, CSI among them */
        else
            fputc(*p, out);
    }
}

/* ANSI SGR for a verdict word, or "" (PASS and N/A are never listed). */
static const char *colour_of(enum rp_verdict v)
{
    switch (v) {
    case RP_FAIL: return "\033[1;31m";
    case RP_ERROR: return "\033[1;35m";
    case RP_WARN: return "\033[33m";
    default: return "";
    }
}

bool rp_colour_wanted(int fd)
{
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(fd) && !(no && *no) && !(term && strcmp(term, "dumb") == 0);
}

/* "  label: text", text cut to SUMMARY_TEXT_MAX bytes (whole UTF-8 characters) with "...". */
#define SUMMARY_TEXT_MAX 200
static void labelled(FILE *out, const char *label, const char *text)
{
    size_t n = strlen(text);
    char *cut = NULL;
    if (n > SUMMARY_TEXT_MAX) {
        size_t k = SUMMARY_TEXT_MAX;
        while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
            k--;
        cut = oc_xmalloc(k + 4);
        memcpy(cut, text, k);
        memcpy(cut + k, "...", 4);
        text = cut;
    }
    fprintf(out, "  %s: ", label);
    one_line(out, text);
    fputc('\n', out);
    free(cut);
}

struct listing {
    FILE *out;
    const struct rp_summary_opts *o;
    enum rp_verdict verdict;
    unsigned seen;
    size_t index; /* the case's place in the run, from 1: report.html's #case-N */
};

static void entry(void *ctx, const struct rp_case *c)
{
    struct listing *l = ctx;
    l->index++;
    if (c->verdict != l->verdict || l->seen++ >= l->o->max_each)
        return;
    FILE *out = l->out;
    const char *rule = rp_rule_before_reason(c);
    if (l->o->colour)
        fprintf(out, "%s%s\033[0m ", colour_of(c->verdict), rp_verdict_name(c->verdict));
    else
        fprintf(out, "%s ", rp_verdict_name(c->verdict));
    one_line(out, c->id && *c->id ? c->id : c->name);
    if (rule || c->reason)
        fputs("  ", out);
    one_line(out, rule);
    if (rule && c->reason)
        fputs(": ", out);
    one_line(out, c->reason);
    fputc('\n', out);
    /* what the rule wants and what came, unless the reason says it already */
    if (c->expected && *c->expected && !(c->reason && strstr(c->reason, c->expected)))
        labelled(out, "expected", c->expected);
    if (c->seen && *c->seen && !(c->reason && strstr(c->reason, c->seen)))
        labelled(out, "seen", c->seen);
    char *source = rp_source_text(c);
    if (source) {
        labelled(out, "source", source);
        free(source);
    }
    const char *more = l->o->more_in;
    if (more && *more) {
        size_t ml = strlen(more);
        bool anchors = false; /* more is a file that shows each case at #case-N */
        for (size_t i = 0; i < RP_N_FORMATS; i++) {
            size_t fl = strlen(rp_formats[i].file);
            anchors |= rp_formats[i].case_anchors && ml >= fl && strcmp(more + ml - fl, rp_formats[i].file) == 0;
        }
        fputs("  transcript: ", out);
        one_line(out, more);
        if (anchors && l->seen <= RP_HTML_MAX_DETAILS) /* the page has its section */
            fprintf(out, "#case-%zu", l->index);
        fputc('\n', out);
    }
    if (l->o->transcripts && c->transcript && *c->transcript) {
        /* -v: the exchange itself, a line each */
        for (const char *t = c->transcript; *t;) {
            size_t n = strcspn(t, "\n");
            char *line = oc_xmemdup0(t, n);
            fputs("    ", out);
            one_line(out, line);
            fputc('\n', out);
            free(line);
            t += n + (t[n] == '\n');
        }
    }
}

void rp_write_summary(FILE *out, const struct rp_writer *w, const struct rp_summary_opts *o)
{
    static const enum rp_verdict order[] = {RP_FAIL, RP_ERROR, RP_WARN};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        struct listing l = {out, o, order[i], 0, 0};
        rp_each_case(w, entry, &l);
        if (l.seen > o->max_each) {
            fprintf(out, "... and %u more %s", l.seen - o->max_each, rp_verdict_name(order[i]));
            if (o->more_in) {
                fputs(" (see ", out);
                one_line(out, o->more_in);
                fputc(')', out);
            }
            fputc('\n', out);
        }
    }
}
