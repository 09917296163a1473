/* fuzz/fuzz.h — the entry points a fuzz target defines (libFuzzer's interface, which
 * AFL++'s libAFLDriver and the replay driver call the same way). */
#ifndef OTACHECK_FUZZ_FUZZ_H
#define OTACHECK_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

#endif
