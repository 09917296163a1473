/* cli/verb_parse.c — `otacheck parse FILE`: reads a capture of a module's output (a serial
 * log, a ser2net dump, a vendor document's example, a firmware's strings: cli/capture.h)
 * through the reference parser and says of every line what it is: the echo of a command
 * (one of the grammar's, or a foreign one no grammar has), a final result, a response (of
 * the command in flight, of a foreign command, or of a form whose command the capture does
 * not show), a URC of the vendor, a standard line of the core (registration, SIM, signal),
 * a foreign line (a URC's shape, no grammar knows it), binary data (or its rendering in a
 * document), and what is wrong with it. A line of the module's that breaks what a document
 * or a standard says is a problem, and its source is named; one that breaks only what
 * otacheck infers, lines no grammar knows (noise, bytes that are not text) and commands of
 * the host's that break their form are warnings. Secrets are masked. Exit 1 when there is a problem, 0 otherwise.
 * --classes prints one line per line of the body, "<line>\t[problem:|warning:]<class>
 * [\t<name>]", for tests. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/capture.h"
#include "common/xalloc.h"
#include "cli/cli.h"
#include "grammar/source.h"
#include "parser/mask.h"
#include "parser/monitor.h"

static void usage(FILE *out)
{
    fprintf(out, "usage: otacheck parse FILE [--vendor ID|all] [--grammar FILE] "
                 "[--dialect K=C] [--quiet]\n"
                 "                     [--stream | --document | --strings] [--classes]\n"
                 "  FILE '-' reads standard input. --quiet prints only problems and warnings. A problem\n"
                 "  (exit 1) breaks a document or a standard, named; a warning breaks only what\n"
                 "  otacheck infers, or is a line no grammar knows. The kind of text\n"
                 "  comes from a '# kind: (a|b|c)' header line, else it is a stream; --stream,\n"
                 "  --document (binary data shown as hex, '...' elisions) and --strings (a C string\n"
                 "  literal per line, printf conversions standing for values) say it.\n"
                 "  --classes prints '<line>\\t<class>[\\t<name>]' per line of the body.\n");
}

struct parse_run {
    const struct at_index *ix;
    bool quiet, classes;
    unsigned problems, warnings;
};

/* What a line is, as one word, and its name when it has one. */
static const char *class_of(const struct at_event *ev, char *name, size_t n)
{
    const struct at_result *r = &ev->res;
    name[0] = '\0';
    if (ev->tok.kind == AT_TOK_PAYLOAD)
        return "payload";
    switch (r->cls) {
    case AT_CLS_ECHO:
        if (ev->foreign_command) {
            const char *cmd = (const char *)ev->tok.data + 2;
            size_t len = ev->tok.len > 2 ? ev->tok.len - 2 : 0, k = 0;
            while (k < len && k < 40 && !strchr("=?;\r\n", cmd[k]))
                k++;
            while (k && cmd[k - 1] == ' ')
                k--;
            snprintf(name, n, "%.*s", (int)k, cmd);
            return "foreign-command";
        }
        if (ev->cmd_form)
            snprintf(name, n, "%s", ev->cmd_form->cmd->name);
        return "echo";
    case AT_CLS_FINAL:
        snprintf(name, n, "%s", r->line ? r->line->name : "");
        return "final";
    case AT_CLS_INFO:
        if (ev->loose_form)
            snprintf(name, n, "%s %s", ev->loose_form->cmd->name, gram_form_kind_name(ev->loose_form->kind));
        return ev->loose_form ? "response" : "info";
    case AT_CLS_URC:
        snprintf(name, n, "%s", r->line ? r->line->name : "");
        return r->line && r->line->vendor && r->line->vendor->is_core ? "standard" : "urc";
    case AT_CLS_FOREIGN:
        return ev->foreign_info ? "foreign-info" : "foreign";
    case AT_CLS_UNKNOWN:
        return ev->foreign_info ? "foreign-info" : "unknown";
    default:
        return at_class_name(r->cls);
    }
}

/* Is it a departure from the documents? */
/* What a line's breach weighs: a problem when a document or a standard says what the line
 * broke, a warning when only otacheck's inference does or when no grammar knows the line
 * (a line of unknown shape, bytes that are not text, a line longer than the buffer: real
 * modules send them, and no document forbids them). */
enum line_weight { LINE_FINE, LINE_WARNING, LINE_PROBLEM };

static enum line_weight weigh(const struct at_event *ev)
{
    const struct at_result *r = &ev->res;
    if (ev->foreign_info || ev->foreign_command)
        return LINE_FINE;
    if (r->cls == AT_CLS_UNKNOWN || r->cls == AT_CLS_GARBAGE || r->cls == AT_CLS_OVERFLOW)
        return LINE_WARNING;
    if (r->cls == AT_CLS_ECHO && !r->valid) /* the host's line: what counts is the module's answer */
        return LINE_WARNING;
    if ((r->cls == AT_CLS_FINAL || r->cls == AT_CLS_INFO || r->cls == AT_CLS_URC) && !r->valid)
        return gram_src_binding(at_verror_src(&r->err)) ? LINE_PROBLEM : LINE_WARNING;
    return LINE_FINE;
}

static void print_text(const struct at_index *ix, const struct at_event *ev, char *text, size_t cap)
{
    const struct at_token *t = &ev->tok;
    const struct at_result *r = &ev->res;
    if (t->kind == AT_TOK_PAYLOAD) {
        snprintf(text, cap, "<%u bytes of payload at %" PRIu64 " of %" PRIu64 ">", t->len, t->piece_off, t->full_len);
        return;
    }
    char masked[2048];
    size_t n = r->cls == AT_CLS_ECHO ? at_mask_command(ix, t->data, t->len, masked, sizeof masked)
                                     : at_mask_response(r, t->data, t->len, masked, sizeof masked);
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap; i++) { /* control bytes shown as \xNN */
        unsigned char c = (unsigned char)masked[i];
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(text + o, cap - o, "\\x%02x", c);
        else
            text[o++] = (char)c;
    }
    text[o] = '\0';
    if (t->kind == AT_TOK_OVERFLOW)
        snprintf(text + (o > 60 ? 60 : o), cap - (o > 60 ? 60 : o), "... (%" PRIu64 " bytes)", t->full_len);
}

static void print_event(struct parse_run *pr, const struct at_event *ev, unsigned line)
{
    enum line_weight w = weigh(ev);
    bool bad = w != LINE_FINE;
    pr->problems += w == LINE_PROBLEM;
    pr->warnings += w == LINE_WARNING;
    char name[96];
    const char *cls = class_of(ev, name, sizeof name);
    if (pr->classes) {
        printf("%u\t%s%s%s%s\n", line, w == LINE_PROBLEM ? "problem:" : w == LINE_WARNING ? "warning:" : "", cls,
               name[0] ? "\t" : "", name);
        return;
    }
    if (pr->quiet && !bad)
        return;
    char text[200], what[160];
    print_text(pr->ix, ev, text, sizeof text);
    const struct at_result *r = &ev->res;
    if (r->cls == AT_CLS_INFO && r->line && !ev->loose_form)
        snprintf(what, sizeof what, "info %s", r->line->tpl.text);
    else if (r->cls == AT_CLS_ECHO && ev->cmd_form && !ev->foreign_command)
        snprintf(what, sizeof what, "echo of %s %s", ev->cmd_form->cmd->name, gram_form_kind_name(ev->cmd_form->kind));
    else if (ev->foreign_command)
        snprintf(what, sizeof what, "echo of a foreign command %s (no grammar has it)", name);
    else if (ev->loose_form)
        snprintf(what, sizeof what, "response of %s (its command is not in the capture)", name);
    else
        snprintf(what, sizeof what, "%s%s%s", cls, name[0] ? " " : "", name);
    printf("%6u  %-60s %s%s\n", line, text, what,
           (ev->tok.flags & AT_TF_SPLIT) ? " (cut from a longer line)" : "");
    if (bad && r->err.code != AT_OK && r->cls != AT_CLS_UNKNOWN) {
        char msg[512];
        char src[300];
        printf("          ^ %s\n", at_verror_format(&r->err, &pr->ix->slots[r->slot].d, msg, sizeof msg));
        printf("            %s\n", gram_src_describe(at_verror_src(&r->err), src, sizeof src));
    }
}

/* A line of the body that is the document's, not the module's. */
static void print_doc_line(struct parse_run *pr, const char *cls, unsigned line, const char *s, size_t n)
{
    if (pr->classes)
        printf("%u\t%s\n", line, cls);
    else if (!pr->quiet)
        printf("%6u  %-60.*s %s (the document's, not the module's)\n", line, (int)(n > 60 ? 60 : n), s,
               strcmp(cls, "elision") == 0 ? "lines left out" : "binary data rendered as text");
}

static struct at_monitor *new_monitor(const struct at_index *ix, uint8_t *carry, size_t cap)
{
    struct at_monitor *m = oc_xmalloc(sizeof *m);
    at_monitor_init(m, ix, carry, cap);
    m->check_echo = true;  /* a capture's command lines are worth checking too */
    m->loose_infos = true; /* a capture may not show the commands */
    return m;
}

/* A stream or a document: fed line by line, so that each event has its line. */
static void parse_lines(struct parse_run *pr, const struct capture *c, unsigned first_line, uint8_t *carry, size_t cap)
{
    struct at_monitor *m = new_monitor(pr->ix, carry, cap);
    struct at_event ev;
    bool rendered = false; /* a document shows binary data announced by the line before */
    unsigned line = first_line;
    for (size_t p = c->body; p < c->len; line++) {
        const char *s = c->data + p;
        const char *nl = memchr(s, '\n', c->len - p);
        size_t n = nl ? (size_t)(nl - s) + 1 : c->len - p;
        size_t text = n - (nl ? 1 : 0);
        while (text && s[text - 1] == '\r')
            text--;
        if (c->kind == CAPTURE_DOCUMENT && (capture_elision(s, text) || (rendered && capture_hex_words(s, text)))) {
            print_doc_line(pr, capture_elision(s, text) ? "elision" : "data-rendered", line, s, text);
            p += n;
            continue;
        }
        if (text)
            rendered = false;
        else if (pr->classes)
            printf("%u\tblank\n", line);
        at_monitor_feed(m, s, n, 0);
        while (at_monitor_next(m, &ev))
            print_event(pr, &ev, line);
        if (c->kind == CAPTURE_DOCUMENT && at_framer_in_payload(&m->fr)) {
            at_framer_abort_payload(&m->fr); /* the data follows as text, or not at all */
            rendered = true;
        }
        p += n;
    }
    while (at_monitor_flush(m, &ev, 0))
        print_event(pr, &ev, line - 1);
    if (at_framer_in_payload(&m->fr)) {
        printf("          the stream ended %" PRIu64 " bytes short of an announced payload\n",
               at_framer_abort_payload(&m->fr));
        pr->problems++;
    }
    free(m);
}

#define LITERAL_EVENTS 16

/* One literal's text through a fresh monitor: its events and its problems. */
static unsigned parse_text(const struct at_index *ix, const char *s, size_t n, struct at_event *evs, unsigned *n_ev,
                           uint8_t *carry, size_t cap)
{
    struct at_monitor *m = new_monitor(ix, carry, cap);
    unsigned bad = 0;
    *n_ev = 0;
    struct at_event ev;
    at_monitor_feed(m, s, n, 0);
    for (int pass = 0; pass < 2; pass++)
        while (pass ? at_monitor_flush(m, &ev, 0) : at_monitor_next(m, &ev)) {
            bad += weigh(&ev) != LINE_FINE;
            if (*n_ev < LITERAL_EVENTS)
                evs[(*n_ev)++] = ev;
        }
    if (at_framer_in_payload(&m->fr))
        bad++;
    free(m);
    return bad;
}

/* Firmware strings: each line a C string literal, parsed on its own; printf conversions
 * stand for values, and the first values that make the line valid are taken. */
static void parse_strings(struct parse_run *pr, const struct capture *c, unsigned first_line, uint8_t *carry,
                          size_t cap)
{
    unsigned line = first_line;
    char *text = oc_xmalloc(8192);
    struct at_event *evs = oc_xmalloc(sizeof *evs * LITERAL_EVENTS);
    for (size_t p = c->body; p < c->len; line++) {
        const char *s = c->data + p;
        const char *nl = memchr(s, '\n', c->len - p);
        size_t n = nl ? (size_t)(nl - s) : c->len - p;
        p += n + (nl ? 1 : 0);
        if (!n) {
            if (pr->classes)
                printf("%u\tblank\n", line);
            continue;
        }
        unsigned choice[8] = {0}, n_conv = 0, n_ev = 0;
        size_t tl = capture_decode_literal(s, n, choice, text, 8192, &n_conv);
        unsigned best = parse_text(pr->ix, text, tl, evs, &n_ev, carry, cap);
        /* other values for the conversions, until one set makes every line valid */
        unsigned tries = 1, samples = capture_samples();
        while (best && n_conv && n_conv <= 8 && tries < 256) {
            unsigned k = 0;
            while (k < n_conv && ++choice[k] == samples)
                choice[k++] = 0;
            if (k == n_conv)
                break;
            tries++;
            unsigned ne = 0;
            tl = capture_decode_literal(s, n, choice, text, 8192, NULL);
            struct at_event tmp[LITERAL_EVENTS];
            unsigned bad = parse_text(pr->ix, text, tl, tmp, &ne, carry, cap);
            if (bad < best) {
                best = bad;
                n_ev = ne;
                memcpy(evs, tmp, sizeof tmp[0] * ne);
            }
        }
        /* the events point into the monitor's carry buffer, now reused: print from the
         * best decoding again */
        if (n_ev == 0 && pr->classes)
            printf("%u\tblank\n", line);
        for (unsigned i = 0; i < n_ev; i++) {
            struct at_event e = evs[i];
            print_event(pr, &e, line);
        }
    }
    free(text);
    free(evs);
}

int verb_parse(int argc, char **argv)
{
    enum { O_STREAM = 1000, O_DOCUMENT, O_STRINGS, O_CLASSES };
    static const struct option longopts[] = {
        CLI_COMMON_LONGOPTS,
        {"quiet", no_argument, NULL, 'q'},
        {"stream", no_argument, NULL, O_STREAM},
        {"document", no_argument, NULL, O_DOCUMENT},
        {"strings", no_argument, NULL, O_STRINGS},
        {"classes", no_argument, NULL, O_CLASSES},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_env env;
    cli_env_init(&env);
    bool quiet = false, classes = false;
    int kind = -1;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        if (cli_common_option(&env, opt, optarg))
            continue;
        switch (opt) {
        case 'q': quiet = true; break;
        case O_STREAM: kind = CAPTURE_STREAM; break;
        case O_DOCUMENT: kind = CAPTURE_DOCUMENT; break;
        case O_STRINGS: kind = CAPTURE_STRINGS; break;
        case O_CLASSES: classes = true; break;
        case 'h': usage(stdout); cli_env_free(&env); return EXIT_PASS;
        default: usage(stderr); cli_env_free(&env); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    /* a directory opens and reads as nothing: say so, do not parse 0 bytes */
    struct stat st;
    if ((strcmp(path, "-") == 0 ? fstat(0, &st) : stat(path, &st)) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "otacheck parse: %s: is a directory (give a capture file, or - for standard input)\n",
                strcmp(path, "-") == 0 ? "standard input" : path);
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    int rc = cli_load(&env);
    const struct gram_vendor *vs[AT_IX_MAX_VENDORS];
    size_t nv = rc == EXIT_PASS ? cli_vendors(&env, vs, AT_IX_MAX_VENDORS) : 0;
    if (nv && cli_check_dialects(&env, "parse", vs, nv) != EXIT_PASS) {
        cli_env_free(&env);
        return EXIT_USAGE;
    }
    struct gram_dialect dl[AT_IX_MAX_VENDORS];
    const struct gram_dialect *dp[AT_IX_MAX_VENDORS];
    for (size_t i = 0; i < nv && rc == EXIT_PASS; i++) {
        rc = cli_dialect(&env, vs[i], &dl[i]);
        dp[i] = &dl[i];
    }
    struct capture c;
    char err[300];
    if (rc != EXIT_PASS || !nv || capture_read(path, &c, err, sizeof err) != 0) {
        if (rc == EXIT_PASS && nv)
            fprintf(stderr, "otacheck parse: %s\n", err);
        cli_env_free(&env);
        return rc != EXIT_PASS ? rc : EXIT_USAGE;
    }
    if (kind >= 0)
        c.kind = (enum capture_kind)kind;
    struct at_index ix;
    at_index_build(&ix, vs, dp, nv);
    uint8_t *carry = oc_xmalloc(65536);
    struct parse_run pr = {&ix, quiet, classes, 0, 0};
    if (!classes && (c.header_lines || c.kind != CAPTURE_STREAM))
        printf("%u header line%s; the body is read as a %s%s\n", c.header_lines, c.header_lines == 1 ? "" : "s",
               capture_kind_name(c.kind), c.kind_said ? " (the header says so)" : "");
    if (c.kind == CAPTURE_STRINGS)
        parse_strings(&pr, &c, c.header_lines + 1, carry, 65536);
    else
        parse_lines(&pr, &c, c.header_lines + 1, carry, 65536);
    if (!classes)
        printf("%zu bytes, %u problem%s, %u warning%s\n", c.len - c.body, pr.problems, pr.problems == 1 ? "" : "s",
               pr.warnings, pr.warnings == 1 ? "" : "s");
    free(carry);
    capture_free(&c);
    at_index_free(&ix);
    cli_env_free(&env);
    return pr.problems ? EXIT_FAIL : EXIT_PASS;
}
