/* cli/verb_bench.c — `otacheck bench`: the parser's speed on a file of module output
 * (MB/s, with grammar validation), the command validator's speed (lines/s), and the
 * generators of both inputs. Figures are the median of several passes over data held in
 * memory; nothing is timed in the tests. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/bench.h"
#include "common/fileio.h"
#include "common/xalloc.h"
#include "cli/cli.h"
#include "parser/monitor.h"
#include "parser/validate.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: otacheck bench parse FILE [--chunk N] [--repeat R] [--framer-only] [--check-echo]\n"
            "       otacheck bench commands FILE [--repeat R]\n"
            "       otacheck bench make-stream FILE [--mb N] [--seed N] [--payload-share F]\n"
            "       otacheck bench make-commands FILE [--lines N] [--seed N]\n"
            "       otacheck bench latency --target SPEC [--count N] [--write-log FILE]\n"
            "common: --vendor ID|all (default all)  --grammar FILE  --dialect K=C\n");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = oc_fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "otacheck bench: cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = oc_xmalloc(n > 0 ? (size_t)n : 1);
    if ((n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
        fprintf(stderr, "otacheck bench: cannot read %s\n", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int bench_parse(const struct at_index *ix, const char *path, size_t chunk, int repeat,
                       bool framer_only, bool check_echo)
{
    size_t len;
    uint8_t *data = slurp(path, &len);
    if (!data)
        return EXIT_USAGE;
    static uint8_t carry[8192];
    double times[64];
    struct at_monitor_stats st;
    memset(&st, 0, sizeof st);
    uint64_t sink = 0;
    for (int r = 0; r < repeat; r++) {
        struct at_monitor m;
        at_monitor_init(&m, ix, carry, sizeof carry);
        m.check_echo = check_echo;
        struct at_event ev;
        double t0 = now_s();
        for (size_t off = 0; off < len; off += chunk) {
            size_t n = len - off < chunk ? len - off : chunk;
            if (framer_only) {
                at_framer_feed(&m.fr, data + off, n, 0);
                while (at_framer_next(&m.fr, &ev.tok))
                    sink += ev.tok.len;
            } else {
                at_monitor_feed(&m, data + off, n, 0);
                while (at_monitor_next(&m, &ev))
                    ;
            }
        }
        if (!framer_only)
            while (at_monitor_flush(&m, &ev, 0))
                ;
        times[r] = now_s() - t0;
        st = m.st;
        if (framer_only)
            st.tokens = m.fr.tokens;
    }
    qsort(times, (size_t)repeat, sizeof times[0], cmp_double);
    double med = times[repeat / 2];
    double mb = (double)len / 1e6;
    printf("%.1f MB/s\n", mb / med);
    printf("parse%s: %.1f MB, chunk %zu, median of %d passes %.4f s (best %.1f MB/s)\n",
           framer_only  ? " (framer only, no classification)"
           : check_echo ? " with grammar validation of every line, echoed commands included"
                        : " with grammar validation (echoed commands identified, not checked)",
           mb, chunk, repeat, med, mb / times[0]);
    printf("tokens: %" PRIu64, st.tokens);
    if (!framer_only) {
        printf(" (lines %" PRIu64 ", payload bytes %" PRIu64 ")\n", st.lines, st.payload_bytes);
        printf("classes:");
        for (int c = 0; c <= AT_CLS_FOREIGN && c < (int)(sizeof st.by_class / sizeof st.by_class[0]); c++)
            if (st.by_class[c])
                printf(" %s %" PRIu64, at_class_name((enum at_class)c), st.by_class[c]);
        printf("\ninvalid lines: %" PRIu64 ", rejected command lines: %" PRIu64 "\n", st.invalid,
               st.bad_commands);
    } else {
        printf(" (checksum %" PRIu64 ")\n", sink);
    }
    free(data);
    return EXIT_PASS;
}

static int bench_commands(const struct at_index *ix, const char *path, int repeat)
{
    size_t len;
    uint8_t *data = slurp(path, &len);
    if (!data)
        return EXIT_USAGE;
    /* line starts, found once, outside the timed loop */
    size_t n_lines = 0, cap = 1024;
    uint32_t *starts = oc_xmalloc(cap * sizeof *starts), *lens = oc_xmalloc(cap * sizeof *lens);
    for (size_t off = 0; off < len;) {
        uint8_t *nl = memchr(data + off, '\n', len - off);
        size_t e = nl ? (size_t)(nl - data) : len;
        if (e > off) {
            if (n_lines == cap) {
                cap *= 2;
                starts = oc_xrealloc(starts, cap * sizeof *starts);
                lens = oc_xrealloc(lens, cap * sizeof *lens);
            }
            starts[n_lines] = (uint32_t)off;
            lens[n_lines++] = (uint32_t)(e - off);
        }
        off = e + 1;
    }
    double times[64];
    uint64_t ok = 0, bad = 0;
    struct at_cmdline cl;
    struct at_verror err;
    for (int r = 0; r < repeat; r++) {
        ok = bad = 0;
        double t0 = now_s();
        for (size_t i = 0; i < n_lines; i++) {
            if (at_validate_command(ix, -1, data + starts[i], lens[i], &cl, &err) == AT_OK)
                ok++;
            else
                bad++;
        }
        times[r] = now_s() - t0;
    }
    qsort(times, (size_t)repeat, sizeof times[0], cmp_double);
    double med = times[repeat / 2];
    printf("%.2f M lines/s\n", (double)n_lines / med / 1e6);
    printf("commands: %zu lines (%" PRIu64 " valid, %" PRIu64 " rejected), median of %d passes %.4f s\n",
           n_lines, ok, bad, repeat, med);
    free(starts);
    free(lens);
    free(data);
    return EXIT_PASS;
}

int verb_bench(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        {"chunk", required_argument, NULL, 'c'},
        {"repeat", required_argument, NULL, 'r'},
        {"mb", required_argument, NULL, 'm'},
        {"lines", required_argument, NULL, 'l'},
        {"seed", required_argument, NULL, 's'},
        {"payload-share", required_argument, NULL, 'p'},
        {"framer-only", no_argument, NULL, 'F'},
        {"check-echo", no_argument, NULL, 'E'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc >= 2 && strcmp(argv[1], "latency") == 0)
        return bench_latency(argc - 1, argv + 1);
    if (argc < 3) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 || strcmp(argv[1], "--help") ? EXIT_USAGE : EXIT_PASS;
    }
    const char *sub = argv[1], *file = argv[2];
    struct cli_env env;
    cli_env_init(&env);
    size_t chunk = 4096;
    int repeat = 7;
    unsigned long long mb = 50, lines = 1000000, seed = 1, u = 0;
    double share = 0.3;
    bool bad = false;
    bool framer_only = false, check_echo = false;
    optind = 3;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        switch (opt) {
        case 'c': bad |= cli_parse_uint("bench", "--chunk", optarg, 1, 16u << 20, &u) != EXIT_PASS; chunk = (size_t)u; break;
        case 'r': bad |= cli_parse_uint("bench", "--repeat", optarg, 1, 64, &u) != EXIT_PASS; repeat = (int)u; break;
        case 'm': bad |= cli_parse_uint("bench", "--mb", optarg, 1, 4096, &mb) != EXIT_PASS; break;
        case 'l': bad |= cli_parse_uint("bench", "--lines", optarg, 1, 100000000, &lines) != EXIT_PASS; break;
        case 's': bad |= cli_parse_uint("bench", "--seed", optarg, 0, UINT64_MAX, &seed) != EXIT_PASS; break;
        case 'p': bad |= cli_parse_double("bench", "--payload-share", optarg, 0, 0.95, false, &share) != EXIT_PASS; break;
        case 'F': framer_only = true; break;
        case 'E': check_echo = true; break;
        case 'h': usage(stdout); cli_env_free(&env); return EXIT_PASS;
        default: usage(stderr); cli_env_free(&env); return EXIT_USAGE;
        }
    }
    if (bad) {
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    int rc = cli_load(&env);
    if (rc != EXIT_PASS) {
        cli_env_free(&env);
        return rc;
    }
    const struct gram_vendor *vs[AT_IX_MAX_VENDORS];
    size_t nv = cli_vendors(&env, vs, AT_IX_MAX_VENDORS);
    struct gram_dialect dl[AT_IX_MAX_VENDORS];
    const struct gram_dialect *dp[AT_IX_MAX_VENDORS];
    for (size_t i = 0; i < nv && rc == EXIT_PASS; i++) {
        rc = cli_dialect(&env, vs[i], &dl[i]);
        dp[i] = &dl[i];
    }
    if (nv == 0 || rc != EXIT_PASS) {
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    struct at_index ix;
    at_index_build(&ix, vs, dp, nv);
    if (strcmp(sub, "parse") == 0)
        rc = bench_parse(&ix, file, chunk, repeat, framer_only, check_echo);
    else if (strcmp(sub, "commands") == 0)
        rc = bench_commands(&ix, file, repeat);
    else if (strcmp(sub, "make-stream") == 0)
        rc = bench_make_stream(vs, nv, file, mb * 1000000ull, seed, share) == 0 ? EXIT_PASS : EXIT_USAGE;
    else if (strcmp(sub, "make-commands") == 0)
        rc = bench_make_commands(vs, nv, file, lines, seed) == 0 ? EXIT_PASS : EXIT_USAGE;
    else {
        fprintf(stderr, "otacheck bench: unknown sub-command '%s'\n", sub);
        usage(stderr);
        rc = EXIT_USAGE;
    }
    at_index_free(&ix);
    cli_env_free(&env);
    return rc;
}
