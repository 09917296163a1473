/* harness/transport.c — target specs, and what the transports share. */
#include "harness/transport.h"
#include "common/num.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t hx_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#define UNKNOWN_TARGET                                                                          \
    "unknown target '%s': use sim:<vendor>, exec:<command>, pty:<path>, "                       \
    "serial:<device>[,baud=N][,flow=none|rtscts|xonxoff], tcp:<host>:<port> or "                 \
    "rfc2217:<host>:<port>[,baud=N][,flow=none|rtscts|xonxoff]"

int hx_open(const char *spec, const struct gram_set *gs, struct hx_transport **out, char *err,
            size_t errlen)
{
    static const struct {
        const char *prefix;
        int (*open)(const char *, struct hx_transport **, char *, size_t);
    } kinds[] = {
        {"exec:", hx_open_exec}, {"pty:", hx_open_pty}, {"serial:", hx_open_serial},
        {"tcp:", hx_open_tcp}, {"rfc2217:", hx_open_rfc2217},
    };
    *out = NULL;
    int r;
    if (strncmp(spec, "sim:", 4) == 0) {
        r = hx_open_sim(spec + 4, gs, out, err, errlen);
    } else {
        r = -1;
        snprintf(err, errlen, UNKNOWN_TARGET, spec);
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (strncmp(spec, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
                r = kinds[i].open(spec + strlen(kinds[i].prefix), out, err, errlen);
    }
    if (r == 0)
        snprintf((*out)->spec, sizeof (*out)->spec, "%s", spec);
    return r;
}

int hx_check_spec(const char *spec, const struct gram_set *gs, char *err, size_t errlen)
{
    static const struct {
        const char *prefix;
        int (*check)(const char *, char *, size_t);
    } kinds[] = {
        {"exec:", hx_check_exec}, {"pty:", hx_check_pty}, {"serial:", hx_check_serial},
        {"tcp:", hx_check_tcp}, {"rfc2217:", hx_check_rfc2217},
    };
    if (strncmp(spec, "sim:", 4) == 0)
        return hx_check_sim(spec + 4, gs, err, errlen);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strncmp(spec, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
            return kinds[i].check(spec + strlen(kinds[i].prefix), err, errlen);
    snprintf(err, errlen, UNKNOWN_TARGET, spec);
    return -1;
}

void hx_close(struct hx_transport *t)
{
    if (t)
        t->ops->close(t);
}

uint64_t hx_line_gap_default(const struct hx_transport *t)
{
    /* sim: the module writes a line at once, on a virtual clock; a USB serial adapter holds
     * bytes up to its latency timer (16 ms) and a module may pause mid-line while it
     * works; a TCP hop (ser2net, a lab's network, raw or Telnet) adds Nagle's and the
     * network's delays */
    if (t->virtual_time)
        return 30ull * 1000000ull;
    if (strncmp(t->spec, "tcp:", 4) == 0 || strncmp(t->spec, "rfc2217:", 8) == 0)
        return 250ull * 1000000ull;
    return 100ull * 1000000ull;
}

bool hx_cancelled(const struct hx_transport *t)
{
    return (t->cancel && *t->cancel) || (t->deadline_ns && hx_monotonic_ns() >= t->deadline_ns);
}

long hx_read(struct hx_transport *t, uint8_t *p, size_t cap, uint64_t timeout_ns)
{
    if (hx_cancelled(t))
        return HX_READ_CANCELLED;
    if (t->deadline_ns && !t->virtual_time) {
        uint64_t left = t->deadline_ns - hx_monotonic_ns();
        if (timeout_ns > left)
            timeout_ns = left;
    }
    long n = t->ops->read(t, p, cap, timeout_ns);
    return n == 0 && hx_cancelled(t) ? HX_READ_CANCELLED : n;
}

int hx_write(struct hx_transport *t, const void *p, size_t n)
{
    if (hx_cancelled(t))
        return -1;
    if (!t->pace_us)
        return t->ops->write(t, p, n);
    /* per-byte pacing for modules that drop bytes written back to back */
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (t->ops->write(t, b + i, 1) != 0 || hx_cancelled(t))
            return -1;
        if (!t->virtual_time && i + 1 < n)
            usleep(t->pace_us);
    }
    return 0;
}

long hx_fd_read(int fd, uint8_t *p, size_t cap, uint64_t timeout_ns)
{
    struct pollfd pf = {fd, POLLIN, 0};
    /* ppoll: the wait is the time asked, not rounded up to a millisecond (a session that
     * looks for a second final result for a few microseconds must not sleep 1 ms) */
    struct timespec ts = {(time_t)(timeout_ns / 1000000000ull), (long)(timeout_ns % 1000000000ull)};
    for (;;) {
        int r = ppoll(&pf, 1, &ts, NULL);
        if (r < 0 && errno == EINTR)
            return 0; /* a signal: the caller looks at its cancel flag, then waits again */
        if (r < 0)
            return -1;
        if (r == 0)
            return 0;
        ssize_t n = read(fd, p, cap);
        if (n > 0)
            return (long)n;
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        return -1; /* end of file or error: the module is gone */
    }
}

int hx_fd_write(int fd, const uint8_t *p, size_t n, const volatile sig_atomic_t *cancel)
{
    uint64_t last_progress = hx_monotonic_ns();
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
            /* a module that reads nothing fills the line's buffer: it is gone after a while */
            if ((cancel && *cancel) || hx_monotonic_ns() - last_progress >= HX_WRITE_STALL_NS)
                return -1;
            struct pollfd pf = {fd, POLLOUT, 0};
            poll(&pf, 1, 100);
            continue;
        }
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
        last_progress = hx_monotonic_ns();
    }
    return 0;
}

bool hx_restartable(const struct hx_transport *t)
{
    return t && t->ops->restart;
}

int hx_restart(struct hx_transport *t)
{
    return hx_restartable(t) ? t->ops->restart(t) : -1;
}

int hx_parse_line_opts(const char *kind, const char *name, const char *opts, struct hx_line_opts *out,
                       char *err, size_t n)
{
    static const struct {
        const char *text;
        enum hx_flow flow;
    } flows[] = {{"flow=none", HX_FLOW_NONE}, {"flow=rtscts", HX_FLOW_RTSCTS}, {"flow=xonxoff", HX_FLOW_XONXOFF}};
    out->baud = 115200;
    out->flow = HX_FLOW_NONE;
    for (const char *p = opts; *p == ',';) {
        p++;
        size_t len = strcspn(p, ",");
        char opt[64];
        snprintf(opt, sizeof opt, "%.*s", (int)len, p);
        bool known = false;
        if (strncmp(opt, "baud=", 5) == 0) {
            unsigned long long baud;
            if (len >= sizeof opt || oc_parse_uint(opt + 5, 1, 16000000, &baud) != OC_NUM_OK) {
                snprintf(err, n, "%s:%s: bad baud rate '%s' (a number such as 115200)", kind, name, opt + 5);
                return -1;
            }
            out->baud = (uint32_t)baud;
            known = true;
        } else if (len >= sizeof opt) {
            snprintf(err, n, "%s:%s: option '%.40s...' is too long", kind, name, p);
            return -1;
        }
        for (size_t i = 0; !known && i < sizeof flows / sizeof flows[0]; i++)
            if (strcmp(opt, flows[i].text) == 0) {
                out->flow = flows[i].flow;
                known = true;
            }
        if (!known) {
            snprintf(err, n, "%s:%s: unknown option '%s' (baud=N, flow=none|rtscts|xonxoff)", kind, name, opt);
            return -1;
        }
        p += len;
    }
    return 0;
}
