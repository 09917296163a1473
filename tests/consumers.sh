#!/usr/bin/env bash
# tests/consumers.sh — the report files as their real consumers read them, on Debian 12:
# results.tap through `prove` (TAP::Parser 3.44, which refuses TAP 14) and node-tap's parser,
# results.json and every line of results.jsonl against reports/results.schema.json
# (python3-jsonschema), over real runs: every vendor's faultless run, faulty ones (flows
# included), N/A cases from a capability file, a run whose port went away, and a stream
# rebuilt without its end line. Then the checks themselves are shown to fail: TAP version
# 14 fails prove, a verdict "MAYBE" fails the schema.
# Usage: tests/consumers.sh path/to/otacheck. Exit 77 (skipped) without the consumers
# (scripts/setup-debian.sh installs them).
set -u
ot=$1
here=$(cd "$(dirname "$0")" && pwd)
schema=$here/../reports/results.schema.json
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH} # a node that is not Debian's
for need in prove node; do
  command -v $need >/dev/null || { echo "SKIP: no $need (scripts/setup-debian.sh)"; exit 77; }
done
/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || { echo "SKIP: no python3-jsonschema (scripts/setup-debian.sh)"; exit 77; }
node -e 'require("tap-parser")' 2>/dev/null || { echo "SKIP: no node-tap-parser (scripts/setup-debian.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }

# run NAME WANT_EXIT ARGS...: otacheck conform into $tmp/NAME
dirs=()
run() {
  local name=$1 want=$2; shift 2
  "$ot" conform --report-dir "$tmp/$name" --quiet "$@" >"$tmp/$name.out" 2>&1
  local rc=$?
  [[ $rc == "$want" ]] || fail "$name: otacheck conform $* exited $rc, not $want: $(tail -3 "$tmp/$name.out")"
  dirs+=("$tmp/$name")
}
for v in quectel simcom airm2m qualcomm fibocom; do run "ok-$v" 0 --vendor "$v"; done
run fail-double-final 1 --target sim:fibocom,fault=double-final
run fail-urc-order 1 --target sim:quectel,fault=urc-order                 # a flow
run fail-hash-mismatch 1 --target sim:quectel,fault=hash-mismatch          # a flow's image
run fail-no-terminal-event 1 --target sim:qualcomm,fault=no-terminal-event # a flow that never ends
run fail-malformed-response 1 --target sim:quectel,fault=malformed-response # quotes in the YAML
run fail-secret-echo 1 --target sim:quectel,fault=secret-echo
run fail-bare-lf 1 --target sim:qualcomm,fault=bare-lf
run fail-silent-hang 1 --target sim:fibocom,fault=silent-hang
run fail-state-ignored 1 --target sim:qualcomm,fault=state-ignored
# WARN only (exit 0): ok test points with a YAML block each
run warn-percent-backwards 0 --target sim:qualcomm,fault=percent-backwards
run warn-no-terminal-event 0 --target sim:quectel,fault=no-terminal-event
printf '[module]\nvendor = quectel\ntarget = sim:quectel\n[claims]\nnot-supported = +QIOTMCUVER, +QIOTCFG\n' >"$tmp/na.ini"
run na-not-supported 0 --caps "$tmp/na.ini"
grep -q '"verdict": "N/A"' "$tmp/na-not-supported/results.json" || fail "na-not-supported: no N/A case"
# the port goes away in the middle: an interrupted run with its end line
run interrupted-port 3 --vendor fibocom --target "exec:timeout --foreground 1 $ot sim --vendor fibocom"
# killed: the stream without its end line, rebuilt by otacheck report --from
mkdir -p "$tmp/interrupted-killed"
grep -v '"type":"end"' "$tmp/ok-fibocom/results.jsonl" | head -60 >"$tmp/interrupted-killed/results.jsonl"
"$ot" report --from "$tmp/interrupted-killed/results.jsonl" >"$tmp/killed.out" 2>&1 ||
  [[ $? == 1 ]] || fail "report --from a stream without its end line: $(cat "$tmp/killed.out")"
dirs+=("$tmp/interrupted-killed")
for d in "$tmp/interrupted-port" "$tmp/interrupted-killed"; do
  grep -q '"interrupted": true' "$d/results.json" || fail "$(basename "$d"): results.json is not interrupted"
  grep -q '^Bail out!' "$d/results.tap" || fail "$(basename "$d"): results.tap does not bail out"
done

# results.json and results.jsonl against the schema
/usr/bin/python3 "$here/consumers/validate_results.py" "$schema" "${dirs[@]}" >"$tmp/schema.out" 2>&1 ||
  fail "schema: $(head -20 "$tmp/schema.out")"
tail -1 "$tmp/schema.out"

# results.tap: prove, then TAP::Parser and node-tap's parser value by value
for d in "${dirs[@]}"; do
  name=$(basename "$d")
  prove -e cat "$d/results.tap" >"$tmp/prove.out" 2>&1
  rc=$?
  if grep -q 'Parse errors' "$tmp/prove.out"; then
    fail "$name: prove: $(grep -A2 'Parse errors' "$tmp/prove.out")"
  elif [[ $name == ok-* || $name == na-* || $name == warn-* ]]; then
    [[ $rc == 0 ]] && grep -q '^Result: PASS' "$tmp/prove.out" || fail "$name: prove exited $rc: $(cat "$tmp/prove.out")"
  elif [[ $name == fail-* ]]; then
    [[ $rc != 0 ]] && grep -q 'Failed tests\?: ' "$tmp/prove.out" || fail "$name: prove exited $rc without a failed test: $(cat "$tmp/prove.out")"
  else
    [[ $rc != 0 ]] && grep -q 'Bailout called' "$tmp/prove.out" || fail "$name: prove exited $rc without the bail out: $(cat "$tmp/prove.out")"
  fi
  /usr/share/nodejs/tap-parser/bin/cmd.js --strict --silent <"$d/results.tap" >/dev/null 2>&1
  rc=$?
  if [[ $name == ok-* || $name == na-* || $name == warn-* ]]; then [[ $rc == 0 ]] || fail "$name: tap-parser exited $rc";
  else [[ $rc != 0 ]] || fail "$name: tap-parser passed a run with failures"; fi
  perl "$here/consumers/tap_parser.pl" "$d/results.tap" "$d/results.json" || fail "$name: TAP::Parser read other values"
  node "$here/consumers/tap_parser.js" "$d/results.tap" "$d/results.json" || fail "$name: node-tap's parser read other values"
done

# the checks can fail: TAP version 14 fails prove; a verdict "MAYBE", a "" and a missing
# field fail the schema
sed '1s/^TAP version 13$/TAP version 14/' "$tmp/ok-fibocom/results.tap" >"$tmp/v14.tap"
if prove -e cat "$tmp/v14.tap" >"$tmp/prove.out" 2>&1 || ! grep -q 'version 14' "$tmp/prove.out"; then
  fail "prove accepted TAP version 14: $(cat "$tmp/prove.out")"
fi
perl "$here/consumers/tap_parser.pl" "$tmp/v14.tap" "$tmp/ok-fibocom/results.json" >/dev/null && fail "TAP::Parser check passed TAP 14"
node "$here/consumers/tap_parser.js" "$tmp/v14.tap" "$tmp/ok-fibocom/results.json" >/dev/null && fail "node-tap check passed TAP 14"
broken() { # broken NAME SED: ok-fibocom's files changed by SED must fail the schema
  mkdir -p "$tmp/broken-$1"
  sed "$2" "$tmp/ok-fibocom/results.json" >"$tmp/broken-$1/results.json"
  sed "$3" "$tmp/ok-fibocom/results.jsonl" >"$tmp/broken-$1/results.jsonl"
  /usr/bin/python3 "$here/consumers/validate_results.py" "$schema" "$tmp/broken-$1" >"$tmp/broken.out" 2>&1 &&
    fail "the schema passed $1: $(cat "$tmp/broken.out")"
}
broken verdict-maybe '0,/"verdict": "PASS"/s//"verdict": "MAYBE"/' '0,/"verdict":"PASS"/s//"verdict":"MAYBE"/'
broken empty-text '0,/"expected": null/s//"expected": ""/' '0,/"expected":null/s//"expected":""/'
broken form-none '0,/"form": "test"/s//"form": "none"/' '0,/"form":"test"/s//"form":"none"/'
broken no-transcript '0,/"transcript": /{/"transcript": /d}' '0,/"transcript":/s/,"transcript":/,"transcript_":/'

if [[ $fails -ne 0 ]]; then echo "$fails check(s) failed"; exit 1; fi
echo "all consumer checks passed (${#dirs[@]} runs)"
