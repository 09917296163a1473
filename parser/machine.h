/* parser/machine.h — steps a vendor's state machine (grammar "machine"): which state a
 * command that was accepted, a URC, or a restart leads to. The reference module uses it to
 * decide what it accepts; the conformance runner uses it to follow the state the module
 * should be in from what it saw. Pure functions over the grammar. */
#ifndef OTACHECK_PARSER_MACHINE_H
#define OTACHECK_PARSER_MACHINE_H

#include <stdint.h>

#include "grammar/model.h"
#include "parser/validate.h"

/* The state after a command (parsed by the validator from line), or `state` unchanged. */
int at_machine_command(const struct gram_machine *m, int state, const struct at_cmd *c,
                       uint8_t escapes, const uint8_t *line);
/* The state after a URC. */
int at_machine_urc(const struct gram_machine *m, int state, const struct gram_line *urc);
/* The state after a restart. */
int at_machine_reboot(const struct gram_machine *m, int state);

#endif
