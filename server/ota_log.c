/* server/ota_log.c — the JSON-lines request log of `otacheck serve` (Jansson): the fields in
 * a fixed order, times in ISO 8601 UTC with milliseconds, client text made safe. */
#include "server/ota_log.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

#define LOG_TEXT_MAX 1024

/* s as printable ASCII, other bytes as \xNN, cut at LOG_TEXT_MAX bytes (then "..."). */
static json_t *safe_text(const char *s)
{
    if (!s)
        return json_null();
    char out[LOG_TEXT_MAX * 4 + 8];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((size_t)(p - (const unsigned char *)s) >= LOG_TEXT_MAX) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (*p >= 0x20 && *p < 0x7f)
            out[o++] = (char)*p;
        else
            o += (size_t)snprintf(out + o, sizeof out - o, "\\x%02X", *p);
    }
    out[o] = '\0';
    return json_string(out);
}

static void set(json_t *o, const char *k, json_t *v)
{
    if (!v || json_object_set_new(o, k, v) != 0)
        oc_out_of_memory(0);
}

void ota_log_write(FILE *f, pthread_mutex_t *mu, const struct ota_log_entry *e)
{
    if (!f)
        return;
    struct tm tm;
    gmtime_r(&e->when.tv_sec, &tm);
    char when[40];
    size_t w = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + w, sizeof when - w, ".%03ldZ", e->when.tv_nsec / 1000000);

    json_t *o = json_object();
    if (!o)
        oc_out_of_memory(0);
    set(o, "time", json_string(when));
    set(o, "client", safe_text(e->client));
    set(o, "method", safe_text(e->method));
    set(o, "path", safe_text(e->path));
    set(o, "range", safe_text(e->range));
    set(o, "fault", e->fault ? json_string(e->fault) : json_null());
    set(o, "status", e->status ? json_integer(e->status) : json_null());
    set(o, "bytes", json_integer((json_int_t)e->bytes));
    set(o, "complete", json_boolean(e->complete));
    set(o, "duration_ms", json_integer(e->duration_ms));
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!line)
        oc_out_of_memory(0);
    size_t n = strlen(line);
    line[n] = '\n'; /* over the NUL: one write of the whole line */
    pthread_mutex_lock(mu);
    (void)!fwrite(line, 1, n + 1, f);
    (void)!fflush(f);
    pthread_mutex_unlock(mu);
    free(line);
}
