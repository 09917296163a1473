/* tests/transports_hostile.c — hostile peers over exec: (shell one-liners) that send
 * garbage and NULs, a 1 MB line with no end, nothing at all, close the port in the middle of
 * an answer, exit at once, or outlive their shell ignoring SIGTERM: each exchange ends in a
 * defined status with the expected findings, within its time limit, and closing the
 * transport leaves nothing running. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/transports_check.h"
#include "tests/tu.h"

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

void transports_hostile_suite(void)
{
    CU_pSuite s = tu_suite("hostile");
    tu_add(s, "hostile: garbage and NULs", test_hostile_garbage);
    tu_add(s, "hostile: a 1 MB line without end", test_hostile_long_line);
    tu_add(s, "hostile: silence", test_hostile_silent);
    tu_add(s, "hostile: port closed mid-answer", test_hostile_close_mid_answer);
    tu_add(s, "hostile: exits at once", test_hostile_exit_at_once);
    tu_add(s, "hostile: outlives its shell, ignores SIGTERM", test_hostile_outlives_shell);
}
