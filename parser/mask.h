/* parser/mask.h — credentials never appear unmasked (DESIGN.md, Verdicts): copies a
 * command line or a response line with the value of every `secret` parameter or field
 * replaced by "***". Lines that do not parse are masked as far as they parse; a string
 * argument the parser could not place is masked whole, erring on the safe side. */
#ifndef OTACHECK_PARSER_MASK_H
#define OTACHECK_PARSER_MASK_H

#include <stddef.h>
#include <stdint.h>

#include "parser/classify.h"
#include "parser/index.h"

/* A command line. Returns the length written (out is always NUL-terminated). */
size_t at_mask_command(const struct at_index *ix, const uint8_t *line, size_t len, char *out,
                       size_t cap);
/* A line the classifier read (r from at_classify_line on the same bytes). */
size_t at_mask_response(const struct at_result *r, const uint8_t *line, size_t len, char *out,
                        size_t cap);

#define AT_MASK "***"

/* Calls each(ctx, value) for the value of every secret parameter of a valid command line,
 * decoded (the escapes of the command's vendor applied) and cut to 255 bytes. Returns how
 * many; none for a line that does not validate. */
size_t at_secret_values(const struct at_index *ix, const uint8_t *line, size_t len,
                        void (*each)(void *ctx, const char *value), void *ctx);

#endif
