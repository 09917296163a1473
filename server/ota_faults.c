/* server/ota_faults.c — the table of `otacheck serve`'s faults, their parsing ("NAME[=ARG]",
 * lists of them) and how each shapes an image response (its apply function). Adding a fault
 * is adding a row and its apply function; --list-faults, --fault, /fault/<spec>/ and the
 * README's table (from --list-faults --markdown) follow. */
#include "server/ota_faults.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t arg_or(const struct ota_fault *f, uint64_t dflt)
{
    return f->has_arg ? (uint64_t)f->n : dflt;
}

static void ap_truncate(struct ota_plan *p, const struct ota_fault *f) { p->cut = arg_or(f, p->len / 2); }
static void ap_reset(struct ota_plan *p, const struct ota_fault *f)
{
    p->cut = arg_or(f, p->len / 2);
    p->reset = true;
}
static void ap_stall(struct ota_plan *p, const struct ota_fault *f)
{
    p->stall_at = p->len / 2;
    p->stall_s = f->has_arg ? f->s : 30;
}
static void ap_wrong_length(struct ota_plan *p, const struct ota_fault *f)
{
    p->claim_delta = f->has_arg ? f->n : 1000;
}
static void ap_404(struct ota_plan *p, const struct ota_fault *f) { (void)f, p->status = 404; }
static void ap_500(struct ota_plan *p, const struct ota_fault *f) { (void)f, p->status = 500; }
static void ap_ignore_range(struct ota_plan *p, const struct ota_fault *f)
{
    (void)f;
    if (p->range_asked && (p->status == 206 || p->status == 416)) {
        p->status = 200;
        p->off = 0;
        p->len = p->image_len;
    }
}
static void ap_range_416(struct ota_plan *p, const struct ota_fault *f)
{
    (void)f;
    if (p->range_asked && p->status == 206)
        p->status = 416;
}
static void ap_corrupt(struct ota_plan *p, const struct ota_fault *f)
{
    p->corrupt_at = arg_or(f, p->image_len / 2);
}
static void ap_redirect(struct ota_plan *p, const struct ota_fault *f) { (void)f, p->status = 302; }
static void ap_slow(struct ota_plan *p, const struct ota_fault *f) { p->rate = (double)arg_or(f, 20000); }

const struct ota_fault_def ota_fault_table[] = {
    {"truncate", OTA_ARG_BYTES, "BYTES", "body bytes sent before the close (default: half the body)",
     "short body", "Content-Length says the whole body; the connection closes after BYTES of it", 1,
     ap_truncate},
    {"reset", OTA_ARG_BYTES, "BYTES", "body bytes sent before the reset (default: half the body)",
     "connection reset", "the connection is reset (RST, SO_LINGER 0) after BYTES of the body", 1, ap_reset},
    {"stall", OTA_ARG_SECONDS, "SECONDS", "how long nothing comes (default: 30; fractions allowed)",
     "stalled transfer", "half the body, then no byte for SECONDS, then the connection closes", 1, ap_stall},
    {"wrong-length", OTA_ARG_DELTA, "DELTA", "added to the body's true length, signed (default: +1000)",
     "Content-Length", "Content-Length is the body's length plus DELTA; more than the body: the body, then "
     "the connection closes; less: only that much of it is sent", 1, ap_wrong_length},
    {"404", OTA_ARG_NONE, NULL, NULL, "status", "404 Not Found for the image", 0, ap_404},
    {"500", OTA_ARG_NONE, NULL, NULL, "status", "500 Internal Server Error for the image", 0, ap_500},
    {"ignore-range", OTA_ARG_NONE, NULL, NULL, "resume",
     "a Range request is answered 200 with the whole image, as by a server without ranges", 0,
     ap_ignore_range},
    {"range-416", OTA_ARG_NONE, NULL, NULL, "resume", "a Range request is answered 416 Range Not Satisfiable",
     0, ap_range_416},
    {"corrupt", OTA_ARG_BYTES, "OFFSET", "the image offset of the byte (default: the middle)", "integrity",
     "the byte at OFFSET of the image is sent inverted (XOR 0xFF): the length is right, the digests are not",
     1, ap_corrupt},
    {"redirect", OTA_ARG_NONE, NULL, NULL, "redirect",
     "302 Found to /nofault/PATH, the same image at another path, served there without a fault", 0,
     ap_redirect},
    {"slow", OTA_ARG_RATE, "BYTES_PER_S", "the link's speed (default: 20000)", "timing",
     "the body comes at BYTES_PER_S, as over a slow link", 1, ap_slow},
};
const size_t ota_fault_count = sizeof ota_fault_table / sizeof ota_fault_table[0];

void ota_fault_names(char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ota_fault_count && at < size; i++) {
        int w = snprintf(buf + at, size - at, "%s%s", i ? ", " : "", ota_fault_table[i].name);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

/* The argument text a of f's row into f; 0, or -1 with why. */
static int parse_arg(struct ota_fault *f, const char *a, char *err, size_t errlen)
{
    const struct ota_fault_def *d = f->def;
    char *end = NULL;
    errno = 0;
    switch (d->kind) {
    case OTA_ARG_NONE: break;
    case OTA_ARG_BYTES:
    case OTA_ARG_RATE: {
        if (a[0] < '0' || a[0] > '9')
            break;
        unsigned long long v = strtoull(a, &end, 10);
        if (errno || *end || v > (1ull << 62) || (d->kind == OTA_ARG_RATE && v == 0))
            break;
        f->n = (int64_t)v;
        return 0;
    }
    case OTA_ARG_DELTA: {
        if (!((a[0] >= '0' && a[0] <= '9') || ((a[0] == '+' || a[0] == '-') && a[1] >= '0' && a[1] <= '9')))
            break;
        long long v = strtoll(a, &end, 10);
        if (errno || *end || v > (1ll << 62) || v < -(1ll << 62))
            break;
        f->n = v;
        return 0;
    }
    case OTA_ARG_SECONDS: {
        double v = strtod(a, &end);
        if (end == a || *end || errno || !isfinite(v) || v <= 0 || v > 3600)
            break;
        f->s = v;
        return 0;
    }
    }
    static const char *const what[] = {
        [OTA_ARG_NONE] = "no argument",
        [OTA_ARG_BYTES] = "a whole number of 0 and up",
        [OTA_ARG_DELTA] = "a whole number with an optional sign (+1000, -10)",
        [OTA_ARG_SECONDS] = "a number of seconds above 0 and up to 3600",
        [OTA_ARG_RATE] = "a whole number of 1 and up",
    };
    if (d->kind == OTA_ARG_NONE)
        snprintf(err, errlen, "fault '%s' takes no argument, got '%s'", d->name, a);
    else
        snprintf(err, errlen, "fault '%s': %s is %s, got '%s'", d->name, d->arg, what[d->kind], a);
    return -1;
}

int ota_fault_parse(const char *spec, size_t len, struct ota_fault *out, char *err, size_t errlen)
{
    char text[OTA_FAULT_SPEC_MAX];
    memset(out, 0, sizeof *out);
    if (len == 0 || len >= sizeof text || memchr(spec, '\0', len)) {
        snprintf(err, errlen, "%s fault", len == 0 ? "an empty" : "an over-long");
        return -1;
    }
    memcpy(text, spec, len);
    text[len] = '\0';
    char *eq = strchr(text, '=');
    if (eq)
        *eq = '\0';
    for (size_t i = 0; i < ota_fault_count; i++) {
        if (strcmp(text, ota_fault_table[i].name) != 0)
            continue;
        out->def = &ota_fault_table[i];
        if (eq && parse_arg(out, eq + 1, err, errlen) != 0)
            return -1;
        out->has_arg = eq != NULL;
        memcpy(out->spec, spec, len);
        out->spec[len] = '\0';
        return 0;
    }
    char names[512];
    ota_fault_names(names, sizeof names);
    snprintf(err, errlen, "unknown fault '%.*s' (the faults: %s)", (int)(eq ? (size_t)(eq - text) : len),
             text, names);
    return -1;
}

int ota_fault_parse_list(const char *list, size_t len, char sep, struct ota_fault *out, size_t max,
                         size_t *n, char *err, size_t errlen)
{
    *n = 0;
    size_t at = 0;
    while (at <= len) {
        const char *p = list + at, *e = memchr(p, sep, len - at);
        size_t l = e ? (size_t)(e - p) : len - at;
        if (*n == max) {
            snprintf(err, errlen, "more than %zu faults", max);
            return -1;
        }
        if (ota_fault_parse(p, l, &out[*n], err, errlen) != 0)
            return -1;
        (*n)++;
        at += l + 1;
    }
    return 0;
}

void ota_plan_apply(struct ota_plan *p, const struct ota_fault *faults, size_t n)
{
    for (int phase = 0; phase < 2; phase++)
        for (size_t i = 0; i < n; i++)
            if (faults[i].def->phase == phase)
                faults[i].def->apply(p, &faults[i]);
}

void ota_fault_specs(const struct ota_fault *faults, size_t n, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < size; i++) {
        int w = snprintf(buf + at, size - at, "%s%s", i ? "," : "", faults[i].spec);
        if (w < 0)
            break;
        at += (size_t)w;
    }
}

void ota_fault_list(FILE *out, bool markdown)
{
    if (markdown)
        fprintf(out, "| fault | argument | breaks | what it does |\n|---|---|---|---|\n");
    for (size_t i = 0; i < ota_fault_count; i++) {
        const struct ota_fault_def *d = &ota_fault_table[i];
        char syntax[64];
        snprintf(syntax, sizeof syntax, "%s%s%s%s", d->name, d->arg ? "[=" : "", d->arg ? d->arg : "",
                 d->arg ? "]" : "");
        if (markdown)
            fprintf(out, "| `%s` | %s%s%s | %s | %s |\n", syntax, d->arg ? d->arg : "", d->arg ? ": " : "-",
                    d->arg ? d->arg_help : "", d->breaks, d->what);
        else {
            fprintf(out, "%-22s %-17s %s\n", syntax, d->breaks, d->what);
            if (d->arg)
                fprintf(out, "%-40s %s: %s\n", "", d->arg, d->arg_help);
        }
    }
}
