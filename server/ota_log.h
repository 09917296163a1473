/* server/ota_log.h — the request log of `otacheck serve`: one JSON object per line for each
 * request, written when it ends (whole, cut by a fault, or left by the client), flushed per
 * line, one writer at a time (the server's connections run on their own threads). */
#ifndef OTACHECK_SERVER_OTA_LOG_H
#define OTACHECK_SERVER_OTA_LOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

struct ota_log_entry {
    struct timespec when;   /* CLOCK_REALTIME when the request came */
    const char *client;     /* "127.0.0.1:40112", "[::1]:40112" */
    const char *method;
    const char *path;
    const char *range;      /* the Range header, or NULL */
    const char *fault;      /* the faults applied ("slow=1000,truncate"), or NULL */
    unsigned status;        /* 0: no answer was queued */
    uint64_t bytes;         /* body bytes sent */
    bool complete;          /* the body went out whole */
    int64_t duration_ms;
};

/* Writes e as one line to f under mu. Text from the client is kept to printable ASCII (any
 * other byte as \xNN) and 1024 bytes. A write error is ignored: the log never stops the
 * server. */
void ota_log_write(FILE *f, pthread_mutex_t *mu, const struct ota_log_entry *e);

#endif
