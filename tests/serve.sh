#!/usr/bin/env bash
# tests/serve.sh — `otacheck serve`, the OTA server with named faults, end to end with a real
# HTTP client (curl) on loopback, each server on a port the system picks (--port-file): the
# reference image is the documented pattern (rebuilt here in Python), its digests, HEAD,
# /fw/ paths, Range (A-B, A-, -N, 416) and a resumed download; every fault does what the
# table says (truncate, reset, stall while other downloads go on, wrong-length both ways,
# 404, 500, ignore-range, range-416, corrupt, redirect, slow), per request (/fault/...) and
# for every request (--fault), /nofault/; --image FILE; the log (one valid JSON line per
# request with the named fields, status, bytes, fault); usage errors exit 2, a port in use 3,
# SIGTERM and SIGINT 0 even in a stall; 50 concurrent downloads intact; hostile clients
# (garbage, a huge header, a client that never reads, idle connections, the connection
# limit, the idle timeout) do not stop the others; README's faults table is
# `--list-faults --markdown`. Timing asserts are lower bounds with wide margins.
# Usage: tests/serve.sh PATH/TO/otacheck
set -u
ot=$1
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
py=/usr/bin/python3
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails+1)); }
ok() { echo "ok   $*"; }
eq() { if [[ "$2" == "$3" ]]; then ok "$1"; else fail "$1: '$2', expected '$3'"; fi; }
ge() { # ge NAME GOT MIN: GOT >= MIN (decimals)
  if "$py" -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= float(sys.argv[2]) else 1)' "$2" "$3"; then
    ok "$1 ($2 >= $3)"; else fail "$1: $2, expected at least $3"; fi
}
command -v curl >/dev/null || { echo "curl is missing (scripts/setup-debian.sh)"; exit 1; }

# ---- servers -----------------------------------------------------------------------------
# start NAME ARGS...: otacheck serve in the background; $tmp/NAME.{out,err,log}; sets port
start() {
  local name=$1; shift
  rm -f "$tmp/$name.port"
  "$ot" serve --port-file "$tmp/$name.port" --log "$tmp/$name.log" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  local pid=$!
  pids+=("$pid")
  eval "pid_$name=$pid"
  for _ in $(seq 300); do
    [[ -s $tmp/$name.port ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  port=$(cat "$tmp/$name.port" 2>/dev/null)
  [[ -n $port ]] || { echo "FAIL: otacheck serve $* did not start"; cat "$tmp/$name.err"; exit 1; }
  eval "port_$name=$port"
}
# stop NAME SIGNAL: the exit status of the server after the signal (137 when it was still
# there 10 s later and had to be killed)
stop() {
  local pid w rc; eval "pid=\$pid_$1"
  kill "-$2" "$pid"
  ( sleep 10; kill -KILL "$pid" ) >/dev/null 2>&1 & w=$!
  wait "$pid"; rc=$?
  kill "$w" 2>/dev/null; wait "$w" 2>/dev/null
  return $rc
}

# get NAME URL [CURL ARGS]: body $tmp/NAME.body, headers $tmp/NAME.hdr; sets rc code size tstart ttotal
get() {
  local name=$1 url=$2; shift 2
  local w
  w=$(curl -sS --max-time 30 -o "$tmp/$name.body" -D "$tmp/$name.hdr" \
        -w '%{http_code} %{size_download} %{time_starttransfer} %{time_total}' "$@" "$url" 2>"$tmp/$name.err")
  rc=$?
  read -r code size tstart ttotal <<<"$w"
}
hdr() { grep -i "^$2:" "$tmp/$1.hdr" | tail -1 | cut -d' ' -f2- | tr -d '\r'; }
sha() { sha256sum "$1" | cut -d' ' -f1; }

# the reference image as documented: splitmix64 of (seed, word index), little-endian, every
# byte at 255 mod 256 set to 0xFF; seed 1
"$py" - "$tmp/ref.bin" 1048576 <<'EOF'
import sys
M = (1 << 64) - 1
def word(seed, w):
    z = (seed * 0xD1B54A32D192ED03 + (w + 1) * 0x9E3779B97F4A7C15) & M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)
n = int(sys.argv[2])
out = bytearray(n)
for w in range((n + 7) // 8):
    out[w * 8:w * 8 + 8] = word(1, w).to_bytes(8, "little")[:n - w * 8]
for i in range(255, n, 256):
    out[i] = 0xFF
open(sys.argv[1], "wb").write(out)
EOF
ref_sha=$(sha "$tmp/ref.bin")
full=1048576; half=524288

# (every run that must end does so within 20 s: `timeout`, so a server that starts instead fails
# the check rather than hanging the test)
# ---- usage errors: exit 2, the reason said ---------------------------------------------------
usage_check() { # NAME EXPECTED_TEXT ARGS...
  local name=$1 text=$2; shift 2
  timeout 20 "$ot" serve "$@" >"$tmp/u.out" 2>"$tmp/u.err"
  local got=$?
  if [[ $got -ne 2 ]]; then fail "usage $name: exit $got, expected 2"; return; fi
  if ! grep -qF -- "$text" "$tmp/u.err"; then fail "usage $name: stderr lacks '$text'"; sed 's/^/    /' "$tmp/u.err" | head -5; return; fi
  ok "usage $name: exit 2"
}
usage_check "bad option" "unrecognized option" --bogus
usage_check "unknown fault" "unknown fault 'nosuch' (the faults: truncate, reset, stall, wrong-length, 404, 500, ignore-range, range-416, corrupt, redirect, slow)" --fault nosuch
usage_check "fault argument" "BYTES_PER_S is a whole number of 1 and up, got 'fast'" --fault slow=fast
usage_check "argument to a plain fault" "fault '404' takes no argument" --fault 404=1
usage_check "stall of 0 s" "SECONDS is a number of seconds above 0" --fault stall=0
usage_check "two images" "one image at a time" --image /etc/hostname --image-size 10
usage_check "listen syntax" "is not HOST:PORT" --listen 127.0.0.1
usage_check "listen port" "is not HOST:PORT" --listen 127.0.0.1:99999
usage_check "image size 0" "--image-size" --image-size 0
usage_check "max-connections 0" "--max-connections" --max-connections 0
usage_check "stray argument" "unexpected argument" extra
timeout 20 "$ot" serve --image "$tmp/no-such-file" >"$tmp/u.out" 2>"$tmp/u.err"
eq "an image that cannot be read: exit 4" "$?" 4

# ---- the faults table: in the table's order, and README's copy is --list-faults --markdown ---------
timeout 20 "$ot" serve --list-faults >"$tmp/list.txt"
eq "--list-faults: exit 0" "$?" 0
eq "--list-faults: the faults in the table's order" \
   "$(grep -o '^[a-z0-9-]*' "$tmp/list.txt" | grep . | tr '\n' ' ')" \
   "truncate reset stall wrong-length 404 500 ignore-range range-416 corrupt redirect slow "
timeout 20 "$ot" serve --list-faults --markdown >"$tmp/list.md"
sed -n '/^<!-- otacheck serve --list-faults --markdown -->$/,/^<!-- end of otacheck serve faults -->$/p' \
    "$src/README.md" | sed '1d;$d' >"$tmp/readme.md"
if [[ -s $tmp/readme.md ]] && cmp -s "$tmp/list.md" "$tmp/readme.md"; then ok "README's faults table is --list-faults --markdown"
else fail "README's faults table differs from otacheck serve --list-faults --markdown:"; diff "$tmp/list.md" "$tmp/readme.md" | head -10; fi

# ---- the good path ---------------------------------------------------------------------------
start A
line=$(head -1 "$tmp/A.out")
eq "the first line" "$line" "serving http://127.0.0.1:$port_A/ (image reference, $full bytes, sha256 $ref_sha)"
U=http://127.0.0.1:$port_A
n_A=0 # requests made to A, for the log
g() { get "$@"; n_A=$((n_A+1)); }

g good "$U/image.bin"
eq "GET /image.bin: 200" "$code" 200
eq "GET /image.bin: the body is the reference image" "$(sha "$tmp/good.body")" "$ref_sha"
ffs=$("$py" -c 'import sys; d=open(sys.argv[1],"rb").read(); print(sum(1 for b in d if b == 255) > len(d) // 256 and all(d[i] == 255 for i in range(255, len(d), 256)))' "$tmp/good.body")
eq "the image holds 0xFF bytes (every 256th at least)" "$ffs" True
eq "Content-Length" "$(hdr good Content-Length)" "$full"
eq "Accept-Ranges" "$(hdr good Accept-Ranges)" bytes
g sum "$U/image.bin.sha256"
eq "/image.bin.sha256 is the body's SHA-256" "$(cat "$tmp/sum.body")" "$ref_sha"
g md5 "$U/image.bin.md5"
eq "/image.bin.md5 is the body's MD5" "$(cat "$tmp/md5.body")" "$(md5sum "$tmp/ref.bin" | cut -d' ' -f1)"
g fw "$U/fw/EC200U_v2.bin"
eq "/fw/NAME is the image" "$code $(sha "$tmp/fw.body")" "200 $ref_sha"
g head "$U/image.bin" -I
eq "HEAD: 200, the length, no body" "$code $(hdr head Content-Length) $size" "200 $full 0"
g unknown "$U/firmware.zip"
eq "an unknown path: 404" "$code" 404
g fwbare "$U/fw/"
eq "/fw/ with no name: 404" "$code" 404
g post "$U/image.bin" -X POST -d x=1
eq "POST: 405" "$code" 405

# Range and a resumed download
g first "$U/image.bin" -r "0-$((half-1))"
eq "Range 0-$((half-1)): 206 and the first half" "$code $size" "206 $half"
eq "Content-Range" "$(hdr first Content-Range)" "bytes 0-$((half-1))/$full"
g rest "$U/image.bin" -r "$half-"
eq "Range $half-: 206 and the rest" "$code $size $(hdr rest Content-Range)" "206 $half bytes $half-$((full-1))/$full"
cat "$tmp/first.body" "$tmp/rest.body" >"$tmp/resumed.bin"
eq "first half + rest == the image" "$(sha "$tmp/resumed.bin")" "$ref_sha"
g suffix "$U/image.bin" -r -100
tail -c 100 "$tmp/ref.bin" >"$tmp/last100"
eq "Range -100: the last 100 bytes" "$code $(sha "$tmp/suffix.body")" "206 $(sha "$tmp/last100")"
g mid "$U/image.bin" -r 1000-1999
head -c 2000 "$tmp/ref.bin" | tail -c 1000 >"$tmp/mid1000"
eq "Range 1000-1999: those bytes" "$code $(sha "$tmp/mid.body")" "206 $(sha "$tmp/mid1000")"
g past "$U/image.bin" -r "$full-"
eq "Range past the end: 416 with bytes */size" "$code $(hdr past Content-Range)" "416 bytes */$full"

# ---- each fault, per request -------------------------------------------------------------------
g trunc "$U/fault/truncate=1000/image.bin"
eq "truncate=1000: curl sees a short body (exit 18), 1000 bytes, the full Content-Length" \
   "$rc $size $(hdr trunc Content-Length)" "18 1000 $full"
cmp -s "$tmp/trunc.body" <(head -c 1000 "$tmp/ref.bin") && ok "truncate=1000: the bytes are the image's" || fail "truncate: bytes differ"
g truncd "$U/fault/truncate/image.bin"
eq "truncate: half by default" "$rc $size" "18 $half"

g reset "$U/fault/reset=100000/image.bin"
grep -q "reset" "$tmp/reset.err"; r=$?
eq "reset=100000: curl sees a connection reset (exit 56, 'reset')" "$rc $r" "56 0"
[[ $size -le 100000 ]] && ok "reset: at most the 100000 bytes before it ($size)" || fail "reset: $size bytes came"

g stall "$U/fault/stall=1/image.bin"
eq "stall=1: half the body, then closed (exit 18)" "$rc $size" "18 $half"
ge "stall=1: no bytes for about 1 s after the first" "$("$py" -c "print($ttotal - $tstart)")" 0.8
# a long stall holds only its own connection: other downloads are served meanwhile
curl -s --max-time 30 -o /dev/null "$U/fault/stall=3/image.bin" & stall_pid=$!
n_A=$((n_A+1))
sleep 0.3
g during "$U/image.bin"
kill -0 "$stall_pid" 2>/dev/null; still=$?
eq "during a 3 s stall another download is served whole" "$code $(sha "$tmp/during.body") $still" "200 $ref_sha 0"
wait "$stall_pid"

g wl "$U/fault/wrong-length/image.bin"
eq "wrong-length: Content-Length +1000, the image, then closed (exit 18)" \
   "$(hdr wl Content-Length) $size $rc" "$((full+1000)) $full 18"
g wlm "$U/fault/wrong-length=-10/image.bin"
eq "wrong-length=-10: Content-Length and body 10 short" "$(hdr wlm Content-Length) $size $rc" "$((full-10)) $((full-10)) 0"

g f404 "$U/fault/404/image.bin"
eq "404" "$code" 404
g f500 "$U/fault/500/image.bin"
eq "500" "$code" 500

g ir "$U/fault/ignore-range/image.bin" -r 100-199
eq "ignore-range: a Range request gets 200 and the whole image" "$code $(sha "$tmp/ir.body")" "200 $ref_sha"
g r416 "$U/fault/range-416/image.bin" -r 100-199
eq "range-416: a Range request gets 416" "$code" 416
g r416n "$U/fault/range-416/image.bin"
eq "range-416: a request without Range gets the image" "$code $size" "200 $full"

g corrupt "$U/fault/corrupt/image.bin"
diffs=$(cmp -l "$tmp/corrupt.body" "$tmp/ref.bin" | awk '{print $1}' | tr '\n' ' ')
eq "corrupt: exactly one byte differs, the middle one (cmp counts from 1)" "$size $diffs" "$full $((half+1)) "
[[ $(sha "$tmp/corrupt.body") != "$ref_sha" ]] && ok "corrupt: the SHA-256 differs" || fail "corrupt: the same SHA-256"
g corrupt10 "$U/fault/corrupt=10/image.bin" -r 0-99
eq "corrupt=10 in a range: byte 10 differs" "$(cmp -l "$tmp/corrupt10.body" <(head -c 100 "$tmp/ref.bin") | awk '{print $1}')" 11

g redir "$U/fault/redirect/image.bin"
eq "redirect: 302 to /nofault/image.bin" "$code $(hdr redir Location)" "302 /nofault/image.bin"
g redirl "$U/fault/redirect/image.bin" -L
n_A=$((n_A+1)) # and the redirect's target
eq "redirect: curl -L gets the whole image" "$code $(sha "$tmp/redirl.body")" "200 $ref_sha"

g slow "$U/fault/slow/image.bin" -r 0-29999
eq "slow: the 30000 bytes, intact" "$code $(sha "$tmp/slow.body")" "206 $(head -c 30000 "$tmp/ref.bin" | sha256sum | cut -d' ' -f1)"
ge "slow: 30000 bytes at 20000 B/s take about 1.5 s" "$ttotal" 1.0

g two "$U/fault/truncate=3000,corrupt=10/image.bin"
eq "two faults in one path: cut at 3000 and byte 10 flipped" \
   "$size $(cmp -l "$tmp/two.body" <(head -c 3000 "$tmp/ref.bin") | awk '{print $1}')" "3000 11"
g badf "$U/fault/nosuch/image.bin"
eq "an unknown fault in the path: 400 naming it" "$code $(grep -c "unknown fault 'nosuch'" "$tmp/badf.body")" "400 1"

# ---- 50 concurrent downloads ---------------------------------------------------------------
cpids=()
for i in $(seq 50); do
  curl -s --max-time 60 -o "$tmp/c$i.body" -w '%{http_code}' "$U/image.bin" >"$tmp/c$i.code" 2>/dev/null & cpids+=($!)
done
crc=0
for p in "${cpids[@]}"; do wait "$p" || crc=$((crc+1)); done
n_A=$((n_A+50))
intact=0
for i in $(seq 50); do
  [[ $(cat "$tmp/c$i.code") == 200 && $(sha "$tmp/c$i.body") == "$ref_sha" ]] && intact=$((intact+1))
done
eq "50 concurrent downloads all complete intact" "$crc $intact" "0 50"
rm -f "$tmp"/c*.body

stop A TERM; eq "SIGTERM: exit 0" "$?" 0
[[ ! -e $tmp/A.port ]] && ok "the port file is removed on a clean stop" || fail "the port file is left"

# ---- the log: one JSON line per request, with the named fields -------------------------------
"$py" - "$tmp/A.log" "$n_A" "$full" "$half" <<'EOF' >"$tmp/logcheck" 2>&1
import json, re, sys
path, n, full, half = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
lines = open(path).read().splitlines()
out = []
def check(name, cond):
    print(("ok   " if cond else "FAIL ") + "log: " + name, flush=True)
def crashed(kind, e, tb):
    print(f"FAIL log: the check itself failed: {kind.__name__}: {e}")
sys.excepthook = crashed
check(f"one line per request ({len(lines)} lines, {n} requests)", len(lines) == n)
rows = []
for l in lines:
    try:
        rows.append(json.loads(l))
    except ValueError:
        rows.append(None)
check("every line is valid JSON", all(r is not None for r in rows))
rows = [r for r in rows if r is not None]
fields = ["time", "client", "method", "path", "range", "fault", "status", "bytes", "complete", "duration_ms"]
check("every line has exactly the named fields, in order", all(list(r) == fields for r in rows))
check("time is ISO 8601 UTC with milliseconds",
      all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", r["time"]) for r in rows))
check("client is 127.0.0.1:PORT", all(re.fullmatch(r"127\.0\.0\.1:\d+", r["client"]) for r in rows))
def one(pred):
    m = [r for r in rows if pred(r)]
    return m[0] if m else {}
def fields_of(r, *k):
    return tuple(r.get(x) for x in k)
K = ("status", "bytes", "complete", "fault", "range")
good = one(lambda r: r["path"] == "/image.bin" and r["method"] == "GET" and r["range"] is None)
check("a good download: 200, every byte, complete, no fault", fields_of(good, *K) == (200, full, True, None, None))
first = one(lambda r: r["range"] == f"bytes=0-{half - 1}")
check("a range: 206 and its bytes", fields_of(first, *K) == (206, half, True, None, f"bytes=0-{half - 1}"))
t = one(lambda r: r["path"] == "/fault/truncate=1000/image.bin")
check("truncate=1000: 200, 1000 bytes, not complete, the fault", fields_of(t, *K) == (200, 1000, False, "truncate=1000", None))
s = one(lambda r: r["path"] == "/fault/stall=1/image.bin")
check("stall=1: half, not complete, lasted 1 s", fields_of(s, *K) == (200, half, False, "stall=1", None)
      and s["duration_ms"] >= 800)
rs = one(lambda r: r["path"] == "/fault/reset=100000/image.bin")
check("reset=100000: 100000 bytes, not complete", fields_of(rs, *K) == (200, 100000, False, "reset=100000", None))
f404 = one(lambda r: r["path"] == "/fault/404/image.bin")
check("404: status 404, the fault", fields_of(f404, "status", "fault") == (404, "404"))
h = one(lambda r: r["method"] == "HEAD")
check("HEAD: 200, no body bytes", fields_of(h, "status", "bytes", "complete") == (200, 0, True))
two = one(lambda r: r["path"].startswith("/fault/truncate=3000,"))
check("two faults: both named", two.get("fault") == "truncate=3000,corrupt=10" and two.get("bytes") == 3000)
red = one(lambda r: r["path"] == "/nofault/image.bin")
check("the redirect's target: no fault, whole", fields_of(red, "status", "bytes", "fault") == (200, full, None))
sl = one(lambda r: r["path"] == "/fault/slow/image.bin")
check("slow: lasted about 1.5 s", sl.get("duration_ms", 0) >= 1000)
check("the 404 of an unknown path", one(lambda r: r["path"] == "/firmware.zip").get("status") == 404)
EOF
cat "$tmp/logcheck"
fails=$((fails + $(grep -c '^FAIL' "$tmp/logcheck")))
grep -q '^ok' "$tmp/logcheck" || fails=$((fails+1))

# ---- --fault for every request, /nofault/, /fault/ instead -----------------------------------
start T --fault truncate=5000 --image-size 100000
eq "--image-size: the first line says it" "$(grep -o '100000 bytes' "$tmp/T.out")" "100000 bytes"
U=http://127.0.0.1:$port_T
get t1 "$U/image.bin"
eq "--fault truncate=5000: every image request is cut" "$rc $size" "18 5000"
get t2 "$U/fw/x.bin" -r 0-9999
eq "--fault truncate=5000: a range too" "$rc $size" "18 5000"
get t3 "$U/nofault/image.bin"
eq "/nofault/: the whole image" "$rc $size" "0 100000"
get t4 "$U/fault/404/image.bin"
eq "/fault/NAME/ replaces --fault" "$code" 404
get t5 "$U/image.bin.sha256"
eq "--fault leaves the digests alone" "$rc $code" "0 200"
stop T INT; eq "SIGINT: exit 0" "$?" 0
grep -q '"fault":"truncate=5000"' "$tmp/T.log" && ok "--fault is logged" || fail "--fault is not in the log"

start R --fault redirect
get rr "http://127.0.0.1:$port_R/image.bin" -L
eq "--fault redirect: curl -L gets the image (the target is not redirected again)" "$code $(sha "$tmp/rr.body")" "200 $ref_sha"

# ---- a port in use: exit 3 ------------------------------------------------------------------
timeout 20 "$ot" serve --listen "127.0.0.1:$port_R" >"$tmp/busy.out" 2>"$tmp/busy.err"
eq "a port in use: exit 3" "$?" 3
grep -q "Address already in use" "$tmp/busy.err" && ok "a port in use: said" || fail "a port in use: $(cat "$tmp/busy.err")"
timeout 20 "$ot" serve --listen "no-such-host.invalid:80" >"$tmp/busy.out" 2>"$tmp/busy.err"
eq "a host that does not resolve: exit 3" "$?" 3
# SIGTERM in the middle of a 30 s stall ends the server at once, with exit 0
curl -s --max-time 30 -o /dev/null "http://127.0.0.1:$port_R/fault/stall=30/image.bin" & spid=$!
sleep 0.5
t0=$(date +%s.%N)
stop R TERM; eq "SIGTERM during a stall: exit 0" "$?" 0
ge "SIGTERM during a stall: at once (under 3 s)" 3 "$("$py" -c "print($(date +%s.%N) - $t0)")"
wait "$spid"

# ---- --image FILE ----------------------------------------------------------------------------
head -c 300001 /dev/urandom >"$tmp/fw-1.2.3.bin"
start F --image "$tmp/fw-1.2.3.bin"
eq "--image: the first line" "$(head -1 "$tmp/F.out")" \
   "serving http://127.0.0.1:$port_F/ (image fw-1.2.3.bin, 300001 bytes, sha256 $(sha "$tmp/fw-1.2.3.bin"))"
get file "http://127.0.0.1:$port_F/image.bin"
eq "--image: the file is served" "$(sha "$tmp/file.body")" "$(sha "$tmp/fw-1.2.3.bin")"
get filesum "http://127.0.0.1:$port_F/image.bin.sha256"
eq "--image: its SHA-256" "$(cat "$tmp/filesum.body")" "$(sha "$tmp/fw-1.2.3.bin")"
get filec "http://127.0.0.1:$port_F/fault/corrupt=300000/image.bin"
eq "--image: corrupt=300000 flips the last byte" "$(cmp -l "$tmp/filec.body" "$tmp/fw-1.2.3.bin" | awk '{print $1}')" 300001
stop F TERM

# ---- hostile clients --------------------------------------------------------------------------
start H --idle-timeout 1
start L --max-connections 4
"$py" - "$port_H" "$port_L" <<'EOF' >"$tmp/hostile" 2>&1
import socket, sys, time
port, port_l = int(sys.argv[1]), int(sys.argv[2])
def conn(p=None):
    return socket.create_connection(("127.0.0.1", p or port), timeout=10)
out = []
def check(name, cond):
    out.append(("ok   " if cond else "FAIL ") + "hostile: " + name)
def get_all(req=b"GET /image.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"):
    s = conn(); s.sendall(req); data = b""
    while True:
        b = s.recv(1 << 16)
        if not b: break
        data += b
    s.close(); return data
# garbage, then a request line of NULs, then a header of 100 KB: answered or closed, never hangs
for junk in (b"\x00\x01\x02garbage\r\n\r\n", b"\x00" * 5000 + b"\r\n\r\n",
             b"GET /image.bin HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100000 + b"\r\n\r\n"):
    s = conn(); s.sendall(junk); t0 = time.time()
    try:
        while s.recv(65536): pass
    except OSError: pass
    check(f"junk of {len(junk)} bytes ends within 5 s", time.time() - t0 < 5)
    s.close()
r = get_all()
check("after the junk a download is whole", r.startswith(b"HTTP/1.1 200") and len(r.split(b"\r\n\r\n", 1)[1]) == 1048576)
# a client that asks and never reads does not hold the others up
lazy = conn(); lazy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
lazy.sendall(b"GET /image.bin HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(0.3)
r = get_all()
check("while a client does not read, another download is whole", len(r.split(b"\r\n\r\n", 1)[1]) == 1048576)
# the idle timeout (1 s here): a connection that sends nothing is closed
idle = conn(); t0 = time.time()
try:
    closed = idle.recv(10) == b""
except OSError:
    closed = True
check("an idle connection is closed by the idle timeout (1 s), not before 0.5 s",
      closed and 0.5 <= time.time() - t0 < 5)
idle.close(); lazy.close()
# the connection limit (4): four idle connections hold every slot; a fifth is refused (closed
# or reset, no answer), and once they go a new one is served
held = [conn(port_l) for _ in range(4)]
time.sleep(0.5)
def ask(timeout):
    s = conn(port_l); s.settimeout(timeout); data = b""
    try:
        s.sendall(b"GET /image.bin.sha256 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        while True:
            b = s.recv(4096)
            if not b: break
            data += b
    except OSError: pass
    s.close(); return data
check("at the connection limit a fifth connection is refused", not ask(2).startswith(b"HTTP/1.1 200"))
for h in held: h.close()
served = False
for _ in range(30):
    if ask(2).startswith(b"HTTP/1.1 200"):
        served = True; break
    time.sleep(0.1)
check("once the held connections close, a new one is served", served)
print("\n".join(out))
EOF
cat "$tmp/hostile"
fails=$((fails + $(grep -c '^FAIL' "$tmp/hostile") ))
grep -q '^ok' "$tmp/hostile" || fails=$((fails+1))
kill -0 "$pid_H" 2>/dev/null && ok "the server is still up after the hostile clients" || fail "the server died"
stop H TERM; eq "SIGTERM after the hostile clients: exit 0" "$?" 0
stop L TERM; eq "SIGTERM after the connection limit: exit 0" "$?" 0

# nothing on any server's stderr (the log went to --log): no sanitizer report, no warning
quiet=1
for e in "$tmp"/[A-Z].err; do
  [[ -s $e ]] && { fail "$(basename "$e" .err) wrote to stderr: $(head -3 "$e")"; quiet=0; }
done
[[ $quiet -eq 1 ]] && ok "no server wrote to stderr"

if [[ $fails -ne 0 ]]; then
  echo "$fails check(s) failed"
  exit 1
fi
echo "all serve checks passed"
