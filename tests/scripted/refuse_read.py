#!/usr/bin/env python3
"""tests/scripted/refuse_read.py: a scripted module (for exec:) that echoes every command
line, answers ERROR to the read forms named on its command line (e.g. AT+QIOTREG?) and OK
to everything else. It walks the conformance runner's path of a read form refused before
a read-write case (the uninitialised read of issue 9 item 6)."""
import os
import sys

refused = {a.upper().encode() for a in sys.argv[1:]}
buf = b""
try:
    while True:
        chunk = os.read(0, 256)
        if not chunk:
            break
        buf += chunk
        while b"\r" in buf:
            line, buf = buf.split(b"\r", 1)
            line = line.strip(b"\n")
            answer = b"ERROR" if line.upper() in refused else b"OK"
            os.write(1, line + b"\r\r\n" + answer + b"\r\n")
except (BrokenPipeError, OSError):
    pass
