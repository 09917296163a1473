/* harness/judge.c — the judgement of what a module sends between commands (session.h,
 * hx_judge_between): one function, so that the conformance runner and the device fuzzer
 * call the same bytes the same thing. */
#include <stdio.h>
#include <string.h>

#include "grammar/source.h"
#include "harness/session.h"
#include "parser/verror.h"

static bool set(struct hx_finding *f, enum hx_rule rule, struct gram_src src, const char *expected,
                const char *seen)
{
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->src = src.kind ? src : hx_rule_src(rule);
    f->event = UINT32_MAX;
    snprintf(f->expected, sizeof f->expected, "%s", expected);
    snprintf(f->seen, sizeof f->seen, "%s", seen);
    return true;
}

bool hx_judge_restart(const struct hx_event *e, bool explained, struct hx_finding *f)
{
    if (!e->reboot || explained)
        return false;
    char seen[200];
    snprintf(seen, sizeof seen, "the module restarted (\"%.80s\")", e->text);
    return set(f, HR_REBOOT, (struct gram_src){GSRC_NONE, NULL}, "no restart: no destructive command was accepted",
               seen);
}

bool hx_judge_between(const struct hx_session *s, const struct hx_event *e, bool clean_output,
                      struct hx_finding *f)
{
    static const struct gram_src rule_src = {GSRC_NONE, NULL};
    if (e->exchange != 0 || e->sent || e->restarted)
        return false; /* inside an exchange the session judged it */
    char seen[300], shown[200];
    if (e->leak)
        return set(f, HR_NO_SECRET_LEAK, rule_src, "no credential in any output",
                   "a line between commands repeats a credential that was sent");
    if (e->stray_final) {
        snprintf(seen, sizeof seen, "\"%.100s\" with no command in flight", e->text);
        return set(f, HR_FINAL_RESULT, rule_src, "a final result only for a command", seen);
    }
    if (e->tok == AT_TOK_PAYLOAD || e->cls == AT_CLS_ECHO || e->cls == AT_CLS_PROMPT)
        return false;
    if (e->cls == AT_CLS_URC && !e->valid) {
        char msg[200];
        at_verror_format(&e->err, &s->d, msg, sizeof msg);
        snprintf(seen, sizeof seen, "\"%.80s\": %s", e->text, msg);
        return set(f, HR_RESPONSE_SYNTAX, e->line ? at_verror_src(&e->err) : rule_src,
                   e->line ? e->line->tpl.text : "a valid line", seen);
    }
    bool noise = e->cls == AT_CLS_UNKNOWN || e->cls == AT_CLS_GARBAGE || e->cls == AT_CLS_OVERFLOW;
    if (noise || (e->cls == AT_CLS_FOREIGN && clean_output)) {
        hx_printable((const uint8_t *)e->text, e->len < 60 ? e->len : 60, shown, sizeof shown);
        snprintf(seen, sizeof seen, "%s \"%s\" between commands", at_class_name((enum at_class)e->cls), shown);
        struct gram_src src = rule_src;
        if (e->cls == AT_CLS_FOREIGN)
            src = (struct gram_src){GSRC_DOC, "the capability file (or --strict) asks for clean output: no line "
                                              "the grammars do not know"};
        return set(f, HR_CLEAN_OUTPUT, src, "lines the grammar knows", seen);
    }
    return false;
}
