/* tests/test_transports.c — every transport carries a real conversation with the reference
 * module, judged by the session (harness/session.h): ATE0, AT, a vendor query, AT+CGMR and an
 * unknown command each end in their final result with no findings, and AT -> OK probes
 * liveness (tests/transports_check.c).
 *
 *   exec:    `otacheck sim` as the program on a pty the transport makes;
 *   pty:     `otacheck sim` on the master of a pty pair, the transport on /dev/pts/N;
 *   serial:  the same pty through libserialport: libserialport cannot open ptys, so these
 *            checks run in a re-executed copy of this program with tests/shim_serialport.c
 *            preloaded (after the ASan runtime when this program has one);
 *   tcp:     a real ser2net on loopback exporting the module's pty;
 *   rfc2217: the same through ser2net's telnet(rfc2217) accepter (transports_rfc2217.c).
 *
 * Spec errors give -1 (usage) or -2 (unreachable) with a message naming the target; a port
 * that goes away ends the exchange as LOST. Hostile peers are in transports_hostile.c, the
 * sim and bench verbs in transports_verbs.c. */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/transports_check.h"
#include "tests/tu.h"

#define SHIM_CHILD_ARG "--in-serial-shim"

void transports_rfc2217_suite(void); /* transports_rfc2217.c */

/* ---- exec: ---------------------------------------------------------------------------- */

static void exec_spec(char *buf, size_t n, const char *args)
{
    snprintf(buf, n, "exec:'%s' sim %s", OTACHECK_BIN, args);
}

static void test_exec_module(void)
{
    char spec[1024];
    exec_spec(spec, sizeof spec, "--vendor quectel");
    struct hx_transport *t = open_target(spec);
    if (t)
        converse(t, "quectel", "exec");
    hx_close(t);
    /* the conformance cases over it: the faultless module passes them, a faulted one fails
     * them on the fault's rule */
    t = open_target(spec);
    if (t)
        conform_over(t, "quectel", "+QIOTREG", NULL, "exec conform");
    hx_close(t);
    exec_spec(spec, sizeof spec, "--vendor quectel --fault wrong-test-range");
    t = open_target(spec);
    if (t)
        conform_over(t, "quectel", "+QIOTREG", "test-range", "exec conform, wrong-test-range");
    hx_close(t);
}

/* The sim's --fault reaches the module: the session must notice it (the check can fail). */
static void test_exec_module_fault(void)
{
    char spec[1024];
    exec_spec(spec, sizeof spec, "--vendor fibocom --fault double-final");
    struct hx_transport *t = open_target(spec);
    if (!t)
        return;
    struct hx_session s;
    hx_session_init(&s, t, tu_vendor("fibocom"), NULL, NULL);
    struct hx_exchange x;
    enum hx_status st = hx_exchange(&s, "AT+GTOTA=?", ANSWER_LIMIT, &x);
    TU_CHECK(st == HX_DONE, "double-final: status %s", status_name(st));
    TU_CHECK(has_finding(&x, "final-result"), "double-final: the second final was not reported");
    hx_session_free(&s);
    hx_close(t);
}

/* ---- pty: ----------------------------------------------------------------------------- */

static void test_pty_module(void)
{
    struct tp_module m;
    char err[256] = "";
    if (tp_module_start(&m, OTACHECK_BIN, "fibocom", err, sizeof err) != 0) {
        TU_CHECK(false, "pty module: %s", err);
        return;
    }
    char spec[128];
    snprintf(spec, sizeof spec, "pty:%s", m.path);
    struct hx_transport *t = open_target(spec);
    if (t) {
        converse(t, "fibocom", "pty");
        conform_over(t, "fibocom", "+CMEE", NULL, "pty conform");
    }
    hx_close(t);
    tp_module_stop(&m);
}

static void test_pty_errors(void)
{
    expect_open_error("pty:/dev/otacheck-no-such-tty", -2, "No such file");
    expect_open_error("pty:/dev/null,parity=odd", -1, "unknown option");
}

/* ---- serial: (the libserialport path) ------------------------------------------------ */

static bool shim_loaded(void)
{
    return dlsym(RTLD_DEFAULT, "otacheck_serial_shim_loaded") != NULL;
}

static void test_serial_errors(void)
{
    expect_open_error("serial:", -1, "needs a device");
    expect_open_error("serial:/dev/otacheck-no-such-port", -2, "no such port");
    expect_open_error("serial:/dev/otacheck-no-such-port,baud=fast", -1, "bad baud rate");
    expect_open_error("serial:/dev/otacheck-no-such-port,baud=0", -1, "bad baud rate");
    expect_open_error("serial:/dev/otacheck-no-such-port,flow=maybe", -1, "unknown option");
    expect_open_error("serial:/dev/otacheck-no-such-port,parity=even", -1, "unknown option");
    if (shim_loaded())
        return;
    /* without the shim, libserialport does not know a pty: the message says what to use */
    struct tp_module m;
    char err[256] = "", spec[128];
    if (tp_module_start(&m, OTACHECK_BIN, "quectel", err, sizeof err) != 0) {
        TU_CHECK(false, "pty module: %s", err);
        return;
    }
    snprintf(spec, sizeof spec, "serial:%s", m.path);
    expect_open_error(spec, -2, "for a pseudo-terminal use pty:");
    tp_module_stop(&m);
}

/* In the re-executed copy with the shim: a conversation at the given line settings. */
static void serial_conversation(const char *vendor, const char *options)
{
    TU_CHECK(shim_loaded(), "the serial shim is not preloaded");
    struct tp_module m;
    char err[256] = "", spec[256];
    if (tp_module_start(&m, OTACHECK_BIN, vendor, err, sizeof err) != 0) {
        TU_CHECK(false, "pty module: %s", err);
        return;
    }
    snprintf(spec, sizeof spec, "serial:%s%s", m.path, options);
    struct hx_transport *t = open_target(spec);
    if (t) {
        converse(t, vendor, spec);
        if (!options[0])
            conform_over(t, vendor, "+CAPFOTA", NULL, "serial conform");
    }
    hx_close(t);
    tp_module_stop(&m);
}

static void test_serial_default(void)
{
    serial_conversation("simcom", "");
}

static void test_serial_rtscts(void)
{
    serial_conversation("airm2m", ",baud=57600,flow=rtscts");
}

static void test_serial_xonxoff(void)
{
    serial_conversation("quectel", ",baud=9600,flow=xonxoff");
}

/* The module goes away: the next exchange is LOST, well before its time limit. */
static void test_serial_lost(void)
{
    struct tp_module m;
    char err[256] = "", spec[256];
    if (tp_module_start(&m, OTACHECK_BIN, "fibocom", err, sizeof err) != 0) {
        TU_CHECK(false, "pty module: %s", err);
        return;
    }
    snprintf(spec, sizeof spec, "serial:%s", m.path);
    struct hx_transport *t = open_target(spec);
    if (t) {
        struct hx_session s;
        hx_session_init(&s, t, tu_vendor("fibocom"), NULL, NULL);
        TU_CHECK(hx_probe(&s), "serial: AT -> OK before the module went away");
        tp_module_kill(&m);
        struct hx_exchange x;
        uint64_t t0 = hx_monotonic_ns();
        enum hx_status st = hx_exchange(&s, "AT", 5000 * MS, &x);
        uint64_t took = hx_monotonic_ns() - t0;
        TU_CHECK(st == HX_LOST, "serial: module gone: status %s, expected lost", status_name(st));
        TU_CHECK(took < 4000 * MS, "serial: the loss took %llu ms to notice",
                 (unsigned long long)(took / MS));
        hx_session_free(&s);
    }
    hx_close(t);
    tp_module_stop(&m);
}

/* The ASan runtime this program runs with, if it is a shared library: it must come first
 * in LD_PRELOAD, before the (uninstrumented) shim. */
static bool asan_runtime(char *path, size_t n)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return false;
    char line[1024];
    bool found = false;
    while (!found && fgets(line, sizeof line, f)) {
        char *p = strchr(line, '/');
        if (p && strstr(p, "/libasan.so")) {
            p[strcspn(p, "\n")] = '\0';
            snprintf(path, n, "%s", p);
            found = true;
        }
    }
    fclose(f);
    return found;
}

/* Runs the serial checks in a copy of this program with the shim preloaded; they pass when
 * it exits 0. */
static void test_serial_through_shim(void)
{
    char preload[2048], rt[1024];
    if (asan_runtime(rt, sizeof rt))
        snprintf(preload, sizeof preload, "%s:%s", rt, OTACHECK_SHIM);
    else
        snprintf(preload, sizeof preload, "%s", OTACHECK_SHIM);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        TU_CHECK(false, "fork: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        setenv("LD_PRELOAD", preload, 1);
        execl("/proc/self/exe", "test_transports", SHIM_CHILD_ARG, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    bool ended = tp_wait_child(pid, 100000 * MS, &st);
    if (!ended)
        tp_end_child(pid, 1000 * MS);
    TU_CHECK(ended, "serial checks under the shim did not end within 100 s");
    TU_CHECK(ended && WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "serial checks under the shim (LD_PRELOAD=%s) failed: status 0x%x (see above)", preload, st);
}

/* ---- tcp: through a real ser2net ------------------------------------------------------- */

static void test_tcp_ser2net(void)
{
    struct tp_module m;
    char err[512] = "";
    if (tp_module_start(&m, OTACHECK_BIN, "qualcomm", err, sizeof err) != 0) {
        TU_CHECK(false, "pty module: %s", err);
        return;
    }
    struct tp_ser2net s2n;
    int r = tp_ser2net_start(&s2n, m.path, err, sizeof err);
    if (r == 1) {
        printf("\n    SKIP tcp/ser2net: no ser2net binary (install the Debian package ser2net)\n");
        tp_module_stop(&m);
        return;
    }
    TU_CHECK(r == 0, "ser2net: %s", err);
    if (r == 0) {
        char spec[64];
        snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d", s2n.port);
        struct hx_transport *t = open_target(spec);
        if (t) {
            converse(t, "qualcomm", spec);
            conform_over(t, "qualcomm", "+HTTPGETSIZE", NULL, "tcp conform");
            /* ser2net goes away: the connection closes, the exchange is LOST */
            struct hx_session s;
            hx_session_init(&s, t, tu_vendor("qualcomm"), NULL, NULL);
            tp_ser2net_stop(&s2n);
            struct hx_exchange x;
            enum hx_status st = hx_exchange(&s, "AT", 5000 * MS, &x);
            TU_CHECK(st == HX_LOST, "tcp: ser2net gone: status %s, expected lost", status_name(st));
            hx_session_free(&s);
        }
        hx_close(t);
    }
    tp_ser2net_stop(&s2n);
    tp_module_stop(&m);
}

static void test_tcp_errors(void)
{
    char spec[64];
    snprintf(spec, sizeof spec, "tcp:127.0.0.1:%d", tp_free_port());
    expect_open_error(spec, -2, "connection refused");
    expect_open_error("tcp:127.0.0.1", -1, "needs a host and a port");
    expect_open_error("tcp::2000", -1, "needs a host and a port");
    expect_open_error("tcp:127.0.0.1:99999", -1, "needs a host and a port");
    expect_open_error("tcp:[::1:2000", -1, "brackets");
    expect_open_error("tcp:otacheck-no-such-host.invalid:2000", -2, "cannot resolve");
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    if (argc > 1 && strcmp(argv[1], SHIM_CHILD_ARG) == 0) {
        CU_pSuite s = tu_suite("serial (libserialport on a pty, shim preloaded)");
        tu_add(s, "serial: errors of the spec", test_serial_errors);
        tu_add(s, "serial: 115200 8N1, no flow control", test_serial_default);
        tu_add(s, "serial: 57600, RTS/CTS", test_serial_rtscts);
        tu_add(s, "serial: 9600, XON/XOFF", test_serial_xonxoff);
        tu_add(s, "serial: the module goes away", test_serial_lost);
        return tu_run(1, argv);
    }
    CU_pSuite s = tu_suite("exec");
    tu_add(s, "exec: otacheck sim", test_exec_module);
    tu_add(s, "exec: otacheck sim --fault", test_exec_module_fault);
    s = tu_suite("pty");
    tu_add(s, "pty: otacheck sim on the master", test_pty_module);
    tu_add(s, "pty: errors", test_pty_errors);
    s = tu_suite("serial");
    tu_add(s, "serial: errors of the spec", test_serial_errors);
    tu_add(s, "serial: libserialport through the shim", test_serial_through_shim);
    s = tu_suite("tcp");
    tu_add(s, "tcp: through ser2net", test_tcp_ser2net);
    tu_add(s, "tcp: errors", test_tcp_errors);
    transports_rfc2217_suite();
    transports_hostile_suite();
    transports_verbs_suite();
    return tu_run(argc, argv);
}
