/* reports/formats.c — the descriptors of the report formats, built from the one table of
 * reports/formats.h, and what reads them by name: --format's parsing and message, the list
 * of names for usage texts. */
#include <stdio.h>
#include <string.h>

#include "reports/report_internal.h"

const struct rp_format_desc rp_formats[RP_N_FORMATS] = {
#define RP_FORMAT_DESC(id, name, file, writer, anchors, in_all, live) \
    {RP_##id, name, file, writer, anchors, in_all, live},
    RP_FORMAT_TABLE(RP_FORMAT_DESC)
#undef RP_FORMAT_DESC
};

const struct rp_format_desc *rp_format_of(enum rp_format f)
{
    for (size_t i = 0; i < RP_N_FORMATS; i++)
        if (rp_formats[i].bit == f)
            return &rp_formats[i];
    return NULL;
}

const char *rp_format_names(char *buf, size_t n, const char *sep, bool files)
{
    size_t used = 0;
    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i < RP_N_FORMATS && used < n; i++) {
        int k = snprintf(buf + used, n - used, "%s%s", i ? sep : "",
                         files ? rp_formats[i].file : rp_formats[i].name);
        used += k > 0 ? (size_t)k : 0;
    }
    return buf;
}

unsigned rp_parse_formats(const char *list, char *err, size_t errlen)
{
    char known[256];
    rp_format_names(known, sizeof known, ", ", false);
    unsigned mask = 0;
    const char *p = list ? list : "";
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *next = p[n] ? p + n + 1 : p + n;
        while (n && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        unsigned bit = n == 3 && strncmp(p, "all", 3) == 0 ? RP_ALL_FORMATS : 0;
        for (size_t i = 0; i < RP_N_FORMATS; i++)
            if (n == strlen(rp_formats[i].name) && strncmp(p, rp_formats[i].name, n) == 0)
                bit = rp_formats[i].bit;
        if (!bit) {
            snprintf(err, errlen, "unknown report format '%.*s' (known: %s, all)", (int)n, p, known);
            return 0;
        }
        mask |= bit;
        p = next;
    }
    if (!mask)
        snprintf(err, errlen, "no report format given (known: %s, all)", known);
    return mask;
}
