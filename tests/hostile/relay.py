#!/usr/bin/env python3
# tests/hostile/relay.py — puts a module behind a hostile line: runs the module (any
# command) with pipes, passes the host's bytes to it unchanged, and distorts what it sends
# back. The distortions are the kinds real modules, USB adapters and TCP hops show:
#   pause     each line pauses 35 ms in its middle (a module at work, an adapter's timer);
#             pause:MS pauses MS milliseconds
#   trickle   one byte every 50 ms (a slow module: slow, not dead)
#   chatty    a line no grammar knows (+NOISE: 1) every 50 ms, between the module's lines
#   storm     a standard URC (+CEREG: 1) every 2 ms, for ever, between the module's lines
#   flood     after the module's 40th line, an endless stream of short lines ("y")
#   stall     after the module's 40th line, nothing more (the module still reads)
#   cr        every CR LF sent as a lone CR (a module whose S4 is lost)
#   lf        every CR LF sent as a lone LF (a Unix-minded firmware)
#   noeol     final result codes (OK, ERROR, +CME ERROR) sent without their CR LF
# Usage: relay.py MODE -- COMMAND...   (run as exec:python3 tests/hostile/relay.py ...)
import os
import select
import subprocess
import sys
import time


def main():
    mode, _, arg = sys.argv[1].partition(":")
    pause_s = float(arg) / 1000 if mode == "pause" and arg else 0.035
    cmd = sys.argv[sys.argv.index("--") + 1:]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    host_in, mod_out = sys.stdin.fileno(), child.stdout.fileno()
    out = sys.stdout.fileno()
    pending = b""      # the module's bytes not passed on yet
    lines_seen = 0
    at_line_start = True
    next_noise = time.monotonic()
    last_rx = time.monotonic()
    finals = (b"OK", b"ERROR", b"+CME ERROR")

    def send(b):
        nonlocal at_line_start
        if b:
            os.write(out, b)
            at_line_start = b.endswith(b"\n")

    while True:
        wait = 0.002 if mode in ("storm", "flood", "chatty", "trickle") or pending else None
        if mode in ("cr", "lf") and pending:
            wait = 0.005
        if mode == "flood" and lines_seen >= 40:
            wait = 0
        r, _, _ = select.select([host_in, mod_out], [], [], wait)
        if host_in in r:
            d = os.read(host_in, 4096)
            if not d:
                break
            child.stdin.write(d)
            child.stdin.flush()
        if mod_out in r:
            d = os.read(mod_out, 4096)
            if not d:
                break
            pending += d
            last_rx = time.monotonic()
        if mode == "stall" and lines_seen >= 40:
            pending = b""
            continue
        if mode == "flood" and lines_seen >= 40:
            send(b"y\r\n" * 512)
            continue
        if mode in ("cr", "lf"):
            # a CR at the end may be the first half of a CR LF: held a moment for its LF
            hold = pending.endswith(b"\r") and time.monotonic() - last_rx < 0.02
            part, pending = (pending[:-1], b"\r") if hold else (pending, b"")
            send(part.replace(b"\r\n", b"\r" if mode == "cr" else b"\n"))
            continue
        if mode == "trickle":
            if pending:
                send(pending[:1])
                pending = pending[1:]
                time.sleep(0.05)
            continue
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            line += b"\n"
            lines_seen += 1
            if mode == "noeol" and line.rstrip(b"\r\n").startswith(finals):
                send(line.rstrip(b"\r\n"))
            elif mode == "pause" and len(line) > 2:
                half = len(line) // 2
                send(line[:half])
                time.sleep(pause_s)
                send(line[half:])
            else:
                send(line)
        if pending and mode != "pause":
            send(pending)  # a partial line (a prompt, an event without CR LF) goes on as is
            pending = b""
        elif pending and mode == "pause":
            send(pending)
            pending = b""
        now = time.monotonic()
        if mode in ("chatty", "storm") and now >= next_noise and at_line_start:
            send(b"\r\n+NOISE: 1\r\n" if mode == "chatty" else b"\r\n+CEREG: 1\r\n")
            next_noise = now + (0.05 if mode == "chatty" else 0.002)
    child.kill()


if __name__ == "__main__":
    try:
        main()
    except (BrokenPipeError, ConnectionResetError, KeyboardInterrupt):
        pass  # the host hung up
