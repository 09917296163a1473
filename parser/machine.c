/* parser/machine.c — see machine.h. */
#include "parser/machine.h"

#include <string.h>
#include <strings.h>

#include "parser/scan.h"

static bool from_state(const struct gram_transition *t, int state)
{
    return state >= 0 && (t->from >> state & 1);
}

int at_machine_command(const struct gram_machine *m, int state, const struct at_cmd *c,
                       uint8_t escapes, const uint8_t *line)
{
    if (!m || state < 0 || !c->cmd)
        return state;
    for (uint16_t i = 0; i < m->n_tr; i++) {
        const struct gram_transition *t = &m->tr[i];
        if (t->kind != GE_COMMAND || strcasecmp(t->cmd->name, c->cmd->name) != 0 || !from_state(t, state))
            continue;
        /* conditions name parameters of one form: another form of the command does not match */
        if (t->n_conds && (!c->form || (t->form && t->form != c->form)))
            continue;
        bool match = true;
        for (uint8_t k = 0; k < t->n_conds && match; k++)
            match = t->conds[k].field < c->form->n_params &&
                    at_cond_holds(&t->conds[k], c->form->params, c->args, c->n_args, escapes, line);
        if (match)
            return t->to;
    }
    return state;
}

int at_machine_urc(const struct gram_machine *m, int state, const struct gram_line *urc)
{
    if (!m || state < 0 || !urc)
        return state;
    for (uint16_t i = 0; i < m->n_tr; i++) {
        const struct gram_transition *t = &m->tr[i];
        if (t->kind == GE_URC && t->urc && t->urc->tpl.ops == urc->tpl.ops && from_state(t, state))
            return t->to;
    }
    return state;
}

int at_machine_reboot(const struct gram_machine *m, int state)
{
    if (!m)
        return state;
    int to = m->initial;
    for (uint16_t i = 0; i < m->n_tr; i++)
        if (m->tr[i].kind == GE_REBOOT && (state < 0 || from_state(&m->tr[i], state)))
            to = m->tr[i].to;
    return to;
}
