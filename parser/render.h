/* parser/render.h — writes a line of the grammar (an information response, a URC, a final
 * result) with given field values: how the reference module speaks, in the canonical form
 * of its dialect (the first active choice of the colon-space knob). */
#ifndef OTACHECK_PARSER_RENDER_H
#define OTACHECK_PARSER_RENDER_H

#include <stdbool.h>
#include <stddef.h>

#include "grammar/model.h"
#include "parser/match.h"

/* One field's value: its text without quotes (the renderer quotes string fields whose type
 * wants quotes; a field of type any is written as given, quotes included). NULL text: the
 * field is absent, and so is the optional group holding it. */
struct at_rval {
    const char *text;
};

/* Returns the length written to out (NUL-terminated), or 0 when a field that is not in an
 * optional group has no value, or out is too small. */
size_t at_render_line(const struct gram_line *l, const struct at_line_ctx *c,
                      const struct at_rval *vals, char *out, size_t cap);

/* The same with the values given by field name: "name=value" pairs, a NULL-terminated
 * list; fields not named are absent. */
size_t at_render_named(const struct gram_line *l, const struct at_line_ctx *c,
                       const char *const *pairs, char *out, size_t cap);

/* The V.250 list that announces the values of an int type: (0-1), (0,2,4-6). */
size_t at_render_list(const struct gram_type *t, const struct gram_dialect *d, char *out, size_t cap);

#endif
