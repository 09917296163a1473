/* parser/validate.h — checks a command line (what a host sends) against the grammar:
 * the AT prefix, each command of a ';'-concatenated line, its form (test =?, read ?,
 * write =..., exec), the number and types of its parameters, the rules across them and,
 * when the caller knows it, the OTA state the command needs. Returns the first thing that
 * is wrong and its byte offset, and the parsed commands. No allocation. */
#ifndef OTACHECK_PARSER_VALIDATE_H
#define OTACHECK_PARSER_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "parser/index.h"
#include "parser/scan.h"
#include "parser/verror.h"

#define AT_MAX_CONCAT 8

struct at_cmd {
    const struct gram_command *cmd;
    const struct gram_form *form;
    uint8_t slot;            /* the index slot (vendor) it belongs to */
    uint32_t off, len;       /* span from its name to its end */
    uint16_t n_args;         /* parameters given (omitted ones count) */
    struct at_value args[GRAM_MAX_PARAMS];
};

struct at_cmdline {
    uint8_t n;
    struct at_cmd cmds[AT_MAX_CONCAT];
};

/* line/len: the command line, with or without its CR terminator. state: the state of the
 * vendor's machine, or -1 to leave states out. On error, out holds the commands parsed
 * before the faulty one, and e->cmd / e->form say which command was being read. */
enum at_err at_validate_command(const struct at_index *ix, int state, const uint8_t *line,
                                size_t len, struct at_cmdline *out, struct at_verror *e);

/* What a module does with the bytes of a command line before it reads them (V.250
 * 5.2.2): a backspace (S5, 8) removes the character before it, LF and NUL are ignored.
 * Writes at most n bytes to out (which may be in); returns the length. */
size_t at_edit_line(const uint8_t *in, size_t n, uint8_t *out);

/* Only which commands the line holds: names, forms, and the variant whose parameter count
 * fits — values and rules are not checked (what a passive reader needs of an echo: the
 * host checked the line before sending it). Errors: the line's shape (no AT, unknown
 * command, no such form, no variant takes that many parameters). */
enum at_err at_identify_command(const struct at_index *ix, const uint8_t *line, size_t len,
                                struct at_cmdline *out, struct at_verror *e);

/* Checks the parameters of an already chosen form (what the reference module does with a
 * command it received). */
enum at_err at_validate_args(const struct at_index *ix, uint8_t slot, const struct gram_form *f,
                             int state, const uint8_t *line, size_t len, struct at_cmd *c,
                             struct at_verror *e);

#endif
