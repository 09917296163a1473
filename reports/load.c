/* reports/load.c — a run's results read back into struct rp_results from its results.json
 * document, or from a report directory or file holding it or a results.jsonl stream (read
 * by reports/load_stream.c); every object is read by the one set of conversions in
 * reports/json_model.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "reports/load_internal.h"

/* ---- shared with the stream's reader (reports/load_internal.h) --------------------- */

int rp_load_check_schema(const json_t *o, char *what, size_t n)
{
    const char *schema = json_string_value(json_object_get(o, "schema"));
    if (schema && strcmp(schema, RP_SCHEMA) != 0) {
        snprintf(what, n, "schema \"%.100s\" is not %s", schema, RP_SCHEMA);
        return -1;
    }
    return 0;
}

int rp_load_check_index(const json_t *o, size_t n_targets, char *what, size_t n)
{
    const json_t *ix = json_object_get(o, "index");
    if (ix && (!json_is_integer(ix) || json_integer_value(ix) != (json_int_t)n_targets)) {
        snprintf(what, n, "target index is not %zu (the targets before it: %zu)", n_targets,
                 n_targets);
        return -1;
    }
    return 0;
}

/* Kept as they are: rp_results_add_case would copy every text again to clean it, but what
 * jansson decoded is valid UTF-8 already, and the writers clean what they write
 * (rp_results_copy_clean). */
void rp_load_append_cases(struct rp_results *res, const struct rp_case *c, size_t n)
{
    if (!n)
        return;
    if (res->n_cases + n > res->cap_cases) {
        size_t cap = res->cap_cases ? res->cap_cases : 64;
        while (cap < res->n_cases + n)
            cap *= 2;
        res->cases = oc_xrealloc(res->cases, cap * sizeof *res->cases);
        res->cap_cases = cap;
    }
    memcpy(res->cases + res->n_cases, c, n * sizeof *c);
    res->n_cases += n;
}

/* ---- the document ----------------------------------------------------------------- */

/* A results.json is read value by value: its top-level object by hand (the braces, keys,
 * colons and commas between values), every value by jansson (JSON_DISABLE_EOF_CHECK says how
 * many bytes it took), and the cases one at a time, so that a document of 100 000 cases is
 * never one tree in memory. */
struct doc {
    const char *path;
    const char *buf;
    size_t len, pos;
    char *err;
    size_t errlen;
};

static void skip_ws(struct doc *d)
{
    while (d->pos < d->len && (d->buf[d->pos] == ' ' || d->buf[d->pos] == '\t' ||
                               d->buf[d->pos] == '\n' || d->buf[d->pos] == '\r'))
        d->pos++;
}

/* "PATH: what (line L, column C)", at byte offset at. */
static int doc_bad(struct doc *d, size_t at, const char *what)
{
    unsigned long line = 1, col = 1;
    for (size_t i = 0; i < at && i < d->len; i++, col++)
        if (d->buf[i] == '\n') {
            line++;
            col = 0;
        }
    snprintf(d->err, d->errlen, "%s: %s (line %lu, column %lu)", d->path, what, line, col);
    return -1;
}

/* The next JSON value, at d->pos; NULL with the error said. */
static json_t *doc_value(struct doc *d)
{
    json_error_t je;
    json_t *v = json_loadb(d->buf + d->pos, d->len - d->pos,
                           JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        char what[300];
        snprintf(what, sizeof what, "not JSON: %s", je.text);
        doc_bad(d, d->pos + (size_t)(je.position > 0 ? je.position : 0), what);
        return NULL;
    }
    d->pos += (size_t)je.position;
    return v;
}

/* Expects the byte c (after blanks). */
static int doc_expect(struct doc *d, char c, const char *what)
{
    skip_ws(d);
    if (d->pos < d->len && d->buf[d->pos] == c) {
        d->pos++;
        return 0;
    }
    return doc_bad(d, d->pos, what);
}

static int doc_cases(struct doc *d, struct rp_results *res)
{
    char what[256];
    if (doc_expect(d, '[', "\"cases\" is not an array") != 0)
        return -1;
    for (size_t i = 0;; i++) {
        skip_ws(d);
        if (d->pos < d->len && d->buf[d->pos] == ']') {
            d->pos++;
            return 0;
        }
        if (i && doc_expect(d, ',', "not JSON: ',' or ']' expected in \"cases\"") != 0)
            return -1;
        skip_ws(d);
        size_t at = d->pos;
        json_t *o = doc_value(d);
        if (!o)
            return -1;
        struct rp_case c;
        int rc = 0;
        if (!json_is_object(o)) {
            snprintf(what, sizeof what, "cases[%zu]: not an object", i);
            rc = doc_bad(d, at, what);
        } else if (rp_case_from_json(o, &res->arena, &c, what, sizeof what) != 0) {
            char w2[300];
            snprintf(w2, sizeof w2, "cases[%zu]: %s", i, what);
            rc = doc_bad(d, at, w2);
        } else {
            rp_load_append_cases(res, &c, 1);
        }
        json_decref(o);
        if (rc != 0)
            return -1;
    }
}

/* The top-level object: "cases" read as it comes, the other members kept to the end. */
static int read_document(struct doc *d, struct rp_results *res)
{
    static const char *const keys[] = {"schema", "run", "targets", "summary"};
    json_t *member[4] = {NULL, NULL, NULL, NULL};
    bool have_cases = false;
    int rc = -1;
    char what[256];
    skip_ws(d);
    if (d->pos >= d->len || d->buf[d->pos] != '{') {
        json_t *v = doc_value(d); /* says what is wrong when it is not JSON at all */
        if (v) {
            json_decref(v);
            doc_bad(d, 0, "not an otacheck results document: not a JSON object");
        }
        return -1;
    }
    d->pos++;
    for (size_t n = 0;; n++) {
        skip_ws(d);
        if (d->pos < d->len && d->buf[d->pos] == '}') {
            d->pos++;
            break;
        }
        if (n && doc_expect(d, ',', "not JSON: ',' or '}' expected") != 0)
            goto out;
        skip_ws(d);
        size_t at = d->pos;
        json_t *key = doc_value(d);
        if (!key)
            goto out;
        if (!json_is_string(key)) {
            json_decref(key);
            doc_bad(d, at, "not JSON: a member's name is not a string");
            goto out;
        }
        char name[32];
        snprintf(name, sizeof name, "%s", json_string_value(key));
        json_decref(key);
        if (doc_expect(d, ':', "not JSON: ':' expected") != 0)
            goto out;
        skip_ws(d);
        size_t k = 0;
        while (k < 4 && strcmp(name, keys[k]) != 0)
            k++;
        bool dup = (k < 4 && member[k]) || (strcmp(name, "cases") == 0 && have_cases);
        if (dup) {
            snprintf(what, sizeof what, "not JSON: duplicate member \"%s\"", name);
            doc_bad(d, at, what);
            goto out;
        }
        if (strcmp(name, "cases") == 0) {
            have_cases = true;
            if (doc_cases(d, res) != 0)
                goto out;
            continue;
        }
        json_t *v = doc_value(d);
        if (!v)
            goto out;
        if (k < 4)
            member[k] = v;
        else
            json_decref(v); /* a member this version does not know */
    }
    skip_ws(d);
    if (d->pos != d->len) {
        doc_bad(d, d->pos, "not JSON: text after the document");
        goto out;
    }
    const char *schema = json_string_value(member[0]);
    if (!schema) {
        snprintf(d->err, d->errlen, "%s: no \"schema\" field: not an otacheck results document", d->path);
        goto out;
    }
    if (strcmp(schema, RP_SCHEMA) != 0) {
        snprintf(d->err, d->errlen, "%s: schema \"%.100s\" is not %s", d->path, schema, RP_SCHEMA);
        goto out;
    }
    if (!json_is_object(member[1]) || !json_is_array(member[2]) || !have_cases) {
        snprintf(d->err, d->errlen, "%s: \"run\" is not an object, or \"targets\" or \"cases\" not an array",
                 d->path);
        goto out;
    }
    struct oc_arena scratch;
    oc_arena_init(&scratch, RP_LOAD_SCRATCH_BLOCK);
    struct rp_run r;
    if (rp_run_from_json(member[1], &scratch, &r, what, sizeof what) != 0) {
        snprintf(d->err, d->errlen, "%s: run: %s", d->path, what);
        oc_arena_free(&scratch);
        goto out;
    }
    rp_results_merge_run(res, &r, NULL);
    rc = 0;
    for (size_t i = 0; i < json_array_size(member[2]) && rc == 0; i++) {
        const json_t *o = json_array_get(member[2], i);
        struct rp_target t;
        if (!json_is_object(o)) {
            snprintf(d->err, d->errlen, "%s: targets[%zu]: not an object", d->path, i);
            rc = -1;
        } else if (rp_target_from_json(o, &scratch, &t, what, sizeof what) != 0 ||
                   rp_load_check_index(o, res->n_targets, what, sizeof what) != 0) {
            snprintf(d->err, d->errlen, "%s: targets[%zu]: %s", d->path, i, what);
            rc = -1;
        } else {
            rp_results_add_target(res, &t, NULL);
        }
    }
    oc_arena_free(&scratch);
out:
    for (size_t k = 0; k < 4; k++)
        json_decref(member[k]);
    return rc;
}

int rp_load_document(const char *path, struct rp_results *res, char *err, size_t errlen)
{
    rp_results_init(res);
    struct oc_file_bytes fb;
    if (oc_file_bytes_open(path, &fb, err, errlen) != 0)
        return -1;
    struct doc d = {path, fb.data, fb.len, 0, err, errlen};
    int rc = read_document(&d, res);
    oc_file_bytes_close(&fb);
    if (rc != 0)
        rp_results_free(res);
    return rc;
}

/* ---- either --------------------------------------------------------------------- */

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether the file's first non-blank line is a whole JSON object with a "type": a stream.
 * A file that cannot be opened is left to the loader, which says why. */
static bool looks_like_stream(const char *path)
{
    FILE *f = oc_fopen(path, "rb");
    if (!f)
        return false;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    bool stream = false, empty = true;
    while ((n = oc_getline(&buf, &cap, f)) > 0) {
        size_t len = (size_t)n;
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            len--;
        if (strspn(buf, " \t") >= len)
            continue;
        empty = false;
        json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        stream = json_is_object(o) && json_is_string(json_object_get(o, "type"));
        json_decref(o);
        break;
    }
    free(buf);
    fclose(f);
    return stream || empty; /* an empty file: the stream's reader says "empty" */
}

int rp_load_results(const char *path, struct rp_results *res, char **file,
                    enum rp_load_kind *kind, char *err, size_t errlen)
{
    struct stat st;
    char *chosen = NULL;
    bool stream;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t n = strlen(path) + sizeof "/results.jsonl";
        chosen = oc_xmalloc(n);
        snprintf(chosen, n, "%s/results.json", path);
        stream = false;
        if (!is_file(chosen)) {
            snprintf(chosen, n, "%s/results.jsonl", path);
            stream = true;
            if (!is_file(chosen)) {
                snprintf(err, errlen, "%s: a directory without results.json or results.jsonl", path);
                free(chosen);
                memset(res, 0, sizeof *res);
                return -1;
            }
        }
    } else {
        chosen = oc_xstrdup(path);
        stream = looks_like_stream(path);
    }
    int rc = stream ? rp_load_stream(chosen, res, err, errlen)
                    : rp_load_document(chosen, res, err, errlen);
    if (kind)
        *kind = stream ? RP_LOAD_STREAM : RP_LOAD_DOCUMENT;
    if (rc == 0 && file)
        *file = chosen;
    else
        free(chosen);
    return rc;
}
