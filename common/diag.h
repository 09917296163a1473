/* common/diag.h — diagnostics in the form "file:line:col: severity: what is wrong", as the
 * grammar loader and the linter report them. A caller-owned list; messages are formatted
 * once, when reported. */
#ifndef OTACHECK_COMMON_DIAG_H
#define OTACHECK_COMMON_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum oc_severity { OC_SEV_NOTE, OC_SEV_WARNING, OC_SEV_ERROR };

struct oc_diag_entry {
    enum oc_severity sev;
    char *file;       /* owned */
    unsigned line, col;
    char *msg;        /* owned */
    char *code;       /* short machine-readable tag ("undefined-name"), owned, may be NULL */
};

struct oc_diag {
    struct oc_diag_entry *v;
    size_t n, cap;
    size_t errors, warnings;
};

void oc_diag_init(struct oc_diag *d);
void oc_diag_free(struct oc_diag *d);
void oc_diag_clear(struct oc_diag *d);

#if defined(__GNUC__)
#define OC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OC_PRINTF(a, b)
#endif

void oc_diag_add(struct oc_diag *d, enum oc_severity sev, const char *file, unsigned line,
                 unsigned col, const char *code, const char *fmt, ...) OC_PRINTF(7, 8);
void oc_diag_addv(struct oc_diag *d, enum oc_severity sev, const char *file, unsigned line,
                  unsigned col, const char *code, const char *fmt, va_list ap);

/* "file:line:col: error: msg [code]" — one line per entry. */
void oc_diag_print(const struct oc_diag *d, FILE *out);
/* Formats one entry into buf (always NUL-terminated); returns buf. */
char *oc_diag_format(const struct oc_diag_entry *e, char *buf, size_t n);

#endif
