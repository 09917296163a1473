/* server/ota_faults.h — the named faults of `otacheck serve`, as one table: each fault's
 * name, its argument (meaning and default), what it breaks and what it does. The table is
 * what --list-faults prints (in its order), what --fault and a /fault/<spec>/ path are
 * parsed against, and what decides each image response (an ota_plan). */
#ifndef OTACHECK_SERVER_OTA_FAULTS_H
#define OTACHECK_SERVER_OTA_FAULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define OTA_NONE UINT64_MAX   /* no such offset: nothing cut, stalled or flipped */
#define OTA_MAX_FAULTS 16     /* in one --fault list or one /fault/<spec>/ path */
#define OTA_FAULT_SPEC_MAX 64 /* the text of one fault, NAME[=ARG] */

/* What one image response does: the range the request asked for, then its faults. */
struct ota_plan {
    unsigned status;     /* 200, 206, 302, 404, 416, 500 */
    bool range_asked;    /* the request had a Range this server reads */
    uint64_t image_len;
    uint64_t off, len;   /* the part of the image the body carries */
    int64_t claim_delta; /* Content-Length = len + claim_delta (never below 0) */
    uint64_t cut;        /* the connection closes after this many body bytes, or OTA_NONE */
    bool reset;          /* ... reset (RST) instead */
    uint64_t stall_at;   /* after this many body bytes, nothing for stall_s, then closed */
    double stall_s;
    uint64_t corrupt_at; /* the image offset whose byte is sent inverted, or OTA_NONE */
    double rate;         /* bytes per second of the body; 0: as fast as it goes */
};

enum ota_arg_kind {
    OTA_ARG_NONE,    /* takes no argument */
    OTA_ARG_BYTES,   /* a count or an offset, 0 and up */
    OTA_ARG_DELTA,   /* a signed count: +1000, -10 */
    OTA_ARG_SECONDS, /* seconds, a fraction allowed, above 0 and up to 3600 */
    OTA_ARG_RATE,    /* bytes per second, 1 and up */
};

struct ota_fault;
struct ota_fault_def {
    const char *name;
    enum ota_arg_kind kind;
    const char *arg;      /* the argument's name (BYTES), NULL when it takes none */
    const char *arg_help; /* what the argument is, and its default */
    const char *breaks;   /* what a client must cope with */
    const char *what;     /* what the server does */
    int phase;            /* 0: chooses the answer (status, range); 1: shapes the body */
    void (*apply)(struct ota_plan *p, const struct ota_fault *f);
};

/* One fault as given: its row, and its argument if one was given. */
struct ota_fault {
    const struct ota_fault_def *def;
    bool has_arg;
    int64_t n;     /* BYTES, DELTA, RATE */
    double s;      /* SECONDS */
    char spec[OTA_FAULT_SPEC_MAX]; /* NAME[=ARG] as given, for the log */
};

extern const struct ota_fault_def ota_fault_table[];
extern const size_t ota_fault_count;

/* Reads "NAME[=ARG]" (len bytes of spec). 0, or -1 with the reason in err. */
int ota_fault_parse(const char *spec, size_t len, struct ota_fault *out, char *err, size_t errlen);
/* A list of faults separated by sep ("slow=100000,truncate=5000"). 0 with *n set, or -1. */
int ota_fault_parse_list(const char *list, size_t len, char sep, struct ota_fault *out, size_t max,
                         size_t *n, char *err, size_t errlen);
/* The fault names, separated by ", ", into buf. */
void ota_fault_names(char *buf, size_t size);
/* The table, in its order: a text table, or a Markdown one (README). */
void ota_fault_list(FILE *out, bool markdown);

/* The plan of an image response: the request's range (already resolved into p by the
 * caller: status, off, len, range_asked), then each fault of phase 0, then of phase 1. */
void ota_plan_apply(struct ota_plan *p, const struct ota_fault *faults, size_t n);
/* The faults as text for the log ("slow=200000,truncate"), into buf. */
void ota_fault_specs(const struct ota_fault *faults, size_t n, char *buf, size_t size);

#endif
