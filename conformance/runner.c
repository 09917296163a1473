/* conformance/runner.c — the runner's core: starting on a module, the checked exchange,
 * the tracked state, optional commands, the cases of one line, and the verdict; routes
 * between states are in runner_route.c; see runner.h and steps.h. */
#include "conformance/runner.h"
#include "common/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conformance/steps.h"
#include "grammar/source.h"
#include "harness/defaults.h"
#include "parser/classify.h"
#include "parser/machine.h"
#include "parser/validate.h"
#include "parser/verror.h"

#define MS 1000000ull
#define TRANSCRIPT_MAX (48 * 1024)

/* ---- what went wrong ------------------------------------------------------------------- */

void cf_fail(struct cf_ctx *cx, enum hx_rule rule, struct gram_src src, const char *expected, const char *fmt, ...)
{
    char seen[sizeof cx->findings[0].seen];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(seen, sizeof seen, fmt, ap);
    va_end(ap);
    cf_add_finding(cx, rule, src, expected, seen);
}

void cf_error(struct cf_ctx *cx, const char *fmt, ...)
{
    if (cx->error || cx->na)
        return;
    cx->error = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cx->why, sizeof cx->why, fmt, ap);
    va_end(ap);
}

void cf_na(struct cf_ctx *cx, const char *fmt, ...)
{
    if (cx->error || cx->na)
        return;
    cx->na = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cx->why, sizeof cx->why, fmt, ap);
    va_end(ap);
}

void cf_add_finding(struct cf_ctx *cx, enum hx_rule rule, struct gram_src src, const char *expected,
                    const char *seen)
{
    if (cx->n_findings == CF_MAX_FINDINGS)
        return;
    struct hx_finding *f = &cx->findings[cx->n_findings++];
    f->rule = rule;
    f->src = src.kind ? src : hx_rule_src(rule);
    snprintf(f->expected, sizeof f->expected, "%s", expected);
    snprintf(f->seen, sizeof f->seen, "%s", seen);
    f->event = UINT32_MAX;
}

bool cf_has_finding(const struct cf_ctx *cx, enum hx_rule rule)
{
    for (unsigned i = 0; i < cx->n_findings; i++)
        if (cx->findings[i].rule == rule)
            return true;
    return false;
}

void cf_mask(const struct cf_runner *r, const char *line, char *out, size_t n)
{
    hx_mask_command(r->s, line, out, n);
}

/* ---- the state the module should be in ------------------------------------------------ */

void cf_track(struct cf_runner *r)
{
    const struct gram_machine *m = r->v->machine;
    struct hx_session *s = r->s;
    for (; r->tracked < s->n_ev; r->tracked++) {
        const struct hx_event *e = &s->ev[r->tracked];
        if (!m)
            continue;
        if (e->reboot) {
            r->state = at_machine_reboot(m, r->state);
        } else if (e->sent) {
            /* a command moves the machine when it was accepted */
            int outcome = GO_NONE;
            for (size_t j = r->tracked + 1; j < s->n_ev && s->ev[j].exchange == e->exchange; j++)
                if (s->ev[j].cls == AT_CLS_FINAL && s->ev[j].line) {
                    outcome = s->ev[j].line->outcome;
                    break;
                }
            if (outcome != GO_OK)
                continue;
            struct at_cmdline cl;
            struct at_verror err;
            if (at_validate_command(r->ix, -1, (const uint8_t *)e->text, e->len, &cl, &err) != AT_OK)
                continue;
            for (uint8_t k = 0; k < cl.n; k++)
                r->state = at_machine_command(m, r->state, &cl.cmds[k], r->v->escapes, (const uint8_t *)e->text);
        } else if (e->cls == AT_CLS_URC && e->line) {
            /* an event with a bad field is still that event: the module is in its state */
            r->state = at_machine_urc(m, r->state, e->line);
        }
    }
}

const char *cf_state_name(const struct cf_runner *r, int st)
{
    return r->v->machine && st >= 0 ? r->v->machine->states[st] : "-";
}

/* ---- the checked exchange -------------------------------------------------------------- */

uint32_t cf_download_ms(const struct cf_runner *r)
{
    const struct cf_caps *c = r->o.caps;
    if (!c || !c->image_size || !c->link_speed)
        return 0;
    unsigned long long ms = (unsigned long long)c->image_size * 1000 / c->link_speed;
    return ms < 24ull * 3600 * 1000 ? (uint32_t)ms : 24u * 3600 * 1000;
}

uint64_t cf_timeout_ns(const struct gram_form *f)
{
    uint32_t ms = f ? gram_form_time_ms(f) : 0;
    if (!ms)
        return 10000 * MS;
    uint64_t margin = ms < 2000 ? 2000 : ms;
    if (margin > 60000)
        margin = 60000;
    return ((uint64_t)ms + margin) * MS;
}

int cf_outcome(const struct cf_ctx *cx, const struct hx_exchange *x)
{
    if (x->final_ev < 0)
        return GO_NONE;
    const struct hx_event *e = &cx->r->s->ev[x->final_ev];
    return e->line ? e->line->outcome : GO_NONE;
}

const struct hx_event *cf_documented_refusal(const struct cf_ctx *cx, const struct hx_exchange *x)
{
    for (size_t i = x->first_ev; i < x->end_ev; i++) {
        const struct hx_event *e = &cx->r->s->ev[i];
        if (e->cls == AT_CLS_INFO && e->valid && e->line && (e->line->flags & GLF_ON_ERROR))
            return e;
    }
    return NULL;
}

const struct gram_form *cf_form_of(const struct cf_runner *r, const char *line)
{
    struct at_cmdline cl;
    struct at_verror e;
    if (at_identify_command(r->ix, (const uint8_t *)line, strlen(line), &cl, &e) == AT_OK && cl.n)
        return cl.cmds[cl.n - 1].form;
    return e.form;
}

/* Does something explain a restart at event e: a destructive command of this case, or a
 * flow that ended where the restart applying its firmware may still come? */
static bool restart_explained(const struct cf_ctx *cx, const struct hx_event *e)
{
    return cx->destructive_sent || e->t_first <= cx->r->restart_expected_until;
}

/* After a command got no answer: is the module still there? */
static void probe(struct cf_ctx *cx)
{
    struct cf_runner *r = cx->r;
    for (int i = 0; i < 2; i++) {
        if (hx_probe(r->s))
            return;
        if (r->s->lost)
            return;
    }
    r->dead = true;
    snprintf(r->dead_why, sizeof r->dead_why, "no answer to AT after a command went unanswered");
    cf_add_finding(cx, HR_LIVENESS, CF_RULE_SRC, "AT answered with OK after a command got no answer", "no answer to AT");
}

struct rp_step *cf_add_step(struct cf_ctx *cx, bool event, uint64_t t, const char *text)
{
    if (cx->n_steps >= RP_MAX_STEPS) {
        cx->n_steps_dropped++;
        return NULL;
    }
    if (cx->n_steps == cx->cap_steps) {
        size_t cap = cx->cap_steps ? cx->cap_steps * 2 : 16;
        cx->steps = oc_xrealloc(cx->steps, cap * sizeof *cx->steps);
        cx->step_text = oc_xrealloc(cx->step_text, cap * sizeof *cx->step_text);
        cx->cap_steps = cap;
    }
    size_t i = cx->n_steps++;
    struct rp_step *st = &cx->steps[i];
    memset(st, 0, sizeof *st);
    st->event = event;
    st->t_ms = t > cx->t0 ? (double)(t - cx->t0) / 1e6 : 0;
    st->latency_ms = -1;
    if (event)
        snprintf(cx->step_text[i], sizeof cx->step_text[i], "%s", text);
    else
        cf_mask(cx->r, text, cx->step_text[i], sizeof cx->step_text[i]);
    st->text = NULL; /* cx->step_text[i]: set when handed over (the array may move) */
    return st;
}

struct rp_step *cf_event_step(struct cf_ctx *cx, size_t ev)
{
    const struct hx_session *s = cx->r->s;
    if (ev >= s->n_ev)
        return NULL;
    /* the line as the transcript shows it: masked, control bytes as \xNN */
    char line[RP_STEP_TEXT_MAX + 8];
    hx_transcript(s, ev, ev + 1, line, sizeof line);
    const char *t = strncmp(line, "< ", 2) == 0 ? line + 2 : line;
    line[strcspn(line, "\n")] = '\0';
    return cf_add_step(cx, true, s->ev[ev].t_first, t);
}

/* The step of an exchange: the line, what the grammar reads it as, its latency and limit. */
static void exchange_step(struct cf_ctx *cx, const char *line, const struct gram_form *f, const struct hx_exchange *x,
                          enum hx_status st)
{
    struct rp_step *sp = cf_add_step(cx, false, x->t_sent, line);
    if (!sp)
        return;
    if (f) {
        sp->command = f->cmd && f->cmd->empty ? "AT" : f->cmd ? f->cmd->name : NULL;
        sp->form = gram_form_kind_name(f->kind);
        sp->limit_ms = gram_form_time_ms(f);
    }
    if (st == HX_DONE) {
        sp->latency_ms = (double)(x->t_final - x->t_sent) / 1e6;
        sp->failed = sp->limit_ms > 0 && sp->latency_ms > sp->limit_ms;
    }
}

enum hx_status cf_exchange(struct cf_ctx *cx, const char *line, struct hx_exchange *x, bool main)
{
    struct cf_runner *r = cx->r;
    memset(x, 0, sizeof *x);
    x->final_ev = -1;
    if (r->lost) {
        x->status = HX_LOST;
        cf_error(cx, "the port is gone");
        return HX_LOST;
    }
    if (r->dead) {
        x->status = HX_TIMEOUT;
        cf_na(cx, "%s", r->blocked[0] ? r->blocked : r->dead_why);
        return HX_TIMEOUT;
    }
    cf_track(r);
    const struct gram_form *f = cf_form_of(r, line);
    uint64_t to = cf_timeout_ns(f);
    /* V.250: a line without AT may be ignored; some forms are documented to end silently */
    bool may_be_silent = (main && cx->c->expect && strcmp(cx->c->expect, "no-at-prefix") == 0) ||
                         (f && f->final_silence);
    if (may_be_silent)
        to = 1000 * MS + (f ? gram_form_time_ms(f) : 0) * MS;
    if (f && (gram_form_class(f) == GC_DESTRUCTIVE || f->n_starts))
        cx->destructive_sent = true;
    enum hx_status st = hx_exchange(r->s, line, to, x);
    bool silence_ok = may_be_silent && st == HX_TIMEOUT;
    /* a restart among the answer's lines that no destructive command explains */
    for (size_t i = x->first_ev; i < x->end_ev; i++) {
        struct hx_finding rf;
        if (hx_judge_restart(&r->s->ev[i], restart_explained(cx, &r->s->ev[i]), &rf))
            cf_add_finding(cx, rf.rule, rf.src, rf.expected, rf.seen);
    }
    for (unsigned i = 0; i < x->n_findings; i++) {
        const struct hx_finding *fd = &x->findings[i];
        if (silence_ok && fd->rule == HR_FINAL_RESULT)
            continue; /* a line without AT the module may ignore */
        cf_add_finding(cx, fd->rule, fd->src, fd->expected, fd->seen);
    }
    switch (st) {
    case HX_DONE: {
        uint32_t limit = x->form ? gram_form_time_ms(x->form) : 0;
        double lat = (double)(x->t_final - x->t_sent) / 1e6;
        if (limit && lat > limit) {
            char exp[96], seen[300];
            snprintf(exp, sizeof exp, "the final result within %u ms of the command", limit);
            char shown[200];
            cf_mask(r, line, shown, sizeof shown);
            snprintf(seen, sizeof seen, "%.1f ms (%s)", lat, shown);
            cf_add_finding(cx, HR_RESPONSE_TIME, gram_src_time(x->form), exp, seen);
            if (!cx->slow_have) {
                cx->slow_have = true;
                cx->slow_latency_ms = lat;
                cx->slow_limit_ms = limit;
                cx->slow_first_byte_ms = x->t_first_byte ? (double)(x->t_first_byte - x->t_sent) / 1e6 : -1;
            }
        }
        /* after garbage: let the line go quiet, and make sure the module still answers */
        for (unsigned i = 0; i < x->n_findings; i++)
            if (x->findings[i].rule == HR_CLEAN_OUTPUT) {
                hx_drain(r->s, 100 * MS); /* (bounded: a module that never goes quiet) */
                probe(cx);
                break;
            }
        break;
    }
    case HX_TIMEOUT:
        if (!silence_ok)
            probe(cx);
        break;
    case HX_REBOOTED: {
        /* a restart a flow's end announced took the answer: nothing wrong; one the command
         * itself sets off should come after its final result */
        bool late = false;
        for (size_t i = x->first_ev; i < x->end_ev; i++)
            if (r->s->ev[i].reboot && r->s->ev[i].t_first <= r->restart_expected_until)
                late = true;
        if (!late && f && gram_form_class(f) == GC_DESTRUCTIVE && !cf_has_finding(cx, HR_REBOOT))
            cf_add_finding(cx, HR_FINAL_RESULT, CF_RULE_SRC, "a final result before the restart",
                           "the module restarted without answering");
        break;
    }
    case HX_LOST:
        r->lost = true;
        char shown[200];
        cf_mask(r, line, shown, sizeof shown);
        cf_error(cx, "the port is gone (the module vanished during %s)", shown);
        break;
    }
    cf_track(r);
    exchange_step(cx, line, x->form ? x->form : f, x, st);
    if (main) {
        cx->have_main = true;
        cx->limit_ms = x->form ? gram_form_time_ms(x->form) : 0;
        cx->latency_ms = st == HX_DONE ? (double)(x->t_final - x->t_sent) / 1e6 : -1;
        cx->first_byte_ms = x->t_first_byte ? (double)(x->t_first_byte - x->t_sent) / 1e6 : -1;
    }
    return st;
}

/* ---- what comes between commands ------------------------------------------------------ */

/* A flow a setup step started: each event that comes while the route waits is checked
 * (order, fields, lines); that the flow ends is not asked of a route. */
static void route_flow_event(struct cf_ctx *cx, const struct hx_event *e)
{
    if (!cx->route_flow_on || cx->route_flow_reported)
        return;
    cf_flow_event(&cx->route_flow, e);
    if (cx->route_flow.rule >= 0) {
        cx->route_flow_reported = true;
        cf_add_finding(cx, (enum hx_rule)cx->route_flow.rule, cx->route_flow.src, cx->route_flow.expected,
                       cx->route_flow.seen);
    }
}

void cf_see_event(struct cf_ctx *cx, const struct hx_event *e)
{
    route_flow_event(cx, e);
}

/* An event no exchange took: checked once, when the case ends (harness/judge.c). */
static void check_loose_event(struct cf_ctx *cx, const struct hx_event *e)
{
    struct hx_finding f;
    if (e->exchange == 0 && hx_judge_restart(e, restart_explained(cx, e), &f))
        cf_add_finding(cx, f.rule, f.src, f.expected, f.seen);
    if (hx_judge_between(cx->r->s, e, cx->r->o.clean_output, &f))
        cf_add_finding(cx, f.rule, f.src, f.expected, f.seen);
}


/* ---- optional commands ----------------------------------------------------------------- */

static bool listed(const char *const *list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcasecmp(list[i], name) == 0)
            return true;
    return false;
}

/* The line that asks an optional command whether the module has it: its test form (V.250:
 * AT+X=? gets an error when the module does not know the command), else its read form,
 * else a bare form that only queries; NULL when the grammar gives none that is safe. */
static const char *probe_line(const struct gram_command *cmd, char *line, size_t n)
{
    if (gram_command_form(cmd, GF_TEST, NULL))
        snprintf(line, n, "AT%s=?", cmd->name);
    else if (gram_command_form(cmd, GF_READ, NULL))
        snprintf(line, n, "AT%s?", cmd->name);
    else if (gram_command_form(cmd, GF_EXEC, NULL) && gram_form_class(gram_command_form(cmd, GF_EXEC, NULL)) == GC_QUERY)
        snprintf(line, n, "AT%s", cmd->name);
    else
        return NULL;
    return line;
}

static void mark_absent(struct cf_runner *r, ptrdiff_t i, const char *line, const char *answer)
{
    const struct gram_command *cmd = &r->v->commands[i];
    r->implemented[i] = 2;
    snprintf(r->absent_why[i], sizeof r->absent_why[i], "not implemented: %s answered %.60s (%s is optional: %s)", line,
             answer, cmd->name, cmd->prereq ? "a prerequisite" : "not an OTA command");
}

static ptrdiff_t optional_index(const struct cf_runner *r, const struct gram_command *cmd)
{
    if (!cmd || !cmd->optional || cmd->basic || cmd->empty || !r->implemented)
        return -1;
    ptrdiff_t i = cmd - r->v->commands;
    return i >= 0 && i < r->v->n_commands ? i : -1;
}

/* An optional command (a prerequisite, a 27.007 extra): asked once whether the module has
 * it (probe_line); an error answer makes all its cases N/A "not implemented". The
 * capability file's claimed list skips the question. */
static bool command_implemented(struct cf_ctx *cx)
{
    struct cf_runner *r = cx->r;
    ptrdiff_t i = optional_index(r, cx->c->cmd);
    if (i < 0)
        return true;
    const struct gram_command *cmd = cx->c->cmd;
    if (r->o.caps && listed((const char *const *)r->o.caps->claimed, cmd->name))
        r->implemented[i] = 1;
    char line[64];
    if (!r->implemented[i] && probe_line(cmd, line, sizeof line)) {
        struct hx_exchange x;
        enum hx_status st = hx_exchange(r->s, line, cf_timeout_ns(NULL), &x);
        cf_track(r);
        if (st == HX_LOST) {
            r->lost = true;
            return true;
        }
        int out = st == HX_DONE && x.final_ev >= 0 && r->s->ev[x.final_ev].line ? r->s->ev[x.final_ev].line->outcome
                                                                               : GO_NONE;
        if (out == GO_ERROR)
            mark_absent(r, i, line, r->s->ev[x.final_ev].text);
        else if (out == GO_OK)
            r->implemented[i] = 1;
    }
    if (r->implemented[i] == 2) {
        cf_na(cx, "%s", r->absent_why[i]);
        return false;
    }
    return true;
}

/* A valid line of an optional command the module has not shown it has was refused: the
 * module does not implement it (N/A, and for the command's other cases too). True when
 * that is what the refusal means. */
static bool refused_as_absent(struct cf_ctx *cx, const struct hx_exchange *x)
{
    struct cf_runner *r = cx->r;
    ptrdiff_t i = optional_index(r, cx->c->cmd);
    if (i < 0 || r->implemented[i] == 1)
        return false;
    mark_absent(r, i, cx->c->line, x->final_ev >= 0 ? r->s->ev[x->final_ev].text : "nothing");
    cf_na(cx, "%s", r->absent_why[i]);
    return true;
}

/* An OK to a line of an optional command: the module has it. */
static void shown_present(struct cf_runner *r, const struct gram_command *cmd)
{
    ptrdiff_t i = optional_index(r, cmd);
    if (i >= 0)
        r->implemented[i] = 1;
}

/* ---- cases of one line ----------------------------------------------------------------- */

/* Does the form document reasons it refuses a valid line for (on-error lines)? */
static bool documents_refusals(const struct gram_form *f)
{
    for (uint16_t i = 0; f && i < f->n_infos; i++)
        if (f->infos[i].flags & GLF_ON_ERROR)
            return true;
    return f && f->may_refuse;
}

static void play_line(struct cf_ctx *cx)
{
    const struct cf_case *c = cx->c;
    struct cf_runner *r = cx->r;
    uint32_t need = c->refuse_state >= 0 ? 1u << c->refuse_state : c->ok_states;
    if (c->kind != CF_INVALID && !cf_reach(cx, need))
        return;
    /* an invalid line goes where its valid form is taken, so that a refusal is for what is
     * wrong with it, not for the state; where that state cannot be reached, in the state the
     * module is in */
    if (c->kind == CF_INVALID && need && !cf_reach(cx, need)) {
        if (cx->error)
            return;
        cx->na = false;
        cx->why[0] = '\0';
    }
    struct cf_setting saved = {0};
    if (c->kind == CF_VALID && c->form && gram_form_class(c->form) == GC_CONFIG)
        cf_setting_save(cx, c->cmd, &saved);
    struct hx_exchange x;
    enum hx_status st = cf_exchange(cx, c->line, &x, true);
    if (st == HX_DONE) {
        int out = cf_outcome(cx, &x);
        const char *final = x.final_ev >= 0 ? r->s->ev[x.final_ev].text : "";
        bool own_case = c->kind == CF_TEST_FORM || c->kind == CF_READ_FORM || c->kind == CF_EXEC_FORM || c->kind == CF_VALID;
        if (own_case && out == GO_OK)
            shown_present(r, c->cmd);
        bool expects_ok = own_case || (c->kind == CF_EXAMPLE && c->ex_outcome == GO_OK);
        if (expects_ok && out == GO_ERROR && refused_as_absent(cx, &x)) {
            cf_setting_restore(cx, &saved);
            return;
        }
        switch (c->kind) {
        case CF_TEST_FORM:
            if (out != GO_OK)
                cf_fail(cx, HR_ACCEPTS_VALID, gram_src_form(c->form), "OK", "%s", final);
            else
                cf_check_test_ranges(cx, &x);
            break;
        case CF_READ_FORM:
        case CF_EXEC_FORM:
        case CF_VALID:
            if (out != GO_OK) {
                const struct hx_event *why = cf_documented_refusal(cx, &x);
                if (why)
                    snprintf(cx->note, sizeof cx->note, "refused with a reason the grammar documents: %.200s", why->text);
                else if (x.form && x.form->may_refuse)
                    snprintf(cx->note, sizeof cx->note, "refused; the grammar allows it: %.200s", x.form->may_refuse);
                else
                    cf_fail(cx, HR_ACCEPTS_VALID, c->src, "OK", "%s (the line is valid: %s)", final, c->what);
            } else if (x.form && x.form->n_starts) {
                cf_follow_started(cx, &x);
            }
            break;
        case CF_INVALID:
        case CF_REFUSED:
            if (out == GO_OK)
                cf_fail(cx, c->rule, c->src, "an error result", "OK (the line is invalid: %s)", c->what);
            break;
        case CF_EXAMPLE: {
            /* a documented refusal (a server that is not there) is not a departure */
            const struct hx_event *why = out == GO_ERROR ? cf_documented_refusal(cx, &x) : NULL;
            if (out != c->ex_outcome && why)
                snprintf(cx->note, sizeof cx->note, "refused with a reason the grammar documents: %.200s", why->text);
            else if (out != c->ex_outcome && out == GO_ERROR && x.form && x.form->may_refuse)
                snprintf(cx->note, sizeof cx->note, "refused; the grammar allows it: %.200s", x.form->may_refuse);
            else if (out == GO_OK && c->ex_outcome == GO_ERROR && !c->ok_states && c->refuse_state < 0 &&
                     documents_refusals(x.form))
                cf_na(cx, "the documented error came from what the module had done before (the grammar takes "
                          "the line in every state): answered OK here");
            else if (out != c->ex_outcome)
                cf_fail(cx, HR_EXAMPLE, c->src, c->ex_outcome == GO_OK ? "OK, as documented" : "an error, as documented",
                        "%s", final);
            if (out == GO_OK && x.form && x.form->n_starts)
                cf_follow_started(cx, &x);
            break;
        }
        default:
            break;
        }
    }
    cf_setting_restore(cx, &saved);
    cf_back_home(cx);
}

/* ---- verdicts ------------------------------------------------------------------------ */

/* The findings other than the deciding one, one per line: "rule: seen [source]". */
static char *other_findings(const struct cf_ctx *cx, const struct hx_finding *best)
{
    size_t cap = 1, o = 0;
    for (unsigned i = 0; i < cx->n_findings; i++)
        cap += strlen(cx->findings[i].seen) + 400;
    char *out = oc_xmalloc(cap);
    out[0] = '\0';
    for (unsigned i = 0; i < cx->n_findings; i++) {
        const struct hx_finding *f = &cx->findings[i];
        if (f == best)
            continue;
        char src[300];
        o += (size_t)snprintf(out + o, cap - o, "%s%s: %s [%s]", o ? "\n" : "", hx_rule_name(f->rule), f->seen,
                              gram_src_describe(f->src, src, sizeof src));
    }
    if (!o) {
        free(out);
        return NULL;
    }
    return out;
}

/* Which finding decides a case when several rules broke: the most decisive rule of the
 * table (harness/rules.h), among the findings a document or a standard supports — FAIL;
 * when only inferred ones broke, the most decisive of those — WARN. */
static void decide(struct cf_ctx *cx, struct cf_result *res)
{
    if (cx->na) {
        res->verdict = RP_NA;
        snprintf(res->reason, sizeof res->reason, "%s", cx->why);
        return;
    }
    if (cx->error && (cx->r->lost || !cx->n_findings)) {
        res->verdict = RP_ERROR;
        snprintf(res->reason, sizeof res->reason, "%s", cx->why);
        return;
    }
    const struct hx_finding *binding = NULL, *inferred = NULL;
    for (unsigned i = 0; i < cx->n_findings; i++) {
        const struct hx_finding *f = &cx->findings[i];
        const struct hx_finding **best = gram_src_binding(f->src) ? &binding : &inferred;
        if (!*best || f->rule < (*best)->rule)
            *best = f;
    }
    const struct hx_finding *best = binding ? binding : inferred;
    if (!binding && cx->error) {
        res->verdict = RP_ERROR;
        snprintf(res->reason, sizeof res->reason, "%s", cx->why);
        return;
    }
    if (!best) {
        res->verdict = RP_PASS;
        snprintf(res->reason, sizeof res->reason, "%s", cx->note);
        return;
    }
    res->verdict = binding ? RP_FAIL : RP_WARN;
    res->rule = hx_rule_name(best->rule);
    res->source_kind = gram_src_kind_name(best->src.kind);
    snprintf(res->source, sizeof res->source, "%s", best->src.cite ? best->src.cite : "");
    snprintf(res->expected, sizeof res->expected, "%s", best->expected);
    snprintf(res->seen, sizeof res->seen, "%s", best->seen);
    int o = snprintf(res->reason, sizeof res->reason, "%s", best->seen);
    unsigned others = cx->n_findings - 1;
    if (others && o > 0 && (size_t)o < sizeof res->reason)
        snprintf(res->reason + o, sizeof res->reason - (size_t)o, " (and %u more finding%s: see others)", others,
                 others > 1 ? "s" : "");
    res->others = other_findings(cx, best);
}

void cf_run_case(struct cf_runner *r, const struct cf_case *c, struct cf_result *res)
{
    memset(res, 0, sizeof *res);
    res->latency_ms = res->first_byte_ms = -1;
    res->rule = hx_rule_name(c->rule);
    struct cf_ctx *cx = oc_xcalloc(1, sizeof *cx);
    cx->r = r;
    cx->c = c;
    struct hx_session *s = r->s;
    uint64_t t0 = hx_now(s->t);
    cx->t0 = t0;
    /* the log holds this case alone: a long run (or a flood) keeps no more than a case */
    cf_track(r);
    hx_log_clear(s);
    r->tracked = 0;
    uint64_t dropped0 = s->n_dropped;
    size_t ev0 = s->n_ev;
    s->watched = s->n_ev;
    if (c->na)
        cf_na(cx, "%s", c->na);
    else if (!r->lost && !r->dead && !command_implemented(cx))
        ; /* N/A: not implemented */
    else if (r->lost)
        cf_error(cx, "the port is gone");
    else if (r->dead)
        cf_na(cx, "%s", r->blocked[0] ? r->blocked : r->dead_why);
    else if (c->destructive && !r->o.allow_destructive)
        cf_na(cx, "destructive (it may start a download, flash or restart): run with --allow-destructive");
    else if (c->kind == CF_FLOW)
        cf_play_flow(cx);
    else if (c->kind == CF_READ_WRITE)
        cf_play_read_write(cx);
    else
        play_line(cx);
    if (cx->route_flow_on)
        cf_flow_free(&cx->route_flow);
    for (size_t i = ev0; i < s->n_ev; i++)
        check_loose_event(cx, &s->ev[i]);
    struct hx_finding flood;
    if (hx_judge_flood(s, dropped0, &flood) && !cf_has_finding(cx, HR_CLEAN_OUTPUT))
        cf_add_finding(cx, flood.rule, flood.src, flood.expected, flood.seen);
    /* a module that stopped answering in this case: restarted for the next ones if it can
     * be, else they are N/A, blocked by this one */
    bool died_here = r->dead && !cx->na;
    if (died_here)
        cf_recover(cx, r->dead_why);
    decide(cx, res);
    if (cx->have_main) {
        res->latency_ms = cx->latency_ms;
        res->first_byte_ms = cx->first_byte_ms;
        res->limit_ms = cx->limit_ms;
    }
    /* a response-time verdict is about the slow exchange, which may be a set-up step */
    if (cx->slow_have && res->rule && strcmp(res->rule, hx_rule_name(HR_RESPONSE_TIME)) == 0 &&
        (res->verdict == RP_FAIL || res->verdict == RP_WARN)) {
        res->latency_ms = cx->slow_latency_ms;
        res->first_byte_ms = cx->slow_first_byte_ms;
        res->limit_ms = cx->slow_limit_ms;
    }
    for (size_t i = 0; i < cx->n_steps; i++)
        cx->steps[i].text = cx->step_text[i];
    res->steps = cx->steps;
    res->step_text = cx->step_text;
    res->n_steps = cx->n_steps;
    res->n_steps_dropped = cx->n_steps_dropped;
    res->stall_limit_ms = cx->stall_limit_ms;
    res->total_limit_ms = cx->total_limit_ms;
    res->duration_ms = (double)(hx_now(s->t) - t0) / 1e6;
    res->transcript = oc_xmalloc(TRANSCRIPT_MAX);
    hx_transcript(s, ev0, s->n_ev, res->transcript, TRANSCRIPT_MAX);
    free(cx);
}

void cf_result_free(struct cf_result *res)
{
    free(res->transcript);
    res->transcript = NULL;
    free(res->others);
    res->others = NULL;
    free(res->steps);
    free(res->step_text);
    res->steps = NULL;
    res->step_text = NULL;
    res->n_steps = 0;
}

/* ---- starting on a module ------------------------------------------------------------- */

/* "+NAME: ..." (an unsolicited or extended-command line), which ATI's identity text is not:
 * a line of a chatty module that lands among ATI's lines is not the manufacturer. */
static bool urc_shaped(const char *t)
{
    if (t[0] != '+' || !((t[1] >= 'A' && t[1] <= 'Z') || (t[1] >= 'a' && t[1] <= 'z')))
        return false;
    size_t k = 1 + strspn(t + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    return t[k] == ':';
}

/* The nth information line of an exchange; identity_text: ATI's free text, which skips
 * lines of the +NAME: shape. */
static void first_info(const struct hx_session *s, const struct hx_exchange *x, unsigned nth, bool identity_text,
                       char *out, size_t n)
{
    unsigned k = 0;
    out[0] = '\0';
    for (size_t i = x->first_ev; i < x->end_ev; i++) {
        const struct hx_event *e = &s->ev[i];
        if (e->sent || e->cls == AT_CLS_ECHO || e->cls == AT_CLS_FINAL || e->cls == AT_CLS_URC || !e->len)
            continue;
        if (identity_text && urc_shaped(e->text))
            continue;
        if (k++ == nth) {
            snprintf(out, n, "%s", e->text);
            return;
        }
    }
}

/* The text after a label ("Model: X" -> "X"), or NULL when the line has another. */
static const char *labelled(const char *line, const char *label)
{
    size_t n = strlen(label);
    if (strncasecmp(line, label, n) != 0 || line[n] != ':')
        return NULL;
    return line + n + 1 + strspn(line + n + 1, " ");
}

/* An IMEI (3GPP TS 23.003 6.2: 15 digits, 16 for the IMEISV; some modules print 14) kept
 * as a report may show it: every digit but the last four masked. "" when it is no IMEI. */
static void mask_imei(const char *text, char *out, size_t n)
{
    size_t len = strspn(text, "0123456789");
    out[0] = '\0';
    if (len < 14 || len > 17 || text[len + strspn(text + len, " \t")] != '\0' || len + 1 > n)
        return;
    memset(out, '*', len - 4);
    memcpy(out + len - 4, text + len - 4, 4);
    out[len] = '\0';
}

/* ATI's identity: V.250 leaves its text to the manufacturer. Lines labelled Manufacturer:,
 * Model:, Revision: and IMEI: (SIMCom's) say what they are; otherwise the first unlabelled
 * line is the manufacturer and the second the model (Quectel's), and a third "Revision: "
 * line the revision. */
static void read_identity(struct cf_runner *r, const struct hx_exchange *x)
{
    const struct hx_session *s = r->s;
    unsigned unlabelled = 0;
    for (unsigned k = 0; k < 16; k++) {
        char line[128];
        first_info(s, x, k, true, line, sizeof line);
        if (!line[0])
            break;
        const char *v;
        if ((v = labelled(line, "Manufacturer")))
            snprintf(r->manufacturer, sizeof r->manufacturer, "%s", v);
        else if ((v = labelled(line, "Model")))
            snprintf(r->model, sizeof r->model, "%s", v);
        else if ((v = labelled(line, "Revision")))
            snprintf(r->revision, sizeof r->revision, "%s", v);
        else if ((v = labelled(line, "IMEI"))) {
            mask_imei(v, r->imei, sizeof r->imei);
            if (r->imei[0])
                snprintf(r->imei_full, sizeof r->imei_full, "%.*s", (int)strlen(r->imei), v);
        }
        else if (unlabelled == 0 && !r->manufacturer[0] && ++unlabelled)
            snprintf(r->manufacturer, sizeof r->manufacturer, "%s", line);
        else if (unlabelled == 1 && !r->model[0] && ++unlabelled)
            snprintf(r->model, sizeof r->model, "%s", line);
    }
}

int cf_runner_start(struct cf_runner *r, struct hx_session *s, const struct cf_runner_opts *o)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    r->v = s->v;
    r->ix = &s->ix;
    r->d = &s->d;
    if (o)
        r->o = *o;
    s->clean_output = r->o.clean_output;
    r->implemented = oc_xcalloc(r->v->n_commands, 1);
    r->absent_why = oc_xcalloc(r->v->n_commands, sizeof *r->absent_why);
    r->state = r->v->machine ? r->v->machine->initial : -1;
    r->overhead_ms = -1;
    bool alive = false;
    for (int i = 0; i < 3 && !alive && !s->lost; i++)
        alive = hx_probe(s);
    if (!alive)
        return -1;
    struct hx_exchange x;
    if (hx_exchange(s, "ATE1", 2000 * MS, &x) == HX_DONE) {
        /* echo is now checked on every command */
    }
    if (hx_exchange(s, "ATI", 2000 * MS, &x) == HX_DONE)
        read_identity(r, &x);
    if (hx_exchange(s, "AT+CGMR", 2000 * MS, &x) == HX_DONE && x.final_ev >= 0 &&
        s->ev[x.final_ev].line && s->ev[x.final_ev].line->outcome == GO_OK) {
        char rev[128];
        first_info(s, &x, 0, false, rev, sizeof rev);
        const char *p = strncasecmp(rev, "+CGMR:", 6) == 0 ? rev + 6 + (rev[6] == ' ') : rev;
        if (*p)
            snprintf(r->revision, sizeof r->revision, "%s", p);
    }
    /* the round trip of the shortest command: the overhead of the way to the module */
    double lat[5];
    unsigned n = 0;
    for (int i = 0; i < 5; i++)
        if (hx_exchange(s, "AT", 2000 * MS, &x) == HX_DONE)
            lat[n++] = (double)(x.t_final - x.t_sent) / 1e6;
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && lat[j] < lat[j - 1]; j--) {
            double t = lat[j];
            lat[j] = lat[j - 1];
            lat[j - 1] = t;
        }
    if (n)
        r->overhead_ms = lat[n / 2];
    r->tracked = s->n_ev;
    return s->lost ? -1 : 0;
}

void cf_runner_free(struct cf_runner *r)
{
    free(r->implemented);
    free(r->absent_why);
    r->implemented = NULL;
    r->absent_why = NULL;
}
