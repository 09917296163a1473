/* grammar/source.c — see source.h. */
#include "grammar/source.h"

#include <stdio.h>

const char *gram_src_kind_name(uint8_t kind)
{
    switch (kind) {
    case GSRC_DOC: return "document";
    case GSRC_STD: return "standard";
    case GSRC_INFERRED: return "inferred";
    default: return "";
    }
}

char *gram_src_describe(struct gram_src s, char *buf, size_t n)
{
    if (s.kind == GSRC_NONE)
        snprintf(buf, n, "%s", "");
    else
        snprintf(buf, n, "%s: %s", gram_src_kind_name(s.kind), s.cite ? s.cite : "");
    return buf;
}

const char *gram_aspect_name(enum gram_aspect a)
{
    static const char *const names[GASP__COUNT] = {"syntax", "values", "min", "max",
                                                   "omit", "quoting", "escape", "charset"};
    return (unsigned)a < GASP__COUNT ? names[a] : "?";
}

static const struct gram_src no_vendor = {GSRC_INFERRED, "no grammar says it"};

struct gram_src gram_src_vendor(const struct gram_vendor *v)
{
    return v && v->src.kind ? v->src : no_vendor;
}

struct gram_src gram_src_command(const struct gram_command *c)
{
    return c->src.kind ? c->src : gram_src_vendor(c->vendor);
}

struct gram_src gram_src_form(const struct gram_form *f)
{
    return f->src.kind ? f->src : gram_src_command(f->cmd);
}

/* What no document usually says, unless the grammar cites one for the parameter. */
static const char *inferred_by_default(enum gram_aspect a)
{
    switch (a) {
    case GASP_MIN:
        return "no document gives a shortest length: whether an empty or short string is taken is the "
               "module's choice";
    case GASP_OMIT:
        return "no document says the value may be left out for its default (V.250 allows it, does not require it)";
    case GASP_QUOTING:
        return "V.250 5.4.2 writes strings in quotes and numbers without; no document says a module must "
               "refuse the other way";
    case GASP_ESCAPE:
        return "V.250 5.4.2.2 describes \\hh escapes in strings; it does not require a module to refuse "
               "other backslashes";
    case GASP_CHARSET:
        return "no document restricts the characters of the string";
    default:
        return NULL;
    }
}

struct gram_src gram_src_param(const struct gram_form *f, int param, enum gram_aspect a)
{
    for (uint16_t i = 0; i < f->n_aspects; i++)
        if (f->aspects[i].param == param && f->aspects[i].aspect == a)
            return f->aspects[i].src;
    const char *why = inferred_by_default(a);
    if (why)
        return gram_src_inferred(why);
    return gram_src_form(f);
}

struct gram_src gram_src_machine(const struct gram_vendor *v)
{
    if (v->machine && v->machine->src.kind)
        return v->machine->src;
    return gram_src_vendor(v);
}

struct gram_src gram_src_rule(const struct gram_form *f, const struct gram_line *l, const struct gram_rule *r)
{
    if (r->src.kind)
        return r->src;
    for (uint8_t i = 0; i < r->n_cons; i++)
        if (r->cons[i].kind == GCONS_STATE && f)
            return gram_src_machine(f->cmd->vendor);
    if (f)
        return gram_src_form(f);
    return l ? gram_src_line(l, NULL) : no_vendor;
}

struct gram_src gram_src_line(const struct gram_line *l, const struct gram_form *owner)
{
    if (l->src.kind)
        return l->src;
    if (owner)
        return gram_src_form(owner);
    return gram_src_vendor(l->vendor);
}

struct gram_src gram_src_field(const struct gram_line *l, const struct gram_form *owner, enum gram_aspect a)
{
    const char *why = inferred_by_default(a);
    if (why)
        return gram_src_inferred(why);
    return gram_src_line(l, owner);
}

struct gram_src gram_src_flow(const struct gram_flow *f, const struct gram_vendor *v)
{
    return f->src.kind ? f->src : gram_src_vendor(v);
}

struct gram_src gram_src_check(const struct gram_flow *f, const struct gram_flow_check *ck,
                               const struct gram_vendor *v)
{
    if (ck->src.kind)
        return ck->src;
    if (ck->kind == GCK_NONDECREASING)
        return gram_src_inferred("no document says the progress never goes down");
    if (ck->kind == GCK_STEP)
        return gram_src_inferred("no document says each read starts where the last one ended");
    return gram_src_flow(f, v);
}

static const struct gram_src no_limit = {GSRC_INFERRED, "no document gives this time limit"};

struct gram_src gram_src_limit(const struct gram_flow_limit *l)
{
    return l->src.kind ? l->src : no_limit;
}

struct gram_src gram_src_stall(const struct gram_flow *f)
{
    return f->stall_src.kind ? f->stall_src : no_limit;
}

struct gram_src gram_src_total(const struct gram_flow *f)
{
    return f->total_src.kind ? f->total_src : no_limit;
}

struct gram_src gram_src_example(const struct gram_example *e, const struct gram_vendor *v)
{
    if (e->source)
        return (struct gram_src){v && v->is_core ? GSRC_STD : GSRC_DOC, e->source};
    return gram_src_vendor(v);
}

struct gram_src gram_src_time(const struct gram_form *f)
{
    return gram_src_form(f);
}
