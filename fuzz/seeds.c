/* fuzz/seeds.c — dictionaries, options and seed corpora of the fuzz targets, made from the
 * grammar (see seeds.h). Everything written here is a pure function of the grammar, so the
 * checked-in copies can be compared with a fresh run. */
#include "fuzz/seeds.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fileio.h"
#include "grammar/load.h"
#include "parser/classify.h"
#include "parser/gen.h"
#include "parser/index.h"

static const struct fz_target_info targets[] = {
    {"framer", "module output of all five vendors: framer, classifier, response validator", 4096, 10},
    {"payload", "Quectel output with +QIOTOTARD binary blocks: the framer's payload mode", 8192, 10},
    {"command", "command lines: the command-line validator, identifier and masker", 4096, 10},
    {"response", "a command in flight and response lines: classifier, validator, renderer, masker", 4096, 10},
    {"grammar", "grammar text: the loader, lint, index and case generator", 65536, 20},
    {"session", "command sequences to the in-process reference module, checked by the harness", 4096, 20},
};

const struct fz_target_info *fz_targets(size_t *n)
{
    *n = sizeof targets / sizeof targets[0];
    return targets;
}

const struct fz_target_info *fz_target_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (strcmp(targets[i].name, name) == 0)
            return &targets[i];
    return NULL;
}

static bool is(const struct fz_target_info *t, const char *name)
{
    return strcmp(t->name, name) == 0;
}

/* ---- dictionaries ---------------------------------------------------------------------- */

struct dict {
    FILE *out;
    uint64_t seen[4096];
    int n;
    int count;
};

static void dict_put(struct dict *dc, const char *s, size_t n)
{
    if (n == 0 || n > 128)
        return;
    uint64_t h = at_hash((const uint8_t *)s, n);
    for (int i = 0; i < dc->n; i++)
        if (dc->seen[i] == h)
            return;
    if (dc->n < (int)(sizeof dc->seen / sizeof dc->seen[0]))
        dc->seen[dc->n++] = h;
    fprintf(dc->out, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(dc->out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            fprintf(dc->out, "\\x%02x", c);
        else
            fputc(c, dc->out);
    }
    fprintf(dc->out, "\"\n");
    dc->count++;
}

static void dict_str(struct dict *dc, const char *s)
{
    dict_put(dc, s, strlen(s));
}

static void dict_int(struct dict *dc, int64_t x)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRId64, x);
    dict_str(dc, b);
}

static void dict_type(struct dict *dc, const struct gram_type *t)
{
    char b[300];
    switch (t->kind) {
    case GT_INT:
    case GT_MASK:
        for (uint16_t i = 0; i < t->n_items; i++) {
            const struct gram_int_item *it = &t->ints[i];
            int64_t lo = t->kind == GT_MASK ? (int64_t)1 << it->lo : it->lo;
            if (lo != INT64_MIN) {
                dict_int(dc, lo);
                if (lo > INT64_MIN + 1)
                    dict_int(dc, lo - 1);
            }
            if (t->kind == GT_INT && it->hi != INT64_MAX && it->hi != it->lo) {
                dict_int(dc, it->hi);
                dict_int(dc, it->hi + 1);
            }
        }
        break;
    case GT_ENUM:
        for (uint16_t i = 0; i < t->n_items; i++) {
            snprintf(b, sizeof b, "\"%s\"", t->enums[i].text);
            dict_str(dc, b);
            dict_str(dc, t->enums[i].text);
        }
        break;
    case GT_STRING:
        if (t->max_len)
            dict_int(dc, t->max_len);
        break;
    default:
        break;
    }
}

static void dict_template(struct dict *dc, const struct gram_template *t)
{
    for (uint16_t i = 0; i < t->n_ops; i++)
        if (t->ops[i].kind == TPL_LIT) {
            dict_put(dc, t->lits + t->ops[i].b, t->ops[i].a);
            if (i + 1 < t->n_ops && t->ops[i + 1].kind == TPL_CSPACE) {
                /* with the space after the colon, as most modules send it */
                char b[160];
                if ((size_t)t->ops[i].a + 2 < sizeof b) {
                    memcpy(b, t->lits + t->ops[i].b, t->ops[i].a);
                    b[t->ops[i].a] = ' ';
                    dict_put(dc, b, t->ops[i].a + 1u);
                }
            }
        }
    for (uint16_t i = 0; i < t->n_fields; i++)
        dict_type(dc, &t->fields[i].type);
}


static void dict_commands(struct dict *dc, const struct gram_vendor *const *vs, size_t n)
{
    static const char *const fixed[] = {"AT", "at", "AT+", "=?", "?", "=", ",", ";", "\"",
                                        "\\22", "\\5C", "\\", "-", "99999999999999999999",
                                        "-9223372036854775808", "4294967296"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        dict_str(dc, fixed[i]);
    for (size_t k = 0; k < n; k++) {
        const struct gram_vendor *v = vs[k];
        for (uint16_t i = 0; i < v->n_commands; i++) {
            const struct gram_command *c = &v->commands[i];
            if (!c->empty)
                dict_str(dc, c->name);
            for (uint16_t j = 0; j < c->n_forms; j++)
                for (uint16_t p = 0; p < c->forms[j].n_params; p++)
                    dict_type(dc, &c->forms[j].params[p].type);
        }
    }
}

static void dict_responses(struct dict *dc, const struct gram_vendor *const *vs, size_t n)
{
    static const char *const fixed[] = {"\r\n", "\r", "\n", "> ", "OK", "ERROR", "+CME ERROR: ", ": "};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        dict_str(dc, fixed[i]);
    for (size_t k = 0; k < n; k++) {
        const struct gram_vendor *v = vs[k];
        for (uint16_t i = 0; i < v->n_commands; i++)
            for (uint16_t j = 0; j < v->commands[i].n_forms; j++)
                for (uint16_t p = 0; p < v->commands[i].forms[j].n_infos; p++)
                    dict_template(dc, &v->commands[i].forms[j].infos[p].tpl);
        for (uint16_t i = 0; i < v->n_finals; i++)
            dict_template(dc, &v->finals[i].tpl);
        for (uint16_t i = 0; i < v->n_urcs; i++)
            dict_template(dc, &v->urcs[i].tpl);
    }
}

/* The words of the grammar files themselves: statements, attributes, names. */
static void dict_grammar_words(struct dict *dc)
{
    for (size_t f = 0; f < gram_embedded_count; f++) {
        const char *s = gram_embedded_files[f].text;
        size_t n = gram_embedded_files[f].len;
        for (size_t i = 0; i < n;) {
            if (s[i] == '#') { /* comments say nothing the loader reads */
                while (i < n && s[i] != '\n')
                    i++;
                continue;
            }
            size_t b = i;
            while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
                i++;
            if (i - b >= 2 && i - b <= 24)
                dict_put(dc, s + b, i - b);
            if (i == b)
                i++;
        }
    }
    static const char *const punct[] = {"{", "}", "..", "->", "<", ">", "[", "]", "|", "*",
                                        "\"", "\\\"", ":", "=", "!=", "&", "ms", "s"};
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++)
        dict_str(dc, punct[i]);
}

int fz_write_dict(const struct fz_target_info *t, const struct gram_vendor *const *vs, size_t nv,
                  FILE *out)
{
    struct dict *dc = oc_xcalloc(1, sizeof *dc);
    dc->out = out;
    fprintf(out, "# fuzz_%s dictionary, generated from the grammar by `otacheck grammar dict "
                 "--fuzz-target %s` (do not edit)\n", t->name, t->name);
    if (is(t, "command") || is(t, "session"))
        dict_commands(dc, vs, nv);
    if (is(t, "session"))
        for (size_t k = 0; k < nv; k++) {
            char b[96];
            snprintf(b, sizeof b, "#vendor %s\n", vs[k]->id);
            dict_str(dc, b);
        }
    if (is(t, "framer") || is(t, "payload") || is(t, "response"))
        dict_responses(dc, vs, nv);
    if (is(t, "response"))
        dict_commands(dc, vs, nv);
    if (is(t, "grammar"))
        dict_grammar_words(dc);
    int count = dc->count;
    free(dc);
    return count;
}

void fz_write_options(const struct fz_target_info *t, FILE *out)
{
    fprintf(out, "# fuzz_%s: %s\n# generated by `otacheck grammar corpus` (do not edit)\n", t->name, t->what);
    fprintf(out, "[libfuzzer]\nmax_len = %u\ntimeout = %u\ndict = fuzz_%s.dict\n", t->max_len,
            t->timeout_s, t->name);
}

/* ---- seed corpora ------------------------------------------------------------------------ */

/* Writes n bytes to path (created or truncated), every write and the close checked. On a
 * failure the file is removed, so no half seed is left, and err says why (the first error
 * only: err[0] set is kept). Returns 0 or -1. Seeds are regenerated, not precious: no fsync,
 * no rename. */
static int write_whole(const char *path, const void *data, size_t n, char *err, size_t errlen)
{
    int e = 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        e = errno;
    } else {
        e = oc_write_all(fd, data, n);
        if (close(fd) != 0 && !e && errno != EINTR)
            e = errno;
        if (e)
            (void)unlink(path);
    }
    if (e && !err[0])
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
    return e ? -1 : 0;
}

struct seeds {
    const char *dir;
    int n;
    int errors;
    char err[600]; /* the first write error */
    /* a growing buffer for one seed */
    char *buf;
    size_t len, cap;
};

static void sb_put(struct seeds *sd, const void *p, size_t n)
{
    if (sd->len + n + 1 > sd->cap) {
        size_t cap = sd->cap ? sd->cap : 4096;
        while (sd->len + n + 1 > cap)
            cap *= 2;
        sd->buf = oc_xrealloc(sd->buf, cap);
        sd->cap = cap;
    }
    memcpy(sd->buf + sd->len, p, n);
    sd->len += n;
}

static void sb_str(struct seeds *sd, const char *s)
{
    sb_put(sd, s, strlen(s));
}

/* Writes the buffer as the next seed file and empties it. */
static void sb_emit(struct seeds *sd)
{
    if (!sd->len)
        return;
    char path[4096];
    snprintf(path, sizeof path, "%s/g-%04d", sd->dir, sd->n++);
    if (write_whole(path, sd->buf, sd->len, sd->err, sizeof sd->err) != 0)
        sd->errors++;
    sd->len = 0;
}

/* Deterministic bytes standing for binary data. */
static void sb_data(struct seeds *sd, size_t n, uint32_t seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        uint8_t c = (uint8_t)(x >> 16);
        sb_put(sd, &c, 1);
    }
}

/* A documented example as the module wrote it (echo, lines, payloads). */
static void example_output(struct seeds *sd, const struct gram_example *ex)
{
    for (uint16_t s = 0; s < ex->n_steps; s++) {
        const struct gram_step *st = &ex->steps[s];
        if (st->dir == GS_SEND) {
            sb_put(sd, st->text, st->len);
            sb_str(sd, "\r");
        } else if (st->dir == GS_RECV) {
            sb_str(sd, "\r\n");
            sb_put(sd, st->text, st->len);
            sb_str(sd, "\r\n");
        } else if (st->dir == GS_PAYLOAD) {
            sb_data(sd, st->len, s);
        }
    }
}

static bool example_has_payload(const struct gram_example *ex)
{
    for (uint16_t s = 0; s < ex->n_steps; s++)
        if (ex->steps[s].dir == GS_PAYLOAD)
            return true;
    return false;
}

struct sample_ctx {
    struct seeds *sd;
    const char *before, *after;
    int lines;
};

static void add_sample(void *ctx, const char *line, size_t len)
{
    struct sample_ctx *c = ctx;
    sb_str(c->sd, c->before);
    sb_put(c->sd, line, len);
    sb_str(c->sd, c->after);
    c->lines++;
}

/* Every line the vendor's grammar can say, as CR LF separated output, in seeds of 32. */
static void vendor_samples(struct seeds *sd, const struct gram_vendor *v, const struct at_line_ctx *lc)
{
    struct sample_ctx c = {sd, "\r\n", "\r\n", 0};
    for (uint16_t i = 0; i < v->n_urcs; i++) {
        gram_gen_template_samples(&v->urcs[i].tpl, lc, add_sample, &c);
        if (c.lines >= 32) {
            sb_emit(sd);
            c.lines = 0;
        }
    }
    for (uint16_t i = 0; i < v->n_finals; i++)
        gram_gen_template_samples(&v->finals[i].tpl, lc, add_sample, &c);
    sb_emit(sd);
}

struct case_ctx {
    struct seeds *sd;
    const char *vendor;     /* session seeds: the header */
    int invalid_seen;
};

static void command_case(void *ctx, const struct gram_gen_case *c)
{
    struct case_ctx *cc = ctx;
    if (!c->valid && cc->invalid_seen++ % 3)
        return; /* a third of the invalid classes: enough to seed the error paths */
    if (cc->vendor) {
        if (!c->valid || gram_form_class(c->form) != GC_DESTRUCTIVE)
            return; /* sessions: the lines that start flows */
        sb_str(cc->sd, "#vendor ");
        sb_str(cc->sd, cc->vendor);
        sb_str(cc->sd, "\n");
    }
    sb_str(cc->sd, c->line);
    if (cc->vendor)
        sb_str(cc->sd, "\n");
    sb_emit(cc->sd);
}

/* Response seeds: a form's valid line, then every sample of its information lines. */
static void response_seeds(struct seeds *sd, const struct at_index *ix, const struct gram_vendor *v)
{
    char base[GEN_LINE_MAX];
    for (uint16_t i = 0; i < v->n_commands; i++)
        for (uint16_t j = 0; j < v->commands[i].n_forms; j++) {
            const struct gram_form *f = &v->commands[i].forms[j];
            if (!f->n_infos || !gram_gen_base_line(ix, 0, f, base, sizeof base))
                continue;
            sb_str(sd, base);
            sb_str(sd, "\n");
            struct sample_ctx c = {sd, "", "\n", 0};
            for (uint16_t k = 0; k < f->n_infos; k++)
                gram_gen_template_samples(&f->infos[k].tpl, &ix->slots[0].lc, add_sample, &c);
            sb_emit(sd);
        }
    /* no command in flight: URCs and finals */
    sb_str(sd, "\n");
    struct sample_ctx c = {sd, "", "\n", 0};
    for (uint16_t i = 0; i < v->n_urcs; i++)
        gram_gen_template_samples(&v->urcs[i].tpl, &ix->slots[0].lc, add_sample, &c);
    for (uint16_t i = 0; i < v->n_finals; i++)
        gram_gen_template_samples(&v->finals[i].tpl, &ix->slots[0].lc, add_sample, &c);
    sb_emit(sd);
}

/* Payload seeds: for each line that announces binary data, the command's echo, the line
 * with a given length, that many bytes (or fewer, or more), then OK. */
static void payload_seeds(struct seeds *sd, const struct at_index *ix, const struct gram_vendor *v)
{
    static const int64_t lengths[] = {1, 16, 700, 1500};
    char base[GEN_LINE_MAX], header[2048];
    for (uint16_t i = 0; i < v->n_commands; i++)
        for (uint16_t j = 0; j < v->commands[i].n_forms; j++) {
            const struct gram_form *f = &v->commands[i].forms[j];
            for (uint16_t k = 0; k < f->n_infos; k++) {
                const struct gram_line *l = &f->infos[k];
                if (l->payload_field < 0 || !gram_gen_base_line(ix, 0, f, base, sizeof base))
                    continue;
                struct at_inflight fl = {.form = f, .slot = 0};
                for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
                    int64_t ints[GRAM_MAX_PARAMS];
                    for (size_t q = 0; q < GRAM_MAX_PARAMS; q++)
                        ints[q] = INT64_MIN;
                    ints[l->payload_field] = lengths[li];
                    size_t hl = gram_gen_render(&l->tpl, &ix->slots[0].lc, 0, ~0u, ints, header, sizeof header);
                    struct at_result r;
                    at_classify_line(ix, &fl, (const uint8_t *)header, hl, &r);
                    if (!r.valid || !r.payload_len)
                        continue;
                    for (int variant = 0; variant < 3; variant++) { /* exact, short, long */
                        uint64_t n = r.payload_len + (variant == 1 ? -(uint64_t)(r.payload_len > 4 ? 4 : 0) : variant == 2 ? 4 : 0);
                        sb_str(sd, base);
                        sb_str(sd, "\r\r\n");
                        sb_put(sd, header, hl);
                        sb_str(sd, "\r\n");
                        sb_data(sd, (size_t)n, (uint32_t)(li * 3 + (size_t)variant));
                        sb_str(sd, "\r\nOK\r\n");
                        sb_emit(sd);
                    }
                }
            }
        }
    for (uint16_t e = 0; e < v->n_examples; e++)
        if (example_has_payload(&v->examples[e])) {
            example_output(sd, &v->examples[e]);
            sb_emit(sd);
        }
}

/* Session seeds: each documented example's commands, and the flow-starting lines. */
static void session_seeds(struct seeds *sd, const struct at_index *ix, const struct gram_vendor *v)
{
    for (uint16_t e = 0; e < v->n_examples; e++) {
        const struct gram_example *ex = &v->examples[e];
        sb_str(sd, "#vendor ");
        sb_str(sd, v->id);
        sb_str(sd, "\n");
        for (uint16_t s = 0; s < ex->n_steps; s++)
            if (ex->steps[s].dir == GS_SEND) {
                sb_put(sd, ex->steps[s].text, ex->steps[s].len);
                sb_str(sd, "\n");
            }
        sb_emit(sd);
    }
    struct case_ctx cc = {sd, v->id, 0};
    gram_gen_vendor_cases(ix, 0, command_case, &cc);
}

/* Grammar seeds: each embedded file whole, and each vendor file's header with one of its
 * top-level statements (command, urc, flow, ...). */
static void grammar_seeds(struct seeds *sd)
{
    for (size_t f = 0; f < gram_embedded_count; f++) {
        const char *s = gram_embedded_files[f].text;
        size_t n = gram_embedded_files[f].len;
        sb_put(sd, s, n);
        sb_emit(sd);
        /* the header: up to the first top-level "command" */
        const char *first = strstr(s, "\ncommand ");
        if (!first)
            continue;
        size_t head = (size_t)(first - s) + 1;
        for (size_t i = head; i < n;) {
            size_t b = i; /* a statement: its line and the indented lines under it */
            do {
                const char *nl = memchr(s + i, '\n', n - i);
                i = nl ? (size_t)(nl - s) + 1 : n;
            } while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '#'));
            sb_put(sd, s, head);
            sb_put(sd, s + b, i - b);
            sb_emit(sd);
        }
    }
}

static int mkdirs(const char *path)
{
    char b[4096];
    snprintf(b, sizeof b, "%s", path);
    for (char *p = b + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(b, 0777);
            *p = '/';
        }
    return mkdir(b, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

/* Removes the generated seeds a previous run left (g-*), keeping regression inputs. */
static void remove_generated(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));)
        if (strncmp(e->d_name, "g-", 2) == 0) {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
}

int fz_write_seeds(const struct fz_target_info *t, const struct gram_vendor *const *vs, size_t nv,
                   const char *dir)
{
    if (mkdirs(dir) != 0) {
        fprintf(stderr, "otacheck: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    remove_generated(dir);
    struct seeds sd = {.dir = dir};
    if (is(t, "grammar"))
        grammar_seeds(&sd);
    for (size_t k = 0; k < nv && !is(t, "grammar"); k++) {
        const struct gram_vendor *v = vs[k];
        struct at_index ix;
        if (at_index_build(&ix, &v, NULL, 1) != 0)
            continue;
        if (is(t, "framer")) {
            for (uint16_t e = 0; e < v->n_examples; e++) {
                example_output(&sd, &v->examples[e]);
                sb_emit(&sd);
            }
            vendor_samples(&sd, v, &ix.slots[0].lc);
        } else if (is(t, "payload")) {
            payload_seeds(&sd, &ix, v);
        } else if (is(t, "command")) {
            struct case_ctx cc = {&sd, NULL, 0};
            gram_gen_vendor_cases(&ix, 0, command_case, &cc);
        } else if (is(t, "response")) {
            response_seeds(&sd, &ix, v);
        } else if (is(t, "session")) {
            session_seeds(&sd, &ix, v);
        }
        at_index_free(&ix);
    }
    free(sd.buf);
    if (sd.errors)
        fprintf(stderr, "otacheck: %s\n", sd.err);
    return sd.errors ? -1 : sd.n;
}

int fz_write_target_files(const struct fz_target_info *t, const struct gram_vendor *const *vs,
                          size_t nv, const char *root)
{
    char path[4096];
    if (mkdirs(root) != 0) {
        fprintf(stderr, "otacheck: cannot create %s: %s\n", root, strerror(errno));
        return -1;
    }
    /* each made in memory, then written whole (or removed) */
    char err[600] = "";
    char *text = NULL;
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s.dict", root, t->name);
    FILE *f = oc_xmemstream(&text, &len);
    int entries = fz_write_dict(t, vs, nv, f);
    oc_xmemstream_close(f);
    if (write_whole(path, text, len, err, sizeof err) != 0) {
        fprintf(stderr, "otacheck: %s\n", err);
        free(text);
        return -1;
    }
    free(text);
    text = NULL;
    snprintf(path, sizeof path, "%s/%s.options", root, t->name);
    f = oc_xmemstream(&text, &len);
    fz_write_options(t, f);
    oc_xmemstream_close(f);
    if (write_whole(path, text, len, err, sizeof err) != 0) {
        fprintf(stderr, "otacheck: %s\n", err);
        free(text);
        return -1;
    }
    free(text);
    snprintf(path, sizeof path, "%s/%s", root, t->name);
    int seeds = fz_write_seeds(t, vs, nv, path);
    if (seeds < 0)
        return -1;
    fprintf(stderr, "otacheck: fuzz_%s: %d dictionary entries, %d seeds under %s\n", t->name,
            entries, seeds, path);
    return 0;
}
