/* harness/transport_rfc2217.c — target rfc2217:<host>:<port>[,baud=N][,flow=none|rtscts|xonxoff]:
 * a module's serial port behind a Telnet server that has the COM-PORT-OPTION (RFC 2217), as
 * labgrid exports a NetworkSerialPort by default and ser2net's telnet(rfc2217) accepter offers
 * it. Unlike tcp:, the line settings go with the connection: the port server sets the real port
 * to the baud rate (115200 unless given) and flow control (none unless given) asked, 8 data
 * bits, no parity, 1 stop bit.
 *
 * The TCP connection is tcp:'s (hx_tcp_connect). The Telnet protocol (option negotiation, IAC
 * doubling both ways, subnegotiation framing) is libtelnet's; this file only builds the
 * COM-PORT payloads (a command byte and its value; a baud rate is 4 bytes, big-endian) and reads
 * the server's answers (the command + 100, with the value it set).
 *
 * Opening asks WILL/DO BINARY, WILL/DO SGA and WILL COM-PORT-OPTION; once the server answers
 * DO COM-PORT-OPTION it sends SET-BAUDRATE, SET-DATASIZE, SET-PARITY, SET-STOPSIZE and
 * SET-CONTROL, and waits, 2 s in all, until the server has acknowledged each with the value
 * asked. A server that does not speak Telnet, refuses COM-PORT, or sets another value cannot
 * be reached as asked (-2), and the message says which.
 *
 * Reading: bytes from the socket go to telnet_recv; its data events are appended to this
 * transport's buffer, which read() hands out. What libtelnet has to send (data, escaped, and
 * answers to the server's negotiation) is gathered and written to the socket once the call
 * that made it returns: libtelnet sends each doubled IAC as an event of its own, and a write
 * per event would make a payload of 0xFF bytes a system call per byte. In BINARY mode every byte passes as
 * it is (a 0xFF is doubled on the wire by libtelnet, and undoubled on the way back). In a
 * direction the server kept in NVT mode (it declined BINARY), RFC 854's end-of-line rule
 * applies: a CR written is sent as CR NUL unless LF follows it, and a NUL after a CR from the
 * server is dropped. Status the server volunteers (line and modem state, flow-control suspend
 * and resume) is not needed by the harness and is ignored. */
#include <stddef.h> /* before libtelnet.h, which uses size_t without including it */
#include <libtelnet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/num.h"
#include "common/xalloc.h"
#include "harness/transport.h"

#define TELOPT_COM_PORT 44
/* COM-PORT-OPTION commands from the client (RFC 2217); the server answers with command + 100 */
enum com_port_command {
    SET_BAUDRATE = 1,
    SET_DATASIZE = 2,
    SET_PARITY = 3,
    SET_STOPSIZE = 4,
    SET_CONTROL = 5,
};
#define SETTINGS_COUNT 5
#define SERVER_ANSWER 100
#define DATASIZE_8 8
#define PARITY_NONE 1
#define STOPSIZE_1 1
/* SET-CONTROL values for (outbound) flow control */
#define CONTROL_FLOW_NONE 1
#define CONTROL_FLOW_XONXOFF 2
#define CONTROL_FLOW_RTSCTS 3

#define NEGOTIATION_TIMEOUT_NS (2000ull * 1000000ull)
#define SOCKET_READ_CHUNK 16384
/* While opening, data the module sends before the server's answers is kept, up to this much;
 * past it the socket is not read until the caller reads. */
#define OPEN_PENDING_MAX (1u << 20)

struct rfc2217_spec {
    char address[300]; /* host:port or [v6]:port */
    uint32_t baud;
    uint8_t flow;      /* CONTROL_FLOW_* */
};

struct rfc2217_transport {
    struct hx_transport t;
    int fd;
    telnet_t *telnet;
    bool socket_failed; /* a write of what libtelnet sent failed, or libtelnet gave up */
    /* what libtelnet has to send, not yet written to the socket */
    uint8_t *outgoing;
    size_t outgoing_len, outgoing_cap;
    /* data from the server not yet read: bytes [pending_start, pending_end) of pending */
    uint8_t *pending;
    size_t pending_start, pending_end, pending_cap;
    /* the options as the server agreed them */
    bool server_sends_binary; /* it said WILL BINARY */
    bool we_send_binary;      /* it said DO BINARY */
    bool com_port_accepted;   /* it said DO COM-PORT-OPTION */
    bool heard_telnet;        /* any negotiation, command or subnegotiation from it */
    bool last_was_cr;         /* NVT reading: the last data byte was CR */
    /* the server's answer to each setting, by command */
    bool answered[SETTINGS_COUNT + 1];
    uint32_t answer_value[SETTINGS_COUNT + 1];
};

static const telnet_telopt_t supported_options[] = {
    {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
    {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
    {TELOPT_COM_PORT, TELNET_WILL, TELNET_DONT},
    {-1, 0, 0},
};

static void append_outgoing(struct rfc2217_transport *rt, const uint8_t *p, size_t n)
{
    if (n == 0)
        return; /* nothing to copy, and maybe no buffer yet */
    if (rt->outgoing_len + n > rt->outgoing_cap) {
        size_t cap = rt->outgoing_cap ? rt->outgoing_cap : SOCKET_READ_CHUNK;
        while (cap < rt->outgoing_len + n)
            cap *= 2;
        rt->outgoing = oc_xrealloc(rt->outgoing, cap);
        rt->outgoing_cap = cap;
    }
    memcpy(rt->outgoing + rt->outgoing_len, p, n);
    rt->outgoing_len += n;
}

/* Writes what libtelnet gathered: 0, or -1 (the connection failed). */
static int flush_outgoing(struct rfc2217_transport *rt)
{
    if (rt->outgoing_len && !rt->socket_failed &&
        hx_fd_write(rt->fd, rt->outgoing, rt->outgoing_len, rt->t.cancel) != 0)
        rt->socket_failed = true;
    rt->outgoing_len = 0;
    return rt->socket_failed ? -1 : 0;
}

static void append_pending(struct rfc2217_transport *rt, const uint8_t *p, size_t n)
{
    if (n == 0)
        return; /* nothing to copy, and maybe no buffer yet */
    if (rt->pending_start == rt->pending_end)
        rt->pending_start = rt->pending_end = 0;
    if (rt->pending_end + n > rt->pending_cap && rt->pending_start > 0) {
        memmove(rt->pending, rt->pending + rt->pending_start, rt->pending_end - rt->pending_start);
        rt->pending_end -= rt->pending_start;
        rt->pending_start = 0;
    }
    if (rt->pending_end + n > rt->pending_cap) {
        size_t cap = rt->pending_cap ? rt->pending_cap : SOCKET_READ_CHUNK;
        while (cap < rt->pending_end + n)
            cap *= 2;
        rt->pending = oc_xrealloc(rt->pending, cap);
        rt->pending_cap = cap;
    }
    memcpy(rt->pending + rt->pending_end, p, n);
    rt->pending_end += n;
}

/* Data from the server: as it is in BINARY mode; in NVT mode without the NUL of CR NUL. */
static void take_data(struct rfc2217_transport *rt, const uint8_t *p, size_t n)
{
    if (rt->server_sends_binary) {
        rt->last_was_cr = false;
        append_pending(rt, p, n);
        return;
    }
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\0' && rt->last_was_cr) {
            append_pending(rt, p + start, i - start);
            start = i + 1;
        }
        rt->last_was_cr = p[i] == '\r';
    }
    append_pending(rt, p + start, n - start);
}

static uint32_t big_endian_32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* A COM-PORT subnegotiation from the server: keep its answers to our settings. */
static void take_com_port_answer(struct rfc2217_transport *rt, const uint8_t *p, size_t n)
{
    if (n < 2 || p[0] <= SERVER_ANSWER || p[0] > SERVER_ANSWER + SETTINGS_COUNT)
        return; /* a signature, line or modem state, flow-control suspend or resume */
    unsigned command = p[0] - SERVER_ANSWER;
    if (command == SET_BAUDRATE) {
        if (n < 5)
            return;
        rt->answer_value[command] = big_endian_32(p + 1);
    } else {
        rt->answer_value[command] = p[1];
    }
    rt->answered[command] = true;
}

static void on_telnet_event(telnet_t *telnet, telnet_event_t *ev, void *user)
{
    (void)telnet;
    struct rfc2217_transport *rt = user;
    switch (ev->type) {
    case TELNET_EV_DATA:
        take_data(rt, (const uint8_t *)ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_SEND:
        append_outgoing(rt, (const uint8_t *)ev->data.buffer, ev->data.size);
        break;
    case TELNET_EV_WILL:
    case TELNET_EV_WONT:
        rt->heard_telnet = true;
        if (ev->neg.telopt == TELNET_TELOPT_BINARY)
            rt->server_sends_binary = ev->type == TELNET_EV_WILL;
        break;
    case TELNET_EV_DO:
    case TELNET_EV_DONT:
        rt->heard_telnet = true;
        if (ev->neg.telopt == TELNET_TELOPT_BINARY)
            rt->we_send_binary = ev->type == TELNET_EV_DO;
        else if (ev->neg.telopt == TELOPT_COM_PORT)
            rt->com_port_accepted = ev->type == TELNET_EV_DO;
        break;
    case TELNET_EV_SUBNEGOTIATION:
        rt->heard_telnet = true;
        if (ev->sub.telopt == TELOPT_COM_PORT)
            take_com_port_answer(rt, (const uint8_t *)ev->sub.buffer, ev->sub.size);
        break;
    case TELNET_EV_IAC:
        rt->heard_telnet = true;
        break;
    case TELNET_EV_ERROR:
        rt->socket_failed = true; /* libtelnet cannot go on with this stream */
        break;
    default:
        break; /* warnings (a malformed sequence, skipped) and options we refused */
    }
}

/* One read from the socket, waiting at most timeout_ns, through libtelnet: 1 something came
 * (data, negotiation or both), 0 nothing in time (or a signal), -1 the connection is gone. */
static int receive(struct rfc2217_transport *rt, uint64_t timeout_ns)
{
    uint8_t raw[SOCKET_READ_CHUNK];
    long n = hx_fd_read(rt->fd, raw, sizeof raw, timeout_ns);
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    telnet_recv(rt->telnet, (const char *)raw, (size_t)n);
    flush_outgoing(rt); /* answers to the server's negotiation */
    return 1;
}

static long rfc2217_read(struct hx_transport *t, uint8_t *p, size_t cap, uint64_t timeout_ns)
{
    struct rfc2217_transport *rt = (struct rfc2217_transport *)t;
    uint64_t start = hx_monotonic_ns();
    uint64_t deadline = timeout_ns > UINT64_MAX - start ? UINT64_MAX : start + timeout_ns;
    for (;;) {
        size_t have = rt->pending_end - rt->pending_start;
        if (have) {
            size_t k = have < cap ? have : cap;
            memcpy(p, rt->pending + rt->pending_start, k);
            rt->pending_start += k;
            return (long)k;
        }
        if (rt->socket_failed)
            return -1;
        uint64_t now = hx_monotonic_ns();
        int r = receive(rt, now < deadline ? deadline - now : 0);
        if (r < 0)
            return -1;
        /* nothing in time, or only negotiation and the time is up */
        if (rt->pending_end == rt->pending_start && (r == 0 || hx_monotonic_ns() >= deadline))
            return rt->socket_failed ? -1 : 0;
    }
}

/* Data to the server: in NVT mode a CR not followed by LF goes as CR NUL. */
static int rfc2217_write(struct hx_transport *t, const uint8_t *p, size_t n)
{
    struct rfc2217_transport *rt = (struct rfc2217_transport *)t;
    if (rt->socket_failed)
        return -1;
    if (rt->we_send_binary) {
        telnet_send(rt->telnet, (const char *)p, n);
    } else {
        size_t start = 0;
        for (size_t i = 0; i < n; i++) {
            if (p[i] == '\r' && (i + 1 == n || p[i + 1] != '\n')) {
                telnet_send(rt->telnet, (const char *)p + start, i + 1 - start);
                telnet_send(rt->telnet, "", 1);
                start = i + 1;
            }
        }
        if (start < n)
            telnet_send(rt->telnet, (const char *)p + start, n - start);
    }
    return flush_outgoing(rt);
}

static uint64_t rfc2217_now(struct hx_transport *t)
{
    (void)t;
    return hx_monotonic_ns();
}

static void rfc2217_free(struct rfc2217_transport *rt)
{
    if (rt->telnet)
        telnet_free(rt->telnet);
    if (rt->fd >= 0)
        close(rt->fd);
    free(rt->pending);
    free(rt->outgoing);
    free(rt);
}

static void rfc2217_close(struct hx_transport *t)
{
    rfc2217_free((struct rfc2217_transport *)t);
}

static const struct hx_transport_ops rfc2217_ops = {rfc2217_write, rfc2217_read, rfc2217_now, rfc2217_close,
                                                    NULL};

/* rfc2217:<host>:<port>[,baud=N][,flow=none|rtscts|xonxoff]. 0, or -1 with a message. */
static int parse_spec(const char *arg, struct rfc2217_spec *sp, char *err, size_t n)
{
    size_t al = strcspn(arg, ",");
    if (al >= sizeof sp->address) {
        snprintf(err, n, "rfc2217:%.40s...: the address is too long", arg);
        return -1;
    }
    snprintf(sp->address, sizeof sp->address, "%.*s", (int)al, arg);
    if (hx_tcp_check_address("rfc2217", sp->address, err, n) != 0)
        return -1;
    struct hx_line_opts lo;
    if (hx_parse_line_opts("rfc2217", sp->address, arg + al, &lo, err, n) != 0)
        return -1;
    static const uint8_t flow_of[] = {
        [HX_FLOW_NONE] = CONTROL_FLOW_NONE,
        [HX_FLOW_RTSCTS] = CONTROL_FLOW_RTSCTS,
        [HX_FLOW_XONXOFF] = CONTROL_FLOW_XONXOFF,
    };
    sp->baud = lo.baud;
    sp->flow = flow_of[lo.flow];
    return 0;
}

int hx_check_rfc2217(const char *arg, char *err, size_t n)
{
    struct rfc2217_spec sp;
    return parse_spec(arg, &sp, err, n);
}

static void send_setting(struct rfc2217_transport *rt, enum com_port_command command, uint32_t value)
{
    uint8_t payload[5] = {(uint8_t)command};
    size_t len = 2;
    if (command == SET_BAUDRATE) {
        payload[1] = (uint8_t)(value >> 24);
        payload[2] = (uint8_t)(value >> 16);
        payload[3] = (uint8_t)(value >> 8);
        payload[4] = (uint8_t)value;
        len = 5;
    } else {
        payload[1] = (uint8_t)value;
    }
    telnet_subnegotiation(rt->telnet, TELOPT_COM_PORT, (const char *)payload, len);
}

static const char *setting_name(unsigned command)
{
    static const char *const names[] = {"", "the baud rate (SET-BAUDRATE)", "the data size (SET-DATASIZE)",
                                        "the parity (SET-PARITY)", "the stop bits (SET-STOPSIZE)",
                                        "the flow control (SET-CONTROL)"};
    return command <= SETTINGS_COUNT ? names[command] : "";
}

/* Negotiates the options and sets the line: 0, or -2 with a message. */
static int negotiate(struct rfc2217_transport *rt, const struct rfc2217_spec *sp, char *err, size_t n)
{
    telnet_negotiate(rt->telnet, TELNET_WILL, TELOPT_COM_PORT);
    telnet_negotiate(rt->telnet, TELNET_WILL, TELNET_TELOPT_BINARY);
    telnet_negotiate(rt->telnet, TELNET_DO, TELNET_TELOPT_BINARY);
    telnet_negotiate(rt->telnet, TELNET_WILL, TELNET_TELOPT_SGA);
    telnet_negotiate(rt->telnet, TELNET_DO, TELNET_TELOPT_SGA);
    flush_outgoing(rt);
    const uint32_t wanted[SETTINGS_COUNT + 1] = {0, sp->baud, DATASIZE_8, PARITY_NONE, STOPSIZE_1, sp->flow};
    bool settings_sent = false;
    uint64_t deadline = hx_monotonic_ns() + NEGOTIATION_TIMEOUT_NS;
    for (;;) {
        if (rt->com_port_accepted && !settings_sent) {
            for (unsigned c = SET_BAUDRATE; c <= SETTINGS_COUNT; c++)
                send_setting(rt, (enum com_port_command)c, wanted[c]);
            flush_outgoing(rt);
            settings_sent = true;
        }
        unsigned answered = 0;
        for (unsigned c = SET_BAUDRATE; c <= SETTINGS_COUNT; c++) {
            if (!rt->answered[c])
                continue;
            if (rt->answer_value[c] != wanted[c]) {
                snprintf(err, n, "rfc2217:%s: the port server set %s to %lu, not %lu", sp->address,
                         setting_name(c), (unsigned long)rt->answer_value[c], (unsigned long)wanted[c]);
                return -2;
            }
            answered++;
        }
        if (settings_sent && answered == SETTINGS_COUNT)
            return 0;
        if (rt->socket_failed) {
            snprintf(err, n, "rfc2217:%s: the connection failed during the Telnet negotiation", sp->address);
            return -2;
        }
        uint64_t now = hx_monotonic_ns();
        if (now >= deadline)
            break;
        /* the module's output before the answers is kept for the first read, up to a bound */
        if (rt->pending_end - rt->pending_start >= OPEN_PENDING_MAX) {
            usleep(10000);
            continue;
        }
        if (receive(rt, deadline - now) < 0) {
            snprintf(err, n, "rfc2217:%s: the server closed the connection during the Telnet negotiation%s",
                     sp->address, rt->heard_telnet ? "" : " (is it a Telnet server with RFC 2217?)");
            return -2;
        }
    }
    if (!rt->heard_telnet)
        snprintf(err, n,
                 "rfc2217:%s: no Telnet negotiation from the server within 2 s: not a Telnet port with the "
                 "COM-PORT-OPTION (RFC 2217); for a raw TCP port use tcp:",
                 sp->address);
    else if (!rt->com_port_accepted)
        snprintf(err, n,
                 "rfc2217:%s: the Telnet server did not accept the COM-PORT-OPTION (RFC 2217) within 2 s: it "
                 "cannot set the serial line (ser2net needs the accepter telnet(rfc2217),tcp,...)",
                 sp->address);
    else
        for (unsigned c = SET_BAUDRATE; c <= SETTINGS_COUNT; c++)
            if (!rt->answered[c]) {
                snprintf(err, n, "rfc2217:%s: the port server did not acknowledge %s within 2 s", sp->address,
                         setting_name(c));
                break;
            }
    return -2;
}

int hx_open_rfc2217(const char *arg, struct hx_transport **out, char *err, size_t n)
{
    struct rfc2217_spec sp;
    if (parse_spec(arg, &sp, err, n) != 0)
        return -1;
    int fd;
    int r = hx_tcp_connect("rfc2217", sp.address, &fd, err, n);
    if (r != 0)
        return r;
    struct rfc2217_transport *rt = oc_xcalloc(1, sizeof *rt);
    rt->t.ops = &rfc2217_ops;
    rt->fd = fd;
    rt->telnet = telnet_init(supported_options, on_telnet_event, 0, rt);
    if (!rt->telnet) {
        snprintf(err, n, "rfc2217:%s: cannot start the Telnet protocol (out of memory)", sp.address);
        rfc2217_free(rt);
        return -2;
    }
    r = negotiate(rt, &sp, err, n);
    if (r != 0) {
        rfc2217_free(rt);
        return r;
    }
    *out = &rt->t;
    return 0;
}
