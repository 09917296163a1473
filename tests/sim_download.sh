#!/usr/bin/env bash
# tests/sim_download.sh — the reference module's real downloads (harness/sim_fetch.c):
# `otacheck sim --vendor fibocom`, driven over pipes by tests/sim_download/drive.py, is
# given AT+GTOTA=0,"http://127.0.0.1:PORT/..." on an `otacheck serve` on loopback (its port
# from --port-file) and must report what really happened: the image COMPLETE; a cut body
# resumed with a Range (the server's JSON log shows it) and COMPLETE; a cut body whose
# resume is refused (range-416) or ignored (ignore-range) FAILED; one corrupt byte, a 404 and
# a wrong Content-Length FAILED; a redirect followed; a stall FAILED within the stall limit
# (OTACHECK_SIM_STALL_S=1) in bounded time. Each fault of the module shows its wrong
# behaviour where the faultless module does not: accept-short-body COMPLETE on a cut body
# whose resume is refused, restart-from-zero a second request without a Range,
# ignore-stall no FAILED long after the faultless module's. Time bounds are generous (margins
# of seconds).
# Usage: tests/sim_download.sh PATH/TO/otacheck
set -u
ot=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
py=/usr/bin/python3
drive=$src/tests/sim_download/drive.py
srv=
cleanup() {
  [[ -n $srv ]] && { kill -TERM "$srv" 2>/dev/null; wait "$srv" 2>/dev/null; }
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
ok() { echo "ok   $*"; }
eq() { if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1: '$2', expected '$3'"; fi; }

"$ot" serve --port-file "$tmp/port" --log "$tmp/log" >"$tmp/serve.out" 2>"$tmp/serve.err" &
srv=$!
for _ in $(seq 300); do
  [[ -s $tmp/port ]] && break
  kill -0 "$srv" 2>/dev/null || break
  sleep 0.05
done
port=$(cat "$tmp/port" 2>/dev/null)
[[ -n $port ]] || { echo "FAIL: otacheck serve did not start"; cat "$tmp/serve.err"; exit 1; }
base=http://127.0.0.1:$port
touch "$tmp/log"

# dl PATH SECONDS [sim args...]: sets out (COMPLETE|FAILED|NONE), took (s), pct (last
# progress) and reqs: the image requests the server logged for it, "range status" a line
# (range "-" when none), the digest's requests left out
dl() {
  local path=$1 secs=$2; shift 2
  local mark; mark=$(wc -l <"$tmp/log")
  read -r out took pct < <("$py" "$drive" "$ot" "$base$path" "$secs" "$@")
  sleep 0.3 # the server logs a request when it has ended; the client may have seen it first
  reqs=$(tail -n +$((mark + 1)) "$tmp/log" | "$py" -c '
import json, sys
for l in sys.stdin:
    j = json.loads(l)
    if not j["path"].endswith((".sha256", ".md5")):
        print(j["range"] or "-", j["status"])')
}
nreq() { [[ -z $reqs ]] && echo 0 || echo "$reqs" | wc -l; }
lt() { "$py" -c 'import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)' "$1" "$2"; }

# ---- the faultless module --------------------------------------------------------------
dl /image.bin 30
eq "the image: COMPLETE" "$out" COMPLETE
eq "the image: progress to 100%" "$pct" 100
eq "the image: one request, no Range, 200" "$reqs" "- 200"

dl /fault/truncate=600000/image.bin 30
eq "a cut body: resumed, COMPLETE" "$out" COMPLETE
eq "a cut body: the resume asks for the rest with a Range, answered 206" "$(echo "$reqs" | sed -n 2p)" "bytes=600000- 206"
eq "a cut body: two requests" "$(nreq)" 2

dl /fault/truncate=600000,range-416/image.bin 30
eq "a cut body, the resume refused (416): FAILED" "$out" FAILED
eq "a cut body, the resume refused: progress stops short (57%)" "$pct" 40
dl /fault/truncate=600000,ignore-range/image.bin 30
eq "a cut body, the Range ignored (200, the whole image again): FAILED" "$out" FAILED
eq "a cut body, the Range ignored: the resume asked with a Range" "$(echo "$reqs" | sed -n 2p)" "bytes=600000- 200"

dl /fault/corrupt/image.bin 30
eq "one byte flipped: FAILED" "$out" FAILED
dl /fault/404/image.bin 30
eq "404: FAILED" "$out" FAILED
eq "404: no resume" "$(nreq)" 1
dl /fault/wrong-length=+1000/image.bin 30
eq "Content-Length 1000 too long: FAILED" "$out" FAILED
dl /fault/redirect/image.bin 30
eq "a redirect: followed, COMPLETE" "$out" COMPLETE
eq "a redirect: 302 then the image" "$reqs" "- 302
- 200"

export OTACHECK_SIM_STALL_S=1
# libcurl's low-speed check averages over a few seconds: a 1 s limit ends each stall after
# about 5 s, the stall and its resume's about 10 s, far from the server's 30 s
dl /fault/stall=30/image.bin 40
eq "a stall (30 s) with a 1 s stall limit: FAILED" "$out" FAILED
if lt "$took" 25; then ok "a stall: FAILED in bounded time ($took s < 25 s)"; else fail "a stall: took $took s"; fi
if lt 1.5 "$took"; then ok "a stall: the limit was waited, twice (a resume) ($took s > 1.5 s)"
else fail "a stall: FAILED after only $took s"; fi

# ---- the module's faults: each one's wrong behaviour ---------------------------------------
dl /fault/truncate=600000,range-416/image.bin 30 --fault accept-short-body
eq "accept-short-body: a cut body is COMPLETE" "$out" COMPLETE
eq "accept-short-body: no resume asked" "$(nreq)" 1

dl /fault/truncate=600000/image.bin 30 --fault restart-from-zero
eq "restart-from-zero: the second request has no Range" "$(echo "$reqs" | sed -n 2p)" "- 200"
eq "restart-from-zero: the body cut again: FAILED" "$out" FAILED

dl /fault/stall=30/image.bin 18 --fault ignore-stall
eq "ignore-stall: no outcome 18 s into a 30 s stall (the faultless module FAILED by then)" "$out" NONE
unset OTACHECK_SIM_STALL_S

echo
if [[ $fails -eq 0 ]]; then echo "sim_download: all checks passed"; exit 0; fi
echo "sim_download: $fails check(s) failed"
exit 1
