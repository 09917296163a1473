/* conformance/flowcheck.h — checks an OTA flow as it happens: each event in its order
 * (parser/flowset.h), the field rules across events, each event line against its grammar,
 * the time limits (the longest gap between events, the whole flow, "after X within T"),
 * and at the end the data the host read during it (declared size and MD5/SHA-256/CRC-32
 * of the bytes read, the first offset, reads that follow each other) and whether it ended
 * the way it should. The caller feeds it the session's events and exchanges and asks it,
 * as time passes, whether the flow is still running. */
#ifndef OTACHECK_CONFORMANCE_FLOWCHECK_H
#define OTACHECK_CONFORMANCE_FLOWCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/rules.h"
#include "harness/session.h"
#include "parser/flowset.h"

#define CF_FLOW_MAX_ANNOUNCED 8

enum cf_flow_state { CF_FLOW_RUNNING, CF_FLOW_DONE, CF_FLOW_FAILED };

struct cf_flowcheck {
    const struct at_index *ix;
    const struct gram_dialect *d;
    struct at_flow_set set;
    uint64_t t_start, t_last;
    int last_atom;                  /* of the last event, -1 */
    unsigned events;
    const struct gram_line *last_event;
    /* what the host read during the flow (bytes(+CMD)) */
    uint8_t *data;
    size_t data_len, data_cap;
    unsigned reads;
    int64_t next_start;
    /* values the events announced for the data checks */
    struct {
        const struct gram_flow_check *ck;
        char value[96];
    } announced[CF_FLOW_MAX_ANNOUNCED];
    unsigned n_announced;
    /* the verdict: rule -1 while nothing is wrong; src where its requirement comes from */
    int rule;
    struct gram_src src;
    char expected[256], seen[400];
    /* the stall limit of this run of the flow, and where it comes from: the start
     * command's own timeout when the grammar ties it to one (flow 'stall <param>'), plus
     * the time the image takes at the link's speed; else the flow's */
    uint32_t stall_ms;
    struct gram_src stall_src;
};

/* Starts following the flows a form starts (flow NULL), or one flow; line is the command
 * that started it (its parameters may set limits), or NULL; download_ms how long the
 * image takes at the module's link speed (the capability file's image-size / link-speed;
 * 0: unknown). */
void cf_flow_begin(struct cf_flowcheck *fc, const struct at_index *ix, const struct gram_dialect *d,
                   const struct gram_form *form, const struct gram_flow *flow, const char *line,
                   uint32_t download_ms, uint64_t now);
void cf_flow_free(struct cf_flowcheck *fc);
/* A URC or a restart from the session's log. Returns true if it belonged to the flow. */
bool cf_flow_event(struct cf_flowcheck *fc, const struct hx_event *e);
/* An exchange the host made during the flow: a read of data counts for the data checks. */
void cf_flow_exchange(struct cf_flowcheck *fc, const struct hx_session *s, const struct hx_exchange *x);
/* Where the flow stands at time now. */
enum cf_flow_state cf_flow_tick(struct cf_flowcheck *fc, uint64_t now);
/* How long to wait for the next event before the state can change (ns). */
uint64_t cf_flow_wait(const struct cf_flowcheck *fc, uint64_t now);
/* The end: data checks (when data was read) and, when want_ok, the outcome. */
void cf_flow_finish(struct cf_flowcheck *fc, bool want_ok);
/* After the flow ended where more may still come (a restart that applies the firmware):
 * how long such a late event may take, ms (the grammar's settle); 0 when nothing can. */
uint32_t cf_flow_late_ms(const struct cf_flowcheck *fc);
/* Has the flow begun (an event of it came)? */
bool cf_flow_started(const struct cf_flowcheck *fc);

#endif
