/* cli/bench.h — benchmark inputs and runs (`otacheck bench`). */
#ifndef OTACHECK_CLI_BENCH_H
#define OTACHECK_CLI_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "grammar/model.h"

int bench_make_stream(const struct gram_vendor *const *vs, size_t nv, const char *path,
                      uint64_t bytes, uint64_t seed, double payload_share);
int bench_make_commands(const struct gram_vendor *const *vs, size_t nv, const char *path,
                        uint64_t lines, uint64_t seed);
/* `otacheck bench latency ...` (argv[0] is "latency"). Returns an exit status. */
int bench_latency(int argc, char **argv);

#endif
