/* tests/test_caps.c — the capability file fails loudly and credentials are masked in every
 * form: every limit of the file is an error at its line (a value of CAPS_MAX_VALUE bytes
 * loads whole, a longer one does not, a line longer than the reader takes neither), an
 * unterminated or missing ${reference} is an error at the line that uses it, a NUL or any
 * control byte in a credential is an error at its line, and so is a credential too short to
 * mask or one that an inline comment would cut. The one masker (parser/mask.h) removes a
 * credential's text, its lower- and upper-cased copies, its hex in both cases and its base64
 * alone and at the three offsets inside a longer stream, leaves unrelated text ('a=b')
 * alone, masks a 272-character base64 credential whole with no stray ***, refuses a
 * credential of one or two bytes, and masks a credential holding a NUL byte as transcripts
 * print it. The session keeps a long credential whole (never cut into two) and its
 * transcript masks every form of it; the report files written hold none of them, and
 * neither does a fuzzer's reproducer, whose command line keeps it whole as ${cred:1}. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conformance/caps.h"
#include "fuzz/repro.h"
#include "harness/session.h"
#include "harness/transport.h"
#include "parser/mask.h"
#include "reports/report.h"
#include "tests/tu.h"

/* ---- helpers --------------------------------------------------------------------------- */

static const char *temp_path(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/otacheck-test-caps-%d.ini", (int)getpid());
    return path;
}

/* Writes n bytes (may hold NUL) to the temporary file; returns its path. */
static const char *write_bytes(const char *text, size_t n)
{
    const char *p = temp_path();
    FILE *f = fopen(p, "wb");
    CU_ASSERT_FATAL(f != NULL);
    fwrite(text, 1, n, f);
    fclose(f);
    return p;
}

static const char *write_text(const char *text)
{
    return write_bytes(text, strlen(text));
}

/* A string of n bytes, printable, that repeats no short piece often (for credentials). */
static char *pattern(size_t n, unsigned seed)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    char *s = malloc(n + 1);
    unsigned x = seed * 2654435761u + 12345u;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = a[(x >> 16) % (sizeof a - 1)];
    }
    s[n] = '\0';
    return s;
}

static bool load_fails_at(const char *path, int line, const char *what, char *err, size_t errlen)
{
    struct cf_caps c;
    int r = cf_caps_load(&c, path, err, errlen);
    cf_caps_free(&c);
    char at[32];
    snprintf(at, sizeof at, ":%d: ", line);
    return r != 0 && strstr(err, at) && (!what || strstr(err, what));
}

static size_t count(const char *hay, const char *needle)
{
    size_t k = 0, n = strlen(needle);
    for (const char *p = hay; n && (p = strstr(p, needle)) != NULL; p += n)
        k++;
    return k;
}

static char *masked_with(const char *const *secrets, size_t n_secrets, const char *text)
{
    struct at_secrets s;
    at_secrets_init(&s);
    for (size_t i = 0; i < n_secrets; i++)
        at_secrets_add(&s, secrets[i], strlen(secrets[i]));
    char *out = at_secrets_mask_dup(&s, text, strlen(text), NULL);
    at_secrets_free(&s);
    return out;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64(const uint8_t *p, size_t n)
{
    char *out = malloc(4 * ((n + 2) / 3) + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
        out[o++] = B64[v >> 18 & 63];
        out[o++] = B64[v >> 12 & 63];
        out[o++] = i + 1 < n ? B64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? B64[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static char *hex(const char *s, bool upper)
{
    size_t n = strlen(s);
    char *out = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, upper ? "%02X" : "%02x", (unsigned char)s[i]);
    return out;
}

static char *cased(const char *s, bool upper)
{
    char *out = strdup(s);
    for (char *p = out; *p; p++)
        if (upper && *p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
        else if (!upper && *p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

/* Whether any 8-character piece of the credential's encodings is left in text: a piece of
 * its hex or of its base64 at any offset. */
static bool any_piece_left(const char *text, const char *secret)
{
    size_t n = strlen(secret);
    char *forms[5] = {hex(secret, false), hex(secret, true), NULL, NULL, NULL};
    for (size_t a = 0; a < 3; a++) {
        uint8_t *buf = calloc(1, n + 3);
        memcpy(buf + a, secret, n);
        char *e = b64(buf, n + a);
        /* drop the characters that hold a neighbour's bits */
        size_t j0 = (8 * a + 5) / 6, j1 = (8 * a + 8 * n) / 6;
        e[j1] = '\0';
        forms[2 + a] = strdup(e + j0);
        free(e);
        free(buf);
    }
    bool left = false;
    for (size_t f = 0; f < 5; f++) {
        size_t fl = strlen(forms[f]);
        for (size_t i = 0; i + 8 <= fl && !left; i++) {
            char piece[9];
            memcpy(piece, forms[f] + i, 8);
            piece[8] = '\0';
            left = strstr(text, piece) != NULL;
        }
        free(forms[f]);
    }
    return left;
}

/* ---- the capability file's limits ------------------------------------------------------ */

/* A credential of CAPS_MAX_VALUE bytes loads whole and reaches the [ota] line whole. */
static void long_value_round_trips(void)
{
    char *secret = pattern(CAPS_MAX_VALUE, 1);
    size_t n = strlen(secret) + 200;
    char *text = malloc(n);
    snprintf(text, n, "[module]\nvendor = quectel\n[ota]\nfota.setup = AT+QIOTCFG=\"productinfo\",\"pk1\","
                      "\"${ps}\"\n[credentials]\nps = %s\n", secret);
    struct cf_caps c;
    char err[512] = "";
    TU_CHECK(cf_caps_load(&c, write_text(text), err, sizeof err) == 0, "a %d-byte credential loads: %s",
             CAPS_MAX_VALUE, err);
    TU_CHECK(c.secrets[0] && strcmp(c.secrets[0], secret) == 0 && !c.secrets[1], "the credential is kept whole (%zu bytes)",
             c.secrets[0] ? strlen(c.secrets[0]) : 0);
    const struct cf_flow_caps *f = cf_caps_flow(&c, "fota");
    TU_CHECK(f && f->setup[0] && strstr(f->setup[0], secret) &&
                 strlen(f->setup[0]) == strlen("AT+QIOTCFG=\"productinfo\",\"pk1\",\"\"") + CAPS_MAX_VALUE,
             "the [ota] line holds it whole (%zu bytes)", f && f->setup[0] ? strlen(f->setup[0]) : 0);
    cf_caps_free(&c);

    /* any key: a value of CAPS_MAX_VALUE bytes is taken as it is */
    snprintf(text, n, "[module]\nreset = %s\n", secret);
    TU_CHECK(cf_caps_load(&c, write_text(text), err, sizeof err) == 0 && c.reset && strcmp(c.reset, secret) == 0,
             "a long reset line loads whole: %s", err);
    cf_caps_free(&c);
    free(text);
    free(secret);
}

/* Past the limits: an error at the line, never a cut line read as two. */
static void over_the_limits(void)
{
    char err[512] = "";
    char *big = pattern(5000, 2);
    size_t n = strlen(big) + 200;
    char *text = malloc(n + 20000);
    snprintf(text, n, "[module]\nvendor = fibocom\n\n[credentials]\ntoken = %s\nother = abcdef\n", big);
    TU_CHECK(load_fails_at(write_text(text), 5, "5000 bytes", err, sizeof err), "a 5000-byte value: %s", err);
    TU_CHECK(!strstr(err, big) && !strstr(err, "not a 'key"), "the error says the length, not the value: %s", err);
    /* a line past what the reader takes: the same, at its line */
    char *huge = pattern(CAPS_MAX_LINE + 10, 3);
    snprintf(text, n + 20000, "[module]\nvendor = fibocom\n[ota]\nfota.start = AT+X=\"%s\"\nfota.setup = AT\n", huge);
    TU_CHECK(load_fails_at(write_text(text), 4, "bytes long", err, sizeof err), "a line of %d bytes: %s",
             CAPS_MAX_LINE + 10, err);
    /* once its ${name}s are replaced, an [ota] line may be no longer than CAPS_MAX_EXPANDED */
    char *val = pattern(CAPS_MAX_VALUE, 4);
    size_t k = snprintf(text, n + 20000, "[ota]\nfota.start = AT+X=\"");
    for (int i = 0; i < CAPS_MAX_EXPANDED / CAPS_MAX_VALUE + 1; i++)
        k += snprintf(text + k, n + 20000 - k, "${v}");
    snprintf(text + k, n + 20000 - k, "\"\n[credentials]\nv = %s\n", val);
    TU_CHECK(load_fails_at(write_text(text), 2, "once its", err, sizeof err), "an [ota] line too long once expanded: %s",
             err);
    free(val);
    free(huge);
    free(text);
    free(big);
}

/* ${...}: an unterminated or empty one, or one that names no credential, is an error at
 * the line that holds it (credentials come later in the file, the error is still there). */
static void references(void)
{
    char err[512] = "";
    TU_CHECK(load_fails_at(write_text("[module]\nvendor = airm2m\n[ota]\nupgrade.start = AT+X=\"${ftp_pass\"\n"
                                      "[credentials]\nftp_pass = hunter22\n"),
                           4, "unterminated", err, sizeof err),
             "an unterminated ${: %s", err);
    TU_CHECK(load_fails_at(write_text("[ota]\nfota.setup = AT\n\nfota.setup = AT+X=${}\n"), 4, "empty", err,
                           sizeof err),
             "an empty ${}: %s", err);
    TU_CHECK(load_fails_at(write_text("[ota]\n; a comment\nfota.setup = AT\n\nfota.setup = AT+X=\"${nope}\"\n"
                                      "fota.start = AT+Y\n[credentials]\nyes = abcdef\n"),
                           5, "${nope}", err, sizeof err),
             "a missing ${ref} names the line that uses it: %s", err);
    TU_CHECK(load_fails_at(write_text("[ota]\nfota.setup = AT\nfota.start = AT+Y=\"${a}\",\"${b}\"\n"
                                      "[credentials]\na = abcdef\n"),
                           3, "${b}", err, sizeof err),
             "the second reference of a start line: %s", err);
    /* one that is there, twice, and text around it */
    struct cf_caps c;
    TU_CHECK(cf_caps_load(&c, write_text("[ota]\nfota.start = AT+Y=\"${a}\",\"${a}$x{\"\n[credentials]\na = abcdef\n"),
                          err, sizeof err) == 0,
             "two references: %s", err);
    const struct cf_flow_caps *f = cf_caps_flow(&c, "fota");
    TU_CHECK(f && f->start && strcmp(f->start, "AT+Y=\"abcdef\",\"abcdef$x{\"") == 0, "replaced: %s",
             f && f->start ? f->start : "-");
    cf_caps_free(&c);
}

/* A credential is checked at its line: no NUL, no control byte, long enough to mask, not
 * cut by an inline comment, given once. */
static void credentials_checked(void)
{
    char err[512] = "";
    static const char nul[] = "[module]\nvendor = simcom\n[credentials]\nps = abc\0defgh\n";
    TU_CHECK(load_fails_at(write_bytes(nul, sizeof nul - 1), 4, "NUL", err, sizeof err), "a NUL byte: %s", err);
    static const char *const ctl[] = {"\x01", "\x1b", "\t", "\x7f", "\x0b"};
    for (size_t i = 0; i < sizeof ctl / sizeof ctl[0]; i++) {
        char text[200];
        snprintf(text, sizeof text, "[credentials]\n\nps = abc%sdefgh\n", ctl[i]);
        TU_CHECK(load_fails_at(write_text(text), 3, "control byte", err, sizeof err), "control byte 0x%02x: %s",
                 (unsigned char)ctl[i][0], err);
        TU_CHECK(!strstr(err, "abc"), "the error does not show the credential: %s", err);
    }
    TU_CHECK(load_fails_at(write_text("[credentials]\na = =\n"), 2, "at least", err, sizeof err), "one byte: %s", err);
    TU_CHECK(load_fails_at(write_text("[credentials]\na = ab\n"), 2, "at least", err, sizeof err), "two bytes: %s", err);
    TU_CHECK(load_fails_at(write_text("[credentials]\na =\n"), 2, "at least", err, sizeof err), "empty: %s", err);
    TU_CHECK(load_fails_at(write_text("[credentials]\na = pass ;word\n"), 2, "comment", err, sizeof err),
             "an inline comment that would cut it: %s", err);
    TU_CHECK(load_fails_at(write_text("[credentials]\na = abcdef\n  ghijkl\n"), 3, "twice", err, sizeof err),
             "a continuation line: %s", err);
    TU_CHECK(load_fails_at(write_text("[credentials]\na = abcdef\nb = 123456\na = ghijkl\n"), 4, "twice", err,
                           sizeof err),
             "the same name again: %s", err);
    /* what is allowed: three bytes, ';' not after a blank, UTF-8, ':' and '=' inside */
    struct cf_caps c;
    TU_CHECK(cf_caps_load(&c, write_text("[credentials]\na = abc\nb = x;y=z:w\nc = p\xc3\xa4ss==\nd: e=f==\n"), err,
                          sizeof err) == 0,
             "printable credentials load: %s", err);
    TU_CHECK(c.secrets[0] && strcmp(c.secrets[0], "abc") == 0 && c.secrets[1] && strcmp(c.secrets[1], "x;y=z:w") == 0 &&
                 c.secrets[2] && strcmp(c.secrets[2], "p\xc3\xa4ss==") == 0 && c.secrets[3] &&
                 strcmp(c.secrets[3], "e=f==") == 0,
             "as written");
    cf_caps_free(&c);
    /* line-gap: milliseconds, 1..HX_LINE_GAP_MS_MAX */
    TU_CHECK(cf_caps_load(&c, write_text("[module]\nline-gap = 500\n"), err, sizeof err) == 0 && c.line_gap_ms == 500,
             "line-gap = 500 loads: %s", err);
    cf_caps_free(&c);
    TU_CHECK(load_fails_at(write_text("[module]\nvendor = simcom\nline-gap = 10001\n"), 3, "line-gap", err, sizeof err),
             "line-gap past its bound: %s", err);
    /* a NUL outside the credentials is an error too: the line would be cut */
    static const char nul2[] = "[module]\nvendor = simcom\0x\n";
    TU_CHECK(load_fails_at(write_bytes(nul2, sizeof nul2 - 1), 2, "NUL", err, sizeof err), "a NUL byte anywhere: %s",
             err);
    /* the errors of before are still at their lines */
    TU_CHECK(load_fails_at(write_text("[module]\nvendor = simcom\n\n[module]\nvendr = x\n"), 5, "vendr", err, sizeof err),
             "an unknown key: %s", err);
    TU_CHECK(load_fails_at(write_text("this is not ini\n"), 1, NULL, err, sizeof err), "not INI: %s", err);
    TU_CHECK(load_fails_at(write_text("[module]\nvendor = x\nnot ini\nvendr = y\n"), 3, "not a 'key", err, sizeof err),
             "the first error is the one said: %s", err);
}

/* ---- the masker ------------------------------------------------------------------------ */

/* Each form of a credential goes; unrelated text stays. */
static void every_form_masked(void)
{
    static const char S[] = "Tr0ub4dor&3-HorseBattery";
    char *lower = cased(S, false), *upper = cased(S, true), *hl = hex(S, false), *hu = hex(S, true);
    char *plain = b64((const uint8_t *)S, strlen(S));
    /* inside longer streams, at each offset modulo 3 */
    char *stream[3];
    for (size_t a = 0; a < 3; a++) {
        char buf[128];
        snprintf(buf, sizeof buf, "%.*s%s tail bytes", (int)(a + 3), "head:", S);
        stream[a] = b64((const uint8_t *)buf, strlen(buf));
    }
    char text[2048];
    snprintf(text, sizeof text,
             "AT+X=\"%s\" a=b\nlower %s\nupper %s\nhex %s\nHEX %s\nb64 %s\ns0 %s\ns1 %s\ns2 %s\nkeep: x==y, "
             "QUJD, 616263, Tr0ub, OK\n",
             S, lower, upper, hl, hu, plain, stream[0], stream[1], stream[2]);
    const char *const secrets[] = {S};
    char *out = masked_with(secrets, 1, text);
    TU_CHECK(!strstr(out, S) && !strstr(out, lower) && !strstr(out, upper), "text and case copies: %s", out);
    TU_CHECK(!strstr(out, hl) && !strstr(out, hu), "hex: %s", out);
    TU_CHECK(!strstr(out, plain), "base64: %s", out);
    TU_CHECK(!any_piece_left(out, S), "no 8-character piece of its hex or base64 at any offset: %s", out);
    TU_CHECK(strstr(out, "AT+X=\"" AT_MASK "\" a=b\n") && strstr(out, "lower " AT_MASK "\n") &&
                 strstr(out, "hex " AT_MASK "\n") && strstr(out, "b64 " AT_MASK "\n"),
             "one mask for each: %s", out);
    TU_CHECK(strstr(out, "\nkeep: x==y, QUJD, 616263, Tr0ub, OK\n"), "unrelated text stays: %s", out);
    TU_CHECK(strlen(out) <= strlen(text), "never longer");
    for (size_t a = 0; a < 3; a++) {
        /* the stream's edges, which hold the neighbours' bits, stay */
        TU_CHECK(strncmp(strstr(out, a == 0 ? "s0 " : a == 1 ? "s1 " : "s2 ") + 3, stream[a], 4) == 0,
                 "stream %zu keeps its head: %s", a, out);
        free(stream[a]);
    }
    free(out);
    free(lower);
    free(upper);
    free(hl);
    free(hu);
    free(plain);
}

/* Short credentials: one or two bytes are refused, three to five are masked as written only. */
static void short_credentials(void)
{
    struct at_secrets s;
    at_secrets_init(&s);
    TU_CHECK(!at_secrets_add(&s, "=", 1) && !at_secrets_add(&s, "ab", 2) && s.n == 0,
             "one and two bytes are not added (%zu forms)", s.n);
    TU_CHECK(at_secrets_add(&s, "a=b", 3) && s.n == 1, "three bytes: the text only (%zu forms)", s.n);
    static const char T[] = "x a=b A=B 613d62 YT1i a=bc =";
    char *out = at_secrets_mask_dup(&s, T, strlen(T), NULL);
    TU_CHECK(strcmp(out, "x " AT_MASK " A=B 613d62 YT1i " AT_MASK "c =") == 0, "as written, case and all: %s", out);
    free(out);
    at_secrets_free(&s);
    const char *const one[] = {"="};
    out = masked_with(one, 1, "a=b, c==d");
    TU_CHECK(strcmp(out, "a=b, c==d") == 0, "a one-byte credential masks no '=': %s", out);
    free(out);
}

/* A base64 credential of 272 characters (the one of the issue), from a capability file:
 * masked whole, the module's echo too, and no '=' elsewhere turns into ***. */
static void long_base64_credential(void)
{
    uint8_t raw[202];
    for (size_t i = 0; i < sizeof raw; i++)
        raw[i] = (uint8_t)(i * 37 + 11);
    char *tok = b64(raw, sizeof raw);
    TU_CHECK(strlen(tok) == 272 && tok[271] == '=', "a 272-character token with padding");
    char text[1024];
    snprintf(text, sizeof text, "[module]\nvendor = airm2m\n[ota]\nupgrade.start = AT+UPGRADE=\"KEY\",\"${tok}\"\n"
                                "[credentials]\ntok = %s\n", tok);
    struct cf_caps c;
    char err[512] = "";
    TU_CHECK(cf_caps_load(&c, write_text(text), err, sizeof err) == 0, "loads: %s", err);
    TU_CHECK(c.secrets[0] && strcmp(c.secrets[0], tok) == 0 && !c.secrets[1], "one credential, whole");
    struct at_secrets s;
    at_secrets_init(&s);
    for (size_t i = 0; c.secrets[i]; i++)
        at_secrets_add(&s, c.secrets[i], strlen(c.secrets[i]));
    const struct cf_flow_caps *f = cf_caps_flow(&c, "upgrade");
    char tr[2048];
    snprintf(tr, sizeof tr, "> %s\n< %s\n< +UPGRADE: \"KEY\",\"%s\"\n< a=b OK\n", f && f->start ? f->start : "",
             f && f->start ? f->start : "", tok);
    char *out = at_secrets_mask_dup(&s, tr, strlen(tr), NULL);
    static const char WANT[] = "> AT+UPGRADE=\"KEY\",\"***\"\n< AT+UPGRADE=\"KEY\",\"***\"\n< +UPGRADE: \"KEY\",\"***\"\n"
                               "< a=b OK\n";
    TU_CHECK(strcmp(out, WANT) == 0, "masked whole, nothing else:\n%s", out);
    TU_CHECK(count(out, AT_MASK) == 3, "three masks, no stray one: %zu", count(out, AT_MASK));
    free(out);
    at_secrets_free(&s);
    cf_caps_free(&c);
    free(tok);
}

/* A credential holding a NUL byte (sent in a secret parameter with an escape): masked as a
 * transcript prints it, and its pieces. */
static void nul_in_credential(void)
{
    static const char sec[] = "abcdef\0ghijkl\x01m";
    struct at_secrets s;
    at_secrets_init(&s);
    TU_CHECK(at_secrets_add(&s, sec, sizeof sec - 1), "added");
    const char *text = "< +X: abcdef\\x00ghijkl\\x01m\n< +Y: ABCDEF\\X00\n< cut: abcdef\n< hex 616263646566006768696a6b6c016d\n";
    char *out = at_secrets_mask_dup(&s, text, strlen(text), NULL);
    TU_CHECK(strcmp(out, "< +X: ***\n< +Y: ***\\X00\n< cut: ***\n< hex ***\n") == 0, "as printed, its pieces, its hex: %s",
             out);
    free(out);
    at_secrets_free(&s);
}

/* ---- the session and the reports ------------------------------------------------------- */

/* A credential longer than the session's old 256-byte slots is kept whole and masked in
 * every form the module prints it in; a report of it holds none of them. */
static void session_keeps_long_credential(void)
{
    char *sec = pattern(600, 5);
    char *hx = hex(sec, true), *low = cased(sec, false);
    char *cfg = malloc(1000);
    snprintf(cfg, 1000, "AT+QIOTCFG=\"productinfo\",\"pk1\",\"%s\"", sec);
    /* a module that echoes, then prints the credential in hex and lower-cased in fields
     * that are not secret, then OK */
    size_t sn = strlen(cfg) + strlen(hx) + strlen(low) + 400;
    char *spec = malloc(sn);
    snprintf(spec, sn,
             "exec:head -c %zu >/dev/null; printf '%%s\\r\\r\\n+QIOTCFG: \"productinfo\",\"%%s\"\\r\\n"
             "+QIOTCFG: \"productinfo\",\"%%s\"\\r\\nOK\\r\\n' '%s' '%s' '%s'; exec sleep 5",
             strlen(cfg) + 1, cfg, hx, low);
    char err[256] = "";
    struct hx_transport *tr;
    CU_ASSERT_FATAL(hx_open(spec, tu_grammar(), &tr, err, sizeof err) == 0);
    struct hx_session s;
    CU_ASSERT_FATAL(hx_session_init(&s, tr, tu_vendor("quectel"), NULL, NULL) == 0);
    struct hx_exchange x;
    hx_exchange(&s, cfg, 3000ull * 1000000, &x);
    TU_CHECK(hx_secret_count(&s) == 1 && s.secret_len[0] == 600 && strcmp(s.secrets[0], sec) == 0,
             "the credential kept whole: %u kept, %zu bytes", hx_secret_count(&s), s.secret_len[0]);
    static char t[16384];
    hx_transcript(&s, 0, s.n_ev, t, sizeof t);
    char piece[21];
    bool left = false;
    for (size_t i = 0; i + 20 <= 600 && !left; i += 7) {
        memcpy(piece, sec + i, 20);
        piece[20] = '\0';
        char *pl = cased(piece, false);
        left = strstr(t, piece) || strstr(t, pl);
        free(pl);
    }
    TU_CHECK(!left && !any_piece_left(t, sec), "no piece of the credential in the transcript:\n%.2000s", t);
    TU_CHECK(count(t, "+QIOTCFG: \"productinfo\",\"" AT_MASK "\"") == 2, "its hex and lower-cased copy masked:\n%.2000s",
             t);

    /* the report of the case: the credential registered, the transcript as the session gave it */
    char dir[] = "/tmp/otacheck-test-caps-XXXXXX";
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    struct rp_writer *w = rp_open(dir, RP_ALL_FORMATS | RP_LAVA, err, sizeof err); /* every format */
    CU_ASSERT_FATAL(w != NULL);
    rp_set_live_out(w, NULL); /* results.lava holds the same lines */
    rp_add_secret(w, sec);
    struct rp_target tg = {.vendor = "quectel", .spec = "sim:quectel", .overhead_ms = -1};
    rp_add_target(w, &tg);
    char *reason = malloc(2000);
    snprintf(reason, 2000, "the module printed %s and %s", low, hx);
    struct rp_case c = {.id = "quectel/+QIOTCFG/write/long", .suite = "quectel +QIOTCFG", .name = "long",
                        .vendor = "quectel", .command = "+QIOTCFG", .form = "write", .verdict = RP_FAIL,
                        .rule = "no-secret-leak", .reason = reason, .seen = sec, .latency_ms = -1,
                        .first_byte_ms = -1, .transcript = t};
    rp_case(w, &c);
    struct rp_run run = {.tool_version = "otacheck test", .command_line = "test_caps"};
    TU_CHECK(rp_finish(w, &run, err, sizeof err) == 0, "rp_finish: %s", err);
    rp_free(w);
    const char *names[RP_N_FORMATS + 1] = {"results.jsonl"}; /* and every format's file */
    for (size_t i = 0; i < RP_N_FORMATS; i++)
        names[i + 1] = rp_formats[i].file;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        TU_CHECK(f != NULL, "%s written", names[i]);
        if (!f)
            continue;
        static char body[1 << 20];
        size_t got = fread(body, 1, sizeof body - 1, f);
        body[got] = '\0';
        fclose(f);
        memcpy(piece, sec + 100, 20);
        TU_CHECK(!strstr(body, piece) && !any_piece_left(body, sec), "%s holds a piece of the credential", names[i]);
        TU_CHECK(strstr(body, AT_MASK), "%s masks", names[i]);
        unlink(path);
    }
    rmdir(dir);
    free(reason);
    hx_session_free(&s);
    hx_close(tr);
    free(spec);
    free(cfg);
    free(hx);
    free(low);
    free(sec);
}

/* The device fuzzer's reproducers: a configuration credential of 300 bytes stands whole as
 * ${cred:1} in a command line and comes back whole on replay; in the comments, its text
 * and its hex and base64 are ***. */
static void reproducer_keeps_long_credential(void)
{
    char sec[301];
    for (size_t i = 0; i < 300; i++)
        sec[i] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/="[(i * 7 + i / 64) % 65];
    sec[300] = '\0';
    struct fz_creds c;
    memset(&c, 0, sizeof c);
    fz_creds_add(&c, sec);
    TU_CHECK(c.n == 1, "a 300-byte credential is kept (it was dropped past 255 bytes)");
    char *line = malloc(400), *shown = malloc(4096);
    snprintf(line, 400, "AT+X=\"%s\"", sec);
    fz_creds_hide(&c, line, true, shown, 4096);
    TU_CHECK(strcmp(shown, "AT+X=\"${cred:1}\"") == 0, "a placeholder for the whole value: %s", shown);
    size_t n = 0;
    char *back = fz_creds_fill(&c, shown, &n);
    TU_CHECK(strcmp(back, line) == 0 && n == strlen(line), "replay fills the whole value back in");
    free(back);
    /* a reproducer file */
    char *h = hex(sec, true), *b = b64((const uint8_t *)sec, strlen(sec));
    size_t tl = strlen(h) + strlen(b) + 64;
    char *transcript = malloc(tl);
    snprintf(transcript, tl, "> AT+Y\n< +Y: %s\n< +Z: %s\n< OK\n", h, b);
    struct fz_lines lines;
    fz_lines_init(&lines);
    fz_lines_push(&lines, line, strlen(line));
    struct fz_repro_info info = {.vendor = "simcom", .rule = "no-secret-leak", .where = "AT+X", .expected = "x",
                                 .seen = sec, .target = "sim:simcom", .transcript = transcript};
    char path[64], err[256];
    snprintf(path, sizeof path, "/tmp/otacheck-test-caps-%d.at", (int)getpid());
    TU_CHECK(fz_repro_write(path, &info, &lines, &c, err, sizeof err) == 0, "written: %s", err);
    FILE *f = fopen(path, "rb");
    char *body = calloc(1, 65536);
    if (f) {
        fread(body, 1, 65535, f);
        fclose(f);
    }
    unlink(path);
    char piece[21];
    bool left = false;
    for (size_t i = 0; i + 20 <= 300; i++) {
        memcpy(piece, sec + i, 20);
        piece[20] = '\0';
        left |= strstr(body, piece) != NULL;
    }
    TU_CHECK(!left && !any_piece_left(body, sec), "no piece of the credential in the reproducer:\n%.3000s", body);
    TU_CHECK(strstr(body, "AT+X=\"${cred:1}\"\n") != NULL, "the command line replays:\n%.3000s", body);
    fz_lines_free(&lines);
    fz_creds_free(&c);
    free(body);
    free(transcript);
    free(h);
    free(b);
    free(line);
    free(shown);
}

int main(int argc, char **argv)
{
    if (CU_initialize_registry() != CUE_SUCCESS)
        return 1;
    CU_pSuite s = tu_suite("caps limits");
    tu_add(s, "a value of CAPS_MAX_VALUE bytes loads whole", long_value_round_trips);
    tu_add(s, "past a limit: an error at the line", over_the_limits);
    tu_add(s, "${references}: errors at the line that uses them", references);
    tu_add(s, "credentials checked at their line", credentials_checked);
    s = tu_suite("masking");
    tu_add(s, "every form of a credential masked", every_form_masked);
    tu_add(s, "short credentials", short_credentials);
    tu_add(s, "a 272-character base64 credential masked whole", long_base64_credential);
    tu_add(s, "a credential holding a NUL byte", nul_in_credential);
    tu_add(s, "the session keeps a long credential whole", session_keeps_long_credential);
    tu_add(s, "a reproducer keeps a long credential whole and hidden", reproducer_keeps_long_credential);
    int r = tu_run(argc, argv);
    unlink(temp_path());
    return r;
}
