/* reports/svg.h — the pictures of the HTML report and of otacheck diff, drawn as inline SVG
 * (no script, nothing fetched): the latency of the exchanges of one command and form
 * against its limit, one or more series overlaid (one per run in a diff), and the timeline
 * of a flow (its events on a time axis, with the stall and total limits). Every text is
 * escaped; each mark carries a <title> (its tooltip) and, when given, a link. */
#ifndef OTACHECK_REPORTS_SVG_H
#define OTACHECK_REPORTS_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One exchange's latency. */
struct svg_point {
    double latency_ms;
    bool failed;        /* drawn as a failure (a verdict was about it) */
    const char *label;  /* the tooltip: "AT+QIOTUPDATE=1: 2.1 ms" (escaped when written) */
    const char *href;   /* "#case-12", or NULL */
};

/* The points of one run. css_class names its colour and shape ("a", "b"). */
struct svg_series {
    const char *name;   /* the legend: "A: sim:quectel" */
    const char *css_class;
    const struct svg_point *p;
    size_t n;
};

/* Points a series draws: past SVG_MAX_POINTS it is thinned to every failed point and, of
 * each run of ceil(n / SVG_MAX_POINTS) points, the slowest (a point without a final result
 * counts as the slowest); the chart says so under it. */
#define SVG_MAX_POINTS 2000
/* The points of p[0..n) svg_latency_chart draws, as indices in order into keep (room for n);
 * returns how many, and in *run the length of the runs thinned (1: none). For a caller that
 * makes the labels of the points drawn only. */
size_t svg_thin(const struct svg_point *p, size_t n, size_t *keep, size_t *run);

/* A chart of the series (points in their order along x, latency on y) with the limit as a
 * horizontal line (limit_ms 0: none), failed points marked; width in px (the chart scales
 * to its box). title is written as the chart's heading and accessible name. */
void svg_latency_chart(FILE *out, const char *title, const struct svg_series *s, size_t n_series,
                       double limit_ms, unsigned width);

/* One event of a flow, or an exchange the host made in it. */
struct svg_event {
    double t_ms;        /* since the flow's case began */
    bool exchange;      /* a command the host sent (drawn below the axis), else an event */
    bool failed;        /* the event at which the flow broke its rule */
    const char *label;  /* the tooltip: the line */
};

/* The timeline of a flow: the events on a time axis from 0 to end_ms (the case's duration),
 * the total limit as a vertical line at total_ms (0: none) and the stall limit as a band
 * after the last event (0: none); failed events marked. Several timelines (a diff) are
 * drawn one per row, each named. */
struct svg_timeline {
    const char *name;   /* "A", "B", or NULL */
    const char *css_class;
    const struct svg_event *e;
    size_t n;
    double end_ms;
    double stall_ms, total_ms;
};
void svg_flow_timeline(FILE *out, const char *title, const struct svg_timeline *t, size_t n,
                       unsigned width);

/* Writes s (NULL: nothing) escaped for HTML and SVG text and attribute values: & < > " '
 * as entities, each control byte but tab and line feed as the text \xNN. */
void svg_escape(FILE *out, const char *s);
/* A time for an axis or a limit, rounded: "0.25 ms", "412 ms", "2500 ms", "61.2 s". */
const char *svg_fmt_ms(double ms, char *buf, size_t n);

/* The CSS the pictures use (classes .svg-chart, .a, .b, .failed, .limit...), for the page's
 * <style>. */
extern const char svg_css[];

#endif
