/* tests/test_devrun.c — the device fuzzer's waits after a flow (fuzz/devrun.c), against a
 * scripted module over exec: (tests/scripted/cscfota_module.py) whose AT+CSCFOTA flow
 * ends as each test asks:
 *   - a download that failed brings nothing to apply: the fuzzer does not wait for a
 *     restart, and a restart after it is not explained (a reboot finding);
 *   - a download that ended well may be applied by a restart: the fuzzer goes on at once,
 *     and a restart within --flow-quiet is explained, with the echo the restart brought
 *     back taken as it comes; a restart after that time is not explained.
 * The waits asserted are the fuzzer's own (flow_quiet of 4 s against runs of well under
 * a second), margins of seconds on any machine. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/devrun.h"
#include "harness/rules.h"
#include "tests/tu.h"

#define MS 1000000ull
#define FLOW_QUIET_MS 4000

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool open_module(struct df_target *tg, const char *args)
{
    static char spec[256];
    memset(tg, 0, sizeof *tg);
    snprintf(spec, sizeof spec, "exec:python3 %s %s", tu_src("tests/scripted/cscfota_module.py"), args);
    tg->spec = spec;
    tg->gs = tu_grammar();
    tg->v = tu_vendor("simcom");
    gram_dialect_default(&tg->d, tg->v);
    tg->margin_ns = 1000 * MS;
    tg->flow_quiet_ns = FLOW_QUIET_MS * MS;
    tg->end_quiet_ns = 100 * MS;
    char err[256] = "";
    int rc = df_target_open(tg, err, sizeof err);
    TU_CHECK(rc == 0, "%s: %s", spec, err);
    return rc == 0;
}

/* Runs one line as a case of a fuzzing run (not alone); returns the seconds it took. */
static double run(struct df_target *tg, const char *line, struct df_outcome *out)
{
    struct fz_lines l;
    fz_lines_init(&l);
    fz_lines_push(&l, line, strlen(line));
    double t0 = now_s();
    df_run_lines(tg, &l, false, out);
    fz_lines_free(&l);
    return now_s() - t0;
}

static const char *const START = "AT+CSCFOTA=\"oem\",\"model\",\"1\",\"s3cr3t-value\",\"V2\"";

static bool has_reboot(const struct df_outcome *o)
{
    return df_outcome_find(o, hx_rule_name(HR_REBOOT)) != NULL;
}

/* Did the last run see the module's boot URC? */
static bool saw_restart(const struct df_target *tg)
{
    static char t[16384];
    df_transcript(tg, t, sizeof t);
    return strstr(t, "< RDY") != NULL;
}

/* Runs line as cases until the restart shows (at most tries, 250 ms apart: a busy machine
 * may run the module late); true when it did. */
static bool run_until_restart(struct df_target *tg, const char *line, struct df_outcome *out, int tries)
{
    for (int i = 0; i < tries; i++) {
        run(tg, line, out);
        if (saw_restart(tg))
            return true;
        usleep(250 * 1000);
    }
    return false;
}

static void failed_flow_then_restart(void)
{
    struct df_target tg;
    if (!open_module(&tg, "--end fail --restart-after 300"))
        return;
    struct df_outcome out;
    double s = run(&tg, START, &out);
    TU_CHECK(out.n == 0, "the failed download itself is no finding (%u: %s)", out.n, out.n ? out.f[0].rule : "");
    TU_CHECK(s < FLOW_QUIET_MS / 1000.0 / 2, "no wait for a restart after a failure: %.2f s", s);
    bool seen = run_until_restart(&tg, "AT", &out, 20);
    TU_CHECK(seen && has_reboot(&out), "a restart after a failed download is not explained (seen %d, %u findings)",
             seen, out.n);
    df_target_close(&tg);
}

static void good_flow_then_restart(void)
{
    struct df_target tg;
    if (!open_module(&tg, "--end ok --restart-after 300"))
        return;
    struct df_outcome out;
    double s = run(&tg, START, &out);
    TU_CHECK(out.n == 0, "the download itself is no finding (%u: %s)", out.n, out.n ? out.f[0].rule : "");
    TU_CHECK(s < FLOW_QUIET_MS / 1000.0 / 2, "the cases go on while the restart may still come: %.2f s", s);
    /* the restart comes within flow_quiet (the module sends it 0.4 s after the line): its
     * echo is back on, the fuzzer's was off */
    bool seen = run_until_restart(&tg, "ATE0", &out, 8);
    TU_CHECK(seen && out.n == 0, "a restart within flow_quiet after a good download is explained (seen %d, %u: %s %s)",
             seen, out.n, out.n ? out.f[0].rule : "", out.n ? out.f[0].seen : "");
    run(&tg, "AT", &out);
    TU_CHECK(out.n == 0, "and the echo is known again (%u: %s)", out.n, out.n ? out.f[0].seen : "");
    df_target_close(&tg);
}

static void good_flow_restart_too_late(void)
{
    struct df_target tg;
    if (!open_module(&tg, "--end ok --restart-after 6000"))
        return;
    struct df_outcome out;
    run(&tg, START, &out);
    run(&tg, "AT", &out);
    TU_CHECK(out.n == 0, "nothing yet (%u)", out.n);
    sleep(6);
    bool seen = run_until_restart(&tg, "AT", &out, 20);
    TU_CHECK(seen && has_reboot(&out), "a restart long after flow_quiet is not explained (seen %d, %u findings)",
             seen, out.n);
    df_target_close(&tg);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = tu_suite("fuzzer waits after a flow");
    tu_add(s, "a failed download: no wait, a restart after it is a finding", failed_flow_then_restart);
    tu_add(s, "a good download: no wait, its restart is explained", good_flow_then_restart);
    tu_add(s, "a good download: a restart after flow_quiet is a finding", good_flow_restart_too_late);
    return tu_run(argc, argv);
}
