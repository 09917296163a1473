/* harness/sim.h — the reference module (DESIGN.md layer 3): a simulated module of one
 * vendor that speaks its grammar — echo, responses, finals, URCs, whole OTA flows with real
 * data — and, on request, breaks one rule at a time (named faults), so that the suite can
 * prove each of its checks fires.
 *
 * It is a plain object with no I/O and no clock of its own: the caller feeds it input bytes
 * at a time `now` and takes the output that is due by a time. In-process (target sim:)
 * the session runs it on a virtual clock, so waits cost nothing and runs are
 * deterministic; `otacheck sim` runs it on stdin/stdout in real time.
 *
 * Commands are validated with the grammar's validator (and its state machine); test forms
 * are rendered from the parameters' types, settings commands read back what was written,
 * and vendor hooks (sim_<vendor>.c) add what is specific: the OTA image, the cloud, the
 * flows. */
#ifndef OTACHECK_HARNESS_SIM_H
#define OTACHECK_HARNESS_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "grammar/model.h"
#include "harness/rules.h"
#include "parser/index.h"
#include "parser/validate.h"

/* ---- named faults ------------------------------------------------------------------ */

enum sim_fault {
    SF_SLOW_RESPONSE,     /* the first OTA command's final comes after its time limit */
    SF_MISSING_FINAL,     /* the first OTA command gets no final result */
    SF_DOUBLE_FINAL,      /* the first OTA command gets two */
    SF_ACCEPT_INVALID,    /* an out-of-range value is accepted */
    SF_REJECT_VALID,      /* an in-range boundary value is rejected */
    SF_WRONG_TEST_RANGE,  /* a test form announces a range the grammar does not give */
    SF_READ_STALE,        /* a read does not reflect the write before it */
    SF_URC_ORDER,         /* a flow's events come out of order */
    SF_PERCENT_BACKWARDS, /* a progress percentage goes down */
    SF_NO_TERMINAL,       /* a flow never sends its last event */
    SF_PAYLOAD_SHORT,     /* binary data shorter than its header says */
    SF_PAYLOAD_LONG,      /* ... longer */
    SF_HASH_MISMATCH,     /* the image does not match its announced digests */
    SF_GARBAGE,           /* noise bytes between lines */
    SF_BARE_LF,           /* lines ended by LF alone */
    SF_SILENT_HANG,       /* stops answering altogether */
    SF_REBOOT_MID_FLOW,   /* restarts in the middle of a flow */
    SF_WRONG_ECHO,        /* echoes something other than the command */
    SF_SECRET_ECHO,       /* a response carries a credential it was given */
    SF_MALFORMED,         /* a response line breaks its grammar (a field out of range) */
    SF_SPONTANEOUS_REBOOT,/* restarts by itself between two commands */
    SF_STATE_IGNORED,     /* accepts a command in a state that does not take it */
    SF_UPGRADE_FAILS,     /* an upgrade with the reference cloud's own values ends in failure */
    /* a real download (`otacheck sim`, an http:// URL that is not the reference cloud's:
     * harness/sim_fetch.h), one behaviour each; proven by tests/sim_download.sh against
     * `otacheck serve` until the conformance suite has cases with an OTA server */
    SF_ACCEPT_SHORT_BODY, /* a body that ends short is taken as the image (no digest check) */
    SF_IGNORE_STALL,      /* no stall limit: a server that sends nothing is waited for */
    SF_RESTART_FROM_ZERO, /* a failed download is fetched again from byte 0, not resumed */
    SF__COUNT
};

struct sim_fault_info {
    const char *name;  /* --fault name */
    enum hx_rule rule; /* the rule of the suite it breaks (harness/rules.h) */
    const char *what;  /* what the module does wrong */
    bool real_download; /* shows only in a real download from an OTA server (otacheck sim and
                           an http:// URL): in-process runs never meet it */
};

const struct sim_fault_info *sim_fault_info(enum sim_fault f);
int sim_fault_by_name(const char *name); /* -1 if unknown */
/* Does the fault make sense for this vendor (progress events, payloads, secrets...)? */
bool sim_fault_applies(enum sim_fault f, const struct gram_vendor *v);

/* ---- the module ------------------------------------------------------------------- */

struct sim_options {
    uint32_t faults;     /* bit per enum sim_fault */
    double time_scale;   /* flow delays are multiplied by this (0: default 1.0) */
    uint64_t seed;       /* the OTA image's bytes */
    bool latency_set;    /* latency_ns replaces the default 2 ms before each final result */
    uint64_t latency_ns; /* (0: answer at once; `otacheck sim --latency`, for throughput) */
    unsigned urcs_every; /* >0: a standard unsolicited line (+CEREG, +CSQ, SMS DONE...) after
                            every N-th final result, as cellular modules send them */
    bool real_downloads; /* an OTA command given an http:// URL that is not the reference
                            cloud's downloads it for real (harness/sim_fetch.h), blocking for
                            the download's real time: `otacheck sim` only, never in-process */
};

struct sim_vendor;
struct sim_segment;
struct sim_effect;

#define SIM_MAX_STORE 64

/* The OTA image a module serves (Quectel's MCU pieces) or reports (sizes, digests). */
struct sim_image {
    size_t len;
    uint8_t *bytes; /* NULL until made */
    char md5[33], sha256[65];
    uint32_t crc32;
};

struct sim {
    const struct gram_vendor *v;
    const struct sim_vendor *vx;  /* vendor hooks */
    struct at_index ix;
    struct sim_options o;
    uint64_t now;                 /* the time of the input being handled */

    /* input */
    uint8_t in[4096];
    size_t in_len;
    bool in_overflow;

    /* settings */
    bool echo;
    int cmee;
    int state;                    /* the vendor machine's state, -1 without a machine */
    int state_before;             /* its state before the command being handled */
    unsigned boots;               /* how many times it restarted */
    char revision[64];            /* AT+CGMR; changes when an upgrade is applied */
    bool hung;                    /* SF_SILENT_HANG has struck */
    unsigned commands;            /* commands handled since start */
    uint64_t reply;               /* the delay of the final of the command being handled */
    bool mid_line;                /* handling a command that is not the last of its line:
                                     an OK waits for the line's end (V.250: one final per
                                     line), an error ends the line */
    bool line_failed;
    bool bare_lf;                 /* SF_BARE_LF: the answer being written ends lines with LF alone */
    struct {
        char key[48];             /* "+CAPFOTA on", "+UPGRADE PERIOD" */
        char val[300];            /* as it is written in a response (no quotes) */
    } store[SIM_MAX_STORE];
    unsigned n_store;

    /* output: segments due at given times */
    struct sim_segment *seg;
    size_t n_seg, cap_seg, first_seg;
    uint8_t *out;
    size_t out_len, out_cap, out_first;
    uint64_t cursor;              /* the time of the last output of the command being
                                     handled: delays count from it, so what one command
                                     writes keeps its order and its pauses */

    /* the OTA image the module serves or installs: its size is known from the start, its
     * bytes and digests are made when first asked for (sim_image) */
    struct sim_image image;

    /* what the output still to come does to the module (a URC moves the state machine, a
     * restart resets it), in order: each takes effect when its time comes, so a command
     * sent before it still meets the old state */
    struct sim_effect *effects;
    size_t n_effects, cap_effects;
    char next_revision[64];

    void *vstate;                 /* vendor hooks' own state */
    struct at_line_ctx lc;
    struct gram_dialect d;
    bool fault_fired[SF__COUNT];  /* a fault that strikes once has struck */
    unsigned finals;              /* final results sent (for urcs_every) */
};

int sim_init(struct sim *s, const struct gram_vendor *v, const struct sim_options *o);
void sim_free(struct sim *s);

/* Bytes from the host at time now (ns). */
void sim_input(struct sim *s, const uint8_t *data, size_t n, uint64_t now);
/* The time the next output is due; UINT64_MAX when there is none. */
uint64_t sim_next_due(const struct sim *s);
/* Output due by `now`, up to cap bytes; returns the count. */
size_t sim_take(struct sim *s, uint64_t now, uint8_t *buf, size_t cap);

/* ---- for the vendor hooks (sim_<vendor>.c) ----------------------------------------- */

#define SIM_MS 1000000ull

struct sim_vendor {
    const char *id;
    const char *manufacturer, *model, *revision;
    void (*init)(struct sim *s);
    void (*free)(struct sim *s);
    /* A valid command: handle it (emit its responses and final) and return true, or
     * return false for the generic handling (settings commands, test forms). */
    bool (*command)(struct sim *s, const struct at_cmd *c, const uint8_t *line);
    uint32_t no_faults;   /* faults that break no rule of this vendor (bit per sim_fault) */
    const char *imei;     /* a line "IMEI: <imei>" after ATI's revision (SIMCom's ATI has one),
                             or NULL */
};

bool sim_fault(const struct sim *s, enum sim_fault f);
/* Once per run: true the first time it is asked for a fault that is on. */
bool sim_fault_once(struct sim *s, enum sim_fault f);

/* Output `delay` ns after the previous output of the same command (or after the command,
 * for the first): raw bytes, a line with CR LF around it, a grammar line. */
void sim_emit_raw(struct sim *s, uint64_t delay, const void *data, size_t n);
void sim_emit_line(struct sim *s, uint64_t delay, const char *text);
/* A URC or info line of the grammar by name with "field=value" pairs (NULL-terminated);
 * URCs also move the state machine. Returns false if it cannot be rendered. */
bool sim_emit_urc(struct sim *s, uint64_t delay, const char *urc, const char *const *pairs);
bool sim_emit_info(struct sim *s, uint64_t delay, const struct gram_line *l, const char *const *pairs);
/* Finals: OK, or the vendor's error (ERROR / +CME ERROR: <code> under AT+CMEE). */
void sim_ok(struct sim *s, uint64_t delay);
void sim_error(struct sim *s, uint64_t delay, int cme_code);
/* The delay of the command's final (longer under SF_SLOW_RESPONSE), and a flow delay
 * (scaled by time_scale). */
uint64_t sim_reply_delay(const struct sim *s);
uint64_t sim_flow_delay(const struct sim *s, uint64_t ms);
/* A restart at now + delay: input dropped, state machine back to its start, boot URCs.
 * It takes effect at its time: commands before it still meet the old state. */
void sim_reboot(struct sim *s, uint64_t delay);
/* The next sim_reboot restarts into this firmware revision (AT+CGMR, ATI). */
void sim_upgrade_at_reboot(struct sim *s, const char *revision);
/* Settings, by "command param" key. */
const char *sim_get(const struct sim *s, const char *key);
void sim_set(struct sim *s, const char *key, const char *val);
/* A value of a command's parameter as written in the line (quotes removed) into buf. */
const char *sim_arg(const struct at_cmd *c, const uint8_t *line, unsigned i, char *buf, size_t n);
/* The same as written in the line (quotes removed, escapes kept): what a read answers. */
const char *sim_arg_raw(const struct at_cmd *c, const uint8_t *line, unsigned i, char *buf, size_t n);
int64_t sim_arg_int(const struct at_cmd *c, unsigned i, int64_t dflt);
bool sim_arg_given(const struct at_cmd *c, unsigned i);
/* The machine: an event named by a command (its parameters) or a URC. */
void sim_machine_command(struct sim *s, const struct at_cmd *c, const uint8_t *line);
/* The time limit of a form, ns (the vendor default when the form has none, else 10 s). */
uint64_t sim_form_limit(const struct gram_form *f);
/* Declares the OTA image: n bytes, made from the seed when first asked for. */
void sim_declare_image(struct sim *s, size_t n);
/* The OTA image, its bytes and digests made now if they are not yet. */
const struct sim_image *sim_image(struct sim *s);

/* The hooks of a vendor by id (sim_vendor_generic when it has none of its own). */
const struct sim_vendor *sim_vendor_hooks(const char *id);
extern const struct sim_vendor sim_vendor_quectel, sim_vendor_simcom, sim_vendor_airm2m,
    sim_vendor_qualcomm, sim_vendor_fibocom, sim_vendor_generic;

#endif
