/* harness/transport_tcp.c — target tcp:<host>:<port>: a module's serial port exported as raw
 * TCP (ser2net, labgrid, a terminal server). The connection is made without blocking and
 * given 5 s over all the host's addresses; Nagle's delay is off (TCP_NODELAY) so that a
 * command goes out the moment it is written. Reading and writing are the fd transports'
 * (hx_fd_read / hx_fd_write): poll(), then read, stamped with the monotonic clock. A peer
 * that closes the connection is a port that is gone. IPv6 literals go in brackets:
 * tcp:[::1]:2000. The connection itself (hx_tcp_connect) is also rfc2217:'s, which speaks
 * Telnet over it. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/num.h"
#include "common/xalloc.h"
#include "harness/transport.h"

#define CONNECT_TIMEOUT_NS (5000ull * 1000000ull)

struct tcp_transport {
    struct hx_transport t;
    int fd;
};

static int tcp_write(struct hx_transport *t, const uint8_t *p, size_t n)
{
    return hx_fd_write(((struct tcp_transport *)t)->fd, p, n, t->cancel);
}

static long tcp_read(struct hx_transport *t, uint8_t *p, size_t cap, uint64_t timeout_ns)
{
    return hx_fd_read(((struct tcp_transport *)t)->fd, p, cap, timeout_ns);
}

static uint64_t tcp_now(struct hx_transport *t)
{
    (void)t;
    return hx_monotonic_ns();
}

static void tcp_close(struct hx_transport *t)
{
    struct tcp_transport *tt = (struct tcp_transport *)t;
    if (tt->fd >= 0)
        close(tt->fd);
    free(tt);
}

static const struct hx_transport_ops tcp_ops = {tcp_write, tcp_read, tcp_now, tcp_close, NULL};

/* host:port or [v6]:port; messages name the target as kind:arg. 0, or -1 with a message. */
static int parse_address(const char *kind, const char *arg, char *host, size_t hn, char *port, size_t pn,
                         char *err, size_t n)
{
    const char *colon;
    if (arg[0] == '[') {
        const char *close_br = strchr(arg, ']');
        if (!close_br || close_br[1] != ':') {
            snprintf(err, n, "%s:%s: an IPv6 address goes in brackets: %s:[::1]:2000", kind, arg, kind);
            return -1;
        }
        snprintf(host, hn, "%.*s", (int)(close_br - arg - 1), arg + 1);
        colon = close_br + 1;
    } else {
        colon = strrchr(arg, ':');
        if (!colon) {
            snprintf(err, n, "%s:%s: needs a host and a port, e.g. %s:127.0.0.1:2000", kind, arg, kind);
            return -1;
        }
        snprintf(host, hn, "%.*s", (int)(colon - arg), arg);
    }
    const char *ps = colon + 1;
    unsigned long long pv;
    if (!host[0] || oc_parse_uint(ps, 1, 65535, &pv) != OC_NUM_OK) {
        snprintf(err, n, "%s:%s: needs a host and a port 1..65535, e.g. %s:127.0.0.1:2000", kind, arg, kind);
        return -1;
    }
    snprintf(port, pn, "%llu", pv);
    return 0;
}

/* Connects fd to a, waiting until the deadline. 0, or an errno value. */
static int connect_until(int fd, const struct addrinfo *a, uint64_t deadline)
{
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return errno;
    for (;;) {
        uint64_t now = hx_monotonic_ns();
        if (now >= deadline)
            return ETIMEDOUT;
        struct pollfd pf = {fd, POLLOUT, 0};
        int r = poll(&pf, 1, (int)((deadline - now + 999999) / 1000000));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return errno;
        if (r == 0)
            return ETIMEDOUT;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0)
            return errno;
        return soerr;
    }
}

int hx_tcp_check_address(const char *kind, const char *address, char *err, size_t n)
{
    char host[256], port[16];
    return parse_address(kind, address, host, sizeof host, port, sizeof port, err, n);
}

int hx_tcp_connect(const char *kind, const char *address, int *fd_out, char *err, size_t n)
{
    char host[256], port[16];
    *fd_out = -1;
    if (parse_address(kind, address, host, sizeof host, port, sizeof port, err, n) != 0)
        return -1;
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g != 0) {
        snprintf(err, n, "%s:%s: cannot resolve %s: %s", kind, address, host, gai_strerror(g));
        return -2;
    }
    uint64_t deadline = hx_monotonic_ns() + CONNECT_TIMEOUT_NS;
    int fd = -1, last = 0;
    for (const struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            last = errno;
            continue;
        }
        last = connect_until(fd, a, deadline);
        if (last != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (last == ETIMEDOUT)
            snprintf(err, n, "%s:%s: no connection within 5 s", kind, address);
        else if (last == ECONNREFUSED)
            snprintf(err, n, "%s:%s: connection refused (is ser2net running and listening there?)", kind, address);
        else
            snprintf(err, n, "%s:%s: cannot connect: %s", kind, address, strerror(last));
        return -2;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    *fd_out = fd;
    return 0;
}

int hx_check_tcp(const char *arg, char *err, size_t n)
{
    return hx_tcp_check_address("tcp", arg, err, n);
}

int hx_open_tcp(const char *arg, struct hx_transport **out, char *err, size_t n)
{
    int fd;
    int r = hx_tcp_connect("tcp", arg, &fd, err, n);
    if (r != 0)
        return r;
    struct tcp_transport *tt = oc_xcalloc(1, sizeof *tt);
    tt->t.ops = &tcp_ops;
    tt->fd = fd;
    *out = &tt->t;
    return 0;
}
