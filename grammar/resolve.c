/* grammar/resolve.c — the loader's last pass over one vendor: turns the names written in
 * the file (flows a form starts, states a command is accepted in, URCs a flow or a
 * machine refers to, commands a flow check reads) into pointers, fills in defaults (the
 * final results a form allows, safety classes) and builds the flows' automata. Every
 * name that does not resolve is an error with its position. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/load_internal.h"

static uint32_t state_mask(struct gload *L, const char *names, struct gram_pos pos)
{
    const struct gram_machine *m = L->v->machine;
    if (!m) {
        gload_err(L, pos.line, pos.col, "undefined-name",
                  "states are named but vendor '%s' declares no 'machine'", L->v->id);
        return 0;
    }
    uint32_t mask = 0;
    const char *s = names;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        const char *buf = oc_arena_strndup(L->A, s, n); /* a name of any length */
        int i = gram_machine_state(m, buf);
        if (i < 0)
            gload_err(L, pos.line, pos.col, "undefined-name", "machine '%s' has no state '%s'",
                      m->name, buf);
        else
            mask |= 1u << i;
        s += n;
        if (*s == ',')
            s++;
    }
    return mask;
}

static void resolve_rules(struct gload *L, struct gram_rule *rules, uint16_t n, uint32_t *in_states)
{
    for (uint16_t i = 0; i < n; i++)
        for (uint8_t j = 0; j < rules[i].n_cons; j++) {
            struct gram_cons *c = &rules[i].cons[j];
            if (c->kind != GCONS_STATE)
                continue;
            c->states = state_mask(L, c->state_names, rules[i].pos);
            if (rules[i].n_conds == 0 && in_states)
                *in_states = c->states;
        }
}

static int final_index(const struct gram_vendor *v, const char *name)
{
    for (uint16_t i = 0; i < v->n_finals; i++)
        if (strcmp(v->finals[i].name, name) == 0)
            return i;
    return -1;
}

static void resolve_finals(struct gload *L)
{
    struct gram_vendor *v = L->v;
    v->error_finals = v->ok_finals = 0;
    for (uint16_t i = 0; i < v->n_finals; i++) {
        v->finals[i].id = i;
        if (v->finals[i].vendor == NULL)
            v->finals[i].vendor = v;
    }
    int ok = final_index(v, "OK");
    if (ok >= 0)
        v->ok_finals |= 1u << ok;
    if (v->error_forms & (GEF_ERROR | GEF_TEXT)) {
        int e = final_index(v, "ERROR");
        if (e < 0 && !v->is_core)
            gload_err(L, v->pos.line, v->pos.col, "undefined-name",
                      "vendor '%s' reports errors with ERROR, but no final result is named ERROR "
                      "(did you forget 'use core'?)",
                      v->id);
        else if (e >= 0) {
            v->error_finals |= 1u << e;
            v->error_final_guard[e] = (v->error_forms & GEF_ERROR) ? L->errors_guard[0] : L->errors_guard[2];
        }
    }
    if (v->error_forms & GEF_CME) {
        int e = final_index(v, "CME-ERROR");
        if (e < 0 && !v->is_core)
            gload_err(L, v->pos.line, v->pos.col, "undefined-name",
                      "vendor '%s' reports +CME ERROR, but no final result is named CME-ERROR",
                      v->id);
        else if (e >= 0) {
            v->error_finals |= 1u << e;
            v->error_final_guard[e] = L->errors_guard[1];
        }
    }
}

static bool form_starts(const struct gram_form *fm, const struct gram_flow *f)
{
    for (uint8_t i = 0; i < fm->n_starts; i++)
        if (fm->starts[i] == f)
            return true;
    return false;
}

static const struct gram_form *start_form_of(const struct gram_command *c, const struct gram_flow *f)
{
    for (uint16_t i = 0; i < c->n_forms; i++)
        if (form_starts(&c->forms[i], f))
            return &c->forms[i];
    for (uint16_t i = 0; i < c->n_forms; i++)
        if (c->forms[i].kind == GF_WRITE || c->forms[i].kind == GF_EXEC)
            return &c->forms[i];
    return NULL;
}

static void resolve_commands(struct gload *L)
{
    struct gram_vendor *v = L->v;
    for (uint16_t i = 0; i < v->n_commands; i++) {
        struct gram_command *c = &v->commands[i];
        bool from_core = c->vendor && c->vendor->is_core && !v->is_core;
        if (!from_core)
            c->vendor = v;
        if (c->n_forms == 0)
            gload_err(L, c->pos.line, c->pos.col, "empty-command",
                      "command %s has no forms (test, read, write, exec)", c->name);
        for (uint16_t j = 0; j < c->n_forms; j++) {
            struct gram_form *f = &c->forms[j];
            f->cmd = c;
            /* the vendor's error finals are known only now */
            if (f->finals & (1u << 31))
                f->finals = (f->finals & ~(1u << 31)) | v->error_finals;
            else if (f->finals == 0 && !f->final_silence)
                f->finals = v->ok_finals | v->error_finals;
            if (from_core) {
                /* core forms that took the core's defaults take this vendor's */
                continue;
            }
            resolve_rules(L, f->rules, f->n_rules, &f->in_states);
            for (uint16_t k = 0; k < f->n_infos; k++) {
                struct gram_line *ln = &f->infos[k];
                ln->vendor = v;
                ln->id = k;
                resolve_rules(L, ln->rules, ln->n_rules, NULL);
            }
            for (const char *sn = f->starts_names; sn && *sn;) {
                size_t len = strcspn(sn, ",");
                const char *name = oc_arena_strndup(L->A, sn, len); /* a name of any length */
                const struct gram_flow *fl = gram_vendor_flow(v, name);
                if (!fl)
                    gload_err(L, f->pos.line, f->pos.col, "undefined-name",
                              "%s %s starts an unknown flow '%s'", c->name,
                              gram_form_kind_name(f->kind), name);
                else if (f->n_starts < GRAM_MAX_STARTS)
                    f->starts[f->n_starts++] = fl;
                else
                    gload_err(L, f->pos.line, f->pos.col, "too-many",
                              "%s %s starts more than %d flows", c->name,
                              gram_form_kind_name(f->kind), GRAM_MAX_STARTS);
                sn += len;
                if (*sn == ',')
                    sn++;
            }
            enum gram_class cls = gram_form_class(f);
            if (cls == GC_UNSET && !v->is_core)
                gload_err(L, f->pos.line, f->pos.col, "no-class",
                          "%s %s has no safety class: say 'class query', 'class config' or "
                          "'class destructive' on the command or the form",
                          c->name, gram_form_kind_name(f->kind));
            if (f->n_starts && cls != GC_DESTRUCTIVE && cls != GC_CONFIG)
                gload_warn(L, f->pos.line, f->pos.col, "class",
                           "%s %s starts flow '%s' but is not classed destructive", c->name,
                           gram_form_kind_name(f->kind), f->starts[0]->name);
        }
        if (from_core) {
            /* core command forms were copied when the vendor said 'use core': give them
             * this vendor's defaults now that its finals are known. */
            for (uint16_t j = 0; j < c->n_forms; j++) {
                const struct gram_form *cf = NULL;
                for (uint16_t k = 0; k < v->core->n_commands; k++)
                    if (strcmp(v->core->commands[k].name, c->name) == 0)
                        cf = &v->core->commands[k].forms[j];
                if (cf && cf->finals == (v->core->ok_finals | v->core->error_finals))
                    c->forms[j].finals = v->ok_finals | v->error_finals;
            }
            c->vendor = v;
        }
    }
}

static void resolve_lines(struct gload *L)
{
    struct gram_vendor *v = L->v;
    for (uint16_t i = 0; i < v->n_urcs; i++) {
        struct gram_line *u = &v->urcs[i];
        u->id = i;
        if (!u->vendor || !u->vendor->is_core || v->is_core) {
            u->vendor = v;
            resolve_rules(L, u->rules, u->n_rules, NULL);
        }
    }
}

/* Parses "1" or "1,2" or "\"KEY\"" against a command's write form into conditions. */
static bool command_event(struct gload *L, struct gram_transition *tr, const struct gtr_pending *tp)
{
    const struct gram_command *c = gram_vendor_command(L->v, tp->event);
    if (!c) {
        gload_err(L, tp->event_pos.line, tp->event_pos.col, "undefined-name",
                  "unknown command %s", tp->event);
        return false;
    }
    tr->kind = GE_COMMAND;
    tr->cmd = c;
    const struct gram_form *f = NULL;
    for (uint16_t i = 0; i < c->n_forms; i++)
        if (c->forms[i].kind == (tp->values ? GF_WRITE : GF_EXEC) && !f)
            f = &c->forms[i];
    if (!f && !tp->values)
        for (uint16_t i = 0; i < c->n_forms; i++)
            if (c->forms[i].kind == GF_WRITE && !f)
                f = &c->forms[i];
    if (!f) {
        gload_err(L, tp->event_pos.line, tp->event_pos.col, "undefined-name",
                  "%s has no %s form", c->name, tp->values ? "write" : "exec");
        return false;
    }
    tr->form = f;
    if (!tp->values)
        return true;
    const char *s = tp->values;
    size_t idx = 0; /* counts empty values too: the text may hold any number of commas */
    while (*s) {
        const char *e = s;
        bool inq = false;
        while (*e && (inq || *e != ',')) {
            if (*e == '"')
                inq = !inq;
            e++;
        }
        if (e > s) {
            if (idx >= f->n_params || tr->n_conds >= GRAM_MAX_CONDS) {
                gload_err(L, tp->event_pos.line, tp->event_pos.col, "bad-event",
                          "%s=%s gives more values than the command takes", c->name, tp->values);
                return false;
            }
            struct gram_cond *cd = &tr->conds[tr->n_conds++];
            memset(cd, 0, sizeof *cd);
            cd->kind = GCOND_EQ;
            cd->field = (int16_t)idx;
            if (*s == '"') {
                cd->is_str = true;
                cd->sval = oc_arena_strndup(L->A, s + 1, (size_t)(e - s - 2));
                cd->slen = (uint32_t)(e - s - 2);
            } else {
                char *end;
                cd->ival = strtoll(s, &end, 10);
                if (end != e) {
                    gload_err(L, tp->event_pos.line, tp->event_pos.col, "bad-event",
                              "'%.*s' is not a number or a quoted string", (int)(e - s), s);
                    return false;
                }
            }
        }
        idx++;
        s = *e ? e + 1 : e;
    }
    return true;
}

static void resolve_machine(struct gload *L)
{
    struct gram_machine *m = L->v->machine;
    if (!m)
        return;
    if (m->n_states == 0) {
        gload_err(L, m->pos.line, m->pos.col, "empty-machine", "machine '%s' has no states",
                  m->name);
        return;
    }
    for (uint16_t i = 0; i < m->n_tr; i++) {
        struct gram_transition *tr = &m->tr[i];
        const struct gtr_pending *tp = &L->tr_pend[i];
        char buf[256];
        snprintf(buf, sizeof buf, "on %s%s%s", tp->event, tp->values ? "=" : "",
                 tp->values ? tp->values : "");
        tr->text = oc_arena_strdup(L->A, buf);
        if (strcmp(tp->event, "reboot") == 0) {
            tr->kind = GE_REBOOT;
        } else if (tp->event[0] == '+' || strcmp(tp->event, "AT") == 0) {
            if (!command_event(L, tr, tp))
                continue;
        } else {
            tr->kind = GE_URC;
            tr->urc = gram_vendor_urc(L->v, tp->event);
            if (!tr->urc) {
                gload_err(L, tp->event_pos.line, tp->event_pos.col, "undefined-name",
                          "machine '%s': unknown URC '%s'", m->name, tp->event);
                continue;
            }
        }
        tr->from = 0;
        for (uint16_t k = 0; k < tp->n_from; k++) {
            if (strcmp(tp->from[k], "*") == 0) {
                tr->from = 0xFFFFFFFFu;
                continue;
            }
            int s = gram_machine_state(m, tp->from[k]);
            if (s < 0)
                gload_err(L, tp->from_pos[k].line, tp->from_pos[k].col, "undefined-name",
                          "machine '%s' has no state '%s'", m->name, tp->from[k]);
            else
                tr->from |= 1u << s;
        }
        int to = gram_machine_state(m, tp->to);
        if (to < 0)
            gload_err(L, tp->to_pos.line, tp->to_pos.col, "undefined-name",
                      "machine '%s' has no state '%s'", m->name, tp->to);
        else
            tr->to = (uint8_t)to;
    }
}

static int atom_by_name(const struct gram_flow *f, const char *name)
{
    for (uint16_t i = 0; i < f->n_atoms; i++)
        if (strcmp(f->atoms[i].name, name) == 0)
            return i;
    return -1;
}

static void resolve_flows(struct gload *L)
{
    struct gram_vendor *v = L->v;
    for (uint16_t i = 0; i < v->n_flows; i++) {
        struct gram_flow *f = &v->flows[i];
        struct gflow_pending *fp = &L->flow_pend[i];
        if (!fp->expr) {
            gload_err(L, f->pos.line, f->pos.col, "empty-flow",
                      "flow '%s' has no events: write '= <events>' under it", f->name);
            continue;
        }
        if (!gload_flow_build(L, f, fp->expr))
            continue;
        /* the command that starts it */
        for (uint16_t k = 0; k < fp->n_start; k++) {
            const struct gram_command *c = gram_vendor_command(v, fp->start_names[k]);
            if (!c) {
                gload_err(L, fp->start_pos[k].line, fp->start_pos[k].col, "undefined-name",
                          "flow '%s' starts with unknown command %s", f->name, fp->start_names[k]);
                continue;
            }
            const struct gram_form *sf = start_form_of(c, f);
            if (k == 0) {
                f->start_cmd = c;
                f->start_form = sf;
                f->start_text = fp->start_names[k];
            }
            /* 'start +CMD' on the flow is 'starts <flow>' on that command's form: one way */
            struct gram_form *wf = (struct gram_form *)sf;
            if (wf && !form_starts(wf, f)) {
                if (wf->n_starts < GRAM_MAX_STARTS)
                    wf->starts[wf->n_starts++] = f;
                else
                    gload_err(L, fp->start_pos[k].line, fp->start_pos[k].col, "too-many",
                              "%s starts more than %d flows", c->name, GRAM_MAX_STARTS);
            }
        }
        if (!f->start_cmd) {
            /* or the first form that says it starts this flow */
            for (uint16_t c = 0; c < v->n_commands && !f->start_cmd; c++)
                for (uint16_t j = 0; j < v->commands[c].n_forms; j++)
                    if (form_starts(&v->commands[c].forms[j], f)) {
                        f->start_cmd = &v->commands[c];
                        f->start_form = &v->commands[c].forms[j];
                        f->start_text = v->commands[c].name;
                        break;
                    }
        }
        f->stall_param = -1;
        if (fp->stall_param) {
            int pi = f->start_form ? gram_form_param(f->start_form, fp->stall_param) : -1;
            const struct gram_param *sp = pi >= 0 ? &f->start_form->params[pi] : NULL;
            if (!sp || sp->type.kind != GT_INT)
                gload_err(L, fp->stall_pos.line, fp->stall_pos.col, "undefined-name",
                          "'stall %s': the form that starts flow '%s' has no int parameter '%s'",
                          fp->stall_param, f->name, fp->stall_param);
            else {
                f->stall_param = (int16_t)pi;
                if (sp->has_default && sp->def_int > 0 && sp->def_int <= UINT32_MAX / 200)
                    f->stall_ms = (uint32_t)sp->def_int * f->stall_factor + f->stall_extra_ms;
            }
        }
        f->outcome = OC_ARENA_ARRAY(L->A, int8_t, f->n_atoms ? f->n_atoms : 1);
        for (uint16_t k = 0; k < fp->n_ok + fp->n_fail; k++) {
            bool ok = k < fp->n_ok;
            const char *name = ok ? fp->ok_atoms[k] : fp->fail_atoms[k - fp->n_ok];
            struct gram_pos p = ok ? fp->ok_pos[k] : fp->fail_pos[k - fp->n_ok];
            int a = atom_by_name(f, name);
            if (a < 0)
                gload_err(L, p.line, p.col, "undefined-name",
                          "'%s' is not an event of flow '%s'", name, f->name);
            else
                f->outcome[a] = ok ? GO_OK : GO_ERROR;
        }
        for (uint16_t k = 0; k < f->n_limits; k++) {
            const char *name = fp->limit_atom[k];
            int a = atom_by_name(f, name);
            if (a < 0)
                gload_err(L, f->limits[k].pos.line, f->limits[k].pos.col, "undefined-name",
                          "'%s' is not an event of flow '%s'", name, f->name);
            f->limits[k].atom = (int16_t)a;
        }
        for (uint16_t k = 0; k < f->n_checks; k++) {
            struct gram_flow_check *ck = &f->checks[k];
            const char *urc = fp->check_urc[k], *field = fp->check_field[k];
            const char *cmd = fp->check_cmd[k], *param = fp->check_param[k];
            if (urc) {
                int a = atom_by_name(f, urc);
                if (a < 0 || f->atoms[a].kind != GA_URC) {
                    gload_err(L, ck->pos.line, ck->pos.col, "undefined-name",
                              "'%s' is not a URC event of flow '%s'", urc, f->name);
                    continue;
                }
                ck->urc = f->atoms[a].urc;
                ck->field = (int16_t)gram_line_field(ck->urc, field);
                if (ck->field < 0) {
                    gload_err(L, ck->pos.line, ck->pos.col, "undefined-name",
                              "URC '%s' has no field '%s'", urc, field);
                    continue;
                }
                enum gram_type_kind tk = ck->urc->tpl.fields[ck->field].type.kind;
                bool want_int = ck->kind == GCK_NONDECREASING || ck->kind == GCK_SIZE || ck->kind == GCK_CRC32;
                if (want_int && tk != GT_INT)
                    gload_err(L, ck->pos.line, ck->pos.col, "bad-check",
                              "%s.%s must be an int field for this check", urc, field);
                if ((ck->kind == GCK_MD5 || ck->kind == GCK_SHA256) && tk != GT_STRING)
                    gload_err(L, ck->pos.line, ck->pos.col, "bad-check",
                              "%s.%s must be a string field holding a hex digest", urc, field);
            }
            if (cmd) {
                ck->cmd = gram_vendor_command(v, cmd);
                if (!ck->cmd) {
                    gload_err(L, ck->pos.line, ck->pos.col, "undefined-name",
                              "unknown command %s", cmd);
                    continue;
                }
                ck->form = gram_command_form(ck->cmd, GF_WRITE, NULL);
                if (ck->kind == GCK_SIZE || ck->kind == GCK_MD5 || ck->kind == GCK_SHA256 || ck->kind == GCK_CRC32) {
                    bool payload = false;
                    if (ck->form)
                        for (uint16_t q = 0; q < ck->form->n_infos; q++)
                            if (ck->form->infos[q].payload_field >= 0)
                                payload = true;
                    if (!payload)
                        gload_err(L, ck->pos.line, ck->pos.col, "bad-check",
                                  "bytes(%s): that command's responses carry no payload", cmd);
                }
                if (param) {
                    ck->param = ck->form ? (int16_t)gram_form_param(ck->form, param) : -1;
                    if (ck->param < 0)
                        gload_err(L, ck->pos.line, ck->pos.col, "undefined-name",
                                  "%s has no parameter '%s'", cmd, param);
                }
            }
        }
    }
    /* forms that start a flow whose own start is unset */
}

static void build_codes(struct gload *L)
{
    struct gram_vendor *v = L->v;
    for (uint16_t i = 0; i < v->n_codes; i++) {
        struct gram_codes *c = &v->codes[i];
        if (c->items || c->n_codes == 0)
            continue;
        c->items = OC_ARENA_ARRAY(L->A, struct gram_int_item, c->n_codes);
        for (uint16_t k = 0; k < c->n_codes; k++) {
            c->items[k].lo = c->items[k].hi = c->codes[k].value;
            c->items[k].label = c->codes[k].meaning;
        }
    }
}

void gload_resolve_vendor(struct gload *L)
{
    struct gram_vendor *v = L->v;
    if (!v->is_core && !L->saw_use_core)
        gload_warn(L, v->pos.line, v->pos.col, "no-core",
                   "vendor '%s' does not say 'use core': AT, ATE, ATI, AT+CGMR, AT+CMEE and the "
                   "basic result codes will be unknown",
                   v->id);
    for (uint8_t k = 0; k < v->n_knobs; k++) {
        const struct gram_knob *kn = &v->knobs[k];
        if (kn->n_choices < 2)
            gload_err(L, kn->pos.line, kn->pos.col, "bad-knob",
                      "dialect knob '%s' needs at least two choices", kn->name);
        if (kn->default_mask == 0)
            gload_err(L, kn->pos.line, kn->pos.col, "bad-knob",
                      "dialect knob '%s' has no 'default'", kn->name);
    }
    build_codes(L);
    resolve_finals(L);
    resolve_machine(L);
    resolve_lines(L);
    /* flows before commands: a form's 'starts' points into the flows */
    for (uint16_t i = 0; i < v->n_flows; i++)
        v->flows[i].start_cmd = NULL;
    resolve_commands(L);
    resolve_flows(L);
}
