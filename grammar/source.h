/* grammar/source.h — where each expectation of the grammar comes from (provenance,
 * DESIGN.md "Verdicts"): a vendor document and its section, a standard clause (V.250,
 * 3GPP TS 27.007 / 27.005), or an inference of otacheck's. An item of the grammar may say
 * it with 'source', 'standard' or 'inferred' (grammar/README.md, "Provenance"); one that
 * does not takes its owner's, and some kinds of expectation are inferred unless the
 * grammar cites a document for them (a shortest length, leaving a value out, refusing a
 * quoted number, a progress that never goes down, a time limit). These functions resolve
 * an item to the source that decides its verdict: only a documented or standard one can
 * make a case FAIL; an inferred one makes it WARN. */
#ifndef OTACHECK_GRAMMAR_SOURCE_H
#define OTACHECK_GRAMMAR_SOURCE_H

#include <stddef.h>

#include "grammar/model.h"

/* "document", "standard", "inferred" ("" for GSRC_NONE). */
const char *gram_src_kind_name(uint8_t kind);
/* "standard: ITU-T V.250 6.2.4" — the kind and the citation. Returns buf. */
char *gram_src_describe(struct gram_src s, char *buf, size_t n);
/* Whether breaking it can FAIL a case (a document or a standard says it). */
static inline bool gram_src_binding(struct gram_src s)
{
    return s.kind == GSRC_DOC || s.kind == GSRC_STD;
}
/* A source of otacheck's own: inferred, for this reason. */
static inline struct gram_src gram_src_inferred(const char *why)
{
    return (struct gram_src){GSRC_INFERRED, why};
}

const char *gram_aspect_name(enum gram_aspect a); /* "values", "min", ... */

struct gram_src gram_src_vendor(const struct gram_vendor *v);
struct gram_src gram_src_command(const struct gram_command *c);
struct gram_src gram_src_form(const struct gram_form *f);
/* One aspect of one parameter of a form (param -1: the form's syntax as a whole). */
struct gram_src gram_src_param(const struct gram_form *f, int param, enum gram_aspect a);
/* A rule of a form (f) or of a line (l); one of them is NULL. */
struct gram_src gram_src_rule(const struct gram_form *f, const struct gram_line *l, const struct gram_rule *r);
/* A response line, URC or final (owner: the form of an info line, or NULL). */
struct gram_src gram_src_line(const struct gram_line *l, const struct gram_form *owner);
/* One aspect of a field of such a line: a shortest length, quoting, escapes and the
 * character set of what a module writes are inferred, as for a parameter. */
struct gram_src gram_src_field(const struct gram_line *l, const struct gram_form *owner, enum gram_aspect a);
/* The vendor's state machine: which states accept which commands. */
struct gram_src gram_src_machine(const struct gram_vendor *v);
/* A flow's order of events, one of its checks, its limits. */
struct gram_src gram_src_flow(const struct gram_flow *f, const struct gram_vendor *v);
struct gram_src gram_src_check(const struct gram_flow *f, const struct gram_flow_check *ck,
                               const struct gram_vendor *v);
struct gram_src gram_src_limit(const struct gram_flow_limit *l);
struct gram_src gram_src_stall(const struct gram_flow *f);
struct gram_src gram_src_total(const struct gram_flow *f);
struct gram_src gram_src_example(const struct gram_example *e, const struct gram_vendor *v);
/* The response-time limit of a form: the form's or command's 'time', or the vendor's
 * 'response-time' (their provenance is the form's unless marked). */
struct gram_src gram_src_time(const struct gram_form *f);

#endif
