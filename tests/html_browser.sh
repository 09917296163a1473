#!/usr/bin/env bash
# tests/html_browser.sh — report.html in a real browser: Debian's Chromium, headless, loads
# the report of a failing run (slow answers: response-time FAILs; two flow events swapped:
# flow-order FAILs; noise bytes: a clean-output FAIL with bytes that are not text) at a
# 1366x900 window, and tests/html_browser/probe.js, appended to a copy of the page, drives it
# and says in the DOM Chromium dumps: the failures come first, each with its reason, every
# finding, its latency and transcript; the latency charts have their limit line and failed
# marks above it, the flow timelines their limits and failing event; the text filter hides
# the rows that do not match, the verdict buttons and the rule links filter, the headings
# sort; with every section open the page is no wider than the window; nothing was loaded.
# The page itself makes no network request: nothing in it to fetch, and Chromium's net log
# of loading it has no request the page started (tests/html_browser/check_page.py). Then
# each check is shown to fail on a broken copy of the page.
# Usage: tests/html_browser.sh path/to/otacheck. Exit 77 (skipped) without chromium
# (scripts/setup-debian.sh installs it).
set -u
ot=$1
here=$(cd "$(dirname "$0")" && pwd)
chromium=$(command -v chromium || command -v chromium-browser) ||
  { echo "SKIP: no chromium (scripts/setup-debian.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Chromium writes its profile, caches and crash dumps under these: keep them in $tmp
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_CACHE_HOME=$tmp/home/.cache
mkdir -p "$HOME"
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }

# browser NAME PAGE: Chromium loads PAGE at 1366x900, its DOM after the load into
# $tmp/NAME.dom, its net log into $tmp/NAME.net. The host resolver maps every name to
# nothing, so that no test run reaches a network whatever a page asks for. Once more when
# Chromium gave no DOM (a start that failed).
browser() {
  local name=$1 page=$2 try
  for try in 1 2; do
    rm -rf "$tmp/profile-$name"
    timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --window-size=1366,900 \
      --user-data-dir="$tmp/profile-$name" --no-first-run --disable-background-networking \
      --disable-component-update --disable-sync --disable-default-apps --disable-extensions \
      --host-resolver-rules='MAP * ~NOTFOUND' --log-net-log="$tmp/$name.net" \
      --dump-dom "file://$page" >"$tmp/$name.dom" 2>"$tmp/$name.err"
    grep -q '</html>' "$tmp/$name.dom" && return 0
  done
  echo "chromium gave no DOM for $page: $(grep -v dbus "$tmp/$name.err" | tail -3)"
  return 1
}

# probe NAME PAGE: a copy of PAGE with probe.js appended, loaded; its lines into
# $tmp/NAME.probe. Returns 0 when the probe ran to its end and every check was ok.
probe() {
  local name=$1 page=$2
  python3 - "$page" "$here/html_browser/probe.js" "$tmp/$name.html" <<'PY'
import sys
page, probe, out = sys.argv[1:]
s = open(page, encoding="utf-8").read()
at = s.rindex("</body>")
open(out, "w", encoding="utf-8").write(s[:at] + "<script>\n" + open(probe).read() + "</script>\n" + s[at:])
PY
  browser "$name" "$tmp/$name.html" || { : >"$tmp/$name.probe"; return 1; }
  # the probe's lines: after the last opening of its <pre> (the script's text has none)
  awk '/<pre id="probe-out">/{p=1;next} p&&/^probe done/{print;exit} p' "$tmp/$name.dom" >"$tmp/$name.probe"
  grep -q '^probe done' "$tmp/$name.probe" && ! grep -q '^not ok' "$tmp/$name.probe"
}

# ---- the report of a failing run ---------------------------------------------------------
"$ot" conform --target "sim:quectel,fault=slow-response+urc-order+garbage" --report-dir "$tmp/run" \
  --quiet >"$tmp/run.out" 2>&1
rc=$?
[[ $rc == 1 ]] || fail "otacheck conform with faults exited $rc, not 1: $(tail -3 "$tmp/run.out")"
page=$tmp/run/report.html
[[ -s $page ]] || { fail "no report.html"; echo "1 failure"; exit 1; }

python3 "$here/html_browser/check_page.py" static "$page" || fail "report.html names something to fetch"
if browser page "$page"; then
  python3 "$here/html_browser/check_page.py" netlog "$tmp/page.net" || fail "report.html made a network request"
  grep -q '<svg' "$tmp/page.dom" || fail "no svg in the DOM of report.html"
fi

if probe good "$page"; then
  n=$(grep -c '^ok ' "$tmp/good.probe")
  [[ $n -ge 23 ]] || fail "the probe made $n checks, not 23 or more: $(cat "$tmp/good.probe")"
  grep -q '^ok width: .*window 1366,' "$tmp/good.probe" ||
    fail "the window was not 1366 px wide: $(grep width "$tmp/good.probe")"
  grep '^ok width' "$tmp/good.probe"
else
  fail "report.html in Chromium:"
  grep -v '^ok ' "$tmp/good.probe" | sed 's/^/  /'
fi

# ---- a longer run: the case table in several blocks (500 rows each), sorted across them -----
python3 - "$tmp/run/results.jsonl" "$tmp/long/results.jsonl" <<'PY'
import json, os, sys
src, dst = sys.argv[1:]
lines = open(src, encoding="utf-8").read().splitlines()
os.makedirs(os.path.dirname(dst), exist_ok=True)
with open(dst, "w", encoding="utf-8") as f:
    f.writelines(l + "\n" for l in lines if '"type":"case"' not in l and '"type":"end"' not in l)
    for k in range(7):  # 7 x 185 cases, each id made unique
        for l in lines:
            if '"type":"case"' in l:
                c = json.loads(l)
                c["id"] += "#%d" % k
                f.write(json.dumps(c) + "\n")
    f.writelines(l + "\n" for l in lines if '"type":"end"' in l)
PY
"$ot" report --from "$tmp/long/results.jsonl" --format html >"$tmp/long.out" 2>&1
[[ $? == 1 ]] || fail "otacheck report --from the longer stream: $(tail -3 "$tmp/long.out")"
if probe long "$tmp/long/report.html"; then
  blocks=$(grep -o '<div class="block">' "$tmp/long/report.html" | wc -l)
  [[ $blocks -ge 3 ]] || fail "the longer run's case table is in $blocks block(s), not 3 or more"
else
  fail "the longer run's report.html in Chromium:"
  grep -v '^ok ' "$tmp/long.probe" | sed 's/^/  /'
fi

# ---- each check shown to fail on a broken page ---------------------------------------------
# broken NAME CHECK PYTHON: a copy of the page changed by PYTHON (s is its text), whose probe
# must say "not ok CHECK..."
broken() {
  local name=$1 check=$2
  python3 -c "
import sys
s = open(sys.argv[1], encoding='utf-8').read()
$3
open(sys.argv[2], 'w', encoding='utf-8').write(s)" "$page" "$tmp/broken-$name.src.html" ||
    { fail "broken $name: the page could not be changed"; return; }
  if probe "broken-$name" "$tmp/broken-$name.src.html"; then
    fail "broken $name: the probe passed a page that breaks it"
  elif ! grep -q "^not ok $check" "$tmp/broken-$name.probe"; then
    fail "broken $name: no 'not ok $check': $(grep -v '^ok ' "$tmp/broken-$name.probe" | head -3)"
  fi
}
# the filter's script does not hide rows
broken filter-inert 'filter: typing' "s = s.replace('rows[i].hidden=hide', 'rows[i].hidden=false')"
# no script at all: no text filter, no sorting (the CSS verdict buttons still work)
broken no-script 'sort: by latency' "a = s.index('<script>'); b = s.index('</script>', a); s = s[:a] + s[b + 9:]"
# the case table wider than the window
broken too-wide 'width:' "s = s.replace('</style>', 'table.cases{min-width:1500px}</style>', 1)"
# the latency charts without their limit line
broken no-limit 'charts: the limit' "s = s.replace('<line class=\"limit\"', '<line class=\"lim\"')"
# no timeline
broken no-timeline 'charts: a flow timeline' "import re; s = re.sub(r'<div class=\"flow [a-z]+\" id=\"tl-[0-9]+\">.*?</figure>', '', s, flags=re.S)"
# the failures after the case table
broken failures-last 'failures: before' "import re; d = ''.join(re.findall(r'<details .*?</details>\n', s, flags=re.S)); s = re.sub(r'<details .*?</details>\n', '', s, flags=re.S); s = s.replace('</body>', d + '</body>')"
# a byte that is not text written raw
broken raw-byte 'failures: bytes' "s = s.replace('\\\\x01', '\x01', 1)"
# something fetched: the static check, the net log and the probe all see it
sed 's|</body>|<img src="http://192.0.2.1/x.png" alt=""></body>|' "$page" >"$tmp/fetching.html"
python3 "$here/html_browser/check_page.py" static "$tmp/fetching.html" >/dev/null &&
  fail "broken fetching: the static check passed a page with an <img src>"
if browser fetching "$tmp/fetching.html"; then
  python3 "$here/html_browser/check_page.py" netlog "$tmp/fetching.net" >/dev/null &&
    fail "broken fetching: the net log check passed a page that requests http://192.0.2.1/x.png"
fi
probe fetching-probe "$tmp/fetching.html"
grep -q '^not ok network:' "$tmp/fetching-probe.probe" ||
  fail "broken fetching: the probe passed a page that fetches"

if [[ $fails -ne 0 ]]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "report.html in Chromium: every check passed, and each failed on its broken page"
