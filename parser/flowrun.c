/* parser/flowrun.c — see flowrun.h. */
#include "parser/flowrun.h"

#include <stdio.h>
#include <string.h>

void at_flow_start(struct at_flow_run *r, const struct gram_flow *f, const struct gram_dialect *d)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->d = d;
    r->live = 1; /* position 0: nothing seen yet */
    r->last_atom = -1;
}

int at_flow_atom_of_urc(const struct gram_flow *f, const struct gram_line *urc)
{
    for (uint16_t i = 0; i < f->n_atoms; i++)
        if (f->atoms[i].kind == GA_URC &&
            (f->atoms[i].urc == urc || (urc && f->atoms[i].urc && f->atoms[i].urc->tpl.ops == urc->tpl.ops)))
            return i;
    return -1;
}

int at_flow_atom_reboot(const struct gram_flow *f)
{
    for (uint16_t i = 0; i < f->n_atoms; i++)
        if (f->atoms[i].kind == GA_REBOOT)
            return i;
    return -1;
}

/* Positions the dialect leaves on. */
static uint64_t positions_on(const struct gram_flow *f, const struct gram_dialect *d)
{
    uint64_t on = 1;
    for (int p = 1; p <= f->n_pos; p++)
        if (!d || gram_guard_ok(d, f->pos_guard[p]))
            on |= 1ull << p;
    return on;
}

static uint64_t next_set(const struct gram_flow *f, const struct gram_dialect *d, uint64_t live,
                         int atom)
{
    uint64_t nx = 0;
    for (int p = 0; p <= f->n_pos; p++)
        if (live >> p & 1)
            nx |= f->follow[p];
    uint64_t mask = 0;
    for (int p = 1; p <= f->n_pos; p++)
        if (f->pos_atom[p] == atom)
            mask |= 1ull << p;
    return nx & mask & positions_on(f, d);
}

enum at_flow_verdict at_flow_step(struct at_flow_run *r, int atom, const struct gram_line *urc,
                                  const struct at_value *fields)
{
    const struct gram_flow *f = r->f;
    if (atom < 0 || atom >= f->n_atoms)
        return AT_FLOW_NOT_MINE;
    uint64_t nx = next_set(f, r->d, r->live, atom);
    if (!nx)
        return AT_FLOW_ORDER;
    /* field rules */
    unsigned k = 0;
    for (uint16_t i = 0; i < f->n_checks; i++) {
        const struct gram_flow_check *ck = &f->checks[i];
        if (ck->kind != GCK_NONDECREASING)
            continue;
        unsigned slot = k++;
        if (slot >= 8)
            break;
        if (r->d && !gram_guard_ok(r->d, ck->guard))
            continue;
        if (f->atoms[atom].kind == GA_REBOOT && ck->reset_on_reboot) {
            r->have_value[slot] = false;
            continue;
        }
        if (!urc || !fields || ck->urc == NULL ||
            !(ck->urc == urc || ck->urc->tpl.ops == urc->tpl.ops))
            continue;
        const struct at_value *v = &fields[ck->field];
        if (v->kind == AT_V_ABSENT || !v->is_int)
            continue;
        if (r->have_value[slot] && v->i < r->last_value[slot]) {
            r->broken = ck;
            r->seen = v->i;
            r->before = r->last_value[slot];
            return AT_FLOW_DECREASE;
        }
        r->last_value[slot] = v->i;
        r->have_value[slot] = true;
    }
    r->live = nx;
    r->events++;
    r->last_atom = (int16_t)atom;
    if (f->outcome && f->outcome[atom])
        r->outcome = f->outcome[atom];
    uint64_t onward = 0;
    for (int p = 0; p <= f->n_pos; p++)
        if (nx >> p & 1)
            onward |= f->follow[p];
    r->ended = (onward & positions_on(f, r->d)) == 0;
    return AT_FLOW_ACCEPTED;
}

bool at_flow_can_end(const struct at_flow_run *r)
{
    return (r->live & r->f->accept & positions_on(r->f, r->d)) != 0;
}

bool at_flow_finished(const struct at_flow_run *r)
{
    return r->ended;
}

bool at_flow_only_restart_next(const struct at_flow_run *r)
{
    const struct gram_flow *f = r->f;
    uint64_t nx = 0;
    for (int p = 0; p <= f->n_pos; p++)
        if (r->live >> p & 1)
            nx |= f->follow[p];
    nx &= positions_on(f, r->d);
    for (int p = 1; p <= f->n_pos; p++)
        if ((nx >> p & 1) && f->atoms[f->pos_atom[p]].kind != GA_REBOOT)
            return false;
    return true;
}

char *at_flow_expected(const struct at_flow_run *r, char *buf, size_t n)
{
    const struct gram_flow *f = r->f;
    uint64_t nx = 0;
    for (int p = 0; p <= f->n_pos; p++)
        if (r->live >> p & 1)
            nx |= f->follow[p];
    nx &= positions_on(f, r->d);
    size_t o = 0;
    buf[0] = '\0';
    bool seen[256] = {false};
    for (int p = 1; p <= f->n_pos && o < n; p++) {
        if (!(nx >> p & 1))
            continue;
        uint16_t a = f->pos_atom[p];
        if (a < 256 && seen[a])
            continue;
        if (a < 256)
            seen[a] = true;
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", f->atoms[a].name);
    }
    if (at_flow_can_end(r) && o < n)
        snprintf(buf + o, n - o, "%s(end)", o ? ", " : "");
    return buf;
}
