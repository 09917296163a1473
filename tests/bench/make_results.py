#!/usr/bin/env python3
"""tests/bench/make_results.py: a synthetic results.jsonl of N cases for the report and
diff benchmarks, made from a real run's stream. It keeps that run's run and target lines
and repeats its case lines (transcripts and timed steps included) under new ids until it
has N cases, then writes its end line. --flip K makes K cases fail that passed (and K pass
that failed), and --slower F multiplies the latencies of one command in three by F: two
files made with the same source and different options are two runs worth diffing.

    python3 tests/bench/make_results.py SRC.jsonl 100000 A.jsonl
    python3 tests/bench/make_results.py SRC.jsonl 100000 B.jsonl --flip 500 --slower 1.5

Measured with (README, "Performance"):
    time otacheck report --from A.jsonl --format all
    time otacheck diff A.jsonl B.jsonl
"""
import argparse
import json
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="a real run's results.jsonl")
    ap.add_argument("n", type=int, help="how many cases to write")
    ap.add_argument("out", help="the results.jsonl to write")
    ap.add_argument("--flip", type=int, default=0, help="cases whose verdict flips")
    ap.add_argument("--slower", type=float, default=1.0, help="latency factor of some commands")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    head, cases, end = [], [], None
    with open(a.source, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            if o.get("type") == "case":
                cases.append(o)
            elif o.get("type") in ("run", "target"):
                head.append(o)
            elif o.get("type") == "end":
                end = o
    if not cases or not end:
        sys.exit(f"{a.source}: no case lines, or no end line (a run that finished)")
    rng = random.Random(a.seed)
    flips = set(rng.sample(range(a.n), min(a.flip, a.n)))
    commands = sorted({c.get("command") or "" for c in cases})
    slow = set(commands[::3])
    with open(a.out, "w", encoding="utf-8") as out:
        for o in head:
            out.write(json.dumps(o, separators=(",", ":")) + "\n")
        for i in range(a.n):
            c = dict(cases[i % len(cases)])
            c["id"] = f"{c['id']}#{i // len(cases)}"
            if i in flips:
                if c["verdict"] == "PASS":
                    c.update(verdict="FAIL", reason="synthetic: flipped", expected="PASS",
                             seen="a flipped verdict")
                elif c["verdict"] == "FAIL":
                    c.update(verdict="PASS", reason=None, expected=None, seen=None)
            if a.slower != 1.0 and (c.get("command") or "") in slow:
                if c.get("latency_ms") is not None:
                    c["latency_ms"] = round(c["latency_ms"] * a.slower, 3)
                c["steps"] = [dict(s, latency_ms=round(s["latency_ms"] * a.slower, 3))
                              if s.get("latency_ms") is not None else s for s in c.get("steps", [])]
            out.write(json.dumps(c, separators=(",", ":")) + "\n")
        out.write(json.dumps(end, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
