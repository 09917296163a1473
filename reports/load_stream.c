/* reports/load_stream.c — a results.jsonl stream read back (reports/load.h), as
 * `otacheck report --from` needs it for a killed run and `otacheck diff` for either side.
 * The file is read whole from memory and cut at line ends into one piece per processor
 * (at most LOAD_MAX_PIECES); each piece's lines are decoded by jansson in its own thread,
 * its cases converted into its own arena, its run, end and target lines kept for later.
 * The pieces are then taken in order: run and target lines applied as the stream has them,
 * cases appended, arenas adopted. An error is the first one in the file, at its line, as a
 * one-thread reader would have said it; a last line cut off (the run was killed while
 * writing it) is not one. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fileio.h"
#include "common/xalloc.h"
#include "reports/load_internal.h"

#define LOAD_MAX_PIECES 4
/* a stream smaller than this is read by one thread: starting others costs more */
#define LOAD_PIECE_MIN (2u << 20)

/* A line a piece keeps for the ordered pass: a run, end or target line. */
struct kept_line {
    unsigned line; /* in its piece, from 1 */
    json_t *o;
};

struct piece {
    const char *p, *end;
    bool last; /* holds the file's end: its last line may be cut off */
    unsigned lines;
    struct oc_arena arena; /* the cases' texts */
    struct rp_case *cases;
    size_t n_cases, cap_cases;
    unsigned first_case; /* the line of its first case, 0: none */
    struct kept_line *kept;
    size_t n_kept, cap_kept;
    unsigned err_line; /* 0: none */
    char err[320];
};

static void piece_fail(struct piece *pc, const char *what)
{
    pc->err_line = pc->lines;
    snprintf(pc->err, sizeof pc->err, "%s", what);
}

/* One line of a piece: false when the piece stops (an error, or its cut-off last line). */
static bool piece_line(struct piece *pc, const char *line, size_t len, bool complete)
{
    size_t blank = 0;
    while (blank < len && (line[blank] == ' ' || line[blank] == '\t'))
        blank++;
    if (blank == len)
        return true;
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        if (!complete && pc->last)
            return false;
        char what[300];
        snprintf(what, sizeof what, "not a JSON line: %s (column %d)", je.text, je.column);
        piece_fail(pc, what);
        return false;
    }
    const char *type = json_is_object(o) ? json_string_value(json_object_get(o, "type")) : NULL;
    char what[256];
    bool go = true;
    if (!json_is_object(o)) {
        piece_fail(pc, "not a JSON object");
        go = false;
    } else if (!type) {
        piece_fail(pc, "no \"type\" field");
        go = false;
    } else if (strcmp(type, "case") == 0) {
        struct rp_case c;
        if (rp_case_from_json(o, &pc->arena, &c, what, sizeof what) != 0) {
            piece_fail(pc, what);
            go = false;
        } else {
            /* a target index out of range is kept as it is: the writer streams what the
             * runner gave it, and every format shows such a case with an unknown target */
            if (pc->n_cases == pc->cap_cases) {
                pc->cap_cases = pc->cap_cases ? pc->cap_cases * 2 : 256;
                pc->cases = oc_xrealloc(pc->cases, pc->cap_cases * sizeof *pc->cases);
            }
            pc->cases[pc->n_cases++] = c;
            if (!pc->first_case)
                pc->first_case = pc->lines;
        }
    } else if (strcmp(type, "run") == 0 || strcmp(type, "end") == 0 ||
               strcmp(type, "target") == 0) {
        if (pc->n_kept == pc->cap_kept) {
            pc->cap_kept = pc->cap_kept ? pc->cap_kept * 2 : 8;
            pc->kept = oc_xrealloc(pc->kept, pc->cap_kept * sizeof *pc->kept);
        }
        pc->kept[pc->n_kept++] = (struct kept_line){pc->lines, o};
        return true;
    } else {
        snprintf(what, sizeof what, "unknown line type \"%.60s\"", type);
        piece_fail(pc, what);
        go = false;
    }
    json_decref(o);
    return go;
}

static void *read_piece(void *arg)
{
    struct piece *pc = arg;
    for (const char *p = pc->p; p < pc->end;) {
        const char *nl = memchr(p, '\n', (size_t)(pc->end - p));
        const char *e = nl ? nl : pc->end;
        size_t len = (size_t)(e - p);
        pc->lines++;
        if (len && p[len - 1] == '\r')
            len--;
        if (!piece_line(pc, p, len, nl != NULL))
            break;
        p = nl ? nl + 1 : pc->end;
    }
    return NULL;
}

static void piece_free(struct piece *pc)
{
    for (size_t i = 0; i < pc->n_kept; i++)
        json_decref(pc->kept[i].o);
    free(pc->kept);
    free(pc->cases);
    oc_arena_free(&pc->arena);
}

/* The ordered pass over what the pieces read. */
struct stream_state {
    const char *path;
    struct rp_results *res;
    struct oc_arena scratch; /* run and target lines, before rp_results copies them */
    bool have_run, ended;
    char *err;
    size_t errlen;
};

static int bad(struct stream_state *st, unsigned line, const char *what)
{
    snprintf(st->err, st->errlen, "%s:%u: %s", st->path, line, what);
    return -1;
}

static int take_kept(struct stream_state *st, unsigned line, const json_t *o)
{
    char what[256];
    const char *type = json_string_value(json_object_get(o, "type"));
    if (strcmp(type, "target") != 0) {
        if (rp_load_check_schema(o, what, sizeof what) != 0)
            return bad(st, line, what);
        struct rp_run run;
        if (rp_run_from_json(o, &st->scratch, &run, what, sizeof what) != 0)
            return bad(st, line, what);
        if (strcmp(type, "run") == 0)
            run.interrupted = st->res->run.interrupted || run.interrupted;
        rp_results_merge_run(st->res, &run, NULL);
        st->have_run = true;
        st->ended = st->ended || strcmp(type, "end") == 0;
        return 0;
    }
    if (!st->have_run)
        return bad(st, line, "a result before the run line: not an otacheck results stream");
    struct rp_target t;
    if (rp_target_from_json(o, &st->scratch, &t, what, sizeof what) != 0 ||
        rp_load_check_index(o, st->res->n_targets, what, sizeof what) != 0)
        return bad(st, line, what);
    rp_results_add_target(st->res, &t, NULL);
    return 0;
}

/* A piece's lines in the stream's order; base: the lines before it. */
static int take_piece(struct stream_state *st, struct piece *pc, unsigned base)
{
    for (size_t i = 0; i < pc->n_kept; i++) {
        if (!st->have_run && pc->first_case && pc->first_case < pc->kept[i].line)
            break;
        if (take_kept(st, base + pc->kept[i].line, pc->kept[i].o) != 0)
            return -1;
    }
    if (!st->have_run && pc->first_case)
        return bad(st, base + pc->first_case,
                   "a result before the run line: not an otacheck results stream");
    if (pc->err_line)
        return bad(st, base + pc->err_line, pc->err);
    rp_load_append_cases(st->res, pc->cases, pc->n_cases);
    oc_arena_adopt(&st->res->arena, &pc->arena);
    return 0;
}

static size_t piece_count(size_t len)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t n = cpus > 0 ? (size_t)cpus : 1;
    if (n > LOAD_MAX_PIECES)
        n = LOAD_MAX_PIECES;
    while (n > 1 && len / n < LOAD_PIECE_MIN)
        n--;
    return n;
}

int rp_load_stream(const char *path, struct rp_results *res, char *err, size_t errlen)
{
    rp_results_init(res);
    struct oc_file_bytes fb;
    if (oc_file_bytes_open(path, &fb, err, errlen) != 0)
        return -1;
    struct piece pcs[LOAD_MAX_PIECES];
    size_t n = piece_count(fb.len);
    const char *end = fb.data + fb.len, *at = fb.data;
    for (size_t i = 0; i < n; i++) {
        const char *to = i + 1 == n ? end : fb.data + fb.len / n * (i + 1);
        if (to < at)
            to = at;
        if (to < end) { /* to just after a line end */
            const char *nl = memchr(to, '\n', (size_t)(end - to));
            to = nl ? nl + 1 : end;
        }
        pcs[i] = (struct piece){.p = at, .end = to, .last = to == end};
        oc_arena_init(&pcs[i].arena, RP_LOAD_SCRATCH_BLOCK);
        at = to;
    }
    pthread_t th[LOAD_MAX_PIECES];
    bool started[LOAD_MAX_PIECES] = {false};
    for (size_t i = 1; i < n; i++)
        started[i] = pthread_create(&th[i], NULL, read_piece, &pcs[i]) == 0;
    read_piece(&pcs[0]);
    for (size_t i = 1; i < n; i++) {
        if (started[i])
            pthread_join(th[i], NULL);
        else
            read_piece(&pcs[i]);
    }
    struct stream_state st = {.path = path, .res = res, .err = err, .errlen = errlen};
    oc_arena_init(&st.scratch, RP_LOAD_SCRATCH_BLOCK);
    int rc = 0;
    unsigned base = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = take_piece(&st, &pcs[i], base);
        base += pcs[i].lines;
    }
    for (size_t i = 0; i < n; i++)
        piece_free(&pcs[i]);
    oc_arena_free(&st.scratch);
    oc_file_bytes_close(&fb);
    if (rc == 0 && !st.have_run) {
        snprintf(err, errlen, "%s: no run line: empty, or not an otacheck results stream", path);
        rc = -1;
    }
    if (rc != 0) {
        rp_results_free(res);
        return -1;
    }
    if (!st.ended) {
        struct rp_run run = res->run;
        run.interrupted = true;
        if (!run.stopped_because)
            run.stopped_because = "the run stopped before it ended (its stream has no end line)";
        rp_results_merge_run(res, &run, NULL);
    }
    return 0;
}
