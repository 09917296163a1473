/* grammar/load_internal.h — state shared by the pieces of the grammar loader (load.c,
 * types.c, template.c, resolve.c, flow.c). Not for use outside grammar/. */
#ifndef OTACHECK_GRAMMAR_LOAD_INTERNAL_H
#define OTACHECK_GRAMMAR_LOAD_INTERNAL_H

#include "common/diag.h"
#include "grammar/lex.h"
#include "grammar/load.h"
#include "grammar/model.h"

/* What the last item was, so that attribute lines know where they belong. */
enum gload_cur {
    GC_NONE,
    GC_VENDOR,
    GC_KNOB,
    GC_CODES,
    GC_FINAL,
    GC_COMMAND,
    GC_FORM,
    GC_INFO,
    GC_URC,
    GC_MACHINE,
    GC_FLOW,
    GC_EXAMPLE,
    GC_SKIP,    /* the item above had an error: its attribute lines are skipped */
};

/* A flow expression before its names are resolved. */
enum gflow_node_kind { GFN_ATOM, GFN_SEQ, GFN_ALT, GFN_STAR, GFN_PLUS, GFN_OPT };

struct gflow_node {
    enum gflow_node_kind kind;
    struct gram_guard guard;   /* the root of an expression written with 'when' */
    const char *name;          /* GFN_ATOM */
    struct gram_pos pos;
    struct gflow_node *a, *b;  /* SEQ/ALT: a then b; STAR/PLUS/OPT: a */
};

/* The keys of one list seen so far (names of commands, URCs, flows, code tables; values of
 * a code table or an enumeration), to find a duplicate in constant time: a list may hold
 * GRAM_MAX_COUNT items, and comparing each new one with all before it takes seconds. Keys
 * are not copied: they must stay put (in the arena) while the set is used. */
struct gload;

struct gload_key {
    const char *p;     /* NULL: an empty slot */
    uint32_t len;
    uint32_t value;    /* what the caller keeps with the key: the item's index */
};

struct gload_keys {
    struct gload_key *slot;
    size_t cap, n;     /* cap: 0 or a power of two, at least twice n */
    bool nocase;       /* ASCII letters compare without case */
};

/* The value kept with the key, or -1 when the key is not in the set. */
long gload_keys_find(const struct gload_keys *k, const char *p, size_t len);
/* Adds the key, or gives a key already there the new value. */
void gload_keys_put(struct gload *L, struct gload_keys *k, const char *p, size_t len,
                    uint32_t value);

/* Load-time extras of a flow, kept beside the flow by index. */
struct gflow_pending {
    struct gflow_node *expr;   /* all '=' lines, as one alternation */
    unsigned n_atoms;          /* event occurrences in them so far */
    const char **start_names;
    struct gram_pos *start_pos;
    uint16_t n_start;
    /* names used by checks and limits, resolved after the whole file is read */
    const char **check_urc, **check_field, **check_cmd, **check_param;
    const char **limit_atom;
    const char *stall_param;   /* 'stall <param> [x N] [+ D]': a parameter of the start form */
    struct gram_pos stall_pos;
    const char **ok_atoms, **fail_atoms;
    struct gram_pos *ok_pos, *fail_pos;
    uint16_t n_ok, n_fail;
    size_t cap_start, cap_ok, cap_fail; /* of start_names/start_pos, ok_*, fail_* */
};

/* Load-time extras of a machine transition. */
struct gtr_pending {
    const char *event;     /* URC name, "+CMD" or "reboot" */
    const char *values;    /* "=1" part as written, for commands */
    struct gram_pos event_pos;
    const char **from;     /* state names; "*" = any */
    struct gram_pos *from_pos;
    uint16_t n_from;
    const char *to;
    struct gram_pos to_pos;
};

struct gload {
    struct gram_set *set;
    struct oc_arena *A;
    struct oc_diag *diag;
    const char *file;
    struct glex lx;

    struct gram_vendor *v;
    size_t cap_codes, cap_finals, cap_commands, cap_urcs, cap_flows, cap_examples;
    size_t cap_forms, cap_params, cap_rules, cap_infos, cap_steps, cap_choices, cap_tr;
    size_t cap_checks, cap_limits, cap_sources, cap_aspects;

    enum gload_cur cur;
    int cmd_i, form_i, info_i, urc_i, final_i, flow_i, example_i, knob_i, codes_i;

    struct gflow_pending *flow_pend;
    size_t cap_flow_pend;
    struct gtr_pending *tr_pend;
    size_t cap_tr_pend;
    bool saw_format;
    bool saw_errors;
    struct gram_guard errors_guard[3]; /* per enum gram_error_form bit */
    bool saw_use_core;
    const void *full_list;     /* the count of the last list found full (gload_room) */
    /* the names of the vendor's commands (no case), URCs, flows and code tables, and the
     * values of the current code table, by index */
    struct gload_keys cmd_names, urc_names, flow_names, table_names, code_values;
};

/* Growable arrays in the arena: the old copy is left behind (load time only). */
void *gload_grow(struct oc_arena *A, void *arr, size_t n, size_t *cap, size_t elem);
#define GLOAD_PUSH(L, arr, n, cap)                                                           \
    ((arr) = gload_grow((L)->A, (arr), (n), &(cap), sizeof *(arr)), &(arr)[(n)++])

/* Errors at a token or a position. */
void gload_err(struct gload *L, uint32_t line, uint32_t col, const char *code, const char *fmt,
               ...) OC_PRINTF(5, 6);
void gload_warn(struct gload *L, uint32_t line, uint32_t col, const char *code, const char *fmt,
                ...) OC_PRINTF(5, 6);
void gload_err_tok(struct gload *L, const struct glex_tok *t, const char *what);
struct gram_pos gload_pos(struct gload *L, uint32_t line, uint32_t col);
/* Is there room for one more item in a list that holds n (GRAM_MAX_COUNT at most)? When
 * there is not: "more than N <what> (the limit)" at (line, col), the position of the item
 * that would go over. `list` (the address of the list's count, in the arena) makes the
 * error come once per list, so that a file far over a limit gets one error and not one per
 * item; NULL for a list that lives in one statement. The caller drops the item. */
bool gload_room(struct gload *L, size_t n, const void *list, uint32_t line, uint32_t col,
                const char *what);

char *gload_word(struct gload *L, const struct glex_tok *t);
/* A comma-separated list of names being written ("a,b"), grown in the arena: lists of
 * states and flows as written, resolved once the file is read. */
struct gload_names {
    char *text;       /* NUL-terminated; NULL until the first name */
    size_t len, cap;
};
void gload_names_add(struct gload *L, struct gload_names *n, const char *s, size_t len);
/* s (len bytes) with no separator: text written as it stands */
void gload_names_append(struct gload *L, struct gload_names *n, const char *s, size_t len);
const char *gload_names_text(const struct gload_names *n);
/* A provenance mark at the current token: 'source "..."' (the vendor's document, or in the
 * core a standard), 'standard "..."' or 'inferred "why"'. Returns false (consuming
 * nothing) when none starts here; *bad is set when one starts but is malformed. */
bool gload_src_clause(struct gload *L, struct glex *lx, struct gram_src *src, bool *bad);
bool gload_expect(struct gload *L, struct glex *lx, const char *punct_or_word);
bool gload_expect_eol(struct gload *L, struct glex *lx);

/* types.c */
/* What the name of a parameter/field in a rule or type refers to. */
struct gload_scope {
    struct gram_param *params;
    uint16_t n_params;
    const char *what; /* "parameter" or "field" */
};
bool gload_type(struct gload *L, struct glex *lx, struct gram_type *t, struct gram_param *owner,
                const struct gload_scope *scope);
bool gload_guard(struct gload *L, struct glex *lx, struct gram_guard *g);
bool gload_signature(struct gload *L, struct glex *lx, struct gram_form *f);
bool gload_rule(struct gload *L, struct glex *lx, struct gram_rule *r,
                const struct gload_scope *scope, uint32_t line, uint32_t col);
bool gload_duration(struct gload *L, const struct glex_tok *t, uint32_t *ms);
int64_t gload_int_default(const struct gram_type *t);
void gload_finish_type_quoting(const struct gram_vendor *v, struct gram_type *t);

/* template.c */
bool gload_template(struct gload *L, const char *text, size_t len, uint32_t line, uint32_t col,
                    struct gram_template *tpl, const struct gload_scope *form_scope);

/* flow.c */
/* One '=' line of flow `flow`; *n_atoms counts the event occurrences of all its lines. */
struct gflow_node *gload_flow_expr(struct gload *L, struct glex *lx, const char *flow,
                                   unsigned *n_atoms);
bool gload_flow_build(struct gload *L, struct gram_flow *f, struct gflow_node *expr);

/* resolve.c */
void gload_resolve_vendor(struct gload *L);

#endif
