/* grammar/model.h — the in-memory form of a loaded grammar (DESIGN.md layer 1).
 *
 * One `gram_set` holds the V.250 core and every vendor loaded from grammar files. All of
 * it lives in the set's arena and is read-only once loaded: parsers, the reference module,
 * the conformance generator and the fuzz targets only read it. The text format these
 * structures come from is documented in grammar/README.md. */
#ifndef OTACHECK_GRAMMAR_MODEL_H
#define OTACHECK_GRAMMAR_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

#define GRAM_MAX_PARAMS 32   /* parameters of one form, fields of one line */
#define GRAM_MAX_KNOBS 31    /* dialect knobs of one vendor */
#define GRAM_MAX_CHOICES 16  /* choices of one knob */
#define GRAM_MAX_STATES 32   /* states of a vendor's state machine */
#define GRAM_MAX_FLOW_POS 63 /* atom occurrences in one flow expression */
#define GRAM_MAX_STARTS 4    /* flows one form may start */
#define GRAM_MAX_FINALS 31   /* final result codes of one vendor, core included (bit 31 of a
                                form's result mask means "the vendor's error finals") */
/* Items in any other list of the grammar: commands, URCs, flows, examples and code tables of
 * a vendor, codes of a table, forms of a command, rules, info lines and aspect marks of a
 * form, values of a type, transitions of the machine, checks and limits of a flow, steps of
 * an example. Their counts and indices are uint16_t: the loader refuses the item that would
 * go over, rather than let the count wrap. */
#define GRAM_MAX_COUNT UINT16_MAX

struct gram_vendor;
struct gram_command;
struct gram_form;
struct gram_line;
struct gram_flow;

/* Where something was written: reported in "file:line:col" form. */
struct gram_pos {
    const char *file;
    uint32_t line, col;
};

/* Where an expectation comes from (DESIGN.md "Verdicts"): a vendor document (with its
 * section), a standard (V.250, 3GPP TS 27.007 / 27.005 clause), or otacheck's own
 * inference. Only the first two can make a case FAIL; an inferred one gives WARN. An item
 * whose kind is GSRC_NONE takes its owner's (grammar/provenance.h resolves it). */
enum gram_src_kind { GSRC_NONE = 0, GSRC_DOC, GSRC_STD, GSRC_INFERRED };

struct gram_src {
    uint8_t kind;     /* enum gram_src_kind */
    const char *cite; /* DOC/STD: the document and section; INFERRED: why we expect it */
};

/* What of a parameter an expectation is about: its documented syntax (how many there are,
 * that a mandatory one is given), its values (a range, a set, an enumeration), a string's
 * shortest and longest length, leaving it out for its default, quoting, escapes inside a
 * string, its character set. A form's 'source'/'inferred' marks name them as
 * "<param>.<aspect>". */
enum gram_aspect {
    GASP_SYNTAX,
    GASP_VALUES,
    GASP_MIN,
    GASP_MAX,
    GASP_OMIT,
    GASP_QUOTING,
    GASP_ESCAPE,
    GASP_CHARSET,
    GASP__COUNT
};

struct gram_aspect_src {
    int16_t param;      /* index into the form's params */
    uint8_t aspect;     /* enum gram_aspect */
    struct gram_src src;
};

/* A dialect guard: the item exists only while one of `choices` of knob `knob` is active.
 * knob == 0 means "always". Knobs are numbered from 1 within a vendor. */
struct gram_guard {
    uint8_t knob;
    uint16_t choices;
};

/* ---- types ---------------------------------------------------------------------- */

enum gram_type_kind {
    GT_INT,    /* signed decimal, 64-bit; values restricted by `ints` when n_items > 0 */
    GT_MASK,   /* integer whose set bits must all be among the listed bit numbers */
    GT_STRING, /* quoted (or bare, by quoting rule) string with length limits */
    GT_ENUM,   /* one of a list of literal strings, e.g. "KEY" "AUTO" or bare http */
    GT_TEXT,   /* free text to the next literal of the template or the end of line */
    GT_LIST,   /* a V.250 test-form list such as (0-1) or (0,1,4-6) */
    GT_ANY,    /* a quoted string, an integer or a bare word; refined by rules */
};

enum gram_quoting {
    GQ_DEFAULT = 0, /* as the vendor says (`strings` statement) */
    GQ_QUOTED,      /* must be in double quotes */
    GQ_OPTIONAL,    /* quotes may be left off (QCC730) */
    GQ_BARE,        /* never quoted */
};

enum gram_charset {
    GCS_ANY = 0,
    GCS_HEX,    /* 0-9 a-f A-F */
    GCS_DIGITS, /* 0-9 */
    GCS_PRINT,  /* printable ASCII 0x20..0x7e */
};

struct gram_int_item {
    int64_t lo, hi;          /* inclusive; a single value has lo == hi */
    const char *label;       /* what the value means, or NULL */
    struct gram_guard guard; /* the item is accepted only under this dialect choice */
};

struct gram_enum_item {
    const char *text; /* without quotes */
    uint32_t len;
    const char *label;
    struct gram_guard guard;
};

struct gram_type {
    enum gram_type_kind kind;
    uint8_t quoting;    /* enum gram_quoting, for GT_STRING / GT_ENUM / GT_ANY */
    uint8_t charset;    /* enum gram_charset, for GT_STRING */
    bool nocase;        /* GT_ENUM: compare without case */
    uint16_t n_items;   /* GT_INT / GT_MASK: ints; GT_ENUM: enums */
    const struct gram_int_item *ints;   /* GT_MASK: lo == hi == bit number */
    const struct gram_enum_item *enums;
    uint32_t min_len, max_len; /* GT_STRING (decoded bytes); max_len 0 = no limit */
    const char *codes;         /* name of the code table the values came from, or NULL */
    int16_t list_of;           /* GT_LIST: index of the parameter whose values the list
                                  must announce, in the owning form; -1 if none */
    const char *list_of_name;
};

/* A parameter of a command form, or a field of a response/URC line. */
struct gram_param {
    const char *name;
    struct gram_type type;
    bool has_default;
    bool secret;      /* a credential: never shown unmasked */
    int64_t def_int;  /* default, when the type is numeric */
    const char *def_text; /* default as written */
    struct gram_pos pos;
};

/* ---- rules across parameters or fields ------------------------------------------ */

enum gram_cond_kind {
    GCOND_EQ,      /* field = value */
    GCOND_NE,      /* field != value */
    GCOND_BIT,     /* field & value != 0 */
    GCOND_PRESENT, /* present(field) */
    GCOND_ABSENT,  /* absent(field) */
    GCOND_COUNT,   /* count = n: number of parameters given */
};

struct gram_cond {
    enum gram_cond_kind kind;
    int16_t field;      /* index into the owner's params/fields */
    bool is_str;        /* value is a string */
    int64_t ival;
    const char *sval;
    uint32_t slen;
};

enum gram_cons_kind {
    GCONS_PRESENT, /* present(a, b, ...) */
    GCONS_ABSENT,  /* absent(a, b, ...) */
    GCONS_TYPE,    /* field : type — the field must also satisfy this type */
    GCONS_STATE,   /* state(s1, s2): accepted only in these machine states */
};

struct gram_cons {
    enum gram_cons_kind kind;
    uint64_t fields;        /* PRESENT/ABSENT: bitmask of field indices */
    int16_t field;          /* TYPE */
    struct gram_type type;  /* TYPE */
    uint32_t states;        /* STATE: bitmask of state indices */
    const char *state_names; /* STATE: as written, "a,b" */
};

#define GRAM_MAX_CONDS 4
#define GRAM_MAX_CONS 4

struct gram_rule {
    struct gram_cond conds[GRAM_MAX_CONDS]; /* all must hold ("and") */
    uint8_t n_conds;                        /* 0: the rule always applies */
    struct gram_cons cons[GRAM_MAX_CONS];
    uint8_t n_cons;
    const char *message; /* what is wrong when the rule is broken, as the grammar says it */
    struct gram_guard guard; /* the rule holds only under this dialect choice */
    const char *text;    /* the rule as written, for reports */
    struct gram_src src; /* NONE: the form's (a state rule: the machine's) */
    struct gram_pos pos;
};

/* ---- templates of response lines ---------------------------------------------- */

enum gram_tpl_op_kind {
    TPL_LIT,    /* literal bytes: lits[b .. b+a) */
    TPL_CSPACE, /* the space after a colon: required/optional/absent by the colon-space knob */
    TPL_FIELD,  /* field a */
    TPL_OPT,    /* optional group: fields [a, a+n) inside; b = index of its TPL_END_OPT */
    TPL_END_OPT,
    TPL_END,
};

struct gram_tpl_op {
    uint8_t kind;
    uint8_t stop;   /* TPL_FIELD: the byte that ends a free-text/bare field (0: end of line) */
    uint16_t a;
    uint16_t n;
    uint32_t b;
};

struct gram_template {
    const char *text;  /* as written in the grammar */
    const struct gram_tpl_op *ops;
    uint16_t n_ops;
    uint16_t n_lead;   /* ops before the first field or group: the discriminator */
    const char *lits;  /* literal pool */
    struct gram_param *fields;
    uint16_t n_fields;
    /* Lookup key: the line's bytes before its first ':' (or the whole line when the
     * template has no ':' and no field). key_exact is false when the key cannot be known
     * from the template (a field before any ':'): such lines are matched by scanning. */
    const char *key;
    uint16_t key_len;
    bool key_exact;
    uint16_t lead_len; /* length of the discriminator text with the colon space written */
    bool exact;        /* literal text only (no field, group or colon space): the line must
                          equal lits[0..lead_len) */
};

/* ---- lines: information responses, URCs and final result codes ----------------- */

enum gram_line_kind { GL_INFO, GL_URC, GL_FINAL };

enum gram_outcome { GO_NONE = 0, GO_OK, GO_ERROR };

enum gram_line_flags {
    GLF_FALLBACK = 1u << 0, /* matched only when no other line's discriminator matches */
    GLF_BOOT = 1u << 1,     /* a boot/reboot announcement (RDY, ...) */
    GLF_REPEAT = 1u << 2,   /* info: may occur one or more times */
    GLF_OPTIONAL = 1u << 3, /* info: may be left out */
    GLF_ON_ERROR = 1u << 4, /* info: comes before an error final only */
    GLF_NO_TERM = 1u << 5,  /* may arrive without a line terminator (glued) */
    GLF_ON_OK = 1u << 6,    /* info: comes before the OK final only */
};

enum gram_payload_enc { GPE_NONE = 0, GPE_RAW, GPE_HEX };

struct gram_line {
    enum gram_line_kind kind;
    const char *name;           /* URC and final names; info lines get "info<N>" */
    struct gram_template tpl;
    struct gram_rule *rules;
    uint16_t n_rules;
    uint16_t flags;
    struct gram_guard guard;
    enum gram_outcome outcome;  /* finals: OK or ERROR */
    int16_t payload_field;      /* -1: none; else the field that gives the payload length */
    uint8_t payload_enc;        /* enum gram_payload_enc */
    uint8_t payload_enc_knob;   /* when non-zero: this knob's active choice (raw or hex) decides */
    struct gram_guard payload_crlf_guard; /* knob deciding whether CRLF follows the data */
    const char *doc;
    struct gram_src src;        /* NONE: its form's (info) or its vendor's document */
    const struct gram_vendor *vendor; /* where it was declared (core for core lines) */
    uint16_t id;                /* index among the vendor's URCs/finals */
    struct gram_pos pos;
};

/* ---- commands and their forms -------------------------------------------------- */

enum gram_form_kind { GF_TEST, GF_READ, GF_WRITE, GF_EXEC };

enum gram_class {
    GC_UNSET = 0,
    GC_QUERY,       /* test/read: always safe */
    GC_CONFIG,      /* changes settings: the suite reads first and restores after */
    GC_DESTRUCTIVE, /* starts a download, a flash or a reboot */
};

struct gram_form {
    enum gram_form_kind kind;
    const char *variant;        /* name of this variant ("set", "query-tag"), or NULL */
    const struct gram_command *cmd;
    struct gram_param *params;
    uint16_t n_params;
    uint64_t counts;            /* bit n set: n parameters may be given */
    struct gram_rule *rules;
    uint16_t n_rules;
    struct gram_line *infos;
    uint16_t n_infos;
    uint32_t finals;            /* bitmask over the vendor's finals allowed for this form */
    bool final_silence;         /* the form may end with no final at all */
    uint32_t time_ms;           /* maximum response time */
    enum gram_class cls;
    uint32_t in_states;         /* bitmask of machine states; 0 = any */
    const char *may_refuse;     /* why a valid line may get an error (what the line does
                                   not show decides), or NULL: a valid line is accepted */
    const struct gram_flow *starts[GRAM_MAX_STARTS]; /* flows an OK starts: the first event
                                                     decides which one runs */
    uint8_t n_starts;
    const char *starts_names;   /* as written, "a,b" */
    const char *doc;
    struct gram_src src;        /* NONE: the command's */
    struct gram_aspect_src *aspects; /* marks on parameters' aspects */
    uint16_t n_aspects;
    struct gram_pos pos;
};

struct gram_command {
    const char *name;  /* "+GTOTA", "E" (basic), or "AT" for the empty command */
    bool basic;        /* V.250 basic command: letter (or &letter) plus optional number */
    bool empty;        /* the bare "AT" */
    struct gram_form *forms;
    uint16_t n_forms;
    enum gram_class cls;
    uint32_t time_ms;  /* 0: vendor default */
    const char *doc;
    const char *prereq; /* why the command is in the grammar when it is not an OTA command */
    /* An optional command (a prerequisite, cloud set-up, a V.250 or 27.007 extra; a
     * 'prereq' makes one too): a module that answers its test form with an error does not
     * implement it, and its cases are N/A. The vendor family's own OTA commands are
     * required. */
    bool optional;
    struct gram_src src;  /* NONE: the vendor's document */
    const struct gram_vendor *vendor;
    struct gram_pos pos;
};

/* ---- dialect knobs and code tables ---------------------------------------------- */

struct gram_choice {
    const char *id;
    const char *text;
    const char *source;
};

struct gram_knob {
    const char *name;
    const char *question;
    struct gram_choice *choices;
    uint16_t n_choices;
    uint16_t default_mask;
    const char *default_why;
    struct gram_pos pos;
};

struct gram_code {
    int64_t value;
    const char *meaning;
    const char *kind; /* optional tag: "progress", "error", ... */
};

struct gram_codes {
    const char *name;
    struct gram_code *codes;
    uint16_t n_codes;
    struct gram_int_item *items; /* the same values as an int type */
    struct gram_pos pos;
};

/* ---- the state machine that decides which commands are accepted ---------------- */

enum gram_event_kind { GE_URC, GE_COMMAND, GE_REBOOT };

struct gram_transition {
    enum gram_event_kind kind;
    const struct gram_line *urc;          /* GE_URC */
    const struct gram_command *cmd;       /* GE_COMMAND */
    const struct gram_form *form;
    struct gram_cond conds[GRAM_MAX_CONDS]; /* parameter values the command must carry */
    uint8_t n_conds;
    uint32_t from;   /* bitmask of states; all bits = any */
    uint8_t to;
    const char *text;
    struct gram_pos pos;
};

struct gram_machine {
    const char *name;
    const char *states[GRAM_MAX_STATES];
    uint8_t n_states;
    uint8_t initial;
    struct gram_transition *tr;
    uint16_t n_tr;
    struct gram_src src;  /* what the states and their refusals rest on */
    struct gram_pos pos;
};

/* ---- flows ---------------------------------------------------------------------- */

enum gram_atom_kind { GA_URC, GA_REBOOT };

struct gram_atom {
    enum gram_atom_kind kind;
    const struct gram_line *urc;
    const char *name;
};

enum gram_check_kind {
    GCK_NONDECREASING, /* nondecreasing urc.field [reset reboot] */
    GCK_SIZE,          /* size urc.field = bytes(+CMD): declared size equals bytes read */
    GCK_MD5,           /* md5 urc.field = bytes(+CMD) */
    GCK_SHA256,
    GCK_CRC32,
    GCK_FIRST,         /* first +CMD.param = value: the first such command carries it */
    GCK_STEP,          /* step +CMD.param: each read starts where the previous one ended */
};

struct gram_flow_check {
    enum gram_check_kind kind;
    const struct gram_line *urc;
    int16_t field;
    const struct gram_command *cmd;
    const struct gram_form *form;
    int16_t param;
    int64_t values[4];  /* GCK_FIRST: the values the first command may carry (alternatives) */
    struct gram_guard value_guards[4];
    uint8_t n_values;
    bool reset_on_reboot;
    struct gram_guard guard;
    const char *text;
    struct gram_src src; /* NONE: nondecreasing and contiguous are inferred, the rest the flow's */
    struct gram_pos pos;
};

struct gram_flow_limit {
    int16_t atom;       /* after this atom (index into atoms); -1: after any event */
    uint32_t ms;
    struct gram_src src; /* NONE: inferred (no document gives it) */
    struct gram_pos pos;
};

struct gram_flow {
    const char *name;
    const char *expr;             /* the event language as written */
    const struct gram_command *start_cmd;
    const struct gram_form *start_form;
    const char *start_text;
    /* Glushkov automaton: position 0 is the start; positions 1..n_pos are atom
     * occurrences. follow[p] is the set of positions that may come after p; a position is
     * entered by its atom. */
    struct gram_atom *atoms;
    uint16_t n_atoms;
    uint8_t n_pos;
    uint16_t pos_atom[GRAM_MAX_FLOW_POS + 1];
    struct gram_guard pos_guard[GRAM_MAX_FLOW_POS + 1]; /* of the expression it came from */
    uint64_t follow[GRAM_MAX_FLOW_POS + 1];
    uint64_t accept;              /* positions after which the flow may end */
    struct gram_flow_check *checks;
    uint16_t n_checks;
    struct gram_flow_limit *limits;
    uint16_t n_limits;
    uint32_t stall_ms;            /* longest allowed gap between two events; 0 = none */
    int16_t stall_param;          /* >= 0: the stall limit is this parameter of the start
                                     form (ms) times stall_factor plus stall_extra_ms
                                     (stall_ms when it is left out): the module's own
                                     timeout, after which it must fail by itself */
    uint16_t stall_factor;
    uint32_t stall_extra_ms;
    uint32_t total_ms;            /* longest allowed flow; 0 = none */
    uint32_t settle_ms;           /* after an accepting event, how long a further event may still come */
    struct gram_src src, stall_src, total_src; /* order; the two limits (NONE: inferred) */
    int8_t *outcome;              /* per atom: GO_OK / GO_ERROR / GO_NONE */
    const char *doc;
    struct gram_pos pos;
};

/* ---- documented example exchanges ---------------------------------------------- */

enum gram_step_dir {
    GS_SEND,    /* "> AT+..."  a command the host sends */
    GS_RECV,    /* "< text"    a line the module sends */
    GS_PAYLOAD, /* "< <data N>" N bytes of binary payload */
    GS_REBOOT,  /* "< <reboot>" the module restarts here */
};

struct gram_step {
    enum gram_step_dir dir;
    const char *text;
    uint32_t len;
    bool normalised;   /* typographic quotes were replaced by ASCII ones */
    struct gram_pos pos;
};

struct gram_example {
    const char *title;
    const char *source;
    const char *note;
    struct gram_step *steps;
    uint16_t n_steps;
    bool echo;         /* the trace shows command echo */
    uint8_t needs;     /* enum gram_needs: what the exchange needs beyond the module */
    struct gram_pos pos;
};

/* What a documented example needs to be played as documented: a cloud provisioned for the
 * module (a staged plan, a product registered), a network (a PDP context, a server). */
enum gram_needs { GNEED_CLOUD = 1u << 0, GNEED_NETWORK = 1u << 1 };

/* ---- a vendor (or the core) ----------------------------------------------------- */

enum gram_error_form {
    GEF_ERROR = 1u << 0,     /* plain ERROR */
    GEF_CME = 1u << 1,       /* +CME ERROR: <n> replaces ERROR */
    GEF_TEXT = 1u << 2,      /* vendor text lines, then ERROR */
};

enum gram_line_end { GLE_CRLF, GLE_CR, GLE_LF };

enum gram_escapes {
    GESC_V250 = 1u << 0,      /* \hh, two hex digits */
    GESC_BACKSLASH = 1u << 1, /* \" \\ \xhh */
};

struct gram_source {
    const char *title, *version, *date, *url, *seed;
};

struct gram_vendor {
    const char *id;
    const char *name;
    bool is_core;
    const char *file;          /* grammar file it came from */
    struct gram_source *sources;
    uint16_t n_sources;
    struct gram_src src;       /* what its items rest on by default: the first source
                                  document (the core: the standards), set by the loader */
    uint32_t revision;         /* the grammar's own revision */
    char sha256[65];           /* the SHA-256 of the grammar file's text, in hex */
    uint32_t response_time_ms;
    uint8_t error_forms;       /* enum gram_error_form bits */
    bool echo;
    enum gram_line_end line_end;
    uint32_t max_line;         /* 0: as long as the longest valid command (auto) */
    uint8_t quoting;           /* default enum gram_quoting for strings */
    uint8_t escapes;           /* enum gram_escapes bits */
    bool empty_values;         /* V.250 omitted values (1,,3) accepted */
    bool nocase_names;         /* command names compared without case (V.250) */

    struct gram_knob knobs[GRAM_MAX_KNOBS];
    uint8_t n_knobs;
    uint8_t colon_space_knob;  /* knob number (1-based) of "colon-space", 0 if none */
    uint8_t trailing_space_knob; /* of "trailing-space" (choice "allowed": blanks before the
                                    line end are not part of the line), 0 if none */

    struct gram_codes *codes;
    uint16_t n_codes;
    struct gram_line *finals;  /* core finals first, then the vendor's */
    uint16_t n_finals;
    uint32_t error_finals;     /* bitmask of the finals that report errors */
    struct gram_guard error_final_guard[GRAM_MAX_FINALS]; /* 'errors X when ...' */
    uint32_t ok_finals;
    struct gram_command *commands; /* core commands first */
    uint16_t n_commands;
    struct gram_line *urcs;
    uint16_t n_urcs;
    struct gram_machine *machine;
    struct gram_flow *flows;
    uint16_t n_flows;
    struct gram_example *examples;
    uint16_t n_examples;
    const struct gram_vendor *core;
    const char *doc;
    struct gram_pos pos;
};

struct gram_set {
    struct oc_arena arena;
    struct gram_vendor *core;
    struct gram_vendor **vendors;
    size_t n_vendors;
    size_t cap_vendors;
};

/* ---- the active dialect --------------------------------------------------------- */

/* Which choices of each knob are active. A guard is satisfied when its knob has at least
 * one of the guard's choices active. The defaults come from the grammar; --dialect
 * overrides them. */
struct gram_dialect {
    const struct gram_vendor *vendor;
    uint16_t active[GRAM_MAX_KNOBS + 1]; /* indexed by knob number; [0] unused */
};

static inline bool gram_guard_ok(const struct gram_dialect *d, struct gram_guard g)
{
    return g.knob == 0 || (d->active[g.knob] & g.choices) != 0;
}

/* ---- lookups and names ---------------------------------------------------------- */

const char *gram_form_kind_name(enum gram_form_kind k);   /* "test" "read" "write" "exec" */
const char *gram_class_name(enum gram_class c);
const char *gram_type_kind_name(enum gram_type_kind k);

const struct gram_vendor *gram_set_vendor(const struct gram_set *s, const char *id);
const struct gram_command *gram_vendor_command(const struct gram_vendor *v, const char *name);
const struct gram_line *gram_vendor_urc(const struct gram_vendor *v, const char *name);
const struct gram_line *gram_vendor_final(const struct gram_vendor *v, const char *name);
const struct gram_flow *gram_vendor_flow(const struct gram_vendor *v, const char *name);
int gram_vendor_knob(const struct gram_vendor *v, const char *name); /* 1-based, 0 = none */
int gram_knob_choice(const struct gram_knob *k, const char *id);     /* index or -1 */
int gram_machine_state(const struct gram_machine *m, const char *name); /* index or -1 */
const struct gram_form *gram_command_form(const struct gram_command *c, enum gram_form_kind k,
                                          const char *variant);
/* Does the vendor's grammar (its core included) hold this text, without case: an
 * enumerated value, part of a line's text or of a code's meaning ("incorrect parameters")?
 * What tells a made-up credential that the module says for its own reasons. */
bool gram_vendor_mentions(const struct gram_vendor *v, const char *text);
/* Whether text (n bytes) is, case aside, the meaning of a code in one of v's code tables
 * (its core's included): "operation not supported" in +CME ERROR: <text>. */
bool gram_vendor_code_meaning(const struct gram_vendor *v, const char *text, size_t n);
int gram_form_param(const struct gram_form *f, const char *name);    /* index or -1 */
int gram_line_field(const struct gram_line *l, const char *name);    /* index or -1 */

/* May the form end with final number i under dialect d? */
bool gram_form_final_allowed(const struct gram_form *f, unsigned i, const struct gram_dialect *d);

/* The response time that applies to a form: the form's, the command's, or the vendor's. */
uint32_t gram_form_time_ms(const struct gram_form *f);
/* The safety class that applies: test/read forms are always queries. */
enum gram_class gram_form_class(const struct gram_form *f);

/* Dialects. */
void gram_dialect_default(struct gram_dialect *d, const struct gram_vendor *v);
/* Parses "knob=choice[|choice...]" or "knob=any" and applies it. Returns 0, or -1 with a
 * message in err. */
int gram_dialect_set(struct gram_dialect *d, const char *spec, char *err, size_t errlen);
/* Writes "knob=choice|choice" for knob k (1-based) into buf. */
const char *gram_dialect_describe(const struct gram_dialect *d, int k, char *buf, size_t n);

/* Does value v satisfy the int items of type t under dialect d? (n_items == 0: any) */
bool gram_int_allowed(const struct gram_type *t, const struct gram_dialect *d, int64_t v);
/* The smallest and largest values an int type allows under d (false if none). */
bool gram_int_bounds(const struct gram_type *t, const struct gram_dialect *d, int64_t *lo,
                     int64_t *hi);
/* All bits a mask type allows, as a value. */
uint64_t gram_mask_bits(const struct gram_type *t, const struct gram_dialect *d);

#endif
