#!/usr/bin/env bash
# tests/diskfull.sh — outputs that cannot be written are an error (README, "Exit status"):
# exit 4, a message naming each file not written and the system's reason, a list of the
# files written that names only files that are there and whole, every file that is there
# complete (results.json and every line of results.jsonl parse as JSON, junit.xml as XML),
# no temporary file left behind, and an earlier good file never replaced by half of one.
#
# The ways a write fails, each tried when it can be made here:
#   - a full disk (ENOSPC): a 64 KB tmpfs, and a larger one filled up to a few KB, when
#     running as root and `mount -t tmpfs` works (unmounted on exit);
#   - the file-size limit (EFBIG, unprivileged): `ulimit -f` with SIGXFSZ ignored, so that
#     a write past the limit fails instead of killing the process (its output goes through
#     a pipe, which the limit does not apply to);
#   - /dev/full (ENOSPC, unprivileged) for the fuzzer's case log;
#   - a report directory under a regular file (ENOTDIR), and a read-only directory
#     (EACCES) when not root (root may write anywhere).
# Usage: tests/diskfull.sh PATH/TO/otacheck
set -u
ot=$1
tmp=$(mktemp -d)
mounts=()
cleanup() {
  for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  chmod -R u+w "$tmp" 2>/dev/null
  [[ -n ${KEEP:-} ]] || rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
ok() { echo "ok   $*"; }
ALL="results.jsonl junit.xml results.tap results.json report.html"

# run NAME LIMIT_KB COMMAND...: runs it (under `ulimit -f LIMIT_KB` unless LIMIT_KB is -),
# its stdout in $tmp/out, its stderr in $tmp/err, its exit status in $got
run() {
  local name=$1 limit=$2; shift 2
  if [[ $limit == - ]]; then
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
  else
    # the limit is the process's own: its stdout and stderr go through pipes, to cats
    # outside it (a pipe has no file size)
    { ( ulimit -f "$limit"; trap '' XFSZ; exec "$@" ) | cat >"$tmp/out"; echo "${PIPESTATUS[0]}" >"$tmp/rc"; } 2>&1 |
      cat >"$tmp/err"
    got=$(cat "$tmp/rc")
  fi
  cur=$name
}

want_exit() {
  if [[ $got -ne $1 ]]; then
    fail "$cur: exit $got, expected $1"
    sed 's/^/    out: /' "$tmp/out" | tail -5; sed 's/^/    err: /' "$tmp/err" | tail -8
  else
    ok "$cur: exit $1"
  fi
}

# complete DIR NAME: the file is whole (parses as what it is)
complete() {
  local f=$1/$2
  case $2 in
  results.json) python3 -m json.tool "$f" >/dev/null 2>&1 ;;
  junit.xml) python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$f" 2>/dev/null ;;
  results.jsonl) python3 -c '
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "the last line is cut"
types = [json.loads(l)["type"] for l in lines[:-1]]
assert types and types[0] == "run" and types[-1] == "end", types[-1:]' "$f" 2>/dev/null ;;
  results.tap) head -1 "$f" | grep -q '^TAP version 13$' && grep -q '^# [0-9]* pass, ' "$f" ;;
  report.html) tail -1 "$f" | grep -q '^</html>$' ;;
  esac
}

# check_reports DIR ERRNO_TEXT [PREFIX]: what the list says against what is in DIR
check_reports() {
  local dir=$1 why=$2 prefix=${3:-otacheck conform} listed written=0 missing=0
  listed=$(grep '^reports written: ' "$tmp/out")
  if [[ -z $listed ]]; then fail "$cur: no 'reports written:' line"; return; fi
  grep -q "^$prefix: not written: .*$why" "$tmp/err" || fail "$cur: no message saying '$why'"
  for f in $ALL; do
    if [[ $listed == *" $f"[,\ ]* ]]; then
      written=$((written+1))
      [[ -f $dir/$f ]] || fail "$cur: $f is listed as written but is not there"
      complete "$dir" "$f" || fail "$cur: $f is listed as written but is not whole"
      grep -q "not written: $f:" "$tmp/err" && fail "$cur: $f is listed both as written and as not"
    elif [[ $f == results.jsonl && $prefix == "otacheck report" ]]; then
      continue # report --from reads the stream, it does not write it
    elif grep -q "^$prefix: not written: $f: cannot [a-z]* $dir/$f" "$tmp/err"; then
      missing=$((missing+1))
      # not written: absent, except the stream, which keeps its whole lines
      if [[ $f == results.jsonl && -f $dir/$f ]]; then
        python3 -c '
import json, sys
data = open(sys.argv[1], encoding="utf-8").read()
assert data == "" or data.endswith("\n"), "a cut line"
for l in data.splitlines(): json.loads(l)' "$dir/$f" 2>/dev/null || fail "$cur: the stream kept a line that is not whole"
        grep -q '"type":"end"' "$dir/$f" && fail "$cur: a stream that failed has its end line"
      elif [[ -e $dir/$f ]] && ! cmp -s "$dir/$f" "$tmp/before/$f" 2>/dev/null; then
        fail "$cur: $f is not written but a new $dir/$f is there"
      fi
    else
      fail "$cur: $f is neither listed as written nor named as not written"
    fi
  done
  if ls -A "$dir" 2>/dev/null | grep -q '\.tmp\.'; then fail "$cur: temporary files left: $(ls -A "$dir" | grep '\.tmp\.')"; fi
  ok "$cur: $written written whole, $missing named as not written ($why)"
}

mkdir -p "$tmp/before"

# ---- the file-size limit: EFBIG, unprivileged ------------------------------------------------
# fibocom's run writes a results.jsonl of ~70 KB, junit.xml ~80 KB, results.tap ~12 KB:
# with 40 KB the stream stops part way, the large files fail and the small ones are written
run "conform under a 40 KB file-size limit" 40 "$ot" conform --target sim:fibocom --report-dir "$tmp/efbig" --quiet
want_exit 4
check_reports "$tmp/efbig" "File too large"
n=$(grep -c "^otacheck: cannot write $tmp/efbig/results.jsonl: File too large (the stream stops after" "$tmp/err")
[[ $n -eq 1 ]] || fail "$cur: the stream's failure is said $n times at the moment, not once"
grep -q '^otacheck conform: [0-9]* cases: ' "$tmp/out" || fail "$cur: no totals: the run did not go on"
total=$(sed -n 's/^otacheck conform: \([0-9]*\) cases: .*/\1/p' "$tmp/out")
streamed=$(grep -c '"type":"case"' "$tmp/efbig/results.jsonl")
[[ ${total:-0} -gt $streamed ]] || fail "$cur: the run stopped with the stream (total ${total:-?}, streamed $streamed)"
grep -q '^reports written: .*results.tap' "$tmp/out" || fail "$cur: results.tap (small) was not written"
grep -q 'not written: junit.xml: .*File too large' "$tmp/err" || fail "$cur: junit.xml (large) was not refused"
# the stream a failed run kept rebuilds as an interrupted run
run "report --from the stream a failed run kept" - "$ot" report --from "$tmp/efbig/results.jsonl" --report-dir "$tmp/efbig2"
want_exit 0
grep -q '"interrupted": true' "$tmp/efbig2/results.json" || fail "$cur: the rebuilt report is not interrupted"

# report --from under the limit: the files that fail keep the good ones of before
"$ot" conform --target "sim:fibocom,fault=slow-response" --report-dir "$tmp/src" --quiet >/dev/null 2>&1
"$ot" report --from "$tmp/src/results.jsonl" --report-dir "$tmp/rb" >/dev/null 2>&1
cp "$tmp/rb/"* "$tmp/before/"
"$ot" conform --target sim:fibocom --report-dir "$tmp/src2" --quiet >/dev/null 2>&1
run "report --from under a 20 KB file-size limit" 20 "$ot" report --from "$tmp/src2/results.jsonl" --report-dir "$tmp/rb"
want_exit 4
check_reports "$tmp/rb" "File too large" "otacheck report"
for f in junit.xml results.json report.html; do
  cmp -s "$tmp/rb/$f" "$tmp/before/$f" || fail "$cur: the good $f of before was replaced"
done
grep -q '^reports written: .*results.tap' "$tmp/out" || fail "$cur: results.tap (small) was not written"
cmp -s "$tmp/rb/results.tap" "$tmp/before/results.tap" && fail "$cur: results.tap was not rewritten"

# the fuzzer: a reproducer that cannot be written stops the run, exit 4, no half file
run "fuzz: a reproducer over the file-size limit" 0 "$ot" fuzz --target "sim:fibocom,fault=accept-invalid" --cases 50 --quiet --out "$tmp/fz"
want_exit 4
grep -q "cannot write $tmp/fz/001-.*\.at: File too large" "$tmp/err" || fail "$cur: no message naming the reproducer and the reason"
[[ -z $(ls -A "$tmp/fz" 2>/dev/null) ]] || fail "$cur: files left in --out: $(ls -A "$tmp/fz")"
grep -q '^otacheck fuzz: .* cases' "$tmp/out" || fail "$cur: no summary"
run "fuzz: a case log on /dev/full" - "$ot" fuzz --target sim:fibocom --cases 200 --quiet --out "$tmp/fz2" --case-log /dev/full
want_exit 4
grep -q -- "--case-log /dev/full: cannot write it: No space left on device" "$tmp/err" || fail "$cur: no message"

# ---- a report directory that cannot be made or written ----------------------------------------
: >"$tmp/plain"
run "conform: the report directory under a regular file" - "$ot" conform --target sim:fibocom --only "fibocom/examples/1" --report-dir "$tmp/plain/r" --quiet
want_exit 4
grep -q "$tmp/plain.*Not a directory" "$tmp/err" || fail "$cur: no message naming the directory and the reason"
run "report --from into a directory under a regular file" - "$ot" report --from "$tmp/src/results.jsonl" --report-dir "$tmp/plain/r"
want_exit 4
grep -q "not written: junit.xml: .*$tmp/plain.*Not a directory" "$tmp/err" || fail "$cur: no message"
grep -q '^reports written: none' "$tmp/out" || fail "$cur: the list names files that are not there"
mkdir -p "$tmp/ro"; chmod 555 "$tmp/ro"
if ! ( : >"$tmp/ro/probe" ) 2>/dev/null; then
  run "conform: a read-only report directory" - "$ot" conform --target sim:fibocom --only "fibocom/examples/1" --report-dir "$tmp/ro" --quiet
  want_exit 4
  grep -q "$tmp/ro/results.jsonl: Permission denied" "$tmp/err" || fail "$cur: no message naming the file and the reason"
else
  rm -f "$tmp/ro/probe"
  echo "skip a read-only report directory: this user writes anywhere"
fi

# ---- a full disk: ENOSPC on a small tmpfs (root) ----------------------------------------------
small=$tmp/small
mkdir -p "$small"
if [[ $(id -u) -eq 0 ]] && mount -t tmpfs -o size=64k,mode=0755 otacheck-diskfull "$small" 2>/dev/null; then
  mounts+=("$small")
  run "conform onto a 64 KB filesystem" - "$ot" conform --target sim:quectel --report-dir "$small/r" --quiet
  want_exit 4
  check_reports "$small/r" "No space left on device"
  n=$(grep -c "^otacheck: cannot write $small/r/results.jsonl: No space left on device" "$tmp/err")
  [[ $n -eq 1 ]] || fail "$cur: the stream's failure is said $n times at the moment, not once"
  grep -q '^otacheck conform: [0-9]* cases: ' "$tmp/out" || fail "$cur: no totals"

  # report --from onto the full disk: nothing written, nothing left, the list says so
  rm -rf "$small/r"
  mkdir "$small/rr"
  head -c 1M /dev/zero >"$small/fill" 2>/dev/null
  run "report --from onto a full disk" - "$ot" report --from "$tmp/src/results.jsonl" --report-dir "$small/rr"
  want_exit 4
  check_reports "$small/rr" "No space left on device" "otacheck report"
  grep -q '^reports written: none' "$tmp/out" || fail "$cur: the list names files on a full disk"
  rm -f "$small/fill"

  # a disk that holds some files and not others
  big=$tmp/big
  mkdir -p "$big"
  if mount -t tmpfs -o size=512k,mode=0755 otacheck-diskfull "$big" 2>/dev/null; then
    mounts+=("$big")
    # room for the stream and the small files, not for the large ones
    need=$(( $(stat -c %s "$tmp/src2/results.jsonl") + 24 * 1024 ))
    avail=$(( $(df -k --output=avail "$big" | tail -1) * 1024 ))
    head -c $(( avail - need )) /dev/zero >"$big/fill"
    run "conform onto a disk with room for some files" - "$ot" conform --target sim:fibocom --report-dir "$big/r" --quiet
    want_exit 4
    check_reports "$big/r" "No space left on device"
    grep -q '^reports written: results.jsonl, .*results.tap' "$tmp/out" || fail "$cur: the stream and results.tap should fit"
    grep -q 'not written: junit.xml: .*No space left on device' "$tmp/err" || fail "$cur: junit.xml should not fit"
  fi
else
  echo "skip the tmpfs cases: not root, or mount -t tmpfs is not allowed here"
fi

if [[ $fails -ne 0 ]]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all disk-full checks passed"
