/* tests/test_grammar.c — the grammar loader reports each kind of mistake as
 * "file:line:col: error: what is wrong [code]" at the right place, refuses what goes past
 * its limits (nesting, counts) with such an error instead of crashing or wrapping, and the
 * linter's rules each fire on a grammar that breaks them and stay silent on one that does
 * not. */
#include <stdarg.h>
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
    {"use core twice", HEAD "  use core\n", 5, 3, "misplaced", "'use core' is said twice"},
    {"template groups nest too deep", HEAD "urc b +B: [x[x[x[x[x[x[x[x[x[x[x[x[x[x[x[x[x]]]]]]]]]]]]]]]]]\n",
     5, 43, "too-deep", "optional groups nest deeper than 16"},
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

/* ---- limits ---------------------------------------------------------------------------- */

/* A generated grammar text that knows where its next byte goes. */
struct gtext {
    char *p;
    size_t n, cap;
    unsigned line, col;
};

static void gt_init(struct gtext *t)
{
    memset(t, 0, sizeof *t);
    t->line = t->col = 1;
}

static void gt_put(struct gtext *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gt_put(struct gtext *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->n + (size_t)len + 1 > t->cap) {
        t->cap = (t->n + (size_t)len + 1) * 2;
        t->p = realloc(t->p, t->cap);
    }
    va_start(ap, fmt);
    vsnprintf(t->p + t->n, (size_t)len + 1, fmt, ap);
    va_end(ap);
    for (int i = 0; i < len; i++) {
        if (t->p[t->n + (size_t)i] == '\n') {
            t->line++;
            t->col = 1;
        } else {
            t->col++;
        }
    }
    t->n += (size_t)len;
}

/* Loads text (the core first) and checks that it fails with exactly one error, at
 * t.atg:line:col, reading "more than ..." (msg exactly). */
static void expect_one_error(const char *name, const char *text, unsigned line, unsigned col,
                             const char *code, const char *msg)
{
    struct gram_set s;
    gram_set_init(&s);
    struct oc_diag d;
    oc_diag_init(&d);
    int rc = load_one(&s, text, &d);
    TU_CHECK(rc != 0 && d.errors == 1, "%s: expected one error, got rc %d and %zu errors", name, rc,
             d.errors);
    const struct oc_diag_entry *e = NULL;
    for (size_t i = 0; i < d.n && !e; i++)
        if (d.v[i].sev == OC_SEV_ERROR)
            e = &d.v[i];
    if (e) {
        char buf[1500], want[600];
        oc_diag_format(e, buf, sizeof buf);
        snprintf(want, sizeof want, "t.atg:%u:%u: error: %s [%s]", line, col, msg, code);
        TU_CHECK(strcmp(buf, want) == 0, "%s: expected \"%s\", got \"%s\"", name, want, buf);
    }
    TU_CHECK(gram_set_vendor(&s, "t") == NULL, "%s: a grammar with errors must not be added", name);
    oc_diag_free(&d);
    gram_set_free(&s);
}

/* Loads text and checks that it loads without errors; returns the set (to look into). */
static bool expect_loads(const char *name, const char *text, struct gram_set *s)
{
    gram_set_init(s);
    struct oc_diag d;
    oc_diag_init(&d);
    int rc = load_one(s, text, &d);
    char buf[1500];
    TU_CHECK(rc == 0 && d.errors == 0, "%s: does not load: %s", name,
             d.n ? oc_diag_format(&d.v[0], buf, sizeof buf) : "?");
    oc_diag_free(&d);
    return rc == 0;
}

/* 20 000 parentheses (the 45 KB file), over several lines: the 65th gives the
 * error, where it is, and nothing crashes. */
static void flow_of_20000_parens(void)
{
    struct gtext t;
    gt_init(&t);
    gt_put(&t, HEAD "urc a A\nflow f\n  = ");
    unsigned line = 0, col = 0;
    for (unsigned i = 0; i < 20000; i++) {
        if (i == GRAM_MAX_FLOW_NESTING) {
            line = t.line;
            col = t.col;
        }
        gt_put(&t, "(");
        if (i % 100 == 40)
            gt_put(&t, "\n"); /* an open parenthesis continues the statement */
    }
    gt_put(&t, "a");
    for (unsigned i = 0; i < 20000; i++)
        gt_put(&t, i % 100 == 99 ? ")\n" : ")");
    gt_put(&t, "\n  stall 1s\n");
    TU_CHECK(line == 8 && col == 24, "the 65th '(' is at 8:24, not %u:%u", line, col);
    char msg[64];
    snprintf(msg, sizeof msg, "flow nesting deeper than %d", GRAM_MAX_FLOW_NESTING);
    expect_one_error("20000 parentheses", t.p, line, col, "too-deep", msg);
    free(t.p);
}

/* 200 000 events in a row and 300 000 operators after one: the parser stops at the 64th
 * event, and a run of operators is one node, so neither makes the tree (and the recursion
 * that builds the automaton) deep. */
static void flow_of_long_runs(void)
{
    struct gtext t;
    gt_init(&t);
    gt_put(&t, HEAD "urc a A\nflow f\n  = ");
    unsigned col = 0;
    for (unsigned i = 0; i < 200000; i++) {
        if (i == GRAM_MAX_FLOW_POS)
            col = t.col;
        gt_put(&t, "a ");
    }
    gt_put(&t, "\n  stall 1s\n");
    char msg[96];
    snprintf(msg, sizeof msg, "flow 'f' has more than %d event occurrences", GRAM_MAX_FLOW_POS);
    expect_one_error("200000 events", t.p, 7, col, "too-many", msg);
    free(t.p);

    gt_init(&t);
    gt_put(&t, HEAD "urc a A\nflow f\n  = a");
    for (unsigned i = 0; i < 100000; i++)
        gt_put(&t, "*+?");
    gt_put(&t, "\n  stall 1s\n");
    struct gram_set s;
    if (expect_loads("300000 operators", t.p, &s)) {
        const struct gram_flow *f = gram_vendor_flow(gram_set_vendor(&s, "t"), "f");
        TU_CHECK(f->n_pos == 1 && (f->accept & 3) == 3 && f->follow[1] == 2, "a*: one position that loops");
    }
    gram_set_free(&s);
    free(t.p);
}

/* Something nested n deep: head, then n times open (with %u: its depth), sep between two,
 * inner, n times close, tail. */
struct nestcase {
    const char *name;
    const char *head, *open, *sep, *inner, *close, *tail;
    int limit;
    const char *msg; /* %d: the limit */
};

static const struct nestcase nest_cases[] = {
    {"flow parentheses", HEAD "urc a A\nflow f\n  = ", "(", "", "a", ")", "\n  stall 1s\n",
     GRAM_MAX_FLOW_NESTING, "flow nesting deeper than %d"},
    {"signature groups", HEAD "command +X class query\n  write ", "[p%u:int", ", ", "", "]", "\n",
     GRAM_MAX_GROUP_NESTING, "optional groups nest deeper than %d"},
    {"template groups", HEAD "urc b +B: ", "[x%u", "", "", "]", "\n", GRAM_MAX_TEMPLATE_NESTING,
     "optional groups nest deeper than %d"},
};

/* The text nested n deep; *line, *col: where the (limit+1)-th open starts. */
static char *nest_text(const struct nestcase *c, int n, unsigned *line, unsigned *col)
{
    struct gtext t;
    gt_init(&t);
    gt_put(&t, "%s", c->head);
    for (int i = 0; i < n; i++) {
        if (i == c->limit) {
            *line = t.line;
            *col = t.col;
        }
        gt_put(&t, c->open, (unsigned)i);
        if (i + 1 < n)
            gt_put(&t, "%s", c->sep);
    }
    gt_put(&t, "%s", c->inner);
    for (int i = 0; i < n; i++)
        gt_put(&t, "%s", c->close);
    gt_put(&t, "%s", c->tail);
    return t.p;
}

static void nesting_limit(void)
{
    const struct nestcase *c = NULL;
    for (size_t i = 0; i < sizeof nest_cases / sizeof nest_cases[0]; i++)
        if (strstr(tu_current(), nest_cases[i].name))
            c = &nest_cases[i];
    unsigned line = 0, col = 0;
    char *text = nest_text(c, c->limit, &line, &col);
    struct gram_set s;
    expect_loads(c->name, text, &s); /* just at the limit */
    gram_set_free(&s);
    free(text);
    text = nest_text(c, c->limit + 1, &line, &col);
    char msg[128];
    snprintf(msg, sizeof msg, c->msg, c->limit);
    expect_one_error(c->name, text, line, col, "too-deep", msg);
    free(text);
}

/* A list filled to its limit, then past it: head, items (each from the start of a line,
 * "%u" its number), tail. The list holds `before` items the case does not write. */
struct countcase {
    const char *name;
    const char *head, *item, *tail;
    unsigned (*before)(void);
    unsigned limit;  /* 0: GRAM_MAX_COUNT */
    unsigned col;    /* of the error, in the first item past the limit */
    const char *msg; /* %u: the limit */
};

static unsigned core_commands(void) { return tu_grammar()->core->n_commands; }
static unsigned core_urcs(void) { return tu_grammar()->core->n_urcs; }
static unsigned one(void) { return 1; }

#define VHEAD "format 1\nvendor t \"T\"\n  source \"doc\"\n"
#define CMDX HEAD "command +X class query\n"
#define MACH HEAD "machine m\n  state s initial\n"
#define FLOWB HEAD "urc b B: <n:int>\ncommand +X class destructive\n  exec\nflow f\n  = b\n"

static const struct countcase count_cases[] = {
    {"commands", HEAD, "command +C%u class query\n  exec\n", "", core_commands, 0, 9,
     "more than %u commands in one vendor (the limit)"},
    {"URCs", HEAD, "urc u%u U%u\n", "", core_urcs, 0, 5, "more than %u URCs in one vendor (the limit)"},
    {"flows", HEAD "urc a A\n", "flow f%u\n  = a\n", "", NULL, 0, 6, "more than %u flows in one vendor (the limit)"},
    {"examples", HEAD, "example \"e%u\"\n", "", NULL, 0, 1, "more than %u examples in one vendor (the limit)"},
    {"code tables", HEAD, "codes c%u\n", "", NULL, 0, 7, "more than %u code tables in one vendor (the limit)"},
    {"sources", VHEAD, "  source \"d%u\"\n", "  use core\n", one, 0, 3, "more than %u sources in one vendor (the limit)"},
    {"codes of a table", HEAD "codes c\n", "  %u \"x\"\n", "", NULL, 0, 3, "more than %u codes in one table (the limit)"},
    {"forms", CMDX, "  exec\n", "", NULL, 0, 3, "more than %u forms of one command (the limit)"},
    {"info lines", CMDX "  exec\n", "    info +X: %u\n", "", NULL, 0, 5, "more than %u info lines of one form (the limit)"},
    {"rules of a form", CMDX "  write a:int\n", "    rule a=1 -> present(a)\n", "", NULL, 0, 5,
     "more than %u rules and in-state lines of one form (the limit)"},
    {"in-state lines", "format 1\nvendor t \"T\"\n  source \"doc\"\n  use core\nmachine m\n  state s initial\n"
     "command +X class query\n  exec\n", "    in-state s\n", "", NULL, 0, 5,
     "more than %u rules and in-state lines of one form (the limit)"},
    {"rules of a line", HEAD "urc a +A: <x:int>\n", "  rule x=1 -> present(x)\n", "", NULL, 0, 3,
     "more than %u rules of one line (the limit)"},
    {"aspect marks", CMDX "  write a:int\n", "    inferred a.values \"w%u\"\n", "", NULL, 0, 14,
     "more than %u aspect marks on one form (the limit)"},
    {"int values", CMDX "  write a:int{0\n", ",%u\n", "}\n", one, 0, 2, "more than %u values in one type (the limit)"},
    {"enum values", CMDX "  write a:enum{v\n", ",v%u\n", "}\n", one, 0, 2, "more than %u values in one type (the limit)"},
    {"transitions", MACH, "  on reboot: s -> s\n", "", NULL, 0, 3, "more than %u transitions in one machine (the limit)"},
    {"states of a transition", MACH "  on reboot: s \\\n", ", s \\\n", "-> s\n", one, 0, 3,
     "more than %u states an event leads from (the limit)"},
    {"flow checks", FLOWB, "  nondecreasing b.n\n", "", NULL, 0, 3, "more than %u checks in one flow (the limit)"},
    {"flow limits", FLOWB, "  after b within 1s\n", "", NULL, 0, 3, "more than %u 'after' limits in one flow (the limit)"},
    {"flow starts", FLOWB, "  start +X\n", "", NULL, 0, 9, "more than %u start commands of one flow (the limit)"},
    {"flow ok events", FLOWB, "  ok b\n", "", NULL, 0, 6, "more than %u 'ok' events of one flow (the limit)"},
    {"flow fail events", FLOWB, "  fail b\n", "", NULL, 0, 8, "more than %u 'fail' events of one flow (the limit)"},
    {"example steps", HEAD "example \"e\"\n", "  > AT\n", "", NULL, 0, 3, "more than %u steps in one example (the limit)"},
    {"flow event occurrences", HEAD "urc a A\nflow f\n", "  = a\n", "  stall 1s\n", NULL, GRAM_MAX_FLOW_POS, 5,
     "flow 'f' has more than %u event occurrences"},
};

/* n items of c; *line: where item number `mark` starts. */
static char *count_text(const struct countcase *c, unsigned n, unsigned mark, unsigned *line)
{
    struct gtext t;
    gt_init(&t);
    gt_put(&t, "%s", c->head);
    for (unsigned i = 0; i < n; i++) {
        if (i == mark)
            *line = t.line;
        gt_put(&t, c->item, i, i);
    }
    gt_put(&t, "%s", c->tail);
    return t.p;
}

static void count_limit(void)
{
    const struct countcase *c = NULL;
    for (size_t i = 0; i < sizeof count_cases / sizeof count_cases[0]; i++)
        if (strcmp(tu_current(), count_cases[i].name) == 0)
            c = &count_cases[i];
    unsigned limit = c->limit ? c->limit : GRAM_MAX_COUNT;
    unsigned room = limit - (c->before ? c->before() : 0);
    unsigned line = 0;
    char *text = count_text(c, room, room, &line);
    struct gram_set s;
    expect_loads(c->name, text, &s); /* full, and no more */
    gram_set_free(&s);
    free(text);
    text = count_text(c, room + 3, room, &line); /* three past: one error, at the first */
    char msg[128];
    snprintf(msg, sizeof msg, c->msg, limit);
    expect_one_error(c->name, text, line, c->col, "too-many", msg);
    free(text);
}

static void commands_fill_to_the_limit(void)
{
    struct gtext t;
    gt_init(&t);
    gt_put(&t, HEAD);
    for (unsigned i = core_commands(); i < GRAM_MAX_COUNT; i++)
        gt_put(&t, "command +C%u class query\n  exec\n", i);
    struct gram_set s;
    if (expect_loads("65535 commands", t.p, &s)) {
        const struct gram_vendor *v = gram_set_vendor(&s, "t");
        TU_CHECK(v && v->n_commands == GRAM_MAX_COUNT && gram_vendor_command(v, "+C65534") &&
                     v->commands[GRAM_MAX_COUNT - 1].n_forms == 1,
                 "all 65535 commands are there, the last one too");
    }
    gram_set_free(&s);
    free(t.p);
}

static void template_length_limit(void)
{
    struct gtext t;
    gt_init(&t);
    gt_put(&t, HEAD "urc b +B: %0*d\n", GRAM_MAX_TEMPLATE_LEN - 4, 0);
    struct gram_set s;
    expect_loads("the longest template", t.p, &s);
    gram_set_free(&s);
    free(t.p);
    gt_init(&t);
    gt_put(&t, HEAD "urc b +B: %0*d\n", GRAM_MAX_TEMPLATE_LEN - 3, 0);
    char msg[96];
    snprintf(msg, sizeof msg, "the line's text is longer than %d bytes (the limit)", GRAM_MAX_TEMPLATE_LEN);
    expect_one_error("a template one byte too long", t.p, 5, 7, "too-long", msg);
    free(t.p);
}

/* x** x++ x?? and any two different operators fold into one node: the same automaton */
static void repeated_operators_fold(void)
{
    static const struct {
        const char *expr;
        bool nullable, loops;
    } tab[] = {
        {"a*+?*", true, true}, {"a+?", true, true}, {"a?+", true, true}, {"a++", false, true},
        {"a??", true, false},  {"(a b)**", true, true},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, HEAD "urc a A\nurc b B\nflow f\n  = %s\n  stall 1s\n", tab[i].expr);
        struct gram_set s;
        if (expect_loads(tab[i].expr, text, &s)) {
            const struct gram_flow *f = gram_vendor_flow(gram_set_vendor(&s, "t"), "f");
            bool nullable = f->accept & 1, loops = f->follow[f->n_pos] >> 1 & 1;
            TU_CHECK(nullable == tab[i].nullable && loops == tab[i].loops,
                     "%s: nullable %d loops %d", tab[i].expr, nullable, loops);
        }
        gram_set_free(&s);
    }
}

/* Lists that the loader used to cut at a fixed size, without a word: more than 16 aspect
 * marks on a line, state and flow names past 127 characters. */
static void long_lists_are_kept_whole(void)
{
    struct gtext t;
    gt_init(&t);
    char name[301];
    memset(name, 'q', 300);
    name[300] = '\0';
    gt_put(&t, HEAD "machine m\n  state s initial\n  state %s\nurc a A\n", name);
    gt_put(&t, "command +X class destructive\n  write a:int, b:int, c:int\n    in-state s, %s\n    starts %s\n",
           name, name);
    gt_put(&t, "    inferred a.syntax");
    for (int i = 0; i < 7; i++)
        gt_put(&t, ", a.values, b.min, c.max");
    gt_put(&t, " \"w\"\nflow %s\n  = a\n  stall 1s\n", name);
    struct gram_set s;
    if (expect_loads("long lists", t.p, &s)) {
        const struct gram_vendor *v = gram_set_vendor(&s, "t");
        const struct gram_form *f = gram_command_form(gram_vendor_command(v, "+X"), GF_WRITE, NULL);
        TU_CHECK(f->n_aspects == 22, "22 aspect marks, not %u", f->n_aspects);
        TU_CHECK(f->in_states == 3, "in both states: mask %#x", f->in_states);
        TU_CHECK(f->n_starts == 1 && strcmp(f->starts[0]->name, name) == 0, "starts the flow of the long name");
    }
    gram_set_free(&s);
    free(t.p);
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
    CU_pSuite lim = tu_suite("loader limits");
    tu_add(lim, "a flow of 20000 parentheses", flow_of_20000_parens);
    tu_add(lim, "flows of long runs", flow_of_long_runs);
    for (size_t i = 0; i < sizeof nest_cases / sizeof nest_cases[0]; i++) {
        char name[96];
        snprintf(name, sizeof name, "nesting of %s", nest_cases[i].name);
        tu_add(lim, name, nesting_limit);
    }
    for (size_t i = 0; i < sizeof count_cases / sizeof count_cases[0]; i++)
        tu_add(lim, count_cases[i].name, count_limit);
    tu_add(lim, "65535 commands load", commands_fill_to_the_limit);
    tu_add(lim, "template length", template_length_limit);
    tu_add(lim, "repeated operators fold", repeated_operators_fold);
    tu_add(lim, "long lists are kept whole", long_lists_are_kept_whole);
    CU_pSuite e = tu_suite("embedded grammars");
    tu_add(e, "load without errors or warnings", embedded_grammars_load_clean);
    tu_add(e, "--grammar replaces a vendor", grammar_option_replaces_vendor);
    CU_pSuite l = tu_suite("lint");
    for (size_t i = 0; i < sizeof lint_cases / sizeof lint_cases[0]; i++)
        tu_add(l, lint_cases[i].name, lint_case);
    return tu_run(argc, argv);
}
