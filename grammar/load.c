/* grammar/load.c — reads the statements of a grammar file (grammar/README.md) into a
 * gram_vendor. Each statement is a logical line whose first word says what it is; lines
 * that describe an item (attributes) follow it and attach to the nearest item above that
 * takes them. Errors are collected, not fatal: the loader goes on to the next statement so
 * that one run reports every mistake. Names that may be declared further down (flows,
 * URCs, machine states) are resolved once the whole file is read (resolve.c). Every list
 * is bounded (GRAM_MAX_COUNT in model.h, the nesting limits in load.h): the item that would
 * go past a bound is an error at its own position, reported once per list, and dropped. */
#include "grammar/load.h"

#include "common/digest.h"
#include "common/fileio.h"
#include "common/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar/load_internal.h"

/* ---- helpers shared by the loader's files --------------------------------------- */

void *gload_grow(struct oc_arena *A, void *arr, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap && arr)
        return arr;
    size_t nc = *cap ? *cap * 2 : 4;
    while (nc <= n)
        nc *= 2;
    void *p = oc_arena_alloc(A, nc * elem);
    if (arr && n)
        memcpy(p, arr, n * elem);
    *cap = nc;
    return p;
}

void gload_err(struct gload *L, uint32_t line, uint32_t col, const char *code, const char *fmt,
               ...)
{
    va_list ap;
    va_start(ap, fmt);
    oc_diag_addv(L->diag, OC_SEV_ERROR, L->file, line, col, code, fmt, ap);
    va_end(ap);
}

void gload_warn(struct gload *L, uint32_t line, uint32_t col, const char *code, const char *fmt,
                ...)
{
    va_list ap;
    va_start(ap, fmt);
    oc_diag_addv(L->diag, OC_SEV_WARNING, L->file, line, col, code, fmt, ap);
    va_end(ap);
}

void gload_err_tok(struct gload *L, const struct glex_tok *t, const char *what)
{
    char buf[96];
    gload_err(L, t->line, t->col, "syntax", "expected %s, found %s", what,
              glex_describe(t, buf, sizeof buf));
}

struct gram_pos gload_pos(struct gload *L, uint32_t line, uint32_t col)
{
    struct gram_pos p = {L->file, line, col};
    return p;
}

bool gload_room(struct gload *L, size_t n, const void *list, uint32_t line, uint32_t col,
                const char *what)
{
    if (n < GRAM_MAX_COUNT)
        return true;
    if (!list || list != L->full_list)
        gload_err(L, line, col, "too-many", "more than %d %s (the limit)", GRAM_MAX_COUNT, what);
    L->full_list = list;
    return false;
}

char *gload_word(struct gload *L, const struct glex_tok *t)
{
    return oc_arena_strndup(L->A, t->p, t->len);
}

void gload_names_append(struct gload *L, struct gload_names *n, const char *s, size_t len)
{
    if (n->len + len + 1 > n->cap) {
        size_t cap = n->cap ? n->cap : 32;
        while (cap < n->len + len + 1)
            cap *= 2;
        char *p = oc_arena_alloc(L->A, cap);
        if (n->len)
            memcpy(p, n->text, n->len);
        n->text = p;
        n->cap = cap;
    }
    memcpy(n->text + n->len, s, len);
    n->len += len;
    n->text[n->len] = '\0';
}

void gload_names_add(struct gload *L, struct gload_names *n, const char *s, size_t len)
{
    if (n->len)
        gload_names_append(L, n, ",", 1);
    gload_names_append(L, n, s, len);
}

const char *gload_names_text(const struct gload_names *n)
{
    return n->text ? n->text : "";
}

/* ---- sets of keys (FNV-1a, open addressing) ------------------------------------------ */

static uint32_t key_hash(const struct gload_keys *k, const char *p, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (k->nocase && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h = (h ^ c) * 16777619u;
    }
    return h;
}

static bool key_equal(const struct gload_keys *k, const struct gload_key *e, const char *p,
                      size_t len)
{
    if (e->len != len)
        return false;
    return k->nocase ? strncasecmp(e->p, p, len) == 0 : memcmp(e->p, p, len) == 0;
}

/* The slot that holds the key, or the empty one where it would go. */
static size_t key_slot(const struct gload_keys *k, const char *p, size_t len)
{
    size_t i = key_hash(k, p, len) & (k->cap - 1);
    while (k->slot[i].p && !key_equal(k, &k->slot[i], p, len))
        i = (i + 1) & (k->cap - 1);
    return i;
}

long gload_keys_find(const struct gload_keys *k, const char *p, size_t len)
{
    if (k->cap == 0)
        return -1;
    const struct gload_key *e = &k->slot[key_slot(k, p, len)];
    return e->p ? (long)e->value : -1;
}

static void keys_grow(struct gload *L, struct gload_keys *k)
{
    struct gload_keys old = *k;
    k->cap = old.cap ? old.cap * 2 : 16;
    k->slot = OC_ARENA_ARRAY(L->A, struct gload_key, k->cap);
    k->n = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.slot[i].p)
            gload_keys_put(L, k, old.slot[i].p, old.slot[i].len, old.slot[i].value);
}

void gload_keys_put(struct gload *L, struct gload_keys *k, const char *p, size_t len,
                    uint32_t value)
{
    if (2 * (k->n + 1) > k->cap)
        keys_grow(L, k);
    struct gload_key *e = &k->slot[key_slot(k, p, len)];
    if (!e->p)
        k->n++;
    *e = (struct gload_key){p, (uint32_t)len, value};
}

/* Room for a new item (a statement that attribute lines may follow): when there is none,
 * the statement and the lines under it are skipped. */
static bool item_room(struct gload *L, struct glex *lx, size_t n, const void *list,
                      const struct glex_tok *at, const char *what)
{
    if (gload_room(L, n, list, at->line, at->col, what))
        return true;
    glex_skip_statement(lx);
    L->cur = GC_SKIP;
    return false;
}

/* Room for one more attribute line of the current item: when there is none, the line is
 * skipped. */
static bool line_room(struct gload *L, struct glex *lx, size_t n, const void *list,
                      const struct glex_tok *at, const char *what)
{
    if (gload_room(L, n, list, at->line, at->col, what))
        return true;
    glex_skip_statement(lx);
    return false;
}

bool gload_expect(struct gload *L, struct glex *lx, const char *s)
{
    struct glex_tok t = glex_next(lx);
    if (glex_is(&t, s))
        return true;
    char what[32];
    snprintf(what, sizeof what, "'%s'", s);
    gload_err_tok(L, &t, what);
    return false;
}

bool gload_expect_eol(struct gload *L, struct glex *lx)
{
    struct glex_tok t = glex_next(lx);
    if (t.kind == GT_EOL || t.kind == GT_EOF)
        return true;
    gload_err_tok(L, &t, "the end of the line");
    return false;
}

static bool want_string(struct gload *L, struct glex *lx, const char **out, const char *what)
{
    struct glex_tok t = glex_next(lx);
    if (t.kind != GT_STR) {
        gload_err_tok(L, &t, what);
        return false;
    }
    *out = oc_arena_strndup(L->A, t.str, t.str_len);
    return true;
}

/* The provenance kind a keyword names, GSRC_NONE when it names none. */
static uint8_t src_keyword(const struct gload *L, const struct glex_tok *kw)
{
    if (glex_is(kw, "source"))
        return L->v && L->v->is_core ? GSRC_STD : GSRC_DOC;
    if (glex_is(kw, "standard"))
        return GSRC_STD;
    if (glex_is(kw, "inferred"))
        return GSRC_INFERRED;
    return GSRC_NONE;
}

/* The quoted text after a provenance keyword (already read). */
static bool src_text(struct gload *L, struct glex *lx, uint8_t kind, struct gram_src *src)
{
    const char *cite;
    if (!want_string(L, lx, &cite, kind == GSRC_INFERRED ? "why it is inferred, in quotes"
                                                          : "the document and section, in quotes"))
        return false;
    src->kind = kind;
    src->cite = cite;
    return true;
}

bool gload_src_clause(struct gload *L, struct glex *lx, struct gram_src *src, bool *bad)
{
    struct glex_tok p = glex_peek(lx);
    uint8_t kind = src_keyword(L, &p);
    if (kind == GSRC_NONE)
        return false;
    glex_next(lx);
    if (!src_text(L, lx, kind, src))
        *bad = true;
    return true;
}

/* A provenance mark as an attribute line of its own: true when kw is one. */
static bool src_attr(struct gload *L, struct glex *lx, const struct glex_tok *kw, struct gram_src *src)
{
    uint8_t kind = src_keyword(L, kw);
    if (kind == GSRC_NONE)
        return false;
    if (src_text(L, lx, kind, src))
        gload_expect_eol(L, lx);
    else
        glex_skip_statement(lx);
    return true;
}

static bool want_word(struct gload *L, struct glex *lx, char **out, const char *what,
                      struct glex_tok *tok)
{
    struct glex_tok t = glex_next(lx);
    if (t.kind != GT_WORD) {
        gload_err_tok(L, &t, what);
        return false;
    }
    *out = gload_word(L, &t);
    if (tok)
        *tok = t;
    return true;
}

static bool want_uint(struct gload *L, struct glex *lx, uint32_t *out, const char *what)
{
    struct glex_tok t = glex_next(lx);
    if (t.kind != GT_NUM || t.num < 0 || t.num > UINT32_MAX) {
        gload_err_tok(L, &t, what);
        return false;
    }
    *out = (uint32_t)t.num;
    return true;
}

static bool parse_class(struct gload *L, struct glex *lx, enum gram_class *c)
{
    struct glex_tok t = glex_next(lx);
    if (glex_is(&t, "query"))
        *c = GC_QUERY;
    else if (glex_is(&t, "config"))
        *c = GC_CONFIG;
    else if (glex_is(&t, "destructive"))
        *c = GC_DESTRUCTIVE;
    else {
        gload_err_tok(L, &t, "query, config or destructive");
        return false;
    }
    return true;
}

static bool on_off(struct gload *L, struct glex *lx, bool *out)
{
    struct glex_tok t = glex_next(lx);
    if (glex_is(&t, "on") || glex_is(&t, "yes"))
        *out = true;
    else if (glex_is(&t, "off") || glex_is(&t, "no"))
        *out = false;
    else {
        gload_err_tok(L, &t, "on or off");
        return false;
    }
    return true;
}

/* ---- the current items -------------------------------------------------------------- */

static struct gram_command *cur_cmd(struct gload *L)
{
    return L->cmd_i >= 0 ? &L->v->commands[L->cmd_i] : NULL;
}

static struct gram_form *cur_form(struct gload *L)
{
    struct gram_command *c = cur_cmd(L);
    return c && L->form_i >= 0 ? &c->forms[L->form_i] : NULL;
}

static struct gram_line *cur_info(struct gload *L)
{
    struct gram_form *f = cur_form(L);
    return f && L->info_i >= 0 ? &f->infos[L->info_i] : NULL;
}

/* The line (info, URC or final) that attribute lines such as `when` describe. */
static struct gram_line *cur_line(struct gload *L)
{
    switch (L->cur) {
    case GC_INFO: return cur_info(L);
    case GC_URC: return &L->v->urcs[L->urc_i];
    case GC_FINAL: return &L->v->finals[L->final_i];
    default: return NULL;
    }
}

static bool name_taken(struct gload *L, const char *name, uint32_t line, uint32_t col)
{
    const struct gram_vendor *v = L->v;
    if (gload_keys_find(&L->urc_names, name, strlen(name)) >= 0)
        goto dup;
    for (uint16_t i = 0; i < v->n_finals; i++)
        if (strcmp(v->finals[i].name, name) == 0)
            goto dup;
    return false;
dup:
    gload_err(L, line, col, "duplicate-name",
              "'%s' is already the name of a URC or final result of this vendor", name);
    return true;
}

/* ---- statements ------------------------------------------------------------------- */

static bool need_vendor(struct gload *L, const struct glex_tok *kw)
{
    if (L->v)
        return true;
    gload_err(L, kw->line, kw->col, "misplaced",
              "'%.*s' before 'vendor' or 'core': a grammar file starts with 'format 1' and "
              "then 'vendor <id> \"<name>\"'",
              (int)kw->len, kw->p);
    return false;
}

static void st_vendor(struct gload *L, struct glex *lx, const struct glex_tok *kw, bool core)
{
    if (L->v) {
        gload_err(L, kw->line, kw->col, "misplaced",
                  "a grammar file describes one vendor; '%s' was already declared", L->v->id);
        return;
    }
    if (!L->saw_format)
        gload_err(L, kw->line, kw->col, "missing-format",
                  "the file must start with 'format 1'");
    struct glex_tok idt;
    char *id;
    if (!want_word(L, lx, &id, "the vendor id (quectel, simcom, ...)", &idt))
        return;
    const char *name;
    if (!want_string(L, lx, &name, "the vendor's display name in quotes"))
        return;
    gload_expect_eol(L, lx);
    struct gram_vendor *v = OC_ARENA_NEW(L->A, struct gram_vendor);
    v->id = id;
    v->name = name;
    v->is_core = core;
    v->file = L->file;
    v->pos = gload_pos(L, kw->line, kw->col);
    v->echo = true;               /* V.250 default E1 */
    v->line_end = GLE_CRLF;
    v->quoting = GQ_QUOTED;
    v->escapes = GESC_V250;
    v->empty_values = true;
    v->nocase_names = true;
    v->error_forms = GEF_ERROR;
    v->response_time_ms = 0;
    L->v = v;
    L->cur = GC_VENDOR;
}

static void st_vendor_attr(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_vendor *v = L->v;
    if (glex_is(kw, "source")) {
        struct gram_source s;
        memset(&s, 0, sizeof s);
        if (!want_string(L, lx, &s.title, "the document title in quotes"))
            return;
        for (;;) {
            struct glex_tok t = glex_next(lx);
            if (t.kind == GT_EOL || t.kind == GT_EOF)
                break;
            const char **dst = glex_is(&t, "version") ? &s.version
                               : glex_is(&t, "date")  ? &s.date
                               : glex_is(&t, "url")   ? &s.url
                               : glex_is(&t, "seed")  ? &s.seed
                                                      : NULL;
            if (!dst) {
                gload_err_tok(L, &t, "version, date, url or seed");
                return;
            }
            if (!want_string(L, lx, dst, "a quoted value"))
                return;
        }
        if (!gload_room(L, v->n_sources, &v->n_sources, kw->line, kw->col, "sources in one vendor"))
            return;
        size_t n = v->n_sources;
        *GLOAD_PUSH(L, v->sources, n, L->cap_sources) = s;
        v->n_sources = (uint16_t)n;
        if (n == 1) {
            /* the first source is what the vendor's items rest on (the core: standards) */
            char *cite = oc_arena_alloc(L->A, strlen(s.title) + (s.version ? strlen(s.version) : 0) + 2);
            sprintf(cite, "%s%s%s", s.title, s.version ? " " : "", s.version ? s.version : "");
            v->src.kind = v->is_core ? GSRC_STD : GSRC_DOC;
            v->src.cite = cite;
        }
        return;
    }
    if (glex_is(kw, "revision")) {
        want_uint(L, lx, &v->revision, "the grammar revision number");
    } else if (glex_is(kw, "use")) {
        struct glex_tok t = glex_next(lx);
        if (!glex_is(&t, "core")) {
            gload_err_tok(L, &t, "'core'");
            return;
        }
        if (v->is_core) {
            gload_err(L, t.line, t.col, "misplaced", "the core cannot use itself");
            return;
        }
        if (!L->set->core) {
            gload_err(L, kw->line, kw->col, "undefined-name",
                      "'use core': no core grammar is loaded");
            return;
        }
        if (L->saw_use_core) {
            /* a second copy of the core's finals would go past GRAM_MAX_FINALS */
            gload_err(L, kw->line, kw->col, "misplaced", "'use core' is said twice");
            return;
        }
        const struct gram_vendor *c = L->set->core;
        v->core = c;
        L->saw_use_core = true;
        /* The core's finals and commands come first, so their indices are the same in
         * every vendor. Commands are copied so that each belongs to this vendor (its
         * response-time default applies); their forms are copied for the same reason. */
        for (uint16_t i = 0; i < c->n_finals; i++) {
            size_t n = v->n_finals;
            *GLOAD_PUSH(L, v->finals, n, L->cap_finals) = c->finals[i];
            v->n_finals = (uint16_t)n;
        }
        for (uint16_t i = 0; i < c->n_commands; i++) {
            size_t n = v->n_commands;
            struct gram_command *cc = GLOAD_PUSH(L, v->commands, n, L->cap_commands);
            *cc = c->commands[i];
            cc->forms = oc_arena_memdup(L->A, c->commands[i].forms,
                                        c->commands[i].n_forms * sizeof *cc->forms);
            v->n_commands = (uint16_t)n;
            gload_keys_put(L, &L->cmd_names, cc->name, strlen(cc->name), (uint32_t)(n - 1));
        }
        for (uint16_t i = 0; i < c->n_urcs; i++) {
            size_t n = v->n_urcs;
            *GLOAD_PUSH(L, v->urcs, n, L->cap_urcs) = c->urcs[i];
            v->n_urcs = (uint16_t)n;
            gload_keys_put(L, &L->urc_names, c->urcs[i].name, strlen(c->urcs[i].name),
                           (uint32_t)(n - 1));
        }
    } else if (glex_is(kw, "response-time")) {
        struct glex_tok t = glex_next(lx);
        gload_duration(L, &t, &v->response_time_ms);
    } else if (glex_is(kw, "errors")) {
        /* the first 'errors' says what the vendor reports; more 'errors X when k=c' add
         * error finals that hold only under a dialect choice */
        uint8_t before = v->error_forms;
        if (!L->saw_errors)
            v->error_forms = 0;
        for (;;) {
            struct glex_tok t = glex_next(lx);
            if (glex_is(&t, "error"))
                v->error_forms |= GEF_ERROR;
            else if (glex_is(&t, "cme"))
                v->error_forms |= GEF_CME;
            else if (glex_is(&t, "text"))
                v->error_forms |= GEF_TEXT;
            else {
                gload_err_tok(L, &t, "error, cme or text");
                return;
            }
            struct glex_tok p = glex_peek(lx);
            if (!glex_is(&p, "|"))
                break;
            glex_next(lx);
        }
        struct glex_tok w = glex_peek(lx);
        if (glex_is(&w, "when")) {
            glex_next(lx);
            struct gram_guard g;
            if (!gload_guard(L, lx, &g))
                return;
            uint8_t added = (uint8_t)(v->error_forms & ~(L->saw_errors ? before : 0));
            for (int b = 0; b < 3; b++)
                if (added >> b & 1)
                    L->errors_guard[b] = g;
        }
        L->saw_errors = true;
    } else if (glex_is(kw, "echo")) {
        on_off(L, lx, &v->echo);
    } else if (glex_is(kw, "line-end")) {
        struct glex_tok t = glex_next(lx);
        if (glex_is(&t, "crlf"))
            v->line_end = GLE_CRLF;
        else if (glex_is(&t, "cr"))
            v->line_end = GLE_CR;
        else if (glex_is(&t, "lf"))
            v->line_end = GLE_LF;
        else
            gload_err_tok(L, &t, "crlf, cr or lf");
    } else if (glex_is(kw, "max-line")) {
        struct glex_tok t = glex_peek(lx);
        if (glex_is(&t, "auto")) {
            glex_next(lx);
            v->max_line = 0;
        } else {
            want_uint(L, lx, &v->max_line, "a byte count or 'auto'");
        }
    } else if (glex_is(kw, "strings")) {
        struct glex_tok t = glex_next(lx);
        if (glex_is(&t, "quoted"))
            v->quoting = GQ_QUOTED;
        else if (glex_is(&t, "optional-quotes"))
            v->quoting = GQ_OPTIONAL;
        else
            gload_err_tok(L, &t, "quoted or optional-quotes");
    } else if (glex_is(kw, "escapes")) {
        v->escapes = 0;
        for (;;) {
            struct glex_tok t = glex_next(lx);
            if (glex_is(&t, "v250"))
                v->escapes |= GESC_V250;
            else if (glex_is(&t, "backslash"))
                v->escapes |= GESC_BACKSLASH;
            else if (glex_is(&t, "none"))
                v->escapes = 0;
            else {
                gload_err_tok(L, &t, "v250, backslash or none");
                return;
            }
            struct glex_tok p = glex_peek(lx);
            if (!glex_is(&p, "|"))
                break;
            glex_next(lx);
        }
    } else if (glex_is(kw, "empty-values")) {
        on_off(L, lx, &v->empty_values);
    } else if (glex_is(kw, "names")) {
        struct glex_tok t = glex_next(lx);
        if (glex_is(&t, "nocase"))
            v->nocase_names = true;
        else if (glex_is(&t, "exact"))
            v->nocase_names = false;
        else
            gload_err_tok(L, &t, "nocase or exact");
    } else {
        gload_err(L, kw->line, kw->col, "unknown-statement", "unknown vendor attribute '%.*s'",
                  (int)kw->len, kw->p);
        return;
    }
    gload_expect_eol(L, lx);
}

static void st_dialect(struct gload *L, struct glex *lx)
{
    struct gram_vendor *v = L->v;
    struct glex_tok nt;
    char *name;
    if (!want_word(L, lx, &name, "the knob's name", &nt))
        return;
    if (gram_vendor_knob(v, name)) {
        gload_err(L, nt.line, nt.col, "duplicate-name", "dialect knob '%s' is declared twice",
                  name);
        return;
    }
    if (v->n_knobs >= GRAM_MAX_KNOBS) {
        gload_err(L, nt.line, nt.col, "too-many", "more than %d dialect knobs", GRAM_MAX_KNOBS);
        return;
    }
    struct gram_knob *k = &v->knobs[v->n_knobs];
    memset(k, 0, sizeof *k);
    k->name = name;
    k->pos = gload_pos(L, nt.line, nt.col);
    if (!want_string(L, lx, &k->question, "the question the knob answers, in quotes"))
        return;
    if (!gload_expect_eol(L, lx))
        return;
    v->n_knobs++;
    if (strcmp(name, "colon-space") == 0)
        v->colon_space_knob = v->n_knobs;
    if (strcmp(name, "trailing-space") == 0)
        v->trailing_space_knob = v->n_knobs;
    L->knob_i = v->n_knobs - 1;
    L->cap_choices = 0;
    L->cur = GC_KNOB;
}

static void st_knob_attr(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_knob *k = &L->v->knobs[L->knob_i];
    if (glex_is(kw, "choice")) {
        struct glex_tok ct;
        char *id;
        if (!want_word(L, lx, &id, "the choice's id", &ct))
            return;
        if (gram_knob_choice(k, id) >= 0) {
            gload_err(L, ct.line, ct.col, "duplicate-name", "knob '%s' already has choice '%s'",
                      k->name, id);
            return;
        }
        if (k->n_choices >= GRAM_MAX_CHOICES) {
            gload_err(L, ct.line, ct.col, "too-many", "more than %d choices", GRAM_MAX_CHOICES);
            return;
        }
        struct gram_choice c;
        memset(&c, 0, sizeof c);
        c.id = id;
        if (!want_string(L, lx, &c.text, "what the choice means, in quotes"))
            return;
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "source")) {
            glex_next(lx);
            if (!want_string(L, lx, &c.source, "the source in quotes"))
                return;
        }
        size_t n = k->n_choices;
        *GLOAD_PUSH(L, k->choices, n, L->cap_choices) = c;
        k->n_choices = (uint16_t)n;
        gload_expect_eol(L, lx);
        return;
    }
    if (glex_is(kw, "default")) {
        k->default_mask = 0;
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "any")) {
            glex_next(lx);
            k->default_mask = (uint16_t)((1u << k->n_choices) - 1);
        } else {
            for (;;) {
                struct glex_tok ct;
                char *id;
                if (!want_word(L, lx, &id, "a choice id or 'any'", &ct))
                    return;
                int ci = gram_knob_choice(k, id);
                if (ci < 0) {
                    gload_err(L, ct.line, ct.col, "undefined-name",
                              "knob '%s' has no choice '%s' (declare choices before 'default')",
                              k->name, id);
                    return;
                }
                k->default_mask |= (uint16_t)(1u << ci);
                p = glex_peek(lx);
                if (!glex_is(&p, "|"))
                    break;
                glex_next(lx);
            }
        }
        p = glex_peek(lx);
        if (p.kind == GT_STR) {
            glex_next(lx);
            k->default_why = oc_arena_strndup(L->A, p.str, p.str_len);
        }
        gload_expect_eol(L, lx);
        return;
    }
    gload_err(L, kw->line, kw->col, "unknown-statement",
              "'%.*s' does not describe a dialect knob (choice, default)", (int)kw->len, kw->p);
}

static void st_codes(struct gload *L, struct glex *lx)
{
    struct gram_vendor *v = L->v;
    struct glex_tok nt;
    char *name;
    if (!want_word(L, lx, &name, "the code table's name", &nt))
        return;
    if (gload_keys_find(&L->table_names, name, strlen(name)) >= 0) {
        gload_err(L, nt.line, nt.col, "duplicate-name", "code table '%s' is declared twice", name);
        return;
    }
    struct glex_tok p = glex_peek(lx);
    if (p.kind == GT_STR)
        glex_next(lx); /* a title; kept in the file only */
    if (!gload_expect_eol(L, lx))
        return;
    if (!item_room(L, lx, v->n_codes, &v->n_codes, &nt, "code tables in one vendor"))
        return;
    size_t n = v->n_codes;
    struct gram_codes *c = GLOAD_PUSH(L, v->codes, n, L->cap_codes);
    v->n_codes = (uint16_t)n;
    memset(c, 0, sizeof *c);
    c->name = name;
    c->pos = gload_pos(L, nt.line, nt.col);
    gload_keys_put(L, &L->table_names, name, strlen(name), (uint32_t)(n - 1));
    memset(&L->code_values, 0, sizeof L->code_values);
    L->codes_i = (int)n - 1;
    L->cap_params = 0;
    L->cur = GC_CODES;
}

static void st_code_entry(struct gload *L, struct glex *lx, const struct glex_tok *num)
{
    struct gram_codes *c = &L->v->codes[L->codes_i];
    if (!line_room(L, lx, c->n_codes, &c->n_codes, num, "codes in one table"))
        return;
    if (num->num_overflow) {
        gload_err(L, num->line, num->col, "bad-number", "code does not fit in 64 bits");
        glex_skip_statement(lx);
        return;
    }
    if (gload_keys_find(&L->code_values, (const char *)&num->num, sizeof num->num) >= 0) {
        gload_err(L, num->line, num->col, "duplicate-name", "code %lld is listed twice in '%s'",
                  (long long)num->num, c->name);
        glex_skip_statement(lx);
        return;
    }
    struct gram_code e;
    memset(&e, 0, sizeof e);
    e.value = num->num;
    if (!want_string(L, lx, &e.meaning, "the code's meaning in quotes")) {
        glex_skip_statement(lx);
        return;
    }
    struct glex_tok p = glex_peek(lx);
    if (p.kind == GT_WORD) {
        glex_next(lx);
        e.kind = gload_word(L, &p);
    }
    gload_expect_eol(L, lx);
    size_t n = c->n_codes;
    *GLOAD_PUSH(L, c->codes, n, L->cap_params) = e;
    c->n_codes = (uint16_t)n;
    /* the key is a copy of the value where it stays put */
    const int64_t *key = oc_arena_memdup(L->A, &e.value, sizeof e.value);
    gload_keys_put(L, &L->code_values, (const char *)key, sizeof *key, (uint32_t)(n - 1));
}

/* final <name> ok|error <template> */
static void st_final(struct gload *L, struct glex *lx)
{
    struct gram_vendor *v = L->v;
    struct glex_tok nt;
    char *name;
    if (!want_word(L, lx, &name, "the final result's name", &nt))
        return;
    if (name_taken(L, name, nt.line, nt.col))
        return;
    struct glex_tok o = glex_next(lx);
    enum gram_outcome oc;
    if (glex_is(&o, "ok"))
        oc = GO_OK;
    else if (glex_is(&o, "error"))
        oc = GO_ERROR;
    else {
        gload_err_tok(L, &o, "ok or error");
        return;
    }
    if (v->n_finals >= GRAM_MAX_FINALS) {
        gload_err(L, nt.line, nt.col, "too-many", "more than %d final results", GRAM_MAX_FINALS);
        return;
    }
    size_t tl;
    uint32_t tline, tcol;
    const char *tx = glex_rest(lx, &tl, &tline, &tcol);
    struct gram_line ln;
    memset(&ln, 0, sizeof ln);
    ln.kind = GL_FINAL;
    ln.name = name;
    ln.outcome = oc;
    ln.payload_field = -1;
    ln.pos = gload_pos(L, nt.line, nt.col);
    if (!gload_template(L, tx, tl, tline, tcol, &ln.tpl, NULL))
        return;
    size_t n = v->n_finals;
    *GLOAD_PUSH(L, v->finals, n, L->cap_finals) = ln;
    v->n_finals = (uint16_t)n;
    L->final_i = (int)n - 1;
    L->cap_rules = 0;
    L->cur = GC_FINAL;
}

/* urc <name> <template> */
static void st_urc(struct gload *L, struct glex *lx)
{
    struct gram_vendor *v = L->v;
    struct glex_tok nt;
    char *name;
    if (!want_word(L, lx, &name, "the URC's name", &nt))
        return;
    if (strcmp(name, "reboot") == 0) {
        gload_err(L, nt.line, nt.col, "reserved-name",
                  "'reboot' is the flow event for a module restart; name the URC otherwise");
        return;
    }
    /* a vendor's URC named as one of the core's standard lines takes its place (the
     * vendor's RDY that announces its restart) */
    long same = gload_keys_find(&L->urc_names, name, strlen(name));
    int replaces = -1;
    if (same >= 0 && !v->is_core && v->urcs[same].vendor && v->urcs[same].vendor->is_core)
        replaces = (int)same;
    if (replaces < 0 && name_taken(L, name, nt.line, nt.col))
        return;
    if (replaces < 0 && !item_room(L, lx, v->n_urcs, &v->n_urcs, &nt, "URCs in one vendor"))
        return;
    size_t tl;
    uint32_t tline, tcol;
    const char *tx = glex_rest(lx, &tl, &tline, &tcol);
    struct gram_line ln;
    memset(&ln, 0, sizeof ln);
    ln.kind = GL_URC;
    ln.name = name;
    ln.payload_field = -1;
    ln.pos = gload_pos(L, nt.line, nt.col);
    if (!gload_template(L, tx, tl, tline, tcol, &ln.tpl, NULL))
        return;
    if (replaces >= 0) {
        v->urcs[replaces] = ln;
        L->urc_i = replaces;
    } else {
        size_t n = v->n_urcs;
        *GLOAD_PUSH(L, v->urcs, n, L->cap_urcs) = ln;
        v->n_urcs = (uint16_t)n;
        L->urc_i = (int)n - 1;
        gload_keys_put(L, &L->urc_names, name, strlen(name), (uint32_t)(n - 1));
    }
    L->cap_rules = 0;
    L->cur = GC_URC;
}

/* command <NAME> [class C] [time D] */
static void st_command(struct gload *L, struct glex *lx)
{
    struct gram_vendor *v = L->v;
    /* until it is added, there is no current command: the forms under one that fails are
     * skipped, not given to the one above */
    L->cmd_i = L->form_i = L->info_i = -1;
    struct glex_tok nt = glex_next(lx);
    if (nt.kind != GT_WORD) {
        gload_err_tok(L, &nt, "a command name such as +GTOTA, E or AT");
        return;
    }
    char *name = gload_word(L, &nt);
    struct gram_command c;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.pos = gload_pos(L, nt.line, nt.col);
    if (strcmp(name, "AT") == 0) {
        c.empty = true;
    } else if (name[0] == '+') {
        size_t nl = strlen(name);
        if (nl < 2 || nl > 17 || !((name[1] >= 'A' && name[1] <= 'Z') || (name[1] >= 'a' && name[1] <= 'z'))) {
            gload_err(L, nt.line, nt.col, "bad-name",
                      "'%s': an extended command name is '+' and 1 to 16 characters, the first a letter (V.250 5.4.1)",
                      name);
            return;
        }
    } else if ((strlen(name) == 1 && ((name[0] >= 'A' && name[0] <= 'Z'))) ||
               (strlen(name) == 2 && name[0] == '&' && name[1] >= 'A' && name[1] <= 'Z')) {
        c.basic = true;
    } else {
        gload_err(L, nt.line, nt.col, "bad-name",
                  "'%s' is not a command name: use +NAME, a basic command letter (E, &F) or AT",
                  name);
        return;
    }
    long same = gload_keys_find(&L->cmd_names, name, strlen(name));
    if (same >= 0) {
        gload_err(L, nt.line, nt.col, "duplicate-name", "command %s is already declared at %s:%u",
                  name, v->commands[same].pos.file, v->commands[same].pos.line);
        return;
    }
    for (;;) {
        struct glex_tok t = glex_next(lx);
        if (t.kind == GT_EOL || t.kind == GT_EOF)
            break;
        if (glex_is(&t, "class")) {
            if (!parse_class(L, lx, &c.cls))
                return;
        } else if (glex_is(&t, "time")) {
            struct glex_tok d = glex_next(lx);
            if (!gload_duration(L, &d, &c.time_ms))
                return;
        } else if (glex_is(&t, "optional")) {
            c.optional = true;
        } else {
            gload_err_tok(L, &t, "class, time, optional or the end of the line");
            glex_skip_statement(lx);
            return;
        }
    }
    if (!item_room(L, lx, v->n_commands, &v->n_commands, &nt, "commands in one vendor"))
        return;
    size_t n = v->n_commands;
    *GLOAD_PUSH(L, v->commands, n, L->cap_commands) = c;
    v->n_commands = (uint16_t)n;
    gload_keys_put(L, &L->cmd_names, name, strlen(name), (uint32_t)(n - 1));
    L->cmd_i = (int)n - 1;
    L->form_i = -1;
    L->info_i = -1;
    L->cap_forms = 0;
    L->cur = GC_COMMAND;
}

static void st_form(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_command *c = cur_cmd(L);
    if (!c && L->cur == GC_SKIP) { /* under a command that failed */
        glex_skip_statement(lx);
        return;
    }
    if (!c || !(L->cur == GC_COMMAND || L->cur == GC_FORM || L->cur == GC_INFO || L->cur == GC_SKIP)) {
        gload_err(L, kw->line, kw->col, "misplaced",
                  "'%.*s' describes a form of a command: put it under 'command'", (int)kw->len,
                  kw->p);
        glex_skip_statement(lx);
        return;
    }
    struct gram_form f;
    memset(&f, 0, sizeof f);
    f.pos = gload_pos(L, kw->line, kw->col);
    f.counts = 1;
    if (glex_is(kw, "test"))
        f.kind = GF_TEST;
    else if (glex_is(kw, "read"))
        f.kind = GF_READ;
    else if (glex_is(kw, "exec"))
        f.kind = GF_EXEC;
    else
        f.kind = GF_WRITE;
    if (c->basic && (f.kind == GF_TEST || f.kind == GF_READ)) {
        gload_err(L, kw->line, kw->col, "misplaced",
                  "basic command %s has no test or read form in this grammar", c->name);
        glex_skip_statement(lx);
        return;
    }
    if (c->empty && f.kind != GF_EXEC) {
        gload_err(L, kw->line, kw->col, "misplaced", "the empty command AT has only an exec form");
        glex_skip_statement(lx);
        return;
    }
    if (!item_room(L, lx, c->n_forms, &c->n_forms, kw, "forms of one command"))
        return;
    if (f.kind == GF_WRITE) {
        if (!gload_signature(L, lx, &f)) {
            glex_skip_statement(lx);
            return;
        }
        if (c->basic && (f.n_params != 1 || f.params[0].type.kind != GT_INT)) {
            gload_err(L, kw->line, kw->col, "bad-signature",
                      "a basic command takes one optional number: write [n:int{...}]");
            glex_skip_statement(lx);
            return;
        }
    }
    if (!gload_expect_eol(L, lx)) {
        glex_skip_statement(lx);
        return;
    }
    size_t n = c->n_forms;
    *GLOAD_PUSH(L, c->forms, n, L->cap_forms) = f;
    c->n_forms = (uint16_t)n;
    L->form_i = (int)n - 1;
    L->info_i = -1;
    L->cap_rules = 0;
    L->cap_infos = 0;
    L->cap_aspects = 0;
    L->cur = GC_FORM;
}

static void st_info(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_form *f = cur_form(L);
    if (L->cur == GC_SKIP) { /* under an item that failed: nothing to attach to */
        glex_skip_statement(lx);
        return;
    }
    if (!f || !(L->cur == GC_FORM || L->cur == GC_INFO)) {
        gload_err(L, kw->line, kw->col, "misplaced",
                  "'info' describes a response line of a command form: put it under test, read, write or exec");
        glex_skip_statement(lx);
        return;
    }
    if (!item_room(L, lx, f->n_infos, &f->n_infos, kw, "info lines of one form"))
        return;
    size_t tl;
    uint32_t tline, tcol;
    const char *tx = glex_rest(lx, &tl, &tline, &tcol);
    struct gram_line ln;
    memset(&ln, 0, sizeof ln);
    ln.kind = GL_INFO;
    char nm[32];
    snprintf(nm, sizeof nm, "info%u", (unsigned)f->n_infos + 1);
    ln.name = oc_arena_strdup(L->A, nm);
    ln.payload_field = -1;
    ln.pos = gload_pos(L, kw->line, kw->col);
    /* Fields may name the form's parameters; test, read and exec forms have none of their
     * own and name those of the command's write form, declared before them. */
    struct gload_scope sc = {f->params, f->n_params, "parameter"};
    if (f->n_params == 0) {
        const struct gram_command *c = cur_cmd(L);
        for (uint16_t i = 0; i < c->n_forms; i++)
            if (c->forms[i].kind == GF_WRITE && c->forms[i].n_params) {
                sc.params = c->forms[i].params;
                sc.n_params = c->forms[i].n_params;
                break;
            }
    }
    if (!gload_template(L, tx, tl, tline, tcol, &ln.tpl, &sc))
        return;
    size_t n = f->n_infos;
    *GLOAD_PUSH(L, f->infos, n, L->cap_infos) = ln;
    f->n_infos = (uint16_t)n;
    L->info_i = (int)n - 1;
    L->cap_rules = 0;
    L->cur = GC_INFO;
}

/* Attributes of forms: variant class time rule result in-state starts doc */
static bool form_attr(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_form *f = cur_form(L);
    struct gram_command *c = cur_cmd(L);
    if (glex_is(kw, "variant")) {
        char *name;
        struct glex_tok t;
        if (!want_word(L, lx, &name, "the variant's name", &t))
            return true;
        for (uint16_t i = 0; i + 1 < c->n_forms; i++)
            if (c->forms[i].kind == f->kind && c->forms[i].variant &&
                strcmp(c->forms[i].variant, name) == 0)
                gload_err(L, t.line, t.col, "duplicate-name",
                          "%s already has a %s variant '%s'", c->name,
                          gram_form_kind_name(f->kind), name);
        f->variant = name;
    } else if (glex_is(kw, "class")) {
        parse_class(L, lx, &f->cls);
    } else if (glex_is(kw, "time")) {
        struct glex_tok d = glex_next(lx);
        gload_duration(L, &d, &f->time_ms);
    } else if (glex_is(kw, "result")) {
        /* result OK | errors | silence | <final name> ... */
        f->finals = 0;
        for (;;) {
            struct glex_tok t = glex_next(lx);
            if (glex_is(&t, "errors")) {
                f->finals |= 1u << 31; /* marker: the vendor's error finals, filled in later */
            } else if (glex_is(&t, "silence")) {
                f->final_silence = true;
            } else if (t.kind == GT_WORD) {
                char *name = gload_word(L, &t);
                const struct gram_line *fl = gram_vendor_final(L->v, name);
                if (!fl) {
                    gload_err(L, t.line, t.col, "undefined-name", "no final result named '%s'",
                              name);
                    return true;
                }
                f->finals |= 1u << (fl - L->v->finals);
            } else {
                gload_err_tok(L, &t, "a final result name, 'errors' or 'silence'");
                return true;
            }
            struct glex_tok p = glex_peek(lx);
            if (!glex_is(&p, "|"))
                break;
            glex_next(lx);
        }
    } else if (glex_is(kw, "may-refuse")) {
        want_string(L, lx, &f->may_refuse, "why a valid line may be refused, in quotes");
    } else if (glex_is(kw, "in-state")) {
        if (!line_room(L, lx, f->n_rules, &f->n_rules, kw, "rules and in-state lines of one form"))
            return true;
        struct gload_names states = {NULL, 0, 0};
        for (;;) {
            struct glex_tok s = glex_next(lx);
            if (s.kind != GT_WORD) {
                gload_err_tok(L, &s, "a state name");
                return true;
            }
            gload_names_add(L, &states, s.p, s.len);
            struct glex_tok p = glex_peek(lx);
            if (!glex_is(&p, ","))
                break;
            glex_next(lx);
        }
        struct gram_guard guard = {0, 0};
        struct glex_tok w = glex_peek(lx);
        if (glex_is(&w, "when")) {
            glex_next(lx);
            if (!gload_guard(L, lx, &guard))
                return true;
        }
        /* resolved with the machine: kept as a rule with a state consequence */
        size_t n = f->n_rules;
        struct gram_rule *r = GLOAD_PUSH(L, f->rules, n, L->cap_rules);
        f->n_rules = (uint16_t)n;
        memset(r, 0, sizeof *r);
        r->guard = guard;
        r->n_cons = 1;
        r->cons[0].kind = GCONS_STATE;
        r->cons[0].state_names = gload_names_text(&states);
        r->text = oc_arena_strdup(L->A, "in-state");
        r->pos = gload_pos(L, kw->line, kw->col);
    } else if (glex_is(kw, "starts")) {
        /* starts a | b: the first event tells which of the flows runs */
        struct gload_names flows = {NULL, 0, 0};
        for (;;) {
            char *name;
            if (!want_word(L, lx, &name, "a flow name", NULL))
                return true;
            gload_names_add(L, &flows, name, strlen(name));
            struct glex_tok p = glex_peek(lx);
            if (!glex_is(&p, "|"))
                break;
            glex_next(lx);
        }
        f->starts_names = gload_names_text(&flows);
    } else {
        return false;
    }
    gload_expect_eol(L, lx);
    return true;
}

/* inferred|source|standard <param>.<aspect>[, <param>.<aspect>]... "text": where one
 * aspect of a parameter's expectation comes from (grammar/README.md, "Provenance"). */
static void aspect_marks(struct gload *L, struct glex *lx, const struct glex_tok *kw, struct gram_form *f)
{
    static const char *const names[GASP__COUNT] = {"syntax", "values", "min", "max",
                                                   "omit", "quoting", "escape", "charset"};
    uint8_t kind = src_keyword(L, kw);
    /* the marks go in as they are read; the source text at the end of the line fills them
     * in, and a line that turns out wrong takes them out again */
    uint16_t first = f->n_aspects;
    for (;;) {
        struct glex_tok pt = glex_next(lx), dot = glex_next(lx), at = glex_next(lx);
        if (pt.kind != GT_WORD || !glex_is(&dot, ".") || at.kind != GT_WORD) {
            gload_err_tok(L, pt.kind != GT_WORD ? &pt : !glex_is(&dot, ".") ? &dot : &at,
                          "<parameter>.<aspect> (syntax, values, min, max, omit, quoting, escape, charset)");
            f->n_aspects = first;
            glex_skip_statement(lx);
            return;
        }
        char *pname = gload_word(L, &pt);
        int pi = gram_form_param(f, pname);
        if (pi < 0) {
            gload_err(L, pt.line, pt.col, "undefined-name", "the form has no parameter '%s'", pname);
            f->n_aspects = first;
            glex_skip_statement(lx);
            return;
        }
        int ai = -1;
        for (int k = 0; k < GASP__COUNT; k++)
            if (glex_is(&at, names[k]))
                ai = k;
        if (ai < 0) {
            gload_err_tok(L, &at, "an aspect: syntax, values, min, max, omit, quoting, escape or charset");
            f->n_aspects = first;
            glex_skip_statement(lx);
            return;
        }
        if (!line_room(L, lx, f->n_aspects, &f->n_aspects, &pt, "aspect marks on one form")) {
            f->n_aspects = first;
            return;
        }
        size_t k = f->n_aspects;
        *GLOAD_PUSH(L, f->aspects, k, L->cap_aspects) =
            (struct gram_aspect_src){(int16_t)pi, (uint8_t)ai, {kind, NULL}};
        f->n_aspects = (uint16_t)k;
        struct glex_tok p = glex_peek(lx);
        if (!glex_is(&p, ","))
            break;
        glex_next(lx);
    }
    struct gram_src src;
    if (!src_text(L, lx, kind, &src)) {
        f->n_aspects = first;
        glex_skip_statement(lx);
        return;
    }
    gload_expect_eol(L, lx);
    for (uint16_t i = first; i < f->n_aspects; i++)
        f->aspects[i].src = src;
}

static void add_rule(struct gload *L, struct glex *lx, const struct glex_tok *kw,
                     struct gram_rule **rules, uint16_t *n_rules, const struct gload_scope *sc,
                     const char *what)
{
    if (!line_room(L, lx, *n_rules, n_rules, kw, what))
        return;
    struct gram_rule r;
    if (!gload_rule(L, lx, &r, sc, kw->line, kw->col)) {
        glex_skip_statement(lx);
        return;
    }
    gload_expect_eol(L, lx);
    size_t n = *n_rules;
    *GLOAD_PUSH(L, *rules, n, L->cap_rules) = r;
    *n_rules = (uint16_t)n;
}

/* Attributes of lines (info, urc, final). */
static bool line_attr(struct gload *L, struct glex *lx, const struct glex_tok *kw,
                      struct gram_line *ln)
{
    if (glex_is(kw, "when")) {
        gload_guard(L, lx, &ln->guard);
    } else if (glex_is(kw, "rule")) {
        struct gload_scope sc = {ln->tpl.fields, ln->tpl.n_fields, "field"};
        add_rule(L, lx, kw, &ln->rules, &ln->n_rules, &sc, "rules of one line");
        return true;
    } else if (glex_is(kw, "fallback") && ln->kind == GL_URC) {
        ln->flags |= GLF_FALLBACK;
    } else if (glex_is(kw, "boot") && ln->kind == GL_URC) {
        ln->flags |= GLF_BOOT;
    } else if (glex_is(kw, "unterminated")) {
        ln->flags |= GLF_NO_TERM;
    } else if (glex_is(kw, "repeat") && ln->kind == GL_INFO) {
        ln->flags |= GLF_REPEAT;
    } else if (glex_is(kw, "optional") && ln->kind == GL_INFO) {
        ln->flags |= GLF_OPTIONAL;
    } else if (glex_is(kw, "on-error") && ln->kind == GL_INFO) {
        ln->flags |= GLF_ON_ERROR;
    } else if (glex_is(kw, "on-ok") && ln->kind == GL_INFO) {
        ln->flags |= GLF_ON_OK;
    } else if (glex_is(kw, "payload") && ln->kind != GL_FINAL) {
        struct glex_tok t;
        char *name;
        if (!want_word(L, lx, &name, "the field that gives the payload's length", &t))
            return true;
        int fi = gram_line_field(ln, name);
        if (fi < 0 || (ln->tpl.fields[fi].type.kind != GT_INT)) {
            gload_err(L, t.line, t.col, "undefined-name",
                      "the payload length must be an int field of this line; '%s' is not", name);
            return true;
        }
        ln->payload_field = (int16_t)fi;
        ln->payload_enc = GPE_RAW;
        for (;;) {
            struct glex_tok p = glex_peek(lx);
            if (glex_is(&p, "raw")) {
                glex_next(lx);
                ln->payload_enc = GPE_RAW;
            } else if (glex_is(&p, "hex")) {
                glex_next(lx);
                ln->payload_enc = GPE_HEX;
            } else if (glex_is(&p, "encoding")) {
                /* encoding <knob>: the knob's choices named raw and hex decide */
                glex_next(lx);
                struct glex_tok kt;
                char *kname;
                if (!want_word(L, lx, &kname, "a dialect knob", &kt))
                    return true;
                int ki = gram_vendor_knob(L->v, kname);
                if (!ki) {
                    gload_err(L, kt.line, kt.col, "undefined-name", "unknown dialect knob '%s'",
                              kname);
                    return true;
                }
                const struct gram_knob *k = &L->v->knobs[ki - 1];
                if (gram_knob_choice(k, "raw") < 0 || gram_knob_choice(k, "hex") < 0) {
                    gload_err(L, kt.line, kt.col, "bad-knob",
                              "knob '%s' decides a payload encoding: it needs choices 'raw' and 'hex'",
                              kname);
                    return true;
                }
                ln->payload_enc_knob = (uint8_t)ki;
            } else if (glex_is(&p, "crlf")) {
                glex_next(lx);
                if (!gload_guard(L, lx, &ln->payload_crlf_guard))
                    return true;
            } else {
                break;
            }
        }
    } else if (glex_is(kw, "doc")) {
        want_string(L, lx, &ln->doc, "the text in quotes");
    } else if (src_attr(L, lx, kw, &ln->src)) {
        return true;
    } else {
        return false;
    }
    gload_expect_eol(L, lx);
    return true;
}

static void st_machine(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_vendor *v = L->v;
    if (v->machine) {
        gload_err(L, kw->line, kw->col, "duplicate-name", "a vendor has one state machine");
        glex_skip_statement(lx);
        return;
    }
    char *name;
    if (!want_word(L, lx, &name, "the machine's name", NULL))
        return;
    gload_expect_eol(L, lx);
    v->machine = OC_ARENA_NEW(L->A, struct gram_machine);
    v->machine->name = name;
    v->machine->pos = gload_pos(L, kw->line, kw->col);
    L->cap_tr = 0;
    L->cur = GC_MACHINE;
}

static void st_machine_attr(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_machine *m = L->v->machine;
    if (src_attr(L, lx, kw, &m->src))
        return;
    if (glex_is(kw, "state")) {
        struct glex_tok t;
        char *name;
        if (!want_word(L, lx, &name, "a state name", &t))
            return;
        if (gram_machine_state(m, name) >= 0) {
            gload_err(L, t.line, t.col, "duplicate-name", "state '%s' is declared twice", name);
            glex_skip_statement(lx);
            return;
        }
        if (m->n_states >= GRAM_MAX_STATES) {
            gload_err(L, t.line, t.col, "too-many", "more than %d states", GRAM_MAX_STATES);
            glex_skip_statement(lx);
            return;
        }
        m->states[m->n_states] = name;
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "initial")) {
            glex_next(lx);
            m->initial = m->n_states;
        }
        m->n_states++;
        gload_expect_eol(L, lx);
        return;
    }
    if (glex_is(kw, "on")) {
        /* on <event> : <from>[, <from>] -> <to> ; event = urc | +CMD[=v,...] | reboot */
        if (!line_room(L, lx, m->n_tr, &m->n_tr, kw, "transitions in one machine"))
            return;
        struct gtr_pending tp;
        memset(&tp, 0, sizeof tp);
        struct glex_tok e = glex_next(lx);
        if (e.kind != GT_WORD) {
            gload_err_tok(L, &e, "an event: a URC name, a command such as +QIOTUPDATE=1, or reboot");
            glex_skip_statement(lx);
            return;
        }
        tp.event = gload_word(L, &e);
        tp.event_pos = gload_pos(L, e.line, e.col);
        struct glex_tok p = glex_peek(lx);
        if (e.p[0] == '+' && glex_is(&p, "=")) {
            glex_next(lx);
            /* values up to ':' as written */
            struct gload_names values = {NULL, 0, 0};
            for (;;) {
                struct glex_tok vt = glex_peek(lx);
                if (glex_is(&vt, ":") || vt.kind == GT_EOL || vt.kind == GT_EOF)
                    break;
                glex_next(lx);
                const char *s = vt.kind == GT_PUNCT ? vt.punct : vt.p;
                size_t sl = vt.kind == GT_PUNCT ? strlen(vt.punct) : vt.len;
                if (vt.kind == GT_STR) {
                    s = vt.p;
                    sl = vt.len;
                }
                gload_names_append(L, &values, s, sl);
            }
            tp.values = gload_names_text(&values);
        }
        if (!gload_expect(L, lx, ":")) {
            glex_skip_statement(lx);
            return;
        }
        size_t cap = 0, nf = 0;
        for (;;) {
            struct glex_tok s = glex_next(lx);
            char *sn;
            if (glex_is(&s, "*"))
                sn = oc_arena_strdup(L->A, "*");
            else if (s.kind == GT_WORD)
                sn = gload_word(L, &s);
            else {
                gload_err_tok(L, &s, "a state name or '*'");
                glex_skip_statement(lx);
                return;
            }
            if (!line_room(L, lx, nf, NULL, &s, "states an event leads from"))
                return;
            size_t n2 = nf, cap2 = cap;
            *GLOAD_PUSH(L, tp.from, nf, cap) = sn;
            *GLOAD_PUSH(L, tp.from_pos, n2, cap2) = gload_pos(L, s.line, s.col);
            struct glex_tok q = glex_peek(lx);
            if (!glex_is(&q, ","))
                break;
            glex_next(lx);
        }
        tp.n_from = (uint16_t)nf;
        if (!gload_expect(L, lx, "->")) {
            glex_skip_statement(lx);
            return;
        }
        struct glex_tok to;
        if (!want_word(L, lx, (char **)&tp.to, "the state the event leads to", &to)) {
            glex_skip_statement(lx);
            return;
        }
        tp.to_pos = gload_pos(L, to.line, to.col);
        gload_expect_eol(L, lx);
        size_t n = m->n_tr;
        struct gram_transition *tr = GLOAD_PUSH(L, m->tr, n, L->cap_tr);
        memset(tr, 0, sizeof *tr);
        tr->pos = gload_pos(L, kw->line, kw->col);
        m->n_tr = (uint16_t)n;
        size_t np = n - 1;
        /* pending data at the same index */
        size_t pn = np;
        L->tr_pend = gload_grow(L->A, L->tr_pend, pn, &L->cap_tr_pend, sizeof *L->tr_pend);
        L->tr_pend[np] = tp;
        return;
    }
    gload_err(L, kw->line, kw->col, "unknown-statement",
              "'%.*s' does not describe a state machine (state, on)", (int)kw->len, kw->p);
    glex_skip_statement(lx);
}

static void st_flow(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_vendor *v = L->v;
    struct glex_tok t;
    char *name;
    if (!want_word(L, lx, &name, "the flow's name", &t))
        return;
    if (gload_keys_find(&L->flow_names, name, strlen(name)) >= 0) {
        gload_err(L, t.line, t.col, "duplicate-name", "flow '%s' is declared twice", name);
        glex_skip_statement(lx);
        return;
    }
    gload_expect_eol(L, lx);
    if (!item_room(L, lx, v->n_flows, &v->n_flows, &t, "flows in one vendor"))
        return;
    size_t n = v->n_flows;
    struct gram_flow *f = GLOAD_PUSH(L, v->flows, n, L->cap_flows);
    v->n_flows = (uint16_t)n;
    memset(f, 0, sizeof *f);
    f->name = name;
    gload_keys_put(L, &L->flow_names, name, strlen(name), (uint32_t)(n - 1));
    f->stall_param = -1;
    f->pos = gload_pos(L, kw->line, kw->col);
    L->flow_pend = gload_grow(L->A, L->flow_pend, n - 1, &L->cap_flow_pend, sizeof *L->flow_pend);
    memset(&L->flow_pend[n - 1], 0, sizeof L->flow_pend[n - 1]);
    L->flow_i = (int)n - 1;
    L->cap_checks = L->cap_limits = 0;
    L->cur = GC_FLOW;
}

/* "<urc>.<field>" or "<+CMD>.<param>" */
static bool dotted(struct gload *L, struct glex *lx, const char **a, const char **b)
{
    struct glex_tok t;
    char *x;
    if (!want_word(L, lx, &x, "a name such as progress.percent", &t))
        return false;
    if (!gload_expect(L, lx, "."))
        return false;
    char *y;
    if (!want_word(L, lx, &y, "a field or parameter name after '.'", NULL))
        return false;
    *a = x;
    *b = y;
    return true;
}

/* A name and where it is written, into two arrays that grow together (*cap is theirs). */
static void push_named(struct gload *L, const char ***names, struct gram_pos **pos, uint16_t *n,
                       size_t *cap, const char *name, struct gram_pos where)
{
    size_t k = *n, pos_cap = *cap;
    *GLOAD_PUSH(L, *names, k, *cap) = name;
    k = *n;
    *GLOAD_PUSH(L, *pos, k, pos_cap) = where;
    *n = (uint16_t)k;
}

static void push_check(struct gload *L, struct gram_flow *f, struct gflow_pending *fp,
                       struct gram_flow_check *ck, const char *urc, const char *field,
                       const char *cmd, const char *param)
{
    if (!gload_room(L, f->n_checks, &f->n_checks, ck->pos.line, ck->pos.col, "checks in one flow"))
        return;
    size_t n = f->n_checks;
    size_t c1 = L->cap_checks;
    *GLOAD_PUSH(L, f->checks, n, L->cap_checks) = *ck;
    f->n_checks = (uint16_t)n;
    size_t m = n - 1, c2;
#define PUSHP(arr, val)                                                                        \
    do {                                                                                       \
        c2 = c1;                                                                               \
        size_t mm = m;                                                                         \
        arr = gload_grow(L->A, arr, mm, &c2, sizeof *arr);                                     \
        arr[m] = val;                                                                          \
    } while (0)
    PUSHP(fp->check_urc, urc);
    PUSHP(fp->check_field, field);
    PUSHP(fp->check_cmd, cmd);
    PUSHP(fp->check_param, param);
#undef PUSHP
}

static void st_flow_attr(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_flow *f = &L->v->flows[L->flow_i];
    struct gflow_pending *fp = &L->flow_pend[L->flow_i];
    struct gram_flow_check ck;
    memset(&ck, 0, sizeof ck);
    ck.pos = gload_pos(L, kw->line, kw->col);
    ck.field = ck.param = -1;
    const char *text_start = kw->p;

    if (glex_is(kw, "=")) {
        /* several '=' lines (each with its own 'when') are alternatives */
        struct glex_tok p = glex_peek(lx);
        const char *s = p.p;
        struct gflow_node *e = gload_flow_expr(L, lx, f->name, &fp->n_atoms);
        if (!e) {
            glex_skip_statement(lx);
            return;
        }
        struct glex_tok eol = glex_next(lx);
        const char *end = eol.p;
        while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
            end--;
        char *text = oc_arena_strndup(L->A, s, (size_t)(end - s));
        if (!fp->expr) {
            fp->expr = e;
            f->expr = text;
        } else {
            struct gflow_node *alt = OC_ARENA_NEW(L->A, struct gflow_node);
            alt->kind = GFN_ALT;
            alt->pos = e->pos;
            alt->a = fp->expr;
            alt->b = e;
            fp->expr = alt;
            size_t n1 = strlen(f->expr), n2 = strlen(text);
            char *both = oc_arena_alloc(L->A, n1 + n2 + 8);
            memcpy(both, f->expr, n1);
            memcpy(both + n1, "  |  ", 5);
            memcpy(both + n1 + 5, text, n2 + 1);
            f->expr = both;
        }
        return;
    }
    if (glex_is(kw, "start")) {
        struct glex_tok t;
        char *name;
        if (!want_word(L, lx, &name, "the command that starts the flow, such as +GTOTA", &t))
            return;
        if (!line_room(L, lx, fp->n_start, &fp->n_start, &t, "start commands of one flow"))
            return;
        push_named(L, &fp->start_names, &fp->start_pos, &fp->n_start, &fp->cap_start, name,
                   gload_pos(L, t.line, t.col));
        gload_expect_eol(L, lx);
        return;
    }
    if (src_attr(L, lx, kw, &f->src))
        return;
    if (glex_is(kw, "stall") || glex_is(kw, "total") || glex_is(kw, "settle")) {
        struct glex_tok d = glex_next(lx);
        uint32_t *dst = glex_is(kw, "stall") ? &f->stall_ms : glex_is(kw, "total") ? &f->total_ms : &f->settle_ms;
        if (glex_is(kw, "stall") && d.kind == GT_WORD && !(d.p[0] >= '0' && d.p[0] <= '9')) {
            /* stall <param>: the start form's own timeout parameter (ms) */
            fp->stall_param = gload_word(L, &d);
            fp->stall_pos = gload_pos(L, d.line, d.col);
            f->stall_factor = 1;
            struct glex_tok p = glex_peek(lx);
            if (glex_is(&p, "x")) {
                glex_next(lx);
                struct glex_tok n = glex_next(lx);
                if (n.kind != GT_NUM || n.num < 1 || n.num > 100) {
                    gload_err_tok(L, &n, "a factor from 1 to 100");
                    glex_skip_statement(lx);
                    return;
                }
                f->stall_factor = (uint16_t)n.num;
                p = glex_peek(lx);
            }
            if (glex_is(&p, "+")) {
                glex_next(lx);
                struct glex_tok e = glex_next(lx);
                if (!gload_duration(L, &e, &f->stall_extra_ms)) {
                    glex_skip_statement(lx);
                    return;
                }
            }
        } else if (!gload_duration(L, &d, dst)) {
            glex_skip_statement(lx);
            return;
        }
        struct gram_src *src = glex_is(kw, "stall") ? &f->stall_src : glex_is(kw, "total") ? &f->total_src : NULL;
        struct gram_src ignored;
        bool bad = false;
        gload_src_clause(L, lx, src ? src : &ignored, &bad);
        if (bad)
            glex_skip_statement(lx);
        else
            gload_expect_eol(L, lx);
        return;
    }
    if (glex_is(kw, "after")) {
        /* after <atom> within <dur> */
        if (!line_room(L, lx, f->n_limits, &f->n_limits, kw, "'after' limits in one flow"))
            return;
        struct glex_tok t;
        char *atom;
        if (!want_word(L, lx, &atom, "an event name", &t))
            return;
        if (!gload_expect(L, lx, "within"))
            return;
        struct gram_flow_limit lim;
        memset(&lim, 0, sizeof lim);
        lim.pos = gload_pos(L, t.line, t.col);
        struct glex_tok d = glex_next(lx);
        if (!gload_duration(L, &d, &lim.ms))
            return;
        bool bad = false;
        gload_src_clause(L, lx, &lim.src, &bad);
        if (bad) {
            glex_skip_statement(lx);
            return;
        }
        size_t n = f->n_limits, c = L->cap_limits;
        *GLOAD_PUSH(L, f->limits, n, L->cap_limits) = lim;
        f->n_limits = (uint16_t)n;
        size_t m = n - 1;
        fp->limit_atom = gload_grow(L->A, fp->limit_atom, m, &c, sizeof *fp->limit_atom);
        fp->limit_atom[m] = atom;
        gload_expect_eol(L, lx);
        return;
    }
    if (glex_is(kw, "ok") || glex_is(kw, "fail")) {
        bool ok = glex_is(kw, "ok");
        for (;;) {
            struct glex_tok t;
            char *atom;
            if (!want_word(L, lx, &atom, "an event name", &t))
                return;
            uint16_t *n = ok ? &fp->n_ok : &fp->n_fail;
            if (!line_room(L, lx, *n, n, &t, ok ? "'ok' events of one flow" : "'fail' events of one flow"))
                return;
            push_named(L, ok ? &fp->ok_atoms : &fp->fail_atoms, ok ? &fp->ok_pos : &fp->fail_pos, n,
                       ok ? &fp->cap_ok : &fp->cap_fail, atom, gload_pos(L, t.line, t.col));
            struct glex_tok p = glex_peek(lx);
            if (!glex_is(&p, ","))
                break;
            glex_next(lx);
        }
        gload_expect_eol(L, lx);
        return;
    }
    const char *urc = NULL, *field = NULL, *cmd = NULL, *param = NULL;
    if (glex_is(kw, "nondecreasing")) {
        ck.kind = GCK_NONDECREASING;
        if (!dotted(L, lx, &urc, &field))
            return;
        struct glex_tok p = glex_peek(lx);
        if (glex_is(&p, "reset")) {
            glex_next(lx);
            if (!gload_expect(L, lx, "reboot"))
                return;
            ck.reset_on_reboot = true;
        }
    } else if (glex_is(kw, "size") || glex_is(kw, "md5") || glex_is(kw, "sha256") ||
               glex_is(kw, "crc32")) {
        ck.kind = glex_is(kw, "size") ? GCK_SIZE : glex_is(kw, "md5") ? GCK_MD5
                : glex_is(kw, "sha256") ? GCK_SHA256 : GCK_CRC32;
        if (!dotted(L, lx, &urc, &field))
            return;
        if (!gload_expect(L, lx, "=") || !gload_expect(L, lx, "bytes") || !gload_expect(L, lx, "("))
            return;
        char *c;
        if (!want_word(L, lx, &c, "the command whose payloads carry the bytes", NULL))
            return;
        cmd = c;
        if (!gload_expect(L, lx, ")"))
            return;
    } else if (glex_is(kw, "first")) {
        ck.kind = GCK_FIRST;
        if (!dotted(L, lx, &cmd, &param))
            return;
        if (!gload_expect(L, lx, "="))
            return;
        for (;;) {
            struct glex_tok v = glex_next(lx);
            if (v.kind != GT_NUM) {
                gload_err_tok(L, &v, "a number");
                return;
            }
            if (ck.n_values >= 4) {
                gload_err(L, v.line, v.col, "too-many", "at most 4 values");
                return;
            }
            ck.values[ck.n_values] = v.num;
            struct glex_tok p = glex_peek(lx);
            if (glex_is(&p, "when")) {
                glex_next(lx);
                if (!gload_guard(L, lx, &ck.value_guards[ck.n_values]))
                    return;
                p = glex_peek(lx);
            }
            ck.n_values++;
            if (!glex_is(&p, ","))
                break;
            glex_next(lx);
        }
    } else if (glex_is(kw, "contiguous")) {
        ck.kind = GCK_STEP;
        if (!dotted(L, lx, &cmd, &param))
            return;
    } else {
        gload_err(L, kw->line, kw->col, "unknown-statement",
                  "'%.*s' does not describe a flow (=, start, nondecreasing, size, md5, sha256, "
                  "crc32, first, contiguous, after, stall, total, settle, ok, fail)",
                  (int)kw->len, kw->p);
        glex_skip_statement(lx);
        return;
    }
    struct glex_tok p = glex_peek(lx);
    if (glex_is(&p, "when")) {
        glex_next(lx);
        if (!gload_guard(L, lx, &ck.guard))
            return;
    }
    p = glex_peek(lx);
    const char *end = p.p;
    bool bad = false;
    if (gload_src_clause(L, lx, &ck.src, &bad) && bad) {
        glex_skip_statement(lx);
        return;
    }
    while (end > text_start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    ck.text = oc_arena_strndup(L->A, text_start, (size_t)(end - text_start));
    if (!gload_expect_eol(L, lx))
        return;
    push_check(L, f, fp, &ck, urc, field, cmd, param);
}

/* example "<title>" — then source/note/echo and > / < lines */
static void st_example(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_vendor *v = L->v;
    struct gram_example e;
    memset(&e, 0, sizeof e);
    e.pos = gload_pos(L, kw->line, kw->col);
    e.echo = v->echo;
    if (!want_string(L, lx, &e.title, "the example's title in quotes"))
        return;
    gload_expect_eol(L, lx);
    if (!item_room(L, lx, v->n_examples, &v->n_examples, kw, "examples in one vendor"))
        return;
    size_t n = v->n_examples;
    *GLOAD_PUSH(L, v->examples, n, L->cap_examples) = e;
    v->n_examples = (uint16_t)n;
    L->example_i = (int)n - 1;
    L->cap_steps = 0;
    L->cur = GC_EXAMPLE;
}

/* Typographic quotes and primes that documents put where a module sends ASCII '"'. The
 * SIMCom seed's example is written with U+201D and U+2033: we normalise them, and say so
 * in the example's output. */
static size_t normalise_quotes(char *s, size_t n, bool *changed)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char a = (unsigned char)s[i];
        if (a == 0xE2 && i + 2 < n + 0 && (unsigned char)s[i + 1] == 0x80) {
            unsigned char c = (unsigned char)s[i + 2];
            if (c == 0x9C || c == 0x9D || c == 0xB3 || c == 0x9E) { /* “ ” ″ „ */
                s[o++] = '"';
                i += 3;
                *changed = true;
                continue;
            }
            if (c == 0x98 || c == 0x99) { /* ‘ ’ */
                s[o++] = '\'';
                i += 3;
                *changed = true;
                continue;
            }
        }
        s[o++] = s[i++];
    }
    return o;
}

static void st_step(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_example *e = &L->v->examples[L->example_i];
    if (!line_room(L, lx, e->n_steps, &e->n_steps, kw, "steps in one example"))
        return;
    size_t tl;
    uint32_t line, col;
    /* the text right after the marker, one space removed */
    const char *tx = glex_rest(lx, &tl, &line, &col);
    struct gram_step s;
    memset(&s, 0, sizeof s);
    s.pos = gload_pos(L, kw->line, kw->col);
    s.dir = kw->punct[0] == '>' ? GS_SEND : GS_RECV;
    char *copy = oc_arena_strndup(L->A, tx, tl);
    size_t nl = normalise_quotes(copy, tl, &s.normalised);
    copy[nl] = '\0';
    unsigned long nbytes;
    char tail;
    if (s.dir == GS_RECV && strcmp(copy, "<reboot>") == 0) {
        s.dir = GS_REBOOT;
        s.text = copy;
        s.len = 0;
    } else if (s.dir == GS_RECV && sscanf(copy, "<data %lu%c", &nbytes, &tail) == 2 && tail == '>') {
        if (nbytes == 0 || nbytes > 1u << 20) {
            gload_err(L, line, col, "bad-example", "a payload step carries 1 to 1048576 bytes");
            return;
        }
        s.dir = GS_PAYLOAD;
        s.len = (uint32_t)nbytes;
        s.text = copy;
    } else {
        s.text = copy;
        s.len = (uint32_t)nl;
    }
    if (s.dir == GS_SEND && s.len == 0) {
        gload_err(L, kw->line, kw->col, "bad-example", "'>' must be followed by the command line sent");
        return;
    }
    size_t n = e->n_steps;
    *GLOAD_PUSH(L, e->steps, n, L->cap_steps) = s;
    e->n_steps = (uint16_t)n;
}

static void st_example_attr(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    struct gram_example *e = &L->v->examples[L->example_i];
    if (glex_is(kw, "source"))
        want_string(L, lx, &e->source, "the source in quotes");
    else if (glex_is(kw, "note"))
        want_string(L, lx, &e->note, "the note in quotes");
    else if (glex_is(kw, "echo"))
        on_off(L, lx, &e->echo);
    else if (glex_is(kw, "needs")) {
        for (;;) {
            struct glex_tok t = glex_next(lx);
            if (glex_is(&t, "cloud"))
                e->needs |= GNEED_CLOUD;
            else if (glex_is(&t, "network"))
                e->needs |= GNEED_NETWORK;
            else {
                gload_err_tok(L, &t, "cloud or network");
                glex_skip_statement(lx);
                return;
            }
            struct glex_tok p = glex_peek(lx);
            if (!glex_is(&p, ","))
                break;
            glex_next(lx);
        }
    } else {
        gload_err(L, kw->line, kw->col, "unknown-statement",
                  "'%.*s' does not describe an example (source, note, echo, needs, > and < lines)",
                  (int)kw->len, kw->p);
        glex_skip_statement(lx);
        return;
    }
    gload_expect_eol(L, lx);
}

/* ---- dispatch ---------------------------------------------------------------------- */

static void statement(struct gload *L, struct glex *lx, const struct glex_tok *kw)
{
    if (L->cur == GC_SKIP && kw->kind != GT_WORD) {
        /* an example's steps, a code table's codes, a flow's '=' lines under an item that
         * failed: skipped like its other attribute lines */
        glex_skip_statement(lx);
        return;
    }
    if (kw->kind == GT_PUNCT && (kw->punct[0] == '<' || kw->punct[0] == '>') && !kw->punct[1]) {
        if (L->cur != GC_EXAMPLE) {
            gload_err(L, kw->line, kw->col, "misplaced",
                      "'%c' lines belong to an 'example'", kw->punct[0]);
            glex_skip_statement(lx);
            return;
        }
        st_step(L, lx, kw);
        return;
    }
    if (kw->kind == GT_NUM && L->cur == GC_CODES) {
        st_code_entry(L, lx, kw);
        return;
    }
    if (kw->kind == GT_PUNCT && kw->punct[0] == '=' && L->cur == GC_FLOW) {
        st_flow_attr(L, lx, kw);
        return;
    }
    if (kw->kind != GT_WORD) {
        gload_err_tok(L, kw, "a statement keyword");
        glex_skip_statement(lx);
        return;
    }
    if (glex_is(kw, "format")) {
        struct glex_tok t = glex_next(lx);
        if (t.kind != GT_NUM || t.num != 1)
            gload_err(L, t.line, t.col, "bad-format",
                      "this otacheck reads grammar format 1; the file says %.*s", (int)t.len, t.p);
        L->saw_format = true;
        gload_expect_eol(L, lx);
        return;
    }
    if (glex_is(kw, "vendor") || glex_is(kw, "core")) {
        st_vendor(L, lx, kw, glex_is(kw, "core"));
        return;
    }
    if (!need_vendor(L, kw)) {
        glex_skip_statement(lx);
        return;
    }
    /* vendor attributes belong right under 'vendor': said anywhere else they are an error,
     * even under an item that failed */
    static const char *const vendor_only[] = {"use", "response-time", "echo",
                                              "line-end", "max-line", "strings", "escapes",
                                              "empty-values", "names", "revision"};
    if (L->cur != GC_VENDOR && !(L->cur == GC_EXAMPLE && glex_is(kw, "echo"))) {
        for (size_t i = 0; i < sizeof vendor_only / sizeof vendor_only[0]; i++)
            if (glex_is(kw, vendor_only[i])) {
                gload_err(L, kw->line, kw->col, "misplaced",
                          "'%s' is a vendor attribute: put it right after 'vendor', before "
                          "dialects, codes, finals, commands and URCs",
                          vendor_only[i]);
                glex_skip_statement(lx);
                return;
            }
    }
    /* new items: when one fails, the attribute lines under it are skipped quietly */
    size_t errors_before = L->diag->errors;
    bool new_item = true;
    if (glex_is(kw, "errors") && L->cur != GC_VENDOR) {
        /* 'errors X when knob=c' comes after the knob it names: it is a statement of its
         * own there, not an attribute of the item above */
        st_vendor_attr(L, lx, kw);
        return;
    }
    if (glex_is(kw, "dialect")) st_dialect(L, lx);
    else if (glex_is(kw, "codes")) st_codes(L, lx);
    else if (glex_is(kw, "final")) st_final(L, lx);
    else if (glex_is(kw, "command")) st_command(L, lx);
    else if (glex_is(kw, "test") || glex_is(kw, "read") || glex_is(kw, "write") || glex_is(kw, "exec"))
        st_form(L, lx, kw);
    else if (glex_is(kw, "info")) st_info(L, lx, kw);
    else if (glex_is(kw, "urc")) st_urc(L, lx);
    else if (glex_is(kw, "machine")) st_machine(L, lx, kw);
    else if (glex_is(kw, "flow")) st_flow(L, lx, kw);
    else if (glex_is(kw, "example")) st_example(L, lx, kw);
    else new_item = false;
    if (new_item) {
        if (L->diag->errors != errors_before) {
            glex_skip_statement(lx);
            /* a failed form or info keeps its command so that sibling forms still work */
            L->cur = GC_SKIP;
        }
        return;
    }
    if (L->cur == GC_SKIP) {
        glex_skip_statement(lx);
        return;
    }

    /* attributes of the current item */
    switch (L->cur) {
    case GC_VENDOR:
        if (glex_is(kw, "doc")) {
            want_string(L, lx, &L->v->doc, "the text in quotes");
            gload_expect_eol(L, lx);
            return;
        }
        st_vendor_attr(L, lx, kw);
        return;
    case GC_KNOB:
        st_knob_attr(L, lx, kw);
        return;
    case GC_CODES:
        gload_err(L, kw->line, kw->col, "syntax",
                  "a code table lists lines of the form: <number> \"<meaning>\" [kind]");
        glex_skip_statement(lx);
        return;
    case GC_COMMAND: {
        struct gram_command *c = cur_cmd(L);
        if (src_attr(L, lx, kw, &c->src))
            return;
        if (glex_is(kw, "doc") || glex_is(kw, "prereq")) {
            if (glex_is(kw, "prereq"))
                c->optional = true; /* a prerequisite is not the family's own OTA command */
            want_string(L, lx, glex_is(kw, "doc") ? &c->doc : &c->prereq, "the text in quotes");
        } else if (glex_is(kw, "optional")) {
            c->optional = true;
        } else if (glex_is(kw, "class")) {
            parse_class(L, lx, &c->cls);
        } else if (glex_is(kw, "time")) {
            struct glex_tok d = glex_next(lx);
            gload_duration(L, &d, &c->time_ms);
        } else {
            gload_err(L, kw->line, kw->col, "unknown-statement",
                      "'%.*s' does not describe a command (doc, prereq, optional, class, time, source, "
                      "standard, inferred, test, read, write, exec)",
                      (int)kw->len, kw->p);
            glex_skip_statement(lx);
            return;
        }
        gload_expect_eol(L, lx);
        return;
    }
    case GC_INFO:
    case GC_URC:
    case GC_FINAL: {
        struct gram_line *ln = cur_line(L);
        if (L->cur == GC_INFO && src_keyword(L, kw) != GSRC_NONE && glex_peek(lx).kind == GT_WORD) {
            aspect_marks(L, lx, kw, cur_form(L)); /* <param>.<aspect>: the form's */
            return;
        }
        if (line_attr(L, lx, kw, ln))
            return;
        if (L->cur == GC_INFO && form_attr(L, lx, kw))
            return;
        gload_err(L, kw->line, kw->col, "unknown-statement",
                  "'%.*s' does not describe this %s", (int)kw->len, kw->p,
                  L->cur == GC_INFO ? "info line" : L->cur == GC_URC ? "URC" : "final result");
        glex_skip_statement(lx);
        return;
    }
    case GC_FORM: {
        struct gram_form *f = cur_form(L);
        if (glex_is(kw, "rule")) {
            struct gload_scope sc = {f->params, f->n_params, "parameter"};
            add_rule(L, lx, kw, &f->rules, &f->n_rules, &sc, "rules and in-state lines of one form");
            return;
        }
        if (glex_is(kw, "doc")) {
            want_string(L, lx, &f->doc, "the text in quotes");
            gload_expect_eol(L, lx);
            return;
        }
        if (src_keyword(L, kw) != GSRC_NONE) {
            struct glex_tok p = glex_peek(lx);
            if (p.kind == GT_WORD)
                aspect_marks(L, lx, kw, f);
            else
                src_attr(L, lx, kw, &f->src);
            return;
        }
        if (form_attr(L, lx, kw))
            return;
        gload_err(L, kw->line, kw->col, "unknown-statement",
                  "'%.*s' does not describe a command form (variant, class, time, rule, result, "
                  "in-state, starts, info, doc, source, standard, inferred)",
                  (int)kw->len, kw->p);
        glex_skip_statement(lx);
        return;
    }
    case GC_MACHINE:
        st_machine_attr(L, lx, kw);
        return;
    case GC_FLOW:
        if (glex_is(kw, "doc")) {
            want_string(L, lx, &L->v->flows[L->flow_i].doc, "the text in quotes");
            gload_expect_eol(L, lx);
            return;
        }
        st_flow_attr(L, lx, kw);
        return;
    case GC_EXAMPLE:
        st_example_attr(L, lx, kw);
        return;
    case GC_NONE:
    case GC_SKIP:
        break;
    }
    gload_err(L, kw->line, kw->col, "unknown-statement", "unknown statement '%.*s'", (int)kw->len,
              kw->p);
    glex_skip_statement(lx);
}

/* ---- public API ------------------------------------------------------------------- */

void gram_set_init(struct gram_set *s)
{
    memset(s, 0, sizeof *s);
    oc_arena_init(&s->arena, 256 * 1024);
}

void gram_set_free(struct gram_set *s)
{
    free(s->vendors);
    oc_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

static void set_put_vendor(struct gram_set *s, struct gram_vendor *v)
{
    if (v->is_core) {
        s->core = v;
        return;
    }
    for (size_t i = 0; i < s->n_vendors; i++)
        if (strcmp(s->vendors[i]->id, v->id) == 0) {
            s->vendors[i] = v;
            return;
        }
    if (s->n_vendors == s->cap_vendors) {
        size_t cap = s->cap_vendors ? s->cap_vendors * 2 : 8;
        s->vendors = oc_xrealloc(s->vendors, cap * sizeof *s->vendors);
        s->cap_vendors = cap;
    }
    s->vendors[s->n_vendors++] = v;
}

int gram_load_text(struct gram_set *s, const char *file, const char *text, size_t len,
                   struct oc_diag *d)
{
    struct gload L;
    memset(&L, 0, sizeof L);
    L.set = s;
    L.A = &s->arena;
    L.diag = d;
    L.file = oc_arena_strdup(&s->arena, file);
    L.cmd_i = L.form_i = L.info_i = L.urc_i = L.final_i = L.flow_i = L.example_i = -1;
    L.cmd_names.nocase = true; /* +GTOTA and +gtota are one command (V.250 5.4.1) */
    size_t errors_before = d->errors;
    glex_init(&L.lx, L.file, text, len);
    if (memchr(text, '\0', len)) {
        gload_err(&L, 1, 1, "binary", "the file contains NUL bytes: not a grammar text file");
        glex_free(&L.lx);
        return -1;
    }
    for (;;) {
        struct glex_tok kw = glex_next(&L.lx);
        if (kw.kind == GT_EOF)
            break;
        if (kw.kind == GT_EOL)
            continue;
        if (kw.kind == GT_BAD) {
            char buf[64];
            gload_err(&L, kw.line, kw.col, "syntax", "unexpected %s",
                      glex_describe(&kw, buf, sizeof buf));
            glex_skip_statement(&L.lx);
            continue;
        }
        statement(&L, &L.lx, &kw);
    }
    glex_free(&L.lx);
    if (!L.v) {
        gload_err(&L, 1, 1, "empty", "no 'vendor' or 'core' statement: not a grammar file");
        return -1;
    }
    oc_sha256_hex(text, len, L.v->sha256);
    if (d->errors == errors_before)
        gload_resolve_vendor(&L);
    if (d->errors != errors_before)
        return -1;
    set_put_vendor(s, L.v);
    return 0;
}

static char *read_file(const char *path, size_t *len, struct oc_diag *d)
{
    FILE *f = oc_fopen(path, "rb");
    if (!f) {
        oc_diag_add(d, OC_SEV_ERROR, path, 0, 0, "io", "cannot open: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = oc_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap > (64u << 20)) {
                oc_diag_add(d, OC_SEV_ERROR, path, 0, 0, "io", "larger than 64 MiB: not a grammar");
                free(buf);
                fclose(f);
                return NULL;
            }
            cap *= 2;
            buf = oc_xrealloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (r == 0)
            break;
        n += r;
    }
    if (ferror(f)) {
        oc_diag_add(d, OC_SEV_ERROR, path, 0, 0, "io", "read error: %s", strerror(errno));
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

int gram_load_file(struct gram_set *s, const char *path, struct oc_diag *d)
{
    size_t len;
    char *text = read_file(path, &len, d);
    if (!text)
        return -1;
    int r = gram_load_text(s, path, text, len, d);
    /* Templates, names and examples are copied into the arena; positions keep the file
     * name only. The text itself can go. */
    free(text);
    return r;
}

/* Is this text the core grammar? Looks at the first statement after 'format'. */
static bool text_is_core(const char *text, size_t len)
{
    struct glex lx;
    glex_init(&lx, "", text, len);
    bool core = false;
    for (int i = 0; i < 8; i++) {
        struct glex_tok t = glex_next(&lx);
        if (t.kind == GT_EOF)
            break;
        if (t.kind == GT_EOL)
            continue;
        if (glex_is(&t, "core")) {
            core = true;
            break;
        }
        if (glex_is(&t, "vendor"))
            break;
        glex_skip_statement(&lx);
    }
    glex_free(&lx);
    return core;
}

int gram_load_all(struct gram_set *s, const char *const *files, size_t n_files,
                  struct oc_diag *d)
{
    int rc = 0;
    char **texts = oc_xcalloc(n_files, sizeof *texts);
    size_t *lens = oc_xcalloc(n_files, sizeof *lens);
    bool user_core = false;
    for (size_t i = 0; i < n_files; i++) {
        texts[i] = read_file(files[i], &lens[i], d);
        if (!texts[i])
            rc = -1;
        else if (text_is_core(texts[i], lens[i]))
            user_core = true;
    }
    /* 1. the core */
    if (user_core) {
        for (size_t i = 0; i < n_files; i++)
            if (texts[i] && text_is_core(texts[i], lens[i]) &&
                gram_load_text(s, files[i], texts[i], lens[i], d) != 0)
                rc = -1;
    } else {
        for (size_t i = 0; i < gram_embedded_count; i++) {
            const struct gram_embedded_file *e = &gram_embedded_files[i];
            if (text_is_core(e->text, e->len) && gram_load_text(s, e->name, e->text, e->len, d) != 0)
                rc = -1;
        }
    }
    /* 2. the embedded vendors, then the user's (which replace same ids) */
    for (size_t i = 0; i < gram_embedded_count; i++) {
        const struct gram_embedded_file *e = &gram_embedded_files[i];
        if (!text_is_core(e->text, e->len) && gram_load_text(s, e->name, e->text, e->len, d) != 0)
            rc = -1;
    }
    for (size_t i = 0; i < n_files; i++)
        if (texts[i] && !text_is_core(texts[i], lens[i]) &&
            gram_load_text(s, files[i], texts[i], lens[i], d) != 0)
            rc = -1;
    for (size_t i = 0; i < n_files; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    return rc;
}
