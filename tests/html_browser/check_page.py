#!/usr/bin/env python3
# tests/html_browser/check_page.py — the two checks of tests/html_browser.sh that are not
# made inside the page:
#   static PAGE   the page names nothing to fetch: no src, no href but "#..." fragments, no
#                 <link>, <base>, <iframe>, <object>, <embed>, <meta http-equiv=refresh>, no
#                 url(...) or @import in its CSS, and its only scripts are inline
#   netlog FILE   Chromium's --log-net-log of loading the page: no URL request that the page
#                 started (Chromium's own requests, for its updates and accounts, say their
#                 initiator is "not an origin"; a page opened from file:// is the opaque
#                 origin "null")
# Each prints what it found wrong and exits 1, or exits 0 quietly.
import html.parser
import json
import re
import sys


class Refs(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad, self.css, self.in_style = [], [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("link", "base", "iframe", "object", "embed", "img", "audio", "video",
                   "source", "track", "frame", "portal"):
            self.bad.append(f"<{tag}>")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            self.bad.append("<meta http-equiv=refresh>")
        for k, v in attrs:
            if k in ("src", "srcset", "data", "poster", "action", "formaction", "background",
                     "ping", "xlink:href"):
                self.bad.append(f"<{tag} {k}={v!r}>")
            if k == "href" and not (v or "").startswith("#"):
                self.bad.append(f"<{tag} href={v!r}>")
            if k == "style" and re.search(r"url\s*\(|@import", v or "", re.I):
                self.bad.append(f"<{tag} style={v!r}>")
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.css.append(data)


def static(path):
    p = Refs()
    p.feed(open(path, encoding="utf-8").read())
    css = "".join(p.css)
    for m in re.finditer(r"url\s*\(|@import", css, re.I):
        p.bad.append(f"CSS: {css[m.start():m.start() + 60]!r}")
    for b in p.bad[:20]:
        print(f"{path}: fetches: {b}")
    return 1 if p.bad else 0


def netlog(path):
    d = json.load(open(path, encoding="utf-8"))
    types = {v: k for k, v in d["constants"]["logEventTypes"].items()}
    bad = []
    for e in d["events"]:
        if types.get(e["type"]) != "URL_REQUEST_START_JOB":
            continue
        p = e.get("params", {})
        if "url" in p and p.get("initiator") != "not an origin": # the job's start, not its end
            bad.append(f"{p.get('method')} {p.get('url')} (initiator {p.get('initiator')})")
    for b in bad[:20]:
        print(f"{path}: the page requested {b}")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("static", "netlog"):
        print("usage: check_page.py static PAGE | netlog FILE", file=sys.stderr)
        sys.exit(2)
    sys.exit(static(sys.argv[2]) if sys.argv[1] == "static" else netlog(sys.argv[2]))
