/* parser/monitor.c — see monitor.h. */
#include "parser/monitor.h"

#include <string.h>

void at_monitor_init(struct at_monitor *m, const struct at_index *ix, uint8_t *buf, size_t cap)
{
    memset(m, 0, sizeof *m);
    m->ix = ix;
    at_framer_init(&m->fr, buf, cap);
    /* a vendor whose events may arrive glued together gets the framer's split marker */
    for (uint8_t s = 0; s < ix->n_slots; s++) {
        const struct gram_vendor *v = ix->slots[s].v;
        for (uint16_t i = 0; i < v->n_urcs; i++) {
            const struct gram_line *u = &v->urcs[i];
            if ((u->flags & GLF_NO_TERM) && gram_guard_ok(&ix->slots[s].d, u->guard) &&
                u->tpl.n_ops && u->tpl.ops[0].kind == TPL_LIT && !m->fr.split) {
                /* the key plus ':' ("+EVT:") starts every such event */
                char *marker = m->split_marker;
                size_t kl = u->tpl.key_len < sizeof m->split_marker - 2 ? u->tpl.key_len
                                                                        : sizeof m->split_marker - 2;
                memcpy(marker, u->tpl.key, kl);
                marker[kl] = ':';
                marker[kl + 1] = '\0';
                at_framer_set_split(&m->fr, marker);
            }
        }
    }
}

void at_monitor_feed(struct at_monitor *m, const void *data, size_t len, uint64_t t_ns)
{
    at_framer_feed(&m->fr, data, len, t_ns);
}

static bool looks_like_command(const uint8_t *s, size_t n)
{
    return n >= 2 && (s[0] | 0x20) == 'a' && (s[1] | 0x20) == 't';
}

/* An echo: the command line is now the command in flight. */
static void take_echo(struct at_monitor *m, struct at_event *ev)
{
    struct at_result *r = &ev->res;
    const struct at_cmd *last = m->cl.n ? &m->cl.cmds[m->cl.n - 1] : NULL;
    r->cls = AT_CLS_ECHO;
    r->valid = ev->cmd_err == AT_OK;
    r->line = NULL;
    r->n_fields = 0;
    r->payload_len = 0;
    if (ev->cmd_err != AT_OK) {
        r->err = ev->cmd_verr;
        m->st.bad_commands++;
    } else {
        r->err.code = AT_OK;
    }
    m->fl.form = last ? last->form : ev->cmd_verr.form;
    m->fl.slot = last ? last->slot : 0;
    ev->cmd_form = m->fl.form;
    /* this line was the echo: no other is expected */
    m->fl.echo = NULL;
    m->fl.echo_len = 0;
    m->fl.echo_pending = false;
}

/* A line no final or URC reads, with no command in flight: the first response line of any
 * form of the grammar that reads it, valid. */
static bool loose_info(struct at_monitor *m, struct at_event *ev)
{
    for (uint8_t sl = 0; sl < m->ix->n_slots; sl++) {
        const struct gram_vendor *v = m->ix->slots[sl].v;
        for (uint16_t c = 0; c < v->n_commands; c++)
            for (uint16_t f = 0; f < v->commands[c].n_forms; f++) {
                const struct gram_form *form = &v->commands[c].forms[f];
                if (!form->n_infos)
                    continue;
                struct at_inflight fl = {0};
                fl.form = form;
                fl.slot = sl;
                struct at_result r;
                at_classify(m->ix, &fl, &ev->tok, &r);
                if (r.cls == AT_CLS_INFO && r.valid && r.line && r.line->tpl.lead_len) {
                    ev->res = r;
                    ev->loose_form = form;
                    return true;
                }
            }
    }
    return false;
}

static void handle(struct at_monitor *m, struct at_event *ev)
{
    struct at_result *r = &ev->res;
    ev->cmd_err = AT_OK;
    ev->cmd_form = NULL;
    ev->foreign_command = ev->foreign_info = false;
    ev->loose_form = NULL;
    bool done = false;
    if (ev->tok.kind == AT_TOK_LINE && looks_like_command(ev->tok.data, ev->tok.len)) {
        /* Most likely the echo of a command we did not see sent. Unless no command of the
         * grammar reads it: then it is a response that starts with "AT" (QCC730 prints
         * "AT+OTATRIAL:Success to Accept Trial FWD"). */
        ev->cmd_err = m->check_echo
                          ? at_validate_command(m->ix, -1, ev->tok.data, ev->tok.len, &m->cl, &ev->cmd_verr)
                          : at_identify_command(m->ix, ev->tok.data, ev->tok.len, &m->cl, &ev->cmd_verr);
        bool unreadable = ev->cmd_err == AT_E_UNKNOWN_COMMAND || ev->cmd_err == AT_E_BAD_NAME ||
                          ev->cmd_err == AT_E_NO_AT || ev->cmd_err == AT_E_SEPARATOR;
        if (!unreadable && !(m->loose_infos && ev->cmd_err != AT_OK && loose_info(m, ev))) {
            take_echo(m, ev);
            m->in_foreign = false;
            done = true;
        } else if (!unreadable) {
            ev->cmd_err = AT_OK; /* no command: a response line of a form (its usage text) */
            done = true;
        } else {
            at_classify(m->ix, &m->fl, &ev->tok, r);
            if ((r->cls == AT_CLS_UNKNOWN || r->cls == AT_CLS_FOREIGN) && m->loose_infos && loose_info(m, ev)) {
                ev->cmd_err = AT_OK; /* a response that starts with AT, its command not shown */
            } else if (r->cls == AT_CLS_UNKNOWN) {
                ev->foreign_command = ev->cmd_err == AT_E_UNKNOWN_COMMAND;
                take_echo(m, ev); /* an unknown command, echoed */
                m->in_foreign = ev->foreign_command;
            } else {
                ev->cmd_err = AT_OK;
            }
            done = true;
        }
    }
    if (!done) {
        at_classify(m->ix, &m->fl, &ev->tok, r);
        bool unmatched = r->cls == AT_CLS_UNKNOWN || r->cls == AT_CLS_FOREIGN;
        if (unmatched && m->in_foreign)
            ev->foreign_info = true; /* the answer of a command no grammar has */
        else if (unmatched && m->loose_infos && !m->fl.form && ev->tok.kind == AT_TOK_LINE)
            loose_info(m, ev);
    }
    if (r->cls == AT_CLS_FINAL) {
        m->fl.form = NULL;
        m->in_foreign = false;
    } else if (r->valid && r->payload_len) {
        at_framer_expect_payload(&m->fr, r->payload_len);
    }
    m->st.tokens++;
    if (ev->tok.kind == AT_TOK_LINE)
        m->st.lines++;
    if (ev->tok.kind == AT_TOK_PAYLOAD)
        m->st.payload_bytes += ev->tok.len;
    m->st.by_class[r->cls]++;
    if (!r->valid && (r->cls == AT_CLS_FINAL || r->cls == AT_CLS_INFO || r->cls == AT_CLS_URC))
        m->st.invalid++;
}

bool at_monitor_next(struct at_monitor *m, struct at_event *ev)
{
    if (!at_framer_next(&m->fr, &ev->tok))
        return false;
    handle(m, ev);
    return true;
}

bool at_monitor_flush(struct at_monitor *m, struct at_event *ev, uint64_t t_ns)
{
    if (!at_framer_flush(&m->fr, &ev->tok, t_ns))
        return false;
    handle(m, ev);
    return true;
}
