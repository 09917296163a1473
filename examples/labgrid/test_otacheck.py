"""examples/labgrid/test_otacheck.py: otacheck's conformance suite as a labgrid test.

Takes labgrid's `target` fixture, reads the target's NetworkSerialPort (host, port, speed,
protocol) and runs `otacheck conform` against it as `rfc2217:HOST:PORT,baud=SPEED` or, for a
raw export, `tcp:HOST:PORT`, with the vendor, capability file and extra arguments of the
target's options (otacheck_vendor, otacheck_caps, otacheck_args). The reports go to
OTACHECK_REPORT_DIR (default: pytest's tmp_path/otacheck-report), are named in the JUnit
XML of the pytest run (`--junitxml`) as test-suite properties (otacheck_TARGET_report_html...), and the test fails with otacheck's
summary when the module does (exit 1), cannot be reached (3) or the run could not be
written (4). OTACHECK (default: `otacheck` on PATH) names the program.

    pytest --lg-env examples/labgrid/env.yaml examples/labgrid/test_otacheck.py --junitxml=lab.xml
"""
import os
import shlex
import shutil
import subprocess

import pytest
from labgrid.resource import NetworkSerialPort

EXIT_MEANING = {1: "some case failed", 2: "usage or configuration error",
                3: "the module could not be reached or was lost", 4: "a report could not be written"}


def otacheck_target(port):
    """The otacheck target of a NetworkSerialPort, as its protocol says."""
    host = "[%s]" % port.host if ":" in port.host else port.host
    if port.protocol == "rfc2217":
        return "rfc2217:%s:%d,baud=%d" % (host, port.port, port.speed)
    if port.protocol == "raw":
        return "tcp:%s:%d" % (host, port.port)
    pytest.fail("NetworkSerialPort protocol %r: otacheck takes rfc2217 or raw" % port.protocol)


def target_option(env, target, name):
    """The target's option, or None (labgrid 0.4 raises KeyError for one not given)."""
    try:
        return env.config.get_target_option(target.name, name)
    except KeyError:
        return None


def test_otacheck_conform(target, env, tmp_path, record_testsuite_property):
    port = target.get_resource(NetworkSerialPort)
    option = lambda name: target_option(env, target, name)  # noqa: E731
    vendor = option("otacheck_vendor")
    if not vendor:
        pytest.fail("the target %s has no option otacheck_vendor in %s" % (target.name, env.config_file))
    program = os.environ.get("OTACHECK") or shutil.which("otacheck")
    if not program:
        pytest.fail("no otacheck: put it on PATH, or name it in OTACHECK")
    report_dir = os.environ.get("OTACHECK_REPORT_DIR") or str(tmp_path / "otacheck-report")
    spec = otacheck_target(port)
    cmd = [program, "conform", "--vendor", vendor, "--target", spec, "--report-dir", report_dir, "--quiet"]
    if option("otacheck_caps"):
        caps = option("otacheck_caps")
        cmd += ["--caps", caps if os.path.isabs(caps) else os.path.join(os.path.dirname(env.config_file), caps)]
    cmd += shlex.split(option("otacheck_args") or "")
    # suite properties (JUnit xunit2, pytest's default, has none per test), named by target
    record = lambda name, value: record_testsuite_property("otacheck_%s_%s" % (target.name, name), value)  # noqa: E731
    record("target", spec)
    record("report_dir", report_dir)
    run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    for name in ("junit.xml", "results.json", "report.html"):
        if os.path.exists(os.path.join(report_dir, name)):
            record(name.replace(".", "_"), os.path.join(report_dir, name))
    print(run.stdout)
    if run.returncode != 0:
        tail = "\n".join(run.stdout.splitlines()[-40:])
        pytest.fail("otacheck conform %s: exit %d (%s)\n%s" % (spec, run.returncode,
                    EXIT_MEANING.get(run.returncode, "?"), tail), pytrace=False)
