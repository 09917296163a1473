/* server/ota_server.h — the OTA firmware server with named faults (`otacheck serve`, and the
 * suite in-process): HTTP by libmicrohttpd, one thread per connection, bodies made by a
 * content reader that applies the faults (server/ota_faults.h) to the image
 * (server/ota_image.h), every request logged as a JSON line (server/ota_log.h).
 *
 * Paths: /image.bin and /fw/<anything> are the image (single ranges, bytes=A-B, A- and -N,
 * answered 206); /image.bin.sha256 and /image.bin.md5 its digests as hex text;
 * /fault/<NAME[=ARG][,NAME[=ARG]]...>/<path> that path with those faults instead of the
 * server's; /nofault/<path> that path without any (the redirect fault's target). */
#ifndef OTACHECK_SERVER_OTA_SERVER_H
#define OTACHECK_SERVER_OTA_SERVER_H

#include <stddef.h>
#include <stdio.h>

#include "server/ota_faults.h"
#include "server/ota_image.h"

#define OTA_SERVER_LISTEN "127.0.0.1:0" /* port 0: one the system picks */
#define OTA_SERVER_MAX_CONNECTIONS 64
#define OTA_SERVER_TIMEOUT_S 30 /* a connection with nothing sent or received is closed */

struct ota_server_opts {
    const char *listen;             /* HOST:PORT ([::1]:PORT for IPv6); NULL: OTA_SERVER_LISTEN */
    const struct ota_image *image;  /* must outlive the server */
    const struct ota_fault *faults; /* applied to every image request (copied) */
    size_t n_faults;
    FILE *log;                      /* the request log; NULL: none */
    unsigned max_connections;       /* 0: OTA_SERVER_MAX_CONNECTIONS */
    unsigned timeout_s;             /* 0: OTA_SERVER_TIMEOUT_S */
};

enum ota_server_error {
    OTA_SERVER_OK,
    OTA_SERVER_BAD_ADDRESS,  /* listen is not HOST:PORT */
    OTA_SERVER_CANNOT_BIND,  /* the address does not resolve, or bind/listen failed */
    OTA_SERVER_CANNOT_START, /* libmicrohttpd did not start (threads, memory) */
};

struct ota_server;

/* Starts serving; returns NULL with *why and "..." in err when it cannot. */
struct ota_server *ota_server_start(const struct ota_server_opts *o, enum ota_server_error *why, char *err,
                                    size_t errlen);
unsigned ota_server_port(const struct ota_server *s);
/* "http://127.0.0.1:PORT/" */
const char *ota_server_url(const struct ota_server *s);
/* Stops: a stall or slow body in progress ends within 50 ms, every connection is closed (and
 * logged), then the threads are joined and everything freed. */
void ota_server_stop(struct ota_server *s);

#endif
