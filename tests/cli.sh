#!/usr/bin/env bash
# tests/cli.sh — the otacheck binary end to end: exit codes of the CLI contract, grammar
# errors as file:line:col, secrets masked in transcripts, the JSON dump, dictionary and corpus
# outputs, the bench verbs and `parse` on a crafted capture.
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

if [[ $fails -ne 0 ]]; then echo "$fails check(s) failed"; exit 1; fi
echo "all CLI checks passed"
