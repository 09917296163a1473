/* reports/json_model.c — the run, a target and a case as JSON objects, both ways, with
 * jansson: one definition of the fields (reports/SCHEMA.md) for the results.jsonl stream,
 * results.json and the rebuild of a killed run from its stream. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_internal.h"

/* ---- to JSON ---------------------------------------------------------------------- */

/* A text; absent (NULL) and empty ("") are both null: SCHEMA.md, "absent texts are null,
 * never \"\"" (the runner gives "" for a PASS's reason, expected and seen, an N/A's
 * transcript and an unknown command's command). */
static json_t *jstr(const char *s)
{
    json_t *v = s && *s ? json_string(s) : NULL;
    return v ? v : json_null(); /* invalid UTF-8 cannot reach here: rp_clean fixed it */
}

/* Milliseconds rounded to the microsecond (so that 0.012 is written "0.012"). */
static json_t *jms(double ms)
{
    if (!isfinite(ms))
        return json_null();
    /* rounded by arithmetic (a printf and strtod per number were a tenth of the writer's
     * time on a big run); jansson writes the nearest double in 15 digits: "0.012" */
    double r = nearbyint(ms * 1000.0) / 1000.0;
    return json_real(fabs(r) < 1e15 ? r : ms);
}

static void set(json_t *o, const char *key, json_t *v)
{
    json_object_set_new(o, key, v ? v : json_null());
}

json_t *rp_run_to_json(const struct rp_run *run)
{
    json_t *o = json_object();
    set(o, "tool_version", jstr(run->tool_version));
    set(o, "tool_commit", jstr(run->tool_commit));
    set(o, "command_line", jstr(run->command_line));
    set(o, "host", jstr(run->host));
    set(o, "started_at", jstr(run->started_at));
    set(o, "finished_at", jstr(run->finished_at));
    set(o, "interrupted", json_boolean(run->interrupted));
    set(o, "stopped_because", jstr(run->stopped_because));
    set(o, "verdict", jstr(run->verdict));
    return o;
}

json_t *rp_target_to_json(const struct rp_target *t, unsigned index)
{
    json_t *o = json_object();
    set(o, "index", json_integer(index));
    set(o, "vendor", jstr(t->vendor));
    set(o, "vendor_name", jstr(t->vendor_name));
    set(o, "spec", jstr(t->spec));
    set(o, "manufacturer", jstr(t->manufacturer));
    set(o, "model", jstr(t->model));
    set(o, "revision", jstr(t->revision));
    set(o, "imei", jstr(t->imei));
    set(o, "grammar_source", jstr(t->grammar_source));
    set(o, "grammar_revision", json_integer(t->grammar_revision));
    set(o, "dialect", jstr(t->dialect));
    set(o, "caps_file", jstr(t->caps_file));
    set(o, "caps_note", jstr(t->caps_note));
    set(o, "grammar_sha256", jstr(t->grammar_sha256));
    set(o, "caps_sha256", jstr(t->caps_sha256));
    set(o, "clock", jstr(t->clock));
    set(o, "destructive_allowed", json_boolean(t->destructive_allowed));
    set(o, "overhead_ms", t->overhead_ms < 0 ? json_null() : jms(t->overhead_ms));
    return o;
}

json_t *rp_case_to_json(const struct rp_case *c)
{
    json_t *o = json_object();
    set(o, "id", jstr(c->id));
    set(o, "suite", jstr(c->suite));
    set(o, "name", jstr(c->name));
    set(o, "vendor", jstr(c->vendor));
    set(o, "command", jstr(c->command));
    /* "none" (the runner's word for a line that is no form of its command: an unknown
     * command, a form the command lacks) is no form: null, as SCHEMA.md says */
    set(o, "form", jstr(c->form && strcmp(c->form, "none") == 0 ? NULL : c->form));
    set(o, "verdict", json_string(rp_verdict_name(c->verdict)));
    set(o, "rule", jstr(c->rule));
    set(o, "reason", jstr(c->reason));
    set(o, "expected", jstr(c->expected));
    set(o, "seen", jstr(c->seen));
    set(o, "source_kind", jstr(c->source_kind));
    set(o, "source", jstr(c->source));
    set(o, "others", jstr(c->others));
    set(o, "latency_ms", c->latency_ms < 0 ? json_null() : jms(c->latency_ms));
    set(o, "first_byte_ms", c->first_byte_ms < 0 ? json_null() : jms(c->first_byte_ms));
    set(o, "limit_ms", c->limit_ms <= 0 ? json_null() : jms(c->limit_ms));
    set(o, "duration_ms", c->duration_ms < 0 ? json_null() : jms(c->duration_ms));
    set(o, "transcript", jstr(c->transcript));
    set(o, "target", json_integer(c->target));
    json_t *steps = json_array();
    for (size_t i = 0; i < c->n_steps; i++) {
        const struct rp_step *st = &c->steps[i];
        json_t *j = json_object();
        set(j, "kind", json_string(st->event ? "event" : "exchange"));
        set(j, "t_ms", jms(st->t_ms));
        set(j, "text", jstr(st->text));
        set(j, "command", jstr(st->command));
        set(j, "form", jstr(st->form && strcmp(st->form, "none") == 0 ? NULL : st->form));
        set(j, "latency_ms", st->latency_ms < 0 ? json_null() : jms(st->latency_ms));
        set(j, "limit_ms", st->limit_ms <= 0 ? json_null() : jms(st->limit_ms));
        set(j, "failed", json_boolean(st->failed));
        json_array_append_new(steps, j);
    }
    set(o, "steps", steps);
    set(o, "steps_dropped", json_integer((json_int_t)c->n_steps_dropped));
    set(o, "stall_limit_ms", c->stall_limit_ms <= 0 ? json_null() : jms(c->stall_limit_ms));
    set(o, "total_limit_ms", c->total_limit_ms <= 0 ? json_null() : jms(c->total_limit_ms));
    return o;
}

json_t *rp_summary_to_json(struct rp_counts k)
{
    json_t *o = json_object();
    set(o, "total", json_integer(k.total));
    set(o, "pass", json_integer(k.pass));
    set(o, "fail", json_integer(k.fail));
    set(o, "na", json_integer(k.na));
    set(o, "error", json_integer(k.error));
    set(o, "warn", json_integer(k.warn));
    return o;
}

/* ---- from JSON -------------------------------------------------------------------- */

/* A string field: absent or null gives NULL. */
static int get_str(const json_t *o, const char *key, struct oc_arena *a, const char **out,
                   char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        snprintf(err, errlen, "field '%s' is not a string", key);
        return -1;
    }
    *out = oc_arena_strndup(a, json_string_value(v), json_string_length(v));
    return 0;
}

/* A number field: absent or null gives dflt. */
static int get_num(const json_t *o, const char *key, double dflt, double *out, char *err,
                   size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    *out = dflt;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_number(v)) {
        snprintf(err, errlen, "field '%s' is not a number", key);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int get_uint(const json_t *o, const char *key, unsigned *out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    *out = 0;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        json_integer_value(v) > (json_int_t)0xFFFFFFFFu) {
        snprintf(err, errlen, "field '%s' is not an unsigned integer", key);
        return -1;
    }
    *out = (unsigned)json_integer_value(v);
    return 0;
}

static int get_bool(const json_t *o, const char *key, bool *out, char *err, size_t errlen)
{
    const json_t *v = json_object_get(o, key);
    *out = false;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v)) {
        snprintf(err, errlen, "field '%s' is not true or false", key);
        return -1;
    }
    *out = json_is_true(v);
    return 0;
}

int rp_run_from_json(const json_t *o, struct oc_arena *a, struct rp_run *out, char *err,
                     size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (get_str(o, "tool_version", a, &out->tool_version, err, errlen) ||
        get_str(o, "command_line", a, &out->command_line, err, errlen) ||
        get_str(o, "host", a, &out->host, err, errlen) ||
        get_str(o, "started_at", a, &out->started_at, err, errlen) ||
        get_str(o, "finished_at", a, &out->finished_at, err, errlen) ||
        get_bool(o, "interrupted", &out->interrupted, err, errlen) ||
        get_str(o, "stopped_because", a, &out->stopped_because, err, errlen) ||
        get_str(o, "tool_commit", a, &out->tool_commit, err, errlen) ||
        get_str(o, "verdict", a, &out->verdict, err, errlen))
        return -1;
    return 0;
}

int rp_target_from_json(const json_t *o, struct oc_arena *a, struct rp_target *out, char *err,
                        size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (get_str(o, "vendor", a, &out->vendor, err, errlen) ||
        get_str(o, "vendor_name", a, &out->vendor_name, err, errlen) ||
        get_str(o, "spec", a, &out->spec, err, errlen) ||
        get_str(o, "manufacturer", a, &out->manufacturer, err, errlen) ||
        get_str(o, "model", a, &out->model, err, errlen) ||
        get_str(o, "revision", a, &out->revision, err, errlen) ||
        get_str(o, "imei", a, &out->imei, err, errlen) ||
        get_str(o, "grammar_source", a, &out->grammar_source, err, errlen) ||
        get_uint(o, "grammar_revision", &out->grammar_revision, err, errlen) ||
        get_str(o, "dialect", a, &out->dialect, err, errlen) ||
        get_str(o, "caps_file", a, &out->caps_file, err, errlen) ||
        get_str(o, "caps_note", a, &out->caps_note, err, errlen) ||
        get_str(o, "grammar_sha256", a, &out->grammar_sha256, err, errlen) ||
        get_str(o, "caps_sha256", a, &out->caps_sha256, err, errlen) ||
        get_str(o, "clock", a, &out->clock, err, errlen) ||
        get_bool(o, "destructive_allowed", &out->destructive_allowed, err, errlen) ||
        get_num(o, "overhead_ms", -1, &out->overhead_ms, err, errlen))
        return -1;
    return 0;
}

static int get_verdict(const json_t *o, enum rp_verdict *out, char *err, size_t errlen)
{
    const char *s = json_string_value(json_object_get(o, "verdict"));
    static const enum rp_verdict all[] = {RP_PASS, RP_FAIL, RP_NA, RP_ERROR, RP_WARN};
    for (size_t i = 0; s && i < sizeof all / sizeof all[0]; i++)
        if (strcmp(s, rp_verdict_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    snprintf(err, errlen,
             "field 'verdict' is not one of \"PASS\", \"FAIL\", \"N/A\", \"ERROR\", \"WARN\"");
    return -1;
}

/* A case's "steps": absent or null gives none; past RP_MAX_STEPS they are counted as
 * dropped. */
static int get_steps(const json_t *o, struct oc_arena *a, struct rp_case *out, char *err,
                     size_t errlen)
{
    const json_t *v = json_object_get(o, "steps");
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_array(v)) {
        snprintf(err, errlen, "field 'steps' is not an array");
        return -1;
    }
    size_t n = json_array_size(v), keep = n > RP_MAX_STEPS ? RP_MAX_STEPS : n;
    struct rp_step *st = keep ? OC_ARENA_ARRAY(a, struct rp_step, keep) : NULL;
    for (size_t i = 0; i < keep; i++) {
        const json_t *j = json_array_get(v, i);
        struct rp_step *d = &st[i];
        memset(d, 0, sizeof *d);
        const char *kind = json_string_value(json_object_get(j, "kind"));
        if (!json_is_object(j) || !kind || (strcmp(kind, "event") && strcmp(kind, "exchange"))) {
            snprintf(err, errlen, "steps[%zu]: not an object with 'kind' \"exchange\" or \"event\"", i);
            return -1;
        }
        d->event = strcmp(kind, "event") == 0;
        char e2[200];
        if (get_num(j, "t_ms", 0, &d->t_ms, e2, sizeof e2) ||
            get_str(j, "text", a, &d->text, e2, sizeof e2) ||
            get_str(j, "command", a, &d->command, e2, sizeof e2) ||
            get_str(j, "form", a, &d->form, e2, sizeof e2) ||
            get_num(j, "latency_ms", -1, &d->latency_ms, e2, sizeof e2) ||
            get_num(j, "limit_ms", 0, &d->limit_ms, e2, sizeof e2) ||
            get_bool(j, "failed", &d->failed, e2, sizeof e2)) {
            snprintf(err, errlen, "steps[%zu]: %s", i, e2);
            return -1;
        }
    }
    out->steps = st;
    out->n_steps = keep;
    out->n_steps_dropped += n - keep;
    return 0;
}

int rp_case_from_json(const json_t *o, struct oc_arena *a, struct rp_case *out, char *err,
                      size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (get_str(o, "id", a, &out->id, err, errlen) ||
        get_str(o, "suite", a, &out->suite, err, errlen) ||
        get_str(o, "name", a, &out->name, err, errlen) ||
        get_str(o, "vendor", a, &out->vendor, err, errlen) ||
        get_str(o, "command", a, &out->command, err, errlen) ||
        get_str(o, "form", a, &out->form, err, errlen) ||
        get_verdict(o, &out->verdict, err, errlen) ||
        get_str(o, "rule", a, &out->rule, err, errlen) ||
        get_str(o, "reason", a, &out->reason, err, errlen) ||
        get_str(o, "expected", a, &out->expected, err, errlen) ||
        get_str(o, "seen", a, &out->seen, err, errlen) ||
        get_str(o, "source_kind", a, &out->source_kind, err, errlen) ||
        get_str(o, "source", a, &out->source, err, errlen) ||
        get_str(o, "others", a, &out->others, err, errlen) ||
        get_num(o, "latency_ms", -1, &out->latency_ms, err, errlen) ||
        get_num(o, "first_byte_ms", -1, &out->first_byte_ms, err, errlen) ||
        get_num(o, "limit_ms", 0, &out->limit_ms, err, errlen) ||
        get_num(o, "duration_ms", 0, &out->duration_ms, err, errlen) ||
        get_str(o, "transcript", a, &out->transcript, err, errlen) ||
        get_uint(o, "target", &out->target, err, errlen) ||
        get_num(o, "stall_limit_ms", 0, &out->stall_limit_ms, err, errlen) ||
        get_num(o, "total_limit_ms", 0, &out->total_limit_ms, err, errlen))
        return -1;
    unsigned dropped;
    if (get_uint(o, "steps_dropped", &dropped, err, errlen))
        return -1;
    out->n_steps_dropped = dropped;
    return get_steps(o, a, out, err, errlen);
}
