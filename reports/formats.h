/* reports/formats.h — the one table of report formats: everything that knows the formats
 * (the rp_format enum and the mask of all of them, --format's names and their list in the
 * usage texts and messages, the file names, the stale files rp_open removes, the files a
 * rebuild lists, the writers and the order they run in, RP_MAX_FILES) reads this table,
 * through the enum and rp_formats[] (reports/formats.c) built from it.
 *
 * Adding a format is one X(...) line here plus its writer, a reports/NAME.c defining
 *     int rp_write_NAME(FILE *out, const struct rp_results *r)
 * (report_internal.h declares it from this line; the build takes every reports/ *.c).
 * The columns: the enum's name (RP_ID), the --format name, the file name in the report
 * directory, the writer, and whether the file shows each case at FILE#case-N (the file the
 * end-of-run summary points a reader to for the transcripts; results.jsonl when no such file
 * was written). Listed and written in this order. */
#ifndef OTACHECK_REPORTS_FORMATS_H
#define OTACHECK_REPORTS_FORMATS_H

#define RP_FORMAT_TABLE(X)                                  \
    X(JUNIT, "junit", "junit.xml", rp_write_junit, false)   \
    X(TAP, "tap", "results.tap", rp_write_tap, false)       \
    X(JSON, "json", "results.json", rp_write_json, false)   \
    X(HTML, "html", "report.html", rp_write_html, true)

#endif
