/* fuzz/stream_check.h — the oracle of the stream targets (framer, payload): module output
 * read through the reference parser (framer, classifier, payload mode) must give the same
 * events whatever the read sizes — once whole, once in pseudo-random chunks drawn from the
 * input itself — and every event must be well formed: inside the stream, payload pieces
 * contiguous and adding up to the announced length. */
#ifndef OTACHECK_FUZZ_STREAM_CHECK_H
#define OTACHECK_FUZZ_STREAM_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "parser/index.h"

/* Aborts (FZ_CHECK) on a broken invariant. carry: the framer's buffer size (small values
 * reach the overflow paths with small inputs). Returns the number of events. */
size_t fz_check_stream(const struct at_index *ix, const uint8_t *data, size_t size, size_t carry);

#endif
