#!/usr/bin/env bash
# tests/diff.sh — `otacheck diff A B` end to end, on runs of the reference module: a faultless
# run against one with a fault (the regressions are exactly the cases that fail in B and not in
# A, by id, and exit 1; swapped, the same ids are fixes, exit 0 with --fail-on regress and 1
# with --fail-on change), a run against itself and against a second run (nothing changes,
# exit 0), two vendors (every case on one side only, the identities side by side), a killed
# run's results.jsonl and a directory holding only it, results.json against results.jsonl of
# one run, a slower module (the latency ratio), WARN under --strict, bad inputs (exit 2,
# the side named), outputs that cannot be written (exit 4); diff.json valid against
# reports/diff.schema.json (python3-jsonschema, and a broken file refused), diff.html
# self-contained with both series in each chart. Speed is measured (README, "Benchmarks"),
# not asserted here.
# Usage: tests/diff.sh PATH/TO/otacheck
set -u
ot=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
py=/usr/bin/python3
fail() { echo "FAIL $*"; fails=$((fails+1)); }
check() { # check NAME EXPECTED_EXIT COMMAND... ; stdout in $tmp/out, stderr in $tmp/err
  local name=$1 want=$2; shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "$name: exit $got, expected $want"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -30
  else
    echo "ok   $name"
  fi
}
has() { grep -qF -- "$2" "$tmp/out" || { fail "$1: output lacks: $2"; sed 's/^/    /' "$tmp/out" | head -20; }; }
err_has() { grep -qF -- "$2" "$tmp/err" || { fail "$1: stderr lacks: $2"; sed 's/^/    /' "$tmp/err" | head -5; }; }
# jq-like: jv FILE EXPR prints the Python expression EXPR over the JSON document d
jv() { "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
eq() { [[ "$2" == "$3" ]] || fail "$1: '$2', expected '$3'"; }

run() { # run DIR SPEC: a conformance run of the reference module
  "$ot" conform --target "$2" --report-dir "$1" --quiet >/dev/null 2>&1
  local rc=$?
  [[ -f $1/results.json ]] || { echo "FAIL: conform --target $2 wrote no results.json (exit $rc)"; exit 1; }
}
run "$tmp/A" sim:quectel
run "$tmp/A2" sim:quectel
run "$tmp/B" sim:quectel,fault=hash-mismatch
run "$tmp/S" sim:simcom
run "$tmp/slow" sim:quectel,fault=slow-response

# the ids that fail in Y (FAIL, ERROR) and not in X, from the two results.json, sorted
failing_only() {
  "$py" - "$1" "$2" <<'EOF'
import json, sys
x, y = (json.load(open(f + "/results.json")) for f in sys.argv[1:3])
bad = lambda c: c["verdict"] in ("FAIL", "ERROR")
fx = {c["id"] for c in x["cases"] if bad(c)}
ids = sorted(c["id"] for c in y["cases"] if bad(c) and c["id"] not in fx
             and c["id"] in {d["id"] for d in x["cases"]})
print(" ".join(ids))
EOF
}
ids_of() { jv "$1" "' '.join(sorted(c['id'] for c in d['$2']))"; }

# ---- a faultless run against one with a fault ------------------------------------------
want=$(failing_only "$tmp/A" "$tmp/B")
[[ -n $want ]] || fail "the fault made no case fail: nothing to compare"
check "diff A B: B regresses, exit 1" 1 "$ot" diff "$tmp/A" "$tmp/B" --report-dir "$tmp/AB"
has "diff A B: the regression named" "REGRESSION quectel/flow/sota/1  PASS -> FAIL"
has "diff A B: B's reason beside A's" "    B: FAIL flow-integrity: "
has "diff A B: the outcome" "B regresses against A (1 regression) (--fail-on regress: exit 1)"
has "diff A B: the files listed" "reports written: diff.json, diff.html (in $tmp/AB/)"
eq "diff A B: the regressions are the cases failing in B only" "$(ids_of "$tmp/AB/diff.json" regressions)" "$want"
eq "diff A B: counts" "$(jv "$tmp/AB/diff.json" "[d['counts'][k] for k in ('matched','regressions','fixes','other_changes','only_a','only_b')]")" \
  "[$(jv "$tmp/A/results.json" "len(d['cases'])"), $(wc -w <<<"$want"), 0, 0, 0, 0]"
eq "diff A B: failed" "$(jv "$tmp/AB/diff.json" "d['failed'], d['fail_on']")" "(True, 'regress')"
eq "diff A B: A's verdict and B's rule side by side" \
  "$(jv "$tmp/AB/diff.json" "[(r['a']['verdict'], r['b']['verdict'], r['b']['rule']) for r in d['regressions']][0]")" \
  "('PASS', 'FAIL', 'flow-integrity')"
check "diff A B --fail-on never: exit 0" 0 "$ot" diff "$tmp/A" "$tmp/B" --fail-on never
has "diff --fail-on never: still listed" "REGRESSION quectel/flow/sota/1"
check "diff A B --fail-on change: exit 1" 1 "$ot" diff "$tmp/A" "$tmp/B" --fail-on change --quiet
check "diff --quiet" 1 "$ot" diff "$tmp/A" "$tmp/B" --quiet
[[ $(wc -l <"$tmp/out") -le 5 ]] || fail "diff --quiet: $(wc -l <"$tmp/out") lines"
grep -q $'\033' "$tmp/out" && fail "diff: colour in output that is not a terminal"

# swapped: the same ids are fixes
check "diff B A: fixes, no regression, exit 0" 0 "$ot" diff "$tmp/B" "$tmp/A" --report-dir "$tmp/BA"
has "diff B A: the fix named" "FIX quectel/flow/sota/1  FAIL -> PASS"
eq "diff B A: the fixes are the regressions of A B" "$(ids_of "$tmp/BA/diff.json" fixes)" "$want"
eq "diff B A: no regression" "$(jv "$tmp/BA/diff.json" "d['counts']['regressions'], d['failed']")" "(0, False)"
check "diff B A --fail-on change: exit 1" 1 "$ot" diff "$tmp/B" "$tmp/A" --fail-on change
check "diff B A --fail-on regress: exit 0" 0 "$ot" diff "$tmp/B" "$tmp/A" --fail-on regress

# ---- the same run twice ---------------------------------------------------------------
check "diff A A: nothing changed" 0 "$ot" diff "$tmp/A" "$tmp/A" --fail-on change
has "diff A A: said" "no verdict changed (--fail-on change: exit 0)"
check "diff A A2 (two runs of one module): nothing changed" 0 "$ot" diff "$tmp/A" "$tmp/A2" --fail-on change --report-dir "$tmp/AA2"
eq "diff A A2: counts" "$(jv "$tmp/AA2/diff.json" "[d['counts'][k] for k in ('regressions','fixes','other_changes','only_a','only_b')]")" "[0, 0, 0, 0, 0]"
eq "diff A A2: the latency of every command the same" \
  "$(jv "$tmp/AA2/diff.json" "all(l['p95_ratio'] == 1 for l in d['latency']) and len(d['latency']) > 5")" "True"
check "results.json and results.jsonl of one run read alike" 0 \
  "$ot" diff "$tmp/A/results.json" "$tmp/A/results.jsonl" --fail-on change --report-dir "$tmp/JJ"
eq "results.json against results.jsonl: read as" "$(jv "$tmp/JJ/diff.json" "d['a']['read_as'], d['b']['read_as']")" "('document', 'stream')"
eq "results.json against results.jsonl: the same latencies" \
  "$(jv "$tmp/JJ/diff.json" "[(l['a'], l['p95_ratio']) for l in d['latency'] if l['a'] != l['b']]")" "[]"

# ---- two vendors ----------------------------------------------------------------------
check "diff quectel simcom: cases on one side only, exit 0" 0 "$ot" diff "$tmp/A" "$tmp/S" --report-dir "$tmp/AS" --max-each 3
eq "diff quectel simcom: counts" "$(jv "$tmp/AS/diff.json" "[d['counts'][k] for k in ('matched','only_a','only_b')]")" \
  "[0, $(jv "$tmp/A/results.json" "len(d['cases'])"), $(jv "$tmp/S/results.json" "len(d['cases'])")]"
has "diff quectel simcom: only in A listed" "Only in A ("
has "diff quectel simcom: capped" "... and "
has "diff quectel simcom: manufacturers side by side" "manufacturer         Quectel"
grep -E '^\s+\*\s+manufacturer\s+Quectel\s+SIMCOM' "$tmp/out" >/dev/null || fail "diff quectel simcom: manufacturers not on one row marked *"
grep -E '^\s+\*\s+model\s+EC200U\s+SIMCOM_SIM7600M21' "$tmp/out" >/dev/null || fail "diff quectel simcom: models not side by side"
has "diff quectel simcom: the dialects compared" "Dialect choices that differ"
eq "diff quectel simcom: what differs" \
  "$(jv "$tmp/AS/diff.json" "sorted(set(d['modules'][0]['differs']) & {'vendor','manufacturer','model','revision','grammar_sha256','dialect'})")" \
  "['dialect', 'grammar_sha256', 'manufacturer', 'model', 'revision', 'vendor']"
eq "diff quectel simcom: a knob of one side only" "$(jv "$tmp/AS/diff.json" "any(k['a'] is None and k['b'] for k in d['dialect'])")" "True"
has "diff quectel simcom: the IMEI masked, its last four digits kept" "***********2345"
grep -q "864123050012345" "$tmp/out" "$tmp/AS/diff.json" "$tmp/AS/diff.html" && fail "diff quectel simcom: the reference module's IMEI in full"
"$py" -c 'import re,sys; t=open(sys.argv[1]).read(); sys.exit(1 if re.search(r"(?<![0-9])[0-9]{15}(?![0-9])", t) else 0)' "$tmp/AS/diff.json" \
  || fail "diff quectel simcom: an unmasked IMEI in diff.json"
check "diff quectel simcom --fail-on change: exit 1" 1 "$ot" diff "$tmp/A" "$tmp/S" --fail-on change --quiet

# ---- a killed run's stream ------------------------------------------------------------
mkdir -p "$tmp/K"
grep -v '"type":"end"' "$tmp/B/results.jsonl" >"$tmp/K/results.jsonl"
head -c 300 <(grep '"type":"case"' "$tmp/B/results.jsonl" | head -1) >>"$tmp/K/results.jsonl" # cut by the kill
check "diff A killed.jsonl: read, regressions found" 1 "$ot" diff "$tmp/A" "$tmp/K/results.jsonl" --report-dir "$tmp/AK"
eq "diff A killed.jsonl: the same regressions" "$(ids_of "$tmp/AK/diff.json" regressions)" "$want"
eq "diff A killed.jsonl: B read as an interrupted stream" "$(jv "$tmp/AK/diff.json" "d['b']['read_as'], d['b']['run']['interrupted']")" "('stream', True)"
has "diff A killed.jsonl: said" "interrupted"
check "diff A DIR (only results.jsonl in it)" 1 "$ot" diff "$tmp/A" "$tmp/K" --quiet
has "diff A DIR: the stream read" "$tmp/K/results.jsonl"

# ---- latency: a slower module -----------------------------------------------------------
check "diff A slow" 1 "$ot" diff "$tmp/A" "$tmp/slow" --report-dir "$tmp/Aslow"
eq "diff A slow: the slow command's p95 grew" \
  "$(jv "$tmp/Aslow/diff.json" "[l['p95_ratio'] > 10 for l in d['latency'] if l['command'] == '+QIOTOTAREQ' and l['form'] == 'write']")" "[True]"
eq "diff A slow: the others did not" \
  "$(jv "$tmp/Aslow/diff.json" "all(l['p95_ratio'] == 1 for l in d['latency'] if l['command'] != '+QIOTOTAREQ')")" "True"
grep -E '^  \+QIOTOTAREQ +write .* 225\.00 +225\.00 ' "$tmp/out" >/dev/null || fail "diff A slow: the text's ratio of the slow command"
grep -E '^  \+QIOTUPDATE +write .* 1\.00 +1\.00 ' "$tmp/out" >/dev/null || fail "diff A slow: the text's ratio of an unchanged command"
eq "diff A slow: the regressions are exactly the cases B FAILs" "$(ids_of "$tmp/Aslow/diff.json" regressions)" \
  "$(jv "$tmp/slow/results.json" "' '.join(sorted(c['id'] for c in d['cases'] if c['verdict'] in ('FAIL', 'ERROR')))")"
has "diff A slow: B's reason" "    B: FAIL response-time: 450"
eq "diff A slow: flows on both sides" "$(jv "$tmp/Aslow/diff.json" "[(f['a']['verdict'], f['b'] is not None, f['duration_ratio'] is not None) for f in d['flows']][:1]")" "[('PASS', True, True)]"

# ---- WARN and --strict -----------------------------------------------------------------
"$py" - "$tmp/A/results.json" "$tmp/W.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
c = next(c for c in d["cases"] if c["id"] == "quectel/flow/sota/1")
c.update(verdict="WARN", reason="synthetic: an inferred expectation", seen="something", source_kind="inferred",
         source="inferred: for the test")
d["summary"]["pass"] -= 1; d["summary"]["warn"] += 1
json.dump(d, open(sys.argv[2], "w"))
EOF
check "PASS -> WARN: another change, exit 0" 0 "$ot" diff "$tmp/A" "$tmp/W.json"
has "PASS -> WARN: listed" "CHANGE quectel/flow/sota/1  PASS -> WARN"
check "PASS -> WARN --strict: a regression, exit 1" 1 "$ot" diff "$tmp/A" "$tmp/W.json" --strict
has "PASS -> WARN --strict: listed" "REGRESSION quectel/flow/sota/1  PASS -> WARN"
check "WARN -> FAIL: a regression" 1 "$ot" diff "$tmp/W.json" "$tmp/B"
has "WARN -> FAIL: listed" "REGRESSION quectel/flow/sota/1  WARN -> FAIL"
has "WARN -> FAIL: counted" "1 regression, 0 fixes, 0 other changes"
check "WARN -> FAIL --strict: another change (both fail)" 0 "$ot" diff "$tmp/W.json" "$tmp/B" --strict --quiet
has "WARN -> FAIL --strict: counted" "0 regressions, 0 fixes, 1 other change"

# ---- diff.json against its schema, diff.html -------------------------------------------
if "$py" -c 'import jsonschema' 2>/dev/null; then
  validate() { # diff.schema.json refers to results.schema.json: both given to the validator
    "$py" - "$src" "$@" <<'EOF'
import json, sys
from jsonschema import Draft202012Validator
root = sys.argv[1]
diff = json.load(open(root + "/reports/diff.schema.json"))
res = json.load(open(root + "/reports/results.schema.json"))
try:  # jsonschema >= 4.18
    from referencing import Registry, Resource
    reg = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in (diff, res)])
    v = Draft202012Validator(diff, registry=reg)
except ImportError:  # Debian 12's python3-jsonschema 4.10
    from jsonschema import RefResolver
    v = Draft202012Validator(diff, resolver=RefResolver.from_schema(diff, store={s["$id"]: s for s in (diff, res)}))
bad = 0
for f in sys.argv[2:]:
    for e in v.iter_errors(json.load(open(f))):
        print(f"{f}: {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"); bad += 1
sys.exit(1 if bad else 0)
EOF
  }
  for d in AB BA AA2 JJ AS AK Aslow; do
    validate "$tmp/$d/diff.json" >"$tmp/v" || { fail "diff.json of $d against reports/diff.schema.json"; head "$tmp/v"; }
  done
  "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["counts"]; d["regressions"][0]["a"]["verdict"]="MAYBE"; json.dump(d, open(sys.argv[2],"w"))' \
    "$tmp/AB/diff.json" "$tmp/broken.json"
  validate "$tmp/broken.json" >/dev/null && fail "reports/diff.schema.json accepts a diff.json without counts and with a bad verdict"
  echo "ok   diff.json valid against reports/diff.schema.json"
else
  echo "skip diff.json schema check: no python3-jsonschema"
fi
html=$tmp/Aslow/diff.html
grep -q '<script\|src=\|href="http' "$html" && fail "diff.html: not self-contained (a script or something fetched)"
charts=$(grep -c '<figure class="svg-chart latency"' "$html")
eq "diff.html: a chart per command and form" "$charts" "$(jv "$tmp/Aslow/diff.json" "len(d['latency'])")"
eq "diff.html: both series in every chart" "$(grep -c '<g class="points a"' "$html") $(grep -c '<g class="points b"' "$html")" "$charts $charts"
grep -q '<figure class="svg-chart timeline"' "$html" || fail "diff.html: no flow timeline"
grep -q '<g class="row b"' "$html" || fail "diff.html: a timeline without B's row"
grep -q 'quectel/flow/sota/1' "$tmp/AB/diff.html" || fail "diff.html: the regression not listed"

# ---- bad input, bad options, outputs that cannot be written ------------------------------
check "a missing side: exit 2" 2 "$ot" diff "$tmp/A" "$tmp/nothing-here"
err_has "a missing side: named" "otacheck diff: B: cannot open $tmp/nothing-here: No such file or directory"
echo 'this is not JSON' >"$tmp/notjson"
check "not JSON: exit 2" 2 "$ot" diff "$tmp/notjson" "$tmp/A"
err_has "not JSON: said, with where" "otacheck diff: A: $tmp/notjson: not JSON:"
echo '{"x": 1}' >"$tmp/other.json"
check "JSON that is no results: exit 2" 2 "$ot" diff "$tmp/A" "$tmp/other.json"
err_has "JSON that is no results: said" "not an otacheck results document"
printf '{"type":"run","schema":"otacheck-results/1"}\n{"type":"case","id":1}\n{"type":"end"}\n' >"$tmp/badline.jsonl"
check "a bad stream line: exit 2" 2 "$ot" diff "$tmp/A" "$tmp/badline.jsonl"
err_has "a bad stream line: file and line" "$tmp/badline.jsonl:2: field 'id' is not a string"
mkdir -p "$tmp/empty"
check "a directory without results: exit 2" 2 "$ot" diff "$tmp/empty" "$tmp/A"
err_has "a directory without results: said" "a directory without results.json or results.jsonl"
check "one side only: exit 2" 2 "$ot" diff "$tmp/A"
check "three sides: exit 2" 2 "$ot" diff "$tmp/A" "$tmp/B" "$tmp/S"
check "--fail-on bad: exit 2" 2 "$ot" diff "$tmp/A" "$tmp/B" --fail-on sometimes
err_has "--fail-on bad: said" "--fail-on: 'sometimes' is not regress, change or never"
check "--format without --report-dir: exit 2" 2 "$ot" diff "$tmp/A" "$tmp/B" --format json
check "--format junit: exit 2" 2 "$ot" diff "$tmp/A" "$tmp/B" --report-dir "$tmp/x" --format junit
check "--max-each not a number: exit 2" 2 "$ot" diff "$tmp/A" "$tmp/B" --max-each lots
check "--help" 0 "$ot" diff --help
has "--help: the usage" "usage: otacheck diff A B"
check "--format json: only diff.json" 1 "$ot" diff "$tmp/A" "$tmp/B" --report-dir "$tmp/onlyjson" --format json
[[ -f $tmp/onlyjson/diff.json && ! -e $tmp/onlyjson/diff.html ]] || fail "--format json: wrote $(ls "$tmp/onlyjson")"
: >"$tmp/afile"
check "--report-dir that cannot be made: exit 4" 4 "$ot" diff "$tmp/A" "$tmp/B" --report-dir "$tmp/afile/sub"
err_has "--report-dir that cannot be made: each file named" "otacheck diff: not written: diff.json: "
if [[ -w /dev/full ]]; then
  check "standard output that cannot be written: exit 4" 4 sh -c '"$0" diff "$1" "$2" >/dev/full' "$ot" "$tmp/A" "$tmp/B"
fi
if [[ $(id -u) -ne 0 ]]; then
  mkdir -p "$tmp/ro" && chmod 555 "$tmp/ro"
  check "a read-only --report-dir: exit 4, no file left" 4 "$ot" diff "$tmp/A" "$tmp/B" --report-dir "$tmp/ro"
  [[ -z $(ls -A "$tmp/ro") ]] || fail "a read-only --report-dir: left $(ls -A "$tmp/ro")"
  chmod 755 "$tmp/ro"
fi

if [[ $fails -ne 0 ]]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all diff checks passed"
