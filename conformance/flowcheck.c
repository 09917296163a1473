/* conformance/flowcheck.c — see flowcheck.h. */
#include "conformance/flowcheck.h"
#include "common/xalloc.h"

#include <inttypes.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "grammar/source.h"
#include "parser/classify.h"
#include "parser/validate.h"
#include "parser/verror.h"

#define MS 1000000ull

static void fail(struct cf_flowcheck *fc, enum hx_rule rule, struct gram_src src, const char *expected,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void fail(struct cf_flowcheck *fc, enum hx_rule rule, struct gram_src src, const char *expected,
                 const char *fmt, ...)
{
    if (fc->rule >= 0)
        return; /* the first thing wrong is the verdict */
    fc->rule = (int)rule;
    fc->src = src;
    snprintf(fc->expected, sizeof fc->expected, "%s", expected);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fc->seen, sizeof fc->seen, fmt, ap);
    va_end(ap);
}

static const struct gram_vendor *vendor_of(const struct cf_flowcheck *fc)
{
    return fc->ix->slots[0].v;
}

/* Does the vendor's grammar have a line that announces a restart (RDY)? */
static bool vendor_announces_restarts(const struct gram_vendor *v)
{
    for (uint16_t i = 0; i < v->n_urcs; i++)
        if (v->urcs[i].flags & GLF_BOOT)
            return true;
    return false;
}

/* When no event need come while the image downloads: how long that may take when the
 * capability file does not say (inferred). */
#define DEFAULT_DOWNLOAD_MS 60000u

/* The stall limit a start line gives (its timeout parameter), or the flow's. */
static uint32_t stall_of(const struct cf_flowcheck *fc, const struct gram_flow *f, const char *line)
{
    if (f->stall_param < 0 || !line)
        return f->stall_ms;
    struct at_cmdline cl;
    struct at_verror err;
    if (at_validate_command(fc->ix, -1, (const uint8_t *)line, strlen(line), &cl, &err) != AT_OK || !cl.n)
        return f->stall_ms;
    const struct at_cmd *c = &cl.cmds[cl.n - 1];
    if (c->form != f->start_form || f->stall_param >= c->n_args || !c->args[f->stall_param].is_int)
        return f->stall_ms;
    int64_t v = c->args[f->stall_param].i;
    return v > 0 && v < UINT32_MAX / 200 ? (uint32_t)v * f->stall_factor + f->stall_extra_ms : f->stall_ms;
}

void cf_flow_begin(struct cf_flowcheck *fc, const struct at_index *ix, const struct gram_dialect *d,
                   const struct gram_form *form, const struct gram_flow *flow, const char *line,
                   uint32_t download_ms, uint64_t now)
{
    memset(fc, 0, sizeof *fc);
    fc->ix = ix;
    fc->d = d;
    fc->rule = -1;
    if (flow)
        at_flow_set_start(&fc->set, flow, d);
    else
        at_flow_set_start_form(&fc->set, form, d);
    fc->t_start = fc->t_last = now;
    fc->last_atom = -1;
    fc->next_start = -1;
    const struct gram_flow *f = fc->set.n ? fc->set.runs[0].f : NULL;
    fc->stall_ms = f ? stall_of(fc, f, line) : 0;
    fc->stall_src = f ? gram_src_stall(f) : gram_src_inferred("no flow");
    if (!f || !fc->stall_ms)
        return;
    if (f->stall_param >= 0) {
        /* the module's own timeout bounds the silence only while no data flows: the image's
         * transfer comes on top (its time from the capability file, or inferred) */
        fc->stall_ms += download_ms ? download_ms : DEFAULT_DOWNLOAD_MS;
        if (!download_ms)
            fc->stall_src = gram_src_inferred("the module's own timeout, plus a minute for the image: the capability "
                                              "file gives neither its size nor the link's speed (image-size, "
                                              "link-speed)");
    } else if (download_ms && !gram_src_binding(fc->stall_src)) {
        /* an inferred stall is tied to what decides it: the download's time */
        fc->stall_ms = download_ms + 30000;
        fc->stall_src = gram_src_inferred("the image's transfer time at the link's speed (capability file "
                                          "image-size, link-speed), and 30 s");
    }
}

void cf_flow_free(struct cf_flowcheck *fc)
{
    free(fc->data);
    fc->data = NULL;
}

bool cf_flow_started(const struct cf_flowcheck *fc)
{
    return at_flow_set_started(&fc->set);
}

/* The flow the checks and limits are read from: the first alternative still running. */
static const struct gram_flow *current(const struct cf_flowcheck *fc)
{
    return fc->set.n ? fc->set.runs[0].f : NULL;
}

static void announce(struct cf_flowcheck *fc, const struct at_result *r, const uint8_t *line)
{
    for (int k = 0; k < fc->set.n; k++) {
        const struct gram_flow *f = fc->set.runs[k].f;
        for (uint16_t i = 0; i < f->n_checks; i++) {
            const struct gram_flow_check *ck = &f->checks[i];
            if (ck->kind == GCK_NONDECREASING || ck->kind == GCK_FIRST || ck->kind == GCK_STEP)
                continue;
            if (!ck->urc || ck->urc->tpl.ops != r->line->tpl.ops || ck->field < 0 || ck->field >= r->n_fields)
                continue;
            if (!gram_guard_ok(fc->d, ck->guard) || fc->n_announced == CF_FLOW_MAX_ANNOUNCED)
                continue;
            const struct at_value *v = &r->fields[ck->field];
            if (v->kind == AT_V_ABSENT)
                continue; /* an optional digest not sent (SHA256 when not asked for) */
            char *out = fc->announced[fc->n_announced].value;
            size_t n = at_value_decode(line, v, fc->ix->slots[0].v->escapes, (uint8_t *)out, 95);
            out[n < 95 ? n : 95] = '\0';
            fc->announced[fc->n_announced++].ck = ck;
        }
    }
}

/* Where the order of the flow's events comes from. */
static struct gram_src order_src(const struct cf_flowcheck *fc)
{
    const struct gram_flow *f = current(fc);
    return f ? gram_src_flow(f, vendor_of(fc)) : gram_src_vendor(vendor_of(fc));
}

/* Where "never decreases" comes from: the flow's nondecreasing check. */
static struct gram_src decrease_src(const struct cf_flowcheck *fc)
{
    const struct gram_flow *f = current(fc);
    for (uint16_t i = 0; f && i < f->n_checks; i++)
        if (f->checks[i].kind == GCK_NONDECREASING && gram_guard_ok(fc->d, f->checks[i].guard))
            return gram_src_check(f, &f->checks[i], vendor_of(fc));
    return gram_src_inferred("no document says the value never goes down");
}

bool cf_flow_event(struct cf_flowcheck *fc, const struct hx_event *e)
{
    if (e->cls != AT_CLS_URC && !e->reboot)
        return false;
    struct at_result r;
    at_classify_line(fc->ix, NULL, (const uint8_t *)e->text, e->len, &r);
    const struct gram_line *urc = r.cls == AT_CLS_URC ? r.line : NULL;
    if (urc && !r.valid) {
        /* an event of the flow that breaks its own grammar */
        bool ours = false;
        for (int k = 0; k < fc->set.n; k++)
            ours |= at_flow_atom_of_urc(fc->set.runs[k].f, urc) >= 0;
        if (ours) {
            char msg[300];
            at_verror_format(&r.err, fc->d, msg, sizeof msg);
            fail(fc, HR_RESPONSE_SYNTAX, at_verror_src(&r.err), urc->tpl.text, "\"%.120s\": %s", e->text, msg);
            return true;
        }
        return false;
    }
    char problem[400] = "";
    enum at_flowset_result res = at_flow_set_event(&fc->set, urc, urc ? r.fields : NULL, problem, sizeof problem);
    if (res == AT_FS_IGNORED)
        return false;
    char exp[300];
    switch (res) {
    case AT_FS_ORDER:
        fail(fc, HR_FLOW_ORDER, order_src(fc), at_flow_set_expected(&fc->set, exp, sizeof exp), "%s", problem);
        break;
    case AT_FS_DECREASE:
        fail(fc, HR_FLOW_FIELDS, decrease_src(fc), "a value that never decreases", "%s", problem);
        break;
    default:
        break;
    }
    fc->events++;
    fc->t_last = e->t_last;
    fc->last_event = urc;
    const struct gram_flow *f = current(fc);
    fc->last_atom = f ? (urc ? at_flow_atom_of_urc(f, urc) : at_flow_atom_reboot(f)) : -1;
    if (urc)
        announce(fc, &r, (const uint8_t *)e->text);
    return true;
}

void cf_flow_exchange(struct cf_flowcheck *fc, const struct hx_session *s, const struct hx_exchange *x)
{
    if (!x->form || x->final_ev < 0 || !x->payload_len)
        return;
    const struct hx_event *fin = &s->ev[x->final_ev];
    if (!fin->line || fin->line->outcome != GO_OK)
        return;
    struct at_cmdline cl;
    struct at_verror err;
    if (at_validate_command(fc->ix, -1, (const uint8_t *)x->cmd, strlen(x->cmd), &cl, &err) != AT_OK)
        return;
    const struct at_cmd *c = &cl.cmds[cl.n - 1];
    const struct gram_flow *f = current(fc);
    for (uint16_t i = 0; f && i < f->n_checks; i++) {
        const struct gram_flow_check *ck = &f->checks[i];
        if ((ck->kind != GCK_FIRST && ck->kind != GCK_STEP) || ck->form != c->form || ck->param < 0 ||
            ck->param >= c->n_args || !c->args[ck->param].is_int || !gram_guard_ok(fc->d, ck->guard))
            continue;
        int64_t v = c->args[ck->param].i;
        if (ck->kind == GCK_FIRST && fc->reads == 0) {
            bool ok = false;
            char allowed[96] = "";
            size_t o = 0;
            for (uint8_t k = 0; k < ck->n_values; k++) {
                if (!gram_guard_ok(fc->d, ck->value_guards[k]))
                    continue;
                ok |= v == ck->values[k];
                o += (size_t)snprintf(allowed + o, sizeof allowed - o, "%s%" PRId64, o ? " or " : "", ck->values[k]);
                if (o >= sizeof allowed)
                    break;
            }
            if (!ok)
                fail(fc, HR_FLOW_INTEGRITY, gram_src_check(f, ck, vendor_of(fc)), ck->text,
                     "the first read starts at %" PRId64 ", not %s", v, allowed);
        }
        if (ck->kind == GCK_STEP && fc->next_start >= 0 && v != fc->next_start)
            fail(fc, HR_FLOW_INTEGRITY, gram_src_check(f, ck, vendor_of(fc)), ck->text,
                 "a read starts at %" PRId64 "; the one before ended at %" PRId64, v, fc->next_start);
    }
    /* the data, in the order it was read; the next read should start where it ends */
    if (fc->data_len + x->payload_len > fc->data_cap) {
        size_t cap = fc->data_cap ? fc->data_cap : 65536;
        while (cap < fc->data_len + x->payload_len)
            cap *= 2;
        fc->data = oc_xrealloc(fc->data, cap);
        fc->data_cap = cap;
    }
    memcpy(fc->data + fc->data_len, x->payload, x->payload_len);
    fc->data_len += x->payload_len;
    fc->reads++;
    for (uint16_t i = 0; f && i < f->n_checks; i++) {
        const struct gram_flow_check *ck = &f->checks[i];
        if (ck->kind == GCK_STEP && ck->form == c->form && ck->param >= 0 && ck->param < c->n_args &&
            c->args[ck->param].is_int)
            fc->next_start = c->args[ck->param].i + (int64_t)x->payload_len;
    }
}

/* At an end where more may still come: how long the flow waits for it. The grammar's
 * 'settle' is how long a late event (a restart that applies the firmware) may take; the
 * wait is at most 1 s of quiet, and the runner takes what comes later as the flow's
 * (cf_flow_late_ms). */
static uint64_t settle_ns(const struct gram_flow *f)
{
    uint64_t ms = f && f->settle_ms ? f->settle_ms : 1000;
    return (ms < 1000 ? ms : 1000) * MS;
}

uint32_t cf_flow_late_ms(const struct cf_flowcheck *fc)
{
    const struct gram_flow *f = current(fc);
    if (!f || !fc->events || at_flow_set_finished(&fc->set))
        return 0;
    return f->settle_ms ? f->settle_ms : 2000;
}

/* The "after X within T" limit that applies after the last event, ns (0: none); its
 * source into src when asked. */
static uint64_t after_limit(const struct cf_flowcheck *fc, struct gram_src *src)
{
    const struct gram_flow *f = current(fc);
    uint64_t best = 0;
    for (uint16_t i = 0; f && i < f->n_limits; i++) {
        const struct gram_flow_limit *l = &f->limits[i];
        if (l->atom == fc->last_atom || (l->atom < 0 && fc->events)) {
            uint64_t t = (uint64_t)l->ms * MS;
            if (!best || t < best) {
                best = t;
                if (src)
                    *src = gram_src_limit(l);
            }
        }
    }
    return best;
}

enum cf_flow_state cf_flow_tick(struct cf_flowcheck *fc, uint64_t now)
{
    if (fc->rule >= 0)
        return CF_FLOW_FAILED;
    const struct gram_flow *f = current(fc);
    if (!f)
        return CF_FLOW_DONE;
    uint64_t quiet = now - fc->t_last;
    bool can_end = at_flow_set_can_end(&fc->set);
    /* at an end after which nothing can come: done; at an end where more may come (a
     * restart after COMPLETE), or before any event when the command promises none: done
     * after the settle time */
    if (fc->events && at_flow_set_finished(&fc->set))
        return CF_FLOW_DONE;
    /* only a restart may come, and this vendor announces none: nothing to wait for */
    if (fc->events && !vendor_announces_restarts(vendor_of(fc)) && at_flow_set_only_restart_next(&fc->set))
        return CF_FLOW_DONE;
    if (can_end && quiet >= settle_ns(f))
        return CF_FLOW_DONE;
    char exp[300];
    at_flow_set_expected(&fc->set, exp, sizeof exp);
    struct gram_src lsrc = gram_src_inferred("no document gives this time limit");
    uint64_t after = after_limit(fc, &lsrc);
    if (!can_end && after && quiet > after) {
        fail(fc, HR_FLOW_END, lsrc, exp, "nothing came for %.1f s after %s (limit %.1f s)", (double)quiet / 1e9,
             fc->last_event ? fc->last_event->name : "the restart", (double)after / 1e9);
        return CF_FLOW_FAILED;
    }
    if (!can_end && fc->stall_ms && quiet > (uint64_t)fc->stall_ms * MS) {
        if (!fc->events)
            fail(fc, HR_FLOW_END, fc->stall_src, exp, "no event of the flow came within %.1f s",
                 fc->stall_ms / 1000.0);
        else
            fail(fc, HR_FLOW_END, fc->stall_src, exp, "the flow stopped after %s: nothing for %.1f s",
                 fc->last_event ? fc->last_event->name : "a restart", fc->stall_ms / 1000.0);
        return CF_FLOW_FAILED;
    }
    if (f->total_ms && now - fc->t_start > (uint64_t)f->total_ms * MS) {
        fail(fc, HR_FLOW_END, gram_src_total(f), exp, "the flow took more than its %u s", f->total_ms / 1000);
        return CF_FLOW_FAILED;
    }
    return CF_FLOW_RUNNING;
}

uint64_t cf_flow_wait(const struct cf_flowcheck *fc, uint64_t now)
{
    const struct gram_flow *f = current(fc);
    if (!f || fc->rule >= 0)
        return 0;
    uint64_t cands[4] = {0};
    unsigned n = 0;
    if (at_flow_set_can_end(&fc->set))
        cands[n++] = fc->t_last + settle_ns(f);
    uint64_t after = after_limit(fc, NULL);
    if (after)
        cands[n++] = fc->t_last + after + 1;
    if (fc->stall_ms)
        cands[n++] = fc->t_last + (uint64_t)fc->stall_ms * MS + 1;
    if (f->total_ms)
        cands[n++] = fc->t_start + (uint64_t)f->total_ms * MS + 1;
    uint64_t until = now + 60000 * MS;
    for (unsigned i = 0; i < n; i++)
        if (cands[i] < until)
            until = cands[i];
    return until > now ? until - now : 0;
}

static void hex_digest(const EVP_MD *md, const uint8_t *p, size_t n, char *out)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(p, n, d, &len, md, NULL);
    for (unsigned i = 0; i < len; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
    out[2 * len] = '\0';
}

static void check_data(struct cf_flowcheck *fc)
{
    const struct gram_flow *f = current(fc);
    for (unsigned i = 0; i < fc->n_announced && fc->rule < 0; i++) {
        const struct gram_flow_check *ck = fc->announced[i].ck;
        const char *want = fc->announced[i].value;
        char got[160];
        switch (ck->kind) {
        case GCK_SIZE:
            snprintf(got, sizeof got, "%zu", fc->data_len);
            if (strtoull(want, NULL, 10) != fc->data_len)
                fail(fc, HR_FLOW_INTEGRITY, gram_src_check(f, ck, vendor_of(fc)), ck->text, "%s bytes announced, %zu read",
                     want, fc->data_len);
            break;
        case GCK_MD5:
            hex_digest(EVP_md5(), fc->data, fc->data_len, got);
            if (strcasecmp(got, want) != 0)
                fail(fc, HR_FLOW_INTEGRITY, gram_src_check(f, ck, vendor_of(fc)), ck->text,
                     "MD5 announced %s, of the %zu bytes read %s", want, fc->data_len, got);
            break;
        case GCK_SHA256:
            hex_digest(EVP_sha256(), fc->data, fc->data_len, got);
            if (strcasecmp(got, want) != 0)
                fail(fc, HR_FLOW_INTEGRITY, gram_src_check(f, ck, vendor_of(fc)), ck->text,
                     "SHA-256 announced %s, of the %zu bytes read %s", want, fc->data_len, got);
            break;
        case GCK_CRC32: {
            uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), fc->data, (uInt)fc->data_len);
            if (strtoull(want, NULL, 10) != crc)
                fail(fc, HR_FLOW_INTEGRITY, gram_src_check(f, ck, vendor_of(fc)), ck->text,
                     "CRC-32 announced %s, of the %zu bytes read %u", want, fc->data_len, crc);
            break;
        }
        default:
            break;
        }
    }
}

void cf_flow_finish(struct cf_flowcheck *fc, bool want_ok)
{
    if (fc->rule >= 0)
        return;
    char exp[300];
    at_flow_set_expected(&fc->set, exp, sizeof exp);
    const struct gram_flow *f = current(fc);
    if (!fc->events && !at_flow_set_can_end(&fc->set)) {
        fail(fc, HR_FLOW_END, order_src(fc), exp, "no event of the flow came");
        return;
    }
    if (!at_flow_set_can_end(&fc->set)) {
        fail(fc, HR_FLOW_END, order_src(fc), exp, "the flow stopped after %s",
             fc->last_event ? fc->last_event->name : "a restart");
        return;
    }
    if (fc->reads)
        check_data(fc);
    if (want_ok && fc->rule < 0 && at_flow_set_outcome(&fc->set) == GO_ERROR)
        fail(fc, HR_FLOW_OUTCOME, f ? gram_src_flow(f, vendor_of(fc)) : order_src(fc),
             "the flow ends in success with the settings of a staged upgrade",
             "it ended in failure: %s", fc->last_event ? fc->last_event->name : "?");
    if (want_ok && fc->rule < 0 && !fc->events)
        fail(fc, HR_FLOW_OUTCOME, order_src(fc), "the flow ends in success with the settings of a staged upgrade",
             "no event of the flow came (nothing was offered)");
}
