/* parser/monitor.h — the reference parser as one pipeline: bytes in, classified events
 * out. It reads a module's output on its own, as a passive monitor would: the echo of a
 * command line tells it which command is in flight (so that information responses and
 * binary payloads are understood), a final result ends the exchange. Every line the module
 * says is validated against the grammar; echoed command lines are only identified unless
 * check_echo is set (the command validator proper is at_validate_command). Used by `otacheck
 * bench parse`, by the documented-example checks and by the fuzz targets; the harness
 * session drives the framer and classifier itself, since it knows what it sent. */
#ifndef OTACHECK_PARSER_MONITOR_H
#define OTACHECK_PARSER_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser/classify.h"
#include "parser/framer.h"
#include "parser/index.h"
#include "parser/validate.h"

struct at_event {
    struct at_token tok;
    struct at_result res;
    /* for echo lines: the command line as the grammar reads it */
    enum at_err cmd_err;
    struct at_verror cmd_verr;
    const struct gram_form *cmd_form;
    bool foreign_command;     /* an echo of a command no grammar has (AT+CPIN?, AT+CNMP=2) */
    bool foreign_info;        /* a line of such a command's answer (before its final) */
    const struct gram_form *loose_form; /* with loose_infos: the form whose response line this
                                           is, though no command of it is in flight */
};

struct at_monitor_stats {
    uint64_t tokens, lines, bytes;
    uint64_t by_class[AT_CLS_FOREIGN + 1];
    uint64_t invalid;         /* known lines that break their grammar entry */
    uint64_t bad_commands;    /* echoed command lines that break the grammar */
    uint64_t payload_bytes;
};

struct at_monitor {
    const struct at_index *ix;
    bool check_echo;          /* validate echoed command lines fully (values, rules) */
    bool loose_infos;         /* a line no URC or final reads, with no command in flight, may
                                 be a response of any form (a capture that does not show the
                                 commands, a firmware's strings) */
    bool in_foreign;          /* a command no grammar has is in flight */
    struct at_framer fr;
    struct at_inflight fl;
    char split_marker[64];
    struct at_cmdline cl;
    struct at_monitor_stats st;
};

void at_monitor_init(struct at_monitor *m, const struct at_index *ix, uint8_t *buf, size_t cap);
void at_monitor_feed(struct at_monitor *m, const void *data, size_t len, uint64_t t_ns);
bool at_monitor_next(struct at_monitor *m, struct at_event *ev);
bool at_monitor_flush(struct at_monitor *m, struct at_event *ev, uint64_t t_ns);

#endif
