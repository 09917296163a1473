/* cli/main.c — the otacheck command: dispatches to a verb (DESIGN.md, "CLI contract"). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/digest.h"
#include "common/xalloc.h"
#include "reports/report.h"

/* Out of memory, whatever the verb: a report file half written is not left behind. */
static void on_no_memory(size_t asked)
{
    (void)asked;
    rp_remove_temporary();
}

static void usage(FILE *out)
{
    char names[256];
    rp_format_names(names, sizeof names, ",", false);
    fprintf(out,
            "usage: otacheck <verb> [options]\n"
            "\n"
            "  conform [--vendor ID|all] [--target SPEC] [--caps FILE] [--allow-destructive]\n"
            "          [--only PATTERN] [--report-dir DIR] [--format %s] [--list]\n"
            "          [--strict] [--dialect [VENDOR:]KNOB=CHOICE]... [--pace-us N] [--quiet]\n"
            "  grammar lint|list|dump|dict|corpus|examples [--vendor ID|all] [--grammar FILE]...\n"
            "                                     [--dialect [VENDOR:]KNOB=CHOICE]...\n"
            "  parse FILE [--vendor ID|all] [--quiet] [--classes] [--stream|--document|--strings]\n"
            "                                     (read a capture of module output)\n"
            "  rules [--markdown]                 (the rules, their proving faults and sources)\n"
            "  bench parse FILE [--chunk N] [--vendor ID|all] [--check-echo] [--framer-only]\n"
            "  bench commands FILE [--vendor ID|all]\n"
            "  bench make-stream FILE [--mb N] [--seed N]\n"
            "  bench make-commands FILE [--lines N] [--seed N]\n"
            "  report --from FILE.jsonl [--report-dir DIR] [--format %s]\n"
            "                                     (rebuild a run's report files from its stream)\n"
            "  diff A B [--fail-on regress|change|never] [--strict] [--report-dir DIR]\n"
            "           [--format json,html] [--max-each N] [--quiet]\n"
            "                                     (compare two runs: regressions, fixes, latency)\n"
            "  bench latency --target SPEC [--count N]   (module write -> harness read, us)\n"
            "  sim --vendor ID [--fault NAME]... [--time-scale F] [--seed N] [--latency US]\n"
            "                                     [--write-log FILE]\n"
            "                                     (the reference module on stdin/stdout)\n"
            "  sim --list-faults [--vendor ID]\n"
            "  fuzz --vendor ID --target SPEC [--duration S | --cases N] [--seed N] [--out DIR]\n"
            "                                     (the black-box device fuzzer)\n"
            "  fuzz --replay FILE --target SPEC [--vendor ID]   (replay a reproducer)\n"
            "  serve [--listen HOST:PORT] [--image FILE | --image-size N] [--fault NAME[=ARG]]...\n"
            "        [--log FILE] [--port-file FILE] [--max-connections N] [--idle-timeout S]\n"
            "                                     (an OTA firmware server with named faults)\n"
            "  serve --list-faults [--markdown]\n"
            "  version\n"
            "\n"
            "Exit status: 0 nothing wrong, 1 something failed, 2 usage or configuration error,\n"
            "3 the target could not be reached or was lost, 4 out of memory or a report could not\n"
            "be written.\n",
            names, names);
}

int main(int argc, char **argv)
{
    oc_digest_init(); /* before anything allocates in libcrypto */
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *verb = argv[1];
    /* jansson's memory is what the reports cannot go without: it never returns NULL for
     * lack of it, the run ends (exit 4) as everywhere else */
    json_set_alloc_funcs(oc_xmalloc, free);
    oc_set_oom_handler(on_no_memory);
    if (strcmp(verb, "grammar") == 0)
        return verb_grammar(argc - 1, argv + 1);
    if (strcmp(verb, "parse") == 0)
        return verb_parse(argc - 1, argv + 1);
    if (strcmp(verb, "conform") == 0)
        return verb_conform(argc - 1, argv + 1);
    if (strcmp(verb, "bench") == 0)
        return verb_bench(argc - 1, argv + 1);
    if (strcmp(verb, "report") == 0)
        return verb_report(argc - 1, argv + 1);
    if (strcmp(verb, "sim") == 0)
        return verb_sim(argc - 1, argv + 1);
    if (strcmp(verb, "fuzz") == 0)
        return verb_fuzz(argc - 1, argv + 1);
    if (strcmp(verb, "rules") == 0)
        return verb_rules(argc - 1, argv + 1);
    if (strcmp(verb, "diff") == 0)
        return verb_diff(argc - 1, argv + 1);
    if (strcmp(verb, "serve") == 0)
        return verb_serve(argc - 1, argv + 1);
    if (strcmp(verb, "version") == 0 || strcmp(verb, "--version") == 0) {
        printf("otacheck 0.1.0\n");
        return EXIT_PASS;
    }
    if (strcmp(verb, "help") == 0 || strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
        usage(stdout);
        return EXIT_PASS;
    }
    fprintf(stderr, "otacheck: unknown verb '%s'\n", verb);
    usage(stderr);
    return EXIT_USAGE;
}
