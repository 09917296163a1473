/* grammar/lex.h — tokens of the grammar text format (see grammar/README.md).
 *
 * A statement is one logical line: a physical line, continued onto the next ones while a
 * '(' '[' or '{' is open. '#' as the first non-blank character makes a comment line.
 * Every token carries its line and column for "file:line:col" errors. */
#ifndef OTACHECK_GRAMMAR_LEX_H
#define OTACHECK_GRAMMAR_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum glex_kind {
    GT_EOL,    /* end of the logical line */
    GT_EOF,
    GT_WORD,   /* name, keyword, +COMMAND, 300ms */
    GT_NUM,    /* -?[0-9]+ */
    GT_STR,    /* "..." (value has escapes resolved) */
    GT_PUNCT,  /* ( ) [ ] { } , : = | * + ? & < > . .. -> != */
    GT_BAD,    /* a character that starts no token */
};

struct glex_tok {
    enum glex_kind kind;
    const char *p;    /* start in the source */
    uint32_t len;     /* length in the source */
    uint32_t line, col;
    int64_t num;      /* GT_NUM */
    bool num_overflow;
    char punct[3];    /* GT_PUNCT, NUL-terminated */
    char *str;        /* GT_STR: unescaped value (owned by the lexer's scratch) */
    uint32_t str_len;
};

struct glex {
    const char *file;
    const char *src, *end;
    const char *cur;
    uint32_t line, col;
    int depth;            /* open brackets in the current statement */
    bool at_line_start;   /* next token is the first of a statement */
    char *scratch;        /* unescaped string values */
    size_t scratch_cap;
    struct glex_tok peeked;
    bool has_peek;
};

void glex_init(struct glex *lx, const char *file, const char *src, size_t len);
/* Lexes a piece of text that sits at (line, col) of a file: used for templates. */
void glex_init_at(struct glex *lx, const char *file, const char *src, size_t len,
                  uint32_t line, uint32_t col);
void glex_free(struct glex *lx);

/* Next token of the current statement; GT_EOL at its end, then the first token of the
 * next statement on the following call. */
struct glex_tok glex_next(struct glex *lx);
struct glex_tok glex_peek(struct glex *lx);

/* The raw text from the current position to the end of the physical line, with leading
 * and trailing blanks removed; consumes it. The start is stored in line and col. */
const char *glex_rest(struct glex *lx, size_t *len, uint32_t *line, uint32_t *col);

/* Skips to the start of the next statement (error recovery). */
void glex_skip_statement(struct glex *lx);

bool glex_is(const struct glex_tok *t, const char *word_or_punct);
/* "word 'write'", "number 12", "end of line" — for error messages. */
const char *glex_describe(const struct glex_tok *t, char *buf, size_t n);

#endif
