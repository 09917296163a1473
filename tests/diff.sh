#!/usr/bin/env bash
# tests/diff.sh — otacheck diff A B, the integrator's comparison of two runs, end to end on
# runs of the reference modules: a faultless run against a slow one (regressions by id, the
# slow command's latency ratio, exit 1), the same swapped (fixes: exit 0 with --fail-on
# regress, 1 with --fail-on change), a run against itself (nothing changed, exit 0), two
# vendors (cases only on one side, both identities side by side, the IMEI masked), a killed
# run's stream as input, diff.json's counts and ids, and inputs that cannot be read (exit 2).
# Usage: diff.sh OTACHECK
set -u
ot=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
ok() { echo "ok   $*"; }
py=/usr/bin/python3

# run NAME WANT_EXIT ARGS...: otacheck diff ARGS, output in $tmp/out, exit checked
run() {
  local name=$1 want=$2; shift 2
  "$ot" diff "$@" >"$tmp/out" 2>&1
  local got=$?
  if [[ $got -eq $want ]]; then ok "$name: exit $got"; else fail "$name: exit $got, want $want"; sed 's/^/    /' "$tmp/out" | head -8; fi
}
has() { grep -qE -- "$2" "$tmp/out" && ok "$1" || { fail "$1: no line matching '$2'"; sed 's/^/    /' "$tmp/out" | head -12; }; }
jq_() { "$py" -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

"$ot" conform --target sim:quectel --report-dir "$tmp/good" --quiet >/dev/null 2>&1
"$ot" conform --target "sim:quectel,fault=slow-response" --report-dir "$tmp/slow" --quiet >/dev/null 2>&1
"$ot" conform --target sim:simcom --report-dir "$tmp/simcom" --quiet >/dev/null 2>&1
fails_slow=$(jq_ "$tmp/slow/results.json" 'd["summary"]["fail"]')
[[ ${fails_slow:-0} -gt 10 ]] || fail "the slow module should FAIL cases (it FAILed ${fails_slow:-?})"

# 1. faultless A, slow B: every case B FAILs is a regression, named by id, with both reasons
run "A good, B slow" 1 "$tmp/good" "$tmp/slow" --report-dir "$tmp/d1" --max-each 0
has "the counts" "^185 matched: $fails_slow regressions, 0 fixes"
has "a regression by id, both sides" "^  REGRESSION quectel/examples/1  PASS -> FAIL"
has "B's reason beside A's" "^    B: FAIL response-time: 450"
has "the slow command's latency ratio" "^  \+QIOTOTAREQ +write .* 225\.00 "
has "an unchanged command's ratio" "^  \+QIOTUPDATE +write .* 1\.00 +1\.00 "
has "the flows' durations" "^  quectel/flow/fota/1"
has "the spec that differs marked" "^  \* +spec +sim:quectel +sim:quectel,fault=slow-response"
n=$(jq_ "$tmp/d1/diff.json" 'd["counts"]["regressions"]')
[[ $n == "$fails_slow" ]] && ok "diff.json: $n regressions" || fail "diff.json: $n regressions, want $fails_slow"
ids_json=$(jq_ "$tmp/d1/diff.json" '"\n".join(sorted(r["id"] for r in d["regressions"]))')
ids_slow=$("$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(sorted(c["id"] for c in d["cases"] if c["verdict"] in ("FAIL","ERROR"))))' "$tmp/slow/results.json")
[[ "$ids_json" == "$ids_slow" ]] && ok "diff.json: the regressions are exactly the cases B FAILs" || fail "diff.json: the regressions are not the FAIL cases of B"
[[ $(jq_ "$tmp/d1/diff.json" 'd["failed"]') == True ]] && ok "diff.json says B fails the comparison" || fail "diff.json: failed is not true"
grep -q "<svg" "$tmp/d1/diff.html" && ok "diff.html has charts" || fail "diff.html has no svg chart"
! grep -qiE '(src|href)="https?:' "$tmp/d1/diff.html" && ok "diff.html fetches nothing" || fail "diff.html refers to the network"

# 2. swapped: fixes, not regressions
run "A slow, B good (--fail-on regress)" 0 "$tmp/slow" "$tmp/good"
has "fixes counted" "^185 matched: 0 regressions, $fails_slow fixes"
run "A slow, B good (--fail-on change)" 1 "$tmp/slow" "$tmp/good" --fail-on change
run "A slow, B good (--fail-on never)" 0 "$tmp/good" "$tmp/slow" --fail-on never

# 3. a run against itself, as a directory and as its results.json
run "a run against itself" 0 "$tmp/good" "$tmp/good/results.json" --fail-on change
has "nothing changed" "^185 matched: 0 regressions, 0 fixes, 0 other changes, 185 unchanged"

# 4. two vendors: cases on one side only, both identities side by side
run "quectel against simcom" 0 "$tmp/good" "$tmp/simcom"
has "cases only in A and only in B" "^0 matched: .* [1-9][0-9]* only in A, [1-9][0-9]* only in B"
has "the manufacturers side by side" "^  \* +manufacturer +Quectel +SIMCOM INCORPORATED"
has "the IMEI masked but its last four digits" "\*{11}2345"
! grep -q "864123050012345" "$tmp/out" && ok "the IMEI never in full" || fail "the IMEI is shown in full"
run "quectel against simcom (--fail-on change)" 1 "$tmp/good" "$tmp/simcom" --fail-on change

# 5. a killed run: its stream alone (no end line, its last line cut) against a whole run
mkdir -p "$tmp/killed"
head -n 60 "$tmp/slow/results.jsonl" >"$tmp/killed/results.jsonl"
printf '{"type":"case","id":"cut' >>"$tmp/killed/results.jsonl"
run "a killed run's stream as B" 1 "$tmp/good" "$tmp/killed"
has "its cases matched, the rest only in A" "^[0-9]+ matched: .* 0 only in A|only in A"

# 6. what cannot be read: a clear error, exit 2
run "a missing input" 2 "$tmp/good" "$tmp/nope"
has "it names the input" "nope"
echo 'not json' >"$tmp/bad.json"
run "an input that is not JSON" 2 "$tmp/good" "$tmp/bad.json"
run "one input only" 2 "$tmp/good"
run "an unknown --fail-on" 2 "$tmp/good" "$tmp/slow" --fail-on sometimes

if [[ $fails -ne 0 ]]; then
  echo "diff: $fails failure(s)"
  exit 1
fi
echo "diff: every check passed"
