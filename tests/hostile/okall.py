#!/usr/bin/env python3
# tests/hostile/okall.py — a module that answers OK to every command line and never sends an
# event: every OTA flow started on it waits for events that never come, to its bound.
# It echoes while echo is on (ATE0/ATE1 switch it), as V.250 modules do.
import os
import sys

echo = True
line = b""
fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
def say(b):
    try:
        os.write(fd_out, b)
    except OSError:
        sys.exit(0)  # the host hung up


while True:
    d = os.read(fd_in, 4096)
    if not d:
        break
    for b in d:
        if b == 13:
            cmd = line.strip().upper()
            line = b""
            if not cmd:
                continue
            if echo:
                say(cmd + b"\r")
            if cmd.startswith(b"ATE"):
                echo = cmd != b"ATE0"
            say(b"\r\nOK\r\n")
        elif b != 10:
            line += bytes([b])
