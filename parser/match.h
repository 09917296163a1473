/* parser/match.h — matches one response line, URC or final result against the template
 * the grammar gives for it, extracting typed fields. A failed match reports the furthest
 * point the line got to and what was expected there. */
#ifndef OTACHECK_PARSER_MATCH_H
#define OTACHECK_PARSER_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grammar/model.h"
#include "parser/scan.h"

/* What matching needs from a vendor and its dialect, worked out once. */
struct at_line_ctx {
    const struct gram_vendor *vendor;
    const struct gram_dialect *d;
    uint8_t escapes;
    bool cs_space, cs_none; /* the space after ':' may be there / may be missing */
};

void at_line_ctx_init(struct at_line_ctx *c, const struct gram_vendor *v,
                      const struct gram_dialect *d);

/* The template's leading literal text only (its discriminator). */
bool at_match_lead(const struct gram_template *t, const struct at_line_ctx *c,
                   const uint8_t *line, size_t len);

/* The same, and where a full match may resume: after the leading literals matched
 * exactly (op index and byte offset). */
bool at_match_lead_at(const struct gram_template *t, const struct at_line_ctx *c,
                      const uint8_t *line, size_t len, uint16_t *resume_op, size_t *resume_pos);

/* The whole line. fields[] gets one value per template field (AT_V_ABSENT for fields of
 * optional groups left out). On failure e says where and why (e->line is not set). */
bool at_match_template(const struct gram_template *t, const struct at_line_ctx *c,
                       const uint8_t *line, size_t len, struct at_value *fields,
                       struct at_verror *e);

/* A whole line against a gram_line: its template, then its rules. */
bool at_match_line(const struct gram_line *l, const struct at_line_ctx *c, const uint8_t *line,
                   size_t len, struct at_value *fields, struct at_verror *e);

/* at_match_line, resuming at a point at_match_lead_at gave. */
bool at_match_line_from(const struct gram_line *l, const struct at_line_ctx *c,
                        const uint8_t *line, size_t len, uint16_t op, size_t pos,
                        struct at_value *fields, struct at_verror *e);

#endif
