/* parser/crosscheck.h — grammar checks that need the parser: two URCs (or a URC and a
 * final result) whose texts overlap so that one line reads as both; write forms whose
 * rules no line can satisfy; forms whose longest valid line exceeds the vendor's
 * max-line. Sample lines come from parser/gen.h. */
#ifndef OTACHECK_PARSER_CROSSCHECK_H
#define OTACHECK_PARSER_CROSSCHECK_H

#include "common/diag.h"
#include "grammar/model.h"

void at_crosscheck_vendor(const struct gram_vendor *v, const struct gram_dialect *d,
                          struct oc_diag *out);

#endif
