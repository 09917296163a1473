/* tests/test_transports.c — every transport carries a real conversation with the reference
 * module, judged by the session (harness/session.h): ATE0, AT, a vendor query, AT+CGMR and an
 * unknown command each end in their final result with no findings, and AT -> OK probes
 * liveness.
 *
 *   exec:    `otacheck sim` as the program on a pty the transport makes;
 *   pty:     `otacheck sim` on the master of a pty pair, the transport on /dev/pts/N;
 *   serial:  the same pty through libserialport: libserialport cannot open ptys, so these
 *            checks run in a re-executed copy of this program with tests/shim_serialport.c
 *            preloaded (after the ASan runtime when this program has one);
 *   tcp:     a real ser2net on loopback exporting the module's pty.
 *
 * Hostile peers over exec: (shell one-liners) send garbage and NULs, a 1 MB line with no end,
 * nothing at all, close the port in the middle of an answer, or exit at once: each exchange
 * ends in a defined status with the expected findings, within its time limit; a module that
 * outlives its shell and ignores SIGTERM is ended when the transport closes. Spec errors
 * give -1 (usage) or -2 (unreachable) with a message naming the target. The verbs behind
 * these: `otacheck sim` (usage errors, pipes, the write log, a host that goes away) and
 * `otacheck bench latency` (it runs and pairs every answer with a write; figures are not
 * judged). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "harness/session.h"
#include "harness/transport.h"
#include "tests/peers.h"
#include "tests/tu.h"

#define MS TP_MS
#define ANSWER_LIMIT (2000 * MS) /* the module answers in 2 ms; this is for a busy machine */
#define SHIM_CHILD_ARG "--in-serial-shim"

static const char *status_name(enum hx_status s)
{
    static const char *const names[] = {"done", "timeout", "lost", "rebooted"};
    return (unsigned)s < 4 ? names[s] : "?";
}

/* A query every vendor's module answers with information lines. */
static const char *vendor_query(const char *vendor)
{
    static const char *const q[][2] = {
        {"quectel", "AT+QIOTOTAREQ=?"}, {"fibocom", "AT+GTOTA=?"}, {"simcom", "AT+CAPFOTA?"},
        {"airm2m", "AT+UPGRADE?"},      {"qualcomm", "AT+OTAFWUP"}, /* its read form is silent */
    };
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++)
        if (strcmp(q[i][0], vendor) == 0)
            return q[i][1];
    return "AT+CGMR";
}

static void print_transcript(const struct hx_session *s, const struct hx_exchange *x)
{
    char buf[4096];
    hx_transcript(s, x->first_ev, x->end_ev, buf, sizeof buf);
    fprintf(stderr, "    transcript of %s:\n%s", x->cmd, buf);
    for (unsigned i = 0; i < x->n_findings; i++)
        fprintf(stderr, "    finding %s: expected %s, seen %s\n", x->findings[i].rule,
                x->findings[i].expected, x->findings[i].seen);
}

static bool has_finding(const struct hx_exchange *x, const char *rule)
{
    for (unsigned i = 0; i < x->n_findings; i++)
        if (strcmp(x->findings[i].rule, rule) == 0)
            return true;
    return false;
}

static bool has_info(const struct hx_session *s, const struct hx_exchange *x)
{
    for (size_t i = x->first_ev; i < x->end_ev; i++)
        if (s->ev[i].cls == AT_CLS_INFO && s->ev[i].valid)
            return true;
    return false;
}

/* cmd must end in a final starting with final_prefix, with information lines if want_info,
 * and no findings. */
static void expect_answer(struct hx_session *s, const char *where, const char *cmd, const char *final_prefix,
                          bool want_info)
{
    struct hx_exchange x;
    enum hx_status st = hx_exchange(s, cmd, ANSWER_LIMIT, &x);
    bool ok = st == HX_DONE;
    TU_CHECK(ok, "%s: %s: status %s, expected done", where, cmd, status_name(st));
    if (ok) {
        const char *final = s->ev[x.final_ev].text;
        ok = strncmp(final, final_prefix, strlen(final_prefix)) == 0;
        TU_CHECK(ok, "%s: %s: final '%s', expected '%s'", where, cmd, final, final_prefix);
        if (want_info) {
            ok = ok && has_info(s, &x);
            TU_CHECK(has_info(s, &x), "%s: %s: no valid information line", where, cmd);
        }
    }
    TU_CHECK(x.n_findings == 0, "%s: %s: %u findings, the first: %s (%s)", where, cmd, x.n_findings,
             x.n_findings ? x.findings[0].rule : "", x.n_findings ? x.findings[0].seen : "");
    if (!ok || x.n_findings)
        print_transcript(s, &x);
}

/* The conversation every transport must carry. */
static void converse(struct hx_transport *t, const char *vendor, const char *where)
{
    struct hx_session s;
    if (hx_session_init(&s, t, tu_vendor(vendor), NULL, NULL) != 0) {
        TU_CHECK(false, "%s: the session does not start", where);
        return;
    }
    expect_answer(&s, where, "ATE0", "OK", false);
    expect_answer(&s, where, "AT", "OK", false);
    expect_answer(&s, where, vendor_query(vendor), "OK", true);
    expect_answer(&s, where, "AT+CGMR", "OK", true);
    expect_answer(&s, where, "AT+OTACHECKNOSUCH", "ERROR", false);
    TU_CHECK(hx_probe(&s), "%s: AT -> OK probe failed", where);
    hx_session_free(&s);
}

static struct hx_transport *open_target(const char *spec)
{
    struct hx_transport *t = NULL;
    char err[512] = "";
    int r = hx_open(spec, tu_grammar(), &t, err, sizeof err);
    TU_CHECK(r == 0, "hx_open %s: %d: %s", spec, r, err);
    return r == 0 ? t : NULL;
}

/* hx_open must fail with code want and a message containing text. */
static void expect_open_error(const char *spec, int want, const char *text)
{
    struct hx_transport *t = NULL;
    char err[512] = "";
    int r = hx_open(spec, tu_grammar(), &t, err, sizeof err);
    TU_CHECK(r == want, "hx_open %s: %d (%s), expected %d", spec, r, err, want);
    TU_CHECK(strstr(err, text) != NULL, "hx_open %s: message '%s' lacks '%s'", spec, err, text);
    if (r == 0)
        hx_close(t);
}

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
    char err[256];
    if (tp_module_start(&m, OTACHECK_BIN, "fibocom", err, sizeof err) != 0) {
        TU_CHECK(false, "pty module: %s", err);
        return;
    }
    char spec[128];
    snprintf(spec, sizeof spec, "pty:%s", m.path);
    struct hx_transport *t = open_target(spec);
    if (t)
        converse(t, "fibocom", "pty");
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
    char err[256], spec[128];
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
    char err[256], spec[256];
    if (tp_module_start(&m, OTACHECK_BIN, vendor, err, sizeof err) != 0) {
        TU_CHECK(false, "pty module: %s", err);
        return;
    }
    snprintf(spec, sizeof spec, "serial:%s%s", m.path, options);
    struct hx_transport *t = open_target(spec);
    if (t)
        converse(t, vendor, spec);
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
    char err[256], spec[256];
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
    char err[512];
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

/* ---- hostile peers over exec: ---------------------------------------------------------- */

/* Opens exec:<script> and runs one exchange of AT with the given limit (qualcomm: no echo,
 * so only what the script sends is judged). */
struct hostile {
    struct hx_transport *t;
    struct hx_session s;
    struct hx_exchange x;
    enum hx_status st;
    uint64_t took;
};

static bool hostile_exchange(struct hostile *h, const char *script, uint64_t limit)
{
    char spec[1024];
    snprintf(spec, sizeof spec, "exec:%s", script);
    h->t = open_target(spec);
    if (!h->t)
        return false;
    hx_session_init(&h->s, h->t, tu_vendor("qualcomm"), NULL, NULL);
    uint64_t t0 = hx_monotonic_ns();
    h->st = hx_exchange(&h->s, "AT", limit, &h->x);
    h->took = hx_monotonic_ns() - t0;
    return true;
}

static void hostile_end(struct hostile *h)
{
    if (!h->t)
        return;
    hx_session_free(&h->s);
    hx_close(h->t);
}

static void test_hostile_garbage(void)
{
    struct hostile h;
    if (!hostile_exchange(&h, "head -c 3 >/dev/null; printf '\\r\\n\\000\\001\\377garbage\\000\\r\\n\\r\\nOK\\r\\n';"
                              " exec sleep 30", ANSWER_LIMIT))
        return;
    TU_CHECK(h.st == HX_DONE, "garbage: status %s, expected done (OK came after it)", status_name(h.st));
    TU_CHECK(has_finding(&h.x, "clean-output"), "garbage: not reported");
    hostile_end(&h);
}

static void test_hostile_long_line(void)
{
    struct hostile h;
    if (!hostile_exchange(&h, "head -c 3 >/dev/null; head -c 1048576 /dev/zero | tr '\\000' A; exec sleep 30",
                          1500 * MS))
        return;
    TU_CHECK(h.st == HX_TIMEOUT, "1 MB line: status %s, expected timeout", status_name(h.st));
    TU_CHECK(has_finding(&h.x, "final-result"), "1 MB line: no final-result finding");
    bool overflow = false;
    for (size_t i = h.x.first_ev; i < h.x.end_ev; i++)
        overflow = overflow || h.s.ev[i].tok == AT_TOK_OVERFLOW;
    TU_CHECK(overflow, "1 MB line: no overflow token");
    TU_CHECK(h.took < 1500 * MS + 3000 * MS, "1 MB line: the exchange took %llu ms",
             (unsigned long long)(h.took / MS));
    /* the session goes on */
    enum hx_status st = hx_exchange(&h.s, "AT", 300 * MS, &h.x);
    TU_CHECK(st == HX_TIMEOUT, "1 MB line, next exchange: status %s", status_name(st));
    hostile_end(&h);
}

static void test_hostile_silent(void)
{
    struct hostile h;
    if (!hostile_exchange(&h, "exec cat >/dev/null", 300 * MS))
        return;
    TU_CHECK(h.st == HX_TIMEOUT, "silent: status %s, expected timeout", status_name(h.st));
    TU_CHECK(has_finding(&h.x, "final-result"), "silent: no final-result finding");
    TU_CHECK(h.took >= 299 * MS && h.took < 300 * MS + 2000 * MS, "silent: timeout of 300 ms took %llu ms",
             (unsigned long long)(h.took / MS));
    hostile_end(&h);
}

static void test_hostile_close_mid_answer(void)
{
    struct hostile h;
    if (!hostile_exchange(&h, "head -c 3 >/dev/null; printf '\\r\\n+OTAFWUP: 1,'; exit 0", 5000 * MS))
        return;
    TU_CHECK(h.st == HX_LOST, "closed mid-answer: status %s, expected lost", status_name(h.st));
    TU_CHECK(h.took < 4000 * MS, "closed mid-answer: took %llu ms to notice", (unsigned long long)(h.took / MS));
    enum hx_status st = hx_exchange(&h.s, "AT", 5000 * MS, &h.x);
    TU_CHECK(st == HX_LOST, "after the loss: status %s, expected lost", status_name(st));
    hostile_end(&h);
}

static void test_hostile_exit_at_once(void)
{
    static const char *const scripts[] = {"exit 0", "/nonexistent/otacheck-module 2>/dev/null"};
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        struct hostile h;
        if (!hostile_exchange(&h, scripts[i], 5000 * MS))
            continue;
        TU_CHECK(h.st == HX_LOST, "'%s': status %s, expected lost", scripts[i], status_name(h.st));
        TU_CHECK(h.took < 4000 * MS, "'%s': took %llu ms to notice", scripts[i], (unsigned long long)(h.took / MS));
        hostile_end(&h);
    }
}

/* Is the process gone (no /proc entry, or a zombie nobody reaped yet)? */
static bool process_gone(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    bool zombie = fgets(buf, sizeof buf, f) && strstr(buf, ") Z ");
    fclose(f);
    return zombie;
}

/* A module that outlives the shell that started it, and ignores SIGTERM: closing the
 * transport ends it all the same. */
static void test_hostile_outlives_shell(void)
{
    char pidfile[] = "/tmp/otacheck-module-pid-XXXXXX", script[256];
    int fd = mkstemp(pidfile);
    if (fd < 0) {
        TU_CHECK(false, "mkstemp: %s", strerror(errno));
        return;
    }
    close(fd);
    snprintf(script, sizeof script, "(trap '' TERM HUP; exec sleep 30) & echo $! >%s; wait", pidfile);
    struct hostile h;
    if (!hostile_exchange(&h, script, 300 * MS)) {
        unlink(pidfile);
        return;
    }
    TU_CHECK(h.st == HX_TIMEOUT, "outlives its shell: status %s, expected timeout", status_name(h.st));
    FILE *f = fopen(pidfile, "r");
    int pid = 0;
    if (f) {
        if (fscanf(f, "%d", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    unlink(pidfile);
    hostile_end(&h);
    TU_CHECK(pid > 0, "the script did not say its module's pid");
    if (pid <= 0)
        return;
    bool gone = false;
    for (uint64_t until = hx_monotonic_ns() + 3000 * MS; !gone && hx_monotonic_ns() < until; usleep(10000))
        gone = process_gone(pid);
    TU_CHECK(gone, "the module (pid %d) still runs after the transport was closed", pid);
    if (!gone)
        kill(pid, SIGKILL);
}

/* ---- the verbs: otacheck sim, otacheck bench latency ------------------------------------ */

static void test_sim_usage(void)
{
    char out[8192];
    int st = 0;
    const char *const unknown_vendor[] = {OTACHECK_BIN, "sim", "--vendor", "nosuch", NULL};
    bool ended = tp_run(unknown_vendor, NULL, 0, 10000 * MS, out, sizeof out, &st);
    TU_CHECK(ended && WIFEXITED(st) && WEXITSTATUS(st) == 2, "sim --vendor nosuch: status 0x%x, expected exit 2", st);
    TU_CHECK(strstr(out, "known vendors:") && strstr(out, "fibocom"), "sim --vendor nosuch does not list the vendors: %s", out);
    const char *const unknown_fault[] = {OTACHECK_BIN, "sim", "--vendor", "quectel", "--fault", "nosuch", NULL};
    ended = tp_run(unknown_fault, NULL, 0, 10000 * MS, out, sizeof out, &st);
    TU_CHECK(ended && WIFEXITED(st) && WEXITSTATUS(st) == 2, "sim --fault nosuch: status 0x%x, expected exit 2", st);
    TU_CHECK(strstr(out, "known faults:") && strstr(out, "double-final"), "sim --fault nosuch does not list the faults: %s", out);
    const char *const list[] = {OTACHECK_BIN, "sim", "--list-faults", "--vendor", "fibocom", NULL};
    ended = tp_run(list, NULL, 0, 10000 * MS, out, sizeof out, &st);
    TU_CHECK(ended && WIFEXITED(st) && WEXITSTATUS(st) == 0, "sim --list-faults: status 0x%x", st);
    TU_CHECK(strstr(out, "payload-short") && strstr(out, "payload-length") && strstr(out, "does not apply to fibocom"),
             "sim --list-faults: names, rules or the vendor mark missing: %s", out);
}

/* End of input ends the module at once; output goes out as it falls due, each write logged. */
static void test_sim_stdin_stdout(void)
{
    char log[] = "/tmp/otacheck-sim-log-XXXXXX", out[8192];
    int fd = mkstemp(log);
    if (fd < 0) {
        TU_CHECK(false, "mkstemp: %s", strerror(errno));
        return;
    }
    close(fd);
    const char *const argv[] = {OTACHECK_BIN, "sim", "--vendor", "fibocom", "--write-log", log, NULL};
    int st = 0;
    uint64_t t0 = hx_monotonic_ns();
    bool ended = tp_run(argv, "ATE0\rAT+GTOTA=?\r", 500 * MS, 10000 * MS, out, sizeof out, &st);
    uint64_t took = hx_monotonic_ns() - t0;
    TU_CHECK(ended && WIFEXITED(st) && WEXITSTATUS(st) == 0, "sim on pipes: status 0x%x, expected exit 0", st);
    TU_CHECK(took < 500 * MS + 3000 * MS, "sim did not end at the end of its input (%llu ms)",
             (unsigned long long)(took / MS));
    TU_CHECK(strstr(out, "ATE0\r\r\nOK\r\n") && strstr(out, "+GTOTA: ") && strstr(out, "\r\nOK\r\n"),
             "sim output: %s", out);
    FILE *f = fopen(log, "r");
    unsigned lines = 0, bytes = 0;
    unsigned long long t;
    unsigned b;
    while (f && fscanf(f, "%llu %u", &t, &b) == 2) {
        lines++;
        bytes += b;
    }
    if (f)
        fclose(f);
    unlink(log);
    TU_CHECK(lines >= 1 && bytes == strlen(out), "write log: %u lines, %u bytes for %zu bytes written", lines, bytes,
             strlen(out));
}

/* A host that closed its end: the module's write fails and it ends, not killed by SIGPIPE. */
static void test_sim_host_gone(void)
{
    int in[2], outp[2];
    if (pipe(in) != 0 || pipe(outp) != 0) {
        TU_CHECK(false, "pipe: %s", strerror(errno));
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        signal(SIGPIPE, SIG_DFL);
        dup2(in[0], 0);
        dup2(outp[1], 1);
        close(in[0]);
        close(in[1]);
        close(outp[0]);
        close(outp[1]);
        execl(OTACHECK_BIN, OTACHECK_BIN, "sim", "--vendor", "quectel", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    close(outp[0]); /* nobody reads what the module writes */
    TU_CHECK(write(in[1], "AT\r", 3) == 3, "cannot write to the module");
    int st = 0;
    bool ended = tp_wait_child(pid, 5000 * MS, &st);
    if (!ended)
        tp_end_child(pid, 1000 * MS);
    close(in[1]);
    TU_CHECK(ended, "the module did not end when its output had no reader");
    TU_CHECK(ended && WIFEXITED(st), "the module died of signal %d instead of ending", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* The latency bench pairs every answer with one logged write (figures are not judged). */
static void test_bench_latency_runs(void)
{
    char log[] = "/tmp/otacheck-bench-log-XXXXXX", out[8192], target[1024];
    int fd = mkstemp(log);
    if (fd < 0) {
        TU_CHECK(false, "mkstemp: %s", strerror(errno));
        return;
    }
    close(fd);
    snprintf(target, sizeof target, "exec:'%s' sim --vendor fibocom --write-log %s", OTACHECK_BIN, log);
    const char *const argv[] = {OTACHECK_BIN, "bench", "latency", "--target", target, "--count", "50", NULL};
    int st = 0;
    bool ended = tp_run(argv, NULL, 0, 60000 * MS, out, sizeof out, &st);
    unlink(log);
    TU_CHECK(ended && WIFEXITED(st) && WEXITSTATUS(st) == 0, "bench latency: status 0x%x: %s", st, out);
    TU_CHECK(strstr(out, "50 exchanges") && strstr(out, "module write -> final read, us: p50") &&
                 strstr(out, "round trip"),
             "bench latency output: %s", out);
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
    s = tu_suite("hostile");
    tu_add(s, "hostile: garbage and NULs", test_hostile_garbage);
    tu_add(s, "hostile: a 1 MB line without end", test_hostile_long_line);
    tu_add(s, "hostile: silence", test_hostile_silent);
    tu_add(s, "hostile: port closed mid-answer", test_hostile_close_mid_answer);
    tu_add(s, "hostile: exits at once", test_hostile_exit_at_once);
    tu_add(s, "hostile: outlives its shell, ignores SIGTERM", test_hostile_outlives_shell);
    s = tu_suite("verbs");
    tu_add(s, "sim: usage errors and the fault list", test_sim_usage);
    tu_add(s, "sim: stdin to stdout, write log, end of input", test_sim_stdin_stdout);
    tu_add(s, "sim: the host goes away", test_sim_host_gone);
    tu_add(s, "bench latency: pairs answers with writes", test_bench_latency_runs);
    return tu_run(argc, argv);
}
