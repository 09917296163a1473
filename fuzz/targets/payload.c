/* fuzz/targets/payload.c — fuzz_payload: Quectel output with +QIOTOTARD binary blocks,
 * whose length is a field of the line before them: the framer's payload mode must take
 * exactly the announced bytes, in contiguous pieces, whatever the read sizes — also when
 * the header lies, the data stops short, or text follows where data should be. */
#include <string.h>

#include "fuzz/fixture.h"
#include "fuzz/fuzz.h"
#include "fuzz/stream_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct fz_fixture *fx = fz_fixture_get();
    static int quectel = -2;
    if (quectel == -2)
        quectel = fz_fixture_vendor(fx, "quectel", strlen("quectel"));
    FZ_CHECK(quectel >= 0, "no quectel grammar");
    /* a buffer smaller than a block, so blocks come in pieces */
    fz_check_stream(&fx->one[quectel], data, size, 512);
    return 0;
}
