/* grammar/lint.h — checks of a loaded grammar that need no parser: flows that can never
 * end or could wait forever, events a dialect switches off, knobs nobody uses, states no
 * event reaches, value sets a dialect empties. (Undefined and duplicate names, empty and
 * inverted ranges are the loader's errors; ambiguous URCs and documented examples need
 * the parser: parser/crosscheck.h.) */
#ifndef OTACHECK_GRAMMAR_LINT_H
#define OTACHECK_GRAMMAR_LINT_H

#include "common/diag.h"
#include "grammar/model.h"

void gram_lint_vendor(const struct gram_vendor *v, const struct gram_dialect *d, struct oc_diag *out);

/* Positions of a flow's automaton from which an accepting position can still be reached,
 * with the atoms a dialect turns off left out. Bit p = position p. */
uint64_t gram_flow_live_positions(const struct gram_flow *f, const struct gram_dialect *d,
                                  uint64_t *reachable);

#endif
