/* server/ota_listen.c — the listening socket of `otacheck serve`, bound here rather than by
 * libmicrohttpd so that a bad address (usage), one that cannot be bound (a port in use, not
 * this host's) and a server that cannot start are told apart; and the URL it is reached at. */
#include "server/ota_listen.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* HOST:PORT or [HOST]:PORT into host and port; false when it is neither. */
static bool split_listen(const char *spec, char *host, size_t hsize, char *port, size_t psize)
{
    const char *colon;
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':')
            return false;
        if ((size_t)(close - spec - 1) >= hsize)
            return false;
        snprintf(host, hsize, "%.*s", (int)(close - spec - 1), spec + 1);
        colon = close + 1;
    } else {
        colon = strrchr(spec, ':');
        if (!colon || memchr(spec, ':', (size_t)(colon - spec)) || (size_t)(colon - spec) >= hsize)
            return false;
        snprintf(host, hsize, "%.*s", (int)(colon - spec), spec);
    }
    const char *p = colon + 1;
    size_t n = strspn(p, "0123456789");
    if (n == 0 || n > 5 || p[n] || atol(p) > 65535 || !host[0])
        return false;
    snprintf(port, psize, "%s", p);
    return true;
}

int ota_listen(const char *spec, bool *v6, enum ota_server_error *why, char *err, size_t errlen)
{
    char host[256], port[8];
    if (!split_listen(spec, host, sizeof host, port, sizeof port)) {
        *why = OTA_SERVER_BAD_ADDRESS;
        snprintf(err, errlen, "'%s' is not HOST:PORT (127.0.0.1:8080, [::1]:0, 0.0.0.0:80)", spec);
        return -1;
    }
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV, .ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM}, *res = NULL;
    int g = getaddrinfo(host, port, &hints, &res);
    *why = OTA_SERVER_CANNOT_BIND;
    if (g != 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", spec, gai_strerror(g));
        return -1;
    }
    int fd = -1, e = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            e = errno;
            continue;
        }
        int one = 1;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
            e = errno;
            close(fd);
            fd = -1;
            continue;
        }
        *v6 = ai->ai_family == AF_INET6;
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "cannot listen on %s: %s", spec, strerror(e));
    return fd;
}

void ota_listen_url(int fd, unsigned *port_out, char *url, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[NI_MAXHOST] = "?", port[NI_MAXSERV] = "0";
    if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
        (void)getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port, sizeof port,
                          NI_NUMERICHOST | NI_NUMERICSERV);
    *port_out = (unsigned)atoi(port);
    snprintf(url, size, ss.ss_family == AF_INET6 ? "http://[%s]:%s/" : "http://%s:%s/", host, port);
}
