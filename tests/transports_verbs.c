/* tests/transports_verbs.c — the verbs behind the transport tests, end to end: `otacheck
 * sim` (usage errors and the fault list, stdin to stdout on pipes, the write log, the end of
 * input, a host that goes away) and `otacheck bench latency` (it runs and pairs every answer
 * with one logged write; its figures are measured, not judged). */
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

void transports_verbs_suite(void)
{
    CU_pSuite s = tu_suite("verbs");
    tu_add(s, "sim: usage errors and the fault list", test_sim_usage);
    tu_add(s, "sim: stdin to stdout, write log, end of input", test_sim_stdin_stdout);
    tu_add(s, "sim: the host goes away", test_sim_host_gone);
    tu_add(s, "bench latency: pairs answers with writes", test_bench_latency_runs);
}
