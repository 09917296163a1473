/* common/num.h — the one checked reading of a number from text (an option's value, a
 * target spec's option): the whole text is the number, and it is within its bounds. No
 * sign, blank, base prefix or trailing text is taken for an unsigned number; a real number
 * is finite (never nan or inf). The caller says what was wrong in its own words. */
#ifndef OTACHECK_COMMON_NUM_H
#define OTACHECK_COMMON_NUM_H

#include <stdbool.h>

enum oc_num_status {
    OC_NUM_OK = 0,
    OC_NUM_NOT_A_NUMBER = -1, /* empty, not digits, trailing text, nan, inf */
    OC_NUM_OUT_OF_RANGE = -2, /* a number, but outside [min, max] (or overflowing) */
};

/* Decimal digits only, min <= value <= max. */
enum oc_num_status oc_parse_uint(const char *s, unsigned long long min, unsigned long long max,
                                 unsigned long long *out);
/* A finite decimal number (strtod's syntax without leading blanks, hex or nan/inf), within
 * [min, max]; above_min: the value must be strictly above min. */
enum oc_num_status oc_parse_double(const char *s, double min, double max, bool above_min, double *out);

#endif
