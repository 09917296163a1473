#!/usr/bin/env bash
# tests/cli.sh — the otacheck binary end to end: exit codes of the CLI contract, grammar
# errors as file:line:col, secrets masked in transcripts, the JSON dump, dictionary and corpus
# outputs, the bench verbs, `parse` on a crafted capture, and `report --from` rebuilding the
# files of a killed run from its stream.
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
check "dict" 0 "$ot" grammar dict --out "$tmp/at.dict"
grep -q '^"+GTOTA"$' "$tmp/at.dict" || { echo "FAIL dict lacks +GTOTA"; fails=$((fails+1)); }
grep -q '^"GTOTA DOWNLOADING: "$' "$tmp/at.dict" || { echo "FAIL dict lacks a URC literal"; fails=$((fails+1)); }
check "corpus" 0 "$ot" grammar corpus --out "$tmp/corpus"
n=$(ls "$tmp/corpus/commands" | wc -l)
[[ $n -gt 50 ]] || { echo "FAIL corpus: only $n command seeds"; fails=$((fails+1)); }
ls "$tmp/corpus/responses" | grep -q example || { echo "FAIL corpus: no response seeds"; fails=$((fails+1)); }
check "corpus needs --out" 2 "$ot" grammar corpus

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
has "report counts" "2 cases: 1 pass, 1 fail, 0 n/a, 0 error"
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
check "report: unknown format" 2 "$ot" report --from "$tmp/pass.jsonl" --format xml
has "report names the format" "'xml'"
check "report needs --from" 2 "$ot" report
check "report of a missing stream" 2 "$ot" report --from "$tmp/nope.jsonl"
{ head -1 "$tmp/pass.jsonl"; echo '{broken'; tail -1 "$tmp/pass.jsonl"; } >"$tmp/broken.jsonl"
check "report of a stream broken in the middle" 2 "$ot" report --from "$tmp/broken.jsonl"
has "report says where" "broken.jsonl:2: not a JSON line"

if [[ $fails -ne 0 ]]; then echo "$fails check(s) failed"; exit 1; fi
echo "all CLI checks passed"
