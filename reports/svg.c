/* reports/svg.c — the inline SVG pictures of report.html and otacheck diff (reports/svg.h):
 * the latency chart of one command and form against its limit (series overlaid, failures
 * marked, more than SVG_MAX_POINTS points per series thinned to the slowest of each run of
 * points and every failure, and the chart says so), and the timeline of a flow (events above
 * the time axis, the host's exchanges below, the stall band and the total limit).
 * No script, no xmlns URL, nothing fetched; every text is escaped. */
#include <math.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "common/xalloc.h"
#include "reports/svg.h"

/* Whether a byte is written other than as itself: markup, and the control bytes but tab and
 * line feed, which are shown as \xNN. */
static int esc_byte(unsigned char ch)
{
    if (ch < 0x20)
        return ch != '\n' && ch != '\t';
    return ch == '&' || ch == '<' || ch == '>' || ch == '"' || ch == '\'' || ch == 0x7F;
}

void svg_escape(FILE *out, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s, *span = p;
    for (; *p; p++) {
        if (!esc_byte(*p))
            continue;
        if (p > span)
            fwrite(span, 1, (size_t)(p - span), out);
        switch (*p) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fprintf(out, "\\x%02x", *p);
        }
        span = p + 1;
    }
    if (p > span)
        fwrite(span, 1, (size_t)(p - span), out);
}

/* A number with at most `dec` decimals and no trailing zeros. */
static void trimmed(char *buf, size_t n, double v, int dec, const char *unit)
{
    char num[40];
    snprintf(num, sizeof num, "%.*f", dec, v);
    char *dot = strchr(num, '.');
    if (dot) {
        char *e = num + strlen(num);
        while (e > dot + 1 && e[-1] == '0')
            *--e = '\0';
        if (e == dot + 1)
            *dot = '\0';
    }
    snprintf(buf, n, "%s %s", strcmp(num, "-0") == 0 ? "0" : num, unit);
}

/* A time for an axis or a limit, rounded: "0.25 ms", "12.5 ms", "412 ms", "2500 ms", "61.2 s". */
const char *svg_fmt_ms(double ms, char *buf, size_t n)
{
    if (!isfinite(ms))
        ms = 0;
    double a = ms < 0 ? -ms : ms;
    if (a >= 10000)
        trimmed(buf, n, ms / 1000, a >= 100000 ? 0 : 1, "s");
    else
        trimmed(buf, n, ms, a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3, "ms");
    return buf;
}

/* A time as measured, for a tooltip: "412.5 ms", "0.012 ms". */
static const char *exact_ms(double ms, char *buf, size_t n)
{
    trimmed(buf, n, isfinite(ms) ? ms : 0, 3, "ms");
    return buf;
}

/* v rounded up to a whole number of steps (no libm). */
static double up_to_step(double v, double step)
{
    double k = (double)(long long)(v / step);
    if (k * step < v)
        k += 1;
    return k * step;
}

/* A step of 1, 2 or 5 times a power of ten that cuts 0..max into at most about `ticks`. */
static double nice_step(double max, unsigned ticks)
{
    if (!(max > 0) || !isfinite(max))
        return 1;
    double raw = max / ticks, step = 1e-3;
    while (step * 10 <= raw && step < 1e12)
        step *= 10;
    while (step > raw * 10 && step > 1e-9)
        step /= 10;
    if (step * 5 <= raw)
        return step * 10 > raw ? step * 5 : step * 10;
    if (step * 2 <= raw)
        return step * 5;
    if (step < raw)
        return step * 2;
    return step;
}

/* ---- the latency chart -------------------------------------------------------------- */

enum { LC_H = 210, LC_L = 58, LC_R = 14, LC_T = 16, LC_B = 26 };

struct lc_frame {
    double x0, x1, y0, y1; /* the plot area, px */
    double ymax;           /* latency at y0 */
    size_t nmax;           /* the longest series */
};

static double lc_x(const struct lc_frame *f, size_t i)
{
    if (f->nmax <= 1)
        return (f->x0 + f->x1) / 2;
    return f->x0 + (f->x1 - f->x0) * (double)i / (double)(f->nmax - 1);
}

static double lc_y(const struct lc_frame *f, double ms)
{
    if (ms < 0 || ms > f->ymax)
        ms = f->ymax;
    return f->y1 - (f->y1 - f->y0) * ms / f->ymax;
}

size_t svg_thin(const struct svg_point *p, size_t n, size_t *keep, size_t *run_out)
{
    size_t k = 0;
    if (n <= SVG_MAX_POINTS) {
        for (size_t i = 0; i < n; i++)
            keep[k++] = i;
        *run_out = 1;
        return k;
    }
    size_t run = (n + SVG_MAX_POINTS - 1) / SVG_MAX_POINTS;
    *run_out = run;
    for (size_t b = 0; b < n; b += run) {
        size_t e = b + run < n ? b + run : n, best = SIZE_MAX;
        for (size_t i = b; i < e; i++) {
            if (p[i].failed)
                continue;
            if (best == SIZE_MAX ||
                (p[best].latency_ms >= 0 && (p[i].latency_ms < 0 || p[i].latency_ms > p[best].latency_ms)))
                best = i;
        }
        for (size_t i = b; i < e; i++)
            if (p[i].failed || i == best)
                keep[k++] = i;
    }
    return k;
}

static void point(FILE *out, const struct lc_frame *f, const struct svg_point *p, size_t i)
{
    char b[48];
    double x = lc_x(f, i), y = lc_y(f, p->latency_ms);
    if (p->href) {
        fputs("<a href=\"", out);
        svg_escape(out, p->href);
        fputs("\">", out);
    }
    if (p->latency_ms < 0) /* no final result: a triangle at the top */
        fprintf(out, "<path class=\"nofinal%s\" d=\"M%.1f %.1fl-4 -7h8z\">", p->failed ? " failed" : "",
                x, y);
    else if (p->failed) /* a cross */
        fprintf(out, "<path class=\"failed\" d=\"M%.1f %.1fl8 8m0 -8l-8 8\">", x - 4, y - 4);
    else
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\">", x, y);
    fputs("<title>", out);
    if (p->label)
        svg_escape(out, p->label);
    else if (p->latency_ms >= 0)
        fputs(exact_ms(p->latency_ms, b, sizeof b), out);
    else
        fputs("no final result", out);
    if (p->failed)
        fputs(" (failed)", out);
    fputs(p->latency_ms < 0 ? "</title></path>" : p->failed ? "</title></path>" : "</title></circle>",
          out);
    if (p->href)
        fputs("</a>", out);
}

void svg_latency_chart(FILE *out, const char *title, const struct svg_series *s, size_t n_series,
                       double limit_ms, unsigned width)
{
    char b[48];
    if (width < 200)
        width = 200;
    struct lc_frame f = {LC_L, width - LC_R, LC_T, LC_H - LC_B, 0, 0};
    size_t total = 0, failed = 0, nofinal = 0;
    for (size_t k = 0; k < n_series; k++) {
        if (s[k].n > f.nmax)
            f.nmax = s[k].n;
        total += s[k].n;
        for (size_t i = 0; i < s[k].n; i++) {
            const struct svg_point *p = &s[k].p[i];
            failed += p->failed;
            if (p->latency_ms < 0)
                nofinal++;
            else if (p->latency_ms > f.ymax)
                f.ymax = p->latency_ms;
        }
    }
    if (limit_ms > f.ymax)
        f.ymax = limit_ms;
    double step = nice_step(f.ymax * 1.08, 4);
    f.ymax = up_to_step(f.ymax * 1.08, step);
    if (!(f.ymax > 0))
        f.ymax = step = 1;

    fputs("<figure class=\"svg-chart latency\"><figcaption>", out);
    svg_escape(out, title);
    fputs("</figcaption>\n", out);
    fprintf(out, "<svg viewBox=\"0 0 %u %d\" width=\"%u\" height=\"%d\" role=\"img\" aria-label=\"",
            width, LC_H, width, LC_H);
    svg_escape(out, title);
    fputs("\">\n<g class=\"grid\">", out);
    for (double v = 0; v <= f.ymax * 1.0001; v += step) {
        double y = lc_y(&f, v);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                f.x0, y, f.x1, y, f.x0 - 4, y + 4, svg_fmt_ms(v, b, sizeof b));
    }
    fprintf(out, "</g>\n<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                 "<text class=\"xlabel\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">exchanges, in "
                 "order (%zu)</text>\n",
            f.x0, f.y1, f.x1, f.y1, (f.x0 + f.x1) / 2, LC_H - 6, f.nmax);
    if (limit_ms > 0) {
        double y = lc_y(&f, limit_ms);
        fprintf(out, "<line class=\"limit\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">"
                     "<title>limit %s</title></line>"
                     "<text class=\"limit\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">limit %s</text>\n",
                f.x0, y, f.x1, y, svg_fmt_ms(limit_ms, b, sizeof b), f.x1 - 2, y - 3, b);
    }
    size_t drawn = 0, run_max = 1;
    size_t *keep = f.nmax ? oc_xmalloc(f.nmax * sizeof *keep) : NULL;
    for (size_t k = 0; k < n_series; k++) {
        size_t run = 1, nk = svg_thin(s[k].p, s[k].n, keep, &run);
        if (run > run_max)
            run_max = run;
        drawn += nk;
        fputs("<g class=\"points ", out);
        svg_escape(out, s[k].css_class ? s[k].css_class : "a");
        fputs("\">", out);
        for (size_t j = 0; j < nk; j++) {
            point(out, &f, &s[k].p[keep[j]], keep[j]);
            if (j % 8 == 7)
                fputc('\n', out);
        }
        fputs("</g>\n", out);
    }
    free(keep);
    fputs("</svg>\n<p class=\"svg-note\">", out);
    fprintf(out, "%zu exchange%s", total, total == 1 ? "" : "s");
    if (failed)
        fprintf(out, ", <span class=\"failed\">%zu failed</span> (&#x2715;)", failed);
    if (nofinal)
        fprintf(out, ", %zu without a final result (&#x25BC; at the top)", nofinal);
    if (limit_ms > 0)
        fprintf(out, "; limit %s (dashed line)", svg_fmt_ms(limit_ms, b, sizeof b));
    if (drawn < total)
        fprintf(out, ". Thinned: %zu of %zu points drawn, the slowest of each %zu and every failure",
                drawn, total, run_max);
    fputs(".", out);
    if (n_series > 1 || (n_series == 1 && s[0].name)) {
        fputs(" <span class=\"svg-legend\">", out);
        for (size_t k = 0; k < n_series; k++) {
            fputs("<span class=\"key ", out);
            svg_escape(out, s[k].css_class ? s[k].css_class : "a");
            fputs("\"></span>", out);
            svg_escape(out, s[k].name ? s[k].name : "");
            fputc(' ', out);
        }
        fputs("</span>", out);
    }
    fputs("</p>\n</figure>\n", out);
}

/* ---- the flow timeline ------------------------------------------------------------------ */

enum { TL_ROW = 64, TL_T = 8, TL_B = 24, TL_R = 16 };

void svg_flow_timeline(FILE *out, const char *title, const struct svg_timeline *t, size_t n,
                       unsigned width)
{
    char b[48], b2[48];
    if (width < 240)
        width = 240;
    bool named = false;
    double tmax = 0, total_max = 0;
    for (size_t k = 0; k < n; k++) {
        named |= t[k].name != NULL;
        double last = 0;
        for (size_t i = 0; i < t[k].n; i++)
            if (t[k].e[i].t_ms > last)
                last = t[k].e[i].t_ms;
        if (last > tmax)
            tmax = last;
        if (t[k].end_ms > tmax)
            tmax = t[k].end_ms;
        if (t[k].total_ms > total_max)
            total_max = t[k].total_ms;
    }
    /* the total limit is on the axis when it is not far past the flow's end; else it is said
     * at the axis' end */
    if (total_max > tmax && total_max <= tmax * 1.5)
        tmax = total_max;
    double step = nice_step(tmax * 1.04, 6);
    tmax = up_to_step(tmax * 1.04, step);
    if (!(tmax > 0))
        tmax = step = 1;
    double x0 = named ? 64 : 12, x1 = width - TL_R;
    unsigned height = TL_T + (unsigned)n * TL_ROW + TL_B;
#define TX(ms) (x0 + (x1 - x0) * ((ms) < 0 ? 0 : (ms) > tmax ? tmax : (ms)) / tmax)

    fputs("<figure class=\"svg-chart timeline\"><figcaption>", out);
    svg_escape(out, title);
    fputs("</figcaption>\n", out);
    fprintf(out, "<svg viewBox=\"0 0 %u %u\" width=\"%u\" height=\"%u\" role=\"img\" aria-label=\"",
            width, height, width, height);
    svg_escape(out, title);
    fputs("\">\n<g class=\"grid\">", out);
    for (double v = 0; v <= tmax * 1.0001; v += step) {
        double x = TX(v);
        const char *anchor = v == 0 ? "start" : v + step > tmax * 1.0001 ? "end" : "middle";
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%u\"/>"
                     "<text x=\"%.1f\" y=\"%u\" text-anchor=\"%s\">%s</text>",
                x, TL_T, x, height - TL_B, x, height - 8, anchor, svg_fmt_ms(v, b, sizeof b));
    }
    fputs("</g>\n", out);
    size_t failed = 0, beyond = 0;
    for (size_t k = 0; k < n; k++) {
        const struct svg_timeline *tl = &t[k];
        double top = TL_T + (double)k * TL_ROW, axis = top + TL_ROW / 2.0;
        double last = 0;
        for (size_t i = 0; i < tl->n; i++)
            if (!tl->e[i].exchange && tl->e[i].t_ms > last)
                last = tl->e[i].t_ms;
        fputs("<g class=\"row ", out);
        svg_escape(out, tl->css_class ? tl->css_class : "a");
        fputs("\">", out);
        if (tl->name) {
            fprintf(out, "<text class=\"name\" x=\"4\" y=\"%.1f\">", axis + 4);
            svg_escape(out, tl->name);
            fputs("</text>", out);
        }
        if (tl->stall_ms > 0) {
            double xa = TX(last), xb = TX(last + tl->stall_ms);
            fprintf(out, "<rect class=\"stall\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\">"
                         "<title>stall limit %s: the next event was due by %s</title></rect>",
                    xa, top + 14, xb - xa < 1 ? 1 : xb - xa, TL_ROW - 20,
                    svg_fmt_ms(tl->stall_ms, b, sizeof b), svg_fmt_ms(last + tl->stall_ms, b2, sizeof b2));
            fprintf(out, "<text class=\"stall-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">"
                         "stall limit %s%s</text>",
                    xb - 3 < xa + 3 ? xa + 3 : xb - 3, top + TL_ROW - 9,
                    xb - 3 < xa + 3 ? "start" : "end", b,
                    last + tl->stall_ms > tmax ? " &#x2192;" : "");
        }
        fprintf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x0, axis,
                TX(tl->end_ms > 0 ? tl->end_ms : last), axis);
        if (tl->total_ms > 0 && tl->total_ms <= tmax) {
            double x = TX(tl->total_ms);
            fprintf(out, "<line class=\"limit total\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\">"
                         "<title>total limit %s</title></line>"
                         "<text class=\"limit\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">total limit %s</text>",
                    x, top + 2, x, top + TL_ROW - 2, svg_fmt_ms(tl->total_ms, b, sizeof b), x - 3,
                    top + 11, b);
        } else if (tl->total_ms > 0) {
            beyond++;
            fprintf(out, "<text class=\"limit\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">total limit "
                         "%s &#x2192;</text>",
                    x1, top + 11, svg_fmt_ms(tl->total_ms, b, sizeof b));
        }
        for (size_t i = 0; i < tl->n; i++) {
            const struct svg_event *e = &tl->e[i];
            double x = TX(e->t_ms);
            failed += e->failed;
            if (e->failed)
                fprintf(out, "<path class=\"failed\" d=\"M%.1f %.1fl10 10m0 -10l-10 10\">", x - 5,
                        e->exchange ? axis + 6 : axis - 16);
            else if (e->exchange)
                fprintf(out, "<rect class=\"xch\" x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"9\">", x - 1.5,
                        axis + 3);
            else
                fprintf(out, "<rect class=\"ev\" x=\"%.1f\" y=\"%.1f\" width=\"3\" height=\"12\">", x - 1.5,
                        axis - 13);
            fprintf(out, "<title>%s: ", exact_ms(e->t_ms, b, sizeof b));
            svg_escape(out, e->label);
            fputs(e->failed ? " (failed)</title></path>" : "</title></rect>", out);
            if (e->failed) { /* the failing event's line, in the picture itself */
                char cut[44];
                snprintf(cut, sizeof cut, "%s", e->label ? e->label : "");
                fprintf(out, "<text class=\"failed\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x,
                        e->exchange ? axis + 28 : axis - 20, x > (x0 + x1) / 2 ? "end" : "start");
                svg_escape(out, cut);
                if (e->label && strlen(e->label) >= sizeof cut)
                    fputs("&#x2026;", out);
                fputs("</text>", out);
            }
            if (i % 8 == 7)
                fputc('\n', out);
        }
        fputs("</g>\n", out);
    }
#undef TX
    fputs("</svg>\n<p class=\"svg-note\">Events above the axis, the host's commands below", out);
    if (failed)
        fprintf(out, "; <span class=\"failed\">the failing event</span> crossed (&#x2715;)");
    fputs("; the shaded band: the stall limit after the last event; the dashed line: the total "
          "limit",
          out);
    if (beyond)
        fputs(" (&#x2192;: past the end of the axis)", out);
    fputs(".</p>\n</figure>\n", out);
}

const char svg_css[] =
    ".svg-chart{margin:.5em 0;max-width:100%}\n"
    ".svg-chart figcaption{font-weight:600;overflow-wrap:anywhere}\n"
    ".svg-chart svg{display:block;max-width:100%;height:auto;font:11px system-ui,sans-serif;"
    "background:#fff;border:1px solid #e0e0e0}\n"
    ".svg-chart .grid line{stroke:#ececec}.svg-chart text{fill:#555;stroke:none}\n"
    ".svg-chart .axis{stroke:#888}\n"
    ".svg-chart .limit{stroke:#c00;stroke-width:1.5;stroke-dasharray:6 3}\n"
    ".svg-chart text.limit{fill:#c00;stroke:none}\n"
    ".svg-chart .stall{fill:#f2b01e;fill-opacity:.22;stroke:none}\n"
    ".svg-chart text.stall-label{fill:#9a6a00;stroke:none}\n"
    ".svg-chart .a{fill:#2f6fc0;stroke:#2f6fc0}.svg-chart .b{fill:#df7a00;stroke:#df7a00}\n"
    ".svg-chart .points circle{stroke:none;fill-opacity:.75}\n"
    ".svg-chart .xch{fill:#777;stroke:none}.svg-chart .ev{stroke:none}\n"
    ".svg-chart .nofinal{stroke:none}\n"
    ".svg-chart .failed{fill:#d00;stroke:#d00;stroke-width:2.2}\n"
    ".svg-chart text.failed{stroke:none;font-weight:600}\n"
    ".svg-note{font-size:.85em;color:#555;margin:.2em 0}\n"
    ".svg-note .failed{color:#d00;font-weight:600}\n"
    ".svg-legend .key{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 .6em}\n"
    ".svg-legend .key.a{background:#2f6fc0}.svg-legend .key.b{background:#df7a00}\n";
