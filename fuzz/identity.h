/* fuzz/identity.h — what a module prints for its own reasons, so that a fuzzer's made-up
 * credential that happens to be part of it is not taken for a leak: its identity (the
 * lines ATI and AT+CGMR answer) and the words of its grammar. The device fuzzer and
 * fuzz_session judge leaks with these same two functions. */
#ifndef OTACHECK_FUZZ_IDENTITY_H
#define OTACHECK_FUZZ_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "harness/session.h"

/* Asks the module ATI and AT+CGMR and keeps their information lines in out, one per line
 * ("" when it answers neither). The exchanges go into the session's log like any other.
 * false: one of them got no final result in time (its answer may still come). */
bool fz_identity_learn(struct hx_session *s, char *out, size_t cap);

/* Whether every credential sent (of 3 bytes or more) that stands in text is part of the
 * identity or a word of the grammar; false when text holds none. */
bool fz_leak_explained(const struct hx_session *s, const char *identity, const char *text);

#endif
