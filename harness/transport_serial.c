/* harness/transport_serial.c — target serial:<device>[,baud=N][,flow=none|rtscts|xonxoff]: a
 * real serial port through libserialport, 8 data bits, no parity, 1 stop bit, DTR on.
 *
 * Reads wait on an event set (sp_wait) for at most the time asked, rounded up to whole
 * milliseconds, then take what is there (sp_nonblocking_read) and stamp it with the monotonic
 * clock: never sp_blocking_read, which would wait for a full buffer. A port that reports
 * itself readable again and again with nothing to read has hung up (a USB adapter pulled, the
 * other end of a pty closed): the port is gone. Writes are sp_blocking_write, then a bounded
 * wait for the output queue to empty and sp_drain, so the time of the last byte written is
 * the time it left; a queue that does not empty in time (flow control held off) is a port
 * that is gone.
 *
 * Device names are resolved first (/dev/serial/by-id/... links): libserialport finds a port
 * by its name under /sys/class/tty and does not follow links. */
#include <errno.h>
#include <libserialport.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/num.h"
#include "common/xalloc.h"
#include "harness/transport.h"

#define WRITE_TIMEOUT_MS 5000u
#define HANGUP_WAKEUPS 3 /* readable with nothing to read, this many times in a row: gone */

struct serial_transport {
    struct hx_transport t;
    struct sp_port *port;
    struct sp_event_set *rx;
};

static int serial_write(struct hx_transport *t, const uint8_t *p, size_t n)
{
    struct serial_transport *st = (struct serial_transport *)t;
    enum sp_return w = sp_blocking_write(st->port, p, n, WRITE_TIMEOUT_MS);
    if (w < 0 || (size_t)w != n)
        return -1;
    /* the bytes are in the driver: wait (bounded) until they have left it */
    uint64_t deadline = hx_monotonic_ns() + WRITE_TIMEOUT_MS * 1000000ull;
    for (;;) {
        enum sp_return q = sp_output_waiting(st->port);
        if (q <= 0)
            break; /* empty, or the driver cannot say: sp_drain alone decides */
        if (hx_monotonic_ns() >= deadline)
            return -1;
        usleep(100);
    }
    return sp_drain(st->port) == SP_OK ? 0 : -1;
}

static long serial_read(struct hx_transport *t, uint8_t *p, size_t cap, uint64_t timeout_ns)
{
    struct serial_transport *st = (struct serial_transport *)t;
    /* what is already there needs no wait */
    enum sp_return r = sp_nonblocking_read(st->port, p, cap);
    if (r != 0 || timeout_ns == 0)
        return r < 0 ? -1 : (long)r;
    uint64_t deadline = hx_monotonic_ns() + timeout_ns;
    unsigned empty_wakeups = 0;
    for (;;) {
        uint64_t now = hx_monotonic_ns();
        if (now >= deadline)
            return 0;
        /* sp_wait takes whole milliseconds, and 0 would mean forever */
        unsigned ms = (unsigned)((deadline - now + 999999) / 1000000);
        if (sp_wait(st->rx, ms) != SP_OK)
            return -1;
        r = sp_nonblocking_read(st->port, p, cap);
        if (r != 0)
            return r < 0 ? -1 : (long)r;
        /* woken before the deadline with nothing to read: a hang-up, or a spurious wake-up */
        if (hx_monotonic_ns() < deadline && ++empty_wakeups >= HANGUP_WAKEUPS)
            return -1;
    }
}

static uint64_t serial_now(struct hx_transport *t)
{
    (void)t;
    return hx_monotonic_ns();
}

static void serial_free(struct serial_transport *st)
{
    if (st->rx)
        sp_free_event_set(st->rx);
    if (st->port) {
        sp_close(st->port);
        sp_free_port(st->port);
    }
    free(st);
}

static void serial_close(struct hx_transport *t)
{
    serial_free((struct serial_transport *)t);
}

static const struct hx_transport_ops serial_ops = {serial_write, serial_read, serial_now, serial_close, NULL};

struct serial_spec {
    char device[PATH_MAX];
    long baud;
    enum sp_flowcontrol flow;
};

/* serial:<device>[,baud=N][,flow=none|rtscts|xonxoff]. 0, or -1 with a message. */
static int parse_spec(const char *arg, struct serial_spec *sp, char *err, size_t n)
{
    size_t dl = strcspn(arg, ",");
    if (dl == 0 || dl >= sizeof sp->device) {
        snprintf(err, n, "serial: needs a device, e.g. serial:/dev/ttyUSB2,baud=115200,flow=rtscts");
        return -1;
    }
    snprintf(sp->device, sizeof sp->device, "%.*s", (int)dl, arg);
    struct hx_line_opts lo;
    if (hx_parse_line_opts("serial", sp->device, arg + dl, &lo, err, n) != 0)
        return -1;
    static const enum sp_flowcontrol flow_of[] = {
        [HX_FLOW_NONE] = SP_FLOWCONTROL_NONE,
        [HX_FLOW_RTSCTS] = SP_FLOWCONTROL_RTSCTS,
        [HX_FLOW_XONXOFF] = SP_FLOWCONTROL_XONXOFF,
    };
    sp->baud = (long)lo.baud;
    sp->flow = flow_of[lo.flow];
    return 0;
}

int hx_check_serial(const char *arg, char *err, size_t n)
{
    struct serial_spec sp;
    return parse_spec(arg, &sp, err, n);
}

/* libserialport's last error as text, into buf. */
static const char *sp_error(char *buf, size_t n)
{
    char *m = sp_last_error_message();
    snprintf(buf, n, "%s", m ? m : "unknown error");
    sp_free_error_message(m);
    return buf;
}

/* The port's line settings: baud, 8N1, flow control, DTR (and RTS unless it is flow control)
 * on. 0, or -1 with errno-based text in why. */
static int configure(struct sp_port *port, const struct serial_spec *sp, char *why, size_t n)
{
    struct sp_port_config *c;
    if (sp_new_config(&c) != SP_OK)
        oc_out_of_memory(0); /* it fails for lack of memory alone */
    int r = -1;
    if (sp_get_config(port, c) == SP_OK && sp_set_config_baudrate(c, (int)sp->baud) == SP_OK &&
        sp_set_config_bits(c, 8) == SP_OK && sp_set_config_parity(c, SP_PARITY_NONE) == SP_OK &&
        sp_set_config_stopbits(c, 1) == SP_OK && sp_set_config_flowcontrol(c, sp->flow) == SP_OK &&
        sp_set_config_dtr(c, SP_DTR_ON) == SP_OK &&
        (sp->flow == SP_FLOWCONTROL_RTSCTS || sp_set_config_rts(c, SP_RTS_ON) == SP_OK) &&
        sp_set_config(port, c) == SP_OK)
        r = 0;
    else
        sp_error(why, n);
    sp_free_config(c);
    return r;
}

int hx_open_serial(const char *arg, struct hx_transport **out, char *err, size_t n)
{
    struct serial_spec sp;
    if (parse_spec(arg, &sp, err, n) != 0)
        return -1;
    char real[PATH_MAX], why[256];
    if (!realpath(sp.device, real)) {
        if (errno == ENOENT || errno == ENOTDIR)
            snprintf(err, n, "serial:%s: no such port", sp.device);
        else
            snprintf(err, n, "serial:%s: %s", sp.device, strerror(errno));
        return -2;
    }
    struct serial_transport *st = oc_xcalloc(1, sizeof *st);
    enum sp_return got = sp_get_port_by_name(real, &st->port);
    if (got == SP_ERR_MEM)
        oc_out_of_memory(0);
    if (got != SP_OK) {
        st->port = NULL;
        snprintf(err, n, "serial:%s: not a serial port (no /sys/class/tty entry for %s)%s%s", sp.device,
                 real, strncmp(real, "/dev/pts/", 9) == 0 ? "; for a pseudo-terminal use pty:" : "",
                 strncmp(real, "/dev/pts/", 9) == 0 ? real : "");
        serial_free(st);
        return -2;
    }
    if (sp_open(st->port, SP_MODE_READ_WRITE) != SP_OK) {
        int e = errno;
        sp_error(why, sizeof why);
        snprintf(err, n, "serial:%s: cannot open: %s%s", sp.device, why,
                 e == EACCES ? " (is the user in the dialout group?)" : "");
        sp_free_port(st->port); /* not open: nothing to close */
        st->port = NULL;
        serial_free(st);
        return -2;
    }
    if (configure(st->port, &sp, why, sizeof why) != 0) {
        snprintf(err, n, "serial:%s: cannot set %ld baud 8N1 with that flow control: %s", sp.device,
                 sp.baud, why);
        serial_free(st);
        return -2;
    }
    sp_flush(st->port, SP_BUF_INPUT); /* what the module said before we came is not an answer */
    if (sp_new_event_set(&st->rx) != SP_OK ||
        sp_add_port_events(st->rx, st->port, SP_EVENT_RX_READY | SP_EVENT_ERROR) != SP_OK) {
        snprintf(err, n, "serial:%s: cannot wait on the port: %s", sp.device, sp_error(why, sizeof why));
        serial_free(st);
        return -2;
    }
    st->t.ops = &serial_ops;
    *out = &st->t;
    return 0;
}
