/* harness/sim.c — the reference module's core; see sim.h. */
#include "harness/sim.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/xalloc.h"
#include "parser/machine.h"
#include "parser/render.h"

struct sim_segment {
    uint64_t due;
    size_t off, len;
};

struct sim_effect {
    uint64_t due;
    const struct gram_line *urc; /* a URC: the state machine moves; NULL: a restart */
    char revision[64];           /* a restart: the firmware it comes up with ("" the same) */
};

static void add_effect(struct sim *s, uint64_t due, const struct gram_line *urc, const char *revision)
{
    if (s->n_effects == s->cap_effects) {
        s->cap_effects = s->cap_effects ? s->cap_effects * 2 : 16;
        s->effects = oc_xrealloc(s->effects, s->cap_effects * sizeof *s->effects);
    }
    size_t at = s->n_effects;
    while (at > 0 && s->effects[at - 1].due > due)
        at--;
    memmove(s->effects + at + 1, s->effects + at, (s->n_effects - at) * sizeof *s->effects);
    s->n_effects++;
    struct sim_effect *e = &s->effects[at];
    e->due = due;
    e->urc = urc;
    snprintf(e->revision, sizeof e->revision, "%s", revision ? revision : "");
}

/* ---- faults ---------------------------------------------------------------------- */

static const struct sim_fault_info faults[SF__COUNT] = {
    [SF_SLOW_RESPONSE] = {"slow-response", HR_RESPONSE_TIME, "the first OTA command answers after its time limit", false},
    [SF_MISSING_FINAL] = {"missing-final", HR_FINAL_RESULT, "the first OTA command's test (or read, or exec) form gets no final result", false},
    [SF_DOUBLE_FINAL] = {"double-final", HR_FINAL_RESULT, "the first OTA command's test (or read, or exec) form gets two final results", false},
    [SF_ACCEPT_INVALID] = {"accept-invalid", HR_REJECTS_INVALID, "the first OTA command accepts values out of range", false},
    [SF_REJECT_VALID] = {"reject-valid", HR_ACCEPTS_VALID, "the first OTA command rejects upper bounds that are in range", false},
    [SF_WRONG_TEST_RANGE] = {"wrong-test-range", HR_TEST_RANGE, "a test form announces one value too many", false},
    [SF_READ_STALE] = {"read-stale", HR_READ_REFLECTS_WRITE, "a read answers the value from before the last write", false},
    [SF_URC_ORDER] = {"urc-order", HR_FLOW_ORDER, "two events of a flow come swapped", false},
    [SF_PERCENT_BACKWARDS] = {"percent-backwards", HR_FLOW_FIELDS, "a progress percentage goes down", false},
    [SF_NO_TERMINAL] = {"no-terminal-event", HR_FLOW_END, "a flow never sends its last event", false},
    [SF_PAYLOAD_SHORT] = {"payload-short", HR_PAYLOAD_LENGTH, "binary data is shorter than its header says", false},
    [SF_PAYLOAD_LONG] = {"payload-long", HR_PAYLOAD_LENGTH, "binary data is longer than its header says", false},
    [SF_HASH_MISMATCH] = {"hash-mismatch", HR_FLOW_INTEGRITY, "the image does not match the digests announced for it", false},
    [SF_GARBAGE] = {"garbage", HR_CLEAN_OUTPUT, "noise bytes after the first OTA command's answer", false},
    [SF_BARE_LF] = {"bare-lf", HR_LINE_END, "ends the lines of the first OTA command's answer with LF alone", false},
    [SF_SILENT_HANG] = {"silent-hang", HR_LIVENESS, "stops answering after a few commands", false},
    [SF_REBOOT_MID_FLOW] = {"reboot-mid-flow", HR_FLOW_ORDER, "restarts in the middle of a flow", false},
    [SF_WRONG_ECHO] = {"wrong-echo", HR_ECHO, "echoes the first OTA command with its last byte changed", false},
    [SF_SECRET_ECHO] = {"secret-echo", HR_NO_SECRET_LEAK, "repeats a credential in a response", false},
    [SF_MALFORMED] = {"malformed-response", HR_RESPONSE_SYNTAX, "a response line breaks its grammar", false},
    [SF_SPONTANEOUS_REBOOT] = {"spontaneous-reboot", HR_REBOOT, "restarts by itself after the 20th command", false},
    [SF_STATE_IGNORED] = {"state-ignored", HR_STATE_REFUSAL, "accepts, without acting on it, a command its state does not take", false},
    [SF_UPGRADE_FAILS] = {"upgrade-fails", HR_FLOW_OUTCOME, "an upgrade with the reference cloud's own values ends in failure", false},
    [SF_ACCEPT_SHORT_BODY] = {"accept-short-body", HR_FLOW_OUTCOME, "a real download whose body ends before its Content-Length is reported complete, with no digest check", true},
    [SF_IGNORE_STALL] = {"ignore-stall", HR_FLOW_OUTCOME, "a real download has no stall limit: a server that stops sending is waited for up to the total limit", true},
    [SF_RESTART_FROM_ZERO] = {"restart-from-zero", HR_FLOW_OUTCOME, "a real download that fails mid-body is fetched again from byte 0 without a Range, not resumed", true},
};

const struct sim_fault_info *sim_fault_info(enum sim_fault f)
{
    return f < SF__COUNT ? &faults[f] : NULL;
}

int sim_fault_by_name(const char *name)
{
    for (int i = 0; i < SF__COUNT; i++)
        if (strcmp(faults[i].name, name) == 0)
            return i;
    return -1;
}

static bool has_payload_info(const struct gram_vendor *v)
{
    for (uint16_t i = 0; i < v->n_commands; i++)
        for (uint16_t j = 0; j < v->commands[i].n_forms; j++)
            for (uint16_t k = 0; k < v->commands[i].forms[j].n_infos; k++)
                if (v->commands[i].forms[j].infos[k].payload_field >= 0)
                    return true;
    return false;
}

static bool has_check(const struct gram_vendor *v, enum gram_check_kind k)
{
    for (uint16_t i = 0; i < v->n_flows; i++)
        for (uint16_t c = 0; c < v->flows[i].n_checks; c++)
            if (v->flows[i].checks[c].kind == k)
                return true;
    return false;
}

static bool has_secret(const struct gram_vendor *v)
{
    for (uint16_t i = 0; i < v->n_commands; i++)
        for (uint16_t j = 0; j < v->commands[i].n_forms; j++)
            for (uint16_t k = 0; k < v->commands[i].forms[j].n_params; k++)
                if (v->commands[i].forms[j].params[k].secret)
                    return true;
    return false;
}

const struct sim_vendor *sim_vendor_hooks(const char *id);
static const struct gram_command *fault_target_of(const struct gram_vendor *v);
static const struct gram_form *probe_form_of(const struct gram_command *t);

static bool has_boot_urc(const struct gram_vendor *v)
{
    for (uint16_t i = 0; i < v->n_urcs; i++)
        if (v->urcs[i].flags & GLF_BOOT)
            return true;
    return false;
}

static bool has_time_limit(const struct gram_command *t)
{
    for (uint16_t i = 0; t && i < t->n_forms; i++)
        if (gram_form_time_ms(&t->forms[i]))
            return true;
    return false;
}

bool sim_fault_applies(enum sim_fault f, const struct gram_vendor *v)
{
    if (sim_vendor_hooks(v->id)->no_faults >> f & 1)
        return false;
    switch (f) {
    case SF_SLOW_RESPONSE:
        return has_time_limit(fault_target_of(v)); /* no limit, nothing is too slow */
    case SF_REJECT_VALID: {
        /* a form the grammar lets refuse a valid line (may-refuse) breaks nothing so */
        const struct gram_form *w = fault_target_of(v) ? gram_command_form(fault_target_of(v), GF_WRITE, NULL) : NULL;
        return w && !w->may_refuse;
    }
    case SF_MISSING_FINAL:
    case SF_DOUBLE_FINAL:
        return probe_form_of(fault_target_of(v)) != NULL;
    case SF_PAYLOAD_SHORT:
    case SF_PAYLOAD_LONG:
        return has_payload_info(v);
    case SF_HASH_MISMATCH:
        return has_check(v, GCK_MD5) || has_check(v, GCK_SHA256) || has_check(v, GCK_CRC32);
    case SF_PERCENT_BACKWARDS:
        return has_check(v, GCK_NONDECREASING);
    case SF_URC_ORDER:
    case SF_NO_TERMINAL:
    case SF_REBOOT_MID_FLOW:
        return v->n_flows > 0;
    case SF_SECRET_ECHO:
        return has_secret(v);
    case SF_SPONTANEOUS_REBOOT:
        return has_boot_urc(v); /* a restart nothing announces is not seen between commands */
    case SF_STATE_IGNORED:
        return v->machine != NULL;
    case SF_UPGRADE_FAILS:
        return v->n_flows > 0;
    case SF_ACCEPT_SHORT_BODY:
    case SF_IGNORE_STALL:
    case SF_RESTART_FROM_ZERO:
        return strcmp(v->id, "fibocom") == 0; /* the vendor whose OTA command downloads for real */
    default:
        return true;
    }
}

bool sim_fault(const struct sim *s, enum sim_fault f)
{
    return (s->o.faults >> f) & 1;
}

bool sim_fault_once(struct sim *s, enum sim_fault f)
{
    if (!sim_fault(s, f) || s->fault_fired[f])
        return false;
    s->fault_fired[f] = true;
    return true;
}

/* ---- output ------------------------------------------------------------------------- */

void sim_emit_raw(struct sim *s, uint64_t delay, const void *data, size_t n)
{
    if (s->hung || n == 0)
        return;
    uint64_t due = s->cursor + delay; /* after what this handling wrote before it */
    s->cursor = due;
    if (s->out_len + n > s->out_cap) {
        size_t cap = s->out_cap ? s->out_cap : 4096;
        while (cap < s->out_len + n)
            cap *= 2;
        s->out = oc_xrealloc(s->out, cap);
        s->out_cap = cap;
    }
    memcpy(s->out + s->out_len, data, n);
    if (s->n_seg == s->cap_seg) {
        s->cap_seg = s->cap_seg ? s->cap_seg * 2 : 64;
        s->seg = oc_xrealloc(s->seg, s->cap_seg * sizeof *s->seg);
    }
    /* in the order it is due: an answer now goes before events scheduled for later */
    size_t at = s->n_seg;
    while (at > s->first_seg && s->seg[at - 1].due > due)
        at--;
    memmove(s->seg + at + 1, s->seg + at, (s->n_seg - at) * sizeof *s->seg);
    s->seg[at] = (struct sim_segment){due, s->out_len, n};
    s->n_seg++;
    s->out_len += n;
}

void sim_emit_line(struct sim *s, uint64_t delay, const char *text)
{
    size_t n = strlen(text);
    char *b = oc_xmalloc(n + 5);
    size_t k = 0;
    if (!s->bare_lf)
        b[k++] = '\r';
    b[k++] = '\n';
    memcpy(b + k, text, n);
    k += n;
    if (!s->bare_lf)
        b[k++] = '\r';
    b[k++] = '\n';
    sim_emit_raw(s, delay, b, k);
    free(b);
}


bool sim_emit_info(struct sim *s, uint64_t delay, const struct gram_line *l, const char *const *pairs)
{
    char buf[4096];
    if (!at_render_named(l, &s->lc, pairs, buf, sizeof buf))
        return false;
    sim_emit_line(s, delay, buf);
    return true;
}

bool sim_emit_urc(struct sim *s, uint64_t delay, const char *urc, const char *const *pairs)
{
    const struct gram_line *u = gram_vendor_urc(s->v, urc);
    if (!u || !gram_guard_ok(&s->d, u->guard))
        return false;
    if (!sim_emit_info(s, delay, u, pairs))
        return false;
    if (s->v->machine)
        add_effect(s, s->cursor, u, NULL); /* when it is sent */
    return true;
}

static const char *cme_text(const struct sim *s, int code)
{
    const struct gram_vendor *c = s->v->core ? s->v->core : s->v;
    for (uint16_t i = 0; i < c->n_codes; i++)
        if (strcmp(c->codes[i].name, "cme") == 0)
            for (uint16_t k = 0; k < c->codes[i].n_codes; k++)
                if (c->codes[i].codes[k].value == code)
                    return c->codes[i].codes[k].meaning;
    return "unknown";
}

/* The standard traffic of a cellular module, one line after every urcs_every-th final. */
static void standard_urc(struct sim *s)
{
    static const char *const lines[] = {
        "+CEREG: 1", "+CGEV: ME PDN ACT 1", "SMS DONE", "+CTZV: +32,0", "+CSQ: 21,99",
        "+CMTI: \"SM\",3", "+CREG: 0,1", "PB DONE", "+NITZ: 2024/08/23,06:52:50+32,0",
    };
    if (!s->o.urcs_every || ++s->finals % s->o.urcs_every)
        return;
    sim_emit_line(s, SIM_MS, lines[(s->finals / s->o.urcs_every) % (sizeof lines / sizeof lines[0])]);
}

void sim_ok(struct sim *s, uint64_t delay)
{
    if (s->mid_line)
        return; /* the line's last command answers for the whole line */
    sim_emit_line(s, delay, "OK");
    standard_urc(s);
}

void sim_error(struct sim *s, uint64_t delay, int cme_code)
{
    char b[128];
    if (s->line_failed)
        return;
    s->line_failed = s->mid_line;
    if (s->cmee && (s->v->error_forms & GEF_CME)) {
        if (s->cmee == 1)
            snprintf(b, sizeof b, "+CME ERROR: %d", cme_code);
        else
            snprintf(b, sizeof b, "+CME ERROR: %s", cme_text(s, cme_code));
        sim_emit_line(s, delay, b);
    } else {
        sim_emit_line(s, delay, "ERROR");
    }
    standard_urc(s);
}

uint64_t sim_reply_delay(const struct sim *s)
{
    if (s->reply)
        return s->reply;
    if (s->o.latency_set)
        return s->o.latency_ns;
    return 2 * SIM_MS; /* a quick module: inside every documented limit */
}

uint64_t sim_flow_delay(const struct sim *s, uint64_t ms)
{
    double f = s->o.time_scale > 0 ? s->o.time_scale : 1.0;
    return (uint64_t)((double)ms * f * (double)SIM_MS);
}

uint64_t sim_form_limit(const struct gram_form *f)
{
    uint32_t ms = gram_form_time_ms(f);
    return (uint64_t)(ms ? ms : 10000) * SIM_MS;
}

/* ---- settings ------------------------------------------------------------------------ */

const char *sim_get(const struct sim *s, const char *key)
{
    for (unsigned i = 0; i < s->n_store; i++)
        if (strcmp(s->store[i].key, key) == 0)
            return s->store[i].val;
    return NULL;
}

/* Copies text into a fixed field, cut to fit; src may lie inside the store itself. */
static void store_text(char *dst, size_t cap, const char *src)
{
    size_t n = strnlen(src, cap - 1);
    memmove(dst, src, n);
    dst[n] = '\0';
}

void sim_set(struct sim *s, const char *key, const char *val)
{
    unsigned i;
    for (i = 0; i < s->n_store; i++)
        if (strcmp(s->store[i].key, key) == 0)
            break;
    if (i == s->n_store) {
        if (s->n_store == SIM_MAX_STORE)
            return;
        s->n_store++;
        store_text(s->store[i].key, sizeof s->store[i].key, key);
    }
    store_text(s->store[i].val, sizeof s->store[i].val, val);
}

const char *sim_arg(const struct at_cmd *c, const uint8_t *line, unsigned i, char *buf, size_t n)
{
    if (i >= c->n_args || c->args[i].kind == AT_V_ABSENT) {
        if (n)
            buf[0] = '\0';
        return buf;
    }
    const struct at_value *v = &c->args[i];
    size_t len = at_value_decode(line, v, GESC_V250, (uint8_t *)buf, n ? n - 1 : 0);
    if (len >= n)
        len = n - 1;
    buf[len] = '\0';
    return buf;
}

const char *sim_arg_raw(const struct at_cmd *c, const uint8_t *line, unsigned i, char *buf, size_t n)
{
    size_t len = 0;
    if (i < c->n_args && c->args[i].kind != AT_V_ABSENT) {
        len = at_value_clen(&c->args[i]);
        if (len >= n)
            len = n ? n - 1 : 0;
        memcpy(buf, line + at_value_cstart(&c->args[i]), len);
    }
    if (n)
        buf[len] = '\0';
    return buf;
}

int64_t sim_arg_int(const struct at_cmd *c, unsigned i, int64_t dflt)
{
    if (i >= c->n_args || c->args[i].kind == AT_V_ABSENT || !c->args[i].is_int) {
        if (c->form && i < c->form->n_params && c->form->params[i].has_default &&
            (i >= c->n_args || c->args[i].kind == AT_V_ABSENT))
            return c->form->params[i].def_int;
        return dflt;
    }
    return c->args[i].i;
}

bool sim_arg_given(const struct at_cmd *c, unsigned i)
{
    return i < c->n_args && c->args[i].kind != AT_V_ABSENT;
}

/* ---- the state machine ------------------------------------------------------------ */

void sim_machine_command(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    s->state = at_machine_command(s->v->machine, s->state, c, s->v->escapes, line);
}

/* What a restart does to the module, at the time it happens. */
static void reboot_now(struct sim *s, const char *revision)
{
    s->in_len = 0;
    s->in_overflow = false;
    s->boots++;
    if (s->v->machine)
        s->state = at_machine_reboot(s->v->machine, s->state);
    s->echo = s->v->echo;
    s->cmee = 0;
    if (revision && revision[0])
        snprintf(s->revision, sizeof s->revision, "%s", revision);
}

/* Applies the effects whose time has come, in order. */
static void apply_due_effects(struct sim *s, uint64_t now)
{
    s->bare_lf = false; /* (the fault is one answer's) */
    size_t k = 0;
    while (k < s->n_effects && s->effects[k].due <= now) {
        const struct sim_effect *e = &s->effects[k++];
        if (e->urc)
            s->state = at_machine_urc(s->v->machine, s->state, e->urc);
        else
            reboot_now(s, e->revision);
    }
    if (k) {
        memmove(s->effects, s->effects + k, (s->n_effects - k) * sizeof *s->effects);
        s->n_effects -= k;
    }
}

void sim_upgrade_at_reboot(struct sim *s, const char *revision)
{
    snprintf(s->next_revision, sizeof s->next_revision, "%s", revision);
}

void sim_reboot(struct sim *s, uint64_t delay)
{
    add_effect(s, s->cursor + delay, NULL, s->next_revision);
    s->next_revision[0] = '\0';
    if (delay == 0)
        apply_due_effects(s, s->now);
    /* the boot announcements the grammar knows (RDY ...) */
    for (uint16_t i = 0; i < s->v->n_urcs; i++) {
        const struct gram_line *u = &s->v->urcs[i];
        if ((u->flags & GLF_BOOT) && gram_guard_ok(&s->d, u->guard) && u->tpl.exact) {
            sim_emit_line(s, delay, u->tpl.text);
            delay = 0;
        }
    }
}

/* ---- the image ---------------------------------------------------------------------- */

void sim_declare_image(struct sim *s, size_t n)
{
    free(s->image.bytes);
    s->image = (struct sim_image){.len = n};
}

/* Digest bytes as lower-case hex into out (2 * n + 1 bytes). */
static void hex_digest(const unsigned char *md, unsigned n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * n] = '\0';
}

const struct sim_image *sim_image(struct sim *s)
{
    struct sim_image *im = &s->image;
    if (im->bytes)
        return im;
    im->bytes = oc_xmalloc(im->len);
    uint64_t x = s->o.seed * 0x9E3779B97F4A7C15ull + 0x1234567;
    for (size_t i = 0; i < im->len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        im->bytes[i] = (uint8_t)(x >> 24);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int ml;
    EVP_Digest(im->bytes, im->len, md, &ml, EVP_md5(), NULL);
    hex_digest(md, ml < 16 ? ml : 16, im->md5);
    EVP_Digest(im->bytes, im->len, md, &ml, EVP_sha256(), NULL);
    hex_digest(md, ml < 32 ? ml : 32, im->sha256);
    im->crc32 = (uint32_t)crc32(crc32(0L, Z_NULL, 0), im->bytes, (uInt)im->len);
    return im;
}

/* ---- generic handling: core commands, test forms, settings -------------------------- */

static const struct gram_form *write_form(const struct gram_command *c)
{
    return gram_command_form(c, GF_WRITE, NULL);
}

/* The command whose faults strike: the vendor's first own command with a write form. */
static const struct gram_command *fault_target_of(const struct gram_vendor *v)
{
    unsigned first = v->core ? v->core->n_commands : 0;
    for (uint16_t i = first; i < v->n_commands; i++) {
        const struct gram_form *w = write_form(&v->commands[i]);
        if (w && w->n_params && !v->commands[i].prereq)
            return &v->commands[i];
    }
    return NULL;
}

static const struct gram_command *fault_target(const struct sim *s)
{
    return fault_target_of(s->v);
}

static bool is_fault_target(const struct sim *s, const struct gram_command *c)
{
    const struct gram_command *t = fault_target(s);
    return t && c && strcasecmp(t->name, c->name) == 0;
}

/* The form of the fault target whose final results the missing/double-final faults break:
 * its test form, else its read form, else its exec form (one that ends with a final). */
static const struct gram_form *probe_form_of(const struct gram_command *t)
{
    static const enum gram_form_kind order[] = {GF_TEST, GF_READ, GF_EXEC};
    for (int k = 0; t && k < 3; k++)
        for (uint16_t i = 0; i < t->n_forms; i++)
            if (t->forms[i].kind == order[k] && !t->forms[i].final_silence)
                return &t->forms[i];
    return NULL;
}

/* The value a field takes in a generic read or test response. */
static void field_value(struct sim *s, const struct gram_command *cmd, const struct gram_param *f,
                        bool test_form, char *out, size_t n)
{
    const struct gram_form *w = write_form(cmd);
    const struct gram_type *t = &f->type;
    if (t->kind == GT_LIST) {
        const struct gram_type *pt = (w && t->list_of >= 0 && t->list_of < w->n_params) ? &w->params[t->list_of].type : t;
        at_render_list(pt, &s->d, out, n);
        if (test_form && sim_fault(s, SF_WRONG_TEST_RANGE) && pt->kind == GT_INT && pt->n_items) {
            /* one value too many: (0-2) where the grammar says (0-1); an open range loses
             * its first value instead */
            int64_t lo, hi;
            if (gram_int_bounds(pt, &s->d, &lo, &hi)) {
                if (hi < INT64_MAX)
                    snprintf(out, n, "(%lld-%lld)", (long long)lo, (long long)hi + 1);
                else
                    snprintf(out, n, "(%lld-%lld)", (long long)lo + 1, (long long)hi);
            }
        }
        return;
    }
    char key[64];
    snprintf(key, sizeof key, "%s %s", cmd->name, f->name);
    const char *v = sim_get(s, key);
    if (v) {
        snprintf(out, n, "%s", v);
        return;
    }
    /* the write form's default, else the first value the type allows */
    int pi = w ? gram_form_param(w, f->name) : -1;
    if (pi >= 0 && w->params[pi].has_default && w->params[pi].def_text) {
        snprintf(out, n, "%s", w->params[pi].def_text);
        return;
    }
    switch (t->kind) {
    case GT_INT:
    case GT_MASK: {
        int64_t lo = 0, hi = 0;
        if (t->n_items && gram_int_bounds(t, &s->d, &lo, &hi))
            snprintf(out, n, "%lld", (long long)lo);
        else
            snprintf(out, n, "0");
        break;
    }
    case GT_ENUM:
        snprintf(out, n, "%s", t->n_items ? t->enums[0].text : "");
        break;
    default:
        snprintf(out, n, "%s", t->min_len ? "x" : "");
        break;
    }
}

/* Renders the first info line of a form that the dialect allows and values can fill. */
static bool emit_form_infos(struct sim *s, const struct at_cmd *c, bool test_form, uint64_t delay)
{
    const struct gram_form *f = c->form;
    for (uint16_t i = 0; i < f->n_infos; i++) {
        const struct gram_line *l = &f->infos[i];
        if (!gram_guard_ok(&s->d, l->guard) || (l->flags & (GLF_ON_ERROR | GLF_OPTIONAL)) ||
            l->payload_field >= 0)
            continue;
        char vals[GRAM_MAX_PARAMS][300];
        struct at_rval rv[GRAM_MAX_PARAMS];
        for (uint16_t k = 0; k < l->tpl.n_fields; k++) {
            const struct gram_param *fp = &l->tpl.fields[k];
            bool in_group = false;
            for (uint16_t o = 0; o < l->tpl.n_ops; o++)
                if (l->tpl.ops[o].kind == TPL_OPT && k >= l->tpl.ops[o].a && k < l->tpl.ops[o].a + l->tpl.ops[o].n)
                    in_group = true;
            char key[64];
            snprintf(key, sizeof key, "%s %s", c->cmd->name, fp->name);
            if (in_group && fp->type.kind != GT_LIST && !sim_get(s, key)) {
                rv[k].text = NULL; /* an optional part nobody set */
                continue;
            }
            field_value(s, c->cmd, fp, test_form, vals[k], sizeof vals[k]);
            rv[k].text = vals[k];
        }
        char out[4096];
        if (at_render_line(l, &s->lc, rv, out, sizeof out)) {
            sim_emit_line(s, delay, out);
            return true;
        }
    }
    return false;
}

/* Values written: kept by "command parameter", so reads and the tests find them. */
static void store_write(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    const struct gram_form *f = c->form;
    for (uint16_t i = 0; i < c->n_args && i < f->n_params; i++) {
        if (c->args[i].kind == AT_V_ABSENT)
            continue;
        char key[64], val[300];
        snprintf(key, sizeof key, "%s %s", c->cmd->name, f->params[i].name);
        sim_arg_raw(c, line, i, val, sizeof val); /* read back as written, escapes kept */
        if (sim_fault(s, SF_READ_STALE)) {
            /* the read will answer what was there before this write */
            char stale[64];
            snprintf(stale, sizeof stale, "%s %s#next", c->cmd->name, f->params[i].name);
            const char *prev = sim_get(s, stale);
            if (prev)
                sim_set(s, key, prev);
            sim_set(s, stale, val);
            continue;
        }
        sim_set(s, key, val);
    }
}

static bool core_command(struct sim *s, const struct at_cmd *c, const uint8_t *line, int *err)
{
    const char *n = c->cmd->name;
    uint64_t d = sim_reply_delay(s);
    if (c->cmd->empty)
        return true;
    if (strcmp(n, "E") == 0) {
        s->echo = sim_arg_int(c, 0, 0) != 0;
        return true;
    }
    if (strcmp(n, "I") == 0) {
        const struct sim_vendor *x = s->vx;
        char b[160];
        sim_emit_line(s, d, x->manufacturer);
        sim_emit_line(s, 0, x->model);
        snprintf(b, sizeof b, "Revision: %s", s->revision);
        sim_emit_line(s, 0, b);
        if (x->imei) {
            snprintf(b, sizeof b, "IMEI: %s", x->imei);
            sim_emit_line(s, 0, b);
        }
        return true;
    }
    if (strcasecmp(n, "+CGMR") == 0 && c->form->kind == GF_EXEC) {
        sim_emit_line(s, d, s->revision);
        return true;
    }
    if (strcasecmp(n, "+CMEE") == 0 && c->form->kind == GF_WRITE) {
        s->cmee = (int)sim_arg_int(c, 0, 0);
        store_write(s, c, line);
        return true;
    }
    (void)err;
    return false;
}

/* ---- commands ---------------------------------------------------------------------- */

/* SF_SECRET_ECHO: a credential the command carried comes back in a response line. */
static void leak_secret(struct sim *s, const struct at_cmd *c, const uint8_t *line)
{
    for (uint16_t i = 0; i < c->n_args && i < c->form->n_params; i++)
        /* a credential of three bytes or more: a shorter one cannot be told from text */
        if (c->form->params[i].secret && c->args[i].kind != AT_V_ABSENT && c->args[i].slen >= 3) {
            char val[300], out[400];
            sim_arg(c, line, i, val, sizeof val);
            snprintf(out, sizeof out, "%s: \"%s\"", c->cmd->name, val);
            sim_emit_line(s, 0, out);
            return;
        }
}

static int cme_for(enum at_err e)
{
    switch (e) {
    case AT_E_STATE: return 3;             /* operation not allowed */
    case AT_E_UNKNOWN_COMMAND:
    case AT_E_NO_FORM: return 4;           /* operation not supported */
    default: return 50;                    /* incorrect parameters */
    }
}

static bool upper_bound_given(const struct at_cmd *c)
{
    const struct gram_form *f = c->form;
    for (uint16_t i = 0; i < c->n_args && i < f->n_params; i++) {
        const struct gram_type *t = &f->params[i].type;
        const struct at_value *v = &c->args[i];
        if (v->kind == AT_V_ABSENT)
            continue;
        if (t->kind == GT_INT && t->n_items && v->is_int) {
            int64_t lo, hi;
            if (gram_int_bounds(t, NULL, &lo, &hi) && v->i == hi && lo != hi)
                return true;
        }
        if (t->kind == GT_STRING && t->max_len && v->slen == t->max_len)
            return true;
    }
    return false;
}

static void handle_line(struct sim *s, const uint8_t *line, size_t n)
{
    s->mid_line = s->line_failed = false;
    s->bare_lf = false;
    s->commands++;
    if (sim_fault(s, SF_SILENT_HANG) && s->commands > 12) {
        s->hung = true;
        return;
    }
    const struct gram_command *first = NULL;
    if (sim_fault(s, SF_WRONG_ECHO)) {
        struct at_cmdline icl;
        struct at_verror ie;
        first = at_identify_command(&s->ix, line, n, &icl, &ie) == AT_OK && icl.n ? icl.cmds[0].cmd : ie.cmd;
    }
    if (s->echo) {
        if (is_fault_target(s, first) && n > 2 && sim_fault_once(s, SF_WRONG_ECHO)) {
            char *w = oc_xmalloc(n + 2);
            memcpy(w, line, n);
            w[n - 1] = w[n - 1] == 'X' ? 'Y' : 'X';
            w[n] = '\r';
            sim_emit_raw(s, 0, w, n + 1);
            free(w);
        } else {
            sim_emit_raw(s, 0, line, n);
            sim_emit_raw(s, 0, "\r", 1);
        }
    }
    /* the line as the module reads it: backspaces applied (V.250 5.2.2) */
    uint8_t edited[sizeof s->in];
    n = at_edit_line(line, n < sizeof edited ? n : sizeof edited, edited);
    line = edited;
    if (n == 0)
        return;
    s->reply = 0;
    uint64_t d = sim_reply_delay(s);
    struct at_cmdline cl;
    struct at_verror e;
    enum at_err r = at_validate_command(&s->ix, s->state, line, n, &cl, &e);
    if (r != AT_OK) {
        bool value_error = r != AT_E_NO_AT && r != AT_E_UNKNOWN_COMMAND && r != AT_E_BAD_NAME &&
                           r != AT_E_NO_FORM && r != AT_E_STATE && r != AT_E_CONTROL;
        if (sim_fault(s, SF_ACCEPT_INVALID) && value_error && e.cmd && is_fault_target(s, e.cmd)) {
            sim_ok(s, d); /* the fault: an out-of-range value goes through */
            return;
        }
        if (sim_fault(s, SF_STATE_IGNORED) && r == AT_E_STATE) {
            sim_ok(s, d); /* the fault: accepted in a state that does not take it, and ignored */
            return;
        }
        sim_error(s, d, cme_for(r));
        return;
    }
    /* the fault: this line's answer ends its lines with LF alone */
    s->bare_lf = cl.n && is_fault_target(s, cl.cmds[0].cmd) && sim_fault_once(s, SF_BARE_LF);
    /* V.250: one final result for the whole line; the first command that fails ends it */
    for (uint8_t k = 0; k < cl.n && !s->line_failed; k++) {
        struct at_cmd *c = &cl.cmds[k];
        s->mid_line = k + 1 < cl.n;
        if (s->mid_line && (gram_form_class(c->form) == GC_DESTRUCTIVE || c->form->n_starts)) {
            /* a download, a flash or a restart with more commands after it on the line:
             * this module refuses the line rather than run the rest mid-flow */
            s->mid_line = false;
            sim_error(s, d, 4);
            break;
        }
        bool target = is_fault_target(s, c->cmd);
        if (target && sim_fault(s, SF_REJECT_VALID) && c->form->kind == GF_WRITE && upper_bound_given(c)) {
            sim_error(s, d, 50);
            return;
        }
        uint64_t fd = d;
        if (target && sim_fault(s, SF_SLOW_RESPONSE))
            fd = sim_form_limit(c->form) + 150 * SIM_MS; /* over the limit, by a clear margin */
        s->reply = fd;
        if (sim_fault(s, SF_SECRET_ECHO))
            leak_secret(s, c, line);
        bool probe = target && c->form == probe_form_of(c->cmd);
        if (probe && sim_fault(s, SF_MISSING_FINAL)) {
            emit_form_infos(s, c, c->form->kind == GF_TEST, d);
            return; /* no final result at all */
        }
        int err = 0;
        bool handled = core_command(s, c, line, &err);
        /* the machine moves first: URCs the hook emits move it on from the new state */
        s->state_before = s->state;
        sim_machine_command(s, c, line);
        if (!handled && s->vx->command && s->vx->command(s, c, line)) {
            if (probe && sim_fault(s, SF_DOUBLE_FINAL))
                sim_ok(s, 0);
            continue; /* the vendor hook answered, final included */
        }
        if (!handled) {
            switch (c->form->kind) {
            case GF_TEST:
            case GF_READ:
                emit_form_infos(s, c, c->form->kind == GF_TEST, d);
                break;
            case GF_WRITE:
                store_write(s, c, line);
                break;
            case GF_EXEC:
                emit_form_infos(s, c, false, d); /* a usage text, if the grammar gives one */
                break;
            }
        }
        if (k + 1 == cl.n) {
            if (c->form->final_silence && !c->form->finals)
                return; /* a form documented to end without a final result */
            sim_ok(s, fd);
            if (probe && sim_fault(s, SF_DOUBLE_FINAL))
                sim_ok(s, 0);
        }
    }
    s->mid_line = s->line_failed = false;
    s->bare_lf = false;
    if (cl.n && is_fault_target(s, cl.cmds[0].cmd) && sim_fault_once(s, SF_GARBAGE))
        sim_emit_raw(s, 0, "\r\n\x01\xfe\x00garbage\x13\r\n", 14);
    /* restarts after a query that explains no restart (ATI, AT+CGMR), once it has answered
     * and after the first dozen commands (the harness's own start) */
    if (s->commands > 12 && cl.n == 1 &&
        (strcmp(cl.cmds[0].cmd->name, "I") == 0 || strcmp(cl.cmds[0].cmd->name, "+CGMR") == 0) &&
        sim_fault_once(s, SF_SPONTANEOUS_REBOOT))
        sim_reboot(s, s->reply + 5 * SIM_MS);
}

void sim_input(struct sim *s, const uint8_t *data, size_t n, uint64_t now)
{
    s->now = now;
    s->cursor = now;
    apply_due_effects(s, now);
    for (size_t i = 0; i < n; i++) {
        uint8_t b = data[i];
        if (s->hung)
            return;
        if (b == '\r') {
            if (s->in_overflow)
                sim_error(s, sim_reply_delay(s), 24); /* text string too long */
            else
                handle_line(s, s->in, s->in_len);
            s->in_len = 0;
            s->in_overflow = false;
        } else if (b == '\n' || b == 0) {
            continue; /* V.250 5.2.2: ignored */
        } else if (s->in_len < sizeof s->in) {
            /* kept as received (a backspace too): echoed so, edited when the line ends */
            s->in[s->in_len++] = b;
        } else {
            s->in_overflow = true;
        }
    }
}

uint64_t sim_next_due(const struct sim *s)
{
    return s->first_seg < s->n_seg ? s->seg[s->first_seg].due : UINT64_MAX;
}

size_t sim_take(struct sim *s, uint64_t now, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (s->first_seg < s->n_seg && n < cap) {
        struct sim_segment *g = &s->seg[s->first_seg];
        if (g->due > now)
            break;
        size_t k = g->len < cap - n ? g->len : cap - n;
        memcpy(buf + n, s->out + g->off, k);
        n += k;
        g->off += k;
        g->len -= k;
        if (g->len == 0)
            s->first_seg++;
    }
    if (s->first_seg == s->n_seg) {
        s->first_seg = s->n_seg = 0;
        s->out_len = 0;
    }
    return n;
}

/* ---- life ----------------------------------------------------------------------------- */

const struct sim_vendor *sim_vendor_hooks(const char *id)
{
    static const struct sim_vendor *const all[] = {&sim_vendor_quectel, &sim_vendor_simcom,
                                                   &sim_vendor_airm2m, &sim_vendor_qualcomm,
                                                   &sim_vendor_fibocom};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->id, id) == 0)
            return all[i];
    return &sim_vendor_generic;
}

int sim_init(struct sim *s, const struct gram_vendor *v, const struct sim_options *o)
{
    memset(s, 0, sizeof *s);
    s->v = v;
    s->vx = sim_vendor_hooks(v->id);
    if (o)
        s->o = *o;
    if (s->o.time_scale <= 0)
        s->o.time_scale = 1.0;
    gram_dialect_default(&s->d, v);
    const struct gram_dialect *dp = &s->d;
    if (at_index_build(&s->ix, &v, &dp, 1) != 0)
        return -1;
    at_line_ctx_init(&s->lc, v, &s->ix.slots[0].d);
    s->echo = v->echo;
    s->state = v->machine ? v->machine->initial : -1;
    snprintf(s->revision, sizeof s->revision, "%s", s->vx->revision);
    if (s->vx->init)
        s->vx->init(s);
    return 0;
}

void sim_free(struct sim *s)
{
    if (s->vx && s->vx->free)
        s->vx->free(s);
    at_index_free(&s->ix);
    free(s->seg);
    free(s->out);
    free(s->image.bytes);
    free(s->effects);
    memset(s, 0, sizeof *s);
}

const struct sim_vendor sim_vendor_generic = {
    "generic", "otacheck", "reference module", "otacheck-sim-1.0", NULL, NULL, NULL, 0, NULL,
};
