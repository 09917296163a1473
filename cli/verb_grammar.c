/* cli/verb_grammar.c — `otacheck grammar lint|list|dump|dict|corpus|examples`: look at the
 * grammar, check it, and turn it into fuzzing dictionaries and seed corpora. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/fileio.h"
#include "common/xalloc.h"
#include "fuzz/seeds.h"
#include "grammar/lint.h"
#include "grammar/dump.h"
#include "parser/crosscheck.h"
#include "parser/examples.h"
#include "parser/mask.h"
#include "reports/report.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: otacheck grammar <lint|list|dump|dict|corpus|examples> [options]\n"
            "  lint        check the grammar: names, ranges, flows, ambiguous URCs, examples\n"
            "  list        vendors, commands, URCs, flows and dialect knobs\n"
            "  dump        the loaded grammar as JSON\n"
            "  dict        a fuzz target's libFuzzer/AFL++ dictionary (--fuzz-target NAME)\n"
            "  corpus      every fuzz target's dictionary, options and seeds under --out DIR\n"
            "              (DIR/NAME.dict, DIR/NAME.options, DIR/NAME/g-*; --fuzz-target for one)\n"
            "  examples    replay the documented example exchanges through the parser\n"
            "options: --vendor ID|all  --grammar FILE  --dialect [VENDOR:]KNOB=CHOICE\n"
            "         --out PATH (dict, corpus, dump)  --werror (lint: warnings fail)\n"
            "         --fuzz-target NAME|all (dict, corpus): framer payload command response\n"
            "         grammar session\n");
}

/* ---- list ------------------------------------------------------------------------- */

static void list_counts(uint64_t c, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < 64 && o < n; i++)
        if (c >> i & 1)
            o += (size_t)snprintf(buf + o, n - o, "%s%d", o ? "," : "", i);
}

static void list_vendor(const struct gram_vendor *v, const struct gram_dialect *d)
{
    printf("%s  %s  (%s, revision %u)\n", v->id, v->name, v->file, v->revision);
    for (uint16_t i = 0; i < v->n_sources; i++)
        printf("  source: %s%s%s\n", v->sources[i].title, v->sources[i].version ? " " : "",
               v->sources[i].version ? v->sources[i].version : "");
    if (v->response_time_ms)
        printf("  response time: %u ms", v->response_time_ms);
    else
        printf("  response time: not documented");
    printf("; echo %s; max line %s", v->echo ? "on" : "off", v->max_line ? "" : "auto");
    if (v->max_line)
        printf("%u", v->max_line);
    printf("\n  commands:\n");
    for (uint16_t i = 0; i < v->n_commands; i++) {
        const struct gram_command *c = &v->commands[i];
        printf("    %-14s", c->empty ? "AT" : c->name);
        for (uint16_t j = 0; j < c->n_forms; j++) {
            const struct gram_form *f = &c->forms[j];
            char cb[64];
            list_counts(f->counts, cb, sizeof cb);
            printf(" %s%s%s", gram_form_kind_name(f->kind), f->variant ? "/" : "",
                   f->variant ? f->variant : "");
            if (f->kind == GF_WRITE)
                printf("(%s)", cb);
            printf("[%s", gram_class_name(gram_form_class(f)));
            uint32_t t = gram_form_time_ms(f);
            if (t)
                printf(" %ums", t);
            printf("]");
        }
        printf("\n");
    }
    printf("  urcs:");
    for (uint16_t i = 0; i < v->n_urcs; i++)
        printf(" %s%s", v->urcs[i].name, gram_guard_ok(d, v->urcs[i].guard) ? "" : "(off)");
    printf("\n  flows:\n");
    for (uint16_t i = 0; i < v->n_flows; i++)
        printf("    %s = %s\n", v->flows[i].name, v->flows[i].expr ? v->flows[i].expr : "");
    if (v->machine) {
        printf("  states (%s):", v->machine->name);
        for (uint8_t i = 0; i < v->machine->n_states; i++)
            printf(" %s%s", v->machine->states[i], i == v->machine->initial ? "*" : "");
        printf("\n");
    }
    if (v->n_knobs) {
        printf("  dialect:\n");
        for (uint8_t k = 1; k <= v->n_knobs; k++) {
            char b[256];
            printf("    %-28s %s\n", gram_dialect_describe(d, k, b, sizeof b),
                   v->knobs[k - 1].question);
        }
    }
    printf("  examples: %u\n", v->n_examples);
}

/* ---- examples --------------------------------------------------------------------- */

struct ex_print {
    const struct at_index *ix;
    bool verbose;
    int problems;
};

static void ex_cb(void *ctx, const struct gram_example *ex, const struct gram_step *st,
                  const char *reading, const char *problem)
{
    struct ex_print *p = ctx;
    (void)ex;
    if (!p->verbose && !problem)
        return;
    char text[96], masked[1024];
    if (st->dir == GS_REBOOT) {
        snprintf(text, sizeof text, "<reboot>");
    } else if (st->dir == GS_PAYLOAD) {
        snprintf(text, sizeof text, "<data %u>", st->len);
    } else {
        /* secrets are masked in every transcript */
        size_t n;
        if (st->dir == GS_SEND) {
            n = at_mask_command(p->ix, (const uint8_t *)st->text, st->len, masked, sizeof masked);
        } else {
            struct at_result r;
            at_classify_line(p->ix, NULL, (const uint8_t *)st->text, st->len, &r);
            n = at_mask_response(&r, (const uint8_t *)st->text, st->len, masked, sizeof masked);
        }
        snprintf(text, sizeof text, "%.*s%s", n > 60 ? 57 : (int)n, masked, n > 60 ? "..." : "");
    }
    printf("    %c %-62s %s%s\n", st->dir == GS_SEND ? '>' : '<', text, reading,
           st->normalised ? " (typographic quotes normalised to ASCII)" : "");
    if (problem)
        printf("      %s:%u:%u: error: %s\n", st->pos.file, st->pos.line, st->pos.col, problem);
}

static int run_examples(struct cli_env *env, const struct gram_vendor *const *vs, size_t nv,
                        bool verbose)
{
    int total = 0, bad = 0, rc = EXIT_PASS;
    for (size_t i = 0; i < nv; i++) {
        struct gram_dialect d;
        if (cli_dialect(env, vs[i], &d) != EXIT_PASS)
            return EXIT_USAGE;
        const struct gram_dialect *dp = &d;
        struct at_index ix;
        at_index_build(&ix, &vs[i], &dp, 1);
        for (uint16_t k = 0; k < vs[i]->n_examples; k++) {
            const struct gram_example *ex = &vs[i]->examples[k];
            struct ex_print p = {&ix, verbose, 0};
            if (verbose)
                printf("%s: %s%s%s%s\n", vs[i]->id, ex->title, ex->source ? "  [" : "",
                       ex->source ? ex->source : "", ex->source ? "]" : "");
            int n = at_check_example(&ix, ex, ex_cb, &p);
            total++;
            if (n) {
                bad++;
                if (!verbose)
                    printf("%s: %s: %d problem%s (run 'otacheck grammar examples' for the "
                           "transcript)\n",
                           vs[i]->id, ex->title, n, n == 1 ? "" : "s");
                rc = EXIT_FAIL;
            }
            if (verbose)
                printf("    => %s\n\n", n ? "FAIL" : "PASS");
        }
        at_index_free(&ix);
    }
    if (verbose)
        printf("%d documented example%s, %d pass, %d fail\n", total, total == 1 ? "" : "s",
               total - bad, bad);
    return rc;
}

/* ---- lint ------------------------------------------------------------------------- */

static int run_lint(struct cli_env *env, const struct gram_vendor *const *vs, size_t nv, bool werror)
{
    struct oc_diag d;
    oc_diag_init(&d);
    for (size_t i = 0; i < nv; i++) {
        struct gram_dialect dl;
        if (cli_dialect(env, vs[i], &dl) != EXIT_PASS) {
            oc_diag_free(&d);
            return EXIT_USAGE;
        }
        gram_lint_vendor(vs[i], &dl, &d);
        at_crosscheck_vendor(vs[i], &dl, &d);
    }
    oc_diag_print(&d, stdout);
    size_t errors = d.errors, warnings = d.warnings;
    oc_diag_free(&d);
    /* the examples, as part of lint */
    int ex = run_examples(env, vs, nv, false);
    printf("lint: %zu vendor%s, %zu error%s, %zu warning%s%s\n", nv, nv == 1 ? "" : "s", errors,
           errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
           ex == EXIT_PASS ? ", documented examples pass" : ", documented examples FAIL");
    if (errors || ex != EXIT_PASS || (werror && warnings))
        return EXIT_FAIL;
    return EXIT_PASS;
}

/* ---- dict, corpus ------------------------------------------------------------------ */

static int fuzz_files(const char *sub, const char *name, const struct gram_vendor *const *vs,
                      size_t nv, const char *out)
{
    size_t nt;
    const struct fz_target_info *all = fz_targets(&nt);
    const struct fz_target_info *one = strcmp(name, "all") == 0 ? NULL : fz_target_by_name(name);
    if (!one && strcmp(name, "all") != 0) {
        fprintf(stderr, "otacheck grammar %s: no fuzz target '%s' (", sub, name);
        for (size_t i = 0; i < nt; i++)
            fprintf(stderr, "%s%s", i ? ", " : "", all[i].name);
        fprintf(stderr, ")\n");
        return EXIT_USAGE;
    }
    if (strcmp(sub, "dict") == 0) {
        if (!one) {
            fprintf(stderr, "otacheck grammar dict: name a target with --fuzz-target "
                            "(or write them all with `grammar corpus --out DIR`)\n");
            return EXIT_USAGE;
        }
        /* made in memory, then written whole (or not at all): a file that cannot be
         * written is exit 4, as for every output (README, "Exit status") */
        char *text = NULL, err[600];
        size_t len = 0;
        FILE *f = oc_xmemstream(&text, &len);
        fz_write_dict(one, vs, nv, f);
        oc_xmemstream_close(f);
        int rc = EXIT_PASS;
        if (out && oc_write_file_atomic(out, text, len, err, sizeof err) != 0) {
            fprintf(stderr, "otacheck grammar dict: %s\n", err);
            rc = RP_EXIT_NOT_WRITTEN;
        } else if (!out && (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)) {
            fprintf(stderr, "otacheck grammar dict: cannot write the standard output\n");
            rc = RP_EXIT_NOT_WRITTEN;
        }
        free(text);
        return rc;
    }
    if (!out) {
        fprintf(stderr, "otacheck grammar corpus: --out DIR is required\n");
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < nt; i++)
        if ((!one || one == &all[i]) && fz_write_target_files(&all[i], vs, nv, out) != 0)
            return RP_EXIT_NOT_WRITTEN; /* said on stderr: the file and why */
    return EXIT_PASS;
}

/* ---- verb ------------------------------------------------------------------------- */

int verb_grammar(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        {"out", required_argument, NULL, 'o'},
        {"werror", no_argument, NULL, 'W'},
        {"fuzz-target", required_argument, NULL, 'F'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    if (argc < 2 || argv[1][0] == '-') {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_PASS;
    }
    const char *sub = argv[1];
    struct cli_env env;
    cli_env_init(&env);
    const char *out = NULL, *fuzz_target = "all";
    bool werror = false, quiet = false;
    optind = 2;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:hq", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        switch (opt) {
        case 'o': out = optarg; break;
        case 'W': werror = true; break;
        case 'F': fuzz_target = optarg; break;
        case 'q': quiet = true; break;
        case 'h':
            usage(stdout);
            cli_env_free(&env);
            return EXIT_PASS;
        default:
            usage(stderr);
            cli_env_free(&env);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "otacheck grammar %s: unexpected argument '%s'\n", sub, argv[optind]);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    int rc = cli_load(&env);
    if (rc != EXIT_PASS) {
        cli_env_free(&env);
        /* a grammar that does not load is what lint is for: it fails, not a usage error */
        return strcmp(sub, "lint") == 0 ? EXIT_FAIL : rc;
    }
    const struct gram_vendor *vs[AT_IX_MAX_VENDORS * 4];
    size_t nv = cli_vendors(&env, vs, sizeof vs / sizeof vs[0]);
    if (nv == 0 || cli_check_dialects(&env, "grammar", vs, nv) != EXIT_PASS) {
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    if (strcmp(sub, "list") == 0) {
        for (size_t i = 0; i < nv; i++) {
            struct gram_dialect d;
            if ((rc = cli_dialect(&env, vs[i], &d)) != EXIT_PASS)
                break;
            list_vendor(vs[i], &d);
            if (i + 1 < nv)
                printf("\n");
        }
    } else if (strcmp(sub, "examples") == 0) {
        rc = run_examples(&env, vs, nv, !quiet);
    } else if (strcmp(sub, "lint") == 0) {
        rc = run_lint(&env, vs, nv, werror);
    } else if (strcmp(sub, "dump") == 0) {
        rc = gram_dump_json(vs, nv, out) == 0 ? EXIT_PASS : EXIT_USAGE;
    } else if (strcmp(sub, "dict") == 0 || strcmp(sub, "corpus") == 0) {
        rc = fuzz_files(sub, fuzz_target, vs, nv, out);
    } else {
        fprintf(stderr, "otacheck grammar: unknown sub-command '%s'\n", sub);
        usage(stderr);
        rc = EXIT_USAGE;
    }
    cli_env_free(&env);
    return rc;
}
