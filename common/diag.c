/* common/diag.c — see diag.h. */
#include "common/diag.h"
#include "common/xalloc.h"

#include <stdlib.h>
#include <string.h>

void oc_diag_init(struct oc_diag *d)
{
    memset(d, 0, sizeof *d);
}

void oc_diag_clear(struct oc_diag *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
        free(d->v[i].code);
    }
    d->n = 0;
    d->errors = d->warnings = 0;
}

void oc_diag_free(struct oc_diag *d)
{
    oc_diag_clear(d);
    free(d->v);
    memset(d, 0, sizeof *d);
}

static char *dup_or_null(const char *s)
{
    return s ? oc_xstrdup(s) : NULL;
}

void oc_diag_addv(struct oc_diag *d, enum oc_severity sev, const char *file, unsigned line,
                  unsigned col, const char *code, const char *fmt, va_list ap)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        d->v = oc_xrealloc(d->v, cap * sizeof *d->v);
        d->cap = cap;
    }
    char buf[1024];
    vsnprintf(buf, sizeof buf, fmt, ap);
    struct oc_diag_entry *e = &d->v[d->n++];
    e->sev = sev;
    e->file = dup_or_null(file ? file : "<input>");
    e->line = line;
    e->col = col;
    e->msg = dup_or_null(buf);
    e->code = dup_or_null(code);
    if (sev == OC_SEV_ERROR)
        d->errors++;
    else if (sev == OC_SEV_WARNING)
        d->warnings++;
}

void oc_diag_add(struct oc_diag *d, enum oc_severity sev, const char *file, unsigned line,
                 unsigned col, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    oc_diag_addv(d, sev, file, line, col, code, fmt, ap);
    va_end(ap);
}

static const char *sev_name(enum oc_severity s)
{
    switch (s) {
    case OC_SEV_NOTE: return "note";
    case OC_SEV_WARNING: return "warning";
    case OC_SEV_ERROR: return "error";
    }
    return "?";
}

char *oc_diag_format(const struct oc_diag_entry *e, char *buf, size_t n)
{
    if (e->code)
        snprintf(buf, n, "%s:%u:%u: %s: %s [%s]", e->file, e->line, e->col, sev_name(e->sev),
                 e->msg, e->code);
    else
        snprintf(buf, n, "%s:%u:%u: %s: %s", e->file, e->line, e->col, sev_name(e->sev), e->msg);
    return buf;
}

void oc_diag_print(const struct oc_diag *d, FILE *out)
{
    char buf[1400];
    for (size_t i = 0; i < d->n; i++)
        fprintf(out, "%s\n", oc_diag_format(&d->v[i], buf, sizeof buf));
}
