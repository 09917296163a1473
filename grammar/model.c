/* grammar/model.c — lookups over a loaded grammar, names of enums, and the active
 * dialect (which choice of each knob is in force). */
#include "grammar/model.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *gram_form_kind_name(enum gram_form_kind k)
{
    switch (k) {
    case GF_TEST: return "test";
    case GF_READ: return "read";
    case GF_WRITE: return "write";
    case GF_EXEC: return "exec";
    }
    return "?";
}

const char *gram_class_name(enum gram_class c)
{
    switch (c) {
    case GC_UNSET: return "unset";
    case GC_QUERY: return "query";
    case GC_CONFIG: return "config";
    case GC_DESTRUCTIVE: return "destructive";
    }
    return "?";
}

const char *gram_type_kind_name(enum gram_type_kind k)
{
    switch (k) {
    case GT_INT: return "int";
    case GT_MASK: return "mask";
    case GT_STRING: return "string";
    case GT_ENUM: return "enum";
    case GT_TEXT: return "text";
    case GT_LIST: return "list";
    case GT_ANY: return "any";
    }
    return "?";
}

const struct gram_vendor *gram_set_vendor(const struct gram_set *s, const char *id)
{
    for (size_t i = 0; i < s->n_vendors; i++)
        if (strcmp(s->vendors[i]->id, id) == 0)
            return s->vendors[i];
    if (s->core && strcmp(s->core->id, id) == 0)
        return s->core;
    return NULL;
}

const struct gram_command *gram_vendor_command(const struct gram_vendor *v, const char *name)
{
    for (uint16_t i = 0; i < v->n_commands; i++)
        if (strcasecmp(v->commands[i].name, name) == 0)
            return &v->commands[i];
    return NULL;
}

const struct gram_line *gram_vendor_urc(const struct gram_vendor *v, const char *name)
{
    for (uint16_t i = 0; i < v->n_urcs; i++)
        if (strcmp(v->urcs[i].name, name) == 0)
            return &v->urcs[i];
    return NULL;
}

const struct gram_line *gram_vendor_final(const struct gram_vendor *v, const char *name)
{
    for (uint16_t i = 0; i < v->n_finals; i++)
        if (strcmp(v->finals[i].name, name) == 0)
            return &v->finals[i];
    return NULL;
}

const struct gram_flow *gram_vendor_flow(const struct gram_vendor *v, const char *name)
{
    for (uint16_t i = 0; i < v->n_flows; i++)
        if (strcmp(v->flows[i].name, name) == 0)
            return &v->flows[i];
    return NULL;
}

int gram_vendor_knob(const struct gram_vendor *v, const char *name)
{
    for (uint8_t i = 0; i < v->n_knobs; i++)
        if (strcmp(v->knobs[i].name, name) == 0)
            return i + 1;
    return 0;
}

int gram_knob_choice(const struct gram_knob *k, const char *id)
{
    for (uint16_t i = 0; i < k->n_choices; i++)
        if (strcmp(k->choices[i].id, id) == 0)
            return i;
    return -1;
}

int gram_machine_state(const struct gram_machine *m, const char *name)
{
    for (uint8_t i = 0; i < m->n_states; i++)
        if (strcmp(m->states[i], name) == 0)
            return i;
    return -1;
}

const struct gram_form *gram_command_form(const struct gram_command *c, enum gram_form_kind k,
                                          const char *variant)
{
    for (uint16_t i = 0; i < c->n_forms; i++) {
        const struct gram_form *f = &c->forms[i];
        if (f->kind != k)
            continue;
        if (!variant || (f->variant && strcmp(f->variant, variant) == 0))
            return f;
    }
    return NULL;
}

int gram_form_param(const struct gram_form *f, const char *name)
{
    for (uint16_t i = 0; i < f->n_params; i++)
        if (strcmp(f->params[i].name, name) == 0)
            return i;
    return -1;
}

int gram_line_field(const struct gram_line *l, const char *name)
{
    for (uint16_t i = 0; i < l->tpl.n_fields; i++)
        if (strcmp(l->tpl.fields[i].name, name) == 0)
            return i;
    return -1;
}

bool gram_form_final_allowed(const struct gram_form *f, unsigned i, const struct gram_dialect *d)
{
    if (i >= GRAM_MAX_FINALS || !(f->finals >> i & 1))
        return false;
    const struct gram_vendor *v = f->cmd ? f->cmd->vendor : NULL;
    if (v && d && (v->error_finals >> i & 1))
        return gram_guard_ok(d, v->error_final_guard[i]);
    return true;
}

uint32_t gram_form_time_ms(const struct gram_form *f)
{
    if (f->time_ms)
        return f->time_ms;
    if (f->cmd && f->cmd->time_ms)
        return f->cmd->time_ms;
    if (f->cmd && f->cmd->vendor)
        return f->cmd->vendor->response_time_ms;
    return 0;
}

enum gram_class gram_form_class(const struct gram_form *f)
{
    if (f->cls != GC_UNSET)
        return f->cls;
    if (f->kind == GF_TEST || f->kind == GF_READ)
        return GC_QUERY;
    if (f->cmd && f->cmd->cls != GC_UNSET)
        return f->cmd->cls;
    return GC_UNSET;
}

void gram_dialect_default(struct gram_dialect *d, const struct gram_vendor *v)
{
    memset(d, 0, sizeof *d);
    d->vendor = v;
    for (uint8_t i = 0; i < v->n_knobs; i++)
        d->active[i + 1] = v->knobs[i].default_mask;
}

int gram_dialect_set(struct gram_dialect *d, const char *spec, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    if (!eq) {
        snprintf(err, errlen, "'%s': write knob=choice (or knob=any)", spec);
        return -1;
    }
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(eq - spec), spec);
    int k = gram_vendor_knob(d->vendor, name);
    if (!k) {
        snprintf(err, errlen, "vendor '%s' has no dialect knob '%s'", d->vendor->id, name);
        return -1;
    }
    const struct gram_knob *kn = &d->vendor->knobs[k - 1];
    uint16_t mask = 0;
    const char *s = eq + 1;
    if (strcmp(s, "any") == 0) {
        mask = (uint16_t)((1u << kn->n_choices) - 1);
    } else {
        while (*s) {
            const char *e = s + strcspn(s, "|,");
            char id[64];
            snprintf(id, sizeof id, "%.*s", (int)(e - s), s);
            int c = gram_knob_choice(kn, id);
            if (c < 0) {
                char opts[256] = "";
                for (uint16_t i = 0; i < kn->n_choices; i++) {
                    strncat(opts, i ? ", " : "", sizeof opts - strlen(opts) - 1);
                    strncat(opts, kn->choices[i].id, sizeof opts - strlen(opts) - 1);
                }
                snprintf(err, errlen, "knob '%s' has no choice '%s' (choices: %s, or any)", name,
                         id, opts);
                return -1;
            }
            mask |= (uint16_t)(1u << c);
            s = *e ? e + 1 : e;
        }
    }
    if (!mask) {
        snprintf(err, errlen, "'%s': no choice given", spec);
        return -1;
    }
    d->active[k] = mask;
    return 0;
}

const char *gram_dialect_describe(const struct gram_dialect *d, int k, char *buf, size_t n)
{
    const struct gram_knob *kn = &d->vendor->knobs[k - 1];
    size_t o = (size_t)snprintf(buf, n, "%s=", kn->name);
    bool first = true;
    for (uint16_t i = 0; i < kn->n_choices && o < n; i++)
        if (d->active[k] >> i & 1) {
            o += (size_t)snprintf(buf + o, n - o, "%s%s", first ? "" : "|", kn->choices[i].id);
            first = false;
        }
    return buf;
}

bool gram_int_allowed(const struct gram_type *t, const struct gram_dialect *d, int64_t v)
{
    if (t->n_items == 0)
        return true;
    for (uint16_t i = 0; i < t->n_items; i++) {
        const struct gram_int_item *it = &t->ints[i];
        if (v >= it->lo && v <= it->hi && (!d || gram_guard_ok(d, it->guard)))
            return true;
    }
    return false;
}

bool gram_int_bounds(const struct gram_type *t, const struct gram_dialect *d, int64_t *lo,
                     int64_t *hi)
{
    if (t->n_items == 0) {
        *lo = INT64_MIN;
        *hi = INT64_MAX;
        return true;
    }
    bool any = false;
    for (uint16_t i = 0; i < t->n_items; i++) {
        const struct gram_int_item *it = &t->ints[i];
        if (d && !gram_guard_ok(d, it->guard))
            continue;
        if (!any || it->lo < *lo)
            *lo = it->lo;
        if (!any || it->hi > *hi)
            *hi = it->hi;
        any = true;
    }
    return any;
}

uint64_t gram_mask_bits(const struct gram_type *t, const struct gram_dialect *d)
{
    uint64_t m = 0;
    for (uint16_t i = 0; i < t->n_items; i++)
        if (!d || gram_guard_ok(d, t->ints[i].guard))
            m |= 1ull << t->ints[i].lo;
    return m;
}

static bool enum_has(const struct gram_type *t, const char *val)
{
    for (uint16_t k = 0; t->kind == GT_ENUM && k < t->n_items; k++)
        if (strcasecmp(t->enums[k].text, val) == 0)
            return true;
    return false;
}

bool gram_vendor_code_meaning(const struct gram_vendor *v, const char *text, size_t n)
{
    for (; v; v = v->core != v ? v->core : NULL)
        for (uint16_t i = 0; i < v->n_codes; i++)
            for (uint16_t k = 0; k < v->codes[i].n_codes; k++) {
                const char *m = v->codes[i].codes[k].meaning;
                if (m && strlen(m) == n && strncasecmp(m, text, n) == 0)
                    return true;
            }
    return false;
}

bool gram_vendor_mentions(const struct gram_vendor *v, const char *text)
{
    for (; v; v = v->core != v ? v->core : NULL) {
        for (uint16_t i = 0; i < v->n_commands; i++)
            for (uint16_t j = 0; j < v->commands[i].n_forms; j++) {
                const struct gram_form *f = &v->commands[i].forms[j];
                for (uint16_t k = 0; k < f->n_params; k++)
                    if (enum_has(&f->params[k].type, text))
                        return true;
                for (uint16_t k = 0; k < f->n_infos; k++)
                    if (strcasestr(f->infos[k].tpl.text, text))
                        return true;
            }
        for (uint16_t i = 0; i < v->n_urcs; i++)
            if (strcasestr(v->urcs[i].tpl.text, text))
                return true;
        for (uint16_t i = 0; i < v->n_finals; i++)
            if (strcasestr(v->finals[i].tpl.text, text))
                return true;
        for (uint16_t i = 0; i < v->n_codes; i++)
            for (uint16_t k = 0; k < v->codes[i].n_codes; k++)
                if (v->codes[i].codes[k].meaning && strcasestr(v->codes[i].codes[k].meaning, text))
                    return true;
    }
    return false;
}
