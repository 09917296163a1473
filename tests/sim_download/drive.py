#!/usr/bin/python3
"""tests/sim_download/drive.py — drives `otacheck sim --vendor fibocom` over pipes: sends one
AT+GTOTA=0,"URL" and reads until GTOTA DOWNLOAD COMPLETE or FAILED, or the time is up.
Prints one line: "<COMPLETE|FAILED|NONE> <seconds> <last percent>", then ends the module.
Usage: drive.py OTACHECK URL SECONDS [--fault NAME]..."""
import os
import re
import select
import subprocess
import sys
import time

ot, url, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
cmd = [ot, "sim", "--vendor", "fibocom", "--time-scale", "0.01"] + sys.argv[4:]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
t0 = time.monotonic()
p.stdin.write(('AT+GTOTA=0,"%s"\r' % url).encode())
p.stdin.flush()
buf = b""
outcome = "NONE"
while outcome == "NONE":
    left = limit - (time.monotonic() - t0)
    if left <= 0:
        break
    r, _, _ = select.select([p.stdout], [], [], left)
    if not r:
        break
    chunk = os.read(p.stdout.fileno(), 65536)
    if not chunk:
        break
    buf += chunk
    if b"GTOTA DOWNLOAD COMPLETE" in buf:
        outcome = "COMPLETE"
    elif b"GTOTA DOWNLOAD FAILED" in buf:
        outcome = "FAILED"
took = time.monotonic() - t0
pcts = re.findall(rb"GTOTA DOWNLOADING: (\d+)%", buf)
p.kill()
p.wait()
print("%s %.2f %s" % (outcome, took, pcts[-1].decode() if pcts else "-"))
