#!/usr/bin/env python3
# tests/faults/sweep.py — fault injection as routine: runs an otacheck command again and
# again under tests/faults/inject.c, making the Nth allocation or the Nth write to a file
# fail (once, or from there on: memory or the disk stays full), for N over the whole run,
# and checks that each run ends as a run must:
#   - by exit(), never a signal (a crash, an abort) and never a hang (a time bound);
#   - with 0 or 1 when the failure did not matter (a library that does without the memory,
#     a buffer it can go without), or 4 with "out of memory" / "cannot write" said; never
#     2 or 3, which would blame the user or the module for the host's failure;
#   - with every file it leaves whole: results.json and each line of results.jsonl parse as
#     JSON, junit.xml as XML, results.tap has its plan, report.html its end, a reproducer its
#     #vendor line, SHA256SUMS the digests of the files it names; no temporary file left behind; and, on exit 0 or 1, every report the run
#     without faults writes there.
# Usage: sweep.py --ot OTACHECK --inject LIB --name NAME [--points N] -- ARGS...
#   ARGS is the otacheck command line; {dir} in it is replaced by the run's output directory.
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

REPORTS = ["results.jsonl", "junit.xml", "results.tap", "results.json", "report.html"]


def whole(path):
    """None when the file at path is whole, else what is wrong with it."""
    name = os.path.basename(path)
    try:
        data = open(path, "rb").read()
    except OSError as e:
        return "cannot be read: %s" % e
    try:
        if name == "results.json":
            if "cases" not in json.loads(data):
                return "has no cases"
        elif name == "results.jsonl":
            for line in data.decode().splitlines():
                json.loads(line)
            if data and not data.endswith(b"\n"):
                return "ends inside a line"
        elif name == "junit.xml":
            ET.fromstring(data)
        elif name == "results.tap":
            text = data.decode()
            if not text.startswith("TAP version 13") or "\n1.." not in "\n" + text:
                return "has no TAP header or plan"
        elif name == "report.html":
            if not data.rstrip().endswith(b"</html>"):
                return "does not end with </html>"
        elif name == "SHA256SUMS":
            # written last: every file it names is there and has its digest
            import hashlib
            for line in data.decode().splitlines():
                digest, _, fname = line.partition("  ")
                fpath = os.path.join(os.path.dirname(path), fname)
                if not os.path.exists(fpath):
                    return "names %s, which is not there" % fname
                if hashlib.sha256(open(fpath, "rb").read()).hexdigest() != digest:
                    return "does not match %s" % fname
        elif name.endswith(".at"):
            if not data.startswith(b"#vendor "):
                return "has no #vendor line"
    except (ValueError, ET.ParseError, UnicodeDecodeError) as e:
        return "does not parse: %s" % e
    return None


def judge(rc, err, out_dir, reports_expected):
    """The problems of one run. reports_expected: the report files a run that exits 0 or 1
    must leave, those the run without faults writes (`otacheck report` writes no
    results.jsonl: it rebuilds the others from one)."""
    problems = []
    if rc is None:
        return ["did not end within its bound (a hang)"]
    if rc < 0 or rc >= 128:
        return ["ended by signal %d (a crash)" % (-rc if rc < 0 else rc - 128)]
    if rc in (2, 3):
        problems.append("exit %d: the host's failure blamed on the user or the module" % rc)
    elif rc == 4:
        if not any(w in err for w in ("out of memory", "cannot write", "not written", "Cannot allocate memory")):
            problems.append("exit 4 without saying why")
    elif rc not in (0, 1):
        problems.append("exit %d" % rc)
    if os.path.isdir(out_dir):
        for name in sorted(os.listdir(out_dir)):
            path = os.path.join(out_dir, name)
            if ".tmp." in name:
                problems.append("a temporary file left: %s" % name)
            elif os.path.isfile(path):
                why = whole(path)
                if why:
                    problems.append("%s %s" % (name, why))
        if rc in (0, 1) and reports_expected:
            missing = [r for r in reports_expected if not os.path.exists(os.path.join(out_dir, r))]
            if missing:
                problems.append("exit %d but not written: %s" % (rc, ", ".join(missing)))
    return problems


def run(args, env_extra, out_dir, timeout):
    env = dict(os.environ)
    env.update(env_extra)
    cmd = [a.replace("{dir}", out_dir) for a in args]
    try:
        p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return None, ""


def points(total, n):
    """About n points over 1..total: the first ones, then spread evenly on a log scale, then
    the last ones (the reports are written at the end)."""
    if total <= n:
        return list(range(1, total + 1))
    head = list(range(1, min(total, n // 4) + 1))
    tail = list(range(max(1, total - n // 8), total + 1))
    mid = n - len(head) - len(tail)
    lo, hi = math.log(head[-1] + 1), math.log(max(head[-1] + 2, tail[0]))
    spread = [int(math.exp(lo + (hi - lo) * i / max(1, mid - 1))) for i in range(mid)]
    return sorted(set(head + spread + tail))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ot", required=True)
    ap.add_argument("--inject", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--points", type=int, default=60)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--no-reports", action="store_true", help="the command writes no report directory")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    o = ap.parse_args()
    args = [a for a in o.args if a != "--"]
    args = [o.ot] + args
    base = tempfile.mkdtemp(prefix="otacheck-faults-")
    pre = {"LD_PRELOAD": o.inject}
    # how many allocations and writes a run makes
    count_file = os.path.join(base, "count")
    count_dir = os.path.join(base, "count-run")
    rc, err = run(args, dict(pre, OTACHECK_FAIL_COUNT=count_file), count_dir, o.timeout)
    if rc not in (0, 1):
        print("FAIL %s: the run without faults exits %s:\n%s" % (o.name, rc, err[-2000:]))
        return 1
    expected = [] if o.no_reports else [r for r in REPORTS if os.path.exists(os.path.join(count_dir, r))]
    if not o.no_reports and not expected:
        print("FAIL %s: the run without faults writes no report in {dir} (--no-reports?)" % o.name)
        return 1
    counts = dict(kv.split("=") for kv in open(count_file).read().split())
    allocs, writes = int(counts["allocs"]), int(counts["writes"])
    print("     %s: %d allocations, %d writes to files in a run" % (o.name, allocs, writes))
    failed = 0
    tried = 0
    for kind, total in (("ALLOC", allocs), ("WRITE", writes)):
        for sticky in ("0", "1"):
            for n in points(total, o.points):
                tried += 1
                out_dir = os.path.join(base, "%s-%s-%d" % (kind, sticky, n))
                env = dict(pre, **{"OTACHECK_FAIL_" + kind: str(n), "OTACHECK_FAIL_STICKY": sticky})
                rc, err = run(args, env, out_dir, o.timeout)
                problems = judge(rc, err, out_dir, expected)
                if problems:
                    failed += 1
                    what = "%s %d%s" % ("allocation" if kind == "ALLOC" else "write", n,
                                        " and after" if sticky == "1" else "")
                    print("FAIL %s: %s fails: %s" % (o.name, what, "; ".join(problems)))
                    last = err.strip().splitlines()[-3:]
                    for line in last:
                        print("       stderr: %s" % line[:300])
                subprocess.run(["rm", "-rf", out_dir])
    subprocess.run(["rm", "-rf", base])
    if failed:
        print("FAIL %s: %d of %d faulty runs did not end cleanly" % (o.name, failed, tried))
        return 1
    print("ok   %s: %d faulty runs (allocations and writes, once and from there on) ended cleanly" % (o.name, tried))
    return 0


if __name__ == "__main__":
    sys.exit(main())
