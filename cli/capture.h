/* cli/capture.h — the files `otacheck parse` reads: a capture of a module's output, as a
 * serial log or a ser2net dump holds it, or as the public captures are kept
 * (../shared/real-world/README.md): an optional header of lines starting with '#' (source,
 * module, and what kind of text it is), then the body. The kind decides how the body is
 * read:
 *   stream    bytes as the module sent them (a log of a device);
 *   document  an example in a vendor document: binary data may be shown as text (a hex
 *             dump) and lines left out as "...", which are the document's, not the module's;
 *   strings   one C string literal per line, as a module's firmware or a host driver holds
 *             them: escapes (\r \n \" \\) are decoded and printf conversions (%d, %s...)
 *             stand for values.
 * A header line "# kind: (a)", "(b)" or "(c)" says which (stream, document, strings). */
#ifndef OTACHECK_CLI_CAPTURE_H
#define OTACHECK_CLI_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

enum capture_kind { CAPTURE_STREAM, CAPTURE_DOCUMENT, CAPTURE_STRINGS };

struct capture {
    char *data;              /* the whole file (owned) */
    size_t len;
    size_t body;             /* where the body starts */
    unsigned header_lines;   /* lines of the header */
    enum capture_kind kind;
    bool kind_said;          /* the header said the kind */
};

/* Reads a file ("-": standard input). Returns 0, or -1 with a message. */
int capture_read(const char *path, struct capture *c, char *err, size_t errlen);
void capture_free(struct capture *c);
const char *capture_kind_name(enum capture_kind k);

/* A C string literal's text (the line, without quotes) decoded into out: \r \n \t \" \\
 * \xhh, and each printf conversion replaced by a value of its kind — conversion i takes
 * sample choice[i] (0 when choice is NULL). n_conv gets the number of conversions. Returns
 * the length written. */
size_t capture_decode_literal(const char *s, size_t n, const unsigned *choice, char *out, size_t cap,
                              unsigned *n_conv);
/* How many sample values a conversion has (capture_decode_literal's choice range). */
unsigned capture_samples(void);

/* Is a line of a document a rendering of binary data (hex words: "65746e45") or an
 * elision ("...")? */
bool capture_hex_words(const char *s, size_t n);
bool capture_elision(const char *s, size_t n);

#endif
