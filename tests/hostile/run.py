#!/usr/bin/env python3
# tests/hostile/run.py — runs one command against a hostile module and says how it ended:
# prints "rc=N secs=S rss_mb=M" (M: the peak resident memory of the largest process it
# waited for, otacheck or the module). Options before "--":
#   --limit S          kill the command (SIGKILL) after S seconds: rc=killed
#   --signal T:SIG     send SIG (TERM, INT) to it T seconds after the start (repeatable;
#                      signals given the same T are sent back to back); secs then counts
#                      from the first signal sent
# Usage: run.py [--limit S] [--signal T:SIG]... -- COMMAND...
import resource
import signal
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    cmd = args[args.index("--") + 1:]
    opts = args[:args.index("--")]
    limit, signals = 600.0, []
    while opts:
        o = opts.pop(0)
        if o == "--limit":
            limit = float(opts.pop(0))
        elif o == "--signal":
            t, name = opts.pop(0).split(":")
            signals.append((float(t), getattr(signal, "SIG" + name)))
    signals.sort(key=lambda s: s[0])
    t0 = time.monotonic()
    p = subprocess.Popen(cmd)
    first_signal = None
    rc = None
    while rc is None:
        now = time.monotonic() - t0
        while signals and now >= signals[0][0]:
            p.send_signal(signals.pop(0)[1])
            if first_signal is None:
                first_signal = time.monotonic()
        if now >= limit:
            p.kill()
            p.wait()
            rc = "killed"
            break
        try:
            rc = p.wait(timeout=0.01)
        except subprocess.TimeoutExpired:
            pass
    end = time.monotonic()
    secs = end - (first_signal if first_signal is not None else t0)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    if isinstance(rc, int) and rc < 0:
        rc = 128 - rc  # killed by a signal: as the shell says it
    print("rc=%s secs=%.2f rss_mb=%.1f" % (rc, secs, rss))


if __name__ == "__main__":
    main()
