#!/usr/bin/env python3
"""tests/scripted/cscfota_module.py: a scripted SIMCom-like module (for exec:) that plays one
AT+CSCFOTA flow the way its options say, for the device fuzzer's waits after a flow
(tests/test_devrun.c). It echoes while echo is on (ATE0/ATE1), answers AT, ATE<n> and
AT+CSCFOTA=... with OK and everything else with ERROR. After AT+CSCFOTA=...:
  --end ok     +CSCFOTA: 2, 3, 0 (a successful download)
  --end fail   +CSCFOTA: 2, 5 (no matched version: a failure)
and, with --restart-after MS, "RDY" (its boot URC) that long after the last of them, its
echo back on (the default after a restart)."""
import argparse
import os
import select
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("--end", choices=("ok", "fail"), default="ok")
ap.add_argument("--restart-after", type=int, default=-1, help="ms after the flow's last URC; -1: none")
o = ap.parse_args()

echo = True
pending = []          # (due, bytes)
buf = b""


def later(delay_s, data):
    base = pending[-1][0] if pending else time.monotonic()
    pending.append((max(base, time.monotonic()) + delay_s, data))


try:
    while True:
        timeout = max(0.0, pending[0][0] - time.monotonic()) if pending else None
        ready, _, _ = select.select([0], [], [], timeout)
        while pending and pending[0][0] <= time.monotonic():
            data = pending.pop(0)[1]
            if data is None:
                echo = True
            else:
                os.write(1, data)
        if not ready:
            continue
        chunk = os.read(0, 256)
        if not chunk:
            break
        buf += chunk
        while b"\r" in buf:
            line, buf = buf.split(b"\r", 1)
            line = line.strip(b"\n")
            if echo:
                os.write(1, line + b"\r")
            up = line.upper()
            ok = up in (b"AT", b"ATE0", b"ATE1") or up.startswith(b"AT+CSCFOTA=")
            if up == b"ATE0":
                echo = False
            elif up == b"ATE1":
                echo = True
            os.write(1, b"\r\nOK\r\n" if ok else b"\r\nERROR\r\n")
            if up.startswith(b"AT+CSCFOTA="):
                codes = (2, 3, 0) if o.end == "ok" else (2, 5)
                for c in codes:
                    later(0.03, b"\r\n+CSCFOTA: %d\r\n" % c)
                if o.restart_after >= 0:
                    later(o.restart_after / 1000.0, None)    # echo back to its default
                    later(0.0, b"\r\nRDY\r\n")
except (BrokenPipeError, OSError):
    pass
