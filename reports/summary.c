/* reports/summary.c — the end of a run for a person (otacheck conform prints it to stdout
 * before its totals): the cases that did not pass, FAIL first, then ERROR, then WARN, one
 * line each with the rule and the reason and a second with where the rule's requirement
 * comes from, capped per verdict so that a module that fails everything does not bury the
 * totals. The texts come masked from rp_each_case; control characters, which a module's
 * bytes may carry into a reason, are written as \xNN and never reach the terminal. */
#include <stdlib.h>
#include <string.h>

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

struct listing {
    FILE *out;
    enum rp_verdict verdict;
    unsigned max, seen;
};

static void entry(void *ctx, const struct rp_case *c)
{
    struct listing *l = ctx;
    if (c->verdict != l->verdict || l->seen++ >= l->max)
        return;
    /* the runner's reasons often start with their rule already: say it once */
    const char *rule = c->rule;
    size_t rl = rule ? strlen(rule) : 0;
    if (rule && c->reason && strncmp(c->reason, rule, rl) == 0 && c->reason[rl] == ':')
        rule = NULL;
    fprintf(l->out, "%s ", rp_verdict_name(c->verdict));
    one_line(l->out, c->id && *c->id ? c->id : c->name);
    if (rule || c->reason)
        fputs("  ", l->out);
    one_line(l->out, rule);
    if (rule && c->reason)
        fputs(": ", l->out);
    one_line(l->out, c->reason);
    fputc('\n', l->out);
    char *source = rp_source_text(c);
    if (source) {
        fputs("  source: ", l->out);
        one_line(l->out, source);
        fputc('\n', l->out);
        free(source);
    }
}

void rp_write_summary(FILE *out, const struct rp_writer *w, unsigned max_each,
                      const char *more_in)
{
    static const enum rp_verdict order[] = {RP_FAIL, RP_ERROR, RP_WARN};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        struct listing l = {out, order[i], max_each, 0};
        rp_each_case(w, entry, &l);
        if (l.seen > l.max) {
            fprintf(out, "... and %u more %s", l.seen - l.max, rp_verdict_name(order[i]));
            if (more_in) {
                fputs(" (see ", out);
                one_line(out, more_in);
                fputc(')', out);
            }
            fputc('\n', out);
        }
    }
}
