/* reports/tap.c — results.tap in TAP version 13 (the version TAP::Parser 3.44, Debian 12's
 * prove, reads; it refuses 14): the plan, one test point per case
 * ("ok N - suite: name"; N/A is "ok N - ... # SKIP reason"; FAIL and ERROR are "not ok"
 * followed by a YAML diagnostic block indented by two spaces; WARN is "ok", its description
 * plain, as TAP defines no directive but SKIP and TODO, followed by a YAML block that says
 * verdict WARN and why), a closing comment with the
 * counts, and "Bail out!" when the run was cut short, so that a partial run never reads as
 * a complete one. YAML strings are double-quoted with YAML's escapes; the transcript is a
 * literal block scalar when its characters allow one, a quoted string otherwise.
 *
 * The YAML is TAP 13's YAMLish, what TAP::Parser::YAMLish::Reader reads: null is "~", a
 * block scalar is a plain "|" (no chomping or indentation indicator, no blank line), and
 * every other text a double-quoted string; node-tap's parser (full YAML) reads the same
 * values. The description escapes '#' as "\#", as Perl's Test::Builder writes TAP 13 and
 * both parsers read it; a backslash is written as it is (TAP 13 has no escapes), doubled
 * only before a '#'. */
#include <string.h>

#include "reports/report_internal.h"

/* A description or directive on the test point line: one line, and in a description '#'
 * escaped as "\#" (and a backslash before a '#' doubled, so that it escapes nothing). */
static void tap_line_text(FILE *out, const char *s, bool description)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            fputc(' ', out);
        else if (description && (*p == '#' || (*p == '\\' && p[1] == '#')))
            fprintf(out, "\\%c", *p);
        else
            fputc(*p, out);
    }
}

/* The code point of the UTF-8 sequence at p (valid: rp_clean), and its length in *n. */
static unsigned long decode(const unsigned char *p, size_t *n)
{
    if (p[0] < 0x80) {
        *n = 1;
        return p[0];
    }
    size_t k = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
    unsigned long v = p[0] & (0x7Fu >> k);
    for (size_t i = 1; i < k; i++)
        v = v << 6 | (p[i] & 0x3Fu);
    *n = k;
    return v;
}

/* Characters YAML cannot hold as they are: outside c-printable, the byte order mark, and
 * NEL and the line and paragraph separators, which YAML 1.1 reads as line breaks. */
static bool yaml_unprintable(unsigned long cp)
{
    return (cp < 0x20 && cp != '\t' && cp != '\n') || (cp >= 0x7F && cp <= 0x9F) ||
           cp == 0xFEFF || cp == 0x2028 || cp == 0x2029;
}

static void yaml_quoted(FILE *out, const char *s)
{
    if (!s || !*s) { /* absent; "" is absent too, as in results.json */
        fputs("~", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n;
        unsigned long cp = decode(p, &n);
        if (cp == '"' || cp == '\\')
            fprintf(out, "\\%c", (int)cp);
        else if (cp == '\n')
            fputs("\\n", out);
        else if (cp == '\t')
            fputs("\\t", out);
        else if (cp == '\r')
            fputs("\\r", out);
        else if (cp <= 0xFF && yaml_unprintable(cp))
            fprintf(out, "\\x%02lx", cp);
        else if (yaml_unprintable(cp))
            fprintf(out, "\\u%04lX", cp);
        else
            fwrite(p, 1, n, out);
        p += n;
    }
    fputc('"', out);
}

/* Can s be a plain "|" block that YAMLish reads back as it is? Printable, no tab or CR;
 * lines that are neither empty nor "..." or "---" (the end and start of a YAML block),
 * the first not starting with a space (it sets the indentation); one newline at the end. */
static bool block_ok(const char *s)
{
    size_t len = strlen(s);
    if (len < 2 || s[0] == ' ' || s[0] == '\n' || s[len - 1] != '\n' || strstr(s, "\n\n"))
        return false;
    for (const char *line = s; *line; line = strchr(line, '\n') + 1) {
        size_t n = strcspn(line, "\n"), lead = strspn(line, " ");
        if (n - lead >= 3 && (strncmp(line + lead, "...", 3) == 0 || strncmp(line + lead, "---", 3) == 0) &&
            strspn(line + lead + 3, " ") == n - lead - 3)
            return false;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n;
        unsigned long cp = decode(p, &n);
        if (cp == '\t' || yaml_unprintable(cp))
            return false;
        p += n;
    }
    return true;
}

/* key: |  then each line indented by 4 (the block is indented by 2 inside TAP); s is
 * block_ok: lines that are not empty, and one newline at its end. */
static void yaml_block(FILE *out, const char *key, const char *s)
{
    fprintf(out, "  %s: |\n", key);
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, "\n");
        fprintf(out, "    %.*s\n", (int)n, p);
        p += n + 1;
    }
}

static void yaml_str(FILE *out, const char *key, const char *s)
{
    fprintf(out, "  %s: ", key);
    yaml_quoted(out, s);
    fputc('\n', out);
}

/* A text of several lines: a literal block scalar when it can be one, quoted otherwise. */
static void yaml_text(FILE *out, const char *key, const char *s)
{
    if (s && block_ok(s))
        yaml_block(out, key, s);
    else
        yaml_str(out, key, s);
}

static void yaml_ms(FILE *out, const char *key, double ms, bool present)
{
    char b[64];
    fprintf(out, "  %s: %s\n", key, present ? rp_fmt_ms(ms, b, sizeof b) : "~");
}

static void diagnostics(FILE *out, const struct rp_results *r, const struct rp_case *c)
{
    char idn[512];
    fputs("  ---\n", out);
    yaml_str(out, "verdict", rp_verdict_name(c->verdict));
    yaml_str(out, "id", c->id);
    yaml_str(out, "target", rp_target_identity(rp_results_target(r, c), idn, sizeof idn));
    yaml_str(out, "rule", c->rule);
    yaml_str(out, "reason", c->reason);
    yaml_str(out, "expected", c->expected);
    yaml_str(out, "seen", c->seen);
    yaml_str(out, "source_kind", c->source_kind);
    yaml_str(out, "source", c->source);
    yaml_text(out, "others", c->others);
    yaml_ms(out, "latency_ms", c->latency_ms, c->latency_ms >= 0);
    yaml_ms(out, "limit_ms", c->limit_ms, c->limit_ms > 0);
    yaml_text(out, "transcript", c->transcript);
    fputs("  ...\n", out);
}

int rp_write_tap(FILE *out, const struct rp_results *r)
{
    fprintf(out, "TAP version 13\n1..%zu\n", r->n_cases);
    for (size_t i = 0; i < r->n_cases && !ferror(out); i++) { /* a write failed: stop */
        const struct rp_case *c = &r->cases[i];
        bool ok = c->verdict == RP_PASS || c->verdict == RP_NA || c->verdict == RP_WARN;
        const char *name = c->name ? c->name : c->id;
        fprintf(out, "%s %zu", ok ? "ok" : "not ok", i + 1);
        if ((c->suite && *c->suite) || (name && *name))
            fputs(" - ", out);
        if (c->suite && *c->suite) {
            tap_line_text(out, c->suite, true);
            if (name && *name)
                fputs(": ", out);
        }
        tap_line_text(out, name, true);
        if (c->verdict == RP_NA) {
            fputs(" # SKIP ", out);
            tap_line_text(out, c->reason ? c->reason : "not applicable", false);
        }
        fputc('\n', out);
        if (c->verdict != RP_PASS && c->verdict != RP_NA)
            diagnostics(out, r, c); /* FAIL, ERROR, and the reason of a WARN */
    }
    struct rp_counts k = rp_results_counts(r);
    fprintf(out, "# %u pass, %u warn, %u fail, %u n/a, %u error\n", k.pass, k.warn, k.fail, k.na,
            k.error);
    if (r->run.interrupted) {
        fputs("Bail out! the run was interrupted", out);
        if (r->run.stopped_because) {
            fputs(": ", out);
            tap_line_text(out, r->run.stopped_because, false);
        }
        fputc('\n', out);
    }
    return ferror(out) ? -1 : 0;
}
