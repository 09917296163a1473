/* parser/examples.c — see examples.h. */
#include "parser/examples.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "parser/classify.h"
#include "parser/flowset.h"
#include "parser/validate.h"

struct ex_state {
    const struct at_index *ix;
    const struct gram_example *ex;
    at_example_cb cb;
    void *ctx;
    int problems;
    struct at_inflight fl;
    const struct gram_form *form;
    bool have_cmd;
    uint64_t payload_expected;
    struct at_flow_set flows;
    const struct gram_line *on_ok, *on_error; /* such lines seen in the exchange */
};

static void report(struct ex_state *s, const struct gram_step *st, const char *reading,
                   const char *problem)
{
    if (problem)
        s->problems++;
    if (s->cb)
        s->cb(s->ctx, s->ex, st, reading, problem);
}

static void on_send(struct ex_state *s, const struct gram_step *st)
{
    char reading[256], problem[512];
    struct at_cmdline cl;
    struct at_verror e;
    if (s->have_cmd) {
        snprintf(problem, sizeof problem,
                 "a new command before the previous one got its final result");
        report(s, st, "command", problem);
    }
    if (at_validate_command(s->ix, -1, (const uint8_t *)st->text, st->len, &cl, &e) != AT_OK) {
        char msg[400];
        snprintf(problem, sizeof problem, "the command does not validate: %s",
                 at_verror_format(&e, &s->ix->slots[0].d, msg, sizeof msg));
        report(s, st, "command", problem);
        s->form = e.form;
    } else {
        const struct at_cmd *c = &cl.cmds[cl.n - 1];
        s->form = c->form;
        snprintf(reading, sizeof reading, "command %s %s%s%s", c->cmd->name,
                 gram_form_kind_name(c->form->kind), c->form->variant ? " " : "",
                 c->form->variant ? c->form->variant : "");
        report(s, st, reading, NULL);
    }
    s->have_cmd = true;
    s->fl.form = s->form;
    s->fl.slot = 0;
    s->fl.echo = (const uint8_t *)st->text;
    s->fl.echo_len = st->len;
    s->fl.echo_pending = true;
}

/* Feeds an event (a URC, or a restart when r is NULL) to the running flows. */
static void flows_event(struct ex_state *s, const struct at_result *r, char *problem, size_t pn)
{
    at_flow_set_event(&s->flows, r ? r->line : NULL, r ? r->fields : NULL, problem, pn);
}

static void on_recv(struct ex_state *s, const struct gram_step *st)
{
    char reading[256], problem[512];
    problem[0] = '\0';
    if (s->payload_expected) {
        snprintf(problem, sizeof problem, "a %" PRIu64 "-byte payload was announced; a line came",
                 s->payload_expected);
        s->payload_expected = 0;
    }
    struct at_result r;
    at_classify_line(s->ix, &s->fl, (const uint8_t *)st->text, st->len, &r);
    if (r.cls == AT_CLS_ECHO) {
        s->fl.echo_pending = false;
        report(s, st, "echo", problem[0] ? problem : NULL);
        return;
    }
    s->fl.echo_pending = false;
    if (r.line)
        snprintf(reading, sizeof reading, "%s %s", at_class_name(r.cls),
                 r.cls == AT_CLS_INFO ? r.line->tpl.text : r.line->name);
    else
        snprintf(reading, sizeof reading, "%s", at_class_name(r.cls));
    if (!problem[0]) {
        if (r.cls == AT_CLS_UNKNOWN || r.cls == AT_CLS_FOREIGN) {
            snprintf(problem, sizeof problem, "no response, URC or final result of the grammar reads this line");
        } else if (!r.valid) {
            char msg[400];
            snprintf(problem, sizeof problem, "%s", at_verror_format(&r.err, &s->ix->slots[0].d, msg, sizeof msg));
        }
    }
    if (r.cls == AT_CLS_INFO && r.valid) {
        if (r.line->flags & GLF_ON_OK)
            s->on_ok = r.line;
        if (r.line->flags & GLF_ON_ERROR)
            s->on_error = r.line;
    }
    if (r.cls == AT_CLS_FINAL) {
        if (r.valid && !problem[0] && s->on_ok && r.line->outcome != GO_OK)
            snprintf(problem, sizeof problem, "\"%s\" comes only before OK, and %s came",
                     s->on_ok->tpl.text, r.line->name);
        else if (r.valid && !problem[0] && s->on_error && r.line->outcome == GO_OK)
            snprintf(problem, sizeof problem, "\"%s\" comes only before an error, and OK came",
                     s->on_error->tpl.text);
        s->on_ok = s->on_error = NULL;
        if (!s->have_cmd && !problem[0]) {
            snprintf(problem, sizeof problem, "a final result with no command in flight");
        } else if (s->form && r.valid && !gram_form_final_allowed(s->form, r.line->id, &s->ix->slots[0].d) &&
                   !problem[0]) {
            snprintf(problem, sizeof problem, "%s %s may not end with %s", s->form->cmd->name,
                     gram_form_kind_name(s->form->kind), r.line->name);
        }
        if (s->form && r.valid && r.line->outcome == GO_OK && s->form->n_starts) {
            size_t o = strlen(reading);
            o += (size_t)snprintf(reading + o, sizeof reading - o, ", starts flow ");
            for (uint8_t i = 0; i < s->form->n_starts; i++)
                o += (size_t)snprintf(reading + o, sizeof reading - o, "%s%s", i ? " or " : "",
                                      s->form->starts[i]->name);
            at_flow_set_start_form(&s->flows, s->form, &s->ix->slots[0].d);
        }
        s->have_cmd = false;
        s->form = NULL;
        s->fl.form = NULL;
    } else if (r.cls == AT_CLS_URC && r.valid && !problem[0]) {
        flows_event(s, &r, problem, sizeof problem);
    }
    if (r.valid && r.payload_len)
        s->payload_expected = r.payload_len;
    report(s, st, reading, problem[0] ? problem : NULL);
}

static void on_payload(struct ex_state *s, const struct gram_step *st)
{
    char reading[64], problem[256];
    snprintf(reading, sizeof reading, "payload %u bytes", st->len);
    if (!s->payload_expected)
        snprintf(problem, sizeof problem, "no line announced a payload here");
    else if (s->payload_expected != st->len)
        snprintf(problem, sizeof problem, "the line before announced %" PRIu64 " bytes", s->payload_expected);
    else
        problem[0] = '\0';
    s->payload_expected = 0;
    report(s, st, reading, problem[0] ? problem : NULL);
}

int at_check_example(const struct at_index *ix, const struct gram_example *ex, at_example_cb cb,
                     void *ctx)
{
    struct ex_state s;
    memset(&s, 0, sizeof s);
    s.ix = ix;
    s.ex = ex;
    s.cb = cb;
    s.ctx = ctx;
    for (uint16_t i = 0; i < ex->n_steps; i++) {
        const struct gram_step *st = &ex->steps[i];
        switch (st->dir) {
        case GS_SEND: on_send(&s, st); break;
        case GS_RECV: on_recv(&s, st); break;
        case GS_PAYLOAD: on_payload(&s, st); break;
        case GS_REBOOT: {
            char problem[512] = "";
            flows_event(&s, NULL, problem, sizeof problem);
            /* a restart ends a command in flight */
            s.have_cmd = false;
            s.form = NULL;
            s.fl.form = NULL;
            report(&s, st, "reboot", problem[0] ? problem : NULL);
            break;
        }
        }
    }
    if (s.have_cmd && ex->n_steps)
        report(&s, &ex->steps[ex->n_steps - 1], "end", "the last command got no final result");
    if (s.payload_expected && ex->n_steps)
        report(&s, &ex->steps[ex->n_steps - 1], "end", "an announced payload never came");
    /* A flow whose events the example shows must be at a point where it may end; an
     * example that shows none of them (only the command and its OK) is just shorter. */
    for (int i = 0; i < s.flows.n && ex->n_steps; i++) {
        const struct at_flow_run *fr = &s.flows.runs[i];
        if (fr->events && !at_flow_can_end(fr)) {
            char exp[256], problem[400];
            snprintf(problem, sizeof problem, "flow %s stops before its end (next: %s)", fr->f->name,
                     at_flow_expected(fr, exp, sizeof exp));
            report(&s, &ex->steps[ex->n_steps - 1], "end", problem);
            break;
        }
    }
    return s.problems;
}
