/* parser/mask.h — credentials never appear unmasked (DESIGN.md, Verdicts): copies a
 * command line or a response line with the value of every `secret` parameter or field
 * replaced by "***". Lines that do not parse are masked as far as they parse; a string
 * argument the parser could not place is masked whole, erring on the safe side. And the
 * one masker of known credentials in any text (at_secrets_mask, below), with the rules for
 * the forms a credential is masked in and for short credentials. */
#ifndef OTACHECK_PARSER_MASK_H
#define OTACHECK_PARSER_MASK_H

#include <stdbool.h>
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
 * decoded (the escapes of the command's vendor applied), whole: never cut. Returns how
 * many; none for a line that does not validate. A value that holds a NUL byte reaches
 * each() cut at it: at_secret_values_n gives the length. */
size_t at_secret_values(const struct at_index *ix, const uint8_t *line, size_t len,
                        void (*each)(void *ctx, const char *value), void *ctx);
/* The same with each value's length (value[len] is NUL; it may hold NUL bytes before). */
size_t at_secret_values_n(const struct at_index *ix, const uint8_t *line, size_t len,
                          void (*each)(void *ctx, const char *value, size_t vlen), void *ctx);

/* ---- credentials in any text: the one masker ----------------------------------------
 *
 * Every writer of text that may hold a credential — the report files (reports/mask.c,
 * rp_clean), the session's transcripts (harness/session.c, hx_transcript), and so the
 * fuzzer's output and reproducers — masks with at_secrets_mask over a set built with
 * at_secrets_add. A credential is masked in each form it may be written in:
 *
 *   - its text; when it holds control bytes, also as the transcripts print them (\xNN,
 *     hx_printable), and when it holds a NUL byte, each run between NULs of
 *     AT_SECRET_MIN_DERIVED bytes or more (a C string holds the part before the NUL);
 *   - from AT_SECRET_MIN_DERIVED bytes on, also: its lower-cased and upper-cased copies
 *     (ASCII); its bytes in hex, lower and upper case; its base64 (RFC 4648, padded); and
 *     the base64 of its bytes inside a longer stream, at each of the three offsets modulo 3
 *     where it may start: the characters that depend on its bytes alone (the one or two at
 *     each edge that also hold a neighbour's bits are dropped, as they differ from stream
 *     to stream).
 *
 * Short credentials: one shorter than AT_SECRET_MIN bytes cannot be told from other text
 * (a one-byte credential "=" would turn every '=' into ***): it is not added (at_secrets_add
 * returns false), and is masked only where the grammar puts it (a secret parameter or
 * field: at_mask_command, at_mask_response); the capability file refuses one at its line.
 * One of AT_SECRET_MIN to AT_SECRET_MIN_DERIVED - 1 bytes is masked as written only (case
 * and all): its copies and encodings would be common text. No form shorter than
 * AT_SECRET_MIN is ever added, so a masked text is never longer than the text. */
#define AT_SECRET_MIN 3
#define AT_SECRET_MIN_DERIVED 6

/* The forms of the credentials added, each a NUL-terminated copy, longest first. */
struct at_secrets {
    char **form;
    size_t n, cap;
};

void at_secrets_init(struct at_secrets *s);
void at_secrets_free(struct at_secrets *s);
/* Adds the forms of a credential of len bytes (any bytes). false: shorter than
 * AT_SECRET_MIN, nothing added. Memory: common/xalloc.h (it does not fail). */
bool at_secrets_add(struct at_secrets *s, const void *secret, size_t len);
/* text (len bytes) into out with every place that any form of any credential covers — the
 * union of their occurrences, overlapping or not — replaced by one AT_MASK per run. Writes
 * at most cap - 1 bytes and a NUL; the masked text is never longer than len. Returns the
 * length written. out may not overlap text. */
size_t at_secrets_mask(const struct at_secrets *s, const char *text, size_t len, char *out, size_t cap);
/* The same into a new buffer (common/xalloc.h) of len + 1 bytes; *out_len (may be NULL)
 * gets the length. */
char *at_secrets_mask_dup(const struct at_secrets *s, const char *text, size_t len, size_t *out_len);

#endif
