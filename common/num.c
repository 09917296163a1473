/* common/num.c — see num.h. */
#include "common/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum oc_num_status oc_parse_uint(const char *s, unsigned long long min, unsigned long long max,
                                 unsigned long long *out)
{
    if (!s || !*s || strspn(s, "0123456789") != strlen(s))
        return OC_NUM_NOT_A_NUMBER;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end)
        return OC_NUM_NOT_A_NUMBER;
    if (errno == ERANGE || v < min || v > max)
        return OC_NUM_OUT_OF_RANGE;
    *out = v;
    return OC_NUM_OK;
}

enum oc_num_status oc_parse_double(const char *s, double min, double max, bool above_min, double *out)
{
    /* a digit, a sign or a point first: no blanks; then no hex (0x), nan or inf */
    if (!s || !*s || !strchr("0123456789+-.", *s) || strpbrk(s, "xXnNiI"))
        return OC_NUM_NOT_A_NUMBER;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end)
        return OC_NUM_NOT_A_NUMBER;
    if (!isfinite(v))
        return OC_NUM_OUT_OF_RANGE; /* 1e999 */
    if (errno == ERANGE && v != 0)
        return OC_NUM_OUT_OF_RANGE;
    if (v < min || v > max || (above_min && v <= min))
        return OC_NUM_OUT_OF_RANGE;
    *out = v;
    return OC_NUM_OK;
}
