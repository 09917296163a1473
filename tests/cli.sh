#!/usr/bin/env bash
# tests/cli.sh — the otacheck binary end to end: exit codes of the CLI contract, grammar
# errors as file:line:col, secrets masked in transcripts, the JSON dump, dictionary and corpus
# outputs, the bench verbs, `parse` on a crafted capture, `report --from` rebuilding the
# files of a killed run from its stream, and `conform`: the main job, its exit codes and
# reports, a module that does not answer, and a run killed mid-way; and every bad option
# value of conform, fuzz, sim, parse and grammar (numbers, --only, --dialect, target specs)
# a usage error before anything runs.
# Usage: tests/cli.sh PATH/TO/otacheck
set -u
ot=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # check NAME EXPECTED_EXIT COMMAND... ; output in $tmp/out
  local name=$1 want=$2; shift 2
  "$@" >"$tmp/out" 2>&1
  local got=$?
  if [[ $got -ne $want ]]; then
    echo "FAIL $name: exit $got, expected $want"; sed 's/^/    /' "$tmp/out" | head -20; fails=$((fails+1))
  else
    echo "ok   $name"
  fi
}
has() { # has NAME TEXT: the last output contains TEXT
  if ! grep -qF -- "$2" "$tmp/out"; then echo "FAIL $1: output lacks: $2"; sed 's/^/    /' "$tmp/out" | head -20; fails=$((fails+1)); fi
}
lacks() {
  if grep -qF -- "$2" "$tmp/out"; then echo "FAIL $1: output has: $2"; fails=$((fails+1)); fi
}

check "no verb is a usage error" 2 "$ot"
check "unknown verb" 2 "$ot" frobnicate
check "help" 0 "$ot" help
check "rules: the one table" 0 "$ot" rules
has "rules in precedence order" " 1 liveness"
has "rules name their proving fault" "hash-mismatch"
check "rules --markdown" 0 "$ot" rules --markdown
readme=$(cd "$(dirname "$0")/.." && pwd)/README.md
if ! sed -n '/^<!-- otacheck rules --markdown -->$/,/^<!-- end of otacheck rules -->$/p' "$readme" | sed '1d;$d' |
    cmp -s - "$tmp/out"; then
  echo "FAIL the README's rules table is not what 'otacheck rules --markdown' prints"; fails=$((fails+1))
else
  echo "ok   the README's rules table is otacheck's"
fi
check "rules: a stray argument is a usage error" 2 "$ot" rules extra
check "grammar lint of the embedded grammars" 0 "$ot" grammar lint
has "lint summary" "lint:"
check "unknown vendor" 2 "$ot" grammar list --vendor nosuch
has "unknown vendor names known ones" "fibocom"
check "bad dialect choice" 2 "$ot" grammar list --vendor fibocom --dialect colon-space=maybe
has "bad dialect says the choices" "choices: space, none"

cat >"$tmp/bad.atg" <<'G'
format 1
vendor bad "Bad"
  source "x"
  use core
command +X class query
  write a:int{9..2}
G
check "lint of a broken --grammar file fails" 1 "$ot" grammar lint --grammar "$tmp/bad.atg" --vendor bad
has "error as file:line:col" "$tmp/bad.atg:6:15: error: range 9..2 is inverted"
check "other verbs: a broken grammar is a configuration error" 2 "$ot" grammar list --grammar "$tmp/bad.atg"

check "examples" 0 "$ot" grammar examples --vendor fibocom
has "examples pass" "pass, 0 fail"
has "secret masked" '"user",***'
lacks "secret never shown" "secret-pass"

check "dump" 0 "$ot" grammar dump --vendor fibocom --out "$tmp/dump.json"
[[ -s "$tmp/dump.json" ]] || { echo "FAIL dump: empty"; fails=$((fails+1)); }
check "dict" 0 "$ot" grammar dict --fuzz-target command --out "$tmp/at.dict"
grep -q '^"+GTOTA"$' "$tmp/at.dict" || { echo "FAIL dict lacks +GTOTA"; fails=$((fails+1)); }
check "dict framer" 0 "$ot" grammar dict --fuzz-target framer --out "$tmp/fr.dict"
grep -q '^"GTOTA DOWNLOADING: "$' "$tmp/fr.dict" || { echo "FAIL framer dict lacks a URC literal"; fails=$((fails+1)); }
check "dict needs a target" 2 "$ot" grammar dict
check "dict: unknown target" 2 "$ot" grammar dict --fuzz-target nosuch
check "corpus" 0 "$ot" grammar corpus --out "$tmp/corpus"
for t in framer payload command response grammar session; do
  n=$(ls "$tmp/corpus/$t" | wc -l)
  [[ $n -ge 5 ]] || { echo "FAIL corpus: only $n seeds for $t"; fails=$((fails+1)); }
  [[ -s "$tmp/corpus/$t.dict" && -s "$tmp/corpus/$t.options" ]] || { echo "FAIL corpus: $t.dict/.options missing"; fails=$((fails+1)); }
done
grep -q '^#vendor fibocom$' "$tmp"/corpus/session/g-* || { echo "FAIL corpus: no fibocom session seed"; fails=$((fails+1)); }
check "corpus needs --out" 2 "$ot" grammar corpus
check "dict that cannot be written: exit 4" 4 "$ot" grammar dict --fuzz-target command --out /dev/full/x.dict
has "dict says why" "cannot create /dev/full/x.dict"
check "dict to a full standard output: exit 4" 4 bash -c '"$0" grammar dict --fuzz-target command >/dev/full' "$ot"
check "corpus that cannot be written: exit 4" 4 "$ot" grammar corpus --out /dev/full/corpus

check "bench make-stream" 0 "$ot" bench make-stream "$tmp/s.bin" --mb 1
check "bench parse" 0 "$ot" bench parse "$tmp/s.bin" --chunk 64 --repeat 1
has "bench parse prints MB/s" "MB/s"
has "bench parse: no invalid lines in a generated stream" "invalid lines: 0,"
check "bench make-commands" 0 "$ot" bench make-commands "$tmp/c.txt" --lines 5000
check "bench commands" 0 "$ot" bench commands "$tmp/c.txt" --repeat 1
has "bench commands prints lines/s" "M lines/s"
check "bench bad chunk" 2 "$ot" bench parse "$tmp/s.bin" --chunk 0

printf 'AT+GTOTA=1,"ftp.x","f","u","hunter2"\r\r\nOK\r\nGTOTA DOWNLOAD START\r\nGTOTA DOWNLOADING: 150%%\r\nOK\r\n' >"$tmp/cap.log"
check "parse finds problems" 1 "$ot" parse "$tmp/cap.log" --vendor fibocom
has "parse reports the bad field" "field percent: 150 is not in {0..100}"
lacks "parse masks the secret" "hunter2"
printf 'AT+GTOTA=0,"http://x/y"\r\r\nOK\r\nGTOTA DOWNLOAD START\r\n' >"$tmp/good.log"
check "parse of a clean capture" 0 "$ot" parse "$tmp/good.log" --vendor fibocom
check "parse of a missing file" 2 "$ot" parse "$tmp/nope.log"

# report --from: the files of a killed run rebuilt from its stream (the last line cut off)
mkdir -p "$tmp/rep"
cat >"$tmp/rep/results.jsonl" <<'J'
{"type":"run","schema":"otacheck-results/1","tool_version":"otacheck 0.1.0","host":"lab","started_at":"2026-01-01T00:00:00Z","interrupted":false}
{"type":"target","index":0,"vendor":"fibocom","spec":"sim:fibocom","revision":"L610.R1"}
{"type":"case","id":"fibocom/+GTOTA/test","suite":"fibocom +GTOTA","name":"test form","verdict":"PASS","target":0}
{"type":"case","id":"fibocom/+GTOTA/write/1","suite":"fibocom +GTOTA","name":"write type=1","verdict":"FAIL","rule":"rule-requires","reason":"no filename","target":0}
J
printf '{"type":"case","id":"fibocom/+GTOTA/wr' >>"$tmp/rep/results.jsonl"
check "report --from a stream with a failed case" 1 "$ot" report --from "$tmp/rep/results.jsonl"
has "report counts" "2 cases: 1 pass, 0 warn, 1 fail, 0 n/a, 0 error"
has "report says partial" "interrupted"
for f in junit.xml results.tap results.json report.html; do
  [[ -s "$tmp/rep/$f" ]] || { echo "FAIL report: $f not rebuilt"; fails=$((fails+1)); }
done
grep -q '"interrupted": true' "$tmp/rep/results.json" || { echo "FAIL report: results.json not interrupted"; fails=$((fails+1)); }
grep -q '^not ok 2 - fibocom +GTOTA: write type=1$' "$tmp/rep/results.tap" || { echo "FAIL report: TAP lacks the failure"; fails=$((fails+1)); }
check "report --report-dir --format junit" 1 "$ot" report --from "$tmp/rep/results.jsonl" --report-dir "$tmp/rep2" --format junit
[[ -s "$tmp/rep2/junit.xml" && ! -e "$tmp/rep2/results.json" ]] || { echo "FAIL report: --format junit wrote other files"; fails=$((fails+1)); }
head -3 "$tmp/rep/results.jsonl" >"$tmp/pass.jsonl"
check "report of passing cases" 0 "$ot" report --from "$tmp/pass.jsonl" --report-dir "$tmp/rep3"
# a WARN is not a failure: a stream whose worst verdict is WARN rebuilds with exit 0
{ head -3 "$tmp/rep/results.jsonl"
  echo '{"type":"case","id":"fibocom/+GTOTA/write/valid/url=longest","suite":"fibocom +GTOTA","name":"write url longest","verdict":"WARN","rule":"accepts-valid","reason":"the longest url was refused","seen":"+CME ERROR: 3","source_kind":"inferred","source":"inferred: the seed gives only a maximum length","others":null,"target":0}'
} >"$tmp/warn.jsonl"
check "report of passing cases and a WARN" 0 "$ot" report --from "$tmp/warn.jsonl" --report-dir "$tmp/rep4"
has "report counts the WARN" "2 cases: 1 pass, 1 warn, 0 fail, 0 n/a, 0 error"
grep -q '^ok 2 - fibocom +GTOTA: write url longest$' "$tmp/rep4/results.tap" || { echo "FAIL report: TAP's WARN point is not ok"; fails=$((fails+1)); }
grep -q '"warn": 1' "$tmp/rep4/results.json" || { echo "FAIL report: results.json does not count the WARN"; fails=$((fails+1)); }
command -v xmllint >/dev/null && { [[ $(xmllint --xpath 'string(/testsuites/@failures)' "$tmp/rep4/junit.xml") == 0 ]] || { echo "FAIL report: junit.xml counts the WARN as a failure"; fails=$((fails+1)); }; }
check "report: unknown format" 2 "$ot" report --from "$tmp/pass.jsonl" --format xml
has "report names the format" "'xml'"
check "report needs --from" 2 "$ot" report
check "report of a missing stream" 2 "$ot" report --from "$tmp/nope.jsonl"
{ head -1 "$tmp/pass.jsonl"; echo '{broken'; tail -1 "$tmp/pass.jsonl"; } >"$tmp/broken.jsonl"
check "report of a stream broken in the middle" 2 "$ot" report --from "$tmp/broken.jsonl"
has "report says where" "broken.jsonl:2: not a JSON line"

# ---- conform: the main job, exit codes, reports, a killed run ------------------------
check "conform against every reference module passes" 0 "$ot" conform --report-dir "$tmp/conf" --quiet
has "conform summary" "0 failed, "
has "conform totals count WARN" " warned, "
lacks "conform --quiet: no progress" "] PASS "
lacks "conform: nothing listed when all passed" "FAIL "
for f in results.jsonl junit.xml results.tap results.json report.html; do
  [[ -s "$tmp/conf/$f" ]] || { echo "FAIL conform: $f not written"; fails=$((fails+1)); }
done
command -v xmllint >/dev/null && { xmllint --noout "$tmp/conf/junit.xml" || { echo "FAIL conform: junit.xml is not XML"; fails=$((fails+1)); }; }
grep -q '"vendor": "quectel"' "$tmp/conf/results.json" || { echo "FAIL conform: no quectel cases"; fails=$((fails+1)); }
grep -q '"revision": "EC200UCNAAR03A01M08"' "$tmp/conf/results.json" || { echo "FAIL conform: module identity (AT+CGMR) not in the report"; fails=$((fails+1)); }
! grep -q "f9bbb0d76f894da090b6b69253616561\|otacheck-ftp-secret" "$tmp/conf/"* || { echo "FAIL conform: a credential is in a report"; fails=$((fails+1)); }
# the IMEI SIMCom's ATI gives (864123050012345): in the header masked but its last four digits,
# and nowhere in full
grep -q '"imei": "\*\*\*\*\*\*\*\*\*\*\*2345"' "$tmp/conf/results.json" || { echo "FAIL conform: the IMEI is not in the header, masked"; fails=$((fails+1)); }
! grep -q "864123050012345\|86412305001" "$tmp/conf/"* || { echo "FAIL conform: the IMEI is in a report in full"; fails=$((fails+1)); }
check "conform --strict of a run that passes" 0 "$ot" conform --vendor quectel --only "quectel/flow/*" --report-dir "$tmp/strict" --strict --quiet
has "conform --strict runs" "2 cases: 2 passed, 0 warned, 0 failed"
# TODO(--strict end to end): once the runner gives WARN (an inferred expectation not met),
# check here that a module that only WARNs exits 0, and 1 with --strict, and that the end
# lists "WARN <id>  <rule>: <reason>" with its "  source: inferred: ...". With the runner of
# main (cfea2d2), "sim:fibocom,fault=percent-backwards" makes one WARN (flow-fields) and
# nothing else; verb_conform must then also pass --strict on (cf_conform_opts.strict).
# Today no module can make a WARN: the decision is tested in test_reports
# (rp_counts_failed) meanwhile.
check "conform finds a faulted module" 1 "$ot" conform --target "sim:fibocom,fault=slow-response" --report-dir "$tmp/conf2" --quiet
grep -q '"rule": "response-time"' "$tmp/conf2/results.json" || { echo "FAIL conform: the slow module's FAIL is not response-time"; fails=$((fails+1)); }
grep -qE '^FAIL fibocom/[^ ]+  response-time: [0-9.]+ ms' "$tmp/out" || { echo "FAIL conform: the end does not list the FAIL cases"; sed 's/^/    /' "$tmp/out" | head -5; fails=$((fails+1)); }
[[ $(tail -2 "$tmp/out" | head -1) == "otacheck conform: "*" failed, "* ]] || { echo "FAIL conform: the totals do not follow the list"; fails=$((fails+1)); }
check "conform without --quiet: progress, then the list" 1 "$ot" conform --target "sim:fibocom,fault=slow-response" --only "fibocom/examples/1" --report-dir "$tmp/conf2b"
has "conform progress names the verdict" "] FAIL  fibocom/examples/1"
has "conform lists the FAIL at the end" "FAIL fibocom/examples/1  response-time: "
check "conform --list" 0 "$ot" conform --vendor simcom --list
has "conform --list shows the flow" "simcom/flow/cscfota/1"
check "conform --only" 0 "$ot" conform --vendor quectel --only "quectel/flow/*" --report-dir "$tmp/conf3" --quiet
has "conform --only runs the two flows" "2 cases: 2 passed"
check "conform: a module that does not answer" 3 "$ot" conform --vendor fibocom --target "exec:sleep 0.2" --report-dir "$tmp/conf4" --quiet
has "conform says it is unreachable" "does not answer"
[[ -s "$tmp/conf4/junit.xml" ]] || { echo "FAIL conform: no report for an unreachable target"; fails=$((fails+1)); }
check "conform: a real target needs a vendor" 2 "$ot" conform --target "pty:/dev/null"
check "conform: unknown target kind" 2 "$ot" conform --vendor fibocom --target "carrier-pigeon:1" --report-dir "$tmp/conf5" --quiet
has "conform: the unknown target is named" "unknown target 'carrier-pigeon:1'"
lacks "conform: no case ran for an unknown target" " cases: "
[[ ! -e "$tmp/conf5" ]] || { echo "FAIL conform: an unknown target made a report directory"; fails=$((fails+1)); }
printf '[module]\nvendor = fibocom\nvendr = x\n' >"$tmp/bad.ini"
check "conform: a bad capability file" 2 "$ot" conform --caps "$tmp/bad.ini"
has "capability errors name the line" "bad.ini:3:"
check "fuzz: a bad capability file" 2 "$ot" fuzz --caps "$tmp/bad.ini"
has "fuzz: capability errors name the line" "bad.ini:3:"
printf '[module]\nvendor = fibocom\ntarget = sim:fibocom\n' >"$tmp/fib.ini"
check "fuzz: vendor and target from the capability file" 0 "$ot" fuzz --caps "$tmp/fib.ini" --cases 5 --quiet --out "$tmp/fz"
has "fuzz --caps ran the cases" "5 cases"
check "conform: unknown format" 2 "$ot" conform --format pdf

# ---- every bad value is a usage error (exit 2) before anything runs -------------------
# usage_error NAME MESSAGE COMMAND...: exit 2, MESSAGE said, and nothing ran: $nd (the
# report or fuzz directory the command is given) was not made and no case was counted
nd=$tmp/nothing
usage_error() {
  local name=$1 msg=$2; shift 2
  rm -rf "$nd"
  "$@" </dev/null >"$tmp/out" 2>&1
  local got=$?
  if [[ $got -ne 2 ]]; then
    echo "FAIL $name: exit $got, expected 2"; sed 's/^/    /' "$tmp/out" | head -20; fails=$((fails+1))
  elif ! grep -qF -- "$msg" "$tmp/out"; then
    echo "FAIL $name: output lacks: $msg"; sed 's/^/    /' "$tmp/out" | head -20; fails=$((fails+1))
  elif [[ -e "$nd" ]]; then
    echo "FAIL $name: $nd was made: something ran"; fails=$((fails+1))
  elif grep -qE '[0-9]+ cases[:,]|\] (PASS|FAIL|ERROR)' "$tmp/out"; then
    echo "FAIL $name: cases ran"; sed 's/^/    /' "$tmp/out" | head -5; fails=$((fails+1))
  else
    echo "ok   $name"
  fi
}
c() { "$ot" conform --report-dir "$nd" --quiet "$@"; }
usage_error "conform --only: an unclosed [" "--only '[': a '[' without its ']'" c --only "["
usage_error "conform --only: an unclosed [ in a longer pattern" "--only 'quectel/flow/[ab': a '[' without its ']'" \
  c --vendor quectel --only "quectel/flow/[ab"
usage_error "conform --only: a [: class without its :]" "without its ':]'" c --only "quectel/[[:alpha/*"
usage_error "conform --only: a backslash at the end" "escapes nothing" c --only 'quectel/*\'
usage_error "conform --only: empty" "--only '': an empty pattern" c --only ""
usage_error "conform --only: a word no case has" "no case matches --only 'no-such-case'" c --only no-such-case
usage_error "conform --only: a glob no case matches" "no case matches --only 'nosuch/*'" c --only "nosuch/*"
usage_error "conform --only: a case of another vendor" "no case matches --only 'quectel/flow/*'" \
  c --vendor fibocom --only "quectel/flow/*"
usage_error "conform --list --only: nothing to list" "no case matches --only 'no-such-case'" \
  "$ot" conform --list --only no-such-case
check "conform --only: a bracket set that matches" 0 "$ot" conform --vendor quectel --only "quectel/flow/[a-z]*" \
  --report-dir "$tmp/brk" --quiet
has "conform --only: the bracket set ran the flows" "2 cases: 2 passed"
usage_error "conform --dialect: no vendor named" "--dialect 'nosuch=x': no vendor is named: give --vendor ID or write VENDOR:nosuch=x" \
  c --dialect nosuch=x
usage_error "conform --dialect: a knob without a vendor, several vendors run" "a knob of airm2m, fibocom" \
  c --dialect colon-space=none
usage_error "conform --dialect: unknown knob" "--dialect 'nosuch=x': quectel has no dialect knob 'nosuch' (knobs: trailing-space, colon-space," \
  c --vendor quectel --dialect nosuch=x
usage_error "conform --dialect: unknown choice" "--dialect 'colon-space=maybe': quectel: knob 'colon-space' has no choice 'maybe' (choices: space, none, or any)" \
  c --vendor quectel --dialect colon-space=maybe
usage_error "conform --dialect: a vendor not in the run" "--dialect 'simcom:colon-space=none': simcom is not a vendor of this run (quectel)" \
  c --vendor quectel --dialect simcom:colon-space=none
usage_error "conform --dialect: unknown vendor" "--dialect 'nosuch:colon-space=none': no vendor 'nosuch' (known: airm2m," \
  c --dialect nosuch:colon-space=none
usage_error "conform --dialect: no =" "--dialect 'colon-space': write [VENDOR:]KNOB=CHOICE" c --vendor quectel --dialect colon-space
usage_error "conform --dialect: too many" "at most 32 dialect choices" \
  c --vendor quectel $(for _ in $(seq 33); do printf -- '--dialect colon-space=any '; done)
check "conform --dialect: the sim: target names the vendor" 0 "$ot" conform --target sim:quectel --dialect colon-space=any \
  --only "quectel/flow/*" --report-dir "$tmp/dia" --quiet
has "conform --dialect with a sim: target ran" "2 cases: 2 passed"
check "conform --dialect VENDOR:KNOB with every vendor" 0 "$ot" conform --dialect quectel:colon-space=any \
  --only "quectel/flow/*" --report-dir "$tmp/dia2" --quiet
usage_error "conform: --vendor and a sim: target of another vendor" "--target sim:quectel is a quectel module, but --vendor says fibocom" \
  c --vendor fibocom --target sim:quectel
usage_error "conform: a list of vendors without the sim: target's" "is a quectel module, but --vendor says fibocom,simcom" \
  c --vendor fibocom,simcom --target sim:quectel
usage_error "conform: the capability file's vendor and a sim: target of another" "is a quectel module, but the capability file says fibocom" \
  c --caps "$tmp/fib.ini" --target sim:quectel
usage_error "conform: --vendor empty" "--vendor needs a vendor" c --vendor ""
usage_error "conform: --vendor twice the same" "fibocom is named twice" c --vendor fibocom,fibocom
usage_error "conform --pace-us: over the capability file's maximum" "--pace-us: '99999999999' is out of range (a whole number from 0 to 100000)" \
  c --vendor fibocom --pace-us 99999999999
usage_error "conform --pace-us: past 64 bits" "--pace-us: '99999999999999999999999' is out of range" c --pace-us 99999999999999999999999
usage_error "conform --pace-us: negative" "--pace-us: '-1' is not a number" c --pace-us -1
usage_error "conform --pace-us: trailing text" "--pace-us: '10us' is not a number" c --pace-us 10us
usage_error "conform --pace-us: empty" "--pace-us: '' is not a number" c --pace-us ""
for spec in "time-scale=-1" "time-scale=nan" "time-scale=inf" "time-scale=0" "time-scale=1e7" "time-scale=" "time-scale=0x10"; do
  usage_error "sim: target $spec" "sim:fibocom: time-scale= needs a number above 0 and at most 1e+06, not '${spec#time-scale=}'" \
    c --target "sim:fibocom,$spec"
done
for spec in "seed=abc" "seed=-1" "seed=" "seed=1x" "seed=99999999999999999999"; do
  usage_error "sim: target $spec" "sim:fibocom: seed= needs a whole number from 0 to 18446744073709551615, not '${spec#seed=}'" \
    c --target "sim:fibocom,$spec"
done
usage_error "sim: target urcs=x" "sim:fibocom: urcs= needs N from 0 to 1000" c --target "sim:fibocom,urcs=x"
usage_error "sim: target urcs=1001" "not '1001'" c --target "sim:fibocom,urcs=1001"
usage_error "sim: target unknown option" "sim:fibocom: unknown option 'speed=2' (fault=, time-scale=, seed=, urcs=)" \
  c --target "sim:fibocom,speed=2"
usage_error "sim: target empty fault=" "sim:fibocom: fault= needs a fault name" c --target "sim:fibocom,fault="
usage_error "sim: target unknown fault" "sim:fibocom: unknown fault 'nosuch'" c --target "sim:fibocom,fault=garbage+nosuch"
usage_error "sim: target without a vendor" "sim: needs a vendor" c --target "sim:"
usage_error "sim: target of an unknown vendor" "sim:nosuch: no such vendor in the grammar" c --target "sim:nosuch"
usage_error "conform: unknown target kind, nothing run" "unknown target 'foo:bar': use sim:<vendor>" c --vendor fibocom --target foo:bar
usage_error "conform: exec: without a command" "exec: needs a command" c --vendor fibocom --target "exec:"
usage_error "conform: pty: without a path" "pty: needs a path" c --vendor fibocom --target "pty:"
usage_error "conform: pty: baud with trailing text" "pty:/dev/null: bad baud rate '115200x'" c --vendor fibocom --target "pty:/dev/null,baud=115200x"
usage_error "conform: pty: a baud rate no tty has" "pty:/dev/null: bad baud rate '1234'" c --vendor fibocom --target "pty:/dev/null,baud=1234"
usage_error "conform: serial: bad baud" "serial:/dev/otacheck-none: bad baud rate '-9600'" \
  c --vendor fibocom --target "serial:/dev/otacheck-none,baud=-9600"
usage_error "conform: serial: unknown option" "serial:/dev/otacheck-none: unknown option 'parity=odd'" \
  c --vendor fibocom --target "serial:/dev/otacheck-none,parity=odd"
usage_error "conform: tcp: port out of range" "tcp:localhost:99999: needs a host and a port 1..65535" c --vendor fibocom --target "tcp:localhost:99999"
usage_error "conform: tcp: port with a sign" "tcp:localhost:+80: needs a host and a port" c --vendor fibocom --target "tcp:localhost:+80"
printf '[module]\nvendor = fibocom\ntarget = foo:bar\n' >"$tmp/badtarget.ini"
usage_error "conform: the capability file's target is checked too" "badtarget.ini: [module] target: unknown target 'foo:bar'" \
  c --caps "$tmp/badtarget.ini"
usage_error "conform --line-gap 0" "--line-gap: '0' is out of range (a whole number from 1 to 10000)" c --line-gap 0
usage_error "conform --line-gap 1s" "--line-gap: '1s' is not a number" c --line-gap 1s
usage_error "fuzz --line-gap past its bound" "--line-gap: '10001' is out of range" \
  "$ot" fuzz --out "$nd" --target sim:fibocom --cases 3 --line-gap 10001
printf '[module]\nvendor = fibocom\nline-gap = 0\n' >"$tmp/badgap.ini"
usage_error "conform: the capability file's line-gap is checked" "badgap.ini:3: line-gap must be 1..10000" c --caps "$tmp/badgap.ini"
# bench: a bad number is a usage error before anything is written (--mb -1 wrote 80 GB)
usage_error "bench make-stream --mb -1" "--mb: '-1' is not a number (a whole number from 1 to 4096)" \
  "$ot" bench make-stream "$nd" --mb -1
usage_error "bench make-stream --mb past its bound" "--mb: '5000' is out of range" "$ot" bench make-stream "$nd" --mb 5000
usage_error "bench make-stream --payload-share nan" "--payload-share: 'nan' is not a finite number" \
  "$ot" bench make-stream "$nd" --payload-share nan
usage_error "bench make-commands --lines 1e6" "--lines: '1e6' is not a number" "$ot" bench make-commands "$nd" --lines 1e6
usage_error "bench parse --repeat 99" "--repeat: '99' is out of range (a whole number from 1 to 64)" \
  "$ot" bench parse "$nd" --repeat 99
usage_error "bench parse --chunk 0" "--chunk: '0' is out of range" "$ot" bench parse "$nd" --chunk 0
usage_error "bench latency --count 0x" "--count: '0x' is not a number" "$ot" bench latency --target sim:quectel --count 0x
f() { "$ot" fuzz --out "$nd" --quiet "$@"; }
usage_error "fuzz --cases 0" "--cases: '0' is out of range (a whole number from 1 to" f --target sim:fibocom --cases 0
usage_error "fuzz --cases hex" "--cases: '0x10' is not a number" f --target sim:fibocom --cases 0x10
usage_error "fuzz --cases past 64 bits" "--cases: '99999999999999999999' is out of range" f --target sim:fibocom --cases 99999999999999999999
usage_error "fuzz --seed abc" "--seed: 'abc' is not a number" f --target sim:fibocom --cases 3 --seed abc
usage_error "fuzz --seed -1" "--seed: '-1' is not a number" f --target sim:fibocom --cases 3 --seed -1
usage_error "fuzz --duration nan" "--duration: 'nan' is not a finite number (a number above 0 and at most 1e+09)" f --target sim:fibocom --duration nan
usage_error "fuzz --duration inf" "--duration: 'inf' is not a finite number" f --target sim:fibocom --duration inf
usage_error "fuzz --duration 0" "--duration: '0' is out of range" f --target sim:fibocom --duration 0
usage_error "fuzz --duration -5" "--duration: '-5' is out of range" f --target sim:fibocom --duration -5
usage_error "fuzz --max-runs over" "--max-runs: '100001' is out of range (a whole number from 0 to 100000)" f --target sim:fibocom --cases 3 --max-runs 100001
usage_error "fuzz --max-findings 0" "--max-findings: '0' is out of range (a whole number from 1 to 100000)" f --target sim:fibocom --cases 3 --max-findings 0
usage_error "fuzz --flow-quiet 0" "--flow-quiet: '0' is out of range (a whole number from 1 to 3600000)" f --target sim:fibocom --cases 3 --flow-quiet 0
usage_error "fuzz --flow-quiet text" "--flow-quiet: '1s' is not a number" f --target sim:fibocom --cases 3 --flow-quiet 1s
usage_error "fuzz: unknown target kind" "unknown target 'foo:bar'" f --vendor fibocom --target foo:bar --cases 3
usage_error "fuzz: bad sim: option" "sim:fibocom: seed= needs a whole number" f --target "sim:fibocom,seed=x" --cases 3
usage_error "fuzz: --vendor and a sim: target of another vendor" "--target sim:quectel is a quectel module, not fibocom" \
  f --vendor fibocom --target sim:quectel --cases 3
usage_error "fuzz --dialect: unknown knob" "--dialect 'nosuch=1': fibocom has no dialect knob 'nosuch' (knobs: " \
  f --target sim:fibocom --cases 3 --dialect nosuch=1
usage_error "fuzz --dialect: another vendor's" "--dialect 'quectel:colon-space=none': quectel is not a vendor of this run (fibocom)" \
  f --target sim:fibocom --cases 3 --dialect quectel:colon-space=none
usage_error "sim --time-scale nan" "otacheck sim: --time-scale: 'nan' is not a finite number" "$ot" sim --vendor fibocom --time-scale nan
usage_error "sim --time-scale -1" "--time-scale: '-1' is out of range (a number above 0 and at most 1e+06)" "$ot" sim --vendor fibocom --time-scale -1
usage_error "sim --seed abc" "otacheck sim: --seed: 'abc' is not a number" "$ot" sim --vendor fibocom --seed abc
usage_error "sim --seed -1" "--seed: '-1' is not a number" "$ot" sim --vendor fibocom --seed -1
usage_error "sim --latency 1e3" "--latency: '1e3' is not a number (a whole number from 0 to 60000000)" "$ot" sim --vendor fibocom --latency 1e3
usage_error "sim --latency over" "--latency: '60000001' is out of range" "$ot" sim --vendor fibocom --latency 60000001
usage_error "sim --standard-urcs over" "--standard-urcs: '1001' is out of range (a whole number from 0 to 1000)" \
  "$ot" sim --vendor fibocom --standard-urcs 1001
usage_error "parse of a directory" "otacheck parse: $tmp: is a directory" "$ot" parse "$tmp" --vendor fibocom
lacks "parse of a directory reads nothing" "0 bytes"
usage_error "parse of a file whose read fails" "cannot read /proc/self/mem: Input/output error" "$ot" parse /proc/self/mem --vendor fibocom
check "parse of standard input that is a directory" 2 bash -c '"$0" parse - --vendor fibocom <"$1"' "$ot" "$tmp"
has "parse says standard input is a directory" "standard input: is a directory"
if [[ $EUID -ne 0 ]]; then
  printf 'OK\r\n' >"$tmp/unreadable.log"; chmod 000 "$tmp/unreadable.log"
  usage_error "parse of an unreadable file" "cannot open $tmp/unreadable.log: Permission denied" "$ot" parse "$tmp/unreadable.log"
fi
usage_error "parse --dialect without a vendor" "--dialect 'colon-space=none': no vendor is named" "$ot" parse "$tmp/good.log" --dialect colon-space=none
usage_error "parse --dialect: unknown knob" "fibocom has no dialect knob 'nosuch'" "$ot" parse "$tmp/good.log" --vendor fibocom --dialect nosuch=x
check "parse --dialect VENDOR:KNOB=CHOICE" 0 "$ot" parse "$tmp/good.log" --dialect fibocom:colon-space=any
usage_error "grammar list --dialect without a vendor" "otacheck grammar: --dialect 'colon-space=none': no vendor is named" \
  "$ot" grammar list --dialect colon-space=none
check "grammar list --dialect with one vendor" 0 "$ot" grammar list --vendor fibocom --dialect colon-space=none
has "grammar list shows the choice" "colon-space=none"
# a run killed mid-way keeps every case that finished, and its report can be rebuilt
"$ot" conform --target "exec:$ot sim --vendor fibocom" --vendor fibocom --report-dir "$tmp/kill" --quiet \
  >/dev/null 2>&1 &
pid=$!
cases_in() { local n; n=$(grep -c '"type": *"case"' "$1" 2>/dev/null); echo "${n:-0}"; }
for _ in $(seq 1 100); do [[ $(cases_in "$tmp/kill/results.jsonl") -ge 5 ]] && break; sleep 0.1; done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
n=$(cases_in "$tmp/kill/results.jsonl")
[[ $n -ge 5 ]] || { echo "FAIL conform: a killed run kept $n cases"; fails=$((fails+1)); }
"$ot" report --from "$tmp/kill/results.jsonl" --report-dir "$tmp/kill2" >"$tmp/out" 2>&1
grep -q '"interrupted": true' "$tmp/kill2/results.json" || { echo "FAIL conform: the rebuilt report of a killed run is not marked interrupted"; fails=$((fails+1)); }

# hostile modules end in verdicts, never a crash or a hang, and the report is whole
cat >"$tmp/hostile.pl" <<'H'
# a hostile module: echoes, answers the start-up commands, then garbage with NULs, or a
# 1 MB line with no end (perl-base is part of every Debian system)
$/ = "\r"; $| = 1;
while (my $line = <STDIN>) {
    chomp $line;
    print "$line\r";
    if ($line =~ /^(AT|ATE1|ATI|AT\+CGMR)$/) { print "\r\nOK\r\n"; }
    elsif ($line =~ /=\?$/) { print "A" x 1048576; }
    else { print "\r\n\x01\x00garbage\xff\r\nOK\r\n"; }
}
H
check "conform: a module that sends garbage and a 1 MB line" 1 timeout 300 "$ot" conform --vendor fibocom \
  --target "exec:perl $tmp/hostile.pl" --only "+CMEE" --report-dir "$tmp/hostile" --quiet
grep -q '"rule": "clean-output"' "$tmp/hostile/results.json" || { echo "FAIL hostile: no clean-output FAIL"; fails=$((fails+1)); }
grep -q '"rule": "final-result"' "$tmp/hostile/results.json" || { echo "FAIL hostile: the 1 MB line's case did not FAIL on final-result"; fails=$((fails+1)); }
command -v xmllint >/dev/null && { xmllint --noout "$tmp/hostile/junit.xml" || { echo "FAIL hostile: junit.xml broken"; fails=$((fails+1)); }; }
check "conform: the port closes in the middle of the run" 3 timeout 300 "$ot" conform --vendor fibocom \
  --target "exec:timeout --foreground 3 $ot sim --vendor fibocom" --report-dir "$tmp/closed" --quiet
has "conform says the target was lost" "was lost"
grep -q '"interrupted": true' "$tmp/closed/results.json" || { echo "FAIL closed: the report is not marked interrupted"; fails=$((fails+1)); }
grep -q '"verdict": "PASS"' "$tmp/closed/results.json" || { echo "FAIL closed: the cases before the loss are not in the report"; fails=$((fails+1)); }

# ---- the run's header: commit, verdict, grammar and capability-file digests, the clock ------
jq_py() { python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
check "header: a passing run" 0 "$ot" conform --vendor fibocom --report-dir "$tmp/hdr" --quiet
root=$(cd "$(dirname "$0")/.." && pwd)
[[ $(jq_py "$tmp/hdr/results.json" 'r["run"]["verdict"]') == PASS ]] || { echo "FAIL header: verdict not PASS"; fails=$((fails+1)); }
[[ $(jq_py "$tmp/hdr/results.json" 'r["run"]["tool_commit"]') =~ ^([0-9a-f]{12}|unknown)$ ]] ||
  { echo "FAIL header: no commit"; fails=$((fails+1)); }
[[ $(jq_py "$tmp/hdr/results.json" 'r["targets"][0]["grammar_sha256"]') == $(sha256sum <"$root/grammar/fibocom.atg" | cut -d' ' -f1) ]] ||
  { echo "FAIL header: grammar_sha256 is not the digest of grammar/fibocom.atg"; fails=$((fails+1)); }
[[ $(jq_py "$tmp/hdr/results.json" 'r["targets"][0]["clock"]') == virtual ]] || { echo "FAIL header: sim: clock not virtual"; fails=$((fails+1)); }
check "header: a failing run" 1 "$ot" conform --vendor fibocom --target sim:fibocom,fault=double-final --report-dir "$tmp/hdr" --quiet
[[ $(jq_py "$tmp/hdr/results.json" 'r["run"]["verdict"]') == FAIL ]] || { echo "FAIL header: verdict not FAIL"; fails=$((fails+1)); }
printf '[module]\nvendor = fibocom\n[credentials]\nftp_pass = Hunter-2718-x\n' >"$tmp/hdr.ini"
check "header: a wall-clock run with a capability file" 0 "$ot" conform --caps "$tmp/hdr.ini" \
  --target "exec:$ot sim --vendor fibocom" --only 'fibocom/AT/exec' --report-dir "$tmp/hdr" --quiet
[[ $(jq_py "$tmp/hdr/results.json" 'r["targets"][0]["clock"]') == wall ]] || { echo "FAIL header: exec: clock not wall"; fails=$((fails+1)); }
want=$(sed 's/Hunter-2718-x/***/' "$tmp/hdr.ini" | sha256sum | cut -d' ' -f1)
[[ $(jq_py "$tmp/hdr/results.json" 'r["targets"][0]["caps_sha256"]') == "$want" ]] ||
  { echo "FAIL header: caps_sha256 is not the digest of the file with its credential masked"; fails=$((fails+1)); }
grep -q "$(sha256sum <"$tmp/hdr.ini" | cut -d' ' -f1)" "$tmp/hdr/results.json" &&
  { echo "FAIL header: the digest of the unmasked capability file is in the report"; fails=$((fails+1)); }

# ---- SHA256SUMS, written last, over every file written -------------------------------------
check "SHA256SUMS: a run" 0 "$ot" conform --vendor fibocom --report-dir "$tmp/sums" --quiet
has "SHA256SUMS is listed as written" "report.html, SHA256SUMS (in $tmp/sums/)"
check "SHA256SUMS checks" 0 bash -c 'cd "$0" && sha256sum -c --strict SHA256SUMS' "$tmp/sums"
has "SHA256SUMS covers the stream" "results.jsonl: OK"
[[ $(wc -l <"$tmp/sums/SHA256SUMS") -eq 5 ]] || { echo "FAIL SHA256SUMS: not five files"; fails=$((fails+1)); }
echo tampered >>"$tmp/sums/results.tap"
check "SHA256SUMS: a changed file fails the check" 1 bash -c 'cd "$0" && sha256sum -c --quiet SHA256SUMS' "$tmp/sums"
has "SHA256SUMS names the changed file" "results.tap: FAILED"
check "SHA256SUMS: report --from writes its own" 0 "$ot" report --from "$tmp/sums/results.jsonl" --report-dir "$tmp/sums2"
check "SHA256SUMS of report --from checks" 0 bash -c 'cd "$0" && sha256sum -c --strict SHA256SUMS' "$tmp/sums2"

# ---- the end of a failing run: expected, seen, where the transcript is; -v; colour ----------
check "summary of a failing run" 1 "$ot" conform --vendor fibocom --target sim:fibocom,fault=double-final \
  --report-dir "$tmp/sum" --quiet
has "summary: what was expected" "  expected: "
has "summary: where the transcript is" "  transcript: $tmp/sum/report.html#case-"
lacks "summary: no transcript without -v" "    > AT+"
lacks "summary: no colour off a terminal" $'\033['
check "summary -v" 1 "$ot" conform --vendor fibocom --target sim:fibocom,fault=double-final \
  --report-dir "$tmp/sum" --quiet -v
has "summary -v: the transcript" "    > AT+"
# on a terminal (script(1) gives the run a pty): colour, unless NO_COLOR is set
script -qec "$ot conform --vendor fibocom --target sim:fibocom,fault=double-final --report-dir $tmp/sum --quiet" \
  /dev/null >"$tmp/out" 2>&1
has "summary on a terminal: in colour" $'\033[1;31mFAIL\033[0m '
NO_COLOR=1 script -qec "$ot conform --vendor fibocom --target sim:fibocom,fault=double-final --report-dir $tmp/sum --quiet" \
  /dev/null >"$tmp/out" 2>&1
has "summary with NO_COLOR: still listed" "FAIL fibocom/"
lacks "summary with NO_COLOR: no colour" $'\033[1;31m'

if [[ $fails -ne 0 ]]; then echo "$fails check(s) failed"; exit 1; fi
echo "all CLI checks passed"
