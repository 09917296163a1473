#!/usr/bin/env python3
"""tests/lava/check_signals.py: reads LAVA test-shell signals as Debian's lava-dispatcher
reads them, with its own code (the modules unpacked by scripts/fetch-lava.sh, put on
PYTHONPATH by tests/lava.sh): the "signal" pattern of its TestShellAction, its
handle_testcase() for a TESTCASE's parameters and its SignalMatch for the result and the
measurement. What it adds is what a lab's results need of otacheck's lines: every TESTCASE
between a STARTTC and an ENDTC of its id, ids unique and in the characters a LAVA test case
name and its results directory take, and, given results.json, one TESTCASE per case in its
order with the result its verdict maps to.

Usage: check_signals.py SIGNALS_FILE [RESULTS_JSON]      exit 0: good, 1: what is wrong
       check_signals.py --testdef YAML                   a test definition against LAVA's schema
       check_signals.py --cases SIGNALS_FILE             prints the TESTCASE ids, one a line
"""
import json
import re
import sys

from lava_common.exceptions import JobError, TestError
from lava_dispatcher.actions.test.shell import TestShellAction, handle_testcase
from lava_dispatcher.connection import SignalMatch

RESULT_OF = {"PASS": "pass", "WARN": "pass", "FAIL": "fail", "N/A": "skip", "ERROR": "unknown"}
ID_CHARS = re.compile(r"^[-_a-zA-Z0-9.]{1,100}$")


def signal_pattern():
    action = TestShellAction()
    action._reset_patterns()
    return re.compile(action.patterns["signal"], re.M)


def read_signals(text):
    """(name, params) of every signal, as TestShellAction.check_patterns splits them."""
    return [(m.group(1), m.group(2).split()) for m in signal_pattern().finditer(text)]


def check(text, results=None):
    problems = []
    open_id = None
    seen = []
    for name, params in read_signals(text):
        if name == "STARTTC":
            if open_id is not None:
                problems.append("STARTTC %s inside %s" % (params, open_id))
            open_id = params[0]
        elif name == "ENDTC":
            if open_id != params[0]:
                problems.append("ENDTC %s closes %s" % (params[0], open_id))
            open_id = None
        elif name == "TESTCASE":
            try:
                data = handle_testcase(params)
                res = SignalMatch().match(data, fixupdict={})
            except (JobError, TestError) as exc:
                problems.append("the dispatcher refuses %s: %s" % (params, exc))
                continue
            case = res["test_case_id"]
            if case != open_id:
                problems.append("TESTCASE %s outside its STARTTC/ENDTC (open: %s)" % (case, open_id))
            if not ID_CHARS.match(case):
                problems.append("id %r: not 1..100 of [-_a-zA-Z0-9.]" % case)
            if "measurement" in res and res.get("units") != "ms":
                problems.append("%s: a measurement without UNITS=ms" % case)
            seen.append((case, res["result"]))
        else:
            problems.append("unexpected signal %s %s" % (name, params))
    if open_id is not None:
        problems.append("STARTTC %s never ended" % open_id)
    ids = [c for c, _ in seen]
    dup = sorted({c for c in ids if ids.count(c) > 1}) if len(ids) != len(set(ids)) else []
    if dup:
        problems.append("ids repeated: %s" % dup[:5])
    if results is not None:
        cases = results["cases"]
        if len(cases) != len(seen):
            problems.append("%d TESTCASE signals for %d cases" % (len(seen), len(cases)))
        for i, (c, (case, result)) in enumerate(zip(cases, seen)):
            want = RESULT_OF[c["verdict"]]
            if result != want:
                problems.append("case %d (%s): %s, its verdict %s is %s" % (i + 1, case, result, c["verdict"], want))
                break
    return problems, seen


def main(argv):
    if len(argv) == 3 and argv[1] == "--testdef":
        import yaml
        from lava_common.schemas.test import testdef

        with open(argv[2]) as f:
            data = yaml.safe_load(f)
        try:
            testdef.validate(data)
        except Exception as exc:  # voluptuous' Invalid and its kin
            print("%s: not a LAVA test definition: %s" % (argv[2], exc))
            return 1
        return 0
    if len(argv) == 3 and argv[1] == "--cases":
        with open(argv[2], errors="replace") as f:
            for name, params in read_signals(f.read()):
                if name == "TESTCASE":
                    print(handle_testcase(params)["test_case_id"])
        return 0
    if len(argv) not in (2, 3):
        print(__doc__)
        return 2
    with open(argv[1], errors="replace") as f:
        text = f.read()
    results = None
    if len(argv) == 3:
        with open(argv[2]) as f:
            results = json.load(f)
    problems, seen = check(text, results)
    for p in problems[:20]:
        print("%s: %s" % (argv[1], p))
    if not seen and not problems:
        print("%s: no TESTCASE signal" % argv[1])
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
