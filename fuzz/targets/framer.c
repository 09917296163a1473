/* fuzz/targets/framer.c — fuzz_framer: arbitrary module output (all five vendors mixed)
 * through the framer, the classifier and the validator of response lines; the same events
 * whatever the read sizes, every event well formed. The carry buffer is small (256 bytes)
 * so that short inputs reach the overflow paths. */
#include "fuzz/fixture.h"
#include "fuzz/fuzz.h"
#include "fuzz/stream_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct fz_fixture *fx = fz_fixture_get();
    fz_check_stream(&fx->all, data, size, 256);
    return 0;
}
