#!/usr/bin/env python3
# tests/hostile/okall.py — a module that answers OK to every command line and never sends an
# event: every OTA flow started on it waits for events that never come, to its bound.
# It echoes while echo is on (ATE0/ATE1 switch it), as V.250 modules do.
# --ati-noise: ATI's answer starts with a line no grammar knows (+NOISE: 1), as a line of a
# chatty module that lands inside it would; the identity is the lines after it.
import os
import sys

echo = True
ati_noise = "--ati-noise" in sys.argv[1:]
line = b""
fd_in, fd_out = sys.stdin.fileno(), sys.stdout.fileno()
def say(b):
    try:
        os.write(fd_out, b)
    except OSError:
        sys.exit(0)  # the host hung up


while True:
    try:
        d = os.read(fd_in, 4096)
    except OSError:
        break  # the host hung up (a pty gives EIO)
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
            if cmd == b"ATI" and ati_noise:
                say(b"\r\n+NOISE: 1\r\nManufacturer: Noisy\r\nModel: M1\r\nRevision: R1\r\n")
            say(b"\r\nOK\r\n")
        elif b != 10:
            line += bytes([b])
