/* parser/flowset.c — see flowset.h. */
#include "parser/flowset.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void at_flow_set_clear(struct at_flow_set *s)
{
    s->n = 0;
}

void at_flow_set_start(struct at_flow_set *s, const struct gram_flow *f, const struct gram_dialect *d)
{
    if (s->n < AT_FLOWSET_MAX)
        at_flow_start(&s->runs[s->n++], f, d);
}

void at_flow_set_start_form(struct at_flow_set *s, const struct gram_form *f, const struct gram_dialect *d)
{
    for (uint8_t i = 0; f && i < f->n_starts; i++)
        at_flow_set_start(s, f->starts[i], d);
}

enum at_flowset_result at_flow_set_event(struct at_flow_set *s, const struct gram_line *urc,
                                         const struct at_value *fields, char *problem, size_t pn)
{
    bool fit[AT_FLOWSET_MAX] = {false}, mine[AT_FLOWSET_MAX] = {false};
    enum at_flow_verdict why[AT_FLOWSET_MAX];
    int any_fit = 0, any_mine = 0;
    for (int i = 0; i < s->n; i++) {
        struct at_flow_run *fr = &s->runs[i];
        int a = urc ? at_flow_atom_of_urc(fr->f, urc) : -1;
        bool restart = a < 0 && (!urc || (urc->flags & GLF_BOOT));
        if (restart)
            a = at_flow_atom_reboot(fr->f);
        /* a restart concerns a flow that has begun and not finished */
        if (a < 0 && !(restart && fr->events && !at_flow_finished(fr)))
            continue;
        mine[i] = true;
        any_mine++;
        why[i] = a < 0 ? AT_FLOW_ORDER : at_flow_step(fr, a, urc, fields);
        if (why[i] == AT_FLOW_ACCEPTED) {
            fit[i] = true;
            any_fit++;
        }
    }
    if (!any_mine)
        return AT_FS_IGNORED;
    if (any_fit) {
        int k = 0;
        for (int i = 0; i < s->n; i++)
            if (!mine[i] || fit[i])
                s->runs[k++] = s->runs[i];
        s->n = k;
        return AT_FS_ACCEPTED;
    }
    for (int i = 0; i < s->n; i++) {
        if (!mine[i])
            continue;
        struct at_flow_run *fr = &s->runs[i];
        const char *ev = urc ? urc->name : "reboot";
        if (why[i] == AT_FLOW_DECREASE) {
            snprintf(problem, pn, "flow %s: %s went from %" PRId64 " down to %" PRId64, fr->f->name,
                     fr->broken->text, fr->before, fr->seen);
            return AT_FS_DECREASE;
        }
        char exp[256];
        snprintf(problem, pn, "flow %s: '%s' is out of order (expected %s)", fr->f->name, ev,
                 at_flow_expected(fr, exp, sizeof exp));
        return AT_FS_ORDER;
    }
    return AT_FS_IGNORED;
}

bool at_flow_set_can_end(const struct at_flow_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (at_flow_can_end(&s->runs[i]))
            return true;
    return false;
}

bool at_flow_set_finished(const struct at_flow_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (at_flow_finished(&s->runs[i]) && at_flow_can_end(&s->runs[i]))
            return true;
    return false;
}

bool at_flow_set_only_restart_next(const struct at_flow_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (at_flow_can_end(&s->runs[i]) && at_flow_only_restart_next(&s->runs[i]))
            return true;
    return false;
}

bool at_flow_set_started(const struct at_flow_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (s->runs[i].events)
            return true;
    return false;
}

bool at_flow_set_failed(const struct at_flow_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (!at_flow_can_end(&s->runs[i]) || s->runs[i].outcome != GO_ERROR)
            return false;
    return s->n > 0;
}

int at_flow_set_outcome(const struct at_flow_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (at_flow_can_end(&s->runs[i]))
            return s->runs[i].outcome;
    return GO_NONE;
}

char *at_flow_set_expected(const struct at_flow_set *s, char *buf, size_t n)
{
    size_t o = 0;
    if (n)
        buf[0] = '\0';
    for (int i = 0; i < s->n && o < n; i++) {
        char one[256];
        at_flow_expected(&s->runs[i], one, sizeof one);
        int w = snprintf(buf + o, n - o, "%s%s: %s", i ? " | " : "", s->runs[i].f->name, one);
        if (w < 0)
            break;
        o += (size_t)w;
    }
    return buf;
}
