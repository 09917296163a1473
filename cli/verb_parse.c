/* cli/verb_parse.c — `otacheck parse FILE`: reads a capture of a module's output (a serial
 * log, a ser2net dump) through the reference parser and prints every token: what it is,
 * which grammar line it matched, and what is wrong with it. Secrets are masked. Exit 1 when
 * a line breaks the grammar or is unknown. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "parser/mask.h"
#include "parser/monitor.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: otacheck parse FILE [--vendor ID|all] [--chunk N] [--grammar FILE] "
                 "[--dialect K=C] [--quiet]\n"
                 "  FILE '-' reads standard input. --quiet prints only the problems.\n");
}

static void print_event(const struct at_index *ix, const struct at_event *ev, bool quiet,
                        unsigned *problems)
{
    const struct at_token *t = &ev->tok;
    const struct at_result *r = &ev->res;
    bool bad = r->cls == AT_CLS_UNKNOWN || r->cls == AT_CLS_GARBAGE || r->cls == AT_CLS_OVERFLOW ||
               ((r->cls == AT_CLS_FINAL || r->cls == AT_CLS_INFO || r->cls == AT_CLS_URC ||
                 r->cls == AT_CLS_ECHO) && !r->valid);
    if (bad)
        (*problems)++;
    if (quiet && !bad)
        return;
    char text[200], masked[2048];
    if (t->kind == AT_TOK_PAYLOAD) {
        snprintf(text, sizeof text, "<%u bytes of payload at %" PRIu64 " of %" PRIu64 ">", t->len,
                 t->piece_off, t->full_len);
    } else {
        size_t n;
        if (r->cls == AT_CLS_ECHO)
            n = at_mask_command(ix, t->data, t->len, masked, sizeof masked);
        else
            n = at_mask_response(r, t->data, t->len, masked, sizeof masked);
        /* control bytes shown as \xNN */
        size_t o = 0;
        for (size_t i = 0; i < n && o + 5 < sizeof text; i++) {
            unsigned char c = (unsigned char)masked[i];
            if (c < 0x20 || c == 0x7f)
                o += (size_t)snprintf(text + o, sizeof text - o, "\\x%02x", c);
            else
                text[o++] = (char)c;
        }
        text[o] = '\0';
        if (t->kind == AT_TOK_OVERFLOW)
            snprintf(text + (o > 60 ? 60 : o), sizeof text - (o > 60 ? 60 : o), "... (%" PRIu64 " bytes)", t->full_len);
    }
    char what[160];
    if (r->line)
        snprintf(what, sizeof what, "%s %s", at_class_name(r->cls),
                 r->cls == AT_CLS_INFO ? r->line->tpl.text : r->line->name);
    else if (r->cls == AT_CLS_ECHO && ev->cmd_form)
        snprintf(what, sizeof what, "echo of %s %s", ev->cmd_form->cmd->name,
                 gram_form_kind_name(ev->cmd_form->kind));
    else
        snprintf(what, sizeof what, "%s", at_class_name(r->cls));
    printf("%8" PRIu64 "  %-60s %s%s\n", t->offset, text, what,
           (t->flags & AT_TF_SPLIT) ? " (cut from a longer line)" : "");
    if (bad && r->err.code != AT_OK && r->cls != AT_CLS_UNKNOWN) {
        char msg[512];
        printf("          ^ %s\n", at_verror_format(&r->err, &ix->slots[r->slot].d, msg, sizeof msg));
    }
}

int verb_parse(int argc, char **argv)
{
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        {"chunk", required_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_env env;
    cli_env_init(&env);
    size_t chunk = 4096;
    bool quiet = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        switch (opt) {
        case 'c': chunk = strtoull(optarg, NULL, 10); break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); cli_env_free(&env); return EXIT_PASS;
        default: usage(stderr); cli_env_free(&env); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || chunk == 0) {
        usage(stderr);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    int rc = cli_load(&env);
    const struct gram_vendor *vs[AT_IX_MAX_VENDORS];
    size_t nv = rc == EXIT_PASS ? cli_vendors(&env, vs, AT_IX_MAX_VENDORS) : 0;
    struct gram_dialect dl[AT_IX_MAX_VENDORS];
    const struct gram_dialect *dp[AT_IX_MAX_VENDORS];
    for (size_t i = 0; i < nv && rc == EXIT_PASS; i++) {
        rc = cli_dialect(&env, vs[i], &dl[i]);
        dp[i] = &dl[i];
    }
    FILE *f = NULL;
    if (rc == EXIT_PASS && nv)
        f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        if (rc == EXIT_PASS && nv)
            fprintf(stderr, "otacheck parse: cannot open %s\n", path);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    struct at_index ix;
    at_index_build(&ix, vs, dp, nv);
    uint8_t carry[4096];
    struct at_monitor m;
    at_monitor_init(&m, &ix, carry, sizeof carry);
    m.check_echo = true; /* a capture's command lines are worth checking too */
    uint8_t *buf = malloc(chunk);
    struct at_event ev;
    unsigned problems = 0;
    size_t n;
    while ((n = fread(buf, 1, chunk, f)) > 0) {
        at_monitor_feed(&m, buf, n, 0);
        while (at_monitor_next(&m, &ev))
            print_event(&ix, &ev, quiet, &problems);
    }
    while (at_monitor_flush(&m, &ev, 0))
        print_event(&ix, &ev, quiet, &problems);
    if (at_framer_in_payload(&m.fr))
        printf("          the stream ended %" PRIu64 " bytes short of an announced payload\n",
               at_framer_abort_payload(&m.fr)), problems++;
    printf("%" PRIu64 " bytes, %" PRIu64 " tokens, %u problem%s\n", m.fr.bytes,
           m.st.tokens, problems, problems == 1 ? "" : "s");
    if (f != stdin)
        fclose(f);
    free(buf);
    at_index_free(&ix);
    cli_env_free(&env);
    return problems ? EXIT_FAIL : EXIT_PASS;
}
