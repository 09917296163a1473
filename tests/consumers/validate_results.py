#!/usr/bin/python3
# tests/consumers/validate_results.py — a report directory's results.json and every line of
# its results.jsonl validated against reports/results.schema.json with Debian's jsonschema
# (python3-jsonschema; run it with /usr/bin/python3, a pyenv python lacks it), and what a
# schema cannot say: the summary counts the cases, targets[] index themselves, the stream
# opens with a run line and an end line (if any) is its last, and results.json holds the
# stream's targets and cases. Usage: validate_results.py SCHEMA DIR...; exit 1 on a finding.
import json
import sys

import jsonschema

schema_path, dirs = sys.argv[1], sys.argv[2:]
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
document = jsonschema.Draft202012Validator(schema)


def sub(ref):
    return jsonschema.Draft202012Validator({"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": ref})


stream_line = sub("#/$defs/stream_line")
# a line that fails stream_line is told against the branch of its type, for a useful message
by_type = {t: sub(f"#/$defs/stream_line/oneOf/{i}") for i, t in enumerate(("run", "target", "case", "end"))}
findings = 0


def say(where, what):
    global findings
    findings += 1
    print(f"{where}: {what}")


def errors(validator, obj, where):
    for e in sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in e.absolute_path)
        say(where, f"at /{path}: {e.message}"[:400])


for d in dirs:
    with open(f"{d}/results.json", encoding="utf-8") as f:
        doc = json.load(f)
    errors(document, doc, f"{d}/results.json")
    cases, targets = doc.get("cases", []), doc.get("targets", [])
    counts = {"total": len(cases)}
    for key, verdict in (("pass", "PASS"), ("fail", "FAIL"), ("na", "N/A"), ("error", "ERROR"), ("warn", "WARN")):
        counts[key] = sum(1 for c in cases if c.get("verdict") == verdict)
    if doc.get("summary") != counts:
        say(f"{d}/results.json", f"summary {doc.get('summary')} does not count the cases {counts}")
    for i, t in enumerate(targets):
        if t.get("index") != i:
            say(f"{d}/results.json", f"targets[{i}] has index {t.get('index')}")
    for i, c in enumerate(cases):
        if not isinstance(c.get("target"), int) or c["target"] >= len(targets):
            say(f"{d}/results.json", f"cases[{i}] has target {c.get('target')}, of {len(targets)} targets")

    lines = []
    with open(f"{d}/results.jsonl", encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            where = f"{d}/results.jsonl:{n}"
            if not text.endswith("\n"):
                say(where, "the last line has no newline")
            try:
                obj = json.loads(text)
            except ValueError as e:
                say(where, f"not JSON: {e}")
                continue
            if not stream_line.is_valid(obj):
                t = obj.get("type") if isinstance(obj, dict) else None
                if t in by_type and not by_type[t].is_valid(obj):
                    errors(by_type[t], obj, where)
                else:
                    errors(stream_line, obj, where)
            lines.append(obj)
    types = [o.get("type") for o in lines]
    if not types or types[0] != "run":
        say(f"{d}/results.jsonl", f"the first line is {types[:1]}, not a run line")
    if "end" in types and types.index("end") != len(types) - 1:
        say(f"{d}/results.jsonl", "an end line that is not the last")
    if "end" not in types and not doc.get("run", {}).get("interrupted"):
        say(f"{d}", "no end line, but results.json does not say interrupted")
    streamed = [{k: v for k, v in o.items() if k != "type"} for o in lines if o.get("type") == "case"]
    if streamed != cases:
        say(f"{d}", f"results.json's {len(cases)} cases are not the stream's {len(streamed)}")
    streamed = [{k: v for k, v in o.items() if k != "type"} for o in lines if o.get("type") == "target"]
    if streamed != targets:
        say(f"{d}", "results.json's targets are not the stream's")

print(f"{len(dirs)} report directories: {findings} finding(s)")
sys.exit(1 if findings else 0)
