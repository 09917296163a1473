/* grammar/dump.c — see dump.h. */
#include "grammar/dump.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *pos_json(struct gram_pos p)
{
    char b[512];
    snprintf(b, sizeof b, "%s:%u:%u", p.file ? p.file : "?", p.line, p.col);
    return json_string(b);
}

static json_t *guard_json(const struct gram_vendor *v, struct gram_guard g)
{
    if (!g.knob)
        return json_null();
    const struct gram_knob *k = &v->knobs[g.knob - 1];
    json_t *ch = json_array();
    for (uint16_t i = 0; i < k->n_choices; i++)
        if (g.choices >> i & 1)
            json_array_append_new(ch, json_string(k->choices[i].id));
    return json_pack("{s:s, s:o}", "knob", k->name, "choices", ch);
}

static json_t *type_json(const struct gram_vendor *v, const struct gram_type *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "kind", json_string(gram_type_kind_name(t->kind)));
    if (t->kind == GT_INT || t->kind == GT_MASK) {
        json_t *items = json_array();
        for (uint16_t i = 0; i < t->n_items; i++) {
            const struct gram_int_item *it = &t->ints[i];
            json_t *x = json_object();
            if (it->lo != INT64_MIN)
                json_object_set_new(x, t->kind == GT_MASK ? "bit" : "min", json_integer(it->lo));
            if (t->kind == GT_INT && it->hi != INT64_MAX)
                json_object_set_new(x, "max", json_integer(it->hi));
            if (it->label)
                json_object_set_new(x, "label", json_string(it->label));
            if (it->guard.knob)
                json_object_set_new(x, "when", guard_json(v, it->guard));
            json_array_append_new(items, x);
        }
        json_object_set_new(o, "values", items);
        if (t->codes)
            json_object_set_new(o, "codes", json_string(t->codes));
    } else if (t->kind == GT_STRING) {
        json_object_set_new(o, "min_len", json_integer(t->min_len));
        if (t->max_len)
            json_object_set_new(o, "max_len", json_integer(t->max_len));
        static const char *const cs[] = {"any", "hex", "digits", "printable"};
        json_object_set_new(o, "charset", json_string(cs[t->charset & 3]));
    } else if (t->kind == GT_ENUM) {
        json_t *items = json_array();
        for (uint16_t i = 0; i < t->n_items; i++) {
            json_t *x = json_pack("{s:s}", "text", t->enums[i].text);
            if (t->enums[i].label)
                json_object_set_new(x, "label", json_string(t->enums[i].label));
            if (t->enums[i].guard.knob)
                json_object_set_new(x, "when", guard_json(v, t->enums[i].guard));
            json_array_append_new(items, x);
        }
        json_object_set_new(o, "values", items);
        if (t->nocase)
            json_object_set_new(o, "nocase", json_true());
    } else if (t->kind == GT_LIST && t->list_of_name) {
        json_object_set_new(o, "of", json_string(t->list_of_name));
    }
    if (t->kind == GT_STRING || t->kind == GT_ENUM || t->kind == GT_ANY) {
        static const char *const q[] = {"default", "quoted", "optional", "bare"};
        json_object_set_new(o, "quoting", json_string(q[t->quoting & 3]));
    }
    return o;
}

static json_t *param_json(const struct gram_vendor *v, const struct gram_param *p)
{
    json_t *o = json_pack("{s:s, s:o}", "name", p->name, "type", type_json(v, &p->type));
    if (p->has_default)
        json_object_set_new(o, "default", json_string(p->def_text ? p->def_text : ""));
    if (p->secret)
        json_object_set_new(o, "secret", json_true());
    return o;
}

static json_t *rules_json(const struct gram_rule *r, uint16_t n)
{
    json_t *a = json_array();
    for (uint16_t i = 0; i < n; i++) {
        json_t *x = json_pack("{s:s}", "rule", r[i].text ? r[i].text : "");
        if (r[i].message)
            json_object_set_new(x, "message", json_string(r[i].message));
        json_object_set_new(x, "at", pos_json(r[i].pos));
        json_array_append_new(a, x);
    }
    return a;
}

static json_t *line_json(const struct gram_vendor *v, const struct gram_line *l)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(l->name));
    json_object_set_new(o, "template", json_string(l->tpl.text));
    json_t *fields = json_array();
    for (uint16_t i = 0; i < l->tpl.n_fields; i++)
        json_array_append_new(fields, param_json(v, &l->tpl.fields[i]));
    json_object_set_new(o, "fields", fields);
    if (l->n_rules)
        json_object_set_new(o, "rules", rules_json(l->rules, l->n_rules));
    if (l->guard.knob)
        json_object_set_new(o, "when", guard_json(v, l->guard));
    if (l->kind == GL_FINAL)
        json_object_set_new(o, "outcome", json_string(l->outcome == GO_OK ? "ok" : "error"));
    if (l->payload_field >= 0) {
        json_object_set_new(o, "payload_length_field", json_string(l->tpl.fields[l->payload_field].name));
        json_object_set_new(o, "payload_encoding",
                            json_string(l->payload_enc_knob ? v->knobs[l->payload_enc_knob - 1].name
                                        : l->payload_enc == GPE_HEX ? "hex" : "raw"));
        if (l->payload_crlf_guard.knob)
            json_object_set_new(o, "payload_crlf_when", guard_json(v, l->payload_crlf_guard));
    }
    json_t *flags = json_array();
    static const struct { uint16_t bit; const char *name; } fl[] = {
        {GLF_FALLBACK, "fallback"}, {GLF_BOOT, "boot"}, {GLF_REPEAT, "repeat"},
        {GLF_OPTIONAL, "optional"}, {GLF_ON_ERROR, "on-error"}, {GLF_ON_OK, "on-ok"}, {GLF_NO_TERM, "unterminated"}};
    for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
        if (l->flags & fl[i].bit)
            json_array_append_new(flags, json_string(fl[i].name));
    json_object_set_new(o, "flags", flags);
    if (l->doc)
        json_object_set_new(o, "doc", json_string(l->doc));
    json_object_set_new(o, "at", pos_json(l->pos));
    return o;
}

static json_t *form_json(const struct gram_vendor *v, const struct gram_form *f)
{
    json_t *o = json_object();
    json_object_set_new(o, "form", json_string(gram_form_kind_name(f->kind)));
    if (f->variant)
        json_object_set_new(o, "variant", json_string(f->variant));
    json_object_set_new(o, "class", json_string(gram_class_name(gram_form_class(f))));
    uint32_t t = gram_form_time_ms(f);
    json_object_set_new(o, "max_response_ms", t ? json_integer(t) : json_null());
    json_t *params = json_array();
    for (uint16_t i = 0; i < f->n_params; i++)
        json_array_append_new(params, param_json(v, &f->params[i]));
    json_object_set_new(o, "params", params);
    json_t *counts = json_array();
    for (int i = 0; i < 64; i++)
        if (f->counts >> i & 1)
            json_array_append_new(counts, json_integer(i));
    json_object_set_new(o, "param_counts", counts);
    json_object_set_new(o, "rules", rules_json(f->rules, f->n_rules));
    json_t *infos = json_array();
    for (uint16_t i = 0; i < f->n_infos; i++)
        json_array_append_new(infos, line_json(v, &f->infos[i]));
    json_object_set_new(o, "responses", infos);
    json_t *finals = json_array();
    for (uint16_t i = 0; i < v->n_finals; i++)
        if (f->finals >> i & 1)
            json_array_append_new(finals, json_string(v->finals[i].name));
    if (f->final_silence)
        json_array_append_new(finals, json_string("silence"));
    json_object_set_new(o, "finals", finals);
    if (f->n_starts) {
        json_t *st = json_array();
        for (uint8_t i = 0; i < f->n_starts; i++)
            json_array_append_new(st, json_string(f->starts[i]->name));
        json_object_set_new(o, "starts_flows", st);
    }
    if (f->may_refuse)
        json_object_set_new(o, "may_refuse", json_string(f->may_refuse));
    if (f->in_states && v->machine) {
        json_t *st = json_array();
        for (uint8_t s = 0; s < v->machine->n_states; s++)
            if (f->in_states >> s & 1)
                json_array_append_new(st, json_string(v->machine->states[s]));
        json_object_set_new(o, "in_states", st);
    }
    json_object_set_new(o, "at", pos_json(f->pos));
    return o;
}

void *gram_vendor_json(const struct gram_vendor *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(v->id));
    json_object_set_new(o, "name", json_string(v->name));
    json_object_set_new(o, "file", json_string(v->file));
    json_object_set_new(o, "revision", json_integer(v->revision));
    json_t *src = json_array();
    for (uint16_t i = 0; i < v->n_sources; i++) {
        const struct gram_source *s = &v->sources[i];
        json_array_append_new(src, json_pack("{s:s, s:o, s:o, s:o, s:o}", "title", s->title,
                                             "version", str_or_null(s->version), "date",
                                             str_or_null(s->date), "url", str_or_null(s->url),
                                             "seed", str_or_null(s->seed)));
    }
    json_object_set_new(o, "sources", src);
    json_object_set_new(o, "max_response_ms", v->response_time_ms ? json_integer(v->response_time_ms) : json_null());
    json_object_set_new(o, "echo", json_boolean(v->echo));
    json_object_set_new(o, "max_line", v->max_line ? json_integer(v->max_line) : json_string("auto"));
    json_t *errs = json_array();
    if (v->error_forms & GEF_ERROR)
        json_array_append_new(errs, json_string("ERROR"));
    if (v->error_forms & GEF_CME)
        json_array_append_new(errs, json_string("+CME ERROR"));
    if (v->error_forms & GEF_TEXT)
        json_array_append_new(errs, json_string("text then ERROR"));
    json_object_set_new(o, "errors", errs);
    json_t *knobs = json_array();
    for (uint8_t k = 0; k < v->n_knobs; k++) {
        const struct gram_knob *kn = &v->knobs[k];
        json_t *ch = json_array();
        json_t *def = json_array();
        for (uint16_t i = 0; i < kn->n_choices; i++) {
            json_array_append_new(ch, json_pack("{s:s, s:s, s:o}", "id", kn->choices[i].id, "text",
                                                kn->choices[i].text, "source",
                                                str_or_null(kn->choices[i].source)));
            if (kn->default_mask >> i & 1)
                json_array_append_new(def, json_string(kn->choices[i].id));
        }
        json_array_append_new(knobs, json_pack("{s:s, s:s, s:o, s:o, s:o}", "name", kn->name,
                                               "question", kn->question, "choices", ch, "default",
                                               def, "why", str_or_null(kn->default_why)));
    }
    json_object_set_new(o, "dialect", knobs);
    json_t *codes = json_array();
    for (uint16_t i = 0; i < v->n_codes; i++) {
        json_t *items = json_array();
        for (uint16_t k = 0; k < v->codes[i].n_codes; k++)
            json_array_append_new(items, json_pack("{s:I, s:s, s:o}", "code", (json_int_t)v->codes[i].codes[k].value,
                                                   "meaning", v->codes[i].codes[k].meaning, "kind",
                                                   str_or_null(v->codes[i].codes[k].kind)));
        json_array_append_new(codes, json_pack("{s:s, s:o}", "name", v->codes[i].name, "codes", items));
    }
    json_object_set_new(o, "codes", codes);
    json_t *finals = json_array();
    for (uint16_t i = 0; i < v->n_finals; i++)
        json_array_append_new(finals, line_json(v, &v->finals[i]));
    json_object_set_new(o, "finals", finals);
    json_t *cmds = json_array();
    for (uint16_t i = 0; i < v->n_commands; i++) {
        const struct gram_command *c = &v->commands[i];
        json_t *forms = json_array();
        for (uint16_t j = 0; j < c->n_forms; j++)
            json_array_append_new(forms, form_json(v, &c->forms[j]));
        json_t *x = json_pack("{s:s, s:b, s:o}", "name", c->name, "basic", c->basic, "forms", forms);
        if (c->doc)
            json_object_set_new(x, "doc", json_string(c->doc));
        if (c->prereq)
            json_object_set_new(x, "prerequisite", json_string(c->prereq));
        json_array_append_new(cmds, x);
    }
    json_object_set_new(o, "commands", cmds);
    json_t *urcs = json_array();
    for (uint16_t i = 0; i < v->n_urcs; i++)
        json_array_append_new(urcs, line_json(v, &v->urcs[i]));
    json_object_set_new(o, "urcs", urcs);
    if (v->machine) {
        const struct gram_machine *m = v->machine;
        json_t *st = json_array();
        for (uint8_t s = 0; s < m->n_states; s++)
            json_array_append_new(st, json_string(m->states[s]));
        json_t *tr = json_array();
        for (uint16_t t = 0; t < m->n_tr; t++) {
            json_t *from = json_array();
            for (uint8_t s = 0; s < m->n_states; s++)
                if (m->tr[t].from >> s & 1)
                    json_array_append_new(from, json_string(m->states[s]));
            json_array_append_new(tr, json_pack("{s:s, s:o, s:s}", "event", m->tr[t].text, "from",
                                                from, "to", m->states[m->tr[t].to]));
        }
        json_object_set_new(o, "machine", json_pack("{s:s, s:o, s:s, s:o}", "name", m->name,
                                                    "states", st, "initial",
                                                    m->states[m->initial], "transitions", tr));
    }
    json_t *flows = json_array();
    for (uint16_t i = 0; i < v->n_flows; i++) {
        const struct gram_flow *f = &v->flows[i];
        json_t *checks = json_array();
        for (uint16_t k = 0; k < f->n_checks; k++)
            json_array_append_new(checks, json_string(f->checks[k].text));
        json_t *ok = json_array(), *fail = json_array();
        for (uint16_t a = 0; a < f->n_atoms; a++) {
            if (f->outcome[a] == GO_OK)
                json_array_append_new(ok, json_string(f->atoms[a].name));
            else if (f->outcome[a] == GO_ERROR)
                json_array_append_new(fail, json_string(f->atoms[a].name));
        }
        json_t *limits = json_array();
        for (uint16_t k = 0; k < f->n_limits; k++)
            json_array_append_new(limits, json_pack("{s:s, s:I}", "after",
                                                    f->limits[k].atom >= 0 ? f->atoms[f->limits[k].atom].name : "any",
                                                    "within_ms", (json_int_t)f->limits[k].ms));
        json_array_append_new(flows, json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                                               "name", f->name, "events", f->expr ? f->expr : "",
                                               "started_by", str_or_null(f->start_cmd ? f->start_cmd->name : NULL),
                                               "checks", checks, "ok", ok, "fail", fail, "limits", limits,
                                               "stall_ms", f->stall_ms ? json_integer(f->stall_ms) : json_null(),
                                               "total_ms", f->total_ms ? json_integer(f->total_ms) : json_null(),
                                               "settle_ms", f->settle_ms ? json_integer(f->settle_ms) : json_null(),
                                               "doc", str_or_null(f->doc)));
    }
    json_object_set_new(o, "flows", flows);
    json_t *exs = json_array();
    for (uint16_t i = 0; i < v->n_examples; i++) {
        const struct gram_example *e = &v->examples[i];
        json_t *steps = json_array();
        for (uint16_t k = 0; k < e->n_steps; k++) {
            const struct gram_step *s = &e->steps[k];
            if (s->dir == GS_REBOOT)
                json_array_append_new(steps, json_pack("{s:s}", "dir", "reboot"));
            else if (s->dir == GS_PAYLOAD)
                json_array_append_new(steps, json_pack("{s:s, s:i}", "dir", "payload", "bytes", (int)s->len));
            else
                json_array_append_new(steps, json_pack("{s:s, s:s%}", "dir", s->dir == GS_SEND ? "send" : "recv",
                                                       "text", s->text, (size_t)s->len));
        }
        json_array_append_new(exs, json_pack("{s:s, s:o, s:o}", "title", e->title, "source",
                                             str_or_null(e->source), "steps", steps));
    }
    json_object_set_new(o, "examples", exs);
    return o;
}

int gram_dump_json(const struct gram_vendor *const *vs, size_t n, const char *out)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_integer(1));
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, gram_vendor_json(vs[i]));
    json_object_set_new(root, "vendors", arr);
    int r;
    if (out)
        r = json_dump_file(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    else {
        r = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
    }
    json_decref(root);
    if (r != 0)
        fprintf(stderr, "otacheck grammar dump: cannot write %s\n", out ? out : "stdout");
    return r == 0 ? 0 : -1;
}
