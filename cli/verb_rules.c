/* cli/verb_rules.c — `otacheck rules [--markdown]`: the one table of rules
 * (harness/rules.c) in precedence order: each rule's name, what the module must do, the
 * reference module's fault that proves it fires, where its requirement comes from and
 * who checks it. --markdown prints the table the README carries (tests/cli.sh checks the
 * README holds it as printed). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "grammar/source.h"
#include "harness/rules.h"

static const char *checked_by(unsigned users)
{
    if ((users & HRU_CONFORM) && (users & HRU_FUZZ))
        return "conform, fuzz";
    return users & HRU_FUZZ ? "fuzz" : "conform";
}

/* "standard: ITU-T V.250 ..." or "per case: the form's syntax ..." */
static void where_from(const struct hx_rule_info *ri, char *buf, size_t n)
{
    if (ri->src.kind == GSRC_NONE)
        snprintf(buf, n, "per case: %s", ri->src.cite ? ri->src.cite : "");
    else
        gram_src_describe(ri->src, buf, n);
}

int verb_rules(int argc, char **argv)
{
    bool markdown = false;
    static const struct option longopts[] = {{"markdown", no_argument, NULL, 'm'}, {NULL, 0, NULL, 0}};
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt != 'm') {
            fprintf(stderr, "usage: otacheck rules [--markdown]\n");
            return EXIT_USAGE;
        }
        markdown = true;
    }
    if (optind < argc) {
        fprintf(stderr, "otacheck rules: unexpected argument '%s'\nusage: otacheck rules [--markdown]\n",
                argv[optind]);
        return EXIT_USAGE;
    }
    if (markdown)
        printf("| # | rule | the module must | proving fault | requirement | checked by |\n"
               "|---|---|---|---|---|---|\n");
    for (int r = 0; r < HR__COUNT; r++) {
        const struct hx_rule_info *ri = hx_rule_info((enum hx_rule)r);
        char src[512];
        where_from(ri, src, sizeof src);
        if (markdown)
            printf("| %d | `%s` | %s | `%s` | %s | %s |\n", r + 1, ri->name, ri->meaning, ri->fault, src,
                   checked_by(ri->users));
        else
            printf("%2d %-20s %-20s %s\n   %s\n   %s\n", r + 1, ri->name, ri->fault, checked_by(ri->users),
                   ri->meaning, src);
    }
    return EXIT_PASS;
}
