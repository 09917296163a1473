/* parser/bytes.h — byte helpers of the parser's hot path: finding the first control byte
 * (< 0x20, or 0x7f) 16 bytes at a time with SSE2 (the framer finds line ends and garbage in
 * one pass with it, the validator refuses control bytes), and comparing the short strings
 * of line keys and template literals without a library call. */
#ifndef OTACHECK_PARSER_BYTES_H
#define OTACHECK_PARSER_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static inline size_t at_scan_ctl(const uint8_t *p, size_t n)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i lim = _mm_set1_epi8(0x1f);
    const __m128i del = _mm_set1_epi8(0x7f);
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(x, lim), x);
        __m128i d = _mm_cmpeq_epi8(x, del);
        int m = _mm_movemask_epi8(_mm_or_si128(low, d));
        if (m)
            return i + (size_t)__builtin_ctz((unsigned)m);
    }
#endif
    for (; i < n; i++)
        if (p[i] < 0x20 || p[i] == 0x7f)
            return i;
    return n;
}

/* a[0..n) == b[0..n)? Most keys and literals are a few bytes: a loop beats a call. */
static inline bool at_bytes_eq(const void *a, const void *b, size_t n)
{
    if (n > 16)
        return memcmp(a, b, n) == 0;
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return false;
    return true;
}

/* How often needle[0..m) occurs in hay[0..n) (overlaps counted; 0 when m is 0). The
 * masking checks compare such counts: a masked text must hold a credential fewer times
 * than the text it masks, since the same characters may stand elsewhere for their own
 * reasons. */
static inline size_t at_count(const void *hay, size_t n, const void *needle, size_t m)
{
    size_t k = 0;
    const uint8_t *h = (const uint8_t *)hay;
    for (size_t i = 0; m && i + m <= n; i++)
        if (memcmp(h + i, needle, m) == 0)
            k++;
    return k;
}

#endif
