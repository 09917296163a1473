/* grammar/lint.c — see lint.h. */
#include "grammar/lint.h"

#include <stdio.h>
#include <string.h>

#define ERR(pos, code, ...) oc_diag_add(out, OC_SEV_ERROR, (pos).file, (pos).line, (pos).col, code, __VA_ARGS__)
#define WARN(pos, code, ...) oc_diag_add(out, OC_SEV_WARNING, (pos).file, (pos).line, (pos).col, code, __VA_ARGS__)
#define NOTE(pos, code, ...) oc_diag_add(out, OC_SEV_NOTE, (pos).file, (pos).line, (pos).col, code, __VA_ARGS__)

static bool atom_on(const struct gram_flow *f, int p, const struct gram_dialect *d)
{
    const struct gram_atom *a = &f->atoms[f->pos_atom[p]];
    if (!gram_guard_ok(d, f->pos_guard[p]))
        return false;
    return a->kind == GA_REBOOT || !a->urc || gram_guard_ok(d, a->urc->guard);
}

uint64_t gram_flow_live_positions(const struct gram_flow *f, const struct gram_dialect *d,
                                  uint64_t *reachable)
{
    uint64_t on = 1; /* position 0 */
    for (int p = 1; p <= f->n_pos; p++)
        if (atom_on(f, p, d))
            on |= 1ull << p;
    /* forward: reachable from 0 */
    uint64_t reach = 1, prev = 0;
    while (reach != prev) {
        prev = reach;
        for (int p = 0; p <= f->n_pos; p++)
            if (reach >> p & 1)
                reach |= f->follow[p] & on;
    }
    /* backward: positions from which an accepting one is reachable */
    uint64_t co = f->accept & on, cprev = 0;
    while (co != cprev) {
        cprev = co;
        for (int p = 0; p <= f->n_pos; p++)
            if ((on >> p & 1) && (f->follow[p] & co))
                co |= 1ull << p;
    }
    if (reachable)
        *reachable = reach;
    return co;
}

static void lint_flow(const struct gram_vendor *v, const struct gram_flow *f,
                      const struct gram_dialect *d, struct oc_diag *out)
{
    uint64_t reach;
    uint64_t co = gram_flow_live_positions(f, d, &reach);
    if (!(co & 1)) {
        ERR(f->pos, "flow-never-ends",
            "flow '%s' can never end: no sequence of its events (under this dialect) reaches its end",
            f->name);
        return;
    }
    for (int p = 1; p <= f->n_pos; p++)
        if ((reach >> p & 1) && !(co >> p & 1))
            ERR(f->pos, "flow-stuck", "flow '%s' can get stuck after '%s': no way on to its end from there",
                f->name, f->atoms[f->pos_atom[p]].name);
    for (uint16_t a = 0; a < f->n_atoms; a++) {
        const struct gram_atom *at = &f->atoms[a];
        if (at->kind == GA_URC && at->urc && !gram_guard_ok(d, at->urc->guard))
            NOTE(f->pos, "flow-event-off", "flow '%s': event '%s' is switched off by the dialect",
                 f->name, at->name);
    }
    /* a loop or a wait with no limit means the harness might wait forever */
    bool loops = false;
    for (int p = 0; p <= f->n_pos; p++)
        if (f->follow[p])
            loops = true;
    if (loops && !f->stall_ms && !f->total_ms)
        ERR(f->pos, "flow-unbounded",
            "flow '%s' has no time limit: give it 'stall <time>' or 'total <time>' so no wait is unbounded",
            f->name);
    if (!f->start_cmd)
        WARN(f->pos, "flow-no-start", "flow '%s' is started by no command ('start +CMD' or 'starts %s' on a form)",
             f->name, f->name);
    bool any_outcome = false;
    for (uint16_t a = 0; a < f->n_atoms; a++)
        if (f->outcome && f->outcome[a])
            any_outcome = true;
    if (!any_outcome)
        WARN(f->pos, "flow-no-outcome", "flow '%s' says of none of its events that it ends in success ('ok') or failure ('fail')",
             f->name);
    /* an end reached without passing any event marked ok or fail: such a run has no
     * outcome (positions reachable from the start through events without one) */
    if (any_outcome) {
        uint64_t plain = 1, prev = 0;
        while (plain != prev) {
            prev = plain;
            for (int p = 0; p <= f->n_pos; p++)
                if (plain >> p & 1)
                    for (int q = 1; q <= f->n_pos; q++)
                        if ((f->follow[p] >> q & 1) && !f->outcome[f->pos_atom[q]])
                            plain |= 1ull << q;
        }
        for (int p = 1; p <= f->n_pos; p++)
            if ((plain & f->accept) >> p & 1) {
                NOTE(f->pos, "flow-no-outcome",
                     "flow '%s' can end after '%s' without passing any event marked ok or fail",
                     f->name, f->atoms[f->pos_atom[p]].name);
                break;
            }
    }
    (void)v;
}

static void mark_guard(bool *used, struct gram_guard g)
{
    if (g.knob)
        used[g.knob] = true;
}

static void mark_type(bool *used, const struct gram_type *t)
{
    if (t->kind == GT_INT || t->kind == GT_MASK)
        for (uint16_t i = 0; i < t->n_items; i++)
            mark_guard(used, t->ints[i].guard);
    if (t->kind == GT_ENUM)
        for (uint16_t i = 0; i < t->n_items; i++)
            mark_guard(used, t->enums[i].guard);
}

static void mark_rules(bool *used, const struct gram_rule *r, uint16_t n)
{
    for (uint16_t i = 0; i < n; i++)
        mark_guard(used, r[i].guard);
    for (uint16_t i = 0; i < n; i++)
        for (uint8_t k = 0; k < r[i].n_cons; k++)
            if (r[i].cons[k].kind == GCONS_TYPE)
                mark_type(used, &r[i].cons[k].type);
}

static void mark_line(bool *used, const struct gram_line *l)
{
    mark_guard(used, l->guard);
    mark_guard(used, l->payload_crlf_guard);
    if (l->payload_enc_knob)
        used[l->payload_enc_knob] = true;
    for (uint16_t i = 0; i < l->tpl.n_fields; i++)
        mark_type(used, &l->tpl.fields[i].type);
    mark_rules(used, l->rules, l->n_rules);
}

static bool type_empty(const struct gram_type *t, const struct gram_dialect *d)
{
    if ((t->kind == GT_INT || t->kind == GT_MASK) && t->n_items) {
        for (uint16_t i = 0; i < t->n_items; i++)
            if (gram_guard_ok(d, t->ints[i].guard))
                return false;
        return true;
    }
    if (t->kind == GT_ENUM) {
        for (uint16_t i = 0; i < t->n_items; i++)
            if (gram_guard_ok(d, t->enums[i].guard))
                return false;
        return true;
    }
    return false;
}

void gram_lint_vendor(const struct gram_vendor *v, const struct gram_dialect *d, struct oc_diag *out)
{
    if (!v->n_sources)
        WARN(v->pos, "no-source", "vendor '%s' names no source document", v->id);
    if (!v->response_time_ms)
        NOTE(v->pos, "no-response-time",
             "vendor '%s' documents no maximum response time: no time rule is checked, the harness still bounds its waits",
             v->id);
    bool used[GRAM_MAX_KNOBS + 1] = {false};
    if (v->colon_space_knob)
        used[v->colon_space_knob] = true;
    if (v->trailing_space_knob)
        used[v->trailing_space_knob] = true;
    for (uint16_t i = 0; i < v->n_commands; i++) {
        const struct gram_command *c = &v->commands[i];
        for (uint16_t j = 0; j < c->n_forms; j++) {
            const struct gram_form *f = &c->forms[j];
            for (uint16_t k = 0; k < f->n_params; k++) {
                mark_type(used, &f->params[k].type);
                if (type_empty(&f->params[k].type, d))
                    ERR(f->params[k].pos, "empty-range",
                        "%s parameter '%s' allows no value under this dialect", c->name,
                        f->params[k].name);
            }
            mark_rules(used, f->rules, f->n_rules);
            for (uint16_t k = 0; k < f->n_infos; k++)
                mark_line(used, &f->infos[k]);
            if (f->kind == GF_WRITE && f->counts == 0)
                ERR(f->pos, "bad-signature", "%s write form takes no parameter count at all", c->name);
        }
    }
    for (uint16_t i = 0; i < v->n_urcs; i++)
        mark_line(used, &v->urcs[i]);
    for (uint16_t i = 0; i < v->n_finals; i++) {
        mark_line(used, &v->finals[i]);
        mark_guard(used, v->error_final_guard[i]);
    }
    for (uint16_t i = 0; i < v->n_flows; i++) {
        for (int p = 1; p <= v->flows[i].n_pos; p++)
            mark_guard(used, v->flows[i].pos_guard[p]);
        for (uint16_t k = 0; k < v->flows[i].n_checks; k++) {
            mark_guard(used, v->flows[i].checks[k].guard);
            for (uint8_t q = 0; q < v->flows[i].checks[k].n_values; q++)
                mark_guard(used, v->flows[i].checks[k].value_guards[q]);
        }
        lint_flow(v, &v->flows[i], d, out);
    }
    for (uint8_t k = 1; k <= v->n_knobs; k++)
        if (!used[k])
            NOTE(v->knobs[k - 1].pos, "knob-unused",
                 "dialect knob '%s' records a documented disagreement but no grammar item depends on it "
                 "(the suite accepts either way)",
                 v->knobs[k - 1].name);
    /* states nothing leads to */
    const struct gram_machine *m = v->machine;
    if (m) {
        uint32_t reach = 1u << m->initial, prev = 0;
        while (reach != prev) {
            prev = reach;
            for (uint16_t t = 0; t < m->n_tr; t++)
                if (m->tr[t].from & reach)
                    reach |= 1u << m->tr[t].to;
        }
        for (uint8_t s = 0; s < m->n_states; s++)
            if (!(reach >> s & 1))
                WARN(m->pos, "state-unreachable", "machine '%s': no event leads to state '%s'",
                     m->name, m->states[s]);
    }
    /* URCs no flow or machine uses are fine (URCs arrive on their own), finals too. */
}
