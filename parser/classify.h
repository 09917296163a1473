/* parser/classify.h — what a token is (DESIGN.md layer 2, "classifier"): the echo of the
 * command in flight, a final result, an information response of the command in flight, a
 * URC, or unknown — and, for lines the grammar knows, whether they satisfy it (the
 * classifier validates as it matches). Table-driven through the index, no regex.
 *
 * Precedence, as oFono's gatchat has it: final result, then the command's own response
 * lines, then URCs. Free-text response lines (ATI) come after URCs, so that a URC arriving
 * in the middle of an ATI answer is still a URC. A line that matches the leading text of a
 * known line but breaks its fields is reported as that line, invalid. */
#ifndef OTACHECK_PARSER_CLASSIFY_H
#define OTACHECK_PARSER_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser/framer.h"
#include "parser/index.h"
#include "parser/scan.h"

enum at_class {
    AT_CLS_UNKNOWN = 0,
    AT_CLS_ECHO,
    AT_CLS_FINAL,
    AT_CLS_INFO,
    AT_CLS_URC,
    AT_CLS_PROMPT,
    AT_CLS_PAYLOAD,
    AT_CLS_GARBAGE,
    AT_CLS_OVERFLOW,
    AT_CLS_FOREIGN,   /* a line no grammar knows but shaped like a URC or a result code
                         (+NAME..., ^NAME..., SMS DONE): standard traffic of a kind the
                         core does not list, or a vendor's own status line */
};

/* The exchange in flight, as far as classifying needs it. */
struct at_inflight {
    const struct gram_form *form;  /* NULL: no command in flight */
    uint8_t slot;
    const uint8_t *echo;           /* the command line as sent (without CR) */
    size_t echo_len;
    bool echo_pending;             /* its echo has not been seen yet */
};

struct at_result {
    enum at_class cls;
    bool valid;                    /* the line satisfies the grammar entry it matched */
    const struct gram_line *line;  /* the final, info or URC entry (NULL for echo/unknown) */
    uint8_t slot;
    struct at_verror err;          /* when !valid */
    uint16_t n_fields;
    struct at_value fields[GRAM_MAX_PARAMS];
    uint64_t payload_len;          /* bytes of binary payload the line announces (on the wire) */
    uint8_t payload_enc;           /* enum gram_payload_enc */
};

void at_classify(const struct at_index *ix, const struct at_inflight *fl,
                 const struct at_token *tok, struct at_result *r);
/* The same for a bare line of text. */
void at_classify_line(const struct at_index *ix, const struct at_inflight *fl,
                      const uint8_t *line, size_t len, struct at_result *r);

const char *at_class_name(enum at_class c);

/* Is a line shaped like an unsolicited result code: a sigil (+ ^ * # $ %) and a letter
 * then printable text ("+CPSI: LTE,Online", "^MODE: 17,17"), or upper-case words as the
 * V.250 result codes are ("SMS DONE", "NO SIM")? Not a line starting with AT (an echo). */
bool at_urc_shaped(const uint8_t *s, size_t n);

#endif
