/* cli/verb_fuzz.c — `otacheck fuzz`: the black-box device fuzzer (fuzz/devfuzz.h) against
 * any target, and `--replay` of a reproducer (its own, or a host fuzzer's session input).
 * Exit status: 0 nothing found, 1 something found (replay: the finding happened again),
 * 2 usage or configuration error, 3 the target could not be reached at the start, 4 a
 * reproducer or the case log could not be written (disk full, I/O error: the run stops at
 * the first reproducer that cannot be saved) or the host ran out of memory. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/xalloc.h"
#include "conformance/caps.h"
#include "fuzz/devfuzz.h"
#include "fuzz/repro.h"
#include "harness/transport.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: otacheck fuzz --vendor ID --target SPEC [--duration S | --cases N] [--seed N] [--out DIR]\n"
            "                     [--caps FILE] [--allow-destructive] [--max-runs N] [--max-findings N] [--case-log FILE]\n"
            "                     [--flow-quiet MS] [--line-gap MS] [--quiet] [--grammar FILE] [--dialect [VENDOR:]KNOB=CHOICE]...\n"
            "       otacheck fuzz --replay FILE --target SPEC [--vendor ID]\n"
            "  --target SPEC       sim:<vendor>[,fault=a+b], exec:<command>, pty:<path>,\n"
            "                      serial:<device>[,baud=N][,flow=none|rtscts|xonxoff], tcp:<host>:<port>,\n"
            "                      rfc2217:<host>:<port>[,baud=N][,flow=none|rtscts|xonxoff]\n"
            "  --vendor ID         the module's vendor (default: the vendor of sim:<vendor>)\n"
            "  --caps FILE         the module's capability file (conformance/caps.example.ini): its\n"
            "                      [ota] lines start the flows the cases go into, its [credentials]\n"
            "                      are never shown; vendor, target, allow-destructive and [dialect]\n"
            "                      apply where the command line says nothing\n"
            "  --duration S        stop after S seconds, within 1.5 s whatever the module sends (a\n"
            "                      finding found near the end is minimised in what is left);\n"
            "                      --cases N: after N cases (default: until interrupted; both:\n"
            "                      whichever comes first)\n"
            "  --seed N            the cases (default 1): the same seed gives the same cases\n"
            "  --out DIR           where reproducers go (default otacheck-fuzz), made on the first finding\n"
            "  --allow-destructive also send commands that start downloads, flash or restart\n"
            "                      (always on sim:)\n"
            "  --max-runs N        minimisation runs on the target per finding (default 100; 0: none)\n"
            "  --max-findings N    stop after N findings\n"
            "  --case-log FILE     write every case's command lines to FILE\n"
            "  --flow-quiet MS     after a case that started a flow or ran a destructive command,\n"
            "                      the silence that says it has come to rest (default 6000)\n"
            "  --line-gap MS       the quiet that ends a line sent without CR LF (default: by target,\n"
            "                      100 ms; tcp: 250 ms; 1 to 10000)\n"
            "  --replay FILE       send the command lines of FILE (a reproducer, or a host fuzzer's\n"
            "                      session input) and judge the answers\n"
            "exit: 0 nothing found, 1 found (replay: it happened again), 2 usage error,\n"
            "      3 target unreachable, 4 a reproducer or the case log could not be written\n"
            "      (disk full, I/O error) or out of memory\n");
}

/* Set by SIGINT/SIGTERM: every wait ends at once, the case in hand is dropped, the findings
 * so far are kept. A second signal ends the process at once. */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    if (stop_requested) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    stop_requested = 1;
}

/* The vendor of a sim:<vendor>[,...] spec into buf, or "". */
static const char *sim_vendor(const char *target, char *buf, size_t n)
{
    buf[0] = '\0';
    if (target && strncmp(target, "sim:", 4) == 0)
        snprintf(buf, n, "%.*s", (int)strcspn(target + 4, ","), target + 4);
    return buf;
}

int verb_fuzz(int argc, char **argv)
{
    enum { O_TARGET = 1, O_DURATION, O_CASES, O_SEED, O_OUT, O_REPLAY, O_DESTRUCTIVE, O_RUNS,
           O_FINDINGS, O_CASELOG, O_FLOWQUIET, O_LINE_GAP, O_QUIET, O_CAPS, O_HELP };
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        {"target", required_argument, NULL, O_TARGET},
        {"duration", required_argument, NULL, O_DURATION},
        {"cases", required_argument, NULL, O_CASES},
        {"seed", required_argument, NULL, O_SEED},
        {"out", required_argument, NULL, O_OUT},
        {"replay", required_argument, NULL, O_REPLAY},
        {"allow-destructive", no_argument, NULL, O_DESTRUCTIVE},
        {"max-runs", required_argument, NULL, O_RUNS},
        {"max-findings", required_argument, NULL, O_FINDINGS},
        {"case-log", required_argument, NULL, O_CASELOG},
        {"flow-quiet", required_argument, NULL, O_FLOWQUIET},
        {"line-gap", required_argument, NULL, O_LINE_GAP},
        {"quiet", no_argument, NULL, O_QUIET},
        {"caps", required_argument, NULL, O_CAPS},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    struct cli_env env;
    cli_env_init(&env);
    struct df_options o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.out_dir = "otacheck-fuzz";
    o.max_runs = 100;
    const char *replay = NULL, *case_log = NULL, *caps_file = NULL;
    bool quiet = false, bad = false;
    unsigned long long u = 0;
    int opt, rc = EXIT_USAGE;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        switch (opt) {
        case O_TARGET: o.target = optarg; break;
        case O_DURATION:
            bad |= cli_parse_double("fuzz", "--duration", optarg, 0, 1e9, true, &o.duration_s) != EXIT_PASS;
            break;
        case O_CASES:
            bad |= cli_parse_uint("fuzz", "--cases", optarg, 1, UINT64_MAX, &u) != EXIT_PASS;
            o.max_cases = u;
            break;
        case O_SEED:
            bad |= cli_parse_uint("fuzz", "--seed", optarg, 0, UINT64_MAX, &u) != EXIT_PASS;
            o.seed = u;
            break;
        case O_OUT: o.out_dir = optarg; break;
        case O_REPLAY: replay = optarg; break;
        case O_DESTRUCTIVE: o.allow_destructive = true; break;
        case O_RUNS:
            bad |= cli_parse_uint("fuzz", "--max-runs", optarg, 0, 100000, &u) != EXIT_PASS;
            o.max_runs = (unsigned)u;
            break;
        case O_FINDINGS:
            bad |= cli_parse_uint("fuzz", "--max-findings", optarg, 1, 100000, &u) != EXIT_PASS;
            o.max_findings = (unsigned)u;
            break;
        case O_CASELOG: case_log = optarg; break;
        case O_FLOWQUIET:
            bad |= cli_parse_uint("fuzz", "--flow-quiet", optarg, 1, 3600000, &u) != EXIT_PASS;
            o.flow_quiet_ns = u * 1000000ull;
            break;
        case O_LINE_GAP:
            bad |= cli_parse_uint("fuzz", "--line-gap", optarg, 1, HX_LINE_GAP_MS_MAX, &u) != EXIT_PASS;
            o.line_gap_ns = u * 1000000ull;
            break;
        case O_QUIET: quiet = true; break;
        case O_CAPS: caps_file = optarg; break;
        case O_HELP: usage(stdout); cli_env_free(&env); return EXIT_PASS;
        default: bad = true; break;
        }
    }
    if (!bad && optind < argc) {
        fprintf(stderr, "otacheck fuzz: unexpected argument '%s'\n", argv[optind]);
        bad = true;
    }
    char err[600], simv[64];
    struct cf_caps caps;
    cf_caps_init(&caps);
    if (!bad && caps_file) {
        if (cf_caps_load(&caps, caps_file, err, sizeof err) != 0) {
            fprintf(stderr, "otacheck fuzz: %s\n", err);
            cf_caps_free(&caps);
            cli_env_free(&env);
            return EXIT_USAGE;
        }
        /* the command line wins over the capability file */
        if (!o.target)
            o.target = caps.target;
        if (caps.allow_destructive == 1)
            o.allow_destructive = true;
        if (!o.line_gap_ns)
            o.line_gap_ns = caps.line_gap_ms * 1000000ull;
        o.caps = &caps;
    }
    if (!bad && !o.target) {
        fprintf(stderr, "otacheck fuzz: --target SPEC is required (sim:<vendor>, exec:, pty:, serial:, tcp:)\n");
        bad = true;
    }
    if (bad) {
        usage(stderr);
        cf_caps_free(&caps);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    FILE *log = NULL;
    struct fz_repro rep;
    fz_repro_init(&rep);
    if (cli_load(&env) != EXIT_PASS)
        goto out;
    if (cli_check_target("fuzz", o.target == caps.target ? "the capability file's target" : "--target", o.target,
                         &env.set) != EXIT_PASS)
        goto out;
    /* which vendor: --vendor, else the reproducer's "#vendor", else sim:<vendor>; a host
     * fuzzer's input without "#vendor" is quectel's, as the session target reads it */
    sim_vendor(o.target, simv, sizeof simv);
    if (replay && fz_repro_load(&rep, replay, err, sizeof err) != 0) {
        fprintf(stderr, "otacheck fuzz: --replay %s\n", err);
        goto out;
    }
    const char *vid = env.vendor         ? env.vendor
                      : replay && rep.vendor[0] ? rep.vendor
                      : caps.vendor             ? caps.vendor
                      : simv[0]                 ? simv
                                                : NULL;
    if (!vid && replay)
        vid = "quectel";
    if (!vid) {
        fprintf(stderr, "otacheck fuzz: --vendor ID is required with --target %s\n", o.target);
        goto out;
    }
    o.v = gram_set_vendor(&env.set, vid);
    if (!o.v || o.v->is_core) {
        fprintf(stderr, "otacheck fuzz: unknown vendor '%s' (one vendor, not a list); known:", vid);
        for (size_t i = 0; i < env.set.n_vendors; i++)
            if (!env.set.vendors[i]->is_core)
                fprintf(stderr, " %s", env.set.vendors[i]->id);
        fprintf(stderr, "\n");
        goto out;
    }
    if (caps.vendor && strcmp(caps.vendor, o.v->id) != 0) {
        fprintf(stderr, "otacheck fuzz: %s is the capability file of a %s module, not %s\n", caps_file, caps.vendor,
                o.v->id);
        goto out;
    }
    if (simv[0] && strcmp(simv, o.v->id) != 0) {
        fprintf(stderr, "otacheck fuzz: --target %s is a %s module, not %s\n", o.target, simv, o.v->id);
        goto out;
    }
    struct gram_dialect d;
    if (cli_check_dialects(&env, "fuzz", &o.v, 1) != EXIT_PASS || cli_dialect(&env, o.v, &d) != EXIT_PASS || cli_caps_dialect(o.caps, "fuzz", o.v, &d) != EXIT_PASS)
        goto out;
    o.gs = &env.set;
    o.d = &d;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    o.stop = &stop_requested;

    if (replay) {
        if (rep.skipped)
            fprintf(stderr, "otacheck fuzz: %s: %u line%s not sent (over %d bytes, a NUL, or past %d commands)\n",
                    replay, rep.skipped, rep.skipped == 1 ? "" : "s", FZ_REPRO_MAX_LINE, FZ_REPRO_MAX_COMMANDS);
        int n = df_replay(&o, &rep.lines, stdout, err, sizeof err);
        if (n < 0) {
            fprintf(stderr, "otacheck fuzz: %s\n", err);
            rc = n == -1 ? EXIT_USAGE : EXIT_TARGET;
            goto out;
        }
        printf("otacheck fuzz: replayed %zu command line%s of %s on %s: %s\n", rep.lines.n,
               rep.lines.n == 1 ? "" : "s", replay, o.target,
               n ? "the finding happened again" : "nothing wrong");
        rc = n ? EXIT_FAIL : EXIT_PASS;
        goto out;
    }

    if (case_log) {
        log = fopen(case_log, "w");
        if (!log) {
            fprintf(stderr, "otacheck fuzz: --case-log %s: cannot write it: %s\n", case_log, strerror(errno));
            rc = OC_EXIT_NO_MEMORY; /* 4: an output that cannot be written */
            goto out;
        }
        o.case_log = log;
    }
    o.progress = quiet ? NULL : stderr;
    o.progress_tty = !quiet && isatty(2);
    o.report = stdout;
    struct df_summary sum;
    int r = df_fuzz(&o, &sum, err, sizeof err);
    if (r != 0 && r != DF_NOT_WRITTEN) {
        fprintf(stderr, "otacheck fuzz: %s\n", err);
        rc = r == -1 ? EXIT_USAGE : EXIT_TARGET;
        goto out;
    }
    if (r == DF_NOT_WRITTEN)
        fprintf(stderr, "otacheck fuzz: a finding could not be saved, the run stops: %s\n", err);
    if (sum.target_dead)
        fprintf(stderr, "otacheck fuzz: %s\n", err);
    printf("otacheck fuzz: %s%llu cases, %llu command lines in %.1f s (%.0f cases/s, %.0f commands/s); "
           "%u finding%s%s%s\n",
           sum.interrupted ? "interrupted after " : "",
           (unsigned long long)sum.cases, (unsigned long long)sum.exchanges, sum.seconds,
           sum.seconds > 0 ? (double)sum.cases / sum.seconds : 0.0,
           sum.seconds > 0 ? (double)sum.exchanges / sum.seconds : 0.0, sum.findings, sum.findings == 1 ? "" : "s",
           sum.findings ? " in " : "", sum.findings ? o.out_dir : "");
    rc = sum.findings || sum.occurrences ? EXIT_FAIL : EXIT_PASS;
    if (log) {
        /* every case was written to it through stdio: its error flag is sticky */
        errno = 0;
        bool log_bad = fflush(log) != 0 || ferror(log);
        int e = errno;
        if (fclose(log) != 0 && !log_bad) {
            log_bad = true;
            e = errno;
        }
        log = NULL;
        if (log_bad) {
            fprintf(stderr, "otacheck fuzz: --case-log %s: cannot write it: %s\n", case_log, strerror(e ? e : EIO));
            r = DF_NOT_WRITTEN;
        }
    }
    if (r == DF_NOT_WRITTEN)
        rc = OC_EXIT_NO_MEMORY; /* 4: the host failed the run (the same code as reports/ RP_EXIT_NOT_WRITTEN) */
out:
    if (log)
        fclose(log);
    fz_repro_free(&rep);
    cf_caps_free(&caps);
    cli_env_free(&env);
    return rc;
}
