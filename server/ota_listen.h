/* server/ota_listen.h — the listening socket of `otacheck serve` (HOST:PORT, [HOST]:PORT,
 * a name that resolves) and the URL of the port it was bound to. */
#ifndef OTACHECK_SERVER_OTA_LISTEN_H
#define OTACHECK_SERVER_OTA_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

#include "server/ota_server.h"

/* A socket listening on spec (SO_REUSEADDR, backlog 128); its descriptor, or -1 with *why
 * (OTA_SERVER_BAD_ADDRESS, OTA_SERVER_CANNOT_BIND) and the reason in err. *v6: IPv6. */
int ota_listen(const char *spec, bool *v6, enum ota_server_error *why, char *err, size_t errlen);
/* The bound port of fd and "http://HOST:PORT/" (IPv6 in brackets). */
void ota_listen_url(int fd, unsigned *port, char *url, size_t size);

#endif
