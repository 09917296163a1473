/* tests/transports_rfc2217.c — the rfc2217: target (Telnet with the COM-PORT-OPTION) against a
 * real ser2net whose accepter is telnet(rfc2217),tcp, exporting a pty:
 *
 *   - the reference module behind it: the session's conversation and conformance cases, and
 *     LOST when ser2net goes away;
 *   - an echoing peer behind it: 256 KB holding many 0xFF (and byte runs that look like Telnet
 *     commands, CR NUL, CR LF) come back intact, so 0xFF went out as IAC IAC and IAC IAC came
 *     back as one 0xFF;
 *   - baud=9600 and baud=57600 reach the pty's termios (the speed ser2net set on the slave);
 *   - flow=rtscts sets CRTSCTS, flow=xonxoff IXON and IXOFF, flow=none neither (ptys keep these
 *     flags though they have no lines to act on);
 *   - a port that is not RFC 2217 (ser2net's raw tcp accepter, its plain telnet accepter, a
 *     closed port) is a clear -2 within a bound, not a hang; bad specs are -1.
 *
 * And against a small Telnet server of this file's (a forked child speaking through libtelnet,
 * as the transport does), for what ser2net does not do: decline BINARY (the NVT end-of-line
 * rule then applies both ways: CR NUL), refuse COM-PORT, and set another baud rate than asked. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <stddef.h> /* before libtelnet.h, which uses size_t without including it */
#include <libtelnet.h>

#include "tests/transports_check.h"
#include "tests/tu.h"

void transports_rfc2217_suite(void);

#define RFC2217_ACCEPTER "telnet(rfc2217),tcp"
#define TELOPT_COM_PORT 44

/* A pty peer (the reference module, or an echo) and ser2net in front of it. */
struct exported_port {
    struct tp_module peer;
    struct tp_ser2net s2n;
    bool up;
};

/* 0 up; 1 no ser2net (skipped, said so); -1 failed (a failed check). vendor NULL: the echo. */
static int export_port(struct exported_port *ep, const char *vendor, const char *accepter, const char *what)
{
    memset(ep, 0, sizeof *ep);
    char err[512] = "";
    int r = vendor ? tp_module_start(&ep->peer, OTACHECK_BIN, vendor, err, sizeof err)
                   : tp_echo_start(&ep->peer, err, sizeof err);
    if (r != 0) {
        TU_CHECK(false, "%s: pty peer: %s", what, err);
        return -1;
    }
    r = tp_ser2net_start_accepter(&ep->s2n, ep->peer.path, accepter, err, sizeof err);
    if (r == 1) {
        printf("\n    SKIP %s: no ser2net binary (install the Debian package ser2net)\n", what);
        tp_module_stop(&ep->peer);
        return 1;
    }
    if (r != 0) {
        TU_CHECK(false, "%s: ser2net: %s", what, err);
        tp_module_stop(&ep->peer);
        return -1;
    }
    ep->up = true;
    return 0;
}

static void unexport_port(struct exported_port *ep)
{
    tp_ser2net_stop(&ep->s2n);
    tp_module_stop(&ep->peer);
    ep->up = false;
}

static void rfc2217_spec(char *buf, size_t n, const struct exported_port *ep, const char *options)
{
    snprintf(buf, n, "rfc2217:127.0.0.1:%d%s", ep->s2n.port, options);
}

/* ---- the reference module through ser2net ---------------------------------------------- */

static void test_rfc2217_module(void)
{
    struct exported_port ep;
    if (export_port(&ep, "quectel", RFC2217_ACCEPTER, "rfc2217/ser2net") != 0)
        return;
    char spec[128];
    rfc2217_spec(spec, sizeof spec, &ep, "");
    struct hx_transport *t = open_target(spec);
    if (t) {
        TU_CHECK(hx_line_gap_default(t) == 250 * MS, "rfc2217: line gap %llu ms, expected tcp:'s 250",
                 (unsigned long long)(hx_line_gap_default(t) / MS));
        converse(t, "quectel", spec);
        conform_over(t, "quectel", "+QIOTREG", NULL, "rfc2217 conform");
        /* ser2net goes away: the connection closes, the exchange is LOST */
        struct hx_session s;
        hx_session_init(&s, t, tu_vendor("quectel"), NULL, NULL);
        tp_ser2net_stop(&ep.s2n);
        struct hx_exchange x;
        enum hx_status st = hx_exchange(&s, "AT", 5000 * MS, &x);
        TU_CHECK(st == HX_LOST, "rfc2217: ser2net gone: status %s, expected lost", status_name(st));
        hx_session_free(&s);
    }
    hx_close(t);
    unexport_port(&ep);
}

/* ---- binary data both ways ------------------------------------------------------------- */

/* len bytes, a third of them 0xFF, with runs that would be Telnet commands if an IAC were not
 * doubled (IAC SB COM-PORT SET-BAUDRATE ... IAC SE, IAC WILL, IAC IAC) and NVT end-of-line
 * pairs (CR NUL, CR LF, a lone CR) that BINARY mode must leave alone. */
static uint8_t *binary_payload(size_t len)
{
    static const uint8_t runs[][8] = {
        {6, 0xFF, 0xFA, 0x2C, 0x01, 0xFF, 0xF0}, {3, 0xFF, 0xFB, 0x00}, {2, 0xFF, 0xFF},
        {2, '\r', '\0'},                         {2, '\r', '\n'},       {2, '\r', 'A'},
    };
    uint8_t *p = malloc(len);
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < len;) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        if (x % 64 == 0) {
            const uint8_t *run = runs[(x >> 8) % (sizeof runs / sizeof runs[0])];
            for (uint8_t k = 0; k < run[0] && i < len; k++)
                p[i++] = run[1 + k];
        } else {
            p[i++] = x % 3 == 0 ? 0xFF : (uint8_t)(x >> 11);
        }
    }
    return p;
}

static void test_rfc2217_binary(void)
{
    struct exported_port ep;
    if (export_port(&ep, NULL, RFC2217_ACCEPTER, "rfc2217/binary") != 0)
        return;
    char spec[128];
    rfc2217_spec(spec, sizeof spec, &ep, "");
    struct hx_transport *t = open_target(spec);
    if (t) {
        const size_t len = 256 * 1024;
        uint8_t *payload = binary_payload(len);
        size_t ff = 0;
        for (size_t i = 0; i < len; i++)
            ff += payload[i] == 0xFF;
        TU_CHECK(ff > len / 4, "the payload holds only %zu 0xFF bytes", ff);
        char err[256] = "";
        bool ok = tp_echo_roundtrip(t, payload, len, 4096, 32 * 1024, 10000 * MS, err, sizeof err);
        TU_CHECK(ok, "rfc2217: %zu bytes (%zu of them 0xFF) through ser2net and back: %s", len, ff, err);
        /* a single 0xFF, and one at the end of a write, alone on the wire */
        static const uint8_t lone[] = {0xFF};
        ok = tp_echo_roundtrip(t, lone, 1, 1, 1, 5000 * MS, err, sizeof err);
        TU_CHECK(ok, "rfc2217: one 0xFF through ser2net and back: %s", err);
        free(payload);
    }
    hx_close(t);
    unexport_port(&ep);
}

/* ---- the line settings reach the port -------------------------------------------------- */

/* The pty's termios once it satisfies want (ser2net sets it before it acknowledges, but the
 * check does not rely on it): waits at most 2 s. */
static bool port_termios(int fd, bool (*want)(const struct termios *, const void *), const void *arg,
                         struct termios *tio)
{
    uint64_t deadline = hx_monotonic_ns() + 2000 * MS;
    for (;;) {
        if (tcgetattr(fd, tio) != 0)
            return false;
        if (want(tio, arg) || hx_monotonic_ns() >= deadline)
            return want(tio, arg);
        usleep(10000);
    }
}

static bool has_speed(const struct termios *tio, const void *arg)
{
    speed_t sp = *(const speed_t *)arg;
    return cfgetospeed(tio) == sp && cfgetispeed(tio) == sp;
}

static void test_rfc2217_baud(void)
{
    struct exported_port ep;
    if (export_port(&ep, "airm2m", RFC2217_ACCEPTER, "rfc2217/baud") != 0)
        return;
    static const struct {
        const char *option;
        speed_t speed;
        const char *name;
    } rates[] = {{",baud=9600", B9600, "9600"}, {",baud=57600", B57600, "57600"}, {"", B115200, "115200"}};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        char spec[128];
        rfc2217_spec(spec, sizeof spec, &ep, rates[i].option);
        struct hx_transport *t = open_target(spec);
        if (!t)
            continue;
        /* the slave's termios (the test holds the slave open; the master reads the same) */
        struct termios tio;
        bool ok = port_termios(ep.peer.slave_fd, has_speed, &rates[i].speed, &tio);
        TU_CHECK(ok, "%s: the pty is at speed constant 0%o/0%o, expected %s (0%o)", spec,
                 (unsigned)cfgetospeed(&tio), (unsigned)cfgetispeed(&tio), rates[i].name,
                 (unsigned)rates[i].speed);
        TU_CHECK((tio.c_cflag & CSIZE) == CS8 && !(tio.c_cflag & PARENB) && !(tio.c_cflag & CSTOPB),
                 "%s: the pty is not 8N1 (c_cflag 0%o)", spec, (unsigned)tio.c_cflag);
        converse(t, "airm2m", spec);
        hx_close(t);
    }
    unexport_port(&ep);
}

struct flow_want {
    bool rtscts, xonxoff;
};

static bool has_flow(const struct termios *tio, const void *arg)
{
    const struct flow_want *w = arg;
    bool rtscts = (tio->c_cflag & CRTSCTS) != 0;
    bool xonxoff = (tio->c_iflag & (IXON | IXOFF)) == (IXON | IXOFF);
    bool xany = (tio->c_iflag & (IXON | IXOFF)) != 0;
    return rtscts == w->rtscts && (w->xonxoff ? xonxoff : !xany);
}

static void test_rfc2217_flow(void)
{
    struct exported_port ep;
    if (export_port(&ep, "simcom", RFC2217_ACCEPTER, "rfc2217/flow") != 0)
        return;
    static const struct {
        const char *option;
        struct flow_want want;
    } flows[] = {{",flow=rtscts", {true, false}},
                 {",baud=57600,flow=xonxoff", {false, true}},
                 {",flow=none", {false, false}}};
    for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++) {
        char spec[128];
        rfc2217_spec(spec, sizeof spec, &ep, flows[i].option);
        struct hx_transport *t = open_target(spec);
        if (!t)
            continue;
        struct termios tio;
        bool ok = port_termios(ep.peer.slave_fd, has_flow, &flows[i].want, &tio);
        TU_CHECK(ok, "%s: the pty has CRTSCTS %s, IXON %s, IXOFF %s; expected CRTSCTS %s, IXON/IXOFF %s", spec,
                 tio.c_cflag & CRTSCTS ? "on" : "off", tio.c_iflag & IXON ? "on" : "off",
                 tio.c_iflag & IXOFF ? "on" : "off", flows[i].want.rtscts ? "on" : "off",
                 flows[i].want.xonxoff ? "on" : "off");
        converse(t, "simcom", spec);
        hx_close(t);
    }
    unexport_port(&ep);
}

/* ---- what is not an RFC 2217 port ------------------------------------------------------- */

/* hx_open must fail with -2 and text in its message, within 10 s (its own bound is 2 s). */
static void expect_refused(const char *spec, const char *text)
{
    uint64_t t0 = hx_monotonic_ns();
    expect_open_error(spec, -2, text);
    uint64_t took = hx_monotonic_ns() - t0;
    TU_CHECK(took < 10000 * MS, "%s: the refusal took %llu ms (a hang?)", spec, (unsigned long long)(took / MS));
}

static void test_rfc2217_not_rfc2217(void)
{
    char spec[128];
    snprintf(spec, sizeof spec, "rfc2217:127.0.0.1:%d", tp_free_port());
    expect_refused(spec, "connection refused");
    /* ser2net's raw accepter: the module sees the negotiation as bytes, nothing answers */
    struct exported_port ep;
    if (export_port(&ep, "fibocom", "tcp", "rfc2217/raw ser2net") == 0) {
        rfc2217_spec(spec, sizeof spec, &ep, "");
        expect_refused(spec, "RFC 2217");
        unexport_port(&ep);
    }
    /* ser2net's plain telnet accepter: Telnet, but no COM-PORT-OPTION */
    if (export_port(&ep, "fibocom", "telnet,tcp", "rfc2217/plain telnet ser2net") == 0) {
        rfc2217_spec(spec, sizeof spec, &ep, "");
        expect_refused(spec, "did not accept the COM-PORT-OPTION");
        unexport_port(&ep);
    }
}

static void test_rfc2217_spec_errors(void)
{
    expect_open_error("rfc2217:127.0.0.1", -1, "needs a host and a port");
    expect_open_error("rfc2217:127.0.0.1,baud=9600", -1, "needs a host and a port");
    expect_open_error("rfc2217::2000", -1, "needs a host and a port");
    expect_open_error("rfc2217:127.0.0.1:99999", -1, "needs a host and a port");
    expect_open_error("rfc2217:[::1:2000", -1, "brackets");
    expect_open_error("rfc2217:127.0.0.1:2000,baud=fast", -1, "bad baud rate");
    expect_open_error("rfc2217:127.0.0.1:2000,baud=0", -1, "bad baud rate");
    expect_open_error("rfc2217:127.0.0.1:2000,flow=maybe", -1, "unknown option");
    expect_open_error("rfc2217:127.0.0.1:2000,parity=even", -1, "unknown option");
    expect_open_error("rfc2217:otacheck-no-such-host.invalid:2000", -2, "cannot resolve");
    char err[256];
    TU_CHECK(hx_check_spec("rfc2217:[::1]:2000,baud=921600,flow=rtscts", NULL, err, sizeof err) == 0,
             "rfc2217: a good spec was refused: %s", err);
    TU_CHECK(hx_check_spec("rfc2217:lab:3001,flow=xonxoff", NULL, err, sizeof err) == 0,
             "rfc2217: a good spec was refused: %s", err);
}

/* ---- a Telnet server of our own (libtelnet), for what ser2net does not do ---------------- */

enum fake_mode {
    FAKE_NVT,         /* accepts COM-PORT, declines BINARY both ways */
    FAKE_NO_COM_PORT, /* Telnet, refuses COM-PORT */
    FAKE_WRONG_BAUD,  /* answers SET-BAUDRATE with another rate */
};

/* What the NVT server sends once the line is set: CR NUL (a CR), CR LF, a doubled IAC. */
static const uint8_t FAKE_GREETING[] = {'x', '\r', '\0', 'y', '\r', '\n', 'z', 0xFF};
static const uint8_t FAKE_GREETING_READ[] = {'x', '\r', 'y', '\r', '\n', 'z', 0xFF};

struct fake_connection {
    int fd;
    int report_fd; /* the data the server received, to the test */
    enum fake_mode mode;
};

static void write_fully(int fd, const void *p, size_t n)
{
    const char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(1);
        b += w;
        n -= (size_t)w;
    }
}

static void fake_event(telnet_t *telnet, telnet_event_t *ev, void *user)
{
    struct fake_connection *c = user;
    if (ev->type == TELNET_EV_SEND) {
        write_fully(c->fd, ev->data.buffer, ev->data.size);
    } else if (ev->type == TELNET_EV_DATA) {
        write_fully(c->report_fd, ev->data.buffer, ev->data.size);
    } else if (ev->type == TELNET_EV_SUBNEGOTIATION && ev->sub.telopt == TELOPT_COM_PORT && ev->sub.size >= 2 &&
               ev->sub.size <= 5 && ev->sub.buffer[0] >= 1 && ev->sub.buffer[0] <= 5) {
        uint8_t answer[5];
        memcpy(answer, ev->sub.buffer, ev->sub.size);
        answer[0] += 100;
        if (c->mode == FAKE_WRONG_BAUD && answer[0] == 101 && ev->sub.size == 5)
            answer[4] ^= 1;
        telnet_subnegotiation(telnet, TELOPT_COM_PORT, (const char *)answer, ev->sub.size);
        if (answer[0] == 105)
            telnet_send(telnet, (const char *)FAKE_GREETING, sizeof FAKE_GREETING);
    }
}

static void fake_serve(int listener, int report_fd, enum fake_mode mode)
{
    int fd = accept(listener, NULL, NULL);
    if (fd < 0)
        _exit(1);
    close(listener);
    static const telnet_telopt_t nvt_options[] = {
        {TELNET_TELOPT_BINARY, TELNET_WONT, TELNET_DONT},
        {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
        {TELOPT_COM_PORT, TELNET_WONT, TELNET_DO},
        {-1, 0, 0},
    };
    static const telnet_telopt_t no_com_port_options[] = {
        {TELNET_TELOPT_BINARY, TELNET_WILL, TELNET_DO},
        {TELNET_TELOPT_SGA, TELNET_WILL, TELNET_DO},
        {TELOPT_COM_PORT, TELNET_WONT, TELNET_DONT},
        {-1, 0, 0},
    };
    struct fake_connection c = {fd, report_fd, mode};
    const telnet_telopt_t *options = mode == FAKE_NO_COM_PORT ? no_com_port_options : nvt_options;
    telnet_t *telnet = telnet_init(options, fake_event, 0, &c);
    /* a Telnet server speaks first, as ser2net does */
    telnet_negotiate(telnet, TELNET_WILL, TELNET_TELOPT_SGA);
    for (;;) {
        char b[4096];
        ssize_t r = read(fd, b, sizeof b);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        telnet_recv(telnet, b, (size_t)r);
    }
    telnet_free(telnet);
    _exit(0);
}

struct fake_server {
    pid_t pid;
    int port;
    int report_fd; /* the test's end */
};

static bool fake_start(struct fake_server *fs, enum fake_mode mode)
{
    memset(fs, 0, sizeof *fs);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    int report[2];
    if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof a) != 0 || listen(listener, 1) != 0 ||
        getsockname(listener, (struct sockaddr *)&a, &al) != 0 || pipe2(report, O_CLOEXEC) != 0) {
        TU_CHECK(false, "fake Telnet server: %s", strerror(errno));
        if (listener >= 0)
            close(listener);
        return false;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        close(report[0]);
        fake_serve(listener, report[1], mode);
    }
    close(listener);
    close(report[1]);
    if (pid < 0) {
        TU_CHECK(false, "fork: %s", strerror(errno));
        close(report[0]);
        return false;
    }
    fs->pid = pid;
    fs->port = ntohs(a.sin_port);
    fs->report_fd = report[0];
    return true;
}

static void fake_stop(struct fake_server *fs)
{
    tp_end_child(fs->pid, 1000 * MS);
    close(fs->report_fd);
}

/* Reads exactly n bytes of what the fake server received as data (at most 5 s). */
static bool fake_received(struct fake_server *fs, uint8_t *p, size_t n)
{
    uint64_t deadline = hx_monotonic_ns() + 5000 * MS;
    for (size_t got = 0; got < n;) {
        long r = hx_fd_read(fs->report_fd, p + got, n - got, 100 * MS);
        if (r < 0 || hx_monotonic_ns() >= deadline)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Reads exactly n bytes through t (at most 5 s). */
static bool read_exactly(struct hx_transport *t, uint8_t *p, size_t n)
{
    uint64_t deadline = hx_monotonic_ns() + 5000 * MS;
    for (size_t got = 0; got < n;) {
        long r = hx_read(t, p + got, n - got, 100 * MS);
        if (r < 0 || hx_monotonic_ns() >= deadline)
            return false;
        got += (size_t)r;
    }
    return true;
}

static void hex(char *out, size_t cap, const uint8_t *p, size_t n)
{
    out[0] = '\0';
    for (size_t i = 0, len = 0; i < n && len + 4 < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%02x ", p[i]);
}

/* The server declined BINARY: CR goes as CR NUL (unless LF follows), CR NUL comes back as CR,
 * CR LF stays, IAC is doubled and undoubled as in BINARY. */
static void test_rfc2217_nvt(void)
{
    struct fake_server fs;
    if (!fake_start(&fs, FAKE_NVT))
        return;
    char spec[64];
    snprintf(spec, sizeof spec, "rfc2217:127.0.0.1:%d", fs.port);
    struct hx_transport *t = open_target(spec);
    if (t) {
        uint8_t got[64];
        char h1[256], h2[256];
        bool ok = read_exactly(t, got, sizeof FAKE_GREETING_READ);
        hex(h1, sizeof h1, got, sizeof FAKE_GREETING_READ);
        TU_CHECK(ok && memcmp(got, FAKE_GREETING_READ, sizeof FAKE_GREETING_READ) == 0,
                 "NVT: the server's x CR NUL y CR LF z IAC IAC was read as %s", ok ? h1 : "(not all of it)");
        static const uint8_t written[] = {'A', 'T', '\r', 'A', '\r', '\n', 'B', 0xFF, '\r', '\0', 'C', '\r'};
        static const uint8_t on_wire[] = {'A', 'T', '\r', '\0', 'A', '\r', '\n', 'B', 0xFF,
                                          '\r', '\0', '\0', 'C', '\r', '\0'};
        TU_CHECK(hx_write(t, written, sizeof written) == 0, "NVT: the write failed");
        ok = fake_received(&fs, got, sizeof on_wire);
        hex(h1, sizeof h1, got, sizeof on_wire);
        hex(h2, sizeof h2, on_wire, sizeof on_wire);
        TU_CHECK(ok && memcmp(got, on_wire, sizeof on_wire) == 0, "NVT: the server received %s, expected %s",
                 ok ? h1 : "(not all of it)", h2);
        hx_close(t);
    }
    fake_stop(&fs);
}

static void test_rfc2217_server_refuses(void)
{
    struct fake_server fs;
    char spec[64];
    if (fake_start(&fs, FAKE_NO_COM_PORT)) {
        snprintf(spec, sizeof spec, "rfc2217:127.0.0.1:%d", fs.port);
        expect_refused(spec, "did not accept the COM-PORT-OPTION");
        fake_stop(&fs);
    }
    if (fake_start(&fs, FAKE_WRONG_BAUD)) {
        snprintf(spec, sizeof spec, "rfc2217:127.0.0.1:%d,baud=9600", fs.port);
        expect_refused(spec, "set the baud rate (SET-BAUDRATE) to 9601, not 9600");
        fake_stop(&fs);
    }
}

void transports_rfc2217_suite(void)
{
    CU_pSuite s = tu_suite("rfc2217");
    tu_add(s, "rfc2217: the reference module through ser2net", test_rfc2217_module);
    tu_add(s, "rfc2217: 256 KB with many 0xFF through ser2net and back", test_rfc2217_binary);
    tu_add(s, "rfc2217: baud=9600, 57600 and the default reach the pty", test_rfc2217_baud);
    tu_add(s, "rfc2217: flow=rtscts, xonxoff and none reach the pty", test_rfc2217_flow);
    tu_add(s, "rfc2217: a port that is not RFC 2217", test_rfc2217_not_rfc2217);
    tu_add(s, "rfc2217: errors of the spec", test_rfc2217_spec_errors);
    tu_add(s, "rfc2217: a server that declines BINARY (NVT end of line)", test_rfc2217_nvt);
    tu_add(s, "rfc2217: a server that refuses COM-PORT or sets another baud", test_rfc2217_server_refuses);
}
