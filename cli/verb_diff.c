/* cli/verb_diff.c — `otacheck diff A B`: two runs compared (reports/diff.h), A the reference
 * (a module, a firmware build) and B the one under judgement. Each side is a report
 * directory, a results.json or a results.jsonl. The text goes to stdout; --report-dir DIR
 * writes diff.json and diff.html (--format picks), each atomically.
 * Exit status: 0 B does not fail the comparison, 1 it does (--fail-on regress, the default: a
 * case that did not fail in A fails in B; change: any verdict change or a case on one side
 * only; never), 2 usage error or a side that cannot be read, 4 a file could not be written
 * (whatever the comparison) or out of memory. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "reports/diff.h"

#define DIFF_MAX_EACH 50

static void usage(FILE *out)
{
    fprintf(out,
            "usage: otacheck diff A B [--fail-on regress|change|never] [--strict]\n"
            "                     [--report-dir DIR] [--format json,html|all] [--max-each N] [--quiet]\n"
            "  A, B            a report directory (its results.json, else its results.jsonl), a\n"
            "                  results.json or a results.jsonl (a killed run's stream); A is the reference\n"
            "  --fail-on WHEN  exit 1 when B: regress (default) has a regression (a case that did not\n"
            "                  fail in A FAILs or ERRORs in B); change: any verdict changed or a case is\n"
            "                  on one side only; never\n"
            "  --strict        a WARN fails a case too (as conform --strict)\n"
            "  --report-dir    write " RP_DIFF_JSON_FILE " and " RP_DIFF_HTML_FILE " there (made if need be)\n"
            "  --format LIST   which of them: json, html or all (default: all; needs --report-dir)\n"
            "  --max-each N    cases listed per section on the terminal (default %d; 0: all)\n"
            "  --quiet         only the counts and the outcome on the terminal\n"
            "exit: 0 B does not fail the comparison, 1 it does, 2 usage error or an input that cannot\n"
            "      be read, 4 a file could not be written (disk full, I/O error) or out of memory\n",
            DIFF_MAX_EACH);
}

/* "json,html" or "all" into RP_JSON | RP_HTML; 0 on anything else. */
static unsigned parse_formats(const char *list)
{
    unsigned f = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 4 && strncmp(p, "json", 4) == 0)
            f |= RP_JSON;
        else if (n == 4 && strncmp(p, "html", 4) == 0)
            f |= RP_HTML;
        else if (n == 3 && strncmp(p, "all", 3) == 0)
            f |= RP_JSON | RP_HTML;
        else
            return 0;
        p += n;
        if (*p == ',' && *++p == '\0')
            return 0;
    }
    return f;
}

int verb_diff(int argc, char **argv)
{
    enum { O_FAIL_ON = 1, O_STRICT, O_DIR, O_FORMAT, O_MAX, O_QUIET };
    static const struct option longopts[] = {
        {"fail-on", required_argument, NULL, O_FAIL_ON},
        {"strict", no_argument, NULL, O_STRICT},
        {"report-dir", required_argument, NULL, O_DIR},
        {"format", required_argument, NULL, O_FORMAT},
        {"max-each", required_argument, NULL, O_MAX},
        {"quiet", no_argument, NULL, O_QUIET},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct rp_diff_opts opts = {RP_DIFF_FAIL_REGRESS, false};
    const char *dir = NULL, *format = NULL;
    unsigned long long max_each = DIFF_MAX_EACH;
    bool quiet = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case O_FAIL_ON:
            if (strcmp(optarg, "regress") == 0)
                opts.fail_on = RP_DIFF_FAIL_REGRESS;
            else if (strcmp(optarg, "change") == 0)
                opts.fail_on = RP_DIFF_FAIL_CHANGE;
            else if (strcmp(optarg, "never") == 0)
                opts.fail_on = RP_DIFF_FAIL_NEVER;
            else {
                fprintf(stderr, "otacheck diff: --fail-on: '%s' is not regress, change or never\n",
                        optarg);
                return EXIT_USAGE;
            }
            break;
        case O_STRICT: opts.strict = true; break;
        case O_DIR: dir = optarg; break;
        case O_FORMAT: format = optarg; break;
        case O_MAX:
            if (cli_parse_uint("diff", "--max-each", optarg, 0, 1000000000ull, &max_each) != EXIT_PASS)
                return EXIT_USAGE;
            break;
        case O_QUIET: quiet = true; break;
        case 'h': usage(stdout); return EXIT_PASS;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "otacheck diff: %s\n",
                argc - optind < 2 ? "two runs to compare are needed: A and B" : "more than two runs given");
        usage(stderr);
        return EXIT_USAGE;
    }
    unsigned formats = RP_JSON | RP_HTML;
    if (format) {
        if (!dir) {
            fprintf(stderr, "otacheck diff: --format names the files of --report-dir, which is not given\n");
            return EXIT_USAGE;
        }
        formats = parse_formats(format);
        if (!formats) {
            fprintf(stderr, "otacheck diff: --format: '%s' is not a list of json, html or all\n", format);
            return EXIT_USAGE;
        }
    }
    if (dir && !*dir) {
        fprintf(stderr, "otacheck diff: --report-dir: an empty directory name\n");
        return EXIT_USAGE;
    }

    char err[2048];
    struct rp_diff *d = rp_diff_load(argv[optind], argv[optind + 1], &opts, err, sizeof err);
    if (!d) {
        fprintf(stderr, "otacheck diff: %s\n", err);
        return EXIT_USAGE;
    }
    struct rp_diff_text_opts to = {(size_t)max_each, rp_colour_wanted(STDOUT_FILENO), quiet};
    rp_diff_write_text(stdout, d, &to);
    fflush(stdout);
    int rc = rp_diff_failed(d) ? EXIT_FAIL : EXIT_PASS;
    if (dir) {
        struct rp_files files;
        if (rp_diff_write_dir(dir, formats, d, &files, err, sizeof err) != 0)
            rc = RP_EXIT_NOT_WRITTEN;
        rp_print_files(stdout, stderr, "otacheck diff", dir, &files);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "otacheck diff: cannot write the standard output\n");
        rc = RP_EXIT_NOT_WRITTEN;
    }
    rp_diff_free(d);
    return rc;
}
