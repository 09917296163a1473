/* cli/verb_report.c — `otacheck report --from FILE.jsonl`: rebuilds the report files of a
 * run (each format of reports/formats.h: JUnit, TAP, JSON, HTML) from its results.jsonl
 * stream, typically after the run was killed before it could write them. Exit 0 when every
 * case passed, WARNed or was N/A, 1 when some case failed or ended in ERROR, 2 on a usage
 * error or a stream that cannot be read, 4 when a file could not be written (disk full, I/O
 * error: whatever the verdicts). Only the files written whole are listed; each other one is
 * named on stderr with why. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "reports/report.h"

static void usage(FILE *out)
{
    char names[256];
    fprintf(out,
            "usage: otacheck report --from FILE.jsonl [--report-dir DIR] [--format LIST]\n"
            "  --from FILE        the results.jsonl stream of a run\n"
            "  --report-dir DIR   where to write the files (default: the stream's directory)\n"
            "  --format LIST      %s or all (default: all)\n",
            rp_format_names(names, sizeof names, ",", false));
}

int verb_report(int argc, char **argv)
{
    enum { OPT_FROM = 1, OPT_DIR, OPT_FORMAT };
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"report-dir", required_argument, NULL, OPT_DIR},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from = NULL, *dir = NULL, *format = "all";
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_FROM: from = optarg; break;
        case OPT_DIR: dir = optarg; break;
        case OPT_FORMAT: format = optarg; break;
        case 'h': usage(stdout); return EXIT_PASS;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (!from || optind != argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    char err[1024];
    unsigned formats = rp_parse_formats(format, err, sizeof err);
    if (!formats) {
        fprintf(stderr, "otacheck report: %s\n", err);
        return EXIT_USAGE;
    }
    struct rp_counts k;
    bool interrupted = false;
    struct rp_files files;
    int r = rp_rebuild_files(from, dir, formats, &k, &interrupted, &files, err, sizeof err);
    if (r == RP_REBUILD_NOT_READ) {
        fprintf(stderr, "otacheck report: %s\n", err);
        return EXIT_USAGE;
    }
    printf("%u cases: %u pass, %u warn, %u fail, %u n/a, %u error%s\n", k.total, k.pass, k.warn,
           k.fail, k.na, k.error, interrupted ? " (the run was interrupted: the report is partial)" : "");
    char stream_dir[1024];
    if (!dir) {
        const char *slash = strrchr(from, '/');
        snprintf(stream_dir, sizeof stream_dir, "%.*s", slash ? (int)(slash == from ? 1 : slash - from) : 1,
                 slash ? from : ".");
    }
    rp_print_files(stdout, stderr, "otacheck report", dir ? dir : stream_dir, &files);
    if (r != 0) {
        fprintf(stderr, "otacheck report: the reports could not all be written (exit %d)\n", RP_EXIT_NOT_WRITTEN);
        return RP_EXIT_NOT_WRITTEN;
    }
    return rp_counts_failed(k, false) ? EXIT_FAIL : EXIT_PASS;
}
