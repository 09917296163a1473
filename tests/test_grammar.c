/* tests/test_grammar.c — the grammar loader reports each kind of mistake as
 * "file:line:col: error: what is wrong [code]" at the right place, and the linter's rules
 * each fire on a grammar that breaks them and stay silent on one that does not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/lint.h"
#include "grammar/load.h"
#include "parser/crosscheck.h"
#include "parser/examples.h"
#include "tests/tu.h"

/* A vendor header most cases start with. */
#define HEAD "format 1\nvendor t \"T\"\n  source \"doc\"\n  use core\n"
#define CS "dialect colon-space \"?\"\n  choice space \"s\"\n  choice none \"n\"\n  default space|none\n"

struct lcase {
    const char *name;
    const char *text;
    unsigned line, col;  /* 0: not checked */
    const char *code;    /* the [code] of the first error */
    const char *msg;     /* part of its message */
};

static const struct lcase load_cases[] = {
    {"no format line", "vendor t \"T\"\n", 1, 1, "missing-format", "start with 'format 1'"},
    {"wrong format", "format 2\nvendor t \"T\"\n", 1, 8, "bad-format", "format 1"},
    {"statement before vendor", "format 1\ncommand +X\n", 2, 1, "misplaced", "before 'vendor'"},
    {"unknown statement", HEAD "frobnicate 3\n", 5, 1, "unknown-statement", "frobnicate"},
    {"inverted range", HEAD "command +X class query\n  write a:int{5..1}\n", 6, 15, "inverted-range", "5..1"},
    {"empty set", HEAD "command +X class query\n  write a:int{}\n", 6, 15, "syntax", "a number or a range"},
    {"inverted string length", HEAD "command +X class query\n  write a:string(9..3)\n", 6, 18, "inverted-range", "9..3"},
    {"unknown type", HEAD "command +X class query\n  write a:float\n", 6, 11, "bad-type", "float"},
    {"undefined knob", HEAD "command +X class query\n  write a:int{1 when nope=x}\n", 6, 22, "undefined-name", "nope"},
    {"unknown choice", HEAD CS "command +X class query\n  write a:int{1 when colon-space=maybe}\n", 10, 34, "undefined-name", "maybe"},
    {"duplicate command", HEAD "command +X class query\n  exec\ncommand +x class query\n  exec\n", 7, 9, "duplicate-name", "+x"},
    {"duplicate core command", HEAD "command +CMEE class query\n  exec\n", 5, 9, "duplicate-name", "+CMEE"},
    {"duplicate URC", HEAD "urc a +A: <x:int>\nurc a +B\n", 6, 5, "duplicate-name", "'a'"},
    {"duplicate parameter", HEAD "command +X class query\n  write a:int, a:int\n", 6, 16, "duplicate-name", "'a'"},
    {"unterminated string", HEAD "  doc \"abc\n", 5, 7, "syntax", "unterminated string"},
    {"template field not closed", HEAD "urc a +A: <x:int\n", 5, 11, "bad-template", "never closed"},
    {"template ] alone", HEAD "urc a +A: x]\n", 5, 12, "bad-template", "closes no optional group"},
    {"template [ not closed", HEAD "urc a +A: [x\n", 5, 7, "bad-template", "never closed"},
    {"untyped field", HEAD "urc a +A: <x>\n", 5, 12, "undefined-name", "has no type"},
    {"rule with unknown name", HEAD "command +X class query\n  write a:int\n    rule b=1 -> present(a)\n", 7, 10, "undefined-name", "'b'"},
    {"rule compares a number with a string", HEAD "command +X class query\n  write a:int\n    rule a=\"x\" -> present(a)\n", 7, 11, "bad-rule", "numeric"},
    {"bad duration", "format 1\nvendor t \"T\"\n  response-time 3 seconds\n", 3, 17, "syntax", "a duration"},
    {"bad duration unit", "format 1\nvendor t \"T\"\n  response-time 3sec\n", 3, 17, "bad-duration", "'3sec'"},
    {"bad command name", HEAD "command GTOTA class query\n", 5, 9, "bad-name", "GTOTA"},
    {"group not at the end", HEAD "command +X class query\n  write a:int [, b:int], c:int\n", 6, 15, "bad-signature", "must end"},
    {"duplicate code", HEAD "codes c\n  1 \"one\"\n  1 \"uno\"\n", 7, 3, "duplicate-name", "code 1"},
    {"use core too late", "format 1\nvendor t \"T\"\n  source \"d\"\nurc a A\n  use core\n", 5, 3, "misplaced", "right after 'vendor'"},
    {"payload field not an int", HEAD "command +X class query\n  write a:int\n    info +X: <d:text>\n      payload d\n", 8, 15, "undefined-name", "int field"},
    {"knob without default", HEAD "dialect k \"?\"\n  choice a \"a\"\n  choice b \"b\"\n", 5, 9, "bad-knob", "no 'default'"},
    {"knob with one choice", HEAD "dialect k \"?\"\n  choice a \"a\"\n  default a\n", 5, 9, "bad-knob", "two choices"},
    {"no vendor", "format 1\n# nothing\n", 1, 1, "empty", "no 'vendor'"},
    {"no class", HEAD "command +X\n  write a:int\n", 6, 3, "no-class", "safety class"},
    {"flow with unknown URC", HEAD "urc a A\nflow f\n  = a b\n  stall 1s\n", 7, 7, "undefined-name", "unknown URC 'b'"},
    {"flow without events", HEAD "flow f\n  stall 1s\n", 5, 1, "empty-flow", "no events"},
    {"starts an unknown flow", HEAD "command +X class destructive\n  exec\n    starts nope\n", 6, 3, "undefined-name", "'nope'"},
    {"unknown state", HEAD "machine m\n  state s initial\ncommand +X class query\n  exec\n    in-state t\n", 9, 5, "undefined-name", "no state 't'"},
    {"state without machine", HEAD "command +X class query\n  exec\n    in-state s\n", 7, 5, "undefined-name", "no 'machine'"},
    {"machine event unknown", HEAD "machine m\n  state s initial\n  on zz: s -> s\n", 7, 6, "undefined-name", "unknown URC 'zz'"},
    {"flow check on a missing field", HEAD "urc a A: <n:int>\nflow f\n  = a\n  nondecreasing a.m\n  stall 1s\n", 8, 3, "undefined-name", "no field 'm'"},
    {"reserved URC name", HEAD "urc reboot RDY\n", 5, 5, "reserved-name", NULL},
    {"example step outside an example", HEAD "> AT\n", 5, 1, "misplaced", "example"},
};

static const struct lcase *find_case(const struct lcase *tab, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tab[i].name, name) == 0)
            return &tab[i];
    return NULL;
}

static void check_first_error(const struct lcase *c, const struct oc_diag *d, int rc)
{
    TU_CHECK(rc != 0, "%s: the loader accepted a broken grammar", c->name);
    const struct oc_diag_entry *e = NULL;
    for (size_t i = 0; i < d->n && !e; i++)
        if (d->v[i].sev == OC_SEV_ERROR)
            e = &d->v[i];
    TU_CHECK(e != NULL, "%s: no error reported", c->name);
    if (!e)
        return;
    char buf[1500];
    oc_diag_format(e, buf, sizeof buf);
    TU_CHECK(strcmp(e->file, "t.atg") == 0, "%s: file '%s' in \"%s\"", c->name, e->file, buf);
    if (c->line)
        TU_CHECK(e->line == c->line && e->col == c->col, "%s: expected t.atg:%u:%u, got \"%s\"",
                 c->name, c->line, c->col, buf);
    TU_CHECK(e->code && strcmp(e->code, c->code) == 0, "%s: expected [%s], got \"%s\"", c->name,
             c->code, buf);
    if (c->msg)
        TU_CHECK(strstr(e->msg, c->msg) != NULL, "%s: \"%s\" does not say \"%s\"", c->name, buf, c->msg);
    char head[64];
    snprintf(head, sizeof head, "t.atg:%u:%u: error: ", e->line, e->col);
    TU_CHECK(strncmp(buf, head, strlen(head)) == 0, "%s: the message does not read file:line:col: \"%s\"",
             c->name, buf);
}

static int load_one(struct gram_set *s, const char *text, struct oc_diag *d)
{
    /* the core first, as otacheck does */
    for (size_t i = 0; i < gram_embedded_count; i++)
        if (strstr(gram_embedded_files[i].name, "core.atg"))
            gram_load_text(s, gram_embedded_files[i].name, gram_embedded_files[i].text,
                           gram_embedded_files[i].len, d);
    oc_diag_clear(d);
    return gram_load_text(s, "t.atg", text, strlen(text), d);
}

static void load_error(void)
{
    const struct lcase *c = find_case(load_cases, sizeof load_cases / sizeof load_cases[0], tu_current());
    struct gram_set s;
    gram_set_init(&s);
    struct oc_diag d;
    oc_diag_init(&d);
    int rc = load_one(&s, c->text, &d);
    check_first_error(c, &d, rc);
    TU_CHECK(gram_set_vendor(&s, "t") == NULL, "%s: a grammar with errors must not be added", c->name);
    oc_diag_free(&d);
    gram_set_free(&s);
}

static void all_errors_in_one_run(void)
{
    const char *text = HEAD "command +X class query\n  write a:int{5..1}\nurc u +U: <x\n  response-time 1parsec\n";
    struct gram_set s;
    gram_set_init(&s);
    struct oc_diag d;
    oc_diag_init(&d);
    load_one(&s, text, &d);
    TU_CHECK(d.errors >= 3, "three mistakes, %zu reported", d.errors);
    oc_diag_free(&d);
    gram_set_free(&s);
}

static void binary_file(void)
{
    static const char bin[] = "format 1\n\0\x01\x02vendor";
    struct gram_set s;
    gram_set_init(&s);
    struct oc_diag d;
    oc_diag_init(&d);
    int rc = gram_load_text(&s, "bin.atg", bin, sizeof bin - 1, &d);
    TU_CHECK(rc != 0 && d.errors == 1 && strcmp(d.v[0].code, "binary") == 0, "a binary file is refused cleanly");
    oc_diag_free(&d);
    gram_set_free(&s);
}

static void embedded_grammars_load_clean(void)
{
    struct gram_set s;
    gram_set_init(&s);
    struct oc_diag d;
    oc_diag_init(&d);
    int rc = gram_load_all(&s, NULL, 0, &d);
    char buf[1500];
    for (size_t i = 0; i < d.n; i++)
        TU_CHECK(d.v[i].sev == OC_SEV_NOTE, "embedded grammar: %s", oc_diag_format(&d.v[i], buf, sizeof buf));
    TU_CHECK(rc == 0 && s.core && s.n_vendors >= 1, "the embedded grammars load");
    oc_diag_free(&d);
    gram_set_free(&s);
}

static void grammar_option_replaces_vendor(void)
{
    const char *path = "/tmp/otacheck-test-fibocom-override.atg";
    FILE *f = fopen(path, "w");
    fputs("format 1\nvendor fibocom \"Replaced\"\n  source \"x\"\n  use core\ncommand +ONLY class query\n  exec\n", f);
    fclose(f);
    struct gram_set s;
    gram_set_init(&s);
    struct oc_diag d;
    oc_diag_init(&d);
    const char *files[] = {path};
    int rc = gram_load_all(&s, files, 1, &d);
    const struct gram_vendor *v = gram_set_vendor(&s, "fibocom");
    TU_CHECK(rc == 0 && v && strcmp(v->name, "Replaced") == 0 && gram_vendor_command(v, "+ONLY") &&
                 !gram_vendor_command(v, "+GTOTA"),
             "--grammar replaces the embedded vendor of the same id");
    remove(path);
    oc_diag_free(&d);
    gram_set_free(&s);
}

/* ---- lint ---------------------------------------------------------------------------- */

struct lintcase {
    const char *name;
    const char *text;
    const char *code;   /* a diagnostic with this code must appear (NULL: none at all) */
    enum oc_severity sev;
};

static const struct lintcase lint_cases[] = {
    {"flow can never end", HEAD CS "urc a A\nurc b B\n  when colon-space=none\n" "flow f\n  = a b\n  stall 1s\n  ok b\n", NULL, OC_SEV_ERROR},
    {"flow has no time limit", HEAD "urc a A\nurc b B\nflow f\n  = a b*\n  ok a\n", "flow-unbounded", OC_SEV_ERROR},
    {"ambiguous URCs", HEAD "urc a +A: <x:int>\nurc b +A: <y:int{0..9}>\n", "ambiguous", OC_SEV_ERROR},
    {"ambiguous URC and final", HEAD "urc a OK\n", "ambiguous", OC_SEV_ERROR},
    {"fallback is not ambiguous", HEAD "urc a +A: 7,<x:int>\nurc b +A: <t:int>,<x:int>\n  fallback\n", NULL, OC_SEV_ERROR},
    {"disjoint values are not ambiguous", HEAD "urc a +A: <x:int{0..9}>\nurc b +A: <y:int{10..19}>\n", NULL, OC_SEV_ERROR},
    {"rules no line satisfies", HEAD "command +X class query\n  write a:int{1}\n    rule a=1 -> absent(a)\n", "unsatisfiable", OC_SEV_ERROR},
    {"example does not validate", HEAD "example \"e\"\n  > AT+CMEE=9\n  < OK\n", "example", OC_SEV_ERROR},
    {"example line unknown", HEAD "example \"e\"\n  > AT\n  < OKAY\n", "example", OC_SEV_ERROR},
    {"example final not allowed", HEAD "command +X class query\n  exec\n    result OK\nexample \"e\"\n  > AT+X\n  < ERROR\n", "example", OC_SEV_ERROR},
    {"example flow out of order", HEAD "urc a A\nurc b B\ncommand +X class destructive\n  exec\n    starts f\nflow f\n  = a b\n  stall 1s\n  ok b\nexample \"e\"\n  > AT+X\n  < OK\n  < B\n", "example", OC_SEV_ERROR},
    {"example payload length", HEAD "command +X class query\n  exec\n    info +X: <n:int>\n      payload n\nexample \"e\"\n  > AT+X\n  < +X: 4\n  < <data 3>\n  < OK\n", "example", OC_SEV_ERROR},
    {"example on-ok line before ERROR", HEAD "command +X class query\n  exec\n    info +X: done\n      on-ok\nexample \"e\"\n  > AT+X\n  < +X: done\n  < ERROR\n", "example", OC_SEV_ERROR},
    {"example on-error line before OK", HEAD "command +X class query\n  exec\n    info +X: failed\n      on-error\nexample \"e\"\n  > AT+X\n  < +X: failed\n  < OK\n", "example", OC_SEV_ERROR},
    {"example flow stops before its end", HEAD "urc a A\nurc b B\ncommand +X class destructive\n  exec\n    starts f\nflow f\n  = a b\n  stall 1s\n  ok b\nexample \"e\"\n  > AT+X\n  < OK\n  < A\n", "example", OC_SEV_ERROR},
    {"example restart where the flow has none", HEAD "urc a A\nurc b B\ncommand +X class destructive\n  exec\n    starts f\nflow f\n  = a b\n  stall 1s\n  ok b\nexample \"e\"\n  > AT+X\n  < OK\n  < A\n  < <reboot>\n  < B\n", "example", OC_SEV_ERROR},
    {"guarded error final", HEAD CS "errors cme when colon-space=none\ncommand +X class query\n  exec\nexample \"e\"\n  > AT+X\n  < +CME ERROR: 3\n", "example", OC_SEV_ERROR},
    {"unused knob is a note", HEAD "dialect k \"?\"\n  choice a \"a\"\n  choice b \"b\"\n  default a|b\n", "knob-unused", OC_SEV_NOTE},
    {"unreachable state", HEAD "machine m\n  state a initial\n  state b\n", "state-unreachable", OC_SEV_WARNING},
    {"clean grammar", HEAD "urc a A\nurc b B: <n:int{0..100}>\ncommand +X class destructive\n  exec\n    starts f\nflow f\n  = a b* \n  nondecreasing b.n\n  stall 10s\n  ok a\nexample \"e\"\n  > AT+X\n  < OK\n  < A\n", NULL, OC_SEV_WARNING},
};

static void example_problems(void *ctx, const struct gram_example *ex, const struct gram_step *st,
                             const char *reading, const char *problem)
{
    (void)reading;
    (void)ex;
    if (problem)
        oc_diag_add(ctx, OC_SEV_ERROR, st->pos.file, st->pos.line, st->pos.col, "example", "%s", problem);
}

static void lint_case(void)
{
    const struct lintcase *c = NULL;
    for (size_t i = 0; i < sizeof lint_cases / sizeof lint_cases[0]; i++)
        if (strcmp(lint_cases[i].name, tu_current()) == 0)
            c = &lint_cases[i];
    struct gram_set s;
    gram_set_init(&s);
    struct oc_diag d;
    oc_diag_init(&d);
    int rc = load_one(&s, c->text, &d);
    char buf[1500];
    if (rc != 0) {
        /* "flow can never end" is found by lint: the loader must accept the text */
        TU_CHECK(false, "%s: did not load: %s", c->name, d.n ? oc_diag_format(&d.v[0], buf, sizeof buf) : "?");
        oc_diag_free(&d);
        gram_set_free(&s);
        return;
    }
    oc_diag_clear(&d);
    const struct gram_vendor *v = gram_set_vendor(&s, "t");
    struct gram_dialect dl;
    gram_dialect_default(&dl, v);
    if (strcmp(c->name, "flow can never end") == 0 || strcmp(c->name, "guarded error final") == 0)
        gram_dialect_set(&dl, "colon-space=space", buf, sizeof buf); /* switches the guarded item off */
    gram_lint_vendor(v, &dl, &d);
    at_crosscheck_vendor(v, &dl, &d);
    const struct gram_dialect *dp = &dl;
    struct at_index ix;
    at_index_build(&ix, &v, &dp, 1);
    for (uint16_t i = 0; i < v->n_examples; i++)
        at_check_example(&ix, &v->examples[i], example_problems, &d);
    at_index_free(&ix);
    const char *want = c->code ? c->code : (strcmp(c->name, "flow can never end") == 0 ? "flow-never-ends" : NULL);
    bool found = false;
    for (size_t i = 0; i < d.n; i++) {
        if (want && d.v[i].code && strcmp(d.v[i].code, want) == 0 && d.v[i].sev == c->sev)
            found = true;
        if (!want && d.v[i].sev >= c->sev)
            TU_CHECK(false, "%s: unexpected %s", c->name, oc_diag_format(&d.v[i], buf, sizeof buf));
    }
    if (want) {
        if (!found)
            for (size_t i = 0; i < d.n; i++)
                fprintf(stderr, "   %s\n", oc_diag_format(&d.v[i], buf, sizeof buf));
        TU_CHECK(found, "%s: lint did not report [%s]", c->name, want);
    }
    oc_diag_free(&d);
    gram_set_free(&s);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = tu_suite("loader errors");
    for (size_t i = 0; i < sizeof load_cases / sizeof load_cases[0]; i++)
        tu_add(s, load_cases[i].name, load_error);
    tu_add(s, "every mistake in one run", all_errors_in_one_run);
    tu_add(s, "binary file", binary_file);
    CU_pSuite e = tu_suite("embedded grammars");
    tu_add(e, "load without errors or warnings", embedded_grammars_load_clean);
    tu_add(e, "--grammar replaces a vendor", grammar_option_replaces_vendor);
    CU_pSuite l = tu_suite("lint");
    for (size_t i = 0; i < sizeof lint_cases / sizeof lint_cases[0]; i++)
        tu_add(l, lint_cases[i].name, lint_case);
    return tu_run(argc, argv);
}
