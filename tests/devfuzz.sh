#!/usr/bin/env bash
# tests/devfuzz.sh — `otacheck fuzz`, the black-box device fuzzer, end to end:
#   1. against the reference module with one named fault it finds the fault's rule within a
#      bounded number of cases, exits 1 and writes a reproducer; replaying the reproducer
#      on the faulty module exits 1, on the faultless one 0;
#   2. the faultless module of every vendor: a few thousand cases, nothing found, exit 0,
#      nothing written (self-consistency of the module and the checker);
#   3. the same seed gives the same cases and the same reproducers; another seed, other cases;
#   4. minimisation: no reproducer has more command lines than its case (unless the case
#      alone did not do it), and some shrink to one or two lines;
#   5. over exec: (a real pty and process) the fault is found and replays;
#   6. exit 3 for a target that cannot be reached, 2 for usage errors;
#   7. credentials: the configuration's never appear in a reproducer (a placeholder stands
#      for them, filled in again on replay); a credential the fuzzer made up appears only in
#      the command lines that must replay, never in the masked transcript;
#   and --replay reads the host fuzzers' session inputs (no "#vendor", CR line ends).
# Every run is bounded by --cases; nothing here measures time.
# Usage: tests/devfuzz.sh PATH/TO/otacheck
set -u
ot=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
check() { # check NAME EXPECTED_EXIT COMMAND... ; output in $tmp/out
  local name=$1 want=$2; shift 2
  "$@" >"$tmp/out" 2>&1
  local got=$?
  if [[ $got -ne $want ]]; then
    fail "$name: exit $got, expected $want"; sed 's/^/    /' "$tmp/out" | head -20
  else
    echo "ok   $name"
  fi
}
has() { grep -qF -- "$2" "$tmp/out" || { fail "$1: output lacks: $2"; sed 's/^/    /' "$tmp/out" | head -20; }; }
# command lines of a reproducer: neither comments nor empty
lines_of() { grep -cv -e '^#' -e '^$' "$1"; }
# the reproducer in DIR whose finding is RULE
repro_for() { grep -l "^# finding: $2 " "$1"/*.at 2>/dev/null | head -1; }

printf '#vendor fibocom\n# a comment\nAT+GTOTA=?\n' >"$tmp/crash-fibocom"

# ---- 1. named faults: found, saved, replayed -------------------------------------------------
# vendor fault rule; payload-short strikes deep in a flow, reached by cases long before the one
# that sees it: its reproducer may say it is not minimised (it did not recur on a fresh
# module from the lines a reproducer carries), and then it is not replayed here
faults="fibocom accept-invalid rejects-invalid
quectel malformed-response response-syntax
simcom double-final final-result
airm2m missing-final final-result
qualcomm wrong-echo echo
fibocom secret-echo no-secret-leak
quectel payload-short payload-length
simcom garbage clean-output
airm2m silent-hang liveness
fibocom slow-response response-time"
while read -r v f rule; do
  d="$tmp/f-$v-$f"
  check "$v fault=$f is found" 1 "$ot" fuzz --vendor "$v" --target "sim:$v,fault=$f" --cases 2000 --out "$d" --quiet
  r=$(repro_for "$d" "$rule")
  if [[ -z "$r" ]]; then
    fail "$v fault=$f: no reproducer for rule $rule"; ls "$d" 2>/dev/null | sed 's/^/    /'; continue
  fi
  head -1 "$r" | grep -qx "#vendor $v" || fail "$r: first line is not '#vendor $v'"
  if [[ $f == payload-short ]] && grep -q '^# reproducer: not minimised' "$r"; then
    echo "ok   $v fault=$f: saved as it was found (not reproduced from a fresh module)"; continue
  fi
  check "$v fault=$f: the reproducer replays on the faulty module" 1 "$ot" fuzz --replay "$r" --target "sim:$v,fault=$f"
  has "$v fault=$f: replay names the rule" "finding: $rule"
  check "$v fault=$f: the reproducer is harmless on the faultless module" 0 "$ot" fuzz --replay "$r" --target "sim:$v"
done <<<"$faults"

# ---- 2. the faultless module: nothing to find ---------------------------------------------------
for v in fibocom quectel simcom airm2m qualcomm; do
  check "$v faultless: 3000 cases, nothing found" 0 "$ot" fuzz --vendor "$v" --target "sim:$v" --cases 3000 --out "$tmp/clean-$v" --quiet
  has "$v faultless: summary" "3000 cases"
  [[ -e "$tmp/clean-$v" ]] && fail "$v faultless: $tmp/clean-$v was written"
done

# ---- 3. the same seed, the same cases ----------------------------------------------------------
for s in a b; do
  "$ot" fuzz --vendor simcom --target "sim:simcom,fault=double-final+garbage" --cases 1500 --seed 42 \
    --out "$tmp/seed-$s" --case-log "$tmp/cases-$s.txt" --quiet >/dev/null 2>&1
done
"$ot" fuzz --vendor simcom --target "sim:simcom,fault=double-final+garbage" --cases 1500 --seed 43 \
  --out "$tmp/seed-c" --case-log "$tmp/cases-c.txt" --quiet >/dev/null 2>&1
if [[ -s "$tmp/cases-a.txt" ]] && cmp -s "$tmp/cases-a.txt" "$tmp/cases-b.txt"; then echo "ok   same seed, same cases"
else fail "same seed: the case logs differ (or are empty)"; fi
if diff -r "$tmp/seed-a" "$tmp/seed-b" >/dev/null && [[ -n "$(ls "$tmp/seed-a")" ]]; then echo "ok   same seed, same reproducers"
else fail "same seed: the reproducers differ (or there are none)"; fi
if cmp -s "$tmp/cases-a.txt" "$tmp/cases-c.txt"; then fail "another seed gave the same cases"
else echo "ok   another seed, other cases"; fi

# ---- 4. minimisation ---------------------------------------------------------------------------
shrunk=0
for r in "$tmp"/f-*/*.at; do
  case_lines=$(sed -n 's/^# found: .*(\([0-9]*\) command lines\{0,1\}).*/\1/p' "$r")
  n=$(lines_of "$r")
  [[ -n "$case_lines" ]] || { fail "$r: no case line count"; continue; }
  if grep -q "lines of the cases before it are included" "$r"; then continue; fi
  if grep -q "^# reproducer: not minimised" "$r"; then continue; fi
  [[ $n -le $case_lines ]] || fail "$r: $n command lines, more than its case's $case_lines"
  [[ $n -ge 1 ]] || fail "$r: no command line"
  if [[ $n -le 2 && $n -lt $case_lines ]]; then shrunk=$((shrunk+1)); fi
done
if [[ $shrunk -ge 1 ]]; then echo "ok   minimisation: $shrunk reproducers shrank to 1-2 command lines"
else fail "minimisation: no reproducer shrank to 1-2 command lines"; fi

# ---- 5. over exec: a real pty and a real process ---------------------------------------------------
# (+GTOTA, the fault's command, is destructive: on a target other than sim: it is sent only
# when allowed)
# (the module's flows a hundred times faster, so that waiting for them to end costs little)
mod="$ot sim --vendor fibocom --latency 0 --time-scale 0.01"
check "exec: the fault is found" 1 "$ot" fuzz --vendor fibocom --allow-destructive --flow-quiet 300 \
  --target "exec:$mod --fault accept-invalid" --cases 100 --max-findings 1 --out "$tmp/exec" --quiet
check "exec: without --allow-destructive the destructive command is not sent" 0 "$ot" fuzz --vendor fibocom \
  --flow-quiet 300 --target "exec:$mod --fault accept-invalid" --cases 100 --out "$tmp/exec-safe" --quiet
r=$(repro_for "$tmp/exec" rejects-invalid)
if [[ -n "$r" ]]; then
  check "exec: the reproducer replays on the faulty module" 1 "$ot" fuzz --replay "$r" --flow-quiet 300 \
    --target "exec:$mod --fault accept-invalid"
  check "exec: the reproducer is harmless on the faultless module" 0 "$ot" fuzz --replay "$r" --flow-quiet 300 \
    --target "exec:$mod"
else
  fail "exec: no reproducer for rejects-invalid"
fi

# ---- 6. exit codes -----------------------------------------------------------------------------
check "a port nobody listens on: exit 3" 3 "$ot" fuzz --vendor fibocom --target tcp:127.0.0.1:1 --cases 5 --out "$tmp/x"
check "a module that exits at once: exit 3" 3 "$ot" fuzz --vendor fibocom --target "exec:true" --cases 5 --out "$tmp/x"
check "replay against a device that is not there: exit 3" 3 "$ot" fuzz --replay "$tmp/crash-fibocom" --vendor fibocom --target pty:/nonexistent/pty
check "an unknown option: exit 2" 2 "$ot" fuzz --vendor fibocom --target sim:fibocom --bogus
check "no target: exit 2" 2 "$ot" fuzz --vendor fibocom --cases 5
check "--cases 0: exit 2" 2 "$ot" fuzz --vendor fibocom --target sim:fibocom --cases 0
check "an unknown target kind: exit 2" 2 "$ot" fuzz --vendor fibocom --target nosuch:thing --cases 5
check "an unknown vendor: exit 2" 2 "$ot" fuzz --vendor nosuch --target sim:fibocom --cases 5
check "sim: of another vendor: exit 2" 2 "$ot" fuzz --vendor quectel --target sim:fibocom --cases 5
check "no vendor for a real target: exit 2" 2 "$ot" fuzz --target tcp:127.0.0.1:1 --cases 5
check "an unknown fault: exit 2" 2 "$ot" fuzz --vendor fibocom --target sim:fibocom,fault=nosuch --cases 5
check "a replay file that is not there: exit 2" 2 "$ot" fuzz --replay "$tmp/nosuch.at" --target sim:fibocom

# ---- 7. credentials ------------------------------------------------------------------------------
# the reference cloud's credentials (harness/defaults.c) are in no file the fuzzer wrote
if grep -rlE 'otacheck-ftp-secret|f9bbb0d76f894da090b6b69253616561|otacheck-product-key' "$tmp" --include='*.at' --include='cases-*' >/dev/null; then
  fail "a configuration credential was written out:"; grep -rlE 'otacheck-ftp-secret|f9bbb0d76f894da090b6b69253616561|otacheck-product-key' "$tmp" | sed 's/^/    /'
else
  echo "ok   no configuration credential in any reproducer or case log"
fi
# ... a placeholder stands for it, and replay fills it in again
check "simcom secret-echo found" 1 "$ot" fuzz --vendor simcom --target "sim:simcom,fault=secret-echo" --cases 500 --out "$tmp/cred" --quiet
r=$(grep -l '\${cred:1}' "$tmp/cred"/*.at | head -1)
if [[ -n "$r" ]]; then
  check "a reproducer with a placeholder replays (the credential filled in)" 1 "$ot" fuzz --replay "$r" --target "sim:simcom,fault=secret-echo"
  has "the replayed leak is the leak" "finding: no-secret-leak"
  grep -q 'f9bbb0d7' "$tmp/out" && fail "replay printed the configuration's credential"
else
  fail "simcom secret-echo: no reproducer with a \${cred:N} placeholder"
fi
# a credential the fuzzer made up (fibocom's password) is in the command lines only
r=$(repro_for "$tmp/f-fibocom-secret-echo" no-secret-leak)
if [[ -n "$r" ]]; then
  leaked=0
  while IFS= read -r line; do
    # the quoted values of the command line; a value of 3 bytes or more must not be in a comment
    for val in $(grep -o '"[^"]\{3,\}"' <<<"$line" | tr -d '"'); do
      grep '^# [<>]' "$r" | grep -qF -- "$val" && { fail "$r: '$val' is in the transcript"; leaked=1; }
    done
  done < <(grep -v -e '^#' -e '^$' "$r")
  grep -q '^# < \*\*\* (a response that repeats a credential)' "$r" || fail "$r: the leaking response is not masked"
  [[ $leaked -eq 0 ]] && echo "ok   a made-up credential stays out of the transcript"
fi

# ---- the host fuzzers' session inputs replay too ---------------------------------------------
printf 'AT+QIOTOTAREQ=?\r\nAT\r\n' >"$tmp/crash-host"   # no #vendor: quectel, as fuzz_session reads it
check "a host fuzzer's input (no #vendor, CR LF) replays: the fault recurs" 1 "$ot" fuzz --replay "$tmp/crash-host" --target "sim:quectel,fault=double-final"
check "... and not on the faultless module" 0 "$ot" fuzz --replay "$tmp/crash-host" --target sim:quectel
check "#vendor picks the grammar" 1 "$ot" fuzz --replay "$tmp/crash-fibocom" --target "sim:fibocom,fault=double-final"

echo
if [[ $fails -ne 0 ]]; then echo "$fails failed"; exit 1; fi
echo "all passed"
